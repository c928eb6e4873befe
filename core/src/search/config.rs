//! The anonymisation configuration: the same JSON object for the command line
//! (`masque anonymise --config C.json`) and for the wasm `anonymise`.
//!
//! ```json
//! {"quasi_identifiers": {"age": {"hierarchy_file": "adult_hierarchy_age.csv"},
//!                        "zip": {"builder": {"mask": {"levels": 5}}},
//!                        "sex": {"hierarchy": "Male;*\nFemale;*\n", "max_level": 0},
//!                        "race": {}},
//!  "sensitive": {"salary-class": {"l_distinct": 2}},
//!  "k": 5, "suppression_limit": 0.04, "metric": "loss"}
//! ```
//!
//! A quasi-identifier given as `{}` gets the flat hierarchy (the value, then `*`).
//! Unknown fields are errors; messages name the path (`quasi_identifiers.age.builder`).

use serde::{Deserialize, Serialize};

use super::criteria::{AverageRisk, DeltaPresence, KMap, Population, PopulationUniqueness};
use super::error::{SearchError, SearchErrorKind};
use crate::hierarchy::Builder;
use crate::privacy::{DistanceChoice, OrderedMap};

/// k when the configuration gives none: the threshold of French health
/// practice (no cell under 11, CASD / INSEE statistical secrecy).
pub const DEFAULT_K: u32 = 11;

/// What to anonymise and how (see the module documentation).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnonymiseConfig {
    /// The quasi-identifiers, in order, each with its hierarchy.
    pub quasi_identifiers: OrderedMap<QuasiIdentifier>,
    /// Sensitive attributes and their criteria (l-diversity, t-closeness).
    #[serde(default)]
    pub sensitive: OrderedMap<Sensitive>,
    /// k of k-anonymity (1 means no k-anonymity). When absent: [`DEFAULT_K`],
    /// or 1 when a risk target or k-map is given (see [`AnonymiseConfig::k`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<u32>,
    /// The largest share of rows that may be suppressed, from 0 to 1 (default 0).
    #[serde(default)]
    pub suppression_limit: f64,
    /// The utility metric to minimise (default `loss`).
    #[serde(default)]
    pub metric: MetricKind,
    /// How to search (default `auto`).
    #[serde(default)]
    pub search: SearchMode,
    /// What to do with suppressed rows in the output (default `mask`).
    #[serde(default)]
    pub suppressed_rows: SuppressedRows,
    /// Global (one level per quasi-identifier, the default) or local
    /// recoding (each row's cell at its own level of the hierarchy).
    /// Written only when local, so that existing configurations serialise as before.
    #[serde(default, skip_serializing_if = "Recoding::is_global")]
    pub recoding: Recoding,
    /// How failing rows are suppressed: whole records (the default) or the
    /// fewest cells (`{"suppression": "cells", "importance": [...]}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<LocalConfig>,
    /// Stop the search after this many lattice nodes checked (a budget that
    /// does not depend on the machine); the result then says `optimal: false`.
    /// If no anonymous node was found by then, the heuristic's climb to a
    /// first one still runs (a few nodes per level of the lattice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<u64>,
    /// Stop the search after this many milliseconds. The core reads no clock:
    /// the command line and the wasm boundary apply it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_ms: Option<u64>,
    /// Average re-identification risk target (see [`super::criteria`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_risk: Option<AverageRisk>,
    /// The largest share of records unique in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_uniqueness: Option<f64>,
    /// The largest estimated share of the population unique (needs the population).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_uniqueness: Option<PopulationUniqueness>,
    /// k-map with an estimated population (needs the population).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k_map: Option<KMap>,
    /// The population the file is drawn from: a size or a preset (`"france"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<Population>,
    /// The population as a sampling fraction `rows / N`, instead of `population`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling_fraction: Option<f64>,
    /// A table of the population the file is drawn from (its columns include
    /// every quasi-identifier; others are ignored), for `k_map` counted in
    /// it and `delta_presence` (see [`super::population_table`]). A path
    /// relative to the configuration file, read by the command line with the
    /// input's reading options; the core takes the table itself
    /// ([`super::anonymise_with_population`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_table: Option<String>,
    /// δ-presence against the population table (needs `population_table`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta_presence: Option<DeltaPresence>,
}

/// One quasi-identifier: at most one hierarchy source (none: the `flat`
/// builder, each value then `*`), and optional bounds on its generalisation level.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuasiIdentifier {
    /// A path to an ARX hierarchy CSV file, relative to the configuration
    /// file; read by the command line (not available in the browser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hierarchy_file: Option<String>,
    /// An ARX hierarchy as CSV text (one row per value, `;`-separated levels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hierarchy: Option<String>,
    /// A hierarchy builder (see [`crate::hierarchy::builder`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builder: Option<Builder>,
    /// The delimiter of the hierarchy CSV (default `;`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// The lowest level the search may choose (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<usize>,
    /// The highest level the search may choose (default the top).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_level: Option<usize>,
    /// How much this column's loss counts in the metric and in local
    /// recoding's choices (ARX's attribute weight; default 1, 0 makes the
    /// column free; see [`super::metric`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Microaggregation of a numeric quasi-identifier (no hierarchy): its
    /// values replaced within each class by an aggregate (see `search::microaggregation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microaggregation: Option<Microaggregation>,
}

/// How a numeric quasi-identifier is microaggregated.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Microaggregation {
    /// The aggregate written for a group: `mean`, `median` or `interval`.
    pub function: AggregateFunction,
    /// Split each class into groups of at least `k` rows by MDAV
    /// (Domingo-Ferrer & Torra) on this column before aggregating, instead of
    /// aggregating the whole class (default false).
    #[serde(default)]
    pub mdav: bool,
}

/// ARX's microaggregation functions.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregateFunction {
    /// The arithmetic mean.
    Mean,
    /// The median (the mean of the two middle values for an even count).
    Median,
    /// `[min, max]`.
    Interval,
}

/// The criteria on one sensitive attribute. With none (`{}`) the column is
/// only measured: its l-diversity is reported before and after, and the
/// search is not constrained (see [`AnonymiseConfig::measured`]).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sensitive {
    /// Distinct l-diversity: at least `l` distinct values per class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l_distinct: Option<u32>,
    /// Entropy l-diversity: class entropy at least `ln l` (`l` may be a real number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l_entropy: Option<f64>,
    /// Recursive (c,l)-diversity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recursive_cl: Option<RecursiveCl>,
    /// t-closeness: every class within `t` of the table's distribution (EMD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t_closeness: Option<f64>,
    /// The ground distance of t-closeness (default `auto`: ordered for numbers).
    #[serde(default)]
    pub distance: DistanceChoice,
    /// The order of the values, lowest first, for the ordered distance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<String>>,
}

/// The parameters of recursive (c,l)-diversity.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecursiveCl {
    /// c (positive).
    pub c: f64,
    /// l (at least 1).
    pub l: u32,
}

/// The utility metrics (definitions in [`super::metric`]). Lower is better for all.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// ARX's "Loss" (its default), geometric mean over quasi-identifiers.
    #[default]
    Loss,
    /// Precision (Sweeney): the relative generalisation height, arithmetic mean.
    Precision,
    /// Discernibility: `Σ |E|²` over classes, `n` per suppressed row.
    Discernibility,
    /// Non-uniform entropy, summed over quasi-identifiers.
    #[serde(alias = "non_uniform_entropy")]
    Entropy,
    /// Average equivalence class size.
    #[serde(alias = "average_class_size")]
    Aecs,
}

impl MetricKind {
    /// The name used in configurations and results.
    pub fn name(self) -> &'static str {
        match self {
            MetricKind::Loss => "loss",
            MetricKind::Precision => "precision",
            MetricKind::Discernibility => "discernibility",
            MetricKind::Entropy => "entropy",
            MetricKind::Aecs => "aecs",
        }
    }
}

/// Which search to run.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    /// The optimal search when the lattice has at most
    /// [`super::MAX_OPTIMAL_NODES`] nodes, the heuristic otherwise.
    #[default]
    Auto,
    /// The optimal search (refused above [`super::MAX_OPTIMAL_NODES`] nodes).
    Optimal,
    /// The heuristic search, whatever the lattice size.
    Heuristic,
}

/// How the quasi-identifiers are generalised.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recoding {
    /// Full-domain generalisation: every row of a quasi-identifier at the
    /// same hierarchy level, found by the lattice search (with suppression).
    #[default]
    Global,
    /// Local recoding: each row's cell is its value or one of its ancestors
    /// in the hierarchy, chosen per group of rows by a top-down
    /// specialisation (see `search::local`); every row is kept.
    Local,
}

impl Recoding {
    /// Whether this is the default, global recoding.
    pub fn is_global(&self) -> bool {
        *self == Recoding::Global
    }

    /// The name used in configurations and results.
    pub fn name(self) -> &'static str {
        match self {
            Recoding::Global => "global",
            Recoding::Local => "local",
        }
    }
}

/// The `local` section: how the rows a generalisation leaves failing are
/// suppressed (see `search::suppress_cells`).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalConfig {
    /// Whole records (the default) or the fewest cells.
    #[serde(default)]
    pub suppression: LocalSuppression,
    /// Quasi-identifiers, most important first: cells of the others, then
    /// of the last listed, are blanked first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub importance: Vec<String>,
    /// How local recoding (`"recoding": "local"`) finds each row's levels
    /// (default [`LocalMethod::Partition`], which kept more information on
    /// the data measured; see `search::iterative`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<LocalMethod>,
}

/// The algorithm of local recoding.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalMethod {
    /// Top-down specialisation of hierarchy nodes, Mondrian-style, with
    /// k-member clustering of small partitions (`search::local`).
    #[default]
    Partition,
    /// ARX's iterative local recoding: the global optimum with suppression,
    /// then the suppressed rows anonymised again on their own, the
    /// generalisation / suppression factor raised when nothing changes
    /// (`search::iterative`).
    Iterative,
}

impl LocalMethod {
    /// The name used in configurations.
    pub fn name(self) -> &'static str {
        match self {
            LocalMethod::Partition => "partition",
            LocalMethod::Iterative => "iterative",
        }
    }
}

/// What suppression blanks.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalSuppression {
    /// Every quasi-identifier of a failing row (record suppression).
    #[default]
    Records,
    /// The fewest quasi-identifier cells of the failing rows, written `*`
    /// (sdcMicro's local suppression); rows no blanking saves are
    /// suppressed whole.
    Cells,
}

/// What the output does with suppressed rows.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressedRows {
    /// Keep the rows, every quasi-identifier written `*` (as ARX does).
    #[default]
    Mask,
    /// Leave the rows out of the output.
    Remove,
}

impl AnonymiseConfig {
    /// k of k-anonymity: as given; else 1 when a risk target (`average_risk`,
    /// `sample_uniqueness`, `population_uniqueness`), `k_map` or
    /// `delta_presence` is given, and
    /// [`DEFAULT_K`] otherwise (l-diversity and t-closeness keep the default k).
    pub fn k(&self) -> u32 {
        self.k.unwrap_or_else(|| if self.has_risk_criterion() { 1 } else { DEFAULT_K })
    }

    /// Whether a risk target, k-map or δ-presence is given.
    pub fn has_risk_criterion(&self) -> bool {
        self.average_risk.is_some()
            || self.sample_uniqueness.is_some()
            || self.population_uniqueness.is_some()
            || self.k_map.is_some()
            || self.delta_presence.is_some()
    }

    /// Whether k-map counts in the population table.
    pub fn k_map_uses_table(&self) -> bool {
        self.k_map.is_some_and(|m| m.uses_table(self.population_table.is_some()))
    }

    /// The configuration the search runs: each sensitive column given without
    /// any criterion (`{}`) gets distinct l-diversity with l = 1, which every
    /// class meets, so that it is measured (its l reported before and after)
    /// without constraining the search: the same levels, rows and cells as
    /// without the column. Borrowed when every column has a criterion.
    pub(crate) fn measured(&self) -> std::borrow::Cow<'_, AnonymiseConfig> {
        let bare = |s: &Sensitive| {
            s.l_distinct.is_none() && s.l_entropy.is_none() && s.recursive_cl.is_none() && s.t_closeness.is_none()
        };
        if !self.sensitive.iter().any(|(_, s)| bare(s)) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut measured = self.clone();
        for (_, s) in measured.sensitive.0.iter_mut() {
            if bare(s) {
                s.l_distinct = Some(1);
            }
        }
        std::borrow::Cow::Owned(measured)
    }

    /// Reads a configuration from JSON text; errors name the path of the bad field.
    pub fn from_json(text: &str) -> Result<AnonymiseConfig, SearchError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let config: AnonymiseConfig = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            SearchError::new(SearchErrorKind::Config {
                path: if path == "." { String::new() } else { path },
                message: e.into_inner().to_string(),
            })
        })?;
        de.end().map_err(|e| SearchError::config("", e.to_string()))?;
        Ok(config)
    }

    /// Reads a configuration from a JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<AnonymiseConfig, SearchError> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            SearchError::new(SearchErrorKind::Config {
                path: if path == "." { String::new() } else { path },
                message: e.into_inner().to_string(),
            })
        })
    }

    /// Replaces each `hierarchy_file` by the text `read` returns for its path,
    /// so that the core, which does no I/O, can use it. `read` reports its
    /// failure as a message (no file content).
    pub fn resolve_files(&mut self, mut read: impl FnMut(&str) -> Result<String, String>) -> Result<(), SearchError> {
        for (name, qi) in self.quasi_identifiers.0.iter_mut() {
            if let Some(path) = qi.hierarchy_file.take() {
                if qi.hierarchy.is_some() || qi.builder.is_some() {
                    return Err(SearchError::config(
                        &format!("quasi_identifiers.{name}"),
                        "give at most one of `hierarchy_file`, `hierarchy` and `builder`",
                    ));
                }
                let text = read(&path).map_err(|message| {
                    SearchError::config(&format!("quasi_identifiers.{name}.hierarchy_file"), message)
                })?;
                qi.hierarchy = Some(text);
            }
        }
        Ok(())
    }

    /// Checks the parameters that do not depend on the table.
    pub(crate) fn check(&self) -> Result<(), SearchError> {
        if self.quasi_identifiers.is_empty() {
            return Err(SearchError::config("quasi_identifiers", "name at least one quasi-identifier"));
        }
        if self.k == Some(0) {
            return Err(SearchError::config("k", "must be at least 1"));
        }
        if self.population.is_some() && self.sampling_fraction.is_some() {
            return Err(SearchError::config("sampling_fraction", "give either `population` or `sampling_fraction`"));
        }
        if let Some(m) = self.k_map {
            if m.k == 0 {
                return Err(SearchError::config("k_map.k", "must be at least 1"));
            }
            if m.significance.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
                return Err(SearchError::config("k_map.significance", "must be a number from 0 to 1"));
            }
            if self.k_map_uses_table() {
                if self.population_table.is_none() {
                    return Err(SearchError::config("k_map.table", "needs `population_table`"));
                }
                let field = if m.estimator.is_some() { Some("k_map.estimator") } else { None };
                let field = field.or(m.significance.map(|_| "k_map.significance"));
                if let Some(field) = field {
                    return Err(SearchError::config(
                        field,
                        "does not apply with the population table, which gives the counts (`\"table\": false` \
                         estimates instead)",
                    ));
                }
            } else if self.population.is_none() && self.sampling_fraction.is_none() {
                return Err(SearchError::config(
                    "k_map",
                    "needs the population: give `population` or `sampling_fraction`",
                ));
            }
        }
        self.check_population_table()?;
        if !(0.0..=1.0).contains(&self.suppression_limit) {
            return Err(SearchError::config("suppression_limit", "must be a share of rows from 0 to 1"));
        }
        for (i, (name, qi)) in self.quasi_identifiers.0.iter().enumerate() {
            if self.quasi_identifiers.0[..i].iter().any(|(n, _)| n == name) {
                return Err(SearchError::new(SearchErrorKind::DuplicateColumn { name: name.clone() }));
            }
            let path = format!("quasi_identifiers.{name}");
            let sources = [qi.hierarchy_file.is_some(), qi.hierarchy.is_some(), qi.builder.is_some()];
            if sources.iter().filter(|&&s| s).count() > 1 {
                return Err(SearchError::config(
                    &path,
                    "give at most one of `hierarchy_file`, `hierarchy` and `builder`",
                ));
            }
            if qi.delimiter.is_some() && qi.hierarchy.is_none() && qi.hierarchy_file.is_none() {
                return Err(SearchError::config(&format!("{path}.delimiter"), "only applies to a hierarchy CSV"));
            }
            if qi.microaggregation.is_some() {
                let bounded = qi.min_level.is_some() || qi.max_level.is_some() || qi.weight.is_some();
                if sources.iter().any(|&s| s) || qi.delimiter.is_some() || bounded {
                    return Err(SearchError::config(
                        &format!("{path}.microaggregation"),
                        "a microaggregated quasi-identifier takes no hierarchy, level bound or weight",
                    ));
                }
                if self.local.as_ref().is_some_and(|l| l.importance.contains(name)) {
                    return Err(SearchError::config("local.importance", "names a microaggregated quasi-identifier"));
                }
            }
            if qi.weight.is_some_and(|w| !(w.is_finite() && w >= 0.0)) {
                return Err(SearchError::config(&format!("{path}.weight"), "must be a number of at least 0"));
            }
            if let (Some(lo), Some(hi)) = (qi.min_level, qi.max_level) {
                if lo > hi {
                    return Err(SearchError::config(&format!("{path}.min_level"), "must not be above `max_level`"));
                }
            }
        }
        for (i, (name, s)) in self.sensitive.0.iter().enumerate() {
            let path = format!("sensitive.{name}");
            if self.sensitive.0[..i].iter().any(|(n, _)| n == name) {
                return Err(SearchError::new(SearchErrorKind::DuplicateColumn { name: name.clone() }));
            }
            if self.quasi_identifiers.get(name).is_some() {
                return Err(SearchError::config(&path, "a column cannot be both a quasi-identifier and sensitive"));
            }
            if s.l_distinct.is_none() && s.l_entropy.is_none() && s.recursive_cl.is_none() && s.t_closeness.is_none() {
                return Err(SearchError::config(
                    &path,
                    "give at least one criterion: `l_distinct`, `l_entropy`, `recursive_cl` or `t_closeness`",
                ));
            }
            if s.l_distinct == Some(0) {
                return Err(SearchError::config(&format!("{path}.l_distinct"), "must be at least 1"));
            }
            if let Some(l) = s.l_entropy {
                if !(l.is_finite() && l >= 1.0) {
                    return Err(SearchError::config(&format!("{path}.l_entropy"), "must be a number of at least 1"));
                }
            }
            if let Some(r) = s.recursive_cl {
                if !(r.c.is_finite() && r.c > 0.0) {
                    return Err(SearchError::config(&format!("{path}.recursive_cl.c"), "must be a positive number"));
                }
                if r.l == 0 {
                    return Err(SearchError::config(&format!("{path}.recursive_cl.l"), "must be at least 1"));
                }
            }
            if let Some(t) = s.t_closeness {
                if !(0.0..=1.0).contains(&t) {
                    return Err(SearchError::config(&format!("{path}.t_closeness"), "must be a number from 0 to 1"));
                }
            }
        }
        self.check_local()
    }

    /// Checks `population_table` and `delta_presence`.
    fn check_population_table(&self) -> Result<(), SearchError> {
        if let Some(d) = self.delta_presence {
            if !(0.0..=1.0).contains(&d.min) {
                return Err(SearchError::config("delta_presence.min", "must be a number from 0 to 1"));
            }
            if !(0.0..=1.0).contains(&d.max) {
                return Err(SearchError::config("delta_presence.max", "must be a number from 0 to 1"));
            }
            if d.min > d.max {
                return Err(SearchError::config("delta_presence.min", "must not be above `max`"));
            }
            if self.population_table.is_none() {
                return Err(SearchError::config("delta_presence", "needs `population_table`"));
            }
        }
        if self.population_table.is_none() {
            return Ok(());
        }
        if self.delta_presence.is_none() && !self.k_map_uses_table() {
            return Err(SearchError::config(
                "population_table",
                "no criterion uses it: give `k_map` (counted in the table) or `delta_presence`",
            ));
        }
        if self.recoding == Recoding::Local {
            return Err(SearchError::config("population_table", "applies to global recoding"));
        }
        if self.local.as_ref().is_some_and(|l| l.suppression == LocalSuppression::Cells) {
            return Err(SearchError::config("population_table", "applies to record suppression, not cell suppression"));
        }
        Ok(())
    }

    /// Checks the `local` section.
    fn check_local(&self) -> Result<(), SearchError> {
        let Some(local) = &self.local else { return Ok(()) };
        for (i, name) in local.importance.iter().enumerate() {
            let path = format!("local.importance[{i}]");
            if self.quasi_identifiers.get(name).is_none() {
                return Err(SearchError::config(&path, "is not a quasi-identifier"));
            }
            if local.importance[..i].contains(name) {
                return Err(SearchError::config(&path, "is listed twice"));
            }
        }
        let risk_target =
            self.average_risk.is_some() || self.sample_uniqueness.is_some() || self.population_uniqueness.is_some();
        if local.suppression == LocalSuppression::Cells && risk_target {
            return Err(SearchError::config(
                "local.suppression",
                "cell suppression supports k, k_map, l-diversity and t-closeness, not risk targets",
            ));
        }
        if local.method.is_some() && self.recoding != Recoding::Local {
            return Err(SearchError::config("local.method", "applies to local recoding (`\"recoding\": \"local\"`)"));
        }
        if local.suppression == LocalSuppression::Cells && self.recoding == Recoding::Local {
            return Err(SearchError::config(
                "local.suppression",
                "cell suppression applies to global recoding (local recoding suppresses nothing)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_example() {
        let c = AnonymiseConfig::from_json(
            r#"{"quasi_identifiers": {"age": {"hierarchy_file": "adult_hierarchy_age.csv"},
                                      "zip": {"builder": {"mask": {"levels": 5}}}},
                "sensitive": {"salary-class": {"l_distinct": 2}},
                "k": 5, "suppression_limit": 0.04, "metric": "loss"}"#,
        )
        .unwrap();
        assert_eq!(c.quasi_identifiers.len(), 2);
        assert_eq!(c.quasi_identifiers.0[0].0, "age");
        assert_eq!(c.k(), 5);
        assert_eq!(c.suppression_limit, 0.04);
        assert_eq!(c.metric, MetricKind::Loss);
        assert_eq!(c.sensitive.get("salary-class").unwrap().l_distinct, Some(2));
        assert!(c.check().is_ok());
    }

    #[test]
    fn defaults_and_errors_with_paths() {
        let c = AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {"hierarchy": "1;*"}}}"#).unwrap();
        assert_eq!((c.k(), c.suppression_limit, c.metric), (DEFAULT_K, 0.0, MetricKind::Loss));
        assert_eq!(c.search, SearchMode::Auto);
        assert_eq!(c.suppressed_rows, SuppressedRows::Mask);

        let err = AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {"hierarchy": "1;*", "levle": 1}}}"#)
            .unwrap_err();
        assert!(
            err.to_string().starts_with("configuration: quasi_identifiers.a.levle: unknown field `levle`"),
            "{err}"
        );
        let err = AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {"builder": {"zip": {}}}}}"#).unwrap_err();
        assert!(err.to_string().contains("quasi_identifiers.a.builder"), "{err}");
        let err = AnonymiseConfig::from_json(r#"{"quasi_identifiers": {}, "metric": "utility"}"#).unwrap_err();
        assert!(err.to_string().contains("metric"), "{err}");

        let check = |text: &str| AnonymiseConfig::from_json(text).unwrap().check().unwrap_err().to_string();
        assert!(check(r#"{"quasi_identifiers": {}}"#).contains("at least one quasi-identifier"));
        // no source is the flat hierarchy; two are an error
        AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {}}}"#).unwrap().check().unwrap();
        assert!(check(r#"{"quasi_identifiers": {"a": {"hierarchy": "x", "builder": {"age_bands": {}}}}}"#)
            .contains("at most one of"));
        assert!(check(r#"{"quasi_identifiers": {"a": {"hierarchy": "x"}}, "k": 0}"#).contains("k: must be at least 1"));
        assert!(check(r#"{"quasi_identifiers": {"a": {"hierarchy": "x"}}, "suppression_limit": 1.5}"#)
            .contains("suppression_limit"));
        // A sensitive column without criterion is measured: l = 1 for the search.
        let bare =
            AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {"hierarchy": "x"}}, "sensitive": {"s": {}}}"#)
                .unwrap();
        assert!(check(r#"{"quasi_identifiers": {"a": {"hierarchy": "x"}}, "sensitive": {"s": {}}}"#)
            .contains("at least one criterion"));
        assert_eq!(bare.measured().sensitive.get("s").unwrap().l_distinct, Some(1));
        bare.measured().check().unwrap();
        let with = AnonymiseConfig::from_json(
            r#"{"quasi_identifiers": {"a": {"hierarchy": "x"}}, "sensitive": {"s": {"l_distinct": 2}}}"#,
        )
        .unwrap();
        assert!(matches!(with.measured(), std::borrow::Cow::Borrowed(_)));
        assert!(check(r#"{"quasi_identifiers": {"a": {"hierarchy": "x"}}, "sensitive": {"a": {"l_distinct": 2}}}"#)
            .contains("both a quasi-identifier and sensitive"));
        assert!(check(r#"{"quasi_identifiers": {"a": {"hierarchy": "x"}}, "sensitive": {"s": {"t_closeness": 2}}}"#)
            .contains("t_closeness"));
        assert!(check(r#"{"quasi_identifiers": {"a": {"hierarchy": "x"}, "a": {"hierarchy": "y"}}}"#)
            .contains("listed twice"));
        assert!(check(r#"{"quasi_identifiers": {"a": {"hierarchy": "x", "min_level": 2, "max_level": 1}}}"#)
            .contains("min_level"));
        assert!(check(r#"{"quasi_identifiers": {"a": {"hierarchy": "x", "weight": -1}}}"#).contains("a.weight"));
    }

    #[test]
    fn files_are_resolved_by_the_caller() {
        let mut c = AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {"hierarchy_file": "h.csv"}}}"#).unwrap();
        c.resolve_files(|path| if path == "h.csv" { Ok("1;*\n".into()) } else { Err("missing".into()) }).unwrap();
        assert_eq!(c.quasi_identifiers.get("a").unwrap().hierarchy.as_deref(), Some("1;*\n"));
        let mut c = AnonymiseConfig::from_json(r#"{"quasi_identifiers": {"a": {"hierarchy_file": "x.csv"}}}"#).unwrap();
        let err = c.resolve_files(|_| Err("cannot read: not found".into())).unwrap_err();
        assert_eq!(err.to_string(), "configuration: quasi_identifiers.a.hierarchy_file: cannot read: not found");
    }
}
