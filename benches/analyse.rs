//! Risk-analysis benchmark, natively: the full report (classes, k, risks,
//! l-diversity, t-closeness and their checks) on a table already read.
//!
//! `cargo bench --bench analyse [-- RUNS]` (default 15 runs; median and min printed).
//! 1. tests/fixtures/adult/adult.csv, 8 quasi-identifiers + salary-class.
//! 2. If target/bench/cohort_1m.csv exists (make it with
//!    `python3 tools/gen_cohort.py --rows 1000000 --seed 1 -o target/bench/cohort_1m.csv`),
//!    the 6 quasi-identifiers sexe, date_naissance, code_postal, date_entree,
//!    mode_entree, diag_principal; then the same with poids_kg as an ordered
//!    sensitive attribute, the same with France's population (69.1 million:
//!    the population models, journalist and marketer risk; the difference
//!    from the first figure is their cost), and the grouping alone.
//!
//! Reading is timed separately and excluded from the analysis figures.
//! The wasm counterpart is tools/bench/analyse.mjs.

use std::time::Instant;

use masque::privacy::risk::size_histogram;
use masque::privacy::{analyse, population, AnalysisOptions, Classes, QiCodes, SensitiveColumn};
use masque::table::{read_table, ReadOptions, Table};

const ADULT: &str = "tests/fixtures/adult/adult.csv";
const ADULT_QI: [&str; 8] =
    ["age", "sex", "race", "marital-status", "education", "native-country", "workclass", "occupation"];
const COHORT: &str = "target/bench/cohort_1m.csv";
/// France's population (the `france` preset).
const FRANCE: u64 = 69_100_000;
const COHORT_QI: [&str; 6] = ["sexe", "date_naissance", "code_postal", "date_entree", "mode_entree", "diag_principal"];

/// Median and minimum of `runs` timings of `f`, in milliseconds.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0])
}

fn options(qi: &[&str], sensitive: &[&str], checks: bool) -> AnalysisOptions {
    AnalysisOptions {
        qi: qi.iter().map(|s| s.to_string()).collect(),
        sensitive: sensitive.iter().map(|s| SensitiveColumn::named(s)).collect(),
        thresholds: vec![0.2, 0.1, 1.0 / 11.0],
        l: checks.then_some(2),
        c: checks.then_some(3.0),
        t: checks.then_some(0.2),
        suppressed_marker: None,
        population: None,
        sampling_fraction: None,
    }
}

fn read(path: &str) -> Option<(Table, f64)> {
    let bytes = std::fs::read(path).ok()?;
    let start = Instant::now();
    let table = match read_table(&bytes, &ReadOptions::default()) {
        Ok(t) => t.table,
        Err(e) => {
            eprintln!("analyse bench: {path}: {e}");
            std::process::exit(2);
        }
    };
    Some((table, start.elapsed().as_secs_f64() * 1e3))
}

/// Times the analysis; returns the median, in milliseconds.
fn report(label: &str, runs: usize, table: &Table, o: &AnalysisOptions) -> f64 {
    let r = analyse(table, o, None).expect("the benchmark options are valid");
    let (median, min) = time(runs, || analyse(table, o, None));
    let sensitive = if o.sensitive.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = o.sensitive.iter().map(|s| s.name.as_str()).collect();
        format!(" + sensitive {}", names.join(", "))
    };
    println!(
        "analyse (native): {label}: {} rows, {} QIs{sensitive}: {} classes, k={}: median {median:.1} ms (min {min:.1} ms, {runs} runs)",
        r.rows,
        o.qi.len(),
        r.classes,
        r.k
    );
    if let Some(p) = &r.population {
        let u = &p.uniqueness;
        println!(
            "  population uniqueness: Dankar {:e} ({:?}), Pitman {:?}, Zayatz {:?}, SNB {:?}",
            u.dankar, u.dankar_model, u.pitman, u.zayatz, u.snb
        );
    }
    median
}

fn main() {
    let runs = std::env::args().skip(1).find_map(|a| a.parse::<usize>().ok()).unwrap_or(15).max(1);

    let Some((adult, read_ms)) = read(ADULT) else {
        eprintln!("analyse bench: {ADULT} is missing (run from the crate root)");
        std::process::exit(2);
    };
    println!("read (native): {ADULT}: {read_ms:.1} ms (once, excluded below)");
    let _ = report("adult", runs, &adult, &options(&ADULT_QI, &["salary-class"], true));
    let _ = report("adult (k and risks only)", runs, &adult, &options(&ADULT_QI, &[], false));

    match read(COHORT) {
        None => println!(
            "analyse (native): {COHORT} not found; make it with \
             `python3 tools/gen_cohort.py --rows 1000000 --seed 1 -o {COHORT}`"
        ),
        Some((cohort, read_ms)) => {
            println!("read (native): {COHORT}: {read_ms:.0} ms (once, excluded below)");
            let cohort_runs = runs.min(9);
            let _ = report("cohort 1M", cohort_runs, &cohort, &options(&COHORT_QI, &["poids_kg"], true));
            let without = report("cohort 1M", cohort_runs, &cohort, &options(&COHORT_QI, &[], false));
            let with_population = AnalysisOptions { population: Some(FRANCE), ..options(&COHORT_QI, &[], false) };
            let with = report("cohort 1M, population 69.1 M", cohort_runs, &cohort, &with_population);
            println!(
                "analyse (native): cohort 1M, 6 QIs: the population models add {:.1} ms (median with - median without)",
                with - without
            );
            let columns: Vec<_> = COHORT_QI.iter().map(|n| cohort.column(n).expect("cohort column")).collect();
            let qis: Vec<QiCodes<'_>> = columns.iter().map(|c| QiCodes::column(c)).collect();
            // The models alone, on the class-size histogram the analysis builds.
            let classes = Classes::group(&qis, None).expect("the cohort groups");
            let histogram = size_histogram(&classes);
            let (median, min) = time(runs, || population::uniqueness(&histogram, FRANCE as f64));
            println!(
                "population models (native): cohort 1M, 6 QIs ({} distinct class sizes): median {median:.2} ms (min {min:.2} ms)",
                histogram.len()
            );
            let (median, min) = time(cohort_runs, || Classes::group(&qis, None));
            println!("group (native): cohort 1M, 6 QIs, classes only: median {median:.1} ms (min {min:.1} ms)");
            let mut grouper = masque::privacy::Grouper::new();
            let mut out = Classes::default();
            // A coarse node, as a generalisation search groups many times: sexe, mode_entree, diag_principal.
            let coarse = [qis[0], qis[4], qis[5]];
            let (median, min) = time(cohort_runs, || grouper.group(&coarse, None, &mut out).map(|_| out.count()));
            println!(
                "group (native): cohort 1M, 3 coarse QIs, reused buffers ({} classes): median {median:.1} ms (min {min:.1} ms)",
                out.count()
            );
        }
    }
}
