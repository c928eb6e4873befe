//! The policy document: parsed, its `hierarchy_file`s resolved to a small
//! fixed hierarchy, then applied with a fixed key to the fixed table (the
//! options' values are what allocate). Errors and the report must not quote a
//! cell of the table.
#![no_main]

use libfuzzer_sys::fuzz_target;
use masque::policy::{apply, ApplyOptions, Policy};
use masque::pseudo::Key;
use masque_fuzz::{assert_quotes_no_cell, fixed_table, HIERARCHY_FILE};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let table = fixed_table();
    let mut policy = match Policy::from_json(text) {
        Ok(p) => p,
        Err(e) => {
            assert_quotes_no_cell("policy error", &e.to_string(), &table, text);
            return;
        }
    };
    if let Err(e) = policy.resolve_files(|_| Ok(HIERARCHY_FILE.to_string())) {
        assert_quotes_no_cell("policy error", &e.to_string(), &table, text);
        return;
    }
    let key = Key::from_random([7; 32]);
    let options = ApplyOptions { correspondence: true, utf8: false, threads: 1 };
    match apply(&table, &policy, Some(&key), &options) {
        Ok(applied) => {
            assert_eq!(applied.table.rows, table.rows, "apply changed the row count");
            let report = serde_json::to_string(&applied.report).unwrap_or_default();
            assert_quotes_no_cell("apply report", &report, &table, text);
        }
        Err(e) => {
            assert_quotes_no_cell("apply error", &e.to_string(), &table, text);
            assert_quotes_no_cell("apply error (Debug)", &format!("{e:?}"), &table, text);
        }
    }
});
