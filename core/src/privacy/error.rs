//! Errors of the risk analysis. They name columns and rows, never cell values.

use std::fmt;

/// Why a risk analysis could not be made.
///
/// The message names a column (by its header name, as the user typed it), a
/// parameter or a 1-based data row, never the content of a cell: an error can
/// end up in a log, and a cell can be patient data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyError(Box<PrivacyErrorKind>);

impl PrivacyError {
    pub(crate) fn new(kind: PrivacyErrorKind) -> PrivacyError {
        PrivacyError(Box::new(kind))
    }

    /// What went wrong.
    pub fn kind(&self) -> &PrivacyErrorKind {
        &self.0
    }

    /// A stable machine name for the kind of error (`unknown_column`, `no_quasi_identifier`, ...).
    pub fn code(&self) -> &'static str {
        match *self.0 {
            PrivacyErrorKind::NoQuasiIdentifier => "no_quasi_identifier",
            PrivacyErrorKind::UnknownColumn { .. } => "unknown_column",
            PrivacyErrorKind::DuplicateColumn { .. } => "duplicate_column",
            PrivacyErrorKind::EmptyTable => "empty_table",
            PrivacyErrorKind::AllSuppressed { .. } => "all_suppressed",
            PrivacyErrorKind::BadParameter { .. } => "bad_parameter",
            PrivacyErrorKind::NotNumeric { .. } => "not_numeric",
            PrivacyErrorKind::NotInOrder { .. } => "not_in_order",
            PrivacyErrorKind::OrderRepeats { .. } => "order_repeats",
            PrivacyErrorKind::OrderWithEqualDistance { .. } => "order_with_equal_distance",
            PrivacyErrorKind::LengthMismatch { .. } => "length_mismatch",
            PrivacyErrorKind::CodeOutOfRange { .. } => "code_out_of_range",
            PrivacyErrorKind::TooManyRows { .. } => "too_many_rows",
            PrivacyErrorKind::PopulationTooSmall { .. } => "population_too_small",
        }
    }
}

/// What a column is used for, in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A quasi-identifier.
    QuasiIdentifier,
    /// A sensitive attribute.
    Sensitive,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::QuasiIdentifier => "quasi-identifier",
            Role::Sensitive => "sensitive",
        })
    }
}

/// The kinds of [`PrivacyError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PrivacyErrorKind {
    /// No quasi-identifier was given: there are no equivalence classes to form.
    NoQuasiIdentifier,
    /// A column named in the options is not in the table.
    UnknownColumn {
        /// The name as given.
        name: String,
        /// What it was asked for.
        role: Role,
    },
    /// A column is listed twice in the same role.
    DuplicateColumn {
        /// The name as given.
        name: String,
        /// The role it is listed twice in.
        role: Role,
    },
    /// The table has no data row.
    EmptyTable,
    /// Every row is marked as suppressed: nothing is left to analyse.
    AllSuppressed {
        /// How many rows the table has.
        rows: usize,
    },
    /// A parameter (threshold, l, c, t) is out of its range.
    BadParameter {
        /// The parameter's name.
        name: &'static str,
        /// What is accepted.
        expected: &'static str,
    },
    /// Ordered distance was asked for a column that holds a value which is
    /// neither a number nor empty.
    NotNumeric {
        /// The column's name.
        column: String,
        /// 1-based data row of the first such value.
        row: usize,
    },
    /// A user-given order does not list a (non-empty) value of the column.
    NotInOrder {
        /// The column's name.
        column: String,
        /// 1-based data row of the first value missing from the order.
        row: usize,
    },
    /// A user-given order lists the same value twice.
    OrderRepeats {
        /// The column's name.
        column: String,
        /// 1-based position in the order of the second occurrence.
        position: usize,
    },
    /// An order was given for a column whose distance is set to `equal`.
    OrderWithEqualDistance {
        /// The column's name.
        column: String,
    },
    /// Code slices or a row mask do not all have the table's number of rows.
    LengthMismatch {
        /// What has the wrong length.
        what: &'static str,
        /// The number of rows expected.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// A code is not below the domain size it was declared with (a caller's
    /// bug in the low-level API, never caused by a file).
    CodeOutOfRange {
        /// 0-based position of the code slice (quasi-identifier) or `None` for a sensitive column.
        slice: Option<usize>,
        /// 1-based row.
        row: usize,
    },
    /// The table has more rows than 32-bit class identifiers can count.
    TooManyRows {
        /// The number of rows.
        rows: usize,
    },
    /// The population given (or computed from the sampling fraction) is
    /// smaller than the file drawn from it.
    PopulationTooSmall {
        /// The population's size.
        population: u64,
        /// The number of rows of the file.
        rows: usize,
    },
}

impl fmt::Display for PrivacyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            PrivacyErrorKind::NoQuasiIdentifier => {
                write!(f, "no quasi-identifier given: name at least one column to group rows on")
            }
            PrivacyErrorKind::UnknownColumn { name, role } => {
                write!(f, "unknown column `{name}` (given as {role}): the table has no column of that name")
            }
            PrivacyErrorKind::DuplicateColumn { name, role } => {
                write!(f, "column `{name}` is listed twice as {role}")
            }
            PrivacyErrorKind::EmptyTable => write!(f, "the table has no data rows"),
            PrivacyErrorKind::AllSuppressed { rows } => {
                write!(f, "all {rows} rows are suppressed: nothing left to analyse")
            }
            PrivacyErrorKind::BadParameter { name, expected } => {
                write!(f, "parameter `{name}` is invalid: expected {expected}")
            }
            PrivacyErrorKind::NotNumeric { column, row } => write!(
                f,
                "column `{column}` cannot use the ordered distance: row {row} is not a number (give an explicit order, or use the equal distance)"
            ),
            PrivacyErrorKind::NotInOrder { column, row } => {
                write!(f, "column `{column}`: the value in row {row} is missing from the given order")
            }
            PrivacyErrorKind::OrderRepeats { column, position } => {
                write!(f, "column `{column}`: the given order repeats a value at position {position}")
            }
            PrivacyErrorKind::OrderWithEqualDistance { column } => {
                write!(f, "column `{column}`: an order was given but the distance is `equal`")
            }
            PrivacyErrorKind::LengthMismatch { what, expected, found } => {
                write!(f, "{what} has {found} rows, expected {expected}")
            }
            PrivacyErrorKind::CodeOutOfRange { slice: Some(i), row } => {
                write!(f, "quasi-identifier {} has a code out of its domain at row {row}", i + 1)
            }
            PrivacyErrorKind::CodeOutOfRange { slice: None, row } => {
                write!(f, "the sensitive column has a code out of its domain at row {row}")
            }
            PrivacyErrorKind::TooManyRows { rows } => {
                write!(f, "{rows} rows are more than the analysis can count (at most 4,294,967,294)")
            }
            PrivacyErrorKind::PopulationTooSmall { population, rows } => {
                write!(f, "the population ({population}) is smaller than the file ({rows} rows): give a population of at least {rows}")
            }
        }
    }
}

impl std::error::Error for PrivacyError {}
