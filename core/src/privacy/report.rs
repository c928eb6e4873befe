//! The options of an analysis and the report it produces: plain data (serde),
//! the same object on the command line (`--json`) and in JavaScript.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::diversity::Failures;
use super::population::PopulationRisk;
use super::sensitive::{Distance, DistanceChoice};

/// What to analyse: the quasi-identifiers, the sensitive attributes and the
/// parameters of the checks.
///
/// As JSON (the wasm `analyse` options, without `read`):
/// `{"qi": ["age", "sex"], "sensitive": ["diag", {"name": "weight", "distance": "ordered"}],
///   "thresholds": [0.2, 0.1], "l": 2, "c": 3, "t": 0.2, "suppressed_marker": "*",
///   "population": 1000000}` (or `"sampling_fraction": 0.01` instead of `population`).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalysisOptions {
    /// The quasi-identifier columns, by name (at least one).
    pub qi: Vec<String>,
    /// The sensitive columns, by name or with a distance and an order.
    pub sensitive: Vec<SensitiveColumn>,
    /// Risk thresholds for `records_at_risk`, each in `[0, 1]`; `[0.2]` when empty.
    pub thresholds: Vec<f64>,
    /// `l` for the distinct, entropy and recursive (c,l) l-diversity checks (at least 1).
    pub l: Option<u32>,
    /// `c` for the recursive (c,l)-diversity check (positive; needs `l`).
    pub c: Option<f64>,
    /// `t` for the t-closeness check, in `[0, 1]`.
    pub t: Option<f64>,
    /// Rows whose quasi-identifiers all hold exactly this text (ARX and masque
    /// write suppressed records with every quasi-identifier as `*`) are
    /// counted as suppressed.
    pub suppressed_marker: Option<String>,
    /// The size of the population the file was drawn from (at least its
    /// number of rows): adds the population risk (see [`super::population`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// Instead of `population`: the sampling fraction `rows / population`, in
    /// `(0, 1]` (the population is `round(rows / f)`, as ARX computes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampling_fraction: Option<f64>,
}

/// A sensitive column: its name, and how to measure distances between its values.
///
/// Deserializes from a bare name (`"diag"`) or an object
/// (`{"name": "grade", "distance": "ordered", "order": ["low", "mid", "high"]}`).
#[cfg_attr(
    feature = "ts",
    derive(tsify::Tsify),
    tsify(type = "string | { name: string; distance?: DistanceChoice; order?: string[] | null }")
)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SensitiveColumn {
    /// The column's name.
    pub name: String,
    /// Which distance t-closeness uses (see [`DistanceChoice`]).
    pub distance: DistanceChoice,
    /// The order of the values, lowest first, for the ordered distance (the
    /// empty value, if not listed, comes last).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<String>>,
}

impl SensitiveColumn {
    /// A column by name, with the automatic distance.
    pub fn named(name: &str) -> SensitiveColumn {
        SensitiveColumn { name: name.to_string(), distance: DistanceChoice::Auto, order: None }
    }
}

impl<'de> Deserialize<'de> for SensitiveColumn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SensitiveColumn, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Spec {
            name: String,
            #[serde(default)]
            distance: DistanceChoice,
            #[serde(default)]
            order: Option<Vec<String>>,
        }

        struct SpecVisitor;

        impl<'de> Visitor<'de> for SpecVisitor {
            type Value = SensitiveColumn;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a column name or an object {name, distance, order}")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<SensitiveColumn, E> {
                Ok(SensitiveColumn::named(name))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SensitiveColumn, A::Error> {
                let spec = Spec::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(SensitiveColumn { name: spec.name, distance: spec.distance, order: spec.order })
            }
        }

        deserializer.deserialize_any(SpecVisitor)
    }
}

/// A map that keeps its insertion order (a JSON object in the order the user
/// gave: thresholds, sensitive columns).
#[cfg_attr(feature = "ts", derive(tsify::Tsify), tsify(type = "Record<string, V>"))]
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> OrderedMap<V> {
        OrderedMap(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<OrderedMap<V>, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMap<V>, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    entries.push((k, v));
                }
                Ok(OrderedMap(entries))
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// The re-identification risk of a table: what `masque analyse --json` prints
/// and the wasm `analyse` returns.
///
/// Definitions: [`crate::privacy`]. Every figure except `rows` and
/// `suppressed` is computed over the rows analysed (`rows - suppressed`).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskReport {
    /// Rows in the table, suppressed ones included.
    pub rows: usize,
    /// Rows left out of every class (marked as suppressed).
    pub suppressed: usize,
    /// The quasi-identifiers, as given.
    pub quasi_identifiers: Vec<String>,
    /// The number of equivalence classes.
    pub classes: usize,
    /// The size of the smallest class.
    pub k: usize,
    /// Rows alone in their class.
    pub sample_uniques: usize,
    /// How many classes have each size, by increasing size.
    pub class_sizes: Vec<ClassSizes>,
    /// The prosecutor re-identification risk.
    pub prosecutor: ProsecutorRisk,
    /// Per sensitive column (in the order given), its diversity and closeness.
    pub sensitive: OrderedMap<SensitiveReport>,
    /// The population risk, when a population or sampling fraction is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<PopulationRisk>,
}

/// One bar of the class-size histogram.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSizes {
    /// The class size.
    pub size: usize,
    /// How many classes have it.
    pub classes: usize,
    /// How many records are in those classes (`size * classes`).
    pub records: usize,
}

/// The prosecutor risk figures.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProsecutorRisk {
    /// The highest record risk, `1 / k`.
    pub highest: f64,
    /// The average record risk, `classes / rows analysed`.
    pub average: f64,
    /// For each threshold (as text, `"0.2"`), the share of records whose risk is above it.
    pub records_at_risk: OrderedMap<f64>,
}

/// The figures of one sensitive column.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitiveReport {
    /// The distance t-closeness used.
    pub distance: Distance,
    /// Distinct values in the table (`m`).
    pub distinct_values: usize,
    /// Distinct l-diversity: the fewest distinct values in a class.
    pub l_distinct: usize,
    /// Entropy l-diversity: `exp` of the smallest class entropy.
    pub l_entropy: f64,
    /// t-closeness: the largest distance of a class's distribution to the table's.
    pub t_closeness: f64,
    /// The checks asked for (`l`, `c`, `t` given).
    #[serde(default, skip_serializing_if = "Criteria::is_empty")]
    pub criteria: Criteria,
}

/// The result of the checks with the parameters given.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Criteria {
    /// Distinct l-diversity with the given `l`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l_distinct: Option<Check>,
    /// Entropy l-diversity with the given `l`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l_entropy: Option<Check>,
    /// Recursive (c,l)-diversity with the given `c` and `l`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recursive_cl: Option<Check>,
    /// t-closeness with the given `t`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t_closeness: Option<Check>,
}

impl Criteria {
    /// Whether no check was asked for.
    pub fn is_empty(&self) -> bool {
        self.l_distinct.is_none()
            && self.l_entropy.is_none()
            && self.recursive_cl.is_none()
            && self.t_closeness.is_none()
    }
}

/// Whether every class meets a criterion, and which do not.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// `l`, for the l-diversity checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l: Option<u32>,
    /// `c`, for recursive (c,l)-diversity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c: Option<f64>,
    /// `t`, for t-closeness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<f64>,
    /// Whether every class meets it.
    pub satisfied: bool,
    /// Classes that do not.
    pub classes_failing: usize,
    /// Records in those classes.
    pub records_failing: usize,
}

impl Check {
    pub(crate) fn from_failures(failures: Failures) -> Check {
        Check {
            l: None,
            c: None,
            t: None,
            satisfied: failures.classes == 0,
            classes_failing: failures.classes,
            records_failing: failures.records,
        }
    }
}

/// The key of a threshold in `records_at_risk`: its shortest decimal form
/// (`0.2` -> `"0.2"`, `1.0` -> `"1"`), as JavaScript's `String(0.2)` writes it.
pub fn threshold_key(threshold: f64) -> String {
    format!("{threshold}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_columns_from_names_or_objects() {
        let o: AnalysisOptions = serde_json::from_str(
            r#"{"qi": ["a"], "sensitive": ["s", {"name": "g", "distance": "ordered", "order": ["lo", "hi"]}]}"#,
        )
        .unwrap();
        assert_eq!(o.sensitive[0], SensitiveColumn::named("s"));
        assert_eq!(o.sensitive[1].distance, DistanceChoice::Ordered);
        assert_eq!(o.sensitive[1].order.as_deref(), Some(&["lo".to_string(), "hi".to_string()][..]));
        let err = serde_json::from_str::<AnalysisOptions>(r#"{"qi": ["a"], "tresholds": [0.2]}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `tresholds`"), "{err}");
        let err = serde_json::from_str::<AnalysisOptions>(r#"{"sensitive": [{"name": "s", "distnce": "equal"}]}"#)
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `distnce`"), "{err}");
        let err = serde_json::from_str::<AnalysisOptions>(r#"{"sensitive": [3]}"#).unwrap_err();
        assert!(err.to_string().contains("a column name or an object"), "{err}");
    }

    #[test]
    fn ordered_maps_keep_their_order() {
        let m = OrderedMap(vec![("0.2".to_string(), 1.0), ("0.05".to_string(), 2.0), ("0.1".to_string(), 3.0)]);
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(text, r#"{"0.2":1.0,"0.05":2.0,"0.1":3.0}"#);
        let back: OrderedMap<f64> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.get("0.05"), Some(&2.0));
        assert_eq!(threshold_key(0.2), "0.2");
        assert_eq!(threshold_key(1.0), "1");
        assert_eq!(threshold_key(1.0 / 11.0), "0.09090909090909091");
    }
}
