//! The policy: validation with paths, every action on small tables, date
//! shifting, determinism, the correspondence table, and the leak tests.
#![cfg(not(target_arch = "wasm32"))]

use masque::policy::{apply, apply_bytes, apply_owned, ApplyError, ApplyOptions, ApplyReport, Policy};
use masque::pseudo::Key;
use masque::table::{read_table, ReadOptions, Table};
use proptest::prelude::*;

fn test_key() -> Key {
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = i as u8;
    }
    Key::from_random(bytes)
}

fn policy(json: &str) -> Policy {
    Policy::from_json(json).unwrap_or_else(|e| panic!("{e}"))
}

fn table(csv: &str) -> Table {
    read_table(csv.as_bytes(), &ReadOptions::default()).unwrap().table
}

/// Applies `json` to `csv` with the test key; output as text and the report.
fn run(csv: &str, json: &str) -> (String, ApplyReport) {
    let out = apply_bytes(
        csv.as_bytes(),
        &ReadOptions::default(),
        &policy(json),
        Some(&test_key()),
        &ApplyOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    (String::from_utf8(out.output).unwrap(), out.report)
}

fn run_err(csv: &str, json: &str) -> ApplyError {
    apply_bytes(csv.as_bytes(), &ReadOptions::default(), &policy(json), Some(&test_key()), &ApplyOptions::default())
        .unwrap_err()
}

/// The values of column `name` in a `;`-separated output without quoting.
fn column(out: &str, name: &str) -> Vec<String> {
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let i = header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    lines.map(|l| l.split(';').nth(i).unwrap().to_string()).collect()
}

/// The report of the column written as `name` (its own, or the one `age_at` renames).
fn col_report<'a>(r: &'a ApplyReport, name: &str) -> &'a masque::policy::ColumnReport {
    r.columns
        .iter()
        .find(|c| c.renamed.as_deref() == Some(name))
        .or_else(|| r.columns.iter().find(|c| c.name == name))
        .unwrap()
}

#[test]
fn validation_errors_name_paths() {
    let cases = [
        (r#"{"version": 1, "columns": {"nir": {"action": "hsh"}}}"#, "columns.nir.action: unknown action \"hsh\""),
        (
            r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nirr"}}}"#,
            "columns.nir.kind: unknown variant `nirr`",
        ),
        (
            r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "encodng": "hex"}}}"#,
            "columns.nir.encodng: unknown field `encodng`",
        ),
        (
            r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "encoding": "hex", "length": 49}}}"#,
            "columns.nir.length: must be between 10 and 48",
        ),
        (
            r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "prefix": "012345678901234567890123456789012"}}}"#,
            "columns.nir.prefix: must be at most 32 characters",
        ),
        (
            r#"{"version": 1, "columns": {"d": {"action": "generalise", "to": "age", "bounds": [18]}}}"#,
            "columns.d.reference: must be a date",
        ),
        (
            r#"{"version": 1, "columns": {"d": {"action": "generalise", "to": "age", "reference": "2026-01-01"}}}"#,
            "columns.d: give exactly one of `width` or `bounds`",
        ),
        (
            r#"{"version": 1, "columns": {"d": {"action": "generalise", "to": "top_bottom", "top": 1, "bottom": 5}}}"#,
            "columns.d.bottom: must be below `top`",
        ),
        (
            r#"{"version": 1, "columns": {"d": {"action": "generalise", "to": "map", "map": {}}}}"#,
            "columns.d.map: must hold at least one value",
        ),
        (
            r#"{"version": 1, "columns": {"d": {"action": "generalise", "to": "year", "on_invalid": "pseudonymise"}}}"#,
            "columns.d.on_invalid: unknown variant `pseudonymise`",
        ),
        (
            r#"{"version": 1, "columns": {"d": {"action": "mask", "keep_start": -1}}}"#,
            "columns.d.keep_start: invalid value",
        ),
        (r#"{"version": 1, "columns": {"d": {"action": "drop", "with": "x"}}}"#, "columns.d.with: unknown field"),
        (
            r#"{"version": 1, "columns": {"d": {"action": "date_shift", "max_days": 10}}}"#,
            "columns.d: missing field `subject`",
        ),
        (r#"{"version": 1, "columns": {"d": {"with": "x"}}}"#, "columns.d.action: missing"),
        (r#"{"version": 1, "columns": []}"#, "columns: must be an object"),
        (r#"{"version": 1, "default": "redact"}"#, "default: must be \"keep\" or \"drop\""),
        (r#"{"version": 1, "extra": true}"#, "extra: unknown field"),
        (r#"{"version": 1, "anonymise": 11}"#, "anonymise: must be an object"),
        (r#"{"version": 1, "anonymise": {"k": "eleven"}}"#, "anonymise.k: invalid type"),
        (r#"{"version": 1, "anonymise": {"quasi_identifiers": {}, "kk": 2}}"#, "anonymise.kk: unknown field"),
        (r#"{"version": "1"}"#, "version: must be a whole number"),
        (r#"[1]"#, "a policy must be a JSON object"),
    ];
    for (json, expected) in cases {
        let err = Policy::from_json(json).unwrap_err().to_string();
        assert!(err.starts_with(expected), "{json}\n  gave: {err}\n  want: {expected}");
    }
}

#[test]
fn the_anonymise_section_is_kept_and_written_back() {
    let text = r#"{"version": 1, "columns": {"nir": "drop"},
        "anonymise": {"quasi_identifiers": {"sexe": {}}, "k": 11, "suppression_limit": 0.04}}"#;
    let p = Policy::from_json(text).unwrap();
    let section = p.anonymise.as_ref().expect("kept");
    assert_eq!(section["k"], 11);
    let back = Policy::from_value(&p.to_value()).unwrap();
    assert_eq!(back, p);
    assert_eq!(p.to_value()["anonymise"]["suppression_limit"], 0.04);
    // applying ignores it
    assert_eq!(column(&run("nir;sexe\n1;F\n", text).0, "sexe"), vec!["F"]);
}

#[test]
fn fixture_policies_parse() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/policies/");
    for name in ["example.json", "cohort.json", "bench.json", "hierarchy.json"] {
        let text = std::fs::read_to_string(format!("{dir}{name}")).unwrap();
        Policy::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let bad = std::fs::read_to_string(format!("{dir}bad_action.json")).unwrap();
    assert!(Policy::from_json(&bad).unwrap_err().to_string().starts_with("columns.nir.action: unknown action \"hsh\""));
}

#[test]
fn named_columns_must_exist() {
    let err = run_err("nir;nom\n1;a\n", r#"{"version": 1, "columns": {"NOM": "drop"}}"#);
    assert_eq!(err.to_string(), "policy: columns.NOM: no column `NOM` in the file (did you mean `nom`?)");
    let err = run_err(
        "nir;d\n1;01/01/2020\n",
        r#"{"version": 1, "columns": {"d": {"action": "date_shift", "subject": "patient", "max_days": 5}}}"#,
    );
    assert_eq!(err.to_string(), "policy: columns.d.subject: no column `patient` in the file");
}

#[test]
fn a_key_is_needed_only_for_pseudonyms_and_shifts() {
    let t = table("a;b\nx;y\n");
    let p = policy(r#"{"version": 1, "columns": {"a": {"action": "pseudonymise"}}}"#);
    assert_eq!(
        apply(&t, &p, None, &ApplyOptions::default()).unwrap_err(),
        ApplyError::KeyRequired { column: "a".into() }
    );
    let p = policy(r#"{"version": 1, "columns": {"a": "drop", "b": "redact"}}"#);
    let applied = apply(&t, &p, None, &ApplyOptions::default()).unwrap();
    assert_eq!(applied.report.key_fingerprint, None);
}

#[test]
fn policies_built_in_code_are_checked_too() {
    let t = table("a;b\n5;x\n");
    let mut p =
        policy(r#"{"version": 1, "columns": {"a": {"action": "generalise", "to": "interval", "bounds": [1, 2]}}}"#);
    if let Some(masque::policy::Action::Generalise(masque::policy::Generalise::Interval(i))) = p.columns.get_mut("a") {
        i.bounds = Some(Vec::new());
    }
    let err = apply(&t, &p, None, &ApplyOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "policy: columns.a.bounds: must hold at least one limit");
    let mut p = policy(r#"{"version": 1, "columns": {"a": {"action": "pseudonymise"}}}"#);
    if let Some(masque::policy::Action::Pseudonymise(x)) = p.columns.get_mut("a") {
        x.length = 0;
    }
    let err = apply(&t, &p, Some(&test_key()), &ApplyOptions::default()).unwrap_err();
    assert!(err.to_string().starts_with("policy: columns.a.length: must be between 8 and 38"), "{err}");
    let p = policy(
        r#"{"version": 1, "columns": {"a": {"action": "mask", "keep_start": 18446744073709551615, "keep_end": 2}}}"#,
    );
    let applied = apply(&t, &p, None, &ApplyOptions::default()).unwrap();
    assert_eq!(applied.table.columns[0].dict.get(0), "*");
}

#[test]
fn dropping_everything_is_an_error() {
    let err = run_err("a;b\nx;y\n", r#"{"version": 1, "default": "drop"}"#);
    assert!(err.to_string().contains("drops every column"));
}

#[test]
fn keep_drop_redact_mask_and_default() {
    let csv = "nir;nom;tel;note;autre\n1;DUPONT;0612345678;x;a\n2;;06;y;b\n";
    let (out, r) = run(
        csv,
        r##"{"version": 1, "default": "drop",
            "columns": {"nir": "keep", "nom": {"action": "redact", "with": "XX"},
                        "tel": {"action": "mask", "keep_start": 2, "keep_end": 2},
                        "note": {"action": "mask", "char": "#"}}}"##,
    );
    assert_eq!(out, "nir;nom;tel;note\n1;XX;06******78;#\n2;;**;#\n");
    assert_eq!(col_report(&r, "autre").action, "drop");
    assert!(col_report(&r, "autre").by_default);
    assert_eq!(col_report(&r, "nom").empty, 1);
    assert_eq!((r.columns_in, r.columns_out, r.rows_in, r.rows_out), (5, 4, 2, 2));
    let (out, _) = run("a;b\nx;  \n", r#"{"version": 1, "columns": {"b": "redact"}}"#);
    assert_eq!(out, "a;b\nx;\n", "blank cells stay empty");
    let (out, _) = run("a;b\nx;y\n", r#"{"version": 1, "columns": {"b": "redact"}}"#);
    assert_eq!(out, "a;b\nx;[REDACTED]\n");
}

#[test]
fn pseudonymise_nir_with_the_often_quoted_pair() {
    let csv = "nir;x\n1 85 05 75 115 423 57;a\n185057511542357;b\n185057511542355;c\n1 85 05 75 115 423 55;d\n;e\n";
    let (out, r) = run(csv, r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir"}}}"#);
    let nir = column(&out, "nir");
    assert_eq!(nir, ["4BB5XHCNTNP2XNOG", "4BB5XHCNTNP2XNOG", "24NW4YCQ5LVLKNYL", "24NW4YCQ5LVLKNYL", ""]);
    let c = col_report(&r, "nir");
    assert_eq!((c.invalid, c.empty, c.distinct_in, c.distinct_out), (2, 1, 5, 3));
    assert_eq!(c.invalid_reasons.get("nir_key"), Some(&2));
    assert_eq!(c.invalid_rows, [1, 2]);
    assert_eq!(c.on_invalid.as_deref(), Some("pseudonymise"));
    assert_eq!(r.key_fingerprint.as_deref(), Some("047a-5a85-6f2e-532d"));
    assert_eq!(r.invalid_total, 2);

    let (out, _) = run(
        csv,
        r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir", "on_invalid": "redact", "redact_with": "?"}}}"#,
    );
    assert_eq!(column(&out, "nir"), ["?", "?", "24NW4YCQ5LVLKNYL", "24NW4YCQ5LVLKNYL", ""]);

    let err = run_err(
        csv,
        r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir", "on_invalid": "error"}}}"#,
    );
    assert_eq!(
        err.to_string(),
        "row 1, column `nir`: the NIR's check key does not match (the policy says on_invalid: \"error\")"
    );
    assert!(!err.to_string().contains("185"));
}

#[test]
fn pseudonymise_formats_and_kinds() {
    let csv = "nom;mail;tel\nHélène;Jean.Dupont@Orange.FR;06 12 34 56 78\nHELENE;pas un mail;+33 6 12 34 56 78\n";
    let (out, r) = run(
        csv,
        r#"{"version": 1, "columns": {
            "nom": {"action": "pseudonymise", "kind": "text", "encoding": "hex", "length": 20, "prefix": "N-"},
            "mail": {"action": "pseudonymise", "kind": "email", "encoding": "base64url", "length": 22},
            "tel": {"action": "pseudonymise", "kind": "phone"}}}"#,
    );
    assert_eq!(column(&out, "nom"), ["N-3074a3b2040f7f9e5d10", "N-3074a3b2040f7f9e5d10"]);
    assert_eq!(column(&out, "mail")[0], "aaEQzUVzTDhAOGyoRMCD-J");
    assert_eq!(column(&out, "mail")[1].len(), 22);
    assert_eq!(col_report(&r, "mail").invalid_reasons.get("email_shape"), Some(&1));
    assert_eq!(column(&out, "tel"), ["CRGR74QZXIJP57U7", "CRGR74QZXIJP57U7"]);
    assert_eq!(col_report(&r, "nom").detail.as_deref(), Some("text"));
}

#[test]
fn generalise_dates() {
    let csv = "d\n31/12/2024\n2024-07-01\n1/2/2021\n20210103\ninconnue\n";
    let get = |to: &str| {
        let (out, r) =
            run(csv, &format!(r#"{{"version": 1, "columns": {{"d": {{"action": "generalise", "to": "{to}"}}}}}}"#));
        (out.lines().skip(1).map(str::to_string).collect::<Vec<_>>(), r)
    };
    let (year, r) = get("year");
    // The unreadable date is redacted to the empty value, which a one-column table writes quoted.
    assert_eq!(year, ["2024", "2024", "2021", "2021", "\"\""]);
    assert_eq!(col_report(&r, "d").invalid_reasons.get("date"), Some(&1));
    assert_eq!(col_report(&r, "d").invalid_rows, [5]);
    assert_eq!(get("quarter").0[..4], ["2024-Q4", "2024-Q3", "2021-Q1", "2021-Q1"]);
    assert_eq!(get("month").0[..4], ["2024-12", "2024-07", "2021-02", "2021-01"]);
    assert_eq!(get("week").0[..4], ["2025-W01", "2024-W27", "2021-W05", "2020-W53"]);
    let (out, _) = run(
        "d;e\n02/01/2024;x\n",
        r#"{"version": 1, "columns": {"d": {"action": "generalise", "to": "month", "order": "mdy"}}}"#,
    );
    assert_eq!(column(&out, "d"), ["2024-02"]);
    let (out, _) = run(
        "d;e\nbad;x\n",
        r#"{"version": 1, "columns": {"d": {"action": "generalise", "to": "year", "on_invalid": "keep"}}}"#,
    );
    assert_eq!(column(&out, "d"), ["bad"]);
}

#[test]
fn generalise_numbers() {
    let csv = "age;poids;x\n34;74,6;a\n7;80,0;b\n90;-2;c\nabc;;d\n";
    let (out, r) = run(
        csv,
        r#"{"version": 1, "columns": {
            "age": {"action": "generalise", "to": "interval", "bounds": [18, 65, 90]},
            "poids": {"action": "generalise", "to": "interval", "width": 2.5, "origin": 0}}}"#,
    );
    assert_eq!(column(&out, "age"), ["18-64", "<18", "90+", ""]);
    assert_eq!(column(&out, "poids"), ["[72,5-75[", "[80-82,5[", "[-2,5-0[", ""]);
    assert_eq!(col_report(&r, "age").invalid_reasons.get("number"), Some(&1));
    let (out, _) = run(
        csv,
        r#"{"version": 1, "columns": {"age": {"action": "generalise", "to": "interval", "width": 10, "on_invalid": "keep"}}}"#,
    );
    assert_eq!(column(&out, "age"), ["30-39", "0-9", "90-99", "abc"]);
    let (out, _) = run(
        csv,
        r#"{"version": 1, "columns": {"age": {"action": "generalise", "to": "top_bottom", "top": 90, "bottom": 10}, "poids": {"action": "generalise", "to": "top_bottom", "top": 80}}}"#,
    );
    assert_eq!(column(&out, "age"), ["34", "<10", "90+", ""]);
    assert_eq!(column(&out, "poids"), ["74,6", "80+", "-2", ""]);
}

#[test]
fn generalise_age_postcode_map_hierarchy() {
    let csv = "ddn;cp;mode;sexe\n01/01/1990;75011;Urgences;F\n02/01/1990;2000;Domicile;M\n15/06/1930;97411;Autre;X\n01/01/2030;1234567;Urgences;F\n";
    let (out, r) = run(
        csv,
        r#"{"version": 1, "columns": {
            "ddn": {"action": "generalise", "to": "age", "reference": "2026-01-01", "width": 5, "top": 90},
            "cp": {"action": "generalise", "to": "departement"},
            "mode": {"action": "generalise", "to": "map", "map": {"Urgences": "U", "Domicile": "D"}, "on_invalid": "redact", "redact_with": "autre"},
            "sexe": {"action": "generalise", "to": "hierarchy", "hierarchy": "F;Femme;*\nM;Homme;*\n", "level": 1}}}"#,
    );
    assert_eq!(column(&out, "ddn"), ["35-39", "35-39", "90+", ""]);
    assert_eq!(col_report(&r, "ddn").invalid_reasons.get("after_reference"), Some(&1));
    assert_eq!(column(&out, "cp"), ["75", "02", "974", ""]);
    assert_eq!(col_report(&r, "cp").invalid_reasons.get("postcode"), Some(&1));
    assert_eq!(column(&out, "mode"), ["U", "D", "autre", "U"]);
    assert_eq!(column(&out, "sexe"), ["Femme", "Homme", "", "Femme"]);
    assert_eq!(col_report(&r, "sexe").invalid_reasons.get("not_in_hierarchy"), Some(&1));
    let (out, _) = run(
        "ddn;x\n01/01/1990;a\n01/01/1950;b\n",
        r#"{"version": 1, "columns": {"ddn": {"action": "generalise", "to": "age", "reference": "01/01/2026", "bounds": [18, 65]}}}"#,
    );
    assert_eq!(column(&out, "ddn"), ["18-64", "65+"]);
    let err = run_err(
        "s;x\nF;a\n",
        r#"{"version": 1, "columns": {"s": {"action": "generalise", "to": "hierarchy", "hierarchy_file": "h.csv", "level": 1}}}"#,
    );
    assert!(err.to_string().starts_with("policy: columns.s.hierarchy_file: the file was not loaded"), "{err}");
}

#[test]
fn hierarchy_files_resolve() {
    let mut p = policy(
        r#"{"version": 1, "columns": {"s": {"action": "generalise", "to": "hierarchy", "hierarchy_file": "h.csv", "level": 2}}}"#,
    );
    let err = p.clone().resolve_files(|_| Err("cannot read h.csv".into())).unwrap_err();
    assert_eq!(err.to_string(), "columns.s.hierarchy_file: cannot read h.csv");
    p.resolve_files(|path| {
        assert_eq!(path, "h.csv");
        Ok("F;Femme;*\nM;Homme;*\n".into())
    })
    .unwrap();
    let applied = apply(&table("s;x\nF;1\nM;2\n"), &p, None, &ApplyOptions::default()).unwrap();
    assert_eq!(applied.table.columns[0].dict.iter().collect::<Vec<_>>(), ["*"]);
}

#[test]
fn date_shift_keeps_intervals_per_subject() {
    let csv = "nir;entree;sortie\n\
               1 85 05 75 115 423 55;01/03/2024;10/03/2024\n\
               185057511542355;2024-05-01 08:30;2024-05-03\n\
               295109912611193;01/03/2024;02/03/2024\n\
               ;01/03/2024;x\n";
    let json = r#"{"version": 1, "columns": {
        "nir": {"action": "pseudonymise", "kind": "nir"},
        "entree": {"action": "date_shift", "subject": "nir", "max_days": 365},
        "sortie": {"action": "date_shift", "subject": "nir", "max_days": 365}}}"#;
    let (out, r) = run(csv, json);
    let entree = column(&out, "entree");
    let sortie = column(&out, "sortie");
    // The frozen offset of 185057511542355 at 365 days is -278 (tests/pseudo.rs),
    // applied to both writings of the NIR and both columns; styles are kept.
    assert_eq!(entree[0], "28/05/2023");
    assert_eq!(sortie[0], "06/06/2023");
    assert_eq!(entree[1], "2023-07-28 08:30");
    assert_eq!(sortie[1], "2023-07-30");
    // Another subject gets another offset, intervals still kept.
    assert_ne!(entree[2], entree[0]);
    let day = |s: &str| masque::policy::date::parse_date(s, Default::default()).unwrap().0;
    assert_eq!(day(&sortie[2]) - day(&entree[2]), 1);
    // No subject: never shifted by a shared offset; redacted and reported.
    assert_eq!(entree[3], "");
    assert_eq!(sortie[3], "");
    let e = col_report(&r, "entree");
    assert_eq!(e.invalid_reasons.get("missing_subject"), Some(&1));
    assert_eq!(e.invalid_rows, [4]);
    assert_eq!(e.subject.as_deref(), Some("nir"));
    let s = col_report(&r, "sortie");
    assert_eq!(s.invalid_reasons.get("date"), Some(&1));
    assert_eq!(s.invalid, 1);

    let err = run_err(csv, &json.replace("\"max_days\": 365}}}", "\"max_days\": 365, \"on_invalid\": \"error\"}}}"));
    assert_eq!(
        err.to_string(),
        "row 4, column `sortie`: not a date (dd/mm/yyyy, yyyy-mm-dd, ...) (the policy says on_invalid: \"error\")"
    );
}

#[test]
fn scrub_free_text() {
    let csv = "nir;nom;prenom;commentaire\n\
               185057511542355;DUPONT;Jean;Patient Jean DUPONT, NIR 1 85 05 75 115 423 55, rappeler au 06 12 34 56 78\n\
               295109912611193;MARTIN;Anne;Vu avec sa fille, RAS\n";
    let (out, r) = run(csv, r#"{"version": 1, "columns": {"commentaire": "scrub"}}"#);
    assert_eq!(
        column(&out, "commentaire"),
        ["Patient [PRENOM] [NOM], NIR [NIR], rappeler au [TEL]", "Vu avec sa fille, RAS"]
    );
    let c = col_report(&r, "commentaire");
    assert_eq!(c.sources, ["nir", "nom", "prenom"]);
    assert_eq!(c.replaced.get("phone"), Some(&1));
    assert_eq!(c.replaced.get("surname"), Some(&1));

    // With the pseudonyms the identifier columns get.
    let (out, _) = run(
        csv,
        r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir"}, "nom": {"action": "pseudonymise", "kind": "text"},
            "commentaire": {"action": "scrub", "phone": false, "replace_with": "pseudonym"}}}"#,
    );
    let nom = column(&out, "nom");
    assert_eq!(
        column(&out, "commentaire")[0],
        format!("Patient [PRENOM] {}, NIR 24NW4YCQ5LVLKNYL, rappeler au 06 12 34 56 78", nom[0])
    );
    // Sources listed in the policy replace the inferred ones.
    let (out, _) = run(
        csv,
        r#"{"version": 1, "columns": {"commentaire": {"action": "scrub", "sources": {"prenom": "first_name"}, "nir": false, "phone": false}}}"#,
    );
    assert_eq!(
        column(&out, "commentaire")[0],
        "Patient [PRENOM] DUPONT, NIR 1 85 05 75 115 423 55, rappeler au 06 12 34 56 78"
    );
    let err = run_err(
        csv,
        r#"{"version": 1, "columns": {"commentaire": {"action": "scrub", "sources": {"name": "surname"}}}}"#,
    );
    assert_eq!(err.to_string(), "policy: columns.commentaire.sources.name: no column `name` in the file");
}

#[test]
fn suggested_policies_apply() {
    // The policy entries `inspect` suggests (crate::ident::suggest) are valid
    // policy entries that apply as they are.
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cohort_quirks_200.csv")).unwrap();
    let input = read_table(&bytes, &ReadOptions::default()).unwrap();
    let mut columns = serde_json::Map::new();
    for c in &input.table.columns {
        columns.insert(c.name.clone(), masque::suggest::suggest(c).policy_entry());
    }
    let json = serde_json::json!({"version": 1, "columns": columns});
    let p = Policy::from_value(&json).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(p.columns["commentaire"], masque::policy::Action::Scrub(_)));
    let out = apply_bytes(&bytes, &ReadOptions::default(), &p, Some(&test_key()), &ApplyOptions::default()).unwrap();
    assert_no_leak(&input.table, &p, &out.output, &out.report);
}

#[test]
fn errors_come_in_column_order() {
    // The date column comes first, but the error is the subject column's.
    let csv = "entree;nir\n01/03/2024;185057511542357\n";
    let json = r#"{"version": 1, "columns": {
        "nir": {"action": "pseudonymise", "kind": "nir", "on_invalid": "error"},
        "entree": {"action": "date_shift", "subject": "nir", "max_days": 30}}}"#;
    for threads in [1, 2] {
        let err = apply_bytes(
            csv.as_bytes(),
            &ReadOptions::default(),
            &policy(json),
            Some(&test_key()),
            &ApplyOptions { threads, ..ApplyOptions::default() },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "row 1, column `nir`: the NIR's check key does not match (the policy says on_invalid: \"error\")"
        );
    }
    let err = run_err(
        "a;b\nx;y\n",
        r#"{"version": 1, "columns": {"a": {"action": "generalise", "to": "year", "on_invalid": "error"}, "b": {"action": "generalise", "to": "year", "on_invalid": "error"}}}"#,
    );
    assert!(err.to_string().starts_with("row 1, column `a`"), "{err}");
}

#[test]
fn date_shift_subject_kind_defaults_to_raw_without_pseudonymisation() {
    let csv = "id;d\n1 85 05 75 115 423 55;01/03/2024\n185057511542355;01/03/2024\n";
    let raw = r#"{"version": 1, "columns": {"d": {"action": "date_shift", "subject": "id", "max_days": 365}}}"#;
    let (out, _) = run(csv, raw);
    let d = column(&out, "d");
    assert_ne!(d[0], d[1], "raw subjects differ");
    let nir = r#"{"version": 1, "columns": {"d": {"action": "date_shift", "subject": "id", "max_days": 365, "subject_kind": "nir"}}}"#;
    let (out, _) = run(csv, nir);
    assert_eq!(column(&out, "d"), ["28/05/2023", "28/05/2023"]);
}

#[test]
fn output_is_deterministic_and_keeps_the_dialect() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cohort_cp1252_40.csv")).unwrap();
    let p = policy(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/policies/cohort.json")).unwrap(),
    );
    let key = test_key();
    let opts = ApplyOptions::default();
    let a = apply_bytes(&bytes, &ReadOptions::default(), &p, Some(&key), &opts).unwrap();
    let b = apply_bytes(&bytes, &ReadOptions::default(), &p, Some(&key), &opts).unwrap();
    assert_eq!(a.output, b.output);
    assert_eq!(a.report, b.report);
    // Windows-1252, ';', CRLF as the input; kept columns byte-identical.
    assert!(std::str::from_utf8(&a.output).is_err(), "accented labels stay in Windows-1252");
    assert!(a.output.windows(2).filter(|w| w == b"\r\n").count() >= 41);
    let input = read_table(&bytes, &ReadOptions::default()).unwrap();
    let output = read_table(&a.output, &ReadOptions::default()).unwrap();
    assert_eq!(output.dialect, input.dialect);
    assert_eq!(output.table.column("libelle_diag"), input.table.column("libelle_diag"));
    // UTF-8 on request.
    let utf8 =
        apply_bytes(&bytes, &ReadOptions::default(), &p, Some(&key), &ApplyOptions { utf8: true, ..opts.clone() })
            .unwrap();
    assert!(std::str::from_utf8(&utf8.output).is_ok());
    assert_eq!(read_table(&utf8.output, &ReadOptions::default()).unwrap().table, output.table);
    // Another key: every pseudonym changes.
    let other = apply_bytes(&bytes, &ReadOptions::default(), &p, Some(&Key::from_random([9; 32])), &opts).unwrap();
    let o = read_table(&other.output, &ReadOptions::default()).unwrap().table;
    for name in ["nir", "nom", "email", "telephone"] {
        let x: Vec<&str> = output.table.column(name).unwrap().dict.iter().collect();
        let y: Vec<&str> = o.column(name).unwrap().dict.iter().collect();
        assert!(x.iter().zip(&y).all(|(a, b)| a != b), "{name}");
    }
}

#[test]
fn owned_and_borrowed_tables_give_the_same_result() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cohort_quirks_200.csv")).unwrap();
    let p = policy(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/policies/cohort.json")).unwrap(),
    );
    let t = read_table(&bytes, &ReadOptions::default()).unwrap().table;
    let opts = ApplyOptions { correspondence: true, ..ApplyOptions::default() };
    let borrowed = apply(&t, &p, Some(&test_key()), &opts).unwrap();
    let owned = apply_owned(t.clone(), &p, Some(&test_key()), &opts).unwrap();
    assert_eq!(borrowed, owned);
    // The number of threads changes nothing.
    for threads in [1, 2, 3, 16] {
        let o = ApplyOptions { threads, ..opts.clone() };
        assert_eq!(apply(&t, &p, Some(&test_key()), &o).unwrap(), borrowed, "{threads} threads");
    }
    assert_eq!(borrowed.report.columns_in, 19);
    assert_eq!(borrowed.table.columns.len(), borrowed.report.columns_out);
}

#[test]
fn correspondence_only_when_asked() {
    let csv = "nir;nom\n185057511542355;Hélène\n1 85 05 75 115 423 55;HELENE\n";
    let p = policy(
        r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir"}, "nom": {"action": "pseudonymise", "kind": "text"}}}"#,
    );
    let key = test_key();
    let off = apply_bytes(csv.as_bytes(), &ReadOptions::default(), &p, Some(&key), &ApplyOptions::default()).unwrap();
    assert!(off.correspondence.is_none());
    let on = apply_bytes(
        csv.as_bytes(),
        &ReadOptions::default(),
        &p,
        Some(&key),
        &ApplyOptions { correspondence: true, ..ApplyOptions::default() },
    )
    .unwrap();
    assert_eq!(on.output, off.output);
    let text = String::from_utf8(on.correspondence.unwrap()).unwrap();
    assert_eq!(
        text,
        "column;pseudonym;original\n\
         nir;24NW4YCQ5LVLKNYL;185057511542355\n\
         nir;24NW4YCQ5LVLKNYL;1 85 05 75 115 423 55\n\
         nom;GB2KHMQEB57Z4XIQ;Hélène\n\
         nom;GB2KHMQEB57Z4XIQ;HELENE\n"
    );
    let report = serde_json::to_string(&on.report).unwrap();
    assert!(!report.contains("Hélène") && !report.contains("185057511542355"));
}

#[test]
fn the_key_is_never_in_output_report_or_errors() {
    let key_bytes: [u8; 32] = *b"SECRETKEYSECRETKEYSECRETKEYSECRE";
    let key = Key::from_random(key_bytes);
    let hex: String = key_bytes.iter().map(|b| format!("{b:02x}")).collect();
    let csv = "nir;d;SECRETKEY\n185057511542355;01/01/2020;x\n";
    let p = policy(
        r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir"}, "d": {"action": "date_shift", "subject": "nir", "max_days": 3}, "SECRETKEY": "drop"}}"#,
    );
    let out = apply_bytes(csv.as_bytes(), &ReadOptions::default(), &p, Some(&key), &ApplyOptions::default()).unwrap();
    let report = serde_json::to_string(&out.report).unwrap();
    for haystack in [String::from_utf8_lossy(&out.output).to_string(), report, format!("{key:?}")] {
        assert!(!haystack.contains("SECRETKEYSECRETKEY"), "{haystack}");
        assert!(!haystack.contains(&hex[..16]), "{haystack}");
    }
    let bad = policy(
        r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nir", "on_invalid": "error"}}}"#,
    );
    let err =
        apply_bytes(b"nir\nSECRETKEYSECRETKEY\n", &ReadOptions::default(), &bad, Some(&key), &ApplyOptions::default())
            .unwrap_err()
            .to_string();
    assert!(!err.contains("SECRETKEY") && !err.contains(&hex[..16]), "{err}");
}

/// Every substring-free check of the leak tests: no protected original of 4+
/// characters appears in the output or the report, unless it also appears in
/// a column the policy keeps as it is (then it is not a leak of this column).
fn assert_no_leak(input: &Table, p: &Policy, output: &[u8], report: &ApplyReport) {
    // Values are looked for in every cell read back and every report string,
    // and in the raw bytes too when they hold no quote, delimiter or line
    // break: a value holding one can appear in the raw bytes without being in
    // any cell, by the CSV quoting of a kept value (`a"` is written `"a"""`,
    // which holds `a""`) or across two neighbouring kept cells.
    let raw = String::from_utf8_lossy(output).into_owned();
    let mut haystacks = Vec::new();
    let options = ReadOptions { delimiter: Some(";".into()), ..ReadOptions::default() };
    let back = read_table(output, &options).expect("the output reads back");
    for c in &back.table.columns {
        haystacks.push(c.name.clone());
        haystacks.extend(c.dict.iter().map(str::to_string));
    }
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
                out.push(k.clone());
                strings(x, out)
            }),
            _ => {}
        }
    }
    // The same for the report: its JSON text is a haystack only for values
    // that hold none of JSON's punctuation (`true,"d` holds `e,"d`).
    let json = serde_json::to_string(report).unwrap();
    let mut report_strings = Vec::new();
    strings(&serde_json::to_value(report).unwrap(), &mut report_strings);
    let kept: Vec<&str> = input
        .columns
        .iter()
        .filter(|c| {
            matches!(
                p.action_for(&c.name).0,
                masque::policy::Action::Keep
                    | masque::policy::Action::Generalise(_)
                    | masque::policy::Action::DateShift(_)
            )
        })
        .flat_map(|c| c.dict.iter())
        .collect();
    for c in &input.columns {
        let protected = matches!(
            p.action_for(&c.name).0,
            masque::policy::Action::Pseudonymise(_)
                | masque::policy::Action::Drop
                | masque::policy::Action::Redact(_)
                | masque::policy::Action::Mask(_)
        );
        if !protected {
            continue;
        }
        for value in c.dict.iter() {
            let value = value.trim();
            if value.chars().count() < 4 || kept.iter().any(|k| k.contains(value)) {
                continue;
            }
            let special = value.contains(['"', ';', '\r', '\n']);
            assert!(
                !haystacks.iter().any(|h| h.contains(value)) && (special || !raw.contains(value)),
                "column {}: a value leaked into the output",
                c.name
            );
            let punctuated = value.contains(['"', ',', ':', '{', '}', '[', ']', '\\']);
            assert!(
                !report_strings.iter().any(|h| h.contains(value)) && (punctuated || !json.contains(value)),
                "column {}: a value leaked into the report",
                c.name
            );
        }
    }
}

#[test]
fn no_leak_on_the_quirks_cohort() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cohort_quirks_200.csv")).unwrap();
    let p = policy(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/policies/cohort.json")).unwrap(),
    );
    let input = read_table(&bytes, &ReadOptions::default()).unwrap();
    for utf8 in [false, true] {
        let out = apply_bytes(
            &bytes,
            &ReadOptions::default(),
            &p,
            Some(&test_key()),
            &ApplyOptions { utf8, ..ApplyOptions::default() },
        )
        .unwrap();
        let text = encoding_rs::WINDOWS_1252.decode(&out.output).0;
        assert_no_leak(&input.table, &p, text.as_bytes(), &out.report);
        assert_no_leak(&input.table, &p, &out.output, &out.report);
        // The quirks are there to be caught: spaced NIRs pseudonymise like compact ones.
        let nir = col_report(&out.report, "nir");
        assert_eq!(nir.invalid, 0);
        assert_eq!(nir.distinct_out, 200);
    }
}

#[test]
fn no_leak_on_the_quirks_cohort_with_scrubbed_comments() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cohort_quirks_200.csv")).unwrap();
    let p = policy(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/policies/cohort_scrub.json"))
            .unwrap(),
    );
    let input = read_table(&bytes, &ReadOptions::default()).unwrap();
    let out = apply_bytes(&bytes, &ReadOptions::default(), &p, Some(&test_key()), &ApplyOptions::default()).unwrap();
    assert_no_leak(&input.table, &p, &out.output, &out.report);
    let c = col_report(&out.report, "commentaire");
    assert_eq!(c.action, "scrub");
    assert_eq!(c.sources, ["nir", "nom", "prenom", "telephone", "email"]);
    for found in ["nir", "phone", "email", "surname"] {
        assert!(c.replaced.get(found).is_some_and(|&n| n > 0), "{found}: {:?}", c.replaced);
    }
}

/// A table of columns `c0`, `c1`, ... from rows of cells.
fn table_of(rows: &[Vec<String>]) -> Table {
    let width = rows.first().map_or(0, Vec::len);
    let columns = (0..width)
        .map(|i| masque::table::Column::from_values(&format!("c{i}"), rows.iter().map(|r| r[i].as_str())))
        .collect();
    Table::new(columns).unwrap()
}

/// Fails if `message` holds a cell of 4 characters or more.
fn quotes_no_cell(message: &str, rows: &[Vec<String>]) -> Result<(), TestCaseError> {
    for value in rows.iter().flatten().filter(|v| v.chars().count() >= 4) {
        prop_assert!(!message.contains(value.as_str()), "{}", message);
    }
    Ok(())
}

fn cell() -> impl Strategy<Value = String> {
    // Letters, accents, digits, separators, quotes and line breaks: every
    // generated value holds a lower-case letter or accent, which no pseudonym
    // (upper-case base32), label, tag or report key can hold in the same run.
    prop_oneof!["[a-zéèç0-9 ;,\"\\n]{0,6}[a-zéèç][a-zéèç0-9 ;,\"\\n]{3,12}", "[0-9]{15}", Just(String::new()),]
}

fn action() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(r#"{"action": "pseudonymise", "kind": "text"}"#),
        Just(r#"{"action": "pseudonymise", "kind": "nir"}"#),
        Just(r#"{"action": "pseudonymise", "kind": "email", "on_invalid": "redact"}"#),
        Just(r#"{"action": "pseudonymise", "kind": "phone"}"#),
        Just(r#"{"action": "pseudonymise", "kind": "raw", "encoding": "hex", "length": 12}"#),
        Just(r#"{"action": "drop"}"#),
        Just(r#"{"action": "redact"}"#),
        Just(r#"{"action": "mask", "keep_start": 1, "keep_end": 1}"#),
        Just(r#"{"action": "mask", "keep_end": 2}"#),
        Just(r#"{"action": "keep"}"#),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// For every column under pseudonymise / drop / redact / mask, no original
    /// value of 4+ characters appears in the output bytes or the report.
    #[test]
    fn no_protected_value_leaks(
        rows in prop::collection::vec(prop::collection::vec(cell(), 4), 1..25),
        actions in prop::collection::vec(action(), 4),
        utf8 in any::<bool>(),
    ) {
        let input = table_of(&rows);
        let json = format!(
            r#"{{"version": 1, "columns": {{"c0": {}, "c1": {}, "c2": {}, "c3": {}}}}}"#,
            actions[0], actions[1], actions[2], actions[3]
        );
        let p = policy(&json);
        match apply(&input, &p, Some(&test_key()), &ApplyOptions::default()) {
            Ok(applied) => {
                let dialect = masque::table::Dialect { delimiter: b';', ..masque::table::Dialect::excel_fr_utf8() };
                let dialect = if utf8 { dialect } else { masque::table::Dialect { encoding: masque::table::Encoding::Windows1252, bom: false, ..dialect } };
                let bytes = masque::table::write_table(&applied.table, &dialect).unwrap();
                let text = if utf8 { String::from_utf8(bytes).unwrap() } else { encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned() };
                assert_no_leak(&input, &p, text.as_bytes(), &applied.report);
            }
            Err(e) => {
                // Only possible when every column is dropped.
                prop_assert!(actions.iter().all(|a| a.contains("drop")), "{}", e);
            }
        }
    }
}

/// Cells that every transform must survive: dates in and out of range, in
/// every order and none, numbers with commas, exponents and no end, postcodes,
/// identifiers with spaces, accents, emoji and nothing.
fn messy_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-3][0-9]/[01][0-9]/(19|20|00|99)[0-9]{2}",
        "[0-9]{1,2}/[0-9]{1,2}/[0-9]{1,6}",
        "(-|\\+)?[0-9]{4,6}-[0-9]{2}-[0-9]{2}",
        "[0-9]{1,3}(,|\\.)[0-9]{0,3}",
        Just("1e308".to_string()),
        Just("-1e309".to_string()),
        Just("NaN".to_string()),
        Just("-0".to_string()),
        Just("18446744073709551616".to_string()),
        "(2A|2B|97|98|[0-9]{2})[0-9]{3}",
        "[12] ?[0-9]{2} ?[0-9]{2} ?[0-9A-B]{2} ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}",
        "[a-zéèç😀 .@+0-9-]{0,14}",
        Just(String::new()),
    ]
}

fn any_action() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(r#"{"action": "generalise", "to": "year"}"#),
        Just(r#"{"action": "generalise", "to": "quarter", "order": "mdy"}"#),
        Just(r#"{"action": "generalise", "to": "month", "on_invalid": "keep"}"#),
        Just(r#"{"action": "generalise", "to": "week"}"#),
        Just(r#"{"action": "generalise", "to": "age", "reference": "2026-01-01", "width": 10}"#),
        Just(r#"{"action": "generalise", "to": "age", "reference": "2026-01-01", "bounds": [18, 65], "top": 90}"#),
        Just(r#"{"action": "generalise", "to": "departement"}"#),
        Just(r#"{"action": "generalise", "to": "interval", "width": 10}"#),
        Just(r#"{"action": "generalise", "to": "interval", "width": 0.5, "origin": -3}"#),
        Just(r#"{"action": "generalise", "to": "interval", "bounds": [0, 1.5, 100]}"#),
        Just(r#"{"action": "generalise", "to": "top_bottom", "top": 90, "bottom": 5}"#),
        Just(r#"{"action": "generalise", "to": "map", "map": {"a": "x"}}"#),
        Just(r#"{"action": "date_shift", "subject": "c0", "max_days": 365}"#),
        Just(r#"{"action": "date_shift", "subject": "c0", "max_days": 36525}"#),
        Just(r#"{"action": "scrub"}"#),
        Just(r#"{"action": "pseudonymise", "kind": "nir", "on_invalid": "pseudonymise_raw"}"#),
        Just(r#"{"action": "pseudonymise", "kind": "phone", "on_invalid": "redact"}"#),
        Just(r#"{"action": "pseudonymise", "kind": "email", "on_invalid": "pseudonymise"}"#),
        Just(r#"{"action": "mask", "keep_start": 3, "keep_end": 3}"#),
        Just(r#"{"action": "age_at", "at": "c0"}"#),
        Just(r#"{"action": "age_at", "at": "c1", "bounds": [18, 65], "name": "age2"}"#),
        Just(r#"{"action": "age_at", "at": "c2", "width": 5, "top": 90, "on_invalid": "error", "order": "mdy"}"#),
        Just(r#"{"action": "keep"}"#),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Every transform on messy cells gives a table of the same rows, written
    /// and read back whole, or an error value that quotes no cell: never a panic.
    #[test]
    fn every_transform_survives_messy_cells(
        rows in prop::collection::vec(prop::collection::vec(messy_cell(), 3), 1..20),
        actions in prop::collection::vec(any_action(), 2),
    ) {
        let input = table_of(&rows);
        let json = format!(
            r#"{{"version": 1, "columns": {{"c0": {{"action": "pseudonymise", "kind": "text"}}, "c1": {}, "c2": {}}}}}"#,
            actions[0], actions[1]
        );
        let p = match Policy::from_json(&json) {
            Ok(p) => p,
            Err(e) => return Err(TestCaseError::fail(format!("{json}: {e}"))),
        };
        match apply(&input, &p, Some(&test_key()), &ApplyOptions::default()) {
            Ok(applied) => {
                prop_assert_eq!(applied.table.rows, input.rows);
                let dialect = masque::table::Dialect { delimiter: b';', ..masque::table::Dialect::excel_fr_utf8() };
                let bytes = masque::table::write_table(&applied.table, &dialect).unwrap();
                let options = ReadOptions { delimiter: Some(";".into()), ..ReadOptions::default() };
                // Cell by cell: a transform's dictionary may hold a value no row uses.
                let back = read_table(&bytes, &options).unwrap().table;
                let cells = |t: &Table| -> Vec<(String, Vec<String>)> {
                    t.columns.iter().map(|c| (c.name.clone(), (0..t.rows).map(|r| c.get(r).to_string()).collect())).collect()
                };
                prop_assert_eq!(cells(&back), cells(&applied.table));
                // The report counts the distinct values the output holds.
                for (name, column) in cells(&applied.table) {
                    let distinct: std::collections::HashSet<&String> = column.iter().collect();
                    prop_assert_eq!(col_report(&applied.report, &name).distinct_out, distinct.len(), "{}", name);
                }
            }
            Err(e) => {
                quotes_no_cell(&e.to_string(), &rows)?;
            }
        }
    }
}

#[test]
fn date_shift_counts_only_the_values_it_writes() {
    // No blank date: the blank the transform could write is not counted.
    let t = table("c0;c1\na;01/01/2000\nb;02/02/2001\nb;02/02/2001\n");
    let p = policy(
        r#"{"version": 1, "columns": {"c0": {"action": "pseudonymise", "kind": "text"}, "c1": {"action": "date_shift", "subject": "c0", "max_days": 365}}}"#,
    );
    let applied = apply(&t, &p, Some(&test_key()), &ApplyOptions::default()).unwrap();
    assert_eq!(col_report(&applied.report, "c1").distinct_out, 2);
    let t = table("c0;c1\na;01/01/2000\nb;\n");
    let applied = apply(&t, &p, Some(&test_key()), &ApplyOptions::default()).unwrap();
    assert_eq!(col_report(&applied.report, "c1").distinct_out, 2);
    assert_eq!(col_report(&applied.report, "c1").empty, 1);
}

/// A column's entry in a policy: a known action with some of its options set
/// to odd values (zero, negative, huge, fractional, unsorted, empty, unknown).
fn odd_entry() -> impl Strategy<Value = String> {
    const INTERVAL: &[&str] = &[
        r#""width": 0"#,
        r#""width": -5"#,
        r#""width": 1e308"#,
        r#""width": 0.001"#,
        r#""width": 7"#,
        r#""origin": -1e300"#,
        r#""origin": 2.5"#,
        r#""bounds": []"#,
        r#""bounds": [5, 1, 3]"#,
        r#""bounds": [1, 1]"#,
        r#""bounds": [-1e308, 1e308]"#,
        r#""bounds": [0, 200]"#,
        r#""on_invalid": "error""#,
        r#""on_invalid": "keep""#,
        r#""redact_with": """#,
    ];
    const AGE: &[&str] = &[
        r#""width": 0"#,
        r#""width": 1"#,
        r#""width": 4294967295"#,
        r#""bounds": []"#,
        r#""bounds": [65, 18]"#,
        r#""bounds": [0, 4294967295]"#,
        r#""top": 0"#,
        r#""top": 4294967295"#,
        r#""top": 90"#,
        r#""reference": "31/02/2024""#,
        r#""reference": "0001-01-01""#,
        r#""reference": "9999-12-31""#,
        r#""on_invalid": "keep""#,
        r#""order": "mdy""#,
    ];
    const TOP_BOTTOM: &[&str] = &[
        r#""top": 0"#,
        r#""top": -3"#,
        r#""top": 1e308"#,
        r#""bottom": 1e308"#,
        r#""bottom": -1e308"#,
        r#""bottom": 5"#,
        r#""on_invalid": "error""#,
        r#""redact_with": "😀""#,
    ];
    const DATES: &[&str] =
        &[r#""order": "ymd""#, r#""order": "mdy""#, r#""on_invalid": "keep""#, r#""redact_with": """#];
    const MAP: &[&str] = &[
        r#""map": {}"#,
        r#""map": {"": ""}"#,
        r#""map": {"a": 3}"#,
        r#""map": {"a": "b", "b": "a"}"#,
        r#""on_invalid": "keep""#,
        r#""on_invalid": "error""#,
    ];
    const SHIFT: &[&str] = &[
        r#""max_days": 0"#,
        r#""max_days": 1"#,
        r#""max_days": 4294967295"#,
        r#""max_days": 36525"#,
        r#""order": "mdy""#,
        r#""on_invalid": "keep""#,
        r#""subject_kind": "nir""#,
        r#""subject_kind": "text""#,
    ];
    const MASK: &[&str] = &[
        r#""keep_start": 4294967295"#,
        r#""keep_start": 0"#,
        r#""keep_end": 0"#,
        r#""keep_end": 100"#,
        r#""with": "😀""#,
        r#""with": """#,
        r#""with": "ab""#,
    ];
    const RAW: &[&str] = &[
        r#""length": 0"#,
        r#""length": 1000"#,
        r#""length": 12"#,
        r#""length": 1"#,
        r#""encoding": "hex""#,
        r#""encoding": "base32""#,
        r#""encoding": "base99""#,
    ];
    const SCRUB: &[&str] = &[
        r#""sources": {"c0": "surname"}"#,
        r#""sources": {"c0": "nothing"}"#,
        r#""sources": {}"#,
        r#""replace_with": "pseudonym""#,
        r#""replace_with": "tag""#,
    ];
    let action = prop::sample::select(vec![
        (r#""action": "generalise", "to": "interval", "width": 10"#, INTERVAL),
        (r#""action": "generalise", "to": "age", "reference": "2026-01-01""#, AGE),
        (r#""action": "generalise", "to": "top_bottom""#, TOP_BOTTOM),
        (r#""action": "generalise", "to": "week""#, DATES),
        (r#""action": "generalise", "to": "map", "map": {"x": "y"}"#, MAP),
        (r#""action": "date_shift", "subject": "c0", "max_days": 10"#, SHIFT),
        (r#""action": "mask""#, MASK),
        (r#""action": "pseudonymise", "kind": "raw""#, RAW),
        (r#""action": "scrub""#, SCRUB),
    ]);
    action.prop_flat_map(|(action, pool)| {
        prop::collection::vec(prop::sample::select(pool), 0..3).prop_map(move |options| {
            // A key given twice is refused by JSON parsing itself: the last one set wins here.
            let mut entry = format!("{{{action}");
            let mut keys: Vec<&str> = action.split(", ").filter_map(|kv| kv.split(':').next()).collect();
            for o in options.iter().rev() {
                let key = o.split(':').next().unwrap_or_default();
                if !keys.contains(&key) {
                    keys.push(key);
                    entry.push_str(", ");
                    entry.push_str(o);
                }
            }
            entry.push('}');
            entry
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Odd options are refused with the path of the option, or applied: never
    /// a panic, and never an error that quotes a cell.
    #[test]
    fn odd_options_are_refused_or_applied(
        entries in prop::collection::vec(odd_entry(), 2),
        rows in prop::collection::vec(prop::collection::vec(messy_cell(), 3), 1..8),
    ) {
        let json = format!(
            r#"{{"version": 1, "columns": {{"c0": {{"action": "pseudonymise", "kind": "text"}}, "c1": {}, "c2": {}}}}}"#,
            entries[0], entries[1]
        );
        let p = match Policy::from_json(&json) {
            Ok(p) => p,
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.starts_with("columns.c1") || message.starts_with("columns.c2"), "{}: {}", json, message);
                return Ok(());
            }
        };
        let input = table_of(&rows);
        match apply(&input, &p, Some(&test_key()), &ApplyOptions::default()) {
            Ok(applied) => prop_assert_eq!(applied.table.rows, input.rows),
            Err(e) => {
                quotes_no_cell(&e.to_string(), &rows)?;
            }
        }
    }
}

/// Every numeric option at its extremes: refused with the option's path, or
/// applied with short cells (nothing allocates or loops by an option's value).
#[test]
fn extreme_numeric_options_are_refused_or_stay_small() {
    const U64: &str = "18446744073709551615";
    const U32: &str = "4294967295";
    let csv = "n;d;s\n5;01/02/1990;1\n-3,5;31/12/9999;2\n1e308;x;\n";
    let refused = [
        (format!(r#"{{"action": "pseudonymise", "length": {U64}}}"#), "length"),
        (r#"{"action": "pseudonymise", "prefix": "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP"}"#.to_string(), "prefix"),
        (format!(r#"{{"action": "date_shift", "subject": "s", "max_days": {U32}}}"#), "max_days"),
        (format!(r#"{{"action": "generalise", "to": "hierarchy", "hierarchy": "5;x\n", "level": {U64}}}"#), "level"),
        (r#"{"action": "generalise", "to": "interval", "width": 0}"#.to_string(), "width"),
        (r#"{"action": "generalise", "to": "interval", "width": -1e308}"#.to_string(), "width"),
        (format!(r#"{{"action": "generalise", "to": "age", "reference": "2026-01-01", "width": {U64}}}"#), "width"),
        (r#"{"action": "generalise", "to": "age", "reference": "2026-01-01", "width": 0}"#.to_string(), "width"),
    ];
    for (action, field) in &refused {
        let json = format!(r#"{{"version": 1, "columns": {{"n": {action}}}}}"#);
        let err = Policy::from_json(&json).map(|_| ()).unwrap_err().to_string();
        assert!(err.starts_with(&format!("columns.n.{field}")), "{action}: {err}");
    }
    let err = Policy::from_json(&format!(r#"{{"version": {U64}}}"#)).unwrap_err().to_string();
    assert!(err.starts_with("version: unsupported policy version"), "{err}");
    let applied = [
        format!(r#"{{"action": "mask", "keep_start": {U64}, "keep_end": {U64}, "char": "é"}}"#),
        r#"{"action": "generalise", "to": "interval", "width": 5e-324}"#.to_string(),
        r#"{"action": "generalise", "to": "interval", "width": 1.7976931348623157e308, "origin": -1e308}"#.to_string(),
        r#"{"action": "generalise", "to": "interval", "bounds": [-1.7976931348623157e308, 5e-324, 1e308]}"#.to_string(),
        r#"{"action": "generalise", "to": "top_bottom", "top": 1e308, "bottom": -1e308}"#.to_string(),
        format!(r#"{{"action": "generalise", "to": "age", "reference": "9999-12-31", "width": {U32}, "top": {U32}}}"#),
        format!(
            r#"{{"action": "generalise", "to": "age", "reference": "0001-01-01", "bounds": [0, {U32}], "top": 0}}"#
        ),
    ];
    for column in ["n", "d"] {
        for action in &applied {
            let json = format!(r#"{{"version": 1, "columns": {{"{column}": {action}}}}}"#);
            let (out, _) = run(csv, &json);
            assert!(out.lines().all(|l| l.len() < 1_000), "{action}: {out}");
        }
    }
    let json = r#"{"version": 1, "columns": {"d": {"action": "date_shift", "subject": "s", "max_days": 36525}}}"#;
    let (out, _) = run(csv, json);
    assert_eq!(out.lines().count(), 4);
}

/// Every action of the fixture policies reads back from its shortest entry
/// (what suggestions and saved policies write) and from its full entry, and
/// the shortest entry leaves out every option equal to its default.
#[test]
fn actions_round_trip_through_their_entries() {
    use masque::policy::Action;
    for text in [
        include_str!("fixtures/policies/cohort.json"),
        include_str!("fixtures/policies/cohort_clean.json"),
        include_str!("fixtures/policies/cohort_scrub.json"),
        include_str!("fixtures/policies/example.json"),
        include_str!("fixtures/policies/bench.json"),
    ] {
        let policy = Policy::from_json(text).unwrap();
        let full = policy.to_value();
        for (name, action) in &policy.columns {
            let short = action.to_entry();
            assert_eq!(&Action::from_value(&short).unwrap(), action, "{name}: {short}");
            assert_eq!(&Action::from_value(&full["columns"][name]).unwrap(), action, "{name}");
            assert!(short.as_object().unwrap().len() <= full["columns"][name].as_object().unwrap().len());
        }
    }
    let entry =
        Action::from_value(&serde_json::json!({"action": "pseudonymise", "kind": "nir", "length": 16})).unwrap();
    assert_eq!(entry.to_entry(), serde_json::json!({"action": "pseudonymise", "kind": "nir"}));
    let raw = Action::from_value(&serde_json::json!("pseudonymise")).unwrap();
    assert_eq!(raw.to_entry(), serde_json::json!({"action": "pseudonymise", "kind": "raw"}));
    assert!(Action::from_value(&serde_json::json!({"action": "hsh"})).unwrap_err().to_string().starts_with("action:"));
}
