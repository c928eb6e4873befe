//! Reading and writing: every dialect, every bad input, byte-identical round trips.
#![cfg(not(target_arch = "wasm32"))]

use masque::table::{read_table, write_table, Encoding, Format, LineEnding, ReadErrorKind, ReadOptions, Warning};

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn read(path: &str) -> masque::table::ReadTable {
    read_table(&fixture(path), &ReadOptions::default()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const NAMES: [&str; 5] = ["nom", "prénom", "ddn", "poids", "commentaire"];

/// Every dialect fixture holds the same table.
fn assert_same_table(t: &masque::table::Table) {
    assert_eq!(t.rows, 4);
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, NAMES);
    assert_eq!(t.columns[1].get(0), "Hélène");
    assert_eq!(t.columns[1].get(2), "Œdipe");
    assert_eq!(t.columns[0].get(1), "LÉGER");
    assert_eq!(t.columns[4].get(1), "dit \"ça va\"; revoir");
    assert_eq!(t.columns[4].get(2), "deux\r\nlignes");
    assert_eq!(t.columns[3].get(0), "62,5", "decimal commas keep their text");
    assert_eq!(t.columns[2].get(3), "29/02/2000", "dates keep their text");
    assert_eq!(t.columns[3].get(2), "", "empty cells are the empty string");
    assert_eq!(t.columns[3].empty_count(), 1);
    assert_eq!(t.columns[1].empty_count(), 1);
}

#[test]
fn semicolon_windows_1252_crlf() {
    let r = read("dialects/semicolon_cp1252_crlf.csv");
    assert_eq!(r.dialect.format, Format::Csv);
    assert_eq!(r.dialect.delimiter, b';');
    assert_eq!(r.dialect.encoding, Encoding::Windows1252);
    assert!(!r.dialect.bom);
    assert_eq!(r.dialect.line_ending, LineEnding::Crlf);
    assert_same_table(&r.table);
}

#[test]
fn comma_utf8_bom_lf() {
    let r = read("dialects/comma_utf8bom_lf.csv");
    assert_eq!(r.dialect.delimiter, b',');
    assert_eq!(r.dialect.encoding, Encoding::Utf8);
    assert!(r.dialect.bom);
    assert_eq!(r.dialect.line_ending, LineEnding::Lf);
    assert_same_table(&r.table);
}

#[test]
fn tab_utf8_lf() {
    let r = read("dialects/tab_utf8_lf.tsv");
    assert_eq!(r.dialect.delimiter, b'\t');
    assert_eq!(r.dialect.encoding, Encoding::Utf8);
    assert!(!r.dialect.bom);
    assert_same_table(&r.table);
}

#[test]
fn pipe_utf8_crlf() {
    let r = read("dialects/pipe_utf8_crlf.csv");
    assert_eq!(r.dialect.delimiter, b'|');
    assert_eq!(r.dialect.line_ending, LineEnding::Crlf);
    assert_same_table(&r.table);
}

#[test]
fn utf16_both_byte_orders() {
    let le = read("dialects/utf16le_tab_crlf.txt");
    assert_eq!(le.dialect.encoding, Encoding::Utf16Le);
    assert!(le.dialect.bom);
    assert_eq!(le.dialect.delimiter, b'\t');
    assert_same_table(&le.table);
    let be = read("dialects/utf16be_semicolon_crlf.csv");
    assert_eq!(be.dialect.encoding, Encoding::Utf16Be);
    assert_eq!(be.dialect.delimiter, b';');
    assert_same_table(&be.table);
}

#[test]
fn canonical_files_round_trip_byte_for_byte() {
    for path in [
        "dialects/semicolon_cp1252_crlf.csv",
        "dialects/comma_utf8bom_lf.csv",
        "dialects/tab_utf8_lf.tsv",
        "dialects/pipe_utf8_crlf.csv",
        "dialects/utf16le_tab_crlf.txt",
        "dialects/utf16be_semicolon_crlf.csv",
        "cohort_cp1252_40.csv",
        "cohort_quirks_200.csv",
    ] {
        let bytes = fixture(path);
        let r = read_table(&bytes, &ReadOptions::default()).unwrap();
        let written = write_table(&r.table, &r.dialect).unwrap();
        assert!(written == bytes, "{path} is not written back byte for byte");
    }
}

#[test]
fn utf8_on_request() {
    let r = read("dialects/semicolon_cp1252_crlf.csv");
    let utf8 = write_table(&r.table, &r.dialect.to_utf8()).unwrap();
    let again = read_table(&utf8, &ReadOptions::default()).unwrap();
    assert_eq!(again.dialect.encoding, Encoding::Utf8);
    assert_eq!(again.dialect.delimiter, b';');
    assert_eq!(again.table, r.table);
}

/// Fields that are not UTF-8 each but whose distinct values, side by side,
/// are: `E9 80` ("é€") then `80` ("€") make `E9 80 80`, one character. The file
/// is Windows-1252; it once read as UTF-8 and then panicked on a value cut
/// inside a character, with the value in the panic message.
#[test]
fn values_that_are_utf8_only_together_are_windows_1252() {
    let bytes = b"c0,c1,c2\r\n,,\xE9\x80\r\n,,\x80\r\n";
    for threads in [1, 2] {
        let r = read_table(bytes, &ReadOptions { threads, ..ReadOptions::default() }).unwrap();
        assert_eq!(r.dialect.encoding, Encoding::Windows1252);
        let c2 = &r.table.columns[2];
        assert_eq!((c2.get(0), c2.get(1)), ("é€", "€"));
        assert!(write_table(&r.table, &r.dialect).unwrap() == bytes, "not written back as read");
    }
    // Whereas one field that is valid UTF-8 is UTF-8, as specified, even if it
    // was meant as Windows-1252: "é€€" is E9 80 80, U+9000.
    let r = read_table(b"c0\r\n\xE9\x80\x80\r\n", &ReadOptions::default()).unwrap();
    assert_eq!(r.dialect.encoding, Encoding::Utf8);
    assert_eq!(r.table.columns[0].get(0), "\u{9000}");
}

#[test]
fn workbook_first_sheet_with_iso_dates() {
    let r = read("dialects/workbook.xlsx");
    assert_eq!(r.dialect.format, Format::Workbook);
    assert_eq!(r.dialect.sheet.as_deref(), Some("Séjours"));
    let t = &r.table;
    assert_eq!(t.rows, 3);
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["ipp", "date_entree", "poids", "sortie", "actif"]);
    assert_eq!(t.columns[1].get(0), "2024-03-01");
    assert_eq!(t.columns[1].get(1), "2023-12-31");
    assert_eq!(t.columns[1].get(2), "1999-01-02");
    assert_eq!(t.columns[2].get(0), "62.5");
    assert_eq!(t.columns[2].get(1), "80");
    assert_eq!(t.columns[3].get(0), "2024-03-04T14:30:00");
    assert_eq!(t.columns[3].get(1), "");
    assert_eq!(t.columns[3].get(2), "2000-01-01");
    assert_eq!(t.columns[4].get(0), "TRUE");
}

#[test]
fn workbook_named_sheet_and_missing_sheet() {
    let bytes = fixture("dialects/workbook.xlsx");
    let options = ReadOptions { sheet: Some("Notes".into()), ..ReadOptions::default() };
    let r = read_table(&bytes, &options).unwrap();
    assert_eq!(r.table.rows, 1);
    assert_eq!(r.table.columns[1].get(0), "un");
    let options = ReadOptions { sheet: Some("Absent".into()), ..ReadOptions::default() };
    let e = read_table(&bytes, &options).unwrap_err();
    assert_eq!(e.kind(), &ReadErrorKind::SheetNotFound { sheets: 2 });
}

#[test]
fn forced_options() {
    let bytes = fixture("dialects/semicolon_cp1252_crlf.csv");
    let options = ReadOptions { delimiter: Some(",".into()), ..ReadOptions::default() };
    let r = read_table(&bytes, &options).unwrap_err();
    // with ',' the quoted "62,5"-free rows split differently: a field-count error, by position
    assert_eq!(r.code(), "field_count");
    let options = ReadOptions { delimiter: Some("x".into()), ..ReadOptions::default() };
    assert_eq!(read_table(&bytes, &options).unwrap_err().code(), "bad_option");
    let options = ReadOptions { encoding: Some(Encoding::Utf8), ..ReadOptions::default() };
    let e = read_table(&bytes, &options).unwrap_err();
    let at = bytes.iter().position(|&b| b >= 0x80).unwrap() as u64;
    assert_eq!(e.kind(), &ReadErrorKind::InvalidUtf8 { byte: at }, "forced UTF-8 on Windows-1252 bytes is an error");
    assert_eq!(e.code(), "invalid_utf8");
    // the same, streamed by small pieces
    let e = masque::table::read_table_from(Trickle { bytes: &bytes, step: 5, fail_at_end: false }, None, &options)
        .unwrap_err();
    assert_eq!(e.kind(), &ReadErrorKind::InvalidUtf8 { byte: at });
}

fn error_of(path: &str) -> masque::table::ReadError {
    match read_table(&fixture(path), &ReadOptions::default()) {
        Ok(_) => panic!("{path} was read without error"),
        Err(e) => e,
    }
}

#[test]
fn empty_inputs() {
    assert_eq!(error_of("bad/empty.csv").kind(), &ReadErrorKind::Empty);
    assert_eq!(error_of("bad/bom_only.csv").kind(), &ReadErrorKind::Empty);
    assert_eq!(read_table(b"\r\n\r\n", &ReadOptions::default()).unwrap_err().kind(), &ReadErrorKind::Empty);
}

#[test]
fn header_only() {
    assert_eq!(error_of("bad/header_only.csv").kind(), &ReadErrorKind::HeaderOnly);
}

#[test]
fn wrong_field_count_names_line_and_counts() {
    let e = error_of("bad/field_count.csv");
    assert_eq!(e.kind(), &ReadErrorKind::FieldCount { line: 5, record: 3, expected: 3, found: 2 });
    assert_eq!(e.to_string(), "line 5 (record 3) has 2 fields, expected 3 as in the header");
}

#[test]
fn invalid_utf16_names_the_byte() {
    let e = error_of("bad/invalid_utf16.csv");
    assert_eq!(e.kind(), &ReadErrorKind::InvalidUtf16 { byte: 16 });
}

#[test]
fn binary_data() {
    let e = error_of("bad/binary.png");
    assert!(matches!(e.kind(), ReadErrorKind::Binary { byte: 8 }), "{:?}", e.kind());
    assert_eq!(read_table(b"PK\x03\x04garbage", &ReadOptions::default()).unwrap_err().code(), "workbook");
}

#[test]
fn duplicate_and_empty_headers_are_repaired_and_reported() {
    let r = read("bad/headers_repaired.csv");
    let names: Vec<&str> = r.table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "nom", "column_3", "nom_3", "nom_2"]);
    assert_eq!(
        r.warnings,
        vec![
            Warning::EmptyHeader { column: 3, renamed_to: "column_3".into() },
            Warning::DuplicateHeader { column: 4, renamed_to: "nom_3".into() },
        ]
    );
}

/// Errors never carry a cell value: each message is checked against the
/// values of the file that caused it.
#[test]
fn error_messages_hold_no_cell_values() {
    let secret = "SECRETVALUE";
    let inputs: Vec<Vec<u8>> = vec![
        format!("a;b;c\r\n{secret};2;3\r\n{secret};{secret}\r\n").into_bytes(),
        format!("a;b\r\n\"{secret}\r\n").into_bytes(),
        format!("{secret}\0;b\r\n").into_bytes(),
    ];
    for input in inputs {
        if let Err(e) = read_table(&input, &ReadOptions::default()) {
            assert!(!e.to_string().contains(secret), "{e}");
            assert!(!format!("{e:?}").contains(secret), "{e:?}");
        }
    }
}

#[test]
fn a_stray_quote_is_an_error_not_a_swallowed_file() {
    // A 200-record cohort (`;`, Windows-1252, CRLF) whose record 2 ends with a
    // quote that never closes: the csv parser alone reads 2 records, the other
    // 198 (names, addresses, RPPS numbers) becoming one `commentaire` cell.
    let bytes = fixture("hostile/stray_quote_200.csv");
    let at = bytes.windows(6).position(|w| w == b"\"note ").unwrap() as u64;
    let lines_before = bytes[..at as usize].iter().filter(|&&b| b == b'\n').count() as u64;
    for options in [ReadOptions::default(), ReadOptions { threads: 1, ..ReadOptions::default() }] {
        let e = read_table(&bytes, &options).unwrap_err();
        assert_eq!(e.kind(), &ReadErrorKind::UnterminatedQuote { line: lines_before + 1, byte: at });
        assert_eq!(e.code(), "unterminated_quote");
        assert_eq!(lines_before + 1, 3);
        let streamed =
            masque::table::read_table_from(Trickle { bytes: &bytes, step: 7, fail_at_end: false }, None, &options);
        assert_eq!(streamed.unwrap_err().kind(), e.kind());
    }
    // The same quote in a middle column: still the open quote, not a field count.
    let e = read_table(b"a;b;c\n1;\"x;2\n3;4;5\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(e.kind(), &ReadErrorKind::UnterminatedQuote { line: 2, byte: 8 });
    // In the header, after a byte order mark: the offset counts from the file's start.
    let e = read_table(b"\xEF\xBB\xBFa;\"b\n1;2\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(e.kind(), &ReadErrorKind::UnterminatedQuote { line: 1, byte: 5 });
}

#[test]
fn long_quoted_fields_and_blank_lines_are_warnings() {
    let mut bytes = b"id;note\r\n1;\"".to_vec();
    for _ in 0..150 {
        bytes.extend_from_slice(b"ligne\r\n");
    }
    bytes.extend_from_slice(b"\"\r\n2;ok\r\n\r\n3;\"court\"\r\n");
    let r = read_table(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(r.table.rows, 3);
    assert_eq!(
        r.warnings,
        vec![
            Warning::LongQuotedField { record: 1, first_line: 2, last_line: 152, bytes: 1052 },
            Warning::LineCount { lines: 155, records: 4, line_breaks_in_fields: 150 },
        ]
    );
    // A field past 1 MiB on one line.
    let mut bytes = b"id;note\n1;\"".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 1 << 20));
    bytes.extend_from_slice(b"\"\n");
    let r = read_table(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(
        r.warnings,
        vec![Warning::LongQuotedField { record: 1, first_line: 2, last_line: 2, bytes: (1 << 20) + 2 }]
    );
    // Ordinary files have no warning.
    assert_eq!(read("cohort_quirks_200.csv").warnings, vec![]);
}

#[test]
fn cr_only_line_endings_are_reported_and_counted() {
    let r = read_table(b"a;b\r1;2\r3;\"x\ry\"\r", &ReadOptions::default()).unwrap();
    assert_eq!(r.dialect.line_ending, LineEnding::Cr);
    assert_eq!(r.table.columns[1].get(1), "x\ry");
    assert_eq!(write_table(&r.table, &r.dialect).unwrap(), b"a;b\r1;2\r3;\"x\ry\"\r");
    let e = read_table(b"a;b\r1;2\r3\r4;5\r", &ReadOptions::default()).unwrap_err();
    assert_eq!(e.kind(), &ReadErrorKind::FieldCount { line: 3, record: 2, expected: 2, found: 1 });
    // Lines after a multi-line field, in every ending.
    for end in ["\r", "\n", "\r\n"] {
        let text = format!("a;b{end}1;\"x{end}y\"{end}2{end}");
        let e = read_table(text.as_bytes(), &ReadOptions::default()).unwrap_err();
        assert_eq!(e.kind(), &ReadErrorKind::FieldCount { line: 4, record: 2, expected: 2, found: 1 }, "{end:?}");
    }
}

mod properties {
    use super::*;
    use masque::table::{Column, Dialect, Table};
    use proptest::prelude::*;

    fn dialects() -> impl Strategy<Value = Dialect> {
        (
            prop::sample::select(vec![b',', b';', b'\t', b'|']),
            prop::sample::select(vec![Encoding::Utf8, Encoding::Windows1252, Encoding::Utf16Le, Encoding::Utf16Be]),
            any::<bool>(),
            prop::sample::select(vec![LineEnding::Crlf, LineEnding::Lf, LineEnding::Cr]),
        )
            .prop_map(|(delimiter, encoding, bom, line_ending)| Dialect {
                format: Format::Csv,
                delimiter,
                encoding,
                bom: bom || matches!(encoding, Encoding::Utf16Le | Encoding::Utf16Be),
                line_ending,
                final_newline: true,
                sheet: None,
            })
    }

    /// Bytes that make CSV structure, encodings and their mistakes: delimiters,
    /// quotes, line breaks, UTF-8 lead and continuation bytes, BOM bytes, NUL.
    fn messy_bytes() -> impl Strategy<Value = Vec<u8>> {
        let text = prop::sample::select(vec![
            b'a', b'Z', b'1', b' ', b',', b';', b'\t', b'|', b'"', b'\r', b'\n', b'a', b'b', b',', b'\n',
        ]);
        let high = prop::sample::select(vec![0x80, 0x9C, 0xA9, 0xBF, 0xC3, 0xE9, 0xEF, 0xBB, 0xF0, 0xFE, 0xFF]);
        // Control bytes make the input binary: rare, or nothing else is tried.
        let control = prop::sample::select(vec![0x00, 0x01]);
        let byte = prop_oneof![300 => text, 60 => high.clone(), 1 => control.clone()];
        let raw = prop::collection::vec(byte.clone(), 0..160);
        // Mostly records of one width joined by one delimiter, so that most
        // inputs get past the field counts to the encodings and the quoting.
        let plain = prop::sample::select(vec![b'a', b'Z', b'1', b' ', b'-', b'.']);
        let structure = prop::sample::select(vec![b'"', b',', b';', b'\t', b'|', b'\r', b'\n']);
        let cell_byte = prop_oneof![200 => plain, 50 => high.clone(), 20 => structure, 1 => control.clone()];
        let cell = prop::collection::vec(cell_byte, 0..6);
        let records = (prop::sample::select(vec![b',', b';', b'\t', b'|']), 1..4usize, any::<bool>()).prop_flat_map(
            move |(delimiter, width, crlf)| {
                let record = prop::collection::vec(cell.clone(), width);
                prop::collection::vec(record, 1..10).prop_map(move |records| {
                    let mut out = Vec::new();
                    for record in records {
                        out.extend_from_slice(&record.join(&delimiter));
                        out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                    }
                    out
                })
            },
        );
        prop_oneof![1 => raw, 3 => records]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// Any bytes at all: an error value or a consistent table, never a
        /// panic; the same either way when streamed in small pieces; and a
        /// table read is written back and read again as the same table.
        #[test]
        fn any_bytes_read_to_a_consistent_table_or_an_error(bytes in messy_bytes()) {
            let whole = read_table(&bytes, &ReadOptions::default());
            let trickle = super::Trickle { bytes: &bytes, step: 3, fail_at_end: false };
            let streamed = masque::table::read_table_from(trickle, None, &ReadOptions { threads: 2, ..ReadOptions::default() });
            match (&whole, &streamed) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(a), Err(b)) => prop_assert_eq!(a.code(), b.code()),
                _ => prop_assert!(false, "bytes and stream disagree: {:?} / {:?}", whole.as_ref().err(), streamed.as_ref().err()),
            }
            let Ok(read) = whole else { return Ok(()) };
            let t = &read.table;
            for c in &t.columns {
                prop_assert_eq!(c.codes.len(), t.rows);
                prop_assert!(c.codes.iter().all(|&code| (code as usize) < c.dict.len()));
                let values: std::collections::HashSet<&str> = c.dict.iter().collect();
                prop_assert_eq!(values.len(), c.dict.len(), "dictionary values are distinct");
            }
            let written = write_table(t, &read.dialect).unwrap();
            let delimiter = (read.dialect.delimiter as char).to_string();
            let options = ReadOptions { delimiter: Some(delimiter), encoding: Some(read.dialect.encoding), ..ReadOptions::default() };
            let again = read_table(&written, &options);
            prop_assert!(again.is_ok(), "written back, it no longer reads: {:?}", again.err());
            prop_assert_eq!(&again.unwrap().table, t);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// A damaged workbook (bytes changed, or cut short) is an error value
        /// or a table, never a panic.
        #[test]
        fn damaged_workbooks_never_panic(
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
            cut in prop::option::weighted(0.3, any::<prop::sample::Index>()),
        ) {
            let mut bytes = super::fixture("dialects/workbook.xlsx");
            for (at, value) in changes {
                let at = at.index(bytes.len());
                bytes[at] = value;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len()));
            }
            if let Ok(read) = read_table(&bytes, &ReadOptions::default()) {
                for c in &read.table.columns {
                    prop_assert_eq!(c.codes.len(), read.table.rows);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// UTF-8 text cut at any bytes, one piece a row: the file is UTF-8 if
        /// every piece is, else every piece is Windows-1252; each row reads as
        /// its piece decoded that way, never as a character made by two rows.
        #[test]
        fn utf8_cut_anywhere_reads_as_its_pieces(
            text in "[éèàçÉ€œ’«»字😀a]{1,16}",
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        ) {
            let bytes = text.as_bytes();
            let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len())).collect();
            at.extend([0, bytes.len()]);
            at.sort_unstable();
            at.dedup();
            let pieces: Vec<&[u8]> = at.windows(2).map(|w| &bytes[w[0]..w[1]]).collect();
            let mut file = b"c\n".to_vec();
            for piece in &pieces {
                file.extend_from_slice(piece);
                file.push(b'\n');
            }
            let utf8 = pieces.iter().all(|p| std::str::from_utf8(p).is_ok());
            let read = read_table(&file, &ReadOptions::default()).unwrap();
            prop_assert_eq!(read.dialect.encoding, if utf8 { Encoding::Utf8 } else { Encoding::Windows1252 });
            let column = &read.table.columns[0];
            prop_assert_eq!(column.codes.len(), pieces.len());
            for (row, piece) in pieces.iter().enumerate() {
                let expected = if utf8 {
                    String::from_utf8(piece.to_vec()).unwrap()
                } else {
                    encoding_rs::WINDOWS_1252.decode_without_bom_handling(piece).0.into_owned()
                };
                prop_assert_eq!(column.get(row), expected.as_str());
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Any table of Windows-1252-representable text written in any dialect
        /// reads back as the same table in the same dialect.
        #[test]
        fn write_then_read_is_identity(
            dialect in dialects(),
            cells in prop::collection::vec(prop::collection::vec("[a-zA-Zéàç0-9 ,;|\"\t\r\n€-]{0,8}", 3), 1..20),
        ) {
            // A row of only empty fields in a multi-column table is still a record;
            // an all-empty header cannot be made unique-stable, so names are fixed.
            let columns: Vec<Column> = (0..3)
                .map(|i| Column::from_values(&format!("c{i}"), cells.iter().map(|r| r[i].as_str())))
                .collect();
            let table = Table::new(columns).unwrap();
            let bytes = write_table(&table, &dialect).unwrap();
            // Windows-1252 text can happen to be valid UTF-8 ("é€€" is E9 80 80,
            // which is U+9000): such a file is read as UTF-8, as specified, and
            // reads back the same only with its encoding given.
            let ambiguous = dialect.encoding == Encoding::Windows1252
                && !bytes.is_ascii()
                && std::str::from_utf8(&bytes).is_ok();
            let options = ReadOptions { encoding: ambiguous.then_some(Encoding::Windows1252), ..ReadOptions::default() };
            let back = read_table(&bytes, &options).unwrap();
            prop_assert_eq!(&back.table, &table);
            // Sniffing may legitimately pick another delimiter only when no field
            // is ambiguous; when it does match, the dialect is the same.
            if back.dialect.delimiter == dialect.delimiter {
                prop_assert_eq!(back.dialect.line_ending, dialect.line_ending);
            }
        }
    }
}

/// A reader that hands out a few bytes at a time, then optionally fails.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
    fail_at_end: bool,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.bytes.is_empty() && self.fail_at_end {
            return Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "gone"));
        }
        let n = self.step.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn streaming_gives_the_same_table_as_bytes() {
    use masque::table::read_table_from;
    for path in [
        "cohort_quirks_200.csv",
        "dialects/utf16le_tab_crlf.txt",
        "dialects/comma_utf8bom_lf.csv",
        "dialects/workbook.xlsx",
    ] {
        let bytes = fixture(path);
        let whole = read_table(&bytes, &ReadOptions::default()).unwrap();
        for step in [1, 7, 4096] {
            let trickle = Trickle { bytes: &bytes, step, fail_at_end: false };
            let streamed = read_table_from(trickle, None, &ReadOptions::default()).unwrap();
            assert_eq!(streamed, whole, "{path}, {step} bytes at a time");
        }
    }
}

/// A cp1252 `;` file of `rows` records: an identifier column (every value new),
/// columns of few and of many repeated values, accented names, empty cells.
fn many_rows(rows: usize) -> Vec<u8> {
    let mut bytes = b"id;sexe;nom;commune;poids\r\n".to_vec();
    let names: [&[u8]; 4] = [b"H\xe9l\xe8ne", b"Fran\xe7ois", b"Zo\xe9", b""];
    for i in 0..rows {
        bytes.extend_from_slice(format!("{:015};{};", i * 7919 % 1_000_003, ["M", "F"][i % 2]).as_bytes());
        bytes.extend_from_slice(names[i % 4]);
        bytes.extend_from_slice(format!(";c{};{},{}\r\n", i % 1000, i % 97, i % 10).as_bytes());
    }
    bytes
}

#[test]
fn one_or_two_threads_build_the_same_table() {
    use masque::table::read_table_from;
    let bytes = many_rows(30_000);
    let one = ReadOptions { threads: 1, ..ReadOptions::default() };
    let two = ReadOptions { threads: 2, ..ReadOptions::default() };
    let single = read_table(&bytes, &one).unwrap();
    assert_eq!(single.table.rows, 30_000);
    assert_eq!(single.dialect.encoding, Encoding::Windows1252);
    assert_eq!(single.table.columns[0].dict.len(), 30_000);
    assert_eq!(single.table.columns[2].dict.get(0), "Hélène");
    assert_eq!(read_table(&bytes, &two).unwrap(), single);
    let streamed = read_table_from(Trickle { bytes: &bytes, step: 5000, fail_at_end: false }, None, &two).unwrap();
    assert_eq!(streamed, single);
    // written back byte for byte, whichever way it was read
    assert!(write_table(&streamed.table, &streamed.dialect).unwrap() == bytes, "not written back as read");
}

#[test]
fn streaming_errors_keep_their_positions() {
    for threads in [1, 2] {
        streaming_errors_keep_their_positions_with(&ReadOptions { threads, ..ReadOptions::default() });
    }
}

fn streaming_errors_keep_their_positions_with(options: &ReadOptions) {
    use masque::table::read_table_from;
    // a NUL byte far past the sniffed head: binary, at its exact offset
    let mut bytes = b"a;b\r\n".to_vec();
    while bytes.len() < 100_000 {
        bytes.extend_from_slice(b"x;y\r\n");
    }
    let at = bytes.len() as u64 + 2;
    bytes.extend_from_slice(b"x;\0\r\n");
    let e = read_table_from(Trickle { bytes: &bytes, step: 1000, fail_at_end: false }, None, options).unwrap_err();
    assert_eq!(e.kind(), &ReadErrorKind::Binary { byte: at });
    // a stream that fails midway: an I/O error, not a panic and not a short table
    let ok = b"a;b\r\n1;2\r\n".repeat(20_000);
    let e = read_table_from(Trickle { bytes: &ok, step: 999, fail_at_end: true }, None, options).unwrap_err();
    assert_eq!(e.code(), "io");
    // the wrong field count past the head still names its line
    let mut bytes = b"a;b\r\n".to_vec();
    bytes.extend(b"1;2\r\n".repeat(30_000));
    bytes.extend_from_slice(b"1;2;3\r\n");
    let e = read_table_from(Trickle { bytes: &bytes, step: 333, fail_at_end: false }, None, options).unwrap_err();
    assert_eq!(e.kind(), &ReadErrorKind::FieldCount { line: 30_002, record: 30_001, expected: 2, found: 3 });
}
