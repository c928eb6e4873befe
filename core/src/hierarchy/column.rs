//! A hierarchy bound to a table column, checked, as code -> code maps.
//!
//! [`ColumnHierarchy::new`] takes a column and a [`Hierarchy`] (read from
//! ARX's CSV format or made by a [`super::builder::Builder`]) and checks that
//! - every value of the column has a row in the hierarchy (else
//!   [`ColumnError::NotInHierarchy`], naming the column and the first data row
//!   holding such a value), and
//! - every level is a coarsening of the one before: two hierarchy rows with
//!   the same label at level `l - 1` have the same label at level `l` (else
//!   [`ColumnError::NotCoarsening`], naming the column, the level and the two
//!   hierarchy rows). Full-domain generalisation needs this: without it,
//!   going one level up could split a group, and the search's pruning, which
//!   relies on coarser levels never separating rows, would be wrong.
//!
//! A level is then stored as a map from the column's dictionary codes to the
//! codes of the level's labels, so generalising a column is one array lookup
//! per row and touches each distinct value once.
//!
//! Errors name columns, levels and rows, never a value.

use std::fmt;

use super::{Hierarchy, HierarchyError};
use crate::table::{Column, Dictionary};

/// A checked hierarchy for one column: per level, a code -> code map over
/// the column's dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnHierarchy {
    column: String,
    /// Per level, the distinct labels.
    labels: Vec<Dictionary>,
    /// Per level, the label code of each dictionary code of the column.
    maps: Vec<Vec<u32>>,
    /// Per level, how many hierarchy rows carry each label.
    label_rows: Vec<Vec<u32>>,
    /// Per level, how many rows of the column carry each label.
    label_counts: Vec<Vec<u64>>,
    /// Rows of the hierarchy (its domain size, as ARX counts it).
    hierarchy_rows: usize,
}

impl ColumnHierarchy {
    /// Binds `hierarchy` to `column` after checking it (see the module documentation).
    pub fn new(column: &Column, hierarchy: &Hierarchy) -> Result<ColumnHierarchy, ColumnError> {
        let height = hierarchy.height();
        let name = &column.name;
        check_coarsening(name, hierarchy)?;

        // Dictionary code -> hierarchy row; codes of values absent from the
        // hierarchy are an error if some row holds them.
        let mut row_of_code = Vec::with_capacity(column.dict.len());
        let mut missing = false;
        for value in column.dict.iter() {
            match hierarchy.row_of(value) {
                Some(row) => row_of_code.push(row as u32),
                None => {
                    missing = true;
                    row_of_code.push(u32::MAX);
                }
            }
        }
        // (A code outside the dictionary, possible only in a hand-built
        // column, is left to the grouping, which reports it as an error.)
        let mut counts_of_code = vec![0u64; column.dict.len()];
        for &c in &column.codes {
            if let Some(n) = counts_of_code.get_mut(c as usize) {
                *n += 1;
            }
        }
        if missing {
            if let Some(row) = column.codes.iter().position(|&c| row_of_code.get(c as usize) == Some(&u32::MAX)) {
                return Err(ColumnError::NotInHierarchy { column: name.clone(), row: row + 1 });
            }
        }

        let mut labels = Vec::with_capacity(height);
        let mut maps = Vec::with_capacity(height);
        let mut label_rows = Vec::with_capacity(height);
        let mut label_counts = Vec::with_capacity(height);
        for level in 0..height {
            // invariant: `level < height`, so the level exists.
            let dict = hierarchy.level(level).cloned().unwrap_or_default();
            let codes = hierarchy.level_codes(level).unwrap_or(&[]);
            let mut rows = vec![0u32; dict.len()];
            for &code in codes {
                rows[code as usize] += 1;
            }
            let map: Vec<u32> =
                row_of_code.iter().map(|&r| if r == u32::MAX { 0 } else { codes[r as usize] }).collect();
            let mut counts = vec![0u64; dict.len()];
            for (code, &n) in counts_of_code.iter().enumerate() {
                if n > 0 {
                    counts[map[code] as usize] += n;
                }
            }
            labels.push(dict);
            maps.push(map);
            label_rows.push(rows);
            label_counts.push(counts);
        }
        Ok(ColumnHierarchy {
            column: name.clone(),
            labels,
            maps,
            label_rows,
            label_counts,
            hierarchy_rows: hierarchy.len(),
        })
    }

    /// The same hierarchy bound to other rows of the same column (`codes`,
    /// codes of the same dictionary), row `i` standing for `weights[i]`
    /// rows when weights are given: only the rows per label change.
    pub(crate) fn for_codes(&self, codes: &[u32], weights: Option<&[u64]>) -> ColumnHierarchy {
        let mut counts_of_code = vec![0u64; self.maps.first().map_or(0, Vec::len)];
        for (i, &c) in codes.iter().enumerate() {
            if let Some(n) = counts_of_code.get_mut(c as usize) {
                *n += weights.map_or(1, |w| w[i]);
            }
        }
        self.with_code_counts(&counts_of_code)
    }

    fn with_code_counts(&self, counts_of_code: &[u64]) -> ColumnHierarchy {
        let label_counts = self
            .maps
            .iter()
            .zip(&self.labels)
            .map(|(map, labels)| {
                let mut counts = vec![0u64; labels.len()];
                for (code, &n) in counts_of_code.iter().enumerate() {
                    if n > 0 {
                        counts[map[code] as usize] += n;
                    }
                }
                counts
            })
            .collect();
        ColumnHierarchy { label_counts, ..self.clone() }
    }

    /// The column's name.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The number of levels, level 0 (the values themselves) included.
    pub fn height(&self) -> usize {
        self.maps.len()
    }

    /// The labels of `level`. Panics past the top level (a programming error).
    pub fn labels(&self, level: usize) -> &Dictionary {
        &self.labels[level]
    }

    /// The label code (in [`ColumnHierarchy::labels`]) of each dictionary code
    /// of the column at `level`. Panics past the top level.
    pub fn map(&self, level: usize) -> &[u32] {
        &self.maps[level]
    }

    /// The number of labels of `level` (the domain of its codes).
    pub fn domain(&self, level: usize) -> usize {
        self.labels[level].len()
    }

    /// How many hierarchy rows carry each label of `level`.
    pub fn label_rows(&self, level: usize) -> &[u32] {
        &self.label_rows[level]
    }

    /// How many rows of the column carry each label of `level`.
    pub fn label_counts(&self, level: usize) -> &[u64] {
        &self.label_counts[level]
    }

    /// The number of labels of `level` that some row of the column carries.
    pub fn labels_in_use(&self, level: usize) -> usize {
        self.label_counts[level].iter().filter(|&&n| n > 0).count()
    }

    /// The number of rows of the hierarchy (ARX's domain size for its "Loss").
    pub fn hierarchy_rows(&self) -> usize {
        self.hierarchy_rows
    }
}

/// Checks that each level is a function of the one below.
fn check_coarsening(column: &str, hierarchy: &Hierarchy) -> Result<(), ColumnError> {
    let mut parent: Vec<(u32, u32)> = Vec::new();
    for level in 1..hierarchy.height() {
        let (Some(below), Some(above), Some(dict)) =
            (hierarchy.level_codes(level - 1), hierarchy.level_codes(level), hierarchy.level(level - 1))
        else {
            continue;
        };
        parent.clear();
        parent.resize(dict.len(), (u32::MAX, 0));
        for (row, (&b, &a)) in below.iter().zip(above).enumerate() {
            let slot = &mut parent[b as usize];
            if slot.0 == u32::MAX {
                *slot = (a, row as u32);
            } else if slot.0 != a {
                return Err(ColumnError::NotCoarsening {
                    column: column.to_string(),
                    level,
                    row: row + 1,
                    first_row: slot.1 as usize + 1,
                });
            }
        }
    }
    Ok(())
}

/// Why a hierarchy cannot be used for a column. Names the column, levels and
/// rows, never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnError {
    /// A value of the column has no row in the hierarchy.
    NotInHierarchy {
        /// The column.
        column: String,
        /// 1-based data row of the first such value.
        row: usize,
    },
    /// Level `level` is not a coarsening of level `level - 1`.
    NotCoarsening {
        /// The column.
        column: String,
        /// The level that splits a group of the level below.
        level: usize,
        /// 1-based hierarchy row that disagrees with `first_row`.
        row: usize,
        /// 1-based hierarchy row with the same label at `level - 1` and another at `level`.
        first_row: usize,
    },
    /// A builder cannot place a value (not a number, not a date, not in the given order, ...).
    Unbuildable {
        /// The column.
        column: String,
        /// 1-based data row of the first such value.
        row: usize,
        /// What the builder needs.
        expected: &'static str,
    },
    /// A builder's parameters are invalid.
    BadBuilder {
        /// The column.
        column: String,
        /// What is wrong (names parameters and positions, never values).
        message: String,
    },
    /// The hierarchy text could not be read.
    Parse {
        /// The column.
        column: String,
        /// Why, with the line.
        error: HierarchyError,
    },
}

impl ColumnError {
    /// The column concerned.
    pub fn column(&self) -> &str {
        match self {
            ColumnError::NotInHierarchy { column, .. }
            | ColumnError::NotCoarsening { column, .. }
            | ColumnError::Unbuildable { column, .. }
            | ColumnError::BadBuilder { column, .. }
            | ColumnError::Parse { column, .. } => column,
        }
    }

    /// A stable machine name for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            ColumnError::NotInHierarchy { .. } => "not_in_hierarchy",
            ColumnError::NotCoarsening { .. } => "not_coarsening",
            ColumnError::Unbuildable { .. } => "unbuildable",
            ColumnError::BadBuilder { .. } => "bad_builder",
            ColumnError::Parse { .. } => "bad_hierarchy",
        }
    }
}

impl fmt::Display for ColumnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnError::NotInHierarchy { column, row } => {
                write!(f, "column `{column}`: the value in row {row} is not in the hierarchy")
            }
            ColumnError::NotCoarsening { column, level, row, first_row } => write!(
                f,
                "column `{column}`: hierarchy level {level} is not a coarsening of level {}: hierarchy rows \
                 {first_row} and {row} share their label at level {} but not at level {level}",
                level - 1,
                level - 1
            ),
            ColumnError::Unbuildable { column, row, expected } => {
                write!(f, "column `{column}`: the value in row {row} is not {expected}")
            }
            ColumnError::BadBuilder { column, message } => write!(f, "column `{column}`: {message}"),
            ColumnError::Parse { column, error } => write!(f, "column `{column}`: hierarchy: {error}"),
        }
    }
}

impl std::error::Error for ColumnError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hierarchy::arx;

    #[test]
    fn binds_levels_as_code_maps() {
        let column = Column::from_values("age", ["34", "39", "34", "21"]);
        let h = arx::parse(b"21;20-24;20-39;*\n34;30-34;20-39;*\n39;35-39;20-39;*\n50;50-54;40-59;*\n").unwrap();
        let ch = ColumnHierarchy::new(&column, &h).unwrap();
        assert_eq!(ch.height(), 4);
        assert_eq!(ch.hierarchy_rows(), 4);
        let label = |level: usize, row: usize| ch.labels(level).get(ch.map(level)[column.codes[row] as usize]);
        assert_eq!(label(0, 1), "39");
        assert_eq!(label(1, 0), "30-34");
        assert_eq!(label(2, 3), "20-39");
        assert_eq!(label(3, 2), "*");
        assert_eq!(ch.domain(2), 2);
        assert_eq!(ch.label_rows(2), &[3, 1]);
        assert_eq!(ch.label_counts(2), &[4, 0]);
        assert_eq!(ch.labels_in_use(2), 1);
        assert_eq!(ch.labels_in_use(1), 3);
    }

    #[test]
    fn a_missing_value_names_the_column_and_row() {
        let column = Column::from_values("cp", ["75011", "secret-99", "75011"]);
        let h = arx::parse(b"75011;75;*\n").unwrap();
        let err = ColumnHierarchy::new(&column, &h).unwrap_err();
        assert_eq!(err, ColumnError::NotInHierarchy { column: "cp".into(), row: 2 });
        assert_eq!(err.to_string(), "column `cp`: the value in row 2 is not in the hierarchy");
        assert!(!err.to_string().contains("secret"));
    }

    #[test]
    fn a_level_that_splits_a_group_is_refused() {
        let column = Column::from_values("a", ["1"]);
        // rows 1 and 3 share "x" at level 1 but not level 2
        let h = arx::parse(b"1;x;p;*\n2;y;q;*\n3;x;q;*\n").unwrap();
        let err = ColumnHierarchy::new(&column, &h).unwrap_err();
        assert_eq!(err, ColumnError::NotCoarsening { column: "a".into(), level: 2, row: 3, first_row: 1 });
        assert_eq!(
            err.to_string(),
            "column `a`: hierarchy level 2 is not a coarsening of level 1: hierarchy rows 1 and 3 share their \
             label at level 1 but not at level 2"
        );
        assert_eq!(err.code(), "not_coarsening");
    }

    #[test]
    fn values_absent_from_rows_do_not_matter() {
        // A dictionary value no row uses (possible for hand-built columns).
        let mut column = Column::from_values("a", ["1", "2"]);
        column.dict.intern("unused");
        let h = arx::parse(b"1;*\n2;*\n").unwrap();
        assert!(ColumnHierarchy::new(&column, &h).is_ok());
    }
}
