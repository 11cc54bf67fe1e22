//! `cargo xtask stripe-full`: generate a binding for every operation in Stripe's published spec
//! (from `../shared`, never copied into the project), lint it with `-D warnings`, and check
//! that each of Stripe's sample objects decodes into its generated type and re-encodes to the
//! same JSON. The crate is written under `target/stripe-full/` and not checked in.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen::{self, Mode, Settings};
use crate::project_root;

/// What to do; `cargo xtask stripe-full --help` lists the flags.
#[derive(Debug)]
struct Options {
    spec: PathBuf,
    fixtures: PathBuf,
    out: PathBuf,
    build: bool,
}

const HELP: &str = "\
usage: cargo xtask stripe-full [--spec FILE] [--fixtures FILE] [--out DIR] [--generate-only]

Generates every operation of FILE (default ../shared/stripe/spec3.yaml) into DIR/stripe-full
(default target/stripe-full), then runs `cargo clippy --all-targets -- -D warnings` and the
fixture round trip (each object in ../shared/stripe/fixtures3.json decodes into the type whose
component key equals its resource id, and re-encodes to equal JSON) in DIR.
";

pub fn run(args: &[&str]) -> Result<(), String> {
    let root = project_root();
    let mut options = Options {
        spec: root.join("../shared/stripe/spec3.yaml"),
        fixtures: root.join("../shared/stripe/fixtures3.json"),
        out: root.join("target/stripe-full"),
        build: true,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| {
            rest.next()
                .map(PathBuf::from)
                .ok_or(format!("{name} needs a value"))
        };
        match *arg {
            "--spec" => options.spec = value("--spec")?,
            "--fixtures" => options.fixtures = value("--fixtures")?,
            "--out" => options.out = value("--out")?,
            "--generate-only" => options.build = false,
            "--help" | "-h" => {
                print!("{HELP}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n\n{HELP}")),
        }
    }
    let crate_dir = options.out.join("stripe-full");
    let settings = Settings::new(&root)
        .mode(Mode::Write)
        .spec(&options.spec)
        .out(&crate_dir)
        .select_all()
        .crate_name("stripe-full");
    let generated = codegen::generate_with(&settings).map_err(|e| e.to_string())?;
    let report = codegen::sync(
        &crate_dir,
        &crate_dir.display().to_string(),
        &generated,
        Mode::Write,
    )
    .map_err(|e| e.to_string())?;
    println!("{}", report.summary(Mode::Write));

    let fixtures_text = fs::read_to_string(&options.fixtures)
        .map_err(|e| format!("cannot read {}: {e}", options.fixtures.display()))?;
    let fixtures: serde_json::Value = serde_json::from_str(&fixtures_text)
        .map_err(|e| format!("{}: {e}", options.fixtures.display()))?;
    let resources = fixtures
        .get("resources")
        .and_then(|r| r.as_object())
        .ok_or("fixtures have no `resources`")?;
    let mut arms = String::new();
    let mut missing = Vec::new();
    for key in resources.keys() {
        match generated.type_names.get(key) {
            Some(path) => writeln!(
                arms,
                "        {key:?} => check::<stripe_full::{path}>(key, value),"
            )
            .unwrap_or(()),
            None => missing.push(key.clone()),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "no generated type for resources: {}",
            missing.join(", ")
        ));
    }
    write_harness(
        &options.out,
        &root,
        &fs::canonicalize(&options.fixtures).unwrap_or(options.fixtures.clone()),
        &arms,
    )?;
    if !options.build {
        return Ok(());
    }
    cargo(
        &options.out,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    cargo(&options.out, &["test", "--workspace", "--", "--nocapture"])
}

fn cargo(dir: &Path, args: &[&str]) -> Result<(), String> {
    println!("==> cargo {} (in {})", args.join(" "), dir.display());
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed ({status})", args.join(" ")))
    }
}

/// A workspace holding the generated crate and a test crate with the fixture round trip.
fn write_harness(out: &Path, root: &Path, fixtures: &Path, arms: &str) -> Result<(), String> {
    let write = |rel: &str, text: &str| {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        if fs::read_to_string(&path).ok().as_deref() == Some(text) {
            return Ok(());
        }
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(
        "Cargo.toml",
        "# Written by `cargo xtask stripe-full`.\n[workspace]\nresolver = \"2\"\nmembers = [\"stripe-full\", \"fixtures\"]\n",
    )?;
    // Start from the project's lock file so the binding builds with the same dependency versions.
    if !out.join("Cargo.lock").exists() {
        fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    }
    write(
        "fixtures/Cargo.toml",
        "# Written by `cargo xtask stripe-full`.\n[package]\nname = \"fixtures\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nstripe-full = { path = \"../stripe-full\" }\nserde = \"1\"\nserde_json = \"1\"\n",
    )?;
    write(
        "fixtures/src/lib.rs",
        "//! Only the test in tests/ matters here.\n",
    )?;
    let test = format!(
        r##"//! Written by `cargo xtask stripe-full`: every sample object in Stripe's fixtures decodes
//! into its generated type and re-encodes to equal JSON.

use serde_json::Value;

const FIXTURES: &str = {fixtures:?};

/// The one normalisation: a `null` and an absent key compare equal (the binding writes
/// nullable fields that were absent as `null`), and numbers compare by value (`1` = `1.0`).
fn normalise(v: &Value) -> Value {{
    match v {{
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), normalise(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalise).collect()),
        Value::Number(n) => n.as_f64().map(Value::from).unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }}
}}

fn check<T: serde::de::DeserializeOwned + serde::Serialize>(key: &str, value: &Value) -> Result<(), String> {{
    let text = value.to_string();
    let mut de = serde_json::Deserializer::from_str(&text);
    let decoded: T = serde::Deserialize::deserialize(&mut de).map_err(|e| format!("{{key}}: decode: {{e}}"))?;
    let again = serde_json::to_value(&decoded).map_err(|e| format!("{{key}}: encode: {{e}}"))?;
    if normalise(&again) != normalise(value) {{
        return Err(format!("{{key}}: re-encoded JSON differs:\n  in:  {{value}}\n  out: {{again}}"));
    }}
    Ok(())
}}

fn check_one(key: &str, value: &Value) -> Result<(), String> {{
    match key {{
{arms}        other => Err(format!("{{other}}: no generated type")),
    }}
}}

#[test]
fn every_fixture_round_trips() {{
    let text = std::fs::read_to_string(FIXTURES).expect("fixtures file");
    let fixtures: Value = serde_json::from_str(&text).expect("fixtures JSON");
    let resources = fixtures["resources"].as_object().expect("resources");
    let failures: Vec<String> = resources.iter().filter_map(|(k, v)| check_one(k, v).err()).collect();
    println!("fixtures: {{}}/{{}} round-trip", resources.len() - failures.len(), resources.len());
    assert!(failures.is_empty(), "{{}} failed:\n{{}}", failures.len(), failures.join("\n"));
}}
"##
    );
    write("fixtures/tests/fixtures.rs", &test)
}
