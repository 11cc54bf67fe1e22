//! `cargo xtask codegen [--check]`: regenerate `generated/` from `specs/`, or check it is fresh;
//! with `--spec FILE --out DIR` and a selection, generate any spec into any folder.
//!
//! [`Settings`] says what to do (built with builder methods or parsed from the command line);
//! [`generate_with`] makes the files in memory and [`run_with`] writes or checks them.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use openapi_gen::config::Selection;
use openapi_gen::{Config, Generated, LoadedSpec, Provenance};

use crate::changes::{Changes, Inventory};

/// The command every generated file names in its header.
pub const COMMAND: &str = "cargo xtask codegen";
/// The config, relative to the project root.
pub const CONFIG: &str = "specs/codegen.toml";
/// Where the binding crate goes, relative to the project root.
pub const OUT: &str = "generated";
/// The folder holding the config and the project's spec, relative to the project root.
const SPECS: &str = "specs";

/// Write the files, or only compare them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Write,
    Check,
}

/// What one codegen run does. The config (`specs/codegen.toml` under the project root) always
/// supplies the client and docs sections; everything else can be overridden:
///
/// ```
/// # use xtask::codegen::{Mode, Settings};
/// let settings = Settings::new(xtask::project_root())
///     .spec("../shared/stripe/spec3.yaml")
///     .out("/tmp/redact")
///     .operation("PostIdentityVerificationSessionsSessionRedact")
///     .mode(Mode::Check);
/// assert_eq!(
///     settings.command(),
///     "cargo xtask codegen --spec ../shared/stripe/spec3.yaml --out /tmp/redact \
///      --operation PostIdentityVerificationSessionsSessionRedact"
/// );
/// ```
#[derive(Clone, Debug)]
pub struct Settings {
    root: PathBuf,
    current_dir: PathBuf,
    mode: Mode,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    selection: Option<Selection>,
    crate_name: Option<String>,
    skip_unsupported: bool,
}

impl Settings {
    /// The project's own run: the config's spec, selection and crate name into `generated/`,
    /// in write mode. Relative `spec`/`out` paths resolve against the process's current folder.
    pub fn new(root: impl Into<PathBuf>) -> Settings {
        let root = root.into();
        let current_dir = std::env::current_dir().unwrap_or_else(|_| root.clone());
        Settings {
            root,
            current_dir,
            mode: Mode::Write,
            spec: None,
            out: None,
            selection: None,
            crate_name: None,
            skip_unsupported: false,
        }
    }

    /// The folder relative `spec` and `out` paths are resolved against.
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Settings {
        self.current_dir = dir.into();
        self
    }

    pub fn mode(mut self, mode: Mode) -> Settings {
        self.mode = mode;
        self
    }

    /// Generate from this spec instead of the config's (`--spec`). Shown as given in headers and
    /// messages. Needs [`Settings::out`] and a selection.
    pub fn spec(mut self, path: impl AsRef<Path>) -> Settings {
        self.spec = Some(path.as_ref().to_path_buf());
        self
    }

    /// Write into this folder instead of `generated/` (`--out`).
    pub fn out(mut self, path: impl AsRef<Path>) -> Settings {
        self.out = Some(path.as_ref().to_path_buf());
        self
    }

    /// Select every operation (`--all`), replacing the config's selection.
    pub fn select_all(mut self) -> Settings {
        self.selection.get_or_insert_with(Selection::default).all = true;
        self
    }

    /// Select an operation by operationId (`--operation`), replacing the config's selection.
    pub fn operation(mut self, id: impl Into<String>) -> Settings {
        let selection = self.selection.get_or_insert_with(Selection::default);
        selection.include.push(id.into());
        self
    }

    /// Select the operations whose path starts with `prefix` (`--path-prefix`), replacing the
    /// config's selection.
    pub fn path_prefix(mut self, prefix: impl Into<String>) -> Settings {
        let selection = self.selection.get_or_insert_with(Selection::default);
        selection.path_prefixes.push(prefix.into());
        self
    }

    /// Leave out the operations the generator cannot map, listing them, instead of refusing the
    /// whole binding (`--skip-unsupported`; `skip_unsupported` under `[operations]` in the
    /// config does the same).
    pub fn skip_unsupported(mut self) -> Settings {
        self.skip_unsupported = true;
        self
    }

    /// Name the binding crate (`--crate-name`) instead of using the config's name.
    pub fn crate_name(mut self, name: impl Into<String>) -> Settings {
        self.crate_name = Some(name.into());
        self
    }

    /// Parses the arguments after `codegen` (see `cargo xtask help`). The error is the problem
    /// in a sentence; the caller adds the usage.
    pub fn from_args(root: impl Into<PathBuf>, args: &[&str]) -> Result<Settings, String> {
        let mut settings = Settings::new(root);
        let mut args = args.iter().copied();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
                _ => (arg, None),
            };
            let mut value = |what: &str| -> Result<String, String> {
                let value = match inline {
                    Some(v) => v,
                    None => match args.next() {
                        Some(v) if !v.starts_with("--") => v,
                        _ => return Err(format!("{flag} needs a value ({what})")),
                    },
                };
                if value.is_empty() {
                    return Err(format!(
                        "{flag} needs a value ({what}), not an empty string"
                    ));
                }
                Ok(value.to_owned())
            };
            let once = |seen: bool| {
                if seen {
                    Err(format!("{flag} is given twice"))
                } else {
                    Ok(())
                }
            };
            match flag {
                "--check" | "--all" | "--skip-unsupported" if inline.is_some() => {
                    return Err(format!("{flag} takes no value"));
                }
                "--check" => settings.mode = Mode::Check,
                "--all" => settings = settings.select_all(),
                "--skip-unsupported" => {
                    once(settings.skip_unsupported)?;
                    settings = settings.skip_unsupported();
                }
                "--spec" => {
                    once(settings.spec.is_some())?;
                    settings = settings.spec(value("a spec file")?);
                }
                "--out" => {
                    once(settings.out.is_some())?;
                    settings = settings.out(value("a folder")?);
                }
                "--operation" => settings = settings.operation(value("an operationId")?),
                "--path-prefix" => {
                    settings = settings.path_prefix(value("a path such as /v1/identity/")?)
                }
                "--crate-name" => {
                    once(settings.crate_name.is_some())?;
                    settings = settings.crate_name(value("a crate name")?);
                }
                _ if arg.starts_with('-') => return Err(format!("unknown option {arg:?}")),
                _ => return Err(format!("unexpected argument {arg:?}")),
            }
        }
        settings.validate()?;
        Ok(settings)
    }

    /// Whether the settings make sense together; the error is for a person.
    pub fn validate(&self) -> Result<(), String> {
        if self.spec.is_some() {
            if self.out.is_none() {
                return Err(
                    "--spec needs --out DIR, so that another spec never replaces the \
                     checked-in generated/ by accident (pass `--out generated` if you mean it)"
                        .into(),
                );
            }
            if self.selection.is_none() {
                return Err(
                    "--spec needs a selection: --all, --operation ID or --path-prefix P \
                     (repeat the last two as needed)"
                        .into(),
                );
            }
        }
        if let Some(selection) = &self.selection {
            if selection.all
                && !(selection.include.is_empty() && selection.path_prefixes.is_empty())
            {
                return Err(
                    "--all already selects every operation; drop --operation and \
                     --path-prefix, or drop --all"
                        .into(),
                );
            }
            if !selection.all && selection.include.is_empty() && selection.path_prefixes.is_empty()
            {
                return Err(
                    "the selection is empty: give --all, --operation or --path-prefix".into(),
                );
            }
            for prefix in &selection.path_prefixes {
                if !prefix.starts_with('/') {
                    return Err(format!(
                        "--path-prefix {prefix:?} cannot match: spec paths start with `/` \
                         (e.g. /v1/identity/)"
                    ));
                }
            }
            for value in selection.include.iter().chain(&selection.path_prefixes) {
                no_control_chars("an operation selector", value)?;
            }
        }
        if let Some(name) = &self.crate_name {
            let mut chars = name.chars();
            let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && name.len() <= 64;
            if !valid {
                return Err(format!(
                    "--crate-name {name:?} is not a crate name: use ASCII letters, digits, `-` \
                     and `_`, starting with a letter (e.g. stripe-identity)"
                ));
            }
        }
        for path in self.spec.iter().chain(&self.out) {
            no_control_chars("a path", &path.to_string_lossy())?;
        }
        Ok(())
    }

    /// Whether the output is the project's own `generated/` (no `--out`).
    pub fn is_default_out(&self) -> bool {
        self.out.is_none()
    }

    pub fn run_mode(&self) -> Mode {
        self.mode
    }

    /// The command that regenerates this output, as the headers of the files name it: the
    /// overrides in a fixed order, paths as given, quoted for a POSIX shell where needed.
    pub fn command(&self) -> String {
        let mut command = COMMAND.to_owned();
        let mut arg = |flag: &str, value: Option<&str>| {
            command.push(' ');
            command.push_str(flag);
            if let Some(value) = value {
                command.push(' ');
                command.push_str(&shell_word(value));
            }
        };
        if let Some(spec) = &self.spec {
            arg("--spec", Some(&spec.to_string_lossy()));
        }
        if let Some(out) = &self.out {
            arg("--out", Some(&out.to_string_lossy()));
        }
        if let Some(selection) = &self.selection {
            if selection.all {
                arg("--all", None);
            }
            for id in &selection.include {
                arg("--operation", Some(id));
            }
            for prefix in &selection.path_prefixes {
                arg("--path-prefix", Some(prefix));
            }
        }
        if let Some(name) = &self.crate_name {
            arg("--crate-name", Some(name));
        }
        if self.skip_unsupported {
            arg("--skip-unsupported", None);
        }
        command
    }

    /// Where the files go.
    pub fn out_dir(&self) -> PathBuf {
        match &self.out {
            Some(out) => self.current_dir.join(out),
            None => self.root.join(OUT),
        }
    }

    /// The output folder as messages name it: `generated`, or `--out` as given.
    pub fn out_label(&self) -> String {
        match &self.out {
            Some(out) => {
                let label = out.to_string_lossy();
                let trimmed = label.trim_end_matches('/');
                if trimmed.is_empty() { "/" } else { trimmed }.to_owned()
            }
            None => OUT.to_owned(),
        }
    }

    /// The spec's entry file, its name in headers and messages, and the folder that name is
    /// relative to (where the files it refers to are read from, by the names the generator
    /// gives them).
    fn spec_file(&self, config: &Config) -> (PathBuf, String, PathBuf) {
        match &self.spec {
            Some(spec) => (
                self.current_dir.join(spec),
                spec.to_string_lossy().into_owned(),
                self.current_dir.clone(),
            ),
            None => {
                let rel = Path::new(CONFIG)
                    .parent()
                    .unwrap_or(Path::new(""))
                    .join(&config.spec);
                (
                    self.root.join(&rel),
                    rel.to_string_lossy().replace('\\', "/"),
                    self.root.clone(),
                )
            }
        }
    }
}

fn no_control_chars(what: &str, value: &str) -> Result<(), String> {
    if value.chars().any(char::is_control) {
        return Err(format!(
            "{value:?} is not usable as {what}: it holds control characters (they would end up \
             in the generated files' headers)"
        ));
    }
    Ok(())
}

/// `value` as one POSIX shell word: unchanged when it is plainly safe, else single-quoted.
fn shell_word(value: &str) -> Cow<'_, str> {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(format!("'{}'", value.replace('\'', r"'\''")))
    }
}

/// What a run found and did.
#[derive(Debug, Default)]
pub struct Report {
    pub operations: usize,
    pub types: usize,
    /// Selected operations not generated (`--skip-unsupported`), one line each per problem.
    pub left_out: Vec<String>,
    /// What the generator worked around (see `Generated::warnings`), one line each.
    pub warnings: Vec<String>,
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
    /// In check mode: a unified diff (or a note) per stale file.
    pub diffs: Vec<String>,
    /// The output folder as messages name it (`generated` when empty).
    pub out: String,
    /// Operations and types added, removed or changed compared with what was on disk.
    pub changes: Changes,
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
        let out = if self.out.is_empty() { OUT } else { &self.out };
        let slash = if out.ends_with('/') { "" } else { "/" };
        format!(
            "codegen: {} operation{}, {} type{} → {out}{slash}: {} {verb}, {} unchanged, {} {removed}",
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

/// Why a run failed.
#[derive(Debug)]
pub enum Failure {
    /// The spec's or config's problems, all of them.
    Spec(openapi_gen::SpecErrors),
    /// The file system.
    Io(String),
    /// Settings that do not make sense (a bad command line).
    Usage(String),
    /// An `--out` folder codegen will not write into, and why.
    Refused(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spec(e) => write!(f, "{e}"),
            Failure::Io(e) | Failure::Usage(e) | Failure::Refused(e) => f.write_str(e),
        }
    }
}

fn io_err(what: &str, path: &Path, e: io::Error) -> Failure {
    Failure::Io(format!("{what} {}: {e}", path.display()))
}

/// Reads the config and the spec under `root` and generates the binding in memory.
pub fn generate(root: &Path) -> Result<Generated, Failure> {
    generate_with(&Settings::new(root))
}

/// Generates, then writes (only changed files, removing stale ones) or checks `generated/`.
pub fn run(root: &Path, mode: Mode) -> Result<Report, Failure> {
    run_with(&Settings::new(root).mode(mode))
}

/// Reads the config and the spec, applies the overrides and generates the binding in memory.
pub fn generate_with(settings: &Settings) -> Result<Generated, Failure> {
    settings.validate().map_err(Failure::Usage)?;
    let config_path = settings.root.join(CONFIG);
    let config_text =
        fs::read_to_string(&config_path).map_err(|e| io_err("cannot read", &config_path, e))?;
    let mut config = Config::from_toml(CONFIG, &config_text).map_err(Failure::Spec)?;

    let (spec_path, spec_display, base) = settings.spec_file(&config);
    let spec_text = fs::read_to_string(&spec_path).map_err(|e| {
        Failure::Io(if settings.spec.is_some() {
            format!("cannot read --spec {spec_display}: {e}")
        } else {
            format!("cannot read {}: {e}", spec_path.display())
        })
    })?;
    // Every file of the spec is read on each run, so `--check` notices an edit in any of them.
    let spec = openapi_gen::load_files(&spec_display, &mut |file: &str| {
        if file == spec_display {
            Ok(spec_text.clone())
        } else {
            fs::read_to_string(base.join(file)).map_err(|e| e.to_string())
        }
    })
    .map_err(Failure::Spec)?;

    if settings.spec.is_some() {
        config.spec = spec_display.clone();
        // The config's description names its own spec; the generator's default names the API.
        config.krate.description = None;
        // The config's [webhooks] names its own spec's event schema; another API's spec
        // (the corpus) gets a binding without a webhook verifier rather than an error.
        let has_event = |name: &str| spec.raw["components"]["schemas"].get(name).is_some();
        if config
            .webhooks
            .as_ref()
            .is_some_and(|w| !has_event(&w.event_schema))
        {
            config.webhooks = None;
        }
    }
    if let Some(selection) = &settings.selection {
        check_selection(&spec, selection, &spec_display)?;
        config.operations = selection.clone();
    }
    if let Some(name) = &settings.crate_name {
        config.krate.name = name.clone();
    }
    if settings.skip_unsupported {
        config.operations.skip_unsupported = true;
    }
    let provenance = Provenance {
        spec_file: spec_display,
        command: settings.command(),
    };
    openapi_gen::generate(&spec, &config, CONFIG, &provenance).map_err(Failure::Spec)
}

/// A command-line selection must name operations the spec has and prefixes that match.
fn check_selection(
    spec: &LoadedSpec,
    selection: &Selection,
    spec_display: &str,
) -> Result<(), Failure> {
    let mut ids = BTreeSet::new();
    let mut paths = Vec::new();
    for (path, item) in spec.api.paths.iter() {
        paths.push(path.as_str());
        if let Some(item) = item.as_item() {
            ids.extend(item.iter().filter_map(|(_, op)| op.operation_id.as_deref()));
        }
    }
    let mut problems = Vec::new();
    for id in &selection.include {
        if ids.contains(id.as_str()) {
            continue;
        }
        let mut problem =
            format!("--operation {id}: no operation in {spec_display} has this operationId");
        if let Some(near) = ids.iter().find(|other| other.eq_ignore_ascii_case(id)) {
            let _ = write!(problem, " (did you mean {near}?)");
        }
        problems.push(problem);
    }
    for prefix in &selection.path_prefixes {
        if !paths.iter().any(|p| p.starts_with(prefix.as_str())) {
            problems.push(format!(
                "--path-prefix {prefix}: no path in {spec_display} starts with it"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Usage(problems.join("\n")))
    }
}

/// Generates, then writes (only changed files, removing stale ones) or checks the output
/// folder. An `--out` folder is checked first (see [`check_out`]).
pub fn run_with(settings: &Settings) -> Result<Report, Failure> {
    settings.validate().map_err(Failure::Usage)?;
    let out = settings.out_dir();
    if settings.out.is_some() {
        check_out(settings, &out)?;
    }
    let generated = generate_with(settings)?;
    let before = Inventory::read(|rel| fs::read_to_string(out.join(rel)).ok());
    let after = Inventory::from_files(&generated.files);
    let mut report = sync(&out, &settings.out_label(), &generated, settings.mode)?;
    report.changes = Changes::between(&before, &after);
    Ok(report)
}

/// Codegen makes its output folder hold exactly the generated crate, deleting every other file
/// in it, so an `--out` folder must be absent, empty, or a crate it generated before (its
/// `Cargo.toml` starts with an `@generated` header), and must not be or hold the project root,
/// `specs/`, or the spec being read.
pub fn check_out(settings: &Settings, out: &Path) -> Result<(), Failure> {
    let label = settings.out_label();
    let refuse = |why: String| {
        Failure::Refused(format!(
            "refusing to use --out {label}: {why}.\ncodegen makes its output folder hold exactly \
             the generated crate and deletes every other file in it, so --out must be a new or \
             empty folder, or one it generated before."
        ))
    };
    let out_real = canonical(out);
    let root = canonical(&settings.root);
    if out_real == root {
        return Err(refuse(format!(
            "it is the project root ({})",
            root.display()
        )));
    }
    if root.starts_with(&out_real) {
        return Err(refuse(format!(
            "it contains the project root ({})",
            root.display()
        )));
    }
    if out_real.starts_with(canonical(&settings.root.join(SPECS))) {
        return Err(refuse(format!(
            "it is {SPECS}/ or inside it, which holds the config and the project's spec"
        )));
    }
    if let Some(spec) = &settings.spec {
        if canonical(&settings.current_dir.join(spec)).starts_with(&out_real) {
            return Err(refuse(format!(
                "it holds the spec {}, which would be deleted as not generated",
                spec.display()
            )));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(refuse("it is a file, not a folder".into()));
    }
    let mut entries = match fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err("cannot list", out, e)),
    };
    if entries.next().is_none() {
        return Ok(());
    }
    let manifest = out.join("Cargo.toml");
    match fs::read_to_string(&manifest) {
        Ok(text)
            if text
                .lines()
                .next()
                .is_some_and(|l| l.contains("@generated")) =>
        {
            Ok(())
        }
        Ok(_) => Err(refuse(
            "it holds a Cargo.toml that codegen did not generate (its first line is not an \
             `@generated` header)"
                .into(),
        )),
        Err(_) => Err(refuse(
            "it is not empty and holds no Cargo.toml generated by codegen".into(),
        )),
    }
}

/// `path` made absolute with symbolic links resolved as far as it exists; the rest is appended
/// with `.` and `..` applied lexically.
fn canonical(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Brings `out` in line with `generated`; `label` names `out` in diffs and the summary.
/// Nothing is written in check mode; in write mode each file is written to a temporary sibling
/// and renamed, so a crash never leaves half a file. Nothing outside `out` is written or removed.
pub fn sync(out: &Path, label: &str, generated: &Generated, mode: Mode) -> Result<Report, Failure> {
    let existing = list_files(out)?;
    let mut report = Report {
        operations: generated.operations,
        types: generated.types,
        left_out: generated
            .left_out
            .iter()
            .flat_map(|op| {
                op.problems
                    .iter()
                    .map(move |p| format!("{} {} ({}): {p}", op.method, op.path, op.operation_id))
            })
            .collect(),
        warnings: generated.warnings.iter().map(|w| w.to_string()).collect(),
        out: label.to_owned(),
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
            Mode::Check => report.diffs.push(diff(label, rel, old.as_deref(), text)),
            Mode::Write => {
                no_links_between(out, &path)?;
                write_atomically(&path, text)?;
            }
        }
    }
    let wanted: BTreeSet<&String> = generated.files.keys().collect();
    for rel in existing.keys().filter(|rel| !wanted.contains(rel)) {
        report.removed.push(rel.clone());
        match mode {
            Mode::Check => report.diffs.push(format!(
                "{label}/{rel}: no longer generated; would be removed\n"
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

/// Fails if a folder between `out` and `file` is a symbolic link, which would send the write
/// outside `out`.
fn no_links_between(out: &Path, file: &Path) -> Result<(), Failure> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) {
            break;
        }
        if fs::symlink_metadata(d).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Failure::Io(format!(
                "refusing to write {}: {} is a symbolic link, which would lead outside {}",
                file.display(),
                d.display(),
                out.display()
            )));
        }
        dir = d.parent();
    }
    Ok(())
}

/// Every file under `dir` (relative paths with `/`), skipping build output. Symbolic links are
/// listed as files and never followed.
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

/// Removes the folders left empty between `file` and `root`, never `root` or anything above it.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

fn diff(label: &str, rel: &str, old: Option<&[u8]>, new: &str) -> String {
    let old_text = old.map(String::from_utf8_lossy).unwrap_or_default();
    // `a/`/`b/` prefixes as git prints them for relative paths; an absolute one stays as is.
    let (a, b) = if label.starts_with('/') {
        (format!("{label}/{rel}"), format!("{label}/{rel}"))
    } else {
        (format!("a/{label}/{rel}"), format!("b/{label}/{rel}"))
    };
    let mut out = String::new();
    if old.is_none() {
        let _ = writeln!(out, "{label}/{rel}: missing; would be created");
    }
    let diff = similar::TextDiff::from_lines(old_text.as_ref(), new);
    let _ = write!(
        out,
        "{}",
        diff.unified_diff().context_radius(3).header(&a, &b)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Settings, String> {
        Settings::from_args("/project", args)
    }

    #[test]
    fn no_flags_is_the_projects_own_run() {
        let s = parse(&[]).unwrap();
        assert_eq!(s.command(), COMMAND);
        assert_eq!(s.run_mode(), Mode::Write);
        assert_eq!(s.out_dir(), Path::new("/project/generated"));
        assert_eq!(s.out_label(), "generated");
        let s = parse(&["--check"]).unwrap();
        assert_eq!((s.command().as_str(), s.run_mode()), (COMMAND, Mode::Check));
    }

    #[test]
    fn the_command_names_every_override_but_check() {
        let s = parse(&[
            "--check",
            "--operation",
            "B",
            "--spec=../shared/spec3.yaml",
            "--path-prefix",
            "/v1/x/",
            "--out",
            "/tmp/my out",
            "--crate-name",
            "x-api",
            "--operation",
            "A",
        ])
        .unwrap();
        assert_eq!(
            s.command(),
            "cargo xtask codegen --spec ../shared/spec3.yaml --out '/tmp/my out' --operation B \
             --operation A --path-prefix /v1/x/ --crate-name x-api"
        );
        assert_eq!(s.run_mode(), Mode::Check);
        assert_eq!(
            parse(&["--all"]).unwrap().command(),
            "cargo xtask codegen --all"
        );
        assert_eq!(
            parse(&["--skip-unsupported", "--all"]).unwrap().command(),
            "cargo xtask codegen --all --skip-unsupported"
        );
        assert!(parse(&["--skip-unsupported=yes"]).is_err());
        assert!(parse(&["--skip-unsupported", "--skip-unsupported"]).is_err());
        assert_eq!(
            parse(&["--out", "out/"]).unwrap().command(),
            "cargo xtask codegen --out out/"
        );
    }

    #[test]
    fn paths_resolve_against_the_current_folder() {
        let s = Settings::new("/project").current_dir("/home/me").out("x/");
        assert_eq!(s.out_dir(), Path::new("/home/me/x/"));
        assert_eq!(s.out_label(), "x");
        let s = s.out("/abs");
        assert_eq!(s.out_dir(), Path::new("/abs"));
        assert_eq!(Settings::new("/p").out("/").out_label(), "/");
    }

    #[test]
    fn bad_arguments_are_explained() {
        for (args, want) in [
            (&["--bogus"][..], "unknown option \"--bogus\""),
            (&["stray"], "unexpected argument \"stray\""),
            (&["--spec"], "--spec needs a value (a spec file)"),
            (&["--out", "--check"], "--out needs a value (a folder)"),
            (
                &["--operation="],
                "--operation needs a value (an operationId), not an empty string",
            ),
            (&["--check=yes"], "--check takes no value"),
            (&["--spec", "a.yaml", "--all"], "--spec needs --out DIR"),
            (
                &["--spec", "a.yaml", "--out", "o"],
                "--spec needs a selection",
            ),
            (&["--out", "a", "--out", "b"], "--out is given twice"),
            (
                &["--all", "--operation", "X"],
                "--all already selects every operation",
            ),
            (
                &["--path-prefix", "v1/"],
                "cannot match: spec paths start with `/`",
            ),
            (&["--all", "--crate-name", "9lives"], "is not a crate name"),
            (&["--all", "--crate-name", "a b"], "is not a crate name"),
            (&["--out", "a\nb"], "control characters"),
        ] {
            let err = parse(args).unwrap_err();
            assert!(err.contains(want), "{args:?}: {err}");
        }
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("../a/b-c_d.yaml"), "../a/b-c_d.yaml");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn canonical_handles_missing_tails() {
        let tmp = std::env::temp_dir().canonicalize().unwrap();
        assert_eq!(
            canonical(&tmp.join("no-such-dir-xtask/a/../b/./c")),
            tmp.join("no-such-dir-xtask/b/c")
        );
    }
}
