//! quorum: a static-site generator for information-security governance records.
//!
//! The build is one pass through stages, each a module with a data type at its boundary:
//! [`load`] → [`parse`] → [`model`] → [`metrics`] → [`render`] → [`write`].

// A diagnostic is the error path of every content stage and is cheap next to file I/O;
// boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod context;
pub mod date;
pub mod diagnostics;
pub mod example;
pub mod export;
pub mod framework;
pub mod load;
pub mod markdown;
pub mod metrics;
pub mod model;
pub mod parse;
pub mod record;
pub mod render;
pub mod theme;
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

/// The checked site model and what the checks found (warnings only).
pub struct Checked {
    pub site: model::Site,
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
    let (loaded, mut diags) = load::load(&opts.root).map_err(Failure::Fatal)?;
    log_stage("load", t);
    let t = Instant::now();
    let (parsed, parse_diags) = parse::parse(&loaded);
    diags.extend(parse_diags.0);
    log_stage("parse", t);
    let t = Instant::now();
    let as_of = opts.as_of.or(config.as_of).unwrap_or_else(Date::today);
    let records = loaded.sources.iter().filter(|s| s.kind != load::Kind::Home).count();
    let (site, model_diags) = model::build(config, parsed, &loaded, as_of, &opts.audience);
    diags.extend(model_diags.0);
    log_stage("model", t);
    match site {
        Some(site) if !diags.has_errors() => Ok(Checked { site, diagnostics: diags.sorted(), records }),
        _ => Err(Failure::Content(diags.sorted())),
    }
}

/// check → render: the whole site in memory.
pub fn build(
    opts: &Options,
    render_opts: &render::RenderOptions,
) -> Result<(Checked, Vec<render::OutputFile>), Failure> {
    let checked = check(opts)?;
    let t = Instant::now();
    let files = render::render(&checked.site, &opts.root, render_opts).map_err(|e| Failure::Render(e.0))?;
    log_stage("render", t);
    Ok((checked, files))
}

fn log_stage(stage: &str, t: Instant) {
    if std::env::var_os("QUORUM_LOG").is_some_and(|v| v == "debug") {
        eprintln!("debug: {stage} took {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    }
}

/// The output folder: `--output-dir`, else `public/` in the site.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}
