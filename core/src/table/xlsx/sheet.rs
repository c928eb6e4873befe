//! A table built from a sheet's cells as they stream by, in memory bounded by
//! the cells present.
//!
//! The table is the box around the cells that are not empty: its first row is
//! the header, its first column the leftmost cell's. Rows with no cell are
//! skipped (empty rows in the middle and at the end are formatting). Each data
//! row takes one code per column of the box, so the box must not be much
//! emptier than the cells present: past [`FREE_CELLS`], at most
//! [`MAX_EMPTY_RATIO`] table cells per cell present, checked as rows and
//! columns grow (what is held) and at the end (the rows the box spans, empty
//! rows included). Rows must come in order, as Excel writes them.

use super::cell_name;
use crate::table::{read::repair_header, Column, Dictionary, ReadError, ReadErrorKind, Table, Warning};

/// A sheet's box may hold up to this many cells whatever the cells present.
pub(crate) const FREE_CELLS: u64 = 1 << 20;
/// Past [`FREE_CELLS`], the most cells of the box per cell present.
pub(crate) const MAX_EMPTY_RATIO: u64 = 64;

struct Builder {
    codes: Vec<u32>,
    dict: Dictionary,
    /// The code of the empty string, once interned.
    empty: Option<u32>,
}

impl Builder {
    fn new() -> Builder {
        Builder { codes: Vec::new(), dict: Dictionary::new(), empty: None }
    }

    fn push_empty(&mut self) {
        let code = match self.empty {
            Some(code) => code,
            None => {
                let code = self.dict.intern("");
                self.empty = Some(code);
                code
            }
        };
        self.codes.push(code);
    }
}

/// The cells of one sheet, as they come, into columns.
pub(super) struct SheetTable {
    sheet: String,
    /// 0-based sheet row of the header, once a cell was seen.
    header_row: Option<u32>,
    /// 0-based sheet row being filled.
    row: u32,
    /// 0-based sheet column of `columns[0]`.
    base: u32,
    headers: Vec<Option<String>>,
    columns: Vec<Builder>,
    /// Data rows completed.
    rows: usize,
    /// Cells present (not empty) so far.
    present: u64,
}

impl SheetTable {
    pub(super) fn new(sheet: &str) -> SheetTable {
        SheetTable {
            sheet: sheet.to_string(),
            header_row: None,
            row: 0,
            base: 0,
            headers: Vec::new(),
            columns: Vec::new(),
            rows: 0,
            present: 0,
        }
    }

    /// The sheet's name, for errors.
    pub(super) fn sheet(&self) -> &str {
        &self.sheet
    }

    fn error(&self, row: u32, column: u32, reason: &str) -> ReadError {
        ReadError::new(ReadErrorKind::WorkbookSheet {
            sheet: Some(self.sheet.clone()),
            cell: Some(cell_name(row, column)),
            reason: reason.to_string(),
        })
    }

    /// Refuses a box of `rows` × `columns` too empty for the cells present.
    fn check_area(&self, rows: u64, columns: u64) -> Result<(), ReadError> {
        let area = rows.saturating_mul(columns);
        if area > FREE_CELLS && area > self.present.saturating_mul(MAX_EMPTY_RATIO) {
            return Err(ReadError::new(ReadErrorKind::WorkbookTooSparse {
                sheet: self.sheet.clone(),
                rows,
                columns,
                cells: self.present,
            }));
        }
        Ok(())
    }

    /// Completes the data row being filled: its missing cells are empty.
    fn finish_row(&mut self) {
        if self.header_row.is_some_and(|h| h != self.row) {
            for column in &mut self.columns {
                if column.codes.len() == self.rows {
                    column.push_empty();
                }
            }
            self.rows += 1;
        }
    }

    /// Adds the cell at 0-based (`row`, `column`) whose text is `text`
    /// (`text` is only interned; it never appears in an error).
    pub(super) fn push(&mut self, row: u32, column: u32, text: &str) -> Result<(), ReadError> {
        self.present += 1;
        let header = match self.header_row {
            None => {
                self.header_row = Some(row);
                self.row = row;
                self.base = column;
                row
            }
            Some(header) => header,
        };
        if row < self.row {
            return Err(self.error(row, column, "the rows are out of order (this cell comes after a later row)"));
        }
        if row > self.row {
            self.finish_row();
            self.row = row;
            self.check_area(self.rows as u64 + 2, self.columns.len() as u64)?;
        }
        let index = self.column_index(column)?;
        if row == header {
            if self.headers[index].is_some() {
                return Err(self.error(row, column, "the cell appears twice"));
            }
            self.headers[index] = Some(text.trim().to_string());
        } else {
            let filled = self.rows;
            let builder = &mut self.columns[index];
            if builder.codes.len() > filled {
                return Err(self.error(row, column, "the cell appears twice"));
            }
            let code = builder.dict.intern(text);
            if text.is_empty() {
                builder.empty = Some(code);
            }
            builder.codes.push(code);
        }
        Ok(())
    }

    /// The index in `columns` of sheet column `column`, adding columns
    /// (empty for the rows so far) to reach it.
    fn column_index(&mut self, column: u32) -> Result<usize, ReadError> {
        let width = self.columns.len() as u32;
        if column >= self.base && column - self.base < width {
            return Ok((column - self.base) as usize);
        }
        let (new_base, new_width) = if self.columns.is_empty() {
            (column, 1)
        } else if column < self.base {
            (column, width + (self.base - column))
        } else {
            (self.base, column - self.base + 1)
        };
        self.check_area(self.rows as u64 + 1, u64::from(new_width))?;
        let added = (new_width - width) as usize;
        let rows = self.rows;
        let fresh = || {
            let mut builder = Builder::new();
            for _ in 0..rows {
                builder.push_empty();
            }
            builder
        };
        if new_base < self.base || self.columns.is_empty() {
            self.columns.splice(0..0, (0..added).map(|_| fresh()));
            self.headers.splice(0..0, (0..added).map(|_| None));
        } else {
            self.columns.extend((0..added).map(|_| fresh()));
            self.headers.extend((0..added).map(|_| None));
        }
        self.base = new_base;
        Ok((column - self.base) as usize)
    }

    /// The table, once every cell was pushed.
    pub(super) fn finish(mut self) -> Result<(Table, Vec<Warning>), ReadError> {
        let Some(header) = self.header_row else {
            return Err(ReadError::new(ReadErrorKind::Empty));
        };
        self.finish_row();
        let spanned = u64::from(self.row - header) + 1;
        self.check_area(spanned, self.columns.len() as u64)?;
        if self.rows == 0 {
            return Err(ReadError::new(ReadErrorKind::HeaderOnly));
        }
        let headers = self.headers.into_iter().map(Option::unwrap_or_default).collect();
        let (names, warnings) = repair_header(headers);
        let columns = names
            .into_iter()
            .zip(self.columns)
            .map(|(name, b)| Column { name, codes: b.codes, dict: b.dict })
            .collect();
        Ok((Table { columns, rows: self.rows }, warnings))
    }
}
