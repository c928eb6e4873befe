//! The JavaScript boundary: the only module that knows wasm-bindgen.
//!
//! A handful of coarse functions, each taking bytes and one options object and
//! returning plain data (converted with serde-wasm-bindgen as JSON-compatible
//! objects) or a `JsError` whose message names positions, never cell values.
//! Nothing here computes anything: it converts and calls the core.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{prelude::*, JsCast};

use crate::table::ReadOptions;

mod pseudo;
pub use pseudo::*;

mod analyse;
pub use analyse::*;

mod anonymise;
pub use anonymise::*;

mod app;
pub use app::*;

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
