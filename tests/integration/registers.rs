//! The registers (docs/registers.md): rows in urgency order without any script, owners grouped
//! case-insensitively on the part before the comma, and the nonconformity register's
//! effectiveness state. Figures below are worked out by hand from the fixture, as of
//! 2026-01-31.

use crate::support::Site;

const AS_OF: &str = "title = \"T\"\nas_of = 2026-01-31\n";

fn action(due: &str, owner: &str, extra: &str) -> String {
    format!("+++\ntitle = \"Do it\"\nowner = \"{owner}\"\nraised = 2025-06-01\ndue = {due}\n{extra}+++\n")
}

fn nc(severity: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"Gap\"\nraised = 2025-06-01\nseverity = \"{severity}\"\nsource = \"internal_audit\"\nowner = \"Ann Lee\"\n{extra}+++\n"
    )
}

/// The record IDs of a register's rows, top to bottom.
fn row_ids(html: &str) -> Vec<String> {
    html.split("<tr><td class=\"id\" data-sort=\"")
        .skip(1)
        .map(|s| s[..s.find('"').expect("end of the ID")].to_string())
        .collect()
}

#[test]
fn actions_come_overdue_first_then_open_by_due_then_closed_newest_first() {
    let s = Site::new(&[
        ("site.toml", AS_OF),
        ("content/actions/A-1.md", &action("2026-01-01", "Sam Reid, IT", "")), // 30 days overdue
        ("content/actions/A-2.md", &action("2025-12-01", "Ann Lee, Security", "")), // 61 days overdue
        ("content/actions/A-3.md", &action("2026-03-01", "sam reid, Depot", "")),
        ("content/actions/A-4.md", &action("2026-02-15", "Ann Lee", "")),
        ("content/actions/A-5.md", &action("2025-11-30", "Sam Reid", "closed = 2025-12-01\n")),
        ("content/actions/A-6.md", &action("2026-02-01", "Ann Lee", "closed = 2026-01-10\n")),
    ]);
    let html = s.build_ok(&[]).read("actions/index.html");
    assert_eq!(row_ids(&html), ["A-2", "A-1", "A-4", "A-3", "A-6", "A-5"]);
    // "Sam Reid, IT", "sam reid, Depot" and "Sam Reid" are one owner, named as most write it.
    assert_eq!(html.matches("data-key=\"sam-reid\" data-label=\"Sam Reid\"").count(), 3, "{html}");
    assert_eq!(html.matches("data-key=\"ann-lee\" data-label=\"Ann Lee\"").count(), 3);
    assert!(html.contains("<p class=\"register-count\" id=\"register-count\" aria-live=\"polite\">6 actions</p>"));
    for export in ["exports/actions.csv", "exports/actions.ics", "exports/site.json"] {
        assert!(html.contains(&format!("href=\"../{export}\"")), "the register links {export}");
    }
}

#[test]
fn nonconformities_show_where_their_effectiveness_check_stands() {
    let s = Site::new(&[
        ("site.toml", AS_OF),
        ("content/nonconformities/NC-1.md", &nc("minor", "due = 2026-03-01\n")),
        ("content/nonconformities/NC-2.md", &nc("major", "")),
        ("content/nonconformities/NC-3.md", &nc("minor", "due = 2026-01-15\n")),
        ("content/nonconformities/NC-4.md", &nc("minor", "closed = 2025-10-01\n")),
        ("content/nonconformities/NC-5.md", &nc("minor", "closed = 2026-01-01\n")),
        (
            "content/nonconformities/NC-6.md",
            &nc("minor", "closed = 2025-09-01\nverified = 2025-12-15\neffective = true\n"),
        ),
        ("content/nonconformities/NC-7.md", &nc("observation", "closed = 2026-01-20\n")),
        (
            "content/nonconformities/NC-8.md",
            &nc("minor", "closed = 2025-08-01\nverified = 2025-11-01\neffective = false\n"),
        ),
    ]);
    let html = s.build_ok(&[]).read("nonconformities/index.html");
    // Found ineffective; open: past due, then by severity (major first); awaiting the check,
    // longest first; then closed or verified, newest first.
    assert_eq!(row_ids(&html), ["NC-8", "NC-3", "NC-2", "NC-1", "NC-4", "NC-5", "NC-7", "NC-6"]);
    let row = |id: &str| {
        let at = html.find(&format!("data-sort=\"{id}\"")).expect("row");
        html[at..at + html[at..].find("</tr>").expect("end of row")].to_string()
    };
    // 2025-10-01 to 2026-01-31: 30 + 30 + 31 + 31 = 122 days, past the 90 allowed.
    assert!(row("NC-4").contains("badge-overdue\">Awaiting verification, 122 days: check overdue"), "{}", row("NC-4"));
    assert!(row("NC-5").contains("badge-amber\">Awaiting verification, 30 days<"), "{}", row("NC-5"));
    assert!(row("NC-6").contains("Verified effective on 2025-12-15"), "{}", row("NC-6"));
    assert!(row("NC-8").contains("badge-overdue\">Found not effective on 2025-11-01"), "{}", row("NC-8"));
    // An observation is not a KPI severity: closed is done, with no check to wait for.
    assert!(row("NC-7").contains("badge-closed\">Closed<") && !row("NC-7").contains("Awaiting"), "{}", row("NC-7"));
    assert!(row("NC-1").contains("badge-open\">Open<"), "{}", row("NC-1"));
}

#[test]
fn each_owner_has_a_page_with_their_own_list_overdue_first() {
    let s = Site::new(&[
        ("site.toml", AS_OF),
        ("content/actions/A-1.md", &action("2026-01-01", "Sam Reid, IT", "")), // 30 days overdue
        ("content/actions/A-2.md", &action("2025-12-01", "Ann Lee, Security", "")),
        ("content/actions/A-3.md", &action("2026-03-01", "sam reid, Depot", "")),
        ("content/actions/A-5.md", &action("2025-11-30", "Sam Reid", "closed = 2025-12-01\n")), // 61 days ago
        ("content/actions/A-7.md", &action("2025-06-30", "Sam Reid", "closed = 2025-07-01\n")), // 214 days ago
        ("content/actions/A-8.md", &action("2026-01-30", "Tomasz Wójcik", "")),
        ("content/nonconformities/NC-1.md", &nc("minor", "closed = 2026-01-01\n").replace("Ann Lee", "SAM REID")),
        (
            "content/actions/A-9.md",
            "+++\ntitle = \"Secret\"\nowner = \"Sam Reid\"\nraised = 2025-06-01\ndue = 2025-07-01\nconfidential = true\n+++\n",
        ),
    ]);
    let built = s.build_ok(&[]);
    let index = built.read("owners/index.html");
    for (href, name) in [("sam-reid", "Sam Reid"), ("ann-lee", "Ann Lee"), ("tomasz-wojcik", "Tomasz Wójcik")] {
        assert!(index.contains(&format!("<a href=\"../owners/{href}/index.html\">{name}</a>")), "{index}");
    }
    let page = built.read("owners/sam-reid/index.html");
    let section = |id: &str| {
        let at = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("section {id}"));
        let end = page[at..].find("</section>").expect("end of section");
        row_ids_any(&page[at..at + end])
    };
    // The confidential A-9 is overdue too, and on the internal edition's list.
    assert_eq!(section("q-overdue"), ["A-9", "A-1"], "{page}");
    assert_eq!(section("q-open"), ["A-3"]);
    assert_eq!(section("q-ncs"), ["NC-1"], "closed, awaiting its effectiveness check");
    // Closed in the last 90 days: A-5 (61 days ago) and NC-1 (30 days), not A-7 (214).
    assert_eq!(section("q-closed"), ["A-5", "NC-1"]);
    // A-7, closed before the 90 days, is on no list: the page counts it and links the register.
    assert!(
        page.contains("<a href=\"../../actions/index.html#owner=sam-reid\">1 action closed earlier or cancelled</a>."),
        "{page}"
    );
    assert!(!built.read("owners/ann-lee/index.html").contains("closed earlier"), "Ann Lee has nothing earlier");
    // The auditor edition lists only what it shows.
    let auditor = s.build_ok(&["--audience", "auditor"]).read("owners/sam-reid/index.html");
    assert!(!auditor.contains("A-9") && auditor.contains("A-1"), "{auditor}");
    // Names link to the page from the register and the record page.
    assert!(built.read("actions/index.html").contains("<a href=\"../owners/sam-reid/index.html\">sam reid, Depot</a>"));
    assert!(built.read("actions/A-3/index.html").contains("href=\"../../owners/sam-reid/index.html\""));
}

/// The record IDs of the rows of any table in `html`, top to bottom.
fn row_ids_any(html: &str) -> Vec<String> {
    html.split("<tr><td class=\"id\"><a href=\"")
        .skip(1)
        .map(|s| {
            let text = &s[s.find('>').expect("link text") + 1..];
            text[..text.find('<').expect("end")].to_string()
        })
        .collect()
}

#[test]
fn the_dashboard_lists_the_ten_most_overdue_and_links_the_rest() {
    // A-1 … A-12, due 1 … 12 January 2026: A-1 is the most overdue (30 days as of 31 January).
    let files: Vec<(String, String)> = (1..=12)
        .map(|n| (format!("content/actions/A-{n}.md"), action(&format!("2026-01-{n:02}"), "Ann Lee", "")))
        .chain([("site.toml".to_string(), AS_OF.to_string())])
        .collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let html = Site::new(&refs).build_ok(&[]).read("index.html");
    let at = html.find("id=\"q-overdue\"").expect("overdue section");
    let section = &html[at..at + html[at..].find("</section>").expect("end")];
    let ids: Vec<&str> =
        section.split("<li><a href=\"actions/").skip(1).map(|s| &s[..s.find('/').expect("id")]).collect();
    assert_eq!(ids, ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6", "A-7", "A-8", "A-9", "A-10"]);
    assert!(
        section.contains(
            "And 2 more: <a href=\"actions/index.html#status=overdue\">every overdue action in the register</a>."
        ),
        "{section}"
    );
}
