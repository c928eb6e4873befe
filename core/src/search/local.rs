//! Local recoding: each row's quasi-identifiers generalised to their own
//! hierarchy levels, every row kept.
//!
//! # Algorithm: top-down specialisation over the hierarchies
//! A multidimensional partitioning in the manner of Mondrian (LeFevre,
//! DeWitt and Ramakrishnan, 2006), with hierarchy nodes instead of numeric
//! cuts. A *partition* is a set of rows with, per quasi-identifier, one node
//! of its hierarchy (a level and a label) that every row of the partition
//! lies under; its rows are written with those labels, so a partition is
//! (part of) an equivalence class of the output.
//!
//! 1. Every row starts in one partition, every quasi-identifier at the top
//!    of its hierarchy. If that partition fails the criteria (fewer than `k`
//!    rows, a sensitive attribute not l-diverse), there is no solution.
//! 2. A partition is first *tightened*: a quasi-identifier goes down a level
//!    as long as all its rows share their label at the level below (free:
//!    the partition is unchanged, each of its cells loses less).
//! 3. To split a partition on a quasi-identifier at level `l > min_level`,
//!    its rows are grouped by their label at `l − 1` (the node's children).
//!    Children with at least `min_size` rows that meet the sensitive
//!    criteria are *accepted*: each becomes a partition at `l − 1`. The rows
//!    of the other children form a *residual* partition that stays at `l`
//!    if it meets the criteria; otherwise it joins the smallest accepted
//!    child (fewest rows, then lowest label code), which then stays at `l`.
//!    If no child is accepted, or the joined partition fails the criteria,
//!    there is no split on that quasi-identifier.
//! 4. Of the possible splits, the one that lowers the NCP of the partition's
//!    cells most (rows moved down times their loss saved, see
//!    [`super::utility`]) is made, ties to the first quasi-identifier in
//!    configuration order; the new partitions are processed in turn (a stack,
//!    children in label-code order). A partition with no possible split is
//!    final.
//!
//! A residual, and a child a residual joined, can never again be split on
//! that quasi-identifier (its children there are still too small), so it is
//! frozen for them.
//!
//! Every partition made meets the criteria: children and residuals are
//! checked, and a partition is only replaced by checked ones. Output classes
//! are unions of partitions (two partitions with the same labels), and a
//! union of classes that each have `k` rows, `l` distinct values, entropy at
//! least `ln l` (entropy is concave) or a distance at most `t` (the EMD is
//! convex) has them too; recursive (c,l)-diversity is checked on the output
//! classes afterwards, with the others, by [`crate::privacy::analyse`].
//!
//! The work is on dictionary codes and the hierarchy's code -> label maps:
//! a split reads each row of the partition once per quasi-identifier, with
//! buffers reused between partitions; nothing depends on hash order, so the
//! same input gives the same output on every platform. Stopping early (the
//! caller's monitor) keeps the partitions made so far, which are valid.

use super::error::{SearchError, SearchErrorKind};
use super::problem::Problem;
use super::{Control, Phase};
use crate::privacy::sensitive::ClassDistribution;
use crate::privacy::{PrivacyError, PrivacyErrorKind};

/// The monitor is told every this many partitions processed.
const TICK_EVERY: u64 = 256;

/// The result of local recoding: each row's level per quasi-identifier.
pub(crate) struct LocalSolution {
    /// Per quasi-identifier, per row, the level of the row's cell.
    pub row_levels: Vec<Vec<u16>>,
    /// Partitions processed (split or found final), for the progress.
    pub processed: u64,
}

/// One quasi-identifier's data for the splits.
struct Dim<'a> {
    /// The rows' dictionary codes.
    codes: &'a [u32],
    /// Per level, code -> label.
    maps: Vec<&'a [u32]>,
    /// Per level, per label, the leaves (hierarchy rows) under it.
    leaves: Vec<&'a [u32]>,
    /// `1 / (hierarchy rows - 1)`, 0 for a one-row hierarchy.
    scale: f64,
    min: u16,
}

/// A partition: `rows[start..end]`, and its levels and frozen flags at
/// `index * dims`.
#[derive(Clone, Copy)]
struct Part {
    start: usize,
    end: usize,
}

/// The sensitive-criteria check of a set of rows.
struct Criteria<'p, 't> {
    problem: &'p Problem<'t>,
    /// Per sensitive attribute, each row's value number.
    values: Vec<Vec<u32>>,
    buffer: Vec<u32>,
    distinct: Vec<u32>,
    counts: Vec<u32>,
    scratch: Vec<u32>,
}

impl Criteria<'_, '_> {
    /// Whether `rows` (at least `min_size` of them) meet every sensitive criterion.
    fn pass(&mut self, rows: &[u32]) -> bool {
        for (check, values) in self.problem.sensitive.iter().zip(&self.values) {
            self.buffer.clear();
            self.buffer.extend(rows.iter().map(|&r| values[r as usize]));
            self.buffer.sort_unstable();
            self.distinct.clear();
            self.counts.clear();
            for &v in &self.buffer {
                if self.distinct.last() == Some(&v) {
                    // invariant: `counts` has an entry for each `distinct`.
                    if let Some(n) = self.counts.last_mut() {
                        *n += 1;
                    }
                } else {
                    self.distinct.push(v);
                    self.counts.push(1);
                }
            }
            let class = ClassDistribution { values: &self.distinct, counts: &self.counts, size: rows.len() as u32 };
            if check.fails(&class, &mut self.scratch) {
                return false;
            }
        }
        true
    }

    fn any(&self) -> bool {
        !self.problem.sensitive.is_empty()
    }
}

/// A candidate split of a partition on one quasi-identifier.
#[derive(Default)]
struct Split {
    dim: usize,
    gain: f64,
    /// Per child label (in increasing code order): its rows and whether accepted.
    children: Vec<(u32, u32, bool)>,
    /// The accepted child the residual joins, if it does.
    join: Option<u32>,
    /// The accepted child that lends the residual rows, and how many.
    borrow: Option<(u32, u32)>,
    /// Rows of the children not accepted.
    residual: u32,
}

/// Runs local recoding on a prepared problem.
pub(crate) fn recode(problem: &Problem<'_>, control: &mut Control<'_>) -> Result<LocalSolution, SearchError> {
    let n = problem.dims.first().map_or(0, |d| d.column.codes.len());
    let mut dims = Vec::with_capacity(problem.dims.len());
    for (i, d) in problem.dims.iter().enumerate() {
        let h = &d.hierarchy;
        let top = h.height() - 1;
        if (d.max as usize) < top {
            return Err(SearchError::config(
                &format!("quasi_identifiers.{}.max_level", d.column.name),
                "is not supported with local recoding (a row may need the top of the hierarchy)",
            ));
        }
        let codes = d.column.codes.as_slice();
        let domain = h.map(0).len();
        if let Some(row) = codes.iter().position(|&c| c as usize >= domain) {
            return Err(PrivacyError::new(PrivacyErrorKind::CodeOutOfRange { slice: Some(i), row: row + 1 }).into());
        }
        let rows_of_hierarchy = h.hierarchy_rows();
        dims.push(Dim {
            codes,
            maps: (0..=top).map(|l| h.map(l)).collect(),
            leaves: (0..=top).map(|l| h.label_rows(l)).collect(),
            scale: if rows_of_hierarchy > 1 { 1.0 / (rows_of_hierarchy - 1) as f64 } else { 0.0 },
            min: d.min as u16,
        });
    }
    let mut criteria = Criteria {
        problem,
        values: problem
            .sensitive
            .iter()
            .map(|s| s.column.codes.iter().map(|&c| s.values.value_of(c).unwrap_or(0)).collect())
            .collect(),
        buffer: Vec::new(),
        distinct: Vec::new(),
        counts: Vec::new(),
        scratch: Vec::new(),
    };
    let d_count = dims.len();
    let mut rows: Vec<u32> = (0..n as u32).collect();
    if (n as u64) < u64::from(problem.min_size) || !criteria.pass(&rows) {
        return Err(SearchError::new(SearchErrorKind::NoSolution));
    }

    // Partitions: ranges of `rows`, with levels and frozen flags.
    let mut parts: Vec<Part> = vec![Part { start: 0, end: n }];
    let mut levels: Vec<u16> = dims.iter().map(|d| (d.maps.len() - 1) as u16).collect();
    let mut frozen: Vec<bool> = vec![false; d_count];
    let mut finals: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = vec![0];

    // Reused buffers.
    let max_domain = problem
        .dims
        .iter()
        .map(|d| (0..d.hierarchy.height()).map(|l| d.hierarchy.domain(l)).max().unwrap_or(0))
        .max()
        .unwrap_or(0);
    let mut counts = vec![0u32; max_domain];
    let mut group_of = vec![u32::MAX; max_domain];
    let mut touched: Vec<u32> = Vec::new();
    let mut sorted: Vec<u32> = vec![0; n];
    let mut best = Split::default();
    let mut candidate = Split::default();
    let mut processed = 0u64;
    let mut stopped = false;

    while let Some(p) = stack.pop() {
        processed += 1;
        if processed.is_multiple_of(TICK_EVERY) {
            control.tick(processed, None, Phase::Local);
            if control.stopped() {
                stopped = true;
            }
        }
        if stopped {
            finals.push(p);
            continue;
        }
        let Part { start, end } = parts[p];
        tighten(&dims, &rows[start..end], &mut levels[p * d_count..(p + 1) * d_count]);

        // The best split.
        best.gain = 0.0;
        best.children.clear();
        let mut found = false;
        for (d, dim) in dims.iter().enumerate() {
            let level = levels[p * d_count + d];
            if frozen[p * d_count + d] || level <= dim.min {
                continue;
            }
            let below = dim.maps[level as usize - 1];
            let range = &rows[start..end];
            for &r in range {
                let child = below[dim.codes[r as usize] as usize];
                let c = &mut counts[child as usize];
                if *c == 0 {
                    touched.push(child);
                }
                *c += 1;
            }
            touched.sort_unstable();
            candidate.dim = d;
            candidate.children.clear();
            for &child in &touched {
                let size = std::mem::take(&mut counts[child as usize]);
                candidate.children.push((child, size, size >= problem.min_size));
            }
            touched.clear();
            if criteria.any() && candidate.children.iter().any(|c| c.2) {
                // Group the rows by child to check each accepted one.
                group_rows(
                    range,
                    |r| below[dim.codes[r as usize] as usize],
                    &candidate.children,
                    &mut group_of,
                    &mut sorted,
                );
                let mut at = 0;
                for child in candidate.children.iter_mut() {
                    let slice = &sorted[at..at + child.1 as usize];
                    at += child.1 as usize;
                    if child.2 && !criteria.pass(slice) {
                        child.2 = false;
                    }
                }
            }
            let parent_leaves = {
                let r = range[0] as usize;
                dim.leaves[level as usize][dim.maps[level as usize][dim.codes[r] as usize] as usize]
            };
            let child_leaves = dim.leaves[level as usize - 1];
            let cost = |child: u32| u64::from(parent_leaves - child_leaves[child as usize]);
            if !settle(
                &mut candidate,
                problem.min_size,
                &mut criteria,
                range,
                |r| below[dim.codes[r as usize] as usize],
                cost,
            ) {
                continue;
            }
            // The loss saved: rows of accepted children (not the joined one,
            // not the rows lent) go down a level.
            let mut saved = 0u64;
            for &(child, size, accepted) in &candidate.children {
                if accepted && candidate.join != Some(child) {
                    saved += u64::from(size) * cost(child);
                }
            }
            if let Some((child, need)) = candidate.borrow {
                saved -= u64::from(need) * cost(child);
            }
            candidate.gain = saved as f64 * dim.scale;
            if saved > 0 && (!found || candidate.gain > best.gain) {
                found = true;
                std::mem::swap(&mut best, &mut candidate);
            }
        }
        if !found {
            finals.push(p);
            continue;
        }

        // Make the split: rows ordered by group (accepted children in label
        // order, the joined child last among them, then the residual).
        let d = best.dim;
        let dim = &dims[d];
        let level = levels[p * d_count + d];
        let below = dim.maps[level as usize - 1];
        let mut groups: Vec<(u32, u32, bool)> = Vec::new(); // (rows, level, freeze)
        let accepted: Vec<u32> = best.children.iter().filter(|c| c.2 && best.join != Some(c.0)).map(|c| c.0).collect();
        let (lender, mut lend) = best.borrow.unwrap_or((u32::MAX, 0));
        for (g, &child) in accepted.iter().enumerate() {
            group_of[child as usize] = g as u32;
            let size = best.children.iter().find(|c| c.0 == child).map_or(0, |c| c.1);
            let size = if child == lender { size - lend } else { size };
            groups.push((size, u32::from(level) - 1, false));
        }
        let rest = groups.len() as u32;
        let mut rest_rows = lend;
        for &(child, size, ok) in &best.children {
            if !ok || best.join == Some(child) {
                group_of[child as usize] = rest;
                rest_rows += size;
            }
        }
        if rest_rows > 0 {
            groups.push((rest_rows, u32::from(level), true));
        }
        // Counting sort of the partition's rows by group.
        let mut cursor: Vec<usize> = Vec::with_capacity(groups.len());
        let mut at = 0usize;
        for g in &groups {
            cursor.push(at);
            at += g.0 as usize;
        }
        for &r in &rows[start..end] {
            let child = below[dim.codes[r as usize] as usize];
            let mut g = group_of[child as usize] as usize;
            if child == lender && lend > 0 {
                // The first rows of the lender go to the residual.
                lend -= 1;
                g = rest as usize;
            }
            sorted[cursor[g]] = r;
            cursor[g] += 1;
        }
        rows[start..end].copy_from_slice(&sorted[..end - start]);
        for c in &best.children {
            group_of[c.0 as usize] = u32::MAX;
        }
        // The new partitions replace `p`: the first reuses its slot.
        let mut from = start;
        let mut made: Vec<usize> = Vec::with_capacity(groups.len());
        for (g, &(size, new_level, freeze)) in groups.iter().enumerate() {
            let part = Part { start: from, end: from + size as usize };
            from += size as usize;
            let index = if g == 0 {
                parts[p] = part;
                p
            } else {
                parts.push(part);
                levels.extend_from_within(p * d_count..(p + 1) * d_count);
                frozen.extend_from_within(p * d_count..(p + 1) * d_count);
                parts.len() - 1
            };
            levels[index * d_count + d] = new_level as u16;
            frozen[index * d_count + d] |= freeze;
            made.push(index);
        }
        // Processed in order: the first child on top of the stack.
        stack.extend(made.iter().rev());
    }
    if stopped {
        control.tick(processed, None, Phase::Local);
    }

    // Each row's levels.
    let mut row_levels = vec![vec![0u16; n]; d_count];
    for &p in &finals {
        let Part { start, end } = parts[p];
        for (d, out) in row_levels.iter_mut().enumerate() {
            let level = levels[p * d_count + d];
            for &r in &rows[start..end] {
                out[r as usize] = level;
            }
        }
    }
    Ok(LocalSolution { row_levels, processed })
}

/// Lowers each level while every row of the partition shares its label one level down.
fn tighten(dims: &[Dim<'_>], rows: &[u32], levels: &mut [u16]) {
    let Some(&first) = rows.first() else { return };
    for (dim, level) in dims.iter().zip(levels.iter_mut()) {
        while *level > dim.min {
            let below = dim.maps[*level as usize - 1];
            let label = below[dim.codes[first as usize] as usize];
            if rows.iter().all(|&r| below[dim.codes[r as usize] as usize] == label) {
                *level -= 1;
            } else {
                break;
            }
        }
    }
}

/// Writes `rows` to `out` grouped by child, children in the order of `children`.
fn group_rows(
    rows: &[u32],
    child_of: impl Fn(u32) -> u32,
    children: &[(u32, u32, bool)],
    group_of: &mut [u32],
    out: &mut [u32],
) {
    let mut cursor: Vec<usize> = Vec::with_capacity(children.len());
    let mut at = 0usize;
    for (g, c) in children.iter().enumerate() {
        group_of[c.0 as usize] = g as u32;
        cursor.push(at);
        at += c.1 as usize;
    }
    for &r in rows {
        let g = group_of[child_of(r) as usize] as usize;
        out[cursor[g]] = r;
        cursor[g] += 1;
    }
    for c in children {
        group_of[c.0 as usize] = u32::MAX;
    }
}

/// Decides the residual's fate; `false` when the split is impossible.
fn settle(
    split: &mut Split,
    min_size: u32,
    criteria: &mut Criteria<'_, '_>,
    rows: &[u32],
    child_of: impl Fn(u32) -> u32,
    cost: impl Fn(u32) -> u64,
) -> bool {
    split.join = None;
    split.borrow = None;
    split.residual = split.children.iter().filter(|c| !c.2).map(|c| c.1).sum();
    if !split.children.iter().any(|c| c.2) {
        return false;
    }
    if split.residual == 0 {
        return true;
    }
    let in_residual = |r: u32, split: &Split| {
        let child = child_of(r);
        split.children.iter().any(|c| c.0 == child && !c.2)
    };
    if split.residual >= min_size {
        if !criteria.any() {
            return true;
        }
        let residual: Vec<u32> = rows.iter().copied().filter(|&r| in_residual(r, split)).collect();
        if criteria.pass(&residual) {
            return true;
        }
    }
    // Without sensitive criteria, the residual may borrow the rows it lacks
    // from an accepted child that keeps enough (those rows then lose the
    // child's detail); or it joins an accepted child (all of whose rows do).
    // The cheaper of the two, ties to joining, then the lowest label code.
    let need = min_size.saturating_sub(split.residual);
    let mut join: Option<(u32, u64)> = None;
    let mut borrow: Option<(u32, u64)> = None;
    for &(child, size, accepted) in &split.children {
        if !accepted {
            continue;
        }
        let joining = u64::from(size) * cost(child);
        if join.is_none_or(|(_, c)| joining < c) {
            join = Some((child, joining));
        }
        let lending = u64::from(need) * cost(child);
        if !criteria.any() && need > 0 && size >= min_size + need && borrow.is_none_or(|(_, c)| lending < c) {
            borrow = Some((child, lending));
        }
    }
    let Some((child, joining)) = join else { return false };
    if let Some((lender, lending)) = borrow {
        if lending < joining {
            split.borrow = Some((lender, need));
            return true;
        }
    }
    split.join = Some(child);
    if !criteria.any() {
        return true;
    }
    let joined: Vec<u32> = rows.iter().copied().filter(|&r| child_of(r) == child || in_residual(r, split)).collect();
    criteria.pass(&joined)
}

#[cfg(test)]
mod tests {
    use crate::search::{anonymise, AnonymiseConfig, Unlimited};
    use crate::table::{read_table, ReadOptions};

    macro_rules! adult_hierarchy {
        ($name:literal) => {
            ($name, include_str!(concat!("../../../tests/fixtures/adult/adult_hierarchy_", $name, ".csv")))
        };
    }

    #[test]
    #[ignore = "timing: cargo test --release -p masque-core --lib adult_timing -- --ignored --nocapture"]
    fn adult_timing() {
        let table = read_table(include_bytes!("../../../tests/fixtures/adult/adult.csv"), &ReadOptions::default())
            .unwrap()
            .table;
        let qis = [
            adult_hierarchy!("age"),
            adult_hierarchy!("sex"),
            adult_hierarchy!("race"),
            adult_hierarchy!("marital-status"),
            adult_hierarchy!("education"),
            adult_hierarchy!("native-country"),
            adult_hierarchy!("workclass"),
            adult_hierarchy!("occupation"),
        ];
        let qis: Vec<String> = qis
            .iter()
            .map(|(q, h)| {
                format!(
                    "{}: {{\"hierarchy\": {}}}",
                    serde_json::to_string(q).unwrap(),
                    serde_json::to_string(h).unwrap()
                )
            })
            .collect();
        for k in [2, 5, 10, 50] {
            let config = AnonymiseConfig::from_json(&format!(
                r#"{{"quasi_identifiers": {{{}}}, "k": {k}, "recoding": "local"}}"#,
                qis.join(", ")
            ))
            .unwrap();
            let start = std::time::Instant::now();
            let done = anonymise(&table, &config, &mut Unlimited).unwrap();
            let ms = start.elapsed().as_secs_f64() * 1e3;
            let start = std::time::Instant::now();
            let problem = super::Problem::new(&table, &config).unwrap();
            let prep = start.elapsed().as_secs_f64() * 1e3;
            let mut control =
                super::Control { monitor: &mut Unlimited, max_nodes: None, lattice_size: 0, stopped: false };
            let start = std::time::Instant::now();
            super::recode(&problem, &mut control).unwrap();
            let algo = start.elapsed().as_secs_f64() * 1e3;
            println!(
                "k={k} ncp={:.4} k_out={} classes={} total={ms:.1}ms problem={prep:.1}ms recode={algo:.1}ms",
                done.result.ncp.value, done.result.k, done.result.classes
            );
        }
    }
}
