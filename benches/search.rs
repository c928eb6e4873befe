//! Anonymisation search benchmark, natively: the lattice search on a table
//! already read (median of 5 runs; reading excluded).
//!
//! `cargo bench --bench search [-- RUNS]`
//! 1. tests/fixtures/adult/adult.csv with ARX's hierarchies, the 8
//!    quasi-identifiers of ARX's reference configuration, metric Loss: k=5 without suppression and
//!    k=5 with a 4 % suppression limit (ARX 3.9.2 on the reference machine,
//!    warm JVM, search only: 66 ms and 874 ms); then k=5 / 4 % with distinct
//!    2-diversity and with 0.2-closeness of salary-class.
//! 2. If target/bench/cohort_1m.csv exists (make it with
//!    `python3 tools/gen_cohort.py --rows 1000000 --seed 1 -o target/bench/cohort_1m.csv`),
//!    the 6 quasi-identifiers sexe, date_naissance, code_postal, date_entree,
//!    mode_entree, diag_principal with builder hierarchies (sexe masked,
//!    dates day -> month -> quarter -> year -> decade, code postal ->
//!    département -> région, mode_entree in ordered pairs, diagnosis codes
//!    masked from the right), k=11 (the French default), 1 % suppression.
//!
//! 3. Local recoding (every row kept), both methods: Adult k=5 (8
//!    quasi-identifiers, ARX's hierarchies); then, when the cohort exists,
//!    its first 100,000 rows (partition and iterative) and all of it
//!    (partition) with the 6 quasi-identifiers sexe, date_naissance,
//!    code_postal, mode_entree, poids_kg, date_entree, k=11. Printed: the
//!    NCP, rows retained, k, and the median wall time and the fastest
//!    thread CPU time (which a loaded machine does not inflate).
//!
//! "Search" is `masque::search::search`: hierarchies parsed and checked
//! against their columns, the bottom node grouped from the rows, the lattice
//! searched. The full `anonymise` (plus the output table and the risk
//! reports before and after) is printed too. The wasm counterpart is
//! tools/bench/search.mjs.

use std::time::Instant;

use masque::search::{anonymise, search, AnonymiseConfig, LocalMethod, Unlimited};
use masque::table::{read_table, ReadOptions, Table};

const ADULT: &str = "tests/fixtures/adult/adult.csv";
const ADULT_QI: [&str; 8] =
    ["age", "sex", "race", "marital-status", "education", "native-country", "workclass", "occupation"];
const COHORT: &str = "target/bench/cohort_1m.csv";
/// The cohort ./dev bench makes for the Spark comparison, used when [`COHORT`] is missing.
const COHORT_SPARK: &str = "target/bench-spark/cohort_1000000.csv";

fn median(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0])
}

fn read(path: &str) -> Option<Table> {
    let bytes = std::fs::read(path).ok()?;
    match read_table(&bytes, &ReadOptions::default()) {
        Ok(t) => Some(t.table),
        Err(e) => {
            eprintln!("search bench: {path}: {e}");
            std::process::exit(2);
        }
    }
}

fn adult_config(k: u32, limit: f64) -> AnonymiseConfig {
    adult_config_with(k, limit, "")
}

/// The Adult configuration with more JSON fields (`extra` starts with a comma).
fn adult_config_with(k: u32, limit: f64, extra: &str) -> AnonymiseConfig {
    let qis: Vec<String> = ADULT_QI
        .iter()
        .map(|q| {
            let path = format!("tests/fixtures/adult/adult_hierarchy_{q}.csv");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
                eprintln!("search bench: {path} is missing (run from the crate root)");
                std::process::exit(2)
            });
            format!("{}: {{\"hierarchy\": {}}}", serde_json::json!(q), serde_json::json!(text))
        })
        .collect();
    let text =
        format!(r#"{{"quasi_identifiers": {{{}}}, "k": {k}, "suppression_limit": {limit}{extra}}}"#, qis.join(", "));
    AnonymiseConfig::from_json(&text).expect("the benchmark configuration is valid")
}

const COHORT_CONFIG: &str = r#"{
  "quasi_identifiers": {
    "sexe": {"builder": {"mask": {"levels": 1}}},
    "date_naissance": {"builder": {"dates": {}}},
    "code_postal": {"builder": {"code_postal": {}}},
    "date_entree": {"builder": {"dates": {}}},
    "mode_entree": {"builder": {"order": {"values": ["Domicile", "Urgences", "Mutation", "Transfert"], "sizes": [2]}}},
    "diag_principal": {"builder": {"mask": {"levels": 3}}}
  },
  "k": 11, "suppression_limit": 0.01, "metric": "loss"
}"#;

const LOCAL_COHORT_CONFIG: &str = r#"{
  "quasi_identifiers": {
    "sexe": {"builder": {"mask": {"levels": 1}}},
    "date_naissance": {"builder": {"dates": {}}},
    "code_postal": {"builder": {"code_postal": {}}},
    "mode_entree": {"builder": {"order": {"values": ["Domicile", "Urgences", "Mutation", "Transfert"], "sizes": [2]}}},
    "poids_kg": {"builder": {"intervals": {"widths": [5, 10, 20]}}},
    "date_entree": {"builder": {"dates": {}}}
  },
  "k": 11, "recoding": "local"
}"#;

/// The thread's CPU time in ms (Linux; NaN elsewhere).
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|t| t.split_whitespace().next().and_then(|n| n.parse::<f64>().ok()))
        .map_or(f64::NAN, |ns| ns / 1e6)
}

/// Local recoding with `method`: the search alone (median wall, fastest CPU)
/// and the whole `anonymise` once, with its NCP, rows retained and k.
fn bench_local(label: &str, runs: usize, table: &Table, config: &AnonymiseConfig, method: &str) {
    let mut config = config.clone();
    let mut local = config.local.clone().unwrap_or_default();
    local.method = Some(if method == "iterative" { LocalMethod::Iterative } else { LocalMethod::Partition });
    config.local = Some(local);
    let start = Instant::now();
    let done = anonymise(table, &config, &mut Unlimited).expect("the benchmark anonymises");
    let full = start.elapsed().as_secs_f64() * 1e3;
    let r = &done.result;
    let mut best_cpu = f64::INFINITY;
    let (med, min) = median(runs, || {
        let before = cpu_ms();
        std::hint::black_box(search(table, &config, &mut Unlimited).expect("searches"));
        best_cpu = best_cpu.min(cpu_ms() - before);
    });
    println!(
        "search (native): {label}, local {method}: {} rows, NCP {:.6}, {} retained, k {}, {} classes: search median \
         {med:.1} ms (min {min:.1} ms, CPU min {best_cpu:.1} ms, {runs} runs); with output and risk reports {full:.1} ms",
        r.rows, r.ncp.value, r.retained, r.k, r.classes,
    );
}

/// The first `rows` records of a CSV file (header kept), read.
fn read_head(path: &str, rows: usize) -> Option<Table> {
    let bytes = std::fs::read(path).ok()?;
    let end = bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(rows).map_or(bytes.len(), |(i, _)| i + 1);
    read_table(&bytes[..end], &ReadOptions::default()).ok().map(|t| t.table)
}

fn bench(label: &str, runs: usize, table: &Table, config: &AnonymiseConfig) {
    let done = anonymise(table, config, &mut Unlimited).expect("the benchmark anonymises");
    let r = &done.result;
    let (med, min) = median(runs, || {
        std::hint::black_box(search(table, config, &mut Unlimited).expect("searches"));
    });
    let (full, _) = median(runs, || {
        std::hint::black_box(anonymise(table, config, &mut Unlimited).expect("anonymises"));
    });
    let levels: Vec<String> = r.levels.iter().map(|(q, l)| format!("{q} {l}")).collect();
    println!(
        "search (native): {label}: {} rows, lattice {} nodes, {} checked, optimal {}: levels [{}], {} suppressed, \
         {} classes, {} {:.10}: search median {med:.1} ms (min {min:.1} ms, {runs} runs); with output and risk \
         reports {full:.1} ms",
        r.rows,
        r.lattice_size,
        r.nodes_checked,
        r.optimal,
        levels.join(", "),
        r.suppressed,
        r.classes,
        r.metric.name,
        r.metric.value,
    );
}

fn main() {
    let runs = std::env::args().skip(1).find_map(|a| a.parse::<usize>().ok()).unwrap_or(5).max(1);
    let Some(adult) = read(ADULT) else {
        eprintln!("search bench: {ADULT} is missing (run from the crate root)");
        std::process::exit(2);
    };
    // MASQUE_BENCH_LOCAL=1: local recoding only.
    let only_local = std::env::var_os("MASQUE_BENCH_LOCAL").is_some();
    if !only_local {
        bench("adult k=5, 0 %", runs, &adult, &adult_config(5, 0.0));
        bench("adult k=5, 4 %", runs, &adult, &adult_config(5, 0.04));
        let with = |sensitive: &str| adult_config_with(5, 0.04, &format!(r#", "sensitive": {sensitive}"#));
        bench(
            "adult k=5, 4 %, salary-class distinct 2-diverse",
            runs,
            &adult,
            &with(r#"{"salary-class": {"l_distinct": 2}}"#),
        );
        bench(
            "adult k=5, 4 %, salary-class 0.2-close",
            runs,
            &adult,
            &with(r#"{"salary-class": {"t_closeness": 0.2}}"#),
        );
    }
    let local = adult_config_with(5, 0.0, r#", "recoding": "local""#);
    bench_local("adult k=5", runs, &adult, &local, "partition");
    bench_local("adult k=5", runs, &adult, &local, "iterative");
    let cohort_path = if std::path::Path::new(COHORT).exists() { COHORT } else { COHORT_SPARK };
    let local = AnonymiseConfig::from_json(LOCAL_COHORT_CONFIG).expect("the local cohort configuration is valid");
    if let Some(head) = read_head(cohort_path, 100_000) {
        bench_local("cohort 100k, 6 QIs, k=11", runs, &head, &local, "partition");
        bench_local("cohort 100k, 6 QIs, k=11", runs.min(3), &head, &local, "iterative");
    }
    if let Some(cohort) = read(cohort_path) {
        bench_local("cohort 1M, 6 QIs, k=11", runs, &cohort, &local, "partition");
    }
    if only_local {
        return;
    }
    match read(COHORT) {
        None => println!(
            "search (native): {COHORT} not found; make it with \
             `python3 tools/gen_cohort.py --rows 1000000 --seed 1 -o {COHORT}`"
        ),
        Some(cohort) => {
            let config = AnonymiseConfig::from_json(COHORT_CONFIG).expect("the cohort configuration is valid");
            bench("cohort 1M, 6 QIs, k=11, 1 %", runs, &cohort, &config);
        }
    }
}
