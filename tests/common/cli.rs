//! Running the `masque` binary in tests (`tests/cli_anonymise.rs`,
//! `tests/cli_population_table.rs`): a run in a directory, success, a
//! failure's one line, a JSON report.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `masque` with `args` in `dir`.
pub fn masque(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_masque")).args(args).current_dir(dir).output().expect("run masque")
}

/// Asserts the run succeeded (stderr shown otherwise).
pub fn ok(out: &Output) {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Exit code 2 and exactly one line on stderr; returns that line.
pub fn failure(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr.trim_end().to_string()
}

/// The JSON report written at `path`.
pub fn report(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).expect("the report is JSON")
}
