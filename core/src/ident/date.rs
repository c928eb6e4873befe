//! Calendar dates as clinicians write them.
//!
//! Accepted forms (day first, as in France):
//! - `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`;
//! - `dd/mm/yy`, `dd-mm-yy`, `dd.mm.yy` (two digits each);
//! - `yyyy-mm-dd`, `yyyy/mm/dd`, `yyyy.mm.dd`;
//! - `yyyymmdd` and `ddmmyyyy` (8 digits, read as `yyyymmdd` first);
//! - `12 mars 2024`, `1er janvier 1985`, `3 févr. 2020`, `12 March 2024`;
//! - any of the numeric forms followed by a time (`10:30`, `10:30:00`,
//!   `T10:30:00Z`, `T10:30:00.123+02:00`), which is ignored.
//!
//! Years have 4 digits in 1800-2199, or 2 digits: `00`-`29` are read as 2000-2029
//! and `30`-`99` as 1930-1999 ([`TWO_DIGIT_PIVOT`]); [`ParsedDate::two_digit_year`]
//! says when that guess was made. The normalised form is ISO 8601 `yyyy-mm-dd`.
//!
//! This is the one date reader of masque. [`parse`] and [`normalise`] read with
//! [`DateRules::DETECT`] (everything recognisable as a date: detection and
//! scrubbing); the policy's date transforms and the hierarchy builders read
//! cells with [`DateRules::cells`] through [`parse_with`]: numeric forms with a
//! four-digit year only (years 1-9999), in the order the policy names. A
//! two-digit year's century is a guess and a month name cannot be written back
//! in the cell's own style, so those cells are the transforms' `on_invalid`
//! while detection still sees a date in them.

use std::fmt;

use super::fold::{fold_char, Folded};
use super::{IdentifierKind, Invalid, Reason};

/// Two-digit years below this are in the 2000s, the others in the 1900s.
pub const TWO_DIGIT_PIVOT: u16 = 30;

/// Where the month goes when the year comes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayMonth {
    /// Day first (`01/02/2024` is 1 February, French usage).
    DayFirst,
    /// Month first (`01/02/2024` is 2 January, US usage).
    MonthFirst,
    /// Day first, or month first when day first is impossible (`03/25/2024`):
    /// for free text, where either may appear.
    DayFirstElseMonthFirst,
}

/// Which writings of a date a reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRules {
    /// Day and month order when the year comes last.
    pub order: DayMonth,
    /// Two-digit years (`01/02/85`), century guessed with [`TWO_DIGIT_PIVOT`].
    pub two_digit_years: bool,
    /// Month names (`12 mars 2024`, `1er janvier 1985`, `12 March 2024`).
    pub month_names: bool,
    /// The first year accepted.
    pub min_year: u16,
    /// The last year accepted.
    pub max_year: u16,
}

impl DateRules {
    /// Everything recognisable as a date, years 1800-2199: identifier
    /// detection, suggestions and scrubbing.
    pub const DETECT: DateRules = DateRules {
        order: DayMonth::DayFirst,
        two_digit_years: true,
        month_names: true,
        min_year: 1800,
        max_year: 2199,
    };

    /// Cells that a transform reads and may write back in their own style:
    /// numeric forms with a four-digit year (1-9999), day or month first.
    pub const fn cells(order: DayMonth) -> DateRules {
        DateRules { order, two_digit_years: false, month_names: false, min_year: 1, max_year: 9999 }
    }

    fn date(&self, year: u16, month: u8, day: u8) -> Option<Date> {
        if !(self.min_year..=self.max_year).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }
}

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year (1800-2199 when detected, 1-9999 in cells).
    pub year: u16,
    /// The month, 1-12.
    pub month: u8,
    /// The day of the month, 1-31.
    pub day: u8,
}

impl Date {
    /// A date, if it exists.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        DateRules::DETECT.date(year, month, day)
    }

    /// The ISO 8601 form `yyyy-mm-dd`.
    pub fn iso(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The number of days in a month (0 for a month outside 1-12); the one
/// calendar rule masque uses.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

/// How a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    /// Day, month, year (`dd/mm/yyyy`, `dd-mm-yy`, ...).
    DayMonthYear,
    /// Year, month, day (`yyyy-mm-dd`, ...).
    YearMonthDay,
    /// Month, day, year (`03/25/2024`); only found in free text, when day-first is impossible.
    MonthDayYear,
    /// 8 digits, `yyyymmdd`.
    CompactYearMonthDay,
    /// 8 digits, `ddmmyyyy`.
    CompactDayMonthYear,
    /// 8 digits, `mmddyyyy` (read month first only).
    CompactMonthDayYear,
    /// A month name (`12 mars 2024`).
    Textual,
}

/// A date and how it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    /// The date.
    pub date: Date,
    /// The form it was written in.
    pub format: DateFormat,
    /// Whether the year had 2 digits (its century is a guess, see [`TWO_DIGIT_PIVOT`]).
    pub two_digit_year: bool,
    /// The separator of a numeric form (`/`, `-`, `.`); `None` for 8 digits
    /// and month names.
    pub separator: Option<char>,
    /// Whether day and month were both written with two digits.
    pub padded: bool,
}

/// Month names and abbreviations, folded (French and English).
#[rustfmt::skip]
const MONTHS: &[(&[u8], u8)] = &[
    (b"janvier", 1), (b"janv", 1), (b"jan", 1), (b"january", 1), (b"fevrier", 2), (b"fevr", 2), (b"fev", 2),
    (b"february", 2), (b"feb", 2), (b"mars", 3), (b"mar", 3), (b"march", 3), (b"avril", 4), (b"avr", 4),
    (b"april", 4), (b"apr", 4), (b"mai", 5), (b"may", 5), (b"juin", 6), (b"june", 6), (b"jun", 6), (b"juillet", 7),
    (b"juil", 7), (b"july", 7), (b"jul", 7), (b"aout", 8), (b"august", 8), (b"aug", 8), (b"septembre", 9),
    (b"sept", 9), (b"sep", 9), (b"september", 9), (b"octobre", 10), (b"oct", 10), (b"october", 10),
    (b"novembre", 11), (b"nov", 11), (b"november", 11), (b"decembre", 12), (b"dec", 12), (b"december", 12),
];

fn digit_run(b: &[u8], i: usize) -> usize {
    b[i.min(b.len())..].iter().take_while(|c| c.is_ascii_digit()).count()
}

fn num(b: &[u8]) -> u16 {
    b.iter().fold(0u16, |a, &d| a.saturating_mul(10).saturating_add(u16::from(d - b'0')))
}

fn full_year(two: u16) -> u16 {
    if two < TWO_DIGIT_PIVOT {
        2000 + two
    } else {
        1900 + two
    }
}

/// Whitespace that may separate the parts of a textual date: returns its length in bytes.
fn space_len(b: &[u8], i: usize) -> usize {
    match b.get(i..) {
        Some([b' ', ..]) => 1,
        Some([0xC2, 0xA0, ..]) => 2,       // U+00A0
        Some([0xE2, 0x80, 0xAF, ..]) => 3, // U+202F
        _ => 0,
    }
}

fn skip_spaces(b: &[u8], mut i: usize) -> Option<usize> {
    let start = i;
    while i < b.len() && i - start < 4 {
        match space_len(b, i) {
            0 => break,
            n => i += n,
        }
    }
    (i > start).then_some(i)
}

/// Reads a month name at `i` (folded, up to 9 letters); returns the month and the end.
fn month_name(s: &str, i: usize) -> Option<(u8, usize)> {
    let mut buf = [0u8; 10];
    let mut n = 0;
    let mut end = i;
    for c in s.get(i..)?.chars() {
        let f = match fold_char(c) {
            Folded::One(b) if b.is_ascii_lowercase() => b,
            _ => break,
        };
        if n == buf.len() {
            return None;
        }
        buf[n] = f;
        n += 1;
        end += c.len_utf8();
    }
    let word = &buf[..n];
    let month = MONTHS.iter().find(|(name, _)| *name == word)?.1;
    if s.as_bytes().get(end) == Some(&b'.') {
        end += 1;
    }
    Some((month, end))
}

/// Reads a date starting exactly at byte `i` of `s` (no time part), with
/// [`DateRules::DETECT`].
///
/// `month_first` also accepts `mm/dd/yyyy` when day-first is impossible. The
/// caller checks what follows the returned end.
pub(crate) fn date_at(s: &str, i: usize, month_first: bool) -> Option<(usize, ParsedDate)> {
    let order = if month_first { DayMonth::DayFirstElseMonthFirst } else { DayMonth::DayFirst };
    date_at_with(s, i, &DateRules { order, ..DateRules::DETECT })
}

/// Reads a date starting exactly at byte `i` of `s` (no time part) with `rules`.
fn date_at_with(s: &str, i: usize, rules: &DateRules) -> Option<(usize, ParsedDate)> {
    let b = s.as_bytes();
    let r1 = digit_run(b, i);
    if r1 == 0 || r1 > 4 {
        return None;
    }
    let p1 = &b[i..i + r1];
    let after1 = i + r1;
    match b.get(after1) {
        Some(&sep @ (b'/' | b'-' | b'.')) => {
            let r2 = digit_run(b, after1 + 1);
            if !(1..=2).contains(&r2) || b.get(after1 + 1 + r2) != Some(&sep) {
                return None;
            }
            let p2 = &b[after1 + 1..after1 + 1 + r2];
            let s3 = after1 + 2 + r2;
            let r3 = digit_run(b, s3);
            let p3 = &b[s3..s3 + r3];
            let end = s3 + r3;
            let separator = Some(char::from(sep));
            let (year, first, last, two) = match (r1, r3) {
                (4, 1..=2) => {
                    let date = rules.date(num(p1), u8::try_from(num(p2)).ok()?, u8::try_from(num(p3)).ok()?)?;
                    let padded = r2 == 2 && r3 == 2;
                    let format = DateFormat::YearMonthDay;
                    return Some((end, ParsedDate { date, format, two_digit_year: false, separator, padded }));
                }
                (1..=2, 4) => (num(p3), p1, p2, false),
                (2, 2) if r2 == 2 && rules.two_digit_years => (full_year(num(p3)), p1, p2, true),
                _ => return None,
            };
            let padded = r1 == 2 && r2 == 2;
            let (a, c) = (u8::try_from(num(first)).ok()?, u8::try_from(num(last)).ok()?);
            let day_first = |date| {
                (end, ParsedDate { date, format: DateFormat::DayMonthYear, two_digit_year: two, separator, padded })
            };
            let month_first = |date| {
                (end, ParsedDate { date, format: DateFormat::MonthDayYear, two_digit_year: two, separator, padded })
            };
            match rules.order {
                DayMonth::DayFirst => rules.date(year, c, a).map(day_first),
                DayMonth::MonthFirst => rules.date(year, a, c).map(month_first),
                DayMonth::DayFirstElseMonthFirst => rules.date(year, c, a).map(day_first).or_else(|| {
                    if two || sep != b'/' {
                        return None;
                    }
                    rules.date(year, a, c).map(month_first)
                }),
            }
        }
        _ if r1 <= 2 && rules.month_names => {
            let day = u8::try_from(num(p1)).ok()?;
            let mut j = after1;
            if day == 1 && b.get(j..j + 2).is_some_and(|x| x.eq_ignore_ascii_case(b"er")) {
                j += 2;
            }
            j = skip_spaces(b, j)?;
            let (month, k) = month_name(s, j)?;
            let k = skip_spaces(b, k)?;
            let ry = digit_run(b, k);
            if ry != 4 {
                return None;
            }
            let date = rules.date(num(&b[k..k + 4]), month, day)?;
            let parsed =
                ParsedDate { date, format: DateFormat::Textual, two_digit_year: false, separator: None, padded: false };
            Some((k + 4, parsed))
        }
        _ => None,
    }
}

/// Accepts an optional time after a date: a `T` or spaces, then `h:mm` or
/// `hh:mm`, optional seconds (`:ss`, with a fraction after `.` or `,`), and an
/// optional zone (`Z`, `+02:00`, `+0200`, possibly after a space):
/// ` 10:30`, ` 8:30:00`, `T10:30:00.5Z`, `T10:30+02:00`.
fn time_ok(t: &[u8]) -> bool {
    if t.is_empty() {
        return true;
    }
    let mut r = match t {
        [b'T' | b't', rest @ ..] => rest,
        [b' ', ..] => {
            let spaces = t.iter().take_while(|&&c| c == b' ').count();
            &t[spaces..]
        }
        _ => return false,
    };
    let two = |x: &[u8], max: u16| x.len() >= 2 && x[..2].iter().all(u8::is_ascii_digit) && num(&x[..2]) <= max;
    let hour = r.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&hour) || num(&r[..hour]) > 23 {
        return false;
    }
    r = &r[hour..];
    if !(r.first() == Some(&b':') && two(&r[1..], 59)) {
        return false;
    }
    r = &r[3..];
    if r.first() == Some(&b':') {
        if !two(&r[1..], 60) {
            return false;
        }
        r = &r[3..];
        if matches!(r.first(), Some(b'.' | b',')) {
            let n = r[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return false;
            }
            r = &r[1 + n..];
        }
    }
    if let [b' ', b'+' | b'-', ..] = r {
        r = &r[1..];
    }
    match r {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] | [b'+' | b'-', h1, h2, m1, m2] => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// Parses a date with [`DateRules::DETECT`]; see the module documentation for
/// the forms accepted.
///
/// ```
/// use masque_core::ident::date;
/// assert_eq!(date::normalise("01/02/1985").as_deref(), Ok("1985-02-01"));
/// assert_eq!(date::normalise("1er février 1985").as_deref(), Ok("1985-02-01"));
/// assert!(date::normalise("31/02/1985").is_err());
/// ```
pub fn parse(value: &str) -> Result<ParsedDate, Invalid> {
    parse_with(value, &DateRules::DETECT).map(|(parsed, _)| parsed)
}

/// Parses a date with `rules`: the date, and the time that followed it
/// (verbatim, often empty; never after a month name). Surrounding white space
/// is ignored.
///
/// ```
/// use masque_core::ident::date::{parse_with, DateRules, DayMonth};
/// let cells = DateRules::cells(DayMonth::DayFirst);
/// let (p, time) = parse_with("01/02/2024 08:30", &cells).unwrap();
/// assert_eq!((p.date.iso().as_str(), time), ("2024-02-01", " 08:30"));
/// assert!(parse_with("01/02/24", &cells).is_err()); // a detected date, not a cell's
/// ```
pub fn parse_with<'a>(value: &'a str, rules: &DateRules) -> Result<(ParsedDate, &'a str), Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(IdentifierKind::Date, Reason::Empty));
    }
    let b = v.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        let compact = |date, format| ParsedDate { date, format, two_digit_year: false, separator: None, padded: true };
        let (n1, n2) = (num(&b[..2]) as u8, num(&b[2..4]) as u8);
        let ymd = rules.date(num(&b[..4]), num(&b[4..6]) as u8, num(&b[6..]) as u8);
        let parsed = match (ymd, rules.order) {
            (Some(date), _) => Some(compact(date, DateFormat::CompactYearMonthDay)),
            (None, DayMonth::MonthFirst) => {
                rules.date(num(&b[4..]), n1, n2).map(|d| compact(d, DateFormat::CompactMonthDayYear))
            }
            (None, _) => rules.date(num(&b[4..]), n2, n1).map(|d| compact(d, DateFormat::CompactDayMonthYear)),
        };
        return parsed
            .map(|p| (p, ""))
            .ok_or(Invalid::new(IdentifierKind::Date, Reason::Shape("8 digits that are not a date")));
    }
    match date_at_with(v, 0, rules) {
        Some((end, parsed)) if parsed.format == DateFormat::Textual && end == b.len() => Ok((parsed, "")),
        Some((end, parsed)) if parsed.format != DateFormat::Textual && time_ok(&b[end..]) => Ok((parsed, &v[end..])),
        Some(_) => Err(Invalid::new(IdentifierKind::Date, Reason::Shape("unexpected text after the date"))),
        None => Err(Invalid::new(
            IdentifierKind::Date,
            Reason::Shape("not a date in a known form, or a day or month out of range"),
        )),
    }
}

/// The ISO 8601 form (`yyyy-mm-dd`) of a date.
pub fn normalise(value: &str) -> Result<String, Invalid> {
    parse(value).map(|p| p.date.iso())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let valid = [
            ("01/02/1985", "1985-02-01", DateFormat::DayMonthYear, false),
            ("1/2/1985", "1985-02-01", DateFormat::DayMonthYear, false),
            ("29/02/2024", "2024-02-29", DateFormat::DayMonthYear, false),
            ("01-02-1985", "1985-02-01", DateFormat::DayMonthYear, false),
            ("01.02.1985", "1985-02-01", DateFormat::DayMonthYear, false),
            ("01/02/85", "1985-02-01", DateFormat::DayMonthYear, true),
            ("01-02-24", "2024-02-01", DateFormat::DayMonthYear, true),
            ("1985-02-01", "1985-02-01", DateFormat::YearMonthDay, false),
            ("1985/2/1", "1985-02-01", DateFormat::YearMonthDay, false),
            ("19850201", "1985-02-01", DateFormat::CompactYearMonthDay, false),
            ("01021985", "1985-02-01", DateFormat::CompactDayMonthYear, false),
            ("1er février 1985", "1985-02-01", DateFormat::Textual, false),
            ("1 FEVRIER 1985", "1985-02-01", DateFormat::Textual, false),
            ("3 févr. 2020", "2020-02-03", DateFormat::Textual, false),
            ("15 août 1990", "1990-08-15", DateFormat::Textual, false),
            ("12 March 2024", "2024-03-12", DateFormat::Textual, false),
            ("12/03/2024 10:30", "2024-03-12", DateFormat::DayMonthYear, false),
            ("2024-03-12T10:30:00Z", "2024-03-12", DateFormat::YearMonthDay, false),
            ("2024-03-12T10:30:00.250+02:00", "2024-03-12", DateFormat::YearMonthDay, false),
            (" 2024-03-12 ", "2024-03-12", DateFormat::YearMonthDay, false),
        ];
        for (input, want, format, two) in valid {
            let p = parse(input).unwrap_or_else(|e| panic!("{want}: {e}"));
            assert_eq!(p.date.iso(), want);
            assert_eq!(p.format, format, "{want}");
            assert_eq!(p.two_digit_year, two, "{want}");
        }
        let invalid = [
            "",
            "31/02/1985",
            "29/02/2023",
            "00/01/2000",
            "01/13/2000",
            "32/01/2000",
            "01/02/1785",
            "01/02/2285",
            "1/2/85",
            "01/02-1985",
            "1985-02-30",
            "12/03",
            "2024",
            "12 foo 2024",
            "12 mars 24",
            "99999999",
            "12/03/2024 25:00",
            "12/03/2024 10h30",
            "12/03/2024x",
            "12.5",
            "1er mars",
            "2 er mars 2024",
        ];
        for input in invalid {
            assert!(
                parse(input).is_err(),
                "should be invalid: case #{}",
                invalid.iter().position(|x| *x == input).unwrap_or(0)
            );
        }
    }

    #[test]
    fn month_first_only_when_day_first_is_impossible() {
        let (end, p) = date_at("03/25/2024.", 0, true).unwrap();
        assert_eq!((end, p.date.iso(), p.format), (10, "2024-03-25".to_string(), DateFormat::MonthDayYear));
        let (_, p) = date_at("03/05/2024", 0, true).unwrap();
        assert_eq!(p.date.iso(), "2024-05-03");
        assert!(date_at("03/25/2024", 0, false).is_none());
    }

    #[test]
    fn leap_years() {
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
    }
}
