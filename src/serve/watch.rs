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
/// A speculative build starts once a save's own burst of events has been quiet this long.
const SETTLE: Duration = Duration::from_millis(8);
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
    ///
    /// The build starts speculatively at the first event, on its own thread, while the
    /// debounce window runs: a build takes about as long as the window, so the page updates
    /// after max(window, build) rather than their sum. A build is published only if no
    /// relevant event came after it started; otherwise it is thrown away and the sources are
    /// built again, so what is served always reflects every change.
    pub(crate) fn run(mut self, mut builder: Builder) {
        let Some(mut batch) = self.first_event() else { return };
        loop {
            // One save is often several events within a millisecond or two (write, then
            // metadata; temp file, then rename): let that burst settle before building.
            if self.settle(&mut batch).is_none() {
                return;
            }
            self.watch_new_dirs(&batch);
            let started = Instant::now();
            let (options, cache) = builder.job();
            let job = std::thread::spawn(move || super::compute(&options, &cache));
            let later = match self.until_quiet(&mut batch, &job) {
                Some(later) => later,
                None => return,
            };
            let result = job.join().unwrap_or_else(|_| {
                Err(crate::Failure::Fatal("quorum crashed while building (a bug, please report it)".into()))
            });
            if later {
                // Something changed while it was building: what it read may be stale.
                continue;
            }
            let outcome = builder.publish(result).unwrap_or(Outcome::Failed);
            println!("{} {}: {}", clock(), describe(&batch), summary(&outcome, started.elapsed()));
            match self.first_event() {
                Some(next) => batch = next,
                None => return,
            }
        }
    }

    fn watch_new_dirs(&mut self, batch: &Batch) {
        for dir in &batch.new_dirs {
            // notify adds watches for new folders itself, but a file created in a folder
            // before its watch exists sends no event: watch it now, synchronously, so
            // whatever the build does not see will send an event.
            if dir.is_dir()
                && let Err(e) = self.watcher.watch(dir, RecursiveMode::Recursive)
            {
                eprintln!("warning: cannot watch {}: {e}", dir.display());
            }
        }
    }

    /// Waits until no relevant event has come for [`SETTLE`] (at most [`QUIET`]).
    fn settle(&self, batch: &mut Batch) -> Option<()> {
        let first = Instant::now();
        let mut last = first;
        loop {
            let until = (last + SETTLE).min(first + QUIET);
            let Some(wait) = until.checked_duration_since(Instant::now()) else { return Some(()) };
            match self.events.recv_timeout(wait) {
                Ok(event) => {
                    let before = batch.changed.len() + batch.new_dirs.len();
                    self.add(batch, event);
                    if batch.changed.len() + batch.new_dirs.len() != before {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => return Some(()),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Blocks until the first relevant event; `None` when the watcher died.
    fn first_event(&self) -> Option<Batch> {
        let mut batch = Batch::default();
        while batch.is_empty() {
            self.add(&mut batch, self.events.recv().ok()?);
        }
        Some(batch)
    }

    /// Waits until no relevant event has come for the quiet period (or the maximum wait has
    /// passed) and the running build has finished; adds what arrives to `batch`. Returns
    /// whether a relevant event came after the build started; `None` when the watcher died.
    fn until_quiet<T>(&self, batch: &mut Batch, job: &std::thread::JoinHandle<T>) -> Option<bool> {
        let first = Instant::now();
        let mut last = first;
        let mut later = false;
        loop {
            let window = (last + QUIET).min(first + MAX_WAIT);
            let wait = match window.checked_duration_since(Instant::now()) {
                Some(w) => w,
                // Window over: keep listening while the build runs, a few ms at a time.
                None if !job.is_finished() => Duration::from_millis(2),
                None => return Some(later),
            };
            match self.events.recv_timeout(wait) {
                Ok(event) => {
                    let before = batch.changed.len() + batch.new_dirs.len() + usize::from(batch.rescan);
                    let mut fresh = Batch::default();
                    self.add(&mut fresh, event);
                    // Only relevant events count (reads of the sources by the build itself are
                    // `Access` events and never do).
                    if !fresh.is_empty() || !fresh.new_dirs.is_empty() {
                        later = true;
                        batch.changed.extend(fresh.changed);
                        batch.new_dirs.extend(fresh.new_dirs);
                        batch.rescan |= fresh.rescan;
                        if batch.changed.len() + batch.new_dirs.len() + usize::from(batch.rescan) != before {
                            last = Instant::now();
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
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
    // `crate::fs::ignored_name` covers dot files (`.#lock`, `.swp`, `.git`), `~` backups,
    // `.tmp` files and vim's `4913` probe; Emacs also writes `#auto-save#` files.
    crate::fs::ignored_name(name) || (name.starts_with('#') && name.ends_with('#'))
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
