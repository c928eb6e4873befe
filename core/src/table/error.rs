//! Errors of reading and writing. They name positions, never cell values.

use std::fmt;

/// Why a file could not be read into a table.
///
/// The message names positions (line, record, column, byte offset), never the
/// content of a cell: an error can end up in a log, and a cell can be patient data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(Box<ReadErrorKind>);

impl ReadError {
    pub(crate) fn new(kind: ReadErrorKind) -> ReadError {
        ReadError(Box::new(kind))
    }

    /// What went wrong, with its position.
    pub fn kind(&self) -> &ReadErrorKind {
        &self.0
    }

    /// A stable machine name for the kind of error (`field_count`, `empty`, ...).
    pub fn code(&self) -> &'static str {
        match *self.0 {
            ReadErrorKind::Empty => "empty",
            ReadErrorKind::HeaderOnly => "header_only",
            ReadErrorKind::FieldCount { .. } => "field_count",
            ReadErrorKind::InvalidUtf16 { .. } => "invalid_utf16",
            ReadErrorKind::Binary { .. } => "binary",
            ReadErrorKind::BadOption { .. } => "bad_option",
            ReadErrorKind::Workbook { .. } | ReadErrorKind::WorkbookSheet { .. } => "workbook",
            ReadErrorKind::WorkbookTooLarge { .. } => "workbook_too_large",
            ReadErrorKind::WorkbookTooSparse { .. } => "workbook_too_sparse",
            ReadErrorKind::SheetNotFound { .. } => "sheet_not_found",
            ReadErrorKind::TooLarge { .. } => "too_large",
            ReadErrorKind::Io { .. } => "io",
            ReadErrorKind::UnterminatedQuote { .. } => "unterminated_quote",
            ReadErrorKind::InvalidUtf8 { .. } => "invalid_utf8",
        }
    }
}

/// The kinds of [`ReadError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The input holds no bytes (or only a byte order mark / blank lines).
    Empty,
    /// The input has a header row but no data row.
    HeaderOnly,
    /// A record has a different number of fields from the header.
    FieldCount {
        /// 1-based line where the record starts.
        line: u64,
        /// 1-based data record number (the header is record 0).
        record: u64,
        /// The number of fields in the header.
        expected: usize,
        /// The number of fields in this record.
        found: usize,
    },
    /// The input says it is UTF-16 (byte order mark) but is not valid UTF-16.
    InvalidUtf16 {
        /// Byte offset of the first invalid code unit.
        byte: u64,
    },
    /// The input is not text: it holds a NUL byte and no UTF-16 byte order mark.
    Binary {
        /// Byte offset of the first NUL byte.
        byte: u64,
    },
    /// A read option is invalid (names the option, never a cell).
    BadOption {
        /// The option's name.
        option: &'static str,
        /// What is accepted.
        expected: &'static str,
    },
    /// The workbook could not be opened or parsed.
    Workbook {
        /// What failed, in calamine's terms, without cell content.
        reason: String,
    },
    /// A sheet of the workbook is malformed at a position.
    WorkbookSheet {
        /// The sheet's name; `None` for a check made before the workbook's
        /// sheets are known (cell references are checked in every part first).
        sheet: Option<String>,
        /// The cell (`B17`) where the problem is or, when the reason says so,
        /// the last good cell before it; `None` before any cell.
        cell: Option<String>,
        /// What is wrong, without cell content.
        reason: String,
    },
    /// A part of a zipped workbook (or all of them) expands past 64 MiB and more
    /// than 100 times its compressed size: a zip bomb.
    WorkbookTooLarge {
        /// Declared uncompressed bytes.
        expanded: u64,
        /// Compressed bytes.
        compressed: u64,
    },
    /// A sheet's cells span a box far emptier than the cells present (a far
    /// cell): past 1,048,576 cells, at most 64 cells of the box per cell present.
    WorkbookTooSparse {
        /// The sheet's name.
        sheet: String,
        /// Rows the box spans (at least; counted so far when refused early).
        rows: u64,
        /// Columns the box spans.
        columns: u64,
        /// Cells present (not empty).
        cells: u64,
    },
    /// The sheet named in the options does not exist.
    SheetNotFound {
        /// How many sheets the workbook has.
        sheets: usize,
    },
    /// The input stream failed (names the kind of failure only).
    Io {
        /// The kind of I/O failure.
        reason: String,
    },
    /// The input is too large for a 32-bit code space.
    TooLarge {
        /// 1-based column position.
        column: usize,
    },
    /// A quoted field is still open at the end of the input: its opening quote
    /// never closes, so every record after it would be read as its text.
    UnterminatedQuote {
        /// 1-based line where the quote opened.
        line: u64,
        /// Byte offset of the opening quote (from the start of the file).
        byte: u64,
    },
    /// The input was declared UTF-8 (a forced encoding) but holds bytes that are not.
    InvalidUtf8 {
        /// Byte offset of the first byte that is not UTF-8 (from the start of the file).
        byte: u64,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ReadErrorKind::Empty => write!(f, "the file is empty"),
            ReadErrorKind::HeaderOnly => write!(f, "the file has a header row but no data rows"),
            ReadErrorKind::FieldCount { line, record, expected, found } => {
                write!(f, "line {line} (record {record}) has {found} fields, expected {expected} as in the header")
            }
            ReadErrorKind::InvalidUtf16 { byte } => {
                write!(f, "invalid UTF-16 at byte {byte}")
            }
            ReadErrorKind::Binary { byte } => {
                write!(f, "the file is not a text table or workbook (binary data at byte {byte})")
            }
            ReadErrorKind::BadOption { option, expected } => {
                write!(f, "option `{option}` is invalid: expected {expected}")
            }
            ReadErrorKind::Workbook { reason } => write!(f, "the workbook could not be read: {reason}"),
            ReadErrorKind::WorkbookSheet { sheet, cell, reason } => {
                write!(f, "the workbook could not be read: ")?;
                match sheet {
                    Some(sheet) => write!(f, "sheet `{sheet}`")?,
                    None => write!(f, "a sheet")?,
                }
                if let Some(cell) = cell {
                    write!(f, ", cell {cell}")?;
                }
                write!(f, ": {reason}")
            }
            ReadErrorKind::WorkbookTooLarge { expanded, compressed } => write!(
                f,
                "the workbook is too large to read safely: {compressed} compressed bytes expand to {expanded} \
                 (a workbook may expand more than 100 times only up to 64 MiB)"
            ),
            ReadErrorKind::WorkbookTooSparse { sheet, rows, columns, cells } => write!(
                f,
                "sheet `{sheet}` spans {rows} rows by {columns} columns for {cells} cells present \
                 (past 1048576 cells, at most 64 cells of the sheet per cell present)"
            ),
            ReadErrorKind::SheetNotFound { sheets } => {
                write!(f, "the workbook has no sheet of that name ({sheets} sheets)")
            }
            ReadErrorKind::Io { reason } => write!(f, "the input could not be read: {reason}"),
            ReadErrorKind::TooLarge { column } => {
                write!(f, "column {column} is too large (over 4 GiB of distinct text or 4 billion distinct values)")
            }
            ReadErrorKind::UnterminatedQuote { line, byte } => write!(
                f,
                "the quoted field opened on line {line} (byte {byte}) is never closed: a stray quote would swallow the rest of the file"
            ),
            ReadErrorKind::InvalidUtf8 { byte } => {
                write!(f, "the file is not valid UTF-8 (byte {byte}); read it as windows-1252 instead")
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// Why a table could not be written in the requested dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// A value has a character the target encoding cannot represent.
    Unencodable {
        /// 1-based data row.
        row: usize,
        /// The column's name.
        column: String,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Unencodable { row, column } => write!(
                f,
                "row {row}, column `{column}` has a character the output encoding cannot represent; write UTF-8 instead"
            ),
        }
    }
}

impl std::error::Error for WriteError {}
