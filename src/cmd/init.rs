//! `quorum init DIR`: a new working site from the example embedded in the binary.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

#[derive(Args)]
pub struct InitArgs {
    /// The folder to create (must be empty or absent)
    dir: PathBuf,
}

pub fn run(args: InitArgs) -> ExitCode {
    match quorum::example::write_to(&args.dir) {
        Ok(n) => {
            println!(
                "Created a quorum site in {} ({n} files). Next: cd {} && quorum serve",
                args.dir.display(),
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
