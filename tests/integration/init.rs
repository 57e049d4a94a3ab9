//! `quorum init DIR`: a new working site from the embedded example.

use crate::support::{assert_success, lossy, quorum, quorum_in};

#[test]
fn init_creates_a_site_that_checks_and_builds() {
    let parent = tempfile::tempdir().expect("tempdir");
    let dir = parent.path().join("isms");
    let o = quorum(&["init", dir.to_str().expect("UTF-8")]);
    assert_success(&o, "init");
    assert!(dir.join("site.toml").is_file() && dir.join("content").is_dir());

    let o = quorum_in(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(0), "check of a new site:\n{}", lossy(&o.stderr));

    let o = quorum_in(&dir, &["build"]);
    assert_success(&o, "build of a new site");
    assert!(lossy(&o.stdout).starts_with("Built "), "{}", lossy(&o.stdout));
    assert!(dir.join("public/index.html").is_file());
    let o = quorum(&["verify", dir.join("public").to_str().expect("UTF-8")]);
    assert_success(&o, "verify of the new site's build");
}

#[test]
fn init_site_matches_the_example_content() {
    let parent = tempfile::tempdir().expect("tempdir");
    let dir = parent.path().join("isms");
    assert_success(&quorum(&["init", dir.to_str().expect("UTF-8")]), "init");
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let created = crate::support::tree(&dir.join("content"));
    let original = crate::support::tree(&example.join("content"));
    assert_eq!(created.keys().collect::<Vec<_>>(), original.keys().collect::<Vec<_>>(), "same records as the example");
}

#[test]
fn init_into_an_empty_folder_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_success(&quorum(&["init", dir.path().to_str().expect("UTF-8")]), "init into an empty folder");
    assert!(dir.path().join("site.toml").is_file());
}

#[test]
fn init_into_a_non_empty_folder_fails_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let o = quorum(&["init", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(o.status.code(), Some(2), "{}", lossy(&o.stderr));
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("read_dir").collect();
    assert_eq!(left.len(), 1, "nothing was added");
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).expect("read"), "mine");
}
