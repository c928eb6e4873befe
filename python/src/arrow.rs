//! Arrow record batches to and from the core's table, through the Arrow C
//! data interface (pyo3-arrow): no value passes through a Python object.
//!
//! In: every column is read as text, as the CLI reads a file: string columns
//! as they are, other types cast to their Arrow text form (`2024-01-31` for a
//! date, `42` for an integer); a null is the empty cell. Out: every column is
//! a `string` column, the empty cell a null, in batches of at most
//! [`OUT_BATCH`] rows.

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_cast::cast;
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use masque_core::table::{Column, Dictionary, Table};

use crate::error::Failure;

/// The most rows of one output batch (keeps each string buffer far below 2 GiB).
pub const OUT_BATCH: usize = 1 << 16;

/// The core's table of `batches` (all of `schema`).
pub fn table_of(schema: &Schema, batches: &[RecordBatch]) -> Result<Table, Failure> {
    let mut columns = Vec::with_capacity(schema.fields().len());
    for (i, field) in schema.fields().iter().enumerate() {
        let mut dict = Dictionary::default();
        let mut codes = Vec::new();
        for batch in batches {
            let array = batch.column(i);
            let text: ArrayRef = match array.data_type() {
                DataType::Utf8 => array.clone(),
                _ => cast(array, &DataType::Utf8).map_err(|_| {
                    Failure::new(
                        "arrow_type",
                        format!(
                            "column `{}`: its Arrow type {} cannot be read as text",
                            field.name(),
                            field.data_type()
                        ),
                    )
                })?,
            };
            let strings = text
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| Failure::new("arrow_type", format!("column `{}`: not read as text", field.name())))?;
            codes.reserve(strings.len());
            for value in strings.iter() {
                codes.push(match value {
                    None => dict.intern(""),
                    Some(v) => dict.intern(v),
                });
            }
        }
        columns.push(Column { name: field.name().clone(), codes, dict });
    }
    if columns.is_empty() {
        return Err(Failure::new("empty", "the Arrow data has no column"));
    }
    Table::new(columns).ok_or_else(|| Failure::new("arrow", "the Arrow columns differ in length"))
}

/// The schema of a table written as Arrow: every column a nullable string.
pub fn schema_of(table: &Table) -> SchemaRef {
    Arc::new(Schema::new(
        table.columns.iter().map(|c| Field::new(c.name.as_str(), DataType::Utf8, true)).collect::<Vec<_>>(),
    ))
}

/// `table` as record batches of at most [`OUT_BATCH`] rows (at least one batch).
pub fn batches_of(table: &Table, schema: &SchemaRef) -> Result<Vec<RecordBatch>, Failure> {
    let mut out = Vec::new();
    let mut from = 0;
    loop {
        let to = (from + OUT_BATCH).min(table.rows);
        let arrays: Vec<ArrayRef> = table
            .columns
            .iter()
            .map(|c| {
                let bytes: usize = c.codes[from..to].iter().map(|&code| c.dict.get(code).len()).sum();
                let mut builder = StringBuilder::with_capacity(to - from, bytes);
                for &code in &c.codes[from..to] {
                    match c.dict.get(code) {
                        "" => builder.append_null(),
                        v => builder.append_value(v),
                    }
                }
                Arc::new(builder.finish()) as ArrayRef
            })
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), arrays)
            .map_err(|e| Failure::new("arrow", format!("cannot build the Arrow output: {e}")))?;
        out.push(batch);
        from = to;
        if from >= table.rows {
            return Ok(out);
        }
    }
}
