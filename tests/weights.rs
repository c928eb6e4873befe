//! Attribute weights (`"weight"` on a quasi-identifier): in the global
//! search's metrics, the optimum stays proven (against every node of small
//! random lattices, scored independently from the output's per-column
//! loss); a weight of 0 makes a column free; raising a column's weight never
//! raises its chosen level; equal weights are no weights; local recoding's
//! splits follow the weights and its output stays k-anonymous.
#![cfg(not(target_arch = "wasm32"))]

use masque::search::{anonymise, AnonymiseConfig, Anonymised, SearchErrorKind, Unlimited};
use masque::table::{Column, Table};
use proptest::prelude::*;

#[path = "common/adult.rs"]
mod adult;
use adult::{adult, hierarchy as hierarchy_text, ADULT_QI};

/// Adult's quasi-identifiers, `weights` given to some.
fn adult_config(k: u32, weights: &[(&str, f64)], extra: &str) -> AnonymiseConfig {
    let qis: Vec<String> = ADULT_QI
        .iter()
        .map(|q| {
            let weight =
                weights.iter().find(|(n, _)| n == q).map_or(String::new(), |(_, w)| format!(r#", "weight": {w}"#));
            format!(
                r#"{}: {{"hierarchy": {}{weight}}}"#,
                serde_json::to_string(q).unwrap(),
                serde_json::to_string(&hierarchy_text(q)).unwrap()
            )
        })
        .collect();
    let text = format!(r#"{{"quasi_identifiers": {{{}}}, "k": {k}{extra}}}"#, qis.join(", "));
    AnonymiseConfig::from_json(&text).unwrap()
}

fn level(done: &Anonymised, name: &str) -> usize {
    *done.result.levels.get(name).unwrap()
}

/// The weighted Loss from the per-column losses: `Π (1 + L_d)^(w_d / Σw) − 1`.
fn weighted_loss(losses: &[f64], weights: &[f64]) -> f64 {
    let total: f64 = weights.iter().sum();
    losses.iter().zip(weights).map(|(l, w)| (1.0 + l).powf(w / total)).product::<f64>() - 1.0
}

#[test]
fn equal_weights_are_no_weights() {
    let table = adult();
    let plain = anonymise(&table, &adult_config(5, &[], ""), &mut Unlimited).unwrap();
    let halves: Vec<(&str, f64)> = ADULT_QI.iter().map(|q| (*q, 0.5)).collect();
    let equal = anonymise(&table, &adult_config(5, &halves, ""), &mut Unlimited).unwrap();
    assert_eq!(plain.result.levels, equal.result.levels);
    assert_eq!(plain.result.metric.value.to_bits(), equal.result.metric.value.to_bits());
    assert_eq!(plain.table, equal.table);
}

#[test]
fn adult_age_weight_lowers_its_level_and_zero_frees_it() {
    let table = adult();
    let mut previous = usize::MAX;
    let mut levels = Vec::new();
    for w in [0.0, 0.25, 1.0, 4.0, 16.0, 64.0] {
        let done = anonymise(&table, &adult_config(5, &[("age", w)], r#", "metric": "loss""#), &mut Unlimited).unwrap();
        assert!(done.result.optimal);
        let age = level(&done, "age");
        assert!(age <= previous, "weight {w}: age level {age} above {previous}");
        previous = age;
        levels.push(age);
        // The metric is the weighted Loss of the output, measured on its cells.
        let u = &done.result.utility;
        let losses: Vec<f64> = u.columns.iter().map(|(_, c)| c.loss).collect();
        let weights: Vec<f64> = ADULT_QI.iter().map(|q| if *q == "age" { w } else { 1.0 }).collect();
        let want = weighted_loss(&losses, &weights);
        assert!((done.result.metric.value - want).abs() < 1e-12, "weight {w}");
        assert!((u.loss - want).abs() < 1e-12, "weight {w}");
        if w == 0.0 {
            // Free: age goes to its top, the others are the optimum of the seven alone.
            assert_eq!(age, 4);
        }
    }
    // The weight moves age from its top (free) down to its finest level that k = 5 allows.
    assert!(levels.first() > levels.last(), "{levels:?}");
}

#[test]
fn negative_or_infinite_weights_are_refused() {
    for w in ["-0.5", "1e999"] {
        let text = format!(r#"{{"quasi_identifiers": {{"age": {{"weight": {w}}}}}}}"#);
        let err = match AnonymiseConfig::from_json(&text) {
            Ok(c) => anonymise(&adult(), &c, &mut Unlimited).unwrap_err(),
            Err(e) => e,
        };
        assert!(matches!(err.kind(), SearchErrorKind::Config { .. }), "{err}");
        assert!(err.to_string().contains("age"), "{err}");
    }
}

#[test]
fn local_recoding_follows_the_weights() {
    let table = adult();
    let local = r#", "recoding": "local""#;
    let plain = anonymise(&table, &adult_config(5, &[], local), &mut Unlimited).unwrap();
    let heavy = anonymise(&table, &adult_config(5, &[("age", 20.0)], local), &mut Unlimited).unwrap();
    let free = anonymise(&table, &adult_config(5, &[("age", 0.0)], local), &mut Unlimited).unwrap();
    let age = |d: &Anonymised| d.result.utility.columns.get("age").unwrap().loss;
    assert!(age(&heavy) < age(&plain), "{} {}", age(&heavy), age(&plain));
    assert!(age(&free) > age(&plain), "{} {}", age(&free), age(&plain));
    for d in [&plain, &heavy, &free] {
        assert!(d.result.k >= 5);
        assert_eq!(d.result.utility.records_retained, table.rows);
    }
}

/// A hierarchy of `0..n` halving at each level up to `*`.
fn halving(n: usize) -> String {
    let mut text = String::new();
    for v in 0..n {
        let mut row = vec![v.to_string()];
        let mut x = v;
        let mut width = 1;
        while width * 2 < n {
            x /= 2;
            width *= 2;
            row.push(format!("{}-{}", x * width, x * width + width - 1));
        }
        row.push("*".to_string());
        text.push_str(&row.join(";"));
        text.push('\n');
    }
    text
}

fn small_config(sizes: &[usize], weights: &[f64], k: u32, levels: Option<&[usize]>) -> AnonymiseConfig {
    let qis: Vec<String> = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let pin = levels.map_or(String::new(), |l| format!(r#", "min_level": {0}, "max_level": {0}"#, l[i]));
            format!(
                r#""q{i}": {{"hierarchy": {}, "weight": {}{pin}}}"#,
                serde_json::to_string(&halving(n)).unwrap(),
                weights[i]
            )
        })
        .collect();
    let text = format!(r#"{{"quasi_identifiers": {{{}}}, "k": {k}, "search": "optimal"}}"#, qis.join(", "));
    AnonymiseConfig::from_json(&text).unwrap()
}

fn heights(sizes: &[usize]) -> Vec<usize> {
    sizes.iter().map(|&n| halving(n).lines().next().unwrap().split(';').count()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The weighted optimum is no worse than any k-anonymous node, each
    /// scored from its own output's per-column loss.
    #[test]
    fn the_weighted_optimum_is_optimal(
        rows in prop::collection::vec((0usize..8, 0usize..5, 0usize..4), 4..60),
        weights in prop::collection::vec(prop_oneof![Just(0.0), 0.1f64..4.0], 3),
        k in 2u32..4,
    ) {
        let sizes = [8, 5, 4];
        let table = Table::new(
            (0..3)
                .map(|d| {
                    let values: Vec<String> = rows
                        .iter()
                        .map(|r| [r.0, r.1, r.2][d].to_string())
                        .collect();
                    Column::from_values(&format!("q{d}"), values)
                })
                .collect(),
        )
        .unwrap();
        let best = match anonymise(&table, &small_config(&sizes, &weights, k, None), &mut Unlimited) {
            Ok(done) => done,
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        prop_assert!(best.result.optimal);
        let h = heights(&sizes);
        for a in 0..h[0] {
            for b in 0..h[1] {
                for c in 0..h[2] {
                    let pinned = small_config(&sizes, &weights, k, Some(&[a, b, c]));
                    let Ok(node) = anonymise(&table, &pinned, &mut Unlimited) else { continue };
                    let losses: Vec<f64> = node.result.utility.columns.iter().map(|(_, c)| c.loss).collect();
                    let all_zero = weights.iter().all(|&w| w == 0.0);
                    let w: Vec<f64> = if all_zero { vec![1.0; 3] } else { weights.clone() };
                    let score = weighted_loss(&losses, &w);
                    prop_assert!(
                        best.result.metric.value <= score + 1e-12,
                        "node {:?}: {} < optimum {}", [a, b, c], score, best.result.metric.value
                    );
                }
            }
        }
    }
}
