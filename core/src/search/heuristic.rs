//! The heuristic search, for lattices too large to enumerate or when the
//! budget runs out: a greedy climb to a first anonymous node, then a local
//! search that improves it until no neighbour is better or the budget ends.
//! Its result is **not** proven optimal (`optimal: false`).
//!
//! 1. **Climb** (only when no anonymous node is known yet): from the bottom,
//!    check every successor of the current node and move to the anonymous one
//!    of smallest metric, or, if none is anonymous, to the one with the fewest
//!    rows in failing classes (then the smallest node bound). This reaches an
//!    anonymous node in at most `Σ (max - min)` steps; it ignores the budget,
//!    so that there is always an answer (the top node, if nothing lower).
//! 2. **Improve**: look at the neighbours of the best node that lower one
//!    level, or lower one and raise another, in increasing order of node
//!    bound (those whose bound cannot beat the best are skipped); move to the
//!    first anonymous one with a smaller metric; repeat until none is better
//!    or the budget is spent.
//!
//! Ties are broken as in the optimal search: fewer generalisation steps, then
//! the lexicographic order of the levels.

use hashbrown::HashMap;

use super::engine::{Engine, Evaluation};
use super::lattice::Lattice;
use super::{Control, Found, Phase};
use crate::privacy::PrivacyError;

struct Walk<'a, 'e, 'p, 't, 'm> {
    engine: &'e mut Engine<'p, 't>,
    lattice: &'a Lattice,
    control: &'a mut Control<'m>,
    seen: HashMap<Vec<u32>, Evaluation>,
    best: Option<Found>,
}

impl Walk<'_, '_, '_, '_, '_> {
    fn evaluate(&mut self, levels: &[u32]) -> Result<Evaluation, PrivacyError> {
        if let Some(ev) = self.seen.get(levels) {
            return Ok(*ev);
        }
        let ev = self.engine.evaluate(levels)?;
        self.seen.insert(levels.to_vec(), ev);
        if ev.anonymous && self.better(ev.metric, levels) {
            self.best = Some(Found { levels: levels.to_vec(), metric: ev.metric });
        }
        let best = self.best.as_ref().map(|b| b.metric);
        self.control.tick(self.engine.checked, best, Phase::Heuristic);
        Ok(ev)
    }

    /// Whether a node with `metric` at `levels` beats the best (ties: fewer
    /// steps, then lexicographic order).
    fn better(&self, metric: f64, levels: &[u32]) -> bool {
        match &self.best {
            None => true,
            Some(b) => {
                let key = (self.lattice.height(levels), levels);
                let b_key = (self.lattice.height(&b.levels), b.levels.as_slice());
                metric < b.metric || (metric == b.metric && key < b_key)
            }
        }
    }

    fn climb(&mut self) -> Result<(), PrivacyError> {
        let mut current = self.lattice.bottom();
        loop {
            let ev = self.evaluate(&current)?;
            if ev.anonymous {
                return Ok(());
            }
            let successors = self.lattice.successors(&current);
            if successors.is_empty() {
                return Ok(());
            }
            // Anonymous first (smallest metric), else fewest failing rows, then smallest bound.
            let mut choice: Option<(Evaluation, f64, Vec<u32>)> = None;
            for s in successors {
                let ev = self.evaluate(&s)?;
                let bound = self.engine.node_bound(&s);
                let smaller = match &choice {
                    None => true,
                    Some((c, c_bound, c_levels)) => {
                        let order = match (ev.anonymous, c.anonymous) {
                            (true, false) => std::cmp::Ordering::Less,
                            (false, true) => std::cmp::Ordering::Greater,
                            (true, true) => ev.metric.total_cmp(&c.metric),
                            (false, false) => ev.suppressed.cmp(&c.suppressed).then(bound.total_cmp(c_bound)),
                        };
                        order.then_with(|| s.cmp(c_levels)).is_lt()
                    }
                };
                if smaller {
                    choice = Some((ev, bound, s));
                }
            }
            match choice {
                Some((_, _, levels)) => current = levels,
                None => return Ok(()),
            }
        }
    }

    fn improve(&mut self) -> Result<(), PrivacyError> {
        loop {
            let Some(best) = self.best.clone() else { return Ok(()) };
            let b = &best.levels;
            let (mins, sizes) = (&self.lattice.mins, &self.lattice.sizes);
            let mut neighbours: Vec<Vec<u32>> = Vec::new();
            for d in 0..b.len() {
                if b[d] == mins[d] {
                    continue;
                }
                let mut lower = b.clone();
                lower[d] -= 1;
                for e in 0..b.len() {
                    if e != d && lower[e] + 1 < mins[e] + sizes[e] {
                        let mut swap = lower.clone();
                        swap[e] += 1;
                        neighbours.push(swap);
                    }
                }
                neighbours.push(lower);
            }
            let mut ranked: Vec<(f64, Vec<u32>)> =
                neighbours.into_iter().map(|n| (self.engine.node_bound(&n), n)).collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            let mut moved = false;
            for (bound, n) in ranked {
                if self.control.stopped() {
                    return Ok(());
                }
                if !self.better(bound, &n) || self.seen.contains_key(&n) {
                    continue;
                }
                let ev = self.evaluate(&n)?;
                if ev.anonymous && self.best.as_ref().is_some_and(|b| b.levels == n) {
                    moved = true;
                    break;
                }
            }
            if !moved {
                return Ok(());
            }
        }
    }
}

/// Runs the heuristic from `start` (a known anonymous node, if any).
pub(crate) fn search(
    engine: &mut Engine<'_, '_>,
    lattice: &Lattice,
    control: &mut Control<'_>,
    start: Option<Found>,
) -> Result<Option<Found>, PrivacyError> {
    let mut walk = Walk { engine, lattice, control, seen: HashMap::new(), best: start };
    if walk.best.is_none() {
        walk.climb()?;
    }
    walk.improve()?;
    Ok(walk.best)
}
