//! Management reviews: register rows and review pages.

use super::*;

#[derive(Serialize)]
pub(crate) struct ReviewRow {
    /// Its management system, on a site of several (a register column); else `None`.
    pub(crate) system: Option<String>,
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
        system: super::system_of(site, Kind::Review, r.at),
        id: r.id.clone(),
        href: href(Kind::Review, &r.id),
        title: f.title.clone(),
        date: f.date.get_ref().to_string(),
        kind: match f.kind {
            record::ReviewKind::Scheduled => "Scheduled",
            record::ReviewKind::Extraordinary => "Extraordinary",
        },
        chair: f.chair.clone(),
        status: review_badge(site.facts.reviews[r.at]),
        // A count, so the same for every audience; the page lists the visible ones and the rest as withheld.
        decision_count: f.decisions.len() + r.decisions_withheld.count(),
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
    pub(crate) requirements: Vec<String>,
    /// Shown already in the page's panel of actions from previous reviews, with its note.
    pub(crate) in_panel: bool,
}

#[derive(Serialize)]
pub(crate) struct ConclusionCtx {
    pub(crate) suitable: &'static str,
    pub(crate) adequate: &'static str,
    pub(crate) effective: &'static str,
    pub(crate) rationale: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct SealCtx {
    /// `sha256:<hex>` as recorded at approval.
    pub(crate) digest: String,
    /// `sha256:` and the first 12 hex digits, for the page.
    pub(crate) short: String,
    /// The content still matches it.
    pub(crate) intact: bool,
}

impl SealCtx {
    fn new(digest: &str, intact: bool) -> SealCtx {
        let short = digest.get(..crate::seal::PREFIX.len() + 12).unwrap_or(digest).to_string();
        SealCtx { digest: digest.to_string(), short, intact }
    }
}

#[derive(Serialize)]
pub(crate) struct ReviewPage {
    #[serde(flatten)]
    pub(crate) row: ReviewRow,
    pub(crate) approved_by: Option<String>,
    pub(crate) approved_on: Option<String>,
    /// The approval seal of an approved review that carries `approved_digest`.
    pub(crate) seal: Option<SealCtx>,
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
    /// What the withheld decisions were, by kind ("1 risk-acceptance decision withheld").
    pub(crate) decisions_withheld_text: crate::model::LeftOut,
    pub(crate) action_updates: Vec<ActionUpdateCtx>,
    pub(crate) updates_withheld: usize,
    pub(crate) updates_withheld_text: crate::model::LeftOut,
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

/// A decision kind as a reader sees it; `isms_change` names the framework's own system
/// ("Change to the AIMS" in an ISO/IEC 42001 review). The key stays `isms_change`.
pub(crate) fn decision_kind_label(k: record::DecisionKind, system: &str) -> String {
    match k {
        record::DecisionKind::IsmsChange => format!("Change to the {system}"),
        record::DecisionKind::RiskAcceptance => "Risk acceptance".into(),
        other => {
            let s = other.as_str();
            s[..1].to_uppercase() + &s[1..]
        }
    }
}

/// A review's decisions, each with its inputs (titled by the review's framework) and actions.
fn decisions(
    site: &Published,
    f: &record::Review,
    fw: Option<&crate::framework::Framework>,
    at: &super::At,
) -> Vec<DecisionCtx> {
    let input_title = |k: &str| fw.and_then(|fw| fw.input(k)).map_or(k.to_string(), |i| i.title.clone());
    (f.decisions.iter())
        .map(|x| DecisionCtx {
            id: x.id.get_ref().clone(),
            text: x.text.clone(),
            kind: x.kind.as_str(),
            kind_label: decision_kind_label(x.kind, fw.map_or("ISMS", |f| f.system_name())),
            inputs: (x.inputs.iter())
                .map(|i| InputRef { key: i.get_ref().clone(), title: input_title(i.get_ref()) })
                .collect(),
            actions: x.actions.iter().map(|a| super::reference_at(site, a.get_ref(), Some(at))).collect(),
            requirements: crate::record::texts(&x.requirements),
        })
        .collect()
}

/// A review page's context; `at` holds the statuses it quotes as of the meeting.
pub(crate) fn review_page(site: &Published, r: &Shown<record::Review>, body: String, at: &super::At) -> ReviewPage {
    let f = &r.fm;
    let fw_name = f.framework.as_ref().map_or(site.config.framework.clone(), |x| x.get_ref().clone());
    let fw = site.config.framework(&fw_name);
    let att = |a: &record::Attendee| AttendeeCtx {
        name: a.name.clone(),
        role: a.role.clone(),
        top_management: a.top_management,
    };
    let decisions = decisions(site, f, fw, at);
    let updates: Vec<ActionUpdateCtx> = f
        .action_updates
        .iter()
        .map(|u| ActionUpdateCtx {
            action: super::reference_at(site, u.action.get_ref(), Some(at)),
            note: u.note.clone(),
            requirements: crate::record::texts(&u.requirements),
            in_panel: false,
        })
        .collect();
    let approved_on = f.approved_on.as_ref().map(|a| *a.get_ref());
    let status = site.facts.reviews[r.at];
    let seal = match (&site.seals[r.at], status) {
        (crate::seal::Seal::Intact(d), ReviewStatus::Approved) => Some(SealCtx::new(d, true)),
        (crate::seal::Seal::Broken { recorded, .. }, ReviewStatus::Approved) => Some(SealCtx::new(recorded, false)),
        _ => None,
    };
    ReviewPage {
        row: review_row(site, r),
        approved_by: f.approved_by.clone().filter(|_| status == ReviewStatus::Approved),
        approved_on: approved_on.map(|a| a.to_string()),
        seal,
        not_approved: status == ReviewStatus::Held,
        planned: status == ReviewStatus::Planned,
        next_review: opt_date(&f.next_review),
        framework: fw_name.clone(),
        framework_title: fw.map_or(fw_name.clone(), |x| x.title.clone()),
        climate_relevant: f.climate_relevant,
        present: f.attendees.iter().filter(|a| a.present).map(att).collect(),
        absent: f.attendees.iter().filter(|a| !a.present).map(att).collect(),
        body,
        decisions_withheld: r.decisions_withheld.count(),
        decisions_withheld_text: r.decisions_withheld.clone(),
        decisions,
        updates_withheld: r.updates_withheld.count(),
        updates_withheld_text: r.updates_withheld.clone(),
        action_updates: updates,
        conclusion: f.conclusion.as_ref().map(|c| ConclusionCtx {
            suitable: yes_no(c.suitable),
            adequate: yes_no(c.adequate),
            effective: yes_no(c.effective),
            rationale: c.rationale.clone(),
        }),
        risk: f.risk.clone(),
        attachments: attachments(site, r),
        backlinks: backlinks_except(
            site,
            &r.id,
            f.decisions
                .iter()
                .flat_map(|d| d.actions.iter().map(|a| a.get_ref().as_str()))
                .chain(f.action_updates.iter().map(|u| u.action.get_ref().as_str())),
        ),
        extra: extra(&f.extra),
        confidential: f.confidential,
    }
}
