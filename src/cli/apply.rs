//! `masque apply FILE --policy P.json --key KEY.json -o OUT [--report R.json]
//! [--utf8] [--correspondence C.csv]`.

use std::path::{Path, PathBuf};

use clap::Args;
use masque::policy::{apply_owned, ApplyError, ApplyOptions, Policy};
use masque::pseudo::{Key, KeyFile};

use super::{check_outputs, read_document_text, read_key_text, relative_files, Failure, Outputs, ReadArgs, Rewrite};

/// What `masque apply` and `masque clean` share: the file, the policy and its
/// key, the output and the report (`clean` words `--policy` and `--report`
/// its own way, with `mut_arg`).
#[derive(Args, Debug)]
pub struct PolicyArgs {
    /// The CSV/TSV file or workbook.
    pub file: PathBuf,
    /// The policy (JSON).
    #[arg(long, value_name = "P.json")]
    pub policy: PathBuf,
    /// The key file (from `masque keygen`); needed to pseudonymise or shift dates.
    #[arg(long, value_name = "KEY.json")]
    pub key: Option<PathBuf>,
    /// Read the key's passphrase on standard input (for a passphrase key file).
    #[arg(long, requires = "key")]
    pub passphrase_stdin: bool,
    /// Where to write the result.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    /// Also write the report (JSON: counts per column and the key fingerprint; no values).
    #[arg(long, value_name = "R.json")]
    pub report: Option<PathBuf>,
    /// Write UTF-8 instead of the input's encoding.
    #[arg(long)]
    pub utf8: bool,
}

impl PolicyArgs {
    /// Reads and validates the policy, loading its hierarchy files relative to it.
    pub fn load_policy(&self) -> Result<Policy, Failure> {
        let path = &self.policy;
        let text = read_document_text(path)?;
        let mut policy = Policy::from_json(&text).map_err(|e| Failure::at(path, e))?;
        policy.resolve_files(relative_files(path)).map_err(|e| Failure::at(path, e))?;
        Ok(policy)
    }

    /// Reads and unlocks the key file, if given; an error if the policy needs a
    /// key and none is given.
    pub fn load_key(&self, policy: &Policy) -> Result<Option<Key>, Failure> {
        match &self.key {
            None if policy.needs_key() => Err(Failure::at(
                &self.policy,
                "the policy pseudonymises or shifts dates: pass --key KEY.json (make one with `masque keygen`)",
            )),
            None => Ok(None),
            Some(path) => {
                let text = read_key_text(path)?;
                let file = KeyFile::from_json(&text).map_err(|e| Failure::at(path, e))?;
                let passphrase =
                    if self.passphrase_stdin { Some(super::keygen::read_passphrase_stdin()?) } else { None };
                let key = file.unlock(passphrase.as_ref().map(|p| p.as_bytes())).map_err(|e| {
                    let hint =
                        if file.needs_passphrase() && passphrase.is_none() { " (pass --passphrase-stdin)" } else { "" };
                    Failure::at(path, format!("{e}{hint}"))
                })?;
                Ok(Some(key))
            }
        }
    }

    /// Outputs (the output, the report and `extra`) must not overwrite an
    /// input (the file, the policy, the key) or each other; `twice` is the
    /// message when two outputs are the same file.
    pub fn check_paths(&self, extra: Option<&PathBuf>, twice: &str) -> Result<(), Failure> {
        let outputs: Vec<&Path> =
            [Some(&self.output), self.report.as_ref(), extra].into_iter().flatten().map(|p| p.as_path()).collect();
        let inputs: Vec<&Path> = [Some(&self.file), Some(&self.policy), self.key.as_ref()]
            .into_iter()
            .flatten()
            .map(|p| p.as_path())
            .collect();
        check_outputs(&inputs, &outputs, twice)
    }

    /// The read -> transform -> write of the file to the output (and report);
    /// `hint` as in [`Rewrite::hint`].
    pub fn rewrite<'a>(&'a self, read: &'a ReadArgs, hint: &'a str) -> Rewrite<'a> {
        Rewrite {
            file: &self.file,
            read,
            utf8: self.utf8,
            output: &self.output,
            report: self.report.as_deref(),
            private: None,
            hint,
        }
    }

    /// A failure of the policy's application: the policy's own errors name
    /// the policy, the others the file.
    pub fn apply_failure(&self, e: &ApplyError) -> Failure {
        match e {
            ApplyError::Policy(_) | ApplyError::KeyRequired { .. } => Failure::at(&self.policy, e),
            _ => Failure::at(&self.file, e),
        }
    }
}

/// Apply a policy: pseudonymise, drop, redact, mask, generalise and shift
/// columns, writing the result in the input's dialect.
#[derive(Args, Debug)]
pub struct ApplyArgs {
    #[command(flatten)]
    run: PolicyArgs,
    /// Also write the correspondence table (pseudonym -> original) to this file.
    /// It re-identifies everyone: keep it apart from the output.
    #[arg(long, value_name = "C.csv")]
    correspondence: Option<PathBuf>,
    #[command(flatten)]
    read: ReadArgs,
}

/// Runs `masque apply`.
pub fn run(args: &ApplyArgs) -> Result<(), Failure> {
    let run = &args.run;
    let policy = run.load_policy()?;
    let key = run.load_key(&policy)?;
    run.check_paths(args.correspondence.as_ref(), "is given twice; the output, report and correspondence must differ")?;
    // `--utf8`, or the policy's `output.utf8`.
    let utf8 = run.utf8 || policy.output.utf8;
    let options = ApplyOptions { correspondence: args.correspondence.is_some(), utf8, threads: 0 };
    let rewrite = Rewrite { private: args.correspondence.as_deref(), utf8, ..run.rewrite(&args.read, "--utf8") };
    let applied = rewrite.run(
        |table| apply_owned(table, &policy, key.as_ref(), &options).map_err(|e| run.apply_failure(&e)),
        |applied| Outputs { table: &applied.table, report: &applied.report, private: applied.correspondence.as_ref() },
    )?;
    if let (Some(path), Some(_)) = (&args.correspondence, &applied.correspondence) {
        super::note(format!(
            "masque: warning: {} links every pseudonym to its original value; keep it apart from the output",
            path.display()
        ));
    }
    let r = &applied.report;
    let fingerprint = r.key_fingerprint.as_deref().map(|f| format!("; key fingerprint {f}")).unwrap_or_default();
    let invalid = match (r.invalid_total, &run.report) {
        (0, _) => String::new(),
        (n, Some(_)) => format!("; {n} invalid cells (see the report)"),
        (n, None) => format!("; {n} invalid cells (see --report)"),
    };
    super::note(format!(
        "masque: {} rows, {} -> {} columns written to {}{invalid}{fingerprint}",
        r.rows_out,
        r.columns_in,
        r.columns_out,
        run.output.display()
    ));
    Ok(())
}
