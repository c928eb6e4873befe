//! The anonymisation configuration: parsed, its `hierarchy_file`s resolved to
//! a small fixed hierarchy, then run on the fixed table with a node budget (the
//! builders' options are what allocate). Errors and the result must not quote a
//! cell of the table.
#![no_main]

use libfuzzer_sys::fuzz_target;
use masque::search::{anonymise, AnonymiseConfig, Progress};
use masque_fuzz::{assert_quotes_no_cell, fixed_table, HIERARCHY_FILE};

/// Lattice nodes checked before the run is stopped (the result is then not optimal).
const NODE_BUDGET: u64 = 2_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let table = fixed_table();
    let mut config = match AnonymiseConfig::from_json(text) {
        Ok(c) => c,
        Err(e) => {
            assert_quotes_no_cell("config error", &e.to_string(), &table, text);
            return;
        }
    };
    if let Err(e) = config.resolve_files(|_| Ok(HIERARCHY_FILE.to_string())) {
        assert_quotes_no_cell("config error", &e.to_string(), &table, text);
        return;
    }
    let mut monitor = |p: &Progress| p.nodes_checked >= NODE_BUDGET;
    match anonymise(&table, &config, &mut monitor) {
        Ok(done) => {
            assert!(done.table.rows <= table.rows, "anonymise added rows");
            let result = serde_json::to_string(&done.result).unwrap_or_default();
            assert_quotes_no_cell("anonymise result", &result, &table, text);
        }
        Err(e) => {
            assert_quotes_no_cell("anonymise error", &e.to_string(), &table, text);
            assert_quotes_no_cell("anonymise error (Debug)", &format!("{e:?}"), &table, text);
        }
    }
});
