//! A configuration applied to a table: the quasi-identifiers with their
//! checked hierarchies, the privacy criteria, the metric.

use super::config::{AnonymiseConfig, MetricKind, Recoding};
use super::criteria::{self, RiskCriteria};
use super::error::{SearchError, SearchErrorKind};
use super::metric::Metric;
use super::population_table::{self, PopulationTable};
use crate::hierarchy::builder::{Builder, Empty};
use crate::hierarchy::{arx, ColumnError, ColumnHierarchy};
use crate::privacy::sensitive::ClassDistribution;
use crate::privacy::{PopulationSpec, SensitiveValues};
use crate::table::{Column, Table};

/// A quasi-identifier ready for the search.
pub(crate) struct Dim<'t> {
    pub column: &'t Column,
    pub hierarchy: ColumnHierarchy,
    pub min: u32,
    pub max: u32,
}

/// A sensitive attribute and its criteria.
pub(crate) struct SensitiveCheck<'t> {
    pub column: &'t Column,
    pub values: SensitiveValues,
    pub l_distinct: Option<usize>,
    pub l_entropy: Option<f64>,
    pub recursive: Option<(f64, usize)>,
    pub t: Option<f64>,
}

impl SensitiveCheck<'_> {
    /// Whether a class with this distribution of the attribute fails one of
    /// its criteria (the one test of the lattice search and local recoding).
    pub(crate) fn fails(&self, class: &ClassDistribution<'_>, scratch: &mut Vec<u32>) -> bool {
        self.l_distinct.is_some_and(|l| class.distinct() < l)
            || self.l_entropy.is_some_and(|l| !class.is_entropy_l_diverse(l))
            || self.recursive.is_some_and(|(c, l)| !class.is_recursive_cl_diverse(c, l, scratch))
            || self.t.is_some_and(|t| self.values.class_distance(class) > t)
    }

    /// Whether some class could fail this attribute's criteria: not when it
    /// is only measured (`{}`: distinct l-diversity with l = 1, which every
    /// class of at least one row meets) or when its ls are at most 1.
    pub(crate) fn can_fail(&self) -> bool {
        self.l_distinct.is_some_and(|l| l > 1)
            || self.l_entropy.is_some_and(|l| l > 1.0)
            || self.recursive.is_some()
            || self.t.is_some()
    }

    /// The class size every class needs to have a chance to meet the
    /// l-diversity criteria (a class with fewer rows has fewer than `l` values).
    fn implied_k(&self) -> u32 {
        let l_entropy = self.l_entropy.map_or(0, |l| (l + 1e-6).floor() as u32);
        let recursive = self.recursive.map_or(0, |(_, l)| l as u32);
        (self.l_distinct.unwrap_or(0) as u32).max(l_entropy).max(recursive)
    }
}

/// Everything the search needs.
pub(crate) struct Problem<'t> {
    pub dims: Vec<Dim<'t>>,
    pub sensitive: Vec<SensitiveCheck<'t>>,
    /// The smallest class size that can meet every criterion (k, k-map's
    /// derived k and the ls).
    pub min_size: u32,
    /// The risk-based criteria (average risk, sample and population uniqueness).
    pub risk: RiskCriteria,
    /// The population's size, when the configuration gives it.
    pub population: Option<u64>,
    /// For the Loss metric with risk criteria: per quasi-identifier, per
    /// level, each label's domain share (ARX orders classes of equal size
    /// by their loss before suppressing them).
    pub shares: Option<Vec<Vec<Vec<f64>>>>,
    /// The most rows that may be suppressed (ARX: `floor(limit · rows)`).
    pub max_suppressed: u64,
    pub metric: Metric,
    /// Per row of the table, the rows it stands for (a weighted table, see
    /// [`super::weighted`]); `None`: each row is itself.
    pub weights: Option<&'t [u64]>,
    /// The rows the table stands for (the sum of the weights).
    pub rows: usize,
}

impl<'t> Problem<'t> {
    /// Checks `config` against `table` and prepares the search, with the
    /// population table that `config`'s `population_table` names (see
    /// [`super::population_table`]).
    pub(crate) fn with_population(
        table: &'t Table,
        config: &AnonymiseConfig,
        population: Option<&Table>,
    ) -> Result<Problem<'t>, SearchError> {
        Problem::build(table, config, population, None)
    }

    /// Checks `config` against `table`, whose row `i` stands for
    /// `weights[i]` identical rows (one weight of at least 1 per row, adding
    /// up to at most `u32::MAX`, checked by the caller), and prepares the
    /// search of those rows.
    pub(crate) fn weighted(
        table: &'t Table,
        config: &AnonymiseConfig,
        weights: &'t [u64],
    ) -> Result<Problem<'t>, SearchError> {
        Problem::build(table, config, None, Some(weights))
    }

    fn build(
        table: &'t Table,
        config: &AnonymiseConfig,
        population: Option<&Table>,
        weights: Option<&'t [u64]>,
    ) -> Result<Problem<'t>, SearchError> {
        config.check()?;
        if table.rows == 0 {
            return Err(SearchError::new(SearchErrorKind::EmptyTable));
        }
        let rows = weights.map_or(table.rows, |w| w.iter().sum::<u64>() as usize);
        let pop_table = match (&config.population_table, population) {
            (Some(_), Some(p)) => Some(p),
            (Some(_), None) => {
                return Err(SearchError::config(
                    "population_table",
                    "the population table was not given to the search: `masque anonymise` and `masque clean` read \
                     it, the wasm `clean` and `anonymise` take its bytes as `population_table`; a program passes \
                     it to `anonymise_with_population`",
                ))
            }
            (None, Some(_)) => {
                return Err(SearchError::config("population_table", "a population table was given: name it here"))
            }
            (None, None) => None,
        };
        let mut extended = Vec::new();
        let column = |name: &str| {
            table
                .column(name)
                .ok_or_else(|| SearchError::new(SearchErrorKind::UnknownColumn { name: name.to_string() }))
        };
        let mut dims = Vec::with_capacity(config.quasi_identifiers.len());
        for (name, qi) in config.quasi_identifiers.iter() {
            let column = column(name)?;
            let pop_column = pop_table.map(|p| population_table::column(p, name)).transpose()?;
            // A built hierarchy covers the population's values too.
            let build = |builder: &Builder| -> Result<_, SearchError> {
                match pop_column {
                    Some(pc) => builder
                        .build(&population_table::union_column(column, pc))
                        .map_err(|e| population_table::builder_error(e, table.rows)),
                    None => Ok(builder.build(column)?),
                }
            };
            let hierarchy = if let Some(builder) = &qi.builder {
                build(builder)?
            } else if let Some(text) = &qi.hierarchy {
                let delimiter = match qi.delimiter.as_deref() {
                    None => b';',
                    Some(d) => crate::table::read::parse_delimiter(d).ok_or_else(|| {
                        SearchError::config(
                            &format!("quasi_identifiers.{name}.delimiter"),
                            "must be one of , ; | or a tab",
                        )
                    })?,
                };
                arx::parse_with_delimiter(text.as_bytes(), delimiter)
                    .map_err(|error| ColumnError::Parse { column: name.to_string(), error })?
            } else if qi.hierarchy_file.is_some() {
                return Err(SearchError::new(SearchErrorKind::HierarchyFileUnavailable { column: name.to_string() }));
            } else {
                build(&Builder::Flat(Empty {}))?
            };
            let bound = ColumnHierarchy::new(column, &hierarchy)?;
            if let Some(pc) = pop_column {
                extended.push(population_table::extend(column, pc, &hierarchy, &bound)?);
            }
            // Weighted rows: the rows per label count each row's weight.
            let hierarchy = match weights {
                Some(w) => bound.for_codes(&column.codes, Some(w)),
                None => bound,
            };
            let top = hierarchy.height() - 1;
            let min = qi.min_level.unwrap_or(0);
            let max = qi.max_level.unwrap_or(top);
            if min > top || max > top {
                return Err(SearchError::new(SearchErrorKind::Level { column: name.to_string(), top }));
            }
            dims.push(Dim { column, hierarchy, min: min as u32, max: max as u32 });
        }
        let mut sensitive = Vec::with_capacity(config.sensitive.len());
        for (name, s) in config.sensitive.iter() {
            let column = column(name)?;
            let mut values = SensitiveValues::for_column(column, s.distance, s.order.as_deref())?;
            if let Some(w) = weights {
                // t-closeness compares with the rows' distribution: weighted.
                values = crate::privacy::weighted::weighted_values(column, w, &values)?;
            }
            sensitive.push(SensitiveCheck {
                column,
                values,
                l_distinct: s.l_distinct.map(|l| l as usize),
                l_entropy: s.l_entropy,
                recursive: s.recursive_cl.map(|r| (r.c, r.l as usize)),
                t: s.t_closeness,
            });
        }
        let population = match (config.population, config.sampling_fraction) {
            (Some(p), _) => Some(PopulationSpec::Size(p.size())),
            (None, Some(f)) => Some(PopulationSpec::SamplingFraction(f)),
            (None, None) => None,
        };
        let population = match population {
            None => None,
            Some(spec) => Some(spec.size(rows).map_err(|e| {
                let path = if config.population.is_some() { "population" } else { "sampling_fraction" };
                SearchError::config(path, e.to_string())
            })?),
        };
        let mut risk =
            RiskCriteria::new(config.average_risk, config.sample_uniqueness, config.population_uniqueness, population)?;
        if config.recoding == Recoding::Local && !risk.is_empty() {
            return Err(SearchError::config(
                "recoding",
                "local recoding supports k, k_map, l-diversity and t-closeness, not risk targets",
            ));
        }
        let mut min_size = sensitive.iter().map(SensitiveCheck::implied_k).fold(config.k(), u32::max);
        if let (Some(m), Some(n)) = (config.k_map.filter(|_| !config.k_map_uses_table()), population) {
            let f = rows as f64 / n as f64;
            min_size = min_size.max(criteria::derived_k(m.k, m.significance(), f, m.estimator(), rows));
        }
        let max_suppressed = (config.suppression_limit * rows as f64).floor() as u64;
        let metric = {
            let pairs: Vec<(&ColumnHierarchy, &[u32])> =
                dims.iter().map(|d| (&d.hierarchy, d.column.codes.as_slice())).collect();
            Metric::weighted(config.metric, rows, &pairs, weights)
                .with_weights(config.quasi_identifiers.iter().map(|(_, q)| q.weight))
        };
        let shares = (config.metric == MetricKind::Loss && !risk.is_empty()).then(|| {
            dims.iter()
                .map(|d| {
                    let h = &d.hierarchy;
                    let domain = h.hierarchy_rows().max(1) as f64;
                    (0..h.height()).map(|l| h.label_rows(l).iter().map(|&r| f64::from(r) / domain).collect()).collect()
                })
                .collect()
        });
        let population_table = pop_table.map(|p| {
            let (maps, codes) = extended.into_iter().unzip();
            PopulationTable {
                maps,
                codes,
                rows: p.rows,
                k: config.k_map.filter(|_| config.k_map_uses_table()).map(|m| m.k),
                delta: config.delta_presence.map(|d| (d.min, d.max)),
            }
        });
        if let Some(pt) = population_table.as_ref().filter(|pt| pt.delta.is_some()) {
            let file: Vec<&[u32]> = dims.iter().map(|d| d.column.codes.as_slice()).collect();
            pt.check_subset(&pt.dims(&dims), &file)?;
        }
        risk.population_table = population_table;
        Ok(Problem { dims, sensitive, min_size, risk, population, shares, max_suppressed, metric, weights, rows })
    }

    /// Whether "anonymous" (the criteria met with at most `max_suppressed`
    /// rows suppressed) carries over from a node to every more general node.
    ///
    /// - Without suppression, every criterion does: merging classes that each
    ///   have `k` rows, `l` distinct values, an entropy of at least `ln l`
    ///   (entropy is concave), a recursive (c,l) profile (Machanavajjhala et
    ///   al.) or a distance of at most `t` to the table (the EMD is convex in
    ///   the class distribution) gives a class that has them too.
    /// - With suppression, a merged class can fail while one of its parts
    ///   passed, so the suppressed rows could grow: only k-anonymity and
    ///   distinct l-diversity are safe (a merged class with fewer than `k`
    ///   rows, or `l` values, is made of parts that all had fewer).
    /// - The risk criteria: average risk (a threshold alone) and sample
    ///   uniqueness are, with or without suppression; the relaxed average
    ///   risk only without; population uniqueness never (proofs and a
    ///   counter-example in [`super::criteria`]). k-map with an estimator is
    ///   a class size, as k.
    /// - k-map counted in a population table is, with or without
    ///   suppression; δ-presence only with `min = 0` and no suppression
    ///   (proofs in [`super::population_table`]).
    pub(crate) fn monotone(&self) -> bool {
        let suppression = self.max_suppressed > 0;
        self.population_table().is_none_or(|p| p.monotone(suppression))
            && self.risk.monotone(suppression)
            && (!suppression
                || self.sensitive.iter().all(|s| s.l_entropy.is_none() && s.recursive.is_none() && s.t.is_none()))
    }

    /// The order key of a class among classes of its size before the risk
    /// criteria suppress them: ARX's class loss for Loss (`MetricMDNMLoss`
    /// per class: `size · share` per quasi-identifier, combined by the
    /// geometric mean, compared as `Π (1 + x)`), else 0 (first row decides).
    /// `label(d)` is the class's label of quasi-identifier `d` at `levels`.
    pub(crate) fn class_tie(&self, levels: &[u32], size: u32, label: impl Fn(usize) -> u32) -> f64 {
        let Some(shares) = &self.shares else { return 0.0 };
        let mut product = 1.0;
        for (d, (per_level, &l)) in shares.iter().zip(levels).enumerate() {
            let share = per_level[l as usize].get(label(d) as usize).copied().unwrap_or(1.0);
            product *= 1.0 + f64::from(size) * share;
        }
        product
    }

    /// The population table and its criteria (k-map counted in it, δ-presence).
    pub(crate) fn population_table(&self) -> Option<&PopulationTable> {
        self.risk.population_table.as_ref()
    }

    /// The metric.
    pub(crate) fn metric_kind(&self) -> MetricKind {
        self.metric.kind()
    }
}
