//! The `age_at` transform: a date of birth replaced by the age in whole years
//! at another date of the same row (an admission date, say). Like
//! `date_shift` it reads two columns of a row, so it runs after the columns
//! that do not (see `schedule`): each distinct date of either column is parsed
//! once, the row pass only subtracts, and each distinct age is labelled once.
//! A row's output depends on that row alone, so a batch of rows transformed
//! on its own gives the same cells.

use hashbrown::HashMap;

use super::generalise::AgeBands;
use super::plan::{finish, Plan, Transformed};
use super::tally::{invalid_error, is_blank, note, on_invalid_name, Reason, Tally};
use super::transform::Context;
use crate::policy::date::{age_in_years, parse_date, DateOrder};
use crate::policy::{AgeAt, ApplyError, ColumnReport, OnInvalidValue, PolicyError};
use crate::table::{Column, Dictionary};

/// A distinct value of either date column.
#[derive(Clone, Copy)]
enum Cell {
    Blank,
    Unreadable,
    Date(i32),
}

fn days(column: &Column, order: DateOrder) -> Vec<Cell> {
    column
        .dict
        .iter()
        .map(|v| {
            if is_blank(v) {
                Cell::Blank
            } else {
                parse_date(v, order).map_or(Cell::Unreadable, |(d, _)| Cell::Date(d))
            }
        })
        .collect()
}

/// The age of each row's date of birth (`column`) at the row's `a.at` date.
pub(super) fn age_at(
    ctx: &Context<'_>,
    column: &Column,
    a: &AgeAt,
    r: ColumnReport,
) -> Result<Transformed, ApplyError> {
    // invariant: check_columns verified that the `at` column exists.
    let Some(at) = ctx.table.column_index(&a.at).map(|i| &ctx.table.columns[i]) else {
        return Err(PolicyError::new("", "the `at` column is missing").into());
    };
    let births = days(column, a.order);
    let ats = days(at, a.order);
    let bands = AgeBands::new(a.width, a.bounds.as_deref(), a.top);

    let mut dict = Dictionary::new();
    let mut blank = None;
    let mut invalid = None;
    let mut labels: HashMap<u32, u32> = HashMap::new();
    let mut text = String::new();
    let mut tally = Tally::default();
    let mut codes = Vec::with_capacity(column.codes.len());
    for (row, (&b, &t)) in column.codes.iter().zip(&at.codes).enumerate() {
        let birth = births.get(b as usize).copied().unwrap_or(Cell::Unreadable);
        let when = ats.get(t as usize).copied().unwrap_or(Cell::Unreadable);
        let age = match (birth, when) {
            (Cell::Blank, _) => {
                tally.empty += 1;
                codes.push(*blank.get_or_insert_with(|| dict.intern("")));
                continue;
            }
            (Cell::Unreadable, _) => Err(Reason::Date),
            (Cell::Date(_), Cell::Blank) => Err(Reason::MissingAt),
            (Cell::Date(_), Cell::Unreadable) => Err(Reason::AtDate),
            (Cell::Date(b), Cell::Date(t)) => age_in_years(b, t).ok_or(Reason::AfterReference),
        };
        let code = match age {
            Ok(years) => *labels.entry(years).or_insert_with(|| {
                text.clear();
                bands.label(years, &mut text);
                dict.intern(&text)
            }),
            Err(reason) => {
                note(&mut tally, reason, row);
                if a.on_invalid == OnInvalidValue::Error {
                    return Err(invalid_error(column, row + 1, reason));
                }
                // `keep` is refused by the parser: it would copy the date of birth out.
                *invalid.get_or_insert_with(|| dict.intern(&a.redact_with))
            }
        };
        codes.push(code);
    }
    Ok(finish(r, Plan::Codes(dict, codes), tally, Some(on_invalid_name(a.on_invalid))))
}
