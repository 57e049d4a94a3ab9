//! `quorum verify DIR`: a built site against its SHA256SUMS manifest.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

#[derive(Args)]
pub struct VerifyArgs {
    /// The built site folder
    dir: PathBuf,
}

pub fn run(args: VerifyArgs) -> ExitCode {
    match quorum::write::verify(&args.dir) {
        Ok(problems) if problems.is_empty() => {
            println!("{}: every file matches SHA256SUMS", args.dir.display());
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("error: {} problem(s) in {}", problems.len(), args.dir.display());
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
