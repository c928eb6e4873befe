//! The web app's boundary: what the page's worker needs beyond the single
//! capabilities, composed from the core in one place.
//!
//! - [`PreviewTable`]: a file read once and kept in wasm memory, so the page
//!   can show any window of its rows (a virtualised preview of a million
//!   rows asks for the visible ones only) and analyse its risk.
//! - [`clean`]: read once, apply a policy (pseudonymise, drop, scrub, ...),
//!   then search the least damaging generalisation that meets the privacy
//!   criteria, and write once: [`crate::clean::clean`], what `masque clean`
//!   (or `masque apply` followed by `masque anonymise`) does, with progress.
//!
//! Nothing here computes anything new: it converts and calls the core.

use std::borrow::Cow;

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::{now_ms, options, read_error, set, to_js};
use crate::clean::{self, CleanMonitor, Stage};
use crate::policy::{ApplyOptions, Policy};
use crate::privacy::AnalysisOptions;
use crate::pseudo::Key;
use crate::search::{AnonymiseConfig, Progress};
use crate::table::{read_table, read_table_from, Dialect, ReadOptions, ReadTable, Table, TableWriter};

/// Rows `start..start + count` of `table` (clamped), as arrays of strings.
fn rows_of(table: &Table, start: usize, count: usize) -> js_sys::Array {
    let end = start.saturating_add(count).min(table.rows);
    let out = js_sys::Array::new();
    for row in start.min(end)..end {
        let cells = js_sys::Array::new_with_length(table.columns.len() as u32);
        for (i, column) in table.columns.iter().enumerate() {
            // invariant: a column holds one code per row, each indexing its dictionary.
            cells.set(i as u32, JsValue::from_str(column.dict.get(column.codes[row])));
        }
        out.push(&cells);
    }
    out
}

fn header_of(table: &Table) -> js_sys::Array {
    table.columns.iter().map(|c| JsValue::from_str(&c.name)).collect()
}

/// A file read once, kept in wasm memory: its rows by window, its risk, its
/// cleaning. Call `free()` when done.
#[wasm_bindgen]
pub struct PreviewTable {
    read: ReadTable,
    read_ms: f64,
}

/// Reads a file through a JavaScript callback `read(offset, length) ->
/// Uint8Array` (in a worker: `FileReaderSync` over `file.slice(...)`), so the
/// file is never copied whole into wasm memory: only the table is.
struct JsChunks {
    read: js_sys::Function,
    offset: f64,
    size: f64,
}

impl std::io::Read for JsChunks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let failed = || std::io::Error::other("the file could not be read");
        if self.offset >= self.size || buf.is_empty() {
            return Ok(0);
        }
        let length = (buf.len() as f64).min(self.size - self.offset);
        let chunk = self.read.call2(&JsValue::NULL, &self.offset.into(), &length.into()).map_err(|_| failed())?;
        let chunk: js_sys::Uint8Array = chunk.dyn_into().map_err(|_| failed())?;
        let n = chunk.length() as usize;
        if n == 0 || n > buf.len() {
            // The file changed size since it was chosen.
            return Err(failed());
        }
        chunk.copy_to(&mut buf[..n]);
        self.offset += n as f64;
        Ok(n)
    }
}

/// How much a [`JsChunks`] asks for at a time: few calls into JavaScript, and
/// a small, fixed share of memory.
const CHUNK_BYTES: usize = 1 << 20;

#[wasm_bindgen]
impl PreviewTable {
    /// `new PreviewTable(bytes, readOptions?)`: reads a file (`readOptions` as for `inspect`).
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8], read_options: JsValue) -> Result<PreviewTable, JsValue> {
        let read: ReadOptions = options(read_options, "read options")?;
        let t0 = now_ms();
        let read = read_table(bytes, &read).map_err(read_error)?;
        Ok(PreviewTable { read, read_ms: now_ms() - t0 })
    }

    /// `PreviewTable.fromReader(size, read, readOptions?)`: reads a file of
    /// `size` bytes by chunks, `read(offset, length)` returning a `Uint8Array`
    /// of at most `length` bytes from `offset`. Only the table is kept in wasm
    /// memory, never the whole file. A callback that throws, returns something
    /// else or nothing is an `io` error.
    #[wasm_bindgen(js_name = fromReader)]
    pub fn from_reader(size: f64, read: js_sys::Function, read_options: JsValue) -> Result<PreviewTable, JsValue> {
        let options: ReadOptions = options(read_options, "read options")?;
        let t0 = now_ms();
        let chunks = std::io::BufReader::with_capacity(CHUNK_BYTES, JsChunks { read, offset: 0.0, size });
        let read = read_table_from(chunks, Some(size as u64), &options).map_err(read_error)?;
        Ok(PreviewTable { read, read_ms: now_ms() - t0 })
    }

    /// `table.inspection()`: what `inspect` says of this file.
    pub fn inspection(&self) -> Result<JsValue, JsError> {
        to_js(&crate::inspect::summarise(&self.read))
    }

    /// `table.clean(request, progress?, sink?)`: [`clean`] of this file,
    /// without reading it again (`request.read` is ignored: the file was read
    /// with the options given when it was opened). The kept table is left as
    /// it was, so the cleaning works on a copy of it.
    ///
    /// With a `sink` function, the cleaned file is not returned whole
    /// (`output` is `null`): it is handed to `sink(chunk: Uint8Array)` by
    /// chunks of about 4 MiB, in order, each a copy the sink may keep.
    pub fn clean(&self, request: JsValue, progress: JsValue, sink: JsValue) -> Result<JsValue, JsValue> {
        let sink = Sink::of(sink)?;
        Ok(CleanJob::new(request, progress)?.run(Cow::Borrowed(&self.read), self.read_ms, sink)?)
    }

    /// `table.cleanOnce(request, progress?, sink?)`: as `clean`, but the
    /// cleaning takes the kept table over instead of copying it, so a file
    /// close to the memory's limit can still be cleaned. The `PreviewTable`
    /// is freed by the call (also when it fails): open the file again to
    /// preview or clean it once more.
    #[wasm_bindgen(js_name = cleanOnce)]
    pub fn clean_once(self, request: JsValue, progress: JsValue, sink: JsValue) -> Result<JsValue, JsValue> {
        let sink = Sink::of(sink)?;
        let PreviewTable { read, read_ms } = self;
        Ok(CleanJob::new(request, progress)?.run(Cow::Owned(read), read_ms, sink)?)
    }

    /// The number of data rows.
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> usize {
        self.read.table.rows
    }

    /// The column names, in file order.
    #[wasm_bindgen(getter)]
    pub fn columns(&self) -> Vec<String> {
        self.read.table.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// `table.slice(start, count)`: rows `start..start+count` (0-based, clamped
    /// to the table) as an array of arrays of strings, in column order.
    pub fn slice(&self, start: usize, count: usize) -> js_sys::Array {
        rows_of(&self.read.table, start, count)
    }

    /// `table.analyse(options)`: the risk report, as the wasm `analyse`.
    pub fn analyse(&self, options_value: JsValue) -> Result<JsValue, JsError> {
        let analysis: AnalysisOptions = options(options_value, "analysis options")?;
        super::analyse::report(&self.read.table, &analysis)
    }
}

/// The request of [`clean`].
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CleanRequest {
    /// The policy (the object `apply` takes).
    policy: Option<serde_json::Value>,
    /// The key file (from `keygen` or `key_from_passphrase`); null if the
    /// policy neither pseudonymises nor shifts dates.
    key: Option<serde_json::Value>,
    /// The passphrase of a key file that holds only a salt.
    passphrase: Option<String>,
    /// The anonymisation configuration (the object `anonymise` takes, without
    /// `read`/`utf8`/`files`); null for pseudonymisation only. A
    /// quasi-identifier given as `{}` (no hierarchy) gets the flat hierarchy
    /// value -> `*` built from its values after the policy.
    anonymise: Option<serde_json::Value>,
    /// How to read the input (as for `inspect`).
    read: ReadOptions,
    /// Write UTF-8 instead of the input's encoding.
    utf8: bool,
    /// How many rows of the cleaned table to return as a preview (default 0).
    preview_rows: usize,
}

/// A progress report to the page; errors in the callback are kept to be reported.
struct Reporter {
    callback: Option<js_sys::Function>,
    thrown: Option<JsValue>,
}

impl Reporter {
    /// Calls the callback with `{phase, ...fields}`; returns false if it asked to stop.
    fn report(&mut self, phase: &str, fields: &[(&str, JsValue)]) -> bool {
        let Some(f) = &self.callback else { return true };
        let object = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str("phase"), &JsValue::from_str(phase));
        for (name, value) in fields {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), value);
        }
        match f.call1(&JsValue::NULL, &object) {
            Ok(answer) => answer.as_bool() != Some(false),
            Err(e) => {
                self.thrown = Some(e);
                false
            }
        }
    }

    fn failure(&mut self) -> Option<JsError> {
        let e = self.thrown.take()?;
        Some(JsError::new(&format!("the progress callback failed: {}", message_of(&e))))
    }
}

/// How often the search reports progress, at most.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// The [`CleanMonitor`] of the page: stages and (at most every 100 ms) the
/// search's progress go to the progress callback, which may stop the search;
/// the page's clock applies the time limit and times the stages.
struct PageMonitor {
    reporter: Reporter,
    /// When progress was last reported.
    last: f64,
    /// When the policy began, and the search (if any).
    t1: f64,
    t2: Option<f64>,
}

impl CleanMonitor for PageMonitor {
    fn stage(&mut self, stage: Stage) -> bool {
        let phase = match stage {
            Stage::Applying => {
                self.t1 = now_ms();
                "pseudonymising"
            }
            Stage::Searching => {
                self.t2 = Some(now_ms());
                "searching"
            }
        };
        self.reporter.report(phase, &[]);
        // An exception thrown by the callback ends the job.
        self.reporter.thrown.is_some()
    }

    fn progress(&mut self, p: &Progress, elapsed_ms: Option<f64>) -> bool {
        let now = now_ms();
        if now - self.last < PROGRESS_EVERY_MS {
            return false;
        }
        self.last = now;
        let go_on = self.reporter.report(
            "searching",
            &[
                ("nodes_checked", JsValue::from_f64(p.nodes_checked as f64)),
                ("lattice_size", JsValue::from_f64(p.lattice_size as f64)),
                ("best_metric", p.best_metric.map_or(JsValue::NULL, JsValue::from_f64)),
                ("elapsed_ms", JsValue::from_f64(elapsed_ms.unwrap_or_default())),
            ],
        );
        !go_on
    }

    fn now_ms(&mut self) -> Option<f64> {
        Some(now_ms())
    }
}

/// `clean(bytes, request, progress?)`: applies a policy, then anonymises, in one pass.
///
/// `request`: `{policy, key, passphrase?, anonymise?, read?, utf8?, preview_rows?}`
/// (unknown fields are errors). `progress` (optional) is called with
/// `{phase: "reading" | "pseudonymising" | "searching" | "writing"}`, and
/// while searching at most every 100 ms with `nodes_checked`, `lattice_size`,
/// `best_metric`, `elapsed_ms`; returning `false` while searching stops the
/// search at the best node found so far (`optimal: false`), as does the
/// configuration's `time_limit_ms` (the page's clock). The pipeline is the
/// core's [`crate::clean::clean`], the one `masque clean` runs.
///
/// Returns `{output: Uint8Array, report, result, dialect, header, preview,
/// timings: {read_ms, apply_ms, search_ms, write_ms}}`: `report` the apply
/// report (as `apply`), `result` the anonymisation result (as `anonymise`;
/// `null` without `anonymise`), `preview` the first `preview_rows` rows of
/// the cleaned table. Errors name columns, rows and paths, never values or keys.
#[wasm_bindgen]
pub fn clean(bytes: &[u8], request: JsValue, progress: JsValue) -> Result<JsValue, JsValue> {
    let mut job = CleanJob::new(request, progress)?;
    job.reporter.report("reading", &[]);
    let t0 = now_ms();
    let read = read_table(bytes, &job.request.read).map_err(read_error)?;
    let read_ms = now_ms() - t0;
    Ok(job.run(Cow::Owned(read), read_ms, Sink::Whole)?)
}

/// Where a cleaned file goes: returned whole, or by chunks to a function.
enum Sink {
    Whole,
    Chunks(js_sys::Function),
}

/// The size of the chunks a [`Sink::Chunks`] receives, about.
const OUTPUT_CHUNK_BYTES: usize = 4 << 20;

impl Sink {
    /// `undefined` or `null`: whole; a function: by chunks.
    fn of(value: JsValue) -> Result<Sink, JsError> {
        if value.is_undefined() || value.is_null() {
            return Ok(Sink::Whole);
        }
        let f = value.dyn_into().map_err(|_| JsError::new("invalid sink: not a function"))?;
        Ok(Sink::Chunks(f))
    }

    /// Writes `table` in `dialect` here: the whole output as a `Uint8Array`,
    /// or `null` once every chunk went to the function. Progress goes to
    /// `reporter` as `{phase: "writing", done, total}` (bytes, `total` an
    /// estimate) after each chunk.
    fn write(&self, table: &Table, dialect: &Dialect, reporter: &mut Reporter) -> Result<JsValue, JsError> {
        let unencodable = |e: crate::table::WriteError| JsError::new(&format!("{e} (write UTF-8 instead)"));
        let mut writer = TableWriter::new(table, dialect).map_err(unencodable)?;
        let total = writer.size_hint() as f64;
        let sink = match self {
            Sink::Whole => {
                let mut out = Vec::with_capacity(writer.size_hint());
                writer.fill(&mut out, usize::MAX);
                return Ok(js_sys::Uint8Array::from(out.as_slice()).into());
            }
            Sink::Chunks(sink) => sink,
        };
        let mut buffer = Vec::with_capacity(OUTPUT_CHUNK_BYTES + (64 << 10));
        let mut done = 0.0;
        loop {
            let more = writer.fill(&mut buffer, OUTPUT_CHUNK_BYTES);
            // A copy: the sink may keep it while wasm memory moves on.
            let chunk = js_sys::Uint8Array::from(buffer.as_slice());
            sink.call1(&JsValue::NULL, &chunk)
                .map_err(|e| JsError::new(&format!("the sink failed: {}", message_of(&e))))?;
            done += buffer.len() as f64;
            buffer.clear();
            reporter.report("writing", &[("done", done.into()), ("total", total.max(done).into())]);
            if let Some(e) = reporter.failure() {
                return Err(e);
            }
            if !more {
                return Ok(JsValue::NULL);
            }
        }
    }
}

/// The message of a thrown JavaScript value (an `Error`'s, or a string).
fn message_of(e: &JsValue) -> String {
    e.as_string().or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()))).unwrap_or_default()
}

/// A [`clean`] request, checked, with its policy and key ready.
struct CleanJob {
    request: CleanRequest,
    reporter: Reporter,
    policy: Policy,
    key: Option<Key>,
}

impl CleanJob {
    fn new(request: JsValue, progress: JsValue) -> Result<CleanJob, JsError> {
        let request: CleanRequest = options(request, "clean request")?;
        let callback: Option<js_sys::Function> = if progress.is_undefined() || progress.is_null() {
            None
        } else {
            Some(progress.dyn_into().map_err(|_| JsError::new("invalid progress: not a function"))?)
        };
        let reporter = Reporter { callback, thrown: None };

        let policy_text = Zeroizing::new(match &request.policy {
            Some(value) => value.to_string(),
            None => r#"{"version": 1, "default": "keep", "columns": {}}"#.to_string(),
        });
        let policy = Policy::from_json(&policy_text).map_err(|e| JsError::new(&format!("policy: {e}")))?;
        let key: Option<Key> = match &request.key {
            None | Some(serde_json::Value::Null) => None,
            Some(value) => {
                let text = Zeroizing::new(value.to_string());
                Some(super::pseudo::unlock_key(&text, request.passphrase.as_deref())?)
            }
        };

        Ok(CleanJob { request, reporter, policy, key })
    }

    /// Cleans `read` ([`crate::clean::clean`]) and writes it.
    fn run(self, read: Cow<'_, ReadTable>, read_ms: f64, sink: Sink) -> Result<JsValue, JsError> {
        let CleanJob { request, reporter, policy, key } = self;
        let dialect = if request.utf8 { read.dialect.to_utf8() } else { read.dialect.clone() };
        let config = match request.anonymise {
            None | Some(serde_json::Value::Null) => None,
            Some(value) => Some(AnonymiseConfig::from_value(value).map_err(|e| JsError::new(&e.to_string()))?),
        };
        let apply_options = ApplyOptions { correspondence: false, utf8: request.utf8, threads: 1 };
        let table = match read {
            Cow::Owned(read) => Cow::Owned(read.table),
            Cow::Borrowed(read) => Cow::Borrowed(&read.table),
        };
        let mut monitor = PageMonitor { reporter, last: f64::NEG_INFINITY, t1: now_ms(), t2: None };
        let outcome = clean::clean(table, &policy, key.as_ref(), &apply_options, config.as_ref(), &mut monitor);
        if let Some(e) = monitor.reporter.failure() {
            return Err(e);
        }
        let cleaned = outcome.map_err(|e| JsError::new(&e.to_string()))?;
        let PageMonitor { mut reporter, t1, t2, .. } = monitor;
        let t3 = now_ms();
        let t2 = t2.unwrap_or(t3);
        let (table, result) = (cleaned.table, cleaned.result);
        reporter.report("writing", &[]);
        let output = sink.write(&table, &dialect, &mut reporter)?;
        let t4 = now_ms();

        let out = js_sys::Object::new();
        set(&out, "output", &output)?;
        set(&out, "report", &to_js(&cleaned.report)?)?;
        set(
            &out,
            "result",
            &match &result {
                Some(r) => to_js(r)?,
                None => JsValue::NULL,
            },
        )?;
        set(&out, "dialect", &to_js(&dialect)?)?;
        set(&out, "header", &header_of(&table).into())?;
        set(&out, "preview", &rows_of(&table, 0, request.preview_rows).into())?;
        let timings = js_sys::Object::new();
        set(&timings, "read_ms", &JsValue::from_f64(read_ms))?;
        set(&timings, "apply_ms", &JsValue::from_f64(t2 - t1))?;
        set(&timings, "search_ms", &JsValue::from_f64(t3 - t2))?;
        set(&timings, "write_ms", &JsValue::from_f64(t4 - t3))?;
        set(&out, "timings", &timings.into())?;
        Ok(out.into())
    }
}
