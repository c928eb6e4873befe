//! masque: pseudonymise and k-anonymise clinical tables, natively and in the browser.
//!
//! The core (this crate, `masque-core`) is plain Rust with no I/O, clock or
//! randomness: functions take bytes and values and return values. Its
//! dependencies hold no command-line parser, no randomness and no JavaScript
//! binding; unsafe code is forbidden. The package `masque` (the repository's
//! top level) holds the two thin shells that call it: the `masque` command
//! line (the only code that touches files) and the `wasm` module (the only
//! code that knows JavaScript, compiled for `wasm32` only).
//!
//! - [`table`]: the columnar, dictionary-encoded [`table::Table`]; reading CSV/TSV
//!   and workbooks from bytes ([`table::read_table`]), writing in a dialect
//!   ([`table::write_table`]).
//! - [`inspect`]: dialect, row count and per-column counts of a file.
//! - [`privacy`]: equivalence classes on quasi-identifier codes, k-anonymity,
//!   prosecutor risk, l-diversity and t-closeness ([`privacy::analyse`]).
//! - [`pseudo`]: the project key ([`pseudo::Key`], [`pseudo::KeyFile`]), keyed
//!   pseudonyms and per-subject date shifts.
//! - [`policy`]: the policy document ([`policy::Policy`]) and applying it to a
//!   table ([`policy::apply`]): keep, drop, redact, pseudonymise, mask,
//!   generalise, date_shift, scrub.
//! - [`hierarchy`]: generalisation hierarchies ([`hierarchy::arx`] format).
//! - [`search`]: anonymisation by full-domain generalisation and record
//!   suppression: the optimal lattice search ([`search::anonymise`]), exact
//!   against ARX, with hierarchy builders ([`hierarchy::builder`]).
//! - [`clean`]: the one cleaning pipeline, policy then anonymisation
//!   ([`clean::clean`]), behind `masque clean` and the wasm `clean`.
//! - [`ident`]: identifier validators with check keys (NIR, RPPS, FINESS,
//!   IBAN, phone, e-mail, dates, place codes, numbers) and free-text
//!   scrubbing ([`ident::scrub`]).
//! - [`suggest`]: a role and a policy action ([`policy::Action`]) suggested
//!   for each column from its header and values.
//!
//! Errors name positions, never cell values.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// A helper used only inside the core is `pub(crate)` or narrower: `pub` is the API.
#![warn(unreachable_pub)]

pub mod clean;
pub mod hierarchy;
pub mod ident;
pub mod inspect;
pub mod policy;
pub mod privacy;
pub mod pseudo;
pub mod search;
pub mod suggest;
pub mod table;
