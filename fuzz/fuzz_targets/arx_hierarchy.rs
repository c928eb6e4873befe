//! ARX hierarchy files: the first byte picks the delimiter (bits 0-1: `;` `,`
//! tab `|`) and whether the column the hierarchy is bound to also holds a value
//! absent from it (bit 2). The hierarchy is bound to a column of its own first
//! values and every level is read. The file's values are cells (the seeds hold
//! the canary `~`): no error may quote them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use masque::hierarchy::{arx, column::ColumnHierarchy};
use masque::table::Column;
use masque_fuzz::assert_no_canary;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else { return };
    let delimiter = [b';', b',', b'\t', b'|'][usize::from(first & 3)];
    let hierarchy = match arx::parse_with_delimiter(bytes, delimiter) {
        Ok(h) => h,
        Err(e) => {
            assert_no_canary("hierarchy error", &e.to_string());
            assert_no_canary("hierarchy error (Debug)", &format!("{e:?}"));
            return;
        }
    };
    let height = hierarchy.height();
    let mut values: Vec<String> = (0..hierarchy.len().min(64)).map(|row| hierarchy.label(row, 0).to_string()).collect();
    for value in &values {
        for level in 0..=height {
            let label = hierarchy.generalise(value, level);
            assert_eq!(label.is_some(), level < height, "generalise at level {level} of {height}");
        }
    }
    if first & 4 != 0 {
        values.push("~absent~value~".to_string());
    }
    values.extend(values.clone());
    let column = Column::from_values("col", &values);
    match ColumnHierarchy::new(&column, &hierarchy) {
        Ok(ch) => {
            assert_eq!(ch.height(), height);
            for level in 0..ch.height() {
                let map = ch.map(level);
                let domain = ch.domain(level);
                assert!(map.iter().all(|&c| (c as usize) < ch.labels(level).len()), "a label code out of range");
                assert!(ch.labels_in_use(level) <= domain.max(ch.labels(level).len()));
                let _ = ch.label_counts(level);
                let _ = ch.label_rows(level);
            }
        }
        Err(e) => {
            assert_no_canary("column hierarchy error", &e.to_string());
            assert_no_canary("column hierarchy error (Debug)", &format!("{e:?}"));
        }
    }
});
