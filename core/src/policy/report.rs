//! What applying a policy did: counts per column, the key's fingerprint.
//! Never a cell value, never the key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The report of [`apply`](super::apply) (the same object natively and in wasm).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// The masque version that wrote the output.
    pub masque_version: String,
    /// The policy format version.
    pub policy_version: u32,
    /// Data rows read.
    pub rows_in: usize,
    /// Data rows written (the same: no action removes rows).
    pub rows_out: usize,
    /// Columns read.
    pub columns_in: usize,
    /// Columns written.
    pub columns_out: usize,
    /// The key's fingerprint, if a key was used: files with the same
    /// fingerprint share their pseudonyms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_fingerprint: Option<String>,
    /// Invalid cells over all columns.
    pub invalid_total: usize,
    /// One entry per input column, in file order.
    pub columns: Vec<ColumnReport>,
}

/// What happened to one column.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ColumnReport {
    /// The column's name.
    pub name: String,
    /// The action (`keep`, `drop`, `pseudonymise`, ...).
    pub action: String,
    /// The pseudonymised kind or the generalisation (`nir`, `year`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Whether the action came from the policy's `default`.
    pub by_default: bool,
    /// Distinct values in the input (the empty value counts as one).
    pub distinct_in: usize,
    /// Distinct values in the output (0 if dropped).
    pub distinct_out: usize,
    /// Empty (or blank) cells; they stay empty.
    pub empty: usize,
    /// Cells that were invalid for the action.
    pub invalid: usize,
    /// Invalid cells per reason (`nir_key`, `date`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub invalid_reasons: BTreeMap<String, usize>,
    /// The first invalid rows (1-based data rows, at most 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invalid_rows: Vec<usize>,
    /// What was done with invalid cells (`pseudonymise`, `redact`, `keep`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_invalid: Option<String>,
    /// Distinct normalised values that got a pseudonym another one already had
    /// (only possible with short pseudonyms).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub collisions: usize,
    /// For `date_shift`, the subject column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// For `age_at`, the column of the date the age is computed at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The output column's header when it differs from `name` (`age_at`'s `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed: Option<String>,
    /// For `scrub`, the columns whose row values were looked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// For `scrub`, how many of each were replaced (`nir`, `phone`, `surname`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub replaced: BTreeMap<String, u64>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// How many invalid rows a column report lists.
pub(super) const INVALID_ROWS_LISTED: usize = 20;
