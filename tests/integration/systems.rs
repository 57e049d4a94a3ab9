//! Several management systems in one site (docs/content-format.md §9): tests/fixtures/two-systems
//! holds an ISMS (ISO/IEC 27001:2022) and an AIMS (ISO/IEC 42001:2023), two reviews each,
//! interleaved in time. Each system keeps its own series, periods, figures, carry-over,
//! evidence panels, matrix and trends; every number below is computed by hand from the
//! fixture's records.

use std::path::Path;

use crate::support::{Built, Site};

/// The fixture copied into a temporary site, with `edits` (path, from, to) applied.
fn fixture(edits: &[(&str, &str, &str)]) -> Site {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/two-systems");
    let mut files: Vec<(String, String)> = Vec::new();
    for entry in walk(&root) {
        let rel = entry.strip_prefix(&root).expect("under root").to_string_lossy().replace('\\', "/");
        let mut text = std::fs::read_to_string(&entry).expect("fixture text");
        for (path, from, to) in edits {
            if *path == rel {
                assert!(text.contains(from), "{rel} has no `{from}`");
                text = text.replace(from, to);
            }
        }
        files.push((rel, text));
    }
    let pairs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    Site::new(&pairs)
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read fixture") {
        let p = e.expect("entry").path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

fn built() -> Built {
    fixture(&[]).build_ok(&[])
}

fn site_json(b: &Built) -> serde_json::Value {
    serde_json::from_str(&b.read("exports/site.json")).expect("site.json parses")
}

fn review<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["reviews"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no review {id}"))
}

#[test]
fn two_series_side_by_side_have_periods_that_do_not_cut_into_each_other() {
    let b = built();
    let json = site_json(&b);
    // The AIMS reviews of 2025-09-20 and 2026-03-20 fall inside the ISMS period: with one
    // series the ISMS review of 2026 would cover only 2026-03-21 to 2026-06-10.
    let period = |id: &str| {
        let p = &review(&json, id)["period"];
        (p["start"].as_str().map(String::from), p["end"].as_str().unwrap().to_string())
    };
    assert_eq!(period("MR-ISMS-2025"), (None, "2025-06-15".into()));
    assert_eq!(period("MR-ISMS-2026"), (Some("2025-06-16".into()), "2026-06-10".into()));
    assert_eq!(period("MR-AIMS-2025"), (None, "2025-09-20".into()));
    assert_eq!(period("MR-AIMS-2026"), (Some("2025-09-21".into()), "2026-03-20".into()));
    for (id, system) in [("MR-ISMS-2025", "ISMS"), ("MR-ISMS-2026", "ISMS"), ("MR-AIMS-2026", "AIMS")] {
        assert_eq!(review(&json, id)["system"], system, "{id}");
        assert_eq!(review(&json, id)["in_series"], true, "{id}");
    }
}

#[test]
fn each_review_counts_the_records_of_its_own_system() {
    let b = built();
    let json = site_json(&b);
    let m = |id: &str| review(&json, id)["metrics"].clone();
    // ISMS 2026, period 2025-06-16..2026-06-10: NC-1 (minor) raised and closed; A-2 raised,
    // overdue at the review; A-1 closed on time, 168 days after it was raised. The AIMS's
    // major NC-AI-1 and its late action A-AI-1 are not counted here.
    let isms = m("MR-ISMS-2026");
    assert_eq!(isms["nc_raised"], serde_json::json!({"major": 0, "minor": 1, "observation": 0}));
    assert_eq!(isms["nc_closed"], 1);
    assert_eq!(isms["actions_raised"], 1);
    assert_eq!(isms["actions_closed"], 1);
    assert_eq!(isms["actions_open"], 1);
    assert_eq!(isms["actions_overdue"], 1);
    assert_eq!(isms["on_time_closure_rate"], 1.0);
    assert_eq!(isms["median_days_to_close"], 168.0);
    // AIMS 2026, period 2025-09-21..2026-03-20: NC-AI-1 (major) raised and closed; A-AI-1
    // raised and closed late (102 days); A-AI-2 open, not yet due.
    let aims = m("MR-AIMS-2026");
    assert_eq!(aims["nc_raised"], serde_json::json!({"major": 1, "minor": 0, "observation": 0}));
    assert_eq!(aims["nc_closed"], 1);
    assert_eq!(aims["actions_raised"], 1);
    assert_eq!(aims["actions_closed"], 1);
    assert_eq!(aims["actions_open"], 1);
    assert_eq!(aims["actions_overdue"], 0);
    assert_eq!(aims["on_time_closure_rate"], 0.0);
    assert_eq!(aims["median_days_to_close"], 102.0);
    // The first review of each system: only the action raised on its own day.
    assert_eq!(m("MR-ISMS-2025")["actions_raised"], 1);
    assert_eq!(m("MR-AIMS-2025")["actions_raised"], 1);
    assert_eq!(m("MR-AIMS-2025")["nc_raised"]["major"], 0);
}

#[test]
fn records_belong_to_a_system_by_their_framework_origin_or_audit() {
    let json = site_json(&built());
    let systems = |kind: &str| -> Vec<(String, String)> {
        (json[kind].as_array().unwrap().iter())
            .map(|r| (r["id"].as_str().unwrap().to_string(), r["system"].as_str().unwrap().to_string()))
            .collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    };
    // A-AI-1's origin is NC-AI-1, whose audit is the AIMS audit; A-AI-2's origin is an AIMS
    // decision; A-2 names nothing and belongs to the site's own system.
    assert_eq!(systems("actions"), pairs(&[("A-1", "ISMS"), ("A-2", "ISMS"), ("A-AI-1", "AIMS"), ("A-AI-2", "AIMS")]));
    assert_eq!(systems("nonconformities"), pairs(&[("NC-1", "ISMS"), ("NC-AI-1", "AIMS")]));
    assert_eq!(systems("objectives"), pairs(&[("OBJ-1", "ISMS"), ("OBJ-AI-1", "AIMS")]));
    assert_eq!(systems("audits"), pairs(&[("IA-AI-2025", "AIMS")]));
}

#[test]
fn carry_over_counts_the_reviews_of_the_actions_own_system() {
    // A-2 (ISMS, raised 2025-07-01, overdue) was open at one ISMS review (2026-06-10) and at
    // both AIMS reviews after it was raised. With a limit of 0, one review is too many either
    // way; the message names how many: 1, not 3.
    let s =
        fixture(&[("site.toml", "review_interval_months = 12", "review_interval_months = 12\ncarry_over_limit = 0")]);
    let (_, diags) = s.check_json(&[]);
    let carried: Vec<String> = (diags.iter())
        .filter(|d| d.code == "action-carried-over" && d.file.ends_with("A-2.md"))
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(carried.len(), 1, "{diags:#?}");
    assert!(carried[0].starts_with("open at 1 management review (limit 0)"), "{}", carried[0]);
}

#[test]
fn a_review_page_shows_the_evidence_of_its_own_system() {
    let b = built();
    let isms = b.read("reviews/MR-ISMS-2026/index.html");
    for other in ["A-AI-1", "A-AI-2", "NC-AI-1", "OBJ-AI-1", "IA-AI-2025"] {
        assert!(!isms.contains(other), "the ISMS review shows {other} of the AIMS");
    }
    assert!(isms.contains("Actions raised before this review and open at the previous one (MR-ISMS-2025)"));
    let aims = b.read("reviews/MR-AIMS-2026/index.html");
    assert!(aims.contains("Actions raised before this review and open at the previous one (MR-AIMS-2025)"));
    assert!(aims.contains("audits/IA-AI-2025/index.html"), "the AIMS audit in its period");
    // ISO/IEC 42001 has no objectives input, so no objectives panel; the ISMS's never shows.
    assert!(!aims.contains("objectives/OBJ-1/"));
    assert!(aims.contains("Change to the AIMS"));
    // The charts of a review window its own series only.
    assert!(!aims.contains(">MR-ISMS-2025<"), "an ISMS review in the AIMS chart");
    assert!(b.read("actions/A-AI-1/index.html").contains("<dt>Management system</dt><dd>AIMS</dd>"));
}

#[test]
fn trends_dashboard_and_matrix_have_a_section_per_system() {
    let b = built();
    let trends = b.read("trends/index.html");
    assert!(trends.contains("<h2 id=\"q-isms\">ISMS</h2>") && trends.contains("<h2 id=\"q-aims\">AIMS</h2>"));
    assert!(trends.contains("ISO/IEC 42001:2023 clause 9.3: 2 reviews in the series."));
    let ids: Vec<&str> = trends.split("id=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "ids repeat on /trends/: {ids:?}");
    let (isms_part, aims_part) = trends.split_once("id=\"q-aims\"").unwrap();
    assert!(isms_part.contains("OBJ-1 ") && !isms_part.contains("OBJ-AI-1"));
    assert!(aims_part.contains("OBJ-AI-1") && aims_part.contains("MR-AIMS-2026") && !aims_part.contains("MR-ISMS"));

    let home = b.read("index.html");
    assert!(home.contains("Latest management reviews"));
    assert!(home.contains("ISMS: 2 reviews in the series") && home.contains("AIMS: 2 reviews in the series"));

    let matrix = b.read("evidence/index.html");
    let (isms_m, aims_m) = matrix.split_once("<h2 id=\"q-aims\">").unwrap();
    // The ISMS matrix has the 11 inputs of ISO/IEC 27001:2022; the AIMS one the 8 of ISO/IEC
    // 42001:2023, without feedback, risk or objectives; no column of either is "n/a".
    let rows = |part: &str| part.matches("<th scope=\"row\"><abbr").count();
    assert_eq!(rows(isms_m), 11);
    assert_eq!(rows(aims_m), 8);
    assert!(!aims_m.contains("Feedback") && !aims_m.contains(">Risk<"));
    assert!(!matrix.contains("cell-na"), "a review of one system counted against the other's inputs");
    assert!(aims_m.contains("MR-AIMS-2026") && !aims_m.contains("MR-ISMS-2026"));
    let register = b.read("actions/index.html");
    assert!(register.contains("data-col=\"system\" data-filter>System</th>"));
}

#[test]
fn a_gap_is_judged_within_a_system() {
    // The AIMS review of 2025-09-20 does not close the ISMS gap: moving the first ISMS review
    // back to 2025-01-10 leaves 17 months between the two ISMS reviews.
    let s = fixture(&[("content/reviews/MR-ISMS-2025.md", "date = 2025-06-15", "date = 2025-01-10")]);
    let (_, diags) = s.check_json(&[]);
    let gaps: Vec<&str> = diags.iter().filter(|d| d.code == "review-gap").map(|d| d.message.as_str()).collect();
    assert_eq!(gaps, ["2026-06-10 is more than 12 months after the previous ISMS review (2025-01-10, MR-ISMS-2025)"]);
}

#[test]
fn a_record_naming_an_unknown_framework_is_an_error_at_its_line() {
    let s = fixture(&[(
        "content/actions/A-2.md",
        "kind = \"improvement\"",
        "kind = \"improvement\"\nframework = \"iso99999\"",
    )]);
    let errors = s.errors();
    let e = crate::support::only_error(&errors, "unknown-value", "content/actions/A-2.md", 7);
    assert!(e.message.contains("unknown framework `iso99999`"), "{}", e.message);
}

#[test]
fn the_auditor_edition_names_the_system_of_a_withheld_change_decision() {
    let s = fixture(&[(
        "content/reviews/MR-AIMS-2026.md",
        "text = \"No change to the AIMS is needed.\"",
        "text = \"No change to the AIMS is needed.\"\nconfidential = true",
    )]);
    let page = s.build_ok(&["--audience", "auditor"]).read("reviews/MR-AIMS-2026/index.html");
    assert!(page.contains("1 AIMS-change decision withheld"), "the withheld decision, in its system's words");
}

#[test]
fn a_site_of_one_system_shows_no_system_anywhere() {
    let b = Site::new(&[]).build_ok(&[]);
    assert!(!b.read("exports/site.json").contains("\"system\""));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let o = crate::support::quorum_in(root, &["build", "--output-dir", out.path().to_str().unwrap(), "--no-history"]);
    crate::support::assert_success(&o, "build the example");
    let json = std::fs::read_to_string(out.path().join("exports/site.json")).unwrap();
    assert!(!json.contains("\"system\""), "site.json of a one-system site gains no key");
    let trends = std::fs::read_to_string(out.path().join("trends/index.html")).unwrap();
    assert!(!trends.contains("id=\"q-isms\""), "no per-system section");
    let actions = std::fs::read_to_string(out.path().join("actions/index.html")).unwrap();
    assert!(!actions.contains("data-col=\"system\""), "no System column");
}

#[test]
fn a_hostile_system_name_is_text_on_every_page_and_no_anchor() {
    // A pull request can name a custom framework's system anything: it reaches headings,
    // chart titles, register cells, ids and site.json, always as text.
    let name = "<img src=x onerror=alert(1)> \\\" Q";
    let s = fixture(&[
        (
            "site.toml",
            "as_of = 2026-06-30\n",
            "as_of = 2026-06-30\n\n[frameworks.evil]\ntitle = \"Evil\"\nsystem = \"<img src=x onerror=alert(1)> \\\\\\\" Q\"\ninputs = [{ key = \"previous-actions\", title = \"Earlier\", clause = \"1\", panel = \"previous-actions\" }]\noutputs = []\n",
        ),
        ("content/reviews/MR-AIMS-2026.md", "framework = \"iso42001-2023\"", "framework = \"evil\""),
    ]);
    let b = s.build_ok(&[]);
    for page in ["trends/index.html", "evidence/index.html", "index.html", "reviews/index.html"] {
        let html = b.read(page);
        assert!(!html.contains("<img src=x"), "{page} carries the system name as markup");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{page} shows the name as text");
    }
    let trends = b.read("trends/index.html");
    assert!(trends.contains("id=\"q-img-src-x-onerror-alert-1"), "the anchor is a slug");
    let json = site_json(&b);
    assert!(
        json["reviews"].as_array().unwrap().iter().any(|r| r["system"].as_str() == Some(&name.replace("\\\\", "\\")))
    );
}
