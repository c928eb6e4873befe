//! The wasm build of `inspect`, run in headless Chromium by wasm-bindgen-test-runner and chromedriver.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[macro_use]
#[path = "wasm_common/inspect.rs"]
mod checks;

run_checks!();
