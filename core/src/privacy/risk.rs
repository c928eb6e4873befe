//! Class-size figures and the prosecutor re-identification risk.
//!
//! # Definitions (as ARX's risk analysis and pycanon compute them)
//! - **k** (k-anonymity): the size of the smallest equivalence class; the
//!   table is k-anonymous for every k up to it (pycanon `k_anonymity`).
//! - **Sample uniques**: records alone in their class (class size 1); ARX
//!   reports them as the share of records that are unique in the sample.
//! - **Prosecutor risk** of a record: `1 / size of its class` (the attacker
//!   knows the person is in the file and picks one record of the class at
//!   random). The table's **highest** risk is `1 / k`; its **average** risk is
//!   the mean over records, `Σ_records 1/size = classes / records`;
//!   **records at risk** above a threshold `τ` is the share of records whose
//!   risk is strictly greater than `τ` (ARX's "records at risk"): with
//!   `τ = 0.2`, records in classes of fewer than 5 rows.
//!
//! Suppressed records are in no class and count in none of these figures:
//! "records" above means the records analysed.

use hashbrown::HashMap;

use super::classes::Classes;

/// How many classes have one size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeCount {
    /// The class size.
    pub size: u32,
    /// How many classes have this size.
    pub classes: usize,
}

/// The class-size histogram, by increasing size.
pub fn size_histogram(classes: &Classes) -> Vec<SizeCount> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for &size in classes.sizes() {
        *counts.entry(size).or_insert(0) += 1;
    }
    let mut histogram: Vec<SizeCount> = counts.into_iter().map(|(size, classes)| SizeCount { size, classes }).collect();
    histogram.sort_unstable_by_key(|s| s.size);
    histogram
}

/// The share of records whose prosecutor risk `1 / size` is strictly above
/// `threshold`, from a class-size histogram over `records` records.
///
/// Returns 0 when there is no record.
pub fn records_at_risk(histogram: &[SizeCount], records: usize, threshold: f64) -> f64 {
    if records == 0 {
        return 0.0;
    }
    let at_risk: u64 = histogram
        .iter()
        .filter(|s| 1.0 / f64::from(s.size) > threshold)
        .map(|s| u64::from(s.size) * s.classes as u64)
        .sum();
    at_risk as f64 / records as f64
}

/// The average prosecutor risk: `classes / records` (0 when there is no record).
pub fn average_risk(classes: usize, records: usize) -> f64 {
    if records == 0 {
        0.0
    } else {
        classes as f64 / records as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::classes::QiCodes;

    #[test]
    fn histogram_and_risks() {
        // classes of sizes 3, 1, 1, 5
        let codes = [0, 1, 0, 2, 3, 3, 0, 3, 3, 3];
        let classes = Classes::group(&[QiCodes::new(&codes, 4)], None).unwrap();
        let h = size_histogram(&classes);
        assert_eq!(
            h,
            vec![
                SizeCount { size: 1, classes: 2 },
                SizeCount { size: 3, classes: 1 },
                SizeCount { size: 5, classes: 1 }
            ]
        );
        assert_eq!(average_risk(classes.count(), 10), 0.4);
        // risk 1/5 = 0.2 is not above 0.2: only the 2 singletons and the class of 3.
        assert_eq!(records_at_risk(&h, 10, 0.2), 0.5);
        assert_eq!(records_at_risk(&h, 10, 0.19), 1.0);
        assert_eq!(records_at_risk(&h, 10, 1.0 / 3.0), 0.2);
        assert_eq!(records_at_risk(&h, 10, 1.0), 0.0);
        assert_eq!(records_at_risk(&h, 10, 0.0), 1.0);
        assert_eq!(records_at_risk(&[], 0, 0.2), 0.0);
        assert_eq!(average_risk(0, 0), 0.0);
    }
}
