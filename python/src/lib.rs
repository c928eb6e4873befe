//! `masque._masque`, the native half of the Python package `masque`: a thin
//! shell over `masque-core`, as the command line and the wasm module are.
//!
//! The Python half (`python/masque/__init__.py`) turns keyword arguments into
//! the core's option documents (JSON text, unknown fields rejected by the
//! core's serde types) and the JSON results back into dicts; this half reads
//! the input (a path, streamed; bytes; Arrow data through the C data
//! interface), calls the core exactly as `src/cli/*.rs` does, and gives back
//! the output in the input's form (file bytes in the input's dialect, or
//! Arrow) with the report as JSON text, so the dicts are the CLI's JSON.
//!
//! Errors become `MasqueError` in one place (`error.rs`). The key lives in a
//! `Key` object whose `repr` shows its fingerprint only.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::{Array, RecordBatch};
use arrow_cast::cast;
use arrow_schema::{DataType, SchemaRef};
use masque_core::clean::{clean_with_population, CleanMonitor};
use masque_core::policy::{apply_owned, ApplyOptions, Policy};
use masque_core::privacy::AnalysisOptions;
use masque_core::pseudo::{KdfParams, Key, KeyFile};
use masque_core::search::{AnonymiseConfig, Anonymised, Progress};
use masque_core::table::{
    read_table, read_table_from, Column, Dialect, Encoding, Format, LineEnding, ReadOptions, ReadTable, SetAside,
    Table, TableWriter,
};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyTuple};
use pyo3_arrow::{PyRecordBatch, PyTable};
use zeroize::Zeroizing;

mod arrow;
mod error;

use error::{Failure, MasqueError};

/// The largest policy, configuration, hierarchy or key file read: the CLI's caps.
const DOCUMENT_CAP: u64 = 64 << 20;
const KEY_CAP: u64 = 64 << 10;

/// A table to read: a file, its bytes, or Arrow data.
enum Source {
    Path(PathBuf),
    Bytes(Vec<u8>),
    /// One record batch (the output is one record batch too).
    Batch(RecordBatch),
    /// A stream of record batches (a `pyarrow.Table`; the output is a table).
    Stream(SchemaRef, Vec<RecordBatch>),
}

impl Source {
    fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Source> {
        if obj.hasattr("__arrow_c_array__")? {
            return Ok(Source::Batch(obj.extract::<PyRecordBatch>()?.into_inner()));
        }
        if obj.hasattr("__arrow_c_stream__")? {
            let (batches, schema) = obj.extract::<PyTable>()?.into_inner();
            return Ok(Source::Stream(schema, batches));
        }
        if let Ok(bytes) = obj.cast::<PyBytes>() {
            return Ok(Source::Bytes(bytes.as_bytes().to_vec()));
        }
        if let Ok(bytes) = obj.cast::<PyByteArray>() {
            return Ok(Source::Bytes(bytes.to_vec()));
        }
        match obj.extract::<PathBuf>() {
            Ok(path) => Ok(Source::Path(path)),
            Err(_) => Err(Failure::new(
                "bad_source",
                "the input must be a path, bytes, or Arrow data (pyarrow.Table, RecordBatch)",
            )
            .into()),
        }
    }

    /// How the output goes back: `None` as file bytes, `Some(true)` as one
    /// record batch, `Some(false)` as a table.
    fn arrow(&self) -> Option<bool> {
        match self {
            Source::Batch(_) => Some(true),
            Source::Stream(..) => Some(false),
            _ => None,
        }
    }

    /// The table and the dialect to write it back in (Arrow data: UTF-8 CSV).
    fn read(self, options: &ReadOptions) -> Result<ReadTable, Failure> {
        match self {
            Source::Path(path) => {
                let file =
                    std::fs::File::open(&path).map_err(|e| at(&path, "io", format!("cannot read: {}", e.kind())))?;
                let size = file.metadata().ok().map(|m| m.len());
                read_table_from(file, size, options).map_err(|e| at(&path, e.code(), e))
            }
            Source::Bytes(bytes) => Ok(read_table(&bytes, options)?),
            Source::Batch(batch) => arrow_read(&batch.schema(), std::slice::from_ref(&batch)),
            Source::Stream(schema, batches) => arrow_read(&schema, &batches),
        }
    }
}

/// The dialect given to Arrow data (used only if it is written as a file).
fn arrow_dialect() -> Dialect {
    Dialect {
        format: Format::Csv,
        delimiter: b',',
        encoding: Encoding::Utf8,
        bom: false,
        line_ending: LineEnding::Lf,
        final_newline: true,
        sheet: None,
    }
}

fn arrow_read(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<ReadTable, Failure> {
    let table = arrow::table_of(schema, batches)?;
    Ok(ReadTable { table, dialect: arrow_dialect(), warnings: Vec::new(), set_aside: SetAside::default() })
}

/// A failure about a file, as the CLI words it (`path: message`).
fn at(path: &Path, code: &str, message: impl std::fmt::Display) -> Failure {
    Failure::new(code, format!("{}: {message}", path.display()))
}

/// What a transformed table goes back as: Arrow in the input's shape, or the
/// file's bytes in the input's dialect (UTF-8 with `utf8`).
struct Shape {
    arrow: Option<bool>,
    dialect: Dialect,
}

impl Shape {
    fn of(arrow: Option<bool>, read: &ReadTable, utf8: bool) -> Shape {
        Shape { arrow, dialect: if utf8 { read.dialect.to_utf8() } else { read.dialect.clone() } }
    }

    /// The table as a Python object: `bytes`, a `pyarrow.Table` or a `pyarrow.RecordBatch`.
    fn output(&self, py: Python<'_>, table: &Table) -> PyResult<Py<PyAny>> {
        match self.arrow {
            None => {
                let writer = TableWriter::new(table, &self.dialect).map_err(Failure::from)?;
                let mut bytes = Vec::new();
                let mut writer = writer;
                while writer.fill(&mut bytes, usize::MAX) {}
                Ok(PyBytes::new(py, &bytes).into_any().unbind())
            }
            Some(one_batch) => {
                let schema = arrow::schema_of(table);
                let batches = arrow::batches_of(table, &schema)?;
                if one_batch && batches.len() == 1 {
                    let batch = batches.into_iter().next().ok_or_else(|| Failure::new("arrow", "no batch"))?;
                    return Ok(PyRecordBatch::new(batch).into_pyarrow(py)?.unbind());
                }
                let table = PyTable::try_new(batches, schema)?;
                let table = table.into_pyarrow(py)?;
                if one_batch {
                    // A record batch in, a record batch out, even past one output batch.
                    return Ok(table.call_method0("combine_chunks")?.call_method0("to_batches")?.get_item(0)?.unbind());
                }
                Ok(table.unbind())
            }
        }
    }
}

fn read_options(json: &str) -> Result<ReadOptions, Failure> {
    serde_json::from_str(json).map_err(|e| Failure::new("bad_option", format!("invalid read options: {e}")))
}

/// The population table of `anonymise`, `clean` and `analyse`: `given` (a
/// path, bytes or Arrow data), else the table `named` by the configuration
/// (or the policy's `anonymise` section), relative to `base` (the folder of
/// the document, as the CLI reads it beside it). Without a folder (a
/// document given as a dict or text), only `given` gives one.
fn population_source(
    given: Option<&Bound<'_, PyAny>>,
    named: Option<&str>,
    base: Option<&Path>,
) -> PyResult<Option<Source>> {
    Ok(match (given.map(Source::extract).transpose()?, named, base) {
        (None, Some(name), Some(base)) => Some(Source::Path(base.join(name))),
        (given, ..) => given,
    })
}

/// Reads the population table (as the input, with `options`), if any.
fn read_population(population: Option<Source>, options: &ReadOptions) -> Result<Option<Table>, Failure> {
    Ok(population.map(|p| p.read(options)).transpose()?.map(|read| read.table))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| Failure::new("internal", format!("internal error: {e}")))
}

/// Reads a whole regular file of at most `cap` bytes, as text (UTF-8, BOM
/// skipped, else Windows-1252), as the CLI reads documents.
fn read_capped(path: &Path, cap: u64, what: &str) -> Result<Zeroizing<String>, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| e.kind().to_string();
    if !std::fs::metadata(path).map_err(cannot)?.is_file() {
        return Err(format!("not a regular file ({what} is read only from a regular file)"));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(cap + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > cap {
        return Err(format!("larger than {} KiB (the most {what} may hold)", cap >> 10));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(Zeroizing::new(match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }))
}

/// The reader of the files a document names, relative to `base` (hierarchy files).
fn relative_files(base: Option<PathBuf>) -> impl FnMut(&str) -> Result<String, String> {
    let base = base.unwrap_or_default();
    move |relative| {
        let file = base.join(relative);
        read_capped(&file, DOCUMENT_CAP, "a hierarchy file")
            .map(|text| text.to_string())
            .map_err(|message| format!("cannot read {}: {message}", file.display()))
    }
}

/// A policy from its JSON text, its hierarchy files read relative to `base`.
fn load_policy(json: &str, base: Option<PathBuf>) -> Result<Policy, Failure> {
    let mut policy = Policy::from_json(json)?;
    policy.resolve_files(relative_files(base))?;
    Ok(policy)
}

/// An anonymisation configuration from its JSON text, or the `anonymise`
/// section of a policy (as `masque anonymise --config`).
fn load_config(json: &str, base: Option<PathBuf>) -> Result<AnonymiseConfig, Failure> {
    let is_policy = serde_json::from_str::<serde_json::Value>(json)
        .is_ok_and(|v| v.get("version").is_some() && v.get("columns").is_some());
    let mut config = if is_policy {
        let policy = Policy::from_json(json)?;
        let section = policy.anonymise.ok_or_else(|| {
            Failure::new("config", "this policy has no `anonymise` section (the anonymisation configuration)")
        })?;
        AnonymiseConfig::from_value(section)?
    } else {
        AnonymiseConfig::from_json(json)?
    };
    config.resolve_files(relative_files(base))?;
    Ok(config)
}

/// The project key. Its `repr` shows the fingerprint only; the key itself
/// leaves it only through `key_file_json()` and `save()`.
#[pyclass(module = "masque", name = "Key", frozen)]
struct PyKey {
    key: Key,
    /// The key file it was made from or will be saved as (holds the key, unless
    /// a passphrase key file without `store_key`).
    file: KeyFile,
}

fn random_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>, Failure> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(&mut bytes[..]).map_err(|e| Failure::new("random", format!("no secure random source: {e}")))?;
    Ok(bytes)
}

#[pymethods]
impl PyKey {
    /// A new random 256-bit key (the operating system's secure random source).
    #[staticmethod]
    fn generate() -> PyResult<PyKey> {
        let random = random_bytes::<32>()?;
        let key = Key::from_random(*random);
        let file = KeyFile::for_key(&key);
        Ok(PyKey { key, file })
    }

    /// A key derived from a passphrase (Argon2id, RFC 9106 parameters, a new
    /// random salt); with `store_key` the key file holds the derived key too.
    #[staticmethod]
    #[pyo3(signature = (passphrase, store_key = false))]
    fn from_passphrase(py: Python<'_>, passphrase: &str, store_key: bool) -> PyResult<PyKey> {
        if passphrase.is_empty() {
            return Err(Failure::new("key", "the passphrase is empty").into());
        }
        let salt = random_bytes::<16>()?;
        let params = KdfParams::rfc9106();
        let secret = Zeroizing::new(passphrase.as_bytes().to_vec());
        let key = py.detach(|| Key::derive(&secret, &salt[..], &params)).map_err(Failure::from)?;
        let file = KeyFile::for_passphrase_key(&key, &salt[..], &params, store_key);
        Ok(PyKey { key, file })
    }

    /// A key from a key file's JSON text (`masque keygen`'s format), with its
    /// passphrase for a passphrase key file that does not store the key.
    #[staticmethod]
    #[pyo3(signature = (text, passphrase = None))]
    fn from_json(py: Python<'_>, text: &str, passphrase: Option<&str>) -> PyResult<PyKey> {
        Ok(py.detach(|| unlock(text, passphrase))?)
    }

    /// A key from a key file (at most 64 KiB, a regular file).
    #[staticmethod]
    #[pyo3(signature = (path, passphrase = None))]
    fn load(py: Python<'_>, path: PathBuf, passphrase: Option<&str>) -> PyResult<PyKey> {
        let text =
            read_capped(&path, KEY_CAP, "a key file").map_err(|m| at(&path, "io", format!("cannot read: {m}")))?;
        Ok(py.detach(|| unlock(&text, passphrase)).map_err(|e| e.at(&path))?)
    }

    /// The public fingerprint (`xxxx-xxxx-xxxx-xxxx`).
    #[getter]
    fn fingerprint(&self) -> String {
        self.key.fingerprint()
    }

    /// The key file's JSON text. Secret: it holds the key (unless made from a
    /// passphrase without `store_key`).
    fn key_file_json(&self) -> String {
        self.file.to_json()
    }

    /// Writes the key file, readable by its owner only (0600); an existing
    /// file is replaced only with `force`.
    #[pyo3(signature = (path, force = false))]
    fn save(&self, path: PathBuf, force: bool) -> PyResult<()> {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true);
        if force {
            options.create(true).truncate(true);
        } else {
            options.create_new(true);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let text = Zeroizing::new(self.file.to_json());
        let cannot = |e: std::io::Error| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                at(
                    &path,
                    "exists",
                    "already exists; a new key would give new, unlinkable pseudonyms (force=True replaces it)",
                )
            } else {
                at(&path, "io", format!("cannot write: {}", e.kind()))
            }
        };
        let mut file = options.open(&path).map_err(cannot)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(cannot)?;
        }
        file.write_all(text.as_bytes()).map_err(cannot)?;
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!("Key(fingerprint='{}')", self.key.fingerprint())
    }

    fn __str__(&self) -> String {
        self.__repr__()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyKey>().is_ok_and(|o| o.get().key == self.key)
    }

    fn __hash__(&self) -> u64 {
        let f = self.key.fingerprint().replace('-', "");
        u64::from_str_radix(&f, 16).unwrap_or(0)
    }

    /// Keys are not pickled (a pickle would carry the key in the clear);
    /// pass `key_file_json()` where a copy must travel.
    fn __reduce__(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "a masque Key is not pickled; pass Key.key_file_json() where a copy must travel",
        ))
    }
}

/// The key of a key file's text, unlocked with `passphrase` if given.
fn unlock(text: &str, passphrase: Option<&str>) -> Result<PyKey, Failure> {
    let file = KeyFile::from_json(text)?;
    let passphrase = passphrase.map(|p| Zeroizing::new(p.as_bytes().to_vec()));
    let key = file.unlock(passphrase.as_ref().map(|p| p.as_slice())).map_err(|e| {
        let hint = if file.needs_passphrase() && passphrase.is_none() { " (pass passphrase=...)" } else { "" };
        Failure::new("key", format!("{e}{hint}"))
    })?;
    Ok(PyKey { key, file })
}

/// `masque inspect --json`: dialect, rows, columns with suggestions.
#[pyfunction]
fn inspect(py: Python<'_>, source: &Bound<'_, PyAny>, read: &str) -> PyResult<String> {
    let source = Source::extract(source)?;
    let options = read_options(read)?;
    let json = py.detach(move || -> Result<String, Failure> {
        let read = source.read(&options)?;
        to_json(&masque_core::inspect::summarise(&read))
    })?;
    Ok(json)
}

/// `masque analyse --json`: the risk report. With `population` (a path,
/// bytes or Arrow data, read as the input), `masque analyse
/// --population-table`'s: the report's `population_table` holds the
/// classes' matches in that table (k-map, δ-presence).
#[pyfunction]
#[pyo3(signature = (source, read, options, population = None))]
fn analyse(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    read: &str,
    options: &str,
    population: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let source = Source::extract(source)?;
    let population = population_source(population, None, None)?;
    let read_options = read_options(read)?;
    let options: AnalysisOptions = serde_json::from_str(options)
        .map_err(|e| Failure::new("bad_option", format!("invalid analysis options: {e}")))?;
    let json = py.detach(move || -> Result<String, Failure> {
        let read = source.read(&read_options)?;
        let report = masque_core::privacy::analyse(&read.table, &options, None)?;
        let Some(population) = read_population(population, &read_options)? else { return to_json(&report) };
        let marker = options.suppressed_marker.as_deref();
        let matches = masque_core::search::population_table::measure(&read.table, &population, &options.qi, marker)
            .map_err(|e| Failure::new(e.code(), format!("population table: {e}")))?;
        let mut value =
            serde_json::to_value(&report).map_err(|e| Failure::new("internal", format!("internal error: {e}")))?;
        if let Some(object) = value.as_object_mut() {
            let matches =
                serde_json::to_value(&matches).map_err(|e| Failure::new("internal", format!("internal error: {e}")))?;
            object.insert("population_table".to_string(), matches);
        }
        to_json(&value)
    })?;
    Ok(json)
}

/// The risk report of a weighted table (`privacy::analyse_weighted`): Arrow
/// data whose column `weight` holds each row's count, the other columns its
/// values (what `GROUP BY ... COUNT(*)` gives).
#[pyfunction]
fn analyse_weighted(py: Python<'_>, data: &Bound<'_, PyAny>, weight: &str, options: &str) -> PyResult<String> {
    let (batches, schema) = data.extract::<PyTable>()?.into_inner();
    let options: AnalysisOptions = serde_json::from_str(options)
        .map_err(|e| Failure::new("bad_option", format!("invalid analysis options: {e}")))?;
    let json = py.detach(move || -> Result<String, Failure> {
        let (schema, projected, weights) = split_weights(&schema, &batches, weight)?;
        let table = arrow::table_of(&schema, &projected)?;
        to_json(&masque_core::privacy::analyse_weighted(&table, &weights, &options)?)
    })?;
    Ok(json)
}

/// The weights of column `weight` of Arrow batches, and the batches without it.
fn split_weights(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    weight: &str,
) -> Result<(SchemaRef, Vec<RecordBatch>, Vec<u64>), Failure> {
    let index =
        schema.index_of(weight).map_err(|_| Failure::new("unknown_column", format!("no weight column `{weight}`")))?;
    let mut weights: Vec<u64> = Vec::new();
    for batch in batches {
        let column = cast(batch.column(index), &DataType::UInt64).map_err(|_| {
            Failure::new("bad_weight", format!("the weight column `{weight}` must hold whole numbers of at least 1"))
        })?;
        let column = column
            .as_any()
            .downcast_ref::<arrow_array::UInt64Array>()
            .ok_or_else(|| Failure::new("bad_weight", "the weights are not whole numbers"))?;
        if column.null_count() > 0 {
            return Err(Failure::new("bad_weight", format!("the weight column `{weight}` has nulls")));
        }
        weights.extend(column.values().iter());
    }
    let keep: Vec<usize> = (0..schema.fields().len()).filter(|&i| i != index).collect();
    let bad = |e: arrow_schema::ArrowError| Failure::new("arrow", format!("cannot read the Arrow data: {e}"));
    let projected: Vec<RecordBatch> =
        batches.iter().map(|b| b.project(&keep)).collect::<Result<_, _>>().map_err(bad)?;
    let schema = Arc::new(schema.project(&keep).map_err(bad)?);
    Ok((schema, projected, weights))
}

/// `masque anonymise` on a weighted table (Arrow data whose column `weight`
/// holds each distinct row's count), by `search::anonymise_weighted`: the
/// result is `masque anonymise`'s on the rows. Returns `(mapping, result JSON)`: the mapping has the input's
/// columns, then per quasi-identifier `<name>` its output value as
/// `__masque_out__<name>`, and `__masque_kept__` (false for removed rows).
#[pyfunction]
#[pyo3(signature = (data, weight, config, base = None, time_limit = None))]
fn anonymise_weighted(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    weight: &str,
    config: &str,
    base: Option<PathBuf>,
    time_limit: Option<f64>,
) -> PyResult<Py<PyTuple>> {
    let (batches, schema) = data.extract::<PyTable>()?.into_inner();
    let config = load_config(config, base)?;
    if config.recoding == masque_core::search::Recoding::Local {
        return Err(Failure::new(
            "local_recoding",
            "local recoding is not run on Spark: its groups depend on the order of the rows; use global recoding",
        )
        .into());
    }
    let limit = match time_limit {
        Some(s) if s.is_finite() && s > 0.0 && s < 1e9 => Some(Duration::from_secs_f64(s)),
        Some(_) => return Err(Failure::new("bad_option", "time_limit must be a positive number of seconds").into()),
        None => config.time_limit_ms.map(Duration::from_millis),
    };
    let qi: Vec<String> = config.quasi_identifiers.iter().map(|(name, _)| name.to_string()).collect();
    let (mapping, result) = py.detach(move || -> Result<_, Failure> {
        let (schema, batches, weights) = split_weights(&schema, &batches, weight)?;
        let distinct = arrow::table_of(&schema, &batches)?;
        let start = Instant::now();
        let mut monitor = |_: &Progress| limit.is_some_and(|l| start.elapsed() >= l);
        let done = masque_core::search::anonymise_weighted(&distinct, &weights, &config, &mut monitor)?;
        let mut mapping = distinct.columns;
        for name in &qi {
            let column =
                done.table.column(name).ok_or_else(|| Failure::new("internal", "a quasi-identifier was lost"))?;
            mapping.push(Column { name: format!("__masque_out__{name}"), ..column.clone() });
        }
        let kept = done.kept.iter().map(|&k| if k { "1" } else { "" });
        mapping.push(Column::from_values("__masque_kept__", kept));
        let mapping = Table::new(mapping).ok_or_else(|| Failure::new("internal", "columns of different lengths"))?;
        Ok((mapping, to_json(&done.result)?))
    })?;
    let shape = Shape { arrow: Some(false), dialect: arrow_dialect() };
    let mapping = shape.output(py, &mapping)?;
    Ok(PyTuple::new(py, [mapping, result.into_pyobject(py)?.into_any().unbind()])?.unbind())
}

/// A clock for the configuration's time limit (the core has none).
struct Clock(Instant);

impl CleanMonitor for Clock {
    fn now_ms(&mut self) -> Option<f64> {
        Some(self.0.elapsed().as_secs_f64() * 1000.0)
    }
}

/// `masque apply`: `(output, report JSON, correspondence or None)`.
#[pyfunction]
#[pyo3(signature = (source, read, policy, base = None, key = None, utf8 = false, correspondence = false, threads = 0))]
#[allow(clippy::too_many_arguments)]
fn apply(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    read: &str,
    policy: &str,
    base: Option<PathBuf>,
    key: Option<&Bound<'_, PyKey>>,
    utf8: bool,
    correspondence: bool,
    threads: usize,
) -> PyResult<Py<PyTuple>> {
    let source = Source::extract(source)?;
    let read_options = read_options(read)?;
    let policy = load_policy(policy, base)?;
    let key = key.map(|k| k.get());
    if key.is_none() && policy.needs_key() {
        return Err(Failure::new(
            "key_required",
            "the policy pseudonymises or shifts dates: pass key= (make one with masque.keygen())",
        )
        .into());
    }
    // `threads`: 0 for the machine's parallelism; 1 in a Spark task, which has its core.
    let options = ApplyOptions { correspondence, utf8, threads };
    let arrow = source.arrow();
    let (applied, shape) = py.detach(|| -> Result<_, Failure> {
        let read = source.read(&read_options)?;
        let shape = Shape::of(arrow, &read, utf8);
        let applied = apply_owned(read.table, &policy, key.map(|k| &k.key), &options)?;
        Ok((applied, shape))
    })?;
    let output = shape.output(py, &applied.table)?;
    let report = to_json(&applied.report)?;
    let correspondence = match &applied.correspondence {
        Some(table) => Some(shape.output(py, table)?),
        None => None,
    };
    Ok(PyTuple::new(
        py,
        [output, report.into_pyobject(py)?.into_any().unbind(), correspondence.into_pyobject(py)?.unbind()],
    )?
    .unbind())
}

/// `masque anonymise`: `(output, result JSON)`. `time_limit` (seconds)
/// overrides the configuration's `time_limit_ms`.
///
/// `population` (a path, bytes or Arrow data, read as the input) is the
/// population table the configuration names; without it, that name is read
/// relative to `base` (as `masque anonymise` reads it beside the
/// configuration).
#[pyfunction]
#[pyo3(signature = (source, read, config, base = None, time_limit = None, utf8 = false, population = None))]
#[allow(clippy::too_many_arguments)]
fn anonymise(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    read: &str,
    config: &str,
    base: Option<PathBuf>,
    time_limit: Option<f64>,
    utf8: bool,
    population: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyTuple>> {
    let source = Source::extract(source)?;
    let read_options = read_options(read)?;
    let config = load_config(config, base.clone())?;
    let population = population_source(population, config.population_table.as_deref(), base.as_deref())?;
    let limit = match time_limit {
        Some(s) if s.is_finite() && s > 0.0 && s < 1e9 => Some(Duration::from_secs_f64(s)),
        Some(_) => return Err(Failure::new("bad_option", "time_limit must be a positive number of seconds").into()),
        None => config.time_limit_ms.map(Duration::from_millis),
    };
    let arrow = source.arrow();
    let (done, shape) = py.detach(|| -> Result<_, Failure> {
        let population = read_population(population, &read_options)?;
        let read = source.read(&read_options)?;
        let shape = Shape::of(arrow, &read, utf8);
        let start = Instant::now();
        let mut monitor = |_: &Progress| limit.is_some_and(|l| start.elapsed() >= l);
        let done = Anonymised::from_owned_in(read.table, population.as_ref(), &config, &mut monitor)?;
        Ok((done, shape))
    })?;
    let output = shape.output(py, &done.table)?;
    let result = to_json(&done.result)?;
    Ok(PyTuple::new(py, [output, result.into_pyobject(py)?.into_any().unbind()])?.unbind())
}

/// `masque clean`: `(output, {"report", "result", "output"} JSON)`.
///
/// `population` (a path, bytes or Arrow data, read as the input) is the
/// population table the policy's `anonymise` section names; without it,
/// that name is read relative to `base` (as `masque clean` reads it beside
/// the policy). It holds the quasi-identifiers as the policy writes them.
#[pyfunction]
#[pyo3(signature = (source, read, policy, base = None, key = None, utf8 = false, population = None))]
#[allow(clippy::too_many_arguments)]
fn clean_table(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    read: &str,
    policy: &str,
    base: Option<PathBuf>,
    key: Option<&Bound<'_, PyKey>>,
    utf8: bool,
    population: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyTuple>> {
    let source = Source::extract(source)?;
    let read_options = read_options(read)?;
    let policy = load_policy(policy, base.clone())?;
    let named = policy.anonymise.as_ref().and_then(|s| s.get("population_table")).and_then(|n| n.as_str());
    let population = population_source(population, named, base.as_deref())?;
    let config = match &policy.anonymise {
        None => None,
        Some(section) => {
            let mut config = AnonymiseConfig::from_value(section.clone())
                .map_err(|e| Failure::new(e.code(), format!("anonymise: {e}")))?;
            config
                .resolve_files(relative_files(base))
                .map_err(|e| Failure::new(e.code(), format!("anonymise: {e}")))?;
            Some(config)
        }
    };
    let key = key.map(|k| k.get());
    if key.is_none() && policy.needs_key() {
        return Err(Failure::new(
            "key_required",
            "the policy pseudonymises or shifts dates: pass key= (make one with masque.keygen())",
        )
        .into());
    }
    let options = ApplyOptions { correspondence: false, utf8, threads: 0 };
    let arrow = source.arrow();
    let (cleaned, shape) = py.detach(|| -> Result<_, Failure> {
        let population = read_population(population, &read_options)?;
        let read = source.read(&read_options)?;
        let shape = Shape::of(arrow, &read, utf8);
        let mut clock = Clock(Instant::now());
        let cleaned = clean_with_population(
            Cow::Owned(read.table),
            population.as_ref(),
            &policy,
            key.map(|k| &k.key),
            &options,
            config.as_ref(),
            &mut clock,
        )?;
        Ok((cleaned, shape))
    })?;
    let output = shape.output(py, &cleaned.table)?;
    let report = to_json(&cleaned)?;
    Ok(PyTuple::new(py, [output, report.into_pyobject(py)?.into_any().unbind()])?.unbind())
}

/// A policy made ready to travel to Spark's executors: its hierarchy files
/// read (relative to `base`) into the document. Returns `(policy JSON,
/// whole-column problem or None)`: the first column whose transform needs
/// the whole column, with why (see `whole_column`).
#[pyfunction]
#[pyo3(signature = (policy, base = None))]
fn resolve_policy(policy: &str, base: Option<PathBuf>) -> PyResult<(String, Option<(String, String)>)> {
    let policy = load_policy(policy, base)?;
    Ok((to_json(&policy)?, whole_column(&policy)))
}

/// The first column of `policy` whose transform reads more than its own row:
/// today only `scrub` with `everywhere` (every surname and first name of the
/// file, in every row). Every other action works value by value, and
/// `date_shift` and `age_at` read only other columns of the same row.
fn whole_column(policy: &Policy) -> Option<(String, String)> {
    policy.columns.iter().find_map(|(name, action)| match action {
        masque_core::policy::Action::Scrub(s) if s.everywhere && s.names => Some((
            name.clone(),
            "scrub with `everywhere` looks for the names of the whole file in every row".to_string(),
        )),
        _ => None,
    })
}

/// The native module `masque._masque`.
#[pymodule]
fn _masque(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MasqueError", m.py().get_type::<MasqueError>())?;
    m.add_class::<PyKey>()?;
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    m.add_function(wrap_pyfunction!(analyse, m)?)?;
    m.add_function(wrap_pyfunction!(analyse_weighted, m)?)?;
    m.add_function(wrap_pyfunction!(apply, m)?)?;
    m.add_function(wrap_pyfunction!(anonymise, m)?)?;
    m.add_function(wrap_pyfunction!(clean_table, m)?)?;
    m.add_function(wrap_pyfunction!(resolve_policy, m)?)?;
    m.add_function(wrap_pyfunction!(anonymise_weighted, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
