//! Local Markdown links: where `[x](../file.csv)` points, and whether it may.

use crate::load::Loaded;

/// A local link's target, site-relative: a file under `content/` or a record file.
pub(crate) fn resolve_local(dir: &str, dest: &str, loaded: &Loaded) -> Result<String, (&'static str, String, String)> {
    let (target, _) = normalize_local(dir, dest)?;
    if target.is_empty() {
        return Ok(target);
    }
    let is_record =
        loaded.record_files.contains(&target) || loaded.record_files.contains(&format!("{target}/index.md"));
    if loaded.assets.contains(&target) || is_record {
        Ok(target)
    } else {
        Err((
            "broken-link",
            format!("link `{dest}` points to `{target}`, which does not exist"),
            "relative links resolve from the folder of the record's file; use [[ID]] to link a record".into(),
        ))
    }
}

/// Splits a local link into its site-relative target path and its `#fragment` (or `?query`),
/// rejecting absolute paths and paths that leave `content/`.
pub(crate) fn normalize_local(dir: &str, dest: &str) -> Result<(String, String), (&'static str, String, String)> {
    let cut = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(cut);
    if path.is_empty() {
        return Ok((String::new(), suffix.to_string()));
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err(("absolute-link", format!("link `{dest}` is an absolute path"), "links are relative to the record's file so the site works from any sub-path; use a relative path or [[ID]]".into()));
    }
    let outside = || {
        (
            "link-outside",
            format!("link `{dest}` leads outside the site's content"),
            "link only to files under content/".to_string(),
        )
    };
    let decoded = crate::escape::percent_decode(path);
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in decoded.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
                if parts.is_empty() {
                    return Err(outside());
                }
            }
            s => parts.push(s),
        }
    }
    if parts.first() != Some(&"content") || parts.len() < 2 {
        return Err(outside());
    }
    Ok((parts.join("/"), suffix.to_string()))
}
