//! `cargo xtask codegen` as a library: the checked-in crate is fresh, writes touch only what
//! changed, and a broken spec writes nothing.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::codegen::{self, Failure, Mode};

/// `generated/` must be exactly what the generator makes from `specs/` (the CI check, as a test).
#[test]
fn generated_is_fresh() {
    let report =
        codegen::run(&xtask::project_root(), Mode::Check).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.is_fresh(),
        "generated/ is stale; run `cargo xtask codegen`.\n{}",
        report.diffs.join("\n")
    );
    assert_eq!(report.operations, 1);
}

/// A scratch copy of the project's `specs/` in a fresh temporary folder.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-test-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("specs")).unwrap();
    for file in ["codegen.toml", "stripe.yaml"] {
        fs::copy(
            xtask::project_root().join("specs").join(file),
            dir.join("specs").join(file),
        )
        .unwrap();
    }
    dir
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn writes_only_what_changed_and_removes_stale_files() {
    let root = scratch("sync");
    let first = codegen::run(&root, Mode::Write).unwrap();
    assert!(
        first.written.len() > 5 && first.removed.is_empty(),
        "{first:?}"
    );

    let again = codegen::run(&root, Mode::Write).unwrap();
    assert!(again.is_fresh(), "a second run changes nothing: {again:?}");
    assert_eq!(again.unchanged, first.written.len());

    // A hand edit and a stray file are both undone; check mode reports them first.
    let types = root.join("generated/src/types.rs");
    fs::write(&types, "// edited by hand\n").unwrap();
    fs::write(root.join("generated/src/stray.rs"), "").unwrap();
    let check = codegen::run(&root, Mode::Check).unwrap();
    assert_eq!(check.written, vec!["src/types.rs".to_owned()]);
    assert_eq!(check.removed, vec!["src/stray.rs".to_owned()]);
    let diff = check.diffs.join("\n");
    assert!(
        diff.contains("--- a/generated/src/types.rs") && diff.contains("-// edited by hand"),
        "{diff}"
    );
    assert_eq!(
        fs::read_to_string(&types).unwrap(),
        "// edited by hand\n",
        "check mode writes nothing"
    );

    let fix = codegen::run(&root, Mode::Write).unwrap();
    assert_eq!(fix.written, vec!["src/types.rs".to_owned()]);
    assert_eq!(fix.removed, vec!["src/stray.rs".to_owned()]);
    assert!(codegen::run(&root, Mode::Check).unwrap().is_fresh());
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn a_broken_spec_writes_nothing() {
    let root = scratch("broken");
    codegen::run(&root, Mode::Write).unwrap();
    let before = snapshot(&root.join("generated"));

    let spec = root.join("specs/stripe.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let broken = text
        .replace(
            "$ref: '#/components/schemas/address'",
            "$ref: '#/components/schemas/adress'",
        )
        .replace(
            "in: path\n          required: true",
            "in: path\n          required: false",
        );
    assert_ne!(broken, text);
    fs::write(&spec, broken).unwrap();

    let Err(Failure::Spec(errors)) = codegen::run(&root, Mode::Write) else {
        panic!("expected spec errors")
    };
    let text = errors.to_string();
    assert!(
        text.contains("specs/stripe.yaml#/components/schemas/"),
        "{text}"
    );
    assert!(text.contains("points at nothing"), "{text}");
    assert!(text.contains("must be `required: true`"), "{text}");
    assert!(
        errors.0.len() >= 3,
        "every dangling ref and the optional path parameter: {text}"
    );
    assert_eq!(
        snapshot(&root.join("generated")),
        before,
        "nothing may be written"
    );
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn a_broken_config_is_located() {
    let root = scratch("config");
    fs::write(
        root.join("specs/codegen.toml"),
        "spec = \"stripe.yaml\"\n[crate]\nname = 1\n",
    )
    .unwrap();
    let Err(Failure::Spec(errors)) = codegen::run(&root, Mode::Write) else {
        panic!("expected a config error")
    };
    assert!(
        errors.to_string().contains("specs/codegen.toml:3:"),
        "{errors}"
    );
    assert!(!root.join("generated").exists());
    let _ = fs::remove_dir_all(&root);
}

/// The spec's HTML descriptions arrive in the binding as Markdown: UTF-8 intact, relative
/// links made absolute, no tags left.
#[test]
fn generated_docs_are_markdown_with_absolute_links() {
    let path = xtask::project_root().join("generated/src/identity/verification_sessions.rs");
    let text = fs::read_to_string(path).unwrap();
    assert!(
        text.contains("the VerificationSession’s `redaction.status`"),
        "UTF-8 and <code> → backticks"
    );
    assert!(
        text.contains("(https://stripe.com/docs/identity/verification-sessions#redact)"),
        "absolute link"
    );
    assert!(!text.contains("<p>") && !text.contains("<code>") && !text.contains("â€™"));
}
