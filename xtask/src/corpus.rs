//! `cargo xtask corpus`: every real spec in `../shared/openapi-corpus` through the generator,
//! leaving out (and counting) the operations it cannot map yet, and the bindings it gives
//! linted with `clippy -D warnings` and documented with `rustdoc -D warnings`, one crate at a
//! time so each gets its own check time. Prints a table per spec: operations generated and left
//! out, types, lines, generation time, check time. Fails on a refused spec or a binding that
//! does not pass.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use openapi_gen::{Config, Provenance};

use crate::codegen::{self, Mode};
use crate::project_root;

const HELP: &str = "\
usage: cargo xtask corpus [--corpus DIR] [--out DIR] [--generate-only]

Generates each spec in DIR (default ../shared/openapi-corpus: its *.yaml and *.json files, and
for each folder the entry file SOURCES.tsv names, else openapi.yaml or openapi/openapi.yaml) with
every operation selected and the unsupported ones left out, into a workspace under --out
(default target/corpus), then runs clippy -D warnings and rustdoc -D warnings on each crate.
";

/// How the corpus folder is named in messages and generated headers.
const LABEL: &str = "../shared/openapi-corpus/";

/// The entry file of a spec kept as a folder of files: the one `SOURCES.tsv` names (its first
/// column, `folder/…/openapi.yaml`), else `openapi.yaml` or `openapi/openapi.yaml` in it.
fn entry_file(corpus: &Path, folder: &Path) -> Option<PathBuf> {
    let name = folder.file_name()?.to_str()?;
    let sources = std::fs::read_to_string(corpus.join("SOURCES.tsv")).unwrap_or_default();
    let named = sources
        .lines()
        .filter_map(|l| l.split('\t').next())
        .find(|f| {
            f.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('/'))
        });
    let candidates = named.map(|f| corpus.join(f)).into_iter().chain(
        [
            "openapi.yaml",
            "openapi.json",
            "openapi/openapi.yaml",
            "openapi/openapi.json",
        ]
        .map(|f| folder.join(f)),
    );
    candidates.into_iter().find(|p| p.is_file())
}

struct Row {
    spec: String,
    generated: usize,
    left_out: usize,
    types: usize,
    lines: usize,
    generate_ms: u128,
    check_s: Option<f64>,
}

pub fn run(args: &[&str]) -> Result<(), String> {
    let root = project_root();
    let mut corpus = root.join("../shared/openapi-corpus");
    let mut out = root.join("target/corpus");
    let mut build = true;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| {
            rest.next()
                .map(PathBuf::from)
                .ok_or(format!("{name} needs a value"))
        };
        match *arg {
            "--corpus" => corpus = value("--corpus")?,
            "--out" => out = value("--out")?,
            "--generate-only" => build = false,
            "--help" | "-h" => {
                print!("{HELP}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n\n{HELP}")),
        }
    }
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .map_err(|e| {
            format!(
                "cannot read {}: {e} (is ../shared beside the project?)",
                corpus.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            if p.is_dir() {
                return entry_file(&corpus, &p);
            }
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
            .then_some(p)
        })
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(format!("no spec in {}", corpus.display()));
    }

    let mut rows = Vec::new();
    let mut members = Vec::new();
    let mut refused = Vec::new();
    for spec in &specs {
        // A spec over several files is named after its folder.
        let rel = spec
            .strip_prefix(&corpus)
            .unwrap_or(spec)
            .to_string_lossy()
            .replace('\\', "/");
        let stem = match rel.split_once('/') {
            Some((folder, _)) => folder,
            None => spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec"),
        };
        let name: String = format!("corpus-{stem}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let display = format!("{LABEL}{rel}");
        let started = Instant::now();
        let result = openapi_gen::load_files(&display, &mut |file: &str| {
            let within = file
                .strip_prefix(LABEL)
                .ok_or_else(|| "outside the corpus folder".to_owned())?;
            std::fs::read_to_string(corpus.join(within)).map_err(|e| e.to_string())
        })
        .and_then(|loaded| {
            openapi_gen::generate(
                &loaded,
                &config(&name),
                "(corpus config)",
                &provenance(&display, &name),
            )
        });
        let generate_ms = started.elapsed().as_millis();
        let generated = match result {
            Ok(g) => g,
            Err(e) => {
                refused.push(format!("{display}: {e}"));
                continue;
            }
        };
        let crate_dir = out.join(&name);
        codegen::sync(&crate_dir, &name, &generated, Mode::Write).map_err(|e| e.to_string())?;
        let lines = generated.files.values().map(|t| t.lines().count()).sum();
        rows.push(Row {
            spec: display,
            generated: generated.operations,
            left_out: generated.left_out.len(),
            types: generated.types,
            lines,
            generate_ms,
            check_s: None,
        });
        members.push(name);
    }
    let member_refs: Vec<&str> = members.iter().map(String::as_str).collect();
    crate::stripe_full::write_workspace(&out, &root, &member_refs, "cargo xtask corpus")?;

    let mut failed = Vec::new();
    if build {
        // The dependencies are those of the whole-Stripe crate: share its build when there is one.
        let target = root.join("target/stripe-full/target");
        for (row, member) in rows.iter_mut().zip(&members) {
            let started = Instant::now();
            let clippy = cargo(
                &out,
                &target,
                &[
                    "clippy",
                    "--offline",
                    "-p",
                    member,
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
                None,
            );
            let doc = cargo(
                &out,
                &target,
                &["doc", "--offline", "--no-deps", "-p", member],
                Some("-D warnings"),
            );
            row.check_s = Some(started.elapsed().as_secs_f64());
            for (what, ok) in [("clippy", clippy), ("rustdoc", doc)] {
                if let Err(e) = ok {
                    failed.push(format!("{member}: {what}: {e}"));
                }
            }
        }
    }

    println!("\n| spec | operations generated | left out | types | lines | generate | check |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let (mut total_gen, mut total_left) = (0, 0);
    for r in &rows {
        total_gen += r.generated;
        total_left += r.left_out;
        let check = r.check_s.map_or("-".to_owned(), |s| format!("{s:.1} s"));
        println!(
            "| {} | {} | {} | {} | {} | {} ms | {check} |",
            r.spec, r.generated, r.left_out, r.types, r.lines, r.generate_ms
        );
    }
    println!(
        "corpus: {} specs, {} generated ({} operations, {} left out), {} refused",
        specs.len(),
        rows.len(),
        total_gen,
        total_left,
        refused.len()
    );
    for r in &refused {
        println!("refused: {r}");
    }
    if !refused.is_empty() || !failed.is_empty() {
        return Err(format!(
            "{} spec(s) refused, {} check(s) failed:\n{}",
            refused.len(),
            failed.len(),
            failed.join("\n")
        ));
    }
    Ok(())
}

fn config(name: &str) -> Config {
    let mut config = Config::all_operations(name);
    config.operations.skip_unsupported = true;
    config
}

fn provenance(spec: &str, name: &str) -> Provenance {
    Provenance {
        spec_file: spec.to_owned(),
        command: format!("cargo xtask corpus (crate {name})"),
    }
}

fn cargo(
    dir: &Path,
    target: &Path,
    args: &[&str],
    rustdocflags: Option<&str>,
) -> Result<(), String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0");
    if let Some(flags) = rustdocflags {
        cmd.env("RUSTDOCFLAGS", flags);
    }
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed ({status})", args.join(" ")))
    }
}
