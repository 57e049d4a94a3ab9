//! `quorum init`: a new working site, empty but for a planned first review, or the example
//! site embedded in the binary (generated table, see `build.rs`). Neither pins `as_of`: a new
//! site judges its statuses as of today, so the records its user adds today are never left out.

use std::path::Path;

use crate::date::Date;
use crate::record::Kind;

include!(concat!(env!("OUT_DIR"), "/example_files.rs"));

/// What `init` wrote.
pub struct Initialised {
    /// How many files.
    pub files: usize,
    /// The planned first review of an empty site (its site-relative file).
    pub first_review: Option<String>,
}

/// The folder must be absent or empty: `init` never writes over anything.
fn ensure_empty(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!("{} is not empty; quorum init only writes into a new or empty folder", dir.display()));
        }
    }
    Ok(())
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), String> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The example's `site.toml` with its pinned `as_of` commented out (the example pins it so
/// that it builds the same on every machine and in the docs).
fn unpinned(site_toml: &str) -> String {
    site_toml
        .lines()
        .map(|l| match l.trim_start().strip_prefix("as_of") {
            Some(rest) if rest.trim_start().starts_with('=') => format!(
                "# {}   # uncomment to see the example as on its own date; left out, statuses are as of today",
                l.trim_start()
            ),
            _ if l.starts_with("# Fixed so the example site builds the same") => {
                "# The example's records are dated up to 2026-11-20.".to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The `.gitignore` of a new site: the default output and what builds keep beside it (the
/// page index and spare output, and the staging folder and lock while a build runs).
const GITIGNORE: &str =
    "# quorum build writes the site here, and keeps .public.quorum-cache/ beside it.\n/public/\n/.public.quorum-*\n";

/// Writes the Fernhill example site into `dir` (absent or empty).
pub fn write_example(dir: &Path) -> Result<Initialised, String> {
    ensure_empty(dir)?;
    write(dir, ".gitignore", GITIGNORE.as_bytes())?;
    for (rel, bytes) in FILES {
        if *rel == "site.toml" {
            write(dir, rel, unpinned(&String::from_utf8_lossy(bytes)).as_bytes())?;
        } else {
            write(dir, rel, bytes)?;
        }
    }
    Ok(Initialised { files: FILES.len() + 1, first_review: None })
}

const SITE_TOML: &str = r#"# quorum site settings. Every key is described in docs/content-format.md of quorum.
title = "ISMS governance"
# organization = "Example Ltd"        # shown in the header, the footer and on print

# The management-system standard whose clause 9.3 the reviews follow:
# iso27001-2022 | iso27001-2013 | iso9001-2015, or your own under [frameworks.NAME].
framework = "iso27001-2022"

# How often management reviews are planned, in months (a longer gap is warned about).
review_interval_months = 12

# An action still open at more reviews than this is warned about as carried over.
# carry_over_limit = 3

# Nonconformity severities, most severe first; effectiveness is checked for all but the last.
# severities = ["major", "minor", "observation"]

# Where the site will be published; leave it out for a site that works from any folder.
# base_url = "https://isms.example.org/"

# The date statuses and figures are judged at. Leave it out: quorum uses today's date, so
# overdue actions show as overdue. Set it (or pass --as-of) only to see the site as on a
# past date; records dated after it are left out, and check, build and serve say which.
# as_of = 2026-12-31
"#;

const HOME: &str = r#"+++
title = "ISMS governance"
+++
The management review records of our information security management system: the minutes
of each review, the actions management decided and how they stand, the nonconformities and
their corrective actions, and the objectives we measure.
"#;

/// Writes an empty working site into `dir` (absent or empty): a commented `site.toml`, the
/// dashboard's introduction, the content folders, and a planned first review one month after
/// `today`, made as `quorum new review` makes it.
pub fn write_empty(dir: &Path, today: Date) -> Result<Initialised, String> {
    ensure_empty(dir)?;
    write(dir, "site.toml", SITE_TOML.as_bytes())?;
    write(dir, ".gitignore", GITIGNORE.as_bytes())?;
    write(dir, "content/_index.md", HOME.as_bytes())?;
    for kind in [Kind::Review, Kind::Action, Kind::Nonconformity, Kind::Objective, Kind::Audit] {
        let folder = dir.join("content").join(kind.folder());
        std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    }
    let req = crate::scaffold::Request { kind: Kind::Review, id: None, date: today.add_months(1) };
    let review = crate::scaffold::create(dir, &req)?;
    Ok(Initialised { files: 4, first_review: Some(review.path.to_string_lossy().replace('\\', "/")) })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_example_is_written_without_its_pinned_date() {
        let text = super::unpinned(
            "title = \"T\"\n# Fixed so the example site builds the same on every machine.\nas_of = 2026-11-20\n",
        );
        assert!(text.contains("# as_of = 2026-11-20   # uncomment"), "{text}");
        assert!(!text.lines().any(|l| l.starts_with("as_of")), "{text}");
        assert!(text.parse::<toml::Table>().is_ok(), "still valid TOML");
    }
}
