//! The `pseudonymise` transform: one keyed digest per distinct value,
//! written in the column's pseudonym format, with the collision count, the
//! correspondence pairs and the digest tails date_shift reuses.

use super::plan::{finish, Plan};
use super::tally::{first_row, invalid_error, is_blank, Reason, Status, Tally};
use super::transform::{ColumnDone, Context};
use crate::policy::{ApplyError, ColumnReport, OnInvalidIdentifier, Pseudonymise};
use crate::table::{Column, Dictionary};

/// Pseudonymises each distinct value (HMAC of its normalised form), counting
/// collisions; with `want_tails`, also keeps each value's digest tail, which
/// gives its date offset as a date_shift subject.
pub(super) fn pseudonymise(
    ctx: &Context<'_>,
    column: &Column,
    p: &Pseudonymise,
    mut r: ColumnReport,
    want_tails: bool,
) -> Result<ColumnDone, ApplyError> {
    let Some(ps) = ctx.pseudonymiser.as_ref() else {
        return Err(ApplyError::KeyRequired { column: column.name.clone() });
    };
    let format = p.format();
    let mut dict = Dictionary::new();
    let n = column.dict.len();
    dict.reserve(n, n * (format.prefix.len() + format.length));
    let mut map = Vec::with_capacity(column.dict.len());
    let mut status = vec![Status::Done; column.dict.len()];
    // Per output code, 64 digest bits beyond those shown (or a marker for
    // non-pseudonyms): equal pseudonyms with different tails are collisions.
    let mut tails: Vec<u64> = Vec::with_capacity(column.dict.len());
    let mut collisions = 0;
    let mut norm = String::new();
    let mut out = String::new();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut subject_tails: Vec<Option<u64>> = if want_tails { Vec::with_capacity(n) } else { Vec::new() };
    for (code, value) in column.dict.iter().enumerate() {
        if is_blank(value) {
            status[code] = Status::Blank;
            let c = dict.intern("");
            if c as usize == tails.len() {
                tails.push(u64::MAX);
            }
            map.push(c);
            if want_tails {
                subject_tails.push(None);
            }
            continue;
        }
        let checked = p.kind.normalise(value, &mut norm);
        let hash = match checked {
            Ok(()) => true,
            Err(invalid) => {
                status[code] = Status::Invalid(Reason::Identifier(invalid));
                match p.on_invalid {
                    OnInvalidIdentifier::Pseudonymise => true,
                    OnInvalidIdentifier::Redact => false,
                    OnInvalidIdentifier::Error => {
                        return Err(invalid_error(column, first_row(column, code as u32), Reason::Identifier(invalid)));
                    }
                }
            }
        };
        let digest = (hash || want_tails).then(|| ps.digest(norm.as_bytes()));
        // The last 64 bits, which no pseudonym shows: they tell collisions
        // apart, and give the value's date offset as a subject.
        let tail = digest.map(|d| {
            let mut last = [0u8; 8];
            last.copy_from_slice(&d[24..]);
            u64::from_be_bytes(last)
        });
        if want_tails {
            subject_tails.push(tail);
        }
        let (c, tail) = match (hash, digest, tail) {
            (true, Some(digest), Some(tail)) => {
                out.clear();
                format.write_digest(&digest, &mut out);
                (dict.intern(&out), tail)
            }
            _ => (dict.intern(&p.redact_with), u64::MAX),
        };
        if c as usize == tails.len() {
            tails.push(tail);
        } else if hash && tails[c as usize] != tail {
            collisions += 1;
        }
        map.push(c);
        if hash && ctx.correspondence {
            // invariant: code < dictionary length <= u32::MAX.
            pairs.push((c, code as u32));
        }
    }
    let tally = Tally::from_codes(column, &status);
    r.collisions = collisions;
    let handling = match p.on_invalid {
        OnInvalidIdentifier::Pseudonymise => "pseudonymise",
        OnInvalidIdentifier::Redact => "redact",
        OnInvalidIdentifier::Error => "error",
    };
    let transformed = finish(r, Plan::Map(dict, map), tally, Some(handling));
    Ok(ColumnDone { transformed, pairs, tails: want_tails.then_some(subject_tails) })
}
