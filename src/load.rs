//! Site folder → [`Loaded`]: walks `content/`, reads every record file as UTF-8 text (BOM
//! stripped, CRLF → LF) and lists attachments and assets. Touches nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceText};

/// Record files larger than this are refused: no governance record is 8 MiB of text.
pub const MAX_RECORD_BYTES: u64 = 8 * 1024 * 1024;

/// The kinds of record, by their `content/` folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Review,
    Action,
    Nonconformity,
    Objective,
    Audit,
    Page,
    /// `content/_index.md`
    Home,
}

impl Kind {
    pub const FOLDERS: [(&'static str, Kind); 6] = [
        ("reviews", Kind::Review),
        ("actions", Kind::Action),
        ("nonconformities", Kind::Nonconformity),
        ("objectives", Kind::Objective),
        ("audits", Kind::Audit),
        ("pages", Kind::Page),
    ];

    /// The folder under `content/` and under the output root (`""` for pages and home).
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Review => "reviews",
            Kind::Action => "actions",
            Kind::Nonconformity => "nonconformities",
            Kind::Objective => "objectives",
            Kind::Audit => "audits",
            Kind::Page | Kind::Home => "",
        }
    }

    /// A reader's name for the kind.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Review => "review",
            Kind::Action => "action",
            Kind::Nonconformity => "nonconformity",
            Kind::Objective => "objective",
            Kind::Audit => "audit",
            Kind::Page => "page",
            Kind::Home => "home page",
        }
    }
}

/// A file that belongs to a folder record and is published beside its page.
#[derive(Clone, Debug)]
pub struct Attachment {
    /// Path relative to the record's folder (`attendance.csv`, `slides/deck.pdf`).
    pub name: String,
    pub path: PathBuf,
}

/// One record file, read.
#[derive(Clone, Debug)]
pub struct Source {
    pub kind: Kind,
    pub id: String,
    /// Text and site-relative file name (`content/actions/A-1.md`).
    pub text: Arc<SourceText>,
    /// Site-relative folder of the file (`content/actions`), for relative links.
    pub dir: String,
    pub attachments: Vec<Attachment>,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Vec<Source>,
    /// Site-relative paths of the other files under `content/` (targets of relative links).
    pub assets: BTreeSet<String>,
    /// Absolute paths of `assets`, by site-relative path.
    pub asset_paths: std::collections::BTreeMap<String, PathBuf>,
    /// Site-relative names of every record file.
    pub record_files: std::collections::HashSet<String>,
    /// Site-relative folders of folder records (their other files are attachments).
    pub record_folders: std::collections::HashSet<String>,
}

/// Whether an ID is well formed: `[A-Za-z0-9][A-Za-z0-9._-]*`.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The stem of a Markdown file name (`.md` in any case).
fn strip_md(name: &str) -> Option<&str> {
    let cut = name.len().checked_sub(3)?;
    (name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(".md")).then(|| &name[..cut])
}

/// Editor droppings and hidden files that are never content.
pub fn ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Bytes → text: invalid UTF-8 is an error at its line; the BOM goes and CRLF becomes LF.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(bytes);
    match String::from_utf8(bytes) {
        Ok(text) => Ok(if text.contains('\r') { text.replace("\r\n", "\n") } else { text }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&bytes[line_start..valid]).chars().count() + 1;
            Err(Diagnostic::new("invalid-utf8", file, line, column, "file is not valid UTF-8")
                .hint(format!("byte 0x{:02X} cannot start a UTF-8 character; save the file as UTF-8", bytes[valid])))
        }
    }
}

struct Walk<'a> {
    root: &'a Path,
    canonical_root: PathBuf,
    files: Vec<(Kind, String, PathBuf, Vec<Attachment>)>,
    assets: Vec<(String, PathBuf)>,
    diags: Diagnostics,
}

/// Walks `ROOT/content` and reads every record.
pub fn load(root: &Path) -> Result<(Loaded, Diagnostics), String> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(format!("{} has no content/ folder (is --root a quorum site?)", root.display()));
    }
    let canonical_root = root.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", root.display()))?;
    let mut walk = Walk { root, canonical_root, files: Vec::new(), assets: Vec::new(), diags: Diagnostics::default() };
    for entry in read_dir_sorted(&content).map_err(|e| format!("cannot read {}: {e}", content.display()))? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if ignored_name(&name) || !walk.admit(&path) {
            continue;
        }
        if name == "_index.md" && path.is_file() {
            walk.files.push((Kind::Home, "_index".into(), path, Vec::new()));
        } else if let Some(&(_, kind)) = Kind::FOLDERS.iter().find(|(f, _)| *f == name) {
            if path.is_dir() {
                walk.folder(kind, &path)?;
            }
        } else if path.is_dir() {
            let rel = walk.rel(&path);
            let folders: Vec<&str> = Kind::FOLDERS.iter().map(|(f, _)| *f).collect();
            let mut d = Diagnostic::file("unknown-folder", &rel, format!("`{rel}` is not a content folder"));
            d = d.hint(match crate::diagnostics::did_you_mean(&name, folders.iter().copied()) {
                Some(s) => format!("did you mean `content/{s}`?"),
                None => format!("records live in content/{{{}}}", folders.join(",")),
            });
            walk.diags.push(d);
        } else if name.to_lowercase().ends_with(".md") {
            let rel = walk.rel(&path);
            let folders: Vec<&str> = Kind::FOLDERS.iter().map(|(f, _)| *f).collect();
            walk.diags.push(
                Diagnostic::file("unknown-folder", &rel, format!("`{rel}` is not in a record folder")).hint(format!(
                    "records live in content/{{{}}}; only _index.md sits in content/ itself",
                    folders.join(",")
                )),
            );
        } else {
            let rel = walk.rel(&path);
            walk.assets.push((rel, path));
        }
    }
    let Walk { files, assets, mut diags, .. } = walk;
    let read: Vec<Result<Source, Diagnostic>> = files
        .into_par_iter()
        .map(|(kind, id, path, attachments)| read_source(root, kind, id, &path, attachments))
        .collect();
    let mut loaded = Loaded::default();
    for r in read {
        match r {
            Ok(s) => {
                loaded.record_files.insert(s.text.file.clone());
                if !s.attachments.is_empty() || s.text.file.ends_with("/index.md") {
                    loaded.record_folders.insert(s.dir.clone());
                }
                loaded.sources.push(s)
            }
            Err(d) => diags.push(d),
        }
    }
    for (rel, path) in assets {
        loaded.assets.insert(rel.clone());
        loaded.asset_paths.insert(rel, path);
    }
    Ok((loaded, diags))
}

fn read_source(
    root: &Path,
    kind: Kind,
    id: String,
    path: &Path,
    attachments: Vec<Attachment>,
) -> Result<Source, Diagnostic> {
    let rel = rel_path(root, path);
    let too_big = |len: u64| {
        Diagnostic::file("file-too-large", &rel, format!("record file is {len} bytes; the limit is {MAX_RECORD_BYTES}"))
            .hint("move large material into an attachment beside a folder record's index.md")
    };
    let meta = std::fs::metadata(path).map_err(|e| Diagnostic::file("io", &rel, format!("cannot read file: {e}")))?;
    if meta.len() > MAX_RECORD_BYTES {
        return Err(too_big(meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::file("io", &rel, format!("cannot read file: {e}")))?;
    let text = decode(&rel, bytes)?;
    let dir = rel.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_string());
    Ok(Source { kind, id, text: Arc::new(SourceText { file: rel, text }), dir, attachments })
}

impl Walk<'_> {
    fn rel(&self, path: &Path) -> String {
        rel_path(self.root, path)
    }

    /// False (with an error) for a symbolic link that leads outside the site or nowhere.
    fn admit(&mut self, path: &Path) -> bool {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return false;
        };
        if !meta.file_type().is_symlink() {
            return true;
        }
        match path.canonicalize() {
            Ok(target) if target.starts_with(&self.canonical_root) => true,
            Ok(target) => {
                let rel = self.rel(path);
                self.diags.push(
                    Diagnostic::file(
                        "symlink-outside",
                        &rel,
                        format!("symbolic link leads outside the site (to {})", target.display()),
                    )
                    .hint("copy the file into the site instead; links out of the site are never followed"),
                );
                false
            }
            Err(_) => {
                let rel = self.rel(path);
                self.diags.push(Diagnostic::file("broken-symlink", &rel, "symbolic link points to nothing"));
                false
            }
        }
    }

    fn folder(&mut self, kind: Kind, dir: &Path) -> Result<(), String> {
        let entries = read_dir_sorted(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if ignored_name(&name) || !self.admit(&path) {
                continue;
            }
            if path.is_dir() {
                let index = path.join("index.md");
                if index.is_file() && self.admit(&index) {
                    let mut attachments = Vec::new();
                    self.attachments(&path, &path, &mut attachments)?;
                    self.record(kind, name, index, attachments);
                } else {
                    self.folder(kind, &path)?;
                }
            } else if let Some(stem) = strip_md(&name) {
                self.record(kind, stem.to_string(), path, Vec::new());
            } else {
                let rel = self.rel(&path);
                self.assets.push((rel, path));
            }
        }
        Ok(())
    }

    fn attachments(&mut self, base: &Path, dir: &Path, out: &mut Vec<Attachment>) -> Result<(), String> {
        for entry in read_dir_sorted(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if ignored_name(&name) || (dir == base && name == "index.md") || !self.admit(&path) {
                continue;
            }
            if path.is_dir() {
                self.attachments(base, &path, out)?;
            } else {
                let name = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                let rel = self.rel(&path);
                self.assets.push((rel, path.clone()));
                out.push(Attachment { name, path });
            }
        }
        Ok(())
    }

    fn record(&mut self, kind: Kind, id: String, path: PathBuf, attachments: Vec<Attachment>) {
        if !valid_id(&id) {
            let rel = self.rel(&path);
            self.diags.push(
                Diagnostic::file("invalid-id", &rel, format!("`{id}` is not a valid record ID"))
                    .hint("an ID starts with a letter or digit and uses only letters, digits, `.`, `_` and `-`"),
            );
            return;
        }
        self.files.push((kind, id, path, attachments));
    }
}

fn read_dir_sorted(dir: &Path) -> std::io::Result<Vec<std::fs::DirEntry>> {
    let mut entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

/// `path` relative to `root`, with `/` separators.
pub fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_crlf() {
        assert_eq!(decode("f", b"\xEF\xBB\xBFa\r\nb".to_vec()).unwrap(), "a\nb");
        let e = decode("f", b"ok\nbad \xFF here".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 5));
    }

    #[test]
    fn ids() {
        assert!(valid_id("A-2025-014") && valid_id("MR.2025_Q2"));
        assert!(!valid_id("-A") && !valid_id("A B") && !valid_id("") && !valid_id("é"));
    }
}
