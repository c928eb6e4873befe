//! Workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) read with calamine.
//!
//! The first sheet is read unless one is named. The first row is the header.
//! Cells become text: strings as they are, integers and integral floats without
//! a decimal part, other floats in their shortest round-trip form, booleans as
//! `TRUE`/`FALSE`, dates as ISO `yyyy-mm-dd` (with `Thh:mm:ss` when the cell has
//! a time of day), error cells and empty cells as the empty string.

use std::io::Cursor;

use calamine::{Data, Reader};

use super::{read::repair_header, Column, Dialect, Dictionary, Format, ReadError, ReadErrorKind, ReadTable, Table};

/// Whether the bytes start like a workbook (ZIP for xlsx/ods, OLE for xls).
pub(crate) fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

fn workbook_error(e: calamine::Error) -> ReadError {
    // calamine's messages can quote cell content; keep only the kind of failure.
    let reason = match e {
        calamine::Error::Io(_) => "unreadable container",
        calamine::Error::Xlsx(_) => "invalid xlsx content",
        calamine::Error::Xls(_) => "invalid xls content",
        calamine::Error::Xlsb(_) => "invalid xlsb content",
        calamine::Error::Ods(_) => "invalid ods content",
        _ => "unsupported or damaged workbook",
    };
    ReadError::new(ReadErrorKind::Workbook { reason: reason.to_string() })
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
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                let _ = write!(out, "{}", *f as i64);
            } else {
                let _ = write!(out, "{f}");
            }
        }
        Data::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(dt) => {
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
    }
}

/// Reads the first (or the named) sheet of a workbook.
pub(crate) fn read_workbook(bytes: &[u8], sheet: Option<&str>) -> Result<ReadTable, ReadError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(workbook_error)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| ReadError::new(ReadErrorKind::SheetNotFound { sheets: names.len() }))?,
        None => names.first().cloned().ok_or_else(|| ReadError::new(ReadErrorKind::Empty))?,
    };
    let range = book.worksheet_range(&name).map_err(workbook_error)?;
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
        // Trailing rows where every cell is empty are formatting, not data.
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
    let mut dialect = Dialect::excel_fr_utf8();
    dialect.format = Format::Workbook;
    dialect.sheet = Some(name);
    Ok(ReadTable { table: Table { columns, rows: count }, dialect, warnings })
}
