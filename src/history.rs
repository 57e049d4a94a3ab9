//! Provenance from git (DESIGN §9, docs/provenance.md): which commits changed each record's
//! files, the commit the site was built from, and whether its input files have changes not
//! yet committed. Read with libgit2 in one pass over the history for all files.
//!
//! Nothing here fails a build: no repository, a shallow clone, a bare repository or an
//! unreadable history is stated in words instead.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{ObjectType, Oid, Repository, Sort, StatusOptions};

use crate::date::Date;

/// A commit that changed at least one file of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Commit {
    pub(crate) hash: String,
    /// The author's date, where they made it.
    pub(crate) date: Date,
    pub(crate) author: String,
    /// The first line of the message.
    pub(crate) subject: String,
}

/// What git says about the site.
#[derive(Clone, Debug, Default)]
pub(crate) enum History {
    /// Not read (`quorum serve`, `quorum check`).
    #[default]
    Off,
    /// Why there is none, to follow "History not available: " ("the site is not in a git
    /// repository", "shallow clone …").
    Unavailable(String),
    Available(Repo),
}

/// The history of a site in a git repository.
#[derive(Clone, Debug, Default)]
pub(crate) struct Repo {
    /// `HEAD`'s commit hash.
    pub(crate) head: String,
    /// Whether the history was read (`--no-history` leaves it out: then `commits` is empty).
    pub(crate) walked: bool,
    /// Input files of the site (`site.toml`, `content/`, `templates/`, `static/`) that differ
    /// from `HEAD` or are not committed, site-relative.
    pub(crate) uncommitted: HashSet<String>,
    /// Commits that changed a file of the site, newest first.
    pub(crate) commits: Vec<Commit>,
    /// Site-relative path → indices into `commits` of the commits that changed it, ascending
    /// (newest first).
    pub(crate) by_path: HashMap<String, Vec<usize>>,
    /// Site-relative review file → index into `commits` of the commit that wrote its current
    /// `approved_digest`.
    pub(crate) approvals: HashMap<String, usize>,
}

use crate::provenance::INPUT_FOLDERS;

/// A history being read on a thread of its own, so that a build overlaps it with the checks
/// (it needs nothing from them until the approval commits are looked up).
pub(crate) struct Pending(std::thread::JoinHandle<Result<Walked, History>>);

/// What the thread hands back: the open repository (for the approval commits) and the walk.
type Walked = (Repository, String, Repo);

/// Starts reading the source commit of the site in `root`, whether its inputs have changes
/// not yet committed, and (when `walk`) its history.
pub(crate) fn start(root: &Path, walk: bool) -> Pending {
    let root = root.to_path_buf();
    Pending(std::thread::spawn(move || {
        read_repo(&root, walk)
            .unwrap_or_else(|e| Err(History::Unavailable(format!("the git history cannot be read ({})", e.message()))))
    }))
}

impl Pending {
    /// Waits for the walk, then finds the commit that sealed each of `sealed` (file, digest).
    pub(crate) fn finish(self, sealed: &[(String, String)]) -> History {
        let (repo, prefix, mut out) = match self.0.join() {
            Ok(Ok(walked)) => walked,
            Ok(Err(history)) => return history,
            Err(_) => return History::Unavailable("the git history cannot be read (the reader failed)".into()),
        };
        if out.walked {
            for (file, digest) in sealed {
                if let Some(k) = approval_commit(&repo, &prefix, &out, file, digest) {
                    out.approvals.insert(file.clone(), k);
                }
            }
        }
        History::Available(out)
    }
}

/// `Ok(Err(history))` when there is no history to read, with the reason.
fn read_repo(root: &Path, walk_history: bool) -> Result<Result<Walked, History>, git2::Error> {
    let none = |why: &str| Ok(Err(History::Unavailable(why.to_string())));
    let Ok(repo) = Repository::discover(root) else {
        return none("the site is not in a git repository");
    };
    if repo.is_shallow() {
        return none("this is a shallow clone (fetch the full history with `git fetch --unshallow`)");
    }
    let Some(prefix) = site_prefix(&repo, root) else {
        return none("a bare repository has no files");
    };
    let head = match repo.head().and_then(|h| h.peel_to_commit()) {
        Ok(c) => c.id().to_string(),
        Err(_) => return none("no commit yet"),
    };
    let mut out = Repo { head, walked: walk_history, ..Repo::default() };
    let t = std::time::Instant::now();
    out.uncommitted = uncommitted(&repo, &prefix)?;
    crate::log_stage("provenance: uncommitted files", t);
    if walk_history {
        let t = std::time::Instant::now();
        walk(&repo, &prefix, &mut out)?;
        crate::log_stage("provenance: history walk", t);
    }
    Ok(Ok((repo, prefix, out)))
}

/// The site folder's path inside the repository's work tree, `/`-separated, with a trailing
/// `/` unless it is the top (`""`); `None` for a bare repository.
fn site_prefix(repo: &Repository, root: &Path) -> Option<String> {
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let site = root.canonicalize().ok()?;
    let rel = site.strip_prefix(&workdir).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    Some(parts.iter().map(|p| format!("{p}/")).collect())
}

/// Input files of the site that differ from `HEAD` (staged, changed, new or deleted).
fn uncommitted(repo: &Repository, prefix: &str) -> Result<HashSet<String>, git2::Error> {
    let mut opts = StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true).exclude_submodules(true);
    opts.pathspec(format!("{prefix}site.toml"));
    for folder in INPUT_FOLDERS {
        opts.pathspec(format!("{prefix}{folder}/"));
    }
    let statuses = repo.statuses(Some(&mut opts))?;
    Ok(statuses
        .iter()
        .filter(|e| !e.status().is_ignored())
        .filter_map(|e| e.path().and_then(|p| p.strip_prefix(prefix)).map(str::to_string))
        // Hidden files and editor droppings are no input (the build skips them).
        .filter(|p| !p.split('/').any(crate::fs::ignored_name))
        .collect())
}

/// One pass over every commit reachable from `HEAD`, newest first: the site files each one
/// changed. A merge counts for a file only where it differs from every parent (as
/// `git log -- FILE` shows it).
fn walk(repo: &Repository, prefix: &str, out: &mut Repo) -> Result<(), git2::Error> {
    let mut revwalk = repo.revwalk()?;
    revwalk.push_head()?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    let site_tree = |tree: Option<Oid>| -> Option<Oid> {
        let tree = repo.find_tree(tree?).ok()?;
        if prefix.is_empty() {
            return Some(tree.id());
        }
        let entry = tree.get_path(Path::new(prefix.trim_end_matches('/'))).ok()?;
        (entry.kind() == Some(ObjectType::Tree)).then(|| entry.id())
    };
    for oid in revwalk {
        let commit = repo.find_commit(oid?)?;
        let tree = site_tree(Some(commit.tree_id()));
        let mut changed: Option<HashSet<String>> = None;
        let bases: Vec<Option<Oid>> = if commit.parent_count() == 0 {
            vec![None]
        } else {
            commit.parent_ids().map(|p| site_tree(repo.find_commit(p).ok().map(|c| c.tree_id()))).collect()
        };
        for base in bases {
            let mut paths = HashSet::new();
            changed_paths(repo, base, tree, "", &mut paths)?;
            changed = Some(match changed {
                None => paths,
                Some(before) => before.intersection(&paths).cloned().collect(),
            });
        }
        let changed = changed.unwrap_or_default();
        if changed.is_empty() {
            continue;
        }
        let k = out.commits.len();
        let author = commit.author();
        let when = author.when();
        out.commits.push(Commit {
            hash: commit.id().to_string(),
            // A time jiff cannot place (a forged commit) must not make builds differ: 1970-01-01.
            date: Date::from_unix(when.seconds(), when.offset_minutes())
                .or_else(|| Date::from_unix(0, 0))
                .expect("the epoch is a date"),
            author: author.name().unwrap_or("unknown").to_string(),
            subject: commit.summary().unwrap_or("").to_string(),
        });
        let mut changed: Vec<String> = changed.into_iter().collect();
        changed.sort();
        for path in changed {
            out.by_path.entry(path).or_default().push(k);
        }
    }
    Ok(())
}

/// Adds to `out` the paths (under `dir`) of the files that differ between trees `a` and `b`
/// (either may be missing): only subtrees whose ids differ are read, as git does.
fn changed_paths(
    repo: &Repository,
    a: Option<Oid>,
    b: Option<Oid>,
    dir: &str,
    out: &mut HashSet<String>,
) -> Result<(), git2::Error> {
    if a == b {
        return Ok(());
    }
    let a = a.map(|id| repo.find_tree(id)).transpose()?;
    let b = b.map(|id| repo.find_tree(id)).transpose()?;
    // Tree entries are sorted the same way in both trees (git's order: a folder's name as if
    // it ended in `/`), so one merge pass pairs them up.
    fn order(x: &git2::TreeEntry, y: &git2::TreeEntry) -> std::cmp::Ordering {
        let key = |e: &git2::TreeEntry| (e.kind() == Some(ObjectType::Tree)).then_some(b'/');
        x.name_bytes().iter().copied().chain(key(x)).cmp(y.name_bytes().iter().copied().chain(key(y)))
    }
    let mut xs = a.iter().flat_map(|t| t.iter()).peekable();
    let mut ys = b.iter().flat_map(|t| t.iter()).peekable();
    loop {
        let (x, y) = match (xs.peek(), ys.peek()) {
            (None, None) => break,
            (Some(x), Some(y)) => match order(x, y) {
                std::cmp::Ordering::Less => (xs.next(), None),
                std::cmp::Ordering::Greater => (None, ys.next()),
                std::cmp::Ordering::Equal => (xs.next(), ys.next()),
            },
            (Some(_), None) => (xs.next(), None),
            (None, Some(_)) => (None, ys.next()),
        };
        let ids = (x.as_ref().map(|e| (e.id(), e.filemode())), y.as_ref().map(|e| (e.id(), e.filemode())));
        if ids.0 == ids.1 {
            continue;
        }
        let Some(name) = x.as_ref().or(y.as_ref()).and_then(|e| e.name()) else { continue };
        let path = format!("{dir}{name}");
        let tree =
            |e: &Option<git2::TreeEntry>| e.as_ref().filter(|e| e.kind() == Some(ObjectType::Tree)).map(|e| e.id());
        let file = |e: &Option<git2::TreeEntry>| e.as_ref().is_some_and(|e| e.kind() != Some(ObjectType::Tree));
        // A file on either side changed (added, removed, edited, or turned into a folder).
        if file(&x) || file(&y) {
            out.insert(path.clone());
        }
        let (ta, tb) = (tree(&x), tree(&y));
        if ta.is_some() || tb.is_some() {
            changed_paths(repo, ta, tb, &format!("{path}/"), out)?;
        }
    }
    Ok(())
}

/// The commit that wrote a review's current digest: going back from the newest commit of its
/// file, the oldest of those whose version of the file holds the digest.
fn approval_commit(repo: &Repository, prefix: &str, out: &Repo, file: &str, digest: &str) -> Option<usize> {
    let mut found = None;
    for &k in out.by_path.get(file)? {
        let commit = repo.find_commit(git2::Oid::from_str(&out.commits[k].hash).ok()?).ok()?;
        let entry = commit.tree().ok()?.get_path(Path::new(&format!("{prefix}{file}")));
        let holds = entry
            .ok()
            .and_then(|e| e.to_object(repo).ok())
            .and_then(|o| o.peel_to_blob().ok())
            .is_some_and(|b| memchr::memmem::find(b.content(), digest.as_bytes()).is_some());
        if !holds {
            break;
        }
        found = Some(k);
    }
    found
}

impl Repo {
    /// The commits that changed any of `files`, newest first.
    pub(crate) fn commits_of<'a>(&self, files: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
        let mut all: Vec<usize> = files.into_iter().filter_map(|f| self.by_path.get(f)).flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Whether any of `files` has changes not yet committed.
    pub(crate) fn has_uncommitted<'a>(&self, files: impl IntoIterator<Item = &'a str>) -> bool {
        files.into_iter().any(|f| self.uncommitted.contains(f))
    }
}
