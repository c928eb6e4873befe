//! Writing a [`Table`] as delimited text in a [`Dialect`].
//!
//! Each distinct value of a column is encoded and quoted once; rows are then
//! assembled by copying those pre-rendered bytes. Fields are quoted only when
//! needed (they hold the delimiter, a quote or a line break, or are the only,
//! empty field of a row), quotes are doubled. A table read from a canonical
//! file (minimal quoting) and written back in its dialect gives the same bytes.

use super::{Column, Dialect, Encoding, Table, WriteError};

/// A column's distinct values rendered in the output dialect.
struct Rendered {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Rendered {
    fn get(&self, code: u32) -> &[u8] {
        let c = code as usize;
        let start = if c == 0 { 0 } else { self.ends[c - 1] };
        &self.bytes[start..self.ends[c]]
    }
}

fn needs_quotes(value: &str, delimiter: u8, lone: bool) -> bool {
    (lone && value.is_empty()) || value.bytes().any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r')
}

/// Appends `text` in `encoding`; `false` if a character cannot be represented.
fn encode_into(text: &str, encoding: Encoding, out: &mut Vec<u8>) -> bool {
    match encoding {
        Encoding::Utf8 => out.extend_from_slice(text.as_bytes()),
        Encoding::Utf16Le => text.encode_utf16().for_each(|u| out.extend_from_slice(&u.to_le_bytes())),
        Encoding::Utf16Be => text.encode_utf16().for_each(|u| out.extend_from_slice(&u.to_be_bytes())),
        Encoding::Windows1252 => {
            if text.is_ascii() {
                out.extend_from_slice(text.as_bytes());
            } else {
                let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
                if unmappable {
                    return false;
                }
                out.extend_from_slice(&bytes);
            }
        }
    }
    true
}

fn render_column(column: &Column, dialect: &Dialect, lone: bool) -> Result<Rendered, WriteError> {
    let mut bytes = Vec::with_capacity(column.dict.text_len() + column.dict.len() * 2);
    let mut ends = Vec::with_capacity(column.dict.len());
    let mut quoted = String::new();
    for (code, value) in column.dict.iter().enumerate() {
        let text = if needs_quotes(value, dialect.delimiter, lone) {
            quoted.clear();
            quoted.push('"');
            for ch in value.chars() {
                if ch == '"' {
                    quoted.push('"');
                }
                quoted.push(ch);
            }
            quoted.push('"');
            quoted.as_str()
        } else {
            value
        };
        if !encode_into(text, dialect.encoding, &mut bytes) {
            let row = column.codes.iter().position(|&c| c as usize == code).map_or(0, |r| r + 1);
            return Err(WriteError::Unencodable { row, column: column.name.clone() });
        }
        ends.push(bytes.len());
    }
    Ok(Rendered { bytes, ends })
}

/// Writes `table` in `dialect`: header row, then every row, each field quoted
/// only where needed.
pub fn write_table(table: &Table, dialect: &Dialect) -> Result<Vec<u8>, WriteError> {
    let lone = table.columns.len() == 1;
    let rendered: Vec<Rendered> =
        table.columns.iter().map(|c| render_column(c, dialect, lone)).collect::<Result<_, _>>()?;
    let mut delimiter = Vec::new();
    encode_into(std::str::from_utf8(&[dialect.delimiter]).unwrap_or(","), dialect.encoding, &mut delimiter);
    let mut newline = Vec::new();
    encode_into(std::str::from_utf8(dialect.line_ending.bytes()).unwrap_or("\r\n"), dialect.encoding, &mut newline);

    let average_row: usize = rendered.iter().map(|r| r.bytes.len() / r.ends.len().max(1)).sum::<usize>()
        + table.columns.len() * delimiter.len();
    let mut out = Vec::with_capacity((table.rows + 1) * (average_row + newline.len()) + 16);
    if dialect.bom {
        out.extend_from_slice(dialect.encoding.bom());
    }
    for (i, column) in table.columns.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&delimiter);
        }
        let name_column = Column::from_values(&column.name, [column.name.as_str()]);
        let name = render_column(&name_column, dialect, lone)?;
        out.extend_from_slice(name.get(0));
    }
    for row in 0..table.rows {
        out.extend_from_slice(&newline);
        for (i, (column, r)) in table.columns.iter().zip(&rendered).enumerate() {
            if i > 0 {
                out.extend_from_slice(&delimiter);
            }
            out.extend_from_slice(r.get(column.codes[row]));
        }
    }
    if dialect.final_newline {
        out.extend_from_slice(&newline);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{read_table, ReadOptions};

    fn round_trip(input: &[u8]) -> Vec<u8> {
        let read = read_table(input, &ReadOptions::default()).expect("read");
        write_table(&read.table, &read.dialect).expect("write")
    }

    #[test]
    fn quotes_only_where_needed() {
        let input = b"a;b;c\r\n\"x;y\";\"say \"\"hi\"\"\";\"two\r\nlines\"\r\nplain;;z\r\n";
        assert_eq!(round_trip(input), input.to_vec());
    }

    #[test]
    fn keeps_a_missing_final_newline() {
        let input = b"a,b\n1,2";
        assert_eq!(round_trip(input), input.to_vec());
    }

    #[test]
    fn windows_1252_round_trips() {
        let input = b"nom;ville\r\nH\xe9l\xe8ne;Saint-\xc9tienne\r\n\x80uro;\x9c\r\n";
        assert_eq!(round_trip(input), input.to_vec());
    }

    #[test]
    fn utf16_round_trips() {
        let text = "a\tb\r\né\t\u{1F600}\r\n";
        let mut input = vec![0xFF, 0xFE];
        text.encode_utf16().for_each(|u| input.extend_from_slice(&u.to_le_bytes()));
        assert_eq!(round_trip(&input), input);
        let mut input = vec![0xFE, 0xFF];
        text.encode_utf16().for_each(|u| input.extend_from_slice(&u.to_be_bytes()));
        assert_eq!(round_trip(&input), input);
    }

    #[test]
    fn unencodable_names_row_and_column() {
        let read = read_table(b"a;b\r\nx;\xe9\r\n", &ReadOptions::default()).expect("read");
        let mut table = read.table.clone();
        table.columns[1] = Column::from_values("b", ["\u{4e2d}"]);
        let err = write_table(&table, &read.dialect).unwrap_err();
        assert_eq!(err, WriteError::Unencodable { row: 1, column: "b".into() });
        assert!(!err.to_string().contains('\u{4e2d}'));
        let utf8 = write_table(&table, &read.dialect.to_utf8()).expect("utf-8");
        assert_eq!(utf8, "a;b\r\nx;\u{4e2d}\r\n".as_bytes());
    }
}
