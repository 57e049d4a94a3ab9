//! The rules of DESIGN §2, checked on the unredacted content before anything is left out:
//! unique IDs, references between records, dates in order, one record kind at a time. The
//! links in bodies are checked in `body.rs`, the active files in `files.rs`.

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::Framework;
use crate::load::Loaded;
use crate::parse::Parsed;
use crate::record::Kind;
use crate::record::{self, Record, ReviewStatus, Sp};

use super::with_article;

/// A record ID as first defined: its kind, file and spelling.
pub(super) struct Known {
    kind: Kind,
    file: String,
    id: String,
}

/// Everything needed to check references before anything is left out (the body's links are
/// checked in `body.rs`, with the same indexes).
pub(super) struct Checker<'a> {
    config: &'a Config,
    /// Lower-cased ID → the record that has it.
    pub(super) ids: HashMap<String, Known>,
    /// Lower-cased review ID → its decision IDs.
    pub(super) decisions: HashMap<String, Vec<String>>,
    /// Lower-cased IDs of files that failed to parse: their decisions and headings are unknown,
    /// so fragments pointing into them are not reported again.
    pub(super) failed: HashSet<String>,
    /// Lower-cased ID → the heading ids of its body.
    pub(super) headings: HashMap<String, Vec<String>>,
    /// Site-relative record file → lower-cased ID (targets of `[x](other.md#heading)`).
    pub(super) files: HashMap<String, String>,
    pub(super) loaded: &'a Loaded,
    pub(super) diags: Diagnostics,
}

impl<'a> Checker<'a> {
    pub(super) fn new(config: &'a Config, p: &Parsed, loaded: &'a Loaded) -> Self {
        let mut c = Checker {
            config,
            ids: HashMap::new(),
            decisions: HashMap::new(),
            failed: p.failed.iter().map(|(id, _)| id.to_lowercase()).collect(),
            headings: HashMap::new(),
            files: loaded.sources.iter().map(|s| (s.text.file.clone(), s.id.to_lowercase())).collect(),
            loaded,
            diags: Diagnostics::default(),
        };
        // Duplicate IDs are judged over every file, parsed or not, in file order.
        for s in &loaded.sources {
            if s.kind == Kind::Home {
                continue;
            }
            let key = s.id.to_lowercase();
            if let Some(prev) = c.ids.get(&key) {
                let same = if prev.id == s.id {
                    String::new()
                } else {
                    format!(" (`{}`: IDs are compared ignoring case)", prev.id)
                };
                c.diags.push(
                    Diagnostic::file(
                        "duplicate-id",
                        &s.text.file,
                        format!("duplicate ID `{}`: {} has it too{same}", s.id, prev.file),
                    )
                    .hint("IDs are permalinks and unique across all kinds; rename one file"),
                );
            } else {
                c.ids.insert(key, Known { kind: s.kind, file: s.text.file.clone(), id: s.id.clone() });
            }
        }
        for r in &p.reviews {
            c.decisions.insert(r.id.to_lowercase(), r.fm.decisions.iter().map(|d| d.id.get_ref().clone()).collect());
        }
        let heads = |scan: &record::BodyScan| scan.headings.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
        for (id, scan) in p
            .reviews
            .iter()
            .map(|r| (&r.id, &r.scan))
            .chain(p.actions.iter().map(|r| (&r.id, &r.scan)))
            .chain(p.nonconformities.iter().map(|r| (&r.id, &r.scan)))
            .chain(p.objectives.iter().map(|r| (&r.id, &r.scan)))
            .chain(p.audits.iter().map(|r| (&r.id, &r.scan)))
            .chain(p.pages.iter().map(|r| (&r.id, &r.scan)))
        {
            c.headings.insert(id.to_lowercase(), heads(scan));
        }
        if let Some(h) = &p.home {
            c.headings.insert(h.id.to_lowercase(), heads(&h.scan));
        }
        c
    }

    pub(super) fn check_all(&mut self, p: &Parsed) {
        for r in &p.reviews {
            self.review(r);
            self.body(r);
        }
        for r in &p.actions {
            self.action(r);
            self.body(r);
        }
        for r in &p.nonconformities {
            self.nonconformity(r);
            self.body(r);
        }
        for r in &p.objectives {
            self.objective(r);
            self.body(r);
        }
        for r in &p.audits {
            self.audit(r);
            self.body(r);
        }
        for r in &p.pages {
            self.page(r);
            self.body(r);
        }
        if let Some(h) = &p.home {
            self.body(h);
        }
        super::files::active_files(self.config, self.loaded, &mut self.diags);
    }

    /// Checks that `value` names a record of one of `kinds`.
    fn reference<T>(&mut self, rec: &Record<T>, value: &Sp<String>, field: &str, kinds: &[Kind]) -> bool {
        let id = value.get_ref();
        match self.ids.get(&id.to_lowercase()) {
            None => {
                let d = rec.diag_at("unknown-id", value, format!("`{field}` names unknown ID `{id}`"));
                let hint = self.suggest(id, kinds);
                self.diags.push(d.hint(hint));
                false
            }
            Some(k) if !kinds.contains(&k.kind) => {
                let want: Vec<String> = kinds.iter().map(|k| with_article(k.label())).collect();
                let d = rec.diag_at(
                    "wrong-kind",
                    value,
                    format!(
                        "`{field}` must name {}, but `{id}` is {}",
                        want.join(" or "),
                        with_article(k.kind.label())
                    ),
                );
                self.diags.push(d.hint(format!("{} is defined in {}", k.id, k.file)));
                false
            }
            Some(_) => true,
        }
    }

    /// The hint for an unknown ID: the closest ID of one of `kinds`, or how IDs are made.
    pub(super) fn suggest(&self, id: &str, kinds: &[Kind]) -> String {
        let candidates = self.ids.values().filter(|k| kinds.contains(&k.kind)).map(|k| k.id.as_str());
        match crate::diagnostics::did_you_mean(id, candidates) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "no {} has this ID; IDs are file names without `.md`",
                // A link may name any kind: then no *record* has it.
                match kinds {
                    [k] => k.label(),
                    _ => "record",
                }
            ),
        }
    }

    fn order<T>(&mut self, rec: &Record<T>, later: &Sp<record_date::D>, earlier: Date, what: &str) {
        if *later.get_ref() < earlier {
            self.diags.push(rec.diag_at("date-order", later, what.to_string()));
        }
    }

    /// A review: its sign-off, its dates, its framework, and each decision.
    fn review(&mut self, r: &Record<record::Review>) {
        self.review_sign_off(r);
        self.review_dates(r);
        let (framework_name, framework) = self.review_framework(r);
        let mut seen = HashSet::new();
        for d in &r.fm.decisions {
            self.decision_id(r, d, &mut seen);
            if let Some(fw) = &framework {
                self.decision_inputs(r, d, &framework_name, fw);
            }
            for a in &d.actions {
                self.reference(r, a, "actions", &[Kind::Action]);
            }
            self.requirements(r, &d.requirements);
        }
        for u in &r.fm.action_updates {
            self.reference(r, &u.action, "action", &[Kind::Action]);
            self.requirements(r, &u.requirements);
        }
    }

    /// A held or approved review has a chair; an approved one says by whom and when.
    fn review_sign_off(&mut self, r: &Record<record::Review>) {
        let fm = &r.fm;
        let status = *fm.status.get_ref();
        if status != ReviewStatus::Planned && fm.chair.as_deref().is_none_or(|c| c.trim().is_empty()) {
            self.diags.push(
                r.diag_at("missing-field", &fm.status, "a held or approved review needs a `chair`")
                    .hint("add `chair = \"…\"`"),
            );
        }
        if status == ReviewStatus::Approved {
            if fm.approved_by.is_none() {
                self.diags.push(
                    r.diag_at("missing-field", &fm.status, "an approved review needs `approved_by`")
                        .hint("add `approved_by = \"…\"`, or set status = \"held\""),
                );
            }
            if fm.approved_on.is_none() {
                self.diags.push(
                    r.diag_at("missing-field", &fm.status, "an approved review needs `approved_on`")
                        .hint("add `approved_on = YYYY-MM-DD`, or set status = \"held\""),
                );
            }
        }
        if let Some(d) = &fm.approved_digest {
            if !crate::seal::well_formed(d.get_ref()) {
                self.diags.push(
                    r.diag_at("approved-digest", d, "`approved_digest` is not `sha256:` and 64 lower-case hex digits")
                        .hint(format!("let `quorum approve {} --reseal --by NAME` write it", r.id)),
                );
            } else if status != ReviewStatus::Approved {
                self.diags.push(
                    r.diag_at("approved-digest", d, "`approved_digest` on a review that is not approved").hint(
                        format!("remove the line, or approve the review with `quorum approve {} --by NAME`", r.id),
                    ),
                );
            }
        }
    }

    /// A review is approved on or after its date, and its period starts on or before it.
    fn review_dates(&mut self, r: &Record<record::Review>) {
        let fm = &r.fm;
        let date = *fm.date.get_ref();
        if let Some(a) = &fm.approved_on {
            self.order(r, a, date, &format!("`approved_on` ({}) is before the review `date` ({date})", a.get_ref()));
        }
        if let Some(ps) = &fm.period_start
            && *ps.get_ref() > date
        {
            self.diags.push(r.diag_at(
                "date-order",
                ps,
                format!("`period_start` ({}) is after the review `date` ({date})", ps.get_ref()),
            ));
        }
    }

    /// The framework a review follows (its own or the site's), by name, and the framework
    /// itself when the site defines it; a review naming an unknown framework is reported.
    fn review_framework(&mut self, r: &Record<record::Review>) -> (String, Option<Framework>) {
        let fm = &r.fm;
        let framework_name =
            fm.framework.as_ref().map_or(self.config.framework.as_str(), |f| f.get_ref().as_str()).to_string();
        let framework = self.config.framework(&framework_name).cloned();
        if framework.is_none()
            && let Some(f) = &fm.framework
        {
            let names: Vec<&str> = self.config.frameworks.keys().map(String::as_str).collect();
            self.diags.push(
                r.diag_at("unknown-value", f, format!("unknown framework `{}`", f.get_ref()))
                    .hint(format!("frameworks: {}", names.join(", "))),
            );
        }
        (framework_name, framework)
    }

    /// A record's own `framework`, when it has one, names a framework of the site.
    fn record_framework<T>(&mut self, r: &Record<T>, framework: Option<&Sp<String>>) {
        if let Some(f) = framework
            && self.config.framework(f.get_ref()).is_none()
        {
            let names: Vec<&str> = self.config.frameworks.keys().map(String::as_str).collect();
            self.diags.push(
                r.diag_at("unknown-value", f, format!("unknown framework `{}`", f.get_ref()))
                    .hint(format!("frameworks: {}", names.join(", "))),
            );
        }
    }

    /// A decision's ID is valid, not a heading id of the review, and not used twice in it
    /// (`seen` holds the lower-cased IDs of the decisions before it).
    fn decision_id(&mut self, r: &Record<record::Review>, d: &record::Decision, seen: &mut HashSet<String>) {
        let id = d.id.get_ref();
        if !crate::load::valid_id(id) {
            self.diags.push(
                r.diag_at("invalid-id", &d.id, format!("`{id}` is not a valid decision ID")).hint("use D1, D2, …"),
            );
        }
        if let Some(h) = r.scan.headings.iter().find(|h| h.id.eq_ignore_ascii_case(id)) {
            let d = r.diag_at(
                "duplicate-id",
                &d.id,
                format!("decision ID `{id}` is also the id of the heading “{}”", h.text),
            );
            self.diags.push(d.hint(
                "a decision's ID is its anchor on the review page (MR#D1); rename the heading id or the decision",
            ));
        }
        if !seen.insert(id.to_lowercase()) {
            self.diags.push(r.diag_at(
                "duplicate-id",
                &d.id,
                format!("decision ID `{id}` is used twice in this review"),
            ));
        }
    }

    /// Every `requirements` entry that starts with an enabled crosswalk's prefix names one
    /// of its requirements; other entries are free text.
    fn requirements<T>(&mut self, rec: &Record<T>, list: &[Sp<String>]) {
        for entry in list {
            if let crate::crosswalk::Named::Unknown { name, suggestion } =
                crate::crosswalk::resolve(entry.get_ref(), &self.config.crosswalks)
            {
                let cw = &self.config.crosswalks.iter().find(|(n, _)| n == name).expect("enabled").1;
                let refs: Vec<&str> = cw.requirements.iter().map(|r| r.reference.as_str()).collect();
                let mut hint = format!("requirements of {name}: {}", refs.join(", "));
                if let Some(s) = suggestion {
                    hint = format!("did you mean `{s}`? {hint}");
                }
                self.diags.push(
                    rec.diag_at(
                        "unknown-requirement",
                        entry,
                        format!("`{}` is not a requirement of the {} crosswalk", entry.get_ref(), cw.title),
                    )
                    .hint(hint),
                );
            }
        }
    }

    /// Every input a decision names is an input of the review's framework.
    fn decision_inputs(&mut self, r: &Record<record::Review>, d: &record::Decision, name: &str, fw: &Framework) {
        for input in &d.inputs {
            if fw.input(input.get_ref()).is_none() {
                let keys: Vec<&str> = fw.inputs.iter().map(|i| i.key.as_str()).collect();
                let mut hint = format!("inputs of {name}: {}", keys.join(", "));
                if let Some(s) = crate::diagnostics::did_you_mean(input.get_ref(), keys.iter().copied()) {
                    hint = format!("did you mean `{s}`? {hint}");
                }
                self.diags.push(
                    r.diag_at("unknown-value", input, format!("unknown input key `{}`", input.get_ref())).hint(hint),
                );
            }
        }
    }

    fn action(&mut self, r: &Record<record::Action>) {
        let fm = &r.fm;
        self.requirements(r, &fm.requirements);
        self.record_framework(r, fm.framework.as_ref());
        let raised = *fm.raised.get_ref();
        self.order(r, &fm.due, raised, &format!("`due` ({}) is before `raised` ({raised})", fm.due.get_ref()));
        if let Some(c) = &fm.closed {
            self.order(r, c, raised, &format!("`closed` ({}) is before `raised` ({raised})", c.get_ref()));
        }
        match (&fm.cancelled, &fm.cancel_reason) {
            (Some(c), None) => self.diags.push(
                r.diag_at("missing-field", c, "`cancelled` needs a `cancel_reason`")
                    .hint("say why the action was cancelled: `cancel_reason = \"…\"`"),
            ),
            (None, Some(c)) => self.diags.push(
                r.diag_at("missing-field", c, "`cancel_reason` without a `cancelled` date")
                    .hint("add `cancelled = YYYY-MM-DD`"),
            ),
            _ => {}
        }
        if let Some(c) = &fm.cancelled {
            self.order(r, c, raised, &format!("`cancelled` ({}) is before `raised` ({raised})", c.get_ref()));
            if fm.closed.is_some() {
                self.diags.push(
                    r.diag_at("conflict", c, "an action cannot be both closed and cancelled")
                        .hint("keep `closed` if the work was done, else `cancelled`"),
                );
            }
        }
        if let Some(v) = &fm.verified {
            match &fm.closed {
                None => self.diags.push(
                    r.diag_at("conflict", v, "`verified` without `closed`")
                        .hint("an action's effectiveness is verified after it is closed"),
                ),
                Some(c) => self.order(
                    r,
                    v,
                    *c.get_ref(),
                    &format!("`verified` ({}) is before `closed` ({})", v.get_ref(), c.get_ref()),
                ),
            }
        }
        for u in &fm.updates {
            self.order(r, &u.date, raised, &format!("update dated {} is before `raised` ({raised})", u.date.get_ref()));
            if let Some(d) = &u.due {
                self.order(r, d, raised, &format!("re-planned `due` ({}) is before `raised` ({raised})", d.get_ref()));
            }
        }
        if let Some(o) = &fm.origin {
            self.origin(r, o);
        }
    }

    fn origin(&mut self, r: &Record<record::Action>, o: &Sp<String>) {
        let value = o.get_ref();
        match value.split_once('#') {
            Some((review, decision)) => {
                let as_review = Sp::new(o.span(), review.to_string());
                if self.reference(r, &as_review, "origin", &[Kind::Review]) {
                    let known = self.failed.contains(&review.to_lowercase())
                        || self
                            .decisions
                            .get(&review.to_lowercase())
                            .is_some_and(|ds| ds.iter().any(|d| d == decision));
                    if !known {
                        let ds = self.decisions.get(&review.to_lowercase()).map(|v| v.join(", ")).unwrap_or_default();
                        self.diags.push(
                            r.diag_at(
                                "unknown-id",
                                o,
                                format!("`origin` names decision `{decision}`, which review `{review}` does not have"),
                            )
                            .hint(format!("its decisions: {ds}")),
                        );
                    }
                }
            }
            None => {
                self.reference(r, o, "origin", &[Kind::Review, Kind::Nonconformity, Kind::Audit]);
            }
        }
    }

    fn nonconformity(&mut self, r: &Record<record::Nonconformity>) {
        let fm = &r.fm;
        self.requirements(r, &fm.requirements);
        self.record_framework(r, fm.framework.as_ref());
        let raised = *fm.raised.get_ref();
        if !self.config.severities.contains(fm.severity.get_ref()) {
            let sev = &self.config.severities;
            let mut hint = format!("severities (site.toml): {}", sev.join(", "));
            if let Some(s) = crate::diagnostics::did_you_mean(fm.severity.get_ref(), sev.iter().map(String::as_str)) {
                hint = format!("did you mean `{s}`? {hint}");
            }
            self.diags.push(
                r.diag_at(
                    "invalid-value",
                    &fm.severity,
                    format!("`{}` is not a severity of this site", fm.severity.get_ref()),
                )
                .hint(hint),
            );
        }
        if let Some(a) = &fm.audit {
            self.reference(r, a, "audit", &[Kind::Audit]);
        }
        for a in &fm.actions {
            self.reference(r, a, "actions", &[Kind::Action]);
        }
        for x in &fm.repeat_of {
            if x.get_ref().eq_ignore_ascii_case(&r.id) {
                self.diags.push(r.diag_at("conflict", x, "a nonconformity cannot repeat itself"));
            } else {
                self.reference(r, x, "repeat_of", &[Kind::Nonconformity]);
            }
        }
        if let Some(c) = &fm.closed {
            self.order(r, c, raised, &format!("`closed` ({}) is before `raised` ({raised})", c.get_ref()));
        }
        if let Some(v) = &fm.verified {
            match &fm.closed {
                None => self.diags.push(
                    r.diag_at("conflict", v, "`verified` without `closed`")
                        .hint("add the `closed` date: effectiveness is verified after closing"),
                ),
                Some(c) => self.order(
                    r,
                    v,
                    *c.get_ref(),
                    &format!("`verified` ({}) is before `closed` ({})", v.get_ref(), c.get_ref()),
                ),
            }
        }
        if let Some(e) = &fm.effective
            && fm.verified.is_none()
        {
            self.diags.push(
                r.diag_at("conflict", e, "`effective` without `verified`")
                    .hint("`effective` is the result of the effectiveness review dated by `verified`"),
            );
        }
        if let Some(d) = &fm.due {
            self.order(r, d, raised, &format!("`due` ({}) is before `raised` ({raised})", d.get_ref()));
        }
    }

    fn objective(&mut self, r: &Record<record::Objective>) {
        let fm = &r.fm;
        self.record_framework(r, fm.framework.as_ref());
        if let Some(a) = &fm.amber {
            let worse = match fm.direction {
                record::Direction::HigherBetter => *a.get_ref() <= fm.target,
                record::Direction::LowerBetter => *a.get_ref() >= fm.target,
            };
            if !worse {
                let side = if fm.direction == record::Direction::HigherBetter { "at or below" } else { "at or above" };
                self.diags.push(
                    r.diag_at(
                        "invalid-value",
                        a,
                        format!("`amber` ({}) must be on the worse side of `target` ({})", a.get_ref(), fm.target),
                    )
                    .hint(format!("with this direction, amber is {side} the target")),
                );
            }
        }
        for v in [Some(fm.target)].into_iter().flatten().chain(fm.measurements.iter().map(|m| m.value)) {
            if !v.is_finite() {
                self.diags.push(r.diag_top("invalid-value", "numbers must be finite (no nan or inf)"));
            }
        }
    }

    fn audit(&mut self, r: &Record<record::Audit>) {
        self.requirements(r, &r.fm.requirements);
        self.record_framework(r, r.fm.framework.as_ref());
        if let Some(e) = &r.fm.end {
            let start = *r.fm.start.get_ref();
            self.order(r, e, start, &format!("`end` ({}) is before `start` ({start})", e.get_ref()));
        }
    }

    fn page(&mut self, r: &Record<record::Page>) {
        if crate::site_map::reserved(&r.id) {
            self.diags.push(
                r.diag_top(
                    "reserved-id",
                    format!("page ID `{}` is reserved for the site's own `/{}/`", r.id, r.id.to_lowercase()),
                )
                .hint("rename the page file"),
            );
        }
    }
}

mod record_date {
    pub(crate) type D = crate::date::Date;
}

#[cfg(test)]
mod tests {
    use crate::model::natural_cmp;

    #[test]
    fn natural_order() {
        let mut v = vec!["A-10", "A-2", "A-1", "B-1", "a-3"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["A-1", "A-2", "a-3", "A-10", "B-1"]);
    }

    #[test]
    fn decodes_percent() {
        assert_eq!(crate::escape::percent_decode("a%20b.csv"), "a b.csv");
        assert_eq!(crate::escape::percent_decode("%zz%2"), "%zz%2");
        assert_eq!(crate::escape::percent_decode("%aé.csv"), "%aé.csv"); // no panic inside a multi-byte character
    }
}
