//! The single-pass scanner behind [`super::scan`]: it walks a text once and,
//! at each word start, tries the detectors in order (e-mail, NIR, phone
//! number, date, IBAN, the row's names, the file's names), with the byte-level
//! helpers they share: NIR layouts and separators, phone separators, and an
//! 8-bytes-at-a-time search for `@` and bracketed `at`.

use super::{Found, Match, NameSet, RowContext, ScrubOptions};
use crate::ident::fold::is_word_char;
use crate::ident::{date, email, iban, nir, phone};

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

/// What a word start gave.
enum Step {
    Found(Match),
    /// Nothing to report, and nothing to look for before this offset.
    Skip(usize),
    Nothing,
}

/// One walk over one text.
pub(super) struct Scanner<'a> {
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
    /// A scanner of `text` for `row`'s values, `set`'s names and what `options` turn on.
    pub(super) fn new(text: &'a str, row: &'a RowContext, set: &'a NameSet, options: &'a ScrubOptions) -> Scanner<'a> {
        let b = text.as_bytes();
        let at = if options.email { find_byte(b, 0, Sought::At) } else { None };
        let obf = if options.email { find_bracketed_at(b, 0) } else { None };
        Scanner {
            text,
            b,
            row,
            set,
            opts: options,
            at,
            obf,
            local_run: (0, 0),
            names: options.names && row.has_names(),
        }
    }

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
    /// Tries every detector at a word start.
    fn at_word_start(&mut self, i: usize) -> Step {
        let c = self.b[i];
        let m = |end, found, own| Step::Found(Match { start: i, end, found, own });
        if self.opts.email && (self.at.is_some() || self.obf.is_some()) {
            if let Some((end, plain)) = self.email_at(i) {
                let own = if self.row.has_structured(Found::Email) {
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
                    let own = if self.row.has_structured(Found::Date) {
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
            if let Some((end, entry, found)) = self.row.name_at(self.text, i, self.opts) {
                return m(end, found, Some(entry));
            }
        }
        if self.opts.names && !self.set.is_empty() && !c.is_ascii_digit() {
            if let Some((end, found)) = self.set.name_at(self.text, i) {
                return m(end, found, None);
            }
        }
        match skip {
            Some(end) => Step::Skip(end),
            None => Step::Nothing,
        }
    }

    /// Calls `f` with each identifier found, in order, without overlaps.
    pub(super) fn run(&mut self, f: &mut impl FnMut(Match)) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::scrub::scrub;

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
}
