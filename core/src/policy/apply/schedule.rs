//! The scheduler: checks the policy against the table, splits the work into
//! jobs (columns, and the date offsets of date_shift subjects), runs them in
//! two phases on threads (every other column and the offsets, then the
//! date_shift and scrub columns, which read what the first phase gave),
//! releases an owned table's inputs as their replacements appear, and puts
//! the results back in column order with the correspondence table.

use std::borrow::Cow;

use hashbrown::HashMap;

use super::date_shift::{shift_key, subject_offsets, ShiftKey};
use super::parallel::parallel_map;
use super::plan::{Plan, Transformed};
use super::scrub::scrub_sources;
use super::transform::{transform_column, ColumnDone, Context};
use super::ApplyOptions;
use crate::policy::parse::column_path;
use crate::policy::{Action, ApplyError, DateShift, Policy, PolicyError, Scrub, ScrubReplacement};
use crate::pseudo::{DateShifter, Key, Pseudonymiser};
use crate::table::{Column, Dictionary, Table};

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

/// The plans and reports of every column, and the correspondence table.
pub(super) struct Planned {
    pub(super) columns: Vec<Transformed>,
    pub(super) correspondence: Option<Table>,
}

/// Checks the policy against the table, transforms every column (in two
/// phases, on `options.threads` threads) and builds the correspondence.
/// An owned table (`source`) gives way column by column (see [`release`]).
pub(super) fn plan(
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
            // Reads the `at` column's input, which phase 1 may release.
            Action::AgeAt(_) => phase2.push(Job::Column(i)),
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
            Action::AgeAt(a) => {
                if let Some(at) = table.column_index(&a.at) {
                    keep[at] = true;
                }
            }
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
        if let Action::AgeAt(a) = action {
            if table.column_index(&a.at).is_none() {
                return Err(missing(format!("{}.at", column_path(name)), &a.at));
            }
            if a.at == *name {
                return Err(PolicyError::new(
                    format!("{}.at", column_path(name)),
                    "must name another column than the date of birth",
                ));
            }
            // The output header must be unique: no other column written under it.
            let clash = table.columns.iter().any(|c| {
                c.name != *name
                    && match policy.action_for(&c.name).0 {
                        Action::Drop => false,
                        Action::AgeAt(other) => other.name == a.name,
                        _ => c.name == a.name,
                    }
            });
            if clash {
                return Err(PolicyError::new(
                    format!("{}.name", column_path(name)),
                    format!("another output column is already named `{}`: give `name` another header", a.name),
                ));
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
