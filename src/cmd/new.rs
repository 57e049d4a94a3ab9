//! `quorum new KIND [ID]`: a record from a template, with the next free ID.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use quorum::Date;
use quorum::Kind;

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    Review,
    Action,
    Nonconformity,
    Objective,
    Audit,
}

#[derive(Args)]
pub struct NewArgs {
    /// What to create
    #[arg(value_enum)]
    kind: NewKind,
    /// The new record's ID [default: the next free one, e.g. A-2025-015]
    id: Option<String>,
    /// The record's date (raised, start, meeting date) [default: today]
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    date: Option<Date>,
    /// The site folder (holds site.toml and content/)
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

pub fn run(args: NewArgs) -> Result<(), super::Error> {
    let kind = match args.kind {
        NewKind::Review => Kind::Review,
        NewKind::Action => Kind::Action,
        NewKind::Nonconformity => Kind::Nonconformity,
        NewKind::Objective => Kind::Objective,
        NewKind::Audit => Kind::Audit,
    };
    let req = quorum::NewRecord { kind, id: args.id.as_deref(), date: args.date.unwrap_or_else(Date::today) };
    let c = quorum::new_record(&args.root, &req).map_err(super::fatal)?;
    println!("Created {} ({}): fill in its fields, then run `quorum check`", c.path.display(), c.id);
    if let Some(note) = c.note {
        eprintln!("note: {note}");
    }
    Ok(())
}
