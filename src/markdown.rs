//! Markdown bodies: scanned for headings and links (parse stage), then rendered to HTML as a
//! stream of events with `[[ID]]` links resolved, heading ids made unique, evidence panels
//! inserted, GFM alerts and task lists rendered accessibly, and confidential sections removed.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::config::RawHtml;
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
pub(crate) const RESERVED_ID_PREFIX: &str = "q-";

/// A heading id from its text: lower case, words joined by `-`.
pub(crate) fn slugify(text: &str) -> String {
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
pub(crate) fn is_external(dest: &str) -> bool {
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
/// Returns the scan and errors for duplicate explicit heading ids, heading attributes,
/// misplaced or misspelt `.confidential` classes, `javascript:` and like links, and
/// definitions inside a confidential section used from outside it.
pub(crate) fn scan(src: &SourceText, body: Range<usize>) -> (BodyScan, Vec<Diagnostic>) {
    let offset = body.start;
    let text = &src.text[body];
    let mut out = BodyScan::default();
    let mut diags = Vec::new();
    let mut explicit = HashSet::new();
    let mut current: Option<(Heading, String)> = None;
    // Open block quotes, list items and footnote definitions.
    let mut depth = 0usize;
    // Uses of link reference definitions (label, span) and of footnotes (label, span).
    let (mut ref_uses, mut note_uses) = (Vec::new(), Vec::new());
    // Footnote definitions: case-folded label and byte offset in the file.
    let mut notes: Vec<(String, usize)> = Vec::new();
    let mut parser = Parser::new_ext(text, options()).into_offset_iter();
    for (event, range) in parser.by_ref() {
        let span = offset + range.start..offset + range.end;
        match &event {
            Event::Start(Tag::BlockQuote(_) | Tag::Item) => depth += 1,
            Event::Start(Tag::FootnoteDefinition(label)) => {
                depth += 1;
                notes.push((label.to_lowercase(), span.start));
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition) => {
                depth = depth.saturating_sub(1)
            }
            Event::FootnoteReference(label) => note_uses.push((label.to_lowercase(), span.clone())),
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
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
                heading_checks(src, &span, &classes, &attrs, depth > 0, &mut diags);
                let heading = Heading {
                    level: level as u8,
                    explicit_id,
                    id: String::new(),
                    text: String::new(),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    span,
                    has_text: false,
                    nested: depth > 0,
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
            Event::Start(Tag::Link { link_type, dest_url, id, .. })
            | Event::Start(Tag::Image { link_type, dest_url, id, .. }) => {
                let unsafe_link = unsafe_scheme(&dest_url);
                if let Some(scheme) = unsafe_link {
                    diags.push(
                        src.diag("unsafe-link", span.clone(), format!("link to a `{scheme}:` URL"))
                            .hint("links and images may not use `javascript:`, `vbscript:` or `data:` URLs: they run or embed code in the reader's browser; link to a page or a file instead"),
                    );
                }
                if matches!(link_type, LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut) {
                    ref_uses.push((id.to_string(), span.clone()));
                }
                if !matches!(link_type, LinkType::Autolink | LinkType::Email)
                    && unsafe_link.is_none()
                    && !is_external(&dest_url)
                    && !dest_url.is_empty()
                {
                    out.links.push(LocalLink { dest: dest_url.to_string(), span });
                }
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
    let hidden = confidential_sections(&out.headings);
    let inside = |at: usize| hidden.iter().any(|r| r.contains(&at));
    let defs = parser.reference_definitions();
    for (label, span) in ref_uses {
        if let Some(def) = defs.get(&label)
            && inside(offset + def.span.start)
            && !inside(span.start)
        {
            diags.push(
                src.diag(
                    "confidential-definition",
                    span,
                    format!("link reference `[{label}]` is defined inside a confidential section"),
                )
                .hint("a redacted edition leaves the section out, so the link would disclose its target; move the definition `[…]: …` out of the section, or write the link inline"),
            );
        }
    }
    for (label, span) in note_uses {
        if notes.iter().find(|(l, _)| *l == label).is_some_and(|(_, at)| inside(*at)) && !inside(span.start) {
            diags.push(
                src.diag(
                    "confidential-definition",
                    span,
                    format!("footnote `[^{label}]` is defined inside a confidential section"),
                )
                .hint("a redacted edition leaves the section out, footnote text included; move the footnote out of the section, or refer to it only from inside it"),
            );
        }
    }
    (out, diags)
}

/// Errors for a heading's `{…}` attributes: anything but an id and classes, and a
/// `.confidential` class that is misspelt or not at the top level.
fn heading_checks(
    src: &SourceText,
    span: &Range<usize>,
    classes: &[CowStr],
    attrs: &[(CowStr, Option<CowStr>)],
    nested: bool,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some((key, _)) = attrs.first() {
        let hint = match key.as_ref() {
            "id" => "set the id as `{#id}`".to_string(),
            "class" => "set classes as `{.name}`".to_string(),
            _ => "headings take only an id (`{#id}`) and classes (`{.name}`); other attributes are not rendered"
                .to_string(),
        };
        diags.push(
            src.diag("heading-attribute", span.clone(), format!("heading attribute `{key}` is not allowed")).hint(hint),
        );
    }
    if let Some(c) = classes.iter().find(|c| c.as_ref() != "confidential" && c.eq_ignore_ascii_case("confidential")) {
        diags.push(
            src.diag("confidential-class", span.clone(), format!("heading class `.{c}` is not `.confidential`")).hint(
                "write `.confidential` in lower case: only that spelling removes the section from redacted editions",
            ),
        );
    }
    if nested && classes.iter().any(|c| c.as_ref() == "confidential") {
        diags.push(
            src.diag("confidential-nested", span.clone(), "a `.confidential` heading inside a block quote, list item or footnote")
                .hint("only top-level sections can be confidential; move the heading out of the block quote or list, to the start of a line"),
        );
    }
}

/// The scheme of a link destination that would run or embed code (`javascript`, `vbscript`,
/// `data`), read as browsers read URLs: leading spaces and control characters dropped, tabs and
/// line breaks removed anywhere, letters in any case. Entities are already decoded by the parser.
pub(crate) fn unsafe_scheme(dest: &str) -> Option<&'static str> {
    let cleaned: String = dest
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(12)
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    ["javascript", "vbscript", "data"].into_iter().find(|s| scheme.eq_ignore_ascii_case(s))
}

fn mark_text(out: &mut BodyScan, t: &str) {
    if !t.trim().is_empty()
        && let Some(h) = out.headings.last_mut()
    {
        h.has_text = true;
    }
}

/// Byte ranges (in the file) of the sections a redacting render removes: from each top-level
/// `.confidential` heading to the next top-level heading of the same or higher rank, or to the
/// end of the body (`usize::MAX`).
pub(crate) fn confidential_sections(headings: &[Heading]) -> Vec<Range<usize>> {
    headings
        .iter()
        .enumerate()
        .filter(|(_, x)| !x.nested && x.classes.iter().any(|c| c == "confidential"))
        .map(|(i, x)| {
            let next = headings[i + 1..].iter().find(|y| !y.nested && y.level <= x.level);
            x.span.start..next.map_or(usize::MAX, |y| y.span.start)
        })
        .collect()
}

/// What a `[[…]]` link resolves to.
pub enum WikiTarget {
    /// A visible record or decision.
    Link {
        /// Where it points, relative to the page.
        href: String,
        /// The link text.
        label: String,
        /// The target's status badge (class, label), if it has one.
        status: Option<(String, String)>,
    },
    /// Left out of this build (raised after the as-of date, or withheld): the plain ID.
    Plain,
}

/// What the renderer needs from the site model.
pub trait Resolver {
    /// What `[[target]]` resolves to.
    fn wiki(&self, target: &str) -> WikiTarget;
    /// The output-relative href for a local link destination, if it resolves.
    fn link(&self, dest: &str) -> Option<String>;
    /// HTML to show at the end of the section under the heading with this id.
    fn panel(&self, heading_id: &str) -> Option<String>;
    /// The ids of the body's headings, in order, as the whole record's scan gave them: a
    /// redacted body keeps the ids its headings have in the full one. Empty: derive them.
    fn heading_ids(&self) -> &[crate::record::Heading] {
        &[]
    }
    /// What happens to raw HTML in the body (`raw_html` in site.toml).
    fn raw_html(&self) -> RawHtml {
        RawHtml::Sanitize
    }
}

/// Renders a body to HTML.
pub fn render(body: &str, resolver: &dyn Resolver) -> String {
    let parsed: Vec<Event> = Parser::new_ext(body, options()).collect();
    let explicit = parsed.iter().filter_map(|e| match e {
        Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
        _ => None,
    });
    let mut ids = HeadingIds::new(explicit.collect::<Vec<_>>());
    let given = resolver.heading_ids();
    let headings = parsed.iter().filter(|e| matches!(e, Event::Start(Tag::Heading { .. }))).count();
    let mut given = (given.len() == headings).then(|| given.iter().map(|h| h.id.clone()));
    // Raw HTML is sanitised after rendering; evidence panels (quorum's own HTML) are spliced in
    // afterwards at markers, so the sanitiser never sees them.
    let sanitize = resolver.raw_html() == RawHtml::Sanitize
        && parsed.iter().any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let marker = sanitize.then(|| panel_marker(body));
    let mut panels: Vec<String> = Vec::new();
    let mut place_panel = |p: String, out: &mut Vec<Event>| match &marker {
        Some(m) => {
            // The panel's last line break stays in the stream, so the HTML around it is laid
            // out as without a marker.
            let newline = if p.ends_with('\n') { "\n" } else { "" };
            out.push(Event::Html(format!("<{m}></{m}>{newline}").into()));
            panels.push(p.strip_suffix('\n').map(str::to_string).unwrap_or(p));
        }
        None => out.push(Event::Html(p.into())),
    };
    let mut out: Vec<Event> = Vec::with_capacity(parsed.len());
    let mut pending_panel: Option<String> = None;
    let mut alerts: Vec<bool> = Vec::new();
    // Per open link / image: whether it was withheld (its text kept, the element dropped).
    let (mut links, mut images): (Vec<bool>, Vec<bool>) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < parsed.len() {
        let event = &parsed[i];
        if let Event::Start(Tag::Heading { level, id, classes, .. }) = event {
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
            // The ids of the whole body's scan when given (a redacted body's headings keep the
            // ids they have in every edition); else derived, as the scan derives them.
            let derived = match id {
                Some(x) => x.to_string(),
                None => ids.derive(&text),
            };
            let final_id = given.as_mut().and_then(Iterator::next).unwrap_or(derived);
            if let Some(p) = pending_panel.take() {
                place_panel(p, &mut out);
            }
            pending_panel = resolver.panel(&final_id);
            // Attributes other than the id and classes are errors at check, and never rendered.
            out.push(Event::Start(Tag::Heading {
                level: *level,
                id: Some(CowStr::from(final_id)),
                classes: classes.clone(),
                attrs: Vec::new(),
            }));
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
                    // Withheld from this build (the text stays, the link goes), or a
                    // `javascript:` link, which is an error at check.
                    Some(None) => links.push(true),
                    _ if unsafe_scheme(dest_url).is_some() => links.push(true),
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
            Event::Start(Tag::Image { dest_url, .. }) if unsafe_scheme(dest_url).is_some() => images.push(true),
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
        place_panel(p, &mut out);
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    match &marker {
        Some(m) => splice_panels(&sanitizer(m).clean(&html).to_string(), m, panels),
        None => html,
    }
}

/// A tag name for panel markers that the body itself never uses, so that no raw HTML can
/// forge one (tag names are never written with entities, and the parser lower-cases them).
fn panel_marker(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    (0..).map(|n| format!("quorum-panel-{n}")).find(|m| !lower.contains(m.as_str())).expect("some name is free")
}

/// Replaces the markers in sanitised HTML with the panels, in order.
fn splice_panels(html: &str, marker: &str, panels: Vec<String>) -> String {
    let tag = format!("<{marker}></{marker}>");
    let mut pieces = html.split(tag.as_str());
    let mut out = pieces.next().unwrap_or_default().to_string();
    let mut panels = panels.into_iter();
    for piece in pieces {
        out.push_str(&panels.next().unwrap_or_default());
        out.push_str(piece);
    }
    // Markers the sanitiser's parser moved or dropped (only in malformed raw HTML): the
    // panels still show, at the end.
    out.extend(panels);
    out
}

/// The sanitiser for raw HTML: keeps everything quorum's own rendering emits (heading ids
/// and classes, alerts, task-list boxes, footnotes, aligned table cells) and ammonia's
/// default set of harmless elements (`details`, `summary`, `abbr`, `kbd`, `sub`, `sup`, `br`,
/// tables…); drops scripts, styles, event handlers, forms, frames and URLs with schemes
/// other than ordinary ones (no `javascript:`, `vbscript:`, `data:`).
fn sanitizer(marker: &str) -> ammonia::Builder<'_> {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input", marker])
        .add_tag_attributes("a", ["class", "title"])
        .add_tag_attributes("img", ["title"])
        .add_tag_attributes("div", ["class", "id", "role", "aria-label"])
        .add_tag_attributes("p", ["class"])
        .add_tag_attributes("span", ["class"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("input", ["type", "disabled", "checked", "aria-label"])
        // Whatever raw HTML writes, an input is a disabled check box (as task lists make).
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .link_rel(None)
        .attribute_filter(|_, attr, value| match attr {
            "style" => {
                matches!(value, "text-align: left" | "text-align: center" | "text-align: right").then_some(value.into())
            }
            "id" if value.starts_with(RESERVED_ID_PREFIX) => None,
            _ => Some(value.into()),
        });
    for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, ["id", "class"]);
    }
    b
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

/// HTML-escapes text for element content and attribute values ([`crate::escape::html`]).
pub(crate) fn escape(s: &str) -> String {
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
    }

    #[test]
    fn renders_links_and_panels() {
        let md = "## Risk {#risk}\n\nText [[A-1]] and [[A-1|this]] and `[[A-2]]` and [[B]].\n\n## Risk\n\n[f](file.csv)\n\n> [!NOTE]\n> hi\n\n- [x] done\n";
        let html = render(md, &R);
        assert!(
            html.contains("<a class=\"ref\" href=\"../a/\">A-1 Fix</a> <span class=\"badge badge-open\">Open</span>"),
            "{html}"
        );
        assert!(html.contains(">this</a>"));
        assert!(html.contains("<code>[[A-2]]</code>"));
        assert!(html.contains("<span class=\"ref-withheld\">B</span>"));
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
    fn unsafe_schemes_as_browsers_read_them() {
        for (dest, scheme) in [
            ("javascript:alert(1)", Some("javascript")),
            ("JaVaScRiPt:x", Some("javascript")),
            ("  \u{1}javascript:x", Some("javascript")),
            ("java\tscr\nipt:x", Some("javascript")),
            ("VBScript:x", Some("vbscript")),
            ("data:text/html,x", Some("data")),
            ("https://x/javascript:", None),
            ("mailto:a@b", None),
            ("javascript", None),
            ("./data:x", None),
        ] {
            assert_eq!(unsafe_scheme(dest), scheme, "{dest:?}");
        }
    }

    #[test]
    fn scan_reports_entity_encoded_script_links() {
        let text = "+++\n+++\n[x](java&#9;script:alert(1)) [y](&#x4A;avascript:x) [z](https://x/?q=javascript:)\n";
        let src = SourceText { file: "f.md".into(), text: text.into() };
        let (scan, diags) = scan(&src, 8..text.len());
        let at: Vec<_> = diags.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert_eq!(at, [("unsafe-link", 3, 1), ("unsafe-link", 3, 30)]);
        assert!(scan.links.is_empty());
    }

    struct Plain(RawHtml);
    impl Resolver for Plain {
        fn wiki(&self, _: &str) -> WikiTarget {
            WikiTarget::Plain
        }
        fn link(&self, dest: &str) -> Option<String> {
            Some(dest.into())
        }
        fn panel(&self, id: &str) -> Option<String> {
            (id == "risk")
                .then(|| "<div class=\"panel\"><svg aria-hidden=\"true\"><rect width=\"1\"/></svg></div>\n".into())
        }
        fn raw_html(&self) -> RawHtml {
            self.0
        }
    }

    #[test]
    fn heading_attributes_and_script_links_are_never_rendered() {
        let html = render(
            "## H {.wide onclick=alert(1)}\n\n[x](javascript:alert(1)) ![i](data:x)\n",
            &Plain(RawHtml::Trusted),
        );
        // The image's alt text stays, as for an image withheld from a build.
        assert_eq!(html, "<h2 id=\"h\" class=\"wide\">H</h2>\n<p>x i</p>\n");
    }

    #[test]
    fn panels_bypass_the_sanitiser_and_cannot_be_forged() {
        let md = "## Risk {#risk}\n\n<quorum-panel-0></quorum-panel-0><script>x()</script><kbd>k</kbd>\n\n## Next\n";
        let html = render(md, &Plain(RawHtml::Sanitize));
        assert_eq!(
            html,
            "<h2 id=\"risk\">Risk</h2>\n<p><kbd>k</kbd></p>\n<div class=\"panel\"><svg aria-hidden=\"true\"><rect width=\"1\"/></svg></div>\n<h2 id=\"next\">Next</h2>\n"
        );
        let trusted = render(md, &Plain(RawHtml::Trusted));
        assert!(trusted.contains("<script>x()</script>") && trusted.contains("<quorum-panel-0>"), "{trusted}");
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
