//! The generalised table and the result of an anonymisation.

use serde::{Deserialize, Serialize};

use super::config::{AnonymiseConfig, SuppressedRows};
use super::engine::Solution;
use super::error::SearchError;
use super::problem::Problem;
use super::{Choice, Phase};
use crate::privacy::{analyse, AnalysisOptions, OrderedMap, RiskReport, SensitiveColumn};
use crate::table::{Column, Dictionary, Table};

/// What the suppressed quasi-identifiers are written as.
pub const SUPPRESSED_MARKER: &str = "*";

/// A metric and its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricValue {
    /// `loss`, `precision`, `discernibility`, `entropy` or `aecs`.
    pub name: String,
    /// Its value at the chosen node (lower is better).
    pub value: f64,
}

/// What an anonymisation did: the JSON report of `masque anonymise --report`
/// and the `result` of the wasm `anonymise`.
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

pub(crate) fn finish(
    table: &Table,
    config: &AnonymiseConfig,
    problem: &Problem<'_>,
    levels: &[u32],
    solution: Solution,
    choice: &Choice,
) -> Result<Anonymised, SearchError> {
    let mask = &solution.row_suppressed;
    let suppressed = mask.iter().filter(|&&s| s).count();
    let remove = config.suppressed_rows == SuppressedRows::Remove;
    let keep = |rows: &[u32]| -> Vec<u32> {
        if remove {
            rows.iter().zip(mask).filter(|(_, &s)| !s).map(|(&c, _)| c).collect()
        } else {
            rows.to_vec()
        }
    };
    let mut columns = Vec::with_capacity(table.columns.len());
    for column in &table.columns {
        let dim = problem.dims.iter().position(|d| d.column.name == column.name);
        columns.push(match dim {
            None => Column { name: column.name.clone(), codes: keep(&column.codes), dict: column.dict.clone() },
            Some(d) => {
                let level = levels[d] as usize;
                let h = &problem.dims[d].hierarchy;
                let mut dict: Dictionary = h.labels(level).clone();
                let map = h.map(level);
                let star = if suppressed > 0 && !remove { dict.intern(SUPPRESSED_MARKER) } else { 0 };
                let codes = column
                    .codes
                    .iter()
                    .zip(mask)
                    .filter(|(_, &s)| !(remove && s))
                    .map(|(&c, &s)| if s { star } else { map[c as usize] })
                    .collect();
                Column { name: column.name.clone(), codes, dict }
            }
        });
    }
    // invariant: every column keeps or drops the same rows.
    let out = Table::new(columns).unwrap_or_else(|| Table { columns: Vec::new(), rows: 0 });

    let options = AnalysisOptions {
        qi: problem.dims.iter().map(|d| d.column.name.clone()).collect(),
        sensitive: config
            .sensitive
            .iter()
            .map(|(name, s)| SensitiveColumn { name: name.to_string(), distance: s.distance, order: s.order.clone() })
            .collect(),
        ..Default::default()
    };
    let risk_before = analyse(table, &options, None)?;
    let risk_after = if out.rows == 0 || suppressed == table.rows {
        None
    } else {
        let given = (!remove && suppressed > 0).then_some(mask.as_slice());
        Some(analyse(&out, &options, given)?)
    };

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
        risk_after,
    };
    Ok(Anonymised { table: out, result })
}
