//! Cell suppression, weights and microaggregation give the same bytes and
//! the same utility figures (to the bit) in wasm as natively: the digests
//! `tests/common/keep.rs` pins, checked natively by `tests/microaggregation.rs`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[path = "common/keep.rs"]
mod keep;

#[wasm_bindgen_test]
fn same_bytes_and_utility_as_native() {
    let (g, l) = (keep::digests("global"), keep::digests("local"));
    assert_eq!((g.0.as_str(), g.1.as_str()), keep::GLOBAL);
    assert_eq!((l.0.as_str(), l.1.as_str()), keep::LOCAL);
}
