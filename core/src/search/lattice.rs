//! The generalisation lattice: one node per vector of levels (one level per
//! quasi-identifier, between its minimum and maximum), ordered
//! component-wise. A node's *successors* raise one level by one, its
//! *predecessors* lower one level by one.
//!
//! Nodes are numbered in mixed radix, the first quasi-identifier most
//! significant, so that numbers follow the lexicographic order of level
//! vectors. [`Tags`] holds per-node facts that spread along the order:
//! a fact that holds for a node and all its successors (or predecessors) is
//! set on them all at once, stopping at nodes that already have it (their
//! successors, resp. predecessors, then have it too).

/// The lattice of a search.
#[derive(Debug, Clone)]
pub(crate) struct Lattice {
    /// Lowest level of each quasi-identifier.
    pub mins: Vec<u32>,
    /// Number of levels of each quasi-identifier (max - min + 1).
    pub sizes: Vec<u32>,
    /// Mixed-radix weights (the last quasi-identifier's is 1).
    strides: Vec<u64>,
    /// Number of nodes, `None` above `u64::MAX`.
    count: Option<u64>,
}

impl Lattice {
    /// The lattice with levels `mins[d]..=maxs[d]`.
    pub(crate) fn new(mins: &[u32], maxs: &[u32]) -> Lattice {
        let sizes: Vec<u32> = mins.iter().zip(maxs).map(|(&lo, &hi)| hi - lo + 1).collect();
        let mut strides = vec![1u64; sizes.len()];
        let mut count = Some(1u64);
        for d in (0..sizes.len()).rev() {
            strides[d] = count.unwrap_or(0);
            count = count.and_then(|c| c.checked_mul(u64::from(sizes[d])));
        }
        Lattice { mins: mins.to_vec(), sizes, strides, count }
    }

    /// The number of nodes, saturating.
    pub(crate) fn count(&self) -> u64 {
        self.count.unwrap_or(u64::MAX)
    }

    /// The number of quasi-identifiers.
    pub(crate) fn dims(&self) -> usize {
        self.sizes.len()
    }

    /// The bottom node's levels.
    pub(crate) fn bottom(&self) -> Vec<u32> {
        self.mins.clone()
    }

    /// Whether `levels` is the top node.
    #[cfg(test)]
    pub(crate) fn is_top(&self, levels: &[u32]) -> bool {
        levels.iter().enumerate().all(|(d, &l)| l + 1 == self.mins[d] + self.sizes[d])
    }

    /// The levels of node `index` (only for lattices whose count fits).
    pub(crate) fn levels(&self, index: u64, out: &mut Vec<u32>) {
        out.clear();
        for d in 0..self.sizes.len() {
            out.push(self.mins[d] + ((index / self.strides[d]) % u64::from(self.sizes[d])) as u32);
        }
    }

    /// The number of node `levels` (only for lattices whose count fits).
    #[cfg(test)]
    pub(crate) fn index(&self, levels: &[u32]) -> u64 {
        levels.iter().enumerate().map(|(d, &l)| u64::from(l - self.mins[d]) * self.strides[d]).sum()
    }

    /// The number of generalisation steps above the bottom.
    pub(crate) fn height(&self, levels: &[u32]) -> u32 {
        levels.iter().zip(&self.mins).map(|(&l, &m)| l - m).sum()
    }

    /// Calls `f` with the number of each successor of node `index`.
    pub(crate) fn for_each_successor(&self, index: u64, mut f: impl FnMut(u64)) {
        for d in 0..self.sizes.len() {
            let level = (index / self.strides[d]) % u64::from(self.sizes[d]);
            if level + 1 < u64::from(self.sizes[d]) {
                f(index + self.strides[d]);
            }
        }
    }

    /// Calls `f` with the number of each predecessor of node `index`.
    pub(crate) fn for_each_predecessor(&self, index: u64, mut f: impl FnMut(u64)) {
        for d in 0..self.sizes.len() {
            let level = (index / self.strides[d]) % u64::from(self.sizes[d]);
            if level > 0 {
                f(index - self.strides[d]);
            }
        }
    }

    /// The level vectors of the successors of `levels`.
    pub(crate) fn successors(&self, levels: &[u32]) -> Vec<Vec<u32>> {
        (0..levels.len())
            .filter(|&d| levels[d] + 1 < self.mins[d] + self.sizes[d])
            .map(|d| {
                let mut s = levels.to_vec();
                s[d] += 1;
                s
            })
            .collect()
    }
}

/// Node has the search's monotone property (see `optimal`): so do all above it.
pub(crate) const PASSES: u8 = 1;
/// Node lacks the search's monotone property: so do all below it.
pub(crate) const FAILS: u8 = 2;
/// Node cannot be better than the best solution found.
pub(crate) const PRUNED: u8 = 4;
/// Node's classes were computed.
pub(crate) const CHECKED: u8 = 8;

/// Per-node flags of a lattice small enough to enumerate.
pub(crate) struct Tags {
    flags: Vec<u8>,
    stack: Vec<u64>,
}

impl Tags {
    pub(crate) fn new(count: usize) -> Tags {
        Tags { flags: vec![0; count], stack: Vec::new() }
    }

    pub(crate) fn get(&self, index: u64) -> u8 {
        self.flags[index as usize]
    }

    pub(crate) fn has(&self, index: u64, flag: u8) -> bool {
        self.flags[index as usize] & flag != 0
    }

    pub(crate) fn set(&mut self, index: u64, flag: u8) {
        self.flags[index as usize] |= flag;
    }

    /// Sets `flag` on `index` and every node above it.
    pub(crate) fn set_up(&mut self, lattice: &Lattice, index: u64, flag: u8) {
        if self.has(index, flag) {
            return;
        }
        self.set(index, flag);
        self.spread(lattice, index, flag, true);
    }

    /// Sets `flag` on every node strictly above `index`.
    pub(crate) fn set_above(&mut self, lattice: &Lattice, index: u64, flag: u8) {
        self.spread(lattice, index, flag, true);
    }

    /// Sets `flag` on `index` and every node below it.
    pub(crate) fn set_down(&mut self, lattice: &Lattice, index: u64, flag: u8) {
        if self.has(index, flag) {
            return;
        }
        self.set(index, flag);
        self.spread(lattice, index, flag, false);
    }

    fn spread(&mut self, lattice: &Lattice, index: u64, flag: u8, up: bool) {
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        stack.push(index);
        while let Some(node) = stack.pop() {
            let flags = &mut self.flags;
            let mut visit = |next: u64| {
                let f = &mut flags[next as usize];
                if *f & flag == 0 {
                    *f |= flag;
                    stack.push(next);
                }
            };
            if up {
                lattice.for_each_successor(node, &mut visit);
            } else {
                lattice.for_each_predecessor(node, &mut visit);
            }
        }
        self.stack = stack;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_follows_the_lexicographic_order() {
        let l = Lattice::new(&[0, 1, 0], &[2, 2, 1]);
        assert_eq!(l.count(), 3 * 2 * 2);
        let mut levels = Vec::new();
        let mut all = Vec::new();
        for i in 0..l.count() {
            l.levels(i, &mut levels);
            assert_eq!(l.index(&levels), i);
            all.push(levels.clone());
        }
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted);
        assert_eq!(all[0], vec![0, 1, 0]);
        assert!(l.is_top(&[2, 2, 1]));
        assert_eq!(l.height(&[2, 2, 1]), 4);
        let mut succ = Vec::new();
        l.for_each_successor(l.index(&[1, 1, 1]), |s| succ.push(s));
        let succ: Vec<Vec<u32>> = succ
            .into_iter()
            .map(|s| {
                l.levels(s, &mut levels);
                levels.clone()
            })
            .collect();
        assert_eq!(succ, vec![vec![2, 1, 1], vec![1, 2, 1]]);
        assert_eq!(l.successors(&[1, 1, 1]), succ);
    }

    #[test]
    fn tags_spread_up_and_down() {
        let l = Lattice::new(&[0, 0], &[2, 2]);
        let mut t = Tags::new(l.count() as usize);
        t.set_up(&l, l.index(&[1, 1]), PASSES);
        t.set_down(&l, l.index(&[1, 0]), FAILS);
        t.set_above(&l, l.index(&[0, 2]), PRUNED);
        let mut levels = Vec::new();
        for i in 0..l.count() {
            l.levels(i, &mut levels);
            let (a, b) = (levels[0], levels[1]);
            assert_eq!(t.has(i, PASSES), a >= 1 && b >= 1, "{levels:?}");
            assert_eq!(t.has(i, FAILS), a <= 1 && b == 0, "{levels:?}");
            assert_eq!(t.has(i, PRUNED), a >= 1 && b == 2, "{levels:?}");
        }
        assert_eq!(t.get(l.index(&[2, 2])), PASSES | PRUNED);
    }
}
