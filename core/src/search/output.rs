//! The generalised table and the result of an anonymisation.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::config::{AnonymiseConfig, LocalSuppression, Recoding, Sensitive, SuppressedRows};
use super::engine::Solution;
use super::error::{SearchError, SearchErrorKind};
use super::local::LocalSolution;
use super::microaggregation::{self, Micro};
use super::problem::Problem;
use super::suppress_cells;
use super::utility::{self, Measure, Ncp, Utility};
use super::{Choice, Monitor, Phase};
use crate::hierarchy::ColumnHierarchy;
use crate::privacy::weighted::analyse_weighted_given;
use crate::privacy::{analyse, analyse_weighted, AnalysisOptions, OrderedMap, RiskReport, SensitiveColumn};
use crate::table::{Column, Dictionary, Table};

/// What the suppressed quasi-identifiers are written as.
pub(crate) const SUPPRESSED_MARKER: &str = "*";

/// A metric and its value.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricValue {
    /// `loss`, `precision`, `discernibility`, `entropy` or `aecs`; `ncp`
    /// for local recoding.
    pub name: String,
    /// Its value at the chosen node (lower is better).
    pub value: f64,
}

/// What an anonymisation did: the JSON report of `masque anonymise --report`
/// and the `result` of the wasm `anonymise`.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnonymiseResult {
    /// `global` (one level per quasi-identifier) or `local` (a level per cell).
    pub recoding: Recoding,
    /// The generalisation level chosen for each quasi-identifier (0 =
    /// unchanged); with local recoding, the highest level of any of its cells.
    pub levels: OrderedMap<usize>,
    /// The top level of each quasi-identifier's hierarchy.
    pub heights: OrderedMap<usize>,
    /// Rows in the input.
    pub rows: usize,
    /// Rows suppressed (always 0 with local recoding).
    pub suppressed: usize,
    /// Rows in the output (rows, less the suppressed ones if they are removed).
    pub retained: usize,
    /// Whether suppressed rows are masked (`*`) or removed in the output.
    pub suppressed_rows: SuppressedRows,
    /// Equivalence classes of the rows kept.
    pub classes: usize,
    /// The size of the smallest class kept (the k the output achieves; 0 if none).
    pub k: usize,
    /// The utility metric at the chosen node (with local recoding, the NCP).
    pub metric: MetricValue,
    /// The information lost, measured on the output's cells
    /// ([`super::utility`]; suppressed cells lose everything).
    pub ncp: Ncp,
    /// What was kept, measured on the output against the input by the same
    /// code whatever the method ([`super::utility`]).
    #[serde(default)]
    pub utility: Utility,
    /// Whether the node is proven optimal for the metric (never with local recoding).
    pub optimal: bool,
    /// The search that gave the answer.
    pub search: Phase,
    /// Lattice nodes whose classes were computed (with local recoding, partitions processed).
    pub nodes_checked: u64,
    /// Nodes in the lattice (saturating at `u64::MAX`; 0 with local recoding).
    pub lattice_size: u64,
    /// The risk of the input on the quasi-identifiers (and sensitive columns).
    pub risk_before: RiskReport,
    /// The risk of the output, suppressed rows left out (absent if every row is suppressed).
    pub risk_after: Option<RiskReport>,
    /// With a population table: the output's classes against it (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_table: Option<PopulationTableReport>,
}

/// The output's classes against the population table (see
/// [`super::population_table`]), suppressed rows left out.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationTableReport {
    /// Rows of the population table.
    pub rows: usize,
    /// The fewest population rows a class of the output matches (the k of
    /// k-map it achieves; 0 if every row is suppressed).
    pub k_map: u64,
    /// The lowest δ (rows of the class / population rows it matches) of a
    /// class of the output (absent if every row is suppressed).
    pub delta_min: Option<f64>,
    /// The highest δ of a class of the output.
    pub delta_max: Option<f64>,
    /// Whether these criteria are monotone (δ-presence is not with `min >
    /// 0` or with suppression): when not, the optimal search checked every
    /// node that could beat the best in full, and `optimal` is still a proof.
    pub monotone: bool,
}

/// The generalised table and the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Anonymised {
    /// The input with its quasi-identifiers generalised and suppressed rows
    /// masked or removed; other columns unchanged.
    pub table: Table,
    /// What was done.
    pub result: AnonymiseResult,
}

/// The chosen generalisation, apart from the problem (which borrows the
/// input), so that an owned input can then be rewritten in place.
struct Output {
    remove: bool,
    /// The rows suppressed.
    mask: Vec<bool>,
    suppressed: usize,
    /// Per quasi-identifier: its name and how its output column is made.
    dims: Vec<(String, DimOut)>,
    options: AnalysisOptions,
    result: AnonymiseResult,
    /// k and the sensitive criteria to check on the output (local recoding).
    check: Option<(u32, OrderedMap<Sensitive>)>,
    /// Per quasi-identifier, its hierarchy (bound to the input column) and
    /// weight, and the utility measured so far.
    hierarchies: Vec<ColumnHierarchy>,
    weights: Vec<f64>,
    measure: Measure,
    /// With cell suppression: per row, the quasi-identifiers blanked (bit `d`).
    cells: Option<Vec<u64>>,
    /// The microaggregated quasi-identifiers, with their input codes and
    /// each code's number once their column has passed.
    micro: Vec<(Micro, Option<MicroInput>)>,
    /// The smallest class size every criterion allows.
    min_size: u32,
    /// Whether a risk target (average risk, sample or population uniqueness) is set.
    risk_target: bool,
    /// Per input row, the rows it stands for (a weighted table); `None`: one each.
    row_weights: Option<Vec<u64>>,
}

/// A microaggregated column's input codes and each code's number.
type MicroInput = (Vec<u32>, Vec<Option<f64>>);

/// How a quasi-identifier's output column is made.
enum DimOut {
    /// Global: the labels at its level (with the suppression marker when
    /// rows are masked), the code -> label map and the marker's code.
    Global(Dictionary, Vec<u32>, u32),
    /// Local: the output column's dictionary and codes.
    Local(Dictionary, Vec<u32>),
}

/// The analysis options of a configuration's columns.
fn analysis_options(problem: &Problem<'_>, config: &AnonymiseConfig) -> AnalysisOptions {
    AnalysisOptions {
        qi: problem
            .dims
            .iter()
            .map(|d| d.column.name.clone())
            .chain(micro_of(config).into_iter().map(|m| m.name))
            .collect(),
        sensitive: config
            .sensitive
            .iter()
            .map(|(name, s)| SensitiveColumn { name: name.to_string(), distance: s.distance, order: s.order.clone() })
            .collect(),
        // The population figures (uniqueness models, journalist, marketer) when the config gives one.
        population: problem.population,
        ..Default::default()
    }
}

impl Output {
    /// Everything but the output table and its risk; computes the input's risk.
    fn new(
        table: &Table,
        config: &AnonymiseConfig,
        problem: &Problem<'_>,
        levels: &[u32],
        solution: Solution,
        choice: &Choice,
    ) -> Result<Output, SearchError> {
        // Cell suppression: the failing rows lose the fewest cells instead
        // (see `super::suppress_cells`); only the rows it cannot save are suppressed.
        let (mask, cells) = match &config.local {
            Some(local) if local.suppression == LocalSuppression::Cells => {
                let names: Vec<&str> = problem.dims.iter().map(|d| d.column.name.as_str()).collect();
                let order = suppress_cells::order(&names, &local.importance);
                let done = suppress_cells::suppress(problem, levels, &solution.row_suppressed, &order)?;
                (done.records, Some(done.cells))
            }
            _ => (solution.row_suppressed, None),
        };
        let row_weights = problem.weights;
        let suppressed = match row_weights {
            Some(w) => mask.iter().zip(w).filter(|(&s, _)| s).map(|(_, &w)| w as usize).sum(),
            None => mask.iter().filter(|&&s| s).count(),
        };
        let rows = problem.rows;
        let any_cell = cells.as_ref().is_some_and(|c| c.iter().any(|&m| m != 0));
        let remove = config.suppressed_rows == SuppressedRows::Remove;
        let dims = problem
            .dims
            .iter()
            .zip(levels)
            .map(|(d, &level)| {
                let level = level as usize;
                let mut labels = d.hierarchy.labels(level).clone();
                let star = if (suppressed > 0 && !remove) || any_cell { labels.intern(SUPPRESSED_MARKER) } else { 0 };
                (d.column.name.clone(), DimOut::Global(labels, d.hierarchy.map(level).to_vec(), star))
            })
            .collect();
        // NCP: each kept cell's loss (once per distinct value), 1 per suppressed row.
        let sums: Vec<f64> = problem
            .dims
            .iter()
            .zip(levels)
            .enumerate()
            .map(|(i, (d, &level))| {
                let (level, h) = (level as usize, &d.hierarchy);
                let loss: Vec<f64> = h.map(level).iter().map(|&label| utility::cell_loss(h, level, label)).collect();
                let blank = |row: usize| cells.as_ref().is_some_and(|c| c[row] >> i & 1 == 1);
                let cell = |row: usize, c: u32, s: bool| {
                    if s || blank(row) {
                        1.0
                    } else {
                        loss.get(c as usize).map_or(1.0, |&x| x)
                    }
                };
                // A weighted row's loss times its weight (the sum may differ
                // from the repeated rows' in the last bits; times 1.0
                // without weights: the same bits).
                let weight = |row: usize| row_weights.map_or(1.0, |w| w[row] as f64);
                d.column.codes.iter().zip(&mask).enumerate().map(|(row, (&c, &s))| weight(row) * cell(row, c, s)).sum()
            })
            .collect();
        let ncp = utility::from_sums(problem.dims.iter().map(|d| d.column.name.clone()), &sums, rows);
        let options = analysis_options(problem, config);
        let risk_before = match row_weights {
            Some(w) => analyse_weighted(table, w, &options)?,
            None => analyse(table, &options, None)?,
        };
        let names = problem.dims.iter().map(|d| d.column.name.clone());
        let result = AnonymiseResult {
            recoding: Recoding::Global,
            levels: OrderedMap(names.clone().zip(levels.iter().map(|&l| l as usize)).collect()),
            heights: OrderedMap(names.zip(problem.dims.iter().map(|d| d.hierarchy.height() - 1)).collect()),
            rows,
            suppressed,
            retained: if remove { rows - suppressed } else { rows },
            suppressed_rows: config.suppressed_rows,
            classes: solution.kept_classes,
            k: solution.smallest as usize,
            metric: MetricValue { name: problem.metric_kind().name().to_string(), value: solution.evaluation.metric },
            ncp,
            utility: Utility::default(),
            optimal: choice.optimal,
            search: choice.search,
            nodes_checked: choice.nodes_checked,
            lattice_size: choice.lattice_size,
            risk_before,
            risk_after: None,
            population_table: problem.population_table().map(|p| PopulationTableReport {
                rows: p.rows,
                k_map: solution.population.map_or(0, |(k, _, _)| u64::from(k)),
                delta_min: solution.population.map(|(_, lo, _)| lo),
                delta_max: solution.population.map(|(_, _, hi)| hi),
                monotone: p.monotone(problem.max_suppressed > 0),
            }),
        };
        let (hierarchies, weights) = hierarchies_and_weights(problem);
        let removed = (remove && suppressed > 0).then_some(mask.as_slice());
        let measure = Measure::new(problem.dims.len(), rows, removed, row_weights);
        // Cells blanked change the classes: they are counted, and the
        // criteria checked, on the output.
        let micro: Vec<_> = micro_of(config).into_iter().map(|m| (m, None)).collect();
        let check = (cells.is_some() || !micro.is_empty()).then(|| (problem.min_size, config.sensitive.clone()));
        let min_size = problem.min_size;
        let risk_target = risk_target(config);
        Ok(Output {
            remove,
            mask,
            suppressed,
            dims,
            options,
            result,
            check,
            hierarchies,
            weights,
            measure,
            cells,
            micro,
            min_size,
            risk_target,
            row_weights: row_weights.map(<[u64]>::to_vec),
        })
    }

    /// The output of local recoding: each row's cells at their own levels,
    /// every row kept; computes the input's risk and the NCP.
    fn local(
        table: &Table,
        config: &AnonymiseConfig,
        problem: &Problem<'_>,
        solution: LocalSolution,
    ) -> Result<Output, SearchError> {
        let mut dims = Vec::with_capacity(problem.dims.len());
        let mut sums = Vec::with_capacity(problem.dims.len());
        let mut highest = Vec::with_capacity(problem.dims.len());
        for (d, row_levels) in problem.dims.iter().zip(&solution.row_levels) {
            let h = &d.hierarchy;
            // Per level, per label: its output code, made on first use (row order).
            let mut out_code: Vec<Vec<u32>> = (0..h.height()).map(|l| vec![u32::MAX; h.domain(l)]).collect();
            let mut loss: Vec<Vec<f64>> = (0..h.height()).map(|_| Vec::new()).collect();
            let mut dict = Dictionary::new();
            let mut codes = Vec::with_capacity(table.rows);
            let mut sum = 0.0;
            let mut top = 0u16;
            for (&c, &level) in d.column.codes.iter().zip(row_levels) {
                top = top.max(level);
                let l = level as usize;
                let label = h.map(l)[c as usize];
                let slot = &mut out_code[l][label as usize];
                if *slot == u32::MAX {
                    *slot = dict.intern(h.labels(l).get(label));
                }
                codes.push(*slot);
                if loss[l].is_empty() {
                    loss[l] = (0..h.domain(l) as u32).map(|x| utility::cell_loss(h, l, x)).collect();
                }
                sum += loss[l][label as usize];
            }
            dims.push((d.column.name.clone(), DimOut::Local(dict, codes)));
            sums.push(sum);
            highest.push(top as usize);
        }
        let ncp = utility::from_sums(problem.dims.iter().map(|d| d.column.name.clone()), &sums, table.rows);
        let options = analysis_options(problem, config);
        let risk_before = analyse(table, &options, None)?;
        let names = problem.dims.iter().map(|d| d.column.name.clone());
        let (hierarchies, weights) = hierarchies_and_weights(problem);
        let result = AnonymiseResult {
            recoding: Recoding::Local,
            levels: OrderedMap(names.clone().zip(highest).collect()),
            heights: OrderedMap(names.zip(problem.dims.iter().map(|d| d.hierarchy.height() - 1)).collect()),
            rows: table.rows,
            suppressed: 0,
            retained: table.rows,
            suppressed_rows: config.suppressed_rows,
            classes: 0,
            k: 0,
            metric: MetricValue { name: "ncp".to_string(), value: ncp.value },
            ncp,
            utility: Utility::default(),
            optimal: false,
            search: Phase::Local,
            nodes_checked: solution.processed,
            lattice_size: 0,
            risk_before,
            risk_after: None,
            population_table: None,
        };
        Ok(Output {
            hierarchies,
            weights,
            measure: Measure::new(problem.dims.len(), table.rows, None, None),
            cells: None,
            micro: micro_of(config).into_iter().map(|m| (m, None)).collect(),
            min_size: problem.min_size,
            risk_target: risk_target(config),
            row_weights: None,
            remove: false,
            mask: vec![false; table.rows],
            suppressed: 0,
            dims,
            options,
            result,
            check: Some((config.k(), config.sensitive.clone())),
        })
    }

    /// The output column of an input column: a quasi-identifier's codes mapped
    /// to its labels (`*` where suppressed), suppressed rows left out if they
    /// are removed. An owned column is rewritten in place (its dictionary
    /// dropped when replaced), a borrowed one copied.
    fn column(&mut self, column: Cow<'_, Column>) -> Result<Column, SearchError> {
        let Some(d) = self.dims.iter().position(|(name, _)| *name == column.name) else {
            if let Some((m, input)) = self.micro.iter_mut().find(|(m, _)| m.name == column.name) {
                let values = microaggregation::values(&column, &m.name)?;
                *input = Some((column.codes.clone(), values));
            }
            return Ok(self.other(column));
        };
        let mask = &self.mask;
        let remove = self.remove && self.suppressed > 0;
        let out = match &mut self.dims[d].1 {
            DimOut::Local(dict, codes) => {
                Column { name: column.name.clone(), codes: std::mem::take(codes), dict: std::mem::take(dict) }
            }
            DimOut::Global(labels, map, star) => {
                // Each kept row's label, `*` where the row or the cell is suppressed.
                let cells = self.cells.as_deref();
                let blank = |row: usize| mask[row] || cells.is_some_and(|c| c[row] >> d & 1 == 1);
                let codes = column
                    .codes
                    .iter()
                    .enumerate()
                    .filter(|&(row, _)| !(remove && mask[row]))
                    .map(|(row, &c)| if blank(row) { *star } else { map[c as usize] })
                    .collect();
                Column { name: column.name.clone(), codes, dict: labels.clone() }
            }
        };
        // The utility, while both the input and the output codes exist.
        let removed = remove.then_some(self.mask.as_slice());
        if let Some(h) = self.hierarchies.get(d) {
            self.measure.column(d, h, &column.codes, &out, removed)?;
        }
        Ok(out)
    }

    /// The output column of a column that is not a quasi-identifier: its
    /// rows, less the suppressed ones if they are removed.
    fn other(&self, column: Cow<'_, Column>) -> Column {
        let mask = &self.mask;
        let remove = self.remove && self.suppressed > 0;
        match column {
            Cow::Owned(mut c) => {
                if remove {
                    let mut row = 0;
                    c.codes.retain(|_| {
                        row += 1;
                        !mask[row - 1]
                    });
                }
                c
            }
            Cow::Borrowed(c) => {
                let codes = if remove {
                    c.codes.iter().zip(mask).filter(|(_, &s)| !s).map(|(&c, _)| c).collect()
                } else {
                    c.codes.clone()
                };
                Column { name: c.name.clone(), codes, dict: c.dict.clone() }
            }
        }
    }

    /// Replaces each microaggregated column of the output by its aggregates
    /// over the output's classes (see [`super::microaggregation`]) and measures it.
    fn microaggregate(&mut self, columns: &mut [Column]) -> Result<(), SearchError> {
        if self.micro.is_empty() {
            return Ok(());
        }
        // Per output row, its class: the rows kept, by their cells of the
        // other quasi-identifiers (in sorted order of those cells).
        let qi: Vec<usize> =
            self.dims.iter().filter_map(|(name, _)| columns.iter().position(|c| c.name == *name)).collect();
        let out_rows = columns.first().map_or(0, |c| c.codes.len());
        let input_rows: Vec<usize> = (0..self.mask.len()).filter(|&r| !(self.remove && self.mask[r])).collect();
        let mut keyed: Vec<(Vec<u32>, usize)> = (0..out_rows)
            .filter(|&r| !input_rows.get(r).is_some_and(|&i| self.mask[i]))
            .map(|r| (qi.iter().map(|&c| columns[c].codes[r]).collect(), r))
            .collect();
        keyed.sort_unstable();
        let mut classes = vec![None; out_rows];
        let mut class = 0u32;
        for (i, (key, r)) in keyed.iter().enumerate() {
            if i > 0 && keyed[i - 1].0 != *key {
                class += 1;
            }
            classes[*r] = Some(class);
        }
        // A criterion every group meets (l = 1, t = 1: the page's way of
        // measuring a sensitive column) does not stop MDAV.
        let binding = |s: &Sensitive| {
            s.l_distinct.is_some_and(|l| l > 1)
                || s.l_entropy.is_some_and(|l| l > 1.0)
                || s.recursive_cl.is_some()
                || s.t_closeness.is_some_and(|t| t < 1.0)
        };
        // Risk targets are met by the search's classes: they are kept whole.
        let sensitive = self.risk_target || self.check.as_ref().is_some_and(|(_, s)| s.iter().any(|(_, s)| binding(s)));
        for (m, input) in &self.micro {
            let Some(at) = columns.iter().position(|c| c.name == m.name) else { continue };
            let done = microaggregation::apply(&columns[at], m, &classes, self.min_size as usize, sensitive)?;
            // Per input row: its group (a row left out is lost).
            let mut group = vec![u32::MAX; self.mask.len()];
            for (r, &i) in input_rows.iter().enumerate() {
                if let Some(&g) = done.group.get(r) {
                    group[i] = g;
                }
            }
            if let Some((codes, values)) = input {
                self.measure.grouped_column(&m.name, codes, values, &group);
            }
            columns[at] = done.column;
        }
        Ok(())
    }

    /// The result, with the output's risk.
    fn finish(mut self, columns: Vec<Column>) -> Result<Anonymised, SearchError> {
        let mut columns = columns;
        self.microaggregate(&mut columns)?;
        // invariant: every column keeps or drops the same rows.
        let out = Table::new(columns).unwrap_or_else(|| Table { columns: Vec::new(), rows: 0 });
        let rows = self.result.rows;
        if self.cells.is_some() || !self.micro.is_empty() {
            self.result.ncp = self.measure.ncp();
        }
        let measure = std::mem::replace(&mut self.measure, Measure::new(0, 0, None, None));
        self.result.utility = measure.finish(&self.weights);
        self.result.risk_after = if out.rows == 0 || self.suppressed == rows {
            None
        } else {
            let given = (!self.remove && self.suppressed > 0).then_some(self.mask.as_slice());
            match &self.row_weights {
                Some(w) => {
                    // The output's rows are the input's kept ones, in order.
                    let kept: Cow<'_, [u64]> = if self.remove && self.suppressed > 0 {
                        Cow::Owned(w.iter().zip(&self.mask).filter(|(_, &s)| !s).map(|(&w, _)| w).collect())
                    } else {
                        Cow::Borrowed(w)
                    };
                    Some(analyse_weighted_given(&out, &kept, &self.options, given)?)
                }
                None => Some(analyse(&out, &self.options, given)?),
            }
        };
        if let (Some((k, sensitive)), Some(after)) = (&self.check, &self.result.risk_after) {
            self.result.classes = after.classes;
            self.result.k = after.k;
            let masked = if self.remove { 0 } else { self.suppressed };
            check_after(&out, &self.options, after, *k, sensitive, masked)?;
        }
        Ok(Anonymised { table: out, result: self.result })
    }
}

/// Whether `config` sets a risk target (met by the search's classes, which
/// microaggregation then keeps whole).
fn risk_target(config: &AnonymiseConfig) -> bool {
    config.average_risk.is_some() || config.sample_uniqueness.is_some() || config.population_uniqueness.is_some()
}

/// The microaggregated quasi-identifiers of `config`, in order.
fn micro_of(config: &AnonymiseConfig) -> Vec<Micro> {
    config
        .quasi_identifiers
        .iter()
        .filter_map(|(name, qi)| qi.microaggregation.map(|how| Micro { name: name.to_string(), how }))
        .collect()
}

/// Each quasi-identifier's hierarchy and weight (over the largest).
fn hierarchies_and_weights(problem: &Problem<'_>) -> (Vec<ColumnHierarchy>, Vec<f64>) {
    let hierarchies = problem.dims.iter().map(|d| d.hierarchy.clone()).collect();
    let weights = (0..problem.dims.len()).map(|d| problem.metric.weight(d)).collect();
    (hierarchies, weights)
}

/// Tolerance on the output's l and t against the configured ones (rounding).
const TOLERANCE: f64 = 1e-9;

/// Checks, with the risk analysis of the output, that it meets `k` and each
/// sensitive attribute's criteria, `masked` rows suppressed; local recoding
/// and cell suppression make outputs that do (see [`super::local`] and
/// [`super::suppress_cells`]), so a failure here is a bug, reported as no
/// solution rather than an output that is not private.
fn check_after(
    out: &Table,
    options: &AnalysisOptions,
    after: &RiskReport,
    k: u32,
    sensitive: &OrderedMap<Sensitive>,
    masked: usize,
) -> Result<(), SearchError> {
    let mut ok = after.k >= k as usize && after.suppressed == masked;
    for (name, s) in sensitive.iter() {
        let Some(report) = after.sensitive.get(name) else {
            ok = false;
            continue;
        };
        ok &= s.l_distinct.is_none_or(|l| report.l_distinct >= l as usize);
        ok &= s.l_entropy.is_none_or(|l| report.l_entropy >= l - TOLERANCE);
        ok &= s.t_closeness.is_none_or(|t| report.t_closeness <= t + TOLERANCE);
        if let (Some(r), true) = (s.recursive_cl, ok) {
            let one = AnalysisOptions {
                sensitive: options.sensitive.iter().filter(|c| c.name == name).cloned().collect(),
                l: Some(r.l),
                c: Some(r.c),
                ..options.clone()
            };
            let report = analyse(out, &one, None)?;
            ok &= report
                .sensitive
                .get(name)
                .and_then(|s| s.criteria.recursive_cl.as_ref())
                .is_some_and(|check| check.satisfied);
        }
    }
    if ok {
        Ok(())
    } else {
        Err(SearchError::new(SearchErrorKind::NoSolution))
    }
}

pub(crate) fn finish(
    table: &Table,
    config: &AnonymiseConfig,
    problem: &Problem<'_>,
    levels: &[u32],
    solution: Solution,
    choice: &Choice,
) -> Result<Anonymised, SearchError> {
    let mut output = Output::new(table, config, problem, levels, solution, choice)?;
    let columns = table.columns.iter().map(|c| output.column(Cow::Borrowed(c))).collect::<Result<_, _>>()?;
    output.finish(columns)
}

/// The output of local recoding of `table`.
pub(crate) fn finish_local(
    table: &Table,
    config: &AnonymiseConfig,
    problem: &Problem<'_>,
    solution: LocalSolution,
) -> Result<Anonymised, SearchError> {
    let mut output = Output::local(table, config, problem, solution)?;
    let columns = table.columns.iter().map(|c| output.column(Cow::Borrowed(c))).collect::<Result<_, _>>()?;
    output.finish(columns)
}

/// What [`super::search`] says of local recoding.
pub(crate) fn local_choice(problem: &Problem<'_>, solution: &LocalSolution) -> Choice {
    let rows = problem.dims.first().map_or(0, |d| d.column.codes.len());
    let mut sums = Vec::with_capacity(problem.dims.len());
    let mut levels = Vec::with_capacity(problem.dims.len());
    for (d, row_levels) in problem.dims.iter().zip(&solution.row_levels) {
        let h = &d.hierarchy;
        let mut sum = 0.0;
        for (&c, &level) in d.column.codes.iter().zip(row_levels) {
            let l = level as usize;
            sum += utility::cell_loss(h, l, h.map(l)[c as usize]);
        }
        sums.push(sum);
        levels.push((d.column.name.clone(), row_levels.iter().copied().max().unwrap_or(0) as usize));
    }
    let ncp = utility::from_sums(problem.dims.iter().map(|d| d.column.name.clone()), &sums, rows);
    Choice {
        levels: OrderedMap(levels),
        metric: ncp.value,
        optimal: false,
        search: Phase::Local,
        nodes_checked: solution.processed,
        lattice_size: 0,
    }
}

impl Anonymised {
    /// [`anonymise`](super::anonymise) of a table the caller no longer needs:
    /// the output is the input rewritten in place (codes mapped, rows removed,
    /// a quasi-identifier's dictionary dropped once replaced) rather than a
    /// copy beside it, so a large file costs one table, not two; the other
    /// columns' dictionaries lose their hash index
    /// ([`Dictionary::release_index`]). Same result.
    pub fn from_owned(
        table: Table,
        config: &AnonymiseConfig,
        monitor: &mut dyn Monitor,
    ) -> Result<Anonymised, SearchError> {
        Anonymised::from_owned_in(table, None, config, monitor)
    }

    /// [`Anonymised::from_owned`] with the population table that `config`'s
    /// `population_table` names, as [`super::anonymise_with_population`].
    pub fn from_owned_with_population(
        table: Table,
        population: &Table,
        config: &AnonymiseConfig,
        monitor: &mut dyn Monitor,
    ) -> Result<Anonymised, SearchError> {
        Anonymised::from_owned_in(table, Some(population), config, monitor)
    }

    /// [`Anonymised::from_owned`] or [`Anonymised::from_owned_with_population`],
    /// as `population` is given or not (for callers that hold an optional
    /// population table).
    pub fn from_owned_in(
        table: Table,
        population: Option<&Table>,
        config: &AnonymiseConfig,
        monitor: &mut dyn Monitor,
    ) -> Result<Anonymised, SearchError> {
        let mut table = table;
        // Sensitive columns without criterion are measured (l = 1), as in `anonymise`.
        let measured = config.measured();
        let config = measured.as_ref();
        // Nothing looks up the values of the other columns: their hash
        // indexes (up to 16 bytes a distinct value) go before the search.
        for column in &mut table.columns {
            if config.quasi_identifiers.get(&column.name).is_none() && config.sensitive.get(&column.name).is_none() {
                column.dict.release_index();
            }
        }
        let mut output = {
            let (reduced, _) = super::microaggregation::split(config)?;
            let problem = Problem::with_population(&table, &reduced, population)?;
            if config.recoding == Recoding::Local {
                let solution = super::run_local(&problem, &reduced, monitor)?;
                Output::local(&table, config, &problem, solution)?
            } else {
                let (found, choice, mut engine) = super::run(&problem, &reduced, monitor)?;
                let solution = engine.solution(&found.levels)?;
                drop(engine);
                Output::new(&table, config, &problem, &found.levels, solution, &choice)?
            }
        };
        let columns = table.columns.into_iter().map(|c| output.column(Cow::Owned(c))).collect::<Result<_, _>>()?;
        output.finish(columns)
    }
}
