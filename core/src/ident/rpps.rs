//! RPPS (répertoire partagé des professionnels de santé) and FINESS (fichier
//! national des établissements sanitaires et sociaux) numbers.
//!
//! - RPPS: 11 digits, the last a Luhn check digit (practitioners' numbers start
//!   with `10`; the prefix is not required here).
//! - FINESS: 9 characters: a département (01-95, 2A, 2B, 97, 98), 6 digits and a
//!   Luhn check digit. For Corsican numbers the letter counts as its
//!   alphanumeric value (A = 10, B = 11, digits summed, the usual extension of
//!   Luhn to letters), which is the same as reading `2A` as `21` and `2B` as `22`.
//!   No official statement of that case was found; it is what published
//!   Corsican FINESS numbers satisfy.

use super::checksum::{compact_upper, luhn_valid};
use super::{IdentifierKind, Invalid, Reason};

fn digits_only(b: &[u8], kind: IdentifierKind) -> Result<Vec<u8>, Invalid> {
    b.iter()
        .enumerate()
        .map(|(i, &c)| {
            if c.is_ascii_digit() {
                Ok(c - b'0')
            } else {
                Err(Invalid::new(kind, Reason::Character { position: i + 1 }))
            }
        })
        .collect()
}

/// Validates an RPPS number (11 digits, Luhn); returns the 11 digits.
///
/// ```
/// use masque_core::ident::rpps;
/// assert_eq!(rpps::validate_rpps("10318609137").as_deref(), Ok("10318609137"));
/// assert!(rpps::validate_rpps("10318609173").is_err()); // transposed digits
/// ```
pub fn validate_rpps(value: &str) -> Result<String, Invalid> {
    let mut b = Vec::with_capacity(11);
    compact_upper(value, &mut b);
    if b.is_empty() {
        return Err(Invalid::new(IdentifierKind::Rpps, Reason::Empty));
    }
    if b.len() != 11 {
        return Err(Invalid::new(IdentifierKind::Rpps, Reason::Length { found: b.len() }));
    }
    let d = digits_only(&b, IdentifierKind::Rpps)?;
    if !luhn_valid(&d) {
        return Err(Invalid::new(IdentifierKind::Rpps, Reason::Key));
    }
    Ok(String::from_utf8_lossy(&b).into_owned())
}

/// Validates a FINESS number (9 characters, Luhn, `2A`/`2B` allowed first);
/// returns it compact and upper case.
///
/// ```
/// use masque_core::ident::rpps;
/// assert_eq!(rpps::validate_finess("750 100 125").as_deref(), Ok("750100125"));
/// assert_eq!(rpps::validate_finess("2a0000014").as_deref(), Ok("2A0000014"));
/// assert!(rpps::validate_finess("750100152").is_err());
/// ```
pub fn validate_finess(value: &str) -> Result<String, Invalid> {
    let mut b = Vec::with_capacity(9);
    compact_upper(value, &mut b);
    if b.is_empty() {
        return Err(Invalid::new(IdentifierKind::Finess, Reason::Empty));
    }
    if b.len() != 9 {
        return Err(Invalid::new(IdentifierKind::Finess, Reason::Length { found: b.len() }));
    }
    let corsica = b[0] == b'2' && matches!(b[1], b'A' | b'B');
    let mut d = Vec::with_capacity(9);
    for (i, &c) in b.iter().enumerate() {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'A' if i == 1 && corsica => 1,
            b'B' if i == 1 && corsica => 2,
            _ => return Err(Invalid::new(IdentifierKind::Finess, Reason::Character { position: i + 1 })),
        };
        d.push(v);
    }
    if !corsica {
        let dep = d[0] * 10 + d[1];
        if !matches!(dep, 1..=95 | 97 | 98) {
            return Err(Invalid::new(
                IdentifierKind::Finess,
                Reason::Shape("the département of a FINESS number does not exist"),
            ));
        }
    }
    if !luhn_valid(&d) {
        return Err(Invalid::new(IdentifierKind::Finess, Reason::Key));
    }
    Ok(String::from_utf8_lossy(&b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpps_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("10318609137", Some("10318609137")),
            ("10865797541", Some("10865797541")),
            ("10147104979", Some("10147104979")),
            ("103 186 091 37", Some("10318609137")),
            ("10318609136", None),  // wrong key
            ("10318609173", None),  // transposed last digits
            ("13018609137", None),  // transposed digits
            ("1031860913", None),   // too short
            ("103186091370", None), // too long
            ("1031860913A", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(validate_rpps(input).ok().as_deref(), *want, "rpps case {want:?}");
        }
        assert_eq!(validate_rpps("1031860913").unwrap_err().reason, Reason::Length { found: 10 });
        assert_eq!(validate_rpps("1031860913A").unwrap_err().reason, Reason::Character { position: 11 });
        assert_eq!(validate_rpps("10318609136").unwrap_err().reason, Reason::Key);
    }

    #[test]
    fn finess_table() {
        let valid = [
            "750100125",
            "130783293",
            "690781810",
            "310781406",
            "060785011",
            "440000289",
            "670780055",
            "340780477",
            "330781196",
            "590780193",
            "350005179",
            "2A0000014",
        ];
        for v in valid {
            assert_eq!(validate_finess(v).as_deref(), Ok(v), "FINESS {v}");
        }
        let invalid: &[(&str, Reason)] = &[
            ("750100126", Reason::Key),
            ("751000125", Reason::Key), // transposed
            ("705100125", Reason::Key), // transposed
            ("2B0000014", Reason::Key),
            ("2C0000014", Reason::Character { position: 2 }),
            ("75010012", Reason::Length { found: 8 }),
            ("000000000", Reason::Shape("the département of a FINESS number does not exist")),
        ];
        for (v, reason) in invalid {
            assert_eq!(validate_finess(v).unwrap_err().reason, *reason, "case {reason:?}");
        }
    }
}
