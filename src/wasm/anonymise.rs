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
//! read paths; or give the text in `hierarchy` directly) and `progress` (a
//! function). `time_limit_ms` is applied here with the page's clock.

use std::collections::BTreeMap;

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::{now_ms, options, read_error, set, to_js};
use crate::search::{self, AnonymiseConfig, Phase, Progress};
use crate::table::{read_table, write_table, Dialect, ReadOptions, Table};

/// The options of `anonymise`, `progress` aside.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AnonymiseOptions {
    read: ReadOptions,
    utf8: bool,
    files: BTreeMap<String, String>,
}

/// How often the progress callback is called, at most.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// A configuration and options, read from their JS values.
struct Request {
    config: AnonymiseConfig,
    options: AnonymiseOptions,
    progress: Option<js_sys::Function>,
}

impl Request {
    fn new(config: JsValue, options_value: JsValue) -> Result<Request, JsError> {
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
        let options: AnonymiseOptions = options(rest, "anonymise options")?;
        let progress: Option<js_sys::Function> = if progress.is_undefined() || progress.is_null() {
            None
        } else {
            Some(progress.dyn_into().map_err(|_| JsError::new("invalid progress: not a function"))?)
        };
        config
            .resolve_files(|path| {
                options.files.get(path).cloned().ok_or_else(|| {
                    "the browser cannot read files: give its text in the `files` option or the hierarchy in \
                     `hierarchy`"
                        .to_string()
                })
            })
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Request { config, options, progress })
    }

    /// Runs `f` with a monitor that applies the time limit and calls `progress`.
    fn run<T>(
        &self,
        f: impl FnOnce(&AnonymiseConfig, &mut dyn search::Monitor) -> Result<T, search::SearchError>,
    ) -> Result<T, JsError> {
        let start = now_ms();
        let limit = self.config.time_limit_ms.map(|ms| ms as f64);
        let mut last_report = f64::NEG_INFINITY;
        let mut thrown: Option<JsValue> = None;
        let mut monitor = |p: &Progress| {
            let now = now_ms();
            let mut stop = limit.is_some_and(|l| now - start >= l);
            if let Some(f) = &self.progress {
                if now - last_report >= PROGRESS_EVERY_MS {
                    last_report = now;
                    let report = js_sys::Object::new();
                    let phase = if p.phase == Phase::Optimal { "optimal" } else { "heuristic" };
                    let fields: [(&str, JsValue); 5] = [
                        ("nodes_checked", JsValue::from_f64(p.nodes_checked as f64)),
                        ("lattice_size", JsValue::from_f64(p.lattice_size as f64)),
                        ("best_metric", p.best_metric.map_or(JsValue::NULL, JsValue::from_f64)),
                        ("phase", JsValue::from_str(phase)),
                        ("elapsed_ms", JsValue::from_f64(now - start)),
                    ];
                    for (name, v) in fields {
                        let _ = js_sys::Reflect::set(&report, &JsValue::from_str(name), &v);
                    }
                    match f.call1(&JsValue::NULL, &report) {
                        Ok(answer) => stop |= answer.as_bool() == Some(false),
                        Err(e) => {
                            thrown = Some(e);
                            stop = true;
                        }
                    }
                }
            }
            stop
        };
        let outcome = f(&self.config, &mut monitor);
        if let Some(e) = thrown {
            let message = e.as_string().or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())));
            return Err(JsError::new(&format!("the progress callback failed: {}", message.unwrap_or_default())));
        }
        outcome.map_err(|e| JsError::new(&e.to_string()))
    }

    /// Anonymises `table` and writes it: the result object of `anonymise`.
    fn anonymise(&self, table: &Table, dialect: &Dialect, read_ms: f64) -> Result<JsValue, JsError> {
        let t1 = now_ms();
        let done = self.run(|config, monitor| search::anonymise(table, config, monitor))?;
        let t2 = now_ms();
        let dialect = if self.options.utf8 { dialect.to_utf8() } else { dialect.clone() };
        let output = write_table(&done.table, &dialect)
            .map_err(|e| JsError::new(&format!("{e} (set the option `utf8: true`)")))?;
        let t3 = now_ms();
        let result = js_sys::Object::new();
        set(&result, "output", &js_sys::Uint8Array::from(output.as_slice()).into())?;
        set(&result, "result", &to_js(&done.result)?)?;
        set(&result, "dialect", &to_js(&dialect)?)?;
        let timings = js_sys::Object::new();
        set(&timings, "read_ms", &JsValue::from_f64(read_ms))?;
        set(&timings, "search_ms", &JsValue::from_f64(t2 - t1))?;
        set(&timings, "write_ms", &JsValue::from_f64(t3 - t2))?;
        set(&result, "timings", &timings.into())?;
        Ok(result.into())
    }
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
///   {path: text}, progress}`. `progress` is a function called at most every
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
/// never cell values.
#[wasm_bindgen]
pub fn anonymise(bytes: &[u8], config: JsValue, options_value: JsValue) -> Result<JsValue, JsValue> {
    let request = Request::new(config, options_value)?;
    let t0 = now_ms();
    let read = read_table(bytes, &request.options.read).map_err(read_error)?;
    let read_ms = now_ms() - t0;
    Ok(request.anonymise(&read.table, &read.dialect, read_ms)?)
}

/// A file read once and kept in wasm memory, to search it with several
/// configurations without reading it again. Call `free()` when done.
#[wasm_bindgen]
pub struct AnonymiseTable {
    table: Table,
    dialect: Dialect,
}

#[wasm_bindgen]
impl AnonymiseTable {
    /// `new AnonymiseTable(bytes, readOptions?)`: reads a file (`readOptions` as for `inspect`).
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8], read_options: JsValue) -> Result<AnonymiseTable, JsValue> {
        let read: ReadOptions = options(read_options, "read options")?;
        let read = read_table(bytes, &read).map_err(read_error)?;
        Ok(AnonymiseTable { table: read.table, dialect: read.dialect })
    }

    /// The number of data rows.
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> usize {
        self.table.rows
    }

    /// The column names, in file order.
    #[wasm_bindgen(getter)]
    pub fn columns(&self) -> Vec<String> {
        self.table.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// `table.search(config, options?)`: the chosen node only, without the
    /// output: `{levels, metric, optimal, search, nodes_checked, lattice_size}`
    /// (`options` as for `anonymise`; `read` and `utf8` do not apply).
    pub fn search(&self, config: JsValue, options_value: JsValue) -> Result<JsValue, JsError> {
        let request = Request::new(config, options_value)?;
        let choice = request.run(|config, monitor| search::search(&self.table, config, monitor))?;
        to_js(&choice)
    }

    /// `table.anonymise(config, options?)`: as the function `anonymise`, on
    /// the file read once (`read` does not apply).
    pub fn anonymise(&self, config: JsValue, options_value: JsValue) -> Result<JsValue, JsError> {
        Request::new(config, options_value)?.anonymise(&self.table, &self.dialect, 0.0)
    }
}
