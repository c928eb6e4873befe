//! One test per input the fuzz targets (`fuzz/`, `./dev fuzz`) found to break
//! a non-negotiable: invalid or hostile input is an error value, never a panic,
//! an abort or unbounded memory, and no error quotes a cell. The inputs live in
//! `tests/fixtures/fuzz/` (named after what they do) or inline as bytes.
//!
//! A bug whose fix has not landed yet gets `#[ignore = "..."]` naming it (an
//! unfixed memory bug would abort the whole test binary); run those with
//! `cargo test --test fuzz_regressions -- --ignored`.
#![cfg(not(target_arch = "wasm32"))]

use masque::table::{read_table, ReadError, ReadOptions};

fn fixture(name: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/fuzz/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Reads `bytes` as the fuzz targets do (one thread) and expects an error
/// that quotes nothing of the input (the seeds' canary `~` appears in no
/// message template).
fn read_error(bytes: &[u8]) -> ReadError {
    let options = ReadOptions { threads: 1, ..ReadOptions::default() };
    match read_table(bytes, &options) {
        Ok(read) => panic!("expected an error, read {} rows", read.table.rows),
        Err(e) => {
            assert!(!e.to_string().contains('~'), "{e}");
            e
        }
    }
}

// --- .xls (OLE compound file) through calamine's `cfb` reader ---------------
// All three were in calamine 0.38 `src/cfb.rs`, reached from
// `masque::table::xlsx` through `calamine::Xls::new` before any sheet is read;
// fixed by reading the compound file with bounded sector chains before calamine
// opens it (commit 19881ff).

/// The DIFAT names a sector that starts past the end of the file: `Sectors::get`
/// (cfb.rs:320) slices `data[start..len]` with `start > len` and panics
/// ("slice index starts at 512 but ends at 0"). 512 bytes, found by `read_workbook`.
#[test]
fn xls_sector_past_the_end_is_an_error() {
    let e = read_error(&fixture("xls_cfb_sector_past_eof.xls"));
    assert!(e.code().starts_with("workbook"), "{}", e.code());
}

/// The last FAT sector is cut short by the end of the file at a length that is
/// not a multiple of 4: `to_u32` (utils.rs:29, called from cfb.rs:130) asserts
/// `len % 4 == 0` and panics. Found by `read_workbook`.
#[test]
fn xls_truncated_fat_sector_is_an_error() {
    let e = read_error(&fixture("xls_cfb_partial_sector.xls"));
    assert!(e.code().starts_with("workbook"), "{}", e.code());
}

/// The directory's sector chain loops (the FAT sends a sector back to one
/// already read): `Sectors::get_chain` (cfb.rs:340), called with no length
/// bound for the directory (cfb.rs:138), appends the same sectors forever until
/// the allocation fails (libFuzzer: malloc of 2 GiB). Found by `read_workbook`.
#[test]
fn xls_cyclic_directory_chain_is_an_error() {
    let e = read_error(&fixture("xls_cfb_fat_cycle.xls"));
    assert!(e.code().starts_with("workbook"), "{}", e.code());
}

// --- delimited text --------------------------------------------------------

/// A file whose header starts with a zip's signature after a blank line
/// (`\nPK\x03\x04t,...`) reads as CSV, but written back it began with
/// `PK\x03\x04` and was read as a workbook (found by `read_csv`'s
/// write-then-read check). The writer now quotes such a first name.
#[test]
fn a_header_that_starts_like_a_workbook_is_written_quoted() {
    use masque::table::write_table;
    // Enough rows that the control bytes of the signature are not "binary data".
    let rows = "1;2\n".repeat(300);
    for head in [&b"\nPK\x03\x04t;5x\n"[..], b"\n\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1;b\n"] {
        let input = [head, rows.as_bytes()].concat();
        let read = read_table(&input, &ReadOptions::default()).unwrap();
        let written = write_table(&read.table, &read.dialect).unwrap();
        assert_eq!(written[0], b'"', "the first name is quoted");
        let back = read_table(&written, &ReadOptions::default()).unwrap();
        assert_eq!(back.table, read.table);
        assert_eq!(write_table(&back.table, &back.dialect).unwrap(), written);
    }
}
