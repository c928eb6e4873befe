//! Errors of the anonymisation search. They name configuration paths,
//! columns, levels and rows, never a cell value.

use std::fmt;

use crate::hierarchy::ColumnError;
use crate::privacy::PrivacyError;

/// Why an anonymisation could not be made.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchError(Box<SearchErrorKind>);

impl SearchError {
    pub(crate) fn new(kind: SearchErrorKind) -> SearchError {
        SearchError(Box::new(kind))
    }

    pub(crate) fn config(path: &str, message: impl Into<String>) -> SearchError {
        SearchError::new(SearchErrorKind::Config { path: path.to_string(), message: message.into() })
    }

    /// What went wrong.
    pub fn kind(&self) -> &SearchErrorKind {
        &self.0
    }

    /// A stable machine name for the kind of error.
    pub fn code(&self) -> &'static str {
        match &*self.0 {
            SearchErrorKind::Config { .. } => "bad_config",
            SearchErrorKind::UnknownColumn { .. } => "unknown_column",
            SearchErrorKind::DuplicateColumn { .. } => "duplicate_column",
            SearchErrorKind::HierarchyFileUnavailable { .. } => "hierarchy_file_unavailable",
            SearchErrorKind::Hierarchy(e) => e.code(),
            SearchErrorKind::Level { .. } => "bad_level",
            SearchErrorKind::Privacy(e) => e.code(),
            SearchErrorKind::EmptyTable => "empty_table",
            SearchErrorKind::LatticeTooLarge { .. } => "lattice_too_large",
            SearchErrorKind::NoSolution => "no_solution",
            SearchErrorKind::RowCount { .. } => "row_count",
            SearchErrorKind::NotGeneralisation { .. } => "not_generalisation",
            SearchErrorKind::BoundBlocks { .. } => "max_level_blocks",
            SearchErrorKind::PopulationColumn { .. } => "population_unknown_column",
            SearchErrorKind::PopulationNotInHierarchy { .. } => "population_not_in_hierarchy",
            SearchErrorKind::NotInPopulation { .. } => "not_in_population",
        }
    }
}

/// The kinds of [`SearchError`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SearchErrorKind {
    /// A field of the configuration is missing, unknown or out of range.
    Config {
        /// Where, as `quasi_identifiers.age.builder` (empty for the whole object).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A configured column is not in the table.
    UnknownColumn {
        /// The name as configured.
        name: String,
    },
    /// A column is configured twice.
    DuplicateColumn {
        /// The name as configured.
        name: String,
    },
    /// `hierarchy_file` reached the core: only the command line can read files.
    HierarchyFileUnavailable {
        /// The quasi-identifier.
        column: String,
    },
    /// A hierarchy does not fit its column.
    Hierarchy(ColumnError),
    /// `min_level` or `max_level` is past the top of the hierarchy.
    Level {
        /// The quasi-identifier.
        column: String,
        /// The highest level of its hierarchy.
        top: usize,
    },
    /// The risk analysis (sensitive columns) refused its input.
    Privacy(PrivacyError),
    /// The table has no data rows.
    EmptyTable,
    /// The optimal search was asked for a lattice too large to enumerate.
    LatticeTooLarge {
        /// The number of nodes (saturating).
        nodes: u64,
        /// The largest lattice the optimal search takes.
        limit: u64,
    },
    /// No generalisation meets the criteria within the suppression limit,
    /// not even the most general one.
    NoSolution,
    /// The output compared with an input (NCP) has another number of rows.
    RowCount {
        /// Rows of the input.
        input: usize,
        /// Rows of the output.
        output: usize,
    },
    /// An output cell is neither its input value, nor one of its ancestors in
    /// the hierarchy, nor `*` or blank.
    NotGeneralisation {
        /// The quasi-identifier.
        column: String,
        /// 1-based data row.
        row: usize,
    },
    /// Local recoding: with the `max_level` bounds, the rows that share their
    /// ancestors at those levels form a group that can never meet the
    /// criteria (splitting only makes it smaller, and a bound forbids
    /// generalising higher to merge it with others).
    BoundBlocks {
        /// The quasi-identifiers whose bound blocks, each with its `max_level`,
        /// in configuration order.
        columns: Vec<(String, usize)>,
        /// The rows of the smallest group that fails.
        rows: u64,
        /// The rows a group needs: k (or more, as l-diversity implies).
        needed: u32,
        /// Whether that group has enough rows but fails a sensitive criterion
        /// (l-diversity, t-closeness) rather than k.
        sensitive: bool,
    },
    /// The population table has no column of a quasi-identifier's name.
    PopulationColumn {
        /// The quasi-identifier.
        name: String,
    },
    /// A value of the population table has no row in the quasi-identifier's hierarchy.
    PopulationNotInHierarchy {
        /// The quasi-identifier.
        column: String,
        /// 1-based data row of the population table.
        row: usize,
    },
    /// δ-presence: the file is not a subset of the population table; this
    /// row's combination of quasi-identifier values has more rows in the
    /// file than in the population table.
    NotInPopulation {
        /// 1-based data row of the file.
        row: usize,
    },
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            SearchErrorKind::Config { path, message } if path.is_empty() => write!(f, "configuration: {message}"),
            SearchErrorKind::Config { path, message } => write!(f, "configuration: {path}: {message}"),
            SearchErrorKind::UnknownColumn { name } => {
                write!(f, "unknown column `{name}`: the table has no column of that name")
            }
            SearchErrorKind::DuplicateColumn { name } => write!(f, "column `{name}` is listed twice"),
            SearchErrorKind::HierarchyFileUnavailable { column } => write!(
                f,
                "quasi-identifier `{column}`: `hierarchy_file` cannot be read here; give the hierarchy's text in \
                 `hierarchy`"
            ),
            SearchErrorKind::Hierarchy(e) => write!(f, "{e}"),
            SearchErrorKind::Level { column, top } => {
                write!(f, "quasi-identifier `{column}`: levels go from 0 to {top}")
            }
            SearchErrorKind::Privacy(e) => write!(f, "{e}"),
            SearchErrorKind::EmptyTable => write!(f, "the table has no data rows"),
            SearchErrorKind::LatticeTooLarge { nodes, limit } => write!(
                f,
                "the generalisation lattice has {nodes} nodes, more than the {limit} the optimal search takes; use \
                 `\"search\": \"heuristic\"` or `auto`"
            ),
            SearchErrorKind::NoSolution => write!(
                f,
                "no generalisation meets the privacy criteria within the suppression limit, not even the most \
                 general one: lower k or the l / t requirements, or allow more suppression"
            ),
            SearchErrorKind::RowCount { input, output } => {
                write!(f, "the output has {output} rows and the input {input}: they must have the same rows")
            }
            SearchErrorKind::NotGeneralisation { column, row } => write!(
                f,
                "column `{column}`: the output value in row {row} is neither the input value nor one of its \
                 ancestors in the hierarchy"
            ),
            SearchErrorKind::PopulationColumn { name } => {
                write!(f, "the population table has no column `{name}`: it needs every quasi-identifier")
            }
            SearchErrorKind::PopulationNotInHierarchy { column, row } => write!(
                f,
                "quasi-identifier `{column}`: the value in row {row} of the population table is not in the \
                 hierarchy"
            ),
            SearchErrorKind::NotInPopulation { row } => write!(
                f,
                "row {row}: its quasi-identifiers have more rows in the file than in the population table; \
                 δ-presence needs the file to be a subset of the population"
            ),
            SearchErrorKind::BoundBlocks { columns, rows, needed, sensitive } => {
                let named: Vec<String> =
                    columns.iter().map(|(c, level)| format!("`{c}` (max_level {level})")).collect();
                let (bound, blocks) = if columns.len() == 1 { ("bound", "blocks") } else { ("bounds", "block") };
                write!(f, "local recoding: the {bound} of {} {blocks}: ", named.join(", "))?;
                if *sensitive {
                    write!(f, "a group of {rows} rows they leave fails the l-diversity / t-closeness criteria")?;
                } else {
                    write!(f, "the smallest group of rows they leave has {rows} where {needed} are needed")?;
                }
                write!(
                    f,
                    "; it cannot be merged with another, since a bound forbids generalising higher: raise or drop \
                     the `max_level`, or lower k or the l / t requirements"
                )
            }
        }
    }
}

impl std::error::Error for SearchError {}

impl From<ColumnError> for SearchError {
    fn from(e: ColumnError) -> SearchError {
        SearchError::new(SearchErrorKind::Hierarchy(e))
    }
}

impl From<PrivacyError> for SearchError {
    fn from(e: PrivacyError) -> SearchError {
        SearchError::new(SearchErrorKind::Privacy(e))
    }
}
