//! The risk-analysis boundary: `analyse(bytes, options)`, and `AnalysisTable`
//! to read a file once and analyse it many times.

use wasm_bindgen::prelude::*;

use super::rewrite::kept_table;
use super::{options, read_error, read_population, search_error, set, take_population, to_js};
use crate::privacy::AnalysisOptions;
use crate::table::{read_table, ReadOptions, Table};

/// `analyse(bytes, options)`: the re-identification risk report of a file.
///
/// `options` is the core's `AnalysisOptions` plus an optional `read` object
/// (`delimiter`, `encoding`, `sheet`, as for `inspect`):
/// `{qi: ["age", "sex"], sensitive: ["diag", {name: "weight", distance: "ordered"}],
///   thresholds: [0.2, 0.1], l: 2, c: 3, t: 0.2, suppressed_marker: "*", read: {delimiter: ";"}}`,
/// and optionally `population_table`, a `Uint8Array` of a table of the
/// population (a CSV/TSV file or workbook whose columns include every
/// quasi-identifier, read with `population_read`, sniffed by default).
/// Unknown fields are errors. Returns the `RiskReport` as a plain object, the
/// same as `masque analyse --json` prints (with a population table, its
/// `population_table`: the fewest population rows a class matches, `k_map`,
/// and the lowest and highest δ, as `masque analyse --population-table`);
/// errors name columns and rows, never cell values.
#[wasm_bindgen(unchecked_return_type = "AnalyseReport")]
pub fn analyse(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "AnalyseOptions")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let request = Request::new(options_value, true)?;
    let table = read_table(bytes, &request.read).map_err(read_error)?;
    request.report(&table.table)
}

/// The options of `analyse`, with the boundary's taken out.
struct Request {
    analysis: AnalysisOptions,
    /// How to read the file (`analyse` only).
    read: ReadOptions,
    population: Option<Table>,
}

impl Request {
    /// `options_value` split into the core's options, `read` (if `with_read`)
    /// and the population table (`population_table`, read with `population_read`).
    fn new(options_value: JsValue, with_read: bool) -> Result<Request, JsValue> {
        let (options_value, population) = take_population(options_value, "analysis options")?;
        let mut value: serde_json::Value = options(options_value, "analysis options")?;
        let mut take = |name: &str, what: &str| -> Result<ReadOptions, JsError> {
            match value.as_object_mut().and_then(|object| object.remove(name)) {
                None | Some(serde_json::Value::Null) => Ok(ReadOptions::default()),
                Some(read) => serde_json::from_value(read).map_err(|e| JsError::new(&format!("invalid {what}: {e}"))),
            }
        };
        // `read` belongs to the boundary; the rest is the core's options object.
        let read = if with_read { take("read", "read options")? } else { ReadOptions::default() };
        let population_read = take("population_read", "population_read options")?;
        let analysis: AnalysisOptions = match value {
            serde_json::Value::Null => AnalysisOptions::default(),
            value => {
                serde_json::from_value(value).map_err(|e| JsError::new(&format!("invalid analysis options: {e}")))?
            }
        };
        let population = read_population(population, &population_read)?;
        Ok(Request { analysis, read, population })
    }

    /// The report of `table`, with the population table's matches if given.
    fn report(&self, table: &Table) -> Result<JsValue, JsValue> {
        let report = report(table, &self.analysis)?;
        if let Some(population) = &self.population {
            let marker = self.analysis.suppressed_marker.as_deref();
            let matches = crate::search::population_table::measure(table, population, &self.analysis.qi, marker)
                .map_err(|e| search_error(&e))?;
            set(report.unchecked_ref(), "population_table", &to_js(&matches)?)?;
        }
        Ok(report)
    }
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

    /// `table.analyse(options)`: as the function `analyse`, without `read`
    /// (with `population_table` and `population_read`).
    #[wasm_bindgen(unchecked_return_type = "AnalyseReport")]
    pub fn analyse(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AnalysisOptions & PopulationTableOptions")] options_value: JsValue,
    ) -> Result<JsValue, JsValue> {
        Request::new(options_value, false)?.report(&self.table)
    }
}
