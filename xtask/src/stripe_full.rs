//! `cargo xtask stripe-full`: generate a binding for every operation in Stripe's published spec
//! (from `../shared`, never copied into the project), lint it with `-D warnings`, and check
//! that each of Stripe's sample objects decodes into its generated type and re-encodes to the
//! same JSON, and run the calls in `xtask/stripe-mock/calls.rs` against Stripe's mock server.
//! The crate is written under `target/stripe-full/` and not checked in.

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
    /// The spec release before `spec`, generated first to show what an update changes.
    previous: Option<PathBuf>,
    fixtures: PathBuf,
    /// Stripe's mock server, which the whole-Stripe calls in `xtask/stripe-mock/` run against.
    stripe_mock: PathBuf,
    out: PathBuf,
    build: bool,
}

const HELP: &str = "\
usage: cargo xtask stripe-full [--spec FILE] [--previous FILE | --no-previous] [--fixtures FILE]
                               [--stripe-mock FILE] [--out DIR] [--generate-only]

First generates the release before (--previous, default ../shared/stripe/spec3.previous.yaml)
and checks that it builds; then

generates every operation of FILE (default ../shared/stripe/spec3.yaml) into DIR/stripe-full
(default target/stripe-full), then runs `cargo clippy --all-targets -- -D warnings` and the
fixture round trip (each object in ../shared/stripe/fixtures3.json decodes into the type whose
component key equals its resource id, and re-encodes to equal JSON) in DIR, and the calls in
xtask/stripe-mock/calls.rs against Stripe's mock server (--stripe-mock, default
../shared/stripe-mock/stripe-mock), started on free loopback ports and stopped afterwards.
";

pub fn run(args: &[&str]) -> Result<(), String> {
    let root = project_root();
    let mut options = Options {
        spec: root.join("../shared/stripe/spec3.yaml"),
        previous: Some(root.join("../shared/stripe/spec3.previous.yaml")),
        fixtures: root.join("../shared/stripe/fixtures3.json"),
        stripe_mock: root.join("../shared/stripe-mock/stripe-mock"),
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
            "--previous" => options.previous = Some(value("--previous")?),
            "--no-previous" => options.previous = None,
            "--fixtures" => options.fixtures = value("--fixtures")?,
            "--stripe-mock" => options.stripe_mock = value("--stripe-mock")?,
            "--out" => options.out = value("--out")?,
            "--generate-only" => options.build = false,
            "--help" | "-h" => {
                print!("{HELP}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n\n{HELP}")),
        }
    }
    // Checked first, so that a missing mock fails before the long builds, saying what is missing.
    if !options.stripe_mock.is_file() {
        return Err(format!(
            "stripe-mock not found at {} (pass --stripe-mock FILE)",
            options.stripe_mock.display()
        ));
    }
    let crate_dir = options.out.join("stripe-full");
    let settings = |spec: &Path| {
        Settings::new(&root)
            .mode(Mode::Write)
            .spec(spec)
            .out(&crate_dir)
            .select_all()
            .crate_name("stripe-full")
    };
    // The release before first, then this one over it: the change summary and the line diff
    // show what a user sees when they regenerate after a spec update.
    // Both releases are generated from the same path, as a user updating the spec in place
    // would, so the `@generated` headers do not count as changes.
    let spec_copy = options.out.join("spec.yaml");
    let stage = |from: &Path| {
        fs::create_dir_all(&options.out)
            .map_err(|e| format!("cannot create {}: {e}", options.out.display()))?;
        fs::copy(from, &spec_copy)
            .map(|_| ())
            .map_err(|e| format!("cannot copy {}: {e}", from.display()))
    };
    if let Some(previous) = options.previous.as_ref().filter(|p| p.exists()) {
        stage(previous)?;
        let report = codegen::run_with(&settings(&spec_copy)).map_err(|e| e.to_string())?;
        println!(
            "{} (from {})",
            report.summary(Mode::Write),
            previous.display()
        );
        if options.build {
            write_workspace(
                &options.out,
                &root,
                &["stripe-full"],
                "cargo xtask stripe-full",
            )?;
            cargo(&options.out, &["check", "-p", "stripe-full"])?;
        }
    }
    let before = read_tree(&crate_dir);
    stage(&options.spec)?;
    let report = codegen::run_with(&settings(&spec_copy)).map_err(|e| e.to_string())?;
    println!("{}", report.summary(Mode::Write));
    for line in report.changes.lines() {
        println!("{line}");
    }
    let after = read_tree(&crate_dir);
    println!("{}", line_diff(&before, &after));
    let generated = codegen::generate_with(&settings(&spec_copy)).map_err(|e| e.to_string())?;
    println!("{}", name_fallbacks(&generated)?);

    let fixtures_text = fs::read_to_string(&options.fixtures)
        .map_err(|e| format!("cannot read {}: {e}", options.fixtures.display()))?;
    let fixtures: serde_json::Value = serde_json::from_str(&fixtures_text)
        .map_err(|e| format!("{}: {e}", options.fixtures.display()))?;
    let resources = fixtures
        .get("resources")
        .and_then(|r| r.as_object())
        .ok_or("fixtures have no `resources`")?;
    let spec_text = fs::read_to_string(&options.spec)
        .map_err(|e| format!("cannot read {}: {e}", options.spec.display()))?;
    let spec: serde_json::Value = load_raw(&spec_text)?;
    let mut arms = String::new();
    let mut missing = Vec::new();
    let mut undeclared = String::new();
    let mut lacking = String::new();
    for (key, value) in resources {
        let schema = serde_json::json!({"$ref": format!("#/components/schemas/{key}")});
        for problem in contradictions(&spec, &schema, value, "") {
            match problem {
                Contradiction::Undeclared(pointer) => {
                    writeln!(undeclared, "    ({key:?}, {pointer:?}),").unwrap_or(())
                }
                Contradiction::MissingRequired(pointer) => {
                    writeln!(lacking, "    ({key:?}, {pointer:?}),").unwrap_or(())
                }
            }
        }
    }
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
    let fixtures_path = fs::canonicalize(&options.fixtures).unwrap_or(options.fixtures.clone());
    write_harness(
        &options.out,
        &root,
        &fixtures_path,
        &arms,
        &undeclared,
        &lacking,
    )?;
    write_event_check(&options.out, &fixtures_path, &generated, &lacking)?;
    write_redact_check(&options, &root)?;
    write_mock_calls(&options, &root)?;
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

/// Every operation must be named by the path rule: the operations whose name fell back to
/// their operationId (as the generator recorded it), listed, are an error.
fn name_fallbacks(generated: &openapi_gen::Generated) -> Result<String, String> {
    let fallbacks = &generated.name_fallbacks;
    let mut text = format!(
        "names: {} operations, {} named after their operationId",
        generated.operations,
        fallbacks.len()
    );
    if fallbacks.is_empty() {
        return Ok(text);
    }
    for f in fallbacks {
        write!(
            text,
            "\n  {} {} (operationId `{}`) → {}",
            f.method, f.path, f.operation_id, f.function
        )
        .unwrap_or(());
    }
    text.push_str("\nevery operation must be named by the rule in generator/src/naming.rs");
    Err(text)
}

fn cargo(dir: &Path, args: &[&str]) -> Result<(), String> {
    println!("==> cargo {} (in {})", args.join(" "), dir.display());
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        // Built once from scratch: incremental caches would only cost time and, for the
        // 184k-line crate, over 20 GB of disk.
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed ({status})", args.join(" ")))
    }
}

/// The same operation the project checks in, selected alone from Stripe's real spec, with the
/// project's own loopback and sample tests run against it: same public API, same behaviour.
fn write_redact_check(options: &Options, root: &Path) -> Result<(), String> {
    let crate_dir = options.out.join("stripe-api");
    let settings = Settings::new(root)
        .mode(Mode::Write)
        .spec(&options.spec)
        .out(&crate_dir)
        .operation("PostIdentityVerificationSessionsSessionRedact")
        .crate_name("stripe-api");
    let generated = codegen::generate_with(&settings).map_err(|e| e.to_string())?;
    let report = codegen::sync(
        &crate_dir,
        &crate_dir.display().to_string(),
        &generated,
        Mode::Write,
    )
    .map_err(|e| e.to_string())?;
    println!("{} (redact only)", report.summary(Mode::Write));
    let tests = options.out.join("redact-tests");
    let copy = |from: &str, to: &str| {
        let (from, to) = (root.join(from), tests.join(to));
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::copy(&from, &to)
            .map(|_| ())
            .map_err(|e| format!("cannot copy {}: {e}", from.display()))
    };
    for file in [
        "binding.rs",
        "faults.rs",
        "samples.rs",
        "support/mod.rs",
        "support/server.rs",
    ] {
        copy(&format!("generator/tests/{file}"), &format!("tests/{file}"))?;
    }
    let data = root.join("generator/tests/data");
    let entries =
        fs::read_dir(&data).map_err(|e| format!("cannot list {}: {e}", data.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        copy(
            &format!("generator/tests/data/{name}"),
            &format!("tests/data/{name}"),
        )?;
    }
    let manifest = "# Written by `cargo xtask stripe-full`.
[package]
name = \"redact-tests\"
version = \"0.0.0\"
edition = \"2021\"
publish = false

[lib]
path = \"src.rs\"

[dev-dependencies]
stripe-api = { path = \"../stripe-api\", features = [\"serialize\"] }
serde = \"1\"
serde_json = \"1\"
tokio = { version = \"1\", features = [\"net\", \"io-util\", \"rt\", \"rt-multi-thread\", \"macros\", \"sync\", \"time\"] }
tracing = \"0.1\"
tracing-subscriber = { version = \"0.3\", default-features = false, features = [\"fmt\", \"std\"] }
";
    fs::write(tests.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(
        tests.join("src.rs"),
        "//! Only the tests in tests/ matter here.\n",
    )
    .map_err(|e| e.to_string())
}

/// A test crate running `xtask/stripe-mock/calls.rs` against stripe-mock with the
/// whole-Stripe binding. Its library holds the mock launcher the project's own mock tests use
/// (`generator/tests/support/stripe_mock.rs`) and the mock's path.
fn write_mock_calls(options: &Options, root: &Path) -> Result<(), String> {
    let mock = fs::canonicalize(&options.stripe_mock).unwrap_or(options.stripe_mock.clone());
    let dir = options.out.join("stripe-mock-tests");
    for sub in ["src", "tests"] {
        fs::create_dir_all(dir.join(sub))
            .map_err(|e| format!("cannot create {}: {e}", dir.join(sub).display()))?;
    }
    // Written only when different, so that a rerun does not relink the test for nothing.
    let write = |to: &str, text: &str| {
        let path = dir.join(to);
        if fs::read_to_string(&path).ok().as_deref() == Some(text) {
            return Ok(());
        }
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let read = |from: &str| {
        fs::read_to_string(root.join(from)).map_err(|e| format!("cannot read {from}: {e}"))
    };
    write("tests/calls.rs", &read("xtask/stripe-mock/calls.rs")?)?;
    write(
        "src/stripe_mock.rs",
        &read("generator/tests/support/stripe_mock.rs")?,
    )?;
    let manifest = "# Written by `cargo xtask stripe-full`.
[package]
name = \"stripe-mock-tests\"
version = \"0.0.0\"
edition = \"2021\"
publish = false

[dependencies]
# `serialize` as the fixtures crate has it, so both share one build of the binding.
stripe-full = { path = \"../stripe-full\", features = [\"serialize\"] }
futures-util = { version = \"0.3\", default-features = false }
libtest-mimic = \"0.8\"
tokio = { version = \"1\", features = [\"rt\", \"time\"] }

# One stripe-mock for all the calls, stopped after the last: needs its own main.
[[test]]
name = \"calls\"
harness = false
";
    let lib = format!(
        "//! Written by `cargo xtask stripe-full`: the mock launcher and where the mock is.\n\n\
         pub mod stripe_mock;\n\n\
         /// The stripe-mock binary the calls run against.\n\
         pub const STRIPE_MOCK: &str = {:?};\n",
        mock.display().to_string()
    );
    write("Cargo.toml", manifest)?;
    write("src/lib.rs", &lib)
}

/// The folder's own workspace manifest (so cargo does not take it for part of the project's),
/// and the project's lock file to start from, so the binding builds with the same versions.
/// A workspace manifest over `members` in `out`, with the project's `Cargo.lock`; `by` names
/// the command in its first line.
pub(crate) fn write_workspace(
    out: &Path,
    root: &Path,
    members: &[&str],
    by: &str,
) -> Result<(), String> {
    fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    let manifest = format!(
        "# Written by `{by}`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    fs::write(out.join("Cargo.toml"), manifest)
        .map_err(|e| format!("cannot write the workspace manifest: {e}"))?;
    if !out.join("Cargo.lock").exists() {
        fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    }
    Ok(())
}

/// A workspace holding the generated crate and a test crate with the fixture round trip.
/// Where a sample object disagrees with the spec it is said to follow.
enum Contradiction {
    /// A key the schema does not declare (JSON pointer into the sample).
    Undeclared(String),
    /// A required key that is absent.
    MissingRequired(String),
}

/// The spec as a JSON tree, read through the generator's own loader (YAML or JSON).
fn load_raw(text: &str) -> Result<serde_json::Value, String> {
    let spec = openapi_gen::load("spec", text).map_err(|e| e.to_string())?;
    Ok(spec.raw)
}

/// Checks a sample against its schema for the two things a decoder cares about: required keys
/// present and no undeclared keys. For `anyOf`/`oneOf` the member with the fewest problems counts.
fn contradictions(
    spec: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
) -> Vec<Contradiction> {
    let mut schema = schema;
    for _ in 0..32 {
        match schema.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => match spec.pointer(r.trim_start_matches('#')) {
                Some(target) => schema = target,
                None => return Vec::new(),
            },
            None => break,
        }
    }
    if value.is_null() {
        return Vec::new();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(members) = schema.get(key).and_then(|m| m.as_array()) {
            return members
                .iter()
                .map(|m| contradictions(spec, m, value, at))
                .min_by_key(Vec::len)
                .unwrap_or_default();
        }
    }
    let mut out = Vec::new();
    if let (Some(properties), Some(object)) = (
        schema.get("properties").and_then(|p| p.as_object()),
        value.as_object(),
    ) {
        for required in schema
            .get("required")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(name) = required.as_str() {
                if !object.contains_key(name) {
                    out.push(Contradiction::MissingRequired(format!("{at}/{name}")));
                }
            }
        }
        for (name, v) in object {
            match properties.get(name) {
                Some(property) => {
                    out.extend(contradictions(spec, property, v, &format!("{at}/{name}")))
                }
                None => out.push(Contradiction::Undeclared(format!("{at}/{name}"))),
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            out.extend(contradictions(spec, items, v, &format!("{at}/{i}")));
        }
    }
    out
}

fn write_harness(
    out: &Path,
    root: &Path,
    fixtures: &Path,
    arms: &str,
    undeclared: &str,
    lacking: &str,
) -> Result<(), String> {
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
    write_workspace(
        out,
        root,
        &[
            "stripe-full",
            "fixtures",
            "stripe-api",
            "redact-tests",
            "stripe-mock-tests",
        ],
        "cargo xtask stripe-full",
    )?;
    write(
        "fixtures/Cargo.toml",
        "# Written by `cargo xtask stripe-full`.\n[package]\nname = \"fixtures\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nstripe-full = { path = \"../stripe-full\", features = [\"serialize\"] }\nserde = \"1\"\nserde_json = \"1\"\n",
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

/// Keys the samples carry that the spec does not declare (resource, JSON pointer). The binding
/// keeps them in each object's `extra` map, so they must round-trip like the rest.
const UNDECLARED: &[(&str, &str)] = &[
{undeclared}];

/// Required keys the samples lack (resource, JSON pointer). The binding follows the spec, so
/// these samples must fail to decode, naming the key.
const LACKING_REQUIRED: &[(&str, &str)] = &[
{lacking}];

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
    let mut exact = 0;
    let mut failures = Vec::new();
    for (key, value) in resources {{
        let lacking: Vec<&str> = LACKING_REQUIRED.iter().filter(|(k, _)| k == key).map(|(_, p)| *p).collect();
        let undeclared = UNDECLARED.iter().filter(|(k, _)| k == key).count();
        match (check_one(key, value), lacking.is_empty()) {{
            (Ok(()), true) => {{
                exact += 1;
                if undeclared > 0 {{
                    println!("{{key}}: round-trips exactly, its {{undeclared}} undeclared key(s) included");
                }}
            }}
            (Err(e), false) => {{
                let names = lacking.iter().all(|p| e.contains(&format!("`{{}}`", p.rsplit('/').next().unwrap_or(p))));
                if names {{
                    println!("{{key}}: rejected as it must be: lacks required {{lacking:?}}");
                }} else {{
                    failures.push(format!("{{key}}: failed, but not for its missing {{lacking:?}}: {{e}}"));
                }}
            }}
            (Ok(()), false) => failures.push(format!("{{key}}: decoded although it lacks required {{lacking:?}}")),
            (Err(e), true) => failures.push(e),
        }}
    }}
    println!(
        "fixtures: {{exact}}/{{}} round-trip exactly; {{}} undeclared keys in samples; {{}} required keys lacking",
        resources.len(),
        UNDECLARED.len(),
        LACKING_REQUIRED.len()
    );
    assert!(failures.is_empty(), "{{}} failed:\n{{}}", failures.len(), failures.join("\n"));
}}
"##
    );
    write("fixtures/tests/fixtures.rs", &test)
}

/// `fixtures/tests/events.rs`: every sample object, sent as an event's `data.object`, decodes
/// into the event's object enum as a known variant (not `Unknown`) and re-encodes to equal
/// JSON; the samples that lack a required key fail, as in the round trip.
fn write_event_check(
    out: &Path,
    fixtures: &Path,
    generated: &openapi_gen::Generated,
    lacking: &str,
) -> Result<(), String> {
    let event = generated
        .type_names
        .get("event")
        .ok_or("the binding has no type for Stripe's `event` schema")?;
    let object = generated.event_object.as_ref().ok_or(
        "the binding has no event object enum: is [webhooks] missing from specs/codegen.toml?",
    )?;
    let test = format!(
        r##"//! Written by `cargo xtask stripe-full`: every sample object in Stripe's fixtures, as the
//! object of an event, decodes through the event's object enum into its own type.

use serde_json::{{json, Value}};
use stripe_full::{event} as Event;
use stripe_full::{object} as EventObject;

const FIXTURES: &str = {fixtures:?};

/// Required keys the samples lack (resource, JSON pointer): these must fail here too.
const LACKING_REQUIRED: &[(&str, &str)] = &[
{lacking}];

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

#[test]
fn every_fixture_decodes_as_an_event_object() {{
    let text = std::fs::read_to_string(FIXTURES).expect("fixtures file");
    let fixtures: Value = serde_json::from_str(&text).expect("fixtures JSON");
    let resources = fixtures["resources"].as_object().expect("resources");
    let mut known = 0;
    let mut rejected = 0;
    let mut failures = Vec::new();
    for (key, value) in resources {{
        let event = json!({{
            "id": "evt_fixture", "object": "event", "created": 0, "livemode": false,
            "pending_webhooks": 0, "type": "fixture.check", "data": {{"object": value}},
        }});
        let lacks = LACKING_REQUIRED.iter().any(|(k, _)| k == key);
        match (serde_json::from_str::<Event>(&event.to_string()), lacks) {{
            (Ok(event), false) => match &event.data.object {{
                EventObject::Unknown(_) => failures.push(format!("{{key}}: decoded as Unknown")),
                object => {{
                    let again = serde_json::to_value(object).expect("encode");
                    if normalise(&again) == normalise(value) {{
                        known += 1;
                    }} else {{
                        failures.push(format!("{{key}}: re-encoded JSON differs:\n  in:  {{value}}\n  out: {{again}}"));
                    }}
                }}
            }},
            (Err(_), true) => rejected += 1,
            (Ok(_), true) => failures.push(format!("{{key}}: decoded although it lacks a required key")),
            (Err(e), false) => failures.push(format!("{{key}}: {{e}}")),
        }}
    }}
    println!(
        "event objects: {{known}}/{{}} fixtures decode through the event's object enum into a known variant; {{rejected}} rejected for a missing required key",
        resources.len()
    );
    assert!(failures.is_empty(), "{{}} failed:\n{{}}", failures.len(), failures.join("\n"));
}}
"##
    );
    let path = out.join("fixtures/tests/events.rs");
    if fs::read_to_string(&path).ok().as_deref() == Some(test.as_str()) {
        return Ok(());
    }
    fs::write(&path, test).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Every file under `dir`, by relative path.
fn read_tree(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let (Ok(rel), Ok(text)) = (path.strip_prefix(dir), fs::read_to_string(&path))
            {
                files.insert(rel.display().to_string(), text);
            }
        }
    }
    files
}

/// `diff: +A -R lines in N of M files`: how much of the output an update touched.
fn line_diff(
    before: &std::collections::BTreeMap<String, String>,
    after: &std::collections::BTreeMap<String, String>,
) -> String {
    let (mut added, mut removed, mut files) = (0, 0, 0);
    let paths: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for path in &paths {
        let old = before.get(*path).map_or("", String::as_str);
        let new = after.get(*path).map_or("", String::as_str);
        if old == new {
            continue;
        }
        files += 1;
        for change in similar::TextDiff::from_lines(old, new).iter_all_changes() {
            match change.tag() {
                similar::ChangeTag::Insert => added += 1,
                similar::ChangeTag::Delete => removed += 1,
                similar::ChangeTag::Equal => {}
            }
        }
    }
    let total: usize = after.values().map(|t| t.lines().count()).sum();
    format!(
        "diff: +{added} -{removed} lines in {files} of {} files ({total} lines now)",
        paths.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(name_fallbacks: Vec<openapi_gen::NameFallback>) -> openapi_gen::Generated {
        openapi_gen::Generated {
            event_object: None,
            files: Default::default(),
            operations: 468,
            types: 0,
            type_names: Default::default(),
            name_fallbacks,
            left_out: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn no_fallback_passes_and_says_so() {
        assert_eq!(
            name_fallbacks(&generated(Vec::new())),
            Ok("names: 468 operations, 0 named after their operationId".to_owned())
        );
    }

    #[test]
    fn a_fallback_fails_and_is_listed() {
        let fallback = openapi_gen::NameFallback {
            method: "GET",
            path: "/v1/balance/history".into(),
            operation_id: "GetBalanceHistory".into(),
            function: "balance::history::get_balance_history".into(),
        };
        let err = name_fallbacks(&generated(vec![fallback])).unwrap_err();
        assert!(
            err.starts_with("names: 468 operations, 1 named after their operationId\n"),
            "{err}"
        );
        assert!(
            err.contains(
                "  GET /v1/balance/history (operationId `GetBalanceHistory`) → \
                 balance::history::get_balance_history"
            ),
            "{err}"
        );
    }
}
