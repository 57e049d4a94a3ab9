//! Markdown bodies: scanned for headings and links (parse stage), then rendered to HTML as a
//! stream of events with `[[ID]]` links resolved, heading ids made unique, evidence panels
//! inserted, GFM alerts and task lists rendered accessibly, and confidential sections removed.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, SourceText};
use crate::record::{BodyScan, Heading, LocalLink, WikiRef};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS
}

/// Heading ids the theme uses for its own sections start with this; user headings may not.
pub const RESERVED_ID_PREFIX: &str = "q-";

/// A heading id from its text: lower case, words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if (c.is_whitespace() || c == '-' || c == '_') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "section".into() } else { out }
}

/// Whether a link destination is a URL (has a scheme, or is protocol-relative) rather than a
/// path inside the site.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// Assigns unique ids to headings: explicit ids are kept, derived ones get `-1`, `-2`… suffixes.
struct HeadingIds {
    taken: HashSet<String>,
}

impl HeadingIds {
    fn new(explicit: impl IntoIterator<Item = String>) -> Self {
        HeadingIds { taken: explicit.into_iter().collect() }
    }

    fn derive(&mut self, text: &str) -> String {
        let mut base = slugify(text);
        // `q-…` ids belong to the theme's own sections (q-decisions, q-figures…).
        if base.starts_with(RESERVED_ID_PREFIX) {
            base.insert_str(0, "h-");
        }
        let mut id = base.clone();
        let mut n = 1;
        while !self.taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// Scans a body (byte range `body` of `src`) for headings and links, without rendering it.
/// Returns the scan and errors for duplicate explicit heading ids.
pub fn scan(src: &SourceText, body: Range<usize>) -> (BodyScan, Vec<Diagnostic>) {
    let offset = body.start;
    let text = &src.text[body];
    let mut out = BodyScan::default();
    let mut diags = Vec::new();
    let mut explicit = HashSet::new();
    let mut current: Option<(Heading, String)> = None;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let span = offset + range.start..offset + range.end;
        match event {
            Event::Start(Tag::Heading { level, id, classes, .. }) => {
                let explicit_id = id.map(|i| i.to_string());
                if let Some(i) = &explicit_id
                    && !explicit.insert(i.clone())
                {
                    diags.push(
                        src.diag(
                            "duplicate-heading-id",
                            span.clone(),
                            format!("heading id `{i}` is used twice in this file"),
                        )
                        .hint("heading ids are unique within a document"),
                    );
                }
                if let Some(i) = &explicit_id
                    && i.starts_with(RESERVED_ID_PREFIX)
                {
                    diags.push(
                        src.diag("reserved-id", span.clone(), format!("heading id `{i}` starts with `q-`")).hint(
                            "ids starting with `q-` are reserved for the theme's own sections; choose another id",
                        ),
                    );
                }
                let heading = Heading {
                    level: level as u8,
                    explicit_id,
                    id: String::new(),
                    text: String::new(),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    span,
                    has_text: false,
                };
                current = Some((heading, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((mut h, text)) = current.take() {
                    h.text = text;
                    out.headings.push(h);
                }
            }
            Event::Text(t) | Event::Code(t) => match current.as_mut() {
                Some((_, buf)) => buf.push_str(&t),
                None => mark_text(&mut out, &t),
            },
            Event::Html(t) | Event::InlineHtml(t) => mark_text(&mut out, &t),
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { .. }, dest_url, .. }) => {
                out.wikilinks.push(WikiRef { target: dest_url.to_string(), span });
            }
            Event::Start(Tag::Link { link_type, dest_url, .. })
            | Event::Start(Tag::Image { link_type, dest_url, .. })
                if !matches!(link_type, LinkType::Autolink | LinkType::Email)
                    && !is_external(&dest_url)
                    && !dest_url.is_empty() =>
            {
                out.links.push(LocalLink { dest: dest_url.to_string(), span });
            }
            _ => {}
        }
    }
    let mut ids = HeadingIds::new(explicit);
    for h in &mut out.headings {
        h.id = match &h.explicit_id {
            Some(i) => i.clone(),
            None => ids.derive(&h.text),
        };
    }
    (out, diags)
}

fn mark_text(out: &mut BodyScan, t: &str) {
    if !t.trim().is_empty()
        && let Some(h) = out.headings.last_mut()
    {
        h.has_text = true;
    }
}

/// Ids of the headings a redacting render removes: each heading with the class
/// `.confidential` and every heading under it, up to the next of the same or higher rank.
pub fn confidential_ids(headings: &[Heading]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut limit: Option<u8> = None;
    for h in headings {
        if limit.is_some_and(|l| h.level <= l) {
            limit = None;
        }
        if limit.is_none() && h.classes.iter().any(|c| c == "confidential") {
            limit = Some(h.level);
        }
        if limit.is_some() {
            out.push(h.id.as_str());
        }
    }
    out
}

/// What a `[[…]]` link resolves to.
pub enum WikiTarget {
    /// A visible record or decision.
    Link { href: String, label: String, status: Option<(String, String)> },
    /// Left out of this build (raised after the as-of date, or withheld): the plain ID.
    Plain,
}

/// What the renderer needs from the site model.
pub trait Resolver {
    fn wiki(&self, target: &str) -> WikiTarget;
    /// The output-relative href for a local link destination, if it resolves.
    fn link(&self, dest: &str) -> Option<String>;
    /// HTML to show at the end of the section under the heading with this id.
    fn panel(&self, heading_id: &str) -> Option<String>;
    /// Whether sections under headings with the class `.confidential` are removed.
    fn redact(&self) -> bool;
}

/// Renders a body to HTML.
pub fn render(body: &str, resolver: &dyn Resolver) -> String {
    let parsed: Vec<Event> = Parser::new_ext(body, options()).collect();
    let explicit = parsed.iter().filter_map(|e| match e {
        Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
        _ => None,
    });
    let mut ids = HeadingIds::new(explicit.collect::<Vec<_>>());
    let mut out: Vec<Event> = Vec::with_capacity(parsed.len());
    let mut pending_panel: Option<String> = None;
    let mut skip_until: Option<HeadingLevel> = None;
    let mut alerts: Vec<bool> = Vec::new();
    // Per open link / image: whether it was withheld (its text kept, the element dropped).
    let (mut links, mut images): (Vec<bool>, Vec<bool>) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < parsed.len() {
        let event = &parsed[i];
        if let Event::Start(Tag::Heading { level, id, classes, attrs }) = event {
            let end = parsed[i..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                .map_or(parsed.len(), |p| i + p);
            let text: String = parsed[i + 1..end]
                .iter()
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            // Removed headings take their ids too, so a section's id is the same in every
            // edition (and the same as the parse stage's scan, which the checks use).
            let final_id = match id {
                Some(x) => x.to_string(),
                None => ids.derive(&text),
            };
            if let Some(limit) = skip_until {
                if *level > limit {
                    i += 1;
                    continue;
                }
                skip_until = None;
            }
            if let Some(p) = pending_panel.take() {
                out.push(Event::Html(p.into()));
            }
            if resolver.redact() && classes.iter().any(|c| c.as_ref() == "confidential") {
                skip_until = Some(*level);
                i = end + 1;
                continue;
            }
            pending_panel = resolver.panel(&final_id);
            out.push(Event::Start(Tag::Heading {
                level: *level,
                id: Some(CowStr::from(final_id)),
                classes: classes.clone(),
                attrs: attrs.clone(),
            }));
            i += 1;
            continue;
        }
        if skip_until.is_some() {
            i += 1;
            continue;
        }
        match event {
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. }) => {
                let end = matching_link_end(&parsed, i);
                let inner = &parsed[i + 1..end];
                out.push(Event::Html(wiki_html(dest_url, *has_pothole, inner, resolver).into()));
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let local = !is_external(dest_url) && !dest_url.starts_with('#');
                match local.then(|| resolver.link(dest_url)) {
                    // Withheld from this build: the text stays, the link goes.
                    Some(None) => links.push(true),
                    resolved => {
                        links.push(false);
                        let dest = resolved.flatten().map_or_else(|| dest_url.clone(), CowStr::from);
                        let (link_type, title, id) = (*link_type, title.clone(), id.clone());
                        out.push(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }));
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                if links.pop() != Some(true) {
                    out.push(event.clone());
                }
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) if !is_external(dest_url) => {
                match resolver.link(dest_url) {
                    Some(dest) => {
                        images.push(false);
                        let (link_type, title, id) = (*link_type, title.clone(), id.clone());
                        out.push(Event::Start(Tag::Image { link_type, dest_url: dest.into(), title, id }));
                    }
                    None => images.push(true),
                }
            }
            Event::Start(Tag::Image { .. }) => {
                images.push(false);
                out.push(event.clone());
            }
            Event::End(TagEnd::Image) => {
                if images.pop() != Some(true) {
                    out.push(event.clone());
                }
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                alerts.push(kind.is_some());
                match kind {
                    Some(k) => out.push(Event::Html(alert_open(*k).into())),
                    None => out.push(event.clone()),
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                if alerts.pop() == Some(true) {
                    out.push(Event::Html("</div>\n".into()));
                } else {
                    out.push(event.clone());
                }
            }
            Event::TaskListMarker(done) => {
                let (checked, label) = if *done { (" checked", "Done") } else { ("", "Not done") };
                out.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ").into(),
                ));
            }
            _ => out.push(event.clone()),
        }
        i += 1;
    }
    if let Some(p) = pending_panel.take() {
        out.push(Event::Html(p.into()));
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

fn matching_link_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0;
    for (j, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(Tag::Link { .. }) => depth += 1,
            Event::End(TagEnd::Link) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

fn wiki_html(target: &str, has_pothole: bool, inner: &[Event], resolver: &dyn Resolver) -> String {
    let custom: String = if has_pothole {
        let mut s = String::new();
        pulldown_cmark::html::push_html(&mut s, inner.iter().cloned());
        s
    } else {
        String::new()
    };
    match resolver.wiki(target) {
        WikiTarget::Link { href, label, status } => {
            let text = if has_pothole { custom } else { escape(&label) };
            let badge = status
                .map(|(class, word)| format!(" <span class=\"badge badge-{class}\">{}</span>", escape(&word)))
                .unwrap_or_default();
            format!("<a class=\"ref\" href=\"{}\">{text}</a>{badge}", escape(&href))
        }
        // Only the ID: custom link text could itself disclose what was withheld.
        WikiTarget::Plain => format!("<span class=\"ref-withheld\">{}</span>", escape(target)),
    }
}

fn alert_open(kind: BlockQuoteKind) -> String {
    let (class, title) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!(
        "<div class=\"alert alert-{class}\" role=\"note\" aria-label=\"{title}\">\n<p class=\"alert-title\">{title}</p>\n"
    )
}

/// Percent-encodes a relative URL path: everything but unreserved and sub-delimiter
/// characters, `/` and `%`-escapes already present.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@%".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes in a URL path or fragment; malformed escapes stay as written.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// HTML-escapes text for element content and attribute values ([`crate::escape::html`]).
pub fn escape(s: &str) -> String {
    crate::escape::html(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R;
    impl Resolver for R {
        fn wiki(&self, target: &str) -> WikiTarget {
            if target == "A-1" {
                WikiTarget::Link {
                    href: "../a/".into(),
                    label: "A-1 Fix".into(),
                    status: Some(("open".into(), "Open".into())),
                }
            } else {
                WikiTarget::Plain
            }
        }
        fn link(&self, dest: &str) -> Option<String> {
            Some(format!("X/{dest}"))
        }
        fn panel(&self, id: &str) -> Option<String> {
            (id == "risk").then(|| "<div>PANEL</div>".into())
        }
        fn redact(&self) -> bool {
            true
        }
    }

    #[test]
    fn renders_links_panels_and_redacts() {
        let md = "## Risk {#risk}\n\nText [[A-1]] and [[A-1|this]] and `[[A-2]]` and [[B]].\n\n## Secret {.confidential}\n\nhidden\n\n### deeper\n\nhidden too\n\n## Risk\n\n[f](file.csv)\n\n> [!NOTE]\n> hi\n\n- [x] done\n";
        let html = render(md, &R);
        assert!(
            html.contains("<a class=\"ref\" href=\"../a/\">A-1 Fix</a> <span class=\"badge badge-open\">Open</span>"),
            "{html}"
        );
        assert!(html.contains(">this</a>"));
        assert!(html.contains("<code>[[A-2]]</code>"));
        assert!(html.contains("<span class=\"ref-withheld\">B</span>"));
        assert!(!html.contains("hidden"));
        assert!(html.contains("<h2 id=\"risk-1\">Risk</h2>"), "{html}");
        let panel = html.find("PANEL").unwrap();
        assert!(panel > html.find("[[A-2]]").unwrap() && panel < html.find("risk-1").unwrap());
        assert!(html.contains("href=\"X/file.csv\""));
        assert!(html.contains("class=\"alert alert-note\""));
        assert!(html.contains("aria-label=\"Done\""));
    }

    #[test]
    fn scans_headings_and_links() {
        let text = "+++\n+++\n# A {#a}\n\ntext [[X-1]] [l](f.csv) [e](https://x)\n\n## A\n\n## B {#a}\n";
        let src = SourceText { file: "f.md".into(), text: text.into() };
        let (scan, diags) = scan(&src, 8..text.len());
        assert_eq!(scan.headings.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["a", "a-1", "a"]);
        assert!(scan.headings[0].has_text && !scan.headings[1].has_text);
        assert_eq!(scan.wikilinks[0].target, "X-1");
        assert_eq!(src.line_col(scan.wikilinks[0].span.start), (5, 6));
        assert_eq!(scan.links.len(), 1);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 9);
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Status of actions: 2025!"), "status-of-actions-2025");
        assert_eq!(slugify("***"), "section");
        assert!(
            is_external("https://x") && is_external("mailto:a@b") && !is_external("a/b:c") && !is_external("file.csv")
        );
    }
}
