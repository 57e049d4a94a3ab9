//! The dashboard's "Needs attention" section (docs/dashboard.md): every status and content
//! warning a reader should act on, in plain English, each linking to its record, every group
//! capped at ten with a count of the rest. Days are worked out by hand from the fixture, as
//! of 2026-01-31.

use crate::support::Site;

const SITE: &str = "title = \"T\"\nas_of = 2026-01-31\ncarry_over_limit = 1\n";

/// A held review with no minutes: 11 missing inputs, no top management, no decision of either
/// output kind and no climate answer, so 15 content warnings each.
fn held(date: &str) -> String {
    format!("+++\ntitle = \"Review {date}\"\ndate = {date}\nstatus = \"held\"\nchair = \"Ann\"\n+++\n")
}

fn action(raised: &str, due: &str) -> String {
    format!("+++\ntitle = \"Act {due}\"\nowner = \"Ann Lee\"\nraised = {raised}\ndue = {due}\n+++\n")
}

fn nc(severity: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"Gap {severity}\"\nraised = 2025-09-01\nseverity = \"{severity}\"\nsource = \"internal_audit\"\n{extra}+++\n"
    )
}

fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE),
        ("content/reviews/MR-1.md", &held("2025-06-10")), // 235 days before the as-of date
        ("content/reviews/MR-2.md", &held("2025-12-10")), // 52 days before
        ("content/reviews/MR-3.md", "+++\ntitle = \"Next\"\ndate = 2026-01-20\nstatus = \"planned\"\n+++\n"),
        ("content/actions/A-1.md", &action("2025-05-01", "2026-06-30")), // open at MR-1 and MR-2
        ("content/actions/A-2.md", &action("2026-01-01", "2026-02-10")), // due in 10 days
        ("content/actions/A-3.md", &action("2026-01-01", "2026-01-31")), // due today
        ("content/actions/A-4.md", &action("2026-01-01", "2026-03-15")), // due in 43 days: not soon
        ("content/actions/A-5.md", &action("2025-12-01", "2026-01-01")), // 30 days overdue
        ("content/nonconformities/NC-1.md", &nc("major", "")),           // open since 152 days
        ("content/nonconformities/NC-2.md", &nc("major", "closed = 2025-10-01\n")), // 122 days, no check
        ("content/nonconformities/NC-3.md", &nc("minor", "closed = 2026-01-01\n")), // 30 days, no check
        ("content/nonconformities/NC-4.md", &nc("observation", "closed = 2026-01-01\n")), // needs no check
    ])
}

/// The section of the dashboard under the heading with `id`, up to its end.
fn group<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!("<h3 id=\"{id}\">")).unwrap_or_else(|| panic!("no group {id} in {html}"));
    &html[at..at + html[at..].find("</section>").expect("end of the group")]
}

/// The (ID, text) of each item of a group, top to bottom.
fn items(section: &str) -> Vec<(String, String)> {
    section
        .split("<li><a href=\"")
        .skip(1)
        .map(|li| {
            let id = &li[li.find("class=\"id\">").expect("id") + 11..];
            let text = &li[li.find("<span class=\"meta\">").expect("text") + 19..];
            (id[..id.find('<').unwrap()].to_string(), text[..text.find('<').unwrap()].to_string())
        })
        .collect()
}

#[test]
fn the_dashboard_lists_each_attention_item_in_plain_english() {
    let html = site().build_ok(&[]).read("index.html");
    let at = html.find("id=\"q-attention\"").expect("Needs attention");
    assert!(at < html.find("id=\"q-latest\"").expect("latest review"), "attention comes first, after the figures");

    assert!(group(&html, "q-overdue").contains("actions/A-5/index.html"));
    assert_eq!(
        items(group(&html, "attention-unapproved")),
        [
            (
                "MR-1".into(),
                "Held on 2025-06-10, 235 days before the as-of date, and the minutes are not approved.".into()
            ),
            (
                "MR-2".into(),
                "Held on 2025-12-10, 52 days before the as-of date, and the minutes are not approved.".into()
            ),
        ] as [(String, String); 2]
    );
    // Longest waiting first; the observation needs no check.
    let unverified = group(&html, "attention-unverified");
    assert_eq!(
        items(unverified),
        [
            ("NC-2".into(), "Closed on 2025-10-01, 122 days ago; the check is overdue.".into()),
            ("NC-3".into(), "Closed on 2026-01-01, 30 days ago.".into()),
        ] as [(String, String); 2]
    );
    assert!(unverified.contains("href=\"nonconformities/index.html#status=awaiting\""), "{unverified}");
    assert_eq!(
        items(group(&html, "attention-majors")),
        [("NC-1".to_string(), "Open since 2025-09-01 (152 days).".to_string())]
    );
    assert!(group(&html, "attention-majors").contains("nonconformities/index.html#severity=major&amp;status=open"));
    assert_eq!(
        items(group(&html, "attention-carried")),
        [("A-1".to_string(), "Still open after 2 management reviews; the limit is 1.".to_string())]
    );
    assert_eq!(
        items(group(&html, "attention-due-soon")),
        [("A-3".into(), "Due 2026-01-31, today.".into()), ("A-2".into(), "Due 2026-02-10, in 10 days.".into()),]
            as [(String, String); 2]
    );
    assert_eq!(
        items(group(&html, "attention-schedule")),
        [("MR-3".to_string(), "Planned for 2026-01-20, which has passed; it is not recorded as held.".to_string())]
    );
    // 15 content warnings on each held review, and a closed NC-2 and NC-3 without a root
    // cause: one item per record, with its first gap and how many more its page lists.
    let incomplete = group(&html, "attention-incomplete");
    assert!(incomplete.contains("Records with something missing <span class=\"count\">(4)</span>"), "{incomplete}");
    let listed = items(incomplete);
    assert_eq!(listed.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["MR-1", "MR-2", "NC-2", "NC-3"]);
    assert_eq!(
        listed[0].1,
        "The minutes have no section on status of actions from previous management reviews (clause 9.3.2 a). \
         And 14 more gaps on its page."
    );
    assert_eq!(listed[2].1, "Closed without a recorded root cause.");
    // What the reader sees carries no check codes, field names or backticks.
    for code in ["(missing-", "review-not-approved", "isms_change", "top_management", "`"] {
        assert!(!html.contains(code), "the dashboard shows {code:?}");
    }
    let review = site().build_ok(&[]).read("reviews/MR-2/index.html");
    assert!(review.contains("No decision about changes to the ISMS was recorded."));
    assert!(review.contains("No member of top management is recorded as present."));
    assert!(!review.contains("missing-output") && !review.contains('`'), "{review}");
}

#[test]
fn a_site_with_nothing_to_act_on_says_so() {
    let s = Site::new(&[("site.toml", "title = \"T\"\nas_of = 2026-01-31\n")]);
    let html = s.build_ok(&[]).read("index.html");
    assert!(html.contains("Nothing needs attention as of 2026-01-31."), "{html}");
    assert!(!html.contains("<h3 id=\"attention-"));
}
