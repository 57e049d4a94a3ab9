//! Subcommands: thin glue over the library's stages.

mod build;
mod check;
mod init;
mod new;
mod serve;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use quorum::Failure;
use quorum::date::Date;

#[derive(Subcommand)]
pub enum Command {
    /// Build the site into a folder (public/ by default), replacing it atomically
    Build(build::BuildArgs),
    /// Check every record and report errors and warnings with file:line:column
    Check(check::CheckArgs),
    /// Create a new working site in DIR from the built-in example
    Init(init::InitArgs),
    /// Create a new review, action, nonconformity, objective or audit from a template
    New(new::NewArgs),
    /// Preview the site: build in memory, serve it over HTTP, rebuild and reload the browser on save
    Serve(serve::ServeArgs),
    /// Check a built site against its SHA256SUMS manifest
    Verify(verify::VerifyArgs),
}

/// Options every site command takes.
#[derive(Args, Clone)]
pub struct SiteArgs {
    /// The site folder (holds site.toml and content/)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Compute statuses and figures as of this date (YYYY-MM-DD) [default: site.toml `as_of`, else today]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date: use YYYY-MM-DD, e.g. 2025-06-30"))
}

impl SiteArgs {
    pub fn options(&self, audience: &str) -> quorum::Options {
        quorum::Options { root: self.root.clone(), as_of: self.as_of, audience: audience.to_string() }
    }
}

pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::Init(a) => init::run(a),
        Command::New(a) => new::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Verify(a) => verify::run(a),
    }
}

/// Prints why a command failed and returns its exit code.
pub fn report(failure: Failure) -> ExitCode {
    match failure {
        Failure::Content(d) => {
            eprint!("{}", d.render());
            eprintln!("error: {}; nothing was written", d.summary());
            ExitCode::from(1)
        }
        Failure::Render(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
        Failure::Fatal(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
