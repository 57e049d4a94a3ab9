//! Record types of DESIGN §2 as read from front matter: typed, with the source spans that
//! later stages need for their diagnostics.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;
use crate::diagnostics::{Diagnostic, SourceText};
use crate::load::Attachment;

pub type Sp<T> = Spanned<T>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Planned,
    Held,
    Approved,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    #[default]
    Scheduled,
    Extraordinary,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    #[default]
    Review,
    Correction,
    Corrective,
    Improvement,
    RiskTreatment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NcSource {
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
pub enum AuditKind {
    Internal,
    External,
    Certification,
    Surveillance,
    Supplier,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherBetter,
    LowerBetter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Improvement,
    IsmsChange,
    Resources,
    RiskAcceptance,
    Policy,
    Objectives,
    Other,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
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
pub struct Attendee {
    pub name: String,
    pub role: Option<String>,
    #[serde(default)]
    pub top_management: bool,
    #[serde(default = "yes")]
    pub present: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Conclusion {
    pub suitable: Option<bool>,
    pub adequate: Option<bool>,
    pub effective: Option<bool>,
    pub rationale: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RiskSnapshot {
    pub total: Option<u32>,
    pub above_appetite: Option<u32>,
    pub treatments_total: Option<u32>,
    pub treatments_done: Option<u32>,
    pub treatments_overdue: Option<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub id: Sp<String>,
    pub text: String,
    pub kind: DecisionKind,
    #[serde(default)]
    pub inputs: Vec<Sp<String>>,
    #[serde(default)]
    pub actions: Vec<Sp<String>>,
    #[serde(default)]
    pub requirements: Vec<String>,
    #[serde(default)]
    pub confidential: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionUpdate {
    pub action: Sp<String>,
    pub note: String,
    #[serde(default)]
    pub confidential: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub title: String,
    pub date: Sp<Date>,
    pub status: Sp<ReviewStatus>,
    #[serde(default)]
    pub kind: ReviewKind,
    pub period_start: Option<Sp<Date>>,
    pub chair: Option<String>,
    pub approved_by: Option<String>,
    pub approved_on: Option<Sp<Date>>,
    pub next_review: Option<Sp<Date>>,
    pub framework: Option<Sp<String>>,
    pub climate_relevant: Option<bool>,
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub attendees: Vec<Attendee>,
    pub conclusion: Option<Conclusion>,
    pub risk: Option<RiskSnapshot>,
    #[serde(default)]
    pub decisions: Vec<Decision>,
    #[serde(default)]
    pub action_updates: Vec<ActionUpdate>,
    pub extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    pub date: Sp<Date>,
    pub note: String,
    pub due: Option<Sp<Date>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub title: String,
    pub owner: String,
    pub raised: Sp<Date>,
    pub due: Sp<Date>,
    pub origin: Option<Sp<String>>,
    #[serde(default)]
    pub kind: ActionKind,
    pub closed: Option<Sp<Date>>,
    pub cancelled: Option<Sp<Date>>,
    pub cancel_reason: Option<Sp<String>>,
    pub verified: Option<Sp<Date>>,
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub updates: Vec<Update>,
    pub extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nonconformity {
    pub title: String,
    pub raised: Sp<Date>,
    pub severity: Sp<String>,
    pub source: NcSource,
    pub audit: Option<Sp<String>>,
    #[serde(default)]
    pub requirements: Vec<String>,
    pub owner: Option<String>,
    pub due: Option<Sp<Date>>,
    pub correction: Option<String>,
    pub root_cause: Option<String>,
    #[serde(default)]
    pub actions: Vec<Sp<String>>,
    pub closed: Option<Sp<Date>>,
    pub verified: Option<Sp<Date>>,
    pub effective: Option<Sp<bool>>,
    #[serde(default)]
    pub repeat_of: Vec<Sp<String>>,
    #[serde(default)]
    pub confidential: bool,
    pub extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    pub date: Sp<Date>,
    pub value: f64,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub title: String,
    pub owner: Option<String>,
    pub unit: Option<String>,
    pub target: f64,
    pub direction: Direction,
    pub amber: Option<Sp<f64>>,
    #[serde(default)]
    pub measurements: Vec<Measurement>,
    #[serde(default)]
    pub confidential: bool,
    pub extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    pub title: String,
    pub kind: AuditKind,
    pub start: Sp<Date>,
    pub end: Option<Sp<Date>>,
    pub auditor: Option<String>,
    pub scope: Option<String>,
    pub result: Option<String>,
    #[serde(default)]
    pub requirements: Vec<String>,
    #[serde(default)]
    pub confidential: bool,
    pub extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub title: String,
    pub weight: Option<i64>,
    #[serde(default)]
    pub confidential: bool,
    pub extra: Option<toml::Table>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Home {
    pub title: Option<String>,
    pub extra: Option<toml::Table>,
}

/// The kinds of record, by their `content/` folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Review,
    Action,
    Nonconformity,
    Objective,
    Audit,
    Page,
    /// `content/_index.md`
    Home,
}

impl Kind {
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
    pub level: u8,
    /// The explicit `{#id}`, if written.
    pub explicit_id: Option<String>,
    /// The id used in the page (explicit, else derived from the text; unique in the document).
    pub id: String,
    pub text: String,
    pub classes: Vec<String>,
    /// Byte range in the file.
    pub span: std::ops::Range<usize>,
    /// Whether prose follows before the next heading.
    pub has_text: bool,
    /// Whether the heading is inside a block quote, list item or footnote definition
    /// (not at the top level of the body).
    pub nested: bool,
}

/// A `[[ID]]` or `[[ID#D1]]` link in a body.
#[derive(Clone, Debug)]
pub struct WikiRef {
    pub target: String,
    pub span: std::ops::Range<usize>,
}

/// An ordinary Markdown link or image destination that is not a URL with a scheme.
#[derive(Clone, Debug)]
pub struct LocalLink {
    pub dest: String,
    pub span: std::ops::Range<usize>,
}

/// What the parse stage learned from a body without rendering it.
#[derive(Clone, Debug, Default)]
pub struct BodyScan {
    pub headings: Vec<Heading>,
    pub wikilinks: Vec<WikiRef>,
    pub links: Vec<LocalLink>,
}

/// A parsed record file: its front matter `T`, its body and where both came from.
#[derive(Clone, Debug)]
pub struct Record<T> {
    pub id: String,
    pub src: Arc<SourceText>,
    /// Site-relative folder of the file.
    pub dir: String,
    /// Byte offset of the front matter text in the file (spans in `fm` are relative to it).
    pub fm_offset: usize,
    pub fm: T,
    pub body: String,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    pub scan: BodyScan,
    pub attachments: Vec<Attachment>,
}

impl<T> Record<T> {
    /// A diagnostic at a span of the front matter.
    pub fn diag(&self, code: &'static str, span: std::ops::Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.src.diag(code, span.start + self.fm_offset..span.end + self.fm_offset, message)
    }

    /// A diagnostic at a spanned front-matter value.
    pub fn diag_at<V>(&self, code: &'static str, value: &Sp<V>, message: impl Into<String>) -> Diagnostic {
        self.diag(code, value.span(), message)
    }

    /// A diagnostic at the opening `+++` line (for things missing from the front matter).
    pub fn diag_top(&self, code: &'static str, message: impl Into<String>) -> Diagnostic {
        self.src.diag(code, 0..3, message)
    }

    pub fn file(&self) -> &str {
        &self.src.file
    }
}
