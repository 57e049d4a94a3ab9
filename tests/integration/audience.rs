//! `--audience auditor`: planned reviews and everything confidential are left out (records,
//! decisions, action updates, `{.confidential}` sections, attachments); links to left-out
//! material show the plain ID; lists say what kind of entries they left out and how many;
//! figures stay the same; `check` warns where visible text would show a withheld ID bare.

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

const A9: &str = "+++\ntitle = \"Secret vendor exit\"\nowner = \"CFO\"\nraised = 2025-06-18\ndue = 2025-09-30\nconfidential = true\n+++\nLeave Acmecorp, as decided at [[MR-X]].\n";

const CONFIDENTIAL_REVIEW: &str = "+++\ntitle = \"Extraordinary review: breach\"\ndate = 2025-08-01\nstatus = \"held\"\nkind = \"extraordinary\"\nchair = \"CEO\"\nconfidential = true\n+++\nMinutes of the breach [list](breach-list.csv).\n";

/// A public page linking withheld material.
const NOTES: &str = "+++\ntitle = \"Notes\"\n+++\nBudget: [[MR-1#D2]].\n\nExit: [[A-9|the exit plan]].\n\n### Vendor {.confidential}\n\nAcmecorp again, [[A-9]].\n\n## After\n\nVisible after. Next: [[MR-2]].\n";

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
        ("content/pages/notes.md", NOTES),
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
    assert!(
        register.contains("<p class=\"withheld\">1 confidential action withheld.</p>"),
        "the action register says what it left out:\n{register}"
    );
    let reviews = built.read("reviews/index.html");
    assert!(!reviews.contains("MR-2") && !reviews.contains("MR-X"));
    assert!(
        reviews.contains("<p class=\"withheld\">1 planned review not included; 1 confidential review withheld.</p>"),
        "the review list names the planned and the confidential review apart:\n{reviews}"
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
    assert!(html.contains("1 resources decision withheld."), "the decision list says what kind was withheld");
    assert!(html.contains("1 confidential action update withheld."), "{html}");
    assert!(html.contains("1 confidential section withheld from this edition."), "the cut section is stated");
    let internal = site().build_ok(&[]).read("reviews/MR-1/index.html");
    assert!(!internal.contains("class=\"withheld\""), "the internal edition withholds nothing and says nothing of it");
    assert!(
        !internal.contains("mentions-withheld") && !internal.contains("bare ID"),
        "the check's warning is for authors, in quorum check, not for readers of the page"
    );
}

#[test]
fn auditor_link_to_withheld_action_is_the_plain_id() {
    let built = auditor();
    let html = built.read("reviews/MR-1/index.html");
    let minutes = &html[html.find("Progress on").expect("minutes")..];
    let para = &minutes[..minutes.find("</p>").expect("end of paragraph")];
    assert!(!para.contains("A-9/index.html") && !para.contains("<a class=\"ref\" href=\"../../actions/A-9"), "{para}");
    assert!(
        para.contains("<span class=\"ref-withheld\">A-9</span>") || para.contains("A-9"),
        "the plain ID stays: {para}"
    );
    assert!(!para.contains("Secret vendor exit"), "no title: {para}");
}

#[test]
fn auditor_link_with_text_to_withheld_record_shows_only_the_id() {
    // DESIGN §5: "A link to left-out material shows only the ID as plain text": the link
    // text an author wrote (which may describe the confidential matter) goes too.
    let built = auditor();
    let html = built.read("notes/index.html");
    let para = &html[html.find("Exit:").expect("Exit paragraph")..];
    let para = &para[..para.find("</p>").expect("end")];
    assert!(para.contains("A-9") && !para.contains("<a "), "{para}");
    assert!(!para.contains("the exit plan"), "only the ID is shown: {para}");
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

#[test]
fn auditor_wikilinks_to_withheld_material_are_plain_ids() {
    let built = auditor();
    let problems = crate::links::link_problems(&built.out, "example.invalid");
    assert!(problems.is_empty(), "{problems:#?}");
    let html = built.read("notes/index.html");
    for (what, id) in [("Budget:", "MR-1#D2"), ("Exit:", "A-9")] {
        let para = &html[html.find(what).unwrap_or_else(|| panic!("{what} paragraph"))..];
        let para = &para[..para.find("</p>").expect("end")];
        assert!(!para.contains("<a "), "{what} no link to withheld material: {para}");
        assert!(para.contains(id), "{what} shows the ID {id}: {para}");
    }
    assert!(html.contains("Visible after."), "a lower-rank confidential section ends at the next higher heading");
}

#[test]
fn auditor_markdown_links_to_withheld_material_are_plain_text() {
    // DESIGN §5: a link to left-out material shows only the ID as plain text; a Markdown link
    // to a withheld record's file or attachment must not stay a (dangling) link either.
    let s = site();
    s.write(
        "content/pages/documents.md",
        "+++\ntitle = \"Files\"\n+++\nPlan: [the plan](../actions/A-9.md).\n\nList: [breach list](../reviews/MR-X/breach-list.csv).\n",
    );
    s.assert_clean();
    let built = s.build_ok(&["--audience", "auditor"]);
    let problems = crate::links::link_problems(&built.out, "example.invalid");
    assert!(problems.is_empty(), "{problems:#?}");
    let html = built.read("documents/index.html");
    for what in ["Plan:", "List:"] {
        let para = &html[html.find(what).unwrap_or_else(|| panic!("{what} paragraph"))..];
        let para = &para[..para.find("</p>").expect("end")];
        assert!(!para.contains("<a "), "{what} no link to withheld material: {para}");
        assert!(!para.contains("breach-list"), "{what} no confidential file name: {para}");
    }
}

#[test]
fn auditor_backlinks_leave_out_confidential_relations() {
    let built = auditor();
    let html = built.read("actions/A-1/index.html");
    assert!(!html.contains("MR-X") && !html.contains("D2"), "{html}");
    // MR-1 mentions A-1 in its minutes (shown) and in a confidential update (withheld).
    assert!(html.contains("<p class=\"withheld\">1 confidential action update withheld.</p>"), "{html}");
    let secret = built.read("actions/index.html");
    assert!(secret.contains("1 confidential action withheld."), "{secret}");
}

/// A stretch of `text` that HTML and JSON escaping leave alone (up to 40 characters).
fn needle(text: &str) -> String {
    text.chars().take_while(|c| !"\"'&<>/\\\n".contains(*c)).take(40).collect()
}

/// Front matter of a record file as a TOML table.
fn front_matter(path: &std::path::Path) -> toml::Table {
    let text = std::fs::read_to_string(path).expect("read record");
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let rest = text.strip_prefix("+++\n").expect("front matter");
    let end = rest.find("\n+++").expect("closing +++");
    rest[..end].parse().unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn example_site_auditor_edition_leaks_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // What the example's records mark confidential or planned.
    let mut gone_pages = Vec::new();
    let mut gone_text = Vec::new();
    let content = crate::support::tree(&root.join("content"));
    for path in content.keys().filter(|p| p.ends_with(".md") && !p.ends_with("_index.md")) {
        let fm = front_matter(&root.join("content").join(path));
        let (folder, rest) = path.split_once('/').expect("kind folder");
        let id = rest.strip_suffix("/index.md").or_else(|| rest.strip_suffix(".md")).expect(".md");
        let id = id.rsplit('/').next().expect("file stem");
        let flag = |t: &toml::Table| t.get("confidential").and_then(toml::Value::as_bool) == Some(true);
        let planned = fm.get("status").and_then(toml::Value::as_str) == Some("planned");
        if flag(&fm) || (folder == "reviews" && planned) {
            let dir = if folder == "pages" { id.to_string() } else { format!("{folder}/{id}") };
            gone_pages.push(format!("{dir}/index.html"));
            gone_text.push(needle(fm["title"].as_str().expect("title")));
        }
        for (list, field) in [("decisions", "text"), ("action_updates", "note")] {
            for item in fm.get(list).and_then(toml::Value::as_array).into_iter().flatten() {
                let item = item.as_table().expect("table");
                if flag(item) {
                    gone_text.push(needle(item[field].as_str().expect("text")));
                }
            }
        }
    }
    assert!(!gone_pages.is_empty() && !gone_text.is_empty(), "the example site has confidential material");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    let o = crate::support::quorum(&[
        "build",
        "--root",
        env!("CARGO_MANIFEST_DIR"),
        "--audience",
        "auditor",
        "--output-dir",
        out.to_str().expect("UTF-8"),
    ]);
    crate::support::assert_success(&o, "auditor build of the example site");
    for page in &gone_pages {
        assert!(!out.join(page).exists(), "{page} must not be in the auditor edition");
    }
    for (path, bytes) in crate::support::tree(&out) {
        let text = String::from_utf8_lossy(&bytes)
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        for t in gone_text.iter().filter(|t| t.chars().count() >= 12) {
            assert!(!text.contains(t.as_str()), "{path} leaks {t:?}");
        }
    }
}

#[test]
fn loose_files_linked_only_from_confidential_sections_stay_out_of_the_auditor_edition() {
    let page = "+++\ntitle = \"Scope\"\n+++\nSee the [diagram](scope.txt).\n\n## Secret {.confidential}\n\nThe [breach list](breaches.txt).\n\n## Public\n\nDone.\n";
    let s = Site::new(&[
        ("content/pages/scope.md", page),
        ("content/pages/scope.txt", "diagram\n"),
        ("content/pages/breaches.txt", "names\n"),
    ]);
    let internal = s.build_ok(&[]);
    assert!(internal.exists("files/pages/scope.txt") && internal.exists("files/pages/breaches.txt"));
    let auditor = s.build_ok(&["--audience", "auditor"]);
    assert!(auditor.exists("files/pages/scope.txt"), "a file linked from shown text is published");
    assert!(!auditor.exists("files/pages/breaches.txt"), "a file linked only from a withheld section is not");
    assert!(!auditor.read("scope/index.html").contains("breach"));
}

#[test]
fn search_index_lists_only_what_the_audience_may_see() {
    let s = Site::new(&[
        ("content/actions/A-1.md", crate::support::ACTION),
        (
            "content/actions/A-2.md",
            &crate::support::ACTION
                .replace("+++\ntitle = \"Encrypt laptops\"", "+++\nconfidential = true\ntitle = \"Secret plan\""),
        ),
    ]);
    let internal = s.build_ok(&[]).read("search-index.js");
    assert!(
        internal.starts_with("window.QUORUM_SEARCH = [")
            && internal.contains("\"A-2\"")
            && internal.contains("Secret plan")
    );
    let auditor = s.build_ok(&["--audience", "auditor"]).read("search-index.js");
    assert!(auditor.contains("\"A-1\"") && !auditor.contains("A-2") && !auditor.contains("Secret"), "{auditor}");
}

#[test]
fn auditor_backlinks_leave_out_links_in_confidential_sections() {
    // DESIGN §5: a `.confidential` section is left out before anything is rendered, so a
    // `[[link]]` inside it must not publish anything either: not even the fact that the
    // review mentions the action ("mentioned in the minutes" under "Referenced by").
    let review = "+++\ntitle = \"Management review 2025\"\ndate = 2025-06-18\nstatus = \"held\"\nchair = \"Ann Chair\"\n+++\n## Public\n\nNothing to see.\n\n## Secret {.confidential}\n\nThe vendor behind [[A-1]] is about to be replaced.\n\n## After\n\nVisible again.\n";
    let s = Site::new(&[("content/reviews/MR-1.md", review), ("content/actions/A-1.md", crate::support::ACTION)]);
    s.assert_clean();
    let internal = s.build_ok(&[]).read("actions/A-1/index.html");
    assert!(
        internal.contains("mentioned in the minutes")
            && !links_to(&internal, "../../reviews/MR-1/index.html").is_empty(),
        "sanity: the internal edition lists the review under \"Referenced by\":\n{internal}"
    );
    let built = s.build_ok(&["--audience", "auditor"]);
    assert!(!built.read("reviews/MR-1/index.html").contains("vendor behind"), "the section itself is withheld");
    let html = built.read("actions/A-1/index.html");
    assert!(
        links_to(&html, "../../reviews/MR-1/index.html").is_empty() && !html.contains("MR-1"),
        "the auditor edition of A-1 must not name the review whose only mention of it is in a confidential section:\n{html}"
    );
    assert!(!html.contains("mentioned in the minutes"), "{html}");
}

#[test]
fn check_warns_where_visible_text_mentions_withheld_material() {
    let s = site();
    let (code, diags) = s.check_json(&[]);
    assert_eq!(code, 0, "a content warning, not an error: {diags:#?}");
    let found: Vec<(String, usize, usize, String)> = diags
        .iter()
        .filter(|d| d.code == "mentions-withheld")
        .map(|d| (d.file.clone(), d.line, d.column, d.message.clone()))
        .collect();
    let at = |file: &str, line, column, start: &str| {
        found.iter().any(|(f, l, c, m)| f == file && *l == line && *c == column && m.starts_with(start))
    };
    // MR-1's minutes: "Progress on [[A-1]]. The exit plan is [[A-9]], see also [[A-9|the exit plan]]."
    let minutes = "content/reviews/MR-1.md";
    let line = REVIEW.lines().position(|l| l.contains("The exit plan is")).expect("line") + 1;
    assert!(at(minutes, line, 39, "`[[A-9]]` is a confidential action, left out of the auditor edition"), "{found:#?}");
    assert!(at(minutes, line, 57, "`[[A-9]]` is a confidential action"), "{found:#?}");
    let notes = "content/pages/notes.md";
    assert!(at(notes, 4, 9, "`[[MR-1#D2]]` is a confidential decision"), "{found:#?}");
    assert!(at(notes, 6, 7, "`[[A-9]]` is a confidential action"), "{found:#?}");
    assert!(at(notes, 14, 22, "`[[MR-2]]` is a planned review"), "{found:#?}");
    // Not warned: the link inside the confidential section of the notes, A-9's own link to
    // MR-X (a withheld record's text is withheld with it), and MR-1's link to A-1.
    assert_eq!(found.len(), 5, "{found:#?}");
    let d = diags.iter().find(|d| d.code == "mentions-withheld").expect("one");
    assert_eq!(d.severity, "warning");
    assert!(d.hint.as_deref().unwrap_or("").contains(".confidential"), "{d:?}");
    let (code, _) = s.check_json(&["--deny-warnings"]);
    assert_eq!(code, 1, "--deny-warnings stops it in CI");
}

#[test]
fn withheld_mentions_name_every_audience_that_would_see_the_bare_id() {
    let s = site();
    s.write(
        "site.toml",
        "title = \"T\"\nas_of = 2025-12-31\n\n[audiences.board]\ninclude_confidential = true\n\n[audiences.staff]\ninclude_confidential = true\ninclude_planned = true\n",
    );
    let (_, diags) = s.check_json(&[]);
    let messages: Vec<&str> =
        diags.iter().filter(|d| d.code == "mentions-withheld").map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("`[[MR-2]]` is a planned review, left out of the auditor, board editions")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("`[[A-9]]` is a confidential action, left out of the auditor edition:")),
        "the board sees confidential records, so only the auditor edition is named: {messages:#?}"
    );
}

#[test]
fn search_index_holds_the_words_each_edition_shows() {
    let internal = site().build_ok(&[]).read("search-index.js");
    for words in ["Visible after. Next: MR-2.", "Acmecorp again, A-9."] {
        assert!(internal.contains(words), "the internal index holds {words:?}: {internal}");
    }
    let auditor = auditor().read("search-index.js");
    assert!(auditor.contains("Visible after."), "the shown text is indexed: {auditor}");
    assert!(!auditor.contains("Acmecorp") && !auditor.contains("Vendor"), "a cut section is not: {auditor}");
}
