//! Errors of reading a policy and of applying it. They name paths, rows and
//! columns, never cell values nor the key.

use std::fmt;

use crate::pseudo::KeyError;
use crate::table::{ReadError, WriteError};

/// A problem in a policy, with the path of the offending part
/// (`columns.nir.action: unknown action "hsh"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    path: String,
    message: String,
}

impl PolicyError {
    /// An error at `path` (empty for the whole document).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> PolicyError {
        PolicyError { path: path.into(), message: message.into() }
    }

    /// Where the problem is (`columns.nir.kind`), empty for the whole document.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What the problem is.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for PolicyError {}

/// Why a policy could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApplyError {
    /// The policy does not fit the table (a named column is absent, a hierarchy
    /// cannot be read, ...).
    Policy(PolicyError),
    /// The policy pseudonymises or shifts dates but no key was given.
    KeyRequired {
        /// The first column that needs it.
        column: String,
    },
    /// A value is invalid and the column's `on_invalid` is `error`.
    Invalid {
        /// 1-based data row.
        row: usize,
        /// The column's name.
        column: String,
        /// Why (no value): e.g. "the NIR's check key does not match".
        reason: String,
    },
    /// The input could not be read.
    Read(ReadError),
    /// The output could not be written in the requested dialect.
    Write(WriteError),
    /// The key could not be used.
    Key(KeyError),
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyError::Policy(e) => write!(f, "policy: {e}"),
            ApplyError::KeyRequired { column } => {
                write!(f, "column `{column}` is pseudonymised or date-shifted: a key is needed")
            }
            ApplyError::Invalid { row, column, reason } => {
                write!(f, "row {row}, column `{column}`: {reason} (the policy says on_invalid: \"error\")")
            }
            ApplyError::Read(e) => write!(f, "{e}"),
            ApplyError::Write(e) => write!(f, "{e}"),
            ApplyError::Key(e) => write!(f, "key: {e}"),
        }
    }
}

impl std::error::Error for ApplyError {}

impl From<PolicyError> for ApplyError {
    fn from(e: PolicyError) -> ApplyError {
        ApplyError::Policy(e)
    }
}

impl From<ReadError> for ApplyError {
    fn from(e: ReadError) -> ApplyError {
        ApplyError::Read(e)
    }
}

impl From<WriteError> for ApplyError {
    fn from(e: WriteError) -> ApplyError {
        ApplyError::Write(e)
    }
}

impl From<KeyError> for ApplyError {
    fn from(e: KeyError) -> ApplyError {
        ApplyError::Key(e)
    }
}
