//! The names a text is searched for: the row's own values ([`RowContext`]:
//! surname, first name, identifiers, and the normalised form of its
//! structured values) and the file's names ([`NameSet`]), as folded words,
//! with the word-by-word matching the scanner calls at each word start
//! ([`RowContext::name_at`], [`NameSet::name_at`]).

use std::collections::HashMap;
use std::ops::Range;

use super::{Found, ScrubOptions};
use crate::ident::fold::{fold_char, fold_words, fold_words_into, is_word_char, Folded};
use crate::ident::{date, email, iban, nir, phone};

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

    /// Adds one of the row's values; returns its entry index (see [`Match::own`](super::Match::own)).
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

    /// The replacement given with entry `entry`, if any.
    pub(super) fn replacement(&self, entry: usize) -> Option<&str> {
        let r = self.entries.get(entry)?.replacement.clone()?;
        self.arena.get(r)
    }

    fn has_first(&self, b: u8) -> bool {
        self.first[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    /// Whether a value of kind `found` that validates was added, so that what
    /// the scanner detects of that kind may be one of the row's (see [`RowContext::own`]).
    pub(super) fn has_structured(&self, found: Found) -> bool {
        self.structured & found.bit() != 0
    }

    /// The entry of kind `found` whose normalised value equals `key`.
    pub(super) fn own(&self, found: Found, key: &[u8]) -> Option<usize> {
        if !self.has_structured(found) {
            return None;
        }
        self.entries.iter().position(|e| {
            e.found == found && e.normalised.clone().is_some_and(|r| self.arena.as_bytes().get(r) == Some(key))
        })
    }
}

impl RowContext {
    /// Whether any value is looked for as words.
    pub(super) fn has_names(&self) -> bool {
        !self.patterns.is_empty()
    }

    /// One of the row's values, as words, at the word start `i` of `text`
    /// (longest first; parts of compound names only with
    /// [`ScrubOptions::name_parts`]): its end, its entry and what it is.
    pub(super) fn name_at(&self, text: &str, i: usize, options: &ScrubOptions) -> Option<(usize, usize, Found)> {
        let fb = first_folded_byte(text, i)?;
        if !self.has_first(fb) {
            return None;
        }
        let arena = self.arena.as_bytes();
        'patterns: for p in &self.patterns {
            if p.first != fb || (p.part && !options.name_parts) {
                continue;
            }
            let mut pos = i;
            for (k, r) in self.tokens[p.tokens.clone()].iter().enumerate() {
                if k > 0 {
                    match skip_gap(text, pos) {
                        Some(next) => pos = next,
                        None => continue 'patterns,
                    }
                }
                match match_token(text, pos, &arena[r.clone()]) {
                    Some(end) => pos = end,
                    None => continue 'patterns,
                }
            }
            let found = self.entries.get(p.entry).map_or(Found::Identifier, |e| e.found);
            return Some((pos, p.entry, found));
        }
        None
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
        let folded = fold_words(value);
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

    /// A name of the set at the word start `i` of `text`: its end and what it is.
    pub(super) fn name_at(&self, text: &str, i: usize) -> Option<(usize, Found)> {
        let mut buf = [0u8; 64];
        let (end, n) = fold_word(text, i, &mut buf)?;
        let word = std::str::from_utf8(&buf[..n]).ok()?;
        let candidates = self.map.get(word)?;
        'candidates: for (rest, found) in candidates {
            let mut pos = end;
            for w in rest {
                match skip_gap(text, pos).and_then(|p| match_token(text, p, w.as_bytes())) {
                    Some(next) => pos = next,
                    None => continue 'candidates,
                }
            }
            return Some((pos, *found));
        }
        None
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::scrub::{scrub, scrub_with};

    fn run(text: &str, row: &RowContext) -> String {
        let mut out = String::new();
        scrub(text, row, &ScrubOptions::default(), &mut out);
        out
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
}
