//! `cargo xtask codegen [--check]`: regenerate `generated/` from `specs/`, or check it is fresh.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use openapi_gen::{Config, Generated, Provenance};

/// The command every generated file names in its header.
pub const COMMAND: &str = "cargo xtask codegen";
/// The config, relative to the project root.
pub const CONFIG: &str = "specs/codegen.toml";
/// Where the binding crate goes, relative to the project root.
pub const OUT: &str = "generated";

/// Write the files, or only compare them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// What a run found and did.
#[derive(Debug, Default)]
pub struct Report {
    pub operations: usize,
    pub types: usize,
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
    /// In check mode: a unified diff (or a note) per stale file.
    pub diffs: Vec<String>,
}

impl Report {
    pub fn is_fresh(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }

    pub fn summary(&self, mode: Mode) -> String {
        let verb = if mode == Mode::Check {
            "would write"
        } else {
            "written"
        };
        let removed = if mode == Mode::Check {
            "would remove"
        } else {
            "removed"
        };
        format!(
            "codegen: {} operation{}, {} type{} → {OUT}/: {} {verb}, {} unchanged, {} {removed}",
            self.operations,
            plural(self.operations),
            self.types,
            plural(self.types),
            self.written.len(),
            self.unchanged,
            self.removed.len(),
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Why a run failed: the spec's problems (all of them), or the file system.
#[derive(Debug)]
pub enum Failure {
    Spec(openapi_gen::SpecErrors),
    Io(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spec(e) => write!(f, "{e}"),
            Failure::Io(e) => f.write_str(e),
        }
    }
}

fn io_err(what: &str, path: &Path, e: io::Error) -> Failure {
    Failure::Io(format!("{what} {}: {e}", path.display()))
}

/// Reads the config and the spec under `root` and generates the binding in memory.
pub fn generate(root: &Path) -> Result<Generated, Failure> {
    let config_path = root.join(CONFIG);
    let config_text =
        fs::read_to_string(&config_path).map_err(|e| io_err("cannot read", &config_path, e))?;
    let config = Config::from_toml(CONFIG, &config_text).map_err(Failure::Spec)?;
    let spec_rel = Path::new(CONFIG)
        .parent()
        .unwrap_or(Path::new(""))
        .join(&config.spec);
    let spec_display = spec_rel.to_string_lossy().replace('\\', "/");
    let spec_text = fs::read_to_string(root.join(&spec_rel))
        .map_err(|e| io_err("cannot read", &root.join(&spec_rel), e))?;
    let spec = openapi_gen::load(&spec_display, &spec_text).map_err(Failure::Spec)?;
    let provenance = Provenance {
        spec_file: spec_display,
        command: COMMAND.to_owned(),
    };
    openapi_gen::generate(&spec, &config, CONFIG, &provenance).map_err(Failure::Spec)
}

/// Generates, then writes (only changed files, removing stale ones) or checks `out`.
pub fn run(root: &Path, mode: Mode) -> Result<Report, Failure> {
    let generated = generate(root)?;
    sync(&root.join(OUT), &generated, mode)
}

/// Brings `out` in line with `generated`. Nothing is written in check mode; in write mode
/// each file is written to a temporary sibling and renamed, so a crash never leaves half a file.
pub fn sync(out: &Path, generated: &Generated, mode: Mode) -> Result<Report, Failure> {
    let existing = list_files(out)?;
    let mut report = Report {
        operations: generated.operations,
        types: generated.types,
        ..Report::default()
    };
    for (rel, text) in &generated.files {
        let path = out.join(rel);
        let old = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err("cannot read", &path, e)),
        };
        if old.as_deref() == Some(text.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        report.written.push(rel.clone());
        match mode {
            Mode::Check => report.diffs.push(diff(rel, old.as_deref(), text)),
            Mode::Write => write_atomically(&path, text)?,
        }
    }
    let wanted: BTreeSet<&String> = generated.files.keys().collect();
    for rel in existing.keys().filter(|rel| !wanted.contains(rel)) {
        report.removed.push(rel.clone());
        match mode {
            Mode::Check => report.diffs.push(format!(
                "{OUT}/{rel}: no longer generated; would be removed\n"
            )),
            Mode::Write => {
                let path = out.join(rel);
                fs::remove_file(&path).map_err(|e| io_err("cannot remove", &path, e))?;
                remove_empty_parents(out, &path);
            }
        }
    }
    Ok(report)
}

/// Every file under `dir` (relative paths with `/`), skipping build output.
fn list_files(dir: &Path) -> Result<BTreeMap<String, PathBuf>, Failure> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err("cannot list", &d, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| io_err("cannot list", &d, e))?;
            let path = entry.path();
            let file_type = entry
                .file_type()
                .map_err(|e| io_err("cannot inspect", &path, e))?;
            if file_type.is_dir() {
                if entry.file_name() != "target" {
                    stack.push(path);
                }
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.insert(rel.to_string_lossy().replace('\\', "/"), path.clone());
            }
        }
    }
    Ok(out)
}

fn write_atomically(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_err("cannot create", parent, e))?;
    }
    let tmp = path.with_extension("codegen-tmp");
    fs::write(&tmp, text).map_err(|e| io_err("cannot write", &tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err("cannot replace", path, e)
    })
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

fn diff(rel: &str, old: Option<&[u8]>, new: &str) -> String {
    let old_text = old.map(String::from_utf8_lossy).unwrap_or_default();
    let (a, b) = (format!("a/{OUT}/{rel}"), format!("b/{OUT}/{rel}"));
    let mut out = String::new();
    if old.is_none() {
        let _ = writeln!(out, "{OUT}/{rel}: missing; would be created");
    }
    let diff = similar::TextDiff::from_lines(old_text.as_ref(), new);
    let _ = write!(
        out,
        "{}",
        diff.unified_diff().context_radius(3).header(&a, &b)
    );
    out
}
