//! `quorum build`: line endings and BOMs do not change the output, records in sub-folders and
//! folder records with attachments, reproducible output, and the `SHA256SUMS` manifest that
//! `quorum verify` checks.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::support::{Site, assert_same_tree, assert_success, links_to, lossy, quorum};

const REVIEW: &str = r#"+++
title = "Management review 2025"
date = 2025-06-18
status = "approved"
chair = "Ann Chair"
approved_by = "The Board"
approved_on = 2025-06-25
climate_relevant = false

[[attendees]]
name = "Ann Chair"
role = "CEO"
top_management = true

[conclusion]
suitable = true
adequate = true
effective = true
rationale = "Works."

[[decisions]]
id = "D1"
text = "Encrypt every laptop"
kind = "improvement"
inputs = ["risk"]
actions = ["A-1"]

[[decisions]]
id = "D2"
text = "No change to the ISMS is needed"
kind = "isms_change"
+++
## Status of actions from previous reviews {#previous-actions}

[[A-1]] was agreed. The [attendance list](attendance.csv) is attached.

## Risk {#risk}

| Risk | Level |
|------|-------|
| Laptop loss | High |
"#;

const ACTION_SUB: &str = r#"+++
title = "Encrypt laptops"
owner = "IT Lead"
raised = 2025-06-18
due = 2025-12-01
origin = "MR-1#D1"

[[updates]]
date = 2025-09-01
note = "Half done"
+++
Roll out full-disk encryption. See [[scope]] and [[NC-1]].

- [x] pilot
- [ ] everyone
"#;

const NC: &str = r#"+++
title = "Unencrypted laptop lost"
raised = 2025-05-02
severity = "minor"
source = "incident"
audit = "IA-1"
actions = ["A-1"]
+++
A laptop was lost on a train.
"#;

const AUDIT: &str = "+++\ntitle = \"Internal audit 2025\"\nkind = \"internal\"\nstart = 2025-04-01\nend = 2025-04-03\n+++\nScope: everything.\n";

const OBJECTIVE: &str = "+++\ntitle = \"Encrypted laptops\"\nunit = \"%\"\ntarget = 100.0\namber = 90.0\ndirection = \"higher_better\"\n\n[[measurements]]\ndate = 2025-09-30\nvalue = 55.0\n+++\n";

const PAGE: &str =
    "+++\ntitle = \"Scope\"\nweight = 1\n+++\n# Scope\n\nThe whole company.\n\n> [!NOTE]\n> Including the warehouse.\n";

const HOME: &str = "+++\ntitle = \"Welcome\"\n+++\nOur ISMS records. Start with [[MR-1]].\n";

const ATTENDANCE: &[u8] = b"name,present\r\nAnn Chair,yes\r\n";

/// The text files of the fixture (the attachment is added separately, byte for byte).
fn text_files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("site.toml", "title = \"T\"\norganization = \"Org\"\nas_of = 2025-12-31\n"),
        ("content/_index.md", HOME),
        ("content/reviews/MR-1/index.md", REVIEW),
        ("content/actions/2025/A-1.md", ACTION_SUB),
        ("content/nonconformities/NC-1.md", NC),
        ("content/audits/IA-1.md", AUDIT),
        ("content/objectives/OBJ-1.md", OBJECTIVE),
        ("content/pages/scope.md", PAGE),
    ]
}

fn fixture() -> Site {
    let site = Site::new(&text_files());
    site.write_bytes("content/reviews/MR-1/attendance.csv", ATTENDANCE);
    site
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn bom_and_crlf_give_byte_identical_output() {
    let lf = fixture();
    let crlf = Site::new(&[]);
    for (path, text) in text_files() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
        crlf.write_bytes(path, &bytes);
    }
    crlf.write_bytes("content/reviews/MR-1/attendance.csv", ATTENDANCE);
    crlf.assert_clean();
    let a = lf.build_ok(&[]);
    let b = crlf.build_ok(&[]);
    // The About page's source digest is over the files' bytes, which differ, and so does the
    // manifest that lists it; everything else is the same.
    let pages = |t: std::collections::BTreeMap<String, Vec<u8>>| {
        t.into_iter().filter(|(p, _)| p != "about/index.html" && p != "SHA256SUMS").collect()
    };
    assert_same_tree(&pages(a.tree()), &pages(b.tree()));
    assert_ne!(a.read("about/index.html"), b.read("about/index.html"));
    for (path, bytes) in a.tree() {
        if path.ends_with(".html") {
            assert!(!bytes.contains(&b'\r'), "{path} contains a carriage return");
            assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "{path} starts with a BOM");
        }
    }
}

#[test]
fn build_writes_a_page_per_record_and_a_summary() {
    let site = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("site");
    let o = site.build(&out, &[]);
    assert_success(&o, "build");
    assert_eq!(o.status.code(), Some(0));
    let stdout = lossy(&o.stdout);
    assert!(stdout.starts_with("Built 6 records"), "summary line: {stdout}");
    // A summary line, then the digest of the manifest to send by another channel.
    assert_eq!(stdout.lines().count(), 2, "a summary and the manifest's digest: {stdout}");
    let sums = crate::support::sha256_file(&out.join("SHA256SUMS"));
    assert_eq!(stdout.lines().nth(1).and_then(|l| l.split_whitespace().nth(3)), Some(sums.as_str()), "{stdout}");
    for page in [
        "index.html",
        "actions/index.html",
        "actions/A-1/index.html",
        "reviews/index.html",
        "reviews/MR-1/index.html",
        "nonconformities/index.html",
        "nonconformities/NC-1/index.html",
        "objectives/OBJ-1/index.html",
        "audits/IA-1/index.html",
        "scope/index.html",
        "exports/site.json",
        "SHA256SUMS",
        ".quorum-output",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    // A record in a sub-folder keeps a flat permalink.
    assert!(!out.join("actions/2025").exists(), "sub-folders only group: no actions/2025/ in the output");
}

#[test]
fn default_output_folder_is_public_in_the_site() {
    let site = fixture();
    let o = crate::support::quorum_in(site.root(), &["build"]);
    assert_success(&o, "build");
    assert!(site.path("public/actions/A-1/index.html").is_file());
    assert!(site.path("public/.quorum-output").is_file());
}

#[test]
fn folder_record_attachment_is_copied_beside_its_page() {
    let built = fixture().build_ok(&[]);
    let copied = std::fs::read(built.out.join("reviews/MR-1/attendance.csv")).expect("attachment copied");
    assert_eq!(copied, ATTENDANCE, "attachments are copied byte for byte");
    let html = built.read("reviews/MR-1/index.html");
    let hrefs: Vec<String> =
        crate::support::urls(&html).into_iter().filter(|u| u.ends_with("attendance.csv")).collect();
    assert!(!hrefs.is_empty(), "the minutes link the attachment: {html}");
    for href in hrefs {
        assert!(!href.starts_with('/'), "relative: {href}");
        let target = built.out.join("reviews/MR-1").join(&href);
        assert_eq!(
            std::fs::canonicalize(&target).ok(),
            std::fs::canonicalize(built.out.join("reviews/MR-1/attendance.csv")).ok(),
            "the link `{href}` leads to the copied attachment"
        );
    }
    // The attachment is not also published somewhere else.
    let elsewhere: Vec<String> = built
        .tree()
        .into_keys()
        .filter(|p| p.ends_with("attendance.csv") && p != "reviews/MR-1/attendance.csv")
        .collect();
    assert!(elsewhere.is_empty(), "{elsewhere:?}");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = fixture();
    let a = site.build_ok(&[]);
    let b = site.build_ok(&[]);
    assert_same_tree(&a.tree(), &b.tree());
}

#[test]
fn two_builds_of_the_example_site_are_byte_identical() {
    let site = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let o = quorum(&["build", "--root", site, "--output-dir", out.to_str().expect("UTF-8")]);
        assert_success(&o, "build of the example site");
    }
    assert_same_tree(&crate::support::tree(&a), &crate::support::tree(&b));
}

#[test]
fn sha256sums_lists_every_file_but_the_marker_sorted() {
    let built = fixture().build_ok(&[]);
    let tree = built.tree();
    let sums = built.read("SHA256SUMS");
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    let mut order = Vec::new();
    for line in sums.lines() {
        let (hex, path) = line.split_once("  ").unwrap_or_else(|| panic!("`<hex>  <path>` expected: {line:?}"));
        assert_eq!(hex.len(), 64, "{line}");
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "lower-case hex: {line}");
        order.push(path.to_string());
        listed.insert(path.to_string(), hex.to_string());
    }
    assert!(sums.ends_with('\n') && !sums.contains('\r'));
    let mut sorted = order.clone();
    sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    assert_eq!(order, sorted, "sorted by byte order of the path");
    let expected: Vec<&String> = tree.keys().filter(|p| *p != ".quorum-output" && *p != "SHA256SUMS").collect();
    assert_eq!(listed.keys().collect::<Vec<_>>(), expected, "every file but the marker (and the manifest)");
    for (path, hex) in &listed {
        assert_eq!(&sha256_hex(&tree[path]), hex, "digest of {path}");
    }
}

#[test]
fn sha256sums_is_accepted_by_sha256sum() {
    let built = fixture().build_ok(&[]);
    let Ok(o) =
        std::process::Command::new("sha256sum").args(["-c", "--quiet", "SHA256SUMS"]).current_dir(&built.out).output()
    else {
        eprintln!("sha256sum is not installed; skipped");
        return;
    };
    assert_success(&o, "sha256sum -c SHA256SUMS");
}

fn verify(dir: &std::path::Path) -> (i32, String) {
    let o = quorum(&["verify", dir.to_str().expect("UTF-8")]);
    (o.status.code().expect("exit code"), lossy(&o.stdout) + &lossy(&o.stderr))
}

#[test]
fn verify_passes_on_a_fresh_build() {
    let built = fixture().build_ok(&[]);
    let (code, out) = verify(&built.out);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn verify_fails_on_a_modified_file() {
    let built = fixture().build_ok(&[]);
    let page = built.out.join("actions/A-1/index.html");
    let mut html = std::fs::read(&page).expect("read");
    html.extend_from_slice(b"<!-- edited -->");
    std::fs::write(&page, html).expect("write");
    let (code, out) = verify(&built.out);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("actions/A-1/index.html"), "names the file: {out}");
}

#[test]
fn verify_fails_on_a_removed_file() {
    let built = fixture().build_ok(&[]);
    std::fs::remove_file(built.out.join("reviews/MR-1/attendance.csv")).expect("remove");
    let (code, out) = verify(&built.out);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("reviews/MR-1/attendance.csv"), "names the file: {out}");
}

#[test]
fn verify_fails_on_an_added_file() {
    let built = fixture().build_ok(&[]);
    std::fs::write(built.out.join("actions/planted.html"), "<p>hi</p>").expect("write");
    let (code, out) = verify(&built.out);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("actions/planted.html"), "names the file: {out}");
}

#[test]
fn verify_of_a_folder_without_manifest_is_an_io_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out) = verify(dir.path());
    assert_eq!(code, 2, "{out}");
}

#[test]
fn pages_render_markdown_features() {
    let built = fixture().build_ok(&[]);
    let review = built.read("reviews/MR-1/index.html");
    assert!(review.contains("<table>"), "GFM tables render");
    assert!(review.contains("id=\"previous-actions\""), "explicit heading ids are kept");
    let action = built.read("actions/A-1/index.html");
    assert!(action.contains("type=\"checkbox\"") && action.contains("aria-label="), "task list items are labelled");
    let scope = built.read("scope/index.html");
    assert!(scope.contains("alert"), "GFM alerts render as alerts: {scope}");
    assert!(!scope.contains("[!NOTE]"));
    // The home page introduces the site and links the review.
    let home = built.read("index.html");
    assert!(!links_to(&home, "reviews/MR-1/index.html").is_empty(), "{home}");
}
