//! Applying a policy to a table.
//!
//! Every action but `date_shift` and `age_at` is a function of the cell alone, so it runs
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
//!
//! The code: `schedule.rs` (the two phases, jobs, threads, releasing an owned
//! table's inputs), `parallel.rs` (the thread helper), `transform.rs` (one
//! column: the dispatch on its action, keep, drop, redact, mask),
//! `pseudonymise.rs`, `generalise.rs`, `date_shift.rs` and `scrub.rs` (the
//! other transforms), `plan.rs` (how an output column is made from its
//! input), `tally.rs` (blank and invalid counts, and why); this file, the
//! entry points and putting the output table and report together.

mod age_at;
mod date_shift;
mod generalise;
mod parallel;
mod plan;
mod pseudonymise;
mod schedule;
mod scrub;
mod tally;
mod transform;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{ApplyError, ApplyReport, Policy};
use crate::pseudo::Key;
use crate::table::{read_table, write_table, Column, Dialect, ReadOptions, Table};
use plan::realise;
use schedule::{plan, Planned};

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
    let dialect = if options.utf8 || policy.output.utf8 { read.dialect.to_utf8() } else { read.dialect.clone() };
    let output = write_table(&applied.table, &dialect)?;
    let correspondence = match &applied.correspondence {
        Some(t) => Some(write_table(t, &dialect)?),
        None => None,
    };
    Ok(AppliedBytes { output, dialect, report: applied.report, correspondence })
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
        if let Some(mut c) = realise(input, t.plan) {
            // `age_at` names its output column.
            if let Some(name) = &t.report.renamed {
                c.name.clone_from(name);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The owned path (columns a few at a time, inputs released) gives the
    /// same table and report as the borrowed one, on any number of threads.
    #[test]
    fn owned_and_borrowed_agree() {
        let input = include_bytes!("../../../../tests/fixtures/cohort_quirks_200.csv");
        let read = read_table(input, &ReadOptions::default()).expect("read");
        let key = Key::from_random([7; 32]);
        for policy in [
            include_str!("../../../../tests/fixtures/policies/cohort.json"),
            include_str!("../../../../tests/fixtures/policies/cohort_scrub.json"),
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
