//! `masque keygen` and `masque apply`: files in, files out, exit code 2 and one
//! line on stderr for bad input, and the key never printed.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn masque(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_masque"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run masque");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

#[path = "common/temp_dir.rs"]
mod temp_dir;
use temp_dir::TempDir;

fn tmpdir(name: &str) -> TempDir {
    temp_dir::temp_dir("cli-apply", name)
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Exit code 2 and exactly one line on stderr.
fn assert_bad_input(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    let err = stderr(out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    err
}

fn key_hex(dir: &Path, file: &str) -> String {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap();
    v["key"].as_str().unwrap().to_string()
}

#[test]
fn keygen_then_apply_the_cohort_policy() {
    let dir = tmpdir("cohort");
    let out = masque(&dir, &["keygen", "-o", "key.json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let key = key_hex(&dir, "key.json");
    assert_eq!(key.len(), 64);
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(stdout.starts_with("key.json: key fingerprint "));
    assert!(!stdout.contains(&key));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("key.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let args = [
        "apply",
        &fixture("cohort_quirks_200.csv"),
        "--policy",
        &fixture("policies/cohort.json"),
        "--key",
        "key.json",
        "-o",
        "out.csv",
        "--report",
        "report.json",
    ];
    let out = masque(&dir, &args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stderr(&out);
    assert!(summary.contains("200 rows, 19 -> 17 columns written to out.csv"), "{summary}");
    let output = std::fs::read(dir.join("out.csv")).unwrap();
    let report_text = std::fs::read_to_string(dir.join("report.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&report_text).unwrap();
    assert_eq!(report["rows_in"], 200);
    assert_eq!(report["rows_out"], 200);
    let fingerprint = report["key_fingerprint"].as_str().unwrap();
    assert!(stdout.contains(fingerprint));
    assert!(summary.contains(fingerprint));
    // The key is nowhere but in its file.
    for text in [String::from_utf8_lossy(&output).to_string(), report_text.clone(), summary.clone(), stdout] {
        assert!(!text.contains(&key[..16]));
    }
    assert!(!dir.join("c.csv").exists(), "no correspondence unless asked");

    // Same input, policy and key: byte-identical output.
    let out = masque(&dir, &args.map(|a| if a == "out.csv" { "out2.csv" } else { a }), None);
    assert!(out.status.success());
    assert_eq!(std::fs::read(dir.join("out2.csv")).unwrap(), output);

    // The input's dialect: Windows-1252 (an accented label), ';', CRLF.
    assert!(std::str::from_utf8(&output).is_err());
    assert!(output.starts_with(b"nir;nom;prenom;sexe;date_naissance;code_postal;telephone;email;finess;rpps_medecin;date_entree;date_sortie;mode_entree;diag_principal;libelle_diag;poids_kg;commentaire\r\n"));
}

#[test]
fn utf8_and_correspondence_on_request() {
    let dir = tmpdir("utf8");
    assert!(masque(&dir, &["keygen", "-o", "k.json"], None).status.success());
    let out = masque(
        &dir,
        &[
            "apply",
            &fixture("cohort_cp1252_40.csv"),
            "--policy",
            &fixture("policies/example.json"),
            "--key",
            "k.json",
            "-o",
            "out.csv",
            "--utf8",
            "--correspondence",
            "c.csv",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("c.csv links every pseudonym to its original value"));
    let output = String::from_utf8(std::fs::read(dir.join("out.csv")).unwrap()).expect("UTF-8 output");
    let correspondence = String::from_utf8(std::fs::read(dir.join("c.csv")).unwrap()).unwrap();
    assert!(correspondence.starts_with("column;pseudonym;original\r\n"));
    assert_eq!(correspondence.lines().filter(|l| l.starts_with("nir;")).count(), 40);
    // Every pseudonym of the correspondence is in the output; no original NIR is.
    for line in correspondence.lines().skip(1).filter(|l| l.starts_with("nir;")) {
        let fields: Vec<&str> = line.split(';').collect();
        assert!(output.contains(fields[1]));
        assert!(!output.contains(fields[2]));
    }
}

/// A saved policy keeps the output encoding: `"output": {"utf8": true}` asks
/// `apply` and `clean` for UTF-8 as `--utf8` does; without it the input's
/// Windows-1252 is kept.
#[test]
fn the_policy_can_ask_for_utf8() {
    let dir = tmpdir("policy-utf8");
    let prenom = |bytes: &[u8]| bytes.windows(2).any(|w| w == "é".as_bytes());
    for (output, utf8) in [(r#", "output": {"utf8": true}"#, true), ("", false)] {
        let policy = format!(r#"{{"version": 1, "columns": {{"nir": "drop"}}{output}}}"#);
        std::fs::write(dir.join("p.json"), policy).unwrap();
        for command in ["apply", "clean"] {
            let args = [command, &fixture("cohort_cp1252_40.csv"), "--policy", "p.json", "-o", "out.csv"];
            let out = masque(&dir, &args, None);
            assert!(out.status.success(), "{}", stderr(&out));
            let bytes = std::fs::read(dir.join("out.csv")).unwrap();
            assert_eq!(std::str::from_utf8(&bytes).is_ok(), utf8, "{command} {output}");
            assert_eq!(prenom(&bytes), utf8, "{command} {output}: é in UTF-8");
        }
    }
    let policy = masque::policy::Policy::from_json(r#"{"version": 1, "output": {"utf8": true}}"#).unwrap();
    assert_eq!(policy.to_value()["output"], serde_json::json!({"utf8": true}));
    let keep = masque::policy::Policy::from_json(r#"{"version": 1, "output": {"utf8": false}}"#).unwrap();
    assert!(keep.to_value().get("output").is_none(), "the default is not written");
    for (json, want) in [
        (r#"{"version": 1, "output": {"utf-8": true}}"#, "output.utf-8: unknown field"),
        (r#"{"version": 1, "output": "utf8"}"#, "output: must be an object"),
    ] {
        let e = masque::policy::Policy::from_json(json).unwrap_err().to_string();
        assert!(e.starts_with(want), "{e}");
    }
}

#[test]
fn passphrase_keys() {
    let dir = tmpdir("passphrase");
    let out = masque(&dir, &["keygen", "-o", "team.json", "--passphrase-stdin"], Some("a long team passphrase\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("team.json")).unwrap()).unwrap();
    assert!(file.get("key").is_none(), "the shareable file holds no key");
    assert_eq!(file["kdf"]["algorithm"], "argon2id");
    assert_eq!(file["salt"].as_str().unwrap().len(), 32);
    let apply = |stdin: Option<&str>, extra: &[&str]| {
        let mut args = vec![
            "apply",
            &fixture("cohort_cp1252_40.csv"),
            "--policy",
            &fixture("policies/example.json"),
            "--key",
            "team.json",
            "-o",
            "out.csv",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        masque(&dir, &args, stdin)
    };
    let out = apply(Some("a long team passphrase\n"), &["--passphrase-stdin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(file["fingerprint"].as_str().unwrap()));

    let err = assert_bad_input(&apply(Some("the wrong passphrase\n"), &["--passphrase-stdin"]));
    assert!(err.contains("team.json: wrong passphrase"), "{err}");
    assert!(!err.contains("the wrong passphrase"));
    let err = assert_bad_input(&apply(None, &[]));
    assert!(err.contains("the passphrase is needed") && err.contains("--passphrase-stdin"), "{err}");

    // --store-key writes the derived key: then no passphrase is needed.
    let out = masque(
        &dir,
        &["keygen", "-o", "stored.json", "--passphrase-stdin", "--store-key"],
        Some("another passphrase!"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(key_hex(&dir, "stored.json").len(), 64);
    let err = assert_bad_input(&masque(&dir, &["keygen", "-o", "x.json", "--passphrase-stdin"], Some("\n")));
    assert!(err.contains("passphrase on standard input is empty"), "{err}");
}

#[test]
fn keygen_refuses_to_overwrite() {
    let dir = tmpdir("overwrite");
    assert!(masque(&dir, &["keygen", "-o", "k.json"], None).status.success());
    let first = key_hex(&dir, "k.json");
    let err = assert_bad_input(&masque(&dir, &["keygen", "-o", "k.json"], None));
    assert!(err.contains("k.json: already exists"), "{err}");
    assert_eq!(key_hex(&dir, "k.json"), first);
    assert!(masque(&dir, &["keygen", "-o", "k.json", "--force"], None).status.success());
    assert_ne!(key_hex(&dir, "k.json"), first, "a new random key");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let dir = tmpdir("bad");
    assert!(masque(&dir, &["keygen", "-o", "k.json"], None).status.success());
    let key = key_hex(&dir, "k.json");
    let input = fixture("cohort_quirks_200.csv");
    let run = |policy: &str, key_file: Option<&str>, output: &str| {
        let mut args = vec!["apply", input.as_str(), "--policy", policy, "-o", output];
        if let Some(k) = key_file {
            args.extend(["--key", k]);
        }
        masque(&dir, &args, None)
    };
    let err = assert_bad_input(&run(&fixture("policies/bad_action.json"), Some("k.json"), "o.csv"));
    assert!(err.contains("bad_action.json: columns.nir.action: unknown action \"hsh\""), "{err}");

    std::fs::write(dir.join("absent.json"), r#"{"version": 1, "columns": {"NIR": "drop"}}"#).unwrap();
    let err = assert_bad_input(&run("absent.json", Some("k.json"), "o.csv"));
    assert!(
        err.contains("absent.json: policy: columns.NIR: no column `NIR` in the file (did you mean `nir`?)"),
        "{err}"
    );

    let err = assert_bad_input(&run(&fixture("policies/example.json"), None, "o.csv"));
    assert!(err.contains("pass --key KEY.json"), "{err}");

    std::fs::write(
        dir.join("strict.json"),
        r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir", "on_invalid": "error"}}}"#,
    )
    .unwrap();
    std::fs::write(dir.join("bad_nir.csv"), "nir;x\r\n185057511542355;a\r\n185057511542357;b\r\n").unwrap();
    let out =
        masque(&dir, &["apply", "bad_nir.csv", "--policy", "strict.json", "--key", "k.json", "-o", "o.csv"], None);
    let err = assert_bad_input(&out);
    assert!(err.contains("bad_nir.csv: row 2, column `nir`: the NIR's check key does not match"), "{err}");
    assert!(!err.contains("185057511542357"));
    assert!(!dir.join("o.csv").exists(), "nothing written on error");

    std::fs::write(
        dir.join("damaged.json"),
        format!("{{\"version\": 1, \"key\": \"{key}\", \"fingerprint\": \"0000-0000-0000-0000\"}}"),
    )
    .unwrap();
    let err = assert_bad_input(&run(&fixture("policies/example.json"), Some("damaged.json"), "o.csv"));
    assert!(err.contains("damaged.json: the key does not match the key file's fingerprint"), "{err}");
    assert!(!err.contains(&key[..16]));

    std::fs::write(dir.join("notkey.json"), format!("{{\"version\": 1, \"secret\": \"{key}\"}}")).unwrap();
    let err = assert_bad_input(&run(&fixture("policies/example.json"), Some("notkey.json"), "o.csv"));
    assert!(err.contains("notkey.json: not a masque key file"), "{err}");
    assert!(!err.contains(&key[..16]));

    let err = assert_bad_input(&run(&fixture("policies/example.json"), Some("k.json"), &input));
    assert!(err.contains("is also an input"), "{err}");
}

#[test]
fn hierarchy_files_are_read_relative_to_the_policy() {
    let dir = tmpdir("hierarchy");
    let out = masque(
        &dir,
        &["apply", &fixture("cohort_cp1252_40.csv"), "--policy", &fixture("policies/hierarchy.json"), "-o", "out.csv"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let output = encoding_rs::WINDOWS_1252.decode(&std::fs::read(dir.join("out.csv")).unwrap()).0.into_owned();
    let mut lines = output.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let sexe = header.iter().position(|h| *h == "sexe").unwrap();
    let values: std::collections::BTreeSet<&str> = lines.map(|l| l.split(';').nth(sexe).unwrap()).collect();
    assert_eq!(values.into_iter().collect::<Vec<_>>(), ["Femme", "Homme"]);
}
