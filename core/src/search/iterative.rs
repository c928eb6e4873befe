//! Local recoding by ARX's iterative method (`"local": {"method": "iterative"}`).
//!
//! # Algorithm
//! ARX's `ARXResult.optimizeIterative(output, gsFactor, maxIterations,
//! adaptionFactor)` (Prasser, Kohlmayer et al.), here with the recipe of
//! ARX's own test: a suppression limit of 100 %, Loss with a
//! generalisation / suppression factor `gs` of [`GS_FACTOR`], at most
//! [`MAX_ITERATIONS`] iterations, the factor raised by [`ADAPTION`].
//!
//! 1. The rows still to place (at first, all) are anonymised on their own
//!    by the global search (`super::run`, the optimal lattice search or the
//!    heuristic) with every row allowed to be suppressed and Loss weighted
//!    by `gs` ([`super::metric::Metric::with_gs_factor`]: a low factor
//!    makes suppression cheap, so the optimum is a detailed node that
//!    suppresses the rows it cannot keep).
//! 2. The rows that node keeps are final, at its levels. The rows it
//!    suppresses are the next rows to place.
//! 3. When a node keeps no row, `gs` is raised by [`ADAPTION`] and the
//!    same rows are tried again (generalisation becomes cheaper relative
//!    to suppression); the loop ends when no row is left, fewer than
//!    `min_size` are left, `gs` passes 1 or after [`MAX_ITERATIONS`].
//!
//! ARX leaves the rows still suppressed at the end suppressed. Local
//! recoding keeps every row, so they are placed instead:
//! - with at least `min_size` of them, by the global search on them alone
//!   with no suppression (every row at the node's levels);
//! - else (or if that has no solution), they join the class of the last
//!   iteration whose union with them loses least (the class's levels raised,
//!   per quasi-identifier, to the lowest level where every row of the union
//!   shares its label, and the union meeting the sensitive criteria);
//! - else the last iteration is undone and its rows placed again the same
//!   way, with the iteration before it; with none left there is no solution.
//!
//! # Why the output meets the criteria
//! Every row ends up in a class of one iteration's search (k rows, the
//! sensitive criteria met, with the whole table's distribution for
//! t-closeness) or of a checked union. An output class is a union of such
//! classes with the same labels, and a union of classes that have `k` rows,
//! `l` distinct values, entropy at least `ln l` or a distance at most `t`
//! has them too (see [`super::local`]); recursive (c,l)-diversity, and
//! everything else, is checked again on the output by
//! [`crate::privacy::analyse`].
//!
//! Every cell is its value or an ancestor (a level of its hierarchy). The
//! work is on dictionary codes; nothing depends on hash order.

use super::config::{AnonymiseConfig, MetricKind};
use super::error::{SearchError, SearchErrorKind};
use super::local::{Criteria, LocalSolution};
use super::metric::Metric;
use super::problem::{Dim, Problem, SensitiveCheck};
use super::utility;
use super::Monitor;
use crate::hierarchy::ColumnHierarchy;
use crate::table::{Column, Dictionary};

/// The starting generalisation / suppression factor (ARX's test recipe).
pub(crate) const GS_FACTOR: f64 = 0.05;
/// What is added to the factor when an iteration keeps no row.
pub(crate) const ADAPTION: f64 = 0.05;
/// The most iterations.
pub(crate) const MAX_ITERATIONS: usize = 100;

/// One iteration's outcome: the rows it kept and their levels.
struct Step {
    kept: Vec<u32>,
    levels: Vec<u32>,
}

/// A search on a subset of rows: the node's levels, which rows (of the
/// subset, in order) it suppresses, the nodes checked.
struct Solved {
    levels: Vec<u32>,
    suppressed: Vec<bool>,
    nodes: u64,
}

/// Runs ARX's iterative local recoding on a prepared problem (`config`, the
/// configuration the problem was made from, gives the search mode, the
/// node budget and the weights).
pub(crate) fn recode(
    problem: &Problem<'_>,
    config: &AnonymiseConfig,
    monitor: &mut dyn Monitor,
) -> Result<LocalSolution, SearchError> {
    let n = problem.dims.first().map_or(0, |d| d.column.codes.len());
    let min_size = problem.min_size as usize;
    if n < min_size.max(1) {
        return Err(SearchError::new(SearchErrorKind::NoSolution));
    }
    let mut row_levels = vec![vec![0u16; n]; problem.dims.len()];
    let mut processed = 0u64;
    let mut steps: Vec<Step> = Vec::new();
    let mut pending: Vec<u32> = (0..n as u32).collect();
    let mut gs = GS_FACTOR;
    let mut iterations = 0;
    while !pending.is_empty() && pending.len() >= min_size && iterations < MAX_ITERATIONS && gs <= 1.0 {
        iterations += 1;
        let solved = solve(problem, config, &pending, true, gs, monitor)?;
        let Some(solved) = solved else { break };
        processed += solved.nodes;
        if solved.suppressed.iter().all(|&s| s) {
            gs += ADAPTION;
            continue;
        }
        let (mut kept, mut left) = (Vec::new(), Vec::new());
        for (&r, &s) in pending.iter().zip(&solved.suppressed) {
            if s {
                left.push(r);
            } else {
                kept.push(r);
            }
        }
        assign(&mut row_levels, &kept, &solved.levels);
        steps.push(Step { kept, levels: solved.levels });
        pending = left;
    }
    // The rows left: on their own without suppression, else joining a
    // class of the last iteration, else with the last iteration's rows.
    let mut criteria = Criteria::new(problem);
    while !pending.is_empty() {
        if pending.len() >= min_size {
            if let Some(solved) = solve(problem, config, &pending, false, 0.5, monitor)? {
                processed += solved.nodes;
                assign(&mut row_levels, &pending, &solved.levels);
                break;
            }
        }
        let Some(step) = steps.pop() else {
            return Err(SearchError::new(SearchErrorKind::NoSolution));
        };
        if absorb(problem, &mut criteria, &step, &pending, &mut row_levels) {
            break;
        }
        pending.extend_from_slice(&step.kept);
        pending.sort_unstable();
    }
    Ok(LocalSolution { row_levels, processed })
}

/// Sets the levels of `rows`.
fn assign(row_levels: &mut [Vec<u16>], rows: &[u32], levels: &[u32]) {
    for (out, &level) in row_levels.iter_mut().zip(levels) {
        for &r in rows {
            out[r as usize] = level as u16;
        }
    }
}

/// The global search on `rows` alone: every row may be suppressed
/// (`suppress_all`) or none; Loss with the factor `gs`. `None` when no node
/// is anonymous.
fn solve(
    problem: &Problem<'_>,
    config: &AnonymiseConfig,
    rows: &[u32],
    suppress_all: bool,
    gs: f64,
    monitor: &mut dyn Monitor,
) -> Result<Option<Solved>, SearchError> {
    let subset = |column: &Column| Column {
        name: column.name.clone(),
        codes: rows.iter().map(|&r| column.codes[r as usize]).collect(),
        // The search reads codes only; hierarchies and sensitive values
        // are the whole table's.
        dict: Dictionary::new(),
    };
    let dim_columns: Vec<Column> = problem.dims.iter().map(|d| subset(d.column)).collect();
    let sensitive_columns: Vec<Column> = problem.sensitive.iter().map(|s| subset(s.column)).collect();
    let dims: Vec<Dim<'_>> = problem
        .dims
        .iter()
        .zip(&dim_columns)
        .map(|(d, column)| Dim {
            column,
            hierarchy: d.hierarchy.for_codes(&column.codes, None),
            min: d.min,
            max: d.max,
        })
        .collect();
    let sensitive = problem
        .sensitive
        .iter()
        .zip(&sensitive_columns)
        .map(|(s, column)| SensitiveCheck {
            column,
            values: s.values.clone(),
            l_distinct: s.l_distinct,
            l_entropy: s.l_entropy,
            recursive: s.recursive,
            t: s.t,
        })
        .collect();
    let metric = {
        let pairs: Vec<(&ColumnHierarchy, &[u32])> =
            dims.iter().map(|d| (&d.hierarchy, d.column.codes.as_slice())).collect();
        Metric::new(MetricKind::Loss, rows.len(), &pairs)
            .with_weights(config.quasi_identifiers.iter().map(|(_, q)| q.weight))
            .with_gs_factor(gs)
    };
    let sub = Problem {
        dims,
        sensitive,
        min_size: problem.min_size,
        risk: problem.risk.clone(),
        population: None,
        shares: None,
        max_suppressed: if suppress_all { rows.len() as u64 } else { 0 },
        metric,
        weights: None,
        rows: rows.len(),
    };
    let (found, _, mut engine) = match super::run(&sub, config, monitor) {
        Ok(done) => done,
        Err(e) if e.code() == "no_solution" => return Ok(None),
        Err(e) => return Err(e),
    };
    let solution = engine.solution(&found.levels)?;
    Ok(Some(Solved { levels: found.levels, suppressed: solution.row_suppressed, nodes: engine.checked }))
}

/// Places `left` (fewer rows than a class needs, or rows that cannot form
/// classes alone) in the class of `step` whose union with them loses least
/// and meets the criteria; `false` if none does.
fn absorb(
    problem: &Problem<'_>,
    criteria: &mut Criteria<'_, '_>,
    step: &Step,
    left: &[u32],
    row_levels: &mut [Vec<u16>],
) -> bool {
    let dims = &problem.dims;
    let label =
        |d: usize, level: u32, r: u32| dims[d].hierarchy.map(level as usize)[dims[d].column.codes[r as usize] as usize];
    let loss = |d: usize, level: u32, r: u32| {
        utility::cell_loss(&dims[d].hierarchy, level as usize, label(d, level, r)) * problem.metric.weight(d)
    };
    // The classes of the step: its kept rows by their labels at its levels.
    let mut order: Vec<u32> = step.kept.clone();
    order.sort_by(|&a, &b| {
        (0..dims.len())
            .map(|d| label(d, step.levels[d], a))
            .cmp((0..dims.len()).map(|d| label(d, step.levels[d], b)))
            .then(a.cmp(&b))
    });
    let same = |a: u32, b: u32| (0..dims.len()).all(|d| label(d, step.levels[d], a) == label(d, step.levels[d], b));
    let mut best: Option<(f64, usize, usize, Vec<u32>)> = None;
    let mut union: Vec<u32> = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && same(order[start], order[end]) {
            end += 1;
        }
        let class = &order[start..end];
        let first = class[0];
        // Per quasi-identifier, the lowest level from the class's where the union shares a label.
        let mut levels = Vec::with_capacity(dims.len());
        let mut cost = 0.0;
        let mut possible = true;
        for (d, dim) in dims.iter().enumerate() {
            let mut level = step.levels[d];
            while level < dim.max && left.iter().any(|&r| label(d, level, r) != label(d, level, first)) {
                level += 1;
            }
            if left.iter().any(|&r| label(d, level, r) != label(d, level, first)) {
                possible = false;
                break;
            }
            cost += class.len() as f64 * (loss(d, level, first) - loss(d, step.levels[d], first));
            cost += left.iter().map(|&r| loss(d, level, r)).sum::<f64>();
            levels.push(level);
        }
        if possible && best.as_ref().is_none_or(|b| cost < b.0) {
            union.clear();
            union.extend_from_slice(class);
            union.extend_from_slice(left);
            if criteria.pass(&union) {
                best = Some((cost, start, end, levels));
            }
        }
        start = end;
    }
    let Some((_, start, end, levels)) = best else { return false };
    assign(row_levels, &order[start..end], &levels);
    assign(row_levels, left, &levels);
    true
}
