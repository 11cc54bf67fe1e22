//! Project tasks. `codegen` is the only code that writes the generated crate to disk; the
//! generator itself returns files in memory.

pub mod bench;
pub mod changes;
pub mod codegen;
pub mod stripe_full;

use std::path::{Path, PathBuf};

/// The workspace root (the folder holding `specs/` and `generated/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
