//! Pieces shared by the subcommands: reading files, read options, failures.

use std::path::Path;

use clap::Args;
use masque::table::{Encoding, ReadOptions, ReadTable};

pub mod analyse;
pub mod anonymise;
pub mod apply;
pub mod inspect;
pub mod keygen;

/// A failure to report on stderr (one line) with exit code 2.
pub struct Failure(pub String);

impl Failure {
    /// A failure about `path`.
    pub fn at(path: &Path, message: impl std::fmt::Display) -> Failure {
        Failure(format!("{}: {message}", path.display()))
    }
}

/// Reads a whole file.
pub fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::at(path, format!("cannot read: {}", e.kind())))
}

/// Writes a whole file.
#[allow(dead_code)] // used by the subcommands that write outputs
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure::at(path, format!("cannot write: {}", e.kind())))
}

/// Text of a small document (policy, config, key, hierarchy): UTF-8 (BOM
/// skipped), else Windows-1252.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// A reader of the files a document at `document` names, relative to its folder
/// (for `resolve_files` of policies and configs).
pub fn relative_files(document: &Path) -> impl FnMut(&str) -> Result<String, String> {
    let base = document.parent().map(Path::to_path_buf).unwrap_or_default();
    move |relative| {
        let file = base.join(relative);
        std::fs::read(&file)
            .map(|bytes| decode_text(&bytes))
            .map_err(|e| format!("cannot read {}: {}", file.display(), e.kind()))
    }
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Outputs must not overwrite an input or each other; `twice` is the message
/// when two outputs are the same file.
pub fn check_outputs(inputs: &[&Path], outputs: &[&Path], twice: &str) -> Result<(), Failure> {
    let same = |a: &Path, b: &Path| a == b || same_file(a, b);
    for (i, output) in outputs.iter().enumerate() {
        if inputs.iter().any(|input| same(input, output)) {
            return Err(Failure::at(output, "is also an input; choose another output name"));
        }
        if outputs[i + 1..].iter().any(|other| same(other, output)) {
            return Err(Failure::at(output, twice));
        }
    }
    Ok(())
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure(format!("internal error: {e}")))?;
    println!("{text}");
    Ok(())
}

/// Options that override what reading detects.
#[derive(Args, Debug, Clone, Default)]
pub struct ReadArgs {
    /// Force the delimiter: , ; | or tab (default: sniffed).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Force the encoding: utf-8, windows-1252, utf-16le, utf-16be (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
    /// For a workbook, the sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
}

impl ReadArgs {
    /// The core's read options.
    pub fn options(&self) -> Result<ReadOptions, Failure> {
        let encoding = match self.encoding.as_deref() {
            None => None,
            Some(name) => {
                Some(serde_json::from_value::<Encoding>(serde_json::Value::String(name.to_ascii_lowercase())).map_err(
                    |_| Failure("--encoding must be one of utf-8, windows-1252, utf-16le, utf-16be".to_string()),
                )?)
            }
        };
        Ok(ReadOptions {
            delimiter: self.delimiter.clone(),
            encoding,
            sheet: self.sheet.clone(),
            ..ReadOptions::default()
        })
    }

    /// Reads `path` into a table with these options, streaming the file (it is
    /// never held in memory whole).
    pub fn read_table(&self, path: &Path) -> Result<ReadTable, Failure> {
        let options = self.options()?;
        let file = std::fs::File::open(path).map_err(|e| Failure::at(path, format!("cannot read: {}", e.kind())))?;
        let size = file.metadata().ok().map(|m| m.len());
        masque::table::read_table_from(file, size, &options).map_err(|e| Failure::at(path, e))
    }
}
