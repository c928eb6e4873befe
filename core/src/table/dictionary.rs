//! The dictionary of a column's distinct values.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;

const HASHER: FixedState = FixedState::with_seed(0x6d61_7371_7565);

/// A 32-bit hash of a value: the bucket index and the tag stored in the slot.
pub(crate) fn hash(value: &[u8]) -> u32 {
    let h = HASHER.hash_one(value);
    (h ^ (h >> 32)) as u32
}

/// Value offsets and a hash index over an arena of bytes owned by the caller.
///
/// The index is an open-addressing table with linear probing whose slots pack
/// `(hash << 32) | (code + 1)` into one `u64` (0 = empty). A lookup touches one
/// cache line in the common case: reading a million-identifier column is
/// bounded by these misses, and a SwissTable's separate control bytes and
/// buckets cost two. The table is at most half full, so 8 bytes a slot make
/// 16 bytes a value at worst.
#[derive(Clone, Default)]
struct Index {
    /// `ends[i]` is where value `i` ends in the arena; it starts at `ends[i - 1]` (or 0).
    ends: Vec<u32>,
    slots: Vec<u64>,
}

/// From this many slots (128 KiB of them) a table is warmed before a batch of
/// lookups ([`ByteDictionary::warm`]): smaller ones stay in the cache.
const WARM_SLOTS: usize = 1 << 14;

/// The table never holds more than one value for two slots.
const MIN_SLOTS: usize = 16;

impl Index {
    fn range(ends: &[u32], code: usize) -> std::ops::Range<usize> {
        let start = if code == 0 { 0 } else { ends[code - 1] as usize };
        start..ends[code] as usize
    }

    fn slot(h: u32, code: u32) -> u64 {
        (u64::from(h) << 32) | (u64::from(code) + 1)
    }

    /// The slot holding `value`, or the empty slot where it would go.
    fn probe(&self, arena: &[u8], h: u32, value: &[u8]) -> (usize, Option<u32>) {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return (i, None);
            }
            if (slot >> 32) as u32 == h {
                let code = (slot as u32).wrapping_sub(1);
                if &arena[Index::range(&self.ends, code as usize)] == value {
                    return (i, Some(code));
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn find(&self, arena: &[u8], value: &[u8]) -> Option<u32> {
        if self.slots.is_empty() {
            // No index (none yet, or released): a scan.
            return (0..self.ends.len()).find(|&c| &arena[Index::range(&self.ends, c)] == value).map(|c| c as u32);
        }
        self.probe(arena, hash(value), value).1
    }

    /// The code of `value` and whether it is new, in which case the caller must
    /// append `value` to its arena right away. `None` if the arena would pass
    /// 4 GiB or the codes would overflow.
    fn intern(&mut self, arena: &[u8], value: &[u8]) -> Option<(u32, bool)> {
        self.intern_hashed(arena, value, hash(value))
    }

    /// [`Index::intern`] with the value's [`hash`] already computed.
    fn intern_hashed(&mut self, arena: &[u8], value: &[u8], h: u32) -> Option<(u32, bool)> {
        if self.slots.is_empty() && !self.ends.is_empty() {
            self.rebuild(arena);
        }
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow(self.ends.len() + 1);
        }
        match self.probe(arena, h, value) {
            (_, Some(code)) => Some((code, false)),
            (i, None) => {
                let code = u32::try_from(self.ends.len()).ok().filter(|&c| c < u32::MAX - 1)?;
                let end = u32::try_from(arena.len() + value.len()).ok()?;
                self.ends.push(end);
                self.slots[i] = Index::slot(h, code);
                Some((code, true))
            }
        }
    }

    /// Makes room for `values` values in all, rehashing from the stored hashes.
    fn grow(&mut self, values: usize) {
        let wanted = (values * 2).next_power_of_two().max(MIN_SLOTS);
        if wanted <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![0; wanted]);
        let mask = wanted - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut i = (slot >> 32) as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    /// Builds the table again from the values (after [`Dictionary::release_index`]).
    fn rebuild(&mut self, arena: &[u8]) {
        self.slots = Vec::new();
        self.grow(self.ends.len());
        let mask = self.slots.len() - 1;
        for code in 0..self.ends.len() {
            let h = hash(&arena[Index::range(&self.ends, code)]);
            let mut i = h as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            // invariant: codes fit in u32 (checked when interned).
            self.slots[i] = Index::slot(h, code as u32);
        }
    }

    fn reserve(&mut self, values: usize) {
        if self.slots.is_empty() && !self.ends.is_empty() {
            // A released table is rebuilt by the next intern, sized then.
            self.ends.reserve(values);
            return;
        }
        self.ends.reserve(values);
        self.grow(self.ends.len() + values);
    }

    /// Trims the offsets, and the table when it is more than four times too large
    /// (a rebuild costs a pass over the slots; a table sized ahead from an estimate
    /// is usually within a factor of two).
    fn shrink_to_fit(&mut self) {
        self.ends.shrink_to_fit();
        let needed = (self.ends.len() * 2).next_power_of_two().max(MIN_SLOTS);
        if needed * 4 <= self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = Vec::new();
            self.grow(self.ends.len());
            let mask = self.slots.len() - 1;
            for slot in old.into_iter().filter(|&s| s != 0) {
                let mut i = (slot >> 32) as usize & mask;
                while self.slots[i] != 0 {
                    i = (i + 1) & mask;
                }
                self.slots[i] = slot;
            }
        }
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
        // invariant: dictionaries are built from tables that were read (each
        // column's distinct text under 4 GiB and under u32::MAX values, both
        // checked by the reader) or from per-value transforms of them, which
        // never add values. Known gap: a transform that lengthens values
        // (pseudonyms of short identifiers) could pass 4 GiB of text for a
        // column of some 300 million distinct values; that needs an input of
        // several GiB natively, and cannot happen in wasm (4 GiB of memory).
        let (code, new) =
            self.index.intern(self.arena.as_bytes(), value.as_bytes()).expect("dictionary larger than 4 GiB"); // invariant: see above
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

    /// Drops the hash index of a complete dictionary (8 to 16 bytes a value)
    /// when no value will be looked up for a while: values and codes stay,
    /// [`Dictionary::code_of`] becomes a scan, and the next
    /// [`Dictionary::intern`] builds the index again.
    pub fn release_index(&mut self) {
        self.index.slots = Vec::new();
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

/// Whether every value of a valid UTF-8 arena starts and ends on a character
/// boundary, hence is valid UTF-8 itself. A valid arena is not enough: the
/// values `E9 80` and `80` are not UTF-8, but side by side they are `E9 80 80`,
/// one character.
fn splits_at_chars(arena: &str, ends: &[u32]) -> bool {
    ends.iter().all(|&end| arena.is_char_boundary(end as usize))
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

    /// Whether every value is valid UTF-8.
    pub(crate) fn is_utf8(&self) -> bool {
        std::str::from_utf8(&self.arena).is_ok_and(|arena| splits_at_chars(arena, &self.index.ends))
    }

    /// The code of `value`, whose [`hash`] is `h`; `None` if the column passes
    /// 4 GiB of distinct text.
    pub(crate) fn intern_hashed(&mut self, value: &[u8], h: u32) -> Option<u32> {
        let (code, new) = self.index.intern_hashed(&self.arena, value, h)?;
        if new {
            self.arena.extend_from_slice(value);
        }
        Some(code)
    }

    /// Loads the slots that the values hashed to `hashes` will probe first,
    /// then the text of the values already seen that they hold, ahead of
    /// interning those values, when the table is too large for the cache.
    /// These loads do not depend on one another, so the processor has many of
    /// them in flight at once; the lookups that follow then find their lines
    /// in the cache instead of waiting for each miss in turn. (Plain loads, not
    /// prefetch instructions, so that wasm gains as well.)
    pub(crate) fn warm(&self, hashes: &[u32]) {
        let slots = &self.index.slots;
        if slots.len() < WARM_SLOTS {
            return;
        }
        let mask = slots.len() - 1;
        let touched = hashes.iter().fold(0u64, |acc, &h| acc ^ slots[h as usize & mask]);
        std::hint::black_box(touched);
        // Then, where the first slot holds a value of the same hash (a value
        // seen before), its text, which the lookup compares.
        let ends = &self.index.ends;
        let touched = hashes.iter().fold(0u8, |acc, &h| {
            let slot = slots[h as usize & mask];
            if slot == 0 || (slot >> 32) as u32 != h {
                return acc;
            }
            let code = (slot as u32).wrapping_sub(1) as usize;
            let start = if code == 0 { 0 } else { ends[code - 1] as usize };
            acc ^ self.arena.get(start).copied().unwrap_or(0)
        });
        std::hint::black_box(touched);
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
                Ok(mut arena) if splits_at_chars(&arena, &self.index.ends) => {
                    arena.shrink_to_fit();
                    return (Dictionary { arena, index: self.index }, None);
                }
                Ok(arena) => self.arena = arena.into_bytes(),
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
    fn a_released_index_still_finds_and_interns() {
        let mut d = Dictionary::new();
        let words = ["b", "", "a", "ab", "b\u{e9}"];
        let codes: Vec<u32> = words.iter().map(|w| d.intern(w)).collect();
        d.release_index();
        for (w, &c) in words.iter().zip(&codes) {
            assert_eq!(d.code_of(w), Some(c));
            assert_eq!(d.get(c), *w);
        }
        assert_eq!(d.code_of("zz"), None);
        assert_eq!(d.intern("a"), codes[2]);
        assert_eq!(d.intern("zz"), 5);
        assert_eq!(d.code_of("zz"), Some(5));
        d.release_index();
        d.reserve(100, 100);
        assert_eq!(d.intern("new"), 6);
        assert_eq!(d.code_of(""), Some(codes[1]));
    }

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
        let intern = |raw: &mut ByteDictionary, v: &[u8]| raw.intern_hashed(v, hash(v));
        assert_eq!(intern(&mut raw, b"abc"), Some(0));
        assert_eq!(intern(&mut raw, b"H\xe9l\xe8ne"), Some(1));
        assert_eq!(intern(&mut raw, b"abc"), Some(0));
        let (dict, remap) = raw.into_dictionary(true, |b| encoding_rs::WINDOWS_1252.decode_without_bom_handling(b).0);
        assert!(remap.is_none());
        assert_eq!(dict.get(1), "Hélène");
        assert_eq!(dict.code_of("Hélène"), Some(1));
        assert_eq!(dict.code_of("abc"), Some(0));

        // lossy decoding can merge values: the remap says where each went
        let mut raw = ByteDictionary::default();
        intern(&mut raw, b"\xff");
        intern(&mut raw, b"\xfe");
        intern(&mut raw, b"ok");
        let (dict, remap) = raw.into_dictionary(true, String::from_utf8_lossy);
        assert_eq!(remap, Some(vec![0, 0, 1]));
        assert_eq!(dict.get(0), "\u{FFFD}");
    }
}
