//! Telephone numbers: French numbers in national (`06 12 34 56 78`) or
//! international (`+33 6 12 34 56 78`, `+33 (0)6 ...`, `0033 6 ...`) form, with
//! spaces, dots, dashes or slashes; and other international numbers (`+` and
//! 9-15 digits). The normalised form is E.164 (`+33612345678`).
//!
//! Overseas départements have their own country codes in E.164 although they
//! share the French national plan: `0262 ...`/`0692 ...` (Réunion, Mayotte
//! `0269`/`0639`) become `+262 ...`, `0590`/`0690` `+590`, `0594`/`0694` `+594`,
//! `0596`/`0696` `+596`, and `0508` (Saint-Pierre-et-Miquelon) `+508` with 6 digits.

use super::{IdentifierKind, Invalid, Reason};

/// A valid telephone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    e164: String,
    french: bool,
}

impl Phone {
    /// The E.164 form: `+` and the digits.
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// Whether the number belongs to the French numbering plan (metropolitan or overseas).
    pub fn is_french(&self) -> bool {
        self.french
    }
}

/// An E.164 number in a fixed buffer (no allocation in the scanner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct E164 {
    buf: [u8; 16],
    len: u8,
    pub(crate) french: bool,
}

impl E164 {
    fn new(cc: &[u8], rest: &[u8], french: bool) -> Option<E164> {
        let mut buf = [0u8; 16];
        let n = 1 + cc.len() + rest.len();
        if n > 16 {
            return None;
        }
        buf[0] = b'+';
        buf[1..1 + cc.len()].copy_from_slice(cc);
        buf[1 + cc.len()..n].copy_from_slice(rest);
        Some(E164 { buf, len: n as u8, french })
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    pub(crate) fn as_str(&self) -> &str {
        // invariant: '+' and ASCII digits only.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

/// The E.164 form of a French national significant number (9 digits, no trunk 0).
fn french_nsn(nsn: &[u8]) -> Option<E164> {
    if nsn.len() != 9 || !(b'1'..=b'9').contains(&nsn[0]) {
        return None;
    }
    let cc: &[u8] = match &nsn[..3] {
        b"262" | b"263" | b"692" | b"693" | b"269" | b"639" => b"262",
        b"590" | b"690" | b"691" => b"590",
        b"594" | b"694" => b"594",
        b"596" | b"696" | b"697" => b"596",
        b"508" => return E164::new(b"508", &nsn[3..], true),
        _ => b"33",
    };
    E164::new(cc, nsn, true)
}

/// The E.164 form of the digits of a number (ASCII digits), written after a `+`
/// (`international`) or not.
pub(crate) fn e164_of(international: bool, d: &[u8]) -> Option<E164> {
    if !international {
        if let Some(rest) = d.strip_prefix(b"00") {
            return e164_of(true, rest);
        }
        if d.len() == 10 && d[0] == b'0' {
            return french_nsn(&d[1..]);
        }
        return None;
    }
    let strip_trunk = |rest: &[u8], n: usize| -> Option<Vec<u8>> {
        match rest.len() {
            l if l == n => Some(rest.to_vec()),
            l if l == n + 1 && rest[0] == b'0' => Some(rest[1..].to_vec()),
            _ => None,
        }
    };
    if let Some(rest) = d.strip_prefix(b"33") {
        let nsn = strip_trunk(rest, 9)?;
        return french_nsn(&nsn);
    }
    for cc in [&b"262"[..], b"590", b"594", b"596"] {
        if let Some(rest) = d.strip_prefix(cc) {
            let nsn = strip_trunk(rest, 9)?;
            if !(b'1'..=b'9').contains(&nsn[0]) {
                return None;
            }
            return E164::new(cc, &nsn, true);
        }
    }
    if let Some(rest) = d.strip_prefix(b"508") {
        let sub = strip_trunk(rest, 6)?;
        return E164::new(b"508", &sub, true);
    }
    if (9..=15).contains(&d.len()) && d[0] != b'0' {
        return E164::new(b"", d, false);
    }
    None
}

/// Validates a telephone number; see the module documentation for the forms accepted.
///
/// ```
/// use masque_core::ident::phone;
/// let p = phone::validate("06.12.34.56.78").unwrap();
/// assert_eq!(p.e164(), "+33612345678");
/// assert!(p.is_french());
/// ```
pub fn validate(value: &str) -> Result<Phone, Invalid> {
    let value = value.trim();
    let mut digits = Vec::with_capacity(16);
    let mut international = false;
    let mut seen_digit = false;
    for (i, c) in value.chars().enumerate() {
        match c {
            '0'..='9' => {
                seen_digit = true;
                digits.push(c as u8);
            }
            '+' if !seen_digit && !international => international = true,
            ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}' | '\u{202f}' | '\t' => {}
            _ => return Err(Invalid::new(IdentifierKind::Phone, Reason::Character { position: i + 1 })),
        }
    }
    if digits.is_empty() {
        return Err(Invalid::new(IdentifierKind::Phone, Reason::Empty));
    }
    if digits.len() > 15 + 2 || digits.len() < 8 {
        return Err(Invalid::new(IdentifierKind::Phone, Reason::Length { found: digits.len() }));
    }
    match e164_of(international, &digits) {
        Some(e) => Ok(Phone { e164: e.as_str().to_string(), french: e.french }),
        None if !international && !digits.starts_with(b"00") => {
            if digits.len() == 10 {
                Err(Invalid::new(IdentifierKind::Phone, Reason::Shape("a French number starts with 0 and a digit 1-9")))
            } else {
                Err(Invalid::new(IdentifierKind::Phone, Reason::Length { found: digits.len() }))
            }
        }
        None => Err(Invalid::new(
            IdentifierKind::Phone,
            Reason::Shape("the digits after the country code do not form a number"),
        )),
    }
}

/// The E.164 form of a telephone number (`+33612345678`).
///
/// `06 12 34 56 78`, `06.12.34.56.78`, `+33 6 12 34 56 78`, `+33 (0)6 12 34 56 78`
/// and `0033612345678` all give `+33612345678`.
pub fn normalise(value: &str) -> Result<String, Invalid> {
    validate(value).map(|p| p.e164)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let valid = [
            ("06 12 34 56 78", "+33612345678", true),
            ("0612345678", "+33612345678", true),
            ("06.12.34.56.78", "+33612345678", true),
            ("06-12-34-56-78", "+33612345678", true),
            ("06/12/34/56/78", "+33612345678", true),
            ("+33 6 12 34 56 78", "+33612345678", true),
            ("+33 (0)6 12 34 56 78", "+33612345678", true),
            ("+33 06 12 34 56 78", "+33612345678", true),
            ("0033 6 12 34 56 78", "+33612345678", true),
            ("01 42 34 56 78", "+33142345678", true),
            ("09 70 12 34 56", "+33970123456", true),
            ("0262 12 34 56", "+262262123456", true),
            ("0692 12 34 56", "+262692123456", true),
            ("+262 692 12 34 56", "+262692123456", true),
            ("0639 12 34 56", "+262639123456", true),
            ("0590 12 34 56", "+590590123456", true),
            ("0694 12 34 56", "+594694123456", true),
            ("0596 12 34 56", "+596596123456", true),
            ("0508 41 23 45", "+508412345", true),
            ("+44 20 7946 0958", "+442079460958", false),
            ("+1 (555) 123-4567", "+15551234567", false),
        ];
        for (input, want, french) in valid {
            let p = validate(input).unwrap_or_else(|e| panic!("{want}: {e}"));
            assert_eq!(p.e164(), want);
            assert_eq!(p.is_french(), french, "{want}");
        }
        let invalid: &[(&str, Reason)] = &[
            ("", Reason::Empty),
            ("   ", Reason::Empty),
            ("00 12 34 56 78", Reason::Shape("the digits after the country code do not form a number")),
            ("06 12 34 56 7", Reason::Length { found: 9 }),
            ("06 12 34 56 789", Reason::Length { found: 11 }),
            ("16 12 34 56 78", Reason::Shape("a French number starts with 0 and a digit 1-9")),
            ("+33 6 12 34 56 7", Reason::Shape("the digits after the country code do not form a number")),
            ("+33 0 12 34 56 78", Reason::Shape("the digits after the country code do not form a number")),
            ("06 12 34 56 7x", Reason::Character { position: 14 }),
            ("tel 0612345678", Reason::Character { position: 1 }),
            ("06+12345678", Reason::Character { position: 3 }),
            ("1234", Reason::Length { found: 4 }),
        ];
        for (input, reason) in invalid {
            assert_eq!(validate(input).unwrap_err().reason, *reason, "case {reason:?}");
        }
    }
}
