//! The optimal search: best-first over the lattice by lower bound, with
//! Flash-style binary searches on paths to learn a monotone property cheaply.
//!
//! # The algorithm
//! 1. Every node gets its *node bound* (see [`super::metric`]), computed
//!    from its levels alone. Nodes are visited in increasing order of
//!    `(node bound, height, number)`.
//! 2. The visit stops at the first node whose bound cannot beat the best
//!    solution found (a larger bound, or an equal bound and a later place in
//!    the tie order). Every later node has a bound at least as large, and a
//!    node's metric is never below its bound, so none of them can beat the
//!    best solution: **the best solution found is optimal**.
//! 3. The search tags a *monotone property* `P` of nodes, necessary for
//!    anonymity: anonymity itself when it is monotone
//!    (`Problem::monotone`), else its class-size part (the rows of classes
//!    too small for `k` or for the l-diversity criteria, or failing the
//!    monotone part of a population table's criteria, k-map and without
//!    suppression δ's upper bound (`population_table`), are at most the
//!    suppression limit), which is monotone whatever the other criteria. A
//!    node found with `P` gives `P` to every node above it; one found without
//!    `P` takes it from every node below it.
//! 4. A visited node is skipped when it is known to lack `P` (so it is not
//!    anonymous), or known unable to beat the best solution (tagged when a
//!    node below it had a class bound that could not: class bounds only grow
//!    up the lattice). To learn `P` for a visited node of unknown status, the
//!    search builds a path upward from it through nodes of unknown status
//!    (each step to the successor of smallest bound) and binary-searches the
//!    path for the lowest node with `P`, as Flash does (Kohlmayer et al.
//!    2012): each check tags a whole cone of the lattice. Nodes with `P` are
//!    then checked in full (the sensitive criteria, the suppression, the
//!    metric). When `P` is only the class-size part, the path's nodes are
//!    checked for it alone (their classes, no other criterion), and when no
//!    class can be too small (k = 1, no l) every node has it from the start:
//!    the search then checks, in bound order, exactly the nodes that could
//!    beat the best (ARX's Flash also checks every node for the criteria it
//!    cannot prune on).
//! 5. Without suppression, an anonymous node suppresses nothing and its Loss,
//!    Precision or Entropy *is* its node bound: a node tagged anonymous is
//!    scored without computing its classes, and the first one visited ends
//!    the search.
//!
//! Nodes are skipped only on proofs (a monotone property, a bound), so the
//! result is optimal, ties being broken by fewer generalisation steps, then
//! by the lexicographic order of the levels (quasi-identifiers in
//! configuration order). tests/search.rs checks it against exhaustive
//! enumeration on random tables, for every metric and criterion.

use super::engine::Engine;
use super::lattice::{Lattice, Tags, CHECKED, FAILS, PASSES, PRUNED};
use super::{Control, Found};
use crate::privacy::PrivacyError;

struct Search<'a, 'e, 'p, 't, 'm> {
    engine: &'e mut Engine<'p, 't>,
    lattice: &'a Lattice,
    control: &'a mut Control<'m>,
    tags: Tags,
    bound: Vec<f64>,
    height: Vec<u32>,
    monotone: bool,
    best: Option<(u64, f64, u32)>,
    levels: Vec<u32>,
}

impl Search<'_, '_, '_, '_, '_> {
    /// Whether a node with this bound, height and number could beat the best.
    fn may_beat(&self, bound: f64, height: u32, index: u64) -> bool {
        match self.best {
            None => true,
            Some((b_index, b_metric, b_height)) => {
                bound < b_metric || (bound == b_metric && (height, index) < (b_height, b_index))
            }
        }
    }

    /// Whether some node above one with this class bound and height could beat the best.
    fn may_beat_above(&self, bound: f64, height: u32) -> bool {
        match self.best {
            None => true,
            Some((_, b_metric, b_height)) => bound < b_metric || (bound == b_metric && height < b_height),
        }
    }

    fn offer(&mut self, index: u64, metric: f64) {
        let height = self.height[index as usize];
        let better = match self.best {
            None => true,
            Some((b_index, b_metric, b_height)) => {
                metric < b_metric || (metric == b_metric && (height, index) < (b_height, b_index))
            }
        };
        if better {
            self.best = Some((index, metric, height));
        }
    }

    /// Checks node `index`: computes its classes, tags, offers it.
    fn check(&mut self, index: u64) -> Result<(), PrivacyError> {
        self.lattice.levels(index, &mut self.levels);
        let ev = self.engine.evaluate(&self.levels)?;
        self.tags.set(index, CHECKED);
        // The tagged property: anonymity itself when it is monotone, else the
        // class-size part of it (monotone whatever the other criteria).
        let passes = if self.monotone { ev.anonymous } else { ev.sizes_pass };
        if passes {
            self.tags.set_up(self.lattice, index, PASSES);
        } else {
            self.tags.set_down(self.lattice, index, FAILS);
        }
        if ev.anonymous {
            self.offer(index, ev.metric);
        }
        if !self.may_beat_above(ev.bound, self.height[index as usize]) {
            self.tags.set_above(self.lattice, index, PRUNED);
        }
        let best = self.best.map(|(_, m, _)| m);
        self.control.tick(self.engine.checked, best, super::Phase::Optimal);
        Ok(())
    }

    /// Learns the tagged property of node `index`: by a full check when it
    /// is anonymity itself, else by the class sizes alone (the node is
    /// checked in full when the search visits it).
    fn learn(&mut self, index: u64) -> Result<(), PrivacyError> {
        if self.monotone {
            return self.check(index);
        }
        self.lattice.levels(index, &mut self.levels);
        if self.engine.sizes_pass(&self.levels) {
            self.tags.set_up(self.lattice, index, PASSES);
        } else {
            self.tags.set_down(self.lattice, index, FAILS);
        }
        let best = self.best.map(|(_, m, _)| m);
        self.control.tick(self.engine.checked, best, super::Phase::Optimal);
        Ok(())
    }

    /// Learns whether node `index` has the tagged property.
    fn resolve(&mut self, index: u64) -> Result<(), PrivacyError> {
        let mut path = vec![index];
        let mut current = index;
        loop {
            let mut next: Option<u64> = None;
            let (tags, bound) = (&self.tags, &self.bound);
            self.lattice.for_each_successor(current, |s| {
                if tags.get(s) & (PASSES | FAILS) == 0
                    && next.is_none_or(|n| (bound[s as usize], s) < (bound[n as usize], n))
                {
                    next = Some(s);
                }
            });
            match next {
                Some(s) => {
                    path.push(s);
                    current = s;
                }
                None => break,
            }
        }
        // Statuses along the path are monotone: find the lowest anonymous node.
        let (mut lo, mut hi) = (0usize, path.len());
        while lo < hi && !self.control.stopped() {
            let mid = (lo + hi) / 2;
            let node = path[mid];
            if !self.tags.has(node, PASSES | FAILS) {
                self.learn(node)?;
            }
            if self.tags.has(node, PASSES) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Ok(())
    }
}

/// Runs the optimal search. Returns the best node found and whether the
/// search completed (the node is then proven optimal; `None` then proves
/// that no node is anonymous).
pub(crate) fn search(
    engine: &mut Engine<'_, '_>,
    lattice: &Lattice,
    monotone: bool,
    exact_without_suppression: bool,
    control: &mut Control<'_>,
) -> Result<(Option<Found>, bool), PrivacyError> {
    // invariant: the caller checked that the lattice is small enough to enumerate.
    let count = lattice.count() as usize;
    let mut levels = Vec::with_capacity(lattice.dims());
    let mut bound = Vec::with_capacity(count);
    let mut height = Vec::with_capacity(count);
    for i in 0..count as u64 {
        lattice.levels(i, &mut levels);
        bound.push(engine.node_bound(&levels));
        height.push(lattice.height(&levels));
    }
    let mut order: Vec<u32> = (0..count as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        bound[a].total_cmp(&bound[b]).then(height[a].cmp(&height[b])).then(a.cmp(&b))
    });
    let mut s =
        Search { engine, lattice, control, tags: Tags::new(count), bound, height, monotone, best: None, levels };
    if !monotone && s.engine.sizes_always_pass() {
        // No class is too small anywhere: every node has the tagged property.
        for i in 0..count as u64 {
            s.tags.set(i, PASSES);
        }
    }
    let mut complete = true;
    for &i in &order {
        let i = u64::from(i);
        let (b, h) = (s.bound[i as usize], s.height[i as usize]);
        if !s.may_beat(b, h, i) {
            break;
        }
        if s.control.stopped() {
            complete = false;
            break;
        }
        if s.tags.has(i, FAILS | PRUNED | CHECKED) {
            continue;
        }
        if !s.tags.has(i, PASSES) {
            s.resolve(i)?;
            if s.tags.has(i, FAILS | PRUNED | CHECKED) {
                continue;
            }
            if !s.tags.has(i, PASSES) {
                // Stopped before the status was known.
                complete = false;
                break;
            }
        }
        if exact_without_suppression && monotone && s.tags.has(i, PASSES) {
            // Anonymous (the tagged property is anonymity itself) and
            // suppresses nothing: its metric is its node bound.
            s.offer(i, b);
            continue;
        }
        s.check(i)?;
    }
    let found = s.best.map(|(index, metric, _)| {
        let mut levels = Vec::new();
        s.lattice.levels(index, &mut levels);
        Found { levels, metric }
    });
    Ok((found, complete))
}
