//! What the local-recoding tests share (`tests/local_recoding.rs`,
//! `tests/local_iterative.rs`): Adult's configuration, the check that an
//! output is a private generalisation of its input, random hierarchies.
#![allow(dead_code)]

use masque::hierarchy::Hierarchy;
use masque::privacy::{analyse, AnalysisOptions};
use masque::search::{AnonymiseConfig, Anonymised, Recoding};
use masque::table::Table;

use super::adult::quasi_identifiers;

pub fn adult_config(k: u32, extra: &str) -> AnonymiseConfig {
    let text = format!(r#"{{"quasi_identifiers": {{{}}}, "k": {k}{extra}}}"#, quasi_identifiers());
    AnonymiseConfig::from_json(&text).unwrap()
}

/// Checks that every quasi-identifier cell of `out` is its input value or
/// one of its ancestors, every other column unchanged, every row kept, and
/// that the output is `k`-anonymous by the analysis.
pub fn check_local(input: &Table, done: &Anonymised, hierarchies: &[(&str, &Hierarchy)], k: usize) {
    let out = &done.table;
    assert_eq!(out.rows, input.rows);
    assert_eq!(done.result.retained, input.rows);
    assert_eq!(done.result.suppressed, 0);
    assert_eq!(done.result.recoding, Recoding::Local);
    for (column, before) in out.columns.iter().zip(&input.columns) {
        assert_eq!(column.name, before.name);
        let h = hierarchies.iter().find(|(n, _)| *n == column.name).map(|(_, h)| *h);
        for row in 0..input.rows {
            let (a, b) = (column.get(row), before.get(row));
            match h {
                None => assert_eq!(a, b, "column {} row {row}", column.name),
                Some(h) => assert!(
                    (0..h.height()).any(|l| h.generalise(b, l) == Some(a)),
                    "column {} row {row}: {a:?} is not an ancestor of {b:?}",
                    column.name
                ),
            }
        }
    }
    let qi: Vec<String> = hierarchies.iter().map(|(n, _)| n.to_string()).collect();
    let report = analyse(out, &AnalysisOptions { qi, ..Default::default() }, None).unwrap();
    assert!(report.k >= k, "k = {} < {k}", report.k);
    let after = done.result.risk_after.as_ref().unwrap();
    assert_eq!((after.k, after.classes), (report.k, report.classes));
    assert_eq!((done.result.k, done.result.classes), (report.k, report.classes));
}

/// A random hierarchy over values `v0..v{n}`: each level groups the labels
/// of the level below into blocks of random sizes, the top is `*`.
pub fn random_hierarchy(values: usize, fanouts: &[usize]) -> String {
    let mut labels: Vec<Vec<String>> = vec![(0..values).map(|v| format!("v{v}")).collect()];
    let mut group: Vec<usize> = (0..values).collect();
    for (level, &fanout) in fanouts.iter().enumerate() {
        let groups = group.iter().max().map_or(0, |&g| g + 1);
        let parent: Vec<usize> = (0..groups).map(|g| g / fanout.max(2)).collect();
        group = group.iter().map(|&g| parent[g]).collect();
        labels.push(group.iter().map(|g| format!("L{}g{g}", level + 1)).collect());
    }
    labels.push(vec!["*".to_string(); values]);
    (0..values).map(|v| labels.iter().map(|l| l[v].as_str()).collect::<Vec<_>>().join(";") + "\n").collect()
}
