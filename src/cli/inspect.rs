//! `masque inspect FILE [--json]`.

use std::path::PathBuf;

use clap::Args;
use masque::table::LineEnding;

use super::{print_json, Failure, ReadArgs};

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
    let d = &inspection.dialect;
    let delimiter = match d.delimiter {
        b'\t' => "TAB".to_string(),
        b => (b as char).to_string(),
    };
    let encoding = serde_json::to_value(d.encoding).ok().and_then(|v| v.as_str().map(str::to_string));
    println!(
        "{}: {} rows, {} columns; delimiter {delimiter}, {}{}, {} line endings",
        args.file.display(),
        inspection.rows,
        inspection.columns.len(),
        encoding.unwrap_or_default(),
        if d.bom { " with BOM" } else { "" },
        if d.line_ending == LineEnding::Crlf { "CRLF" } else { "LF" },
    );
    let width = inspection.columns.iter().map(|c| c.name.chars().count()).max().unwrap_or(6).max(6);
    println!("  {:<width$}  {:>10}  {:>10}", "column", "distinct", "empty");
    for c in &inspection.columns {
        println!("  {:<width$}  {:>10}  {:>10}", c.name, c.distinct, c.empty);
    }
    for w in &inspection.warnings {
        println!("  note: {}", serde_json::to_string(w).unwrap_or_default());
    }
    Ok(())
}
