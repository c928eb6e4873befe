//! The `date_shift` transform, the one that depends on the row as well as the
//! cell: the offsets of each distinct subject ([`subject_offsets`], or from
//! the subject column's digests, see `schedule`), each distinct date parsed
//! once, and a row pass that adds and looks up.

use hashbrown::HashMap;

use super::plan::{finish, Plan, Transformed};
use super::tally::{first_row, invalid_error, is_blank, note, on_invalid_name, Reason, Tally};
use super::transform::Context;
use crate::policy::date::{format_date, parse_date, DateStyle, MAX_DAY, MIN_DAY};
use crate::policy::{Action, ApplyError, ColumnReport, DateShift, OnInvalidValue, Policy, PolicyError};
use crate::pseudo::{DateShifter, Key, Kind};
use crate::table::{Column, Dictionary, Table};

/// Identifies one set of date offsets: (subject column, kind, max_days).
pub(super) type ShiftKey = (usize, Kind, u32);

/// A date column's distinct values, read once.
enum DateCell {
    /// Blank: stays blank.
    Blank,
    /// Unreadable, already replaced by its output code (redact/keep).
    Fixed(u32, Reason),
    /// A day number and an index into the styles.
    Date(i32, u32),
}

/// The offsets a date_shift needs: its subject column, the kind the subject
/// is normalised as, and the range.
pub(super) fn shift_key(table: &Table, policy: &Policy, d: &DateShift) -> Result<ShiftKey, ApplyError> {
    // invariant: check_columns verified that the subject column exists.
    let Some(index) = table.column_index(&d.subject) else {
        return Err(PolicyError::new("", "the subject column is missing").into());
    };
    let inherited = match policy.columns.get(&d.subject) {
        Some(Action::Pseudonymise(p)) => p.kind,
        _ => Kind::Raw,
    };
    Ok((index, d.subject_kind.unwrap_or(inherited), d.max_days))
}

/// The offset of each distinct subject (`None` for a blank one).
pub(super) fn subject_offsets(
    table: &Table,
    key: Option<&Key>,
    k: ShiftKey,
    d: &DateShift,
) -> Result<Vec<Option<i32>>, ApplyError> {
    let (index, kind, max_days) = k;
    let Some(key) = key else {
        return Err(ApplyError::KeyRequired { column: d.subject.clone() });
    };
    // invariant: the parser keeps max_days within 1..=MAX_DAYS.
    let Some(shifter) = DateShifter::new(key, max_days) else {
        return Err(PolicyError::new("", "max_days is out of range").into());
    };
    let mut norm = String::new();
    Ok(table.columns[index]
        .dict
        .iter()
        .map(|v| {
            if is_blank(v) {
                return None;
            }
            // An invalid identifier still gets an offset, from its cleaned form,
            // as it gets a pseudonym under on_invalid "pseudonymise".
            let _ = kind.normalise(v, &mut norm);
            Some(shifter.offset(norm.as_bytes()))
        })
        .collect())
}

/// Shifts each date by its row's subject's offset, keeping its written style.
pub(super) fn date_shift(
    ctx: &Context<'_>,
    column: &Column,
    d: &DateShift,
    r: ColumnReport,
) -> Result<Transformed, ApplyError> {
    let cache_key = shift_key(ctx.table, ctx.policy, d)?;
    let Some(offsets) = ctx.offsets.get(&cache_key) else {
        return Err(PolicyError::new("", "internal error: no offsets").into());
    };
    let subject = &ctx.table.columns[cache_key.0];

    let mut dict = Dictionary::new();
    // Interned when a row is blank, so that `distinct_out` counts only values in use.
    let mut blank = None;
    let mut styles: Vec<DateStyle> = Vec::new();
    let mut style_index: HashMap<DateStyle, u32> = HashMap::new();
    let mut cells = Vec::with_capacity(column.dict.len());
    for (code, value) in column.dict.iter().enumerate() {
        let cell = if is_blank(value) {
            DateCell::Blank
        } else if let Some((days, style)) = parse_date(value, d.order) {
            let next = styles.len() as u32;
            let s = *style_index.entry(style.clone()).or_insert_with(|| {
                styles.push(style);
                next
            });
            DateCell::Date(days, s)
        } else {
            match d.on_invalid {
                OnInvalidValue::Redact => DateCell::Fixed(dict.intern(&d.redact_with), Reason::Date),
                OnInvalidValue::Keep => DateCell::Fixed(dict.intern(value), Reason::Date),
                OnInvalidValue::Error => {
                    return Err(invalid_error(column, first_row(column, code as u32), Reason::Date));
                }
            }
        };
        cells.push(cell);
    }

    let mut tally = Tally::default();
    let mut shifted: HashMap<u64, u32> = HashMap::with_capacity(column.dict.len().min(1 << 16));
    let mut text = String::new();
    let mut codes = Vec::with_capacity(column.codes.len());
    let redact_code = |dict: &mut Dictionary, original: &str| match d.on_invalid {
        OnInvalidValue::Redact => Some(dict.intern(&d.redact_with)),
        OnInvalidValue::Keep => Some(dict.intern(original)),
        OnInvalidValue::Error => None,
    };
    for (row, (&dc, &sc)) in column.codes.iter().zip(&subject.codes).enumerate() {
        let out = match cells[dc as usize] {
            DateCell::Blank => {
                tally.empty += 1;
                *blank.get_or_insert_with(|| dict.intern(""))
            }
            DateCell::Fixed(code, reason) => {
                note(&mut tally, reason, row);
                code
            }
            DateCell::Date(days, style) => {
                let day = match offsets[sc as usize] {
                    None => Err(Reason::MissingSubject),
                    Some(o) if (MIN_DAY..=MAX_DAY).contains(&(days + o)) => Ok(days + o),
                    Some(_) => Err(Reason::OutOfRange),
                };
                match day {
                    Err(reason) => {
                        note(&mut tally, reason, row);
                        match redact_code(&mut dict, column.dict.get(dc)) {
                            Some(code) => code,
                            None => return Err(invalid_error(column, row + 1, reason)),
                        }
                    }
                    Ok(day) => {
                        let k = (u64::from(style) << 32) | u64::from(day as u32);
                        match shifted.get(&k) {
                            Some(&code) => code,
                            None => {
                                text.clear();
                                // invariant: `day` is within years 1-9999 (checked above).
                                format_date(day, &styles[style as usize], &mut text);
                                let code = dict.intern(&text);
                                shifted.insert(k, code);
                                code
                            }
                        }
                    }
                }
            }
        };
        codes.push(out);
    }
    Ok(finish(r, Plan::Codes(dict, codes), tally, Some(on_invalid_name(d.on_invalid))))
}
