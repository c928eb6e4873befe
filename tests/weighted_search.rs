//! `search::anonymise_weighted` runs the search on the distinct rows with
//! their weights; it must give what the rows themselves repeated give. The
//! reference here is the former implementation (each row repeated `weight`
//! times, numbered, `Anonymised::from_owned` on that): every field of the
//! result is compared, exactly, but for the NCP and utility losses (sums of
//! each row's loss times its weight rather than of the loss `weight` times:
//! within 1e-12).

use masque::search::{anonymise_weighted, AnonymiseConfig, Anonymised, Unlimited, WeightedAnonymised};
use masque::table::{Column, Dictionary, Table};
use proptest::prelude::*;
use serde_json::Value;

#[path = "common/adult.rs"]
mod adult;

/// The name of the column that numbers the distinct rows in the reference.
const ROW_NUMBER: &str = "\u{1}masque_row";

/// The former `anonymise_weighted`: the rows repeated, then each distinct
/// row's first copy read back.
fn expanded(table: &Table, weights: &[u64], config: &AnonymiseConfig) -> Result<WeightedAnonymised, String> {
    let rows: usize = weights.iter().map(|&w| w as usize).sum();
    let mut columns: Vec<Column> = Vec::with_capacity(table.columns.len() + 1);
    for c in &table.columns {
        let mut codes = Vec::with_capacity(rows);
        for (&code, &w) in c.codes.iter().zip(weights) {
            codes.extend(std::iter::repeat_n(code, w as usize));
        }
        columns.push(Column { name: c.name.clone(), codes, dict: c.dict.clone() });
    }
    let mut numbers = Dictionary::default();
    let mut codes = Vec::with_capacity(rows);
    for (i, &w) in weights.iter().enumerate() {
        let code = numbers.intern(&i.to_string());
        codes.extend(std::iter::repeat_n(code, w as usize));
    }
    columns.push(Column { name: ROW_NUMBER.to_string(), codes, dict: numbers });
    let expanded = Table::new(columns).unwrap();
    let done = Anonymised::from_owned(expanded, config, &mut Unlimited).map_err(|e| e.code().to_string())?;
    let out = &done.table;
    let number_column = out.column(ROW_NUMBER).unwrap();
    let mut first: Vec<Option<usize>> = vec![None; table.rows];
    for (row, &code) in number_column.codes.iter().enumerate() {
        let i: usize = number_column.dict.get(code).parse().unwrap();
        first[i].get_or_insert(row);
    }
    let columns = out
        .columns
        .iter()
        .filter(|c| c.name != ROW_NUMBER)
        .map(|c| Column::from_values(&c.name, first.iter().map(|row| row.map_or("", |r| c.get(r)))))
        .collect();
    let table = Table::new(columns).unwrap();
    Ok(WeightedAnonymised { table, kept: first.iter().map(Option::is_some).collect(), result: done.result })
}

/// `a` and `b` equal, numbers under `ncp` and `utility` within 1e-12.
fn same_json(a: &Value, b: &Value, path: &str, close: bool) -> Result<(), String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() {
                return Err(format!("{path}: {a} != {b}"));
            }
            for (key, value) in x {
                let close = close || (path.is_empty() && (key == "ncp" || key == "utility"));
                let other = y.get(key).ok_or_else(|| format!("{path}.{key} missing"))?;
                same_json(value, other, &format!("{path}.{key}"), close)?;
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().try_for_each(|(i, (p, q))| same_json(p, q, &format!("{path}[{i}]"), close))
        }
        (Value::Number(x), Value::Number(y)) if close => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if (x - y).abs() <= 1e-12 * x.abs().max(1.0) {
                Ok(())
            } else {
                Err(format!("{path}: {x} != {y}"))
            }
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {a} != {b}")),
    }
}

/// The weighted search and the reference agree on everything (or fail alike).
fn check(table: &Table, weights: &[u64], config: &AnonymiseConfig) -> Result<(), String> {
    let expected = expanded(table, weights, config);
    let got = anonymise_weighted(table, weights, config, &mut Unlimited).map_err(|e| e.code().to_string());
    let (expected, got) = match (expected, got) {
        (Err(e), Err(g)) if e == g => return Ok(()),
        (Ok(e), Ok(g)) => (e, g),
        (e, g) => return Err(format!("outcomes differ: {:?} vs {:?}", e.err(), g.err())),
    };
    // Exact where the sums are the same integers in the same order.
    let (e, g) = (&expected.result, &got.result);
    if g.metric.value.to_bits() != e.metric.value.to_bits() || g.metric.name != e.metric.name {
        return Err(format!("metric {:?} != {:?}", g.metric, e.metric));
    }
    same_json(&serde_json::to_value(g).unwrap(), &serde_json::to_value(e).unwrap(), "", false)?;
    if got.kept != expected.kept {
        return Err("kept differs".into());
    }
    if got.table != expected.table {
        return Err("table differs".into());
    }
    Ok(())
}

/// The table's distinct rows (these columns) with their counts, in order of
/// first appearance, each count then multiplied by 1 to 3 (pseudo-randomly).
fn aggregate(rows: &Table, keep: &[&str]) -> (Table, Vec<u64>) {
    let mut distinct: Vec<(Vec<&str>, u64)> = Vec::new();
    let mut index: std::collections::HashMap<Vec<&str>, usize> = std::collections::HashMap::new();
    let columns: Vec<&Column> = keep.iter().map(|n| rows.column(n).unwrap()).collect();
    for r in 0..rows.rows {
        let row: Vec<&str> = columns.iter().map(|c| c.get(r)).collect();
        match index.get(&row) {
            Some(&i) => distinct[i].1 += 1,
            None => {
                index.insert(row.clone(), distinct.len());
                distinct.push((row, 1));
            }
        }
    }
    let table = Table::new(
        keep.iter()
            .enumerate()
            .map(|(i, name)| Column::from_values(name, distinct.iter().map(|(row, _)| row[i])))
            .collect(),
    )
    .unwrap();
    let weights = distinct.iter().enumerate().map(|(i, (_, n))| n * (1 + (i as u64 * 7919) % 3)).collect();
    (table, weights)
}

/// Adult's distinct rows (five quasi-identifiers and the salary class) with
/// weights: every metric, with and without suppression, an l-diverse
/// sensitive column, an average-risk target, rows masked and removed.
#[test]
fn adult_aggregate_searches_as_its_rows() {
    let rows = adult::adult();
    let qis = ["age", "sex", "race", "marital-status", "education"];
    let mut keep = qis.to_vec();
    keep.push("salary-class");
    let (table, weights) = aggregate(&rows, &keep);
    assert!(table.rows * 4 < weights.iter().sum::<u64>() as usize);
    let quasi = adult::quasi_identifiers_of(&qis);
    let cases = [
        ("loss", "0", "", "mask"),
        ("loss", "0.05", "", "remove"),
        ("entropy", "0.05", "", "mask"),
        ("entropy", "0", "", "remove"),
        ("precision", "0.05", "", "mask"),
        ("discernibility", "0.05", "", "mask"),
        ("discernibility", "0", "", "mask"),
        ("loss", "0.05", r#", "sensitive": {"salary-class": {"l_distinct": 2}}"#, "mask"),
        ("entropy", "0.05", r#", "sensitive": {"salary-class": {"l_entropy": 1.5}}"#, "remove"),
        ("precision", "0", r#", "sensitive": {"salary-class": {"l_distinct": 2}}"#, "mask"),
        ("loss", "0.05", r#", "average_risk": 0.05"#, "mask"),
        ("discernibility", "0.05", r#", "average_risk": 0.05"#, "remove"),
        ("loss", "0.05", r#", "sensitive": {"salary-class": {}}"#, "mask"),
        ("loss", "0.05", r#", "k_map": {"k": 5, "estimator": "poisson"}, "population": 1000000"#, "mask"),
        (
            "loss",
            "0.05",
            r#", "population": "usa", "population_uniqueness": {"threshold": 0.01, "model": "dankar"}"#,
            "mask",
        ),
        ("aecs", "0.05", r#", "sample_uniqueness": 0.01, "sampling_fraction": 0.2"#, "remove"),
    ];
    let mut suppressing = 0;
    for (metric, limit, extra, suppressed_rows) in cases {
        let config = AnonymiseConfig::from_json(&format!(
            r#"{{"quasi_identifiers": {{{quasi}}}, "k": 5, "suppression_limit": {limit}, "metric": "{metric}", "suppressed_rows": "{suppressed_rows}"{extra}}}"#
        ))
        .unwrap();
        check(&table, &weights, &config).unwrap_or_else(|e| panic!("{metric} {limit} {extra} {suppressed_rows}: {e}"));
        // Every case has a solution; most suppress some rows.
        let done = anonymise_weighted(&table, &weights, &config, &mut Unlimited).unwrap();
        suppressing += usize::from(done.result.suppressed > 0);
    }
    assert!(suppressing >= 5, "{suppressing}");
}

/// What the weighted search refuses, each naming its field.
#[test]
fn row_methods_are_refused_by_field() {
    let table = Table::new(vec![Column::from_values("age", ["30", "41", "52"])]).unwrap();
    let weights = [2, 3, 4];
    let refused = |extra: &str, age: &str| {
        let config =
            AnonymiseConfig::from_json(&format!(r#"{{"quasi_identifiers": {{"age": {{{age}}}}}, "k": 2{extra}}}"#))
                .unwrap();
        let e = anonymise_weighted(&table, &weights, &config, &mut Unlimited).unwrap_err();
        assert_eq!(e.code(), "bad_config");
        e.to_string()
    };
    assert!(refused(r#", "recoding": "local""#, "").contains("recoding"));
    assert!(refused(r#", "local": {"suppression": "cells"}"#, "").contains("local.suppression"));
    assert!(
        refused("", r#""microaggregation": {"function": "mean"}"#).contains("quasi_identifiers.age.microaggregation")
    );
    let config = AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"age": {}}, "k": 2}"#).unwrap();
    for bad in [&[2u64, 3][..], &[2, 0, 4], &[u64::MAX, 1, 1], &[u64::from(u32::MAX), 1, 1]] {
        let e = anonymise_weighted(&table, bad, &config, &mut Unlimited).unwrap_err();
        assert_eq!(e.code(), "bad_config");
        assert!(e.to_string().contains("weights"), "{e}");
    }
}

type Case = (Vec<(u8, u8, u8, u64)>, u32, usize, usize, usize, usize, usize);

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((0u8..12, 0u8..3, 0u8..4, 1u64..8), 1..40),
        1u32..6,
        0usize..3,
        0usize..5,
        0usize..5,
        0usize..3,
        0usize..2,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random small weighted tables (rows may repeat) under random
    /// configurations: the weighted search gives the repeated rows' result.
    #[test]
    fn random_weighted_tables_search_as_their_rows(
        (rows, k, limit, metric, sensitive, risk, remove) in case()
    ) {
        let table = Table::new(vec![
            Column::from_values("a", rows.iter().map(|r| r.0.to_string())),
            Column::from_values("b", rows.iter().map(|r| ["x", "y", "z"][r.1 as usize])),
            Column::from_values("s", rows.iter().map(|r| ["p", "q", "r", "t"][r.2 as usize])),
        ])
        .unwrap();
        let weights: Vec<u64> = rows.iter().map(|r| r.3).collect();
        let limit = ["0", "0.05", "0.3"][limit];
        let metric = ["loss", "entropy", "precision", "discernibility", "aecs"][metric];
        let sensitive = [
            "",
            r#", "sensitive": {"s": {"l_distinct": 2}}"#,
            r#", "sensitive": {"s": {"t_closeness": 0.4}}"#,
            r#", "sensitive": {"s": {"l_entropy": 1.6}}"#,
            r#", "sensitive": {"s": {"recursive_cl": {"c": 2, "l": 2}}}"#,
        ][sensitive];
        let risk = ["", r#", "average_risk": 0.4"#, r#", "sample_uniqueness": 0.1"#][risk];
        let suppressed_rows = ["mask", "remove"][remove];
        let config = AnonymiseConfig::from_json(&format!(
            r#"{{"quasi_identifiers": {{"a": {{"builder": {{"intervals": {{"widths": [2, 4]}}}}}}, "b": {{}}}}, "k": {k}, "suppression_limit": {limit}, "metric": "{metric}", "suppressed_rows": "{suppressed_rows}"{sensitive}{risk}}}"#
        ))
        .unwrap();
        let outcome = check(&table, &weights, &config);
        prop_assert!(outcome.is_ok(), "{}: {:?}", config_text(&config), outcome);
    }
}

fn config_text(config: &AnonymiseConfig) -> String {
    serde_json::to_string(config).unwrap_or_default()
}

/// Not a unit test: the figures of the issue (time and memory of the driver
/// on a cohort's aggregate). `MASQUE_AGGREGATE_IN` (a cohort CSV) and
/// `MASQUE_AGGREGATE_OUT`: writes its distinct rows on the six
/// quasi-identifiers of `python/bench/cohort_k11.json` with their counts
/// (`weight`). `MASQUE_AGGREGATE` (such a file) and `MASQUE_IMPL`
/// (`weighted` or `expanded`, the former implementation): runs the search
/// on it and prints the time. Run the release test binary under
/// `/usr/bin/time -v` for the peak memory.
#[test]
#[ignore]
fn measure_cohort_aggregate() {
    const QI: [&str; 6] = ["sexe", "date_naissance", "code_postal", "mode_entree", "poids_kg", "finess"];
    if let (Ok(input), Ok(output)) = (std::env::var("MASQUE_AGGREGATE_IN"), std::env::var("MASQUE_AGGREGATE_OUT")) {
        let mut reader = csv::Reader::from_path(&input).unwrap();
        let header = reader.headers().unwrap().clone();
        let at: Vec<usize> = QI.iter().map(|q| header.iter().position(|h| h == *q).unwrap()).collect();
        let mut index: std::collections::HashMap<Vec<String>, usize> = std::collections::HashMap::new();
        let mut distinct: Vec<(Vec<String>, u64)> = Vec::new();
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).unwrap() {
            let key: Vec<String> = at.iter().map(|&i| record[i].to_string()).collect();
            match index.get(&key) {
                Some(&i) => distinct[i].1 += 1,
                None => {
                    index.insert(key.clone(), distinct.len());
                    distinct.push((key, 1));
                }
            }
        }
        let mut writer = csv::Writer::from_path(&output).unwrap();
        writer.write_record(QI.iter().copied().chain(["weight"])).unwrap();
        for (key, n) in &distinct {
            writer.write_record(key.iter().map(String::as_str).chain([n.to_string().as_str()])).unwrap();
        }
        writer.flush().unwrap();
        let rows: u64 = distinct.iter().map(|d| d.1).sum();
        println!("{rows} rows, {} distinct", distinct.len());
        return;
    }
    let (Ok(path), Ok(which)) = (std::env::var("MASQUE_AGGREGATE"), std::env::var("MASQUE_IMPL")) else { return };
    // The columns interned as they are read (the table's own size, no more).
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let mut dicts: Vec<Dictionary> = vec![Dictionary::default(); QI.len()];
    let mut codes: Vec<Vec<u32>> = vec![Vec::new(); QI.len()];
    let mut weights = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).unwrap() {
        for (j, (dict, codes)) in dicts.iter_mut().zip(&mut codes).enumerate() {
            codes.push(dict.intern(&record[j]));
        }
        weights.push(record[QI.len()].parse::<u64>().unwrap());
    }
    let columns =
        QI.iter().zip(dicts).zip(codes).map(|((name, dict), codes)| Column { name: name.to_string(), codes, dict });
    let table = Table::new(columns.collect()).unwrap();
    // The peak resident memory from here on (Linux: `5` resets VmHWM).
    let status = |field: &str| {
        let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        text.lines().find(|l| l.starts_with(field)).map(str::to_string).unwrap_or_default()
    };
    let before = status("VmRSS");
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/python/bench/cohort_k11.json")).unwrap();
    let config = AnonymiseConfig::from_json(&text).unwrap();
    let start = std::time::Instant::now();
    let done = match which.as_str() {
        "expanded" => expanded(&table, &weights, &config).unwrap(),
        _ => anonymise_weighted(&table, &weights, &config, &mut Unlimited).unwrap(),
    };
    let r = &done.result;
    println!(
        "{which}: {:.2} s; {} distinct rows, {} rows; levels {:?}; suppressed {}; classes {}; k {}; {} {}; ncp {}",
        start.elapsed().as_secs_f64(),
        table.rows,
        r.rows,
        r.levels,
        r.suppressed,
        r.classes,
        r.k,
        r.metric.name,
        r.metric.value,
        r.ncp.value
    );
    println!("before the call {before}; peak during it {}", status("VmHWM"));
}
