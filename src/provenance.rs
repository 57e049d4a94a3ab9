//! Where a copy of the site comes from (DESIGN §9, docs/provenance.md): the git history of
//! each record, the source commit, and a digest of every input file, so anyone holding the
//! repository can rebuild the copy and compare.

use std::path::Path;

use rayon::prelude::*;

use crate::history::History;

/// What the About page and the record pages' History say about the source.
#[derive(Clone, Debug, Default)]
pub(crate) struct Provenance {
    /// Git history, or why there is none.
    pub(crate) history: History,
    /// `sha256:<hex>` over every input file (see [`source_digest`]); `None` in a preview.
    pub(crate) source_digest: Option<String>,
}

/// The input folders of a build besides `site.toml` (and a site theme's folder).
pub(crate) const INPUT_FOLDERS: [&str; 3] = ["content", "templates", "static"];

/// Provenance of the checked site in `root`: its source digest, and what git says, read by
/// `pending` meanwhile (its history unless that was started without).
pub(crate) fn finish(
    pending: crate::history::Pending,
    root: &Path,
    site: &crate::model::Site,
    read: &std::collections::HashMap<String, [u8; 32]>,
) -> Result<Provenance, String> {
    let sealed: Vec<(String, String)> = (site.reviews.iter())
        .filter_map(|r| r.fm.approved_digest.as_ref().map(|d| (r.file().to_string(), d.get_ref().clone())))
        .collect();
    let source_digest = Some(source_digest(root, &site.config.theme, read)?);
    Ok(Provenance { history: pending.finish(&sealed), source_digest })
}

/// SHA-256 over every input file of the site: `site.toml` and the files under `content/`,
/// `templates/`, `static/` and, for a theme other than the built-in one, `themes/NAME/`
/// (hidden files and editor droppings left out, as the build leaves them out). It is the
/// digest of a manifest in `sha256sum` format — one line `<hex>  <path>` per file, sorted by
/// site-relative path byte by byte — so `sha256sum` recomputes it (docs/provenance.md).
/// The files the build read already (`read`: the record files, by site-relative path) are
/// not read again: their digest is of the bytes the build was made from.
pub(crate) fn source_digest(
    root: &Path,
    theme: &str,
    read: &std::collections::HashMap<String, [u8; 32]>,
) -> Result<String, String> {
    let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
    let toml = root.join("site.toml");
    if toml.is_file() {
        files.push(("site.toml".into(), toml));
    }
    let theme = (theme != "default").then(|| format!("themes/{theme}"));
    for folder in INPUT_FOLDERS.iter().copied().chain(theme.as_deref()) {
        let dir = root.join(folder);
        if !dir.is_dir() {
            continue;
        }
        let entries = walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !crate::fs::ignored_name(&e.file_name().to_string_lossy()));
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            // A link counts when it leads to a file (one more look for links only).
            if entry.file_type().is_dir() || (!entry.file_type().is_file() && !entry.path().is_file()) {
                continue;
            }
            files.push((crate::fs::rel_path(root, entry.path()), entry.into_path()));
        }
    }
    files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let lines: Vec<String> = files
        .par_iter()
        .map(|(rel, path)| {
            if let Some(d) = read.get(rel) {
                return Ok(format!("{}  {rel}\n", crate::output::hex(d)));
            }
            let bytes = crate::fs::read_file(path, crate::fs::MAX_ATTACHMENT_BYTES)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(format!("{}  {rel}\n", crate::output::sha256_hex(&bytes)))
        })
        .collect::<Result<_, String>>()?;
    Ok(format!("sha256:{}", crate::output::sha256_hex(lines.concat().as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digests the load took (of the bytes, before a BOM or CRLF is decoded away) give the
    /// same source digest as reading every file again, and it is the `sha256sum` manifest's.
    #[test]
    fn the_source_digest_from_the_load_equals_reading_every_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/actions")).expect("mkdir");
        std::fs::create_dir_all(root.join("static")).expect("mkdir");
        std::fs::write(root.join("site.toml"), "title = \"T\"\n").expect("write");
        let action = b"\xEF\xBB\xBF+++\r\nid = \"A-1\"\r\ntitle = \"T\"\r\n+++\r\nBody.\r\n";
        std::fs::write(root.join("content/actions/A-1.md"), action).expect("write");
        std::fs::write(root.join("static/x.css"), "p{}").expect("write");
        let (loaded, _) = crate::load::load_with(root, None).expect("load");
        assert!(loaded.digests.contains_key("content/actions/A-1.md"), "{:?}", loaded.digests.keys());
        let from_load = source_digest(root, "default", &loaded.digests).expect("digest");
        let read_again = source_digest(root, "default", &Default::default()).expect("digest");
        assert_eq!(from_load, read_again);
        let hex = crate::output::sha256_hex;
        let manifest = format!(
            "{}  content/actions/A-1.md\n{}  site.toml\n{}  static/x.css\n",
            hex(action),
            hex(b"title = \"T\"\n"),
            hex(b"p{}")
        );
        assert_eq!(from_load, format!("sha256:{}", hex(manifest.as_bytes())));
    }
}
