//! Equivalence classes of a lattice node, computed from a finer node's
//! classes ("roll-up") rather than from the rows.
//!
//! A [`ClassList`] holds, per class, its size and one *representative*: the
//! dictionary code of one of its rows in each quasi-identifier. Any label of
//! the class at any level is then one lookup, `map[level][representative]`,
//! so a node's classes are grouped from any finer node's classes (whose
//! classes are unions of rows with equal labels at finer levels, hence equal
//! labels at coarser ones, since each level coarsens the one below) in time
//! linear in the finer node's class count, not in the row count.
//!
//! Grouping packs the labels of a class into one `u64` key (mixed radix over
//! the label counts); when the product of the label counts does not fit, the
//! keys are renumbered densely between quasi-identifiers, as
//! [`crate::privacy::Grouper`] does. Keys are numbered with a direct table
//! when the key space is small, else with an open-addressing hash table that
//! is kept between calls.

use crate::privacy::{Classes, Grouper, PrivacyError, QiCodes};

/// One quasi-identifier's levels as code -> label maps.
pub(crate) struct DimMaps<'a> {
    /// Per level, the label code of each dictionary code.
    pub maps: Vec<&'a [u32]>,
    /// Per level, the number of labels.
    pub domains: Vec<u64>,
}

/// The classes of a node.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClassList {
    /// The node's levels.
    pub levels: Vec<u32>,
    /// Per class, one dictionary code per quasi-identifier (`dims` per class).
    pub reps: Vec<u32>,
    /// Per class, its number of rows.
    pub sizes: Vec<u32>,
    /// The class of each class of the bottom node (kept when asked for).
    pub of_bottom: Option<Vec<u32>>,
}

impl ClassList {
    /// The number of classes.
    pub(crate) fn len(&self) -> usize {
        self.sizes.len()
    }

    /// Memory held, in 4-byte words (for the cache budget).
    pub(crate) fn words(&self) -> usize {
        self.reps.len() + self.sizes.len() + self.of_bottom.as_ref().map_or(0, Vec::len) + self.levels.len()
    }
}

/// The bottom node's classes, grouped from the rows, and each row's class.
pub(crate) fn bottom(
    dims: &[DimMaps<'_>],
    codes: &[&[u32]],
    levels: &[u32],
) -> Result<(ClassList, Vec<u32>), PrivacyError> {
    let qis: Vec<QiCodes<'_>> = dims
        .iter()
        .zip(codes)
        .zip(levels)
        .map(|((dim, codes), &l)| QiCodes::mapped(codes, dim.maps[l as usize], dim.domains[l as usize]))
        .collect();
    let mut classes = Classes::default();
    Grouper::new().group(&qis, None, &mut classes)?;
    let count = classes.count();
    let d = dims.len();
    let mut reps = vec![0u32; count * d];
    let mut seen = vec![false; count];
    let mut left = count;
    for (row, &class) in classes.row_classes().iter().enumerate() {
        let c = class as usize;
        if !seen[c] {
            seen[c] = true;
            for (j, codes) in codes.iter().enumerate() {
                reps[c * d + j] = codes[row];
            }
            left -= 1;
            if left == 0 {
                break;
            }
        }
    }
    let list = ClassList {
        levels: levels.to_vec(),
        reps,
        sizes: classes.sizes().to_vec(),
        of_bottom: Some((0..count as u32).collect()),
    };
    Ok((list, classes.row_classes().to_vec()))
}

/// An open-addressing table from `u64` keys to class numbers, cleared in
/// constant time with a generation stamp. A slot's key, number and stamp sit
/// together, so a probe touches one cache line.
#[derive(Debug, Default)]
struct KeyTable {
    slots: Vec<Slot>,
    stamp: u32,
    shift: u32,
}

#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    key: u64,
    id: u32,
    stamp: u32,
}

impl KeyTable {
    fn reset(&mut self, entries: usize) {
        let capacity = (entries.max(8) * 2).next_power_of_two();
        if capacity > self.slots.len() || capacity * 8 < self.slots.len() {
            self.slots = vec![Slot::default(); capacity];
            self.stamp = 0;
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.slots.iter_mut().for_each(|s| s.stamp = 0);
            self.stamp = 1;
        }
        self.shift = 64 - self.slots.len().trailing_zeros();
    }

    #[inline]
    fn number(&mut self, key: u64, next: u32) -> u32 {
        let mask = self.slots.len() - 1;
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        loop {
            let slot = &mut self.slots[i];
            if slot.stamp != self.stamp {
                *slot = Slot { key, id: next, stamp: self.stamp };
                return next;
            }
            if slot.key == key {
                return slot.id;
            }
            i = (i + 1) & mask;
        }
    }
}

/// The bits of a key in a [`PackedTable`] slot (the class number takes the rest).
const PACKED_KEY_BITS: u32 = 40;
const PACKED_KEY_MASK: u64 = (1 << PACKED_KEY_BITS) - 1;
const PACKED_EMPTY: u64 = u64::MAX;

/// A [`KeyTable`] for keys below `2^40` and fewer than `2^24 - 1` classes:
/// key and class number packed in one `u64`, so the table is half the size
/// and more of it stays in cache (emptied by a fill, not a stamp).
#[derive(Debug, Default)]
struct PackedTable {
    slots: Vec<u64>,
    shift: u32,
}

impl PackedTable {
    /// Whether keys below `space` and `entries` class numbers fit.
    fn fits(space: u64, entries: usize) -> bool {
        space <= 1 << PACKED_KEY_BITS && entries < (1 << (64 - PACKED_KEY_BITS)) - 1
    }

    fn reset(&mut self, entries: usize) {
        let capacity = (entries.max(8) * 2).next_power_of_two();
        self.slots.clear();
        self.slots.resize(capacity, PACKED_EMPTY);
        self.shift = 64 - capacity.trailing_zeros();
    }

    #[inline]
    fn number(&mut self, key: u64, next: u32) -> u32 {
        let mask = self.slots.len() - 1;
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        loop {
            let slot = self.slots[i];
            if slot == PACKED_EMPTY {
                self.slots[i] = key | (u64::from(next) << PACKED_KEY_BITS);
                return next;
            }
            if slot & PACKED_KEY_MASK == key {
                return (slot >> PACKED_KEY_BITS) as u32;
            }
            i = (i + 1) & mask;
        }
    }
}

/// Buffers reused from one roll-up to the next.
#[derive(Debug, Default)]
pub(crate) struct Grouping {
    keys: Vec<u64>,
    table: KeyTable,
    packed: PackedTable,
    slots: Vec<u32>,
}

const EMPTY: u32 = u32::MAX;

impl Grouping {
    /// Groups the classes of `source` (a node at or below `levels` in every
    /// quasi-identifier) at `levels` into `out`; `of_source` receives the
    /// new class of each source class.
    ///
    /// Gives up, returning `false` (`out` and `of_source` then incomplete),
    /// as soon as there are more than `limit` classes.
    pub(crate) fn rollup(
        &mut self,
        dims: &[DimMaps<'_>],
        source: &ClassList,
        levels: &[u32],
        out: &mut ClassList,
        of_source: &mut Vec<u32>,
        limit: usize,
    ) -> bool {
        let d = dims.len();
        let n = source.len();
        let maps: Vec<&[u32]> = dims.iter().zip(levels).map(|(dim, &l)| dim.maps[l as usize]).collect();
        let domains: Vec<u64> = dims.iter().zip(levels).map(|(dim, &l)| dim.domains[l as usize].max(1)).collect();

        // Keys: label codes in mixed radix; renumber densely when the radix overflows.
        self.keys.clear();
        self.keys.resize(n, 0);
        let mut space: u64 = 1;
        for j in 0..d {
            let dom = domains[j];
            space = match space.checked_mul(dom) {
                Some(s) => s,
                None => {
                    let count = self.renumber(space) as u64;
                    // invariant: count <= n < 2^32 and dom < 2^32, so the product fits.
                    count.max(1) * dom
                }
            };
            let map = maps[j];
            for (i, k) in self.keys.iter_mut().enumerate() {
                // invariant: representatives are dictionary codes, which index the maps.
                *k = *k * dom + u64::from(map[source.reps[i * d + j] as usize]);
            }
        }

        out.levels.clear();
        out.levels.extend_from_slice(levels);
        out.reps.clear();
        out.sizes.clear();
        of_source.clear();
        of_source.reserve(n);
        let direct = space <= (n as u64).saturating_mul(4).saturating_add(1024);
        let packed = !direct && PackedTable::fits(space, n);
        if direct {
            self.slots.clear();
            // invariant: space <= 4n + 1024 slots, bounded by the source's size.
            self.slots.resize(space as usize, EMPTY);
        } else if packed {
            self.packed.reset(n);
        } else {
            self.table.reset(n);
        }
        for i in 0..n {
            let key = self.keys[i];
            let next = out.sizes.len() as u32;
            let id = if direct {
                let slot = &mut self.slots[key as usize];
                if *slot == EMPTY {
                    *slot = next;
                }
                *slot
            } else if packed {
                self.packed.number(key, next)
            } else {
                self.table.number(key, next)
            };
            let size = source.sizes[i];
            if id == next {
                if out.sizes.len() >= limit {
                    return false;
                }
                out.sizes.push(size);
                out.reps.extend_from_slice(&source.reps[i * d..(i + 1) * d]);
            } else {
                out.sizes[id as usize] += size;
            }
            of_source.push(id);
        }
        out.of_bottom = None;
        true
    }

    /// Replaces the keys by dense numbers; returns how many distinct keys.
    fn renumber(&mut self, space: u64) -> usize {
        let n = self.keys.len();
        let mut next = 0u32;
        if space <= (n as u64).saturating_mul(4).saturating_add(1024) {
            self.slots.clear();
            self.slots.resize(space as usize, EMPTY);
            for k in self.keys.iter_mut() {
                let slot = &mut self.slots[*k as usize];
                if *slot == EMPTY {
                    *slot = next;
                    next += 1;
                }
                *k = u64::from(*slot);
            }
        } else {
            self.table.reset(n);
            for k in self.keys.iter_mut() {
                let id = self.table.number(*k, next);
                if id == next {
                    next += 1;
                }
                *k = u64::from(id);
            }
        }
        next as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two quasi-identifiers over dictionary codes 0..4 and 0..3, with
    /// level 1 maps.
    fn dims<'a>(a: &'a [&'a [u32]], b: &'a [&'a [u32]]) -> Vec<DimMaps<'a>> {
        let dom = |maps: &[&[u32]]| maps.iter().map(|m| u64::from(*m.iter().max().unwrap()) + 1).collect();
        vec![DimMaps { maps: a.to_vec(), domains: dom(a) }, DimMaps { maps: b.to_vec(), domains: dom(b) }]
    }

    #[test]
    fn rollup_equals_grouping_the_rows() {
        let a_maps: [&[u32]; 3] = [&[0, 1, 2, 3], &[0, 0, 1, 1], &[0, 0, 0, 0]];
        let b_maps: [&[u32]; 2] = [&[0, 1, 2], &[0, 1, 1]];
        let dims = dims(&a_maps, &b_maps);
        let a: Vec<u32> = (0..200u32).map(|i| (i * 7) % 4).collect();
        let b: Vec<u32> = (0..200u32).map(|i| (i * 5 + i / 3) % 3).collect();
        let codes: [&[u32]; 2] = [&a, &b];
        let (bottom, row_class) = bottom(&dims, &codes, &[0, 0]).unwrap();
        assert_eq!(bottom.sizes.iter().sum::<u32>(), 200);
        let mut g = Grouping::default();
        for levels in [[1u32, 0], [1, 1], [2, 1], [0, 1]] {
            let mut out = ClassList::default();
            let mut of_source = Vec::new();
            assert!(g.rollup(&dims, &bottom, &levels, &mut out, &mut of_source, usize::MAX));
            let (direct, _) = super::bottom(&dims, &codes, &levels).unwrap();
            // Same partition of the rows (class numbers may differ).
            let mut pairs = std::collections::HashMap::new();
            for (row, &c) in row_class.iter().enumerate() {
                let rolled = of_source[c as usize];
                let (_, direct_rows) = super::bottom(&dims, &codes, &levels).unwrap();
                let e = pairs.entry(rolled).or_insert(direct_rows[row]);
                assert_eq!(*e, direct_rows[row]);
            }
            let mut x = out.sizes.clone();
            let mut y = direct.sizes.clone();
            x.sort();
            y.sort();
            assert_eq!(x, y, "{levels:?}");
            // A representative carries the class's labels.
            for c in 0..out.len() {
                let rep = &out.reps[c * 2..c * 2 + 2];
                for (r, &cls) in row_class.iter().enumerate() {
                    if of_source[cls as usize] == c as u32 {
                        assert_eq!(
                            dims[0].maps[levels[0] as usize][rep[0] as usize],
                            dims[0].maps[levels[0] as usize][a[r] as usize]
                        );
                        assert_eq!(
                            dims[1].maps[levels[1] as usize][rep[1] as usize],
                            dims[1].maps[levels[1] as usize][b[r] as usize]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn huge_domains_are_renumbered_and_hashed() {
        // Declared domains of 2^31 labels per level force the hash table and the renumbering.
        let ident: Vec<u32> = (0..50).collect();
        let huge = 1u64 << 31;
        let dims: Vec<DimMaps<'_>> = (0..3).map(|_| DimMaps { maps: vec![&ident[..]], domains: vec![huge] }).collect();
        let cols: Vec<Vec<u32>> = (0..3u32).map(|j| (0..300u32).map(|i| (i * (j + 2)) % (7 + j)).collect()).collect();
        let codes: Vec<&[u32]> = cols.iter().map(Vec::as_slice).collect();
        let small: Vec<DimMaps<'_>> =
            (0..3u64).map(|j| DimMaps { maps: vec![&ident[..]], domains: vec![7 + j] }).collect();
        let (bottom_small, _) = bottom(&small, &codes, &[0, 0, 0]).unwrap();
        // Roll the small-domain bottom up through the huge-domain maps: same classes.
        let mut g = Grouping::default();
        let mut out = ClassList::default();
        let mut of_source = Vec::new();
        assert!(g.rollup(&dims, &bottom_small, &[0, 0, 0], &mut out, &mut of_source, usize::MAX));
        assert_eq!(out.sizes, bottom_small.sizes);
        assert_eq!(of_source, (0..bottom_small.len() as u32).collect::<Vec<_>>());
        // More classes than the limit: given up.
        assert!(bottom_small.len() > 3);
        assert!(!g.rollup(&dims, &bottom_small, &[0, 0, 0], &mut out, &mut of_source, 3));
        assert!(g.rollup(&dims, &bottom_small, &[0, 0, 0], &mut out, &mut of_source, bottom_small.len()));
    }
}
