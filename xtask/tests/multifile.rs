//! A spec over several files through `cargo xtask codegen --spec`: every file is read on each
//! run, so `--check` notices an edit in a file the entry only refers to, and a problem in such a
//! file is named by its path as the command line gave the entry.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::codegen::{self, Failure, Mode, Settings};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A scratch folder holding a copy of `generator/tests/specs/multifile` as `api/`.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("multifile-{name}"));
    let _ = fs::remove_dir_all(&dir);
    copy_dir(
        &xtask::project_root().join("generator/tests/specs/multifile"),
        &dir.join("api"),
    );
    dir
}

fn settings(dir: &Path) -> Settings {
    Settings::new(xtask::project_root())
        .current_dir(dir)
        .spec("api/openapi.yaml")
        .out(dir.join("out"))
        .select_all()
}

#[test]
fn check_notices_an_edit_in_a_referenced_file() {
    let dir = scratch("check");
    let report = codegen::run_with(&settings(&dir)).unwrap();
    assert_eq!(report.operations, 3);
    let header = fs::read_to_string(dir.join("out/src/types.rs")).unwrap();
    assert!(
        header
            .lines()
            .next()
            .unwrap()
            .contains("from api/openapi.yaml."),
        "the header names the entry file: {header:.200}"
    );
    let fresh = codegen::run_with(&settings(&dir).mode(Mode::Check)).unwrap();
    assert!(fresh.is_fresh(), "{:?}", fresh.diffs);

    // Two folders below the entry, reached only through other files.
    let status = dir.join("api/schemas/nested/Status.yaml");
    let text = fs::read_to_string(&status).unwrap();
    fs::write(&status, text.replace("done]", "done, burnt]")).unwrap();
    let stale = codegen::run_with(&settings(&dir).mode(Mode::Check)).unwrap();
    assert!(!stale.is_fresh());
    let diff = stale.diffs.join("\n");
    assert!(diff.contains("+    Burnt,"), "{diff}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_problem_in_a_referenced_file_names_it() {
    let dir = scratch("problem");
    let line = dir.join("api/schemas/nested/line.yaml");
    let text = fs::read_to_string(&line).unwrap();
    fs::write(
        &line,
        text.replace("$ref: Status.yaml", "$ref: https://example.com/Status.yaml"),
    )
    .unwrap();
    match codegen::run_with(&settings(&dir)) {
        Err(Failure::Spec(e)) => {
            assert_eq!(e.0.len(), 1, "{e}");
            assert_eq!(
                e.0[0].location(),
                "api/schemas/nested/line.yaml#/properties/status/$ref"
            );
            assert!(e.0[0].message.contains("is a URL"), "{e}");
        }
        other => panic!("expected the URL to be refused, got {other:?}"),
    }
    assert!(!dir.join("out").exists(), "nothing is written");
    let _ = fs::remove_dir_all(&dir);
}
