//! `--audience auditor`: planned reviews and everything confidential are left out (records,
//! decisions, action updates, `{.confidential}` sections, attachments); links to left-out
//! material show the plain ID; lists say how many entries were withheld; figures stay the same.

use crate::support::{Built, Site, links_to, tags};

const REVIEW: &str = r#"+++
title = "Management review 2025"
date = 2025-06-18
status = "held"
chair = "Ann Chair"

[[decisions]]
id = "D1"
text = "Encrypt every laptop"
kind = "improvement"
actions = ["A-1"]

[[decisions]]
id = "D2"
text = "Approve the hush budget"
kind = "resources"
confidential = true

[[action_updates]]
action = "A-1"
note = "Pilot finished"

[[action_updates]]
action = "A-1"
note = "Quietly slipping"
confidential = true
+++
## Status of actions {#previous-actions}

Progress on [[A-1]]. The exit plan is [[A-9]], see also [[A-9|the exit plan]].

## Supplier exit {.confidential}

The vendor is Acmecorp.

### Details

Still secret: Zanzibar.

## Public again

Everyone may read this.
"#;

const PLANNED: &str = "+++\ntitle = \"Spring review plan\"\ndate = 2026-03-01\nstatus = \"planned\"\n+++\n";

const A1: &str = "+++\ntitle = \"Encrypt laptops\"\nowner = \"IT\"\nraised = 2025-06-18\ndue = 2026-06-30\norigin = \"MR-1#D1\"\n+++\nRoll out.\n";

const A9: &str = "+++\ntitle = \"Secret vendor exit\"\nowner = \"CFO\"\nraised = 2025-06-18\ndue = 2025-09-30\nconfidential = true\n+++\nLeave Acmecorp.\n";

const CONFIDENTIAL_REVIEW: &str = "+++\ntitle = \"Extraordinary review: breach\"\ndate = 2025-08-01\nstatus = \"held\"\nkind = \"extraordinary\"\nchair = \"CEO\"\nconfidential = true\n+++\nMinutes of the breach [list](breach-list.csv).\n";

/// Words that only confidential or planned material contains.
const SECRETS: &[&str] = &[
    "Secret vendor exit",
    "Leave Acmecorp",
    "Acmecorp",
    "Zanzibar",
    "Approve the hush budget",
    "Quietly slipping",
    "Spring review plan",
    "Extraordinary review: breach",
    "breach-list",
];

fn site() -> Site {
    let s = Site::new(&[
        ("content/reviews/MR-1.md", REVIEW),
        ("content/reviews/MR-2.md", PLANNED),
        ("content/reviews/MR-X/index.md", CONFIDENTIAL_REVIEW),
        ("content/reviews/MR-X/breach-list.csv", "host,when\nsrv1,2025-07-30\n"),
        ("content/actions/A-1.md", A1),
        ("content/actions/A-9.md", A9),
    ]);
    s.assert_clean();
    s
}

fn auditor() -> Built {
    site().build_ok(&["--audience", "auditor"])
}

#[test]
fn internal_build_keeps_everything() {
    let built = site().build_ok(&[]);
    let all: String = built.tree().values().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
    for s in SECRETS {
        assert!(all.contains(s), "the internal edition shows {s:?}");
    }
    assert!(built.exists("actions/A-9/index.html") && built.exists("reviews/MR-2/index.html"));
}

#[test]
fn auditor_build_contains_no_confidential_or_planned_material() {
    let built = auditor();
    for (path, bytes) in built.tree() {
        let text = String::from_utf8_lossy(&bytes);
        for s in SECRETS {
            assert!(!text.contains(s), "{path} leaks {s:?}");
        }
    }
    for gone in
        ["actions/A-9/index.html", "reviews/MR-2/index.html", "reviews/MR-X/index.html", "reviews/MR-X/breach-list.csv"]
    {
        assert!(!built.exists(gone), "{gone} must not be published");
    }
    assert!(built.exists("actions/A-1/index.html") && built.exists("reviews/MR-1/index.html"));
}

#[test]
fn auditor_register_says_how_many_were_withheld() {
    let built = auditor();
    let register = built.read("actions/index.html");
    assert!(links_to(&register, "A-9/index.html").is_empty() && !register.contains("A-9"), "{register}");
    assert!(register.contains("1 withheld"), "the action register ends with \"1 withheld\":\n{register}");
    let reviews = built.read("reviews/index.html");
    assert!(!reviews.contains("MR-2") && !reviews.contains("MR-X"));
    assert!(
        reviews.contains("2 withheld"),
        "the review list counts the planned and the confidential review:\n{reviews}"
    );
}

#[test]
fn auditor_site_json_leaves_out_withheld_records() {
    let built = auditor();
    let json: serde_json::Value = serde_json::from_str(&built.read("exports/site.json")).expect("site.json parses");
    let ids = |kind: &str| -> Vec<String> {
        json[kind]
            .as_array()
            .unwrap_or_else(|| panic!("`{kind}` list"))
            .iter()
            .map(|r| r["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(ids("actions"), ["A-1"]);
    assert_eq!(ids("reviews"), ["MR-1"]);
    let mr1 = &json["reviews"][0];
    let decisions: Vec<&str> =
        mr1["decisions"].as_array().expect("decisions").iter().map(|d| d["id"].as_str().unwrap_or("")).collect();
    assert_eq!(decisions, ["D1"]);
    assert_eq!(mr1["action_updates"].as_array().expect("updates").len(), 1);
}

#[test]
fn auditor_review_page_drops_confidential_decisions_updates_and_sections() {
    let built = auditor();
    let html = built.read("reviews/MR-1/index.html");
    let ids: Vec<String> = tags(&html).iter().filter_map(|t| t.attr("id").map(str::to_string)).collect();
    assert!(ids.iter().any(|i| i == "D1") && !ids.iter().any(|i| i == "D2"), "{ids:?}");
    assert!(html.contains("Encrypt every laptop") && html.contains("Pilot finished"));
    assert!(!html.contains("Supplier exit"), "the confidential heading goes too");
    assert!(html.contains("Public again") && html.contains("Everyone may read this."), "the next section stays");
    assert!(html.to_lowercase().contains("not approved"), "a held review carries a \"not approved\" banner");
    assert!(html.contains("1 withheld"), "the decision list says one was withheld");
}

#[test]
fn auditor_link_to_withheld_action_is_the_plain_id() {
    let built = auditor();
    for (path, bytes) in built.tree() {
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(&bytes);
            let bad: Vec<String> = tags(&html)
                .iter()
                .filter_map(|t| t.attr("href").filter(|h| h.contains("A-9")).map(str::to_string))
                .collect();
            assert!(bad.is_empty(), "{path} links the withheld action: {bad:?}");
        }
    }
    let html = built.read("reviews/MR-1/index.html");
    let minutes = &html[html.find("Progress on").expect("minutes")..];
    let para = &minutes[..minutes.find("</p>").expect("end of paragraph")];
    assert!(para.contains("A-9"), "the plain ID stays: {para}");
}

#[test]
fn auditor_figures_equal_internal_figures() {
    // DESIGN §3: figures never depend on the audience.
    let s = site();
    let internal = s.build_ok(&[]);
    let audit = s.build_ok(&["--audience", "auditor"]);
    let figures = |b: &Built| -> Vec<String> {
        let html = b.read("index.html");
        html.split("class=\"card-figure\">").skip(1).map(|x| x[..x.find('<').unwrap_or(0)].to_string()).collect()
    };
    let (a, b) = (figures(&internal), figures(&audit));
    assert!(!a.is_empty(), "the dashboard shows headline figures");
    assert_eq!(a, b, "dashboard figures (open actions, overdue, open NCs, reviews) must not depend on the audience");
}

#[test]
fn unknown_audience_fails() {
    let s = site();
    let dir = tempfile::tempdir().expect("tempdir");
    let o = s.build(&dir.path().join("out"), &["--audience", "press"]);
    assert!(!o.status.success());
    assert!(!dir.path().join("out").exists());
}

#[test]
fn custom_audience_from_site_toml() {
    let s = site();
    s.write("site.toml", "title = \"T\"\nas_of = 2025-12-31\n\n[audiences.board]\ninclude_confidential = true\n");
    let built = s.build_ok(&["--audience", "board"]);
    assert!(built.exists("actions/A-9/index.html"), "board sees confidential records");
    assert!(!built.exists("reviews/MR-2/index.html"), "but not planned reviews");
}
