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

use std::io::Read;

use serde::{Deserialize, Serialize};

use super::{
    dictionary::{hash, ByteDictionary},
    scan::Tracker,
    xlsx, Column, Dialect, Encoding, Format, LineEnding, ReadError, ReadErrorKind, ReadTable, SetAside, Table, Warning,
};

/// The delimiters masque recognises, in order of preference on ties.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How much of the input the delimiter sniffer looks at.
const SNIFF_BYTES: usize = 64 * 1024;
/// How many records the delimiter sniffer looks at.
const SNIFF_RECORDS: usize = 100;

/// Options that override what reading detects.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadOptions {
    /// Force the delimiter (`,` `;` `|`, `\t` or `tab`) instead of sniffing it.
    pub delimiter: Option<String>,
    /// Force the encoding (`utf-8`, `windows-1252`, `utf-16le`, `utf-16be`).
    pub encoding: Option<Encoding>,
    /// For a workbook, the sheet to read (default: the first).
    pub sheet: Option<String>,
    /// How many threads may build the columns of delimited input: 0 (the
    /// default) for up to two if the machine has them, 1 for the calling
    /// thread only. Always 1 on wasm32. A second thread interns about half
    /// of the columns while the first parses; the table is the same either way.
    #[serde(skip)]
    pub threads: usize,
    /// What to do with a record whose field count is not the header's:
    /// `error` (the default: the whole read fails, naming its line) or
    /// `set_aside` (it is left out of the table, and its line counted and
    /// listed in [`ReadTable::set_aside`]). A quoted field still open at the
    /// end of the input is an error either way, naming the line where the
    /// quote opened (setting it aside would drop the rest of the file).
    pub malformed_rows: MalformedRows,
}

/// What reading does with a malformed record ([`ReadOptions::malformed_rows`]).
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MalformedRows {
    /// The read fails, naming the line.
    #[default]
    Error,
    /// The record is left out and its line listed.
    SetAside,
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
    read_table_from(bytes, Some(bytes.len() as u64), options)
}

/// Reads a table from a stream of bytes (a file, a network body...), so that
/// the input never has to be held in memory whole: only the first 64 KiB are
/// buffered (to detect the format, encoding, delimiter and line ending), then
/// records are parsed as they arrive. `size_hint`, the input's length if known,
/// lets identifier columns be sized ahead. Workbooks and UTF-16 text are read
/// whole first (calamine needs random access; UTF-16 is transcoded).
///
/// The stream's I/O errors become [`ReadErrorKind::Io`].
pub fn read_table_from<R: Read>(
    mut input: R,
    size_hint: Option<u64>,
    options: &ReadOptions,
) -> Result<ReadTable, ReadError> {
    let delimiter = match &options.delimiter {
        None => None,
        Some(d) => Some(parse_delimiter(d).ok_or_else(|| {
            ReadError::new(ReadErrorKind::BadOption { option: "delimiter", expected: "one of , ; | or tab" })
        })?),
    };
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut input).take(SNIFF_BYTES as u64).read_to_end(&mut head).map_err(io_error)?;
    if head.is_empty() {
        return Err(ReadError::new(ReadErrorKind::Empty));
    }
    if xlsx::is_workbook(&head) {
        input.read_to_end(&mut head).map_err(io_error)?;
        return xlsx::read_workbook(&head, options.sheet.as_deref());
    }
    let (encoding, bom) = match options.encoding {
        Some(e) => (e, head.starts_with(e.bom()) && !e.bom().is_empty()),
        None => detect_encoding(&head)?,
    };
    let skip = if bom { encoding.bom().len() } else { 0 };
    let settings = CsvSettings { delimiter, threads: options.threads, malformed: options.malformed_rows };
    match encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            input.read_to_end(&mut head).map_err(io_error)?;
            let text = decode_utf16(&head[skip..], encoding, skip)?;
            let text_len = text.len() as u64;
            parse_csv(text.as_bytes(), 0, std::io::empty(), Some(text_len), CsvEncoding::Utf16(encoding), bom, settings)
        }
        Encoding::Utf8 | Encoding::Windows1252 => {
            let guess = match options.encoding {
                Some(forced) => CsvEncoding::Forced(forced),
                None => CsvEncoding::Detect,
            };
            parse_csv(&head[skip..], skip as u64, input, size_hint, guess, bom, settings)
        }
    }
}

/// The kind of an I/O error, never the system's message (it can hold a path);
/// masque's own readers (the browser's file reader) say what failed in an
/// error of kind `Other`, whose message is theirs.
fn io_error(e: std::io::Error) -> ReadError {
    let reason = match e.kind() {
        std::io::ErrorKind::Other if e.raw_os_error().is_none() => e.to_string(),
        kind => kind.to_string(),
    };
    ReadError::new(ReadErrorKind::Io { reason })
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
    // UTF-8 or Windows-1252: decided once the whole input is read, from the
    // distinct values (see `parse_csv`).
    Ok((Encoding::Utf8, false))
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

/// Detects the line ending from the first line break (CRLF when there is
/// none, or when the head ends on a CR whose follower is not known yet).
fn detect_line_ending(body: &[u8]) -> LineEnding {
    match memchr::memchr2(b'\n', b'\r', body) {
        Some(p) if body[p] == b'\n' => LineEnding::Lf,
        Some(p) if p + 1 < body.len() && body[p + 1] != b'\n' => LineEnding::Cr,
        _ => LineEnding::Crlf,
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
        let mut reader = csv::ReaderBuilder::new().delimiter(d).has_headers(false).flexible(true).from_reader(sample);
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

/// How many records are split before their fields are interned, column by column.
const BATCH_ROWS: usize = 4096;
const HALF_BATCH: usize = BATCH_ROWS / 2;

/// Records waiting to be interned: their bytes and field bounds.
///
/// Interning a batch column by column, in a tight loop, lets the processor
/// overlap the cache misses of independent hash lookups (a column of a million
/// identifiers has a table far larger than the cache); interning record by
/// record leaves one lookup in flight at a time. It also lets two threads share
/// a batch, each interning its own columns.
struct Batch {
    width: usize,
    rows: usize,
    bytes: Vec<u8>,
    /// `ends[row * width + column]`: where the field ends in `bytes`.
    ends: Vec<usize>,
}

impl Batch {
    fn new(width: usize) -> Batch {
        Batch { width, rows: 0, bytes: Vec::new(), ends: Vec::with_capacity(width * BATCH_ROWS) }
    }

    fn push(&mut self, record: &csv::ByteRecord) {
        let base = self.bytes.len();
        self.bytes.extend_from_slice(record.as_slice());
        let mut end = base;
        for field in record.iter() {
            end += field.len();
            self.ends.push(end);
        }
        self.rows += 1;
    }

    fn field(&self, row: usize, column: usize) -> &[u8] {
        let i = row * self.width + column;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    fn clear(&mut self) {
        self.rows = 0;
        self.bytes.clear();
        self.ends.clear();
    }
}

/// One column being built: its number (0-based), dictionary and codes.
struct Part {
    number: usize,
    dict: ByteDictionary,
    codes: Vec<u32>,
}

/// Some of the columns being built, in column order.
struct Columns {
    parts: Vec<Part>,
    /// The hashes of one column's fields in a batch.
    hashes: Vec<u32>,
}

impl Columns {
    fn new(width: usize) -> Columns {
        let parts = (0..width).map(|number| Part { number, dict: ByteDictionary::default(), codes: Vec::new() });
        Columns { parts: parts.collect(), hashes: Vec::with_capacity(BATCH_ROWS) }
    }

    fn intern(&mut self, batch: &Batch) -> Result<(), ReadError> {
        for Part { number: column, dict, codes } in &mut self.parts {
            let column = *column;
            // Hashes first, then the table warmed for them (`warm`: independent
            // loads, many in flight at once), then the lookups.
            self.hashes.clear();
            self.hashes.extend((0..batch.rows).map(|row| hash(batch.field(row, column))));
            dict.warm(&self.hashes);
            for (row, &h) in self.hashes.iter().enumerate() {
                match dict.intern_hashed(batch.field(row, column), h) {
                    Some(code) => codes.push(code),
                    None => return Err(ReadError::new(ReadErrorKind::TooLarge { column: column + 1 })),
                }
            }
        }
        Ok(())
    }

    /// Hands over about half of the work (estimated from the first `rows_seen`
    /// records, `bytes_seen` bytes) to a new set of columns, for another thread.
    /// The parsing, which stays here, counts as work of this side.
    fn split(&mut self, rows_seen: usize, bytes_seen: usize) -> Columns {
        // Relative costs, measured on the benchmark cohort: per record, a lookup
        // that hits the cache costs about 1 for each column, a new value (a miss
        // once the table is large) about 4 more; parsing about 1 per 14 bytes.
        let cost = |p: &Part| rows_seen + 4 * p.dict.len();
        let total: usize = bytes_seen / 14 + self.parts.iter().map(cost).sum::<usize>();
        let mut by_cost: Vec<Part> = std::mem::take(&mut self.parts);
        by_cost.sort_by_key(|p| std::cmp::Reverse(cost(p)));
        let mut given = 0;
        let (mut other, mut keep): (Vec<Part>, Vec<Part>) = by_cost.into_iter().partition(|p| {
            let fits = given + cost(p) <= total / 2;
            given += if fits { cost(p) } else { 0 };
            fits
        });
        keep.sort_by_key(|p| p.number);
        other.sort_by_key(|p| p.number);
        self.parts = keep;
        Columns { parts: other, hashes: Vec::with_capacity(BATCH_ROWS) }
    }

    /// Takes back columns handed over by [`Columns::split`], in column order.
    fn merge(&mut self, other: Columns) {
        self.parts.extend(other.parts);
        self.parts.sort_by_key(|p| p.number);
    }
}

/// A thread interning some of the columns of each batch, while the reading
/// thread parses the next batch and interns the other columns.
struct Helper<'scope> {
    to: std::sync::mpsc::SyncSender<std::sync::Arc<Batch>>,
    /// Batches the helper is done with, to be reused.
    back: std::sync::mpsc::Receiver<std::sync::Arc<Batch>>,
    handle: std::thread::ScopedJoinHandle<'scope, Result<Columns, ReadError>>,
}

impl<'scope> Helper<'scope> {
    fn spawn<'env>(scope: &'scope std::thread::Scope<'scope, 'env>, mut columns: Columns) -> Helper<'scope> {
        let (to, batches) = std::sync::mpsc::sync_channel::<std::sync::Arc<Batch>>(1);
        let (done, back) = std::sync::mpsc::channel();
        let handle = scope.spawn(move || {
            for batch in batches {
                columns.intern(&batch)?;
                // The reader may have stopped listening: the batch is then dropped.
                let _ = done.send(batch);
            }
            Ok(columns)
        });
        Helper { to, back, handle }
    }

    /// Waits for the helper to intern every batch sent and returns its columns.
    fn finish(self) -> Result<Columns, ReadError> {
        drop(self.to);
        self.handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// Interns the records of `batch` (with the helper, if any) and empties it.
fn flush(batch: &mut Batch, columns: &mut Columns, helper: &mut Option<Helper<'_>>) -> Result<(), ReadError> {
    let Some(h) = helper else {
        columns.intern(batch)?;
        batch.clear();
        return Ok(());
    };
    let spare = match h.back.try_recv().ok().and_then(|b| std::sync::Arc::try_unwrap(b).ok()) {
        Some(mut spare) => {
            spare.clear();
            spare
        }
        None => Batch::new(batch.width),
    };
    let full = std::sync::Arc::new(std::mem::replace(batch, spare));
    if h.to.send(full.clone()).is_err() {
        // The helper stopped early: on an error, which joining returns.
        let stopped = helper.take().map(Helper::finish);
        return Err(match stopped {
            Some(Err(e)) => e,
            _ => ReadError::new(ReadErrorKind::Io { reason: "interning thread stopped".to_string() }),
        });
    }
    columns.intern(&full)
}

/// Extrapolates each column's growth from the first rows and reserves room for
/// it: a column of identifiers (nearly every value new) is then built without
/// rehashing. `half` holds each column's distinct count after half of
/// `rows_seen`: a column whose values only look new at first (birth dates,
/// addresses: a few tens of thousands of values in all) slows down between the
/// halves. With `N` equally likely values, `D(2n) / D(n) = 1 + e^(-n/N)`, which
/// gives `N`; sizing such a column for every row would spread its lookups over
/// a table far larger than the cache. Columns that repeat their values from
/// the start are left to grow on demand.
fn presize(columns: &mut Columns, half: &[usize], rows_seen: u64, bytes_seen: u64, total_bytes: u64) {
    if bytes_seen == 0 || rows_seen == 0 {
        return;
    }
    let expected_rows = (total_bytes as f64 / bytes_seen as f64 * rows_seen as f64) as usize;
    for (Part { dict, codes, .. }, &half) in columns.parts.iter_mut().zip(half) {
        codes.reserve((expected_rows as f64 * 1.02) as usize);
        if let Some(values) = expected_distinct(half, dict.len(), rows_seen as usize, expected_rows) {
            let average = dict.text_len() as f64 / dict.len().max(1) as f64;
            dict.reserve(values.saturating_sub(dict.len()), (values as f64 * average * 1.05) as usize);
        }
    }
}

/// How many distinct values a column will hold after `expected_rows` rows, given
/// `half` after `rows_seen / 2` rows and `full` after `rows_seen`; `None` for a
/// column that repeats its values (a quarter or less are new), left to grow.
fn expected_distinct(half: usize, full: usize, rows_seen: usize, expected_rows: usize) -> Option<usize> {
    let share_new = full as f64 / rows_seen as f64;
    if share_new <= 0.25 || half == 0 {
        return None;
    }
    let slowing = full as f64 / half as f64 - 1.0; // e^(-n/N)
    let saturation = if slowing <= 0.0 {
        full as f64
    } else if slowing < 1.0 {
        -(rows_seen as f64 / 2.0) / slowing.ln()
    } else {
        f64::INFINITY
    };
    // No margin on the count: the hash index doubles in size, and a margin
    // that tips the estimate past a power of two would double it for nothing
    // (an estimate a little short costs one late rehash).
    Some((expected_rows as f64 * share_new).min(saturation) as usize)
}

/// What the caller decides about delimited input.
#[derive(Clone, Copy)]
struct CsvSettings {
    /// The delimiter, or `None` to sniff it.
    delimiter: Option<u8>,
    /// See [`ReadOptions::threads`].
    threads: usize,
    /// See [`ReadOptions::malformed_rows`].
    malformed: MalformedRows,
}

/// How the text encoding of delimited input is known.
#[derive(Clone, Copy)]
enum CsvEncoding {
    /// UTF-8 if every field is valid UTF-8, else Windows-1252.
    Detect,
    /// Given by the caller.
    Forced(Encoding),
    /// UTF-16 input, already transcoded to UTF-8.
    Utf16(Encoding),
}

/// The bytes fed to the csv parser: the buffered head, then the rest of the
/// stream. NUL bytes (binary input) are caught on the way, with their offset,
/// the last byte is kept (does the input end with a line break?), and every
/// byte goes through the [`Tracker`] (quoted fields, lines, UTF-8 if forced).
struct Scan<'h, R> {
    head: &'h [u8],
    rest: R,
    /// Bytes delivered so far.
    offset: u64,
    /// Bytes before the head (a byte order mark), for offsets in errors.
    skip: u64,
    nul: Option<u64>,
    last: Option<u8>,
    tracker: Tracker,
}

impl<R: Read> Read for Scan<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = if self.head.is_empty() {
            self.rest.read(buf)?
        } else {
            let n = buf.len().min(self.head.len());
            buf[..n].copy_from_slice(&self.head[..n]);
            self.head = &self.head[n..];
            n
        };
        if n > 0 {
            if let Some(p) = memchr::memchr(0, &buf[..n]) {
                self.nul = Some(self.skip + self.offset + p as u64);
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "binary data"));
            }
            if !self.tracker.feed(&buf[..n]) {
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"));
            }
            self.last = Some(buf[n - 1]);
            self.offset += n as u64;
        }
        Ok(n)
    }
}

/// Parses delimited text (without BOM) into a table: `head` (up to 64 KiB,
/// used for sniffing) followed by `rest`.
fn parse_csv<R: Read>(
    head: &[u8],
    skip: u64,
    rest: R,
    size_hint: Option<u64>,
    encoding: CsvEncoding,
    bom: bool,
    settings: CsvSettings,
) -> Result<ReadTable, ReadError> {
    let CsvSettings { delimiter, threads, malformed } = settings;
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(head));
    let line_ending = detect_line_ending(head);
    let forced_utf8 = matches!(encoding, CsvEncoding::Forced(Encoding::Utf8));
    let tracker = Tracker::new(delimiter, skip, forced_utf8);
    let scan = Scan { head, rest, offset: 0, skip, nul: None, last: None, tracker };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(scan);
    let mut record = csv::ByteRecord::new();
    // The byte API does no UTF-8 check: an error is the stream's (or a NUL byte).
    let next = |reader: &mut csv::Reader<Scan<'_, R>>, record: &mut csv::ByteRecord| {
        reader.read_byte_record(record).map_err(|e| {
            match (reader.get_ref().nul, reader.get_ref().tracker.invalid_utf8) {
                (Some(byte), _) => ReadError::new(ReadErrorKind::Binary { byte }),
                (None, Some(byte)) => ReadError::new(ReadErrorKind::InvalidUtf8 { byte }),
                (None, None) => match e.into_kind() {
                    csv::ErrorKind::Io(io) => io_error(io),
                    _ => ReadError::new(ReadErrorKind::Io { reason: "unreadable input".to_string() }),
                },
            }
        })
    };

    if !next(&mut reader, &mut record)? {
        return Err(ReadError::new(ReadErrorKind::Empty));
    }
    // A quoted field open at the end of the input makes the csv crate read the
    // rest of the file as its text: that record is then the last one, read
    // once the input is exhausted, and its error is the open quote.
    let unterminated = |reader: &csv::Reader<Scan<'_, R>>| reader.get_ref().tracker.unterminated();
    let header: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
    let width = header.len();

    let threads = if cfg!(target_arch = "wasm32") {
        1
    } else {
        match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
            n => n.min(2),
        }
    };
    let mut set_aside = SetAside::default();
    let (rows, Columns { parts, .. }) = std::thread::scope(|scope| {
        let mut columns = Columns::new(width);
        let mut helper: Option<Helper<'_>> = None;
        let mut batch = Batch::new(width);
        // Data records read, and those kept (the others are set aside).
        let mut records: u64 = 0;
        let mut rows: u64 = 0;
        let mut half: Vec<usize> = Vec::new();
        while next(&mut reader, &mut record)? {
            records += 1;
            if record.len() != width {
                if let Some(e) = unterminated(&reader) {
                    return Err(e);
                }
                // The csv crate counts `\n` only (and, after a CRLF, reports a
                // record as starting on the `\n` of the previous terminator).
                let line = reader.get_ref().tracker.record_line(records).unwrap_or_else(|| {
                    let crlf = u64::from(line_ending == LineEnding::Crlf);
                    record.position().map_or(0, |p| p.line() + crlf)
                });
                if malformed == MalformedRows::SetAside {
                    set_aside.push(line);
                    continue;
                }
                return Err(ReadError::new(ReadErrorKind::FieldCount {
                    line,
                    record: records,
                    expected: width,
                    found: record.len(),
                }));
            }
            rows += 1;
            batch.push(&record);
            // The first batch is interned in two halves, to see how the columns grow.
            if batch.rows == BATCH_ROWS || rows == HALF_BATCH as u64 || rows == BATCH_ROWS as u64 {
                flush(&mut batch, &mut columns, &mut helper)?;
                if rows == HALF_BATCH as u64 {
                    half = columns.parts.iter().map(|p| p.dict.len()).collect();
                }
                if rows == BATCH_ROWS as u64 {
                    // The first batch tells how the columns grow and what they cost.
                    let bytes_seen = record.position().map_or(0, |p| p.byte());
                    if let Some(total) = size_hint {
                        presize(&mut columns, &half, rows, bytes_seen, total);
                    }
                    if threads > 1 {
                        helper = Some(Helper::spawn(scope, columns.split(BATCH_ROWS, bytes_seen as usize)));
                    }
                }
            }
        }
        flush(&mut batch, &mut columns, &mut helper)?;
        if let Some(helper) = helper {
            columns.merge(helper.finish()?);
        }
        Ok((rows, columns))
    })?;
    let scan = reader.into_inner();
    let final_newline = matches!(scan.last, Some(b'\n' | b'\r'));
    let mut warnings = scan.tracker.finish()?;
    if rows == 0 {
        return Err(ReadError::new(ReadErrorKind::HeaderOnly));
    }

    // Delimiters, quotes and line breaks are ASCII and never part of a UTF-8
    // sequence, so the input is valid UTF-8 exactly when every field is: the
    // distinct values (and the header) are all that need checking.
    let windows_1252 = match encoding {
        CsvEncoding::Forced(e) => e == Encoding::Windows1252,
        CsvEncoding::Utf16(_) => false,
        CsvEncoding::Detect => {
            !(header.iter().all(|h| std::str::from_utf8(h).is_ok()) && parts.iter().all(|p| p.dict.is_utf8()))
        }
    };
    let source_encoding = match encoding {
        CsvEncoding::Forced(e) | CsvEncoding::Utf16(e) => e,
        CsvEncoding::Detect if windows_1252 => Encoding::Windows1252,
        CsvEncoding::Detect => Encoding::Utf8,
    };
    let names: Vec<String> =
        header.iter().map(|f| decode_field(f, windows_1252).trim_start_matches('\u{FEFF}').to_string()).collect();
    let (names, header_warnings) = repair_header(names);
    warnings.splice(0..0, header_warnings);
    let columns = names
        .into_iter()
        .zip(parts)
        .map(|(name, Part { dict: raw, mut codes, .. })| {
            // Windows-1252 leaves ASCII unchanged, so an all-ASCII arena is kept
            // as it is; so is a valid UTF-8 arena.
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
    Ok(ReadTable { table: Table { columns, rows: rows as usize }, dialect, warnings, set_aside })
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
    fn tells_identifiers_from_values_that_only_look_new_at_first() {
        // every value new: sized for every row
        assert_eq!(expected_distinct(2048, 4096, 4096, 1_000_000), Some(1_000_000));
        assert_eq!(expected_distinct(2048, 4095, 4096, 1_000_000), Some(999_755));
        // e-mails, some repeated from the start at the same pace: sized for their share
        assert_eq!(expected_distinct(2005, 4014, 4096, 1_000_000), Some(979_980));
        // birth dates (about 50,000 possible): new at first, then fewer and fewer
        let dates = expected_distinct(1987, 3846, 4096, 1_000_000).unwrap();
        assert!((20_000..80_000).contains(&dates), "{dates}");
        // addresses (about 5,400)
        let addresses = expected_distinct(1681, 2925, 4096, 1_000_000).unwrap();
        assert!((4_000..10_000).contains(&addresses), "{addresses}");
        // values that repeat: left to grow
        assert_eq!(expected_distinct(260, 320, 4096, 1_000_000), None);
        assert_eq!(expected_distinct(0, 0, 4096, 1_000_000), None);
    }

    #[test]
    fn detects_binary() {
        assert!(binary_offset(b"a,b\n1,2\n").is_none());
        assert_eq!(binary_offset(b"a,b\n\x001,2\n"), Some(4));
        assert_eq!(binary_offset(b"\x01\x02\x03\x04abc"), Some(0));
    }
}
