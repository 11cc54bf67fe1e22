//! One test per spec in `tests/specs/`: the crate generated from it must equal the snapshot in
//! `tests/snapshots/<name>/`. The snapshots are workspace members, so `cargo test --workspace`
//! and `cargo clippy --workspace` also compile and lint them.
//!
//! To accept new output: `UPDATE_SNAPSHOTS=1 cargo test -p openapi-gen --test snapshots`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use openapi_gen::config::{ClientConfig, CrateConfig, DocsConfig, Selection};
use openapi_gen::{Config, Provenance};

const ACCEPT: &str = "UPDATE_SNAPSHOTS=1 cargo test -p openapi-gen --test snapshots";

fn main() {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut specs: Vec<PathBuf> = fs::read_dir(dir.join("specs"))
        .expect("tests/specs exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            // A folder is a spec over several files, entered at its `openapi.yaml`.
            if p.is_dir() {
                return Some(p.join("openapi.yaml")).filter(|entry| entry.is_file());
            }
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
            .then_some(p)
        })
        .collect();
    specs.sort();
    let trials = specs
        .into_iter()
        .map(|spec| {
            let named = if spec.ends_with("openapi.yaml") {
                spec.parent().and_then(Path::file_name)
            } else {
                spec.file_stem()
            };
            let name = named
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let out = dir.join("snapshots").join(&name);
            Trial::test(name.clone(), move || check(&name, &spec, &out))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

fn config(name: &str, spec: &str) -> Config {
    Config {
        spec: spec.to_owned(),
        krate: CrateConfig {
            name: format!("snapshot-{name}"),
            version: "0.0.0".to_owned(),
            // `hostile` leaves it to the spec's title, so the title reaches Cargo.toml too.
            description: (name != "hostile")
                .then(|| format!("Snapshot of the binding generated from tests/specs/{spec}")),
        },
        // `minimal` goes without the optional headers and `naming` without idempotency keys, so
        // the clients without them are compiled (and, for `naming`, tested) too.
        // `stripe-v2` takes Stripe's own header names, so the v2-shaped calls are checked with
        // the headers Stripe's binding sends.
        client: if name == "minimal" {
            ClientConfig::default()
        } else if name == "stripe-v2" {
            ClientConfig {
                api_version_header: Some("Stripe-Version".to_owned()),
                request_id_header: Some("Request-Id".to_owned()),
                idempotency_header: Some("Idempotency-Key".to_owned()),
                account_header: Some("Stripe-Account".to_owned()),
                should_retry_header: Some("Stripe-Should-Retry".to_owned()),
                key_scheme: Some("bearerAuth".to_owned()),
            }
        } else {
            ClientConfig {
                api_version_header: Some("Api-Version".to_owned()),
                request_id_header: Some("Request-Id".to_owned()),
                idempotency_header: (name != "naming").then(|| "Idempotency-Key".to_owned()),
                account_header: Some("On-Behalf-Of".to_owned()),
                should_retry_header: Some("Should-Retry".to_owned()),
                key_scheme: None,
            }
        },
        docs: DocsConfig::default(),
        webhooks: None,
        operations: Selection {
            all: true,
            ..Selection::default()
        },
    }
}

fn check(name: &str, spec_path: &Path, out: &Path) -> Result<(), Failed> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rel = spec_path
        .strip_prefix(crate_dir.join("tests/specs"))
        .unwrap_or(spec_path);
    let file_name = &*rel.to_string_lossy().replace('\\', "/");
    let display = format!("tests/specs/{file_name}");
    // The spec's other files are read by the names the generator gives them, relative to the
    // crate, as the xtask reads them relative to the checkout.
    let spec = openapi_gen::load_files(&display, &mut |file: &str| {
        fs::read_to_string(crate_dir.join(file)).map_err(|e| e.to_string())
    })
    .map_err(|e| e.to_string())?;
    let provenance = Provenance {
        spec_file: display.clone(),
        command: "UPDATE_SNAPSHOTS=1 cargo test -p openapi-gen --test snapshots".to_owned(),
    };
    let generated = openapi_gen::generate(
        &spec,
        &config(name, file_name),
        "(snapshot config)",
        &provenance,
    )
    .map_err(|e| e.to_string())?;

    // Same spec, same bytes.
    let again = openapi_gen::generate(
        &spec,
        &config(name, file_name),
        "(snapshot config)",
        &provenance,
    )
    .map_err(|e| e.to_string())?;
    if again != generated {
        return Err("generating twice gave different output".into());
    }

    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let _ = fs::remove_dir_all(out);
        for (rel, text) in &generated.files {
            let path = out.join(rel);
            fs::create_dir_all(path.parent().unwrap_or(out)).map_err(|e| e.to_string())?;
            fs::write(&path, text).map_err(|e| e.to_string())?;
        }
        return Ok(());
    }

    let existing = read_tree(out);
    let mut problems = String::new();
    for (rel, text) in &generated.files {
        match existing.get(rel) {
            Some(old) if old == text => {}
            Some(old) => {
                let diff = similar::TextDiff::from_lines(old, text);
                problems.push_str(&format!(
                    "{}",
                    diff.unified_diff()
                        .header(&format!("snapshot/{rel}"), &format!("generated/{rel}"))
                ));
            }
            None => problems.push_str(&format!("{rel}: generated but not in the snapshot\n")),
        }
    }
    for rel in existing
        .keys()
        .filter(|rel| !generated.files.contains_key(*rel))
    {
        problems.push_str(&format!("{rel}: in the snapshot but no longer generated\n"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{problems}\nthe snapshot {} is stale; if the change is intended, run:\n  {ACCEPT}",
            out.display()
        )
        .into())
    }
}

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let (Ok(rel), Ok(text)) = (path.strip_prefix(dir), fs::read_to_string(&path))
            {
                files.insert(rel.to_string_lossy().replace('\\', "/"), text);
            }
        }
    }
    files
}
