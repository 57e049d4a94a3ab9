//! The as-of date: records raised after it are left out (and links to them are plain IDs, not
//! errors); facts dated after it are ignored.

use crate::support::{Built, Site, links_to, tags};

const EARLY: &str = "+++\ntitle = \"Patch servers\"\nowner = \"Ops\"\nraised = 2025-01-10\ndue = 2025-06-30\nclosed = 2026-02-01\n+++\nFollow-up is [[A-LATE]]; see also [[A-LATE|the follow-up]].\n";

const LATE: &str = "+++\ntitle = \"Replace the firewall\"\nowner = \"Ops\"\nraised = 2026-01-10\ndue = 2026-06-30\n+++\nNew firewall.\n";

const FUTURE_DUE: &str =
    "+++\ntitle = \"Train staff\"\nowner = \"HR\"\nraised = 2025-03-01\ndue = 2026-03-31\nclosed = 2026-01-15\n+++\n";

const REVIEW: &str = "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"approved\"\nchair = \"CEO\"\napproved_by = \"Board\"\napproved_on = 2026-01-20\n\n[[decisions]]\nid = \"D1\"\ntext = \"Replace the firewall\"\nkind = \"improvement\"\nactions = [\"A-LATE\"]\n+++\n";

fn site() -> Site {
    Site::new(&[
        ("site.toml", "title = \"T\"\nas_of = 2025-12-31\n"),
        ("content/actions/A-EARLY.md", EARLY),
        ("content/actions/A-LATE.md", LATE),
        ("content/actions/A-TRAIN.md", FUTURE_DUE),
        ("content/reviews/MR-1.md", REVIEW),
    ])
}

fn status_badge(b: &Built, id: &str) -> String {
    let html = b.read(&format!("actions/{id}/index.html"));
    let status = &html[html.find("record-status").unwrap_or_else(|| panic!("no status on {id}'s page"))..];
    let badge = &status[status.find("<span class=\"badge").expect("a badge")..];
    badge[..badge.find("</span>").expect("badge end")].to_string()
}

#[test]
fn a_link_to_a_record_raised_later_is_not_an_error() {
    site().assert_clean();
}

#[test]
fn a_record_raised_after_the_as_of_date_is_left_out() {
    let built = site().build_ok(&[]);
    assert!(!built.exists("actions/A-LATE/index.html"));
    assert!(built.exists("actions/A-EARLY/index.html"));
    let register = built.read("actions/index.html");
    assert!(!register.contains("A-LATE") && !register.contains("Replace the firewall"), "{register}");
    let json: serde_json::Value = serde_json::from_str(&built.read("exports/site.json")).expect("JSON");
    let ids: Vec<&str> = json["actions"].as_array().expect("actions").iter().filter_map(|a| a["id"].as_str()).collect();
    assert_eq!(ids, ["A-EARLY", "A-TRAIN"]);
}

#[test]
fn a_link_to_a_record_raised_later_shows_the_plain_id() {
    let built = site().build_ok(&[]);
    for (path, bytes) in built.tree() {
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(&bytes);
            assert!(
                !tags(&html).iter().any(|t| t.attr("href").is_some_and(|h| h.contains("A-LATE"))),
                "{path} links the not-yet-raised action"
            );
        }
    }
    let html = built.read("actions/A-EARLY/index.html");
    let body = &html[html.find("Follow-up is").expect("body")..];
    assert!(body[..body.find("</p>").expect("end")].contains("A-LATE"), "the ID stays as text");
}

#[test]
fn an_action_closed_after_the_as_of_date_is_open_or_overdue() {
    let built = site().build_ok(&[]);
    let early = status_badge(&built, "A-EARLY");
    assert!(early.contains("badge-overdue") && early.contains("Overdue"), "closed 2026-02-01, due 2025-06-30: {early}");
    let train = status_badge(&built, "A-TRAIN");
    assert!(train.contains("badge-open") && train.contains("Open"), "closed 2026-01-15, due 2026-03-31: {train}");
    let html = built.read("actions/A-EARLY/index.html");
    assert!(!html.contains("2026-02-01"), "the later closing date is not shown");
    let json: serde_json::Value = serde_json::from_str(&built.read("exports/site.json")).expect("JSON");
    let early = &json["actions"][0];
    assert_eq!((early["status"].as_str(), early["closed"].is_null()), (Some("overdue"), true), "{early}");
}

#[test]
fn the_as_of_flag_overrides_site_toml() {
    let built = site().build_ok(&["--as-of", "2026-03-01"]);
    assert!(built.exists("actions/A-LATE/index.html"), "raised 2026-01-10 ≤ 2026-03-01");
    let early = status_badge(&built, "A-EARLY");
    assert!(early.contains("badge-closed-late"), "closed after its due date: {early}");
    let html = built.read("actions/A-EARLY/index.html");
    assert!(!links_to(&html, "../../actions/A-LATE/index.html").is_empty(), "now a link");
    assert!(built.read("index.html").contains("2026-03-01"), "the page states the as-of date");
}

#[test]
fn a_review_approved_after_the_as_of_date_is_held() {
    let built = site().build_ok(&[]);
    let html = built.read("reviews/MR-1/index.html");
    assert!(html.to_lowercase().contains("not approved"), "approved 2026-01-20 > as of 2025-12-31");
    assert!(!html.contains("2026-01-20"), "the later approval date is not shown");
    let json: serde_json::Value = serde_json::from_str(&built.read("exports/site.json")).expect("JSON");
    assert_eq!(json["reviews"][0]["status"], "held");
}

#[test]
fn a_decision_listing_a_later_action_shows_its_plain_id() {
    let built = site().build_ok(&[]);
    let html = built.read("reviews/MR-1/index.html");
    let decision = &html[html.find("id=\"D1\"").expect("decision D1")..];
    let decision = &decision[..decision.find("</div>").expect("end")];
    assert!(decision.contains("A-LATE"), "{decision}");
    assert!(links_to(decision, "../../actions/A-LATE/index.html").is_empty());
}
