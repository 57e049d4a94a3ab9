//! Provenance (DESIGN §9, docs/provenance.md): record pages list the commits that changed
//! their files, the approval commit marked; the About page and every footer name the source
//! commit; a shallow clone, uncommitted changes or no git are said plainly and never fail the
//! build; the same commit gives the same bytes.

use std::path::Path;
use std::process::Command;

use crate::support::{Site, assert_success, lossy, quorum_in, tree};

const HELD: &str =
    "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"held\"\nchair = \"Ann\"\n+++\n## Notes\n\nWe met.\n";
const A1: &str = "+++\ntitle = \"Encrypt\"\nowner = \"IT\"\nraised = 2025-06-01\ndue = 2025-12-31\n+++\nBody.\n";

/// Runs git in `dir` with a fixed identity and the given author date; false when git is
/// not installed.
fn git(dir: &Path, args: &[&str], author: (&str, &str)) -> bool {
    let Ok(out) = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", author.0)
        .env("GIT_AUTHOR_EMAIL", "a@example.org")
        .env("GIT_COMMITTER_NAME", author.0)
        .env("GIT_COMMITTER_EMAIL", "a@example.org")
        .env("GIT_AUTHOR_DATE", author.1)
        .env("GIT_COMMITTER_DATE", author.1)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
    else {
        return false;
    };
    assert!(out.status.success(), "git {args:?}: {}", lossy(&out.stderr));
    true
}

fn commit(dir: &Path, message: &str, author: (&str, &str)) {
    git(dir, &["add", "-A"], author);
    git(dir, &["commit", "-q", "-m", message], author);
}

/// A site in a git repository (the site in a subfolder `governance/`, as in a monorepo) with
/// four commits: records added, the action edited, the review approved, a page added.
/// `None` when git is missing.
fn repo() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let dir = tempfile::Builder::new().prefix("quorum-git-").tempdir().unwrap();
    let root = dir.path().join("governance");
    let site = Site::new(&[("content/reviews/MR-1.md", HELD), ("content/actions/A-1.md", A1)]);
    copy_tree(site.root(), &root);
    if !git(dir.path(), &["init", "-q", "-b", "main"], ("Ann", "2025-06-01T09:00:00+01:00")) {
        return None;
    }
    commit(dir.path(), "Add the June review and A-1", ("Ann Author", "2025-06-19T09:00:00+01:00"));
    std::fs::write(root.join("content/actions/A-1.md"), A1.replace("Body.", "Body, revised.")).unwrap();
    commit(dir.path(), "Revise A-1", ("Bob Builder", "2025-07-02T23:30:00-07:00"));
    let o = quorum_in(&root, &["approve", "MR-1", "--by", "Ann", "--on", "2025-06-25"]);
    assert_success(&o, "approve");
    commit(dir.path(), "Approve the June minutes", ("Ann Author", "2025-07-10T10:00:00+00:00"));
    std::fs::write(root.join("content/actions/A-1.md"), A1.replace("Body.", "Body, final.")).unwrap();
    commit(dir.path(), "Finish A-1", ("Bob Builder", "2025-08-01T10:00:00+00:00"));
    Some((dir, root))
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in tree(from) {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn build(root: &Path, args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("public");
    let o =
        quorum_in(root, &[&["build", "--output-dir", out.to_str().unwrap(), "--as-of", "2025-12-01"], args].concat());
    assert_success(&o, "build");
    (out_dir, out, lossy(&o.stdout))
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap()
}

/// The rows of a page's History table as "date | author | change | commit" text.
fn history_rows(html: &str) -> Vec<String> {
    let Some(at) = html.find("id=\"q-history\"") else { return Vec::new() };
    let table = &html[at..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|c| {
                    let mut text = String::new();
                    let mut tag = false;
                    for ch in c[c.find('>').unwrap() + 1..].chars() {
                        match ch {
                            '<' => tag = true,
                            '>' => tag = false,
                            _ if !tag => text.push(ch),
                            _ => {}
                        }
                    }
                    text.trim().to_string()
                })
                .collect();
            cells.join(" | ")
        })
        .collect()
}

#[test]
fn record_pages_list_the_commits_that_changed_them_newest_first() {
    let Some((_dir, root)) = repo() else {
        eprintln!("git is not installed; skipped");
        return;
    };
    let (_o, out, _) = build(&root, &[]);
    let action = history_rows(&read(&out, "actions/A-1/index.html"));
    assert_eq!(action.len(), 3, "{action:?}");
    assert!(action[0].starts_with("2025-08-01 | Bob Builder | Finish A-1 | "), "{action:?}");
    // The author's own date: 23:30 at -07:00 is still 2 July.
    assert!(action[1].starts_with("2025-07-02 | Bob Builder | Revise A-1 | "), "{action:?}");
    assert!(action[2].starts_with("2025-06-19 | Ann Author | Add the June review and A-1 | "), "{action:?}");
    let review = history_rows(&read(&out, "reviews/MR-1/index.html"));
    assert_eq!(review.len(), 2, "{review:?}");
    assert!(review[0].contains("Approve the June minutes") && review[0].ends_with("approval sealed"), "{review:?}");
    assert!(!review[1].contains("approval sealed"));
}

#[test]
fn the_about_page_and_every_footer_name_the_source_commit_and_digest() {
    let Some((dir, root)) = repo() else { return };
    let head = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(dir.path()).output().unwrap();
    let head = lossy(&head.stdout).trim().to_string();
    let (_o, out, stdout) = build(&root, &[]);
    let about = read(&out, "about/index.html");
    assert!(about.contains(&head), "{about}");
    assert!(!about.contains("uncommitted changes"), "{about}");
    assert!(about.contains("sha256:") && about.contains("sha256sum -c SHA256SUMS"), "{about}");
    assert!(about.contains("quorum build --as-of 2025-12-01 --audience internal"), "{about}");
    let home = read(&out, "index.html");
    assert!(home.contains(&format!("source <code>{}</code>", &head[..12])), "{home}");
    assert!(home.contains("about/index.html"));
    // The build prints the digest of SHA256SUMS, which matches the written file.
    let sums = crate::support::sha256_file(&out.join("SHA256SUMS"));
    assert!(stdout.contains(&format!("SHA-256 of SHA256SUMS: {sums}")), "{stdout}");
}

#[test]
fn the_same_commit_gives_the_same_bytes_and_changes_are_stated() {
    let Some((_dir, root)) = repo() else { return };
    let (_a, first, _) = build(&root, &[]);
    let (_b, second, _) = build(&root, &[]);
    crate::support::assert_same_tree(&tree(&first), &tree(&second));
    // An uncommitted edit is said on the record and in the footer, and changes the digest.
    let digest = |out: &Path| {
        let about = read(out, "about/index.html");
        let at = about.find("sha256:").unwrap();
        about[at..at + 71].to_string()
    };
    std::fs::write(root.join("content/actions/A-1.md"), A1.replace("Body.", "Body, uncommitted.")).unwrap();
    let (_c, dirty, _) = build(&root, &[]);
    let action = read(&dirty, "actions/A-1/index.html");
    assert!(action.contains("Not committed."), "{action}");
    assert!(!read(&dirty, "reviews/MR-1/index.html").contains("Not committed."));
    assert!(read(&dirty, "index.html").contains("with uncommitted changes"));
    assert_ne!(digest(&first), digest(&dirty));
}

#[test]
fn no_history_leaves_the_section_out_and_keeps_the_source_commit() {
    let Some((_dir, root)) = repo() else { return };
    let (_o, out, _) = build(&root, &["--no-history"]);
    let action = read(&out, "actions/A-1/index.html");
    assert!(!action.contains("q-history"), "{action}");
    assert!(read(&out, "index.html").contains("source <code>"));
}

#[test]
fn an_auditor_edition_leaves_commit_messages_out() {
    let Some((_dir, root)) = repo() else { return };
    let (_o, out, _) = build(&root, &["--audience", "auditor"]);
    let action = read(&out, "actions/A-1/index.html");
    let rows = history_rows(&action);
    assert_eq!(rows.len(), 3);
    assert!(!action.contains("Revise A-1") && action.contains("Commit messages are left out"), "{action}");
}

#[test]
fn a_shallow_clone_or_no_git_is_stated_and_builds() {
    let Some((dir, _root)) = repo() else { return };
    let clone = dir.path().join("clone");
    let url = format!("file://{}", dir.path().display());
    assert!(git(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
        ("Ann", "2025-09-01T00:00:00Z")
    ));
    let (_o, out, _) = build(&clone.join("governance"), &[]);
    let action = read(&out, "actions/A-1/index.html");
    assert!(action.contains("History not available: this is a shallow clone"), "{action}");
    assert!(read(&out, "about/index.html").contains("Not available: this is a shallow clone"));
    // No git at all.
    let s = Site::new(&[("content/actions/A-1.md", A1)]);
    let built = s.build_ok(&["--as-of", "2025-12-01"]);
    assert!(
        built.read("actions/A-1/index.html").contains("History not available: the site is not in a git repository")
    );
}
