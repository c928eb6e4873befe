//! The JavaScript boundary: the only module that knows wasm-bindgen.
//!
//! A handful of coarse functions, each taking bytes and one options object and
//! returning plain data (converted with serde-wasm-bindgen as JSON-compatible
//! objects) or a `JsError` whose message names positions, never cell values.
//! Nothing here computes anything: it converts and calls the core.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

use crate::table::ReadOptions;

/// Converts an options object; `undefined` and `null` mean the defaults.
fn options<T: DeserializeOwned + Default>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("invalid {what}: {e}")))
}

/// Converts a result to a plain JS object (maps as objects, not `Map`s).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("internal error: {e}")))
}

/// `inspect(bytes, options?)`: the dialect, row count and columns of a file.
///
/// `options` may set `delimiter`, `encoding` and `sheet`; see `ReadOptions`.
#[wasm_bindgen]
pub fn inspect(bytes: &[u8], options_value: JsValue) -> Result<JsValue, JsError> {
    let options: ReadOptions = options(options_value, "read options")?;
    let inspection = crate::inspect::inspect(bytes, &options).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&inspection)
}

/// The version of masque, for the page's footer and reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
