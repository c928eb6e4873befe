//! The one place where the core's errors become Python exceptions.
//!
//! Every failure is a `masque.MasqueError` with a stable `code` (the core's
//! `code()` where it has one: `field_count`, `unknown_column`, ...; otherwise
//! the kind of failure: `policy`, `key`, `config`, ...) and the core's
//! positioned message, which names rows, columns and paths, never a cell
//! value nor the key.

use masque_core::clean::CleanError;
use masque_core::policy::{ApplyError, PolicyError};
use masque_core::privacy::PrivacyError;
use masque_core::pseudo::KeyError;
use masque_core::search::SearchError;
use masque_core::table::{ReadError, WriteError};
use pyo3::prelude::*;

pyo3::create_exception!(
    _masque,
    MasqueError,
    pyo3::exceptions::PyException,
    "A masque failure: `code` is stable, `message` names a position, never a cell value."
);

/// A failure with its stable code and message.
pub struct Failure {
    code: String,
    message: String,
}

impl Failure {
    /// A failure of the shell itself (bad argument, unreadable file).
    pub fn new(code: &str, message: impl Into<String>) -> Failure {
        Failure { code: code.to_string(), message: message.into() }
    }

    /// The same failure about a file: `path: message`, as the CLI words it.
    pub fn at(self, path: &std::path::Path) -> Failure {
        Failure { code: self.code, message: format!("{}: {}", path.display(), self.message) }
    }
}

impl From<Failure> for PyErr {
    fn from(f: Failure) -> PyErr {
        PyErr::new::<MasqueError, _>((f.code, f.message))
    }
}

impl From<ReadError> for Failure {
    fn from(e: ReadError) -> Failure {
        Failure::new(e.code(), e.to_string())
    }
}

impl From<WriteError> for Failure {
    fn from(e: WriteError) -> Failure {
        Failure::new("write", e.to_string())
    }
}

impl From<PrivacyError> for Failure {
    fn from(e: PrivacyError) -> Failure {
        Failure::new(e.code(), e.to_string())
    }
}

impl From<SearchError> for Failure {
    fn from(e: SearchError) -> Failure {
        Failure::new(e.code(), e.to_string())
    }
}

impl From<PolicyError> for Failure {
    fn from(e: PolicyError) -> Failure {
        Failure::new("policy", e.to_string())
    }
}

impl From<KeyError> for Failure {
    fn from(e: KeyError) -> Failure {
        Failure::new("key", e.to_string())
    }
}

impl From<ApplyError> for Failure {
    fn from(e: ApplyError) -> Failure {
        let code = match &e {
            ApplyError::Policy(_) => "policy",
            ApplyError::KeyRequired { .. } => "key_required",
            ApplyError::Invalid { .. } => "invalid",
            ApplyError::Read(r) => r.code(),
            ApplyError::Write(_) => "write",
            ApplyError::Key(_) => "key",
            _ => "apply",
        };
        Failure::new(code, e.to_string())
    }
}

impl From<CleanError> for Failure {
    fn from(e: CleanError) -> Failure {
        match e {
            CleanError::Apply(e) => e.into(),
            CleanError::Search(e) => e.into(),
            e => Failure::new("cancelled", e.to_string()),
        }
    }
}
