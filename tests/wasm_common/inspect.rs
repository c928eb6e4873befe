//! Checks shared by the Node and Chromium runs of the wasm `inspect`.
//!
//! Each run includes this file as `mod checks` and calls `run_checks!()`,
//! which makes one test of each check.

/// One `#[wasm_bindgen_test]` per check of this file.
macro_rules! run_checks {
    () => {
        run_checks!(same_as_native, options_and_errors, read_by_chunks, clean_kept_table, clean_by_chunks);
    };
    ($($check:ident),*) => {
        $(
            #[wasm_bindgen_test::wasm_bindgen_test]
            fn $check() {
                checks::$check();
            }
        )*
    };
}

use masque::inspect::Inspection;
use wasm_bindgen::{prelude::Closure, JsCast, JsValue};

const COHORT: &[u8] = include_bytes!("../fixtures/cohort_cp1252_40.csv");
const EXPECTED: &str = include_str!("../fixtures/expected/cohort_cp1252_40.inspect.json");

fn options(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn error_of<T, E: Into<JsValue>>(result: Result<T, E>) -> JsValue {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.into(),
    }
}

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap()
}

fn error_message<T, E: Into<JsValue>>(result: Result<T, E>) -> String {
    let value = error_of(result);
    assert!(value.is_instance_of::<js_sys::Error>(), "an Error");
    field(&value, "message").as_string().expect("a string message")
}

/// A `read(offset, length)` callback over `bytes` that hands out at most
/// `step` bytes a call, as the page's worker does over a `File`.
fn chunks(bytes: &'static [u8], step: usize) -> js_sys::Function {
    let read = Closure::<dyn FnMut(f64, f64) -> JsValue>::new(move |offset: f64, length: f64| {
        let start = offset as usize;
        let end = (start + (length as usize).min(step)).min(bytes.len());
        JsValue::from(js_sys::Uint8Array::from(&bytes[start..end]))
    });
    read.into_js_value().unchecked_into()
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
    let forced = masque::wasm::inspect(COHORT, options(r#"{"delimiter": ","}"#));
    assert!(error_message(forced).contains("fields, expected"));
    // Windows-1252 bytes read as UTF-8 on request: an error naming the first one.
    let e = error_of(masque::wasm::inspect(COHORT, options(r#"{"encoding": "utf-8"}"#)));
    assert_eq!(field(&e, "code"), "invalid_utf8");
    let first = COHORT.iter().position(|&b| b >= 0x80).unwrap() as f64;
    assert_eq!(field(&e, "byte").as_f64(), Some(first));
    let msg = error_message(masque::wasm::inspect(b"", JsValue::UNDEFINED));
    assert_eq!(msg, "the file is empty");
    let e = error_of(masque::wasm::inspect(b"a;b\r\n1;2;3\r\n", JsValue::UNDEFINED));
    assert_eq!(field(&e, "message"), "line 2 (record 1) has 3 fields, expected 2 as in the header");
    // the position as fields, for the page to say in its own words
    assert_eq!(field(&e, "code"), "field_count");
    let numbers: Vec<_> = ["line", "record", "expected", "found"].iter().map(|f| field(&e, f).as_f64()).collect();
    assert_eq!(numbers, [Some(2.0), Some(1.0), Some(2.0), Some(3.0)]);
    let e = error_of(masque::wasm::inspect(b"a;b\n1;\x002\n", JsValue::UNDEFINED));
    assert_eq!((field(&e, "code"), field(&e, "byte").as_f64()), (JsValue::from("binary"), Some(6.0)));
    assert_eq!(field(&error_of(masque::wasm::inspect(b"", JsValue::UNDEFINED)), "code"), "empty");
    let msg = error_message(masque::wasm::inspect(COHORT, options(r#"{"delimiter": 7}"#)));
    assert!(msg.starts_with("invalid read options"), "{msg}");
    let msg = error_message(masque::wasm::inspect(COHORT, options(r#"{"unknown": true}"#)));
    assert!(msg.contains("unknown"), "{msg}");
}

/// A file read by chunks through a callback (the worker's `FileReaderSync`)
/// gives the same table as its bytes; a failing callback is an `io` error.
pub fn read_by_chunks() {
    use masque::wasm::PreviewTable;
    let whole = masque::wasm::inspect(COHORT, JsValue::UNDEFINED).unwrap();
    for step in [7, 1 << 20] {
        let table = PreviewTable::from_reader(COHORT.len() as f64, chunks(COHORT, step), JsValue::UNDEFINED).unwrap();
        let got: Inspection = serde_wasm_bindgen::from_value(table.inspection().unwrap()).unwrap();
        let expected: Inspection = serde_wasm_bindgen::from_value(whole.clone()).unwrap();
        assert_eq!(got, expected, "{step} bytes a call");
        assert_eq!(table.rows(), 40);
        // its risk, as the function `analyse` gives it for the bytes
        let qi = || options(r#"{"qi": ["sexe", "code_postal"]}"#);
        let risk = js_sys::JSON::stringify(&table.analyse(qi()).unwrap()).unwrap();
        assert_eq!(risk, js_sys::JSON::stringify(&masque::wasm::analyse(COHORT, qi()).unwrap()).unwrap());
    }
    // a callback that returns no bytes (the file shrank) or throws
    let nothing: js_sys::Function =
        Closure::<dyn FnMut(f64, f64) -> JsValue>::new(|_: f64, _: f64| JsValue::NULL).into_js_value().unchecked_into();
    let e = error_of(PreviewTable::from_reader(COHORT.len() as f64, nothing, JsValue::UNDEFINED));
    assert_eq!(field(&e, "code"), "io");
    assert_eq!(field(&e, "message"), "the input could not be read: the file could not be read");
    let throws = js_sys::Function::new_with_args("offset, length", "throw new Error('gone')");
    let e = error_of(PreviewTable::from_reader(COHORT.len() as f64, throws, JsValue::UNDEFINED));
    assert_eq!(field(&e, "code"), "io");
    // the file's own errors keep their positions
    let e = error_of(PreviewTable::from_reader(12.0, chunks(b"a;b\r\n1;2;3\r\n", 5), JsValue::UNDEFINED));
    assert_eq!((field(&e, "code"), field(&e, "line").as_f64()), (JsValue::from("field_count"), Some(2.0)));
}

/// Cleaning the kept table gives the same bytes and report as cleaning the
/// file's bytes, and leaves the kept table as it was.
pub fn clean_kept_table() {
    use masque::wasm::PreviewTable;
    let key = masque::wasm::keygen().unwrap();
    let request = |key: &JsValue| {
        let request = options(&format!(
            r#"{{"policy": {}, "preview_rows": 3}}"#,
            include_str!("../fixtures/policies/cohort.json")
        ));
        js_sys::Reflect::set(&request, &"key".into(), key).unwrap();
        request
    };
    let from_bytes = masque::wasm::clean(COHORT, request(&key), JsValue::UNDEFINED).unwrap();
    let table = PreviewTable::from_reader(COHORT.len() as f64, chunks(COHORT, 4096), JsValue::UNDEFINED).unwrap();
    let before = js_sys::JSON::stringify(&table.slice(0, 40)).unwrap();
    let kept = table.clean(request(&key), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    let bytes = |v: &JsValue| field(v, "output").unchecked_into::<js_sys::Uint8Array>().to_vec();
    assert!(!bytes(&kept).is_empty());
    assert!(bytes(&kept) == bytes(&from_bytes), "same output");
    for f in ["report", "dialect", "header", "preview"] {
        assert_eq!(
            js_sys::JSON::stringify(&field(&kept, f)).unwrap(),
            js_sys::JSON::stringify(&field(&from_bytes, f)).unwrap(),
            "{f}"
        );
    }
    assert_eq!(js_sys::JSON::stringify(&table.slice(0, 40)).unwrap(), before);
    // a bad request is an error, and the table stays usable
    assert!(error_message(table.clean(options(r#"{"polcy": {}}"#), JsValue::UNDEFINED, JsValue::UNDEFINED))
        .contains("polcy"));
    assert_eq!(table.rows(), 40);
}

/// `cleanOnce` with a sink: the chunks, end to end, are the bytes `clean`
/// returns whole, on a file whose output takes several chunks; `output` is
/// null and the writing progress counts every byte.
pub fn clean_by_chunks() {
    use masque::wasm::PreviewTable;
    let split = COHORT.iter().position(|&b| b == b'\n').unwrap() + 1;
    let (head, rows) = COHORT.split_at(split);
    let big: &'static [u8] = Box::leak([head, &rows.repeat(1400)].concat().into_boxed_slice());
    let key = masque::wasm::keygen().unwrap();
    let request = || {
        let r = options(&format!(r#"{{"policy": {}}}"#, include_str!("../fixtures/policies/cohort.json")));
        js_sys::Reflect::set(&r, &"key".into(), &key).unwrap();
        r
    };
    let whole = masque::wasm::clean(big, request(), JsValue::UNDEFINED).unwrap();
    let whole = field(&whole, "output").unchecked_into::<js_sys::Uint8Array>().to_vec();
    assert!(whole.len() > 8 << 20, "the output takes several chunks ({} bytes)", whole.len());

    let parts = js_sys::Array::new();
    let sink = js_sys::Function::new_with_args("c", "this.push(c)").bind0(&parts);
    let written = js_sys::Array::new();
    let progress = js_sys::Function::new_with_args("p", "if (p.phase === 'writing') this.push(p.done); return true")
        .bind0(&written);
    let table = PreviewTable::from_reader(big.len() as f64, chunks(big, 1 << 20), JsValue::UNDEFINED).unwrap();
    let done = table.clean_once(request(), progress.into(), sink.into()).unwrap();
    assert!(field(&done, "output").is_null());
    assert!(parts.length() >= 3, "{} chunks", parts.length());
    let mut joined = Vec::new();
    for part in parts.iter() {
        joined.extend(part.unchecked_into::<js_sys::Uint8Array>().to_vec());
    }
    assert!(joined == whole, "the chunks are the whole output");
    assert_eq!(written.get(written.length() - 1).as_f64(), Some(whole.len() as f64));
}
