//! The wasm `clean` with a population table (`tests/fixtures/population`):
//! the request's `population_table` bytes, for the free `clean` and for
//! `PreviewTable.clean` / `cleanOnce`, give the k-map and δ figures that
//! `masque clean` gives (pinned in `tests/cli_clean_population.rs`); errors
//! name the field or the population table, never a value.
//!
//! Included by `tests/wasm_clean.rs` (Node); the fixtures are
//! `population_fixtures.rs`'s, shared with `tests/wasm_anonymise.rs` and
//! `tests/wasm_analyse.rs`.

use masque::wasm::PreviewTable;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "population_fixtures.rs"]
mod fixtures;
use fixtures::{get, inline, json, message, one_21_m, semicolons, with_population, POPULATION, SAMPLE};

/// The request of `clean_policy.json`: the policy, its `anonymise` section
/// (the hierarchy files inlined, changed by `section`) and, if given, the
/// population table's bytes.
fn request(section: impl FnOnce(&mut serde_json::Value), population: Option<&[u8]>) -> JsValue {
    let mut policy: serde_json::Value = serde_json::from_str(fixtures::CLEAN_POLICY).unwrap();
    let mut anonymise = policy.as_object_mut().unwrap().remove("anonymise").unwrap();
    inline(&mut anonymise);
    section(&mut anonymise);
    with_population(&serde_json::json!({"policy": policy, "anonymise": anonymise}), population)
}

fn output(value: &JsValue) -> String {
    String::from_utf8(get(value, "output").unchecked_into::<js_sys::Uint8Array>().to_vec()).unwrap()
}

#[wasm_bindgen_test]
fn k_map_counted_in_the_population_table() {
    let request = request(|_| (), Some(POPULATION));
    let value = masque::wasm::clean(SAMPLE, request.clone(), JsValue::UNDEFINED).unwrap();
    let result = json(&get(&value, "result"));
    // The figures of `masque clean` (tests/cli_clean_population.rs).
    assert_eq!((&result["levels"]["age"], &result["levels"]["sex"]), (&1.into(), &0.into()));
    let p = &result["population_table"];
    assert_eq!((p["rows"].as_u64(), p["k_map"].as_u64(), p["monotone"].as_bool()), (Some(30), Some(7), Some(true)));
    assert_eq!((p["delta_min"].as_f64(), p["delta_max"].as_f64()), (Some(1.0 / 7.0), Some(0.5)));
    let written = output(&value);
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!((lines[0], lines[1], lines[6], lines.len()), ("age,sex", "20-24,M", "25-29,F", 11));
    // The caller's request is left as it was.
    assert!(get(&request, "population_table").is_instance_of::<js_sys::Uint8Array>());

    // The kept table: the same, copied (`clean`) or taken over (`cleanOnce`).
    let table = PreviewTable::new(SAMPLE, JsValue::UNDEFINED).unwrap();
    let kept = table.clean(request.clone(), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    assert_eq!(json(&get(&kept, "result")), result);
    assert_eq!(output(&kept), written);
    let once = table.clean_once(request, JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    assert_eq!(json(&get(&once, "result")), result);
}

#[wasm_bindgen_test]
fn delta_presence_with_the_population_read_as_told() {
    // The population with `;`, read as told (`population_read`).
    let (semicolons, read) = semicolons();
    let request = request(
        |s| {
            s.as_object_mut().unwrap().remove("k_map");
            s["delta_presence"] = serde_json::json!({"min": 0.3, "max": 0.5});
        },
        Some(&semicolons),
    );
    js_sys::Reflect::set(&request, &"population_read".into(), &js_sys::JSON::parse(&read.to_string()).unwrap())
        .unwrap();
    let value = masque::wasm::clean(SAMPLE, request, JsValue::UNDEFINED).unwrap();
    let p = &json(&get(&value, "result"))["population_table"];
    assert_eq!((p["k_map"].as_u64(), p["monotone"].as_bool()), (Some(15), Some(false)));
    assert_eq!((p["delta_min"].as_f64(), p["delta_max"].as_f64()), (Some(1.0 / 3.0), Some(1.0 / 3.0)));
}

fn error(request: JsValue) -> JsValue {
    masque::wasm::clean(SAMPLE, request, JsValue::UNDEFINED).unwrap_err()
}

#[wasm_bindgen_test]
fn errors_name_the_field_or_the_population_table() {
    // Named by the configuration but not given: at `population_table`.
    let e = error(request(|_| (), None));
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("bad_config"));
    assert_eq!(get(&e, "path").as_string().as_deref(), Some("population_table"));
    assert!(message(&e).contains("must be given"), "{}", message(&e));
    // Given but not named.
    let e = error(request(|s| drop(s.as_object_mut().unwrap().remove("population_table")), Some(POPULATION)));
    assert_eq!(get(&e, "path").as_string().as_deref(), Some("population_table"));
    // Not bytes.
    let not_bytes = request(|_| (), None);
    js_sys::Reflect::set(&not_bytes, &"population_table".into(), &"population.csv".into()).unwrap();
    assert!(message(&error(not_bytes)).contains("population_table must be a Uint8Array"));
    // Unreadable: the reading error's code, marked as the population table's.
    let e = error(request(|_| (), Some(b"")));
    assert_eq!(get(&e, "file").as_string().as_deref(), Some("population_table"));
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("empty"));
    assert!(message(&e).starts_with("population table: "), "{}", message(&e));
    // A file row that the population lacks, for δ-presence: the row, not its values.
    let delta = |s: &mut serde_json::Value| {
        s.as_object_mut().unwrap().remove("k_map");
        s["delta_presence"] = serde_json::json!({"max": 0.5});
    };
    let e = error(request(delta, Some(&one_21_m())));
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("not_in_population"));
    let text = message(&e);
    assert!(text.starts_with("row 2: "), "{text}");
    assert!(!text.contains("21") && !text.contains(" M "), "{text}");
}
