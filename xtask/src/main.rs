//! `cargo xtask <task>`; see `cargo xtask help`.

use std::process::ExitCode;

use xtask::codegen::{self, Failure, Mode, Settings};

const HELP: &str = "\
usage: cargo xtask <task>

tasks:
  codegen [OPTIONS]  regenerate generated/ from specs/codegen.toml (or any spec into any folder)
  bench [--runs N]   time codegen and spec loading (see README)
  corpus             generate every spec in ../shared/openapi-corpus (unsupported operations left
                     out and counted), clippy and rustdoc each binding, print a table
  stripe-full        generate all of Stripe's spec from ../shared, lint it, round-trip its fixtures,
                     run calls against stripe-mock
  help               print this text

codegen options (with none, generated/ is regenerated exactly as specs/codegen.toml says):
  --check            write nothing; exit 1 with a diff per stale file and the command that fixes it
  --spec FILE        generate from FILE instead of the config's spec; FILE is relative to the
                     current folder or absolute, and is named as given in headers and messages.
                     Needs --out and a selection (--all, --operation or --path-prefix).
  --out DIR          write into DIR instead of generated/ (relative to the current folder, or
                     absolute). Allowed without --spec: the config's spec, into another folder.
                     codegen deletes every file in DIR that it does not generate, so DIR must be
                     absent, empty, or a crate it generated before (its Cargo.toml starts with an
                     `@generated` line); the project root, specs/ and a folder holding the spec
                     are refused.
  --all              select every operation
  --operation ID     select the operation with this operationId (repeatable)
  --path-prefix P    select the operations whose path starts with P, e.g. /v1/identity/
                     (repeatable). These three replace the config's selection.
  --crate-name NAME  name the crate NAME instead of the config's crate name
  --skip-unsupported leave out the selected operations the generator cannot map, and list each
                     with its problems (here and in the binding's README), instead of writing
                     nothing; `skip_unsupported = true` under [operations] in the config does
                     the same. Problems of the document itself still stop everything.
  Options also take the form --flag=VALUE. The config's [client] and [docs] sections always
  apply, and [webhooks] when the spec has its event schema; with --spec the crate description
  is \"Rust bindings for <the spec's title>\". Every
  generated file's header names the command that regenerates it (these options minus --check).
  When files change, two more lines list the operations and types added (+), removed (-) and
  changed (~) compared with what was on disk.

exit status: 0 done (with --check: up to date); 1 stale with --check, problems in the spec or
config, or a file error; 2 bad arguments or a refused --out.

examples:
  cargo xtask codegen --check
  cargo xtask codegen --spec ../shared/stripe/spec3.yaml --out /tmp/redact \\
      --operation PostIdentityVerificationSessionsSessionRedact
  cargo xtask codegen --spec api.yaml --out ../identity-api --path-prefix /v1/identity/ \\
      --crate-name identity-api
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen", rest @ ..] => codegen_cmd(rest),
        ["corpus", rest @ ..] => match xtask::corpus::run(rest) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        ["stripe-full", rest @ ..] => match xtask::stripe_full::run(rest) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        ["bench", rest @ ..] => match xtask::bench::run(rest) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        ["help" | "--help" | "-h"] => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("error: unknown arguments {args:?}\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

fn codegen_cmd(args: &[&str]) -> ExitCode {
    if args.iter().any(|a| matches!(*a, "--help" | "-h")) {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::from_args(xtask::project_root(), args) {
        Ok(settings) => settings,
        Err(e) => {
            eprint!("error: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let mode = settings.run_mode();
    match codegen::run_with(&settings) {
        Ok(report) => {
            for diff in &report.diffs {
                print!("{diff}");
            }
            println!("{}", report.summary(mode));
            if !report.left_out.is_empty() {
                println!("left out (--skip-unsupported), also listed in the binding's README:");
                for line in &report.left_out {
                    println!("  {line}");
                }
            }
            if !report.warnings.is_empty() {
                println!("worked around (generated anyway), also listed in the binding's README:");
                for line in &report.warnings {
                    println!("  {line}");
                }
            }
            if !report.is_fresh() {
                for line in report.changes.lines() {
                    println!("{line}");
                }
            }
            if mode == Mode::Check && !report.is_fresh() {
                if settings.is_default_out() {
                    eprintln!(
                        "error: {}/ is stale; run `{}` and commit the result",
                        codegen::OUT,
                        settings.command()
                    );
                } else {
                    eprintln!(
                        "error: {}/ is stale; run `{}`",
                        settings.out_label().trim_end_matches('/'),
                        settings.command()
                    );
                }
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(e)) => {
            eprintln!("error: nothing was written.\n{e}\n(see `cargo xtask help`)");
            ExitCode::from(2)
        }
        Err(Failure::Refused(e)) => {
            eprintln!("error: nothing was written.\n{e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprint!("error: nothing was written.\n{e}");
            ExitCode::FAILURE
        }
    }
}
