//! Local recoding (`"recoding": "local"`): each cell at its own hierarchy
//! level, every row kept, k-anonymous (and l-diverse where asked); NCP on
//! Adult against the global optimum and ARX's local recoding; properties on
//! random tables and hierarchies.
#![cfg(not(target_arch = "wasm32"))]

use masque::hierarchy::{arx, Hierarchy};
use masque::privacy::{analyse, AnalysisOptions, SensitiveColumn};
use masque::search::utility::ncp;
use masque::search::{anonymise, AnonymiseConfig, Phase, Recoding, SearchErrorKind, Unlimited};
use masque::table::{read_table, Column, ReadOptions, Table};
use proptest::prelude::*;

#[path = "common/adult.rs"]
mod adult;
use adult::{adult, adult_hierarchies, hierarchy as hierarchy_text, ADULT, ADULT_QI};
#[path = "common/local.rs"]
mod local;
use local::{adult_config, check_local, random_hierarchy};

#[test]
fn adult_k5_keeps_every_row_and_far_more_detail_than_the_global_optimum() {
    let table = adult();
    let hierarchies: Vec<(&str, Hierarchy)> =
        ADULT_QI.iter().map(|q| (*q, arx::parse(hierarchy_text(q).as_bytes()).unwrap())).collect();
    let refs: Vec<(&str, &Hierarchy)> = hierarchies.iter().map(|(n, h)| (*n, h)).collect();

    let global = anonymise(&table, &adult_config(5, ""), &mut Unlimited).unwrap();
    assert_eq!(global.result.recoding, Recoding::Global);
    assert_eq!(global.result.retained, table.rows);
    // The global optimum without suppression, as ARX finds it.
    assert!((global.result.ncp.value - 0.6608).abs() < 5e-5, "{}", global.result.ncp.value);

    let done = anonymise(&table, &adult_config(5, r#", "recoding": "local""#), &mut Unlimited).unwrap();
    check_local(&table, &done, &refs, 5);
    let r = &done.result;
    assert_eq!(r.search, Phase::Local);
    assert_eq!(r.metric.name, "ncp");
    assert_eq!(r.metric.value, r.ncp.value);
    // The target: at most 0.08; ARX 3.9.2's local recoding
    // reaches 0.0806 and 0.0569 (its two recipes), masque 0.05681.
    assert!(r.ncp.value <= 0.08, "NCP {}", r.ncp.value);
    assert!(r.ncp.value < 0.0569, "NCP {} (was 0.05681)", r.ncp.value);
    eprintln!("Adult k = 5 local NCP {:.4} (global {:.4})", r.ncp.value, global.result.ncp.value);

    // The NCP in the result is the NCP of the output table.
    let measured = ncp(&table, &done.table, &adult_hierarchies(&table)).unwrap();
    assert!((measured.value - r.ncp.value).abs() < 1e-12);
    for ((name, a), (_, b)) in measured.columns.iter().zip(r.ncp.columns.iter()) {
        assert!((a - b).abs() < 1e-12, "{name}");
    }
    // The same input gives the same output.
    let again = anonymise(&table, &adult_config(5, r#", "recoding": "local""#), &mut Unlimited).unwrap();
    assert!(again.table == done.table);
}

#[test]
fn global_ncp_is_the_mean_of_arx_per_column_loss() {
    // With suppression, NCP counts a suppressed cell as 1, as ARX's Loss does.
    let table = adult();
    for (limit, extra) in [(0.0, ""), (0.04, ""), (0.04, r#", "suppressed_rows": "remove""#)] {
        let config = adult_config(5, &format!(r#", "suppression_limit": {limit}{extra}"#));
        let done = anonymise(&table, &config, &mut Unlimited).unwrap();
        // The geometric mean (ARX's Loss) of the per-column NCPs is the metric.
        let columns: Vec<f64> = done.result.ncp.columns.iter().map(|(_, &v)| v).collect();
        let geometric = columns.iter().map(|x| (1.0 + x).powf(1.0 / columns.len() as f64)).product::<f64>() - 1.0;
        assert!((geometric - done.result.metric.value).abs() < 1e-9, "{geometric} {}", done.result.metric.value);
        let mean = columns.iter().sum::<f64>() / columns.len() as f64;
        assert!((mean - done.result.ncp.value).abs() < 1e-12);
        if extra.is_empty() {
            // Measured on the output table (masked rows: `*`, loss 1) it is the same.
            let measured = ncp(&table, &done.table, &adult_hierarchies(&table)).unwrap();
            assert!((measured.value - done.result.ncp.value).abs() < 1e-12);
        } else {
            assert_eq!(done.result.retained, table.rows - done.result.suppressed);
        }
    }
}

#[test]
fn adult_local_with_l_diversity() {
    let table = adult();
    let hierarchies: Vec<(&str, Hierarchy)> =
        ADULT_QI.iter().map(|q| (*q, arx::parse(hierarchy_text(q).as_bytes()).unwrap())).collect();
    let refs: Vec<(&str, &Hierarchy)> = hierarchies.iter().map(|(n, h)| (*n, h)).collect();
    let config = adult_config(5, r#", "recoding": "local", "sensitive": {"salary-class": {"l_distinct": 2}}"#);
    let done = anonymise(&table, &config, &mut Unlimited).unwrap();
    check_local(&table, &done, &refs, 5);
    let after = done.result.risk_after.as_ref().unwrap();
    assert!(after.sensitive.get("salary-class").unwrap().l_distinct >= 2);
    assert!(done.result.ncp.value < 0.3, "{}", done.result.ncp.value);
}

/// A sensitive column only measured (`{}`, as the web page lists every
/// sensitive column) cannot fail a group, so it must not change local
/// recoding's output (it once turned off borrowing and clustering).
#[test]
fn a_measured_sensitive_column_leaves_local_recoding_unchanged() {
    let table = adult();
    let plain = anonymise(&table, &adult_config(5, r#", "recoding": "local""#), &mut Unlimited).unwrap();
    let measured = adult_config(5, r#", "recoding": "local", "sensitive": {"salary-class": {}}"#);
    let done = anonymise(&table, &measured, &mut Unlimited).unwrap();
    assert_eq!(done.table, plain.table);
    assert_eq!(done.result.ncp.value, plain.result.ncp.value);
    let after = done.result.risk_after.as_ref().unwrap();
    assert!(after.sensitive.get("salary-class").unwrap().l_distinct >= 1);
}

#[test]
fn the_config_names_a_bad_recoding() {
    let err = AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {}}, "recoding": "partial"}"#).unwrap_err();
    assert!(err.to_string().starts_with("configuration: recoding: unknown variant `partial`"), "{err}");
    let c = AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {}}}"#).unwrap();
    assert_eq!(c.recoding, Recoding::Global);
    // A global configuration serialises as before (no `recoding`).
    assert!(!serde_json::to_string(&c).unwrap().contains("recoding"));
}

#[test]
fn too_few_rows_is_no_solution() {
    let table = Table::new(vec![Column::from_values("a", ["1", "2"])]).unwrap();
    let config =
        AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {}}, "k": 3, "recoding": "local"}"#).unwrap();
    assert_eq!(anonymise(&table, &config, &mut Unlimited).unwrap_err().code(), "no_solution");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn local_outputs_are_private_generalisations(
        rows in prop::collection::vec((0usize..12, 0usize..7, 0usize..5, 0usize..3), 1..160),
        fanouts in prop::collection::vec((2usize..4, 2usize..4), 0..3),
        k in 1u32..7,
        l in prop::option::of(1u32..3),
        bounds in (prop::option::of(0usize..6), prop::option::of(0usize..6)),
    ) {
        let h_a = random_hierarchy(12, &fanouts.iter().map(|f| f.0).collect::<Vec<_>>());
        let h_b = random_hierarchy(7, &fanouts.iter().map(|f| f.1).collect::<Vec<_>>());
        let table = Table::new(vec![
            Column::from_values("a", rows.iter().map(|r| format!("v{}", r.0))),
            Column::from_values("b", rows.iter().map(|r| format!("v{}", r.1))),
            Column::from_values("c", rows.iter().map(|r| format!("c{}", r.2))),
            Column::from_values("s", rows.iter().map(|r| format!("s{}", r.3))),
        ]).unwrap();
        let sensitive = l.map_or(String::new(), |l| format!(r#", "sensitive": {{"s": {{"l_distinct": {l}}}}}"#));
        // Random `max_level` bounds (none, or a level of the hierarchy: the
        // top is `fanouts.len() + 1`, the same for both).
        let top = fanouts.len() + 1;
        let (max_a, max_b) = (bounds.0.map(|b| b % (top + 1)), bounds.1.map(|b| b % (top + 1)));
        let bound = |m: Option<usize>| m.map_or(String::new(), |m| format!(r#", "max_level": {m}"#));
        let config = AnonymiseConfig::from_json(&format!(
            r#"{{"quasi_identifiers": {{"a": {{"hierarchy": {}{}}}, "b": {{"hierarchy": {}{}}}, "c": {{}}}},
                "k": {k}, "recoding": "local"{sensitive}}}"#,
            serde_json::to_string(&h_a).unwrap(), bound(max_a), serde_json::to_string(&h_b).unwrap(), bound(max_b)
        )).unwrap();
        let parsed_a = arx::parse(h_a.as_bytes()).unwrap();
        let parsed_b = arx::parse(h_b.as_bytes()).unwrap();
        let distinct_s = rows.iter().map(|r| r.3).collect::<std::collections::BTreeSet<_>>().len();
        let possible = rows.len() >= k as usize && l.is_none_or(|l| distinct_s >= l as usize);
        // The oracle of the bounds: the rows grouped by their nodes at the
        // bounds; a group with fewer than k rows, or fewer than l sensitive
        // values, can never be private.
        let mut groups: std::collections::BTreeMap<(String, String), (usize, std::collections::BTreeSet<usize>)> =
            Default::default();
        for r in &rows {
            let node = |h: &Hierarchy, v: usize, m: Option<usize>| {
                h.generalise(&format!("v{v}"), m.unwrap_or(top)).unwrap().to_string()
            };
            let g = groups.entry((node(&parsed_a, r.0, max_a), node(&parsed_b, r.1, max_b))).or_default();
            g.0 += 1;
            g.1.insert(r.3);
        }
        let blocked = groups.values().any(|(n, s)| *n < k as usize || l.is_some_and(|l| s.len() < l as usize));
        match anonymise(&table, &config, &mut Unlimited) {
            Err(e) if !possible => prop_assert_eq!(e.code(), "no_solution", "{}", e),
            Err(e) => {
                prop_assert!(blocked, "{e}");
                prop_assert_eq!(e.code(), "max_level_blocks", "{}", e);
                let message = e.to_string();
                let named_a = max_a.is_some_and(|m| message.contains(&format!("`a` (max_level {m})")));
                let named_b = max_b.is_some_and(|m| message.contains(&format!("`b` (max_level {m})")));
                prop_assert!(named_a || named_b, "{}", message);
                // Never a value (values are `v…`, labels `L…g…`, `c…`, `s…`).
                for token in ["v0", "v1", "L1g", "L2g", "c0", "s0"] {
                    prop_assert!(!message.contains(token), "{}", message);
                }
            }
            Ok(done) => {
                prop_assert!(possible && !blocked);
                let flat: String = (0..5).map(|c| format!("c{c};*\n")).collect();
                let parsed_c = arx::parse(flat.as_bytes()).unwrap();
                check_local(&table, &done, &[("a", &parsed_a), ("b", &parsed_b), ("c", &parsed_c)], k as usize);
                // Every cell at or below its bound.
                for (name, h, m) in [("a", &parsed_a, max_a), ("b", &parsed_b, max_b)] {
                    let (before, after) = (table.column(name).unwrap(), done.table.column(name).unwrap());
                    for row in 0..table.rows {
                        let (x, y) = (before.get(row), after.get(row));
                        prop_assert!(
                            (0..=m.unwrap_or(top)).any(|level| h.generalise(x, level) == Some(y)),
                            "column {} row {}: above max_level {:?}", name, row, m
                        );
                    }
                }
                if let Some(l) = l {
                    let options = AnalysisOptions {
                        qi: vec!["a".into(), "b".into(), "c".into()],
                        sensitive: vec![SensitiveColumn::named("s")],
                        ..Default::default()
                    };
                    let report = analyse(&done.table, &options, None).unwrap();
                    prop_assert!(report.sensitive.get("s").unwrap().l_distinct >= l as usize);
                }
                // Local recoding never loses more than the global optimum
                // without suppression (under the same bounds, when there is one).
                let global = anonymise(&table, &AnonymiseConfig { recoding: Recoding::Global, ..config.clone() }, &mut Unlimited);
                prop_assert!(global.is_ok() || max_a.is_some() || max_b.is_some());
                if let Ok(global) = global {
                    prop_assert!(done.result.ncp.value <= global.result.ncp.value + 1e-12,
                        "local {} global {}", done.result.ncp.value, global.result.ncp.value);
                }
                // Same input, same output.
                let again = anonymise(&table, &config, &mut Unlimited).unwrap();
                prop_assert!(again.table == done.table);
            }
        }
    }
}

#[test]
fn a_monitor_that_stops_leaves_a_private_output() {
    // Told every 256 partitions; stopping keeps the partitions made so far.
    let table = adult();
    let hierarchies: Vec<(&str, Hierarchy)> =
        ADULT_QI.iter().map(|q| (*q, arx::parse(hierarchy_text(q).as_bytes()).unwrap())).collect();
    let refs: Vec<(&str, &Hierarchy)> = hierarchies.iter().map(|(n, h)| (*n, h)).collect();
    let mut told = Vec::new();
    let mut stop = |p: &masque::search::Progress| {
        told.push((p.nodes_checked, p.phase));
        true
    };
    let done = anonymise(&table, &adult_config(5, r#", "recoding": "local""#), &mut stop).unwrap();
    check_local(&table, &done, &refs, 5);
    assert_eq!(told.first(), Some(&(256, Phase::Local)));
    let full = anonymise(&table, &adult_config(5, r#", "recoding": "local""#), &mut Unlimited).unwrap();
    assert!(done.result.ncp.value > full.result.ncp.value);
    assert!(done.result.ncp.value < global_ncp(&table));
}

fn global_ncp(table: &Table) -> f64 {
    anonymise(table, &adult_config(5, ""), &mut Unlimited).unwrap().result.ncp.value
}

#[test]
fn what_local_recoding_refuses_is_named() {
    let table = Table::new(vec![Column::from_values("a", ["1", "2", "3", "4"])]).unwrap();
    let run = |qi: &str| {
        let config = AnonymiseConfig::from_json(&format!(
            r#"{{"quasi_identifiers": {{"a": {qi}}}, "k": 2, "recoding": "local"}}"#
        ))
        .unwrap();
        anonymise(&table, &config, &mut Unlimited).map(|_| ()).map_err(|e| e.to_string())
    };
    assert_eq!(run(r#"{"hierarchy": "1;x;*\n2;x;*\n3;y;*\n4;y;*\n"}"#), Ok(()));
    // `max_level` is honoured (two groups of two rows at level 1).
    assert_eq!(run(r#"{"hierarchy": "1;x;*\n2;x;*\n3;y;*\n4;y;*\n", "max_level": 1}"#), Ok(()));
    let err = run(r#"{"hierarchy": "1;x\n2;x\n3;y\n4;y\n"}"#).unwrap_err();
    assert!(
        err.contains("quasi_identifiers.a: local recoding needs a hierarchy whose top level is one value"),
        "{err}"
    );
    // Below a top of several values, a bound makes the starting groups.
    assert_eq!(run(r#"{"hierarchy": "1;x;p\n2;x;p\n3;y;q\n4;y;q\n", "max_level": 1}"#), Ok(()));
}

/// The SHA-256 of Adult's local recoding at k = 5, written in the input's
/// dialect: the same bytes natively and in wasm (`tests/wasm_anonymise.rs`
/// pins the same digest).
const ADULT_LOCAL_K5_SHA256: &str = "9126ee6761c8db64efb9b48114dfddef87326771d5ca9d0a0cd9a8020b7cf3a4";

#[test]
fn local_output_bytes_are_pinned() {
    use sha2::{Digest, Sha256};
    let read = read_table(ADULT, &ReadOptions::default()).unwrap();
    let done = anonymise(&read.table, &adult_config(5, r#", "recoding": "local""#), &mut Unlimited).unwrap();
    let bytes = masque::table::write_table(&done.table, &read.dialect).unwrap();
    let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest, ADULT_LOCAL_K5_SHA256);
}

/// Sets the `max_level` of quasi-identifier `name`.
fn set_max_level(config: &mut AnonymiseConfig, name: &str, level: usize) {
    let qi = config.quasi_identifiers.0.iter_mut().find(|(n, _)| n == name).map(|(_, qi)| qi);
    qi.unwrap().max_level = Some(level);
}

/// Checks that every cell of column `name` in `out` is its input value or an
/// ancestor at level `max` or below.
fn assert_within(input: &Table, out: &Table, name: &str, h: &Hierarchy, max: usize) {
    let (before, after) = (input.column(name).unwrap(), out.column(name).unwrap());
    for row in 0..input.rows {
        let (x, y) = (before.get(row), after.get(row));
        assert!((0..=max).any(|l| h.generalise(x, l) == Some(y)), "column {name} row {row}: above level {max}");
    }
}

#[test]
fn adult_k5_local_honours_max_level() {
    // `age` at most to the 5-year band (level 1 of the Adult age hierarchy:
    // 1, 0-4, 0-9, 0-19, *).
    let table = adult();
    let hierarchies: Vec<(&str, Hierarchy)> =
        ADULT_QI.iter().map(|q| (*q, arx::parse(hierarchy_text(q).as_bytes()).unwrap())).collect();
    let refs: Vec<(&str, &Hierarchy)> = hierarchies.iter().map(|(n, h)| (*n, h)).collect();
    let age = &hierarchies[0].1;
    assert_eq!(age.generalise("37", 1), Some("35-39"));

    let bounded = |level: usize| {
        let mut config = adult_config(5, r#", "recoding": "local""#);
        set_max_level(&mut config, "age", level);
        config
    };
    let free = anonymise(&table, &adult_config(5, r#", "recoding": "local""#), &mut Unlimited).unwrap();
    for level in [1, 2] {
        let done = anonymise(&table, &bounded(level), &mut Unlimited).unwrap();
        check_local(&table, &done, &refs, 5);
        assert_within(&table, &done.table, "age", age, level);
        let r = &done.result;
        assert_eq!(r.search, Phase::Local);
        assert_eq!(r.metric.value, r.ncp.value);
        let measured = ncp(&table, &done.table, &adult_hierarchies(&table)).unwrap();
        assert!((measured.value - r.ncp.value).abs() < 1e-12);
        // The bound costs detail elsewhere, not much.
        assert!(r.ncp.value < 0.1, "NCP {}", r.ncp.value);
        eprintln!(
            "Adult k = 5 local, age max_level {level}: NCP {:.4} (age {:.4}); unbounded {:.4} (age {:.4})",
            r.ncp.value,
            r.ncp.columns.get("age").unwrap(),
            free.result.ncp.value,
            free.result.ncp.columns.get("age").unwrap()
        );
        // The same input gives the same output.
        assert!(anonymise(&table, &bounded(level), &mut Unlimited).unwrap().table == done.table);
    }
}

#[test]
fn a_max_level_that_makes_k_impossible_is_named_with_its_numbers() {
    // Adult's ages themselves (level 0): age 86 has one row.
    let table = adult();
    let mut config = adult_config(5, r#", "recoding": "local""#);
    set_max_level(&mut config, "age", 0);
    set_max_level(&mut config, "sex", 0);
    let err = anonymise(&table, &config, &mut Unlimited).unwrap_err();
    assert_eq!(err.code(), "max_level_blocks");
    assert_eq!(
        err.kind(),
        &SearchErrorKind::BoundBlocks { columns: vec![("age".into(), 0)], rows: 1, needed: 5, sensitive: false }
    );
    let message = err.to_string();
    assert!(
        message.starts_with(
            "local recoding: the bound of `age` (max_level 0) blocks: the smallest group of rows they leave has 1 \
             where 5 are needed; it cannot be merged with another, since a bound forbids generalising higher"
        ),
        "{message}"
    );
    // No value: no age, no sex.
    let ages = table.column("age").unwrap();
    for row in 0..table.rows {
        let v = ages.get(row);
        assert!(!message.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == v), "{message}");
    }
    assert!(!message.contains("Male") && !message.contains("Female"), "{message}");

    // Two bounds that only block together are both named; the smallest group is counted on both.
    let table = Table::new(vec![
        Column::from_values("a", ["1", "1", "2", "2", "1", "2"]),
        Column::from_values("b", ["x", "y", "x", "y", "x", "y"]),
    ])
    .unwrap();
    let config = AnonymiseConfig::from_json(
        r#"{"quasi_identifiers": {"a": {"max_level": 0}, "b": {"max_level": 0}}, "k": 2, "recoding": "local"}"#,
    )
    .unwrap();
    let err = anonymise(&table, &config, &mut Unlimited).unwrap_err();
    assert_eq!(
        err.kind(),
        &SearchErrorKind::BoundBlocks {
            columns: vec![("a".into(), 0), ("b".into(), 0)],
            rows: 1,
            needed: 2,
            sensitive: false
        }
    );
    assert!(err.to_string().starts_with("local recoding: the bounds of `a` (max_level 0), `b` (max_level 0) block: "));

    // A group large enough that fails l-diversity.
    let table = Table::new(vec![
        Column::from_values("a", ["1", "1", "1", "2", "2", "2"]),
        Column::from_values("s", ["p", "p", "p", "p", "q", "r"]),
    ])
    .unwrap();
    let config = AnonymiseConfig::from_json(
        r#"{"quasi_identifiers": {"a": {"max_level": 0}}, "k": 3, "recoding": "local",
            "sensitive": {"s": {"l_distinct": 2}}}"#,
    )
    .unwrap();
    let err = anonymise(&table, &config, &mut Unlimited).unwrap_err();
    assert_eq!(
        err.kind(),
        &SearchErrorKind::BoundBlocks { columns: vec![("a".into(), 0)], rows: 3, needed: 3, sensitive: true }
    );
    assert!(err.to_string().contains("a group of 3 rows they leave fails the l-diversity / t-closeness criteria"));
}
