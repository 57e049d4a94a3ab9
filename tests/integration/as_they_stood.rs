//! Minutes show what was true at the meeting (DESIGN §9): on a review page every status beside
//! a record — in the minutes, the decisions, the action updates and the evidence panels — is
//! its status as of the review, labelled so, with its status as of the site's date after it
//! where that has changed. An audit's findings show their status at the audit's end.

use crate::support::Site;

const MR1: &str = r#"+++
title = "Review one"
date = 2025-06-18
status = "held"
chair = "Ann"

[[decisions]]
id = "D1"
text = "Encrypt the laptops."
kind = "improvement"
actions = ["A-2"]

[[action_updates]]
action = "A-1"
note = "Supplier chosen."
+++
## Status of actions {#previous-actions}

[[A-1]] is open at this review; [[NC-1]] too; [[OBJ-1]] is met.
"#;

/// Open at MR-1 (due 2025-09-30), closed late on 2025-11-02.
const A1: &str = "+++\ntitle = \"Buy a firewall\"\nowner = \"IT\"\nraised = 2025-03-01\ndue = 2025-09-30\nclosed = 2025-11-02\n+++\n";
/// Raised at MR-1 and still open at the as-of date.
const A2: &str = "+++\ntitle = \"Encrypt laptops\"\nowner = \"IT\"\nraised = 2025-06-18\ndue = 2026-06-30\n+++\n";
/// Open at MR-1, verified on 2025-10-20.
const NC1: &str = r#"+++
title = "Firewall rules not reviewed"
severity = "minor"
source = "internal_audit"
audit = "AUD-1"
raised = 2025-05-20
closed = 2025-09-01
verified = 2025-10-20
effective = true
+++
"#;
const AUD1: &str = "+++\ntitle = \"Network audit\"\nkind = \"internal\"\nstart = 2025-05-12\nend = 2025-05-20\n+++\n";
/// Met at MR-1 (measured 2025-06-01), missed as of the site's date (measured 2025-10-01).
const OBJ1: &str = r#"+++
title = "Patch within 14 days"
target = 95.0
unit = "%"
direction = "higher_better"

[[measurements]]
date = 2025-06-01
value = 96.0

[[measurements]]
date = 2025-10-01
value = 80.0
+++
"#;

fn site() -> Site {
    Site::new(&[
        ("content/reviews/MR-1.md", MR1),
        ("content/actions/A-1.md", A1),
        ("content/actions/A-2.md", A2),
        ("content/nonconformities/NC-1.md", NC1),
        ("content/audits/AUD-1.md", AUD1),
        ("content/objectives/OBJ-1.md", OBJ1),
    ])
}

/// The badges after the link to `href` in `html`: the text of each `badge` element up to the
/// next link.
fn badges_after(html: &str, href: &str) -> Vec<String> {
    let at = html.find(&format!("href=\"{href}\"")).unwrap_or_else(|| panic!("no link to {href} in {html}"));
    let rest = &html[at..];
    let rest = &rest[..rest[1..].find("<a ").map_or(rest.len(), |i| i + 1)];
    rest.split("class=\"badge")
        .skip(1)
        .map(|b| {
            let text = &b[b.find('>').unwrap() + 1..];
            text[..text.find('<').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn minutes_show_each_status_as_of_the_meeting_and_now_where_it_changed() {
    let s = site();
    let out = s.build_ok(&["--as-of", "2025-12-01"]);
    let page = out.read("reviews/MR-1/index.html");
    let body = &page[page.find("<h2 id=\"previous-actions\"").expect("minutes heading")..];
    // In the minutes' text.
    assert_eq!(
        badges_after(body, "../../actions/A-1/index.html"),
        ["Open at this review", "now: Closed late on 2025-11-02"],
        "{page}"
    );
    assert_eq!(
        badges_after(body, "../../nonconformities/NC-1/index.html"),
        ["Open at this review", "now: Verified on 2025-10-20"]
    );
    assert_eq!(
        badges_after(body, "../../objectives/OBJ-1/index.html"),
        ["Met at this review", "now: Missed, measured 2025-10-01"]
    );
    // A status that has not changed has no "now".
    let decisions = &page[page.find("Encrypt the laptops.").expect("decision")..];
    assert_eq!(badges_after(decisions, "../../actions/A-2/index.html"), ["Open at this review"]);
    // The action update on A-1 is shown once, in the panel of previous actions (with the
    // same two statuses), not again in a list of its own.
    let panel = &page[page.find("Status at this review").expect("panel of previous actions")..];
    assert_eq!(badges_after(panel, "../../actions/A-1/index.html"), ["Open", "now: Closed late on 2025-11-02"]);
    let links_to_a1 = page.matches("href=\"../../actions/A-1/index.html\"").count();
    assert!(!page.contains("id=\"q-action-updates\""), "every update is in the panel already");
    assert_eq!(links_to_a1, 2, "the minutes' link and the panel's row");
}

#[test]
fn evidence_panels_show_statuses_at_the_review_and_now() {
    let s = site();
    let out = s.build_ok(&["--as-of", "2025-12-01"]);
    let page = out.read("reviews/MR-1/index.html");
    let panel = &page[page.find("panel-previous-actions").expect("previous-actions panel")..];
    let panel = &panel[..panel.find("</table>").unwrap()];
    assert!(panel.contains("Status at this review"), "{panel}");
    let row = &panel[panel.find("actions/A-1/index.html").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(">Open</span>") && row.contains(">now: Closed late on 2025-11-02</small>"), "{row}");
}

#[test]
fn the_same_records_on_their_own_pages_and_registers_show_the_status_now() {
    let s = site();
    let out = s.build_ok(&["--as-of", "2025-12-01"]);
    let action = out.read("actions/A-1/index.html");
    assert!(action.contains(">Closed late</span>") && !action.contains("at this review"), "{action}");
    let register = out.read("actions/index.html");
    assert!(!register.contains("now:"), "registers show one status, as of the site's date: {register}");
}

#[test]
fn an_audit_lists_its_findings_as_they_stood_at_its_end_and_now() {
    let s = site();
    let out = s.build_ok(&["--as-of", "2025-12-01"]);
    let audit = out.read("audits/AUD-1/index.html");
    assert!(audit.contains("Status at the audit&#39;s end") || audit.contains("Status at the audit's end"), "{audit}");
    let row = &audit[audit.find("nonconformities/NC-1/index.html").expect("finding")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(">Open</span>") && row.contains(">now: Verified on 2025-10-20</small>"), "{row}");
}

#[test]
fn at_the_meeting_date_itself_nothing_has_changed() {
    // Built as of the review's own date, every status then is the status now.
    let s = site();
    let out = s.build_ok(&["--as-of", "2025-06-18"]);
    let page = out.read("reviews/MR-1/index.html");
    assert!(page.contains("Open at this review"), "{page}");
    assert!(!page.contains("now:"), "{page}");
}
