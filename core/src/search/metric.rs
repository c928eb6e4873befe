//! Utility metrics: how much a generalisation (and its suppression) costs.
//! Lower is better for every metric.
//!
//! Notation: `n` rows; a node sets a level `l_d` for each quasi-identifier
//! `d` (of `D`); rows fall into equivalence classes `E`; classes that fail the
//! privacy criteria are suppressed, `s` rows in all.
//!
//! # Loss (ARX's default, `MetricMDNMLoss`; the one masque matches exactly)
//! ARX's *domain share* of a label at level `l` is the number of hierarchy
//! rows carrying that label at `l` divided by the number of hierarchy rows
//! `|H_d|` (all rows of the hierarchy, not only the values present in the
//! data: `DomainShareMaterialized`). For one quasi-identifier,
//!
//! `raw_d = Σ_{kept rows} share(label of the row at l_d) + Σ_{suppressed rows} 1`
//!
//! (a suppressed row loses its whole value: ARX's `sFactor` is 1 with the
//! default generalisation / suppression factor 0.5), normalised as ARX does:
//! `L_d = max(0, (raw_d − n/|H_d|) / (n − n/|H_d|))` (`n/|H_d|` is the raw
//! loss of the ungeneralised data; a one-row hierarchy gives `L_d = 0`). The
//! quasi-identifiers are combined with ARX's default aggregate, the geometric
//! mean shifted by one (`ILMultiDimensionalGeometricMean`):
//! `Loss = (Π_d (1 + L_d))^(1/D) − 1` when every quasi-identifier has the
//! same weight (the default).
//!
//! # Attribute weights (`"weight"` on a quasi-identifier)
//! A quasi-identifier's weight `w_d ≥ 0` (default 1) says how much its loss
//! counts. As in ARX (`AbstractMetricMultiDimensional`), the weights are
//! divided by the largest, and all-equal or all-zero weights mean none. They
//! apply to the per-quasi-identifier metrics:
//! - Loss: `(Π_d (1 + L_d)^(w_d / Σw)) − 1`, a weighted geometric mean.
//!   ARX multiplies instead, `Π_d ((1 + L_d) · w_d)^(1/D) − 1`, which is
//!   `(Π w_d)^(1/D)` times the unweighted product: every node is scaled
//!   by the same factor, so ARX's weights never change the optimum of its
//!   geometric Loss (and a weight of 0 makes every node tie). Exponents do
//!   what the weights mean: a weight of 0 makes its column free, and a
//!   larger weight makes its column's loss count more.
//! - Precision: `Σ_d w_d P_d / Σ_d w_d`; Entropy: `Σ_d w_d E_d` (ARX's
//!   arithmetic mean and sum with weights).
//! - Discernibility and AECS count classes, not columns: weights do not
//!   apply to them.
//!
//! Every aggregate is non-decreasing in each `L_d` (the weights are not
//! negative), so the lower bounds below stay bounds with weights: a bound
//! never above each `L_d`, combined, is never above the metric.
//!
//! # Precision (`MetricMDNMPrecision`)
//! `P_d = ((n − s) · l_d / h_d + s) / n`, `h_d` the top level of the
//! hierarchy (`P_d = 0` if it has one level); the arithmetic mean over `d`.
//!
//! # Discernibility (`MetricSDNMDiscernability`)
//! `DM = Σ_{kept classes} |E|² + n · s`: a row costs the size of its class,
//! a suppressed row costs the whole table.
//!
//! # Non-uniform entropy (ARX's `MetricMDNUNMEntropyPrecomputed`)
//! ARX's `Metric.createEntropyMetric()` and `createPrecomputedEntropyMetric`
//! build the *non-monotonic* non-uniform entropy (`MetricMDNUNMEntropy`, and
//! its precomputed variant when `#distinct / #rows <= threshold` for every
//! quasi-identifier; both compute the same figure, with the default
//! generalisation / suppression factor 0.5: `gFactor = sFactor = 1`). For one
//! quasi-identifier `d` it is the sum of two parts:
//!
//! - generalisation, over **every** row, suppressed or not: a row whose value
//!   `v` is generalised to label `g` loses `log2(c_d(g) / c_d(v))`, `c_d`
//!   counting rows of the whole table: `G_d = Σ_v c_d(v) log2(c_d(g(v)) / c_d(v))`;
//! - suppression: the `s` suppressed rows, of which `s_g` carry label `g` at
//!   the node's level, lose the entropy of those labels among them:
//!   `S_d = Σ_g s_g log2(s / s_g)` (0 when nothing is suppressed).
//!
//! `E_d = G_d + S_d`, in bits, summed over the quasi-identifiers. A
//! suppressed row thus costs its generalisation *and* the information its
//! label still carried among the suppressed rows (at most `log2 s` each).
//! Unlike Loss it is not monotone: a more general node may suppress fewer,
//! or more alike, rows and cost less.

//! # Average equivalence class size (`MetricSDAECS`)
//! `AECS = n / (kept classes + 1 if s > 0)`: suppressed rows form one class.
//!
//! # Lower bounds (what makes the optimal search exact)
//! For pruning, each metric has two lower bounds, both never above the
//! metric of the node *and of every more general node*:
//! - the **node bound**, computed from the levels alone: Loss, Precision and
//!   Entropy without suppression (every row kept); Discernibility
//!   `n² / min(n, Π_d m_d)` and AECS `n / min(n, Π_d m_d)`, `m_d` the
//!   number of labels in use at `l_d` (a node has at most that many classes,
//!   and `Σ|E|² ≥ n²/classes`);
//! - the **class bound**, once the classes are known: the same as the node
//!   bound for Loss, Precision and Entropy; `Σ_{all classes} |E|²` and
//!   `n / all classes` for Discernibility and AECS.
//!
//! They are bounds because suppression only adds cost: a suppressed row costs
//! `1 ≥ share` (Loss), `1 ≥ l/h` (Precision), `n ≥ |E|` (Discernibility),
//! and merging suppressed classes into one never increases the class count
//! (AECS). For Entropy the node bound is `Σ_d w_d G_d`, and the metric is
//! `Σ_d w_d (G_d + S_d)` with `S_d = Σ_g s_g log2(s / s_g) ≥ 0` (each
//! `s_g ≤ s`, so each term is `≥ 0`) and `w_d ≥ 0`: the bound is never above
//! the metric, whatever is suppressed. They grow along the lattice because a
//! coarser level has larger shares, larger label counts (so each `G_d`
//! term `c(v) log2(c(g)/c(v))` grows: a coarser label's rows include the
//! finer label's), fewer labels, and classes that are unions of finer
//! classes (`Σ|E|²` grows, the class count shrinks). So the node bound of a
//! node is never above the metric of any node above it, although the
//! Entropy itself is not monotone (its `S_d` can shrink up the lattice).

use super::config::MetricKind;
use crate::hierarchy::ColumnHierarchy;

/// How the per-quasi-identifier values are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    /// `(Π (1 + x))^(1/D) − 1` (ARX's geometric mean).
    Geometric,
    /// `Σ x / D`.
    Arithmetic,
    /// `Σ x`.
    Sum,
}

/// One quasi-identifier's tables for the per-quasi-identifier metrics.
#[derive(Debug, Clone)]
struct DimTables {
    /// Per level: the raw cost when every row is kept.
    generalised: Vec<f64>,
    /// Per level, per label: the extra raw cost of one suppressed row carrying it.
    suppressed: Vec<Vec<f64>>,
    /// `(min, max)`: the value is `max(0, (raw − min) / (max − min))`, or 0 when `max <= min`.
    normalise: (f64, f64),
    /// Per level: labels in use (for the class-count bounds).
    in_use: Vec<u64>,
}

/// A metric prepared for one table and its hierarchies.
#[derive(Debug, Clone)]
pub(crate) struct Metric {
    kind: MetricKind,
    rows: f64,
    dims: Vec<DimTables>,
    aggregate: Aggregate,
    /// The quasi-identifiers' weights over the largest (see the module
    /// documentation); `None` when they are all equal, the unweighted metric.
    weights: Option<Vec<f64>>,
}

impl Metric {
    /// Prepares `kind` for `rows` rows and these hierarchies (with the rows'
    /// dictionary codes of each quasi-identifier, for the entropy).
    pub(crate) fn new(kind: MetricKind, rows: usize, hierarchies: &[(&ColumnHierarchy, &[u32])]) -> Metric {
        Metric::weighted(kind, rows, hierarchies, None)
    }

    /// As [`Metric::new`], row `i` standing for `weights[i]` rows when
    /// weights are given (`rows` their sum; the hierarchies' rows per label
    /// counted with the weights).
    pub(crate) fn weighted(
        kind: MetricKind,
        rows: usize,
        hierarchies: &[(&ColumnHierarchy, &[u32])],
        weights: Option<&[u64]>,
    ) -> Metric {
        let n = rows as f64;
        let dims = hierarchies
            .iter()
            .map(|&(h, codes)| {
                let height = h.height();
                let in_use = (0..height).map(|l| h.labels_in_use(l) as u64).collect();
                match kind {
                    MetricKind::Loss => {
                        let domain = h.hierarchy_rows().max(1) as f64;
                        let mut generalised = Vec::with_capacity(height);
                        let mut suppressed = Vec::with_capacity(height);
                        for l in 0..height {
                            let shares: Vec<f64> = h.label_rows(l).iter().map(|&r| f64::from(r) / domain).collect();
                            let raw: f64 = h.label_counts(l).iter().zip(&shares).map(|(&c, &s)| c as f64 * s).sum();
                            generalised.push(raw);
                            suppressed.push(shares.iter().map(|s| 1.0 - s).collect());
                        }
                        DimTables { generalised, suppressed, normalise: (n / domain, n), in_use }
                    }
                    MetricKind::Precision => {
                        let top = (height - 1) as f64;
                        let mut generalised = Vec::with_capacity(height);
                        let mut suppressed = Vec::with_capacity(height);
                        for l in 0..height {
                            let ratio = if top == 0.0 { 0.0 } else { l as f64 / top };
                            generalised.push(n * ratio);
                            suppressed.push(vec![1.0 - ratio; h.domain(l)]);
                        }
                        DimTables { generalised, suppressed, normalise: (0.0, n), in_use }
                    }
                    MetricKind::Entropy => {
                        // Rows per dictionary code (the original values).
                        let mut value_rows = vec![0u64; h.map(0).len()];
                        for (i, &c) in codes.iter().enumerate() {
                            if let Some(x) = value_rows.get_mut(c as usize) {
                                *x += weights.map_or(1, |w| w[i]);
                            }
                        }
                        let mut generalised = Vec::with_capacity(height);
                        for l in 0..height {
                            let counts = h.label_counts(l);
                            let map = h.map(l);
                            let raw: f64 = value_rows
                                .iter()
                                .zip(map)
                                .filter(|(&c, _)| c > 0)
                                .map(|(&c, &g)| c as f64 * libm::log2(counts[g as usize] as f64 / c as f64))
                                .sum();
                            generalised.push(raw);
                        }
                        // Suppression is charged from the suppressed rows'
                        // labels, in `value` (see `suppressed_entropy`).
                        DimTables { generalised, suppressed: Vec::new(), normalise: (0.0, 1.0), in_use }
                    }
                    MetricKind::Discernibility | MetricKind::Aecs => DimTables {
                        generalised: vec![0.0; height],
                        suppressed: Vec::new(),
                        normalise: (0.0, 1.0),
                        in_use,
                    },
                }
            })
            .collect();
        let aggregate = match kind {
            MetricKind::Loss => Aggregate::Geometric,
            MetricKind::Precision => Aggregate::Arithmetic,
            _ => Aggregate::Sum,
        };
        Metric { kind, rows: n, dims, aggregate, weights: None }
    }

    /// Weighs the quasi-identifiers (one weight each, in order; a missing
    /// weight is 1). Equal weights, or all 0, leave the metric unweighted.
    pub(crate) fn with_weights(mut self, weights: impl IntoIterator<Item = Option<f64>>) -> Metric {
        let weights: Vec<f64> = weights.into_iter().map(|w| w.unwrap_or(1.0)).take(self.dims.len()).collect();
        self.weights = normalised_weights(&weights);
        self
    }

    /// Loss with ARX's generalisation / suppression factor `gs` in `[0, 1]`
    /// (`MetricMDNMLoss(gsFactor)`; 0.5, the default, is the metric above):
    /// a kept row costs `gFactor · share`, a suppressed row
    /// `share + sFactor · (1 − share)`, with `sFactor = min(1, 2 gs)` and
    /// `gFactor = min(1, 2 − 2 gs)`; the raw loss of the ungeneralised data
    /// becomes `gFactor · n / |H_d|`. Below 0.5 suppression costs less than
    /// generalisation would, above it more. Other metrics are unchanged.
    /// The bound (generalisation alone) stays a bound: suppressing a row
    /// never costs less than keeping it (`share + sFactor (1 − share) ≥ gFactor · share`).
    pub(crate) fn with_gs_factor(mut self, gs: f64) -> Metric {
        if self.kind != MetricKind::Loss {
            return self;
        }
        let gs = gs.clamp(0.0, 1.0);
        let s_factor = if gs < 0.5 { 2.0 * gs } else { 1.0 };
        let g_factor = if gs <= 0.5 { 1.0 } else { 1.0 - 2.0 * (gs - 0.5) };
        for table in &mut self.dims {
            for raw in &mut table.generalised {
                *raw *= g_factor;
            }
            // The table holds `1 − share` (the extra cost of a suppressed row at factor 0.5).
            for level in &mut table.suppressed {
                for extra in level.iter_mut() {
                    let share = 1.0 - *extra;
                    *extra = share + s_factor * (1.0 - share) - g_factor * share;
                }
            }
            table.normalise.0 *= g_factor;
        }
        self
    }

    /// The weight of quasi-identifier `d` over the largest weight (1 when unweighted).
    pub(crate) fn weight(&self, d: usize) -> f64 {
        self.weights.as_ref().and_then(|w| w.get(d).copied()).unwrap_or(1.0)
    }

    /// The metric.
    pub(crate) fn kind(&self) -> MetricKind {
        self.kind
    }

    /// Whether the node bound is the metric of an anonymous node with no
    /// suppression, so that such a node needs no grouping to be scored.
    pub(crate) fn bound_is_exact_without_suppression(&self) -> bool {
        matches!(self.kind, MetricKind::Loss | MetricKind::Precision | MetricKind::Entropy)
    }

    fn normalised(&self, d: usize, raw: f64) -> f64 {
        let (min, max) = self.dims[d].normalise;
        if self.kind == MetricKind::Entropy {
            return raw;
        }
        if max <= min {
            return 0.0;
        }
        let x = (raw - min) / (max - min);
        if x >= 0.0 {
            x
        } else {
            0.0
        }
    }

    fn combine(&self, values: impl ExactSizeIterator<Item = f64>) -> f64 {
        if let Some(weights) = &self.weights {
            let values: Vec<f64> = values.collect();
            return match self.aggregate {
                Aggregate::Geometric => weighted_geometric(&values, weights),
                Aggregate::Arithmetic => {
                    let total: f64 = weights.iter().sum();
                    values.iter().zip(weights).map(|(x, w)| x * w).sum::<f64>() / total
                }
                Aggregate::Sum => values.iter().zip(weights).map(|(x, w)| x * w).sum(),
            };
        }
        let count = values.len().max(1) as f64;
        match self.aggregate {
            Aggregate::Geometric => {
                let mut product = 1.0;
                for x in values {
                    product *= libm::pow(x + 1.0, 1.0 / count);
                }
                product - 1.0
            }
            Aggregate::Arithmetic => values.map(|x| x / count).sum(),
            Aggregate::Sum => values.sum(),
        }
    }

    /// The product of the labels in use at `levels`, capped at the row count.
    fn class_cap(&self, levels: &[u32]) -> f64 {
        let mut product = 1.0f64;
        for (d, &l) in levels.iter().enumerate() {
            product *= self.dims[d].in_use[l as usize].max(1) as f64;
            if product >= self.rows {
                return self.rows.max(1.0);
            }
        }
        product.max(1.0)
    }

    /// The node bound (see the module documentation).
    pub(crate) fn node_bound(&self, levels: &[u32]) -> f64 {
        match self.kind {
            MetricKind::Discernibility => self.rows * self.rows / self.class_cap(levels),
            MetricKind::Aecs => self.rows / self.class_cap(levels),
            _ => self.combine(
                levels.iter().enumerate().map(|(d, &l)| self.normalised(d, self.dims[d].generalised[l as usize])),
            ),
        }
    }

    /// The class bound, from the size of every class (suppressed or not).
    pub(crate) fn class_bound(&self, levels: &[u32], sizes: &[u32]) -> f64 {
        match self.kind {
            MetricKind::Discernibility => sizes.iter().map(|&s| u128::from(s) * u128::from(s)).sum::<u128>() as f64,
            MetricKind::Aecs => self.rows / (sizes.len().max(1) as f64),
            _ => self.node_bound(levels),
        }
    }

    /// The metric of a node whose classes have `sizes`, the suppressed ones
    /// flagged in `suppressed`, with `labels(class, d)` the label code of a
    /// class for quasi-identifier `d` at the node's level.
    pub(crate) fn value(
        &self,
        levels: &[u32],
        sizes: &[u32],
        suppressed: &[bool],
        labels: impl Fn(usize, usize) -> u32,
    ) -> f64 {
        match self.kind {
            MetricKind::Discernibility => {
                let n = self.rows as u128;
                let mut total = 0u128;
                for (&size, &s) in sizes.iter().zip(suppressed) {
                    let size = u128::from(size);
                    total += if s { n * size } else { size * size };
                }
                total as f64
            }
            MetricKind::Aecs => {
                let kept = suppressed.iter().filter(|&&s| !s).count();
                let any = suppressed.iter().any(|&s| s);
                self.rows / ((kept + usize::from(any)).max(1) as f64)
            }
            MetricKind::Entropy => {
                let mut scratch = Vec::new();
                let values: Vec<f64> = levels
                    .iter()
                    .enumerate()
                    .map(|(d, &l)| {
                        let generalised = self.dims[d].generalised[l as usize];
                        generalised + suppressed_entropy(sizes, suppressed, |class| labels(class, d), &mut scratch)
                    })
                    .collect();
                self.combine(values.into_iter())
            }
            _ => {
                let values: Vec<f64> = levels
                    .iter()
                    .enumerate()
                    .map(|(d, &l)| {
                        let table = &self.dims[d];
                        let extra_of = &table.suppressed[l as usize];
                        let mut extra = 0.0;
                        for (class, (&size, &s)) in sizes.iter().zip(suppressed).enumerate() {
                            if s {
                                let label = labels(class, d) as usize;
                                extra += f64::from(size) * extra_of.get(label).copied().unwrap_or(0.0);
                            }
                        }
                        self.normalised(d, table.generalised[l as usize] + extra)
                    })
                    .collect();
                self.combine(values.into_iter())
            }
        }
    }
}

/// ARX's entropy of the suppressed rows' labels for one quasi-identifier,
/// `Σ_g s_g log2(s / s_g)` (`s` suppressed rows, `s_g` of them labelled `g`;
/// 0 when nothing is suppressed), with `label(class)` a class's label;
/// `scratch` is reused between calls.
fn suppressed_entropy(
    sizes: &[u32],
    suppressed: &[bool],
    label: impl Fn(usize) -> u32,
    scratch: &mut Vec<(u32, u64)>,
) -> f64 {
    scratch.clear();
    for (class, (&size, &s)) in sizes.iter().zip(suppressed).enumerate() {
        if s && size > 0 {
            scratch.push((label(class), u64::from(size)));
        }
    }
    if scratch.is_empty() {
        return 0.0;
    }
    scratch.sort_unstable_by_key(|&(g, _)| g);
    let total: u64 = scratch.iter().map(|&(_, c)| c).sum();
    let total = total as f64;
    let mut sum = 0.0;
    let mut i = 0;
    while i < scratch.len() {
        let g = scratch[i].0;
        let mut count = 0u64;
        while i < scratch.len() && scratch[i].0 == g {
            count += scratch[i].1;
            i += 1;
        }
        let count = count as f64;
        sum += count * libm::log2(total / count);
    }
    sum
}

/// The weights over the largest, or `None` when they are all equal (or all
/// 0, as ARX treats them), negative or not finite (refused by the
/// configuration's check).
fn normalised_weights(weights: &[f64]) -> Option<Vec<f64>> {
    let largest = weights.iter().copied().fold(0.0f64, f64::max);
    if !(largest > 0.0 && largest.is_finite()) || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
        return None;
    }
    if weights.iter().all(|&w| w == largest) {
        return None;
    }
    Some(weights.iter().map(|w| w / largest).collect())
}

/// The weighted geometric mean of ARX's Loss: `(Π_d (1 + x_d)^(w_d / Σw)) − 1`;
/// equal weights (or none, or all 0) give ARX's `(Π_d (1 + x_d))^(1/D) − 1`,
/// to the bit.
pub(crate) fn weighted_geometric(values: &[f64], weights: &[f64]) -> f64 {
    let count = values.len().max(1) as f64;
    let mut product = 1.0;
    match normalised_weights(weights).filter(|w| w.len() == values.len()) {
        None => {
            for x in values {
                product *= libm::pow(x + 1.0, 1.0 / count);
            }
        }
        Some(weights) => {
            let total: f64 = weights.iter().sum();
            for (x, w) in values.iter().zip(&weights) {
                product *= libm::pow(x + 1.0, w / total);
            }
        }
    }
    product - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hierarchy::arx;
    use crate::table::Column;

    fn hierarchy(values: &[&str], text: &[u8]) -> (Column, ColumnHierarchy) {
        let column = Column::from_values("a", values.iter());
        let h = arx::parse(text).unwrap();
        let ch = ColumnHierarchy::new(&column, &h).unwrap();
        (column, ch)
    }

    #[test]
    fn loss_by_hand() {
        // Hierarchy of 4 rows: level 1 splits {1,2,3} | {4}; data 1, 1, 2, 4.
        let (column, h) = hierarchy(&["1", "1", "2", "4"], b"1;a;*\n2;a;*\n3;a;*\n4;b;*\n");
        let m = Metric::new(MetricKind::Loss, 4, &[(&h, &column.codes)]);
        // level 0: raw = 4 * 1/4 = 1 = min: loss 0
        assert_eq!(m.node_bound(&[0]), 0.0);
        // level 1: raw = 3 * 3/4 + 1 * 1/4 = 2.5; (2.5 - 1) / (4 - 1) = 0.5
        assert!((m.node_bound(&[1]) - 0.5).abs() < 1e-15);
        assert!((m.node_bound(&[2]) - 1.0).abs() < 1e-15);
        // level 1 with the class {4} suppressed: raw = 2.25 + 1 = 3.25: 0.75
        let sizes = [3, 1];
        let v = m.value(&[1], &sizes, &[false, true], |c, _| [0, 1][c]);
        assert!((v - 0.75).abs() < 1e-15);
        assert!(v >= m.class_bound(&[1], &sizes));
    }

    #[test]
    fn geometric_mean_of_two() {
        let (c1, h1) = hierarchy(&["1", "2"], b"1;*\n2;*\n");
        let m = Metric::new(MetricKind::Loss, 2, &[(&h1, &c1.codes), (&h1, &c1.codes)]);
        // (1 + 1)^(1/2) (1 + 0)^(1/2) - 1 = sqrt 2 - 1
        assert!((m.node_bound(&[1, 0]) - (2f64.sqrt() - 1.0)).abs() < 1e-15);
    }

    #[test]
    fn the_other_metrics_by_hand() {
        let (column, h) = hierarchy(&["1", "1", "2", "4"], b"1;a;*\n2;a;*\n3;a;*\n4;b;*\n");
        let codes = &column.codes;
        let p = Metric::new(MetricKind::Precision, 4, &[(&h, codes)]);
        assert_eq!(p.node_bound(&[1]), 0.5);
        // one row of four suppressed at level 1: (3 * 0.5 + 1) / 4
        assert_eq!(p.value(&[1], &[3, 1], &[false, true], |_, _| 0), 0.625);

        let e = Metric::new(MetricKind::Entropy, 4, &[(&h, codes)]);
        // level 1: the three rows in `a` (1, 1, 2): 2 log2(3/2) + log2(3/1); `4` stays alone: 0
        let want = 2.0 * 1.5f64.log2() + 3f64.log2();
        assert!((e.node_bound(&[1]) - want).abs() < 1e-12);
        // ARX: suppressed rows keep their generalisation cost and add the
        // entropy of their labels among the suppressed rows. One suppressed
        // class alone: its labels are all alike, nothing is added.
        assert!((e.value(&[1], &[3, 1], &[false, true], |c, _| [0, 1][c]) - want).abs() < 1e-12);
        // Both classes suppressed (3 rows labelled a, 1 labelled b):
        // 3 log2(4/3) + 1 log2(4/1).
        let both = want + 3.0 * (4.0f64 / 3.0).log2() + 2.0;
        assert!((e.value(&[1], &[3, 1], &[true, true], |c, _| [0, 1][c]) - both).abs() < 1e-12);
        assert!(e.value(&[1], &[3, 1], &[true, true], |c, _| [0, 1][c]) >= e.class_bound(&[1], &[3, 1]));
        // At level 0 (labels 1, 2, 4), classes {1, 1}, {2}, {4}, the last
        // two suppressed: 2 rows with two labels add 2 log2(2) = 2 bits.
        assert_eq!(e.node_bound(&[0]), 0.0);
        let v = e.value(&[0], &[2, 1, 1], &[false, true, true], |c, _| [0, 1, 3][c]);
        assert!((v - 2.0).abs() < 1e-12, "{v}");

        // Weights scale each quasi-identifier's generalisation and
        // suppression parts alike: `Σ_d w_d (G_d + S_d)`, weights over the largest.
        let w = Metric::new(MetricKind::Entropy, 4, &[(&h, codes), (&h, codes)]).with_weights([Some(2.0), Some(1.0)]);
        let one = want + 3.0 * (4.0f64 / 3.0).log2() + 2.0;
        let v = w.value(&[1, 1], &[3, 1], &[true, true], |c, _| [0, 1][c]);
        assert!((v - 1.5 * one).abs() < 1e-12, "{v}");
        assert!((w.node_bound(&[1, 1]) - 1.5 * want).abs() < 1e-12);

        let dm = Metric::new(MetricKind::Discernibility, 4, &[(&h, codes)]);
        assert_eq!(dm.value(&[1], &[3, 1], &[false, false], |_, _| 0), 10.0);
        assert_eq!(dm.value(&[1], &[3, 1], &[false, true], |_, _| 0), 13.0);
        assert_eq!(dm.class_bound(&[1], &[3, 1]), 10.0);
        // at most 2 classes at level 1: 16 / 2
        assert_eq!(dm.node_bound(&[1]), 8.0);

        let a = Metric::new(MetricKind::Aecs, 4, &[(&h, codes)]);
        assert_eq!(a.value(&[1], &[3, 1], &[false, false], |_, _| 0), 2.0);
        assert_eq!(a.value(&[1], &[2, 1, 1], &[false, true, true], |_, _| 0), 2.0);
        assert_eq!(a.value(&[2], &[4], &[false], |_, _| 0), 4.0);
        assert_eq!(a.node_bound(&[0]), 4.0 / 3.0);
    }
}
