//! What an output keeps of its input, measured on the output's cells against
//! the input, by the same code whatever made the output (global or local
//! recoding, record or cell suppression): NCP (normalised certainty
//! penalty) and the [`Utility`] of every anonymisation result.
//!
//! # Cells
//! Each quasi-identifier cell of the output is read against its input value:
//! it is the value itself (level 0), or the label of one of its ancestors in
//! the column's hierarchy (the lowest level of the value's chain carrying
//! that label), or **lost**: `*` or a blank that is not on the chain, or a
//! row left out of the output. Anything else is an error naming the column
//! and row. A cell is **suppressed** when it is lost, or written `*` or
//! blank while its input was neither (so the one-value top `*` of a
//! hierarchy counts as suppressed: the reader cannot tell the two apart).
//!
//! # NCP
//! For a quasi-identifier whose hierarchy has `H` rows (leaves), a cell
//! written as the label of a hierarchy node with `m` leaves under it loses
//! `(m − 1) / (H − 1)`: an unchanged value 0, the top of the hierarchy 1. A
//! lost cell loses 1. A one-row hierarchy loses 0. A column's NCP is the
//! mean over its cells, the table's the mean over all quasi-identifier cells
//! (every column has one cell per row, so the mean of the columns').
//!
//! Leaves are counted over the whole hierarchy, not only the values in the
//! data, so that a global output's column NCP is exactly ARX's per-column
//! Loss (`L_d` in [`super::metric`]: `(Σ share − n/H) / (n − n/H)` with
//! `share = m / H` is the mean of `(m − 1) / (H − 1)`), and the table's NCP
//! the arithmetic mean of those (ARX's Loss is their geometric mean).
//!
//! # Utility
//! Per quasi-identifier `d` (over the `n` input rows) and overall:
//! - **loss**: ARX's Loss, `L_d` = the column's NCP (ARX's
//!   `QualityModelColumnOrientedLoss` before normalisation to "higher is
//!   better"); overall, the aggregate of the search's Loss metric,
//!   `(Π_d (1 + L_d)^(w_d / Σw)) − 1` (with equal weights ARX's geometric
//!   mean). For a global output it is the search's Loss metric of the node.
//! - **granularity**: ARX's normalised granularity, `1 − L_d`; overall their
//!   mean, `1 − NCP`.
//! - **entropy**: ARX's non-uniform entropy for local recoding
//!   (`QualityModelColumnOrientedNonUniformEntropy`, Prasser, Bild & Kuhn,
//!   MIE 2016), in bits: with the levels in use `λ_0 < λ_1 < …` (a lost cell
//!   at a level above the top, where every value is one label) and `R_i` the
//!   rows whose cell is at `λ_i` or above, the sum over `i` of
//!   `Σ_{r ∈ R_i} log2(c_i(g_{λ_i}(r)) / c_i(g_{λ_{i−1}}(r)))`, `c_i`
//!   counting within `R_i` and `g_{λ_{−1}}` the value itself. For a global
//!   output without suppression it is the search's entropy metric,
//!   `Σ_r log2(c(g(r)) / c(v(r)))`. `entropy_share` divides it by its value
//!   when every cell is lost, `Σ_v c(v) log2(n / c(v))` (ARX's maximum).
//! - **records_retained**: input rows in the output with at least one
//!   quasi-identifier cell not suppressed (a row whose every
//!   quasi-identifier is `*` is what ARX writes for a suppressed record);
//!   **cells_suppressed** out of **cells** (`n` × quasi-identifiers).
//! - **tvd**: the total variation distance `½ Σ_v |p(v) − q(v)|` between
//!   the input's distribution of values `p(v) = c(v) / n` and the
//!   distribution a reader estimates from the output: each output cell
//!   spreads its row evenly over the input's distinct values under its
//!   label (an exact cell over its one value, a lost cell over all of
//!   them), and `q` is the total over the output's rows divided by their
//!   number (rows left out of the output do not count). 0 when every cell is
//!   exact, 1 when the output has no row; it measures how far the column's
//!   marginal as a researcher would tabulate it lies from the truth.
//!   Overall, the mean over quasi-identifiers.
//!
//! Sums run in row or code order, logarithms and powers are libm's: the same
//! input gives the same figures, to the bit, natively and in wasm.
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
use crate::table::{Column, Table};

/// What a suppressed cell is written as.
const SUPPRESSED: &str = "*";

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
    let measure = measure(input, output, hierarchies, None)?;
    Ok(from_sums(hierarchies.iter().map(|h| h.column().to_string()), &measure.sums, input.rows))
}

/// The [`Utility`] of `output` against `input` (see the module
/// documentation), for the quasi-identifiers of `hierarchies` (each bound to
/// its column of `input`), weighted by `weights` in the overall Loss (one per
/// hierarchy, or none for equal weights).
///
/// `removed` marks the input rows left out of the output (none: the output
/// has the input's rows, in order); the other rows keep their order.
///
/// Errors: a column missing from either table, row counts that do not
/// match, a cell that is neither its input value, one of its ancestors, `*`
/// nor a blank (column and row named, never the value).
pub fn utility(
    input: &Table,
    output: &Table,
    hierarchies: &[ColumnHierarchy],
    weights: &[f64],
    removed: Option<&[bool]>,
) -> Result<Utility, SearchError> {
    Ok(measure(input, output, hierarchies, removed)?.finish(weights))
}

/// Measures every quasi-identifier of `hierarchies` (as [`utility`]).
fn measure(
    input: &Table,
    output: &Table,
    hierarchies: &[ColumnHierarchy],
    removed: Option<&[bool]>,
) -> Result<Measure, SearchError> {
    let kept = removed.map_or(input.rows, |r| r.iter().filter(|&&x| !x).count());
    if removed.is_some_and(|r| r.len() != input.rows) || output.rows != kept {
        return Err(SearchError::new(SearchErrorKind::RowCount { input: kept, output: output.rows }));
    }
    let mut measure = Measure::new(hierarchies.len(), input.rows, removed, None);
    for (d, h) in hierarchies.iter().enumerate() {
        let name = h.column();
        let unknown = || SearchError::new(SearchErrorKind::UnknownColumn { name: name.to_string() });
        let before = input.column(name).ok_or_else(unknown)?;
        let after = output.column(name).ok_or_else(unknown)?;
        measure.column(d, h, &before.codes, after, removed)?;
    }
    Ok(measure)
}

/// What was kept of the data, measured on an output against its input, the
/// same way whatever made the output (see the module documentation).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Utility {
    /// ARX's Loss: the geometric mean of the columns' `loss`, `(Π (1 +
    /// L_d)^(w_d / Σw)) − 1` (0 nothing lost, 1 everything).
    pub loss: f64,
    /// ARX's normalised granularity: the mean of the columns'
    /// `granularity`, `1 − NCP` (1 every value kept exact, 0 nothing kept).
    pub granularity: f64,
    /// ARX's non-uniform entropy, summed over the columns, in bits.
    pub entropy: f64,
    /// The entropy over its largest value (every cell lost), from 0 to 1.
    pub entropy_share: f64,
    /// Rows of the input.
    pub records: usize,
    /// Input rows in the output with at least one quasi-identifier cell
    /// not suppressed.
    pub records_retained: usize,
    /// Quasi-identifier cells of the input (rows × quasi-identifiers).
    pub cells: usize,
    /// Quasi-identifier cells suppressed: written `*` or blank (the input
    /// being neither), or in a row left out of the output.
    pub cells_suppressed: usize,
    /// The mean of the columns' total variation distance.
    pub tvd: f64,
    /// Per quasi-identifier, in order.
    pub columns: OrderedMap<ColumnUtility>,
}

/// One quasi-identifier's share of [`Utility`].
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnUtility {
    /// ARX's per-column Loss, the mean cell loss `(m − 1) / (H − 1)` (the
    /// column's NCP).
    pub loss: f64,
    /// `1 − loss`: ARX's normalised granularity of the column.
    pub granularity: f64,
    /// ARX's non-uniform entropy of the column, in bits.
    pub entropy: f64,
    /// `entropy` over its largest value, `Σ_v c(v) log2(n / c(v))`.
    pub entropy_share: f64,
    /// Cells suppressed.
    pub cells_suppressed: usize,
    /// The total variation distance between the input's distribution of
    /// values and the one a reader estimates from the output (see the
    /// module documentation), from 0 to 1.
    pub tvd: f64,
    /// The column's weight in the overall Loss, over the largest weight (as
    /// ARX normalises them; 1 for every column when unweighted).
    pub weight: f64,
}

/// The utility of an output, measured one quasi-identifier at a time (so
/// that an input rewritten in place can be measured column by column, each
/// while both its input and output codes exist).
pub(crate) struct Measure {
    rows: usize,
    /// Input rows in the output.
    kept: usize,
    /// Per input row: some quasi-identifier cell of the row is not suppressed.
    retained: Vec<bool>,
    /// Per quasi-identifier, once measured.
    columns: Vec<Option<(String, ColumnUtility)>>,
    /// Per quasi-identifier, the total cell loss.
    sums: Vec<f64>,
    /// Per quasi-identifier, the largest entropy.
    entropy_max: Vec<f64>,
    /// The input rows left out of the output, if any.
    removed: Option<Vec<bool>>,
    /// Per input row, the rows it stands for (a weighted table); `None`: one each.
    weights: Option<Vec<u64>>,
}

impl Measure {
    /// Starts measuring the `dims` quasi-identifiers of an output of `rows`
    /// rows, `removed` marking the input rows left out of it; with
    /// `weights`, input row `i` stands for `weights[i]` rows (`rows` is
    /// their sum).
    pub(crate) fn new(dims: usize, rows: usize, removed: Option<&[bool]>, weights: Option<&[u64]>) -> Measure {
        let weight = |row: usize| weights.map_or(1, |w| w[row] as usize);
        Measure {
            rows,
            kept: removed.map_or(rows, |r| r.iter().enumerate().filter(|(_, &x)| !x).map(|(row, _)| weight(row)).sum()),
            retained: vec![false; weights.map_or(rows, <[u64]>::len)],
            columns: vec![None; dims],
            sums: vec![0.0; dims],
            entropy_max: vec![0.0; dims],
            removed: removed.map(<[bool]>::to_vec),
            weights: weights.map(<[u64]>::to_vec),
        }
    }

    /// Measures quasi-identifier `d`: `input` its input codes (for which `h`
    /// was built), `output` its output column, `removed` as given to [`Measure::new`].
    pub(crate) fn column(
        &mut self,
        d: usize,
        h: &ColumnHierarchy,
        input: &[u32],
        output: &Column,
        removed: Option<&[bool]>,
    ) -> Result<(), SearchError> {
        let cells = classify(h, input, output, removed)?;
        let height = h.height();
        let lost = height as u32;
        let mut sum = 0.0;
        let mut suppressed = 0usize;
        let mut loss: Vec<Vec<f64>> = vec![Vec::new(); height];
        let weights = self.weights.as_deref();
        for (row, (&b, &(level, s))) in input.iter().zip(&cells).enumerate() {
            // A weighted row counts its weight (its loss times the weight: the
            // sum may differ from the repeated rows' in the last bits).
            let w = weights.map_or(1, |w| w[row]);
            if s {
                suppressed += w as usize;
            } else {
                self.retained[row] = true;
            }
            let cell = if level == lost {
                1.0
            } else {
                let l = level as usize;
                if loss[l].is_empty() {
                    loss[l] = (0..h.domain(l) as u32).map(|x| cell_loss(h, l, x)).collect();
                }
                loss[l][h.map(l)[b as usize] as usize]
            };
            // (times 1.0 without weights: the same bits)
            sum += w as f64 * cell;
        }
        let n = self.rows;
        let column_loss = if n == 0 { 0.0 } else { sum / n as f64 };
        let (entropy, entropy_max) = entropy(h, input, &cells, weights);
        let tvd = tvd(h, input, &cells, removed, weights);
        let (Some(slot), Some(total), Some(max)) =
            (self.columns.get_mut(d), self.sums.get_mut(d), self.entropy_max.get_mut(d))
        else {
            return Ok(());
        };
        *total = sum;
        *max = entropy_max;
        *slot = Some((
            h.column().to_string(),
            ColumnUtility {
                loss: column_loss,
                granularity: 1.0 - column_loss,
                entropy,
                entropy_share: if entropy_max > 0.0 { entropy / entropy_max } else { 0.0 },
                cells_suppressed: suppressed,
                tvd,
                weight: 1.0,
            },
        ));
        Ok(())
    }

    /// Measures a microaggregated quasi-identifier (see
    /// [`super::microaggregation`]): per input row its input code, whose
    /// number is `values[code]`, and its group (`u32::MAX` lost,
    /// [`super::microaggregation::BLANK`] a blank kept).
    pub(crate) fn grouped_column(&mut self, name: &str, codes: &[u32], values: &[Option<f64>], group: &[u32]) {
        use super::microaggregation::BLANK;
        let groups = group.iter().filter(|&&g| g < BLANK).map(|&g| g as usize + 1).max().unwrap_or(0);
        let numbers = values.iter().flatten();
        let (lo, hi) = numbers.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        let range = if hi > lo { hi - lo } else { 0.0 };
        let mut bounds = vec![(f64::INFINITY, f64::NEG_INFINITY); groups];
        for (&c, &g) in codes.iter().zip(group) {
            if let (Some(x), Some(b)) = (values.get(c as usize).copied().flatten(), bounds.get_mut(g as usize)) {
                *b = (b.0.min(x), b.1.max(x));
            }
        }
        let cell_loss = |g: u32| match g {
            u32::MAX => 1.0,
            BLANK => 0.0,
            g => match bounds.get(g as usize) {
                Some(&(a, b)) if range > 0.0 && b > a => (b - a) / range,
                _ => 0.0,
            },
        };
        let mut sum = 0.0;
        let mut suppressed = 0;
        for (row, &g) in group.iter().enumerate() {
            sum += cell_loss(g);
            if g == u32::MAX {
                suppressed += 1;
            } else if let Some(r) = self.retained.get_mut(row) {
                *r = true;
            }
        }
        let n = codes.len();
        let domain = values.len();
        let mut counts = vec![0u64; domain];
        for &c in codes {
            counts[c as usize] += 1;
        }
        // Entropy: each group (and the lost cells together) as one label.
        let mut in_group: Vec<(u32, u32)> =
            codes.iter().zip(group).filter(|(_, &g)| g != BLANK).map(|(&c, &g)| (g, c)).collect();
        in_group.sort_unstable();
        let mut entropy = 0.0;
        let mut start = 0;
        while start < in_group.len() {
            let mut end = start;
            let mut size = 0u64;
            let mut within = Vec::new();
            while end < in_group.len() && in_group[end].0 == in_group[start].0 {
                let mut run = end;
                while run < in_group.len() && in_group[run] == in_group[end] {
                    run += 1;
                }
                within.push((run - end) as u64);
                size += (run - end) as u64;
                end = run;
            }
            entropy += c_log_c(&[size]) - c_log_c(&within);
            start = end;
        }
        let entropy_max = if n > 0 { n as f64 * libm::log2(n as f64) - c_log_c(&counts) } else { 0.0 };
        // TVD: each kept row spread over the distinct values of its group.
        let present = counts.iter().filter(|&&c| c > 0).count().max(1);
        let mut distinct = vec![0u64; groups];
        let mut seen: Vec<(u32, u32)> = in_group.iter().filter(|(g, _)| *g != u32::MAX).copied().collect();
        seen.dedup();
        for (g, _) in &seen {
            distinct[*g as usize] += 1;
        }
        let mut mass = vec![0u64; groups];
        let (mut everywhere, mut exact, mut kept) = (0u64, vec![0u64; domain], 0u64);
        for (row, (&c, &g)) in codes.iter().zip(group).enumerate() {
            if self.removed_row(row) {
                continue;
            }
            kept += 1;
            match g {
                u32::MAX => everywhere += 1,
                BLANK => exact[c as usize] += 1,
                g => mass[g as usize] += 1,
            }
        }
        let mut estimate: Vec<f64> = exact.iter().map(|&x| x as f64).collect();
        for (g, c) in &seen {
            estimate[*c as usize] += mass[*g as usize] as f64 / distinct[*g as usize] as f64;
        }
        let tvd = if kept == 0 || n == 0 {
            1.0
        } else {
            let spread = everywhere as f64 / present as f64;
            counts
                .iter()
                .zip(&estimate)
                .filter(|(&c, _)| c > 0)
                .map(|(&c, &e)| (c as f64 / n as f64 - (e + spread) / kept as f64).abs())
                .sum::<f64>()
                / 2.0
        };
        let loss = if n == 0 { 0.0 } else { sum / n as f64 };
        self.columns.push(Some((
            name.to_string(),
            ColumnUtility {
                loss,
                granularity: 1.0 - loss,
                entropy: entropy.max(0.0),
                entropy_share: if entropy_max > 0.0 { entropy.max(0.0) / entropy_max } else { 0.0 },
                cells_suppressed: suppressed,
                tvd,
                weight: 1.0,
            },
        )));
        self.sums.push(sum);
        self.entropy_max.push(entropy_max);
    }

    /// Whether input `row` is left out of the output.
    fn removed_row(&self, row: usize) -> bool {
        self.removed.as_ref().is_some_and(|r| r.get(row) == Some(&true))
    }

    /// The NCP of the columns measured, in order.
    pub(crate) fn ncp(&self) -> Ncp {
        let names = self.columns.iter().flatten().map(|(name, _)| name.clone());
        let sums: Vec<f64> =
            self.columns.iter().zip(&self.sums).filter(|(c, _)| c.is_some()).map(|(_, &s)| s).collect();
        from_sums(names, &sums, self.rows)
    }

    /// The measures, the columns' Loss weighted by `weights` (one per
    /// column, or none for equal weights).
    pub(crate) fn finish(self, weights: &[f64]) -> Utility {
        let mut columns: Vec<(String, ColumnUtility)> = self.columns.into_iter().flatten().collect();
        for (i, (_, c)) in columns.iter_mut().enumerate() {
            c.weight = weights.get(i).copied().unwrap_or(1.0);
        }
        let count = columns.len();
        let mean = |f: fn(&ColumnUtility) -> f64| {
            if count == 0 {
                0.0
            } else {
                columns.iter().map(|(_, c)| f(c)).sum::<f64>() / count as f64
            }
        };
        let granularity = if count == 0 { 1.0 } else { mean(|c| c.granularity) };
        let tvd = mean(|c| c.tvd);
        let losses: Vec<f64> = columns.iter().map(|(_, c)| c.loss).collect();
        let column_weights: Vec<f64> = columns.iter().map(|(_, c)| c.weight).collect();
        let loss = super::metric::weighted_geometric(&losses, &column_weights);
        let entropy: f64 = columns.iter().map(|(_, c)| c.entropy).sum();
        let entropy_max: f64 = self.entropy_max.iter().sum();
        Utility {
            loss,
            granularity,
            entropy,
            entropy_share: if entropy_max > 0.0 { entropy / entropy_max } else { 0.0 },
            records: self.rows,
            records_retained: if count == 0 {
                self.kept
            } else {
                match &self.weights {
                    Some(w) => self.retained.iter().zip(w).filter(|(&x, _)| x).map(|(_, &w)| w as usize).sum(),
                    None => self.retained.iter().filter(|&&x| x).count(),
                }
            },
            cells: self.rows * count,
            cells_suppressed: columns.iter().map(|(_, c)| c.cells_suppressed).sum(),
            tvd,
            columns: OrderedMap(columns),
        }
    }
}

/// Per input row of one quasi-identifier: the level of its output cell (the
/// lowest level of its chain whose label the cell is; the height of the
/// hierarchy for a cell lost off the chain: `*`, a blank, a removed row) and
/// whether the cell is suppressed.
fn classify(
    h: &ColumnHierarchy,
    input: &[u32],
    output: &Column,
    removed: Option<&[bool]>,
) -> Result<Vec<(u32, bool)>, SearchError> {
    let height = h.height();
    // Per level, each output value's label code there, if it is one.
    let at_level: Vec<Vec<Option<u32>>> =
        (0..height).map(|level| output.dict.iter().map(|value| h.labels(level).code_of(value)).collect()).collect();
    let blank: Vec<bool> = output.dict.iter().map(|v| v == SUPPRESSED || v.is_empty()).collect();
    let mut cells = Vec::with_capacity(input.len());
    let mut out = output.codes.iter();
    for (row, &b) in input.iter().enumerate() {
        if removed.is_some_and(|r| r.get(row) == Some(&true)) {
            cells.push((height as u32, true));
            continue;
        }
        let not_generalisation =
            || SearchError::new(SearchErrorKind::NotGeneralisation { column: h.column().to_string(), row: row + 1 });
        let a = *out.next().ok_or_else(not_generalisation)? as usize;
        let mut level = None;
        for (l, labels) in at_level.iter().enumerate() {
            if let (Some(Some(label)), Some(&mine)) = (labels.get(a), h.map(l).get(b as usize)) {
                if *label == mine {
                    level = Some(l as u32);
                    break;
                }
            }
        }
        let blank = blank.get(a) == Some(&true);
        cells.push(match level {
            // `*` or a blank that is not the input value itself.
            Some(l) => (l, blank && l > 0),
            None if blank => (height as u32, true),
            None => return Err(not_generalisation()),
        });
    }
    Ok(cells)
}

/// `Σ c log2 c` over the non-zero counts.
fn c_log_c(counts: &[u64]) -> f64 {
    counts.iter().filter(|&&c| c > 0).map(|&c| c as f64 * libm::log2(c as f64)).sum()
}

/// ARX's non-uniform entropy of one column for local recoding, and its
/// largest value (see the module documentation).
/// Row `i` counts `weights[i]` when weights are given.
fn entropy(h: &ColumnHierarchy, input: &[u32], cells: &[(u32, bool)], weights: Option<&[u64]>) -> (f64, f64) {
    let weight = |row: usize| weights.map_or(1, |w| w[row]);
    let height = h.height();
    let lost = height as u32;
    let label = |level: u32, b: u32| if level == lost { 0 } else { h.map(level as usize)[b as usize] };
    let domain = |level: u32| if level == lost { 1 } else { h.domain(level as usize) };
    let mut in_use = vec![false; height + 1];
    for &(l, _) in cells {
        in_use[l as usize] = true;
    }
    let levels: Vec<u32> = (0..=lost).filter(|&l| in_use[l as usize]).collect();
    let values = h.map(0).len();
    let mut total = 0.0;
    for (i, &current) in levels.iter().enumerate() {
        let previous = if i == 0 { None } else { Some(levels[i - 1]) };
        let mut before = vec![0u64; previous.map_or(values, domain)];
        let mut after = vec![0u64; domain(current)];
        for (row, (&b, &(l, _))) in input.iter().zip(cells).enumerate() {
            if l >= current {
                let w = weight(row);
                before[previous.map_or(b, |p| label(p, b)) as usize] += w;
                after[label(current, b) as usize] += w;
            }
        }
        total += c_log_c(&after) - c_log_c(&before);
    }
    let mut counts = vec![0u64; values];
    for (row, &b) in input.iter().enumerate() {
        counts[b as usize] += weight(row);
    }
    let n = counts.iter().sum::<u64>() as f64;
    let max = if n > 0.0 { n * libm::log2(n) - c_log_c(&counts) } else { 0.0 };
    (total.max(0.0), max)
}

/// The total variation distance of one column (see the module documentation).
/// Row `i` counts `weights[i]` when weights are given.
fn tvd(
    h: &ColumnHierarchy,
    input: &[u32],
    cells: &[(u32, bool)],
    removed: Option<&[bool]>,
    weights: Option<&[u64]>,
) -> f64 {
    let weight = |row: usize| weights.map_or(1, |w| w[row]);
    let height = h.height();
    let values = h.map(0).len();
    let mut counts = vec![0u64; values];
    for (row, &b) in input.iter().enumerate() {
        counts[b as usize] += weight(row);
    }
    let present = counts.iter().filter(|&&c| c > 0).count();
    // Per level, per label: the output cells there, and the input's values under it.
    let mut mass: Vec<Vec<u64>> = (0..height).map(|l| vec![0u64; h.domain(l)]).collect();
    let mut spread: Vec<Vec<u64>> = (0..height).map(|l| vec![0u64; h.domain(l)]).collect();
    let mut everywhere = 0u64;
    let mut kept = 0u64;
    for (row, (&b, &(l, _))) in input.iter().zip(cells).enumerate() {
        if removed.is_some_and(|r| r.get(row) == Some(&true)) {
            continue;
        }
        let w = weight(row);
        kept += w;
        if l as usize == height {
            everywhere += w;
        } else {
            mass[l as usize][h.map(l as usize)[b as usize] as usize] += w;
        }
    }
    if kept == 0 || input.is_empty() {
        return 1.0;
    }
    for (v, &c) in counts.iter().enumerate() {
        if c > 0 {
            for (l, s) in spread.iter_mut().enumerate() {
                s[h.map(l)[v] as usize] += 1;
            }
        }
    }
    let (n, m) = (counts.iter().sum::<u64>() as f64, kept as f64);
    let mut distance = 0.0;
    for (v, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let mut estimate = everywhere as f64 / present as f64;
        for l in 0..height {
            let g = h.map(l)[v] as usize;
            if mass[l][g] > 0 {
                estimate += mass[l][g] as f64 / spread[l][g] as f64;
            }
        }
        distance += (c as f64 / n - estimate / m).abs();
    }
    distance / 2.0
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
