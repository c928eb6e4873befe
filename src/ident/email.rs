//! E-mail addresses: a pragmatic subset of RFC 5322 (`local@domain`).
//!
//! - local part: 1-64 characters among letters, digits and ``!#$%&'*+/=?^_`{|}~.-``,
//!   no leading, trailing or doubled dot (quoted local parts are not accepted);
//! - domain: 2 or more labels of letters, digits and inner hyphens (1-63 each),
//!   the last one alphabetic (2+ letters) or an IDNA `xn--` label; ASCII only.
//!
//! The normalised form is lower case (the whole address: mail providers treat
//! the local part case-insensitively in practice).

use super::{Invalid, Kind, Reason};

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
    let mut pos = start;
    let mut labels = 0;
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
        last_label = (label_start, pos);
        if pos + 1 < b.len() && b[pos] == b'.' && b[pos + 1].is_ascii_alphanumeric() {
            pos += 1;
        } else {
            break;
        }
    }
    let tld = &b[last_label.0..last_label.1];
    let tld_ok = (tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic))
        || (tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--"));
    if labels >= 2 && tld_ok && pos - start <= 253 {
        Some(pos)
    } else {
        None
    }
}

/// Validates an e-mail address; returns it trimmed and in lower case.
///
/// ```
/// use masque::ident::email;
/// assert_eq!(email::validate(" Jean.Dupont@Orange.fr ").as_deref(), Ok("jean.dupont@orange.fr"));
/// assert!(email::validate("jean.dupont@orange").is_err());
/// ```
pub fn validate(value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(Kind::Email, Reason::Empty));
    }
    let b = v.as_bytes();
    if let Some(i) = v.char_indices().find(|(_, c)| !c.is_ascii()).map(|(i, _)| i) {
        let position = v[..i].chars().count() + 1;
        return Err(Invalid::new(Kind::Email, Reason::Character { position }));
    }
    let at = match (b.iter().position(|&c| c == b'@'), b.iter().rposition(|&c| c == b'@')) {
        (Some(a), Some(z)) if a == z => a,
        (None, _) => return Err(Invalid::new(Kind::Email, Reason::Shape("an e-mail address needs an @"))),
        _ => return Err(Invalid::new(Kind::Email, Reason::Shape("an e-mail address has a single @"))),
    };
    let local = &b[..at];
    if local.is_empty() || local.len() > 64 {
        return Err(Invalid::new(Kind::Email, Reason::Shape("the part before the @ must have 1 to 64 characters")));
    }
    if let Some(i) = local.iter().position(|&c| !is_atext(c)) {
        return Err(Invalid::new(Kind::Email, Reason::Character { position: i + 1 }));
    }
    if local[0] == b'.' || local[local.len() - 1] == b'.' || local.windows(2).any(|w| w == b"..") {
        return Err(Invalid::new(Kind::Email, Reason::Shape("misplaced dot before the @")));
    }
    if domain_end(b, at + 1) != Some(b.len()) {
        return Err(Invalid::new(Kind::Email, Reason::Shape("the domain after the @ is not a valid domain name")));
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
    fn domain_in_text() {
        let t = b"x@orange.fr. Suite";
        assert_eq!(domain_end(t, 2), Some(11));
        assert_eq!(domain_end(b"x@a", 2), None);
    }
}
