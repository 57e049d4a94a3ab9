//! [`Site`] → output files in memory: every page through Tera (rayon over pages), Markdown
//! bodies with links resolved, static files, attachments, exports and `SHA256SUMS`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::context::{self as ctx, Ref};
use crate::fingerprint::{Part, fingerprint};
use crate::markdown::{self, Resolver, WikiTarget};
use crate::metrics::Figures;
use crate::model::{Published, Shown, normalize_local, shown, shown_at, withheld};
pub(crate) use crate::output::OutputFile;
use crate::output::sha256sums;
use crate::record::Kind;
use crate::site_map;
use crate::warnings::Warnings;

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
    /// Skip the check of the output's own links (serve: the same pages were checked by
    /// `build` and `check`, and the preview should update as fast as it can).
    pub skip_link_check: bool,
}

/// Page HTML by output path, with the fingerprint of the template inputs that made it. This
/// is memoisation, not an incremental build: every page's context is computed afresh on
/// every build, and only the template run is skipped when that context (and the templates
/// themselves) are byte-for-byte what they were.
#[derive(Default)]
pub struct PageCache {
    pages: std::sync::Mutex<HashMap<String, (u64, Vec<u8>)>>,
    hits: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.pages.lock().map_or(0, |p| p.len());
        write!(f, "PageCache({n} pages)")
    }
}

impl PageCache {
    fn get(&self, path: &str, key: u64) -> Option<Vec<u8>> {
        let pages = self.pages.lock().ok()?;
        let html = pages.get(path).filter(|(k, _)| *k == key).map(|(_, html)| html.clone())?;
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(html)
    }

    /// How many pages were reused, over the cache's life.
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn put(&self, path: &str, key: u64, html: &[u8]) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.insert(path.to_string(), (key, html.to_vec()));
        }
    }

    /// Forgets pages the latest build did not write.
    fn retain(&self, written: &std::collections::HashSet<&str>) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.retain(|path, _| written.contains(path.as_str()));
        }
    }
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
    /// `[extra]` of site.toml, for site templates.
    extra: serde_json::Value,
}

/// Every page the site has, before rendering.
#[derive(Clone, Copy)]
enum Job {
    Section(&'static site_map::Section),
    Record(Kind, usize),
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
    let (tera, templates_fp) = templates(root, &site.config.theme)?;
    let mut r = Renderer {
        shared: Shared { seed: 0, site: tera::Value::none(), nav: HashMap::new(), nav_pages: tera::Value::none() },
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
            extra: site
                .config
                .extra
                .as_ref()
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
    let navs: Vec<(&&str, &tera::Value)> = {
        let mut v: Vec<_> = r.shared.nav.iter().collect();
        v.sort_by_key(|(k, _)| **k);
        v
    };
    r.shared.seed = fingerprint(templates_fp, &[&r.shared.site, &navs, &r.shared.nav_pages, &opts.serve]);
    let r = r;
    let mut jobs: Vec<Job> = site_map::SECTIONS.iter().map(Job::Section).collect();
    jobs.extend(shown_at(&site.reviews).map(|(i, _)| Job::Record(Kind::Review, i)));
    jobs.extend(shown_at(&site.actions).map(|(i, _)| Job::Record(Kind::Action, i)));
    jobs.extend(shown_at(&site.nonconformities).map(|(i, _)| Job::Record(Kind::Nonconformity, i)));
    jobs.extend(shown_at(&site.objectives).map(|(i, _)| Job::Record(Kind::Objective, i)));
    jobs.extend(shown_at(&site.audits).map(|(i, _)| Job::Record(Kind::Audit, i)));
    jobs.extend(shown_at(&site.pages).map(|(i, _)| Job::Record(Kind::Page, i)));

    let mut files: Vec<OutputFile> = jobs.par_iter().map(|job| r.page(*job)).collect::<Result<_, _>>()?;
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
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|later, earlier| later.path == earlier.path);
    files.push(sha256sums(&files));
    Ok(files)
}

/// Theme templates, overridden file by file by the site's own `templates/`.
/// The templates, and a fingerprint of their sources (part of every page-cache key).
fn templates(root: &Path, theme: &str) -> Result<(tera::Tera, u64), RenderError> {
    let mut sources: BTreeMap<String, String> =
        crate::theme::TEMPLATES.iter().map(|(n, c)| (n.to_string(), c.to_string())).collect();
    let mut dirs = Vec::new();
    if theme != "default" {
        dirs.push(root.join("themes").join(theme).join("templates"));
    }
    dirs.push(root.join("templates"));
    for dir in dirs {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| RenderError(format!("cannot read {}: {e}", dir.display())))?;
            if !entry.file_type().is_file() || crate::load::ignored_name(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let name = crate::load::rel_path(&dir, entry.path());
            // Bounded and never blocking, like every read: a FIFO swapped in is refused.
            let bytes = crate::load::read_file(entry.path(), crate::load::MAX_RECORD_BYTES)
                .map_err(|e| RenderError(format!("cannot read template {}: {e}", entry.path().display())))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| RenderError(format!("template {} is not valid UTF-8", entry.path().display())))?;
            sources.insert(name, text);
        }
    }
    let mut tera = tera::Tera::new();
    tera.add_raw_templates(sources.iter().map(|(n, c)| (n.as_str(), c.as_str())))
        .map_err(|e| RenderError(format!("template error: {}", error_chain(&e))))?;
    Ok((tera, fingerprint(0, &[&sources])))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(&format!(": {c}"));
        cur = c.source();
    }
    s
}

impl Renderer<'_> {
    fn page(&self, job: Job) -> Result<OutputFile, RenderError> {
        let site = self.site;
        let mut notices: &[crate::warnings::Notice] = &[];
        let mut backlinks_withheld = 0;
        let (path, template, section, title, crumbs, data): (String, &str, &str, String, Vec<Crumb>, Box<dyn Part>) =
            match job {
                Job::Section(sec) => {
                    let data = self.section(sec);
                    let title = if sec.title.is_empty() { site.config.title.clone() } else { sec.title.to_string() };
                    (sec.path.to_string(), sec.template, sec.key, title, vec![], data)
                }
                Job::Record(kind, i) => {
                    let (id, title, data) = self.record(kind, i)?;
                    notices = self.warnings.of(&id);
                    backlinks_withheld = site.backlinks_withheld.get(&id.to_lowercase()).copied().unwrap_or(0);
                    let path = site_map::href(kind, &id);
                    let list = site_map::register(kind);
                    let crumbs =
                        list.map(|l| Crumb { label: l.title.into(), href: l.path.into() }).into_iter().collect();
                    (
                        path,
                        site_map::record_template(kind),
                        list.map_or("", |l| l.key),
                        format!("{id} {title}"),
                        crumbs,
                        data,
                    )
                }
            };
        let depth = path.matches('/').count();
        let root = "../".repeat(depth);
        let key = self.opts.cache.as_ref().map(|_| {
            let canonical = self.canonical(&path);
            fingerprint(
                self.shared.seed,
                &[&template, &path, &title, &section, &crumbs, &canonical, &*data, &notices, &backlinks_withheld],
            )
        });
        if let (Some(cache), Some(key)) = (&self.opts.cache, key)
            && let Some(bytes) = cache.get(&path, key)
        {
            return Ok(OutputFile { path, bytes });
        }
        let mut context = tera::Context::new();
        // The parts every page shares are converted once, then cloned (Tera values share by Arc).
        context.insert_value("site", self.shared.site.clone());
        context.insert("root", &root);
        context.insert("path", &path);
        context.insert("title", &title);
        context.insert("section", section);
        match self.shared.nav.get(section) {
            Some(v) => context.insert_value("nav", v.clone()),
            None => context.insert("nav", &self.nav(section)),
        }
        if self.nav_pages.iter().any(|(_, h)| *h == path) {
            let items: Vec<NavItem> = self
                .nav_pages
                .iter()
                .map(|(t, h)| NavItem { label: t.clone(), href: h.clone(), current: *h == path })
                .collect();
            context.insert("nav_pages", &items);
        } else {
            context.insert_value("nav_pages", self.shared.nav_pages.clone());
        }
        context.insert("crumbs", &crumbs);
        context.insert("canonical", &self.canonical(&path));
        context.insert("serve", &self.opts.serve);
        context.insert_value("page", data.to_value());
        context.insert("notices", notices);
        context.insert("backlinks_withheld", &backlinks_withheld);

        let html = self
            .tera
            .render(template, &context)
            .map_err(|e| RenderError(format!("cannot render {path} with template {template}: {}", error_chain(&e))))?;
        if let (Some(cache), Some(key)) = (&self.opts.cache, key) {
            cache.put(&path, key, html.as_bytes());
        }
        Ok(OutputFile { path, bytes: html.into_bytes() })
    }

    fn canonical(&self, path: &str) -> Option<String> {
        let base = self.opts.base_url.as_ref().or(self.site.config.base_url.as_ref())?;
        let page = path.strip_suffix("index.html").unwrap_or(path);
        Some(format!("{}/{page}", crate::escape::uri(base.trim_end_matches('/'))))
    }

    fn nav(&self, section: &str) -> Vec<NavItem> {
        (site_map::SECTIONS.iter())
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
        };
        markdown::render(&rec.body, &links)
    }

    /// A review page: minutes with each input's evidence panel under its heading, the
    /// figures of its period, and the panels of inputs the minutes lack.
    fn review(&self, i: usize, r: &Shown<crate::record::Review>) -> Result<Box<dyn Part>, RenderError> {
        let site = self.site;
        let fw_name = r.fm.framework.as_ref().map_or(site.config.framework.as_str(), |f| f.get_ref().as_str());
        let panels = tera::Value::from_serializable(&crate::evidence::panels(site, self.figures, i));
        let mut html = HashMap::new();
        let mut missing = Vec::new();
        let root = "../../";
        for input in site.config.framework(fw_name).map(|f| f.inputs.as_slice()).unwrap_or_default() {
            let has_heading = r.scan.headings.iter().any(|h| h.explicit_id.as_deref() == Some(input.key.as_str()));
            let panel = match &input.panel {
                Some(name) => {
                    let mut c = tera::Context::new();
                    c.insert("root", root);
                    c.insert("name", name);
                    c.insert("input", input);
                    c.insert_value("panels", panels.clone());
                    c.insert_value("site", self.shared.site.clone());
                    let out = self.tera.render("panel.html", &c).map_err(|e| {
                        RenderError(format!("cannot render panel {name} for {}: {}", r.id, error_chain(&e)))
                    })?;
                    Some(out)
                }
                _ => None,
            };
            match (has_heading, panel) {
                (true, Some(p)) => {
                    html.insert(input.key.clone(), p);
                }
                (false, p) if !r.scan.headings.is_empty() || p.is_some() => missing.push(serde_json::json!({
                    "key": input.key, "title": input.title, "clause": input.clause, "panel": p,
                })),
                _ => {}
            }
        }
        let links = Links { site, dir: &r.dir, root: root.into(), panels: html, headings: &r.scan.headings };
        let body = markdown::render(&r.body, &links);
        #[derive(Serialize)]
        struct Full {
            #[serde(flatten)]
            page: ctx::ReviewPage,
            in_series: bool,
            period: String,
            figures_as_of: String,
            figures: Vec<crate::evidence::FigureRow>,
            missing_inputs: Vec<serde_json::Value>,
        }
        let p = &self.figures.periods[i];
        Ok(Box::new(Full {
            page: ctx::review_page(site, r, body),
            in_series: p.in_series,
            period: crate::evidence::period_text(&p.period),
            figures_as_of: p.as_of.to_string(),
            figures: crate::evidence::figure_rows(site, &self.figures.metrics[i]),
            missing_inputs: missing,
        }))
    }

    fn trends(&self) -> TrendsCtx {
        let site = self.site;
        let f = self.figures;
        let idx: &[usize] = &f.series;
        TrendsCtx {
            reviews: idx.len(),
            nc: (!idx.is_empty()).then(|| crate::evidence::nc_chart(site, f, idx, "trend-nc")),
            actions: (!idx.is_empty()).then(|| crate::evidence::action_chart(site, f, idx, "trend-actions")),
            risk: crate::evidence::risk_chart(site, f, idx, "trend-risk"),
            objectives: shown(&site.objectives)
                .map(|o| crate::evidence::objective_chart(o, &format!("obj-{}", o.id)))
                .collect(),
            objectives_withheld: withheld(&site.objectives),
        }
    }

    fn record(&self, kind: Kind, i: usize) -> Result<(String, String, Box<dyn Part>), RenderError> {
        let site = self.site;
        fn json<T: Part + 'static>(v: T) -> Box<dyn Part> {
            Box::new(v)
        }
        let gone = || RenderError(format!("{} {i} is not shown in this edition", kind.label()));
        match kind {
            Kind::Review => {
                let r = site.reviews[i].shown().ok_or_else(gone)?;
                Ok((r.id.clone(), r.fm.title.clone(), self.review(i, r)?))
            }
            Kind::Action => {
                let r = site.actions[i].shown().ok_or_else(gone)?;
                Ok((r.id.clone(), r.fm.title.clone(), json(ctx::action_page(site, r, self.body(r, kind)))))
            }
            Kind::Nonconformity => {
                let r = site.nonconformities[i].shown().ok_or_else(gone)?;
                Ok((r.id.clone(), r.fm.title.clone(), json(ctx::nc_page(site, r, self.body(r, kind)))))
            }
            Kind::Objective => {
                let r = site.objectives[i].shown().ok_or_else(gone)?;
                #[derive(Serialize)]
                struct WithChart {
                    #[serde(flatten)]
                    page: ctx::ObjectivePage,
                    chart: crate::chart::Chart,
                }
                let page = ctx::objective_page(site, r, self.body(r, kind));
                let chart = crate::evidence::objective_chart(r, &format!("obj-{}", r.id));
                Ok((r.id.clone(), r.fm.title.clone(), json(WithChart { page, chart })))
            }
            Kind::Audit => {
                let r = site.audits[i].shown().ok_or_else(gone)?;
                Ok((r.id.clone(), r.fm.title.clone(), json(ctx::audit_page(site, r, self.body(r, kind)))))
            }
            Kind::Page | Kind::Home => {
                let r = site.pages[i].shown().ok_or_else(gone)?;
                Ok((r.id.clone(), r.fm.title.clone(), json(ctx::page_page(site, r, self.body(r, Kind::Page)))))
            }
        }
    }

    fn list(&self, kind: Kind) -> Box<dyn Part> {
        let site = self.site;
        macro_rules! rows {
            ($list:expr, $row:path) => {{
                let rows: Vec<_> = shown(&$list).map(|r| $row(site, r)).collect();
                Box::new(ListCtx { rows, withheld: withheld(&$list) }) as Box<dyn Part>
            }};
        }
        match kind {
            Kind::Review => rows!(site.reviews, ctx::review_row),
            Kind::Action => rows!(site.actions, ctx::action_row),
            Kind::Nonconformity => rows!(site.nonconformities, ctx::nc_row),
            Kind::Objective => rows!(site.objectives, ctx::objective_row),
            _ => rows!(site.audits, ctx::audit_row),
        }
    }

    fn home(&self) -> HomeCtx {
        let site = self.site;
        let intro = site.home.as_ref().map(|h| {
            let links =
                Links { site, dir: &h.dir, root: String::new(), panels: HashMap::new(), headings: &h.scan.headings };
            markdown::render(&h.body, &links)
        });
        let series: Vec<&Shown<crate::record::Review>> =
            shown(&site.reviews).filter(|r| *r.fm.status.get_ref() != crate::record::ReviewStatus::Planned).collect();
        let latest = series.last().map(|r| ctx::review_row(site, r));
        let dash = &self.figures.dashboard;
        let next = dash.planned.iter().find_map(|&k| site.reviews[k].shown()).map(|r| ctx::review_row(site, r));
        let next_due = series.last().and_then(|r| r.fm.next_review.as_ref().map(|n| n.get_ref().to_string()));
        // Headline figures count every record present, whatever the audience (DESIGN §3);
        // only the lists leave withheld records out, and say how many.
        let overdue: Vec<_> =
            dash.overdue.iter().filter_map(|&k| site.actions[k].shown()).map(|a| ctx::action_row(site, a)).collect();
        let overdue_withheld = dash.overdue.len() - overdue.len();
        let pages: Vec<Ref> = shown(&site.pages).map(|p| ctx::reference(site, &p.id)).collect();
        let title = site.home.as_ref().and_then(|h| h.fm.title.clone());
        let recent: Vec<usize> = self.figures.series.iter().rev().take(6).rev().copied().collect();
        HomeCtx {
            nc_chart: (!recent.is_empty()).then(|| crate::evidence::nc_chart(site, self.figures, &recent, "home-nc")),
            action_chart: (!recent.is_empty())
                .then(|| crate::evidence::action_chart(site, self.figures, &recent, "home-actions")),
            title,
            intro,
            latest,
            next,
            next_due,
            overdue,
            open_actions: dash.open_actions,
            overdue_actions: dash.overdue.len(),
            overdue_withheld,
            open_ncs: dash.open_ncs,
            reviews: self.figures.series.len(),
            objectives: shown(&site.objectives).map(|o| ctx::objective_row(site, o)).collect(),
            objectives_withheld: withheld(&site.objectives),
            pages_withheld: withheld(&site.pages),
            pages,
            extra: site.home.as_ref().map_or_else(Vec::new, |h| ctx::extra(&h.fm.extra)),
        }
    }
}

/// The dashboard (`index.html`): a contract with site templates, extended only.
#[derive(Serialize)]
struct HomeCtx {
    nc_chart: Option<crate::chart::Chart>,
    action_chart: Option<crate::chart::Chart>,
    title: Option<String>,
    intro: Option<String>,
    latest: Option<ctx::ReviewRow>,
    next: Option<ctx::ReviewRow>,
    next_due: Option<String>,
    overdue: Vec<ctx::ActionRow>,
    open_actions: usize,
    overdue_actions: usize,
    overdue_withheld: usize,
    open_ncs: usize,
    reviews: usize,
    objectives: Vec<ctx::ObjectiveRow>,
    objectives_withheld: usize,
    pages_withheld: usize,
    pages: Vec<Ref>,
    /// `[extra]` of `content/_index.md`, for site templates.
    extra: Vec<ctx::ExtraField>,
}

/// The trends page: the whole series.
#[derive(Serialize)]
struct TrendsCtx {
    reviews: usize,
    nc: Option<crate::chart::Chart>,
    actions: Option<crate::chart::Chart>,
    risk: Option<crate::chart::Chart>,
    objectives: Vec<crate::chart::Chart>,
    objectives_withheld: usize,
}

/// A page whose template needs no data (search).
#[derive(Serialize)]
struct Empty {}

/// A register page: the visible rows and how many were withheld.
#[derive(Serialize)]
struct ListCtx<T: Serialize> {
    rows: Vec<T>,
    withheld: usize,
}

/// Resolves links in one record's body, relative to its page.
struct Links<'a> {
    site: &'a Published,
    /// Evidence panel HTML by input key (review pages only).
    panels: HashMap<String, String>,
    /// Site-relative folder of the record's file.
    dir: &'a str,
    /// From the page to the output root.
    root: String,
    /// The body's headings, with the ids they have in every edition.
    headings: &'a [crate::record::Heading],
}

impl Resolver for Links<'_> {
    fn wiki(&self, target: &str) -> WikiTarget {
        let r = ctx::reference(self.site, target);
        if r.withheld {
            return WikiTarget::Plain;
        }
        let label = match target.split_once('#') {
            Some((id, frag))
                if self.site.review(id).is_some_and(|rv| rv.fm.decisions.iter().any(|d| d.id.get_ref() == frag)) =>
            {
                format!("{}, decision {frag}", self.site.canonical_id(id).unwrap_or(id))
            }
            Some((id, frag)) => {
                let heading = self.site.heading_text(id, frag).unwrap_or(frag);
                let title = self.site.title_of(id).unwrap_or_default();
                format!("{} {title}: {heading}", self.site.canonical_id(id).unwrap_or(id))
            }
            // Free pages are known by their title; records by ID and title.
            None if matches!(self.site.lookup(target), Some((Kind::Page, _))) => r.title,
            None => format!("{} {}", r.id, r.title),
        };
        WikiTarget::Link {
            href: format!("{}{}", self.root, r.href),
            label,
            status: r.status.map(|b| (b.class.to_string(), b.label)),
        }
    }

    fn link(&self, dest: &str) -> Option<String> {
        let (target, suffix) = normalize_local(self.dir, dest).ok()?;
        if let Some(id) =
            self.site.record_files.get(&target).or_else(|| self.site.record_files.get(&format!("{target}/index.md")))
        {
            let (kind, _) = self.site.lookup(id)?;
            if let Some((_, frag)) = suffix.split_once('#')
                && self.site.fragment_withheld(id, frag)
            {
                return None;
            }
            return Some(format!("{}{}{suffix}", self.root, site_map::href(kind, id)));
        }
        self.site.assets.get(&target).map(|out| format!("{}{}{suffix}", self.root, crate::escape::url_path(out)))
    }

    fn panel(&self, heading_id: &str) -> Option<String> {
        self.panels.get(heading_id).cloned()
    }

    fn heading_ids(&self) -> &[crate::record::Heading] {
        self.headings
    }

    fn raw_html(&self) -> crate::config::RawHtml {
        self.site.config.raw_html
    }
}

fn static_files(root: &Path, theme: &str) -> Result<Vec<OutputFile>, RenderError> {
    let mut out: BTreeMap<String, Vec<u8>> =
        crate::theme::STATIC.iter().map(|(n, b)| (format!("static/{n}"), b.to_vec())).collect();
    let mut dirs = Vec::new();
    if theme != "default" {
        dirs.push((root.join("themes").join(theme).join("static"), "static/"));
    }
    dirs.push((root.join("static"), "static/"));
    for (dir, prefix) in dirs {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| RenderError(format!("cannot read {}: {e}", dir.display())))?;
            if entry.file_type().is_dir()
                || entry.file_type().is_symlink()
                || crate::load::ignored_name(&entry.file_name().to_string_lossy())
            {
                continue;
            }
            let path = entry.path();
            if let Some(problem) = crate::load::name_problem(entry.file_name()) {
                let shown = crate::load::shown(&path.to_string_lossy());
                return Err(RenderError(format!("{shown}: {problem}; rename it")));
            }
            // A FIFO or device here is an error, never a hang.
            let bytes = crate::load::read_file(path, crate::load::MAX_ATTACHMENT_BYTES)
                .map_err(|e| RenderError(format!("cannot read {}: {e}", path.display())))?;
            out.insert(format!("{prefix}{}", crate::load::rel_path(&dir, entry.path())), bytes);
        }
    }
    Ok(out.into_iter().map(|(path, bytes)| OutputFile { path, bytes }).collect())
}

fn assets(site: &Published) -> Result<Vec<OutputFile>, RenderError> {
    site.assets
        .par_iter()
        .map(|(src, out)| {
            let path = site.asset_sources.get(src).ok_or_else(|| RenderError(format!("{src}: source missing")))?;
            // Load refused FIFOs, devices and oversize files; this holds if one was swapped in since.
            let bytes = crate::load::read_file(path, crate::load::MAX_ATTACHMENT_BYTES)
                .map_err(|e| RenderError(format!("cannot read {}: {e}", path.display())))?;
            Ok(OutputFile { path: out.clone(), bytes })
        })
        .collect()
}

/// `search-index.js`: every visible record as a small object, loaded by the search page as a
/// script (browsers refuse `fetch` from `file://`), JSON escaped for a script. One file, so it grows with the records
/// once, not on every page.
fn search_index(site: &Published) -> OutputFile {
    #[derive(Serialize)]
    struct Entry<'a> {
        id: &'a str,
        url: String,
        title: &'a str,
        kind: &'static str,
        status: String,
        text: String,
    }
    fn entry<'a>(site: &Published, kind: Kind, i: usize, id: &'a str, title: &'a str, extra: &str) -> Entry<'a> {
        let status = ctx::badge_of(site, kind, i).map_or(String::new(), |b| b.label);
        let text = format!("{id} {title} {} {status} {extra}", kind.label()).to_lowercase();
        Entry { id, url: site_map::href(kind, id), title, kind: kind.label(), status, text }
    }
    let mut entries = Vec::new();
    let mut add = |kind, i, id, title, extra: &str| entries.push(entry(site, kind, i, id, title, extra));
    for (i, r) in shown_at(&site.reviews) {
        add(Kind::Review, i, &r.id, &r.fm.title, r.fm.chair.as_deref().unwrap_or_default());
    }
    for (i, r) in shown_at(&site.actions) {
        add(Kind::Action, i, &r.id, &r.fm.title, &r.fm.owner);
    }
    for (i, r) in shown_at(&site.nonconformities) {
        let extra = format!("{} {}", r.fm.severity.get_ref(), r.fm.owner.as_deref().unwrap_or_default());
        add(Kind::Nonconformity, i, &r.id, &r.fm.title, &extra);
    }
    for (i, r) in shown_at(&site.objectives) {
        add(Kind::Objective, i, &r.id, &r.fm.title, r.fm.owner.as_deref().unwrap_or_default());
    }
    for (i, r) in shown_at(&site.audits) {
        add(Kind::Audit, i, &r.id, &r.fm.title, r.fm.auditor.as_deref().unwrap_or_default());
    }
    for (i, r) in shown_at(&site.pages) {
        add(Kind::Page, i, &r.id, &r.fm.title, "");
    }
    // Safe to inline in a page as well: no `<`, `>`, `&`, U+2028 or U+2029 left raw.
    let json = crate::escape::json_for_script(&serde_json::to_string(&entries).expect("index serializes"));
    OutputFile { path: site_map::SEARCH_INDEX.into(), bytes: format!("window.QUORUM_SEARCH = {json};\n").into_bytes() }
}
