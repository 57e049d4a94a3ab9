//! Site folder → [`Loaded`]: walks `content/`, reads every record file as UTF-8 text (BOM
//! stripped, CRLF → LF) and lists attachments and assets. Touches nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceText};
use crate::fs::{
    MAX_ATTACHMENT_BYTES, MAX_RECORD_BYTES, ReadError, file_kind, ignored_name, name_problem, read_dir_sorted,
    read_file, rel_path, shown,
};
use crate::record::Kind;

/// A file that belongs to a folder record and is published beside its page.
#[derive(Clone, Debug)]
pub(crate) struct Attachment {
    /// Path relative to the record's folder (`attendance.csv`, `slides/deck.pdf`).
    pub(crate) name: String,
}

/// One record file, read.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    pub(crate) kind: Kind,
    pub(crate) id: String,
    /// Text and site-relative file name (`content/actions/A-1.md`).
    pub(crate) text: Arc<SourceText>,
    /// Site-relative folder of the file (`content/actions`), for relative links.
    pub(crate) dir: String,
    pub(crate) attachments: Vec<Attachment>,
    /// SHA-256 of the file's bytes as read (before decoding), for the source digest.
    pub(crate) digest: Option<[u8; 32]>,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub(crate) sources: Vec<Source>,
    /// Site-relative paths of the other files under `content/` (targets of relative links).
    pub(crate) assets: BTreeSet<String>,
    /// Absolute paths of `assets`, by site-relative path.
    pub(crate) asset_paths: std::collections::BTreeMap<String, PathBuf>,
    /// Site-relative names of every record file.
    pub(crate) record_files: std::collections::HashSet<String>,
    /// Site-relative folders of folder records (their other files are attachments).
    pub(crate) record_folders: std::collections::HashSet<String>,
    /// SHA-256 of each record file's bytes as read, by site-relative path: the source digest
    /// (provenance) takes them instead of reading the files again.
    pub(crate) digests: std::collections::HashMap<String, [u8; 32]>,
}

/// Whether an ID is well formed: `[A-Za-z0-9][A-Za-z0-9._-]*`.
pub(crate) fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The stem of a Markdown file name (`.md` in any case).
fn strip_md(name: &str) -> Option<&str> {
    let cut = name.len().checked_sub(3)?;
    (name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(".md")).then(|| &name[..cut])
}

/// Bytes → text: invalid UTF-8 is an error at its line; the BOM goes and CRLF becomes LF.
pub(crate) fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
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

/// A [`ReadError`] of a file under the site as a diagnostic at the file: `not-a-file` or
/// `file-too-large` (with `hint`). Callers handle [`ReadError::Io`] as an I/O error first; if
/// one reaches here it is reported as `io`.
pub(crate) fn read_diagnostic(rel: &str, e: ReadError, hint: &str) -> Diagnostic {
    match e {
        ReadError::NotAFile(kind) => Diagnostic::file("not-a-file", rel, format!("{kind}, not a regular file"))
            .hint("quorum reads only regular files; replace it by a file or remove it"),
        e @ ReadError::TooLarge { .. } => Diagnostic::file("file-too-large", rel, e.to_string()).hint(hint),
        ReadError::Io(e) => Diagnostic::file("io", rel, format!("cannot read file: {e}")),
    }
}

/// Why `content/` could not be read at all: not a site, or an I/O error (exit 2). Problems
/// in the files themselves are diagnostics instead.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LoadError {
    #[error("{} has no content/ folder (is --root a quorum site?)", .0.display())]
    NotASite(PathBuf),
    #[error("cannot read {}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> LoadError {
    let path = path.to_path_buf();
    move |source| LoadError::Io { path, source }
}

struct Walk<'a> {
    root: &'a Path,
    canonical_root: PathBuf,
    files: Vec<(Kind, String, PathBuf, Vec<Attachment>)>,
    assets: Vec<(String, PathBuf)>,
    diags: Diagnostics,
}

/// Walks `ROOT/content` and reads every record.
pub(crate) fn load(root: &Path) -> Result<(Loaded, Diagnostics), LoadError> {
    load_with(root, None)
}

/// Record files read by earlier loads, for `serve`: a file whose device, inode, size,
/// modification and status-change times are what they were is not read again. The status
/// change time (ctime) moves on every write and cannot be set back by tools that restore
/// modification times; as in git's index, a file changed less than [`RACY`] before it was
/// read is read again, in case a second write fell in the same timestamp tick.
#[derive(Default)]
pub(crate) struct Memo {
    files: std::sync::Mutex<std::collections::HashMap<PathBuf, (Stamp, std::time::SystemTime, Source)>>,
    /// How many files were not read again, over the memo's life.
    hits: std::sync::atomic::AtomicUsize,
    /// [`RACY`] unless a test sets it.
    racy: Option<std::time::Duration>,
}

/// How recent a change must be for its file to be read again whatever its stamp says.
const RACY: std::time::Duration = std::time::Duration::from_secs(2);

/// What tells that a file's content is unchanged without reading it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    #[cfg(unix)]
    fn of(path: &Path) -> Option<(Stamp, std::time::SystemTime)> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        let changed = std::time::UNIX_EPOCH
            + std::time::Duration::new(u64::try_from(m.ctime()).ok()?, u32::try_from(m.ctime_nsec()).ok()?);
        let stamp = Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        };
        Some((stamp, changed))
    }

    #[cfg(not(unix))]
    fn of(_path: &Path) -> Option<(Stamp, std::time::SystemTime)> {
        None
    }
}

impl Memo {
    /// The source read earlier from `path`, when the file is certainly unchanged since.
    fn get(&self, path: &Path, kind: Kind, id: &str, attachments: &[Attachment]) -> Option<Source> {
        let (stamp, changed) = Stamp::of(path)?;
        let files = self.files.lock().ok()?;
        let (old, read_at, source) = files.get(path)?;
        let settled = read_at.duration_since(changed).is_ok_and(|d| d >= self.racy.unwrap_or(RACY));
        let same = *old == stamp
            && settled
            && source.kind == kind
            && source.id == id
            && source.attachments.len() == attachments.len()
            && source.attachments.iter().zip(attachments).all(|(a, b)| a.name == b.name);
        if same {
            self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        same.then(|| Source { attachments: attachments.to_vec(), ..source.clone() })
    }

    fn put(
        &self,
        path: &Path,
        stamp: Option<(Stamp, std::time::SystemTime)>,
        read_at: std::time::SystemTime,
        source: &Source,
    ) {
        if let (Some((stamp, _)), Ok(mut files)) = (stamp, self.files.lock()) {
            files.insert(path.to_path_buf(), (stamp, read_at, source.clone()));
        }
    }
}

/// [`load`], not reading again the record files `memo` holds unchanged.
pub(crate) fn load_with(root: &Path, memo: Option<&Memo>) -> Result<(Loaded, Diagnostics), LoadError> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(LoadError::NotASite(root.to_path_buf()));
    }
    let canonical_root = root.canonicalize().map_err(io_error(root))?;
    let mut walk = Walk { root, canonical_root, files: Vec::new(), assets: Vec::new(), diags: Diagnostics::default() };
    for entry in read_dir_sorted(&content).map_err(io_error(&content))? {
        walk.top_level(&entry)?;
    }
    let Walk { files, assets, mut diags, .. } = walk;
    let read_paths: Vec<PathBuf> =
        if memo.is_some() { files.iter().map(|f| f.2.clone()).collect() } else { Vec::new() };
    let read: Vec<Result<Source, Diagnostic>> = files
        .into_par_iter()
        .map(|(kind, id, path, attachments)| {
            let Some(memo) = memo else { return read_source(root, kind, id, &path, attachments) };
            if let Some(source) = memo.get(&path, kind, &id, &attachments) {
                return Ok(Ok(source));
            }
            // The stamp is taken before the read: a write during the read makes it stale.
            let (stamp, read_at) = (Stamp::of(&path), std::time::SystemTime::now());
            let read = read_source(root, kind, id, &path, attachments)?;
            if let Ok(source) = &read {
                memo.put(&path, stamp, read_at, source);
            }
            Ok(read)
        })
        .collect::<Result<_, LoadError>>()?;
    if let Some(memo) = memo
        && let Ok(mut files) = memo.files.lock()
    {
        let present: std::collections::HashSet<&Path> = read_paths.iter().map(PathBuf::as_path).collect();
        files.retain(|p, _| present.contains(p.as_path()));
    }
    let mut loaded = Loaded::default();
    for r in read {
        match r {
            Ok(s) => {
                loaded.record_files.insert(s.text.file.clone());
                if let Some(d) = s.digest {
                    loaded.digests.insert(s.text.file.clone(), d);
                }
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

impl Walk<'_> {
    /// One entry of `content/`: the home page, a kind folder, or a file of no record.
    fn top_level(&mut self, entry: &std::fs::DirEntry) -> Result<(), LoadError> {
        let Some(name) = self.name(entry) else { return Ok(()) };
        let path = entry.path();
        if ignored_name(&name) || !self.admit(&path) {
            return Ok(());
        }
        let folders: Vec<&str> = Kind::FOLDERS.iter().map(|(f, _)| *f).collect();
        if name == "_index.md" && path.is_file() {
            self.files.push((Kind::Home, "_index".into(), path, Vec::new()));
        } else if let Some(&(_, kind)) = Kind::FOLDERS.iter().find(|(f, _)| *f == name) {
            if path.is_dir() {
                self.folder(kind, &path)?;
            }
        } else if path.is_dir() {
            let rel = self.rel(&path);
            let d = Diagnostic::file("unknown-folder", &rel, format!("`{rel}` is not a content folder"));
            self.diags.push(d.hint(match crate::diagnostics::did_you_mean(&name, folders.iter().copied()) {
                Some(s) => format!("did you mean `content/{s}`?"),
                None => format!("records live in content/{{{}}}", folders.join(",")),
            }));
        } else if name.to_lowercase().ends_with(".md") {
            let rel = self.rel(&path);
            self.diags.push(
                Diagnostic::file("unknown-folder", &rel, format!("`{rel}` is not in a record folder")).hint(format!(
                    "records live in content/{{{}}}; only _index.md sits in content/ itself",
                    folders.join(",")
                )),
            );
        } else {
            self.asset(path);
        }
        Ok(())
    }
}

fn read_source(
    root: &Path,
    kind: Kind,
    id: String,
    path: &Path,
    attachments: Vec<Attachment>,
) -> Result<Result<Source, Diagnostic>, LoadError> {
    let rel = rel_path(root, path);
    let bytes = match read_file(path, MAX_RECORD_BYTES) {
        Ok(bytes) => bytes,
        // A file that exists but cannot be read is an I/O error (exit 2), not a content error.
        Err(ReadError::Io(source)) => return Err(LoadError::Io { path: path.to_path_buf(), source }),
        Err(e) => {
            let too_large = matches!(e, ReadError::TooLarge { .. });
            let mut d =
                read_diagnostic(&rel, e, "move large material into an attachment beside a folder record's index.md");
            if too_large {
                d.message = format!("record {}", d.message);
            }
            return Ok(Err(d));
        }
    };
    let digest = Some(sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(&bytes)).into());
    let text = match decode(&rel, bytes) {
        Ok(text) => text,
        Err(d) => return Ok(Err(d)),
    };
    let dir = rel.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_string());
    Ok(Ok(Source { kind, id, text: Arc::new(SourceText { file: rel, text }), dir, attachments, digest }))
}

impl Walk<'_> {
    fn rel(&self, path: &Path) -> String {
        rel_path(self.root, path)
    }

    /// The entry's name, or `None` with an `invalid-name` error (naming the lossy path) for a
    /// name that is not UTF-8 or holds a `\`, a control character or a newline.
    fn name(&mut self, entry: &std::fs::DirEntry) -> Option<String> {
        let os = entry.file_name();
        match name_problem(&os) {
            None => os.into_string().ok(),
            Some(problem) => {
                let rel = shown(&self.rel(&entry.path()));
                self.diags.push(
                    Diagnostic::file("invalid-name", &rel, problem)
                        .hint("rename it: content names are UTF-8 without `\\`, control characters or line breaks"),
                );
                None
            }
        }
    }

    /// A file under `content/` that may be published (an attachment or a loose file); false
    /// (with an error) when it is over [`MAX_ATTACHMENT_BYTES`].
    fn asset(&mut self, path: PathBuf) -> bool {
        let rel = self.rel(&path);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.len() > MAX_ATTACHMENT_BYTES => {
                self.diags.push(
                    Diagnostic::file(
                        "file-too-large",
                        &rel,
                        format!("file is {} bytes; the limit is {MAX_ATTACHMENT_BYTES}", meta.len()),
                    )
                    .hint("files under content/ are published with the site; keep large files elsewhere and link to them by URL"),
                );
                false
            }
            _ => {
                self.assets.push((rel, path));
                true
            }
        }
    }

    /// False (with an error) for a symbolic link that leads outside the site or nowhere, and
    /// for a FIFO, socket or device (reading one would block or never end).
    fn admit(&mut self, path: &Path) -> bool {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return false;
        };
        if !meta.file_type().is_symlink() {
            return self.regular(path, meta.file_type());
        }
        match path.canonicalize() {
            Ok(target) if target.starts_with(&self.canonical_root) => match std::fs::metadata(path) {
                Ok(meta) => self.regular(path, meta.file_type()),
                Err(_) => false,
            },
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

    /// True for a regular file or a folder; false with a `not-a-file` error otherwise.
    fn regular(&mut self, path: &Path, ft: std::fs::FileType) -> bool {
        if ft.is_file() || ft.is_dir() {
            return true;
        }
        let rel = self.rel(path);
        self.diags.push(read_diagnostic(&rel, ReadError::NotAFile(file_kind(ft)), ""));
        false
    }

    fn folder(&mut self, kind: Kind, dir: &Path) -> Result<(), LoadError> {
        let entries = read_dir_sorted(dir).map_err(io_error(dir))?;
        for entry in entries {
            let Some(name) = self.name(&entry) else { continue };
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
                self.asset(path);
            }
        }
        Ok(())
    }

    fn attachments(&mut self, base: &Path, dir: &Path, out: &mut Vec<Attachment>) -> Result<(), LoadError> {
        for entry in read_dir_sorted(dir).map_err(io_error(dir))? {
            let Some(name) = self.name(&entry) else { continue };
            let path = entry.path();
            if ignored_name(&name) || (dir == base && name == "index.md") || !self.admit(&path) {
                continue;
            }
            if path.is_dir() {
                self.attachments(base, &path, out)?;
            } else if self.asset(path.clone()) {
                let name = rel_path(base, &path);
                out.push(Attachment { name });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_crlf() {
        assert_eq!(decode("f", b"\xEF\xBB\xBFa\r\nb".to_vec()).unwrap(), "a\nb");
        let e = decode("f", b"ok\nbad \xFF here".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 5));
    }

    /// serve's memo of reads: an unchanged file is not read again, and a file rewritten with
    /// the same length (so only its times tell) is read again.
    #[test]
    #[cfg(unix)]
    fn the_read_memo_rereads_a_rewritten_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("content/actions/A-1.md");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "+++\ntitle = \"One\"\n+++\n").unwrap();
        let memo = Memo { racy: Some(std::time::Duration::ZERO), ..Memo::default() };
        let text = |memo: &Memo| load_with(dir.path(), Some(memo)).unwrap().0.sources[0].text.text.clone();
        assert!(text(&memo).contains("One"));
        assert!(text(&memo).contains("One"));
        assert_eq!(memo.hits.load(std::sync::atomic::Ordering::Relaxed), 1, "the second load reused the read");
        std::fs::write(&file, "+++\ntitle = \"Two\"\n+++\n").unwrap();
        assert!(text(&memo).contains("Two"), "a same-length rewrite is read again");
        assert_eq!(memo.hits.load(std::sync::atomic::Ordering::Relaxed), 1);
        // With the default two seconds, a file changed just now is never trusted.
        let careful = Memo::default();
        text(&careful);
        text(&careful);
        assert_eq!(careful.hits.load(std::sync::atomic::Ordering::Relaxed), 0);
    }

    #[test]
    fn ids() {
        assert!(valid_id("A-2025-014") && valid_id("MR.2025_Q2"));
        assert!(!valid_id("-A") && !valid_id("A B") && !valid_id("") && !valid_id("é"));
    }
}
