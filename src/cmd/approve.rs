//! `quorum approve REVIEW --by NAME`: approve a review's minutes and seal them.

use std::path::PathBuf;

use clap::Args;
use quorum::Date;

#[derive(Args)]
#[command(after_help = "The review's file is edited in place: status = \"approved\", approved_by, approved_on and \
    approved_digest (the SHA-256 of its content as approved). Comments and formatting stay. From then on \
    `quorum check` warns \"edited after approval\" when the minutes, their fields or an attachment change; \
    docs/approval.md explains how an auditor checks a seal.\n\nExamples:\n  \
    quorum approve MR-2026-H1 --by \"Ruth Okafor\"\n  \
    quorum approve MR-2026-H1 --by \"Ruth Okafor\" --on 2026-06-11\n  \
    quorum approve MR-2026-H1 --by \"Ruth Okafor\" --reseal   after an agreed correction")]
pub struct ApproveArgs {
    /// The review to approve (its ID, e.g. MR-2026-H1)
    review: String,
    /// Who approved the minutes (approved_by)
    #[arg(long, value_name = "NAME")]
    by: String,
    /// When they were approved (approved_on; never before the meeting) [default: today]
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    on: Option<Date>,
    /// Re-seal an approved review after an agreed correction (sets approved_by and approved_on again)
    #[arg(long)]
    reseal: bool,
    /// The site folder (holds site.toml and content/)
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

pub fn run(args: ApproveArgs) -> Result<(), super::Error> {
    let on = args.on.unwrap_or_else(Date::today);
    let req = quorum::Approval { root: args.root, review: args.review, by: args.by, on, reseal: args.reseal };
    let done = quorum::approve(&req)?;
    let verb = if done.resealed { "Re-sealed" } else { "Approved" };
    println!(
        "{verb} {} on {on} by {}: {} now holds approved_digest = \"{}\"",
        done.id,
        req.by.trim(),
        done.path.display(),
        done.digest
    );
    println!("Commit the file; `quorum check` warns if the minutes change after this.");
    if done.other_errors > 0 {
        let s = if done.other_errors == 1 { "" } else { "s" };
        eprintln!("note: other files of the site have {} error{s}; `quorum check` lists them", done.other_errors);
    }
    Ok(())
}
