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

use super::progress::{counts, Reporter};
use super::rewrite::{kept_table, read_timed, rewrite, timings, Outputs, Sink, Write};
use super::{now_ms, options, read_error, read_population, search_error, set, take_population, to_js};
use crate::clean::{self, CleanMonitor, Stage};
use crate::policy::{ApplyOptions, Policy};
use crate::privacy::AnalysisOptions;
use crate::pseudo::Key;
use crate::search::{AnonymiseConfig, Progress};
use crate::table::{read_table_from, ReadOptions, ReadTable, Table};

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

kept_table!(PreviewTable, |t| t.read.table);

#[wasm_bindgen]
impl PreviewTable {
    /// `new PreviewTable(bytes, readOptions?)`: reads a file (`readOptions` as for `inspect`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "ReadOptions | null | undefined")] read_options: JsValue,
    ) -> Result<PreviewTable, JsValue> {
        let read: ReadOptions = options(read_options, "read options")?;
        let (read, read_ms) = read_timed(bytes, &read)?;
        Ok(PreviewTable { read, read_ms })
    }

    /// `PreviewTable.fromReader(size, read, readOptions?)`: reads a file of
    /// `size` bytes by chunks, `read(offset, length)` returning a `Uint8Array`
    /// of at most `length` bytes from `offset`. Only the table is kept in wasm
    /// memory, never the whole file. A callback that throws, returns something
    /// else or nothing is an `io` error.
    #[wasm_bindgen(js_name = fromReader)]
    pub fn from_reader(
        size: f64,
        #[wasm_bindgen(unchecked_param_type = "(offset: number, length: number) => Uint8Array")] read: js_sys::Function,
        #[wasm_bindgen(unchecked_param_type = "ReadOptions | null | undefined")] read_options: JsValue,
    ) -> Result<PreviewTable, JsValue> {
        let options: ReadOptions = options(read_options, "read options")?;
        let t0 = now_ms();
        let chunks = std::io::BufReader::with_capacity(CHUNK_BYTES, JsChunks { read, offset: 0.0, size });
        let read = read_table_from(chunks, Some(size as u64), &options).map_err(read_error)?;
        Ok(PreviewTable { read, read_ms: now_ms() - t0 })
    }

    /// `table.inspection()`: what `inspect` says of this file.
    #[wasm_bindgen(unchecked_return_type = "Inspection")]
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
    #[wasm_bindgen(unchecked_return_type = "CleanOutput")]
    pub fn clean(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CleanRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CleanProgressCallback | null | undefined")] progress: JsValue,
        #[wasm_bindgen(unchecked_param_type = "((chunk: Uint8Array) => void) | null | undefined")] sink: JsValue,
    ) -> Result<JsValue, JsValue> {
        let sink = Sink::of(sink)?;
        CleanJob::new(request, progress)?.run(Cow::Borrowed(&self.read), self.read_ms, sink)
    }

    /// `table.cleanOnce(request, progress?, sink?)`: as `clean`, but the
    /// cleaning takes the kept table over instead of copying it, so a file
    /// close to the memory's limit can still be cleaned. The `PreviewTable`
    /// is freed by the call (also when it fails): open the file again to
    /// preview or clean it once more.
    #[wasm_bindgen(js_name = cleanOnce, unchecked_return_type = "CleanOutput")]
    pub fn clean_once(
        self,
        #[wasm_bindgen(unchecked_param_type = "CleanRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CleanProgressCallback | null | undefined")] progress: JsValue,
        #[wasm_bindgen(unchecked_param_type = "((chunk: Uint8Array) => void) | null | undefined")] sink: JsValue,
    ) -> Result<JsValue, JsValue> {
        let sink = Sink::of(sink)?;
        let PreviewTable { read, read_ms } = self;
        CleanJob::new(request, progress)?.run(Cow::Owned(read), read_ms, sink)
    }

    /// `table.slice(start, count)`: rows `start..start+count` (0-based, clamped
    /// to the table) as an array of arrays of strings, in column order.
    #[wasm_bindgen(unchecked_return_type = "string[][]")]
    pub fn slice(&self, start: usize, count: usize) -> js_sys::Array {
        rows_of(&self.read.table, start, count)
    }

    /// `table.analyse(options)`: the risk report, as the wasm `analyse`.
    #[wasm_bindgen(unchecked_return_type = "RiskReport")]
    pub fn analyse(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AnalysisOptions")] options_value: JsValue,
    ) -> Result<JsValue, JsError> {
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
    /// How to read the population table (`population_table`, taken out of
    /// the request before it is parsed: see [`take_population`]); sniffed
    /// like the input by default.
    population_read: ReadOptions,
    /// Write UTF-8 instead of the input's encoding.
    utf8: bool,
    /// How many rows of the cleaned table to return as a preview (default 0).
    preview_rows: usize,
}

/// The [`CleanMonitor`] of the page: stages and (at most every 100 ms) the
/// search's progress go to the progress callback, which may stop the search;
/// the page's clock applies the time limit and times the stages.
struct PageMonitor<'r> {
    reporter: &'r mut Reporter,
    /// When the policy began, and the search (if any).
    t1: f64,
    t2: Option<f64>,
}

impl CleanMonitor for PageMonitor<'_> {
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
        self.reporter.phase(phase, &[]);
        // An exception thrown by the callback ends the job.
        self.reporter.threw()
    }

    fn progress(&mut self, p: &Progress, elapsed_ms: Option<f64>) -> bool {
        self.reporter.search(now_ms(), || {
            let mut fields = vec![("phase", JsValue::from_str("searching"))];
            fields.extend(counts(p));
            fields.push(("elapsed_ms", JsValue::from_f64(elapsed_ms.unwrap_or_default())));
            fields
        })
    }

    fn now_ms(&mut self) -> Option<f64> {
        Some(now_ms())
    }
}

/// `clean(bytes, request, progress?)`: applies a policy, then anonymises, in one pass.
///
/// `request`: `{policy, key, passphrase?, anonymise?, read?, utf8?,
/// preview_rows?, population_table?, population_read?}` (unknown fields are
/// errors). `population_table`, a `Uint8Array` of a CSV/TSV file or workbook
/// (read with `population_read`, sniffed by default), is the population table
/// the configuration's `population_table` names (k-map counted in it,
/// δ-presence): not transformed by the policy, it holds the
/// quasi-identifiers as the policy writes them. The result's
/// `population_table` then has the k-map and δ figures. `progress` (optional) is called with
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
#[wasm_bindgen(unchecked_return_type = "CleanOutput")]
pub fn clean(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "CleanRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CleanProgressCallback | null | undefined")] progress: JsValue,
) -> Result<JsValue, JsValue> {
    let mut job = CleanJob::new(request, progress)?;
    job.reporter.phase("reading", &[]);
    let (read, read_ms) = read_timed(bytes, &job.request.read)?;
    job.run(Cow::Owned(read), read_ms, Sink::Whole)
}

/// A [`clean`] request, checked, with its policy, key and population table ready.
struct CleanJob {
    request: CleanRequest,
    reporter: Reporter,
    policy: Policy,
    key: Option<Key>,
    population: Option<Table>,
}

impl CleanJob {
    fn new(request: JsValue, progress: JsValue) -> Result<CleanJob, JsValue> {
        let (request, population_bytes) = take_population(request, "clean request")?;
        let request: CleanRequest = options(request, "clean request")?;
        let reporter = Reporter::new(progress)?;

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

        let population = read_population(population_bytes, &request.population_read)?;

        Ok(CleanJob { request, reporter, policy, key, population })
    }

    /// Cleans `read` ([`crate::clean::clean`]) and writes it.
    fn run(self, read: Cow<'_, ReadTable>, read_ms: f64, sink: Sink) -> Result<JsValue, JsValue> {
        let CleanJob { request, mut reporter, policy, key, population } = self;
        let config = match request.anonymise {
            None | Some(serde_json::Value::Null) => None,
            Some(value) => Some(AnonymiseConfig::from_value(value).map_err(|e| JsError::new(&e.to_string()))?),
        };
        // The request's `utf8`, or the policy's `output.utf8`.
        let utf8 = request.utf8 || policy.output.utf8;
        let apply_options = ApplyOptions { correspondence: false, utf8, threads: 1 };
        let (table, dialect, set_aside) = match read {
            Cow::Owned(read) => (Cow::Owned(read.table), read.dialect, read.set_aside),
            Cow::Borrowed(read) => (Cow::Borrowed(&read.table), read.dialect.clone(), read.set_aside.clone()),
        };
        // When the policy began, the search (if any), and the writing.
        let (mut t1, mut t2, mut t3) = (now_ms(), None, 0.0);
        let write = Write { utf8, hint: Some("write UTF-8 instead"), sink, reporter: &mut reporter };
        // A search error leaves with its code and data (`search_error`), which
        // `rewrite`'s `JsError` cannot carry.
        let mut search_failed = None;
        let done = rewrite(
            table,
            &dialect,
            write,
            |table, reporter| {
                let mut monitor = PageMonitor { reporter, t1, t2: None };
                let outcome = clean::clean_with_population(
                    table,
                    population.as_ref(),
                    &policy,
                    key.as_ref(),
                    &apply_options,
                    config.as_ref(),
                    &mut monitor,
                );
                if let Some(e) = monitor.reporter.failure() {
                    return Err(e);
                }
                let cleaned = match outcome {
                    Ok(cleaned) => cleaned.with_set_aside(&set_aside),
                    Err(clean::CleanError::Search(e)) => {
                        search_failed = Some(search_error(&e));
                        return Err(JsError::new(&e.to_string()));
                    }
                    Err(e) => return Err(JsError::new(&e.to_string())),
                };
                (t1, t2, t3) = (monitor.t1, monitor.t2, now_ms());
                monitor.reporter.phase("writing", &[]);
                Ok(cleaned)
            },
            |cleaned| Outputs { table: &cleaned.table, extra: None },
        )
        .map_err(|e| search_failed.take().unwrap_or_else(|| e.into()))?;
        let (t2, t4) = (t2.unwrap_or(t3), done.written);
        let cleaned = done.done;

        let out = js_sys::Object::new();
        set(&out, "output", &done.output)?;
        set(&out, "report", &to_js(&cleaned.report)?)?;
        set(
            &out,
            "result",
            &match &cleaned.result {
                Some(r) => to_js(r)?,
                None => JsValue::NULL,
            },
        )?;
        set(&out, "output_summary", &to_js(&cleaned.output)?)?;
        set(&out, "dialect", &to_js(&done.dialect)?)?;
        set(&out, "header", &header_of(&cleaned.table).into())?;
        set(&out, "preview", &rows_of(&cleaned.table, 0, request.preview_rows).into())?;
        timings(&out, &[("read_ms", read_ms), ("apply_ms", t2 - t1), ("search_ms", t3 - t2), ("write_ms", t4 - t3)])?;
        Ok(out.into())
    }
}
