//! Information loss measured on an output's cells: NCP (normalised certainty
//! penalty), for any recoding.
//!
//! # Definition
//! For a quasi-identifier whose hierarchy has `H` rows (leaves), a cell
//! written as the label of a hierarchy node with `m` leaves under it loses
//! `(m − 1) / (H − 1)`: an unchanged value 0, the top of the hierarchy 1. A
//! suppressed cell (`*` where `*` is not the value's ancestor, a blank, or a
//! removed row) loses 1. A one-row hierarchy loses 0. A column's NCP is the
//! mean over its cells, the table's the mean over all quasi-identifier cells
//! (every column has one cell per row, so the mean of the columns').
//!
//! Leaves are counted over the whole hierarchy, not only the values in the
//! data, so that a global output's column NCP is exactly ARX's per-column
//! Loss (`L_d` in [`super::metric`]: `(Σ share − n/H) / (n − n/H)` with
//! `share = m / H` is the mean of `(m − 1) / (H − 1)`), and the table's NCP
//! the arithmetic mean of those (ARX's Loss is their geometric mean).
//!
//! ```
//! use masque_core::hierarchy::{arx, ColumnHierarchy};
//! use masque_core::search::utility::ncp;
//! use masque_core::table::{Column, Table};
//!
//! let input = Table::new(vec![Column::from_values("age", ["31", "36", "52"])]).unwrap();
//! let output = Table::new(vec![Column::from_values("age", ["31", "30-39", "*"])]).unwrap();
//! let h = arx::parse(b"31;30-39;*\n36;30-39;*\n52;50-59;*\n58;50-59;*\n").unwrap();
//! let hierarchy = ColumnHierarchy::new(input.column("age").unwrap(), &h).unwrap();
//! let loss = ncp(&input, &output, &[hierarchy]).unwrap();
//! // 0, (2 - 1) / 3, 1
//! assert!((loss.value - (0.0 + 1.0 / 3.0 + 1.0) / 3.0).abs() < 1e-12);
//! ```

use serde::{Deserialize, Serialize};

use super::error::{SearchError, SearchErrorKind};
use crate::hierarchy::ColumnHierarchy;
use crate::privacy::OrderedMap;
use crate::table::Table;

/// The NCP of a table and of each quasi-identifier (0 = nothing lost, 1 =
/// every cell suppressed or at the top of its hierarchy).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ncp {
    /// The mean over every quasi-identifier cell.
    pub value: f64,
    /// Per quasi-identifier, in order, the mean over its cells.
    pub columns: OrderedMap<f64>,
}

/// The loss of one cell written as `label` of `level`.
pub(crate) fn cell_loss(h: &ColumnHierarchy, level: usize, label: u32) -> f64 {
    let rows = h.hierarchy_rows();
    if rows <= 1 {
        return 0.0;
    }
    let leaves = h.label_rows(level).get(label as usize).copied().unwrap_or(1).max(1);
    f64::from(leaves - 1) / (rows - 1) as f64
}

/// Builds the result from each column's total loss over `rows` cells.
pub(crate) fn from_sums(names: impl Iterator<Item = String>, sums: &[f64], rows: usize) -> Ncp {
    let columns: Vec<(String, f64)> =
        names.zip(sums).map(|(name, &sum)| (name, if rows == 0 { 0.0 } else { sum / rows as f64 })).collect();
    let value =
        if columns.is_empty() { 0.0 } else { columns.iter().map(|(_, v)| v).sum::<f64>() / columns.len() as f64 };
    Ncp { value, columns: OrderedMap(columns) }
}

/// The NCP of `output` against `input`, for the quasi-identifiers of
/// `hierarchies` (each bound to its column of `input` by
/// [`ColumnHierarchy::new`]).
///
/// Each output cell must be its input value or the label of one of its
/// ancestors (the lowest level with that label counts), or `*` or blank
/// (loss 1). The two tables must have the same rows, in the same order.
///
/// Errors: a column missing from either table, different row counts, a cell
/// that is none of these (column and row named, never the value).
pub fn ncp(input: &Table, output: &Table, hierarchies: &[ColumnHierarchy]) -> Result<Ncp, SearchError> {
    if input.rows != output.rows {
        return Err(SearchError::new(SearchErrorKind::RowCount { input: input.rows, output: output.rows }));
    }
    let mut sums = Vec::with_capacity(hierarchies.len());
    for h in hierarchies {
        let name = h.column();
        let unknown = || SearchError::new(SearchErrorKind::UnknownColumn { name: name.to_string() });
        let before = input.column(name).ok_or_else(unknown)?;
        let after = output.column(name).ok_or_else(unknown)?;
        // Per level, each output value's label code there, if it is one.
        let at_level: Vec<Vec<Option<u32>>> = (0..h.height())
            .map(|level| after.dict.iter().map(|value| h.labels(level).code_of(value)).collect())
            .collect();
        let suppressed: Vec<bool> = after.dict.iter().map(|v| v == "*" || v.is_empty()).collect();
        let mut sum = 0.0;
        for (row, (&b, &a)) in before.codes.iter().zip(&after.codes).enumerate() {
            let not_generalisation =
                || SearchError::new(SearchErrorKind::NotGeneralisation { column: name.to_string(), row: row + 1 });
            let mut loss = None;
            for (level, labels) in at_level.iter().enumerate() {
                let mine = h.map(level).get(b as usize).copied();
                if let (Some(Some(label)), Some(mine)) = (labels.get(a as usize), mine) {
                    if *label == mine {
                        loss = Some(cell_loss(h, level, mine));
                        break;
                    }
                }
            }
            sum += match loss {
                Some(x) => x,
                None if suppressed.get(a as usize) == Some(&true) => 1.0,
                None => return Err(not_generalisation()),
            };
        }
        sums.push(sum);
    }
    Ok(from_sums(hierarchies.iter().map(|h| h.column().to_string()), &sums, input.rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hierarchy::arx;
    use crate::search::config::MetricKind;
    use crate::search::metric::Metric;
    use crate::table::Column;

    #[test]
    fn global_ncp_is_the_mean_of_arx_per_column_loss() {
        // 4 hierarchy rows, level 1 {1,2,3} | {4}; data 1, 1, 2, 4 (one value absent).
        let column = Column::from_values("a", ["1", "1", "2", "4"]);
        let h = ColumnHierarchy::new(&column, &arx::parse(b"1;a;*\n2;a;*\n3;a;*\n4;b;*\n").unwrap()).unwrap();
        let metric = Metric::new(MetricKind::Loss, 4, &[(&h, &column.codes)]);
        let input = Table::new(vec![column.clone()]).unwrap();
        for level in 0..3 {
            let out: Vec<&str> = column.codes.iter().map(|&c| h.labels(level).get(h.map(level)[c as usize])).collect();
            let output = Table::new(vec![Column::from_values("a", out)]).unwrap();
            let loss = ncp(&input, &output, std::slice::from_ref(&h)).unwrap();
            assert!((loss.value - metric.node_bound(&[level as u32])).abs() < 1e-12, "level {level}");
        }
    }

    #[test]
    fn errors_name_the_row_never_the_value() {
        let column = Column::from_values("a", ["1", "2"]);
        let h = ColumnHierarchy::new(&column, &arx::parse(b"1;a;*\n2;b;*\n").unwrap()).unwrap();
        let input = Table::new(vec![column]).unwrap();
        let output = Table::new(vec![Column::from_values("a", ["a", "secret"])]).unwrap();
        let err = ncp(&input, &output, std::slice::from_ref(&h)).unwrap_err();
        assert_eq!(err.code(), "not_generalisation");
        assert!(!err.to_string().contains("secret"), "{err}");
        assert!(err.to_string().contains("row 2"), "{err}");
        // `b` is not row 1's ancestor, a blank is a suppressed cell.
        let output = Table::new(vec![Column::from_values("a", ["b", ""])]).unwrap();
        assert!(ncp(&input, &output, std::slice::from_ref(&h)).is_err());
        let output = Table::new(vec![Column::from_values("a", ["a", ""])]).unwrap();
        assert_eq!(ncp(&input, &output, std::slice::from_ref(&h)).unwrap().value, 0.5);
        let short = Table::new(vec![Column::from_values("a", ["a"])]).unwrap();
        assert_eq!(ncp(&input, &short, std::slice::from_ref(&h)).unwrap_err().code(), "row_count");
    }
}
