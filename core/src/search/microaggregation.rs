//! Microaggregation of numeric quasi-identifiers (ARX's
//! `MicroAggregationFunction`s; MDAV, Domingo-Ferrer & Torra 2005):
//! `"quasi_identifiers": {"poids": {"microaggregation": {"function": "mean", "mdav": true}}}`.
//!
//! A microaggregated quasi-identifier has no hierarchy: the search (global
//! or local) runs on the other quasi-identifiers, and in the output each
//! **class** (the rows kept, equal on every other quasi-identifier) has its
//! values of the column replaced by one aggregate per group:
//! - `mean`: the arithmetic mean; `median`: the middle value (the mean of
//!   the two middle values for an even count); `interval`: `[min, max]`;
//! - the group is the whole class, or, with `"mdav": true` and no sensitive
//!   criterion, the groups MDAV makes of the class on this column: while
//!   at least `3k` rows remain, the row farthest from the remaining rows'
//!   mean and the row farthest from that one each take their `k − 1`
//!   nearest rows; then `2k` or more remaining rows make two groups (the
//!   farthest row from the mean and its `k − 1` nearest, and the rest), fewer
//!   one. Ties go to the earlier row. Every group has at least `k` rows
//!   (the size every criterion implies), so the output's classes, now
//!   split by the aggregate, still have `k` rows. With sensitive criteria
//!   (other than those every group meets: `l` of 1, `t` of 1) or a risk
//!   target (average risk, sample or population uniqueness) the class is
//!   aggregated whole, so its sensitive values and sizes are the search's.
//!
//! Numbers are read by [`crate::ident::number::parse_number`] (`74,6` or
//! `74.6`); a cell that is not a number is an error naming the column and
//! the row. A blank cell stays blank where the class's blanks are at least
//! `k` rows and no sensitive criterion is set, and otherwise takes the
//! aggregate of its class's last group (a lone blank would make a class of
//! its own). A suppressed row is `*`.
//!
//! # Output format
//! Fixed decimals, no locale: a group's aggregate is written with as many
//! decimals as the most precise input value of the column has (a mean of
//! integers is an integer, rounded), with a decimal comma if any input value
//! was written with one, by Rust's own float formatting (the same on every
//! platform: the exact binary value rounded, an exact tie to the even digit,
//! so 51.25 is written `51.2`). An interval is `[min, max]`, each bound so written (`[min;
//! max]` with decimal commas).
//!
//! # Utility
//! The groups play the hierarchy's labels in [`super::utility`]: a cell's
//! loss is its group's range over the column's range (NCP for numbers; 0 for
//! a blank kept, 1 for `*`), the entropy is `Σ_r log2(|G_r| / c_G(v_r))`, and
//! the distribution a reader estimates spreads each group's rows evenly over
//! the distinct values in it.

use std::borrow::Cow;

use super::config::{AggregateFunction, AnonymiseConfig, Microaggregation};
use super::error::SearchError;
use crate::ident::number::parse_number;
use crate::privacy::OrderedMap;
use crate::table::{Column, Dictionary};

/// A microaggregated column, its function and the smallest group size.
pub(crate) struct Micro {
    pub name: String,
    pub how: Microaggregation,
}

/// The configuration the search runs on (without the microaggregated
/// quasi-identifiers) and those, after checking the whole configuration.
pub(crate) fn split(config: &AnonymiseConfig) -> Result<(Cow<'_, AnonymiseConfig>, Vec<Micro>), SearchError> {
    let micro: Vec<Micro> = config
        .quasi_identifiers
        .iter()
        .filter_map(|(name, qi)| qi.microaggregation.map(|how| Micro { name: name.to_string(), how }))
        .collect();
    if micro.is_empty() {
        return Ok((Cow::Borrowed(config), micro));
    }
    config.check()?;
    if micro.len() == config.quasi_identifiers.len() {
        return Err(SearchError::config(
            "quasi_identifiers",
            "microaggregation needs at least one quasi-identifier with a hierarchy to form the classes",
        ));
    }
    let mut reduced = config.clone();
    reduced.quasi_identifiers =
        OrderedMap(config.quasi_identifiers.0.iter().filter(|(_, q)| q.microaggregation.is_none()).cloned().collect());
    Ok((Cow::Owned(reduced), micro))
}

/// A column's numbers: per dictionary code, its value (`None` for a blank),
/// the decimals to write and the separator.
struct Numbers {
    values: Vec<Option<f64>>,
    decimals: usize,
    comma: bool,
}

impl Numbers {
    fn read(column: &Column, name: &str) -> Result<Numbers, SearchError> {
        let mut values = Vec::with_capacity(column.dict.len());
        let (mut decimals, mut comma) = (0, false);
        let mut bad = vec![false; column.dict.len()];
        for (code, text) in column.dict.iter().enumerate() {
            if text.trim().is_empty() {
                values.push(None);
                continue;
            }
            match parse_number(text) {
                Some(n) => {
                    let t = text.trim();
                    let after = t.find(['.', ',']).map_or(0, |i| t.len() - i - 1);
                    decimals = decimals.max(after);
                    comma |= n.decimal_comma;
                    values.push(Some(n.value));
                }
                None => {
                    bad[code] = true;
                    values.push(None);
                }
            }
        }
        if let Some(row) = column.codes.iter().position(|&c| bad[c as usize]) {
            return Err(SearchError::config(
                &format!("quasi_identifiers.{name}.microaggregation"),
                format!("row {} is not a number", row + 1),
            ));
        }
        Ok(Numbers { values, decimals: decimals.min(12), comma })
    }

    fn write(&self, x: f64) -> String {
        let s = format!("{:.*}", self.decimals, x);
        let s = if s.starts_with('-') && s.bytes().all(|b| matches!(b, b'-' | b'0' | b'.')) {
            s[1..].to_string()
        } else {
            s
        };
        if self.comma {
            s.replace('.', ",")
        } else {
            s
        }
    }
}

/// The aggregate of `values` (not empty), as written.
fn aggregate(function: AggregateFunction, values: &mut [f64], numbers: &Numbers) -> String {
    values.sort_by(f64::total_cmp);
    let (lo, hi) = (values[0], values[values.len() - 1]);
    match function {
        AggregateFunction::Mean => numbers.write(values.iter().sum::<f64>() / values.len() as f64),
        AggregateFunction::Median => {
            let m = values.len() / 2;
            numbers.write(if values.len() % 2 == 1 { values[m] } else { (values[m - 1] + values[m]) / 2.0 })
        }
        AggregateFunction::Interval => {
            let between = if numbers.comma { "; " } else { ", " };
            format!("[{}{between}{}]", numbers.write(lo), numbers.write(hi))
        }
    }
}

/// MDAV on one variable: `rows` (value, row) split into groups of at least
/// `k` (all of them when fewer than `2k`), in the order made. In one
/// dimension the row farthest from the mean is the lowest or the highest,
/// and its `k − 1` nearest rows are its neighbours in sorted order, so MDAV
/// takes the `k` values at the farther end (the lower on a tie), then the
/// `k` at the other end, while `3k` rows remain: `O(m log m)`.
fn mdav(rows: &[(f64, u32)], k: usize) -> Vec<Vec<u32>> {
    let mut sorted: Vec<(f64, u32)> = rows.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut lo, mut hi) = (0usize, sorted.len());
    let mut sum: f64 = sorted.iter().map(|x| x.0).sum();
    let mut groups = Vec::new();
    let mut take = |lo: &mut usize, hi: &mut usize, low: bool, sum: &mut f64| {
        let range = if low { *lo..*lo + k } else { *hi - k..*hi };
        let mut group: Vec<u32> = sorted[range.clone()].iter().map(|x| x.1).collect();
        *sum -= sorted[range].iter().map(|x| x.0).sum::<f64>();
        if low {
            *lo += k;
        } else {
            *hi -= k;
        }
        group.sort_unstable();
        groups.push(group);
    };
    // Whether the lower end is at least as far from the remaining mean as the upper.
    let lower_first = |lo: usize, hi: usize, sum: f64| {
        let mean = sum / (hi - lo) as f64;
        mean - sorted[lo].0 >= sorted[hi - 1].0 - mean
    };
    while k > 0 && hi - lo >= 3 * k {
        let low = lower_first(lo, hi, sum);
        take(&mut lo, &mut hi, low, &mut sum);
        take(&mut lo, &mut hi, !low, &mut sum);
    }
    if k > 0 && hi - lo >= 2 * k {
        let low = lower_first(lo, hi, sum);
        take(&mut lo, &mut hi, low, &mut sum);
    }
    if hi > lo {
        let mut rest: Vec<u32> = sorted[lo..hi].iter().map(|x| x.1).collect();
        rest.sort_unstable();
        groups.push(rest);
    }
    groups
}

/// The microaggregated output column and, per output row, its group
/// (`u32::MAX` for a suppressed row, `u32::MAX - 1` for a blank kept).
pub(crate) struct Aggregated {
    pub column: Column,
    pub group: Vec<u32>,
}

/// What a blank kept is in [`Aggregated::group`].
pub(crate) const BLANK: u32 = u32::MAX - 1;

/// Microaggregates `column` (the input's values of the output's rows) over
/// `classes` (per output row its class, `None` for a suppressed row), groups
/// of at least `k` rows, `sensitive` whether sensitive criteria are set.
pub(crate) fn apply(
    column: &Column,
    micro: &Micro,
    classes: &[Option<u32>],
    k: usize,
    sensitive: bool,
) -> Result<Aggregated, SearchError> {
    let numbers = Numbers::read(column, &micro.name)?;
    let classes_count = classes.iter().flatten().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); classes_count];
    for (row, class) in classes.iter().enumerate() {
        if let Some(c) = class {
            members[*c as usize].push(row as u32);
        }
    }
    let mut group = vec![u32::MAX; classes.len()];
    let mut labels: Vec<String> = Vec::new();
    let value = |row: u32| numbers.values[column.codes[row as usize] as usize];
    for rows in &members {
        let (valued, blanks): (Vec<u32>, Vec<u32>) = rows.iter().partition(|&&r| value(r).is_some());
        let keep_blanks = !sensitive && blanks.len() >= k.max(1);
        let groups = if valued.is_empty() {
            Vec::new()
        } else if micro.how.mdav && !sensitive {
            let points: Vec<(f64, u32)> = valued.iter().map(|&r| (value(r).unwrap_or(0.0), r)).collect();
            mdav(&points, k)
        } else {
            vec![valued]
        };
        let last = groups.len().checked_sub(1);
        for (i, g) in groups.iter().enumerate() {
            let id = labels.len() as u32;
            let mut values: Vec<f64> = g.iter().filter_map(|&r| value(r)).collect();
            labels.push(aggregate(micro.how.function, &mut values, &numbers));
            for &r in g {
                group[r as usize] = id;
            }
            if Some(i) == last && !keep_blanks {
                for &r in &blanks {
                    group[r as usize] = id;
                }
            }
        }
        if keep_blanks || groups.is_empty() {
            for &r in &blanks {
                group[r as usize] = BLANK;
            }
        }
    }
    let mut dict = Dictionary::new();
    let star = dict.intern(super::output::SUPPRESSED_MARKER);
    let blank = dict.intern("");
    let codes_of: Vec<u32> = labels.iter().map(|l| dict.intern(l)).collect();
    let codes = group
        .iter()
        .map(|&g| match g {
            u32::MAX => star,
            BLANK => blank,
            g => codes_of[g as usize],
        })
        .collect();
    let column = Column { name: column.name.clone(), codes, dict };
    Ok(Aggregated { column, group })
}

/// Per dictionary code of an input column, its number (for the utility).
pub(crate) fn values(column: &Column, name: &str) -> Result<Vec<Option<f64>>, SearchError> {
    Ok(Numbers::read(column, name)?.values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdav_groups_have_k_rows() {
        let rows: Vec<(f64, u32)> =
            [1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 20.0, 21.0, 50.0].iter().zip(0..).map(|(&x, r)| (x, r)).collect();
        let groups = mdav(&rows, 3);
        // 9 rows >= 3k: the farthest from the mean (50) with its 2 nearest
        // (21, 20), then the farthest from 50 (1) with 2, 3; the rest.
        assert_eq!(groups, vec![vec![6, 7, 8], vec![0, 1, 2], vec![3, 4, 5]]);
        assert!(mdav(&rows[..5], 3).len() == 1);
    }

    #[test]
    fn mdav_partitions_into_sorted_runs_of_k() {
        // Deterministic pseudo-random values, many sizes and k.
        let mut x = 12345u64;
        for m in 1..60usize {
            for k in 1..6usize {
                let rows: Vec<(f64, u32)> = (0..m as u32)
                    .map(|r| {
                        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        (((x >> 33) % 20) as f64, r)
                    })
                    .collect();
                let groups = mdav(&rows, k);
                let mut all: Vec<u32> = groups.iter().flatten().copied().collect();
                all.sort_unstable();
                assert_eq!(all, (0..m as u32).collect::<Vec<_>>());
                for g in &groups {
                    assert!(g.len() >= k || groups.len() == 1, "m {m} k {k}");
                    assert!(g.len() < 2 * k || groups.len() == 1 || g == groups.last().unwrap());
                }
                // Groups do not interleave: each lies between the others' values.
                let span = |g: &Vec<u32>| {
                    let v: Vec<f64> = g.iter().map(|&r| rows[r as usize].0).collect();
                    (
                        v.iter().copied().fold(f64::INFINITY, f64::min),
                        v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    )
                };
                for (i, a) in groups.iter().enumerate() {
                    for b in &groups[i + 1..] {
                        let ((a0, a1), (b0, b1)) = (span(a), span(b));
                        assert!(a1 <= b0 || b1 <= a0, "m {m} k {k}");
                    }
                }
            }
        }
    }

    #[test]
    fn aggregates_are_written_with_fixed_decimals() {
        let column = Column::from_values("x", ["1,5", "2", "3"]);
        let numbers = Numbers::read(&column, "x").unwrap();
        assert_eq!((numbers.decimals, numbers.comma), (1, true));
        assert_eq!(aggregate(AggregateFunction::Mean, &mut [1.5, 2.0, 3.0], &numbers), "2,2");
        assert_eq!(aggregate(AggregateFunction::Median, &mut [3.0, 1.5, 2.0, 4.0], &numbers), "2,5");
        assert_eq!(aggregate(AggregateFunction::Interval, &mut [3.0, 1.5], &numbers), "[1,5; 3,0]");
        let column = Column::from_values("x", ["70", "x"]);
        let err = Numbers::read(&column, "x").err().unwrap().to_string();
        assert!(err.contains("row 2") && !err.contains("\"x\""), "{err}");
    }
}
