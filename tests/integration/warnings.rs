//! Warnings (DESIGN §4): reported without failing `check`, promoted to errors by
//! `--deny-warnings` (content warnings) and `--deny-status` (status warnings too).

use crate::support::Site;

const SERIES: &str = "+++\ntitle = \"Review\"\ndate = 2025-11-18\nstatus = \"approved\"\nchair = \"CEO\"\napproved_by = \"Board\"\napproved_on = 2025-11-20\n+++\n";

#[test]
fn overdue_action_is_a_status_warning() {
    let overdue = "+++\ntitle = \"Late\"\nowner = \"O\"\nraised = 2025-01-10\ndue = 2025-06-30\n+++\n";
    let site = Site::new(&[("content/actions/A-1.md", overdue)]);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0, "warnings alone do not fail check: {diags:#?}");
    assert!(
        diags.iter().any(|d| d.severity == "warning"
            && d.code == "action-overdue"
            && d.file == "content/actions/A-1.md"
            && d.line == 5),
        "an overdue action is a warning at its `due`: {diags:#?}"
    );
    let (code, _) = site.check_json(&["--deny-warnings"]);
    assert_eq!(code, 0, "--deny-warnings alone leaves status warnings as warnings");
    let (code, _) = site.check_json(&["--deny-status"]);
    assert_eq!(code, 1, "--deny-status makes status warnings errors");
}

#[test]
fn approved_review_without_conclusion_is_a_content_warning() {
    let site = Site::new(&[("content/reviews/MR-1.md", SERIES)]);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0, "{diags:#?}");
    assert!(
        diags.iter().any(|d| d.severity == "warning"
            && d.code == "missing-conclusion"
            && d.file == "content/reviews/MR-1.md"
            && d.line == 4),
        "an approved review without [conclusion] is a warning: {diags:#?}"
    );
    let (code, diags) = site.check_json(&["--deny-warnings"]);
    assert_eq!(code, 1, "--deny-warnings makes content warnings errors");
    assert!(diags.iter().any(|d| d.severity == "error" && d.code == "missing-conclusion"));
}

#[test]
fn a_site_without_any_review_has_a_status_warning_only() {
    let site = Site::new(&[]);
    let (code, diags) = site.check_json(&["--deny-warnings"]);
    assert_eq!(code, 0, "\"no series review\" is a status warning, not a content one: {diags:#?}");
    assert!(
        diags.iter().any(|d| d.severity == "warning" && d.code == "no-review" && d.file == "site.toml"),
        "{diags:#?}"
    );
    let (code, diags) = site.check_json(&["--deny-status"]);
    assert_eq!(code, 1, "no series review at all is a status warning: {diags:#?}");
}
