//! The column driver: [`scrub_column`] scrubs every cell of a text column,
//! looking in each row for that row's values of other columns ([`Source`]),
//! and scrubs each distinct value once when there are none.

use super::{scrub, scrub_with, Found, NameSet, RowContext, ScrubCounts, ScrubOptions};
use crate::table::{Column, Dictionary};

/// A column of the same table whose value in each row is looked for in that row's text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// What the column holds.
    pub found: Found,
    /// The column.
    pub column: &'a Column,
    /// What replaces its values, indexed by the column's dictionary codes (the
    /// pseudonym of each distinct value); `None` for the tag.
    pub replacements: Option<&'a [String]>,
    /// Also look for every distinct value of the column in every row (a
    /// [`NameSet`]; such matches get the tag). For surname and first-name
    /// columns, so that relatives named in a comment are removed too.
    pub everywhere: bool,
}

/// Why [`scrub_column`] cannot run. Names columns, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScrubColumnError {
    /// A source column does not have as many rows as the text column.
    RowCount {
        /// The source column.
        column: String,
    },
    /// A source's replacements do not have one entry per distinct value.
    Replacements {
        /// The source column.
        column: String,
    },
}

impl std::fmt::Display for ScrubColumnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScrubColumnError::RowCount { column } => {
                write!(f, "column {column:?} does not have as many rows as the text column")
            }
            ScrubColumnError::Replacements { column } => {
                write!(f, "the replacements for column {column:?} do not cover its distinct values")
            }
        }
    }
}

impl std::error::Error for ScrubColumnError {}

/// Scrubs every cell of `text`, looking in each row for that row's values of
/// `sources` (and for all their values, for the sources marked `everywhere`).
///
/// Returns the new column (same name) and the total counts. Without sources each
/// distinct value is scrubbed once.
pub fn scrub_column(
    text: &Column,
    sources: &[Source<'_>],
    options: &ScrubOptions,
) -> Result<(Column, ScrubCounts), ScrubColumnError> {
    for s in sources {
        if s.column.codes.len() != text.codes.len() {
            return Err(ScrubColumnError::RowCount { column: s.column.name.clone() });
        }
        if s.replacements.is_some_and(|r| r.len() != s.column.dict.len()) {
            return Err(ScrubColumnError::Replacements { column: s.column.name.clone() });
        }
    }
    let mut dict = Dictionary::new();
    let mut codes = Vec::with_capacity(text.codes.len());
    let mut total = ScrubCounts::default();
    let mut out = String::new();
    let mut set = NameSet::new();
    for s in sources.iter().filter(|s| s.everywhere) {
        for value in s.column.dict.iter() {
            set.add(s.found, value);
        }
    }
    if sources.is_empty() || !options.names {
        let empty = RowContext::new();
        let mut memo: Vec<Option<(u32, ScrubCounts)>> = vec![None; text.dict.len()];
        for &code in &text.codes {
            let slot = &mut memo[code as usize];
            let (new, counts) = match slot {
                Some(done) => *done,
                None => {
                    out.clear();
                    let counts = scrub(text.dict.get(code), &empty, options, &mut out);
                    let done = (dict.intern(&out), counts);
                    *slot = Some(done);
                    done
                }
            };
            codes.push(new);
            total += counts;
        }
    } else {
        let mut ctx = RowContext::new();
        for (row, &code) in text.codes.iter().enumerate() {
            let value = text.dict.get(code);
            if !value.bytes().any(|c| c.is_ascii_alphanumeric() || c >= 0x80) {
                codes.push(dict.intern(value));
                continue;
            }
            ctx.clear();
            for s in sources {
                let c = s.column.codes[row];
                let replacement = s.replacements.and_then(|r| r.get(c as usize)).map(String::as_str);
                ctx.add(s.found, s.column.dict.get(c), replacement);
            }
            out.clear();
            total += scrub_with(value, &ctx, &set, options, &mut out);
            codes.push(dict.intern(&out));
        }
    }
    dict.shrink_to_fit();
    Ok((Column { name: text.name.clone(), codes, dict }, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_columns() {
        let text = Column::from_values("commentaire", ["Patient Dupont 06 12 34 56 78", "", "RAS", "Patient Martin"]);
        let nom = Column::from_values("nom", ["DUPONT", "X", "Y", "MARTIN"]);
        let repl: Vec<String> = vec!["P-A".into(), "P-B".into(), "P-C".into(), "P-D".into()];
        let sources = [Source { found: Found::Surname, column: &nom, replacements: Some(&repl), everywhere: false }];
        let (col, counts) = scrub_column(&text, &sources, &ScrubOptions::default()).unwrap();
        let values: Vec<&str> = (0..4).map(|r| col.get(r)).collect();
        assert_eq!(values, ["Patient P-A [TEL]", "", "RAS", "Patient P-D"]);
        assert_eq!((counts.surname, counts.phone), (2, 1));
        let (col, counts) = scrub_column(&text, &[], &ScrubOptions::default()).unwrap();
        assert_eq!(col.get(0), "Patient Dupont [TEL]");
        assert_eq!(counts.total(), 1);
        let short = Column::from_values("nom", ["A"]);
        let bad = [Source { found: Found::Surname, column: &short, replacements: None, everywhere: false }];
        assert_eq!(
            scrub_column(&text, &bad, &ScrubOptions::default()).unwrap_err(),
            ScrubColumnError::RowCount { column: "nom".into() }
        );
        let bad = [Source { found: Found::Surname, column: &nom, replacements: Some(&repl[..2]), everywhere: false }];
        assert!(scrub_column(&text, &bad, &ScrubOptions::default()).is_err());
    }
}
