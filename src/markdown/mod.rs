//! Markdown bodies: scanned for headings and links (parse stage), then rendered to HTML as a
//! stream of events with `[[ID]]` links resolved, heading ids made unique, evidence panels
//! inserted, GFM alerts and task lists rendered accessibly, and confidential sections removed.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::Options;

use crate::record::Heading;

mod html;
mod plain;
mod scan;

pub use html::{Resolver, WikiTarget, render};
pub(crate) use plain::plain_text;
pub(crate) use scan::scan;

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

/// HTML-escapes text for element content and attribute values ([`crate::escape::html`]).
pub(crate) fn escape(s: &str) -> String {
    crate::escape::html(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RawHtml;
    use crate::diagnostics::SourceText;

    struct R;
    impl Resolver for R {
        fn wiki(&self, target: &str) -> WikiTarget {
            if target == "A-1" {
                WikiTarget::Link {
                    href: "../a/".into(),
                    label: "A-1 Fix".into(),
                    status: Some(("open".into(), "Open".into())),
                    now: None,
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
