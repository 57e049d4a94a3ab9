//! `quorum new KIND [ID]`: a record from a template, with the next ID of the site's own
//! scheme (see `scaffold::next_id`).

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
#[command(after_long_help = "Without an ID, the next one follows the IDs of that kind already on the site: \
by half-year (MR-2026-H1, then MR-2026-H2: the half-year of --date, refused if taken), by quarter \
(MR-2026-Q3), numbered per year (A-2025-015 after A-2025-014; A-2026-001 in a new year) or numbered \
(OBJ-06 after OBJ-05). IDs of no such shape, such as extraordinary reviews (MR-2025-X1), are outvoted \
by the rest. When most IDs follow no one scheme, give the ID. A kind with no records yet starts at \
PREFIX-YEAR-001 (objectives OBJ-01).")]
pub struct NewArgs {
    /// What to create
    #[arg(value_enum)]
    kind: NewKind,
    /// The new record's ID [default: the next in the site's scheme, e.g. MR-2026-H2, A-2025-015]
    id: Option<String>,
    /// The record's date (raised, start, meeting date); it also picks the year, half-year or quarter of the ID [default: today]
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
    // The template leaves these blank, and `quorum check` reports them (`empty-field`) until
    // they are written: a record without them is not one to publish.
    let blank = match kind {
        Kind::Action => "its title and owner",
        Kind::Review => "its attendees, minutes and decisions",
        _ => "its title",
    };
    println!("Created {} ({}): write {blank} and the other fields, then run `quorum check`", c.path.display(), c.id);
    if let Some(note) = c.note {
        eprintln!("note: {note}");
    }
    Ok(())
}
