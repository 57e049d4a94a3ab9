//! `quorum new`: records from templates, with the next free ID, that `quorum check` accepts.

use crate::support::{ACTION, Site, lossy, quorum_in};

fn new(site: &Site, args: &[&str]) -> std::process::Output {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    quorum_in(site.root(), &all)
}

#[test]
fn new_records_take_the_next_free_id_and_pass_check_once_their_blanks_are_written() {
    let site = Site::new(&[("content/actions/2025/A-2025-014.md", ACTION)]);
    let out = new(&site, &["action", "--date", "2025-03-01"]);
    assert!(out.status.success(), "{}", lossy(&out.stderr));
    assert!(lossy(&out.stdout).contains("A-2025-015") && lossy(&out.stdout).contains("title and owner"));
    assert!(site.path("content/actions/2025/A-2025-015.md").is_file(), "kept in the year folder");
    let mut files = vec!["content/actions/2025/A-2025-015.md".to_string()];
    for kind in ["nonconformity", "objective", "audit", "review"] {
        let out = new(&site, &[kind, "--date", "2025-03-01"]);
        assert!(out.status.success(), "{kind}: {}", lossy(&out.stderr));
        let stdout = lossy(&out.stdout);
        let path = stdout.strip_prefix("Created ").and_then(|s| s.split(" (").next()).expect("the path");
        files.push(path.to_string());
    }
    // A blank title or owner is an error at its line until written: nothing else is.
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let errors: Vec<_> = diags.iter().filter(|d| d.severity == "error").collect();
    assert!(errors.iter().all(|d| d.code == "empty-field" && d.line == 2), "{errors:#?}");
    assert_eq!(errors.len(), 4, "the action, NC, objective and audit; the review has its title: {errors:#?}");
    for file in &files {
        let text = std::fs::read_to_string(site.path(file)).unwrap();
        let text =
            text.replacen("title = \"\"", "title = \"Written\"", 1).replacen("owner = \"\"", "owner = \"IT\"", 1);
        std::fs::write(site.path(file), text).unwrap();
    }
    site.assert_clean();
}

#[test]
fn new_actions_in_a_new_year_start_its_year_folder() {
    let site = Site::new(&[("content/actions/2025/A-2025-014.md", ACTION)]);
    let out = new(&site, &["action", "--date", "2026-01-05"]);
    assert!(out.status.success(), "{}", lossy(&out.stderr));
    assert!(site.path("content/actions/2026/A-2026-001.md").is_file(), "{}", lossy(&out.stdout));
}

#[test]
fn new_review_has_every_input_heading_and_the_open_actions_to_report_on() {
    let site = Site::new(&[("content/actions/A-1.md", ACTION)]);
    let out = new(&site, &["review", "MR-9", "--date", "2025-06-30"]);
    assert!(out.status.success(), "{}", lossy(&out.stderr));
    let text = std::fs::read_to_string(site.path("content/reviews/MR-9.md")).unwrap();
    for key in ["previous-actions", "issues", "interested-parties", "nonconformities", "audits", "risk", "improvement"]
    {
        assert!(text.contains(&format!("{{#{key}}}")), "heading for {key}: {text}");
    }
    // The open action is an entry to fill in, in the front matter, named in a comment…
    let front = text.split("+++").nth(1).expect("front matter");
    assert!(
        front.contains("[[action_updates]]\naction = \"A-1\"   # Encrypt laptops; due 2025-12-01; IT\nnote = \"\"\n"),
        "{text}"
    );
    // …and the minutes hold a prompt, not a second list of the actions.
    let minutes = text.split("{#previous-actions}").nth(1).and_then(|t| t.split("\n## ").next()).unwrap();
    assert!(!minutes.contains("[[A-1]]") && minutes.contains("`[[action_updates]]`"), "{minutes}");
    site.assert_clean();
}

/// A planned review, for sites whose reviews follow some ID scheme.
fn planned(date: &str) -> String {
    format!("+++\ntitle = \"Review\"\ndate = {date}\nstatus = \"planned\"\n+++\n")
}

#[test]
fn new_review_continues_the_half_year_scheme() {
    let site = Site::new(&[
        ("site.toml", "title = \"T\"\nas_of = 2026-12-31\n"),
        ("content/reviews/MR-2025-H2.md", &planned("2025-11-10")),
        ("content/reviews/MR-2025-X1.md", &planned("2025-12-01")),
        ("content/reviews/MR-2026-H1.md", &planned("2026-05-12")),
        ("content/actions/A-1.md", ACTION),
    ]);
    let out = new(&site, &["review", "--date", "2026-11-17"]);
    assert!(out.status.success(), "{}", lossy(&out.stderr));
    assert!(lossy(&out.stdout).contains("(MR-2026-H2)"), "{}", lossy(&out.stdout));
    let text = std::fs::read_to_string(site.path("content/reviews/MR-2026-H2.md")).unwrap();
    assert!(text.contains("date = 2026-11-17"), "{text}");
    assert!(text.contains("action = \"A-1\""), "the action open on its date is to be reported on: {text}");
    site.assert_clean();

    // The half-year of the date is now taken: refused, naming the next free one.
    let out = new(&site, &["review", "--date", "2026-12-01"]);
    assert_eq!(out.status.code(), Some(2));
    let err = lossy(&out.stderr);
    assert!(
        err.contains("MR-2026-H2, the ID for the half-year of 2026-12-01, is taken by content/reviews/MR-2026-H2.md"),
        "{err}"
    );
    assert!(err.contains("MR-2027-H1") && err.contains("from 2027-01-01 to 2027-06-30"), "{err}");
    let out = new(&site, &["review", "--date", "2027-02-01"]);
    assert!(lossy(&out.stdout).contains("(MR-2027-H1)"), "a new year: {}", lossy(&out.stderr));
    site.assert_clean();
}

#[test]
fn new_review_on_an_unclear_scheme_asks_for_the_id() {
    let site = Site::new(&[
        ("content/reviews/spring-2025.md", &planned("2025-04-01")),
        ("content/reviews/MR-2025-Q3.md", &planned("2025-08-01")),
        ("content/reviews/MR-2025-H2.md", &planned("2025-11-01")),
    ]);
    let out = new(&site, &["review", "--date", "2025-12-01"]);
    assert_eq!(out.status.code(), Some(2));
    let err = lossy(&out.stderr);
    assert!(err.contains("cannot tell which review ID comes next"), "{err}");
    assert!(err.contains("`quorum new review MR-…`"), "{err}");
    assert!(err.contains("Existing review IDs (3): MR-2025-H2, MR-2025-Q3, spring-2025"), "{err}");
    assert_eq!(std::fs::read_dir(site.path("content/reviews")).unwrap().count(), 3, "nothing written");
}

#[test]
fn new_refuses_a_taken_or_invalid_id() {
    let site = Site::new(&[("content/actions/A-1.md", ACTION)]);
    let out = new(&site, &["audit", "a-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(lossy(&out.stderr).contains("taken by content/actions/A-1.md"));
    assert_eq!(new(&site, &["audit", "bad id"]).status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(site.path("content/actions/A-1.md")).unwrap(), ACTION, "nothing overwritten");
}
