//! `masque clean FILE --policy P.json [--key KEY.json] -o OUT [--report R.json] [--utf8]`:
//! the policy, then the anonymisation its `anonymise` section configures, in
//! one pass ([`masque::clean::clean`]), as the web app's clean does.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use masque::clean::{clean, CleanError, CleanMonitor};
use masque::policy::{ApplyError, ApplyOptions, Policy};
use masque::search::AnonymiseConfig;
use masque::table::TableWriter;

use super::apply::{load_key, load_policy};
use super::{check_outputs, relative_files, write_file, write_table_file, Failure, ReadArgs};

/// Clean a file: apply a policy (pseudonymise, drop, generalise, ...), then,
/// if the policy has an `anonymise` section, find the least damaging
/// generalisation that meets it; write the result in the input's dialect.
#[derive(Args, Debug)]
pub struct CleanArgs {
    /// The CSV/TSV file or workbook.
    file: PathBuf,
    /// The policy (JSON), with its `anonymise` section if the file is to be
    /// anonymised too (that section's `time_limit_ms` stops the search).
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
    /// Also write the report (JSON: `report`, what the policy did, as `masque
    /// apply --report`; `result`, what the anonymisation did, as `masque
    /// anonymise --report`, or null; no values, no key).
    #[arg(long, value_name = "R.json")]
    report: Option<PathBuf>,
    /// Write UTF-8 instead of the input's encoding.
    #[arg(long)]
    utf8: bool,
    #[command(flatten)]
    read: ReadArgs,
}

/// The policy's `anonymise` section, its hierarchy files read relative to the policy.
fn load_config(policy: &Policy, path: &Path) -> Result<Option<AnonymiseConfig>, Failure> {
    let Some(section) = &policy.anonymise else { return Ok(None) };
    let bad = |e: masque::search::SearchError| Failure::at(path, format!("anonymise: {e}"));
    let mut config = AnonymiseConfig::from_value(section.clone()).map_err(bad)?;
    config.resolve_files(relative_files(path)).map_err(bad)?;
    Ok(Some(config))
}

/// The command line's clock, for the configuration's time limit.
struct Clock(Instant);

impl CleanMonitor for Clock {
    fn now_ms(&mut self) -> Option<f64> {
        Some(self.0.elapsed().as_secs_f64() * 1000.0)
    }
}

/// Runs `masque clean`.
pub fn run(args: &CleanArgs) -> Result<(), Failure> {
    let policy = load_policy(&args.policy)?;
    let config = load_config(&policy, &args.policy)?;
    let key = load_key(&policy, &args.policy, args.key.as_deref(), args.passphrase_stdin)?;
    let outputs: Vec<&Path> =
        [Some(&args.output), args.report.as_ref()].into_iter().flatten().map(|p| p.as_path()).collect();
    let inputs: Vec<&Path> =
        [Some(&args.file), Some(&args.policy), args.key.as_ref()].into_iter().flatten().map(|p| p.as_path()).collect();
    check_outputs(&inputs, &outputs, "is given twice; the output and the report must differ")?;
    // The file is streamed into the table, the table cleaned in place and
    // the output written by chunks: a large file is held once, as its table.
    let read = args.read.read_table(&args.file)?;
    let dialect = if args.utf8 { read.dialect.to_utf8() } else { read.dialect };
    let options = ApplyOptions { correspondence: false, utf8: args.utf8, threads: 0 };
    let mut clock = Clock(Instant::now());
    let cleaned = clean(Cow::Owned(read.table), &policy, key.as_ref(), &options, config.as_ref(), &mut clock).map_err(
        |e| match e {
            CleanError::Apply(ApplyError::Policy(_) | ApplyError::KeyRequired { .. }) => Failure::at(&args.policy, e),
            _ => Failure::at(&args.file, e),
        },
    )?;
    let writer = TableWriter::new(&cleaned.table, &dialect)
        .map_err(|e| Failure::at(&args.output, format!("{e} (write UTF-8 with --utf8)")))?;
    write_table_file(&args.output, writer, false)?;
    if let Some(path) = &args.report {
        let text = serde_json::to_string_pretty(&cleaned).map_err(|e| Failure(format!("internal error: {e}")))?;
        write_file(path, format!("{text}\n").as_bytes())?;
    }
    let r = &cleaned.report;
    let fingerprint = r.key_fingerprint.as_deref().map(|f| format!("; key fingerprint {f}")).unwrap_or_default();
    let invalid = match r.invalid_total {
        0 => String::new(),
        n => format!("; {n} invalid cells"),
    };
    super::note(format!(
        "masque: policy: {} rows, {} -> {} columns{invalid}{fingerprint}",
        r.rows_out, r.columns_in, r.columns_out
    ));
    match &cleaned.result {
        Some(result) => super::note(super::anonymise::summary(result, &args.output)),
        None => super::note(format!("masque: written to {}", args.output.display())),
    }
    Ok(())
}
