//! t-closeness: how far each class's distribution of a sensitive attribute is
//! from the whole table's, by the Earth Mover's Distance (EMD).
//!
//! # Definitions (Li, Li and Venkatasubramanian 2007, as ARX and pycanon implement them)
//! Let `q_i` be the share of value `i` in the whole table (the reference
//! distribution, counted over all rows, suppressed rows included, as ARX's
//! `DataManager.getDistribution` does: suppressed records keep their
//! sensitive values) and `p_i` its share in a class; `m` is the number of
//! distinct values in the table.
//! - **Equal distance** (unordered values, every two values at distance 1):
//!   `D = ½ Σ_i |p_i − q_i|` (ARX `EqualDistanceTCloseness`; pycanon's
//!   `aux_t_closeness_str`, used for string columns).
//! - **Ordered distance** (values ranked `0..m`, values `i` and `j` at
//!   distance `|i − j| / (m − 1)`): `D = (1 / (m − 1)) Σ_i |Σ_{j ≤ i} (p_j − q_j)|`
//!   (ARX `OrderedDistanceTCloseness`; pycanon's `aux_t_closeness_num`, used
//!   for numeric columns, ranks being the sorted distinct numbers). With
//!   `m = 1` every distribution is the reference: `D = 0`.
//!
//! The table's t is the largest `D` over classes (pycanon `t_closeness`); a
//! class meets a threshold `t` when `D <= t` (ARX).
//!
//! For a two-valued attribute both distances are `|p_1 − q_1|`.
//!
//! # Exactness and speed
//! Both distances are computed in integers (`u128`) from counts and divided
//! once, so they do not depend on summation order. A class costs time in the
//! number of its distinct values, not in `m`: for the equal distance, values
//! absent from the class contribute `Σ q_i = 1 − Σ_{i in class} q_i`; for the
//! ordered distance, between two values present in the class the class's
//! cumulative share is constant and the sum of `|P − Q_i|` over that run is
//! read from prefix sums of the reference's cumulative counts, split where
//! `Q_i` crosses `P` (a binary search).

use super::diversity::Failures;
use super::sensitive::{ClassDistribution, ClassDistributions, Distance, SensitiveValues};

impl SensitiveValues {
    /// The EMD between a class's distribution and the whole table's, with
    /// this column's distance.
    ///
    /// The class must come from a [`ClassDistributions`] built with these
    /// values (value numbers below [`SensitiveValues::len`]); otherwise the
    /// result is meaningless (but there is no panic).
    pub fn class_distance(&self, class: &ClassDistribution<'_>) -> f64 {
        let n = u128::from(class.size);
        let total = u128::from(self.total());
        if n == 0 || total == 0 {
            return 0.0;
        }
        match self.distance() {
            Distance::Equal => {
                // Σ_i |c_i N − g_i n| over all values, / (2 n N). The products
                // fit in 64 bits when N < 2^32 (always, for tables masque groups).
                let mut sum = 0u128;
                let mut reference_in_class = 0u128;
                let small = self.total() <= u64::from(u32::MAX);
                let (n64, total64) = (u64::from(class.size), self.total());
                for (&v, &c) in class.values.iter().zip(class.counts) {
                    let g = self.reference().get(v as usize).copied().unwrap_or(0);
                    reference_in_class += u128::from(g);
                    sum += if small {
                        u128::from((u64::from(c) * total64).abs_diff(g * n64))
                    } else {
                        (u128::from(c) * total).abs_diff(u128::from(g) * n)
                    };
                }
                sum += n * total.saturating_sub(reference_in_class);
                sum as f64 / (2.0 * n as f64 * total as f64)
            }
            Distance::Ordered => {
                let m = self.len();
                if m <= 1 {
                    return 0.0;
                }
                let mut sum = 0u128;
                let mut class_cumulative = 0u128;
                let mut from = 0usize;
                for (&v, &c) in class.values.iter().zip(class.counts) {
                    let to = (v as usize).min(m).max(from);
                    sum += self.run(from, to, class_cumulative * total, n);
                    class_cumulative += u128::from(c);
                    from = to;
                }
                sum += self.run(from, m, class_cumulative * total, n);
                sum as f64 / (n as f64 * total as f64 * (m - 1) as f64)
            }
        }
    }

    /// `Σ_{a <= i < b} |x − cumulative[i] · n|`, `x` the class's cumulative
    /// count times the table's rows: the distance accumulated over ranks
    /// where the class's cumulative share is constant.
    fn run(&self, a: usize, b: usize, x: u128, n: u128) -> u128 {
        let (Some(cumulative), Some(&prefix_a), Some(&prefix_b)) =
            (self.cumulative.get(a..b), self.cumulative_prefix.get(a), self.cumulative_prefix.get(b))
        else {
            return 0;
        };
        // `s`: below it the reference's cumulative share is under the class's.
        // Before the class's first value (x = 0) it never is; after its last
        // (x = n N) it always is, or equal: no search in either case, so a
        // class with one value costs no search at all.
        let total = u128::from(self.total());
        let s = if x == 0 {
            a
        } else if x >= n * total {
            b
        } else {
            match (u64::try_from(x), u64::try_from(n)) {
                // cumulative <= N < 2^32 and n < 2^32: the product fits in 64 bits.
                (Ok(x), Ok(n)) if self.total() <= u64::from(u32::MAX) && n <= u64::from(u32::MAX) => {
                    a + cumulative.partition_point(|&q| q * n < x)
                }
                _ => a + cumulative.partition_point(|&q| u128::from(q) * n < x),
            }
        };
        // invariant: a <= s <= b and `b` indexes `cumulative_prefix` (checked above).
        let prefix_s = self.cumulative_prefix[s];
        let below = (x * (s - a) as u128).saturating_sub(n * (prefix_s - prefix_a));
        let above = (n * (prefix_b - prefix_s)).saturating_sub(x * (b - s) as u128);
        below + above
    }
}

/// The largest class distance (the table's t; 0 when there is no class).
pub fn t_closeness(values: &SensitiveValues, d: &ClassDistributions) -> f64 {
    d.iter().map(|c| values.class_distance(&c)).fold(0.0, f64::max)
}

/// The largest class distance, and the classes farther than `t` when `t` is given.
pub fn t_closeness_with_failures(
    values: &SensitiveValues,
    d: &ClassDistributions,
    t: Option<f64>,
) -> (f64, Option<Failures>) {
    let mut largest = 0.0f64;
    let mut failures = t.map(|_| Failures::default());
    for class in d.iter() {
        let distance = values.class_distance(&class);
        largest = largest.max(distance);
        if let (Some(t), Some(f)) = (t, failures.as_mut()) {
            f.add(distance > t, class.size);
        }
    }
    (largest, failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::classes::{Classes, QiCodes};

    /// The textbook formulas, in floating point, over all `m` values.
    fn naive(reference: &[u64], counts_by_value: &[u32], distance: Distance) -> f64 {
        let total: u64 = reference.iter().sum();
        let n: u32 = counts_by_value.iter().sum();
        let q: Vec<f64> = reference.iter().map(|&g| g as f64 / total as f64).collect();
        let p: Vec<f64> = counts_by_value.iter().map(|&c| c as f64 / n as f64).collect();
        match distance {
            Distance::Equal => 0.5 * p.iter().zip(&q).map(|(p, q)| (p - q).abs()).sum::<f64>(),
            Distance::Ordered => {
                let m = q.len();
                let mut cum = 0.0;
                let mut sum = 0.0;
                for i in 0..m {
                    cum += p[i] - q[i];
                    sum += f64::abs(cum);
                }
                sum / (m - 1) as f64
            }
        }
    }

    #[test]
    fn li_et_al_salary_example() {
        // Li et al. 2007, Table 3/4: salaries 3k..11k (one each in the table);
        // class {3k, 4k, 5k} has ordered distance 0.375, class {6k, 8k, 11k} 0.167,
        // and with the equal distance 2/3 for any three-value class.
        let salary = crate::table::Column::from_values("salary", ["3", "4", "5", "6", "7", "8", "9", "10", "11"]);
        let values = SensitiveValues::for_column(&salary, super::super::DistanceChoice::Auto, None).unwrap();
        assert_eq!(values.distance(), Distance::Ordered);
        let qi = [0, 0, 0, 1, 2, 1, 2, 2, 1];
        let classes = Classes::group(&[QiCodes::new(&qi, 3)], None).unwrap();
        let d = ClassDistributions::build(&classes, &salary.codes, &values).unwrap();
        let distances: Vec<f64> = d.iter().map(|c| values.class_distance(&c)).collect();
        assert!((distances[0] - 0.375).abs() < 1e-12, "{distances:?}");
        assert!((distances[1] - 1.0 / 6.0).abs() < 1e-12, "{distances:?}");
        assert_eq!(t_closeness(&values, &d), distances[0]);

        let equal = SensitiveValues::for_column(&salary, super::super::DistanceChoice::Equal, None).unwrap();
        let d = ClassDistributions::build(&classes, &salary.codes, &equal).unwrap();
        for c in d.iter() {
            assert!((equal.class_distance(&c) - 2.0 / 3.0).abs() < 1e-12);
        }
    }

    #[test]
    fn matches_the_textbook_formulas() {
        // A deterministic spread of classes over 7 values with uneven reference counts.
        let mut state = 12345u64;
        let mut next = |k: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % k
        };
        let rows = 600;
        let qi: Vec<u32> = (0..rows).map(|_| next(40) as u32).collect();
        let s: Vec<u32> = (0..rows).map(|_| (next(7) * next(7) / 6) as u32).collect();
        let identity: Vec<u32> = (0..7).collect();
        for distance in [Distance::Equal, Distance::Ordered] {
            let values = SensitiveValues::from_codes(&s, &identity, distance).unwrap();
            let classes = Classes::group(&[QiCodes::new(&qi, 40)], None).unwrap();
            let d = ClassDistributions::build(&classes, &s, &values).unwrap();
            let m = values.len();
            for class in d.iter() {
                let mut dense = vec![0u32; m];
                for (&v, &c) in class.values.iter().zip(class.counts) {
                    dense[v as usize] = c;
                }
                let want = naive(values.reference(), &dense, distance);
                let got = values.class_distance(&class);
                assert!((got - want).abs() < 1e-12, "{distance:?}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn a_class_equal_to_the_table_is_at_distance_zero() {
        let s = [0, 1, 1, 2, 0, 1, 1, 2];
        let qi = [0, 0, 0, 0, 1, 1, 1, 1];
        let identity = [0, 1, 2];
        for distance in [Distance::Equal, Distance::Ordered] {
            let values = SensitiveValues::from_codes(&s, &identity, distance).unwrap();
            let classes = Classes::group(&[QiCodes::new(&qi, 2)], None).unwrap();
            let d = ClassDistributions::build(&classes, &s, &values).unwrap();
            assert_eq!(t_closeness(&values, &d), 0.0);
            let (t, f) = t_closeness_with_failures(&values, &d, Some(0.0));
            assert_eq!((t, f), (0.0, Some(Failures { classes: 0, records: 0 })));
        }
        // A single value: m = 1, distance 0 both ways.
        let values = SensitiveValues::from_codes(&[0, 0], &[0], Distance::Ordered).unwrap();
        let classes = Classes::group(&[QiCodes::new(&[0, 1], 2)], None).unwrap();
        let d = ClassDistributions::build(&classes, &[0, 0], &values).unwrap();
        assert_eq!(t_closeness(&values, &d), 0.0);
    }

    #[test]
    fn the_extremes_of_an_ordered_attribute() {
        // 4 values, one row each; a class holding only the lowest value is
        // (1/3)(3/4 + 2/4 + 1/4) = 0.5 away; the highest value alike.
        let s = [0, 1, 2, 3];
        let values = SensitiveValues::from_codes(&s, &[0, 1, 2, 3], Distance::Ordered).unwrap();
        let classes = Classes::group(&[QiCodes::new(&[0, 1, 1, 2], 3)], None).unwrap();
        let d = ClassDistributions::build(&classes, &s, &values).unwrap();
        let got: Vec<f64> = d.iter().map(|c| values.class_distance(&c)).collect();
        assert!((got[0] - 0.5).abs() < 1e-15);
        // {1, 2}: cumulative differences -1/4, 0, +1/4... = (1/3)(1/4 + 0 + 1/4) = 1/6
        assert!((got[1] - 1.0 / 6.0).abs() < 1e-15);
        assert!((got[2] - 0.5).abs() < 1e-15);
        let (t, f) = t_closeness_with_failures(&values, &d, Some(0.2));
        assert_eq!(t, got[0]);
        assert_eq!(f, Some(Failures { classes: 2, records: 2 }));
    }
}
