//! Reading benchmark: bytes -> columnar table, natively.
//!
//! `cargo bench --bench read [-- FILE]` (default target/bench/cohort_1m_quirks.csv,
//! made by `./dev bench`). Prints MB/s (1 MB = 10^6 bytes), median of 5 runs, on
//! one thread and with the default (a second thread interns half the columns).
//! The wasm counterpart is tools/bench/read.mjs.

use std::time::Instant;

use masque::table::{read_table, ReadOptions};

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_else(|| "target/bench/cohort_1m_quirks.csv".to_string());
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("read bench: {path}: {e} (generate it with ./dev bench)");
            std::process::exit(2);
        }
    };
    let mb = bytes.len() as f64 / 1e6;
    for (label, threads) in [("1 thread", 1), ("default, up to 2 threads", 0)] {
        let options = ReadOptions { threads, ..ReadOptions::default() };
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..5 {
            let start = Instant::now();
            let table = read_table(&bytes, &options).expect("bench input reads");
            times.push(start.elapsed().as_secs_f64());
            rows = table.table.rows;
            drop(table);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "read (native, {label}): {path}: {mb:.1} MB, {rows} rows: median {:.0} ms = {:.0} MB/s (min {:.0} ms)",
            median * 1e3,
            mb / median,
            times[0] * 1e3
        );
    }
}
