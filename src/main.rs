//! The `quorum` command line: parses arguments, runs a command, maps the outcome to an exit
//! code (0 success, 1 content errors, 2 usage or I/O errors).

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// quorum turns a git repository of Markdown + TOML governance records (ISO/IEC 27001
/// clause 9.3 management reviews, actions, nonconformities, objectives, audits) into a
/// linked static website.
#[derive(Parser)]
#[command(name = "quorum", version, about, long_about = None, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cmd::run(cli.command)
}

#[allow(dead_code)]
fn _assert_subcommand<T: Subcommand>() {}
