//! Anonymisation of a weighted table: each row stands for `weight` identical
//! rows (what `GROUP BY quasi-identifiers, sensitive COUNT(*)` gives an engine
//! such as Spark, which then applies the answer to its own rows).
//!
//! [`anonymise_weighted`] runs the search on the distinct rows themselves,
//! each counting its weight: every copy of a row has the same
//! quasi-identifiers and sensitive values, so it is in the same class at
//! every node and is generalised, kept or suppressed alike. A class's size
//! is the sum of its rows' weights, its sensitive values' counts too; the
//! suppression limit is `floor(limit · Σ weights)`; the metrics count rows
//! per label with the weights (entropy's value frequencies too); the
//! utility and the risk reports ([`crate::privacy::analyse_weighted`]) are
//! weighted sums. The result is that of the rows themselves repeated: levels,
//! suppressed rows, classes, k, the metric and the risk figures are the same
//! bits (the same integers, in the same order: classes come in the order of
//! their first row either way); the NCP and utility losses add each row's
//! loss times its weight, which may differ from adding it `weight` times in
//! the last bits.
//!
//! Refused ([`SearchErrorKind::Config`] naming the field): local recoding
//! (`recoding`: its groups depend on the rows' order), cell suppression
//! (`local.suppression`) and microaggregation
//! (`quasi_identifiers.<name>.microaggregation`), which work on the rows.
//!
//! Memory and time: proportional to the distinct rows (the search's classes,
//! per-row codes of the weighted table and the output of its rows), not to
//! the rows they stand for.

use super::config::{AnonymiseConfig, LocalSuppression, Recoding};
use super::error::{SearchError, SearchErrorKind};
use super::output::{self, AnonymiseResult};
use super::problem::Problem;
use super::Monitor;
use crate::table::{Column, Dictionary, Table};

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
/// Errors: those of [`super::anonymise`]; `weights` not one per row, a
/// weight of 0 or weights adding up to more than `u32::MAX - 1` rows
/// ([`SearchErrorKind::Config`] on `weights`); local recoding, cell
/// suppression, microaggregation (see the module documentation).
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
    if config.local.as_ref().is_some_and(|l| l.suppression == LocalSuppression::Cells) {
        return Err(SearchError::config(
            "local.suppression",
            "cell suppression is not run on a weighted table: it chooses cells row by row",
        ));
    }
    if let Some((name, _)) = config.quasi_identifiers.iter().find(|(_, q)| q.microaggregation.is_some()) {
        return Err(SearchError::config(
            &format!("quasi_identifiers.{name}.microaggregation"),
            "microaggregation is not run on a weighted table: its groups are made of rows",
        ));
    }
    if weights.len() != table.rows || weights.contains(&0) {
        return Err(SearchError::config("weights", "one whole number of at least 1 per row"));
    }
    if table.rows == 0 {
        return Err(SearchError::new(SearchErrorKind::EmptyTable));
    }
    let total = weights.iter().try_fold(0u64, |sum, &w| sum.checked_add(w));
    if total.is_none_or(|t| t > crate::privacy::classes::MAX_ROWS as u64) {
        return Err(SearchError::config("weights", "the weights add up to more rows than 32-bit class sizes count"));
    }
    // As `anonymise`: sensitive columns without criterion are measured (l = 1).
    let measured = config.measured();
    let config = measured.as_ref();
    let (reduced, _) = super::microaggregation::split(config)?;
    let problem = Problem::weighted(table, &reduced, weights)?;
    let (found, choice, mut engine) = super::run(&problem, &reduced, monitor)?;
    let solution = engine.solution(&found.levels)?;
    drop(engine);
    // (No cell suppression: the rows suppressed are the search's.)
    let suppressed = solution.row_suppressed.clone();
    let done = output::finish(table, config, &problem, &found.levels, solution, &choice)?;

    // The output row of each row (suppressed rows removed: the kept rows, in order).
    let removed = done.table.rows < table.rows;
    let mut first: Vec<Option<usize>> = Vec::with_capacity(table.rows);
    if removed {
        let mut next = 0;
        for &s in &suppressed {
            first.push((!s).then(|| {
                next += 1;
                next - 1
            }));
        }
    } else {
        first.extend((0..table.rows).map(Some));
    }
    let columns = done.table.columns.iter().map(|c| per_row(c, &first)).collect();
    let too_many = || SearchError::config("weights", "the output does not fit in a table");
    let table = Table::new(columns).ok_or_else(too_many)?;
    Ok(WeightedAnonymised { table, kept: first.iter().map(Option::is_some).collect(), result: done.result })
}

/// The column of one output row per row of the weighted table (`first[i]`:
/// the output row of row `i`, `None`: an empty cell), its values numbered in
/// order of first use as [`Column::from_values`] numbers them; each value
/// is interned once, not once a row.
fn per_row(column: &Column, first: &[Option<usize>]) -> Column {
    let mut dict = Dictionary::default();
    let mut new_of_old = vec![u32::MAX; column.dict.len()];
    let mut empty = None;
    let codes = first
        .iter()
        .map(|row| match *row {
            Some(r) => {
                let old = column.codes[r];
                let slot = &mut new_of_old[old as usize];
                if *slot == u32::MAX {
                    *slot = dict.intern(column.dict.get(old));
                }
                *slot
            }
            None => *empty.get_or_insert_with(|| dict.intern("")),
        })
        .collect();
    Column { name: column.name.clone(), codes, dict }
}
