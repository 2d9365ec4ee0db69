//! What the commands share: the workspace's folders, and the cargo that runs them.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// A folder as given, or the workspace default; with how messages should show it.
pub fn folder(given: &Option<PathBuf>, default: &str) -> (PathBuf, String) {
    match given {
        Some(p) => (p.clone(), p.display().to_string()),
        None => (root().join(default), default.to_owned()),
    }
}

/// The cargo that runs this command (`$CARGO`), or the one on the `PATH`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}
