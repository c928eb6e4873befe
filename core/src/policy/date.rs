//! Dates as clinicians' files write them, and back.
//!
//! Read with the one date reader, [`crate::ident::date::parse_with`] and
//! [`DateRules::cells`]: `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`
//! (or month first with [`DateOrder::Mdy`]), `yyyy-mm-dd`, `yyyy/mm/dd`,
//! `yyyymmdd` (`ddmmyyyy`, or `mmddyyyy` month first, when that is not a
//! date), each optionally followed by a time (` 08:30`, `T08:30:00Z`) which is
//! kept as it is. Two-digit years (their century is a guess: a birth date in
//! `01/02/25` is 1925 or 2025) and month names (which cannot be written back in
//! the cell's own style) are refused: such cells go to the action's
//! `on_invalid`, although detection recognises them as dates. A date is
//! turned into a day number (days since 1970-01-01, proleptic Gregorian) and a
//! [`DateStyle`], so that a shifted date is written back the way it was read.

use serde::{Deserialize, Serialize};

use crate::ident::date::{parse_with, DateFormat, DateRules, DayMonth};

/// How to read a date whose year comes last.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Day first: `01/02/2024` is 1 February (French usage).
    #[default]
    Dmy,
    /// Month first: `01/02/2024` is 2 January (US usage).
    Mdy,
}

/// The field order of a written date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldOrder {
    /// Year, month, day.
    Ymd,
    /// Day, month, year.
    Dmy,
    /// Month, day, year.
    Mdy,
}

/// How a date was written: enough to write another date the same way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateStyle {
    /// The order of the fields.
    pub order: FieldOrder,
    /// The separator (`/`, `-`, `.`), or none for `yyyymmdd`.
    pub separator: Option<char>,
    /// Whether day and month have two digits.
    pub padded: bool,
    /// The time part that followed the date, verbatim (often empty).
    pub suffix: String,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number.
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The first and last day numbers masque reads and writes (years 1 to 9999).
pub const MIN_DAY: i32 = -719_162; // 0001-01-01
/// See [`MIN_DAY`].
pub const MAX_DAY: i32 = 2_932_896; // 9999-12-31

/// Reads a date: its day number and style, or `None`.
pub fn parse_date(value: &str, order: DateOrder) -> Option<(i32, DateStyle)> {
    let order = match order {
        DateOrder::Dmy => DayMonth::DayFirst,
        DateOrder::Mdy => DayMonth::MonthFirst,
    };
    let (parsed, time) = parse_with(value, &DateRules::cells(order)).ok()?;
    let order = match parsed.format {
        DateFormat::YearMonthDay | DateFormat::CompactYearMonthDay => FieldOrder::Ymd,
        DateFormat::DayMonthYear | DateFormat::CompactDayMonthYear => FieldOrder::Dmy,
        DateFormat::MonthDayYear | DateFormat::CompactMonthDayYear => FieldOrder::Mdy,
        // invariant: DateRules::cells refuses month names.
        DateFormat::Textual => return None,
    };
    let style = DateStyle { order, separator: parsed.separator, padded: parsed.padded, suffix: time.to_string() };
    let d = parsed.date;
    Some((days_from_civil(i32::from(d.year), u32::from(d.month), u32::from(d.day)), style))
}

/// Writes a day number in a style; `false` (nothing written) outside years 1-9999.
pub fn format_date(days: i32, style: &DateStyle, out: &mut String) -> bool {
    use std::fmt::Write;
    if !(MIN_DAY..=MAX_DAY).contains(&days) {
        return false;
    }
    let (y, m, d) = civil_from_days(days);
    let sep = style.separator.map(String::from).unwrap_or_default();
    // invariant: writing to a String cannot fail.
    let _ = match (style.order, style.padded) {
        (FieldOrder::Ymd, true) => write!(out, "{y:04}{sep}{m:02}{sep}{d:02}"),
        (FieldOrder::Ymd, false) => write!(out, "{y:04}{sep}{m}{sep}{d}"),
        (FieldOrder::Dmy, true) => write!(out, "{d:02}{sep}{m:02}{sep}{y:04}"),
        (FieldOrder::Dmy, false) => write!(out, "{d}{sep}{m}{sep}{y:04}"),
        (FieldOrder::Mdy, true) => write!(out, "{m:02}{sep}{d:02}{sep}{y:04}"),
        (FieldOrder::Mdy, false) => write!(out, "{m}{sep}{d}{sep}{y:04}"),
    };
    out.push_str(&style.suffix);
    true
}

/// The ISO 8601 week-numbering year and week of a day number.
pub fn iso_week(days: i32) -> (i32, u32) {
    let weekday = (days + 3).rem_euclid(7); // 0 = Monday (1970-01-01 was a Thursday)
    let thursday = days - weekday + 3;
    let (year, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    (year, week as u32)
}

/// Whole years from `birth` to `reference` (both day numbers); `None` if
/// `birth` is after `reference`.
pub fn age_in_years(birth: i32, reference: i32) -> Option<u32> {
    if birth > reference {
        return None;
    }
    let (by, bm, bd) = civil_from_days(birth);
    let (ry, rm, rd) = civil_from_days(reference);
    let mut age = ry - by;
    if (rm, rd) < (bm, bd) {
        age -= 1;
    }
    u32::try_from(age).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(v: &str, order: DateOrder) -> String {
        let (days, style) = parse_date(v, order).unwrap_or_else(|| panic!("{v}"));
        let mut out = String::new();
        assert!(format_date(days, &style, &mut out));
        out
    }

    #[test]
    fn civil_round_trip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1, 1, 1), MIN_DAY);
        assert_eq!(days_from_civil(9999, 12, 31), MAX_DAY);
        for d in (MIN_DAY..=MAX_DAY).step_by(997) {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn reads_and_writes_each_style() {
        for v in [
            "31/12/2024",
            "1/2/2024",
            "2024-02-29",
            "2024/2/9",
            "20240229",
            "29.02.2024",
            "03-01-2025",
            "01/02/2024 08:30",
            "2024-01-02T08:30:00Z",
            "1/2/2024 8:30",
            "01022024",
        ] {
            assert_eq!(round_trip(v, DateOrder::Dmy), v);
        }
        assert_eq!(parse_date("01/02/2024", DateOrder::Dmy).unwrap().0, days_from_civil(2024, 2, 1));
        assert_eq!(parse_date("01/02/2024", DateOrder::Mdy).unwrap().0, days_from_civil(2024, 1, 2));
    }

    #[test]
    fn refuses_non_dates() {
        for v in [
            "",
            "31/02/2024",
            "29/02/2023",
            "2024-13-01",
            "01/01/24",
            "hier",
            "01/01/2024 Jean",
            "12345",
            "1/2/3/2024",
            "2024-01-01x",
            "00/01/2024",
            "12 mars 2024",
            "01/02/2024 25:00",
        ] {
            assert!(parse_date(v, DateOrder::Dmy).is_none(), "{v}");
        }
    }

    #[test]
    fn weeks_and_ages() {
        assert_eq!(iso_week(days_from_civil(2024, 12, 30)), (2025, 1));
        assert_eq!(iso_week(days_from_civil(2021, 1, 3)), (2020, 53));
        assert_eq!(iso_week(days_from_civil(2024, 7, 1)), (2024, 27));
        let r = days_from_civil(2026, 1, 1);
        assert_eq!(age_in_years(days_from_civil(1990, 1, 1), r), Some(36));
        assert_eq!(age_in_years(days_from_civil(1990, 1, 2), r), Some(35));
        assert_eq!(age_in_years(days_from_civil(2026, 1, 2), r), None);
    }
}
