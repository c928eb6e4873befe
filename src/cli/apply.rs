//! `masque apply FILE --policy P.json --key KEY.json -o OUT [--report R.json]
//! [--utf8] [--correspondence C.csv]`.

use std::path::{Path, PathBuf};

use clap::Args;
use masque::policy::{apply_owned, ApplyError, ApplyOptions, Policy};
use masque::pseudo::{Key, KeyFile};
use masque::table::TableWriter;

use super::{
    check_outputs, read_document_text, read_key_text, relative_files, write_file, write_table_file, Failure, ReadArgs,
};

/// Apply a policy: pseudonymise, drop, redact, mask, generalise and shift
/// columns, writing the result in the input's dialect.
#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The CSV/TSV file or workbook.
    file: PathBuf,
    /// The policy (JSON).
    #[arg(long, value_name = "P.json")]
    policy: PathBuf,
    /// The key file (from `masque keygen`); needed to pseudonymise or shift dates.
    #[arg(long, value_name = "KEY.json")]
    key: Option<PathBuf>,
    /// Read the key's passphrase on standard input (for a passphrase key file).
    #[arg(long, requires = "key")]
    passphrase_stdin: bool,
    /// Where to write the result.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// Also write the report (JSON: counts per column and the key fingerprint; no values).
    #[arg(long, value_name = "R.json")]
    report: Option<PathBuf>,
    /// Write UTF-8 instead of the input's encoding.
    #[arg(long)]
    utf8: bool,
    /// Also write the correspondence table (pseudonym -> original) to this file.
    /// It re-identifies everyone: keep it apart from the output.
    #[arg(long, value_name = "C.csv")]
    correspondence: Option<PathBuf>,
    #[command(flatten)]
    read: ReadArgs,
}

/// Outputs must not overwrite an input or each other.
fn check_paths(args: &ApplyArgs) -> Result<(), Failure> {
    let outputs: Vec<&Path> = [Some(&args.output), args.report.as_ref(), args.correspondence.as_ref()]
        .into_iter()
        .flatten()
        .map(|p| p.as_path())
        .collect();
    let inputs: Vec<&Path> =
        [Some(&args.file), Some(&args.policy), args.key.as_ref()].into_iter().flatten().map(|p| p.as_path()).collect();
    check_outputs(&inputs, &outputs, "is given twice; the output, report and correspondence must differ")
}

/// Reads and validates the policy, loading its hierarchy files relative to it.
pub(super) fn load_policy(path: &Path) -> Result<Policy, Failure> {
    let text = read_document_text(path)?;
    let mut policy = Policy::from_json(&text).map_err(|e| Failure::at(path, e))?;
    policy.resolve_files(relative_files(path)).map_err(|e| Failure::at(path, e))?;
    Ok(policy)
}

/// Reads and unlocks the key file, if given; an error if the policy needs a
/// key and none is given.
pub(super) fn load_key(
    policy: &Policy,
    policy_path: &Path,
    key: Option<&Path>,
    passphrase_stdin: bool,
) -> Result<Option<Key>, Failure> {
    match key {
        None if policy.needs_key() => Err(Failure::at(
            policy_path,
            "the policy pseudonymises or shifts dates: pass --key KEY.json (make one with `masque keygen`)",
        )),
        None => Ok(None),
        Some(path) => {
            let text = read_key_text(path)?;
            let file = KeyFile::from_json(&text).map_err(|e| Failure::at(path, e))?;
            let passphrase = if passphrase_stdin { Some(super::keygen::read_passphrase_stdin()?) } else { None };
            let key = file.unlock(passphrase.as_ref().map(|p| p.as_bytes())).map_err(|e| {
                let hint =
                    if file.needs_passphrase() && passphrase.is_none() { " (pass --passphrase-stdin)" } else { "" };
                Failure::at(path, format!("{e}{hint}"))
            })?;
            Ok(Some(key))
        }
    }
}

/// Runs `masque apply`.
pub fn run(args: &ApplyArgs) -> Result<(), Failure> {
    let policy = load_policy(&args.policy)?;
    let key = load_key(&policy, &args.policy, args.key.as_deref(), args.passphrase_stdin)?;
    check_paths(args)?;
    // The file is streamed into the table, the table transformed in place and
    // the output written by chunks: a large file is held once, as its table.
    let read = args.read.read_table(&args.file)?;
    let dialect = if args.utf8 { read.dialect.to_utf8() } else { read.dialect };
    let options = ApplyOptions { correspondence: args.correspondence.is_some(), utf8: args.utf8, threads: 0 };
    let applied = apply_owned(read.table, &policy, key.as_ref(), &options).map_err(|e| match e {
        ApplyError::Policy(_) | ApplyError::KeyRequired { .. } => Failure::at(&args.policy, e),
        _ => Failure::at(&args.file, e),
    })?;
    // Both checked (every value encodable) before either file is written.
    let unencodable = |e| Failure::at(&args.output, format!("{e} (--utf8)"));
    let output = TableWriter::new(&applied.table, &dialect).map_err(unencodable)?;
    let correspondence = match &applied.correspondence {
        Some(table) => Some(TableWriter::new(table, &dialect).map_err(unencodable)?),
        None => None,
    };
    write_table_file(&args.output, output, false)?;
    if let Some(path) = &args.report {
        let text =
            serde_json::to_string_pretty(&applied.report).map_err(|e| Failure(format!("internal error: {e}")))?;
        write_file(path, format!("{text}\n").as_bytes())?;
    }
    if let (Some(path), Some(writer)) = (&args.correspondence, correspondence) {
        write_table_file(path, writer, true)?;
        super::note(format!(
            "masque: warning: {} links every pseudonym to its original value; keep it apart from the output",
            path.display()
        ));
    }
    let r = &applied.report;
    let fingerprint = r.key_fingerprint.as_deref().map(|f| format!("; key fingerprint {f}")).unwrap_or_default();
    let invalid = match (r.invalid_total, &args.report) {
        (0, _) => String::new(),
        (n, Some(_)) => format!("; {n} invalid cells (see the report)"),
        (n, None) => format!("; {n} invalid cells (see --report)"),
    };
    super::note(format!(
        "masque: {} rows, {} -> {} columns written to {}{invalid}{fingerprint}",
        r.rows_out,
        r.columns_in,
        r.columns_out,
        args.output.display()
    ));
    Ok(())
}
