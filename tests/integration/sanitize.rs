//! Markdown safety: raw HTML sanitised unless `raw_html = "trusted"`, `javascript:`-like links
//! and heading attributes are errors at their line, and `.confidential` sections are exact
//! (top level only, spelt in lower case, their definitions not used from public text).

use crate::support::{ACTION, Diag, SITE_TOML, Site};

/// An action whose body holds dangerous and harmless raw HTML.
const RAW: &str = "+++\ntitle = \"Encrypt laptops\"\nowner = \"IT\"\nraised = 2025-01-10\ndue = 2025-12-01\n+++\n\
Roll out disk encryption.\n\n\
<script>alert('s')</script>\n\n\
<img src=\"https://example.com/x.png\" onerror=\"alert('i')\">\n\n\
Inline <a href=\"javascript:alert('a')\">click</a> and <span onclick=\"alert('c')\">tap</span>.\n\n\
<iframe src=\"https://evil.example/\"></iframe>\n\n\
<details open><summary>More</summary>\n\n\
Hidden <abbr title=\"Security Operations Centre\">SOC</abbr>, <kbd>Ctrl</kbd>, H<sub>2</sub>O, x<sup>2</sup>,<br>next line.\n\n\
</details>\n\n\
<table><tr><td>cell</td></tr></table>\n";

const DANGER: &[&str] = &["<script", "alert('s')", "onerror", "javascript:", "onclick", "<iframe", "evil.example"];

fn action_page(site_toml: &str) -> String {
    let s = Site::new(&[("site.toml", site_toml), ("content/actions/A-1.md", RAW)]);
    s.assert_clean();
    s.build_ok(&[]).read("actions/A-1/index.html")
}

#[test]
fn raw_html_is_sanitised_by_default() {
    let html = action_page(SITE_TOML);
    for d in DANGER {
        assert!(!html.contains(d), "`{d}` survived sanitising:\n{html}");
    }
    for keep in [
        "<details open=\"\"><summary>More</summary>",
        "<abbr title=\"Security Operations Centre\">SOC</abbr>",
        "<kbd>Ctrl</kbd>",
        "<sub>2</sub>",
        "<sup>2</sup>",
        "<br>",
        "<td>cell</td>",
        "<img src=\"https://example.com/x.png\">",
        "<a>click</a>",
        "<span>tap</span>",
    ] {
        assert!(html.contains(keep), "`{keep}` was not kept:\n{html}");
    }
}

#[test]
fn raw_html_is_kept_when_trusted() {
    let html = action_page(&format!("{SITE_TOML}raw_html = \"trusted\"\n"));
    for d in DANGER {
        assert!(html.contains(d), "`{d}` was removed although raw_html is trusted");
    }
}

#[test]
fn raw_html_value_outside_its_set() {
    let s = Site::new(&[("site.toml", &format!("{SITE_TOML}raw_html = \"yes\"\n"))]);
    let errors = s.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!((errors[0].file.as_str(), errors[0].line), ("site.toml", 3));
    assert_eq!(errors[0].code, "invalid-value");
    assert_eq!(errors[0].hint.as_deref(), Some("allowed values: sanitize, trusted"));
}

#[test]
fn evidence_panels_are_not_sanitised() {
    let review = "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"held\"\nchair = \"C\"\n+++\n\
## Status of actions {#previous-actions}\n\nSee <kbd>A-1</kbd>.<script>x()</script>\n\n## Other\n\nText.\n";
    let s = Site::new(&[("content/reviews/MR-1.md", review), ("content/actions/A-1.md", ACTION)]);
    let trusted = Site::new(&[
        ("site.toml", &format!("{SITE_TOML}raw_html = \"trusted\"\n")),
        ("content/reviews/MR-1.md", review),
        ("content/actions/A-1.md", ACTION),
    ]);
    let page = s.build_ok(&[]).read("reviews/MR-1/index.html");
    let trusted_page = trusted.build_ok(&[]).read("reviews/MR-1/index.html");
    let panel = |html: &str| {
        let start = html.find("<div class=\"panel panel-previous-actions\"").expect("panel");
        let end = html[start..].find("<h2 id=\"other\"").expect("next heading") + start;
        html[start..end].to_string()
    };
    assert_eq!(panel(&page), panel(&trusted_page), "the panel changed under sanitising");
    assert!(page.contains("<kbd>A-1</kbd>") && !page.contains("<script>x()"), "{page}");
    assert_eq!(page.matches("panel-previous-actions\"").count(), 1);
}

/// `(code, line, column)` of each error.
fn at(errors: &[Diag]) -> Vec<(&str, usize, usize)> {
    errors.iter().map(|d| (d.code.as_str(), d.line, d.column)).collect()
}

fn action_with(body: &str) -> Site {
    Site::new(&[("content/actions/A-1.md", &format!("{ACTION}{body}"))])
}

#[test]
fn script_links_and_images_are_errors_at_their_position() {
    // ACTION is 7 lines, its body line 7; these start at line 8.
    let body = "\n[a](javascript:alert(1))\n\n[b](JaVaScRiPt:alert(1))\n\nx [c]( javascript:alert(1))\n\n\
[d](&#106;avascript:alert(1))\n\n![e](data:image/png;base64,AAAA)\n\n[f](vbscript:msgbox(1))\n\n\
<javascript:alert(1)>\n\n[g](<java\tscript:alert(1)>)\n\n[h][ref]\n\n[ref]: javascript:alert(2)\n\n\
[ok](https://example.com/) <mailto:a@example.com> [m](mailto:b@example.com)\n";
    let errors = action_with(body).errors();
    assert!(errors.iter().all(|d| d.code == "unsafe-link"), "{errors:#?}");
    assert_eq!(
        at(&errors),
        [
            ("unsafe-link", 9, 1),
            ("unsafe-link", 11, 1),
            ("unsafe-link", 13, 3),
            ("unsafe-link", 15, 1),
            ("unsafe-link", 17, 1),
            ("unsafe-link", 19, 1),
            ("unsafe-link", 21, 1),
            ("unsafe-link", 23, 1),
            ("unsafe-link", 25, 1),
        ],
        "{errors:#?}"
    );
    assert!(errors[4].message.contains("`data:`") && errors[5].message.contains("`vbscript:`"), "{errors:#?}");
}

#[test]
fn heading_attributes_other_than_id_and_class_are_errors() {
    let errors = action_with("\n## Plan {#plan .wide onclick=alert(1)}\n\n### More {id=x}\n").errors();
    assert_eq!(at(&errors), [("heading-attribute", 9, 1), ("heading-attribute", 11, 1)], "{errors:#?}");
    assert!(errors[0].message.contains("`onclick`"), "{errors:#?}");
    assert!(errors[1].hint.as_deref().is_some_and(|h| h.contains("{#id}")), "{errors:#?}");
}

#[test]
fn confidential_heading_inside_a_quote_or_list_is_an_error() {
    let errors = action_with("\n> ## Secret {.confidential}\n> text\n\n- ## Also {.confidential}\n").errors();
    assert_eq!(at(&errors), [("confidential-nested", 9, 3), ("confidential-nested", 12, 3)], "{errors:#?}");
}

#[test]
fn confidential_in_another_case_is_an_error_with_a_hint() {
    let errors = action_with("\n## Secret {.Confidential}\n\ntext\n").errors();
    assert_eq!(at(&errors), [("confidential-class", 9, 1)], "{errors:#?}");
    assert!(errors[0].hint.as_deref().is_some_and(|h| h.contains("lower case")), "{errors:#?}");
}

#[test]
fn definitions_inside_a_confidential_section_are_errors_where_public_text_uses_them() {
    let body = "\nSee [the plan][plan] and a note.[^n]\n\n## Secret {.confidential}\n\n\
Inside, [the plan][plan] is fine.[^n]\n\n[plan]: https://secret.example/plan\n\n[^n]: The secret note.\n\n\
## Public\n\nAgain [plan].\n";
    let errors = action_with(body).errors();
    assert_eq!(
        at(&errors),
        [("confidential-definition", 9, 5), ("confidential-definition", 9, 33), ("confidential-definition", 21, 7)],
        "{errors:#?}"
    );
    assert!(errors[1].message.contains("footnote `[^n]`"), "{errors:#?}");
}

#[test]
fn definitions_outside_confidential_sections_are_free() {
    action_with("\nSee [the plan][plan].[^n]\n\n[plan]: https://example.com/\n\n[^n]: Public.\n\n## Secret {.confidential}\n\nAlso [plan].[^n]\n").assert_clean();
}

#[test]
fn a_confidential_section_ends_only_at_a_top_level_heading() {
    let body = "\n## Secret {.confidential}\n\nhidden-one\n\n> ## Quoted\n>\n> hidden-two\n\nhidden-three\n\n## Public\n\nshown\n";
    let s = action_with(body);
    s.assert_clean();
    let html = s.build_ok(&["--audience", "auditor"]).read("actions/A-1/index.html");
    for h in ["hidden-one", "hidden-two", "hidden-three", "Quoted"] {
        assert!(!html.contains(h), "`{h}` leaked:\n{html}");
    }
    assert!(html.contains("shown"));
    assert_eq!(html.matches("<blockquote").count(), html.matches("</blockquote>").count(), "{html}");
}

/// A review folder with an attachment of the given name and content.
fn review_with(name: &str, bytes: &str, site_toml: &str) -> Site {
    let review = "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"held\"\nchair = \"CEO\"\n+++\nMinutes.\n";
    Site::new(&[
        ("site.toml", site_toml),
        ("content/reviews/MR-1/index.md", review),
        (&format!("content/reviews/MR-1/{name}"), bytes),
    ])
}

#[test]
fn attachments_a_browser_would_run_are_errors_unless_trusted() {
    for (name, bytes, why) in [
        ("report.html", "<p>Report</p>", "`.html` file"),
        ("tool.js", "alert(1)", "`.js` file"),
        ("chart.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "<script>"),
        ("chart.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>", "onload"),
    ] {
        let site = review_with(name, bytes, SITE_TOML);
        let errors = site.errors();
        let e = errors.iter().find(|d| d.code == "active-file").unwrap_or_else(|| panic!("{name}: {errors:#?}"));
        assert_eq!(e.file, format!("content/reviews/MR-1/{name}"));
        assert!(e.message.contains(why), "{name}: {}", e.message);
        assert!(e.hint.as_deref().is_some_and(|h| h.contains("PDF")), "{e:?}");
        let trusted = review_with(name, bytes, &format!("{SITE_TOML}raw_html = \"trusted\"\n"));
        trusted.assert_clean();
    }
}

#[test]
fn an_svg_picture_is_published() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><title>Incidents</title><rect width=\"5\" height=\"5\"/></svg>";
    let site = review_with("chart.svg", svg, SITE_TOML);
    site.assert_clean();
    assert_eq!(site.build_ok(&[]).read("reviews/MR-1/chart.svg"), svg);
}
