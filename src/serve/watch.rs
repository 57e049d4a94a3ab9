//! Source changes → rebuilds: watches `site.toml`, `content/`, `templates/`, `static/` and
//! `themes/` with notify, filters editor droppings, debounces and runs a full build.
//!
//! Our own ~50 ms debounce rather than notify-debouncer-full: every change means a full
//! rebuild (CONVENTIONS 10), so we only need "some relevant path changed and things went
//! quiet", not the per-file event stitching the debouncer does; this also keeps the latency
//! in our hands.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{CreateKind, EventKind, ModifyKind, RenameMode};
use notify::{RecursiveMode, Watcher as _};

use super::{Builder, Outcome, ServeError, clock, summary};

/// The folders of a site that hold sources, watched recursively when they exist.
const DIRS: [&str; 4] = ["content", "templates", "static", "themes"];
/// A build starts once no relevant event has come for this long…
const QUIET: Duration = Duration::from_millis(50);
/// …or this long after the first one, however busy the disk (a `git checkout`).
const MAX_WAIT: Duration = Duration::from_millis(500);

pub(crate) struct Watcher {
    root: PathBuf,
    /// The root with symbolic links resolved: some platforms report events that way
    /// (macOS FSEvents under `/private/var/…` for `/var/…`).
    real_root: Option<PathBuf>,
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
}

/// What a batch of events asks for.
#[derive(Default)]
struct Batch {
    /// Relevant paths, site-relative, for the terminal line.
    changed: BTreeSet<String>,
    /// Folders that appeared: watched (again) before the build reads them.
    new_dirs: BTreeSet<PathBuf>,
    /// The watcher lost events (queue overflow): rebuild anyway.
    rescan: bool,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.changed.is_empty() && !self.rescan
    }
}

impl Watcher {
    /// Watches the site root (not recursively: `site.toml` and new source folders) and each
    /// source folder (recursively). Folders are watched, never single files: an editor's
    /// atomic save replaces the file and would end a watch on it.
    pub(crate) fn start(root: &Path) -> Result<Watcher, ServeError> {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let (tx, events) = channel();
        let watch_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ServeError::Watch { path, source }
        };
        let watcher = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })
        .map_err(watch_err(&root))?;
        let real_root = std::fs::canonicalize(&root).ok().filter(|r| *r != root);
        let mut w = Watcher { root, real_root, watcher, events };
        let root = w.root.clone();
        w.watcher.watch(&root, RecursiveMode::NonRecursive).map_err(watch_err(&root))?;
        for dir in DIRS.map(|d| root.join(d)) {
            if dir.is_dir() {
                w.watcher.watch(&dir, RecursiveMode::Recursive).map_err(watch_err(&dir))?;
            }
        }
        Ok(w)
    }

    /// Rebuilds after every debounced batch of relevant changes, until the process ends.
    pub(crate) fn run(mut self, mut builder: Builder) {
        while let Some(batch) = self.next_batch() {
            for dir in &batch.new_dirs {
                // notify adds watches for new folders itself, but a file created in a folder
                // before its watch exists sends no event: watch it now, synchronously, so
                // whatever the build below does not see will send an event.
                if dir.is_dir()
                    && let Err(e) = self.watcher.watch(dir, RecursiveMode::Recursive)
                {
                    eprintln!("warning: cannot watch {}: {e}", dir.display());
                }
            }
            let started = Instant::now();
            let outcome = builder.build().unwrap_or(Outcome::Failed);
            println!("{} {}: {}", clock(), describe(&batch), summary(&outcome, started.elapsed()));
        }
    }

    /// Waits for a relevant event, then until things are quiet; `None` when the watcher died.
    fn next_batch(&self) -> Option<Batch> {
        let mut batch = Batch::default();
        while batch.is_empty() {
            self.add(&mut batch, self.events.recv().ok()?);
        }
        let first = Instant::now();
        let mut last = first;
        loop {
            let deadline = (last + QUIET).min(first + MAX_WAIT);
            let Some(wait) = deadline.checked_duration_since(Instant::now()) else { break };
            match self.events.recv_timeout(wait) {
                Ok(event) => {
                    let before = batch.changed.len() + batch.new_dirs.len();
                    self.add(&mut batch, event);
                    // Only relevant events keep the batch open (reads of the sources by the
                    // build itself are `Access` events and never count).
                    if batch.changed.len() + batch.new_dirs.len() != before {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        Some(batch)
    }

    fn add(&self, batch: &mut Batch, event: notify::Result<notify::Event>) {
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                eprintln!("warning: file watcher: {e}; rebuilding");
                batch.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            batch.rescan = true;
        }
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let dir_appeared = matches!(
            event.kind,
            EventKind::Create(CreateKind::Folder | CreateKind::Any)
                | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both | RenameMode::Any))
        );
        for path in &event.paths {
            let rel = relevant(&self.root, path).or_else(|| relevant(self.real_root.as_deref()?, path));
            let Some(rel) = rel else { continue };
            if dir_appeared && path.is_dir() {
                batch.new_dirs.insert(path.clone());
            }
            batch.changed.insert(rel);
        }
    }
}

/// The site-relative name of a source path, or `None` for anything a build does not read:
/// other files at the root (the output folder, `.git`), editor droppings anywhere.
fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel.iter().map(|c| c.to_str()).collect::<Option<_>>()?;
    match parts.as_slice() {
        [] => return None,
        ["site.toml"] => {}
        [first, ..] if DIRS.contains(first) => {}
        _ => return None,
    }
    if parts.iter().any(|p| editor_temp(p)) {
        return None;
    }
    Some(parts.join("/"))
}

/// Files editors write beside the one being saved: never sources.
fn editor_temp(name: &str) -> bool {
    // `crate::load::ignored_name` covers dot files (`.#lock`, `.swp`, `.git`), `~` backups,
    // `.tmp` files and vim's `4913` probe; Emacs also writes `#auto-save#` files.
    crate::load::ignored_name(name) || (name.starts_with('#') && name.ends_with('#'))
}

/// "content/actions/A-1.md changed", "3 files changed (content/…, …)"
fn describe(batch: &Batch) -> String {
    let mut names = batch.changed.iter();
    match (batch.changed.len(), names.next()) {
        (0, _) | (_, None) => "the watcher asked for a rescan".into(),
        (1, Some(name)) => format!("{name} changed"),
        (n, Some(name)) => format!("{name} and {} more changed", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_are_relevant() {
        let root = Path::new("/site");
        let rel = |p: &str| relevant(root, &root.join(p));
        assert_eq!(rel("site.toml").as_deref(), Some("site.toml"));
        assert_eq!(rel("content/actions/A-1.md").as_deref(), Some("content/actions/A-1.md"));
        assert_eq!(rel("templates/base.html").as_deref(), Some("templates/base.html"));
        assert_eq!(rel("themes/dark/static/x.css").as_deref(), Some("themes/dark/static/x.css"));
        assert_eq!(rel("content").as_deref(), Some("content"));
        for ignored in [
            "public/index.html",
            ".public.quorum-staging/index.html",
            ".git/index",
            "README.md",
            "content/actions/.A-1.md.swp",
            "content/actions/A-1.md~",
            "content/actions/.#A-1.md",
            "content/actions/#A-1.md#",
            "content/actions/4913",
            "content/actions/A-1.md.tmp",
            "content/.git/HEAD",
        ] {
            assert_eq!(rel(ignored), None, "{ignored} should be ignored");
        }
        assert_eq!(relevant(root, Path::new("/elsewhere/site.toml")), None);
    }
}
