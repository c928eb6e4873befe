//! A streaming scan of the tags of an XML part, before calamine parses it.
//!
//! calamine turns a cell reference into numbers with unchecked arithmetic (a
//! reference such as `ZZZZZZ99999999999` overflows: a panic in a debug build, a
//! wrapped position in a release build) and reserves room for as many shared
//! strings as the part declares. The scan sees every start and end tag of a
//! part, in chunks of 64 KiB (memory stays constant whatever the part's size),
//! so those values can be checked first. It skips comments, CDATA sections,
//! processing instructions and declarations, and respects quotes in attribute
//! values. It is deliberately simple: it never rejects what an XML parser
//! would accept as a tag, except a tag longer than 1 MiB.

use std::io::{ErrorKind, Read};

/// The longest tag (its attributes included) the scan accepts.
const MAX_TAG: usize = 1 << 20;
const CHUNK: usize = 64 * 1024;

/// What the scan saw: a start tag (`Empty` when it closes itself), an end tag,
/// or a declaration (`<!DOCTYPE ...>`, any `<!` that is neither a comment nor
/// a CDATA section: its name and attributes are empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    Start,
    Empty,
    End,
    Declaration,
}

/// XML's white space, as quick-xml (calamine's parser) splits a tag's name
/// from its attributes.
fn is_xml_space(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The local part of a qualified name (`x:row` -> `row`).
pub(super) fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// Why a scan stopped.
#[derive(Debug)]
pub(super) enum Stop<E> {
    /// The part could not be read (damaged compression, a wrong checksum, or
    /// more bytes than its declared size).
    Io,
    /// A tag longer than [`MAX_TAG`].
    TagTooLong,
    /// The caller's check refused a tag.
    Refused(E),
}

/// Calls `on_tag(local_name, attributes, kind)` for every tag of the part, in
/// order. `attributes` is the raw text after the name (for an end tag, empty).
pub(super) fn scan_tags<R: Read, E>(
    input: R,
    mut on_tag: impl FnMut(&[u8], &[u8], Tag) -> Result<(), E>,
) -> Result<(), Stop<E>> {
    scan_qualified(input, |name, attributes, kind, _| on_tag(local(name), attributes, kind))
}

/// Calls `on_tag(name, attributes, kind, (start, end))` for every tag of the
/// part, in order, with the name as written (prefix included) and the byte
/// offsets of the tag's `<` and just past its `>`. Names are read as quick-xml
/// reads them: a start tag's up to the first XML white space, an end tag's
/// the whole text after `</` less trailing white space.
pub(super) fn scan_qualified<R: Read, E>(
    mut input: R,
    mut on_tag: impl FnMut(&[u8], &[u8], Tag, (u64, u64)) -> Result<(), E>,
) -> Result<(), Stop<E>> {
    // The offset in the part of `buf[0]`.
    let mut base = 0u64;
    let mut buf: Vec<u8> = Vec::with_capacity(2 * CHUNK);
    let mut chunk = vec![0u8; CHUNK];
    let mut pos = 0usize;
    let mut eof = false;
    // The terminator being looked for when inside a comment, CDATA section, ...
    let mut skip: Option<&'static [u8]> = None;
    loop {
        if !eof {
            if pos > 0 {
                buf.drain(..pos);
                base += pos as u64;
                pos = 0;
            }
            let n = loop {
                match input.read(&mut chunk) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(_) => return Err(Stop::Io),
                }
            };
            if n == 0 {
                eof = true;
            } else {
                buf.extend_from_slice(&chunk[..n]);
            }
        }
        loop {
            if let Some(end) = skip {
                match memchr::memmem::find(&buf[pos..], end) {
                    Some(i) => {
                        pos += i + end.len();
                        skip = None;
                        continue;
                    }
                    None => {
                        // Keep the bytes that could start the terminator.
                        pos = buf.len().saturating_sub(end.len() - 1).max(pos);
                        break;
                    }
                }
            }
            let Some(i) = memchr::memchr(b'<', &buf[pos..]) else {
                pos = buf.len();
                break;
            };
            pos += i;
            let rest = &buf[pos..];
            if rest.len() < 9 && !eof {
                break;
            }
            let opener: Option<(&'static [u8], &'static [u8])> = if rest.starts_with(b"<!--") {
                Some((b"<!--", b"-->"))
            } else if rest.starts_with(b"<![CDATA[") {
                Some((b"<![CDATA[", b"]]>"))
            } else if rest.starts_with(b"<?") {
                Some((b"<?", b"?>"))
            } else if rest.starts_with(b"<!") {
                let at = base + pos as u64;
                on_tag(b"", b"", Tag::Declaration, (at, at + 2)).map_err(Stop::Refused)?;
                Some((b"<!", b">"))
            } else {
                None
            };
            if let Some((open, close)) = opener {
                pos += open.len();
                skip = Some(close);
                continue;
            }
            match tag_end(rest) {
                Some(end) => {
                    let inner = &rest[1..end];
                    let (inner, kind) = if let Some(name) = inner.strip_prefix(b"/") {
                        (name, Tag::End)
                    } else if let Some(start) = inner.strip_suffix(b"/") {
                        (start, Tag::Empty)
                    } else {
                        (inner, Tag::Start)
                    };
                    let (name, attributes) = if kind == Tag::End {
                        let len = inner.iter().rposition(|b| !is_xml_space(b)).map_or(0, |i| i + 1);
                        (&inner[..len], &inner[len..len])
                    } else {
                        inner.split_at(inner.iter().position(is_xml_space).unwrap_or(inner.len()))
                    };
                    let at = base + pos as u64;
                    on_tag(name, attributes, kind, (at, at + end as u64 + 1)).map_err(Stop::Refused)?;
                    pos += end + 1;
                }
                None if rest.len() > MAX_TAG => return Err(Stop::TagTooLong),
                // A tag cut short by the end of the part: the XML parser reports it.
                None if eof => return Ok(()),
                None => break,
            }
        }
        if eof {
            return Ok(());
        }
    }
}

/// The index of the `>` closing the tag that starts `bytes`, outside quotes.
fn tag_end(bytes: &[u8]) -> Option<usize> {
    let mut at = 1;
    loop {
        let i = at + memchr::memchr3(b'>', b'"', b'\'', bytes.get(at..)?)?;
        match bytes[i] {
            b'>' => return Some(i),
            quote => at = i + 1 + memchr::memchr(quote, bytes.get(i + 1..)?)? + 1,
        }
    }
}

/// The raw value of the attribute named exactly `name` (prefix included), if
/// the attribute text has it. Malformed attribute text ends the search.
pub(super) fn attribute<'a>(attributes: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut rest = attributes;
    loop {
        rest = trim_start(rest);
        let key_len = rest.iter().position(|&b| b == b'=' || b.is_ascii_whitespace())?;
        let (key, after) = rest.split_at(key_len);
        let after = trim_start(after).strip_prefix(b"=")?;
        let after = trim_start(after);
        let quote = *after.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_len = after[1..].iter().position(|&b| b == quote)?;
        let value = &after[1..1 + value_len];
        if key == name {
            return Some(value);
        }
        rest = &after[value_len + 2..];
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    &bytes[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(xml: &[u8]) -> Vec<(String, String, Tag)> {
        let mut seen = Vec::new();
        let r: Result<(), Stop<()>> = scan_tags(xml, |name, attrs, kind| {
            seen.push((String::from_utf8_lossy(name).into_owned(), String::from_utf8_lossy(attrs).into_owned(), kind));
            Ok(())
        });
        assert!(r.is_ok());
        seen
    }

    #[test]
    fn sees_tags_and_skips_comments_cdata_and_declarations() {
        let seen = tags(b"<?xml version=\"1.0\"?><!-- <c r=\"X\"> --><x:row r='2'><c r=\"A2\" a=\">\"/><![CDATA[<c r=\"Y\">]]></x:row>");
        let names: Vec<(&str, Tag)> = seen.iter().map(|(n, _, k)| (n.as_str(), *k)).collect();
        assert_eq!(names, [("row", Tag::Start), ("c", Tag::Empty), ("row", Tag::End)]);
        assert_eq!(attribute(seen[1].1.as_bytes(), b"r"), Some(&b"A2"[..]));
        assert_eq!(attribute(seen[1].1.as_bytes(), b"a"), Some(&b">"[..]));
        assert_eq!(attribute(seen[0].1.as_bytes(), b"r"), Some(&b"2"[..]));
    }

    #[test]
    fn tags_across_chunks() {
        let mut xml = Vec::new();
        for i in 0..20_000 {
            xml.extend_from_slice(format!("<c r=\"A{i}\"><!-- x --></c>").as_bytes());
        }
        let seen = tags(&xml);
        assert_eq!(seen.len(), 40_000);
        assert_eq!(attribute(seen[39_998].1.as_bytes(), b"r"), Some(&b"A19999"[..]));
    }

    #[test]
    fn a_tag_longer_than_the_limit_stops() {
        let mut xml = b"<c a=\"".to_vec();
        xml.resize(MAX_TAG + CHUNK * 2, b'x');
        let r: Result<(), Stop<()>> = scan_tags(&xml[..], |_, _, _| Ok(()));
        assert!(matches!(r, Err(Stop::TagTooLong)));
    }
}
