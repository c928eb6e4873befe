//! Sensitive attributes: their values, their order, and their distribution in
//! each equivalence class.
//!
//! A [`SensitiveValues`] is prepared once per sensitive column, from all rows
//! of the table: it numbers the column's distinct values (dictionary codes ->
//! value numbers, in the attribute's order when it has one) and counts each
//! value over the whole table, the reference distribution of t-closeness.
//! A [`ClassDistributions`] then holds, for each class of a grouping, the
//! values present in the class and their counts, in value order.
//!
//! # Values
//! - The empty cell is a value of its own, like any other text: a class whose
//!   sensitive cells are all empty is not diverse, and an empty cell is as far
//!   from every other value as they are from each other (equal distance). In
//!   an ordered attribute, the empty value comes after every other value.
//! - Values are compared as text (their dictionary codes), except in an
//!   ordered numeric attribute, where values that are the same number
//!   (`1`, `1.0`, `01`, `1,0`) are one value: they share a rank, as pandas,
//!   hence pycanon, parses them to the same number.
//!
//! # Which distance
//! [`DistanceChoice::Auto`] (the default) uses the ordered distance when an
//! order is given or when every non-empty value is a number (pycanon's rule:
//! a numeric column gets the ordered EMD, any other the equal-distance EMD),
//! and the equal distance otherwise. Numbers may use a decimal comma
//! (`12,5`), as French exports do. `Equal` and `Ordered` force a distance;
//! `Ordered` without an explicit order needs numbers.

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use super::classes::{Classes, SUPPRESSED};
use super::error::{PrivacyError, PrivacyErrorKind};
use crate::ident::number::parse_value;
use crate::table::Column;

/// The ground distance between values used by t-closeness.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Distance {
    /// Every two distinct values are at distance 1 (unordered values).
    Equal,
    /// Values are ranked; two values `i` ranks apart are at distance
    /// `i / (m - 1)`, `m` the number of distinct values (numbers, or a
    /// user-given order).
    Ordered,
}

/// The distance asked for a sensitive column.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DistanceChoice {
    /// Ordered if an order is given or every non-empty value is a number, equal otherwise.
    #[default]
    Auto,
    /// The equal distance, whatever the values.
    Equal,
    /// The ordered distance: by the given order, or by numeric value.
    Ordered,
}

/// A sensitive column's values, numbered and counted over the whole table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitiveValues {
    /// Dictionary code -> value number ([`SUPPRESSED`] for codes absent from the table).
    value_of_code: Vec<u32>,
    /// Rows of each value in the whole table.
    reference: Vec<u64>,
    /// Rows in the whole table.
    total: u64,
    distance: Distance,
    /// Ordered only: `cumulative[i]` = rows of values `0..=i`.
    pub(super) cumulative: Vec<u64>,
    /// Ordered only: `cumulative_prefix[i]` = `Σ_{j < i} cumulative[j]` (length `m + 1`).
    pub(super) cumulative_prefix: Vec<u128>,
}

impl SensitiveValues {
    /// Prepares a table's column with the chosen distance (and, for an ordered
    /// distance, an optional explicit order of its values).
    ///
    /// Errors name the column and a row: a value that is not a number when
    /// ordering numerically, a value missing from the order, a repeated value
    /// in the order, an order given with the equal distance.
    pub fn for_column(
        column: &Column,
        choice: DistanceChoice,
        order: Option<&[String]>,
    ) -> Result<SensitiveValues, PrivacyError> {
        let counts = count_codes(&column.codes, column.dict.len())?;
        let present = |code: usize| counts[code] > 0;
        let first_row = |code: usize| column.codes.iter().position(|&c| c as usize == code).map_or(0, |r| r + 1);
        match (choice, order) {
            (DistanceChoice::Equal, Some(_)) => {
                Err(PrivacyError::new(PrivacyErrorKind::OrderWithEqualDistance { column: column.name.clone() }))
            }
            (_, Some(order)) => {
                let mut position: HashMap<&str, u32> = HashMap::with_capacity(order.len());
                for (i, value) in order.iter().enumerate() {
                    if position.insert(value.as_str(), i as u32).is_some() {
                        return Err(PrivacyError::new(PrivacyErrorKind::OrderRepeats {
                            column: column.name.clone(),
                            position: i + 1,
                        }));
                    }
                }
                let after = u32::try_from(order.len()).unwrap_or(u32::MAX);
                let mut key_of_code = Vec::with_capacity(column.dict.len());
                for (code, value) in column.dict.iter().enumerate() {
                    let key = match position.get(value) {
                        Some(&p) => p,
                        None if value.is_empty() || !present(code) => after,
                        None => {
                            return Err(PrivacyError::new(PrivacyErrorKind::NotInOrder {
                                column: column.name.clone(),
                                row: first_row(code),
                            }))
                        }
                    };
                    key_of_code.push(key);
                }
                Ok(SensitiveValues::build(counts, &key_of_code, Distance::Ordered))
            }
            (DistanceChoice::Equal, None) => {
                let identity: Vec<u32> = (0..column.dict.len() as u32).collect();
                Ok(SensitiveValues::build(counts, &identity, Distance::Equal))
            }
            (DistanceChoice::Auto | DistanceChoice::Ordered, None) => {
                // Numbers of the present, non-empty values; `None` for the rest.
                let mut numbers: Vec<(f64, u32)> = Vec::new();
                let mut not_numeric = None;
                for (code, value) in column.dict.iter().enumerate() {
                    if !present(code) || value.is_empty() {
                        continue;
                    }
                    match parse_value(value) {
                        Some(x) => numbers.push((x, code as u32)),
                        None => {
                            not_numeric = Some(code);
                            break;
                        }
                    }
                }
                match (choice, not_numeric) {
                    (DistanceChoice::Ordered, Some(code)) => {
                        return Err(PrivacyError::new(PrivacyErrorKind::NotNumeric {
                            column: column.name.clone(),
                            row: first_row(code),
                        }))
                    }
                    (DistanceChoice::Auto, Some(_)) => {
                        let identity: Vec<u32> = (0..column.dict.len() as u32).collect();
                        return Ok(SensitiveValues::build(counts, &identity, Distance::Equal));
                    }
                    _ => {}
                }
                if numbers.is_empty() && choice == DistanceChoice::Auto {
                    // Only empty cells: nothing numeric about it.
                    let identity: Vec<u32> = (0..column.dict.len() as u32).collect();
                    return Ok(SensitiveValues::build(counts, &identity, Distance::Equal));
                }
                numbers.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut key_of_code = vec![0u32; column.dict.len()];
                let mut rank = 0u32;
                for (i, &(x, code)) in numbers.iter().enumerate() {
                    if i > 0 && x != numbers[i - 1].0 {
                        rank += 1;
                    }
                    key_of_code[code as usize] = rank;
                }
                // The empty value (and absent codes, which count for nothing) after every number.
                let after = if numbers.is_empty() { 0 } else { rank + 1 };
                for (code, value) in column.dict.iter().enumerate() {
                    if value.is_empty() || !present(code) {
                        key_of_code[code] = after;
                    }
                }
                Ok(SensitiveValues::build(counts, &key_of_code, Distance::Ordered))
            }
        }
    }

    /// Prepares codes with a sort key per code: codes with equal keys are one
    /// value, values are numbered by increasing key. With the equal distance
    /// the keys only decide which codes are the same value.
    ///
    /// `key_of_code` must have one key per code of the domain; a code outside it
    /// is an error ([`PrivacyErrorKind::CodeOutOfRange`]).
    pub fn from_codes(codes: &[u32], key_of_code: &[u32], distance: Distance) -> Result<SensitiveValues, PrivacyError> {
        let counts = count_codes(codes, key_of_code.len())?;
        Ok(SensitiveValues::build(counts, key_of_code, distance))
    }

    pub(super) fn build(code_counts: Vec<u64>, key_of_code: &[u32], distance: Distance) -> SensitiveValues {
        // Rows per key, then present keys numbered in key order.
        let keys = key_of_code.iter().map(|&k| k as usize + 1).max().unwrap_or(0);
        let mut key_counts = vec![0u64; keys];
        for (code, &n) in code_counts.iter().enumerate() {
            key_counts[key_of_code[code] as usize] += n;
        }
        let mut value_of_key = vec![SUPPRESSED; keys];
        let mut reference = Vec::new();
        for (key, &n) in key_counts.iter().enumerate() {
            if n > 0 {
                value_of_key[key] = reference.len() as u32;
                reference.push(n);
            }
        }
        let value_of_code = code_counts
            .iter()
            .zip(key_of_code)
            .map(|(&n, &key)| if n > 0 { value_of_key[key as usize] } else { SUPPRESSED })
            .collect();
        let total = reference.iter().sum();
        let (mut cumulative, mut cumulative_prefix) = (Vec::new(), Vec::new());
        if distance == Distance::Ordered {
            let mut running = 0u64;
            let mut prefix = 0u128;
            cumulative_prefix.push(0);
            for &n in &reference {
                running += n;
                cumulative.push(running);
                prefix += u128::from(running);
                cumulative_prefix.push(prefix);
            }
        }
        SensitiveValues { value_of_code, reference, total, distance, cumulative, cumulative_prefix }
    }

    /// The distance t-closeness uses for this column.
    pub fn distance(&self) -> Distance {
        self.distance
    }

    /// The number of distinct values in the table (`m`).
    pub fn len(&self) -> usize {
        self.reference.len()
    }

    /// Whether the table has no value at all (no row).
    pub fn is_empty(&self) -> bool {
        self.reference.is_empty()
    }

    /// The number of rows of each value in the whole table, by value number.
    pub fn reference(&self) -> &[u64] {
        &self.reference
    }

    /// The number of rows in the whole table.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The value number of a dictionary code (`None` for a code absent from the table).
    pub fn value_of(&self, code: u32) -> Option<u32> {
        self.value_of_code.get(code as usize).copied().filter(|&v| v != SUPPRESSED)
    }
}

/// Rows per code; a code outside `0..domain` is an error.
fn count_codes(codes: &[u32], domain: usize) -> Result<Vec<u64>, PrivacyError> {
    let mut counts = vec![0u64; domain];
    for (row, &c) in codes.iter().enumerate() {
        match counts.get_mut(c as usize) {
            Some(n) => *n += 1,
            None => return Err(PrivacyError::new(PrivacyErrorKind::CodeOutOfRange { slice: None, row: row + 1 })),
        }
    }
    Ok(counts)
}

/// The values of one class and their counts, by increasing value number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassDistribution<'a> {
    /// Value numbers present in the class, increasing.
    pub values: &'a [u32],
    /// Rows of each of these values in the class.
    pub counts: &'a [u32],
    /// Rows in the class (the sum of `counts`).
    pub size: u32,
}

impl ClassDistribution<'_> {
    /// The number of distinct values in the class.
    pub fn distinct(&self) -> usize {
        self.values.len()
    }
}

/// Per class of a grouping, the distribution of one sensitive attribute.
///
/// Keeps its buffers between [`ClassDistributions::rebuild`] calls.
#[derive(Debug, Clone, Default)]
pub struct ClassDistributions {
    start: Vec<usize>,
    values: Vec<u32>,
    counts: Vec<u32>,
    sizes: Vec<u32>,
    grouped: Vec<u32>,
    cursor: Vec<usize>,
    tally: Vec<u32>,
    touched: Vec<u32>,
}

impl ClassDistributions {
    /// The distributions of `codes` (the sensitive column's codes, one per row
    /// of the grouping) in each class.
    pub fn build(
        classes: &Classes,
        codes: &[u32],
        values: &SensitiveValues,
    ) -> Result<ClassDistributions, PrivacyError> {
        let mut d = ClassDistributions::default();
        d.rebuild(classes, codes, values)?;
        Ok(d)
    }

    /// As [`ClassDistributions::build`], reusing this value's buffers.
    pub fn rebuild(&mut self, classes: &Classes, codes: &[u32], values: &SensitiveValues) -> Result<(), PrivacyError> {
        if codes.len() != classes.rows() {
            return Err(PrivacyError::new(PrivacyErrorKind::LengthMismatch {
                what: "the sensitive column",
                expected: classes.rows(),
                found: codes.len(),
            }));
        }
        let sizes = classes.sizes();
        // Counting sort of the rows' values by class.
        self.cursor.clear();
        let mut offset = 0usize;
        for &s in sizes {
            self.cursor.push(offset);
            offset += s as usize;
        }
        self.grouped.clear();
        self.grouped.resize(offset, 0);
        for (row, (&class, &code)) in classes.row_classes().iter().zip(codes).enumerate() {
            if class == SUPPRESSED {
                continue;
            }
            let value = match values.value_of_code.get(code as usize) {
                Some(&v) if v != SUPPRESSED => v,
                _ => return Err(PrivacyError::new(PrivacyErrorKind::CodeOutOfRange { slice: None, row: row + 1 })),
            };
            // invariant: `class` < sizes.len() (Classes numbers its classes densely) and
            // the class's slots are `sizes[class]` long, so the cursor stays in range.
            let at = &mut self.cursor[class as usize];
            self.grouped[*at] = value;
            *at += 1;
        }
        // Tally each class's slice.
        self.start.clear();
        self.values.clear();
        self.counts.clear();
        self.sizes.clear();
        self.sizes.extend_from_slice(sizes);
        self.tally.clear();
        self.tally.resize(values.len(), 0);
        self.start.push(0);
        let mut from = 0usize;
        for &s in sizes {
            let slice = &self.grouped[from..from + s as usize];
            from += s as usize;
            if let [only] = slice {
                self.values.push(*only);
                self.counts.push(1);
            } else {
                for &v in slice {
                    let n = &mut self.tally[v as usize];
                    if *n == 0 {
                        self.touched.push(v);
                    }
                    *n += 1;
                }
                self.touched.sort_unstable();
                for &v in &self.touched {
                    self.values.push(v);
                    self.counts.push(std::mem::take(&mut self.tally[v as usize]));
                }
                self.touched.clear();
            }
            self.start.push(self.values.len());
        }
        Ok(())
    }

    /// Distributions given whole (the weighted analysis, [`super::weighted`]):
    /// class `c`'s values are `values[start[c]..start[c + 1]]`, increasing,
    /// with their `counts`; `sizes[c]` is the sum of its counts.
    pub(super) fn from_parts(
        start: Vec<usize>,
        values: Vec<u32>,
        counts: Vec<u32>,
        sizes: Vec<u32>,
    ) -> ClassDistributions {
        ClassDistributions { start, values, counts, sizes, ..ClassDistributions::default() }
    }

    /// The number of classes.
    pub fn len(&self) -> usize {
        self.sizes.len()
    }

    /// Whether there is no class.
    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// The distribution in class `class`, `None` if there is no such class.
    pub fn class(&self, class: usize) -> Option<ClassDistribution<'_>> {
        let size = *self.sizes.get(class)?;
        let range = self.start[class]..self.start[class + 1];
        Some(ClassDistribution { values: &self.values[range.clone()], counts: &self.counts[range], size })
    }

    /// The distributions of all classes, by class number.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ClassDistribution<'_>> + '_ {
        self.sizes.iter().enumerate().map(move |(c, &size)| {
            let range = self.start[c]..self.start[c + 1];
            ClassDistribution { values: &self.values[range.clone()], counts: &self.counts[range], size }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::classes::QiCodes;

    #[test]
    fn parses_numbers_with_a_point_or_a_comma() {
        assert_eq!(parse_value("12"), Some(12.0));
        assert_eq!(parse_value(" 12,5 "), Some(12.5));
        assert_eq!(parse_value("-0.25"), Some(-0.25));
        assert_eq!(parse_value("01"), Some(1.0));
        // No exponent: in a clinical column `1e3` or `2E5` is a code, not a number.
        for bad in
            ["1e3", "2E5", "12.", "", " ", "abc", "1,2,3", "1.2,3", "inf", "NaN", "-", ".", "1 234", "12 kg", "<=50K"]
        {
            assert_eq!(parse_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn auto_distance_is_ordered_for_numbers_only() {
        let numeric = Column::from_values("w", ["10", "2", "", "2,0", "33"]);
        let v = SensitiveValues::for_column(&numeric, DistanceChoice::Auto, None).unwrap();
        assert_eq!(v.distance(), Distance::Ordered);
        // 2 and 2,0 are one value; order 2 < 10 < 33 < empty.
        assert_eq!(v.len(), 4);
        assert_eq!(v.reference(), &[2, 1, 1, 1]);
        let code = |s: &str| numeric.dict.code_of(s).unwrap();
        assert_eq!(v.value_of(code("2")), Some(0));
        assert_eq!(v.value_of(code("2,0")), Some(0));
        assert_eq!(v.value_of(code("10")), Some(1));
        assert_eq!(v.value_of(code("33")), Some(2));
        assert_eq!(v.value_of(code("")), Some(3));
        assert_eq!(v.cumulative, vec![2, 3, 4, 5]);
        assert_eq!(v.cumulative_prefix, vec![0, 2, 5, 9, 14]);

        let text = Column::from_values("s", ["b", "a", "", "b"]);
        let v = SensitiveValues::for_column(&text, DistanceChoice::Auto, None).unwrap();
        assert_eq!(v.distance(), Distance::Equal);
        assert_eq!(v.reference(), &[2, 1, 1]);

        let blank = Column::from_values("s", ["", ""]);
        let v = SensitiveValues::for_column(&blank, DistanceChoice::Auto, None).unwrap();
        assert_eq!(v.distance(), Distance::Equal);
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn forced_and_given_orders() {
        let c = Column::from_values("grade", ["mid", "low", "high", "", "mid"]);
        let order: Vec<String> = ["low", "mid", "high"].iter().map(|s| s.to_string()).collect();
        let v = SensitiveValues::for_column(&c, DistanceChoice::Auto, Some(&order)).unwrap();
        assert_eq!(v.distance(), Distance::Ordered);
        assert_eq!(v.reference(), &[1, 2, 1, 1]);
        assert_eq!(v.value_of(c.dict.code_of("high").unwrap()), Some(2));
        assert_eq!(v.value_of(c.dict.code_of("").unwrap()), Some(3));

        let v = SensitiveValues::for_column(&c, DistanceChoice::Equal, None).unwrap();
        assert_eq!(v.distance(), Distance::Equal);

        let err = SensitiveValues::for_column(&c, DistanceChoice::Ordered, None).unwrap_err();
        assert_eq!(err.kind(), &PrivacyErrorKind::NotNumeric { column: "grade".into(), row: 1 });
        assert!(!err.to_string().contains("mid"));

        let short: Vec<String> = vec!["low".into(), "high".into()];
        let err = SensitiveValues::for_column(&c, DistanceChoice::Ordered, Some(&short)).unwrap_err();
        assert_eq!(err.kind(), &PrivacyErrorKind::NotInOrder { column: "grade".into(), row: 1 });
        assert_eq!(err.to_string(), "column `grade`: the value in row 1 is missing from the given order");

        let twice: Vec<String> = vec!["low".into(), "mid".into(), "low".into(), "high".into()];
        let err = SensitiveValues::for_column(&c, DistanceChoice::Auto, Some(&twice)).unwrap_err();
        assert_eq!(err.kind(), &PrivacyErrorKind::OrderRepeats { column: "grade".into(), position: 3 });

        let err = SensitiveValues::for_column(&c, DistanceChoice::Equal, Some(&order)).unwrap_err();
        assert_eq!(err.code(), "order_with_equal_distance");
    }

    #[test]
    fn distributions_per_class() {
        let qi = [0, 1, 0, 0, 1, 2];
        let s = Column::from_values("s", ["x", "y", "y", "x", "y", ""]);
        let classes =
            Classes::group(&[QiCodes::new(&qi, 3)], Some(&[false, false, false, true, false, false])).unwrap();
        let values = SensitiveValues::for_column(&s, DistanceChoice::Auto, None).unwrap();
        // The reference counts all rows, the suppressed one too.
        assert_eq!(values.reference(), &[2, 3, 1]);
        let d = ClassDistributions::build(&classes, &s.codes, &values).unwrap();
        assert_eq!(d.len(), 3);
        let c0 = d.class(0).unwrap();
        assert_eq!((c0.values, c0.counts, c0.size), (&[0, 1][..], &[1, 1][..], 2));
        let c1 = d.class(1).unwrap();
        assert_eq!((c1.values, c1.counts, c1.size), (&[1][..], &[2][..], 2));
        let c2 = d.class(2).unwrap();
        assert_eq!((c2.values, c2.counts, c2.distinct()), (&[2][..], &[1][..], 1));
        assert!(d.class(3).is_none());
        assert_eq!(d.iter().count(), 3);

        let err = ClassDistributions::build(&classes, &s.codes[..5], &values).unwrap_err();
        assert_eq!(err.code(), "length_mismatch");
        let err = ClassDistributions::build(&classes, &[0, 0, 0, 0, 0, 9], &values).unwrap_err();
        assert_eq!(err.kind(), &PrivacyErrorKind::CodeOutOfRange { slice: None, row: 6 });
    }

    #[test]
    fn from_codes_merges_equal_keys() {
        let v = SensitiveValues::from_codes(&[0, 1, 2, 2], &[5, 1, 5], Distance::Ordered).unwrap();
        assert_eq!(v.reference(), &[1, 3]);
        assert_eq!(v.value_of(0), Some(1));
        assert_eq!(v.value_of(1), Some(0));
        let err = SensitiveValues::from_codes(&[0, 3], &[0, 1], Distance::Equal).unwrap_err();
        assert_eq!(err.code(), "code_out_of_range");
    }
}
