//! `masque clean` with a population table: the policy's `anonymise` section
//! names it (read beside the policy, with the input's reading options), the
//! file is cleaned in one pass, and the report's k-map and δ figures are
//! those `masque anonymise` finds on the policy's output. The figures are the
//! hand-checked ones of `tests/fixtures/population` (`tests/population_table.rs`);
//! errors are one line naming a path, a field or a row, never a value.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/population");

#[path = "common/cli.rs"]
mod cli;
#[path = "common/temp_dir.rs"]
mod temp_dir;
use cli::{failure, masque, ok, report};

fn tmpdir(name: &str) -> temp_dir::TempDir {
    temp_dir::temp_dir("cli-clean-population", name)
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `masque clean sample.csv --policy POLICY` in `dir`, to `dir/clean.csv` and
/// `dir/clean.json`; then `masque apply` of the same policy and `masque
/// anonymise` of its output with the policy's `anonymise` section, to
/// `dir/anonymised.csv` and `dir/anonymised.json`. Returns the clean's stderr.
fn clean_and_apply_then_anonymise(dir: &Path, policy: &str) -> String {
    let out = masque(
        dir,
        &[
            "clean",
            &fixture("sample.csv"),
            "--policy",
            policy,
            "-o",
            arg(&dir.join("clean.csv")),
            "--report",
            arg(&dir.join("clean.json")),
        ],
    );
    ok(&out);
    let applied = dir.join("applied.csv");
    ok(&masque(dir, &["apply", &fixture("sample.csv"), "--policy", policy, "-o", arg(&applied)]));
    ok(&masque(
        dir,
        &[
            "anonymise",
            arg(&applied),
            "--config",
            policy,
            "-o",
            arg(&dir.join("anonymised.csv")),
            "--report",
            arg(&dir.join("anonymised.json")),
        ],
    ));
    String::from_utf8(out.stderr).unwrap()
}

/// The clean's file and population figures are `anonymise`'s on the policy's output.
fn same_as_anonymise(dir: &Path) -> serde_json::Value {
    let clean = report(&dir.join("clean.json"));
    let anonymised = report(&dir.join("anonymised.json"));
    assert_eq!(clean["result"]["population_table"], anonymised["population_table"]);
    assert_eq!(clean["result"]["levels"], anonymised["levels"]);
    assert_eq!(std::fs::read(dir.join("clean.csv")).unwrap(), std::fs::read(dir.join("anonymised.csv")).unwrap());
    clean
}

#[test]
fn k_map_counted_in_the_table_is_anonymise_s() {
    let dir = tmpdir("k-map");
    let stderr = clean_and_apply_then_anonymise(&dir, &fixture("clean_policy.json"));
    // k = 3: (1, 0), the classes 20-24 M, 20-24 F, 25-29 M, 25-29 F matching 8, 7, 8, 7.
    assert!(stderr.contains("levels age 1, sex 0"), "{stderr}");
    assert!(stderr.contains("k-map 7, δ 0.1429 to 0.5000"), "{stderr}");
    let r = same_as_anonymise(&dir);
    let p = &r["result"]["population_table"];
    assert_eq!((p["rows"].as_u64(), p["k_map"].as_u64(), p["monotone"].as_bool()), (Some(30), Some(7), Some(true)));
    assert_eq!((p["delta_min"].as_f64(), p["delta_max"].as_f64()), (Some(1.0 / 7.0), Some(0.5)));
    // The policy dropped `diagnosis`; the search generalised age.
    let written = std::fs::read_to_string(dir.join("clean.csv")).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!((lines[0], lines[1], lines[6], lines.len()), ("age,sex", "20-24,M", "25-29,F", 11));
    assert_eq!(r["report"]["columns_out"].as_u64(), Some(2));
}

/// Writes into `dir` the policy of `clean_policy.json` with its `anonymise`
/// section's criterion `criterion`, the hierarchies, and `population` as
/// `population.csv` (none if `None`). Returns the policy's path.
fn setup(dir: &Path, criterion: &str, population: Option<&str>) -> String {
    if let Some(population) = population {
        std::fs::write(dir.join("population.csv"), population).unwrap();
    }
    for h in ["hierarchy_age.csv", "hierarchy_sex.csv"] {
        std::fs::copy(fixture(h), dir.join(h)).unwrap();
    }
    let mut policy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("clean_policy.json")).unwrap()).unwrap();
    let section = policy["anonymise"].as_object_mut().unwrap();
    section.remove("k_map");
    section.extend(serde_json::from_str::<serde_json::Map<_, _>>(criterion).unwrap());
    let path = dir.join("policy.json");
    std::fs::write(&path, policy.to_string()).unwrap();
    arg(&path).to_string()
}

#[test]
fn delta_presence_is_anonymise_s() {
    let dir = tmpdir("delta");
    let population = std::fs::read_to_string(fixture("population.csv")).unwrap();
    let policy = setup(&dir, r#"{"delta_presence": {"min": 0.3, "max": 0.5}}"#, Some(&population));
    let stderr = clean_and_apply_then_anonymise(&dir, &policy);
    // (1, 1): 20-24 and 25-29, 5 rows each matching 15.
    assert!(stderr.contains("k-map 15, δ 0.3333 to 0.3333"), "{stderr}");
    let r = same_as_anonymise(&dir);
    let p = &r["result"]["population_table"];
    assert_eq!((p["k_map"].as_u64(), p["monotone"].as_bool()), (Some(15), Some(false)));
    assert_eq!((p["delta_min"].as_f64(), p["delta_max"].as_f64()), (Some(1.0 / 3.0), Some(1.0 / 3.0)));
}

#[test]
fn errors_are_one_line_with_positions_and_no_values() {
    let dir = tmpdir("errors");
    let out_csv = dir.join("out.csv");
    let run = |policy: &str| masque(&dir, &["clean", &fixture("sample.csv"), "--policy", policy, "-o", arg(&out_csv)]);
    let population = std::fs::read_to_string(fixture("population.csv")).unwrap();
    // The population table named but absent: its path.
    let _ = std::fs::remove_file(dir.join("population.csv"));
    let policy = setup(&dir, r#"{"k_map": {"k": 3}}"#, None);
    let line = failure(&run(&policy));
    assert!(line.contains(arg(&dir.join("population.csv"))) && line.contains("cannot read"), "{line}");
    assert!(!out_csv.exists(), "nothing written");
    // The file is not a subset: the population has one 21 M, the file two
    // (its data row 2, the same after the policy).
    let one = population.lines().filter(|l| !l.contains(",21,M,")).collect::<Vec<_>>().join("\n") + "\np99,21,M,T0\n";
    let policy = setup(&dir, r#"{"delta_presence": {"max": 0.5}}"#, Some(&one));
    let line = failure(&run(&policy));
    assert!(
        line.contains("row 2: its quasi-identifiers have more rows in the file than in the population table"),
        "{line}"
    );
    let message = line.split_once("sample.csv: ").expect("the file named").1;
    assert!(!message.contains("21") && !message.contains("M,") && !message.contains("D1"), "{line}");
    // A population value absent from the hierarchy: its row, not the value.
    let mut lines: Vec<String> = population.lines().map(str::to_string).collect();
    lines[5] = "p5,47,M,T0".into();
    let policy = setup(&dir, r#"{"k_map": {"k": 3}}"#, Some(&(lines.join("\n") + "\n")));
    let line = failure(&run(&policy));
    assert!(line.contains("quasi-identifier `age`: the value in row 5 of the population table"), "{line}");
    assert!(!line.contains("47"), "{line}");
    // A quasi-identifier the population table lacks.
    let policy = setup(&dir, r#"{"k_map": {"k": 3}}"#, Some("id,age\np1,21\n"));
    let line = failure(&run(&policy));
    assert!(line.contains("the population table has no column `sex`"), "{line}");
}
