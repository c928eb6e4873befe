//! The anonymisation boundary: `anonymise(bytes, config, options?)`, and
//! `AnonymiseTable` to read a file once and search it many times.
//!
//! `config` is the core's `AnonymiseConfig`, the same object as the command
//! line's `--config` file, as an object or as JSON text (text keeps the order
//! of the quasi-identifiers exactly; a JS object lists integer-like keys
//! first). `options` holds what belongs to the boundary: `read`
//! (`delimiter`, `encoding`, `sheet`, as for `inspect`), `utf8` (write UTF-8
//! instead of the input's encoding), `files` (`{path: text}`: the texts of
//! the `hierarchy_file`s the configuration names, since the browser cannot
//! read paths; or give the text in `hierarchy` directly), `population_table`
//! (the bytes of the population table the configuration's
//! `population_table` names, read with `population_read`, as `clean`'s
//! request has them) and `progress` (a function). `time_limit_ms` is applied
//! here with the page's clock.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::progress::{counts, Reporter};
use super::rewrite::{kept_table, read_timed, rewrite, timings, Outputs, Sink, Write};
use super::{now_ms, options, read_error, read_population, search_error, set, take_population, to_js};
use crate::search::{self, AnonymiseConfig, Phase, Progress};
use crate::table::{read_table, Dialect, ReadOptions, Table};

/// The options of `anonymise`, `progress` aside.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AnonymiseOptions {
    read: ReadOptions,
    utf8: bool,
    files: BTreeMap<String, String>,
    /// How to read `population_table` (taken out before the rest is parsed:
    /// see [`take_population`]); sniffed by default.
    population_read: ReadOptions,
}

/// A configuration and options, read from their JS values.
struct Request {
    config: AnonymiseConfig,
    options: AnonymiseOptions,
    /// The `progress` function's reporter.
    reporter: Reporter,
    /// The population table, if given.
    population: Option<Table>,
}

impl Request {
    fn new(config: JsValue, options_value: JsValue) -> Result<Request, JsValue> {
        let text = match config.as_string() {
            Some(text) => text,
            None => js_sys::JSON::stringify(&config)
                .ok()
                .and_then(|s| s.as_string())
                .filter(|_| config.is_object())
                .ok_or_else(|| JsError::new("invalid configuration: not a JSON object"))?,
        };
        let mut config = AnonymiseConfig::from_json(&text).map_err(|e| JsError::new(&e.to_string()))?;
        // `progress` is a function: taken out before the rest goes through JSON.
        let (progress, rest) = if options_value.is_object() {
            let progress = js_sys::Reflect::get(&options_value, &JsValue::from_str("progress")).unwrap_or_default();
            let copy = js_sys::Object::assign(&js_sys::Object::new(), &options_value.clone().into());
            let _ = js_sys::Reflect::delete_property(&copy, &JsValue::from_str("progress"));
            (progress, JsValue::from(copy))
        } else {
            (JsValue::UNDEFINED, options_value)
        };
        let (rest, population) = take_population(rest, "anonymise options")?;
        let options: AnonymiseOptions = options(rest, "anonymise options")?;
        let reporter = Reporter::new(progress)?;
        config
            .resolve_files(|path| {
                options.files.get(path).cloned().ok_or_else(|| {
                    "the browser cannot read files: give its text in the `files` option or the hierarchy in \
                     `hierarchy`"
                        .to_string()
                })
            })
            .map_err(|e| JsError::new(&e.to_string()))?;
        let population = read_population(population, &options.population_read)?;
        Ok(Request { config, options, reporter, population })
    }

    /// Searches `table` (with the population table, if given) with a monitor
    /// that applies the time limit and calls `progress`.
    fn search(mut self, table: &Table) -> Result<search::Choice, JsValue> {
        let population = self.population.as_ref();
        let outcome = search_with(&self.config, &mut self.reporter, |config, monitor| {
            search::search_in(table, population, config, monitor)
        })?;
        outcome.map_err(|e| search_error(&e))
    }

    /// Anonymises `table` and writes it: the result object of `anonymise`.
    fn anonymise(self, table: &Table, dialect: &Dialect, read_ms: f64) -> Result<JsValue, JsValue> {
        let Request { config, options, mut reporter, population } = self;
        let write = Write {
            utf8: options.utf8,
            hint: Some("set the option `utf8: true`"),
            sink: Sink::Whole,
            reporter: &mut reporter,
        };
        // A search error leaves with its code and data (`search_error`), which
        // `rewrite`'s `JsError` cannot carry.
        let mut search_failed = None;
        let done = rewrite(
            Cow::Borrowed(table),
            dialect,
            write,
            |table, reporter| {
                let outcome = search_with(&config, reporter, |config, monitor| {
                    search::anonymise_in(&table, population.as_ref(), config, monitor)
                })?;
                outcome.map_err(|e| {
                    search_failed = Some(search_error(&e));
                    JsError::new(&e.to_string())
                })
            },
            |done| Outputs { table: &done.table, extra: None },
        )
        .map_err(|e| search_failed.take().unwrap_or_else(|| e.into()))?;
        let result = js_sys::Object::new();
        set(&result, "output", &done.output)?;
        set(&result, "result", &to_js(&done.done.result)?)?;
        set(&result, "dialect", &to_js(&done.dialect)?)?;
        timings(
            &result,
            &[
                ("read_ms", read_ms),
                ("search_ms", done.transformed - done.started),
                ("write_ms", done.written - done.transformed),
            ],
        )?;
        Ok(result.into())
    }
}

/// Runs `f` with a monitor that applies `config`'s time limit with the page's
/// clock and reports the search's progress to `reporter`, which may stop it.
/// The outer error is the callback's; the inner, the search's.
fn search_with<T>(
    config: &AnonymiseConfig,
    reporter: &mut Reporter,
    f: impl FnOnce(&AnonymiseConfig, &mut dyn search::Monitor) -> Result<T, search::SearchError>,
) -> Result<Result<T, search::SearchError>, JsError> {
    let start = now_ms();
    let limit = config.time_limit_ms.map(|ms| ms as f64);
    let mut monitor = |p: &Progress| {
        let now = now_ms();
        let late = limit.is_some_and(|l| now - start >= l);
        let stopped = reporter.search(now, || {
            let phase = if p.phase == Phase::Optimal { "optimal" } else { "heuristic" };
            let mut fields = counts(p).to_vec();
            fields.push(("phase", JsValue::from_str(phase)));
            fields.push(("elapsed_ms", JsValue::from_f64(now - start)));
            fields
        });
        late | stopped
    };
    let outcome = f(config, &mut monitor);
    if let Some(e) = reporter.failure() {
        return Err(e);
    }
    Ok(outcome)
}

/// `anonymise(bytes, config, options?)`: the least damaging generalisation
/// (and record suppression) of a file that meets the configured criteria.
///
/// - `config`: `{quasi_identifiers: {age: {hierarchy: "1;0-4;*\n..."}, zip:
///   {builder: {mask: {levels: 5}}}}, sensitive: {diag: {l_distinct: 2}}, k: 5,
///   suppression_limit: 0.04, metric: "loss", search, suppressed_rows,
///   max_nodes, time_limit_ms}` (an object or its JSON text); unknown fields
///   are errors.
/// - `options` (optional): `{read: {delimiter, encoding, sheet}, utf8, files:
///   {path: text}, population_table, population_read, progress}`.
///   `population_table`, a `Uint8Array` of a CSV/TSV file or workbook (read
///   with `population_read`, sniffed by default), is the population table the
///   configuration's `population_table` names (k-map counted in it,
///   δ-presence); the result's `population_table` then has the k-map and δ
///   figures. `progress` is a function called at most every
///   100 ms with `{nodes_checked, lattice_size, best_metric, phase,
///   elapsed_ms}`; if it returns `false`, the search stops and the best node
///   found so far is used (`optimal: false`); an exception it throws stops the
///   search and is reported as the error.
///
/// Returns `{output: Uint8Array, result, dialect, timings: {read_ms,
/// search_ms, write_ms}}`: `output` the generalised file in the input's
/// dialect, `result` the same object as `masque anonymise --report` writes
/// (levels, suppressed, classes, k, metric, optimal, nodes_checked, risk
/// before and after). Errors name columns, rows and configuration paths,
/// never cell values; a search's error has its `code` (and `path` for a bad
/// configuration), a population table's reading error `file:
/// "population_table"`, as `clean`'s.
#[wasm_bindgen(unchecked_return_type = "AnonymiseOutput")]
pub fn anonymise(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "AnonymiseConfig | string")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AnonymiseOptions | null | undefined")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let request = Request::new(config, options_value)?;
    let (read, read_ms) = read_timed(bytes, &request.options.read)?;
    request.anonymise(&read.table, &read.dialect, read_ms)
}

/// A file read once and kept in wasm memory, to search it with several
/// configurations without reading it again. Call `free()` when done.
#[wasm_bindgen]
pub struct AnonymiseTable {
    table: Table,
    dialect: Dialect,
}

kept_table!(AnonymiseTable, |t| t.table);

#[wasm_bindgen]
impl AnonymiseTable {
    /// `new AnonymiseTable(bytes, readOptions?)`: reads a file (`readOptions` as for `inspect`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "ReadOptions | null | undefined")] read_options: JsValue,
    ) -> Result<AnonymiseTable, JsValue> {
        let read: ReadOptions = options(read_options, "read options")?;
        let read = read_table(bytes, &read).map_err(read_error)?;
        Ok(AnonymiseTable { table: read.table, dialect: read.dialect })
    }

    /// `table.search(config, options?)`: the chosen node only, without the
    /// output: `{levels, metric, optimal, search, nodes_checked, lattice_size}`
    /// (`options` as for `anonymise`; `read` and `utf8` do not apply).
    #[wasm_bindgen(unchecked_return_type = "Choice")]
    pub fn search(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AnonymiseConfig | string")] config: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AnonymiseOptions | null | undefined")] options_value: JsValue,
    ) -> Result<JsValue, JsValue> {
        let choice = Request::new(config, options_value)?.search(&self.table)?;
        Ok(to_js(&choice)?)
    }

    /// `table.anonymise(config, options?)`: as the function `anonymise`, on
    /// the file read once (`read` does not apply).
    #[wasm_bindgen(unchecked_return_type = "AnonymiseOutput")]
    pub fn anonymise(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AnonymiseConfig | string")] config: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AnonymiseOptions | null | undefined")] options_value: JsValue,
    ) -> Result<JsValue, JsValue> {
        Request::new(config, options_value)?.anonymise(&self.table, &self.dialect, 0.0)
    }
}
