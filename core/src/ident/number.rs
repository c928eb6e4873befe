//! Numbers as clinicians' files write them (`74,6` or `74.6`), and interval labels.

/// A number read from a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    /// Its value.
    pub value: f64,
    /// Whether it was written with a decimal comma.
    pub decimal_comma: bool,
    /// Whether it had no fractional part written.
    pub integer: bool,
}

/// Reads `[+-]digits[(.|,)digits]`, surrounding spaces allowed; nothing else
/// (no exponent, no thousands separator). The one number rule: the policy's
/// transforms, the hierarchy builders and the privacy models' ordered values
/// ([`crate::privacy::sensitive::parse_number`]) all read numbers with it.
///
/// A decimal comma is read (`74,6`, French spreadsheets). An exponent is not:
/// clinicians' files write measurements in plain decimals (a spreadsheet shows
/// `0,0015`, not `1,5E-03`, in a CSV export of a normal column), while tokens
/// such as `2E5` or `1e3` in those files are codes (a room, a batch, a
/// genotype); reading them as numbers would silently band or order a code
/// column. A cell that is not a number goes to the column's `on_invalid`, where
/// the user sees it counted.
pub fn parse_number(value: &str) -> Option<Number> {
    let v = value.trim();
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    let (int, frac, comma) = match unsigned.find(['.', ',']) {
        Some(i) => (&unsigned[..i], &unsigned[i + 1..], unsigned.as_bytes()[i] == b','),
        None => (unsigned, "", false),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    if unsigned.len() > int.len() && frac.is_empty() {
        return None; // "12." or "12,"
    }
    let text = if comma { v.replacen(',', ".", 1) } else { v.to_string() };
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some(Number { value, decimal_comma: comma, integer: frac.is_empty() })
}

/// The value of [`parse_number`], for the users that need only it (ordered
/// distances of t-closeness, the numeric hierarchy builders).
pub fn parse_value(value: &str) -> Option<f64> {
    parse_number(value).map(|n| n.value)
}

/// Writes a limit: an integer without a fractional part, else up to 10
/// decimals without trailing zeros, with `,` or `.`.
pub fn format_number(value: f64, decimal_comma: bool) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let mut s = format!("{value:.10}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if s == "-0" {
        s = "0".into();
    }
    if decimal_comma {
        s = s.replace('.', ",");
    }
    s
}

/// Where a value falls among increasing limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Band {
    /// Below the first limit.
    Below(f64),
    /// In `[lo, hi)`.
    Between(f64, f64),
    /// At or above the last limit.
    From(f64),
}

impl Band {
    /// The band of `value` among increasing `bounds` (at least one).
    pub fn among(value: f64, bounds: &[f64]) -> Band {
        let i = bounds.partition_point(|&b| b <= value);
        match i {
            0 => Band::Below(bounds[0]),
            i if i == bounds.len() => Band::From(bounds[i - 1]),
            i => Band::Between(bounds[i - 1], bounds[i]),
        }
    }

    /// The band of width `width` starting from `origin` that holds `value`.
    pub fn of_width(value: f64, width: f64, origin: f64) -> Band {
        let k = ((value - origin) / width).floor();
        let lo = round10(origin + k * width);
        let hi = round10(lo + width);
        // Rounding can put the value just outside; step once if so.
        if value < lo {
            Band::Between(round10(lo - width), lo)
        } else if value >= hi {
            Band::Between(hi, round10(hi + width))
        } else {
            Band::Between(lo, hi)
        }
    }

    /// The label: `30-39` when `integer` (limits and data whole numbers),
    /// else `[70,5-80[`; `<0` below, `90+` from the last limit.
    pub fn label(self, integer: bool, decimal_comma: bool) -> String {
        let f = |x: f64| format_number(x, decimal_comma);
        match self {
            Band::Below(b) => format!("<{}", f(b)),
            Band::From(b) => format!("{}+", f(b)),
            Band::Between(lo, hi) if integer => {
                if hi - 1.0 == lo {
                    f(lo)
                } else {
                    format!("{}-{}", f(lo), f(hi - 1.0))
                }
            }
            Band::Between(lo, hi) => format!("[{}-{}[", f(lo), f(hi)),
        }
    }
}

/// Rounds to 10 decimals (interval limits computed as origin + k * width).
fn round10(x: f64) -> f64 {
    (x * 1e10).round() / 1e10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_french_and_english_numbers() {
        assert_eq!(parse_number(" 74,6 ").map(|n| (n.value, n.decimal_comma, n.integer)), Some((74.6, true, false)));
        assert_eq!(parse_number("-3").map(|n| (n.value, n.integer)), Some((-3.0, true)));
        assert_eq!(parse_number("+.5").map(|n| n.value), Some(0.5));
        for bad in ["", "-", "1e3", "1 000", "1.2.3", "12.", "abc", "1,2,3", "NaN", "inf"] {
            assert!(parse_number(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bands_and_labels() {
        let b = [0.0, 18.0, 65.0];
        assert_eq!(Band::among(-1.0, &b).label(true, false), "<0");
        assert_eq!(Band::among(0.0, &b).label(true, false), "0-17");
        assert_eq!(Band::among(17.0, &b).label(true, false), "0-17");
        assert_eq!(Band::among(65.0, &b).label(true, false), "65+");
        assert_eq!(Band::of_width(34.0, 10.0, 0.0).label(true, false), "30-39");
        assert_eq!(Band::of_width(-1.0, 10.0, 0.0).label(true, false), "-10--1");
        assert_eq!(Band::of_width(74.6, 10.0, 0.0).label(false, true), "[70-80[");
        assert_eq!(Band::of_width(0.3, 0.1, 0.0).label(false, false), "[0.3-0.4[");
        assert_eq!(Band::of_width(7.0, 1.0, 0.0).label(true, false), "7");
        assert_eq!(Band::of_width(2.25, 2.5, 0.0).label(false, true), "[0-2,5[");
    }
}
