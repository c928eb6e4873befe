//! `masque analyse FILE --qi a,b,c [--sensitive s,...] [--threshold 0.2,...] [--l N --c C --t T]
//! [--population N | --sampling-fraction F] [--population-table FILE] [--json]`.

use std::fmt::Write;
use std::path::PathBuf;

use clap::Args;
use masque::privacy::{AnalysisOptions, Check, DistanceChoice, RiskReport, SensitiveColumn};
use masque::search::population_table::PopulationMatches;

use super::{print_json, print_text, Failure, ReadArgs};

/// Measure the re-identification risk of a file: equivalence classes on the
/// quasi-identifiers, k, prosecutor risk, l-diversity and t-closeness of the
/// sensitive columns; with --population or --sampling-fraction, population
/// uniqueness, journalist and marketer risk; with --population-table, each
/// class's matches in the population (k-map, δ-presence).
#[derive(Args, Debug)]
pub struct AnalyseArgs {
    /// The CSV/TSV file or workbook.
    file: PathBuf,
    /// Quasi-identifier columns (comma-separated, or the option repeated).
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    qi: Vec<String>,
    /// Sensitive columns (comma-separated, or the option repeated).
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    sensitive: Vec<String>,
    /// Risk thresholds for "records at risk" (comma-separated; default 0.2).
    #[arg(long = "threshold", value_delimiter = ',', value_name = "RISKS", allow_hyphen_values = true)]
    thresholds: Vec<String>,
    /// l for the distinct, entropy and recursive (c,l) l-diversity checks.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    l: Option<String>,
    /// c for the recursive (c,l)-diversity check (needs --l).
    #[arg(long, value_name = "C", allow_hyphen_values = true)]
    c: Option<String>,
    /// t for the t-closeness check.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    t: Option<String>,
    /// The t-closeness distance of a sensitive column: COLUMN=auto|equal|ordered
    /// (default auto: ordered for numbers, equal otherwise).
    #[arg(long = "distance", value_name = "COLUMN=DISTANCE")]
    distances: Vec<String>,
    /// The order of a sensitive column's values, lowest first: COLUMN=v1,v2,...
    /// (the ordered distance; the empty value, if not listed, comes last).
    #[arg(long = "order", value_name = "COLUMN=VALUES")]
    orders: Vec<String>,
    /// Count rows whose quasi-identifiers all hold this text as suppressed
    /// (ARX and masque write suppressed records with `*`).
    #[arg(long, value_name = "TEXT")]
    suppressed_marker: Option<String>,
    /// The size of the population the file was drawn from (at least its
    /// number of rows): adds population uniqueness (Pitman, Zayatz, SNB,
    /// Dankar et al.'s rule), journalist and marketer risk.
    #[arg(long, value_name = "N", allow_hyphen_values = true, conflicts_with = "sampling_fraction")]
    population: Option<String>,
    /// Instead of --population: the share of the population in the file,
    /// rows / N, above 0 and at most 1.
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    sampling_fraction: Option<String>,
    /// A table of the population (its columns include every
    /// quasi-identifier; read with the same options as FILE): adds the
    /// fewest population rows a class matches (the k of k-map) and the
    /// lowest and highest δ = class rows / population rows matched (δ-presence).
    #[arg(long, value_name = "FILE")]
    population_table: Option<PathBuf>,
    /// Print JSON instead of a summary.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    read: ReadArgs,
}

/// Runs `masque analyse`.
pub fn run(args: &AnalyseArgs) -> Result<(), Failure> {
    let options = args.options()?;
    let read = args.read.read_table(&args.file)?;
    let report = masque::privacy::analyse(&read.table, &options, None).map_err(|e| Failure::at(&args.file, e))?;
    let matches = match &args.population_table {
        None => None,
        Some(path) => {
            let population = args.read.read_table(path)?.table;
            let marker = options.suppressed_marker.as_deref();
            Some(
                masque::search::population_table::measure(&read.table, &population, &options.qi, marker)
                    .map_err(|e| Failure::at(path, e))?,
            )
        }
    };
    if args.json {
        let Some(matches) = matches else { return print_json(&report) };
        let mut value = serde_json::to_value(&report).map_err(|e| Failure(format!("internal error: {e}")))?;
        if let Some(object) = value.as_object_mut() {
            let matches = serde_json::to_value(&matches).map_err(|e| Failure(format!("internal error: {e}")))?;
            object.insert("population_table".to_string(), matches);
        }
        return print_json(&value);
    }
    let mut text =
        summary(&args.file.display().to_string(), &report).map_err(|e| Failure(format!("internal error: {e}")))?;
    if let Some(m) = &matches {
        population_summary(&mut text, m).map_err(|e| Failure(format!("internal error: {e}")))?;
    }
    print_text(&text)
}

impl AnalyseArgs {
    /// The core's options, with every number parsed (one-line failures).
    fn options(&self) -> Result<AnalysisOptions, Failure> {
        let mut sensitive: Vec<SensitiveColumn> = self.sensitive.iter().map(|s| SensitiveColumn::named(s)).collect();
        for spec in &self.distances {
            let (column, distance) = split_column(spec, "--distance")?;
            let choice = match distance {
                "auto" => DistanceChoice::Auto,
                "equal" => DistanceChoice::Equal,
                "ordered" => DistanceChoice::Ordered,
                _ => return Err(Failure("--distance must be COLUMN=auto, COLUMN=equal or COLUMN=ordered".into())),
            };
            sensitive_named(&mut sensitive, column, "--distance")?.distance = choice;
        }
        for spec in &self.orders {
            let (column, values) = split_column(spec, "--order")?;
            let order = values.split(',').map(str::to_string).collect();
            sensitive_named(&mut sensitive, column, "--order")?.order = Some(order);
        }
        let thresholds =
            self.thresholds.iter().map(|t| number(t, "--threshold", "a risk from 0 to 1")).collect::<Result<_, _>>()?;
        let l = match &self.l {
            None => None,
            Some(text) => Some(
                text.trim().parse::<u32>().map_err(|_| Failure("--l must be a whole number of at least 1".into()))?,
            ),
        };
        Ok(AnalysisOptions {
            qi: self.qi.clone(),
            sensitive,
            thresholds,
            l,
            c: self.c.as_deref().map(|c| number(c, "--c", "a positive number")).transpose()?,
            t: self.t.as_deref().map(|t| number(t, "--t", "a number from 0 to 1")).transpose()?,
            suppressed_marker: self.suppressed_marker.clone(),
            population: self.population.as_deref().map(population).transpose()?,
            sampling_fraction: self
                .sampling_fraction
                .as_deref()
                .map(|f| {
                    number(f, "--sampling-fraction", "a number above 0 and at most 1").and_then(|f| {
                        if f > 0.0 && f <= 1.0 {
                            Ok(f)
                        } else {
                            Err(Failure("--sampling-fraction must be a number above 0 and at most 1".into()))
                        }
                    })
                })
                .transpose()?,
        })
    }
}

fn number(text: &str, option: &str, expected: &str) -> Result<f64, Failure> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| Failure(format!("{option} must be {expected}")))
}

fn population(text: &str) -> Result<u64, Failure> {
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| Failure("--population must be a whole number of at least 1 (the population's size)".into()))
}

fn split_column<'a>(spec: &'a str, option: &str) -> Result<(&'a str, &'a str), Failure> {
    spec.split_once('=').ok_or_else(|| Failure(format!("{option} must be written COLUMN=...")))
}

fn sensitive_named<'s>(
    sensitive: &'s mut [SensitiveColumn],
    column: &str,
    option: &str,
) -> Result<&'s mut SensitiveColumn, Failure> {
    sensitive
        .iter_mut()
        .find(|s| s.name == column)
        .ok_or_else(|| Failure(format!("{option} names `{column}`, which is not given with --sensitive")))
}

fn percent(part: f64) -> String {
    format!("{:.2} %", part * 100.0)
}

fn summary(file: &str, r: &RiskReport) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    let analysed = r.rows - r.suppressed;
    if r.suppressed > 0 {
        writeln!(out, "{file}: {} rows ({} suppressed, {analysed} analysed)", r.rows, r.suppressed)?;
    } else {
        writeln!(out, "{file}: {} rows", r.rows)?;
    }
    writeln!(out, "  quasi-identifiers     {}", r.quasi_identifiers.join(", "))?;
    writeln!(out, "  equivalence classes   {}", r.classes)?;
    writeln!(out, "  k (smallest class)    {}", r.k)?;
    writeln!(
        out,
        "  sample uniques        {} ({} of rows)",
        r.sample_uniques,
        percent(r.sample_uniques as f64 / analysed.max(1) as f64)
    )?;
    writeln!(out, "  prosecutor risk       highest {:.6}, average {:.6}", r.prosecutor.highest, r.prosecutor.average)?;
    let at_risk: Vec<String> =
        r.prosecutor.records_at_risk.iter().map(|(t, share)| format!("above {t}: {}", percent(*share))).collect();
    writeln!(out, "  records at risk       {}", at_risk.join(", "))?;
    const SHOWN: usize = 8;
    let mut sizes: Vec<String> =
        r.class_sizes.iter().take(SHOWN).map(|s| format!("{}: {}", s.size, s.classes)).collect();
    if let Some(largest) = r.class_sizes.last().filter(|_| r.class_sizes.len() > SHOWN) {
        sizes.push(format!("... largest {}: {}", largest.size, largest.classes));
    }
    writeln!(out, "  classes by size       {}", sizes.join(", "))?;
    if let Some(p) = &r.population {
        let u = &p.uniqueness;
        let estimate = |x: Option<f64>| x.map_or("no estimate".to_string(), |x| format!("{:.6}", x));
        let model = match u.dankar_model {
            Some(masque::privacy::UniquenessModel::Pitman) => "Pitman",
            Some(masque::privacy::UniquenessModel::Zayatz) => "Zayatz",
            Some(masque::privacy::UniquenessModel::Snb) => "SNB",
            None => "no sample unique",
        };
        writeln!(out, "  population            {} (sampling fraction {:.6})", p.size, p.sampling_fraction)?;
        writeln!(out, "  population uniques    {:.6} (Dankar et al.: {model})", u.dankar)?;
        writeln!(
            out,
            "    by model            Pitman {}, Zayatz {}, SNB {}",
            estimate(u.pitman),
            estimate(u.zayatz),
            estimate(u.snb)
        )?;
        writeln!(
            out,
            "  journalist risk       highest {:.6}, average {:.6}",
            p.journalist.highest, p.journalist.average
        )?;
        writeln!(out, "  marketer risk         {:.6}", p.marketer)?;
    }
    for (name, s) in r.sensitive.iter() {
        let distance = match s.distance {
            masque::privacy::Distance::Equal => "equal",
            masque::privacy::Distance::Ordered => "ordered",
        };
        writeln!(out, "  sensitive `{name}` ({} distinct values, {distance} distance)", s.distinct_values)?;
        writeln!(out, "    l-diversity         distinct {}, entropy {:.4}", s.l_distinct, s.l_entropy)?;
        writeln!(out, "    t-closeness         {:.6}", s.t_closeness)?;
        let checks = [
            ("distinct l-diversity", &s.criteria.l_distinct),
            ("entropy l-diversity", &s.criteria.l_entropy),
            ("recursive (c,l)-diversity", &s.criteria.recursive_cl),
            ("t-closeness", &s.criteria.t_closeness),
        ];
        for (label, check) in checks {
            if let Some(check) = check {
                writeln!(out, "    {:<36} {}", format!("{label}, {}", parameters(check)), verdict(check))?;
            }
        }
    }
    Ok(out)
}

/// The lines of `--population-table`.
fn population_summary(out: &mut String, m: &PopulationMatches) -> std::fmt::Result {
    writeln!(out, "  population table      {} rows", m.rows)?;
    writeln!(out, "    k-map               {} (the fewest population rows a class matches)", m.k_map)?;
    if let (Some(lo), Some(hi)) = (m.delta_min, m.delta_max) {
        writeln!(out, "    δ-presence          from {lo:.6} to {hi:.6} (class rows / population rows)")?;
    }
    if m.unmatched_classes > 0 {
        let s = if m.unmatched_classes == 1 { "" } else { "es" };
        writeln!(
            out,
            "    not in population   {} class{s} of {} match no population row",
            m.unmatched_classes, m.classes
        )?;
    }
    Ok(())
}

fn parameters(check: &Check) -> String {
    let mut p = Vec::new();
    if let Some(c) = check.c {
        p.push(format!("c={c}"));
    }
    if let Some(l) = check.l {
        p.push(format!("l={l}"));
    }
    if let Some(t) = check.t {
        p.push(format!("t={t}"));
    }
    p.join(" ")
}

fn verdict(check: &Check) -> String {
    if check.satisfied {
        "met".to_string()
    } else {
        let (classes, records) = (check.classes_failing, check.records_failing);
        let classes = if classes == 1 { "1 class".to_string() } else { format!("{classes} classes") };
        let records = if records == 1 { "1 record".to_string() } else { format!("{records} records") };
        format!("not met: {classes}, {records}")
    }
}
