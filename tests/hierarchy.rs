//! Hierarchies: ARX's CSV files bound to their columns, builders on French
//! exports, and the checks (a value missing, a level that splits a group),
//! whose errors name the column and the row, never the value.
#![cfg(not(target_arch = "wasm32"))]

use masque::hierarchy::{arx, Builder, ColumnError, ColumnHierarchy, Hierarchy};
use masque::table::{read_table, Column, ReadOptions, Table};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn table(name: &str) -> Table {
    let bytes = std::fs::read(format!("{FIXTURES}/{name}")).unwrap();
    read_table(&bytes, &ReadOptions::default()).unwrap().table
}

fn builder(json: &str) -> Builder {
    serde_json::from_str(json).unwrap()
}

/// The label of each row of `column` at `level`.
fn labels(h: &ColumnHierarchy, column: &Column, level: usize) -> Vec<String> {
    column.codes.iter().map(|&c| h.labels(level).get(h.map(level)[c as usize]).to_string()).collect()
}

#[test]
fn adult_hierarchies_bind_to_their_columns() {
    let adult = table("adult/adult.csv");
    let expected = [
        ("age", 5, 100),
        ("sex", 2, 2),
        ("race", 2, 5),
        ("marital-status", 3, 7),
        ("education", 4, 16),
        ("native-country", 3, 41),
        ("workclass", 3, 8),
        ("occupation", 3, 14),
        ("salary-class", 2, 2),
    ];
    for (name, height, rows) in expected {
        let text = std::fs::read(format!("{FIXTURES}/adult/adult_hierarchy_{name}.csv")).unwrap();
        let h = arx::parse(&text).unwrap();
        let column = adult.column(name).unwrap();
        let bound = ColumnHierarchy::new(column, &h).unwrap();
        assert_eq!((bound.height(), bound.hierarchy_rows()), (height, rows), "{name}");
        // Level 0 is the value itself; the top is `*` for every row.
        assert_eq!(
            labels(&bound, column, 0),
            column.codes.iter().map(|&c| column.dict.get(c).to_string()).collect::<Vec<_>>()
        );
        assert!(labels(&bound, column, height - 1).iter().all(|l| l == "*"), "{name}");
        // Row counts per label add up at every level.
        for level in 0..height {
            assert_eq!(bound.label_counts(level).iter().sum::<u64>(), 30_162);
            assert_eq!(bound.label_rows(level).iter().map(|&r| r as usize).sum::<usize>(), rows);
        }
    }
    // Age 39 (row 1): 35-39, 30-39, 20-39, *.
    let h = arx::parse(&std::fs::read(format!("{FIXTURES}/adult/adult_hierarchy_age.csv")).unwrap()).unwrap();
    let age = adult.column("age").unwrap();
    let bound = ColumnHierarchy::new(age, &h).unwrap();
    let first: Vec<String> = (0..5).map(|l| labels(&bound, age, l)[0].clone()).collect();
    assert_eq!(first, ["39", "35-39", "30-39", "20-39", "*"]);
}

#[test]
fn arx_small_hierarchies_without_a_final_newline() {
    let t = table("arx-small/test2.csv");
    for (name, height) in [("ZIPCode", 6), ("Age", 3), ("Disease", 4)] {
        let text = std::fs::read(format!("{FIXTURES}/arx-small/test2_hierarchy_{name}.csv")).unwrap();
        let h = arx::parse(&text).unwrap();
        let bound = ColumnHierarchy::new(t.column(name).unwrap(), &h).unwrap();
        assert_eq!(bound.height(), height, "{name}");
    }
}

#[test]
fn builders_on_a_french_export() {
    let cohort = table("cohort_cp1252_40.csv");
    let check = |column: &str, json: &str| -> (ColumnHierarchy, Hierarchy) {
        let c = cohort.column(column).unwrap();
        let h = builder(json).build(c).unwrap();
        (ColumnHierarchy::new(c, &h).unwrap(), h)
    };
    let (_, h) = check("code_postal", r#"{"code_postal": {}}"#);
    assert_eq!(h.generalise("44000", 1), Some("44"));
    assert_eq!(h.generalise("44000", 2), Some("Pays de la Loire"));
    assert_eq!(h.generalise("13001", 2), Some("Provence-Alpes-Côte d'Azur"));
    let (_, h) = check("date_naissance", r#"{"dates": {}}"#);
    assert_eq!(
        (1..6).map(|l| h.generalise("24/11/1945", l).unwrap()).collect::<Vec<_>>(),
        ["1945-11", "1945-Q4", "1945", "1940-1949", "*"]
    );
    let (_, h) = check("poids_kg", r#"{"intervals": {"widths": [5, 10]}}"#);
    assert_eq!(h.generalise("72,2", 1), Some("[70-75["));
    assert_eq!(h.generalise("72,2", 2), Some("[70-80["));
    let (_, h) = check("diag_principal", r#"{"mask": {"levels": 2}}"#);
    assert_eq!(h.generalise("I48.9", 2), Some("I48**"));
    let (bound, h) = check(
        "mode_entree",
        r#"{"order": {"values": ["Domicile", "Urgences", "Mutation", "Transfert"], "sizes": [2]}}"#,
    );
    assert_eq!(h.generalise("Urgences", 1), Some("{Domicile, Urgences}"));
    assert_eq!(bound.labels_in_use(1), 2);
    let age: Vec<String> = (0..40).map(|i| (i * 3).to_string()).collect();
    let ages = Column::from_values("age", age.iter());
    let h = builder(r#"{"age_bands": {}}"#).build(&ages).unwrap();
    assert_eq!(h.generalise("93", 1), Some("90+"));
    assert_eq!(h.generalise("33", 3), Some("20-39"));
}

#[test]
fn builder_errors_name_the_column_and_row() {
    let cohort = table("cohort_cp1252_40.csv");
    let err = builder(r#"{"dates": {}}"#).build(cohort.column("nom").unwrap()).unwrap_err();
    assert_eq!(
        err,
        ColumnError::Unbuildable { column: "nom".into(), row: 1, expected: "a date with a four-digit year" }
    );
    let err = builder(r#"{"code_postal": {}}"#).build(cohort.column("commune").unwrap()).unwrap_err();
    assert_eq!(err.to_string(), "column `commune`: the value in row 1 is not a French code postal");
    assert!(!err.to_string().contains("Nantes"));
    let err = builder(r#"{"order": {"values": ["Domicile"], "sizes": [2]}}"#)
        .build(cohort.column("mode_entree").unwrap())
        .unwrap_err();
    assert_eq!(err.code(), "unbuildable");
    let err = builder(r#"{"intervals": {"widths": [10, 15]}}"#).build(cohort.column("poids_kg").unwrap()).unwrap_err();
    assert!(err.to_string().contains("widths[1] must be a whole multiple"), "{err}");
}

#[test]
fn hierarchy_checks_name_the_column_and_row() {
    let cohort = table("cohort_cp1252_40.csv");
    let sexe = cohort.column("sexe").unwrap();
    // F only: the first M row is named.
    let h = arx::parse(b"F;*\n").unwrap();
    let err = ColumnHierarchy::new(sexe, &h).unwrap_err();
    let first_m = sexe.codes.iter().position(|&c| sexe.dict.get(c) == "M").unwrap() + 1;
    assert_eq!(err, ColumnError::NotInHierarchy { column: "sexe".into(), row: first_m });
    // Level 2 splits the group of level 1.
    let h = arx::parse(b"F;x;a\nM;x;b\n").unwrap();
    let err = ColumnHierarchy::new(sexe, &h).unwrap_err();
    assert_eq!(err, ColumnError::NotCoarsening { column: "sexe".into(), level: 2, row: 2, first_row: 1 });
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,3}(,[0-9])?",
            "-?[0-9]{1,4}\\.[0-9]{1,3}",
            "[0-3][0-9]/[01][0-9]/(19|20)[0-9]{2}",
            "(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]",
            "(2A|2B|97|[0-9]{2})[0-9]{0,3}",
            "[a-zé*;,\"]{0,6}",
            Just(String::new()),
        ]
    }

    fn builder_json() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            r#"{"intervals": {"widths": [5, 10, 20]}}"#,
            r#"{"intervals": {"widths": [0.5, 1e308], "origin": -1e308}}"#,
            r#"{"intervals": {"widths": [3, 3]}}"#,
            r#"{"dates": {}}"#,
            r#"{"dates": {"levels": ["decade"]}}"#,
            r#"{"mask": {"levels": 0}}"#,
            r#"{"mask": {"levels": 50, "character": "é"}}"#,
            r#"{"order": {"values": ["a", "b", "a"], "sizes": [2]}}"#,
            r#"{"order": {"values": [], "sizes": [0]}}"#,
            r#"{"age_bands": {}}"#,
            r#"{"code_postal": {}}"#,
            r#"{"departement": {}}"#,
            r#"{"flat": {}}"#,
        ])
    }

    /// The labels of each level, for the values the hierarchy was bound to.
    fn check_bound(column: &Column, h: &ColumnHierarchy) -> Result<(), TestCaseError> {
        for level in 0..h.height() {
            let map = h.map(level);
            prop_assert_eq!(map.len(), column.dict.len());
            prop_assert!(map.iter().all(|&label| (label as usize) < h.labels(level).len()));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// A builder on messy cells builds a hierarchy that binds to the
        /// column, or says why with the column's name: never a panic.
        #[test]
        fn builders_on_messy_cells_never_panic(json in builder_json(), cells in prop::collection::vec(cell(), 1..30)) {
            let builder: Builder = match serde_json::from_str(json) {
                Ok(b) => b,
                Err(_) => return Ok(()), // refused by its own validation
            };
            let column = Column::from_values("c", cells.iter().map(String::as_str));
            match builder.build(&column) {
                Ok(hierarchy) => match ColumnHierarchy::new(&column, &hierarchy) {
                    Ok(bound) => check_bound(&column, &bound)?,
                    Err(e) => prop_assert_eq!(e.column(), "c"),
                },
                Err(e) => prop_assert_eq!(e.column(), "c"),
            }
        }

        /// Any text as an ARX hierarchy file: an error, or a hierarchy that
        /// binds to a column of its first values or says why.
        #[test]
        fn any_hierarchy_file_parses_or_fails_cleanly(text in "([a-c0-9*;,\"]{0,3}(;|,|\\n|\\r\\n)){0,24}") {
            let Ok(hierarchy) = arx::parse(text.as_bytes()) else { return Ok(()) };
            let firsts: Vec<&str> = text.lines().filter_map(|l| l.split([';', ',']).next()).collect();
            let column = Column::from_values("c", firsts.iter().copied());
            if let Ok(bound) = ColumnHierarchy::new(&column, &hierarchy) {
                check_bound(&column, &bound)?;
            }
        }
    }
}
