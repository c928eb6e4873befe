//! The wasm build of `inspect`, run in Node by wasm-bindgen-test-runner.
#![cfg(target_arch = "wasm32")]

#[macro_use]
#[path = "wasm_common/inspect.rs"]
mod checks;

run_checks!();
