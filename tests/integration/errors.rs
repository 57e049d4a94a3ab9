//! `quorum check`: one case per kind of content error, each asserting the diagnostic's code,
//! file and line (and column where the place in the line matters).

use crate::support::{ACTION, Diag, Site, has_error, only_error};

const A1: &str = "content/actions/A-1.md";

/// The errors `check` reports for a fixture site (asserting exit 1).
fn errors(files: &[(&str, &str)]) -> Vec<Diag> {
    Site::new(files).errors()
}

/// An action with the given extra front-matter lines after the required fields (lines 2–5).
fn action_with(extra: &str) -> String {
    format!("+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2025-03-01\ndue = 2025-06-30\n{extra}+++\nBody.\n")
}

/// A held review with a chair (lines 2–5), plus `extra` lines.
fn review_with(extra: &str) -> String {
    format!("+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"held\"\nchair = \"CEO\"\n{extra}+++\nMinutes.\n")
}

/// A nonconformity (lines 2–5), plus `extra` lines.
fn nc_with(extra: &str) -> String {
    format!(
        "+++\ntitle = \"NC\"\nraised = 2025-02-01\nseverity = \"minor\"\nsource = \"internal_audit\"\n{extra}+++\nText.\n"
    )
}

// ---- front matter and TOML ----

#[test]
fn malformed_toml_reports_the_files_line() {
    let e = errors(&[(A1, "+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2025-03-01\ndue = = 2025-06-30\n+++\n")]);
    only_error(&e, "toml-syntax", A1, 5);
}

#[test]
fn an_empty_required_string_is_an_error_at_its_line() {
    let e = errors(&[(A1, "+++\ntitle = \"Patch\"\nowner = \"\"\nraised = 2025-03-01\ndue = 2025-06-30\n+++\n")]);
    let d = only_error(&e, "empty-field", A1, 3);
    assert_eq!(d.column, 9, "at the value");
    let e = errors(&[(A1, "+++\ntitle = \"  \"\nowner = \"O\"\nraised = 2025-03-01\ndue = 2025-06-30\n+++\n")]);
    only_error(&e, "empty-field", A1, 2);
}

#[test]
fn malformed_toml_on_the_first_field_line_is_line_2() {
    let e = errors(&[(A1, "+++\ntitle = \"unterminated\nowner = \"O\"\n+++\n")]);
    only_error(&e, "toml-syntax", A1, 2);
}

#[test]
fn missing_front_matter() {
    let e = errors(&[(A1, "Just some text.\n\nMore text.\n")]);
    let d = only_error(&e, "front-matter", A1, 1);
    assert!(d.hint.unwrap_or_default().contains("+++"), "hint should show the `+++` fence");
}

#[test]
fn yaml_front_matter_is_rejected() {
    let e = errors(&[(A1, "---\ntitle: T\nowner: O\n---\nBody.\n")]);
    let d = only_error(&e, "front-matter", A1, 1);
    let hint = d.hint.unwrap_or_default();
    assert!(hint.contains("+++") && hint.contains("YAML"), "hint should explain TOML vs YAML: {hint}");
}

#[test]
fn unclosed_front_matter() {
    let e = errors(&[(A1, "+++\ntitle = \"T\"\nowner = \"O\"\n\nBody text.\n")]);
    only_error(&e, "front-matter", A1, 1);
}

#[test]
fn empty_file() {
    let e = errors(&[(A1, "")]);
    only_error(&e, "empty-file", A1, 1);
}

#[test]
fn whitespace_only_file_is_empty() {
    let e = errors(&[(A1, "\n  \n\t\n")]);
    only_error(&e, "empty-file", A1, 1);
}

#[test]
fn unknown_field_suggests_the_closest_name() {
    let e = errors(&[(A1, "+++\ntitle = \"T\"\nownr = \"O\"\nraised = 2025-03-01\ndue = 2025-06-30\n+++\n")]);
    let d = only_error(&e, "unknown-field", A1, 3);
    assert_eq!(d.column, 1);
    assert!(d.message.contains("ownr"), "{d:?}");
    let hint = d.hint.unwrap_or_default();
    assert!(hint.contains("did you mean") && hint.contains("owner"), "{hint}");
}

#[test]
fn unknown_field_in_a_sub_table() {
    let text = "+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2025-03-01\ndue = 2025-06-30\n\n[[updates]]\ndate = 2025-04-01\nnote = \"n\"\ndeu = 2025-08-01\n+++\n";
    let e = errors(&[(A1, text)]);
    let d = only_error(&e, "unknown-field", A1, 10);
    assert!(d.hint.unwrap_or_default().contains("due"));
}

#[test]
fn quoted_date_is_a_wrong_type() {
    let e = errors(&[(A1, "+++\ntitle = \"T\"\nowner = \"O\"\nraised = \"2025-01-01\"\ndue = 2025-06-30\n+++\n")]);
    let d = only_error(&e, "wrong-type", A1, 4);
    assert!(d.hint.unwrap_or_default().contains("unquoted"), "hint should say dates are unquoted");
}

#[test]
fn string_weight_is_a_wrong_type() {
    let page = "content/pages/notes.md";
    let e = errors(&[(page, "+++\ntitle = \"About\"\nweight = \"x\"\n+++\nText.\n")]);
    only_error(&e, "wrong-type", page, 3);
}

#[test]
fn missing_required_field_points_at_the_opening_fence() {
    let e = errors(&[(A1, "+++\ntitle = \"T\"\nraised = 2025-03-01\ndue = 2025-06-30\n+++\nBody.\n")]);
    let d = only_error(&e, "missing-field", A1, 1);
    assert_eq!(d.column, 1);
    assert!(d.message.contains("owner"), "{d:?}");
}

#[test]
fn missing_required_field_of_a_review() {
    let f = "content/reviews/MR-1.md";
    let e = errors(&[(f, "+++\ntitle = \"Review\"\nstatus = \"planned\"\n+++\n")]);
    let d = only_error(&e, "missing-field", f, 1);
    assert!(d.message.contains("date"), "{d:?}");
}

// ---- values outside their set ----

#[test]
fn action_kind_outside_its_set() {
    let e = errors(&[(A1, &action_with("kind = \"foo\"\n"))]);
    let d = only_error(&e, "invalid-value", A1, 6);
    assert!(d.message.contains("foo"), "{d:?}");
    assert!(d.hint.unwrap_or_default().contains("corrective"), "hint should list the kinds");
}

#[test]
fn review_status_outside_its_set() {
    let f = "content/reviews/MR-1.md";
    let e = errors(&[(f, "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"done\"\nchair = \"CEO\"\n+++\n")]);
    let d = only_error(&e, "invalid-value", f, 4);
    assert!(d.hint.unwrap_or_default().contains("approved"));
}

#[test]
fn severity_not_in_site_toml() {
    let f = "content/nonconformities/NC-1.md";
    let e = errors(&[
        ("site.toml", "title = \"T\"\nas_of = 2025-12-31\nseverities = [\"high\", \"low\"]\n"),
        (f, &nc_with("")),
    ]);
    let d = only_error(&e, "invalid-value", f, 4);
    assert!(d.message.contains("minor"), "{d:?}");
    assert!(d.hint.unwrap_or_default().contains("high"), "hint should list the site's severities");
}

#[test]
fn default_severity_scale_rejects_others() {
    let f = "content/nonconformities/NC-1.md";
    let text = "+++\ntitle = \"NC\"\nraised = 2025-02-01\nseverity = \"critical\"\nsource = \"incident\"\n+++\n";
    let e = errors(&[(f, text)]);
    only_error(&e, "invalid-value", f, 4);
}

#[test]
fn nonconformity_source_outside_its_set() {
    let f = "content/nonconformities/NC-1.md";
    let text = "+++\ntitle = \"NC\"\nraised = 2025-02-01\nseverity = \"minor\"\nsource = \"gossip\"\n+++\n";
    let e = errors(&[(f, text)]);
    only_error(&e, "invalid-value", f, 5);
}

#[test]
fn impossible_date() {
    let e = errors(&[(A1, "+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2025-02-30\ndue = 2025-06-30\n+++\n")]);
    let d = only_error(&e, "invalid-date", A1, 4);
    assert_eq!(d.column, 10, "points at the value");
}

#[test]
fn impossible_leap_day() {
    let e = errors(&[(A1, "+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2025-02-29\ndue = 2025-06-30\n+++\n")]);
    only_error(&e, "invalid-date", A1, 4);
    Site::new(&[(A1, "+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2024-02-29\ndue = 2025-06-30\n+++\n")])
        .assert_clean();
}

// ---- §2 rules: actions ----

#[test]
fn due_before_raised() {
    let text = "+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2025-03-01\ndue = 2025-02-28\n+++\n";
    let d = only_error(&errors(&[(A1, text)]), "date-order", A1, 5);
    assert_eq!(d.column, 7, "points at the value");
}

#[test]
fn closed_before_raised() {
    only_error(&errors(&[(A1, &action_with("closed = 2025-02-01\n"))]), "date-order", A1, 6);
}

#[test]
fn verified_without_closed() {
    only_error(&errors(&[(A1, &action_with("verified = 2025-05-01\n"))]), "conflict", A1, 6);
}

#[test]
fn verified_before_closed() {
    let e = errors(&[(A1, &action_with("closed = 2025-05-01\nverified = 2025-04-01\n"))]);
    only_error(&e, "date-order", A1, 7);
}

#[test]
fn closed_and_cancelled() {
    let e = errors(&[(A1, &action_with("closed = 2025-05-01\ncancelled = 2025-05-02\ncancel_reason = \"x\"\n"))]);
    only_error(&e, "conflict", A1, 7);
}

#[test]
fn cancelled_without_reason() {
    only_error(&errors(&[(A1, &action_with("cancelled = 2025-05-02\n"))]), "missing-field", A1, 6);
}

#[test]
fn cancel_reason_without_cancelled() {
    only_error(&errors(&[(A1, &action_with("cancel_reason = \"obsolete\"\n"))]), "missing-field", A1, 6);
}

#[test]
fn cancelled_before_raised() {
    let e = errors(&[(A1, &action_with("cancelled = 2025-01-02\ncancel_reason = \"x\"\n"))]);
    only_error(&e, "date-order", A1, 6);
}

#[test]
fn update_before_raised() {
    let e = errors(&[(A1, &action_with("\n[[updates]]\ndate = 2025-01-15\nnote = \"early\"\n"))]);
    only_error(&e, "date-order", A1, 8);
}

// ---- §2 rules: reviews ----

#[test]
fn approved_review_without_approver_and_date() {
    let f = "content/reviews/MR-1.md";
    let text = "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"approved\"\nchair = \"CEO\"\n+++\n";
    let e = errors(&[(f, text)]);
    assert_eq!(e.len(), 2, "approved_by and approved_on are both missing: {e:#?}");
    assert!(e.iter().all(|d| d.code == "missing-field" && d.file == f && d.line == 4), "{e:#?}");
    assert!(e.iter().any(|d| d.message.contains("approved_by")));
    assert!(e.iter().any(|d| d.message.contains("approved_on")));
}

#[test]
fn approved_on_before_the_meeting() {
    let f = "content/reviews/MR-1.md";
    let text = "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"approved\"\nchair = \"CEO\"\napproved_by = \"Board\"\napproved_on = 2025-06-01\n+++\n";
    only_error(&errors(&[(f, text)]), "date-order", f, 7);
}

#[test]
fn held_review_without_chair() {
    let f = "content/reviews/MR-1.md";
    let text = "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"held\"\n+++\n";
    let d = only_error(&errors(&[(f, text)]), "missing-field", f, 4);
    assert!(d.message.contains("chair"));
}

#[test]
fn planned_review_needs_no_chair() {
    let f = "content/reviews/MR-1.md";
    Site::new(&[(f, "+++\ntitle = \"Review\"\ndate = 2026-06-18\nstatus = \"planned\"\n+++\n")]).assert_clean();
}

#[test]
fn unknown_decision_input_key() {
    let f = "content/reviews/MR-1.md";
    let text = review_with(
        "\n[[decisions]]\nid = \"D1\"\ntext = \"x\"\nkind = \"improvement\"\ninputs = [\"risk\", \"risks\"]\n",
    );
    let d = only_error(&errors(&[(f, &text)]), "unknown-value", f, 11);
    assert!(d.message.contains("risks"), "{d:?}");
    assert_eq!(d.column, 19, "points at the second key");
}

#[test]
fn unknown_framework_in_a_review() {
    let f = "content/reviews/MR-1.md";
    let d = only_error(&errors(&[(f, &review_with("framework = \"iso27001-2099\"\n"))]), "unknown-value", f, 6);
    assert!(d.hint.unwrap_or_default().contains("iso27001-2022"));
}

#[test]
fn duplicate_decision_ids_in_a_review() {
    let f = "content/reviews/MR-1.md";
    let text = review_with(
        "\n[[decisions]]\nid = \"D1\"\ntext = \"x\"\nkind = \"other\"\n\n[[decisions]]\nid = \"D1\"\ntext = \"y\"\nkind = \"other\"\n",
    );
    only_error(&errors(&[(f, &text)]), "duplicate-id", f, 13);
}

// ---- §2 rules: other kinds ----

#[test]
fn audit_end_before_start() {
    let f = "content/audits/IA-1.md";
    let text = "+++\ntitle = \"Audit\"\nkind = \"internal\"\nstart = 2025-03-10\nend = 2025-03-09\n+++\n";
    only_error(&errors(&[(f, text)]), "date-order", f, 5);
}

#[test]
fn nonconformity_effective_without_verified() {
    let f = "content/nonconformities/NC-1.md";
    let e = errors(&[(f, &nc_with("closed = 2025-03-01\nroot_cause = \"r\"\neffective = true\n"))]);
    only_error(&e, "conflict", f, 8);
}

#[test]
fn nonconformity_verified_without_closed() {
    let f = "content/nonconformities/NC-1.md";
    only_error(&errors(&[(f, &nc_with("verified = 2025-03-01\n"))]), "conflict", f, 6);
}

#[test]
fn nonconformity_closed_before_raised() {
    let f = "content/nonconformities/NC-1.md";
    only_error(&errors(&[(f, &nc_with("closed = 2025-01-01\n"))]), "date-order", f, 6);
}

#[test]
fn objective_amber_on_the_better_side_of_target() {
    let f = "content/objectives/OBJ-1.md";
    let higher = "+++\ntitle = \"Patch rate\"\ntarget = 95.0\ndirection = \"higher_better\"\namber = 97.0\n+++\n";
    only_error(&errors(&[(f, higher)]), "invalid-value", f, 5);
    let lower = "+++\ntitle = \"Incidents\"\ntarget = 3\ndirection = \"lower_better\"\namber = 1\n+++\n";
    only_error(&errors(&[(f, lower)]), "invalid-value", f, 5);
}

#[test]
fn objective_amber_on_the_worse_side_is_fine() {
    let f = "content/objectives/OBJ-1.md";
    let text = "+++\ntitle = \"Patch rate\"\ntarget = 95.0\ndirection = \"higher_better\"\namber = 90.0\n\n[[measurements]]\ndate = 2025-06-30\nvalue = 92.5\n+++\n";
    Site::new(&[(f, text)]).assert_clean();
}

#[test]
fn page_id_equal_to_a_reserved_name() {
    let f = "content/pages/trends.md";
    let d = only_error(&errors(&[(f, "+++\ntitle = \"Trends\"\n+++\nText.\n")]), "reserved-id", f, 1);
    assert!(d.message.contains("trends"));
}

#[test]
fn page_id_reserved_ignoring_case() {
    let f = "content/pages/Actions.md";
    only_error(&errors(&[(f, "+++\ntitle = \"Actions\"\n+++\n")]), "reserved-id", f, 1);
}

// ---- duplicate IDs ----

#[test]
fn duplicate_ids_across_kinds() {
    let nc = "content/nonconformities/X-1.md";
    let a = "content/actions/X-1.md";
    let e = errors(&[(a, ACTION), (nc, &nc_with(""))]);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = &e[0];
    assert_eq!((d.code.as_str(), d.line), ("duplicate-id", 1));
    let other = if d.file == a { nc } else { a };
    assert!(d.file == a || d.file == nc, "{d:?}");
    assert!(d.message.contains(other), "the message names the other file: {d:?}");
}

#[test]
fn duplicate_ids_differing_only_in_case() {
    let upper = "content/actions/A-7.md";
    let lower = "content/pages/a-7.md";
    let e = errors(&[(upper, ACTION), (lower, "+++\ntitle = \"Page\"\n+++\n")]);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = &e[0];
    assert_eq!(d.code, "duplicate-id");
    let other = if d.file == upper { lower } else { upper };
    assert!(d.message.contains(other), "the message names the other file: {d:?}");
}

#[test]
fn duplicate_ids_in_sub_folders() {
    let a = "content/actions/2024/A-9.md";
    let b = "content/actions/2025/A-9.md";
    let e = errors(&[(a, ACTION), (b, ACTION)]);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = &e[0];
    assert_eq!(d.code, "duplicate-id");
    assert!(d.message.contains(a) || d.file == a, "{d:?}");
    assert!(d.message.contains(b) || d.file == b, "{d:?}");
}

#[test]
fn folder_record_and_file_record_with_the_same_id() {
    let a = "content/reviews/MR-1/index.md";
    let b = "content/reviews/2025/MR-1.md";
    let review = review_with("");
    let e = errors(&[(a, &review), (b, &review)]);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].code, "duplicate-id");
    assert!(e[0].message.contains(a) || e[0].message.contains(b), "{:?}", e[0]);
}

// ---- references ----

#[test]
fn unknown_origin() {
    let d = only_error(&errors(&[(A1, &action_with("origin = \"MR-404\"\n"))]), "unknown-id", A1, 6);
    assert_eq!(d.column, 10);
    assert!(d.message.contains("MR-404"));
}

#[test]
fn unknown_decision_in_origin() {
    let review = review_with("\n[[decisions]]\nid = \"D1\"\ntext = \"x\"\nkind = \"improvement\"\n");
    let e = errors(&[("content/reviews/MR-1.md", &review), (A1, &action_with("origin = \"MR-1#D9\"\n"))]);
    let d = only_error(&e, "unknown-id", A1, 6);
    assert!(d.message.contains("D9"), "{d:?}");
}

#[test]
fn known_decision_in_origin_is_fine() {
    let review =
        review_with("\n[[decisions]]\nid = \"D1\"\ntext = \"x\"\nkind = \"improvement\"\nactions = [\"A-1\"]\n");
    Site::new(&[("content/reviews/MR-1.md", &review), (A1, &action_with("origin = \"MR-1#D1\"\n"))]).assert_clean();
}

#[test]
fn origin_pointing_at_an_action_is_the_wrong_kind() {
    let e = errors(&[(A1, &action_with("origin = \"A-2\"\n")), ("content/actions/A-2.md", ACTION)]);
    let d = only_error(&e, "wrong-kind", A1, 6);
    assert!(d.message.contains("A-2"), "{d:?}");
}

#[test]
fn unknown_ids_in_a_nonconformity() {
    let f = "content/nonconformities/NC-1.md";
    let e = errors(&[(f, &nc_with("audit = \"IA-404\"\nactions = [\"A-404\"]\nrepeat_of = [\"NC-404\"]\n"))]);
    assert_eq!(e.len(), 3, "{e:#?}");
    for line in [6, 7, 8] {
        has_error(&e, "unknown-id", f, line);
    }
}

#[test]
fn audit_reference_to_an_action_is_the_wrong_kind() {
    let f = "content/nonconformities/NC-1.md";
    let e = errors(&[(f, &nc_with("audit = \"A-1\"\n")), (A1, ACTION)]);
    only_error(&e, "wrong-kind", f, 6);
}

#[test]
fn unknown_ids_in_decisions_and_action_updates() {
    let f = "content/reviews/MR-1.md";
    let text = review_with(
        "\n[[decisions]]\nid = \"D1\"\ntext = \"x\"\nkind = \"improvement\"\nactions = [\"A-404\"]\n\n[[action_updates]]\naction = \"A-405\"\nnote = \"n\"\n",
    );
    let e = errors(&[(f, &text)]);
    assert_eq!(e.len(), 2, "{e:#?}");
    let d = has_error(&e, "unknown-id", f, 11);
    assert!(d.message.contains("A-404"));
    let d = has_error(&e, "unknown-id", f, 14);
    assert!(d.message.contains("A-405"));
}

#[test]
fn references_ignore_case() {
    let f = "content/nonconformities/NC-1.md";
    Site::new(&[(f, &nc_with("actions = [\"a-1\"]\n")), (A1, ACTION)]).assert_clean();
}

// ---- Markdown links ----

#[test]
fn unknown_wikilink_reported_at_its_line_and_column() {
    let body = "+++\ntitle = \"About\"\n+++\nIntro line.\n\nSee the plan in [[A-404]] soon.\n";
    let f = "content/pages/notes.md";
    let d = only_error(&errors(&[(f, body)]), "unknown-id", f, 6);
    assert_eq!(d.column, 17);
    assert!(d.message.contains("A-404"));
}

#[test]
fn wikilink_column_counts_characters() {
    let body = "+++\ntitle = \"About\"\n+++\n\nZoë’s note: [[A-404]]\n";
    let f = "content/pages/notes.md";
    let d = only_error(&errors(&[(f, body)]), "unknown-id", f, 5);
    assert_eq!(d.column, 13);
}

#[test]
fn wikilink_to_unknown_decision() {
    let review = review_with("\n[[decisions]]\nid = \"D1\"\ntext = \"x\"\nkind = \"improvement\"\n");
    let f = "content/pages/notes.md";
    let body = "+++\ntitle = \"About\"\n+++\n- first\n- see [[MR-1#D9]]\n";
    let e = errors(&[("content/reviews/MR-1.md", &review), (f, body)]);
    let d = only_error(&e, "unknown-id", f, 5);
    assert_eq!(d.column, 7);
}

#[test]
fn wikilink_to_decision_of_unknown_review() {
    let f = "content/pages/notes.md";
    let body = "+++\ntitle = \"About\"\n+++\nAs decided in [[MR-X#D9]].\n";
    let d = only_error(&errors(&[(f, body)]), "unknown-id", f, 4);
    assert_eq!(d.column, 15);
    assert!(d.message.contains("MR-X"));
}

#[test]
fn two_unknown_wikilinks_on_one_line_each_reported() {
    let f = "content/pages/notes.md";
    let body = "+++\ntitle = \"About\"\n+++\n[[X-1]] and [[X-2]]\n";
    let e = errors(&[(f, body)]);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!((e[0].line, e[0].column, e[1].line, e[1].column), (4, 1, 4, 13));
}

#[test]
fn wikilinks_in_code_are_not_links() {
    let f = "content/pages/notes.md";
    let body = "+++\ntitle = \"About\"\n+++\nWrite `[[A-404]]` to link.\n\n```\n[[A-405]]\n```\n\n    [[A-406]]\n";
    Site::new(&[(f, body)]).assert_clean();
}

#[test]
fn broken_relative_link() {
    let f = "content/pages/notes.md";
    let body = "+++\ntitle = \"About\"\n+++\n\nThe [slides](slides.pdf) are here.\n";
    let d = only_error(&errors(&[(f, body)]), "broken-link", f, 5);
    assert_eq!(d.column, 5);
}

#[test]
fn working_relative_links_are_fine() {
    let body = "+++\ntitle = \"About\"\n+++\n[csv](../figures.csv) [png](img/org%20chart.png) [scope](scope.md) [sec](scope.md#top)\n";
    Site::new(&[
        ("content/pages/notes.md", body),
        ("content/pages/scope.md", "+++\ntitle = \"Scope\"\n+++\n# Top\n"),
        ("content/figures.csv", "a,b\n1,2\n"),
        ("content/pages/img/org chart.png", "png"),
    ])
    .assert_clean();
}

#[test]
fn absolute_path_link() {
    let f = "content/pages/notes.md";
    let body = "+++\ntitle = \"About\"\n+++\nSee [the policy](/policy/).\n";
    let d = only_error(&errors(&[(f, body)]), "absolute-link", f, 4);
    assert_eq!(d.column, 5);
}

#[test]
fn link_leading_outside_content() {
    let f = "content/actions/A-1.md";
    let text = "+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2025-03-01\ndue = 2025-06-30\n+++\n\nConfig: [site](../../site.toml)\n";
    let d = only_error(&errors(&[(f, text)]), "link-outside", f, 8);
    assert_eq!(d.column, 9);
}

#[test]
fn broken_image_link() {
    let f = "content/pages/notes.md";
    let body = "+++\ntitle = \"About\"\n+++\n![Org chart](org.png)\n";
    only_error(&errors(&[(f, body)]), "broken-link", f, 4);
}

// ---- files ----

#[test]
fn invalid_utf8_names_the_line_of_the_bad_byte() {
    let site = Site::new(&[]);
    site.write_bytes(
        A1,
        b"+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2025-03-01\ndue = 2025-06-30\n+++\nCaf\xe9 latte\n",
    );
    let e = site.errors();
    let d = only_error(&e, "invalid-utf8", A1, 7);
    assert_eq!(d.column, 4);
}

#[test]
fn invalid_utf8_in_front_matter() {
    let site = Site::new(&[]);
    site.write_bytes(A1, b"+++\ntitle = \"\xff\"\n+++\n");
    only_error(&site.errors(), "invalid-utf8", A1, 2);
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_site_is_an_error() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.md"), ACTION).expect("write");
    let site = Site::new(&[]);
    std::fs::create_dir_all(site.path("content/actions")).expect("mkdir");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.path("content/actions/A-1.md")).expect("symlink");
    only_error(&site.errors(), "symlink-outside", A1, 1);
}

#[cfg(unix)]
#[test]
fn symlinked_folder_out_of_the_site_is_an_error() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("A-1.md"), ACTION).expect("write");
    let site = Site::new(&[]);
    std::os::unix::fs::symlink(outside.path(), site.path("content/actions")).expect("symlink");
    only_error(&site.errors(), "symlink-outside", "content/actions", 1);
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_site_is_followed() {
    let site = Site::new(&[("shared/A-1.md", ACTION)]);
    std::fs::create_dir_all(site.path("content/actions")).expect("mkdir");
    std::os::unix::fs::symlink(site.path("shared/A-1.md"), site.path("content/actions/A-1.md")).expect("symlink");
    site.assert_clean();
}

// ---- site.toml ----

#[test]
fn unknown_field_in_site_toml() {
    let e = errors(&[("site.toml", "title = \"T\"\nas_of = 2025-12-31\ntheeme = \"default\"\n")]);
    let d = only_error(&e, "unknown-field", "site.toml", 3);
    assert!(d.hint.unwrap_or_default().contains("theme"));
}

#[test]
fn malformed_site_toml() {
    let e = errors(&[("site.toml", "title = \"T\"\n\nas_of = = 2025-12-31\n")]);
    only_error(&e, "toml-syntax", "site.toml", 3);
}

#[test]
fn impossible_date_in_site_toml() {
    let e = errors(&[("site.toml", "title = \"T\"\n\nas_of = 2025-13-01\n")]);
    only_error(&e, "invalid-date", "site.toml", 3);
}

#[test]
fn invalid_utf8_in_site_toml() {
    let site = Site::new(&[]);
    site.write_bytes("site.toml", b"title = \"T\"\norganization = \"Caf\xe9\"\n");
    only_error(&site.errors(), "invalid-utf8", "site.toml", 2);
}

#[test]
fn site_toml_missing_title() {
    let e = errors(&[("site.toml", "as_of = 2025-12-31\n")]);
    let d = only_error(&e, "missing-field", "site.toml", 1);
    assert!(d.message.contains("title"));
}

#[test]
fn unknown_framework_in_site_toml() {
    let e = errors(&[("site.toml", "title = \"T\"\nframework = \"iso27001-2099\"\n")]);
    only_error(&e, "unknown-value", "site.toml", 2);
}

// ---- the report itself ----

#[test]
fn json_list_is_sorted_by_file_line_column_code() {
    let site = Site::new(&[
        ("content/pages/zeta.md", "+++\ntitle = \"Z\"\n+++\n[[Q-1]] [[Q-2]]\n\n[[Q-3]]\n"),
        ("content/actions/B-1.md", &action_with("origin = \"MR-404\"\nclosed = 2025-01-01\n")),
        ("content/actions/A-1.md", ""),
        (
            "content/audits/IA-1.md",
            "+++\ntitle = \"A\"\nkind = \"internal\"\nstart = 2025-03-10\nend = 2025-03-01\n+++\n",
        ),
    ]);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let keys: Vec<(String, usize, usize, String)> =
        diags.iter().map(|d| (d.file.clone(), d.line, d.column, d.code.clone())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "diagnostics must be sorted by file, line, column, code");
    let errors: Vec<(&str, usize, usize)> =
        diags.iter().filter(|d| d.severity == "error").map(|d| (d.file.as_str(), d.line, d.column)).collect();
    assert_eq!(
        errors,
        [
            ("content/actions/A-1.md", 1, 1),
            ("content/actions/B-1.md", 6, 10),
            ("content/actions/B-1.md", 7, 10),
            ("content/audits/IA-1.md", 5, 7),
            ("content/pages/zeta.md", 4, 1),
            ("content/pages/zeta.md", 4, 9),
            ("content/pages/zeta.md", 6, 1),
        ]
    );
}

#[test]
fn every_json_entry_has_all_fields() {
    let site = Site::new(&[(A1, &action_with("origin = \"MR-404\"\n"))]);
    let out = crate::support::quorum_in(site.root(), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let first = &v.as_array().expect("a list")[0];
    for key in ["severity", "code", "file", "line", "column", "message", "hint"] {
        assert!(first.get(key).is_some(), "missing `{key}` in {first}");
    }
    assert_eq!(first["file"], A1, "file is relative to the site root, with `/`");
}

#[test]
fn check_exits_0_on_a_clean_site_and_1_on_errors() {
    let site = Site::new(&[(A1, ACTION)]);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 0, "{diags:#?}");
    assert!(diags.iter().all(|d| d.severity != "error"));
    let human = crate::support::quorum_in(site.root(), &["check"]);
    assert_eq!(human.status.code(), Some(0));

    site.write(A1, "+++\ntitle = 1\n+++\n");
    let (code, _) = site.check_json(&[]);
    assert_eq!(code, 1);
    let human = crate::support::quorum_in(site.root(), &["check"]);
    assert_eq!(human.status.code(), Some(1));
    let stderr = crate::support::lossy(&human.stderr);
    assert!(stderr.contains("content/actions/A-1.md:2:"), "human output names file:line:col on stderr:\n{stderr}");
    assert!(human.stdout.is_empty() || !crate::support::lossy(&human.stdout).contains("error["));
}

#[test]
fn check_exits_2_without_a_site() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = crate::support::quorum_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unknown_folder_under_content() {
    let e = errors(&[("content/action/A-1.md", ACTION)]);
    let d = only_error(&e, "unknown-folder", "content/action", 1);
    assert!(d.hint.unwrap_or_default().contains("content/actions"));
}

// ---- more places ----

#[test]
fn malformed_toml_in_a_one_line_front_matter_is_on_line_2() {
    // The bad line is the file's line 2, even when the front matter is that one line.
    let e = errors(&[(A1, "+++\n=\n+++\nBody.\n")]);
    only_error(&e, "toml-syntax", A1, 2);
}

#[test]
fn duplicate_key_is_a_toml_error_at_the_second_key() {
    let text = "+++\ntitle = \"a\"\ntitle = \"b\"\nowner = \"O\"\nraised = 2025-03-01\ndue = 2025-06-30\n+++\n";
    only_error(&errors(&[(A1, text)]), "toml-syntax", A1, 3);
}

#[test]
fn date_with_a_time_is_rejected() {
    let text = "+++\ntitle = \"T\"\nowner = \"O\"\nraised = 2025-03-01T10:00:00\ndue = 2025-06-30\n+++\n";
    let d = only_error(&errors(&[(A1, text)]), "invalid-date", A1, 4);
    assert_eq!(d.column, 10);
}

#[test]
fn wrong_type_of_a_bool() {
    let d = only_error(&errors(&[(A1, &action_with("confidential = \"yes\"\n"))]), "wrong-type", A1, 6);
    assert_eq!(d.column, 16);
}

#[test]
fn missing_field_in_a_sub_table_points_into_the_table() {
    let e = errors(&[(A1, &action_with("\n[[updates]]\ndate = 2025-04-01\n"))]);
    let d = only_error(&e, "missing-field", A1, 7);
    assert!(d.message.contains("note"), "{d:?}");
}

#[test]
fn replanned_due_before_raised() {
    let e = errors(&[(A1, &action_with("\n[[updates]]\ndate = 2025-04-01\nnote = \"n\"\ndue = 2025-01-01\n"))]);
    only_error(&e, "date-order", A1, 10);
}

#[test]
fn nonconformity_repeating_itself() {
    let f = "content/nonconformities/NC-1.md";
    only_error(&errors(&[(f, &nc_with("repeat_of = [\"NC-1\"]\n"))]), "conflict", f, 6);
}

#[test]
fn duplicate_explicit_heading_ids() {
    let f = "content/pages/notes.md";
    let body = "+++\ntitle = \"About\"\n+++\n## One {#x}\n\nText.\n\n## Two {#x}\n";
    only_error(&errors(&[(f, body)]), "duplicate-heading-id", f, 8);
}

#[test]
fn invalid_id_in_a_file_name() {
    let f = "content/actions/A 1.md";
    only_error(&errors(&[(f, ACTION)]), "invalid-id", f, 1);
}

#[test]
fn unknown_wikilink_on_the_home_page() {
    let f = "content/_index.md";
    let d = only_error(&errors(&[(f, "+++\n+++\nWelcome. [[NOPE]]\n")]), "unknown-id", f, 3);
    assert_eq!(d.column, 10);
    // A link may name a record of any kind: the hint must not speak of one kind.
    let hint = d.hint.unwrap_or_default();
    assert!(hint.starts_with("no record has this ID"), "{hint}");
}

#[test]
fn crlf_and_bom_do_not_move_diagnostics() {
    let lf = "+++\ntitle = \"About\"\n+++\nIntro line.\n\nSee the plan in [[A-404]] soon.\n";
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(lf.replace('\n', "\r\n").as_bytes());
    let site = Site::new(&[]);
    site.write_bytes("content/pages/notes.md", &bytes);
    let d = only_error(&site.errors(), "unknown-id", "content/pages/notes.md", 6);
    assert_eq!(d.column, 17);
}

#[test]
fn every_top_level_output_name_is_reserved_for_pages() {
    // DESIGN §5: every top-level output name is reserved. Take the names from a real build
    // (plus the permalinks DESIGN lists) so a new top-level output cannot be forgotten.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    let o = crate::support::quorum(&[
        "build",
        "--root",
        env!("CARGO_MANIFEST_DIR"),
        "--output-dir",
        out.to_str().expect("UTF-8"),
    ]);
    crate::support::assert_success(&o, "build of the example site");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".quorum-output")
        .collect();
    let example_pages: Vec<String> =
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/pages"))
            .expect("pages")
            .filter_map(|e| e.expect("entry").file_name().to_string_lossy().strip_suffix(".md").map(str::to_string))
            .collect();
    names.retain(|n| !example_pages.contains(n));
    for n in [
        "reviews",
        "actions",
        "nonconformities",
        "objectives",
        "audits",
        "trends",
        "evidence",
        "search",
        "exports",
        "atom.xml",
        "SHA256SUMS",
        "index.html",
    ] {
        if !names.iter().any(|x| x == n) {
            names.push(n.to_string());
        }
    }
    let files: Vec<(String, String)> =
        names.iter().map(|n| (format!("content/pages/{n}.md"), format!("+++\ntitle = \"{n}\"\n+++\n"))).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let e = errors(&refs);
    for (path, _) in &files {
        has_error(&e, "reserved-id", path, 1);
    }
}
