//! quorum: a static-site generator for information-security governance records.
//!
//! The build is one pass through stages, each a module with a data type at its boundary:
//! [`load`] → [`parse`] → [`model`] (checks) → [`metrics`] (figures, from every record) →
//! [`model::publish`] (what the audience may see, as of the date) → [`render`] → [`write`].

// A diagnostic is the error path of every content stage and is cheap next to file I/O;
// boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]
// The facade above is the whole interface: every other item is crate-private, and what is
// public is documented.
#![warn(missing_docs, unreachable_pub)]

mod approve;
mod chart;
mod config;
mod context;
mod crosswalk;
mod date;
mod diagnostics;
mod escape;
mod evidence;
mod example;
mod export;
mod fingerprint;
mod framework;
mod fs;
mod history;
mod linkcheck;
mod load;
mod markdown;
mod metrics;
mod model;
mod output;
mod parse;
pub mod progress;
mod provenance;
mod record;
mod render;
mod scaffold;
mod seal;
mod serve;
mod sign;
mod site_map;
mod theme;
mod warnings;
mod write;

// The library facade: what the `quorum` binary, the tests and the fuzz targets use. Every
// module is private to the crate; nothing else is part of the interface.
pub use approve::{Approval, Approved, approve};
pub use config::RawHtml;
pub use date::Date;
pub use diagnostics::{Diagnostic, Diagnostics, Severity, WarningClass};
pub use example::{Initialised, write_empty as init, write_example as init_example};
pub use linkcheck::{Problem as LinkProblem, check as check_links};
pub use markdown::{Resolver, WikiTarget, render as render_markdown};
pub use output::{OutputFile, sha256_hex};
pub use parse::parse_one;
pub use record::{Heading, Kind};
pub use render::{PageCache, Previous, RenderError, RenderOptions};
pub use scaffold::{Created, Request as NewRecord, create as new_record};
pub use serve::{Config as ServeConfig, ServeError, run as serve};
pub use sign::{Signed, Signer, SigningKey, signing_key, verify as verify_signature};
pub use write::{WriteError, Written, cache_folder, verify, write, write_with};

use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a build or check is asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// The site folder (holds `site.toml` and `content/`).
    pub root: PathBuf,
    /// `--as-of`; else `as_of` of site.toml; else today.
    pub as_of: Option<Date>,
    /// `--audience`; `internal` by default.
    pub audience: String,
}

impl Options {
    /// Options for the site in `root`: as of site.toml's date (else today), audience `internal`.
    pub fn new(root: impl Into<PathBuf>) -> Options {
        Options { root: root.into(), as_of: None, audience: "internal".into() }
    }
}

/// Why a build stopped.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the site's files (exit 1).
    Content(Diagnostics),
    /// A template could not render (exit 1).
    Render(String),
    /// Usage or I/O (exit 2).
    Fatal(String),
}

impl Failure {
    /// The process exit code: 1 for problems in the site, 2 for usage or I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Content(_) | Failure::Render(_) => 1,
            Failure::Fatal(_) => 2,
        }
    }

    /// What the command line prints for it, on standard error.
    pub fn report(&self) -> String {
        match self {
            Failure::Content(d) => format!("{}error: {}; nothing was written\n", d.render(), d.summary()),
            Failure::Render(msg) | Failure::Fatal(msg) => format!("error: {msg}\n"),
        }
    }
}

/// The checked site model, its figures and what the checks found (warnings only).
pub struct Checked {
    /// Every record present as of the as-of date, unredacted: what the checks and figures read.
    pub(crate) site: model::Site,
    /// What the audience may see: the only input of the render side.
    pub(crate) published: model::Published,
    pub(crate) figures: metrics::Figures,
    pub(crate) warnings: warnings::Warnings,
    /// Warnings (and, after [`Diagnostics::deny`], errors) the checks found.
    pub diagnostics: Diagnostics,
    /// How many record files the site has.
    pub records: usize,
    /// SHA-256 of each record file as read, by site-relative path (for the source digest).
    pub(crate) read_digests: std::collections::HashMap<String, [u8; 32]>,
}

impl Checked {
    /// The records dated after the as-of date, which no page, figure or check includes, in a
    /// line for the terminal: "2 records dated after 2026-11-20 are not shown: A-2026-049,
    /// NC-2026-014". `None` when there are none.
    pub fn later_note(&self) -> Option<String> {
        let later = &self.site.later;
        let (first, rest) = later.split_at(later.len().min(5));
        let more = if rest.is_empty() { String::new() } else { format!(" and {} more", rest.len()) };
        let why = match self.site.config.as_of {
            Some(d) if d == self.site.as_of => format!("site.toml sets as_of = {d}; remove it to judge as of today"),
            _ => "records count from their date on: raised, held or started".to_string(),
        };
        (!later.is_empty()).then(|| {
            format!(
                "{} dated after {} {} not shown: {}{more} ({why})",
                count(later.len(), "record"),
                self.site.as_of,
                if later.len() == 1 { "is" } else { "are" },
                first.join(", "),
            )
        })
    }

    /// The date statuses and figures are computed as of.
    pub fn as_of(&self) -> Date {
        self.site.as_of
    }

    /// The audience the site was published for.
    pub fn audience(&self) -> &str {
        &self.site.audience_name
    }

    /// Every figure of the metrics stage as text, for comparing two builds (figures never
    /// depend on the audience).
    pub fn figures_text(&self) -> String {
        let f = &self.figures;
        let carry: std::collections::BTreeMap<&String, &usize> = f.carry_over.iter().collect();
        format!(
            "periods {:?}\nmetrics {:?}\nseries {:?}\ncarry-over {carry:?}\nevidence {:?}\nfindings {:?}\ndashboard {:?}",
            f.periods, f.metrics, f.series, f.evidence, f.findings, f.dashboard
        )
    }

    /// Broken links in the built files, judged against what this edition copies.
    pub fn link_problems(&self, files: &[OutputFile]) -> Vec<LinkProblem> {
        linkcheck::check_site(&self.published, files)
    }
}

/// load → parse → model: every check, no output.
pub fn check(opts: &Options) -> Result<Checked, Failure> {
    check_with(opts, None)
}

/// [`check`], reusing the reads and the parse of files unchanged since the build that filled
/// `cache`.
fn check_with(opts: &Options, cache: Option<&PageCache>) -> Result<Checked, Failure> {
    let t = Instant::now();
    let config = match config::load(&opts.root) {
        Ok(c) => c,
        Err(config::LoadError::Io(e)) => return Err(Failure::Fatal(e)),
        Err(config::LoadError::Content(d)) => return Err(Failure::Content(d.sorted())),
    };
    if config.audience(&opts.audience).is_none() {
        let names: Vec<&str> = config.audiences.keys().map(String::as_str).collect();
        return Err(Failure::Fatal(format!(
            "unknown audience `{}`: site.toml defines {} (add [audiences.{}] to define it)",
            opts.audience,
            names.join(", "),
            opts.audience
        )));
    }
    progress::stage("reading the files");
    let (loaded, mut diags) =
        load::load_with(&opts.root, cache.map(|c| &c.read)).map_err(|e| Failure::Fatal(e.to_string()))?;
    log_stage("load", t);
    progress::stage(&format!("parsing {}", count(loaded.sources.len(), "file")));
    let t = Instant::now();
    let (parsed, parse_diags) = parse::parse(&loaded, cache.map(|c| &c.parsed));
    diags.extend(parse_diags.0);
    log_stage("parse", t);
    let t = Instant::now();
    let as_of = opts.as_of.or(config.as_of).unwrap_or_else(Date::today);
    let records = loaded.sources.iter().filter(|s| s.kind != crate::record::Kind::Home).count();
    progress::stage(&format!("checking {}", count(records, "record")));
    let (site, model_diags) = model::build(config, parsed, &loaded, as_of, &opts.audience);
    diags.extend(model_diags.0);
    log_stage("model", t);
    let site = match site {
        Some(site) if !diags.has_errors() => site,
        _ => return Err(Failure::Content(diags.sorted())),
    };
    let t = Instant::now();
    progress::stage("computing the figures");
    let figures = metrics::compute(&site);
    let warnings = warnings::check(&site, &figures);
    diags.extend(warnings.diagnostics.iter().cloned());
    log_stage("metrics", t);
    let t = Instant::now();
    let published = model::publish(&site, &loaded, &figures);
    log_stage("publish", t);
    let read_digests = loaded.digests;
    Ok(Checked { site, published, figures, warnings, diagnostics: diags.sorted(), records, read_digests })
}

/// check → render: the whole site in memory.
pub fn build(opts: &Options, render_opts: &render::RenderOptions) -> Result<(Checked, Vec<OutputFile>), Failure> {
    // git history is read on a thread of its own while the checks run: it needs nothing
    // from them until the approval commits are looked up.
    let pending = render_opts.provenance.then(|| history::start(&opts.root, render_opts.history));
    let mut checked = check_with(opts, render_opts.cache.as_deref())?;
    if let Some(pending) = pending {
        let t = Instant::now();
        checked.published.provenance =
            provenance::finish(pending, &opts.root, &checked.site, &checked.read_digests).map_err(Failure::Fatal)?;
        log_stage("provenance (after the checks)", t);
    }
    let t = Instant::now();
    progress::stage("rendering the pages");
    let files = render::render(&checked.published, &checked.figures, &checked.warnings, &opts.root, render_opts)
        .map_err(|e| Failure::Render(e.0))?;
    log_stage("render", t);
    let checked = if render_opts.skip_link_check {
        checked
    } else {
        let t = Instant::now();
        progress::stage(&format!("checking the links of {}", count(files.len(), "file")));
        let checked = verify_links(checked, &files)?;
        log_stage("linkcheck", t);
        checked
    };
    Ok((checked, files))
}

/// The build checks its own output: a broken internal link is a warning (it comes from quorum or
/// from a template, not from a record, whose links are checked at their line), and in debug
/// builds a failure, so every test that builds a site catches it.
fn verify_links(mut checked: Checked, files: &[OutputFile]) -> Result<Checked, Failure> {
    let problems = linkcheck::check_site(&checked.published, files);
    if problems.is_empty() {
        return Ok(checked);
    }
    if cfg!(debug_assertions) {
        let list: Vec<String> = problems.iter().map(|p| format!("\n  {p}")).collect();
        return Err(Failure::Render(format!("the built site has broken internal links:{}", list.concat())));
    }
    for p in problems {
        checked.diagnostics.push(
            diagnostics::Diagnostic::file(
                "broken-output-link",
                &p.file,
                format!("in the built page: `{}` {}", p.link, p.reason),
            )
            .warning(diagnostics::WarningClass::Content)
            .hint("a template or quorum made this link; check site templates, else please report it"),
        );
    }
    Ok(checked)
}

/// Prints how long a stage took when `QUORUM_LOG=debug`.
pub fn log_stage(stage: &str, t: Instant) {
    if std::env::var_os("QUORUM_LOG").is_some_and(|v| v == "debug") {
        eprintln!("debug: {stage} took {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    }
}

/// Prints a line when `QUORUM_LOG=debug`.
pub fn debug(line: &str) {
    if std::env::var_os("QUORUM_LOG").is_some_and(|v| v == "debug") {
        eprintln!("debug: {line}");
    }
}

/// The output folder: `--output-dir`, else `public/` in the site.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}

/// "1 record", "2 records": a count with its noun, singular after exactly one.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
