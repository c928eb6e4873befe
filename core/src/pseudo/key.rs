//! The project key: 256 secret bits, their fingerprint and the key file.
//!
//! A [`Key`] is made from 32 random bytes the caller supplies
//! ([`Key::from_random`]; the CLI and the wasm boundary take them from
//! `getrandom`), or derived from a passphrase and a stored salt with Argon2id
//! ([`Key::derive`], RFC 9106 parameters by default). It never prints, never
//! serialises itself and wipes its bytes when dropped; the only place its bytes
//! are written is a [`KeyFile`] the user asked for.
//!
//! Two values are derived from it with HMAC-SHA-256 under fixed labels: the
//! subkey of pseudonyms and date offsets, and the fingerprint.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use super::encoding::{hex_decode, hex_encode};

/// Label of the subkey that keys pseudonyms and date offsets.
pub(crate) const LABEL_PSEUDONYM: &[u8] = b"masque/v1/pseudonym";
/// Label of the fingerprint.
const LABEL_FINGERPRINT: &[u8] = b"masque/v1/fingerprint";

/// The version of the key file format this code writes and reads.
pub const KEY_FILE_VERSION: u32 = 1;

/// Salt lengths accepted in a key file (RFC 9106 recommends 16 bytes).
const SALT_LEN: std::ops::RangeInclusive<usize> = 8..=64;

/// HMAC-SHA-256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // invariant: HMAC accepts keys of any length, `new_from_slice` cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length"); // invariant: HMAC accepts keys of any length
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// A 256-bit project key.
///
/// Its `Debug` output shows the fingerprint only; it implements neither
/// `Display`, `Clone` nor `Serialize`, and its bytes are zeroed on drop.
pub struct Key {
    secret: Box<Zeroizing<[u8; 32]>>,
}

impl Key {
    /// The key length in bytes.
    pub const LEN: usize = 32;

    /// A key made of 32 bytes from a cryptographically secure random source.
    ///
    /// The core does no I/O: the caller draws the bytes (the CLI and the wasm
    /// boundary use `getrandom`) and should wipe its own copy.
    pub fn from_random(mut random: [u8; 32]) -> Key {
        let key = Key { secret: Box::new(Zeroizing::new(random)) };
        random.zeroize();
        key
    }

    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Key, KeyError> {
        let mut secret = Box::new(Zeroizing::new([0u8; 32]));
        if bytes.len() != Key::LEN {
            return Err(KeyError::KeyLength);
        }
        secret.copy_from_slice(bytes);
        Ok(Key { secret })
    }

    /// Derives a key from a passphrase with Argon2id, `salt` and `params`.
    ///
    /// A passphrase in UTF-8 is first put in Unicode normalisation form C, so
    /// that the same passphrase typed on any system gives the same key (macOS
    /// can hand over `é` as `e` + a combining accent, Windows as one character).
    /// Other bytes are used as they are.
    pub fn derive(passphrase: &[u8], salt: &[u8], params: &KdfParams) -> Result<Key, KeyError> {
        use unicode_normalization::UnicodeNormalization;
        if passphrase.is_empty() {
            return Err(KeyError::EmptyPassphrase);
        }
        let normalised: Option<Zeroizing<String>> =
            std::str::from_utf8(passphrase).ok().map(|text| Zeroizing::new(text.nfc().collect()));
        let passphrase = normalised.as_ref().map_or(passphrase, |text| text.as_bytes());
        if !SALT_LEN.contains(&salt.len()) {
            return Err(KeyError::SaltLength);
        }
        let argon = params.argon2()?;
        let mut secret = Box::new(Zeroizing::new([0u8; 32]));
        argon.hash_password_into(passphrase, salt, &mut secret[..]).map_err(|e| match e {
            argon2::Error::OutOfMemory => KeyError::Kdf("not enough memory for the key derivation"),
            _ => KeyError::Kdf("the key derivation failed"),
        })?;
        Ok(Key { secret })
    }

    /// The public fingerprint: 64 bits of HMAC-SHA-256 of a fixed label under the
    /// key, as `xxxx-xxxx-xxxx-xxxx` (lower-case hex).
    ///
    /// It tells whether two files were made with the same key and reveals
    /// nothing usable about the key. For a passphrase key it does let someone
    /// who also holds the salt test passphrases offline, at Argon2id's cost.
    pub fn fingerprint(&self) -> String {
        let digest = hmac_sha256(&self.secret[..], LABEL_FINGERPRINT);
        let hex = hex_encode(&digest[..8]);
        format!("{}-{}-{}-{}", &hex[0..4], &hex[4..8], &hex[8..12], &hex[12..16])
    }

    /// A subkey for one purpose (HMAC-SHA-256 of the label under the key).
    pub(crate) fn subkey(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(hmac_sha256(&self.secret[..], label))
    }

    /// The key's bytes as hex, for the key file only.
    fn secret_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex_encode(&self.secret[..]))
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key").field("fingerprint", &self.fingerprint()).field("secret", &"[redacted]").finish()
    }
}

impl PartialEq for Key {
    /// Compares in constant time.
    fn eq(&self, other: &Key) -> bool {
        self.secret.iter().zip(other.secret.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

impl Eq for Key {}

/// Argon2id parameters, stored in a passphrase key file.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Always `argon2id`.
    pub algorithm: String,
    /// The Argon2 version: 19 (0x13).
    pub version: u32,
    /// Memory in KiB (`m`).
    pub memory_kib: u32,
    /// Passes over memory (`t`).
    pub iterations: u32,
    /// Lanes (`p`).
    pub parallelism: u32,
}

impl KdfParams {
    /// Upper bound on memory accepted from a key file (2 GiB, RFC 9106's first option).
    pub const MAX_MEMORY_KIB: u32 = 2 * 1024 * 1024;
    /// Upper bound on passes accepted from a key file.
    pub const MAX_ITERATIONS: u32 = 64;
    /// Upper bound on lanes accepted from a key file.
    pub const MAX_PARALLELISM: u32 = 64;

    /// RFC 9106 section 4, second recommended option (for memory-constrained
    /// settings such as a browser tab): Argon2id, t = 3, p = 4, m = 64 MiB,
    /// with a 128-bit salt and a 256-bit tag.
    pub fn rfc9106() -> KdfParams {
        KdfParams { algorithm: "argon2id".into(), version: 0x13, memory_kib: 64 * 1024, iterations: 3, parallelism: 4 }
    }

    fn argon2(&self) -> Result<argon2::Argon2<'static>, KeyError> {
        if self.algorithm != "argon2id" {
            return Err(KeyError::Kdf("the key derivation must be argon2id"));
        }
        if self.version != 0x13 {
            return Err(KeyError::Kdf("the Argon2 version must be 19"));
        }
        if self.memory_kib > Self::MAX_MEMORY_KIB {
            return Err(KeyError::Kdf("Argon2 memory above 2 GiB"));
        }
        if !(1..=Self::MAX_ITERATIONS).contains(&self.iterations) {
            return Err(KeyError::Kdf("Argon2 iterations must be between 1 and 64"));
        }
        if !(1..=Self::MAX_PARALLELISM).contains(&self.parallelism) {
            return Err(KeyError::Kdf("Argon2 parallelism must be between 1 and 64"));
        }
        let params = argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(Key::LEN))
            .map_err(|_| KeyError::Kdf("Argon2 memory must be at least 8 KiB per lane"))?;
        if self.memory_kib < 8 * self.parallelism {
            return Err(KeyError::Kdf("Argon2 memory must be at least 8 KiB per lane"));
        }
        Ok(argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params))
    }
}

/// Hex text of a secret: wiped on drop, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretHex(Zeroizing<String>);

impl Serialize for SecretHex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretHex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SecretHex, D::Error> {
        Ok(SecretHex(Zeroizing::new(String::deserialize(d)?)))
    }
}

impl fmt::Debug for SecretHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The JSON key file.
///
/// - A random key: `{"version": 1, "key": "<64 hex>", "fingerprint": "..."}`.
/// - A passphrase key: `{"version": 1, "salt": "<hex>", "kdf": {...}, "fingerprint": "..."}`,
///   which holds no secret (the passphrase is needed to use it) and can be shared
///   within a team; or, if asked for, with the derived `key` as well.
///
/// The fingerprint is checked whenever the file is used: a damaged key or a
/// wrong passphrase is an error, never a silent new pseudonymisation domain.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    /// The format version ([`KEY_FILE_VERSION`]).
    pub version: u32,
    /// The key's 32 bytes as hex (secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "string"))]
    pub key: Option<SecretHex>,
    /// The Argon2id salt as hex, for a passphrase key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// The Argon2id parameters, for a passphrase key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<KdfParams>,
    /// The key's fingerprint ([`Key::fingerprint`]).
    pub fingerprint: String,
}

impl KeyFile {
    /// The key file of a random key (it holds the key).
    pub fn for_key(key: &Key) -> KeyFile {
        KeyFile {
            version: KEY_FILE_VERSION,
            key: Some(SecretHex(key.secret_hex())),
            salt: None,
            kdf: None,
            fingerprint: key.fingerprint(),
        }
    }

    /// The key file of a key derived from a passphrase with `salt` and `params`.
    /// With `store_key` the derived key is written too (then the file is secret).
    pub fn for_passphrase_key(key: &Key, salt: &[u8], params: &KdfParams, store_key: bool) -> KeyFile {
        KeyFile {
            version: KEY_FILE_VERSION,
            key: store_key.then(|| SecretHex(key.secret_hex())),
            salt: Some(hex_encode(salt)),
            kdf: Some(params.clone()),
            fingerprint: key.fingerprint(),
        }
    }

    /// Reads a key file. Errors give a position, never the file's content.
    pub fn from_json(text: &str) -> Result<KeyFile, KeyError> {
        let file: KeyFile = serde_json::from_str(text).map_err(|e| KeyError::Format {
            line: e.line(),
            column: e.column(),
            syntax: matches!(e.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof),
        })?;
        if file.version != KEY_FILE_VERSION {
            return Err(KeyError::Version(file.version));
        }
        Ok(file)
    }

    /// The key file as pretty JSON.
    pub fn to_json(&self) -> String {
        // invariant: a struct of strings and integers always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Whether [`KeyFile::unlock`] needs the passphrase.
    pub fn needs_passphrase(&self) -> bool {
        self.key.is_none()
    }

    /// The same file without the key: what a team shares (passphrase keys only).
    pub fn without_key(&self) -> Option<KeyFile> {
        self.salt.as_ref()?;
        Some(KeyFile { key: None, ..self.clone() })
    }

    /// The salt's bytes.
    pub fn salt_bytes(&self) -> Result<Option<Vec<u8>>, KeyError> {
        match &self.salt {
            None => Ok(None),
            Some(hex) => {
                let salt = hex_decode(hex).ok_or(KeyError::SaltEncoding)?;
                if !SALT_LEN.contains(&salt.len()) {
                    return Err(KeyError::SaltLength);
                }
                Ok(Some(salt))
            }
        }
    }

    /// The key this file stands for, checked against the fingerprint.
    ///
    /// With a passphrase (and a salt in the file) the key is derived and must
    /// match the fingerprint (else [`KeyError::WrongPassphrase`]); without one
    /// the stored key is used.
    pub fn unlock(&self, passphrase: Option<&[u8]>) -> Result<Key, KeyError> {
        if self.version != KEY_FILE_VERSION {
            return Err(KeyError::Version(self.version));
        }
        let key = match (passphrase, self.salt_bytes()?, &self.key) {
            (Some(passphrase), Some(salt), _) => {
                let params = self.kdf.as_ref().ok_or(KeyError::MissingKdf)?;
                let key = Key::derive(passphrase, &salt, params)?;
                if key.fingerprint() != self.fingerprint {
                    return Err(KeyError::WrongPassphrase);
                }
                key
            }
            (Some(_), None, _) => return Err(KeyError::NotPassphraseKey),
            (None, _, Some(hex)) => {
                let bytes = Zeroizing::new(hex_decode(&hex.0).ok_or(KeyError::KeyEncoding)?);
                Key::from_bytes(&bytes)?
            }
            (None, Some(_), None) => return Err(KeyError::PassphraseRequired),
            (None, None, None) => return Err(KeyError::NoKey),
        };
        if key.fingerprint() != self.fingerprint {
            return Err(KeyError::FingerprintMismatch);
        }
        Ok(key)
    }
}

/// Why a key could not be made or read. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The key is not 32 bytes long.
    KeyLength,
    /// The key in the file is not hex.
    KeyEncoding,
    /// The salt in the file is not hex.
    SaltEncoding,
    /// The salt is shorter than 8 or longer than 64 bytes.
    SaltLength,
    /// The passphrase is empty.
    EmptyPassphrase,
    /// The Argon2id parameters are unusable, or derivation failed.
    Kdf(&'static str),
    /// The file is not a masque key file.
    Format {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// Whether the text is not JSON at all (rather than JSON of another shape).
        syntax: bool,
    },
    /// The file has a format version this code does not read.
    Version(u32),
    /// The file holds neither a key nor a salt.
    NoKey,
    /// The file has a salt but no Argon2id parameters.
    MissingKdf,
    /// The file holds only a salt: the passphrase is needed.
    PassphraseRequired,
    /// A passphrase was given for a key file of a random key.
    NotPassphraseKey,
    /// The passphrase gives a key with another fingerprint.
    WrongPassphrase,
    /// The stored key does not match the stored fingerprint (the file is damaged).
    FingerprintMismatch,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::KeyLength => write!(f, "the key must be 32 bytes (64 hex digits)"),
            KeyError::KeyEncoding => write!(f, "the key in the key file is not hexadecimal"),
            KeyError::SaltEncoding => write!(f, "the salt in the key file is not hexadecimal"),
            KeyError::SaltLength => write!(f, "the salt must be 8 to 64 bytes"),
            KeyError::EmptyPassphrase => write!(f, "the passphrase is empty"),
            KeyError::Kdf(reason) => write!(f, "{reason}"),
            KeyError::Format { line, column, syntax: true } => {
                write!(f, "not a JSON key file (line {line}, column {column})")
            }
            KeyError::Format { line, column, syntax: false } => write!(
                f,
                "not a masque key file: expected version, key or salt and kdf, and fingerprint (line {line}, column {column})"
            ),
            KeyError::Version(v) => write!(f, "unsupported key file version {v} (this masque reads version 1)"),
            KeyError::NoKey => write!(f, "the key file holds neither a key nor a salt"),
            KeyError::MissingKdf => write!(f, "the key file has a salt but no `kdf` parameters"),
            KeyError::PassphraseRequired => {
                write!(f, "the key file holds only a salt: the passphrase is needed to use it")
            }
            KeyError::NotPassphraseKey => {
                write!(f, "a passphrase was given but the key file is not a passphrase key (it has no salt)")
            }
            KeyError::WrongPassphrase => {
                write!(f, "wrong passphrase: the derived key does not match the key file's fingerprint")
            }
            KeyError::FingerprintMismatch => {
                write!(f, "the key does not match the key file's fingerprint: the file is damaged")
            }
        }
    }
}

impl std::error::Error for KeyError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> KdfParams {
        KdfParams { memory_kib: 64, iterations: 1, parallelism: 1, ..KdfParams::rfc9106() }
    }

    #[test]
    fn debug_is_redacted() {
        let key = Key::from_random([0xAB; 32]);
        let debug = format!("{key:?}");
        assert!(!debug.to_lowercase().contains("abab"), "{debug}");
        assert!(debug.contains("redacted"));
        let file = KeyFile::for_key(&key);
        let debug = format!("{file:?}");
        assert!(!debug.to_lowercase().contains("abab"), "{debug}");
        assert!(file.to_json().contains(&"ab".repeat(32)));
    }

    #[test]
    fn fingerprint_shape_and_difference() {
        let a = Key::from_random([1; 32]).fingerprint();
        let b = Key::from_random([2; 32]).fingerprint();
        assert_eq!(a.len(), 19);
        assert_eq!(a.matches('-').count(), 3);
        assert_ne!(a, b);
    }

    #[test]
    fn random_key_file_round_trips() {
        let key = Key::from_random([7; 32]);
        let text = KeyFile::for_key(&key).to_json();
        let back = KeyFile::from_json(&text).unwrap().unlock(None).unwrap();
        assert!(back == key);
        assert_eq!(KeyFile::from_json(&text).unwrap().unlock(Some(b"x")), Err(KeyError::NotPassphraseKey));
    }

    #[test]
    fn damaged_key_is_detected() {
        let key = Key::from_random([7; 32]);
        let text = KeyFile::for_key(&key).to_json().replacen("0707", "0708", 1);
        assert_eq!(KeyFile::from_json(&text).unwrap().unlock(None), Err(KeyError::FingerprintMismatch));
    }

    #[test]
    fn passphrase_file_needs_the_right_passphrase() {
        let salt = [9u8; 16];
        let key = Key::derive(b"correct horse", &salt, &small()).unwrap();
        let shared = KeyFile::for_passphrase_key(&key, &salt, &small(), false);
        assert!(shared.needs_passphrase());
        let shared = KeyFile::from_json(&shared.to_json()).unwrap();
        assert_eq!(shared.unlock(None), Err(KeyError::PassphraseRequired));
        assert_eq!(shared.unlock(Some(b"wrong horse")), Err(KeyError::WrongPassphrase));
        assert!(shared.unlock(Some(b"correct horse")).unwrap() == key);
        let full = KeyFile::for_passphrase_key(&key, &salt, &small(), true);
        assert!(full.unlock(None).unwrap() == key);
        assert_eq!(full.without_key().unwrap(), shared);
    }

    #[test]
    fn passphrases_are_compared_in_normalisation_form_c() {
        let salt = [9u8; 16];
        let composed = Key::derive("Clé secrète".as_bytes(), &salt, &small()).unwrap();
        let decomposed = Key::derive("Cle\u{301} secre\u{300}te".as_bytes(), &salt, &small()).unwrap();
        assert!(composed == decomposed, "the same passphrase typed on macOS and on Windows");
        let file = KeyFile::for_passphrase_key(&composed, &salt, &small(), false);
        assert!(file.unlock(Some("Cle\u{301} secre\u{300}te".as_bytes())).unwrap() == composed);
        // other text stays different; bytes that are not UTF-8 are used as they are
        assert!(Key::derive("Cle secrete".as_bytes(), &salt, &small()).unwrap() != composed);
        let latin1 = Key::derive(b"Cl\xe9 secr\xe8te", &salt, &small()).unwrap();
        assert!(latin1 != composed);
        assert!(Key::derive(b"Cl\xe9 secr\xe8te", &salt, &small()).unwrap() == latin1);
    }

    #[test]
    fn format_errors_do_not_echo_content() {
        let secret = "c0ffee".repeat(10);
        for text in [
            format!("{{\"version\": 1, \"key\": 5{secret}}}"),
            format!("{{\"version\": 1, \"key\": [\"{secret}\"], \"fingerprint\": \"x\"}}"),
            format!("{{\"version\": 1, \"{secret}\": 1}}"),
        ] {
            let err = KeyFile::from_json(&text).unwrap_err().to_string();
            assert!(!err.contains("c0ffee"), "{err}");
        }
    }

    #[test]
    fn kdf_bounds_are_checked() {
        let p = KdfParams { memory_kib: u32::MAX, ..KdfParams::rfc9106() };
        assert!(matches!(Key::derive(b"x", &[0; 16], &p), Err(KeyError::Kdf(_))));
        let p = KdfParams { algorithm: "argon2i".into(), ..KdfParams::rfc9106() };
        assert!(matches!(Key::derive(b"x", &[0; 16], &p), Err(KeyError::Kdf(_))));
        assert_eq!(Key::derive(b"x", &[0; 4], &small()).unwrap_err(), KeyError::SaltLength);
        assert_eq!(Key::derive(b"", &[0; 16], &small()).unwrap_err(), KeyError::EmptyPassphrase);
    }
}
