//! quorum: a static-site generator for information-security governance records.
//!
//! The build is one pass through stages, each a module with a data type at its boundary:
//! [`load`] → [`parse`] → [`model`] (checks) → [`metrics`] (figures, from every record) →
//! [`model::publish`] (what the audience may see, as of the date) → [`render`] → [`write`].

// A diagnostic is the error path of every content stage and is cheap next to file I/O;
// boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod chart;
pub mod config;
pub mod context;
pub mod date;
pub mod diagnostics;
pub mod escape;
pub mod evidence;
pub mod example;
pub mod export;
pub mod fingerprint;
pub mod framework;
pub mod linkcheck;
pub mod load;
pub mod markdown;
pub mod metrics;
pub mod model;
pub mod output;
pub mod parse;
pub mod record;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site_map;
pub mod theme;
pub mod warnings;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::Instant;

use date::Date;
use diagnostics::Diagnostics;

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
    pub site: model::Site,
    /// What the audience may see: the only input of the render side.
    pub published: model::Published,
    pub figures: metrics::Figures,
    pub warnings: warnings::Warnings,
    pub diagnostics: Diagnostics,
    pub records: usize,
}

/// load → parse → model: every check, no output.
pub fn check(opts: &Options) -> Result<Checked, Failure> {
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
    let (loaded, mut diags) = load::load(&opts.root).map_err(|e| Failure::Fatal(e.to_string()))?;
    log_stage("load", t);
    let t = Instant::now();
    let (parsed, parse_diags) = parse::parse(&loaded);
    diags.extend(parse_diags.0);
    log_stage("parse", t);
    let t = Instant::now();
    let as_of = opts.as_of.or(config.as_of).unwrap_or_else(Date::today);
    let records = loaded.sources.iter().filter(|s| s.kind != crate::record::Kind::Home).count();
    let (site, model_diags) = model::build(config, parsed, &loaded, as_of, &opts.audience);
    diags.extend(model_diags.0);
    log_stage("model", t);
    let site = match site {
        Some(site) if !diags.has_errors() => site,
        _ => return Err(Failure::Content(diags.sorted())),
    };
    let t = Instant::now();
    let figures = metrics::compute(&site);
    let warnings = warnings::check(&site, &figures);
    diags.extend(warnings.diagnostics.iter().cloned());
    log_stage("metrics", t);
    let t = Instant::now();
    let published = model::publish(&site, &loaded);
    log_stage("publish", t);
    Ok(Checked { site, published, figures, warnings, diagnostics: diags.sorted(), records })
}

/// check → render: the whole site in memory.
pub fn build(
    opts: &Options,
    render_opts: &render::RenderOptions,
) -> Result<(Checked, Vec<render::OutputFile>), Failure> {
    let checked = check(opts)?;
    let t = Instant::now();
    let files = render::render(&checked.published, &checked.figures, &checked.warnings, &opts.root, render_opts)
        .map_err(|e| Failure::Render(e.0))?;
    log_stage("render", t);
    let checked = if render_opts.skip_link_check {
        checked
    } else {
        let t = Instant::now();
        let checked = verify_links(checked, &files)?;
        log_stage("linkcheck", t);
        checked
    };
    Ok((checked, files))
}

/// The build checks its own output: a broken internal link is a warning (it comes from quorum or
/// from a template, not from a record, whose links are checked at their line), and in debug
/// builds a failure, so every test that builds a site catches it.
fn verify_links(mut checked: Checked, files: &[render::OutputFile]) -> Result<Checked, Failure> {
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

/// The output folder: `--output-dir`, else `public/` in the site.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}
