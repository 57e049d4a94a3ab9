//! Records → [`Site`]: one ID index across kinds, every reference resolved and every rule of
//! DESIGN §2 checked (on the unredacted content), then records dated after the as-of date
//! left out and the audience applied.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::config::{Audience, Config};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{Kind, Loaded};
use crate::parse::Parsed;
use crate::record::{self, Record, ReviewStatus, Sp};

/// Top-level output names: a page may not take one of these as its ID.
pub const RESERVED: &[&str] = &[
    "reviews",
    "actions",
    "nonconformities",
    "objectives",
    "audits",
    "trends",
    "evidence",
    "search",
    "exports",
    "files",
    "static",
    "atom.xml",
    "SHA256SUMS",
    "index.html",
    "404.html",
    "search-index.js",
];

/// How one record mentions another.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Backlink {
    pub from: String,
    pub kind: Kind,
    /// e.g. "mentioned", "decision D1", "action update", "corrective action".
    pub relation: String,
}

/// The resolved site: every record present as of the as-of date, in display order.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub as_of: Date,
    pub audience_name: String,
    pub audience: Audience,
    pub reviews: Vec<Record<record::Review>>,
    pub actions: Vec<Record<record::Action>>,
    pub nonconformities: Vec<Record<record::Nonconformity>>,
    pub objectives: Vec<Record<record::Objective>>,
    pub audits: Vec<Record<record::Audit>>,
    pub pages: Vec<Record<record::Page>>,
    pub home: Option<Record<record::Home>>,
    /// Lower-cased ID → kind and index in its list.
    pub index: HashMap<String, (Kind, usize)>,
    /// Lower-cased IDs of records present but withheld from this audience.
    pub withheld: HashSet<String>,
    /// Lower-cased ID → who mentions it (visible records only).
    pub backlinks: HashMap<String, Vec<Backlink>>,
    /// Lower-cased ID → how many withheld records or entries mention it.
    pub backlinks_withheld: HashMap<String, usize>,
    /// Site-relative path → output path, for every publishable file under `content/`.
    pub assets: BTreeMap<String, String>,
    /// Absolute source paths of `assets`.
    pub asset_sources: BTreeMap<String, std::path::PathBuf>,
    /// Site-relative record file → record ID (targets of Markdown links to `.md` files).
    pub record_files: HashMap<String, String>,
}

/// What every record kind offers the index.
pub trait Entry {
    fn confidential(&self) -> bool;
}
macro_rules! entry {
    ($($t:ty),*) => {$(impl Entry for $t { fn confidential(&self) -> bool { self.confidential } })*};
}
entry!(record::Review, record::Action, record::Nonconformity, record::Objective, record::Audit, record::Page);

struct Known {
    kind: Kind,
    file: String,
    id: String,
}

/// Everything needed to check references before anything is left out.
struct Checker<'a> {
    config: &'a Config,
    ids: HashMap<String, Known>,
    decisions: HashMap<String, Vec<String>>,
    /// Lower-cased IDs of files that failed to parse: their decisions and headings are unknown,
    /// so fragments pointing into them are not reported again.
    failed: HashSet<String>,
    headings: HashMap<String, Vec<String>>,
    /// Site-relative record file → lower-cased ID (targets of `[x](other.md#heading)`).
    files: HashMap<String, String>,
    loaded: &'a Loaded,
    diags: Diagnostics,
}

/// Builds the site model. Errors in `diags` mean no site.
pub fn build(
    config: Config,
    parsed: Parsed,
    loaded: &Loaded,
    as_of: Date,
    audience_name: &str,
) -> (Option<Site>, Diagnostics) {
    let mut checker = Checker::new(&config, &parsed, loaded);
    checker.check_all(&parsed);
    let diags = checker.diags;
    let Some(audience) = config.audience(audience_name) else {
        let mut diags = diags;
        let names: Vec<&str> = config.audiences.keys().map(String::as_str).collect();
        diags.push(
            Diagnostic::file("unknown-audience", "site.toml", format!("unknown audience `{audience_name}`"))
                .hint(format!("audiences: {} (define others as [audiences.NAME] in site.toml)", names.join(", "))),
        );
        return (None, diags);
    };
    if diags.has_errors() {
        return (None, diags);
    }
    let site = assemble(config, parsed, loaded, as_of, audience_name, audience);
    (Some(site), diags)
}

fn assemble(config: Config, p: Parsed, loaded: &Loaded, as_of: Date, audience_name: &str, audience: Audience) -> Site {
    let mut reviews: Vec<_> = p
        .reviews
        .into_iter()
        .filter(|r| *r.fm.status.get_ref() == ReviewStatus::Planned || *r.fm.date.get_ref() <= as_of)
        .collect();
    reviews.sort_by(|a, b| (a.fm.date.get_ref(), &a.id).cmp(&(b.fm.date.get_ref(), &b.id)));
    let mut actions: Vec<_> = p.actions.into_iter().filter(|a| *a.fm.raised.get_ref() <= as_of).collect();
    actions.sort_by(|a, b| natural_cmp(&a.id, &b.id));
    let mut ncs: Vec<_> = p.nonconformities.into_iter().filter(|n| *n.fm.raised.get_ref() <= as_of).collect();
    ncs.sort_by(|a, b| natural_cmp(&a.id, &b.id));
    let mut objectives = p.objectives;
    objectives.sort_by(|a, b| natural_cmp(&a.id, &b.id));
    let mut audits: Vec<_> = p.audits.into_iter().filter(|a| *a.fm.start.get_ref() <= as_of).collect();
    audits.sort_by(|a, b| (a.fm.start.get_ref(), &a.id).cmp(&(b.fm.start.get_ref(), &b.id)));
    let mut pages = p.pages;
    pages.sort_by(|a, b| {
        (a.fm.weight.unwrap_or(i64::MAX), &a.fm.title, &a.id).cmp(&(
            b.fm.weight.unwrap_or(i64::MAX),
            &b.fm.title,
            &b.id,
        ))
    });

    let mut index = HashMap::new();
    let mut withheld = HashSet::new();
    let mut add = |kind: Kind, list: &mut dyn Iterator<Item = (String, bool)>| {
        for (i, (id, hidden)) in list.enumerate() {
            let key = id.to_lowercase();
            if hidden {
                withheld.insert(key.clone());
            }
            index.insert(key, (kind, i));
        }
    };
    let hide = |confidential: bool| confidential && !audience.include_confidential;
    add(
        Kind::Review,
        &mut reviews.iter().map(|r| {
            let planned = *r.fm.status.get_ref() == ReviewStatus::Planned && !audience.include_planned;
            (r.id.clone(), hide(r.fm.confidential) || planned)
        }),
    );
    add(Kind::Action, &mut actions.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))));
    add(Kind::Nonconformity, &mut ncs.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))));
    add(Kind::Objective, &mut objectives.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))));
    add(Kind::Audit, &mut audits.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))));
    add(Kind::Page, &mut pages.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))));

    let mut site = Site {
        config,
        as_of,
        audience_name: audience_name.to_string(),
        audience,
        reviews,
        actions,
        nonconformities: ncs,
        objectives,
        audits,
        pages,
        home: p.home,
        index,
        withheld,
        backlinks: HashMap::new(),
        backlinks_withheld: HashMap::new(),
        assets: BTreeMap::new(),
        asset_sources: BTreeMap::new(),
        record_files: HashMap::new(),
    };
    site.record_files = site.views().map(|v| (v.file.to_string(), v.id.to_string())).collect();
    site.assets = publish_assets(&site, loaded);
    site.asset_sources = loaded.asset_paths.clone();
    (site.backlinks, site.backlinks_withheld) = backlinks(&site);
    site
}

/// Where each file under `content/` is published: a folder record's attachments beside its
/// page, other files under `files/`; withheld records' attachments nowhere.
fn publish_assets(site: &Site, loaded: &Loaded) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut attached = HashSet::new();
    let mut attach = |kind: Kind, id: &str, dir: &str, atts: &[crate::load::Attachment]| {
        for a in atts {
            let src = format!("{dir}/{}", a.name);
            attached.insert(src.clone());
            if site.visible(id) {
                out.insert(src, format!("{}/{}", page_dir(kind, id), a.name));
            }
        }
    };
    for v in site.views() {
        attach(v.kind, v.id, v.dir, v.attachments);
    }
    // A loose file (outside any folder record) belongs to no record: it is published only
    // when a record shown in this build links to it, so withheld material never leaks.
    let mut linked = HashSet::new();
    let mut note_links = |id: Option<&str>, dir: &str, scan: &crate::record::BodyScan| {
        if id.is_none_or(|id| site.visible(id)) {
            let hidden = if site.redact() { confidential_sections(scan) } else { Vec::new() };
            for l in scan.links.iter().filter(|l| !hidden.iter().any(|r| r.contains(&l.span.start))) {
                if let Ok((target, _)) = normalize_local(dir, &l.dest) {
                    linked.insert(target);
                }
            }
        }
    };
    for v in site.views() {
        note_links(Some(v.id), v.dir, v.scan);
    }
    if let Some(h) = &site.home {
        note_links(None, &h.dir, &h.scan);
    }
    for asset in loaded.assets.iter().filter(|a| linked.contains(*a)) {
        // Attachments of records left out (or failed) are never published under files/.
        let in_record_folder =
            std::iter::successors(asset.rsplit_once('/').map(|(d, _)| d), |d| d.rsplit_once('/').map(|(p, _)| p))
                .any(|dir| loaded.record_folders.contains(dir));
        if !attached.contains(asset) && !in_record_folder {
            out.insert(asset.clone(), format!("files/{}", asset.trim_start_matches("content/")));
        }
    }
    out
}

/// Byte ranges of a body's sections under `.confidential` headings (each up to the next
/// top-level heading of the same or higher rank): removed from redacted pages, so links in
/// them do not publish anything either.
fn confidential_sections(scan: &crate::record::BodyScan) -> Vec<std::ops::Range<usize>> {
    crate::markdown::confidential_sections(&scan.headings)
}

/// The output folder of a record's page (`actions/A-1`, `scope`).
pub fn page_dir(kind: Kind, id: &str) -> String {
    match kind.folder() {
        "" => id.to_string(),
        f => format!("{f}/{id}"),
    }
}

/// What every record kind has in common, for code that treats them alike.
pub struct View<'a> {
    pub kind: Kind,
    pub id: &'a str,
    pub file: &'a str,
    pub dir: &'a str,
    pub scan: &'a crate::record::BodyScan,
    pub attachments: &'a [crate::load::Attachment],
}

fn view<T>(kind: Kind, r: &Record<T>) -> View<'_> {
    View { kind, id: &r.id, file: r.file(), dir: &r.dir, scan: &r.scan, attachments: &r.attachments }
}

impl Site {
    /// Every record of every kind (not the home page), in kind order.
    pub fn views(&self) -> impl Iterator<Item = View<'_>> {
        (self.reviews.iter().map(|r| view(Kind::Review, r)))
            .chain(self.actions.iter().map(|r| view(Kind::Action, r)))
            .chain(self.nonconformities.iter().map(|r| view(Kind::Nonconformity, r)))
            .chain(self.objectives.iter().map(|r| view(Kind::Objective, r)))
            .chain(self.audits.iter().map(|r| view(Kind::Audit, r)))
            .chain(self.pages.iter().map(|r| view(Kind::Page, r)))
    }

    /// Whether a record is present in this build and shown to this audience.
    pub fn visible(&self, id: &str) -> bool {
        let key = id.to_lowercase();
        self.index.contains_key(&key) && !self.withheld.contains(&key)
    }

    pub fn lookup(&self, id: &str) -> Option<(Kind, usize)> {
        let key = id.to_lowercase();
        if self.withheld.contains(&key) { None } else { self.index.get(&key).copied() }
    }

    /// Whether confidential parts (decisions, updates, sections) are removed.
    pub fn redact(&self) -> bool {
        !self.audience.include_confidential
    }

    /// Whether `#frag` of a visible record is left out of this edition: a confidential
    /// decision, or a heading in a confidential section. Links to it keep only their text.
    pub fn fragment_withheld(&self, id: &str, frag: &str) -> bool {
        if !self.redact() {
            return false;
        }
        let headings = match self.lookup(id) {
            Some((Kind::Review, i)) => {
                let r = &self.reviews[i];
                if r.fm.decisions.iter().any(|d| d.confidential && d.id.get_ref() == frag) {
                    return true;
                }
                &r.scan.headings
            }
            Some((Kind::Action, i)) => &self.actions[i].scan.headings,
            Some((Kind::Nonconformity, i)) => &self.nonconformities[i].scan.headings,
            Some((Kind::Objective, i)) => &self.objectives[i].scan.headings,
            Some((Kind::Audit, i)) => &self.audits[i].scan.headings,
            Some((Kind::Page, i)) => &self.pages[i].scan.headings,
            Some((Kind::Home, _)) | None => return false,
        };
        crate::markdown::confidential_ids(headings).contains(&frag)
    }

    pub fn review(&self, id: &str) -> Option<&Record<record::Review>> {
        match self.lookup(id) {
            Some((Kind::Review, i)) => Some(&self.reviews[i]),
            _ => None,
        }
    }

    pub fn action(&self, id: &str) -> Option<&Record<record::Action>> {
        match self.lookup(id) {
            Some((Kind::Action, i)) => Some(&self.actions[i]),
            _ => None,
        }
    }

    /// The title of a visible record.
    pub fn title_of(&self, id: &str) -> Option<&str> {
        let (kind, i) = self.lookup(id)?;
        Some(match kind {
            Kind::Review => &self.reviews[i].fm.title,
            Kind::Action => &self.actions[i].fm.title,
            Kind::Nonconformity => &self.nonconformities[i].fm.title,
            Kind::Objective => &self.objectives[i].fm.title,
            Kind::Audit => &self.audits[i].fm.title,
            Kind::Page => &self.pages[i].fm.title,
            Kind::Home => return None,
        })
    }

    /// The text of a heading of a visible record, by its id.
    pub fn heading_text(&self, id: &str, heading_id: &str) -> Option<&str> {
        let (kind, i) = self.lookup(id)?;
        let scan = match kind {
            Kind::Review => &self.reviews[i].scan,
            Kind::Action => &self.actions[i].scan,
            Kind::Nonconformity => &self.nonconformities[i].scan,
            Kind::Objective => &self.objectives[i].scan,
            Kind::Audit => &self.audits[i].scan,
            Kind::Page => &self.pages[i].scan,
            Kind::Home => return None,
        };
        scan.headings.iter().find(|h| h.id == heading_id).map(|h| h.text.as_str())
    }

    /// The exact-case ID of a visible record.
    pub fn canonical_id(&self, id: &str) -> Option<&str> {
        let (kind, i) = self.lookup(id)?;
        Some(match kind {
            Kind::Review => &self.reviews[i].id,
            Kind::Action => &self.actions[i].id,
            Kind::Nonconformity => &self.nonconformities[i].id,
            Kind::Objective => &self.objectives[i].id,
            Kind::Audit => &self.audits[i].id,
            Kind::Page => &self.pages[i].id,
            Kind::Home => return None,
        })
    }
}

/// Who mentions each visible record, and how many withheld sources mention it too.
fn backlinks(site: &Site) -> (HashMap<String, Vec<Backlink>>, HashMap<String, usize>) {
    let mut out: HashMap<String, Vec<Backlink>> = HashMap::new();
    let mut hidden: HashMap<String, std::collections::BTreeSet<String>> = HashMap::new();
    let mut add = |to: &str, from: &str, kind: Kind, relation: String| {
        let to = to.split('#').next().unwrap_or(to);
        if !site.visible(to) || to.eq_ignore_ascii_case(from) {
            return;
        }
        if site.visible(from) {
            out.entry(to.to_lowercase()).or_default().push(Backlink { from: from.to_string(), kind, relation });
        } else if site.index.contains_key(&from.split('#').next().unwrap_or(from).to_lowercase()) {
            hidden.entry(to.to_lowercase()).or_default().insert(from.to_lowercase());
        }
    };
    for r in &site.reviews {
        for w in &r.scan.wikilinks {
            add(&w.target, &r.id, Kind::Review, "mentioned in the minutes".into());
        }
        for d in &r.fm.decisions {
            // A withheld decision counts as a withheld source of its own.
            let from =
                if d.confidential && site.redact() { format!("{}#{}", r.id, d.id.get_ref()) } else { r.id.clone() };
            for a in &d.actions {
                add(a.get_ref(), &from, Kind::Review, format!("decision {}", d.id.get_ref()));
            }
        }
        for (n, u) in r.fm.action_updates.iter().enumerate() {
            let from = if u.confidential && site.redact() { format!("{}#update-{n}", r.id) } else { r.id.clone() };
            add(u.action.get_ref(), &from, Kind::Review, "action update".into());
        }
    }
    for n in &site.nonconformities {
        for w in &n.scan.wikilinks {
            add(&w.target, &n.id, Kind::Nonconformity, "mentioned".into());
        }
        for a in &n.fm.actions {
            add(a.get_ref(), &n.id, Kind::Nonconformity, "corrective action".into());
        }
        if let Some(a) = &n.fm.audit {
            add(a.get_ref(), &n.id, Kind::Nonconformity, "finding".into());
        }
        for r in &n.fm.repeat_of {
            add(r.get_ref(), &n.id, Kind::Nonconformity, "repeated by".into());
        }
    }
    for a in &site.actions {
        for w in &a.scan.wikilinks {
            add(&w.target, &a.id, Kind::Action, "mentioned".into());
        }
        if let Some(o) = &a.fm.origin {
            add(o.get_ref(), &a.id, Kind::Action, "raised action".into());
        }
    }
    for list in [
        site.objectives.iter().map(|r| (&r.id, &r.scan, Kind::Objective)).collect::<Vec<_>>(),
        site.audits.iter().map(|r| (&r.id, &r.scan, Kind::Audit)).collect(),
        site.pages.iter().map(|r| (&r.id, &r.scan, Kind::Page)).collect(),
    ] {
        for (id, scan, kind) in list {
            for w in &scan.wikilinks {
                add(&w.target, id, kind, "mentioned".into());
            }
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| natural_cmp(&a.from, &b.from).then(a.relation.cmp(&b.relation)));
        v.dedup();
        // One line per mentioning record, its relations joined.
        let mut merged: Vec<Backlink> = Vec::with_capacity(v.len());
        for b in v.drain(..) {
            match merged.last_mut() {
                Some(last) if last.from == b.from => {
                    last.relation.push_str("; ");
                    last.relation.push_str(&b.relation);
                }
                _ => merged.push(b),
            }
        }
        *v = merged;
    }
    (out, hidden.into_iter().map(|(k, v)| (k, v.len())).collect())
}

/// "an action", "a review".
fn with_article(noun: &str) -> String {
    let an = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if an { "an" } else { "a" })
}

/// Orders `A-2` before `A-10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[i - 1].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let ord = match (x.0, y.0) {
            (true, true) => {
                x.1.trim_start_matches('0').len().cmp(&y.1.trim_start_matches('0').len()).then(x.1.cmp(y.1))
            }
            _ => x.1.to_lowercase().cmp(&y.1.to_lowercase()),
        };
        if ord.is_ne() {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then(a.cmp(b))
}

/// Extensions of files a browser runs as a document that can hold scripts (HTML, SVG, XML
/// with stylesheets) or as script itself, when opened from the site's origin.
/// SVG is judged by its content ([`active_svg`]); compressed SVG cannot be, so it is refused.
const ACTIVE_EXTENSIONS: [&str; 10] = ["html", "htm", "xhtml", "xht", "shtml", "svgz", "xml", "xsl", "js", "mjs"];

/// What makes an SVG file more than a picture when it is opened from the site, if anything:
/// scripts, event-handler attributes, embedded HTML or frames, animations (which can rewrite
/// links), entity declarations, or a link that leaves the file (`href` must be `#fragment`, so
/// no `javascript:` in any spelling). Conservative on purpose: a diagram exported by a drawing
/// program passes; anything cleverer is refused with the reason.
pub fn active_svg(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    for (needle, what) in [
        ("<script", "a <script> element"),
        ("<foreignobject", "a <foreignObject> element (embedded HTML)"),
        ("<iframe", "an <iframe> element"),
        ("<embed", "an <embed> element"),
        ("<object", "an <object> element"),
        ("<handler", "a <handler> element"),
        ("<listener", "a <listener> element"),
        ("<set", "a <set> animation"),
        ("<animate", "an animation element"),
        ("<!entity", "an entity declaration"),
        ("javascript:", "a javascript: URL"),
    ] {
        if text.contains(needle) {
            return Some(what.to_string());
        }
    }
    let b = text.as_bytes();
    // Inside a tag and outside its quoted values, an attribute name starts after whitespace
    // (or after `xlink:`); text content is never judged.
    let (mut in_tag, mut quote) = (false, None);
    for i in 0..b.len() {
        match (in_tag, quote, b[i]) {
            (false, _, b'<') => in_tag = true,
            (true, None, b'>') => in_tag = false,
            (true, None, q @ (b'"' | b'\'')) => quote = Some(q),
            (true, Some(q), c) if c == q => quote = None,
            _ => {}
        }
        if !in_tag || quote.is_some() {
            continue;
        }
        // `on…=` is an event handler.
        let starts_attr = i > 0 && b[i - 1].is_ascii_whitespace();
        if starts_attr && b[i..].starts_with(b"on") {
            let name_end = b[i..].iter().position(|c| !c.is_ascii_alphanumeric()).map_or(b.len(), |p| i + p);
            let rest = b[name_end..].iter().find(|c| !c.is_ascii_whitespace());
            if name_end > i + 2 && rest == Some(&b'=') {
                return Some(format!("an event-handler attribute `{}`", &text[i..name_end]));
            }
        }
        if (starts_attr || b.get(i.wrapping_sub(1)) == Some(&b':')) && b[i..].starts_with(b"href") {
            let mut j = i + 4;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if b.get(j) != Some(&b'=') {
                continue;
            }
            j += 1;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if matches!(b.get(j), Some(b'"' | b'\'')) && b.get(j + 1) != Some(&b'#') {
                return Some("a link that leaves the file (only `href=\"#…\"` is allowed)".into());
            }
        }
    }
    None
}

impl<'a> Checker<'a> {
    fn new(config: &'a Config, p: &Parsed, loaded: &'a Loaded) -> Self {
        let mut c = Checker {
            config,
            ids: HashMap::new(),
            decisions: HashMap::new(),
            failed: p.failed.iter().map(|(id, _)| id.to_lowercase()).collect(),
            headings: HashMap::new(),
            files: loaded.sources.iter().map(|s| (s.text.file.clone(), s.id.to_lowercase())).collect(),
            loaded,
            diags: Diagnostics::default(),
        };
        // Duplicate IDs are judged over every file, parsed or not, in file order.
        for s in &loaded.sources {
            if s.kind == Kind::Home {
                continue;
            }
            let key = s.id.to_lowercase();
            if let Some(prev) = c.ids.get(&key) {
                let same = if prev.id == s.id {
                    String::new()
                } else {
                    format!(" (`{}`: IDs are compared ignoring case)", prev.id)
                };
                c.diags.push(
                    Diagnostic::file(
                        "duplicate-id",
                        &s.text.file,
                        format!("duplicate ID `{}`: {} has it too{same}", s.id, prev.file),
                    )
                    .hint("IDs are permalinks and unique across all kinds; rename one file"),
                );
            } else {
                c.ids.insert(key, Known { kind: s.kind, file: s.text.file.clone(), id: s.id.clone() });
            }
        }
        for r in &p.reviews {
            c.decisions.insert(r.id.to_lowercase(), r.fm.decisions.iter().map(|d| d.id.get_ref().clone()).collect());
        }
        let heads = |scan: &record::BodyScan| scan.headings.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
        for (id, scan) in p
            .reviews
            .iter()
            .map(|r| (&r.id, &r.scan))
            .chain(p.actions.iter().map(|r| (&r.id, &r.scan)))
            .chain(p.nonconformities.iter().map(|r| (&r.id, &r.scan)))
            .chain(p.objectives.iter().map(|r| (&r.id, &r.scan)))
            .chain(p.audits.iter().map(|r| (&r.id, &r.scan)))
            .chain(p.pages.iter().map(|r| (&r.id, &r.scan)))
        {
            c.headings.insert(id.to_lowercase(), heads(scan));
        }
        if let Some(h) = &p.home {
            c.headings.insert(h.id.to_lowercase(), heads(&h.scan));
        }
        c
    }

    fn check_all(&mut self, p: &Parsed) {
        for r in &p.reviews {
            self.review(r);
            self.body(r);
        }
        for r in &p.actions {
            self.action(r);
            self.body(r);
        }
        for r in &p.nonconformities {
            self.nonconformity(r);
            self.body(r);
        }
        for r in &p.objectives {
            self.objective(r);
            self.body(r);
        }
        for r in &p.audits {
            self.audit(r);
            self.body(r);
        }
        for r in &p.pages {
            self.page(r);
            self.body(r);
        }
        if let Some(h) = &p.home {
            self.body(h);
        }
        self.active_files();
    }

    /// Files under `content/` that a browser would run as a page or script when opened from
    /// the published site (an HTML or SVG attachment with a `<script>`), unless the site
    /// trusts raw HTML: the same line the Markdown sanitiser draws.
    fn active_files(&mut self) {
        if self.config.raw_html == crate::config::RawHtml::Trusted {
            return;
        }
        for asset in &self.loaded.assets {
            let name = asset.rsplit('/').next().unwrap_or(asset);
            let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            let why = match ext.as_str() {
                // A diagram is welcome as long as it is only a picture.
                "svg" => match self.loaded.asset_paths.get(asset) {
                    Some(path) => match crate::load::read_file(path, crate::load::MAX_ATTACHMENT_BYTES) {
                        Ok(bytes) => active_svg(&bytes).map(|what| format!("this SVG file holds {what}")),
                        // Unreadable files are reported where they are published.
                        Err(_) => None,
                    },
                    None => None,
                },
                e if ACTIVE_EXTENSIONS.contains(&e) => Some(format!("a `.{e}` file is run as a page or script")),
                _ => None,
            };
            if let Some(why) = why {
                self.diags.push(
                    Diagnostic::file(
                        "active-file",
                        asset,
                        format!("`{name}` could run script in the browsers of the site's readers: {why}"),
                    )
                    .hint(
                        "publish documents as PDF and diagrams as PNG, or set raw_html = \"trusted\" in site.toml \
                         if every author of this site is trusted",
                    ),
                );
            }
        }
    }

    /// Checks that `value` names a record of one of `kinds`.
    fn reference<T>(&mut self, rec: &Record<T>, value: &Sp<String>, field: &str, kinds: &[Kind]) -> bool {
        let id = value.get_ref();
        match self.ids.get(&id.to_lowercase()) {
            None => {
                let d = rec.diag_at("unknown-id", value, format!("`{field}` names unknown ID `{id}`"));
                let hint = self.suggest(id, kinds);
                self.diags.push(d.hint(hint));
                false
            }
            Some(k) if !kinds.contains(&k.kind) => {
                let want: Vec<String> = kinds.iter().map(|k| with_article(k.label())).collect();
                let d = rec.diag_at(
                    "wrong-kind",
                    value,
                    format!(
                        "`{field}` must name {}, but `{id}` is {}",
                        want.join(" or "),
                        with_article(k.kind.label())
                    ),
                );
                self.diags.push(d.hint(format!("{} is defined in {}", k.id, k.file)));
                false
            }
            Some(_) => true,
        }
    }

    fn suggest(&self, id: &str, kinds: &[Kind]) -> String {
        let candidates = self.ids.values().filter(|k| kinds.contains(&k.kind)).map(|k| k.id.as_str());
        match crate::diagnostics::did_you_mean(id, candidates) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "no {} has this ID; IDs are file names without `.md`",
                // A link may name any kind: then no *record* has it.
                match kinds {
                    [k] => k.label(),
                    _ => "record",
                }
            ),
        }
    }

    fn order<T>(&mut self, rec: &Record<T>, later: &Sp<record_date::D>, earlier: Date, what: &str) {
        if *later.get_ref() < earlier {
            self.diags.push(rec.diag_at("date-order", later, what.to_string()));
        }
    }

    fn review(&mut self, r: &Record<record::Review>) {
        let fm = &r.fm;
        let date = *fm.date.get_ref();
        let status = *fm.status.get_ref();
        if status != ReviewStatus::Planned && fm.chair.as_deref().is_none_or(|c| c.trim().is_empty()) {
            self.diags.push(
                r.diag_at("missing-field", &fm.status, "a held or approved review needs a `chair`")
                    .hint("add `chair = \"…\"`"),
            );
        }
        if status == ReviewStatus::Approved {
            if fm.approved_by.is_none() {
                self.diags.push(
                    r.diag_at("missing-field", &fm.status, "an approved review needs `approved_by`")
                        .hint("add `approved_by = \"…\"`, or set status = \"held\""),
                );
            }
            if fm.approved_on.is_none() {
                self.diags.push(
                    r.diag_at("missing-field", &fm.status, "an approved review needs `approved_on`")
                        .hint("add `approved_on = YYYY-MM-DD`, or set status = \"held\""),
                );
            }
        }
        if let Some(a) = &fm.approved_on {
            self.order(r, a, date, &format!("`approved_on` ({}) is before the review `date` ({date})", a.get_ref()));
        }
        if let Some(ps) = &fm.period_start
            && *ps.get_ref() > date
        {
            self.diags.push(r.diag_at(
                "date-order",
                ps,
                format!("`period_start` ({}) is after the review `date` ({date})", ps.get_ref()),
            ));
        }
        let framework_name =
            fm.framework.as_ref().map_or(self.config.framework.as_str(), |f| f.get_ref().as_str()).to_string();
        let framework = self.config.framework(&framework_name).cloned();
        if framework.is_none()
            && let Some(f) = &fm.framework
        {
            let names: Vec<&str> = self.config.frameworks.keys().map(String::as_str).collect();
            self.diags.push(
                r.diag_at("unknown-value", f, format!("unknown framework `{}`", f.get_ref()))
                    .hint(format!("frameworks: {}", names.join(", "))),
            );
        }
        let mut seen = HashSet::new();
        for d in &fm.decisions {
            let id = d.id.get_ref();
            if !crate::load::valid_id(id) {
                self.diags.push(
                    r.diag_at("invalid-id", &d.id, format!("`{id}` is not a valid decision ID")).hint("use D1, D2, …"),
                );
            }
            if let Some(h) = r.scan.headings.iter().find(|h| h.id.eq_ignore_ascii_case(id)) {
                let d = r.diag_at(
                    "duplicate-id",
                    &d.id,
                    format!("decision ID `{id}` is also the id of the heading “{}”", h.text),
                );
                self.diags.push(d.hint(
                    "a decision's ID is its anchor on the review page (MR#D1); rename the heading id or the decision",
                ));
            }
            if !seen.insert(id.to_lowercase()) {
                self.diags.push(r.diag_at(
                    "duplicate-id",
                    &d.id,
                    format!("decision ID `{id}` is used twice in this review"),
                ));
            }
            for input in &d.inputs {
                if let Some(fw) = &framework
                    && fw.input(input.get_ref()).is_none()
                {
                    let keys: Vec<&str> = fw.inputs.iter().map(|i| i.key.as_str()).collect();
                    let mut hint = format!("inputs of {framework_name}: {}", keys.join(", "));
                    if let Some(s) = crate::diagnostics::did_you_mean(input.get_ref(), keys.iter().copied()) {
                        hint = format!("did you mean `{s}`? {hint}");
                    }
                    self.diags.push(
                        r.diag_at("unknown-value", input, format!("unknown input key `{}`", input.get_ref()))
                            .hint(hint),
                    );
                }
            }
            for a in &d.actions {
                self.reference(r, a, "actions", &[Kind::Action]);
            }
        }
        for u in &fm.action_updates {
            self.reference(r, &u.action, "action", &[Kind::Action]);
        }
    }

    fn action(&mut self, r: &Record<record::Action>) {
        let fm = &r.fm;
        let raised = *fm.raised.get_ref();
        self.order(r, &fm.due, raised, &format!("`due` ({}) is before `raised` ({raised})", fm.due.get_ref()));
        if let Some(c) = &fm.closed {
            self.order(r, c, raised, &format!("`closed` ({}) is before `raised` ({raised})", c.get_ref()));
        }
        match (&fm.cancelled, &fm.cancel_reason) {
            (Some(c), None) => self.diags.push(
                r.diag_at("missing-field", c, "`cancelled` needs a `cancel_reason`")
                    .hint("say why the action was cancelled: `cancel_reason = \"…\"`"),
            ),
            (None, Some(c)) => self.diags.push(
                r.diag_at("missing-field", c, "`cancel_reason` without a `cancelled` date")
                    .hint("add `cancelled = YYYY-MM-DD`"),
            ),
            _ => {}
        }
        if let Some(c) = &fm.cancelled {
            self.order(r, c, raised, &format!("`cancelled` ({}) is before `raised` ({raised})", c.get_ref()));
            if fm.closed.is_some() {
                self.diags.push(
                    r.diag_at("conflict", c, "an action cannot be both closed and cancelled")
                        .hint("keep `closed` if the work was done, else `cancelled`"),
                );
            }
        }
        if let Some(v) = &fm.verified {
            match &fm.closed {
                None => self.diags.push(
                    r.diag_at("conflict", v, "`verified` without `closed`")
                        .hint("an action's effectiveness is verified after it is closed"),
                ),
                Some(c) => self.order(
                    r,
                    v,
                    *c.get_ref(),
                    &format!("`verified` ({}) is before `closed` ({})", v.get_ref(), c.get_ref()),
                ),
            }
        }
        for u in &fm.updates {
            self.order(r, &u.date, raised, &format!("update dated {} is before `raised` ({raised})", u.date.get_ref()));
            if let Some(d) = &u.due {
                self.order(r, d, raised, &format!("re-planned `due` ({}) is before `raised` ({raised})", d.get_ref()));
            }
        }
        if let Some(o) = &fm.origin {
            self.origin(r, o);
        }
    }

    fn origin(&mut self, r: &Record<record::Action>, o: &Sp<String>) {
        let value = o.get_ref();
        match value.split_once('#') {
            Some((review, decision)) => {
                let as_review = Sp::new(o.span(), review.to_string());
                if self.reference(r, &as_review, "origin", &[Kind::Review]) {
                    let known = self.failed.contains(&review.to_lowercase())
                        || self
                            .decisions
                            .get(&review.to_lowercase())
                            .is_some_and(|ds| ds.iter().any(|d| d == decision));
                    if !known {
                        let ds = self.decisions.get(&review.to_lowercase()).map(|v| v.join(", ")).unwrap_or_default();
                        self.diags.push(
                            r.diag_at(
                                "unknown-id",
                                o,
                                format!("`origin` names decision `{decision}`, which review `{review}` does not have"),
                            )
                            .hint(format!("its decisions: {ds}")),
                        );
                    }
                }
            }
            None => {
                self.reference(r, o, "origin", &[Kind::Review, Kind::Nonconformity, Kind::Audit]);
            }
        }
    }

    fn nonconformity(&mut self, r: &Record<record::Nonconformity>) {
        let fm = &r.fm;
        let raised = *fm.raised.get_ref();
        if !self.config.severities.contains(fm.severity.get_ref()) {
            let sev = &self.config.severities;
            let mut hint = format!("severities (site.toml): {}", sev.join(", "));
            if let Some(s) = crate::diagnostics::did_you_mean(fm.severity.get_ref(), sev.iter().map(String::as_str)) {
                hint = format!("did you mean `{s}`? {hint}");
            }
            self.diags.push(
                r.diag_at(
                    "invalid-value",
                    &fm.severity,
                    format!("`{}` is not a severity of this site", fm.severity.get_ref()),
                )
                .hint(hint),
            );
        }
        if let Some(a) = &fm.audit {
            self.reference(r, a, "audit", &[Kind::Audit]);
        }
        for a in &fm.actions {
            self.reference(r, a, "actions", &[Kind::Action]);
        }
        for x in &fm.repeat_of {
            if x.get_ref().eq_ignore_ascii_case(&r.id) {
                self.diags.push(r.diag_at("conflict", x, "a nonconformity cannot repeat itself"));
            } else {
                self.reference(r, x, "repeat_of", &[Kind::Nonconformity]);
            }
        }
        if let Some(c) = &fm.closed {
            self.order(r, c, raised, &format!("`closed` ({}) is before `raised` ({raised})", c.get_ref()));
        }
        if let Some(v) = &fm.verified {
            match &fm.closed {
                None => self.diags.push(
                    r.diag_at("conflict", v, "`verified` without `closed`")
                        .hint("add the `closed` date: effectiveness is verified after closing"),
                ),
                Some(c) => self.order(
                    r,
                    v,
                    *c.get_ref(),
                    &format!("`verified` ({}) is before `closed` ({})", v.get_ref(), c.get_ref()),
                ),
            }
        }
        if let Some(e) = &fm.effective
            && fm.verified.is_none()
        {
            self.diags.push(
                r.diag_at("conflict", e, "`effective` without `verified`")
                    .hint("`effective` is the result of the effectiveness review dated by `verified`"),
            );
        }
        if let Some(d) = &fm.due {
            self.order(r, d, raised, &format!("`due` ({}) is before `raised` ({raised})", d.get_ref()));
        }
    }

    fn objective(&mut self, r: &Record<record::Objective>) {
        let fm = &r.fm;
        if let Some(a) = &fm.amber {
            let worse = match fm.direction {
                record::Direction::HigherBetter => *a.get_ref() <= fm.target,
                record::Direction::LowerBetter => *a.get_ref() >= fm.target,
            };
            if !worse {
                let side = if fm.direction == record::Direction::HigherBetter { "at or below" } else { "at or above" };
                self.diags.push(
                    r.diag_at(
                        "invalid-value",
                        a,
                        format!("`amber` ({}) must be on the worse side of `target` ({})", a.get_ref(), fm.target),
                    )
                    .hint(format!("with this direction, amber is {side} the target")),
                );
            }
        }
        for v in [Some(fm.target)].into_iter().flatten().chain(fm.measurements.iter().map(|m| m.value)) {
            if !v.is_finite() {
                self.diags.push(r.diag_top("invalid-value", "numbers must be finite (no nan or inf)"));
            }
        }
    }

    fn audit(&mut self, r: &Record<record::Audit>) {
        if let Some(e) = &r.fm.end {
            let start = *r.fm.start.get_ref();
            self.order(r, e, start, &format!("`end` ({}) is before `start` ({start})", e.get_ref()));
        }
    }

    fn page(&mut self, r: &Record<record::Page>) {
        if RESERVED.iter().any(|x| x.eq_ignore_ascii_case(&r.id)) {
            self.diags.push(
                r.diag_top(
                    "reserved-id",
                    format!("page ID `{}` is reserved for the site's own `/{}/`", r.id, r.id.to_lowercase()),
                )
                .hint("rename the page file"),
            );
        }
    }

    /// `[[links]]` and relative links in a body.
    fn body<T>(&mut self, r: &Record<T>) {
        for w in &r.scan.wikilinks {
            let (id, frag) = match w.target.split_once('#') {
                Some((i, f)) => (i, Some(f)),
                None => (w.target.as_str(), None),
            };
            match self.ids.get(&id.to_lowercase()) {
                None => {
                    let hint = self.suggest(
                        id,
                        &[Kind::Review, Kind::Action, Kind::Nonconformity, Kind::Objective, Kind::Audit, Kind::Page],
                    );
                    self.diags.push(
                        r.src.diag("unknown-id", w.span.clone(), format!("link to unknown ID `{id}`")).hint(hint),
                    );
                }
                Some(_) => {
                    if let Some(f) = frag {
                        let key = id.to_lowercase();
                        let ok = self.failed.contains(&key)
                            || self.decisions.get(&key).is_some_and(|d| d.iter().any(|x| x == f))
                            || self.headings.get(&key).is_some_and(|h| h.iter().any(|x| x == f));
                        if !ok {
                            self.diags.push(
                                r.src
                                    .diag(
                                        "unknown-id",
                                        w.span.clone(),
                                        format!("`{id}` has no decision or heading `{f}`"),
                                    )
                                    .hint("decisions are linked as [[REVIEW#D1]]"),
                            );
                        }
                    }
                }
            }
        }
        for l in &r.scan.links {
            match resolve_local(&r.dir, &l.dest, self.loaded) {
                Err((code, msg, hint)) => self.diags.push(r.src.diag(code, l.span.clone(), msg).hint(hint)),
                Ok(target) => self.fragment(r, l, &target),
            }
        }
    }

    /// `[x](#heading)`, `[x](other.md#heading)`: the fragment must be a heading id of the target
    /// record, or one of its decisions. Fragments of other files (`report.pdf#page=2`) are free.
    fn fragment<T>(&mut self, r: &Record<T>, l: &record::LocalLink, target: &str) {
        let Some(frag) =
            l.dest.split_once('#').map(|(_, f)| crate::escape::percent_decode(f)).filter(|f| !f.is_empty())
        else {
            return;
        };
        let key = if target.is_empty() {
            r.id.to_lowercase()
        } else {
            match self.files.get(target).or_else(|| self.files.get(&format!("{target}/index.md"))) {
                Some(k) => k.clone(),
                None => return,
            }
        };
        if self.failed.contains(&key) {
            return;
        }
        let headings = self.headings.get(&key).map(Vec::as_slice).unwrap_or_default();
        let decisions = self.decisions.get(&key).map(Vec::as_slice).unwrap_or_default();
        if headings.iter().chain(decisions).any(|x| *x == frag) {
            return;
        }
        let whose = if target.is_empty() { "this file".to_string() } else { format!("`{target}`") };
        let mut ids: Vec<&str> = headings.iter().chain(decisions).map(String::as_str).collect();
        let hint = match crate::diagnostics::did_you_mean(&frag, ids.iter().copied()) {
            Some(s) => format!("did you mean `#{s}`?"),
            None if ids.is_empty() => format!("{whose} has no headings; link the page without a fragment"),
            None => {
                let more = ids.len() > 12;
                ids.truncate(12);
                format!("its ids: {}{}", ids.join(", "), if more { ", …" } else { "" })
            }
        };
        self.diags.push(
            r.src
                .diag(
                    "broken-link",
                    l.span.clone(),
                    format!("link `{}`: {whose} has no heading or decision with the id `{frag}`", l.dest),
                )
                .hint(format!("{hint} (heading ids are lower case, words joined by `-`; set one with {{#id}})")),
        );
    }
}

/// A local link's target, site-relative: a file under `content/` or a record file.
pub fn resolve_local(dir: &str, dest: &str, loaded: &Loaded) -> Result<String, (&'static str, String, String)> {
    let (target, _) = normalize_local(dir, dest)?;
    if target.is_empty() {
        return Ok(target);
    }
    let is_record =
        loaded.record_files.contains(&target) || loaded.record_files.contains(&format!("{target}/index.md"));
    if loaded.assets.contains(&target) || is_record {
        Ok(target)
    } else {
        Err((
            "broken-link",
            format!("link `{dest}` points to `{target}`, which does not exist"),
            "relative links resolve from the folder of the record's file; use [[ID]] to link a record".into(),
        ))
    }
}

/// Splits a local link into its site-relative target path and its `#fragment` (or `?query`),
/// rejecting absolute paths and paths that leave `content/`.
pub fn normalize_local(dir: &str, dest: &str) -> Result<(String, String), (&'static str, String, String)> {
    let cut = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(cut);
    if path.is_empty() {
        return Ok((String::new(), suffix.to_string()));
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err(("absolute-link", format!("link `{dest}` is an absolute path"), "links are relative to the record's file so the site works from any sub-path; use a relative path or [[ID]]".into()));
    }
    let outside = || {
        (
            "link-outside",
            format!("link `{dest}` leads outside the site's content"),
            "link only to files under content/".to_string(),
        )
    };
    let decoded = crate::escape::percent_decode(path);
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in decoded.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
                if parts.is_empty() {
                    return Err(outside());
                }
            }
            s => parts.push(s),
        }
    }
    if parts.first() != Some(&"content") || parts.len() < 2 {
        return Err(outside());
    }
    Ok((parts.join("/"), suffix.to_string()))
}

mod record_date {
    pub type D = crate::date::Date;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_pictures_pass_and_active_svg_is_named() {
        let picture = br##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><title>Incidents</title><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="2" height="3"/><use xlink:href="#g"/><text> one = two, onwards</text></svg>"##;
        assert_eq!(active_svg(picture), None);
        for (svg, what) in [
            (&br#"<svg><SCRIPT>alert(1)</SCRIPT></svg>"#[..], "<script>"),
            (br#"<svg onload="alert(1)"/>"#, "onload"),
            (br#"<svg><rect ONCLICK = 'x'/></svg>"#, "onclick"),
            (br#"<svg><a href="&#106;avascript:alert(1)"><text>x</text></a></svg>"#, "leaves the file"),
            (br#"<svg><a xlink:href='https://evil.example/'>x</a></svg>"#, "leaves the file"),
            (br#"<svg><foreignObject><body/></foreignObject></svg>"#, "foreignObject"),
            (br#"<svg><animate attributeName="href" to="x"/></svg>"#, "animation"),
            (br#"<!DOCTYPE svg [<!ENTITY x "y">]><svg/>"#, "entity"),
        ] {
            let found = active_svg(svg).unwrap_or_else(|| panic!("{} passed", String::from_utf8_lossy(svg)));
            assert!(found.contains(what), "{found}");
        }
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["A-10", "A-2", "A-1", "B-1", "a-3"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["A-1", "A-2", "a-3", "A-10", "B-1"]);
    }

    #[test]
    fn decodes_percent() {
        assert_eq!(crate::escape::percent_decode("a%20b.csv"), "a b.csv");
        assert_eq!(crate::escape::percent_decode("%zz%2"), "%zz%2");
        assert_eq!(crate::escape::percent_decode("%aé.csv"), "%aé.csv"); // no panic inside a multi-byte character
    }
}
