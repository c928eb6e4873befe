//! Progress to the page: the one reporter behind the `progress` callbacks of
//! `anonymise` (and `AnonymiseTable`) and `clean` (and `PreviewTable`).
//!
//! The callback is called with one object of fields; it may return `false`
//! to stop the search, and an exception it throws stops the work and is
//! reported as the error (`the progress callback failed: ...`). The search's
//! progress is throttled to one report every [`PROGRESS_EVERY_MS`] of the
//! page's clock.

use wasm_bindgen::{prelude::*, JsCast};

use crate::search::Progress;

/// How often the search's progress is reported, at most.
pub(crate) const PROGRESS_EVERY_MS: f64 = 100.0;

/// The page's progress callback, if any; an exception it throws is kept, to
/// be reported as the error.
pub(crate) struct Reporter {
    callback: Option<js_sys::Function>,
    thrown: Option<JsValue>,
    /// When the search's progress was last reported.
    last: f64,
}

impl Reporter {
    /// The reporter of a `progress` argument: `undefined` or `null` (none),
    /// or a function.
    pub(crate) fn new(progress: JsValue) -> Result<Reporter, JsError> {
        let callback = if progress.is_undefined() || progress.is_null() {
            None
        } else {
            Some(progress.dyn_into().map_err(|_| JsError::new("invalid progress: not a function"))?)
        };
        Ok(Reporter { callback, thrown: None, last: f64::NEG_INFINITY })
    }

    /// A reporter without a callback: reports go nowhere.
    pub(crate) fn silent() -> Reporter {
        Reporter { callback: None, thrown: None, last: f64::NEG_INFINITY }
    }

    /// Calls the callback with an object of `fields`, in their order; returns
    /// false if it asked to stop (returned `false`) or threw.
    pub(crate) fn report(&mut self, fields: &[(&str, JsValue)]) -> bool {
        let Some(f) = &self.callback else { return true };
        let object = js_sys::Object::new();
        for (name, value) in fields {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), value);
        }
        match f.call1(&JsValue::NULL, &object) {
            Ok(answer) => answer.as_bool() != Some(false),
            Err(e) => {
                self.thrown = Some(e);
                false
            }
        }
    }

    /// Calls the callback with `{phase, ...fields}` (see [`Reporter::report`]).
    pub(crate) fn phase(&mut self, phase: &str, fields: &[(&str, JsValue)]) -> bool {
        let mut all = Vec::with_capacity(fields.len() + 1);
        all.push(("phase", JsValue::from_str(phase)));
        all.extend(fields.iter().map(|(name, value)| (*name, value.clone())));
        self.report(&all)
    }

    /// The search's progress at `now` (the page's clock, in milliseconds):
    /// reported with the `fields` made then, at most every
    /// [`PROGRESS_EVERY_MS`]. Returns true to stop the search (the callback
    /// returned `false` or threw).
    pub(crate) fn search(&mut self, now: f64, fields: impl FnOnce() -> Vec<(&'static str, JsValue)>) -> bool {
        if self.callback.is_none() || now - self.last < PROGRESS_EVERY_MS {
            return false;
        }
        self.last = now;
        !self.report(&fields())
    }

    /// Whether the callback threw.
    pub(crate) fn threw(&self) -> bool {
        self.thrown.is_some()
    }

    /// The error of an exception the callback threw, once.
    pub(crate) fn failure(&mut self) -> Option<JsError> {
        let e = self.thrown.take()?;
        Some(JsError::new(&format!("the progress callback failed: {}", message_of(&e))))
    }
}

/// The search's counts, as progress fields: `nodes_checked`, `lattice_size`,
/// `best_metric` (`null` before an anonymous node is found).
pub(crate) fn counts(p: &Progress) -> [(&'static str, JsValue); 3] {
    [
        ("nodes_checked", JsValue::from_f64(p.nodes_checked as f64)),
        ("lattice_size", JsValue::from_f64(p.lattice_size as f64)),
        ("best_metric", p.best_metric.map_or(JsValue::NULL, JsValue::from_f64)),
    ]
}

/// The message of a thrown JavaScript value (an `Error`'s, or a string).
pub(crate) fn message_of(e: &JsValue) -> String {
    e.as_string().or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()))).unwrap_or_default()
}
