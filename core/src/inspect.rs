//! A first look at a file: its dialect, row count and columns.

use serde::{Deserialize, Serialize};

use crate::suggest::{suggest_columns, Suggestion};
use crate::table::{read_table, Dialect, ReadError, ReadOptions, ReadTable, SetAside, Warning};

/// What `inspect` tells about a file (the same object natively and in wasm).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    /// How the file is written.
    pub dialect: Dialect,
    /// The number of data rows.
    pub rows: usize,
    /// One entry per column, in file order.
    pub columns: Vec<ColumnSummary>,
    /// Header repairs.
    pub warnings: Vec<Warning>,
    /// The malformed rows set aside (read with `malformed_rows: "set_aside"`):
    /// their count and lines; left out when there are none.
    #[serde(default, skip_serializing_if = "SetAside::is_empty")]
    pub set_aside: SetAside,
}

/// Counts for one column. Never any value: an inspection can be logged.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    /// The column name (after header repair).
    pub name: String,
    /// How many distinct values (the empty string counts as one).
    pub distinct: usize,
    /// How many rows are empty in this column.
    pub empty: usize,
    /// The suggested role and policy action, from the header and the values
    /// and the other columns ([`crate::suggest::suggest_columns`]); its reason
    /// never quotes a value.
    #[serde(default)]
    pub suggestion: Suggestion,
}

/// Summarises a table already read.
pub fn summarise(read: &ReadTable) -> Inspection {
    let mut suggestions = suggest_columns(&read.table.columns).into_iter();
    Inspection {
        dialect: read.dialect.clone(),
        rows: read.table.rows,
        columns: read
            .table
            .columns
            .iter()
            .map(|c| ColumnSummary {
                name: c.name.clone(),
                distinct: c.dict.len(),
                empty: c.empty_count(),
                suggestion: suggestions.next().unwrap_or_default(),
            })
            .collect(),
        warnings: read.warnings.clone(),
        set_aside: read.set_aside.clone(),
    }
}

/// Reads `bytes` and summarises them.
pub fn inspect(bytes: &[u8], options: &ReadOptions) -> Result<Inspection, ReadError> {
    Ok(summarise(&read_table(bytes, options)?))
}
