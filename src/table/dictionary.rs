//! The dictionary of a column's distinct values.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::{hash_table::Entry, HashTable};

const HASHER: FixedState = FixedState::with_seed(0x6d61_7371_7565);

fn hash(value: &[u8]) -> u64 {
    HASHER.hash_one(value)
}

/// Value offsets and a hash index over an arena of bytes owned by the caller.
///
/// The index stores (hash, code) pairs: the stored hash makes growth and
/// mismatches cheap (no trip to the arena, which for a column of a million
/// distinct values is a cache miss each time).
#[derive(Clone, Default)]
struct Index {
    /// `ends[i]` is where value `i` ends in the arena; it starts at `ends[i - 1]` (or 0).
    ends: Vec<usize>,
    table: HashTable<(u64, u32)>,
}

impl Index {
    fn range(ends: &[usize], code: usize) -> std::ops::Range<usize> {
        let start = if code == 0 { 0 } else { ends[code - 1] };
        start..ends[code]
    }

    fn find(&self, arena: &[u8], value: &[u8]) -> Option<u32> {
        let h = hash(value);
        self.table
            .find(h, |&(eh, c)| eh == h && &arena[Index::range(&self.ends, c as usize)] == value)
            .map(|&(_, c)| c)
    }

    /// The code of `value`; `true` if it is new, in which case the caller must
    /// append `value` to its arena right away.
    fn intern(&mut self, arena: &[u8], value: &[u8]) -> (u32, bool) {
        let h = hash(value);
        let Index { ends, table } = self;
        let entry = table.entry(
            h,
            |&(eh, c)| eh == h && &arena[Index::range(ends, c as usize)] == value,
            |&(eh, _)| eh,
        );
        match entry {
            Entry::Occupied(o) => (o.get().1, false),
            Entry::Vacant(v) => {
                // invariant: a column has far fewer than 4 billion distinct values
                // (the input would be tens of gigabytes, beyond wasm's memory).
                let code = u32::try_from(ends.len()).expect("dictionary overflow");
                ends.push(arena.len() + value.len());
                v.insert((h, code));
                (code, true)
            }
        }
    }

    fn reserve(&mut self, values: usize) {
        self.ends.reserve(values);
        self.table.reserve(values, |&(h, _)| h);
    }

    fn shrink_to_fit(&mut self) {
        self.ends.shrink_to_fit();
        self.table.shrink_to_fit(|&(h, _)| h);
    }
}

/// The distinct values of a column, in order of first appearance.
///
/// Values live in one contiguous UTF-8 arena with an offset table, so a
/// dictionary of a million names is a handful of allocations, not a million.
/// A hash index maps a value to its code; interning a value that is already
/// present allocates nothing.
#[derive(Clone, Default)]
pub struct Dictionary {
    arena: String,
    index: Index,
}

impl Dictionary {
    /// An empty dictionary.
    pub fn new() -> Dictionary {
        Dictionary::default()
    }

    /// The number of distinct values.
    pub fn len(&self) -> usize {
        self.index.ends.len()
    }

    /// Whether there is no value at all.
    pub fn is_empty(&self) -> bool {
        self.index.ends.is_empty()
    }

    /// The value with code `code`.
    ///
    /// Panics if `code` is not a code of this dictionary (a programming error:
    /// codes only come from [`Dictionary::intern`]).
    pub fn get(&self, code: u32) -> &str {
        &self.arena[Index::range(&self.index.ends, code as usize)]
    }

    /// The code of `value`, if it is present.
    pub fn code_of(&self, value: &str) -> Option<u32> {
        self.index.find(self.arena.as_bytes(), value.as_bytes())
    }

    /// The code of `value`, adding it if it is new.
    ///
    /// # Panics
    /// If the dictionary already holds `u32::MAX` values.
    pub fn intern(&mut self, value: &str) -> u32 {
        let (code, new) = self.index.intern(self.arena.as_bytes(), value.as_bytes());
        if new {
            self.arena.push_str(value);
        }
        code
    }

    /// The values in code order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(move |c| &self.arena[Index::range(&self.index.ends, c)])
    }

    /// The total length in bytes of all distinct values.
    pub fn text_len(&self) -> usize {
        self.arena.len()
    }

    /// Reserves room for `values` more distinct values totalling `bytes` bytes.
    pub fn reserve(&mut self, values: usize, bytes: usize) {
        self.arena.reserve(bytes);
        self.index.reserve(values);
    }

    /// Releases spare capacity once a column is complete.
    pub fn shrink_to_fit(&mut self) {
        self.arena.shrink_to_fit();
        self.index.shrink_to_fit();
    }
}

impl PartialEq for Dictionary {
    fn eq(&self, other: &Dictionary) -> bool {
        self.arena == other.arena && self.index.ends == other.index.ends
    }
}

impl Eq for Dictionary {}

impl std::fmt::Debug for Dictionary {
    // Values can be patient data: debug output shows sizes only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary").field("len", &self.len()).field("text_len", &self.text_len()).finish()
    }
}

/// A dictionary of raw field bytes in the source encoding, used while reading:
/// fields are interned without decoding, and only the distinct values are
/// decoded at the end ([`ByteDictionary::into_dictionary`]).
#[derive(Default)]
pub(crate) struct ByteDictionary {
    arena: Vec<u8>,
    index: Index,
}

impl ByteDictionary {
    pub(crate) fn len(&self) -> usize {
        self.index.ends.len()
    }

    pub(crate) fn text_len(&self) -> usize {
        self.arena.len()
    }

    pub(crate) fn is_ascii(&self) -> bool {
        self.arena.is_ascii()
    }

    pub(crate) fn intern(&mut self, value: &[u8]) -> u32 {
        let (code, new) = self.index.intern(&self.arena, value);
        if new {
            self.arena.extend_from_slice(value);
        }
        code
    }

    pub(crate) fn reserve(&mut self, values: usize, bytes: usize) {
        self.arena.reserve(bytes);
        self.index.reserve(values);
    }

    /// Decodes the distinct values into a [`Dictionary`].
    ///
    /// `decode` turns one raw value into text. When the arena is already valid
    /// UTF-8 and `ascii_only_decoding` says the encoding leaves ASCII (hence the
    /// whole arena) unchanged, the arena and index are kept as they are (the
    /// hash is over the same bytes). Otherwise values are decoded one by one;
    /// if two raw values decode to the same text (only possible with lossy
    /// decoding), the returned map gives each old code its new code.
    pub(crate) fn into_dictionary(
        mut self,
        keep_if_utf8: bool,
        decode: impl Fn(&[u8]) -> std::borrow::Cow<'_, str>,
    ) -> (Dictionary, Option<Vec<u32>>) {
        self.index.shrink_to_fit();
        if keep_if_utf8 {
            match String::from_utf8(self.arena) {
                Ok(mut arena) => {
                    arena.shrink_to_fit();
                    return (Dictionary { arena, index: self.index }, None);
                }
                Err(e) => self.arena = e.into_bytes(),
            }
        }
        let mut dict = Dictionary::new();
        dict.reserve(self.len(), self.arena.len() + self.arena.len() / 4);
        let mut remap = Vec::with_capacity(self.len());
        let mut identity = true;
        for c in 0..self.len() {
            let new = dict.intern(&decode(&self.arena[Index::range(&self.index.ends, c)]));
            identity &= new as usize == c;
            remap.push(new);
        }
        dict.shrink_to_fit();
        (dict, if identity { None } else { Some(remap) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_in_order_of_first_appearance() {
        let mut d = Dictionary::new();
        assert_eq!(d.intern("b"), 0);
        assert_eq!(d.intern(""), 1);
        assert_eq!(d.intern("é"), 2);
        assert_eq!(d.intern("b"), 0);
        assert_eq!(d.len(), 3);
        assert_eq!(d.get(1), "");
        assert_eq!(d.get(2), "é");
        assert_eq!(d.code_of("é"), Some(2));
        assert_eq!(d.code_of("x"), None);
        assert_eq!(d.iter().collect::<Vec<_>>(), vec!["b", "", "é"]);
    }

    #[test]
    fn survives_growth() {
        let mut d = Dictionary::new();
        for i in 0..10_000 {
            assert_eq!(d.intern(&i.to_string()), i);
        }
        d.shrink_to_fit();
        for i in 0..10_000u32 {
            assert_eq!(d.code_of(&i.to_string()), Some(i));
        }
    }

    #[test]
    fn byte_dictionary_keeps_utf8_and_decodes_the_rest() {
        let mut raw = ByteDictionary::default();
        assert_eq!(raw.intern(b"abc"), 0);
        assert_eq!(raw.intern(b"H\xe9l\xe8ne"), 1);
        assert_eq!(raw.intern(b"abc"), 0);
        let (dict, remap) =
            raw.into_dictionary(true, |b| encoding_rs::WINDOWS_1252.decode_without_bom_handling(b).0);
        assert!(remap.is_none());
        assert_eq!(dict.get(1), "Hélène");
        assert_eq!(dict.code_of("Hélène"), Some(1));
        assert_eq!(dict.code_of("abc"), Some(0));

        // lossy decoding can merge values: the remap says where each went
        let mut raw = ByteDictionary::default();
        raw.intern(b"\xff");
        raw.intern(b"\xfe");
        raw.intern(b"ok");
        let (dict, remap) = raw.into_dictionary(true, String::from_utf8_lossy);
        assert_eq!(remap, Some(vec![0, 0, 1]));
        assert_eq!(dict.get(0), "\u{FFFD}");
    }
}
