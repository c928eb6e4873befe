//! `--malformed-rows set-aside` on `inspect`, `apply` and `clean`: ragged
//! rows are left out, their lines noted on stderr (never their content) and
//! listed in the reports; without it the read stops at the first one.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::{Command, Output};

#[path = "common/temp_dir.rs"]
mod temp_dir;

fn masque(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_masque")).args(args).current_dir(dir).output().expect("run masque")
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).expect("JSON")
}

const RAGGED: &str = "nir;sexe;age;diag\n\
185057511542355;M;34;I21\n\
295109912611193;F;SECRET-CELL\n\
185057511542355;M;35;I21\n\
295109912611193;F;41;J18;EXTRA-CELL\n\
253072B07300470;F;47;J18\n";

fn setup(name: &str) -> temp_dir::TempDir {
    let dir = temp_dir::temp_dir("cli-malformed", name);
    std::fs::write(dir.join("ragged.csv"), RAGGED).unwrap();
    dir
}

#[test]
fn without_the_option_the_read_stops_at_the_first_ragged_line() {
    let dir = setup("default");
    for command in ["inspect", "apply", "clean"] {
        let mut args = vec![command, "ragged.csv"];
        if command != "inspect" {
            std::fs::write(dir.join("p.json"), r#"{"version": 1}"#).unwrap();
            args.extend(["--policy", "p.json", "-o", "out.csv"]);
        }
        let out = masque(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("line 3"), "{command}: {err}");
        assert!(!err.contains("SECRET"), "{command}: {err}");
    }
}

#[test]
fn inspect_apply_and_clean_set_ragged_rows_aside() {
    let dir = setup("set-aside");
    let no_cell = |text: &str| {
        for cell in ["SECRET-CELL", "EXTRA-CELL", "295109912611193"] {
            assert!(!text.contains(cell), "{text}");
        }
    };
    // inspect: the rows counted are the rows kept; the lines are in the JSON and on stderr
    let out = masque(&dir, &["inspect", "ragged.csv", "--malformed-rows", "set-aside", "--json"]);
    let err = ok(&out);
    assert!(err.contains("2 malformed rows set aside, not written (lines 3, 5)"), "{err}");
    let inspection: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inspection["rows"], 3);
    assert_eq!(inspection["set_aside"], serde_json::json!({"count": 2, "lines": [3, 5]}));
    no_cell(&err);

    // apply: the output holds the well-formed rows only
    std::fs::write(dir.join("p.json"), r#"{"version": 1, "columns": {"nir": "drop"}}"#).unwrap();
    let args = ["apply", "ragged.csv", "--policy", "p.json", "-o", "out.csv", "--malformed-rows", "set-aside"];
    let err = ok(&masque(&dir, &args));
    assert!(err.contains("lines 3, 5"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("out.csv")).unwrap(), "sexe;age;diag\nM;34;I21\nM;35;I21\nF;47;J18\n");

    // clean: the report counts and lists them, after everything
    let policy = r#"{"version": 1, "columns": {"nir": "drop"},
        "anonymise": {"quasi_identifiers": {"sexe": {}, "age": {"builder": {"intervals": {"widths": [10, 20]}}}},
                      "sensitive": {"diag": {}}, "k": 2, "recoding": "global"}}"#;
    std::fs::write(dir.join("p.json"), policy).unwrap();
    let args = [
        "clean",
        "ragged.csv",
        "--policy",
        "p.json",
        "-o",
        "out.csv",
        "--report",
        "r.json",
        "--malformed-rows",
        "set-aside",
    ];
    let err = ok(&masque(&dir, &args));
    no_cell(&err);
    let report = json(&dir.join("r.json"));
    let output = &report["output"];
    assert_eq!(output["set_aside"], serde_json::json!({"count": 2, "lines": [3, 5]}));
    assert_eq!((&output["rows_read"], &output["rows"]), (&3.into(), &3.into()));
    no_cell(&report.to_string());
    let written = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert!(!written.contains("SECRET") && !written.contains("EXTRA"), "{written}");
    // the sensitive column without a criterion is measured: l before and after
    let diag = &report["result"]["risk_after"]["sensitive"]["diag"];
    assert!(diag["l_distinct"].as_u64().is_some() && diag["l_entropy"].as_f64().is_some(), "{diag}");
    assert!(report["result"]["risk_before"]["sensitive"]["diag"]["l_distinct"].is_number());
}

#[test]
fn a_bad_value_for_the_option_is_refused() {
    let dir = setup("bad-option");
    let out = masque(&dir, &["inspect", "ragged.csv", "--malformed-rows", "skip"]);
    assert_eq!(out.status.code(), Some(2));
}
