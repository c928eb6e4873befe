//! The wasm build of pseudonymisation, run in Node by wasm-bindgen-test-runner:
//! the frozen vectors of tests/common/pseudo_vectors.rs (shared with tests/pseudo.rs), through the core and
//! through the `apply`, `keygen` and `key_from_passphrase` boundary.
//!
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --test wasm_pseudo`
#![cfg(target_arch = "wasm32")]

use masque::pseudo::{DateShifter, Encoding, KdfParams, Key, KeyFile, Kind, PseudonymFormat, Pseudonymiser};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "common/pseudo_vectors.rs"]
mod vectors;
use vectors::*;

fn get(object: &JsValue, field: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(field)).unwrap()
}

fn message(err: impl Into<JsValue>) -> String {
    get(&err.into(), "message").as_string().unwrap()
}

#[wasm_bindgen_test]
fn frozen_vectors_in_wasm() {
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
    let mut norm = String::new();
    assert!(Kind::Nir.normalise("1 85 05 75 115 423 57", &mut norm).is_err());
    assert_eq!(p.pseudonym(&norm, &PseudonymFormat::default()), PSEUDONYMS[1].1);
}

#[wasm_bindgen_test]
fn argon2id_in_wasm() {
    let key = Key::derive(PASSPHRASE.as_bytes(), SALT, &KdfParams::rfc9106()).unwrap();
    assert_eq!(key.fingerprint(), DERIVED_FINGERPRINT);
    assert_eq!(Pseudonymiser::new(&key).pseudonym("185057511542355", &PseudonymFormat::default()), DERIVED_PSEUDONYM);
    // The boundary derives the same key from the salt as hex.
    let salt_hex: String = SALT.iter().map(|b| format!("{b:02x}")).collect();
    let file = masque::wasm::key_from_passphrase(PASSPHRASE.to_string(), JsValue::from_str(&salt_hex)).unwrap();
    assert_eq!(get(&file, "fingerprint").as_string().unwrap(), DERIVED_FINGERPRINT);
    assert_eq!(get(&file, "key").as_string().unwrap().len(), 64);
    // Given that key file back, a wrong passphrase is refused.
    let err = masque::wasm::key_from_passphrase("wrong".to_string(), file).unwrap_err();
    assert!(message(err).contains("wrong passphrase"));
}

#[wasm_bindgen_test]
fn apply_through_the_boundary() {
    let key_json = KeyFile::for_key(&test_key()).to_json();
    let csv = "nir;nom;entree;adresse\r\n1 85 05 75 115 423 55;Hélène;01/03/2024;1 rue X\r\n185057511542357;HELENE;2024-05-01;2 rue Y\r\n";
    let policy = r#"{"version": 1, "columns": {
        "nir": {"action": "pseudonymise", "kind": "nir"},
        "nom": {"action": "pseudonymise", "kind": "text"},
        "entree": {"action": "date_shift", "subject": "nir", "max_days": 365},
        "adresse": "drop"}}"#;
    let options = js_sys::JSON::parse(r#"{"correspondence": true}"#).unwrap();
    let result =
        masque::wasm::apply(csv.as_bytes(), JsValue::from_str(policy), JsValue::from_str(&key_json), options).unwrap();
    let output = js_sys::Uint8Array::new(&get(&result, "output")).to_vec();
    let output = String::from_utf8(output).unwrap();
    // Offsets of the frozen vectors: -278 days for 185057511542355, +331 for 185057511542357.
    assert_eq!(
        output,
        "nir;nom;entree\r\n24NW4YCQ5LVLKNYL;GB2KHMQEB57Z4XIQ;28/05/2023\r\n4BB5XHCNTNP2XNOG;GB2KHMQEB57Z4XIQ;2025-03-28\r\n"
    );
    let report = get(&result, "report");
    assert_eq!(get(&report, "key_fingerprint").as_string().unwrap(), FINGERPRINT);
    assert_eq!(get(&report, "invalid_total").as_f64(), Some(1.0));
    let report_text = js_sys::JSON::stringify(&report).unwrap().as_string().unwrap();
    assert!(!report_text.contains("185057511542357") && !report_text.contains("000102030405"));
    let correspondence = String::from_utf8(js_sys::Uint8Array::new(&get(&result, "correspondence")).to_vec()).unwrap();
    assert!(correspondence.contains("nir;24NW4YCQ5LVLKNYL;1 85 05 75 115 423 55"));
    assert!(get(&get(&result, "timings"), "apply_ms").as_f64().is_some());

    // A key file object works as well as its text; no correspondence unless asked.
    let key_object = js_sys::JSON::parse(&key_json).unwrap();
    let again = masque::wasm::apply(csv.as_bytes(), JsValue::from_str(policy), key_object, JsValue::UNDEFINED).unwrap();
    assert_eq!(String::from_utf8(js_sys::Uint8Array::new(&get(&again, "output")).to_vec()).unwrap(), output);
    assert!(get(&again, "correspondence").is_undefined());
}

#[wasm_bindgen_test]
fn boundary_errors_name_paths_not_values() {
    let key_json = KeyFile::for_key(&test_key()).to_json();
    let csv = "nir;x\n185057511542357;a\n";
    let bad = r#"{"version": 1, "columns": {"nir": {"action": "hsh"}}}"#;
    let err = masque::wasm::apply(csv.as_bytes(), JsValue::from_str(bad), JsValue::from_str(&key_json), JsValue::NULL)
        .unwrap_err();
    assert!(message(err).starts_with("policy: columns.nir.action: unknown action \"hsh\""));
    let strict =
        r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir", "on_invalid": "error"}}}"#;
    let err =
        masque::wasm::apply(csv.as_bytes(), JsValue::from_str(strict), JsValue::from_str(&key_json), JsValue::NULL)
            .unwrap_err();
    let text = message(err);
    assert!(text.starts_with("row 1, column `nir`"), "{text}");
    assert!(!text.contains("185057511542357"));
    let err = masque::wasm::apply(csv.as_bytes(), JsValue::from_str(strict), JsValue::NULL, JsValue::NULL).unwrap_err();
    assert!(message(err).contains("a key is needed"));
    let options = js_sys::JSON::parse(r#"{"utf9": true}"#).unwrap();
    let err = masque::wasm::apply(csv.as_bytes(), JsValue::from_str(strict), JsValue::from_str(&key_json), options)
        .unwrap_err();
    assert!(message(err).contains("unknown field `utf9`"));
}

#[wasm_bindgen_test]
fn keygen_in_wasm() {
    let a = masque::wasm::keygen().unwrap();
    let b = masque::wasm::keygen().unwrap();
    let ka = get(&a, "key").as_string().unwrap();
    assert_eq!(ka.len(), 64);
    assert_ne!(ka, get(&b, "key").as_string().unwrap());
    let text = js_sys::JSON::stringify(&a).unwrap().as_string().unwrap();
    let file = KeyFile::from_json(&text).unwrap();
    assert_eq!(file.unlock(None).unwrap().fingerprint(), get(&a, "fingerprint").as_string().unwrap());
}

#[wasm_bindgen_test]
fn apply_honours_the_policy_output_encoding() {
    // Windows-1252 in; the policy's `output.utf8` writes UTF-8, as `--utf8` and `clean` do.
    let csv: &[u8] = b"nom;ville\r\nH\xe9l\xe8ne;S\xe8te\r\n";
    let run = |policy: &str| {
        let result = masque::wasm::apply(csv, JsValue::from_str(policy), JsValue::NULL, JsValue::UNDEFINED).unwrap();
        js_sys::Uint8Array::new(&get(&result, "output")).to_vec()
    };
    let as_read = run(r#"{"version": 1, "columns": {"nom": "keep", "ville": "keep"}}"#);
    assert_eq!(as_read, csv);
    let utf8 = run(r#"{"version": 1, "columns": {"nom": "keep", "ville": "keep"}, "output": {"utf8": true}}"#);
    assert_eq!(String::from_utf8(utf8).unwrap(), "nom;ville\r\nHélène;Sète\r\n");
}
