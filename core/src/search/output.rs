//! The generalised table and the result of an anonymisation.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::config::{AnonymiseConfig, SuppressedRows};
use super::engine::Solution;
use super::error::SearchError;
use super::problem::Problem;
use super::{Choice, Monitor, Phase};
use crate::privacy::{analyse, AnalysisOptions, OrderedMap, RiskReport, SensitiveColumn};
use crate::table::{Column, Dictionary, Table};

/// What the suppressed quasi-identifiers are written as.
pub const SUPPRESSED_MARKER: &str = "*";

/// A metric and its value.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricValue {
    /// `loss`, `precision`, `discernibility`, `entropy` or `aecs`.
    pub name: String,
    /// Its value at the chosen node (lower is better).
    pub value: f64,
}

/// What an anonymisation did: the JSON report of `masque anonymise --report`
/// and the `result` of the wasm `anonymise`.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnonymiseResult {
    /// The generalisation level chosen for each quasi-identifier (0 = unchanged).
    pub levels: OrderedMap<usize>,
    /// The top level of each quasi-identifier's hierarchy.
    pub heights: OrderedMap<usize>,
    /// Rows in the input.
    pub rows: usize,
    /// Rows suppressed.
    pub suppressed: usize,
    /// Whether suppressed rows are masked (`*`) or removed in the output.
    pub suppressed_rows: SuppressedRows,
    /// Equivalence classes of the rows kept.
    pub classes: usize,
    /// The size of the smallest class kept (the k the output achieves; 0 if none).
    pub k: usize,
    /// The utility metric at the chosen node.
    pub metric: MetricValue,
    /// Whether the node is proven optimal for the metric.
    pub optimal: bool,
    /// The search that gave the answer.
    pub search: Phase,
    /// Lattice nodes whose classes were computed.
    pub nodes_checked: u64,
    /// Nodes in the lattice (saturating at `u64::MAX`).
    pub lattice_size: u64,
    /// The risk of the input on the quasi-identifiers (and sensitive columns).
    pub risk_before: RiskReport,
    /// The risk of the output, suppressed rows left out (absent if every row is suppressed).
    pub risk_after: Option<RiskReport>,
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
    /// Per quasi-identifier: its name, the labels at its level (with the
    /// suppression marker when rows are masked), the code -> label map and
    /// the marker's code.
    dims: Vec<(String, Dictionary, Vec<u32>, u32)>,
    options: AnalysisOptions,
    result: AnonymiseResult,
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
        let mask = solution.row_suppressed;
        let suppressed = mask.iter().filter(|&&s| s).count();
        let remove = config.suppressed_rows == SuppressedRows::Remove;
        let dims = problem
            .dims
            .iter()
            .zip(levels)
            .map(|(d, &level)| {
                let level = level as usize;
                let mut labels = d.hierarchy.labels(level).clone();
                let star = if suppressed > 0 && !remove { labels.intern(SUPPRESSED_MARKER) } else { 0 };
                (d.column.name.clone(), labels, d.hierarchy.map(level).to_vec(), star)
            })
            .collect();
        let options = AnalysisOptions {
            qi: problem.dims.iter().map(|d| d.column.name.clone()).collect(),
            sensitive: config
                .sensitive
                .iter()
                .map(|(name, s)| SensitiveColumn {
                    name: name.to_string(),
                    distance: s.distance,
                    order: s.order.clone(),
                })
                .collect(),
            ..Default::default()
        };
        let risk_before = analyse(table, &options, None)?;
        let names = problem.dims.iter().map(|d| d.column.name.clone());
        let result = AnonymiseResult {
            levels: OrderedMap(names.clone().zip(levels.iter().map(|&l| l as usize)).collect()),
            heights: OrderedMap(names.zip(problem.dims.iter().map(|d| d.hierarchy.height() - 1)).collect()),
            rows: table.rows,
            suppressed,
            suppressed_rows: config.suppressed_rows,
            classes: solution.kept_classes,
            k: solution.smallest as usize,
            metric: MetricValue { name: problem.metric_kind().name().to_string(), value: solution.evaluation.metric },
            optimal: choice.optimal,
            search: choice.search,
            nodes_checked: choice.nodes_checked,
            lattice_size: choice.lattice_size,
            risk_before,
            risk_after: None,
        };
        Ok(Output { remove, mask, suppressed, dims, options, result })
    }

    /// The output column of an input column: a quasi-identifier's codes mapped
    /// to its labels (`*` where suppressed), suppressed rows left out if they
    /// are removed. An owned column is rewritten in place (its dictionary
    /// dropped when replaced), a borrowed one copied.
    fn column(&self, column: Cow<'_, Column>) -> Column {
        let mask = &self.mask;
        let remove = self.remove && self.suppressed > 0;
        let dim = self.dims.iter().find(|(name, ..)| *name == column.name);
        match (dim, column) {
            (None, Cow::Owned(mut c)) => {
                if remove {
                    let mut row = 0;
                    c.codes.retain(|_| {
                        row += 1;
                        !mask[row - 1]
                    });
                }
                c
            }
            (None, Cow::Borrowed(c)) => {
                let codes = if remove {
                    c.codes.iter().zip(mask).filter(|(_, &s)| !s).map(|(&c, _)| c).collect()
                } else {
                    c.codes.clone()
                };
                Column { name: c.name.clone(), codes, dict: c.dict.clone() }
            }
            (Some((_, labels, map, star)), column) => {
                let star = *star;
                let label = |c: u32, s: bool| if s { star } else { map[c as usize] };
                let mut c = match column {
                    Cow::Owned(mut c) => {
                        c.dict = Dictionary::new();
                        if remove {
                            let mut row = 0;
                            c.codes.retain(|_| {
                                row += 1;
                                !mask[row - 1]
                            });
                            c.codes.iter_mut().for_each(|c| *c = map[*c as usize]);
                        } else {
                            c.codes.iter_mut().zip(mask).for_each(|(c, &s)| *c = label(*c, s));
                        }
                        c
                    }
                    Cow::Borrowed(c) => Column {
                        name: c.name.clone(),
                        codes: c
                            .codes
                            .iter()
                            .zip(mask)
                            .filter(|(_, &s)| !(remove && s))
                            .map(|(&c, &s)| label(c, s))
                            .collect(),
                        dict: Dictionary::new(),
                    },
                };
                c.dict = labels.clone();
                c
            }
        }
    }

    /// The result, with the output's risk.
    fn finish(mut self, columns: Vec<Column>) -> Result<Anonymised, SearchError> {
        // invariant: every column keeps or drops the same rows.
        let out = Table::new(columns).unwrap_or_else(|| Table { columns: Vec::new(), rows: 0 });
        let rows = self.result.rows;
        self.result.risk_after = if out.rows == 0 || self.suppressed == rows {
            None
        } else {
            let given = (!self.remove && self.suppressed > 0).then_some(self.mask.as_slice());
            Some(analyse(&out, &self.options, given)?)
        };
        Ok(Anonymised { table: out, result: self.result })
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
    let output = Output::new(table, config, problem, levels, solution, choice)?;
    let columns = table.columns.iter().map(|c| output.column(Cow::Borrowed(c))).collect();
    output.finish(columns)
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
        let mut table = table;
        // Nothing looks up the values of the other columns: their hash
        // indexes (up to 16 bytes a distinct value) go before the search.
        for column in &mut table.columns {
            if config.quasi_identifiers.get(&column.name).is_none() && config.sensitive.get(&column.name).is_none() {
                column.dict.release_index();
            }
        }
        let output = {
            let problem = Problem::new(&table, config)?;
            let (found, choice, mut engine) = super::run(&problem, config, monitor)?;
            let solution = engine.solution(&found.levels)?;
            drop(engine);
            Output::new(&table, config, &problem, &found.levels, solution, &choice)?
        };
        let columns = table.columns.into_iter().map(|c| output.column(Cow::Owned(c))).collect();
        output.finish(columns)
    }
}
