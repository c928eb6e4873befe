//! `masque anonymise FILE --config C` with `"recoding": "local"`: Adult,
//! k = 5, every row kept, the report's recoding, NCP and privacy figures;
//! an unknown recoding is refused naming the field; `max_level` honoured, and
//! a bound that makes k impossible refused naming the column and the numbers.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const ADULT_QI: [&str; 8] =
    ["age", "sex", "race", "marital-status", "education", "native-country", "workclass", "occupation"];

#[path = "common/temp_dir.rs"]
mod temp_dir;

fn masque(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_masque")).args(args).current_dir(dir).output().expect("run masque")
}

/// The Adult configuration of `tests/fixtures/anonymise/adult_k5.json`, with
/// the hierarchy files named from `dir` and `recoding`.
fn config(dir: &Path, recoding: &str) -> String {
    let qis: Vec<String> = ADULT_QI
        .iter()
        .map(|q| format!(r#""{q}": {{"hierarchy_file": "{FIXTURES}/adult/adult_hierarchy_{q}.csv"}}"#))
        .collect();
    let text = format!(r#"{{"quasi_identifiers": {{{}}}, "k": 5, "recoding": "{recoding}"}}"#, qis.join(", "));
    std::fs::write(dir.join("local.json"), text).unwrap();
    "local.json".to_string()
}

#[test]
fn adult_k5_local_recoding_end_to_end() {
    let dir = temp_dir::temp_dir("cli-local", "adult");
    let config = config(&dir, "local");
    let adult = format!("{FIXTURES}/adult/adult.csv");
    let out = masque(&dir, &["anonymise", &adult, "--config", &config, "-o", "out.csv", "--report", "r.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.starts_with("masque: local recoding, highest levels age "), "{stderr}");
    assert!(stderr.contains("all 30162 rows kept"), "{stderr}");

    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    assert_eq!(r["recoding"], "local");
    assert_eq!(r["search"], "local");
    assert_eq!(
        (r["rows"].as_u64(), r["retained"].as_u64(), r["suppressed"].as_u64()),
        (Some(30162), Some(30162), Some(0))
    );
    let ncp = r["ncp"]["value"].as_f64().unwrap();
    assert!(ncp <= 0.08, "{ncp}");
    assert_eq!(r["metric"]["name"], "ncp");
    assert_eq!(r["ncp"]["columns"].as_object().unwrap().len(), 8);
    assert!(r["k"].as_u64().unwrap() >= 5);
    assert_eq!(r["risk_after"]["k"], r["k"]);
    assert_eq!(r["risk_after"]["suppressed"], 0);

    // The output: the input's rows and header, in its dialect; a second run
    // gives the same bytes.
    let written = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    let input = std::fs::read_to_string(&adult).unwrap();
    assert_eq!(written.lines().count(), input.lines().count());
    assert_eq!(written.lines().next(), input.lines().next());
    let again = masque(&dir, &["anonymise", &adult, "--config", &config, "-o", "again.csv"]);
    assert!(again.status.success());
    assert!(std::fs::read(dir.join("again.csv")).unwrap() == written.as_bytes());

    // `masque analyse` agrees that the output is 5-anonymous.
    let qi = ADULT_QI.join(",");
    let analysed = masque(&dir, &["analyse", "out.csv", "--qi", &qi, "--json"]);
    assert!(analysed.status.success(), "{}", String::from_utf8_lossy(&analysed.stderr));
    let a: serde_json::Value = serde_json::from_slice(&analysed.stdout).unwrap();
    assert!(a["k"].as_u64().unwrap() >= 5, "{a}");
}

#[test]
fn an_unknown_recoding_is_refused_naming_the_field() {
    let dir = temp_dir::temp_dir("cli-local", "unknown");
    let config = config(&dir, "partial");
    let adult = format!("{FIXTURES}/adult/adult.csv");
    let out = masque(&dir, &["anonymise", &adult, "--config", &config, "-o", "out.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("recoding: unknown variant `partial`"), "{stderr}");
    assert!(!dir.join("out.csv").exists());
}

#[test]
fn a_policy_anonymise_section_carries_local_recoding() {
    let dir = temp_dir::temp_dir("cli-local", "clean");
    let mut policy: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{FIXTURES}/policies/cohort_clean.json")).unwrap()).unwrap();
    policy["anonymise"]["recoding"] = "local".into();
    std::fs::write(dir.join("policy.json"), serde_json::to_vec(&policy).unwrap()).unwrap();
    let input = format!("{FIXTURES}/cohort_cp1252_40.csv");
    let key = format!("{FIXTURES}/expected/clean.key.json");
    let args = ["clean", &input, "--policy", "policy.json", "--key", &key, "-o", "out.csv", "--report", "r.json"];
    let out = masque(&dir, &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    let result = &r["result"];
    assert_eq!(result["recoding"], "local");
    assert_eq!((result["rows"].as_u64(), result["retained"].as_u64()), (Some(40), Some(40)));
    assert!(result["k"].as_u64().unwrap() >= 5);
    // The section's l-diversity holds on the output.
    assert!(result["risk_after"]["sensitive"]["diag_principal"]["l_distinct"].as_u64().unwrap() >= 2);
}

#[test]
fn max_level_is_honoured_or_named_when_it_blocks() {
    let dir = temp_dir::temp_dir("cli-local", "max-level");
    let adult = format!("{FIXTURES}/adult/adult.csv");
    let bounded = |level: usize| {
        let name = config(&dir, "local");
        let mut c: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(&name)).unwrap()).unwrap();
        c["quasi_identifiers"]["age"]["max_level"] = level.into();
        let file = format!("age{level}.json");
        std::fs::write(dir.join(&file), serde_json::to_vec(&c).unwrap()).unwrap();
        file
    };

    // `age` at most to the 5-year band: every age cell an age or a band.
    let config = bounded(1);
    let out = masque(&dir, &["anonymise", &adult, "--config", &config, "-o", "out.csv", "--report", "r.json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    assert_eq!(r["recoding"], "local");
    assert_eq!((r["rows"].as_u64(), r["retained"].as_u64()), (Some(30162), Some(30162)));
    assert!(r["k"].as_u64().unwrap() >= 5);
    assert!(r["ncp"]["value"].as_f64().unwrap() < 0.1, "{}", r["ncp"]);
    let written = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    let mut lines = written.lines();
    let age = lines.next().unwrap().split(';').position(|c| c == "age").unwrap();
    for line in lines {
        let cell = line.split(';').nth(age).unwrap();
        let ok = match cell.split_once('-') {
            None => cell.parse::<u32>().is_ok(),
            Some((a, b)) => {
                let (a, b) = (a.parse::<u32>().unwrap(), b.parse::<u32>().unwrap());
                a % 5 == 0 && b == a + 4
            }
        };
        assert!(ok, "age cell {cell:?} above the 5-year band");
    }

    // The ages themselves: age 86 has one row, so k = 5 is impossible.
    let config = bounded(0);
    let out = masque(&dir, &["anonymise", &adult, "--config", &config, "-o", "none.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("the bound of `age` (max_level 0) blocks"), "{stderr}");
    assert!(stderr.contains("has 1 where 5 are needed"), "{stderr}");
    assert!(!stderr.contains("86"), "{stderr}");
    assert!(!dir.join("none.csv").exists());
}

/// The same JSON configures cell suppression, weights and microaggregation
/// on the command line; the report carries the `utility` section.
#[test]
fn cells_weights_and_microaggregation_from_the_config() {
    let dir = temp_dir::temp_dir("cli-local", "cells");
    let qis: Vec<String> = ADULT_QI
        .iter()
        .map(|q| match *q {
            "age" => r#""age": {"microaggregation": {"function": "median", "mdav": true}}"#.to_string(),
            "education" => {
                format!(r#""education": {{"hierarchy_file": "{FIXTURES}/adult/adult_hierarchy_education.csv", "weight": 4}}"#)
            }
            q => format!(r#""{q}": {{"hierarchy_file": "{FIXTURES}/adult/adult_hierarchy_{q}.csv"}}"#),
        })
        .collect();
    let text = format!(
        r#"{{"quasi_identifiers": {{{}}}, "k": 5, "suppression_limit": 0.04,
             "local": {{"suppression": "cells", "importance": ["education", "sex"]}}}}"#,
        qis.join(", ")
    );
    std::fs::write(dir.join("cells.json"), text).unwrap();
    let adult = format!("{FIXTURES}/adult/adult.csv");
    let out = masque(&dir, &["anonymise", &adult, "--config", "cells.json", "-o", "out.csv", "--report", "r.json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    let u = &r["utility"];
    let columns = u["columns"].as_object().unwrap();
    assert_eq!(columns.len(), 8);
    // Weights are reported over the largest, as ARX normalises them.
    assert_eq!((columns["education"]["weight"].as_f64(), columns["sex"]["weight"].as_f64()), (Some(1.0), Some(0.25)));
    assert!(columns["age"]["loss"].as_f64().unwrap() < 0.1, "{}", columns["age"]);
    assert_eq!(u["records"], 30162);
    assert!(u["records_retained"].as_u64().unwrap() > 30162 - r["suppressed"].as_u64().unwrap() - 1);
    assert!(r["k"].as_u64().unwrap() >= 5);
    assert!((u["granularity"].as_f64().unwrap() - (1.0 - r["ncp"]["value"].as_f64().unwrap())).abs() < 1e-12);
    // Ages are whole numbers (Adult writes no decimals).
    let output = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert!(output.lines().skip(1).all(|l| l.split(';').nth(1).is_some_and(|a| a == "*" || a.parse::<u32>().is_ok())));
}
