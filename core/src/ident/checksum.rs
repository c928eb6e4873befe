//! Check-digit algorithms shared by the validators.

/// Whether `digits` (values 0-9, check digit last) pass the Luhn check.
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// The remainder modulo 97 of a string of digits and letters read as a number
/// where letters count as two digits (A = 10 ... Z = 35), as ISO 7064 MOD 97-10
/// (IBAN) does. Returns `None` on another character.
pub(crate) fn mod97_alnum(chars: impl IntoIterator<Item = u8>) -> Option<u32> {
    let mut r = 0u32;
    for c in chars {
        match c {
            b'0'..=b'9' => r = (r * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => r = (r * 100 + u32::from(c - b'A') + 10) % 97,
            _ => return None,
        }
    }
    Some(r)
}

/// Removes the separators people type inside numbers (spaces, dots, dashes, no-break
/// spaces) and upper-cases ASCII; non-ASCII characters become `0xFF`, which no check accepts.
/// Returns the compact bytes.
pub(crate) fn compact_upper(value: &str, out: &mut Vec<u8>) {
    out.clear();
    for c in value.chars() {
        if super::nir::is_separator(c) {
            continue;
        }
        out.push(if c.is_ascii() { (c as u8).to_ascii_uppercase() } else { 0xFF });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        let d = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<_>>();
        assert!(luhn_valid(&d("79927398713")));
        assert!(!luhn_valid(&d("79927398710")));
        assert!(luhn_valid(&d("0")));
    }

    #[test]
    fn mod97() {
        // the IBAN example of ISO 13616, rearranged
        let s = b"3214282912345698765432161182";
        assert_eq!(mod97_alnum(s.iter().copied()), Some(1));
        assert_eq!(mod97_alnum(*b"1A"), Some(110 % 97));
        assert_eq!(mod97_alnum(*b"1a"), None);
    }
}
