//! `quorum check`: every check of a build, no output folder touched.

use clap::{Args, ValueEnum};
use quorum::Failure;

use super::SiteArgs;

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Output format: human-readable on stderr, or a JSON list on stdout
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Treat content warnings (incomplete records) as errors
    #[arg(long)]
    deny_warnings: bool,
    /// Treat status warnings (overdue, late reviews…) as errors too
    #[arg(long)]
    deny_status: bool,
}

pub fn run(args: CheckArgs) -> Result<(), super::Error> {
    let opts = args.site.options("internal");
    // Render in memory too (nothing is written): a broken site template or a link the
    // templates make must fail `check` in CI just as it would fail `build`.
    let render = quorum::RenderOptions::default();
    let mut later = None;
    let (mut diags, records) = match quorum::build(&opts, &render) {
        Ok((c, _files)) => {
            later = c.later_note();
            (c.diagnostics, Some(c.records))
        }
        Err(Failure::Content(d)) => (d, None),
        Err(f) => return Err(f.into()),
    };
    diags.deny(args.deny_warnings, args.deny_status);
    let human = matches!(args.format, Format::Human);
    match args.format {
        Format::Json => println!("{}", diags.to_json()),
        Format::Human => {
            eprint!("{}", diags.render());
            if let Some(note) = later {
                eprintln!("note: {note}");
            }
        }
    }
    match records {
        Some(n) if !diags.has_errors() => {
            if human {
                println!("Checked {}: {}", quorum::count(n, "record"), diags.summary());
            }
            Ok(())
        }
        _ => Err(super::Error::Listed(human.then(|| diags.summary()))),
    }
}
