//! Normalisation before hashing, per identifier kind.
//!
//! Two writings of one identifier must give one pseudonym: `1 85 05 75 115 423 57`
//! and `185057511542357`, `Hélène` and `HELENE`, `06 12 34 56 78` and
//! `+33612345678`. Each kind maps a cell to a canonical string, or says why the
//! cell is not a valid identifier of that kind (never repeating the value).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of identifier a pseudonymised column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A French NIR (or NIA): spaces, dots and dashes removed, upper case,
    /// shape and check key verified, Corsican `2A`/`2B` kept.
    Nir,
    /// A name or other text: trimmed, inner spaces and hyphens collapsed to
    /// one space, apostrophes unified, lower case, accents removed.
    Text,
    /// An e-mail address: trimmed, lower case, shape checked.
    Email,
    /// A phone number, in E.164 (`+33612345678`); French national numbers
    /// (including the overseas départements' prefixes) are converted.
    Phone,
    /// The cell exactly as it is.
    #[default]
    Raw,
}

/// Why a value is not a valid identifier of its kind. Carries no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Invalid {
    /// A NIR without 15 characters once separators are removed.
    NirLength,
    /// A NIR with a character other than digits (and `2A`/`2B` as département).
    NirCharacter,
    /// A NIR whose first digit (sex) is not 1, 2, 7 or 8.
    NirSex,
    /// A NIR whose month is not 01-12, 20-42 or 50-99.
    NirMonth,
    /// A NIR whose check key does not match.
    NirKey,
    /// Not shaped like an e-mail address.
    Email,
    /// Not a phone number (French national or international).
    Phone,
}

impl Invalid {
    /// A stable machine name, used as a key in reports.
    pub fn code(self) -> &'static str {
        match self {
            Invalid::NirLength => "nir_length",
            Invalid::NirCharacter => "nir_character",
            Invalid::NirSex => "nir_sex",
            Invalid::NirMonth => "nir_month",
            Invalid::NirKey => "nir_key",
            Invalid::Email => "email_shape",
            Invalid::Phone => "phone_shape",
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Invalid::NirLength => "the NIR does not have 15 characters",
            Invalid::NirCharacter => "the NIR has a character that is not a digit",
            Invalid::NirSex => "the NIR does not start with 1, 2, 7 or 8",
            Invalid::NirMonth => "the NIR's month is impossible",
            Invalid::NirKey => "the NIR's check key does not match",
            Invalid::Email => "not an e-mail address",
            Invalid::Phone => "not a phone number",
        })
    }
}

impl Kind {
    /// The name used in policies.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Nir => "nir",
            Kind::Text => "text",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Raw => "raw",
        }
    }

    /// Writes the canonical form of `value` into `out` (cleared first).
    ///
    /// On error `out` still holds the value cleaned as far as the kind allows
    /// without validating it (separators removed, case folded), so that an
    /// invalid identifier can still be pseudonymised consistently: the NIRs
    /// `1 85 05 75 115 423 57` and `185057511542357` (wrong key) both clean to
    /// `185057511542357`.
    pub fn normalise(self, value: &str, out: &mut String) -> Result<(), Invalid> {
        out.clear();
        match self {
            Kind::Raw => {
                out.push_str(value);
                Ok(())
            }
            Kind::Nir => nir(value, out),
            Kind::Text => {
                text(value, out);
                Ok(())
            }
            Kind::Email => email(value, out),
            Kind::Phone => phone(value, out),
        }
    }
}

/// Separators people put inside identifiers: spaces (incl. no-break), dots, dashes.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{00A0}' | '\u{202F}')
}

/// The NIR check key: 97 - (N mod 97), N the first 13 characters with 2A -> 19, 2B -> 18.
pub fn nir_check_key(first13: &[u8; 13]) -> Option<u32> {
    let mut n: u64 = 0;
    for (i, &b) in first13.iter().enumerate() {
        let digit = match (i, b) {
            (_, b'0'..=b'9') => u64::from(b - b'0'),
            // 2A -> 19, 2B -> 18: the "2" at position 5 becomes "1", the letter a digit.
            (6, b'A') if first13[5] == b'2' => 9,
            (6, b'B') if first13[5] == b'2' => 8,
            _ => return None,
        };
        n = n * 10 + digit;
    }
    if matches!(first13[6], b'A' | b'B') {
        // replace the leading "2" of the département by "1" (2A -> 19, 2B -> 18)
        n -= 10_000_000;
    }
    // invariant: n mod 97 < 97, so the key is 1..=97 and fits in u32.
    Some(97 - (n % 97) as u32)
}

fn nir(value: &str, out: &mut String) -> Result<(), Invalid> {
    if value.is_ascii() {
        for b in value.bytes() {
            if !(b.is_ascii_whitespace() || b == b'.' || b == b'-') {
                out.push(char::from(b.to_ascii_uppercase()));
            }
        }
    } else {
        for c in value.chars() {
            if !is_separator(c) {
                out.push(c.to_ascii_uppercase());
            }
        }
    }
    let bytes = out.as_bytes();
    if bytes.len() != 15 {
        return Err(if bytes.iter().all(|b| b.is_ascii_alphanumeric()) {
            Invalid::NirLength
        } else {
            Invalid::NirCharacter
        });
    }
    let corsica = matches!(&bytes[5..7], b"2A" | b"2B");
    let shape_ok = bytes.iter().enumerate().all(|(i, b)| b.is_ascii_digit() || (corsica && i == 6));
    if !shape_ok {
        return Err(Invalid::NirCharacter);
    }
    if !matches!(bytes[0], b'1' | b'2' | b'7' | b'8') {
        return Err(Invalid::NirSex);
    }
    let month = u32::from(bytes[3] - b'0') * 10 + u32::from(bytes[4] - b'0');
    if !matches!(month, 1..=12 | 20..=42 | 50..=99) {
        return Err(Invalid::NirMonth);
    }
    let mut first13 = [0u8; 13];
    first13.copy_from_slice(&bytes[..13]);
    let expected = nir_check_key(&first13).ok_or(Invalid::NirCharacter)?;
    let key = u32::from(bytes[13] - b'0') * 10 + u32::from(bytes[14] - b'0');
    if key != expected {
        return Err(Invalid::NirKey);
    }
    Ok(())
}

/// Appends one lower-case character folded: accents removed, ligatures
/// expanded, typographic apostrophes unified, combining marks dropped.
fn fold_char(c: char, out: &mut String) {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' | '\u{00B4}' => "'",
        '\u{0300}'..='\u{036F}' => "",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(s);
}

fn text(value: &str, out: &mut String) {
    let mut pending_space = false;
    for c in value.chars() {
        if c.is_whitespace() || matches!(c, '-' | '_' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}') {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            for lower in c.to_lowercase() {
                fold_char(lower, out);
            }
        }
    }
}

fn email(value: &str, out: &mut String) -> Result<(), Invalid> {
    let trimmed = value.trim();
    let trimmed = trimmed.strip_prefix("mailto:").unwrap_or(trimmed);
    if trimmed.is_ascii() {
        out.push_str(trimmed);
        out.make_ascii_lowercase();
    } else {
        for c in trimmed.chars() {
            out.extend(c.to_lowercase());
        }
    }
    if email_shape(out) {
        Ok(())
    } else {
        Err(Invalid::Email)
    }
}

/// A pragmatic subset of RFC 5322: `local@domain`, the local part of atoms
/// separated by single dots, the domain of two or more labels of letters,
/// digits and inner hyphens. Non-ASCII letters are accepted (internationalised
/// addresses).
fn email_shape(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_char = |c: char| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c);
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && (local.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-' || b == b'+')
            || local.chars().all(local_char));
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && (l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                || l.chars().all(|c| c.is_alphanumeric() || c == '-'))
    };
    local_ok && domain.len() <= 253 && domain.contains('.') && domain.split('.').all(label_ok)
}

/// French overseas prefixes (first three digits of the national significant
/// number) and their country calling codes (libphonenumber metadata).
const OVERSEAS: &[(&str, &str)] = &[
    ("262", "262"), // Réunion, fixed
    ("263", "262"), // Réunion, fixed
    ("692", "262"), // Réunion, mobile
    ("693", "262"), // Réunion, mobile
    ("269", "262"), // Mayotte, fixed
    ("639", "262"), // Mayotte, mobile
    ("590", "590"), // Guadeloupe, Saint-Martin, Saint-Barthélemy, fixed
    ("690", "590"), // mobile
    ("691", "590"), // mobile
    ("594", "594"), // Guyane, fixed
    ("694", "594"), // Guyane, mobile
    ("596", "596"), // Martinique, fixed
    ("696", "596"), // Martinique, mobile
    ("697", "596"), // Martinique, mobile
];

fn phone(value: &str, out: &mut String) -> Result<(), Invalid> {
    let result = phone_e164(value, out);
    if result.is_err() {
        out.clear();
        out.extend(value.chars().filter(|&c| !(is_separator(c) || matches!(c, '/' | '(' | ')'))));
    }
    result
}

/// Up to 24 ASCII digits on the stack (phone numbers have at most 15).
struct Digits {
    buf: [u8; 24],
    len: usize,
}

impl Digits {
    fn new() -> Digits {
        Digits { buf: [0; 24], len: 0 }
    }

    fn push(&mut self, digit: u8) -> Result<(), Invalid> {
        *self.buf.get_mut(self.len).ok_or(Invalid::Phone)? = digit;
        self.len += 1;
        Ok(())
    }

    fn as_str(&self) -> &str {
        // invariant: only ASCII digits are pushed, so this is valid UTF-8.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

fn phone_e164(value: &str, out: &mut String) -> Result<(), Invalid> {
    let mut digits = Digits::new();
    let mut in_brackets = Digits::new();
    let trimmed = value.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut bracket = false;
    for c in rest.chars() {
        match c {
            '0'..='9' if bracket => in_brackets.push(c as u8)?,
            '0'..='9' => digits.push(c as u8)?,
            '(' if !bracket => {
                bracket = true;
                in_brackets = Digits::new();
            }
            ')' if bracket => {
                bracket = false;
                // "+33 (0)6 ...": a "(0)" after a country code is the national
                // prefix and is dropped; other bracketed digits are kept.
                if !(in_brackets.as_str() == "0" && (plus || digits.as_str().starts_with("00"))) {
                    for &d in in_brackets.as_str().as_bytes() {
                        digits.push(d)?;
                    }
                }
            }
            c if is_separator(c) || c == '/' => {}
            _ => return Err(Invalid::Phone),
        }
    }
    if bracket {
        return Err(Invalid::Phone);
    }
    let digits = digits.as_str();
    let international = if plus { Some(digits) } else { digits.strip_prefix("00") };
    match international {
        Some(number) => {
            // "+33 0 6 ..." : a national prefix kept after the country code is dropped.
            let (code, number) = match number.strip_prefix("330") {
                Some(national) if national.len() == 9 => ("33", national),
                _ => ("", number),
            };
            let len = code.len() + number.len();
            if number.starts_with('0') || !(8..=15).contains(&len) {
                return Err(Invalid::Phone);
            }
            out.push('+');
            out.push_str(code);
            out.push_str(number);
            Ok(())
        }
        None => {
            // National: 0 + 9 digits; or 9 digits whose leading 0 a spreadsheet dropped.
            let national = match digits.len() {
                10 if digits.starts_with('0') => &digits[1..],
                9 => digits,
                _ => return Err(Invalid::Phone),
            };
            if national.starts_with('0') {
                return Err(Invalid::Phone);
            }
            let code = OVERSEAS.iter().find(|(p, _)| national.starts_with(p)).map_or("33", |&(_, c)| c);
            out.push('+');
            out.push_str(code);
            out.push_str(national);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(kind: Kind, v: &str) -> Result<String, Invalid> {
        let mut out = String::new();
        kind.normalise(v, &mut out).map(|()| out)
    }

    #[test]
    fn nir_examples_from_domain_notes() {
        for v in ["295109912611193", "253072B07300470", "253072A07300443", "1 85 05 75 115 423 55"] {
            assert!(n(Kind::Nir, v).is_ok(), "{v}");
        }
        assert_eq!(n(Kind::Nir, "1.85.05.75.115.423-55").unwrap(), "185057511542355");
        assert_eq!(n(Kind::Nir, "253072b07300470").unwrap(), "253072B07300470");
        // The issue's example `1 85 05 75 115 423 57` has a wrong key (55 is right).
        assert_eq!(n(Kind::Nir, "185057511542357"), Err(Invalid::NirKey));
        assert_eq!(n(Kind::Nir, "1 85 05 75 115 423 57"), Err(Invalid::NirKey));
        assert_eq!(n(Kind::Nir, "253072A07300470"), Err(Invalid::NirKey));
        assert_eq!(n(Kind::Nir, "18505751154235"), Err(Invalid::NirLength));
        assert_eq!(n(Kind::Nir, "1850575115423X7"), Err(Invalid::NirCharacter));
        assert_eq!(n(Kind::Nir, "385057511542357"), Err(Invalid::NirSex));
        assert_eq!(n(Kind::Nir, "185157511542357"), Err(Invalid::NirMonth));
        assert_eq!(n(Kind::Nir, ""), Err(Invalid::NirLength));
    }

    #[test]
    fn text_folds_case_accents_and_spacing() {
        assert_eq!(n(Kind::Text, "  Hélène ").unwrap(), "helene");
        assert_eq!(n(Kind::Text, "HELENE").unwrap(), "helene");
        assert_eq!(n(Kind::Text, "Jean-Pierre").unwrap(), "jean pierre");
        assert_eq!(n(Kind::Text, "JEAN   PIERRE").unwrap(), "jean pierre");
        assert_eq!(n(Kind::Text, "N’DIAYE").unwrap(), "n'diaye");
        assert_eq!(n(Kind::Text, "LEFÈVRE").unwrap(), "lefevre");
        assert_eq!(n(Kind::Text, "Le\u{0301}a").unwrap(), "lea");
        assert_eq!(n(Kind::Text, "Œdipe ÇA").unwrap(), "oedipe ca");
    }

    #[test]
    fn email_lower_cases_and_checks_shape() {
        assert_eq!(n(Kind::Email, " Jean.Dupont@Orange.FR ").unwrap(), "jean.dupont@orange.fr");
        for bad in ["jean", "jean@", "@orange.fr", "jean@orange", "je an@orange.fr", "a@@b.fr", "a..b@c.fr"] {
            assert_eq!(n(Kind::Email, bad), Err(Invalid::Email), "{bad}");
        }
    }

    #[test]
    fn phone_to_e164() {
        for v in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "0612345678",
            "+33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "0033612345678",
            "612345678",
            "+33 06 12 34 56 78",
        ] {
            assert_eq!(n(Kind::Phone, v).unwrap(), "+33612345678", "{v}");
        }
        assert_eq!(n(Kind::Phone, "02 62 12 34 56").unwrap(), "+262262123456");
        assert_eq!(n(Kind::Phone, "0692 12 34 56").unwrap(), "+262692123456");
        assert_eq!(n(Kind::Phone, "+44 20 7946 0958").unwrap(), "+442079460958");
        for bad in ["12", "06 12 34", "06 12 34 56 78 90", "abc", "+0612345678", "(06 12 34 56 78"] {
            assert_eq!(n(Kind::Phone, bad), Err(Invalid::Phone), "{bad}");
        }
    }

    #[test]
    fn invalid_values_are_still_cleaned() {
        let mut out = String::new();
        assert_eq!(Kind::Nir.normalise("1 85 05 75 115 423 57", &mut out), Err(Invalid::NirKey));
        assert_eq!(out, "185057511542357");
        assert_eq!(Kind::Phone.normalise("06 12 34", &mut out), Err(Invalid::Phone));
        assert_eq!(out, "061234");
        assert_eq!(Kind::Email.normalise(" Jean@Orange ", &mut out), Err(Invalid::Email));
        assert_eq!(out, "jean@orange");
    }

    #[test]
    fn raw_is_untouched() {
        assert_eq!(n(Kind::Raw, " A b ").unwrap(), " A b ");
    }
}
