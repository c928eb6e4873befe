//! Checks of a zipped workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`) before
//! calamine parses it.
//!
//! - Sizes: every part's declared (uncompressed) size is read from the zip's
//!   central directory. A part, or the parts together, past [`FREE_BYTES`] and
//!   more than [`MAX_RATIO`] times their compressed size are refused: a zip
//!   bomb. The declared size is a bound calamine cannot pass: it reads parts
//!   through the `zip` crate, whose reader fails as soon as a part yields more
//!   bytes than its central directory declares (and checks the CRC at the end),
//!   so a part lying about its size is an error, not a larger read.
//! - Content (xlsx): every XML part is scanned once ([`super::scan`]) for
//!   cell references (`<c r>`, `<row r>`, `<dimension ref>` in a sheet) that
//!   calamine's arithmetic cannot take, and for a shared-strings count
//!   (`<sst uniqueCount>`) larger than the part could hold (calamine reserves
//!   room for that many strings up front).
//! - Content (ods): `content.xml` is scanned for the dense ranges calamine
//!   will build from its repeated rows and columns ([`super::ods`]).

use std::io::{Cursor, Read};

use super::scan::{attribute, scan_tags, Stop, Tag};
use super::{cell_name, MAX_COLUMNS, MAX_ROWS};
use crate::table::{ReadError, ReadErrorKind};

/// A part (or the whole) may expand freely up to this size.
pub(crate) const FREE_BYTES: u64 = 64 << 20;
/// Past [`FREE_BYTES`], the most a part may expand (uncompressed / compressed).
pub(crate) const MAX_RATIO: u64 = 100;

/// The kinds of zipped workbook, told apart by their parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Zipped {
    Xlsx,
    Xlsb,
    Ods,
}

fn damaged(reason: &str) -> ReadError {
    ReadError::new(ReadErrorKind::Workbook { reason: reason.to_string() })
}

fn too_large(expanded: u64, compressed: u64) -> ReadError {
    ReadError::new(ReadErrorKind::WorkbookTooLarge { expanded, compressed })
}

fn expands_too_much(expanded: u64, compressed: u64) -> bool {
    expanded > FREE_BYTES && expanded > compressed.saturating_mul(MAX_RATIO)
}

/// Checks the declared sizes of a zipped workbook and, for xlsx, the content of
/// its XML parts; says which kind of workbook it is.
pub(super) fn check_zip(bytes: &[u8]) -> Result<Zipped, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged("unreadable container"))?;
    let mut total = 0u64;
    let mut total_compressed = 0u64;
    let mut kind = Zipped::Xlsx;
    let mut xml_parts = Vec::new();
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| damaged("unreadable container"))?;
        let (expanded, compressed) = (part.size(), part.compressed_size());
        if expands_too_much(expanded, compressed) {
            return Err(too_large(expanded, compressed));
        }
        total = total.saturating_add(expanded);
        total_compressed = total_compressed.saturating_add(compressed);
        let name = part.name_raw().to_ascii_lowercase();
        if name.ends_with(b"workbook.bin") {
            kind = Zipped::Xlsb;
        } else if name == b"content.xml" && kind == Zipped::Xlsx {
            kind = Zipped::Ods;
        }
        if name.ends_with(b".xml") {
            xml_parts.push(i);
        }
    }
    if expands_too_much(total, total_compressed) {
        return Err(too_large(total, total_compressed));
    }
    if kind == Zipped::Ods {
        // calamine reads the part of this exact name (`by_name`, as here).
        if let Ok(part) = zip.by_name("content.xml") {
            let compressed = part.compressed_size();
            super::ods::check_content(part, compressed)?;
        }
    }
    if kind == Zipped::Xlsx {
        for i in xml_parts {
            let part = zip.by_index(i).map_err(|_| damaged("unreadable container"))?;
            let size = part.size();
            check_xml_part(part, size)?;
        }
    }
    Ok(kind)
}

/// Where the scan of a part is, for the checks and their error positions.
struct PartState {
    size: u64,
    in_sheet_data: bool,
    /// The current row's number from its `r` (1-based), when it has one.
    row: Option<u32>,
    /// The last cell whose reference was read (0-based row, column).
    last_cell: Option<(u32, u32)>,
}

/// Refusals found in a part: the sheet is not known yet at this stage.
struct Refusal {
    cell: Option<String>,
    reason: &'static str,
    /// Whether it is about a sheet's cells (else a part of the whole workbook).
    in_sheet: bool,
}

fn check_xml_part<R: Read>(part: R, size: u64) -> Result<(), ReadError> {
    let mut state = PartState { size, in_sheet_data: false, row: None, last_cell: None };
    scan_tags(part, |name, attributes, kind| check_tag(&mut state, name, attributes, kind)).map_err(|stop| match stop {
        Stop::Io => damaged("a part is damaged (compressed data, checksum or declared size)"),
        Stop::TagTooLong => damaged("an XML tag is longer than 1 MiB"),
        Stop::Refused(Refusal { cell, reason, in_sheet: true }) => {
            ReadError::new(ReadErrorKind::WorkbookSheet { sheet: None, cell, reason: reason.to_string() })
        }
        Stop::Refused(Refusal { reason, .. }) => damaged(reason),
    })
}

fn check_tag(state: &mut PartState, name: &[u8], attributes: &[u8], kind: Tag) -> Result<(), Refusal> {
    let here = |state: &PartState| state.last_cell.map(|(r, c)| cell_name(r, c));
    match (name, kind) {
        (b"sheetData", Tag::Start) => state.in_sheet_data = true,
        (b"sheetData", _) => state.in_sheet_data = false,
        (b"dimension", Tag::Start | Tag::Empty) => {
            if let Some(value) = attribute(attributes, b"ref") {
                if parse_dimension(value).is_none() {
                    return Err(Refusal { cell: None, reason: "the sheet's dimension is malformed", in_sheet: true });
                }
            }
        }
        (b"row", Tag::Start | Tag::Empty) if state.in_sheet_data => {
            state.row = match attribute(attributes, b"r") {
                Some(value) => match parse_row(value) {
                    Some(row) => Some(row),
                    None => {
                        return Err(Refusal {
                            cell: here(state),
                            reason: "a row number is malformed or past row 1048576 (after the cell named)",
                            in_sheet: true,
                        })
                    }
                },
                None => None,
            };
        }
        (b"c", Tag::Start | Tag::Empty) if state.in_sheet_data => {
            if let Some(value) = attribute(attributes, b"r") {
                match parse_cell(value) {
                    Some(cell) => state.last_cell = Some(cell),
                    None => {
                        return Err(Refusal {
                            cell: here(state),
                            reason: "a cell reference is malformed or past XFD1048576 (after the cell named)",
                            in_sheet: true,
                        })
                    }
                }
            }
        }
        (b"sst", Tag::Start | Tag::Empty) => {
            if let Some(value) = attribute(attributes, b"uniqueCount") {
                if value.iter().all(u8::is_ascii_digit) {
                    let count =
                        value.iter().fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')));
                    // The shortest shared string, `<si/>`, takes 5 bytes.
                    if count > state.size / 5 + 1 {
                        return Err(Refusal {
                            cell: None,
                            reason: "the shared strings declare more strings than their part can hold",
                            in_sheet: false,
                        });
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// A 1-based row number (`17`), within Excel's rows; 0-based.
fn parse_row(value: &[u8]) -> Option<u32> {
    if value.is_empty() || value.len() > 7 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row = value.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    (1..=MAX_ROWS).contains(&row).then(|| row - 1)
}

/// A cell reference (`B17`), within Excel's grid: 0-based (row, column).
pub(super) fn parse_cell(value: &[u8]) -> Option<(u32, u32)> {
    let letters = value.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let column = value[..letters].iter().fold(0u32, |n, b| n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    if column > MAX_COLUMNS {
        return None;
    }
    let row = parse_row(&value[letters..])?;
    Some((row, column - 1))
}

/// `A1` or `A1:C9`, its end not before its start.
fn parse_dimension(value: &[u8]) -> Option<()> {
    let mut parts = value.split(|&b| b == b':');
    let start = parse_cell(parts.next()?)?;
    match (parts.next(), parts.next()) {
        (None, _) => Some(()),
        (Some(end), None) => {
            let end = parse_cell(end)?;
            (end.0 >= start.0 && end.1 >= start.1).then_some(())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(parse_cell(b"A1"), Some((0, 0)));
        assert_eq!(parse_cell(b"b17"), Some((16, 1)));
        assert_eq!(parse_cell(b"XFD1048576"), Some((1_048_575, 16_383)));
        for bad in [&b"XFE1"[..], b"A1048577", b"ZZZZZZ99999999999", b"A0", b"A", b"1", b"", b"A1B", b"A-1", b"AAAA1"] {
            assert_eq!(parse_cell(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        assert!(parse_dimension(b"A1:C9").is_some());
        assert!(parse_dimension(b"B2").is_some());
        assert!(parse_dimension(b"C9:A1").is_none());
        assert!(parse_dimension(b"A1:B2:C3").is_none());
    }
}
