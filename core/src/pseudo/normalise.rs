//! Normalisation before hashing, per identifier kind.
//!
//! Two writings of one identifier must give one pseudonym: `1 85 05 75 115 423 57`
//! and `185057511542357`, `Hélène` and `HELENE`, `06 12 34 56 78` and
//! `+33612345678`. Each kind maps a cell to a canonical string, or says why the
//! cell is not a valid identifier of that kind (never repeating the value).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ident::nir::{self, NirError};
use crate::ident::{fold, phone};

/// The kind of identifier a pseudonymised column holds.
#[cfg_attr(feature = "ts", derive(tsify::Tsify), tsify(rename = "PseudonymKind"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A French NIR, as [`crate::ident::nir::validate`] accepts it (shape,
    /// département, commune, order number and check key): separators removed,
    /// upper case, Corsican `2A`/`2B` kept.
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
    /// A NIR whose département of birth does not exist.
    NirDepartement,
    /// A NIR whose commune (or country) code is zero.
    NirCommune,
    /// A NIR whose order number is 000.
    NirOrder,
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
            Invalid::NirDepartement => "nir_departement",
            Invalid::NirCommune => "nir_commune",
            Invalid::NirOrder => "nir_order",
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
            Invalid::NirDepartement => "the NIR's département of birth does not exist",
            Invalid::NirCommune => "the NIR's commune or country code is zero",
            Invalid::NirOrder => "the NIR's order number is 000",
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

/// The NIR check key: 97 - (N mod 97), N the first 13 characters with 2A -> 19, 2B -> 18.
///
/// The rule lives in [`crate::ident::nir`]; this is its entry point on 13 bytes.
pub fn nir_check_key(first13: &[u8; 13]) -> Option<u32> {
    nir::key_of(first13).map(u32::from)
}

impl Invalid {
    fn of_nir(e: NirError) -> Invalid {
        match e {
            NirError::Empty | NirError::Length { .. } => Invalid::NirLength,
            NirError::Character { .. } => Invalid::NirCharacter,
            NirError::Sex => Invalid::NirSex,
            NirError::Month => Invalid::NirMonth,
            NirError::Departement => Invalid::NirDepartement,
            NirError::Commune => Invalid::NirCommune,
            NirError::Order => Invalid::NirOrder,
            NirError::Key => Invalid::NirKey,
        }
    }
}

/// A NIR is what [`nir::validate`] accepts; its canonical form is the
/// validator's compact form. `out` gets the same cleaning (separators of
/// [`nir::is_separator`] removed, ASCII upper-cased) whether the NIR is valid
/// or not, so that a valid NIR's canonical form is exactly `Nir::as_str`.
fn nir(value: &str, out: &mut String) -> Result<(), Invalid> {
    out.extend(value.chars().filter(|&c| !nir::is_separator(c)).map(|c| c.to_ascii_uppercase()));
    match nir::validate(value) {
        Ok(valid) => {
            debug_assert_eq!(valid.as_str(), out.as_str());
            Ok(())
        }
        Err(e) => Err(Invalid::of_nir(e)),
    }
}

/// Typographic apostrophes (and the accents people type for one) written as `'`.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' | '\u{00B4}')
}

/// Text: words separated by one space, apostrophes unified, folded with
/// [`fold::fold_into`] (lower case, accents removed, ligatures expanded).
fn text(value: &str, out: &mut String) {
    let mut pending_space = false;
    let mut buf = [0u8; 4];
    for c in value.chars() {
        if c.is_whitespace() || matches!(c, '-' | '_' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}') {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if is_apostrophe(c) {
            out.push('\'');
        } else {
            fold::fold_into(c.encode_utf8(&mut buf), out);
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

/// A phone number is what [`phone::validate`] accepts, written in its E.164
/// form, after two allowances for cells (not for free text): any separator of
/// [`nir::is_separator`] (dashes, every kind of space) is ignored, and 9 digits
/// with no leading 0 are a French number whose 0 a spreadsheet dropped.
///
/// On error `out` holds the cell without its separators, `/` and brackets.
fn phone(value: &str, out: &mut String) -> Result<(), Invalid> {
    out.extend(value.chars().filter(|&c| !nir::is_separator(c)));
    let result = match phone::validate(out) {
        Ok(p) => Ok(p.e164().to_string()),
        Err(_) if out.len() == 9 && out.bytes().all(|b| b.is_ascii_digit()) && !out.starts_with('0') => {
            phone::validate(&format!("0{out}")).map(|p| p.e164().to_string()).map_err(|_| Invalid::Phone)
        }
        Err(_) => Err(Invalid::Phone),
    };
    out.clear();
    match result {
        Ok(e164) => {
            out.push_str(&e164);
            Ok(())
        }
        Err(e) => {
            out.extend(value.chars().filter(|&c| !(nir::is_separator(c) || matches!(c, '/' | '(' | ')'))));
            Err(e)
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
        // The often-quoted example `1 85 05 75 115 423 57` has a wrong key (55 is right).
        assert_eq!(n(Kind::Nir, "185057511542357"), Err(Invalid::NirKey));
        assert_eq!(n(Kind::Nir, "1 85 05 75 115 423 57"), Err(Invalid::NirKey));
        assert_eq!(n(Kind::Nir, "253072A07300470"), Err(Invalid::NirKey));
        assert_eq!(n(Kind::Nir, "18505751154235"), Err(Invalid::NirLength));
        assert_eq!(n(Kind::Nir, "1850575115423X7"), Err(Invalid::NirCharacter));
        assert_eq!(n(Kind::Nir, "385057511542357"), Err(Invalid::NirSex));
        assert_eq!(n(Kind::Nir, "185157511542357"), Err(Invalid::NirMonth));
        assert_eq!(n(Kind::Nir, ""), Err(Invalid::NirLength));
        // The validator's structure checks apply too.
        assert_eq!(n(Kind::Nir, "185059611542357"), Err(Invalid::NirDepartement));
        assert_eq!(n(Kind::Nir, "185057500042357"), Err(Invalid::NirCommune));
        assert_eq!(n(Kind::Nir, "185057511500057"), Err(Invalid::NirOrder));
        assert_eq!(n(Kind::Nir, "1\u{2013}85\u{2013}05 75\n115 423 55").unwrap(), "185057511542355");
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
        // The rules of ident::phone: Saint-Pierre-et-Miquelon has its own country
        // code, a trunk 0 after an overseas code is dropped, brackets are separators.
        assert_eq!(n(Kind::Phone, "0508 41 23 45").unwrap(), "+508412345");
        assert_eq!(n(Kind::Phone, "+262 0692 12 34 56").unwrap(), "+262692123456");
        assert_eq!(n(Kind::Phone, "(06 12 34 56 78").unwrap(), "+33612345678");
        assert_eq!(n(Kind::Phone, "06\u{2013}12\u{2013}34\u{2013}56\u{2013}78").unwrap(), "+33612345678");
        for bad in ["12", "06 12 34", "06 12 34 56 78 90", "abc", "+0612345678"] {
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
