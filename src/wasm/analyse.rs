//! The risk-analysis boundary: `analyse(bytes, options)`, and `AnalysisTable`
//! to read a file once and analyse it many times.

use wasm_bindgen::prelude::*;

use super::rewrite::kept_table;
use super::{options, read_error, to_js};
use crate::privacy::AnalysisOptions;
use crate::table::{read_table, ReadOptions, Table};

/// `analyse(bytes, options)`: the re-identification risk report of a file.
///
/// `options` is the core's `AnalysisOptions` plus an optional `read` object
/// (`delimiter`, `encoding`, `sheet`, as for `inspect`):
/// `{qi: ["age", "sex"], sensitive: ["diag", {name: "weight", distance: "ordered"}],
///   thresholds: [0.2, 0.1], l: 2, c: 3, t: 0.2, suppressed_marker: "*", read: {delimiter: ";"}}`.
/// Unknown fields are errors. Returns the `RiskReport` as a plain object, the
/// same as `masque analyse --json` prints; errors name columns and rows, never
/// cell values.
#[wasm_bindgen(unchecked_return_type = "RiskReport")]
pub fn analyse(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "AnalyseOptions")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let mut value: serde_json::Value = options(options_value, "analysis options")?;
    // `read` belongs to the boundary; the rest is the core's options object.
    let read = match value.as_object_mut() {
        Some(object) => object.remove("read"),
        None => None,
    };
    let read: ReadOptions = match read {
        None | Some(serde_json::Value::Null) => ReadOptions::default(),
        Some(read) => serde_json::from_value(read).map_err(|e| JsError::new(&format!("invalid read options: {e}")))?,
    };
    let analysis: AnalysisOptions = match value {
        serde_json::Value::Null => AnalysisOptions::default(),
        value => serde_json::from_value(value).map_err(|e| JsError::new(&format!("invalid analysis options: {e}")))?,
    };
    let table = read_table(bytes, &read).map_err(read_error)?;
    Ok(report(&table.table, &analysis)?)
}

/// The risk report of `table`, as a plain object.
pub(super) fn report(table: &Table, analysis: &AnalysisOptions) -> Result<JsValue, JsError> {
    let report = crate::privacy::analyse(table, analysis, None).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&report)
}

/// A file read once and kept in wasm memory, to analyse it many times (the
/// page re-analyses while the user picks quasi-identifiers) without reading
/// it again. Call `free()` when done.
#[wasm_bindgen]
pub struct AnalysisTable {
    table: Table,
}

kept_table!(AnalysisTable, |t| t.table);

#[wasm_bindgen]
impl AnalysisTable {
    /// `new AnalysisTable(bytes, readOptions?)`: reads a file (`readOptions` as for `inspect`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "ReadOptions | null | undefined")] read_options: JsValue,
    ) -> Result<AnalysisTable, JsValue> {
        let read: ReadOptions = options(read_options, "read options")?;
        let table = read_table(bytes, &read).map_err(read_error)?.table;
        Ok(AnalysisTable { table })
    }

    /// `table.analyse(options)`: as the function `analyse`, without `read`.
    #[wasm_bindgen(unchecked_return_type = "RiskReport")]
    pub fn analyse(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AnalysisOptions")] options_value: JsValue,
    ) -> Result<JsValue, JsError> {
        let analysis: AnalysisOptions = options(options_value, "analysis options")?;
        report(&self.table, &analysis)
    }
}
