//! The `masque` command line: the only code of masque that touches files.
//!
//! Each subcommand lives in `src/cli/`: it parses its arguments, reads files,
//! calls the core and prints or writes the result. Bad input ends with a
//! one-line message on stderr and exit code 2. A standard output closed by
//! its reader (`masque inspect f --json | head`) ends the run quietly, with
//! exit code 0; stderr is written without panicking, even if it is closed.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

#[derive(Parser)]
#[command(name = "masque", version, about = "Pseudonymise and anonymise clinical tables, on your own machine.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show a file's dialect (delimiter, encoding, BOM, line ending), row count and columns.
    Inspect(cli::inspect::InspectArgs),
    /// Make a project key (random, or from a passphrase) for pseudonyms and date shifts.
    Keygen(cli::keygen::KeygenArgs),
    /// Apply a policy (pseudonymise, drop, redact, mask, generalise, shift dates) to a file.
    Apply(cli::apply::ApplyArgs),
    /// Measure re-identification risk: classes, k, prosecutor risk, l-diversity, t-closeness.
    Analyse(cli::analyse::AnalyseArgs),
    /// Find the least damaging generalisation (and suppression) that makes a file k-anonymous, and write it.
    Anonymise(cli::anonymise::AnonymiseArgs),
    /// Apply a policy, then the anonymisation its `anonymise` section configures, in one pass.
    Clean(cli::clean::CleanArgs),
}

fn main() -> ExitCode {
    // A panic is a bug, but its message can quote a cell (Rust's slicing
    // errors print the string they cut): say where it happened, never what.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        // Not eprintln!: it panics if stderr is closed, and a panic in the hook aborts.
        let _ = writeln!(
            std::io::stderr(),
            "masque: internal error{at}; please report it (its message is withheld: it could hold data)"
        );
    }));
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Inspect(args) => cli::inspect::run(args),
        Command::Keygen(args) => cli::keygen::run(args),
        Command::Apply(args) => cli::apply::run(args),
        Command::Analyse(args) => cli::analyse::run(args),
        Command::Anonymise(args) => cli::anonymise::run(args),
        Command::Clean(args) => cli::clean::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.is_quiet() => ExitCode::SUCCESS,
        Err(cli::Failure(message)) => {
            let _ = writeln!(std::io::stderr(), "masque: error: {message}");
            ExitCode::from(2)
        }
    }
}
