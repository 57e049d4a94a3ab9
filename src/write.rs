//! Output files → the output folder, atomically: written into a sibling staging folder, then
//! swapped into place. The only stage that touches the output; a failure leaves the previous
//! site as it was.

use std::path::{Path, PathBuf};

use crate::output::OutputFile;

/// The file that marks a folder as quorum's output.
pub(crate) const MARKER: &str = ".quorum-output";

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)] // each variant's #[error] message documents it
pub enum WriteError {
    #[error("refusing to replace {0}: it was not created by quorum (no {MARKER} marker); pass --force to replace it")]
    NotOurs(PathBuf),
    #[error(
        "refusing to write the site into {0}: it holds or lies inside the site's sources (the site folder, content/, templates/, static/, themes/, .git/)"
    )]
    Unsafe(PathBuf),
    /// An output file's path would land outside the output folder (defence in depth: load
    /// refuses the names that could make one).
    #[error(
        "refusing to write output file `{0}`: an output path is relative, `/`-separated, without empty, `.` or `..` parts, `\\` or control characters; nothing was written"
    )]
    BadPath(String),
    #[error("refusing to replace {0}: it is {1}, not a folder (even with --force); choose a folder for --output-dir")]
    NotAFolder(PathBuf, &'static str),
    #[error(
        "refusing to replace {0}: it is a mount point, which cannot be swapped; use a folder inside it, e.g. --output-dir {0}/site"
    )]
    MountPoint(PathBuf),
    #[error("{0} is a symbolic link to {1}, which does not exist; create that folder or point --output-dir elsewhere")]
    BrokenLink(PathBuf, PathBuf),
    #[error("{0} does not name a folder; give --output-dir a folder path")]
    NoName(PathBuf),
    #[error("another quorum build is writing {0} (it holds {1}); wait for it to finish, then build again")]
    Locked(PathBuf, PathBuf),
    #[error("{context} {path}: {source}")]
    Io { context: &'static str, path: PathBuf, source: std::io::Error },
}

fn io(context: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError::Io { context, path, source }
}

/// Writes `files` to `out`, replacing what was there. When `out` is a symbolic link, the
/// folder it points to is replaced and the link stays as it is.
pub fn write(out: &Path, site_root: &Path, files: &[OutputFile], force: bool) -> Result<Written, WriteError> {
    write_with(out, site_root, files, force, true, &|_| false)
}

/// The folder a build into `out` replaces (`out`, or the folder a link `out` points to),
/// when it is an output of quorum's; and its cache folder beside it, `.NAME.quorum-cache`.
pub fn cache_folder(out: &Path) -> Option<(PathBuf, PathBuf)> {
    let target = resolve(out).ok()?;
    let name = target.file_name()?.to_string_lossy().into_owned();
    let cache = target.parent()?.join(format!(".{name}.quorum-cache"));
    std::fs::symlink_metadata(target.join(MARKER)).is_ok_and(|m| m.is_file()).then_some((target, cache))
}

/// [`write`]; with `spare_too` false, neither using nor keeping the spare (`--no-cache`).
/// `read_from_output` tells the files whose bytes this build read from the output folder's
/// file of the same path (`Previous`): where the spare's file is that very file, it holds
/// those bytes, and it is not read again.
pub fn write_with(
    out: &Path,
    site_root: &Path,
    files: &[OutputFile],
    force: bool,
    spare_too: bool,
    read_from_output: &(dyn Fn(&OutputFile) -> bool + Sync),
) -> Result<Written, WriteError> {
    if let Some(f) = files.iter().find(|f| !valid_output_path(&f.path)) {
        return Err(WriteError::BadPath(crate::fs::shown(&f.path)));
    }
    let target = resolve(out)?;
    guard(&target, site_root)?;
    let parent = target.parent().map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    let name = target.file_name().ok_or_else(|| WriteError::NoName(out.to_path_buf()))?.to_string_lossy().into_owned();
    check_existing(&target, &parent, force)?;
    std::fs::create_dir_all(&parent).map_err(io("cannot create", &parent))?;
    let _lock = Lock::acquire(&parent.join(format!(".{name}.quorum-lock")), &target)?;
    let staging = parent.join(format!(".{name}.quorum-staging"));
    let old = parent.join(format!(".{name}.quorum-old"));
    let cache = parent.join(format!(".{name}.quorum-cache"));
    let spare = cache.join(SPARE);
    clear_leftovers(&target, &staging, &old)?;
    // A previous output of quorum's (its marker is there) lends the files that did not change.
    let previous = target.join(MARKER).is_file().then_some(target.as_path());
    let t = std::time::Instant::now();
    // The output before the previous one, kept by the last rebuild, is brought up to date in
    // place of staging afresh: only the files that differ are written, and no folder is made
    // or removed that both outputs have.
    let staged = if spare_too && is_spare(&cache, &spare) && std::fs::rename(&spare, &staging).is_ok() {
        sync(&staging, files, previous, read_from_output)
    } else {
        stage(&staging, files, previous, read_from_output)
    };
    let written = match staged {
        Ok(w) => w,
        Err(e) => {
            let _ = remove_any(&staging);
            return Err(e);
        }
    };
    crate::log_stage("write: staging", t);
    let t = std::time::Instant::now();
    swap(&target, &staging, &old, previous.filter(|_| spare_too).map(|_| (cache.as_path(), spare.as_path())))?;
    crate::log_stage("write: swap", t);
    Ok(written)
}

/// The previous output's place in the cache folder beside the output: the spare that the
/// next build brings up to date instead of staging every file and folder afresh.
const SPARE: &str = "spare";

/// What the marker file says.
const MARKER_TEXT: &[u8] = b"This folder was written by quorum; `quorum build` replaces it whole.\n";

/// Whether `spare` is an output of quorum's kept in the cache folder: both real folders (not
/// links, which could lead anywhere), the spare with quorum's marker. Anything else there is
/// is not used (and is replaced by the next spare).
fn is_spare(cache: &Path, spare: &Path) -> bool {
    let dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
    dir(cache) && dir(spare) && std::fs::symlink_metadata(spare.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// What a build wrote: files written anew (and their bytes) and files whose bytes were
/// unchanged and were linked from the previous output instead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written anew.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Files whose bytes were unchanged, linked from the previous output.
    pub unchanged: usize,
}

/// Puts one file into the staging folder: a hard link to the previous output's file when
/// that file, read now, holds exactly these bytes (never trusting the previous output: a
/// file edited or replaced there since is written afresh), else the bytes themselves. A link
/// that cannot be made (another filesystem, no hard links) falls back to writing.
fn place(path: &Path, bytes: &[u8], previous: Option<&Path>, rel: &str) -> std::io::Result<bool> {
    if let Some(prev) = previous {
        let old = prev.join(rel);
        // A regular file only (not a symbolic link, which a link would copy as a link), of
        // the same length, with the same bytes.
        let same = std::fs::symlink_metadata(&old)
            .is_ok_and(|m| m.file_type().is_file() && m.len() == bytes.len() as u64)
            && std::fs::read(&old).is_ok_and(|b| b == bytes);
        if same && std::fs::hard_link(&old, path).is_ok() {
            return Ok(true);
        }
    }
    std::fs::write(path, bytes)?;
    Ok(false)
}

/// Whether an output file's path stays inside the output folder whatever made it.
pub(crate) fn valid_output_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
        && !path.chars().any(|c| c == '\\' || c.is_control())
}

/// The folder to replace: `out`, or the folder a symbolic link `out` points to.
fn resolve(out: &Path) -> Result<PathBuf, WriteError> {
    match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let abs = std::path::absolute(out).map_err(io("cannot resolve", out))?;
            // `x/..` and the like: no last name to stage beside.
            match abs.file_name() {
                Some(_) if !abs.ends_with("..") => Ok(abs),
                _ => Err(WriteError::NoName(out.to_path_buf())),
            }
        }
        Err(e) => Err(WriteError::Io { context: "cannot read", path: out.to_path_buf(), source: e }),
        Ok(meta) if meta.file_type().is_symlink() => match out.canonicalize() {
            Ok(target) => Ok(target),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let to = std::fs::read_link(out).unwrap_or_default();
                Err(WriteError::BrokenLink(out.to_path_buf(), to))
            }
            Err(e) => Err(WriteError::Io { context: "cannot resolve", path: out.to_path_buf(), source: e }),
        },
        Ok(_) => out.canonicalize().map_err(io("cannot resolve", out)),
    }
}

/// Refuses an existing output that is not a folder (a file, a device, a FIFO: `--force` or
/// not), a mount point, or a non-empty folder without quorum's marker (unless `force`).
fn check_existing(target: &Path, parent: &Path, force: bool) -> Result<(), WriteError> {
    let meta = match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(WriteError::Io { context: "cannot read", path: target.to_path_buf(), source: e }),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(WriteError::NotAFolder(target.to_path_buf(), crate::fs::file_kind(meta.file_type())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let pmeta = std::fs::metadata(parent).map_err(io("cannot read", parent))?;
        if pmeta.dev() != meta.dev() || target.parent().is_none() {
            return Err(WriteError::MountPoint(target.to_path_buf()));
        }
    }
    let ours = std::fs::symlink_metadata(target.join(MARKER)).is_ok_and(|m| m.is_file());
    let empty = std::fs::read_dir(target).map_err(io("cannot read", target))?.next().is_none();
    if !ours && !empty && !force {
        return Err(WriteError::NotOurs(target.to_path_buf()));
    }
    Ok(())
}

/// Refuses output folders that would swallow the sources.
fn guard(out: &Path, site_root: &Path) -> Result<(), WriteError> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (out_abs, root_abs) = (abs(out), abs(site_root));
    let root_canon = root_abs.canonicalize().unwrap_or(root_abs.clone());
    let out_canon = out_abs.canonicalize().unwrap_or(out_abs.clone());
    let dangerous = root_canon.starts_with(&out_canon)
        || ["content", "templates", "static", "themes", ".git"]
            .iter()
            .any(|d| out_canon.starts_with(root_canon.join(d)));
    if dangerous { Err(WriteError::Unsafe(out.to_path_buf())) } else { Ok(()) }
}

/// An exclusive lock beside the output, held while a build stages and swaps, so two builds
/// into one folder never interleave. The file is removed when the lock is released.
struct Lock {
    path: PathBuf,
    _file: std::fs::File,
}

impl Lock {
    fn acquire(path: &Path, out: &Path) -> Result<Lock, WriteError> {
        loop {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(io("cannot create the lock", path))?;
            #[cfg(unix)]
            {
                use std::os::fd::AsRawFd;
                use std::os::unix::fs::MetadataExt;
                // SAFETY: `file` is an open descriptor for the whole call.
                if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                    let e = std::io::Error::last_os_error();
                    if e.kind() == std::io::ErrorKind::WouldBlock {
                        return Err(WriteError::Locked(out.to_path_buf(), path.to_path_buf()));
                    }
                    return Err(WriteError::Io { context: "cannot lock", path: path.to_path_buf(), source: e });
                }
                // The build before us removes its lock file on the way out: if the name now
                // leads to another file (or none), ours is stale; lock the one that is there.
                let mine = file.metadata().map_err(io("cannot read", path))?;
                match std::fs::metadata(path) {
                    Ok(now) if now.dev() == mine.dev() && now.ino() == mine.ino() => {}
                    _ => continue,
                }
            }
            return Ok(Lock { path: path.to_path_buf(), _file: file });
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held (the descriptor closes after this), so a waiting build
        // notices its file is stale rather than sharing a lock with a third.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Removes staging and old folders a killed build left; puts back a previous output that a
/// failed swap could not restore.
fn clear_leftovers(target: &Path, staging: &Path, old: &Path) -> Result<(), WriteError> {
    if std::fs::symlink_metadata(old).is_ok_and(|m| m.is_dir()) && std::fs::symlink_metadata(target).is_err() {
        std::fs::rename(old, target).map_err(io("cannot restore the previous output from", old))?;
    }
    for leftover in [staging, old] {
        remove_any(leftover).map_err(io("cannot remove leftover", leftover))?;
    }
    Ok(())
}

/// Removes a folder, file or link at `path`, if there is one (never following a link).
fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
    }
}

fn stage(
    staging: &Path,
    files: &[OutputFile],
    previous: Option<&Path>,
    read_from_output: &(dyn Fn(&OutputFile) -> bool + Sync),
) -> Result<Written, WriteError> {
    use rayon::prelude::*;
    std::fs::create_dir_all(staging).map_err(io("cannot create", staging))?;
    make_dirs(staging, &folders(files), &std::collections::HashSet::new())?;
    // Thousands of small files: the writes overlap well on any disk.
    let linked: Vec<bool> = files
        .par_iter()
        .map(|f| {
            let path = staging.join(&f.path);
            // A page this build has just read from the previous output's regular file of the
            // same path holds these bytes: linked without reading it again.
            if let Some(old) = previous.map(|p| p.join(&f.path))
                && read_from_output(f)
                && std::fs::symlink_metadata(&old).is_ok_and(|m| m.file_type().is_file())
                && std::fs::hard_link(&old, &path).is_ok()
            {
                return Ok(true);
            }
            place(&path, &f.bytes, previous, &f.path).map_err(io("cannot write", &path))
        })
        .collect::<Result<_, _>>()?;
    let marker = staging.join(MARKER);
    std::fs::write(&marker, MARKER_TEXT).map_err(io("cannot write", &marker))?;
    let unchanged = linked.iter().filter(|l| **l).count();
    let bytes = files.iter().zip(&linked).filter(|(_, l)| !**l).map(|(f, _)| f.bytes.len() as u64).sum();
    Ok(Written { files: files.len() - unchanged, bytes, unchanged })
}

/// Every folder the files need, parents before children.
fn folders(files: &[OutputFile]) -> Vec<&str> {
    let mut dirs = std::collections::HashSet::new();
    for f in files {
        let mut path = f.path.as_str();
        while let Some((dir, _)) = path.rsplit_once('/') {
            if !dirs.insert(dir) {
                break;
            }
            path = dir;
        }
    }
    let mut dirs: Vec<&str> = dirs.into_iter().collect();
    dirs.sort_by_key(|d| (d.matches('/').count(), *d));
    dirs
}

/// Makes the folders under `root` that `have` lacks, one depth at a time and each depth in
/// parallel: on some filesystems making a folder costs far more than writing a small file.
fn make_dirs(root: &Path, dirs: &[&str], have: &std::collections::HashSet<String>) -> Result<(), WriteError> {
    use rayon::prelude::*;
    let mut rest = dirs;
    while let Some(first) = rest.first() {
        let depth = first.matches('/').count();
        let n = rest.iter().take_while(|d| d.matches('/').count() == depth).count();
        let (level, next) = rest.split_at(n);
        level.par_iter().filter(|d| !have.contains(**d)).try_for_each(|d| {
            let path = root.join(d);
            std::fs::create_dir(&path).map_err(io("cannot create", &path))
        })?;
        rest = next;
    }
    Ok(())
}

/// Brings `dir`, an earlier output, to exactly `files` and the marker: removes whatever it
/// holds that is not among them (and anything that is not a regular file or a folder, links
/// included, never followed), keeps each file whose bytes, read now, are the new bytes, and
/// puts the others in as new files (never writing into an existing file, which may be linked
/// from the live output): linked from the live output `previous` where that file holds the
/// new bytes, else written.
fn sync(
    dir: &Path,
    files: &[OutputFile],
    previous: Option<&Path>,
    read_from_output: &(dyn Fn(&OutputFile) -> bool + Sync),
) -> Result<Written, WriteError> {
    use rayon::prelude::*;
    let mut want: std::collections::HashMap<&str, &[u8]> =
        files.iter().map(|f| (f.path.as_str(), &f.bytes[..])).collect();
    want.insert(MARKER, MARKER_TEXT);
    let dirs = folders(files);
    let want_dirs: std::collections::HashSet<&str> = dirs.iter().copied().collect();
    let t = std::time::Instant::now();
    let found = prune(dir, "", &want, &want_dirs)?;
    crate::log_stage("write: reading the spare", t);
    let have_dirs: std::collections::HashSet<String> =
        found.iter().filter(|(_, is_dir)| *is_dir).map(|(p, _)| p.clone()).collect();
    let have_files: std::collections::HashSet<&str> =
        found.iter().filter(|(_, is_dir)| !*is_dir).map(|(p, _)| p.as_str()).collect();
    make_dirs(dir, &dirs, &have_dirs)?;
    let same = |path: &Path, bytes: &[u8]| {
        std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file() && m.len() == bytes.len() as u64)
            && std::fs::read(path).is_ok_and(|b| b == bytes)
    };
    // Whether each file is unchanged from the live output: what the summary counts.
    let unchanged: Vec<bool> = files
        .par_iter()
        .map(|f| {
            let (rel, bytes) = (f.path.as_str(), &f.bytes[..]);
            let path = dir.join(rel);
            let live = previous.map(|p| p.join(rel));
            if have_files.contains(rel) && read_from_output(f) && live.as_ref().is_some_and(|l| same_file(&path, l)) {
                return Ok(true);
            }
            if have_files.contains(rel) {
                if same(&path, bytes) {
                    // The spare's file is right. The live output's is too when it is the very
                    // same file, or when it holds the same bytes, read now.
                    return Ok(live.is_some_and(|l| same_file(&path, &l) || same(&l, bytes)));
                }
                std::fs::remove_file(&path).map_err(io("cannot replace", &path))?;
            }
            // A new file, or a link to the live output's when that holds these bytes.
            place(&path, bytes, previous, rel).map_err(io("cannot write", &path))
        })
        .collect::<Result<_, WriteError>>()?;
    let marker = dir.join(MARKER);
    if !(have_files.contains(MARKER) && same(&marker, MARKER_TEXT)) {
        let _ = std::fs::remove_file(&marker);
        std::fs::write(&marker, MARKER_TEXT).map_err(io("cannot write", &marker))?;
    }
    let kept = unchanged.iter().filter(|u| **u).count();
    let bytes = files.iter().zip(&unchanged).filter(|(_, u)| !**u).map(|(f, _)| f.bytes.len() as u64).sum();
    Ok(Written { files: files.len() - kept, bytes, unchanged: kept })
}

/// Whether two paths name the same file (so hold the same bytes).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
            return a.is_file() && a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
    let _ = (a, b);
    false
}

/// Removes from `dir/rel` what is not wanted; the files and folders that stay, as paths
/// relative to `dir` with whether each is a folder. Folders are read in parallel.
fn prune(
    dir: &Path,
    rel: &str,
    want: &std::collections::HashMap<&str, &[u8]>,
    want_dirs: &std::collections::HashSet<&str>,
) -> Result<Vec<(String, bool)>, WriteError> {
    use rayon::prelude::*;
    let here = if rel.is_empty() { dir.to_path_buf() } else { dir.join(rel) };
    let mut found = Vec::new();
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(&here).map_err(io("cannot read", &here))? {
        let entry = entry.map_err(io("cannot read", &here))?;
        let path = entry.path();
        let name = entry.file_name();
        let child = match (name.to_str(), rel.is_empty()) {
            (Some(n), true) => Some(n.to_string()),
            (Some(n), false) => Some(format!("{rel}/{n}")),
            (None, _) => None,
        };
        let ft = entry.file_type().map_err(io("cannot read", &path))?;
        match child {
            Some(c) if ft.is_dir() && want_dirs.contains(c.as_str()) => subdirs.push(c),
            Some(c) if ft.is_file() && want.contains_key(c.as_str()) => found.push((c, false)),
            _ if ft.is_dir() => std::fs::remove_dir_all(&path).map_err(io("cannot remove", &path))?,
            _ => std::fs::remove_file(&path).map_err(io("cannot remove", &path))?,
        }
    }
    let below: Vec<Vec<(String, bool)>> =
        subdirs.par_iter().map(|c| prune(dir, c, want, want_dirs)).collect::<Result<_, _>>()?;
    found.extend(subdirs.into_iter().map(|c| (c, true)));
    found.extend(below.into_iter().flatten());
    Ok(found)
}

/// Puts `staging` in place of `out`. An existing output is exchanged with the staging folder
/// in one step (`renameat2(RENAME_EXCHANGE)`), so there is no moment without an output folder;
/// where the filesystem cannot exchange, two renames, putting the old output back if the second
/// fails. Either way no staging or old folder is left behind: with `keep` (the cache folder
/// and the spare's path in it), the previous output becomes the spare for the next build;
/// without, it is removed.
fn swap(out: &Path, staging: &Path, old: &Path, keep: Option<(&Path, &Path)>) -> Result<(), WriteError> {
    swap_with(out, staging, old, keep, exchange)
}

/// Keeps the previous output, now at `from`, as the spare (or removes it where it cannot be kept).
fn retire(from: &Path, keep: Option<(&Path, &Path)>) -> Result<(), WriteError> {
    if let Some((cache, spare)) = keep {
        let made = match std::fs::create_dir(cache) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::symlink_metadata(cache).is_ok_and(|m| m.is_dir())
            }
            Err(_) => false,
        };
        if made && remove_any(spare).is_ok() && std::fs::rename(from, spare).is_ok() {
            return Ok(());
        }
    }
    remove_any(from).map_err(io("cannot remove the previous output", from))
}

/// [`swap`] with the exchange as a parameter, so tests can take the fallback.
fn swap_with(
    out: &Path,
    staging: &Path,
    old: &Path,
    keep: Option<(&Path, &Path)>,
    exchange: fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let fail = |context, source| {
        let _ = remove_any(staging);
        Err(WriteError::Io { context, path: out.to_path_buf(), source })
    };
    if std::fs::symlink_metadata(out).is_err() {
        return match std::fs::rename(staging, out) {
            Ok(()) => Ok(()),
            Err(e) => fail("cannot move into place", e),
        };
    }
    match exchange(staging, out) {
        // The previous output is now at the staging path.
        Ok(()) => return retire(staging, keep),
        Err(e) if !exchange_unsupported(&e) => return fail("cannot swap into place", e),
        Err(_) => {}
    }
    if let Err(e) = std::fs::rename(out, old) {
        return fail("cannot move aside", e);
    }
    if let Err(e) = std::fs::rename(staging, out) {
        if let Err(back) = std::fs::rename(old, out) {
            let _ = remove_any(staging);
            return Err(WriteError::Io {
                context: "cannot move into place (the previous output is kept at the next path)",
                path: old.to_path_buf(),
                source: std::io::Error::other(format!("{e}; putting it back failed: {back}")),
            });
        }
        return fail("cannot move into place", e);
    }
    retire(old, keep)
}

/// Atomically exchanges two paths.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let cstr = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (cstr(a)?, cstr(b)?);
    // SAFETY: two valid NUL-terminated paths, relative to the current folder.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// The filesystem (or kernel) cannot exchange: fall back to two renames.
fn exchange_unsupported(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)) {
        return true;
    }
    e.kind() == std::io::ErrorKind::Unsupported
}

/// Checks a built site against its `SHA256SUMS`: the list of problems (changed, missing,
/// extra files; anything that is not a regular file or a folder; a duplicate or malformed
/// manifest line; a listed path outside the folder; a name no manifest line can hold), empty
/// when it verifies. Only regular files inside `dir` are ever read.
///
/// A match shows the copy is complete and unchanged against accidents only: whoever can
/// rewrite a file can rewrite `SHA256SUMS` too.
pub fn verify(dir: &Path) -> Result<Vec<String>, WriteError> {
    let sums_path = dir.join("SHA256SUMS");
    let mut problems = Vec::new();
    match std::fs::symlink_metadata(&sums_path) {
        Ok(m) if !m.is_file() => {
            problems.push(format!("not a regular file: SHA256SUMS ({})", crate::fs::file_kind(m.file_type())));
            return Ok(problems);
        }
        _ => {}
    }
    let sums = crate::fs::read_file(&sums_path, u64::MAX)
        .map_err(|e| read_error("cannot read", &sums_path, e))
        .map(|b| String::from_utf8_lossy(&b).into_owned())?;
    let listed = listed_files(&sums, &mut problems);
    let present = present_files(dir, &mut problems)?;
    for (path, hex) in &listed {
        if !present.contains(path) {
            match std::fs::symlink_metadata(dir.join(path)) {
                Ok(m) if !m.is_file() && !m.is_dir() => {} // reported above: not a regular file
                _ => problems.push(format!("missing: {path}")),
            }
            continue;
        }
        let full = dir.join(path);
        let bytes = crate::fs::read_file(&full, u64::MAX).map_err(|e| read_error("cannot read", &full, e))?;
        if &crate::output::sha256_hex(&bytes) != hex {
            problems.push(format!("changed: {path}"));
        }
    }
    for path in present.iter().filter(|p| !listed.contains_key(*p)) {
        problems.push(format!("extra: {path}"));
    }
    Ok(problems)
}

/// The files SHA256SUMS lists, with their digests; malformed, outside, duplicate and
/// self-listing lines are problems.
fn listed_files(sums: &str, problems: &mut Vec<String>) -> std::collections::BTreeMap<String, String> {
    let mut listed = std::collections::BTreeMap::new();
    for (n, line) in sums.split_terminator('\n').enumerate() {
        let n = n + 1;
        match line.split_once("  ") {
            Some((hex, path)) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                if !valid_output_path(path) {
                    problems.push(format!("SHA256SUMS line {n}: `{}` is not a path inside the folder", shown(path)));
                } else if path == "SHA256SUMS" || path == MARKER || path == crate::site_map::SIGNATURE {
                    problems.push(format!("SHA256SUMS line {n}: {path} is never listed"));
                } else if listed.insert(path.to_string(), hex.to_ascii_lowercase()).is_some() {
                    problems.push(format!("SHA256SUMS line {n}: duplicate entry for {}", shown(path)));
                }
            }
            _ => problems.push(format!("SHA256SUMS line {n}: malformed")),
        }
    }
    listed
}

/// The regular files in the folder (not SHA256SUMS or the marker); names that cannot be
/// listed and anything but files and folders are problems.
fn present_files(dir: &Path, problems: &mut Vec<String>) -> Result<std::collections::BTreeSet<String>, WriteError> {
    let mut present = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry =
            entry.map_err(|e| WriteError::Io { context: "cannot read", path: dir.to_path_buf(), source: e.into() })?;
        let rel = crate::fs::rel_path(dir, entry.path());
        if crate::fs::name_problem(entry.file_name()).is_some() {
            problems.push(format!("name cannot be listed in SHA256SUMS: {}", shown(&rel)));
            continue;
        }
        let ft = entry.file_type();
        if ft.is_file() {
            if rel != "SHA256SUMS" && rel != MARKER && rel != crate::site_map::SIGNATURE {
                present.insert(rel);
            }
        } else if !ft.is_dir() {
            problems.push(format!("not a regular file: {} ({})", shown(&rel), crate::fs::file_kind(ft)));
        }
    }
    Ok(present)
}

fn shown(path: &str) -> String {
    crate::fs::shown(path)
}

fn read_error(context: &'static str, path: &Path, e: crate::fs::ReadError) -> WriteError {
    let source = match e {
        crate::fs::ReadError::Io(e) => e,
        e => std::io::Error::other(e.to_string()),
    };
    WriteError::Io { context, path: path.to_path_buf(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> OutputFile {
        OutputFile { path: path.into(), bytes: b"x".to_vec().into() }
    }

    #[test]
    fn output_paths_that_leave_the_folder_are_refused_and_nothing_is_written() {
        let parent = tempfile::tempdir().expect("tempdir");
        let site = tempfile::tempdir().expect("tempdir");
        let out = parent.path().join("a/public");
        for bad in ["../victim.txt", "x/../../victim.txt", "/etc/passwd", "a//b", "./a", "a/.", "", "a\\b", "a\nb"] {
            let e = write(&out, site.path(), &[file("index.html"), file(bad)], true).unwrap_err();
            assert!(matches!(&e, WriteError::BadPath(p) if *p == crate::fs::shown(bad)), "{bad:?}: {e}");
        }
        assert_eq!(std::fs::read_dir(parent.path()).expect("read").count(), 0, "nothing written, not even folders");

        write(&out, site.path(), &[file("index.html"), file("reviews/R-1/a.csv")], false).expect("good paths");
        let before = std::fs::read_dir(&out).expect("read").count();
        assert!(write(&out, site.path(), &[file("../up.txt")], false).is_err());
        assert_eq!(std::fs::read_dir(&out).expect("read").count(), before, "the previous output is untouched");
        assert!(out.join("reviews/R-1/a.csv").is_file() && !parent.path().join("a/up.txt").exists());
    }

    /// An output folder with one file, and a staging folder with another, side by side.
    fn outputs() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
        let parent = tempfile::tempdir().expect("tempdir");
        let (out, staging, old) = (
            parent.path().join("public"),
            parent.path().join(".public.quorum-staging"),
            parent.path().join(".public.quorum-old"),
        );
        std::fs::create_dir(&out).expect("mkdir");
        std::fs::write(out.join("old.html"), "old").expect("write");
        std::fs::create_dir(&staging).expect("mkdir");
        std::fs::write(staging.join("new.html"), "new").expect("write");
        (parent, out, staging, old)
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("read")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn swap_falls_back_to_two_renames_where_exchange_is_unsupported() {
        let (parent, out, staging, old) = outputs();
        swap_with(&out, &staging, &old, None, |_, _| Err(std::io::Error::from_raw_os_error(libc::EINVAL)))
            .expect("fallback");
        assert_eq!(listing(&out), ["new.html"]);
        assert_eq!(listing(parent.path()), ["public"], "no staging or old folder left");
    }

    #[test]
    fn a_failed_swap_leaves_the_previous_output_and_no_leftovers() {
        let (parent, out, staging, old) = outputs();
        let e = swap_with(&out, &staging, &old, None, |_, _| Err(std::io::Error::from_raw_os_error(libc::EACCES)));
        assert!(matches!(e, Err(WriteError::Io { context: "cannot swap into place", .. })), "{e:?}");
        assert_eq!(listing(&out), ["old.html"]);
        assert_eq!(listing(parent.path()), ["public"], "the staging folder is removed");
    }

    #[test]
    fn swap_exchanges_in_one_step() {
        let (parent, out, staging, old) = outputs();
        swap(&out, &staging, &old, None).expect("swap");
        assert_eq!(listing(&out), ["new.html"]);
        assert_eq!(listing(parent.path()), ["public"]);
    }

    #[test]
    fn a_previous_output_left_aside_is_put_back_not_deleted() {
        let (parent, out, staging, old) = outputs();
        std::fs::rename(&out, &old).expect("as a swap cut short would leave it");
        clear_leftovers(&out, &staging, &old).expect("clear");
        assert_eq!(listing(&out), ["old.html"]);
        assert_eq!(listing(parent.path()), ["public"]);
    }

    #[test]
    fn valid_paths() {
        assert!(valid_output_path("index.html") && valid_output_path("reviews/R-1/slides deck.pdf"));
        assert!(valid_output_path("files/.well-known") && valid_output_path("a..b"));
        assert!(!valid_output_path("..") && !valid_output_path("a/") && !valid_output_path("a/\u{1b}"));
    }
}
