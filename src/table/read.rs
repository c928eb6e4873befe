//! Reading bytes into a [`Table`]: format and encoding detection, delimiter
//! sniffing, and CSV parsing with the `csv` crate.
//!
//! Detection order:
//! 1. a ZIP or OLE signature means a workbook (`.xlsx`, `.ods`, `.xls`), read with calamine;
//! 2. a byte order mark means UTF-8 or UTF-16 (LE/BE);
//! 3. a NUL byte (or many control bytes) without a UTF-16 BOM means binary data: an error;
//! 4. bytes that are valid UTF-8 are UTF-8, anything else is Windows-1252.
//!
//! Windows-1252 and UTF-8 input is parsed in place: the delimiter, quote and
//! line endings are ASCII in both, so fields are split on the raw bytes and only
//! fields with non-ASCII bytes are decoded (into a reused buffer). UTF-16 input is
//! transcoded to UTF-8 first.

use serde::{Deserialize, Serialize};

use super::{
    dictionary::ByteDictionary, xlsx, Column, Dialect, Encoding, Format, LineEnding, ReadError, ReadErrorKind, ReadTable, Table,
    Warning,
};

/// The delimiters masque recognises, in order of preference on ties.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How much of the input the delimiter sniffer looks at.
const SNIFF_BYTES: usize = 64 * 1024;
/// How many records the delimiter sniffer looks at.
const SNIFF_RECORDS: usize = 100;

/// Options that override what reading detects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadOptions {
    /// Force the delimiter (`,` `;` `|`, `\t` or `tab`) instead of sniffing it.
    pub delimiter: Option<String>,
    /// Force the encoding (`utf-8`, `windows-1252`, `utf-16le`, `utf-16be`).
    pub encoding: Option<Encoding>,
    /// For a workbook, the sheet to read (default: the first).
    pub sheet: Option<String>,
}

/// Parses a delimiter option: one of `,` `;` `|`, a tab, `\t` or `tab`.
pub fn parse_delimiter(s: &str) -> Option<u8> {
    match s {
        "," => Some(b','),
        ";" => Some(b';'),
        "|" => Some(b'|'),
        "\t" | "\\t" | "tab" | "TAB" => Some(b'\t'),
        _ => None,
    }
}

/// Reads a table from the bytes of a CSV/TSV file or a workbook.
pub fn read_table(bytes: &[u8], options: &ReadOptions) -> Result<ReadTable, ReadError> {
    let delimiter = match &options.delimiter {
        None => None,
        Some(d) => Some(parse_delimiter(d).ok_or_else(|| {
            ReadError::new(ReadErrorKind::BadOption { option: "delimiter", expected: "one of , ; | or tab" })
        })?),
    };
    if bytes.is_empty() {
        return Err(ReadError::new(ReadErrorKind::Empty));
    }
    if xlsx::is_workbook(bytes) {
        return xlsx::read_workbook(bytes, options.sheet.as_deref());
    }
    let (encoding, bom) = match options.encoding {
        Some(e) => (e, bytes.starts_with(e.bom()) && !e.bom().is_empty()),
        None => detect_encoding(bytes)?,
    };
    let body = if bom { &bytes[encoding.bom().len()..] } else { bytes };
    match encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let text = decode_utf16(body, encoding, if bom { encoding.bom().len() } else { 0 })?;
            parse_csv(text.as_bytes(), encoding, bom, delimiter)
        }
        Encoding::Utf8 | Encoding::Windows1252 => parse_csv(body, encoding, bom, delimiter),
    }
}

/// Detects the encoding and whether a byte order mark is present.
fn detect_encoding(bytes: &[u8]) -> Result<(Encoding, bool), ReadError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Ok((Encoding::Utf8, true));
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return Ok((Encoding::Utf16Le, true));
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Ok((Encoding::Utf16Be, true));
    }
    if let Some(byte) = binary_offset(bytes) {
        return Err(ReadError::new(ReadErrorKind::Binary { byte: byte as u64 }));
    }
    if std::str::from_utf8(bytes).is_ok() {
        Ok((Encoding::Utf8, false))
    } else {
        Ok((Encoding::Windows1252, false))
    }
}

/// The offset of the first NUL byte, or of the first control byte if more than
/// one byte in a hundred of the first 8 KiB are control bytes other than TAB,
/// CR and LF.
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    if let Some(p) = memchr::memchr(0, bytes) {
        return Some(p);
    }
    let head = &bytes[..bytes.len().min(8192)];
    let is_control = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F;
    let controls = head.iter().filter(|&&b| is_control(b)).count();
    if controls * 100 > head.len() {
        head.iter().position(|&b| is_control(b))
    } else {
        None
    }
}

/// Decodes UTF-16 to UTF-8, failing on unpaired surrogates and odd lengths.
fn decode_utf16(body: &[u8], encoding: Encoding, offset: usize) -> Result<String, ReadError> {
    let mut decoder = encoding.codec().new_decoder_without_bom_handling();
    let mut out = String::with_capacity(body.len() + body.len() / 2 + 16);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, _) => {
            let byte = (offset + read).saturating_sub(bad as usize) as u64;
            Err(ReadError::new(ReadErrorKind::InvalidUtf16 { byte }))
        }
        // The capacity reserved above is the worst case (every 2 bytes -> up to 3 bytes).
        encoding_rs::DecoderResult::OutputFull => {
            Err(ReadError::new(ReadErrorKind::InvalidUtf16 { byte: (offset + read) as u64 }))
        }
    }
}

/// Detects the line ending from the first line break.
fn detect_line_ending(body: &[u8]) -> LineEnding {
    match body.iter().position(|&b| b == b'\n') {
        Some(p) if p > 0 && body[p - 1] == b'\r' => LineEnding::Crlf,
        Some(_) => LineEnding::Lf,
        None => LineEnding::Crlf,
    }
}

/// Chooses the delimiter whose field counts are the most consistent.
///
/// For each candidate, the first records of the input are split (quotes
/// respected). A candidate scores by (every record has the header's field
/// count, how many records do, the header's field count); a candidate that
/// gives one field per record is never chosen. Without any winner, `,`.
pub fn sniff_delimiter(body: &[u8]) -> u8 {
    let truncated = body.len() > SNIFF_BYTES;
    let sample = if truncated {
        let end = body[..SNIFF_BYTES].iter().rposition(|&b| b == b'\n').map_or(SNIFF_BYTES, |p| p + 1);
        &body[..end]
    } else {
        body
    };
    let mut best: Option<((bool, usize, usize), u8)> = None;
    for &d in &DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(d)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample);
        let mut counts = Vec::with_capacity(SNIFF_RECORDS);
        let mut record = csv::ByteRecord::new();
        while counts.len() < SNIFF_RECORDS {
            match reader.read_byte_record(&mut record) {
                Ok(true) => counts.push(record.len()),
                _ => break,
            }
        }
        if truncated && counts.len() > 2 {
            counts.pop(); // the last record may be cut in the middle of a quoted field
        }
        let Some(&header) = counts.first() else { continue };
        if header <= 1 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == header).count();
        let score = (consistent == counts.len(), consistent, header);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, d));
        }
    }
    best.map_or(b',', |(_, d)| d)
}

/// Decodes one raw field in the parse encoding (Windows-1252 or UTF-8).
fn decode_field(bytes: &[u8], windows_1252: bool) -> std::borrow::Cow<'_, str> {
    if windows_1252 {
        encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0
    } else {
        String::from_utf8_lossy(bytes)
    }
}

/// Makes header names unique and non-empty, reporting each repair.
pub(crate) fn repair_header(names: Vec<String>) -> (Vec<String>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut seen = hashbrown::HashSet::new();
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    // Names as given are reserved first, so a repair never takes a name that a
    // later column already has (`a,a,a_2` gives `a,a_3,a_2`).
    for n in &names {
        if !n.is_empty() {
            seen.insert(n.clone());
        }
    }
    let mut used = hashbrown::HashSet::new();
    for (i, name) in names.into_iter().enumerate() {
        let column = i + 1;
        if name.is_empty() {
            let mut candidate = format!("column_{column}");
            let mut n = 2;
            while seen.contains(&candidate) || used.contains(&candidate) {
                candidate = format!("column_{column}_{n}");
                n += 1;
            }
            warnings.push(Warning::EmptyHeader { column, renamed_to: candidate.clone() });
            used.insert(candidate.clone());
            out.push(candidate);
        } else if used.contains(&name) {
            let mut n = 2;
            let mut candidate = format!("{name}_{n}");
            while seen.contains(&candidate) || used.contains(&candidate) {
                n += 1;
                candidate = format!("{name}_{n}");
            }
            warnings.push(Warning::DuplicateHeader { column, renamed_to: candidate.clone() });
            used.insert(candidate.clone());
            out.push(candidate);
        } else {
            used.insert(name.clone());
            out.push(name);
        }
    }
    (out, warnings)
}

/// After how many rows the dictionaries are sized for the whole input.
const PRESIZE_AFTER: u64 = 4096;

/// Extrapolates each column's growth from the first rows and reserves room for
/// it: a column of identifiers (nearly every value new) is then built without
/// rehashing. Columns that repeat their values are left to grow on demand.
fn presize(dicts: &mut [ByteDictionary], rows_seen: u64, bytes_seen: u64, total_bytes: u64) {
    if bytes_seen == 0 || rows_seen == 0 {
        return;
    }
    let expected_rows = (total_bytes as f64 / bytes_seen as f64 * rows_seen as f64) as usize;
    for dict in dicts {
        let share_new = dict.len() as f64 / rows_seen as f64;
        if share_new > 0.25 {
            let values = (expected_rows as f64 * share_new * 1.05) as usize;
            let average = dict.text_len() as f64 / dict.len().max(1) as f64;
            dict.reserve(values.saturating_sub(dict.len()), (values as f64 * average) as usize);
        }
    }
}

/// Parses UTF-8 or Windows-1252 delimited text (without BOM) into a table.
fn parse_csv(body: &[u8], encoding: Encoding, bom: bool, delimiter: Option<u8>) -> Result<ReadTable, ReadError> {
    let source_encoding = encoding;
    let parse_encoding = match encoding {
        Encoding::Windows1252 => Encoding::Windows1252,
        _ => Encoding::Utf8,
    };
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::new(ReadErrorKind::Empty));
    }
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(body));
    let line_ending = detect_line_ending(body);
    let final_newline = matches!(body.last(), Some(b'\n' | b'\r'));

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    let windows_1252 = parse_encoding == Encoding::Windows1252;

    // Header. Reading from a slice cannot fail with an I/O error and the byte
    // API does no UTF-8 check, so `Err` is not expected; treat it as empty.
    let has_header = reader.read_byte_record(&mut record).unwrap_or(false);
    if !has_header {
        return Err(ReadError::new(ReadErrorKind::Empty));
    }
    let names: Vec<String> = record
        .iter()
        .map(|f| decode_field(f, windows_1252).trim_start_matches('\u{FEFF}').to_string())
        .collect();
    let (names, warnings) = repair_header(names);
    let width = names.len();

    // Fields are interned as raw bytes, without decoding: Windows-1252 and
    // UTF-8 keep ASCII delimiters, so equal bytes mean equal text. Only the
    // distinct values are decoded, once, at the end.
    let estimate = (body.len() / (record.as_slice().len().max(16) * 2)).min(1 << 24);
    let mut codes: Vec<Vec<u32>> = (0..width).map(|_| Vec::with_capacity(estimate)).collect();
    let mut dicts: Vec<ByteDictionary> = (0..width).map(|_| ByteDictionary::default()).collect();
    let mut rows: u64 = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) | Err(_) => break,
        }
        rows += 1;
        if record.len() != width {
            // After a CRLF the csv crate reports the record as starting on the
            // `\n` of the previous terminator (one line early): correct for it.
            let line = record.position().map_or(0, |p| {
                let on_lf = usize::try_from(p.byte()).ok().and_then(|b| body.get(b)) == Some(&b'\n');
                p.line() + u64::from(on_lf)
            });
            return Err(ReadError::new(ReadErrorKind::FieldCount {
                line,
                record: rows,
                expected: width,
                found: record.len(),
            }));
        }
        for ((field, dict), codes) in record.iter().zip(dicts.iter_mut()).zip(codes.iter_mut()) {
            codes.push(dict.intern(field));
        }
        if rows == PRESIZE_AFTER {
            presize(&mut dicts, rows, record.position().map_or(0, |p| p.byte()), body.len() as u64);
        }
    }
    if rows == 0 {
        return Err(ReadError::new(ReadErrorKind::HeaderOnly));
    }
    let columns = names
        .into_iter()
        .zip(codes)
        .zip(dicts)
        .map(|((name, mut codes), raw)| {
            // Windows-1252 leaves ASCII unchanged, so an all-ASCII arena is kept;
            // a UTF-8 arena is kept as is (it was validated with the body).
            let keep = !windows_1252 || raw.is_ascii();
            let (dict, remap) = raw.into_dictionary(keep, |b| decode_field(b, windows_1252));
            if let Some(remap) = remap {
                codes.iter_mut().for_each(|c| *c = remap[*c as usize]);
            }
            codes.shrink_to_fit();
            Column { name, codes, dict }
        })
        .collect();
    let dialect = Dialect {
        format: Format::Csv,
        delimiter,
        encoding: source_encoding,
        bom,
        line_ending,
        final_newline,
        sheet: None,
    };
    Ok(ReadTable { table: Table { columns, rows: rows as usize }, dialect, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_delimiter() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n"), b'|');
        // decimal commas in a ';' file do not fool it
        assert_eq!(sniff_delimiter(b"poids;taille\n82,1;1,80\n70,2;1,75\n"), b';');
        // quoted delimiters do not count
        assert_eq!(sniff_delimiter(b"a;b\n\"x,y,z\";2\n\"p,q,r\";3\n"), b';');
        // a single column
        assert_eq!(sniff_delimiter(b"a\n1\n2\n"), b',');
    }

    #[test]
    fn repairs_headers() {
        let (names, warnings) = repair_header(vec!["a".into(), "".into(), "a".into(), "b".into(), "a_2".into()]);
        assert_eq!(names, vec!["a", "column_2", "a_3", "b", "a_2"]);
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[0], Warning::EmptyHeader { column: 2, renamed_to: "column_2".into() });
        assert_eq!(warnings[1], Warning::DuplicateHeader { column: 3, renamed_to: "a_3".into() });
    }

    #[test]
    fn detects_binary() {
        assert!(binary_offset(b"a,b\n1,2\n").is_none());
        assert_eq!(binary_offset(b"a,b\n\x001,2\n"), Some(4));
        assert_eq!(binary_offset(b"\x01\x02\x03\x04abc"), Some(0));
    }
}
