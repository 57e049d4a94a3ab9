//! Actions and nonconformities: register rows and record pages.

use super::*;

#[derive(Serialize)]
pub(crate) struct ActionRow {
    /// Its management system, on a site of several (a register column); else `None`.
    pub(crate) system: Option<String>,
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
    /// Filter keys of the register: the kind, the owner (grouped on the part before the
    /// first comma, case-insensitively) and the record the action came from (a review,
    /// without `#D1`, or a nonconformity).
    pub(crate) kind_key: &'static str,
    pub(crate) owner_key: String,
    /// The owner's name as the site shows it for the group, and their page.
    pub(crate) owner_name: String,
    pub(crate) owner_href: Option<String>,
    pub(crate) origin: Option<Ref>,
}

/// The page of an owner of a shown record (every such owner has one).
pub(crate) fn owner_href(site: &Published, owner: &str) -> Option<String> {
    let key = crate::model::owner_key(owner);
    site.owners.contains_key(&key).then(|| crate::site_map::owner_href(&key))
}

/// An owner's key and the name the site shows for it.
pub(crate) fn owner_of(site: &Published, owner: &str) -> (String, String) {
    let key = crate::model::owner_key(owner);
    let name = site.owners.get(&key).map_or_else(|| crate::model::owner_name(owner).to_string(), |o| o.name.clone());
    (key, name)
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
        system: super::system_of(site, Kind::Action, r.at),
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
        kind_key: a.kind.as_str(),
        owner_key: owner_of(site, &a.owner).0,
        owner_name: owner_of(site, &a.owner).1,
        owner_href: owner_href(site, &a.owner),
        origin: a.origin.as_ref().map(|o| {
            let id = o.get_ref().split('#').next().unwrap_or_default();
            Ref { status: None, ..reference(site, id) }
        }),
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
    /// Its management system, on a site of several; else `None`.
    pub(crate) system: Option<String>,
    #[serde(flatten)]
    pub(crate) row: ActionRow,
    pub(crate) origin: Option<Ref>,
    pub(crate) cancelled: Option<String>,
    pub(crate) cancel_reason: Option<String>,
    pub(crate) verified: Option<String>,
    pub(crate) closed_on_time: Option<bool>,
    pub(crate) requirements: Vec<String>,
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
        system: super::system_of(site, Kind::Action, r.at),
        row: action_row(site, r),
        origin: a.origin.as_ref().map(|o| reference(site, o.get_ref())),
        cancelled: opt_date(&a.cancelled),
        cancel_reason: a.cancel_reason.as_ref().map(|c| c.get_ref().clone()),
        verified: opt_date(&a.verified),
        closed_on_time: site.facts.actions[r.at].closed_on_time,
        requirements: crate::record::texts(&a.requirements),
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
    /// Its management system, on a site of several (a register column); else `None`.
    pub(crate) system: Option<String>,
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
    pub(crate) owner_key: Option<String>,
    pub(crate) owner_name: Option<String>,
    pub(crate) owner_href: Option<String>,
    pub(crate) due: Option<String>,
    /// The corrective actions, each with its status.
    pub(crate) actions: Vec<Ref>,
    /// Where the effectiveness check stands: "Awaiting verification, 97 days".
    pub(crate) effectiveness: Badge,
    /// The register's status filter: `open`, `awaiting` (closed, check not yet made),
    /// `verified`, `ineffective` or `closed` (no check needed), with its label.
    pub(crate) state_key: &'static str,
    pub(crate) state_label: &'static str,
}

/// Days a closed nonconformity may wait for its effectiveness check before it is overdue
/// (the `nc-not-verified` warning).
pub(crate) const VERIFY_WITHIN_DAYS: i64 = 90;

/// Where a nonconformity's effectiveness check stands as of the as-of date `a`. Only the
/// severities site.toml counts (`kpi_severities`) must be verified; others are just closed.
pub(crate) fn effectiveness(n: &record::Nonconformity, status: NcStatus, a: Date, kpi: bool) -> Badge {
    let verified = n.verified.as_ref().map(|v| v.get_ref().to_string()).unwrap_or_default();
    match status {
        NcStatus::Verified => Badge::new("closed", format!("Verified effective on {verified}")),
        NcStatus::Ineffective => Badge::new("overdue", format!("Found not effective on {verified}")),
        NcStatus::Closed if !kpi => Badge::new("closed", "Closed"),
        NcStatus::Closed => {
            let days = n.closed.as_ref().map_or(0, |c| c.get_ref().days_until(a));
            let waiting = format!("Awaiting verification, {}", super::plural(days, "day"));
            match days > VERIFY_WITHIN_DAYS {
                true => Badge::new("overdue", format!("{waiting}: check overdue")),
                false => Badge::new("amber", waiting),
            }
        }
        NcStatus::Open | NcStatus::NotYetRaised => Badge::new("cancelled", "Not closed yet"),
    }
}

pub(crate) fn nc_row(site: &Published, r: &Shown<record::Nonconformity>) -> NcRow {
    let n = &r.fm;
    NcRow {
        system: super::system_of(site, Kind::Nonconformity, r.at),
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
        owner_key: n.owner.as_deref().map(|o| owner_of(site, o).0),
        owner_name: n.owner.as_deref().map(|o| owner_of(site, o).1),
        owner_href: n.owner.as_deref().and_then(|o| owner_href(site, o)),
        due: opt_date(&n.due),
        actions: n.actions.iter().map(|a| reference(site, a.get_ref())).collect(),
        effectiveness: effectiveness(
            n,
            site.facts.nonconformities[r.at],
            site.as_of,
            site.config.kpi_severities.contains(n.severity.get_ref()),
        ),
        state_key: nc_state(
            site.facts.nonconformities[r.at],
            site.config.kpi_severities.contains(n.severity.get_ref()),
        )
        .0,
        state_label: nc_state(
            site.facts.nonconformities[r.at],
            site.config.kpi_severities.contains(n.severity.get_ref()),
        )
        .1,
    }
}

/// A nonconformity's state for the register's status filter (key, label).
fn nc_state(status: NcStatus, kpi: bool) -> (&'static str, &'static str) {
    match status {
        NcStatus::Open | NcStatus::NotYetRaised => ("open", "Open"),
        NcStatus::Closed if kpi => ("awaiting", "Awaiting verification"),
        NcStatus::Closed => ("closed", "Closed"),
        NcStatus::Verified => ("verified", "Verified effective"),
        NcStatus::Ineffective => ("ineffective", "Found not effective"),
    }
}

#[derive(Serialize)]
pub(crate) struct NcPage {
    /// Its management system, on a site of several; else `None`.
    pub(crate) system: Option<String>,
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
        system: super::system_of(site, Kind::Nonconformity, r.at),
        row: nc_row(site, r),
        audit: n.audit.as_ref().map(|a| reference(site, a.get_ref())),
        requirements: crate::record::texts(&n.requirements),
        due: opt_date(&n.due),
        correction: n.correction.clone(),
        root_cause: n.root_cause.clone(),
        actions: n.actions.iter().map(|a| reference(site, a.get_ref())).collect(),
        verified: opt_date(&n.verified),
        effective: if verified_by_date { Some(n.effective.as_ref().is_none_or(|e| *e.get_ref())) } else { None },
        repeat_of: n.repeat_of.iter().map(|a| reference(site, a.get_ref())).collect(),
        body,
        backlinks: backlinks_except(
            site,
            &r.id,
            n.actions.iter().map(|a| a.get_ref().as_str()).chain(n.audit.as_ref().map(|a| a.get_ref().as_str())),
        ),
        extra: extra(&n.extra),
        attachments: attachments(site, r),
        confidential: n.confidential,
    }
}
