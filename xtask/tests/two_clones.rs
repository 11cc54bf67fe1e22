//! `cargo xtask codegen` reads and writes the checkout it is run from, even when its binary was
//! built in another one: Cargo reuses one xtask binary for every clone sharing a target folder.
//! The binary under test was compiled in this checkout (A); clone B is a copy of the files
//! codegen reads, with a stale `generated/README.md`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Clone B: `specs/`, `generated/` and the manifest that marks a checkout, README made stale.
fn clone_b(name: &str) -> PathBuf {
    let a = xtask::project_root();
    let b = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&b);
    copy_dir(&a.join("specs"), &b.join("specs"));
    copy_dir(&a.join("generated"), &b.join("generated"));
    std::fs::create_dir_all(b.join("xtask")).unwrap();
    std::fs::copy(a.join("xtask/Cargo.toml"), b.join("xtask/Cargo.toml")).unwrap();
    let readme = b.join("generated/README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    std::fs::write(&readme, format!("{text}\nstale line\n")).unwrap();
    b
}

fn xtask(args: &[&str], cwd: &Path, manifest_dir: Option<&Path>) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("CARGO_MANIFEST_DIR");
    if let Some(dir) = manifest_dir {
        cmd.env("CARGO_MANIFEST_DIR", dir);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn check_and_write_act_on_the_clone_they_are_run_in() {
    let a = xtask::project_root();
    let b = clone_b("clone-b-cwd");
    let a_readme = std::fs::read(a.join("generated/README.md")).unwrap();

    // Run from clone B, as the binary would be after `cargo run` reused A's build.
    let (ok, out) = xtask(&["codegen", "--check"], &b, None);
    assert!(!ok, "B's stale README went unnoticed:\n{out}");
    assert!(out.contains("README.md"), "{out}");
    let (ok, out) = xtask(&["codegen"], &b.join("generated"), None);
    assert!(ok, "{out}");
    assert!(out.contains("1 written"), "{out}");
    let (ok, out) = xtask(&["codegen", "--check"], &b, None);
    assert!(ok, "{out}");
    assert_eq!(
        std::fs::read(a.join("generated/README.md")).unwrap(),
        a_readme,
        "A was touched"
    );
}

#[test]
fn cargo_run_time_manifest_dir_names_the_clone() {
    let b = clone_b("clone-b-env");
    // `cargo xtask` in B sets CARGO_MANIFEST_DIR to B's xtask, wherever it is run from.
    let (ok, out) = xtask(
        &["codegen", "--check"],
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        Some(&b.join("xtask")),
    );
    assert!(!ok, "B's stale README went unnoticed:\n{out}");
    assert!(out.contains("README.md"), "{out}");
}
