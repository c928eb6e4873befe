//! l-diversity of a sensitive attribute: distinct, entropy and recursive (c,l).
//!
//! # Definitions (Machanavajjhala et al. 2007, as ARX and pycanon implement them)
//! For one class, let `n` be its size, `r1 >= r2 >= ... >= rm` the counts of
//! its `m` distinct sensitive values and `p_i = r_i / n`.
//! - **Distinct l-diversity**: the class has at least `l` distinct values.
//!   The table's `l_distinct` is the smallest `m` over classes (pycanon
//!   `l_diversity`).
//! - **Entropy l-diversity**: the class's entropy `H = -Σ p_i ln p_i` is at
//!   least `ln l`. The table's `l_entropy` is `exp(min H)` over classes, as a
//!   real number; pycanon's `entropy_l_diversity` returns the integer part of
//!   the same value, ARX checks `H >= log l` (any base: the comparison is the
//!   same). `H` is computed as `ln n - (Σ r_i ln r_i) / n`, and a class
//!   meets `l` when `H >= ln l - 1e-9`, so that a class of `l` equally frequent
//!   values meets `l` despite rounding.
//! - **Recursive (c,l)-diversity**: the class has at least `l` distinct values
//!   and `r1 < c · (r_l + r_{l+1} + ... + r_m)`: the most frequent value is
//!   not too frequent compared with the least frequent ones (ARX's
//!   `RecursiveCLDiversity`, strict inequality; a class with fewer than `l`
//!   values fails). pycanon's `recursive_c_l_diversity` is not followed: it
//!   returns a `c` computed from counts sorted in increasing order (`r1` the
//!   *least* frequent value), which is not the published definition.
//!
//! Every class must meet a criterion for the table to meet it; the checks
//! report how many classes (and records) fail.

use serde::{Deserialize, Serialize};

use super::sensitive::{ClassDistribution, ClassDistributions};

/// Tolerance on entropies when comparing with `ln l`.
pub const ENTROPY_TOLERANCE: f64 = 1e-9;

/// Classes (and their records) that fail a criterion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failures {
    /// Classes that fail.
    pub classes: usize,
    /// Records in those classes.
    pub records: usize,
}

impl Failures {
    /// Counts `class` as failing when `fails`.
    pub fn add(&mut self, fails: bool, size: u32) {
        if fails {
            self.classes += 1;
            self.records += size as usize;
        }
    }
}

impl ClassDistribution<'_> {
    /// The entropy `-Σ p ln p` of the class's values (natural logarithm).
    pub fn entropy(&self) -> f64 {
        if self.counts.len() <= 1 {
            return 0.0;
        }
        let n = f64::from(self.size);
        let sum: f64 = self.counts.iter().map(|&r| f64::from(r) * libm::log(f64::from(r))).sum();
        (libm::log(n) - sum / n).max(0.0)
    }

    /// Whether the class is entropy l-diverse (see the module documentation).
    pub fn is_entropy_l_diverse(&self, l: f64) -> bool {
        self.entropy() >= libm::log(l) - ENTROPY_TOLERANCE
    }

    /// Whether the class is recursive (c,l)-diverse: at least `l` distinct values
    /// and `r1 < c · (r_l + ... + r_m)` (counts in decreasing order).
    pub fn is_recursive_cl_diverse(&self, c: f64, l: usize, scratch: &mut Vec<u32>) -> bool {
        let m = self.counts.len();
        if m < l || l == 0 {
            return l == 0;
        }
        scratch.clear();
        scratch.extend_from_slice(self.counts);
        scratch.sort_unstable_by(|a, b| b.cmp(a));
        let r1 = f64::from(scratch[0]);
        let tail: u64 = scratch[l - 1..].iter().map(|&r| u64::from(r)).sum();
        r1 < c * tail as f64
    }
}

/// The smallest number of distinct values in a class (0 when there is no class).
pub fn l_distinct(d: &ClassDistributions) -> usize {
    d.iter().map(|c| c.distinct()).min().unwrap_or(0)
}

/// `exp` of the smallest class entropy (0 when there is no class).
pub fn l_entropy(d: &ClassDistributions) -> f64 {
    d.iter().map(|c| c.entropy()).reduce(f64::min).map_or(0.0, libm::exp)
}

/// Classes with fewer than `l` distinct values.
pub fn distinct_failures(d: &ClassDistributions, l: usize) -> Failures {
    let mut f = Failures::default();
    for c in d.iter() {
        f.add(c.distinct() < l, c.size);
    }
    f
}

/// Classes that are not entropy l-diverse.
pub fn entropy_failures(d: &ClassDistributions, l: f64) -> Failures {
    let mut f = Failures::default();
    for c in d.iter() {
        f.add(!c.is_entropy_l_diverse(l), c.size);
    }
    f
}

/// Classes that are not recursive (c,l)-diverse.
pub fn recursive_failures(d: &ClassDistributions, c: f64, l: usize) -> Failures {
    let mut f = Failures::default();
    let mut scratch = Vec::new();
    for class in d.iter() {
        f.add(!class.is_recursive_cl_diverse(c, l, &mut scratch), class.size);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class<'a>(values: &'a [u32], counts: &'a [u32]) -> ClassDistribution<'a> {
        ClassDistribution { values, counts, size: counts.iter().sum() }
    }

    #[test]
    fn entropy_of_known_distributions() {
        assert_eq!(class(&[0], &[5]).entropy(), 0.0);
        let uniform = class(&[0, 1, 2], &[4, 4, 4]);
        assert!((uniform.entropy() - 3f64.ln()).abs() < 1e-12);
        assert!(uniform.is_entropy_l_diverse(3.0));
        assert!(!uniform.is_entropy_l_diverse(3.0001));
        // p = (1/2, 1/4, 1/4): H = 1.5 ln 2, exp H = 2^1.5 = 2.828...
        let skewed = class(&[0, 1, 2], &[2, 1, 1]);
        assert!((skewed.entropy() - 1.5 * 2f64.ln()).abs() < 1e-12);
        assert!(skewed.is_entropy_l_diverse(2.8284));
        assert!(!skewed.is_entropy_l_diverse(2.8285));
    }

    #[test]
    fn recursive_cl_as_arx() {
        let mut s = Vec::new();
        // counts 5, 3, 2 (any order); l = 2: tail = 3 + 2 = 5; 5 < c * 5 iff c > 1.
        let c = class(&[0, 1, 2], &[2, 5, 3]);
        assert!(!c.is_recursive_cl_diverse(1.0, 2, &mut s));
        assert!(c.is_recursive_cl_diverse(1.01, 2, &mut s));
        // l = 3: tail = 2; 5 < 2c iff c > 2.5.
        assert!(!c.is_recursive_cl_diverse(2.5, 3, &mut s));
        assert!(c.is_recursive_cl_diverse(2.6, 3, &mut s));
        // fewer than l values always fails.
        assert!(!c.is_recursive_cl_diverse(1000.0, 4, &mut s));
        // ties: counts 2, 2, 2, l = 2: tail 4; 2 < 4c iff c > 0.5.
        let tie = class(&[0, 1, 2], &[2, 2, 2]);
        assert!(!tie.is_recursive_cl_diverse(0.5, 2, &mut s));
        assert!(tie.is_recursive_cl_diverse(0.51, 2, &mut s));
        // l = 1: tail is the whole class: r1 < c n for any c > 1.
        assert!(class(&[0], &[3]).is_recursive_cl_diverse(1.1, 1, &mut s));
        assert!(!class(&[0], &[3]).is_recursive_cl_diverse(1.0, 1, &mut s));
    }
}
