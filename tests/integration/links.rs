//! Links: every internal link is relative, names a file and resolves in the output (fragments
//! included); `[[ID]]`, `[[ID|text]]` and `[[REVIEW#D1]]` render as such; backlinks.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::support::{Site, links_to, percent_decode, quorum, tags, tree};

const BASE: &str = "https://isms.example.org/governance/";

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
+++
## Status of actions {#previous-actions}

We agreed [[A-1]].
"#;

const A1: &str = "+++\ntitle = \"Encrypt laptops\"\nowner = \"IT\"\nraised = 2025-06-18\ndue = 2026-06-30\norigin = \"MR-1#D1\"\n+++\nRoll out encryption.\n";

const A2: &str = "+++\ntitle = \"Buy licences\"\nowner = \"IT\"\nraised = 2025-06-20\ndue = 2026-03-31\n+++\nDepends on [[A-1]]; part of [[A-1|the encryption rollout]], decided in [[MR-1#D1]]. Lower case: [[a-1|lower]].\n\nSee [the plan](A-1.md) and [the scope](../pages/scope.md#boundaries).\n";

/// A folder record with an attachment.
const AUDIT: &str = "+++\ntitle = \"Internal audit\"\nkind = \"internal\"\nstart = 2025-04-01\n+++\nThe [report](audit-report.txt) and [again](./audit-report.txt).\n";

fn site() -> Site {
    Site::new(&[
        ("site.toml", &format!("title = \"T\"\nbase_url = \"{BASE}\"\nas_of = 2025-12-31\n")),
        ("content/_index.md", "+++\n+++\nStart at [[MR-1]] or [[scope]].\n"),
        ("content/reviews/MR-1.md", REVIEW),
        ("content/actions/A-1.md", A1),
        ("content/actions/A-2.md", A2),
        (
            "content/pages/scope.md",
            "+++\ntitle = \"Scope\"\nweight = 1\n+++\n## Boundaries\n\nAll of [[A-2]].\n\n![chart](figures/org.svg)\n",
        ),
        ("content/pages/figures/org.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ("content/audits/IA-1/index.md", AUDIT),
        ("content/audits/IA-1/audit-report.txt", "Report.\n"),
    ])
}

/// Problems with the links of every HTML file under `out`: absolute links, the base URL
/// outside canonical links, links to folders or missing files, fragments without a target,
/// and ids used twice in one page.
pub(crate) fn link_problems(out: &Path, base_host: &str) -> Vec<String> {
    let files = tree(out);
    let mut ids: BTreeMap<&str, HashSet<String>> = BTreeMap::new();
    let mut parsed = BTreeMap::new();
    for (path, bytes) in &files {
        if path.ends_with(".html") {
            let t = tags(std::str::from_utf8(bytes).unwrap_or_else(|_| panic!("{path} is not UTF-8")));
            ids.insert(path, t.iter().filter_map(|t| t.attr("id").map(str::to_string)).collect());
            parsed.insert(path.as_str(), t);
        }
    }
    let mut problems = Vec::new();
    for (page, page_tags) in &parsed {
        let mut seen = HashSet::new();
        for id in page_tags.iter().filter_map(|t| t.attr("id")) {
            if !seen.insert(id) {
                problems.push(format!("{page}: id=\"{id}\" is used twice"));
            }
        }
        for tag in page_tags {
            let canonical = tag.name == "link" && tag.attr("rel") == Some("canonical");
            for attr in ["href", "src"] {
                let Some(url) = tag.attr(attr) else { continue };
                if canonical {
                    if !url.contains(base_host) {
                        problems.push(format!("{page}: canonical link {url} is not under the base URL"));
                    }
                    continue;
                }
                if url.starts_with('/') {
                    problems.push(format!("{page}: absolute link {url}"));
                    continue;
                }
                if url.contains(base_host) {
                    problems.push(format!("{page}: link {url} uses the base URL"));
                    continue;
                }
                if url.contains("://") || url.starts_with("mailto:") || url.starts_with("data:") {
                    continue;
                }
                if url.contains(char::is_whitespace) {
                    problems.push(format!("{page}: {url:?} is not a valid URL (unescaped space)"));
                }
                let (path, frag) = url.split_once('#').unwrap_or((url, ""));
                let path = path.split('?').next().unwrap_or("");
                let target =
                    if path.is_empty() { Some(page.to_string()) } else { resolve(page, &percent_decode(path)) };
                let Some(target) = target else {
                    problems.push(format!("{page}: {url} leads outside the site"));
                    continue;
                };
                if !files.contains_key(&target) {
                    let why = if out.join(&target).is_dir() { "a folder, not a file" } else { "missing" };
                    problems.push(format!("{page}: {url} → {target} is {why}"));
                    continue;
                }
                // A register's filter state (`#status=overdue`) is read by its script, not an id;
                // only the registers (one folder deep: `actions/index.html`) take one.
                let register = target.matches('/').count() == 1 && target.ends_with("/index.html");
                let filter = frag.contains('=') && register;
                if !frag.is_empty()
                    && !filter
                    && target.ends_with(".html")
                    && !ids.get(target.as_str()).is_some_and(|s| s.contains(&percent_decode(frag)))
                {
                    problems.push(format!("{page}: {url} → no id=\"{frag}\" in {target}"));
                }
            }
        }
    }
    problems
}

/// `rel` resolved from the folder of `page` (both output-relative); `None` if it leaves the root.
fn resolve(page: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[test]
fn fixture_links_are_relative_and_resolve() {
    let built = site().build_ok(&[]);
    let problems = link_problems(&built.out, "isms.example.org");
    assert!(problems.is_empty(), "{problems:#?}");
    let html = built.read("actions/A-1/index.html");
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{BASE}actions/A-1/")), "canonical link:\n{html}");
}

#[test]
fn base_url_flag_feeds_only_canonical_links() {
    let built = site().build_ok(&["--base-url", "https://mirror.example.net/isms/"]);
    let problems = link_problems(&built.out, "mirror.example.net");
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(built.read("index.html").contains("https://mirror.example.net/isms/"), "canonical uses --base-url");
}

#[test]
fn example_site_links_are_relative_and_resolve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    let o = quorum(&["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output-dir", out.to_str().expect("UTF-8")]);
    crate::support::assert_success(&o, "build of the example site");
    let problems = link_problems(&out, "isms.fernhill.example");
    assert!(problems.is_empty(), "{} problems: {problems:#?}", problems.len());
}

#[test]
fn example_site_auditor_edition_links_resolve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    let o = quorum(&[
        "build",
        "--root",
        env!("CARGO_MANIFEST_DIR"),
        "--audience",
        "auditor",
        "--output-dir",
        out.to_str().expect("UTF-8"),
    ]);
    crate::support::assert_success(&o, "auditor build of the example site");
    let problems = link_problems(&out, "isms.fernhill.example");
    assert!(problems.is_empty(), "{} problems: {problems:#?}", problems.len());
}

#[test]
fn wikilink_shows_title_and_status() {
    let built = site().build_ok(&[]);
    let html = built.read("actions/A-2/index.html");
    let links = links_to(&html, "../../actions/A-1/index.html");
    let plain = links.iter().find(|l| l.contains(">A-1 Encrypt laptops</a>"));
    let plain = plain.unwrap_or_else(|| panic!("[[A-1]] shows the ID and title: {links:#?}"));
    let after = &html[html.find(plain).expect("in page") + plain.len()..];
    assert!(
        after.trim_start().starts_with("<span class=\"badge badge-open\">Open</span>"),
        "a status badge follows the link: {}",
        &after[..after.len().min(120)]
    );
}

#[test]
fn wikilink_with_text_uses_the_text() {
    let built = site().build_ok(&[]);
    let html = built.read("actions/A-2/index.html");
    let links = links_to(&html, "../../actions/A-1/index.html");
    assert!(links.iter().any(|l| l.ends_with(">the encryption rollout</a>")), "{links:#?}");
}

#[test]
fn wikilink_to_a_decision_targets_its_anchor() {
    let built = site().build_ok(&[]);
    let html = built.read("actions/A-2/index.html");
    assert!(!links_to(&html, "../../reviews/MR-1/index.html#D1").is_empty(), "{html}");
    let review = built.read("reviews/MR-1/index.html");
    assert!(tags(&review).iter().any(|t| t.attr("id") == Some("D1")), "the review page has id=\"D1\"");
}

#[test]
fn wikilinks_from_pages_and_home_are_relative_to_them() {
    let built = site().build_ok(&[]);
    assert!(!links_to(&built.read("scope/index.html"), "../actions/A-2/index.html").is_empty());
    let home = built.read("index.html");
    assert!(!links_to(&home, "reviews/MR-1/index.html").is_empty(), "{home}");
    assert!(!links_to(&home, "scope/index.html").is_empty());
}

#[test]
fn markdown_links_to_record_files_and_assets_are_rewritten() {
    let built = site().build_ok(&[]);
    let html = built.read("actions/A-2/index.html");
    assert!(
        !links_to(&html, "../../actions/A-1/index.html").iter().all(|l| l.contains("class=\"ref\"")),
        "[the plan](A-1.md) links the page"
    );
    assert!(!links_to(&html, "../../scope/index.html#boundaries").is_empty(), "{html}");
    let scope = built.read("scope/index.html");
    let srcs: Vec<String> = tags(&scope).iter().filter_map(|t| t.attr("src").map(str::to_string)).collect();
    assert_eq!(srcs.len(), 1, "{srcs:?}");
    let target = resolve("scope/index.html", &srcs[0]).expect("inside");
    assert!(built.exists(&target), "image {} → {target}", srcs[0]);
}

#[test]
fn backlinks_list_the_review_that_mentions_an_action() {
    let built = site().build_ok(&[]);
    let html = built.read("actions/A-1/index.html");
    let at = html.find("Referenced by").unwrap_or_else(|| panic!("no \"Referenced by\" section:\n{html}"));
    let section = &html[at..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    assert!(!links_to(section, "../../reviews/MR-1/index.html").is_empty(), "links back to the review: {section}");
    assert!(!links_to(section, "../../actions/A-2/index.html").is_empty(), "and to the action that mentions it");
    assert!(section.contains("D1"), "names the decision: {section}");
}

#[test]
fn link_checker_catches_bad_links() {
    // The checker itself: a hand-written output with one link of each bad kind.
    let dir = tempfile::tempdir().expect("tempdir");
    let page = "<a href=\"/abs/index.html\">a</a><a href=\"https://isms.example.org/x\">b</a>\
        <a href=\"missing.html\">c</a><a href=\"sub/\">d</a><a href=\"index.html#nowhere\">e</a>\
        <a href=\"../../out.html\">f</a><img src=\"img.png\"><a href=\"sub/index.html#a b\">g</a><a href=\"#top\" id=\"top\">ok</a><p id=\"top\">";
    std::fs::create_dir_all(dir.path().join("sub")).expect("mkdir");
    std::fs::write(dir.path().join("sub/index.html"), "<p>x</p>").expect("write");
    std::fs::write(dir.path().join("index.html"), page).expect("write");
    let problems = link_problems(dir.path(), "isms.example.org");
    assert_eq!(problems.len(), 10, "{problems:#?}");
}

#[test]
fn attachment_names_with_spaces_are_escaped_in_urls() {
    let audit = "+++\ntitle = \"Internal audit\"\nkind = \"internal\"\nstart = 2025-04-01\n+++\nThe [report](audit%20report.txt) and [again](<audit report.txt>).\n";
    let site =
        Site::new(&[("content/audits/IA-1/index.md", audit), ("content/audits/IA-1/audit report.txt", "Report.\n")]);
    site.assert_clean();
    let built = site.build_ok(&[]);
    assert!(built.exists("audits/IA-1/audit report.txt"));
    let problems = link_problems(&built.out, "example.invalid");
    assert!(problems.is_empty(), "every href is a valid URL that resolves: {problems:#?}");
}

#[test]
fn ids_in_links_ignore_case_and_link_the_canonical_page() {
    let built = site().build_ok(&[]);
    let html = built.read("actions/A-2/index.html");
    let links = links_to(&html, "../../actions/A-1/index.html");
    assert!(links.iter().any(|l| l.ends_with(">lower</a>")), "[[a-1|lower]] links A-1's page: {links:#?}");
}

#[test]
fn wikilinks_in_code_render_as_code() {
    let page = "+++\ntitle = \"Help\"\n+++\nWrite `[[A-1]]` to link.\n\n```\n[[A-1]]\n```\n";
    let site = Site::new(&[
        ("content/pages/help.md", page),
        ("content/actions/A-1.md", A1.replace("origin = \"MR-1#D1\"\n", "").as_str()),
    ]);
    let built = site.build_ok(&[]);
    let html = built.read("help/index.html");
    assert!(html.contains("<code>[[A-1]]</code>"), "{html}");
    assert!(html.contains("<pre><code>[[A-1]]\n</code></pre>"), "{html}");
    assert!(links_to(&html, "../actions/A-1/index.html").is_empty());
}

#[test]
fn titles_are_escaped_in_pages_and_links() {
    let a1 = "+++\ntitle = \"Fix <b>bold</b> & \\\"quotes\\\"\"\nowner = \"IT\"\nraised = 2025-06-18\ndue = 2026-06-30\n+++\n";
    let a2 = "+++\ntitle = \"Other\"\nowner = \"IT\"\nraised = 2025-06-18\ndue = 2026-06-30\n+++\nSee [[A-1]].\n";
    let built = Site::new(&[("content/actions/A-1.md", a1), ("content/actions/A-2.md", a2)]).build_ok(&[]);
    for page in ["actions/A-1/index.html", "actions/A-2/index.html", "actions/index.html"] {
        let html = built.read(page);
        assert!(!html.contains("<b>bold</b>"), "{page} must escape the title");
        assert!(
            html.contains("Fix &lt;b&gt;bold&lt;&#x2F;b&gt;") || html.contains("Fix &lt;b&gt;bold&lt;/b&gt;"),
            "{page}: {html}"
        );
    }
}
