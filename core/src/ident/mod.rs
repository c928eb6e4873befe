//! Identifier detection: validators with check keys, header synonyms and
//! free-text scrubbing (the column suggestions built on them are
//! [`crate::suggest`], above the policy whose actions they suggest). Plain Rust: no I/O, no clock, no randomness.
//!
//! - Validators, one module per identifier, each returning the normalised form
//!   or an [`Invalid`] that says what is wrong and never quotes the value:
//!   [`nir`] (NIR, and the NIA / INS matricule), [`rpps`] (RPPS and FINESS),
//!   [`iban`], [`phone`] (E.164), [`email`], [`date`] (ISO 8601), [`geo`] (code
//!   postal, code commune INSEE). [`IdentifierKind::check`] dispatches on a [`IdentifierKind`].
//! - [`fold`]: case and accent folding shared by names and headers.
//! - [`header`]: what a column header names (French and English synonyms).
//! - [`number`]: the one number parser (decimal comma, no exponent).
//! - [`scrub`]: a single-pass scanner that finds NIRs, phone numbers, e-mails,
//!   IBANs, dates and a row's own names in free text, and replaces them with a
//!   tag (`[NIR]`, `[TEL]`, ...) or a supplied pseudonym.
//!
//! Invariant: nothing in this module puts a cell value into an error, a reason
//! or a panic message.

use std::fmt;

use serde::{Deserialize, Serialize};

pub mod date;
pub mod email;
pub mod fold;
pub mod geo;
pub mod header;
pub mod iban;
pub mod nir;
pub mod number;
pub mod phone;
pub mod rpps;
pub mod scrub;

mod checksum;
pub(crate) mod names;

/// The kinds of identifiers masque validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// NIR, "numéro de sécurité sociale" ([`nir::validate`]).
    Nir,
    /// INS matricule: a NIR or a NIA ([`nir::validate_matricule`]).
    Matricule,
    /// RPPS number of a health professional ([`rpps::validate_rpps`]).
    Rpps,
    /// FINESS number of an establishment ([`rpps::validate_finess`]).
    Finess,
    /// IBAN ([`iban::validate`]).
    Iban,
    /// Telephone number ([`phone::validate`]).
    Phone,
    /// E-mail address ([`email::validate`]).
    Email,
    /// Calendar date ([`date::parse`]).
    Date,
    /// Code postal ([`geo::code_postal`]).
    CodePostal,
    /// Code commune INSEE ([`geo::code_commune`]).
    CodeCommune,
}

impl IdentifierKind {
    /// Every kind, in a fixed order.
    pub const ALL: [IdentifierKind; 10] = [
        IdentifierKind::Nir,
        IdentifierKind::Matricule,
        IdentifierKind::Rpps,
        IdentifierKind::Finess,
        IdentifierKind::Iban,
        IdentifierKind::Phone,
        IdentifierKind::Email,
        IdentifierKind::Date,
        IdentifierKind::CodePostal,
        IdentifierKind::CodeCommune,
    ];

    /// A short human name ("NIR", "phone number", ...).
    pub fn name(self) -> &'static str {
        match self {
            IdentifierKind::Nir => "NIR",
            IdentifierKind::Matricule => "INS matricule",
            IdentifierKind::Rpps => "RPPS number",
            IdentifierKind::Finess => "FINESS number",
            IdentifierKind::Iban => "IBAN",
            IdentifierKind::Phone => "phone number",
            IdentifierKind::Email => "e-mail address",
            IdentifierKind::Date => "date",
            IdentifierKind::CodePostal => "code postal",
            IdentifierKind::CodeCommune => "code commune INSEE",
        }
    }

    /// Validates `value` as this kind; returns its normalised form.
    ///
    /// ```
    /// use masque_core::ident::IdentifierKind;
    /// assert_eq!(IdentifierKind::Phone.check("06 12 34 56 78").as_deref(), Ok("+33612345678"));
    /// assert_eq!(IdentifierKind::Nir.check("1 85 05 75 115 423 55").as_deref(), Ok("185057511542355"));
    /// let err = IdentifierKind::Nir.check("1 85 05 75 115 423 58").unwrap_err();
    /// assert_eq!(err.to_string(), "invalid NIR: the NIR key does not match (mistyped or transposed digit)");
    /// ```
    pub fn check(self, value: &str) -> Result<String, Invalid> {
        match self {
            IdentifierKind::Nir => nir::normalise(value).map_err(|e| Invalid::new(self, Reason::Nir(e))),
            IdentifierKind::Matricule => {
                nir::normalise_matricule(value).map_err(|e| Invalid::new(self, Reason::Nir(e)))
            }
            IdentifierKind::Rpps => rpps::validate_rpps(value),
            IdentifierKind::Finess => rpps::validate_finess(value),
            IdentifierKind::Iban => iban::validate(value),
            IdentifierKind::Phone => phone::normalise(value),
            IdentifierKind::Email => email::normalise(value),
            IdentifierKind::Date => date::normalise(value),
            IdentifierKind::CodePostal => geo::code_postal(value),
            IdentifierKind::CodeCommune => geo::code_commune(value),
        }
    }

    /// Whether `value` is valid as this kind.
    pub fn is_valid(self, value: &str) -> bool {
        self.check(value).is_ok()
    }
}

/// Why a value is not a valid identifier of some kind. Never holds the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// What the value was checked as.
    pub kind: IdentifierKind,
    /// What is wrong.
    pub reason: Reason,
}

impl Invalid {
    pub(crate) fn new(kind: IdentifierKind, reason: Reason) -> Invalid {
        Invalid { kind, reason }
    }
}

/// What is wrong with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Nothing but blanks and separators.
    Empty,
    /// The wrong number of characters (digits, for a phone number).
    Length {
        /// How many there were.
        found: usize,
    },
    /// A character that cannot appear there.
    Character {
        /// 1-based position (in the compact form for numbers).
        position: usize,
    },
    /// The check digits do not match.
    Key,
    /// A rule of the identifier's structure is broken (a fixed explanation).
    Shape(&'static str),
    /// What is wrong with a NIR.
    Nir(nir::NirError),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Empty => write!(f, "empty"),
            Reason::Length { found } => write!(f, "wrong length ({found})"),
            Reason::Character { position } => write!(f, "character {position} is not allowed there"),
            Reason::Key => write!(f, "the check digit does not match (mistyped or transposed digit)"),
            Reason::Shape(s) => f.write_str(s),
            Reason::Nir(e) => e.fmt(f),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.kind.name(), self.reason)
    }
}

impl std::error::Error for Invalid {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_matches_the_modules() {
        let cases = [
            (IdentifierKind::Nir, "253072B07300470", "253072B07300470"),
            (IdentifierKind::Matricule, "253072B07300470", "253072B07300470"),
            (IdentifierKind::Rpps, "10318609137", "10318609137"),
            (IdentifierKind::Finess, "750100125", "750100125"),
            (IdentifierKind::Iban, "FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
            (IdentifierKind::Phone, "+33 6 12 34 56 78", "+33612345678"),
            (IdentifierKind::Email, "A@B.FR", "a@b.fr"),
            (IdentifierKind::Date, "12/03/2024", "2024-03-12"),
            (IdentifierKind::CodePostal, "75011", "75011"),
            (IdentifierKind::CodeCommune, "2b033", "2B033"),
        ];
        for (kind, input, want) in cases {
            assert_eq!(kind.check(input).as_deref(), Ok(want), "{}", kind.name());
        }
    }

    #[test]
    fn messages_never_quote_values() {
        let values = [
            "185057511542358",
            "10318609136",
            "750100126",
            "FR7630006000011234567890198",
            "16 12 34 56 78",
            "jean@@dupont.fr",
            "31/02/1985",
            "96123",
            "20123",
            "zzzzzz",
            "",
        ];
        for kind in IdentifierKind::ALL {
            for v in values {
                if let Err(e) = kind.check(v) {
                    let msg = e.to_string();
                    if !v.is_empty() {
                        assert!(!msg.contains(v), "{msg}");
                    }
                    assert!(!msg.contains("dupont") && !msg.contains("zzz"), "{msg}");
                }
            }
        }
    }
}
