//! Criteria against a table of the population: k-map counted in the table
//! and δ-presence.
//!
//! # The configuration
//! ```json
//! {"population_table": "population.csv",
//!  "k_map": {"k": 5},
//!  "delta_presence": {"min": 0.0, "max": 0.5}}
//! ```
//! The population table holds the population's quasi-identifiers (one row
//! per person; other columns are ignored). The command line reads it with
//! the input's reading options, the path relative to the configuration
//! file; the core takes it as a [`Table`] ([`super::anonymise_with_population`]).
//!
//! # Definitions
//! A class of a node matches the population rows whose quasi-identifiers,
//! generalised to the node's levels by the same hierarchies, equal the
//! class's labels.
//! - **k-map** (Sweeney; ARX `KMap(k, subset)`): every class kept matches at
//!   least `k` rows of the population table. A class that matches fewer is
//!   suppressed, as a class of fewer than `k` rows is for k-anonymity.
//! - **δ-presence** (Nergiz, Atzori & Clifton 2007; ARX `DPresence(dMin,
//!   dMax)`): every class kept has `δ = rows / matches` in `[min, max]`, the
//!   probability that a person of the population matching the class is in
//!   the file. The file must be a subset of the population: a row whose
//!   combination of quasi-identifier values has more rows in the file than in
//!   the population table is an error naming that row
//!   ([`SearchErrorKind::NotInPopulation`]). Only the classes of the output
//!   are constrained (those with rows of the file, as in ARX: a group of the
//!   population with no row in the file is not published).
//!
//! Suppressed rows are in no class. Values of the population table absent
//! from a hierarchy are an error naming the column and the table's row
//! ([`SearchErrorKind::PopulationNotInHierarchy`]); values of the
//! population absent from the file are normal. A hierarchy made by a
//! builder is built over the file's and the population's values together.
//!
//! # Monotonicity
//! - k-map is monotone, with or without suppression: a class of a more
//!   general node is a union of classes of the finer node and matches the
//!   sum of their matches; if it matches fewer than `k`, each of its parts
//!   did, so its rows were all suppressed below as well (ARX: monotone).
//! - δ-presence is monotone without suppression when `min = 0`: a merged
//!   class's `δ` is `Σ rows / Σ matches`, at most the largest `δ` of its
//!   parts with rows (groups of the population without rows only add
//!   matches). With `min > 0` it is not: a class `{rows 1, matches 1}` with
//!   `δ = 1` merged with a group of the population `{0, 4}` that has no row
//!   gives `δ = 0.2`, below `min = 0.5`. With suppression it is not either:
//!   `{1, 1}` (`δ = 1`, suppressed, 1 row) and `{5, 10}` (`δ = 0.5`) at `max
//!   = 0.5` merge into `{6, 11}`, `δ = 0.545`, which suppresses 6 rows. (ARX
//!   3.9.2's `DPresence` declares itself not monotone with suppression but
//!   monotone under generalisation, `ImplicitPrivacyCriterion(false, true)`
//!   (`monotonicWithSuppression`, `monotonicWithGeneralization`), and its
//!   search assumes every criterion monotone when nothing may be suppressed:
//!   with `min > 0` its results are not always optimal. `tests/dpresence_arx.rs`
//!   pins ARX's `TestAnonymizationDPresence` on Adult: masque returns ARX's
//!   transformation and loss with `δ` in `[0, 0.2]`, and with `[0.05, 0.15]`
//!   a node of lower loss where ARX's is feasible but not the optimum.)
//!
//! When they are not monotone, the optimal search prunes only on a
//! monotone part that anonymity needs: the class-size part (`k`, the
//! l-diversity sizes) with k-map, and without suppression `δ <= max` (see
//! `PopulationTable::fails_monotone_part`); every other node that could
//! beat the best is checked in full, so `optimal: true` remains a proof. The
//! result's `population_table.monotone` says which case it was.
//!
//! # How the matches are counted
//! Each quasi-identifier's dictionary codes are extended with the
//! population's values that the file lacks, and each level's code -> label
//! map with their labels, so that file and population share one code space
//! per column. The population's rows are grouped once into classes at the
//! bottom of the lattice; a node's population classes are rolled up from a
//! cached node below it (or the bottom), as the file's are. Then the node's
//! classes (with no rows) and its population classes are rolled up together
//! at the node's levels (`groups::Grouping::rollup`): the node's classes
//! come first and keep their numbers, and each one's size is then its
//! number of matches. No row is touched after the first grouping.

use std::collections::HashMap;

use super::error::{SearchError, SearchErrorKind};
use super::groups::{self, ClassList, DimMaps, Grouping};
use crate::hierarchy::{ColumnError, ColumnHierarchy, Hierarchy};
use crate::table::{Column, Dictionary, Table};

/// The population table, encoded in the file's code space, and its criteria.
#[derive(Debug, Clone)]
pub(crate) struct PopulationTable {
    /// Per quasi-identifier, per level, the label of each code of the
    /// extended space (the file's dictionary codes, then the population's
    /// values absent from the file).
    pub maps: Vec<Vec<Vec<u32>>>,
    /// Per quasi-identifier, each population row's code (extended space).
    pub codes: Vec<Vec<u32>>,
    /// Rows of the population table.
    pub rows: usize,
    /// k-map's k, when k-map counts in the table.
    pub k: Option<u32>,
    /// δ-presence's bounds.
    pub delta: Option<(f64, f64)>,
}

/// The population table's column for the quasi-identifier `name`.
pub(crate) fn column<'a>(population: &'a Table, name: &str) -> Result<&'a Column, SearchError> {
    population
        .column(name)
        .ok_or_else(|| SearchError::new(SearchErrorKind::PopulationColumn { name: name.to_string() }))
}

/// The code of each population dictionary value in the extended space, and
/// the values the file lacks (as population codes), in order.
fn extension(file: &Column, population: &Column) -> (Vec<u32>, Vec<u32>) {
    let index: HashMap<&str, u32> = file.dict.iter().enumerate().map(|(c, v)| (v, c as u32)).collect();
    let mut next = file.dict.len() as u32;
    let mut added = Vec::new();
    let codes = population
        .dict
        .iter()
        .enumerate()
        .map(|(pc, v)| match index.get(v) {
            Some(&c) => c,
            None => {
                added.push(pc as u32);
                next += 1;
                next - 1
            }
        })
        .collect();
    (codes, added)
}

/// A column of the file's rows then the population's, over one dictionary,
/// for a builder to build a hierarchy that covers both.
pub(crate) fn union_column(file: &Column, population: &Column) -> Column {
    let (of_population, added) = extension(file, population);
    let mut dict: Dictionary = file.dict.clone();
    for &pc in &added {
        dict.intern(population.dict.get(pc));
    }
    let mut codes = Vec::with_capacity(file.codes.len() + population.codes.len());
    codes.extend_from_slice(&file.codes);
    codes.extend(population.codes.iter().map(|&c| of_population[c as usize]));
    Column { name: file.name.clone(), codes, dict }
}

/// A builder's error on [`union_column`]: a row past the file's is the
/// population table's.
pub(crate) fn builder_error(e: ColumnError, file_rows: usize) -> SearchError {
    match e {
        ColumnError::Unbuildable { column, row, .. } if row > file_rows => {
            SearchError::new(SearchErrorKind::PopulationNotInHierarchy { column, row: row - file_rows })
        }
        e => e.into(),
    }
}

/// Extends one quasi-identifier's maps with the population's values (their
/// labels from `hierarchy`) and codes the population's rows.
pub(crate) fn extend(
    file: &Column,
    population: &Column,
    hierarchy: &Hierarchy,
    bound: &ColumnHierarchy,
) -> Result<(Vec<Vec<u32>>, Vec<u32>), SearchError> {
    let (of_population, added) = extension(file, population);
    let mut rows = Vec::with_capacity(added.len());
    for &pc in &added {
        match hierarchy.row_of(population.dict.get(pc)) {
            Some(r) => rows.push(r),
            None => {
                let row = population.codes.iter().position(|&c| c == pc).map_or(0, |r| r + 1);
                return Err(SearchError::new(SearchErrorKind::PopulationNotInHierarchy {
                    column: file.name.clone(),
                    row,
                }));
            }
        }
    }
    let maps = (0..bound.height())
        .map(|level| {
            let labels = hierarchy.level_codes(level).unwrap_or(&[]);
            let mut map = bound.map(level).to_vec();
            map.extend(rows.iter().map(|&r| labels.get(r).copied().unwrap_or(0)));
            map
        })
        .collect();
    let codes = population.codes.iter().map(|&c| of_population[c as usize]).collect();
    Ok((maps, codes))
}

impl PopulationTable {
    /// The quasi-identifiers' levels as maps over the extended code space
    /// (the domains are the hierarchies' label counts, as for the file).
    pub(crate) fn dims<'a>(&'a self, dims: &[super::problem::Dim<'_>]) -> Vec<DimMaps<'a>> {
        self.maps
            .iter()
            .zip(dims)
            .map(|(levels, d)| DimMaps {
                maps: levels.iter().map(Vec::as_slice).collect(),
                domains: (0..d.hierarchy.height()).map(|l| d.hierarchy.domain(l) as u64).collect(),
            })
            .collect()
    }

    /// Whether the criteria are monotone (see the module documentation).
    pub(crate) fn monotone(&self, suppression: bool) -> bool {
        self.delta.is_none_or(|(min, _)| min == 0.0 && !suppression)
    }

    /// Whether a class fails the *monotone part* of the criteria: k-map,
    /// and without suppression `δ > max`. The rows of the classes that fail
    /// it never grow up the lattice (with suppression: a merged class that
    /// matches fewer than `k` is made of parts that all did; without: a
    /// merged class with `δ > max` has a part with rows and `δ > max`, its
    /// `δ` being at most its parts' largest), and a node whose failing rows
    /// pass the limit is not anonymous: the optimal search prunes on it
    /// when the criteria are not monotone (see `optimal`).
    pub(crate) fn fails_monotone_part(&self, size: u32, matches: u32, suppression: bool) -> bool {
        self.k.is_some_and(|k| matches < k)
            || (!suppression
                && self.delta.is_some_and(|(_, max)| matches == 0 || f64::from(size) / f64::from(matches) > max))
    }

    /// Whether the monotone part can fail at all.
    pub(crate) fn has_monotone_part(&self, suppression: bool) -> bool {
        self.k.is_some() || (!suppression && self.delta.is_some())
    }

    /// Whether a class of `size` rows matching `matches` population rows fails.
    pub(crate) fn fails(&self, size: u32, matches: u32) -> bool {
        if self.k.is_some_and(|k| matches < k) {
            return true;
        }
        match self.delta {
            Some((min, max)) => {
                let delta = if matches == 0 { f64::INFINITY } else { f64::from(size) / f64::from(matches) };
                !(min..=max).contains(&delta)
            }
            None => false,
        }
    }

    /// Checks that the file is a subset of the population: every combination
    /// of quasi-identifier values has at most as many rows in the file as in
    /// the population table; else names the first file row past the count.
    pub(crate) fn check_subset(&self, dims: &[DimMaps<'_>], file: &[&[u32]]) -> Result<(), SearchError> {
        let n = file.first().map_or(0, |c| c.len());
        let joined: Vec<Vec<u32>> = file
            .iter()
            .zip(&self.codes)
            .map(|(f, p)| {
                let mut all = Vec::with_capacity(f.len() + p.len());
                all.extend_from_slice(f);
                all.extend_from_slice(p);
                all
            })
            .collect();
        let codes: Vec<&[u32]> = joined.iter().map(Vec::as_slice).collect();
        let zero = vec![0u32; dims.len()];
        let (list, row_class) = groups::bottom(dims, &codes, &zero)?;
        let mut left = vec![0i64; list.len()];
        for &c in &row_class[n..] {
            left[c as usize] += 1;
        }
        for (row, &c) in row_class[..n].iter().enumerate() {
            left[c as usize] -= 1;
            if left[c as usize] < 0 {
                return Err(SearchError::new(SearchErrorKind::NotInPopulation { row: row + 1 }));
            }
        }
        Ok(())
    }
}

/// Most population class lists kept for roll-ups.
const MAX_CACHED: usize = 64;
/// The cache may hold at least this many 4-byte words (16 MiB).
const MIN_CACHE_WORDS: usize = 1 << 22;

/// The population's classes and the buffers that count a node's matches.
///
/// The population's classes of the nodes checked are kept (a few dozen,
/// within a memory budget), and a node's are rolled up from the cached node
/// below it with the fewest classes, else from the bottom, as the engine
/// does for the file's classes.
pub(crate) struct Matcher {
    /// The population's classes at the bottom of the lattice.
    bottom: ClassList,
    /// Population class lists of nodes checked, each with when it was last used.
    cache: Vec<(ClassList, u64)>,
    cache_words: usize,
    budget_words: usize,
    clock: u64,
    grouping: Grouping,
    joint: ClassList,
    out: ClassList,
    of_joint: Vec<u32>,
}

impl Matcher {
    /// Groups the population's rows at `levels`.
    pub(crate) fn new(
        population: &PopulationTable,
        dims: &[DimMaps<'_>],
        levels: &[u32],
    ) -> Result<Matcher, SearchError> {
        let codes: Vec<&[u32]> = population.codes.iter().map(Vec::as_slice).collect();
        let (mut bottom, _) = groups::bottom(dims, &codes, levels)?;
        bottom.of_bottom = None;
        let budget_words = MIN_CACHE_WORDS.max(bottom.words());
        Ok(Matcher {
            bottom,
            cache: Vec::new(),
            cache_words: 0,
            budget_words,
            clock: 0,
            grouping: Grouping::default(),
            joint: ClassList::default(),
            out: ClassList::default(),
            of_joint: Vec::new(),
        })
    }

    /// The population's classes at `levels` (rolled up from the smallest
    /// cached node below, kept in the cache), as an index into the cache,
    /// or `None` for the bottom itself.
    fn population_at(&mut self, dims: &[DimMaps<'_>], levels: &[u32]) -> Option<usize> {
        self.clock += 1;
        if self.bottom.levels == levels {
            return None;
        }
        let below = |l: &ClassList| l.levels.iter().zip(levels).all(|(a, b)| a <= b);
        let mut best: Option<usize> = None;
        for (i, (list, _)) in self.cache.iter().enumerate() {
            if below(list) && best.is_none_or(|b| list.len() < self.cache[b].0.len()) {
                best = Some(i);
            }
        }
        if let Some(i) = best.filter(|&i| self.cache[i].0.levels == levels) {
            self.cache[i].1 = self.clock;
            return Some(i);
        }
        let mut out = ClassList::default();
        let source = match best {
            Some(i) => {
                self.cache[i].1 = self.clock;
                &self.cache[i].0
            }
            None => &self.bottom,
        };
        self.grouping.rollup(dims, source, levels, &mut out, &mut self.of_joint, usize::MAX);
        let words = out.words();
        while !self.cache.is_empty() && (self.cache.len() >= MAX_CACHED || self.cache_words + words > self.budget_words)
        {
            let oldest = (0..self.cache.len()).min_by_key(|&i| self.cache[i].1).unwrap_or(0);
            let (gone, _) = self.cache.swap_remove(oldest);
            self.cache_words -= gone.words();
        }
        self.cache_words += words;
        self.cache.push((out, self.clock));
        Some(self.cache.len() - 1)
    }

    /// Each class of `list` (a node's classes), its number of matching
    /// population rows, in class order.
    pub(crate) fn matches(&mut self, dims: &[DimMaps<'_>], list: &ClassList) -> &[u32] {
        let at = self.population_at(dims, &list.levels);
        let population = match at {
            Some(i) => &self.cache[i].0,
            None => &self.bottom,
        };
        let j = &mut self.joint;
        j.levels.clear();
        j.levels.extend_from_slice(&list.levels);
        j.reps.clear();
        j.reps.extend_from_slice(&list.reps);
        j.reps.extend_from_slice(&population.reps);
        j.sizes.clear();
        j.sizes.resize(list.len(), 0);
        j.sizes.extend_from_slice(&population.sizes);
        j.of_bottom = None;
        // The node's classes are distinct at its levels, so they are the
        // first classes of the roll-up, in order.
        self.grouping.rollup(dims, &self.joint, &list.levels, &mut self.out, &mut self.of_joint, usize::MAX);
        &self.out.sizes[..list.len()]
    }
}

/// A file's classes against a population table, on the values as written
/// (no hierarchy): what `masque analyse --population-table` reports.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PopulationMatches {
    /// Rows of the population table.
    pub rows: usize,
    /// Classes of the file (suppressed rows left out).
    pub classes: usize,
    /// The fewest population rows a class matches (k-map's k; 0 if some
    /// class matches none, or if there is no class).
    pub k_map: u64,
    /// The lowest δ (rows of the class / population rows it matches) over
    /// the classes that match some population row.
    pub delta_min: Option<f64>,
    /// The highest δ over those classes (above 1: the file is not a subset
    /// of the population).
    pub delta_max: Option<f64>,
    /// Classes that match no population row.
    pub unmatched_classes: usize,
}

/// Measures the classes of `file` on the quasi-identifiers `qi` against
/// `population` (see [`PopulationMatches`]). Rows whose quasi-identifiers
/// all hold `suppressed_marker` are in no class. Grouped once, on
/// dictionary codes: the population's values are coded in the file's code
/// space, and the file's and the population's rows grouped together.
///
/// Errors: a quasi-identifier missing from the file
/// ([`SearchErrorKind::UnknownColumn`]) or from the population table
/// ([`SearchErrorKind::PopulationColumn`]).
pub fn measure(
    file: &Table,
    population: &Table,
    qi: &[String],
    suppressed_marker: Option<&str>,
) -> Result<PopulationMatches, SearchError> {
    let n = file.rows;
    let mut joined: Vec<Vec<u32>> = Vec::with_capacity(qi.len());
    let mut domains = Vec::with_capacity(qi.len());
    let mut marked = vec![suppressed_marker.is_some() && !qi.is_empty(); n];
    for name in qi {
        let f =
            file.column(name).ok_or_else(|| SearchError::new(SearchErrorKind::UnknownColumn { name: name.clone() }))?;
        let p = column(population, name)?;
        let (of_population, added) = extension(f, p);
        if let Some(marker) = suppressed_marker {
            let code = f.dict.iter().position(|v| v == marker).map(|c| c as u32);
            for (m, &c) in marked.iter_mut().zip(&f.codes) {
                *m &= Some(c) == code;
            }
        }
        let mut all = Vec::with_capacity(n + p.codes.len());
        all.extend_from_slice(&f.codes);
        all.extend(p.codes.iter().map(|&c| of_population[c as usize]));
        joined.push(all);
        domains.push((f.dict.len() + added.len()) as u64);
    }
    let mut mask = marked;
    mask.resize(n + population.rows, false);
    let qis: Vec<crate::privacy::QiCodes<'_>> =
        joined.iter().zip(&domains).map(|(codes, &d)| crate::privacy::QiCodes::new(codes, d)).collect();
    let classes = crate::privacy::Classes::group(&qis, Some(&mask))?;
    let count = classes.count();
    let mut rows = vec![0u32; count];
    let mut matches = vec![0u32; count];
    for (r, &c) in classes.row_classes().iter().enumerate() {
        if c == crate::privacy::SUPPRESSED {
            continue;
        }
        if r < n {
            rows[c as usize] += 1;
        } else {
            matches[c as usize] += 1;
        }
    }
    let mut out = PopulationMatches {
        rows: population.rows,
        classes: 0,
        k_map: u64::MAX,
        delta_min: None,
        delta_max: None,
        unmatched_classes: 0,
    };
    for (&size, &m) in rows.iter().zip(&matches) {
        if size == 0 {
            continue;
        }
        out.classes += 1;
        out.k_map = out.k_map.min(u64::from(m));
        if m == 0 {
            out.unmatched_classes += 1;
            continue;
        }
        let delta = f64::from(size) / f64::from(m);
        out.delta_min = Some(out.delta_min.map_or(delta, |x: f64| x.min(delta)));
        out.delta_max = Some(out.delta_max.map_or(delta, |x: f64| x.max(delta)));
    }
    if out.classes == 0 {
        out.k_map = 0;
    }
    Ok(out)
}
