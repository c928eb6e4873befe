//! Free-text scrubbing. Byte 0: the options (bit i set turns off nir, phone,
//! email, iban, dates, names, name_parts); byte 1 bit 0: the row's values also
//! go in a `NameSet`. Then text: lines before the first blank line are the row's
//! own values (first character: what it is, by its code modulo 8; an optional
//! tab then the replacement), the rest is the text. Matches must be in order,
//! disjoint, on character boundaries, and as many as `scrub` counts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use masque::ident::scrub::{find, scan_with, scrub, scrub_with, Found, NameSet, RowContext, ScrubOptions};
use masque_fuzz::split_head;

const KINDS: [Found; 8] = [
    Found::Nir,
    Found::Phone,
    Found::Email,
    Found::Iban,
    Found::Date,
    Found::Surname,
    Found::FirstName,
    Found::Identifier,
];

fuzz_target!(|data: &[u8]| {
    let [bits, extra, rest @ ..] = data else { return };
    let options = ScrubOptions {
        nir: bits & 1 == 0,
        phone: bits & 2 == 0,
        email: bits & 4 == 0,
        iban: bits & 8 == 0,
        dates: bits & 16 == 0,
        names: bits & 32 == 0,
        name_parts: bits & 64 == 0,
    };
    let all = String::from_utf8_lossy(rest);
    let (head, text) = split_head(&all);
    let mut row = RowContext::new();
    let mut set = NameSet::new();
    for line in head.lines() {
        let mut chars = line.chars();
        let Some(kind) = chars.next() else { continue };
        let found = KINDS[(kind as usize) % 8];
        let (value, replacement) = match chars.as_str().split_once('\t') {
            Some((v, r)) => (v, Some(r)),
            None => (chars.as_str(), None),
        };
        row.add(found, value, replacement);
        if extra & 1 != 0 {
            set.add(found, value);
        }
    }

    let mut matches = Vec::new();
    scan_with(text, &row, &set, &options, |m| matches.push(m));
    let mut last = 0;
    for m in &matches {
        assert!(m.start >= last && m.start < m.end && m.end <= text.len(), "matches out of order or overlapping");
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end), "a match splits a character");
        last = m.end;
    }
    let mut out = String::new();
    let counts = scrub_with(text, &row, &set, &options, &mut out);
    assert_eq!(counts.total(), matches.len() as u64, "scrub counts differ from the matches");

    let plain = find(text, &row, &options);
    let mut out = String::new();
    let counts = scrub(text, &row, &options, &mut out);
    assert_eq!(counts.total(), plain.len() as u64, "scrub counts differ from find");
});
