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
use super::{IdentifierKind, Invalid, Reason};

fn five(value: &str, kind: IdentifierKind) -> Result<Vec<u8>, Invalid> {
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
/// use masque_core::ident::geo;
/// assert_eq!(geo::code_postal("75011").as_deref(), Ok("75011"));
/// assert_eq!(geo::code_postal("20000").as_deref(), Ok("20000"));
/// assert!(geo::code_postal("96000").is_err());
/// ```
pub fn code_postal(value: &str) -> Result<String, Invalid> {
    let b = five(value, IdentifierKind::CodePostal)?;
    if let Some(i) = b.iter().position(|c| !c.is_ascii_digit()) {
        return Err(Invalid::new(IdentifierKind::CodePostal, Reason::Character { position: i + 1 }));
    }
    let ok = departement_of_digits(&b).is_some();
    if !ok {
        return Err(Invalid::new(
            IdentifierKind::CodePostal,
            Reason::Shape("the first digits of a code postal are not a département"),
        ));
    }
    Ok(String::from_utf8_lossy(&b).into_owned())
}

/// `00` to `99`, two characters each.
const TWO_DIGITS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
/// `970` to `989`, three characters each.
const OVERSEAS: &str = "970971972973974975976977978979980981982983984985986987988989";

/// The département of the 5 digits of a code postal (the digits checked by the
/// caller): 01-95, or 971-978 and 980-989; `None` otherwise.
fn departement_of_digits(b: &[u8]) -> Option<&'static str> {
    if b.len() != 5 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits(&b[..2]) as usize;
    let third = usize::from(b[2] - b'0');
    match n {
        1..=95 => TWO_DIGITS.get(2 * n..2 * n + 2),
        97 if (1..=8).contains(&third) => OVERSEAS.get(3 * third..3 * third + 3),
        98 => OVERSEAS.get(3 * (10 + third)..3 * (10 + third) + 3),
        _ => None,
    }
}

/// The postal département of a code postal: its first 2 digits, 3 for
/// 97x/98x; `None` if it is not a code postal. The one map from code postal to
/// département: the policy's `departement` generalisation and the French
/// hierarchies use it.
///
/// Accepts what [`code_postal`] accepts (separators ignored), and also 4
/// digits not starting with 0: a spreadsheet that read `01000` as a number
/// wrote `1000`, whose département is `01`. Corsica's codes (`20xxx`) give `20`.
///
/// ```
/// use masque_core::ident::geo::departement_of_code_postal as dept;
/// assert_eq!(dept("75011"), Some("75"));
/// assert_eq!(dept("97411"), Some("974"));
/// assert_eq!(dept("1000"), Some("01"));
/// assert_eq!(dept("96000"), None);
/// ```
pub fn departement_of_code_postal(code: &str) -> Option<&'static str> {
    let mut b = Vec::with_capacity(5);
    compact_upper(code, &mut b);
    if b.len() == 4 && b.iter().all(u8::is_ascii_digit) && b[0] != b'0' {
        let n = usize::from(b[0] - b'0');
        return TWO_DIGITS.get(2 * n..2 * n + 2);
    }
    departement_of_digits(&b)
}

/// Validates a code commune INSEE; returns it upper case.
///
/// ```
/// use masque_core::ident::geo;
/// assert_eq!(geo::code_commune("2a004").as_deref(), Ok("2A004"));
/// assert_eq!(geo::code_commune("97411").as_deref(), Ok("97411"));
/// assert!(geo::code_commune("20004").is_err());
/// ```
pub fn code_commune(value: &str) -> Result<String, Invalid> {
    let b = five(value, IdentifierKind::CodeCommune)?;
    let corsica = b[0] == b'2' && matches!(b[1], b'A' | b'B');
    for (i, &c) in b.iter().enumerate() {
        if !(c.is_ascii_digit() || (i == 1 && corsica)) {
            return Err(Invalid::new(IdentifierKind::CodeCommune, Reason::Character { position: i + 1 }));
        }
    }
    let shape = |s| Err(Invalid::new(IdentifierKind::CodeCommune, Reason::Shape(s)));
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
        assert_eq!(departement_of_code_postal("7501"), Some("07"));
        assert_eq!(departement_of_code_postal("0750"), None);
        assert_eq!(departement_of_code_postal("20000"), Some("20"));
        assert_eq!(departement_of_code_postal("98000"), Some("980"));
        assert_eq!(departement_of_code_postal(" 69 003 "), Some("69"));
        for bad in ["00100", "96000", "97000", "97900", "750110", "2A000", "", "123"] {
            assert_eq!(departement_of_code_postal(bad), None, "case {}", bad.len());
        }
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
