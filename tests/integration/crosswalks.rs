//! Crosswalks (docs/crosswalks.md): each implicit rule and the explicit tags on a small site
//! whose every expectation is worked out by hand below, the 12-month boundary, redaction in
//! the auditor edition, the unknown-requirement error, and a crosswalk defined in site.toml.
//!
//! As of 2026-06-30, with 12-month intervals:
//! - R-1 (2025-06-12, approved, top management present) covers risk and nonconformities,
//!   has an empty Issues heading, and decides D1 (policy) and D2 (resources).
//! - R-2 (2026-01-15, held, no top management) covers performance, decides D1
//!   (risk acceptance) and D2 (improvement, tagged NIS2 Art. 20(1)), and gives an update on
//!   A-1 tagged DORA Art. 5(4).
//! - A-1 closed 2025-09-20, tagged NIS2 Art. 20(2); A-2 open, tagged the same (does not count).
//! - NC-1 raised 2025-07-01, closed 2025-08-10 with A-1: 40 days. NC-2 raised 2026-02-01,
//!   confidential, tagged SOC2 CC4.2.
//! - O-1 measured 2026-03-31. AU-1 ran 2026-04-01 to 2026-04-03.

use serde_json::Value;

use crate::support::Site;

const SITE: &str = "title = \"T\"\nas_of = 2026-06-30\ncrosswalks = [\"soc2\", \"nis2\", \"dora\"]\n";

const R1: &str = "+++\ntitle = \"Review one\"\ndate = 2025-06-12\nstatus = \"approved\"\napproved_by = \"C\"\napproved_on = 2025-06-20\nchair = \"C\"\n\
    [[attendees]]\nname = \"C\"\ntop_management = true\n\
    [[decisions]]\nid = \"D1\"\ntext = \"Policy v2 approved.\"\nkind = \"policy\"\n\
    [[decisions]]\nid = \"D2\"\ntext = \"Fund a SOC analyst.\"\nkind = \"resources\"\n+++\n\
    ## Risk {#risk}\n\nDiscussed the register.\n\n## Nonconformities {#nonconformities}\n\nTwo open.\n\n## Issues {#issues}\n";

const R2: &str = "+++\ntitle = \"Review two\"\ndate = 2026-01-15\nstatus = \"held\"\nchair = \"M\"\n\
    [[attendees]]\nname = \"M\"\n\
    [[decisions]]\nid = \"D1\"\ntext = \"Accept R-9.\"\nkind = \"risk_acceptance\"\n\
    [[decisions]]\nid = \"D2\"\ntext = \"Measures for 2026 approved.\"\nkind = \"improvement\"\nrequirements = [\"NIS2 Art. 20(1)\"]\n\
    [[action_updates]]\naction = \"A-1\"\nnote = \"Board briefed on ICT risk.\"\nrequirements = [\"DORA Art. 5(4)\"]\n+++\n\
    ## Performance {#performance}\n\nKPIs reviewed.\n";

fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE),
        ("content/reviews/R-1.md", R1),
        ("content/reviews/R-2.md", R2),
        (
            "content/actions/A-1.md",
            "+++\ntitle = \"Board training\"\nowner = \"C\"\nraised = 2025-06-12\ndue = 2025-09-30\nclosed = 2025-09-20\nrequirements = [\"NIS2 Art. 20(2)\"]\n+++\n",
        ),
        (
            "content/actions/A-2.md",
            "+++\ntitle = \"Board training 2026\"\nowner = \"C\"\nraised = 2026-01-15\ndue = 2026-09-30\nrequirements = [\"NIS2 Art. 20(2)\"]\n+++\n",
        ),
        (
            "content/nonconformities/NC-1.md",
            "+++\ntitle = \"Leavers\"\nraised = 2025-07-01\nseverity = \"minor\"\nsource = \"self\"\nactions = [\"A-1\"]\nclosed = 2025-08-10\nroot_cause = \"R\"\n+++\n",
        ),
        (
            "content/nonconformities/NC-2.md",
            "+++\ntitle = \"Secret finding\"\nraised = 2026-02-01\nseverity = \"minor\"\nsource = \"self\"\nconfidential = true\nrequirements = [\"SOC2 CC4.2\"]\n+++\n",
        ),
        (
            "content/objectives/O-1.md",
            "+++\ntitle = \"Patch\"\ntarget = 95\ndirection = \"higher_better\"\nunit = \"%\"\n[[measurements]]\ndate = 2026-03-31\nvalue = 96\n+++\n",
        ),
        (
            "content/audits/AU-1.md",
            "+++\ntitle = \"Internal audit\"\nkind = \"internal\"\nstart = 2026-04-01\nend = 2026-04-03\n+++\n",
        ),
    ])
}

fn site_json(built: &crate::support::Built) -> Value {
    serde_json::from_str(&built.read("exports/site.json")).unwrap()
}

/// (standing, latest) and the evidence (date, label) of a requirement in site.json.
fn requirement(json: &Value, reference: &str) -> (String, Option<String>, Vec<(String, String)>) {
    let r = json["crosswalks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["requirements"].as_array().unwrap())
        .find(|r| r["reference"] == reference)
        .unwrap_or_else(|| panic!("{reference} not in site.json"));
    let standing = r["standing"]["status"].as_str().unwrap().to_string();
    let latest = r["standing"]["latest"].as_str().map(String::from);
    let evidence = r["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["date"].as_str().unwrap().to_string(), e["label"].as_str().unwrap().to_string()))
        .collect();
    (standing, latest, evidence)
}

fn ev(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn each_rule_finds_the_evidence_worked_out_by_hand() {
    let s = site();
    s.assert_clean();
    let json = site_json(&s.build_ok(&[]));
    let r = |reference| requirement(&json, reference);
    // Top management present only at R-1: stale 12 months on.
    assert_eq!(r("SOC2 CC1.2"), ("stale".into(), Some("2025-06-12".into()), ev(&[("2025-06-12", "R-1")])));
    assert_eq!(r("SOC2 CC1.3"), ("stale".into(), Some("2025-06-12".into()), ev(&[("2025-06-12", "R-1, decision D2")])));
    // No review covers the objectives; O-1's measurement counts.
    assert_eq!(r("SOC2 CC2.2"), ("current".into(), Some("2026-03-31".into()), ev(&[("2026-03-31", "O-1")])));
    assert_eq!(r("SOC2 CC3.2"), ("stale".into(), Some("2025-06-12".into()), ev(&[("2025-06-12", "R-1")])));
    // An empty heading does not cover an input.
    assert_eq!(r("SOC2 CC3.4"), ("never".into(), None, vec![]));
    assert_eq!(r("SOC2 CC4.1"), ("current".into(), Some("2026-04-03".into()), ev(&[("2026-04-03", "AU-1")])));
    // R-1 reports its nonconformities; NC-2 is tagged.
    assert_eq!(
        r("SOC2 CC4.2"),
        ("current".into(), Some("2026-02-01".into()), ev(&[("2026-02-01", "NC-2"), ("2025-06-12", "R-1")]))
    );
    assert_eq!(r("SOC2 CC5.3"), ("stale".into(), Some("2025-06-12".into()), ev(&[("2025-06-12", "R-1, decision D1")])));
    // R-2's risk acceptance had no top management present: only its tagged D2 and R-1's
    // policy decision count.
    assert_eq!(
        r("NIS2 Art. 20(1)"),
        (
            "current".into(),
            Some("2026-01-15".into()),
            ev(&[("2026-01-15", "R-2, decision D2"), ("2025-06-12", "R-1, decision D1")])
        )
    );
    // The closed action counts on its closing date; the open one does not.
    assert_eq!(r("NIS2 Art. 20(2)"), ("current".into(), Some("2025-09-20".into()), ev(&[("2025-09-20", "A-1")])));
    assert_eq!(
        r("NIS2 Art. 21(2)(f)"),
        ("current".into(), Some("2026-04-03".into()), ev(&[("2026-04-03", "AU-1"), ("2026-01-15", "R-2")]))
    );
    assert_eq!(r("NIS2 Art. 21(4)"), ("current".into(), Some("2025-08-10".into()), ev(&[("2025-08-10", "NC-1")])));
    assert_eq!(
        r("DORA Art. 5(2)"),
        ("stale".into(), Some("2025-06-12".into()), ev(&[("2025-06-12", "R-1, decision D1")]))
    );
    // The tagged action update counts on its review's date.
    assert_eq!(r("DORA Art. 5(4)"), ("current".into(), Some("2026-01-15".into()), ev(&[("2026-01-15", "R-2")])));
    assert_eq!(r("DORA Art. 6(5)"), ("stale".into(), Some("2025-06-12".into()), ev(&[("2025-06-12", "R-1")])));
    // The new `requirements` of actions and action updates are in site.json (DESIGN §9).
    let a1 = json["actions"].as_array().unwrap().iter().find(|a| a["id"] == "A-1").unwrap();
    assert_eq!(a1["requirements"], serde_json::json!(["NIS2 Art. 20(2)"]));
    let r2 = json["reviews"].as_array().unwrap().iter().find(|r| r["id"] == "R-2").unwrap();
    assert_eq!(r2["action_updates"][0]["requirements"], serde_json::json!(["DORA Art. 5(4)"]));
    // NC-1's time to close is stated.
    let page = s.build_ok(&[]).read("evidence/nis2/index.html");
    assert!(page.contains("Leavers: closed 40 days after it was raised, with 1 corrective action"), "{page}");
}

#[test]
fn stale_and_missing_requirements_are_status_warnings_at_their_crosswalk() {
    let (code, diags) = site().check_json(&[]);
    assert_eq!(code, 0);
    let w: Vec<_> = diags.iter().filter(|d| d.code == "crosswalk-evidence").collect();
    // SOC2 CC1.2, CC1.3, CC3.2, CC3.4, CC5.3; DORA Art. 5(2), Art. 6(5).
    assert_eq!(w.len(), 7, "{w:#?}");
    assert!(w.iter().all(|d| d.severity == "warning" && d.file == "site.toml" && d.line == 3));
    let cc34 = w.iter().find(|d| d.message.starts_with("SOC2 CC3.4")).unwrap();
    assert_eq!(
        cc34.message,
        "SOC2 CC3.4: no review covering changes in internal and external issues in the records (expected every 12 months)"
    );
    let cc12 = w.iter().find(|d| d.message.starts_with("SOC2 CC1.2")).unwrap();
    assert_eq!(
        cc12.message,
        "SOC2 CC1.2: no review with top management present since 2025-06-12 (expected every 12 months)"
    );
    // --deny-warnings stops CI on them, as on every status warning.
    let (code, _) = site().check_json(&["--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn exactly_twelve_months_after_the_latest_evidence_is_still_current() {
    let s = site();
    let on_the_day = site_json(&s.build_ok(&["--as-of", "2026-06-12"]));
    assert_eq!(requirement(&on_the_day, "SOC2 CC1.2").0, "current");
    let day_after = site_json(&s.build_ok(&["--as-of", "2026-06-13"]));
    assert_eq!(requirement(&day_after, "SOC2 CC1.2").0, "stale");
}

#[test]
fn an_auditor_edition_counts_withheld_evidence_and_says_withheld() {
    let built = site().build_ok(&["--audience", "auditor"]);
    let json = site_json(&built);
    let (standing, latest, evidence) = requirement(&json, "SOC2 CC4.2");
    assert_eq!((standing.as_str(), latest.as_deref()), ("current", Some("2026-02-01")), "it still counts");
    assert_eq!(evidence, ev(&[("2026-02-01", ""), ("2025-06-12", "R-1")]), "without its ID");
    let page = built.read("evidence/soc2/index.html");
    assert!(page.contains("withheld from this edition (a confidential nonconformity)"));
    assert!(!page.contains("NC-2") && !page.contains("Secret finding"), "nothing of it shows");
    let csv = built.read("exports/crosswalk-soc2.csv");
    assert!(!csv.contains("NC-2") && csv.contains("withheld from this edition"));
}

#[test]
fn pages_and_exports_for_each_enabled_crosswalk() {
    let built = site().build_ok(&[]);
    for name in ["soc2", "nis2", "dora"] {
        assert!(built.exists(&format!("evidence/{name}/index.html")));
        let csv = built.read(&format!("exports/crosswalk-{name}.csv"));
        assert!(
            csv.trim_start_matches('\u{feff}').starts_with("requirement,title,standing,date,evidence,what,why\r\n")
        );
    }
    let evidence = built.read("evidence/index.html");
    assert!(
        evidence.contains("href=\"../evidence/nis2/index.html\"") && evidence.contains("4 of 4 requirements evidenced")
    );
    let soc2 = built.read("evidence/soc2/index.html");
    assert!(soc2.contains("href=\"../../reviews/R-1/index.html#D2\""), "a decision links to its anchor");
    assert!(soc2.contains("Stale since 2026-06-12: latest evidence 2025-06-12") && soc2.contains("Never evidenced"));
    // The dashboard's "Needs attention" lists the seven requirements without recent evidence.
    let home = built.read("index.html");
    let group = &home[home.find("id=\"attention-crosswalks\"").expect("the group")..];
    let group = &group[..group.find("</ul>").unwrap()];
    assert!(group.contains("Requirements without recent evidence <span class=\"count\">(7)</span>"), "{group}");
    assert!(group.contains("href=\"evidence/soc2/index.html#soc2-cc3-4\"") && group.contains("Never evidenced."));
    // Without `crosswalks`, nothing of this is built.
    let s = site();
    s.write("site.toml", "title = \"T\"\nas_of = 2026-06-30\n");
    let plain = s.build_ok(&[]);
    assert!(!plain.exists("evidence/soc2/index.html") && !plain.exists("exports/crosswalk-soc2.csv"));
    assert_eq!(site_json(&plain)["crosswalks"], serde_json::json!([]));
}

#[test]
fn a_reference_to_a_requirement_an_enabled_crosswalk_lacks_is_an_error() {
    let s = site();
    s.write(
        "content/reviews/R-2.md",
        &R2.replace(
            "requirements = [\"NIS2 Art. 20(1)\"]",
            "requirements = [\"NIS2 Art 20(1)\", \"ISO27001:2022 A.5.18\"]",
        ),
    );
    let errors = s.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert_eq!((e.code.as_str(), e.file.as_str(), e.line), ("unknown-requirement", "content/reviews/R-2.md", 16));
    assert_eq!(e.message, "`NIS2 Art 20(1)` is not a requirement of the NIS2 Directive crosswalk");
    assert!(e.hint.as_deref().unwrap().starts_with("did you mean `NIS2 Art. 20(1)`?"), "{:?}", e.hint);
    // A crosswalk that is not enabled: free text.
    s.write("site.toml", "title = \"T\"\nas_of = 2026-06-30\ncrosswalks = [\"soc2\"]\n");
    s.assert_clean();
    // An unknown crosswalk name is an error at its place in site.toml.
    s.write("site.toml", "title = \"T\"\nas_of = 2026-06-30\ncrosswalks = [\"soc3\"]\n");
    let errors = s.errors();
    assert_eq!((errors[0].code.as_str(), errors[0].line), ("unknown-value", 3));
    assert!(errors[0].hint.as_deref().unwrap().starts_with("did you mean `soc2`?"));
}

#[test]
fn a_crosswalk_defined_in_site_toml() {
    let s = site();
    s.write(
        "site.toml",
        "title = \"T\"\nas_of = 2026-06-30\n\n[crosswalks]\nenabled = [\"group\", \"nis2\"]\n\n\
         [crosswalks.group]\ntitle = \"Group security policy\"\nprefix = \"GRP\"\n\
         [[crosswalks.group.requirements]]\nref = \"P-1\"\ntitle = \"The board reviews the ISMS every year\"\ninterval_months = 12\n\
         evidence = [{ rule = \"reviews\" }, { rule = \"top_management\" }]\n\
         [[crosswalks.group.requirements]]\nref = \"P-2\"\ntitle = \"Risks are reviewed every six months\"\ninterval_months = 6\n\
         evidence = [{ rule = \"reviews\", inputs = [\"risk\"] }]\n",
    );
    s.assert_clean();
    let json = site_json(&s.build_ok(&[]));
    assert_eq!(requirement(&json, "GRP P-1").0, "current");
    assert_eq!(requirement(&json, "GRP P-1").2, ev(&[("2026-01-15", "R-2"), ("2025-06-12", "R-1")]));
    assert_eq!(requirement(&json, "GRP P-2").0, "stale");
    // A rule naming an input the framework lacks, or an unknown rule, is an error.
    s.write(
        "site.toml",
        "title = \"T\"\n[crosswalks.group]\ntitle = \"G\"\nprefix = \"GRP\"\n\
         [[crosswalks.group.requirements]]\nref = \"P-1\"\ntitle = \"T\"\nevidence = [{ rule = \"reviews\", inputs = [\"risks\"] }]\n",
    );
    let errors = s.errors();
    assert!(
        errors.iter().any(|e| e.message.contains("`risks` is not an input of the site's framework")),
        "{errors:#?}"
    );
    s.write(
        "site.toml",
        "title = \"T\"\n[crosswalks.group]\ntitle = \"G\"\nprefix = \"GRP\"\n\
         [[crosswalks.group.requirements]]\nref = \"P-1\"\ntitle = \"T\"\nevidence = [{ rule = \"meetings\" }]\n",
    );
    let errors = s.errors();
    assert!(
        errors.iter().any(|e| e.message.starts_with("crosswalk `group`: unknown variant `meetings`")),
        "{errors:#?}"
    );
    // A name is a folder of the output: one that could leave it, or any other odd name, is an
    // error before anything is built.
    for name in ["../../escape", "a/b", "Group", ""] {
        s.write(
            "site.toml",
            &format!(
                "title = \"T\"\n[crosswalks.\"{name}\"]\ntitle = \"G\"\nprefix = \"GRP\"\n\
                 [[crosswalks.\"{name}\".requirements]]\nref = \"P-1\"\ntitle = \"T\"\n"
            ),
        );
        let errors = s.errors();
        assert!(
            errors
                .iter()
                .any(|e| e.code == "invalid-id" && e.message == format!("crosswalk name `{name}` is not valid")),
            "{name}: {errors:#?}"
        );
    }
}
