//! Transforming one column: what every transform reads ([`Context`]), the
//! dispatch on the column's action ([`transform_column`]), the actions
//! computed inline (keep, drop, redact, mask) and [`map_distinct`], which
//! runs a function of the cell once per distinct value for the transforms
//! that are one (redact, mask, the generalisations).

use hashbrown::HashMap;

use super::age_at::age_at;
use super::date_shift::{date_shift, ShiftKey};
use super::generalise::generalise;
use super::plan::{finish, report, Plan, Transformed};
use super::pseudonymise::pseudonymise;
use super::scrub::scrub;
use super::tally::{first_row, invalid_error, is_blank, on_invalid_name, Reason, Status, Tally};
use crate::ident::scrub::Found;
use crate::policy::parse::column_path;
use crate::policy::{Action, ApplyError, Invalids, Mask, OnInvalidValue, Policy, PolicyError};
use crate::pseudo::Pseudonymiser;
use crate::table::{Column, Dictionary, Table};

/// Everything the columns of one application share (read-only, so columns
/// can be transformed on several threads).
pub(super) struct Context<'a> {
    pub(super) table: &'a Table,
    pub(super) policy: &'a Policy,
    pub(super) pseudonymiser: Option<Pseudonymiser>,
    /// Offsets per distinct subject.
    pub(super) offsets: HashMap<ShiftKey, Vec<Option<i32>>>,
    /// Whether to collect (pseudonym code, original code) pairs.
    pub(super) correspondence: bool,
    /// Pseudonymised columns whose digests also give date offsets.
    pub(super) tails_wanted: Vec<usize>,
    /// Per (column, what it holds), the pseudonym of each distinct value, for
    /// scrub's `replace_with: "pseudonym"`.
    pub(super) replacements: HashMap<(usize, Found), Vec<String>>,
}

/// What a column job gives.
pub(super) struct ColumnDone {
    pub(super) transformed: Transformed,
    /// (pseudonym code, original code), when the correspondence is asked for.
    pub(super) pairs: Vec<(u32, u32)>,
    /// Per input code, the last 64 bits of the value's digest (`None` if
    /// blank), when the column is also a date_shift subject.
    pub(super) tails: Option<Vec<Option<u64>>>,
}

/// Transforms one column.
pub(super) fn transform_column(
    ctx: &Context<'_>,
    column: &Column,
    action: &Action,
    by_default: bool,
    want_tails: bool,
) -> Result<ColumnDone, ApplyError> {
    if let Action::Pseudonymise(p) = action {
        let mut r = report(column, action, by_default);
        r.detail = Some(p.kind.name().to_string());
        return pseudonymise(ctx, column, p, r, want_tails);
    }
    let transformed = transform_other(ctx, column, action, by_default)?;
    Ok(ColumnDone { transformed, pairs: Vec::new(), tails: None })
}

/// Transforms one column by any action but `pseudonymise`.
fn transform_other(
    ctx: &Context<'_>,
    column: &Column,
    action: &Action,
    by_default: bool,
) -> Result<Transformed, ApplyError> {
    let mut r = report(column, action, by_default);
    match action {
        // Kept and dropped columns count the cells that are exactly empty;
        // transformed ones also blank cells, which they write empty (`finish`).
        Action::Keep => {
            r.distinct_out = column.dict.len();
            r.empty = column.empty_count();
            Ok(Transformed { plan: Plan::Keep, report: r })
        }
        Action::Drop => {
            r.empty = column.empty_count();
            Ok(Transformed { plan: Plan::Drop, report: r })
        }
        Action::Redact(o) => {
            let invalids = Invalids::default();
            let (c, tally) = map_distinct(column, &invalids, |_, out| {
                out.push_str(&o.with);
                Ok(())
            })?;
            Ok(finish(r, c, tally, None))
        }
        Action::Mask(m) => {
            let (c, tally) = map_distinct(column, &Invalids::default(), |v, out| {
                mask(v.trim(), m, out);
                Ok(())
            })?;
            Ok(finish(r, c, tally, None))
        }
        Action::Pseudonymise(_) => Err(PolicyError::new("", "internal error: pseudonymise dispatch").into()),
        Action::Generalise(g) => {
            r.detail = Some(g.name().to_string());
            let invalids = g.invalids();
            let (c, tally) = generalise(column, g, &invalids, &column_path(&column.name))?;
            Ok(finish(r, c, tally, Some(on_invalid_name(invalids.on_invalid))))
        }
        Action::DateShift(d) => {
            r.subject = Some(d.subject.clone());
            date_shift(ctx, column, d, r)
        }
        Action::Scrub(s) => scrub(ctx, column, s, r),
        Action::AgeAt(a) => {
            r.at = Some(a.at.clone());
            if a.name != column.name {
                r.renamed = Some(a.name.clone());
            }
            age_at(ctx, column, a, r)
        }
    }
}

/// Transforms each distinct value with `f` (which writes into its buffer or
/// says why it cannot), handling blanks and invalid values per `invalids`.
pub(super) fn map_distinct(
    column: &Column,
    invalids: &Invalids,
    mut f: impl FnMut(&str, &mut String) -> Result<(), Reason>,
) -> Result<(Plan, Tally), ApplyError> {
    let mut dict = Dictionary::new();
    let mut map = Vec::with_capacity(column.dict.len());
    let mut status = vec![Status::Done; column.dict.len()];
    let mut buf = String::new();
    for (code, value) in column.dict.iter().enumerate() {
        let out = if is_blank(value) {
            status[code] = Status::Blank;
            dict.intern("")
        } else {
            buf.clear();
            match f(value, &mut buf) {
                Ok(()) => dict.intern(&buf),
                Err(reason) => {
                    status[code] = Status::Invalid(reason);
                    match invalids.on_invalid {
                        OnInvalidValue::Redact => dict.intern(&invalids.redact_with),
                        OnInvalidValue::Keep => dict.intern(value),
                        OnInvalidValue::Error => {
                            // invariant: code < dictionary length <= u32::MAX.
                            return Err(invalid_error(column, first_row(column, code as u32), reason));
                        }
                    }
                }
            }
        };
        map.push(out);
    }
    let tally = Tally::from_codes(column, &status);
    Ok((Plan::Map(dict, map), tally))
}

/// Masks `value` per `m` (the characters kept at each end shown).
fn mask(value: &str, m: &Mask, out: &mut String) {
    let n = value.chars().count();
    if m.keep_start.saturating_add(m.keep_end) >= n {
        out.extend(std::iter::repeat_n(m.mask_char, n));
        return;
    }
    for (i, c) in value.chars().enumerate() {
        if i < m.keep_start || i >= n - m.keep_end {
            out.push(c);
        } else {
            out.push(m.mask_char);
        }
    }
}
