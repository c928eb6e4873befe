//! One rule per concept: the properties that tie each rule's users to it.
//!
//! - NIR: what `ident::nir::validate` accepts is what `pseudonymise` kind `nir`
//!   accepts, with the same canonical form; scrub tags it in free text.
//! - Phones: what `ident::phone::validate` accepts, scrub tags in free text,
//!   and `pseudonymise` kind `phone` gives its E.164 form.
//! - Numbers: one parser for the policy and the privacy models.
//! - Dates: one reader; the policy's cells are the detected dates with a
//!   four-digit year and no month name, read as the same day.
//! - Code postal: one map to the département, for geo, the hierarchy and the
//!   policy's `departement` generalisation.

use masque::hierarchy::french;
use masque::ident::date::{self, DateFormat, DateRules, DayMonth};
use masque::ident::scrub::{find, Found, RowContext, ScrubOptions};
use masque::ident::{email, geo, nir, number, phone};
use masque::policy::date::{civil_from_days, days_from_civil, parse_date, DateOrder};
use masque::policy::{apply, ApplyOptions, Policy};
use masque::pseudo::Kind;
use masque::table::{read_table, ReadOptions};
use proptest::prelude::*;

// ---------------------------------------------------------------- NIR

/// Separators people put inside a NIR, written between its groups.
fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", " ", " ", ".", "-", "\u{a0}", "\u{202f}", "\t", "\u{2013}", "  "])
}

/// A NIR-shaped body: sex, year, month, place, order (13 characters), often valid.
fn nir_body() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!['1', '2', '7', '8', '3', '0']),
        0u32..100,
        prop::sample::select(vec![1u32, 5, 12, 20, 42, 50, 99, 0, 13]),
        prop::sample::select(vec!["75", "2A", "2B", "01", "95", "99", "97", "98", "96", "00", "20"]),
        0u32..1000,
        0u32..1000,
    )
        .prop_map(|(sex, year, month, place, commune, order)| {
            let commune = if matches!(place, "97" | "98") {
                format!("{}{:02}", commune % 10, commune % 100)
            } else {
                format!("{commune:03}")
            };
            format!("{sex}{year:02}{month:02}{place}{commune}{order:03}")
        })
}

/// A NIR written as people write it: a body, its key (right or wrong), separators, case.
fn written_nir() -> impl Strategy<Value = String> {
    (nir_body(), prop::bool::weighted(0.8), 0u8..98, prop::collection::vec(separator(), 7), any::<bool>()).prop_map(
        |(body, right_key, other, seps, lower)| {
            let key = if right_key { nir::key(&body).unwrap_or(other) } else { other };
            let s = format!("{body}{key:02}");
            let groups = [&s[0..1], &s[1..3], &s[3..5], &s[5..7], &s[7..10], &s[10..13], &s[13..15]];
            let mut out = String::new();
            for (i, g) in groups.iter().enumerate() {
                if i > 0 {
                    out.push_str(seps[i]);
                }
                out.push_str(g);
            }
            if lower {
                out.make_ascii_lowercase();
            }
            out
        },
    )
}

/// Any string near a NIR: written NIRs, and short strings of the characters NIRs use.
fn nir_like() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => written_nir(),
        1 => "[0-9ABab .\\-\u{a0}\u{2013}\n]{0,20}",
        1 => any::<String>(),
    ]
}

fn pseudo_nir(value: &str) -> Result<String, masque::pseudo::Invalid> {
    let mut out = String::new();
    Kind::Nir.normalise(value, &mut out).map(|()| out)
}

fn scrub_finds(text: &str, start: usize, end: usize, found: Found) -> bool {
    let options = ScrubOptions { names: false, name_parts: false, ..ScrubOptions::default() };
    find(text, &RowContext::new(), &options).iter().any(|m| m.found == found && m.start <= start && m.end >= end)
}

proptest! {
    // about a third of the written NIRs are valid: the others are rejected by the scrub property
    #![proptest_config(ProptestConfig { cases: 2000, max_global_rejects: 20_000, ..ProptestConfig::default() })]

    /// Whatever the NIR validator accepts, `pseudonymise` kind `nir` accepts with
    /// the validator's canonical form, and nothing else.
    #[test]
    fn pseudonymise_nir_accepts_what_the_validator_accepts(v in nir_like()) {
        match (nir::validate(&v), pseudo_nir(&v)) {
            (Ok(n), Ok(p)) => prop_assert_eq!(n.as_str(), p.as_str()),
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "validator {:?}, pseudonymise {:?}", a.is_ok(), b.is_ok()),
        }
    }

    /// Scrub tags (at least) every NIR the validator accepts, as written in a text
    /// (see also `scrub_tags_these_nirs_and_phones`).
    #[test]
    fn scrub_tags_every_valid_nir(v in written_nir(), before in "(|Patient |NIR: |\\()", after in "(|\\.| suivi|\\))") {
        prop_assume!(nir::validate(&v).is_ok());
        let text = format!("{before}{v}{after}");
        prop_assert!(scrub_finds(&text, before.len(), before.len() + v.len(), Found::Nir), "not tagged: {:?}", text);
    }
}

#[test]
fn nir_examples_agree() {
    for v in ["295109912611193", "253072B07300470", "253072a07300443", "1 85 05 75 115 423 55", "185059611542357"] {
        assert_eq!(nir::validate(v).map(|n| n.as_str().to_string()).ok(), pseudo_nir(v).ok(), "{v}");
    }
}

// ---------------------------------------------------------------- phones

/// A phone number as people write it: national, international, overseas, foreign.
fn written_phone() -> impl Strategy<Value = String> {
    let sep = prop::sample::select(vec![" ", " ", ".", "-", "", "/", "\u{a0}"]);
    (
        prop::sample::select(vec!["0", "+33 ", "0033 ", "+33 (0)", "+262 ", "+44 ", "+1 ", "+33 0"]),
        prop::collection::vec(0u8..10, 9),
        sep,
    )
        .prop_map(|(prefix, digits, sep)| {
            let d: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            let mut out = prefix.to_string();
            out.push_str(&d[..1]);
            for pair in d.as_bytes()[1..].chunks(2) {
                out.push_str(sep);
                out.push_str(std::str::from_utf8(pair).unwrap_or_default());
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Scrub tags (at least) every phone number the validator accepts, as written in a text
    /// (see also `scrub_tags_these_nirs_and_phones`).
    #[test]
    fn scrub_tags_every_valid_phone(v in written_phone(), before in "(|Tel |tél: |\\()", after in "(|\\.| le soir|\\))") {
        prop_assume!(phone::validate(&v).is_ok());
        let text = format!("{before}{v}{after}");
        prop_assert!(scrub_finds(&text, before.len(), before.len() + v.len(), Found::Phone), "not tagged: {:?}", text);
    }

    /// `pseudonymise` kind `phone` gives the validator's E.164 form to what it accepts.
    #[test]
    fn pseudonymise_phone_is_the_validators_e164(v in prop_oneof![written_phone(), "[0-9+ .()/-]{0,18}"]) {
        if let Ok(p) = phone::validate(&v) {
            let mut out = String::new();
            prop_assert_eq!(Kind::Phone.normalise(&v, &mut out), Ok(()));
            prop_assert_eq!(out.as_str(), p.e164());
        }
    }
}

/// The forms the two scrub properties first failed on, kept as plain cases.
#[test]
fn scrub_tags_these_nirs_and_phones() {
    let nirs = [
        "1 85057511542355",
        "18505 7511542355",
        "18505 75115 42355",
        "1000175001 00144",
        "1  85  05  75  115  423  55",
        "1\t85\t05\t75\t115\t423\t55",
        "1\n85\n05\n75\n115\n423\n55",
        "1\u{2013}85\u{2013}05\u{2013}75\u{2013}115\u{2013}423\u{2013}55",
        "1 85.05-75\u{a0}115\u{202f}423 55",
        "2 53 07 2a 073 004 43",
    ];
    for v in nirs {
        assert!(nir::validate(v).is_ok(), "{v:?}");
        for (before, after) in [("", ""), ("NIR: ", "."), ("(", ")"), ("Patient ", " suivi")] {
            let text = format!("{before}{v}{after}");
            assert!(scrub_finds(&text, before.len(), before.len() + v.len(), Found::Nir), "not tagged: {text:?}");
        }
    }
    let phones = [
        "06/12/34/56/78",
        "01/00/00/00/00",
        "+33 0 6 12 34 56 78",
        "+33 06/12/34/56/78",
        "+33 6 12 34 56 7 8",
        "+1 555 123 4567",
        "+1 (555) 123-4567",
        "+44 (0)20 7946 0958",
        "0033 6/12/34/56/78",
    ];
    for v in phones {
        assert!(phone::validate(v).is_ok(), "{v:?}");
        for (before, after) in [("", ""), ("Tel ", "."), ("(", ")"), ("tél: ", " le soir")] {
            let text = format!("{before}{v}{after}");
            assert!(scrub_finds(&text, before.len(), before.len() + v.len(), Found::Phone), "not tagged: {text:?}");
        }
    }
}

// ---------------------------------------------------------------- numbers

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// The privacy models and the hierarchy builders (`parse_value`) read the
    /// numbers the policy reads (`parse_number`).
    #[test]
    fn one_number_parser(v in prop_oneof!["[-+ ]?[0-9]{0,4}([.,][0-9]{0,3})?([eE][-+]?[0-9]{1,2})? ?", any::<String>()]) {
        let policy = number::parse_number(&v).map(|n| n.value);
        prop_assert_eq!(number::parse_value(&v), policy);
    }
}

#[test]
fn numbers_decimal_comma_and_no_exponent() {
    assert_eq!(number::parse_number("74,6").map(|n| n.value), Some(74.6));
    assert_eq!(number::parse_value(" 74,6 "), Some(74.6));
    for code in ["1e3", "2E5", "1,5E-03", "12.", "1 000"] {
        assert_eq!(number::parse_value(code), None, "{code}");
        assert!(number::parse_number(code).is_none(), "{code}");
    }
}

// ---------------------------------------------------------------- dates

/// Dates as cells and texts write them, and near misses.
fn written_date() -> impl Strategy<Value = String> {
    let numeric = (
        1u32..33,
        0u32..14,
        prop::sample::select(vec![1799u32, 1800, 1900, 1985, 2000, 2024, 2199, 2200, 1, 9999, 85, 24, 5]),
        prop::sample::select(vec!["/", "-", ".", ""]),
        any::<bool>(),
        0usize..3,
        prop::sample::select(vec![
            "",
            "",
            " 08:30",
            "T08:30:00Z",
            " 8:30",
            " 10:30:00,5",
            " 25:00",
            "x",
            " 10:30 +02:00",
        ]),
    )
        .prop_map(|(d, m, y, sep, pad, shape, time)| {
            let (dd, mm) = if pad { (format!("{d:02}"), format!("{m:02}")) } else { (d.to_string(), m.to_string()) };
            let yy = if y < 100 { format!("{y:02}") } else { format!("{y:04}") };
            match shape {
                0 => format!("{dd}{sep}{mm}{sep}{yy}{time}"),
                1 => format!("{yy}{sep}{mm}{sep}{dd}{time}"),
                _ => format!("{mm}{sep}{dd}{sep}{yy}{time}"),
            }
        });
    let textual = (1u32..32, prop::sample::select(vec!["mars", "févr.", "March", "août"]), 1980u32..2030)
        .prop_map(|(d, m, y)| format!("{d} {m} {y}"));
    prop_oneof![4 => numeric, 1 => textual, 1 => "[0-9/.\\- :T]{0,16}"]
}

fn day_of(d: date::Date) -> i32 {
    days_from_civil(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// The policy reads a cell as the one reader does with the cell rules, and a
    /// detected date with a four-digit year and no month name is the same day for
    /// the policy (and conversely, within the detected years).
    #[test]
    fn one_date_reader(v in written_date()) {
        let cells = date::parse_with(&v, &DateRules::cells(DayMonth::DayFirst)).ok();
        let policy = parse_date(&v, DateOrder::Dmy);
        prop_assert_eq!(policy.as_ref().map(|p| p.0), cells.map(|(p, _)| day_of(p.date)));
        let detected = date::parse(&v).ok();
        if let Some(p) = detected.filter(|p| !p.two_digit_year && p.format != DateFormat::Textual) {
            prop_assert_eq!(policy.as_ref().map(|p| p.0), Some(day_of(p.date)), "detected, refused by the policy");
        }
        if let Some((days, _)) = policy {
            let (y, _, _) = civil_from_days(days);
            if (1800..=2199).contains(&y) {
                prop_assert_eq!(detected.map(|p| day_of(p.date)), Some(days), "read by the policy, not detected");
            }
        }
        let us = parse_date(&v, DateOrder::Mdy).map(|p| p.0);
        let us_cells = date::parse_with(&v, &DateRules::cells(DayMonth::MonthFirst)).ok().map(|(p, _)| day_of(p.date));
        prop_assert_eq!(us, us_cells);
    }
}

#[test]
fn one_calendar() {
    for year in [1, 1600, 1700, 1900, 2000, 2023, 2024, 2100, 9999u16] {
        for month in 1..=12u8 {
            let next = if month == 12 {
                days_from_civil(i32::from(year) + 1, 1, 1)
            } else {
                days_from_civil(i32::from(year), u32::from(month) + 1, 1)
            };
            let len = next - days_from_civil(i32::from(year), u32::from(month), 1);
            assert_eq!(len, i32::from(date::days_in_month(year, month)), "{year}-{month}");
        }
    }
}

#[test]
fn dates_detected_but_not_transformed() {
    // Detection sees a date; the transforms refuse it (on_invalid), on purpose.
    for v in ["01/02/85", "12 mars 2024", "1er janvier 1985"] {
        assert!(date::parse(v).is_ok(), "{v}");
        assert!(parse_date(v, DateOrder::Dmy).is_none(), "{v}");
    }
}

// ---------------------------------------------------------------- code postal

fn postcode_like() -> impl Strategy<Value = String> {
    prop_oneof!["[0-9]{5}", "[1-9][0-9]{3}", "(97|98|20|00|96)[0-9]{3}", "[0-9 ]{0,7}", "[0-9A-B. -]{0,7}",]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// The hierarchy's département is the map's; 5-character codes map iff geo validates them.
    #[test]
    fn one_postcode_map(v in postcode_like()) {
        let dept = geo::departement_of_code_postal(&v);
        match french::code_postal(&v) {
            Some((d, _)) => prop_assert_eq!(Some(d), dept),
            None => prop_assert!(dept.is_none_or(|d| french::region_of_departement(d).is_none())),
        }
        if geo::code_postal(&v).is_ok() {
            prop_assert!(dept.is_some());
        }
        if let Some(d) = dept {
            prop_assert!(d.len() == 2 || d.len() == 3);
        }
    }
}

/// The policy's `departement` generalisation is the map, cell by cell.
#[test]
fn policy_departement_is_the_map() {
    let values = [
        "75011", "1000", "01000", "7501", "20000", "97411", "97900", "98000", "98714", "00100", "96000", "750111",
        "2A004", "69 003", "0750", "9999",
    ];
    let mut csv = String::from("cp\n");
    for v in values {
        csv.push_str(v);
        csv.push('\n');
    }
    let table = read_table(csv.as_bytes(), &ReadOptions::default()).unwrap().table;
    let policy = Policy::from_json(
        r#"{"version": 1, "columns": {"cp": {"action": "generalise", "to": "departement", "on_invalid": "redact", "redact_with": "?"}}}"#,
    )
    .unwrap();
    let out = apply(&table, &policy, None, &ApplyOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let column = out.table.column("cp").unwrap();
    for (row, v) in values.iter().enumerate() {
        assert_eq!(column.get(row), geo::departement_of_code_postal(v).unwrap_or("?"), "row {row}");
    }
}

// ---------------------------------------------------------------- suggestions and e-mails

/// The column suggestion for a column of `values` under a neutral header.
fn suggested(values: &[String]) -> String {
    let column = masque::table::Column::from_values("code", values.iter().map(String::as_str));
    masque::suggest::suggest(&column).action.summary()
}

/// An e-mail address as people write it.
fn written_email() -> impl Strategy<Value = String> {
    ("[a-z]{1,8}", prop_oneof!["", "\\.[a-z]{1,8}", "[0-9]{1,2}"], "[a-z]{2,8}", prop_oneof!["fr", "com", "org", "net"])
        .prop_map(|(local, more, domain, tld)| format!("{local}{more}@{domain}.{tld}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, max_global_rejects: 20_000, ..ProptestConfig::default() })]

    /// A column whose values the NIR validator accepts is suggested for
    /// `pseudonymise` kind `nir`, whatever its header: the suggestion counts
    /// what the validator accepts.
    #[test]
    fn suggestions_count_what_the_nir_validator_accepts(
        values in proptest::collection::vec(written_nir().prop_filter("a valid NIR", |v| nir::validate(v).is_ok()), 3..8)
    ) {
        prop_assert_eq!(suggested(&values), "pseudonymise (nir)");
    }

    /// The same for phone numbers.
    #[test]
    fn suggestions_count_what_the_phone_validator_accepts(
        values in proptest::collection::vec(written_phone().prop_filter("a valid phone", |v| phone::validate(v).is_ok()), 3..8)
    ) {
        prop_assert_eq!(suggested(&values), "pseudonymise (phone)");
    }

    /// E-mails: what the validator accepts, `pseudonymise` kind `email`
    /// accepts, scrub tags in a text, and the suggestion counts.
    #[test]
    fn emails_agree(values in proptest::collection::vec(written_email(), 3..8), before in "(|Mail |courriel: |\\()", after in "(|\\.| merci|\\))") {
        for v in &values {
            prop_assert!(email::validate(v).is_ok(), "{}", v);
            let mut out = String::new();
            prop_assert!(Kind::Email.normalise(v, &mut out).is_ok(), "{}", v);
            let text = format!("{before}{v}{after}");
            prop_assert!(scrub_finds(&text, before.len(), before.len() + v.len(), Found::Email), "not tagged: {:?}", text);
        }
        prop_assert_eq!(suggested(&values), "pseudonymise (email)");
    }
}
