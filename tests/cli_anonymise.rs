//! `masque anonymise`: ARX's Adult results through the command line, the
//! report, the output in the input's dialect, builders on a French export,
//! and exit code 2 with one line on stderr for bad input.
#![cfg(not(target_arch = "wasm32"))]

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

#[path = "common/cli.rs"]
mod cli;
#[path = "common/temp_dir.rs"]
mod temp_dir;
use cli::{failure, masque, ok, report};

/// A fresh directory for one test, removed when it ends.
fn tmpdir(name: &str) -> temp_dir::TempDir {
    temp_dir::temp_dir("cli-anonymise", name)
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn levels(r: &serde_json::Value) -> Vec<u64> {
    ["age", "sex", "race", "marital-status", "education", "native-country", "workclass", "occupation"]
        .iter()
        .map(|q| r["levels"][q].as_u64().unwrap())
        .collect()
}

#[test]
fn adult_k5_without_suppression_matches_arx() {
    let dir = tmpdir("adult0");
    let out = masque(
        &dir,
        &[
            "anonymise",
            &fixture("adult/adult.csv"),
            "--config",
            &fixture("anonymise/adult_k5.json"),
            "-o",
            "out.csv",
            "--report",
            "r.json",
        ],
    );
    ok(&out);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("masque: levels age 4, sex 0, race 0, marital-status 2"), "{stderr}");
    assert!(stderr.contains("0 of 30162 rows suppressed"), "{stderr}");
    let r = report(&dir.join("r.json"));
    assert_eq!(levels(&r), vec![4, 0, 0, 2, 3, 2, 2, 1]);
    assert_eq!(r["suppressed"], 0);
    assert_eq!(r["classes"], 30);
    assert_eq!(r["k"], 16);
    assert_eq!(r["metric"]["name"], "loss");
    assert!((r["metric"]["value"].as_f64().unwrap() - 0.5915849773).abs() < 1e-9);
    assert_eq!(r["optimal"], true);
    assert!(r["nodes_checked"].as_u64().unwrap() >= 1);
    assert_eq!(r["risk_after"]["k"], 16);
    // The output in the input's dialect: `;`, CRLF, same header, ages all `*`.
    let text = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    let input = std::fs::read_to_string(fixture("adult/adult.csv")).unwrap();
    assert_eq!(text.lines().next(), input.lines().next());
    assert!(text.contains("\r\n"));
    assert_eq!(text.lines().count(), input.lines().count());
    assert!(text.lines().skip(1).all(|l| l.split(';').nth(1) == Some("*")));
}

#[test]
fn adult_k5_with_four_percent_suppression_matches_arx() {
    let dir = tmpdir("adult4");
    let out = masque(
        &dir,
        &[
            "anonymise",
            &fixture("adult/adult.csv"),
            "--config",
            &fixture("anonymise/adult_k5_4pc.json"),
            "-o",
            "out.csv",
            "--report",
            "r.json",
        ],
    );
    ok(&out);
    let r = report(&dir.join("r.json"));
    assert_eq!(levels(&r), vec![3, 0, 0, 0, 2, 1, 1, 2]);
    assert_eq!(r["suppressed"], 1_038);
    assert_eq!(r["classes"], 327);
    assert!((r["metric"]["value"].as_f64().unwrap() - 0.2608358757).abs() < 1e-9);
    let text = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    let starred = text.lines().filter(|l| l.split(';').take(8).all(|f| f == "*")).count();
    assert_eq!(starred, 1_038);
}

#[test]
fn builders_on_a_french_export() {
    let dir = tmpdir("cohort");
    let input = fixture("cohort_quirks_200.csv");
    let out = masque(
        &dir,
        &[
            "anonymise",
            &input,
            "--config",
            &fixture("anonymise/cohort_builders.json"),
            "-o",
            "out.csv",
            "--report",
            "r.json",
        ],
    );
    ok(&out);
    let r = report(&dir.join("r.json"));
    assert_eq!(r["optimal"], true);
    assert!(r["k"].as_u64().unwrap() >= 5);
    assert!(r["suppressed"].as_u64().unwrap() <= 10);
    assert!(r["risk_after"]["sensitive"]["diag_principal"]["l_distinct"].as_u64().unwrap() >= 2);
    // Windows-1252 in, Windows-1252 out; the other columns untouched.
    let bytes = std::fs::read(dir.join("out.csv")).unwrap();
    // Accented names are kept, as single Windows-1252 bytes (`é` is E9, not C3 A9).
    let read_back = masque::table::read_table(&bytes, &masque::table::ReadOptions::default()).unwrap();
    assert_eq!(read_back.dialect.encoding, masque::table::Encoding::Windows1252);
    assert!(bytes.contains(&0xE9) && std::str::from_utf8(&bytes).is_err());
    let original = std::fs::read(&input).unwrap();
    let column = |bytes: &[u8], name: &str| -> Vec<String> {
        let text = encoding_text(bytes);
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(';').collect();
        let i = header.iter().position(|h| *h == name).unwrap();
        lines.map(|l| l.split(';').nth(i).unwrap_or("").to_string()).collect()
    };
    let level = r["levels"]["code_postal"].as_u64().unwrap();
    let postal = column(&bytes, "code_postal");
    match level {
        0 => assert_eq!(postal, column(&original, "code_postal")),
        1 => assert!(postal.iter().all(|p| p == "*" || (p.len() == 2 || p.len() == 3))),
        _ => assert!(postal.iter().all(|p| !p.chars().any(|c| c.is_ascii_digit()))),
    }
    assert_eq!(column(&bytes, "nom"), column(&original, "nom"));
}

/// Windows-1252 text (every byte is a character: Latin-1 is close enough to compare columns).
fn encoding_text(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

#[test]
fn a_time_limit_gives_an_answer_not_proven_optimal() {
    let dir = tmpdir("limit");
    let out = masque(
        &dir,
        &[
            "anonymise",
            &fixture("adult/adult.csv"),
            "--config",
            &fixture("anonymise/adult_k5_4pc.json"),
            "-o",
            "out.csv",
            "--report",
            "r.json",
            "--time-limit",
            "0.000001",
        ],
    );
    ok(&out);
    let r = report(&dir.join("r.json"));
    assert_eq!(r["optimal"], false);
    assert!(r["suppressed"].as_u64().unwrap() <= 1_206);
    assert!(r["risk_after"]["k"].as_u64().unwrap() >= 5);
    assert!(String::from_utf8(out.stderr).unwrap().contains("not proven optimal"));
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let dir = tmpdir("bad");
    let adult = fixture("adult/adult.csv");
    let run = |config: &str, extra: &[&str]| {
        std::fs::write(dir.join("c.json"), config).unwrap();
        let mut args = vec!["anonymise", adult.as_str(), "--config", "c.json", "-o", "out.csv"];
        args.extend_from_slice(extra);
        failure(&masque(&dir, &args))
    };
    let line = run(r#"{"quasi_identifiers": {"age": {"hierarchy_file": "missing.csv"}}}"#, &[]);
    assert!(line.starts_with("masque: error: c.json: configuration: quasi_identifiers.age.hierarchy_file: cannot read"));
    let line = run(r#"{"quasi_identifiers": {"agee": {"builder": {"age_bands": {}}}}}"#, &[]);
    assert!(line.ends_with("unknown column `agee`: the table has no column of that name"), "{line}");
    std::fs::write(dir.join("w.csv"), "Private;*\n").unwrap();
    let line = run(r#"{"quasi_identifiers": {"workclass": {"hierarchy_file": "w.csv"}}}"#, &[]);
    assert!(line.ends_with("column `workclass`: the value in row 1 is not in the hierarchy"), "{line}");
    assert!(!line.contains("State-gov"));
    let line = run(r#"{"quasi_identifiers": {"sex": {"builder": {"mask": {"levels": 1}}}}, "k": 2, "x": 1}"#, &[]);
    assert!(line.contains("configuration: x: unknown field `x`"), "{line}");
    let line = run(r#"{"quasi_identifiers": {"sex": {"builder": {"mask": {"levels": 1}}}}}"#, &["--time-limit", "-1"]);
    assert_eq!(line, "masque: error: --time-limit must be a positive number of seconds");
    let config = r#"{"quasi_identifiers": {"sex": {"builder": {"mask": {"levels": 1}}}}}"#;
    std::fs::write(dir.join("c.json"), config).unwrap();
    let line = failure(&masque(&dir, &["anonymise", &adult, "--config", "c.json", "-o", "c.json"]));
    assert!(line.ends_with("is also an input; choose another output name"), "{line}");
    let line = failure(&masque(&dir, &["anonymise", &adult, "--config", "c.json", "-o", "o.csv", "--report", "o.csv"]));
    assert!(line.ends_with("is given twice; the output and the report must differ"), "{line}");
    let line = run(r#"{"quasi_identifiers": {"sex": {"builder": {"mask": {"levels": 1}}}}, "k": 40000}"#, &[]);
    assert!(line.contains("no generalisation meets the privacy criteria"), "{line}");
}

#[test]
fn a_policy_file_gives_its_anonymise_section() {
    let dir = tmpdir("policy");
    let adult = fixture("adult/adult.csv");
    // The same configuration inside a policy: the same output.
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("anonymise/adult_k5.json")).unwrap()).unwrap();
    let mut config = config;
    for (_, qi) in config["quasi_identifiers"].as_object_mut().unwrap() {
        let file = qi["hierarchy_file"].as_str().unwrap().replace("../", &format!("{FIXTURES}/"));
        qi["hierarchy_file"] = serde_json::Value::String(file);
    }
    let policy = serde_json::json!({"version": 1, "default": "keep", "columns": {}, "anonymise": config});
    std::fs::write(dir.join("p.json"), policy.to_string()).unwrap();
    std::fs::write(dir.join("c.json"), config.to_string()).unwrap();
    ok(&masque(&dir, &["anonymise", &adult, "--config", "p.json", "-o", "from_policy.csv"]));
    ok(&masque(&dir, &["anonymise", &adult, "--config", "c.json", "-o", "from_config.csv"]));
    let from_policy = std::fs::read(dir.join("from_policy.csv")).unwrap();
    assert!(from_policy == std::fs::read(dir.join("from_config.csv")).unwrap(), "same output");
    // `masque apply` takes the same file as a policy.
    ok(&masque(&dir, &["apply", &adult, "--policy", "p.json", "-o", "applied.csv"]));

    // A policy without the section, or with a bad one: one line naming the path.
    std::fs::write(dir.join("p.json"), r#"{"version": 1, "columns": {}}"#).unwrap();
    let line = failure(&masque(&dir, &["anonymise", &adult, "--config", "p.json", "-o", "o.csv"]));
    assert!(
        line.ends_with("p.json: this policy has no `anonymise` section (the anonymisation configuration)"),
        "{line}"
    );
    std::fs::write(dir.join("p.json"), r#"{"version": 1, "columns": {}, "anonymise": {"k": "five"}}"#).unwrap();
    let line = failure(&masque(&dir, &["anonymise", &adult, "--config", "p.json", "-o", "o.csv"]));
    assert!(line.contains("anonymise.k: invalid type"), "{line}");
}

#[test]
fn a_quasi_identifier_without_hierarchy_is_flat() {
    let dir = tmpdir("flat");
    let adult = fixture("adult/adult.csv");
    // `{}` and the `flat` builder: each value, then `*`.
    let config = r#"{"quasi_identifiers": {"sex": {}, "race": {"builder": {"flat": {}}}}, "k": 5}"#;
    std::fs::write(dir.join("c.json"), config).unwrap();
    ok(&masque(&dir, &["anonymise", &adult, "--config", "c.json", "-o", "out.csv", "--report", "r.json"]));
    let r = report(&dir.join("r.json"));
    assert_eq!((r["levels"]["sex"].as_u64(), r["levels"]["race"].as_u64()), (Some(0), Some(0)));
    assert!(r["risk_after"]["k"].as_u64().unwrap() >= 5);
    // two sources are still an error
    std::fs::write(
        dir.join("c.json"),
        r#"{"quasi_identifiers": {"sex": {"hierarchy": "Male;*", "builder": {"flat": {}}}}}"#,
    )
    .unwrap();
    let line = failure(&masque(&dir, &["anonymise", &adult, "--config", "c.json", "-o", "out.csv"]));
    assert!(
        line.ends_with("quasi_identifiers.sex: give at most one of `hierarchy_file`, `hierarchy` and `builder`"),
        "{line}"
    );
}

#[test]
fn a_sensitive_column_without_criterion_is_measured_not_constrained() {
    // The builders' configuration without its l-diversity, then with diag_principal as `{}`.
    let dir = tmpdir("measured");
    let input = fixture("cohort_quirks_200.csv");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("anonymise/cohort_builders.json")).unwrap()).unwrap();
    config["sensitive"] = serde_json::json!({});
    std::fs::write(dir.join("plain.json"), config.to_string()).unwrap();
    config["sensitive"] = serde_json::json!({"diag_principal": {}});
    std::fs::write(dir.join("measured.json"), config.to_string()).unwrap();
    for name in ["plain", "measured"] {
        let (config, output, report) = (format!("{name}.json"), format!("{name}.csv"), format!("{name}.r.json"));
        ok(&masque(&dir, &["anonymise", &input, "--config", &config, "-o", &output, "--report", &report]));
    }
    assert_eq!(std::fs::read(dir.join("plain.csv")).unwrap(), std::fs::read(dir.join("measured.csv")).unwrap());
    let (plain, measured) = (report(&dir.join("plain.r.json")), report(&dir.join("measured.r.json")));
    assert_eq!(plain["levels"], measured["levels"]);
    assert_eq!(plain["suppressed"], measured["suppressed"]);
    assert!(plain["risk_after"]["sensitive"].get("diag_principal").is_none());
    for when in ["risk_before", "risk_after"] {
        let l = &measured[when]["sensitive"]["diag_principal"];
        assert!(l["l_distinct"].as_u64().unwrap() >= 1, "{when}: {l}");
        assert!(l["l_entropy"].as_f64().is_some(), "{when}: {l}");
    }
}
