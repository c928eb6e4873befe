//! Free-text scrubbing: finds identifiers in text and replaces them.
//!
//! [`scan`] walks the text once, left to right, and stops only at word starts
//! (a letter or digit after a non-word character, or a `+`). There it tries, in
//! order: an e-mail address (only when an `@` or a bracketed `at` follows the
//! word: `jean.dupont(at)exemple.fr`, `jean.dupont [at] exemple [dot] fr`, see
//! [`super::email`]; a bare ` at ` is prose), a NIR or NIA (its 15 characters
//! with separators of [`super::nir::is_separator`] wherever its groups meet, such as
//! `1 85 05 75 115 423 55`, `18505 7511542355`, `1–85–05–75–115–423–55`; in
//! the usual layouts possibly broken across one line break between two
//! groups; checked by [`super::nir::check_compact`], key included), a phone number
//! (a run of digit groups handed to [`super::phone::e164_of`]: national or
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
//!
//! The code: `vocabulary.rs` (what is found, options, counts), `people.rs`
//! (the row's and the file's names, and matching them), `scanner.rs` (the
//! walk and its detectors), `column.rs` (a whole column, other columns as
//! sources); this file, the entry points on one text.

mod column;
mod people;
mod scanner;
mod vocabulary;

pub use column::{scrub_column, ScrubColumnError, Source};
pub use people::{NameSet, RowContext};
pub use vocabulary::{Found, Match, ScrubCounts, ScrubOptions};

use scanner::Scanner;

/// Calls `f` with each identifier found in `text`, in order, without overlaps.
pub fn scan(text: &str, row: &RowContext, options: &ScrubOptions, f: impl FnMut(Match)) {
    scan_with(text, row, &NameSet::new(), options, f)
}

/// [`scan`], also looking for the names of `set` (reported with `own: None`).
pub fn scan_with(text: &str, row: &RowContext, set: &NameSet, options: &ScrubOptions, mut f: impl FnMut(Match)) {
    Scanner::new(text, row, set, options).run(&mut f);
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
/// use masque_core::ident::scrub::{scrub, Found, RowContext, ScrubOptions};
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
