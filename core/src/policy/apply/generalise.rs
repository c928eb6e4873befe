//! The `generalise` transforms: dates to a year, quarter, month or ISO week,
//! numbers to intervals or top/bottom coding, birth dates to age bands,
//! postcodes to départements, values through a map or a hierarchy; each a
//! function of the cell, run once per distinct value ([`map_distinct`]).

use super::plan::Plan;
use super::tally::{Reason, Tally};
use super::transform::map_distinct;
use crate::ident::number::{format_number, parse_number, Band};
use crate::policy::date::{age_in_years, civil_from_days, iso_week, parse_date, DateOrder};
use crate::policy::parse::{check_hierarchy, column_path};
use crate::policy::{Age, ApplyError, Generalise, Interval, Invalids, PolicyError, TopBottom};
use crate::table::Column;

/// Generalises each distinct value per `g`.
pub(super) fn generalise(
    column: &Column,
    g: &Generalise,
    invalids: &Invalids,
    path: &str,
) -> Result<(Plan, Tally), ApplyError> {
    use std::fmt::Write;
    match g {
        Generalise::Year(o) | Generalise::Quarter(o) | Generalise::Month(o) | Generalise::Week(o) => {
            map_distinct(column, invalids, |v, out| {
                let (days, _) = parse_date(v, o.order).ok_or(Reason::Date)?;
                let (y, m, _) = civil_from_days(days);
                // invariant: writing to a String cannot fail.
                let _ = match g {
                    Generalise::Year(_) => write!(out, "{y:04}"),
                    Generalise::Quarter(_) => write!(out, "{y:04}-Q{}", (m - 1) / 3 + 1),
                    Generalise::Month(_) => write!(out, "{y:04}-{m:02}"),
                    _ => {
                        let (wy, w) = iso_week(days);
                        write!(out, "{wy:04}-W{w:02}")
                    }
                };
                Ok(())
            })
        }
        Generalise::Interval(o) => interval(column, o, invalids),
        Generalise::TopBottom(o) => top_bottom(column, o, invalids),
        Generalise::Age(o) => age(column, o, invalids),
        Generalise::Departement(_) => map_distinct(column, invalids, |v, out| {
            // The one code postal -> département map (4 digits: a dropped leading 0).
            out.push_str(crate::ident::geo::departement_of_code_postal(v).ok_or(Reason::Postcode)?);
            Ok(())
        }),
        Generalise::Map(o) => map_distinct(column, invalids, |v, out| {
            let label = o.map.get(v).or_else(|| o.map.get(v.trim())).ok_or(Reason::Unmapped)?;
            out.push_str(label);
            Ok(())
        }),
        Generalise::Hierarchy(o) => {
            let Some(text) = &o.hierarchy else {
                return Err(PolicyError::new(
                    format!("{path}.hierarchy_file"),
                    "the file was not loaded: the CLI reads it relative to the policy; in the browser pass its text in `files`",
                )
                .into());
            };
            let h = check_hierarchy(path, text, o.level)?;
            map_distinct(column, invalids, |v, out| {
                let label = h.generalise(v, o.level).or_else(|| h.generalise(v.trim(), o.level));
                out.push_str(label.ok_or(Reason::NotInHierarchy)?);
                Ok(())
            })
        }
    }
}

/// Whether a column's numbers use decimal commas, and whether all are whole.
fn number_style(column: &Column) -> (bool, bool) {
    let mut comma = false;
    let mut integer = true;
    for v in column.dict.iter() {
        if let Some(n) = parse_number(v) {
            comma |= n.decimal_comma;
            integer &= n.integer;
        }
    }
    (comma, integer)
}

/// Whether `x` is a whole number.
fn whole(x: f64) -> bool {
    x.fract() == 0.0
}

/// Numbers into bands of a width, or between bounds.
fn interval(column: &Column, o: &Interval, invalids: &Invalids) -> Result<(Plan, Tally), ApplyError> {
    let (comma, integer_data) = number_style(column);
    let limits_whole =
        o.width.is_none_or(whole) && o.origin.is_none_or(whole) && o.bounds.iter().flatten().all(|&b| whole(b));
    let integer = integer_data && limits_whole;
    map_distinct(column, invalids, |v, out| {
        let n = parse_number(v).ok_or(Reason::Number)?;
        let band = match (&o.width, &o.bounds) {
            (Some(w), _) => Band::of_width(n.value, *w, o.origin.unwrap_or(0.0)),
            (None, Some(b)) => Band::among(n.value, b),
            // invariant: the parser requires one of width or bounds.
            (None, None) => return Err(Reason::Number),
        };
        out.push_str(&band.label(integer, comma));
        Ok(())
    })
}

/// Numbers at or above `top` as `top+`, below `bottom` as `<bottom`.
fn top_bottom(column: &Column, o: &TopBottom, invalids: &Invalids) -> Result<(Plan, Tally), ApplyError> {
    let (comma, _) = number_style(column);
    map_distinct(column, invalids, |v, out| {
        let n = parse_number(v).ok_or(Reason::Number)?;
        match (o.top, o.bottom) {
            (Some(t), _) if n.value >= t => {
                out.push_str(&format_number(t, comma));
                out.push('+');
            }
            (_, Some(b)) if n.value < b => {
                out.push('<');
                out.push_str(&format_number(b, comma));
            }
            _ => out.push_str(v.trim()),
        }
        Ok(())
    })
}

/// Birth dates into age bands at the reference date.
fn age(column: &Column, o: &Age, invalids: &Invalids) -> Result<(Plan, Tally), ApplyError> {
    let reference = match parse_date(&o.reference, DateOrder::Dmy) {
        Some((d, _)) => d,
        None => {
            return Err(PolicyError::new(format!("{}.reference", column_path(&column.name)), "must be a date").into())
        }
    };
    let bands = AgeBands::new(o.width, o.bounds.as_deref(), o.top);
    map_distinct(column, invalids, |v, out| {
        let (birth, _) = parse_date(v, o.order).ok_or(Reason::Date)?;
        let years = age_in_years(birth, reference).ok_or(Reason::AfterReference)?;
        bands.label(years, out);
        Ok(())
    })
}

/// How an age in whole years is written: as it is, in bands of a width or
/// between bounds, and from `top` on as `top+` (`"to": "age"` and `age_at`).
pub(super) struct AgeBands {
    width: Option<u32>,
    bounds: Option<Vec<f64>>,
    top: Option<u32>,
}

impl AgeBands {
    pub(super) fn new(width: Option<u32>, bounds: Option<&[u32]>, top: Option<u32>) -> AgeBands {
        AgeBands { width, bounds: bounds.map(|b| b.iter().map(|&x| f64::from(x)).collect()), top }
    }

    /// Writes the label of an age of `years`.
    pub(super) fn label(&self, years: u32, out: &mut String) {
        use std::fmt::Write;
        if let Some(top) = self.top.filter(|&t| years >= t) {
            // invariant: writing to a String cannot fail.
            let _ = write!(out, "{top}+");
            return;
        }
        match (self.width, &self.bounds) {
            (Some(w), _) if w > 0 => {
                let lo = years / w * w;
                let hi = lo.saturating_add(w);
                let hi = self.top.map_or(hi, |t| hi.min(t));
                out.push_str(&Band::Between(f64::from(lo), f64::from(hi)).label(true, false));
            }
            (_, Some(b)) => out.push_str(&Band::among(f64::from(years), b).label(true, false)),
            _ => {
                let _ = write!(out, "{years}");
            }
        }
    }
}
