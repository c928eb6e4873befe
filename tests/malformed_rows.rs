//! `malformed_rows`: records with the wrong number of fields fail the read
//! (the default) or are set aside, listed by line, never in the table.
#![cfg(not(target_arch = "wasm32"))]

use masque::table::{read_table, read_table_from, MalformedRows, ReadErrorKind, ReadOptions, SetAside};

fn set_aside() -> ReadOptions {
    ReadOptions { malformed_rows: MalformedRows::SetAside, ..ReadOptions::default() }
}

fn cells(t: &masque::table::Table) -> Vec<Vec<String>> {
    (0..t.rows).map(|r| t.columns.iter().map(|c| c.get(r).to_string()).collect()).collect()
}

const RAGGED: &str = "a;b;c\n1;2;3\n4;5\n6;7;8\n9;10;11;12\n\n13;\"14\nsuite\";15\n16;\"17\nx\";18;19\n20;21;22\n";

#[test]
fn the_default_is_an_error_naming_the_line() {
    let e = read_table(RAGGED.as_bytes(), &ReadOptions::default()).unwrap_err();
    match e.kind() {
        ReadErrorKind::FieldCount { line, record, expected, found } => {
            assert_eq!((*line, *record, *expected, *found), (3, 2, 3, 2))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_records_are_set_aside_by_line() {
    for ending in ["\n", "\r\n", "\r"] {
        let text = RAGGED.replace('\n', ending);
        let read = read_table(text.as_bytes(), &set_aside()).unwrap_or_else(|e| panic!("{e}"));
        // 4;5 on line 3, 9;10;11;12 on line 5, the record of lines 9-10 (one field too many)
        assert_eq!(read.set_aside, SetAside { count: 3, lines: vec![3, 5, 9] }, "{ending:?}");
        let want: Vec<Vec<String>> =
            [["1", "2", "3"], ["6", "7", "8"], ["13", &format!("14{ending}suite"), "15"], ["20", "21", "22"]]
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect();
        assert_eq!(cells(&read.table), want, "{ending:?}");
        // streamed by small pieces: the same
        let streamed = read_table_from(Trickle(text.as_bytes()), None, &set_aside()).unwrap();
        assert_eq!((streamed.table, streamed.set_aside), (read.table, read.set_aside));
    }
    // a well-formed file sets nothing aside and reads as by default
    let good = "a;b\n1;2\n3;4\n";
    let read = read_table(good.as_bytes(), &set_aside()).unwrap();
    assert!(read.set_aside.is_empty());
    assert_eq!(read, read_table(good.as_bytes(), &ReadOptions::default()).unwrap());
}

#[test]
fn an_open_quote_is_an_error_at_the_line_it_opened_either_way() {
    let text = "a;b\n1;2\n3;\"4\n5;6\n7;8\n";
    for options in [ReadOptions::default(), set_aside()] {
        let e = read_table(text.as_bytes(), &options).unwrap_err();
        match e.kind() {
            ReadErrorKind::UnterminatedQuote { line, .. } => assert_eq!(*line, 3),
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("line 3"), "{e}");
    }
}

#[test]
fn only_malformed_rows_leave_no_data() {
    let e = read_table(b"a;b;c\n1;2\n3\n", &set_aside()).unwrap_err();
    assert!(matches!(e.kind(), ReadErrorKind::HeaderOnly), "{e:?}");
}

#[test]
fn the_listing_is_bounded_and_threads_do_not_matter() {
    let mut text = String::from("id;x;y\n");
    let mut want = Vec::new();
    for i in 0..10_000u64 {
        if i % 7 == 3 {
            text.push_str(&format!("{i};bad\n"));
            want.push(i + 2);
        } else {
            text.push_str(&format!("{i};{};v{}\n", i * 3, i % 11));
        }
    }
    let one = read_table(text.as_bytes(), &ReadOptions { threads: 1, ..set_aside() }).unwrap();
    let two = read_table(text.as_bytes(), &ReadOptions { threads: 2, ..set_aside() }).unwrap();
    assert_eq!(one, two);
    assert_eq!(one.set_aside.count, want.len());
    assert_eq!(one.set_aside.lines, want[..SetAside::LISTED]);
    assert_eq!(one.table.rows, 10_000 - want.len());
    assert!(one.table.columns[1].dict.iter().all(|v| v != "bad"));
}

#[test]
fn the_option_reads_from_json() {
    let o: ReadOptions = serde_json::from_str(r#"{"malformed_rows": "set_aside"}"#).unwrap();
    assert_eq!(o.malformed_rows, MalformedRows::SetAside);
    let o: ReadOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(o.malformed_rows, MalformedRows::Error);
    assert!(serde_json::from_str::<ReadOptions>(r#"{"malformed_rows": "skip"}"#).is_err());
    let json = serde_json::to_value(SetAside { count: 2, lines: vec![3, 9] }).unwrap();
    assert_eq!(json, serde_json::json!({"count": 2, "lines": [3, 9]}));
}

/// A reader that hands out 3 bytes at a time.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(3).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}
