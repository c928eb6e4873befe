//! What the scrubber finds and reports: the kinds of identifier ([`Found`])
//! and their replacement tags, the detectors to run ([`ScrubOptions`]), one
//! match ([`Match`]) and the counts of what was replaced ([`ScrubCounts`]).

use serde::{Deserialize, Serialize};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// A NIR or NIA (key checked).
    Nir,
    /// A phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// An IBAN.
    Iban,
    /// A date.
    Date,
    /// The row's surname.
    Surname,
    /// The row's first name.
    FirstName,
    /// Another of the row's identifiers (IPP, ...).
    Identifier,
}

impl Found {
    /// The tag that replaces it: `[NIR]`, `[TEL]`, `[EMAIL]`, `[IBAN]`, `[DATE]`,
    /// `[NOM]`, `[PRENOM]`, `[ID]`.
    pub fn tag(self) -> &'static str {
        match self {
            Found::Nir => "[NIR]",
            Found::Phone => "[TEL]",
            Found::Email => "[EMAIL]",
            Found::Iban => "[IBAN]",
            Found::Date => "[DATE]",
            Found::Surname => "[NOM]",
            Found::FirstName => "[PRENOM]",
            Found::Identifier => "[ID]",
        }
    }

    /// Its bit in a set of kinds (see `RowContext`'s structured values).
    pub(super) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// What to look for. Everything is on by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScrubOptions {
    /// NIRs and NIAs (key checked).
    pub nir: bool,
    /// Phone numbers.
    pub phone: bool,
    /// E-mail addresses.
    pub email: bool,
    /// IBANs.
    pub iban: bool,
    /// Dates.
    pub dates: bool,
    /// The row's own values given in the [`RowContext`](super::RowContext), and
    /// the names of a [`NameSet`](super::NameSet).
    pub names: bool,
    /// Also the parts of compound names (`Jean` and `Pierre` of `Jean-Pierre`,
    /// `Gall` of `Le Gall`; parts shorter than 3 letters and particles are never
    /// looked for alone).
    pub name_parts: bool,
}

impl Default for ScrubOptions {
    fn default() -> ScrubOptions {
        ScrubOptions { nir: true, phone: true, email: true, iban: true, dates: true, names: true, name_parts: true }
    }
}

/// One identifier found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Byte offset where it starts.
    pub start: usize,
    /// Byte offset just after it.
    pub end: usize,
    /// What it is.
    pub found: Found,
    /// The [`RowContext`](super::RowContext) entry it is, if it is one of the row's own values.
    pub own: Option<usize>,
}

/// How many of each were replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScrubCounts {
    /// NIRs / NIAs.
    pub nir: u64,
    /// Phone numbers.
    pub phone: u64,
    /// E-mail addresses.
    pub email: u64,
    /// IBANs.
    pub iban: u64,
    /// Dates.
    pub date: u64,
    /// The row's surname.
    pub surname: u64,
    /// The row's first name.
    pub first_name: u64,
    /// The row's other identifiers.
    pub identifier: u64,
}

impl ScrubCounts {
    /// Counts one more `found`.
    pub fn count(&mut self, found: Found) {
        match found {
            Found::Nir => self.nir += 1,
            Found::Phone => self.phone += 1,
            Found::Email => self.email += 1,
            Found::Iban => self.iban += 1,
            Found::Date => self.date += 1,
            Found::Surname => self.surname += 1,
            Found::FirstName => self.first_name += 1,
            Found::Identifier => self.identifier += 1,
        }
    }

    /// The total of all counts.
    pub fn total(&self) -> u64 {
        self.nir + self.phone + self.email + self.iban + self.date + self.surname + self.first_name + self.identifier
    }
}

impl std::ops::AddAssign for ScrubCounts {
    fn add_assign(&mut self, o: ScrubCounts) {
        self.nir += o.nir;
        self.phone += o.phone;
        self.email += o.email;
        self.iban += o.iban;
        self.date += o.date;
        self.surname += o.surname;
        self.first_name += o.first_name;
        self.identifier += o.identifier;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::scrub::{scrub, RowContext};

    #[test]
    fn options_turn_detectors_off() {
        let text = "1 85 05 75 115 423 55 06 12 34 56 78 a@b.fr 01/02/1985 FR7630006000011234567890189";
        let none = ScrubOptions {
            nir: false,
            phone: false,
            email: false,
            iban: false,
            dates: false,
            names: false,
            name_parts: false,
        };
        let mut out = String::new();
        scrub(text, &RowContext::new(), &none, &mut out);
        assert_eq!(out, text);
        let opts: ScrubOptions = serde_json::from_str(r#"{"dates": false}"#).unwrap();
        assert!(!opts.dates && opts.nir);
        assert!(serde_json::from_str::<ScrubOptions>(r#"{"date": false}"#).is_err());
    }
}
