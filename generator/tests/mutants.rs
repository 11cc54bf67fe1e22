//! Broken and odd specs never make the generator panic: each mutant of a real spec gives a
//! binding whose Rust parses, or a list of located problems.
//!
//! A mutant is a spec with a few random edits: a node dropped, a value of another type, a key
//! renamed to something odd (a keyword, digits, an emoji, nothing, 300 characters), a `$ref`
//! broken (dangling, external, a URL, not a string), a node copied elsewhere. Our own specs are
//! mutated by the README's test command; the corpus in `../shared/openapi-corpus` by `.ci/run`,
//! which also compiles (`cargo check`) a sample of the bindings mutants gave. Each run prints
//! the number of mutants tried, generated and refused. `MUTANTS=<n>` and `MUTANTS_SEED=<n>` make
//! longer or other runs.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use openapi_gen::{Config, Provenance};
use serde_json::Value;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const ODD_NAMES: &[&str] = &[
    "type", "self", "Self", "fn", "crate", "super", "r#type", "123", "0abc", "😀", "", " ", "_",
    "__", "-", "Unknown", "Option", "String", "extra", "client", "params", "request", "body",
    "a/b", "a~b", "{x}", "é", "日本",
];

fn odd_name(rng: &mut Rng) -> String {
    if rng.below(8) == 0 {
        "n".repeat(300)
    } else {
        ODD_NAMES[rng.below(ODD_NAMES.len())].to_owned()
    }
}

/// Every node's pointer, as a list of keys and indexes.
fn nodes(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push(Step::Key(k.clone()));
                nodes(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(Step::Index(i));
                nodes(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn node_mut<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::Index(i) => v.get_mut(*i),
    })
}

/// One random edit; a description of it for the failure message.
fn mutate(spec: &mut Value, rng: &mut Rng) -> String {
    let mut all = Vec::new();
    nodes(spec, &mut Vec::new(), &mut all);
    let path = all[rng.below(all.len())].clone();
    let (parent_path, last) = match path.split_last() {
        Some((last, parent)) => (parent.to_vec(), Some(last.clone())),
        None => (Vec::new(), None),
    };
    let kind = rng.below(6);
    match (kind, last) {
        // Drop the node.
        (0, Some(last)) => {
            if let Some(parent) = node_mut(spec, &parent_path) {
                match (parent, &last) {
                    (Value::Object(m), Step::Key(k)) => {
                        m.remove(k);
                    }
                    (Value::Array(a), Step::Index(i)) if *i < a.len() => {
                        a.remove(*i);
                    }
                    _ => {}
                }
            }
            format!("dropped {path:?}")
        }
        // Rename a key.
        (1, Some(Step::Key(k))) => {
            let name = odd_name(rng);
            if let Some(Value::Object(m)) = node_mut(spec, &parent_path) {
                if let Some(v) = m.remove(&k) {
                    m.insert(name.clone(), v);
                }
            }
            format!("renamed {path:?} to {name:?}")
        }
        // Break or retarget a `$ref`.
        (2, _) => {
            let refs: Vec<&Vec<Step>> = all
                .iter()
                .filter(|p| matches!(p.last(), Some(Step::Key(k)) if k == "$ref"))
                .collect();
            let Some(target) = refs.get(rng.below(refs.len())).map(|p| (*p).clone()) else {
                return "no $ref to break".to_owned();
            };
            let broken = [
                Value::from("#/components/schemas/Nothing"),
                Value::from("other.yaml#/components/schemas/X"),
                Value::from("https://example.com/schema.json"),
                Value::from("#/paths"),
                Value::from("#/components/schemas/"),
                Value::from("#"),
                Value::from(7),
                Value::Null,
            ];
            let pick = broken[rng.below(broken.len())].clone();
            if let Some(v) = node_mut(spec, &target) {
                *v = pick.clone();
            }
            format!("set {target:?} to {pick}")
        }
        // Copy the node elsewhere under an odd name.
        (3, _) => {
            let copy = node_mut(spec, &path).map(|v| v.clone());
            let dest = all[rng.below(all.len())].clone();
            let name = odd_name(rng);
            if let (Some(copy), Some(Value::Object(m))) = (copy, node_mut(spec, &dest)) {
                m.insert(name.clone(), copy);
            }
            format!("copied {path:?} to {dest:?} as {name:?}")
        }
        // Any other edit: a value of another type.
        _ => {
            let values = [
                Value::from("x"),
                Value::from(""),
                Value::from(-7),
                Value::from(1e300),
                Value::Bool(true),
                Value::Null,
                Value::Array(vec![]),
                serde_json::json!({}),
                serde_json::json!({"type": "object", "properties": {"": {"type": "string"}}}),
            ];
            let pick = values[rng.below(values.len())].clone();
            if let Some(v) = node_mut(spec, &path) {
                *v = pick.clone();
            }
            format!("set {path:?} to {pick}")
        }
    }
}

fn config() -> Config {
    Config::all_operations("mutant")
}

#[derive(Default)]
struct Tally {
    tried: usize,
    generated: usize,
    refused: usize,
    /// Bindings worth compiling, with what made them.
    samples: Vec<(String, openapi_gen::Generated)>,
}

/// Mutates `spec` `cases` times (1–3 edits each) and checks every outcome.
fn run(name: &str, text: &str, cases: usize, seed: u64, tally: &mut Tally) {
    let original = match openapi_gen::load(name, text) {
        Ok(spec) => spec.raw,
        Err(e) => panic!("{name} does not load before mutation: {e}"),
    };
    let provenance = Provenance {
        spec_file: "mutant.json".to_owned(),
        command: "cargo test -p openapi-gen --test mutants".to_owned(),
    };
    for case in 0..cases {
        let mut rng =
            Rng(seed ^ (case as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ name.len() as u64);
        let mut spec = original.clone();
        let edits: Vec<String> = (0..1 + rng.below(3))
            .map(|_| mutate(&mut spec, &mut rng))
            .collect();
        let text = serde_json::to_string(&spec).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            openapi_gen::load("mutant.json", &text).and_then(|spec| {
                openapi_gen::generate(&spec, &config(), "codegen.toml", &provenance)
            })
        }));
        tally.tried += 1;
        let context = || format!("{name}, seed {seed}, case {case}: {edits:?}");
        match outcome {
            Err(_) => panic!("the generator panicked on a mutant of {}", context()),
            Ok(Ok(generated)) => {
                tally.generated += 1;
                for (path, file) in &generated.files {
                    if path.ends_with(".rs") {
                        if let Err(e) = syn::parse_file(file) {
                            panic!("{path} of a mutant is not Rust ({e}): {}", context());
                        }
                    }
                }
                if generated.operations > 0 {
                    tally.samples.push((context(), generated));
                }
            }
            Ok(Err(problems)) => {
                tally.refused += 1;
                assert!(
                    !problems.0.is_empty(),
                    "refused with no problem: {}",
                    context()
                );
                for p in &problems.0 {
                    assert_eq!(p.file, "mutant.json", "{p}: {}", context());
                    assert!(!p.message.contains("generator bug"), "{p}: {}", context());
                }
            }
        }
    }
}

/// A spec's text; for a spec kept as a folder of files (entered at `openapi.yaml` or
/// `openapi/openapi.yaml`), its files bundled into one document, which is then mutated.
fn spec_text(spec: &Path) -> String {
    if !spec.is_dir() {
        return std::fs::read_to_string(spec).unwrap();
    }
    let entry = entry_of(spec).unwrap_or_else(|| panic!("{}: no openapi.yaml", spec.display()));
    let name = entry.to_string_lossy().into_owned();
    let bundled = openapi_gen::load_files(&name, &mut |file: &str| {
        std::fs::read_to_string(file).map_err(|e| e.to_string())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    serde_json::to_string(&bundled.raw).unwrap()
}

/// The entry file of a folder that holds a spec (not, say, `licenses/`).
fn entry_of(folder: &Path) -> Option<PathBuf> {
    ["openapi.yaml", "openapi/openapi.yaml"]
        .iter()
        .map(|e| folder.join(e))
        .find(|e| e.is_file())
}

fn settings() -> (usize, u64) {
    let var = |k: &str| std::env::var(k).ok().and_then(|v| v.parse().ok());
    (
        var("MUTANTS").unwrap_or(0) as usize,
        var("MUTANTS_SEED").unwrap_or(0x0dd5_bec5),
    )
}

#[test]
fn mutants_of_our_specs_give_a_binding_or_located_problems() {
    let (cases, seed) = settings();
    let cases = if cases == 0 { 40 } else { cases };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("tests/specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    specs.push(root.join("../specs/stripe.yaml"));
    specs.sort();
    let mut tally = Tally::default();
    for spec in &specs {
        let text = spec_text(spec);
        run(&spec.display().to_string(), &text, cases, seed, &mut tally);
    }
    println!(
        "mutants of our {} specs: {} tried, {} generated, {} refused, 0 panics",
        specs.len(),
        tally.tried,
        tally.generated,
        tally.refused
    );
    assert!(
        tally.generated > 0 && tally.refused > 0,
        "mutation does nothing useful"
    );
}

#[test]
#[ignore = "needs ../shared; run by .ci/run"]
fn mutants_of_the_corpus_give_a_binding_or_located_problems_and_samples_compile() {
    let (cases, seed) = settings();
    let cases = if cases == 0 { 12 } else { cases };
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/openapi-corpus");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (is ../shared beside the project?)",
                corpus.display()
            )
        })
        .map(|e| e.unwrap().path())
        .filter(|p| {
            entry_of(p).is_some()
                || matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "json")
                )
        })
        .collect();
    specs.sort();
    assert!(specs.len() >= 10, "the corpus has {} specs", specs.len());
    let mut tally = Tally::default();
    for spec in &specs {
        let text = spec_text(spec);
        run(&spec.display().to_string(), &text, cases, seed, &mut tally);
    }
    println!(
        "mutants of {} corpus specs: {} tried, {} generated, {} refused, 0 panics",
        specs.len(),
        tally.tried,
        tally.generated,
        tally.refused
    );

    // A sample of the bindings compiles: the smallest few, checked in one workspace that
    // shares this build's target folder, so only the bindings themselves are compiled.
    tally
        .samples
        .sort_by_key(|(_, g)| g.files.values().map(String::len).sum::<usize>());
    let sample: Vec<_> = tally.samples.iter().take(4).collect();
    assert!(
        !sample.is_empty(),
        "no mutant of the corpus generated a binding"
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutants");
    let _ = std::fs::remove_dir_all(&dir);
    let mut members = Vec::new();
    for (i, (_, generated)) in sample.iter().enumerate() {
        let crate_dir = dir.join(format!("m{i}"));
        for (rel, text) in &generated.files {
            let path = crate_dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let text = if rel == "Cargo.toml" {
                text.replacen("name = \"mutant\"", &format!("name = \"mutant{i}\""), 1)
            } else {
                text.clone()
            };
            std::fs::write(path, text).unwrap();
        }
        members.push(format!("\"m{i}\""));
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutants-target");
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "clippy",
            "--offline",
            "--workspace",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .unwrap();
    let made_by: Vec<&str> = sample.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        status.success(),
        "a mutant's binding does not compile; mutants: {made_by:#?}"
    );
    println!(
        "{} mutant bindings compiled with clippy -D warnings",
        sample.len()
    );
}
