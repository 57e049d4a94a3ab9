//! Output files → the output folder, atomically: written into a sibling staging folder, then
//! swapped into place. The only stage that touches the output; a failure leaves the previous
//! site as it was.

use std::path::{Path, PathBuf};

use crate::render::OutputFile;

/// The file that marks a folder as quorum's output.
pub const MARKER: &str = ".quorum-output";

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to replace {0}: it was not created by quorum (no {MARKER} marker); pass --force to replace it")]
    NotOurs(PathBuf),
    #[error("refusing to write the site into {0}: it contains the site's sources")]
    Unsafe(PathBuf),
    #[error("{context} {path}: {source}")]
    Io { context: &'static str, path: PathBuf, source: std::io::Error },
}

fn io(context: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError::Io { context, path, source }
}

/// Writes `files` to `out`, replacing what was there.
pub fn write(out: &Path, site_root: &Path, files: &[OutputFile], force: bool) -> Result<(), WriteError> {
    guard(out, site_root)?;
    if out.exists() {
        let ours = out.join(MARKER).is_file();
        let empty = out.is_dir() && std::fs::read_dir(out).map_err(io("cannot read", out))?.next().is_none();
        if !ours && !empty && !force {
            return Err(WriteError::NotOurs(out.to_path_buf()));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io("cannot create", &parent))?;
    let name = out.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.quorum-staging"));
    let old = parent.join(format!(".{name}.quorum-old"));
    for leftover in [&staging, &old] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover).map_err(io("cannot remove leftover", leftover))?;
        }
    }
    if let Err(e) = stage(&staging, files) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap(out, &staging, &old)
}

/// Refuses output folders that would swallow the sources.
fn guard(out: &Path, site_root: &Path) -> Result<(), WriteError> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (out_abs, root_abs) = (abs(out), abs(site_root));
    let root_canon = root_abs.canonicalize().unwrap_or(root_abs.clone());
    let out_canon = out_abs.canonicalize().unwrap_or(out_abs.clone());
    let dangerous = root_canon.starts_with(&out_canon)
        || out_canon.starts_with(root_canon.join("content"))
        || out_canon.starts_with(root_canon.join("templates"))
        || out_canon.starts_with(root_canon.join("static"));
    if dangerous { Err(WriteError::Unsafe(out.to_path_buf())) } else { Ok(()) }
}

fn stage(staging: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    use rayon::prelude::*;
    std::fs::create_dir_all(staging).map_err(io("cannot create", staging))?;
    let dirs: std::collections::BTreeSet<&str> =
        files.iter().filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d)).collect();
    for dir in dirs {
        let path = staging.join(dir);
        std::fs::create_dir_all(&path).map_err(io("cannot create", &path))?;
    }
    // Thousands of small files: the writes overlap well on any disk.
    files.par_iter().try_for_each(|f| {
        let path = staging.join(&f.path);
        std::fs::write(&path, &f.bytes).map_err(io("cannot write", &path))
    })?;
    let marker = staging.join(MARKER);
    std::fs::write(&marker, "This folder was written by quorum; `quorum build` replaces it whole.\n")
        .map_err(io("cannot write", &marker))
}

fn swap(out: &Path, staging: &Path, old: &Path) -> Result<(), WriteError> {
    let had_old = out.exists();
    if had_old {
        std::fs::rename(out, old).map_err(io("cannot move aside", out))?;
    }
    if let Err(e) = std::fs::rename(staging, out) {
        if had_old {
            let _ = std::fs::rename(old, out);
        }
        let _ = std::fs::remove_dir_all(staging);
        return Err(WriteError::Io { context: "cannot move into place", path: out.to_path_buf(), source: e });
    }
    if had_old {
        std::fs::remove_dir_all(old).map_err(io("cannot remove the previous output", old))?;
    }
    Ok(())
}

/// Checks a built site against its `SHA256SUMS`: the list of problems (changed, missing,
/// extra files), empty when it verifies.
pub fn verify(dir: &Path) -> Result<Vec<String>, WriteError> {
    let sums_path = dir.join("SHA256SUMS");
    let sums = std::fs::read_to_string(&sums_path).map_err(io("cannot read", &sums_path))?;
    let mut listed = std::collections::BTreeMap::new();
    let mut problems = Vec::new();
    for (n, line) in sums.lines().enumerate() {
        match line.split_once("  ") {
            Some((hex, path)) => {
                listed.insert(path.to_string(), hex.to_string());
            }
            None => problems.push(format!("SHA256SUMS line {}: malformed", n + 1)),
        }
    }
    let mut present = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry =
            entry.map_err(|e| WriteError::Io { context: "cannot read", path: dir.to_path_buf(), source: e.into() })?;
        if entry.file_type().is_file() {
            let rel = crate::load::rel_path(dir, entry.path());
            if rel != "SHA256SUMS" && rel != MARKER {
                present.insert(rel);
            }
        }
    }
    for (path, hex) in &listed {
        if !present.contains(path) {
            problems.push(format!("missing: {path}"));
            continue;
        }
        let full = dir.join(path);
        let bytes = std::fs::read(&full).map_err(io("cannot read", &full))?;
        if &crate::render::sha256_hex(&bytes) != hex {
            problems.push(format!("changed: {path}"));
        }
    }
    for path in present.iter().filter(|p| !listed.contains_key(*p)) {
        problems.push(format!("extra: {path}"));
    }
    Ok(problems)
}
