//! IBAN (ISO 13616): a country code, 2 check digits and up to 30 characters,
//! valid when the rearranged number is 1 modulo 97.

use super::checksum::{compact_upper, mod97_alnum};
use super::{IdentifierKind, Invalid, Reason};

/// IBAN lengths by country (the SWIFT IBAN registry).
#[rustfmt::skip]
const LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24), (b"AE", 23), (b"AL", 28), (b"AT", 20), (b"AZ", 28), (b"BA", 20), (b"BE", 16), (b"BG", 22),
    (b"BH", 22), (b"BI", 27), (b"BR", 29), (b"BY", 28), (b"CH", 21), (b"CR", 22), (b"CY", 28), (b"CZ", 24),
    (b"DE", 22), (b"DJ", 27), (b"DK", 18), (b"DO", 28), (b"EE", 20), (b"EG", 29), (b"ES", 24), (b"FI", 18),
    (b"FK", 18), (b"FO", 18), (b"FR", 27), (b"GB", 22), (b"GE", 22), (b"GI", 23), (b"GL", 18), (b"GR", 27),
    (b"GT", 28), (b"HR", 21), (b"HU", 28), (b"IE", 22), (b"IL", 23), (b"IQ", 23), (b"IS", 26), (b"IT", 27),
    (b"JO", 30), (b"KW", 30), (b"KZ", 20), (b"LB", 28), (b"LC", 32), (b"LI", 21), (b"LT", 20), (b"LU", 20),
    (b"LV", 21), (b"LY", 25), (b"MC", 27), (b"MD", 24), (b"ME", 22), (b"MK", 19), (b"MN", 20), (b"MR", 27),
    (b"MT", 31), (b"MU", 30), (b"NI", 28), (b"NL", 18), (b"NO", 15), (b"OM", 23), (b"PK", 24), (b"PL", 28),
    (b"PS", 29), (b"PT", 25), (b"QA", 29), (b"RO", 24), (b"RS", 22), (b"RU", 33), (b"SA", 24), (b"SC", 31),
    (b"SD", 18), (b"SE", 24), (b"SI", 19), (b"SK", 24), (b"SM", 27), (b"SO", 23), (b"ST", 25), (b"SV", 28),
    (b"TL", 23), (b"TN", 24), (b"TR", 26), (b"UA", 29), (b"VA", 22), (b"VG", 24), (b"XK", 20), (b"YE", 30),
];

/// The IBAN length of a country, if it is in the registry.
pub(crate) fn country_length(country: &[u8]) -> Option<usize> {
    LENGTHS.iter().find(|(c, _)| c.as_slice() == country).map(|&(_, n)| n)
}

/// Whether a compact, upper-case IBAN has a valid mod-97 check.
pub(crate) fn check_digits_ok(b: &[u8]) -> bool {
    if b.len() < 5 {
        return false;
    }
    mod97_alnum(b[4..].iter().chain(&b[..4]).copied()) == Some(1)
}

/// Validates an IBAN, spaced or compact, in any case; returns it compact and upper case.
///
/// The length must be the registry's for a known country (15-34 characters otherwise).
///
/// ```
/// use masque_core::ident::iban;
/// assert_eq!(iban::validate("FR76 3000 6000 0112 3456 7890 189").as_deref(), Ok("FR7630006000011234567890189"));
/// assert!(iban::validate("FR76 3000 6000 0112 3456 7890 198").is_err());
/// ```
pub fn validate(value: &str) -> Result<String, Invalid> {
    let mut b = Vec::with_capacity(34);
    compact_upper(value, &mut b);
    if b.is_empty() {
        return Err(Invalid::new(IdentifierKind::Iban, Reason::Empty));
    }
    for (i, &c) in b.iter().enumerate() {
        let ok = if i < 2 {
            c.is_ascii_uppercase()
        } else if i < 4 {
            c.is_ascii_digit()
        } else {
            c.is_ascii_uppercase() || c.is_ascii_digit()
        };
        if !ok {
            return Err(Invalid::new(IdentifierKind::Iban, Reason::Character { position: i + 1 }));
        }
    }
    let expected_ok = match b.get(..2).and_then(country_length) {
        Some(n) => b.len() == n,
        None => (15..=34).contains(&b.len()),
    };
    if !expected_ok {
        return Err(Invalid::new(IdentifierKind::Iban, Reason::Length { found: b.len() }));
    }
    if !check_digits_ok(&b) {
        return Err(Invalid::new(IdentifierKind::Iban, Reason::Key));
    }
    Ok(String::from_utf8_lossy(&b).into_owned())
}

/// The printed form of a compact IBAN: groups of 4 characters.
pub fn spaced(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() + compact.len() / 4);
    for (i, c) in compact.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let valid = [
            ("FR7630006000011234567890189", "FR7630006000011234567890189"),
            ("fr76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
            ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
            ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
            ("BE68 5390 0754 7034", "BE68539007547034"),
        ];
        for (input, want) in valid {
            assert_eq!(validate(input).as_deref(), Ok(want), "IBAN {want}");
        }
        let invalid: &[(&str, Reason)] = &[
            ("FR7630006000011234567890198", Reason::Key), // transposed
            ("FR7730006000011234567890189", Reason::Key), // wrong check digits
            ("GB82WEST12345698765423", Reason::Key),
            ("FR763000600001123456789018", Reason::Length { found: 26 }),
            ("F17630006000011234567890189", Reason::Character { position: 2 }),
            ("FRA630006000011234567890189", Reason::Character { position: 3 }),
            ("", Reason::Empty),
        ];
        for (input, reason) in invalid {
            assert_eq!(validate(input).unwrap_err().reason, *reason, "case {reason:?}");
        }
    }

    #[test]
    fn spacing() {
        assert_eq!(spaced("FR7630006000011234567890189"), "FR76 3000 6000 0112 3456 7890 189");
    }
}
