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
                !tags(&html).iter().any(|t| t.attr("href").is_some_and(|h| h.contains("A-LATE/index.html"))),
                "{path} links the not-yet-raised action's page"
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

#[test]
fn markdown_link_to_a_record_raised_later_is_plain_text() {
    // DESIGN §3: a reference to a record left out for being raised after A is not an error;
    // it shows as the plain ID. That holds for a Markdown link to the record's file too.
    let s = site();
    s.write("content/pages/plan.md", "+++\ntitle = \"Plan\"\n+++\nNext: [the firewall](../actions/A-LATE.md).\n");
    s.assert_clean();
    let built = s.build_ok(&[]);
    let problems = crate::links::link_problems(&built.out, "example.invalid");
    assert!(problems.is_empty(), "{problems:#?}");
    let html = built.read("plan/index.html");
    let para = &html[html.find("Next:").expect("paragraph")..];
    let para = &para[..para.find("</p>").expect("end")];
    assert!(!para.contains("<a "), "no link to a record not yet raised: {para}");
}

#[test]
fn an_invalid_as_of_date_is_a_usage_error() {
    let s = site();
    for bad in ["2025-02-30", "31/12/2025", "tomorrow"] {
        let o = crate::support::quorum_in(s.root(), &["check", "--as-of", bad]);
        assert_eq!(o.status.code(), Some(2), "--as-of {bad}");
    }
}

#[test]
fn planned_reviews_after_the_as_of_date_stay_and_held_ones_go() {
    let s = site();
    s.write("content/reviews/MR-2.md", "+++\ntitle = \"Next review\"\ndate = 2026-06-18\nstatus = \"planned\"\n+++\n");
    s.write(
        "content/reviews/MR-3.md",
        "+++\ntitle = \"Future held\"\ndate = 2026-02-01\nstatus = \"held\"\nchair = \"CEO\"\n+++\n",
    );
    s.write("content/pages/p.md", "+++\ntitle = \"P\"\n+++\nSee [[MR-3]] and [[MR-2]].\n");
    s.assert_clean();
    let built = s.build_ok(&[]);
    assert!(built.exists("reviews/MR-2/index.html"), "planned reviews are excepted");
    assert!(!built.exists("reviews/MR-3/index.html"), "a review dated after A is left out");
    let html = built.read("p/index.html");
    assert!(links_to(&html, "../reviews/MR-3/index.html").is_empty() && html.contains("MR-3"));
    assert!(!links_to(&html, "../reviews/MR-2/index.html").is_empty());
}

#[test]
fn updates_and_measurements_after_the_as_of_date_are_ignored() {
    let replanned = "+++\ntitle = \"Migrate mail\"\nowner = \"IT\"\nraised = 2025-01-10\ndue = 2025-06-30\n\n[[updates]]\ndate = 2026-01-05\nnote = \"Re-planned after the audit\"\ndue = 2026-06-30\n+++\n";
    let objective = "+++\ntitle = \"Phishing clicks\"\ntarget = 5.0\ndirection = \"lower_better\"\n\n[[measurements]]\ndate = 2025-09-30\nvalue = 9.0\n\n[[measurements]]\ndate = 2026-01-15\nvalue = 2.0\n+++\n";
    let s = Site::new(&[("content/actions/A-1.md", replanned), ("content/objectives/OBJ-1.md", objective)]);
    let built = s.build_ok(&[]);
    let badge = status_badge(&built, "A-1");
    assert!(badge.contains("badge-overdue"), "the re-plan dated after A does not count yet: {badge}");
    let html = built.read("actions/A-1/index.html");
    assert!(!html.contains("Re-planned after the audit"), "an update dated after A is not shown");
    let json: serde_json::Value = serde_json::from_str(&built.read("exports/site.json")).expect("JSON");
    let o = &json["objectives"][0];
    assert_eq!(o["measurements"].as_array().map(Vec::len), Some(1), "{o}");
    assert_eq!(o["attainment"], "missed", "9.0 against a target of 5 (lower is better): {o}");
    assert_eq!(json["actions"][0]["due_as_of"], "2025-06-30");
}

#[test]
fn check_build_and_serve_name_the_records_dated_after_the_as_of_date() {
    let s = site();
    let check = crate::support::quorum_in(s.root(), &["check"]);
    let stderr = crate::support::lossy(&check.stderr);
    assert!(
        stderr.contains(
            "note: 1 record dated after 2025-12-31 is not shown: A-LATE (site.toml sets as_of = 2025-12-31; remove it to judge as of today)"
        ),
        "{stderr}"
    );
    assert!(crate::support::lossy(&check.stdout).starts_with("Checked 4 records: 0 errors, "));
    let out = tempfile::tempdir().expect("tempdir");
    let build = s.build(&out.path().join("site"), &[]);
    assert!(crate::support::lossy(&build.stderr).contains("1 record dated after 2025-12-31 is not shown: A-LATE"));
    // Nothing is later than a date after every record: no note.
    let all = crate::support::quorum_in(s.root(), &["check", "--as-of", "2026-12-31"]);
    assert!(!crate::support::lossy(&all.stderr).contains("not shown"));
}
