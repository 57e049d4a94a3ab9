//! Typed template contexts: what each page of the default theme shows, computed from the
//! [`Site`] as of its date. Dates are formatted here, not in templates.

use serde::Serialize;

use crate::date::Date;
use crate::metrics::{self, ActionStatus, Attainment, NcStatus};
use crate::model::{Backlink, Published, Shown};
use crate::record::Kind;
use crate::record::{self, ReviewStatus};
use crate::site_map::href;

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

fn plural(n: i64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub(crate) fn action_badge(a: &record::Action, d: Date) -> Badge {
    match metrics::action_status(a, d) {
        ActionStatus::NotYetRaised => Badge::new("planned", "Not yet raised"),
        ActionStatus::Cancelled => Badge::new("cancelled", "Cancelled"),
        ActionStatus::Closed => {
            let verified = metrics::verified_by(a, d);
            match (metrics::closed_on_time(a), verified) {
                (Some(false), true) => Badge::new("closed-late", "Closed late, verified"),
                (Some(false), false) => Badge::new("closed-late", "Closed late"),
                (_, true) => Badge::new("closed", "Closed, verified"),
                _ => Badge::new("closed", "Closed"),
            }
        }
        ActionStatus::Overdue => {
            let days = metrics::due_as_of(a, d).days_until(d);
            Badge::new("overdue", format!("Overdue {}", plural(days, "day")))
        }
        ActionStatus::Open => Badge::new("open", "Open"),
    }
}

pub(crate) fn nc_badge(n: &record::Nonconformity, d: Date) -> Badge {
    match metrics::nc_status(n, d) {
        NcStatus::NotYetRaised => Badge::new("planned", "Not yet raised"),
        NcStatus::Ineffective => Badge::new("overdue", "Ineffective"),
        NcStatus::Verified => Badge::new("closed", "Verified"),
        NcStatus::Closed => Badge::new("closed", "Closed"),
        NcStatus::Open => Badge::new("open", "Open"),
    }
}

pub(crate) fn review_badge(r: &record::Review, d: Date) -> Badge {
    let approved_on = r.approved_on.as_ref().map(|a| *a.get_ref());
    match metrics::review_status(*r.status.get_ref(), approved_on, d) {
        ReviewStatus::Planned => Badge::new("planned", "Planned"),
        ReviewStatus::Held => Badge::new("open", "Held, not approved"),
        ReviewStatus::Approved => Badge::new("closed", "Approved"),
    }
}

pub(crate) fn attainment_badge(o: &record::Objective, d: Date) -> Badge {
    match metrics::attainment(o, d) {
        Attainment::Met => Badge::new("closed", "Met"),
        Attainment::Amber => Badge::new("amber", "Amber"),
        Attainment::Missed => Badge::new("overdue", "Missed"),
        Attainment::None => Badge::new("planned", "No measurement"),
    }
}

/// A link to a record (or decision), or its plain ID when it is not in this build.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Ref {
    pub(crate) id: String,
    pub(crate) title: String,
    /// Site-relative href (prefix with `root`); empty when withheld.
    pub(crate) href: String,
    pub(crate) status: Option<Badge>,
    pub(crate) withheld: bool,
}

/// The status badge of any record kind, as of the site's date.
pub(crate) fn badge_of(site: &Published, kind: Kind, i: usize) -> Option<Badge> {
    let d = site.as_of;
    Some(match kind {
        Kind::Review => review_badge(&site.reviews[i].shown()?.fm, d),
        Kind::Action => action_badge(&site.actions[i].shown()?.fm, d),
        Kind::Nonconformity => nc_badge(&site.nonconformities[i].shown()?.fm, d),
        Kind::Objective => attainment_badge(&site.objectives[i].shown()?.fm, d),
        _ => return None,
    })
}

/// Resolves `ID` or `REVIEW#D1` to a [`Ref`].
pub(crate) fn reference(site: &Published, target: &str) -> Ref {
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
                    return Ref { id, title: String::new(), href: String::new(), status: None, withheld: true };
                }
                href = format!("{href}#{f}");
                label_id = format!("{canonical}#{f}");
                if let Some(dec) = site.review(id).and_then(|r| r.fm.decisions.iter().find(|d| d.id.get_ref() == f)) {
                    title_out = dec.text.clone();
                }
            }
            Ref {
                id: label_id,
                title: title_out,
                href,
                status: if frag.is_some() { None } else { badge_of(site, kind, i) },
                withheld: false,
            }
        }
        None => Ref { id: target.to_string(), title: String::new(), href: String::new(), status: None, withheld: true },
    }
}

#[derive(Serialize)]
pub(crate) struct BacklinkCtx {
    pub(crate) reference: Ref,
    pub(crate) relation: String,
}

pub(crate) fn backlinks(site: &Published, id: &str) -> Vec<BacklinkCtx> {
    site.backlinks
        .get(&id.to_lowercase())
        .map(|v| {
            v.iter()
                .map(|b: &Backlink| BacklinkCtx { reference: reference(site, &b.from), relation: b.relation.clone() })
                .collect()
        })
        .unwrap_or_default()
}

/// Free `[extra]` fields, shown as a key/value table.
#[derive(Serialize)]
pub(crate) struct ExtraField {
    pub(crate) key: String,
    pub(crate) value: String,
}

pub(crate) fn extra(table: &Option<toml::Table>) -> Vec<ExtraField> {
    table
        .iter()
        .flatten()
        .map(|(k, v)| ExtraField {
            key: k.clone(),
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

fn opt_date<T>(d: &Option<toml::Spanned<T>>) -> Option<String>
where
    T: std::fmt::Display,
{
    d.as_ref().map(|x| x.get_ref().to_string())
}

// ---- actions ----

#[derive(Serialize)]
pub(crate) struct ActionRow {
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) owner: String,
    pub(crate) kind: &'static str,
    pub(crate) raised: String,
    pub(crate) due: String,
    pub(crate) original_due: String,
    pub(crate) replanned: bool,
    pub(crate) closed: Option<String>,
    pub(crate) status: Badge,
    pub(crate) status_key: &'static str,
}

pub(crate) fn action_kind_label(k: record::ActionKind) -> &'static str {
    match k {
        record::ActionKind::Review => "Review action",
        record::ActionKind::Correction => "Correction",
        record::ActionKind::Corrective => "Corrective action",
        record::ActionKind::Improvement => "Improvement",
        record::ActionKind::RiskTreatment => "Risk treatment",
    }
}

pub(crate) fn action_row(site: &Published, r: &Shown<record::Action>) -> ActionRow {
    let a = &r.fm;
    let due = metrics::due_as_of(a, site.as_of);
    ActionRow {
        id: r.id.clone(),
        href: href(Kind::Action, &r.id),
        title: a.title.clone(),
        owner: a.owner.clone(),
        kind: action_kind_label(a.kind),
        raised: a.raised.get_ref().to_string(),
        due: due.to_string(),
        original_due: a.due.get_ref().to_string(),
        replanned: due != *a.due.get_ref(),
        closed: opt_date(&a.closed),
        status: action_badge(a, site.as_of),
        status_key: metrics::action_status(a, site.as_of).as_str(),
    }
}

#[derive(Serialize)]
pub(crate) struct UpdateCtx {
    pub(crate) date: String,
    pub(crate) note: String,
    pub(crate) due: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct ActionPage {
    #[serde(flatten)]
    pub(crate) row: ActionRow,
    pub(crate) origin: Option<Ref>,
    pub(crate) cancelled: Option<String>,
    pub(crate) cancel_reason: Option<String>,
    pub(crate) verified: Option<String>,
    pub(crate) closed_on_time: Option<bool>,
    pub(crate) updates: Vec<UpdateCtx>,
    pub(crate) body: String,
    pub(crate) backlinks: Vec<BacklinkCtx>,
    pub(crate) extra: Vec<ExtraField>,
    pub(crate) attachments: Vec<Attachment>,
    pub(crate) confidential: bool,
}

pub(crate) fn action_page(site: &Published, r: &Shown<record::Action>, body: String) -> ActionPage {
    let a = &r.fm;
    let mut updates: Vec<(Date, usize, &record::Update)> =
        a.updates.iter().enumerate().map(|(i, u)| (*u.date.get_ref(), i, u)).collect();
    updates.sort_by_key(|(date, i, _)| (*date, *i));
    ActionPage {
        row: action_row(site, r),
        origin: a.origin.as_ref().map(|o| reference(site, o.get_ref())),
        cancelled: opt_date(&a.cancelled),
        cancel_reason: a.cancel_reason.as_ref().map(|c| c.get_ref().clone()),
        verified: opt_date(&a.verified),
        closed_on_time: metrics::closed_on_time(a),
        updates: updates
            .into_iter()
            .map(|(date, _, u)| UpdateCtx { date: date.to_string(), note: u.note.clone(), due: opt_date(&u.due) })
            .collect(),
        body,
        backlinks: backlinks(site, &r.id),
        extra: extra(&a.extra),
        attachments: attachments(site, r),
        confidential: a.confidential,
    }
}

// ---- nonconformities ----

pub(crate) fn source_label(s: record::NcSource) -> &'static str {
    match s {
        record::NcSource::InternalAudit => "Internal audit",
        record::NcSource::ExternalAudit => "External audit",
        record::NcSource::Incident => "Incident",
        record::NcSource::Monitoring => "Monitoring",
        record::NcSource::ManagementReview => "Management review",
        record::NcSource::Complaint => "Complaint",
        record::NcSource::SelfReported => "Self-identified",
    }
}

#[derive(Serialize)]
pub(crate) struct NcRow {
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) severity: String,
    pub(crate) source: &'static str,
    pub(crate) raised: String,
    pub(crate) closed: Option<String>,
    pub(crate) owner: Option<String>,
    pub(crate) status: Badge,
    pub(crate) status_key: &'static str,
}

pub(crate) fn nc_row(site: &Published, r: &Shown<record::Nonconformity>) -> NcRow {
    let n = &r.fm;
    NcRow {
        id: r.id.clone(),
        href: href(Kind::Nonconformity, &r.id),
        title: n.title.clone(),
        severity: n.severity.get_ref().clone(),
        source: source_label(n.source),
        raised: n.raised.get_ref().to_string(),
        closed: opt_date(&n.closed),
        owner: n.owner.clone(),
        status: nc_badge(n, site.as_of),
        status_key: metrics::nc_status(n, site.as_of).as_str(),
    }
}

#[derive(Serialize)]
pub(crate) struct NcPage {
    #[serde(flatten)]
    pub(crate) row: NcRow,
    pub(crate) audit: Option<Ref>,
    pub(crate) requirements: Vec<String>,
    pub(crate) due: Option<String>,
    pub(crate) correction: Option<String>,
    pub(crate) root_cause: Option<String>,
    pub(crate) actions: Vec<Ref>,
    pub(crate) verified: Option<String>,
    pub(crate) effective: Option<bool>,
    pub(crate) repeat_of: Vec<Ref>,
    pub(crate) body: String,
    pub(crate) backlinks: Vec<BacklinkCtx>,
    pub(crate) extra: Vec<ExtraField>,
    pub(crate) attachments: Vec<Attachment>,
    pub(crate) confidential: bool,
}

pub(crate) fn nc_page(site: &Published, r: &Shown<record::Nonconformity>, body: String) -> NcPage {
    let n = &r.fm;
    let verified_by_date = n.verified.is_some();
    NcPage {
        row: nc_row(site, r),
        audit: n.audit.as_ref().map(|a| reference(site, a.get_ref())),
        requirements: n.requirements.clone(),
        due: opt_date(&n.due),
        correction: n.correction.clone(),
        root_cause: n.root_cause.clone(),
        actions: n.actions.iter().map(|a| reference(site, a.get_ref())).collect(),
        verified: opt_date(&n.verified),
        effective: if verified_by_date { Some(n.effective.as_ref().is_none_or(|e| *e.get_ref())) } else { None },
        repeat_of: n.repeat_of.iter().map(|a| reference(site, a.get_ref())).collect(),
        body,
        backlinks: backlinks(site, &r.id),
        extra: extra(&n.extra),
        attachments: attachments(site, r),
        confidential: n.confidential,
    }
}

// ---- reviews ----

#[derive(Serialize)]
pub(crate) struct ReviewRow {
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) date: String,
    pub(crate) kind: &'static str,
    pub(crate) chair: Option<String>,
    pub(crate) status: Badge,
    pub(crate) decision_count: usize,
}

pub(crate) fn review_row(site: &Published, r: &Shown<record::Review>) -> ReviewRow {
    let f = &r.fm;
    ReviewRow {
        id: r.id.clone(),
        href: href(Kind::Review, &r.id),
        title: f.title.clone(),
        date: f.date.get_ref().to_string(),
        kind: match f.kind {
            record::ReviewKind::Scheduled => "Scheduled",
            record::ReviewKind::Extraordinary => "Extraordinary",
        },
        chair: f.chair.clone(),
        status: review_badge(f, site.as_of),
        // A count, so the same for every audience; the page lists the visible ones and the rest as withheld.
        decision_count: f.decisions.len() + r.decisions_withheld,
    }
}

#[derive(Serialize)]
pub(crate) struct AttendeeCtx {
    pub(crate) name: String,
    pub(crate) role: Option<String>,
    pub(crate) top_management: bool,
}

#[derive(Serialize)]
pub(crate) struct DecisionCtx {
    pub(crate) id: String,
    pub(crate) text: String,
    pub(crate) kind: &'static str,
    pub(crate) kind_label: String,
    pub(crate) inputs: Vec<InputRef>,
    pub(crate) actions: Vec<Ref>,
    pub(crate) requirements: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct InputRef {
    pub(crate) key: String,
    pub(crate) title: String,
}

#[derive(Serialize)]
pub(crate) struct ActionUpdateCtx {
    pub(crate) action: Ref,
    pub(crate) note: String,
}

#[derive(Serialize)]
pub(crate) struct ConclusionCtx {
    pub(crate) suitable: &'static str,
    pub(crate) adequate: &'static str,
    pub(crate) effective: &'static str,
    pub(crate) rationale: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct ReviewPage {
    #[serde(flatten)]
    pub(crate) row: ReviewRow,
    pub(crate) approved_by: Option<String>,
    pub(crate) approved_on: Option<String>,
    pub(crate) not_approved: bool,
    pub(crate) planned: bool,
    pub(crate) next_review: Option<String>,
    pub(crate) framework: String,
    pub(crate) framework_title: String,
    pub(crate) climate_relevant: Option<bool>,
    pub(crate) present: Vec<AttendeeCtx>,
    pub(crate) absent: Vec<AttendeeCtx>,
    pub(crate) body: String,
    pub(crate) decisions: Vec<DecisionCtx>,
    pub(crate) decisions_withheld: usize,
    pub(crate) action_updates: Vec<ActionUpdateCtx>,
    pub(crate) updates_withheld: usize,
    pub(crate) conclusion: Option<ConclusionCtx>,
    pub(crate) risk: Option<record::RiskSnapshot>,
    pub(crate) attachments: Vec<Attachment>,
    pub(crate) backlinks: Vec<BacklinkCtx>,
    pub(crate) extra: Vec<ExtraField>,
    pub(crate) confidential: bool,
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "Not stated",
    }
}

pub(crate) fn decision_kind_label(k: record::DecisionKind) -> String {
    match k {
        record::DecisionKind::IsmsChange => "Change to the ISMS".into(),
        record::DecisionKind::RiskAcceptance => "Risk acceptance".into(),
        other => {
            let s = other.as_str();
            s[..1].to_uppercase() + &s[1..]
        }
    }
}

pub(crate) fn review_page(site: &Published, r: &Shown<record::Review>, body: String) -> ReviewPage {
    let f = &r.fm;
    let d = site.as_of;
    let fw_name = f.framework.as_ref().map_or(site.config.framework.clone(), |x| x.get_ref().clone());
    let fw = site.config.framework(&fw_name);
    let input_title = |k: &str| fw.and_then(|fw| fw.input(k)).map_or(k.to_string(), |i| i.title.clone());
    let att = |a: &record::Attendee| AttendeeCtx {
        name: a.name.clone(),
        role: a.role.clone(),
        top_management: a.top_management,
    };
    let decisions: Vec<DecisionCtx> = f
        .decisions
        .iter()
        .map(|x| DecisionCtx {
            id: x.id.get_ref().clone(),
            text: x.text.clone(),
            kind: x.kind.as_str(),
            kind_label: decision_kind_label(x.kind),
            inputs: x
                .inputs
                .iter()
                .map(|i| InputRef { key: i.get_ref().clone(), title: input_title(i.get_ref()) })
                .collect(),
            actions: x.actions.iter().map(|a| reference(site, a.get_ref())).collect(),
            requirements: x.requirements.clone(),
        })
        .collect();
    let updates: Vec<ActionUpdateCtx> = f
        .action_updates
        .iter()
        .map(|u| ActionUpdateCtx { action: reference(site, u.action.get_ref()), note: u.note.clone() })
        .collect();
    let approved_on = f.approved_on.as_ref().map(|a| *a.get_ref());
    let status = metrics::review_status(*f.status.get_ref(), approved_on, d);
    ReviewPage {
        row: review_row(site, r),
        approved_by: f.approved_by.clone().filter(|_| status == ReviewStatus::Approved),
        approved_on: approved_on.map(|a| a.to_string()),
        not_approved: status == ReviewStatus::Held,
        planned: status == ReviewStatus::Planned,
        next_review: opt_date(&f.next_review),
        framework: fw_name.clone(),
        framework_title: fw.map_or(fw_name.clone(), |x| x.title.clone()),
        climate_relevant: f.climate_relevant,
        present: f.attendees.iter().filter(|a| a.present).map(att).collect(),
        absent: f.attendees.iter().filter(|a| !a.present).map(att).collect(),
        body,
        decisions_withheld: r.decisions_withheld,
        decisions,
        updates_withheld: r.updates_withheld,
        action_updates: updates,
        conclusion: f.conclusion.as_ref().map(|c| ConclusionCtx {
            suitable: yes_no(c.suitable),
            adequate: yes_no(c.adequate),
            effective: yes_no(c.effective),
            rationale: c.rationale.clone(),
        }),
        risk: f.risk.clone(),
        attachments: attachments(site, r),
        backlinks: backlinks(site, &r.id),
        extra: extra(&f.extra),
        confidential: f.confidential,
    }
}

// ---- objectives, audits, pages ----

#[derive(Serialize)]
pub(crate) struct MeasurementCtx {
    pub(crate) date: String,
    pub(crate) value: String,
    pub(crate) note: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct ObjectiveRow {
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) owner: Option<String>,
    pub(crate) target: String,
    pub(crate) amber: Option<String>,
    pub(crate) direction: &'static str,
    pub(crate) latest: Option<MeasurementCtx>,
    pub(crate) status: Badge,
}

/// Numbers as written: integers without a decimal point.
pub(crate) fn number(v: f64, unit: &Option<String>) -> String {
    let n = if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") };
    match unit.as_deref() {
        Some("%") => format!("{n} %"),
        Some(u) if !u.is_empty() => format!("{n} {u}"),
        _ => n,
    }
}

pub(crate) fn objective_row(site: &Published, r: &Shown<record::Objective>) -> ObjectiveRow {
    let o = &r.fm;
    ObjectiveRow {
        id: r.id.clone(),
        href: href(Kind::Objective, &r.id),
        title: o.title.clone(),
        owner: o.owner.clone(),
        target: number(o.target, &o.unit),
        amber: o.amber.as_ref().map(|a| number(*a.get_ref(), &o.unit)),
        direction: match o.direction {
            record::Direction::HigherBetter => "Higher is better",
            record::Direction::LowerBetter => "Lower is better",
        },
        latest: metrics::latest_measurement(o, site.as_of).map(|m| MeasurementCtx {
            date: m.date.get_ref().to_string(),
            value: number(m.value, &o.unit),
            note: m.note.clone(),
        }),
        status: attainment_badge(o, site.as_of),
    }
}

#[derive(Serialize)]
pub(crate) struct ObjectivePage {
    #[serde(flatten)]
    pub(crate) row: ObjectiveRow,
    pub(crate) measurements: Vec<MeasurementCtx>,
    pub(crate) body: String,
    pub(crate) backlinks: Vec<BacklinkCtx>,
    pub(crate) extra: Vec<ExtraField>,
    pub(crate) attachments: Vec<Attachment>,
}

pub(crate) fn objective_page(site: &Published, r: &Shown<record::Objective>, body: String) -> ObjectivePage {
    let o = &r.fm;
    let mut ms: Vec<(usize, &record::Measurement)> = o.measurements.iter().enumerate().collect();
    ms.sort_by_key(|(i, m)| (*m.date.get_ref(), *i));
    ObjectivePage {
        row: objective_row(site, r),
        measurements: ms
            .into_iter()
            .map(|(_, m)| MeasurementCtx {
                date: m.date.get_ref().to_string(),
                value: number(m.value, &o.unit),
                note: m.note.clone(),
            })
            .collect(),
        body,
        backlinks: backlinks(site, &r.id),
        extra: extra(&o.extra),
        attachments: attachments(site, r),
    }
}

#[derive(Serialize)]
pub(crate) struct AuditRow {
    pub(crate) id: String,
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) kind: &'static str,
    pub(crate) start: String,
    pub(crate) end: Option<String>,
    pub(crate) auditor: Option<String>,
    pub(crate) result: Option<String>,
    pub(crate) findings: usize,
}

pub(crate) fn audit_kind_label(k: record::AuditKind) -> &'static str {
    match k {
        record::AuditKind::Internal => "Internal audit",
        record::AuditKind::External => "External audit",
        record::AuditKind::Certification => "Certification audit",
        record::AuditKind::Surveillance => "Surveillance audit",
        record::AuditKind::Supplier => "Supplier audit",
    }
}

/// Every nonconformity raised against an audit, shown or withheld (counts never depend on the
/// audience; lists show the ones the reader may see and say how many they leave out).
fn findings<'a>(site: &'a Published, id: &str) -> &'a [usize] {
    site.lookup(id).and_then(|(_, i)| site.findings.get(i)).map_or(&[], Vec::as_slice)
}

pub(crate) fn audit_row(site: &Published, r: &Shown<record::Audit>) -> AuditRow {
    let a = &r.fm;
    AuditRow {
        id: r.id.clone(),
        href: href(Kind::Audit, &r.id),
        title: a.title.clone(),
        kind: audit_kind_label(a.kind),
        start: a.start.get_ref().to_string(),
        end: opt_date(&a.end),
        auditor: a.auditor.clone(),
        result: a.result.clone(),
        findings: findings(site, &r.id).len(),
    }
}

#[derive(Serialize)]
pub(crate) struct AuditPage {
    #[serde(flatten)]
    pub(crate) row: AuditRow,
    pub(crate) scope: Option<String>,
    pub(crate) requirements: Vec<String>,
    pub(crate) findings: Vec<NcRow>,
    pub(crate) findings_withheld: usize,
    pub(crate) body: String,
    pub(crate) backlinks: Vec<BacklinkCtx>,
    pub(crate) extra: Vec<ExtraField>,
    pub(crate) attachments: Vec<Attachment>,
}

pub(crate) fn audit_page(site: &Published, r: &Shown<record::Audit>, body: String) -> AuditPage {
    AuditPage {
        row: audit_row(site, r),
        scope: r.fm.scope.clone(),
        requirements: r.fm.requirements.clone(),
        findings: findings(site, &r.id)
            .iter()
            .filter_map(|&n| site.nonconformities[n].shown())
            .map(|n| nc_row(site, n))
            .collect(),
        findings_withheld: findings(site, &r.id).iter().filter(|&&n| site.nonconformities[n].shown().is_none()).count(),
        body,
        backlinks: backlinks(site, &r.id),
        extra: extra(&r.fm.extra),
        attachments: attachments(site, r),
    }
}

#[derive(Serialize)]
pub(crate) struct PageCtx {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) body: String,
    pub(crate) backlinks: Vec<BacklinkCtx>,
    pub(crate) extra: Vec<ExtraField>,
    pub(crate) attachments: Vec<Attachment>,
}

pub(crate) fn page_page(site: &Published, r: &Shown<record::Page>, body: String) -> PageCtx {
    PageCtx {
        id: r.id.clone(),
        title: r.fm.title.clone(),
        body,
        backlinks: backlinks(site, &r.id),
        extra: extra(&r.fm.extra),
        attachments: attachments(site, r),
    }
}
