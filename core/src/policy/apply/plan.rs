//! How an output column is made from its input column: the [`Plan`] a
//! transform gives and its report ([`Transformed`]), started by [`report`],
//! completed by [`finish`] and turned into the output column by [`realise`].

use std::borrow::Cow;

use super::tally::Tally;
use crate::policy::{Action, ColumnReport};
use crate::table::{Column, Dictionary};

/// How an output column is made from its input column.
pub(super) enum Plan {
    /// The column as it is.
    Keep,
    /// No output column.
    Drop,
    /// A new dictionary and, per input code, the output code.
    Map(Dictionary, Vec<u32>),
    /// A new dictionary and one output code per row.
    Codes(Dictionary, Vec<u32>),
    /// Per input code, the output code: the owned input column already holds
    /// the new dictionary (see `schedule::release`), its codes are still the input's.
    Remap(Vec<u32>),
}

/// What one transformed column gives.
pub(super) struct Transformed {
    pub(super) plan: Plan,
    pub(super) report: ColumnReport,
}

/// Builds an output column from its plan, moving what it can out of an owned
/// input column and copying from a borrowed one.
pub(super) fn realise(column: Cow<'_, Column>, plan: Plan) -> Option<Column> {
    match plan {
        Plan::Drop => None,
        Plan::Keep => Some(column.into_owned()),
        Plan::Map(dict, map) => Some(match column {
            Cow::Owned(mut c) => {
                for code in &mut c.codes {
                    *code = map[*code as usize];
                }
                Column { name: c.name, codes: c.codes, dict }
            }
            Cow::Borrowed(c) => {
                Column { name: c.name.clone(), codes: c.codes.iter().map(|&x| map[x as usize]).collect(), dict }
            }
        }),
        Plan::Codes(dict, codes) => Some(Column { name: column.name.clone(), codes, dict }),
        Plan::Remap(map) => Some(match column {
            Cow::Owned(mut c) => {
                for code in &mut c.codes {
                    *code = map[*code as usize];
                }
                c
            }
            // invariant: only an owned table's plans are released into Remap.
            Cow::Borrowed(c) => Column {
                name: c.name.clone(),
                codes: c.codes.iter().map(|&x| map[x as usize]).collect(),
                dict: c.dict.clone(),
            },
        }),
    }
}

/// A column's report before its transform: name, action, distinct values in.
pub(super) fn report(column: &Column, action: &Action, by_default: bool) -> ColumnReport {
    ColumnReport {
        name: column.name.clone(),
        action: action.name().to_string(),
        by_default,
        distinct_in: column.dict.len(),
        ..ColumnReport::default()
    }
}

/// The transform's result: its plan, and its report completed with the
/// distinct values out and the tally (`on_invalid`: the handling of invalid
/// values, reported only if there were any).
pub(super) fn finish(mut report: ColumnReport, plan: Plan, tally: Tally, on_invalid: Option<&str>) -> Transformed {
    if let Plan::Map(dict, _) | Plan::Codes(dict, _) = &plan {
        report.distinct_out = dict.len();
    }
    report.empty = tally.empty;
    report.invalid = tally.rows;
    report.invalid_reasons = tally.reasons;
    report.invalid_rows = tally.first_rows;
    if report.invalid > 0 {
        report.on_invalid = on_invalid.map(str::to_string);
    }
    Transformed { plan, report }
}
