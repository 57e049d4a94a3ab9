//! The page cache serve uses must never change what is built: after any edit, a build that
//! reuses cached pages equals a fresh build byte for byte.

use std::sync::Arc;

use quorum::{OutputFile, PageCache, RenderOptions};

use crate::support::quorum;

fn build(root: &std::path::Path, cache: Option<&Arc<PageCache>>) -> Vec<OutputFile> {
    let opts = ::quorum::Options::new(root);
    let render = RenderOptions { serve: true, cache: cache.cloned(), ..RenderOptions::default() };
    match ::quorum::build(&opts, &render) {
        Ok((_, files)) => files,
        Err(e) => panic!("build failed: {e:?}"),
    }
}

fn same(a: &[OutputFile], b: &[OutputFile]) {
    assert_eq!(a.len(), b.len(), "same files");
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.path, y.path);
        assert!(x.bytes == y.bytes, "{} differs between cached and fresh builds", x.path);
    }
}

#[test]
fn cached_builds_equal_fresh_builds_after_edits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    assert!(quorum(&["init", "--example", root.to_str().unwrap()]).status.success());
    let site = root.as_path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let cache = Arc::new(PageCache::default());
    let first = build(site, Some(&cache));
    same(&first, &build(site, None));
    // A second build reuses every page and still equals a fresh one.
    assert_eq!(cache.hits(), 0);
    same(&build(site, Some(&cache)), &first);
    let pages = first.iter().filter(|f| f.path.ends_with(".html")).count();
    assert_eq!(cache.hits(), pages, "every page came from the cache");
    // An action's title appears on its page, the register, the reviews that mention it…
    let path = "content/actions/2025/A-2025-007.md";
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    write(path, &text.replace("Encrypt all depot laptops with BitLocker", "Encrypt every depot laptop"));
    let edited = build(site, Some(&cache));
    let reused = cache.hits() - pages;
    assert!(reused > 0 && reused < pages, "most pages reused, the changed ones rendered: {reused} of {pages}");
    same(&edited, &build(site, None));
    assert!(
        edited.iter().any(|f| f.path == "actions/index.html"
            && String::from_utf8_lossy(&f.bytes).contains("Encrypt every depot laptop"))
    );
    // A site template change reaches every page that uses it.
    write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p>custom {{ page.title }}</p>{% endblock content %}",
    );
    same(&build(site, Some(&cache)), &build(site, None));
}

/// Objective charts are drawn once per set of inputs and reused (on the objective's page, on
/// /trends/, and by every rebuild of `serve`): an edited measurement must still be drawn anew.
#[test]
fn an_edited_measurement_is_drawn_anew() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    assert!(quorum(&["init", "--example", root.to_str().unwrap()]).status.success());
    let page = |files: &[OutputFile]| {
        let f = files.iter().find(|f| f.path == "objectives/OBJ-01/index.html").expect("the objective's page");
        String::from_utf8_lossy(&f.bytes).into_owned()
    };
    let trends = |files: &[OutputFile]| {
        let f = files.iter().find(|f| f.path == "trends/index.html").expect("trends");
        String::from_utf8_lossy(&f.bytes).into_owned()
    };
    let before = build(&root, None);
    assert!(page(&before).contains(">51 %<"), "the latest measurement is labelled in the chart");
    let path = root.join("content/objectives/OBJ-01.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("value = 51\n").count(), 1);
    std::fs::write(&path, text.replace("value = 51\n", "value = 57\n")).unwrap();
    let after = build(&root, None);
    for html in [page(&after), trends(&after)] {
        assert!(html.contains(">57 %<") && !html.contains(">51 %<"), "the chart shows the edited value");
    }
}
