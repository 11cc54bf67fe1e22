//! `cargo xtask <task>`; see `cargo xtask help`.

use std::process::ExitCode;

use xtask::codegen::{self, Mode};

const HELP: &str = "\
usage: cargo xtask <task>

tasks:
  codegen           regenerate generated/ from specs/codegen.toml
  codegen --check   write nothing; fail with a diff if generated/ is stale
  bench [--runs N]  time codegen and spec loading (see README)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen_cmd(Mode::Write),
        ["codegen", "--check"] => codegen_cmd(Mode::Check),
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

fn codegen_cmd(mode: Mode) -> ExitCode {
    let root = xtask::project_root();
    match codegen::run(&root, mode) {
        Ok(report) => {
            for diff in &report.diffs {
                print!("{diff}");
            }
            println!("{}", report.summary(mode));
            if mode == Mode::Check && !report.is_fresh() {
                eprintln!(
                    "error: {}/ is stale; run `{}` and commit the result",
                    codegen::OUT,
                    codegen::COMMAND
                );
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!("error: nothing was written.\n{e}");
            ExitCode::FAILURE
        }
    }
}
