//! Record types of DESIGN §2 as read from front matter: typed, with the source spans that
//! later stages need for their diagnostics.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;
use crate::diagnostics::{Diagnostic, SourceText};
use crate::load::Attachment;

pub(crate) type Sp<T> = Spanned<T>;

/// The texts of a list of spanned strings (`requirements`), for pages and exports.
pub(crate) fn texts(v: &[Sp<String>]) -> Vec<String> {
    v.iter().map(|s| s.get_ref().clone()).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ReviewStatus {
    Planned,
    Held,
    Approved,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ReviewKind {
    #[default]
    Scheduled,
    Extraordinary,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ActionKind {
    #[default]
    Review,
    Correction,
    Corrective,
    Improvement,
    RiskTreatment,
}

impl ActionKind {
    /// The value as written in the front matter (`risk_treatment`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ActionKind::Review => "review",
            ActionKind::Correction => "correction",
            ActionKind::Corrective => "corrective",
            ActionKind::Improvement => "improvement",
            ActionKind::RiskTreatment => "risk_treatment",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NcSource {
    InternalAudit,
    ExternalAudit,
    Incident,
    Monitoring,
    ManagementReview,
    Complaint,
    #[serde(rename = "self")]
    SelfReported,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AuditKind {
    Internal,
    External,
    Certification,
    Surveillance,
    Supplier,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Direction {
    HigherBetter,
    LowerBetter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DecisionKind {
    Improvement,
    IsmsChange,
    Resources,
    RiskAcceptance,
    Policy,
    Objectives,
    Other,
}

impl DecisionKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Improvement => "improvement",
            DecisionKind::IsmsChange => "isms_change",
            DecisionKind::Resources => "resources",
            DecisionKind::RiskAcceptance => "risk_acceptance",
            DecisionKind::Policy => "policy",
            DecisionKind::Objectives => "objectives",
            DecisionKind::Other => "other",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Attendee {
    #[serde(deserialize_with = "non_empty")]
    pub(crate) name: String,
    pub(crate) role: Option<String>,
    #[serde(default)]
    pub(crate) top_management: bool,
    #[serde(default = "yes")]
    pub(crate) present: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Conclusion {
    pub(crate) suitable: Option<bool>,
    pub(crate) adequate: Option<bool>,
    pub(crate) effective: Option<bool>,
    pub(crate) rationale: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RiskSnapshot {
    pub(crate) total: Option<u32>,
    pub(crate) above_appetite: Option<u32>,
    pub(crate) treatments_total: Option<u32>,
    pub(crate) treatments_done: Option<u32>,
    pub(crate) treatments_overdue: Option<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Decision {
    pub(crate) id: Sp<String>,
    #[serde(deserialize_with = "non_empty")]
    pub(crate) text: String,
    pub(crate) kind: DecisionKind,
    #[serde(default)]
    pub(crate) inputs: Vec<Sp<String>>,
    #[serde(default)]
    pub(crate) actions: Vec<Sp<String>>,
    #[serde(default)]
    pub(crate) requirements: Vec<Sp<String>>,
    #[serde(default)]
    pub(crate) confidential: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionUpdate {
    pub(crate) action: Sp<String>,
    pub(crate) note: String,
    /// The requirements this update evidences (DESIGN §9): free text, or a crosswalk
    /// reference such as `NIS2 Art. 20(2)`.
    #[serde(default)]
    pub(crate) requirements: Vec<Sp<String>>,
    #[serde(default)]
    pub(crate) confidential: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Review {
    #[serde(deserialize_with = "non_empty")]
    pub(crate) title: String,
    pub(crate) date: Sp<Date>,
    pub(crate) status: Sp<ReviewStatus>,
    #[serde(default)]
    pub(crate) kind: ReviewKind,
    pub(crate) period_start: Option<Sp<Date>>,
    pub(crate) chair: Option<String>,
    pub(crate) approved_by: Option<String>,
    pub(crate) approved_on: Option<Sp<Date>>,
    /// `sha256:<hex>` of the content as approved (DESIGN §9; src/seal.rs).
    pub(crate) approved_digest: Option<Sp<String>>,
    pub(crate) next_review: Option<Sp<Date>>,
    pub(crate) framework: Option<Sp<String>>,
    pub(crate) climate_relevant: Option<bool>,
    #[serde(default)]
    pub(crate) confidential: bool,
    #[serde(default)]
    pub(crate) attendees: Vec<Attendee>,
    pub(crate) conclusion: Option<Conclusion>,
    pub(crate) risk: Option<RiskSnapshot>,
    #[serde(default)]
    pub(crate) decisions: Vec<Decision>,
    #[serde(default)]
    pub(crate) action_updates: Vec<ActionUpdate>,
    pub(crate) extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Update {
    pub(crate) date: Sp<Date>,
    pub(crate) note: String,
    pub(crate) due: Option<Sp<Date>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Action {
    #[serde(deserialize_with = "non_empty")]
    pub(crate) title: String,
    #[serde(deserialize_with = "non_empty")]
    pub(crate) owner: String,
    pub(crate) raised: Sp<Date>,
    pub(crate) due: Sp<Date>,
    pub(crate) origin: Option<Sp<String>>,
    #[serde(default)]
    pub(crate) kind: ActionKind,
    /// The framework whose management system the record belongs to (DESIGN §9); when absent,
    /// inherited (see `model::systems`).
    pub(crate) framework: Option<Sp<String>>,
    pub(crate) closed: Option<Sp<Date>>,
    pub(crate) cancelled: Option<Sp<Date>>,
    pub(crate) cancel_reason: Option<Sp<String>>,
    pub(crate) verified: Option<Sp<Date>>,
    /// The requirements the action serves (DESIGN §9), as on decisions; a crosswalk counts a
    /// closed action as evidence on its closing date.
    #[serde(default)]
    pub(crate) requirements: Vec<Sp<String>>,
    #[serde(default)]
    pub(crate) confidential: bool,
    #[serde(default)]
    pub(crate) updates: Vec<Update>,
    pub(crate) extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Nonconformity {
    #[serde(deserialize_with = "non_empty")]
    pub(crate) title: String,
    pub(crate) raised: Sp<Date>,
    pub(crate) severity: Sp<String>,
    pub(crate) source: NcSource,
    pub(crate) audit: Option<Sp<String>>,
    #[serde(default)]
    pub(crate) requirements: Vec<Sp<String>>,
    pub(crate) owner: Option<String>,
    /// The framework whose management system the record belongs to (DESIGN §9); when absent,
    /// inherited (see `model::systems`).
    pub(crate) framework: Option<Sp<String>>,
    pub(crate) due: Option<Sp<Date>>,
    pub(crate) correction: Option<String>,
    pub(crate) root_cause: Option<String>,
    #[serde(default)]
    pub(crate) actions: Vec<Sp<String>>,
    pub(crate) closed: Option<Sp<Date>>,
    pub(crate) verified: Option<Sp<Date>>,
    pub(crate) effective: Option<Sp<bool>>,
    #[serde(default)]
    pub(crate) repeat_of: Vec<Sp<String>>,
    #[serde(default)]
    pub(crate) confidential: bool,
    pub(crate) extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Measurement {
    pub(crate) date: Sp<Date>,
    pub(crate) value: f64,
    pub(crate) note: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Objective {
    #[serde(deserialize_with = "non_empty")]
    pub(crate) title: String,
    pub(crate) owner: Option<String>,
    pub(crate) unit: Option<String>,
    pub(crate) target: f64,
    pub(crate) direction: Direction,
    pub(crate) amber: Option<Sp<f64>>,
    /// The framework whose management system the record belongs to (DESIGN §9); when absent,
    /// inherited (see `model::systems`).
    pub(crate) framework: Option<Sp<String>>,
    #[serde(default)]
    pub(crate) measurements: Vec<Measurement>,
    #[serde(default)]
    pub(crate) confidential: bool,
    pub(crate) extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Audit {
    #[serde(deserialize_with = "non_empty")]
    pub(crate) title: String,
    pub(crate) kind: AuditKind,
    pub(crate) start: Sp<Date>,
    pub(crate) end: Option<Sp<Date>>,
    pub(crate) auditor: Option<String>,
    pub(crate) scope: Option<String>,
    pub(crate) result: Option<String>,
    /// The framework whose management system the record belongs to (DESIGN §9); when absent,
    /// inherited (see `model::systems`).
    pub(crate) framework: Option<Sp<String>>,
    #[serde(default)]
    pub(crate) requirements: Vec<Sp<String>>,
    #[serde(default)]
    pub(crate) confidential: bool,
    pub(crate) extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    #[serde(deserialize_with = "non_empty")]
    pub(crate) title: String,
    pub(crate) weight: Option<i64>,
    #[serde(default)]
    pub(crate) confidential: bool,
    pub(crate) extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Home {
    pub(crate) title: Option<String>,
    pub(crate) extra: Option<toml::Table>,
}

/// The kinds of record, by their `content/` folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `content/reviews/`: management reviews.
    Review,
    /// `content/actions/`.
    Action,
    /// `content/nonconformities/`.
    Nonconformity,
    /// `content/objectives/`.
    Objective,
    /// `content/audits/`.
    Audit,
    /// `content/pages/`: free pages.
    Page,
    /// `content/_index.md`
    Home,
}

impl Kind {
    /// Each `content/` folder and the kind of record it holds.
    pub const FOLDERS: [(&'static str, Kind); 6] = [
        ("reviews", Kind::Review),
        ("actions", Kind::Action),
        ("nonconformities", Kind::Nonconformity),
        ("objectives", Kind::Objective),
        ("audits", Kind::Audit),
        ("pages", Kind::Page),
    ];

    /// The folder under `content/` and under the output root (`""` for pages and home).
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Review => "reviews",
            Kind::Action => "actions",
            Kind::Nonconformity => "nonconformities",
            Kind::Objective => "objectives",
            Kind::Audit => "audits",
            Kind::Page | Kind::Home => "",
        }
    }

    /// A reader's name for the kind.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Review => "review",
            Kind::Action => "action",
            Kind::Nonconformity => "nonconformity",
            Kind::Objective => "objective",
            Kind::Audit => "audit",
            Kind::Page => "page",
            Kind::Home => "home page",
        }
    }
}

/// A heading found in a record's Markdown body.
#[derive(Clone, Debug)]
pub struct Heading {
    pub(crate) level: u8,
    /// The explicit `{#id}`, if written.
    pub(crate) explicit_id: Option<String>,
    /// The id used in the page (explicit, else derived from the text; unique in the document).
    pub(crate) id: String,
    pub(crate) text: String,
    pub(crate) classes: Vec<String>,
    /// Byte range in the file.
    pub(crate) span: std::ops::Range<usize>,
    /// Whether prose follows before the next heading.
    pub(crate) has_text: bool,
    /// Whether the heading is inside a block quote, list item or footnote definition
    /// (not at the top level of the body).
    pub(crate) nested: bool,
}

/// A `[[ID]]` or `[[ID#D1]]` link in a body.
#[derive(Clone, Debug)]
pub(crate) struct WikiRef {
    pub(crate) target: String,
    pub(crate) span: std::ops::Range<usize>,
}

/// An ordinary Markdown link or image destination that is not a URL with a scheme.
#[derive(Clone, Debug)]
pub(crate) struct LocalLink {
    pub(crate) dest: String,
    pub(crate) span: std::ops::Range<usize>,
}

/// What the parse stage learned from a body without rendering it.
#[derive(Clone, Debug, Default)]
pub(crate) struct BodyScan {
    pub(crate) headings: Vec<Heading>,
    pub(crate) wikilinks: Vec<WikiRef>,
    pub(crate) links: Vec<LocalLink>,
}

/// A parsed record file: its front matter `T`, its body and where both came from.
#[derive(Clone, Debug)]
pub(crate) struct Record<T> {
    pub(crate) id: String,
    pub(crate) src: Arc<SourceText>,
    /// Site-relative folder of the file.
    pub(crate) dir: String,
    /// Byte offset of the front matter text in the file (spans in `fm` are relative to it).
    pub(crate) fm_offset: usize,
    pub(crate) fm: T,
    pub(crate) body: String,
    /// Byte offset of the body in the file.
    pub(crate) body_offset: usize,
    pub(crate) scan: BodyScan,
    pub(crate) attachments: Vec<Attachment>,
}

impl<T> Record<T> {
    /// A diagnostic at a span of the front matter.
    pub(crate) fn diag(
        &self,
        code: &'static str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.src.diag(code, span.start + self.fm_offset..span.end + self.fm_offset, message)
    }

    /// A diagnostic at a spanned front-matter value.
    pub(crate) fn diag_at<V>(&self, code: &'static str, value: &Sp<V>, message: impl Into<String>) -> Diagnostic {
        self.diag(code, value.span(), message)
    }

    /// A diagnostic at the opening `+++` line (for things missing from the front matter).
    pub(crate) fn diag_top(&self, code: &'static str, message: impl Into<String>) -> Diagnostic {
        self.src.diag(code, 0..3, message)
    }

    pub(crate) fn file(&self) -> &str {
        &self.src.file
    }
}

/// A required text field: an empty or blank string is an error at the value ("title = \"\""
/// is no title), reported by the parser with the value's line and column.
fn non_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom("empty value: this field is required and must not be blank"));
    }
    Ok(s)
}
