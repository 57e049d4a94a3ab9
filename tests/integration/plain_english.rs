//! What a reader sees is English: no diagnostic code, backtick, TOML field name or framework
//! key in the visible text of any page of the example site, the features fixture or the
//! two-systems fixture, in either edition (codes stay in `quorum check`). Author text in
//! `<code>` is the author's.

use std::path::Path;

use crate::support::{assert_success, quorum};

/// The visible text of a page: tags dropped, `script`, `style`, `code` and `pre` left out,
/// the few entities the renderer writes decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        rest = &rest[lt..];
        let name: String =
            rest[1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        let gt = rest.find('>').map_or(rest.len(), |i| i + 1);
        rest = &rest[gt..];
        if ["script", "style", "code", "pre"].contains(&name.as_str()) {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |i| &rest[i..]);
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// The diagnostic codes of docs/errors.md (`| `code` | … |` rows of its tables).
fn codes() -> Vec<String> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md")).unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `")?.split_once('`').map(|(c, _)| c.to_string()))
        .filter(|c| c.contains('-') && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        .collect()
}

fn problems_in(site: &Path, out: &Path, problems: &mut Vec<String>) {
    let codes = codes();
    assert!(codes.iter().any(|c| c == "missing-output"), "codes read from docs/errors.md: {codes:?}");
    // The framework input keys of the built-in frameworks, as written in site.toml.
    let keys = ["previous-actions", "interested-parties", "nonconformities-trend"];
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "html") {
                continue;
            }
            let rel = path.strip_prefix(out).unwrap().display().to_string();
            let text = visible_text(&std::fs::read_to_string(&path).unwrap());
            let mut flag = |what: &str, at: usize| {
                let mut from = at.saturating_sub(50);
                while !text.is_char_boundary(from) {
                    from -= 1;
                }
                let mut to = (at + 50).min(text.len());
                while !text.is_char_boundary(to) {
                    to += 1;
                }
                problems.push(format!(
                    "{}: {rel}: {what}: …{}…",
                    site.display(),
                    text[from..to].split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            };
            if let Some(at) = text.find('`') {
                flag("a backtick", at);
            }
            for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
                let snake = word.contains('_')
                    && word.split('_').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()));
                if snake || codes.iter().any(|c| c == word) || keys.contains(&word) {
                    let at = text.find(word).unwrap_or(0);
                    flag(&format!("`{word}`"), at);
                }
            }
        }
    }
}

#[test]
fn pages_show_no_codes_field_names_or_keys() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for site in [root.to_path_buf(), root.join("tests/fixtures/features"), root.join("tests/fixtures/two-systems")] {
        for audience in ["internal", "auditor"] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("public");
            let o = quorum(&[
                "build",
                "--root",
                site.to_str().unwrap(),
                "--audience",
                audience,
                "--no-history",
                "--output-dir",
                out.to_str().unwrap(),
            ]);
            assert_success(&o, "build");
            problems_in(&site, &out, &mut problems);
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
