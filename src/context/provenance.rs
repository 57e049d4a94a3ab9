//! What pages say about where the copy comes from: the source commit in every footer, a
//! History on each record page and the About page (docs/provenance.md).

use serde::Serialize;

use crate::history::{History, Repo};
use crate::model::Published;

/// How many commits a record page lists before "and N older".
const SHOWN_COMMITS: usize = 10;

/// The commit a copy was built from, for every footer.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SourceCtx {
    pub(crate) commit: String,
    pub(crate) short: String,
    /// Input files differ from the commit.
    pub(crate) uncommitted: bool,
}

/// The source commit, when the site is in a git repository.
pub(crate) fn source(site: &Published) -> Option<SourceCtx> {
    let History::Available(repo) = &site.provenance.history else { return None };
    Some(SourceCtx { commit: repo.head.clone(), short: short(&repo.head), uncommitted: !repo.uncommitted.is_empty() })
}

fn short(hash: &str) -> String {
    hash.get(..12).unwrap_or(hash).to_string()
}

/// One commit of a record's history.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CommitCtx {
    pub(crate) date: String,
    pub(crate) author: String,
    /// Left out of redacted editions: a message may describe withheld material.
    pub(crate) subject: Option<String>,
    pub(crate) short: String,
    /// The commit that sealed the review's current approval.
    pub(crate) approval: bool,
}

/// A record page's History section.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct HistoryCtx {
    /// Why there is no history ("shallow clone …").
    pub(crate) unavailable: Option<String>,
    /// Newest first, at most [`SHOWN_COMMITS`].
    pub(crate) commits: Vec<CommitCtx>,
    /// How many older commits are not listed.
    pub(crate) older: usize,
    /// The record's files have changes not yet committed.
    pub(crate) uncommitted: bool,
    /// Commit messages are left out (redacted edition).
    pub(crate) subjects_withheld: bool,
}

/// The History of a record whose published files are `files` (its file first); `None` when
/// history is off.
pub(crate) fn history_of(site: &Published, files: &[&str]) -> Option<HistoryCtx> {
    let repo: &Repo = match &site.provenance.history {
        History::Off => return None,
        History::Unavailable(why) => {
            return Some(HistoryCtx { unavailable: Some(why.clone()), ..HistoryCtx::default() });
        }
        History::Available(repo) if !repo.walked => return None,
        History::Available(repo) => repo,
    };
    let all = repo.commits_of(files.iter().copied());
    let approval = files.first().and_then(|f| repo.approvals.get(*f)).copied();
    let commits = (all.iter().take(SHOWN_COMMITS))
        .map(|&k| {
            let c = &repo.commits[k];
            CommitCtx {
                date: c.date.to_string(),
                author: c.author.clone(),
                subject: (!site.redacted).then(|| c.subject.clone()),
                short: short(&c.hash),
                approval: approval == Some(k),
            }
        })
        .collect();
    Some(HistoryCtx {
        unavailable: None,
        commits,
        older: all.len().saturating_sub(SHOWN_COMMITS),
        uncommitted: repo.has_uncommitted(files.iter().copied()),
        subjects_withheld: site.redacted,
    })
}

/// The About page: what this copy is and how to check it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AboutPage {
    pub(crate) version: &'static str,
    pub(crate) source: Option<SourceCtx>,
    /// Why there is no source commit.
    pub(crate) no_source: Option<String>,
    pub(crate) source_digest: Option<String>,
}

pub(crate) fn about_page(site: &Published) -> AboutPage {
    let no_source = match &site.provenance.history {
        History::Off => Some("this is a preview (quorum serve), which does not read it".to_string()),
        History::Unavailable(why) => Some(why.clone()),
        History::Available(_) => None,
    };
    AboutPage {
        version: env!("CARGO_PKG_VERSION"),
        source: source(site),
        no_source,
        source_digest: site.provenance.source_digest.clone(),
    }
}
