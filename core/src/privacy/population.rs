//! Population risk: how many records of the population are unique, estimated
//! from the sample (the file) and the population's size, and the journalist
//! and marketer risks.
//!
//! # Models (as ARX 3.9.2 computes them, `org.deidentifier.arx.risk`)
//! All of them work on the class-size histogram of the sample (how many
//! classes have each size), never on rows. With `n` records analysed, `u`
//! classes, `c1` classes of size 1, `c2` of size 2 and a population of `N`:
//! - **Zayatz** (1991): the share of sample uniques that are population
//!   uniques, `P(unique | seen once) = (c1/u · h(1)) / Σ_s (u_s/u · h(s))`
//!   where `h(s)` is the hypergeometric probability of drawing exactly one
//!   record of a population class of size `s` in a sample of `n` out of `N`;
//!   the estimate is `c1 · P / f` with `f = n / N`.
//! - **Pitman** (Hoshino 2001): the maximum-likelihood `θ`, `α` of the
//!   Pitman sampling formula, by Newton-Raphson on the closed (digamma,
//!   trigamma) form of the likelihood equations, checked against and if need
//!   be replaced by their sum form (its sums over the classes and the
//!   records taken in closed form when they are long, see
//!   [`super::partial_sums`]: ARX adds them term by term); the estimate is
//!   `Γ(θ+1) / Γ(θ+α) · N^α`.
//! - **SNB**, the slide negative binomial (Chen & Keller-McNulty 1998): the
//!   number of non-empty population classes `K` by Shlosser's estimator, then
//!   `α`, `β` solving the expected numbers of sample classes of sizes 1 and 2
//!   by Newton-Raphson; the estimate is `K · β^α`.
//! - **Dankar et al. 2012**'s rule: Pitman when `f ≤ 0.1` (Zayatz if Pitman
//!   fails), otherwise the smaller of Zayatz and SNB (Zayatz if SNB fails).
//!
//! Each figure reported is the estimated number of population uniques divided
//! by `N` (ARX's `getFractionOfUniqueTuples...`). An estimate that is not a
//! number or exactly 0 is one ARX calls unavailable: it is reported as `None`
//! (`null`), never as a number. With no sample unique every estimate is 0.
//!
//! # Solver
//! ARX's Newton-Raphson (the `de.linearbits.newtonraphson` library with
//! ARX's default solver configuration): accuracy 1e-6 on both equations,
//! at most 1000 steps per try, the given start first, then the 16 start
//! values `{0, 0.33, 0.66, 0.99}²` ("deterministic" mode), the last of which
//! is only evaluated, never stepped from (a quirk of the library, kept).
//! ARX also stops a try after 100 ms and the whole solve after 1 s; the core
//! has no clock, so masque keeps only the iteration limits (the same answers
//! whenever ARX's solve ends within its time limits).
//!
//! # Journalist and marketer risk
//! As ARX's risk summary reports them when no population table is given (the
//! sample is its own population for matching): journalist risk has the
//! prosecutor's figures (records at risk, highest, average) and the marketer
//! risk is the average, `classes / records`.
//!
//! Every logarithm, power, exponential and gamma function goes through
//! `libm`, so native and wasm builds give the same bits.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use super::error::{PrivacyError, PrivacyErrorKind};
use super::partial_sums;
use super::report::OrderedMap;
use super::risk::SizeCount;

/// The largest population accepted: 2^53, the largest whole number a
/// JavaScript number (and an `f64`) holds exactly.
pub const MAX_POPULATION: u64 = 1 << 53;

/// The population the file was drawn from, as given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PopulationSpec {
    /// The population's size `N`.
    Size(u64),
    /// The sampling fraction `f = rows / N`, in `(0, 1]`.
    SamplingFraction(f64),
}

impl PopulationSpec {
    /// The population's size for a file of `rows` rows: `N` as given (at
    /// least `rows`), or `round(rows / f)` as ARX's `ARXPopulationModel`
    /// computes it.
    pub fn size(self, rows: usize) -> Result<u64, PrivacyError> {
        let size = match self {
            PopulationSpec::Size(n) => n,
            PopulationSpec::SamplingFraction(f) => {
                if !(f > 0.0 && f <= 1.0) {
                    return Err(PrivacyError::new(PrivacyErrorKind::BadParameter {
                        name: "sampling_fraction",
                        expected: "a number above 0 and at most 1",
                    }));
                }
                let n = (rows as f64 / f).round();
                if n > MAX_POPULATION as f64 {
                    return Err(PrivacyError::new(PrivacyErrorKind::BadParameter {
                        name: "sampling_fraction",
                        expected: "a fraction giving a population of at most 2^53",
                    }));
                }
                n as u64
            }
        };
        if size > MAX_POPULATION {
            return Err(PrivacyError::new(PrivacyErrorKind::BadParameter {
                name: "population",
                expected: "a whole number of at most 2^53",
            }));
        }
        if size < rows as u64 || size == 0 {
            return Err(PrivacyError::new(PrivacyErrorKind::PopulationTooSmall { population: size, rows }));
        }
        Ok(size)
    }
}

/// Which model Dankar et al.'s rule chose.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UniquenessModel {
    /// Pitman (Hoshino 2001).
    Pitman,
    /// Zayatz (1991).
    Zayatz,
    /// The slide negative binomial (Chen & Keller-McNulty 1998).
    Snb,
}

/// The estimates of population uniqueness: each the estimated number of
/// records unique in the population divided by its size; `None` when the
/// model did not give an estimate (the solver did not converge).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uniqueness {
    /// Pitman's model.
    pub pitman: Option<f64>,
    /// Zayatz's model.
    pub zayatz: Option<f64>,
    /// The SNB model.
    pub snb: Option<f64>,
    /// Dankar et al.'s decision rule (0 if the model it chose gave nothing).
    pub dankar: f64,
    /// The model the rule chose; `None` when there is no sample unique (every
    /// estimate is then 0 and no model is needed).
    pub dankar_model: Option<UniquenessModel>,
}

/// The journalist risk figures (named like the prosecutor's).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalistRisk {
    /// The highest record risk.
    pub highest: f64,
    /// The average record risk.
    pub average: f64,
    /// For each threshold (as text), the share of records whose risk is above it.
    pub records_at_risk: OrderedMap<f64>,
}

/// The population-based figures of a risk report.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationRisk {
    /// The population's size `N`.
    pub size: u64,
    /// The sampling fraction the models use: records analysed / `N`.
    pub sampling_fraction: f64,
    /// The population uniqueness estimates.
    pub uniqueness: Uniqueness,
    /// The journalist risk.
    pub journalist: JournalistRisk,
    /// The marketer risk: the share of records re-identified on average.
    pub marketer: f64,
}

/// The estimated numbers of population uniques (not divided by `N`); NaN
/// where a model gives nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UniqueCounts {
    /// Pitman's model.
    pub pitman: f64,
    /// Zayatz's model.
    pub zayatz: f64,
    /// The SNB model.
    pub snb: f64,
}

/// The population uniqueness estimates of a sample with class sizes
/// `histogram` (by increasing size) drawn from a population of `population`.
pub fn uniqueness(histogram: &[SizeCount], population: f64) -> Uniqueness {
    let h = Histogram::new(histogram);
    if h.c1 == 0.0 {
        return Uniqueness { pitman: Some(0.0), zayatz: Some(0.0), snb: Some(0.0), dankar: 0.0, dankar_model: None };
    }
    let f = h.n / population;
    // ARX computes only the models its rule needs; all three are reported here.
    let (pitman, zayatz, snb) = (pitman(&h, population, &SOLVER), zayatz(&h, population), snb(&h, population, &SOLVER));
    let (dankar, model) = if f <= 0.1 {
        if valid(pitman) {
            (pitman, UniquenessModel::Pitman)
        } else {
            (zayatz, UniquenessModel::Zayatz)
        }
    } else if valid(snb) {
        // A NaN Zayatz compares false: SNB, as in ARX.
        if zayatz < snb {
            (zayatz, UniquenessModel::Zayatz)
        } else {
            (snb, UniquenessModel::Snb)
        }
    } else {
        (zayatz, UniquenessModel::Zayatz)
    };
    let fraction = |x: f64| valid(x).then(|| x / population);
    Uniqueness {
        pitman: fraction(pitman),
        zayatz: fraction(zayatz),
        snb: fraction(snb),
        dankar: fraction(dankar).unwrap_or(0.0),
        dankar_model: Some(model),
    }
}

/// The estimated numbers of population uniques of the three models (NaN
/// where a model gives nothing; 0 for all with no sample unique).
pub fn unique_counts(histogram: &[SizeCount], population: f64) -> UniqueCounts {
    let h = Histogram::new(histogram);
    if h.c1 == 0.0 {
        return UniqueCounts { pitman: 0.0, zayatz: 0.0, snb: 0.0 };
    }
    UniqueCounts {
        pitman: pitman(&h, population, &SOLVER),
        zayatz: zayatz(&h, population),
        snb: snb(&h, population, &SOLVER),
    }
}

/// The population figures of a report: the uniqueness estimates, the
/// journalist risk (the prosecutor's figures, as ARX without a population
/// table) and the marketer risk (`average`).
pub fn population_risk(
    histogram: &[SizeCount],
    records: usize,
    size: u64,
    highest: f64,
    average: f64,
    records_at_risk: &OrderedMap<f64>,
) -> PopulationRisk {
    let population = size as f64;
    PopulationRisk {
        size,
        sampling_fraction: records as f64 / population,
        uniqueness: uniqueness(histogram, population),
        journalist: JournalistRisk { highest, average, records_at_risk: records_at_risk.clone() },
        marketer: average,
    }
}

/// The estimator a population-uniqueness criterion uses.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UniquenessRule {
    /// Dankar et al.'s decision rule (the default).
    #[default]
    Dankar,
    /// Pitman's model.
    Pitman,
    /// Zayatz's model.
    Zayatz,
    /// The SNB model.
    Snb,
}

/// The fraction of the population that is unique, as ARX's
/// `PopulationUniqueness` criterion reads it from `RiskModelPopulationUniqueness`
/// (solver with `iterations_per_try` steps per start value):
/// - a single model: its estimate over `N`, 0 when it gives none;
/// - Dankar's rule without Zayatz as a fallback
///   (`getFractionOfUniqueTuplesDankar(false)`): when `f <= 0.1` and Pitman
///   gives nothing, ARX leaves its "not computed" marker -1 in place and
///   returns `-1 / N`. Kept: the criterion then fails, as in ARX.
///
/// 0 when there is no sample unique.
pub fn criterion_fraction(
    histogram: &[SizeCount],
    population: f64,
    rule: UniquenessRule,
    iterations_per_try: u32,
) -> f64 {
    let h = Histogram::new(histogram);
    if h.c1 == 0.0 {
        return 0.0;
    }
    let solver = Solver { accuracy: SOLVER.accuracy, iterations_per_try };
    let or_zero = |x: f64| if valid(x) { x } else { 0.0 };
    let count = match rule {
        UniquenessRule::Pitman => or_zero(pitman(&h, population, &solver)),
        UniquenessRule::Zayatz => or_zero(zayatz(&h, population)),
        UniquenessRule::Snb => or_zero(snb(&h, population, &solver)),
        UniquenessRule::Dankar => {
            if h.n / population <= 0.1 {
                let p = pitman(&h, population, &solver);
                if valid(p) {
                    p
                } else {
                    -1.0
                }
            } else {
                let (s, z) = (snb(&h, population, &solver), zayatz(&h, population));
                let d = if valid(s) {
                    if z < s {
                        z
                    } else {
                        s
                    }
                } else {
                    z
                };
                or_zero(d)
            }
        }
    };
    count / population
}

/// ARX's test of an estimate: a number, and not 0.
fn valid(x: f64) -> bool {
    !x.is_nan() && x != 0.0
}

/// The histogram as the models read it.
struct Histogram<'a> {
    sizes: &'a [SizeCount],
    /// Records.
    n: f64,
    /// Classes.
    u: f64,
    /// Classes of size 1.
    c1: f64,
    /// Classes of size 2.
    c2: f64,
}

impl<'a> Histogram<'a> {
    fn new(sizes: &'a [SizeCount]) -> Histogram<'a> {
        let count = |size: u32| sizes.iter().find(|s| s.size == size).map_or(0.0, |s| s.classes as f64);
        Histogram {
            sizes,
            n: sizes.iter().map(|s| u64::from(s.size) * s.classes as u64).sum::<u64>() as f64,
            u: sizes.iter().map(|s| s.classes as u64).sum::<u64>() as f64,
            c1: count(1),
            c2: count(2),
        }
    }
}

// ---------------------------------------------------------------------------
// Zayatz

/// Zayatz's estimate of the number of population uniques.
fn zayatz(h: &Histogram<'_>, population: f64) -> f64 {
    // ARX hands the population and sample sizes to the hypergeometric
    // distribution as Java ints, capped at 2^31 - 1 (its own comment calls the
    // cap an error: beyond it the probabilities are those of a smaller
    // population). Kept, so that the figures match.
    let cap = |x: f64| if x > f64::from(i32::MAX) { i32::MAX as u64 } else { x as u64 };
    let (m, n) = (cap(population), cap(h.n));
    let mut sum = 0.0;
    for s in h.sizes {
        sum += (s.classes as f64 / h.u) * one_drawn(m, u64::from(s.size), n);
    }
    let conditional = ((h.c1 / h.u) * one_drawn(m, 1, n)) / sum;
    h.c1 * conditional / (h.n / population)
}

/// The hypergeometric probability of exactly one success when drawing `n`
/// of `m` items of which `k` are successes:
/// `k · n / m · Π_{j=0}^{min(k,n)-2} (m - max(k,n) - j) / (m - 1 - j)`.
fn one_drawn(m: u64, k: u64, n: u64) -> f64 {
    if k == 0 || n == 0 || k > m || n > m || n + k > m + 1 {
        return 0.0;
    }
    let (small, large) = if k <= n { (k, n) } else { (n, k) };
    let mut p = (k as f64 * n as f64) / m as f64;
    for j in 0..small.saturating_sub(1) {
        p *= (m - large - j) as f64 / (m - 1 - j) as f64;
    }
    p
}

// ---------------------------------------------------------------------------
// Pitman

/// Pitman's estimate of the number of population uniques (NaN if the solver
/// did not converge or the result is out of `[0, N]`).
fn pitman(h: &Histogram<'_>, population: f64, solver: &Solver) -> f64 {
    let Some((t, a)) = pitman_fit(h, solver) else { return f64::NAN };
    if a.is_nan() || t.is_nan() || a == 0.0 {
        return f64::NAN;
    }
    let within = |x: f64| if x >= 0.0 && x <= population { x } else { f64::NAN };
    let scale = libm::pow(population, a);
    let by_logs = within(libm::exp(log_gamma(t + 1.0) - log_gamma(t + a)) * scale);
    let by_gammas = within((gamma(t + 1.0) / gamma(t + a)) * scale);
    match (by_logs.is_nan(), by_gammas.is_nan()) {
        (true, true) => f64::NAN,
        (false, false) => by_logs.max(by_gammas),
        (true, false) => by_gammas,
        (false, true) => by_logs,
    }
}

/// Pitman's `(θ, α)` as ARX's solver finds them, if it converges.
fn pitman_fit(h: &Histogram<'_>, solver: &Solver) -> Option<(f64, f64)> {
    let (c1, u, n) = (h.c1, h.u, h.n);
    // ARX's start values (with c2 = 1 when there is no class of size 2).
    let c2 = if h.c2 != 0.0 { h.c2 } else { 1.0 };
    let c = (c1 * (c1 - 1.0)) / c2;
    let t = ((n * u * c) - (c1 * (n - 1.0) * ((2.0 * u) + c))) / (((2.0 * c1 * u) + (c1 * c)) - (n * c));
    let a = ((t * (c1 - n)) + ((n - 1.0) * c1)) / (n * u);
    let theta_positive = |x: f64, _: f64| x >= 0.0;

    let mut result = solver.solve((t, a), |t, a| pitman_closed(h, t, a), Some(&theta_positive));
    let retry = match result {
        None => true,
        Some((t, a)) => {
            let (x, y) = pitman_sums(h, t, a, false).0;
            x.is_nan() || y.is_nan() || x.abs() > solver.accuracy || y.abs() > solver.accuracy
        }
    };
    if retry {
        result = solver.solve((t, a), |t, a| pitman_sums(h, t, a, true), Some(&theta_positive));
    }
    result
}

/// The likelihood equations of Pitman's model and their Jacobian, in closed
/// form (digamma, trigamma), as ARX writes them.
fn pitman_closed(h: &Histogram<'_>, t: f64, a: f64) -> ((f64, f64), [f64; 4]) {
    let (u, n) = (h.u, h.n);
    let val0 = u - 1.0;
    let val1 = digamma(val0 + (t / a) + 1.0);
    let val2 = trigamma((a + t + (a * val0)) / a);
    let val3 = trigamma((t / a) + 1.0);
    let val4 = digamma((t / a) + 1.0);
    let val5 = a * a;
    let d1 = (val3 - val2) / val5;
    let d5 = (((a * val1) + (t * val2)) - (a * val4) - (t * val3)) / (val5 * a);
    let d3 = (((((val5 * val0) - (t * t * val2)) + (t * t * val3)) - (2.0 * a * t * val1)) + (2.0 * a * t * val4))
        / (val5 * val5);
    let o1 = (val1 - val4) / a;
    let o3 = ((-t * val1) + (a * val0) + (t * val4)) / (a * a);
    let o2 = digamma(n + t) - digamma(t + 1.0);
    let d2 = trigamma(t + 1.0) - trigamma(n + t);
    let mut d4 = 0.0;
    let mut o4 = 0.0;
    let val6 = digamma(1.0 - a);
    let val7 = trigamma(1.0 - a);
    for s in h.sizes {
        if s.size != 1 {
            let key = f64::from(s.size);
            let value = s.classes as f64;
            d4 += value * (val7 - trigamma(key - a));
            o4 += value * (digamma(key - a) - val6);
        }
    }
    ((o1 - o2, o3 - o4), [d2 - d1, 0.0 - d5, 0.0 - d5, 0.0 - d3 - d4])
}

/// The same equations as sums (and, if `jacobian`, their Jacobian), as ARX
/// writes them, the long ones in closed form: `O(largest size)` per
/// evaluation (see [`pitman_sums_of`]).
fn pitman_sums(h: &Histogram<'_>, t: f64, a: f64, jacobian: bool) -> ((f64, f64), [f64; 4]) {
    if jacobian {
        pitman_sums_of::<true>(h, t, a)
    } else {
        pitman_sums_of::<false>(h, t, a)
    }
}

/// Terms of `Σ_{i<u}` computed a block at a time (the multiplications and
/// divisions then vectorise), then added one by one in ARX's order.
const BLOCK: usize = 8;

/// The fewest terms from which a sum over the classes or the records is
/// taken in closed form ([`partial_sums::sums`]) rather than term by term:
/// below, the sums are ARX's to the bit; from there, they differ from ARX's
/// loops by rounding only (about 1e-15 of their value, where the loops' own
/// rounding grows with the number of terms), at a cost that no longer grows
/// with the file.
const CLOSED_FROM: f64 = 64.0;

/// The sums Pitman's equations are made of.
#[derive(Default)]
struct PitmanParts {
    o1: f64,
    o2: f64,
    o3: f64,
    o4: f64,
    d1: f64,
    d2: f64,
    d3: f64,
    d4: f64,
    d5: f64,
}

/// [`pitman_sums`]: each sum as ARX adds it, one term at a time, so that the
/// results are ARX's to the bit, except the sums over the classes
/// (`i < u`) and the records (`i < n`) when they are long (see
/// [`CLOSED_FROM`]) and `θ ≥ 0`, `α > 0`: those are taken in closed form.
fn pitman_sums_of<const JACOBIAN: bool>(h: &Histogram<'_>, t: f64, a: f64) -> ((f64, f64), [f64; 4]) {
    let mut p = PitmanParts::default();
    let closed_classes = (h.u - 1.0 >= CLOSED_FROM && t >= 0.0 && a > 0.0)
        .then(|| partial_sums::sums(t / a, (h.u - 1.0) as u64))
        .flatten();
    match closed_classes {
        // Σ 1/(θ+iα) = (1/α) Σ 1/(x+i) with x = θ/α, and so on.
        Some(s) => {
            let a2 = a * a;
            (p.o1, p.o3, p.d1, p.d5, p.d3) = (s.inv / a, s.i_inv / a, s.inv2 / a2, s.i_inv2 / a2, s.i2_inv2 / a2);
        }
        None => class_loops::<JACOBIAN>(h, t, a, &mut p),
    }
    size_loops::<JACOBIAN>(h, a, &mut p);
    let closed_records =
        (h.n - 1.0 >= CLOSED_FROM && t >= 0.0).then(|| partial_sums::sums(t, (h.n - 1.0) as u64)).flatten();
    match closed_records {
        Some(s) => (p.o2, p.d2) = (s.inv, s.inv2),
        None => record_loops::<JACOBIAN>(h, t, &mut p),
    }
    ((p.o1 - p.o2, p.o3 - p.o4), [p.d2 - p.d1, 0.0 - p.d5, 0.0 - p.d5, 0.0 - p.d3 - p.d4])
}

/// `Σ_{i=1}^{u-1}` of `1/(θ+iα)`, `i/(θ+iα)` (and `1/(θ+iα)²`, `i/(θ+iα)²`,
/// `i²/(θ+iα)²`) as ARX adds them. Two changes of form only: the terms are
/// computed a block at a time before they are added (the same operations on
/// the same operands), and `i` is a whole number held exactly in an `f64`
/// (u < 2^53).
fn class_loops<const JACOBIAN: bool>(h: &Histogram<'_>, t: f64, a: f64, p: &mut PitmanParts) {
    let mut i = 1.0;
    let last = (BLOCK - 1) as f64;
    while i + last < h.u {
        let (mut v1, mut v2, mut v3, mut v4, mut v5) =
            ([0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK]);
        for k in 0..BLOCK {
            let fi = i + k as f64;
            let val0 = t + (fi * a);
            v1[k] = 1.0 / val0;
            v2[k] = fi * v1[k];
            if JACOBIAN {
                let val3 = 1.0 / (val0 * val0);
                let val4 = fi * val3;
                v3[k] = val3;
                v4[k] = val4;
                v5[k] = fi * val4;
            }
        }
        for k in 0..BLOCK {
            p.o1 += v1[k];
            p.o3 += v2[k];
            if JACOBIAN {
                p.d1 += v3[k];
                p.d5 += v4[k];
                p.d3 += v5[k];
            }
        }
        i += BLOCK as f64;
    }
    while i < h.u {
        let val0 = t + (i * a);
        let val1 = 1.0 / val0;
        p.o1 += val1;
        p.o3 += i * val1;
        if JACOBIAN {
            let val3 = 1.0 / (val0 * val0);
            let val4 = i * val3;
            p.d1 += val3;
            p.d5 += val4;
            p.d3 += i * val4;
        }
        i += 1.0;
    }
}

/// Per class size `s > 1`: `Σ_{j=1}^{s-1} 1/(j-α)` (and its squares) times
/// the classes of that size, as ARX adds them, except that the sizes'
/// sums are carried on from the previous, smaller size's instead of starting
/// again from `j = 1` (the same additions in the same order), and that a
/// run of at least [`CLOSED_FROM`] terms between two sizes is taken in
/// closed form.
fn size_loops<const JACOBIAN: bool>(h: &Histogram<'_>, a: f64, p: &mut PitmanParts) {
    let (mut j, mut sum1, mut sum2) = (1u32, 0.0, 0.0);
    for s in h.sizes {
        if s.size == 1 {
            continue;
        }
        if s.size < j {
            (j, sum1, sum2) = (1, 0.0, 0.0);
        }
        // A long run of terms j ..= s - 1 in closed form: Σ 1/(j-α) =
        // Σ_{i=1}^{s-j} 1/(x+i) with x = j - 1 - α (when x ≥ 0).
        let x = f64::from(j) - 1.0 - a;
        let run = s.size.saturating_sub(j);
        match (f64::from(run) >= CLOSED_FROM).then(|| partial_sums::sums(x, u64::from(run))).flatten() {
            Some(closed) => {
                sum1 += closed.inv2;
                sum2 += closed.inv;
                j = s.size;
            }
            None => {
                while j < s.size {
                    let val3 = f64::from(j) - a;
                    if JACOBIAN {
                        sum1 += 1.0 / (val3 * val3);
                    }
                    sum2 += 1.0 / val3;
                    j += 1;
                }
            }
        }
        let value = s.classes as f64;
        p.d4 += value * sum1;
        p.o4 += value * sum2;
    }
}

/// `Σ_{i=1}^{n-1} 1/(θ+i)` (and its squares) as ARX adds them: a division
/// pair per term, already at the divider's pace.
fn record_loops<const JACOBIAN: bool>(h: &Histogram<'_>, t: f64, p: &mut PitmanParts) {
    let mut i = 1.0;
    while i < h.n {
        let val0 = t + i;
        if JACOBIAN {
            p.d2 += 1.0 / (val0 * val0);
        }
        p.o2 += 1.0 / val0;
        i += 1.0;
    }
}

// ---------------------------------------------------------------------------
// SNB

/// The SNB estimate of the number of population uniques (NaN if the solver
/// did not converge).
fn snb(h: &Histogram<'_>, population: f64, solver: &Solver) -> f64 {
    match snb_fit(h, population, solver) {
        Some((k, a, b)) => k * libm::pow(b, a),
        None => f64::NAN,
    }
}

/// The SNB model's `K` (Shlosser), `α`, `β` as ARX's solver finds them, if it converges.
fn snb_fit(h: &Histogram<'_>, population: f64, solver: &Solver) -> Option<(f64, f64, f64)> {
    let f = h.n / population;
    let k = shlosser(h, f);
    let (c1, c2) = (h.c1, h.c2);
    solver.solve((1.0, 1.0), |a, b| snb_equations(k, f, c1, c2, a, b), None).map(|(a, b)| (k, a, b))
}

/// Shlosser's estimate of the number of non-empty population classes, as
/// ARX computes it.
fn shlosser(h: &Histogram<'_>, f: f64) -> f64 {
    let (mut var1, mut var2, mut var3, mut var4) = (0.0, 0.0, 0.0, 0.0);
    let var5 = f * f;
    for s in h.sizes {
        let val0 = f64::from(s.size);
        let val1 = s.classes as f64;
        let val2 = libm::pow(1.0 - f, val0) * val1;
        var1 += val0 * var5 * libm::pow(1.0 - var5, val0 - 1.0) * val1;
        // Shlosser's denominator is Σ_i (1-f)^i ((1+f)^i - 1) u_i; ARX
        // subtracts 1 once per class size instead of u_i times. It looks wrong;
        // kept, so that the figures match ARX's.
        var2 += val2 * libm::pow(1.0 + f, val0) - 1.0;
        var3 += val2;
        var4 += val0 * f * libm::pow(1.0 - f, val0 - 1.0) * val1;
    }
    h.u + h.c1 * (var1 / var2) * (var3 / var4) * (var3 / var4)
}

/// The SNB equations in `α` (`a`), `β` (`b`) and their Jacobian, as ARX
/// writes them.
fn snb_equations(k: f64, f: f64, c1: f64, c2: f64, a: f64, b: f64) -> ((f64, f64), [f64; 4]) {
    let dividend = (1.0 - f) * (1.0 - b);
    let x = k * f * libm::pow(b / (1.0 - dividend), a) * (((a * dividend) / (1.0 - dividend)) + 1.0) - c1;
    // The expected number of sample classes of size 2 divides by
    // (1 - dividend)^(α+2) in Chen & Keller-McNulty (and in ARX's earlier
    // AlgorithmNewtonSNB); ARX 3.9.2 multiplies by it. It looks wrong; kept,
    // so that the figures match ARX's.
    let y = k * a * libm::pow(b, a) * (f * f) * (1.0 - b) / 2.0
        * libm::pow(1.0 - dividend, a + 2.0)
        * (2.0 - (1.0 - a) * dividend)
        - c2;

    let val0 = (b - 1.0) * (f - 1.0);
    let val1 = val0 - 1.0;
    let val2 = 1.0 - val0;
    let val3 = a * val0 / val1 - 1.0;
    let val4 = libm::pow(-b / val1, a);
    let val6 = libm::pow(f, 2.0);
    let val7 = libm::pow(b, a);
    let val8 = val7 * val6 * k;
    let val9 = a * val8;
    let val10 = 2.0 * libm::pow(val2, a + 2.0);
    let val11 = libm::pow(val1, 2.0);
    let val13 = f * k;
    let val14 = f - 1.0;
    let val15 = a - 1.0;
    let val16 = b - 1.0;
    let val17 = val15 * val0;
    let val18 = val6 * k;
    let val19 = val17 + 2.0;
    let val20 = val18 * val19;
    let x1 = -val13 * libm::log(-b / val1) * val3 * val4 - (val13 * val4 * val0) / val1;
    let x2 = a * val13 * (1.0 / val1 - (b * val14) / val11) * val3 * libm::pow(-b / val1, val15)
        - val13 * val4 * ((a * val14) / val1 - (a * val16 * libm::pow(val14, 2.0)) / val11);
    let y1 = (val9 * libm::log(val2) * val19 * val16) / val10
        - (val9 * libm::pow(val16, 2.0) * val14) / val10
        - (val7 * val20 * val16) / val10
        - (a * val7 * val18 * libm::log(b) * val19 * val16) / val10;
    let y2 = -(val9 * val19) / val10
        - (libm::pow(a, 2.0) * libm::pow(b, val15) * val20 * val16) / val10
        - (a * val7 * val18 * val17) / val10
        - (a * val7 * val20 * (a + 2.0) * val0) / (2.0 * libm::pow(val2, a + 3.0));
    ((x, y), [x1, x2, y1, y2])
}

// ---------------------------------------------------------------------------
// Newton-Raphson

/// ARX's solver settings.
struct Solver {
    accuracy: f64,
    iterations_per_try: u32,
}

/// ARX's default steps per start value (`ARXSolverConfiguration`).
pub const DEFAULT_ITERATIONS_PER_TRY: u32 = 1000;

const SOLVER: Solver = Solver { accuracy: 1e-6, iterations_per_try: DEFAULT_ITERATIONS_PER_TRY };

/// ARX's 16 prepared start values: `d1, d2` from 0 in steps of 0.33 while below 1.
fn start_values() -> [(f64, f64); 16] {
    let mut out = [(0.0, 0.0); 16];
    let mut index = 0;
    let mut d1 = 0.0;
    while d1 < 1.0 {
        let mut d2 = 0.0;
        while d2 < 1.0 {
            out[index] = (d1, d2);
            index += 1;
            d2 += 0.33;
        }
        d1 += 0.33;
    }
    out
}

impl Solver {
    /// A root of `equations` (which returns the two values and the Jacobian
    /// `[∂x/∂1, ∂x/∂2, ∂y/∂1, ∂y/∂2]`) from `start`, then from each prepared
    /// start value; `None` if none converged.
    fn solve(
        &self,
        start: (f64, f64),
        mut equations: impl FnMut(f64, f64) -> ((f64, f64), [f64; 4]),
        constraint: Option<&dyn Fn(f64, f64) -> bool>,
    ) -> Option<(f64, f64)> {
        let starts = start_values();
        // The library counts every evaluation against (starts + 1) * per try.
        let total = (starts.len() as u64 + 1) * u64::from(self.iterations_per_try);
        let mut evaluations = 0u64;
        let mut next_start = None;
        while evaluations <= total {
            let (mut x, mut y) = match next_start {
                None => start,
                Some(i) => starts[i],
            };
            next_start = Some(next_start.map_or(0, |i| i + 1));
            let started_from_last = next_start == Some(starts.len());
            let mut iterations = 0u32;
            loop {
                evaluations += 1;
                let ((ox, oy), [x1, x2, y1, y2]) = equations(x, y);
                if ox.abs() <= self.accuracy && oy.abs() <= self.accuracy {
                    return Some((x, y));
                }
                let scalar = 1.0 / (x1 * y2 - x2 * y1);
                let (i1, i2, i3, i4) = (y2 * scalar, -x2 * scalar, -y1 * scalar, x1 * scalar);
                x -= i1 * ox + i2 * oy;
                y -= i3 * ox + i4 * oy;
                // The library gives up as soon as it has stepped from the
                // last prepared start value.
                if started_from_last {
                    return None;
                }
                if constraint.is_some_and(|c| !c(x, y)) {
                    break;
                }
                let limit = iterations >= self.iterations_per_try;
                iterations += 1;
                if x.is_nan() || y.is_nan() || limit {
                    break;
                }
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------
// Gamma functions

const DIGAMMA_1: f64 = -0.577_215_664_901_532_9;
const TRIGAMMA_1: f64 = (PI * PI) / 6.0;
const TETRAGAMMA_1: f64 = -2.0 * 1.202_056_903_159_594_2;

/// The digamma function, as ARX approximates it (Minka's Lightspeed).
pub fn digamma(x: f64) -> f64 {
    if x.is_infinite() || x.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x < 0.0 {
        return digamma(1.0 - x) + (PI / libm::tan(-PI * x));
    }
    if x <= 1e-6 {
        return (DIGAMMA_1 - (1.0 / x)) + (TRIGAMMA_1 * x);
    }
    let mut x = x;
    let mut result = 0.0;
    while x < 12.0 {
        result -= 1.0 / x;
        x += 1.0;
    }
    let mut r = 1.0 / x;
    result += libm::log(x) - (0.5 * r);
    r *= r;
    const S3: f64 = 1.0 / 12.0;
    const S4: f64 = 1.0 / 120.0;
    const S5: f64 = 1.0 / 252.0;
    const S6: f64 = 1.0 / 240.0;
    const S7: f64 = 1.0 / 132.0;
    result -= r * (S3 - (r * (S4 - (r * (S5 - (r * (S6 - (r * S7))))))));
    result
}

/// The trigamma function, as ARX approximates it.
///
/// ARX reduces the argument to at least 8 but adds the asymptotic tail only
/// from 12 (it tests against the digamma's bound): for an argument below 12
/// the value is the partial sum alone, well below the true trigamma. It
/// looks wrong; kept, as it steers the Newton steps of the closed-form
/// Pitman solve (the root itself is checked on the digamma equations).
pub fn trigamma(x: f64) -> f64 {
    if x.is_infinite() || x.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x < 0.0 {
        let r = PI / libm::sin(-PI * x);
        return -trigamma(1.0 - x) + (r * r);
    }
    if x <= 1e-4 {
        return (1.0 / (x * x)) + TRIGAMMA_1 + (TETRAGAMMA_1 * x);
    }
    let mut x = x;
    let mut result = 0.0;
    while x < 8.0 {
        result += 1.0 / (x * x);
        x += 1.0;
    }
    if x >= 12.0 {
        const B2: f64 = 1.0 / 6.0;
        const B4: f64 = -1.0 / 30.0;
        const B6: f64 = 1.0 / 42.0;
        const B8: f64 = -1.0 / 30.0;
        const B10: f64 = 5.0 / 66.0;
        let r = 1.0 / (x * x);
        result += (0.5 * r) + ((1.0 + (r * (B2 + (r * (B4 + (r * (B6 + (r * (B8 + (r * B10)))))))))) / x);
    }
    result
}

/// `ln Γ(x)`, NaN for `x ≤ 0` (as Apache Commons Math, which ARX calls).
fn log_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        f64::NAN
    } else {
        libm::lgamma(x)
    }
}

/// `Γ(x)`, NaN at 0 and the negative integers (as Apache Commons Math).
fn gamma(x: f64) -> f64 {
    if x <= 0.0 && x == libm::rint(x) {
        f64::NAN
    } else {
        libm::tgamma(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(pairs: &[(u32, usize)]) -> Vec<SizeCount> {
        pairs.iter().map(|&(size, classes)| SizeCount { size, classes }).collect()
    }

    #[test]
    fn start_values_are_arx_grid() {
        let s = start_values();
        assert_eq!(s[0], (0.0, 0.0));
        assert_eq!(s[1], (0.0, 0.33));
        assert_eq!(s[4], (0.33, 0.0));
        assert!((s[15].0 - 0.99).abs() < 1e-12 && (s[15].1 - 0.99).abs() < 1e-12);
    }

    #[test]
    fn digamma_and_trigamma_as_arx() {
        // digamma(1) = -γ, digamma(0.5) = -γ - 2 ln 2.
        assert!((digamma(1.0) - DIGAMMA_1).abs() < 1e-12);
        assert!((digamma(0.5) - (DIGAMMA_1 - 2.0 * std::f64::consts::LN_2)).abs() < 1e-12);
        assert!((digamma(-0.5) - (digamma(1.5) + PI / libm::tan(PI * 0.5))).abs() < 1e-9);
        // trigamma is right from 12 on (π²/6 - Σ_{k<12} 1/k² at 12) ...
        let exact12 = TRIGAMMA_1 - (1..12).map(|k| 1.0 / f64::from(k * k)).sum::<f64>();
        assert!((trigamma(12.0) - exact12).abs() < 1e-12);
        // ... and only a partial sum below (ARX's quirk): trigamma(1) = Σ_{k=1}^{7} 1/k².
        let partial: f64 = (1..8).map(|k| 1.0 / f64::from(k * k)).sum();
        assert_eq!(trigamma(1.0), partial);
        assert_eq!(trigamma(9.5), 0.0);
        assert!(digamma(f64::NAN).is_nan() && trigamma(f64::INFINITY).is_nan());
        assert_eq!(digamma(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn hypergeometric_one_drawn() {
        // 2 of 4 drawn, 1 success among 4: P = 2/4.
        assert_eq!(one_drawn(4, 1, 2), 0.5);
        // N = 10, K = 3, n = 4: C(3,1) C(7,3) / C(10,4) = 3 * 35 / 210 = 1/2.
        assert!((one_drawn(10, 3, 4) - 0.5).abs() < 1e-15);
        assert!((one_drawn(10, 4, 3) - 0.5).abs() < 1e-15);
        // N = 6, K = 2, n = 3: C(2,1) C(4,2) / C(6,3) = 12/20.
        assert!((one_drawn(6, 2, 3) - 0.6).abs() < 1e-15);
        // The whole population drawn: exactly one success only if K = 1.
        assert_eq!(one_drawn(5, 1, 5), 1.0);
        assert_eq!(one_drawn(5, 2, 5), 0.0);
        assert_eq!(one_drawn(5, 6, 2), 0.0);
    }

    #[test]
    fn zayatz_by_hand() {
        // Classes 1, 1, 2 (n = 4, u = 3) from N = 8 (f = 1/2).
        // h(1) = 4/8 = 1/2; h(2) = C(2,1) C(6,3) / C(8,4) = 40/70 = 4/7.
        // P = (2/3 * 1/2) / (2/3 * 1/2 + 1/3 * 4/7) = (1/3) / (1/3 + 4/21) = 7/11.
        // Uniques = c1 * P / f = 2 * 7/11 * 2 = 28/11.
        let h = hist(&[(1, 2), (2, 1)]);
        let counts = unique_counts(&h, 8.0);
        assert!((counts.zayatz - 28.0 / 11.0).abs() < 1e-12, "{}", counts.zayatz);
        // The whole population: the sample uniques are the population uniques.
        assert!((unique_counts(&h, 4.0).zayatz - 2.0).abs() < 1e-12);
    }

    #[test]
    fn pitman_by_hand() {
        // 42 classes of 92 records from N = 300. The maximum-likelihood
        // equations of Pitman's sampling formula, written out:
        //   Σ_{i=1}^{u-1} 1/(θ+iα) = Σ_{i=1}^{n-1} 1/(θ+i)
        //   Σ_{i=1}^{u-1} i/(θ+iα) = Σ_{classes of size s>1} Σ_{j=1}^{s-1} 1/(j-α)
        let pairs = [(1, 20), (2, 10), (3, 6), (4, 3), (6, 2), (10, 1)];
        let sizes = hist(&pairs);
        let (t, a) = pitman_fit(&Histogram::new(&sizes), &SOLVER).expect("converges");
        let lhs1: f64 = (1..42).map(|i| 1.0 / (t + f64::from(i) * a)).sum();
        let rhs1: f64 = (1..92).map(|i| 1.0 / (t + f64::from(i))).sum();
        let lhs2: f64 = (1..42).map(|i| f64::from(i) / (t + f64::from(i) * a)).sum();
        let rhs2: f64 =
            pairs.iter().map(|&(s, c)| c as f64 * (1..s).map(|j| 1.0 / (f64::from(j) - a)).sum::<f64>()).sum();
        assert!((lhs1 - rhs1).abs() <= 1e-6 && (lhs2 - rhs2).abs() <= 1e-6, "{t} {a}");
        assert!(t >= 0.0 && a < 1.0, "{t} {a}");
        // The estimate: Γ(θ+1) / Γ(θ+α) · N^α.
        let expected = libm::tgamma(t + 1.0) / libm::tgamma(t + a) * libm::pow(300.0, a);
        let got = unique_counts(&sizes, 300.0).pitman;
        assert!((got - expected).abs() <= 1e-9 * expected, "{got} {expected}");
        // Where the fit is far outside the model's range the estimate is out
        // of [0, N]: no estimate.
        let tiny = hist(&[(1, 3), (2, 1), (3, 1)]);
        assert!(unique_counts(&tiny, 100.0).pitman.is_nan());
        assert_eq!(uniqueness(&tiny, 100.0).pitman, None);
    }

    #[test]
    fn shlosser_and_snb_by_hand() {
        // Classes 1, 1, 2 with f = 1/2: Σ i f²(1-f²)^(i-1) u_i = 0.5 + 0.375,
        // ARX's Σ ((1-f)^i (1+f)^i u_i - 1) = 0.5 - 0.4375, Σ (1-f)^i u_i = 1.25,
        // Σ i f (1-f)^(i-1) u_i = 1.5: K = 3 + 2 · 14 · (1.25/1.5)² = 3 + 175/9.
        let sizes = hist(&[(1, 2), (2, 1)]);
        let h = Histogram::new(&sizes);
        assert!((shlosser(&h, 0.5) - (3.0 + 175.0 / 9.0)).abs() < 1e-12);
        // A sample where SNB converges: its α, β solve ARX's two equations.
        let sizes = hist(&[(1, 40), (2, 12), (3, 5), (5, 2)]);
        let h = Histogram::new(&sizes);
        let population = h.n / 0.9;
        let (k, a, b) = snb_fit(&h, population, &SOLVER).expect("converges");
        let f = h.n / population;
        let d = (1.0 - f) * (1.0 - b);
        let e1 = k * f * libm::pow(b / (1.0 - d), a) * (a * d / (1.0 - d) + 1.0);
        let e2 =
            k * a * libm::pow(b, a) * f * f * (1.0 - b) / 2.0 * libm::pow(1.0 - d, a + 2.0) * (2.0 - (1.0 - a) * d);
        assert!((e1 - 40.0).abs() <= 1e-6 && (e2 - 12.0).abs() <= 1e-6, "{e1} {e2}");
        assert_eq!(unique_counts(&sizes, population).snb, k * libm::pow(b, a));
    }

    #[test]
    fn dankar_rule() {
        let sizes = hist(&[(1, 40), (2, 12), (3, 5), (5, 2)]);
        let n = 89.0;
        // f <= 0.1: Pitman.
        let u = uniqueness(&sizes, n / 0.1);
        assert_eq!(u.dankar_model, Some(UniquenessModel::Pitman));
        assert_eq!(Some(u.dankar), u.pitman);
        // f > 0.1 and SNB does not converge: Zayatz, and SNB is absent.
        let u = uniqueness(&sizes, n / 0.3);
        assert_eq!((u.snb, u.dankar_model), (None, Some(UniquenessModel::Zayatz)));
        assert_eq!(Some(u.dankar), u.zayatz);
        // f > 0.1, SNB converges: the smaller of SNB and Zayatz.
        let u = uniqueness(&sizes, n / 0.9);
        let (snb, zayatz) = (u.snb.unwrap(), u.zayatz.unwrap());
        assert!(snb < zayatz);
        assert_eq!((u.dankar, u.dankar_model), (snb, Some(UniquenessModel::Snb)));
    }

    #[test]
    fn no_sample_unique_gives_zeros() {
        let u = uniqueness(&hist(&[(2, 3), (5, 1)]), 1000.0);
        assert_eq!((u.pitman, u.zayatz, u.snb, u.dankar, u.dankar_model), (Some(0.0), Some(0.0), Some(0.0), 0.0, None));
    }

    /// ARX's loops as ARX writes them, one term at a time: the reference
    /// [`pitman_sums`] matches to the bit while its sums are short. Also
    /// gives the scale of the sums each result is the difference of.
    fn pitman_sums_reference(h: &Histogram<'_>, t: f64, a: f64, jacobian: bool) -> ((f64, f64), [f64; 4], [f64; 6]) {
        let (mut d1, mut d2, mut d3, mut d4, mut d5) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut o1, mut o2, mut o3, mut o4) = (0.0, 0.0, 0.0, 0.0);
        let mut i = 1u64;
        while (i as f64) < h.u {
            let fi = i as f64;
            let val0 = t + (fi * a);
            let val1 = 1.0 / val0;
            o1 += val1;
            o3 += fi * val1;
            if jacobian {
                let val3 = 1.0 / (val0 * val0);
                let val4 = fi * val3;
                d1 += val3;
                d5 += val4;
                d3 += fi * val4;
            }
            i += 1;
        }
        for s in h.sizes {
            if s.size != 1 {
                let (mut val1, mut val2) = (0.0, 0.0);
                for j in 1..s.size {
                    let val3 = f64::from(j) - a;
                    if jacobian {
                        val1 += 1.0 / (val3 * val3);
                    }
                    val2 += 1.0 / val3;
                }
                let value = s.classes as f64;
                d4 += value * val1;
                o4 += value * val2;
            }
        }
        let mut i = 1u64;
        while (i as f64) < h.n {
            let val0 = t + i as f64;
            if jacobian {
                d2 += 1.0 / (val0 * val0);
            }
            o2 += 1.0 / val0;
            i += 1;
        }
        let scale =
            [o1.abs() + o2.abs(), o3.abs() + o4.abs(), d2.abs() + d1.abs(), d5.abs(), d5.abs(), d3.abs() + d4.abs()];
        ((o1 - o2, o3 - o4), [d2 - d1, 0.0 - d5, 0.0 - d5, 0.0 - d3 - d4], scale)
    }

    /// Checks [`pitman_sums`] against ARX's loops on `h`: to the bit if every
    /// sum is short, within `tolerance` of the sums' scale otherwise.
    fn check_against_loops(h: &Histogram<'_>, t: f64, a: f64, tolerance: f64) {
        let largest = h.sizes.iter().map(|s| s.size).max().unwrap_or(0);
        let short = h.u - 1.0 < CLOSED_FROM && h.n - 1.0 < CLOSED_FROM && f64::from(largest) <= CLOSED_FROM;
        for jacobian in [true, false] {
            let ((x, y), d) = pitman_sums(h, t, a, jacobian);
            let ((rx, ry), rd, scale) = pitman_sums_reference(h, t, a, jacobian);
            let (got, want) = ([x, y, d[0], d[1], d[2], d[3]], [rx, ry, rd[0], rd[1], rd[2], rd[3]]);
            let results = if jacobian { 6 } else { 2 };
            for j in 0..results {
                if short {
                    assert_eq!(got[j].to_bits(), want[j].to_bits(), "{:?} {t} {a} result {j}", h.sizes);
                } else if got[j] != want[j] && !(got[j].is_nan() && want[j].is_nan()) {
                    let off = (got[j] - want[j]).abs();
                    assert!(
                        off <= tolerance * scale[j],
                        "{:?} {t} {a} result {j}: {} against {}",
                        h.sizes,
                        got[j],
                        want[j]
                    );
                }
            }
        }
    }

    #[test]
    fn pitman_sums_are_arx_loops() {
        // A small deterministic generator (no randomness in the core).
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut short, mut long) = (0, 0);
        for case in 0..400 {
            let mut sizes: Vec<SizeCount> = Vec::new();
            // Every other case small enough for every sum to be short.
            let (distinct, classes, step) = if case % 2 == 0 { (6, 4, 4) } else { (12, 40, 30) };
            let distinct = 1 + next() % distinct;
            let mut size = 1u32;
            for _ in 0..distinct {
                sizes.push(SizeCount { size, classes: 1 + (next() % classes) as usize });
                size += 1 + (next() % step) as u32;
            }
            if case % 11 == 0 {
                // Large classes: long runs between the sizes.
                sizes.push(SizeCount { size: 2_000 + (next() % 5_000) as u32, classes: 3 });
            }
            if case % 7 == 0 {
                // Out of order, repeated sizes and a size 0: still ARX's loops.
                sizes.reverse();
                sizes.push(SizeCount { size: 3, classes: 2 });
                sizes.push(SizeCount { size: 0, classes: 1 });
            }
            if case % 5 == 0 {
                // Many classes: the sums over the classes are long too.
                sizes.push(SizeCount { size: 1, classes: 5_000 + (next() % 20_000) as usize });
            }
            let h = Histogram::new(&sizes);
            let unit = |x: u64| (x % 10_000) as f64 / 10_000.0;
            let t = [unit(next()) * 50.0, -unit(next()), 0.0, 1e-300, unit(next()) * 1e6][(next() % 5) as usize];
            let a = [unit(next()), unit(next()) * 3.0 - 1.0, 0.0, 1.0, 2.0][(next() % 5) as usize];
            let largest = sizes.iter().map(|s| s.size).max().unwrap_or(0);
            if h.u - 1.0 < CLOSED_FROM && h.n - 1.0 < CLOSED_FROM && f64::from(largest) <= CLOSED_FROM {
                short += 1;
            } else {
                long += 1;
            }
            // The loops' own rounding over up to a million terms, not the closed forms', sets the tolerance.
            check_against_loops(&h, t, a, 1e-11);
        }
        assert!(short > 50 && long > 50, "both kinds were checked: {short} short, {long} long");
    }

    #[test]
    fn solver_converges_and_gives_up() {
        // x² = 2, y = 3 from (1, 1).
        let root = SOLVER.solve((1.0, 1.0), |x, y| ((x * x - 2.0, y - 3.0), [2.0 * x, 0.0, 0.0, 1.0]), None).unwrap();
        assert!((root.0 - 2f64.sqrt()).abs() < 1e-6 && (root.1 - 3.0).abs() < 1e-9);
        // x² = -1 has no root: every start fails.
        let mut calls = 0u64;
        let none = SOLVER.solve(
            (1.0, 1.0),
            |x, y| {
                calls += 1;
                ((x * x + 1.0, y), [2.0 * x, 0.0, 0.0, 1.0])
            },
            None,
        );
        assert_eq!(none, None);
        // The given start and 15 prepared ones, 1001 evaluations each (or until
        // a NaN), then one evaluation of the last prepared start.
        assert!(calls <= 16 * 1001 + 1, "{calls}");
    }
}
