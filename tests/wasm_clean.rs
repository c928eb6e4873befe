//! The wasm `clean`, run in Node by wasm-bindgen-test-runner: the same bytes
//! and the same report as `masque clean` (the expected files, which
//! `tests/cli_clean.rs` checks against the command line), and the
//! configuration's `time_limit_ms` honoured; with a population table
//! (`wasm_common/population.rs`), `masque clean`'s k-map and δ figures.
//!
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --test wasm_clean`
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "wasm_common/population.rs"]
mod population;

const COHORT: &[u8] = include_bytes!("fixtures/cohort_cp1252_40.csv");
const POLICY: &str = include_str!("fixtures/policies/cohort_clean.json");
const KEY: &str = include_str!("fixtures/expected/clean.key.json");
const OUTPUT: &[u8] = include_bytes!("fixtures/expected/cohort_cp1252_40.clean.csv");
const REPORT: &str = include_str!("fixtures/expected/cohort_cp1252_40.clean.json");

fn get(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap()
}

fn json(value: &JsValue) -> serde_json::Value {
    serde_json::from_str(&js_sys::JSON::stringify(value).unwrap().as_string().unwrap()).unwrap()
}

/// The request `{policy, key, anonymise}`, the section as given (or changed by `section`).
fn request(section: impl FnOnce(&mut serde_json::Value)) -> JsValue {
    let policy: serde_json::Value = serde_json::from_str(POLICY).unwrap();
    let mut anonymise = policy["anonymise"].clone();
    section(&mut anonymise);
    let key: serde_json::Value = serde_json::from_str(KEY).unwrap();
    let request = serde_json::json!({"policy": policy, "key": key, "anonymise": anonymise});
    js_sys::JSON::parse(&request.to_string()).unwrap()
}

#[wasm_bindgen_test]
fn same_bytes_and_report_as_the_command_line() {
    let value = masque::wasm::clean(COHORT, request(|_| ()), JsValue::UNDEFINED).unwrap();
    let output: js_sys::Uint8Array = get(&value, "output").dyn_into().unwrap();
    assert!(output.to_vec() == OUTPUT, "the output bytes");
    let expected: serde_json::Value = serde_json::from_str(REPORT).unwrap();
    same(&json(&get(&value, "report")), &expected["report"], "report");
    same(&json(&get(&value, "result")), &expected["result"], "result");
    same(&json(&get(&value, "output_summary")), &expected["output"], "output");
}

/// `a` and `b` equal, numbers as numbers (JSON.stringify writes `0` for
/// Rust's `0.0`), to the last bit: the logarithms and exponentials behind
/// `l_entropy` and the metrics are libm's on both targets.
fn same(a: &serde_json::Value, b: &serde_json::Value, path: &str) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert_eq!(x.to_bits(), y.to_bits(), "{path}: {x} != {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                same(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>(), "{path}");
            for (k, x) in x {
                same(x, &y[k], &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

#[wasm_bindgen_test]
fn the_time_limit_is_honoured() {
    let value = masque::wasm::clean(COHORT, request(|s| s["time_limit_ms"] = 0.into()), JsValue::UNDEFINED).unwrap();
    let result = json(&get(&value, "result"));
    assert_eq!(result["optimal"], false);
    assert!(result["risk_after"]["k"].as_u64().unwrap() >= 5);
}

/// The counts the page's report states (`output_summary`) are the written
/// file's, read back, and the page's `Sha256` fed by chunks is SHA-256.
#[wasm_bindgen_test]
fn the_output_summary_and_the_digest_are_the_written_files() {
    use sha2::Digest;
    let value = masque::wasm::clean(COHORT, request(|_| ()), JsValue::UNDEFINED).unwrap();
    let summary = json(&get(&value, "output_summary"));
    let read = masque::table::read_table(OUTPUT, &Default::default()).unwrap();
    assert_eq!(summary["rows"], read.table.rows);
    let columns = summary["columns"].as_array().unwrap();
    assert_eq!(columns.len(), read.table.columns.len());
    for (s, c) in columns.iter().zip(&read.table.columns) {
        assert_eq!((s["name"].as_str(), s["distinct"].as_u64()), (Some(c.name.as_str()), Some(c.dict.len() as u64)));
        assert_eq!(
            s["empty"].as_u64(),
            Some((0..read.table.rows).filter(|&r| c.get(r).trim().is_empty()).count() as u64)
        );
    }

    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut digest = masque::wasm::Sha256::new();
    assert_eq!(digest.hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "nothing yet");
    for chunk in OUTPUT.chunks(1000) {
        digest.update(chunk);
    }
    assert_eq!(digest.hex(), hex(&sha2::Sha256::digest(OUTPUT)));
    assert_eq!(digest.bytes(), OUTPUT.len() as f64);
}

#[wasm_bindgen_test]
fn bounds_that_block_leave_with_their_code_and_data() {
    // Every quasi-identifier kept exact: 40 rows cannot make groups of 5.
    let blocked = request(|s| {
        s["recoding"] = "local".into();
        for qi in ["sexe", "date_naissance", "code_postal", "mode_entree", "poids_kg"] {
            s["quasi_identifiers"][qi]["max_level"] = 0.into();
        }
    });
    let err = masque::wasm::clean(COHORT, blocked, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("max_level_blocks"));
    let columns: js_sys::Array = get(&err, "columns").into();
    assert!(columns.length() >= 1);
    for pair in columns.iter() {
        let pair: js_sys::Array = pair.into();
        assert!(pair.get(0).as_string().is_some());
        assert_eq!(pair.get(1).as_f64(), Some(0.0));
    }
    let (rows, needed) = (get(&err, "rows").as_f64().unwrap(), get(&err, "needed").as_f64().unwrap());
    assert!(needed >= 5.0, "{needed}");
    assert!(get(&err, "sensitive").as_bool().unwrap() || rows < needed);
    let message = get(&err, "message").as_string().unwrap();
    assert!(message.contains("max_level"), "{message}");
}

#[wasm_bindgen_test]
fn a_configuration_refused_names_its_field() {
    // Local recoding refuses risk targets: the page says so from `path`.
    let refused = request(|s| {
        s["recoding"] = "local".into();
        s["sample_uniqueness"] = 0.01.into();
    });
    let err = masque::wasm::clean(COHORT, refused, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("bad_config"));
    assert_eq!(get(&err, "path").as_string().as_deref(), Some("recoding"));
    // The same settings with global recoding are not refused.
    let global = request(|s| {
        s["sample_uniqueness"] = 0.01.into();
    });
    if let Err(err) = masque::wasm::clean(COHORT, global, JsValue::UNDEFINED) {
        assert_ne!(get(&err, "code").as_string().as_deref(), Some("bad_config"));
    }
}
