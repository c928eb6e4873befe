//! The dictionary of a column's distinct values.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// The distinct values of a column, in order of first appearance.
///
/// Values live in one contiguous UTF-8 arena with an offset table, so a
/// dictionary of a million names is two allocations, not a million. A hash
/// index maps a value to its code; interning a value that is already present
/// allocates nothing.
#[derive(Clone, Default)]
pub struct Dictionary {
    arena: String,
    /// `offsets[i]..offsets[i + 1]` is value `i` in `arena`; starts with 0.
    ends: Vec<usize>,
    index: HashTable<u32>,
}

const HASHER: FixedState = FixedState::with_seed(0x6d61_7371_7565);

fn hash(value: &str) -> u64 {
    HASHER.hash_one(value.as_bytes())
}

impl Dictionary {
    /// An empty dictionary.
    pub fn new() -> Dictionary {
        Dictionary::default()
    }

    /// The number of distinct values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no value at all.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn start(&self, code: usize) -> usize {
        if code == 0 {
            0
        } else {
            self.ends[code - 1]
        }
    }

    /// The value with code `code`.
    ///
    /// Panics if `code` is not a code of this dictionary (a programming error:
    /// codes only come from [`Dictionary::intern`]).
    pub fn get(&self, code: u32) -> &str {
        let code = code as usize;
        &self.arena[self.start(code)..self.ends[code]]
    }

    /// The code of `value`, if it is present.
    pub fn code_of(&self, value: &str) -> Option<u32> {
        self.index.find(hash(value), |&c| self.get(c) == value).copied()
    }

    /// The code of `value`, adding it if it is new.
    ///
    /// # Panics
    /// If the dictionary already holds `u32::MAX` values.
    pub fn intern(&mut self, value: &str) -> u32 {
        let h = hash(value);
        let Dictionary { arena, ends, index } = self;
        let entry = index.entry(
            h,
            |&c| {
                let c = c as usize;
                let start = if c == 0 { 0 } else { ends[c - 1] };
                &arena[start..ends[c]] == value
            },
            |&c| {
                let c = c as usize;
                let start = if c == 0 { 0 } else { ends[c - 1] };
                hash(&arena[start..ends[c]])
            },
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(o) => *o.get(),
            hashbrown::hash_table::Entry::Vacant(v) => {
                // invariant: a table has far fewer than 4 billion distinct values per
                // column (the input would be many gigabytes); treat overflow as a bug.
                let code = u32::try_from(ends.len()).expect("dictionary overflow");
                arena.push_str(value);
                ends.push(arena.len());
                v.insert(code);
                code
            }
        }
    }

    /// The values in code order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.ends.len()).map(move |c| &self.arena[self.start(c)..self.ends[c]])
    }

    /// The total length in bytes of all distinct values.
    pub fn text_len(&self) -> usize {
        self.arena.len()
    }

    /// Releases spare capacity once a column is complete.
    pub fn shrink_to_fit(&mut self) {
        self.arena.shrink_to_fit();
        self.ends.shrink_to_fit();
        let Dictionary { arena, ends, index } = self;
        index.shrink_to_fit(|&c| {
            let c = c as usize;
            let start = if c == 0 { 0 } else { ends[c - 1] };
            hash(&arena[start..ends[c]])
        });
    }
}

impl PartialEq for Dictionary {
    fn eq(&self, other: &Dictionary) -> bool {
        self.arena == other.arena && self.ends == other.ends
    }
}

impl Eq for Dictionary {}

impl std::fmt::Debug for Dictionary {
    // Values can be patient data: debug output shows sizes only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary").field("len", &self.len()).field("text_len", &self.text_len()).finish()
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
}
