//! `masque inspect FILE [--json]`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use masque::inspect::Inspection;
use masque::table::LineEnding;

use super::{print_json, print_text, Failure, ReadArgs};

/// Show a file's dialect (delimiter, encoding, BOM, line ending), row count and columns.
#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The CSV/TSV file or workbook.
    file: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    read: ReadArgs,
}

/// Runs `masque inspect`.
pub fn run(args: &InspectArgs) -> Result<(), Failure> {
    let read = args.read.read_table(&args.file)?;
    let inspection = masque::inspect::summarise(&read);
    if args.json {
        return print_json(&inspection);
    }
    let text = render(&args.file, &inspection).map_err(|e| Failure(format!("internal error: {e}")))?;
    print_text(&text)
}

/// The summary: a line on the file, then one line per column.
fn render(file: &Path, inspection: &Inspection) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    let d = &inspection.dialect;
    let delimiter = match d.delimiter {
        b'\t' => "TAB".to_string(),
        b => (b as char).to_string(),
    };
    let encoding = serde_json::to_value(d.encoding).ok().and_then(|v| v.as_str().map(str::to_string));
    writeln!(
        out,
        "{}: {} rows, {} columns; delimiter {delimiter}, {}{}, {} line endings",
        file.display(),
        inspection.rows,
        inspection.columns.len(),
        encoding.unwrap_or_default(),
        if d.bom { " with BOM" } else { "" },
        match d.line_ending {
            LineEnding::Crlf => "CRLF",
            LineEnding::Lf => "LF",
            LineEnding::Cr => "CR",
        },
    )?;
    let width = inspection.columns.iter().map(|c| c.name.chars().count()).max().unwrap_or(6).max(6);
    let name = |v: serde_json::Result<serde_json::Value>| v.ok().and_then(|v| v.as_str().map(str::to_string));
    let suggested: Vec<(String, String)> = inspection
        .columns
        .iter()
        .map(|c| {
            let s = &c.suggestion;
            let role = name(serde_json::to_value(s.role)).unwrap_or_default();
            (role, s.action.summary())
        })
        .collect();
    let role_w = suggested.iter().map(|(r, _)| r.len()).max().unwrap_or(4).max(4);
    let action_w = suggested.iter().map(|(_, a)| a.len()).max().unwrap_or(6).max(6);
    writeln!(
        out,
        "  {:<width$}  {:>10}  {:>10}  {:<role_w$}  {:<action_w$}  {:>4}  why",
        "column", "distinct", "empty", "role", "action", "conf"
    )?;
    for (c, (role, action)) in inspection.columns.iter().zip(&suggested) {
        writeln!(
            out,
            "  {:<width$}  {:>10}  {:>10}  {:<role_w$}  {:<action_w$}  {:>3}%  {}",
            c.name,
            c.distinct,
            c.empty,
            role,
            action,
            c.suggestion.confidence.as_percent(),
            c.suggestion.reason
        )?;
    }
    for w in &inspection.warnings {
        writeln!(out, "  note: {w}")?;
    }
    Ok(out)
}
