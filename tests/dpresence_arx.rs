//! δ-presence against ARX 3.9.2's own figures: the twelve Adult cases of
//! `TestAnonymizationDPresence` (`DPresence(0.0, 0.2)` and
//! `DPresence(0.05, 0.15)`, suppression limit 0 and 5 %, metrics AECS and
//! non-uniform entropy, monotonic and not).
//!
//! ARX's setup: the data is all of Adult (30,162 rows) and the research
//! subset the 3,016 rows that `DataSubset.create` matches from its
//! `adult_subset.csv` (`tests/fixtures/adult/adult_subset_rows.txt`);
//! `occupation` has no type (the test's "sensitive attribute" gets one only
//! with l-diversity or t-closeness), the other eight columns are the
//! quasi-identifiers with ARX's hierarchies, in ARX's column order (sex, age,
//! race, marital-status, education, native-country, workclass,
//! salary-class), the order of its transformation arrays.
//!
//! masque's equivalent: the file is the subset's rows and the population
//! table all of Adult. ARX counts everything but δ's denominator on the
//! subset, as masque does on its file: a class's `count` (δ's numerator and
//! what the metrics add up) holds subset rows only, `pcount` all rows; the
//! suppression limit is `floor(limit × subset rows)` (`ARXConfiguration`);
//! AECS divides the subset's rows (`getNumTuples`: the `DPresence` subset's
//! size) by the classes holding subset rows (`count > 0`), plus one for the
//! suppressed rows; the entropy's cardinalities count subset rows only
//! (`Cardinalities(data, subset, hierarchies)`) and its suppression part
//! sums `count` over the suppressed classes. Groups of the population without
//! subset rows are in no output: never counted, never suppressed.
//!
//! `Metric.createEntropyMetric(true)` (cases 1, 4, 7, 10) is ARX's
//! *monotonic* non-uniform entropy (`MetricMDNUEntropyPrecomputed`): the
//! generalisation part alone, suppression costs nothing. masque has only the
//! non-monotonic one (`entropy`, `MetricMDNUNMEntropyPrecomputed`). Without
//! suppression the two are equal (cases 1 and 7 run as cases 2 and 8); with
//! 5 % (cases 4 and 10) the monotonic optimum is the non-monotonic one's
//! node (cases 5 and 11, in ARX's figures and in the exhaustive reference
//! below), so masque's search is pinned on that node and the monotonic
//! figure checked as that node's entropy with nothing suppressed.
//!
//! # Where masque and ARX differ: δ min > 0 (cases 6 to 11)
//! With `DPresence(0.0, 0.2)` (cases 0 to 5) masque returns ARX's
//! transformation and loss. With `DPresence(0.05, 0.15)` it returns a
//! better one: ARX's transformations meet the criteria, and their loss,
//! counted here without masque, is ARX's figure to 1e-9 (so the two agree on
//! every definition), but they are not optimal. An exhaustive evaluation of
//! the 4,320 nodes (a separate NumPy transcription of the definitions above)
//! gives masque's node as the unique optimum in each case; below, the
//! optimum's feasibility and loss are counted again by [`Reference`], which
//! is enough to show that ARX's node is not the optimum. The cause is ARX's
//! search, not its definitions: δ-presence with `dMin > 0` is not monotone
//! (generalising merges a class with population groups that have no subset
//! row, which can pull δ below `dMin`), yet ARX 3.9.2 declares `DPresence`
//! monotone under generalisation (`super(false, true)`: not monotone with
//! suppression, monotone with generalisation), and `FLASHAlgorithm` assumes
//! every criterion monotone when the suppression limit is 0; its predictive
//! tagging (a non-anonymous node makes all its specialisations
//! non-anonymous) then discards better nodes (cases 6 to 8). With a 5 %
//! limit `DPresence` is declared non-monotone and ARX's result is still not
//! optimal (cases 9 to 11: 97.29 against 17.64 for AECS); which part of
//! ARX's search skips the better nodes there was not traced. The cases that
//! assert ARX's transformation as masque's optimum are `#[ignore]`d.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/adult.rs"]
mod adult;
use adult::{adult, arx_subset_rows, hierarchy, quasi_identifiers_of, rows_of, unsuppressed_entropy, ARX_DPRESENCE_QI};

use std::collections::HashMap;
use std::time::Instant;

use masque::search::{anonymise_with_population, AnonymiseConfig, Anonymised, Unlimited};
use masque::table::Table;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Metric {
    Aecs,
    /// ARX's `createEntropyMetric(monotonic)`.
    Entropy {
        monotonic: bool,
    },
}

struct Case {
    limit: f64,
    metric: Metric,
    delta: (f64, f64),
    /// ARX's loss and optimum, in [`ARX_DPRESENCE_QI`] order.
    arx_loss: f64,
    arx_levels: [usize; 8],
    /// The optimum of the exhaustive reference and its loss (ARX's, except
    /// with δ min > 0).
    loss: f64,
    levels: [usize; 8],
}

const AECS: Metric = Metric::Aecs;
const MONOTONIC: Metric = Metric::Entropy { monotonic: true };
const ENTROPY: Metric = Metric::Entropy { monotonic: false };
const WIDE: (f64, f64) = (0.0, 0.2);
const NARROW: (f64, f64) = (0.05, 0.15);

/// A case where ARX's transformation is the optimum.
const fn arx(limit: f64, metric: Metric, delta: (f64, f64), loss: f64, levels: [usize; 8]) -> Case {
    Case { limit, metric, delta, arx_loss: loss, arx_levels: levels, loss, levels }
}

/// A case where ARX's transformation is not the optimum.
const fn better(arx: Case, loss: f64, levels: [usize; 8]) -> Case {
    Case { loss, levels, ..arx }
}

/// `TestAnonymizationDPresence`, cases 0 to 11 (Adult), as ARX lists them.
const CASES: [Case; 12] = [
    arx(0.0, AECS, WIDE, 52.0, [1, 4, 1, 1, 0, 2, 2, 0]),
    arx(0.0, MONOTONIC, WIDE, 30238.2081484441, [0, 1, 1, 2, 3, 2, 2, 0]),
    arx(0.0, ENTROPY, WIDE, 30238.2081484441, [0, 1, 1, 2, 3, 2, 2, 0]),
    arx(0.05, AECS, WIDE, 8.02127659574468, [0, 0, 1, 2, 1, 2, 2, 1]),
    arx(0.05, MONOTONIC, WIDE, 19804.2887675027, [1, 0, 1, 1, 2, 2, 2, 0]),
    arx(0.05, ENTROPY, WIDE, 20747.362350403302, [1, 0, 1, 1, 2, 2, 2, 0]),
    // 3016 / 31 classes against ARX's 3016 / 20.
    better(arx(0.0, AECS, NARROW, 150.8, [0, 4, 0, 1, 3, 2, 2, 1]), 3016.0 / 31.0, [0, 4, 1, 2, 0, 2, 2, 1]),
    better(
        arx(0.0, MONOTONIC, NARROW, 37223.2491248282, [1, 4, 1, 1, 1, 2, 2, 1]),
        33929.238738523,
        [0, 4, 1, 2, 0, 2, 2, 1],
    ),
    better(
        arx(0.0, ENTROPY, NARROW, 37223.2491248282, [1, 4, 1, 1, 1, 2, 2, 1]),
        33929.238738523,
        [0, 4, 1, 2, 0, 2, 2, 1],
    ),
    // 170 classes and 149 rows suppressed against 30 classes and 14 rows.
    better(
        arx(0.05, AECS, NARROW, 97.29032258064517, [1, 4, 1, 1, 0, 2, 2, 1]),
        3016.0 / 171.0,
        [1, 0, 1, 2, 3, 2, 1, 0],
    ),
    better(
        arx(0.05, MONOTONIC, NARROW, 33649.9118226187, [1, 4, 1, 1, 0, 2, 2, 1]),
        23926.432076813,
        [0, 1, 1, 1, 2, 2, 2, 0],
    ),
    better(
        arx(0.05, ENTROPY, NARROW, 33660.3063277646, [1, 4, 1, 1, 0, 2, 2, 1]),
        25027.170207148,
        [0, 1, 1, 1, 2, 2, 2, 0],
    ),
];

/// The subset's rows (masque's file), all of Adult (the population table)
/// and the subset's row numbers.
fn tables() -> (Table, Table, Vec<usize>) {
    let population = adult();
    let rows = arx_subset_rows();
    assert_eq!(rows.len(), 3_016);
    assert!(rows.windows(2).all(|w| w[0] < w[1]) && rows[rows.len() - 1] < population.rows);
    (rows_of(&population, &rows), population, rows)
}

/// ARX's eight quasi-identifiers with its hierarchies, `metric`, `limit`, the
/// optimal search and `extra` members.
fn config(metric: &str, limit: f64, extra: &str) -> AnonymiseConfig {
    let text = format!(
        r#"{{"quasi_identifiers": {{{}}}, "suppression_limit": {limit}, "metric": "{metric}",
            "search": "optimal"{extra}}}"#,
        quasi_identifiers_of(&ARX_DPRESENCE_QI)
    );
    AnonymiseConfig::from_json(&text).unwrap()
}

/// The configuration of a case (the monotonic entropy runs as `entropy`).
fn case_config(c: &Case) -> AnonymiseConfig {
    let metric = if c.metric == AECS { "aecs" } else { "entropy" };
    let (min, max) = c.delta;
    let extra = format!(r#", "population_table": "adult.csv", "delta_presence": {{"min": {min}, "max": {max}}}"#);
    config(metric, c.limit, &extra)
}

fn levels(done: &Anonymised) -> Vec<usize> {
    ARX_DPRESENCE_QI.iter().map(|q| *done.result.levels.get(q).unwrap()).collect()
}

/// `value` within `1e-9` of `expected`, relatively (ARX rounds the entropy of
/// each quasi-identifier; the optima's figures are given to 1e-9).
fn close(value: f64, expected: f64) -> bool {
    (value - expected).abs() <= 1e-9 * expected.abs()
}

/// A node counted from the definitions in the module documentation,
/// independently of masque's search: the population's rows generalised with
/// ARX's hierarchies (read as text), grouped, δ judged per class with subset
/// rows, the failing classes suppressed.
struct Reference {
    /// Per quasi-identifier, the hierarchy row of each population row's value.
    values: Vec<Vec<usize>>,
    /// Per quasi-identifier, per level, the label number of each hierarchy row.
    labels: Vec<Vec<Vec<u64>>>,
    in_subset: Vec<bool>,
    subset_rows: usize,
}

/// A node's figures; `None` from [`Reference::evaluate`] if it suppresses too much.
#[derive(Debug)]
struct Evaluation {
    suppressed: usize,
    classes: usize,
    aecs: f64,
    /// The entropy's generalisation part (ARX's monotonic entropy).
    generalisation: f64,
    /// Generalisation and suppression parts (ARX's non-monotonic entropy).
    entropy: f64,
}

impl Evaluation {
    fn loss(&self, metric: Metric) -> f64 {
        match metric {
            Metric::Aecs => self.aecs,
            Metric::Entropy { monotonic: true } => self.generalisation,
            Metric::Entropy { monotonic: false } => self.entropy,
        }
    }
}

impl Reference {
    fn new(population: &Table, subset: &[usize]) -> Reference {
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for q in ARX_DPRESENCE_QI {
            let rows: Vec<Vec<String>> = hierarchy(q)
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| l.split(';').map(String::from).collect())
                .collect();
            let row_of: HashMap<&str, usize> = rows.iter().enumerate().map(|(i, r)| (r[0].as_str(), i)).collect();
            let column = population.column(q).unwrap();
            values.push((0..population.rows).map(|r| row_of[column.get(r)]).collect());
            labels.push(
                (0..rows[0].len())
                    .map(|level| {
                        let mut ids: HashMap<&str, u64> = HashMap::new();
                        rows.iter()
                            .map(|r| {
                                let next = ids.len() as u64;
                                *ids.entry(r[level].as_str()).or_insert(next)
                            })
                            .collect()
                    })
                    .collect(),
            );
        }
        let mut in_subset = vec![false; population.rows];
        for &r in subset {
            in_subset[r] = true;
        }
        Reference { values, labels, in_subset, subset_rows: subset.len() }
    }

    fn label(&self, d: usize, level: usize, row: usize) -> u64 {
        self.labels[d][level][self.values[d][row]]
    }

    fn evaluate(&self, levels: &[usize; 8], (min, max): (f64, f64), limit: f64) -> Option<Evaluation> {
        let key = |row: usize| -> Vec<u64> { (0..8).map(|d| self.label(d, levels[d], row)).collect() };
        // (subset rows, population rows) per class.
        let mut classes: HashMap<Vec<u64>, (u32, u32)> = HashMap::new();
        for row in 0..self.in_subset.len() {
            let e = classes.entry(key(row)).or_default();
            e.1 += 1;
            e.0 += u32::from(self.in_subset[row]);
        }
        let fails = |&(count, pcount): &(u32, u32)| {
            let delta = f64::from(count) / f64::from(pcount);
            !(min..=max).contains(&delta)
        };
        let with_rows = || classes.values().filter(|c| c.0 > 0);
        let suppressed: u32 = with_rows().filter(|c| fails(c)).map(|c| c.0).sum();
        if f64::from(suppressed) > (limit * self.subset_rows as f64).floor() {
            return None;
        }
        let kept = with_rows().filter(|c| !fails(c)).count();
        let n = self.subset_rows as f64;
        let aecs = n / (kept + usize::from(suppressed > 0)) as f64;
        // Non-uniform entropy over the subset's rows.
        let subset: Vec<usize> = (0..self.in_subset.len()).filter(|&r| self.in_subset[r]).collect();
        let suppressed_rows: Vec<usize> = subset.iter().copied().filter(|&r| fails(&classes[&key(r)])).collect();
        let (mut generalisation, mut suppression) = (0.0, 0.0);
        for d in 0..8 {
            let mut of_value: HashMap<usize, f64> = HashMap::new();
            let mut of_label: HashMap<u64, f64> = HashMap::new();
            for &r in &subset {
                *of_value.entry(self.values[d][r]).or_default() += 1.0;
                *of_label.entry(self.label(d, levels[d], r)).or_default() += 1.0;
            }
            for (&v, &c) in &of_value {
                generalisation += c * (of_label[&self.labels[d][levels[d]][v]] / c).log2();
            }
            let mut of_suppressed: HashMap<u64, f64> = HashMap::new();
            for &r in &suppressed_rows {
                *of_suppressed.entry(self.label(d, levels[d], r)).or_default() += 1.0;
            }
            let s = suppressed_rows.len() as f64;
            suppression += of_suppressed.values().map(|&c| c * (s / c).log2()).sum::<f64>();
        }
        Some(Evaluation {
            suppressed: suppressed as usize,
            classes: kept,
            aecs,
            generalisation,
            entropy: generalisation + suppression,
        })
    }
}

/// masque's search on case `i`: the reference optimum, with its loss, and
/// ARX's transformation meets the criteria with ARX's loss.
fn check_case(i: usize) {
    let c = &CASES[i];
    let (file, population, subset) = tables();
    let start = Instant::now();
    let done = anonymise_with_population(&file, &population, &case_config(c), &mut Unlimited).unwrap();
    let elapsed = start.elapsed();
    let r = &done.result;
    eprintln!(
        "case {i}: levels {:?}, loss {}, {} rows suppressed, {} classes, {} nodes checked, {elapsed:.2?}",
        levels(&done),
        r.metric.value,
        r.suppressed,
        r.classes,
        r.nodes_checked
    );
    assert_eq!(levels(&done), c.levels, "case {i}: the optimum");
    assert!(r.optimal, "case {i}");
    let monotonic = c.metric == MONOTONIC;
    if monotonic && r.suppressed > 0 {
        // masque's figure includes the suppression part; ARX's monotonic
        // entropy is the generalisation part alone.
        assert!(r.metric.value > c.loss, "case {i}");
        let generalisation = unsuppressed_entropy(&file, &ARX_DPRESENCE_QI, &c.levels);
        assert!(close(generalisation, c.loss), "case {i}: {generalisation} vs {}", c.loss);
    } else {
        assert!(close(r.metric.value, c.loss), "case {i}: {} vs {}", r.metric.value, c.loss);
    }
    // The output's classes have δ in the bounds.
    let p = r.population_table.as_ref().unwrap();
    let (min, max) = c.delta;
    assert!(p.delta_min.unwrap() >= min && p.delta_max.unwrap() <= max, "case {i}: {p:?}");

    // Counted again without masque: the optimum, and ARX's transformation
    // with ARX's figure.
    let reference = Reference::new(&population, &subset);
    let optimum = reference.evaluate(&c.levels, c.delta, c.limit).expect("the optimum meets the criteria");
    assert_eq!((optimum.suppressed, optimum.classes), (r.suppressed, r.classes), "case {i}");
    assert!(close(optimum.loss(c.metric), c.loss), "case {i}: {optimum:?}");
    let theirs = reference.evaluate(&c.arx_levels, c.delta, c.limit).expect("ARX's node meets the criteria");
    assert!(close(theirs.loss(c.metric), c.arx_loss), "case {i}: {theirs:?} vs ARX {}", c.arx_loss);
    if c.levels != c.arx_levels {
        assert!(c.loss < c.arx_loss, "case {i}");
    }
}

/// masque's optimum is ARX's transformation: true with δ min = 0 only.
fn check_arx_transformation(i: usize) {
    let c = &CASES[i];
    let (file, population, _) = tables();
    let done = anonymise_with_population(&file, &population, &case_config(c), &mut Unlimited).unwrap();
    assert_eq!(levels(&done), c.arx_levels, "case {i}: ARX's transformation");
}

macro_rules! arx_case {
    ($name:ident, $i:expr) => {
        #[test]
        fn $name() {
            check_case($i);
        }
    };
}

arx_case!(case_00_aecs_no_suppression_delta_0_to_02, 0);
arx_case!(case_01_monotonic_entropy_no_suppression_delta_0_to_02, 1);
arx_case!(case_02_entropy_no_suppression_delta_0_to_02, 2);
arx_case!(case_03_aecs_5_percent_delta_0_to_02, 3);
arx_case!(case_04_monotonic_entropy_5_percent_delta_0_to_02, 4);
arx_case!(case_05_entropy_5_percent_delta_0_to_02, 5);
arx_case!(case_06_aecs_no_suppression_delta_005_to_015, 6);
arx_case!(case_07_monotonic_entropy_no_suppression_delta_005_to_015, 7);
arx_case!(case_08_entropy_no_suppression_delta_005_to_015, 8);
arx_case!(case_09_aecs_5_percent_delta_005_to_015, 9);
arx_case!(case_10_monotonic_entropy_5_percent_delta_005_to_015, 10);
arx_case!(case_11_entropy_5_percent_delta_005_to_015, 11);

/// With δ in [0, 0.2] masque's optimum is ARX's transformation.
#[test]
fn arx_transformations_with_delta_min_0() {
    for i in 0..6 {
        check_arx_transformation(i);
    }
}

/// ARX's transformations with δ in [0.05, 0.15] as masque's optimum: they
/// are not optimal (see the module documentation: each meets the criteria
/// with ARX's loss, and masque's node, also checked by [`Reference`], has a
/// lower one), so this fails by design; kept to show the difference.
#[test]
#[ignore = "ARX 3.9.2's δ-presence results with dMin > 0 are not optimal; see the module documentation"]
fn arx_transformations_with_delta_min_above_0() {
    for i in 6..12 {
        check_arx_transformation(i);
    }
}

/// The fixture is ARX's selection: 3,016 distinct rows of Adult.
#[test]
fn the_subset_fixture_is_3016_rows_of_adult() {
    let (file, population, rows) = tables();
    assert_eq!((file.rows, population.rows, file.columns.len()), (3_016, 30_162, 9));
    assert_eq!(file.column("age").unwrap().get(0), population.column("age").unwrap().get(rows[0]));
}
