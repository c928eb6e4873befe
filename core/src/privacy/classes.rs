//! Equivalence classes: rows grouped on the codes of their quasi-identifiers.
//!
//! Two rows are in the same class when every quasi-identifier has the same
//! code in both. Grouping never looks at text: each quasi-identifier is a slice
//! of `u32` codes with a domain size (a column's codes and its dictionary
//! size, or the codes of a generalisation obtained through a code -> code map).
//!
//! # How
//! The codes of a row are packed into one `u64` in mixed radix
//! (`key = ((c0 * d1) + c1) * d2 + c2 ...`, `di` the domain sizes), one
//! sequential pass per quasi-identifier. Keys are then numbered in order of
//! first appearance, with a direct-address table when the product of the
//! domains is small (at most a few times the number of rows, typical of
//! generalised data) and a hash table otherwise. When the product would
//! overflow 64 bits, the keys built so far are first renumbered densely (at
//! most one number per row) and packing continues from there, so any number
//! of quasi-identifiers of any domain size is grouped exactly, with the same
//! buffers. Nothing is allocated per row; a [`Grouper`] keeps its buffers
//! between calls, for searches that group the same rows many times.

use foldhash::fast::FixedState;
use hashbrown::HashMap;

use super::error::{PrivacyError, PrivacyErrorKind};
use crate::table::Column;

/// The class of a suppressed row in [`Classes::row_classes`].
pub const SUPPRESSED: u32 = u32::MAX;

/// The largest number of rows that can be grouped (class numbers are `u32`,
/// and [`SUPPRESSED`] is reserved).
pub const MAX_ROWS: usize = (u32::MAX - 1) as usize;

const HASHER: FixedState = FixedState::with_seed(0x0063_6c61_7373_6573);

/// One quasi-identifier as codes: one code per row, optionally mapped through a
/// code -> code map, and the size of the resulting domain.
///
/// Codes (after the map) must be below `domain`; [`Grouper::group`] checks it
/// and returns [`PrivacyErrorKind::CodeOutOfRange`] otherwise.
#[derive(Debug, Clone, Copy)]
pub struct QiCodes<'a> {
    codes: &'a [u32],
    map: Option<&'a [u32]>,
    domain: u64,
}

impl<'a> QiCodes<'a> {
    /// Codes used as they are; every code must be below `domain`.
    pub fn new(codes: &'a [u32], domain: u64) -> QiCodes<'a> {
        QiCodes { codes, map: None, domain }
    }

    /// Codes read through `map` (row `r` has code `map[codes[r]]`), for a
    /// generalisation level expressed as a code -> code map. Every code must be
    /// an index of `map` and every mapped code below `domain`.
    pub fn mapped(codes: &'a [u32], map: &'a [u32], domain: u64) -> QiCodes<'a> {
        QiCodes { codes, map: Some(map), domain }
    }

    /// A column's codes, with its dictionary size as the domain.
    pub fn column(column: &'a Column) -> QiCodes<'a> {
        QiCodes::new(&column.codes, column.dict.len() as u64)
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// The equivalence classes of a table's rows.
///
/// Classes are numbered `0..count()` in order of their first row. Suppressed
/// rows belong to no class. Built by [`Grouper::group`] (or [`Classes::group`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classes {
    /// The class of each row, or [`SUPPRESSED`].
    row_class: Vec<u32>,
    /// The number of rows of each class (never 0).
    sizes: Vec<u32>,
    /// How many rows are suppressed.
    suppressed: usize,
}

impl Classes {
    /// Groups rows with a fresh [`Grouper`] (see [`Grouper::group`]).
    pub fn group(qis: &[QiCodes<'_>], suppressed: Option<&[bool]>) -> Result<Classes, PrivacyError> {
        let mut classes = Classes::default();
        Grouper::new().group(qis, suppressed, &mut classes)?;
        Ok(classes)
    }

    /// The number of rows, suppressed ones included.
    pub fn rows(&self) -> usize {
        self.row_class.len()
    }

    /// The number of suppressed rows.
    pub fn suppressed(&self) -> usize {
        self.suppressed
    }

    /// The number of rows in classes (rows minus suppressed rows).
    pub fn analysed(&self) -> usize {
        self.row_class.len() - self.suppressed
    }

    /// The number of classes.
    pub fn count(&self) -> usize {
        self.sizes.len()
    }

    /// The size of each class, by class number.
    pub fn sizes(&self) -> &[u32] {
        &self.sizes
    }

    /// The class of each row ([`SUPPRESSED`] for a suppressed row).
    pub fn row_classes(&self) -> &[u32] {
        &self.row_class
    }

    /// The class of `row`, `None` if it is suppressed or out of range.
    pub fn class_of(&self, row: usize) -> Option<u32> {
        self.row_class.get(row).copied().filter(|&c| c != SUPPRESSED)
    }

    /// The size of the smallest class (the table's k), `None` if there is no class.
    pub fn k(&self) -> Option<u32> {
        self.sizes.iter().copied().min()
    }

    /// The number of rows alone in their class (classes of size 1).
    pub fn sample_uniques(&self) -> usize {
        self.sizes.iter().filter(|&&s| s == 1).count()
    }
}

/// Groups rows into [`Classes`], keeping its buffers from one call to the next.
#[derive(Debug, Clone)]
pub struct Grouper {
    keys: Vec<u64>,
    slots: Vec<u32>,
    map: HashMap<u64, u32, FixedState>,
    scratch_sizes: Vec<u32>,
}

impl Default for Grouper {
    fn default() -> Grouper {
        Grouper::new()
    }
}

impl Grouper {
    /// A grouper with empty buffers.
    pub fn new() -> Grouper {
        Grouper { keys: Vec::new(), slots: Vec::new(), map: HashMap::with_hasher(HASHER), scratch_sizes: Vec::new() }
    }

    /// Groups rows on the given quasi-identifiers into `out` (whose buffers are reused).
    ///
    /// `suppressed`, if given, marks rows to leave out of every class (one
    /// flag per row). Errors: no quasi-identifier, slices or mask of different
    /// lengths, a code outside its domain, more than [`MAX_ROWS`] rows.
    pub fn group(
        &mut self,
        qis: &[QiCodes<'_>],
        suppressed: Option<&[bool]>,
        out: &mut Classes,
    ) -> Result<(), PrivacyError> {
        let first = qis.first().ok_or_else(|| PrivacyError::new(PrivacyErrorKind::NoQuasiIdentifier))?;
        let rows = first.len();
        for qi in qis {
            if qi.len() != rows {
                return Err(length_mismatch("a quasi-identifier", rows, qi.len()));
            }
        }
        if let Some(mask) = suppressed {
            if mask.len() != rows {
                return Err(length_mismatch("the suppression mask", rows, mask.len()));
            }
        }
        if rows > MAX_ROWS {
            return Err(PrivacyError::new(PrivacyErrorKind::TooManyRows { rows }));
        }

        self.keys.clear();
        self.keys.resize(rows, 0);
        // The keys are below `domain`, the product of the domains packed so far.
        let mut domain: u64 = 1;
        for (i, qi) in qis.iter().enumerate() {
            let d = qi.domain.max(1);
            domain = match domain.checked_mul(d) {
                Some(product) => product,
                None => {
                    // Renumber the keys densely: at most `rows` numbers, and
                    // rows * d < 2^32 * 2^32 fits in 64 bits.
                    let count = self.renumber_keys(domain) as u64;
                    count.max(1).checked_mul(d).ok_or(PrivacyError::new(PrivacyErrorKind::TooManyRows { rows }))?
                }
            };
            if let Some(row) = push_codes(&mut self.keys, qi, d) {
                return Err(PrivacyError::new(PrivacyErrorKind::CodeOutOfRange { slice: Some(i), row: row + 1 }));
            }
        }

        out.row_class.clear();
        out.row_class.reserve(rows);
        out.sizes.clear();
        out.suppressed = 0;
        let Grouper { keys, slots, map, .. } = self;
        let mut ids = Numbering::new(domain, rows, slots, map);
        match suppressed {
            None => out.row_class.extend(keys.iter().map(|&k| ids.number(k, &mut out.sizes))),
            Some(mask) => {
                for (&k, &s) in keys.iter().zip(mask) {
                    if s {
                        out.row_class.push(SUPPRESSED);
                        out.suppressed += 1;
                    } else {
                        let id = ids.number(k, &mut out.sizes);
                        out.row_class.push(id);
                    }
                }
            }
        }
        Ok(())
    }

    /// Replaces every key by its number in order of first appearance; returns
    /// how many distinct keys there are.
    fn renumber_keys(&mut self, domain: u64) -> usize {
        let Grouper { keys, slots, map, scratch_sizes } = self;
        scratch_sizes.clear();
        let mut ids = Numbering::new(domain, keys.len(), slots, map);
        for k in keys.iter_mut() {
            *k = u64::from(ids.number(*k, scratch_sizes));
        }
        scratch_sizes.len()
    }
}

fn length_mismatch(what: &'static str, expected: usize, found: usize) -> PrivacyError {
    PrivacyError::new(PrivacyErrorKind::LengthMismatch { what, expected, found })
}

/// Appends one quasi-identifier's codes to the keys (`key = key * d + code`).
///
/// Returns the 0-based row of the first code outside `0..d` (or outside the
/// map), if any. The loop itself does not branch on validity, so it stays a
/// tight pass; the wrapping arithmetic only matters when a code is invalid,
/// and then the keys are discarded.
fn push_codes(keys: &mut [u64], qi: &QiCodes<'_>, d: u64) -> Option<usize> {
    let mut bad = false;
    match qi.map {
        None => {
            for (k, &c) in keys.iter_mut().zip(qi.codes) {
                let c = u64::from(c);
                bad |= c >= d;
                *k = k.wrapping_mul(d).wrapping_add(c);
            }
        }
        Some(map) => {
            for (k, &c) in keys.iter_mut().zip(qi.codes) {
                let (c, known) = match map.get(c as usize) {
                    Some(&m) => (u64::from(m), true),
                    None => (0, false),
                };
                bad |= !known | (c >= d);
                *k = k.wrapping_mul(d).wrapping_add(c);
            }
        }
    }
    if !bad {
        return None;
    }
    qi.codes.iter().position(|&c| match qi.map {
        None => u64::from(c) >= d,
        Some(map) => map.get(c as usize).is_none_or(|&m| u64::from(m) >= d),
    })
}

/// Numbers keys below `domain` in order of first appearance.
struct Numbering<'s> {
    direct: bool,
    slots: &'s mut Vec<u32>,
    map: &'s mut HashMap<u64, u32, FixedState>,
}

impl<'s> Numbering<'s> {
    /// Chooses a direct-address table when the key space is at most a few
    /// times the number of rows (its 4 bytes per slot are then bounded by
    /// 16 bytes per row), a hash table otherwise.
    fn new(
        domain: u64,
        rows: usize,
        slots: &'s mut Vec<u32>,
        map: &'s mut HashMap<u64, u32, FixedState>,
    ) -> Numbering<'s> {
        let limit = (rows as u64).saturating_mul(4).saturating_add(1024);
        let direct = domain <= limit;
        if direct {
            slots.clear();
            // invariant: domain <= 4 * rows + 1024, and `rows` elements already fit in memory.
            slots.resize(domain as usize, SUPPRESSED);
        } else {
            map.clear();
            map.reserve(rows.min(1 << 24));
        }
        Numbering { direct, slots, map }
    }

    /// The number of `key`, counting one more row of it in `sizes`.
    #[inline]
    fn number(&mut self, key: u64, sizes: &mut Vec<u32>) -> u32 {
        let next = sizes.len() as u32;
        let id = if self.direct {
            // invariant: keys are below the domain the slots were sized for.
            let slot = &mut self.slots[key as usize];
            if *slot == SUPPRESSED {
                *slot = next;
            }
            *slot
        } else {
            *self.map.entry(key).or_insert(next)
        };
        if id == next {
            sizes.push(1);
        } else {
            sizes[id as usize] += 1;
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(qis: &[QiCodes<'_>], mask: Option<&[bool]>) -> Classes {
        Classes::group(qis, mask).unwrap()
    }

    #[test]
    fn groups_in_order_of_first_appearance() {
        let a = [0, 1, 0, 1, 2, 0];
        let b = [0, 0, 0, 1, 0, 0];
        let c = classes(&[QiCodes::new(&a, 3), QiCodes::new(&b, 2)], None);
        assert_eq!(c.row_classes(), &[0, 1, 0, 2, 3, 0]);
        assert_eq!(c.sizes(), &[3, 1, 1, 1]);
        assert_eq!(c.count(), 4);
        assert_eq!(c.k(), Some(1));
        assert_eq!(c.sample_uniques(), 3);
        assert_eq!(c.rows(), 6);
        assert_eq!(c.analysed(), 6);
    }

    #[test]
    fn suppressed_rows_belong_to_no_class() {
        let a = [0, 1, 0, 1];
        let mask = [false, true, false, false];
        let c = classes(&[QiCodes::new(&a, 2)], Some(&mask));
        assert_eq!(c.row_classes(), &[0, SUPPRESSED, 0, 1]);
        assert_eq!(c.sizes(), &[2, 1]);
        assert_eq!(c.suppressed(), 1);
        assert_eq!(c.analysed(), 3);
        assert_eq!(c.class_of(1), None);
        assert_eq!(c.class_of(3), Some(1));
        let all = classes(&[QiCodes::new(&a, 2)], Some(&[true; 4]));
        assert_eq!(all.count(), 0);
        assert_eq!(all.k(), None);
    }

    #[test]
    fn maps_codes_through_a_generalisation() {
        // ages 0..6 generalised to two bands: 0-2 -> 0, 3-5 -> 1
        let ages = [0, 5, 2, 3, 1];
        let band = [0, 0, 0, 1, 1, 1];
        let c = classes(&[QiCodes::mapped(&ages, &band, 2)], None);
        assert_eq!(c.row_classes(), &[0, 1, 0, 1, 0]);
        assert_eq!(c.sizes(), &[3, 2]);
    }

    #[test]
    fn direct_and_hashed_numbering_agree() {
        // Same rows, once with small domains (direct table), once with the
        // same codes declared in huge domains (hash table).
        let a: Vec<u32> = (0..1000u32).map(|i| (i * 7919) % 13).collect();
        let b: Vec<u32> = (0..1000u32).map(|i| (i * 104_729) % 11).collect();
        let small = classes(&[QiCodes::new(&a, 13), QiCodes::new(&b, 11)], None);
        let large = classes(&[QiCodes::new(&a, 1 << 31), QiCodes::new(&b, 1 << 31)], None);
        assert_eq!(small, large);
        assert_eq!(small.count(), 13 * 11);
    }

    #[test]
    fn renumbers_when_the_key_space_overflows_64_bits() {
        // Five domains of 2^31 overflow u64; the result must equal grouping on
        // the same codes with their true (tiny) domains.
        let cols: Vec<Vec<u32>> =
            (0..5u32).map(|j| (0..500u32).map(|i| (i * (j + 3) + j) % (j + 2)).collect()).collect();
        let huge: Vec<QiCodes<'_>> = cols.iter().map(|c| QiCodes::new(c, 1 << 31)).collect();
        let tight: Vec<QiCodes<'_>> = cols.iter().enumerate().map(|(j, c)| QiCodes::new(c, j as u64 + 2)).collect();
        let by_huge = classes(&huge, None);
        assert_eq!(by_huge, classes(&tight, None));
        // And against a naive grouping on tuples.
        let mut seen: Vec<Vec<u32>> = Vec::new();
        for r in 0..500 {
            let tuple: Vec<u32> = cols.iter().map(|c| c[r]).collect();
            let id = seen.iter().position(|t| *t == tuple).unwrap_or_else(|| {
                seen.push(tuple.clone());
                seen.len() - 1
            });
            assert_eq!(by_huge.row_classes()[r] as usize, id);
        }
    }

    #[test]
    fn a_grouper_reuses_its_buffers_between_calls() {
        let mut g = Grouper::new();
        let mut out = Classes::default();
        let a = [0, 1, 0];
        g.group(&[QiCodes::new(&a, 2)], None, &mut out).unwrap();
        assert_eq!(out.sizes(), &[2, 1]);
        let b = [3, 3, 3, 3];
        g.group(&[QiCodes::new(&b, 4)], None, &mut out).unwrap();
        assert_eq!(out.sizes(), &[4]);
        assert_eq!(out.row_classes(), &[0, 0, 0, 0]);
    }

    #[test]
    fn bad_inputs_are_errors() {
        let err = Classes::group(&[], None).unwrap_err();
        assert_eq!(err.code(), "no_quasi_identifier");
        let err = Classes::group(&[QiCodes::new(&[0, 1], 2), QiCodes::new(&[0], 1)], None).unwrap_err();
        assert_eq!(err.code(), "length_mismatch");
        let err = Classes::group(&[QiCodes::new(&[0, 1], 2)], Some(&[true])).unwrap_err();
        assert_eq!(err.code(), "length_mismatch");
        let err = Classes::group(&[QiCodes::new(&[0, 1], 1), QiCodes::new(&[0, 5], 2)], None).unwrap_err();
        assert_eq!(err.kind(), &PrivacyErrorKind::CodeOutOfRange { slice: Some(0), row: 2 });
        assert_eq!(err.to_string(), "quasi-identifier 1 has a code out of its domain at row 2");
        let err = Classes::group(&[QiCodes::mapped(&[0, 7], &[0, 0], 1)], None).unwrap_err();
        assert_eq!(err.kind(), &PrivacyErrorKind::CodeOutOfRange { slice: Some(0), row: 2 });
        let err = Classes::group(&[QiCodes::mapped(&[0, 1], &[0, 3], 2)], None).unwrap_err();
        assert_eq!(err.kind(), &PrivacyErrorKind::CodeOutOfRange { slice: Some(0), row: 2 });
    }

    #[test]
    fn no_rows_means_no_classes() {
        let c = classes(&[QiCodes::new(&[], 0)], None);
        assert_eq!(c.count(), 0);
        assert_eq!(c.rows(), 0);
    }
}
