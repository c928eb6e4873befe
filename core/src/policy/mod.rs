//! The policy document: what happens to each column, and applying it to a table.
//!
//! A [`Policy`] is a small, versioned JSON document the user writes once and
//! reuses:
//!
//! ```json
//! {"version": 1, "default": "keep",
//!  "columns": {"nir": {"action": "pseudonymise", "kind": "nir"},
//!              "nom": {"action": "pseudonymise", "kind": "text"},
//!              "adresse": {"action": "drop"},
//!              "date_naissance": {"action": "generalise", "to": "year"},
//!              "date_entree": {"action": "date_shift", "subject": "nir", "max_days": 180}}}
//! ```
//!
//! [`Policy::from_json`] reads and validates it; every error names the path of
//! the problem (`columns.nir.action: unknown action "hsh"`), unknown fields
//! are rejected, and a column named in the policy but absent from the file is
//! an error when the policy is applied. Columns the policy does not name follow
//! `default` (`keep`, or `drop` for safety).
//!
//! An optional `anonymise` object holds the anonymisation that follows (the
//! configuration `masque anonymise --config` reads: quasi-identifiers, k,
//! suppression, l, t...). It is checked with the policy; `apply` ignores it,
//! and `masque anonymise --config` takes a policy file for it. One file then
//! describes the whole cleaning, as the web app saves it.
//!
//! [`apply`] transforms each distinct value of a column once, then maps the
//! codes, and returns a new [`Table`](crate::table::Table), an [`ApplyReport`]
//! (counts, never values, never the key) and, only when asked, a
//! correspondence table (pseudonym -> original) kept apart from the output.
//! [`apply_bytes`] does read -> apply -> write in one call for the CLI and wasm.
//!
//! The actions are listed in [`Action`]; [`date`] and [`crate::ident::number`] hold the value
//! parsers they share.
//!
//! `scrub` removes identifiers from free text with the scanner of
//! [`crate::ident::scrub`]: NIRs, phone numbers, e-mails, IBANs, dates, and the
//! row's own values of its identifier columns (found from their headers unless
//! the policy lists them), replaced by a tag (`[NIR]`, `[NOM]`, ...) or by the
//! pseudonym their column gets.

mod apply;
pub mod date;
mod error;
mod options;
mod parse;
mod report;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use apply::{apply, apply_bytes, apply_owned, Applied, AppliedBytes, ApplyOptions};
pub use date::DateOrder;
pub use error::{ApplyError, PolicyError};
pub use options::{
    Age, AgeAt, DateOptions, DateShift, Generalise, HierarchyLevel, Interval, Invalids, Mask, OnInvalidIdentifier,
    OnInvalidValue, Pseudonymise, Redact, Scrub, ScrubReplacement, TopBottom, ValueMap,
};
pub use report::{ApplyReport, ColumnReport};

/// The policy format version this code reads and writes.
pub const POLICY_VERSION: u32 = 1;

/// A validated policy (see the module documentation).
#[cfg_attr(
    feature = "ts",
    derive(tsify::Tsify),
    tsify(
        type = "{ version: number; default?: DefaultAction; description?: string | null; columns?: Record<string, Action> | null; anonymise?: AnonymiseConfig | null; output?: PolicyOutput | null }"
    )
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The format version ([`POLICY_VERSION`]).
    pub version: u32,
    /// What happens to columns the policy does not name.
    pub default: DefaultAction,
    /// Free text for the user.
    pub description: Option<String>,
    /// The named columns and their actions.
    pub columns: BTreeMap<String, Action>,
    /// The anonymisation that follows the policy, as `masque anonymise --config`
    /// reads it (checked when the policy is read; `apply` does not use it), so
    /// that one file describes the whole cleaning: what the web app saves.
    pub anonymise: Option<serde_json::Value>,
    /// How the output is written (`{"utf8": true}`), so that a saved policy
    /// keeps it; written back only when it differs from the default.
    pub output: PolicyOutput,
}

/// How the output of a policy is written (the policy's `output` object).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyOutput {
    /// Write UTF-8 instead of the input's encoding (as `--utf8` and the
    /// `utf8` option do; either asks for it).
    pub utf8: bool,
}

/// What happens to columns the policy does not name.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DefaultAction {
    /// Copy them unchanged.
    #[default]
    Keep,
    /// Leave them out of the output (the safe choice).
    Drop,
}

/// What happens to one column.
#[cfg_attr(
    feature = "ts",
    derive(tsify::Tsify),
    tsify(
        type = "\"keep\" | \"drop\" | \"redact\" | \"pseudonymise\" | \"pseudonymize\" | \"mask\" | \"scrub\" | { action: \"keep\" } | { action: \"drop\" } | ({ action: \"redact\" } & Redact) | ({ action: \"pseudonymise\" | \"pseudonymize\" } & Pseudonymise) | ({ action: \"mask\" } & MaskOptions) | ({ action: \"generalise\" | \"generalize\" } & Generalise) | ({ action: \"date_shift\" } & DateShift) | ({ action: \"scrub\" } & Scrub) | ({ action: \"age_at\" } & AgeAt)"
    )
)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Copy the column unchanged.
    Keep,
    /// Leave the column out of the output.
    Drop,
    /// Replace every non-empty cell by a constant.
    Redact(Redact),
    /// Replace each value by its keyed pseudonym.
    Pseudonymise(Pseudonymise),
    /// Keep a few leading/trailing characters, mask the rest.
    Mask(Mask),
    /// Replace each value by a coarser one.
    Generalise(Generalise),
    /// Move dates by one offset per subject.
    DateShift(DateShift),
    /// Remove identifiers from free text.
    Scrub(Scrub),
    /// Replace a date of birth by the age at another date of the same row.
    AgeAt(AgeAt),
}

impl Action {
    /// The action's name in policies.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Drop => "drop",
            Action::Redact(_) => "redact",
            Action::Pseudonymise(_) => "pseudonymise",
            Action::Mask(_) => "mask",
            Action::Generalise(_) => "generalise",
            Action::DateShift(_) => "date_shift",
            Action::Scrub(_) => "scrub",
            Action::AgeAt(_) => "age_at",
        }
    }

    /// Whether the action needs the key.
    pub fn needs_key(&self) -> bool {
        matches!(self, Action::Pseudonymise(_) | Action::DateShift(_))
    }

    /// Whether the column's original values could reach the output.
    pub fn protects(&self) -> bool {
        matches!(self, Action::Drop | Action::Redact(_) | Action::Pseudonymise(_) | Action::Mask(_) | Action::AgeAt(_))
    }

    /// The action as a policy entry with only the options that differ from
    /// their defaults, e.g. `{"action": "pseudonymise", "kind": "nir"}` (its
    /// `Serialize` form; [`Action::from_value`] reads it back).
    pub fn to_entry(&self) -> serde_json::Value {
        parse::entry_value(self)
    }

    /// Reads one column's entry as a policy does (`"drop"` or an object with
    /// its `action`); errors name the entry's fields.
    pub fn from_value(value: &serde_json::Value) -> Result<Action, PolicyError> {
        parse::action_from_value("", value)
    }

    /// The action's name and, for `pseudonymise` and `generalise`, its kind or
    /// target, for `age_at` its date column: `pseudonymise (nir)`, `generalise
    /// (year)`, `age_at (date_entree)`, `drop`.
    pub fn summary(&self) -> String {
        match self {
            Action::Pseudonymise(p) => format!("pseudonymise ({})", p.kind.name()),
            Action::Generalise(g) => format!("generalise ({})", g.name()),
            Action::AgeAt(a) => format!("age_at ({})", a.at),
            other => other.name().to_string(),
        }
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_entry().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Action, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Action::from_value(&value).map_err(serde::de::Error::custom)
    }
}

impl Policy {
    /// A policy that keeps every column.
    pub fn keep_all() -> Policy {
        Policy {
            version: POLICY_VERSION,
            default: DefaultAction::Keep,
            description: None,
            columns: BTreeMap::new(),
            anonymise: None,
            output: PolicyOutput::default(),
        }
    }

    /// Reads and validates a policy from JSON text.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        parse::from_json(text)
    }

    /// Reads and validates a policy from a JSON value.
    pub fn from_value(value: &serde_json::Value) -> Result<Policy, PolicyError> {
        parse::from_value(value)
    }

    /// The policy as a JSON value (what [`Policy::from_value`] reads back).
    pub fn to_value(&self) -> serde_json::Value {
        parse::to_value(self)
    }

    /// The policy as pretty JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }

    /// The action for a column: the named one, or the default.
    pub fn action_for(&self, column: &str) -> (&Action, bool) {
        const KEEP: Action = Action::Keep;
        const DROP: Action = Action::Drop;
        match self.columns.get(column) {
            Some(action) => (action, false),
            None => (if self.default == DefaultAction::Drop { &DROP } else { &KEEP }, true),
        }
    }

    /// Whether applying the policy needs the key.
    pub fn needs_key(&self) -> bool {
        self.columns.values().any(Action::needs_key)
    }

    /// Replaces each `hierarchy_file` by the text `read` returns for its path,
    /// so that the core, which does no I/O, can apply the policy.
    pub fn resolve_files(&mut self, mut read: impl FnMut(&str) -> Result<String, String>) -> Result<(), PolicyError> {
        for (name, action) in &mut self.columns {
            if let Action::Generalise(Generalise::Hierarchy(h)) = action {
                if let Some(path) = h.hierarchy_file.take() {
                    let text = read(&path)
                        .map_err(|message| PolicyError::new(format!("columns.{name}.hierarchy_file"), message))?;
                    h.hierarchy = Some(text);
                }
            }
        }
        Ok(())
    }
}

impl Serialize for Policy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Policy, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Policy::from_value(&value).map_err(serde::de::Error::custom)
    }
}
