//! `privacy::analyse_weighted` on the aggregate of a table (its distinct rows
//! with their counts, in any order) gives the very report `privacy::analyse`
//! gives on the rows: field for field, bit for bit.

use masque::privacy::{analyse, analyse_weighted, AnalysisOptions, DistanceChoice, SensitiveColumn};
use masque::table::{Column, Table};
use proptest::prelude::*;

/// The table's distinct rows (all columns) with their counts, in order of
/// first appearance, then rotated by `rotate` (the order must not matter).
fn aggregate(columns: &[(&str, Vec<String>)], rotate: usize) -> (Table, Vec<u64>) {
    let rows = columns.first().map_or(0, |c| c.1.len());
    let mut distinct: Vec<(Vec<&str>, u64)> = Vec::new();
    let mut index: std::collections::HashMap<Vec<&str>, usize> = std::collections::HashMap::new();
    for r in 0..rows {
        let row: Vec<&str> = columns.iter().map(|c| c.1[r].as_str()).collect();
        match index.get(&row) {
            Some(&i) => distinct[i].1 += 1,
            None => {
                index.insert(row.clone(), distinct.len());
                distinct.push((row, 1));
            }
        }
    }
    if !distinct.is_empty() {
        let by = rotate % distinct.len();
        distinct.rotate_left(by);
    }
    let table = Table::new(
        columns
            .iter()
            .enumerate()
            .map(|(i, (name, _))| Column::from_values(name, distinct.iter().map(|(row, _)| row[i])))
            .collect(),
    )
    .unwrap();
    (table, distinct.iter().map(|(_, n)| *n).collect())
}

fn table(columns: &[(&str, Vec<String>)]) -> Table {
    Table::new(columns.iter().map(|(name, values)| Column::from_values(name, values.iter())).collect()).unwrap()
}

fn owned(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

fn options(qi: &[&str], sensitive: &[&str]) -> AnalysisOptions {
    AnalysisOptions {
        qi: qi.iter().map(|s| s.to_string()).collect(),
        sensitive: sensitive.iter().map(|s| SensitiveColumn::named(s)).collect(),
        ..Default::default()
    }
}

/// Both reports, as JSON text (what `masque analyse --json` prints) and as values.
fn check(columns: &[(&str, Vec<String>)], options: &AnalysisOptions, rotate: usize) {
    let rows = table(columns);
    let (weighted, weights) = aggregate(columns, rotate);
    let expected = analyse(&rows, options, None).map_err(|e| e.to_string());
    let got = analyse_weighted(&weighted, &weights, options).map_err(|e| e.to_string());
    match (&expected, &got) {
        (Ok(a), Ok(b)) => {
            assert_eq!(serde_json::to_string(a).unwrap(), serde_json::to_string(b).unwrap());
            assert_eq!(a, b);
        }
        (Err(_), Err(_)) => {}
        _ => panic!("analyse {expected:?} but analyse_weighted {got:?}"),
    }
}

#[test]
fn every_figure_of_a_hand_made_table() {
    let columns = [
        ("age", owned(&["30", "30", "41", "41", "41", "52", "", "", "30", "41"])),
        ("sex", owned(&["F", "F", "M", "M", "M", "F", "M", "M", "F", "F"])),
        ("diag", owned(&["flu", "flu", "flu", "asthma", "flu", "cold", "", "flu", "cold", "flu"])),
        ("weight", owned(&["70", "72,5", "80", "80", "95", "60", "", "70", "70.0", "88"])),
    ];
    let mut o = options(&["age", "sex"], &["diag", "weight"]);
    o.l = Some(2);
    o.c = Some(2.0);
    o.t = Some(0.3);
    o.thresholds = vec![0.2, 0.5, 0.1];
    o.population = Some(1000);
    for rotate in 0..4 {
        check(&columns, &o, rotate);
    }
    let (weighted, weights) = aggregate(&columns, 0);
    let r = analyse_weighted(&weighted, &weights, &o).unwrap();
    // Pinned: classes {30 F: 3}, {41 M: 3}, {52 F: 1}, { M: 2}, {41 F: 1}.
    assert_eq!((r.rows, r.classes, r.k, r.sample_uniques), (10, 5, 1, 2));
    assert_eq!(r.prosecutor.average, 0.5);
    assert_eq!(r.sensitive.get("diag").unwrap().l_distinct, 1);
    // A marker and an ordered distance with a given order.
    let mut o = options(&["age", "sex"], &["diag"]);
    o.suppressed_marker = Some("".into());
    o.sensitive[0].distance = DistanceChoice::Ordered;
    o.sensitive[0].order = Some(owned(&["cold", "flu", "asthma"]));
    o.t = Some(0.5);
    check(&columns, &o, 1);
}

#[test]
fn errors_are_those_of_the_rows_and_of_the_weights() {
    let t = Table::new(vec![Column::from_values("a", ["1", "2"])]).unwrap();
    let o = options(&["a"], &[]);
    let code = |w: &[u64]| analyse_weighted(&t, w, &o).unwrap_err().code();
    assert_eq!(code(&[1]), "length_mismatch");
    assert_eq!(code(&[1, 0]), "bad_parameter");
    assert_eq!(code(&[u64::MAX, 1]), "too_many_rows");
    // A class past 32-bit sizes.
    assert_eq!(code(&[u64::from(u32::MAX), 1]), "too_many_rows");
    assert_eq!(analyse_weighted(&t, &[1, 1], &options(&["b"], &[])).unwrap_err().code(), "unknown_column");
    let empty = Table::new(vec![Column::from_values("a", Vec::<&str>::new())]).unwrap();
    assert_eq!(analyse_weighted(&empty, &[], &o).unwrap_err().code(), "empty_table");
    // Classes larger than a table could hold rows are fine as long as each fits.
    let r = analyse_weighted(&t, &[3_000_000_000, 4_000_000_000], &o).unwrap();
    assert_eq!((r.rows, r.k, r.classes), (7_000_000_000, 3_000_000_000, 2));
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), (0u8..4).prop_map(|n| n.to_string()), Just("x".to_string())]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_aggregate_gives_the_rows_report(
        rows in prop::collection::vec((cell(), cell(), cell(), cell()), 1..60),
        l in prop::option::of(1u32..4),
        t in prop::option::of(0.0f64..1.0),
        marker in any::<bool>(),
        population in prop::option::of(0u64..200),
        rotate in 0usize..10,
    ) {
        let columns = [
            ("q1", rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>()),
            ("q2", rows.iter().map(|r| r.1.clone()).collect()),
            ("s1", rows.iter().map(|r| r.2.clone()).collect()),
            ("s2", rows.iter().map(|r| r.3.clone()).collect()),
        ];
        let mut o = options(&["q1", "q2"], &["s1", "s2"]);
        o.l = l;
        o.c = l.map(|_| 1.5);
        o.t = t;
        o.suppressed_marker = marker.then(|| "x".to_string());
        o.population = population.map(|p| p + rows.len() as u64);
        check(&columns, &o, rotate);
    }
}

#[path = "common/adult.rs"]
mod adult;

/// `search::anonymise_weighted` on Adult's distinct rows (quasi-identifiers and
/// the sensitive salary class) with their counts: the result of the rows, and
/// every row's output is its distinct row's.
#[test]
fn the_aggregate_anonymises_as_the_rows() {
    use masque::search::{anonymise, anonymise_weighted, AnonymiseConfig, Unlimited};

    let rows = adult::adult();
    let mut keep: Vec<&str> = adult::ADULT_QI.to_vec();
    keep.push("salary-class");
    let columns: Vec<(&str, Vec<String>)> = keep
        .iter()
        .map(|name| {
            let c = rows.column(name).unwrap();
            (*name, (0..rows.rows).map(|r| c.get(r).to_string()).collect())
        })
        .collect();
    let narrow = table(&columns);
    let (weighted, weights) = aggregate(&columns, 3);
    assert!(weighted.rows < narrow.rows);
    for (suppressed_rows, l) in [("remove", 1), ("mask", 2)] {
        let config = AnonymiseConfig::from_json(&format!(
            "{{\"quasi_identifiers\": {{{}}}, \"sensitive\": {{\"salary-class\": {{\"l_distinct\": {l}}}}}, \"k\": 5, \
             \"suppression_limit\": 0.04, \"suppressed_rows\": \"{suppressed_rows}\"}}",
            adult::quasi_identifiers()
        ))
        .unwrap();
        let expected = anonymise(&narrow, &config, &mut Unlimited).unwrap();
        let got = anonymise_weighted(&weighted, &weights, &config, &mut Unlimited).unwrap();
        let (e, g) = (&expected.result, &got.result);
        assert_eq!(
            (&g.levels, g.suppressed, g.classes, g.k, g.rows),
            (&e.levels, e.suppressed, e.classes, e.k, e.rows)
        );
        assert_eq!(g.metric, e.metric);
        assert_eq!(serde_json::to_value(&g.risk_before).unwrap(), serde_json::to_value(&e.risk_before).unwrap());
        assert_eq!(serde_json::to_value(&g.risk_after).unwrap(), serde_json::to_value(&e.risk_after).unwrap());
        assert!((g.ncp.value - e.ncp.value).abs() < 1e-12);
        assert!(e.suppressed > 0);
        // Expand the per-distinct-row outputs and compare them with the rows' output, as multisets.
        let mut from_rows: Vec<Vec<String>> = (0..expected.table.rows)
            .map(|r| keep.iter().map(|n| expected.table.column(n).unwrap().get(r).to_string()).collect())
            .collect();
        let mut from_weighted: Vec<Vec<String>> = Vec::new();
        for (i, &w) in weights.iter().enumerate() {
            if got.kept[i] {
                let row: Vec<String> = keep.iter().map(|n| got.table.column(n).unwrap().get(i).to_string()).collect();
                from_weighted.extend(std::iter::repeat_n(row, w as usize));
            }
        }
        from_rows.sort();
        from_weighted.sort();
        assert_eq!(from_rows, from_weighted);
    }
    let bad = AnonymiseConfig::from_json("{\"quasi_identifiers\": {\"sex\": {}}, \"recoding\": \"local\"}").unwrap();
    assert_eq!(anonymise_weighted(&weighted, &weights, &bad, &mut Unlimited).unwrap_err().code(), "bad_config");
    let flat = AnonymiseConfig::from_json("{\"quasi_identifiers\": {\"sex\": {}}}").unwrap();
    assert_eq!(anonymise_weighted(&weighted, &weights[1..], &flat, &mut Unlimited).unwrap_err().code(), "bad_config");
}
