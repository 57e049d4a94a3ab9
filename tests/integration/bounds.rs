//! Diagnostics stay bounded whatever the content: a snippet is a window of its line, at most
//! 50 problems of a file are listed and the rest counted, the counts and the exit code stay
//! true, and the human format shows control characters from the content as escapes.

use crate::support::{ACTION, Site, lossy, quorum_in};

/// An action whose body is one line of `n` links to unknown IDs.
fn unknown_links(n: usize) -> String {
    let links: Vec<String> = (0..n).map(|i| format!("[[NOPE-{i}]]")).collect();
    ACTION.replace("Roll out disk encryption.", &links.join(" "))
}

#[test]
fn a_line_of_100000_unknown_links_lists_50_and_counts_the_rest() {
    let site = Site::new(&[
        ("content/actions/A-1.md", &unknown_links(100_000)),
        ("content/actions/A-2.md", &ACTION.replace("owner = \"IT\"", "owner = 3")),
    ]);
    let o = quorum_in(site.root(), &["check"]);
    let stderr = lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{}", &stderr[stderr.len().saturating_sub(2000)..]);
    assert!(o.stdout.len() + o.stderr.len() < 100_000, "{} bytes of output", o.stdout.len() + o.stderr.len());
    assert_eq!(stderr.matches("error[unknown-id]").count(), 50);
    assert!(stderr.contains("error[more-diagnostics]: and 99950 more in this file (99950 errors, 0 warnings)\n --> content/actions/A-1.md:7:"), "{stderr}");
    assert!(stderr.contains("error[wrong-type]"), "the other file's error is listed too:\n{stderr}");
    assert!(stderr.ends_with("error: 100001 errors, 0 warnings\n"), "{}", &stderr[stderr.len() - 300..]);
    let longest = stderr.lines().map(str::len).max().unwrap_or(0);
    assert!(longest < 600, "a snippet line of {longest} bytes");

    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let a1: Vec<_> = diags.iter().filter(|d| d.file == "content/actions/A-1.md").collect();
    assert_eq!(a1.len(), 51);
    let more = a1.last().expect("entries");
    assert_eq!((more.code.as_str(), more.severity.as_str()), ("more-diagnostics", "error"), "{more:?}");
    assert_eq!(more.message, "and 99950 more in this file (99950 errors, 0 warnings)");
    assert!(diags.iter().any(|d| d.file == "content/actions/A-2.md" && d.code == "wrong-type"));
}

#[test]
fn build_fails_and_counts_every_error_of_a_capped_file() {
    let site = Site::new(&[("content/actions/A-1.md", &unknown_links(300))]);
    let out = site.path("public");
    let o = site.build(&out, &[]);
    let stderr = lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("error[unknown-id]").count(), 50, "{stderr}");
    assert!(stderr.contains("error: 300 errors, 0 warnings"), "{stderr}");
    assert!(!out.exists(), "nothing was written");
}

#[test]
fn control_characters_in_content_are_shown_escaped() {
    let body = "\u{1b}[2J\u{1b}[31mfake\u{202e}txt [[NOPE-1]] \u{7}";
    let site = Site::new(&[("content/actions/A-1.md", &ACTION.replace("Roll out disk encryption.", body))]);
    let o = quorum_in(site.root(), &["check"]);
    let stderr = lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains(['\u{1b}', '\u{7}', '\u{202e}']), "raw control characters: {stderr:?}");
    let shown = "\\u{1b}[2J\\u{1b}[31mfake\\u{202e}txt [[NOPE-1]] \\u{7}";
    assert!(stderr.contains(&format!("7 | {shown}\n")), "{stderr}");
    // The caret stays under the link, past the escapes.
    let at = shown.find("[[NOPE-1]]").expect("link");
    assert!(stderr.contains(&format!("  | {}{}\n", " ".repeat(at), "^".repeat(10))), "{stderr}");
}
