//! Checks shared by the Node and Chromium runs of the wasm `inspect`.

use masque::inspect::Inspection;
use wasm_bindgen::JsValue;

const COHORT: &[u8] = include_bytes!("../fixtures/cohort_cp1252_40.csv");
const EXPECTED: &str = include_str!("../fixtures/expected/cohort_cp1252_40.inspect.json");

fn options(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn error_message(result: Result<JsValue, wasm_bindgen::JsError>) -> String {
    let value: JsValue = match result {
        Ok(v) => panic!("expected an error, got {:?}", js_sys::JSON::stringify(&v)),
        Err(e) => e.into(),
    };
    let message = js_sys::Reflect::get(&value, &"message".into()).expect("an Error with a message");
    message.as_string().expect("a string message")
}

/// The wasm `inspect` of a Windows-1252 `;` file equals the native answer
/// (the JSON `masque inspect --json` prints, pinned in the fixture).
pub fn same_as_native() {
    let value = masque::wasm::inspect(COHORT, JsValue::UNDEFINED).unwrap();
    let got: Inspection = serde_wasm_bindgen::from_value(value).unwrap();
    let expected: Inspection = serde_json::from_str(EXPECTED).unwrap();
    assert_eq!(got, expected);
    assert_eq!(got.rows, 40);
    // The returned object is plain data: field names as in the JSON.
    let value = masque::wasm::inspect(COHORT, JsValue::NULL).unwrap();
    let dialect = js_sys::Reflect::get(&value, &"dialect".into()).unwrap();
    assert_eq!(js_sys::Reflect::get(&dialect, &"delimiter".into()).unwrap(), ";");
    assert_eq!(js_sys::Reflect::get(&dialect, &"encoding".into()).unwrap(), "windows-1252");
}

/// Options override detection; bad options and bad files are `Error`s with
/// positions, not panics.
pub fn options_and_errors() {
    let forced = masque::wasm::inspect(COHORT, options(r#"{"delimiter": ",", "encoding": "utf-8"}"#));
    assert!(error_message(forced).contains("fields, expected"));
    let msg = error_message(masque::wasm::inspect(b"", JsValue::UNDEFINED));
    assert_eq!(msg, "the file is empty");
    let msg = error_message(masque::wasm::inspect(b"a;b\r\n1;2;3\r\n", JsValue::UNDEFINED));
    assert_eq!(msg, "line 2 (record 1) has 3 fields, expected 2 as in the header");
    let msg = error_message(masque::wasm::inspect(COHORT, options(r#"{"delimiter": 7}"#)));
    assert!(msg.starts_with("invalid read options"), "{msg}");
    let msg = error_message(masque::wasm::inspect(COHORT, options(r#"{"unknown": true}"#)));
    assert!(msg.contains("unknown"), "{msg}");
}
