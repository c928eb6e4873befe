//! masque: pseudonymise and k-anonymise clinical tables, natively and in the browser.
//!
//! This package is the shells around the core ([`masque_core`], re-exported
//! here whole, so `masque::table::read_table` is `masque_core::table::read_table`):
//! - the `masque` command line (`src/main.rs`, `src/cli/`): the only code that
//!   touches files, the clock and the system's randomness natively;
//! - [`wasm`] (`src/wasm/`, compiled for `wasm32` only): the only code that
//!   knows JavaScript, built into the web page's module.
//!
//! The shells convert and call the core; they compute nothing of their own.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use masque_core::*;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
