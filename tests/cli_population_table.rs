//! `masque anonymise` with a population table (k-map counted in it,
//! δ-presence) and `masque analyse --population-table`, on the hand-checked
//! fixtures of `tests/fixtures/population` (figures worked out in
//! `tests/population_table.rs`); errors are one line naming a path, a column
//! and a row, never a value.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/population");

#[path = "common/cli.rs"]
mod cli;
#[path = "common/temp_dir.rs"]
mod temp_dir;
use cli::{failure, masque, ok, report};

fn tmpdir(name: &str) -> temp_dir::TempDir {
    temp_dir::temp_dir("cli-population-table", name)
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn k_map_with_the_table_end_to_end() {
    let dir = tmpdir("k-map");
    let (out_csv, report_json) = (dir.join("out.csv"), dir.join("report.json"));
    let out = masque(
        &dir,
        &[
            "anonymise",
            &fixture("sample.csv"),
            "--config",
            &fixture("k_map.json"),
            "-o",
            out_csv.to_str().unwrap(),
            "--report",
            report_json.to_str().unwrap(),
        ],
    );
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("levels age 1, sex 0"), "{stderr}");
    assert!(stderr.contains("k-map 7, δ 0.1429 to 0.5000"), "{stderr}");
    let r = report(&report_json);
    assert_eq!((r["levels"]["age"].as_u64(), r["levels"]["sex"].as_u64()), (Some(1), Some(0)));
    assert_eq!(r["optimal"], true);
    let p = &r["population_table"];
    assert_eq!((p["rows"].as_u64(), p["k_map"].as_u64(), p["monotone"].as_bool()), (Some(30), Some(7), Some(true)));
    assert_eq!(p["delta_max"].as_f64(), Some(0.5));
    let written = std::fs::read_to_string(&out_csv).unwrap();
    assert_eq!(written.lines().next(), Some("age,sex,diagnosis"));
    assert_eq!(written.lines().nth(1), Some("20-24,M,D0"));
    assert_eq!(written.lines().nth(6), Some("25-29,F,D2"));
}

#[test]
fn delta_presence_not_monotone_still_optimal() {
    let dir = tmpdir("delta");
    let (out_csv, report_json) = (dir.join("out.csv"), dir.join("report.json"));
    let out = masque(
        &dir,
        &[
            "anonymise",
            &fixture("sample.csv"),
            "--config",
            &fixture("delta.json"),
            "-o",
            out_csv.to_str().unwrap(),
            "--report",
            report_json.to_str().unwrap(),
        ],
    );
    ok(&out);
    let r = report(&report_json);
    assert_eq!((r["levels"]["age"].as_u64(), r["levels"]["sex"].as_u64()), (Some(1), Some(1)));
    assert_eq!(r["optimal"], true);
    let p = &r["population_table"];
    assert_eq!((p["k_map"].as_u64(), p["monotone"].as_bool()), (Some(15), Some(false)));
    assert_eq!((p["delta_min"].as_f64(), p["delta_max"].as_f64()), (Some(1.0 / 3.0), Some(1.0 / 3.0)));
}

/// Writes `config` (with `population_table: population.csv`) and `population` into `dir`.
fn setup(dir: &Path, extra: &str, population: &str) -> String {
    std::fs::write(dir.join("population.csv"), population).unwrap();
    for h in ["hierarchy_age.csv", "hierarchy_sex.csv"] {
        std::fs::copy(fixture(h), dir.join(h)).unwrap();
    }
    let config = format!(
        r#"{{"quasi_identifiers": {{"age": {{"hierarchy_file": "hierarchy_age.csv"}},
             "sex": {{"hierarchy_file": "hierarchy_sex.csv"}}}},
             "population_table": "population.csv"{extra}}}"#
    );
    let path = dir.join("config.json");
    std::fs::write(&path, config).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn errors_are_one_line_with_positions_and_no_values() {
    let dir = tmpdir("errors");
    let out_csv = dir.join("out.csv");
    let run = |config: &str| {
        masque(&dir, &["anonymise", &fixture("sample.csv"), "--config", config, "-o", out_csv.to_str().unwrap()])
    };
    let population = std::fs::read_to_string(fixture("population.csv")).unwrap();
    // A value absent from the hierarchy, in the population's 5th data row.
    let mut lines: Vec<String> = population.lines().map(str::to_string).collect();
    lines[5] = "p5,47,M,T0".into();
    let config = setup(&dir, r#", "k_map": {"k": 3}"#, &(lines.join("\n") + "\n"));
    let line = failure(&run(&config));
    assert!(line.contains("quasi-identifier `age`: the value in row 5 of the population table"), "{line}");
    assert!(!line.contains("47"), "{line}");
    // A column missing from the population table.
    let config = setup(&dir, r#", "k_map": {"k": 3}"#, "id,age\np1,21\n");
    let line = failure(&run(&config));
    assert!(line.contains("the population table has no column `sex`"), "{line}");
    // The file is not a subset: the population has one 21 M, the file two (its row 2).
    let one = population.lines().filter(|l| !l.contains(",21,M,")).collect::<Vec<_>>().join("\n") + "\np99,21,M,T0\n";
    let config = setup(&dir, r#", "delta_presence": {"max": 0.5}"#, &one);
    let line = failure(&run(&config));
    assert!(
        line.contains("row 2: its quasi-identifiers have more rows in the file than in the population table"),
        "{line}"
    );
    // The population table cannot be read: its path named.
    let config = setup(&dir, r#", "k_map": {"k": 3}"#, "");
    std::fs::remove_file(dir.join("population.csv")).unwrap();
    let line = failure(&run(&config));
    assert!(line.contains("population.csv"), "{line}");
    // An estimator with the table: the field named.
    let config = setup(&dir, r#", "k_map": {"k": 3, "estimator": "poisson"}"#, &population);
    let line = failure(&run(&config));
    assert!(line.contains("k_map.estimator"), "{line}");
}

#[test]
fn analyse_reports_the_population_matches() {
    let dir = tmpdir("analyse");
    // Age and sex as written: 21 M (2 rows, 3 in the population), 22 F (1, 3),
    // 23 M (1, 1), 24 M (1, 2), 26 F (2, 4), 27 M (1, 3), 28 F (1, 2), 29 M (1, 3).
    let out = masque(
        &dir,
        &[
            "analyse",
            &fixture("sample.csv"),
            "--qi",
            "age,sex",
            "--population-table",
            &fixture("population.csv"),
            "--json",
        ],
    );
    ok(&out);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &r["population_table"];
    assert_eq!((p["rows"].as_u64(), p["classes"].as_u64(), p["k_map"].as_u64()), (Some(30), Some(8), Some(1)));
    assert_eq!((p["delta_min"].as_f64(), p["delta_max"].as_f64()), (Some(1.0 / 3.0), Some(1.0)));
    assert_eq!(p["unmatched_classes"].as_u64(), Some(0));
    assert_eq!(r["k"].as_u64(), Some(1));
    // Age alone: 21 (2, 5), 22 (1, 5), 23 (1, 3), 24 (1, 2), 26 (2, 4), 27 (1, 3), 28 (1, 2), 29 (1, 3).
    let out = masque(
        &dir,
        &["analyse", &fixture("sample.csv"), "--qi", "age", "--population-table", &fixture("population.csv")],
    );
    ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("population table      30 rows"), "{text}");
    assert!(text.contains("k-map               2 "), "{text}");
    assert!(text.contains("δ-presence          from 0.200000 to 0.500000"), "{text}");
    // A class that matches no one in the population (a population without 29).
    std::fs::write(dir.join("pop.csv"), "age\n21\n22\n").unwrap();
    let out =
        masque(&dir, &["analyse", &fixture("sample.csv"), "--qi", "age", "--population-table", "pop.csv", "--json"]);
    ok(&out);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (r["population_table"]["k_map"].as_u64(), r["population_table"]["unmatched_classes"].as_u64()),
        (Some(0), Some(6))
    );
    // A quasi-identifier missing from the population table: one line, the path and the column.
    let out = masque(&dir, &["analyse", &fixture("sample.csv"), "--qi", "age,sex", "--population-table", "pop.csv"]);
    let line = failure(&out);
    assert!(line.contains("pop.csv") && line.contains("no column `sex`"), "{line}");
}

#[test]
fn a_policy_s_anonymise_section_names_the_table_beside_it() {
    let dir = tmpdir("policy");
    setup(&dir, "", &std::fs::read_to_string(fixture("population.csv")).unwrap());
    let policy = r#"{"version": 1, "default": "keep", "columns": {},
        "anonymise": {"quasi_identifiers": {"age": {"hierarchy_file": "hierarchy_age.csv"},
                                            "sex": {"hierarchy_file": "hierarchy_sex.csv"}},
                      "population_table": "population.csv", "k_map": {"k": 9}, "metric": "precision"}}"#;
    std::fs::write(dir.join("policy.json"), policy).unwrap();
    let (out_csv, report_json) = (dir.join("out.csv"), dir.join("report.json"));
    let out = masque(
        &dir,
        &[
            "anonymise",
            &fixture("sample.csv"),
            "--config",
            "policy.json",
            "-o",
            out_csv.to_str().unwrap(),
            "--report",
            report_json.to_str().unwrap(),
        ],
    );
    ok(&out);
    // k = 9: (2, 0), sex only, matching 16 and 14 (tests/population_table.rs).
    let r = report(&report_json);
    assert_eq!((r["levels"]["age"].as_u64(), r["levels"]["sex"].as_u64()), (Some(2), Some(0)));
    assert_eq!(r["population_table"]["k_map"].as_u64(), Some(14));
}
