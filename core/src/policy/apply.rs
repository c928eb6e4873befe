//! Applying a policy to a table.
//!
//! Every action but `date_shift` is a function of the cell alone, so it runs
//! once per distinct value of the column's dictionary and the row codes are
//! then mapped through a code -> code table: a million rows with fifty
//! thousand distinct NIRs compute fifty thousand HMACs. `date_shift` depends on
//! the row's subject too: offsets are computed once per distinct subject (from
//! the digests the subject column's pseudonymisation already computed, when it
//! has one of the same kind), dates parsed once per distinct date, and the row
//! pass only adds and looks up the result.
//!
//! Columns are independent, so natively they are transformed on several
//! threads ([`ApplyOptions::threads`]) in two phases: every other column and
//! the date offsets, then the `date_shift` columns. Results are assembled in
//! column order, so the output and the first error reported do not depend on
//! the number of threads. A kept column is moved, not copied, when the table is
//! owned ([`apply_owned`], [`apply_bytes`]); an owned table is also transformed
//! as many columns at a time as there are threads, each column's input
//! dictionary giving way to its replacement as soon as that exists, so a large
//! table and all its new dictionaries are never held side by side.
//!
//! Empty (blank) cells stay empty under every action: a missing value is not an
//! identifier, and giving all of them one pseudonym would link unrelated rows.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use super::date::{age_in_years, format_date, iso_week, parse_date, DateOrder, DateStyle, MAX_DAY, MIN_DAY};
use super::parse::{check_hierarchy, column_path};
use super::report::INVALID_ROWS_LISTED;
use super::{
    Action, Age, ApplyError, ApplyReport, ColumnReport, DateShift, Generalise, Interval, Invalids, Mask,
    OnInvalidIdentifier, OnInvalidValue, Policy, PolicyError, Pseudonymise, Scrub, ScrubReplacement, TopBottom,
};
use crate::ident::number::{format_number, parse_number, Band};
use crate::ident::scrub::{scrub_column, Found, Source};
use crate::pseudo::{self, DateShifter, Key, Kind, Pseudonymiser};
use crate::table::{read_table, write_table, Column, Dialect, Dictionary, ReadOptions, Table};

/// Options of [`apply`] and [`apply_bytes`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplyOptions {
    /// Also return the correspondence table (pseudonym -> original). Off by
    /// default: it re-identifies everyone and must be kept apart, if at all.
    pub correspondence: bool,
    /// Write the output (and correspondence) in UTF-8 instead of the input's encoding.
    pub utf8: bool,
    /// Threads to transform columns on natively: 0 (default) for the machine's
    /// parallelism (at most 8), 1 for none. Ignored in wasm. The output does not
    /// depend on it.
    pub threads: usize,
}

impl ApplyOptions {
    /// The number of threads to use.
    fn threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
            n => n,
        }
    }
}

/// The result of [`apply`].
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The transformed table, columns in input order, dropped ones left out.
    pub table: Table,
    /// Counts per column; no value, no key.
    pub report: ApplyReport,
    /// With [`ApplyOptions::correspondence`]: columns `column`, `pseudonym`,
    /// `original`, one row per distinct original value of each pseudonymised column.
    pub correspondence: Option<Table>,
}

/// The result of [`apply_bytes`].
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedBytes {
    /// The output file's bytes.
    pub output: Vec<u8>,
    /// The dialect the output is written in.
    pub dialect: Dialect,
    /// Counts per column; no value, no key.
    pub report: ApplyReport,
    /// The correspondence table's bytes, only if asked for.
    pub correspondence: Option<Vec<u8>>,
}

/// Reads `bytes`, applies `policy` and writes the result in the input's dialect
/// (or UTF-8 with [`ApplyOptions::utf8`]).
pub fn apply_bytes(
    bytes: &[u8],
    read_options: &ReadOptions,
    policy: &Policy,
    key: Option<&Key>,
    options: &ApplyOptions,
) -> Result<AppliedBytes, ApplyError> {
    let read = read_table(bytes, read_options)?;
    let applied = apply_owned(read.table, policy, key, options)?;
    let dialect = if options.utf8 { read.dialect.to_utf8() } else { read.dialect.clone() };
    let output = write_table(&applied.table, &dialect)?;
    let correspondence = match &applied.correspondence {
        Some(t) => Some(write_table(t, &dialect)?),
        None => None,
    };
    Ok(AppliedBytes { output, dialect, report: applied.report, correspondence })
}

/// Why one value could not be transformed. Carries no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Identifier(pseudo::Invalid),
    Date,
    Number,
    Postcode,
    Unmapped,
    NotInHierarchy,
    AfterReference,
    OutOfRange,
    MissingSubject,
}

impl Reason {
    fn code(self) -> &'static str {
        match self {
            Reason::Identifier(i) => i.code(),
            Reason::Date => "date",
            Reason::Number => "number",
            Reason::Postcode => "postcode",
            Reason::Unmapped => "unmapped",
            Reason::NotInHierarchy => "not_in_hierarchy",
            Reason::AfterReference => "after_reference",
            Reason::OutOfRange => "out_of_range",
            Reason::MissingSubject => "missing_subject",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Identifier(i) => write!(f, "{i}"),
            Reason::Date => f.write_str("not a date (dd/mm/yyyy, yyyy-mm-dd, ...)"),
            Reason::Number => f.write_str("not a number"),
            Reason::Postcode => f.write_str("not a postcode (5 digits)"),
            Reason::Unmapped => f.write_str("the value is not in the map"),
            Reason::NotInHierarchy => f.write_str("the value is not in the hierarchy"),
            Reason::AfterReference => f.write_str("the date is after the reference date"),
            Reason::OutOfRange => f.write_str("the shifted date falls outside years 1-9999"),
            Reason::MissingSubject => f.write_str("the subject identifier is empty, so the date cannot be shifted"),
        }
    }
}

fn is_blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// The 1-based row of the first occurrence of `code`.
fn first_row(column: &Column, code: u32) -> usize {
    column.codes.iter().position(|&c| c == code).map_or(0, |r| r + 1)
}

/// What a distinct value turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Transformed.
    Done,
    /// Blank: stays empty.
    Blank,
    /// Invalid, for this reason.
    Invalid(Reason),
}

/// Blank and invalid cells of one column.
#[derive(Default)]
struct Tally {
    empty: usize,
    rows: usize,
    reasons: BTreeMap<String, usize>,
    first_rows: Vec<usize>,
}

impl Tally {
    fn add_rows(&mut self, reason: Reason, n: usize) {
        self.rows += n;
        *self.reasons.entry(reason.code().to_string()).or_insert(0) += n;
    }

    /// Counts the rows of blank and invalid codes (one pass over the rows,
    /// only if there is any).
    fn from_codes(column: &Column, status: &[Status]) -> Tally {
        let mut tally = Tally::default();
        if status.iter().all(|s| *s == Status::Done) {
            return tally;
        }
        let mut counts = vec![0usize; status.len()];
        for (row, &c) in column.codes.iter().enumerate() {
            counts[c as usize] += 1;
            if matches!(status[c as usize], Status::Invalid(_)) && tally.first_rows.len() < INVALID_ROWS_LISTED {
                tally.first_rows.push(row + 1);
            }
        }
        for (code, s) in status.iter().enumerate() {
            match s {
                Status::Done => {}
                Status::Blank => tally.empty += counts[code],
                Status::Invalid(r) => tally.add_rows(*r, counts[code]),
            }
        }
        tally
    }
}

/// How an output column is made from its input column.
enum Plan {
    /// The column as it is.
    Keep,
    /// No output column.
    Drop,
    /// A new dictionary and, per input code, the output code.
    Map(Dictionary, Vec<u32>),
    /// A new dictionary and one output code per row.
    Codes(Dictionary, Vec<u32>),
    /// Per input code, the output code: the owned input column already holds
    /// the new dictionary (see [`release`]), its codes are still the input's.
    Remap(Vec<u32>),
}

/// What one transformed column gives.
struct Transformed {
    plan: Plan,
    report: ColumnReport,
}

/// Builds an output column from its plan, moving what it can out of an owned
/// input column and copying from a borrowed one.
fn realise(column: Cow<'_, Column>, plan: Plan) -> Option<Column> {
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

fn on_invalid_name(o: OnInvalidValue) -> &'static str {
    match o {
        OnInvalidValue::Redact => "redact",
        OnInvalidValue::Keep => "keep",
        OnInvalidValue::Error => "error",
    }
}

/// Transforms each distinct value with `f` (which writes into its buffer or
/// says why it cannot), handling blanks and invalid values per `invalids`.
fn map_distinct(
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

fn invalid_error(column: &Column, row: usize, reason: Reason) -> ApplyError {
    ApplyError::Invalid { row, column: column.name.clone(), reason: reason.to_string() }
}

fn report(column: &Column, action: &Action, by_default: bool) -> ColumnReport {
    ColumnReport {
        name: column.name.clone(),
        action: action.name().to_string(),
        by_default,
        distinct_in: column.dict.len(),
        ..ColumnReport::default()
    }
}

fn finish(mut report: ColumnReport, plan: Plan, tally: Tally, on_invalid: Option<&str>) -> Transformed {
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

/// Identifies one set of date offsets: (subject column, kind, max_days).
type ShiftKey = (usize, Kind, u32);

/// Everything the columns of one application share (read-only, so columns
/// can be transformed on several threads).
struct Context<'a> {
    table: &'a Table,
    policy: &'a Policy,
    pseudonymiser: Option<Pseudonymiser>,
    /// Offsets per distinct subject.
    offsets: HashMap<ShiftKey, Vec<Option<i32>>>,
    /// Whether to collect (pseudonym code, original code) pairs.
    correspondence: bool,
    /// Pseudonymised columns whose digests also give date offsets.
    tails_wanted: Vec<usize>,
    /// Per (column, what it holds), the pseudonym of each distinct value, for
    /// scrub's `replace_with: "pseudonym"`.
    replacements: HashMap<(usize, Found), Vec<String>>,
}

/// One unit of work: a column, or the offsets of a date_shift subject.
enum Job<'a> {
    Column(usize),
    Offsets(ShiftKey, &'a DateShift),
}

/// What a job gives.
enum Done {
    Column(Box<ColumnDone>),
    Offsets(ShiftKey, Vec<Option<i32>>),
}

/// A finished column job: its index, its result and its correspondence pairs.
type Finished = (usize, Result<Transformed, ApplyError>, Vec<(u32, u32)>);

/// What a column job gives.
struct ColumnDone {
    transformed: Transformed,
    /// (pseudonym code, original code), when the correspondence is asked for.
    pairs: Vec<(u32, u32)>,
    /// Per input code, the last 64 bits of the value's digest (`None` if
    /// blank), when the column is also a date_shift subject.
    tails: Option<Vec<Option<u64>>>,
}

/// Applies `policy` to `table` (see the module documentation).
///
/// `key` is needed when the policy pseudonymises or shifts dates.
pub fn apply(table: &Table, policy: &Policy, key: Option<&Key>, options: &ApplyOptions) -> Result<Applied, ApplyError> {
    let planned = plan(&mut Cow::Borrowed(table), policy, key, options)?;
    assemble(planned, table.columns.iter().map(Cow::Borrowed), table.rows, table.columns.len(), policy, key)
}

/// [`apply`] to a table the caller no longer needs: kept columns are moved,
/// mapped codes rewritten in place instead of copied, and a column's input
/// dictionary dropped as soon as its replacement exists (unless another
/// column or the correspondence still reads it), so the input and the output
/// are not held whole side by side. The new dictionaries of the output have no
/// hash index ([`Dictionary::release_index`]: a lookup by value scans, the
/// next intern builds it).
pub fn apply_owned(
    table: Table,
    policy: &Policy,
    key: Option<&Key>,
    options: &ApplyOptions,
) -> Result<Applied, ApplyError> {
    let mut table = Cow::Owned(table);
    let planned = plan(&mut table, policy, key, options)?;
    let table = table.into_owned();
    let (rows, columns_in) = (table.rows, table.columns.len());
    assemble(planned, table.columns.into_iter().map(Cow::Owned), rows, columns_in, policy, key)
}

/// The plans and reports of every column, and the correspondence table.
struct Planned {
    columns: Vec<Transformed>,
    correspondence: Option<Table>,
}

fn plan(
    source: &mut Cow<'_, Table>,
    policy: &Policy,
    key: Option<&Key>,
    options: &ApplyOptions,
) -> Result<Planned, ApplyError> {
    let table: &Table = source;
    // A policy built in code (its fields are public) gets the checks a parsed
    // one had: bounds, widths, lengths, ranges.
    Policy::from_value(&policy.to_value())?;
    check_columns(table, policy)?;
    if key.is_none() {
        if let Some((name, _)) = policy.columns.iter().find(|(_, a)| a.needs_key()) {
            return Err(ApplyError::KeyRequired { column: name.clone() });
        }
    }
    // Phase 1: every column but the date_shift ones, and the offsets those need
    // (taken from the subject column's digests when it is pseudonymised with
    // the same kind, else computed). Phase 2: the date_shift columns. Results
    // are put back in column order: the output does not depend on the threads.
    let mut shifts: Vec<(ShiftKey, &DateShift)> = Vec::new();
    let mut phase1 = Vec::new();
    let mut phase2 = Vec::new();
    for (i, column) in table.columns.iter().enumerate() {
        match policy.action_for(&column.name).0 {
            Action::DateShift(d) => {
                let k = shift_key(table, policy, d)?;
                if !shifts.iter().any(|(s, _)| *s == k) {
                    shifts.push((k, d));
                }
                phase2.push(Job::Column(i));
            }
            // Scrubbing may replace the row's own values by their column's pseudonyms.
            Action::Scrub(_) => phase2.push(Job::Column(i)),
            _ => phase1.push(Job::Column(i)),
        }
    }
    let from_digests = |k: &ShiftKey| matches!(policy.action_for(&table.columns[k.0].name).0, Action::Pseudonymise(p) if p.kind == k.1);
    let digested: Vec<bool> = shifts.iter().map(|(k, _)| from_digests(k)).collect();
    let tails_wanted: Vec<usize> = shifts.iter().zip(&digested).filter(|(_, &d)| d).map(|((k, _), _)| k.0).collect();
    phase1.extend(shifts.iter().zip(&digested).filter(|(_, &d)| !d).map(|(&(k, d), _)| Job::Offsets(k, d)));
    // Longest jobs first, for balance: a pseudonymised column or a set of
    // offsets costs an HMAC per distinct value.
    let cost = |job: &Job<'_>| match job {
        Job::Offsets((subject, _, _), _) => table.columns[*subject].dict.len(),
        Job::Column(i) => match policy.action_for(&table.columns[*i].name).0 {
            Action::Pseudonymise(_) => table.columns[*i].dict.len(),
            _ => table.columns[*i].dict.len() / 8,
        },
    };
    phase1.sort_by_key(|job| std::cmp::Reverse(cost(job)));
    let keep_input = kept_inputs(table, policy, options, &shifts, &digested);
    let subjects: Vec<usize> = shifts.iter().map(|(k, _)| k.0).collect();

    let threads = options.threads();
    let mut done: Vec<Finished> = Vec::new();
    let mut tails: HashMap<usize, Vec<Option<u64>>> = HashMap::new();
    let mut offsets = HashMap::new();
    let run_phase = |ctx: &Context<'_>, jobs: &[Job<'_>]| -> Vec<Result<Done, ApplyError>> {
        parallel_map(jobs.len(), threads, |j| match &jobs[j] {
            Job::Column(i) => {
                let column = &ctx.table.columns[*i];
                let (action, by_default) = policy.action_for(&column.name);
                let want_tails = ctx.tails_wanted.contains(i);
                transform_column(ctx, column, action, by_default, want_tails).map(|c| Done::Column(Box::new(c)))
            }
            Job::Offsets(k, d) => subject_offsets(ctx.table, key, *k, d).map(|o| Done::Offsets(*k, o)),
        })
    };
    // An owned table is transformed a few columns at a time (as many as there
    // are threads), each column's input dictionary released once its
    // replacement exists: the table and every new dictionary are never held
    // side by side.
    let batch = match source {
        Cow::Owned(table) if keep_input.iter().any(|k| !k) => {
            // Nothing looks up the values of a column that is replaced: its
            // hash index goes first.
            for (column, _) in table.columns.iter_mut().zip(&keep_input).filter(|(_, &k)| !k) {
                if !matches!(policy.action_for(&column.name).0, Action::Keep) {
                    column.dict.release_index();
                }
            }
            threads.max(1)
        }
        _ => phase1.len().max(1),
    };
    for jobs in phase1.chunks(batch) {
        let first = done.len();
        let ctx = Context {
            table: source,
            policy,
            pseudonymiser: key.map(Pseudonymiser::new),
            offsets: HashMap::new(),
            correspondence: options.correspondence,
            tails_wanted: tails_wanted.clone(),
            replacements: HashMap::new(),
        };
        for (job, result) in jobs.iter().zip(run_phase(&ctx, jobs)) {
            match (job, result) {
                (Job::Column(i), Ok(Done::Column(c))) => {
                    if let Some(t) = c.tails {
                        tails.insert(*i, t);
                    }
                    done.push((*i, Ok(c.transformed), c.pairs));
                }
                (Job::Column(i), Err(e)) => done.push((*i, Err(e), Vec::new())),
                (_, Ok(Done::Offsets(k, o))) => {
                    offsets.insert(k, o);
                }
                (Job::Offsets(..), Err(e)) => return Err(e),
                (Job::Offsets(..), Ok(Done::Column(..))) => {
                    return Err(PolicyError::new("", "internal error: job mix-up").into())
                }
            }
        }
        if let Cow::Owned(table) = source {
            release(table, &mut done[first..], &keep_input, &subjects);
        }
    }
    let table: &Table = source;
    let mut ctx = Context {
        table,
        policy,
        pseudonymiser: key.map(Pseudonymiser::new),
        offsets,
        correspondence: options.correspondence,
        tails_wanted,
        replacements: HashMap::new(),
    };
    // An error in phase 1 stops here: the first in column order.
    done.sort_by_key(|(i, _, _)| *i);
    if let Some(pos) = done.iter().position(|(_, r, _)| r.is_err()) {
        let (_, result, _) = done.swap_remove(pos);
        result?;
    }
    for ((k, d), _) in shifts.iter().zip(&digested).filter(|(_, &d)| d) {
        let (Some(t), Some(key)) = (tails.get(&k.0), key) else { continue };
        // invariant: the parser keeps max_days within 1..=MAX_DAYS.
        let Some(shifter) = DateShifter::new(key, d.max_days) else {
            return Err(PolicyError::new("", "max_days is out of range").into());
        };
        ctx.offsets.insert(*k, t.iter().map(|t| t.map(|t| shifter.offset_of_tail(t))).collect());
    }
    // The pseudonym of each distinct value of the columns scrub replaces by pseudonyms.
    for (i, column) in table.columns.iter().enumerate() {
        let Action::Scrub(s) = policy.action_for(&column.name).0 else { continue };
        if s.replace_with != ScrubReplacement::Pseudonym {
            continue;
        }
        for (source, found) in scrub_sources(table, i, s) {
            let Some((_, Ok(t), _)) = done.iter().find(|(j, _, _)| *j == source) else { continue };
            let (Plan::Map(dict, map), Action::Pseudonymise(_)) =
                (&t.plan, policy.action_for(&table.columns[source].name).0)
            else {
                continue;
            };
            ctx.replacements.entry((source, found)).or_insert_with(|| {
                map.iter()
                    .map(|&c| match dict.get(c) {
                        "" => found.tag().to_string(),
                        p => p.to_string(),
                    })
                    .collect()
            });
        }
    }
    for (job, result) in phase2.iter().zip(run_phase(&ctx, &phase2)) {
        if let Job::Column(i) = job {
            match result {
                Ok(Done::Column(c)) => done.push((*i, Ok(c.transformed), c.pairs)),
                Err(e) => done.push((*i, Err(e), Vec::new())),
                Ok(Done::Offsets(..)) => return Err(PolicyError::new("", "internal error: job mix-up").into()),
            }
        }
    }
    done.sort_by_key(|(i, _, _)| *i);

    let mut corr = options.correspondence.then(|| {
        [
            Column::from_values::<&str>("column", []),
            Column::from_values::<&str>("pseudonym", []),
            Column::from_values::<&str>("original", []),
        ]
    });
    let mut columns = Vec::with_capacity(done.len());
    for (i, result, pairs) in done {
        // The first error in column order, whatever order the threads finished in.
        let t = result?;
        if let (Some(corr), Plan::Map(dict, _)) = (corr.as_mut(), &t.plan) {
            let column = &table.columns[i];
            for &(pseudonym, original) in &pairs {
                corr[0].codes.push(corr[0].dict.intern(&column.name));
                corr[1].codes.push(corr[1].dict.intern(dict.get(pseudonym)));
                corr[2].codes.push(corr[2].dict.intern(column.dict.get(original)));
            }
        }
        columns.push(t);
    }
    if columns.iter().all(|t| matches!(t.plan, Plan::Drop)) {
        return Err(PolicyError::new("", "the policy drops every column: there would be nothing to write").into());
    }
    let correspondence = corr.map(|cols| {
        let rows = cols[0].codes.len();
        Table { columns: cols.into(), rows }
    });
    Ok(Planned { columns, correspondence })
}

/// Per column, whether its input must stay whole once its own job is done:
/// a scrub source (scrub reads its values row by row), a date_shift subject
/// whose offsets are computed from its values, a pseudonymised column when the
/// correspondence (which quotes the originals) is asked for.
fn kept_inputs(
    table: &Table,
    policy: &Policy,
    options: &ApplyOptions,
    shifts: &[(ShiftKey, &DateShift)],
    digested: &[bool],
) -> Vec<bool> {
    let mut keep = vec![false; table.columns.len()];
    for (i, column) in table.columns.iter().enumerate() {
        match policy.action_for(&column.name).0 {
            Action::Scrub(s) => scrub_sources(table, i, s).into_iter().for_each(|(source, _)| keep[source] = true),
            Action::Pseudonymise(_) if options.correspondence => keep[i] = true,
            _ => {}
        }
    }
    for ((k, _), _) in shifts.iter().zip(digested).filter(|(_, &d)| !d) {
        keep[k.0] = true;
    }
    keep
}

/// Releases the input of an owned table's finished columns that nothing
/// reads any more (`keep` false): a mapped column gets its new dictionary in
/// place of the old one (its codes are mapped now, or at the end for a
/// date_shift subject, whose input codes the shifts still read); a dropped
/// column's data is freed (only its name is read from now on).
fn release(table: &mut Table, done: &mut [Finished], keep: &[bool], subjects: &[usize]) {
    for (i, result, _) in done.iter_mut() {
        let (Ok(t), false) = (result, keep[*i]) else { continue };
        let column = &mut table.columns[*i];
        match std::mem::replace(&mut t.plan, Plan::Keep) {
            Plan::Map(dict, map) => {
                column.dict = dict;
                column.dict.release_index();
                if subjects.contains(i) {
                    t.plan = Plan::Remap(map);
                } else {
                    for code in &mut column.codes {
                        *code = map[*code as usize];
                    }
                }
            }
            Plan::Drop => {
                column.codes = Vec::new();
                column.dict = Dictionary::new();
                t.plan = Plan::Drop;
            }
            plan => t.plan = plan,
        }
    }
}

/// Runs `f(0..n)` on up to `threads` threads (one on wasm32) and returns the
/// results in index order.
fn parallel_map<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    #[cfg(not(target_arch = "wasm32"))]
    if threads > 1 && n > 1 {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let next = AtomicUsize::new(0);
        let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads.min(n))
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= n {
                                break mine;
                            }
                            mine.push((i, f(i)));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        });
        results.sort_by_key(|(i, _)| *i);
        return results.into_iter().map(|(_, t)| t).collect();
    }
    let _ = threads;
    (0..n).map(f).collect()
}

/// Builds the output table and the report from the plans.
fn assemble<'a>(
    planned: Planned,
    inputs: impl Iterator<Item = Cow<'a, Column>>,
    rows: usize,
    columns_in: usize,
    policy: &Policy,
    key: Option<&Key>,
) -> Result<Applied, ApplyError> {
    let mut columns = Vec::new();
    let mut reports = Vec::with_capacity(planned.columns.len());
    for (input, t) in inputs.zip(planned.columns) {
        if let Some(c) = realise(input, t.plan) {
            columns.push(c);
        }
        reports.push(t.report);
    }
    let columns_out = columns.len();
    // invariant: every column is built from an input column, so all have `rows` rows.
    let out = Table { columns, rows };
    let report = ApplyReport {
        masque_version: env!("CARGO_PKG_VERSION").to_string(),
        policy_version: policy.version,
        rows_in: rows,
        rows_out: out.rows,
        columns_in,
        columns_out,
        key_fingerprint: key.map(Key::fingerprint),
        invalid_total: reports.iter().map(|r| r.invalid).sum(),
        columns: reports,
    };
    Ok(Applied { table: out, report, correspondence: planned.correspondence })
}

/// Every column the policy names (and every date_shift subject) must exist.
fn check_columns(table: &Table, policy: &Policy) -> Result<(), PolicyError> {
    let missing = |path: String, name: &str| {
        let similar = table.columns.iter().find(|c| c.name.trim().to_lowercase() == name.trim().to_lowercase());
        let hint = match similar {
            Some(c) => format!(" (did you mean `{}`?)", c.name),
            None => String::new(),
        };
        PolicyError::new(path, format!("no column `{name}` in the file{hint}"))
    };
    for (name, action) in &policy.columns {
        if table.column_index(name).is_none() {
            return Err(missing(column_path(name), name));
        }
        if let Action::DateShift(d) = action {
            if table.column_index(&d.subject).is_none() {
                return Err(missing(format!("{}.subject", column_path(name)), &d.subject));
            }
        }
        if let Action::Scrub(Scrub { sources: Some(sources), .. }) = action {
            for source in sources.keys() {
                if table.column_index(source).is_none() {
                    return Err(missing(format!("{}.sources.{source}", column_path(name)), source));
                }
            }
        }
    }
    Ok(())
}

/// Transforms one column.
fn transform_column(
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
    }
}

/// The columns whose row values `scrub` looks for in column `text`: those the
/// policy lists, else those whose header names an identifier.
fn scrub_sources(table: &Table, text: usize, s: &Scrub) -> Vec<(usize, Found)> {
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

fn scrub(ctx: &Context<'_>, column: &Column, s: &Scrub, mut r: ColumnReport) -> Result<Transformed, ApplyError> {
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

fn pseudonymise(
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

fn generalise(column: &Column, g: &Generalise, invalids: &Invalids, path: &str) -> Result<(Plan, Tally), ApplyError> {
    use std::fmt::Write;
    match g {
        Generalise::Year(o) | Generalise::Quarter(o) | Generalise::Month(o) | Generalise::Week(o) => {
            map_distinct(column, invalids, |v, out| {
                let (days, _) = parse_date(v, o.order).ok_or(Reason::Date)?;
                let (y, m, _) = super::date::civil_from_days(days);
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

fn whole(x: f64) -> bool {
    x.fract() == 0.0
}

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

fn age(column: &Column, o: &Age, invalids: &Invalids) -> Result<(Plan, Tally), ApplyError> {
    let reference = match parse_date(&o.reference, DateOrder::Dmy) {
        Some((d, _)) => d,
        None => {
            return Err(PolicyError::new(format!("{}.reference", column_path(&column.name)), "must be a date").into())
        }
    };
    let bounds: Option<Vec<f64>> = o.bounds.as_ref().map(|b| b.iter().map(|&x| f64::from(x)).collect());
    map_distinct(column, invalids, |v, out| {
        let (birth, _) = parse_date(v, o.order).ok_or(Reason::Date)?;
        let years = age_in_years(birth, reference).ok_or(Reason::AfterReference)?;
        if let Some(top) = o.top.filter(|&t| years >= t) {
            out.push_str(&format!("{top}+"));
            return Ok(());
        }
        let label = match (o.width, &bounds) {
            (Some(w), _) => {
                let lo = years / w * w;
                let hi = lo + w;
                let hi = o.top.map_or(hi, |t| hi.min(t));
                Band::Between(f64::from(lo), f64::from(hi)).label(true, false)
            }
            (None, Some(b)) => Band::among(f64::from(years), b).label(true, false),
            // invariant: the parser requires one of width or bounds.
            (None, None) => return Err(Reason::Date),
        };
        out.push_str(&label);
        Ok(())
    })
}

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
fn shift_key(table: &Table, policy: &Policy, d: &DateShift) -> Result<ShiftKey, ApplyError> {
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
fn subject_offsets(
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

fn date_shift(ctx: &Context<'_>, column: &Column, d: &DateShift, r: ColumnReport) -> Result<Transformed, ApplyError> {
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

fn note(tally: &mut Tally, reason: Reason, row: usize) {
    tally.add_rows(reason, 1);
    if tally.first_rows.len() < INVALID_ROWS_LISTED {
        tally.first_rows.push(row + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The owned path (columns a few at a time, inputs released) gives the
    /// same table and report as the borrowed one, on any number of threads.
    #[test]
    fn owned_and_borrowed_agree() {
        let input = include_bytes!("../../../tests/fixtures/cohort_quirks_200.csv");
        let read = read_table(input, &ReadOptions::default()).expect("read");
        let key = Key::from_random([7; 32]);
        for policy in [
            include_str!("../../../tests/fixtures/policies/cohort.json"),
            include_str!("../../../tests/fixtures/policies/cohort_scrub.json"),
        ] {
            let policy = Policy::from_json(policy).expect("policy");
            for (threads, correspondence) in [(1, false), (2, false), (3, true)] {
                let options = ApplyOptions { threads, correspondence, ..ApplyOptions::default() };
                let borrowed = apply(&read.table, &policy, Some(&key), &options).expect("apply");
                let owned = apply_owned(read.table.clone(), &policy, Some(&key), &options).expect("apply_owned");
                assert_eq!(owned.report, borrowed.report);
                assert_eq!(owned.table, borrowed.table);
                assert_eq!(owned.correspondence, borrowed.correspondence);
                let write = |t: &Table| write_table(t, &read.dialect).expect("write");
                assert_eq!(write(&owned.table), write(&borrowed.table));
            }
        }
    }
}
