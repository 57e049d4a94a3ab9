//! The published view and the figures → output files in memory: every page through Tera
//! (rayon over pages), Markdown bodies with links resolved, static files, attachments, exports
//! and `SHA256SUMS`. The page table comes from [`crate::site_map`].

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::context as ctx;
use crate::fingerprint::{Key, Part, Strong, fingerprint, fingerprint_strong};
use crate::markdown;
use crate::metrics::Figures;
use crate::model::{Published, Shown, shown, shown_at};
use crate::output::OutputFile;
use crate::output::sha256sums;
use crate::record::Kind;
use crate::site_map;
use crate::warnings::Warnings;

mod cache;
mod files;
mod links;
mod pages;
mod previous;

pub use cache::PageCache;
use files::{assets, error_chain, search_index, static_files, templates};
use links::Links;
use pages::Empty;
pub use previous::Previous;

/// Render settings that are not part of the content.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// Overrides `base_url` of site.toml (feeds and canonical links only).
    pub base_url: Option<String>,
    /// Serve mode: pages get the reload script.
    pub serve: bool,
    /// Remembers each page's HTML by a fingerprint of everything its template sees, so a
    /// rebuild (serve) skips the template for pages whose inputs are unchanged.
    pub cache: Option<std::sync::Arc<PageCache>>,
    /// `quorum build`: the record pages of the previous output, reused where their inputs
    /// are unchanged and the file there, read now, is what was written (`Previous`).
    pub previous: Option<std::sync::Arc<Previous>>,
    /// Skip the check of the output's own links (serve: the same pages were checked by
    /// `build` and `check`, and the preview should update as fast as it can).
    pub skip_link_check: bool,
    /// Read where the copy comes from: the source digest for the About page and, with
    /// `history`, the git history of every record (`quorum build`; not the preview).
    pub provenance: bool,
    /// With `provenance`: list the commits that changed each record (`--no-history` turns
    /// it off).
    pub history: bool,
}

/// A rendering failure: a template error or an unreadable file.
#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Serialize)]
struct NavItem {
    label: String,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct Crumb {
    label: String,
    href: String,
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    organization: Option<&'a str>,
    as_of: String,
    audience: &'a str,
    redacted: bool,
    generator: &'static str,
    /// The management system of the site's framework ("ISMS", "AIMS"), for labels.
    system: String,
    /// The commit this copy was built from, for the footer.
    source: Option<ctx::SourceCtx>,
    /// `[extra]` of site.toml, for site templates.
    extra: serde_json::Value,
}

/// What a record page (not a review's) is made from, fingerprinted without computing it:
/// every value and template shared by all pages, the record's own file, the files of every
/// record it links or names and of every record that mentions it, its checks, its history,
/// its system. The record pages are what a 10,000-record site is mostly made of, and most
/// are untouched by one edit. Reviews, registers and the other pages read figures of the
/// whole site, so they are always computed (and only their template run is skipped).
/// tests/integration/cache.rs compares cached builds with fresh ones after random edits.
///
/// The keys are SHA-256 (`Strong`): `quorum build` keeps them between builds
/// (`.NAME.quorum-cache/pages`), and a key that someone could make collide would let a page
/// made from one version of a record stand for another.
struct Quick {
    /// The shared seed, the whole configuration, the files the site copies, the record
    /// files' names and the owners: what any record page may read.
    global: Key,
    /// Lower-cased ID → fingerprint of the record's file text.
    texts: HashMap<String, Key>,
}

impl Quick {
    fn new(site: &Published, seed: Key) -> Quick {
        use std::hash::Hash;
        let mut h = Strong::default();
        seed.hash(&mut h);
        format!("{:?}", site.config).hash(&mut h);
        site.redacted.hash(&mut h);
        site.assets.hash(&mut h);
        let mut files: Vec<(&String, &String)> = site.record_files.iter().collect();
        files.sort();
        files.hash(&mut h);
        for (key, owner) in &site.owners {
            (key, &owner.name).hash(&mut h);
        }
        let texts = (site.sources.par_iter())
            .map(|(id, src)| {
                let mut h = Strong::default();
                src.file.hash(&mut h);
                src.text.hash(&mut h);
                (id.clone(), h.key())
            })
            .collect();
        Quick { global: h.key(), texts }
    }

    /// The page path and its key, for a record page that is not a review's.
    fn key(&self, r: &Renderer, job: Job) -> Option<(String, Key)> {
        use std::hash::{Hash, Hasher};
        let Job::Record(kind, i) = job else { return None };
        let site = r.site;
        let mut named: Vec<String> = Vec::new();
        let name = |v: &toml::Spanned<String>| v.get_ref().split('#').next().unwrap_or_default().to_lowercase();
        let (id, scan, files) = match kind {
            Kind::Review | Kind::Home => return None,
            Kind::Action => {
                let x = site.actions.get(i)?.shown()?;
                named.extend(x.fm.origin.iter().map(name));
                (&x.id, &x.scan, site.files_of(kind, i))
            }
            Kind::Nonconformity => {
                let x = site.nonconformities.get(i)?.shown()?;
                named.extend(x.fm.actions.iter().chain(&x.fm.repeat_of).chain(&x.fm.audit).map(name));
                (&x.id, &x.scan, site.files_of(kind, i))
            }
            Kind::Objective => {
                let x = site.objectives.get(i)?.shown()?;
                (&x.id, &x.scan, site.files_of(kind, i))
            }
            Kind::Audit => {
                let x = site.audits.get(i)?.shown()?;
                named.extend(site.findings.get(i)?.iter().map(|&n| site.nonconformities[n].id().to_lowercase()));
                (&x.id, &x.scan, site.files_of(kind, i))
            }
            Kind::Page => {
                let x = site.pages.get(i)?.shown()?;
                (&x.id, &x.scan, site.files_of(kind, i))
            }
        };
        let own = id.to_lowercase();
        named.extend(scan.wikilinks.iter().map(|w| w.target.split('#').next().unwrap_or_default().to_lowercase()));
        let backlinks = site.backlinks.get(&own);
        named.extend(backlinks.into_iter().flatten().map(|b| b.from.to_lowercase()));
        named.sort();
        named.dedup();
        let mut h = Strong::default();
        self.global.hash(&mut h);
        (kind.label(), i, id).hash(&mut h);
        self.texts.get(&own).hash(&mut h);
        for n in &named {
            (n, self.texts.get(n)).hash(&mut h);
        }
        format!("{backlinks:?}").hash(&mut h);
        format!("{:?}", site.backlinks_withheld.get(&own)).hash(&mut h);
        format!("{:?}", r.warnings.of(id)).hash(&mut h);
        site.systems.name(site.systems.of(kind, i)).hash(&mut h);
        files.hash(&mut h);
        let history = ctx::history_of(site, &files.iter().map(String::as_str).collect::<Vec<_>>());
        h.write(&serde_json::to_vec(&history).unwrap_or_default());
        if kind == Kind::Audit {
            format!("{:?}", r.figures.audit_quotes.get(i)).hash(&mut h);
        }
        Some((site_map::href(kind, id), h.key()))
    }
}

/// Every page the site has, before rendering.
#[derive(Clone, Copy)]
enum Job {
    Section(&'static site_map::Section),
    Record(Kind, usize),
    /// The page of the i-th owner of `Published::owners`.
    Owner(usize),
    /// The evidence page of the i-th enabled crosswalk.
    Crosswalk(usize),
}

/// Template values every page shares, converted once per build.
struct Shared {
    /// Fingerprint of the templates and of every value below: the seed of page-cache keys.
    seed: u64,
    site: tera::Value,
    nav: HashMap<&'static str, tera::Value>,
    nav_pages: tera::Value,
}

struct Renderer<'a> {
    shared: Shared,
    /// With a page cache: what tells, before a record page is computed, that it is the same.
    quick: Option<Quick>,
    /// With the previous output: the seed of the strong keys of the other pages' contexts.
    strong_seed: Option<Key>,
    site: &'a Published,
    figures: &'a Figures,
    warnings: &'a Warnings,
    tera: tera::Tera,
    opts: &'a RenderOptions,
    site_ctx: SiteCtx<'a>,
    nav_pages: Vec<(String, String)>,
}

/// Renders the whole site into memory, sorted by path.
pub(crate) fn render(
    site: &Published,
    figures: &Figures,
    warnings: &Warnings,
    root: &Path,
    opts: &RenderOptions,
) -> Result<Vec<OutputFile>, RenderError> {
    let (tera, templates_fp, templates_key) = templates(root, &site.config.theme)?;
    let r = Renderer::new(site, figures, warnings, tera, (templates_fp, templates_key), opts);
    let t = std::time::Instant::now();
    let mut files: Vec<OutputFile> = jobs(site).par_iter().map(|job| r.page(*job)).collect::<Result<_, _>>()?;
    crate::log_stage("render: pages", t);
    let t = std::time::Instant::now();
    if let Some(cache) = &opts.cache {
        cache.retain(&files.iter().map(|f| f.path.as_str()).collect());
        if std::env::var_os("QUORUM_LOG").is_some_and(|v| v == "debug") {
            eprintln!("debug: page cache: {} pages reused in total", cache.hits());
        }
    }
    files.extend(static_files(root, &site.config.theme)?);
    files.extend(assets(site)?);
    files.extend(crate::export::exports(site, figures, opts.base_url.as_deref()));
    files.push(search_index(site));
    crate::log_stage("render: files, exports, search index", t);
    let t = std::time::Instant::now();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|later, earlier| later.path == earlier.path);
    let sums = match (&opts.cache, &opts.previous) {
        (Some(cache), _) => {
            let sums = crate::output::sha256sums_with(&files, |f| cache.digest(f));
            cache.keep_digests(&files, &sums.bytes);
            sums
        }
        (None, Some(previous)) => crate::output::sha256sums_with(&files, |f| previous.digest(f)),
        (None, None) => sha256sums(&files),
    };
    files.push(sums);
    crate::log_stage("render: SHA256SUMS", t);
    Ok(files)
}

/// Every page of the site: the section pages of the site map, then each shown record's page.
fn jobs(site: &Published) -> Vec<Job> {
    let mut jobs: Vec<Job> = site_map::SECTIONS.iter().map(Job::Section).collect();
    jobs.extend(shown_at(&site.reviews).map(|(i, _)| Job::Record(Kind::Review, i)));
    jobs.extend(shown_at(&site.actions).map(|(i, _)| Job::Record(Kind::Action, i)));
    jobs.extend(shown_at(&site.nonconformities).map(|(i, _)| Job::Record(Kind::Nonconformity, i)));
    jobs.extend(shown_at(&site.objectives).map(|(i, _)| Job::Record(Kind::Objective, i)));
    jobs.extend(shown_at(&site.audits).map(|(i, _)| Job::Record(Kind::Audit, i)));
    jobs.extend(shown_at(&site.pages).map(|(i, _)| Job::Record(Kind::Page, i)));
    jobs.extend((0..site.owners.len()).map(Job::Owner));
    jobs.extend((0..site.config.crosswalks.len()).map(Job::Crosswalk));
    jobs
}

/// One page before its template runs.
struct PageSpec {
    path: String,
    template: &'static str,
    section: &'static str,
    title: String,
    crumbs: Vec<Crumb>,
    data: Box<dyn Part>,
    notices: Vec<crate::warnings::Notice>,
    /// The withheld records and parts that mention this one, by kind.
    backlinks_withheld: crate::model::LeftOut,
    /// A record page's git history, when the build reads it.
    history: Option<ctx::HistoryCtx>,
}

impl<'a> Renderer<'a> {
    /// The renderer with the values every page shares converted once.
    fn new(
        site: &'a Published,
        figures: &'a Figures,
        warnings: &'a Warnings,
        tera: tera::Tera,
        (templates_fp, templates_key): (u64, Key),
        opts: &'a RenderOptions,
    ) -> Renderer<'a> {
        let mut r = Renderer {
            shared: Shared { seed: 0, site: tera::Value::none(), nav: HashMap::new(), nav_pages: tera::Value::none() },
            quick: None,
            strong_seed: None,
            site,
            figures,
            warnings,
            tera,
            opts,
            site_ctx: SiteCtx {
                title: &site.config.title,
                organization: site.config.organization.as_deref(),
                as_of: site.as_of.to_string(),
                audience: &site.audience_name,
                redacted: site.redacted,
                generator: concat!("quorum ", env!("CARGO_PKG_VERSION")),
                system: (site.config.framework(&site.config.framework))
                    .map_or_else(|| "ISMS".to_string(), |f| f.system_name().to_string()),
                source: ctx::source(site),
                extra: (site.config.extra.as_ref())
                    .map_or(serde_json::Value::Null, |t| crate::output::toml_to_json(&toml::Value::Table(t.clone()))),
            },
            nav_pages: shown(&site.pages)
                .filter(|p| p.fm.weight.is_some())
                .map(|p| (p.fm.title.clone(), site_map::href(Kind::Page, &p.id)))
                .collect(),
        };
        r.shared.site = tera::Value::from_serializable(&r.site_ctx);
        for section in site_map::SECTIONS.iter().map(|s| s.key).chain([""]) {
            r.shared.nav.insert(section, tera::Value::from_serializable(&r.nav(section)));
        }
        let pages: Vec<NavItem> =
            r.nav_pages.iter().map(|(t, h)| NavItem { label: t.clone(), href: h.clone(), current: false }).collect();
        r.shared.nav_pages = tera::Value::from_serializable(&pages);
        let mut navs: Vec<(&&str, &tera::Value)> = r.shared.nav.iter().collect();
        navs.sort_by_key(|(k, _)| **k);
        r.shared.seed = fingerprint(templates_fp, &[&r.shared.site, &navs, &r.shared.nav_pages, &opts.serve]);
        if opts.cache.is_some() || opts.previous.is_some() {
            // The same values as the seed, with the strong hash.
            let mut h = Strong::default();
            std::hash::Hasher::write(&mut h, &templates_key);
            let shared = (&r.shared.site, &navs, &r.shared.nav_pages, opts.serve, env!("CARGO_PKG_VERSION"));
            std::hash::Hasher::write(&mut h, &serde_json::to_vec(&shared).unwrap_or_default());
            let seed = h.key();
            r.quick = Some(Quick::new(site, seed));
            r.strong_seed = Some(seed);
        }
        r
    }
}

impl Renderer<'_> {
    /// One page: its data, then the template (or the page cache, when nothing it sees changed).
    fn page(&self, job: Job) -> Result<OutputFile, RenderError> {
        // A record page whose inputs are all unchanged is reused before its data is computed.
        let quick = self.quick.as_ref().and_then(|q| q.key(self, job));
        if let Some((path, key)) = &quick {
            if let Some(previous) = &self.opts.previous {
                previous.note(path, *key);
            }
            if let Some(bytes) = (self.opts.cache.as_ref().and_then(|c| c.get_quick(path, *key)))
                .or_else(|| self.opts.previous.as_ref().and_then(|p| p.get(path, *key)))
            {
                return Ok(OutputFile { path: path.clone(), bytes });
            }
        }
        let file = self.page_from_spec(job, quick.is_none())?;
        if let (Some(cache), Some((path, key))) = (&self.opts.cache, &quick) {
            cache.put_quick(path, *key, &file.bytes);
        }
        Ok(file)
    }

    /// One page from its data, through the template or the page cache; with `by_context`, a
    /// page without a quick key, also from the previous output when its whole template
    /// context is what made the page there (reviews, registers and the other whole-site
    /// pages: most are unchanged by one edit, though all their data is computed).
    fn page_from_spec(&self, job: Job, by_context: bool) -> Result<OutputFile, RenderError> {
        let spec = self.spec(job)?;
        let canonical = self.canonical(&spec.path);
        let s = &spec;
        let parts: [&dyn Part; 10] = [
            &s.template,
            &s.path,
            &s.title,
            &s.section,
            &s.crumbs,
            &canonical,
            &*s.data,
            &s.notices.as_slice(),
            &s.backlinks_withheld,
            &s.history,
        ];
        let key = self.opts.cache.as_ref().map(|_| fingerprint(self.shared.seed, &parts));
        if let (Some(cache), Some(key)) = (&self.opts.cache, key)
            && let Some(bytes) = cache.get(&spec.path, key)
        {
            return Ok(OutputFile { path: spec.path, bytes });
        }
        if by_context && let (Some(previous), Some(seed)) = (&self.opts.previous, &self.strong_seed) {
            let strong = fingerprint_strong(seed, &parts);
            previous.note(&spec.path, strong);
            if let Some(bytes) = previous.get(&spec.path, strong) {
                return Ok(OutputFile { path: spec.path, bytes });
            }
        }
        let (path, template) = (&spec.path, spec.template);
        let html = self
            .tera
            .render(template, &self.context(&spec))
            .map_err(|e| RenderError(format!("cannot render {path} with template {template}: {}", error_chain(&e))))?;
        let bytes = bytes::Bytes::from(html.into_bytes());
        if let (Some(cache), Some(key)) = (&self.opts.cache, key) {
            cache.put(path, key, &bytes);
        }
        Ok(OutputFile { path: spec.path, bytes })
    }

    /// What a page is: its path, template, navigation section, title, crumbs and data.
    fn spec(&self, job: Job) -> Result<PageSpec, RenderError> {
        let site = self.site;
        Ok(match job {
            Job::Section(sec) => PageSpec {
                path: sec.path.to_string(),
                template: sec.template,
                section: sec.key,
                title: if sec.title.is_empty() { site.config.title.clone() } else { sec.title.to_string() },
                crumbs: vec![],
                data: self.section(sec),
                notices: Vec::new(),
                backlinks_withheld: crate::model::LeftOut::default(),
                history: None,
            },
            Job::Record(kind, i) => {
                let (id, title, data) = self.record(kind, i)?;
                let list = site_map::register(kind);
                PageSpec {
                    path: site_map::href(kind, &id),
                    template: site_map::record_template(kind),
                    section: list.map_or("", |l| l.key),
                    title: format!("{id} {title}"),
                    crumbs: list.map(|l| Crumb { label: l.title.into(), href: l.path.into() }).into_iter().collect(),
                    data,
                    notices: self.warnings.of(&id).to_vec(),
                    backlinks_withheld: site.backlinks_withheld.get(&id.to_lowercase()).cloned().unwrap_or_default(),
                    history: ctx::history_of(
                        site,
                        &site.files_of(kind, i).iter().map(String::as_str).collect::<Vec<_>>(),
                    ),
                }
            }
            Job::Crosswalk(i) => {
                let gone = || RenderError(format!("crosswalk {i} is not evaluated"));
                let ev = self.figures.crosswalks.get(i).ok_or_else(gone)?;
                PageSpec {
                    path: ctx::crosswalks::page_href(&ev.name),
                    template: "crosswalk.html",
                    section: "evidence",
                    title: format!("{} evidence", ev.crosswalk.title),
                    crumbs: vec![Crumb { label: "Clause 9.3 evidence".into(), href: "evidence/index.html".into() }],
                    data: Box::new(ctx::crosswalks::page(site, ev)),
                    notices: Vec::new(),
                    backlinks_withheld: crate::model::LeftOut::default(),
                    history: None,
                }
            }
            Job::Owner(i) => {
                let gone = || RenderError(format!("owner {i} is not in the site"));
                let (key, owner) = site.owners.iter().nth(i).ok_or_else(gone)?;
                PageSpec {
                    path: site_map::owner_href(key),
                    template: "owner.html",
                    section: "owners",
                    title: owner.name.clone(),
                    crumbs: vec![Crumb { label: "Owners".into(), href: "owners/index.html".into() }],
                    data: Box::new(ctx::owner_page(site, key, owner)),
                    notices: Vec::new(),
                    backlinks_withheld: crate::model::LeftOut::default(),
                    history: None,
                }
            }
        })
    }

    /// The template context of a page: the shared values (converted once, cloned by Arc), the
    /// navigation with the current entry marked, and the page's own data.
    fn context(&self, spec: &PageSpec) -> tera::Context {
        let path = &spec.path;
        let mut context = tera::Context::new();
        context.insert_value("site", self.shared.site.clone());
        context.insert("root", &"../".repeat(path.matches('/').count()));
        context.insert("path", path);
        context.insert("title", &spec.title);
        // The running footer and header of a printed page (CSS @page margin boxes), as CSS
        // strings: the page's ID and title, and the date its statuses hold on.
        context.insert("print_footer", &crate::escape::css_string(&spec.title));
        context.insert("print_header", &crate::escape::css_string(&format!("Status as of {}", self.site.as_of)));
        context.insert("section", spec.section);
        match self.shared.nav.get(spec.section) {
            Some(v) => context.insert_value("nav", v.clone()),
            None => context.insert("nav", &self.nav(spec.section)),
        }
        if self.nav_pages.iter().any(|(_, h)| h == path) {
            let items: Vec<NavItem> = (self.nav_pages.iter())
                .map(|(t, h)| NavItem { label: t.clone(), href: h.clone(), current: h == path })
                .collect();
            context.insert("nav_pages", &items);
        } else {
            context.insert_value("nav_pages", self.shared.nav_pages.clone());
        }
        context.insert("crumbs", &spec.crumbs);
        context.insert("canonical", &self.canonical(path));
        context.insert("serve", &self.opts.serve);
        context.insert_value("page", spec.data.to_value());
        context.insert("notices", &spec.notices);
        context.insert("backlinks_withheld", &spec.backlinks_withheld.count());
        context.insert("backlinks_withheld_text", &spec.backlinks_withheld);
        context.insert("history", &spec.history);
        context
    }

    fn canonical(&self, path: &str) -> Option<String> {
        let base = self.opts.base_url.as_ref().or(self.site.config.base_url.as_ref())?;
        let page = path.strip_suffix("index.html").unwrap_or(path);
        Some(format!("{}/{page}", crate::escape::uri(base.trim_end_matches('/'))))
    }

    fn nav(&self, section: &str) -> Vec<NavItem> {
        (site_map::SECTIONS.iter())
            .filter(|s| !s.nav.is_empty())
            .map(|s| NavItem { label: s.nav.into(), href: s.path.into(), current: s.key == section })
            .collect()
    }

    /// The data of a section page.
    fn section(&self, sec: &site_map::Section) -> Box<dyn Part> {
        match (sec.key, sec.kind) {
            (_, Some(kind)) => self.list(kind),
            ("home", _) => Box::new(self.home()),
            ("trends", _) => Box::new(self.trends()),
            ("evidence", _) => Box::new(crate::evidence::matrix(self.site, self.figures)),
            ("about", _) => Box::new(ctx::about_page(self.site)),
            ("owners", _) => Box::new(ctx::owners_page(self.site)),
            _ => Box::new(Empty {}),
        }
    }

    fn body<T>(&self, rec: &Shown<T>, kind: Kind) -> String {
        let depth = site_map::href(kind, &rec.id).matches('/').count();
        let links = Links {
            site: self.site,
            dir: &rec.dir,
            root: "../".repeat(depth),
            panels: HashMap::new(),
            headings: &rec.scan.headings,
            at: None,
        };
        with_cut_sections(markdown::render(&rec.body, &links), rec)
    }
}

/// A body's HTML, ending with a line on the `.confidential` sections this edition cut from
/// it: a gap an auditor can see, not a silent one.
fn with_cut_sections<T>(mut html: String, rec: &Shown<T>) -> String {
    if !rec.sections_withheld.is_empty() {
        html.push_str(&format!("<p class=\"withheld\">{} from this edition.</p>\n", rec.sections_withheld.text()));
    }
    html
}
