//! The rules of DESIGN §2, checked on the unredacted content before anything is left out:
//! unique IDs, references between records, fragments, dates in order, active files.

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::parse::Parsed;
use crate::record::Kind;
use crate::record::{self, Record, ReviewStatus, Sp};

use super::links::resolve_local;
use super::with_article;

struct Known {
    kind: Kind,
    file: String,
    id: String,
}

/// Everything needed to check references before anything is left out.
pub(super) struct Checker<'a> {
    config: &'a Config,
    ids: HashMap<String, Known>,
    decisions: HashMap<String, Vec<String>>,
    /// Lower-cased IDs of files that failed to parse: their decisions and headings are unknown,
    /// so fragments pointing into them are not reported again.
    failed: HashSet<String>,
    headings: HashMap<String, Vec<String>>,
    /// Site-relative record file → lower-cased ID (targets of `[x](other.md#heading)`).
    files: HashMap<String, String>,
    loaded: &'a Loaded,
    pub(super) diags: Diagnostics,
}

/// Extensions of files a browser runs as a document that can hold scripts (HTML, SVG, XML
/// with stylesheets) or as script itself, when opened from the site's origin.
/// SVG is judged by its content ([`active_svg`]); compressed SVG cannot be, so it is refused.
const ACTIVE_EXTENSIONS: [&str; 10] = ["html", "htm", "xhtml", "xht", "shtml", "svgz", "xml", "xsl", "js", "mjs"];

/// What makes an SVG file more than a picture when it is opened from the site, if anything:
/// scripts, event-handler attributes, embedded HTML or frames, animations (which can rewrite
/// links), entity declarations, or a link that leaves the file (`href` must be `#fragment`, so
/// no `javascript:` in any spelling). Conservative on purpose: a diagram exported by a drawing
/// program passes; anything cleverer is refused with the reason.
pub(crate) fn active_svg(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    for (needle, what) in [
        ("<script", "a <script> element"),
        ("<foreignobject", "a <foreignObject> element (embedded HTML)"),
        ("<iframe", "an <iframe> element"),
        ("<embed", "an <embed> element"),
        ("<object", "an <object> element"),
        ("<handler", "a <handler> element"),
        ("<listener", "a <listener> element"),
        ("<set", "a <set> animation"),
        ("<animate", "an animation element"),
        ("<!entity", "an entity declaration"),
        ("javascript:", "a javascript: URL"),
    ] {
        if text.contains(needle) {
            return Some(what.to_string());
        }
    }
    let b = text.as_bytes();
    // Inside a tag and outside its quoted values, an attribute name starts after whitespace
    // (or after `xlink:`); text content is never judged.
    let (mut in_tag, mut quote) = (false, None);
    for i in 0..b.len() {
        match (in_tag, quote, b[i]) {
            (false, _, b'<') => in_tag = true,
            (true, None, b'>') => in_tag = false,
            (true, None, q @ (b'"' | b'\'')) => quote = Some(q),
            (true, Some(q), c) if c == q => quote = None,
            _ => {}
        }
        if !in_tag || quote.is_some() {
            continue;
        }
        // `on…=` is an event handler.
        let starts_attr = i > 0 && b[i - 1].is_ascii_whitespace();
        if starts_attr && b[i..].starts_with(b"on") {
            let name_end = b[i..].iter().position(|c| !c.is_ascii_alphanumeric()).map_or(b.len(), |p| i + p);
            let rest = b[name_end..].iter().find(|c| !c.is_ascii_whitespace());
            if name_end > i + 2 && rest == Some(&b'=') {
                return Some(format!("an event-handler attribute `{}`", &text[i..name_end]));
            }
        }
        if (starts_attr || b.get(i.wrapping_sub(1)) == Some(&b':')) && b[i..].starts_with(b"href") {
            let mut j = i + 4;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if b.get(j) != Some(&b'=') {
                continue;
            }
            j += 1;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if matches!(b.get(j), Some(b'"' | b'\'')) && b.get(j + 1) != Some(&b'#') {
                return Some("a link that leaves the file (only `href=\"#…\"` is allowed)".into());
            }
        }
    }
    None
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
        self.active_files();
    }

    /// Files under `content/` that a browser would run as a page or script when opened from
    /// the published site (an HTML or SVG attachment with a `<script>`), unless the site
    /// trusts raw HTML: the same line the Markdown sanitiser draws.
    fn active_files(&mut self) {
        if self.config.raw_html == crate::config::RawHtml::Trusted {
            return;
        }
        for asset in &self.loaded.assets {
            let name = asset.rsplit('/').next().unwrap_or(asset);
            let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            let why = match ext.as_str() {
                // A diagram is welcome as long as it is only a picture.
                "svg" => match self.loaded.asset_paths.get(asset) {
                    Some(path) => match crate::load::read_file(path, crate::load::MAX_ATTACHMENT_BYTES) {
                        Ok(bytes) => active_svg(&bytes).map(|what| format!("this SVG file holds {what}")),
                        // Unreadable files are reported where they are published.
                        Err(_) => None,
                    },
                    None => None,
                },
                e if ACTIVE_EXTENSIONS.contains(&e) => Some(format!("a `.{e}` file is run as a page or script")),
                _ => None,
            };
            if let Some(why) = why {
                self.diags.push(
                    Diagnostic::file(
                        "active-file",
                        asset,
                        format!("`{name}` could run script in the browsers of the site's readers: {why}"),
                    )
                    .hint(
                        "publish documents as PDF and diagrams as PNG, or set raw_html = \"trusted\" in site.toml \
                         if every author of this site is trusted",
                    ),
                );
            }
        }
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

    fn suggest(&self, id: &str, kinds: &[Kind]) -> String {
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

    fn review(&mut self, r: &Record<record::Review>) {
        let fm = &r.fm;
        let date = *fm.date.get_ref();
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
        let mut seen = HashSet::new();
        for d in &fm.decisions {
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
            for input in &d.inputs {
                if let Some(fw) = &framework
                    && fw.input(input.get_ref()).is_none()
                {
                    let keys: Vec<&str> = fw.inputs.iter().map(|i| i.key.as_str()).collect();
                    let mut hint = format!("inputs of {framework_name}: {}", keys.join(", "));
                    if let Some(s) = crate::diagnostics::did_you_mean(input.get_ref(), keys.iter().copied()) {
                        hint = format!("did you mean `{s}`? {hint}");
                    }
                    self.diags.push(
                        r.diag_at("unknown-value", input, format!("unknown input key `{}`", input.get_ref()))
                            .hint(hint),
                    );
                }
            }
            for a in &d.actions {
                self.reference(r, a, "actions", &[Kind::Action]);
            }
        }
        for u in &fm.action_updates {
            self.reference(r, &u.action, "action", &[Kind::Action]);
        }
    }

    fn action(&mut self, r: &Record<record::Action>) {
        let fm = &r.fm;
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

    /// `[[links]]` and relative links in a body.
    fn body<T>(&mut self, r: &Record<T>) {
        for w in &r.scan.wikilinks {
            let (id, frag) = match w.target.split_once('#') {
                Some((i, f)) => (i, Some(f)),
                None => (w.target.as_str(), None),
            };
            match self.ids.get(&id.to_lowercase()) {
                None => {
                    let hint = self.suggest(
                        id,
                        &[Kind::Review, Kind::Action, Kind::Nonconformity, Kind::Objective, Kind::Audit, Kind::Page],
                    );
                    self.diags.push(
                        r.src.diag("unknown-id", w.span.clone(), format!("link to unknown ID `{id}`")).hint(hint),
                    );
                }
                Some(_) => {
                    if let Some(f) = frag {
                        let key = id.to_lowercase();
                        let ok = self.failed.contains(&key)
                            || self.decisions.get(&key).is_some_and(|d| d.iter().any(|x| x == f))
                            || self.headings.get(&key).is_some_and(|h| h.iter().any(|x| x == f));
                        if !ok {
                            self.diags.push(
                                r.src
                                    .diag(
                                        "unknown-id",
                                        w.span.clone(),
                                        format!("`{id}` has no decision or heading `{f}`"),
                                    )
                                    .hint("decisions are linked as [[REVIEW#D1]]"),
                            );
                        }
                    }
                }
            }
        }
        for l in &r.scan.links {
            match resolve_local(&r.dir, &l.dest, self.loaded) {
                Err((code, msg, hint)) => self.diags.push(r.src.diag(code, l.span.clone(), msg).hint(hint)),
                Ok(target) => self.fragment(r, l, &target),
            }
        }
    }

    /// `[x](#heading)`, `[x](other.md#heading)`: the fragment must be a heading id of the target
    /// record, or one of its decisions. Fragments of other files (`report.pdf#page=2`) are free.
    fn fragment<T>(&mut self, r: &Record<T>, l: &record::LocalLink, target: &str) {
        let Some(frag) =
            l.dest.split_once('#').map(|(_, f)| crate::escape::percent_decode(f)).filter(|f| !f.is_empty())
        else {
            return;
        };
        let key = if target.is_empty() {
            r.id.to_lowercase()
        } else {
            match self.files.get(target).or_else(|| self.files.get(&format!("{target}/index.md"))) {
                Some(k) => k.clone(),
                None => return,
            }
        };
        if self.failed.contains(&key) {
            return;
        }
        let headings = self.headings.get(&key).map(Vec::as_slice).unwrap_or_default();
        let decisions = self.decisions.get(&key).map(Vec::as_slice).unwrap_or_default();
        if headings.iter().chain(decisions).any(|x| *x == frag) {
            return;
        }
        let whose = if target.is_empty() { "this file".to_string() } else { format!("`{target}`") };
        let mut ids: Vec<&str> = headings.iter().chain(decisions).map(String::as_str).collect();
        let hint = match crate::diagnostics::did_you_mean(&frag, ids.iter().copied()) {
            Some(s) => format!("did you mean `#{s}`?"),
            None if ids.is_empty() => format!("{whose} has no headings; link the page without a fragment"),
            None => {
                let more = ids.len() > 12;
                ids.truncate(12);
                format!("its ids: {}{}", ids.join(", "), if more { ", …" } else { "" })
            }
        };
        self.diags.push(
            r.src
                .diag(
                    "broken-link",
                    l.span.clone(),
                    format!("link `{}`: {whose} has no heading or decision with the id `{frag}`", l.dest),
                )
                .hint(format!("{hint} (heading ids are lower case, words joined by `-`; set one with {{#id}})")),
        );
    }
}

mod record_date {
    pub(crate) type D = crate::date::Date;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::natural_cmp;

    #[test]
    fn svg_pictures_pass_and_active_svg_is_named() {
        let picture = br##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><title>Incidents</title><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="2" height="3"/><use xlink:href="#g"/><text> one = two, onwards</text></svg>"##;
        assert_eq!(active_svg(picture), None);
        for (svg, what) in [
            (&br#"<svg><SCRIPT>alert(1)</SCRIPT></svg>"#[..], "<script>"),
            (br#"<svg onload="alert(1)"/>"#, "onload"),
            (br#"<svg><rect ONCLICK = 'x'/></svg>"#, "onclick"),
            (br#"<svg><a href="&#106;avascript:alert(1)"><text>x</text></a></svg>"#, "leaves the file"),
            (br#"<svg><a xlink:href='https://evil.example/'>x</a></svg>"#, "leaves the file"),
            (br#"<svg><foreignObject><body/></foreignObject></svg>"#, "foreignObject"),
            (br#"<svg><animate attributeName="href" to="x"/></svg>"#, "animation"),
            (br#"<!DOCTYPE svg [<!ENTITY x "y">]><svg/>"#, "entity"),
        ] {
            let found = active_svg(svg).unwrap_or_else(|| panic!("{} passed", String::from_utf8_lossy(svg)));
            assert!(found.contains(what), "{found}");
        }
    }

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
