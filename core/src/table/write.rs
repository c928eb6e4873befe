//! Writing a [`Table`] as delimited text in a [`Dialect`].
//!
//! Each distinct value of a column is encoded and quoted once; rows are then
//! assembled by copying those bytes. A value that needs neither quotes nor
//! re-encoding (its UTF-8 text is what is written) is copied straight from the
//! column's dictionary: only the others are rendered, so writing a table costs
//! little memory beyond the table. Fields are quoted only when needed (they
//! hold the delimiter, a quote or a line break, or are the only, empty field
//! of a row), quotes are doubled. A table read from a canonical file (minimal
//! quoting) and written back in its dialect gives the same bytes.
//!
//! [`write_table`] returns the whole output; [`TableWriter`] gives it by chunks
//! (to a [`std::io::Write`] or a buffer the caller empties), so the output is
//! never held whole. Both give the same bytes.

use super::{Column, Dialect, Dictionary, Encoding, Table, WriteError};

/// Marks a value written as its dictionary text.
const VERBATIM: u32 = u32::MAX;

/// A column's distinct values as written in the output dialect.
struct Rendered<'t> {
    dict: &'t Dictionary,
    /// Per code, [`VERBATIM`] or the index of the value's rendering in `ends`;
    /// empty when every value is verbatim.
    special: Vec<u32>,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Rendered<'_> {
    fn get(&self, code: u32) -> &[u8] {
        match self.special.get(code as usize) {
            Some(&i) if i != VERBATIM => {
                let i = i as usize;
                let start = if i == 0 { 0 } else { self.ends[i - 1] };
                &self.bytes[start..self.ends[i]]
            }
            _ => self.dict.get(code).as_bytes(),
        }
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

/// Whether `value`, unquoted, is written as its UTF-8 bytes in `encoding`.
fn verbatim(value: &str, encoding: Encoding) -> bool {
    match encoding {
        Encoding::Utf8 => true,
        Encoding::Windows1252 => value.is_ascii(),
        Encoding::Utf16Le | Encoding::Utf16Be => false,
    }
}

fn render_column<'t>(column: &'t Column, dialect: &Dialect, lone: bool) -> Result<Rendered<'t>, WriteError> {
    let mut rendered = Rendered { dict: &column.dict, special: Vec::new(), bytes: Vec::new(), ends: Vec::new() };
    let mut quoted = String::new();
    for (code, value) in column.dict.iter().enumerate() {
        let quote = needs_quotes(value, dialect.delimiter, lone);
        if !quote && verbatim(value, dialect.encoding) {
            if !rendered.special.is_empty() {
                rendered.special.push(VERBATIM);
            }
            continue;
        }
        if rendered.special.is_empty() {
            rendered.special = vec![VERBATIM; code];
            rendered.special.reserve(column.dict.len() - code);
        }
        let text = if quote {
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
        if !encode_into(text, dialect.encoding, &mut rendered.bytes) {
            let row = column.codes.iter().position(|&c| c as usize == code).map_or(0, |r| r + 1);
            return Err(WriteError::Unencodable { row, column: column.name.clone() });
        }
        // invariant: fewer renderings than distinct values, which number at most u32::MAX.
        rendered.special.push(rendered.ends.len() as u32);
        rendered.ends.push(rendered.bytes.len());
    }
    Ok(rendered)
}

/// Writes `table` in `dialect`: header row, then every row, each field quoted
/// only where needed.
pub fn write_table(table: &Table, dialect: &Dialect) -> Result<Vec<u8>, WriteError> {
    let mut writer = TableWriter::new(table, dialect)?;
    let mut out = Vec::with_capacity(writer.size_hint());
    writer.fill(&mut out, usize::MAX);
    Ok(out)
}

/// The bytes of a table in a dialect, given by chunks: the same bytes as
/// [`write_table`], without holding the whole output.
///
/// [`TableWriter::new`] renders the values that need it and checks that every
/// value can be encoded (the only error); then [`TableWriter::fill`] appends
/// rows to a buffer, or [`TableWriter::write_to`] writes them all to a sink.
pub struct TableWriter<'t> {
    table: &'t Table,
    rendered: Vec<Rendered<'t>>,
    delimiter: Vec<u8>,
    newline: Vec<u8>,
    /// The BOM and the header row, until written.
    head: Vec<u8>,
    /// The next data row to write.
    row: usize,
    /// Whether the final line ending is still to write.
    tail: bool,
}

impl<'t> TableWriter<'t> {
    /// Prepares writing `table` in `dialect`; fails if a value cannot be
    /// encoded in the dialect's encoding (the error names the first row
    /// holding it and the column, never the value).
    pub fn new(table: &'t Table, dialect: &Dialect) -> Result<TableWriter<'t>, WriteError> {
        let lone = table.columns.len() == 1;
        let rendered: Vec<Rendered<'t>> =
            table.columns.iter().map(|c| render_column(c, dialect, lone)).collect::<Result<_, _>>()?;
        let mut delimiter = Vec::new();
        encode_into(std::str::from_utf8(&[dialect.delimiter]).unwrap_or(","), dialect.encoding, &mut delimiter);
        let mut newline = Vec::new();
        encode_into(std::str::from_utf8(dialect.line_ending.bytes()).unwrap_or("\r\n"), dialect.encoding, &mut newline);
        let mut head = Vec::new();
        if dialect.bom {
            head.extend_from_slice(dialect.encoding.bom());
        }
        for (i, column) in table.columns.iter().enumerate() {
            if i > 0 {
                head.extend_from_slice(&delimiter);
            }
            let name_column = Column::from_values(&column.name, [column.name.as_str()]);
            let name = render_column(&name_column, dialect, lone)?;
            let start = head.len();
            head.extend_from_slice(name.get(0));
            // A file starting with a workbook's signature (a first name such as
            // `PK\x03\x04...`) would be read back as a workbook: quote that name.
            if i == 0 && super::xlsx::is_workbook(&head) {
                head.truncate(start);
                encode_into(&format!("\"{}\"", column.name.replace('"', "\"\"")), dialect.encoding, &mut head);
            }
        }
        Ok(TableWriter { table, rendered, delimiter, newline, head, row: 0, tail: dialect.final_newline })
    }

    /// An estimate of the whole output's size in bytes.
    pub fn size_hint(&self) -> usize {
        let average_row: usize =
            self.rendered.iter().map(|r| (r.dict.text_len() + r.bytes.len()) / r.dict.len().max(1)).sum::<usize>()
                + self.table.columns.len() * self.delimiter.len();
        (self.table.rows + 1) * (average_row + self.newline.len()) + self.head.len() + 16
    }

    /// Appends the next rows to `out` (at least one), stopping once `out`
    /// holds at least `limit` bytes (a row is never cut); returns `false` once
    /// everything has been written.
    pub fn fill(&mut self, out: &mut Vec<u8>, limit: usize) -> bool {
        if !self.head.is_empty() {
            out.append(&mut self.head);
        }
        let columns = &self.table.columns;
        while self.row < self.table.rows {
            let row = self.row;
            out.extend_from_slice(&self.newline);
            for (i, (column, r)) in columns.iter().zip(&self.rendered).enumerate() {
                if i > 0 {
                    out.extend_from_slice(&self.delimiter);
                }
                out.extend_from_slice(r.get(column.codes[row]));
            }
            self.row += 1;
            if out.len() >= limit && self.row < self.table.rows {
                return true;
            }
        }
        if self.tail {
            out.extend_from_slice(&self.newline);
            self.tail = false;
        }
        false
    }

    /// Writes everything left to `sink`, by chunks of about 1 MiB.
    pub fn write_to(mut self, mut sink: impl std::io::Write) -> std::io::Result<()> {
        const CHUNK: usize = 1 << 20;
        let mut buffer = Vec::with_capacity(CHUNK + 64 * 1024);
        loop {
            let more = self.fill(&mut buffer, CHUNK);
            sink.write_all(&buffer)?;
            buffer.clear();
            if !more {
                return sink.flush();
            }
        }
    }
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
    fn chunks_give_the_same_bytes() {
        let input = "nom;ville;n\r\nH\u{e9}l\u{e8}ne;\"a;b\";1\r\nZo\u{e9};;\"say \"\"hi\"\"\"\r\nx;y;z".as_bytes();
        let read = read_table(input, &ReadOptions::default()).expect("read");
        for dialect in [read.dialect.clone(), Dialect { encoding: Encoding::Windows1252, ..read.dialect.clone() }] {
            let whole = write_table(&read.table, &dialect).expect("write");
            for limit in [0, 1, 7, 20, 1 << 20] {
                let mut writer = TableWriter::new(&read.table, &dialect).expect("writer");
                let (mut all, mut chunk) = (Vec::new(), Vec::new());
                while writer.fill(&mut chunk, limit) {
                    all.append(&mut chunk);
                }
                all.append(&mut chunk);
                assert_eq!(all, whole, "limit {limit}");
            }
            let mut sunk = Vec::new();
            TableWriter::new(&read.table, &dialect).expect("writer").write_to(&mut sunk).expect("write");
            assert_eq!(sunk, whole);
        }
        assert_eq!(round_trip(input), input.to_vec());
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
