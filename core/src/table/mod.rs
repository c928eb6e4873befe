//! The columnar, dictionary-encoded table and its reading and writing.
//!
//! A [`Table`] holds one [`Column`] per header field. Each column stores one
//! `u32` code per row and a [`Dictionary`] of its distinct values, in order of
//! first appearance. Every later computation (grouping, risk, generalisation,
//! pseudonymisation) runs on the codes and touches each distinct value once.
//!
//! Values keep their original text: dates, numbers with decimal commas and
//! empty cells are stored as they were read (decoded to UTF-8). Typed views are
//! derived from the dictionary when a computation needs them.
//!
//! Reading lives in [`read`] (sniffing, decoding, CSV and workbook parsing);
//! writing in [`write`]. Neither does I/O: they take and return bytes.

mod dictionary;
mod error;
pub mod read;
mod scan;
pub mod write;
mod xlsx;

pub use dictionary::Dictionary;
pub use error::{ReadError, ReadErrorKind, WriteError};
pub use read::{read_table, read_table_from, MalformedRows, ReadOptions};
pub use write::{write_table, TableWriter};

use serde::{Deserialize, Serialize};

/// The character encoding of a text file.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    /// UTF-8 (with or without a byte order mark, see [`Dialect::bom`]).
    #[serde(rename = "utf-8")]
    Utf8,
    /// Windows-1252, the default of French Excel's "CSV (séparateur: point-virgule)".
    #[serde(rename = "windows-1252")]
    Windows1252,
    /// UTF-16 little endian (always with a byte order mark when detected).
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16 big endian (always with a byte order mark when detected).
    #[serde(rename = "utf-16be")]
    Utf16Be,
}

impl Encoding {
    /// The `encoding_rs` encoding this stands for.
    pub(crate) fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
        }
    }

    /// The byte order mark of this encoding.
    pub(crate) fn bom(self) -> &'static [u8] {
        match self {
            Encoding::Utf8 => b"\xEF\xBB\xBF",
            Encoding::Windows1252 => b"",
            Encoding::Utf16Le => b"\xFF\xFE",
            Encoding::Utf16Be => b"\xFE\xFF",
        }
    }
}

/// How records end.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineEnding {
    /// `\r\n`, as Windows and Excel write.
    #[serde(rename = "crlf")]
    Crlf,
    /// `\n`.
    #[serde(rename = "lf")]
    Lf,
    /// `\r` alone, as old Mac OS programs wrote.
    #[serde(rename = "cr")]
    Cr,
}

impl LineEnding {
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            LineEnding::Crlf => b"\r\n",
            LineEnding::Lf => b"\n",
            LineEnding::Cr => b"\r",
        }
    }
}

/// The container a table was read from.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    /// Delimited text (CSV, TSV, ...).
    #[serde(rename = "csv")]
    Csv,
    /// A spreadsheet workbook (`.xlsx`, `.xls`, `.ods`), read with calamine.
    #[serde(rename = "workbook")]
    Workbook,
}

/// Everything needed to write a table back the way it was read.
///
/// For a workbook input this is the dialect its cleaned CSV is written in by
/// default: `;`, UTF-8 with a byte order mark and CRLF, which French Excel
/// opens correctly.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialect {
    /// Where the table came from.
    pub format: Format,
    /// The field delimiter: one of `,` `;` TAB `|`.
    #[serde(with = "delimiter_serde")]
    #[cfg_attr(feature = "ts", tsify(type = "string"))]
    pub delimiter: u8,
    /// The text encoding.
    pub encoding: Encoding,
    /// Whether the file started with a byte order mark.
    pub bom: bool,
    /// How records end.
    pub line_ending: LineEnding,
    /// Whether the last record was followed by a line ending.
    pub final_newline: bool,
    /// The sheet read, for a workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

impl Dialect {
    /// The same dialect re-encoded as UTF-8 (with a BOM if the input had one or was
    /// UTF-16), for users who ask for UTF-8 output.
    pub fn to_utf8(&self) -> Dialect {
        let mut d = self.clone();
        if d.encoding != Encoding::Utf8 {
            d.bom = matches!(d.encoding, Encoding::Utf16Le | Encoding::Utf16Be);
            d.encoding = Encoding::Utf8;
        }
        d
    }

    /// The dialect masque writes a workbook's table in: `;`, UTF-8 with BOM, CRLF.
    pub fn excel_fr_utf8() -> Dialect {
        Dialect {
            format: Format::Csv,
            delimiter: b';',
            encoding: Encoding::Utf8,
            bom: true,
            line_ending: LineEnding::Crlf,
            final_newline: true,
            sheet: None,
        }
    }
}

mod delimiter_serde {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &u8, s: S) -> Result<S::Ok, S::Error> {
        let c = [*d];
        s.serialize_str(std::str::from_utf8(&c).unwrap_or(","))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        let s = String::deserialize(d)?;
        super::read::parse_delimiter(&s).ok_or_else(|| D::Error::custom("delimiter must be one of , ; | or a tab"))
    }
}

/// One column: a name, one code per row, and the dictionary the codes index.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The (unique, non-empty) column name.
    pub name: String,
    /// One code per row, an index into `dict`.
    pub codes: Vec<u32>,
    /// The distinct values, in order of first appearance.
    pub dict: Dictionary,
}

impl Column {
    /// Builds a column from values (convenient for tests and small tables).
    pub fn from_values<S: AsRef<str>>(name: &str, values: impl IntoIterator<Item = S>) -> Column {
        let mut dict = Dictionary::default();
        let codes = values.into_iter().map(|v| dict.intern(v.as_ref())).collect();
        Column { name: name.to_string(), codes, dict }
    }

    /// The text of the value in row `row`.
    ///
    /// Panics if `row` is out of range (a programming error, not a user input).
    pub fn get(&self, row: usize) -> &str {
        self.dict.get(self.codes[row])
    }

    /// The number of rows whose value is the empty string.
    pub fn empty_count(&self) -> usize {
        match self.dict.code_of("") {
            Some(code) => self.codes.iter().filter(|&&c| c == code).count(),
            None => 0,
        }
    }
}

/// Something noteworthy found while reading that is not an error.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// A header name appeared more than once; later ones were renamed.
    DuplicateHeader {
        /// 1-based column position.
        column: usize,
        /// The name given to the column.
        renamed_to: String,
    },
    /// A header name was empty; the column was named after its position.
    EmptyHeader {
        /// 1-based column position.
        column: usize,
        /// The name given to the column.
        renamed_to: String,
    },
    /// A quoted field spans more than 100 line breaks or 1 MiB: a quote that
    /// closes far too late may have swallowed records into one cell.
    LongQuotedField {
        /// The data record holding the field (the header is record 0).
        record: u64,
        /// The line where the field's quote opens.
        first_line: u64,
        /// The line where it closes.
        last_line: u64,
        /// Its length in bytes, quotes included.
        bytes: u64,
    },
    /// More long quoted fields than the ones reported one by one.
    MoreLongQuotedFields {
        /// How many more.
        more: u64,
    },
    /// The file has more physical lines than its records and the line breaks
    /// inside quoted fields explain (blank lines, which are skipped).
    LineCount {
        /// Physical lines (line breaks, plus a last line without one).
        lines: u64,
        /// Records, the header included.
        records: u64,
        /// Line breaks inside quoted fields.
        line_breaks_in_fields: u64,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::DuplicateHeader { column, renamed_to } => {
                write!(f, "column {column}: duplicate name, renamed `{renamed_to}`")
            }
            Warning::EmptyHeader { column, renamed_to } => {
                write!(f, "column {column}: empty name, named `{renamed_to}`")
            }
            Warning::LongQuotedField { record, first_line, last_line, bytes } => write!(
                f,
                "record {record}: a quoted field spans lines {first_line} to {last_line} ({bytes} bytes); \
                 check that a stray quote did not swallow records"
            ),
            Warning::MoreLongQuotedFields { more } => write!(f, "{more} more long quoted fields"),
            Warning::LineCount { lines, records, line_breaks_in_fields } => write!(
                f,
                "{lines} lines for {records} records (header included) and {line_breaks_in_fields} line breaks \
                 inside quoted fields: blank lines were skipped"
            ),
        }
    }
}

/// A columnar, dictionary-encoded table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The columns, in file order.
    pub columns: Vec<Column>,
    /// The number of data rows (the header excluded).
    pub rows: usize,
}

impl Table {
    /// Builds a table from columns of equal length.
    ///
    /// Returns `None` if the columns do not all have the same number of rows.
    pub fn new(columns: Vec<Column>) -> Option<Table> {
        let rows = columns.first().map_or(0, |c| c.codes.len());
        if columns.iter().any(|c| c.codes.len() != rows) {
            return None;
        }
        Some(Table { columns, rows })
    }

    /// The index of the column called `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// The malformed lines a read set aside ([`ReadOptions::malformed_rows`]):
/// how many, and where each began. Line numbers only, never their content.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAside {
    /// Records set aside (each may span several lines, inside quotes).
    pub count: usize,
    /// The 1-based line on which each of the first [`SetAside::LISTED`]
    /// records set aside begins, in file order.
    pub lines: Vec<u64>,
}

impl SetAside {
    /// How many line numbers are listed at most (the count goes on).
    pub const LISTED: usize = 1000;

    /// Counts a record set aside that begins on `line`.
    pub fn push(&mut self, line: u64) {
        self.count += 1;
        if self.lines.len() < SetAside::LISTED {
            self.lines.push(line);
        }
    }

    /// Whether nothing was set aside.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// A table with the dialect it was read in and what reading noticed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadTable {
    /// The data.
    pub table: Table,
    /// How the input was written.
    pub dialect: Dialect,
    /// Header repairs and other notes.
    pub warnings: Vec<Warning>,
    /// The malformed records set aside (with `malformed_rows: "set_aside"`).
    pub set_aside: SetAside,
}
