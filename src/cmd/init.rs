//! `quorum init DIR`: a new working site from the example embedded in the binary.

use std::path::PathBuf;

use clap::Args;

#[derive(Args)]
pub struct InitArgs {
    /// The folder to create (must be empty or absent)
    dir: PathBuf,
}

pub fn run(args: InitArgs) -> Result<(), super::Error> {
    let n = quorum::init(&args.dir).map_err(super::fatal)?;
    println!(
        "Created a quorum site in {} ({n} files). Next: cd {} && quorum serve",
        args.dir.display(),
        args.dir.display()
    );
    Ok(())
}
