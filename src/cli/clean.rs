//! `masque clean FILE --policy P.json [--key KEY.json] -o OUT [--report R.json] [--utf8]`:
//! the policy, then the anonymisation its `anonymise` section configures, in
//! one pass ([`masque::clean::clean`]), as the web app's clean does.

use std::borrow::Cow;
use std::path::Path;

use clap::Args;
use masque::clean::{clean_with_population, CleanError};
use masque::policy::{ApplyOptions, Policy};
use masque::search::AnonymiseConfig;

use super::apply::PolicyArgs;
use super::{read_population, relative_files, Clock, Failure, Outputs, ReadArgs, Rewrite};

/// Clean a file: apply a policy (pseudonymise, drop, generalise, ...), then,
/// if the policy has an `anonymise` section, find the least damaging
/// generalisation that meets it; write the result in the input's dialect.
#[derive(Args, Debug)]
#[command(mut_args(clean_help))]
pub struct CleanArgs {
    #[command(flatten)]
    run: PolicyArgs,
    #[command(flatten)]
    read: ReadArgs,
}

/// `clean`'s own help for the `--policy` and `--report` of [`PolicyArgs`]
/// (changed in place: the arguments keep their order).
fn clean_help(arg: clap::Arg) -> clap::Arg {
    match arg.get_id().as_str() {
        "policy" => arg.help(
            "The policy (JSON), with its `anonymise` section if the file is to be anonymised too (that section's \
             `time_limit_ms` stops the search; a `population_table` it names, for k-map counted in it and \
             delta_presence, is read beside the policy with the input's reading options, and holds the \
             quasi-identifiers as the policy writes them)",
        ),
        "report" => arg.help(
            "Also write the report (JSON: `report`, what the policy did, as `masque apply --report`; `result`, what \
             the anonymisation did, as `masque anonymise --report` (with a population table its k-map and δ \
             figures), or null; `output`, the file as written: rows read, set aside, suppressed and written, each \
             column's distinct values and empty cells after everything, free-text replacements by kind; no values, \
             no key)",
        ),
        _ => arg,
    }
}

/// The policy's `anonymise` section, its hierarchy files read relative to the policy.
fn load_config(policy: &Policy, path: &Path) -> Result<Option<AnonymiseConfig>, Failure> {
    let Some(section) = &policy.anonymise else { return Ok(None) };
    let bad = |e: masque::search::SearchError| Failure::at(path, format!("anonymise: {e}"));
    let mut config = AnonymiseConfig::from_value(section.clone()).map_err(bad)?;
    config.resolve_files(relative_files(path)).map_err(bad)?;
    Ok(Some(config))
}

/// Runs `masque clean`.
pub fn run(args: &CleanArgs) -> Result<(), Failure> {
    let run = &args.run;
    let policy = run.load_policy()?;
    let config = load_config(&policy, &run.policy)?;
    let key = run.load_key(&policy)?;
    // Not transformed by the policy: it holds the quasi-identifiers as the policy writes them.
    let population = match &config {
        Some(config) => read_population(&run.policy, config, &args.read)?,
        None => None,
    };
    run.check_paths(None, "is given twice; the output and the report must differ")?;
    // `--utf8`, or the policy's `output.utf8`.
    let utf8 = run.utf8 || policy.output.utf8;
    let options = ApplyOptions { correspondence: false, utf8, threads: 0 };
    let rewrite = Rewrite { utf8, ..run.rewrite(&args.read, "write UTF-8 with --utf8") };
    let cleaned = rewrite.run_read(
        |table, set_aside| {
            let mut clock = Clock::start();
            let table = Cow::Owned(table);
            clean_with_population(
                table,
                population.as_ref(),
                &policy,
                key.as_ref(),
                &options,
                config.as_ref(),
                &mut clock,
            )
            .map(|cleaned| cleaned.with_set_aside(set_aside))
            .map_err(|e| match e {
                CleanError::Apply(e) => run.apply_failure(&e),
                e => Failure::at(&run.file, e),
            })
        },
        // The report is the whole of `cleaned` (its table is not serialised).
        |cleaned| Outputs { table: &cleaned.table, report: cleaned, private: None },
    )?;
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
        Some(result) => super::note(super::anonymise::summary(result, &run.output)),
        None => super::note(format!("masque: written to {}", run.output.display())),
    }
    Ok(())
}
