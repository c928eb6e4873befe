//! The pseudonymisation boundary: `apply`, `keygen`, `key_from_passphrase`.
//!
//! Keys cross the boundary as key-file objects (`{version, key, fingerprint}`,
//! plus `salt` and `kdf` for passphrase keys), the same JSON the CLI writes.
//! Randomness comes from `getrandom` (the browser's `crypto.getRandomValues`)
//! here, never in the core.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::progress::Reporter;
use super::rewrite::{read_timed, rewrite, timings, Outputs, Sink, Write};
use super::{options, set, to_js};
use crate::policy::{self, ApplyOptions, Policy};
use crate::pseudo::{KdfParams, Key, KeyFile};
use crate::table::{Encoding, ReadOptions};

/// Options of `apply`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ApplyJsOptions {
    /// Force the delimiter (as in `inspect`).
    delimiter: Option<String>,
    /// Force the encoding (as in `inspect`).
    encoding: Option<Encoding>,
    /// For a workbook, the sheet to read.
    sheet: Option<String>,
    /// Write UTF-8 instead of the input's encoding.
    utf8: bool,
    /// Also return the correspondence table (pseudonym -> original).
    correspondence: bool,
    /// The passphrase of a key file that holds only a salt.
    passphrase: Option<String>,
    /// Texts of the hierarchy files the policy names, by path.
    files: BTreeMap<String, String>,
}

/// JSON text of a value: a string is taken as JSON text, anything else is stringified.
fn json_text(value: &JsValue, what: &str) -> Result<Zeroizing<String>, JsError> {
    if let Some(text) = value.as_string() {
        return Ok(Zeroizing::new(text));
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .map(Zeroizing::new)
        .ok_or_else(|| JsError::new(&format!("invalid {what}: not a JSON object")))
}

/// The key of a key file given as JSON text, unlocked with `passphrase` when
/// the file holds only a salt. Errors name what failed, never the key.
pub(super) fn unlock_key(text: &str, passphrase: Option<&str>) -> Result<Key, JsError> {
    let file = KeyFile::from_json(text).map_err(|e| JsError::new(&format!("key: {e}")))?;
    file.unlock(passphrase.map(str::as_bytes)).map_err(|e| JsError::new(&format!("key: {e}")))
}

fn random(buf: &mut [u8]) -> Result<(), JsError> {
    getrandom::fill(buf).map_err(|e| JsError::new(&format!("no secure random source: {e}")))
}

/// `apply(bytes, policy, key, options?)`: applies a policy to a file.
///
/// - `policy`: the policy object (or its JSON text);
/// - `key`: a key-file object (or its JSON text), from `keygen` or
///   `key_from_passphrase`; `null` if the policy neither pseudonymises nor
///   shifts dates;
/// - `options`: `delimiter`, `encoding`, `sheet` (reading), `utf8`,
///   `correspondence`, `passphrase` (for a key file holding only a salt),
///   `files` (`{path: text}` for `hierarchy_file`s).
///
/// Returns `{output: Uint8Array, report, dialect, timings: {read_ms, apply_ms,
/// write_ms}}`, plus `correspondence: Uint8Array` when asked for.
#[wasm_bindgen(unchecked_return_type = "ApplyOutput")]
pub fn apply(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "Policy | string")] policy: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KeyFile | string | null")] key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ApplyOptions | null | undefined")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let opts: ApplyJsOptions = options(options_value, "apply options")?;
    let policy_text = json_text(&policy, "policy")?;
    let mut policy = Policy::from_json(&policy_text).map_err(|e| JsError::new(&format!("policy: {e}")))?;
    policy
        .resolve_files(|path| {
            opts.files.get(path).cloned().ok_or_else(|| "not given in the `files` option".to_string())
        })
        .map_err(|e| JsError::new(&format!("policy: {e}")))?;
    let key: Option<Key> = if key.is_undefined() || key.is_null() {
        None
    } else {
        Some(unlock_key(&json_text(&key, "key")?, opts.passphrase.as_deref())?)
    };
    let read_options = ReadOptions {
        delimiter: opts.delimiter.clone(),
        encoding: opts.encoding,
        sheet: opts.sheet.clone(),
        ..ReadOptions::default()
    };
    // The option's `utf8`, or the policy's `output.utf8` (as the command line and `clean`).
    let utf8 = opts.utf8 || policy.output.utf8;
    let apply_options = ApplyOptions { correspondence: opts.correspondence, utf8, threads: 1 };

    let (read, read_ms) = read_timed(bytes, &read_options)?;
    let write = Write { utf8, hint: None, sink: Sink::Whole, reporter: &mut Reporter::silent() };
    let done = rewrite(
        Cow::Owned(read.table),
        &read.dialect,
        write,
        |table, _| {
            policy::apply_owned(table.into_owned(), &policy, key.as_ref(), &apply_options)
                .map_err(|e| JsError::new(&e.to_string()))
        },
        |applied| Outputs { table: &applied.table, extra: applied.correspondence.as_ref() },
    )?;

    let result = js_sys::Object::new();
    set(&result, "output", &done.output)?;
    set(&result, "report", &to_js(&done.done.report)?)?;
    set(&result, "dialect", &to_js(&done.dialect)?)?;
    if let Some(c) = done.extra {
        set(&result, "correspondence", &c.into())?;
    }
    timings(
        &result,
        &[
            ("read_ms", read_ms),
            ("apply_ms", done.transformed - done.started),
            ("write_ms", done.written - done.transformed),
        ],
    )?;
    Ok(result.into())
}

/// `keygen()`: a new random key, as a key-file object `{version, key, fingerprint}`.
#[wasm_bindgen(unchecked_return_type = "KeyFile")]
pub fn keygen() -> Result<JsValue, JsError> {
    let mut random_bytes = Zeroizing::new([0u8; 32]);
    random(&mut random_bytes[..])?;
    to_js(&KeyFile::for_key(&Key::from_random(*random_bytes)))
}

/// `key_from_passphrase(passphrase, salt?)`: a key derived with Argon2id (RFC 9106
/// parameters), as a key-file object holding the key, the salt and the parameters.
///
/// `salt` may be omitted (a new random salt is drawn), the salt as hex, or a
/// key-file object from an earlier derivation (its salt and parameters are
/// reused and the passphrase must match its fingerprint). Drop the `key` field
/// before sharing the object: without it, it holds no secret.
#[wasm_bindgen(unchecked_return_type = "KeyFile")]
pub fn key_from_passphrase(
    passphrase: String,
    #[wasm_bindgen(unchecked_param_type = "string | KeyFile | null | undefined")] salt: JsValue,
) -> Result<JsValue, JsError> {
    let passphrase = Zeroizing::new(passphrase);
    let params = KdfParams::rfc9106();
    let (key, salt, params) = if salt.is_undefined() || salt.is_null() {
        let mut fresh = [0u8; 16];
        random(&mut fresh)?;
        let key = Key::derive(passphrase.as_bytes(), &fresh, &params).map_err(|e| JsError::new(&e.to_string()))?;
        (key, fresh.to_vec(), params)
    } else if let Some(hex) = salt.as_string().filter(|s| !s.trim_start().starts_with('{')) {
        let file =
            KeyFile { version: 1, key: None, salt: Some(hex), kdf: Some(params.clone()), fingerprint: String::new() };
        let salt = file.salt_bytes().map_err(|e| JsError::new(&e.to_string()))?.unwrap_or_default();
        let key = Key::derive(passphrase.as_bytes(), &salt, &params).map_err(|e| JsError::new(&e.to_string()))?;
        (key, salt, params)
    } else {
        let text = json_text(&salt, "key file")?;
        let file = KeyFile::from_json(&text).map_err(|e| JsError::new(&format!("key: {e}")))?;
        let key = file.unlock(Some(passphrase.as_bytes())).map_err(|e| JsError::new(&format!("key: {e}")))?;
        let salt = file.salt_bytes().map_err(|e| JsError::new(&e.to_string()))?.unwrap_or_default();
        let params = file.kdf.clone().unwrap_or(params);
        (key, salt, params)
    };
    to_js(&KeyFile::for_passphrase_key(&key, &salt, &params, true))
}
