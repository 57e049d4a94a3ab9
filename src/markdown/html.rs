//! A body to HTML: `[[links]]` and local links resolved by the caller, evidence panels placed
//! under their headings, alerts and task lists styled, raw HTML sanitised.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};

use super::{HeadingIds, RESERVED_ID_PREFIX, escape, is_external, options, unsafe_scheme};
use crate::config::RawHtml;

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
        /// On a dated page, the target's status as of the site's date (class, label) where it
        /// differs from `status`: shown after it, smaller.
        now: Option<(String, String)>,
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
    // Raw HTML is sanitised after rendering; evidence panels (quorum's own HTML) are spliced in
    // afterwards at markers, so the sanitiser never sees them.
    let sanitize = resolver.raw_html() == RawHtml::Sanitize
        && parsed.iter().any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let mut w = Writer {
        resolver,
        ids: heading_ids(&parsed, resolver),
        marker: sanitize.then(|| panel_marker(body)),
        panels: Vec::new(),
        out: Vec::with_capacity(parsed.len()),
        pending_panel: None,
        alerts: Vec::new(),
        links: Vec::new(),
        images: Vec::new(),
    };
    let mut i = 0;
    while i < parsed.len() {
        i = w.event(&parsed, i);
    }
    if let Some(p) = w.pending_panel.take() {
        w.place_panel(p);
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, w.out.into_iter());
    match &w.marker {
        Some(m) => splice_panels(&sanitizer(m).clean(&html).to_string(), m, w.panels),
        None => html,
    }
}

/// The id of each heading, in order: the whole body's scan ids when the resolver gives them
/// (a redacted body's headings keep the ids they have in every edition), else derived as the
/// scan derives them.
fn heading_ids(parsed: &[Event], resolver: &dyn Resolver) -> std::vec::IntoIter<String> {
    let given = resolver.heading_ids();
    let starts: Vec<usize> =
        (0..parsed.len()).filter(|&i| matches!(parsed[i], Event::Start(Tag::Heading { .. }))).collect();
    if given.len() == starts.len() {
        return given.iter().map(|h| h.id.clone()).collect::<Vec<_>>().into_iter();
    }
    let explicit = parsed.iter().filter_map(|e| match e {
        Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
        _ => None,
    });
    let mut ids = HeadingIds::new(explicit.collect::<Vec<_>>());
    let derived: Vec<String> = (starts.into_iter())
        .map(|i| match &parsed[i] {
            Event::Start(Tag::Heading { id: Some(x), .. }) => x.to_string(),
            _ => ids.derive(&heading_text(&parsed[i + 1..])),
        })
        .collect();
    derived.into_iter()
}

/// The plain text of a heading whose events start here.
fn heading_text(events: &[Event]) -> String {
    (events.iter())
        .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// The HTML event stream being written.
struct Writer<'r, 'e> {
    resolver: &'r dyn Resolver,
    ids: std::vec::IntoIter<String>,
    /// The tag name of panel markers, when raw HTML is sanitised.
    marker: Option<String>,
    /// Panels to splice in at the markers, in order.
    panels: Vec<String>,
    out: Vec<Event<'e>>,
    /// The panel of the current section, placed before the next heading.
    pending_panel: Option<String>,
    /// Per open block quote: whether it is an alert.
    alerts: Vec<bool>,
    /// Per open link / image: whether it was withheld (its text kept, the element dropped).
    links: Vec<bool>,
    images: Vec<bool>,
}

impl<'e> Writer<'_, 'e> {
    /// Writes the event at `i`; returns the index of the next one.
    fn event(&mut self, parsed: &[Event<'e>], i: usize) -> usize {
        let event = &parsed[i];
        match event {
            Event::Start(Tag::Heading { level, classes, .. }) => {
                let id = self.ids.next().unwrap_or_default();
                if let Some(p) = self.pending_panel.take() {
                    self.place_panel(p);
                }
                self.pending_panel = self.resolver.panel(&id);
                // Attributes other than the id and classes are errors at check, and never rendered.
                let (level, classes) = (*level, classes.clone());
                self.out.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes,
                    attrs: Vec::new(),
                }));
            }
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. }) => {
                let end = matching_link_end(parsed, i);
                let html = wiki_html(dest_url, *has_pothole, &parsed[i + 1..end], self.resolver);
                self.out.push(Event::Html(html.into()));
                return end + 1;
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Link | TagEnd::Image) => {
                self.link(event)
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                self.alerts.push(kind.is_some());
                match kind {
                    Some(k) => self.out.push(Event::Html(alert_open(*k).into())),
                    None => self.out.push(event.clone()),
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                if self.alerts.pop() == Some(true) {
                    self.out.push(Event::Html("</div>\n".into()));
                } else {
                    self.out.push(event.clone());
                }
            }
            Event::TaskListMarker(done) => {
                let (checked, label) = if *done { (" checked", "Done") } else { ("", "Not done") };
                self.out.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ").into(),
                ));
            }
            _ => self.out.push(event.clone()),
        }
        i + 1
    }

    /// A Markdown link or image: local destinations resolved by the resolver; withheld ones
    /// (and `javascript:` ones, an error at check) keep their text and lose the element.
    fn link(&mut self, event: &Event<'e>) {
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let local = !is_external(dest_url) && !dest_url.starts_with('#');
                match local.then(|| self.resolver.link(dest_url)) {
                    Some(None) => self.links.push(true),
                    _ if unsafe_scheme(dest_url).is_some() => self.links.push(true),
                    resolved => {
                        self.links.push(false);
                        let dest = resolved.flatten().map_or_else(|| dest_url.clone(), CowStr::from);
                        let (link_type, title, id) = (*link_type, title.clone(), id.clone());
                        self.out.push(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }));
                    }
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) if unsafe_scheme(dest_url).is_some() => self.images.push(true),
            Event::Start(Tag::Image { link_type, dest_url, title, id }) if !is_external(dest_url) => {
                match self.resolver.link(dest_url) {
                    Some(dest) => {
                        self.images.push(false);
                        let (link_type, title, id) = (*link_type, title.clone(), id.clone());
                        self.out.push(Event::Start(Tag::Image { link_type, dest_url: dest.into(), title, id }));
                    }
                    None => self.images.push(true),
                }
            }
            Event::Start(Tag::Image { .. }) => {
                self.images.push(false);
                self.out.push(event.clone());
            }
            Event::End(TagEnd::Link) if self.links.pop() != Some(true) => self.out.push(event.clone()),
            Event::End(TagEnd::Image) if self.images.pop() != Some(true) => self.out.push(event.clone()),
            _ => {}
        }
    }

    /// An evidence panel: as HTML in place, or as a marker the sanitiser cannot touch.
    fn place_panel(&mut self, p: String) {
        match &self.marker {
            Some(m) => {
                // The panel's last line break stays in the stream, so the HTML around it is laid
                // out as without a marker.
                let newline = if p.ends_with('\n') { "\n" } else { "" };
                self.out.push(Event::Html(format!("<{m}></{m}>{newline}").into()));
                self.panels.push(p.strip_suffix('\n').map(str::to_string).unwrap_or(p));
            }
            None => self.out.push(Event::Html(p.into())),
        }
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
        WikiTarget::Link { href, label, status, now } => {
            let text = if has_pothole { custom } else { escape(&label) };
            let badge = status
                .map(|(class, word)| format!(" <span class=\"badge badge-{class}\">{}</span>", escape(&word)))
                .unwrap_or_default();
            let now = now
                .map(|(class, word)| {
                    format!(" <small class=\"badge badge-now badge-{class}\">{}</small>", escape(&word))
                })
                .unwrap_or_default();
            format!("<a class=\"ref\" href=\"{}\">{text}</a>{badge}{now}", escape(&href))
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
