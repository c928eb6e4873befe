//! The anonymisation search against ARX 3.9.2 on the Adult data, and against
//! exhaustive enumeration on small tables.
//!
//! ARX reference: quasi-identifiers age, sex, race, marital-status,
//! education, native-country, workclass, occupation with ARX's hierarchies
//! (tests/fixtures/adult), metric Loss (ARX's default), k = 5:
//! - no suppression: levels 4, 0, 0, 2, 3, 2, 2, 1; 30 classes, smallest 16;
//!   loss 0.5915849773;
//! - suppression limit 4 %: levels 3, 0, 0, 0, 2, 1, 1, 2; 1,038 rows
//!   suppressed; 327 classes; loss 0.2608358757.
#![cfg(not(target_arch = "wasm32"))]

use masque::search::{anonymise, AnonymiseConfig, AnonymiseResult, Anonymised, SearchErrorKind, Unlimited};
use masque::table::Table;

#[path = "common/adult.rs"]
mod adult;
use adult::{adult, hierarchy, quasi_identifiers, ADULT_QI};

/// The Adult configuration with inline hierarchies.
fn adult_config(k: u32, limit: f64, extra: &str) -> AnonymiseConfig {
    let text = format!(
        r#"{{"quasi_identifiers": {{{}}}, "k": {k}, "suppression_limit": {limit}, "metric": "loss"{extra}}}"#,
        quasi_identifiers()
    );
    AnonymiseConfig::from_json(&text).unwrap()
}

fn levels(r: &AnonymiseResult) -> Vec<usize> {
    ADULT_QI.iter().map(|q| *r.levels.get(q).unwrap()).collect()
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[test]
fn adult_k5_without_suppression_matches_arx() {
    let table = adult();
    let done = anonymise(&table, &adult_config(5, 0.0, ""), &mut Unlimited).unwrap();
    let r = &done.result;
    assert_eq!(levels(r), vec![4, 0, 0, 2, 3, 2, 2, 1]);
    assert_eq!(r.suppressed, 0);
    assert_eq!(r.classes, 30);
    assert_eq!(r.k, 16);
    assert_eq!(r.metric.name, "loss");
    assert_eq!(round6(r.metric.value), round6(0.5915849773));
    assert!((r.metric.value - 0.5915849773).abs() < 1e-9, "{}", r.metric.value);
    assert!(r.optimal);
    assert!(r.nodes_checked > 0 && r.nodes_checked < r.lattice_size);
    assert_eq!(r.lattice_size, 5 * 2 * 2 * 3 * 4 * 3 * 3 * 3);
    // The output is 5-anonymous on the quasi-identifiers, and the risk says so.
    let after = r.risk_after.as_ref().unwrap();
    assert_eq!((after.classes, after.k, after.suppressed), (30, 16, 0));
    assert_eq!(r.risk_before.k, 1);
    assert_eq!(r.risk_before.classes, 18_109);
    check_output(&table, &done);
}

#[test]
fn adult_k5_with_four_percent_suppression_matches_arx() {
    let table = adult();
    let done = anonymise(&table, &adult_config(5, 0.04, ""), &mut Unlimited).unwrap();
    let r = &done.result;
    assert_eq!(levels(r), vec![3, 0, 0, 0, 2, 1, 1, 2]);
    assert_eq!(r.suppressed, 1_038);
    assert_eq!(r.classes, 327);
    assert_eq!(round6(r.metric.value), round6(0.2608358757));
    assert!((r.metric.value - 0.2608358757).abs() < 1e-9, "{}", r.metric.value);
    assert!(r.optimal);
    let after = r.risk_after.as_ref().unwrap();
    assert_eq!((after.classes, after.suppressed), (327, 1_038));
    assert!(after.k >= 5);
    check_output(&table, &done);
}

/// The output has the input's shape, generalised values from the
/// hierarchies at the chosen levels, and `*` in every quasi-identifier of
/// the suppressed rows.
fn check_output(input: &Table, done: &Anonymised) {
    let out = &done.table;
    assert_eq!(out.rows, input.rows);
    assert_eq!(out.columns.len(), input.columns.len());
    let generalise: Vec<std::collections::HashMap<String, String>> = ADULT_QI
        .iter()
        .map(|q| {
            let level = *done.result.levels.get(q).unwrap();
            hierarchy(q)
                .lines()
                .map(|l| l.split(';').collect::<Vec<_>>())
                .filter(|f| f.len() > level)
                .map(|f| (f[0].to_string(), f[level].to_string()))
                .collect()
        })
        .collect();
    let mut starred = 0;
    for row in 0..out.rows {
        let suppressed = ADULT_QI.iter().all(|q| out.column(q).unwrap().get(row) == "*");
        starred += usize::from(suppressed);
        if !suppressed {
            for (q, map) in ADULT_QI.iter().zip(&generalise) {
                let value = input.column(q).unwrap().get(row);
                assert_eq!(out.column(q).unwrap().get(row), map[value], "row {row}, {q}");
            }
        }
        assert_eq!(out.column("salary-class").unwrap().get(row), input.column("salary-class").unwrap().get(row));
    }
    assert_eq!(starred, done.result.suppressed);
}

/// An independent, exhaustive transcription of the definitions (module
/// documentation of `masque::search` and `masque::search::metric`): every
/// node of the lattice is generalised row by row, grouped, judged and scored.
#[allow(clippy::needless_range_loop, clippy::manual_memcpy)] // a literal transcription, index by index
mod reference {
    use std::collections::HashMap;

    /// A criterion on the sensitive column.
    #[derive(Debug, Clone, Copy)]
    pub enum Criterion {
        Distinct(usize),
        Entropy(f64),
        Recursive(f64, usize),
        Closeness(f64),
    }

    /// A small problem: rows of quasi-identifier values, their hierarchies
    /// (rows of labels, value first), a sensitive column.
    #[derive(Debug, Clone)]
    pub struct Case {
        pub names: Vec<String>,
        pub values: Vec<Vec<String>>,
        pub hierarchies: Vec<Vec<Vec<String>>>,
        pub mins: Vec<usize>,
        pub maxs: Vec<usize>,
        pub sensitive: Vec<String>,
        pub criterion: Option<Criterion>,
        pub k: usize,
        pub limit: f64,
        pub metric: &'static str,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Node {
        pub levels: Vec<usize>,
        pub anonymous: bool,
        pub suppressed: usize,
        pub kept_classes: usize,
        pub smallest: usize,
        pub metric: f64,
    }

    impl Case {
        pub fn rows(&self) -> usize {
            self.sensitive.len()
        }

        fn label(&self, d: usize, value: &str, level: usize) -> String {
            self.hierarchies[d].iter().find(|r| r[0] == value).map(|r| r[level].clone()).expect("value in hierarchy")
        }

        fn fails(&self, rows: &[usize]) -> bool {
            if rows.len() < self.k {
                return true;
            }
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for &r in rows {
                *counts.entry(self.sensitive[r].as_str()).or_default() += 1;
            }
            let n = rows.len() as f64;
            match self.criterion {
                None => false,
                Some(Criterion::Distinct(l)) => counts.len() < l,
                Some(Criterion::Entropy(l)) => {
                    let h: f64 = counts.values().map(|&c| -(c as f64 / n) * (c as f64 / n).ln()).sum();
                    h < l.ln() - 1e-9
                }
                Some(Criterion::Recursive(c, l)) => {
                    let mut r: Vec<usize> = counts.values().copied().collect();
                    r.sort_unstable_by(|a, b| b.cmp(a));
                    r.len() < l || (r[0] as f64) >= c * r[l - 1..].iter().sum::<usize>() as f64
                }
                Some(Criterion::Closeness(t)) => self.emd(rows) > t,
            }
        }

        /// The EMD of the class to the whole table: ordered by numeric value
        /// when every value is a number, equal distance otherwise.
        fn emd(&self, rows: &[usize]) -> f64 {
            let mut values: Vec<&str> = self.sensitive.iter().map(String::as_str).collect();
            values.sort();
            values.dedup();
            let numeric = values.iter().all(|v| v.parse::<f64>().is_ok());
            if numeric {
                values.sort_by(|a, b| a.parse::<f64>().unwrap().total_cmp(&b.parse::<f64>().unwrap()));
            }
            let share = |set: &mut dyn Iterator<Item = usize>, total: f64| {
                let mut p = vec![0.0; values.len()];
                for r in set {
                    let i = values.iter().position(|v| *v == self.sensitive[r]).unwrap();
                    p[i] += 1.0 / total;
                }
                p
            };
            let q = share(&mut (0..self.rows()), self.rows() as f64);
            let p = share(&mut rows.iter().copied(), rows.len() as f64);
            let m = values.len();
            if numeric {
                if m <= 1 {
                    return 0.0;
                }
                let mut cumulative = 0.0;
                let mut sum = 0.0;
                for i in 0..m {
                    cumulative += p[i] - q[i];
                    sum += f64::abs(cumulative);
                }
                sum / (m - 1) as f64
            } else {
                0.5 * p.iter().zip(&q).map(|(a, b)| (a - b).abs()).sum::<f64>()
            }
        }

        pub fn evaluate(&self, levels: &[usize]) -> Node {
            let n = self.rows();
            let labels: Vec<Vec<String>> = (0..n)
                .map(|r| (0..levels.len()).map(|d| self.label(d, &self.values[d][r], levels[d])).collect())
                .collect();
            let mut classes: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
            for (r, key) in labels.iter().enumerate() {
                match classes.iter_mut().find(|(k, _)| k == key) {
                    Some((_, rows)) => rows.push(r),
                    None => classes.push((key.clone(), vec![r])),
                }
            }
            let failing: Vec<bool> = classes.iter().map(|(_, rows)| self.fails(rows)).collect();
            let suppressed: usize = classes.iter().zip(&failing).filter(|(_, &f)| f).map(|((_, r), _)| r.len()).sum();
            let anonymous = suppressed as f64 <= (self.limit * n as f64).floor();
            let row_suppressed: Vec<bool> = {
                let mut s = vec![false; n];
                for ((_, rows), &f) in classes.iter().zip(&failing) {
                    for &r in rows {
                        s[r] = f;
                    }
                }
                s
            };
            let kept: Vec<usize> =
                classes.iter().zip(&failing).filter(|(_, &f)| !f).map(|((_, r), _)| r.len()).collect();
            let nf = n as f64;
            let dims = levels.len();
            let metric = match self.metric {
                "loss" => {
                    let mut product = 1.0f64;
                    for d in 0..dims {
                        let h = &self.hierarchies[d];
                        let size = h.len() as f64;
                        let mut raw = 0.0;
                        for r in 0..n {
                            raw += if row_suppressed[r] {
                                1.0
                            } else {
                                let g = &labels[r][d];
                                h.iter().filter(|row| &row[levels[d]] == g).count() as f64 / size
                            };
                        }
                        let min = nf / size;
                        let l = if nf - min <= 0.0 { 0.0 } else { ((raw - min) / (nf - min)).max(0.0) };
                        product *= (1.0 + l).powf(1.0 / dims as f64);
                    }
                    product - 1.0
                }
                "precision" => {
                    let mut sum = 0.0;
                    for d in 0..dims {
                        let top = (self.hierarchies[d][0].len() - 1) as f64;
                        let ratio = if top == 0.0 { 0.0 } else { levels[d] as f64 / top };
                        sum += ((nf - suppressed as f64) * ratio + suppressed as f64) / nf / dims as f64;
                    }
                    sum
                }
                "discernibility" => kept.iter().map(|&s| (s * s) as f64).sum::<f64>() + nf * suppressed as f64,
                "entropy" => {
                    // ARX's non-monotonic non-uniform entropy: every row's
                    // generalisation, log2(c(g) / c(v)), and for the
                    // suppressed rows the entropy of their labels among them,
                    // Σ_g s_g log2(s / s_g).
                    let mut sum = 0.0;
                    let s = suppressed as f64;
                    for d in 0..dims {
                        for r in 0..n {
                            let v = &self.values[d][r];
                            let cv = self.values[d].iter().filter(|x| *x == v).count() as f64;
                            let cg = (0..n).filter(|&x| labels[x][d] == labels[r][d]).count() as f64;
                            sum += (cg / cv).log2();
                            if row_suppressed[r] {
                                let sg = (0..n).filter(|&x| row_suppressed[x] && labels[x][d] == labels[r][d]).count();
                                sum += (s / sg as f64).log2();
                            }
                        }
                    }
                    sum
                }
                "aecs" => nf / (kept.len() + usize::from(suppressed > 0)).max(1) as f64,
                other => panic!("unknown metric {other}"),
            };
            Node {
                levels: levels.to_vec(),
                anonymous,
                suppressed,
                kept_classes: kept.len(),
                smallest: kept.iter().copied().min().unwrap_or(0),
                metric,
            }
        }

        /// Every node of the lattice.
        pub fn enumerate(&self) -> Vec<Node> {
            let mut nodes = Vec::new();
            let mut levels = self.mins.clone();
            loop {
                nodes.push(self.evaluate(&levels));
                let mut d = levels.len();
                loop {
                    if d == 0 {
                        return nodes;
                    }
                    d -= 1;
                    if levels[d] < self.maxs[d] {
                        levels[d] += 1;
                        for e in d + 1..levels.len() {
                            levels[e] = self.mins[e];
                        }
                        break;
                    }
                }
            }
        }

        /// The configuration of the search for this case.
        pub fn config(&self, extra: &str) -> String {
            let qis: Vec<String> = self
                .names
                .iter()
                .enumerate()
                .map(|(d, name)| {
                    let text: String = self.hierarchies[d].iter().map(|r| r.join(";") + "\n").collect();
                    format!(
                        "{}: {{\"hierarchy\": {}, \"min_level\": {}, \"max_level\": {}}}",
                        serde_json::json!(name),
                        serde_json::json!(text),
                        self.mins[d],
                        self.maxs[d]
                    )
                })
                .collect();
            let sensitive = match self.criterion {
                None => String::new(),
                Some(Criterion::Distinct(l)) => format!(r#", "sensitive": {{"s": {{"l_distinct": {l}}}}}"#),
                Some(Criterion::Entropy(l)) => format!(r#", "sensitive": {{"s": {{"l_entropy": {l}}}}}"#),
                Some(Criterion::Recursive(c, l)) => {
                    format!(r#", "sensitive": {{"s": {{"recursive_cl": {{"c": {c}, "l": {l}}}}}}}"#)
                }
                Some(Criterion::Closeness(t)) => format!(r#", "sensitive": {{"s": {{"t_closeness": {t}}}}}"#),
            };
            format!(
                r#"{{"quasi_identifiers": {{{}}}, "k": {}, "suppression_limit": {}, "metric": "{}"{sensitive}{extra}}}"#,
                qis.join(", "),
                self.k,
                self.limit,
                self.metric
            )
        }

        /// The table of the case (quasi-identifiers, then `s`).
        pub fn table(&self) -> masque::table::Table {
            let mut columns: Vec<masque::table::Column> = self
                .names
                .iter()
                .zip(&self.values)
                .map(|(name, values)| masque::table::Column::from_values(name, values.iter()))
                .collect();
            columns.push(masque::table::Column::from_values("s", self.sensitive.iter()));
            masque::table::Table::new(columns).unwrap()
        }
    }

    /// Whether `a` is a better node than `b` (metric, then fewer steps, then lexicographic).
    fn better(a: &Node, b: &Node, mins: &[usize]) -> bool {
        let steps = |n: &Node| n.levels.iter().zip(mins).map(|(l, m)| l - m).sum::<usize>();
        (a.metric, steps(a), &a.levels).partial_cmp(&(b.metric, steps(b), &b.levels)) == Some(std::cmp::Ordering::Less)
    }

    /// The optimum, if some node is anonymous.
    pub fn optimum(case: &Case, nodes: &[Node]) -> Option<Node> {
        nodes
            .iter()
            .filter(|n| n.anonymous)
            .fold(None, |best: Option<&Node>, n| match best {
                Some(b) if !better(n, b, &case.mins) => Some(b),
                _ => Some(n),
            })
            .cloned()
    }
}

use reference::{Case, Criterion};

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A random small case: 1 to 4 quasi-identifiers with random coarsening
/// hierarchies of 1 to 5 levels (some with values absent from the data), 1 to
/// 40 rows.
fn random_case(seed: u64) -> Case {
    let mut rng = Rng(seed);
    let dims = 1 + rng.below(4);
    let rows = 1 + rng.below(40);
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut hierarchies = Vec::new();
    let mut mins = Vec::new();
    let mut maxs = Vec::new();
    for d in 0..dims {
        let alphabet = 1 + rng.below(5);
        let extra = rng.below(3);
        let height = 1 + rng.below(5).max(rng.below(5));
        let all: Vec<String> =
            (0..alphabet).map(|i| format!("v{i}")).chain((0..extra).map(|i| format!("x{i}"))).collect();
        // group[i] = group of value i at the current level.
        let mut group: Vec<usize> = (0..all.len()).collect();
        let mut groups = all.len();
        let mut rows_h: Vec<Vec<String>> = all.iter().map(|v| vec![v.clone()]).collect();
        for level in 1..height {
            let top = level + 1 == height && rng.below(2) == 0;
            let next_groups = if top { 1 } else { 1 + rng.below(groups) };
            let parent: Vec<usize> = (0..groups).map(|_| rng.below(next_groups)).collect();
            for (i, g) in group.iter_mut().enumerate() {
                *g = parent[*g];
                rows_h[i].push(if top { "*".to_string() } else { format!("L{level}G{g}") });
            }
            groups = next_groups;
        }
        let skew = rng.below(3);
        values.push(
            (0..rows).map(|_| format!("v{}", rng.below(alphabet).min(rng.below(alphabet) + skew))).collect::<Vec<_>>(),
        );
        let min = rng.below(height.min(2));
        let max = if rng.below(4) == 0 { min + rng.below(height - min) } else { height - 1 };
        names.push(format!("q{d}"));
        hierarchies.push(rows_h);
        mins.push(min);
        maxs.push(max);
    }
    let numeric = rng.below(2) == 0;
    let sensitive_alphabet = 1 + rng.below(4);
    let sensitive = (0..rows)
        .map(|_| {
            let i = rng.below(sensitive_alphabet);
            if numeric {
                format!("{}", 10 * (i + 1))
            } else {
                ["a", "b", "c", "d"][i].to_string()
            }
        })
        .collect();
    let criterion = match rng.below(6) {
        0 => Some(Criterion::Distinct(2)),
        1 => Some(Criterion::Entropy(1.7)),
        2 => Some(Criterion::Recursive(2.0, 2)),
        3 => Some(Criterion::Closeness(0.3141592)),
        _ => None,
    };
    let k = 1 + rng.below(4);
    let limit = [0.0, 0.0, 0.1, 0.25, 0.5][rng.below(5)];
    let metric = ["loss", "loss", "precision", "discernibility", "entropy", "aecs"][rng.below(6)];
    Case { names, values, hierarchies, mins, maxs, sensitive, criterion, k, limit, metric }
}

fn relative_close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Runs the search on `case` and checks it against exhaustive enumeration.
fn check_against_enumeration(case: &Case) {
    let nodes = case.enumerate();
    let best = reference::optimum(case, &nodes);
    let table = case.table();
    let node_of = |levels: &[usize]| nodes.iter().find(|n| n.levels == levels).expect("a lattice node").clone();
    let levels_of = |r: &AnonymiseResult| case.names.iter().map(|q| *r.levels.get(q).unwrap()).collect::<Vec<_>>();

    // The optimal search.
    let config = AnonymiseConfig::from_json(&case.config("")).unwrap();
    match (anonymise(&table, &config, &mut Unlimited), &best) {
        (Err(e), None) => assert_eq!(e.kind(), &SearchErrorKind::NoSolution, "{case:?}"),
        (Ok(done), Some(best)) => {
            let r = &done.result;
            assert!(r.optimal, "{case:?}");
            assert!(relative_close(r.metric.value, best.metric), "{} vs {best:?}\n{case:?}", r.metric.value);
            let chosen = node_of(&levels_of(r));
            assert!(chosen.anonymous, "{chosen:?}\n{case:?}");
            let ties = nodes.iter().filter(|n| n.anonymous && relative_close(n.metric, best.metric)).count();
            if ties == 1 {
                assert_eq!(&chosen, best, "{case:?}");
            }
            assert!(relative_close(r.metric.value, chosen.metric), "{case:?}");
            assert_eq!((r.suppressed, r.classes, r.k), (chosen.suppressed, chosen.kept_classes, chosen.smallest));
            assert_eq!(r.rows, case.rows());
        }
        (got, want) => panic!("search {:?}, enumeration {want:?}\n{case:?}", got.map(|d| d.result.levels)),
    }

    // The heuristic: an anonymous node, never better than the optimum.
    let config = AnonymiseConfig::from_json(&case.config(r#", "search": "heuristic""#)).unwrap();
    match (anonymise(&table, &config, &mut Unlimited), &best) {
        (Ok(done), Some(best)) => {
            let chosen = node_of(&levels_of(&done.result));
            assert!(chosen.anonymous, "{case:?}");
            assert!(!done.result.optimal);
            assert!(relative_close(done.result.metric.value, chosen.metric), "{case:?}");
            assert!(chosen.metric >= best.metric - 1e-9 * best.metric.abs().max(1.0));
        }
        (Err(e), _) => assert_eq!(e.kind(), &SearchErrorKind::NoSolution, "{case:?}"),
        (Ok(done), None) => panic!("heuristic found {:?} but no node is anonymous\n{case:?}", done.result.levels),
    }

    // A budget of one node: an anonymous node, not claimed optimal unless the proof was complete.
    let config = AnonymiseConfig::from_json(&case.config(r#", "max_nodes": 1"#)).unwrap();
    if let (Ok(done), Some(best)) = (anonymise(&table, &config, &mut Unlimited), &best) {
        let chosen = node_of(&levels_of(&done.result));
        assert!(chosen.anonymous, "{case:?}");
        if done.result.optimal {
            assert!(relative_close(done.result.metric.value, best.metric), "{case:?}");
        }
    }
}

mod enumeration {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// On random small tables and hierarchies, with every metric, with
        /// and without suppression and sensitive criteria, the optimal search
        /// finds the optimum that exhaustive enumeration finds.
        #[test]
        fn optimal_search_equals_enumeration(seed in any::<u64>()) {
            check_against_enumeration(&random_case(seed));
        }
    }
}

const METRICS: [&str; 5] = ["loss", "precision", "discernibility", "entropy", "aecs"];

/// A case from a `;`-separated table and hierarchies given as text.
fn case_from(
    csv: &str,
    qis: &[(&str, String)],
    sensitive: Option<&str>,
    criterion: Option<Criterion>,
    k: usize,
    limit: f64,
    metric: &'static str,
) -> Case {
    let mut lines = csv.lines().filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(';').collect()).collect();
    let column = |name: &str| {
        let i = header.iter().position(|h| *h == name).unwrap();
        rows.iter().map(|r| r[i].to_string()).collect::<Vec<_>>()
    };
    let hierarchies: Vec<Vec<Vec<String>>> = qis
        .iter()
        .map(|(_, text)| {
            text.lines().filter(|l| !l.is_empty()).map(|l| l.split(';').map(str::to_string).collect()).collect()
        })
        .collect();
    Case {
        names: qis.iter().map(|(n, _)| n.to_string()).collect(),
        values: qis.iter().map(|(n, _)| column(n)).collect(),
        mins: vec![0; qis.len()],
        maxs: hierarchies.iter().map(|h| h[0].len() - 1).collect(),
        hierarchies,
        sensitive: sensitive.map_or_else(|| vec!["x".to_string(); rows.len()], column),
        criterion,
        k,
        limit,
        metric,
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/arx-small/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// ARX's `test_hierarchy_zipcode.csv`: 80000 to 89999, masked one digit per level, then `*`.
fn arx_zipcode_hierarchy() -> String {
    (80000..90000)
        .map(|z: u32| {
            let s = z.to_string();
            format!("{s};{}*;{}**;{}***;{}****;*\n", &s[..4], &s[..3], &s[..2], &s[..1])
        })
        .collect()
}

#[test]
fn arx_small_tables_equal_enumeration() {
    let test2 = fixture("test2.csv");
    let qis2 = [("ZIPCode", fixture("test2_hierarchy_ZIPCode.csv")), ("Age", fixture("test2_hierarchy_Age.csv"))];
    let test1 = fixture("test.csv");
    let qis1 = [
        ("age", fixture("test_hierarchy_age.csv")),
        ("gender", fixture("test_hierarchy_gender.csv")),
        ("zipcode", arx_zipcode_hierarchy()),
    ];
    let criteria = [
        None,
        Some(Criterion::Distinct(2)),
        Some(Criterion::Entropy(1.5)),
        Some(Criterion::Recursive(3.0, 2)),
        Some(Criterion::Closeness(0.4)),
    ];
    for metric in METRICS {
        for (k, limit) in [(2, 0.0), (3, 0.0), (2, 0.2), (3, 0.35)] {
            check_against_enumeration(&case_from(&test1, &qis1, None, None, k, limit, metric));
            for criterion in criteria {
                for sensitive in ["Disease", "Salary"] {
                    check_against_enumeration(&case_from(&test2, &qis2, Some(sensitive), criterion, k, limit, metric));
                }
                // Disease as a quasi-identifier too, with its 4-level hierarchy.
                let mut qis3 = qis2.to_vec();
                qis3.push(("Disease", fixture("test2_hierarchy_Disease.csv")));
                check_against_enumeration(&case_from(&test2, &qis3, Some("Salary"), criterion, k, limit, metric));
            }
        }
    }
}

/// The Adult configuration with `extra` JSON fields and sensitive criteria.
fn adult_run(k: u32, limit: f64, extra: &str) -> Anonymised {
    anonymise(&adult(), &adult_config(k, limit, extra), &mut Unlimited).unwrap()
}

#[test]
fn adult_with_l_diversity_is_diverse_and_optimal() {
    let done = adult_run(5, 0.04, r#", "sensitive": {"salary-class": {"l_distinct": 2}}"#);
    let r = &done.result;
    assert!(r.optimal);
    assert!(r.suppressed <= 1_206);
    let after = r.risk_after.as_ref().unwrap();
    assert!(after.k >= 5);
    assert!(after.sensitive.get("salary-class").unwrap().l_distinct >= 2);
    // Stricter than k alone: never a better loss than the k=5 / 4 % optimum.
    assert!(r.metric.value >= 0.2608358757 - 1e-9);
    // With t-closeness (not monotone with suppression): every class within t.
    let done = adult_run(5, 0.04, r#", "sensitive": {"salary-class": {"t_closeness": 0.2}}"#);
    let after = done.result.risk_after.as_ref().unwrap();
    assert!(after.sensitive.get("salary-class").unwrap().t_closeness <= 0.2);
    assert!(done.result.optimal);
}

#[test]
fn suppressed_rows_can_be_removed() {
    let done = adult_run(5, 0.04, r#", "suppressed_rows": "remove""#);
    let r = &done.result;
    assert_eq!(r.suppressed, 1_038);
    assert_eq!(done.table.rows, 30_162 - 1_038);
    assert!(done.table.columns.iter().all(|c| c.codes.len() == done.table.rows));
    let after = r.risk_after.as_ref().unwrap();
    assert_eq!((after.rows, after.suppressed, after.classes), (29_124, 0, 327));
    // No `*` is written for suppression: the only `*` are top-level labels.
    for q in ADULT_QI {
        let column = done.table.column(q).unwrap();
        let top = *r.heights.get(q).unwrap();
        if *r.levels.get(q).unwrap() < top {
            assert!(column.codes.iter().all(|&c| column.dict.get(c) != "*"), "{q}");
        }
    }
}

#[test]
fn level_bounds_are_respected() {
    // sex kept as is, age at least 1: the lattice shrinks accordingly.
    let mut config = adult_config(5, 0.04, "");
    config.quasi_identifiers.0.iter_mut().for_each(|(name, qi)| match name.as_str() {
        "sex" => qi.max_level = Some(0),
        "age" => qi.min_level = Some(1),
        _ => {}
    });
    let done = anonymise(&adult(), &config, &mut Unlimited).unwrap();
    assert_eq!(done.result.lattice_size, 4 * 2 * 3 * 4 * 3 * 3 * 3);
    assert_eq!(*done.result.levels.get("sex").unwrap(), 0);
    assert!(*done.result.levels.get("age").unwrap() >= 1);
    // The unbounded optimum (age 3, sex 0) is inside the bounds: same answer.
    assert_eq!(levels(&done.result), vec![3, 0, 0, 0, 2, 1, 1, 2]);
}

#[test]
fn a_stopped_search_says_it_is_not_optimal() {
    let table = adult();
    let config = adult_config(5, 0.04, "");
    let mut calls = 0;
    let mut stop_at_once = |p: &masque::search::Progress| {
        calls += 1;
        assert!(p.nodes_checked >= 1 && p.lattice_size == 6_480);
        true
    };
    let done = anonymise(&table, &config, &mut stop_at_once).unwrap();
    assert!(calls >= 1);
    let r = &done.result;
    assert!(!r.optimal);
    assert!(r.suppressed <= 1_206);
    assert!(r.risk_after.as_ref().unwrap().k >= 5);
    assert!(r.metric.value >= 0.2608358757 - 1e-9);
    // A node budget does the same, deterministically.
    let done = adult_run(5, 0.04, r#", "max_nodes": 3"#);
    assert!(!done.result.optimal);
    assert!(done.result.risk_after.as_ref().unwrap().k >= 5);
}

#[test]
fn large_lattices_go_to_the_heuristic() {
    // 22 two-level quasi-identifiers: 2^22 nodes, above the optimal search's limit.
    let names: Vec<String> = (0..22).map(|i| format!("q{i}")).collect();
    let columns: Vec<masque::table::Column> = names
        .iter()
        .enumerate()
        .map(|(i, n)| masque::table::Column::from_values(n, (0..40).map(|r| ((r * (i + 3)) % 3).to_string())))
        .collect();
    let table = Table::new(columns).unwrap();
    let qis: Vec<String> = names.iter().map(|n| format!(r#""{n}": {{"hierarchy": "0;*\n1;*\n2;*\n"}}"#)).collect();
    let text = format!(r#"{{"quasi_identifiers": {{{}}}, "k": 4}}"#, qis.join(", "));
    let config = AnonymiseConfig::from_json(&text).unwrap();
    let done = anonymise(&table, &config, &mut Unlimited).unwrap();
    assert!(!done.result.optimal);
    assert_eq!(done.result.search, masque::search::Phase::Heuristic);
    assert_eq!(done.result.lattice_size, 1 << 22);
    assert!(done.result.k >= 4);
    let optimal = AnonymiseConfig::from_json(&text.replace(r#""k": 4"#, r#""k": 4, "search": "optimal""#)).unwrap();
    let err = anonymise(&table, &optimal, &mut Unlimited).unwrap_err();
    assert_eq!(err.code(), "lattice_too_large");
}

#[test]
fn errors_name_columns_and_rows_never_values() {
    let table = adult();
    let run = |text: &str| anonymise(&table, &AnonymiseConfig::from_json(text).unwrap(), &mut Unlimited);
    let err = run(r#"{"quasi_identifiers": {"agee": {"builder": {"age_bands": {}}}}}"#).unwrap_err();
    assert_eq!(err.to_string(), "unknown column `agee`: the table has no column of that name");
    // The first row's age (39) left out of the hierarchy.
    let age: String = hierarchy("age").lines().filter(|l| !l.starts_with("39;")).map(|l| format!("{l}\n")).collect();
    let text = format!(r#"{{"quasi_identifiers": {{"age": {{"hierarchy": {}}}}}, "k": 2}}"#, serde_json::json!(age));
    let err = run(&text).unwrap_err();
    assert_eq!(err.to_string(), "column `age`: the value in row 1 is not in the hierarchy");
    assert_eq!(err.code(), "not_in_hierarchy");
    let err = run(r#"{"quasi_identifiers": {"sex": {"hierarchy": "Male;M;*\nFemale;F;x\nOther;M;y\n"}}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "column `sex`: hierarchy level 2 is not a coarsening of level 1: hierarchy rows 1 and 3 share their label at \
         level 1 but not at level 2"
    );
    let err = run(r#"{"quasi_identifiers": {"sex": {"hierarchy_file": "sex.csv"}}}"#).unwrap_err();
    assert_eq!(err.code(), "hierarchy_file_unavailable");
    let err =
        run(r#"{"quasi_identifiers": {"sex": {"hierarchy": "Male;*\nFemale;*\n", "max_level": 2}}}"#).unwrap_err();
    assert_eq!(err.to_string(), "quasi-identifier `sex`: levels go from 0 to 1");
    let err = run(r#"{"quasi_identifiers": {"sex": {"hierarchy": "Male;*\nFemale;*\n"}}, "k": 40000}"#).unwrap_err();
    assert_eq!(err.kind(), &SearchErrorKind::NoSolution);
    let err = run(r#"{"quasi_identifiers": {"workclass": {"builder": {"age_bands": {}}}}}"#).unwrap_err();
    assert_eq!(err.to_string(), "column `workclass`: the value in row 1 is not an age (a number from 0)");
    assert!(!err.to_string().contains("State-gov"));
    let err = run(r#"{"quasi_identifiers": {"sex": {"hierarchy": "Male;*\n\"Female;*\n"}}}"#).unwrap_err();
    assert!(err.to_string().starts_with("column `sex`: hierarchy: line 2"), "{err}");
}

#[test]
fn a_malformed_table_is_an_error_not_a_panic() {
    // A hand-built column whose codes point past its dictionary.
    let mut column = masque::table::Column::from_values("a", ["x", "y"]);
    column.codes.push(7);
    let table = Table { columns: vec![column], rows: 3 };
    let config =
        AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {"hierarchy": "x;*\ny;*\n"}}, "k": 1}"#).unwrap();
    let err = anonymise(&table, &config, &mut Unlimited).unwrap_err();
    assert_eq!(err.code(), "code_out_of_range");
}
