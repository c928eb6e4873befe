//! Policy benchmark: applying a policy of every action (`tests/fixtures/policies/bench.json`) to a table already read, natively.
//!
//! `cargo bench --bench apply [-- FILE]` (default target/bench/cohort_1m.csv, made
//! by `python3 tools/gen_cohort.py --rows 1000000 --seed 1 -o target/bench/cohort_1m.csv`).
//! Policy: tests/fixtures/policies/bench.json (nir/nom/prenom/email/telephone
//! pseudonymised, adresse dropped, date_naissance to year, date_entree and
//! date_sortie shifted per nir). Prints rows/s of the transform (reading
//! excluded), median of 5 runs, and the write time separately.
//! The wasm counterpart is tools/bench/apply.mjs.

use std::time::Instant;

use masque::policy::{apply_owned, ApplyOptions, Policy};
use masque::pseudo::Key;
use masque::table::{read_table, write_table, ReadOptions};

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_else(|| "target/bench/cohort_1m.csv".to_string());
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "apply bench: {path}: {e} (generate it with python3 tools/gen_cohort.py --rows 1000000 --seed 1 -o {path})"
            );
            std::process::exit(2);
        }
    };
    let policy_text = include_str!("../tests/fixtures/policies/bench.json");
    let policy = Policy::from_json(policy_text).expect("the bench policy is valid");
    let mut key_bytes = [0u8; 32];
    for (i, b) in key_bytes.iter_mut().enumerate() {
        *b = i as u8;
    }
    let key = Key::from_random(key_bytes);

    let start = Instant::now();
    let read = read_table(&bytes, &ReadOptions::default()).expect("bench input reads");
    let read_s = start.elapsed().as_secs_f64();
    let rows = read.table.rows;
    let distinct: usize = ["nir", "nom", "prenom", "email", "telephone"]
        .iter()
        .filter_map(|c| read.table.column(c))
        .map(|c| c.dict.len())
        .sum();

    println!(
        "apply (native): {path}: {rows} rows, {distinct} distinct identifiers pseudonymised, 2 date columns shifted; read {:.0} ms (excluded)",
        read_s * 1e3
    );
    let parallelism = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, 0] {
        let options = ApplyOptions { threads, ..ApplyOptions::default() };
        let mut apply_times = Vec::new();
        let mut write_times = Vec::new();
        let mut out_len = 0;
        for _ in 0..5 {
            // The CLI and wasm apply to the table they just read, which they own
            // (apply_bytes): kept columns are moved, not copied. Cloning the input is
            // not timed.
            let table = read.table.clone();
            let start = Instant::now();
            let applied = apply_owned(table, &policy, Some(&key), &options).expect("bench policy applies");
            apply_times.push(start.elapsed().as_secs_f64());
            let start = Instant::now();
            let out = write_table(&applied.table, &read.dialect).expect("bench output writes");
            write_times.push(start.elapsed().as_secs_f64());
            out_len = out.len();
            drop(applied);
        }
        let min_apply = apply_times.iter().copied().fold(f64::INFINITY, f64::min);
        let apply_s = median(apply_times);
        let write_s = median(write_times);
        let label = if threads == 1 { "1 thread".to_string() } else { format!("{} threads", parallelism.min(8)) };
        println!(
            "  transform, {label}: median {:.0} ms = {:.2} M rows/s (min {:.0} ms); write {:.0} ms ({:.1} MB)",
            apply_s * 1e3,
            rows as f64 / apply_s / 1e6,
            min_apply * 1e3,
            write_s * 1e3,
            out_len as f64 / 1e6
        );
    }
}
