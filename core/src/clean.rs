//! Cleaning a table in one pass: the policy ([`policy::apply_owned`]), then,
//! if a configuration is given, the anonymisation search
//! ([`search::Anonymised::from_owned`]) on the policy's output, with the
//! population table its `population_table` names if any
//! ([`clean_with_population`]).
//!
//! This is the one pipeline behind `masque clean` and the wasm `clean`: the
//! shells read and write, and convert; what happens to the table is decided
//! here. An owned table is transformed in place, stage after stage, so the
//! input and the output are never held whole side by side.
//!
//! The core reads no clock. The caller's [`CleanMonitor`] is told each stage
//! and the search's progress, may stop the search (the best node found so far
//! is then the answer, `optimal: false`) or cancel the job between stages, and
//! supplies the clock with which the configuration's `time_limit_ms` is
//! applied to the search.
//!
//! What a report states of the cleaned file is counted here, on the output
//! as written ([`OutputSummary`]): rows read, set aside, suppressed and
//! written, each column's distinct values and empty cells after
//! generalisation and suppression, and the free-text replacements by kind.
//! A sensitive column the configuration lists without any criterion (`{}`)
//! is measured all the same: its l-diversity (distinct and entropy) before and
//! after is in the result's `risk_before` and `risk_after`, whatever the
//! criteria asked for.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::policy::{self, ApplyError, ApplyOptions, ApplyReport, Policy};
use crate::pseudo::Key;
use crate::search::{self, AnonymiseConfig, AnonymiseResult, Progress, SearchError};
use crate::table::{SetAside, Table};

/// A stage of [`clean`], as told to [`CleanMonitor::stage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Applying the policy (pseudonymise, drop, generalise, ...).
    Applying,
    /// Searching the generalisation (only with a configuration).
    Searching,
}

/// The caller's view of a [`clean`]: stages, search progress, stopping, and
/// the clock (the core has none).
pub trait CleanMonitor {
    /// A stage begins. Returns `true` to cancel the job: [`clean`] then
    /// returns [`CleanError::Cancelled`].
    fn stage(&mut self, stage: Stage) -> bool {
        let _ = stage;
        false
    }

    /// Called after every node the search checks, with the milliseconds
    /// since the search began (`None` without a clock). Returns `true` to
    /// stop the search: the best node found so far is the answer.
    fn progress(&mut self, progress: &Progress, elapsed_ms: Option<f64>) -> bool {
        let _ = (progress, elapsed_ms);
        false
    }

    /// The time now, in milliseconds from any fixed origin, or `None` if the
    /// caller has no clock (the configuration's `time_limit_ms` is then not
    /// applied; `max_nodes` always is).
    fn now_ms(&mut self) -> Option<f64> {
        None
    }
}

/// A monitor that never stops anything and has no clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unmonitored;

impl CleanMonitor for Unmonitored {}

/// What [`clean`] gives. Serialised, it is the JSON report of `masque clean
/// --report`, and the `report`, `result` and `output_summary` of the wasm
/// `clean`: `{"report": ..., "result": ... | null, "output": ...}` (no table,
/// no value, no key).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cleaned {
    /// The cleaned table.
    #[serde(skip)]
    pub table: Table,
    /// With [`ApplyOptions::correspondence`]: pseudonym -> original (see
    /// [`policy::Applied::correspondence`]). It re-identifies everyone.
    #[serde(skip)]
    pub correspondence: Option<Table>,
    /// What the policy did (counts per column, the key's fingerprint).
    pub report: ApplyReport,
    /// What the anonymisation did; `None` without a configuration.
    pub result: Option<AnonymiseResult>,
    /// The output as written, counted after everything (policy, generalisation,
    /// suppression): what a report states of the cleaned file (the wasm
    /// `clean` returns it as `output_summary`).
    pub output: OutputSummary,
}

impl Cleaned {
    /// Records the malformed records the read set aside (see
    /// [`crate::table::ReadOptions::malformed_rows`]), for the report.
    pub fn with_set_aside(mut self, set_aside: &SetAside) -> Cleaned {
        self.output.set_aside = set_aside.clone();
        self
    }
}

/// The cleaned table as written: its rows and, per column, how many distinct
/// values and empty cells it holds. Counts and names only, never a value.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct OutputSummary {
    /// Data rows read (the records set aside while reading are not among them).
    pub rows_read: usize,
    /// Malformed records set aside while reading: never in the output.
    pub set_aside: SetAside,
    /// Rows the anonymisation suppressed: masked (`*`) or removed from the
    /// output, as its `suppressed_rows` says (0 without anonymisation).
    pub rows_suppressed: usize,
    /// Data rows written.
    pub rows: usize,
    /// One entry per output column, in output order.
    pub columns: Vec<OutputColumn>,
    /// Identifiers replaced in free text, over every scrubbed column, by kind
    /// (`nir`, `phone`, `email`, `iban`, `date`, `surname`, ...).
    pub replaced: BTreeMap<String, u64>,
}

/// One output column's counts.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputColumn {
    /// The column's name.
    pub name: String,
    /// Distinct values in the column (the empty value counts as one, as in
    /// [`policy::ColumnReport::distinct_in`]).
    pub distinct: usize,
    /// Empty (or blank) cells.
    pub empty: usize,
}

impl OutputSummary {
    /// Counts `table` as it stands (values its dictionary holds but no row
    /// uses, such as those of removed rows, are not counted).
    pub fn of(table: &Table) -> OutputSummary {
        let columns = table
            .columns
            .iter()
            .map(|column| {
                let mut used = vec![false; column.dict.len()];
                for &code in &column.codes {
                    used[code as usize] = true;
                }
                let (mut distinct, mut blank_codes) = (0, Vec::new());
                for (code, &u) in used.iter().enumerate() {
                    if u {
                        distinct += 1;
                        if column.dict.get(code as u32).trim().is_empty() {
                            blank_codes.push(code as u32);
                        }
                    }
                }
                let empty = if blank_codes.is_empty() {
                    0
                } else {
                    column.codes.iter().filter(|c| blank_codes.contains(c)).count()
                };
                OutputColumn { name: column.name.clone(), distinct, empty }
            })
            .collect();
        OutputSummary { rows_read: table.rows, rows: table.rows, columns, ..OutputSummary::default() }
    }

    /// The summary of a clean's output: `table` as written, with the rows
    /// read and the replacements from the policy's report and the rows
    /// suppressed from the anonymisation's result.
    fn of_clean(table: &Table, report: &ApplyReport, result: Option<&AnonymiseResult>) -> OutputSummary {
        let mut replaced: BTreeMap<String, u64> = BTreeMap::new();
        for (kind, n) in report.columns.iter().flat_map(|c| &c.replaced) {
            *replaced.entry(kind.clone()).or_insert(0) += n;
        }
        OutputSummary {
            rows_read: report.rows_in,
            rows_suppressed: result.map_or(0, |r| r.suppressed),
            replaced,
            ..OutputSummary::of(table)
        }
    }
}

/// Why [`clean`] failed. Errors name columns, rows and paths, never values or keys.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CleanError {
    /// The policy could not be applied.
    Apply(ApplyError),
    /// The anonymisation failed (a hierarchy does not fit the policy's output, ...).
    Search(SearchError),
    /// The monitor cancelled the job at the start of a stage.
    Cancelled(Stage),
}

impl fmt::Display for CleanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CleanError::Apply(e) => write!(f, "{e}"),
            CleanError::Search(e) => write!(f, "{e}"),
            CleanError::Cancelled(_) => write!(f, "cancelled"),
        }
    }
}

impl std::error::Error for CleanError {}

/// Applies `policy` to `table` (with `key` if it pseudonymises or shifts
/// dates), then, with `config`, anonymises the result.
///
/// An owned table ([`Cow::Owned`]) is transformed in place; a borrowed one is
/// left as it is (the policy's output is the first copy). The output does not
/// depend on the `threads` of [`ApplyOptions`] nor on the monitor, unless it stops the
/// search (or the time limit does): then the result says `optimal: false`.
///
/// A configuration that names a `population_table` needs the table:
/// [`clean_with_population`]; here it is an error.
pub fn clean(
    table: Cow<'_, Table>,
    policy: &Policy,
    key: Option<&Key>,
    options: &ApplyOptions,
    config: Option<&AnonymiseConfig>,
    monitor: &mut dyn CleanMonitor,
) -> Result<Cleaned, CleanError> {
    clean_with_population(table, None, policy, key, options, config, monitor)
}

/// [`clean`], with the population table that `config`'s `population_table`
/// names (k-map counted in it, δ-presence; see
/// [`search::population_table`]), as [`search::Anonymised::from_owned_with_population`]
/// takes it. The result's `population_table` then reports the k-map and δ
/// figures of the output.
///
/// The population table is not transformed by the policy: it holds the
/// quasi-identifiers as the policy writes them, before generalisation, and
/// its columns are matched by the quasi-identifiers' names in the policy's
/// output (a column the policy renames, pseudonymises or generalises must be
/// in the population table as the policy's output has it). Its other columns
/// are ignored.
///
/// A configuration that names `population_table` without a table given, or
/// a table given without a configuration naming one, is an error
/// ([`CleanError::Search`], at the configuration's `population_table`),
/// before the policy is applied.
pub fn clean_with_population(
    table: Cow<'_, Table>,
    population: Option<&Table>,
    policy: &Policy,
    key: Option<&Key>,
    options: &ApplyOptions,
    config: Option<&AnonymiseConfig>,
    monitor: &mut dyn CleanMonitor,
) -> Result<Cleaned, CleanError> {
    match (config.and_then(|c| c.population_table.as_deref()), population) {
        (Some(name), None) => {
            return Err(CleanError::Search(SearchError::config(
                "population_table",
                format!(
                    "the population table `{name}` must be given to the clean: `masque clean` reads it beside \
                     the policy, the wasm `clean` takes its bytes as the request's `population_table`, a program \
                     passes it to `clean_with_population`"
                ),
            )))
        }
        (None, Some(_)) => {
            return Err(CleanError::Search(SearchError::config(
                "population_table",
                "a population table was given, but the anonymisation configuration does not name one (its \
                 `population_table`)",
            )))
        }
        _ => (),
    }
    if monitor.stage(Stage::Applying) {
        return Err(CleanError::Cancelled(Stage::Applying));
    }
    let applied = match table {
        Cow::Owned(table) => policy::apply_owned(table, policy, key, options),
        Cow::Borrowed(table) => policy::apply(table, policy, key, options),
    }
    .map_err(CleanError::Apply)?;
    let Some(config) = config else {
        return Ok(Cleaned {
            output: OutputSummary::of_clean(&applied.table, &applied.report, None),
            table: applied.table,
            correspondence: applied.correspondence,
            report: applied.report,
            result: None,
        });
    };
    if monitor.stage(Stage::Searching) {
        return Err(CleanError::Cancelled(Stage::Searching));
    }
    let start = monitor.now_ms();
    let limit = config.time_limit_ms.map(|ms| ms as f64);
    let mut search_monitor = |p: &Progress| {
        let elapsed = match start {
            Some(start) => monitor.now_ms().map(|now| now - start),
            None => None,
        };
        let late = matches!((limit, elapsed), (Some(l), Some(e)) if e >= l);
        // The caller hears of every node, even past the limit.
        monitor.progress(p, elapsed) | late
    };
    // The policy's output is generalised in place, not copied; sensitive
    // columns without criterion are measured by the search itself.
    let done = search::Anonymised::from_owned_in(applied.table, population, config, &mut search_monitor)
        .map_err(CleanError::Search)?;
    Ok(Cleaned {
        output: OutputSummary::of_clean(&done.table, &applied.report, Some(&done.result)),
        table: done.table,
        correspondence: applied.correspondence,
        report: applied.report,
        result: Some(done.result),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Column, SetAside};

    fn table() -> Table {
        let ages = ["34", "35", "41", "47", "52", "58", "63", "66"];
        let sex = ["F", "M", "F", "M", "F", "M", "F", "M"];
        Table::new(vec![Column::from_values("age", ages), Column::from_values("sex", sex)]).unwrap()
    }

    fn config(extra: &str) -> AnonymiseConfig {
        AnonymiseConfig::from_json(&format!(
            r#"{{"quasi_identifiers": {{"age": {{"builder": {{"intervals": {{"widths": [10, 20]}}}}}},
               "sex": {{"builder": {{"flat": {{}}}}}}}}, "k": 2{extra}}}"#
        ))
        .unwrap()
    }

    fn policy() -> Policy {
        Policy::from_json(r#"{"version": 1, "columns": {"sex": {"action": "keep"}}}"#).unwrap()
    }

    /// A clock that advances by `step` ms each time it is read.
    struct Ticking {
        now: f64,
        step: f64,
        stages: Vec<Stage>,
        cancel: Option<Stage>,
    }

    impl CleanMonitor for Ticking {
        fn stage(&mut self, stage: Stage) -> bool {
            self.stages.push(stage);
            self.cancel == Some(stage)
        }
        fn now_ms(&mut self) -> Option<f64> {
            self.now += self.step;
            Some(self.now)
        }
    }

    fn ticking(step: f64) -> Ticking {
        Ticking { now: 0.0, step, stages: Vec::new(), cancel: None }
    }

    #[test]
    fn is_apply_then_anonymise() {
        let options = ApplyOptions::default();
        let cleaned =
            clean(Cow::Owned(table()), &policy(), None, &options, Some(&config("")), &mut Unmonitored).unwrap();
        let applied = policy::apply(&table(), &policy(), None, &options).unwrap();
        let done = search::Anonymised::from_owned(applied.table.clone(), &config(""), &mut search::Unlimited).unwrap();
        assert_eq!((&cleaned.table, &cleaned.report), (&done.table, &applied.report));
        assert_eq!(cleaned.result.as_ref(), Some(&done.result));
        // Borrowed: the same, and no configuration: the policy only.
        let borrowed = table();
        let again = clean(Cow::Borrowed(&borrowed), &policy(), None, &options, Some(&config("")), &mut Unmonitored);
        assert_eq!(again.unwrap(), cleaned);
        let only = clean(Cow::Owned(table()), &policy(), None, &options, None, &mut Unmonitored).unwrap();
        assert_eq!((only.table, only.result), (applied.table, None));
    }

    #[test]
    fn the_time_limit_reads_the_callers_clock() {
        let options = ApplyOptions::default();
        let run = |limit: &str, monitor: &mut Ticking| {
            clean(Cow::Owned(table()), &policy(), None, &options, Some(&config(limit)), monitor).unwrap()
        };
        // 10 ms a node against a limit of 5 ms: stopped at the first node.
        let mut slow = ticking(10.0);
        let stopped = run(r#", "time_limit_ms": 5"#, &mut slow);
        assert!(!stopped.result.unwrap().optimal);
        assert_eq!(slow.stages, [Stage::Applying, Stage::Searching]);
        // A clock that does not move, or no limit: the optimum.
        assert!(run(r#", "time_limit_ms": 5"#, &mut ticking(0.0)).result.unwrap().optimal);
        assert!(run("", &mut ticking(10.0)).result.unwrap().optimal);
        // Without a clock the limit cannot be applied.
        let cleaned = clean(
            Cow::Owned(table()),
            &policy(),
            None,
            &options,
            Some(&config(r#", "time_limit_ms": 0"#)),
            &mut Unmonitored,
        );
        assert!(cleaned.unwrap().result.unwrap().optimal);
    }

    #[test]
    fn the_output_is_counted_after_everything() {
        // k = 8 on 8 rows: one class, sex generalised to `*`: the
        // counts are the output's, not the policy's.
        let options = ApplyOptions::default();
        let k8 = AnonymiseConfig::from_json(
            r#"{"quasi_identifiers": {"age": {"builder": {"intervals": {"widths": [10, 20]}}},
               "sex": {"builder": {"flat": {}}}}, "k": 8}"#,
        )
        .unwrap();
        let cleaned = clean(Cow::Owned(table()), &policy(), None, &options, Some(&k8), &mut Unmonitored).unwrap();
        assert_eq!(cleaned.report.columns[1].distinct_out, 2, "the policy kept both sexes");
        let out = &cleaned.output;
        assert_eq!(out.rows, cleaned.table.rows);
        for (summary, column) in out.columns.iter().zip(&cleaned.table.columns) {
            let distinct: std::collections::BTreeSet<&str> = (0..cleaned.table.rows).map(|r| column.get(r)).collect();
            assert_eq!((&summary.name, summary.distinct), (&column.name, distinct.len()));
        }
        assert_eq!(out.columns[1].distinct, 1, "sex is `*` in the output");
        // Blank cells, and dictionary values no row uses any more, are told apart.
        let mut t = Table::new(vec![Column::from_values("c", ["a", " ", "", "a"])]).unwrap();
        t.columns[0].dict.intern("unused");
        let summary = OutputSummary::of(&t);
        assert_eq!(
            summary.columns,
            [OutputColumn { name: "c".into(), distinct: 3, empty: 2 }],
            "`a`, ` ` and `` (both blank), not `unused`"
        );
        let json = serde_json::to_value(&cleaned.output).unwrap();
        assert_eq!(json["columns"][1], serde_json::json!({"name": "sex", "distinct": 1, "empty": 0}));
        assert_eq!(serde_json::to_value(&cleaned).unwrap()["output"], json, "the report holds it");
    }

    #[test]
    fn rows_suppressions_set_aside_and_replacements_are_counted() {
        // k = 3 on seven 30s and one 90, suppression up to half the rows,
        // removed: the 90 is suppressed rather than every age made `*`.
        let options = ApplyOptions::default();
        let ages =
            Table::new(vec![Column::from_values("age", ["30", "30", "30", "30", "30", "30", "30", "90"])]).unwrap();
        let k3 = AnonymiseConfig::from_json(
            r#"{"quasi_identifiers": {"age": {"builder": {"flat": {}}}}, "k": 3, "suppression_limit": 0.5,
               "suppressed_rows": "remove"}"#,
        )
        .unwrap();
        let keep = Policy::from_json(r#"{"version": 1}"#).unwrap();
        let cleaned = clean(Cow::Owned(ages), &keep, None, &options, Some(&k3), &mut Unmonitored).unwrap();
        let result = cleaned.result.as_ref().unwrap();
        assert_eq!(result.suppressed, 1);
        let out = &cleaned.output;
        assert_eq!((out.rows_read, out.rows_suppressed, out.rows), (8, 1, 7));
        assert_eq!(out.rows, cleaned.table.rows);
        // Free text: the replacements of every scrubbed column, summed by kind.
        let notes = Table::new(vec![
            Column::from_values("nir", ["185057511542355", "295109912611193"]),
            Column::from_values("a", ["rappeler au 06 12 34 56 78, nir 185057511542355", "RAS"]),
            Column::from_values("b", ["tel 01 42 34 56 78", "mail jean.dupont@gmail.com"]),
        ])
        .unwrap();
        let scrub =
            Policy::from_json(r#"{"version": 1, "columns": {"nir": "drop", "a": "scrub", "b": "scrub"}}"#).unwrap();
        let cleaned = clean(Cow::Owned(notes), &scrub, None, &options, None, &mut Unmonitored)
            .unwrap()
            .with_set_aside(&SetAside { count: 2, lines: vec![3, 9] });
        let json = serde_json::to_value(&cleaned).unwrap();
        assert_eq!(json["output"]["replaced"], serde_json::json!({"email": 1, "nir": 1, "phone": 2}));
        assert_eq!(json["output"]["set_aside"], serde_json::json!({"count": 2, "lines": [3, 9]}));
        assert_eq!((&json["output"]["rows_read"], &json["output"]["rows_suppressed"]), (&2.into(), &0.into()));
    }

    /// l of each class, brute force: the fewest distinct `sensitive` values
    /// among rows sharing their `qi` values.
    fn brute_l(table: &Table, qi: &[&str], sensitive: &str) -> usize {
        let col = |n: &str| table.columns.iter().find(|c| c.name == n).unwrap();
        let mut classes: std::collections::BTreeMap<Vec<&str>, std::collections::BTreeSet<&str>> = Default::default();
        for r in 0..table.rows {
            let key: Vec<&str> = qi.iter().map(|q| col(q).get(r)).collect();
            classes.entry(key).or_default().insert(col(sensitive).get(r));
        }
        classes.values().map(|v| v.len()).min().unwrap()
    }

    #[test]
    fn sensitive_columns_without_criteria_are_measured() {
        let diag = ["I21", "I21", "J18", "E11", "I21", "C50", "J18", "J18"];
        let with_diag = || {
            let mut t = table();
            t.columns.push(Column::from_values("diag", diag));
            t
        };
        let options = ApplyOptions::default();
        let run = |sensitive: &str| {
            let config = config(&format!(r#", "sensitive": {sensitive}"#));
            clean(Cow::Owned(with_diag()), &policy(), None, &options, Some(&config), &mut Unmonitored).unwrap()
        };
        let measured = run(r#"{"diag": {}}"#);
        let unmeasured = run("{}");
        // The search is not constrained: the same output as without the column.
        assert_eq!(measured.table, unmeasured.table);
        let result = measured.result.as_ref().unwrap();
        let before = result.risk_before.sensitive.get("diag").unwrap();
        let after = result.risk_after.as_ref().unwrap().sensitive.get("diag").unwrap();
        assert_eq!(before.l_distinct, brute_l(&with_diag(), &["age", "sex"], "diag"));
        assert_eq!(before.l_distinct, 1);
        assert_eq!(after.l_distinct, brute_l(&measured.table, &["age", "sex"], "diag"));
        assert!(after.l_entropy >= 1.0 && after.l_entropy <= after.l_distinct as f64, "{}", after.l_entropy);
        // No criterion is reported for it, and the configuration given is untouched.
        assert_eq!(after.criteria, crate::privacy::Criteria::default());
        assert!(unmeasured.result.unwrap().risk_after.unwrap().sensitive.get("diag").is_none());
    }

    /// The people of [`table`] twice over and four more, with a column the
    /// criteria ignore.
    fn population() -> Table {
        let mut ages = ["34", "35", "41", "47", "52", "58", "63", "66"].repeat(2);
        let mut sex = ["F", "M", "F", "M", "F", "M", "F", "M"].repeat(2);
        ages.extend(["36", "44", "55", "61"]);
        sex.extend(["M", "F", "M", "F"]);
        let town: Vec<String> = (0..ages.len()).map(|i| format!("T{}", i % 3)).collect();
        Table::new(vec![
            Column::from_values("town", town.iter().map(String::as_str)),
            Column::from_values("sex", sex),
            Column::from_values("age", ages),
        ])
        .unwrap()
    }

    #[test]
    fn a_population_table_goes_to_the_search_as_the_policy_left_the_file() {
        let options = ApplyOptions::default();
        let config = config(r#", "population_table": "pop.csv", "k_map": {"k": 3}"#);
        let pop = population();
        let run = |population: Option<&Table>, config: Option<&AnonymiseConfig>| {
            clean_with_population(Cow::Owned(table()), population, &policy(), None, &options, config, &mut Unmonitored)
        };
        let cleaned = run(Some(&pop), Some(&config)).unwrap();
        // The policy, then the search with the table: as the search alone on the policy's output.
        let applied = policy::apply(&table(), &policy(), None, &options).unwrap();
        let done = search::Anonymised::from_owned_with_population(applied.table, &pop, &config, &mut search::Unlimited)
            .unwrap();
        assert_eq!(cleaned.table, done.table);
        assert_eq!(cleaned.result.as_ref(), Some(&done.result));
        let figures = cleaned.result.as_ref().unwrap().population_table.as_ref().expect("the table's figures");
        assert_eq!(figures.rows, 20);
        assert!(figures.k_map >= 3, "{}", figures.k_map);
        // A borrowed table: the same.
        let borrowed = table();
        let again = clean_with_population(
            Cow::Borrowed(&borrowed),
            Some(&pop),
            &policy(),
            None,
            &options,
            Some(&config),
            &mut Unmonitored,
        );
        assert_eq!(again.unwrap(), cleaned);

        // Named but not given (also through `clean`): an error at
        // `population_table` that says so, before the policy is applied.
        let mut monitor = ticking(0.0);
        let e = clean(Cow::Owned(table()), &policy(), None, &options, Some(&config), &mut monitor).unwrap_err();
        let CleanError::Search(e) = &e else { panic!("{e:?}") };
        assert_eq!(e.code(), "bad_config");
        assert!(matches!(e.kind(), search::SearchErrorKind::Config { path, .. } if path == "population_table"));
        assert!(e.to_string().contains("`pop.csv` must be given"), "{e}");
        assert!(monitor.stages.is_empty(), "{:?}", monitor.stages);
        // Given but not named, with or without a configuration.
        for config in [Some(&self::config("")), None] {
            let e = run(Some(&pop), config).unwrap_err();
            assert!(e.to_string().contains("does not name one"), "{e}");
        }
        // A quasi-identifier missing from the table: the search's own error.
        let no_sex = Table::new(vec![Column::from_values("age", ["34", "35"])]).unwrap();
        let e = run(Some(&no_sex), Some(&config)).unwrap_err();
        assert!(e.to_string().contains("sex"), "{e}");
    }

    #[test]
    fn a_stage_can_be_cancelled() {
        for stage in [Stage::Applying, Stage::Searching] {
            let mut monitor = Ticking { cancel: Some(stage), ..ticking(0.0) };
            let options = ApplyOptions::default();
            let e = clean(Cow::Owned(table()), &policy(), None, &options, Some(&config("")), &mut monitor).unwrap_err();
            assert_eq!(e, CleanError::Cancelled(stage));
        }
    }
}
