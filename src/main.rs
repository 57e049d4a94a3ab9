//! The `quorum` command line: parses arguments, runs a command, maps the outcome to an exit
//! code (0 success, 1 content errors, 2 usage or I/O errors).

mod cmd;

// Rendering thousands of pages on rayon threads is allocation-bound; mimalloc's per-thread
// heaps cut a rebuild's time markedly against glibc malloc (see scripts/bench_build.py).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// quorum turns a git repository of Markdown + TOML governance records (ISO/IEC 27001
/// clause 9.3 management reviews, actions, nonconformities, objectives, audits) into a
/// linked static website.
#[derive(Parser)]
#[command(
    name = "quorum",
    version,
    about = "Publish ISMS governance records (ISO/IEC 27001 clause 9.3 management reviews, actions, \
             nonconformities, objectives, audits) as a linked static website",
    after_help = "Examples:\n  \
        quorum check                      check the site in the current folder\n  \
        quorum build --as-of 2025-06-30   build the site as it stood on that date\n  \
        quorum build --audience auditor   leave out drafts and confidential material\n  \
        quorum serve --open               preview in the browser, reloading on save\n\n\
        Exit codes: 0 success; 1 content errors (or warnings under --deny-warnings); 2 usage or I/O errors.\n\
        Documentation: docs/ in the quorum repository.",
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The one place a failure is reported and mapped to the exit code.
    match cmd::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprint!("{}", failure.report());
            ExitCode::from(failure.exit_code())
        }
    }
}

#[allow(dead_code)]
fn _assert_subcommand<T: Subcommand>() {}
