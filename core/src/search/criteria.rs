//! Risk-based criteria of the search: average re-identification risk,
//! sample uniqueness, population uniqueness, and k-map with an estimated
//! population, as ARX 3.9.2 defines them. k-map counted in a table of the
//! population and δ-presence are in [`super::population_table`].
//!
//! # The configuration
//! ```json
//! {"average_risk": 0.05,
//!  "average_risk": {"threshold": 0.05, "highest": 0.2, "records_above": 0.01},
//!  "sample_uniqueness": 0.01,
//!  "population_uniqueness": {"threshold": 0.01, "model": "dankar"},
//!  "k_map": {"k": 5, "estimator": "poisson", "significance": 0.01},
//!  "population": 317238626}
//! ```
//! (one `average_risk` of the two forms). The population is given once, as
//! `"population": N`, a preset (`"france"`, `"usa"`), or
//! `"sampling_fraction": f` (then `N = round(rows / f)`); population
//! uniqueness and k-map need it.
//!
//! # Definitions
//! The *distribution* of a node is the class-size histogram of the classes
//! the other criteria kept (`k`, l-diversity, t-closeness suppress first,
//! as in ARX); suppressed rows are in it nowhere.
//! - **average risk** (ARX `AverageReidentificationRisk(t)`): `1 / (records /
//!   classes) <= t`. With `highest` and `records_above`
//!   (`AverageReidentificationRisk(t, highest, records)`), also: the share of
//!   records in classes of size at most `s` is at most `records_above`, where
//!   `s = floor(1 / highest)`, plus one when `1/floor - 1/(1/highest) >=
//!   0.01 · highest` (ARX's `getSizeThreshold`). ARX counts the classes of
//!   size `s` itself, whose risk `1/s` may equal `highest` (not above it):
//!   kept, so that results match.
//! - **sample uniqueness** (ARX `SampleUniqueness(t)`): the share of records
//!   in classes of size 1 is at most `t`.
//! - **population uniqueness** (ARX `PopulationUniqueness(t, model)`): the
//!   estimated share of the population that is unique
//!   ([`crate::privacy::population::criterion_fraction`]) is above 0 and at
//!   most `t`, or 0 with no sample unique; an empty distribution passes.
//!   ARX's solver is configurable (`iterations`, default 1000 per start value).
//! - **k-map** with an estimator (ARX `KMap(k, significance, population,
//!   estimator)`, El Emam & Dankar 2008): `k`-map holds when every class has
//!   at least `k'` rows, `k'` derived from a Poisson (D3) or zero-truncated
//!   Poisson (D4) model of a class's population size with mean `λ = f · k`
//!   at the significance level (see [`derived_k`]); `k' <= k`, `k' <= rows`.
//!   It is a class-size criterion: it raises the node's smallest class size.
//!
//! The risk criteria are enforced in turn (average risk, sample uniqueness,
//! population uniqueness) after the others, each as ARX's `RiskBasedCriterion`
//! does: if the distribution fails, the kept classes are sorted by size (ties:
//! by the class's information loss for the Loss metric, then by first row),
//! and ARX's binary search (`suppressWhileNotFulfilledBinary`) looks for the
//! number of smallest classes to suppress, giving up once the criterion fails
//! with more rows suppressed than the limit. The node is anonymous when at
//! most the limit is suppressed in all. The search replays that binary
//! search step for step, so that it suppresses the same classes as ARX even
//! where the criterion is not monotone in the number suppressed.
//!
//! # Monotonicity (what the optimal search may prune)
//! - average risk (threshold only) and sample uniqueness are monotone, with
//!   or without suppression. Both pass after suppressing the smallest classes
//!   exactly when they pass after suppressing any set of as many classes
//!   with no more rows (the smallest classes have the fewest rows and add
//!   the most to `classes − t·records`, resp. are the singletons). Let a node
//!   pass with the suppressed set `P`; at a more general node, suppress the
//!   classes made only of rows of `P`: every other class contains a kept
//!   class `c` of the finer node and costs `1 − t|class| <= Σ (1 − t|c|)`
//!   over those, and its rows are never singletons unless `c` was one; so
//!   the more general node passes with no more rows suppressed. Merging
//!   classes also never decreases a smallest-class prefix's benefit, so the
//!   binary search (which, on a monotone condition, finds the shortest
//!   passing prefix) suppresses no more rows there.
//! - average risk with `highest` / `records_above` is monotone without
//!   suppression only: ARX declares it monotone with suppression too, but it
//!   is not. Classes `{1, 1, 10}`, `highest` 0.5, `records_above` 0.1, one
//!   row suppressible: suppressing one singleton leaves 1/11 of the records
//!   at risk; merging the two singletons gives `{2, 10}`, whose class of 2
//!   (2/12 of the records) cannot be suppressed within the limit.
//! - population uniqueness is not monotone: merging classes changes the
//!   histogram the models are fitted to, and an estimate can rise (ARX: not
//!   monotone with suppression; with generalisation, Zayatz only, which is
//!   not proven either). masque treats it as not monotone.
//! - k-map with an estimator is k-anonymity with `k'`: monotone.
//!
//! When the criteria are not monotone the optimal search tags only the
//! class-size part (see `Problem::monotone`) and checks every other node
//! whose bound could beat the best: the result is still the optimum.

use serde::{Deserialize, Serialize};

use super::error::SearchError;
use super::population_table::PopulationTable;
use crate::privacy::population::{self, UniquenessRule, DEFAULT_ITERATIONS_PER_TRY};
use crate::privacy::risk::SizeCount;

/// An average-risk target: a threshold, or ARX's relaxed form.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AverageRisk {
    /// The average risk `classes / records` at most this.
    Threshold(f64),
    /// The average risk, a highest risk and the records allowed above it.
    Bounds(AverageRiskBounds),
}

/// ARX's `AverageReidentificationRisk(averageRisk, highestRisk, recordsAtRisk)`.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AverageRiskBounds {
    /// The average risk, at most this (0 to 1).
    pub threshold: f64,
    /// The highest risk a record may have (above 0, at most 1).
    pub highest: f64,
    /// The share of records allowed in classes at or above `highest` (0 to 1).
    pub records_above: f64,
}

/// A population-uniqueness target.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationUniqueness {
    /// The estimated share of the population that is unique, at most this (0 to 1).
    pub threshold: f64,
    /// The estimator (default `dankar`).
    #[serde(default)]
    pub model: UniquenessRule,
    /// The solver's steps per start value (ARX's `iterationsPerTry`, default 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u32>,
}

/// k-map: every class matches at least `k` people of the population, the
/// population's size in a class estimated (`estimator`, `significance`, with
/// the population's size given by `population` or `sampling_fraction`) or
/// counted in a population table (`population_table`, see
/// [`super::population_table`]).
///
/// `{"k": 5}` counts in the population table when the configuration names
/// one, else estimates with the Poisson model at 0.01. `"table": true`
/// insists on the table (an error without one), `"table": false` estimates
/// although a table is named. An `estimator` or a `significance` where the
/// table is used is an error naming that field: the table gives the counts,
/// nothing is estimated.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KMap {
    /// Every class matches at least `k` people of the population.
    pub k: u32,
    /// The model of a class's population size (default `poisson`; not with the table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimator: Option<CellSizeEstimator>,
    /// The significance level (default 0.01; not with the table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub significance: Option<f64>,
    /// Count in the population table (`true`) or estimate (`false`); by
    /// default, the table when one is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<bool>,
}

impl KMap {
    /// The estimator (Poisson unless given).
    pub fn estimator(&self) -> CellSizeEstimator {
        self.estimator.unwrap_or_default()
    }

    /// The significance level (0.01 unless given).
    pub fn significance(&self) -> f64 {
        self.significance.unwrap_or_else(default_significance)
    }

    /// Whether k-map counts in the population table, given whether the
    /// configuration names one.
    pub fn uses_table(&self, population_table: bool) -> bool {
        self.table.unwrap_or(population_table)
    }
}

/// δ-presence (Nergiz, Atzori & Clifton 2007; ARX `DPresence(dMin, dMax)`):
/// for every class of the output, `δ = (rows of the file in the class) /
/// (rows of the population table in the class)` lies in `[min, max]`; the
/// file must be a subset of the population table (see [`super::population_table`]).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeltaPresence {
    /// The lowest δ allowed (0 to 1, default 0).
    #[serde(default)]
    pub min: f64,
    /// The highest δ allowed (0 to 1).
    pub max: f64,
}

fn default_significance() -> f64 {
    0.01
}

/// The most solver steps per start value a configuration may ask for (each
/// node's check may run the solver a few dozen times).
pub const MAX_ITERATIONS_PER_TRY: u32 = 10_000;

/// ARX's `KMap.CellSizeEstimator`.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellSizeEstimator {
    /// Poisson (D3, Pannekoek 1999).
    #[default]
    Poisson,
    /// Zero-truncated Poisson (D4).
    ZeroTruncatedPoisson,
}

/// The population a file is drawn from: a size or a preset.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Population {
    /// The population's size.
    Size(u64),
    /// A named population.
    Preset(PopulationPreset),
}

/// Named populations.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PopulationPreset {
    /// France, 1 January 2026: 69.1 million (INSEE, Bilan démographique
    /// 2025, published 13 January 2026, provisional; INSEE states it to the
    /// hundred thousand).
    France,
    /// The United States, 317,238,626 (ARX's `Region.USA`, for its tests).
    Usa,
}

/// France's population preset (see [`PopulationPreset::France`]).
pub const FRANCE: u64 = 69_100_000;
/// ARX's population of the United States.
pub const USA: u64 = 317_238_626;

impl Population {
    /// The size.
    pub fn size(self) -> u64 {
        match self {
            Population::Size(n) => n,
            Population::Preset(PopulationPreset::France) => FRANCE,
            Population::Preset(PopulationPreset::Usa) => USA,
        }
    }
}

/// ARX's `k'` for k-map with an estimator, from `λ = f · k`:
/// - Poisson: `x + 2`, `x` the smallest count with `P(X <= x) >= 1 − α`
///   (ARX's loop returns its counter after one more increment: kept);
/// - zero-truncated Poisson: `x + 1`, `x` the smallest count from 1 with
///   `Σ_{i=1}^{x} P(X = i) / (1 − P(X = 0)) >= 1 − α`.
///
/// Then `min(k, k', rows)`. Probabilities through `libm` (the same bits
/// natively and in wasm; ARX uses commons-math, which may differ in the last
/// bits, and so in `k'` only at an exact tie with `1 − α`).
pub fn derived_k(k: u32, significance: f64, sampling_fraction: f64, estimator: CellSizeEstimator, rows: usize) -> u32 {
    let lambda = sampling_fraction * f64::from(k);
    let threshold = 1.0 - significance;
    let pmf = |x: u32| {
        if lambda <= 0.0 {
            return if x == 0 { 1.0 } else { 0.0 };
        }
        libm::exp(-lambda + f64::from(x) * libm::log(lambda) - libm::lgamma(f64::from(x) + 1.0))
    };
    // The result is capped at min(k, rows): no more steps matter (a huge k
    // with an underflowing Poisson cannot loop for long).
    let cap = k.min(u32::try_from(rows).unwrap_or(u32::MAX));
    let limit = cap.saturating_add(2);
    let derived = match estimator {
        CellSizeEstimator::Poisson => {
            let (mut counter, mut value) = (0u32, 0.0);
            while value < threshold && counter <= limit {
                value += pmf(counter);
                counter += 1;
            }
            counter.saturating_add(1)
        }
        CellSizeEstimator::ZeroTruncatedPoisson => {
            let v2 = 1.0 - pmf(0);
            let (mut counter, mut value) = (1u32, 0.0);
            while value < threshold && counter <= limit {
                value += pmf(counter) / v2;
                counter += 1;
            }
            counter
        }
    };
    derived.min(k).min(u32::try_from(rows).unwrap_or(u32::MAX))
}

/// The risk criteria of a problem, checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct RiskCriteria {
    /// The average-risk threshold and, for the relaxed form, the size
    /// threshold and the records allowed.
    average: Option<(f64, Option<(u32, f64)>)>,
    sample_uniqueness: Option<f64>,
    /// Threshold, model, population size, solver steps.
    population: Option<(f64, UniquenessRule, f64, u32)>,
    /// The population table's criteria (k-map counted in it, δ-presence),
    /// checked per class with k and l (see [`super::population_table`]).
    pub(crate) population_table: Option<PopulationTable>,
}

/// Buffers of [`RiskCriteria::enforce`], kept between nodes.
#[derive(Debug, Default)]
pub(crate) struct RiskScratch {
    /// Kept classes in the order they are suppressed.
    entries: Vec<u32>,
    /// Per size, kept classes of that size (then, where each size starts).
    counts: Vec<u32>,
    keyed: Vec<(f64, u32)>,
}

impl RiskScratch {
    /// Orders the kept classes by size (a counting sort, so by first row
    /// within a size), then by `tie` within a size when given.
    fn order(&mut self, sizes: &[u32], failing: &[bool], tie: Option<&dyn Fn(usize) -> f64>) {
        let counts = &mut self.counts;
        counts.iter_mut().for_each(|c| *c = 0);
        for (&size, &f) in sizes.iter().zip(failing) {
            if !f && size > 0 {
                counts[size as usize] += 1;
            }
        }
        let mut start = 0u32;
        for c in counts.iter_mut() {
            let n = *c;
            *c = start;
            start += n;
        }
        self.entries.clear();
        self.entries.resize(start as usize, 0);
        for (class, (&size, &f)) in sizes.iter().zip(failing).enumerate() {
            if !f && size > 0 {
                let at = &mut counts[size as usize];
                self.entries[*at as usize] = class as u32;
                *at += 1;
            }
        }
        let Some(tie) = tie else { return };
        let mut i = 0;
        while i < self.entries.len() {
            let size = sizes[self.entries[i] as usize];
            let mut j = i + 1;
            while j < self.entries.len() && sizes[self.entries[j] as usize] == size {
                j += 1;
            }
            if j - i > 1 {
                self.keyed.clear();
                self.keyed.extend(self.entries[i..j].iter().map(|&c| (tie(c as usize), c)));
                self.keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                for (slot, &(_, c)) in self.entries[i..j].iter_mut().zip(&self.keyed) {
                    *slot = c;
                }
            }
            i = j;
        }
    }
}

/// The distribution of the kept classes, as ARX's `HashGroupifyDistribution`.
#[derive(Default)]
struct Distribution {
    /// Kept classes by size (sizes ascending).
    by_size: std::collections::BTreeMap<u32, usize>,
    records: u64,
    classes: u64,
    suppressed: u64,
}

impl Distribution {
    fn add(&mut self, size: u32) {
        *self.by_size.entry(size).or_insert(0) += 1;
        self.records += u64::from(size);
        self.classes += 1;
    }

    fn remove(&mut self, size: u32) {
        if let Some(c) = self.by_size.get_mut(&size) {
            *c -= 1;
            if *c == 0 {
                self.by_size.remove(&size);
            }
        }
        self.records -= u64::from(size);
        self.classes -= 1;
    }

    /// ARX's `getFractionOfRecordsInClassesOfSize`.
    fn fraction_of_size(&self, size: u32) -> f64 {
        let count = self.by_size.get(&size).copied().unwrap_or(0);
        count as f64 * f64::from(size) / self.records as f64
    }

    fn histogram(&self) -> Vec<SizeCount> {
        self.by_size.iter().map(|(&size, &classes)| SizeCount { size, classes }).collect()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Average,
    Sample,
    Population,
}

enum State {
    Fulfilled,
    NotFulfilled,
    Abort,
}

impl RiskCriteria {
    /// Checks the parameters (paths as in the configuration) and prepares them.
    pub(crate) fn new(
        average: Option<AverageRisk>,
        sample_uniqueness: Option<f64>,
        population_uniqueness: Option<PopulationUniqueness>,
        population: Option<u64>,
    ) -> Result<RiskCriteria, SearchError> {
        let share = |x: f64| (0.0..=1.0).contains(&x);
        let average = match average {
            None => None,
            Some(AverageRisk::Threshold(t)) => {
                if !share(t) {
                    return Err(SearchError::config("average_risk", "must be a number from 0 to 1"));
                }
                Some((t, None))
            }
            Some(AverageRisk::Bounds(b)) => {
                if !share(b.threshold) {
                    return Err(SearchError::config("average_risk.threshold", "must be a number from 0 to 1"));
                }
                if !(b.highest > 0.0 && b.highest <= 1.0) {
                    return Err(SearchError::config("average_risk.highest", "must be a number above 0 and at most 1"));
                }
                if !share(b.records_above) {
                    return Err(SearchError::config("average_risk.records_above", "must be a number from 0 to 1"));
                }
                Some((b.threshold, Some((size_threshold(b.highest), b.records_above))))
            }
        };
        if let Some(t) = sample_uniqueness {
            if !share(t) {
                return Err(SearchError::config("sample_uniqueness", "must be a number from 0 to 1"));
            }
        }
        let population = match population_uniqueness {
            None => None,
            Some(p) => {
                if !share(p.threshold) {
                    return Err(SearchError::config("population_uniqueness.threshold", "must be a number from 0 to 1"));
                }
                let iterations = p.iterations.unwrap_or(DEFAULT_ITERATIONS_PER_TRY);
                if !(1..=MAX_ITERATIONS_PER_TRY).contains(&iterations) {
                    return Err(SearchError::config(
                        "population_uniqueness.iterations",
                        format!("must be from 1 to {MAX_ITERATIONS_PER_TRY}"),
                    ));
                }
                let Some(n) = population else {
                    return Err(SearchError::config(
                        "population_uniqueness",
                        "needs the population: give `population` or `sampling_fraction`",
                    ));
                };
                Some((p.threshold, p.model, n as f64, iterations))
            }
        };
        Ok(RiskCriteria { average, sample_uniqueness, population, population_table: None })
    }

    /// Whether there is any risk criterion.
    pub(crate) fn is_empty(&self) -> bool {
        self.average.is_none() && self.sample_uniqueness.is_none() && self.population.is_none()
    }

    /// Whether the criteria are monotone (see the module documentation).
    pub(crate) fn monotone(&self, suppression: bool) -> bool {
        self.population.is_none() && !(suppression && self.average.is_some_and(|(_, b)| b.is_some()))
    }

    fn fulfilled(&self, which: Which, d: &Distribution) -> bool {
        match which {
            Which::Average => {
                let Some((t, bounds)) = self.average else { return true };
                let average_size = d.records as f64 / d.classes as f64;
                let result = 1.0 / average_size <= t;
                match bounds {
                    Some((smallest, records)) if result => {
                        let mut fraction = 0.0;
                        for size in 1..=smallest {
                            fraction += d.fraction_of_size(size);
                        }
                        fraction <= records
                    }
                    _ => result,
                }
            }
            Which::Sample => self.sample_uniqueness.is_none_or(|t| d.fraction_of_size(1) <= t),
            Which::Population => {
                let Some((t, rule, n, iterations)) = self.population else { return true };
                if d.records == 0 {
                    return true;
                }
                let x = population::criterion_fraction(&d.histogram(), n, rule, iterations);
                (x > 0.0 && x <= t) || (x == 0.0 && d.fraction_of_size(1) == 0.0)
            }
        }
    }

    /// Enforces the criteria on the classes of sizes `sizes` not yet
    /// `failing`, flagging the classes it suppresses; returns the rows it
    /// added. Classes are suppressed smallest first; `tie`, when given,
    /// orders classes of one size (lowest first) before their first row.
    pub(crate) fn enforce(
        &self,
        sizes: &[u32],
        failing: &mut [bool],
        already: u64,
        max_suppressed: u64,
        tie: Option<&dyn Fn(usize) -> f64>,
        scratch: &mut RiskScratch,
    ) -> u64 {
        // The kept classes' histogram, by a counting pass over the sizes.
        let counts = &mut scratch.counts;
        counts.clear();
        for (&size, &f) in sizes.iter().zip(failing.iter()) {
            if !f && size > 0 {
                let s = size as usize;
                if s >= counts.len() {
                    counts.resize(s + 1, 0);
                }
                counts[s] += 1;
            }
        }
        let mut d = Distribution { suppressed: already, ..Distribution::default() };
        for (size, &c) in counts.iter().enumerate() {
            if c > 0 {
                d.by_size.insert(size as u32, c as usize);
                d.records += size as u64 * u64::from(c);
                d.classes += u64::from(c);
            }
        }
        for which in [Which::Average, Which::Sample, Which::Population] {
            if self.fulfilled(which, &d) {
                continue;
            }
            scratch.order(sizes, failing, tie);
            self.binary(which, &mut d, sizes, failing, &scratch.entries, max_suppressed);
            if d.suppressed > max_suppressed {
                break;
            }
        }
        d.suppressed - already
    }

    /// ARX's `suppressWhileNotFulfilledBinary`, step for step.
    fn binary(
        &self,
        which: Which,
        d: &mut Distribution,
        sizes: &[u32],
        failing: &mut [bool],
        entries: &[u32],
        max_suppressed: u64,
    ) {
        if entries.is_empty() {
            return;
        }
        let suppress = |d: &mut Distribution, failing: &mut [bool], i: usize| {
            let c = entries[i] as usize;
            failing[c] = true;
            d.remove(sizes[c]);
            d.suppressed += u64::from(sizes[c]);
        };
        let unsuppress = |d: &mut Distribution, failing: &mut [bool], i: usize| {
            let c = entries[i] as usize;
            failing[c] = false;
            d.suppressed -= u64::from(sizes[c]);
            d.add(sizes[c]);
        };
        let condition = |d: &Distribution| {
            let fulfilled = self.fulfilled(which, d);
            if !fulfilled && d.suppressed > max_suppressed {
                State::Abort
            } else if fulfilled {
                State::Fulfilled
            } else {
                State::NotFulfilled
            }
        };
        let len = entries.len() as i64;
        let (mut low, mut high) = (0i64, len - 1);
        let mut mid = (low + high) / 2;
        for i in low..=mid {
            suppress(d, failing, i as usize);
        }
        let mut state = State::Abort;
        while low <= high {
            state = condition(d);
            match state {
                State::Abort => break,
                State::Fulfilled => {
                    high = mid - 1;
                    mid = (low + high).div_euclid(2);
                    let mut i = mid + 1;
                    while i < len && failing[entries[i as usize] as usize] {
                        unsuppress(d, failing, i as usize);
                        i += 1;
                    }
                }
                State::NotFulfilled => {
                    low = mid + 1;
                    mid = (low + high).div_euclid(2);
                    for i in low..=mid {
                        suppress(d, failing, i as usize);
                    }
                }
            }
        }
        if !matches!(state, State::Abort) {
            state = condition(d);
            if matches!(state, State::NotFulfilled) && mid + 1 < len && !failing[entries[(mid + 1) as usize] as usize] {
                suppress(d, failing, (mid + 1) as usize);
            }
        }
    }
}

/// ARX's `getSizeThreshold` of the relaxed average risk.
fn size_threshold(highest: f64) -> u32 {
    let size = 1.0 / highest;
    let mut floor = size.floor();
    if (1.0 / floor) - (1.0 / size) >= 0.01 * highest {
        floor += 1.0;
    }
    floor as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria(average: Option<AverageRisk>, sample: Option<f64>) -> RiskCriteria {
        RiskCriteria::new(average, sample, None, None).unwrap()
    }

    fn run(c: &RiskCriteria, sizes: &[u32], max: u64) -> (Vec<bool>, u64) {
        let mut failing = vec![false; sizes.len()];
        let mut scratch = RiskScratch::default();
        let added = c.enforce(sizes, &mut failing, 0, max, None, &mut scratch);
        (failing, added)
    }

    #[test]
    fn sample_uniqueness_suppresses_the_fewest_singletons() {
        // 4 singletons among 19 records: 4/19 > 0.1; 2 suppressed: 2/17 > 0.1; 3: 1/16 <= 0.1.
        let c = criteria(None, Some(0.1));
        let (failing, added) = run(&c, &[1, 5, 1, 1, 10, 1], 10);
        assert_eq!(added, 3);
        // the first singletons in class order
        assert_eq!(failing, vec![true, false, true, true, false, false]);
        // a limit of 1 row: aborted
        let (_, added) = run(&c, &[1, 5, 1, 1, 10, 1], 1);
        assert!(added > 1);
    }

    #[test]
    fn the_binary_search_finds_the_fewest_rows_on_a_monotone_criterion() {
        // Sample uniqueness over u singletons and some larger classes: the
        // fewest singletons to suppress is the smallest m with (u - m) / (n - m) <= t.
        for u in 1..60u32 {
            for big in [&[5u32][..], &[2, 3, 40], &[7, 7, 7, 7], &[100]] {
                for t in [0.0, 0.01, 0.05, 0.1, 0.3] {
                    let mut sizes = vec![1u32; u as usize];
                    sizes.extend_from_slice(big);
                    let n: u32 = sizes.iter().sum();
                    let want = (0..=u).find(|&m| f64::from(u - m) / f64::from(n - m) <= t).unwrap();
                    let c = criteria(None, Some(t));
                    assert_eq!(run(&c, &sizes, u64::MAX).1, u64::from(want), "u {u} {big:?} t {t}");
                }
            }
        }
        // Average risk: the shortest prefix of smallest classes.
        for sizes in [vec![1u32, 1, 2, 2, 3, 9, 20], vec![1; 30], vec![2, 2, 2, 4, 50, 1, 1]] {
            for t in [0.05, 0.1, 0.2, 0.4] {
                let mut sorted = sizes.clone();
                sorted.sort_unstable();
                let passes = |m: usize| {
                    let kept = &sorted[m..];
                    let records: u32 = kept.iter().sum();
                    !kept.is_empty() && 1.0 / (f64::from(records) / kept.len() as f64) <= t
                };
                let want: Option<u64> =
                    (0..=sorted.len()).find(|&m| passes(m)).map(|m| sorted[..m].iter().map(|&s| u64::from(s)).sum());
                let c = criteria(Some(AverageRisk::Threshold(t)), None);
                let got = run(&c, &sizes, u64::MAX).1;
                match want {
                    Some(w) => assert_eq!(got, w, "{sizes:?} t {t}"),
                    None => assert_eq!(got, sizes.iter().map(|&s| u64::from(s)).sum::<u64>(), "{sizes:?} t {t}"),
                }
            }
        }
    }

    #[test]
    fn average_risk_and_its_relaxed_form() {
        // classes 1, 1, 10: 3/12 = 0.25 > 0.2; suppress one: 2/11 = 0.18
        let c = criteria(Some(AverageRisk::Threshold(0.2)), None);
        assert_eq!(run(&c, &[1, 1, 10], 5).1, 1);
        assert_eq!(run(&c, &[10, 10], 0).1, 0);
        // highest 0.5 -> size threshold 2; records in classes of size <= 2 at most 0.1
        let relaxed = AverageRisk::Bounds(AverageRiskBounds { threshold: 1.0, highest: 0.5, records_above: 0.1 });
        let c = criteria(Some(relaxed), None);
        assert_eq!(run(&c, &[1, 1, 10], 1).1, 1);
        // merged: {2, 10} needs the class of 2 suppressed: over a limit of 1
        assert!(run(&c, &[2, 10], 1).1 > 1);
        assert!(!c.monotone(true) && c.monotone(false));
    }

    #[test]
    fn size_threshold_as_arx() {
        assert_eq!(size_threshold(0.2), 5);
        assert_eq!(size_threshold(0.5), 2);
        // 1/0.3 = 3.33: floor 3, 1/3 - 0.3 = 0.033 >= 0.003: 4
        assert_eq!(size_threshold(0.3), 4);
        assert_eq!(size_threshold(1.0), 1);
    }

    #[test]
    fn derived_k_by_hand() {
        // λ = 0.1 · 5 = 0.5: P(0) = 0.6065, P(<=1) = 0.9098, P(<=2) = 0.9856, P(<=3) = 0.9982
        // α = 0.01: x = 3, k' = 5; α = 0.05: x = 2, k' = 4
        assert_eq!(derived_k(5, 0.05, 0.1, CellSizeEstimator::Poisson, 100), 4);
        assert_eq!(derived_k(10, 0.01, 0.05, CellSizeEstimator::Poisson, 100), 5);
        assert_eq!(derived_k(5, 0.01, 0.1, CellSizeEstimator::Poisson, 100), 5);
        // zero-truncated, λ = 0.5: P(1)/(1-P(0)) = 0.7707, +P(2) = 0.9634, +P(3) = 0.9955
        // α = 0.05: x = 2, k' = 3; α = 0.01: x = 3, k' = 4
        assert_eq!(derived_k(5, 0.05, 0.1, CellSizeEstimator::ZeroTruncatedPoisson, 100), 3);
        assert_eq!(derived_k(5, 0.01, 0.1, CellSizeEstimator::ZeroTruncatedPoisson, 100), 4);
        // capped by k and rows
        assert_eq!(derived_k(3, 0.01, 1.0, CellSizeEstimator::Poisson, 100), 3);
        assert_eq!(derived_k(50, 0.01, 1.0, CellSizeEstimator::Poisson, 10), 10);
        // a huge k ends at once (capped by the rows)
        assert_eq!(derived_k(u32::MAX, 0.01, 1.0, CellSizeEstimator::Poisson, 1000), 1000);
        assert_eq!(derived_k(u32::MAX, 0.01, 1.0, CellSizeEstimator::ZeroTruncatedPoisson, 1000), 1000);
    }

    #[test]
    fn presets() {
        assert_eq!(Population::Preset(PopulationPreset::France).size(), 69_100_000);
        assert_eq!(Population::Preset(PopulationPreset::Usa).size(), 317_238_626);
        let p: Population = serde_json::from_str("\"france\"").unwrap();
        assert_eq!(p.size(), FRANCE);
        let p: Population = serde_json::from_str("1000").unwrap();
        assert_eq!(p.size(), 1000);
    }
}
