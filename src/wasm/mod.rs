//! The JavaScript boundary: the only module that knows wasm-bindgen.
//!
//! A handful of coarse functions, each taking bytes and one options object and
//! returning plain data (converted with serde-wasm-bindgen as JSON-compatible
//! objects) or a `JsError` whose message names positions, never cell values.
//! Nothing here computes anything: it converts and calls the core.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{prelude::*, JsCast};

use crate::search::{SearchError, SearchErrorKind};
use crate::table::{read_table_from, ReadError, ReadErrorKind, ReadOptions, Table};

mod progress;
mod rewrite;
mod types;

mod pseudo;
pub use pseudo::*;

mod analyse;
pub use analyse::*;

mod anonymise;
pub use anonymise::*;

mod app;
pub use app::*;

mod digest;
pub use digest::*;

/// Converts an options object; `undefined` and `null` mean the defaults.
///
/// Options go through JSON text rather than serde-wasm-bindgen so that unknown
/// fields are rejected (`deny_unknown_fields`) and messages read exactly as the
/// command line's: serde-wasm-bindgen only looks up the fields it knows.
pub(crate) fn options<T: DeserializeOwned + Default>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let text: String = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| JsError::new(&format!("invalid {what}: not a JSON object")))?;
    serde_json::from_str(&text).map_err(|e| JsError::new(&format!("invalid {what}: {e}")))
}

/// Converts a result to a plain JS object (maps as objects, not `Map`s).
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("internal error: {e}")))
}

/// Milliseconds from `performance.now()` (or `Date.now()`), for the timings
/// reports carry. Only the boundary reads a clock; the core never does.
pub(crate) fn now_ms() -> f64 {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &JsValue::from_str("performance"))
        .ok()
        .filter(|p| !p.is_undefined())
        .and_then(|p| {
            let now = js_sys::Reflect::get(&p, &JsValue::from_str("now")).ok()?;
            let now: js_sys::Function = now.dyn_into().ok()?;
            now.call0(&p).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

/// Sets `object[name] = value` on a result object.
pub(crate) fn set(object: &js_sys::Object, name: &str, value: &JsValue) -> Result<(), JsError> {
    js_sys::Reflect::set(object, &JsValue::from_str(name), value)
        .map(|_| ())
        .map_err(|_| JsError::new("internal error: cannot build the result"))
}

/// A search error as a JS `Error` whose `message` is the English text, with its
/// `code` ([`SearchError::code`]) and, when `max_level` bounds block the
/// anonymisation (`max_level_blocks`), the data a page words it from:
/// `columns` (`[name, max_level]` pairs, in configuration order), `rows` (the
/// smallest failing group's), `needed` (the rows a group needs) and `sensitive`
/// (the group fails l / t rather than k); for a configuration the search
/// refuses (`bad_config`), `path`, the field it names (`recoding` when local
/// recoding is given a risk target); for the population table's errors,
/// `column` (`population_unknown_column`, `population_not_in_hierarchy`) and
/// `row` (1-based: the table's for `population_not_in_hierarchy`, the file's
/// for `not_in_population`). Names are the configuration's, never a value.
pub(crate) fn search_error(e: &SearchError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    let field = |name: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(name), &value);
    };
    field("code", JsValue::from_str(e.code()));
    if let SearchErrorKind::Config { path, .. } = e.kind() {
        field("path", JsValue::from_str(path));
    }
    // The population table's errors: the column's name and the row's number.
    match e.kind() {
        SearchErrorKind::PopulationColumn { name } => field("column", JsValue::from_str(name)),
        SearchErrorKind::PopulationNotInHierarchy { column, row } => {
            field("column", JsValue::from_str(column));
            field("row", JsValue::from_f64(*row as f64));
        }
        SearchErrorKind::NotInPopulation { row } => field("row", JsValue::from_f64(*row as f64)),
        _ => {}
    }
    if let SearchErrorKind::BoundBlocks { columns, rows, needed, sensitive } = e.kind() {
        let list = js_sys::Array::new();
        for (name, level) in columns {
            list.push(&js_sys::Array::of2(&JsValue::from_str(name), &JsValue::from_f64(*level as f64)));
        }
        field("columns", list.into());
        field("rows", JsValue::from_f64(*rows as f64));
        field("needed", JsValue::from_f64(f64::from(*needed)));
        field("sensitive", JsValue::from_bool(*sensitive));
    }
    error.into()
}

/// A reading error as a JS `Error` whose `message` is the English text and
/// whose fields let a page say it in its own words: `code` (the stable name of
/// [`ReadError::code`]) and the position, as numbers: `line`, `record`,
/// `expected`, `found` (wrong field count), `byte` (binary data, invalid
/// UTF-16 or UTF-8; with `line`, where an unterminated quote opened), `column` (1-based, too large), `option` (bad option). Never a value.
pub(crate) fn read_error(e: ReadError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    let field = |name: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(name), &value);
    };
    field("code", JsValue::from_str(e.code()));
    let number = |n: u64| JsValue::from_f64(n as f64);
    match e.kind() {
        ReadErrorKind::FieldCount { line, record, expected, found } => {
            field("line", number(*line));
            field("record", number(*record));
            field("expected", number(*expected as u64));
            field("found", number(*found as u64));
        }
        ReadErrorKind::Binary { byte } | ReadErrorKind::InvalidUtf16 { byte } | ReadErrorKind::InvalidUtf8 { byte } => {
            field("byte", number(*byte))
        }
        ReadErrorKind::UnterminatedQuote { line, byte } => {
            field("line", number(*line));
            field("byte", number(*byte));
        }
        ReadErrorKind::TooLarge { column } => field("column", number(*column as u64)),
        ReadErrorKind::BadOption { option, .. } => field("option", JsValue::from_str(option)),
        ReadErrorKind::WorkbookSheet { sheet, cell, .. } => {
            if let Some(sheet) = sheet {
                field("sheet", JsValue::from_str(sheet));
            }
            if let Some(cell) = cell {
                field("cell", JsValue::from_str(cell));
            }
        }
        ReadErrorKind::WorkbookTooLarge { expanded, compressed } => {
            field("expanded", number(*expanded));
            field("compressed", number(*compressed));
        }
        ReadErrorKind::WorkbookTooSparse { sheet, rows, columns, cells } => {
            field("sheet", JsValue::from_str(sheet));
            field("rows", number(*rows));
            field("columns", number(*columns));
            field("cells", number(*cells));
        }
        _ => {}
    }
    error.into()
}

/// The options object (or request) `value` without its `population_table`
/// (a `Uint8Array`, which the JSON that options go through would spell byte
/// by byte), and the bytes of that table if given (`null` and `undefined`
/// are none). `what` names the object in the error (`clean request`,
/// `anonymise options`, `analysis options`). The caller's object is left as
/// it was: the rest is a shallow copy.
pub(crate) fn take_population(value: JsValue, what: &str) -> Result<(JsValue, Option<Vec<u8>>), JsError> {
    let name = JsValue::from_str("population_table");
    if !value.is_object() {
        return Ok((value, None));
    }
    let table = js_sys::Reflect::get(&value, &name).unwrap_or(JsValue::UNDEFINED);
    if table.is_undefined() || table.is_null() {
        return Ok((value, None));
    }
    let bytes = table
        .dyn_into::<js_sys::Uint8Array>()
        .map_err(|_| {
            JsError::new(&format!("invalid {what}: population_table must be a Uint8Array (the file's bytes)"))
        })?
        .to_vec();
    let copy = js_sys::Object::assign(&js_sys::Object::new(), value.unchecked_ref());
    let _ = js_sys::Reflect::delete_property(&copy, &name);
    Ok((copy.into(), Some(bytes)))
}

/// Reads the population table taken out by [`take_population`] (if any) with
/// `options` (its `population_read`). A reading error is the input's
/// ([`read_error`]) with its message prefixed `population table: ` and
/// `file: "population_table"`.
pub(crate) fn read_population(bytes: Option<Vec<u8>>, options: &ReadOptions) -> Result<Option<Table>, JsValue> {
    let Some(bytes) = bytes else { return Ok(None) };
    let read = read_table_from(&bytes[..], Some(bytes.len() as u64), options).map_err(|e| {
        let error = read_error(e);
        let message = js_sys::Reflect::get(&error, &"message".into()).ok().and_then(|m| m.as_string());
        let message = format!("population table: {}", message.unwrap_or_default());
        let _ = js_sys::Reflect::set(&error, &"message".into(), &message.into());
        let _ = js_sys::Reflect::set(&error, &"file".into(), &"population_table".into());
        error
    })?;
    Ok(Some(read.table))
}

/// `inspect(bytes, options?)`: the dialect, row count and columns of a file.
///
/// `options` may set `delimiter`, `encoding` and `sheet`; see `ReadOptions`.
/// A file that cannot be read throws a [`read_error`].
#[wasm_bindgen(unchecked_return_type = "Inspection")]
pub fn inspect(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "ReadOptions | null | undefined")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let options: ReadOptions = options(options_value, "read options")?;
    let inspection = crate::inspect::inspect(bytes, &options).map_err(read_error)?;
    Ok(to_js(&inspection)?)
}

/// The version of masque, for the page's footer and reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
