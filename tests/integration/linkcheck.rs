//! Links quorum makes itself: the build's own output check (`quorum::linkcheck`) finds no
//! broken link or fragment in the example site and the fixture sites, in every edition and at
//! as-of dates that leave records out; and a fragment a user writes in a Markdown link must
//! name a heading or decision of its target, reported at its file and line.

use std::path::{Path, PathBuf};

use quorum::Date;
use quorum::RenderOptions;

use crate::support::{Site, has_error, only_error, tags};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Builds in memory and returns the link check's problems, one line each.
fn problems(root: &Path, audience: &str, as_of: Option<&str>) -> Vec<String> {
    let mut opts = quorum::Options::new(root);
    opts.audience = audience.to_string();
    opts.as_of = as_of.map(|d| Date::parse(d).expect("a date"));
    let render = RenderOptions::default();
    match quorum::build(&opts, &render) {
        Ok((checked, files)) => checked.link_problems(&files).iter().map(ToString::to_string).collect(),
        Err(quorum::Failure::Content(d)) => panic!("{} does not build:\n{}", root.display(), d.render()),
        Err(quorum::Failure::Render(m) | quorum::Failure::Fatal(m)) => panic!("{} does not build: {m}", root.display()),
    }
}

fn assert_no_problems(root: &Path, audience: &str, as_of: Option<&str>) {
    let found = problems(root, audience, as_of);
    assert!(
        found.is_empty(),
        "{} ({audience}, as of {as_of:?}): {} broken links:\n{}",
        root.display(),
        found.len(),
        found.join("\n")
    );
}

#[test]
fn example_site_has_no_broken_links_in_any_edition() {
    for audience in ["internal", "auditor"] {
        // As of the site's date, and earlier, when later records and reviews are left out.
        for as_of in [None, Some("2025-07-01"), Some("2024-12-31")] {
            assert_no_problems(&repo(""), audience, as_of);
        }
    }
}

#[test]
fn fixture_sites_have_no_broken_links() {
    for audience in ["internal", "auditor"] {
        for as_of in [None, Some("2025-06-30")] {
            assert_no_problems(&repo("tests/fixtures/features"), audience, as_of);
        }
    }
    assert_no_problems(&repo("tests/fixtures/empty"), "internal", None);
    for audience in ["internal", "auditor"] {
        assert_no_problems(&repo("tests/fixtures/two-systems"), audience, None);
    }
}

#[test]
fn links_into_left_out_material_keep_only_their_text() {
    // Markdown links to a confidential record, a confidential section, a confidential decision
    // and a record raised after the as-of date: the auditor edition keeps their text.
    let root = repo("tests/fixtures/features");
    let mut opts = quorum::Options::new(&root);
    opts.audience = "auditor".into();
    let (_, files) = quorum::build(&opts, &RenderOptions::default()).expect("builds");
    let scope = files.iter().find(|f| f.path == "scope/index.html").expect("scope page");
    let html = String::from_utf8_lossy(&scope.bytes);
    for text in ["the due diligence (raised", "the\nnetwork isolation (confidential)", "the board's figures\n"] {
        assert!(html.contains(text), "{text:?} as plain text in:\n{html}");
    }
    assert!(!html.contains("board-numbers") && !html.contains("A-6/") && !html.contains("A-7"), "{html}");
}

const REVIEW: &str = "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"held\"\nchair = \"C\"\n\n[[decisions]]\nid = \"D1\"\ntext = \"Go\"\nkind = \"improvement\"\n+++\n## Risk {#risk}\n\nSee [below](#later).\n\n## Later\n\nText.\n";

const ACTION: &str =
    "+++\ntitle = \"Act\"\nowner = \"IT\"\nraised = 2025-06-20\ndue = 2025-12-01\n+++\n## Background\n\nWhy.\n";

#[test]
fn fragments_that_resolve_are_clean() {
    let page = "+++\ntitle = \"Help\"\n+++\n## Top\n\n[up](#top), [risk](../reviews/MR-1.md#risk), \
        [decision](../reviews/MR-1.md#D1), [why](../actions/A-1.md#background), [row](data.csv#row=2), [self](#)\n";
    let site = Site::new(&[
        ("content/reviews/MR-1.md", REVIEW),
        ("content/actions/A-1.md", ACTION),
        ("content/pages/help.md", page),
        ("content/pages/data.csv", "a,b\n"),
    ]);
    site.assert_clean();
}

#[test]
fn fragment_in_the_same_file_must_be_a_heading() {
    let page = "+++\ntitle = \"Help\"\n+++\n## Contents\n\nJump to [the end](#no-such-heading).\n";
    let site = Site::new(&[("content/pages/help.md", page)]);
    let d = only_error(&site.errors(), "broken-link", "content/pages/help.md", 6);
    assert_eq!(d.column, 9, "{d:#?}");
    assert!(d.message.contains("no-such-heading") && d.message.contains("this file"), "{d:#?}");
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("contents")), "lists the ids: {d:#?}");
}

#[test]
fn fragment_in_another_record_must_be_its_heading_or_decision() {
    let action = "+++\ntitle = \"Act 2\"\nowner = \"IT\"\nraised = 2025-06-20\ndue = 2025-12-01\n+++\n\
        Per [the review](../reviews/MR-1.md#D9) and\n[the plan](A-1.md#missing), [bg](A-1.md#Background).\n";
    let site = Site::new(&[
        ("content/reviews/MR-1.md", REVIEW),
        ("content/actions/A-1.md", ACTION),
        ("content/actions/A-2.md", action),
    ]);
    let errors = site.errors();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let d = has_error(&errors, "broken-link", "content/actions/A-2.md", 7);
    assert!(d.message.contains("`content/reviews/MR-1.md`") && d.message.contains("`D9`"), "{d:#?}");
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("D1")), "decisions are ids too: {d:#?}");
    let lines: Vec<(usize, usize)> = errors.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(lines, [(7, 5), (8, 1), (8, 29)], "{errors:#?}");
    // Ids are case-sensitive in browsers: `#Background` is not `#background`.
    assert!(errors[2].hint.as_deref().is_some_and(|h| h.contains("did you mean `#background`")), "{errors:#?}");
}

#[test]
fn fragment_into_a_folder_record_and_from_the_home_page() {
    let home = "+++\n+++\nRead [the minutes](reviews/MR-1/index.md#nope) or [them](reviews/MR-1/#risk).\n";
    let site = Site::new(&[("content/_index.md", home), ("content/reviews/MR-1/index.md", REVIEW)]);
    only_error(&site.errors(), "broken-link", "content/_index.md", 3);
}

#[test]
fn heading_ids_are_the_same_in_every_edition() {
    // The confidential "Risk" takes `risk` in both editions, so the public one is `risk-1`
    // in both, and a link to it works in both.
    let page = "+++\ntitle = \"Help\"\n+++\n## Risk {.confidential}\n\nHidden.\n\n### Detail\n\nHidden too.\n\n## Risk\n\nShown; [again](#risk-1).\n";
    let site = Site::new(&[("content/pages/help.md", page)]);
    site.assert_clean();
    for (audience, ids) in [("internal", vec!["risk", "detail", "risk-1"]), ("auditor", vec!["risk-1"])] {
        let built = site.build_ok(&["--audience", audience]);
        let html = built.read("help/index.html");
        let tags = tags(&html);
        let found: Vec<&str> = tags
            .iter()
            .filter(|t| matches!(t.name.as_str(), "h2" | "h3"))
            .filter_map(|t| t.attr("id"))
            // quorum's own sections (`q-history`) are not the body's.
            .filter(|id| !id.starts_with("q-"))
            .collect();
        assert_eq!(found, ids, "{audience}:\n{html}");
        assert!(html.contains("href=\"#risk-1\""), "{html}");
        assert_eq!(html.contains("Hidden"), audience == "internal", "{html}");
    }
}

#[test]
fn attachments_are_published_as_they_are_and_not_judged() {
    // An exported report with its own dead link is the author's file, not quorum's output;
    // its ids still count as link targets.
    let audit =
        "+++\ntitle = \"Audit\"\nkind = \"internal\"\nstart = 2025-04-01\n+++\nThe [findings](report.html#findings).\n";
    let report = "<!DOCTYPE html><title>r</title><a href=\"gone.html\">old</a><h2 id=\"findings\">F</h2>";
    // HTML attachments run in the reader's browser: only a site that trusts its authors has them.
    let site_toml = format!("{}raw_html = \"trusted\"\n", crate::support::SITE_TOML);
    let site = Site::new(&[
        ("site.toml", &site_toml),
        ("content/audits/IA-1/index.md", audit),
        ("content/audits/IA-1/report.html", report),
    ]);
    assert_no_problems_in(&site);
    let built = site.build_ok(&[]);
    assert_eq!(built.read("audits/IA-1/report.html"), report);
}

fn assert_no_problems_in(site: &Site) {
    for audience in ["internal", "auditor"] {
        assert_no_problems(site.root(), audience, None);
    }
}
