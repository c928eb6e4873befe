//! Keyed pseudonyms and per-subject date offsets.
//!
//! Every value has one 256-bit digest `D = HMAC-SHA-256(K_p, normalised value)`,
//! where `K_p = HMAC-SHA-256(key, "masque/v1/pseudonym")`:
//!
//! - its pseudonym is `prefix + encode(D)` cut to `length` characters, which
//!   may show at most the first 192 bits (`D[0..24]`);
//! - as a subject, its date offset is `u64_be(D[24..32]) mod (2N + 1) - N`
//!   days, from the last 64 bits, which no pseudonym shows.
//!
//! The two uses take disjoint bits of one PRF output, so they are independent,
//! and a subject that is also pseudonymised costs one HMAC, not two. Both are
//! pure functions of the key and the value: the same on every run, machine and
//! build (native or wasm), unrelated under another key.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::encoding::Encoding;
use super::key::{Key, LABEL_PSEUDONYM};
use super::mac::FastMac;

/// The fewest digest bits a pseudonym may keep: below this, collisions between
/// distinct people become likely in large files.
pub const MIN_PSEUDONYM_BITS: u32 = 40;

/// The most digest bits a pseudonym may show: the last 64 are the date offset's.
pub const MAX_PSEUDONYM_BITS: u32 = 192;

/// How pseudonyms are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PseudonymFormat {
    /// The alphabet (default base32).
    pub encoding: Encoding,
    /// The number of characters after the prefix (default 16, i.e. 80 bits in base32).
    pub length: usize,
    /// Text put before every pseudonym (default none).
    pub prefix: String,
}

impl Default for PseudonymFormat {
    fn default() -> PseudonymFormat {
        PseudonymFormat { encoding: Encoding::Base32, length: 16, prefix: String::new() }
    }
}

impl PseudonymFormat {
    /// Checks the length against the encoding: 40 to 192 bits.
    pub fn check(&self) -> Result<(), String> {
        let bits = self.encoding.bits_per_char();
        let min = MIN_PSEUDONYM_BITS.div_ceil(bits) as usize;
        let max = (MAX_PSEUDONYM_BITS / bits) as usize;
        if self.length < min || self.length > max {
            return Err(format!(
                "must be between {min} and {max} characters for {} ({MIN_PSEUDONYM_BITS} to {MAX_PSEUDONYM_BITS} bits)",
                self.encoding.name()
            ));
        }
        Ok(())
    }

    /// The number of digest bits a pseudonym keeps.
    pub fn bits(&self) -> u32 {
        self.encoding.bits_per_char() * self.length as u32
    }

    /// Appends the pseudonym of a digest to `out`: the prefix, then at most
    /// the first 192 bits of the digest, encoded.
    pub fn write_digest(&self, digest: &[u8; 32], out: &mut String) {
        out.push_str(&self.prefix);
        let max = (MAX_PSEUDONYM_BITS / self.encoding.bits_per_char()) as usize;
        self.encoding.encode_prefix(&digest[..24], self.length.min(max), out);
    }
}

/// Computes pseudonyms under one key. Holds only the derived subkey's HMAC
/// state (wiped on drop); its `Debug` output shows nothing of it.
#[derive(Clone)]
pub struct Pseudonymiser {
    mac: FastMac,
}

impl Pseudonymiser {
    /// A pseudonymiser for `key`.
    pub fn new(key: &Key) -> Pseudonymiser {
        Pseudonymiser { mac: FastMac::new(&key.subkey(LABEL_PSEUDONYM)) }
    }

    /// The 256-bit digest of a normalised value.
    pub fn digest(&self, normalised: &[u8]) -> [u8; 32] {
        self.mac.mac(normalised)
    }

    /// Appends the pseudonym of a normalised value to `out`.
    ///
    /// `format` must have passed [`PseudonymFormat::check`]; a longer length is
    /// cut to 192 bits.
    pub fn write(&self, normalised: &str, format: &PseudonymFormat, out: &mut String) {
        let digest = self.digest(normalised.as_bytes());
        format.write_digest(&digest, out);
    }

    /// The pseudonym of a normalised value.
    pub fn pseudonym(&self, normalised: &str, format: &PseudonymFormat) -> String {
        let mut out = String::with_capacity(format.prefix.len() + format.length);
        self.write(normalised, format, &mut out);
        out
    }
}

impl fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pseudonymiser([redacted])")
    }
}

/// Computes one date offset per subject under one key, from the last 64 bits
/// of the subject's digest (see the module documentation).
#[derive(Clone)]
pub struct DateShifter {
    pseudonymiser: Pseudonymiser,
    max_days: u32,
}

impl DateShifter {
    /// The largest `max_days` accepted (100 years).
    pub const MAX_DAYS: u32 = 36_525;

    /// A shifter of at most `max_days` days either way (1 to [`DateShifter::MAX_DAYS`]).
    pub fn new(key: &Key, max_days: u32) -> Option<DateShifter> {
        if !(1..=Self::MAX_DAYS).contains(&max_days) {
            return None;
        }
        Some(DateShifter { pseudonymiser: Pseudonymiser::new(key), max_days })
    }

    /// The offset of a subject whose digest ([`Pseudonymiser::digest`]) is known.
    pub fn offset_of_digest(&self, digest: &[u8; 32]) -> i32 {
        let mut last = [0u8; 8];
        last.copy_from_slice(&digest[24..]);
        self.offset_of_tail(u64::from_be_bytes(last))
    }

    /// The offset from the digest's last 64 bits, read big-endian.
    pub fn offset_of_tail(&self, tail: u64) -> i32 {
        let span = 2 * u64::from(self.max_days) + 1;
        // invariant: the result is below span <= 73,051, so it fits in i32.
        (tail % span) as i32 - self.max_days as i32
    }

    /// The offset in days, in `[-max_days, +max_days]`, of the subject whose
    /// normalised identifier is `subject`.
    pub fn offset(&self, subject: &[u8]) -> i32 {
        self.offset_of_digest(&self.pseudonymiser.digest(subject))
    }
}

impl fmt::Debug for DateShifter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DateShifter").field("max_days", &self.max_days).field("key", &"[redacted]").finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_bounds() {
        assert!(PseudonymFormat::default().check().is_ok());
        let f = |encoding, length| PseudonymFormat { encoding, length, prefix: String::new() };
        assert!(f(Encoding::Base32, 7).check().is_err());
        assert!(f(Encoding::Base32, 8).check().is_ok());
        assert!(f(Encoding::Base32, 38).check().is_ok());
        assert!(f(Encoding::Base32, 39).check().is_err());
        assert!(f(Encoding::Hex, 9).check().is_err());
        assert!(f(Encoding::Hex, 48).check().is_ok());
        assert!(f(Encoding::Hex, 49).check().is_err());
        assert!(f(Encoding::Base64url, 7).check().is_ok());
        assert!(f(Encoding::Base64url, 32).check().is_ok());
        assert!(f(Encoding::Base64url, 33).check().is_err());
    }

    #[test]
    fn offsets_stay_in_range() {
        let key = Key::from_random([3; 32]);
        let shifter = DateShifter::new(&key, 5).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..2000 {
            let o = shifter.offset(i.to_string().as_bytes());
            assert!((-5..=5).contains(&o));
            seen.insert(o);
        }
        assert_eq!(seen.len(), 11, "every offset in [-5, 5] occurs");
        assert!(DateShifter::new(&key, 0).is_none());
    }

    #[test]
    fn pseudonym_has_requested_shape() {
        let key = Key::from_random([3; 32]);
        let p = Pseudonymiser::new(&key);
        let fmt = PseudonymFormat { encoding: Encoding::Hex, length: 20, prefix: "P-".into() };
        let s = p.pseudonym("x", &fmt);
        assert_eq!(s.len(), 22);
        assert!(s.starts_with("P-"));
        assert!(s[2..].bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
