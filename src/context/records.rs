//! Actions and nonconformities: register rows and record pages.

use super::*;

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
    let facts = &site.facts.actions[r.at];
    let due = facts.due;
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
        status: action_badge(facts),
        status_key: facts.status.as_str(),
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
        closed_on_time: site.facts.actions[r.at].closed_on_time,
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
    /// On a dated page (an audit's findings): the status now, where it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) now: Option<Badge>,
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
        status: nc_badge(site.facts.nonconformities[r.at]),
        now: None,
        status_key: site.facts.nonconformities[r.at].as_str(),
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
