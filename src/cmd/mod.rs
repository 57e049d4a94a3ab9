//! Subcommands: thin glue over the library's stages.

mod approve;
mod build;
mod check;
mod init;
mod new;
mod serve;
mod verify;

use std::path::PathBuf;

use clap::{Args, Subcommand};
use quorum::Date;
use quorum::Failure;

#[derive(Subcommand)]
pub enum Command {
    /// Approve a review's minutes and seal them with a digest of their content
    Approve(approve::ApproveArgs),
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

/// Why a command failed: reported once, by `main`, and mapped to the exit code there.
pub enum Error {
    /// A build stage, usage or I/O failed.
    Failed(Failure),
    /// Problems the command has already listed (check's diagnostics, verify's mismatches),
    /// with the summary line to end on, if any.
    Listed(Option<String>),
}

impl From<Failure> for Error {
    fn from(f: Failure) -> Error {
        Error::Failed(f)
    }
}

impl Error {
    /// The exit code: 1 for problems in the site, 2 for usage or I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Failed(f) => f.exit_code(),
            Error::Listed(_) => 1,
        }
    }

    /// What to print on standard error.
    pub fn report(&self) -> String {
        match self {
            Error::Failed(f) => f.report(),
            Error::Listed(Some(summary)) => format!("error: {summary}\n"),
            Error::Listed(None) => String::new(),
        }
    }
}

/// An I/O or usage failure (exit 2).
pub fn fatal(e: impl std::fmt::Display) -> Error {
    Error::Failed(Failure::Fatal(e.to_string()))
}

/// Runs a command; a failure is reported once, by `main`.
pub fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Approve(a) => approve::run(a),
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::Init(a) => init::run(a),
        Command::New(a) => new::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Verify(a) => verify::run(a),
    }
}
