//! Typed template contexts: what each page of the default theme shows, computed from the
//! [`Site`] as of its date. Dates are formatted here, not in templates.

use serde::Serialize;

use crate::date::Date;
use crate::metrics::{self, ActionStatus, Attainment, NcStatus};
use crate::model::{Backlink, Published, Shown};
use crate::record::Kind;
use crate::record::{self, ReviewStatus};

pub(crate) mod attention;
pub(crate) mod crosswalks;
pub(crate) mod order;
mod others;
mod owners;
mod provenance;
mod records;
mod reviews;

use crate::site_map::href;
pub(crate) use others::*;
pub(crate) use owners::*;
pub(crate) use provenance::*;
pub(crate) use records::*;
pub(crate) use reviews::*;

/// A status shown as a word (never colour alone); `class` picks the style.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Badge {
    pub(crate) class: &'static str,
    pub(crate) label: String,
}

impl Badge {
    fn new(class: &'static str, label: impl Into<String>) -> Badge {
        Badge { class, label: label.into() }
    }
}

pub(crate) fn plural(n: i64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// An action's status in words, from its facts (as of the site's date or of a review).
pub(crate) fn action_badge(f: &metrics::ActionFacts) -> Badge {
    match f.status {
        ActionStatus::NotYetRaised => Badge::new("planned", "Not yet raised"),
        ActionStatus::Cancelled => Badge::new("cancelled", "Cancelled"),
        ActionStatus::Closed => match (f.closed_on_time, f.verified) {
            (Some(false), true) => Badge::new("closed-late", "Closed late, verified"),
            (Some(false), false) => Badge::new("closed-late", "Closed late"),
            (_, true) => Badge::new("closed", "Closed, verified"),
            _ => Badge::new("closed", "Closed"),
        },
        ActionStatus::Overdue => Badge::new("overdue", format!("Overdue {}", plural(f.days_overdue, "day"))),
        ActionStatus::Open => Badge::new("open", "Open"),
    }
}

pub(crate) fn nc_badge(status: NcStatus) -> Badge {
    match status {
        NcStatus::NotYetRaised => Badge::new("planned", "Not yet raised"),
        NcStatus::Ineffective => Badge::new("overdue", "Ineffective"),
        NcStatus::Verified => Badge::new("closed", "Verified"),
        NcStatus::Closed => Badge::new("closed", "Closed"),
        NcStatus::Open => Badge::new("open", "Open"),
    }
}

pub(crate) fn review_badge(status: ReviewStatus) -> Badge {
    match status {
        ReviewStatus::Planned => Badge::new("planned", "Planned"),
        ReviewStatus::Held => Badge::new("open", "Held, not approved"),
        ReviewStatus::Approved => Badge::new("closed", "Approved"),
    }
}

pub(crate) fn attainment_badge(attainment: Attainment) -> Badge {
    match attainment {
        Attainment::Met => Badge::new("closed", "Met"),
        Attainment::Amber => Badge::new("amber", "Amber"),
        Attainment::Missed => Badge::new("overdue", "Missed"),
        Attainment::None => Badge::new("planned", "No measurement"),
    }
}

/// The badge of a status of any kind.
pub(crate) fn status_badge(s: &metrics::Status) -> Badge {
    match s {
        metrics::Status::Action(f) => action_badge(f),
        metrics::Status::Nonconformity(n) => nc_badge(*n),
        metrics::Status::Objective(a) => attainment_badge(*a),
        metrics::Status::Review(r) => review_badge(*r),
    }
}

/// Where a page quotes statuses as of its own date (a review's meeting, an audit's end): the
/// quoted statuses and the words that say when they held ("at this review").
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub(crate) quotes: &'a metrics::Quotes,
    pub(crate) when: &'static str,
}

impl At<'_> {
    /// The badges of record `i` of `kind` on this page: its status then, and its status now
    /// when that reads differently.
    pub(crate) fn badges(&self, kind: Kind, i: usize) -> Option<(Badge, Option<Badge>)> {
        self.quotes.get(&(kind, i)).map(|q| quoted_badges(q, self.when))
    }
}

/// A quoted status as badges: "Open at this review", then, where the status has changed
/// since, "now: Closed late on 2026-07-02" (or "now: Met, measured 2026-10-31").
pub(crate) fn quoted_badges(q: &metrics::Quote, when: &str) -> (Badge, Option<Badge>) {
    let then = status_badge(&q.then.status);
    (Badge::new(then.class, format!("{} {when}", then.label)), now_badge(q))
}

/// A quoted record's status as of the site's date, dated, where it reads differently from
/// its status then: "now: Closed late on 2026-07-02".
pub(crate) fn now_badge(q: &metrics::Quote) -> Option<Badge> {
    let then = status_badge(&q.then.status);
    let now = status_badge(&q.now.status);
    (then.label != now.label || then.class != now.class).then(|| {
        let label = match (q.now.since, q.now.status) {
            (Some(d), metrics::Status::Objective(_)) => format!("now: {}, measured {d}", now.label),
            (Some(d), _) => format!("now: {} on {d}", now.label),
            (None, _) => format!("now: {}", now.label),
        };
        Badge::new(now.class, label)
    })
}

/// A link to a record (or decision), or its plain ID when it is not in this build.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Ref {
    pub(crate) id: String,
    pub(crate) title: String,
    /// Site-relative href (prefix with `root`); empty when withheld.
    pub(crate) href: String,
    /// As of the site's date, or, on a dated page, as of the page's date.
    pub(crate) status: Option<Badge>,
    /// On a dated page: the status as of the site's date, where it reads differently.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) now: Option<Badge>,
    pub(crate) withheld: bool,
    /// A page of the site (its ID is a file name): links read as its title alone.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) page: bool,
}

/// The status badge of any record kind, as of the site's date.
pub(crate) fn badge_of(site: &Published, kind: Kind, i: usize) -> Option<Badge> {
    let f = &site.facts;
    Some(match kind {
        Kind::Review => review_badge(*f.reviews.get(i)?),
        Kind::Action => action_badge(f.actions.get(i)?),
        Kind::Nonconformity => nc_badge(*f.nonconformities.get(i)?),
        Kind::Objective => attainment_badge(*f.objectives.get(i)?),
        _ => return None,
    })
}

/// Resolves `ID` or `REVIEW#D1` to a [`Ref`] with its status as of the site's date.
pub(crate) fn reference(site: &Published, target: &str) -> Ref {
    reference_at(site, target, None)
}

/// Resolves `ID` or `REVIEW#D1` to a [`Ref`]; on a dated page (`at`), a quoted record's
/// status is the one it had then, with its status now beside it where that differs.
pub(crate) fn reference_at(site: &Published, target: &str, at: Option<&At>) -> Ref {
    let (id, frag) = match target.split_once('#') {
        Some((i, f)) => (i, Some(f)),
        None => (target, None),
    };
    match site.lookup(id) {
        Some((kind, i)) => {
            let canonical = site.canonical_id(id).unwrap_or(id).to_string();
            let title = site.title_of(id).unwrap_or_default().to_string();
            let mut href = href(kind, &canonical);
            let mut label_id = canonical.clone();
            let mut title_out = title;
            if let Some(f) = frag {
                if site.fragment_withheld(id, f) {
                    let id = format!("{canonical}#{f}");
                    return Ref {
                        id,
                        title: String::new(),
                        href: String::new(),
                        status: None,
                        now: None,
                        withheld: true,
                        page: false,
                    };
                }
                href = format!("{href}#{f}");
                label_id = format!("{canonical}#{f}");
                if let Some(dec) = site.review(id).and_then(|r| r.fm.decisions.iter().find(|d| d.id.get_ref() == f)) {
                    title_out = dec.text.clone();
                }
            }
            let (status, now) = match (frag, at.and_then(|at| at.badges(kind, i))) {
                (Some(_), _) => (None, None),
                (None, Some((then, now))) => (Some(then), now),
                (None, None) => (badge_of(site, kind, i), None),
            };
            Ref { id: label_id, title: title_out, href, status, now, withheld: false, page: kind == Kind::Page }
        }
        None => Ref {
            id: target.to_string(),
            title: String::new(),
            href: String::new(),
            status: None,
            now: None,
            withheld: true,
            page: false,
        },
    }
}

#[derive(Serialize)]
pub(crate) struct BacklinkCtx {
    pub(crate) reference: Ref,
    pub(crate) relation: String,
}

pub(crate) fn backlinks(site: &Published, id: &str) -> Vec<BacklinkCtx> {
    backlinks_except(site, id, std::iter::empty::<&str>())
}

/// The records that link to `id`, less those the page already links to in a section of its
/// own (an NC's corrective actions and audit, an audit's findings, a review's actions): each
/// fact once.
pub(crate) fn backlinks_except<'a>(
    site: &Published,
    id: &str,
    shown: impl IntoIterator<Item = &'a str>,
) -> Vec<BacklinkCtx> {
    let shown: Vec<String> = shown.into_iter().map(|s| s.split('#').next().unwrap_or(s).to_lowercase()).collect();
    site.backlinks
        .get(&id.to_lowercase())
        .map(|v| {
            v.iter()
                .filter(|b| !shown.contains(&b.from.split('#').next().unwrap_or(&b.from).to_lowercase()))
                .map(|b: &Backlink| BacklinkCtx { reference: reference(site, &b.from), relation: b.relation.clone() })
                .collect()
        })
        .unwrap_or_default()
}

/// Free `[extra]` fields, shown as a key/value table.
#[derive(Serialize)]
pub(crate) struct ExtraField {
    pub(crate) key: String,
    /// The key as a reader sees it: `breach_log` → "Breach log".
    pub(crate) label: String,
    pub(crate) value: String,
}

/// A field name in words: `ico_reference` → "Ico reference", `review-date` → "Review date".
pub(crate) fn field_label(key: &str) -> String {
    let words = key.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

pub(crate) fn extra(table: &Option<toml::Table>) -> Vec<ExtraField> {
    table
        .iter()
        .flatten()
        .map(|(k, v)| ExtraField {
            key: k.clone(),
            label: field_label(k),
            value: match v {
                toml::Value::String(s) => s.clone(),
                other => crate::output::toml_to_json(other).to_string(),
            },
        })
        .collect()
}

#[derive(Serialize)]
pub(crate) struct Attachment {
    pub(crate) name: String,
    pub(crate) href: String,
}

pub(crate) fn attachments<T>(site: &Published, rec: &Shown<T>) -> Vec<Attachment> {
    rec.attachments
        .iter()
        .filter_map(|a| {
            let out = site.assets.get(&format!("{}/{}", rec.dir, a.name))?;
            Some(Attachment { name: a.name.clone(), href: crate::escape::url_path(out) })
        })
        .collect()
}

pub(super) fn opt_date<T>(d: &Option<toml::Spanned<T>>) -> Option<String>
where
    T: std::fmt::Display,
{
    d.as_ref().map(|x| x.get_ref().to_string())
}

/// Record `i`'s management system by name, on a site of several; else `None`.
pub(crate) fn system_of(site: &Published, kind: Kind, i: usize) -> Option<String> {
    site.systems.label(kind, i).map(str::to_string)
}
