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
//!    of its hierarchy (which must be one value, such as `*`). If that
//!    partition fails the criteria (fewer than `k` rows, a sensitive
//!    attribute not l-diverse), there is no solution. A quasi-identifier
//!    with a `max_level` below its top starts there instead: the rows are
//!    grouped by their nodes at the `max_level`s, one partition per group
//!    (in label-code order, rows in order within it). No step below makes
//!    a partition larger or goes above its starting levels, so a group that
//!    fails the criteria can never be fixed: that is an error naming the
//!    bounds that block ([`SearchErrorKind::BoundBlocks`]), never a value.
//! 2. A partition is first *tightened*: a quasi-identifier goes down a level
//!    as long as all its rows share their label at the level below (free:
//!    the partition is unchanged, each of its cells loses less).
//! 3. To split a partition on a quasi-identifier at level `l > min_level`,
//!    its rows are grouped by their label at `l − 1` (the node's children).
//!    Children with at least `min_size` rows (k, or more for l-diversity)
//!    that meet the sensitive criteria are *accepted*: each becomes a
//!    partition at `l − 1`. The rows of the other children form a
//!    *residual* partition that stays at `l` if it meets the criteria.
//!    Otherwise, without sensitive criteria, it may *borrow* the rows it
//!    lacks from an accepted child that keeps `min_size` (its first rows;
//!    they then stay at `l`), or it *joins* an accepted child, which then
//!    stays at `l`: whichever loses less (ties to joining, then the lowest
//!    label code). If no child is accepted, or the joined partition fails
//!    the criteria, there is no split on that quasi-identifier.
//! 4. Of the possible splits, the one that lowers the NCP of the partition's
//!    cells most is made (rows moved down times their loss saved, see
//!    [`super::utility`]), looking one step ahead: a split scores what it
//!    saves plus, for each partition it makes, what tightening and its best
//!    split (on sizes alone) would save next. Ties go to the first
//!    quasi-identifier in configuration order; the new partitions are
//!    processed in turn (a stack, children in label-code order). A
//!    partition with no possible split is final.
//! 5. A partition of `2 min_size` to `16 min_size` rows (at most 256) is
//!    split all the way as above, and also grouped by greedy k-member
//!    clustering (Byun et al. 2007: groups of `min_size` rows grown from the
//!    first row left by adding the row that raises the group's loss least,
//!    the last group taking the rest), each group's cells written as the
//!    lowest common node of its rows; the clustering is kept when it loses
//!    less (ties to the splits). The same choice is made again, on its own,
//!    for every smaller partition the splits make. Used without sensitive
//!    criteria only.
//!
//! A residual (with or without borrowed rows), and a child a residual
//! joined, can never again be split on that quasi-identifier (its children
//! there are still too small), so it is frozen for them.
//!
//! Every partition made meets the criteria: children and residuals are
//! checked, and a partition is only replaced by checked ones (a cluster has
//! at least `min_size` rows, and clustering only runs without sensitive
//! criteria). Output classes
//! are unions of partitions (two partitions with the same labels), and a
//! union of classes that each have `k` rows, `l` distinct values, entropy at
//! least `ln l` (entropy is concave) or a distance at most `t` (the EMD is
//! convex) has them too; recursive (c,l)-diversity is checked on the output
//! classes afterwards, with the others, by [`crate::privacy::analyse`].
//!
//! The work is on dictionary codes and the hierarchy's code -> label maps:
//! a split reads each row of the partition once per quasi-identifier, with
//! buffers reused between partitions. Each quasi-identifier's codes are kept
//! in the order of the partitions' rows and moved with them (and laid out
//! again for the lookahead), so that a split reads them in sequence rather
//! than gathering them from the whole column (two extra copies of the codes:
//! 48 MB for 1M rows and 6 quasi-identifiers). Clustering keeps each
//! candidate row's loss per quasi-identifier and recomputes one only when
//! the group's node there changes; nothing depends on hash order, so the
//! same input gives the same output on every platform. Stopping early (the
//! caller's monitor) keeps the partitions made so far, which are valid.

use super::error::{SearchError, SearchErrorKind};
use super::problem::{Problem, SensitiveCheck};
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
    /// Per level below the top, per label, its label one level up.
    parents: Vec<Vec<u32>>,
    /// `1 / (hierarchy rows - 1)`, 0 for a one-row hierarchy.
    scale: f64,
    min: u16,
    /// `max_level`: no cell goes above it.
    max: u16,
}

/// A partition: `rows[start..end]`, and its levels and frozen flags at
/// `index * dims`.
#[derive(Clone, Copy)]
struct Part {
    start: usize,
    end: usize,
}

/// The sensitive-criteria check of a set of rows (also cell suppression's).
pub(super) struct Criteria<'p, 't> {
    problem: &'p Problem<'t>,
    /// Per sensitive attribute, each row's value number.
    values: Vec<Vec<u32>>,
    buffer: Vec<u32>,
    distinct: Vec<u32>,
    counts: Vec<u32>,
    scratch: Vec<u32>,
}

impl<'p, 't> Criteria<'p, 't> {
    /// The check of `problem`'s sensitive criteria.
    pub(super) fn new(problem: &'p Problem<'t>) -> Criteria<'p, 't> {
        Criteria {
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
        }
    }

    /// Whether `rows` (at least `min_size` of them) meet every sensitive criterion.
    pub(super) fn pass(&mut self, rows: &[u32]) -> bool {
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

    /// Whether a sensitive criterion can fail a set of rows (a column only
    /// measured, `{}`, cannot: it must not turn off borrowing and clustering).
    fn any(&self) -> bool {
        self.problem.sensitive.iter().any(SensitiveCheck::can_fail)
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
}

/// Runs local recoding on a prepared problem.
pub(crate) fn recode(problem: &Problem<'_>, control: &mut Control<'_>) -> Result<LocalSolution, SearchError> {
    recode_with(problem, control, SMALL_GROUPS, true)
}

/// [`recode`] with its tuning: the small partitions' bound, and whether to look one step ahead.
pub(crate) fn recode_with(
    problem: &Problem<'_>,
    control: &mut Control<'_>,
    small_groups: u64,
    lookahead: bool,
) -> Result<LocalSolution, SearchError> {
    let n = problem.dims.first().map_or(0, |d| d.column.codes.len());
    let mut dims = Vec::with_capacity(problem.dims.len());
    for (i, d) in problem.dims.iter().enumerate() {
        let h = &d.hierarchy;
        let top = h.height() - 1;
        let codes = d.column.codes.as_slice();
        let domain = h.map(0).len();
        if let Some(row) = codes.iter().position(|&c| c as usize >= domain) {
            return Err(PrivacyError::new(PrivacyErrorKind::CodeOutOfRange { slice: Some(i), row: row + 1 }).into());
        }
        // A bounded quasi-identifier starts at its `max_level`, one partition
        // per node there; an unbounded one at its top, which must be one node.
        if d.max as usize >= top && h.labels_in_use(top) > 1 {
            return Err(SearchError::config(
                &format!("quasi_identifiers.{}", d.column.name),
                "local recoding needs a hierarchy whose top level is one value (such as `*`)",
            ));
        }
        let rows_of_hierarchy = h.hierarchy_rows();
        let weight = problem.metric.weight(i);
        let parents = (0..top)
            .map(|l| {
                let mut up = vec![0u32; h.domain(l)];
                for (&below, &above) in h.map(l).iter().zip(h.map(l + 1)) {
                    up[below as usize] = above;
                }
                up
            })
            .collect();
        dims.push(Dim {
            codes,
            maps: (0..=top).map(|l| h.map(l)).collect(),
            leaves: (0..=top).map(|l| h.label_rows(l)).collect(),
            parents,
            // The column's weight scales its cells' loss (weighted NCP): 0 makes it free.
            scale: if rows_of_hierarchy > 1 { weight / (rows_of_hierarchy - 1) as f64 } else { 0.0 },
            min: d.min as u16,
            max: (d.max as usize).min(top) as u16,
        });
    }
    let mut criteria = Criteria::new(problem);
    let d_count = dims.len();
    let mut rows: Vec<u32> = (0..n as u32).collect();
    if (n as u64) < u64::from(problem.min_size) || !criteria.pass(&rows) {
        return Err(SearchError::new(SearchErrorKind::NoSolution));
    }
    // The starting partitions: the rows grouped by their nodes at `max_level`
    // of the bounded quasi-identifiers (one partition when none is bounded).
    let bounded: Vec<usize> = (0..d_count).filter(|&d| usize::from(dims[d].max) + 1 < dims[d].maps.len()).collect();
    let starts = group_by_nodes(&dims, &bounded, &mut rows);
    if let Some((size, sensitive)) = failing(&starts, &rows, problem.min_size, &mut criteria) {
        // No split makes a group bigger, and no bound lets it merge: name the
        // bounds that block alone (each grouping the rows by itself), or all.
        let mut scratch = rows.clone();
        let alone: Vec<usize> = bounded
            .iter()
            .copied()
            .filter(|&d| {
                let parts = group_by_nodes(&dims, &[d], &mut scratch);
                failing(&parts, &scratch, problem.min_size, &mut criteria).is_some()
            })
            .collect();
        let blocking = if alone.is_empty() { &bounded } else { &alone };
        return Err(SearchError::new(SearchErrorKind::BoundBlocks {
            columns: blocking
                .iter()
                .map(|&d| (problem.dims[d].column.name.to_string(), usize::from(dims[d].max)))
                .collect(),
            rows: size,
            needed: problem.min_size,
            sensitive,
        }));
    }
    let max_domain = problem
        .dims
        .iter()
        .map(|d| (0..d.hierarchy.height()).map(|l| d.hierarchy.domain(l)).max().unwrap_or(0))
        .max()
        .unwrap_or(0);
    let cluster = !criteria.any();
    // Each quasi-identifier's codes in the order of `rows`, kept in step
    // with it: the splits read them in sequence instead of gathering
    // `codes[row]` from all over the column.
    let placed = dims.iter().map(|d| rows.iter().map(|&r| d.codes[r as usize]).collect()).collect();
    let mut state = State {
        placed,
        min_size: problem.min_size,
        levels: starts.iter().flat_map(|_| dims.iter().map(|d| d.max)).collect(),
        frozen: vec![false; d_count * starts.len()],
        dims,
        criteria,
        rows,
        parts: starts,
        bufs: Buffers {
            counts: vec![0u32; max_domain],
            group_of: vec![u32::MAX; max_domain],
            touched: Vec::new(),
            sorted: vec![0; n],
            groups: Vec::new(),
            perm: vec![0; n],
            moved: vec![0; n],
        },
        look: Lookahead {
            rows: vec![0; n],
            codes: vec![vec![0; n]; d_count],
            levels: Vec::new(),
            groups: Vec::new(),
            inner: Split::default(),
        },
        best: Split::default(),
        pool: Vec::new(),
        lookahead,
    };
    let mut finals: Vec<usize> = Vec::new();
    // Processed in order: the first partition on top of the stack.
    let mut stack: Vec<usize> = (0..state.parts.len()).rev().collect();
    let mut made: Vec<usize> = Vec::new();
    let mut processed = 0u64;
    let mut stopped = false;
    let small = (u64::from(problem.min_size) * small_groups).min(SMALL_ROWS);
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
        let size = (state.parts[p].end - state.parts[p].start) as u64;
        if cluster && size >= 2 * u64::from(state.min_size) && size < small {
            state.small(p, &mut finals);
        } else if state.split(p, &mut made) {
            // Processed in order: the first child on top of the stack.
            stack.extend(made.iter().rev());
        } else {
            finals.push(p);
        }
    }
    if stopped {
        control.tick(processed, None, Phase::Local);
    }

    // Each row's levels.
    let mut row_levels = vec![vec![0u16; n]; d_count];
    for &p in &finals {
        let Part { start, end } = state.parts[p];
        for (d, out) in row_levels.iter_mut().enumerate() {
            let level = state.levels[p * d_count + d];
            for &r in &state.rows[start..end] {
                out[r as usize] = level;
            }
        }
    }
    Ok(LocalSolution { row_levels, processed })
}

/// Partitions with fewer than this many times `min_size` rows (and at least
/// two times), and fewer than [`SMALL_ROWS`], are also grouped by
/// clustering, kept when it loses less. (On Adult, k = 5: NCP 0.0591 with
/// neither the clustering nor the lookahead, 0.0581 with the lookahead,
/// 0.0575 with both and 4 here, 0.0568 with 16.)
const SMALL_GROUPS: u64 = 16;

/// The most rows of a partition grouped by clustering (its cost grows with
/// the square of the rows).
const SMALL_ROWS: u64 = 256;

/// The partitions and what splitting them needs.
struct State<'a, 'p, 't> {
    dims: Vec<Dim<'a>>,
    criteria: Criteria<'p, 't>,
    min_size: u32,
    /// Row numbers; each partition is a range of it.
    rows: Vec<u32>,
    /// Per quasi-identifier, the codes of `rows` (the same order).
    placed: Vec<Vec<u32>>,
    parts: Vec<Part>,
    /// Per partition, per quasi-identifier: its level.
    levels: Vec<u16>,
    /// Per partition, per quasi-identifier: whether it can no longer be split there.
    frozen: Vec<bool>,
    bufs: Buffers,
    look: Lookahead,
    best: Split,
    /// The possible splits of a partition.
    pool: Vec<Split>,
    lookahead: bool,
}

impl State<'_, '_, '_> {
    /// Tightens partition `p` and makes its best split, the new partitions
    /// listed in `made` (`p` first, reused); `false` if it has none.
    fn split(&mut self, p: usize, made: &mut Vec<usize>) -> bool {
        let d_count = self.dims.len();
        let Part { start, end } = self.parts[p];
        let own = p * d_count..(p + 1) * d_count;
        tighten(&self.dims, &self.rows[start..end], &mut self.levels[own.clone()]);

        // The best split: the most loss saved by it and, looking one step
        // ahead, by the best split of each partition it makes.
        // The possible splits first; the lookahead only to choose among several.
        let mut count = 0;
        for (d, dim) in self.dims.iter().enumerate() {
            let level = self.levels[p * d_count + d];
            if self.frozen[p * d_count + d] || level <= dim.min {
                continue;
            }
            if self.pool.len() == count {
                self.pool.push(Split::default());
            }
            let range = &self.rows[start..end];
            let codes = &self.placed[d][start..end];
            let (bufs, candidate) = (&mut self.bufs, &mut self.pool[count]);
            if evaluate(dim, d, range, codes, level, self.min_size, Some(&mut self.criteria), bufs, candidate) {
                count += 1;
            }
        }
        if count == 0 {
            return false;
        }
        let mut chosen = 0;
        if count > 1 {
            let mut best_score = f64::NEG_INFINITY;
            for (i, candidate) in self.pool[..count].iter().enumerate() {
                let ahead = if self.lookahead {
                    let range = &self.rows[start..end];
                    let (levels, frozen) = (&self.levels[own.clone()], &self.frozen[own.clone()]);
                    let placed = (self.placed.as_slice(), start);
                    self.look.ahead(&self.dims, candidate, range, placed, levels, frozen, self.min_size, &mut self.bufs)
                } else {
                    0.0
                };
                let score = candidate.gain + ahead;
                if score > best_score {
                    best_score = score;
                    chosen = i;
                }
            }
        }
        std::mem::swap(&mut self.best, &mut self.pool[chosen]);

        // Make the split: the rows laid out by group, each group a partition.
        let d = self.best.dim;
        let level = self.levels[p * d_count + d];
        let mut groups = std::mem::take(&mut self.bufs.groups);
        let (bufs, rows) = (&mut self.bufs, &mut self.rows);
        let out = (&mut bufs.sorted[..], &mut bufs.perm[..]);
        let codes = &self.placed[d][start..end];
        layout(&self.dims[d], &self.best, level, &rows[start..end], codes, &mut bufs.group_of, out, &mut groups);
        rows[start..end].copy_from_slice(&bufs.sorted[..end - start]);
        for codes in &mut self.placed {
            let codes = &mut codes[start..end];
            for (&c, &to) in codes.iter().zip(&bufs.perm) {
                bufs.moved[to as usize] = c;
            }
            codes.copy_from_slice(&bufs.moved[..end - start]);
        }
        made.clear();
        let mut from = start;
        for &(size, new_level, freeze) in &groups {
            let index = self.part(p, made.is_empty(), from, from + size as usize);
            from += size as usize;
            self.levels[index * d_count + d] = new_level;
            self.frozen[index * d_count + d] |= freeze;
            made.push(index);
        }
        self.bufs.groups = groups;
        true
    }

    /// A partition `start..end` with the levels and flags of `p`: `p` itself
    /// when `reuse`, else a new one.
    fn part(&mut self, p: usize, reuse: bool, start: usize, end: usize) -> usize {
        let d_count = self.dims.len();
        if reuse {
            self.parts[p] = Part { start, end };
            return p;
        }
        self.parts.push(Part { start, end });
        self.levels.extend_from_within(p * d_count..(p + 1) * d_count);
        self.frozen.extend_from_within(p * d_count..(p + 1) * d_count);
        self.parts.len() - 1
    }

    /// The loss of the cells of partition `p`.
    fn loss(&self, p: usize) -> f64 {
        let d_count = self.dims.len();
        let Part { start, end } = self.parts[p];
        let first = self.rows[start] as usize;
        let per_row: f64 = self
            .dims
            .iter()
            .zip(&self.levels[p * d_count..(p + 1) * d_count])
            .map(|(dim, &l)| {
                f64::from(dim.leaves[l as usize][dim.maps[l as usize][dim.codes[first] as usize] as usize] - 1)
                    * dim.scale
            })
            .sum();
        per_row * (end - start) as f64
    }

    /// A small partition (from 2 to [`SMALL_GROUPS`] times `min_size` rows):
    /// split all the way by hierarchy nodes, or grouped by clustering
    /// (each group's cells at the lowest common node of its rows), whichever
    /// loses less (ties to the splits). Adds the final partitions to `finals`.
    fn small(&mut self, p: usize, finals: &mut Vec<usize>) {
        let d_count = self.dims.len();
        let Part { start, end } = self.parts[p];
        let own_levels: Vec<u16> = self.levels[p * d_count..(p + 1) * d_count].to_vec();
        let own_frozen: Vec<bool> = self.frozen[p * d_count..(p + 1) * d_count].to_vec();
        let original: Vec<u32> = self.rows[start..end].to_vec();
        // By hierarchy nodes.
        let mut stack = vec![p];
        let mut made = Vec::new();
        let from_finals = finals.len();
        while let Some(q) = stack.pop() {
            let size = self.parts[q].end - self.parts[q].start;
            if q != p && size >= 2 * self.min_size as usize {
                // Smaller still: the same choice, made for it alone.
                self.small(q, finals);
            } else if self.split(q, &mut made) {
                stack.extend(made.iter().rev());
            } else {
                finals.push(q);
            }
        }
        let by_nodes: f64 = finals[from_finals..].iter().map(|&q| self.loss(q)).sum();
        // By clustering.
        let (order, sizes) = cluster(&self.dims, &original, self.min_size as usize);
        let mut by_clusters = 0.0;
        let mut group_levels: Vec<Vec<u16>> = Vec::with_capacity(sizes.len());
        let mut at = 0;
        for &size in &sizes {
            let mut levels = own_levels.clone();
            tighten(&self.dims, &order[at..at + size], &mut levels);
            let first = order[at] as usize;
            let per_row: f64 = self
                .dims
                .iter()
                .zip(&levels)
                .map(|(dim, &l)| {
                    f64::from(dim.leaves[l as usize][dim.maps[l as usize][dim.codes[first] as usize] as usize] - 1)
                        * dim.scale
                })
                .sum();
            by_clusters += per_row * size as f64;
            group_levels.push(levels);
            at += size;
        }
        if by_clusters >= by_nodes {
            return;
        }
        // The clusters replace the splits' partitions (left unused).
        finals.truncate(from_finals);
        self.rows[start..end].copy_from_slice(&order);
        for (codes, dim) in self.placed.iter_mut().zip(&self.dims) {
            for (c, &r) in codes[start..end].iter_mut().zip(&order) {
                *c = dim.codes[r as usize];
            }
        }
        self.levels[p * d_count..(p + 1) * d_count].copy_from_slice(&own_levels);
        self.frozen[p * d_count..(p + 1) * d_count].copy_from_slice(&own_frozen);
        let mut from = start;
        for (g, (&size, levels)) in sizes.iter().zip(&group_levels).enumerate() {
            let index = self.part(p, g == 0, from, from + size);
            from += size;
            self.levels[index * d_count..(index + 1) * d_count].copy_from_slice(levels);
            finals.push(index);
        }
    }
}

/// Greedy k-member clustering (Byun et al. 2007) of `rows`: while at least `2 k` rows are left, a group grows from
/// the row left that is first in order, adding each time the row whose
/// joining raises the group's loss least (ties to the first); the rest is
/// the last group. Returns the rows by group and the group sizes.
fn cluster(dims: &[Dim<'_>], rows: &[u32], k: usize) -> (Vec<u32>, Vec<usize>) {
    let d_count = dims.len();
    let mut left: Vec<u32> = rows.to_vec();
    let mut order = Vec::with_capacity(rows.len());
    let mut sizes = Vec::new();
    // The group's node per quasi-identifier: (level, label).
    let mut nodes: Vec<(u16, u32)> = Vec::with_capacity(d_count);
    // Per row left (in the order of `left`), per quasi-identifier: the loss
    // of its cell were it to join the group, kept while the group's node
    // there does not change (recomputed for that quasi-identifier when it
    // does). A row's cost is the sum of its terms in quasi-identifier order.
    let mut terms: Vec<f64> = Vec::with_capacity(rows.len() * d_count);
    let term = |dim: &Dim<'_>, node: (u16, u32), r: u32| {
        let (l, x) = join_node(dim, node.0, node.1, r);
        f64::from(dim.leaves[l as usize][x as usize] - 1) * dim.scale
    };
    while left.len() >= 2 * k {
        let seed = left.remove(0);
        order.push(seed);
        nodes.clear();
        for dim in dims {
            nodes.push((dim.min, dim.maps[dim.min as usize][dim.codes[seed as usize] as usize]));
        }
        terms.clear();
        for &r in &left {
            for (dim, &node) in dims.iter().zip(&nodes) {
                terms.push(term(dim, node, r));
            }
        }
        for _ in 1..k {
            let mut best: Option<(usize, f64)> = None;
            for (i, row_terms) in terms.chunks_exact(d_count.max(1)).enumerate().take(left.len()) {
                let mut cost = 0.0;
                for &t in row_terms {
                    cost += t;
                }
                if best.is_none_or(|(_, c)| cost < c) {
                    best = Some((i, cost));
                }
            }
            let Some((i, _)) = best else { break };
            let r = left.remove(i);
            terms.drain(i * d_count..(i + 1) * d_count);
            for (d, (dim, node)) in dims.iter().zip(nodes.iter_mut()).enumerate() {
                let joined = join_node(dim, node.0, node.1, r);
                if joined != *node {
                    *node = joined;
                    for (j, &x) in left.iter().enumerate() {
                        terms[j * d_count + d] = term(dim, joined, x);
                    }
                }
            }
            order.push(r);
        }
        sizes.push(k);
    }
    sizes.push(left.len());
    order.extend_from_slice(&left);
    (order, sizes)
}

/// The lowest node at or above `(level, label)` that row `r` is under (the
/// rows of a partition share their node at `max_level`, so there is one).
fn join_node(dim: &Dim<'_>, level: u16, label: u32, r: u32) -> (u16, u32) {
    let code = dim.codes[r as usize] as usize;
    let (mut l, mut theirs) = (level as usize, label);
    let mut mine = dim.maps[l][code];
    while mine != theirs && l + 1 < dim.maps.len() {
        theirs = dim.parents[l][theirs as usize];
        l += 1;
        mine = dim.maps[l][code];
    }
    (l as u16, mine)
}

/// Sorts `rows` by their nodes at `max_level` of the quasi-identifiers `by`
/// (label codes in order, rows in order within a group: a stable sort) and
/// returns the groups as partitions.
fn group_by_nodes(dims: &[Dim<'_>], by: &[usize], rows: &mut [u32]) -> Vec<Part> {
    let label = |d: usize, r: u32| {
        let dim = &dims[d];
        dim.maps[usize::from(dim.max)][dim.codes[r as usize] as usize]
    };
    rows.sort_by(|&a, &b| {
        by.iter().map(|&d| label(d, a).cmp(&label(d, b))).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || by.iter().any(|&d| label(d, rows[i]) != label(d, rows[start])) {
            parts.push(Part { start, end: i });
            start = i;
        }
    }
    parts
}

/// The smallest of `parts` that fails the criteria: its rows, and whether it
/// has `min_size` rows but fails a sensitive criterion (groups too small
/// are reported first).
fn failing(parts: &[Part], rows: &[u32], min_size: u32, criteria: &mut Criteria<'_, '_>) -> Option<(u64, bool)> {
    let mut small: Option<u64> = None;
    let mut sensitive: Option<u64> = None;
    for &Part { start, end } in parts {
        let size = (end - start) as u64;
        if size < u64::from(min_size) {
            small = Some(small.map_or(size, |s| s.min(size)));
        } else if small.is_none() && sensitive.is_none_or(|s| size < s) && !criteria.pass(&rows[start..end]) {
            sensitive = Some(size);
        }
    }
    small.map(|s| (s, false)).or(sensitive.map(|s| (s, true)))
}

/// Buffers of the splits, reused between partitions.
struct Buffers {
    /// Per label, rows counted (zero between uses).
    counts: Vec<u32>,
    /// Per label, its group (`u32::MAX` between uses).
    group_of: Vec<u32>,
    touched: Vec<u32>,
    /// Rows laid out by group.
    sorted: Vec<u32>,
    /// Per group: rows, level, whether frozen.
    groups: Vec<(u32, u16, bool)>,
    /// Per row of a laid-out range, its new position in it.
    perm: Vec<u32>,
    /// Codes being moved to their new positions.
    moved: Vec<u32>,
}

/// The one-step lookahead's buffers.
struct Lookahead {
    rows: Vec<u32>,
    /// Per quasi-identifier, the codes of `rows`.
    codes: Vec<Vec<u32>>,
    levels: Vec<u16>,
    groups: Vec<(u32, u16, bool)>,
    inner: Split,
}

impl Lookahead {
    /// The loss the partitions made by `split` would save next: by tightening,
    /// and by the best split of each (on sizes alone).
    #[allow(clippy::too_many_arguments)]
    fn ahead(
        &mut self,
        dims: &[Dim<'_>],
        split: &Split,
        rows: &[u32],
        (placed, start): (&[Vec<u32>], usize),
        levels: &[u16],
        frozen: &[bool],
        min_size: u32,
        bufs: &mut Buffers,
    ) -> f64 {
        let d = split.dim;
        let out = (&mut self.rows[..], &mut bufs.perm[..]);
        let codes = &placed[d][start..start + rows.len()];
        layout(&dims[d], split, levels[d], rows, codes, &mut bufs.group_of, out, &mut self.groups);
        for (from, to) in placed.iter().zip(self.codes.iter_mut()) {
            for (&c, &p) in from[start..start + rows.len()].iter().zip(&bufs.perm) {
                to[p as usize] = c;
            }
        }
        let mut total = 0.0;
        let mut at = 0usize;
        for &(size, new_level, freeze) in &self.groups {
            let (from, to) = (at, at + size as usize);
            let slice = &self.rows[from..to];
            at = to;
            self.levels.clear();
            self.levels.extend_from_slice(levels);
            self.levels[d] = new_level;
            total += tighten(dims, slice, &mut self.levels);
            let mut next = 0.0f64;
            for (d2, dim) in dims.iter().enumerate() {
                let level = self.levels[d2];
                if frozen[d2] || (d2 == d && freeze) || level <= dim.min {
                    continue;
                }
                if evaluate(dim, d2, slice, &self.codes[d2][from..to], level, min_size, None, bufs, &mut self.inner) {
                    next = next.max(self.inner.gain);
                }
            }
            total += next;
        }
        total
    }
}

/// Evaluates the split of `rows` (a partition at `level` of quasi-identifier
/// `d`, `codes` its rows' codes there) into `out`: `false` if there is none or it saves nothing. Without
/// `criteria`, only sizes are checked.
#[allow(clippy::too_many_arguments)]
fn evaluate(
    dim: &Dim<'_>,
    d: usize,
    rows: &[u32],
    codes: &[u32],
    level: u16,
    min_size: u32,
    criteria: Option<&mut Criteria<'_, '_>>,
    bufs: &mut Buffers,
    out: &mut Split,
) -> bool {
    let below = dim.maps[level as usize - 1];
    for &code in codes {
        let child = below[code as usize];
        let c = &mut bufs.counts[child as usize];
        if *c == 0 {
            bufs.touched.push(child);
        }
        *c += 1;
    }
    bufs.touched.sort_unstable();
    out.dim = d;
    out.children.clear();
    for &child in &bufs.touched {
        let size = std::mem::take(&mut bufs.counts[child as usize]);
        out.children.push((child, size, size >= min_size));
    }
    bufs.touched.clear();
    let criteria = criteria.filter(|c| c.any());
    let Some(criteria) = criteria else {
        return settle(out, min_size, None, rows, dim, level);
    };
    if out.children.iter().any(|c| c.2) {
        // Group the rows by child to check each accepted one.
        group_rows(
            rows,
            |r| below[dim.codes[r as usize] as usize],
            &out.children,
            &mut bufs.group_of,
            &mut bufs.sorted,
        );
        let mut at = 0;
        for child in out.children.iter_mut() {
            let slice = &bufs.sorted[at..at + child.1 as usize];
            at += child.1 as usize;
            if child.2 && !criteria.pass(slice) {
                child.2 = false;
            }
        }
    }
    settle(out, min_size, Some(criteria), rows, dim, level)
}

/// Lays `rows` (`codes`, their codes of the split's quasi-identifier) out
/// in `out` by the groups of `split` (accepted children in label order,
/// less the joined one and the rows lent, then the residual), each row's new
/// position in `perm`, and lists the groups (rows, level, frozen) in `groups`.
#[allow(clippy::too_many_arguments)]
fn layout(
    dim: &Dim<'_>,
    split: &Split,
    level: u16,
    rows: &[u32],
    codes: &[u32],
    group_of: &mut [u32],
    (out, perm): (&mut [u32], &mut [u32]),
    groups: &mut Vec<(u32, u16, bool)>,
) {
    let below = dim.maps[level as usize - 1];
    groups.clear();
    let (lender, mut lend) = split.borrow.unwrap_or((u32::MAX, 0));
    for &(child, size, accepted) in &split.children {
        if accepted && split.join != Some(child) {
            group_of[child as usize] = groups.len() as u32;
            let size = if child == lender { size - lend } else { size };
            groups.push((size, level - 1, false));
        }
    }
    let rest = groups.len() as u32;
    let mut rest_rows = lend;
    for &(child, size, accepted) in &split.children {
        if !accepted || split.join == Some(child) {
            group_of[child as usize] = rest;
            rest_rows += size;
        }
    }
    if rest_rows > 0 {
        groups.push((rest_rows, level, true));
    }
    // A counting sort of the rows by group; the lender's first rows go to the residual.
    let mut cursor: Vec<usize> = Vec::with_capacity(groups.len());
    let mut at = 0usize;
    for g in groups.iter() {
        cursor.push(at);
        at += g.0 as usize;
    }
    for ((&r, &code), to) in rows.iter().zip(codes).zip(perm.iter_mut()) {
        let child = below[code as usize];
        let mut g = group_of[child as usize] as usize;
        if child == lender && lend > 0 {
            lend -= 1;
            g = rest as usize;
        }
        out[cursor[g]] = r;
        *to = cursor[g] as u32;
        cursor[g] += 1;
    }
    for c in &split.children {
        group_of[c.0 as usize] = u32::MAX;
    }
}

/// Lowers each level while every row of the partition shares its label one
/// level down; returns the loss saved.
fn tighten(dims: &[Dim<'_>], rows: &[u32], levels: &mut [u16]) -> f64 {
    let Some(&first) = rows.first() else { return 0.0 };
    let mut saved = 0.0;
    for (dim, level) in dims.iter().zip(levels.iter_mut()) {
        let code = dim.codes[first as usize] as usize;
        let before = dim.leaves[*level as usize][dim.maps[*level as usize][code] as usize];
        let mut moved = false;
        while *level > dim.min {
            let below = dim.maps[*level as usize - 1];
            let label = below[code];
            if rows.iter().all(|&r| below[dim.codes[r as usize] as usize] == label) {
                *level -= 1;
                moved = true;
            } else {
                break;
            }
        }
        if moved {
            let after = dim.leaves[*level as usize][dim.maps[*level as usize][code] as usize];
            saved += f64::from(before - after) * rows.len() as f64 * dim.scale;
        }
    }
    saved
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

/// Decides the residual's fate and the loss the split saves (`out.gain`);
/// `false` when the split is impossible or saves nothing.
fn settle(
    split: &mut Split,
    min_size: u32,
    mut criteria: Option<&mut Criteria<'_, '_>>,
    rows: &[u32],
    dim: &Dim<'_>,
    level: u16,
) -> bool {
    split.join = None;
    split.borrow = None;
    split.gain = 0.0;
    if !split.children.iter().any(|c| c.2) {
        return false;
    }
    let below = dim.maps[level as usize - 1];
    let child_of = |r: u32| below[dim.codes[r as usize] as usize];
    let parent_leaves = rows
        .first()
        .map_or(0, |&r| dim.leaves[level as usize][dim.maps[level as usize][dim.codes[r as usize] as usize] as usize]);
    let child_leaves = dim.leaves[level as usize - 1];
    let cost = |child: u32| u64::from(parent_leaves.saturating_sub(child_leaves[child as usize]));
    let residual: u32 = split.children.iter().filter(|c| !c.2).map(|c| c.1).sum();
    let in_residual = |r: u32, split: &Split| {
        let child = child_of(r);
        split.children.iter().any(|c| c.0 == child && !c.2)
    };
    let mut settled = residual == 0;
    if !settled && residual >= min_size {
        settled = match criteria.as_deref_mut() {
            None => true,
            Some(criteria) => {
                let rest: Vec<u32> = rows.iter().copied().filter(|&r| in_residual(r, split)).collect();
                criteria.pass(&rest)
            }
        };
    }
    if !settled {
        // Without sensitive criteria, the residual may borrow the rows it
        // lacks from an accepted child that keeps enough (those rows then
        // lose the child's detail); or it joins an accepted child (all of
        // whose rows do). The cheaper of the two, ties to joining, then the
        // lowest label code.
        let need = min_size.saturating_sub(residual);
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
            if criteria.is_none() && need > 0 && size >= min_size + need && borrow.is_none_or(|(_, c)| lending < c) {
                borrow = Some((child, lending));
            }
        }
        let Some((child, joining)) = join else { return false };
        match borrow {
            Some((lender, lending)) if lending < joining => split.borrow = Some((lender, need)),
            _ => {
                split.join = Some(child);
                if let Some(criteria) = criteria {
                    let joined: Vec<u32> =
                        rows.iter().copied().filter(|&r| child_of(r) == child || in_residual(r, split)).collect();
                    if !criteria.pass(&joined) {
                        return false;
                    }
                }
            }
        }
    }
    // The loss saved: rows of accepted children (not the joined one, not
    // the rows lent) go down a level.
    let mut saved = 0u64;
    for &(child, size, accepted) in &split.children {
        if accepted && split.join != Some(child) {
            saved += u64::from(size) * cost(child);
        }
    }
    if let Some((child, need)) = split.borrow {
        saved -= u64::from(need) * cost(child);
    }
    split.gain = saved as f64 * dim.scale;
    saved > 0
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
            // The fastest of five runs (the machine may be shared).
            // Also the thread's CPU time (Linux), which a busy machine does not inflate.
            let cpu = || -> f64 {
                std::fs::read_to_string("/proc/thread-self/schedstat")
                    .ok()
                    .and_then(|t| t.split_whitespace().next().and_then(|n| n.parse::<f64>().ok()))
                    .map_or(f64::NAN, |ns| ns / 1e6)
            };
            let (mut ms, mut cpu_ms) = (f64::INFINITY, f64::INFINITY);
            let mut done = None;
            for _ in 0..5 {
                let (start, start_cpu) = (std::time::Instant::now(), cpu());
                done = Some(anonymise(&table, &config, &mut Unlimited).unwrap());
                ms = ms.min(start.elapsed().as_secs_f64() * 1e3);
                cpu_ms = cpu_ms.min(cpu() - start_cpu);
            }
            let done = done.unwrap();
            // The utility section alone, measured again on the output.
            let hierarchies: Vec<crate::hierarchy::ColumnHierarchy> = qis
                .iter()
                .map(|q| {
                    let name: String = serde_json::from_str(q.split(": ").next().unwrap()).unwrap();
                    let text: String =
                        serde_json::from_str(&q[q.find("\"hierarchy\": ").unwrap() + 13..q.len() - 1]).unwrap();
                    let h = crate::hierarchy::arx::parse(text.as_bytes()).unwrap();
                    crate::hierarchy::ColumnHierarchy::new(table.column(&name).unwrap(), &h).unwrap()
                })
                .collect();
            let (mut utility_ms, mut utility_cpu) = (f64::INFINITY, f64::INFINITY);
            for _ in 0..5 {
                let (start, start_cpu) = (std::time::Instant::now(), cpu());
                let u = super::super::utility::utility(&table, &done.table, &hierarchies, &[], None).unwrap();
                utility_ms = utility_ms.min(start.elapsed().as_secs_f64() * 1e3);
                utility_cpu = utility_cpu.min(cpu() - start_cpu);
                assert_eq!(u, done.result.utility);
            }
            let r = done.result;
            println!(
                "k={k} ncp={:.5} k_out={} classes={} anonymise={ms:.1}ms (cpu {cpu_ms:.1}ms), of which utility \
                 {utility_ms:.1}ms (cpu {utility_cpu:.1}ms)",
                r.ncp.value, r.k, r.classes
            );
        }
    }
}
