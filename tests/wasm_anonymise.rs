//! The wasm build of `anonymise`, run in Node by wasm-bindgen-test-runner:
//! ARX's Adult result (k=5, no suppression), the output bytes, progress
//! reports, and errors as `Error`s; with a population table
//! (`options.population_table`), the k-map and δ figures of `masque
//! anonymise` (pinned in `tests/cli_population_table.rs`).
//!
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --test wasm_anonymise`
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use masque::search::AnonymiseResult;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "wasm_common/population_fixtures.rs"]
mod population;

const ADULT: &[u8] = include_bytes!("fixtures/adult/adult.csv");
const HIERARCHIES: [(&str, &str); 8] = [
    ("age", include_str!("fixtures/adult/adult_hierarchy_age.csv")),
    ("sex", include_str!("fixtures/adult/adult_hierarchy_sex.csv")),
    ("race", include_str!("fixtures/adult/adult_hierarchy_race.csv")),
    ("marital-status", include_str!("fixtures/adult/adult_hierarchy_marital-status.csv")),
    ("education", include_str!("fixtures/adult/adult_hierarchy_education.csv")),
    ("native-country", include_str!("fixtures/adult/adult_hierarchy_native-country.csv")),
    ("workclass", include_str!("fixtures/adult/adult_hierarchy_workclass.csv")),
    ("occupation", include_str!("fixtures/adult/adult_hierarchy_occupation.csv")),
];

/// The Adult configuration with inline hierarchies, as a JS object.
fn config(k: u32, limit: f64, extra: &str) -> JsValue {
    let qis: Vec<String> = HIERARCHIES
        .iter()
        .map(|(q, text)| format!("{}: {{\"hierarchy\": {}}}", serde_json::json!(q), serde_json::json!(text)))
        .collect();
    let text = format!(
        r#"{{"quasi_identifiers": {{{}}}, "k": {k}, "suppression_limit": {limit}, "metric": "loss"{extra}}}"#,
        qis.join(", ")
    );
    js_sys::JSON::parse(&text).unwrap()
}

fn options(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

/// The options object `{progress: f}`.
fn with_progress(f: &JsValue) -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"progress".into(), f).unwrap();
    o.into()
}

fn get(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |v, key| js_sys::Reflect::get(&v, &(*key).into()).unwrap())
}

fn error_message<E: Into<JsValue>>(result: Result<JsValue, E>) -> String {
    let value: JsValue = match result {
        Ok(v) => panic!("expected an error, got {:?}", js_sys::JSON::stringify(&get(&v, &["result"]))),
        Err(e) => e.into(),
    };
    get(&value, &["message"]).as_string().expect("a string message")
}

#[wasm_bindgen_test]
fn adult_k5_without_suppression_matches_arx() {
    let value = masque::wasm::anonymise(ADULT, config(5, 0.0, ""), JsValue::UNDEFINED).unwrap();
    let result = get(&value, &["result"]);
    // A plain object with the field names of the JSON report.
    assert_eq!(get(&result, &["levels", "marital-status"]).as_f64(), Some(2.0));
    assert_eq!(get(&result, &["metric", "name"]).as_string().as_deref(), Some("loss"));
    let r: AnonymiseResult = serde_wasm_bindgen::from_value(result).unwrap();
    let levels: Vec<usize> = HIERARCHIES.iter().map(|(q, _)| *r.levels.get(q).unwrap()).collect();
    assert_eq!(levels, vec![4, 0, 0, 2, 3, 2, 2, 1]);
    assert_eq!((r.suppressed, r.classes, r.k), (0, 30, 16));
    assert!((r.metric.value - 0.5915849773).abs() < 1e-9, "{}", r.metric.value);
    assert!(r.optimal);

    // The output: the input's dialect (`;`, CRLF), every age generalised to `*`.
    let output: js_sys::Uint8Array = get(&value, &["output"]).dyn_into().unwrap();
    let text = String::from_utf8(output.to_vec()).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("sex;age;race;marital-status;education;native-country;workclass;occupation;salary-class")
    );
    let first: Vec<&str> = lines.next().unwrap().split(';').collect();
    assert_eq!(first[0], "Male");
    assert_eq!(first[1], "*");
    assert_eq!(text.lines().count(), 30_163);
    assert_eq!(get(&value, &["dialect", "delimiter"]).as_string().as_deref(), Some(";"));
    assert!(get(&value, &["timings", "search_ms"]).as_f64().is_some());
}

#[wasm_bindgen_test]
fn same_result_as_the_native_core() {
    // The boundary converts and calls the core: compare with the core called directly.
    let table = masque::table::read_table(ADULT, &Default::default()).unwrap().table;
    let text = js_sys::JSON::stringify(&config(5, 0.04, "")).unwrap().as_string().unwrap();
    let core = masque::search::AnonymiseConfig::from_json(&text).unwrap();
    let want = masque::search::anonymise(&table, &core, &mut masque::search::Unlimited).unwrap().result;
    let value =
        masque::wasm::anonymise(ADULT, config(5, 0.04, ""), options(r#"{"read": {"delimiter": ";"}}"#)).unwrap();
    let got: AnonymiseResult = serde_wasm_bindgen::from_value(get(&value, &["result"])).unwrap();
    assert_eq!(got, want);
    assert_eq!(got.suppressed, 1_038);
    // The configuration may also be given as JSON text.
    let value = masque::wasm::anonymise(ADULT, JsValue::from_str(&text), JsValue::NULL).unwrap();
    let again: AnonymiseResult = serde_wasm_bindgen::from_value(get(&value, &["result"])).unwrap();
    assert_eq!(again, want);
}

#[wasm_bindgen_test]
fn progress_is_reported_and_can_stop_the_search() {
    let calls = Rc::new(RefCell::new(0u32));
    let seen = calls.clone();
    // Returning `false` stops the search: the best node so far, not proven optimal.
    let stop = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |p: JsValue| {
        *seen.borrow_mut() += 1;
        assert_eq!(get(&p, &["lattice_size"]).as_f64(), Some(6_480.0));
        assert!(get(&p, &["nodes_checked"]).as_f64().unwrap() >= 1.0);
        JsValue::FALSE
    });
    let value = masque::wasm::anonymise(ADULT, config(5, 0.04, ""), with_progress(stop.as_ref())).unwrap();
    // At least the call that stopped it (the heuristic that completes the answer may report too).
    assert!(*calls.borrow() >= 1);
    let r: AnonymiseResult = serde_wasm_bindgen::from_value(get(&value, &["result"])).unwrap();
    assert!(!r.optimal);
    assert!(r.suppressed <= 1_206 && r.k >= 5);

    // An exception in the callback is the error.
    let throw = Closure::<dyn FnMut(JsValue) -> Result<JsValue, JsValue>>::new(|_: JsValue| {
        Err(js_sys::Error::new("cancelled by the page").into())
    });
    let message = error_message(masque::wasm::anonymise(ADULT, config(5, 0.0, ""), with_progress(throw.as_ref())));
    assert_eq!(message, "the progress callback failed: cancelled by the page");
}

#[wasm_bindgen_test]
fn errors_are_messages_naming_positions() {
    let message = error_message(masque::wasm::anonymise(ADULT, config(5, 0.0, r#", "kk": 2"#), JsValue::NULL));
    assert!(message.starts_with("configuration: kk: unknown field `kk`"), "{message}");
    let message = error_message(masque::wasm::anonymise(ADULT, JsValue::from_f64(1.0), JsValue::NULL));
    assert_eq!(message, "invalid configuration: not a JSON object");
    let bad = js_sys::JSON::parse(r#"{"quasi_identifiers": {"age": {"hierarchy_file": "age.csv"}}}"#).unwrap();
    let message = error_message(masque::wasm::anonymise(ADULT, bad, JsValue::NULL));
    assert!(message.contains("the browser cannot read files"), "{message}");
    let files = js_sys::JSON::parse(r#"{"quasi_identifiers": {"workclass": {"hierarchy_file": "w.csv"}}}"#).unwrap();
    let given = options(r#"{"files": {"w.csv": "Private;*\n"}}"#);
    let message = error_message(masque::wasm::anonymise(ADULT, files, given));
    assert_eq!(message, "column `workclass`: the value in row 1 is not in the hierarchy");
    let message = error_message(masque::wasm::anonymise(ADULT, config(5, 0.0, ""), options(r#"{"utf-8": true}"#)));
    assert!(message.starts_with("invalid anonymise options: unknown field `utf-8`"), "{message}");
    let message =
        error_message(masque::wasm::anonymise(ADULT, config(5, 0.0, ""), with_progress(&JsValue::from_f64(3.0))));
    assert_eq!(message, "invalid progress: not a function");
}

#[wasm_bindgen_test]
fn a_table_read_once_searches_many_times() {
    let table = masque::wasm::AnonymiseTable::new(ADULT, JsValue::NULL).unwrap();
    assert_eq!(table.rows(), 30_162);
    assert_eq!(table.columns()[0], "sex");
    let choice = table.search(config(5, 0.0, ""), JsValue::NULL).unwrap();
    assert_eq!(get(&choice, &["levels", "age"]).as_f64(), Some(4.0));
    assert_eq!(get(&choice, &["optimal"]).as_bool(), Some(true));
    assert!((get(&choice, &["metric"]).as_f64().unwrap() - 0.5915849773).abs() < 1e-9);
    let choice = table.search(config(5, 0.04, ""), JsValue::NULL).unwrap();
    assert_eq!(get(&choice, &["levels", "occupation"]).as_f64(), Some(2.0));
    let value = table.anonymise(config(5, 0.04, ""), JsValue::NULL).unwrap();
    assert_eq!(get(&value, &["result", "suppressed"]).as_f64(), Some(1_038.0));
    drop(table);
}

/// Local recoding gives the same bytes in wasm as natively: the digest
/// `tests/local_recoding.rs` pins for the native core.
#[wasm_bindgen_test]
fn local_recoding_same_bytes_as_native() {
    use sha2::{Digest, Sha256};
    let value = masque::wasm::anonymise(ADULT, config(5, 0.0, r#", "recoding": "local""#), JsValue::UNDEFINED).unwrap();
    let output: js_sys::Uint8Array = get(&value, &["output"]).dyn_into().unwrap();
    let digest: String = Sha256::digest(output.to_vec()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest, "9126ee6761c8db64efb9b48114dfddef87326771d5ca9d0a0cd9a8020b7cf3a4");
    assert_eq!(get(&value, &["result", "recoding"]).as_string().as_deref(), Some("local"));
    assert_eq!(get(&value, &["result", "retained"]).as_f64(), Some(30_162.0));
}

/// ARX's iterative local recoding gives the same bytes in wasm as natively:
/// the digest `tests/local_iterative.rs` pins for the native core.
#[wasm_bindgen_test]
fn iterative_local_recoding_same_bytes_as_native() {
    use sha2::{Digest, Sha256};
    let extra = r#", "recoding": "local", "local": {"method": "iterative"}"#;
    let value = masque::wasm::anonymise(ADULT, config(5, 0.0, extra), JsValue::UNDEFINED).unwrap();
    let output: js_sys::Uint8Array = get(&value, &["output"]).dyn_into().unwrap();
    let digest: String = Sha256::digest(output.to_vec()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest, "5a27031bf3a209a2c297e28a1ccb342c89aab98d93b465f9d23c8859912ab294");
    assert_eq!(get(&value, &["result", "recoding"]).as_string().as_deref(), Some("local"));
    assert_eq!(get(&value, &["result", "retained"]).as_f64(), Some(30_162.0));
}

/// `anonymise` (the function, and a kept table's `search` and `anonymise`)
/// with the population table `k_map.json` names: `masque anonymise`'s
/// levels, figures and bytes (tests/cli_population_table.rs).
#[wasm_bindgen_test]
fn k_map_counted_in_the_population_table() {
    use population::{config, get, json, with_population, K_MAP, POPULATION, SAMPLE};
    let k_map = config(K_MAP);
    let options = with_population(&serde_json::json!({}), Some(POPULATION));
    let value = masque::wasm::anonymise(SAMPLE, with_population(&k_map, None), options.clone()).unwrap();
    let result = json(&get(&value, "result"));
    assert_eq!(
        (&result["levels"]["age"], &result["levels"]["sex"], &result["optimal"]),
        (&1.into(), &0.into(), &true.into())
    );
    let p = &result["population_table"];
    assert_eq!((p["rows"].as_u64(), p["k_map"].as_u64(), p["monotone"].as_bool()), (Some(30), Some(7), Some(true)));
    assert_eq!((p["delta_min"].as_f64(), p["delta_max"].as_f64()), (Some(1.0 / 7.0), Some(0.5)));
    let output = String::from_utf8(get(&value, "output").unchecked_into::<js_sys::Uint8Array>().to_vec()).unwrap();
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!((lines[0], lines[1], lines[6]), ("age,sex,diagnosis", "20-24,M,D0", "25-29,F,D2"));
    // The caller's options are left as they were.
    assert!(get(&options, "population_table").is_instance_of::<js_sys::Uint8Array>());
    // The same as the native core.
    let table = masque::table::read_table(SAMPLE, &Default::default()).unwrap().table;
    let people = masque::table::read_table(POPULATION, &Default::default()).unwrap().table;
    let core = masque::search::AnonymiseConfig::from_json(&k_map.to_string()).unwrap();
    let want = masque::search::anonymise_with_population(&table, &people, &core, &mut masque::search::Unlimited);
    let got: AnonymiseResult = serde_wasm_bindgen::from_value(get(&value, "result")).unwrap();
    assert_eq!(got, want.unwrap().result);

    // The kept table: the same choice and result; k = 9 (the policy test's), (2, 0) matching 14.
    let kept = masque::wasm::AnonymiseTable::new(SAMPLE, JsValue::NULL).unwrap();
    let again = kept.anonymise(with_population(&k_map, None), options.clone()).unwrap();
    assert_eq!(json(&get(&again, "result")), result);
    let mut nine = k_map.clone();
    nine["k_map"]["k"] = 9.into();
    let choice = json(&kept.search(with_population(&nine, None), options.clone()).unwrap());
    assert_eq!((&choice["levels"]["age"], &choice["levels"]["sex"]), (&2.into(), &0.into()));
    let nine = json(&kept.anonymise(with_population(&nine, None), options).unwrap());
    assert_eq!(nine["result"]["population_table"]["k_map"].as_u64(), Some(14));
}

#[wasm_bindgen_test]
fn delta_presence_with_the_population_read_as_told() {
    use population::{config, get, json, semicolons, with_population, DELTA, SAMPLE};
    let (bytes, read) = semicolons();
    let options = with_population(&serde_json::json!({"population_read": read}), Some(&bytes));
    let value = masque::wasm::anonymise(SAMPLE, with_population(&config(DELTA), None), options).unwrap();
    let result = json(&get(&value, "result"));
    assert_eq!(
        (&result["levels"]["age"], &result["levels"]["sex"], &result["optimal"]),
        (&1.into(), &1.into(), &true.into())
    );
    let p = &result["population_table"];
    assert_eq!((p["k_map"].as_u64(), p["monotone"].as_bool()), (Some(15), Some(false)));
    assert_eq!((p["delta_min"].as_f64(), p["delta_max"].as_f64()), (Some(1.0 / 3.0), Some(1.0 / 3.0)));
}

#[wasm_bindgen_test]
fn population_errors_name_the_field_or_the_population_table() {
    use population::{config, get, message, one_21_m, with_population, K_MAP, POPULATION, SAMPLE};
    let error = |config: serde_json::Value, population: Option<&[u8]>| {
        let options = with_population(&serde_json::json!({}), population);
        masque::wasm::anonymise(SAMPLE, with_population(&config, None), options).unwrap_err()
    };
    let code = |e: &JsValue, field: &str| get(e, field).as_string();
    // Named by the configuration but not given, or given but not named: at `population_table`.
    let e = error(config(K_MAP), None);
    assert_eq!(
        (code(&e, "code").as_deref(), code(&e, "path").as_deref()),
        (Some("bad_config"), Some("population_table"))
    );
    assert!(message(&e).contains("the population table was not given"), "{}", message(&e));
    let mut unnamed = config(K_MAP);
    unnamed.as_object_mut().unwrap().remove("population_table");
    unnamed.as_object_mut().unwrap().remove("k_map");
    unnamed["k"] = 2.into();
    assert_eq!(code(&error(unnamed, Some(POPULATION)), "path").as_deref(), Some("population_table"));
    // Not bytes (the kept table's too).
    let not_bytes = js_sys::JSON::parse(r#"{"population_table": "population.csv"}"#).unwrap();
    let e = masque::wasm::anonymise(SAMPLE, with_population(&config(K_MAP), None), not_bytes.clone()).unwrap_err();
    assert_eq!(message(&e), "invalid anonymise options: population_table must be a Uint8Array (the file's bytes)");
    let kept = masque::wasm::AnonymiseTable::new(SAMPLE, JsValue::NULL).unwrap();
    let e = kept.search(with_population(&config(K_MAP), None), not_bytes).unwrap_err();
    assert!(message(&e).contains("population_table must be a Uint8Array"), "{}", message(&e));
    // Unreadable: the reading error's code, marked as the population table's.
    let e = error(config(K_MAP), Some(b""));
    assert_eq!((code(&e, "file").as_deref(), code(&e, "code").as_deref()), (Some("population_table"), Some("empty")));
    assert!(message(&e).starts_with("population table: "), "{}", message(&e));
    // A column missing from it; a value absent from a hierarchy, in its 5th row (not the value).
    // The page words them from the error's fields: `column`, `row`.
    let e = error(config(K_MAP), Some(b"id,age\np1,21\n"));
    assert!(message(&e).contains("the population table has no column `sex`"));
    assert_eq!(code(&e, "column").as_deref(), Some("sex"));
    let text = String::from_utf8(POPULATION.to_vec()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[5] = "p5,47,M,T0";
    let e = error(config(K_MAP), Some((lines.join("\n") + "\n").as_bytes()));
    assert_eq!(code(&e, "column").as_deref(), Some("age"));
    assert_eq!(js_sys::Reflect::get(&e, &"row".into()).unwrap().as_f64(), Some(5.0));
    let e = message(&e);
    assert!(
        e.contains("quasi-identifier `age`: the value in row 5 of the population table") && !e.contains("47"),
        "{e}"
    );
    // A file row that the population lacks, for δ-presence: the row, not its values.
    let mut delta = config(K_MAP);
    delta.as_object_mut().unwrap().remove("k_map");
    delta["delta_presence"] = serde_json::json!({"max": 0.5});
    let e = error(delta, Some(&one_21_m()));
    assert_eq!(code(&e, "code").as_deref(), Some("not_in_population"));
    assert_eq!(js_sys::Reflect::get(&e, &"row".into()).unwrap().as_f64(), Some(2.0));
    assert!(
        message(&e).starts_with("row 2: its quasi-identifiers have more rows in the file than in the population table")
    );
}
