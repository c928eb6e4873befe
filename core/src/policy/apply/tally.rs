//! The bookkeeping of one column: why a value could not be transformed
//! ([`Reason`], which carries no value), what each distinct value turned out
//! to be ([`Status`]), and the counts of blank and invalid cells with the
//! first invalid rows ([`Tally`]) that go into its report.

use std::collections::BTreeMap;
use std::fmt;

use crate::policy::report::INVALID_ROWS_LISTED;
use crate::policy::{ApplyError, OnInvalidValue};
use crate::pseudo;
use crate::table::Column;

/// Why one value could not be transformed. Carries no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reason {
    Identifier(pseudo::Invalid),
    Date,
    Number,
    Postcode,
    Unmapped,
    NotInHierarchy,
    AfterReference,
    OutOfRange,
    MissingSubject,
    AtDate,
    MissingAt,
}

impl Reason {
    fn code(self) -> &'static str {
        match self {
            Reason::Identifier(i) => i.code(),
            Reason::Date => "date",
            Reason::Number => "number",
            Reason::Postcode => "postcode",
            Reason::Unmapped => "unmapped",
            Reason::NotInHierarchy => "not_in_hierarchy",
            Reason::AfterReference => "after_reference",
            Reason::OutOfRange => "out_of_range",
            Reason::MissingSubject => "missing_subject",
            Reason::AtDate => "at_date",
            Reason::MissingAt => "missing_at",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Identifier(i) => write!(f, "{i}"),
            Reason::Date => f.write_str("not a date (dd/mm/yyyy, yyyy-mm-dd, ...)"),
            Reason::Number => f.write_str("not a number"),
            Reason::Postcode => f.write_str("not a postcode (5 digits)"),
            Reason::Unmapped => f.write_str("the value is not in the map"),
            Reason::NotInHierarchy => f.write_str("the value is not in the hierarchy"),
            Reason::AfterReference => f.write_str("the date is after the reference date"),
            Reason::OutOfRange => f.write_str("the shifted date falls outside years 1-9999"),
            Reason::MissingSubject => f.write_str("the subject identifier is empty, so the date cannot be shifted"),
            Reason::AtDate => f.write_str("the date the age is computed at is not a date"),
            Reason::MissingAt => f.write_str("the date the age is computed at is empty"),
        }
    }
}

/// Whether a value counts as blank (empty or spaces only).
pub(super) fn is_blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// The 1-based row of the first occurrence of `code`.
pub(super) fn first_row(column: &Column, code: u32) -> usize {
    column.codes.iter().position(|&c| c == code).map_or(0, |r| r + 1)
}

/// What a distinct value turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    /// Transformed.
    Done,
    /// Blank: stays empty.
    Blank,
    /// Invalid, for this reason.
    Invalid(Reason),
}

/// Blank and invalid cells of one column.
#[derive(Default)]
pub(super) struct Tally {
    /// Blank cells.
    pub(super) empty: usize,
    /// Invalid cells.
    pub(super) rows: usize,
    /// Invalid cells per reason code.
    pub(super) reasons: BTreeMap<String, usize>,
    /// The first invalid rows (1-based), at most `INVALID_ROWS_LISTED`.
    pub(super) first_rows: Vec<usize>,
}

impl Tally {
    fn add_rows(&mut self, reason: Reason, n: usize) {
        self.rows += n;
        *self.reasons.entry(reason.code().to_string()).or_insert(0) += n;
    }

    /// Counts the rows of blank and invalid codes (one pass over the rows,
    /// only if there is any).
    pub(super) fn from_codes(column: &Column, status: &[Status]) -> Tally {
        let mut tally = Tally::default();
        if status.iter().all(|s| *s == Status::Done) {
            return tally;
        }
        let mut counts = vec![0usize; status.len()];
        for (row, &c) in column.codes.iter().enumerate() {
            counts[c as usize] += 1;
            if matches!(status[c as usize], Status::Invalid(_)) && tally.first_rows.len() < INVALID_ROWS_LISTED {
                tally.first_rows.push(row + 1);
            }
        }
        for (code, s) in status.iter().enumerate() {
            match s {
                Status::Done => {}
                Status::Blank => tally.empty += counts[code],
                Status::Invalid(r) => tally.add_rows(*r, counts[code]),
            }
        }
        tally
    }
}

/// The name of an `on_invalid` handling, for the report.
pub(super) fn on_invalid_name(o: OnInvalidValue) -> &'static str {
    match o {
        OnInvalidValue::Redact => "redact",
        OnInvalidValue::Keep => "keep",
        OnInvalidValue::Error => "error",
    }
}

/// The error of `on_invalid: "error"`: where, and why (never the value).
pub(super) fn invalid_error(column: &Column, row: usize, reason: Reason) -> ApplyError {
    ApplyError::Invalid { row, column: column.name.clone(), reason: reason.to_string() }
}

/// Counts one invalid cell at `row` (0-based).
pub(super) fn note(tally: &mut Tally, reason: Reason, row: usize) {
    tally.add_rows(reason, 1);
    if tally.first_rows.len() < INVALID_ROWS_LISTED {
        tally.first_rows.push(row + 1);
    }
}
