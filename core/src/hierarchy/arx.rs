//! ARX's hierarchy CSV format.
//!
//! One row per original value, one column per level (the value first, the
//! most general label, usually `*`, last), separated by `;`, no header row.
//! Fields may be quoted (`"a;b"`, with `""` for a quote). The text is UTF-8
//! (a byte order mark is skipped) or, if it is not valid UTF-8,
//! Windows-1252. Blank lines are ignored.

use super::{Hierarchy, HierarchyError};

/// Parses an ARX hierarchy with the usual `;` delimiter.
pub fn parse(bytes: &[u8]) -> Result<Hierarchy, HierarchyError> {
    parse_with_delimiter(bytes, b';')
}

/// Parses an ARX hierarchy whose fields are separated by `delimiter`.
pub fn parse_with_delimiter(bytes: &[u8], delimiter: u8) -> Result<Hierarchy, HierarchyError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                if record.len() == 1 && record[0].trim().is_empty() {
                    continue;
                }
                let row: Vec<String> = record.iter().map(|f| f.strip_suffix('\r').unwrap_or(f).to_string()).collect();
                rows.push((line, row));
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                return Err(HierarchyError::Csv { line });
            }
        }
    }
    Hierarchy::from_rows(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_adult_age_shape() {
        let text = b"1;0-4;0-9;0-19;*\r\n2;0-4;0-9;0-19;*\r\n\r\n39;35-39;30-39;20-39;*\r\n";
        let h = parse(text).unwrap();
        assert_eq!(h.height(), 5);
        assert_eq!(h.len(), 3);
        assert_eq!(h.generalise("39", 2), Some("30-39"));
        assert_eq!(h.generalise("2", 4), Some("*"));
    }

    #[test]
    fn quotes_bom_and_windows_1252() {
        let h = parse(b"\xEF\xBB\xBF\"a;b\";x\nc;\"say \"\"y\"\"\"\n").unwrap();
        assert_eq!(h.generalise("a;b", 1), Some("x"));
        assert_eq!(h.generalise("c", 1), Some("say \"y\""));
        let h = parse(b"H\xe9l\xe8ne;H\n").unwrap();
        assert_eq!(h.generalise("Hélène", 1), Some("H"));
    }

    #[test]
    fn errors_name_lines() {
        assert_eq!(parse(b"a;b\nc\n").unwrap_err(), HierarchyError::Ragged { line: 2, expected: 2, found: 1 });
        assert_eq!(parse(b"a;b\nc;d\na;e\n").unwrap_err(), HierarchyError::Duplicate { line: 3, first_line: 1 });
        assert_eq!(parse(b"\n\n").unwrap_err(), HierarchyError::Empty);
        assert_eq!(parse(b"").unwrap_err(), HierarchyError::Empty);
    }
}
