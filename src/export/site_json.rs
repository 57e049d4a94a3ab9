//! `/exports/site.json`: every shown record with its derived status as of the site's date,
//! for other tools. A contract that may only be extended: every key is a field of a struct
//! below, so renaming one fails to compile, and its order is the order of the fields.

use serde::Serialize;
use serde_json::Value;

use crate::date::Date;
use crate::metrics::{ActionFacts, ActionStatus, Attainment, Figures, NcStatus, ReviewMetrics};
use crate::model::{Published, Shown, shown, shown_at};
use crate::record::{self, Kind, ReviewStatus, Sp};
use crate::site_map::href;

use super::extra;

#[derive(Serialize)]
struct SiteJson<'a> {
    generator: &'static str,
    site: SiteInfo<'a>,
    reviews: Vec<ReviewJson<'a>>,
    actions: Vec<ActionJson<'a>>,
    nonconformities: Vec<NcJson<'a>>,
    objectives: Vec<ObjectiveJson<'a>>,
    audits: Vec<AuditJson<'a>>,
    pages: Vec<PageJson<'a>>,
    /// The enabled crosswalks (docs/crosswalks.md): each requirement's standing as of the
    /// date and every piece of evidence, as this edition shows it.
    crosswalks: Vec<CrosswalkJson>,
}

#[derive(Serialize)]
struct CrosswalkJson {
    name: String,
    title: String,
    prefix: String,
    source: String,
    requirements: Vec<RequirementJson>,
}

#[derive(Serialize)]
struct RequirementJson {
    reference: String,
    title: String,
    interval_months: Option<u32>,
    standing: crate::crosswalk::Standing,
    evidence: Vec<crate::context::crosswalks::ItemCtx>,
}

fn crosswalk_json(site: &Published, ev: &crate::crosswalk::Evaluation) -> CrosswalkJson {
    let cw = &ev.crosswalk;
    CrosswalkJson {
        name: ev.name.clone(),
        title: cw.title.clone(),
        prefix: cw.prefix.clone(),
        source: cw.source.clone(),
        requirements: (cw.requirements.iter().zip(&ev.requirements))
            .map(|(req, r)| RequirementJson {
                reference: format!("{} {}", cw.prefix, req.reference),
                title: req.title.clone(),
                interval_months: req.interval_months,
                standing: r.standing,
                evidence: r.items.iter().map(|i| crate::context::crosswalks::item(site, i)).collect(),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    organization: Option<&'a str>,
    base_url: Option<&'a str>,
    framework: &'a str,
    severities: &'a [String],
    kpi_severities: &'a [String],
    as_of: String,
    audience: &'a str,
}

#[derive(Serialize)]
struct ReviewJson<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    date: String,
    status: ReviewStatus,
    kind: record::ReviewKind,
    period_start: Option<String>,
    chair: Option<&'a str>,
    approved_by: Option<&'a str>,
    approved_on: Option<String>,
    /// `sha256:<hex>` recorded at approval, and whether the content still matches it.
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_digest: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sealed_content_matches: Option<bool>,
    next_review: Option<String>,
    framework: &'a str,
    /// The management system it belongs to, on a site of several (docs/content-format.md §9).
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    climate_relevant: Option<bool>,
    confidential: bool,
    attendees: Vec<AttendeeJson<'a>>,
    conclusion: Option<&'a record::Conclusion>,
    risk: Option<&'a record::RiskSnapshot>,
    decisions: Vec<DecisionJson<'a>>,
    action_updates: Vec<ActionUpdateJson<'a>>,
    extra: Value,
    in_series: bool,
    period: PeriodJson,
    metrics_as_of: String,
    metrics: &'a ReviewMetrics,
}

#[derive(Serialize)]
struct AttendeeJson<'a> {
    name: &'a str,
    role: Option<&'a str>,
    top_management: bool,
    present: bool,
}

#[derive(Serialize)]
struct DecisionJson<'a> {
    id: &'a str,
    text: &'a str,
    kind: record::DecisionKind,
    inputs: Vec<&'a str>,
    actions: Vec<&'a str>,
    requirements: Vec<String>,
    confidential: bool,
}

#[derive(Serialize)]
struct ActionUpdateJson<'a> {
    action: &'a str,
    note: &'a str,
    requirements: Vec<String>,
    confidential: bool,
}

#[derive(Serialize)]
struct PeriodJson {
    start: Option<String>,
    end: String,
}

#[derive(Serialize)]
struct ActionJson<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    owner: &'a str,
    kind: record::ActionKind,
    origin: Option<&'a str>,
    raised: String,
    due: String,
    due_as_of: String,
    closed: Option<String>,
    cancelled: Option<String>,
    cancel_reason: Option<&'a str>,
    verified: Option<String>,
    status: ActionStatus,
    closed_on_time: Option<bool>,
    requirements: Vec<String>,
    confidential: bool,
    updates: Vec<UpdateJson<'a>>,
    /// Its own `framework`, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    framework: Option<&'a str>,
    /// The management system it belongs to, on a site of several (docs/content-format.md §9).
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    extra: Value,
}

#[derive(Serialize)]
struct UpdateJson<'a> {
    date: String,
    note: &'a str,
    due: Option<String>,
}

#[derive(Serialize)]
struct NcJson<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    raised: String,
    severity: &'a str,
    source: record::NcSource,
    audit: Option<&'a str>,
    requirements: Vec<String>,
    owner: Option<&'a str>,
    due: Option<String>,
    correction: Option<&'a str>,
    root_cause: Option<&'a str>,
    actions: Vec<&'a str>,
    closed: Option<String>,
    verified: Option<String>,
    effective: Option<bool>,
    repeat_of: Vec<&'a str>,
    status: NcStatus,
    confidential: bool,
    /// Its own `framework`, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    framework: Option<&'a str>,
    /// The management system it belongs to, on a site of several (docs/content-format.md §9).
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    extra: Value,
}

#[derive(Serialize)]
struct ObjectiveJson<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    owner: Option<&'a str>,
    unit: Option<&'a str>,
    target: f64,
    amber: Option<f64>,
    direction: record::Direction,
    attainment: Attainment,
    measurements: Vec<MeasurementJson<'a>>,
    confidential: bool,
    /// Its own `framework`, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    framework: Option<&'a str>,
    /// The management system it belongs to, on a site of several (docs/content-format.md §9).
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    extra: Value,
}

#[derive(Serialize)]
struct MeasurementJson<'a> {
    date: String,
    value: f64,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct AuditJson<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    kind: record::AuditKind,
    start: String,
    end: Option<String>,
    auditor: Option<&'a str>,
    scope: Option<&'a str>,
    result: Option<&'a str>,
    requirements: Vec<String>,
    confidential: bool,
    /// Its own `framework`, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    framework: Option<&'a str>,
    /// The management system it belongs to, on a site of several (docs/content-format.md §9).
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    extra: Value,
}

#[derive(Serialize)]
struct PageJson<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    weight: Option<i64>,
    confidential: bool,
    extra: Value,
}

/// A date as `YYYY-MM-DD` (the published view holds none dated after the as-of date).
fn date(d: &Option<Sp<Date>>) -> Option<String> {
    d.as_ref().map(|x| x.get_ref().to_string())
}

fn ids(list: &[Sp<String>]) -> Vec<&str> {
    list.iter().map(|x| x.get_ref().as_str()).collect()
}

pub(crate) fn site_json(site: &Published, figures: &Figures) -> String {
    let a = site.as_of;
    let c = &site.config;
    let doc = SiteJson {
        generator: concat!("quorum ", env!("CARGO_PKG_VERSION")),
        site: SiteInfo {
            title: &c.title,
            organization: c.organization.as_deref(),
            base_url: c.base_url.as_deref(),
            framework: &c.framework,
            severities: &c.severities,
            kpi_severities: &c.kpi_severities,
            as_of: a.to_string(),
            audience: &site.audience_name,
        },
        reviews: shown_at(&site.reviews).map(|(i, r)| review(site, figures, i, r)).collect(),
        actions: shown(&site.actions)
            .map(|r| action(r, &site.facts.actions[r.at], system(site, Kind::Action, r.at)))
            .collect(),
        nonconformities: shown(&site.nonconformities)
            .map(|r| nonconformity(r, site.facts.nonconformities[r.at], system(site, Kind::Nonconformity, r.at)))
            .collect(),
        objectives: shown(&site.objectives)
            .map(|r| objective(r, site.facts.objectives[r.at], system(site, Kind::Objective, r.at)))
            .collect(),
        audits: shown(&site.audits).map(|r| audit(r, system(site, Kind::Audit, r.at))).collect(),
        pages: shown(&site.pages)
            .map(|r| PageJson {
                id: &r.id,
                url: href(Kind::Page, &r.id),
                title: &r.fm.title,
                weight: r.fm.weight,
                confidential: r.fm.confidential,
                extra: extra(&r.fm.extra),
            })
            .collect(),
        crosswalks: figures.crosswalks.iter().map(|ev| crosswalk_json(site, ev)).collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("site.json serializes");
    s.push('\n');
    s
}

/// Record `i`'s management system, on a site of several; `None` keeps a one-system site's
/// site.json as it was.
fn system(site: &Published, kind: Kind, i: usize) -> Option<&str> {
    site.systems.label(kind, i)
}

fn own_framework(f: &Option<record::Sp<String>>) -> Option<&str> {
    f.as_ref().map(|x| x.get_ref().as_str())
}

fn review<'a>(site: &'a Published, figures: &'a Figures, i: usize, r: &'a Shown<record::Review>) -> ReviewJson<'a> {
    let f = &r.fm;
    let p = &figures.periods[i];
    let approved_on = f.approved_on.as_ref().map(|x| *x.get_ref());
    ReviewJson {
        id: &r.id,
        url: href(Kind::Review, &r.id),
        title: &f.title,
        date: f.date.get_ref().to_string(),
        status: site.facts.reviews[r.at],
        kind: f.kind,
        period_start: date(&f.period_start),
        chair: f.chair.as_deref(),
        approved_by: approved_on.and(f.approved_by.as_deref()),
        approved_on: approved_on.map(|x| x.to_string()),
        approved_digest: f.approved_digest.as_ref().map(|d| d.get_ref().as_str()),
        sealed_content_matches: match &site.seals[r.at] {
            crate::seal::Seal::Unsealed => None,
            crate::seal::Seal::Intact(_) => Some(true),
            crate::seal::Seal::Broken { .. } => Some(false),
        },
        next_review: date(&f.next_review),
        framework: f.framework.as_ref().map_or(site.config.framework.as_str(), |x| x.get_ref().as_str()),
        system: system(site, Kind::Review, r.at),
        climate_relevant: f.climate_relevant,
        confidential: f.confidential,
        attendees: (f.attendees.iter())
            .map(|x| AttendeeJson {
                name: &x.name,
                role: x.role.as_deref(),
                top_management: x.top_management,
                present: x.present,
            })
            .collect(),
        conclusion: f.conclusion.as_ref(),
        risk: f.risk.as_ref(),
        decisions: (f.decisions.iter())
            .map(|d| DecisionJson {
                id: d.id.get_ref(),
                text: &d.text,
                kind: d.kind,
                inputs: ids(&d.inputs),
                actions: ids(&d.actions),
                requirements: record::texts(&d.requirements),
                confidential: d.confidential,
            })
            .collect(),
        action_updates: (f.action_updates.iter())
            .map(|u| ActionUpdateJson {
                action: u.action.get_ref(),
                note: &u.note,
                requirements: record::texts(&u.requirements),
                confidential: u.confidential,
            })
            .collect(),
        extra: extra(&f.extra),
        in_series: p.in_series,
        period: PeriodJson { start: p.period.first_day().map(|d| d.to_string()), end: p.period.end.to_string() },
        metrics_as_of: p.as_of.to_string(),
        metrics: &figures.metrics[i],
    }
}

fn action<'a>(r: &'a Shown<record::Action>, facts: &ActionFacts, system: Option<&'a str>) -> ActionJson<'a> {
    let f = &r.fm;
    let mut updates: Vec<(usize, &record::Update)> = f.updates.iter().enumerate().collect();
    updates.sort_by_key(|(i, u)| (*u.date.get_ref(), *i));
    ActionJson {
        id: &r.id,
        url: href(Kind::Action, &r.id),
        title: &f.title,
        owner: &f.owner,
        kind: f.kind,
        origin: f.origin.as_ref().map(|o| o.get_ref().as_str()),
        raised: f.raised.get_ref().to_string(),
        due: f.due.get_ref().to_string(),
        due_as_of: facts.due.to_string(),
        closed: date(&f.closed),
        cancelled: date(&f.cancelled),
        cancel_reason: f.cancel_reason.as_ref().map(|c| c.get_ref().as_str()),
        verified: date(&f.verified),
        requirements: record::texts(&f.requirements),
        status: facts.status,
        closed_on_time: facts.closed_on_time,
        confidential: f.confidential,
        updates: (updates.into_iter())
            .map(|(_, u)| UpdateJson { date: u.date.get_ref().to_string(), note: &u.note, due: date(&u.due) })
            .collect(),
        framework: own_framework(&f.framework),
        system,
        extra: extra(&f.extra),
    }
}

fn nonconformity<'a>(r: &'a Shown<record::Nonconformity>, status: NcStatus, system: Option<&'a str>) -> NcJson<'a> {
    let f = &r.fm;
    NcJson {
        id: &r.id,
        url: href(Kind::Nonconformity, &r.id),
        title: &f.title,
        raised: f.raised.get_ref().to_string(),
        severity: f.severity.get_ref(),
        source: f.source,
        audit: f.audit.as_ref().map(|x| x.get_ref().as_str()),
        requirements: record::texts(&f.requirements),
        owner: f.owner.as_deref(),
        due: date(&f.due),
        correction: f.correction.as_deref(),
        root_cause: f.root_cause.as_deref(),
        actions: ids(&f.actions),
        closed: date(&f.closed),
        verified: date(&f.verified),
        effective: f.verified.as_ref().map(|_| f.effective.as_ref().is_none_or(|e| *e.get_ref())),
        repeat_of: ids(&f.repeat_of),
        status,
        confidential: f.confidential,
        framework: own_framework(&f.framework),
        system,
        extra: extra(&f.extra),
    }
}

fn objective<'a>(
    r: &'a Shown<record::Objective>,
    attainment: Attainment,
    system: Option<&'a str>,
) -> ObjectiveJson<'a> {
    let f = &r.fm;
    let mut ms: Vec<(usize, &record::Measurement)> = f.measurements.iter().enumerate().collect();
    ms.sort_by_key(|(i, m)| (*m.date.get_ref(), *i));
    ObjectiveJson {
        id: &r.id,
        url: href(Kind::Objective, &r.id),
        title: &f.title,
        owner: f.owner.as_deref(),
        unit: f.unit.as_deref(),
        target: f.target,
        amber: f.amber.as_ref().map(|x| *x.get_ref()),
        direction: f.direction,
        attainment,
        measurements: (ms.into_iter())
            .map(|(_, m)| MeasurementJson {
                date: m.date.get_ref().to_string(),
                value: m.value,
                note: m.note.as_deref(),
            })
            .collect(),
        confidential: f.confidential,
        framework: own_framework(&f.framework),
        system,
        extra: extra(&f.extra),
    }
}

fn audit<'a>(r: &'a Shown<record::Audit>, system: Option<&'a str>) -> AuditJson<'a> {
    let f = &r.fm;
    AuditJson {
        id: &r.id,
        url: href(Kind::Audit, &r.id),
        title: &f.title,
        kind: f.kind,
        start: f.start.get_ref().to_string(),
        end: date(&f.end),
        auditor: f.auditor.as_deref(),
        scope: f.scope.as_deref(),
        result: f.result.as_deref(),
        requirements: record::texts(&f.requirements),
        confidential: f.confidential,
        framework: own_framework(&f.framework),
        system,
        extra: extra(&f.extra),
    }
}
