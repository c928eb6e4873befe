//! Risk analysis against the reference tools (ARX, pycanon) on the Adult data,
//! and on hand-made tables whose answers are worked out by hand.
//!
//! The Adult reference figures (ARX, pycanon) are pinned to 6 decimals. The other Adult
//! figures were computed with pycanon 1.3.6 (`k_anonymity`, `l_diversity`,
//! `entropy_l_diversity`, `t_closeness`) and, for the checks with parameters,
//! with a direct transcription of ARX's criteria (`RecursiveCLDiversity`,
//! `EntropyLDiversity`, `DistinctLDiversity`, the two EMDs) over pandas
//! groups; see tests/fixtures/adult/ORIGIN.md.
#![cfg(not(target_arch = "wasm32"))]

use masque::privacy::{
    analyse, AnalysisOptions, Classes, Distance, DistanceChoice, PrivacyErrorKind, QiCodes, RiskReport,
    SensitiveColumn, SensitiveReport,
};
use masque::table::{read_table, Column, ReadOptions, Table};

const ADULT: &[u8] = include_bytes!("fixtures/adult/adult.csv");
const AGE_HIERARCHY: &str = include_str!("fixtures/adult/adult_hierarchy_age.csv");
const ADULT_QI: [&str; 8] =
    ["age", "sex", "race", "marital-status", "education", "native-country", "workclass", "occupation"];

fn adult() -> Table {
    read_table(ADULT, &ReadOptions::default()).expect("the Adult fixture reads").table
}

fn options(qi: &[&str], sensitive: &[&str]) -> AnalysisOptions {
    AnalysisOptions {
        qi: qi.iter().map(|s| s.to_string()).collect(),
        sensitive: sensitive.iter().map(|s| SensitiveColumn::named(s)).collect(),
        ..Default::default()
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn sensitive<'a>(report: &'a RiskReport, name: &str) -> &'a SensitiveReport {
    report.sensitive.get(name).expect("the sensitive column is reported")
}

#[test]
fn adult_matches_arx_and_pycanon() {
    let table = adult();
    let mut o = options(&ADULT_QI, &["salary-class"]);
    o.thresholds = vec![0.2, 0.1];
    let r = analyse(&table, &o, None).unwrap();
    assert_eq!(r.rows, 30_162);
    assert_eq!(r.suppressed, 0);
    assert_eq!(r.classes, 18_109);
    assert_eq!(r.sample_uniques, 14_021);
    assert_eq!(r.k, 1);
    assert_eq!(round6(r.prosecutor.average), 0.600391);
    assert_eq!(r.prosecutor.average, 18_109.0 / 30_162.0);
    assert_eq!(r.prosecutor.highest, 1.0);
    let at_risk = &r.prosecutor.records_at_risk;
    assert_eq!(at_risk.iter().map(|(k, _)| k).collect::<Vec<_>>(), vec!["0.2", "0.1"]);
    assert_eq!(round6(*at_risk.get("0.2").unwrap()), 0.728632);
    assert_eq!(round6(*at_risk.get("0.1").unwrap()), 0.854353);
    // The exact shares: records in classes of fewer than 5 (resp. 10) rows.
    assert_eq!(*at_risk.get("0.2").unwrap(), 21_977.0 / 30_162.0);
    assert_eq!(*at_risk.get("0.1").unwrap(), 25_769.0 / 30_162.0);

    // The histogram accounts for every class and every record.
    assert_eq!(r.class_sizes[0].size, 1);
    assert_eq!(r.class_sizes[0].classes, 14_021);
    assert_eq!(r.class_sizes.iter().map(|s| s.classes).sum::<usize>(), 18_109);
    assert_eq!(r.class_sizes.iter().map(|s| s.records).sum::<usize>(), 30_162);
    assert!(r.class_sizes.windows(2).all(|w| w[0].size < w[1].size));

    let s = sensitive(&r, "salary-class");
    assert_eq!(s.l_distinct, 1);
    assert_eq!(s.l_entropy, 1.0);
    assert_eq!(s.distinct_values, 2);
    // pycanon's t-closeness for a string column is the equal-distance EMD
    // (`aux_t_closeness_str`: ½ Σ|p − q|). The farthest class holds only
    // ">50K": ½(|1 − 7508/30162| + 22654/30162) = 22654/30162.
    assert_eq!(s.distance, Distance::Equal);
    assert_eq!((s.t_closeness * 1e7).round() / 1e7, 0.7510775);
    assert!((s.t_closeness - 22_654.0 / 30_162.0).abs() < 1e-15);
}

#[test]
fn a_binary_attribute_is_as_far_ordered_as_unordered() {
    // With two values both EMDs are |p1 − q1|: pycanon's numeric variant
    // (`aux_t_closeness_num`) would give the same 0.7510775.
    let table = adult();
    let mut o = options(&ADULT_QI, &[]);
    o.sensitive = vec![SensitiveColumn {
        name: "salary-class".into(),
        distance: DistanceChoice::Ordered,
        order: Some(vec!["<=50K".into(), ">50K".into()]),
    }];
    let r = analyse(&table, &o, None).unwrap();
    let s = sensitive(&r, "salary-class");
    assert_eq!(s.distance, Distance::Ordered);
    assert!((s.t_closeness - 22_654.0 / 30_162.0).abs() < 1e-15);
}

/// A figure of pycanon 1.3.6 on the Adult data.
struct Pycanon {
    qi: &'static [&'static str],
    sensitive: &'static str,
    classes: usize,
    k: usize,
    l_distinct: usize,
    /// `exp` of the smallest class entropy; pycanon's `entropy_l_diversity`
    /// returns its integer part.
    l_entropy: f64,
    t: f64,
    /// The EMD pycanon uses: ordered for a numeric column, equal otherwise.
    distance: Distance,
}

#[rustfmt::skip]
const PYCANON: [Pycanon; 6] = [
    Pycanon { qi: &["sex", "race"], sensitive: "occupation", classes: 10, k: 87, l_distinct: 10,
              l_entropy: 7.555587500157372, t: 0.3249624441807344, distance: Distance::Equal },
    Pycanon { qi: &["sex", "race"], sensitive: "age", classes: 10, k: 87, l_distinct: 33,
              l_entropy: 27.71840572901494, t: 0.09193571485872032, distance: Distance::Ordered },
    Pycanon { qi: &["sex", "race"], sensitive: "education", classes: 10, k: 87, l_distinct: 12,
              l_entropy: 5.97108982335025, t: 0.22324169396517815, distance: Distance::Equal },
    Pycanon { qi: &["marital-status", "sex"], sensitive: "salary-class", classes: 14, k: 9, l_distinct: 2,
              l_entropy: 1.1427153669479706, t: 0.2510775147536636, distance: Distance::Equal },
    Pycanon { qi: &["workclass"], sensitive: "age", classes: 7, k: 14, l_distinct: 11,
              l_entropy: 10.401960023958633, t: 0.1644652077974111, distance: Distance::Ordered },
    Pycanon { qi: &ADULT_QI, sensitive: "age", classes: 18_109, k: 1, l_distinct: 1,
              l_entropy: 1.0, t: 0.6980918065918219, distance: Distance::Ordered },
];

#[test]
fn adult_cross_checks_with_pycanon() {
    let table = adult();
    for p in PYCANON {
        let r = analyse(&table, &options(p.qi, &[p.sensitive]), None).unwrap();
        let what = format!("{:?} / {}", p.qi, p.sensitive);
        assert_eq!((r.classes, r.k), (p.classes, p.k), "{what}");
        let s = sensitive(&r, p.sensitive);
        assert_eq!(s.l_distinct, p.l_distinct, "{what}");
        assert!((s.l_entropy - p.l_entropy).abs() < 1e-9, "{what}: {}", s.l_entropy);
        assert_eq!(s.l_entropy.floor(), p.l_entropy.floor(), "{what}");
        assert_eq!(s.distance, p.distance, "{what}");
        assert!((s.t_closeness - p.t).abs() < 1e-12, "{what}: {}", s.t_closeness);
    }
}

/// Classes and records failing ARX's criteria with `c` and `l`, on the Adult data.
struct ArxChecks {
    qi: &'static [&'static str],
    sensitive: &'static str,
    c: f64,
    l: u32,
    recursive: (usize, usize),
    entropy: (usize, usize),
    distinct: (usize, usize),
}

#[rustfmt::skip]
const ARX_CHECKS: [ArxChecks; 6] = [
    ArxChecks { qi: &["sex", "race"], sensitive: "occupation", c: 0.5, l: 8,
                recursive: (10, 30_162), entropy: (3, 8_276), distinct: (0, 0) },
    ArxChecks { qi: &["sex", "race"], sensitive: "occupation", c: 0.6, l: 12,
                recursive: (10, 30_162), entropy: (10, 30_162), distinct: (1, 87) },
    ArxChecks { qi: &["sex", "race"], sensitive: "education", c: 1.0, l: 6,
                recursive: (9, 30_075), entropy: (1, 179), distinct: (0, 0) },
    ArxChecks { qi: &["sex", "race"], sensitive: "education", c: 1.5, l: 4,
                recursive: (1, 179), entropy: (0, 0), distinct: (0, 0) },
    ArxChecks { qi: &["marital-status", "sex"], sensitive: "salary-class", c: 2.0, l: 2,
                recursive: (10, 16_076), entropy: (13, 30_150), distinct: (0, 0) },
    ArxChecks { qi: &["workclass"], sensitive: "age", c: 0.3, l: 11,
                recursive: (1, 14), entropy: (1, 14), distinct: (0, 0) },
];

#[test]
fn adult_diversity_checks_as_arx() {
    let table = adult();
    for a in ARX_CHECKS {
        let mut o = options(a.qi, &[a.sensitive]);
        o.l = Some(a.l);
        o.c = Some(a.c);
        let r = analyse(&table, &o, None).unwrap();
        let criteria = &sensitive(&r, a.sensitive).criteria;
        let what = format!("{:?} / {} c={} l={}", a.qi, a.sensitive, a.c, a.l);
        let got = |check: &Option<masque::privacy::Check>| {
            let check = check.as_ref().expect("the check is reported");
            assert_eq!(check.satisfied, check.classes_failing == 0);
            (check.classes_failing, check.records_failing)
        };
        assert_eq!(got(&criteria.recursive_cl), a.recursive, "{what}");
        assert_eq!(got(&criteria.l_entropy), a.entropy, "{what}");
        assert_eq!(got(&criteria.l_distinct), a.distinct, "{what}");
    }
}

#[test]
fn adult_closeness_checks() {
    let table = adult();
    for (qi, sa, t, failing) in [
        (&["sex", "race"][..], "age", 0.05, (2, 231)),
        (&["sex", "race"][..], "occupation", 0.1, (10, 30_162)),
        (&["workclass"][..], "age", 0.1, (2, 1_088)),
        (&["workclass"][..], "age", 0.2, (0, 0)),
    ] {
        let mut o = options(qi, &[sa]);
        o.t = Some(t);
        let r = analyse(&table, &o, None).unwrap();
        let check = sensitive(&r, sa).criteria.t_closeness.clone().unwrap();
        assert_eq!((check.classes_failing, check.records_failing), failing, "{qi:?} / {sa} t={t}");
        assert_eq!(check.satisfied, failing.0 == 0);
        assert_eq!(check.t, Some(t));
    }
}

/// The class computation on code -> code maps (as a generalisation search
/// uses it) equals grouping a table whose text was generalised.
#[test]
fn grouping_through_a_hierarchy_map_equals_grouping_generalised_text() {
    let table = adult();
    let age = table.column("age").unwrap();
    // Level 1 of ARX's age hierarchy: 5-year bands.
    let band_of: std::collections::HashMap<&str, &str> = AGE_HIERARCHY
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(';');
            Some((fields.next()?, fields.next()?))
        })
        .collect();
    let mut bands = masque::table::Dictionary::new();
    let map: Vec<u32> = age.dict.iter().map(|value| bands.intern(band_of[value])).collect();

    let others: Vec<&Column> = ADULT_QI[1..].iter().map(|name| table.column(name).unwrap()).collect();
    let mut qis = vec![QiCodes::mapped(&age.codes, &map, bands.len() as u64)];
    qis.extend(others.iter().map(|c| QiCodes::column(c)));
    let mapped = Classes::group(&qis, None).unwrap();

    let generalised_age = Column::from_values("age", (0..table.rows).map(|r| band_of[age.get(r)]));
    let mut columns = vec![generalised_age];
    columns.extend(others.iter().map(|c| (*c).clone()));
    let generalised = Table::new(columns).unwrap();
    let text = analyse(&generalised, &options(&ADULT_QI, &[]), None).unwrap();

    assert_eq!(mapped.count(), text.classes);
    assert_eq!(mapped.count(), 11_984);
    assert_eq!(mapped.k(), Some(1));
    assert_eq!(mapped.sample_uniques(), 8_442);
    // Same partition, same numbering (both number classes by first row).
    let direct = Classes::group(&generalised.columns.iter().map(QiCodes::column).collect::<Vec<_>>(), None).unwrap();
    assert_eq!(mapped, direct);
}

fn table(columns: &[(&str, &[&str])]) -> Table {
    Table::new(columns.iter().map(|(name, values)| Column::from_values(name, values.iter())).collect()).unwrap()
}

#[test]
fn entropy_l_by_hand() {
    // Class A: 4 values equally often -> H = ln 4, l = 4.
    // Class B: (6, 2) -> H = -(3/4 ln 3/4 + 1/4 ln 1/4) = 0.5623..., l = 1.7548...
    let t = table(&[
        ("q", &["A", "A", "A", "A", "B", "B", "B", "B", "B", "B", "B", "B"]),
        ("s", &["w", "x", "y", "z", "x", "x", "x", "x", "x", "x", "y", "y"]),
    ]);
    let mut o = options(&["q"], &["s"]);
    o.l = Some(2);
    let r = analyse(&t, &o, None).unwrap();
    let s = sensitive(&r, "s");
    let h_b = -(0.75f64 * 0.75f64.ln() + 0.25 * 0.25f64.ln());
    assert!((s.l_entropy - h_b.exp()).abs() < 1e-12);
    assert_eq!(s.l_distinct, 2);
    let entropy = s.criteria.l_entropy.as_ref().unwrap();
    assert_eq!((entropy.satisfied, entropy.classes_failing, entropy.records_failing), (false, 1, 8));
    assert!(s.criteria.l_distinct.as_ref().unwrap().satisfied);
    // Entropy l = 4 is met exactly by the uniform class (no rounding trap).
    o.l = Some(4);
    o.qi = vec!["q".into()];
    let only_a = table(&[("q", &["A", "A", "A", "A"]), ("s", &["w", "x", "y", "z"])]);
    let r = analyse(&only_a, &o, None).unwrap();
    assert!(sensitive(&r, "s").criteria.l_entropy.as_ref().unwrap().satisfied);
    assert!((sensitive(&r, "s").l_entropy - 4.0).abs() < 1e-12);
}

#[test]
fn recursive_cl_by_hand_with_ties() {
    // One class with counts (3, 3, 2, 1): r1 = 3.
    // l = 2: tail = 3 + 2 + 1 = 6, 3 < 6c iff c > 0.5.
    // l = 3: tail = 2 + 1 = 3, 3 < 3c iff c > 1 (the tie for first place does not matter).
    let t = table(&[("q", &["x"; 9]), ("s", &["a", "b", "a", "b", "c", "a", "b", "c", "d"])]);
    let check = |c: f64, l: u32| {
        let mut o = options(&["q"], &["s"]);
        o.l = Some(l);
        o.c = Some(c);
        let r = analyse(&t, &o, None).unwrap();
        sensitive(&r, "s").criteria.recursive_cl.clone().unwrap().satisfied
    };
    assert!(!check(0.5, 2));
    assert!(check(0.51, 2));
    assert!(!check(1.0, 3));
    assert!(check(1.01, 3));
    // l = 4: tail = 1, needs c > 3; l = 5 > 4 values always fails.
    assert!(!check(3.0, 4));
    assert!(check(3.5, 4));
    assert!(!check(1000.0, 5));
}

#[test]
fn ordered_emd_by_hand_with_ties_and_empty_cells() {
    // Values 1 < 2 < 3 < (empty); "1", "1.0" and "01" are one number.
    // Table: 1 x3, 2 x2, 3 x2, empty x1: q = (3, 2, 2, 1) / 8, m = 4.
    // Class X = {1, 1.0, 01, 2}: p = (3, 1, 0, 0) / 4 = (6, 2, 0, 0) / 8.
    //   cumulative p − q: 3/8, 3/8, 1/8, 0 -> D = (7/8) / 3 = 7/24.
    // Class Y = {2, 3, 3, empty}: p = (0, 1, 2, 1) / 4 = (0, 2, 4, 2) / 8.
    //   cumulative p − q: −3/8, −3/8, −1/8, 0 -> D = 7/24 as well.
    let t =
        table(&[("q", &["X", "X", "X", "X", "Y", "Y", "Y", "Y"]), ("s", &["1", "1.0", "01", "2", "2", "3", "3", ""])]);
    let r = analyse(&t, &options(&["q"], &["s"]), None).unwrap();
    let s = sensitive(&r, "s");
    assert_eq!(s.distance, Distance::Ordered);
    assert_eq!(s.distinct_values, 4);
    assert!((s.t_closeness - 7.0 / 24.0).abs() < 1e-15, "{}", s.t_closeness);
    // Class X holds one number three times and another once: 2 distinct values.
    assert_eq!(s.l_distinct, 2);

    // The same cells as text: the equal distance, and "1", "1.0", "01" are three values.
    let mut o = options(&["q"], &[]);
    o.sensitive = vec![SensitiveColumn { name: "s".into(), distance: DistanceChoice::Equal, order: None }];
    let r = analyse(&t, &o, None).unwrap();
    let s = sensitive(&r, "s");
    assert_eq!((s.distance, s.distinct_values, s.l_distinct), (Distance::Equal, 6, 3));
    // q = (1,1,1,2,2,1)/8 over ("1","1.0","01","2","3",""); X = (1,1,1,1,0,0)/4:
    // ½(3·1/8 + 0 + 2/8 + 1/8) = 3/8.
    assert!((s.t_closeness - 3.0 / 8.0).abs() < 1e-15);
}

#[test]
fn a_user_order_decides_the_ordered_distance() {
    // low < mid < high: a class of only "high" is as far as can be
    // from a table that is mostly "low".
    let t = table(&[("q", &["A", "A", "A", "B"]), ("grade", &["low", "low", "low", "high"])]);
    let mut o = options(&["q"], &[]);
    o.sensitive = vec![SensitiveColumn {
        name: "grade".into(),
        distance: DistanceChoice::Auto,
        order: Some(vec!["low".into(), "mid".into(), "high".into()]),
    }];
    let r = analyse(&t, &o, None).unwrap();
    let s = sensitive(&r, "grade");
    // "mid" is not in the table: m = 2, q = (3/4, 1/4); class B: |0 − 3/4| / 1 = 3/4.
    assert_eq!((s.distance, s.distinct_values), (Distance::Ordered, 2));
    assert!((s.t_closeness - 0.75).abs() < 1e-15);
    // A value missing from the order is an error naming the column and row.
    o.sensitive[0].order = Some(vec!["low".into()]);
    let err = analyse(&t, &o, None).unwrap_err();
    assert_eq!(err.kind(), &PrivacyErrorKind::NotInOrder { column: "grade".into(), row: 4 });
    assert!(!err.to_string().contains("high"));
}

#[test]
fn suppressed_rows_are_left_out_of_classes_but_not_of_the_reference() {
    // Rows 5 and 6 are suppressed (all quasi-identifiers `*`).
    let t = table(&[
        ("age", &["30", "30", "40", "40", "*", "*"]),
        ("zip", &["75001", "75001", "69001", "69001", "*", "*"]),
        ("s", &["a", "b", "a", "b", "c", "c"]),
    ]);
    let mut o = options(&["age", "zip"], &["s"]);
    o.suppressed_marker = Some("*".into());
    let r = analyse(&t, &o, None).unwrap();
    assert_eq!((r.rows, r.suppressed, r.classes, r.k, r.sample_uniques), (6, 2, 2, 2, 0));
    assert_eq!(r.prosecutor.average, 0.5);
    let s = sensitive(&r, "s");
    assert_eq!(s.l_distinct, 2);
    // Reference over all 6 rows: q = (1/3, 1/3, 1/3); each class p = (1/2, 1/2, 0):
    // ½(1/6 + 1/6 + 1/3) = 1/3.
    assert!((s.t_closeness - 1.0 / 3.0).abs() < 1e-15);
    // Without the marker the `*` rows are one more class of 2.
    o.suppressed_marker = None;
    let r = analyse(&t, &o, None).unwrap();
    assert_eq!((r.suppressed, r.classes, r.k), (0, 3, 2));
    assert_eq!(sensitive(&r, "s").l_distinct, 1);
    // An explicit mask does the same as the marker.
    let r = analyse(&t, &o, Some(&[false, false, false, false, true, true])).unwrap();
    assert_eq!((r.suppressed, r.classes), (2, 2));
}

#[test]
fn empty_cells_group_together() {
    let t = table(&[("zip", &["", "75001", "", "75001", ""]), ("sex", &["F", "F", "F", "M", "F"])]);
    let r = analyse(&t, &options(&["zip", "sex"], &[]), None).unwrap();
    // ("", F) x3, (75001, F), (75001, M)
    assert_eq!((r.classes, r.k, r.sample_uniques), (3, 1, 2));
    assert_eq!(r.class_sizes.last().map(|s| (s.size, s.classes)), Some((3, 1)));
}

#[test]
fn the_report_has_its_documented_field_names() {
    let table = adult();
    let mut o = options(&["sex", "race"], &["salary-class"]);
    o.l = Some(2);
    o.c = Some(3.0);
    o.t = Some(0.2);
    let r = analyse(&table, &o, None).unwrap();
    let json = serde_json::to_value(&r).unwrap();
    for field in ["rows", "suppressed", "classes", "k", "sample_uniques", "class_sizes", "prosecutor", "sensitive"] {
        assert!(json.get(field).is_some(), "{field}");
    }
    for field in ["highest", "average", "records_at_risk"] {
        assert!(json["prosecutor"].get(field).is_some(), "{field}");
    }
    assert!(json["prosecutor"]["records_at_risk"]["0.2"].is_number());
    let s = &json["sensitive"]["salary-class"];
    for field in ["l_distinct", "l_entropy", "t_closeness", "distance", "distinct_values"] {
        assert!(s.get(field).is_some(), "{field}");
    }
    for check in ["l_distinct", "l_entropy", "recursive_cl", "t_closeness"] {
        assert!(s["criteria"][check]["satisfied"].is_boolean(), "{check}");
    }
    let back: RiskReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn errors_name_columns_and_never_cells() {
    let table = adult();
    let err = analyse(&table, &options(&["age", "zip"], &[]), None).unwrap_err();
    assert_eq!(err.code(), "unknown_column");
    assert!(err.to_string().contains("`zip`"));
    let err = analyse(&table, &options(&[], &["salary-class"]), None).unwrap_err();
    assert_eq!(err.code(), "no_quasi_identifier");
    let mut o = options(&["age"], &[]);
    o.sensitive = vec![SensitiveColumn { name: "occupation".into(), distance: DistanceChoice::Ordered, order: None }];
    let err = analyse(&table, &o, None).unwrap_err();
    assert_eq!(err.kind(), &PrivacyErrorKind::NotNumeric { column: "occupation".into(), row: 1 });
    assert!(!err.to_string().contains("Adm-clerical"), "{err}");
}

mod random_tables {
    //! Random small tables: the report equals a naive computation on tuples of strings.
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    const ALPHABET: [&str; 5] = ["", "a", "b", "10", "2"];

    fn naive(rows: &[(Vec<&str>, &str)], mask: &[bool], all: &[&str]) -> (usize, usize, usize, usize, f64, f64) {
        let mut classes: HashMap<Vec<&str>, Vec<&str>> = HashMap::new();
        for ((qi, s), &suppressed) in rows.iter().zip(mask) {
            if !suppressed {
                classes.entry(qi.clone()).or_default().push(s);
            }
        }
        let k = classes.values().map(Vec::len).min().unwrap_or(0);
        let uniques = classes.values().filter(|c| c.len() == 1).count();
        let mut l_distinct = usize::MAX;
        let mut min_entropy = f64::INFINITY;
        let mut t: f64 = 0.0;
        let mut reference: HashMap<&str, f64> = HashMap::new();
        for s in all {
            *reference.entry(s).or_default() += 1.0 / all.len() as f64;
        }
        for values in classes.values() {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for v in values {
                *counts.entry(v).or_default() += 1;
            }
            l_distinct = l_distinct.min(counts.len());
            let n = values.len() as f64;
            let h: f64 = counts.values().map(|&c| -(c as f64 / n) * (c as f64 / n).ln()).sum();
            min_entropy = min_entropy.min(h);
            let d: f64 =
                reference.iter().map(|(v, q)| (counts.get(v).copied().unwrap_or(0) as f64 / n - q).abs()).sum::<f64>()
                    / 2.0;
            t = t.max(d);
        }
        (classes.len(), k, uniques, l_distinct, min_entropy.exp(), t)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn report_equals_a_naive_computation(
            cells in proptest::collection::vec((0..5usize, 0..3usize, 0..2usize, 0..5usize, any::<bool>()), 1..60),
        ) {
            let rows: Vec<(Vec<&str>, &str)> = cells
                .iter()
                .map(|&(a, b, c, s, _)| (vec![ALPHABET[a], ALPHABET[b], ALPHABET[c]], ALPHABET[s]))
                .collect();
            let mut mask: Vec<bool> = cells.iter().map(|c| c.4).collect();
            if mask.iter().all(|&m| m) {
                mask[0] = false;
            }
            let all: Vec<&str> = rows.iter().map(|r| r.1).collect();
            let table = Table::new(vec![
                Column::from_values("a", rows.iter().map(|r| r.0[0])),
                Column::from_values("b", rows.iter().map(|r| r.0[1])),
                Column::from_values("c", rows.iter().map(|r| r.0[2])),
                Column::from_values("s", all.iter()),
            ])
            .unwrap();
            let mut o = options(&["a", "b", "c"], &[]);
            o.sensitive = vec![SensitiveColumn { name: "s".into(), distance: DistanceChoice::Equal, order: None }];
            let r = analyse(&table, &o, Some(&mask)).unwrap();
            let (classes, k, uniques, l, l_entropy, t) = naive(&rows, &mask, &all);
            prop_assert_eq!(r.suppressed, mask.iter().filter(|&&m| m).count());
            prop_assert_eq!((r.classes, r.k, r.sample_uniques), (classes, k, uniques));
            let s = sensitive(&r, "s");
            prop_assert_eq!(s.l_distinct, l);
            prop_assert!((s.l_entropy - l_entropy).abs() < 1e-9, "{} vs {}", s.l_entropy, l_entropy);
            prop_assert!((s.t_closeness - t).abs() < 1e-12, "{} vs {}", s.t_closeness, t);
            let analysed = rows.len() - r.suppressed;
            prop_assert_eq!(r.prosecutor.average, classes as f64 / analysed as f64);
        }
    }
}
