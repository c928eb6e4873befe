//! Workbooks (`.xlsx`, `.ods`, `.xls` bytes: ZIP or OLE signature) through
//! `read_table`, the first sheet. A table read is checked, inspected and written
//! as CSV. Errors must not quote the input (`~` canary).
#![no_main]

use libfuzzer_sys::fuzz_target;
use masque::table::{read_table, write_table, Dialect, ReadOptions};
use masque_fuzz::assert_no_canary;

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions { threads: 1, ..ReadOptions::default() };
    match read_table(data, &options) {
        Ok(read) => {
            let table = &read.table;
            for column in &table.columns {
                assert_eq!(column.codes.len(), table.rows, "a column's length is not the row count");
            }
            let _ = masque::inspect::summarise(&read);
            if let Err(e) = write_table(table, &Dialect::excel_fr_utf8()) {
                assert_no_canary("write error", &e.to_string());
            }
        }
        Err(e) => {
            assert_no_canary("read error", &e.to_string());
            assert_no_canary("read error (Debug)", &format!("{e:?}"));
        }
    }
});
