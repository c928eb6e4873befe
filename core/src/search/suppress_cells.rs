//! Local (cell) suppression, as sdcMicro's `localSuppression`:
//! `"local": {"suppression": "cells", "importance": [...]}` with global
//! recoding. The search chooses its node as usual (the rows of its failing
//! classes within `suppression_limit`); instead of suppressing those rows
//! whole, the fewest of their quasi-identifier cells are blanked (written
//! `*`), least important columns first, until every class meets the
//! criteria.
//!
//! # What `*` means
//! A suppressed cell is written `*` and **is a value of its own**, as
//! [`crate::privacy::analyse`] reads it: two rows are in the same class only
//! when their cells are equal, `*` included. (sdcMicro instead counts a
//! blanked cell as matching every value, which lets fewer cells go but
//! makes its k an estimate that the table itself does not show.) So the
//! analysis of the output checks the result exactly, with the code that
//! checks every other output: k, l-diversity, t-closeness are verified on
//! the written table after the fact, and a failure is an error, never an
//! output.
//!
//! # The algorithm (greedy, deterministic)
//! The rows of the failing classes are *pending*; every other row is final,
//! in its class. The suppression patterns (sets of quasi-identifiers to
//! blank) are tried in order: fewer columns first, then the pattern that
//! spares the more important columns (the patterns as binary numbers, bit
//! `i` the `i`-th least important column). For each pattern, the pending
//! rows are grouped by their cells with the pattern's columns blanked; a
//! group joins the final class with the same cells (if any) when the union
//! has at least `k` rows (the size every criterion implies) and meets the
//! sensitive criteria; its rows are then final with that pattern. A row
//! still pending after the last pattern (every column blanked) is suppressed
//! whole, as record suppression does. Final classes only grow by unions that
//! pass, so every class of the output meets the criteria.
//!
//! With at most [`ALL_PATTERNS_UP_TO`] quasi-identifiers every pattern is
//! tried (2^D − 1); with more, or when the pending rows times the patterns
//! pass [`WORK_LIMIT`], only the nested patterns (the least important
//! column, then the two least important, ...). The result is a heuristic
//! (the fewest cells for each row in the order tried, not a global minimum,
//! as sdcMicro's), and it is the same on every platform: groups are visited
//! in sorted order and nothing depends on hash order.
//!
//! The importance order: `importance` lists quasi-identifiers most important
//! first; those it does not list are less important than any listed, the
//! later in the configuration the less important.

use std::collections::HashMap;

use super::error::SearchError;
use super::local::Criteria;
use super::problem::Problem;

/// Up to this many quasi-identifiers, every suppression pattern is tried.
pub(crate) const ALL_PATTERNS_UP_TO: usize = 12;

/// Above this many (pending rows × patterns), only the nested patterns are tried.
pub(crate) const WORK_LIMIT: u64 = 50_000_000;

/// The cells to blank.
pub(crate) struct CellSuppression {
    /// Per row, the quasi-identifiers (bit `d` for the `d`-th in
    /// configuration order) whose cell is blanked; 0 for most rows.
    pub cells: Vec<u64>,
    /// The rows suppressed whole (no pattern made them pass).
    pub records: Vec<bool>,
}

/// The suppression order: quasi-identifier indexes, least important first.
pub(crate) fn order(names: &[&str], importance: &[String]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..names.len()).filter(|&d| !importance.iter().any(|n| n == names[d])).collect();
    order.reverse();
    for name in importance.iter().rev() {
        if let Some(d) = names.iter().position(|n| n == name) {
            if !order.contains(&d) {
                order.push(d);
            }
        }
    }
    order
}

/// The patterns to try, as quasi-identifier bit sets, in order.
fn patterns(order: &[usize], pending: usize) -> Vec<u64> {
    let dims = order.len();
    let nested = || (1..=dims).map(|j| order[..j].iter().fold(0u64, |m, &d| m | 1 << d)).collect();
    if dims > ALL_PATTERNS_UP_TO || (pending as u64).saturating_mul((1u64 << dims) - 1) > WORK_LIMIT {
        return nested();
    }
    // Bit i of a rank set is the i-th least important column.
    let mut ranks: Vec<u64> = (1..1u64 << dims).collect();
    ranks.sort_by_key(|&r| (r.count_ones(), r));
    ranks.into_iter().map(|r| (0..dims).filter(|&i| r >> i & 1 == 1).fold(0u64, |m, i| m | 1 << order[i])).collect()
}

/// Blanks the fewest cells of the `failing` rows (see the module
/// documentation) of `problem` generalised to `levels`, `order` the
/// quasi-identifiers least important first.
pub(crate) fn suppress(
    problem: &Problem<'_>,
    levels: &[u32],
    failing: &[bool],
    order: &[usize],
) -> Result<CellSuppression, SearchError> {
    let n = failing.len();
    let dims = problem.dims.len();
    let mut cells = vec![0u64; n];
    let mut records = vec![false; n];
    let mut pending: Vec<u32> = (0..n as u32).filter(|&r| failing[r as usize]).collect();
    if pending.is_empty() {
        return Ok(CellSuppression { cells, records });
    }
    if dims > 64 {
        return Err(SearchError::config("local.suppression", "cell suppression handles at most 64 quasi-identifiers"));
    }
    // Per quasi-identifier: the rows' labels at the node, and the code a
    // blanked cell has (the label `*` when the level has one: written alike,
    // they are one value).
    let maps: Vec<&[u32]> = problem.dims.iter().zip(levels).map(|(d, &l)| d.hierarchy.map(l as usize)).collect();
    let stars: Vec<u32> = problem
        .dims
        .iter()
        .zip(levels)
        .map(|(d, &l)| d.hierarchy.labels(l as usize).code_of(super::output::SUPPRESSED_MARKER).unwrap_or(u32::MAX))
        .collect();
    let label = |r: u32, d: usize, pattern: u64| -> u32 {
        if pattern >> d & 1 == 1 {
            stars[d]
        } else {
            maps[d][problem.dims[d].column.codes[r as usize] as usize]
        }
    };
    let key = |r: u32, pattern: u64| -> Vec<u32> { (0..dims).map(|d| label(r, d, pattern)).collect() };
    // The final classes, by their cells.
    let mut finals: HashMap<Vec<u32>, Vec<u32>> = HashMap::new();
    for r in 0..n as u32 {
        if !failing[r as usize] {
            finals.entry(key(r, 0)).or_default().push(r);
        }
    }
    let mut criteria = Criteria::new(problem);
    let mut union: Vec<u32> = Vec::new();
    let mut keyed: Vec<(Vec<u32>, u32)> = Vec::new();
    for pattern in patterns(order, pending.len()) {
        if pending.is_empty() {
            break;
        }
        keyed.clear();
        keyed.extend(pending.iter().map(|&r| (key(r, pattern), r)));
        keyed.sort_unstable();
        let mut still = Vec::with_capacity(pending.len());
        let mut start = 0;
        while start < keyed.len() {
            let mut end = start + 1;
            while end < keyed.len() && keyed[end].0 == keyed[start].0 {
                end += 1;
            }
            let group = &keyed[start..end];
            union.clear();
            union.extend(group.iter().map(|(_, r)| *r));
            if let Some(rows) = finals.get(&group[0].0) {
                union.extend_from_slice(rows);
            }
            let passes = union.len() as u64 >= u64::from(problem.min_size) && criteria.pass(&union);
            if passes {
                let rows = finals.entry(group[0].0.clone()).or_default();
                for (_, r) in group {
                    cells[*r as usize] = pattern;
                    rows.push(*r);
                }
            } else {
                still.extend(group.iter().map(|(_, r)| *r));
            }
            start = end;
        }
        still.sort_unstable();
        pending = still;
    }
    for r in pending {
        records[r as usize] = true;
    }
    Ok(CellSuppression { cells, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_is_least_important_first() {
        let names = ["a", "b", "c", "d"];
        // unlisted c, d first (the later the less important), then b, then a.
        assert_eq!(order(&names, &["a".into(), "b".into()]), vec![3, 2, 1, 0]);
        assert_eq!(order(&names, &["c".into()]), vec![3, 1, 0, 2]);
        assert_eq!(order(&names, &[]), vec![3, 2, 1, 0]);
    }

    #[test]
    fn patterns_spare_the_important_columns() {
        // order: column 2 least important, then 0, then 1.
        let p = patterns(&[2, 0, 1], 10);
        assert_eq!(p, vec![0b100, 0b001, 0b010, 0b101, 0b110, 0b011, 0b111]);
        // Past the work limit, the nested patterns.
        assert_eq!(patterns(&[2, 0, 1], usize::MAX), vec![0b100, 0b101, 0b111]);
    }
}
