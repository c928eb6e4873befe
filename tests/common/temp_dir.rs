//! A fresh directory per test, removed when the test ends (shared by the
//! command-line tests through `#[path]`).

use std::path::{Path, PathBuf};

/// A directory removed (with its files) when dropped.
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new empty directory named after the test binary (`suite`), the process
/// and `name`, so parallel tests and runs never share one.
pub fn temp_dir(suite: &str, name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("masque-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}
