//! `masque clean`: the policy then its `anonymise` section in one pass gives
//! the same bytes and reports as `masque apply` then `masque anonymise`;
//! without the section it is `masque apply`; the section's `time_limit_ms`
//! stops the search; errors are one line naming no value.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

#[path = "common/temp_dir.rs"]
mod temp_dir;

fn masque(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_masque")).args(args).current_dir(dir).output().expect("run masque")
}

fn ok(out: &Output) {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).expect("JSON")
}

/// A directory with a fresh key and `policy.json`: the cohort policy, with
/// the columns the builders read kept, and `anonymise` (if given) as its section.
fn setup(name: &str, anonymise: Option<serde_json::Value>) -> temp_dir::TempDir {
    setup_policy(name, anonymise, true)
}

/// As [`setup`]; `keep` false leaves the cohort policy's generalisations of
/// the columns the builders read (years, départements, bands).
fn setup_policy(name: &str, anonymise: Option<serde_json::Value>, keep: bool) -> temp_dir::TempDir {
    let dir = temp_dir::temp_dir("cli-clean", name);
    ok(&masque(&dir, &["keygen", "-o", "key.json"]));
    let mut policy = json(Path::new(&fixture("policies/cohort.json")));
    for column in ["date_naissance", "code_postal", "poids_kg"].into_iter().filter(|_| keep) {
        policy["columns"][column] = serde_json::json!({"action": "keep"});
    }
    if let Some(section) = anonymise {
        policy["anonymise"] = section;
    }
    std::fs::write(dir.join("policy.json"), serde_json::to_string_pretty(&policy).unwrap()).unwrap();
    dir
}

fn builders() -> serde_json::Value {
    json(Path::new(&fixture("anonymise/cohort_builders.json")))
}

/// `clean` and `apply` then `anonymise`, from the same policy and key.
fn clean_and_steps(dir: &Path, file: &str) {
    let file = fixture(file);
    let common = ["--policy", "policy.json", "--key", "key.json"];
    ok(&masque(dir, &[&["clean", &file][..], &common, &["-o", "clean.csv", "--report", "clean.json"]].concat()));
    ok(&masque(dir, &[&["apply", &file][..], &common, &["-o", "applied.csv", "--report", "applied.json"]].concat()));
}

#[test]
fn clean_is_apply_then_anonymise() {
    for (name, file) in [("quirks", "cohort_quirks_200.csv"), ("cp1252", "cohort_cp1252_40.csv")] {
        let dir = setup(name, Some(builders()));
        clean_and_steps(&dir, file);
        let args = ["anonymise", "applied.csv", "--config", "policy.json", "-o", "anon.csv", "--report", "anon.json"];
        ok(&masque(&dir, &args));
        assert_eq!(
            std::fs::read(dir.join("clean.csv")).unwrap(),
            std::fs::read(dir.join("anon.csv")).unwrap(),
            "{name}"
        );
        let report = json(&dir.join("clean.json"));
        assert_eq!(report["report"], json(&dir.join("applied.json")), "{name}");
        assert_eq!(report["result"], json(&dir.join("anon.json")), "{name}");
        assert_eq!(report["result"]["optimal"], true, "{name}");
        assert_eq!(report.as_object().unwrap().len(), 3, "{name}: `report`, `result` and `output`");
        // `output` counts the file as written, read back here.
        let written = std::fs::read(dir.join("clean.csv")).unwrap();
        let table = masque::table::read_table(&written, &masque::table::ReadOptions::default()).unwrap().table;
        let output = &report["output"];
        assert_eq!(
            (&output["rows"], &output["rows_read"]),
            (&table.rows.into(), &report["report"]["rows_in"]),
            "{name}"
        );
        for (c, o) in table.columns.iter().zip(output["columns"].as_array().unwrap()) {
            let distinct: std::collections::BTreeSet<&str> = (0..table.rows).map(|r| c.get(r)).collect();
            let empty = (0..table.rows).filter(|&r| c.get(r).trim().is_empty()).count();
            assert_eq!(
                (&o["name"], &o["distinct"], &o["empty"]),
                (&c.name.clone().into(), &distinct.len().into(), &empty.into()),
                "{name}"
            );
        }
        assert_eq!(output["columns"].as_array().unwrap().len(), table.columns.len(), "{name}");
    }
}

/// The README's sequence: `apply` with the cohort policy (dates to years,
/// codes postaux to départements, weights to bands of 10), then `anonymise`
/// with the cohort builders, which place those at their own level; and
/// `clean` with both in one policy gives the same.
#[test]
fn the_cohort_policy_then_the_cohort_builders() {
    for (name, file) in [("readme-quirks", "cohort_quirks_200.csv"), ("readme-cp1252", "cohort_cp1252_40.csv")] {
        let dir = setup_policy(name, Some(builders()), false);
        clean_and_steps(&dir, file);
        let same = |a: &str, b: &str| std::fs::read(dir.join(a)).unwrap() == std::fs::read(dir.join(b)).unwrap();
        let args = ["anonymise", "applied.csv", "--config", "policy.json", "-o", "anon.csv", "--report", "anon.json"];
        ok(&masque(&dir, &args));
        assert!(same("clean.csv", "anon.csv"), "{name}");
        let report = json(&dir.join("clean.json"));
        assert_eq!(report["report"], json(&dir.join("applied.json")), "{name}");
        assert_eq!(report["result"], json(&dir.join("anon.json")), "{name}");
        // The configuration file itself (its quasi-identifiers listed in its
        // own order, where a policy's section lists them by name): the same file.
        let config = fixture("anonymise/cohort_builders.json");
        let args = ["anonymise", "applied.csv", "--config", &config, "-o", "file.csv", "--report", "file.json"];
        ok(&masque(&dir, &args));
        assert!(same("clean.csv", "file.csv"), "{name}");
        assert_eq!(report["result"]["levels"], json(&dir.join("file.json"))["levels"], "{name}");
        assert_eq!(report["result"]["levels"]["date_naissance"], 5, "{name}: years go up to `*` through decades");
    }
}

#[test]
fn clean_without_an_anonymise_section_is_apply() {
    let dir = setup("apply", None);
    clean_and_steps(&dir, "cohort_quirks_200.csv");
    assert_eq!(std::fs::read(dir.join("clean.csv")).unwrap(), std::fs::read(dir.join("applied.csv")).unwrap());
    let report = json(&dir.join("clean.json"));
    assert_eq!(report["report"], json(&dir.join("applied.json")));
    assert_eq!(report["result"], serde_json::Value::Null);
}

#[test]
fn the_sections_time_limit_stops_the_search() {
    let mut section = builders();
    section["time_limit_ms"] = serde_json::json!(0);
    let dir = setup("limit", Some(section));
    clean_and_steps(&dir, "cohort_quirks_200.csv");
    let result = &json(&dir.join("clean.json"))["result"];
    assert_eq!(result["optimal"], false);
    assert!(result["risk_after"]["k"].as_u64().unwrap() >= 5);
    // The same limit through `anonymise` (which applies it with its own clock).
    let args = ["anonymise", "applied.csv", "--config", "policy.json", "-o", "anon.csv", "--report", "anon.json"];
    ok(&masque(&dir, &args));
    assert_eq!(json(&dir.join("anon.json"))["optimal"], false);
}

#[test]
fn errors_are_one_line_and_name_no_value() {
    let file = fixture("cohort_quirks_200.csv");
    let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
    let header: Vec<&str> = text.lines().next().unwrap().split(';').collect();
    let cells: Vec<&str> =
        text.lines().skip(1).flat_map(|l| l.split(';')).filter(|c| c.len() >= 5 && !header.contains(c)).collect();
    let cases = [
        // A builder that cannot read the policy's output (pseudonyms are not numbers).
        serde_json::json!({"quasi_identifiers": {"nom": {"builder": {"intervals": {"widths": [5]}}}}}),
        // A builder that cannot read the kept values.
        serde_json::json!({"quasi_identifiers": {"libelle_diag": {"builder": {"dates": {}}}}}),
        // A section that is not a configuration.
        serde_json::json!({"quasi_identifiers": {"sexe": {}}, "k": "five"}),
    ];
    for (i, section) in cases.into_iter().enumerate() {
        let dir = setup(&format!("error{i}"), Some(section));
        let out = masque(&dir, &["clean", &file, "--policy", "policy.json", "--key", "key.json", "-o", "out.csv"]);
        assert_eq!(out.status.code(), Some(2), "case {i}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "case {i}: {stderr}");
        assert!(stderr.starts_with("masque: error: "), "case {i}: {stderr}");
        for cell in &cells {
            assert!(!stderr.contains(cell), "case {i}: {stderr} quotes a cell");
        }
        assert!(!dir.join("out.csv").exists(), "case {i}: nothing written");
    }
    // Without the key the policy needs.
    let dir = setup("nokey", Some(builders()));
    let out = masque(&dir, &["clean", &file, "--policy", "policy.json", "-o", "out.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--key"));
}

/// The expected output and report that `tests/wasm_clean.rs` compares the
/// wasm `clean` with: the command line gives them, byte for byte.
#[test]
fn the_expected_files_of_the_wasm_test_are_the_command_lines() {
    let dir = temp_dir::temp_dir("cli-clean", "expected");
    let args = [
        "clean",
        &fixture("cohort_cp1252_40.csv"),
        "--policy",
        &fixture("policies/cohort_clean.json"),
        "--key",
        &fixture("expected/clean.key.json"),
        "-o",
        "out.csv",
        "--report",
        "report.json",
    ];
    ok(&masque(&dir, &args));
    let expected = |name: &str| std::fs::read(fixture(&format!("expected/cohort_cp1252_40.clean.{name}"))).unwrap();
    assert!(std::fs::read(dir.join("out.csv")).unwrap() == expected("csv"), "output");
    assert_eq!(std::fs::read(dir.join("report.json")).unwrap(), expected("json"));
}
