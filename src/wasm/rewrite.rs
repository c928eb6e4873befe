//! Read -> transform -> write: the one pipeline of the wasm `apply`,
//! `anonymise` (and `AnonymiseTable.anonymise`) and `clean` (and
//! `PreviewTable.clean`/`cleanOnce`), timed with the page's clock; and the
//! tables kept in wasm memory (`PreviewTable`, `AnalysisTable`,
//! `AnonymiseTable`), whose getters [`kept_table!`] writes once.

use std::borrow::Cow;

use wasm_bindgen::{prelude::*, JsCast};

use super::progress::{message_of, Reporter};
use super::{now_ms, read_error, set};
use crate::table::{read_table, Dialect, ReadOptions, ReadTable, Table, TableWriter, WriteError};

/// Reads a file, timed: the table and the milliseconds reading took. A file
/// that cannot be read throws a [`read_error`].
pub(crate) fn read_timed(bytes: &[u8], options: &ReadOptions) -> Result<(ReadTable, f64), JsValue> {
    let t0 = now_ms();
    let read = read_table(bytes, options).map_err(read_error)?;
    Ok((read, now_ms() - t0))
}

/// Where a written file goes: returned whole, or by chunks to a function.
pub(crate) enum Sink {
    Whole,
    Chunks(js_sys::Function),
}

/// The size of the chunks a [`Sink::Chunks`] receives, about.
const OUTPUT_CHUNK_BYTES: usize = 4 << 20;

impl Sink {
    /// `undefined` or `null`: whole; a function: by chunks.
    pub(crate) fn of(value: JsValue) -> Result<Sink, JsError> {
        if value.is_undefined() || value.is_null() {
            return Ok(Sink::Whole);
        }
        let f = value.dyn_into().map_err(|_| JsError::new("invalid sink: not a function"))?;
        Ok(Sink::Chunks(f))
    }

    /// Writes `writer`'s table here: the whole output as a `Uint8Array`, or
    /// `null` once every chunk went to the function. Progress goes to
    /// `reporter` as `{phase: "writing", done, total}` (bytes, `total` an
    /// estimate) after each chunk.
    fn write(&self, mut writer: TableWriter<'_>, reporter: &mut Reporter) -> Result<JsValue, JsError> {
        let total = writer.size_hint() as f64;
        let sink = match self {
            Sink::Whole => return Ok(whole(writer).into()),
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
            reporter.phase("writing", &[("done", done.into()), ("total", total.max(done).into())]);
            if let Some(e) = reporter.failure() {
                return Err(e);
            }
            if !more {
                return Ok(JsValue::NULL);
            }
        }
    }
}

/// The whole output of `writer`, as a `Uint8Array`.
fn whole(mut writer: TableWriter<'_>) -> js_sys::Uint8Array {
    let mut out = Vec::with_capacity(writer.size_hint());
    writer.fill(&mut out, usize::MAX);
    js_sys::Uint8Array::from(out.as_slice())
}

/// How a [`rewrite`] writes.
pub(crate) struct Write<'r> {
    /// Write UTF-8 instead of the input's encoding.
    pub utf8: bool,
    /// What the message of a value the output's encoding cannot hold adds,
    /// in parentheses (how to write UTF-8 instead), if anything.
    pub hint: Option<&'r str>,
    /// Where the output goes.
    pub sink: Sink,
    /// Where the transformation's and the sink's progress goes.
    pub reporter: &'r mut Reporter,
}

/// What the transformation gives [`rewrite`] to write.
pub(crate) struct Outputs<'t> {
    /// The output table, written to the sink.
    pub table: &'t Table,
    /// Another table written whole (`apply`'s correspondence), if any.
    pub extra: Option<&'t Table>,
}

/// What [`rewrite`] did: the transformation's result, what was written and
/// when (the page's clock, in milliseconds).
pub(crate) struct Rewritten<T> {
    pub done: T,
    /// The dialect written: the input's, or its UTF-8 twin.
    pub dialect: Dialect,
    /// The output (a `Uint8Array`, or `null` when it went by chunks).
    pub output: JsValue,
    /// [`Outputs::extra`], written whole.
    pub extra: Option<js_sys::Uint8Array>,
    /// When the transformation began and ended, and when the writing ended.
    pub started: f64,
    pub transformed: f64,
    pub written: f64,
}

/// Transforms `table`, read in `dialect`, with `transform` (given the
/// reporter), then writes what `outputs` picks from the result in that
/// dialect (or UTF-8): every table is checked encodable before any is written.
pub(crate) fn rewrite<'a, T>(
    table: Cow<'a, Table>,
    dialect: &Dialect,
    write: Write<'_>,
    transform: impl FnOnce(Cow<'a, Table>, &mut Reporter) -> Result<T, JsError>,
    outputs: impl FnOnce(&T) -> Outputs<'_>,
) -> Result<Rewritten<T>, JsError> {
    let Write { utf8, hint, sink, reporter } = write;
    let started = now_ms();
    let dialect = if utf8 { dialect.to_utf8() } else { dialect.clone() };
    let done = transform(table, reporter)?;
    let transformed = now_ms();
    let Outputs { table, extra } = outputs(&done);
    let unencodable = |e: WriteError| match hint {
        Some(hint) => JsError::new(&format!("{e} ({hint})")),
        None => JsError::new(&e.to_string()),
    };
    let writer = TableWriter::new(table, &dialect).map_err(unencodable)?;
    let extra = match extra {
        Some(table) => Some(TableWriter::new(table, &dialect).map_err(unencodable)?),
        None => None,
    };
    let output = sink.write(writer, reporter)?;
    let extra = extra.map(whole);
    let written = now_ms();
    Ok(Rewritten { done, dialect, output, extra, started, transformed, written })
}

/// The `timings` object of a result: `{name: milliseconds, ...}`, in order.
pub(crate) fn timings(result: &js_sys::Object, spans: &[(&str, f64)]) -> Result<(), JsError> {
    let timings = js_sys::Object::new();
    for (name, ms) in spans {
        set(&timings, name, &JsValue::from_f64(*ms))?;
    }
    set(result, "timings", &timings.into())
}

/// The column names of `table`, in file order.
pub(crate) fn column_names(table: &Table) -> Vec<String> {
    table.columns.iter().map(|c| c.name.clone()).collect()
}

/// The getters of a class that keeps a table in wasm memory, written once:
/// `kept_table!(Class, |self_| table)` gives `Class` the JS getters `rows`
/// (the number of data rows) and `columns` (the column names, in file order)
/// of the table the closure-like expression names.
macro_rules! kept_table {
    ($class:ident, |$this:ident| $table:expr) => {
        #[wasm_bindgen]
        impl $class {
            /// The number of data rows.
            #[wasm_bindgen(getter)]
            pub fn rows(&self) -> usize {
                let $this = self;
                $table.rows
            }

            /// The column names, in file order.
            #[wasm_bindgen(getter)]
            pub fn columns(&self) -> Vec<String> {
                let $this = self;
                $crate::wasm::rewrite::column_names(&$table)
            }
        }
    };
}
pub(crate) use kept_table;
