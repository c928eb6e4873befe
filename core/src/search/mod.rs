//! Anonymisation by full-domain generalisation and record suppression: the
//! least damaging generalisation of the quasi-identifiers (one hierarchy
//! level per quasi-identifier) that meets k-anonymity, l-diversity and
//! t-closeness with at most a given share of rows suppressed, found by an
//! optimal lattice search that matches ARX.
//!
//! Plain Rust: no I/O, no clock, no randomness. Time limits are the caller's:
//! the search calls a [`Monitor`] after every node it checks and stops when
//! told to (the command line and the wasm boundary read the clock).
//!
//! # Pieces
//! - [`config`]: [`AnonymiseConfig`], the JSON object of the command line and
//!   of the wasm `anonymise` (quasi-identifiers with their hierarchies,
//!   sensitive attributes with their criteria, `k`, `suppression_limit`,
//!   `metric`).
//! - [`criteria`]: the risk targets (average risk, sample and population
//!   uniqueness) and k-map with an estimated population, as ARX defines
//!   them; which of them are monotone, and why.
//! - [`population_table`]: k-map counted in a table of the population and
//!   δ-presence ([`anonymise_with_population`]): the population's values
//!   coded in the file's code space, its classes rolled up with each
//!   node's; when they are monotone, and what the search prunes on when not.
//! - `problem`: the configuration applied to a table: hierarchies read or
//!   built ([`crate::hierarchy`]) and checked against their columns, criteria,
//!   metric tables.
//! - `lattice`: the lattice of level vectors and per-node tags.
//! - `groups` and `engine`: a node's equivalence classes, rolled up from a
//!   cached finer node's classes; which classes fail the criteria (reusing
//!   [`crate::privacy`]'s per-class l-diversity and t-closeness tests);
//!   the node's metric and bounds.
//! - [`metric`]: the utility metrics and their lower bounds, with their
//!   definitions (ARX's Loss, precision, discernibility, non-uniform
//!   entropy, average class size).
//! - `optimal`: the optimal search and its proof of optimality;
//!   `heuristic`: the greedy search for lattices too large.
//! - `local`: local recoding (`"recoding": "local"`): each row's cells at
//!   their own hierarchy levels, every row kept, by top-down specialisation
//!   of hierarchy nodes (Mondrian-style; `"local": {"method": "partition"}`,
//!   the default); the output is checked afterwards by
//!   [`crate::privacy::analyse`].
//! - `iterative`: local recoding by ARX's iterative method
//!   (`"local": {"method": "iterative"}`): the global search on the rows
//!   still to place, every row suppressible and suppression cheap (Loss with
//!   a generalisation / suppression factor), its suppressed rows placed
//!   again on their own; kept for ARX parity (it keeps less on Adult and on
//!   the cohort than the partition method).
//! - [`utility`]: what an output keeps, measured on its cells against the
//!   input by one code for every method (in every result: `ncp` and
//!   `utility`, ARX's Loss, granularity and non-uniform entropy, records
//!   retained, cells suppressed, each marginal's total variation distance).
//! - `suppress_cells`: local (cell) suppression (`"local": {"suppression":
//!   "cells", "importance": [...]}`), the fewest cells of the failing rows
//!   written `*` instead of whole records.
//! - `microaggregation`: numeric quasi-identifiers without a hierarchy
//!   replaced within each output class (or its MDAV groups) by their mean,
//!   median or interval.
//!
//! # Definitions
//! - A node **suppresses** the rows of its classes that fail a criterion: a
//!   class with fewer than `k` rows, or whose sensitive values are not
//!   l-diverse / t-close (see [`crate::privacy`] for the definitions). The
//!   node is **anonymous** when at most `floor(suppression_limit · rows)`
//!   rows are suppressed (ARX's rule).
//! - The **optimum** is the anonymous node of smallest metric; ties go to
//!   the node with fewer generalisation steps, then to the lexicographically
//!   smaller level vector (quasi-identifiers in configuration order).
//! - Suppressed rows are written with every quasi-identifier as `*` (ARX's
//!   output) or left out, as configured; they count in the metric as
//!   described in [`metric`].
//!
//! # Optimality
//! The optimal search visits nodes in increasing order of a lower bound of
//! the metric computed from the levels alone, and stops at the first node
//! whose bound cannot beat the best anonymous node found: the metric of every
//! node is at least its bound, so no unvisited node can do better. Nodes are
//! skipped only when they are *proven* not anonymous (a monotone property
//! they lack: anonymity itself when the criteria are monotone, else its
//! class-size part; see `Problem::monotone`) or proven unable to beat the
//! best (a lower bound that grows along the lattice). Why the bounds are
//! bounds, metric by metric: [`metric`]; the algorithm: the `optimal`
//! module (Flash-style path searches). So the result is optimal for
//! the chosen metric whenever the search runs to completion, which the result
//! says (`optimal: true`). When the lattice has more than
//! [`MAX_OPTIMAL_NODES`] nodes, or when the budget (`max_nodes`, or the
//! caller's time limit) runs out first, the heuristic gives the answer and
//! the result says `optimal: false`.
//!
//! ```
//! use masque_core::search::{anonymise, AnonymiseConfig, Unlimited};
//! use masque_core::table::{Column, Table};
//!
//! let table = Table::new(vec![
//!     Column::from_values("age", ["31", "36", "33", "38", "41", "47"]),
//!     Column::from_values("diag", ["flu", "flu", "asthma", "flu", "flu", "asthma"]),
//! ])
//! .unwrap();
//! let config = AnonymiseConfig::from_json(
//!     r#"{"quasi_identifiers": {"age": {"builder": {"intervals": {"widths": [5, 10]}}}}, "k": 2}"#,
//! )
//! .unwrap();
//! let done = anonymise(&table, &config, &mut Unlimited).unwrap();
//! assert_eq!(done.result.levels.get("age"), Some(&2)); // 30-39 and 40-49
//! assert!(done.result.optimal);
//! assert_eq!(done.table.columns[0].get(4), "40-49");
//! ```

pub mod config;
pub mod criteria;
mod engine;
mod error;
mod groups;
mod heuristic;
mod iterative;
mod lattice;
mod local;
pub mod metric;
mod microaggregation;
mod optimal;
mod output;
pub mod population_table;
mod problem;
mod suppress_cells;
pub mod utility;
mod weighted;

pub use config::{AggregateFunction, LocalConfig, LocalMethod, LocalSuppression, Microaggregation};
pub use config::{
    AnonymiseConfig, MetricKind, QuasiIdentifier, Recoding, RecursiveCl, SearchMode, Sensitive, SuppressedRows,
    DEFAULT_K,
};
pub use criteria::{
    AverageRisk, AverageRiskBounds, CellSizeEstimator, DeltaPresence, KMap, Population, PopulationUniqueness,
};
pub use error::{SearchError, SearchErrorKind};
pub use output::{AnonymiseResult, Anonymised, MetricValue, PopulationTableReport};
pub use utility::{ColumnUtility, Ncp, Utility};
pub use weighted::{anonymise_weighted, WeightedAnonymised};

use serde::{Deserialize, Serialize};

use crate::privacy::OrderedMap;
use crate::table::Table;
use lattice::Lattice;
use problem::Problem;

/// The largest lattice the optimal search enumerates (2^21 nodes: its
/// per-node arrays, 17 bytes a node, then take about 36 MB).
pub const MAX_OPTIMAL_NODES: u64 = 1 << 21;

/// Which search is running.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The optimal search.
    Optimal,
    /// The heuristic search.
    Heuristic,
    /// Local recoding's top-down specialisation.
    Local,
}

/// Where the search is, as told to the [`Monitor`] after every node checked.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Lattice nodes whose classes were computed so far.
    pub nodes_checked: u64,
    /// Nodes in the lattice (saturating at `u64::MAX`).
    pub lattice_size: u64,
    /// The metric of the best anonymous node found so far.
    pub best_metric: Option<f64>,
    /// The running search.
    pub phase: Phase,
}

/// Told about progress after every node checked; says when to stop.
///
/// The core reads no clock: a caller with a time limit checks it here. Any
/// `FnMut(&Progress) -> bool` is a monitor (returning `true` stops).
pub trait Monitor {
    /// Returns `true` to stop the search (the best node found so far is then
    /// the answer, with `optimal: false`).
    fn stop(&mut self, progress: &Progress) -> bool;
}

impl<F: FnMut(&Progress) -> bool> Monitor for F {
    fn stop(&mut self, progress: &Progress) -> bool {
        self(progress)
    }
}

/// A monitor that never stops the search.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unlimited;

impl Monitor for Unlimited {
    fn stop(&mut self, _: &Progress) -> bool {
        false
    }
}

/// The monitor and the node budget; once stopped, stays stopped.
pub(crate) struct Control<'m> {
    monitor: &'m mut dyn Monitor,
    max_nodes: Option<u64>,
    lattice_size: u64,
    stopped: bool,
}

impl Control<'_> {
    pub(crate) fn tick(&mut self, nodes_checked: u64, best_metric: Option<f64>, phase: Phase) {
        if self.max_nodes.is_some_and(|m| nodes_checked >= m) {
            self.stopped = true;
        }
        let progress = Progress { nodes_checked, lattice_size: self.lattice_size, best_metric, phase };
        if self.monitor.stop(&progress) {
            self.stopped = true;
        }
    }

    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }
}

/// An anonymous node and its metric.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub levels: Vec<u32>,
    pub metric: f64,
}

/// The node a search chose, without the output (what [`anonymise`] builds on).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// The level of each quasi-identifier, in configuration order.
    pub levels: OrderedMap<usize>,
    /// The metric at that node.
    pub metric: f64,
    /// Whether the node is proven optimal.
    pub optimal: bool,
    /// The search that gave the answer.
    pub search: Phase,
    /// Lattice nodes whose classes were computed.
    pub nodes_checked: u64,
    /// Nodes in the lattice (saturating at `u64::MAX`).
    pub lattice_size: u64,
}

/// Runs the search on a prepared problem.
fn run<'p, 't>(
    problem: &'p Problem<'t>,
    config: &AnonymiseConfig,
    monitor: &mut dyn Monitor,
) -> Result<(Found, Choice, engine::Engine<'p, 't>), SearchError> {
    let mins: Vec<u32> = problem.dims.iter().map(|d| d.min).collect();
    let maxs: Vec<u32> = problem.dims.iter().map(|d| d.max).collect();
    let lattice = Lattice::new(&mins, &maxs);
    let count = lattice.count();
    let use_optimal = match config.search {
        SearchMode::Optimal if count > MAX_OPTIMAL_NODES => {
            return Err(SearchError::new(SearchErrorKind::LatticeTooLarge { nodes: count, limit: MAX_OPTIMAL_NODES }))
        }
        SearchMode::Optimal => true,
        SearchMode::Auto => count <= MAX_OPTIMAL_NODES,
        SearchMode::Heuristic => false,
    };
    let mut engine = engine::Engine::new(problem, &lattice.bottom())?;
    let mut control = Control { monitor, max_nodes: config.max_nodes, lattice_size: count, stopped: false };
    let (found, optimal, phase) = if use_optimal {
        let exact = problem.max_suppressed == 0 && problem.metric.bound_is_exact_without_suppression();
        let (found, complete) = optimal::search(&mut engine, &lattice, problem.monotone(), exact, &mut control)?;
        if complete {
            (found, true, Phase::Optimal)
        } else {
            (heuristic::search(&mut engine, &lattice, &mut control, found)?, false, Phase::Heuristic)
        }
    } else {
        (heuristic::search(&mut engine, &lattice, &mut control, None)?, false, Phase::Heuristic)
    };
    let found = found.ok_or_else(|| SearchError::new(SearchErrorKind::NoSolution))?;
    let choice = Choice {
        levels: OrderedMap(
            problem.dims.iter().zip(&found.levels).map(|(d, &l)| (d.column.name.clone(), l as usize)).collect(),
        ),
        metric: found.metric,
        optimal,
        search: phase,
        nodes_checked: engine.checked,
        lattice_size: count,
    };
    Ok((found, choice, engine))
}

/// Searches the lattice for the best node, without building the output.
///
/// As [`anonymise`], which calls it; useful to time the search alone.
///
/// With local recoding, the choice's `levels` are the highest level of any
/// cell, its metric the output's NCP, and `lattice_size` 0.
pub fn search(table: &Table, config: &AnonymiseConfig, monitor: &mut dyn Monitor) -> Result<Choice, SearchError> {
    search_in(table, None, config, monitor)
}

/// As [`search`], with the population table that `config`'s
/// `population_table` names (see [`population_table`]).
pub fn search_with_population(
    table: &Table,
    population: &Table,
    config: &AnonymiseConfig,
    monitor: &mut dyn Monitor,
) -> Result<Choice, SearchError> {
    search_in(table, Some(population), config, monitor)
}

/// [`search`] or [`search_with_population`], as `population` is given or
/// not (for callers that hold an optional population table).
pub fn search_in(
    table: &Table,
    population: Option<&Table>,
    config: &AnonymiseConfig,
    monitor: &mut dyn Monitor,
) -> Result<Choice, SearchError> {
    let measured = config.measured();
    let (config, _) = microaggregation::split(&measured)?;
    let config = config.as_ref();
    let problem = Problem::with_population(table, config, population)?;
    if config.recoding == Recoding::Local {
        let solution = run_local(&problem, config, monitor)?;
        return Ok(output::local_choice(&problem, &solution));
    }
    run(&problem, config, monitor).map(|(_, choice, _)| choice)
}

/// Runs local recoding on a prepared problem (the monitor is told every few
/// hundred partitions, `nodes_checked` counting them, and may stop it: the
/// partitions made so far are then final).
///
/// `config` (the one the problem was made from) says the method.
fn run_local(
    problem: &Problem<'_>,
    config: &AnonymiseConfig,
    monitor: &mut dyn Monitor,
) -> Result<local::LocalSolution, SearchError> {
    match config.local.as_ref().and_then(|l| l.method).unwrap_or_default() {
        LocalMethod::Partition => {
            let mut control = Control { monitor, max_nodes: None, lattice_size: 0, stopped: false };
            local::recode(problem, &mut control)
        }
        LocalMethod::Iterative => iterative::recode(problem, config, monitor),
    }
}

/// Anonymises `table` as `config` says.
///
/// `config`'s `hierarchy_file`s must have been replaced by their text
/// ([`AnonymiseConfig::resolve_files`]). `monitor` is called after every
/// lattice node checked and may stop the search.
///
/// Errors: a bad configuration (its path named), an unknown column, a
/// hierarchy that does not fit its column (column and row named), an empty
/// table, no anonymous node at all ([`SearchErrorKind::NoSolution`]).
pub fn anonymise(
    table: &Table,
    config: &AnonymiseConfig,
    monitor: &mut dyn Monitor,
) -> Result<Anonymised, SearchError> {
    anonymise_in(table, None, config, monitor)
}

/// As [`anonymise`], with the population table that `config`'s
/// `population_table` names (its columns include every quasi-identifier;
/// see [`population_table`]). The result's `population_table` reports the
/// output's figures against it.
///
/// Errors, besides [`anonymise`]'s: a quasi-identifier missing from the
/// population table, a value of it absent from a hierarchy (column and the
/// table's row named), and for δ-presence a file row with more rows like it
/// in the file than in the population ([`SearchErrorKind::NotInPopulation`]).
pub fn anonymise_with_population(
    table: &Table,
    population: &Table,
    config: &AnonymiseConfig,
    monitor: &mut dyn Monitor,
) -> Result<Anonymised, SearchError> {
    anonymise_in(table, Some(population), config, monitor)
}

/// [`anonymise`] or [`anonymise_with_population`], as `population` is given
/// or not (for callers that hold an optional population table).
pub fn anonymise_in(
    table: &Table,
    population: Option<&Table>,
    config: &AnonymiseConfig,
    monitor: &mut dyn Monitor,
) -> Result<Anonymised, SearchError> {
    // Sensitive columns without criterion are measured (l = 1). The search
    // runs without the microaggregated quasi-identifiers; the output is made
    // with the whole configuration.
    let measured = config.measured();
    let config = measured.as_ref();
    let (reduced, _) = microaggregation::split(config)?;
    let problem = Problem::with_population(table, &reduced, population)?;
    if config.recoding == Recoding::Local {
        let solution = run_local(&problem, &reduced, monitor)?;
        return output::finish_local(table, config, &problem, solution);
    }
    let (found, choice, mut engine) = run(&problem, &reduced, monitor)?;
    let solution = engine.solution(&found.levels)?;
    output::finish(table, config, &problem, &found.levels, solution, &choice)
}
