//! Records → [`Site`]: one ID index across kinds, every reference resolved and every rule of
//! DESIGN §2 checked (on the unredacted content), then records dated after the as-of date
//! left out and the audience applied.

use std::collections::HashMap;

use serde::Serialize;

use crate::config::{Audience, Config};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::parse::Parsed;
use crate::record::Kind;
use crate::record::{self, Record, ReviewStatus};

mod body;
mod files;
mod left_out;
mod links;
mod publish;
mod rules;
mod systems;

pub(crate) use left_out::{LeftOut, Why};
pub(crate) use links::normalize_local;
pub(crate) use publish::{Entry, Owner, Published, Shown, left_out, owner_key, owner_name, publish, shown, shown_at};
use rules::Checker;
pub(crate) use systems::Systems;

/// How one record mentions another.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Backlink {
    pub(crate) from: String,
    pub(crate) kind: Kind,
    /// e.g. "mentioned", "decision D1", "action update", "corrective action".
    pub(crate) relation: String,
}

/// The resolved site: every record present as of the as-of date, in display order.
#[derive(Debug)]
pub(crate) struct Site {
    pub(crate) config: Config,
    pub(crate) as_of: Date,
    pub(crate) audience_name: String,
    pub(crate) audience: Audience,
    pub(crate) reviews: Vec<Record<record::Review>>,
    pub(crate) actions: Vec<Record<record::Action>>,
    pub(crate) nonconformities: Vec<Record<record::Nonconformity>>,
    pub(crate) objectives: Vec<Record<record::Objective>>,
    pub(crate) audits: Vec<Record<record::Audit>>,
    pub(crate) pages: Vec<Record<record::Page>>,
    pub(crate) home: Option<Record<record::Home>>,
    /// Lower-cased ID → kind and index in its list.
    pub(crate) index: HashMap<String, (Kind, usize)>,
    /// Lower-cased IDs of records present but withheld from this audience, and why.
    pub(crate) withheld: HashMap<String, Why>,
    /// Per review, in `reviews` order: its `approved_digest` against its content.
    pub(crate) seals: Vec<crate::seal::Seal>,
    /// IDs of the records dated after the as-of date and so left out, in ID order.
    pub(crate) later: Vec<String>,
    /// The management system of every review and record.
    pub(crate) systems: Systems,
}

/// Builds the site model. Errors in `diags` mean no site.
pub(crate) fn build(
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
    let mut site = assemble(config, parsed, as_of, audience_name, audience);
    site.seals = site.reviews.iter().map(|r| crate::seal::seal_of(r, &loaded.asset_paths)).collect();
    (Some(site), diags)
}

/// The site as of `as_of`: records dated after it left out, each kind in display order,
/// one ID index, and which records this audience may not see.
fn assemble(config: Config, p: Parsed, as_of: Date, audience_name: &str, audience: Audience) -> Site {
    let mut site = Site {
        config,
        as_of,
        audience_name: audience_name.to_string(),
        audience,
        reviews: p.reviews,
        actions: p.actions,
        nonconformities: p.nonconformities,
        objectives: p.objectives,
        audits: p.audits,
        pages: p.pages,
        home: p.home,
        index: HashMap::new(),
        withheld: HashMap::new(),
        seals: Vec::new(),
        later: Vec::new(),
        systems: Systems::default(),
    };
    site.keep_until(as_of);
    site.sort();
    site.index_ids();
    site.systems = systems::attribute(
        &site.config,
        &site.index,
        &site.reviews,
        &site.actions,
        &site.nonconformities,
        &site.objectives,
        &site.audits,
    );
    site
}

impl Site {
    /// Leaves out records dated after the as-of date (planned reviews stay: they are plans).
    fn keep_until(&mut self, as_of: Date) {
        let mut later = Vec::new();
        let mut keep = |id: &str, kept: bool| {
            if !kept {
                later.push(id.to_string());
            }
            kept
        };
        self.reviews
            .retain(|r| keep(&r.id, *r.fm.status.get_ref() == ReviewStatus::Planned || *r.fm.date.get_ref() <= as_of));
        self.actions.retain(|a| keep(&a.id, *a.fm.raised.get_ref() <= as_of));
        self.nonconformities.retain(|n| keep(&n.id, *n.fm.raised.get_ref() <= as_of));
        self.audits.retain(|a| keep(&a.id, *a.fm.start.get_ref() <= as_of));
        later.sort_by(|a, b| natural_cmp(a, b));
        self.later = later;
    }

    /// Display order: reviews and audits by date, then ID; work items by natural ID order;
    /// pages by weight, title, ID.
    fn sort(&mut self) {
        self.reviews.sort_by(|a, b| (a.fm.date.get_ref(), &a.id).cmp(&(b.fm.date.get_ref(), &b.id)));
        self.actions.sort_by(|a, b| natural_cmp(&a.id, &b.id));
        self.nonconformities.sort_by(|a, b| natural_cmp(&a.id, &b.id));
        self.objectives.sort_by(|a, b| natural_cmp(&a.id, &b.id));
        self.audits.sort_by(|a, b| (a.fm.start.get_ref(), &a.id).cmp(&(b.fm.start.get_ref(), &b.id)));
        let weight = |p: &Record<record::Page>| p.fm.weight.unwrap_or(i64::MAX);
        self.pages.sort_by(|a, b| (weight(a), &a.fm.title, &a.id).cmp(&(weight(b), &b.fm.title, &b.id)));
    }

    /// One index of lower-cased IDs across kinds, and the IDs this audience may not see:
    /// confidential records without `include_confidential`, planned reviews without
    /// `include_planned`.
    fn index_ids(&mut self) {
        let hide =
            |confidential: bool| (confidential && !self.audience.include_confidential).then_some(Why::Confidential);
        // A plan is "not included" rather than withheld, even when it is confidential too.
        let planned = |r: &Record<record::Review>| {
            (*r.fm.status.get_ref() == ReviewStatus::Planned && !self.audience.include_planned).then_some(Why::Planned)
        };
        let mut entries: Vec<(Kind, usize, String, Option<Why>)> = Vec::new();
        let mut add = |kind, list: Vec<(String, Option<Why>)>| {
            entries.extend(list.into_iter().enumerate().map(|(i, (id, why))| (kind, i, id, why)))
        };
        add(
            Kind::Review,
            self.reviews.iter().map(|r| (r.id.clone(), planned(r).or(hide(r.fm.confidential)))).collect(),
        );
        add(Kind::Action, self.actions.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))).collect());
        add(
            Kind::Nonconformity,
            self.nonconformities.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))).collect(),
        );
        add(Kind::Objective, self.objectives.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))).collect());
        add(Kind::Audit, self.audits.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))).collect());
        add(Kind::Page, self.pages.iter().map(|r| (r.id.clone(), hide(r.fm.confidential))).collect());
        for (kind, i, id, why) in entries {
            let key = id.to_lowercase();
            if let Some(why) = why {
                self.withheld.insert(key.clone(), why);
            }
            self.index.insert(key, (kind, i));
        }
    }
}

/// What every record kind has in common, for code that treats them alike.
pub(crate) struct View<'a> {
    pub(crate) kind: Kind,
    pub(crate) id: &'a str,
    pub(crate) file: &'a str,
    pub(crate) dir: &'a str,
    pub(crate) scan: &'a crate::record::BodyScan,
    pub(crate) attachments: &'a [crate::load::Attachment],
}

fn view<T>(kind: Kind, r: &Record<T>) -> View<'_> {
    View { kind, id: &r.id, file: r.file(), dir: &r.dir, scan: &r.scan, attachments: &r.attachments }
}

impl Site {
    /// Every record of every kind (not the home page), in kind order.
    pub(crate) fn views(&self) -> impl Iterator<Item = View<'_>> {
        (self.reviews.iter().map(|r| view(Kind::Review, r)))
            .chain(self.actions.iter().map(|r| view(Kind::Action, r)))
            .chain(self.nonconformities.iter().map(|r| view(Kind::Nonconformity, r)))
            .chain(self.objectives.iter().map(|r| view(Kind::Objective, r)))
            .chain(self.audits.iter().map(|r| view(Kind::Audit, r)))
            .chain(self.pages.iter().map(|r| view(Kind::Page, r)))
    }

    /// Whether a record is present in this build and shown to this audience (the published
    /// view's one test: nothing outside the model asks).
    fn visible(&self, id: &str) -> bool {
        let key = id.to_lowercase();
        self.index.contains_key(&key) && !self.withheld.contains_key(&key)
    }

    /// Whether confidential parts (decisions, updates, sections) are removed.
    fn redact(&self) -> bool {
        !self.audience.include_confidential
    }
}

/// Per audit in `site.audits` order: the nonconformities raised against it.
pub(crate) fn findings(site: &Site) -> Vec<Vec<usize>> {
    let mut by_audit: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (i, n) in site.nonconformities.iter().enumerate() {
        if let Some(a) = &n.fm.audit {
            by_audit.entry(a.get_ref().to_lowercase()).or_default().push(i);
        }
    }
    site.audits.iter().map(|a| by_audit.remove(&a.id.to_lowercase()).unwrap_or_default()).collect()
}

/// "an action", "a review".
fn with_article(noun: &str) -> String {
    let an = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if an { "an" } else { "a" })
}

/// Orders `A-2` before `A-10`.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
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
