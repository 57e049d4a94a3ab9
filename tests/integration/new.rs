//! `quorum new`: records from templates, with the next free ID, that `quorum check` accepts.

use crate::support::{ACTION, Site, lossy, quorum_in};

fn new(site: &Site, args: &[&str]) -> std::process::Output {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    quorum_in(site.root(), &all)
}

#[test]
fn new_records_take_the_next_free_id_and_pass_check() {
    let site = Site::new(&[("content/actions/2025/A-2025-014.md", ACTION)]);
    let out = new(&site, &["action", "--date", "2025-03-01"]);
    assert!(out.status.success(), "{}", lossy(&out.stderr));
    assert!(lossy(&out.stdout).contains("A-2025-015"));
    assert!(site.path("content/actions/2025/A-2025-015.md").is_file(), "kept in the year folder");
    for kind in ["nonconformity", "objective", "audit", "review"] {
        let out = new(&site, &[kind, "--date", "2025-03-01"]);
        assert!(out.status.success(), "{kind}: {}", lossy(&out.stderr));
    }
    site.assert_clean();
}

#[test]
fn new_review_has_every_input_heading_and_the_open_actions() {
    let site = Site::new(&[("content/actions/A-1.md", ACTION)]);
    let out = new(&site, &["review", "MR-9", "--date", "2025-06-30"]);
    assert!(out.status.success(), "{}", lossy(&out.stderr));
    let text = std::fs::read_to_string(site.path("content/reviews/MR-9.md")).unwrap();
    for key in ["previous-actions", "issues", "interested-parties", "nonconformities", "audits", "risk", "improvement"]
    {
        assert!(text.contains(&format!("{{#{key}}}")), "heading for {key}: {text}");
    }
    assert!(text.contains("- [[A-1]], due 2025-12-01, IT"), "{text}");
    site.assert_clean();
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
