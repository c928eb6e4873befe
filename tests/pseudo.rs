//! Keys, pseudonyms and date offsets: RFC 4231 vectors, frozen vectors (the
//! same ones as tests/wasm_pseudo.rs, so native and wasm builds are proven to
//! agree), normalisation and key handling.
//!
//! The frozen vectors were computed independently of this code, with Python's
//! `hmac`/`hashlib`/`base64` following the definitions in `src/pseudo/pseudonym.rs`,
//! and the Argon2id key with the reference `argon2` command-line tool.
#![cfg(not(target_arch = "wasm32"))]

use masque::pseudo::{
    hmac_sha256, DateShifter, Encoding, Invalid, KdfParams, Key, KeyError, KeyFile, Kind, PseudonymFormat,
    Pseudonymiser,
};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[path = "common/pseudo_vectors.rs"]
mod vectors;
use vectors::*;

#[test]
fn rfc4231_hmac_sha256_vectors() {
    let long_key = [0xaa; 131];
    let key4: Vec<u8> = (1..=25).collect();
    let cases: [(&[u8], &[u8], &str); 7] = [
        (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (&[0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (&key4, &[0xcd; 50], "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        // Test case 5 checks only the first 128 bits.
        (&[0x0c; 20], b"Test With Truncation", "a3b6167473100ee06e0c796c2955552b"),
        (
            &long_key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            &long_key,
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (i, (key, data, expected)) in cases.iter().enumerate() {
        let mac = hex(&hmac_sha256(key, data));
        assert_eq!(&mac[..expected.len()], *expected, "RFC 4231 test case {}", i + 1);
    }
}

#[test]
fn frozen_pseudonyms() {
    let key = test_key();
    assert_eq!(key.fingerprint(), FINGERPRINT);
    let p = Pseudonymiser::new(&key);
    let fmt = |encoding, length| PseudonymFormat { encoding, length, prefix: String::new() };
    for &(value, b32, hx, b64) in PSEUDONYMS {
        assert_eq!(p.pseudonym(value, &PseudonymFormat::default()), b32, "{value}");
        assert_eq!(p.pseudonym(value, &fmt(Encoding::Hex, 20)), hx, "{value}");
        assert_eq!(p.pseudonym(value, &fmt(Encoding::Base64url, 22)), b64, "{value}");
    }
    let shifter = DateShifter::new(&key, 365).unwrap();
    for &(subject, offset) in OFFSETS {
        assert_eq!(shifter.offset(subject.as_bytes()), offset, "{subject}");
    }
    let other = Pseudonymiser::new(&Key::from_random([0xff; 32]));
    assert_eq!(other.pseudonym(PSEUDONYMS[0].0, &PseudonymFormat::default()), OTHER_KEY_PSEUDONYM);
}

#[test]
fn prefix_is_prepended() {
    let p = Pseudonymiser::new(&test_key());
    let f = PseudonymFormat { prefix: "P-".into(), ..PseudonymFormat::default() };
    assert_eq!(p.pseudonym("helene", &f), "P-GB2KHMQEB57Z4XIQ");
}

/// The pseudonym of a cell, normalised as `kind`.
fn pseudonym_of(kind: Kind, cell: &str) -> (String, Result<(), Invalid>) {
    let p = Pseudonymiser::new(&test_key());
    let mut norm = String::new();
    let r = kind.normalise(cell, &mut norm);
    (p.pseudonym(&norm, &PseudonymFormat::default()), r)
}

#[test]
fn two_writings_one_pseudonym() {
    for cell in ["1 85 05 75 115 423 55", "185057511542355", "1.85.05.75.115.423.55", " 1-85-05-75-115-423-55 "] {
        assert_eq!(pseudonym_of(Kind::Nir, cell), ("24NW4YCQ5LVLKNYL".to_string(), Ok(())), "{cell}");
    }
    // The often-quoted pair: same pseudonym, and both reported (the key should be 55).
    for cell in ["1 85 05 75 115 423 57", "185057511542357"] {
        assert_eq!(pseudonym_of(Kind::Nir, cell), ("4BB5XHCNTNP2XNOG".to_string(), Err(Invalid::NirKey)), "{cell}");
    }
    assert_eq!(pseudonym_of(Kind::Nir, "253072b07300470").0, "PVVIXR2SGZF5L4WB");
    for cell in ["Hélène", "HELENE", " helene ", "HÉLÈNE"] {
        assert_eq!(pseudonym_of(Kind::Text, cell).0, "GB2KHMQEB57Z4XIQ", "{cell}");
    }
    for cell in ["Jean-Pierre", "JEAN PIERRE", "jean  pierre"] {
        assert_eq!(pseudonym_of(Kind::Text, cell).0, "H6YJRI46LQ4IRHGQ", "{cell}");
    }
    assert_eq!(pseudonym_of(Kind::Email, "Jean.Dupont@Orange.FR").0, "NGQRBTKFONGDQQBY");
    for cell in ["06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "06.12.34.56.78"] {
        assert_eq!(pseudonym_of(Kind::Phone, cell).0, "CRGR74QZXIJP57U7", "{cell}");
    }
}

#[test]
fn wrong_nir_keys_are_reported() {
    let mut out = String::new();
    for (cell, why) in [
        ("185057511542356", Invalid::NirKey),
        ("295109912611194", Invalid::NirKey),
        ("253072A07300470", Invalid::NirKey), // the 2B key under 2A
        ("1850575115423", Invalid::NirLength),
        ("1850575115423AB", Invalid::NirCharacter),
    ] {
        assert_eq!(Kind::Nir.normalise(cell, &mut out), Err(why), "{cell}");
    }
}

#[test]
fn another_key_gives_unrelated_pseudonyms() {
    let a = Pseudonymiser::new(&test_key());
    let b = Pseudonymiser::new(&Key::from_random([0xff; 32]));
    let f = PseudonymFormat::default();
    for i in 0..2000 {
        let v = format!("patient-{i}");
        assert_ne!(a.pseudonym(&v, &f), b.pseudonym(&v, &f));
        assert_eq!(a.pseudonym(&v, &f), a.pseudonym(&v, &f));
    }
}

#[test]
fn date_offsets_are_per_subject_and_bounded() {
    let key = test_key();
    let s = DateShifter::new(&key, 30).unwrap();
    let offsets: Vec<i32> = (0..500).map(|i| s.offset(format!("{i}").as_bytes())).collect();
    assert!(offsets.iter().all(|o| (-30..=30).contains(o)));
    assert!(offsets.iter().collect::<std::collections::BTreeSet<_>>().len() > 50);
    assert_eq!(s.offset(b"x"), s.offset(b"x"));
    let other = DateShifter::new(&Key::from_random([0xff; 32]), 30).unwrap();
    let differ = (0..500).filter(|i| other.offset(format!("{i}").as_bytes()) != offsets[*i as usize]).count();
    assert!(differ > 450, "{differ}");
    assert!(DateShifter::new(&key, DateShifter::MAX_DAYS + 1).is_none());
}

#[test]
fn argon2id_passphrase_key_matches_the_reference_implementation() {
    let params = KdfParams::rfc9106();
    assert_eq!((params.memory_kib, params.iterations, params.parallelism), (65536, 3, 4));
    let key = Key::derive(PASSPHRASE.as_bytes(), SALT, &params).unwrap();
    assert_eq!(key.fingerprint(), DERIVED_FINGERPRINT);
    assert!(key == Key::from_bytes(&unhex(DERIVED_KEY)).unwrap());
    let p = Pseudonymiser::new(&key);
    assert_eq!(p.pseudonym("185057511542355", &PseudonymFormat::default()), DERIVED_PSEUDONYM);

    // The shareable key file holds the salt, not the key.
    let shared = KeyFile::for_passphrase_key(&key, SALT, &params, false).to_json();
    assert!(!shared.contains(DERIVED_KEY));
    assert!(shared.contains(&hex(SALT)));
    let file = KeyFile::from_json(&shared).unwrap();
    assert_eq!(file.unlock(None).unwrap_err(), KeyError::PassphraseRequired);
    assert_eq!(file.unlock(Some(b"correct horse battery stapler")).unwrap_err(), KeyError::WrongPassphrase);
    assert!(file.unlock(Some(PASSPHRASE.as_bytes())).unwrap() == key);
}

#[test]
fn the_key_never_shows() {
    let key = test_key();
    let secret_hex = hex(&(0u8..32).collect::<Vec<_>>());
    let debug = format!("{key:?} {:?} {:?}", Pseudonymiser::new(&key), DateShifter::new(&key, 5).unwrap());
    assert!(!debug.contains(&secret_hex[..16]), "{debug}");
    let file = KeyFile::for_key(&key);
    assert!(!format!("{file:?}").contains(&secret_hex[..16]));
    // The key file is the one place it is written.
    assert!(file.to_json().contains(&secret_hex));
    // Errors about a damaged key file do not repeat it.
    let damaged = file.to_json().replace(&secret_hex, &format!("{}zz", &secret_hex[..62]));
    let err = KeyFile::from_json(&damaged).unwrap().unlock(None).unwrap_err().to_string();
    assert!(!err.contains(&secret_hex[..16]), "{err}");
    let err = KeyFile::from_json(&damaged.replace("\"version\": 1", "\"version\": 1,,")).unwrap_err().to_string();
    assert!(!err.contains(&secret_hex[..16]), "{err}");
}

#[test]
fn key_file_checks() {
    assert!(matches!(KeyFile::from_json("{}"), Err(KeyError::Format { .. })));
    assert!(matches!(KeyFile::from_json("not json"), Err(KeyError::Format { syntax: true, .. })));
    assert_eq!(KeyFile::from_json(r#"{"version": 2, "fingerprint": "x"}"#).unwrap_err(), KeyError::Version(2));
    assert_eq!(
        KeyFile::from_json(r#"{"version": 1, "fingerprint": "x"}"#).unwrap().unlock(None).unwrap_err(),
        KeyError::NoKey
    );
    assert_eq!(
        KeyFile::from_json(r#"{"version": 1, "key": "abcd", "fingerprint": "x"}"#).unwrap().unlock(None).unwrap_err(),
        KeyError::KeyLength
    );
    assert_eq!(Key::from_bytes(&[0; 31]).unwrap_err(), KeyError::KeyLength);
}
