//! Hostile and sparse workbooks: every hostile case is an error value with its
//! code and position (never a panic, an abort or a huge allocation), and
//! sparse but legitimate sheets read as they always did.
//!
//! The workbooks are built in memory with the `zip` crate.

use std::io::{Cursor, Write};

use masque::table::{read_table, ReadErrorKind, ReadOptions, Table};
use proptest::prelude::*;
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";
const SHEET_PATH: &str = "xl/worksheets/sheet1.xml";

/// Text put in cells: it must never appear in an error.
const MARKER: &str = "MARKER-7f3a";

/// A workbook with one sheet, "Data", whose XML is given by `sheet` (a writer
/// of the sheet part), and optional shared strings.
fn book_with(sheet: impl FnOnce(&mut dyn Write), shared_strings: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let part = |zip: &mut zip::ZipWriter<Cursor<Vec<u8>>>, name: &str, text: &str| {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    part(&mut zip, "[Content_Types].xml", CONTENT_TYPES);
    part(&mut zip, "_rels/.rels", RELS);
    part(&mut zip, "xl/workbook.xml", WORKBOOK);
    part(&mut zip, "xl/_rels/workbook.xml.rels", WORKBOOK_RELS);
    if let Some(strings) = shared_strings {
        part(&mut zip, "xl/sharedStrings.xml", strings);
    }
    zip.start_file(SHEET_PATH, options.large_file(true)).unwrap();
    sheet(&mut zip);
    zip.finish().unwrap().into_inner()
}

/// A workbook whose sheet data (between `<sheetData>` tags) is `rows`.
fn book(rows: &str) -> Vec<u8> {
    book_with(
        |w| {
            w.write_all(SHEET_HEAD.as_bytes()).unwrap();
            w.write_all(rows.as_bytes()).unwrap();
            w.write_all(SHEET_TAIL.as_bytes()).unwrap();
        },
        None,
    )
}

/// An inline-string cell.
fn cell(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

fn read(bytes: &[u8]) -> Result<Table, masque::table::ReadError> {
    read_table(bytes, &ReadOptions::default()).map(|r| r.table)
}

fn column(t: &Table, i: usize) -> Vec<&str> {
    (0..t.rows).map(|r| t.columns[i].get(r)).collect()
}

#[test]
fn a_far_cell_is_refused_without_allocating_the_sheet() {
    let rows = format!(r#"<row r="1">{}</row><row r="1048576">{}</row>"#, cell("A1", "h"), cell("XFD1048576", MARKER));
    let e = read(&book(&rows)).unwrap_err();
    assert_eq!(e.code(), "workbook_too_sparse");
    match e.kind() {
        ReadErrorKind::WorkbookTooSparse { sheet, rows, columns, cells } => {
            assert_eq!((sheet.as_str(), *rows, *columns, *cells), ("Data", 1_048_576, 16_384, 2));
        }
        other => panic!("{other:?}"),
    }
    assert!(!e.to_string().contains(MARKER));
}

#[test]
fn a_far_cell_early_is_refused_as_the_columns_grow() {
    // A thousand data rows, then one cell far to the right: the columns are
    // refused before they are filled for the rows already read.
    let mut rows = String::new();
    for r in 1..=2000 {
        rows.push_str(&format!(r#"<row r="{r}">{}</row>"#, cell(&format!("A{r}"), "x")));
    }
    rows.push_str(&format!(r#"<row r="2001">{}</row>"#, cell("XFD2001", "y")));
    let e = read(&book(&rows)).unwrap_err();
    assert_eq!(e.code(), "workbook_too_sparse");
}

#[test]
fn malformed_references_are_errors_naming_the_cell_before() {
    for bad in ["ZZZZZZ99999999999", "A99999999999", "XFE2", "A0", "B", "2", "A-2", "&#65;2"] {
        let rows = format!(
            r#"<row r="1">{}</row><row r="2">{}{}</row>"#,
            cell("A1", "h"),
            cell("A2", MARKER),
            cell(bad, MARKER)
        );
        let e = read(&book(&rows)).unwrap_err();
        assert_eq!(e.code(), "workbook", "{bad}");
        match e.kind() {
            ReadErrorKind::WorkbookSheet { cell, .. } => assert_eq!(cell.as_deref(), Some("A2"), "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
        assert!(!e.to_string().contains(MARKER));
        if bad.len() > 3 {
            assert!(!e.to_string().contains(bad), "{bad}");
        }
    }
    for bad in ["0", "1048577", "99999999999999", "A3", "-1"] {
        let rows = format!(r#"<row r="1">{}</row><row r="{bad}">{}</row>"#, cell("A1", "h"), cell("A2", MARKER));
        assert_eq!(read(&book(&rows)).unwrap_err().code(), "workbook", "row {bad}");
    }
    let dimension = |d: &str| {
        book_with(
            |w| {
                let xml = format!(
                    r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{d}"/><sheetData><row r="1">{}</row><row r="2">{}</row></sheetData></worksheet>"#,
                    cell("A1", "h"),
                    cell("A2", "v")
                );
                w.write_all(xml.as_bytes()).unwrap();
            },
            None,
        )
    };
    assert!(read(&dimension("A1:A2")).is_ok());
    assert_eq!(read(&dimension("C9:A1")).unwrap_err().code(), "workbook");
    assert_eq!(read(&dimension("A1:ZZZZZZ99999999999")).unwrap_err().code(), "workbook");
}

#[test]
fn rows_out_of_order_and_repeated_cells_are_errors_with_the_cell() {
    let rows = format!(
        r#"<row r="1">{}</row><row r="3">{}</row><row r="2">{}</row>"#,
        cell("A1", "h"),
        cell("A3", MARKER),
        cell("B2", MARKER)
    );
    let e = read(&book(&rows)).unwrap_err();
    assert_eq!(e.code(), "workbook");
    assert!(
        matches!(e.kind(), ReadErrorKind::WorkbookSheet { sheet: Some(s), cell: Some(c), .. } if s == "Data" && c == "B2")
    );
    let rows =
        format!(r#"<row r="1">{}</row><row r="2">{}{}</row>"#, cell("A1", "h"), cell("A2", MARKER), cell("A2", MARKER));
    let e = read(&book(&rows)).unwrap_err();
    assert!(matches!(e.kind(), ReadErrorKind::WorkbookSheet { cell: Some(c), .. } if c == "A2"));
    assert!(!e.to_string().contains(MARKER));
}

#[test]
fn a_sparse_sheet_reads_with_empty_cells() {
    // Header B2:C2, rows with gaps, a cell right of the header and one to its left.
    let rows = [
        format!(r#"<row r="2">{}{}</row>"#, cell("B2", "nom"), cell("C2", "âge")),
        format!(r#"<row r="3">{}</row>"#, cell("C3", "41")),
        r#"<row r="4"><c r="B4"/></row>"#.to_string(),
        format!(r#"<row r="6">{}{}</row>"#, cell("E6", "x"), cell("B6", "Zoé")),
        format!(r#"<row r="9">{}</row>"#, cell("A9", "y")),
        r#"<row r="12"><c r="C12"/></row>"#.to_string(),
    ]
    .concat();
    let t = read(&book(&rows)).unwrap();
    assert_eq!(t.rows, 3);
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 5);
    assert_eq!(&names[1..3], ["nom", "âge"]);
    assert_eq!(column(&t, 0), ["", "", "y"]);
    assert_eq!(column(&t, 1), ["", "Zoé", ""]);
    assert_eq!(column(&t, 2), ["41", "", ""]);
    assert_eq!(column(&t, 4), ["", "x", ""]);
}

#[test]
fn a_wide_sparse_sheet_within_the_limit_reads() {
    // 1000 rows over 52 columns (52,000 cells) for about 1,050 cells present.
    let mut rows = format!(r#"<row r="1">{}{}</row>"#, cell("A1", "a"), cell("AZ1", "z"));
    for r in 2..=1000 {
        let c = if r % 2 == 0 { "A" } else { "AZ" };
        rows.push_str(&format!(r#"<row r="{r}">{}</row>"#, cell(&format!("{c}{r}"), &r.to_string())));
    }
    let t = read(&book(&rows)).unwrap();
    assert_eq!((t.rows, t.columns.len()), (999, 52));
    assert_eq!(t.columns[0].get(0), "2");
    assert_eq!(t.columns[51].get(0), "");
    assert_eq!(t.columns[51].get(1), "3");
    assert_eq!(t.columns[20].get(500), "");
}

#[test]
fn a_zip_bomb_is_refused_before_parsing() {
    // 65 MiB of one repeated cell text compresses about 1000 times.
    let bomb = book_with(
        |w| {
            w.write_all(SHEET_HEAD.as_bytes()).unwrap();
            w.write_all(
                format!(r#"<row r="1">{}</row><row r="2"><c r="A2" t="inlineStr"><is><t>"#, cell("A1", "h")).as_bytes(),
            )
            .unwrap();
            let chunk = vec![b'a'; 1 << 20];
            for _ in 0..65 {
                w.write_all(&chunk).unwrap();
            }
            w.write_all(b"</t></is></c></row>").unwrap();
            w.write_all(SHEET_TAIL.as_bytes()).unwrap();
        },
        None,
    );
    assert!(bomb.len() < 1 << 20);
    let e = read(&bomb).unwrap_err();
    assert_eq!(e.code(), "workbook_too_large");
    match e.kind() {
        ReadErrorKind::WorkbookTooLarge { expanded, compressed } => {
            assert!(*expanded > 65 << 20 && *compressed < 1 << 20, "{expanded} {compressed}");
        }
        other => panic!("{other:?}"),
    }
}

/// Overwrites the uncompressed size of `part` in its local and central headers.
fn declare_size(bytes: &mut [u8], part: &str, size: u32) {
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let (offset, name_at) = match &bytes[at..at + 4] {
            b"PK\x03\x04" => (22, 30),
            b"PK\x01\x02" => (24, 46),
            _ => continue,
        };
        let len_at = if name_at == 46 { at + 28 } else { at + 26 };
        let name_len = u16::from_le_bytes([bytes[len_at], bytes[len_at + 1]]) as usize;
        if bytes.get(at + name_at..at + name_at + name_len) == Some(part.as_bytes()) {
            bytes[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local and central headers of {part}");
}

#[test]
fn a_part_longer_than_declared_is_an_error_not_a_longer_read() {
    let mut rows = format!(r#"<row r="1">{}</row>"#, cell("A1", "h"));
    for r in 2..200 {
        rows.push_str(&format!(r#"<row r="{r}">{}</row>"#, cell(&format!("A{r}"), MARKER)));
    }
    let good = book(&rows);
    assert_eq!(read(&good).unwrap().rows, 198);
    let mut lying = good.clone();
    declare_size(&mut lying, SHEET_PATH, 300);
    let e = read(&lying).unwrap_err();
    assert_eq!(e.code(), "workbook");
    assert!(!e.to_string().contains(MARKER));
}

#[test]
fn shared_strings_declaring_more_than_they_hold_are_refused() {
    let strings = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="99999999999"><si><t>h</t></si><si><t>v</t></si></sst>"#;
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>"#;
    let sheet = |w: &mut dyn Write| {
        w.write_all(SHEET_HEAD.as_bytes()).unwrap();
        w.write_all(rows.as_bytes()).unwrap();
        w.write_all(SHEET_TAIL.as_bytes()).unwrap();
    };
    let e = read(&book_with(sheet, Some(strings))).unwrap_err();
    assert_eq!(e.code(), "workbook");
    let honest = strings.replace("99999999999", "2");
    let t = read(&book_with(sheet, Some(&honest))).unwrap();
    assert_eq!((t.columns[0].name.as_str(), t.columns[0].get(0)), ("h", "v"));
}

/// The table as the dense reading built it before streaming (calamine's
/// range of the non-empty cells, empty rows skipped): the oracle.
fn dense_oracle(bytes: &[u8]) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).ok()?;
    let name = book.sheet_names().first()?.clone();
    let range = book.worksheet_range(&name).ok()?;
    let text = |c: &Data| match c {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("unexpected cell {other:?}"),
    };
    let mut rows = range.rows();
    let header = rows.next()?.iter().map(|c| text(c).trim().to_string()).collect();
    let body =
        rows.filter(|r| r.iter().any(|c| !matches!(c, Data::Empty))).map(|r| r.iter().map(text).collect()).collect();
    Some((header, body))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A legitimate sparse sheet (rows in order, cells anywhere in a small
    /// grid) reads as the dense range did.
    #[test]
    fn sparse_sheets_read_as_the_dense_range_did(
        grid in prop::collection::btree_map((0u32..30, 0u32..12), "[a-z ]{0,4}", 1..60),
    ) {
        let mut rows = String::new();
        let mut current = None;
        for (&(r, c), v) in &grid {
            if current != Some(r) {
                if current.is_some() {
                    rows.push_str("</row>");
                }
                rows.push_str(&format!(r#"<row r="{}">"#, r + 1));
                current = Some(r);
            }
            let reference = format!("{}{}", (b'A' + c as u8) as char, r + 1);
            rows.push_str(&cell(&reference, v));
        }
        rows.push_str("</row>");
        let bytes = book(&rows);
        let oracle = dense_oracle(&bytes);
        match read(&bytes) {
            Ok(t) => {
                let (header, body) = oracle.expect("the dense reading read it too");
                prop_assert_eq!(t.columns.len(), header.len());
                prop_assert_eq!(t.rows, body.len());
                for (i, col) in t.columns.iter().enumerate() {
                    if !header[i].is_empty() {
                        prop_assert!(col.name.starts_with(&header[i]));
                    }
                    for (r, row) in body.iter().enumerate() {
                        prop_assert_eq!(col.get(r), row[i].as_str());
                    }
                }
            }
            Err(e) => {
                // Only a sheet with a header and no data row is refused.
                prop_assert_eq!(e.code(), "header_only");
                prop_assert!(oracle.is_none_or(|(_, body)| body.is_empty()));
            }
        }
    }

    /// Random cell references and damaged sheet XML give an error or a table,
    /// never a panic (the parser's caught panic counts as one), and an error
    /// never holds a cell's text.
    #[test]
    fn damaged_sheets_never_panic_nor_leak(
        cells in prop::collection::vec(("[A-Za-z]{0,8}[0-9]{0,14}|[0-9A-Z:&#;-]{0,10}", any::<bool>()), 1..12),
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in prop::option::weighted(0.2, any::<prop::sample::Index>()),
    ) {
        let mut xml = format!("{SHEET_HEAD}<row r=\"1\">{}</row><row>", cell("A1", "h"));
        for (reference, row_break) in &cells {
            if *row_break {
                xml.push_str("</row><row>");
            }
            xml.push_str(&cell(reference, MARKER));
        }
        xml.push_str("</row>");
        xml.push_str(SHEET_TAIL);
        let mut xml = xml.into_bytes();
        for (at, value) in changes {
            let at = at.index(xml.len());
            xml[at] = value;
        }
        if let Some(cut) = cut {
            xml.truncate(cut.index(xml.len()));
        }
        let bytes = book_with(|w| w.write_all(&xml).unwrap(), None);
        match read(&bytes) {
            Ok(t) => {
                for c in &t.columns {
                    prop_assert_eq!(c.codes.len(), t.rows);
                }
            }
            Err(e) => {
                let text = format!("{e} {e:?}");
                prop_assert!(!text.contains(MARKER), "{}", text);
                prop_assert!(!text.contains("parser failed"), "{}", text);
            }
        }
    }
}

/// A hostile fixture (`tests/fixtures/hostile/`, made by
/// `make_hostile_workbooks.py`): its error, read in well under a second.
fn hostile(name: &str) -> masque::table::ReadError {
    let path = format!("{}/tests/fixtures/hostile/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let started = std::time::Instant::now();
    let e = read(&bytes).unwrap_err();
    assert!(started.elapsed().as_secs() < 5, "{name} took {:?}", started.elapsed());
    let text = format!("{e} {e:?}");
    assert!(!text.contains(MARKER), "{text}");
    e
}

#[test]
fn hostile_ods_repeats_are_refused_before_calamine_expands_them() {
    // 6000 rows x 16384 columns of one repeated value: 98M cells for calamine.
    let e = hostile("ods_repeated_values.ods");
    match e.kind() {
        ReadErrorKind::WorkbookTooSparse { sheet, rows, columns, cells } => {
            assert_eq!((sheet.as_str(), *rows, *columns, *cells), ("Data", 6001, 16384, 2));
        }
        other => panic!("{other:?}"),
    }
    // A1, 6000 empty rows, then a cell in column 16001.
    let e = hostile("ods_far_cell.ods");
    assert!(matches!(e.kind(), ReadErrorKind::WorkbookTooSparse { rows: 6002, columns: 16001, cells: 2, .. }));
    // 1000 row elements each storing 16383 empty cells (calamine keeps them
    // before it trims the box).
    let e = hostile("ods_stored_empties.ods");
    assert!(matches!(e.kind(), ReadErrorKind::WorkbookTooSparse { rows: 1002, columns: 16383, .. }));
    // content.xml ending inside a sheet: calamine would loop forever.
    let e = hostile("ods_unclosed_sheet.ods");
    assert_eq!(e.code(), "workbook");
    assert!(matches!(e.kind(), ReadErrorKind::WorkbookSheet { sheet: Some(s), .. } if s == "Data"));
}

/// An ODS workbook whose `content.xml` holds `tables` inside the spreadsheet body.
fn ods_book(tables: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(b"<manifest:manifest></manifest:manifest>").unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    zip.write_all(b"<office:document-content><office:body><office:spreadsheet>").unwrap();
    zip.write_all(tables.as_bytes()).unwrap();
    zip.write_all(b"</office:spreadsheet></office:body></office:document-content>").unwrap();
    zip.finish().unwrap().into_inner()
}

fn ods_cell(text: &str) -> String {
    format!(r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#)
}

#[test]
fn ods_sheets_with_trailing_formatting_read_as_before() {
    // LibreOffice ends a sheet with its empty rows and columns repeated to the
    // edge: calamine leaves them out, so does the check.
    let table = format!(
        r#"<table:table table:name="Data"><table:table-row>{}{}<table:table-cell table:number-columns-repeated="16382"/></table:table-row><table:table-row table:number-rows-repeated="2">{}<table:table-cell office:value-type="float" office:value="41" table:number-columns-repeated="1"/></table:table-row><table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        ods_cell("nom"),
        ods_cell("âge"),
        ods_cell("Zoé")
    );
    let t = read(&ods_book(&table)).unwrap();
    assert_eq!((t.rows, t.columns.len()), (2, 2));
    assert_eq!(column(&t, 0), ["Zoé", "Zoé"]);
    assert_eq!(column(&t, 1), ["41", "41"]);
}

#[test]
fn ods_many_sheets_within_the_free_area_are_too_large_together() {
    // Each sheet is a 1000 x 1000 box for 2 cells (within the free area), but
    // calamine builds every sheet of the workbook when it opens it.
    let table = |i: usize| {
        format!(
            r#"<table:table table:name="S{i}"><table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="998"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999"/>{}</table:table-row></table:table>"#,
            ods_cell("h"),
            ods_cell(MARKER)
        )
    };
    let one = read(&ods_book(&table(0))).unwrap();
    assert_eq!((one.rows, one.columns.len()), (1, 1000));
    let many: String = (0..40).map(table).collect();
    let e = read(&ods_book(&many)).unwrap_err();
    assert_eq!(e.code(), "workbook_too_large");
    assert!(!format!("{e} {e:?}").contains(MARKER));
}

#[test]
fn hostile_xls_sheets_are_refused_before_calamine_builds_them() {
    // A1 and IV65536: calamine's range of that sheet took 1.0 GB.
    let e = hostile("xls_far_cell.xls");
    match e.kind() {
        ReadErrorKind::WorkbookTooSparse { sheet, rows, columns, cells } => {
            assert_eq!((sheet.as_str(), *rows, *columns, *cells), ("S0", 65536, 256, 2));
        }
        other => panic!("{other:?}"),
    }
    // 40 sheets each within the free area: calamine builds them all.
    assert_eq!(hostile("xls_many_sheets.xls").code(), "workbook_too_large");
    // A DIMENSIONS record declaring 2^32 - 1 rows (calamine reserves them).
    let e = hostile("xls_lying_dimensions.xls");
    assert!(matches!(e.kind(), ReadErrorKind::WorkbookSheet { sheet: Some(s), .. } if s == "Data"), "{e:?}");
}

#[test]
fn an_xls_string_copied_into_many_cells_is_refused() {
    // One 32767-character shared string named by 6000 LABELSST records:
    // calamine copies it into each cell (197 MB from 240 KB; 60 GB from a
    // 64 MiB file), counted against the file's size before it does.
    let e = hostile("xls_shared_string_copies.xls");
    match e.kind() {
        ReadErrorKind::WorkbookTooLarge { expanded, compressed } => {
            assert!(*expanded > 6000 * 32767, "{expanded}");
            assert_eq!(*compressed, 244_736);
        }
        other => panic!("{other:?}"),
    }
    // The same string in three cells, its SST record continued over five
    // CONTINUE records: read whole, and the short string after it too.
    let path = format!("{}/tests/fixtures/hostile/xls_long_string_ok.xls", env!("CARGO_MANIFEST_DIR"));
    let t = read(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!((t.rows, t.columns.len()), (4, 2));
    assert_eq!(t.columns[1].get(0).len(), 32767);
    assert!(t.columns[1].get(0).starts_with(MARKER));
    assert_eq!((t.columns[0].get(3), t.columns[1].get(3)), ("p4", "court"));
}

#[test]
fn an_honest_xls_reads_as_before() {
    let path = format!("{}/tests/fixtures/hostile/xls_small_ok.xls", env!("CARGO_MANIFEST_DIR"));
    let t = read(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!((t.rows, t.columns.len()), (29, 2));
    assert_eq!((t.columns[0].name.as_str(), t.columns[1].name.as_str()), ("nom", "age"));
    assert_eq!((t.columns[0].get(0), t.columns[1].get(28)), ("p1", "29"));
}
