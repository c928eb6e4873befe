//! Re-identification risk: equivalence classes, k-anonymity, prosecutor risk,
//! l-diversity and t-closeness, with the definitions of ARX and pycanon.
//!
//! Plain Rust: no I/O, no clock, no randomness. Everything runs on the
//! dictionary codes of a [`crate::table::Table`], never on text (text
//! is read once per distinct value, to order a numeric sensitive attribute).
//!
//! # Pieces
//! - [`classes`]: [`QiCodes`] (one quasi-identifier as a code slice, possibly
//!   through a code -> code generalisation map), [`Grouper`] and [`Classes`]
//!   (the class of each row, the size of each class). This is the part a
//!   generalisation search reuses for every candidate.
//! - [`risk`]: the class-size histogram and the prosecutor risk.
//! - [`population`]: population uniqueness (Pitman, Zayatz, SNB, Dankar et
//!   al.'s rule, as ARX), journalist and marketer risk, given the size of the
//!   population the file was drawn from.
//! - [`sensitive`]: [`SensitiveValues`] (a sensitive column's values, their
//!   order and their counts in the whole table) and [`ClassDistributions`]
//!   (per class, the values present and their counts).
//! - [`diversity`]: distinct, entropy and recursive (c,l) l-diversity.
//! - [`closeness`]: t-closeness with the equal or ordered EMD.
//! - [`report`]: [`AnalysisOptions`] and [`RiskReport`], and [`analyse`],
//!   which strings them together on a table.
//!
//! # Definitions
//! - An **equivalence class** is a set of rows with the same values in every
//!   quasi-identifier. The **empty cell is a value of its own**: rows with an
//!   empty age are grouped together, apart from every age, as ARX does (it
//!   reads an empty cell as a value like any other). pycanon groups with
//!   pandas' `groupby`, which by default drops rows with a missing
//!   quasi-identifier; on tables without empty cells the two agree. Values
//!   are compared exactly as text: `"M"` and `"m "` are two values.
//! - **Suppressed rows** (a row mask, or rows whose quasi-identifiers all hold
//!   the [`AnalysisOptions::suppressed_marker`]) are in no class and are left
//!   out of k, the risks and the l-diversity of classes, as ARX leaves
//!   suppressed records out of its privacy models. They still count in the
//!   reference distribution of t-closeness (see [`closeness`]).
//! - **k**, **sample uniques**, **prosecutor risk**: see [`risk`].
//! - **l-diversity**: see [`diversity`]. **t-closeness**: see [`closeness`].
//!
//! Errors ([`PrivacyError`]) name columns, parameters and rows, never a cell.

pub mod classes;
pub mod closeness;
pub mod diversity;
mod error;
mod partial_sums;
pub mod population;
pub mod report;
pub mod risk;
pub mod sensitive;
pub mod weighted;

pub use classes::{Classes, Grouper, QiCodes, SUPPRESSED};
pub use error::{PrivacyError, PrivacyErrorKind, Role};
pub use population::{JournalistRisk, PopulationRisk, PopulationSpec, Uniqueness, UniquenessModel, UniquenessRule};
pub use report::{
    AnalysisOptions, Check, ClassSizes, Criteria, OrderedMap, ProsecutorRisk, RiskReport, SensitiveColumn,
    SensitiveReport,
};
pub use sensitive::{ClassDistributions, Distance, DistanceChoice, SensitiveValues};
pub use weighted::analyse_weighted;

use crate::table::{Column, Table};

/// The threshold of `records_at_risk` when none is given.
pub const DEFAULT_THRESHOLD: f64 = 0.2;

/// Analyses `table` as `options` says.
///
/// `suppressed`, if given, marks rows to leave out (one flag per row); rows
/// matching `options.suppressed_marker` are left out too.
///
/// Errors: no quasi-identifier, an unknown or repeated column (named), a
/// parameter out of range, an empty table, every row suppressed, a sensitive
/// column that cannot be ordered as asked (column and row named).
///
/// ```
/// use masque_core::privacy::{analyse, AnalysisOptions, SensitiveColumn};
/// use masque_core::table::{Column, Table};
///
/// let table = Table::new(vec![
///     Column::from_values("age", ["30", "30", "41", "41", "41"]),
///     Column::from_values("sex", ["F", "F", "M", "M", "M"]),
///     Column::from_values("diag", ["flu", "flu", "flu", "asthma", "flu"]),
/// ])
/// .unwrap();
/// let options = AnalysisOptions {
///     qi: vec!["age".into(), "sex".into()],
///     sensitive: vec![SensitiveColumn::named("diag")],
///     ..Default::default()
/// };
/// let report = analyse(&table, &options, None).unwrap();
/// assert_eq!((report.classes, report.k, report.sample_uniques), (2, 2, 0));
/// assert_eq!(report.prosecutor.highest, 0.5);
/// assert_eq!(report.prosecutor.records_at_risk.get("0.2"), Some(&1.0));
/// let diag = report.sensitive.get("diag").unwrap();
/// assert_eq!(diag.l_distinct, 1);
/// ```
pub fn analyse(
    table: &Table,
    options: &AnalysisOptions,
    suppressed: Option<&[bool]>,
) -> Result<RiskReport, PrivacyError> {
    let qi = resolve(table, options.qi.iter().map(String::as_str), Role::QuasiIdentifier)?;
    if qi.is_empty() {
        return Err(PrivacyError::new(PrivacyErrorKind::NoQuasiIdentifier));
    }
    let sensitive = resolve(table, options.sensitive.iter().map(|s| s.name.as_str()), Role::Sensitive)?;
    let thresholds = thresholds(&options.thresholds)?;
    let params = Params::check(options)?;
    if table.rows == 0 {
        return Err(PrivacyError::new(PrivacyErrorKind::EmptyTable));
    }
    let population = population_size(options, table.rows)?;

    let mask = suppression_mask(table, &qi, options.suppressed_marker.as_deref(), suppressed)?;
    let codes: Vec<QiCodes<'_>> = qi.iter().map(|c| QiCodes::column(c)).collect();
    let classes = Classes::group(&codes, mask.as_deref())?;
    if classes.count() == 0 {
        return Err(PrivacyError::new(PrivacyErrorKind::AllSuppressed { rows: table.rows }));
    }

    let analysed = classes.analysed();
    let histogram = risk::size_histogram(&classes);
    // invariant: there is at least one class (checked above).
    let k = classes.k().unwrap_or(1) as usize;
    let (prosecutor, population) = class_risks(&histogram, classes.count(), k, analysed, &thresholds, population);

    let mut reports = Vec::with_capacity(sensitive.len());
    let mut distributions = ClassDistributions::default();
    for (column, spec) in sensitive.iter().zip(&options.sensitive) {
        let values = SensitiveValues::for_column(column, spec.distance, spec.order.as_deref())?;
        distributions.rebuild(&classes, &column.codes, &values)?;
        reports.push((column.name.clone(), sensitive_report(&values, &distributions, &params)));
    }

    Ok(RiskReport {
        rows: table.rows,
        suppressed: classes.suppressed(),
        quasi_identifiers: qi.iter().map(|c| c.name.clone()).collect(),
        classes: classes.count(),
        k,
        sample_uniques: classes.sample_uniques(),
        class_sizes: histogram
            .iter()
            .map(|s| ClassSizes { size: s.size as usize, classes: s.classes, records: s.size as usize * s.classes })
            .collect(),
        prosecutor,
        sensitive: OrderedMap(reports),
        population,
    })
}

/// Prosecutor risk, and population risk when a population size is given,
/// from the class-size histogram of `classes` classes of `analysed` rows,
/// the smallest of `k` rows (shared by [`analyse`] and [`analyse_weighted`]).
fn class_risks(
    histogram: &[risk::SizeCount],
    classes: usize,
    k: usize,
    analysed: usize,
    thresholds: &[f64],
    population: Option<u64>,
) -> (ProsecutorRisk, Option<PopulationRisk>) {
    let records_at_risk = OrderedMap(
        thresholds.iter().map(|&t| (report::threshold_key(t), risk::records_at_risk(histogram, analysed, t))).collect(),
    );
    let prosecutor =
        ProsecutorRisk { highest: 1.0 / k as f64, average: risk::average_risk(classes, analysed), records_at_risk };
    let population = population.map(|size| {
        population::population_risk(
            histogram,
            analysed,
            size,
            prosecutor.highest,
            prosecutor.average,
            &prosecutor.records_at_risk,
        )
    });
    (prosecutor, population)
}

/// The population's size, if one (or a sampling fraction) is given; both is an error.
fn population_size(options: &AnalysisOptions, rows: usize) -> Result<Option<u64>, PrivacyError> {
    let spec = match (options.population, options.sampling_fraction) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => return Err(bad("population", "either a population or a sampling fraction, not both")),
        (Some(n), None) => PopulationSpec::Size(n),
        (None, Some(f)) => PopulationSpec::SamplingFraction(f),
    };
    spec.size(rows).map(Some)
}

/// The rows whose quasi-identifiers all hold `marker` exactly (ARX and masque
/// write a suppressed record with every quasi-identifier as `*`).
///
/// Ambiguous when a generalisation turns every quasi-identifier of a kept row
/// into the marker as well; such rows are counted as suppressed too.
pub fn rows_marked(qi: &[&Column], marker: &str) -> Vec<bool> {
    let rows = qi.first().map_or(0, |c| c.codes.len());
    let mut mask = vec![true; rows];
    for column in qi {
        match column.dict.code_of(marker) {
            None => return vec![false; rows],
            Some(code) => {
                for (m, &c) in mask.iter_mut().zip(&column.codes) {
                    *m &= c == code;
                }
            }
        }
    }
    mask
}

/// The columns of `names`, in order; unknown or repeated names are errors.
fn resolve<'t, 'n>(
    table: &'t Table,
    names: impl Iterator<Item = &'n str>,
    role: Role,
) -> Result<Vec<&'t Column>, PrivacyError> {
    let mut columns: Vec<&Column> = Vec::new();
    for name in names {
        let column = table
            .column(name)
            .ok_or_else(|| PrivacyError::new(PrivacyErrorKind::UnknownColumn { name: name.to_string(), role }))?;
        if columns.iter().any(|c| c.name == name) {
            return Err(PrivacyError::new(PrivacyErrorKind::DuplicateColumn { name: name.to_string(), role }));
        }
        columns.push(column);
    }
    Ok(columns)
}

/// The thresholds, checked, without repeats; `[0.2]` when none is given.
fn thresholds(given: &[f64]) -> Result<Vec<f64>, PrivacyError> {
    if given.is_empty() {
        return Ok(vec![DEFAULT_THRESHOLD]);
    }
    let mut out: Vec<f64> = Vec::with_capacity(given.len());
    for &t in given {
        if !(0.0..=1.0).contains(&t) {
            return Err(bad("threshold", "a number from 0 to 1"));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

fn bad(name: &'static str, expected: &'static str) -> PrivacyError {
    PrivacyError::new(PrivacyErrorKind::BadParameter { name, expected })
}

/// The checked `l`, `c`, `t`.
struct Params {
    l: Option<u32>,
    c: Option<f64>,
    t: Option<f64>,
}

impl Params {
    fn check(options: &AnalysisOptions) -> Result<Params, PrivacyError> {
        if options.l == Some(0) {
            return Err(bad("l", "an integer of at least 1"));
        }
        if let Some(c) = options.c {
            if !(c.is_finite() && c > 0.0) {
                return Err(bad("c", "a positive number"));
            }
            if options.l.is_none() {
                return Err(bad("c", "to be given with l (recursive (c,l)-diversity)"));
            }
        }
        if let Some(t) = options.t {
            if !(0.0..=1.0).contains(&t) {
                return Err(bad("t", "a number from 0 to 1"));
            }
        }
        Ok(Params { l: options.l, c: options.c, t: options.t })
    }
}

fn suppression_mask(
    table: &Table,
    qi: &[&Column],
    marker: Option<&str>,
    given: Option<&[bool]>,
) -> Result<Option<Vec<bool>>, PrivacyError> {
    if let Some(mask) = given {
        if mask.len() != table.rows {
            return Err(PrivacyError::new(PrivacyErrorKind::LengthMismatch {
                what: "the suppression mask",
                expected: table.rows,
                found: mask.len(),
            }));
        }
    }
    Ok(match (marker.map(|m| rows_marked(qi, m)), given) {
        (None, None) => None,
        (Some(marked), None) => Some(marked),
        (None, Some(mask)) => Some(mask.to_vec()),
        (Some(marked), Some(mask)) => Some(marked.iter().zip(mask).map(|(&a, &b)| a || b).collect()),
    })
}

fn sensitive_report(values: &SensitiveValues, d: &ClassDistributions, params: &Params) -> SensitiveReport {
    let (t_closeness, t_failures) = closeness::t_closeness_with_failures(values, d, params.t);
    let mut criteria = Criteria::default();
    if let Some(l) = params.l {
        criteria.l_distinct =
            Some(Check { l: Some(l), ..Check::from_failures(diversity::distinct_failures(d, l as usize)) });
        criteria.l_entropy =
            Some(Check { l: Some(l), ..Check::from_failures(diversity::entropy_failures(d, f64::from(l))) });
        if let Some(c) = params.c {
            criteria.recursive_cl = Some(Check {
                l: Some(l),
                c: Some(c),
                ..Check::from_failures(diversity::recursive_failures(d, c, l as usize))
            });
        }
    }
    if let (Some(t), Some(f)) = (params.t, t_failures) {
        criteria.t_closeness = Some(Check { t: Some(t), ..Check::from_failures(f) });
    }
    SensitiveReport {
        distance: values.distance(),
        distinct_values: values.len(),
        l_distinct: diversity::l_distinct(d),
        l_entropy: diversity::l_entropy(d),
        t_closeness,
        criteria,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: &[(&str, &[&str])]) -> Table {
        Table::new(columns.iter().map(|(name, values)| Column::from_values(name, values.iter())).collect()).unwrap()
    }

    fn options(qi: &[&str], sensitive: &[&str]) -> AnalysisOptions {
        AnalysisOptions {
            qi: qi.iter().map(|s| s.to_string()).collect(),
            sensitive: sensitive.iter().map(|s| SensitiveColumn::named(s)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn errors_name_the_column_never_a_value() {
        let t = table(&[("age", &["31", "45"]), ("diag", &["secret-value", "x"])]);
        let err = analyse(&t, &options(&[], &[]), None).unwrap_err();
        assert_eq!(err.code(), "no_quasi_identifier");
        let err = analyse(&t, &options(&["agee"], &[]), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown column `agee` (given as quasi-identifier): the table has no column of that name"
        );
        let err = analyse(&t, &options(&["age"], &["dx"]), None).unwrap_err();
        assert_eq!(err.kind(), &PrivacyErrorKind::UnknownColumn { name: "dx".into(), role: Role::Sensitive });
        let err = analyse(&t, &options(&["age", "age"], &[]), None).unwrap_err();
        assert_eq!(err.code(), "duplicate_column");
        let mut o = options(&["age"], &["diag"]);
        o.sensitive[0].distance = DistanceChoice::Ordered;
        let err = analyse(&t, &o, None).unwrap_err();
        assert_eq!(err.kind(), &PrivacyErrorKind::NotNumeric { column: "diag".into(), row: 1 });
        assert!(!err.to_string().contains("secret"));
        let empty = table(&[("age", &[])]);
        assert_eq!(analyse(&empty, &options(&["age"], &[]), None).unwrap_err().code(), "empty_table");
        let err = analyse(&t, &options(&["age"], &[]), Some(&[true, true])).unwrap_err();
        assert_eq!(err.to_string(), "all 2 rows are suppressed: nothing left to analyse");
        let err = analyse(&t, &options(&["age"], &[]), Some(&[true])).unwrap_err();
        assert_eq!(err.code(), "length_mismatch");
    }

    #[test]
    fn parameters_are_checked() {
        let t = table(&[("age", &["31", "45"])]);
        let with = |f: &dyn Fn(&mut AnalysisOptions)| {
            let mut o = options(&["age"], &[]);
            f(&mut o);
            analyse(&t, &o, None).map(|_| ()).map_err(|e| e.to_string())
        };
        assert_eq!(
            with(&|o| o.thresholds = vec![1.5]),
            Err("parameter `threshold` is invalid: expected a number from 0 to 1".into())
        );
        assert!(with(&|o| o.thresholds = vec![f64::NAN]).is_err());
        assert!(with(&|o| o.l = Some(0)).is_err());
        assert!(with(&|o| o.c = Some(2.0)).unwrap_err().contains("to be given with l"));
        assert!(with(&|o| {
            o.l = Some(2);
            o.c = Some(-1.0)
        })
        .is_err());
        assert!(with(&|o| o.t = Some(1.01)).is_err());
        assert!(with(&|o| o.t = Some(f64::INFINITY)).is_err());
        assert_eq!(with(&|o| o.thresholds = vec![0.0, 1.0, 0.0]), Ok(()));
    }

    #[test]
    fn thresholds_default_keep_their_order_and_drop_repeats() {
        let t = table(&[("a", &["1", "1", "2"])]);
        let r = analyse(&t, &options(&["a"], &[]), None).unwrap();
        assert_eq!(r.prosecutor.records_at_risk.0, vec![("0.2".to_string(), 1.0)]);
        let mut o = options(&["a"], &[]);
        o.thresholds = vec![0.5, 0.1, 0.5];
        let r = analyse(&t, &o, None).unwrap();
        // risks: 1/2, 1/2, 1: above 0.5 only the unique row.
        assert_eq!(r.prosecutor.records_at_risk.0, vec![("0.5".to_string(), 1.0 / 3.0), ("0.1".to_string(), 1.0)]);
    }

    #[test]
    fn empty_cells_are_a_value_of_their_own() {
        // Three empty ages form one class; "" is neither "0" nor " ".
        let t = table(&[("age", &["", "", "0", " ", ""]), ("s", &["", "a", "", "b", ""])]);
        let r = analyse(&t, &options(&["age"], &["s"]), None).unwrap();
        assert_eq!(r.classes, 3);
        assert_eq!(
            r.class_sizes,
            vec![ClassSizes { size: 1, classes: 2, records: 2 }, ClassSizes { size: 3, classes: 1, records: 3 }]
        );
        // In the empty-age class the sensitive values are "", "a", "": two values.
        let s = r.sensitive.get("s").unwrap();
        assert_eq!(s.distinct_values, 3);
        assert_eq!(s.l_distinct, 1);
        assert_eq!(s.distance, Distance::Equal);
    }

    #[test]
    fn suppression_by_mask_and_by_marker() {
        let t = table(&[("a", &["*", "1", "1", "*", "2", "2"]), ("b", &["*", "x", "x", "y", "*", "z"])]);
        let mut o = options(&["a", "b"], &[]);
        let r = analyse(&t, &o, None).unwrap();
        assert_eq!((r.suppressed, r.classes, r.k), (0, 5, 1));
        o.suppressed_marker = Some("*".into());
        let r = analyse(&t, &o, None).unwrap();
        // Only row 1 has `*` in every quasi-identifier.
        assert_eq!((r.rows, r.suppressed, r.classes, r.k, r.sample_uniques), (6, 1, 4, 1, 3));
        assert_eq!(r.prosecutor.average, 4.0 / 5.0);
        let r = analyse(&t, &o, Some(&[false, false, false, true, true, true])).unwrap();
        assert_eq!((r.suppressed, r.classes, r.k, r.sample_uniques), (4, 1, 2, 0));
        assert_eq!(rows_marked(&[t.column("a").unwrap()], "7"), vec![false; 6]);
    }

    #[test]
    fn criteria_with_parameters() {
        // Two classes: {a, a, b, c} and {a, b}.
        let t = table(&[("q", &["1", "1", "1", "1", "2", "2"]), ("s", &["a", "a", "b", "c", "a", "b"])]);
        let mut o = options(&["q"], &["s"]);
        o.l = Some(2);
        o.c = Some(1.0);
        o.t = Some(0.1);
        let r = analyse(&t, &o, None).unwrap();
        let s = r.sensitive.get("s").unwrap();
        assert_eq!(s.l_distinct, 2);
        // Class 1: p = (1/2, 1/4, 1/4) -> H = 1.5 ln 2; class 2: H = ln 2.
        assert!((s.l_entropy - 2.0).abs() < 1e-12);
        let criteria = &s.criteria;
        assert!(criteria.l_distinct.as_ref().unwrap().satisfied);
        assert!(criteria.l_entropy.as_ref().unwrap().satisfied);
        // Class 1: r = (2, 1, 1), l = 2: 2 < 1 * 2 is false; class 2: 1 < 1 * 1 false.
        let rec = criteria.recursive_cl.as_ref().unwrap();
        assert_eq!((rec.satisfied, rec.classes_failing, rec.records_failing), (false, 2, 6));
        assert_eq!((rec.l, rec.c), (Some(2), Some(1.0)));
        // Reference (1/2, 1/3, 1/6); class 2 = (1/2, 1/2, 0): D = ½(0 + 1/6 + 1/6) = 1/6.
        // Class 1 = (1/2, 1/4, 1/4): D = ½(0 + 1/12 + 1/12) = 1/12.
        assert!((s.t_closeness - 1.0 / 6.0).abs() < 1e-15);
        let tc = criteria.t_closeness.as_ref().unwrap();
        assert_eq!((tc.satisfied, tc.classes_failing, tc.records_failing, tc.t), (false, 1, 2, Some(0.1)));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["sensitive"]["s"]["criteria"]["recursive_cl"]["c"], 1.0);
        // Without parameters there is no `criteria` at all.
        let r = analyse(&t, &options(&["q"], &["s"]), None).unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["sensitive"]["s"].get("criteria").is_none());
        let back: RiskReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
    }
}
