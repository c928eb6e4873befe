//! The `scrub` transform: free text handed to [`crate::ident::scrub`] with,
//! as sources, the columns whose row values it looks for (listed by the
//! policy or found by their headers) and, for `replace_with: "pseudonym"`,
//! their pseudonyms.

use super::plan::{Plan, Transformed};
use super::transform::Context;
use crate::ident::scrub::{scrub_column, Found, Source};
use crate::policy::parse::column_path;
use crate::policy::{ApplyError, ColumnReport, PolicyError, Scrub};
use crate::table::{Column, Table};

/// The columns whose row values `scrub` looks for in column `text`: those the
/// policy lists, else those whose header names an identifier.
pub(super) fn scrub_sources(table: &Table, text: usize, s: &Scrub) -> Vec<(usize, Found)> {
    use crate::ident::header::{classify, Concept};
    match &s.sources {
        Some(sources) => sources.iter().filter_map(|(name, &found)| Some((table.column_index(name)?, found))).collect(),
        None => table
            .columns
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != text)
            .filter_map(|(i, c)| {
                let found = match classify(&c.name)?.concept {
                    Concept::Surname | Concept::FullName => Found::Surname,
                    Concept::FirstName => Found::FirstName,
                    Concept::Nir => Found::Nir,
                    Concept::Phone => Found::Phone,
                    Concept::Email => Found::Email,
                    Concept::Iban => Found::Iban,
                    Concept::PatientId | Concept::StayId | Concept::OtherId => Found::Identifier,
                    _ => return None,
                };
                Some((i, found))
            })
            .collect(),
    }
}

/// Scrubs the free text of `column`, looking in each row for its sources' values.
pub(super) fn scrub(
    ctx: &Context<'_>,
    column: &Column,
    s: &Scrub,
    mut r: ColumnReport,
) -> Result<Transformed, ApplyError> {
    let Some(index) = ctx.table.column_index(&column.name) else {
        return Err(PolicyError::new("", "internal error: the scrubbed column is missing").into());
    };
    let found_sources = scrub_sources(ctx.table, index, s);
    let sources: Vec<Source<'_>> = found_sources
        .iter()
        .map(|&(i, found)| Source {
            found,
            column: &ctx.table.columns[i],
            replacements: ctx.replacements.get(&(i, found)).map(Vec::as_slice),
            everywhere: s.everywhere && matches!(found, Found::Surname | Found::FirstName),
        })
        .collect();
    let (scrubbed, counts) = scrub_column(column, &sources, &s.options())
        .map_err(|e| ApplyError::Policy(PolicyError::new(column_path(&column.name), format!("internal error: {e}"))))?;
    r.sources = found_sources.iter().map(|&(i, _)| ctx.table.columns[i].name.clone()).collect();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(counts) {
        r.replaced = map.into_iter().filter_map(|(k, v)| Some((k, v.as_u64().filter(|&n| n > 0)?))).collect();
    }
    r.empty = column.empty_count();
    r.distinct_out = scrubbed.dict.len();
    Ok(Transformed { plan: Plan::Codes(scrubbed.dict, scrubbed.codes), report: r })
}
