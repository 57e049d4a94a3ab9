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

/// Every `.md` record file under `content/`, site-relative, sorted.
fn record_files(root: &std::path::Path) -> Vec<String> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md") {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root.join("content"), root, &mut out);
    out.sort();
    out
}

/// A random sequence of edits of the kinds people make (titles, body text with new links,
/// measurements, confidentiality, closing an action, new actions and new reviews, which move
/// the series under records nobody touched), each followed by a cached build and a fresh one
/// that must be equal byte for byte. An edit that makes the site invalid is undone.
#[test]
fn random_edit_sequences_keep_cached_builds_equal_to_fresh_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    assert!(quorum(&["init", "--example", root.to_str().unwrap()]).status.success());
    let cache = Arc::new(PageCache::default());
    let files = record_files(&root);
    let ids = ids_of(&files);
    let mut next = random(0x5eed_1234);
    let _ = build(&root, Some(&cache));
    let mut applied = 0;
    for step in 0..40 {
        let (path, before) = random_edit(&root, &files, &ids, step, &mut next);
        let opts = ::quorum::Options::new(&root);
        let render = RenderOptions { serve: true, cache: Some(cache.clone()), ..RenderOptions::default() };
        match ::quorum::build(&opts, &render) {
            Ok((_, cached)) => {
                same(&cached, &build(&root, None));
                applied += 1;
            }
            Err(_) => undo(&root, &path, &before, step),
        }
    }
    assert!(applied >= 25, "only {applied} of 40 random edits made a valid site");
}

/// The record IDs of record files (their names without `.md`).
fn ids_of(files: &[String]) -> Vec<String> {
    files.iter().map(|f| f.rsplit('/').next().unwrap().trim_end_matches(".md").to_string()).collect()
}

/// A seeded generator of numbers below `n`, the same sequence on every run.
fn random(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    }
}

/// One random edit of the kinds people make, written: the file edited and its text before.
fn random_edit(
    root: &std::path::Path,
    files: &[String],
    ids: &[String],
    step: usize,
    next: &mut impl FnMut(usize) -> usize,
) -> (std::path::PathBuf, String) {
    let file = &files[next(files.len())];
    let path = root.join(file);
    let before = std::fs::read_to_string(&path).unwrap();
    let after = match next(7) {
        5 => {
            // A new review moves the series: carry-over and gaps of untouched records.
            let new = root.join(format!("content/reviews/MR-RANDOM-{step}.md"));
            std::fs::write(
                &new,
                format!(
                    "+++\ntitle = \"Extra review {step}\"\ndate = 2026-11-{:02}\nstatus = \"held\"\nchair = \"Ruth Okafor\"\n\n[[attendees]]\nname = \"Ruth Okafor\"\ntop_management = true\n+++\nDiscussed [[{}]].\n",
                    1 + step % 18,
                    ids[next(ids.len())]
                ),
            )
            .unwrap();
            before.clone()
        }
        6 if file.starts_with("content/actions/")
            && !before.contains("\nclosed =")
            && !before.contains("\ncancelled =") =>
        {
            before.replacen("\n+++\n", "\nclosed = 2026-11-19\n+++\n", 1)
        }
        0 => before.replacen("title = \"", &format!("title = \"Edit {step}: "), 1),
        1 => format!("{before}\nAlso see [[{}]].\n", ids[next(ids.len())]),
        2 => before.replacen("value = ", "value = 1", 1),
        3 => before.replacen("\n+++\n", "\nconfidential = true\n+++\n", 1),
        _ => {
            let new = root.join(format!("content/actions/A-RANDOM-{step}.md"));
            std::fs::write(
                &new,
                format!(
                    "+++\ntitle = \"New action {step}\"\nowner = \"Sam Reid\"\nraised = 2026-10-01\ndue = 2026-12-31\n+++\nFollows [[{}]].\n",
                    ids[next(ids.len())]
                ),
            )
            .unwrap();
            before.clone()
        }
    };
    std::fs::write(&path, &after).unwrap();
    (path, before)
}

/// Undoes [`random_edit`]: not every random edit makes a valid site (a confidential record
/// linked from a public one is fine, a `value = 1…` on a non-number is not).
fn undo(root: &std::path::Path, path: &std::path::Path, before: &str, step: usize) {
    std::fs::write(path, before).unwrap();
    let _ = std::fs::remove_file(root.join(format!("content/actions/A-RANDOM-{step}.md")));
    let _ = std::fs::remove_file(root.join(format!("content/reviews/MR-RANDOM-{step}.md")));
}

/// `quorum build` keeps the index of its record pages and a spare output beside the output,
/// and a rebuild takes unchanged pages from the output folder. After random edits, with pages
/// of the live output and of the spare tampered with now and then (same length, one byte
/// changed), every rebuild's output equals a build with `--no-cache` into a fresh folder.
#[test]
fn random_edit_sequences_keep_rebuilds_equal_to_fresh_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    assert!(quorum(&["init", "--example", root.to_str().unwrap()]).status.success());
    let (out, fresh) = (dir.path().join("out"), dir.path().join("fresh"));
    let spare = dir.path().join(".out.quorum-cache/spare");
    let build = |to: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["build", "--root", root.to_str().unwrap(), "--output-dir", to.to_str().unwrap()];
        args.extend(extra);
        quorum(&args)
    };
    let files = record_files(&root);
    let ids = ids_of(&files);
    let mut next = random(0xb017_d5ee);
    assert!(build(&out, &[]).status.success());
    let (mut applied, mut tampered) = (0, 0);
    for step in 0..30 {
        let (path, before) = random_edit(&root, &files, &ids, step, &mut next);
        // Now and then, a record page of the live output or of the spare is changed in place.
        if next(3) == 0 {
            let pages: Vec<std::path::PathBuf> = ["actions", "nonconformities", "objectives"]
                .iter()
                .flat_map(|k| std::fs::read_dir(out.join(k)).into_iter().flatten())
                .filter_map(|e| e.ok().map(|e| e.path().join("index.html")))
                .filter(|p| p.is_file())
                .collect();
            let page = &pages[next(pages.len())];
            let target = if next(2) == 0 || !spare.is_dir() {
                page.clone()
            } else {
                spare.join(page.strip_prefix(&out).unwrap())
            };
            if let Ok(mut bytes) = std::fs::read(&target) {
                let at = bytes.iter().position(|b| *b == b'<').unwrap();
                bytes[at] = b'{';
                std::fs::write(&target, bytes).unwrap();
                tampered += 1;
            }
        }
        let o = build(&out, &[]);
        if !o.status.success() {
            undo(&root, &path, &before, step);
            continue;
        }
        let _ = std::fs::remove_dir_all(&fresh);
        assert!(build(&fresh, &["--no-cache"]).status.success());
        crate::support::assert_same_tree(&crate::support::tree(&fresh), &crate::support::tree(&out));
        applied += 1;
    }
    assert!(applied >= 18 && tampered >= 5, "only {applied} of 30 random edits made a valid site, {tampered} tampered");
    assert!(!dir.path().join(".fresh.quorum-cache").exists(), "--no-cache keeps nothing beside its output");
}

/// A review that names an action nowhere still moves the series under it: made
/// extraordinary, it leaves the series, and the action's carry-over (a check shown on the
/// action's page) drops. The page must follow, though neither its file nor anything it names
/// changed.
#[test]
fn a_page_follows_figures_its_record_does_not_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("site.toml", "title = \"T\"\nas_of = 2026-06-30\ncarry_over_limit = 2\n");
    write(
        "content/actions/A-1.md",
        "+++\ntitle = \"Long job\"\nowner = \"Sam\"\nraised = 2024-01-10\ndue = 2024-03-31\n+++\nStill going.\n",
    );
    let review = |date: &str, kind: &str| {
        format!(
            "+++\ntitle = \"Review\"\ndate = {date}\nstatus = \"held\"\nkind = \"{kind}\"\nchair = \"C\"\n\n[[attendees]]\nname = \"C\"\ntop_management = true\n+++\nMet.\n"
        )
    };
    for (id, date) in [("R-1", "2024-06-30"), ("R-2", "2024-12-31"), ("R-3", "2025-06-30"), ("R-4", "2025-12-31")] {
        write(&format!("content/reviews/{id}.md"), &review(date, "scheduled"));
    }
    let page = |files: &[OutputFile]| {
        let f = files.iter().find(|f| f.path == "actions/A-1/index.html").expect("the action's page");
        String::from_utf8_lossy(&f.bytes).into_owned()
    };
    let cache = Arc::new(PageCache::default());
    let first = build(&root, Some(&cache));
    assert!(page(&first).contains("Still open after 4 management reviews"), "{}", page(&first));
    write("content/reviews/R-2.md", &review("2024-12-31", "extraordinary"));
    let moved = build(&root, Some(&cache));
    same(&moved, &build(&root, None));
    assert!(page(&moved).contains("Still open after 3 management reviews"));
}
