//! `masque anonymise FILE --config C.json -o OUT [--report R.json] [--time-limit SECONDS]`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use masque::search::{AnonymiseConfig, AnonymiseResult, Anonymised, Progress};

use super::{
    check_outputs, read_document_text, read_population, relative_files, Clock, Failure, Outputs, ReadArgs, Rewrite,
};

/// Find the least damaging generalisation (and record suppression) that makes
/// a file k-anonymous (and l-diverse, t-close), and write the generalised file
/// in the input's dialect.
#[derive(Args, Debug)]
pub struct AnonymiseArgs {
    /// The CSV/TSV file or workbook.
    file: PathBuf,
    /// The configuration (JSON: quasi_identifiers, sensitive, k, suppression_limit, metric, ...),
    /// or a policy file with an `anonymise` section. A `population_table` it names (k-map
    /// counted in it, delta_presence) is read beside it, with the input's reading options.
    #[arg(long, value_name = "C.json")]
    config: PathBuf,
    /// Where to write the generalised file.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// Also write the report (JSON: levels, suppressed, classes, k, metric,
    /// optimal, nodes_checked, risk before and after, and with a population
    /// table its k-map and δ figures; no values).
    #[arg(long, value_name = "R.json")]
    report: Option<PathBuf>,
    /// Stop the search after this many seconds (overrides the configuration's
    /// `time_limit_ms`); the best node found is then written, marked not optimal.
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    time_limit: Option<String>,
    /// Write UTF-8 instead of the input's encoding.
    #[arg(long)]
    utf8: bool,
    #[command(flatten)]
    read: ReadArgs,
}

/// Reads the configuration and the hierarchy files it names (relative to it).
/// A policy file (with `version` and `columns`) gives its `anonymise` section.
fn load_config(path: &Path) -> Result<AnonymiseConfig, Failure> {
    let text = read_document_text(path)?;
    let is_policy = serde_json::from_str::<serde_json::Value>(&text)
        .is_ok_and(|v| v.get("version").is_some() && v.get("columns").is_some());
    let mut config = if is_policy {
        let policy = masque::policy::Policy::from_json(&text).map_err(|e| Failure::at(path, e))?;
        let section = policy.anonymise.ok_or_else(|| {
            Failure::at(path, "this policy has no `anonymise` section (the anonymisation configuration)")
        })?;
        AnonymiseConfig::from_value(section).map_err(|e| Failure::at(path, e))?
    } else {
        AnonymiseConfig::from_json(&text).map_err(|e| Failure::at(path, e))?
    };
    config.resolve_files(relative_files(path)).map_err(|e| Failure::at(path, e))?;
    Ok(config)
}

/// Runs `masque anonymise`.
pub fn run(args: &AnonymiseArgs) -> Result<(), Failure> {
    let outputs: Vec<&Path> =
        [Some(&args.output), args.report.as_ref()].into_iter().flatten().map(|p| p.as_path()).collect();
    check_outputs(&[&args.file, &args.config], &outputs, "is given twice; the output and the report must differ")?;
    let config = load_config(&args.config)?;
    let population = read_population(&args.config, &config, &args.read)?;
    let limit = match args.time_limit.as_deref() {
        Some(text) => match text.trim().parse::<f64>() {
            Ok(s) if s.is_finite() && s > 0.0 && s < 1e9 => Some(Duration::from_secs_f64(s)),
            _ => return Err(Failure("--time-limit must be a positive number of seconds".into())),
        },
        None => config.time_limit_ms.map(Duration::from_millis),
    };
    let rewrite = Rewrite {
        file: &args.file,
        read: &args.read,
        utf8: args.utf8,
        output: &args.output,
        report: args.report.as_deref(),
        private: None,
        hint: "write UTF-8 with --utf8",
    };
    let done = rewrite.run(
        |table| {
            let clock = Clock::start();
            let mut monitor = |_: &Progress| clock.past(limit);
            Anonymised::from_owned_in(table, population.as_ref(), &config, &mut monitor)
                .map_err(|e| Failure::at(&args.file, e))
        },
        |done| Outputs { table: &done.table, report: &done.result, private: None },
    )?;
    super::note(summary(&done.result, &args.output));
    Ok(())
}

/// The one-line summary of an anonymisation written to `output`.
pub(super) fn summary(r: &AnonymiseResult, output: &Path) -> String {
    let levels: Vec<String> = r.levels.iter().map(|(q, l)| format!("{q} {l}")).collect();
    if r.recoding == masque::search::Recoding::Local {
        return format!(
            "masque: local recoding, highest levels {}; all {} rows kept; {} classes, smallest {}; ncp {:.10}; written \
             to {}",
            levels.join(", "),
            r.rows,
            r.classes,
            r.k,
            r.ncp.value,
            output.display()
        );
    }
    let what = if r.optimal { "optimal" } else { "not proven optimal" };
    // With a population table: k-map's k and the δ range achieved.
    let population = match &r.population_table {
        Some(p) => match (p.delta_min, p.delta_max) {
            (Some(lo), Some(hi)) => format!("; k-map {}, δ {lo:.4} to {hi:.4}", p.k_map),
            _ => format!("; k-map {}", p.k_map),
        },
        None => String::new(),
    };
    let removed = match r.suppressed_rows {
        masque::search::SuppressedRows::Mask => "masked",
        masque::search::SuppressedRows::Remove => "removed",
    };
    format!(
        "masque: levels {}; {} of {} rows suppressed ({removed}); {} classes, smallest {}; {} {:.10} ({what}, {} of {} \
         lattice nodes checked){population}; written to {}",
        levels.join(", "),
        r.suppressed,
        r.rows,
        r.classes,
        r.k,
        r.metric.name,
        r.metric.value,
        r.nodes_checked,
        r.lattice_size,
        output.display()
    )
}
