//! `masque analyse`: the JSON report, the summary, and exit code 2 with one
//! line on stderr for bad input.
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

const ADULT: &str = "tests/fixtures/adult/adult.csv";
const ADULT_QI: &str = "age,sex,race,marital-status,education,native-country,workclass,occupation";

fn masque(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_masque"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run masque")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Exit code 2 and exactly one line on stderr; returns that line.
fn failure(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(out.stdout.is_empty());
    stderr.trim_end().to_string()
}

fn round6(x: &serde_json::Value) -> f64 {
    (x.as_f64().expect("a number") * 1e6).round() / 1e6
}

#[test]
fn adult_json_has_the_reference_figures() {
    let out = masque(&[
        "analyse",
        ADULT,
        "--qi",
        ADULT_QI,
        "--sensitive",
        "salary-class",
        "--threshold",
        "0.2,0.1",
        "--json",
    ]);
    let r = json(&out);
    assert_eq!(r["rows"], 30_162);
    assert_eq!(r["suppressed"], 0);
    assert_eq!(r["classes"], 18_109);
    assert_eq!(r["k"], 1);
    assert_eq!(r["sample_uniques"], 14_021);
    assert_eq!(r["class_sizes"][0], serde_json::json!({"size": 1, "classes": 14_021, "records": 14_021}));
    assert_eq!(r["prosecutor"]["highest"], 1.0);
    assert_eq!(round6(&r["prosecutor"]["average"]), 0.600391);
    assert_eq!(round6(&r["prosecutor"]["records_at_risk"]["0.2"]), 0.728632);
    assert_eq!(round6(&r["prosecutor"]["records_at_risk"]["0.1"]), 0.854353);
    let s = &r["sensitive"]["salary-class"];
    assert_eq!(s["l_distinct"], 1);
    assert_eq!(s["l_entropy"], 1.0);
    assert_eq!((s["t_closeness"].as_f64().unwrap() * 1e7).round() / 1e7, 0.7510775);
    assert_eq!(s["distance"], "equal");
    assert!(s.get("criteria").is_none());
    // The JSON is the core's report, field for field.
    let report: masque::privacy::RiskReport = serde_json::from_value(r).unwrap();
    assert_eq!(report.classes, 18_109);
}

#[test]
fn default_threshold_repeated_options_and_checks() {
    let out = masque(&[
        "analyse",
        ADULT,
        "--qi",
        "sex",
        "--qi",
        "race",
        "--sensitive",
        "age",
        "--l",
        "2",
        "--c",
        "3",
        "--t",
        "0.05",
        "--json",
    ]);
    let r = json(&out);
    assert_eq!(r["classes"], 10);
    assert_eq!(r["k"], 87);
    let at_risk = r["prosecutor"]["records_at_risk"].as_object().unwrap();
    assert_eq!(at_risk.keys().collect::<Vec<_>>(), vec!["0.2"]);
    assert_eq!(at_risk["0.2"], 0.0);
    let s = &r["sensitive"]["age"];
    assert_eq!(s["distance"], "ordered");
    assert_eq!(s["l_distinct"], 33);
    let criteria = &s["criteria"];
    assert_eq!(
        criteria["l_distinct"],
        serde_json::json!({"l": 2, "satisfied": true, "classes_failing": 0, "records_failing": 0})
    );
    assert_eq!(criteria["recursive_cl"]["c"], 3.0);
    assert_eq!(criteria["t_closeness"]["classes_failing"], 2);
    assert_eq!(criteria["t_closeness"]["records_failing"], 231);
    assert_eq!(criteria["t_closeness"]["satisfied"], false);
}

#[test]
fn distance_and_order_options() {
    // age forced to the equal distance: 72 values, each class far from the whole.
    let out =
        masque(&["analyse", ADULT, "--qi", "sex,race", "--sensitive", "age", "--distance", "age=equal", "--json"]);
    assert_eq!(json(&out)["sensitive"]["age"]["distance"], "equal");
    let out = masque(&[
        "analyse",
        ADULT,
        "--qi",
        "sex,race",
        "--sensitive",
        "salary-class",
        "--order",
        "salary-class=<=50K,>50K",
        "--json",
    ]);
    assert_eq!(json(&out)["sensitive"]["salary-class"]["distance"], "ordered");
    let line = failure(&masque(&[
        "analyse",
        ADULT,
        "--qi",
        "sex",
        "--sensitive",
        "salary-class",
        "--order",
        "salary-class=<=50K",
    ]));
    assert_eq!(
        line,
        format!("masque: error: {ADULT}: column `salary-class`: the value in row 8 is missing from the given order")
    );
}

#[test]
fn readable_summary() {
    let out = masque(&["analyse", ADULT, "--qi", ADULT_QI, "--sensitive", "salary-class", "--l", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(&format!("{ADULT}: 30162 rows\n")), "{text}");
    assert!(text.contains("equivalence classes   18109"), "{text}");
    assert!(text.contains("sample uniques        14021 (46.49 % of rows)"), "{text}");
    assert!(text.contains("highest 1.000000, average 0.600391"), "{text}");
    assert!(text.contains("above 0.2: 72.86 %"), "{text}");
    assert!(text.contains("sensitive `salary-class` (2 distinct values, equal distance)"), "{text}");
    assert!(text.contains("t-closeness         0.751078"), "{text}");
    assert!(text.contains("distinct l-diversity, l=2"), "{text}");
    assert!(text.contains("not met: 16716 classes, 23430 records"), "{text}");
}

#[test]
fn suppressed_marker() {
    let dir = std::env::temp_dir().join(format!("masque-cli-analyse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("generalised.csv");
    std::fs::write(&file, "age;zip;diag\n30-39;750**;a\n30-39;750**;b\n*;*;c\n*;*;a\n40-49;690**;b\n").unwrap();
    let path = file.to_str().unwrap();
    let r = json(&masque(&["analyse", path, "--qi", "age,zip", "--suppressed-marker", "*", "--json"]));
    assert_eq!((r["rows"].as_u64(), r["suppressed"].as_u64(), r["classes"].as_u64()), (Some(5), Some(2), Some(2)));
    assert_eq!(r["sample_uniques"], 1);
    let text =
        String::from_utf8(masque(&["analyse", path, "--qi", "age,zip", "--suppressed-marker", "*"]).stdout).unwrap();
    assert!(text.contains("5 rows (2 suppressed, 3 analysed)"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let line = failure(&masque(&["analyse", ADULT, "--qi", "age,zip"]));
    assert_eq!(
        line,
        format!("masque: error: {ADULT}: unknown column `zip` (given as quasi-identifier): the table has no column of that name")
    );
    let line = failure(&masque(&["analyse", ADULT, "--qi", "age", "--sensitive", "salary"]));
    assert!(line.contains("unknown column `salary` (given as sensitive)"), "{line}");
    let line = failure(&masque(&["analyse", ADULT]));
    assert!(line.contains("no quasi-identifier given"), "{line}");
    let line = failure(&masque(&["analyse", ADULT, "--qi", "age", "--threshold", "abc"]));
    assert_eq!(line, "masque: error: --threshold must be a risk from 0 to 1");
    let line = failure(&masque(&["analyse", ADULT, "--qi", "age", "--threshold", "1.5"]));
    assert!(line.contains("parameter `threshold` is invalid"), "{line}");
    let line = failure(&masque(&["analyse", ADULT, "--qi", "age", "--l", "two"]));
    assert_eq!(line, "masque: error: --l must be a whole number of at least 1");
    let line = failure(&masque(&["analyse", ADULT, "--qi", "age", "--c", "2"]));
    assert!(line.contains("to be given with l"), "{line}");
    let line = failure(&masque(&["analyse", ADULT, "--qi", "age", "--t", "-1"]));
    assert!(line.contains("parameter `t` is invalid"), "{line}");
    let line = failure(&masque(&["analyse", ADULT, "--qi", "age", "--distance", "age=ordered"]));
    assert_eq!(line, "masque: error: --distance names `age`, which is not given with --sensitive");
    let line = failure(&masque(&["analyse", ADULT, "--qi", "age", "--sensitive", "age", "--distance", "age=fast"]));
    assert!(line.contains("--distance must be"), "{line}");
    // A sensitive column that cannot be ordered: the column and row, not the value.
    let line = failure(&masque(&[
        "analyse",
        ADULT,
        "--qi",
        "age",
        "--sensitive",
        "occupation",
        "--distance",
        "occupation=ordered",
    ]));
    assert!(line.contains("column `occupation` cannot use the ordered distance: row 1"), "{line}");
    assert!(!line.contains("Adm-clerical"), "{line}");
    let line = failure(&masque(&["analyse", "tests/fixtures/bad/header_only.csv", "--qi", "a"]));
    assert!(line.contains("no data rows"), "{line}");
    let line = failure(&masque(&["analyse", "tests/fixtures/adult/missing.csv", "--qi", "a"]));
    assert!(line.contains("cannot read"), "{line}");
}
