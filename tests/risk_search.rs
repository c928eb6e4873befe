//! Risk targets as criteria of the search: ARX 3.9.2's
//! `TestAnonymizationRiskBased` on Adult (nine quasi-identifiers, 4 %
//! suppression, the US population of 317,238,626), every result checked
//! again by `privacy::analyse`; the configuration's rules; and the optimal
//! search against exhaustive enumeration on small tables for the risk criteria.

#[path = "common/adult.rs"]
mod adult;
use adult::{adult, hierarchy, risk_config, unsuppressed_entropy, ARX_RISK_QI};
#[cfg(not(target_arch = "wasm32"))]
#[path = "common/temp_dir.rs"]
mod temp_dir;

use masque::privacy::population::{criterion_fraction, UniquenessRule};
use masque::privacy::risk::size_histogram;
use masque::privacy::{analyse, AnalysisOptions, Classes, QiCodes};
use masque::search::{anonymise, search, AnonymiseConfig, AnonymiseResult, Unlimited};
use masque::table::{Column, Table};

fn levels(r: &AnonymiseResult) -> Vec<usize> {
    ARX_RISK_QI.iter().map(|q| *r.levels.get(q).unwrap()).collect()
}

/// The class sizes of the output's kept rows (suppressed rows are written `*`
/// in every quasi-identifier; the analysis excludes them by that marker).
fn output_histogram(out: &Table) -> (Vec<masque::privacy::risk::SizeCount>, usize) {
    let cols: Vec<&Column> = ARX_RISK_QI.iter().map(|q| out.column(q).unwrap()).collect();
    let suppressed: Vec<bool> = (0..out.rows).map(|r| cols.iter().all(|c| c.get(r) == "*")).collect();
    let qis: Vec<QiCodes<'_>> = cols.iter().map(|c| QiCodes::new(&c.codes, c.dict.len() as u64)).collect();
    let classes = Classes::group(&qis, Some(&suppressed)).unwrap();
    let kept = suppressed.iter().filter(|&&s| !s).count();
    (size_histogram(&classes), kept)
}

struct Case {
    metric: &'static str,
    extra: &'static str,
    loss: f64,
    levels: [usize; 9],
}

/// ARX's `TestAnonymizationRiskBased` (ARX's solver: deterministic, 15 iterations per try).
const CASES: [Case; 6] = [
    Case {
        metric: "entropy",
        extra: r#", "average_risk": 0.01"#,
        loss: 314637.8461904862,
        levels: [1, 0, 1, 1, 3, 2, 2, 1, 1],
    },
    Case {
        metric: "loss",
        extra: r#", "sample_uniqueness": 0.01"#,
        loss: 0.1606952725863784,
        levels: [0, 3, 0, 0, 1, 1, 1, 1, 0],
    },
    Case {
        metric: "entropy",
        extra: r#", "population": "usa", "population_uniqueness": {"threshold": 0.0001, "model": "dankar", "iterations": 15}"#,
        loss: 144298.1603344462,
        levels: [0, 0, 1, 1, 1, 2, 1, 0, 0],
    },
    Case {
        metric: "loss",
        extra: r#", "population": "usa", "population_uniqueness": {"threshold": 0.0001, "model": "zayatz", "iterations": 15}"#,
        loss: 0.16078200456326086,
        levels: [0, 3, 0, 0, 1, 1, 1, 1, 0],
    },
    Case {
        metric: "entropy",
        extra: r#", "population": "usa", "population_uniqueness": {"threshold": 0.0001, "model": "pitman", "iterations": 15}"#,
        loss: 144298.1603344462,
        levels: [0, 0, 1, 1, 1, 2, 1, 0, 0],
    },
    Case {
        metric: "loss",
        extra: r#", "population": "usa", "population_uniqueness": {"threshold": 0.0001, "model": "snb", "iterations": 15}"#,
        loss: 0.17599055898432758,
        levels: [0, 3, 0, 0, 2, 1, 1, 1, 0],
    },
];

fn check_case(i: usize) {
    let case = &CASES[i];
    let table = adult();
    let config = risk_config(case.metric, case.extra);
    let done = anonymise(&table, &config, &mut Unlimited).unwrap();
    let r = &done.result;
    assert_eq!(levels(r), case.levels, "case {i}: levels");
    if case.metric == "loss" {
        // ARX rounds each quasi-identifier's loss (to about 1e-10)
        assert!((r.metric.value - case.loss).abs() <= 1e-9, "case {i}: {} vs {}", r.metric.value, case.loss);
    } else {
        // ARX's non-monotonic non-uniform entropy: every row's generalisation
        // plus, per quasi-identifier, the entropy of the suppressed rows'
        // labels. Something is suppressed, so it exceeds the entropy of the
        // same levels with nothing suppressed.
        let relative = (r.metric.value - case.loss).abs() / case.loss;
        assert!(relative <= 1e-9, "case {i}: {} vs {}", r.metric.value, case.loss);
        assert!(r.suppressed > 0, "case {i}");
        assert!(unsuppressed_entropy(&adult(), &ARX_RISK_QI, &case.levels) < r.metric.value, "case {i}");
    }
    assert!(r.optimal, "case {i}");
    assert!(r.suppressed as f64 <= 0.04 * table.rows as f64);

    // The output meets the criterion, measured again by the analysis code.
    let (histogram, kept) = output_histogram(&done.table);
    let classes: usize = histogram.iter().map(|s| s.classes).sum();
    match i {
        0 => assert!(classes as f64 / kept as f64 <= 0.01, "average risk"),
        1 => {
            let singles = histogram.iter().find(|s| s.size == 1).map_or(0, |s| s.classes);
            assert!(singles as f64 / kept as f64 <= 0.01, "sample uniqueness");
        }
        _ => {
            let rule =
                [UniquenessRule::Dankar, UniquenessRule::Zayatz, UniquenessRule::Pitman, UniquenessRule::Snb][i - 2];
            let x = criterion_fraction(&histogram, 317_238_626.0, rule, 15);
            let singles = histogram.iter().any(|s| s.size == 1);
            assert!((x > 0.0 && x <= 0.0001) || (x == 0.0 && !singles), "population uniqueness {x}");
        }
    }
    // The report after agrees with the histogram (the analysis excludes the `*` rows).
    let after = r.risk_after.as_ref().unwrap();
    assert_eq!(after.classes, classes, "case {i}");
    if i >= 2 {
        let population = after.population.as_ref().expect("the population figures are reported");
        assert_eq!(population.size, 317_238_626);
    }
}

#[test]
fn arx_average_risk() {
    check_case(0);
}

#[test]
fn arx_sample_uniqueness() {
    check_case(1);
}

#[test]
fn arx_population_uniqueness_dankar() {
    check_case(2);
}

#[test]
fn arx_population_uniqueness_zayatz() {
    check_case(3);
}

#[test]
fn arx_population_uniqueness_pitman() {
    check_case(4);
}

#[test]
fn arx_population_uniqueness_snb() {
    check_case(5);
}

#[test]
fn analysis_matches_the_criterion_fraction() {
    // The analysis's Dankar figure equals the criterion's with ARX's default solver.
    let table = adult();
    let options = AnalysisOptions {
        qi: ARX_RISK_QI.iter().map(|s| s.to_string()).collect(),
        population: Some(317_238_626),
        ..Default::default()
    };
    let report = analyse(&table, &options, None).unwrap();
    let cols: Vec<&Column> = ARX_RISK_QI.iter().map(|q| table.column(q).unwrap()).collect();
    let qis: Vec<QiCodes<'_>> = cols.iter().map(|c| QiCodes::new(&c.codes, c.dict.len() as u64)).collect();
    let h = size_histogram(&Classes::group(&qis, None).unwrap());
    let x = criterion_fraction(&h, 317_238_626.0, UniquenessRule::Dankar, 1000);
    assert_eq!(report.population.unwrap().uniqueness.dankar, x);
}

#[test]
fn k_is_optional_with_a_risk_target() {
    let base = r#"{"quasi_identifiers": {"a": {}}"#;
    let c = AnonymiseConfig::from_json(&format!("{base}}}")).unwrap();
    assert_eq!(c.k(), 11);
    let c = AnonymiseConfig::from_json(&format!(r#"{base}, "average_risk": 0.05}}"#)).unwrap();
    assert_eq!(c.k(), 1);
    let c = AnonymiseConfig::from_json(&format!(r#"{base}, "average_risk": 0.05, "k": 3}}"#)).unwrap();
    assert_eq!(c.k(), 3);
    let c = AnonymiseConfig::from_json(&format!(r#"{base}, "sensitive": {{"s": {{"l_distinct": 2}}}}}}"#)).unwrap();
    assert_eq!(c.k(), 11, "l-diversity keeps the default k");
    // k serialises only when given
    let c = AnonymiseConfig::from_json(&format!(r#"{base}, "sample_uniqueness": 0.01}}"#)).unwrap();
    assert!(!serde_json::to_string(&c).unwrap().contains("\"k\""));
}

#[test]
fn configuration_errors_name_the_field() {
    let table = Table::new(vec![Column::from_values("a", ["1", "2", "3", "4"])]).unwrap();
    let err = |extra: &str| {
        let text = format!(r#"{{"quasi_identifiers": {{"a": {{}}}}{extra}}}"#);
        match AnonymiseConfig::from_json(&text) {
            Err(e) => e.to_string(),
            Ok(c) => search(&table, &c, &mut Unlimited).unwrap_err().to_string(),
        }
    };
    assert!(err(r#", "average_risk": 1.5"#).contains("average_risk"));
    assert!(err(r#", "average_risk": {"threshold": 0.1, "highest": 0, "records_above": 0.1}"#)
        .contains("average_risk.highest"));
    assert!(err(r#", "average_risk": {"threshold": 0.1}"#).contains("average_risk"));
    assert!(err(r#", "sample_uniqueness": -1"#).contains("sample_uniqueness"));
    assert!(err(r#", "population_uniqueness": {"threshold": 0.01}"#)
        .contains("population_uniqueness: needs the population"));
    assert!(err(r#", "population_uniqueness": {"threshold": 0.01, "model": "x"}, "population": 10"#)
        .contains("population_uniqueness.model"));
    assert!(err(r#", "population": 2, "sample_uniqueness": 0.1"#).contains("population:"));
    assert!(err(r#", "population": 10, "sampling_fraction": 0.1"#).contains("sampling_fraction"));
    assert!(err(r#", "sampling_fraction": 0, "sample_uniqueness": 0.1"#).contains("sampling_fraction"));
    assert!(err(r#", "k_map": {"k": 5}"#).contains("k_map: needs the population"));
    assert!(err(r#", "population": 10, "population_uniqueness": {"threshold": 0.1, "iterations": 100000}"#)
        .contains("population_uniqueness.iterations"));
    assert!(err(r#", "k_map": {"k": 0}, "population": 100"#).contains("k_map.k"));
    assert!(err(r#", "k_map": {"k": 2, "estimator": "binomial"}, "population": 100"#).contains("k_map.estimator"));
    assert!(err(r#", "population": "atlantis""#).contains("population"));
    assert!(err(r#", "recoding": "local", "sample_uniqueness": 0.1"#).contains("recoding"));
}

#[test]
fn k_map_is_k_anonymity_with_the_derived_k() {
    // f = 30162 / 301620 = 0.1, k = 5: λ = 0.5, Poisson at 0.05 gives k' = 4.
    let table = adult();
    let qi = r#""quasi_identifiers": {"age": {"hierarchy": AGE}, "sex": {}, "race": {}}"#
        .replace("AGE", &serde_json::to_string(&hierarchy("age")).unwrap());
    let kmap = AnonymiseConfig::from_json(&format!(
        r#"{{{qi}, "k_map": {{"k": 5, "significance": 0.05}}, "population": {}}}"#,
        table.rows * 10
    ))
    .unwrap();
    let k4 = AnonymiseConfig::from_json(&format!(r#"{{{qi}, "k": 4}}"#)).unwrap();
    let a = search(&table, &kmap, &mut Unlimited).unwrap();
    let b = search(&table, &k4, &mut Unlimited).unwrap();
    assert_eq!(a.levels, b.levels);
    assert_eq!(a.metric, b.metric);
    let done = anonymise(&table, &kmap, &mut Unlimited).unwrap();
    assert!(done.result.risk_after.as_ref().unwrap().k >= 4);
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The hierarchy of the values 0..8: the value, pairs, quads, `*`.
fn octal_hierarchy() -> String {
    (0..8).map(|v| format!("{v};{}-{};{}-{};*\n", v / 2 * 2, v / 2 * 2 + 1, v / 4 * 4, v / 4 * 4 + 3)).collect()
}

/// Whether the generalised columns `a`, `b`, `c` of `out` (nothing
/// suppressed) meet the risk criterion `criterion` (an index in the test's
/// list), computed here from the class sizes, independently of the search.
fn meets(out: &Table, criterion: usize) -> bool {
    let cols: Vec<&Column> = ["a", "b", "c"].iter().map(|q| out.column(q).unwrap()).collect();
    let qis: Vec<QiCodes<'_>> = cols.iter().map(|c| QiCodes::new(&c.codes, c.dict.len() as u64)).collect();
    let classes = Classes::group(&qis, None).unwrap();
    let h = size_histogram(&classes);
    let n = out.rows as f64;
    let count = |size: u32| h.iter().find(|s| s.size == size).map_or(0, |s| s.classes) as f64;
    let average = classes.count() as f64 / n;
    let population = |t: f64, rule: UniquenessRule, big_n: f64| {
        let x = criterion_fraction(&h, big_n, rule, 1000);
        (x > 0.0 && x <= t) || (x == 0.0 && count(1) == 0.0)
    };
    match criterion {
        0 => average <= 0.3,
        1 => average <= 0.5,
        2 => count(1) / n <= 0.05,
        3 => count(1) / n <= 0.2,
        // highest 0.34: classes of size <= 3 (ARX's size threshold) hold at most 10 %
        4 => average <= 0.5 && (count(1) + 2.0 * count(2) + 3.0 * count(3)) / n <= 0.1,
        5 => population(0.01, UniquenessRule::Zayatz, 2000.0),
        6 => population(0.02, UniquenessRule::Dankar, 500.0),
        7 => population(0.000001, UniquenessRule::Zayatz, 1000.0),
        _ => {
            let k = masque::search::criteria::derived_k(
                6,
                0.01,
                n / 1000.0,
                masque::search::CellSizeEstimator::ZeroTruncatedPoisson,
                out.rows,
            );
            h.first().is_none_or(|s| s.size >= k)
        }
    }
}

/// Every node without suppression, judged by [`meets`] on its output, the
/// best by (metric, height, levels).
fn exhaustive_unsuppressed(table: &Table, criterion: usize, metric: &str) -> Option<(Vec<usize>, f64)> {
    let mut best: Option<(Vec<usize>, f64)> = None;
    let h = serde_json::to_string(&octal_hierarchy()).unwrap();
    for a in 0..4 {
        for b in 0..4 {
            for c in 0..4 {
                let text = format!(
                    r#"{{"quasi_identifiers": {{"a": {{"hierarchy": {h}, "min_level": {a}, "max_level": {a}}}, "b": {{"hierarchy": {h}, "min_level": {b}, "max_level": {b}}}, "c": {{"hierarchy": {h}, "min_level": {c}, "max_level": {c}}}}}, "metric": "{metric}", "k": 1}}"#
                );
                let done = anonymise(table, &AnonymiseConfig::from_json(&text).unwrap(), &mut Unlimited).unwrap();
                if !meets(&done.table, criterion) {
                    continue;
                }
                let levels = vec![a, b, c];
                let m = done.result.metric.value;
                let key = |l: &Vec<usize>| (l.iter().sum::<usize>(), l.clone());
                if best.as_ref().is_none_or(|(l, bm)| m < *bm || (m == *bm && key(&levels) < key(l))) {
                    best = Some((levels, m));
                }
            }
        }
    }
    best
}

/// Every node checked on its own (min = max), the best by (metric, height, levels).
fn exhaustive(table: &Table, extra: &str, metric: &str) -> Option<(Vec<usize>, f64)> {
    let mut best: Option<(Vec<usize>, f64)> = None;
    let h = serde_json::to_string(&octal_hierarchy()).unwrap();
    for a in 0..4 {
        for b in 0..4 {
            for c in 0..4 {
                let text = format!(
                    r#"{{"quasi_identifiers": {{"a": {{"hierarchy": {h}, "min_level": {a}, "max_level": {a}}}, "b": {{"hierarchy": {h}, "min_level": {b}, "max_level": {b}}}, "c": {{"hierarchy": {h}, "min_level": {c}, "max_level": {c}}}}}, "metric": "{metric}", "search": "optimal"{extra}}}"#
                );
                let config = AnonymiseConfig::from_json(&text).unwrap();
                if let Ok(choice) = search(table, &config, &mut Unlimited) {
                    let levels = vec![a, b, c];
                    let better = match &best {
                        None => true,
                        Some((l, m)) => {
                            let key = |l: &Vec<usize>| (l.iter().sum::<usize>(), l.clone());
                            choice.metric < *m || (choice.metric == *m && key(&levels) < key(l))
                        }
                    };
                    if better {
                        best = Some((levels, choice.metric));
                    }
                }
            }
        }
    }
    best
}

#[test]
fn the_optimal_search_finds_the_exhaustive_optimum_with_risk_criteria() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let h = serde_json::to_string(&octal_hierarchy()).unwrap();
    let criteria = [
        r#", "average_risk": 0.3"#,
        r#", "average_risk": 0.5"#,
        r#", "sample_uniqueness": 0.05"#,
        r#", "sample_uniqueness": 0.2"#,
        r#", "average_risk": {"threshold": 0.5, "highest": 0.34, "records_above": 0.1}"#,
        r#", "population": 2000, "population_uniqueness": {"threshold": 0.01, "model": "zayatz"}"#,
        r#", "population": 500, "population_uniqueness": {"threshold": 0.02}"#,
        r#", "population": 1000, "population_uniqueness": {"threshold": 0.000001, "model": "zayatz"}"#,
        r#", "population": 1000, "k_map": {"k": 6, "estimator": "zero_truncated_poisson"}"#,
    ];
    for round in 0..criteria.len() * 16 {
        let rows = 30 + rng.below(90) as usize;
        // skewed values so that classes of many sizes appear
        let mut column = |name: &str| {
            let values: Vec<String> = (0..rows).map(|_| (rng.below(8).min(rng.below(8))).to_string()).collect();
            Column::from_values(name, values.iter())
        };
        let table = Table::new(vec![column("a"), column("b"), column("c")]).unwrap();
        let extra = criteria[round % criteria.len()];
        // every criterion with every limit, none (0) included
        let limit = [0.0, 0.05, 0.1, 0.2][(round / criteria.len()) % 4];
        let metric = ["loss", "entropy", "discernibility", "precision"][(round / criteria.len() / 4) % 4];
        let extra = format!(r#", "suppression_limit": {limit}{extra}"#);
        let text = format!(
            r#"{{"quasi_identifiers": {{"a": {{"hierarchy": {h}}}, "b": {{"hierarchy": {h}}}, "c": {{"hierarchy": {h}}}}}, "metric": "{metric}", "search": "optimal"{extra}}}"#
        );
        let config = AnonymiseConfig::from_json(&text).unwrap();
        let want = exhaustive(&table, &extra, metric);
        if limit == 0.0 {
            // Without suppression, the same optimum judged independently of the engine.
            assert_eq!(want, exhaustive_unsuppressed(&table, round % criteria.len(), metric), "round {round}");
        }
        match search(&table, &config, &mut Unlimited) {
            Ok(choice) => {
                let (levels, m) =
                    want.unwrap_or_else(|| panic!("round {round}: the search found a node, enumeration none"));
                let got: Vec<usize> = ["a", "b", "c"].iter().map(|q| *choice.levels.get(q).unwrap()).collect();
                assert_eq!((got, choice.metric), (levels, m), "round {round}: {extra} {metric}");
                assert!(choice.optimal);
            }
            Err(e) => assert!(want.is_none(), "round {round}: {e}"),
        }
    }
}

/// Timing against ARX 3.9.2 (3.4 s for population uniqueness <= 0.0001 with
/// Dankar on Adult's nine quasi-identifiers, 1.4 s for an average risk of
/// 0.05 on its eight benchmark quasi-identifiers, 4 % suppression each):
/// `cargo test --release --test risk_search timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing() {
    let table = adult();
    let time = |name: &str, config: &AnonymiseConfig| {
        let mut best = f64::INFINITY;
        let mut nodes = 0;
        for _ in 0..3 {
            let start = std::time::Instant::now();
            let choice = search(&table, config, &mut Unlimited).unwrap();
            best = best.min(start.elapsed().as_secs_f64());
            nodes = choice.nodes_checked;
            assert!(choice.optimal);
        }
        eprintln!("{name}: {:.3} s (best of 3), {nodes} nodes checked", best);
    };
    let population =
        r#", "population": "usa", "population_uniqueness": {"threshold": 0.0001, "model": "dankar", "iterations": 15}"#;
    time("population uniqueness 0.0001, 9 QIs, entropy", &risk_config("entropy", population));
    let qis: Vec<String> = adult::ADULT_QI
        .iter()
        .map(|q| {
            format!(
                "{}: {{\"hierarchy\": {}}}",
                serde_json::to_string(q).unwrap(),
                serde_json::to_string(&hierarchy(q)).unwrap()
            )
        })
        .collect();
    let text = format!(
        r#"{{"quasi_identifiers": {{{}}}, "suppression_limit": 0.04, "metric": "loss", "average_risk": 0.05}}"#,
        qis.join(", ")
    );
    time("average risk 0.05, 8 QIs, loss", &AnonymiseConfig::from_json(&text).unwrap());
}

/// `masque anonymise` reads the risk targets from the same configuration
/// JSON (average risk, France's population preset) and reports the
/// population figures; a policy's `anonymise` section carries them to `clean`.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_command_line_passes_risk_targets_through() {
    use std::process::Command;
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let dir = temp_dir::temp_dir("risk-search", "cli");
    let qis: Vec<String> = adult::ADULT_QI
        .iter()
        .map(|q| format!(r#""{q}": {{"hierarchy_file": "{fixtures}/adult/adult_hierarchy_{q}.csv"}}"#))
        .collect();
    let config = format!(
        r#"{{"quasi_identifiers": {{{}}}, "suppression_limit": 0.04, "average_risk": 0.05, "population": "france"}}"#,
        qis.join(", ")
    );
    std::fs::write(dir.join("risk.json"), config).unwrap();
    let adult_csv = format!("{fixtures}/adult/adult.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_masque"))
        .args(["anonymise", &adult_csv, "--config", "risk.json", "-o", "out.csv", "--report", "r.json"])
        .current_dir(&*dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    let after = &r["risk_after"];
    assert!(after["prosecutor"]["average"].as_f64().unwrap() <= 0.05);
    assert_eq!(after["population"]["size"].as_u64(), Some(69_100_000));
    assert_eq!(r["optimal"], true);

    let mut policy: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{fixtures}/policies/cohort_clean.json")).unwrap()).unwrap();
    let section = policy["anonymise"].as_object_mut().unwrap();
    section.remove("k");
    section.insert("sample_uniqueness".into(), 0.0.into());
    std::fs::write(dir.join("policy.json"), serde_json::to_vec(&policy).unwrap()).unwrap();
    let input = format!("{fixtures}/cohort_cp1252_40.csv");
    let key = format!("{fixtures}/expected/clean.key.json");
    let out = Command::new(env!("CARGO_BIN_EXE_masque"))
        .args(["clean", &input, "--policy", "policy.json", "--key", &key, "-o", "c.csv", "--report", "c.json"])
        .current_dir(&*dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("c.json")).unwrap()).unwrap();
    // no sample unique left (k 1 by default beside a risk target, l-diversity 2 kept)
    assert_eq!(r["result"]["risk_after"]["sample_uniques"].as_u64(), Some(0));
}
