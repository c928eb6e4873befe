//! `masque inspect`: JSON on stdout, exit code 2 and one line on stderr for bad input.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn masque(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_masque"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run masque")
}

#[test]
fn inspect_json_matches_the_shared_expectation() {
    let out = masque(&["inspect", "tests/fixtures/cohort_cp1252_40.csv", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The same file is checked against the same JSON in Node and in Chromium
    // (tests/wasm_inspect_*.rs): native and wasm give one answer.
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/expected/cohort_cp1252_40.inspect.json")).unwrap();
    assert_eq!(got, expected);
    assert_eq!(got["dialect"]["delimiter"], ";");
    assert_eq!(got["dialect"]["encoding"], "windows-1252");
    assert_eq!(got["dialect"]["bom"], false);
    assert_eq!(got["dialect"]["line_ending"], "crlf");
    assert_eq!(got["rows"], 40);
    assert_eq!(got["columns"].as_array().unwrap().len(), 19);
    assert_eq!(got["columns"][0]["name"], "nir");
    assert_eq!(got["columns"][0]["distinct"], 40);
}

#[test]
fn inspect_readable_output() {
    let out = masque(&["inspect", "tests/fixtures/dialects/tab_utf8_lf.tsv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("4 rows, 5 columns; delimiter TAB, utf-8, LF line endings"), "{text}");
    assert!(text.contains("prénom"));
}

#[test]
fn bad_input_exits_2_with_one_line() {
    for (file, needle) in [
        ("tests/fixtures/bad/field_count.csv", "line 5 (record 3) has 2 fields, expected 3"),
        ("tests/fixtures/bad/empty.csv", "the file is empty"),
        ("tests/fixtures/bad/header_only.csv", "no data rows"),
        ("tests/fixtures/bad/binary.png", "binary data at byte 8"),
        ("tests/fixtures/bad/invalid_utf16.csv", "invalid UTF-16 at byte 16"),
        ("tests/fixtures/does-not-exist.csv", "cannot read"),
    ] {
        let out = masque(&["inspect", file, "--json"]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(out.stdout.is_empty(), "{file}: nothing on stdout");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{file}: {err}");
        assert!(err.contains(needle), "{file}: {err}");
    }
}

#[test]
fn forced_options_are_checked() {
    let out = masque(&["inspect", "tests/fixtures/dialects/tab_utf8_lf.tsv", "--encoding", "latin9"]);
    assert_eq!(out.status.code(), Some(2));
    let out = masque(&["inspect", "tests/fixtures/dialects/tab_utf8_lf.tsv", "--delimiter", "tab", "--json"]);
    assert!(out.status.success());
}
