//! French place codes: the code postal and the code commune INSEE (COG).
//!
//! - code postal: 5 digits; the first 2 are a département 01-95 (`20` for
//!   Corsica), or `97`/`98` followed by a third digit (971-978, 980-989).
//! - code commune INSEE: 5 characters, a département 01-95 (not 20), `2A` or `2B`
//!   and a 3-digit commune 001-999; or 971-978 / 984-989 and a 2-digit commune
//!   01-99; or `99` and a 3-digit country code (people born abroad).
//!
//! Both are checked for shape only: a well-formed code may not be attributed.

use super::checksum::compact_upper;
use super::{Invalid, Kind, Reason};

fn five(value: &str, kind: Kind) -> Result<Vec<u8>, Invalid> {
    let mut b = Vec::with_capacity(5);
    compact_upper(value, &mut b);
    if b.is_empty() {
        return Err(Invalid::new(kind, Reason::Empty));
    }
    if b.len() != 5 {
        return Err(Invalid::new(kind, Reason::Length { found: b.len() }));
    }
    Ok(b)
}

fn digits(b: &[u8]) -> u32 {
    b.iter().fold(0, |a, &d| a * 10 + u32::from(d - b'0'))
}

/// Validates a code postal; returns its 5 digits.
///
/// ```
/// use masque::ident::geo;
/// assert_eq!(geo::code_postal("75011").as_deref(), Ok("75011"));
/// assert_eq!(geo::code_postal("20000").as_deref(), Ok("20000"));
/// assert!(geo::code_postal("96000").is_err());
/// ```
pub fn code_postal(value: &str) -> Result<String, Invalid> {
    let b = five(value, Kind::CodePostal)?;
    if let Some(i) = b.iter().position(|c| !c.is_ascii_digit()) {
        return Err(Invalid::new(Kind::CodePostal, Reason::Character { position: i + 1 }));
    }
    let ok = match digits(&b[..2]) {
        1..=95 => true,
        97 => (1..=8).contains(&(b[2] - b'0')),
        98 => true,
        _ => false,
    };
    if !ok {
        return Err(Invalid::new(
            Kind::CodePostal,
            Reason::Shape("the first digits of a code postal are not a département"),
        ));
    }
    Ok(String::from_utf8_lossy(&b).into_owned())
}

/// The département of a code postal: its first 2 digits, 3 for 97x/98x.
pub fn departement_of_code_postal(code: &str) -> Option<&str> {
    let b = code.as_bytes();
    if b.len() != 5 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = if matches!(&b[..2], b"97" | b"98") { 3 } else { 2 };
    code.get(..n)
}

/// Validates a code commune INSEE; returns it upper case.
///
/// ```
/// use masque::ident::geo;
/// assert_eq!(geo::code_commune("2a004").as_deref(), Ok("2A004"));
/// assert_eq!(geo::code_commune("97411").as_deref(), Ok("97411"));
/// assert!(geo::code_commune("20004").is_err());
/// ```
pub fn code_commune(value: &str) -> Result<String, Invalid> {
    let b = five(value, Kind::CodeCommune)?;
    let corsica = b[0] == b'2' && matches!(b[1], b'A' | b'B');
    for (i, &c) in b.iter().enumerate() {
        if !(c.is_ascii_digit() || (i == 1 && corsica)) {
            return Err(Invalid::new(Kind::CodeCommune, Reason::Character { position: i + 1 }));
        }
    }
    let shape = |s| Err(Invalid::new(Kind::CodeCommune, Reason::Shape(s)));
    if corsica {
        if &b[2..] == b"000" {
            return shape("the commune number cannot be 000");
        }
    } else {
        match digits(&b[..2]) {
            20 => return shape("Corsican communes are coded 2A or 2B"),
            1..=95 | 99 => {
                if &b[2..] == b"000" {
                    return shape("the commune number cannot be 000");
                }
            }
            97 | 98 => {
                let third = b[2] - b'0';
                let ok = if b[1] == b'7' { (1..=8).contains(&third) } else { (4..=9).contains(&third) };
                if !ok {
                    return shape("the first digits of a code commune are not a département");
                }
                if &b[3..] == b"00" {
                    return shape("the commune number cannot be 00");
                }
            }
            _ => return shape("the first digits of a code commune are not a département"),
        }
    }
    Ok(String::from_utf8_lossy(&b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes() {
        for v in ["75011", "06000", "20200", "97400", "97600", "98000", "01000", "95000"] {
            assert_eq!(code_postal(v).as_deref(), Ok(v));
        }
        let invalid: &[(&str, Reason)] = &[
            ("00100", Reason::Shape("the first digits of a code postal are not a département")),
            ("96000", Reason::Shape("the first digits of a code postal are not a département")),
            ("97000", Reason::Shape("the first digits of a code postal are not a département")),
            ("7501", Reason::Length { found: 4 }),
            ("750110", Reason::Length { found: 6 }),
            ("2A000", Reason::Character { position: 2 }),
            ("", Reason::Empty),
        ];
        for (v, reason) in invalid {
            assert_eq!(code_postal(v).unwrap_err().reason, *reason, "case {reason:?}");
        }
        assert_eq!(departement_of_code_postal("75011"), Some("75"));
        assert_eq!(departement_of_code_postal("97411"), Some("974"));
        assert_eq!(departement_of_code_postal("7501"), None);
    }

    #[test]
    fn communes() {
        for v in ["75111", "2A004", "2B033", "97411", "06088", "99134", "98714"] {
            assert_eq!(code_commune(v).as_deref(), Ok(v));
        }
        for v in ["20004", "2C004", "75000", "97011", "97400", "98111", "00123", "96001", "7511", "2A000"] {
            assert!(code_commune(v).is_err(), "should fail: case #{}", v.len());
        }
    }
}
