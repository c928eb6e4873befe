//! Keys, keyed pseudonyms and per-subject date shifts. No I/O, no randomness.
//!
//! - [`Key`]: 256 secret bits, made from random bytes the caller supplies
//!   ([`Key::from_random`]) or derived from a passphrase with Argon2id
//!   ([`Key::derive`], [`KdfParams::rfc9106`]); its [`Key::fingerprint`] is the
//!   only thing about it that reports show. [`KeyFile`] is its JSON file.
//! - [`Kind`]: per-identifier normalisation before hashing (NIR with its check
//!   key, text folded, e-mail, phone in E.164, raw), so that two writings of one
//!   identifier get one pseudonym.
//! - [`Pseudonymiser`]: HMAC-SHA-256 of the normalised value under a subkey,
//!   written in a [`PseudonymFormat`] (base32 by default, 16 characters).
//! - [`DateShifter`]: one offset in `[-N, +N]` days per subject, from the bits
//!   of the subject's digest that no pseudonym shows.
//!
//! Why this is safe (GDPR art. 4(5), EDPB guidelines 01/2025): without the key,
//! a pseudonym cannot be recomputed from a guessed identifier (an unkeyed hash
//! of a NIR can be reversed by enumerating the NIR space); with it, the same
//! person gets the same pseudonym in every file, which is the point of a
//! pseudonymisation domain. Pseudonymised data is still personal data.

mod encoding;
mod key;
mod mac;
mod normalise;
mod pseudonym;

pub use encoding::Encoding;
pub use key::{hmac_sha256, KdfParams, Key, KeyError, KeyFile, SecretHex, KEY_FILE_VERSION};
pub use normalise::{nir_check_key, Invalid, Kind};
pub use pseudonym::{DateShifter, PseudonymFormat, Pseudonymiser, MAX_PSEUDONYM_BITS, MIN_PSEUDONYM_BITS};
