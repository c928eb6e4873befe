//! E-mail addresses: a pragmatic subset of RFC 5322 (`local@domain`).
//!
//! - local part: 1-64 characters among letters, digits and ``!#$%&'*+/=?^_`{|}~.-``,
//!   no leading, trailing or doubled dot (quoted local parts are not accepted);
//! - domain: 2 or more labels of letters, digits and inner hyphens (1-63 each),
//!   the last one alphabetic (2+ letters) or an IDNA `xn--` label; ASCII only.
//!
//! The normalised form is lower case (the whole address: mail providers treat
//! the local part case-insensitively in practice).
//!
//! In free text, addresses are also written to foil harvesters, with the `@`
//! and dots as bracketed words: `jean.dupont(at)exemple.fr`,
//! `jean.dupont [at] exemple [dot] fr`, `[@]`, `(arobase)`, `(point)`. The
//! scanner finds those ([`obfuscated_end`]); a bare ` at ` or ` dot ` is prose,
//! never an address. [`validate`] accepts only the plain form.

use super::{IdentifierKind, Invalid, Reason};

/// Whether `c` may appear in a local part (RFC 5322 `atext` or a dot).
fn is_atext(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&c)
}

/// Whether `c` may appear in the local part of an address found in free text
/// (a narrower set, so that punctuation around an address is not taken in).
#[inline]
pub(crate) fn is_text_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// Parses a domain starting at `start`; returns where it ends.
///
/// Labels are read greedily; a trailing dot is not part of the domain.
pub(crate) fn domain_end(b: &[u8], start: usize) -> Option<usize> {
    domain(b, start, false, None)
}

/// The longest domain name, in characters.
const MAX_DOMAIN: usize = 253;

/// The longest local part, in characters.
const MAX_LOCAL: usize = 64;

/// A domain at `start`, its labels joined by dots (and, if `bracketed_dots`,
/// by bracketed dots); returns its end. The domain's plain form, lower case, is
/// appended to `out` if given. Reads at most [`MAX_DOMAIN`] characters of labels.
fn domain(b: &[u8], start: usize, bracketed_dots: bool, mut out: Option<&mut String>) -> Option<usize> {
    let mut pos = start;
    let mut labels = 0;
    let mut plain_len = 0;
    let mut last_label: (usize, usize);
    loop {
        let label_start = pos;
        while pos < b.len() && (b[pos].is_ascii_alphanumeric() || b[pos] == b'-') && pos - label_start < 64 {
            pos += 1;
        }
        let label = &b[label_start..pos];
        if label.is_empty() || label.len() > 63 || label[0] == b'-' || label[label.len() - 1] == b'-' {
            return None;
        }
        labels += 1;
        plain_len += label.len();
        if plain_len > MAX_DOMAIN {
            return None;
        }
        if let Some(o) = out.as_deref_mut() {
            o.extend(label.iter().map(|&c| char::from(c.to_ascii_lowercase())));
        }
        last_label = (label_start, pos);
        let next = if pos + 1 < b.len() && b[pos] == b'.' && b[pos + 1].is_ascii_alphanumeric() {
            Some(pos + 1)
        } else if bracketed_dots {
            bracketed_word(b, pos, &DOT_WORDS).filter(|&n| b.get(n).is_some_and(u8::is_ascii_alphanumeric))
        } else {
            None
        };
        match next {
            Some(n) => {
                pos = n;
                plain_len += 1;
                if let Some(o) = out.as_deref_mut() {
                    o.push('.');
                }
            }
            None => break,
        }
    }
    let tld = &b[last_label.0..last_label.1];
    let tld_ok = (tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic))
        || (tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--"));
    if labels >= 2 && tld_ok && plain_len <= MAX_DOMAIN {
        Some(pos)
    } else {
        None
    }
}

/// Words that stand for the `@` when bracketed (longest first where one is a prefix of another).
const AT_WORDS: [&[u8]; 4] = [b"at", b"@", b"arobase", b"arobas"];

/// Words that stand for a dot when bracketed.
const DOT_WORDS: [&[u8]; 3] = [b"dot", b".", b"point"];

/// How many spaces may stand around a bracketed word, and inside its brackets.
const MAX_SPACES: usize = 3;

fn skip_spaces(b: &[u8], mut pos: usize) -> usize {
    let limit = pos + MAX_SPACES;
    while pos < limit && b.get(pos) == Some(&b' ') {
        pos += 1;
    }
    pos
}

/// One of `words` between matching brackets at `pos` (`(at)`, `[ dot ]`, `{@}`),
/// case-insensitive; returns where the brackets end.
fn bracket_at(b: &[u8], pos: usize, words: &[&[u8]]) -> Option<usize> {
    let close = match b.get(pos)? {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        _ => return None,
    };
    let p = skip_spaces(b, pos + 1);
    words.iter().find_map(|w| {
        let word = b.get(p..p + w.len())?;
        if !word.eq_ignore_ascii_case(w) {
            return None;
        }
        let q = skip_spaces(b, p + w.len());
        (b.get(q) == Some(&close)).then_some(q + 1)
    })
}

/// A bracketed word of `words` at `pos`, with up to [`MAX_SPACES`] spaces on
/// each side; returns where the spaces after it end.
fn bracketed_word(b: &[u8], pos: usize, words: &[&[u8]]) -> Option<usize> {
    let end = bracket_at(b, skip_spaces(b, pos), words)?;
    Some(skip_spaces(b, end))
}

/// Whether `c` opens a bracketed word.
#[inline]
pub(crate) fn is_open_bracket(c: u8) -> bool {
    matches!(c, b'(' | b'[' | b'{')
}

/// Whether a bracketed `at` (`(at)`, `[@]`, `(arobase)`, ...) starts at `pos`.
pub(crate) fn is_bracketed_at(b: &[u8], pos: usize) -> bool {
    bracket_at(b, pos, &AT_WORDS).is_some()
}

/// How far before its bracketed `at` (see [`is_bracketed_at`]) an address
/// written that way may start, in bytes.
pub(crate) const MAX_OBFUSCATED_LOCAL: usize = 256;

/// An address at `start` whose `@` or some dots are written as bracketed
/// words (see the module documentation); returns its end. Written out plain, it
/// is an address [`validate`] accepts (save for [`is_text_local`]'s narrower
/// local part).
pub(crate) fn obfuscated_end(b: &[u8], start: usize) -> Option<usize> {
    obfuscated(b, start, None)
}

/// The plain form, lower case, of an address [`obfuscated_end`] found.
pub(crate) fn unobfuscate(b: &[u8]) -> Option<String> {
    let mut out = String::new();
    let end = obfuscated(b, 0, Some(&mut out))?;
    (end == b.len()).then_some(out)
}

fn obfuscated(b: &[u8], start: usize, mut out: Option<&mut String>) -> Option<usize> {
    // the local part: runs of local characters joined by bracketed dots
    let mut pos = start;
    let mut local_len = 0;
    loop {
        let run_start = pos;
        while pos < b.len() && is_text_local(b[pos]) && local_len < MAX_LOCAL {
            pos += 1;
            local_len += 1;
        }
        let run = &b[run_start..pos];
        if run.is_empty() || run[0] == b'.' || run[run.len() - 1] == b'.' || run.windows(2).any(|w| w == b"..") {
            return None;
        }
        if let Some(o) = out.as_deref_mut() {
            o.extend(run.iter().map(|&c| char::from(c.to_ascii_lowercase())));
        }
        match bracketed_word(b, pos, &DOT_WORDS) {
            Some(next) if local_len < MAX_LOCAL && b.get(next).is_some_and(|&c| c != b'.' && is_text_local(c)) => {
                pos = next;
                local_len += 1;
                if let Some(o) = out.as_deref_mut() {
                    o.push('.');
                }
            }
            _ => break,
        }
    }
    // the @, plain or bracketed
    let domain_start = if b.get(pos) == Some(&b'@') { pos + 1 } else { bracketed_word(b, pos, &AT_WORDS)? };
    if let Some(o) = out.as_deref_mut() {
        o.push('@');
    }
    domain(b, domain_start, true, out)
}

/// Validates an e-mail address; returns it trimmed and in lower case.
///
/// ```
/// use masque_core::ident::email;
/// assert_eq!(email::validate(" Jean.Dupont@Orange.fr ").as_deref(), Ok("jean.dupont@orange.fr"));
/// assert!(email::validate("jean.dupont@orange").is_err());
/// ```
pub fn validate(value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(IdentifierKind::Email, Reason::Empty));
    }
    let b = v.as_bytes();
    if let Some(i) = v.char_indices().find(|(_, c)| !c.is_ascii()).map(|(i, _)| i) {
        let position = v[..i].chars().count() + 1;
        return Err(Invalid::new(IdentifierKind::Email, Reason::Character { position }));
    }
    let at = match (b.iter().position(|&c| c == b'@'), b.iter().rposition(|&c| c == b'@')) {
        (Some(a), Some(z)) if a == z => a,
        (None, _) => return Err(Invalid::new(IdentifierKind::Email, Reason::Shape("an e-mail address needs an @"))),
        _ => return Err(Invalid::new(IdentifierKind::Email, Reason::Shape("an e-mail address has a single @"))),
    };
    let local = &b[..at];
    if local.is_empty() || local.len() > 64 {
        return Err(Invalid::new(
            IdentifierKind::Email,
            Reason::Shape("the part before the @ must have 1 to 64 characters"),
        ));
    }
    if let Some(i) = local.iter().position(|&c| !is_atext(c)) {
        return Err(Invalid::new(IdentifierKind::Email, Reason::Character { position: i + 1 }));
    }
    if local[0] == b'.' || local[local.len() - 1] == b'.' || local.windows(2).any(|w| w == b"..") {
        return Err(Invalid::new(IdentifierKind::Email, Reason::Shape("misplaced dot before the @")));
    }
    if domain_end(b, at + 1) != Some(b.len()) {
        return Err(Invalid::new(
            IdentifierKind::Email,
            Reason::Shape("the domain after the @ is not a valid domain name"),
        ));
    }
    Ok(v.to_ascii_lowercase())
}

/// The normalised form of an e-mail address: trimmed, lower case.
pub fn normalise(value: &str) -> Result<String, Invalid> {
    validate(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let valid = [
            ("jean.dupont47@gmail.com", "jean.dupont47@gmail.com"),
            ("Jean.Dupont@Orange.FR", "jean.dupont@orange.fr"),
            ("a@b.co", "a@b.co"),
            ("first+tag@sub.domain.example.org", "first+tag@sub.domain.example.org"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("x@chu-lyon.fr", "x@chu-lyon.fr"),
            ("x@xn--hpital-5ua.fr", "x@xn--hpital-5ua.fr"),
        ];
        for (input, want) in valid {
            assert_eq!(validate(input).as_deref(), Ok(want));
        }
        let shape = |s| Reason::Shape(s);
        let invalid: &[(&str, Reason)] = &[
            ("", Reason::Empty),
            ("jean.dupont", shape("an e-mail address needs an @")),
            ("a@b@c.fr", shape("an e-mail address has a single @")),
            ("@gmail.com", shape("the part before the @ must have 1 to 64 characters")),
            (".jean@gmail.com", shape("misplaced dot before the @")),
            ("jean.@gmail.com", shape("misplaced dot before the @")),
            ("je..an@gmail.com", shape("misplaced dot before the @")),
            ("jean@gmail", shape("the domain after the @ is not a valid domain name")),
            ("jean@gmail.c", shape("the domain after the @ is not a valid domain name")),
            ("jean@-gmail.com", shape("the domain after the @ is not a valid domain name")),
            ("jean@gmail..com", shape("the domain after the @ is not a valid domain name")),
            ("jean@gmail.com.", shape("the domain after the @ is not a valid domain name")),
            ("jean@gmail.123", shape("the domain after the @ is not a valid domain name")),
            ("jean dupont@gmail.com", Reason::Character { position: 5 }),
            ("jéan@gmail.com", Reason::Character { position: 2 }),
        ];
        for (input, reason) in invalid {
            assert_eq!(validate(input).unwrap_err().reason, *reason, "case {reason:?}");
        }
    }

    #[test]
    fn bracketed_addresses() {
        let found = [
            ("jean.dupont(at)exemple.fr", "jean.dupont@exemple.fr"),
            ("Jean.Dupont [AT] Exemple [dot] FR", "jean.dupont@exemple.fr"),
            ("jean [dot] dupont { @ } chu-lyon (point) fr", "jean.dupont@chu-lyon.fr"),
            ("x(arobase)a.b.co", "x@a.b.co"),
            ("x(arobas)a.co", "x@a.co"),
            ("x@a[.]co", "x@a.co"),
        ];
        for (text, plain) in found {
            assert_eq!(obfuscated_end(text.as_bytes(), 0), Some(text.len()), "{plain}");
            assert_eq!(unobfuscate(text.as_bytes()).as_deref(), Some(plain));
            assert_eq!(validate(plain).as_deref(), Ok(plain));
        }
        // the end is the address's, not the text's
        assert_eq!(obfuscated_end(b"x(at)a.fr. Suite", 0), Some(9));
        assert_eq!(obfuscated_end(b"x(at)a [dot] fr [dot] suite", 0), Some(27));
        for text in [
            "jean at exemple.fr",
            "jean (at) exemple",
            "jean (at) exemple [dot]",
            "jean.(at)exemple.fr",
            "jean (at] exemple.fr",
            "jean (atrium) exemple.fr",
            "jean (arobasex) exemple.fr",
            "jean     (at) exemple.fr",
            "(at) exemple.fr",
            "jean [dot] (at) exemple.fr",
            "jean(at)exemple.fr.",
        ] {
            let end = obfuscated_end(text.as_bytes(), 0);
            assert!(end.is_none() || end.is_some_and(|e| e < text.len()), "{text}");
        }
        let t = b"a (b) [dot] c [ AT ] d (atrium) {@}";
        let at: Vec<usize> = (0..t.len()).filter(|&p| is_bracketed_at(t, p)).collect();
        assert_eq!(at, [14, 32]);
        let long = format!("{}(at)a.fr", "a".repeat(65));
        assert_eq!(obfuscated_end(long.as_bytes(), 0), None);
        let long = format!("a(at){}.fr", "b.".repeat(130));
        assert_eq!(obfuscated_end(long.as_bytes(), 0), None);
    }

    #[test]
    fn domain_in_text() {
        let t = b"x@orange.fr. Suite";
        assert_eq!(domain_end(t, 2), Some(11));
        assert_eq!(domain_end(b"x@a", 2), None);
    }
}
