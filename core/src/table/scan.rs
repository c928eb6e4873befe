//! What the csv parser does not tell: where each quoted field opened and
//! closed, how many physical lines the input has, and whether bytes declared
//! UTF-8 are UTF-8.
//!
//! [`Tracker`] sees every byte of delimited input once, in order, as the csv
//! parser is fed (see `Scan` in `read.rs`), and follows the same state machine
//! as `csv-core` with its defaults (quote `"`, doubled quotes as escapes, CR,
//! LF and CRLF as terminators, blank lines skipped). From it:
//! - a quoted field still open at the end of the input is an error
//!   ([`ReadErrorKind::UnterminatedQuote`]): the csv crate silently reads the
//!   rest of the file as that field's text, so one stray quote would turn
//!   every later record, identifiers included, into one cell;
//! - a quoted field spanning more than [`LONG_FIELD_LINES`] line breaks or
//!   [`LONG_FIELD_BYTES`] bytes is a warning naming its record and lines;
//! - the physical line count, compared with the records and the line breaks
//!   inside quoted fields (a difference means blank lines the parser skipped);
//! - each record's first line, kept for the records the parser has not yet
//!   returned, so errors name lines right whatever the line ending (the csv
//!   crate counts `\n` only: every line of a CR-only file would be line 1).
//!
//! Its work is a vectorised search (`memchr3`) for the next quote or line
//! break: delimiters only matter just before a quote, so a record without
//! quotes costs one search per line.

use std::collections::VecDeque;

use super::{ReadError, ReadErrorKind, Warning};

/// A quoted field with more line breaks than this is reported.
pub(crate) const LONG_FIELD_LINES: u64 = 100;
/// A quoted field longer than this (in bytes) is reported.
pub(crate) const LONG_FIELD_BYTES: u64 = 1 << 20;
/// At most this many long fields are reported one by one (the count is kept).
const LONG_FIELD_WARNINGS: usize = 10;
/// How many record starts are remembered: more than the records the csv
/// parser can hold in its 64 KiB buffer (each takes at least two bytes).
const STARTS_KEPT: usize = 1 << 16;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Before a record: line breaks here are skipped (blank lines).
    RecordStart,
    /// Inside a record, not in a quoted field: only a quote right after a
    /// delimiter (a field's start) and line breaks matter here.
    Outside,
    /// Inside a quoted field.
    Quoted,
    /// After a quote inside a quoted field: a second quote is an escaped
    /// quote, anything else closes the field.
    QuoteInQuoted,
}

/// A quoted field being read.
#[derive(Clone, Copy, Debug)]
struct Open {
    byte: u64,
    line: u64,
    breaks: u64,
    record: u64,
}

/// A streaming UTF-8 check that carries a sequence cut between two chunks.
#[derive(Default)]
struct Utf8Check {
    carry: [u8; 4],
    carry_len: usize,
    /// The offset of the carried sequence's first byte.
    carry_at: u64,
}

impl Utf8Check {
    /// Checks `bytes`, which start at `offset`; the offset of the first byte
    /// that is not UTF-8, if any.
    fn feed(&mut self, mut bytes: &[u8], mut offset: u64) -> Result<(), u64> {
        while self.carry_len > 0 {
            let Some((&b, rest)) = bytes.split_first() else { return Ok(()) };
            self.carry[self.carry_len] = b;
            self.carry_len += 1;
            bytes = rest;
            offset += 1;
            match std::str::from_utf8(&self.carry[..self.carry_len]) {
                Ok(_) => self.carry_len = 0,
                Err(e) if e.error_len().is_some() || self.carry_len == 4 => return Err(self.carry_at),
                Err(_) => {}
            }
        }
        match std::str::from_utf8(bytes) {
            Ok(_) => Ok(()),
            Err(e) => {
                let at = offset + e.valid_up_to() as u64;
                if e.error_len().is_some() {
                    return Err(at);
                }
                let tail = &bytes[e.valid_up_to()..];
                self.carry[..tail.len()].copy_from_slice(tail);
                self.carry_len = tail.len();
                self.carry_at = at;
                Ok(())
            }
        }
    }

    /// At the end of the input: a sequence still cut is invalid.
    fn finish(&self) -> Result<(), u64> {
        if self.carry_len > 0 {
            Err(self.carry_at)
        } else {
            Ok(())
        }
    }
}

/// Follows delimited input byte by byte (see the module documentation).
pub(crate) struct Tracker {
    delimiter: u8,
    state: State,
    /// The offset of the next byte, from the start of the input.
    offset: u64,
    /// Line breaks seen (CRLF, CR and LF each count once).
    breaks: u64,
    /// The last byte fed (`None` before any).
    last: Option<u8>,
    /// Records started, the header included.
    records: u64,
    /// (record index, first line) of the latest records; the header is 0.
    starts: VecDeque<(u64, u64)>,
    open: Option<Open>,
    /// Where the quote that may close the open field is, with the breaks then.
    close: (u64, u64),
    breaks_in_quotes: u64,
    long_fields: u64,
    warnings: Vec<Warning>,
    utf8: Option<Utf8Check>,
    /// The first invalid UTF-8 byte, when checking.
    pub(crate) invalid_utf8: Option<u64>,
}

impl Tracker {
    /// A tracker for input split on `delimiter`, whose first byte is at
    /// `offset` of the file (after a byte order mark); `check_utf8` when the
    /// input was declared UTF-8.
    pub(crate) fn new(delimiter: u8, offset: u64, check_utf8: bool) -> Tracker {
        Tracker {
            delimiter,
            state: State::RecordStart,
            offset,
            breaks: 0,
            last: None,
            records: 0,
            starts: VecDeque::new(),
            open: None,
            close: (0, 0),
            breaks_in_quotes: 0,
            long_fields: 0,
            warnings: Vec::new(),
            utf8: check_utf8.then(Utf8Check::default),
            invalid_utf8: None,
        }
    }

    /// Follows the next bytes of the input. Returns `false` if they are not
    /// UTF-8 when that is checked (the offset is in `invalid_utf8`).
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> bool {
        if let Some(check) = &mut self.utf8 {
            if let Err(at) = check.feed(bytes, self.offset) {
                self.invalid_utf8 = Some(at);
                return false;
            }
        }
        let mut i = 0;
        // The byte before `at` of this piece, in it or in the piece before.
        let before = |at: usize, last: Option<u8>| if at > 0 { Some(bytes[at - 1]) } else { last };
        while i < bytes.len() {
            match self.state {
                State::RecordStart => {
                    match bytes[i] {
                        b'\r' => self.breaks += 1,
                        b'\n' if before(i, self.last) != Some(b'\r') => self.breaks += 1,
                        b'\n' => {}
                        b => {
                            if self.starts.len() == STARTS_KEPT {
                                self.starts.pop_front();
                            }
                            self.starts.push_back((self.records, self.breaks + 1));
                            self.records += 1;
                            self.state = if b == b'"' { self.open_at(self.offset + i as u64) } else { State::Outside };
                        }
                    }
                    i += 1;
                }
                State::Outside => match memchr::memchr3(b'"', b'\n', b'\r', &bytes[i..]) {
                    None => i = bytes.len(),
                    Some(p) => {
                        match bytes[i + p] {
                            // A quote opens a field only at its start (else it is text).
                            b'"' if before(i + p, self.last) == Some(self.delimiter) => {
                                self.state = self.open_at(self.offset + (i + p) as u64)
                            }
                            b'"' => {}
                            _ => {
                                self.breaks += 1;
                                self.state = State::RecordStart;
                            }
                        }
                        i += p + 1;
                    }
                },
                State::Quoted => match memchr::memchr3(b'"', b'\n', b'\r', &bytes[i..]) {
                    None => i = bytes.len(),
                    Some(p) => {
                        match bytes[i + p] {
                            b'"' => {
                                self.close = (self.offset + (i + p) as u64, self.breaks);
                                self.state = State::QuoteInQuoted;
                            }
                            b'\n' if before(i + p, self.last) == Some(b'\r') => {}
                            _ => self.breaks += 1,
                        }
                        i += p + 1;
                    }
                },
                State::QuoteInQuoted => {
                    let b = bytes[i];
                    if b == b'"' {
                        self.state = State::Quoted;
                    } else {
                        self.closed();
                        self.state = match b {
                            b'\r' | b'\n' => {
                                self.breaks += 1;
                                State::RecordStart
                            }
                            _ => State::Outside,
                        };
                    }
                    i += 1;
                }
            }
        }
        self.offset += bytes.len() as u64;
        if let Some(&b) = bytes.last() {
            self.last = Some(b);
        }
        true
    }

    /// A quoted field opens at `at`.
    fn open_at(&mut self, at: u64) -> State {
        let record = self.records.saturating_sub(1);
        self.open = Some(Open { byte: at, line: self.breaks + 1, breaks: self.breaks, record });
        State::Quoted
    }

    /// The open quoted field closed at `self.close`.
    fn closed(&mut self) {
        let Some(open) = self.open.take() else { return };
        let (at, breaks) = self.close;
        let lines = breaks - open.breaks;
        let bytes = at + 1 - open.byte;
        self.breaks_in_quotes += lines;
        if lines > LONG_FIELD_LINES || bytes > LONG_FIELD_BYTES {
            self.long_fields += 1;
            if self.warnings.len() < LONG_FIELD_WARNINGS {
                self.warnings.push(Warning::LongQuotedField {
                    record: open.record,
                    first_line: open.line,
                    last_line: open.line + lines,
                    bytes,
                });
            }
        }
    }

    /// The line where record `record` starts (the header is record 0), if it
    /// is among the latest records.
    pub(crate) fn record_line(&self, record: u64) -> Option<u64> {
        let first = self.starts.front()?.0;
        let (index, line) = *self.starts.get(usize::try_from(record.checked_sub(first)?).ok()?)?;
        (index == record).then_some(line)
    }

    /// The error of a quoted field still open, once every byte has been fed.
    pub(crate) fn unterminated(&self) -> Option<ReadError> {
        match (self.state, self.open) {
            (State::Quoted, Some(open)) => {
                Some(ReadError::new(ReadErrorKind::UnterminatedQuote { line: open.line, byte: open.byte }))
            }
            _ => None,
        }
    }

    /// Ends the input: the last field closes, a cut UTF-8 sequence is an
    /// error, and the warnings are returned (long fields, then the line count
    /// if records and quoted line breaks do not explain it).
    pub(crate) fn finish(mut self) -> Result<Vec<Warning>, ReadError> {
        if let Some(e) = self.unterminated() {
            return Err(e);
        }
        if let Some(Err(byte)) = self.utf8.as_ref().map(Utf8Check::finish) {
            return Err(ReadError::new(ReadErrorKind::InvalidUtf8 { byte }));
        }
        if self.state == State::QuoteInQuoted {
            self.closed();
        }
        let mut warnings = std::mem::take(&mut self.warnings);
        if self.long_fields > warnings.len() as u64 {
            warnings.push(Warning::MoreLongQuotedFields { more: self.long_fields - warnings.len() as u64 });
        }
        let lines = self.lines();
        if lines != self.records + self.breaks_in_quotes {
            warnings.push(Warning::LineCount {
                lines,
                records: self.records,
                line_breaks_in_fields: self.breaks_in_quotes,
            });
        }
        Ok(warnings)
    }

    /// The physical lines of the input: its line breaks, plus a last line
    /// without one.
    pub(crate) fn lines(&self) -> u64 {
        self.breaks + u64::from(!matches!(self.last, None | Some(b'\r' | b'\n')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(input: &[u8], pieces: usize) -> Tracker {
        let mut t = Tracker::new(b';', 0, true);
        let size = input.len().div_ceil(pieces.max(1)).max(1);
        for chunk in input.chunks(size) {
            assert!(t.feed(chunk));
        }
        t
    }

    #[test]
    fn an_open_quote_at_the_end_is_an_error_naming_where_it_opened() {
        let input = b"a;b\n1;x\n2;\"note \n3;y\n4;z\n";
        for pieces in [1, 3, 7] {
            let t = track(input, pieces);
            let e = t.finish().unwrap_err();
            assert_eq!(e.kind(), &ReadErrorKind::UnterminatedQuote { line: 3, byte: 10 });
        }
    }

    #[test]
    fn closed_and_escaped_quotes_are_fine() {
        let t = track(b"a;b\n1;\"x\"\"y\"\n2;\"p\nq\"\n3;ab\"c\n", 1);
        assert_eq!(t.records, 4);
        assert_eq!(t.finish().unwrap(), vec![]);
    }

    #[test]
    fn counts_lines_of_every_ending() {
        for input in [&b"a;b\r1;2\r3;4\r"[..], b"a;b\r\n1;2\r\n3;4\r\n", b"a;b\n1;2\n3;4", b"a;b\r1;2\r3;4"] {
            let t = track(input, 2);
            assert_eq!(t.lines(), 3, "{input:?}");
            assert_eq!(t.record_line(2), Some(3));
            assert_eq!(t.finish().unwrap(), vec![]);
        }
    }

    #[test]
    fn blank_lines_are_reported() {
        let t = track(b"a;b\n\n1;2\n\n\n3;4\n", 1);
        assert_eq!(t.record_line(1), Some(3));
        assert_eq!(t.record_line(2), Some(6));
        assert_eq!(t.finish().unwrap(), vec![Warning::LineCount { lines: 6, records: 3, line_breaks_in_fields: 0 }]);
    }

    #[test]
    fn long_quoted_fields_are_reported() {
        let mut input = b"a;b\n1;\"".to_vec();
        input.extend(std::iter::repeat_n(&b"x\r\n"[..], 101).flatten());
        input.extend(b"\"\n2;3\n");
        let t = track(&input, 5);
        let warnings = t.finish().unwrap();
        assert_eq!(warnings, vec![Warning::LongQuotedField { record: 1, first_line: 2, last_line: 103, bytes: 305 }]);
    }

    #[test]
    fn utf8_is_checked_across_chunks() {
        let bytes = "a;b\nété;€\n".as_bytes();
        for size in 1..bytes.len() {
            let mut t = Tracker::new(b';', 3, true);
            assert!(bytes.chunks(size).all(|c| t.feed(c)));
            assert!(t.finish().is_ok());
        }
        let mut t = Tracker::new(b';', 3, true);
        assert!(!t.feed(b"a;b\n\xE9t\xE9;1\n"));
        assert_eq!(t.invalid_utf8, Some(7));
        let mut t = Tracker::new(b';', 0, true);
        assert!(t.feed(b"a;b\n1;\xE2\x82"));
        assert_eq!(t.finish().unwrap_err().kind(), &ReadErrorKind::InvalidUtf8 { byte: 6 });
    }
}

#[cfg(test)]
mod agrees_with_csv {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// On any text of quotes, delimiters and line breaks, the tracker
        /// counts the records the csv crate reads, starting on the lines it
        /// says (for input without CR, whose lines the csv crate counts right).
        #[test]
        fn records_and_lines_match(
            bytes in proptest::collection::vec(prop::sample::select(b"a\";\r\n".to_vec()), 0..60),
            piece in 1..8usize,
        ) {
            let mut reader = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).flexible(true).from_reader(&bytes[..]);
            let mut record = csv::ByteRecord::new();
            // The csv crate places a record at the line break before it (blank
            // lines included): its first byte is the first one that is not a break.
            let mut lines = Vec::new();
            while reader.read_byte_record(&mut record).unwrap_or(false) {
                let from = record.position().map_or(0, |p| p.byte()) as usize;
                let first = bytes[from..].iter().position(|&b| b != b'\n').map_or(bytes.len(), |p| from + p);
                lines.push(1 + bytes[..first].iter().filter(|&&b| b == b'\n').count() as u64);
            }
            let mut t = Tracker::new(b';', 0, false);
            t.feed(&bytes);
            prop_assert_eq!(t.records, lines.len() as u64);
            // The same, fed in pieces.
            let mut pieces = Tracker::new(b';', 0, false);
            bytes.chunks(piece).for_each(|c| { pieces.feed(c); });
            prop_assert_eq!(pieces.records, t.records);
            prop_assert_eq!(pieces.lines(), t.lines());
            prop_assert_eq!(pieces.starts.clone(), t.starts.clone());
            if !bytes.contains(&b'\r') {
                for (i, &line) in lines.iter().enumerate() {
                    prop_assert_eq!(t.record_line(i as u64), Some(line));
                }
            }
            prop_assert_eq!(pieces.finish().map_err(|e| e.to_string()), t.finish().map_err(|e| e.to_string()));
        }
    }
}
