//! The page's way of reading a file, in a real dedicated Web Worker of headless
//! Chromium (wasm-bindgen-test-runner and chromedriver): a `Blob` read by
//! chunks with `FileReaderSync` into `PreviewTable.fromReader`, as www/worker.js
//! does, gives the same table as the file's bytes.
#![cfg(target_arch = "wasm32")]

use masque::inspect::Inspection;
use masque::wasm::PreviewTable;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const COHORT: &[u8] = include_bytes!("fixtures/cohort_quirks_200.csv");

/// `(offset, length) => Uint8Array` over a Blob of `bytes`, with FileReaderSync.
fn blob_reader(bytes: &[u8]) -> js_sys::Function {
    let make = js_sys::Function::new_with_args(
        "bytes",
        "const blob = new Blob([bytes]); const reader = new FileReaderSync();
         return (offset, length) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + length)));",
    );
    make.call1(&JsValue::NULL, &js_sys::Uint8Array::from(bytes)).unwrap().unchecked_into()
}

#[wasm_bindgen_test]
fn a_blob_read_with_filereadersync_gives_the_same_table() {
    let table = PreviewTable::from_reader(COHORT.len() as f64, blob_reader(COHORT), JsValue::UNDEFINED).unwrap();
    let got: Inspection = serde_wasm_bindgen::from_value(table.inspection().unwrap()).unwrap();
    let expected = masque::inspect::inspect(COHORT, &Default::default()).unwrap();
    assert_eq!(got, expected);
    assert_eq!(table.rows(), 200);
    // a window of rows, as the preview asks for it
    let rows = table.slice(198, 10);
    assert_eq!(rows.length(), 2);
}

#[wasm_bindgen_test]
fn a_blob_shorter_than_announced_is_an_io_error() {
    let e = match PreviewTable::from_reader(COHORT.len() as f64 + 10.0, blob_reader(COHORT), JsValue::UNDEFINED) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    };
    assert_eq!(js_sys::Reflect::get(&e, &"code".into()).unwrap(), "io");
}
