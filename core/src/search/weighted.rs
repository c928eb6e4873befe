//! Anonymisation of a weighted table: each row stands for `weight` identical
//! rows (what `GROUP BY quasi-identifiers, sensitive COUNT(*)` gives an engine
//! such as Spark, which then applies the answer to its own rows).
//!
//! [`anonymise_weighted`] runs [`super::anonymise`] on the table with each row
//! repeated `weight` times, held as dictionary codes (four bytes a cell, each
//! value stored once), and tells for each distinct row what its copies became:
//! every copy of a row has the same quasi-identifiers and sensitive values, so
//! it is in the same class at every node and is generalised, kept, masked or
//! removed alike. The result is that of the rows themselves: levels,
//! suppressed rows, classes, k, the metric and the risk figures do not depend
//! on the rows' order; the NCP and utility means are sums over rows, which
//! may differ from a file's order in the last bits.
//!
//! Local recoding is refused ([`SearchErrorKind::Config`] on `recoding`): its
//! groups depend on the rows' order.
//!
//! Memory: `4 · rows · columns` bytes for the repeated codes, plus the search's
//! own. A search over the weighted classes themselves would need only the
//! distinct rows; this entry point keeps the search as it is.

use super::config::{AnonymiseConfig, Recoding};
use super::error::{SearchError, SearchErrorKind};
use super::output::{AnonymiseResult, Anonymised};
use super::Monitor;
use crate::table::{Column, Dictionary, Table};

/// The name of the column that numbers the distinct rows while the search runs.
const ROW_NUMBER: &str = "\u{1}masque_row";

/// What [`anonymise_weighted`] gives.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedAnonymised {
    /// One row per row of the weighted table, in its order: what its copies
    /// became (every column; a removed row's cells are empty).
    pub table: Table,
    /// Per row of the weighted table, whether its copies are in the output
    /// (false when suppressed rows are removed and these were).
    pub kept: Vec<bool>,
    /// What was done, as for the rows themselves.
    pub result: AnonymiseResult,
}

/// Anonymises `table`, whose row `i` stands for `weights[i]` identical rows,
/// as [`super::anonymise`] anonymises those rows.
///
/// Errors: those of [`super::anonymise`]; `weights` not one per row or a
/// weight of 0 ([`SearchErrorKind::Config`] on `weights`); local recoding.
pub fn anonymise_weighted(
    table: &Table,
    weights: &[u64],
    config: &AnonymiseConfig,
    monitor: &mut dyn Monitor,
) -> Result<WeightedAnonymised, SearchError> {
    if config.recoding == Recoding::Local {
        return Err(SearchError::config(
            "recoding",
            "local recoding is not run on a weighted table: its groups depend on the order of the rows",
        ));
    }
    if weights.len() != table.rows || weights.contains(&0) {
        return Err(SearchError::config("weights", "one whole number of at least 1 per row"));
    }
    if table.rows == 0 {
        return Err(SearchError::new(SearchErrorKind::EmptyTable));
    }
    let too_many = || SearchError::config("weights", "the weights add up to more rows than fit in memory");
    let rows = weights
        .iter()
        .try_fold(0usize, |sum, &w| usize::try_from(w).ok().and_then(|w| sum.checked_add(w)))
        .ok_or_else(too_many)?;
    let mut columns: Vec<Column> = Vec::with_capacity(table.columns.len() + 1);
    for c in &table.columns {
        let mut codes = Vec::new();
        codes.try_reserve_exact(rows).map_err(|_| too_many())?;
        for (&code, &w) in c.codes.iter().zip(weights) {
            codes.extend(std::iter::repeat_n(code, w as usize));
        }
        columns.push(Column { name: c.name.clone(), codes, dict: c.dict.clone() });
    }
    // Each copy carries its row's number through the anonymisation (a column
    // the configuration does not name is copied unchanged).
    let mut numbers = Dictionary::default();
    let mut codes = Vec::new();
    codes.try_reserve_exact(rows).map_err(|_| too_many())?;
    for (i, &w) in weights.iter().enumerate() {
        let code = numbers.intern(&i.to_string());
        codes.extend(std::iter::repeat_n(code, w as usize));
    }
    columns.push(Column { name: ROW_NUMBER.to_string(), codes, dict: numbers });
    // invariant: every column has `rows` codes.
    let expanded = Table::new(columns).ok_or_else(too_many)?;
    let done = Anonymised::from_owned(expanded, config, monitor)?;

    let out = &done.table;
    let number_column = out.column(ROW_NUMBER).ok_or_else(too_many)?;
    // The output row of each distinct row's first copy (the copies are alike).
    let mut first: Vec<Option<usize>> = vec![None; table.rows];
    let number_of_code: Vec<Option<usize>> = number_column.dict.iter().map(|n| n.parse().ok()).collect();
    for (row, &code) in number_column.codes.iter().enumerate() {
        if let Some(slot) = number_of_code.get(code as usize).copied().flatten().and_then(|i| first.get_mut(i)) {
            slot.get_or_insert(row);
        }
    }
    let columns = out
        .columns
        .iter()
        .filter(|c| c.name != ROW_NUMBER)
        .map(|c| Column::from_values(&c.name, first.iter().map(|row| row.map_or("", |r| c.get(r)))))
        .collect();
    let table = Table::new(columns).ok_or_else(too_many)?;
    Ok(WeightedAnonymised { table, kept: first.iter().map(Option::is_some).collect(), result: done.result })
}
