//! The population fixtures (`tests/fixtures/population`) for the wasm tests:
//! the file, the population table, and the configurations with their
//! hierarchy files inlined (the browser reads no path).
//!
//! Included by `wasm_common/population.rs` (`clean`), `tests/wasm_anonymise.rs`
//! and `tests/wasm_analyse.rs`.
#![allow(dead_code)]

use wasm_bindgen::JsValue;

pub const SAMPLE: &[u8] = include_bytes!("../fixtures/population/sample.csv");
pub const POPULATION: &[u8] = include_bytes!("../fixtures/population/population.csv");
pub const CLEAN_POLICY: &str = include_str!("../fixtures/population/clean_policy.json");
pub const K_MAP: &str = include_str!("../fixtures/population/k_map.json");
pub const DELTA: &str = include_str!("../fixtures/population/delta.json");
const HIERARCHIES: [(&str, &str); 2] = [
    ("hierarchy_age.csv", include_str!("../fixtures/population/hierarchy_age.csv")),
    ("hierarchy_sex.csv", include_str!("../fixtures/population/hierarchy_sex.csv")),
];

pub fn get(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap()
}

pub fn json(value: &JsValue) -> serde_json::Value {
    serde_json::from_str(&js_sys::JSON::stringify(value).unwrap().as_string().unwrap()).unwrap()
}

pub fn message(error: &JsValue) -> String {
    get(error, "message").as_string().unwrap()
}

/// A configuration (or a policy's `anonymise` section) with its
/// `hierarchy_file`s replaced by their text.
pub fn inline(section: &mut serde_json::Value) {
    for qi in section["quasi_identifiers"].as_object_mut().unwrap().values_mut() {
        let file = qi.as_object_mut().unwrap().remove("hierarchy_file").unwrap();
        let text = HIERARCHIES.iter().find(|(name, _)| file == *name).unwrap().1;
        qi["hierarchy"] = text.into();
    }
}

/// The configuration `document` (`K_MAP`, `DELTA`), inlined.
pub fn config(document: &str) -> serde_json::Value {
    let mut config = serde_json::from_str(document).unwrap();
    inline(&mut config);
    config
}

/// `object` (JSON) as a JS object, with `population_table` set to `population` if given.
pub fn with_population(object: &serde_json::Value, population: Option<&[u8]>) -> JsValue {
    let value = js_sys::JSON::parse(&object.to_string()).unwrap();
    if let Some(bytes) = population {
        js_sys::Reflect::set(&value, &"population_table".into(), &js_sys::Uint8Array::from(bytes)).unwrap();
    }
    value
}

/// The population with `;` between fields, and `population_read` saying so.
pub fn semicolons() -> (Vec<u8>, serde_json::Value) {
    let text = String::from_utf8(POPULATION.to_vec()).unwrap().replace(',', ";");
    (text.into_bytes(), serde_json::json!({"delimiter": ";"}))
}

/// The population without its `21 M` rows but one: a population that has
/// fewer rows like the file's row 2 than the file.
pub fn one_21_m() -> Vec<u8> {
    let population = String::from_utf8(POPULATION.to_vec()).unwrap();
    let rows = population.lines().filter(|l| !l.contains(",21,M,")).collect::<Vec<_>>().join("\n");
    (rows + "\np99,21,M,T0\n").into_bytes()
}
