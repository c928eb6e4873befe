//! Free-text scrubbing: finds identifiers in text and replaces them.
//!
//! [`scan`] walks the text once, left to right, and stops only at word starts
//! (a letter or digit after a non-word character, or a `+`). There it tries, in
//! order: an e-mail address (only when an `@` or a bracketed `at` follows the
//! word: `jean.dupont(at)exemple.fr`, `jean.dupont [at] exemple [dot] fr`, see
//! [`super::email`]; a bare ` at ` is prose), a NIR or NIA (its 15 characters
//! with separators of [`nir::is_separator`] wherever its groups meet, such as
//! `1 85 05 75 115 423 55`, `18505 7511542355`, `1–85–05–75–115–423–55`; in
//! the usual layouts possibly broken across one line break between two
//! groups; checked by [`nir::check_compact`], key included), a phone number
//! (a run of digit groups handed to [`phone::e164_of`]: national or
//! international, with spaces, dots, dashes or slashes, the trunk zero in
//! parentheses, `(0)6 ...`, `+33 (0)6 ...`; a national number keeps one
//! separator throughout, so that neighbouring numbers are not glued into one,
//! while after a `+` groups and separators may vary: `+1 (555) 123-4567`,
//! `+33 0 6 12 34 56 78`), a date (see
//! [`super::date`]; also `mm/dd/yyyy` when day-first is impossible), an IBAN
//! (mod 97 and the country's length), and the row's own values given in a
//! [`RowContext`] (surname, first name, ... as whole words, case- and
//! accent-insensitive). A NIR-shaped number in a usual layout whose key is
//! wrong, or that lacks its key, is skipped whole (across a line break too),
//! so no phone number is found inside it.
//! The first that matches is reported and the walk resumes after it; otherwise
//! the rest of the word is skipped. Every byte is looked at a bounded number of
//! times, there is no allocation on the common path, and nothing is compiled
//! per row: a row's names are a handful of folded token lists compared word by
//! word after a one-byte filter on their first letter.
//!
//! [`scrub`] writes the text with each match replaced by a tag ([`Found::tag`]:
//! `[NIR]`, `[TEL]`, `[EMAIL]`, `[IBAN]`, `[DATE]`, `[NOM]`, `[PRENOM]`, `[ID]`)
//! or, for the row's own values, by the replacement given with the value (the
//! pseudonym its column gets). [`scrub_with`] also removes the names of a
//! [`NameSet`] (every surname and first name of the file, for relatives named
//! in comments). [`scrub_column`] does a whole column.
//!
//! Why not regular expressions: the NIR, IBAN and phone checks need their
//! check keys and group structure, the names change on every row (a regex or
//! Aho-Corasick automaton per row would cost more to build than to run on a
//! comment of 100 bytes), and a single pass with byte tests keeps the scanner
//! well above 50 MB/s without adding a dependency to the wasm module.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::fold::{fold_char, fold_words_into, is_word_char, Folded};
use super::{date, email, iban, nir, phone};
use crate::table::{Column, Dictionary};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// A NIR or NIA (key checked).
    Nir,
    /// A phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// An IBAN.
    Iban,
    /// A date.
    Date,
    /// The row's surname.
    Surname,
    /// The row's first name.
    FirstName,
    /// Another of the row's identifiers (IPP, ...).
    Identifier,
}

impl Found {
    /// The tag that replaces it: `[NIR]`, `[TEL]`, `[EMAIL]`, `[IBAN]`, `[DATE]`,
    /// `[NOM]`, `[PRENOM]`, `[ID]`.
    pub fn tag(self) -> &'static str {
        match self {
            Found::Nir => "[NIR]",
            Found::Phone => "[TEL]",
            Found::Email => "[EMAIL]",
            Found::Iban => "[IBAN]",
            Found::Date => "[DATE]",
            Found::Surname => "[NOM]",
            Found::FirstName => "[PRENOM]",
            Found::Identifier => "[ID]",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// What to look for. Everything is on by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScrubOptions {
    /// NIRs and NIAs (key checked).
    pub nir: bool,
    /// Phone numbers.
    pub phone: bool,
    /// E-mail addresses.
    pub email: bool,
    /// IBANs.
    pub iban: bool,
    /// Dates.
    pub dates: bool,
    /// The row's own values given in the [`RowContext`], and the names of a [`NameSet`].
    pub names: bool,
    /// Also the parts of compound names (`Jean` and `Pierre` of `Jean-Pierre`,
    /// `Gall` of `Le Gall`; parts shorter than 3 letters and particles are never
    /// looked for alone).
    pub name_parts: bool,
}

impl Default for ScrubOptions {
    fn default() -> ScrubOptions {
        ScrubOptions { nir: true, phone: true, email: true, iban: true, dates: true, names: true, name_parts: true }
    }
}

/// One identifier found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Byte offset where it starts.
    pub start: usize,
    /// Byte offset just after it.
    pub end: usize,
    /// What it is.
    pub found: Found,
    /// The [`RowContext`] entry it is, if it is one of the row's own values.
    pub own: Option<usize>,
}

/// How many of each were replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScrubCounts {
    /// NIRs / NIAs.
    pub nir: u64,
    /// Phone numbers.
    pub phone: u64,
    /// E-mail addresses.
    pub email: u64,
    /// IBANs.
    pub iban: u64,
    /// Dates.
    pub date: u64,
    /// The row's surname.
    pub surname: u64,
    /// The row's first name.
    pub first_name: u64,
    /// The row's other identifiers.
    pub identifier: u64,
}

impl ScrubCounts {
    /// Counts one more `found`.
    pub fn count(&mut self, found: Found) {
        match found {
            Found::Nir => self.nir += 1,
            Found::Phone => self.phone += 1,
            Found::Email => self.email += 1,
            Found::Iban => self.iban += 1,
            Found::Date => self.date += 1,
            Found::Surname => self.surname += 1,
            Found::FirstName => self.first_name += 1,
            Found::Identifier => self.identifier += 1,
        }
    }

    /// The total of all counts.
    pub fn total(&self) -> u64 {
        self.nir + self.phone + self.email + self.iban + self.date + self.surname + self.first_name + self.identifier
    }
}

impl std::ops::AddAssign for ScrubCounts {
    fn add_assign(&mut self, o: ScrubCounts) {
        self.nir += o.nir;
        self.phone += o.phone;
        self.email += o.email;
        self.iban += o.iban;
        self.date += o.date;
        self.surname += o.surname;
        self.first_name += o.first_name;
        self.identifier += o.identifier;
    }
}

#[derive(Clone)]
struct Entry {
    found: Found,
    normalised: Option<Range<usize>>,
    replacement: Option<Range<usize>>,
}

#[derive(Clone)]
struct Pattern {
    entry: usize,
    /// Indices into `RowContext::tokens`.
    tokens: Range<usize>,
    /// Total folded length, for longest-first order.
    len: usize,
    first: u8,
    part: bool,
}

/// The row's own identifying values, looked for in its free text.
///
/// Build one per row (or reuse one with [`RowContext::clear`], which keeps its
/// allocations). Its `Debug` output shows sizes only.
#[derive(Clone, Default)]
pub struct RowContext {
    arena: String,
    entries: Vec<Entry>,
    patterns: Vec<Pattern>,
    tokens: Vec<Range<usize>>,
    first: [u64; 4],
    structured: u8,
}

impl std::fmt::Debug for RowContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowContext")
            .field("entries", &self.entries.len())
            .field("patterns", &self.patterns.len())
            .finish()
    }
}

/// Particles never looked for on their own.
const PARTICLES: &[&str] = &[
    "le", "la", "les", "de", "du", "des", "da", "di", "do", "dos", "das", "del", "della", "van", "von", "der", "den",
    "ben", "bin", "el", "al", "mac", "mc", "saint", "sainte", "st", "ste",
];

impl RowContext {
    /// An empty context (no own values: only NIRs, phones, e-mails, IBANs and dates are found).
    pub fn new() -> RowContext {
        RowContext::default()
    }

    /// Forgets every value, keeping the allocations.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.entries.clear();
        self.patterns.clear();
        self.tokens.clear();
        self.first = [0; 4];
        self.structured = 0;
    }

    /// Whether no value was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn push(&mut self, s: &str) -> Range<usize> {
        let start = self.arena.len();
        self.arena.push_str(s);
        start..self.arena.len()
    }

    /// Adds one of the row's values; returns its entry index (see [`Match::own`]).
    ///
    /// - `Surname`, `FirstName`, `Identifier`: the value's words are looked for
    ///   as whole words, case- and accent-insensitive, in sequence (separated by
    ///   up to 3 spaces or punctuation on one line) or glued together; for
    ///   surnames and first names also each part of 3+ letters (see
    ///   [`ScrubOptions::name_parts`]). Values shorter than 2 letters, or
    ///   numbers of fewer than 4 digits, are ignored.
    /// - `Nir`, `Phone`, `Email`, `Iban`, `Date`: a value that validates is
    ///   compared, normalised, with what the scanner detects, so a detected NIR
    ///   equal to the row's gets the row's replacement; it is also looked for as
    ///   words like an identifier, which catches it when its detector is off or
    ///   it does not validate (a NIR with a wrong key).
    ///
    /// `replacement` replaces the value where it is found (default: its tag).
    pub fn add(&mut self, found: Found, value: &str, replacement: Option<&str>) -> usize {
        let idx = self.entries.len();
        let replacement = replacement.map(|r| self.push(r));
        let normalised = match found {
            Found::Nir => nir::validate_matricule(value).ok().map(|n| n.as_str().to_string()),
            Found::Phone => phone::normalise(value).ok(),
            Found::Email => email::normalise(value).ok(),
            Found::Iban => iban::validate(value).ok(),
            Found::Date => date::normalise(value).ok(),
            Found::Surname | Found::FirstName | Found::Identifier => None,
        };
        let normalised = normalised.map(|n| self.push(&n));
        if normalised.is_some() {
            self.structured |= found.bit();
        }
        self.entries.push(Entry { found, normalised, replacement });
        self.add_patterns(idx, found, value);
        idx
    }

    fn add_pattern(&mut self, entry: usize, tokens: Range<usize>, part: bool) {
        let len: usize = self.tokens[tokens.clone()].iter().map(|r| r.len()).sum();
        let first = self.arena.as_bytes()[self.tokens[tokens.start].start];
        self.first[usize::from(first >> 6)] |= 1 << (first & 63);
        let pattern = Pattern { entry, tokens, len, first, part };
        // keep longest first (stable among equals)
        let at = self.patterns.iter().position(|p| p.len < len).unwrap_or(self.patterns.len());
        self.patterns.insert(at, pattern);
    }

    fn add_patterns(&mut self, entry: usize, found: Found, value: &str) {
        let start = self.arena.len();
        fold_words_into(value, &mut self.arena);
        let end = self.arena.len();
        let mut ranges = Vec::new();
        let mut s = start;
        for (i, &c) in self.arena.as_bytes()[start..end].iter().enumerate() {
            if c == b' ' {
                ranges.push(s..start + i);
                s = start + i + 1;
            }
        }
        if s < end {
            ranges.push(s..end);
        }
        let total: usize = ranges.iter().map(|r| r.len()).sum();
        let numeric = ranges.iter().all(|r| self.arena.as_bytes()[r.clone()].iter().all(u8::is_ascii_digit));
        // a one-letter name or a number of 1-3 digits would erase ordinary words
        if ranges.is_empty() || total < 2 || (numeric && total < 4) {
            return;
        }
        let t0 = self.tokens.len();
        self.tokens.extend(ranges.iter().cloned());
        let t1 = self.tokens.len();
        self.add_pattern(entry, t0..t1, false);
        if ranges.len() > 1 {
            // the words glued together ("LEGALL", "185057511542355")
            let cstart = self.arena.len();
            for r in &ranges {
                let (a, b) = (r.start, r.end);
                self.arena.extend_from_within(a..b);
            }
            let cend = self.arena.len();
            self.tokens.push(cstart..cend);
            self.add_pattern(entry, t1..t1 + 1, false);
            if matches!(found, Found::Surname | Found::FirstName) {
                for (k, r) in ranges.iter().enumerate() {
                    let word = &self.arena[r.clone()];
                    if word.chars().count() >= 3 && !PARTICLES.contains(&word) {
                        self.add_pattern(entry, t0 + k..t0 + k + 1, true);
                    }
                }
            }
        }
    }

    fn replacement(&self, entry: usize) -> Option<&str> {
        let r = self.entries.get(entry)?.replacement.clone()?;
        self.arena.get(r)
    }

    fn has_first(&self, b: u8) -> bool {
        self.first[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    /// The entry of kind `found` whose normalised value equals `key`.
    fn own(&self, found: Found, key: &[u8]) -> Option<usize> {
        if self.structured & found.bit() == 0 {
            return None;
        }
        self.entries.iter().position(|e| {
            e.found == found && e.normalised.clone().is_some_and(|r| self.arena.as_bytes().get(r) == Some(key))
        })
    }
}

/// Names looked for in every row's text, not only the row's own: typically
/// every distinct value of the surname and first-name columns, so that a
/// relative named in a comment ("contact : sa fille Marie") is removed when
/// Marie is a first name anywhere in the file.
///
/// Whole words, case- and accent-insensitive, like [`RowContext`] names; a
/// one-word name needs 3 letters or more and is not a particle; a name of
/// several words is looked for as that sequence and glued together, never by
/// its parts. Matches are replaced by the tag of their kind.
#[derive(Clone, Default)]
pub struct NameSet {
    /// First folded word -> (the following words, what it is); longest first.
    map: HashMap<String, Vec<(Vec<String>, Found)>>,
}

impl std::fmt::Debug for NameSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameSet").field("first_words", &self.map.len()).finish()
    }
}

impl NameSet {
    /// An empty set.
    pub fn new() -> NameSet {
        NameSet::default()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// How many distinct first words the set holds.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    fn insert(&mut self, words: Vec<String>, found: Found) {
        let Some((first, rest)) = words.split_first() else { return };
        let list = self.map.entry(first.clone()).or_default();
        if !list.iter().any(|(r, _)| r.as_slice() == rest) {
            list.push((rest.to_vec(), found));
            list.sort_by_key(|(r, _)| std::cmp::Reverse(r.len()));
        }
    }

    /// Adds a name (see the type's documentation for what is kept).
    pub fn add(&mut self, found: Found, value: &str) {
        let folded = super::fold::fold_words(value);
        let words: Vec<String> = folded.split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect();
        let letters: usize = words.iter().map(|w| w.chars().filter(|c| !c.is_ascii_digit()).count()).sum();
        if words.is_empty() || letters < 3 {
            return;
        }
        if words.len() == 1 {
            if !PARTICLES.contains(&words[0].as_str()) {
                self.insert(words, found);
            }
            return;
        }
        self.insert(vec![words.concat()], found);
        self.insert(words, found);
    }
}

/// Folds the word at `i` into `buf`; returns its end and the folded length
/// (`None` if it does not fit: no name is that long).
fn fold_word(text: &str, i: usize, buf: &mut [u8; 64]) -> Option<(usize, usize)> {
    let mut n = 0;
    let mut end = i;
    for c in text.get(i..)?.chars() {
        if !is_word_char(c) {
            break;
        }
        let mut tmp = [0u8; 4];
        let bytes: &[u8] = match fold_char(c) {
            Folded::One(b) => {
                tmp[0] = b;
                &tmp[..1]
            }
            Folded::Two(a, b) => {
                tmp[0] = a;
                tmp[1] = b;
                &tmp[..2]
            }
            Folded::Drop => &[],
            Folded::Other(o) => o.encode_utf8(&mut tmp).as_bytes(),
        };
        buf.get_mut(n..n + bytes.len())?.copy_from_slice(bytes);
        n += bytes.len();
        end += c.len_utf8();
    }
    Some((end, n))
}

/// How NIRs are usually written: compact, body and key, the carte Vitale's
/// spacing (and its overseas variant), and with the place of birth in one group.
const NIR_LAYOUTS: [&[u8]; 6] =
    [&[15], &[13, 2], &[1, 2, 2, 2, 3, 3, 2], &[1, 2, 2, 3, 2, 3, 2], &[1, 2, 2, 5, 3, 2], &[1, 2, 2, 2, 6, 2]];

/// Whether a NIR written with a separator after its first `k` characters
/// (compact form) breaks it where its groups meet: `S AA MM DD CCC OOO KK`
/// (after 1, 3, 5, 7, 10 and 13 characters), and after the 3-digit
/// département of a place 97x / 98x (8). Any of these, in any number, with
/// any separators: `1 85 05 75 115 423 55`, `18505 75115 42355`,
/// `1850575115423 55`, `1–85–05–75–115–423–55`. Separators elsewhere are not
/// crossed, so that the digits of neighbouring numbers do not make a NIR.
#[inline]
fn nir_group_end(buf: &[u8; 15], k: usize) -> bool {
    matches!(k, 1 | 3 | 5 | 7 | 10 | 13) || (k == 8 && matches!(&buf[5..7], b"97" | b"98"))
}

/// The character at `pos` and its length, if it is not ASCII (`None` at the
/// end, inside a character or for an ASCII byte).
#[inline]
fn wide_char(text: &str, pos: usize) -> Option<(char, usize)> {
    if text.as_bytes().get(pos).is_none_or(|c| c.is_ascii()) {
        return None;
    }
    let c = text.get(pos..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

/// What is at `pos` between the digit groups of a number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// Not a separator.
    None,
    /// A separator of [`nir::is_separator`] other than a line break, this long.
    Sep(usize),
    /// A line break (`\n`, `\r\n`, `\r`, U+0085, U+2028, U+2029), this long.
    Line(usize),
}

/// The separator at `pos` (see [`Gap`]).
#[inline]
fn gap_at(text: &str, pos: usize) -> Gap {
    match text.as_bytes().get(pos..) {
        Some([b'\r', b'\n', ..]) => Gap::Line(2),
        Some([b'\n' | b'\r', ..]) => Gap::Line(1),
        Some([c, ..]) if c.is_ascii() => {
            if nir::is_separator(char::from(*c)) {
                Gap::Sep(1)
            } else {
                Gap::None
            }
        }
        _ => match wide_char(text, pos) {
            Some(('\u{85}' | '\u{2028}' | '\u{2029}', n)) => Gap::Line(n),
            Some((c, n)) if nir::is_separator(c) => Gap::Sep(n),
            _ => Gap::None,
        },
    }
}

/// The separators between two groups of a NIR at `pos`: up to 3 of
/// [`nir::is_separator`] on one line, or one line break with up to 3 on each
/// side (a blank line is not crossed). Returns the length (0 if there is no
/// separator) and whether a line break was crossed.
#[inline]
fn nir_gap(text: &str, pos: usize) -> (usize, bool) {
    let b = text.as_bytes();
    // the common case: one space, then the next group
    if b.get(pos) == Some(&b' ') && b.get(pos + 1).is_some_and(u8::is_ascii_alphanumeric) {
        return (1, false);
    }
    let seps = |mut p: usize| {
        for _ in 0..3 {
            match gap_at(text, p) {
                Gap::Sep(n) => p += n,
                _ => break,
            }
        }
        p
    };
    let p = seps(pos);
    match gap_at(text, p) {
        Gap::Line(n) => (seps(p + n) - pos, true),
        _ => (p - pos, false),
    }
}

/// The length of one separator inside a phone number at `pos`: `/` or one of
/// [`nir::is_separator`] but a line break (0 if there is none).
#[inline]
fn phone_sep_len(text: &str, pos: usize) -> usize {
    match text.as_bytes().get(pos) {
        None => 0,
        Some(b'/') => 1,
        Some(&c) if c.is_ascii() => usize::from(c != b'\n' && c != b'\r' && nir::is_separator(char::from(c))),
        Some(_) => match gap_at(text, pos) {
            Gap::Sep(n) => n,
            _ => 0,
        },
    }
}

/// Country codes accepted after a `00` international prefix: France and its
/// overseas départements, and its neighbours.
const DIAL_CODES: [&[u8]; 14] =
    [b"33", b"262", b"590", b"594", b"596", b"508", b"32", b"41", b"44", b"49", b"34", b"39", b"352", b"377"];

/// The length of a separator inside a number at `pos` (space, dot, dash, no-break spaces).
#[inline]
fn sep_len(b: &[u8], pos: usize) -> usize {
    match b.get(pos..) {
        Some([b' ' | b'.' | b'-', ..]) => 1,
        Some([0xC2, 0xA0, ..]) => 2,
        Some([0xE2, 0x80, 0xAF, ..]) => 3,
        _ => 0,
    }
}

/// Bytes sought by [`find_byte`]: `@`, or the brackets that open a bracketed word.
#[derive(Clone, Copy)]
enum Sought {
    At,
    OpenBracket,
}

impl Sought {
    fn hit(self, c: u8) -> bool {
        match self {
            Sought::At => c == b'@',
            Sought::OpenBracket => email::is_open_bracket(c),
        }
    }

    /// A non-zero word if one of the 8 bytes of `w` is sought (exact for the
    /// lowest one, all a search needs).
    #[inline]
    fn any_in(self, w: u64) -> u64 {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        match self {
            Sought::At => zero_byte(w ^ (ONES * u64::from(b'@'))),
            // '(' and, with bit 5 set, '[' or '{' (0x5B | 0x20 = 0x7B)
            Sought::OpenBracket => {
                zero_byte(w ^ (ONES * u64::from(b'('))) | zero_byte((w | (ONES * 0x20)) ^ (ONES * u64::from(b'{')))
            }
        }
    }
}

/// The first position at or after `from` of a byte `what` seeks, 8 bytes at a
/// time (this runs over every text with e-mail detection on).
#[inline]
fn find_byte(b: &[u8], from: usize, what: Sought) -> Option<usize> {
    let rest = b.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut base = from;
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        if what.any_in(u64::from_le_bytes(w)) != 0 {
            return chunk.iter().position(|&c| what.hit(c)).map(|p| base + p);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&c| what.hit(c)).map(|p| base + p)
}

/// Where the next bracketed `at` ([`email::is_bracketed_at`]) at or after `from` starts.
fn find_bracketed_at(b: &[u8], from: usize) -> Option<usize> {
    let mut p = from;
    loop {
        let k = find_byte(b, p, Sought::OpenBracket)?;
        if email::is_bracketed_at(b, k) {
            return Some(k);
        }
        p = k + 1;
    }
}

/// The first byte of the folded form of the character at `pos`.
#[inline]
fn first_folded_byte(text: &str, pos: usize) -> Option<u8> {
    let c = text.get(pos..)?.chars().next()?;
    match fold_char(c) {
        Folded::One(b) | Folded::Two(b, _) => Some(b),
        Folded::Other(o) => {
            let mut buf = [0u8; 4];
            Some(o.encode_utf8(&mut buf).as_bytes()[0])
        }
        Folded::Drop => None,
    }
}

/// Matches the folded token `tok` against the whole word at `pos`; returns its end.
fn match_token(text: &str, pos: usize, tok: &[u8]) -> Option<usize> {
    let b = text.as_bytes();
    let mut ti = 0;
    let mut i = pos;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            if !c.is_ascii_alphanumeric() {
                break;
            }
            if tok.get(ti) != Some(&c.to_ascii_lowercase()) {
                return None;
            }
            ti += 1;
            i += 1;
        } else {
            let ch = text.get(i..)?.chars().next()?;
            if !is_word_char(ch) {
                break;
            }
            match fold_char(ch) {
                Folded::One(x) => {
                    if tok.get(ti) != Some(&x) {
                        return None;
                    }
                    ti += 1;
                }
                Folded::Two(x, y) => {
                    if tok.get(ti..ti + 2) != Some(&[x, y][..]) {
                        return None;
                    }
                    ti += 2;
                }
                Folded::Drop => {}
                Folded::Other(o) => {
                    let mut buf = [0u8; 4];
                    let enc = o.encode_utf8(&mut buf).as_bytes();
                    if tok.get(ti..ti + enc.len()) != Some(enc) {
                        return None;
                    }
                    ti += enc.len();
                }
            }
            i += ch.len_utf8();
        }
    }
    (ti == tok.len() && i > pos).then_some(i)
}

/// Skips the gap between two words of a name: 1 to 3 non-word characters on one line.
fn skip_gap(text: &str, pos: usize) -> Option<usize> {
    let mut i = pos;
    let mut n = 0;
    for c in text.get(pos..)?.chars() {
        if is_word_char(c) {
            break;
        }
        if c == '\n' || c == '\r' || n == 3 {
            return None;
        }
        n += 1;
        i += c.len_utf8();
    }
    (n > 0 && i < text.len()).then_some(i)
}

/// What a word start gave.
enum Step {
    Found(Match),
    /// Nothing to report, and nothing to look for before this offset.
    Skip(usize),
    Nothing,
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    row: &'a RowContext,
    set: &'a NameSet,
    opts: &'a ScrubOptions,
    /// The next '@' at or after the last position asked; `None` once there is none left.
    at: Option<usize>,
    /// The next bracketed `at` (`(at)`, `[@]`, ...), likewise.
    obf: Option<usize>,
    /// A run of e-mail local-part characters already measured.
    local_run: (usize, usize),
    names: bool,
}

impl<'a> Scanner<'a> {
    /// Whether a match may end at `pos`: the end of the text or a non-word character.
    #[inline]
    fn boundary_after(&self, pos: usize) -> bool {
        match self.b.get(pos) {
            None => true,
            Some(&c) if c < 0x80 => !c.is_ascii_alphanumeric(),
            Some(_) => self.text.get(pos..).and_then(|s| s.chars().next()).is_none_or(|c| !is_word_char(c)),
        }
    }

    fn next_at(&mut self, i: usize) -> Option<usize> {
        match self.at {
            Some(a) if a >= i => Some(a),
            Some(_) => {
                self.at = find_byte(self.b, i, Sought::At);
                self.at
            }
            None => None,
        }
    }

    fn next_obf(&mut self, i: usize) -> Option<usize> {
        match self.obf {
            Some(o) if o >= i => Some(o),
            Some(_) => {
                self.obf = find_bracketed_at(self.b, i);
                self.obf
            }
            None => None,
        }
    }

    /// An e-mail address at `i`: its end, and whether it is written plain
    /// (else with a bracketed `at` or dots, see [`email::obfuscated_end`]).
    fn email_at(&mut self, i: usize) -> Option<(usize, bool)> {
        if let Some(a) = self.next_at(i) {
            let end = if self.local_run.0 <= i && i < self.local_run.1 {
                self.local_run.1
            } else {
                let mut e = i;
                while e < self.b.len() && email::is_text_local(self.b[e]) {
                    e += 1;
                }
                self.local_run = (i, e);
                e
            };
            if end == a && a != i {
                let local = &self.b[i..a];
                if local[local.len() - 1] == b'.' || local.windows(2).any(|w| w == b"..") {
                    return None;
                }
                if let Some(dend) = email::domain_end(self.b, a + 1) {
                    return self.boundary_after(dend).then_some((dend, true));
                }
                // "x@exemple [dot] fr"
                let dend = email::obfuscated_end(self.b, i)?;
                return self.boundary_after(dend).then_some((dend, false));
            }
        }
        let o = self.next_obf(i)?;
        if o - i > email::MAX_OBFUSCATED_LOCAL {
            return None;
        }
        let end = email::obfuscated_end(self.b, i)?;
        self.boundary_after(end).then_some((end, false))
    }

    /// A NIR or NIA at `i`: a run of its 15 characters with separators
    /// only where its groups meet ([`nir_group_end`], [`nir_gap`]: any
    /// separators of [`nir::is_separator`], mixed, up to 3 at a time), checked
    /// by [`nir::check_compact`].
    ///
    /// In one of the usual [`NIR_LAYOUTS`] it may be broken across one line
    /// break (`1 62 05 75` on one line, `123 456 36` on the next: one NIR, the
    /// whole span), or have each group on its own line. Then, and only then,
    /// `Err(Some(end))` means NIR-shaped (every structural rule met) but the
    /// key does not match: a mistyped NIR, which the caller skips rather than
    /// find a phone number inside it; so is a NIR without its key (13
    /// characters, see [`Scanner::nir_body_end`]). Across a line break too: a
    /// phone number is never the tail of a usual layout (none ends with five
    /// 2-digit groups or a 10-digit one), so skipping the whole span hides
    /// none, where the next line's part of a mistyped NIR would otherwise read
    /// as one. In other layouts (`18505 7511542355`, `1000175001 00144`) only a
    /// valid NIR is reported: `214 0793938263` (a room and a phone number)
    /// skips nothing.
    fn nir_at(&self, i: usize) -> Result<(usize, [u8; 15]), Option<usize>> {
        let b = self.b;
        if !matches!(b[i], b'1'..=b'4' | b'7' | b'8') {
            return Err(None);
        }
        let mut buf = [0u8; 15];
        let mut lens = [0u8; 8];
        let mut groups = 0;
        let mut k = 0;
        let mut pos = i;
        // how many line breaks were crossed
        let mut lines = 0;
        loop {
            let gs = pos;
            while pos < b.len() && b[pos].is_ascii_alphanumeric() {
                if k == 15 {
                    return Err(None);
                }
                buf[k] = b[pos].to_ascii_uppercase();
                k += 1;
                pos += 1;
            }
            if pos == gs || groups == lens.len() {
                return Err(None);
            }
            lens[groups] = (pos - gs) as u8;
            groups += 1;
            if k == 15 {
                break;
            }
            let (sl, line) = nir_gap(self.text, pos);
            // one line break, or one between every two groups
            let lines_ok = if line { lines == 0 || lines == groups - 1 } else { lines <= 1 };
            let next = b.get(pos + sl).is_some_and(u8::is_ascii_alphanumeric);
            if sl == 0 || !next || !lines_ok || !nir_group_end(&buf, k) {
                return Err(self.nir_body_end(&buf, k, &lens[..groups], pos));
            }
            lines += usize::from(line);
            pos += sl;
        }
        let usual = NIR_LAYOUTS.contains(&&lens[..groups]);
        if !self.boundary_after(pos) || (lines > 0 && !usual) {
            return Err(None);
        }
        match nir::check_compact(&buf, nir::Flavour::Matricule) {
            Ok(()) => Ok((pos, buf)),
            Err(nir::NirError::Key) if usual => Err(Some(pos)),
            Err(_) => Err(None),
        }
    }

    /// Whether the `k` characters read, in groups of `lens` ending at `pos`,
    /// are the 13 characters of a NIR without its key (a usual layout but its
    /// last group; every structural rule met): then `Some(pos)`, so that the
    /// caller skips it rather than find a phone number inside it.
    fn nir_body_end(&self, buf: &[u8; 15], k: usize, lens: &[u8], pos: usize) -> Option<usize> {
        if k != 13 || !NIR_LAYOUTS.iter().any(|l| l.split_last().is_some_and(|(&key, body)| key == 2 && body == lens)) {
            return None;
        }
        let mut body = *buf;
        // no key is 00: the check fails on the key alone if everything else is right
        body[13..].copy_from_slice(b"00");
        let keyless = nir::check_compact(&body, nir::Flavour::Matricule) == Err(nir::NirError::Key);
        (keyless && self.boundary_after(pos)).then_some(pos)
    }

    /// A phone number at `i` (a digit, a `+` followed by one, or the `(` of a
    /// trunk zero in parentheses: `(0)6 12 34 56 78`).
    ///
    /// A run of digit groups is read, then handed to [`phone::e164_of`]: the
    /// number ends at the first group boundary where its digits form a French
    /// number, or at the last one for another country. Separators are one
    /// character each, `/` or one of [`nir::is_separator`] but a line break.
    /// - After a `+` (the writer said it is a phone number), groups may have any
    ///   length and separators may change, and a group may stand in
    ///   parentheses: `+1 (555) 123-4567`, `+33 0 6 12 34 56 78`,
    ///   `+33 (0)6 ...`, `+33 6 12 34 56 7 8`.
    /// - Otherwise (national numbers, `00` and a country code) the separator is
    ///   the same one throughout (after the country code of an international
    ///   number), so that neighbouring numbers (a date, a dose) are not glued
    ///   into one, and there is no 1-digit group but the one right after `(0)`
    ///   or after the country code (where `(0)` may stand too: `0033 (0)6 ...`).
    fn phone_at(&self, i: usize) -> Option<(usize, phone::E164)> {
        let b = self.b;
        let plus = b[i] == b'+';
        let paren = b[i] == b'(';
        if !plus && !paren && b[i] != b'0' {
            // written without a '+', a number starts with its trunk 0 or 00 (see phone::e164_of)
            return None;
        }
        let mut digits = [0u8; 17];
        let mut nd = 0;
        let mut pos = if plus { i + 1 } else { i };
        if paren {
            // "(0)", an optional space, then the number's first digit (not a second 0)
            if b.get(i..i + 3) != Some(b"(0)") {
                return None;
            }
            pos = if b.get(i + 3) == Some(&b' ') { i + 4 } else { i + 3 };
            if !b.get(pos).is_some_and(|c| (b'1'..=b'9').contains(c)) {
                return None;
            }
            digits[0] = b'0';
            nd = 1;
        }
        let intl = plus || (!paren && b[pos..].starts_with(b"00"));
        // (digits so far, end) at each group's end
        // at each group's end: digits so far, its offset from `i` (at most
        // 17 digits and 12 separators of 5 bytes), whether a 1-digit group came
        // after the first two
        let mut bounds = [(0u8, 0u8, false); 12];
        let mut nb = 0;
        let mut sep: &[u8] = &[];
        // after a '+': a '(' opened before the current group, separator changes
        let mut open = false;
        let mut changes = 0;
        let mut irregular = false;
        loop {
            let gs = pos;
            while pos < b.len() && b[pos].is_ascii_digit() && nd < digits.len() {
                digits[nd] = b[pos];
                nd += 1;
                pos += 1;
            }
            let len = pos - gs;
            let glued = b.get(pos).is_some_and(u8::is_ascii_alphanumeric);
            let short = len == 1 && !(plus || (intl && nb == 1) || (paren && nb == 0));
            // a group in parentheses closes right after it ("(555)", "(0)")
            let unclosed = open && b.get(pos) != Some(&b')');
            if len == 0 || glued || short || unclosed {
                if nb == 0 {
                    return None;
                }
                // this group is not part of the number (the bounds recorded so far stand)
                break;
            }
            irregular |= len == 1 && nb >= 2;
            bounds[nb] = (nd as u8, (pos - i) as u8, irregular);
            nb += 1;
            if nb == bounds.len() {
                break;
            }
            if plus {
                // ")", a separator, "(": each optional, one at least
                let mut p = pos;
                if open {
                    p += 1;
                    open = false;
                }
                let sl = phone_sep_len(self.text, p);
                let this = &b[p..p + sl];
                p += sl;
                if b.get(p) == Some(&b'(') {
                    p += 1;
                    open = true;
                }
                if p == pos || !b.get(p).is_some_and(u8::is_ascii_digit) {
                    break;
                }
                // the separator after the country code is free, parentheses
                // alone are neutral; then one change at most ("+1 (555)
                // 123-4567"), so that the next number is not glued on
                if nb >= 2 && sl > 0 {
                    if sep.is_empty() {
                        sep = this;
                    } else if sep != this {
                        if changes == 1 {
                            break;
                        }
                        changes += 1;
                        sep = this;
                    }
                }
                pos = p;
                continue;
            }
            if intl && nb == 1 {
                // "0033 (0)6 ...": the trunk zero in parentheses
                let p = if b.get(pos) == Some(&b' ') { pos + 1 } else { pos };
                if b.get(p..p + 3) == Some(b"(0)") && nd < digits.len() {
                    digits[nd] = b'0';
                    nd += 1;
                    pos = p + 3;
                    if b.get(pos) == Some(&b' ') {
                        pos += 1;
                    }
                    if b.get(pos).is_some_and(u8::is_ascii_digit) {
                        continue;
                    }
                    break;
                }
            }
            let sl = phone_sep_len(self.text, pos);
            if sl == 0 || !b.get(pos + sl).is_some_and(u8::is_ascii_digit) {
                break;
            }
            let this = &b[pos..pos + sl];
            if !(intl && nb == 1) {
                if sep.is_empty() {
                    sep = this;
                } else if sep != this {
                    break;
                }
            }
            pos += sl;
        }
        if intl && !plus {
            // "00" + a country code: only the codes French texts use, so that
            // "n° 2024-0012 ..." is not read as a call abroad
            let cc = &digits[2..usize::from(bounds[0].0)];
            let known = |c: &&[u8]| if cc.len() <= 3 { cc == *c } else { cc.starts_with(c) };
            if !DIAL_CODES.iter().any(known) {
                return None;
            }
        }
        let mut best = None;
        for &(cum, off, irregular) in &bounds[..nb] {
            let end = i + usize::from(off);
            if let Some(e) = phone::e164_of(plus, &digits[..usize::from(cum)]) {
                if e.french {
                    return self.boundary_after(end).then_some((end, e));
                }
                // another country's number has regular groups
                if !irregular {
                    best = Some((end, e));
                }
            }
        }
        best.filter(|&(end, _)| self.boundary_after(end))
    }

    fn date_at(&self, i: usize) -> Option<(usize, date::ParsedDate)> {
        let (end, parsed) = date::date_at(self.text, i, true)?;
        // "04.11.25.50": part of a longer dotted number, not a date
        if let (Some(&c), Some(&d)) = (self.b.get(end), self.b.get(end + 1)) {
            if matches!(c, b'.' | b'/' | b'-') && d.is_ascii_digit() && self.b[i..end].contains(&c) {
                return None;
            }
        }
        let t_time = matches!(self.b.get(end), Some(b'T')) && self.b.get(end + 1).is_some_and(u8::is_ascii_digit);
        (t_time || self.boundary_after(end)).then_some((end, parsed))
    }

    fn iban_at(&self, i: usize) -> Option<(usize, [u8; 34], usize)> {
        let b = self.b;
        let head = b.get(i..i + 4)?;
        if !(head[0].is_ascii_alphabetic()
            && head[1].is_ascii_alphabetic()
            && head[2].is_ascii_digit()
            && head[3].is_ascii_digit())
        {
            return None;
        }
        let want = iban::country_length(&[head[0].to_ascii_uppercase(), head[1].to_ascii_uppercase()])?;
        let mut buf = [0u8; 34];
        let mut k = 0;
        let mut pos = i;
        loop {
            let gs = pos;
            while pos < b.len() && b[pos].is_ascii_alphanumeric() {
                if k == want {
                    return None;
                }
                buf[k] = b[pos].to_ascii_uppercase();
                k += 1;
                pos += 1;
            }
            if pos == gs {
                return None;
            }
            if k == want {
                break;
            }
            let sl = match sep_len(b, pos) {
                1 if b[pos] == b'.' => 0,
                n => n,
            };
            if sl == 0 || !b.get(pos + sl).is_some_and(u8::is_ascii_alphanumeric) {
                return None;
            }
            pos += sl;
        }
        (self.boundary_after(pos) && iban::check_digits_ok(&buf[..want])).then_some((pos, buf, want))
    }

    /// A name of the [`NameSet`] at `i`.
    fn set_at(&self, i: usize) -> Option<(usize, Found)> {
        let mut buf = [0u8; 64];
        let (end, n) = fold_word(self.text, i, &mut buf)?;
        let word = std::str::from_utf8(&buf[..n]).ok()?;
        let candidates = self.set.map.get(word)?;
        'candidates: for (rest, found) in candidates {
            let mut pos = end;
            for w in rest {
                match skip_gap(self.text, pos).and_then(|p| match_token(self.text, p, w.as_bytes())) {
                    Some(next) => pos = next,
                    None => continue 'candidates,
                }
            }
            return Some((pos, *found));
        }
        None
    }

    fn names_at(&self, i: usize) -> Option<(usize, usize)> {
        let fb = first_folded_byte(self.text, i)?;
        if !self.row.has_first(fb) {
            return None;
        }
        let arena = self.row.arena.as_bytes();
        'patterns: for p in &self.row.patterns {
            if p.first != fb || (p.part && !self.opts.name_parts) {
                continue;
            }
            let mut pos = i;
            for (k, r) in self.row.tokens[p.tokens.clone()].iter().enumerate() {
                if k > 0 {
                    match skip_gap(self.text, pos) {
                        Some(next) => pos = next,
                        None => continue 'patterns,
                    }
                }
                match match_token(self.text, pos, &arena[r.clone()]) {
                    Some(end) => pos = end,
                    None => continue 'patterns,
                }
            }
            return Some((pos, p.entry));
        }
        None
    }

    /// Tries every detector at a word start.
    fn at_word_start(&mut self, i: usize) -> Step {
        let c = self.b[i];
        let m = |end, found, own| Step::Found(Match { start: i, end, found, own });
        if self.opts.email && (self.at.is_some() || self.obf.is_some()) {
            if let Some((end, plain)) = self.email_at(i) {
                let own = if self.row.structured & Found::Email.bit() != 0 {
                    let lower = if plain {
                        Some(self.text[i..end].to_ascii_lowercase())
                    } else {
                        email::unobfuscate(&self.b[i..end])
                    };
                    lower.and_then(|l| self.row.own(Found::Email, l.as_bytes()))
                } else {
                    None
                };
                return m(end, Found::Email, own);
            }
        }
        let mut skip = None;
        if c.is_ascii_digit() {
            if self.opts.nir {
                match self.nir_at(i) {
                    Ok((end, buf)) => return m(end, Found::Nir, self.row.own(Found::Nir, &buf)),
                    Err(s) => skip = s,
                }
            }
            if skip.is_none() && self.opts.phone {
                if let Some((end, e)) = self.phone_at(i) {
                    return m(end, Found::Phone, self.row.own(Found::Phone, e.as_bytes()));
                }
            }
            if skip.is_none() && self.opts.dates {
                if let Some((end, parsed)) = self.date_at(i) {
                    let own = if self.row.structured & Found::Date.bit() != 0 {
                        self.row.own(Found::Date, parsed.date.iso().as_bytes())
                    } else {
                        None
                    };
                    return m(end, Found::Date, own);
                }
            }
        } else if self.opts.iban && c.is_ascii_alphabetic() {
            if let Some((end, buf, len)) = self.iban_at(i) {
                return m(end, Found::Iban, self.row.own(Found::Iban, &buf[..len]));
            }
        }
        if self.names {
            if let Some((end, entry)) = self.names_at(i) {
                let found = self.row.entries.get(entry).map_or(Found::Identifier, |e| e.found);
                return m(end, found, Some(entry));
            }
        }
        if self.opts.names && !self.set.is_empty() && !c.is_ascii_digit() {
            if let Some((end, found)) = self.set_at(i) {
                return m(end, found, None);
            }
        }
        match skip {
            Some(end) => Step::Skip(end),
            None => Step::Nothing,
        }
    }

    fn run(&mut self, f: &mut impl FnMut(Match)) {
        let b = self.b;
        let n = b.len();
        let mut i = 0;
        let mut prev_word = false;
        while i < n {
            let c = b[i];
            let (word, len) = if c < 0x80 {
                (c.is_ascii_alphanumeric(), 1)
            } else {
                match self.text.get(i..).and_then(|s| s.chars().next()) {
                    Some(ch) => (is_word_char(ch), ch.len_utf8()),
                    None => (false, 1),
                }
            };
            if !word {
                let phone_start = match c {
                    b'+' => !prev_word && b.get(i + 1).is_some_and(u8::is_ascii_digit),
                    b'(' => b.get(i + 1) == Some(&b'0'),
                    _ => false,
                };
                if phone_start && self.opts.phone {
                    if let Some((end, e)) = self.phone_at(i) {
                        f(Match { start: i, end, found: Found::Phone, own: self.row.own(Found::Phone, e.as_bytes()) });
                        i = end;
                        prev_word = true;
                        continue;
                    }
                }
                prev_word = false;
                i += len;
                continue;
            }
            if prev_word {
                // a NIR glued to a word ("NIR185057511542355")
                if self.opts.nir && c.is_ascii_digit() && b[i - 1].is_ascii_alphabetic() {
                    match self.nir_at(i) {
                        Ok((end, buf)) => {
                            f(Match { start: i, end, found: Found::Nir, own: self.row.own(Found::Nir, &buf) });
                            i = end;
                            continue;
                        }
                        Err(Some(end)) => {
                            i = end;
                            continue;
                        }
                        Err(None) => {}
                    }
                }
                i += len;
                continue;
            }
            match self.at_word_start(i) {
                Step::Found(m) => {
                    f(m);
                    i = m.end;
                }
                Step::Skip(end) => i = end,
                Step::Nothing => i += len,
            }
            prev_word = true;
        }
    }
}

/// Calls `f` with each identifier found in `text`, in order, without overlaps.
pub fn scan(text: &str, row: &RowContext, options: &ScrubOptions, f: impl FnMut(Match)) {
    scan_with(text, row, &NameSet::new(), options, f)
}

/// [`scan`], also looking for the names of `set` (reported with `own: None`).
pub fn scan_with(text: &str, row: &RowContext, set: &NameSet, options: &ScrubOptions, mut f: impl FnMut(Match)) {
    let b = text.as_bytes();
    let at = if options.email { find_byte(b, 0, Sought::At) } else { None };
    let obf = if options.email { find_bracketed_at(b, 0) } else { None };
    let mut scanner = Scanner {
        text,
        b,
        row,
        set,
        opts: options,
        at,
        obf,
        local_run: (0, 0),
        names: options.names && !row.patterns.is_empty(),
    };
    scanner.run(&mut f);
}

/// The identifiers found in `text` (see [`scan`]).
pub fn find(text: &str, row: &RowContext, options: &ScrubOptions) -> Vec<Match> {
    let mut out = Vec::new();
    scan(text, row, options, |m| out.push(m));
    out
}

/// Appends `text` to `out` with every identifier found replaced by its tag, or
/// by the replacement given with the row's value it matched; returns what was replaced.
///
/// ```
/// use masque::ident::scrub::{scrub, Found, RowContext, ScrubOptions};
/// let mut row = RowContext::new();
/// row.add(Found::Surname, "DUPONT", None);
/// row.add(Found::FirstName, "Jérôme", Some("K7QX2M"));
/// let mut out = String::new();
/// let text = "Patient jerome Dupont, NIR 1 85 05 75 115 423 55,\nrappeler au 06.12.34.56.78";
/// let counts = scrub(text, &row, &ScrubOptions::default(), &mut out);
/// assert_eq!(out, "Patient K7QX2M [NOM], NIR [NIR],\nrappeler au [TEL]");
/// assert_eq!(counts.total(), 4);
/// ```
pub fn scrub(text: &str, row: &RowContext, options: &ScrubOptions, out: &mut String) -> ScrubCounts {
    scrub_with(text, row, &NameSet::new(), options, out)
}

/// [`scrub`], also replacing the names of `set` with their tags.
pub fn scrub_with(
    text: &str,
    row: &RowContext,
    set: &NameSet,
    options: &ScrubOptions,
    out: &mut String,
) -> ScrubCounts {
    let mut counts = ScrubCounts::default();
    let mut last = 0;
    scan_with(text, row, set, options, |m| {
        out.push_str(&text[last..m.start]);
        out.push_str(m.own.and_then(|e| row.replacement(e)).unwrap_or(m.found.tag()));
        last = m.end;
        counts.count(m.found);
    });
    out.push_str(&text[last..]);
    counts
}

/// A column of the same table whose value in each row is looked for in that row's text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// What the column holds.
    pub found: Found,
    /// The column.
    pub column: &'a Column,
    /// What replaces its values, indexed by the column's dictionary codes (the
    /// pseudonym of each distinct value); `None` for the tag.
    pub replacements: Option<&'a [String]>,
    /// Also look for every distinct value of the column in every row (a
    /// [`NameSet`]; such matches get the tag). For surname and first-name
    /// columns, so that relatives named in a comment are removed too.
    pub everywhere: bool,
}

/// Why [`scrub_column`] cannot run. Names columns, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScrubColumnError {
    /// A source column does not have as many rows as the text column.
    RowCount {
        /// The source column.
        column: String,
    },
    /// A source's replacements do not have one entry per distinct value.
    Replacements {
        /// The source column.
        column: String,
    },
}

impl std::fmt::Display for ScrubColumnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScrubColumnError::RowCount { column } => {
                write!(f, "column {column:?} does not have as many rows as the text column")
            }
            ScrubColumnError::Replacements { column } => {
                write!(f, "the replacements for column {column:?} do not cover its distinct values")
            }
        }
    }
}

impl std::error::Error for ScrubColumnError {}

/// Scrubs every cell of `text`, looking in each row for that row's values of
/// `sources` (and for all their values, for the sources marked `everywhere`).
///
/// Returns the new column (same name) and the total counts. Without sources each
/// distinct value is scrubbed once.
pub fn scrub_column(
    text: &Column,
    sources: &[Source<'_>],
    options: &ScrubOptions,
) -> Result<(Column, ScrubCounts), ScrubColumnError> {
    for s in sources {
        if s.column.codes.len() != text.codes.len() {
            return Err(ScrubColumnError::RowCount { column: s.column.name.clone() });
        }
        if s.replacements.is_some_and(|r| r.len() != s.column.dict.len()) {
            return Err(ScrubColumnError::Replacements { column: s.column.name.clone() });
        }
    }
    let mut dict = Dictionary::new();
    let mut codes = Vec::with_capacity(text.codes.len());
    let mut total = ScrubCounts::default();
    let mut out = String::new();
    let mut set = NameSet::new();
    for s in sources.iter().filter(|s| s.everywhere) {
        for value in s.column.dict.iter() {
            set.add(s.found, value);
        }
    }
    if sources.is_empty() || !options.names {
        let empty = RowContext::new();
        let mut memo: Vec<Option<(u32, ScrubCounts)>> = vec![None; text.dict.len()];
        for &code in &text.codes {
            let slot = &mut memo[code as usize];
            let (new, counts) = match slot {
                Some(done) => *done,
                None => {
                    out.clear();
                    let counts = scrub(text.dict.get(code), &empty, options, &mut out);
                    let done = (dict.intern(&out), counts);
                    *slot = Some(done);
                    done
                }
            };
            codes.push(new);
            total += counts;
        }
    } else {
        let mut ctx = RowContext::new();
        for (row, &code) in text.codes.iter().enumerate() {
            let value = text.dict.get(code);
            if !value.bytes().any(|c| c.is_ascii_alphanumeric() || c >= 0x80) {
                codes.push(dict.intern(value));
                continue;
            }
            ctx.clear();
            for s in sources {
                let c = s.column.codes[row];
                let replacement = s.replacements.and_then(|r| r.get(c as usize)).map(String::as_str);
                ctx.add(s.found, s.column.dict.get(c), replacement);
            }
            out.clear();
            total += scrub_with(value, &ctx, &set, options, &mut out);
            codes.push(dict.intern(&out));
        }
    }
    dict.shrink_to_fit();
    Ok((Column { name: text.name.clone(), codes, dict }, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, row: &RowContext) -> String {
        let mut out = String::new();
        scrub(text, row, &ScrubOptions::default(), &mut out);
        out
    }

    fn plain(text: &str) -> String {
        run(text, &RowContext::new())
    }

    #[test]
    fn nirs() {
        let cases = [
            ("NIR 1 85 05 75 115 423 55 ok", "NIR [NIR] ok"),
            ("NIR:185057511542355.", "NIR:[NIR]."),
            ("NIR185057511542355", "NIR[NIR]"),
            ("nir 1.85.05.75.115.423.55", "nir [NIR]"),
            ("2 53 07 2A 073 004 43", "[NIR]"),
            ("2 53 07 2a 073 004 43", "[NIR]"),
            ("2\u{a0}53\u{a0}07 2B 073 004 70\n", "[NIR]\n"),
            // wrong key, transposed digits: kept, and no phone number found inside
            ("1 85 05 75 115 423 58", "1 85 05 75 115 423 58"),
            ("NIR 1 85 05 75 115 423 57 ok", "NIR 1 85 05 75 115 423 57 ok"),
            ("1 58 05 75 115 423 55", "1 58 05 75 115 423 55"),
            // part of a longer number: kept
            ("1850575115423551", "1850575115423551"),
            ("91850575115423551", "91850575115423551"),
            ("x1850575115423551", "x1850575115423551"),
            // digits of neighbouring numbers do not make a NIR (layouts are checked)
            ("dossier 4512345678 2 61 06", "dossier 4512345678 2 61 06"),
            ("1955-07-23 1 74 05 44 408 057 89", "[DATE] 1 74 05 44 408 057 89"),
            // separators only where the NIR's groups meet, any of them, mixed
            ("18505 75115 42355", "[NIR]"),
            ("1850575115423 55", "[NIR]"),
            ("1 85057511542355", "[NIR]"),
            ("18505 7511542355", "[NIR]"),
            ("1\u{2013}85\u{2013}05\u{2013}75\u{2013}115\u{2013}423\u{2013}55", "[NIR]"),
            ("1  85  05  75  115  423  55", "[NIR]"),
            ("1\t85\t05\t75\t115\t423\t55", "[NIR]"),
            ("1 85.05-75\u{a0}115\u{202f}423 55", "[NIR]"),
            ("1000175001 00144", "[NIR]"),
            ("2 45 03 974 11 123 ", "2 45 03 974 11 123 "),
            ("1\n85\n05\n75\n115\n423\n55", "[NIR]"),
            // other layouts skip nothing when the key is wrong: the phone number stays visible
            ("chambre 214 0793938263", "chambre 214 [TEL]"),
            ("chambre 214 \u{2013} 0889433187", "chambre 214 \u{2013} [TEL]"),
            ("appeler le 112.\n0157639468", "appeler le 112.\n[TEL]"),
            // ... and cross no line break: a valid key there is chance
            ("code 75011\n0927115996", "code 75011\n[TEL]"),
            // on one line it is a NIR (a code postal and a phone number whose key matches: tagged all the same)
            ("code 75011 0927115996", "code [NIR]"),
            // elsewhere they are not crossed
            ("1850 575115423 55", "1850 575115423 55"),
            ("18505751 1542355", "18505751 1542355"),
            ("2    95 10 99 126 111 93", "2    95 10 99 126 111 93"),
        ];
        for (input, want) in cases {
            assert_eq!(plain(input), want, "case {want:?}");
        }
    }

    #[test]
    fn phones() {
        let cases = [
            ("rappeler au 06 12 34 56 78", "rappeler au [TEL]"),
            ("tel:0612345678.", "tel:[TEL]."),
            ("06.12.34.56.78 ou 01-42-34-56-78", "[TEL] ou [TEL]"),
            ("+33 6 12 34 56 78", "[TEL]"),
            ("(+33 (0)6 12 34 56 78)", "([TEL])"),
            ("0033 6 12 34 56 78", "[TEL]"),
            ("appel +44 20 7946 0958 hier", "appel [TEL] hier"),
            ("06 12 34 56 78 90", "[TEL] 90"),
            // not phones
            ("06 12 34 56 7", "06 12 34 56 7"),
            ("061234567890", "061234567890"),
            ("16 12 34 56 78", "16 12 34 56 78"),
            ("a06 12 34 56 78", "a06 12 34 56 78"),
            ("0612345678ab", "0612345678ab"),
            ("5+3 = 8", "5+3 = 8"),
            ("0 6 12 34 56 78", "0 6 12 34 56 78"),
            ("ratio 0.5 2000-06-19", "ratio 0.5 [DATE]"),
            ("n° 2024-0012 1 55 02 01 69", "n° 2024-0012 1 55 02 01 69"),
            ("04.11.25.50.66 12 345 678 901", "[TEL] 12 345 678 901"),
            ("0182304145 08.89.29.17.31", "[TEL] [TEL]"),
            ("+33619546289 0jb@x.fr", "[TEL] [EMAIL]"),
            ("09-07-06 1947-05-17", "[DATE] [DATE]"),
            ("06 12.34.56.78", "06 12.34.56.78"),
            // slashes, a trunk 0 apart, irregular groups and foreign groupings after a +
            ("06/12/34/56/78", "[TEL]"),
            ("01/00/00/00/00.", "[TEL]."),
            ("+33 0 6 12 34 56 78", "[TEL]"),
            ("+33 6 12 34 56 7 8", "[TEL]"),
            ("+1 555 123 4567", "[TEL]"),
            ("(+1 (555) 123-4567)", "([TEL])"),
            ("+44 (0)20 7946 0958.", "[TEL]."),
            ("+33 06/12/34/56/78", "[TEL]"),
            // dates stay dates, mixed national separators stay apart
            ("le 06/12/2024", "le [DATE]"),
            ("06/12/24 06 12 34 56 78", "[DATE] [TEL]"),
            ("06/12 34/56/78", "06/12 34/56/78"),
            ("TA 13/8, 0/10, 1/2 cp", "TA 13/8, 0/10, 1/2 cp"),
            ("+5 kg en 2 mois, J+15", "+5 kg en 2 mois, J+15"),
        ];
        for (input, want) in cases {
            assert_eq!(plain(input), want, "case {want:?}");
        }
    }

    #[test]
    fn emails_ibans_dates() {
        let cases = [
            ("Contact: jean.dupont47@gmail.com.", "Contact: [EMAIL]."),
            ("<marie-claire_x+tag@chu-lyon.fr>", "<[EMAIL]>"),
            ("a@b", "a@b"),
            ("@home et toi@ ", "@home et toi@ "),
            ("RIB FR76 3000 6000 0112 3456 7890 189 ok", "RIB [IBAN] ok"),
            ("FR7630006000011234567890189", "[IBAN]"),
            ("FR76 3000 6000 0112 3456 7890 198", "FR76 3000 6000 0112 3456 7890 198"),
            ("né le 01/02/1985 à Lyon", "né le [DATE] à Lyon"),
            ("vu le 2024-03-12T10:30", "vu le [DATE]T10:30"),
            ("le 1er janvier 1985, le 3 févr. 2020", "le [DATE], le [DATE]"),
            ("dose 1/2 cp, 12.5 mg, 3 mois", "dose 1/2 cp, 12.5 mg, 3 mois"),
            ("31/02/2020", "31/02/2020"),
        ];
        for (input, want) in cases {
            assert_eq!(plain(input), want, "case {want:?}");
        }
    }

    #[test]
    fn byte_search() {
        // every byte value around each sought one, at every offset in a word
        for (what, sought) in [(Sought::At, &b"@"[..]), (Sought::OpenBracket, b"([{")] {
            for c in 0..=255u8 {
                for at in [0, 3, 7, 8, 9, 15, 16, 17, 20] {
                    let mut text = vec![c; 21];
                    text[at] = c.wrapping_add(1);
                    for from in [0, 1, 8, at, at + 1] {
                        let want = (from..text.len()).find(|&p| sought.contains(&text[p]));
                        assert_eq!(find_byte(&text, from, what), want, "{c} {at} from {from}");
                    }
                }
            }
        }
        assert_eq!(find_byte(b"x", 1, Sought::At), None);
        assert_eq!(find_byte(b"x", 2, Sought::At), None);
        assert_eq!(find_bracketed_at(b"(a) [at] (at)", 0), Some(4));
        assert_eq!(find_bracketed_at(b"(a) [at] (at)", 5), Some(9));
        assert_eq!(find_bracketed_at(b"(a) [at] (at", 5), None);
    }

    #[test]
    fn own_names() {
        let mut row = RowContext::new();
        row.add(Found::Surname, "LE GALL", None);
        row.add(Found::FirstName, "Jean-Pierre", None);
        let cases = [
            ("M. Le Gall est venu", "M. [NOM] est venu"),
            ("LEGALL jean pierre", "[NOM] [PRENOM]"),
            ("Mme le-gall", "Mme [NOM]"),
            ("Gall", "[NOM]"),
            ("Jean, son frère Pierre", "[PRENOM], son frère [PRENOM]"),
            ("le patient, la gallerie", "le patient, la gallerie"),
            ("Jeanne", "Jeanne"),
        ];
        for (input, want) in cases {
            assert_eq!(run(input, &row), want, "case {want:?}");
        }
        let mut row = RowContext::new();
        row.add(Found::Surname, "GÉRARD", Some("P1"));
        row.add(Found::FirstName, "Hélène", Some("P2"));
        assert_eq!(run("gerard HÉLÈNE, Gérard. He\u{301}le\u{300}ne!", &row), "P1 P2, P1. P2!");
        assert_eq!(run("Gérardmer", &row), "Gérardmer");
        let no_parts = ScrubOptions { name_parts: false, ..ScrubOptions::default() };
        let mut row = RowContext::new();
        row.add(Found::FirstName, "Jean-Pierre", None);
        let mut out = String::new();
        scrub("Jean et Jean-Pierre", &row, &no_parts, &mut out);
        assert_eq!(out, "Jean et [PRENOM]");
    }

    #[test]
    fn own_structured_values_get_their_replacement() {
        let mut row = RowContext::new();
        row.add(Found::Nir, "1 85 05 75 115 423 55", Some("NIRPSEUDO"));
        row.add(Found::Phone, "06 12 34 56 78", Some("TELPSEUDO"));
        row.add(Found::Email, "Jean.Dupont@Gmail.com", Some("MAILPSEUDO"));
        let text = "185057511542355 / 253072B07300470 / +33612345678 / 0698765432 / jean.dupont@gmail.com / a@b.fr";
        assert_eq!(run(text, &row), "NIRPSEUDO / [NIR] / TELPSEUDO / [TEL] / MAILPSEUDO / [EMAIL]");
        // the row's values written otherwise: a bracketed at, a NIR over two lines, a trunk zero in parentheses
        let text = "jean.dupont (at) gmail [dot] com / 1 85 05 75\n115 423 55 / (0)6 12 34 56 78 / x(at)y.fr";
        assert_eq!(run(text, &row), "MAILPSEUDO / NIRPSEUDO / TELPSEUDO / [EMAIL]");
        // an invalid NIR of the row is still found, as words
        let mut row = RowContext::new();
        row.add(Found::Nir, "1 85 05 75 115 423 58", None);
        assert_eq!(run("n° 185057511542358 et 1 85 05 75 115 423 58", &row), "n° [NIR] et [NIR]");
        // with detectors off, own values are still found
        let off =
            ScrubOptions { nir: false, phone: false, email: false, iban: false, dates: false, ..Default::default() };
        let mut row = RowContext::new();
        row.add(Found::Phone, "06 12 34 56 78", None);
        let mut out = String::new();
        scrub("tel 06 12 34 56 78 ou 0612345678, 01 02 03 04 05", &row, &off, &mut out);
        assert_eq!(out, "tel [TEL] ou [TEL], 01 02 03 04 05");
    }

    #[test]
    fn multiline_and_unicode() {
        let mut row = RowContext::new();
        row.add(Found::Surname, "François", None);
        let text = "Ligne 1 : FRANCOIS\r\nLigne 2 : 06 12 34 56 78 — «françois» ; 1 85 05 75 115 423 55\n€ ok";
        assert_eq!(run(text, &row), "Ligne 1 : [NOM]\r\nLigne 2 : [TEL] — «[NOM]» ; [NIR]\n€ ok");
        // a name split across lines is not joined
        let mut row = RowContext::new();
        row.add(Found::Surname, "Le Gall", None);
        row.add(Found::FirstName, "A", None);
        assert_eq!(run("le\ngall", &row), "le\n[NOM]");
        assert_eq!(run("A a", &row), "A a");
        let mut row = RowContext::new();
        row.add(Found::Identifier, "12", None);
        row.add(Found::Identifier, "P-0042", None);
        assert_eq!(run("12 comprimés, dossier P 0042, p0042", &row), "12 comprimés, dossier [ID], [ID]");
    }

    #[test]
    fn counts_and_matches() {
        let mut row = RowContext::new();
        let e = row.add(Found::Surname, "Dupont", None);
        let m = find("Dupont 06 12 34 56 78", &row, &ScrubOptions::default());
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].start, m[0].end, m[0].found, m[0].own), (0, 6, Found::Surname, Some(e)));
        assert_eq!((m[1].found, m[1].own), (Found::Phone, None));
        let mut out = String::new();
        let c = scrub("Dupont, dupont: 06 12 34 56 78", &row, &ScrubOptions::default(), &mut out);
        assert_eq!((c.surname, c.phone, c.total()), (2, 1, 3));
        assert!(format!("{row:?}").contains("entries: 1") && !format!("{row:?}").contains("upont"));
    }

    #[test]
    fn options_turn_detectors_off() {
        let text = "1 85 05 75 115 423 55 06 12 34 56 78 a@b.fr 01/02/1985 FR7630006000011234567890189";
        let none = ScrubOptions {
            nir: false,
            phone: false,
            email: false,
            iban: false,
            dates: false,
            names: false,
            name_parts: false,
        };
        let mut out = String::new();
        scrub(text, &RowContext::new(), &none, &mut out);
        assert_eq!(out, text);
        let opts: ScrubOptions = serde_json::from_str(r#"{"dates": false}"#).unwrap();
        assert!(!opts.dates && opts.nir);
        assert!(serde_json::from_str::<ScrubOptions>(r#"{"date": false}"#).is_err());
    }

    #[test]
    fn name_sets_find_other_rows_names() {
        let mut set = NameSet::new();
        for (found, v) in [
            (Found::FirstName, "Marie"),
            (Found::FirstName, "Jean-Pierre"),
            (Found::Surname, "LE GALL"),
            (Found::Surname, "Li"),
            (Found::Surname, "de"),
            (Found::Surname, "Gérard"),
        ] {
            set.add(found, v);
        }
        let mut row = RowContext::new();
        row.add(Found::Surname, "Dupont", Some("P1"));
        let mut out = String::new();
        let text = "Dupont, sa fille MARIE et Jean Pierre LE-GALL ; legall, Gall, Li, de, gerard, Mariette, Jean";
        let c = scrub_with(text, &row, &set, &ScrubOptions::default(), &mut out);
        assert_eq!(out, "P1, sa fille [PRENOM] et [PRENOM] [NOM] ; [NOM], Gall, Li, de, [NOM], Mariette, Jean");
        assert_eq!((c.surname, c.first_name), (4, 2));
        let off = ScrubOptions { names: false, ..ScrubOptions::default() };
        out.clear();
        scrub_with("Marie", &row, &set, &off, &mut out);
        assert_eq!(out, "Marie");
        assert!(format!("{set:?}").contains("first_words") && !format!("{set:?}").contains("marie"));
    }

    #[test]
    fn whole_columns() {
        let text = Column::from_values("commentaire", ["Patient Dupont 06 12 34 56 78", "", "RAS", "Patient Martin"]);
        let nom = Column::from_values("nom", ["DUPONT", "X", "Y", "MARTIN"]);
        let repl: Vec<String> = vec!["P-A".into(), "P-B".into(), "P-C".into(), "P-D".into()];
        let sources = [Source { found: Found::Surname, column: &nom, replacements: Some(&repl), everywhere: false }];
        let (col, counts) = scrub_column(&text, &sources, &ScrubOptions::default()).unwrap();
        let values: Vec<&str> = (0..4).map(|r| col.get(r)).collect();
        assert_eq!(values, ["Patient P-A [TEL]", "", "RAS", "Patient P-D"]);
        assert_eq!((counts.surname, counts.phone), (2, 1));
        let (col, counts) = scrub_column(&text, &[], &ScrubOptions::default()).unwrap();
        assert_eq!(col.get(0), "Patient Dupont [TEL]");
        assert_eq!(counts.total(), 1);
        let short = Column::from_values("nom", ["A"]);
        let bad = [Source { found: Found::Surname, column: &short, replacements: None, everywhere: false }];
        assert_eq!(
            scrub_column(&text, &bad, &ScrubOptions::default()).unwrap_err(),
            ScrubColumnError::RowCount { column: "nom".into() }
        );
        let bad = [Source { found: Found::Surname, column: &nom, replacements: Some(&repl[..2]), everywhere: false }];
        assert!(scrub_column(&text, &bad, &ScrubOptions::default()).is_err());
    }
}
