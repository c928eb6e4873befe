//! The check of an OpenDocument spreadsheet's `content.xml` before calamine
//! parses it.
//!
//! calamine (0.38, `ods.rs`) parses every sheet of the workbook when it opens
//! it, into a dense range per sheet (a `Data` and a formula `String` per
//! cell, about 56 bytes, plus the text of every copy of a string). ODS
//! compresses runs with `table:number-rows-repeated` and
//! `table:number-columns-repeated`, so a few bytes can stand for millions of
//! cells. This scan follows the XML as calamine reads it (same tag and
//! attribute rules as quick-xml and calamine's `RawAttrIter`) and works out,
//! in constant memory, what calamine will build:
//!
//! - a row element's stored cells: every cell up to the row's last cell, a
//!   trailing empty cell (and its repeats) left out, at most 16384; a cell
//!   is empty when it has no value attribute, no string content and no
//!   formula;
//! - the sheet's dense box: from the first to the last row element holding
//!   a cell that is not empty, with the repeats of every row element between
//!   (capped, as calamine does, at 1048576 rows counted from the sheet's
//!   first row), times the columns from the leftmost to the rightmost such
//!   cell. Leading and trailing empty rows and columns cost nothing.
//!
//! Refused, before calamine runs:
//! - a sheet whose box, or whose stored cells, exceed
//!   [`sheet::FREE_CELLS`] and [`sheet::MAX_EMPTY_RATIO`] times the cells
//!   present, where a cell present is a cell *element* with a value (a
//!   repeated element counts once: repeats are what this check bounds):
//!   `workbook_too_sparse`, naming the sheet;
//! - a workbook whose estimated memory (every sheet's box and stored cells at
//!   [`CELL_BYTES`], plus the bytes of every copy of a string or formula)
//!   passes [`guard::FREE_BYTES`] and [`guard::MAX_RATIO`] times the
//!   compressed size of `content.xml`: `workbook_too_large` (many sheets, or
//!   a long string repeated);
//! - content calamine would loop on forever (the part ending inside a sheet
//!   or a cell's annotation), a document type declaration, malformed
//!   attributes or repeat counts: `workbook`, naming the sheet.
//!
//! [`sheet::FREE_CELLS`]: super::sheet::FREE_CELLS
//! [`sheet::MAX_EMPTY_RATIO`]: super::sheet::MAX_EMPTY_RATIO
//! [`guard::FREE_BYTES`]: super::guard::FREE_BYTES
//! [`guard::MAX_RATIO`]: super::guard::MAX_RATIO

use std::io::Read;

use super::guard::{FREE_BYTES, MAX_RATIO};
use super::scan::{scan_qualified, Stop, Tag};
use super::sheet::{FREE_CELLS, MAX_EMPTY_RATIO};
use super::{MAX_COLUMNS, MAX_ROWS};
use crate::table::{ReadError, ReadErrorKind};

/// What calamine holds per cell of a range: a `Data` (32 bytes) and a formula
/// `String` (24 bytes).
pub(super) const CELL_BYTES: u64 = 56;

/// A cell element being read: calamine's view of it.
struct CellState {
    repeats: u64,
    nonempty: bool,
    /// Bytes of one copy of its string value, formula and text.
    bytes: u64,
    /// End of the last tag seen inside it (for the text between tags).
    last_end: u64,
}

/// A row element being read.
#[derive(Default)]
struct RowState {
    /// calamine's repeats (capped).
    repeats: u64,
    stored: u64,
    deferred_empty: u64,
    first: Option<u64>,
    last: u64,
    /// Bytes of the strings of the stored cells.
    bytes: u64,
}

/// A sheet (`table:table` with a name) being read.
#[derive(Default)]
struct SheetState {
    name: String,
    /// Rows so far (repeats included, capped), for calamine's cap.
    total_rows: u64,
    /// Rows of the box so far (first to last row with a cell present).
    span: u64,
    /// Rows after the last row with a cell present.
    since_last: u64,
    started: bool,
    col_min: u64,
    col_max: u64,
    present: u64,
    /// Cells stored before the box is built (each row element once).
    raw: u64,
    row_elements: u64,
    widest_row: u64,
}

enum Mode {
    Top,
    Table,
    Row,
    /// A string cell's content, read up to the first end of a cell.
    Text,
    /// An annotation inside a string cell, read up to its end.
    Annotation,
    /// A cell's content skipped up to the matching end of its name.
    Skip {
        covered: bool,
        depth: u64,
    },
}

struct Scan {
    mode: Mode,
    sheet: SheetState,
    row: RowState,
    cell: CellState,
    /// Estimated bytes calamine will hold.
    bytes: u64,
    compressed: u64,
    /// The last sheet's box (rows, columns), for the tests.
    #[cfg(test)]
    last_box: (u64, u64),
}

enum Refusal {
    Damaged(Option<String>, &'static str),
    Error(ReadError),
}

const CELL: &[u8] = b"table:table-cell";
const COVERED: &[u8] = b"table:covered-table-cell";

impl Scan {
    /// A scan at the top of `content.xml`, whose compressed size is `compressed`.
    fn new(compressed: u64) -> Scan {
        Scan {
            mode: Mode::Top,
            sheet: SheetState::default(),
            row: RowState::default(),
            cell: CellState { repeats: 1, nonempty: false, bytes: 0, last_end: 0 },
            bytes: 0,
            compressed,
            #[cfg(test)]
            last_box: (0, 0),
        }
    }
}

/// Checks `content.xml` (`compressed` is its size in the zip).
pub(super) fn check_content<R: Read>(part: R, compressed: u64) -> Result<(), ReadError> {
    let mut scan = Scan::new(compressed);
    check_scan(part, &mut scan)
}

fn check_scan<R: Read>(part: R, scan: &mut Scan) -> Result<(), ReadError> {
    let result = scan_qualified(part, |name, attributes, kind, at| scan.tag(name, attributes, kind, at));
    let refusal = match result {
        Ok(()) => match scan.mode {
            Mode::Top => return Ok(()),
            _ => Refusal::Damaged(Some(scan.sheet.name.clone()), "the content ends inside a sheet"),
        },
        Err(Stop::Io) => Refusal::Damaged(None, "a part is damaged (compressed data, checksum or declared size)"),
        Err(Stop::TagTooLong) => Refusal::Damaged(None, "an XML tag is longer than 1 MiB"),
        Err(Stop::Refused(refusal)) => refusal,
    };
    Err(match refusal {
        Refusal::Error(e) => e,
        Refusal::Damaged(sheet, reason) => {
            ReadError::new(ReadErrorKind::WorkbookSheet { sheet, cell: None, reason: reason.to_string() })
        }
    })
}

/// Attributes as calamine's `RawAttrIter` reads them: `(key, value)`, or
/// `None` for malformed text (which calamine refuses).
fn attributes(raw: &[u8]) -> impl Iterator<Item = Option<(&[u8], &[u8])>> {
    let mut pos = 0usize;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        while raw.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        if pos >= raw.len() {
            return None;
        }
        let key_start = pos;
        let Some(eq) = raw[pos..].iter().position(|&b| b == b'=') else {
            failed = true;
            return Some(None);
        };
        let key = raw[key_start..pos + eq].trim_ascii_end();
        pos += eq + 1;
        while raw.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        let quote = match raw.get(pos) {
            Some(&q) if q == b'"' || q == b'\'' => q,
            _ => {
                failed = true;
                return Some(None);
            }
        };
        pos += 1;
        let len = raw[pos..].iter().position(|&b| b == quote).unwrap_or(raw.len() - pos);
        let value = &raw[pos..pos + len];
        pos = (pos + len + 1).min(raw.len());
        Some(Some((key, value)))
    })
}

/// The first value of attribute `name` (as calamine's `raw_attr`).
fn first_attribute<'a>(raw: &'a [u8], name: &[u8]) -> Result<Option<&'a [u8]>, Refusal> {
    for item in attributes(raw) {
        match item {
            Some((key, value)) if key == name => return Ok(Some(value)),
            Some(_) => {}
            None => return Err(Refusal::Damaged(None, "malformed attributes")),
        }
    }
    Ok(None)
}

/// A repeat or space count as Rust's `usize::from_str` takes it (saturated).
fn count(value: &[u8]) -> Option<u64> {
    let digits = value.strip_prefix(b"+").unwrap_or(value);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0'))))
}

impl Scan {
    fn damaged(&self, reason: &'static str) -> Refusal {
        let sheet = match self.mode {
            Mode::Top => None,
            _ => Some(self.sheet.name.clone()),
        };
        Refusal::Damaged(sheet, reason)
    }

    fn with_sheet(&self, refusal: Refusal) -> Refusal {
        match refusal {
            Refusal::Damaged(None, reason) => self.damaged(reason),
            other => other,
        }
    }

    fn tag(&mut self, name: &[u8], raw: &[u8], kind: Tag, (start, end): (u64, u64)) -> Result<(), Refusal> {
        if kind == Tag::Declaration {
            return Err(self.damaged("the content has a document type declaration"));
        }
        let opens = matches!(kind, Tag::Start | Tag::Empty);
        // quick-xml reads `<x/>` as a start then an end (calamine's setting).
        let closes = matches!(kind, Tag::End | Tag::Empty);
        match self.mode {
            Mode::Top => {
                if opens && name == b"table:table" {
                    if let Some(sheet) = first_attribute(raw, b"table:name").map_err(|r| self.with_sheet(r))? {
                        self.sheet = SheetState { name: unescape(sheet), ..SheetState::default() };
                        self.mode = Mode::Table;
                        if closes {
                            self.finish_sheet()?;
                        }
                    }
                }
            }
            Mode::Table => {
                if opens && name == b"table:table-row" {
                    let repeats =
                        match first_attribute(raw, b"table:number-rows-repeated").map_err(|r| self.with_sheet(r))? {
                            Some(value) => count(value).ok_or_else(|| self.damaged("a repeat count is malformed"))?,
                            None => 1,
                        };
                    let remaining = u64::from(MAX_ROWS).saturating_sub(self.sheet.total_rows);
                    let repeats = repeats.min(remaining);
                    self.sheet.total_rows += repeats;
                    self.row = RowState { repeats, ..RowState::default() };
                    self.mode = Mode::Row;
                    if closes {
                        self.finish_row();
                    }
                } else if closes && name == b"table:table" {
                    self.finish_sheet()?;
                }
            }
            Mode::Row => {
                if opens && (name == CELL || name == COVERED) {
                    self.start_cell(raw, end)?;
                    if closes {
                        self.finish_cell();
                    } else if self.cell.nonempty && self.cell.bytes == u64::MAX {
                        // Marked below: a string read from the content.
                        self.cell.bytes = 0;
                        self.mode = Mode::Text;
                    } else {
                        self.mode = Mode::Skip { covered: name == COVERED, depth: 0 };
                    }
                } else if closes && name == b"table:table-row" {
                    self.finish_row();
                }
            }
            Mode::Text => {
                // The text between tags, and one character per tag at most
                // (a paragraph's line break, a tab).
                self.cell.bytes =
                    self.cell.bytes.saturating_add(start.saturating_sub(self.cell.last_end)).saturating_add(1);
                self.cell.last_end = end;
                if closes && (name == CELL || name == COVERED) {
                    self.finish_cell();
                } else if opens && name == b"office:annotation" {
                    if !closes {
                        self.mode = Mode::Annotation;
                    }
                } else if opens && name == b"text:s" {
                    let spaces = match first_attribute(raw, b"text:c").map_err(|r| self.with_sheet(r))? {
                        Some(value) => count(value).ok_or_else(|| self.damaged("a space count is malformed"))?,
                        None => 1,
                    };
                    self.cell.bytes = self.cell.bytes.saturating_add(spaces);
                }
            }
            Mode::Annotation => {
                self.cell.last_end = end;
                if closes && name == b"office:annotation" {
                    self.mode = Mode::Text;
                }
            }
            Mode::Skip { covered, depth } => {
                let same = name == if covered { COVERED } else { CELL };
                if same && kind == Tag::Start {
                    self.mode = Mode::Skip { covered, depth: depth + 1 };
                } else if same && kind == Tag::End {
                    match depth {
                        0 => self.finish_cell(),
                        _ => self.mode = Mode::Skip { covered, depth: depth - 1 },
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads a cell's attributes as calamine's `get_datatype` does. A cell
    /// whose string comes from its content is marked by `bytes == u64::MAX`.
    fn start_cell(&mut self, raw: &[u8], end: u64) -> Result<(), Refusal> {
        let repeats = match first_attribute(raw, b"table:number-columns-repeated").map_err(|r| self.with_sheet(r))? {
            Some(value) => count(value).ok_or_else(|| self.damaged("a repeat count is malformed"))?,
            None => 1,
        };
        let mut value_set = false;
        let mut string_type = false;
        let mut error_type = false;
        let mut empty_string = false;
        let mut bytes = 0u64;
        let mut formula = 0u64;
        for item in attributes(raw) {
            let Some((key, value)) = item else {
                return Err(self.damaged("malformed attributes"));
            };
            match key {
                b"office:value" | b"office:boolean-value" if !value_set => value_set = true,
                b"office:string-value" | b"office:date-value" | b"office:time-value" if !value_set => {
                    value_set = true;
                    bytes = value.len() as u64;
                    empty_string = key == b"office:string-value" && value.is_empty();
                }
                b"office:value-type" if !value_set => string_type = value == b"string",
                b"calcext:value-type" => error_type = value == b"error",
                b"table:formula" => formula = value.len() as u64,
                _ => {}
            }
        }
        let content = (!value_set && string_type) || (error_type && empty_string);
        self.cell = CellState {
            repeats,
            nonempty: content || value_set || formula > 0,
            bytes: if content { u64::MAX } else { bytes.saturating_add(formula) },
            last_end: end,
        };
        Ok(())
    }

    /// Stores the cell in its row as calamine's `read_row` does.
    fn finish_cell(&mut self) {
        self.mode = Mode::Row;
        let cell = &mut self.cell;
        if cell.bytes == u64::MAX {
            // An empty tag whose string comes from its (absent) content.
            cell.bytes = 0;
        }
        let row = &mut self.row;
        let columns = u64::from(MAX_COLUMNS);
        row.stored += row.deferred_empty.min(columns - row.stored);
        row.deferred_empty = 0;
        let repeats = cell.repeats.min(columns - row.stored);
        if cell.nonempty {
            self.sheet.present += 1;
            if repeats > 0 {
                row.first.get_or_insert(row.stored);
                row.last = row.stored + repeats - 1;
            }
            row.stored += repeats;
            row.bytes = row.bytes.saturating_add(repeats.saturating_mul(cell.bytes));
        } else {
            row.deferred_empty = repeats;
        }
    }

    fn finish_row(&mut self) {
        self.mode = Mode::Table;
        let (row, sheet) = (&self.row, &mut self.sheet);
        sheet.raw = sheet.raw.saturating_add(row.stored);
        sheet.row_elements += 1;
        sheet.widest_row = sheet.widest_row.max(row.stored);
        match row.first {
            Some(first) => {
                if sheet.started {
                    sheet.col_min = sheet.col_min.min(first);
                    sheet.col_max = sheet.col_max.max(row.last);
                    sheet.span = sheet.span.saturating_add(sheet.since_last).saturating_add(row.repeats);
                } else {
                    sheet.started = true;
                    (sheet.col_min, sheet.col_max, sheet.span) = (first, row.last, row.repeats);
                }
                sheet.since_last = 0;
            }
            None if sheet.started => sheet.since_last = sheet.since_last.saturating_add(row.repeats),
            None => {}
        }
        // Each copy of the row's strings: once stored, once per repeat.
        self.bytes = self.bytes.saturating_add(row.bytes.saturating_mul(row.repeats.saturating_add(1)));
    }

    fn finish_sheet(&mut self) -> Result<(), Refusal> {
        self.mode = Mode::Top;
        let sheet = &self.sheet;
        let columns = if sheet.started { sheet.col_max - sheet.col_min + 1 } else { 0 };
        let dense = sheet.span.saturating_mul(columns);
        #[cfg(test)]
        {
            self.last_box = (sheet.span, columns);
        }
        let allowed = sheet.present.saturating_mul(MAX_EMPTY_RATIO);
        let too_sparse = |rows: u64, columns: u64| {
            Refusal::Error(ReadError::new(ReadErrorKind::WorkbookTooSparse {
                sheet: sheet.name.clone(),
                rows,
                columns,
                cells: sheet.present,
            }))
        };
        if dense > FREE_CELLS && dense > allowed {
            return Err(too_sparse(sheet.span, columns));
        }
        if sheet.raw > FREE_CELLS && sheet.raw > allowed {
            return Err(too_sparse(sheet.row_elements, sheet.widest_row));
        }
        let cells = dense.saturating_add(sheet.raw);
        self.bytes = self.bytes.saturating_add(cells.saturating_mul(CELL_BYTES));
        if self.bytes > FREE_BYTES && self.bytes > self.compressed.saturating_mul(MAX_RATIO) {
            return Err(Refusal::Error(ReadError::new(ReadErrorKind::WorkbookTooLarge {
                expanded: self.bytes,
                compressed: self.compressed,
            })));
        }
        Ok(())
    }
}

/// A sheet name from its raw attribute value: the predefined entities and
/// character references decoded, anything else kept as written.
fn unescape(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    if !text.contains('&') {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = &*text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';').filter(|&s| s <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(xml: &str) -> Result<(), ReadError> {
        check_content(xml.as_bytes(), 1000)
    }

    fn sheet(rows: &str) -> String {
        format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="S">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    #[test]
    fn small_and_trailing_empty_repeats_pass() {
        let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>h</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
        assert!(check(&sheet(rows)).is_ok());
    }

    #[test]
    fn repeated_values_are_refused() {
        let rows = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
        let e = check(&sheet(rows)).unwrap_err();
        assert_eq!(e.code(), "workbook_too_sparse");
        match e.kind() {
            ReadErrorKind::WorkbookTooSparse { sheet, rows, columns, cells } => {
                assert_eq!((sheet.as_str(), *rows, *columns, *cells), ("S", 1_000_000, 16_384, 1));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_far_cell_after_empty_repeats_is_refused() {
        let rows = r#"<table:table-row><table:table-cell office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value="2"/></table:table-row>"#;
        let e = check(&sheet(rows)).unwrap_err();
        assert!(matches!(
            e.kind(),
            ReadErrorKind::WorkbookTooSparse { rows: 1_000_002, columns: 16_001, cells: 2, .. }
        ));
    }

    #[test]
    fn stored_empty_cells_count() {
        // Empty cells before a last empty cell are stored, row after row.
        let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16000"/><table:table-cell/></table:table-row>"#;
        let e = check(&sheet(&row.repeat(100))).unwrap_err();
        assert!(matches!(e.kind(), ReadErrorKind::WorkbookTooSparse { rows: 100, columns: 16_000, cells: 0, .. }));
    }

    #[test]
    fn a_repeated_long_string_is_too_large() {
        let text = "x".repeat(4096);
        let rows = format!(
            r#"<table:table-row table:number-rows-repeated="64"><table:table-cell office:value-type="string" table:number-columns-repeated="256"><text:p>{text}</text:p></table:table-cell></table:table-row>"#
        );
        assert_eq!(check(&sheet(&rows)).unwrap_err().code(), "workbook_too_large");
        let spaces = r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row>"#;
        assert_eq!(check(&sheet(spaces)).unwrap_err().code(), "workbook_too_large");
    }

    #[test]
    fn content_calamine_would_loop_on_is_refused() {
        let open = r#"<office:document-content><table:table table:name="S"><table:table-row><table:table-cell office:value="1"/></table:table-row>"#;
        assert_eq!(check(open).unwrap_err().code(), "workbook");
        let note = sheet(
            r#"<table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>n</text:p></table:table-cell></table:table-row>"#,
        );
        let e = check(&note).unwrap_err();
        assert!(matches!(e.kind(), ReadErrorKind::WorkbookSheet { sheet: Some(s), .. } if s == "S"));
        assert_eq!(check(&format!("<!DOCTYPE x>{}", sheet(""))).unwrap_err().code(), "workbook");
        let bad = sheet(r#"<table:table-row table:number-rows-repeated="x"><table:table-cell/></table:table-row>"#);
        assert_eq!(check(&bad).unwrap_err().code(), "workbook");
    }

    fn ods(content: &str) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        zip.start_file("META-INF/manifest.xml", stored).unwrap();
        zip.write_all(b"<manifest:manifest></manifest:manifest>").unwrap();
        zip.start_file("content.xml", stored).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// The box the scan works out is the size of calamine's range.
        #[test]
        fn the_box_is_calamines_range(
            rows in proptest::collection::vec(
                (0u64..4, proptest::collection::vec((0u8..4, 1u64..4), 0..5)),
                0..8,
            ),
        ) {
            use calamine::Reader;
            let mut xml = String::new();
            for (repeats, cells) in &rows {
                xml.push_str(&format!(r#"<table:table-row table:number-rows-repeated="{}">"#, repeats + 1));
                for (kind, n) in cells {
                    let attrs = format!(r#"table:number-columns-repeated="{n}""#);
                    xml.push_str(&match kind {
                        0 => format!("<table:table-cell {attrs}/>"),
                        1 => format!(r#"<table:table-cell {attrs} office:value="1"/>"#),
                        2 => format!(r#"<table:table-cell {attrs} office:value-type="string"><text:p>x</text:p></table:table-cell>"#),
                        _ => format!(r#"<table:table-cell {attrs} office:value-type="string" office:string-value=""></table:table-cell>"#),
                    });
                }
                xml.push_str("</table:table-row>");
            }
            let content = sheet(&xml);
            let mut scan = Scan::new(1000);
            proptest::prop_assert!(check_scan(content.as_bytes(), &mut scan).is_ok());
            let mut book = calamine::Ods::new(std::io::Cursor::new(ods(&content))).unwrap();
            let range = book.worksheet_range("S").unwrap();
            let (height, width) = range.get_size();
            proptest::prop_assert_eq!(scan.last_box, (height as u64, width as u64));
        }
    }

    #[test]
    fn sheet_names_are_unescaped() {
        assert_eq!(unescape(b"a&amp;b&#233;&#x41;&zz;&"), "a&b\u{e9}A&zz;&");
    }
}
