//! Output safety: a failed build leaves the previous output as it was; a folder quorum did not
//! create is not replaced without `--force`; the site's own folders are never the output.

use crate::support::{ACTION, Site, assert_same_tree, assert_success, lossy, tree};

fn site() -> Site {
    Site::new(&[
        ("content/actions/A-1.md", ACTION),
        ("content/pages/notes.md", "+++\ntitle = \"About\"\n+++\nSee [[A-1]].\n"),
    ])
}

/// Names in a folder, sorted (to see staging leftovers beside the output).
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into())
        .collect();
    v.sort();
    v
}

#[test]
fn failed_build_leaves_the_previous_output_untouched() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    assert_success(&site.build(&out, &[]), "first build");
    let before = tree(&out);
    assert!(before.contains_key("actions/A-1/index.html"));

    site.write("content/actions/A-1.md", "+++\ntitle = \"Broken\"\nowner = 3\n+++\n");
    site.write("content/actions/A-2.md", ACTION);
    let o = site.build(&out, &[]);
    assert_eq!(o.status.code(), Some(1), "content errors exit 1: {}", lossy(&o.stderr));
    assert_same_tree(&before, &tree(&out));
    assert_eq!(names(parent.path()), [".public.quorum-cache", "public"], "no staging folder is left behind");
    assert_eq!(names(&parent.path().join(".public.quorum-cache")), ["pages"], "the index of the first build's pages");
}

#[test]
fn failed_build_with_force_leaves_the_previous_output_untouched() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    assert_success(&site.build(&out, &[]), "first build");
    let before = tree(&out);
    site.write("content/pages/notes.md", "+++\ntitle = \"About\"\n+++\nSee [[A-404]].\n");
    let o = site.build(&out, &["--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert_same_tree(&before, &tree(&out));
}

#[test]
fn rebuild_replaces_the_previous_output_whole() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    assert_success(&site.build(&out, &[]), "first build");
    std::fs::write(out.join("stale.html"), "old").expect("write");
    std::fs::remove_file(site.path("content/pages/notes.md")).expect("remove");
    assert_success(&site.build(&out, &[]), "second build");
    assert!(!out.join("stale.html").exists(), "files of the previous build are gone");
    assert!(!out.join("notes/index.html").exists(), "pages of removed records are gone");
    assert!(out.join("actions/A-1/index.html").is_file());
    assert_eq!(names(parent.path()), [".public.quorum-cache", "public"], "no staging or old folder is left behind");
    // The third build starts from the spare, the first output, which still has both.
    assert!(parent.path().join(".public.quorum-cache/spare/stale.html").is_file());
    assert_success(&site.build(&out, &[]), "third build");
    assert!(!out.join("stale.html").exists() && !out.join("notes").exists(), "nor are they back");
    assert_eq!(names(parent.path()), [".public.quorum-cache", "public"]);
}

#[test]
fn refuses_to_replace_a_folder_quorum_did_not_create() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    std::fs::create_dir_all(out.join("docs")).expect("mkdir");
    std::fs::write(out.join("keep.txt"), "precious").expect("write");
    std::fs::write(out.join("docs/notes.md"), "notes").expect("write");
    let before = tree(&out);

    let o = site.build(&out, &[]);
    assert!(!o.status.success(), "must refuse without --force");
    assert_eq!(o.status.code(), Some(2), "an I/O refusal is exit 2");
    let stderr = lossy(&o.stderr);
    assert!(stderr.contains("--force"), "says how to override: {stderr}");
    assert_same_tree(&before, &tree(&out));
    assert_eq!(names(parent.path()), ["public"], "nothing written beside it");

    let o = site.build(&out, &["--force"]);
    assert_success(&o, "build --force");
    assert!(!out.join("keep.txt").exists(), "--force replaces the folder");
    assert!(out.join(".quorum-output").is_file() && out.join("actions/A-1/index.html").is_file());
    // From now on the folder is quorum's: no --force needed.
    assert_success(&site.build(&out, &[]), "rebuild");
}

#[test]
fn an_empty_existing_folder_is_used() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    std::fs::create_dir(&out).expect("mkdir");
    assert_success(&site.build(&out, &[]), "build into an empty folder");
    assert!(out.join("index.html").is_file());
}

#[test]
fn refuses_an_output_folder_inside_content() {
    let site = site();
    let out = site.path("content/public");
    let o = site.build(&out, &["--force"]);
    assert!(!o.status.success(), "writing into content/ must be refused");
    assert!(!out.exists());
    assert!(site.path("content/actions/A-1.md").is_file());
}

#[test]
fn refuses_the_site_root_as_output_even_with_force() {
    let site = site();
    let before = tree(site.root());
    let o = site.build(site.root(), &["--force"]);
    assert!(!o.status.success(), "replacing the site itself must be refused");
    assert_same_tree(&before, &tree(site.root()));
}

/// The inode of a file (to see that a rebuild kept it rather than writing it again).
fn inode(path: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).expect("metadata").ino()
}

#[test]
fn a_rebuild_writes_only_what_changed_and_equals_a_cold_build() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    assert_success(&site.build(&out, &[]), "first build");
    let page = out.join("notes/index.html");
    let kept = inode(&page);
    // One edit: the action's page (and the lists and exports that show it) change.
    site.write(
        "content/actions/A-1.md",
        &ACTION.replace("Roll out disk encryption.", "Roll out disk encryption to every laptop."),
    );
    let o = site.build(&out, &[]);
    assert_success(&o, "rebuild");
    let summary = lossy(&o.stdout);
    assert!(summary.contains(" unchanged"), "{summary}");
    assert_eq!(inode(&page), kept, "an unchanged page is the previous output's file, linked");
    // Byte for byte what a cold build into a fresh folder writes.
    let cold = parent.path().join("cold");
    assert_success(&site.build(&cold, &[]), "cold build");
    assert_same_tree(&tree(&cold), &tree(&out));
    assert_eq!(
        names(parent.path()),
        [".cold.quorum-cache", ".public.quorum-cache", "cold", "public"],
        "no staging or old folder is left behind; the previous output is kept as the spare"
    );
    assert_eq!(names(&parent.path().join(".public.quorum-cache")), ["pages", "spare"]);
    // A cold build keeps only the index of its pages beside its output.
    assert_eq!(names(&parent.path().join(".cold.quorum-cache")), ["pages"]);
}

/// The third build brings the spare (the output before the previous one) up to date instead
/// of staging every file afresh: an unchanged page keeps its file, and whatever was done to
/// the spare or the live output meanwhile (edits in place, replaced files, links out of the
/// folder, extra files and folders) is undone, never followed.
#[test]
fn later_rebuilds_bring_the_spare_up_to_date_and_trust_nothing_in_it() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    let spare = parent.path().join(".public.quorum-cache/spare");
    assert_success(&site.build(&out, &[]), "first build");
    let page = out.join("notes/index.html");
    let kept = inode(&page);
    site.write("content/actions/A-1.md", &ACTION.replace("Roll out disk encryption.", "Encrypt disks."));
    assert_success(&site.build(&out, &[]), "second build");
    assert_eq!(inode(&page), kept, "an unchanged page is linked");
    assert!(spare.join("notes/index.html").is_file(), "the first output is the spare");

    // Tamper with both. The live page shares its file with the spare's copy: edit it in place.
    let good = std::fs::read(&page).expect("read");
    let mut bad = good.clone();
    let at = bad.iter().position(|b| *b == b'A').expect("an A");
    bad[at] = b'B';
    std::fs::write(&page, &bad).expect("tamper");
    let outside = parent.path().join("outside");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::write(outside.join("index.html"), "keep me").expect("write");
    // In the spare: a page folder turned into a link out of the folder, a page turned into a
    // link to a file outside, an extra file and an extra folder.
    let owners = spare.join("owners");
    std::fs::remove_dir_all(&owners).expect("remove");
    std::os::unix::fs::symlink(&outside, &owners).expect("symlink");
    let action = spare.join("actions/A-1/index.html");
    std::fs::remove_file(&action).expect("remove");
    std::os::unix::fs::symlink(outside.join("index.html"), &action).expect("symlink");
    std::fs::write(spare.join("extra.html"), "extra").expect("write");
    std::fs::create_dir_all(spare.join("extra/deeper")).expect("mkdir");

    site.write("content/actions/A-1.md", &ACTION.replace("Roll out disk encryption.", "Encrypt every disk."));
    let o = site.build(&out, &[]);
    assert_success(&o, "third build");
    assert!(lossy(&o.stdout).contains(" unchanged"), "{}", lossy(&o.stdout));
    assert_eq!(std::fs::read(&page).expect("read"), good, "the tampered page is written afresh");
    assert_eq!(std::fs::read_to_string(outside.join("index.html")).expect("read"), "keep me", "links are not followed");
    assert_eq!(names(&outside), ["index.html"]);
    let cold = parent.path().join("cold");
    assert_success(&site.build(&cold, &[]), "cold build");
    assert_same_tree(&tree(&cold), &tree(&out));

    // A fourth build, untampered: the page that never changed is still the first build's file.
    site.write("content/actions/A-1.md", ACTION);
    assert_success(&site.build(&out, &[]), "fourth build");
    let fifth = site.build(&out, &[]);
    assert_success(&fifth, "fifth build");
    assert!(lossy(&fifth.stdout).contains("wrote 0 files"), "{}", lossy(&fifth.stdout));
    assert_ne!(inode(&page), kept, "the tampered page was replaced by a new file");
    let untouched = out.join("objectives/index.html");
    let first = inode(&untouched);
    site.write("content/actions/A-1.md", &ACTION.replace("Roll out disk encryption.", "Encrypt disks."));
    assert_success(&site.build(&out, &[]), "sixth build");
    assert_eq!(inode(&untouched), first, "a page no build changed keeps its file");
    let cold = parent.path().join("cold2");
    assert_success(&site.build(&cold, &[]), "cold build");
    assert_same_tree(&tree(&cold), &tree(&out));
}

#[test]
fn a_tampered_file_in_the_previous_output_does_not_survive_a_rebuild() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    assert_success(&site.build(&out, &[]), "first build");
    let page = out.join("notes/index.html");
    let good = std::fs::read(&page).expect("read");
    // Same length, one byte different: a size check alone would keep it.
    let mut bad = good.clone();
    let at = bad.iter().position(|b| *b == b'A').expect("an A");
    bad[at] = b'B';
    std::fs::write(&page, &bad).expect("tamper");
    // And a file replaced by a symbolic link to a copy of the right bytes.
    let action = out.join("actions/A-1/index.html");
    let copy = parent.path().join("copy.html");
    std::fs::copy(&action, &copy).expect("copy");
    std::fs::remove_file(&action).expect("remove");
    std::os::unix::fs::symlink(&copy, &action).expect("symlink");
    assert_success(&site.build(&out, &[]), "rebuild");
    assert_eq!(std::fs::read(&page).expect("read"), good, "the page is written afresh");
    let meta = std::fs::symlink_metadata(&action).expect("metadata");
    assert!(meta.file_type().is_file(), "a symbolic link in the previous output is not carried over");
    let cold = parent.path().join("cold");
    assert_success(&site.build(&cold, &[]), "cold build");
    assert_same_tree(&tree(&cold), &tree(&out));
}
