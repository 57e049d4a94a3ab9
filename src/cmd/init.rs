//! `quorum init [--example] DIR`: a new working site, or the example site.

use std::path::PathBuf;

use clap::Args;
use quorum::Date;

#[derive(Args)]
pub struct InitArgs {
    /// The folder to create (must be empty or absent)
    dir: PathBuf,
    /// Write the Fernhill Logistics example site (five years of reviews, actions and
    /// nonconformities) instead of an empty site
    #[arg(long)]
    example: bool,
}

pub fn run(args: InitArgs) -> Result<(), super::Error> {
    let dir = args.dir.display();
    if args.example {
        let done = quorum::init_example(&args.dir).map_err(super::fatal)?;
        println!("Created the example site in {dir} ({} files).", done.files);
    } else {
        let done = quorum::init(&args.dir, Date::today()).map_err(super::fatal)?;
        println!("Created a quorum site in {dir}: site.toml, content/ and a planned first review.");
        if let Some(review) = done.first_review {
            println!("Plan the agenda in {review}; record actions with `quorum new action`.");
        }
    }
    println!("Next: cd {dir} && quorum serve --open");
    Ok(())
}
