//! Hierarchy builders: hierarchies made from a column's values, so that users
//! need no file for the common cases.
//!
//! A [`Builder`] is written in a configuration as a one-key object (the
//! `builder` of a quasi-identifier):
//!
//! | builder | levels above the value | example |
//! |---|---|---|
//! | `{"intervals": {"widths": [5, 10, 20], "origin": 0}}` | one band per width, then `*` (a band the policy's `interval` wrote, `[70-80[` or `30-39`, of one of these widths and on their limits, is placed at its own level) | `34` -> `30-34` -> `30-39` -> `20-39` -> `*` |
//! | `{"dates": {}}` or `{"dates": {"levels": ["month", "year"]}}` | month, quarter, year, decade (or the ones listed, in that order), then `*` | `14/06/1962` -> `1962-06` -> `1962-Q2` -> `1962` -> `1960-1969` -> `*` |
//! | `{"mask": {"levels": 3}}` (`"character": "X"` optional) | the last 1, 2, ... characters masked, then `*` if still needed | `75011` -> `7501*` -> `750**` -> `75***` -> `*` |
//! | `{"order": {"values": ["a", "b", "c", "d"], "sizes": [2, 2]}}` | consecutive values grouped by `sizes[0]`, those groups by `sizes[1]`, ..., then `*` | `b` -> `{a, b}` -> `{a, ..., d}` -> `*` |
//! | `{"age_bands": {}}` | 5-, 10-, 20-year bands, `90+` / `80+`, then `*` (see [`super::french`]) | `34` -> `30-34` -> `30-39` -> `20-39` -> `*` |
//! | `{"code_postal": {}}` | département, région, `*` (a département is placed at its own level) | `75011` -> `75` -> `Île-de-France` -> `*` |
//! | `{"departement": {}}` | région, `*` | `2A` -> `Corse` -> `*` |
//! | `{"flat": {}}` | `*` (a quasi-identifier given without hierarchy gets it) | `F` -> `*` |
//!
//! Rules common to all builders:
//! - Level 0 is the value as written; the top level is always `*`.
//! - The **empty cell** stays empty at every level but the top: empty cells
//!   form a group of their own, as in ARX, rather than an error.
//! - A value a builder cannot place (not a number, not a date, not listed, not
//!   a code postal) is an error naming the column and the first row holding
//!   it ([`ColumnError::Unbuildable`]), never the value.
//! - Bands are computed from integer band numbers, so each level nests in the
//!   next by construction; [`super::column::ColumnHierarchy::new`] checks it
//!   anyway, as for any hierarchy.
//!
//! # Bounds on the options
//! Every numeric option is bounded by what can make a level of its own, and
//! the error names the option and the limit (never a value):
//! - `mask.levels`: levels past the length (in characters) of the column's
//!   longest value are left out: every value is fully masked there already, so
//!   they would repeat the level below (`{"levels": 3}` on a column of `F` and
//!   `M` builds `F` -> `*`).
//! - `intervals.widths`: each at most 10^15 times the first (so band numbers
//!   stay exact), hence at most 50 levels, each width at least twice the last.
//! - `order.sizes`: no size after the first level whose groups already hold
//!   every value (that level is one group; any level above it is the same).
//! - `dates.levels`: each part once, so at most four.
//!
//! Whatever the options, a built hierarchy whose labels would take more than
//! [`LABELS_BUDGET`] bytes is refused before it is built (a mask of many
//! levels over long values grows as their square).
//!
//! # Labels
//! - Intervals: `30-34` (`lo`-`hi`, both included) when the values, the
//!   widths and the origin are whole numbers, else `[70,5-80[` (`lo` included,
//!   `hi` excluded) with a decimal comma if the column writes its numbers
//!   with one.
//! - Dates: `1962-06` (month), `1962-Q2` (quarter), `1962` (year), `1960-1969`
//!   (decade). Dates are read as `ident::date` reads them (`dd/mm/yyyy`,
//!   `yyyy-mm-dd`, ...); two-digit years are refused, their century being a guess.
//!   A month, quarter or year as the policy's `generalise` writes them (and a
//!   decade as above) is placed at its own level: its labels below that level
//!   are itself (`1962` -> `1962` -> `1962` -> `1962` -> `1960-1969` -> `*`),
//!   so a policy's output can be anonymised; one coarser than every listed
//!   level, or a week (`1962-W23`: weeks do not nest in months), is refused.
//! - Ordered groups: the value itself for a group of one, `{a, b}` or
//!   `{a, b, c}` for up to three values, `{first, ..., last}` beyond.

use serde::{Deserialize, Serialize};

use super::column::ColumnError;
use super::{french, Hierarchy};
use crate::ident::date::{self, DateRules, DayMonth};
use crate::ident::number::{format_number, parse_value};
use crate::table::Column;

/// Labels of a value at the levels above 0 (`None`: the builder cannot place it).
type Labeller = Box<dyn FnMut(&str) -> Option<Vec<String>>>;

/// The label of the top level of every built hierarchy.
pub const TOP: &str = "*";

/// The most memory the labels of one built hierarchy may take: 1 GiB, counted
/// as their bytes plus [`LABEL_OVERHEAD`] per label.
pub const LABELS_BUDGET: u64 = 1 << 30;

/// What one label costs besides its bytes (the `String`), for [`LABELS_BUDGET`].
const LABEL_OVERHEAD: u64 = 24;

/// The largest ratio of an interval width to the first: band numbers above it
/// would no longer be exact in an `f64`.
const MAX_WIDTH_RATIO: f64 = 1e15;

/// A hierarchy builder (see the module documentation).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Builder {
    /// Numeric intervals, one width per level.
    Intervals(Intervals),
    /// Dates: month, quarter, year, decade.
    Dates(Dates),
    /// Masking characters from the right.
    Mask(Mask),
    /// Consecutive groups of categories in a given order.
    Order(Order),
    /// French age bands (see [`super::french`]).
    AgeBands(Empty),
    /// Code postal -> département -> région (see [`super::french`]).
    CodePostal(Empty),
    /// Département -> région (see [`super::french`]).
    Departement(Empty),
    /// The value, then `*`: for categories with no natural grouping.
    Flat(Empty),
}

/// Options of the `intervals` builder.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intervals {
    /// The band width of each level, increasing, each a whole multiple of the previous.
    pub widths: Vec<f64>,
    /// Where bands start (default 0): bands are `[origin + i·w, origin + (i+1)·w[`.
    #[serde(default)]
    pub origin: f64,
}

/// The parts of a date, from fine to coarse.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePart {
    /// `1962-06`.
    Month,
    /// `1962-Q2`.
    Quarter,
    /// `1962`.
    Year,
    /// `1960-1969`.
    Decade,
}

/// Options of the `dates` builder.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Dates {
    /// The levels, from fine to coarse (default: month, quarter, year, decade).
    pub levels: Option<Vec<DatePart>>,
}

/// Options of the `mask` builder.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mask {
    /// How many masking levels: level `i` masks the last `i` characters.
    pub levels: usize,
    /// The masking character (default `*`).
    #[serde(default = "default_mask_character")]
    pub character: char,
}

fn default_mask_character() -> char {
    '*'
}

/// Options of the `order` builder.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Every value of the column, in order.
    pub values: Vec<String>,
    /// How many groups of the level below make one group, per level (each at least 2).
    pub sizes: Vec<usize>,
}

/// Options of the builders that take none (`{}`).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

impl Builder {
    /// The builder's name, as written in a configuration.
    pub fn name(&self) -> &'static str {
        match self {
            Builder::Intervals(_) => "intervals",
            Builder::Dates(_) => "dates",
            Builder::Mask(_) => "mask",
            Builder::Order(_) => "order",
            Builder::AgeBands(_) => "age_bands",
            Builder::CodePostal(_) => "code_postal",
            Builder::Departement(_) => "departement",
            Builder::Flat(_) => "flat",
        }
    }

    /// Builds the hierarchy of `column`'s values: one row per distinct value
    /// that some row holds, level 0 the value, the top level `*`.
    pub fn build(&self, column: &Column) -> Result<Hierarchy, ColumnError> {
        let bad = |message: String| ColumnError::BadBuilder { column: column.name.clone(), message };
        let mut used = vec![false; column.dict.len()];
        for &c in &column.codes {
            if let Some(u) = used.get_mut(c as usize) {
                *u = true;
            }
        }
        let mut labeller: Labeller = match self {
            Builder::Intervals(o) => Box::new(intervals(o, column).map_err(bad)?),
            Builder::Dates(o) => Box::new(dates(o).map_err(bad)?),
            Builder::Mask(o) => {
                let levels = mask_levels(o, column, &used).map_err(bad)?;
                let character = o.character;
                Box::new(move |v: &str| Some(mask(v, levels, character)))
            }
            Builder::Order(o) => Box::new(order(o).map_err(bad)?),
            Builder::AgeBands(_) => Box::new(|v: &str| {
                let age = parse_value(v).filter(|x| *x >= 0.0 && *x < 1e6)?;
                Some(french::age_labels(age as u32).to_vec())
            }),
            Builder::CodePostal(_) => Box::new(|v: &str| match french::code_postal(v) {
                Some((dept, region)) => Some(vec![dept.to_string(), region.to_string()]),
                // A département, as the policy's `departement` writes it, at its own level.
                None => french::departement(v).map(|(dept, region)| vec![dept, region.to_string()]),
            }),
            Builder::Departement(_) => Box::new(|v: &str| {
                let (_, region) = french::departement(v)?;
                Some(vec![region.to_string()])
            }),
            Builder::Flat(_) => Box::new(|_: &str| Some(Vec::new())),
        };
        let expected = match self {
            Builder::Intervals(_) => "a number",
            Builder::Dates(_) => "a date with a four-digit year",
            Builder::Mask(_) => "maskable",
            Builder::Order(_) => "listed in the builder's `values`",
            Builder::AgeBands(_) => "an age (a number from 0)",
            Builder::CodePostal(_) => "a French code postal",
            Builder::Departement(_) => "a French département code",
            Builder::Flat(_) => "any value",
        };

        let mut rows: Vec<(u64, Vec<String>)> = Vec::with_capacity(column.dict.len());
        let mut height = None;
        let mut spent = 0u64;
        for (code, value) in column.dict.iter().enumerate() {
            if !used[code] {
                continue;
            }
            let above = if value.is_empty() {
                None
            } else {
                match labeller(value) {
                    Some(labels) => Some(labels),
                    None => {
                        let row = column.codes.iter().position(|&c| c as usize == code).map_or(0, |r| r + 1);
                        return Err(ColumnError::Unbuildable { column: column.name.clone(), row, expected });
                    }
                }
            };
            if let Some(labels) = &above {
                spent = labels.iter().fold(spent, |n, l| n.saturating_add(l.len() as u64 + LABEL_OVERHEAD));
                if spent > LABELS_BUDGET {
                    return Err(bad(format!(
                        "{}: the hierarchy's labels for the column's values would take more than 1 GiB; use fewer \
                         levels",
                        self.name()
                    )));
                }
            }
            let mut row = Vec::with_capacity(2 + above.as_ref().map_or(0, Vec::len));
            row.push(value.to_string());
            match above {
                Some(labels) => {
                    height.get_or_insert(labels.len());
                    row.extend(labels);
                }
                None => row.push(String::new()), // completed below, once the height is known
            }
            rows.push((code as u64 + 1, row));
        }
        // Every non-empty value has the same number of levels; empty cells
        // stay empty up to the top.
        let middle = height.unwrap_or(0);
        for (_, row) in &mut rows {
            if row.len() == 2 && row[0].is_empty() && row[1].is_empty() {
                row.truncate(1);
                row.resize(1 + middle, String::new());
            }
            row.push(TOP.to_string());
        }
        // A mask whose last level already has one label needs no `*` above it.
        if let Builder::Mask(_) = self {
            let last = |row: &Vec<String>| row[row.len() - 2].clone();
            if let Some(first) = rows.first().map(|(_, r)| last(r)) {
                if middle > 0 && rows.iter().all(|(_, r)| last(r) == first) {
                    for (_, row) in &mut rows {
                        row.pop();
                    }
                }
            }
        }
        if rows.is_empty() {
            // An empty column: a one-level hierarchy has nothing to generalise.
            rows.push((1, vec![String::new(), TOP.to_string()]));
        }
        Hierarchy::from_rows(rows).map_err(|error| ColumnError::Parse { column: column.name.clone(), error })
    }
}

fn round10(x: f64) -> f64 {
    (x * 1e10).round() / 1e10
}

fn intervals(o: &Intervals, column: &Column) -> Result<impl FnMut(&str) -> Option<Vec<String>>, String> {
    if o.widths.is_empty() {
        return Err("intervals: give at least one width in `widths`".into());
    }
    if !o.origin.is_finite() {
        return Err("intervals: `origin` must be a finite number".into());
    }
    // Each width as a whole multiple of the first.
    let mut factors: Vec<i64> = Vec::with_capacity(o.widths.len());
    for (i, &w) in o.widths.iter().enumerate() {
        if !(w.is_finite() && w > 0.0) {
            return Err(format!("intervals: widths[{i}] must be a positive number"));
        }
        let f = (w / o.widths[0]).round();
        if f > MAX_WIDTH_RATIO {
            return Err(format!("intervals: widths[{i}] must be at most 10^15 times widths[0]"));
        }
        if i > 0 {
            let previous = o.widths[i - 1];
            let ratio = w / previous;
            if (ratio - ratio.round()).abs() > 1e-9 * ratio || ratio.round() < 2.0 {
                return Err(format!(
                    "intervals: widths[{i}] must be a whole multiple (at least twice) of widths[{}], so that each \
                     band nests in the next",
                    i - 1
                ));
            }
        }
        factors.push(f as i64);
    }
    let w0 = o.widths[0];
    let origin = o.origin;
    let widths = o.widths.clone();
    let whole_limits = o.widths.iter().all(|w| w.fract() == 0.0) && origin.fract() == 0.0;
    let mut whole_values = true;
    let mut comma = false;
    for v in column.dict.iter() {
        if let Some(x) = parse_value(v) {
            whole_values &= x.fract() == 0.0;
            comma |= v.contains(',');
        } else if v.starts_with('[') {
            // A band of decimal data, as the policy writes it.
            whole_values = false;
            comma |= v.contains(',');
        }
    }
    let integer = whole_limits && whole_values;
    Ok(move |v: &str| {
        // A number, or a band as the policy's `interval` writes it, placed
        // at the level of its width if it is one of this builder's bands.
        let (x, own) = match parse_value(v) {
            Some(n) => (n, None),
            None => {
                let (lo, hi) = band_of_label(v)?;
                let level = widths.iter().position(|&w| ((hi - lo) - w).abs() <= 1e-9 * w)?;
                ((lo + hi) / 2.0, Some((level, lo, hi)))
            }
        };
        let j = ((x - origin) / w0).floor();
        if !j.is_finite() || j.abs() > 1e15 {
            return None;
        }
        let j = j as i64;
        if let Some((level, lo, hi)) = own {
            // Its band must be the builder's band at its level (same origin).
            let i = j.div_euclid(factors[level]);
            let band_lo = round10(origin + i as f64 * widths[level]);
            if (band_lo - lo).abs() > 1e-9 * widths[level]
                || (round10(band_lo + widths[level]) - hi).abs() > 1e-9 * widths[level]
            {
                return None;
            }
        }
        let labels = factors
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(level, (&f, &w))| {
                // Below its own level, a band is its own label.
                if own.is_some_and(|(own, _, _)| level <= own) {
                    return v.to_string();
                }
                let i = j.div_euclid(f);
                let lo = round10(origin + i as f64 * w);
                let hi = round10(lo + w);
                if integer {
                    if w == 1.0 {
                        format_number(lo, false)
                    } else {
                        format!("{}-{}", format_number(lo, false), format_number(hi - 1.0, false))
                    }
                } else {
                    format!("[{}-{}[", format_number(lo, comma), format_number(hi, comma))
                }
            })
            .collect();
        Some(labels)
    })
}

/// The limits `[lo, hi)` of a band label as the policy's `interval` writes
/// it: `[70,5-80[` (`hi` excluded) or, for whole numbers, `30-39` (`39`
/// included); `None` for anything else.
fn band_of_label(v: &str) -> Option<(f64, f64)> {
    let (inner, closed) = match v.strip_prefix('[').and_then(|r| r.strip_suffix('[')) {
        Some(inner) => (inner, false),
        None => (v, true),
    };
    // The separator: the first `-` after the first character (limits may be negative).
    let at = inner.char_indices().skip(1).find(|&(_, c)| c == '-')?.0;
    let lo = parse_value(&inner[..at])?;
    let hi = parse_value(&inner[at + 1..])?;
    if closed && (lo.fract() != 0.0 || hi.fract() != 0.0) {
        return None;
    }
    let hi = if closed { hi + 1.0 } else { hi };
    (lo < hi).then_some((lo, hi))
}

fn dates(o: &Dates) -> Result<impl FnMut(&str) -> Option<Vec<String>>, String> {
    let parts =
        o.levels.clone().unwrap_or_else(|| vec![DatePart::Month, DatePart::Quarter, DatePart::Year, DatePart::Decade]);
    if parts.is_empty() {
        return Err("dates: `levels` must list at least one of month, quarter, year, decade".into());
    }
    if parts.windows(2).any(|w| w[0] >= w[1]) {
        return Err("dates: `levels` must go from fine to coarse (month, quarter, year, decade), each once".into());
    }
    let coarsest = parts[parts.len() - 1];
    Ok(move |v: &str| {
        // The cells a policy's date transforms read (day first): one rule for
        // both; else what the policy's generalisations write (a month, a
        // quarter, a year), or a decade, each placed at its own level.
        let (own, year, month) = match date::parse_with(v, &DateRules::cells(DayMonth::DayFirst)) {
            Ok((parsed, _)) => (None, i32::from(parsed.date.year), Some(u32::from(parsed.date.month))),
            Err(_) => {
                let (part, year, month) = coarse_date(v)?;
                // A value coarser than every level would stay itself up to `*`.
                if part > coarsest {
                    return None;
                }
                (Some(part), year, month)
            }
        };
        let labels = parts
            .iter()
            .map(|&part| match (part, month) {
                // Below its own level, a coarse value is its own label.
                _ if own.is_some_and(|own| part < own) => v.to_string(),
                (DatePart::Month, Some(m)) => format!("{year:04}-{m:02}"),
                (DatePart::Quarter, Some(m)) => format!("{year:04}-Q{}", (m - 1) / 3 + 1),
                (DatePart::Year, _) => format!("{year:04}"),
                (DatePart::Decade, _) => {
                    let lo = year / 10 * 10;
                    format!("{lo:04}-{:04}", lo + 9)
                }
                // A quarter's own level (its month stands for the quarter).
                (_, None) => v.to_string(),
            })
            .collect();
        Some(labels)
    })
}

/// A month (`1962-06`), quarter (`1962-Q2`), year (`1962`) or decade
/// (`1960-1969`), as the policy's generalisations and this builder write
/// them: its part, its year, and for a month or a quarter a month in it (the
/// quarter's first). Anything else, a week (`1962-W23`: weeks do not nest in
/// months) included, is `None`.
fn coarse_date(v: &str) -> Option<(DatePart, i32, Option<u32>)> {
    let digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    let year = v.get(..4).filter(|y| digits(y))?.parse::<i32>().ok()?;
    let rest = &v[4..];
    if rest.is_empty() {
        return Some((DatePart::Year, year, None));
    }
    let rest = rest.strip_prefix('-')?;
    if let Some(q) = rest.strip_prefix('Q') {
        let q: u32 = match q {
            "1" => 1,
            "2" => 2,
            "3" => 3,
            "4" => 4,
            _ => return None,
        };
        return Some((DatePart::Quarter, year, Some(3 * q - 2)));
    }
    if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
        let m: u32 = rest.parse().ok()?;
        return (1..=12).contains(&m).then_some((DatePart::Month, year, Some(m)));
    }
    if digits(rest) && year % 10 == 0 && rest.parse::<i32>().ok()? == year + 9 {
        return Some((DatePart::Decade, year, None));
    }
    None
}

/// The levels a mask builds for the column: `levels`, but no more than the
/// length of its longest value (in characters; see the module documentation),
/// checked against [`LABELS_BUDGET`].
fn mask_levels(o: &Mask, column: &Column, used: &[bool]) -> Result<usize, String> {
    if o.levels == 0 {
        return Err("mask: `levels` must be at least 1".into());
    }
    let values = || column.dict.iter().zip(used).filter(|(_, &u)| u).map(|(v, _)| v);
    let longest = values().map(|v| v.chars().count()).max().unwrap_or(0);
    let levels = o.levels.min(longest.max(1));
    // Level i of a value of c characters and b bytes takes at most b bytes,
    // plus the masking character's bytes for each of min(i, c) characters.
    let levels64 = levels as u64;
    let extra = o.character.len_utf8() as u64;
    let mut spent = 0u64;
    for v in values() {
        let masked = levels64.min(v.chars().count() as u64);
        let each = (v.len() as u64).saturating_add(masked.saturating_mul(extra)).saturating_add(LABEL_OVERHEAD);
        spent = spent.saturating_add(levels64.saturating_mul(each));
        if spent > LABELS_BUDGET {
            return Err(format!(
                "mask: the labels of {levels} levels for this column's values would take more than 1 GiB; use fewer \
                 `levels`"
            ));
        }
    }
    Ok(levels)
}

/// The value with its last `1..=levels` characters masked.
fn mask(value: &str, levels: usize, character: char) -> Vec<String> {
    let chars: Vec<char> = value.chars().collect();
    (1..=levels)
        .map(|i| {
            let keep = chars.len().saturating_sub(i);
            let mut s: String = chars[..keep].iter().collect();
            s.extend(std::iter::repeat_n(character, chars.len() - keep));
            s
        })
        .collect()
}

fn order(o: &Order) -> Result<impl FnMut(&str) -> Option<Vec<String>>, String> {
    if o.values.is_empty() {
        return Err("order: `values` must list the column's values in order".into());
    }
    if o.sizes.is_empty() {
        return Err("order: give at least one group size in `sizes`".into());
    }
    if let Some(i) = o.sizes.iter().position(|&s| s < 2) {
        return Err(format!("order: sizes[{i}] must be at least 2"));
    }
    let mut position: hashbrown::HashMap<&str, usize> = hashbrown::HashMap::with_capacity(o.values.len());
    for (i, v) in o.values.iter().enumerate() {
        if let Some(first) = position.insert(v.as_str(), i) {
            return Err(format!("order: `values` lists the same value at positions {} and {}", first + 1, i + 1));
        }
    }
    let position: hashbrown::HashMap<String, usize> = position.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let values = o.values.clone();
    let mut spans = Vec::with_capacity(o.sizes.len());
    let mut span = 1usize;
    for (i, &s) in o.sizes.iter().enumerate() {
        if i > 0 && span >= o.values.len() {
            return Err(format!(
                "order: sizes[{i}]: the groups of the level below already hold all {} values; give at most {i} sizes",
                o.values.len()
            ));
        }
        span = span.saturating_mul(s);
        spans.push(span);
    }
    Ok(move |v: &str| {
        let p = *position.get(v)?;
        let labels = spans
            .iter()
            .map(|&span| {
                let start = p / span * span;
                let group = &values[start..(start + span).min(values.len())];
                match group {
                    [one] => one.clone(),
                    [_, _] | [_, _, _] => format!("{{{}}}", group.join(", ")),
                    [first, .., last] => format!("{{{first}, ..., {last}}}"),
                    [] => String::new(),
                }
            })
            .collect();
        Some(labels)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hierarchy::column::ColumnHierarchy;

    fn levels(builder: &Builder, values: &[&str]) -> Vec<Vec<String>> {
        let column = Column::from_values("c", values.iter());
        let h = builder.build(&column).unwrap();
        ColumnHierarchy::new(&column, &h).unwrap();
        values.iter().map(|v| (0..h.height()).map(|l| h.generalise(v, l).unwrap().to_string()).collect()).collect()
    }

    fn from_json(text: &str) -> Builder {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn intervals_nest_and_label() {
        let b = from_json(r#"{"intervals": {"widths": [5, 10, 20]}}"#);
        assert_eq!(
            levels(&b, &["34", "0", "-1"]),
            vec![
                vec!["34", "30-34", "30-39", "20-39", "*"],
                vec!["0", "0-4", "0-9", "0-19", "*"],
                vec!["-1", "-5--1", "-10--1", "-20--1", "*"],
            ]
        );
        let b = from_json(r#"{"intervals": {"widths": [0.5, 1], "origin": 0.25}}"#);
        assert_eq!(
            levels(&b, &["74,6", "1,0"]),
            vec![vec!["74,6", "[74,25-74,75[", "[74,25-75,25[", "*"], vec!["1,0", "[0,75-1,25[", "[0,25-1,25[", "*"],]
        );
        let b = from_json(r#"{"intervals": {"widths": [1, 10]}}"#);
        assert_eq!(levels(&b, &["7", ""]), vec![vec!["7", "7", "0-9", "*"], vec!["", "", "", "*"]]);
    }

    #[test]
    fn intervals_refuse_bad_widths_and_values() {
        let column = Column::from_values("age", ["34", "trente"]);
        let b = from_json(r#"{"intervals": {"widths": [5, 10]}}"#);
        let err = b.build(&column).unwrap_err();
        assert_eq!(err, ColumnError::Unbuildable { column: "age".into(), row: 2, expected: "a number" });
        assert_eq!(err.to_string(), "column `age`: the value in row 2 is not a number");
        for widths in ["[5, 7]", "[5, 5]", "[]", "[0]", "[-1]"] {
            let b = from_json(&format!(r#"{{"intervals": {{"widths": {widths}}}}}"#));
            let err = b.build(&Column::from_values("age", ["1"])).unwrap_err();
            assert_eq!(err.code(), "bad_builder", "{widths}");
        }
    }

    #[test]
    fn dates_by_month_quarter_year_decade() {
        let b = from_json(r#"{"dates": {}}"#);
        assert_eq!(
            levels(&b, &["14/06/1962", "2024-12-31"]),
            vec![
                vec!["14/06/1962", "1962-06", "1962-Q2", "1962", "1960-1969", "*"],
                vec!["2024-12-31", "2024-12", "2024-Q4", "2024", "2020-2029", "*"],
            ]
        );
        let b = from_json(r#"{"dates": {"levels": ["year", "decade"]}}"#);
        assert_eq!(levels(&b, &["01/01/2000"]), vec![vec!["01/01/2000", "2000", "2000-2009", "*"]]);
        let err =
            from_json(r#"{"dates": {}}"#).build(&Column::from_values("d", ["01/01/2000", "01/01/99"])).unwrap_err();
        assert_eq!(err.to_string(), "column `d`: the value in row 2 is not a date with a four-digit year");
        let err = from_json(r#"{"dates": {"levels": ["year", "month"]}}"#)
            .build(&Column::from_values("d", ["01/01/2000"]))
            .unwrap_err();
        assert_eq!(err.code(), "bad_builder");
    }

    #[test]
    fn dates_place_what_the_policy_writes_at_its_own_level() {
        let b = from_json(r#"{"dates": {}}"#);
        assert_eq!(
            levels(&b, &["1962", "1962-06", "1962-Q3", "1960-1969", "14/06/1962", ""]),
            vec![
                vec!["1962", "1962", "1962", "1962", "1960-1969", "*"],
                vec!["1962-06", "1962-06", "1962-Q2", "1962", "1960-1969", "*"],
                vec!["1962-Q3", "1962-Q3", "1962-Q3", "1962", "1960-1969", "*"],
                vec!["1960-1969", "1960-1969", "1960-1969", "1960-1969", "1960-1969", "*"],
                vec!["14/06/1962", "1962-06", "1962-Q2", "1962", "1960-1969", "*"],
                vec!["", "", "", "", "", "*"],
            ]
        );
        // A value coarser than every level, a week, a malformed part: not placed.
        let years = from_json(r#"{"dates": {"levels": ["month", "quarter"]}}"#);
        for (b, v) in [(&years, "1962"), (&b, "1962-W23"), (&b, "1962-13"), (&b, "1962-Q5"), (&b, "1961-1970")] {
            let err = b.build(&Column::from_values("d", ["1962-06", v])).unwrap_err();
            assert_eq!(err.to_string(), "column `d`: the value in row 2 is not a date with a four-digit year", "{v}");
        }
    }

    #[test]
    fn code_postal_places_a_departement_at_its_own_level() {
        let b = from_json(r#"{"code_postal": {}}"#);
        assert_eq!(
            levels(&b, &["75011", "75", "2A", "971", "97110"]),
            vec![
                vec!["75011", "75", "Île-de-France", "*"],
                vec!["75", "75", "Île-de-France", "*"],
                vec!["2A", "2A", "Corse", "*"],
                vec!["971", "971", "Guadeloupe", "*"],
                vec!["97110", "971", "Guadeloupe", "*"],
            ]
        );
    }

    #[test]
    fn intervals_place_the_policys_bands_at_their_own_level() {
        let b = from_json(r#"{"intervals": {"widths": [5, 10, 20]}}"#);
        assert_eq!(
            levels(&b, &["[70-80[", "[60-70[", ""]),
            vec![
                vec!["[70-80[", "[70-80[", "[70-80[", "[60-80[", "*"],
                vec!["[60-70[", "[60-70[", "[60-70[", "[60-80[", "*"],
                vec!["", "", "", "", "*"],
            ]
        );
        assert_eq!(
            levels(&b, &["30-39", "-10--1", "42"]),
            vec![
                vec!["30-39", "30-39", "30-39", "20-39", "*"],
                vec!["-10--1", "-10--1", "-10--1", "-20--1", "*"],
                vec!["42", "40-44", "40-49", "40-59", "*"],
            ]
        );
        // A band of another width, or not on the builder's limits: not placed.
        for v in ["[70-73[", "[75-85[", "35-44", "<0", "90+", "[70-80"] {
            let err = b.build(&Column::from_values("n", ["[70-80[", v])).unwrap_err();
            assert_eq!(err.to_string(), "column `n`: the value in row 2 is not a number", "{v}");
        }
    }

    #[test]
    fn masks_from_the_right() {
        let b = from_json(r#"{"mask": {"levels": 3}}"#);
        assert_eq!(
            levels(&b, &["75011", "13001"]),
            vec![vec!["75011", "7501*", "750**", "75***", "*"], vec!["13001", "1300*", "130**", "13***", "*"],]
        );
        // Fully masked values of one length: no `*` level above.
        let b = from_json(r#"{"mask": {"levels": 2, "character": "X"}}"#);
        assert_eq!(levels(&b, &["ab", "cd"]), vec![vec!["ab", "aX", "XX"], vec!["cd", "cX", "XX"]]);
        // Shorter values are fully masked early.
        let b = from_json(r#"{"mask": {"levels": 2}}"#);
        assert_eq!(levels(&b, &["abc", "d"]), vec![vec!["abc", "ab*", "a**", "*"], vec!["d", "*", "*", "*"]]);
        assert!(from_json(r#"{"mask": {"levels": 0}}"#).build(&Column::from_values("c", ["1"])).is_err());
    }

    #[test]
    fn ordered_groups() {
        let b = from_json(r#"{"order": {"values": ["a", "b", "c", "d", "e"], "sizes": [2, 2]}}"#);
        assert_eq!(
            levels(&b, &["b", "e", "c"]),
            vec![
                vec!["b", "{a, b}", "{a, ..., d}", "*"],
                vec!["e", "e", "e", "*"],
                vec!["c", "{c, d}", "{a, ..., d}", "*"],
            ]
        );
        let err = b.build(&Column::from_values("c", ["a", "zz"])).unwrap_err();
        assert_eq!(err.to_string(), "column `c`: the value in row 2 is not listed in the builder's `values`");
        let dup = from_json(r#"{"order": {"values": ["a", "b", "a"], "sizes": [2]}}"#);
        let err = dup.build(&Column::from_values("c", ["a"])).unwrap_err();
        assert_eq!(err.to_string(), "column `c`: order: `values` lists the same value at positions 1 and 3");
    }

    #[test]
    fn french_ready_mades() {
        let b = from_json(r#"{"age_bands": {}}"#);
        assert_eq!(
            levels(&b, &["34", "92", "5,5"]),
            vec![
                vec!["34", "30-34", "30-39", "20-39", "*"],
                vec!["92", "90+", "90+", "80+", "*"],
                vec!["5,5", "5-9", "0-9", "0-19", "*"],
            ]
        );
        let b = from_json(r#"{"code_postal": {}}"#);
        assert_eq!(
            levels(&b, &["75011", "20000", "97411"]),
            vec![
                vec!["75011", "75", "Île-de-France", "*"],
                vec!["20000", "20", "Corse", "*"],
                vec!["97411", "974", "La Réunion", "*"],
            ]
        );
        let err = b.build(&Column::from_values("cp", ["75011", "99999"])).unwrap_err();
        assert_eq!(err.to_string(), "column `cp`: the value in row 2 is not a French code postal");
        let b = from_json(r#"{"departement": {}}"#);
        assert_eq!(levels(&b, &["2A", "69"]), vec![vec!["2A", "Corse", "*"], vec!["69", "Auvergne-Rhône-Alpes", "*"]]);
    }

    #[test]
    fn empty_cells_stay_empty_below_the_top() {
        let b = from_json(r#"{"code_postal": {}}"#);
        assert_eq!(levels(&b, &["", "75011"]), vec![vec!["", "", "", "*"], vec!["75011", "75", "Île-de-France", "*"]]);
        let b = from_json(r#"{"dates": {"levels": ["year"]}}"#);
        assert_eq!(levels(&b, &[""]), vec![vec!["", "*"]]);
    }

    #[test]
    fn numeric_options_are_bounded_by_the_column() {
        // Mask levels past the longest value are left out, whatever asked.
        for n in ["3", "5", "1000000", "4294967295", "18446744073709551615"] {
            let b = from_json(&format!(r#"{{"mask": {{"levels": {n}}}}}"#));
            assert_eq!(levels(&b, &["F", "M"]), vec![vec!["F", "*"], vec!["M", "*"]], "{n}");
            let h = b.build(&Column::from_values("cp", ["75011", "13", ""])).unwrap();
            let masked = if n == "3" { 3 } else { 5 };
            assert_eq!(h.height(), 1 + masked + 1, "{n}"); // the value, its masked levels, then `*`
        }
        // A mask whose labels would not fit the budget says so, without building them.
        let long = "x".repeat(40_000);
        let values: Vec<String> = (0..10).map(|i| format!("{i}{long}")).collect();
        let err = from_json(r#"{"mask": {"levels": 40000}}"#)
            .build(&Column::from_values("note", values.iter().map(String::as_str)))
            .unwrap_err();
        assert_eq!(err.code(), "bad_builder");
        assert!(err.to_string().starts_with("column `note`: mask: the labels of 40000 levels"), "{err}");
        assert!(!err.to_string().contains("xxx"), "{err}");
        // Interval widths: at most 10^15 times the first (hence at most 50 levels).
        let widths: Vec<String> = (0..60).map(|i| format!("{}", 2f64.powi(i))).collect();
        let b = from_json(&format!(r#"{{"intervals": {{"widths": [{}]}}}}"#, widths.join(", ")));
        let err = b.build(&Column::from_values("age", ["1"])).unwrap_err();
        assert_eq!(err.to_string(), "column `age`: intervals: widths[50] must be at most 10^15 times widths[0]");
        let b = from_json(r#"{"intervals": {"widths": [0.5, 1e308]}}"#);
        assert_eq!(b.build(&Column::from_values("age", ["1"])).unwrap_err().code(), "bad_builder");
        // Ordered groups: no level above the one that holds every value.
        let b = from_json(r#"{"order": {"values": ["a", "b", "c"], "sizes": [2, 2, 2]}}"#);
        let err = b.build(&Column::from_values("c", ["a"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "column `c`: order: sizes[2]: the groups of the level below already hold all 3 values; give at most 2 sizes"
        );
        let b = from_json(r#"{"order": {"values": ["a", "b", "c"], "sizes": [2, 18446744073709551615]}}"#);
        assert_eq!(
            levels(&b, &["a", "c"]),
            vec![vec!["a", "{a, b}", "{a, b, c}", "*"], vec!["c", "c", "{a, b, c}", "*"]]
        );
    }

    #[test]
    fn unknown_builders_and_fields_are_refused() {
        assert!(serde_json::from_str::<Builder>(r#"{"zip": {}}"#).is_err());
        assert!(serde_json::from_str::<Builder>(r#"{"mask": {"levels": 2, "side": "left"}}"#).is_err());
        assert!(serde_json::from_str::<Builder>(r#"{"code_postal": {"x": 1}}"#).is_err());
    }
}
