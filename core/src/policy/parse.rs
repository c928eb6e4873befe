//! Reading a policy from JSON with errors that name paths, and writing it back.
//!
//! The document is first read as a JSON value that refuses duplicate keys
//! (serde_json would silently keep the last one); each column's action is then
//! dispatched on its `action` (and `generalise`'s `to`) field and its options
//! deserialised into a `deny_unknown_fields` struct, tracking the path with
//! `serde_path_to_error`; last come the checks serde cannot express (one of
//! `width` or `bounds`, increasing bounds, pseudonym lengths, ...).

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::{Map, Value};

use super::date::{parse_date, DateOrder};
use super::{
    Action, Age, AgeAt, DateOptions, DateShift, DefaultAction, Generalise, HierarchyLevel, Interval, Invalids, Mask,
    Policy, PolicyError, PolicyOutput, Pseudonymise, Redact, Scrub, TopBottom, ValueMap, POLICY_VERSION,
};
use crate::hierarchy;
use crate::pseudo::DateShifter;

const TOP_FIELDS: &[&str] = &["version", "default", "description", "columns", "anonymise", "output"];
const ACTIONS: &str = "keep, drop, redact, pseudonymise, mask, generalise, date_shift, scrub, age_at";
const GENERALISATIONS: &str = "interval, year, quarter, month, week, age, departement, top_bottom, map, hierarchy";

/// A JSON value that rejects duplicate object keys at any depth.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
        Ok(Strict(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
        Ok(Strict(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
        Ok(Strict(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Strict, E> {
        Ok(Strict(Value::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
        Ok(Strict(Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Strict, E> {
        Ok(Strict(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Strict(Value::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key \"{key}\"")));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Strict(Value::Object(out)))
    }
}

/// `columns.nir`, or `columns["date de naissance"]` for names that are not identifiers.
pub(super) fn column_path(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        format!("columns.{name}")
    } else {
        format!("columns[{}]", Value::String(name.to_string()))
    }
}

fn join(path: &str, inner: &str) -> String {
    match inner {
        "" | "." => path.to_string(),
        _ if path.is_empty() => inner.to_string(),
        _ if inner.starts_with('[') => format!("{path}{inner}"),
        _ => format!("{path}.{inner}"),
    }
}

/// Reads a policy from JSON text.
pub(super) fn from_json(text: &str) -> Result<Policy, PolicyError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = match serde_path_to_error::deserialize::<_, Strict>(&mut de) {
        Ok(Strict(value)) => value,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let path = if path == "." || path == "?" { String::new() } else { path };
            return Err(PolicyError::new(path, inner.to_string()));
        }
    };
    de.end().map_err(|e| PolicyError::new("", e.to_string()))?;
    from_value(&value)
}

/// Reads a policy from a JSON value.
pub(super) fn from_value(value: &Value) -> Result<Policy, PolicyError> {
    let obj = value.as_object().ok_or_else(|| PolicyError::new("", "a policy must be a JSON object"))?;
    for key in obj.keys() {
        if !TOP_FIELDS.contains(&key.as_str()) {
            return Err(PolicyError::new(
                join("", key),
                format!("unknown field (expected one of {})", TOP_FIELDS.join(", ")),
            ));
        }
    }
    let version = match obj.get("version") {
        None => {
            return Err(PolicyError::new("version", format!("missing (this masque reads version {POLICY_VERSION})")))
        }
        Some(v) => v.as_u64().ok_or_else(|| PolicyError::new("version", "must be a whole number"))?,
    };
    if version != u64::from(POLICY_VERSION) {
        return Err(PolicyError::new(
            "version",
            format!("unsupported policy version {version} (this masque reads version {POLICY_VERSION})"),
        ));
    }
    let default = match obj.get("default") {
        None => DefaultAction::Keep,
        Some(Value::String(s)) if s == "keep" => DefaultAction::Keep,
        Some(Value::String(s)) if s == "drop" => DefaultAction::Drop,
        Some(_) => return Err(PolicyError::new("default", "must be \"keep\" or \"drop\"")),
    };
    let description = match obj.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(PolicyError::new("description", "must be a string")),
    };
    let mut columns = std::collections::BTreeMap::new();
    match obj.get("columns") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, spec) in map {
                if name.is_empty() {
                    return Err(PolicyError::new("columns", "a column name is empty"));
                }
                columns.insert(name.clone(), parse_action(&column_path(name), spec)?);
            }
        }
        Some(_) => return Err(PolicyError::new("columns", "must be an object of column name -> action")),
    }
    let anonymise = match obj.get("anonymise") {
        None | Some(Value::Null) => None,
        Some(config @ Value::Object(_)) => {
            crate::search::AnonymiseConfig::from_value(config.clone()).map_err(|e| match e.kind() {
                crate::search::SearchErrorKind::Config { path, message } => {
                    PolicyError::new(join("anonymise", path), message.clone())
                }
                _ => PolicyError::new("anonymise", e.to_string()),
            })?;
            Some(config.clone())
        }
        Some(_) => return Err(PolicyError::new("anonymise", "must be an object (the anonymisation configuration)")),
    };
    let output = match obj.get("output") {
        None | Some(Value::Null) => PolicyOutput::default(),
        Some(Value::Object(map)) => options::<PolicyOutput>("output", map.clone())?,
        Some(_) => return Err(PolicyError::new("output", "must be an object such as {\"utf8\": true}")),
    };
    Ok(Policy { version: POLICY_VERSION, default, description, columns, anonymise, output })
}

/// Deserialises an options struct from what remains of a column's object.
fn options<T: DeserializeOwned>(path: &str, rest: Map<String, Value>) -> Result<T, PolicyError> {
    let value = Value::Object(rest);
    serde_path_to_error::deserialize(&value).map_err(|e| {
        let inner = e.path().to_string();
        PolicyError::new(join(path, &inner), e.into_inner().to_string())
    })
}

fn take_name(path: &str, rest: &mut Map<String, Value>, field: &str, expected: &str) -> Result<String, PolicyError> {
    match rest.remove(field) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(PolicyError::new(join(path, field), format!("must be a string, one of {expected}"))),
        None => Err(PolicyError::new(join(path, field), format!("missing (expected one of {expected})"))),
    }
}

fn parse_action(path: &str, spec: &Value) -> Result<Action, PolicyError> {
    let mut rest = match spec {
        // Shorthand: "adresse": "drop".
        Value::String(name) => {
            let mut m = Map::new();
            m.insert("action".into(), Value::String(name.clone()));
            m
        }
        Value::Object(m) => m.clone(),
        _ => return Err(PolicyError::new(path, "must be an object with an \"action\" (or an action name)")),
    };
    let action = take_name(path, &mut rest, "action", ACTIONS)?;
    let action_path = join(path, "action");
    let no_options = |rest: &Map<String, Value>, name: &str| match rest.keys().next() {
        Some(k) => {
            Err(PolicyError::new(join(path, k), format!("unknown field (the action \"{name}\" takes no options)")))
        }
        None => Ok(()),
    };
    Ok(match action.as_str() {
        "keep" => {
            no_options(&rest, "keep")?;
            Action::Keep
        }
        "drop" => {
            no_options(&rest, "drop")?;
            Action::Drop
        }
        "redact" => Action::Redact(options::<Redact>(path, rest)?),
        "pseudonymise" | "pseudonymize" => {
            let p: Pseudonymise = options(path, rest)?;
            p.format().check().map_err(|m| PolicyError::new(join(path, "length"), m))?;
            if p.prefix.chars().count() > 32 {
                return Err(PolicyError::new(join(path, "prefix"), "must be at most 32 characters"));
            }
            Action::Pseudonymise(p)
        }
        "mask" => {
            let m: Mask = options(path, rest)?;
            if m.mask_char.is_control() {
                return Err(PolicyError::new(join(path, "char"), "must be a visible character"));
            }
            Action::Mask(m)
        }
        "generalise" | "generalize" => Action::Generalise(parse_generalise(path, rest)?),
        "date_shift" => {
            let d: DateShift = options(path, rest)?;
            if d.subject.is_empty() {
                return Err(PolicyError::new(join(path, "subject"), "must name the subject's column"));
            }
            if !(1..=DateShifter::MAX_DAYS).contains(&d.max_days) {
                return Err(PolicyError::new(
                    join(path, "max_days"),
                    format!("must be between 1 and {}", DateShifter::MAX_DAYS),
                ));
            }
            Action::DateShift(d)
        }
        "scrub" => {
            let s: Scrub = options(path, rest)?;
            if s.sources.as_ref().is_some_and(|m| m.keys().any(String::is_empty)) {
                return Err(PolicyError::new(join(path, "sources"), "a column name is empty"));
            }
            Action::Scrub(s)
        }
        "age_at" => Action::AgeAt(parse_age_at(path, rest)?),
        other => {
            return Err(PolicyError::new(
                action_path,
                format!("unknown action {} (expected one of {ACTIONS})", Value::from(other)),
            ))
        }
    })
}

fn parse_age_at(path: &str, rest: Map<String, Value>) -> Result<AgeAt, PolicyError> {
    let o: AgeAt = options(path, rest)?;
    if o.at.is_empty() {
        return Err(PolicyError::new(join(path, "at"), "must name the column of the date the age is computed at"));
    }
    if o.name.trim().is_empty() {
        return Err(PolicyError::new(join(path, "name"), "must be a column header (default \"age\")"));
    }
    if o.on_invalid == super::OnInvalidValue::Keep {
        return Err(PolicyError::new(
            join(path, "on_invalid"),
            "must be \"redact\" or \"error\": keeping an unreadable date of birth would copy it to the output",
        ));
    }
    match (&o.width, &o.bounds) {
        (Some(0), _) => return Err(PolicyError::new(join(path, "width"), "must be at least 1")),
        (Some(_), Some(_)) => return Err(PolicyError::new(path, "give at most one of `width` or `bounds`")),
        (None, Some(b)) => {
            let b: Vec<f64> = b.iter().map(|&x| f64::from(x)).collect();
            check_bounds(path, &b)?;
        }
        _ => {}
    }
    Ok(o)
}

fn check_bounds(path: &str, bounds: &[f64]) -> Result<(), PolicyError> {
    if bounds.is_empty() {
        return Err(PolicyError::new(join(path, "bounds"), "must hold at least one limit"));
    }
    if bounds.iter().any(|b| !b.is_finite()) || bounds.windows(2).any(|w| w[0] >= w[1]) {
        return Err(PolicyError::new(join(path, "bounds"), "must be strictly increasing numbers"));
    }
    Ok(())
}

fn parse_generalise(path: &str, mut rest: Map<String, Value>) -> Result<Generalise, PolicyError> {
    let to = take_name(path, &mut rest, "to", GENERALISATIONS)?;
    Ok(match to.as_str() {
        "interval" => {
            let o: Interval = options(path, rest)?;
            match (&o.width, &o.bounds) {
                (Some(w), None) => {
                    if !(w.is_finite() && *w > 0.0) {
                        return Err(PolicyError::new(join(path, "width"), "must be a positive number"));
                    }
                    if o.origin.is_some_and(|x| !x.is_finite()) {
                        return Err(PolicyError::new(join(path, "origin"), "must be a number"));
                    }
                }
                (None, Some(b)) => {
                    check_bounds(path, b)?;
                    if o.origin.is_some() {
                        return Err(PolicyError::new(join(path, "origin"), "only goes with `width`"));
                    }
                }
                _ => return Err(PolicyError::new(path, "give exactly one of `width` or `bounds`")),
            }
            Generalise::Interval(o)
        }
        "year" => Generalise::Year(options::<DateOptions>(path, rest)?),
        "quarter" => Generalise::Quarter(options::<DateOptions>(path, rest)?),
        "month" => Generalise::Month(options::<DateOptions>(path, rest)?),
        "week" => Generalise::Week(options::<DateOptions>(path, rest)?),
        "age" => {
            let o: Age = options(path, rest)?;
            if parse_date(&o.reference, DateOrder::Dmy).is_none() {
                return Err(PolicyError::new(
                    join(path, "reference"),
                    "must be a date such as 2026-01-01 or 01/01/2026",
                ));
            }
            match (&o.width, &o.bounds) {
                (Some(0), None) => return Err(PolicyError::new(join(path, "width"), "must be at least 1")),
                (Some(_), None) => {}
                (None, Some(b)) => {
                    let b: Vec<f64> = b.iter().map(|&x| f64::from(x)).collect();
                    check_bounds(path, &b)?;
                }
                _ => return Err(PolicyError::new(path, "give exactly one of `width` or `bounds`")),
            }
            Generalise::Age(o)
        }
        "departement" | "department" => Generalise::Departement(options::<Invalids>(path, rest)?),
        "top_bottom" => {
            let o: TopBottom = options(path, rest)?;
            match (o.bottom, o.top) {
                (None, None) => return Err(PolicyError::new(path, "give `top`, `bottom` or both")),
                (Some(b), Some(t)) if b >= t || b.is_nan() || t.is_nan() => {
                    return Err(PolicyError::new(join(path, "bottom"), "must be below `top`"))
                }
                (b, t) if b.is_some_and(|x| !x.is_finite()) || t.is_some_and(|x| !x.is_finite()) => {
                    return Err(PolicyError::new(path, "`top` and `bottom` must be numbers"))
                }
                _ => {}
            }
            Generalise::TopBottom(o)
        }
        "map" => {
            let o: ValueMap = options(path, rest)?;
            if o.map.is_empty() {
                return Err(PolicyError::new(join(path, "map"), "must hold at least one value"));
            }
            Generalise::Map(o)
        }
        "hierarchy" => {
            let o: HierarchyLevel = options(path, rest)?;
            match (&o.hierarchy, &o.hierarchy_file) {
                (Some(text), None) => {
                    check_hierarchy(path, text, o.level)?;
                }
                (None, Some(file)) if !file.is_empty() => {}
                _ => {
                    return Err(PolicyError::new(
                        path,
                        "give exactly one of `hierarchy` (CSV text) or `hierarchy_file`",
                    ))
                }
            }
            Generalise::Hierarchy(o)
        }
        other => {
            return Err(PolicyError::new(
                join(path, "to"),
                format!("unknown generalisation {} (expected one of {GENERALISATIONS})", Value::from(other)),
            ))
        }
    })
}

/// Parses a hierarchy's text and checks the level exists.
pub(super) fn check_hierarchy(path: &str, text: &str, level: usize) -> Result<hierarchy::Hierarchy, PolicyError> {
    let h =
        hierarchy::arx::parse(text.as_bytes()).map_err(|e| PolicyError::new(join(path, "hierarchy"), e.to_string()))?;
    if level >= h.height() {
        return Err(PolicyError::new(join(path, "level"), format!("the hierarchy has levels 0 to {}", h.height() - 1)));
    }
    Ok(h)
}

fn with_tag<T: Serialize>(tags: &[(&str, &str)], options: &T) -> Value {
    let mut map = match serde_json::to_value(options) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for (k, v) in tags {
        map.insert((*k).to_string(), Value::String((*v).to_string()));
    }
    Value::Object(map)
}

fn action_value(action: &Action) -> Value {
    action_entry(action, false)
}

/// `options` tagged; with `short`, without the options equal to their
/// defaults (the tags stay).
fn options_value<T: Serialize + Default>(tags: &[(&str, &str)], options: &T, short: bool) -> Value {
    let mut value = with_tag(tags, options);
    if let (true, Value::Object(map), Value::Object(defaults)) = (short, &mut value, with_tag(&[], &T::default())) {
        map.retain(|k, v| tags.iter().any(|(t, _)| t == k) || defaults.get(k) != Some(v));
    }
    value
}

/// A column's action as its policy entry: every option, or with `short` the
/// shortest entry, the options equal to their defaults left out except
/// `pseudonymise`'s `kind` (`{"action": "pseudonymise", "kind": "raw"}`).
fn action_entry(action: &Action, short: bool) -> Value {
    let tag = [("action", action.name())];
    match action {
        Action::Keep | Action::Drop => with_tag(&tag, &Map::new()),
        Action::Redact(o) => options_value(&tag, o, short),
        // The kind says what the column holds: always written.
        Action::Pseudonymise(o) => options_value(&[("action", "pseudonymise"), ("kind", o.kind.name())], o, short),
        Action::Mask(o) => options_value(&tag, o, short),
        // `subject` and `max_days` have no defaults.
        Action::DateShift(o) => with_tag(&tag, o),
        Action::Scrub(o) => options_value(&tag, o, short),
        Action::AgeAt(o) => options_value(&tag, o, short),
        Action::Generalise(g) => {
            let tags = [("action", "generalise"), ("to", g.name())];
            match g {
                Generalise::Interval(o) => options_value(&tags, o, short),
                Generalise::Year(o) | Generalise::Quarter(o) | Generalise::Month(o) | Generalise::Week(o) => {
                    options_value(&tags, o, short)
                }
                Generalise::Age(o) => options_value(&tags, o, short),
                Generalise::Departement(o) => options_value(&tags, o, short),
                Generalise::TopBottom(o) => options_value(&tags, o, short),
                Generalise::Map(o) => options_value(&tags, o, short),
                Generalise::Hierarchy(o) => options_value(&tags, o, short),
            }
        }
    }
}

/// A column's action as its shortest policy entry ([`action_entry`]).
pub(super) fn entry_value(action: &Action) -> Value {
    action_entry(action, true)
}

/// One column's action read from its policy entry (errors name `path`).
pub(super) fn action_from_value(path: &str, value: &Value) -> Result<Action, PolicyError> {
    parse_action(path, value)
}

/// The policy as a JSON value.
pub(super) fn to_value(policy: &Policy) -> Value {
    let mut map = Map::new();
    map.insert("version".into(), Value::from(policy.version));
    map.insert("default".into(), serde_json::to_value(policy.default).unwrap_or(Value::Null));
    if let Some(d) = &policy.description {
        map.insert("description".into(), Value::String(d.clone()));
    }
    let columns: Map<String, Value> =
        policy.columns.iter().map(|(name, action)| (name.clone(), action_value(action))).collect();
    map.insert("columns".into(), Value::Object(columns));
    if let Some(config) = &policy.anonymise {
        map.insert("anonymise".into(), config.clone());
    }
    if policy.output != PolicyOutput::default() {
        map.insert("output".into(), serde_json::to_value(policy.output).unwrap_or(Value::Null));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        from_json(text).unwrap_err().to_string()
    }

    #[test]
    fn the_documented_example_parses() {
        let p = from_json(
            r#"{"version": 1, "default": "keep",
                "columns": {"nir": {"action": "pseudonymise", "kind": "nir"},
                            "nom": {"action": "pseudonymise", "kind": "text"},
                            "adresse": {"action": "drop"},
                            "date_naissance": {"action": "generalise", "to": "year"}}}"#,
        )
        .unwrap();
        assert_eq!(p.columns.len(), 4);
        assert!(matches!(p.columns["adresse"], Action::Drop));
        assert!(matches!(p.columns["date_naissance"], Action::Generalise(Generalise::Year(_))));
        assert!(p.needs_key());
    }

    #[test]
    fn errors_name_paths() {
        assert_eq!(
            err(r#"{"version": 1, "columns": {"nir": {"action": "hsh"}}}"#),
            format!("columns.nir.action: unknown action \"hsh\" (expected one of {ACTIONS})")
        );
        assert!(err(r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kindd": "nir"}}}"#)
            .starts_with("columns.nir"));
        assert!(err(r#"{"version": 1, "columns": {"nir": {"action": "pseudonymise", "kind": "nirr"}}}"#)
            .starts_with("columns.nir.kind: unknown variant `nirr`"));
        assert!(err(r#"{"version": 1, "colums": {}}"#).starts_with("colums: unknown field"));
        assert!(err(r#"{"columns": {}}"#).starts_with("version: missing"));
        assert!(err(r#"{"version": 2}"#).starts_with("version: unsupported policy version 2"));
        assert!(err(r#"{"version": 1, "default": "redact"}"#).starts_with("default:"));
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "drop"}, "a": {"action": "keep"}}}"#)
            .contains("duplicate key \"a\""));
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "keep", "with": "x"}}}"#)
            .starts_with("columns.a.with: unknown field"));
        assert!(err(
            r#"{"version": 1, "columns": {"a": {"action": "generalise", "to": "interval", "bounds": [1, "x"]}}}"#
        )
        .starts_with("columns.a.bounds[1]: invalid type"));
        assert!(err(
            r#"{"version": 1, "columns": {"a": {"action": "generalise", "to": "interval", "bounds": [3, 1]}}}"#
        )
        .starts_with("columns.a.bounds: must be strictly increasing"));
        assert!(
            err(r#"{"version": 1, "columns": {"a": {"action": "generalise"}}}"#).starts_with("columns.a.to: missing")
        );
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "generalise", "to": "decade"}}}"#)
            .starts_with("columns.a.to: unknown generalisation \"decade\""));
        assert!(err(r#"{"version": 1, "columns": {"date de naissance": {"action": "x"}}}"#)
            .starts_with("columns[\"date de naissance\"].action"));
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "pseudonymise", "length": 4}}}"#)
            .starts_with("columns.a.length: must be between 8 and 38"));
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "date_shift", "subject": "nir"}}}"#)
            .starts_with("columns.a: missing field `max_days`"));
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "date_shift", "subject": "nir", "max_days": 0}}}"#)
            .starts_with("columns.a.max_days: must be between 1"));
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "scrub", "sources": {"nom": "name"}}}}"#)
            .starts_with("columns.a.sources.nom: unknown variant `name`"));
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "scrub", "ibna": false}}}"#)
            .starts_with("columns.a.ibna: unknown field"));
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "generalise", "to": "hierarchy", "hierarchy": "1;a\n2;b;c\n", "level": 1}}}"#)
            .starts_with("columns.a.hierarchy: line 2 has 3 levels"));
        assert!(err(r#"{"version": 1, "columns": {"a": {"action": "generalise", "to": "hierarchy", "hierarchy": "1;a\n", "level": 2}}}"#)
            .starts_with("columns.a.level: the hierarchy has levels 0 to 1"));
        assert!(err("{\"version\": 1,}").contains("line 1"));
        assert!(err("{\"version\": 1} x").contains("trailing"));
    }

    #[test]
    fn shorthand_and_round_trip() {
        let text = r#"{"version": 1, "default": "drop", "description": "test",
            "columns": {"adresse": "drop", "nom": {"action": "pseudonymise", "kind": "text", "prefix": "N-"},
                        "cp": {"action": "generalise", "to": "departement"},
                        "poids": {"action": "generalise", "to": "interval", "width": 5},
                        "age": {"action": "generalise", "to": "age", "reference": "2026-01-01", "bounds": [18, 65], "top": 90},
                        "sortie": {"action": "date_shift", "subject": "nir", "max_days": 30},
                        "tel": {"action": "mask", "keep_end": 2},
                        "x": {"action": "redact"},
                        "note": {"action": "scrub", "dates": false, "sources": {"nom": "surname"}, "replace_with": "pseudonym"},
                        "note2": "scrub",
                        "mode": {"action": "generalise", "to": "map", "map": {"Urgences": "U"}, "on_invalid": "keep"}}}"#;
        let p = from_json(text).unwrap();
        let back = from_value(&to_value(&p)).unwrap();
        assert_eq!(p, back);
        let via_serde: Policy = serde_json::from_str(text).unwrap();
        assert_eq!(via_serde, p);
        assert_eq!(serde_json::to_value(&p).unwrap(), to_value(&p));
    }
}
