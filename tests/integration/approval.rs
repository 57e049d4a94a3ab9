//! `quorum approve` seals minutes with `approved_digest` (DESIGN §9): the author's formatting
//! stays, `check` accepts the seal, any later edit (body, front matter, attachment) warns
//! `edited-after-approval`, and the review page says which.

use crate::support::{Site, assert_success, lossy, quorum_in};

/// Held minutes with comments, odd spacing, a table and a body.
const HELD: &str = "+++\n# Minutes of the June meeting -- keep this comment\ntitle   =   \"June review\"   # odd spacing\ndate = 2025-06-18\nstatus = \"held\"\nchair = \"Ann\"\n\n[[attendees]]\nname = \"Ann\"   # the chair\ntop_management = true\n+++\n## Notes\n\nWe met.\n";

fn site() -> Site {
    Site::new(&[("content/reviews/MR-1.md", HELD), ("content/actions/A-1.md", crate::support::ACTION)])
}

fn approve(s: &Site, args: &[&str]) -> std::process::Output {
    quorum_in(s.root(), &[&["approve"], args].concat())
}

fn read(s: &Site, rel: &str) -> String {
    std::fs::read_to_string(s.path(rel)).unwrap()
}

/// Warnings of `check` with this code.
fn warned(s: &Site, code: &str) -> Vec<crate::support::Diag> {
    let (_, diags) = s.check_json(&[]);
    diags.into_iter().filter(|d| d.code == code).collect()
}

#[test]
fn approve_keeps_comments_and_formatting_and_check_accepts_the_seal() {
    let s = site();
    let o = approve(&s, &["MR-1", "--by", "Ann Chair", "--on", "2025-06-25"]);
    assert_success(&o, "approve");
    assert!(lossy(&o.stdout).contains("Approved MR-1 on 2025-06-25 by Ann Chair"), "{}", lossy(&o.stdout));
    let text = read(&s, "content/reviews/MR-1.md");
    for kept in [
        "# Minutes of the June meeting -- keep this comment\n",
        "title   =   \"June review\"   # odd spacing\n",
        "name = \"Ann\"   # the chair\n",
        "+++\n## Notes\n\nWe met.\n",
    ] {
        assert!(text.contains(kept), "lost {kept:?}:\n{text}");
    }
    assert!(text.contains("status = \"approved\"") && !text.contains("\"held\""), "{text}");
    assert!(text.contains("approved_by = \"Ann Chair\"\napproved_on = 2025-06-25\n"), "{text}");
    let digest = text.lines().find_map(|l| l.strip_prefix("approved_digest = \"")).expect("digest line");
    assert!(digest.starts_with("sha256:") && digest.len() == 7 + 64 + 1, "{digest}");
    s.assert_clean();
    assert!(warned(&s, "edited-after-approval").is_empty());
    // The page says the minutes are unchanged.
    let out = s.build_ok(&[]);
    let page = out.read("reviews/MR-1/index.html");
    assert!(page.contains("minutes unchanged since approval"), "{page}");
    assert!(page.contains(&digest[..7 + 12]) && !page.contains("Changed after approval"));
}

#[test]
fn the_digest_is_the_sha256_of_the_file_without_its_digest_line() {
    // What an auditor can recompute with standard tools (docs/approval.md).
    let s = site();
    assert_success(&approve(&s, &["MR-1", "--by", "Ann", "--on", "2025-06-25"]), "approve");
    let text = read(&s, "content/reviews/MR-1.md");
    let digest =
        text.lines().find_map(|l| l.strip_prefix("approved_digest = \"sha256:")).unwrap().trim_end_matches('"');
    let without: String = text.split_inclusive('\n').filter(|l| !l.starts_with("approved_digest")).collect();
    let path = s.path("sealed.txt");
    std::fs::write(&path, without).unwrap();
    let Ok(out) = std::process::Command::new("sha256sum").arg(&path).output() else {
        eprintln!("sha256sum is not installed; skipped");
        return;
    };
    assert_eq!(lossy(&out.stdout).split_whitespace().next(), Some(digest));
}

#[test]
fn every_kind_of_edit_after_approval_warns_at_the_digest_line() {
    type Edit = fn(&str) -> String;
    let edits: [(&str, Edit); 3] = [
        ("body", |t| t.replace("We met.", "We met twice.")),
        ("front matter", |t| t.replace("chair = \"Ann\"", "chair = \"Bob\"")),
        ("comment", |t| t.replace("keep this comment", "keep this remark")),
    ];
    for (what, edit) in edits {
        let s = site();
        assert_success(&approve(&s, &["MR-1", "--by", "Ann", "--on", "2025-06-25"]), "approve");
        let text = read(&s, "content/reviews/MR-1.md");
        let line = text.lines().position(|l| l.starts_with("approved_digest")).unwrap() + 1;
        s.write("content/reviews/MR-1.md", &edit(&text));
        let w = warned(&s, "edited-after-approval");
        assert_eq!(w.len(), 1, "an edit of the {what} must warn: {w:?}");
        assert_eq!(
            (w[0].file.as_str(), w[0].line, w[0].severity.as_str()),
            ("content/reviews/MR-1.md", line, "warning")
        );
        // Under --deny-warnings, CI stops the change.
        let (code, _) = s.check_json(&["--deny-warnings"]);
        assert_eq!(code, 1, "{what}");
        let page = s.build_ok(&[]).read("reviews/MR-1/index.html");
        assert!(page.contains("Changed after approval"), "{what}: {page}");
    }
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_are_kept_and_do_not_matter() {
    let s = site();
    let crlf = format!("\u{feff}{}", HELD.replace('\n', "\r\n"));
    s.write("content/reviews/MR-1.md", &crlf);
    assert_success(&approve(&s, &["MR-1", "--by", "Ann", "--on", "2025-06-25"]), "approve");
    let bytes = std::fs::read(s.path("content/reviews/MR-1.md")).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "the BOM is kept");
    let text = String::from_utf8(bytes).unwrap();
    assert!(!text.replace("\r\n", "").contains('\n'), "every line ends in CRLF: {text:?}");
    assert!(warned(&s, "edited-after-approval").is_empty());
    // Converting the file to LF (a git checkout on another machine) keeps the seal.
    s.write("content/reviews/MR-1.md", &text.trim_start_matches('\u{feff}').replace("\r\n", "\n"));
    assert!(warned(&s, "edited-after-approval").is_empty());
}

#[test]
fn a_folder_review_seals_its_attachments() {
    let s = Site::new(&[
        ("content/reviews/MR-1/index.md", HELD),
        ("content/reviews/MR-1/attendance.csv", "name\nAnn\n"),
        ("content/reviews/MR-1/slides/deck.txt", "slide one\n"),
    ]);
    assert_success(&approve(&s, &["MR-1", "--by", "Ann", "--on", "2025-06-25"]), "approve");
    assert!(warned(&s, "edited-after-approval").is_empty());
    s.write("content/reviews/MR-1/slides/deck.txt", "slide one, revised\n");
    assert_eq!(warned(&s, "edited-after-approval").len(), 1, "an edited attachment breaks the seal");
    s.write("content/reviews/MR-1/slides/deck.txt", "slide one\n");
    assert!(warned(&s, "edited-after-approval").is_empty(), "restored");
    s.write("content/reviews/MR-1/extra.csv", "added\n");
    assert_eq!(warned(&s, "edited-after-approval").len(), 1, "an added attachment breaks the seal");
}

#[test]
fn reseal_after_an_agreed_correction() {
    let s = site();
    assert_success(&approve(&s, &["MR-1", "--by", "Ann", "--on", "2025-06-25"]), "approve");
    let text = read(&s, "content/reviews/MR-1.md");
    s.write("content/reviews/MR-1.md", &text.replace("We met.", "We met (corrected)."));
    assert_eq!(warned(&s, "edited-after-approval").len(), 1);
    // Approving again without --reseal is refused and changes nothing.
    let before = read(&s, "content/reviews/MR-1.md");
    let o = approve(&s, &["MR-1", "--by", "Ann", "--on", "2025-07-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        lossy(&o.stderr).contains("already approved by Ann on 2025-06-25") && lossy(&o.stderr).contains("--reseal")
    );
    assert_eq!(read(&s, "content/reviews/MR-1.md"), before);
    let o = approve(&s, &["MR-1", "--by", "Ann", "--on", "2025-07-01", "--reseal"]);
    assert_success(&o, "reseal");
    assert!(lossy(&o.stdout).starts_with("Re-sealed MR-1"));
    assert!(warned(&s, "edited-after-approval").is_empty());
    let text = read(&s, "content/reviews/MR-1.md");
    assert_eq!(text.matches("approved_digest").count(), 1, "one digest line: {text}");
    assert!(text.contains("approved_on = 2025-07-01"));
}

#[test]
fn approve_refuses_what_it_must_not_seal() {
    // A review with an error in its file.
    let s = site();
    s.write("content/reviews/MR-1.md", &HELD.replace("chair = \"Ann\"", "chair = \"Ann\"\nactions_raised = 3"));
    let o = approve(&s, &["MR-1", "--by", "Ann", "--on", "2025-06-25"]);
    assert_eq!(o.status.code(), Some(1), "{}", lossy(&o.stderr));
    assert!(lossy(&o.stderr).contains("unknown-field"), "{}", lossy(&o.stderr));
    // An unknown review lists the known ones.
    let s = site();
    let o = approve(&s, &["MR-9", "--by", "Ann"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(lossy(&o.stderr).contains("no review `MR-9`") && lossy(&o.stderr).contains("MR-1"), "{}", lossy(&o.stderr));
    // Before the meeting; with an empty name; a planned review; --reseal on unapproved minutes.
    for (args, says) in [
        (&["MR-1", "--by", "Ann", "--on", "2025-06-17"][..], "before the meeting"),
        (&["MR-1", "--by", "  ", "--on", "2025-06-25"][..], "--by needs"),
        (&["MR-1", "--by", "Ann", "--on", "2025-06-25", "--reseal"][..], "not approved yet"),
    ] {
        let o = approve(&s, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(lossy(&o.stderr).contains(says), "{args:?}: {}", lossy(&o.stderr));
        assert_eq!(read(&s, "content/reviews/MR-1.md"), HELD, "nothing written for {args:?}");
    }
    s.write("content/reviews/MR-1.md", &HELD.replace("\"held\"", "\"planned\""));
    let o = approve(&s, &["MR-1", "--by", "Ann", "--on", "2025-06-25"]);
    assert!(o.status.code() == Some(2) && lossy(&o.stderr).contains("is planned"), "{}", lossy(&o.stderr));
}

#[test]
fn a_malformed_digest_or_one_on_unapproved_minutes_is_an_error() {
    let s = site();
    s.write(
        "content/reviews/MR-1.md",
        &HELD.replace("chair = \"Ann\"\n", "chair = \"Ann\"\napproved_digest = \"sha256:abc\"\n"),
    );
    let errors = s.errors();
    let e = crate::support::only_error(&errors, "approved-digest", "content/reviews/MR-1.md", 7);
    assert!(e.message.contains("not `sha256:`"), "{e:?}");
    let good = format!("sha256:{}", "a".repeat(64));
    s.write(
        "content/reviews/MR-1.md",
        &HELD.replace("chair = \"Ann\"\n", &format!("chair = \"Ann\"\napproved_digest = \"{good}\"\n")),
    );
    let errors = s.errors();
    let e = crate::support::only_error(&errors, "approved-digest", "content/reviews/MR-1.md", 7);
    assert!(e.message.contains("not approved"), "{e:?}");
}
