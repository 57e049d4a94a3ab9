//! The published view (DESIGN §5): the model removes `.confidential` sections once, before
//! anything is rendered; headings keep the ids they have in the whole body, so an anchor is
//! the same in every edition; facts dated after the as-of date are not shown; links from a
//! confidential section publish nothing, not even a backlink.

use crate::support::Site;

const REVIEW: &str = r#"+++
title = "Review"
date = 2025-06-18
status = "held"
chair = "Ann"
+++
## Notes

Open notes.

## Secret {.confidential}

SECRETTEXT and [[A-1]].

### Notes

Deep notes.

## Notes

After notes.
"#;

const A1: &str = "+++\ntitle = \"Encrypt\"\nowner = \"IT\"\nraised = 2025-06-01\ndue = 2025-12-31\nclosed = 2026-02-01\n\n[[updates]]\ndate = 2026-01-10\nnote = \"LATERNOTE\"\n+++\nBody.\n";

/// A page linking the last `Notes` heading, whose id counts the removed one.
const PAGE: &str = "+++\ntitle = \"Index\"\n+++\nSee [[MR-1#notes-2]] and [[MR-1#secret]].\n";

fn site() -> Site {
    Site::new(&[
        ("content/reviews/MR-1.md", REVIEW),
        ("content/actions/A-1.md", A1),
        ("content/pages/index-page.md", PAGE),
    ])
}

#[test]
fn redacted_sections_keep_every_heading_id_of_the_whole_body() {
    let s = site();
    let internal = s.build_ok(&["--as-of", "2025-12-01"]);
    let auditor = s.build_ok(&["--as-of", "2025-12-01", "--audience", "auditor"]);
    let full = internal.read("reviews/MR-1/index.html");
    let cut = auditor.read("reviews/MR-1/index.html");
    assert!(full.contains("SECRETTEXT") && full.contains("id=\"notes-1\""), "{full}");
    assert!(!cut.contains("SECRETTEXT") && !cut.contains("Deep notes") && !cut.contains("id=\"secret\""), "{cut}");
    // The last `Notes` is `notes-2` in both editions: the removed `### Notes` keeps its id.
    for html in [&full, &cut] {
        assert!(html.contains("<h2 id=\"notes-2\">Notes</h2>"), "{html}");
        assert!(html.contains("After notes."));
    }
    let page = auditor.read("index-page/index.html");
    assert!(page.contains("reviews/MR-1/index.html#notes-2"), "{page}");
    assert!(!page.contains("#secret\""), "a link into a removed section keeps only its text: {page}");
}

#[test]
fn a_link_inside_a_confidential_section_is_no_backlink() {
    let s = site();
    let internal = s.build_ok(&["--as-of", "2025-12-01"]);
    let auditor = s.build_ok(&["--as-of", "2025-12-01", "--audience", "auditor"]);
    assert!(internal.read("actions/A-1/index.html").contains("reviews/MR-1/index.html"));
    let action = auditor.read("actions/A-1/index.html");
    assert!(
        !action.contains("reviews/MR-1/index.html"),
        "the auditor edition lists the review as mentioning A-1: {action}"
    );
}

#[test]
fn facts_dated_after_the_as_of_date_are_not_shown() {
    let s = site();
    let before = s.build_ok(&["--as-of", "2025-12-01"]);
    for path in ["actions/A-1/index.html", "exports/site.json", "exports/actions.csv", "search-index.js"] {
        let text = before.read(path);
        assert!(!text.contains("LATERNOTE") && !text.contains("2026-02-01"), "{path} shows a later fact");
    }
    let after = s.build_ok(&["--as-of", "2026-03-01"]);
    let page = after.read("actions/A-1/index.html");
    assert!(page.contains("LATERNOTE") && page.contains("2026-02-01"), "{page}");
}

#[test]
fn an_attachment_only_withheld_text_links_is_withheld_with_it() {
    let s = Site::new(&[
        ("content/reviews/MR-1.md", REVIEW),
        ("content/actions/A-1.md", A1),
        (
            "content/pages/scope/index.md",
            "+++\ntitle = \"Scope\"\n+++\n[plan](plan.pdf)\n\n## Breaches {.confidential}\n\n[list](breaches.csv)\n",
        ),
        ("content/pages/scope/plan.pdf", "%PDF-1.4 plan"),
        ("content/pages/scope/breaches.csv", "host\nsrv1\n"),
        ("content/pages/scope/minutes.txt", "unlinked attachments stay"),
    ]);
    let internal = s.build_ok(&["--as-of", "2025-12-01"]);
    let auditor = s.build_ok(&["--as-of", "2025-12-01", "--audience", "auditor"]);
    assert!(internal.exists("scope/breaches.csv") && internal.read("scope/index.html").contains("breaches.csv"));
    assert!(!auditor.exists("scope/breaches.csv"), "the attachment only a confidential section links is published");
    assert!(!auditor.read("scope/index.html").contains("breaches.csv"));
    assert!(!auditor.read("SHA256SUMS").contains("breaches.csv"));
    assert!(auditor.exists("scope/plan.pdf") && auditor.exists("scope/minutes.txt"));
}
