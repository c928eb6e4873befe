//! `Sha256`: a SHA-256 digest fed by chunks, so that the page's worker can
//! fingerprint a file of any size (the input, the cleaned output) without
//! holding it whole. The hash is the `sha2` crate's; nothing leaves the page.

use sha2::{Digest, Sha256 as Hasher};
use wasm_bindgen::prelude::*;

/// `new Sha256()`, then `update(bytes)` for each chunk in order, then `hex()`.
#[wasm_bindgen]
#[derive(Default)]
pub struct Sha256 {
    hasher: Hasher,
    bytes: f64,
}

#[wasm_bindgen]
impl Sha256 {
    /// An empty digest.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Sha256 {
        Sha256::default()
    }

    /// Adds the next chunk of the data.
    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as f64;
    }

    /// The bytes given so far.
    #[wasm_bindgen(getter)]
    pub fn bytes(&self) -> f64 {
        self.bytes
    }

    /// The SHA-256 of the data given so far, in lower-case hexadecimal (the
    /// digest can be fed further afterwards).
    pub fn hex(&self) -> String {
        let digest = self.hasher.clone().finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}
