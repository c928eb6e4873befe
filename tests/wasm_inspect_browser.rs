//! The wasm build of `inspect`, run in headless Chromium by wasm-bindgen-test-runner and chromedriver.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "wasm_common/inspect.rs"]
mod checks;

#[wasm_bindgen_test]
fn same_as_native() {
    checks::same_as_native();
}

#[wasm_bindgen_test]
fn options_and_errors() {
    checks::options_and_errors();
}

#[wasm_bindgen_test]
fn read_by_chunks() {
    checks::read_by_chunks();
}

#[wasm_bindgen_test]
fn clean_kept_table() {
    checks::clean_kept_table();
}
