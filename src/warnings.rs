//! The warnings of DESIGN §4, judged as of the site's date: content warnings (the records are
//! incomplete) and status warnings (they depend on the date). Each is a diagnostic with file
//! and line, and is also kept by record so the site can show it where it applies.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::config::Audience;
use crate::date::Date;
use crate::diagnostics::SourceText;
use crate::diagnostics::{Diagnostic, WarningClass};
use crate::framework::Framework;
use crate::markdown::confidential_sections;
use crate::metrics::{self, ActionStatus, Figures};
use crate::model::Site;
use crate::record::{BodyScan, Kind, Record, Review, ReviewStatus, WikiRef};

/// A warning as shown on a record's page: `message` is in plain English for readers (no
/// codes, field names or backticks, which stay in `quorum check`); `code` is kept for site
/// templates and for the dashboard, which groups notices by it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Notice {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

/// Every warning, and the same by lower-cased record ID.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) by_record: HashMap<String, Vec<Notice>>,
}

impl Warnings {
    /// Adds a warning about record `id`; `page` is its wording on the site, `None` for a
    /// warning meant for authors only (it then shows in `quorum check` alone).
    fn add(&mut self, id: &str, class: WarningClass, d: Diagnostic, page: Option<String>) {
        let d = d.warning(class);
        if let Some(message) = page {
            self.by_record.entry(id.to_lowercase()).or_default().push(Notice { code: d.code, message });
        }
        self.diagnostics.push(d);
    }

    /// The notices of one record (empty when none).
    pub(crate) fn of(&self, id: &str) -> &[Notice] {
        self.by_record.get(&id.to_lowercase()).map_or(&[], Vec::as_slice)
    }
}

/// Judges every record of the site as of its date.
pub(crate) fn check(site: &Site, figures: &Figures) -> Warnings {
    let mut w = Warnings::default();
    for (i, r) in site.reviews.iter().enumerate() {
        review(site, r, figures.periods[i].in_series, &mut w);
        sealed(r, &site.seals[i], &mut w);
    }
    series_gaps(site, figures, &mut w);
    actions(site, figures, &mut w);
    nonconformities(site, &mut w);
    withheld_mentions(site, &mut w);
    crosswalks(site, figures, &mut w);
    w
}

/// A requirement of an enabled crosswalk without evidence within its interval as of A: a
/// status warning at the crosswalk's name in site.toml.
fn crosswalks(site: &Site, figures: &Figures, w: &mut Warnings) {
    for ev in &figures.crosswalks {
        let cw = &ev.crosswalk;
        let (line, column) = site.config.crosswalk_at.get(&ev.name).copied().unwrap_or((1, 1));
        for (req, r) in cw.requirements.iter().zip(&ev.requirements) {
            let missing = req.missing.as_deref().unwrap_or("no evidence");
            let every =
                req.interval_months.map_or(String::new(), |m| format!(" (expected every {})", months_text(m as i32)));
            let message = match r.standing {
                crate::crosswalk::Standing::Current { .. } => continue,
                crate::crosswalk::Standing::Stale { latest, .. } => {
                    format!("{} {}: {missing} since {latest}{every}", cw.prefix, req.reference)
                }
                crate::crosswalk::Standing::Never => {
                    format!("{} {}: {missing} in the records{every}", cw.prefix, req.reference)
                }
            };
            let d = Diagnostic::new("crosswalk-evidence", "site.toml", line, column, message).hint(format!(
                "record the evidence, or tag what evidences it with requirements = [\"{} {}\"]; the {} page lists what counts",
                cw.prefix, req.reference, cw.title
            ));
            w.diagnostics.push(d.warning(WarningClass::Status));
        }
    }
}

/// A review: a planned one must not lie in the past; a held one must have its minutes
/// complete (the inputs only if it is in the series) and be approved in time.
fn review(site: &Site, r: &Record<Review>, in_series: bool, w: &mut Warnings) {
    let f = &r.fm;
    if *f.status.get_ref() == ReviewStatus::Planned {
        planned_in_past(r, site.as_of, w);
        return;
    }
    let fw_name = f.framework.as_ref().map_or(site.config.framework.as_str(), |x| x.get_ref().as_str());
    let Some(fw) = site.config.framework(fw_name) else { return };
    if in_series {
        input_sections(r, fw, w);
    }
    minutes(r, fw, fw_name, site.as_of, w);
    not_approved(r, site.as_of, w);
}

/// An approved review whose content no longer matches its `approved_digest`: the minutes,
/// the front matter or an attachment changed after approval.
fn sealed(r: &Record<Review>, seal: &crate::seal::Seal, w: &mut Warnings) {
    let crate::seal::Seal::Broken { actual, .. } = seal else { return };
    let Some(at) = &r.fm.approved_digest else { return };
    let (message, page) = match actual {
        Some(actual) => (
            format!("edited after approval: the content is now {actual}, not the approved digest"),
            "The minutes were changed after they were approved: they no longer match the approved version.",
        ),
        None => (
            "edited after approval: an attachment cannot be read, so the approved digest cannot be confirmed"
                .to_string(),
            "An attachment of the minutes cannot be read, so they cannot be confirmed unchanged since approval.",
        ),
    };
    let d = r.diag_at("edited-after-approval", at, message);
    w.add(
        &r.id,
        WarningClass::Content,
        d.hint(format!(
            "undo the change (`git diff` shows it), or after an agreed correction re-seal: `quorum approve {} --reseal --by NAME`",
            r.id
        )),
        Some(page.to_string()),
    );
}

/// A planned review dated before the as-of date `a`.
fn planned_in_past(r: &Record<Review>, a: Date, w: &mut Warnings) {
    let date = *r.fm.date.get_ref();
    if date < a {
        let d = r.diag_at(
            "planned-review-past",
            &r.fm.date,
            format!("planned review dated {date} is before the as-of date {a}"),
        );
        w.add(
            &r.id,
            WarningClass::Status,
            d.hint("hold it and set status = \"held\", or move its date"),
            Some(format!("Planned for {date}, which has passed; it is not recorded as held.")),
        );
    }
}

/// Each required input of the framework has a section (a heading with its key as id) with
/// text of its own.
fn input_sections(r: &Record<Review>, fw: &Framework, w: &mut Warnings) {
    use WarningClass::Content;
    for input in &fw.inputs {
        match r.scan.headings.iter().find(|h| h.explicit_id.as_deref() == Some(input.key.as_str())) {
            None => {
                let d = r.diag_top(
                    "missing-input",
                    format!("no section for required input `{}` ({} {})", input.key, input.clause, input.title),
                );
                w.add(
                    &r.id,
                    Content,
                    d.hint(format!("add a heading `## {} {{#{}}}` with the minutes on it", input.title, input.key)),
                    Some(format!(
                        "The minutes have no section on {}{}.",
                        lower_first(&input.title),
                        clause(&input.clause)
                    )),
                );
            }
            Some(h) if !h.has_text => {
                let d = r.src.diag(
                    "empty-input",
                    h.span.clone(),
                    format!("the section for input `{}` has no text of its own", input.key),
                );
                w.add(
                    &r.id,
                    Content,
                    d.hint("record what management considered under this input, even if nothing changed"),
                    Some(format!("The section on {} has no text of its own.", lower_first(&input.title))),
                );
            }
            Some(_) => {}
        }
    }
}

/// The minutes of a held review as of `a`: top management present, a decision of each output
/// kind the framework `fw_name` expects, a conclusion once approved, and the climate question
/// answered where the framework asks it.
fn minutes(r: &Record<Review>, fw: &Framework, fw_name: &str, a: Date, w: &mut Warnings) {
    use WarningClass::Content;
    let f = &r.fm;
    let date = *f.date.get_ref();
    if !f.attendees.iter().any(|x| x.top_management && x.present) {
        let d = r.diag_at("no-top-management", &f.status, "no member of top management is recorded as present");
        w.add(
            &r.id,
            Content,
            d.hint("mark the attendees who are top management with `top_management = true`"),
            Some("No member of top management is recorded as present.".to_string()),
        );
    }
    for kind in &fw.outputs {
        if !f.decisions.iter().any(|d| d.kind.as_str() == kind) {
            let d = r.diag_at(
                "missing-output",
                &f.status,
                format!("no decision of kind `{kind}`, which {fw_name} expects"),
            );
            w.add(
                &r.id,
                Content,
                d.hint("record the decision, even if it is that no change is needed"),
                Some(format!("No decision about {} was recorded.", decision_topic_in(kind, fw.system_name()))),
            );
        }
    }
    let approved_by_a = f.approved_on.as_ref().is_some_and(|d| *d.get_ref() <= a);
    if *f.status.get_ref() == ReviewStatus::Approved && approved_by_a && f.conclusion.is_none() {
        let d = r.diag_at("missing-conclusion", &f.status, "approved review without a [conclusion]");
        w.add(
            &r.id,
            Content,
            d.hint(format!("state whether the {} is suitable, adequate and effective: [conclusion]", fw.system_name())),
            Some(format!(
                "The minutes are approved but record no conclusion on whether the {} is suitable, adequate and effective.",
                fw.system_name()
            )),
        );
    }
    if let Some(from) = fw.climate_from
        && date >= from
        && f.climate_relevant.is_none()
    {
        let d = r.diag_at(
            "missing-climate",
            &f.date,
            format!("reviews from {from} must say whether climate change is a relevant issue"),
        );
        w.add(
            &r.id,
            Content,
            d.hint("add `climate_relevant = true` or `false` (ISO/IEC 27001 Amd 1:2024)"),
            Some(format!(
                "The minutes do not say whether climate change is a relevant issue, as reviews from {from} must."
            )),
        );
    }
}

/// A review held more than 30 days before `a` and not approved by then.
fn not_approved(r: &Record<Review>, a: Date, w: &mut Warnings) {
    let f = &r.fm;
    let date = *f.date.get_ref();
    let approved_on = f.approved_on.as_ref().map(|x| *x.get_ref());
    if metrics::review_status(*f.status.get_ref(), approved_on, a) == ReviewStatus::Held && date.days_until(a) > 30 {
        let d = r.diag_at(
            "review-not-approved",
            &f.status,
            format!("held on {date}, more than 30 days before {a}, and not approved"),
        );
        w.add(
            &r.id,
            WarningClass::Status,
            d.hint(format!("approve the minutes: `quorum approve {} --by NAME`", r.id)),
            Some(format!(
                "Held on {date}, {} before the as-of date, and the minutes are not approved.",
                days(date.days_until(a))
            )),
        );
    }
}

fn series_gaps(site: &Site, figures: &Figures, w: &mut Warnings) {
    if figures.series.is_empty() {
        let d = Diagnostic::file(
            "no-review",
            "site.toml",
            "no management review has been held (no held or approved scheduled review)",
        );
        w.diagnostics.push(d.hint("record the first review in content/reviews/").warning(WarningClass::Status));
        return;
    }
    // Each management system keeps its own series; the messages name it only when the site
    // has several.
    for (s, series) in figures.system_series.iter().enumerate() {
        let system = if site.systems.several() { format!("{} ", site.systems.name(s)) } else { String::new() };
        system_gaps(site, series, &system, w);
    }
}

/// The gaps of one series: `system` is "AIMS " on a site of several systems, else empty.
fn system_gaps(site: &Site, series: &[usize], system: &str, w: &mut Warnings) {
    let months = site.config.review_interval_months as i32;
    let Some(&last) = series.last() else { return };
    for pair in series.windows(2) {
        let (prev, next) = (&site.reviews[pair[0]], &site.reviews[pair[1]]);
        let (pd, nd) = (*prev.fm.date.get_ref(), *next.fm.date.get_ref());
        if nd > pd.add_months(months) {
            let d = next.diag_at(
                "review-gap",
                &next.fm.date,
                format!("{nd} is more than {months} months after the previous {system}review ({pd}, {})", prev.id),
            );
            w.add(
                &next.id,
                WarningClass::Status,
                d.hint("review_interval_months in site.toml sets the planned interval"),
                Some(format!(
                    "Held more than {} after the previous {system}review, {} on {pd}.",
                    months_text(months),
                    prev.id
                )),
            );
        }
    }
    let last = &site.reviews[last];
    let ld = *last.fm.date.get_ref();
    if site.as_of > ld.add_months(months) {
        let d = last.diag_at(
            "review-gap",
            &last.fm.date,
            format!("no {system}management review since {ld}: more than {months} months before {}", site.as_of),
        );
        w.add(
            &last.id,
            WarningClass::Status,
            d.hint("hold the next review"),
            Some(format!(
                "No {system}management review has been held since this one: more than {} before the as-of date.",
                months_text(months)
            )),
        );
    }
}

fn actions(site: &Site, figures: &Figures, w: &mut Warnings) {
    let a = site.as_of;
    for r in &site.actions {
        let f = &r.fm;
        let status = metrics::action_status(f, a);
        if status == ActionStatus::Overdue {
            let due = metrics::due_as_of(f, a);
            let span = f
                .updates
                .iter()
                .filter_map(|u| u.due.as_ref())
                .find(|d| *d.get_ref() == due)
                .map_or(f.due.span(), |d| d.span());
            let d =
                r.diag("action-overdue", span, format!("overdue: due {due}, {} days before {a}", due.days_until(a)));
            w.add(
                &r.id,
                WarningClass::Status,
                d.hint("close it, or record a re-plan as an [[updates]] entry with a new `due`"),
                Some(format!("Overdue: due {due}, {} before the as-of date.", days(due.days_until(a)))),
            );
        }
        let carried = figures.carry_over.get(&r.id.to_lowercase()).copied().unwrap_or(0);
        if status.is_open() && carried > site.config.carry_over_limit as usize {
            let d = r.diag_at(
                "action-carried-over",
                &f.raised,
                format!(
                    "open at {carried} management review{} (limit {})",
                    if carried == 1 { "" } else { "s" },
                    site.config.carry_over_limit
                ),
            );
            w.add(
                &r.id,
                WarningClass::Status,
                d.hint("escalate: re-plan with resources, or cancel with a reason"),
                Some(format!(
                    "Still open after {}; the limit is {}.",
                    crate::context::plural(carried as i64, "management review"),
                    site.config.carry_over_limit
                )),
            );
        }
    }
}

fn nonconformities(site: &Site, w: &mut Warnings) {
    let a = site.as_of;
    for r in &site.nonconformities {
        let f = &r.fm;
        let kpi = site.config.kpi_severities.contains(f.severity.get_ref());
        let Some(closed) = f.closed.as_ref().filter(|c| *c.get_ref() <= a) else { continue };
        if kpi && f.root_cause.as_deref().is_none_or(|s| s.trim().is_empty()) {
            let d = r.diag_at(
                "missing-root-cause",
                closed,
                format!("closed {} nonconformity without a `root_cause`", f.severity.get_ref()),
            );
            w.add(
                &r.id,
                WarningClass::Content,
                d.hint("record the root cause found (ISO/IEC 27001 10.2 b)"),
                Some("Closed without a recorded root cause.".to_string()),
            );
        }
        for act in &f.actions {
            if let Some(&(Kind::Action, k)) = site.index.get(&act.get_ref().to_lowercase())
                && let action = &site.actions[k]
                && metrics::action_status(&action.fm, a).is_open()
            {
                let d = r.diag_at(
                    "closed-with-open-action",
                    act,
                    format!("closed on {}, but its action {} is still open", closed.get_ref(), action.id),
                );
                w.add(
                    &r.id,
                    WarningClass::Content,
                    d.hint("close the action first, or reopen the nonconformity"),
                    Some(format!(
                        "Closed on {}, but its corrective action {} is still open.",
                        closed.get_ref(),
                        action.id
                    )),
                );
            }
        }
        let verified = f.verified.as_ref().is_some_and(|v| *v.get_ref() <= a);
        if kpi && !verified && closed.get_ref().days_until(a) > 90 {
            let d = r.diag_at(
                "nc-not-verified",
                closed,
                format!(
                    "closed {} days before {a} and its effectiveness not yet verified",
                    closed.get_ref().days_until(a)
                ),
            );
            w.add(
                &r.id,
                WarningClass::Status,
                d.hint("review the corrective action's effectiveness and record `verified` and `effective`"),
                Some(format!(
                    "Closed {} before the as-of date, and the effectiveness of its correction is not yet verified.",
                    days(closed.get_ref().days_until(a))
                )),
            );
        }
    }
}

/// One record as the withheld-mention check sees it.
struct Mentioner<'a> {
    kind: Kind,
    id: &'a str,
    src: &'a SourceText,
    scan: &'a BodyScan,
    confidential: bool,
    planned: bool,
    /// Decisions marked confidential (reviews).
    secret_decisions: Vec<&'a str>,
}

impl Mentioner<'_> {
    /// Whether the audience leaves the whole record out, and in what words.
    fn hidden_from(&self, a: &Audience) -> Option<String> {
        if self.planned && !a.include_planned {
            Some("a planned review".to_string())
        } else if self.confidential && !a.include_confidential {
            Some(format!("a confidential {}", self.kind.label()))
        } else {
            None
        }
    }

    /// Whether `#frag` of a record the audience sees is cut from its edition: a confidential
    /// decision, or a heading inside a `.confidential` section.
    fn part_hidden_from(&self, frag: &str, a: &Audience) -> Option<&'static str> {
        if a.include_confidential {
            return None;
        }
        if self.secret_decisions.contains(&frag) {
            return Some("a confidential decision");
        }
        let sections = confidential_sections(&self.scan.headings);
        let heading = self.scan.headings.iter().find(|h| h.id == frag)?;
        sections.iter().any(|s| s.contains(&heading.span.start)).then_some("a confidential section")
    }
}

fn mentioners<'a, T>(
    list: &'a [Record<T>],
    kind: Kind,
    flags: impl Fn(&'a T) -> (bool, bool, Vec<&'a str>),
) -> impl Iterator<Item = Mentioner<'a>> {
    list.iter().map(move |r| {
        let (confidential, planned, secret_decisions) = flags(&r.fm);
        Mentioner { kind, id: &r.id, src: &r.src, scan: &r.scan, confidential, planned, secret_decisions }
    })
}

/// A `[[link]]` in text that an audience of site.toml sees, to a record (or a decision or
/// section) that audience does not: its edition would show the bare ID in the middle of the
/// sentence. Judged for every audience that leaves something out, one warning per link.
fn withheld_mentions(site: &Site, w: &mut Warnings) {
    let audiences: Vec<(&String, &Audience)> =
        site.config.audiences.iter().filter(|(_, a)| !a.include_confidential || !a.include_planned).collect();
    if audiences.is_empty() {
        return;
    }
    let plain = |c: bool| (c, false, Vec::new());
    let all: Vec<Mentioner> = mentioners(&site.reviews, Kind::Review, |f: &Review| {
        let secret = f.decisions.iter().filter(|d| d.confidential).map(|d| d.id.get_ref().as_str()).collect();
        (f.confidential, *f.status.get_ref() == ReviewStatus::Planned, secret)
    })
    .chain(mentioners(&site.actions, Kind::Action, |f| plain(f.confidential)))
    .chain(mentioners(&site.nonconformities, Kind::Nonconformity, |f| plain(f.confidential)))
    .chain(mentioners(&site.objectives, Kind::Objective, |f| plain(f.confidential)))
    .chain(mentioners(&site.audits, Kind::Audit, |f| plain(f.confidential)))
    .chain(mentioners(&site.pages, Kind::Page, |f| plain(f.confidential)))
    .collect();
    let by_id: HashMap<String, &Mentioner> = all.iter().map(|m| (m.id.to_lowercase(), m)).collect();
    for m in &all {
        // Per link (by position): what it points at, in words, and the audiences that would
        // see it bare.
        let mut found: BTreeMap<usize, (&WikiRef, String, Vec<&str>)> = BTreeMap::new();
        for &(name, a) in &audiences {
            if m.hidden_from(a).is_some() {
                continue;
            }
            let cut = if a.include_confidential { Vec::new() } else { confidential_sections(&m.scan.headings) };
            for link in m.scan.wikilinks.iter().filter(|l| !cut.iter().any(|c| c.contains(&l.span.start))) {
                let (id, frag) =
                    link.target.split_once('#').map_or((link.target.as_str(), None), |(i, f)| (i, Some(f)));
                let Some(t) = by_id.get(&id.to_lowercase()) else { continue };
                let what = match (t.hidden_from(a), frag) {
                    (Some(what), _) => what,
                    (None, Some(f)) => match t.part_hidden_from(f, a) {
                        Some(what) => what.to_string(),
                        None => continue,
                    },
                    (None, None) => continue,
                };
                found.entry(link.span.start).or_insert_with(|| (link, what, Vec::new())).2.push(name);
            }
        }
        for (link, what, names) in found.into_values() {
            let editions = match names.as_slice() {
                [one] => format!("the {one} edition"),
                many => format!("the {} editions", many.join(", ")),
            };
            let d = m.src.diag(
                "mentions-withheld",
                link.span.clone(),
                format!(
                    "`[[{}]]` is {what}, left out of {editions}: there this text shows only the bare ID",
                    link.target
                ),
            );
            w.add(
                m.id,
                WarningClass::Content,
                d.hint(
                    "move the sentence into a section under a heading marked {.confidential}, or leave the link out",
                ),
                // For authors: a reader of the full site sees nothing wrong.
                None,
            );
        }
    }
}

/// "1 day", "75 days".
fn days(n: i64) -> String {
    crate::context::plural(n, "day")
}

/// "6 months", "1 month".
fn months_text(n: i32) -> String {
    crate::context::plural(i64::from(n), "month")
}

/// " (clause 9.3.2 a)" for a framework input with a clause, else nothing.
fn clause(c: &str) -> String {
    if c.is_empty() { String::new() } else { format!(" (clause {c})") }
}

/// An input's title inside a sentence: "Status of actions" → "status of actions" (an
/// acronym such as "ISMS" keeps its capitals).
pub(crate) fn lower_first(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(title[a.len_utf8()..].chars()).collect()
        }
        _ => title.to_string(),
    }
}

/// [`decision_topic`] for a review of a framework governing `system` ("changes to the AIMS").
pub(crate) fn decision_topic_in(kind: &str, system: &str) -> String {
    if kind == "isms_change" { format!("changes to the {system}") } else { decision_topic(kind).to_string() }
}

/// What a decision of an output kind is about, for "No decision about … was recorded."
pub(crate) fn decision_topic(kind: &str) -> &str {
    match kind {
        "improvement" => "opportunities for continual improvement",
        "isms_change" => "changes to the ISMS",
        "resources" => "resource needs",
        "risk_acceptance" => "the acceptance of risks",
        "policy" => "policy",
        "objectives" => "objectives",
        "other" => "other matters",
        other => other,
    }
}
