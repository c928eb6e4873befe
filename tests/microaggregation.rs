//! Microaggregation of numeric quasi-identifiers (`"microaggregation":
//! {"function": "mean" | "median" | "interval", "mdav": true}`): the values
//! of each class replaced by its (or its MDAV groups') aggregate, written
//! with fixed decimals; k on every quasi-identifier by the analysis; a hand
//! table; Adult; properties on random tables.
#![cfg(not(target_arch = "wasm32"))]

use masque::privacy::{analyse, AnalysisOptions};
use masque::search::{anonymise, AnonymiseConfig, Anonymised, Unlimited};
use masque::table::{Column, Table};
use proptest::prelude::*;

#[path = "common/adult.rs"]
mod adult;
use adult::{adult, hierarchy as hierarchy_text, ADULT_QI};

fn run(table: &Table, text: &str) -> Anonymised {
    anonymise(table, &AnonymiseConfig::from_json(text).unwrap(), &mut Unlimited).unwrap()
}

fn column(done: &Anonymised, name: &str) -> Vec<String> {
    let c = done.table.column(name).unwrap();
    (0..done.table.rows).map(|r| c.get(r).to_string()).collect()
}

fn hand_table() -> Table {
    Table::new(vec![
        Column::from_values("sex", ["F", "F", "F", "F", "M", "M", "M", "M"]),
        Column::from_values("weight", ["50", "52,5", "61", "90", "70", "71", "", "100"]),
    ])
    .unwrap()
}

#[test]
fn by_hand() {
    let table = hand_table();
    let config = |function: &str, mdav: bool| {
        format!(
            r#"{{"quasi_identifiers": {{"sex": {{}}, "weight": {{"microaggregation": {{"function": "{function}", "mdav": {mdav}}}}}}}, "k": 2}}"#
        )
    };
    // Sex is kept (2 classes of 4); each class's weights become its mean,
    // one decimal (52,5), decimal comma; the lone blank takes its class's value.
    let done = run(&table, &config("mean", false));
    assert_eq!(column(&done, "sex"), ["F", "F", "F", "F", "M", "M", "M", "M"]);
    assert_eq!(column(&done, "weight"), ["63,4", "63,4", "63,4", "63,4", "80,3", "80,3", "80,3", "80,3"]);
    let done = run(&table, &config("median", false));
    assert_eq!(&column(&done, "weight")[..4], ["56,8", "56,8", "56,8", "56,8"]); // (52.5 + 61) / 2 = 56.75
    assert_eq!(&column(&done, "weight")[4..], ["71,0", "71,0", "71,0", "71,0"]);
    let done = run(&table, &config("interval", false));
    assert_eq!(column(&done, "weight")[0], "[50,0; 90,0]");
    // MDAV with k = 2: the women's 4 rows make two groups of 2.
    let done = run(&table, &config("mean", true));
    // 51.25 is written 51,2: an exact tie goes to the even digit.
    assert_eq!(&column(&done, "weight")[..4], ["51,2", "51,2", "75,5", "75,5"]);
    assert!(done.result.k >= 2);
    let u = &done.result.utility;
    assert_eq!(u.columns.0.last().unwrap().0, "weight");
    // Loss: the women's groups span 2.5 and 29 of the column's 50.
    let weight = &u.columns.0.last().unwrap().1;
    assert!(weight.loss > 0.0 && weight.loss < 1.0);
    assert!((u.granularity - (1.0 - done.result.ncp.value)).abs() < 1e-12);
}

#[test]
fn errors_name_the_row_never_the_value() {
    let table = Table::new(vec![
        Column::from_values("sex", ["F", "F", "M", "M"]),
        Column::from_values("weight", ["50", "secret", "70", "71"]),
    ])
    .unwrap();
    let text = r#"{"quasi_identifiers": {"sex": {}, "weight": {"microaggregation": {"function": "mean"}}}, "k": 2}"#;
    let err = anonymise(&table, &AnonymiseConfig::from_json(text).unwrap(), &mut Unlimited).unwrap_err().to_string();
    assert!(err.contains("row 2") && !err.contains("secret"), "{err}");
    for bad in [
        r#"{"quasi_identifiers": {"weight": {"microaggregation": {"function": "mean"}}}}"#,
        r#"{"quasi_identifiers": {"sex": {}, "weight": {"hierarchy": "1;*", "microaggregation": {"function": "mean"}}}}"#,
        r#"{"quasi_identifiers": {"sex": {}, "weight": {"microaggregation": {"function": "mode"}}}}"#,
    ] {
        let err = match AnonymiseConfig::from_json(bad) {
            Ok(c) => anonymise(&hand_table(), &c, &mut Unlimited).unwrap_err().to_string(),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("quasi_identifiers"), "{err}");
    }
}

/// Adult with age microaggregated (no hierarchy) and the seven other
/// quasi-identifiers generalised: 5-anonymous on all eight.
#[test]
fn adult_age_microaggregated() {
    let table = adult();
    let config = |mdav: bool, recoding: &str| {
        let qis: Vec<String> = ADULT_QI
            .iter()
            .map(|q| {
                let spec = if *q == "age" {
                    format!(r#"{{"microaggregation": {{"function": "mean", "mdav": {mdav}}}}}"#)
                } else {
                    format!(r#"{{"hierarchy": {}}}"#, serde_json::to_string(&hierarchy_text(q)).unwrap())
                };
                format!("{}: {spec}", serde_json::to_string(q).unwrap())
            })
            .collect();
        format!(r#"{{"quasi_identifiers": {{{}}}, "k": 5, "recoding": "{recoding}"}}"#, qis.join(", "))
    };
    let qi: Vec<String> = ADULT_QI.iter().map(|s| s.to_string()).collect();
    let mut losses = Vec::new();
    for (mdav, recoding) in [(false, "global"), (true, "global"), (true, "local")] {
        let done = run(&table, &config(mdav, recoding));
        let report = analyse(&done.table, &AnalysisOptions { qi: qi.clone(), ..Default::default() }, None).unwrap();
        assert!(report.k >= 5, "{mdav} {recoding}: k {}", report.k);
        assert_eq!(done.result.k, report.k);
        // Every age is an integer (Adult's ages have no decimals).
        assert!(column(&done, "age").iter().all(|a| a.parse::<u32>().is_ok()));
        let age = done.result.utility.columns.get("age").unwrap().loss;
        losses.push(age);
    }
    // MDAV keeps more of age than aggregating whole classes.
    assert!(losses[1] < losses[0], "{losses:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn microaggregated_outputs_are_k_anonymous(
        rows in prop::collection::vec((0usize..4, 0usize..3, 0u32..200), 1..90),
        k in 1u32..6,
        function in prop_oneof![Just("mean"), Just("median"), Just("interval")],
        mdav in any::<bool>(),
        local in any::<bool>(),
        limit in prop_oneof![Just(0.0), Just(0.2)],
    ) {
        let table = Table::new(vec![
            Column::from_values("a", rows.iter().map(|r| r.0.to_string())),
            Column::from_values("b", rows.iter().map(|r| r.1.to_string())),
            Column::from_values("x", rows.iter().map(|r| format!("{}.{}", r.2 / 10, r.2 % 10))),
        ])
        .unwrap();
        let recoding = if local { "local" } else { "global" };
        let text = format!(
            r#"{{"quasi_identifiers": {{"a": {{}}, "b": {{}}, "x": {{"microaggregation": {{"function": "{function}", "mdav": {mdav}}}}}}}, "k": {k}, "recoding": "{recoding}", "suppression_limit": {limit}}}"#
        );
        let Ok(done) = anonymise(&table, &AnonymiseConfig::from_json(&text).unwrap(), &mut Unlimited) else { return Ok(()) };
        let qi = vec!["a".to_string(), "b".to_string(), "x".to_string()];
        let given: Vec<bool> = (0..done.table.rows)
            .map(|r| ["a", "b", "x"].iter().all(|q| done.table.column(q).unwrap().get(r) == "*"))
            .collect();
        if done.result.suppressed < table.rows {
            let report = analyse(&done.table, &AnalysisOptions { qi, ..Default::default() }, (done.result.suppressed > 0).then_some(&given[..])).unwrap();
            prop_assert!(report.k >= k as usize, "k {} < {}", report.k, k);
        }
        // Each aggregate lies within its class's values, one decimal.
        let x = done.table.column("x").unwrap();
        for r in 0..done.table.rows {
            let v = x.get(r);
            if v == "*" { continue; }
            if function == "interval" {
                prop_assert!(v.starts_with('[') && v.ends_with(']'), "{}", v);
            } else {
                let dot = v.find('.').map(|i| v.len() - i - 1);
                prop_assert_eq!(dot, Some(1), "{}", v);
            }
        }
        let again = anonymise(&table, &AnonymiseConfig::from_json(&text).unwrap(), &mut Unlimited).unwrap();
        prop_assert_eq!(&again.table, &done.table);
    }
}

/// With a risk target (k then defaults to 1), classes are aggregated whole:
/// the output's classes are the search's, so the target still holds.
#[test]
fn risk_targets_keep_classes_whole() {
    let table = hand_table();
    let text = r#"{"quasi_identifiers": {"sex": {}, "weight": {"microaggregation": {"function": "mean", "mdav": true}}},
                   "sample_uniqueness": 0.0}"#;
    let done = run(&table, text);
    let w = column(&done, "weight");
    assert!(w[..4].iter().all(|x| *x == w[0]) && w[4..].iter().all(|x| *x == w[4]), "{w:?}");
    let after = done.result.risk_after.as_ref().unwrap();
    assert!(after.k >= 2, "{}", after.k);
    let cells = r#"{"quasi_identifiers": {"sex": {}}, "sample_uniqueness": 0.0, "local": {"suppression": "cells"}}"#;
    let err = anonymise(&table, &AnonymiseConfig::from_json(cells).unwrap(), &mut Unlimited).unwrap_err();
    assert!(err.to_string().contains("local.suppression"), "{err}");
}

#[path = "common/keep.rs"]
mod keep;

/// The same bytes and utility figures natively as in wasm (`tests/wasm_keep.rs`).
#[test]
fn adult_bytes_and_utility_are_pinned() {
    let (g, l) = (keep::digests("global"), keep::digests("local"));
    assert_eq!((g.0.as_str(), g.1.as_str()), keep::GLOBAL);
    assert_eq!((l.0.as_str(), l.1.as_str()), keep::LOCAL);
}
