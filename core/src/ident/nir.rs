//! The NIR (numéro d'inscription au répertoire, "numéro de sécurité sociale"),
//! and the NIA / INS matricule that shares its shape and key.
//!
//! Shape: `S AA MM DD CCC OOO KK`, 13 characters and a 2-digit key.
//! - `S` sex: 1 or 2 (7 or 8 for old temporary numbers; a NIA may also use 3 or 4);
//! - `AA` year of birth, any two digits;
//! - `MM` month: 01-12, 20-42 or 50-99 (month unknown or special cases);
//! - `DD CCC` place of birth: département 01-95 (20 before 1976), 2A or 2B, then a
//!   commune 001-999; or 97x / 98x (a 3-digit département) then a commune 01-99;
//!   or 99 (born abroad) then a country code 001-999;
//! - `OOO` order number 001-999;
//! - `KK` key = 97 - (N mod 97), N the 13 characters read as a number with
//!   2A -> 19 and 2B -> 18.
//!
//! Input may be spaced (`1 85 05 75 115 423 55`), dotted or dashed, in any case;
//! the normalised form is the 15 characters, upper case, with no separator.
//! Errors say what is wrong (and where, as a 1-based position in the compact
//! form), never the value.

use std::fmt;

/// A valid NIR or NIA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nir {
    compact: [u8; 15],
}

impl Nir {
    /// The normalised form: 15 characters, upper case, no separator.
    pub fn as_str(&self) -> &str {
        // invariant: built only from ASCII digits and 'A'/'B'.
        std::str::from_utf8(&self.compact).unwrap_or_default()
    }

    /// The sex digit (1, 2, 3, 4, 7 or 8).
    pub fn sex_digit(&self) -> u8 {
        self.compact[0] - b'0'
    }

    /// Whether the number is a temporary one (sex digit 7 or 8).
    pub fn is_temporary(&self) -> bool {
        matches!(self.compact[0], b'7' | b'8')
    }

    /// The département of birth: 2 characters, 3 for 97x/98x, `99` for abroad.
    pub fn departement(&self) -> &str {
        let end = if matches!(&self.compact[5..7], b"97" | b"98") { 8 } else { 7 };
        &self.as_str()[5..end]
    }

    /// The spaced form `S AA MM DD CCC OOO KK` (for 97x/98x the place is still
    /// written as 2 + 3 characters, as the carte Vitale does).
    pub fn spaced(&self) -> String {
        let s = self.as_str();
        format!("{} {} {} {} {} {} {}", &s[0..1], &s[1..3], &s[3..5], &s[5..7], &s[7..10], &s[10..13], &s[13..15])
    }
}

impl fmt::Display for Nir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a value is not a valid NIR. Never holds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NirError {
    /// Nothing but separators.
    Empty,
    /// Not 15 characters once separators are removed.
    Length {
        /// How many characters there were.
        found: usize,
    },
    /// A character that cannot appear there (1-based position in the compact form).
    Character {
        /// 1-based position.
        position: usize,
    },
    /// The sex digit is not allowed.
    Sex,
    /// The month is not 01-12, 20-42 or 50-99.
    Month,
    /// The département of birth does not exist.
    Departement,
    /// The commune (or country) code is zero.
    Commune,
    /// The order number is 000.
    Order,
    /// The key does not match the first 13 characters.
    Key,
}

impl fmt::Display for NirError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NirError::Empty => write!(f, "empty NIR"),
            NirError::Length { found } => {
                write!(f, "a NIR has 15 characters (13 and a 2-digit key), found {found}")
            }
            NirError::Character { position } => write!(f, "character {position} of the NIR is not allowed there"),
            NirError::Sex => write!(f, "the first digit of a NIR (sex) must be 1 or 2 (7 or 8 if temporary)"),
            NirError::Month => write!(f, "the month of birth in a NIR must be 01-12, 20-42 or 50-99"),
            NirError::Departement => {
                write!(f, "the département of birth in a NIR must be 01-95, 2A, 2B, 97x, 98x or 99")
            }
            NirError::Commune => write!(f, "the commune or country code of a NIR cannot be zero"),
            NirError::Order => write!(f, "the order number of a NIR cannot be 000"),
            NirError::Key => write!(f, "the NIR key does not match (mistyped or transposed digit)"),
        }
    }
}

impl std::error::Error for NirError {}

/// Which sex digits a check accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// A NIR: 1, 2, 7, 8.
    Nir,
    /// A NIR or a NIA (INS matricule): 1, 2, 3, 4, 7, 8.
    Matricule,
}

/// Whether `c` is a separator people put inside identifiers: any white space
/// (no-break and thin spaces included), dots, and dashes (`-`, U+2010, U+2011,
/// U+2013). The one definition for NIRs, their pseudonymisation, and the
/// compact forms of other numbers.
#[inline]
pub(crate) fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, ' ' | '.' | '-' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
    } else {
        c.is_whitespace() || matches!(c, '\u{2010}' | '\u{2011}' | '\u{2013}')
    }
}

/// Removes separators and upper-cases; fails on more than `N` characters.
fn compact<const N: usize>(value: &str) -> Result<([u8; N], usize), usize> {
    let mut out = [0u8; N];
    let mut n = 0;
    for c in value.chars() {
        if is_separator(c) {
            continue;
        }
        if n < N {
            // a non-ASCII char is stored as a byte that fails every check later
            out[n] = if c.is_ascii() { (c as u8).to_ascii_uppercase() } else { 0xFF };
        }
        n += 1;
    }
    if n > N {
        Err(n)
    } else {
        Ok((out, n))
    }
}

fn digits_value(b: &[u8]) -> u32 {
    b.iter().fold(0, |acc, &d| acc * 10 + u32::from(d - b'0'))
}

/// The key of the 13 leading characters of a compact NIR (2A/2B allowed at 6-7).
///
/// Returns `None` if a character other than a digit (or A/B at position 7) is present.
pub(crate) fn key_of(body: &[u8]) -> Option<u8> {
    if body.len() != 13 {
        return None;
    }
    let mut n: u64 = 0;
    for (i, &c) in body.iter().enumerate() {
        let d = match c {
            b'0'..=b'9' => u64::from(c - b'0'),
            // 2A -> 19, 2B -> 18: the '2' at index 5 becomes '1', the letter 9 or 8
            b'A' if i == 6 && body[5] == b'2' => 9,
            b'B' if i == 6 && body[5] == b'2' => 8,
            _ => return None,
        };
        n = n * 10 + d;
    }
    if matches!(&body[5..7], b"2A" | b"2B") {
        // the '2' at index 5 stands for '1' (19 / 18): subtract 10^7
        n -= 10_000_000;
    }
    // invariant: 97 - (n mod 97) is in 1..=97
    Some((97 - n % 97) as u8)
}

/// Checks a compact 15-character NIR (upper case) with the rules of `flavour`.
pub(crate) fn check_compact(b: &[u8; 15], flavour: Flavour) -> Result<(), NirError> {
    for (i, &c) in b.iter().enumerate() {
        let ok = c.is_ascii_digit() || (i == 6 && matches!(c, b'A' | b'B') && b[5] == b'2');
        if !ok {
            return Err(NirError::Character { position: i + 1 });
        }
    }
    let sex_ok = match flavour {
        Flavour::Nir => matches!(b[0], b'1' | b'2' | b'7' | b'8'),
        Flavour::Matricule => matches!(b[0], b'1'..=b'4' | b'7' | b'8'),
    };
    if !sex_ok {
        return Err(NirError::Sex);
    }
    let month = digits_value(&b[3..5]);
    if !matches!(month, 1..=12 | 20..=42 | 50..=99) {
        return Err(NirError::Month);
    }
    match &b[5..7] {
        b"2A" | b"2B" => {
            if &b[7..10] == b"000" {
                return Err(NirError::Commune);
            }
        }
        d => match digits_value(d) {
            1..=95 => {
                if &b[7..10] == b"000" {
                    return Err(NirError::Commune);
                }
            }
            97 | 98 => {
                if &b[8..10] == b"00" {
                    return Err(NirError::Commune);
                }
            }
            99 => {
                if &b[7..10] == b"000" {
                    return Err(NirError::Commune);
                }
            }
            _ => return Err(NirError::Departement),
        },
    }
    if &b[10..13] == b"000" {
        return Err(NirError::Order);
    }
    let key = key_of(&b[..13]).ok_or(NirError::Character { position: 1 })?;
    if u32::from(key) != digits_value(&b[13..15]) {
        return Err(NirError::Key);
    }
    Ok(())
}

fn parse(value: &str, flavour: Flavour) -> Result<Nir, NirError> {
    let (b, n) = compact::<15>(value).map_err(|found| NirError::Length { found })?;
    if n == 0 {
        return Err(NirError::Empty);
    }
    if n != 15 {
        return Err(NirError::Length { found: n });
    }
    check_compact(&b, flavour)?;
    Ok(Nir { compact: b })
}

/// Validates a NIR (sex digit 1, 2, 7 or 8), spaced or compact, in any case.
///
/// ```
/// use masque_core::ident::nir;
/// assert_eq!(nir::validate("1 85 05 75 115 423 55").unwrap().as_str(), "185057511542355");
/// assert_eq!(nir::validate("185057511542358"), Err(nir::NirError::Key));
/// ```
pub fn validate(value: &str) -> Result<Nir, NirError> {
    parse(value, Flavour::Nir)
}

/// The normalised form of a NIR: 15 characters, upper case, no separator, key checked.
///
/// `1 85 05 75 115 423 55`, `1.85.05.75.115.423.55` and `185057511542355` all give
/// `185057511542355`; Corsican `2A`/`2B` are kept (upper case).
pub fn normalise(value: &str) -> Result<String, NirError> {
    validate(value).map(|n| n.as_str().to_string())
}

/// Validates an INS matricule: a NIR or a NIA (sex digit 1, 2, 3, 4, 7 or 8),
/// with the same shape and key.
pub fn validate_matricule(value: &str) -> Result<Nir, NirError> {
    parse(value, Flavour::Matricule)
}

/// The normalised form of an INS matricule (NIR or NIA); see [`normalise`].
pub fn normalise_matricule(value: &str) -> Result<String, NirError> {
    validate_matricule(value).map(|n| n.as_str().to_string())
}

/// The 2-digit key of the first 13 characters of a NIR (separators allowed).
///
/// ```
/// assert_eq!(masque_core::ident::nir::key("2 95 10 99 126 111"), Ok(93));
/// ```
pub fn key(body: &str) -> Result<u8, NirError> {
    let (b, n) = compact::<13>(body).map_err(|found| NirError::Length { found })?;
    if n != 13 {
        return Err(NirError::Length { found: n });
    }
    key_of(&b).ok_or_else(|| {
        let position = b
            .iter()
            .enumerate()
            .position(|(i, &c)| !(c.is_ascii_digit() || (i == 6 && matches!(c, b'A' | b'B') && b[5] == b'2')))
            .unwrap_or(0);
        NirError::Character { position: position + 1 }
    })
}

/// The kind of identity an INS object identifier (OID) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsOid {
    /// `1.2.250.1.213.1.4.8`: the matricule is a NIR.
    Nir,
    /// `1.2.250.1.213.1.4.9`: the matricule is a NIA.
    Nia,
}

/// Reads the OID that accompanies an INS matricule.
pub fn ins_oid(oid: &str) -> Option<InsOid> {
    match oid.trim() {
        "1.2.250.1.213.1.4.8" => Some(InsOid::Nir),
        "1.2.250.1.213.1.4.9" => Some(InsOid::Nia),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        use NirError::*;
        let cases: &[(&str, Result<&str, NirError>)] = &[
            ("295109912611193", Ok("295109912611193")),
            ("253072B07300470", Ok("253072B07300470")),
            ("253072A07300443", Ok("253072A07300443")),
            ("253072a07300443", Ok("253072A07300443")),
            ("1 85 05 75 115 423 55", Ok("185057511542355")),
            ("1.85.05.75.115.423.55", Ok("185057511542355")),
            ("1-85-05-75-115-423-55", Ok("185057511542355")),
            (" 1 85 05\u{a0}75 115 423 55 ", Ok("185057511542355")),
            // overseas: département 974, commune 11
            ("2 45 03 974 11 123 ", Err(Length { found: 13 })),
            // wrong key; the often-quoted example `1 85 05 75 115 423 57` has key 55, not 57
            ("185057511542358", Err(Key)),
            ("1 85 05 75 115 423 57", Err(Key)),
            ("295109912611194", Err(Key)),
            // transposed digits (body and key)
            ("158057511542355", Err(Key)),
            ("185507511542355", Err(Key)),
            ("295109912611139", Err(Key)),
            ("253072B07300407", Err(Key)),
            // 2A with the key of 2B
            ("253072A07300470", Err(Key)),
            // structure
            ("385057511542357", Err(Sex)),
            ("185137511542357", Err(Month)),
            ("185007511542357", Err(Month)),
            ("185059611542357", Err(Departement)),
            ("185050011542357", Err(Departement)),
            ("185057500042357", Err(Commune)),
            ("185057511500057", Err(Order)),
            ("1850575115423", Err(Length { found: 13 })),
            ("18505751154235512", Err(Length { found: 17 })),
            ("", Err(Empty)),
            (" . ", Err(Empty)),
            ("1850575115423X7", Err(Character { position: 14 })),
            ("185052C11542357", Err(Character { position: 7 })),
            ("185053A11542357", Err(Character { position: 7 })),
            ("18505751154235é", Err(Character { position: 15 })),
        ];
        for (input, want) in cases {
            let got = normalise(input);
            match want {
                Ok(w) => assert_eq!(
                    got.as_deref(),
                    Ok(*w),
                    "case #{}",
                    cases.iter().position(|c| c.0 == *input).unwrap_or(0)
                ),
                Err(e) => assert_eq!(got, Err(*e), "case #{}", cases.iter().position(|c| c.0 == *input).unwrap_or(0)),
            }
        }
    }

    #[test]
    fn overseas_and_abroad() {
        // 97411: département 974, commune 11
        let body = "2450397411123";
        let k = key(body).unwrap();
        let nir = format!("{body}{k:02}");
        let v = validate(&nir).unwrap();
        assert_eq!(v.departement(), "974");
        let body = "1450397400123";
        let k = key(body).unwrap();
        assert_eq!(validate(&format!("{body}{k:02}")), Err(NirError::Commune));
        assert_eq!(validate("295109912611193").unwrap().departement(), "99");
        assert_eq!(validate("253072B07300470").unwrap().departement(), "2B");
    }

    #[test]
    fn keys_match_the_published_examples() {
        assert_eq!(key("2951099126111"), Ok(93));
        assert_eq!(key("253072B073004"), Ok(70));
        assert_eq!(key("253072A073004"), Ok(43));
        assert_eq!(key("25307XA073004"), Err(NirError::Character { position: 6 }));
        assert_eq!(key("123"), Err(NirError::Length { found: 3 }));
    }

    #[test]
    fn matricule_accepts_nia_sex_digits() {
        let body = "3850575115423";
        let k = key(body).unwrap();
        let nia = format!("{body}{k:02}");
        assert_eq!(validate(&nia), Err(NirError::Sex));
        assert_eq!(normalise_matricule(&nia).as_deref(), Ok(nia.as_str()));
        assert!(validate("785057511542357").is_err()); // key differs with another sex digit
        let body = "7850575115423";
        let k = key(body).unwrap();
        let temp = validate(&format!("{body}{k:02}")).unwrap();
        assert!(temp.is_temporary());
        assert_eq!(temp.sex_digit(), 7);
    }

    #[test]
    fn spaced_form_round_trips() {
        let n = validate("185057511542355").unwrap();
        assert_eq!(n.spaced(), "1 85 05 75 115 423 55");
        assert_eq!(normalise(&n.spaced()).as_deref(), Ok("185057511542355"));
        assert_eq!(n.to_string(), "185057511542355");
    }

    #[test]
    fn errors_never_quote_the_value() {
        for v in ["185057511542358", "999999999999999", "1850575115423X7", "12"] {
            if let Err(e) = validate(v) {
                let msg = e.to_string();
                assert!(!msg.contains(v), "{msg}");
                assert!(!msg.contains("85057"), "{msg}");
            }
        }
    }

    #[test]
    fn oids() {
        assert_eq!(ins_oid("1.2.250.1.213.1.4.8"), Some(InsOid::Nir));
        assert_eq!(ins_oid(" 1.2.250.1.213.1.4.9"), Some(InsOid::Nia));
        assert_eq!(ins_oid("1.2.250.1.213.1.4.1"), None);
    }
}
