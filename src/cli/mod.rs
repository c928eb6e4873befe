//! Pieces shared by the subcommands: reading files, read options, writing to
//! stdout and private files, failures, the clock of time limits, and
//! [`Rewrite`], the read -> transform -> write of `apply`, `clean` and
//! `anonymise`.
//!
//! Documents (policies, configurations, hierarchy files) and key files are read
//! whole, so they are read only from regular files and only up to a cap
//! ([`DOCUMENT_CAP`], [`KEY_CAP`]), checked before reading and enforced while
//! reading (a file can grow): `/dev/zero` named as a policy is an error, not
//! a machine out of memory. Tables are streamed instead (a FIFO is fine).

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use clap::Args;
use masque::clean::CleanMonitor;
use masque::table::{Encoding, MalformedRows, ReadOptions, ReadTable, SetAside, Table, TableWriter};
use zeroize::Zeroizing;

pub mod analyse;
pub mod anonymise;
pub mod apply;
pub mod clean;
pub mod inspect;
pub mod keygen;

/// The largest policy, configuration or hierarchy file masque reads: 64 MiB.
pub const DOCUMENT_CAP: u64 = 64 << 20;

/// The largest key file masque reads: 64 KiB (a key file is under 1 KiB).
pub const KEY_CAP: u64 = 64 << 10;

/// A failure to report on stderr (one line) with exit code 2; with an empty
/// message ([`Failure::quiet`]), a quiet end with exit code 0.
pub struct Failure(pub String);

impl Failure {
    /// A failure about `path`.
    pub fn at(path: &Path, message: impl std::fmt::Display) -> Failure {
        Failure(format!("{}: {message}", path.display()))
    }

    /// The end of a run whose standard output was closed by its reader
    /// (`masque inspect f --json | head`): not an error, nothing to say (as
    /// for Unix tools, which die quietly of SIGPIPE).
    pub fn quiet() -> Failure {
        Failure(String::new())
    }

    /// Whether this is [`Failure::quiet`].
    pub fn is_quiet(&self) -> bool {
        self.0.is_empty()
    }
}

/// A human size for a cap: `64 MiB`, `64 KiB`.
fn size_name(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a whole regular file of at most `cap` bytes; `what` names it in the
/// error (`a document`, `a key file`). The error says why it cannot be read,
/// without the path (the callers name it).
fn read_capped(path: &Path, cap: u64, what: &str) -> Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| e.kind().to_string();
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    let not_regular = || format!("not a regular file ({what} is read only from a regular file)");
    if !std::fs::metadata(path).map_err(cannot)?.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    let too_large = || format!("larger than {} (the most {what} may hold)", size_name(cap));
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > cap {
        return Err(too_large());
    }
    // The size can change between the check and the read: never read more than the cap.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Reads a document (policy, configuration): a regular file of at most
/// [`DOCUMENT_CAP`] bytes.
pub fn read_document(path: &Path) -> Result<Vec<u8>, Failure> {
    read_capped(path, DOCUMENT_CAP, "a document").map_err(|m| Failure::at(path, format!("cannot read: {m}")))
}

/// The text of a key file: a regular file of at most [`KEY_CAP`] bytes, its
/// bytes wiped once decoded and the text wiped when dropped.
pub fn read_key_text(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let bytes = read_capped(path, KEY_CAP, "a key file").map_err(|m| Failure::at(path, format!("cannot read: {m}")))?;
    let bytes = Zeroizing::new(bytes);
    Ok(Zeroizing::new(decode_text(&bytes)))
}

/// Writes a whole file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure::at(path, format!("cannot write: {}", e.kind())))
}

/// Opens a file for writing, readable and writable by its owner only (mode
/// 0600 on Unix, also when it already existed with another mode). With
/// `replace` false an existing file is an error (`AlreadyExists`).
pub fn create_private(path: &Path, replace: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if replace {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // The mode above applies to a new file only; an existing one keeps
        // its own until told (before anything is written to it).
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        options.open(path)
    }
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

/// The text of a document (see [`read_document`]).
pub fn read_document_text(path: &Path) -> Result<String, Failure> {
    Ok(decode_text(&read_document(path)?))
}

/// A reader of the files a document at `document` names, relative to its folder
/// (for `resolve_files` of policies and configs): regular files of at most
/// [`DOCUMENT_CAP`] bytes.
pub fn relative_files(document: &Path) -> impl FnMut(&str) -> Result<String, String> {
    let base = document.parent().map(Path::to_path_buf).unwrap_or_default();
    move |relative| {
        let file = base.join(relative);
        read_capped(&file, DOCUMENT_CAP, "a hierarchy file")
            .map(|bytes| decode_text(&bytes))
            .map_err(|message| format!("cannot read {}: {message}", file.display()))
    }
}

/// Reads the population table a configuration (or a policy's `anonymise`
/// section) at `document` names, relative to its folder, with the input's
/// reading options (`anonymise` and `clean`); `None` if it names none.
pub fn read_population(
    document: &Path,
    config: &masque::search::AnonymiseConfig,
    read: &ReadArgs,
) -> Result<Option<Table>, Failure> {
    let Some(relative) = &config.population_table else { return Ok(None) };
    let path = document.parent().map(Path::to_path_buf).unwrap_or_default().join(relative);
    Ok(Some(read.read_table(&path)?.table))
}

/// Whether two paths name the same existing file: the same device and inode
/// on Unix (hard links, symbolic links), else the same canonical path.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
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

/// Writes `text` on standard output. A reader that closed it (`| head`) ends
/// the run quietly ([`Failure::quiet`]); any other error (`>/dev/full`) is a
/// failure.
pub fn print_text(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Failure::quiet(),
        kind => Failure(format!("cannot write to standard output: {kind}")),
    })
}

/// Writes a line on stderr (a warning, a summary). A closed stderr is ignored:
/// `eprintln!` would panic there.
pub fn note(line: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Prints a value as pretty JSON on stdout (see [`print_text`]).
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Failure(format!("internal error: {e}")))?;
    text.push('\n');
    print_text(&text)
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
    /// What to do with a row whose field count is not the header's: `error`
    /// (the default: stop, naming its line) or `set-aside` (leave it out of
    /// the output; its line is noted on stderr and listed in `clean`'s report).
    #[arg(long, value_name = "error|set-aside", value_parser = ["error", "set-aside"])]
    pub malformed_rows: Option<String>,
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
        let malformed_rows = match self.malformed_rows.as_deref() {
            Some("set-aside") => MalformedRows::SetAside,
            _ => MalformedRows::Error,
        };
        Ok(ReadOptions {
            delimiter: self.delimiter.clone(),
            encoding,
            sheet: self.sheet.clone(),
            malformed_rows,
            ..ReadOptions::default()
        })
    }

    /// Reads `path` into a table with these options, streaming the file (it is
    /// never held in memory whole).
    pub fn read_table(&self, path: &Path) -> Result<ReadTable, Failure> {
        let options = self.options()?;
        let file = std::fs::File::open(path).map_err(|e| Failure::at(path, format!("cannot read: {}", e.kind())))?;
        let size = file.metadata().ok().map(|m| m.len());
        let read = masque::table::read_table_from(file, size, &options).map_err(|e| Failure::at(path, e))?;
        note_set_aside(path, &read.set_aside);
        Ok(read)
    }
}

/// One stderr line for the malformed rows set aside: how many, and the first
/// lines (numbers only, never content).
fn note_set_aside(path: &Path, set_aside: &SetAside) {
    if set_aside.is_empty() {
        return;
    }
    const SHOWN: usize = 10;
    let mut lines: Vec<String> = set_aside.lines.iter().take(SHOWN).map(u64::to_string).collect();
    if set_aside.count > lines.len() {
        lines.push("...".to_string());
    }
    let s = if set_aside.count == 1 { "" } else { "s" };
    note(format!(
        "masque: {}: {} malformed row{s} set aside, not written (line{s} {})",
        path.display(),
        set_aside.count,
        lines.join(", ")
    ));
}

/// Writes a table to `path` by chunks (it is never held whole as bytes); a
/// `private` file is readable by its owner only, as [`create_private`] makes it.
pub fn write_table_file(path: &Path, writer: TableWriter<'_>, private: bool) -> Result<(), Failure> {
    let cannot = |e: std::io::Error| Failure::at(path, format!("cannot write: {}", e.kind()));
    let file = if private { create_private(path, true) } else { std::fs::File::create(path) }.map_err(cannot)?;
    writer.write_to(file).map_err(cannot)
}

/// Writes `value` as pretty JSON (and a newline) to `path`: the `--report` files.
pub fn write_json_file<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure(format!("internal error: {e}")))?;
    write_file(path, format!("{text}\n").as_bytes())
}

/// The command line's clock, for time limits (the core has none).
pub struct Clock(Instant);

impl Clock {
    /// A clock started now.
    pub fn start() -> Clock {
        Clock(Instant::now())
    }

    /// Whether `limit` (if any) has passed since the clock started.
    pub fn past(&self, limit: Option<Duration>) -> bool {
        limit.is_some_and(|l| self.0.elapsed() >= l)
    }
}

impl CleanMonitor for Clock {
    fn now_ms(&mut self) -> Option<f64> {
        Some(self.0.elapsed().as_secs_f64() * 1000.0)
    }
}

/// The read -> transform -> write of a command that rewrites a table
/// (`apply`, `clean`, `anonymise`): the one place where a table file is read,
/// handed to the core and written back.
pub struct Rewrite<'a> {
    /// The table file (streamed into a table: it is never held whole as bytes).
    pub file: &'a Path,
    /// How to read it.
    pub read: &'a ReadArgs,
    /// Write UTF-8 instead of the input's encoding.
    pub utf8: bool,
    /// Where the transformed table goes.
    pub output: &'a Path,
    /// Where the JSON report goes, if anywhere.
    pub report: Option<&'a Path>,
    /// Where [`Outputs::private`] goes, if anywhere, in a file readable by
    /// its owner only: `apply --correspondence`.
    pub private: Option<&'a Path>,
    /// What the message of a value the output's encoding cannot hold adds, in
    /// parentheses: how to write UTF-8 instead.
    pub hint: &'a str,
}

/// What a [`Rewrite`] writes, from the transformation's result.
pub struct Outputs<'t, R> {
    /// The table written to [`Rewrite::output`].
    pub table: &'t Table,
    /// The value written to [`Rewrite::report`] as JSON.
    pub report: &'t R,
    /// A table written, last, to [`Rewrite::private`].
    pub private: Option<&'t Table>,
}

impl Rewrite<'_> {
    /// Reads the file into a table, hands it over to `transform` (which
    /// transforms it in place: a large file is held once, as its table), and
    /// writes what `outputs` picks from the result, by chunks, in the input's
    /// dialect (or UTF-8): the output, the report, then the private table.
    /// Every table is checked encodable before any file is written. Returns
    /// the transformation's result.
    pub fn run<T, R: serde::Serialize>(
        &self,
        transform: impl FnOnce(Table) -> Result<T, Failure>,
        outputs: impl FnOnce(&T) -> Outputs<'_, R>,
    ) -> Result<T, Failure> {
        self.run_read(|table, _| transform(table), outputs)
    }

    /// [`Rewrite::run`], with the rows the read set aside handed to `transform` too.
    pub fn run_read<T, R: serde::Serialize>(
        &self,
        transform: impl FnOnce(Table, &SetAside) -> Result<T, Failure>,
        outputs: impl FnOnce(&T) -> Outputs<'_, R>,
    ) -> Result<T, Failure> {
        let read = self.read.read_table(self.file)?;
        let dialect = if self.utf8 { read.dialect.to_utf8() } else { read.dialect };
        let done = transform(read.table, &read.set_aside)?;
        let Outputs { table, report, private } = outputs(&done);
        let unencodable = |e| Failure::at(self.output, format!("{e} ({})", self.hint));
        let output = TableWriter::new(table, &dialect).map_err(unencodable)?;
        let private = match (self.private, private) {
            (Some(path), Some(table)) => Some((path, TableWriter::new(table, &dialect).map_err(unencodable)?)),
            _ => None,
        };
        write_table_file(self.output, output, false)?;
        if let Some(path) = self.report {
            write_json_file(path, report)?;
        }
        if let Some((path, writer)) = private {
            write_table_file(path, writer, true)?;
        }
        Ok(done)
    }
}
