//! `quorum init DIR`: a new working site, empty but for a planned first review, that judges
//! its records as of today; `quorum init --example DIR`: the embedded example, unpinned.

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

    // What the builds write and keep beside the output stays out of git.
    assert_success(&quorum_in(&dir, &["build"]), "rebuild");
    assert!(dir.join(".public.quorum-cache/spare").is_dir());
    let git = |args: &[&str]| std::process::Command::new("git").args(args).current_dir(&dir).output();
    if git(&["init", "-q"]).is_ok_and(|o| o.status.success()) {
        let status = git(&["status", "--porcelain", "--untracked-files=all"]).expect("git status");
        let listed = lossy(&status.stdout);
        assert!(listed.contains("site.toml") && listed.contains(".gitignore"), "{listed}");
        assert!(!listed.contains("public"), "build output is ignored: {listed}");
    }
}

#[test]
fn init_example_matches_the_example_content_without_its_pinned_date() {
    let parent = tempfile::tempdir().expect("tempdir");
    let dir = parent.path().join("isms");
    assert_success(&quorum(&["init", "--example", dir.to_str().expect("UTF-8")]), "init --example");
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let created = crate::support::tree(&dir.join("content"));
    let original = crate::support::tree(&example.join("content"));
    assert_eq!(created, original, "the example's records, byte for byte");
    let site = std::fs::read_to_string(dir.join("site.toml")).expect("site.toml");
    assert!(!site.lines().any(|l| l.trim_start().starts_with("as_of")), "a new site never pins as_of:\n{site}");
    assert!(site.contains("# as_of = 2026-11-20"), "the example's own date is there to uncomment");
    let o = quorum_in(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", lossy(&o.stderr));
}

#[test]
fn a_new_site_shows_the_action_recorded_today() {
    // init → new action → build: the action, dated today, is on the register and the
    // dashboard, because a new site judges its records as of today.
    let parent = tempfile::tempdir().expect("tempdir");
    let dir = parent.path().join("isms");
    let o = quorum(&["init", dir.to_str().expect("UTF-8")]);
    assert_success(&o, "init");
    let site = std::fs::read_to_string(dir.join("site.toml")).expect("site.toml");
    assert!(!site.lines().any(|l| l.trim_start().starts_with("as_of")), "{site}");
    let reviews: Vec<_> = std::fs::read_dir(dir.join("content/reviews")).expect("reviews").flatten().collect();
    assert_eq!(reviews.len(), 1, "a planned first review");
    let review = std::fs::read_to_string(reviews[0].path()).expect("review");
    assert!(review.contains("status = \"planned\""), "{review}");

    let o = quorum_in(&dir, &["new", "action"]);
    assert_success(&o, "new action");
    let out = lossy(&o.stdout);
    let id = out.split('(').nth(1).and_then(|s| s.split(')').next()).expect("the new ID").to_string();
    let path = dir.join(out.split_whitespace().nth(1).expect("the new file"));
    let text = std::fs::read_to_string(&path).expect("new action");
    let text = text.replacen("title = \"\"", "title = \"Enable disk encryption\"", 1).replacen(
        "owner = \"\"",
        "owner = \"Sam Reid, IT\"",
        1,
    );
    std::fs::write(&path, text).expect("fill in");
    let o = quorum_in(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", lossy(&o.stderr));
    assert!(!lossy(&o.stderr).contains("not shown"), "nothing is left out: {}", lossy(&o.stderr));
    assert_success(&quorum_in(&dir, &["build"]), "build");
    let register = std::fs::read_to_string(dir.join("public/actions/index.html")).expect("register");
    assert!(register.contains(&format!(">{id}</a>")) && register.contains("Enable disk encryption"), "{register}");
    assert!(dir.join(format!("public/actions/{id}/index.html")).is_file());
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
