//! The analysis of a weighted table: each row stands for `weight` identical rows.
//!
//! An engine that cannot bring every row into one process (Spark, a database)
//! aggregates the table to its distinct combinations of quasi-identifiers and
//! sensitive values with a count each (`GROUP BY qi..., sensitive... COUNT(*)`).
//! [`analyse_weighted`] computes from that aggregate every figure
//! [`super::analyse`] computes from the rows: the report is the same as that of
//! the table with each row repeated `weight` times, field for field and bit for
//! bit (`tests/weighted.rs` checks it on random tables).
//!
//! Why the same bits: every figure is a function of the class sizes, of the
//! per-class counts of each sensitive value, and of the reference counts of
//! t-closeness, and each of these is an integer sum that weights give exactly;
//! the floating-point work then runs on the same integers in the same order
//! (values by value number, which depends only on which values are present).
//!
//! Limits: a class of more than `u32::MAX - 1` rows is
//! [`PrivacyErrorKind::TooManyRows`], as for a table. Positions in errors
//! (a sensitive value that is not a number, missing from an order) are rows of
//! the weighted table, 1-based.

use hashbrown::HashMap;

use super::classes::{Classes, QiCodes, MAX_ROWS, SUPPRESSED};
use super::error::{PrivacyError, PrivacyErrorKind, Role};
use super::report::{AnalysisOptions, ClassSizes, OrderedMap, RiskReport};
use super::risk::SizeCount;
use super::sensitive::{ClassDistributions, SensitiveValues};
use super::{bad, class_risks, population_size, resolve, sensitive_report, thresholds, Params};
use crate::table::{Column, Table};

/// Analyses `table`, whose row `i` stands for `weights[i]` identical rows, as
/// [`super::analyse`] analyses the table with each row repeated.
///
/// Errors: those of [`super::analyse`]; `weights` not one per row
/// ([`PrivacyErrorKind::LengthMismatch`]); a weight of 0 (`weights` must be
/// at least 1); a class or the whole of more rows than 32-bit class sizes
/// count ([`PrivacyErrorKind::TooManyRows`]).
///
/// ```
/// use masque_core::privacy::{analyse, analyse_weighted, AnalysisOptions};
/// use masque_core::table::{Column, Table};
///
/// let rows = Table::new(vec![Column::from_values("age", ["30", "30", "41"])]).unwrap();
/// let weighted = Table::new(vec![Column::from_values("age", ["30", "41"])]).unwrap();
/// let options = AnalysisOptions { qi: vec!["age".into()], ..Default::default() };
/// assert_eq!(analyse_weighted(&weighted, &[2, 1], &options).unwrap(), analyse(&rows, &options, None).unwrap());
/// ```
pub fn analyse_weighted(table: &Table, weights: &[u64], options: &AnalysisOptions) -> Result<RiskReport, PrivacyError> {
    analyse_weighted_given(table, weights, options, None)
}

/// [`analyse_weighted`] with the rows `suppressed` marks (one flag per row
/// of the weighted table) left out of the classes, as [`super::analyse`]'s
/// `suppressed`.
pub(crate) fn analyse_weighted_given(
    table: &Table,
    weights: &[u64],
    options: &AnalysisOptions,
    suppressed: Option<&[bool]>,
) -> Result<RiskReport, PrivacyError> {
    let qi = resolve(table, options.qi.iter().map(String::as_str), Role::QuasiIdentifier)?;
    if qi.is_empty() {
        return Err(PrivacyError::new(PrivacyErrorKind::NoQuasiIdentifier));
    }
    let sensitive = resolve(table, options.sensitive.iter().map(|s| s.name.as_str()), Role::Sensitive)?;
    let thresholds = thresholds(&options.thresholds)?;
    let params = Params::check(options)?;
    if weights.len() != table.rows {
        return Err(PrivacyError::new(PrivacyErrorKind::LengthMismatch {
            what: "the weights",
            expected: table.rows,
            found: weights.len(),
        }));
    }
    if weights.contains(&0) {
        return Err(bad("weights", "whole numbers of at least 1 (one per row)"));
    }
    let rows = weights.iter().try_fold(0u64, |sum, &w| sum.checked_add(w));
    let rows = match rows.map(usize::try_from) {
        Some(Ok(rows)) => rows,
        _ => return Err(PrivacyError::new(PrivacyErrorKind::TooManyRows { rows: usize::MAX })),
    };
    if rows == 0 {
        return Err(PrivacyError::new(PrivacyErrorKind::EmptyTable));
    }
    let population = population_size(options, rows)?;

    let mask = super::suppression_mask(table, &qi, options.suppressed_marker.as_deref(), suppressed)?;
    let codes: Vec<QiCodes<'_>> = qi.iter().map(|c| QiCodes::column(c)).collect();
    let grouped = Classes::group(&codes, mask.as_deref())?;
    let row_classes = grouped.row_classes();
    let too_many = || PrivacyError::new(PrivacyErrorKind::TooManyRows { rows });
    let mut wide: Vec<u64> = vec![0; grouped.count()];
    let mut suppressed = 0usize;
    for (&class, &w) in row_classes.iter().zip(weights) {
        if class == SUPPRESSED {
            suppressed += w as usize;
        } else {
            wide[class as usize] += w;
        }
    }
    let sizes: Vec<u32> = wide
        .iter()
        .map(|&s| u32::try_from(s).ok().filter(|&s| s as usize <= MAX_ROWS).ok_or_else(too_many))
        .collect::<Result<_, _>>()?;
    if sizes.is_empty() {
        return Err(PrivacyError::new(PrivacyErrorKind::AllSuppressed { rows }));
    }
    let analysed = rows - suppressed;
    let histogram = histogram(&sizes);
    // invariant: there is at least one class (checked above).
    let k = sizes.iter().copied().min().unwrap_or(1) as usize;
    let (prosecutor, population) = class_risks(&histogram, sizes.len(), k, analysed, &thresholds, population);

    let mut reports = Vec::with_capacity(sensitive.len());
    for (column, spec) in sensitive.iter().zip(&options.sensitive) {
        // Which values there are, their numbering and the distance depend only
        // on which values are present, as every weight is at least 1.
        let present = SensitiveValues::for_column(column, spec.distance, spec.order.as_deref())?;
        let values = weighted_values(column, weights, &present)?;
        let distributions = distributions(row_classes, &sizes, &column.codes, weights, &values)?;
        reports.push((column.name.clone(), sensitive_report(&values, &distributions, &params)));
    }

    Ok(RiskReport {
        rows,
        suppressed,
        quasi_identifiers: qi.iter().map(|c| c.name.clone()).collect(),
        classes: sizes.len(),
        k,
        sample_uniques: sizes.iter().filter(|&&s| s == 1).count(),
        class_sizes: histogram
            .iter()
            .map(|s| ClassSizes { size: s.size as usize, classes: s.classes, records: s.size as usize * s.classes })
            .collect(),
        prosecutor,
        sensitive: OrderedMap(reports),
        population,
    })
}

/// The values of a sensitive column whose row `i` stands for `weights[i]`
/// rows: `present` (the column's values, unweighted) with each value
/// counted with the weights (the reference distribution of t-closeness).
/// Which values there are, their numbering and the distance depend only on
/// which values are present, as every weight is at least 1.
pub(crate) fn weighted_values(
    column: &Column,
    weights: &[u64],
    present: &SensitiveValues,
) -> Result<SensitiveValues, PrivacyError> {
    let mut code_counts = vec![0u64; column.dict.len()];
    let mut key_of_code = vec![0u32; column.dict.len()];
    for (row, (&code, &w)) in column.codes.iter().zip(weights).enumerate() {
        let slot = code_counts
            .get_mut(code as usize)
            .ok_or(PrivacyError::new(PrivacyErrorKind::CodeOutOfRange { slice: None, row: row + 1 }))?;
        *slot += w;
    }
    for (code, key) in key_of_code.iter_mut().enumerate() {
        *key = present.value_of(code as u32).unwrap_or(0);
    }
    Ok(SensitiveValues::build(code_counts, &key_of_code, present.distance()))
}

/// The class-size histogram of `sizes`, by increasing size ([`risk::size_histogram`]'s).
fn histogram(sizes: &[u32]) -> Vec<SizeCount> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for &size in sizes {
        *counts.entry(size).or_insert(0) += 1;
    }
    let mut histogram: Vec<SizeCount> = counts.into_iter().map(|(size, classes)| SizeCount { size, classes }).collect();
    histogram.sort_unstable_by_key(|s| s.size);
    histogram
}

/// Per class, the weighted counts of each sensitive value, values increasing.
fn distributions(
    row_classes: &[u32],
    sizes: &[u32],
    codes: &[u32],
    weights: &[u64],
    values: &SensitiveValues,
) -> Result<ClassDistributions, PrivacyError> {
    // The weighted rows of each class, by a counting sort on the class.
    let mut start = vec![0usize; sizes.len() + 1];
    for &class in row_classes.iter().filter(|&&c| c != SUPPRESSED) {
        start[class as usize + 1] += 1;
    }
    for c in 0..sizes.len() {
        start[c + 1] += start[c];
    }
    let mut cursor = start.clone();
    let mut members: Vec<(u32, u64)> = vec![(0, 0); start[sizes.len()]];
    for (row, ((&class, &code), &w)) in row_classes.iter().zip(codes).zip(weights).enumerate() {
        if class == SUPPRESSED {
            continue;
        }
        let value = values
            .value_of(code)
            .ok_or(PrivacyError::new(PrivacyErrorKind::CodeOutOfRange { slice: None, row: row + 1 }))?;
        let at = &mut cursor[class as usize];
        members[*at] = (value, w);
        *at += 1;
    }
    let mut class_start = Vec::with_capacity(sizes.len() + 1);
    let (mut out_values, mut out_counts) = (Vec::new(), Vec::new());
    class_start.push(0);
    for c in 0..sizes.len() {
        let slice = &mut members[start[c]..start[c + 1]];
        slice.sort_unstable_by_key(|&(v, _)| v);
        let mut i = 0;
        while i < slice.len() {
            let value = slice[i].0;
            let mut n = 0u64;
            while i < slice.len() && slice[i].0 == value {
                n += slice[i].1;
                i += 1;
            }
            out_values.push(value);
            // invariant: n <= sizes[c], which fits in u32.
            out_counts.push(u32::try_from(n).unwrap_or(u32::MAX));
        }
        class_start.push(out_values.len());
    }
    Ok(ClassDistributions::from_parts(class_start, out_values, out_counts, sizes.to_vec()))
}
