//! Checking one lattice node: its classes (rolled up from a cached finer
//! node), which classes fail the privacy criteria, whether the node is
//! anonymous, its metric and its class bound.
//!
//! A class *fails* when it has fewer than `k` rows (or fewer rows than an
//! l-diversity criterion needs values), or when its distribution of a
//! sensitive attribute fails one of that attribute's criteria. The
//! per-class tests are [`crate::privacy`]'s (`ClassDistribution`'s
//! l-diversity tests, `SensitiveValues::class_distance` for t-closeness); a
//! class's distribution is the sum of the distributions of its bottom
//! classes, tallied once. Failing classes are suppressed; the node is
//! *anonymous* when at most `max_suppressed` rows are, as in ARX.
//!
//! Grouping stops early when a node has more classes than an anonymous node
//! can have (`rows / min_size + max_suppressed`): such a node is not
//! anonymous, whatever its classes.
//!
//! Computed class lists are kept in a small cache (at most [`MAX_ENTRIES`]
//! lists, and a memory budget of the larger of 16 MiB and the bottom node's
//! size); a node is rolled up from the cached node below it with the fewest
//! classes, else from the bottom node.

use super::criteria::RiskScratch;
use super::error::SearchError;
use super::groups::{self, ClassList, DimMaps, Grouping};
use super::population_table::Matcher;
use super::problem::Problem;
use crate::privacy::sensitive::ClassDistribution;
use crate::privacy::{PrivacyError, SensitiveValues};

/// What checking a node tells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Evaluation {
    /// The criteria hold with at most `max_suppressed` rows suppressed.
    pub anonymous: bool,
    /// The classes too small to meet the criteria, or failing the monotone
    /// part of the population table's criteria, hold at most
    /// `max_suppressed` rows (necessary for `anonymous`, and monotone).
    pub sizes_pass: bool,
    /// Rows in failing classes (for a non-anonymous node, possibly only those
    /// failing the class-size test: the sensitive tests are skipped once the
    /// limit is exceeded).
    pub suppressed: u64,
    /// Classes, suppressed ones included.
    pub classes: usize,
    /// The metric (infinite for a node that is not anonymous).
    pub metric: f64,
    /// The class bound (see [`super::metric`]).
    pub bound: f64,
}

/// The classes of a node with the rows' suppression, for the output.
pub(crate) struct Solution {
    /// Per row, whether it is suppressed.
    pub row_suppressed: Vec<bool>,
    /// The node's evaluation.
    pub evaluation: Evaluation,
    /// The smallest kept class (0 if every row is suppressed).
    pub smallest: u32,
    /// The number of classes kept.
    pub kept_classes: usize,
    /// With a population table: the fewest population rows a kept class
    /// matches, and the lowest and highest δ of the kept classes (`None`
    /// when every row is suppressed).
    pub population: Option<(u32, f64, f64)>,
}

struct Entry {
    list: ClassList,
    used: u64,
}

/// A sensitive attribute's values in each class of the bottom node: sorted
/// value numbers and their counts, `start[b]..start[b + 1]` for class `b`.
struct BottomValues {
    start: Vec<usize>,
    values: Vec<u32>,
    counts: Vec<u32>,
}

impl BottomValues {
    /// Tallies the rows' values by bottom class (a counting sort), row `i`
    /// counting `weights[i]` when weights are given, else 1 (each class's
    /// weights add up to at most its size, a `u32`).
    fn new(
        row_bottom: &[u32],
        classes: usize,
        codes: &[u32],
        values: &SensitiveValues,
        weights: Option<&[u64]>,
    ) -> BottomValues {
        let mut sizes = vec![0usize; classes + 1];
        for &b in row_bottom {
            sizes[b as usize + 1] += 1;
        }
        for i in 1..sizes.len() {
            sizes[i] += sizes[i - 1];
        }
        let mut cursor = sizes.clone();
        let mut grouped = vec![(0u32, 0u32); row_bottom.len()];
        for (row, (&b, &code)) in row_bottom.iter().zip(codes).enumerate() {
            let weight = weights.map_or(1, |w| w[row] as u32);
            // invariant: every row's code is a value of the table (SensitiveValues counts them all).
            grouped[cursor[b as usize]] = (values.value_of(code).unwrap_or(0), weight);
            cursor[b as usize] += 1;
        }
        let mut out = BottomValues { start: Vec::with_capacity(classes + 1), values: Vec::new(), counts: Vec::new() };
        out.start.push(0);
        for b in 0..classes {
            let slice = &mut grouped[sizes[b]..sizes[b + 1]];
            slice.sort_unstable();
            let mut i = 0;
            while i < slice.len() {
                let v = slice[i].0;
                let mut count = 0u32;
                while i < slice.len() && slice[i].0 == v {
                    count += slice[i].1;
                    i += 1;
                }
                out.values.push(v);
                out.counts.push(count);
            }
            out.start.push(out.values.len());
        }
        out
    }

    fn class(&self, b: usize) -> (&[u32], &[u32]) {
        let range = self.start[b]..self.start[b + 1];
        (&self.values[range.clone()], &self.counts[range])
    }
}

/// Buffers of the sensitive-attribute checks.
#[derive(Default)]
struct SensitiveScratch {
    /// Per class, where its bottom classes start in `members`.
    start: Vec<usize>,
    /// Bottom classes, by class.
    members: Vec<u32>,
    tally: Vec<u32>,
    touched: Vec<u32>,
    values: Vec<u32>,
    counts: Vec<u32>,
    cursor: Vec<usize>,
    scratch: Vec<u32>,
}

/// Most nodes kept for roll-ups.
const MAX_ENTRIES: usize = 256;
/// The cache may hold at least this many 4-byte words (16 MiB).
const MIN_CACHE_WORDS: usize = 1 << 22;

/// Checks nodes of one problem, caching their classes for later roll-ups.
pub(crate) struct Engine<'p, 't> {
    problem: &'p Problem<'t>,
    dims: Vec<DimMaps<'p>>,
    bottom: ClassList,
    row_bottom: Vec<u32>,
    cache: Vec<Entry>,
    cache_words: usize,
    budget_words: usize,
    clock: u64,
    grouping: Grouping,
    of_source: Vec<u32>,
    failing: Vec<bool>,
    /// The risk criteria's buffers.
    risk: RiskScratch,
    spare: Vec<ClassList>,
    sensitive: SensitiveScratch,
    /// Per sensitive attribute, its values in each bottom class.
    bottom_values: Vec<BottomValues>,
    /// The population table's classes, when there is one.
    matcher: Option<Matcher>,
    /// Rows in the table.
    rows: usize,
    /// The most classes an anonymous node can have (see [`Engine::new`]).
    class_limit: usize,
    /// Nodes whose classes were computed.
    pub checked: u64,
}

impl<'p, 't> Engine<'p, 't> {
    /// Groups the rows at the bottom of the lattice (`bottom` levels).
    pub(crate) fn new(problem: &'p Problem<'t>, bottom: &[u32]) -> Result<Engine<'p, 't>, SearchError> {
        // With a population table, the maps cover its values too (the
        // file's codes keep their labels).
        let dims: Vec<DimMaps<'p>> = match problem.population_table() {
            Some(p) => p.dims(&problem.dims),
            None => problem
                .dims
                .iter()
                .map(|d| {
                    let h = &d.hierarchy;
                    DimMaps {
                        maps: (0..h.height()).map(|l| h.map(l)).collect(),
                        domains: (0..h.height()).map(|l| h.domain(l) as u64).collect(),
                    }
                })
                .collect(),
        };
        let matcher = problem.population_table().map(|p| Matcher::new(p, &dims, bottom)).transpose()?;
        let codes: Vec<&[u32]> = problem.dims.iter().map(|d| d.column.codes.as_slice()).collect();
        let (mut bottom, row_bottom) = groups::bottom(&dims, &codes, bottom)?;
        if let Some(weights) = problem.weights {
            // A bottom class has the rows its rows stand for (the caller
            // checked that all the weights add up to at most u32::MAX).
            let mut sizes = vec![0u64; bottom.len()];
            for (&b, &w) in row_bottom.iter().zip(weights) {
                sizes[b as usize] += w;
            }
            bottom.sizes = sizes.into_iter().map(|s| s as u32).collect();
        }
        if problem.sensitive.is_empty() {
            bottom.of_bottom = None;
        }
        let budget_words = MIN_CACHE_WORDS.max(bottom.words());
        // An anonymous node keeps at least `rows - max_suppressed` rows in
        // classes of at least `min_size` rows, and suppresses at most
        // `max_suppressed` rows (so as many classes): a node with more
        // classes than that is not anonymous, and its grouping can stop there.
        let rows = problem.rows;
        let class_limit = if problem.min_size >= 2 {
            (rows / problem.min_size as usize).saturating_add(problem.max_suppressed.min(rows as u64) as usize)
        } else {
            usize::MAX
        };
        let bottom_values = problem
            .sensitive
            .iter()
            .map(|check| {
                BottomValues::new(&row_bottom, bottom.len(), &check.column.codes, &check.values, problem.weights)
            })
            .collect();
        Ok(Engine {
            problem,
            dims,
            bottom,
            row_bottom,
            cache: Vec::new(),
            cache_words: 0,
            budget_words,
            clock: 0,
            grouping: Grouping::default(),
            of_source: Vec::new(),
            failing: Vec::new(),
            risk: RiskScratch::default(),
            spare: Vec::new(),
            sensitive: SensitiveScratch::default(),
            bottom_values,
            matcher,
            rows,
            class_limit,
            checked: 0,
        })
    }

    /// Computes the classes of `levels` from the smallest cached node below
    /// it; `None` if there are more than `limit`.
    fn classes(&mut self, levels: &[u32], limit: usize) -> Option<ClassList> {
        self.clock += 1;
        let below = |l: &ClassList| l.levels.iter().zip(levels).all(|(a, b)| a <= b);
        let mut best: Option<usize> = None;
        for (i, e) in self.cache.iter().enumerate() {
            if below(&e.list) && best.is_none_or(|b| e.list.len() < self.cache[b].list.len()) {
                best = Some(i);
            }
        }
        let best = best.filter(|&b| self.cache[b].list.len() < self.bottom.len());
        let mut out = self.spare.pop().unwrap_or_default();
        let mut of_bottom = out.of_bottom.take().unwrap_or_default();
        let source = match best {
            Some(i) => {
                self.cache[i].used = self.clock;
                &self.cache[i].list
            }
            None => &self.bottom,
        };
        if !self.grouping.rollup(&self.dims, source, levels, &mut out, &mut self.of_source, limit) {
            self.spare.push(out);
            return None;
        }
        if let Some(source_of_bottom) = &source.of_bottom {
            of_bottom.clear();
            of_bottom.extend(source_of_bottom.iter().map(|&c| self.of_source[c as usize]));
            out.of_bottom = Some(of_bottom);
        }
        Some(out)
    }

    fn remember(&mut self, list: ClassList) {
        let words = list.words();
        if words > self.budget_words / 2 {
            if self.spare.len() < 4 {
                self.spare.push(list);
            }
            return;
        }
        while !self.cache.is_empty()
            && (self.cache.len() >= MAX_ENTRIES || self.cache_words + words > self.budget_words)
        {
            let oldest = (0..self.cache.len()).min_by_key(|&i| self.cache[i].used).unwrap_or(0);
            let e = self.cache.swap_remove(oldest);
            self.cache_words -= e.list.words();
            if self.spare.len() < 4 {
                self.spare.push(e.list);
            }
        }
        self.cache_words += words;
        self.cache.push(Entry { list, used: self.clock });
    }

    /// Checks the node `levels`.
    pub(crate) fn evaluate(&mut self, levels: &[u32]) -> Result<Evaluation, PrivacyError> {
        self.checked += 1;
        let Some(list) = self.classes(levels, self.class_limit) else {
            // Too many classes for enough of them to have `min_size` rows.
            return Ok(Evaluation {
                anonymous: false,
                sizes_pass: false,
                suppressed: self.rows as u64,
                classes: self.class_limit,
                metric: f64::INFINITY,
                bound: self.problem.metric.node_bound(levels),
            });
        };
        let evaluation = self.judge(&list)?;
        self.remember(list);
        Ok(evaluation)
    }

    /// Whether the class-size part of anonymity holds at `levels` (the rows
    /// of classes smaller than `min_size`, or failing the monotone part of
    /// the population table's criteria, are at most the limit), without
    /// checking the other criteria: what the optimal search tags when
    /// anonymity is not monotone.
    pub(crate) fn sizes_pass(&mut self, levels: &[u32]) -> bool {
        self.checked += 1;
        let Some(list) = self.classes(levels, self.class_limit) else { return false };
        let p = self.problem;
        let min_size = p.min_size;
        let mut small: u64 = list.sizes.iter().filter(|&&s| s < min_size).map(|&s| u64::from(s)).sum();
        if let (true, Some(matcher), Some(population)) =
            (small <= p.max_suppressed, &mut self.matcher, p.population_table())
        {
            let suppression = p.max_suppressed > 0;
            let matches = matcher.matches(&self.dims, &list);
            for (&size, &n) in list.sizes.iter().zip(matches) {
                if size >= min_size && population.fails_monotone_part(size, n, suppression) {
                    small += u64::from(size);
                }
            }
        }
        self.remember(list);
        small <= p.max_suppressed
    }

    /// Whether every node passes the class-size part (no class is too
    /// small, and the population table's criteria have no monotone part).
    pub(crate) fn sizes_always_pass(&self) -> bool {
        let p = self.problem;
        p.min_size <= 1 && p.population_table().is_none_or(|t| !t.has_monotone_part(p.max_suppressed > 0))
    }

    /// The metric of an anonymous node that suppresses nothing, when the
    /// node bound is exact for it (no grouping needed).
    pub(crate) fn node_bound(&self, levels: &[u32]) -> f64 {
        self.problem.metric.node_bound(levels)
    }

    /// Checks the node `levels` and returns the suppression of each row.
    pub(crate) fn solution(&mut self, levels: &[u32]) -> Result<Solution, PrivacyError> {
        // From the bottom, so that the classes of the rows are known.
        let mut list = ClassList::default();
        self.grouping.rollup(&self.dims, &self.bottom, levels, &mut list, &mut self.of_source, usize::MAX);
        list.of_bottom = Some(self.of_source.clone());
        let evaluation = self.judge(&list)?;
        let row_suppressed: Vec<bool> =
            self.row_bottom.iter().map(|&b| self.failing[self.of_source[b as usize] as usize]).collect();
        let smallest = list.sizes.iter().zip(&self.failing).filter(|(_, &f)| !f).map(|(&s, _)| s).min().unwrap_or(0);
        let kept_classes = self.failing.iter().filter(|&&f| !f).count();
        let population = match &mut self.matcher {
            Some(m) => {
                let matches = m.matches(&self.dims, &list);
                let mut figures: Option<(u32, f64, f64)> = None;
                for ((&size, &n), &f) in list.sizes.iter().zip(matches).zip(&self.failing) {
                    if f {
                        continue;
                    }
                    let delta = if n == 0 { f64::INFINITY } else { f64::from(size) / f64::from(n) };
                    figures = Some(match figures {
                        None => (n, delta, delta),
                        Some((k, lo, hi)) => (k.min(n), lo.min(delta), hi.max(delta)),
                    });
                }
                figures
            }
            None => None,
        };
        Ok(Solution { row_suppressed, evaluation, smallest, kept_classes, population })
    }

    /// Flags the failing classes of `list` in `self.failing` and scores the node.
    fn judge(&mut self, list: &ClassList) -> Result<Evaluation, PrivacyError> {
        let p = self.problem;
        let min_size = p.min_size;
        self.failing.clear();
        let mut suppressed = 0u64;
        for &size in &list.sizes {
            let fails = size < min_size;
            self.failing.push(fails);
            if fails {
                suppressed += u64::from(size);
            }
        }
        let mut sizes_pass = suppressed <= p.max_suppressed;
        if let (true, Some(matcher), Some(population)) = (sizes_pass, &mut self.matcher, p.population_table()) {
            // The monotone part of the population's criteria joins the
            // class-size part (as in `sizes_pass`), then every criterion.
            let suppression = p.max_suppressed > 0;
            let matches = matcher.matches(&self.dims, list);
            let mut monotone_part = suppressed;
            for ((&size, &n), failed) in list.sizes.iter().zip(matches).zip(self.failing.iter_mut()) {
                if *failed {
                    continue;
                }
                if population.fails_monotone_part(size, n, suppression) {
                    monotone_part += u64::from(size);
                }
                if population.fails(size, n) {
                    *failed = true;
                    suppressed += u64::from(size);
                }
            }
            sizes_pass = monotone_part <= p.max_suppressed;
        }
        if suppressed <= p.max_suppressed && !p.sensitive.is_empty() {
            suppressed += self.judge_sensitive(list)?;
        }
        let levels = &list.levels;
        if suppressed <= p.max_suppressed && !p.risk.is_empty() {
            let d = self.dims.len();
            let dims = &self.dims;
            let tie = |class: usize| {
                p.class_tie(levels, list.sizes[class], |j| {
                    dims[j].maps[levels[j] as usize][list.reps[class * d + j] as usize]
                })
            };
            let tie: Option<&dyn Fn(usize) -> f64> = if p.shares.is_some() { Some(&tie) } else { None };
            suppressed +=
                p.risk.enforce(&list.sizes, &mut self.failing, suppressed, p.max_suppressed, tie, &mut self.risk);
        }
        let anonymous = suppressed <= p.max_suppressed;
        let metric = if anonymous {
            let d = self.dims.len();
            let dims = &self.dims;
            p.metric.value(levels, &list.sizes, &self.failing, |class, j| {
                dims[j].maps[levels[j] as usize][list.reps[class * d + j] as usize]
            })
        } else {
            f64::INFINITY
        };
        let bound = p.metric.class_bound(levels, &list.sizes);
        Ok(Evaluation { anonymous, sizes_pass, suppressed, classes: list.len(), metric, bound })
    }

    /// Flags the classes whose sensitive values fail a criterion; returns the
    /// rows newly flagged. A class's distribution is the sum of its bottom
    /// classes' distributions.
    fn judge_sensitive(&mut self, list: &ClassList) -> Result<u64, PrivacyError> {
        let Some(of_bottom) = list.of_bottom.as_ref() else {
            return Ok(0);
        };
        let s = &mut self.sensitive;
        let failing = &mut self.failing;
        // Bottom classes by class (a counting sort), failing classes left out.
        let classes = list.len();
        s.start.clear();
        s.start.resize(classes + 1, 0);
        for &c in of_bottom {
            if !failing[c as usize] {
                s.start[c as usize + 1] += 1;
            }
        }
        for i in 1..=classes {
            s.start[i] += s.start[i - 1];
        }
        s.members.clear();
        s.members.resize(s.start[classes], 0);
        s.cursor.clear();
        s.cursor.extend_from_slice(&s.start[..classes]);
        for (b, &c) in of_bottom.iter().enumerate() {
            if !failing[c as usize] {
                let at = &mut s.cursor[c as usize];
                s.members[*at] = b as u32;
                *at += 1;
            }
        }
        let mut added = 0u64;
        for (check, bottom) in self.problem.sensitive.iter().zip(&self.bottom_values) {
            s.tally.clear();
            s.tally.resize(check.values.len(), 0);
            for (c, failed) in failing.iter_mut().enumerate() {
                if *failed {
                    continue;
                }
                let members = &s.members[s.start[c]..s.start[c + 1]];
                let (values, counts): (&[u32], &[u32]) = if let [only] = members {
                    bottom.class(*only as usize)
                } else {
                    for &b in members {
                        let (vs, ns) = bottom.class(b as usize);
                        for (&v, &n) in vs.iter().zip(ns) {
                            let t = &mut s.tally[v as usize];
                            if *t == 0 {
                                s.touched.push(v);
                            }
                            *t += n;
                        }
                    }
                    s.touched.sort_unstable();
                    s.values.clear();
                    s.counts.clear();
                    for &v in &s.touched {
                        s.values.push(v);
                        s.counts.push(std::mem::take(&mut s.tally[v as usize]));
                    }
                    s.touched.clear();
                    (&s.values, &s.counts)
                };
                let class = ClassDistribution { values, counts, size: list.sizes[c] };
                if check.fails(&class, &mut s.scratch) {
                    *failed = true;
                    added += u64::from(list.sizes[c]);
                }
            }
        }
        Ok(added)
    }
}
