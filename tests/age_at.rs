//! `age_at`: a date of birth replaced by the age at another date of the same
//! row; whole years, the 29 February rule, bands, invalid cells, the output
//! header, batches of rows, and errors that quote no cell.
#![cfg(not(target_arch = "wasm32"))]

use masque::policy::{apply, apply_bytes, ApplyError, ApplyOptions, ApplyReport, Policy};
use masque::table::{read_table, write_table, ReadOptions};

fn policy(json: &str) -> Policy {
    Policy::from_json(json).unwrap_or_else(|e| panic!("{e}"))
}

fn run(csv: &str, json: &str) -> Result<(String, ApplyReport), ApplyError> {
    let out = apply_bytes(csv.as_bytes(), &ReadOptions::default(), &policy(json), None, &ApplyOptions::default())?;
    Ok((String::from_utf8(out.output).unwrap(), out.report))
}

const STAYS: &str = "\
id;date_naissance;date_entree;dp
1;15/06/1950;14/06/2020;I21
2;15/06/1950;15/06/2020;I21
3;29/02/1952;28/02/2023;J18
4;29/02/1952;01/03/2023;J18
5;29/02/1952;29/02/2024;J18
6;;01/01/2020;E11
7;1950-13-01;01/01/2020;E11
8;01/01/1950;;E11
9;01/01/1950;pas de date;E11
10;02/01/2021;01/01/2021;E11
11;2000-01-01;2020-01-01;C50
";

#[test]
fn whole_years_at_the_row_date_and_the_29_february_rule() {
    let (out, report) =
        run(STAYS, r#"{"version": 1, "columns": {"date_naissance": {"action": "age_at", "at": "date_entree"}}}"#)
            .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    // the age takes the place of the date of birth, under its own header
    assert_eq!(lines[0], "id;age;date_entree;dp");
    let ages: Vec<&str> = lines[1..].iter().map(|l| l.split(';').nth(1).unwrap()).collect();
    // the day before the 70th birthday, the birthday; born 29 February:
    // not yet 71 on 28 February 2023, 71 on 1 March 2023, 72 on 29 February 2024
    assert_eq!(ages, ["69", "70", "70", "71", "72", "", "", "", "", "", "20"]);
    let c = &report.columns[1];
    assert_eq!((c.name.as_str(), c.action.as_str()), ("date_naissance", "age_at"));
    assert_eq!((c.at.as_deref(), c.renamed.as_deref()), (Some("date_entree"), Some("age")));
    assert_eq!((c.empty, c.invalid, c.distinct_out), (1, 4, 6));
    let reasons: Vec<(&str, usize)> = c.invalid_reasons.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(reasons, [("after_reference", 1), ("at_date", 1), ("date", 1), ("missing_at", 1)]);
    assert_eq!(c.invalid_rows, [7, 8, 9, 10]);
    assert_eq!(c.on_invalid.as_deref(), Some("redact"));
    assert_eq!(report.invalid_total, 4);
    // the admission date is untouched
    assert!(lines[1].ends_with(";14/06/2020;I21"));
}

#[test]
fn bands_top_coding_name_and_redaction() {
    let json = r#"{"version": 1, "columns": {"date_naissance": {"action": "age_at", "at": "date_entree",
        "name": "age_entree", "width": 5, "top": 71, "redact_with": "?"}}}"#;
    let (out, _) = run(STAYS, json).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id;age_entree;date_entree;dp");
    let ages: Vec<&str> = lines[1..].iter().map(|l| l.split(';').nth(1).unwrap()).collect();
    assert_eq!(ages, ["65-69", "70", "70", "71+", "71+", "", "?", "?", "?", "?", "20-24"]);
    let json = r#"{"version": 1, "columns": {"date_naissance": {"action": "age_at", "at": "date_entree", "bounds": [18, 65]}}}"#;
    let (out, _) = run(STAYS, json).unwrap();
    let ages: Vec<String> = out.lines().skip(1).map(|l| l.split(';').nth(1).unwrap().to_string()).collect();
    assert_eq!(ages[..5], ["65+", "65+", "65+", "65+", "65+"]);
    assert_eq!(ages[10], "18-64");
}

#[test]
fn the_entry_round_trips_and_bad_entries_name_their_path() {
    let p = policy(r#"{"version": 1, "columns": {"d": {"action": "age_at", "at": "e"}}}"#);
    assert_eq!(Policy::from_value(&p.to_value()).unwrap(), p);
    assert_eq!(p.columns["d"].to_entry(), serde_json::json!({"action": "age_at", "at": "e"}));
    for (json, want) in [
        (r#"{"d": {"action": "age_at"}}"#, "columns.d.at: must name the column"),
        (
            r#"{"d": {"action": "age_at", "at": "e", "on_invalid": "keep"}}"#,
            "columns.d.on_invalid: must be \"redact\" or \"error\"",
        ),
        (r#"{"d": {"action": "age_at", "at": "e", "width": 0}}"#, "columns.d.width: must be at least 1"),
        (r#"{"d": {"action": "age_at", "at": "e", "width": 5, "bounds": [10]}}"#, "columns.d: give at most one"),
        (
            r#"{"d": {"action": "age_at", "at": "e", "bounds": [10, 5]}}"#,
            "columns.d.bounds: must be strictly increasing",
        ),
        (r#"{"d": {"action": "age_at", "at": "e", "name": " "}}"#, "columns.d.name: must be a column header"),
        (r#"{"d": {"action": "age_at", "at": "e", "reference": "2020-01-01"}}"#, "columns.d.reference: unknown field"),
    ] {
        let text = format!(r#"{{"version": 1, "columns": {json}}}"#);
        let e = Policy::from_json(&text).unwrap_err().to_string();
        assert!(e.starts_with(want), "{e}");
    }
    // checked against the table: the `at` column exists, is another column, the header is free
    for (json, want) in [
        (
            r#"{"date_naissance": {"action": "age_at", "at": "date_sortie"}}"#,
            "columns.date_naissance.at: no column `date_sortie`",
        ),
        (
            r#"{"date_naissance": {"action": "age_at", "at": "date_naissance"}}"#,
            "columns.date_naissance.at: must name another column",
        ),
        (
            r#"{"date_naissance": {"action": "age_at", "at": "date_entree", "name": "dp"}}"#,
            "columns.date_naissance.name: another output column",
        ),
    ] {
        let e = run(STAYS, &format!(r#"{{"version": 1, "columns": {json}}}"#)).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
    }
    // a dropped column frees its header
    let json = r#"{"version": 1, "columns": {"dp": "drop", "date_naissance": {"action": "age_at", "at": "date_entree", "name": "dp"}}}"#;
    assert!(run(STAYS, json).unwrap().0.starts_with("id;dp;date_entree\n"));
}

#[test]
fn on_invalid_error_names_the_row_not_the_value() {
    let json = r#"{"version": 1, "columns": {"date_naissance": {"action": "age_at", "at": "date_entree", "on_invalid": "error"}}}"#;
    let e = run(STAYS, json).unwrap_err().to_string();
    assert!(e.contains("row 7") && e.contains("date_naissance"), "{e}");
    for cell in ["1950-13-01", "pas de date", "01/01/2020"] {
        assert!(!e.contains(cell), "{e}");
    }
}

/// A row's age depends on that row alone: transforming any split of the rows
/// (as Spark's partitions are) and joining the outputs gives the same cells.
#[test]
fn batches_of_rows_give_the_same_cells() {
    let p = policy(
        r#"{"version": 1, "columns": {"date_naissance": {"action": "age_at", "at": "date_entree", "width": 10},
            "date_entree": {"action": "generalise", "to": "year"}}}"#,
    );
    let lines: Vec<&str> = STAYS.lines().collect();
    let whole = read_table(STAYS.as_bytes(), &ReadOptions::default()).unwrap();
    let all = apply(&whole.table, &p, None, &ApplyOptions::default()).unwrap();
    let all = String::from_utf8(write_table(&all.table, &whole.dialect).unwrap()).unwrap();
    for split in 1..lines.len() - 1 {
        let mut joined = String::new();
        for part in [&lines[1..=split], &lines[split + 1..]] {
            let csv = format!("{}\n{}\n", lines[0], part.join("\n"));
            let read = read_table(csv.as_bytes(), &ReadOptions::default()).unwrap();
            let out = apply(&read.table, &p, None, &ApplyOptions::default()).unwrap();
            let text = String::from_utf8(write_table(&out.table, &read.dialect).unwrap()).unwrap();
            let mut rows = text.lines();
            let header = rows.next().unwrap();
            if joined.is_empty() {
                joined.push_str(header);
                joined.push('\n');
            }
            for r in rows {
                joined.push_str(r);
                joined.push('\n');
            }
        }
        assert_eq!(joined, all, "split after row {split}");
    }
}

/// The at column may itself be shifted, dropped or generalised: the age reads its input.
#[test]
fn the_at_column_may_be_transformed_too() {
    for (action, threads) in [("\"drop\"", 1), ("{\"action\": \"generalise\", \"to\": \"year\"}", 3)] {
        let json = format!(
            r#"{{"version": 1, "columns": {{"date_entree": {action}, "date_naissance": {{"action": "age_at", "at": "date_entree"}}}}}}"#
        );
        let read = read_table(STAYS.as_bytes(), &ReadOptions::default()).unwrap();
        let options = ApplyOptions { threads, ..ApplyOptions::default() };
        let owned = masque::policy::apply_owned(read.table.clone(), &policy(&json), None, &options).unwrap();
        let borrowed = apply(&read.table, &policy(&json), None, &options).unwrap();
        assert_eq!(owned.table, borrowed.table);
        let age = owned.table.columns.iter().find(|c| c.name == "age").unwrap();
        assert_eq!(age.get(1), "70");
    }
}

/// The age of `birth` at `at`, both `dd/mm/yyyy` or `yyyy-mm-dd`, computed
/// here on its own as an oracle (birthdays reached: month and day compared).
fn oracle_age(birth: &str, at: &str) -> Option<i32> {
    let ymd = |v: &str| -> Option<(i32, u32, u32)> {
        let p: Vec<&str> = v.split(['/', '-']).collect();
        let n = |s: &str| s.parse::<u32>().ok();
        match p.as_slice() {
            [d, m, y] if y.len() == 4 => Some((n(y)? as i32, n(m)?, n(d)?)),
            [y, m, d] if y.len() == 4 => Some((n(y)? as i32, n(m)?, n(d)?)),
            _ => None,
        }
    };
    let (by, bm, bd) = ymd(birth)?;
    let (ay, am, ad) = ymd(at)?;
    Some(ay - by - i32::from((am, ad) < (bm, bd)))
}

/// The suggested defaults on the fixtures: the date of birth becomes an age
/// at admission for at least 95 % of rows (every row the oracle can read),
/// and the suggested anonymise section (each quasi-identifier with its
/// suggested hierarchy, the age in place of the date of birth, k = 11)
/// cleans the file.
#[test]
fn the_suggested_defaults_give_an_age_for_95_percent_of_rows() {
    use masque::clean::{clean, Unmonitored};
    use masque::search::AnonymiseConfig;
    use masque::suggest::{suggest_columns, Role};
    let key = masque::pseudo::Key::from_random([9; 32]);
    for file in ["cohort_quirks_200.csv", "cohort_cp1252_40.csv"] {
        let bytes = std::fs::read(format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let read = read_table(&bytes, &ReadOptions::default()).unwrap();
        let suggestions = suggest_columns(&read.table.columns);
        let mut columns = serde_json::Map::new();
        let mut qis = serde_json::Map::new();
        for (c, s) in read.table.columns.iter().zip(&suggestions) {
            columns.insert(c.name.clone(), s.policy_entry());
            if s.role == Role::QuasiIdentifier {
                let name = match &s.action {
                    masque::policy::Action::AgeAt(a) => a.name.clone(),
                    _ => c.name.clone(),
                };
                qis.insert(name, serde_json::json!({"builder": s.hierarchy}));
            }
        }
        assert_eq!(columns["date_naissance"], serde_json::json!({"action": "age_at", "at": "date_entree"}), "{file}");
        assert!(qis.contains_key("age") && !qis.contains_key("date_naissance"), "{file}");
        assert_eq!(qis["age"], serde_json::json!({"builder": {"age_bands": {}}}), "{file}");
        let p = policy(&serde_json::json!({"version": 1, "columns": columns}).to_string());
        let applied = apply(&read.table, &p, Some(&key), &ApplyOptions::default()).unwrap();
        let age = applied.table.column("age").unwrap();
        let (birth, at) = (read.table.column("date_naissance").unwrap(), read.table.column("date_entree").unwrap());
        let mut with_age = 0;
        for r in 0..read.table.rows {
            let want = oracle_age(birth.get(r), at.get(r));
            if let Some(want) = want {
                assert_eq!(age.get(r), want.to_string(), "{file}: row {}", r + 1);
            }
            with_age += usize::from(!age.get(r).is_empty());
        }
        assert!(with_age * 100 >= read.table.rows * 95, "{file}: {with_age} of {} rows", read.table.rows);

        let config =
            AnonymiseConfig::from_value(serde_json::json!({"quasi_identifiers": qis, "k": 11, "recoding": "local"}))
                .unwrap();
        let cleaned = clean(
            std::borrow::Cow::Borrowed(&read.table),
            &p,
            Some(&key),
            &ApplyOptions::default(),
            Some(&config),
            &mut Unmonitored,
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        let result = cleaned.result.unwrap();
        assert!(result.k >= 11, "{file}: k = {}", result.k);
        assert!(result.levels.get("age").is_some(), "{file}");
    }
}
