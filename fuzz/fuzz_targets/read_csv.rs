//! Delimited text through `read_table`, with options taken from the first byte:
//! bits 0-2 the delimiter (mostly sniffed), bits 3-5 the encoding (mostly
//! detected), bits 6-7 how the same bytes are also streamed through
//! `read_table_from` (not at all, by 1, 7 or 4093 bytes, the last on two
//! threads), which must give the same table. A table read is checked, inspected,
//! written in its own dialect and read back to the same table. Errors must not
//! quote the input (the seeds' cells hold the canary `~`).
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use masque::table::{read_table, read_table_from, write_table, Encoding, MalformedRows, ReadOptions, ReadTable};
use masque_fuzz::assert_no_canary;

/// Hands out the input `chunk` bytes at a time, as a file or a network body may.
struct Chunks<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn check_table(read: &ReadTable) {
    let table = &read.table;
    for column in &table.columns {
        assert_eq!(column.codes.len(), table.rows, "a column's length is not the row count");
        assert!(column.codes.iter().all(|&c| (c as usize) < column.dict.len()), "a code outside the dictionary");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else { return };
    let delimiter = [None, None, None, Some(","), Some(";"), Some("\t"), Some("|"), Some("tab")][usize::from(first & 7)];
    let encoding = [None, None, None, None, Some(Encoding::Utf8), Some(Encoding::Windows1252), Some(Encoding::Utf16Le), Some(Encoding::Utf16Be)]
        [usize::from((first >> 3) & 7)];
    let malformed_rows = if first & 0x40 != 0 { MalformedRows::SetAside } else { MalformedRows::Error };
    let options = ReadOptions { delimiter: delimiter.map(str::to_string), encoding, sheet: None, threads: 1, malformed_rows };

    let whole = read_table(bytes, &options);
    match &whole {
        Ok(read) => {
            check_table(read);
            let _ = masque::inspect::summarise(read);
            match write_table(&read.table, &read.dialect) {
                Ok(written) => {
                    let again = ReadOptions {
                        delimiter: Some((read.dialect.delimiter as char).to_string()),
                        encoding: Some(read.dialect.encoding),
                        sheet: None,
                        threads: 1,
                        malformed_rows: MalformedRows::Error,
                    };
                    if read.dialect.format == masque::table::Format::Csv {
                        match read_table(&written, &again) {
                            Ok(back) => assert!(back.table == read.table, "written then read back, the table differs"),
                            Err(e) => panic!("written then read back: {} ({})", e.code(), e),
                        }
                    }
                }
                Err(e) => {
                    assert_no_canary("write error", &e.to_string());
                    assert_no_canary("write error (Debug)", &format!("{e:?}"));
                }
            }
        }
        Err(e) => {
            assert_no_canary("read error", &e.to_string());
            assert_no_canary("read error (Debug)", &format!("{e:?}"));
        }
    }

    let (chunk, threads) = match first >> 6 {
        0 => return,
        1 => (1, 1),
        2 => (7, 1),
        _ => (4093, 2),
    };
    let streamed = read_table_from(
        Chunks { data: bytes, chunk },
        Some(bytes.len() as u64),
        &ReadOptions { threads, ..options },
    );
    match (&whole, &streamed) {
        (Ok(a), Ok(b)) => assert!(a == b, "streamed by {chunk} bytes, the table differs"),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "streamed by {chunk} bytes, another error"),
        (Ok(_), Err(e)) => panic!("streamed by {chunk} bytes, an error: {} ({e})", e.code()),
        (Err(e), Ok(_)) => panic!("streamed by {chunk} bytes, no error but whole: {} ({e})", e.code()),
    }
});
