//! The published view: what one audience may see as of one date, built once from the
//! checked [`Site`]. Records the audience may not see are stubs (their ID only); shown records
//! have confidential decisions, action updates and `.confidential` sections removed, and facts
//! dated after the as-of date dropped. The render side (pages, exports, search, evidence)
//! reads only this view, so nothing it does can leak what the view does not hold. Figures are
//! computed from the full site, by [`crate::metrics`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use crate::config::Config;
use crate::date::Date;
use crate::load::{Attachment, Loaded};
use crate::record::Kind;
use crate::record::{self, BodyScan, Record};

use super::{Backlink, LeftOut, Site, Why, natural_cmp, normalize_local};
use crate::site_map::page_dir;

/// One record as this edition shows it.
#[derive(Clone, Debug)]
pub(crate) struct Shown<T> {
    pub(crate) id: String,
    /// Index in its list (and in the figures' per-record facts).
    pub(crate) at: usize,
    /// Site-relative folder of the file.
    pub(crate) dir: String,
    /// Site-relative record file (`content/actions/A-1.md`).
    pub(crate) file: String,
    /// Front matter without confidential decisions and updates, or facts dated after the
    /// as-of date.
    pub(crate) fm: T,
    /// The body without its `.confidential` sections (in a redacted edition).
    pub(crate) body: String,
    /// What is left of the body's headings and links; headings keep the ids they have in
    /// the whole body, so anchors are the same in every edition.
    pub(crate) scan: BodyScan,
    /// Attachments published with the page.
    pub(crate) attachments: Vec<Attachment>,
    /// The confidential decisions this edition leaves out, by kind (reviews).
    pub(crate) decisions_withheld: LeftOut,
    /// The confidential action updates this edition leaves out (reviews).
    pub(crate) updates_withheld: LeftOut,
    /// The `.confidential` sections this edition cuts from the body.
    pub(crate) sections_withheld: LeftOut,
}

/// A record present in the site: shown, or withheld from this audience (its ID only, so links
/// to it render as plain text, and why, so lists can say what kind of entry they leave out).
#[derive(Clone, Debug)]
pub(crate) enum Entry<T> {
    Shown(Box<Shown<T>>),
    Withheld(String, Why),
}

impl<T> Entry<T> {
    pub(crate) fn shown(&self) -> Option<&Shown<T>> {
        match self {
            Entry::Shown(s) => Some(s),
            Entry::Withheld(..) => None,
        }
    }

    pub(crate) fn id(&self) -> &str {
        match self {
            Entry::Shown(s) => &s.id,
            Entry::Withheld(id, _) => id,
        }
    }
}

/// The shown records of a list.
pub(crate) fn shown<T>(list: &[Entry<T>]) -> impl Iterator<Item = &Shown<T>> {
    list.iter().filter_map(Entry::shown)
}

/// The shown records of a list with their index (the index of figures by record).
pub(crate) fn shown_at<T>(list: &[Entry<T>]) -> impl Iterator<Item = (usize, &Shown<T>)> {
    list.iter().enumerate().filter_map(|(i, e)| e.shown().map(|s| (i, s)))
}

/// What a list of records of `kind` leaves out of this edition, by why.
pub(crate) fn left_out<'a, T: 'a>(kind: Kind, list: impl IntoIterator<Item = &'a Entry<T>>) -> LeftOut {
    let mut out = LeftOut::default();
    for e in list {
        if let Entry::Withheld(_, why) = e {
            out.record(kind, *why);
        }
    }
    out
}

/// The site as one audience sees it on one date. Lists are in the order, and of the length,
/// of the [`Site`]'s, so figures indexed by record apply to them unchanged.
#[derive(Debug)]
pub(crate) struct Published {
    pub(crate) config: Config,
    pub(crate) as_of: Date,
    pub(crate) audience_name: String,
    /// Whether confidential parts are left out (an audience without `include_confidential`).
    pub(crate) redacted: bool,
    pub(crate) reviews: Vec<Entry<record::Review>>,
    pub(crate) actions: Vec<Entry<record::Action>>,
    pub(crate) nonconformities: Vec<Entry<record::Nonconformity>>,
    pub(crate) objectives: Vec<Entry<record::Objective>>,
    pub(crate) audits: Vec<Entry<record::Audit>>,
    pub(crate) pages: Vec<Entry<record::Page>>,
    pub(crate) home: Option<Shown<record::Home>>,
    /// Lower-cased ID → kind and index of a shown record.
    index: HashMap<String, (Kind, usize)>,
    /// Lower-cased ID → who mentions it (shown sources only).
    pub(crate) backlinks: HashMap<String, Vec<Backlink>>,
    /// Lower-cased ID → the withheld records or parts that mention it, by kind.
    pub(crate) backlinks_withheld: HashMap<String, LeftOut>,
    /// Site-relative path → output path, for every file under `content/` this edition copies.
    pub(crate) assets: BTreeMap<String, String>,
    /// Absolute source paths of `assets`.
    pub(crate) asset_sources: BTreeMap<String, std::path::PathBuf>,
    /// Site-relative record file → record ID (targets of Markdown links to `.md` files).
    pub(crate) record_files: HashMap<String, String>,
    /// Per audit in `audits` order: the nonconformities raised against it (indices into
    /// `nonconformities`, shown or withheld).
    pub(crate) findings: Vec<Vec<usize>>,
    /// Every record's status as of the as-of date, from the figures (index by `Shown::at`).
    pub(crate) facts: crate::metrics::RecordFacts,
    /// Per review (index by `Shown::at`): its seal, for reviews approved by the as-of date.
    pub(crate) seals: Vec<crate::seal::Seal>,
    /// Where this copy comes from: git history, source commit and digest (set by the build).
    pub(crate) provenance: crate::provenance::Provenance,
    /// Every owner the shown actions, nonconformities and objectives name, by key.
    pub(crate) owners: BTreeMap<String, Owner>,
    /// The management system of every review and record (indices as in the lists above).
    pub(crate) systems: super::Systems,
    /// Lower-cased ID → the text of the record's file, shown or withheld: what `serve`
    /// fingerprints to tell which record pages can be reused without computing them.
    pub(crate) sources: HashMap<String, std::sync::Arc<crate::diagnostics::SourceText>>,
}

/// One person who owns records ([`owner_key`] groups the ways of writing them).
#[derive(Debug, Default)]
pub(crate) struct Owner {
    /// The name shown: of the ways the shown records write it, the most used (ties: the first
    /// in byte order).
    pub(crate) name: String,
    /// Indices of their shown actions, nonconformities and objectives, in ID order.
    pub(crate) actions: Vec<usize>,
    pub(crate) nonconformities: Vec<usize>,
    pub(crate) objectives: Vec<usize>,
}

/// The person of an `owner` string: the part before the first comma, trimmed ("Sam Reid,
/// IT Operations" → "Sam Reid").
pub(crate) fn owner_name(owner: &str) -> &str {
    owner.split(',').next().unwrap_or("").trim()
}

/// The key that groups owners case-insensitively on [`owner_name`] (in ASCII, lower case,
/// words joined by `-`; "Tomasz Wójcik" → `tomasz-wojcik`): the filter value of the registers
/// and the name of the owner's page. Never empty, never anything but `a-z`, `0-9` and `-`.
pub(crate) fn owner_key(owner: &str) -> String {
    let ascii = deunicode::deunicode(owner_name(owner));
    let mut key = String::new();
    for c in ascii.chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with('-') {
            key.push('-');
        }
    }
    let key = key.trim_end_matches('-');
    if key.is_empty() { "unnamed".to_string() } else { key.to_string() }
}

/// Every owner of the shown records, with the records they own.
fn owners(site: &Site) -> BTreeMap<String, Owner> {
    let mut out: BTreeMap<String, Owner> = BTreeMap::new();
    let mut forms: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for (i, r) in site.actions.iter().enumerate().filter(|(_, r)| site.visible(&r.id)) {
        let o = r.fm.owner.as_str();
        if owner_name(o).is_empty() {
            continue;
        }
        out.entry(owner_key(o)).or_default().actions.push(i);
        *forms.entry(owner_key(o)).or_default().entry(owner_name(o)).or_default() += 1;
    }
    for (i, r) in site.nonconformities.iter().enumerate().filter(|(_, r)| site.visible(&r.id)) {
        let Some(o) = r.fm.owner.as_deref().filter(|o| !owner_name(o).is_empty()) else { continue };
        out.entry(owner_key(o)).or_default().nonconformities.push(i);
        *forms.entry(owner_key(o)).or_default().entry(owner_name(o)).or_default() += 1;
    }
    for (i, r) in site.objectives.iter().enumerate().filter(|(_, r)| site.visible(&r.id)) {
        let Some(o) = r.fm.owner.as_deref().filter(|o| !owner_name(o).is_empty()) else { continue };
        out.entry(owner_key(o)).or_default().objectives.push(i);
        *forms.entry(owner_key(o)).or_default().entry(owner_name(o)).or_default() += 1;
    }
    for (key, owner) in out.iter_mut() {
        let best = forms.get(key).and_then(|f| f.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))));
        owner.name = best.map(|(name, _)| name.to_string()).unwrap_or_default();
    }
    out
}

/// The published view of a checked site for its audience and as-of date.
pub(crate) fn publish(site: &Site, loaded: &Loaded, figures: &crate::metrics::Figures) -> Published {
    let a = site.as_of;
    let redact = site.redact();
    let mut index = HashMap::new();
    let mut entries = |kind: Kind, list: Vec<(String, bool)>| {
        for (i, (id, shown)) in list.into_iter().enumerate() {
            if shown {
                index.insert(id.to_lowercase(), (kind, i));
            }
        }
    };
    let ids = |v: Vec<&str>| v.into_iter().map(|id| (id.to_string(), site.visible(id))).collect::<Vec<_>>();
    entries(Kind::Review, ids(site.reviews.iter().map(|r| r.id.as_str()).collect()));
    entries(Kind::Action, ids(site.actions.iter().map(|r| r.id.as_str()).collect()));
    entries(Kind::Nonconformity, ids(site.nonconformities.iter().map(|r| r.id.as_str()).collect()));
    entries(Kind::Objective, ids(site.objectives.iter().map(|r| r.id.as_str()).collect()));
    entries(Kind::Audit, ids(site.audits.iter().map(|r| r.id.as_str()).collect()));
    entries(Kind::Page, ids(site.pages.iter().map(|r| r.id.as_str()).collect()));
    let assets = publish_assets(site, loaded);
    let (backlinks, backlinks_withheld) = backlinks(site);
    let mut sources = HashMap::new();
    for (id, src) in (site.reviews.iter().map(|r| (&r.id, &r.src)))
        .chain(site.actions.iter().map(|r| (&r.id, &r.src)))
        .chain(site.nonconformities.iter().map(|r| (&r.id, &r.src)))
        .chain(site.objectives.iter().map(|r| (&r.id, &r.src)))
        .chain(site.audits.iter().map(|r| (&r.id, &r.src)))
        .chain(site.pages.iter().map(|r| (&r.id, &r.src)))
    {
        sources.insert(id.to_lowercase(), src.clone());
    }
    Published {
        sources,
        systems: site.systems.clone(),
        config: site.config.clone(),
        as_of: a,
        audience_name: site.audience_name.clone(),
        redacted: redact,
        reviews: site
            .reviews
            .iter()
            .enumerate()
            .map(|(at, r)| {
                let system = site.systems.name(site.systems.of(Kind::Review, at));
                entry(site, at, r, |fm| review_fm(fm, a, redact, system))
            })
            .collect(),
        actions: site
            .actions
            .iter()
            .enumerate()
            .map(|(at, r)| entry(site, at, r, |fm| (action_fm(fm, a), none(), none())))
            .collect(),
        nonconformities: site
            .nonconformities
            .iter()
            .enumerate()
            .map(|(at, r)| entry(site, at, r, |fm| (nc_fm(fm, a), none(), none())))
            .collect(),
        objectives: site
            .objectives
            .iter()
            .enumerate()
            .map(|(at, r)| entry(site, at, r, |fm| (objective_fm(fm, a), none(), none())))
            .collect(),
        audits: site
            .audits
            .iter()
            .enumerate()
            .map(|(at, r)| entry(site, at, r, |fm| (fm.clone(), none(), none())))
            .collect(),
        pages: site
            .pages
            .iter()
            .enumerate()
            .map(|(at, r)| entry(site, at, r, |fm| (fm.clone(), none(), none())))
            .collect(),
        home: site.home.as_ref().map(|h| shown_record(h, 0, h.fm.clone(), redact, (none(), none()))),
        index,
        backlinks,
        backlinks_withheld,
        assets,
        asset_sources: loaded.asset_paths.clone(),
        record_files: site.views().map(|v| (v.file.to_string(), v.id.to_string())).collect(),
        findings: super::findings(site),
        facts: figures.records.clone(),
        seals: (site.reviews.iter().zip(&site.seals))
            .map(|(r, seal)| match r.fm.approved_on.as_ref().is_some_and(|d| *d.get_ref() <= a) {
                true => seal.clone(),
                false => crate::seal::Seal::Unsealed,
            })
            .collect(),
        provenance: crate::provenance::Provenance::default(),
        owners: owners(site),
    }
}

impl Published {
    /// The site-relative files a shown record publishes: its own file, then the attachments
    /// this edition copies. Empty for a withheld record.
    pub(crate) fn files_of(&self, kind: Kind, i: usize) -> Vec<String> {
        fn files<T>(site: &Published, e: Option<&Entry<T>>) -> Vec<String> {
            let Some(r) = e.and_then(Entry::shown) else { return Vec::new() };
            let attachments = r.attachments.iter().map(|a| format!("{}/{}", r.dir, a.name));
            std::iter::once(r.file.clone()).chain(attachments.filter(|p| site.assets.contains_key(p))).collect()
        }
        match kind {
            Kind::Review => files(self, self.reviews.get(i)),
            Kind::Action => files(self, self.actions.get(i)),
            Kind::Nonconformity => files(self, self.nonconformities.get(i)),
            Kind::Objective => files(self, self.objectives.get(i)),
            Kind::Audit => files(self, self.audits.get(i)),
            Kind::Page => files(self, self.pages.get(i)),
            Kind::Home => Vec::new(),
        }
    }

    /// The kind and list index of a shown record; `None` for a withheld or unknown ID.
    pub(crate) fn lookup(&self, id: &str) -> Option<(Kind, usize)> {
        self.index.get(&id.to_lowercase()).copied()
    }

    /// Whether `#frag` of a shown record is left out of this edition: a decision or a heading
    /// the record had but this view no longer holds (links to it keep only their text).
    pub(crate) fn fragment_withheld(&self, id: &str, frag: &str) -> bool {
        if !self.redacted {
            return false;
        }
        let Some(v) = self.view(id) else { return false };
        let decision = self.review(id).is_some_and(|r| r.fm.decisions.iter().any(|d| d.id.get_ref() == frag));
        // The checks proved `#frag` exists in the whole record: absent here means removed.
        !decision && !v.scan.headings.iter().any(|h| h.id == frag)
    }

    pub(crate) fn review(&self, id: &str) -> Option<&Shown<record::Review>> {
        match self.lookup(id) {
            Some((Kind::Review, i)) => self.reviews[i].shown(),
            _ => None,
        }
    }

    /// What every shown record kind has in common, by ID.
    pub(crate) fn view(&self, id: &str) -> Option<View<'_>> {
        let (kind, i) = self.lookup(id)?;
        match kind {
            Kind::Review => self.reviews[i].shown().map(|r| view(r, &r.fm.title)),
            Kind::Action => self.actions[i].shown().map(|r| view(r, &r.fm.title)),
            Kind::Nonconformity => self.nonconformities[i].shown().map(|r| view(r, &r.fm.title)),
            Kind::Objective => self.objectives[i].shown().map(|r| view(r, &r.fm.title)),
            Kind::Audit => self.audits[i].shown().map(|r| view(r, &r.fm.title)),
            Kind::Page => self.pages[i].shown().map(|r| view(r, &r.fm.title)),
            Kind::Home => None,
        }
    }

    /// The title of a shown record.
    pub(crate) fn title_of(&self, id: &str) -> Option<&str> {
        self.view(id).map(|v| v.title)
    }

    /// The text of a heading of a shown record, by its id.
    pub(crate) fn heading_text(&self, id: &str, heading_id: &str) -> Option<&str> {
        self.view(id)?.scan.headings.iter().find(|h| h.id == heading_id).map(|h| h.text.as_str())
    }

    /// The exact-case ID of a shown record.
    pub(crate) fn canonical_id(&self, id: &str) -> Option<&str> {
        self.view(id).map(|v| v.id)
    }
}

/// What every shown record kind has in common, for code that treats them alike.
pub(crate) struct View<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) scan: &'a BodyScan,
}

fn view<'a, T>(r: &'a Shown<T>, title: &'a str) -> View<'a> {
    View { id: &r.id, title, scan: &r.scan }
}

/// A record's entry: its ID alone when withheld, else the redacted record.
fn entry<T>(site: &Site, at: usize, r: &Record<T>, fm: impl Fn(&T) -> (T, LeftOut, LeftOut)) -> Entry<T> {
    if let Some(why) = site.withheld.get(&r.id.to_lowercase()) {
        return Entry::Withheld(r.id.clone(), *why);
    }
    let (fm, decisions, updates) = fm(&r.fm);
    Entry::Shown(Box::new(shown_record(r, at, fm, site.redact(), (decisions, updates))))
}

fn none() -> LeftOut {
    LeftOut::default()
}

fn shown_record<T, U>(
    r: &Record<T>,
    at: usize,
    fm: U,
    redact: bool,
    (decisions, updates): (LeftOut, LeftOut),
) -> Shown<U> {
    let (body, scan, sections) = if redact { cut_sections(r) } else { (r.body.clone(), r.scan.clone(), 0) };
    let mut sections_withheld = LeftOut::default();
    sections_withheld.add_n("confidential section", sections);
    Shown {
        id: r.id.clone(),
        at,
        dir: r.dir.clone(),
        file: r.file().to_string(),
        fm,
        body,
        scan,
        attachments: r.attachments.clone(),
        decisions_withheld: decisions,
        updates_withheld: updates,
        sections_withheld,
    }
}

/// The body without its `.confidential` sections, the scan of what is left (headings
/// keep their ids), and how many sections were cut. The one place where sections are redacted.
fn cut_sections<T>(r: &Record<T>) -> (String, BodyScan, usize) {
    let hidden = confidential_sections(&r.scan);
    if hidden.is_empty() {
        return (r.body.clone(), r.scan.clone(), 0);
    }
    let inside = |at: usize| hidden.iter().any(|h| h.contains(&at));
    let mut body = String::with_capacity(r.body.len());
    let mut from = 0;
    for h in &hidden {
        let start = h.start.saturating_sub(r.body_offset).min(r.body.len());
        let end = h.end.saturating_sub(r.body_offset).min(r.body.len());
        body.push_str(&r.body[from..start.max(from)]);
        from = from.max(end);
    }
    body.push_str(&r.body[from..]);
    let scan = BodyScan {
        headings: r.scan.headings.iter().filter(|h| !inside(h.span.start)).cloned().collect(),
        wikilinks: r.scan.wikilinks.iter().filter(|w| !inside(w.span.start)).cloned().collect(),
        links: r.scan.links.iter().filter(|l| !inside(l.span.start)).cloned().collect(),
    };
    (body, scan, hidden.len())
}

/// `Some(d)` when `d` is on or before the as-of date.
fn until(d: &Option<record::Sp<Date>>, a: Date) -> Option<record::Sp<Date>> {
    d.as_ref().filter(|x| *x.get_ref() <= a).cloned()
}

fn review_fm(f: &record::Review, a: Date, redact: bool, system: &str) -> (record::Review, LeftOut, LeftOut) {
    let mut fm = f.clone();
    fm.decisions.retain(|d| !(d.confidential && redact));
    fm.action_updates.retain(|u| !(u.confidential && redact));
    fm.approved_on = until(&f.approved_on, a);
    if fm.approved_on.is_none() {
        fm.approved_digest = None;
    }
    let mut decisions = LeftOut::default();
    for d in f.decisions.iter().filter(|d| d.confidential && redact) {
        decisions.decision(d.kind, system);
    }
    let mut updates = LeftOut::default();
    updates.add_n("confidential action update", f.action_updates.len() - fm.action_updates.len());
    (fm, decisions, updates)
}

fn action_fm(f: &record::Action, a: Date) -> record::Action {
    let mut fm = f.clone();
    fm.updates.retain(|u| *u.date.get_ref() <= a);
    fm.closed = until(&f.closed, a);
    fm.cancelled = until(&f.cancelled, a);
    if fm.cancelled.is_none() {
        fm.cancel_reason = None;
    }
    fm.verified = until(&f.verified, a);
    fm
}

fn nc_fm(f: &record::Nonconformity, a: Date) -> record::Nonconformity {
    let mut fm = f.clone();
    fm.closed = until(&f.closed, a);
    fm.verified = until(&f.verified, a);
    fm
}

fn objective_fm(f: &record::Objective, a: Date) -> record::Objective {
    let mut fm = f.clone();
    fm.measurements.retain(|m| *m.date.get_ref() <= a);
    fm
}

/// Where each file under `content/` is published: a folder record's attachments beside its
/// page, other files under `files/`; withheld records' attachments nowhere.
pub(super) fn publish_assets(site: &Site, loaded: &Loaded) -> BTreeMap<String, String> {
    let (linked, secret) = local_links(site);
    let mut out = BTreeMap::new();
    let mut attached = HashSet::new();
    for v in site.views() {
        for a in v.attachments {
            let src = format!("{}/{}", v.dir, a.name);
            // An attachment that only withheld text links to is part of that text.
            let confidential = secret.contains(&src) && !linked.contains(&src);
            if site.visible(v.id) && !confidential {
                out.insert(src.clone(), format!("{}/{}", page_dir(v.kind, v.id), a.name));
            }
            attached.insert(src);
        }
    }
    // A loose file (outside any folder record) belongs to no record: it is published only
    // when a record shown in this build links to it, so withheld material never leaks.
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

/// The site-relative files that shown text links to, and those that withheld text links to:
/// withheld records, and the `.confidential` sections of shown ones (in a redacted edition).
fn local_links(site: &Site) -> (HashSet<String>, HashSet<String>) {
    let (mut linked, mut secret) = (HashSet::new(), HashSet::new());
    let mut note_links = |shown: bool, dir: &str, scan: &BodyScan| {
        let hidden = if site.redact() { confidential_sections(scan) } else { Vec::new() };
        for l in &scan.links {
            if let Ok((target, _)) = normalize_local(dir, &l.dest) {
                if shown && !hidden.iter().any(|r| r.contains(&l.span.start)) {
                    linked.insert(target);
                } else {
                    secret.insert(target);
                }
            }
        }
    };
    for v in site.views() {
        note_links(site.visible(v.id), v.dir, v.scan);
    }
    if let Some(h) = &site.home {
        note_links(true, &h.dir, &h.scan);
    }
    (linked, secret)
}

/// Byte ranges of a body's sections under `.confidential` headings (each up to the next
/// top-level heading of the same or higher rank): removed from redacted pages, so links in
/// them do not publish anything either.
fn confidential_sections(scan: &BodyScan) -> Vec<Range<usize>> {
    crate::markdown::confidential_sections(&scan.headings)
}

/// One record (or withheld part) mentioning another: target, source, source kind, relation.
type Mention = (String, String, Kind, String);

/// Who mentions each shown record, and which withheld sources mention it too (by kind).
pub(super) fn backlinks(site: &Site) -> (HashMap<String, Vec<Backlink>>, HashMap<String, LeftOut>) {
    let mut out: HashMap<String, Vec<Backlink>> = HashMap::new();
    let mut hidden: HashMap<String, std::collections::BTreeSet<String>> = HashMap::new();
    for (to, from, kind, relation) in all_mentions(site) {
        let to = to.split('#').next().unwrap_or(&to);
        let source = from.split('#').next().unwrap_or(&from);
        if !site.visible(to) || to.eq_ignore_ascii_case(source) {
            continue;
        }
        if site.visible(&from) {
            out.entry(to.to_lowercase()).or_default().push(Backlink { from, kind, relation });
        } else if site.index.contains_key(&source.to_lowercase()) {
            hidden.entry(to.to_lowercase()).or_default().insert(from.to_lowercase());
        }
    }
    for v in out.values_mut() {
        merge_relations(v);
    }
    let tally = |sources: std::collections::BTreeSet<String>| {
        let mut l = LeftOut::default();
        for from in sources {
            match from.split_once('#') {
                // A withheld part of a shown record: `ID#D3`, `ID#update-2`, `ID#confidential`.
                Some((_, "confidential")) => l.add_n("confidential section", 1),
                Some((_, part)) if part.starts_with("update-") => l.add_n("confidential action update", 1),
                Some(_) => l.add_n("confidential decision", 1),
                None => {
                    if let (Some(why), Some((kind, _))) = (site.withheld.get(&from), site.index.get(&from)) {
                        l.record(*kind, *why);
                    }
                }
            }
        }
        l
    };
    (out, hidden.into_iter().map(|(k, v)| (k, tally(v))).collect())
}

/// Every mention in the site: `[[links]]` in bodies, decisions' actions, action updates,
/// corrective actions, findings, repeats and origins. A withheld part (a confidential decision
/// or update, a link in a confidential section) is a source `ID#part` of its own.
fn all_mentions(site: &Site) -> Vec<Mention> {
    let mut all: Vec<Mention> = Vec::new();
    let mut add = |to: &str, from: &str, kind: Kind, relation: &str| {
        all.push((to.to_string(), from.to_string(), kind, relation.to_string()))
    };
    for r in &site.reviews {
        for (w, from) in mentions(site, &r.id, r) {
            add(&w.target, &from, Kind::Review, "mentioned in the minutes");
        }
        for d in &r.fm.decisions {
            let from =
                if d.confidential && site.redact() { format!("{}#{}", r.id, d.id.get_ref()) } else { r.id.clone() };
            for a in &d.actions {
                add(a.get_ref(), &from, Kind::Review, &format!("decision {}", d.id.get_ref()));
            }
        }
        for (n, u) in r.fm.action_updates.iter().enumerate() {
            let from = if u.confidential && site.redact() { format!("{}#update-{n}", r.id) } else { r.id.clone() };
            add(u.action.get_ref(), &from, Kind::Review, "action update");
        }
    }
    for n in &site.nonconformities {
        for (w, from) in mentions(site, &n.id, n) {
            add(&w.target, &from, Kind::Nonconformity, "mentioned");
        }
        for a in &n.fm.actions {
            add(a.get_ref(), &n.id, Kind::Nonconformity, "corrective action");
        }
        if let Some(a) = &n.fm.audit {
            add(a.get_ref(), &n.id, Kind::Nonconformity, "finding");
        }
        for r in &n.fm.repeat_of {
            add(r.get_ref(), &n.id, Kind::Nonconformity, "repeated by");
        }
    }
    for a in &site.actions {
        for (w, from) in mentions(site, &a.id, a) {
            add(&w.target, &from, Kind::Action, "mentioned");
        }
        if let Some(o) = &a.fm.origin {
            add(o.get_ref(), &a.id, Kind::Action, "raised action");
        }
    }
    let bodies = (site.objectives.iter().map(|r| (Kind::Objective, mentions(site, &r.id, r))))
        .chain(site.audits.iter().map(|r| (Kind::Audit, mentions(site, &r.id, r))))
        .chain(site.pages.iter().map(|r| (Kind::Page, mentions(site, &r.id, r))));
    for (kind, links) in bodies {
        for (w, from) in links {
            add(&w.target, &from, kind, "mentioned");
        }
    }
    all
}

/// Sorts a record's backlinks and joins the relations of each mentioning record into one line.
fn merge_relations(v: &mut Vec<Backlink>) {
    v.sort_by(|a, b| natural_cmp(&a.from, &b.from).then(a.relation.cmp(&b.relation)));
    v.dedup();
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

/// The `[[links]]` of a record's body, each with the source it counts as: the record, or, for
/// a link inside a `.confidential` section of a redacted edition, a withheld source
/// `ID#confidential` (so it is counted, never shown).
fn mentions<'a, T>(site: &Site, id: &str, r: &'a Record<T>) -> Vec<(&'a record::WikiRef, String)> {
    let hidden = if site.redact() { confidential_sections(&r.scan) } else { Vec::new() };
    r.scan
        .wikilinks
        .iter()
        .map(|w| {
            let from = if hidden.iter().any(|h| h.contains(&w.span.start)) {
                format!("{id}#confidential")
            } else {
                id.to_string()
            };
            (w, from)
        })
        .collect()
}
