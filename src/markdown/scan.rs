//! The parse stage's look at a body: headings, `[[links]]` and local links with their spans,
//! and the errors only the Markdown structure shows, without rendering anything.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};

use super::{HeadingIds, RESERVED_ID_PREFIX, confidential_sections, is_external, options, unsafe_scheme};
use crate::diagnostics::{Diagnostic, SourceText};
use crate::record::{BodyScan, Heading, LocalLink, WikiRef};

/// Scans a body (byte range `body` of `src`) for headings and links, without rendering it.
/// Returns the scan and errors for duplicate explicit heading ids, heading attributes,
/// misplaced or misspelt `.confidential` classes, `javascript:` and like links, and
/// definitions inside a confidential section used from outside it.
pub(crate) fn scan(src: &SourceText, body: Range<usize>) -> (BodyScan, Vec<Diagnostic>) {
    let offset = body.start;
    let mut s = Scanner::new(src);
    let mut parser = Parser::new_ext(&src.text[body], options()).into_offset_iter();
    for (event, range) in parser.by_ref() {
        s.event(event, offset + range.start..offset + range.end);
    }
    s.derive_ids();
    let defs = parser.reference_definitions();
    s.check_definitions(|label| defs.get(label).map(|d| offset + d.span.start));
    (s.out, s.diags)
}

/// What the scan has found so far.
struct Scanner<'a> {
    src: &'a SourceText,
    out: BodyScan,
    diags: Vec<Diagnostic>,
    explicit: HashSet<String>,
    /// The heading being read, with its text so far.
    current: Option<(Heading, String)>,
    /// Open block quotes, list items and footnote definitions.
    depth: usize,
    /// Uses of link reference definitions and of footnotes: (label, span).
    ref_uses: Vec<(String, Range<usize>)>,
    note_uses: Vec<(String, Range<usize>)>,
    /// Footnote definitions: case-folded label and byte offset in the file.
    notes: Vec<(String, usize)>,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a SourceText) -> Scanner<'a> {
        Scanner {
            src,
            out: BodyScan::default(),
            diags: Vec::new(),
            explicit: HashSet::new(),
            current: None,
            depth: 0,
            ref_uses: Vec::new(),
            note_uses: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// One parser event at `span` (in the file).
    fn event(&mut self, event: Event, span: Range<usize>) {
        self.containers(&event, &span);
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                self.heading(level, id.map(|i| i.to_string()), &classes, &attrs, span)
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((mut h, text)) = self.current.take() {
                    h.text = text;
                    self.out.headings.push(h);
                }
            }
            Event::Text(t) | Event::Code(t) => match self.current.as_mut() {
                Some((_, buf)) => buf.push_str(&t),
                None => mark_text(&mut self.out, &t),
            },
            Event::Html(t) | Event::InlineHtml(t) => mark_text(&mut self.out, &t),
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { .. }, dest_url, .. }) => {
                self.out.wikilinks.push(WikiRef { target: dest_url.to_string(), span });
            }
            Event::Start(Tag::Link { link_type, dest_url, id, .. })
            | Event::Start(Tag::Image { link_type, dest_url, id, .. }) => self.link(link_type, &dest_url, &id, span),
            _ => {}
        }
    }

    /// Tracks block quotes, list items and footnotes, and footnote definitions and uses.
    fn containers(&mut self, event: &Event, span: &Range<usize>) {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::Item) => self.depth += 1,
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.depth += 1;
                self.notes.push((label.to_lowercase(), span.start));
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition) => {
                self.depth = self.depth.saturating_sub(1)
            }
            Event::FootnoteReference(label) => self.note_uses.push((label.to_lowercase(), span.clone())),
            _ => {}
        }
    }

    /// A heading starts: its explicit id is checked, its text follows.
    fn heading(
        &mut self,
        level: HeadingLevel,
        explicit_id: Option<String>,
        classes: &[CowStr],
        attrs: &[(CowStr, Option<CowStr>)],
        span: Range<usize>,
    ) {
        let src = self.src;
        if let Some(i) = &explicit_id
            && !self.explicit.insert(i.clone())
        {
            self.diags.push(
                src.diag("duplicate-heading-id", span.clone(), format!("heading id `{i}` is used twice in this file"))
                    .hint("heading ids are unique within a document"),
            );
        }
        if let Some(i) = &explicit_id
            && i.starts_with(RESERVED_ID_PREFIX)
        {
            self.diags.push(
                src.diag("reserved-id", span.clone(), format!("heading id `{i}` starts with `q-`"))
                    .hint("ids starting with `q-` are reserved for the theme's own sections; choose another id"),
            );
        }
        heading_checks(src, &span, classes, attrs, self.depth > 0, &mut self.diags);
        let heading = Heading {
            level: level as u8,
            explicit_id,
            id: String::new(),
            text: String::new(),
            classes: classes.iter().map(|c| c.to_string()).collect(),
            span,
            has_text: false,
            nested: self.depth > 0,
        };
        self.current = Some((heading, String::new()));
    }

    /// A Markdown link or image: refused when its scheme runs code, noted when it is local.
    fn link(&mut self, link_type: LinkType, dest_url: &str, id: &str, span: Range<usize>) {
        let unsafe_link = unsafe_scheme(dest_url);
        if let Some(scheme) = unsafe_link {
            self.diags.push(
                self.src.diag("unsafe-link", span.clone(), format!("link to a `{scheme}:` URL"))
                    .hint("links and images may not use `javascript:`, `vbscript:` or `data:` URLs: they run or embed code in the reader's browser; link to a page or a file instead"),
            );
        }
        if matches!(link_type, LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut) {
            self.ref_uses.push((id.to_string(), span.clone()));
        }
        if !matches!(link_type, LinkType::Autolink | LinkType::Email)
            && unsafe_link.is_none()
            && !is_external(dest_url)
            && !dest_url.is_empty()
        {
            self.out.links.push(LocalLink { dest: dest_url.to_string(), span });
        }
    }

    /// Every heading's id: the explicit one, else derived from its text, unique in the body.
    fn derive_ids(&mut self) {
        let mut ids = HeadingIds::new(std::mem::take(&mut self.explicit));
        for h in &mut self.out.headings {
            h.id = match &h.explicit_id {
                Some(i) => i.clone(),
                None => ids.derive(&h.text),
            };
        }
    }

    /// Link reference and footnote definitions inside a confidential section, used outside it.
    /// `definition` gives a reference label's definition offset in the file.
    fn check_definitions(&mut self, definition: impl Fn(&str) -> Option<usize>) {
        let hidden = confidential_sections(&self.out.headings);
        let inside = |at: usize| hidden.iter().any(|r| r.contains(&at));
        for (label, span) in std::mem::take(&mut self.ref_uses) {
            if definition(&label).is_some_and(inside) && !inside(span.start) {
                self.diags.push(
                    self.src.diag(
                        "confidential-definition",
                        span,
                        format!("link reference `[{label}]` is defined inside a confidential section"),
                    )
                    .hint("a redacted edition leaves the section out, so the link would disclose its target; move the definition `[…]: …` out of the section, or write the link inline"),
                );
            }
        }
        for (label, span) in std::mem::take(&mut self.note_uses) {
            let defined_inside = self.notes.iter().find(|(l, _)| *l == label).is_some_and(|(_, at)| inside(*at));
            if defined_inside && !inside(span.start) {
                self.diags.push(
                    self.src.diag(
                        "confidential-definition",
                        span,
                        format!("footnote `[^{label}]` is defined inside a confidential section"),
                    )
                    .hint("a redacted edition leaves the section out, footnote text included; move the footnote out of the section, or refer to it only from inside it"),
                );
            }
        }
    }
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

fn mark_text(out: &mut BodyScan, t: &str) {
    if !t.trim().is_empty()
        && let Some(h) = out.headings.last_mut()
    {
        h.has_text = true;
    }
}
