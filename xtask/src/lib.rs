//! Project tasks. `codegen` is the only code that writes the generated crate to disk; the
//! generator itself returns files in memory.

pub mod bench;
pub mod changes;
pub mod codegen;
pub mod corpus;
pub mod stripe_full;

use std::path::{Path, PathBuf};

/// The workspace root (the folder holding `specs/` and `generated/`) of the checkout this run is
/// for, found at run time: the parent of the `CARGO_MANIFEST_DIR` that `cargo run`/`cargo test`
/// set, else the nearest folder above the current one that looks like a checkout, else the
/// folder this binary was compiled in. Not the compile-time folder first: Cargo reuses one
/// xtask binary for every clone that shares a target folder (a global `build.target-dir`), and
/// that binary would then read and write the first clone.
pub fn project_root() -> PathBuf {
    let runtime_manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let cwd = std::env::current_dir().ok();
    find_root(
        runtime_manifest.as_deref(),
        cwd.as_deref(),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
}

/// Whether `dir` is a checkout of this project.
fn is_root(dir: &Path) -> bool {
    dir.join("xtask/Cargo.toml").is_file() && dir.join("specs/codegen.toml").is_file()
}

fn find_root(runtime_manifest: Option<&Path>, cwd: Option<&Path>, compiled_in: &Path) -> PathBuf {
    let from_manifest = runtime_manifest
        .and_then(Path::parent)
        .filter(|dir| is_root(dir));
    let from_cwd = || {
        cwd.into_iter()
            .flat_map(Path::ancestors)
            .find(|d| is_root(d))
    };
    from_manifest
        .or_else(from_cwd)
        .or_else(|| compiled_in.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_found_at_run_time_before_the_compile_time_one() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = here.parent().unwrap();
        let elsewhere = Path::new("/nonexistent/xtask");
        // cargo's runtime variable wins, then the current folder, then the compiled-in one.
        assert_eq!(find_root(Some(here), None, elsewhere), root);
        assert_eq!(
            find_root(None, Some(&root.join("generated/src")), elsewhere),
            root
        );
        assert_eq!(find_root(Some(elsewhere), Some(root), elsewhere), root);
        assert_eq!(find_root(None, None, here), root);
        assert_eq!(
            find_root(None, Some(Path::new("/")), elsewhere),
            Path::new("/nonexistent")
        );
    }
}
