//! Generalisation hierarchies: each value of a column mapped to coarser levels.
//!
//! A [`Hierarchy`] has one row per original value and one column per level:
//! level 0 is the value itself, each later level a coarser label (age `34` ->
//! `30-34` -> `30-39` -> `*`). [`arx`] reads ARX's CSV format.
//!
//! Each level is stored like a table column: a [`Dictionary`] of its distinct
//! labels and one code per row, so applying a level to a column is a code ->
//! code map computed once per distinct value.
//!
//! Used today by the policy action `generalise` with `"to": "hierarchy"`;
//! builders (intervals, dates, masking) and the coarsening check serve the
//! optimal generalisation search, which extends this module: [`builder`] (hierarchies made
//! from a column's values), [`french`] (age bands, code postal -> département
//! -> région) and [`mod@column`] ([`ColumnHierarchy`]: a hierarchy checked
//! against a column, each level a code -> code map over its dictionary).

pub mod arx;
// For the generalisation search: builders, French ready-mades, the checked
// binding of a hierarchy to a column as code -> code maps.
pub mod builder;
pub mod column;
pub mod french;

pub use builder::Builder;
pub use column::{ColumnError, ColumnHierarchy};

use std::fmt;

use crate::table::Dictionary;

/// A generalisation hierarchy (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    /// Per level, the distinct labels. Level 0 holds every original value once,
    /// in row order, so a level-0 code is also a row number.
    levels: Vec<Dictionary>,
    /// Per level, one code per row into `levels[level]`.
    codes: Vec<Vec<u32>>,
}

impl Hierarchy {
    /// Builds a hierarchy from rows of equal length (value, then its levels).
    ///
    /// `lines` gives the 1-based source line of each row, for errors.
    pub fn from_rows<R, S>(rows: impl IntoIterator<Item = (u64, R)>) -> Result<Hierarchy, HierarchyError>
    where
        R: AsRef<[S]>,
        S: AsRef<str>,
    {
        let mut levels: Vec<Dictionary> = Vec::new();
        let mut codes: Vec<Vec<u32>> = Vec::new();
        let mut first_lines: Vec<u64> = Vec::new();
        for (line, row) in rows {
            let row = row.as_ref();
            if levels.is_empty() {
                if row.is_empty() {
                    return Err(HierarchyError::Ragged { line, expected: 1, found: 0 });
                }
                levels = vec![Dictionary::new(); row.len()];
                codes = vec![Vec::new(); row.len()];
            }
            if row.len() != levels.len() {
                return Err(HierarchyError::Ragged { line, expected: levels.len(), found: row.len() });
            }
            let value = row[0].as_ref();
            if let Some(code) = levels[0].code_of(value) {
                let first_line = first_lines[code as usize];
                return Err(HierarchyError::Duplicate { line, first_line });
            }
            first_lines.push(line);
            for (level, label) in row.iter().enumerate() {
                let code = levels[level].intern(label.as_ref());
                codes[level].push(code);
            }
        }
        if levels.is_empty() {
            return Err(HierarchyError::Empty);
        }
        for d in &mut levels {
            d.shrink_to_fit();
        }
        Ok(Hierarchy { levels, codes })
    }

    /// The number of levels, the original values (level 0) included.
    pub fn height(&self) -> usize {
        self.levels.len()
    }

    /// The number of original values.
    pub fn len(&self) -> usize {
        self.levels.first().map_or(0, Dictionary::len)
    }

    /// Whether the hierarchy has no value (never true once built).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row of an original value.
    pub fn row_of(&self, value: &str) -> Option<usize> {
        self.levels.first()?.code_of(value).map(|c| c as usize)
    }

    /// The label of `row` at `level`. Panics if either is out of range (a
    /// programming error: rows come from [`Hierarchy::row_of`]).
    pub fn label(&self, row: usize, level: usize) -> &str {
        self.levels[level].get(self.codes[level][row])
    }

    /// The label of an original value at `level`, if the value is in the
    /// hierarchy and the level exists.
    pub fn generalise(&self, value: &str, level: usize) -> Option<&str> {
        if level >= self.height() {
            return None;
        }
        Some(self.label(self.row_of(value)?, level))
    }

    /// The distinct labels of a level (`None` past the top level).
    pub fn level(&self, level: usize) -> Option<&Dictionary> {
        self.levels.get(level)
    }

    /// The code, in [`Hierarchy::level`], of each row's label at `level`.
    pub fn level_codes(&self, level: usize) -> Option<&[u32]> {
        self.codes.get(level).map(Vec::as_slice)
    }
}

/// Why a hierarchy could not be built. Positions only, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HierarchyError {
    /// No row at all.
    Empty,
    /// A row with another number of levels than the first.
    Ragged {
        /// 1-based line.
        line: u64,
        /// Levels in the first row.
        expected: usize,
        /// Levels in this row.
        found: usize,
    },
    /// An original value listed twice.
    Duplicate {
        /// 1-based line of the repeat.
        line: u64,
        /// 1-based line where it first appears.
        first_line: u64,
    },
    /// The CSV could not be parsed (an unterminated quote, ...).
    Csv {
        /// 1-based line.
        line: u64,
    },
}

impl fmt::Display for HierarchyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HierarchyError::Empty => write!(f, "the hierarchy has no rows"),
            HierarchyError::Ragged { line, expected, found } => {
                write!(f, "line {line} has {found} levels, expected {expected} as on the first line")
            }
            HierarchyError::Duplicate { line, first_line } => {
                write!(f, "line {line} repeats the value of line {first_line}")
            }
            HierarchyError::Csv { line } => write!(f, "line {line} is not valid CSV"),
        }
    }
}

impl std::error::Error for HierarchyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_looks_up() {
        let h = Hierarchy::from_rows([(1, ["34", "30-34", "*"]), (2, ["35", "35-39", "*"]), (3, ["31", "30-34", "*"])])
            .unwrap();
        assert_eq!(h.height(), 3);
        assert_eq!(h.len(), 3);
        assert_eq!(h.generalise("31", 1), Some("30-34"));
        assert_eq!(h.generalise("31", 0), Some("31"));
        assert_eq!(h.generalise("31", 3), None);
        assert_eq!(h.generalise("99", 1), None);
        assert_eq!(h.level(1).unwrap().len(), 2);
        assert_eq!(h.level_codes(1).unwrap(), &[0, 1, 0]);
    }

    #[test]
    fn rejects_ragged_and_duplicate_rows() {
        let ragged = Hierarchy::from_rows([(1, vec!["a", "b"]), (2, vec!["c"])]);
        assert_eq!(ragged.unwrap_err(), HierarchyError::Ragged { line: 2, expected: 2, found: 1 });
        let dup = Hierarchy::from_rows([(1, ["a", "x"]), (4, ["a", "y"])]);
        assert_eq!(dup.unwrap_err(), HierarchyError::Duplicate { line: 4, first_line: 1 });
        let empty: [(u64, [&str; 1]); 0] = [];
        assert_eq!(Hierarchy::from_rows(empty).unwrap_err(), HierarchyError::Empty);
    }
}
