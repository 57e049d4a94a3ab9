//! Files a build writes besides the pages: templates read, static files, attachments and the
//! search index.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::RenderError;
use crate::context as ctx;
use crate::fingerprint::{Key, Strong, fingerprint};
use crate::model::{Published, shown_at};
use crate::output::OutputFile;
use crate::record::Kind;
use crate::site_map;

/// Theme templates, overridden file by file by the site's own `templates/`.
/// The templates, and a fingerprint of their sources (part of every page-cache key), fast and
/// strong.
pub(super) fn templates(root: &Path, theme: &str) -> Result<(tera::Tera, u64, Key), RenderError> {
    let mut sources: BTreeMap<String, String> =
        crate::theme::TEMPLATES.iter().map(|(n, c)| (n.to_string(), c.to_string())).collect();
    let mut dirs = Vec::new();
    if theme != "default" {
        dirs.push(root.join("themes").join(theme).join("templates"));
    }
    dirs.push(root.join("templates"));
    for dir in dirs {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| RenderError(format!("cannot read {}: {e}", dir.display())))?;
            if !entry.file_type().is_file() || crate::fs::ignored_name(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let name = crate::fs::rel_path(&dir, entry.path());
            // Bounded and never blocking, like every read: a FIFO swapped in is refused.
            let bytes = crate::fs::read_file(entry.path(), crate::fs::MAX_RECORD_BYTES)
                .map_err(|e| RenderError(format!("cannot read template {}: {e}", entry.path().display())))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| RenderError(format!("template {} is not valid UTF-8", entry.path().display())))?;
            sources.insert(name, text);
        }
    }
    let mut tera = tera::Tera::new();
    tera.add_raw_templates(sources.iter().map(|(n, c)| (n.as_str(), c.as_str())))
        .map_err(|e| RenderError(format!("template error: {}", error_chain(&e))))?;
    let mut strong = Strong::default();
    std::hash::Hash::hash(&sources, &mut strong);
    Ok((tera, fingerprint(0, &[&sources]), strong.key()))
}

pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(&format!(": {c}"));
        cur = c.source();
    }
    s
}

pub(super) fn static_files(root: &Path, theme: &str) -> Result<Vec<OutputFile>, RenderError> {
    let mut out: BTreeMap<String, Vec<u8>> =
        crate::theme::STATIC.iter().map(|(n, b)| (format!("static/{n}"), b.to_vec())).collect();
    let mut dirs = Vec::new();
    if theme != "default" {
        dirs.push((root.join("themes").join(theme).join("static"), "static/"));
    }
    dirs.push((root.join("static"), "static/"));
    for (dir, prefix) in dirs {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| RenderError(format!("cannot read {}: {e}", dir.display())))?;
            if entry.file_type().is_dir()
                || entry.file_type().is_symlink()
                || crate::fs::ignored_name(&entry.file_name().to_string_lossy())
            {
                continue;
            }
            let path = entry.path();
            if let Some(problem) = crate::fs::name_problem(entry.file_name()) {
                let shown = crate::fs::shown(&path.to_string_lossy());
                return Err(RenderError(format!("{shown}: {problem}; rename it")));
            }
            // A FIFO or device here is an error, never a hang.
            let bytes = crate::fs::read_file(path, crate::fs::MAX_ATTACHMENT_BYTES)
                .map_err(|e| RenderError(format!("cannot read {}: {e}", path.display())))?;
            out.insert(format!("{prefix}{}", crate::fs::rel_path(&dir, entry.path())), bytes);
        }
    }
    Ok(out.into_iter().map(|(path, bytes)| OutputFile { path, bytes: bytes.into() }).collect())
}

pub(super) fn assets(site: &Published) -> Result<Vec<OutputFile>, RenderError> {
    site.assets
        .par_iter()
        .map(|(src, out)| {
            let path = site.asset_sources.get(src).ok_or_else(|| RenderError(format!("{src}: source missing")))?;
            // Load refused FIFOs, devices and oversize files; this holds if one was swapped in since.
            let bytes = crate::fs::read_file(path, crate::fs::MAX_ATTACHMENT_BYTES)
                .map_err(|e| RenderError(format!("cannot read {}: {e}", path.display())))?;
            Ok(OutputFile { path: out.clone(), bytes: bytes.into() })
        })
        .collect()
}

/// `search-index.js`: every visible record as a small object, loaded by the search page as a
/// script (browsers refuse `fetch` from `file://`), JSON escaped for a script. One file, so it
/// grows with the records once, not on every page. Each entry holds what the search matches
/// first (`text`: ID, title, kind, status, owner, lower-cased) and the words of the record as
/// this edition shows them (`body`: its Markdown text without markup, and the decisions,
/// action updates, re-plan notes, correction, root cause, scope and result it shows).
pub(super) fn search_index(site: &Published) -> OutputFile {
    #[derive(Serialize)]
    struct Entry<'a> {
        id: &'a str,
        url: String,
        title: &'a str,
        kind: &'static str,
        status: String,
        text: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        body: String,
    }
    fn entry<'a>(site: &Published, kind: Kind, i: usize, id: &'a str, title: &'a str, extra: &str) -> Entry<'a> {
        let status = ctx::badge_of(site, kind, i).map_or(String::new(), |b| b.label);
        let text = format!("{id} {title} {} {status} {extra}", kind.label()).to_lowercase();
        Entry { id, url: site_map::href(kind, id), title, kind: kind.label(), status, text, body: String::new() }
    }
    // What a `[[…]]` link of a body shows: its text for a shown target, only the ID otherwise.
    let visible = |target: &str| match target.split_once('#') {
        Some((id, frag)) => site.lookup(id).is_some() && !site.fragment_withheld(id, frag),
        None => site.lookup(target).is_some(),
    };
    /// The body's words, then each further text, one space apart.
    fn words_of<'t>(visible: &dyn Fn(&str) -> bool, body: &str, more: impl IntoIterator<Item = &'t str>) -> String {
        let mut out = crate::markdown::plain_text(body, visible);
        for t in more {
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if !t.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&t);
            }
        }
        out
    }
    let mut entries = Vec::new();
    let mut add = |kind, i, id, title, extra: &str, body: String| {
        let mut e = entry(site, kind, i, id, title, extra);
        e.body = body;
        entries.push(e);
    };
    for (i, r) in shown_at(&site.reviews) {
        let f = &r.fm;
        let body = words_of(
            &visible,
            &r.body,
            f.decisions
                .iter()
                .map(|d| d.text.as_str())
                .chain(f.action_updates.iter().map(|u| u.note.as_str()))
                .chain(f.conclusion.as_ref().and_then(|c| c.rationale.as_deref())),
        );
        add(Kind::Review, i, &r.id, &f.title, f.chair.as_deref().unwrap_or_default(), body);
    }
    for (i, r) in shown_at(&site.actions) {
        let body = words_of(&visible, &r.body, r.fm.updates.iter().map(|u| u.note.as_str()));
        add(Kind::Action, i, &r.id, &r.fm.title, &r.fm.owner, body);
    }
    for (i, r) in shown_at(&site.nonconformities) {
        let f = &r.fm;
        let extra = format!("{} {}", f.severity.get_ref(), f.owner.as_deref().unwrap_or_default());
        let body =
            words_of(&visible, &r.body, [f.correction.as_deref(), f.root_cause.as_deref()].into_iter().flatten());
        add(Kind::Nonconformity, i, &r.id, &f.title, &extra, body);
    }
    for (i, r) in shown_at(&site.objectives) {
        let body = words_of(&visible, &r.body, r.fm.measurements.iter().filter_map(|m| m.note.as_deref()));
        add(Kind::Objective, i, &r.id, &r.fm.title, r.fm.owner.as_deref().unwrap_or_default(), body);
    }
    for (i, r) in shown_at(&site.audits) {
        let f = &r.fm;
        let body = words_of(&visible, &r.body, [f.scope.as_deref(), f.result.as_deref()].into_iter().flatten());
        add(Kind::Audit, i, &r.id, &f.title, f.auditor.as_deref().unwrap_or_default(), body);
    }
    for (i, r) in shown_at(&site.pages) {
        add(Kind::Page, i, &r.id, &r.fm.title, "", words_of(&visible, &r.body, []));
    }
    // Safe to inline in a page as well: no `<`, `>`, `&`, U+2028 or U+2029 left raw.
    let json = crate::escape::json_for_script(&serde_json::to_string(&entries).expect("index serializes"));
    OutputFile {
        path: site_map::SEARCH_INDEX.into(),
        bytes: format!("window.QUORUM_SEARCH = {json};\n").into_bytes().into(),
    }
}
