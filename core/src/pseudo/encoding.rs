//! Text encodings of digests and keys: hex, base32 and base64url (RFC 4648).

use serde::{Deserialize, Serialize};

/// How a pseudonym's digest bits are written.
#[cfg_attr(feature = "ts", derive(tsify::Tsify), tsify(rename = "PseudonymEncoding"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// RFC 4648 base32, upper case, no padding: `A`-`Z`, `2`-`7` (5 bits a character).
    #[default]
    Base32,
    /// Lower-case hexadecimal (4 bits a character).
    Hex,
    /// RFC 4648 section 5 base64url, no padding: `A`-`Z`, `a`-`z`, `0`-`9`, `-`, `_` (6 bits a character).
    Base64url,
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &[u8; 16] = b"0123456789abcdef";

impl Encoding {
    /// Bits carried by one character.
    pub fn bits_per_char(self) -> u32 {
        match self {
            Encoding::Base32 => 5,
            Encoding::Hex => 4,
            Encoding::Base64url => 6,
        }
    }

    /// The name used in policies.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base32 => "base32",
            Encoding::Hex => "hex",
            Encoding::Base64url => "base64url",
        }
    }

    /// Appends the first `chars` characters of the encoding of `bytes` (most
    /// significant bits first) to `out`. `chars` must be at most
    /// `bytes.len() * 8 / bits_per_char`.
    pub fn encode_prefix(self, bytes: &[u8], chars: usize, out: &mut String) {
        let bits = self.bits_per_char();
        let alphabet: &[u8] = match self {
            Encoding::Base32 => BASE32,
            Encoding::Hex => HEX,
            Encoding::Base64url => BASE64URL,
        };
        let mask = (1u32 << bits) - 1;
        let mut acc: u32 = 0;
        let mut have: u32 = 0;
        let mut written = 0;
        let mut input = bytes.iter();
        out.reserve(chars);
        while written < chars {
            if have < bits {
                match input.next() {
                    Some(&b) => {
                        acc = (acc << 8) | u32::from(b);
                        have += 8;
                    }
                    None => break,
                }
                continue;
            }
            have -= bits;
            let index = ((acc >> have) & mask) as usize;
            out.push(char::from(alphabet[index]));
            acc &= (1u32 << have) - 1;
            written += 1;
        }
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// Decodes hex (either case); `None` if the text is not an even number of hex digits.
pub(crate) fn hex_decode(text: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes.chunks_exact(2).map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(e: Encoding, bytes: &[u8], chars: usize) -> String {
        let mut s = String::new();
        e.encode_prefix(bytes, chars, &mut s);
        s
    }

    #[test]
    fn rfc4648_vectors() {
        // RFC 4648 section 10, without padding; only whole characters are written
        // (a digest is cut to a prefix, never padded).
        assert_eq!(enc(Encoding::Base32, b"foobar", 10), "MZXW6YTBO");
        assert_eq!(enc(Encoding::Base32, b"fooba", 8), "MZXW6YTB");
        assert_eq!(enc(Encoding::Base32, b"f", 1), "M");
        assert_eq!(enc(Encoding::Base64url, b"foobar", 8), "Zm9vYmFy");
        assert_eq!(enc(Encoding::Base64url, &[0xfb, 0xff], 2), "-_");
        assert_eq!(enc(Encoding::Hex, b"\x01\xab", 4), "01ab");
        assert_eq!(enc(Encoding::Hex, b"\x01\xab", 3), "01a");
    }

    #[test]
    fn stops_at_end_of_input() {
        assert_eq!(enc(Encoding::Base32, b"f", 5), "M");
    }

    #[test]
    fn hex_round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(hex_decode(&hex_encode(&bytes)), Some(bytes));
        assert_eq!(hex_decode("ABcd"), Some(vec![0xab, 0xcd]));
        assert_eq!(hex_decode("abc"), None);
        assert_eq!(hex_decode("zz"), None);
    }
}
