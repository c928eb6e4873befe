//! Workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) read with calamine.
//!
//! The first sheet is read unless one is named. The first row is the header.
//! Cells become text: strings as they are, integers and integral floats without
//! a decimal part, other floats in their shortest round-trip form, booleans as
//! `TRUE`/`FALSE`, dates as ISO `yyyy-mm-dd` (with `Thh:mm:ss` when the cell has
//! a time of day), error cells and empty cells as the empty string.
//!
//! Hostile workbooks are refused before they cost memory:
//! - a zipped workbook's declared part sizes and its XML parts' cell references
//!   and shared-strings count are checked before calamine parses it
//!   ([`guard`], using [`scan`]);
//! - xlsx and xlsb sheets are read cell by cell as their XML (or records)
//!   stream from the zip, into columns ([`sheet`]): memory follows the cells
//!   present, not the sheet's declared dimension or its farthest cell;
//! - xls and ods sheets come from calamine as a dense range of every sheet,
//!   built when it opens the workbook: an ods `content.xml` ([`ods`]) and an
//!   xls workbook stream ([`xls`]) are scanned first for the ranges calamine
//!   will build, refused past the rule of [`sheet`] (or, all sheets together,
//!   past the zip rule of [`guard`]); the range is checked again after.
//!
//! Errors name the sheet and the cell (`B17`), never a cell's content; calamine's
//! own messages can quote content, so only their kind is kept.

mod guard;
mod ods;
mod scan;
mod sheet;
mod xls;

use std::io::Cursor;

use calamine::{Data, DataRef, Reader};

use super::{read::repair_header, Column, Dialect, Dictionary, Format, ReadError, ReadErrorKind, ReadTable, Table};
use guard::Zipped;
use sheet::SheetTable;

/// Excel's last row (1-based).
pub(crate) const MAX_ROWS: u32 = 1_048_576;
/// Excel's last column (1-based: `XFD`).
pub(crate) const MAX_COLUMNS: u32 = 16_384;

/// The A1-style name of the 0-based cell (`row`, `column`).
pub(crate) fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(column) + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    let mut name = String::from_utf8_lossy(&letters).into_owned();
    name.push_str(&(u64::from(row) + 1).to_string());
    name
}

/// Whether the bytes start like a workbook (ZIP for xlsx/ods, OLE for xls).
pub(crate) fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

fn workbook_error(reason: &str) -> ReadError {
    ReadError::new(ReadErrorKind::Workbook { reason: reason.to_string() })
}

// calamine's messages can quote cell content: only the kind of failure is kept.

fn xlsx_reason(e: &calamine::XlsxError) -> &'static str {
    use calamine::XlsxError as E;
    match e {
        E::Io(_) | E::Zip(_) => "a part is damaged (compressed data, checksum or declared size)",
        E::Xml(_) | E::XmlAttr(_) | E::XmlEof(_) | E::UnexpectedNode(_) | E::Unexpected(_) => "malformed XML",
        E::FileNotFound(_) | E::RelationshipNotFound => "a part is missing",
        E::Alphanumeric(_)
        | E::NumericColumn(_)
        | E::RangeWithoutColumnComponent
        | E::RangeWithoutRowComponent
        | E::ColumnNumberOverflow
        | E::RowNumberOverflow
        | E::DimensionCount(_) => "a malformed cell reference",
        E::Parse(_) | E::ParseFloat(_) | E::ParseInt(_) => "a malformed number",
        E::NotAWorksheet(_) => "the sheet is not a worksheet (a chart or dialog sheet)",
        _ => "invalid xlsx content",
    }
}

fn xlsb_reason(e: &calamine::XlsbError) -> &'static str {
    use calamine::XlsbError as E;
    match e {
        E::Io(_) | E::Zip(_) => "a part is damaged (compressed data, checksum or declared size)",
        E::Xml(_) | E::XmlAttr(_) => "malformed XML",
        E::FileNotFound(_) => "a part is missing",
        _ => "invalid xlsb content",
    }
}

fn xls_reason(_: &calamine::XlsError) -> &'static str {
    "invalid xls content"
}

fn ods_reason(_: &calamine::OdsError) -> &'static str {
    "invalid ods content"
}

fn write_float(f: f64, out: &mut String) {
    use std::fmt::Write;
    if f.fract() == 0.0 && f.abs() < 1e15 {
        let _ = write!(out, "{}", f as i64);
    } else {
        let _ = write!(out, "{f}");
    }
}

fn write_datetime(dt: &calamine::ExcelDateTime, out: &mut String) {
    use std::fmt::Write;
    if dt.is_duration() {
        let _ = write!(out, "{}", dt.as_f64());
    } else {
        let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
        let _ = write!(out, "{y:04}-{mo:02}-{d:02}");
        if (h, mi, s) != (0, 0, 0) {
            let _ = write!(out, "T{h:02}:{mi:02}:{s:02}");
        }
    }
}

/// Formats a cell as text (see the module documentation).
fn cell_text(cell: &Data, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    match cell {
        Data::Empty | Data::Error(_) => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Data::Float(f) => write_float(*f, out),
        Data::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(dt) => write_datetime(dt, out),
    }
}

/// [`cell_text`] for a cell streamed from xlsx or xlsb.
fn cell_ref_text(cell: &DataRef<'_>, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    match cell {
        DataRef::Empty | DataRef::Error(_) => {}
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        DataRef::Float(f) => write_float(*f, out),
        DataRef::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(dt) => write_datetime(dt, out),
    }
}

/// The sheet to read: the named one, or the first.
fn pick_sheet(names: Vec<String>, wanted: Option<&str>) -> Result<String, ReadError> {
    match wanted {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| ReadError::new(ReadErrorKind::SheetNotFound { sheets: names.len() })),
        None => names.into_iter().next().ok_or_else(|| ReadError::new(ReadErrorKind::Empty)),
    }
}

/// Reads a sheet's cells as `next` yields them, into a table.
fn stream_cells<'a, E>(
    name: &str,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
    reason: fn(&E) -> &'static str,
) -> Result<(Table, Vec<super::Warning>), ReadError> {
    let mut table = SheetTable::new(name);
    let mut text = String::new();
    let mut last = None;
    loop {
        match next() {
            Ok(Some(cell)) => {
                let value = cell.get_value();
                if matches!(value, DataRef::Empty) {
                    continue;
                }
                let (row, column) = cell.get_position();
                cell_ref_text(value, &mut text);
                table.push(row, column, &text)?;
                last = Some((row, column));
            }
            Ok(None) => break,
            Err(e) => {
                return Err(ReadError::new(ReadErrorKind::WorkbookSheet {
                    sheet: Some(table.sheet().to_string()),
                    cell: last.map(|(r, c)| cell_name(r, c)),
                    reason: match last {
                        Some(_) => format!("{} (after the cell named)", reason(&e)),
                        None => reason(&e).to_string(),
                    },
                }))
            }
        }
    }
    table.finish()
}

/// Builds the table from a dense range (xls, ods), refused when it is far
/// emptier than its cells.
fn range_table(name: &str, range: &calamine::Range<Data>) -> Result<(Table, Vec<super::Warning>), ReadError> {
    let (height, width) = range.get_size();
    let area = (height as u64).saturating_mul(width as u64);
    if area > sheet::FREE_CELLS {
        let present = range.used_cells().filter(|(_, _, c)| !matches!(c, Data::Empty)).count() as u64;
        if area > present.saturating_mul(sheet::MAX_EMPTY_RATIO) {
            return Err(ReadError::new(ReadErrorKind::WorkbookTooSparse {
                sheet: name.to_string(),
                rows: height as u64,
                columns: width as u64,
                cells: present,
            }));
        }
    }
    let mut rows = range.rows();
    let mut text = String::new();
    let header: Vec<String> = match rows.next() {
        Some(cells) => cells
            .iter()
            .map(|c| {
                cell_text(c, &mut text);
                text.trim().to_string()
            })
            .collect(),
        None => return Err(ReadError::new(ReadErrorKind::Empty)),
    };
    let (names, warnings) = repair_header(header);
    let width = names.len();
    let mut codes: Vec<Vec<u32>> = vec![Vec::new(); width];
    let mut dicts: Vec<Dictionary> = (0..width).map(|_| Dictionary::new()).collect();
    let mut count = 0usize;
    for cells in rows {
        // Rows where every cell is empty are formatting, not data.
        if cells.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        count += 1;
        for i in 0..width {
            match cells.get(i) {
                Some(c) => cell_text(c, &mut text),
                None => text.clear(),
            }
            codes[i].push(dicts[i].intern(&text));
        }
    }
    if count == 0 {
        return Err(ReadError::new(ReadErrorKind::HeaderOnly));
    }
    let columns =
        names.into_iter().zip(codes).zip(dicts).map(|((name, codes), dict)| Column { name, codes, dict }).collect();
    Ok((Table { columns, rows: count }, warnings))
}

fn read_sheet(bytes: &[u8], wanted: Option<&str>) -> Result<(String, Table, Vec<super::Warning>), ReadError> {
    let kind = if bytes.starts_with(b"PK\x03\x04") { Some(guard::check_zip(bytes)?) } else { None };
    let input = Cursor::new(bytes);
    match kind {
        Some(Zipped::Xlsx) => {
            let mut book: calamine::Xlsx<_> =
                calamine::Xlsx::new(input).map_err(|e| workbook_error(xlsx_reason(&e)))?;
            let name = pick_sheet(book.sheet_names(), wanted)?;
            let mut cells = book.worksheet_cells_reader(&name).map_err(|e| {
                ReadError::new(ReadErrorKind::WorkbookSheet {
                    sheet: Some(name.clone()),
                    cell: None,
                    reason: xlsx_reason(&e).to_string(),
                })
            })?;
            let (table, warnings) = stream_cells(&name, || cells.next_cell(), xlsx_reason)?;
            Ok((name, table, warnings))
        }
        Some(Zipped::Xlsb) => {
            let mut book: calamine::Xlsb<_> =
                calamine::Xlsb::new(input).map_err(|e| workbook_error(xlsb_reason(&e)))?;
            let name = pick_sheet(book.sheet_names(), wanted)?;
            let mut cells = book.worksheet_cells_reader(&name).map_err(|e| {
                ReadError::new(ReadErrorKind::WorkbookSheet {
                    sheet: Some(name.clone()),
                    cell: None,
                    reason: xlsb_reason(&e).to_string(),
                })
            })?;
            let (table, warnings) = stream_cells(&name, || cells.next_cell(), xlsb_reason)?;
            Ok((name, table, warnings))
        }
        Some(Zipped::Ods) => {
            let mut book: calamine::Ods<_> = calamine::Ods::new(input).map_err(|e| workbook_error(ods_reason(&e)))?;
            let name = pick_sheet(book.sheet_names(), wanted)?;
            let range = book.worksheet_range(&name).map_err(|e| workbook_error(ods_reason(&e)))?;
            let (table, warnings) = range_table(&name, &range)?;
            Ok((name, table, warnings))
        }
        None => {
            xls::check_xls(bytes)?;
            let mut book: calamine::Xls<_> = calamine::Xls::new(input).map_err(|e| workbook_error(xls_reason(&e)))?;
            let name = pick_sheet(book.sheet_names(), wanted)?;
            let range = book.worksheet_range(&name).map_err(|e| workbook_error(xls_reason(&e)))?;
            let (table, warnings) = range_table(&name, &range)?;
            Ok((name, table, warnings))
        }
    }
}

/// Reads the first (or the named) sheet of a workbook.
///
/// Natively, a panic inside the workbook parser (damaged content it does not
/// expect) is turned into an error: the checks before it aim to leave none.
pub(crate) fn read_workbook(bytes: &[u8], sheet: Option<&str>) -> Result<ReadTable, ReadError> {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_sheet(bytes, sheet)))
        .unwrap_or_else(|_| Err(workbook_error(PARSER_FAILED)));
    let (name, table, warnings) = read?;
    let mut dialect = Dialect::excel_fr_utf8();
    dialect.format = Format::Workbook;
    dialect.sheet = Some(name);
    Ok(ReadTable { table, dialect, warnings, set_aside: super::SetAside::default() })
}

/// The reason given when the workbook parser panicked.
pub(crate) const PARSER_FAILED: &str = "the workbook parser failed on damaged content";
