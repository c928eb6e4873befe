//! The command line on hostile input: devices and FIFOs named as documents,
//! oversized files, huge numeric options, a closed or full standard output,
//! outputs that are hard links to an input, and the modes of private files.
//!
//! Each run has a deadline and, on Unix, a 2 GiB address-space limit (through
//! `sh -c 'ulimit -v ...'`), so that a regression fails the test instead of
//! hanging it or exhausting the machine. Every failure must be exit code 2
//! and one line on stderr; a panic would be exit code 101 and
//! `internal error`.
#![cfg(all(unix, not(target_arch = "wasm32")))]

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// Longer than any of these runs needs on a loaded machine, far shorter than
/// reading /dev/zero without a cap would take to fail.
const DEADLINE: Duration = Duration::from_secs(60);

/// The address-space limit of each run, in KiB (2 GiB).
const MEMORY_KIB: u64 = 2 << 20;

#[path = "common/temp_dir.rs"]
mod temp_dir;
use temp_dir::TempDir;

fn tmpdir(name: &str) -> TempDir {
    temp_dir::temp_dir("cli-hostile", name)
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// `masque ARGS` in `dir` under the memory limit; stdin is empty.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_masque"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null());
    c
}

/// What a run left: its status and its stderr (stdout is read and dropped
/// unless piped elsewhere).
struct Run {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: String,
}

/// Waits for `child` until the deadline (killing it then, and failing).
fn finish(mut child: Child, what: &str) -> Run {
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut bytes);
        }
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut bytes);
        }
        bytes
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out.join().unwrap();
    let stderr = String::from_utf8_lossy(&err.join().unwrap()).to_string();
    Run { status, stdout, stderr }
}

fn masque(dir: &Path, args: &[&str]) -> Run {
    let child = command(dir, args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run masque");
    finish(child, &args.join(" "))
}

/// Exit code 2 and one line on stderr; returns the line.
fn refused(run: &Run) -> String {
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
    assert_eq!(run.stderr.trim_end().lines().count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
    run.stderr.trim_end().to_string()
}

fn succeeded(run: &Run) {
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const POLICY: &str = r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir"}}}"#;

/// A key file made by `masque keygen`.
fn keygen(dir: &Path) {
    succeeded(&masque(dir, &["keygen", "-o", "key.json"]));
}

#[test]
fn dev_zero_named_as_a_document_or_key_is_refused_at_once() {
    let dir = tmpdir("devzero");
    let input = fixture("cohort_quirks_200.csv");
    keygen(&dir);
    write(&dir, "policy.json", POLICY);
    let line = refused(&masque(&dir, &["apply", &input, "--policy", "/dev/zero", "-o", "out.csv"]));
    assert!(line.contains("/dev/zero: cannot read: not a regular file"), "{line}");
    let line =
        refused(&masque(&dir, &["apply", &input, "--policy", "policy.json", "--key", "/dev/zero", "-o", "out.csv"]));
    assert!(line.contains("/dev/zero: cannot read: not a regular file"), "{line}");
    let line = refused(&masque(&dir, &["anonymise", &input, "--config", "/dev/zero", "-o", "out.csv"]));
    assert!(line.contains("/dev/zero: cannot read: not a regular file"), "{line}");
    // Named by a document: the path of the option comes first.
    write(&dir, "config.json", r#"{"quasi_identifiers": {"sexe": {"hierarchy_file": "/dev/zero"}}, "k": 2}"#);
    let line = refused(&masque(&dir, &["anonymise", &input, "--config", "config.json", "-o", "out.csv"]));
    assert!(
        line.contains("quasi_identifiers.sexe.hierarchy_file: cannot read /dev/zero: not a regular file"),
        "{line}"
    );
    write(
        &dir,
        "hierarchy.json",
        r#"{"version": 1, "columns": {"sexe": {"action": "generalise", "to": "hierarchy",
            "hierarchy_file": "/dev/zero", "level": 1}}}"#,
    );
    let line = refused(&masque(&dir, &["apply", &input, "--policy", "hierarchy.json", "-o", "out.csv"]));
    assert!(line.contains("columns.sexe.hierarchy_file: cannot read /dev/zero: not a regular file"), "{line}");
    assert!(!dir.join("out.csv").exists());
}

#[test]
fn a_fifo_named_as_a_document_is_refused_without_waiting_for_a_writer() {
    let dir = tmpdir("fifo");
    let made = Command::new("mkfifo").arg(dir.join("policy.json")).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo here
    }
    let line = refused(&masque(
        &dir,
        &["apply", &fixture("cohort_quirks_200.csv"), "--policy", "policy.json", "-o", "out.csv"],
    ));
    assert!(line.contains("policy.json: cannot read: not a regular file"), "{line}");
}

#[test]
fn oversized_documents_and_keys_are_refused_naming_the_cap() {
    let dir = tmpdir("oversized");
    let input = fixture("cohort_quirks_200.csv");
    // Sparse: 65 MiB of zeros that take no disk.
    let big = std::fs::File::create(dir.join("big.json")).unwrap();
    big.set_len(65 << 20).unwrap();
    let line = refused(&masque(&dir, &["apply", &input, "--policy", "big.json", "-o", "out.csv"]));
    assert!(line.contains("big.json: cannot read: larger than 64 MiB"), "{line}");
    let line = refused(&masque(&dir, &["anonymise", &input, "--config", "big.json", "-o", "out.csv"]));
    assert!(line.contains("larger than 64 MiB"), "{line}");
    write(&dir, "config.json", r#"{"quasi_identifiers": {"sexe": {"hierarchy_file": "big.json"}}, "k": 2}"#);
    let line = refused(&masque(&dir, &["anonymise", &input, "--config", "config.json", "-o", "out.csv"]));
    assert!(line.contains("quasi_identifiers.sexe.hierarchy_file: "), "{line}");
    assert!(line.contains("larger than 64 MiB"), "{line}");
    // A key file is far smaller.
    write(&dir, "policy.json", POLICY);
    write(&dir, "key.json", &" ".repeat(65 << 10));
    let line =
        refused(&masque(&dir, &["apply", &input, "--policy", "policy.json", "--key", "key.json", "-o", "o.csv"]));
    assert!(line.contains("key.json: cannot read: larger than 64 KiB"), "{line}");
    // As is a passphrase on standard input.
    let child = command(&dir, &["keygen", "--passphrase-stdin", "-o", "k2.json"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let line = refused(&finish(child, "keygen < /dev/zero"));
    assert!(line.contains("longer than 64 KiB"), "{line}");
    assert!(!dir.join("k2.json").exists());
}

#[test]
fn dev_zero_as_the_table_is_binary_data() {
    let dir = tmpdir("table");
    let line = refused(&masque(&dir, &["inspect", "/dev/zero"]));
    assert!(line.contains("binary data at byte 0"), "{line}");
    let line = refused(&masque(&dir, &["analyse", "/dev/zero", "--qi", "a"]));
    assert!(line.contains("binary data at byte 0"), "{line}");
}

#[test]
fn huge_builder_options_are_bounded() {
    let dir = tmpdir("builders");
    let input = fixture("cohort_quirks_200.csv");
    // Mask levels past the longest value are left out: a small hierarchy, quickly.
    for levels in ["4294967295", "1000000", "18446744073709551615"] {
        write(
            &dir,
            "mask.json",
            &format!(
                r#"{{"quasi_identifiers": {{"code_postal": {{"builder": {{"mask": {{"levels": {levels}}}}}}}}}, "k": 2}}"#
            ),
        );
        let run = masque(&dir, &["anonymise", &input, "--config", "mask.json", "-o", "out.csv", "--report", "r.json"]);
        succeeded(&run);
        let report: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
        assert!(report["lattice_size"].as_u64().unwrap() <= 7, "{report}");
    }
    // Bounds that are refused name the option and the limit.
    let widths: Vec<String> = (0..60).map(|i| format!("{}", 2f64.powi(i))).collect();
    write(
        &dir,
        "widths.json",
        &format!(
            r#"{{"quasi_identifiers": {{"poids_kg": {{"builder": {{"intervals": {{"widths": [{}]}}}}}}}}, "k": 2}}"#,
            widths.join(", ")
        ),
    );
    let line = refused(&masque(&dir, &["anonymise", &input, "--config", "widths.json", "-o", "out.csv"]));
    assert!(line.contains("column `poids_kg`: intervals: widths[50] must be at most 10^15 times widths[0]"), "{line}");
    let sizes = vec!["2"; 100_000].join(", ");
    write(
        &dir,
        "order.json",
        &format!(
            r#"{{"quasi_identifiers": {{"mode_entree": {{"builder": {{"order": {{"values":
                ["Domicile", "Urgences", "Mutation", "Transfert"], "sizes": [{sizes}]}}}}}}}}, "k": 2}}"#
        ),
    );
    let line = refused(&masque(&dir, &["anonymise", &input, "--config", "order.json", "-o", "out.csv"]));
    assert!(line.contains("order: sizes[2]: the groups of the level below already hold all 4 values"), "{line}");
}

/// A table of `columns` columns, for an inspection larger than a pipe's buffer.
fn wide_table(dir: &Path, columns: usize) -> String {
    let header: Vec<String> = (0..columns).map(|i| format!("colonne_{i}")).collect();
    let row: Vec<String> = (0..columns).map(|i| i.to_string()).collect();
    write(dir, "wide.csv", &format!("{}\n{}\n", header.join(";"), row.join(";")));
    "wide.csv".to_string()
}

#[test]
fn a_closed_standard_output_ends_quietly() {
    let dir = tmpdir("pipe");
    let wide = wide_table(&dir, 3_000);
    for args in [vec!["inspect", wide.as_str(), "--json"], vec!["inspect", wide.as_str()]] {
        // The reader goes away before masque writes: every write fails (EPIPE).
        let mut child = command(&dir, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take());
        let run = finish(child, "closed pipe");
        assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
        assert_eq!(run.stderr, "", "{args:?}");
        // The reader reads a few bytes, then goes away (`| head -c 100`).
        let mut child = command(&dir, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut head = [0u8; 100];
        child.stdout.as_mut().unwrap().read_exact(&mut head).unwrap();
        drop(child.stdout.take());
        let run = finish(child, "head -c 100");
        assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
        assert_eq!(run.stderr, "", "{args:?}");
    }
}

#[test]
fn a_full_standard_output_is_one_line_and_exit_code_2() {
    let dir = tmpdir("full");
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux
    };
    let input = fixture("cohort_quirks_200.csv");
    for args in [vec!["inspect", input.as_str(), "--json"], vec!["analyse", input.as_str(), "--qi", "sexe"]] {
        let child = command(&dir, &args).stdout(full.try_clone().unwrap()).stderr(Stdio::piped()).spawn().unwrap();
        let line = refused(&finish(child, "/dev/full"));
        assert!(line.contains("cannot write to standard output"), "{line}");
    }
}

#[test]
fn an_output_hard_linked_to_an_input_is_refused() {
    let dir = tmpdir("hardlink");
    std::fs::copy(fixture("cohort_quirks_200.csv"), dir.join("in.csv")).unwrap();
    std::fs::hard_link(dir.join("in.csv"), dir.join("link.csv")).unwrap();
    let before = std::fs::read(dir.join("in.csv")).unwrap();
    write(&dir, "policy.json", r#"{"version": 1, "columns": {"nom": "drop"}}"#);
    let line = refused(&masque(&dir, &["apply", "in.csv", "--policy", "policy.json", "-o", "link.csv"]));
    assert!(line.contains("link.csv: is also an input"), "{line}");
    std::fs::hard_link(dir.join("policy.json"), dir.join("report.json")).unwrap();
    let line = refused(&masque(
        &dir,
        &["apply", "in.csv", "--policy", "policy.json", "-o", "out.csv", "--report", "report.json"],
    ));
    assert!(line.contains("report.json: is also an input"), "{line}");
    write(&dir, "config.json", r#"{"quasi_identifiers": {"sexe": {}}, "k": 2}"#);
    let line = refused(&masque(&dir, &["anonymise", "in.csv", "--config", "config.json", "-o", "link.csv"]));
    assert!(line.contains("link.csv: is also an input"), "{line}");
    assert_eq!(std::fs::read(dir.join("in.csv")).unwrap(), before);
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn correspondence_and_key_files_are_private() {
    let dir = tmpdir("modes");
    keygen(&dir);
    assert_eq!(mode(&dir.join("key.json")), 0o600);
    write(&dir, "policy.json", POLICY);
    let input = fixture("cohort_quirks_200.csv");
    let args =
        ["apply", &input, "--policy", "policy.json", "--key", "key.json", "-o", "out.csv", "--correspondence", "c.csv"];
    succeeded(&masque(&dir, &args));
    assert_eq!(mode(&dir.join("c.csv")), 0o600);
    // An existing file of another mode is narrowed before it is written.
    std::fs::set_permissions(dir.join("c.csv"), std::fs::Permissions::from_mode(0o644)).unwrap();
    succeeded(&masque(&dir, &args));
    assert_eq!(mode(&dir.join("c.csv")), 0o600);
    assert_eq!(mode(&dir.join("out.csv")) & 0o077, mode(&dir.join("policy.json")) & 0o077);
    // So is a key file replaced with --force.
    write(&dir, "old.json", "{}");
    std::fs::set_permissions(dir.join("old.json"), std::fs::Permissions::from_mode(0o644)).unwrap();
    succeeded(&masque(&dir, &["keygen", "-o", "old.json", "--force"]));
    assert_eq!(mode(&dir.join("old.json")), 0o600);
}

#[test]
fn stdout_of_a_successful_run_is_complete() {
    // Written explicitly now: the whole JSON still arrives.
    let dir = tmpdir("complete");
    let run = masque(&dir, &["inspect", &fixture("cohort_quirks_200.csv"), "--json"]);
    succeeded(&run);
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(v["rows"], 200);
}

#[test]
fn a_closed_standard_error_does_not_stop_a_run() {
    let dir = tmpdir("stderr");
    write(&dir, "policy.json", r#"{"version": 1, "columns": {"nom": "drop"}}"#);
    let args = ["apply", &fixture("cohort_quirks_200.csv"), "--policy", "policy.json", "-o", "out.csv"];
    // The summary goes to a stderr nobody reads any more.
    let mut child = command(&dir, &args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stderr.take());
    let run = finish(child, "closed stderr");
    assert_eq!(run.status.code(), Some(0));
    assert!(dir.join("out.csv").exists());
}
