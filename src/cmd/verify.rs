//! `quorum verify DIR`: a built site against its SHA256SUMS manifest.

use std::path::PathBuf;

use clap::Args;

#[derive(Args)]
pub struct VerifyArgs {
    /// The built site folder
    dir: PathBuf,
}

pub fn run(args: VerifyArgs) -> Result<(), super::Error> {
    let problems = quorum::verify(&args.dir).map_err(super::fatal)?;
    if problems.is_empty() {
        println!("{}: every file matches SHA256SUMS", args.dir.display());
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    Err(super::Error::Listed(Some(format!("{} problem(s) in {}", problems.len(), args.dir.display()))))
}
