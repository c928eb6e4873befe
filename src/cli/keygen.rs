//! `masque keygen -o KEY.json [--passphrase-stdin [--store-key]] [--force]`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use masque::pseudo::{KdfParams, Key, KeyFile};
use zeroize::Zeroizing;

use super::{create_private, print_text, Failure};

/// Make a project key: the secret behind every pseudonym and date shift.
///
/// The same key gives the same pseudonyms in every file (linkage); a new key
/// gives unlinkable ones. Keep the key file secret and backed up.
#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Where to write the key file (JSON).
    #[arg(short = 'o', long = "output", value_name = "KEY.json")]
    output: PathBuf,
    /// Derive the key from a passphrase read on standard input (Argon2id with
    /// RFC 9106 parameters and a new random salt). The file then holds only the
    /// salt, which can be shared: the passphrase is needed to use it.
    #[arg(long)]
    passphrase_stdin: bool,
    /// With --passphrase-stdin, also store the derived key in the file (which
    /// then must be kept secret, but can be used without the passphrase).
    #[arg(long, requires = "passphrase_stdin")]
    store_key: bool,
    /// Replace an existing key file (its pseudonyms can then no longer be reproduced).
    #[arg(long)]
    force: bool,
}

/// Fills `buf` from the operating system's secure random source.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), Failure> {
    getrandom::fill(buf).map_err(|e| Failure(format!("no secure random source: {e}")))
}

/// The longest passphrase read from standard input: 64 KiB.
const PASSPHRASE_CAP: u64 = 64 << 10;

/// Reads a passphrase from standard input: everything up to the end, one
/// trailing line break removed. It must be non-empty UTF-8, of at most 64 KiB.
pub fn read_passphrase_stdin() -> Result<Zeroizing<String>, Failure> {
    let mut bytes = Zeroizing::new(Vec::new());
    std::io::stdin()
        .take(PASSPHRASE_CAP + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure(format!("cannot read the passphrase from standard input: {}", e.kind())))?;
    if bytes.len() as u64 > PASSPHRASE_CAP {
        return Err(Failure("the passphrase on standard input is longer than 64 KiB".to_string()));
    }
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| Failure("the passphrase is not UTF-8 text".to_string()))?;
    if text.is_empty() {
        return Err(Failure("the passphrase on standard input is empty".to_string()));
    }
    Ok(Zeroizing::new(text.to_string()))
}

/// Writes a key file readable by its owner only (on Unix; see
/// [`create_private`], which also narrows a replaced file's mode).
fn write_key_file(path: &Path, text: &str, force: bool) -> Result<(), Failure> {
    let mut file = create_private(path, force).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::at(
                path,
                "already exists; a new key would give new, unlinkable pseudonyms (use --force to replace it)",
            )
        } else {
            Failure::at(path, format!("cannot write: {}", e.kind()))
        }
    })?;
    file.write_all(text.as_bytes()).map_err(|e| Failure::at(path, format!("cannot write: {}", e.kind())))
}

/// Runs `masque keygen`.
pub fn run(args: &KeygenArgs) -> Result<(), Failure> {
    let file = if args.passphrase_stdin {
        let passphrase = read_passphrase_stdin()?;
        if passphrase.chars().count() < 12 {
            super::note("masque: warning: a passphrase of fewer than 12 characters is easy to guess");
        }
        let mut salt = [0u8; 16];
        random_bytes(&mut salt)?;
        let params = KdfParams::rfc9106();
        let key = Key::derive(passphrase.as_bytes(), &salt, &params).map_err(|e| Failure(e.to_string()))?;
        KeyFile::for_passphrase_key(&key, &salt, &params, args.store_key)
    } else {
        let mut random = Zeroizing::new([0u8; 32]);
        random_bytes(&mut random[..])?;
        KeyFile::for_key(&Key::from_random(*random))
    };
    let text = Zeroizing::new(file.to_json());
    write_key_file(&args.output, &text, args.force)?;
    print_text(&format!("{}: key fingerprint {}\n", args.output.display(), file.fingerprint))
}
