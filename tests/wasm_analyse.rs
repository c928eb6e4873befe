//! The wasm build of `analyse`, run in Node by wasm-bindgen-test-runner:
//! the Adult reference figures, plain-object output, and errors as `Error`s;
//! with a population table (`options.population_table`), the matches of
//! `masque analyse --population-table` (pinned in `tests/cli_population_table.rs`).
#![cfg(target_arch = "wasm32")]

use masque::privacy::RiskReport;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "wasm_common/population_fixtures.rs"]
mod population;

const ADULT: &[u8] = include_bytes!("fixtures/adult/adult.csv");
const ADULT_QI: &str =
    r#"["age", "sex", "race", "marital-status", "education", "native-country", "workclass", "occupation"]"#;

fn options(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn get(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |v, key| js_sys::Reflect::get(&v, &(*key).into()).unwrap())
}

fn error_message<E: Into<JsValue>>(result: Result<JsValue, E>) -> String {
    let value: JsValue = match result {
        Ok(v) => panic!("expected an error, got {:?}", js_sys::JSON::stringify(&v)),
        Err(e) => e.into(),
    };
    get(&value, &["message"]).as_string().expect("a string message")
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[wasm_bindgen_test]
fn adult_reference_figures() {
    let json = format!(r#"{{"qi": {ADULT_QI}, "sensitive": ["salary-class"], "thresholds": [0.2, 0.1]}}"#);
    let value = masque::wasm::analyse(ADULT, options(&json)).unwrap();
    // A plain object with the field names of the JSON report.
    assert_eq!(get(&value, &["classes"]).as_f64(), Some(18_109.0));
    assert_eq!(round6(get(&value, &["prosecutor", "records_at_risk", "0.2"]).as_f64().unwrap()), 0.728632);
    assert_eq!(get(&value, &["sensitive", "salary-class", "distance"]).as_string().as_deref(), Some("equal"));

    let r: RiskReport = serde_wasm_bindgen::from_value(value).unwrap();
    assert_eq!((r.rows, r.suppressed, r.classes, r.k, r.sample_uniques), (30_162, 0, 18_109, 1, 14_021));
    assert_eq!(round6(r.prosecutor.average), 0.600391);
    assert_eq!(r.prosecutor.highest, 1.0);
    assert_eq!(round6(*r.prosecutor.records_at_risk.get("0.2").unwrap()), 0.728632);
    assert_eq!(round6(*r.prosecutor.records_at_risk.get("0.1").unwrap()), 0.854353);
    assert_eq!(r.class_sizes[0].classes, 14_021);
    let s = r.sensitive.get("salary-class").unwrap();
    assert_eq!(s.l_distinct, 1);
    assert_eq!(s.l_entropy, 1.0);
    assert_eq!((s.t_closeness * 1e7).round() / 1e7, 0.7510775);
}

#[wasm_bindgen_test]
fn same_report_as_the_native_core() {
    // The boundary converts and calls the core: compare with the core called directly.
    let table = masque::table::read_table(ADULT, &Default::default()).unwrap().table;
    let json = r#"{"qi": ["sex", "race"], "sensitive": ["age", {"name": "occupation", "distance": "equal"}],
                   "l": 2, "c": 3, "t": 0.1, "read": {"delimiter": ";"}}"#;
    let core_options = masque::privacy::AnalysisOptions {
        qi: vec!["sex".into(), "race".into()],
        sensitive: vec![
            masque::privacy::SensitiveColumn::named("age"),
            masque::privacy::SensitiveColumn {
                name: "occupation".into(),
                distance: masque::privacy::DistanceChoice::Equal,
                order: None,
            },
        ],
        l: Some(2),
        c: Some(3.0),
        t: Some(0.1),
        ..Default::default()
    };
    let expected = masque::privacy::analyse(&table, &core_options, None).unwrap();
    let got: RiskReport = serde_wasm_bindgen::from_value(masque::wasm::analyse(ADULT, options(json)).unwrap()).unwrap();
    assert_eq!(got, expected);
    assert_eq!(got.k, 87);
    let age = got.sensitive.get("age").unwrap();
    assert!((age.t_closeness - 0.09193571485872032).abs() < 1e-12);
    assert_eq!(age.criteria.t_closeness.as_ref().map(|c| c.satisfied), Some(true));
}

#[wasm_bindgen_test]
fn errors_are_error_objects_naming_columns() {
    let msg = error_message(masque::wasm::analyse(ADULT, options(r#"{"qi": ["age", "zip"]}"#)));
    assert_eq!(msg, "unknown column `zip` (given as quasi-identifier): the table has no column of that name");
    let msg = error_message(masque::wasm::analyse(ADULT, JsValue::UNDEFINED));
    assert!(msg.starts_with("no quasi-identifier given"), "{msg}");
    let msg = error_message(masque::wasm::analyse(ADULT, options(r#"{"qi": ["age"], "tresholds": [0.2]}"#)));
    assert!(msg.starts_with("invalid analysis options: unknown field `tresholds`"), "{msg}");
    let msg = error_message(masque::wasm::analyse(ADULT, options(r#"{"qi": ["age"], "read": {"delimiter": 7}}"#)));
    assert!(msg.starts_with("invalid read options"), "{msg}");
    let msg = error_message(masque::wasm::analyse(ADULT, options(r#"{"qi": ["age"], "thresholds": [2]}"#)));
    assert_eq!(msg, "parameter `threshold` is invalid: expected a number from 0 to 1");
    let msg = error_message(masque::wasm::analyse(
        ADULT,
        options(r#"{"qi": ["age"], "sensitive": [{"name": "occupation", "distance": "ordered"}]}"#),
    ));
    assert!(msg.contains("column `occupation` cannot use the ordered distance: row 1"), "{msg}");
    assert!(!msg.contains("Adm-clerical"), "{msg}");
    let msg = error_message(masque::wasm::analyse(b"", options(r#"{"qi": ["age"]}"#)));
    assert_eq!(msg, "the file is empty");
}

#[wasm_bindgen_test]
fn a_table_read_once_analysed_many_times() {
    let table = masque::wasm::AnalysisTable::new(ADULT, options(r#"{"delimiter": ";"}"#)).unwrap();
    assert_eq!(table.rows(), 30_162);
    assert_eq!(table.columns()[0], "sex");
    let json = format!(r#"{{"qi": {ADULT_QI}, "sensitive": ["salary-class"]}}"#);
    let once: RiskReport =
        serde_wasm_bindgen::from_value(masque::wasm::analyse(ADULT, options(&json)).unwrap()).unwrap();
    let kept: RiskReport = serde_wasm_bindgen::from_value(table.analyse(options(&json)).unwrap()).unwrap();
    assert_eq!(kept, once);
    assert_eq!(kept.classes, 18_109);
    let coarse: RiskReport =
        serde_wasm_bindgen::from_value(table.analyse(options(r#"{"qi": ["sex", "race"]}"#)).unwrap()).unwrap();
    assert_eq!((coarse.classes, coarse.k), (10, 87));
    // `read` belongs to the constructor.
    let msg = error_message(table.analyse(options(r#"{"qi": ["sex"], "read": {}}"#)));
    assert!(msg.contains("unknown field `read`"), "{msg}");
    let msg = error_message(masque::wasm::AnalysisTable::new(b"", JsValue::UNDEFINED).map(JsValue::from));
    assert_eq!(msg, "the file is empty");
}

/// The population table's matches: `masque analyse --population-table
/// --json`'s `population_table` (tests/cli_population_table.rs), for the
/// function and a kept table, and the same object as the native core's.
#[wasm_bindgen_test]
fn population_table_matches() {
    use population::{json, message, semicolons, with_population, POPULATION, SAMPLE};
    let analyse = |qi: serde_json::Value, population: &[u8]| {
        masque::wasm::analyse(SAMPLE, with_population(&serde_json::json!({"qi": qi}), Some(population)))
    };
    let value = analyse(serde_json::json!(["age", "sex"]), POPULATION).unwrap();
    let r = json(&value);
    let p = &r["population_table"];
    assert_eq!((p["rows"].as_u64(), p["classes"].as_u64(), p["k_map"].as_u64()), (Some(30), Some(8), Some(1)));
    assert_eq!((p["delta_min"].as_f64(), p["delta_max"].as_f64()), (Some(1.0 / 3.0), Some(1.0)));
    assert_eq!((p["unmatched_classes"].as_u64(), r["k"].as_u64()), (Some(0), Some(1)));
    // The rest is the report without the table.
    let without = json(&masque::wasm::analyse(SAMPLE, options(r#"{"qi": ["age", "sex"]}"#)).unwrap());
    let mut rest = r.clone();
    rest.as_object_mut().unwrap().remove("population_table");
    assert_eq!((rest, without.get("population_table")), (without.clone(), None));
    // The native core's figures.
    let table = masque::table::read_table(SAMPLE, &Default::default()).unwrap().table;
    let people = masque::table::read_table(POPULATION, &Default::default()).unwrap().table;
    let qi = ["age".to_string(), "sex".to_string()];
    let want = masque::search::population_table::measure(&table, &people, &qi, None).unwrap();
    let got: masque::search::population_table::PopulationMatches = serde_json::from_value(p.clone()).unwrap();
    assert_eq!(got, want);

    // Age alone, the population read as told, on a kept table.
    let (bytes, read) = semicolons();
    let kept = masque::wasm::AnalysisTable::new(SAMPLE, JsValue::NULL).unwrap();
    let request = with_population(&serde_json::json!({"qi": ["age"], "population_read": read}), Some(&bytes));
    let p = &json(&kept.analyse(request).unwrap())["population_table"];
    assert_eq!(
        (p["k_map"].as_u64(), p["delta_min"].as_f64(), p["delta_max"].as_f64()),
        (Some(2), Some(0.2), Some(0.5))
    );
    // Classes that match no one in the population (a population without 29).
    let p = &json(&analyse(serde_json::json!(["age"]), b"age\n21\n22\n").unwrap())["population_table"];
    assert_eq!((p["k_map"].as_u64(), p["unmatched_classes"].as_u64()), (Some(0), Some(6)));

    // Errors: a quasi-identifier missing from the population, unreadable, not bytes.
    let e = analyse(serde_json::json!(["age", "sex"]), b"age\n21\n22\n").unwrap_err();
    assert!(message(&e).contains("no column `sex`"), "{}", message(&e));
    let e = analyse(serde_json::json!(["age"]), b"").unwrap_err();
    assert_eq!(population::get(&e, "file").as_string().as_deref(), Some("population_table"));
    assert!(message(&e).starts_with("population table: "), "{}", message(&e));
    let e = masque::wasm::analyse(SAMPLE, options(r#"{"qi": ["age"], "population_table": [1, 2]}"#)).unwrap_err();
    assert_eq!(message(&e), "invalid analysis options: population_table must be a Uint8Array (the file's bytes)");
}
