//! `cargo xtask bench`: how long generation and spec loading take. A benchmark, not a test:
//! it prints figures and the machine's load so they can be read in context.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use openapi_gen::config::Selection;

use crate::codegen::{self, Mode};
use crate::project_root;

pub fn run(args: &[&str]) -> Result<(), String> {
    let runs = match args {
        [] => 10,
        ["--runs", n] => n
            .parse()
            .map_err(|_| format!("--runs takes a number, not {n:?}"))?,
        _ => {
            return Err(format!(
                "unknown arguments {args:?}; usage: cargo xtask bench [--runs N]"
            ))
        }
    };
    if cfg!(debug_assertions) {
        println!("note: debug build; for real figures run `cargo run --release -p xtask -- bench`");
    }
    println!("load average before: {}", load_average());
    let root = project_root();

    let codegen = time(runs, || {
        codegen::run(&root, Mode::Check).map(|r| r.unchanged)
    })?;
    report(
        "codegen --check of specs/ (read, generate, compare)",
        &codegen,
    );

    let shared = root.join("../shared/stripe/spec3.yaml");
    match std::fs::read_to_string(&shared) {
        Ok(text) => {
            let load = time(runs, || {
                openapi_gen::load("spec3.yaml", &text).map(|s| s.api.paths.paths.len())
            })?;
            report(
                &format!("load {} ({} KiB)", display(&shared), text.len() / 1024),
                &load,
            );
            let spec = openapi_gen::load("spec3.yaml", &text).map_err(|e| e.to_string())?;
            let selection = Selection {
                include: vec!["PostIdentityVerificationSessionsSessionRedact".into()],
                ..Default::default()
            };
            let check = time(runs, || {
                Ok::<_, String>(openapi_gen::check(&spec, &selection, "bench").is_ok())
            })?;
            report(
                "validate it (all $refs and path templates; the redact operation in depth)",
                &check,
            );
            let config = openapi_gen::Config::all_operations("stripe-full");
            let provenance = openapi_gen::Provenance {
                spec_file: "spec3.yaml".into(),
                command: "bench".into(),
            };
            let full = time(runs.min(5), || {
                let spec = openapi_gen::load("spec3.yaml", &text).map_err(|e| e.to_string())?;
                openapi_gen::generate(&spec, &config, "bench", &provenance)
                    .map(|g| g.files.len())
                    .map_err(|e| e.to_string())
            })?;
            report(
                "load, validate, lower, emit and format all 468 operations (in memory)",
                &full,
            );
        }
        Err(e) => println!(
            "skipped Stripe's spec: cannot read {}: {e}",
            display(&shared)
        ),
    }
    println!("load average after: {}", load_average());
    Ok(())
}

/// Runs `f` `runs` times; returns the sorted durations.
fn time<T, E: std::fmt::Display>(
    runs: usize,
    mut f: impl FnMut() -> Result<T, E>,
) -> Result<Vec<Duration>, String> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        black_box(f().map_err(|e| e.to_string())?);
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times)
}

fn report(what: &str, times: &[Duration]) {
    let median = times[times.len() / 2];
    let min = times[0];
    println!(
        "{what}: median {:.1} ms, min {:.1} ms over {} runs",
        ms(median),
        ms(min),
        times.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn display(p: &Path) -> String {
    p.canonicalize()
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
