//! The Adult fixture (`tests/fixtures/adult`) with ARX's hierarchies and the
//! quasi-identifiers of ARX's benchmark (salary-class sensitive), shared by
//! the search tests (`#[path = "common/adult.rs"] mod adult;`).
#![allow(dead_code)]

use masque::table::{read_table, ReadOptions, Table};

pub const ADULT: &[u8] = include_bytes!("../fixtures/adult/adult.csv");

/// ARX's benchmark quasi-identifiers, in its order.
pub const ADULT_QI: [&str; 8] =
    ["age", "sex", "race", "marital-status", "education", "native-country", "workclass", "occupation"];

/// ARX's column order in `TestAnonymizationRiskBased` (all nine columns).
pub const ARX_RISK_QI: [&str; 9] =
    ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation", "salary-class"];

/// The nine quasi-identifiers of [`ARX_RISK_QI`] with ARX's hierarchies, 4 %
/// suppression, the optimal search, `metric`, and `extra` members.
pub fn risk_config(metric: &str, extra: &str) -> masque::search::AnonymiseConfig {
    let text = format!(
        r#"{{"quasi_identifiers": {{{}}}, "suppression_limit": 0.04, "metric": "{metric}", "search": "optimal"{extra}}}"#,
        quasi_identifiers_of(&ARX_RISK_QI)
    );
    masque::search::AnonymiseConfig::from_json(&text).unwrap()
}

/// The Adult table.
pub fn adult() -> Table {
    read_table(ADULT, &ReadOptions::default()).expect("the Adult fixture reads").table
}

/// ARX's hierarchy of the column `name`, as CSV text.
pub fn hierarchy(name: &str) -> String {
    let path = format!("{}/tests/fixtures/adult/adult_hierarchy_{name}.csv", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("the hierarchy fixture reads")
}

/// The members of a configuration's `quasi_identifiers` object: every one of
/// [`ADULT_QI`] with its hierarchy inline.
pub fn quasi_identifiers() -> String {
    quasi_identifiers_of(&ADULT_QI)
}

/// The members of a configuration's `quasi_identifiers` object: each of
/// `names` with ARX's hierarchy inline, in that order.
pub fn quasi_identifiers_of(names: &[&str]) -> String {
    let qis: Vec<String> = names
        .iter()
        .map(|q| {
            format!(
                "{}: {{\"hierarchy\": {}}}",
                serde_json::to_string(q).unwrap(),
                serde_json::to_string(&hierarchy(q)).unwrap()
            )
        })
        .collect();
    qis.join(", ")
}

/// The hierarchies of [`ADULT_QI`] applied to `table`'s columns, in order.
pub fn adult_hierarchies(table: &Table) -> Vec<masque::hierarchy::ColumnHierarchy> {
    ADULT_QI
        .iter()
        .map(|q| {
            let h = masque::hierarchy::arx::parse(hierarchy(q).as_bytes()).expect("ARX's hierarchy parses");
            masque::hierarchy::ColumnHierarchy::new(table.column(q).expect("an Adult column"), &h)
                .expect("the hierarchy fits its column")
        })
        .collect()
}

/// ARX's quasi-identifiers in `TestAnonymizationDPresence` on Adult: every
/// column but `occupation` (the test's sensitive attribute, given no
/// criterion), in ARX's column order, the order of its transformations.
pub const ARX_DPRESENCE_QI: [&str; 8] =
    ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "salary-class"];

/// The rows of the Adult fixture that ARX's `DataSubset.create` selects from
/// its `adult_subset.csv` (`tests/fixtures/adult/adult_subset_rows.txt`):
/// 0-based data-row indices, ascending.
pub fn arx_subset_rows() -> Vec<usize> {
    let path = format!("{}/tests/fixtures/adult/adult_subset_rows.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path)
        .expect("the subset fixture reads")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().parse().expect("a row index"))
        .collect()
}

/// The table made of `rows` of `table` (every column), in that order.
pub fn rows_of(table: &Table, rows: &[usize]) -> Table {
    let columns = table
        .columns
        .iter()
        .map(|c| masque::table::Column::from_values(&c.name, rows.iter().map(|&r| c.get(r))))
        .collect();
    Table::new(columns).expect("the rows make a table")
}

/// The non-uniform entropy of `file` with each of `qis` at its level of
/// `levels` (ARX's hierarchies) and nothing suppressed (k = 1): the
/// generalisation part of the entropy alone, ARX's monotonic entropy.
pub fn unsuppressed_entropy(file: &Table, qis: &[&str], levels: &[usize]) -> f64 {
    let qis: Vec<String> = qis
        .iter()
        .zip(levels)
        .map(|(q, l)| {
            format!(
                "{}: {{\"hierarchy\": {}, \"min_level\": {l}, \"max_level\": {l}}}",
                serde_json::to_string(q).unwrap(),
                serde_json::to_string(&hierarchy(q)).unwrap()
            )
        })
        .collect();
    let text = format!(r#"{{"quasi_identifiers": {{{}}}, "k": 1, "metric": "entropy"}}"#, qis.join(", "));
    let config = masque::search::AnonymiseConfig::from_json(&text).unwrap();
    masque::search::search(file, &config, &mut masque::search::Unlimited).unwrap().metric
}
