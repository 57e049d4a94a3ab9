//! `quorum approve`: records the approval of a review's minutes and seals them with
//! `approved_digest` (DESIGN §9, docs/approval.md). The file is edited in place with a
//! format-preserving TOML editor, so the author's comments, order and spacing stay; the body
//! is not touched.

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::diagnostics::{Diagnostics, Severity};
use crate::record::{Record, Review, ReviewStatus};
use crate::{Failure, Options, seal};

/// What to approve.
#[derive(Clone, Debug)]
pub struct Approval {
    /// The site folder.
    pub root: PathBuf,
    /// The review's ID.
    pub review: String,
    /// Who approved the minutes (`approved_by`).
    pub by: String,
    /// When (`approved_on`); never before the meeting.
    pub on: Date,
    /// Re-seal an approved review after an agreed correction.
    pub reseal: bool,
}

/// What `approve` wrote.
#[derive(Clone, Debug)]
pub struct Approved {
    /// The review's ID as its file names it.
    pub id: String,
    /// The edited file.
    pub path: PathBuf,
    /// `sha256:<hex>`, as written to `approved_digest`.
    pub digest: String,
    /// Whether an earlier seal was replaced.
    pub resealed: bool,
    /// Errors in other files of the site (the approval does not depend on them).
    pub other_errors: usize,
}

/// Approves and seals a review; nothing is written unless every step succeeds.
pub fn approve(req: &Approval) -> Result<Approved, Failure> {
    if req.by.trim().is_empty() {
        return Err(Failure::Fatal("--by needs the name of the person who approved the minutes".into()));
    }
    let (review, asset_paths) = find(&req.root, &req.review)?;
    let other_errors = refuse_errors(req, &review)?;
    permitted(req, &review)?;
    let path = req.root.join(&review.src.file);
    let original = crate::fs::read_file(&path, crate::fs::MAX_RECORD_BYTES)
        .map_err(|e| Failure::Fatal(format!("cannot read {}: {e}", path.display())))?;
    let text =
        crate::load::decode(&review.src.file, original.clone()).map_err(|d| Failure::Content(Diagnostics(vec![d])))?;
    let edited = edit(&review, &text, req)?;
    let attachments = review
        .attachments
        .iter()
        .filter_map(|a| asset_paths.get(&format!("{}/{}", review.dir, a.name)).map(|p| (a.name.as_str(), p.as_path())));
    let files = seal::read_attachments(attachments).map_err(Failure::Fatal)?;
    let digest = seal::digest(&edited, &files);
    let edited = edited.replacen(PLACEHOLDER, &digest, 1);
    debug_assert_eq!(seal::digest(&edited, &files), digest);
    write_like(&path, &original, &edited)?;
    Ok(Approved { id: review.id.clone(), path, digest, resealed: req.reseal, other_errors })
}

/// The digest's value until the digest of the edited text is known (its line is not covered).
const PLACEHOLDER: &str = "sha256:pending";

type AssetPaths = std::collections::BTreeMap<String, PathBuf>;

/// The review record `id` (any case) and the site's attachment paths.
fn find(root: &Path, id: &str) -> Result<(Record<Review>, AssetPaths), Failure> {
    let (loaded, _) = crate::load::load(root).map_err(|e| Failure::Fatal(e.to_string()))?;
    let (parsed, diags) = crate::parse::parse(&loaded, None);
    if let Some(i) = parsed.reviews.iter().position(|r| r.id.eq_ignore_ascii_case(id)) {
        let review = parsed.reviews.into_iter().nth(i).expect("found above");
        return Ok((review, loaded.asset_paths));
    }
    // A review file that does not parse: show why.
    let own: Vec<_> = (diags.0.into_iter())
        .filter(|d| d.severity == Severity::Error && file_id(&d.file).is_some_and(|f| f.eq_ignore_ascii_case(id)))
        .collect();
    if !own.is_empty() {
        return Err(Failure::Content(Diagnostics(own)));
    }
    let mut ids: Vec<&str> = parsed.reviews.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    let known = if ids.is_empty() { "there are none yet".to_string() } else { format!("reviews: {}", ids.join(", ")) };
    Err(Failure::Fatal(format!("no review `{id}` in content/reviews/ ({known})")))
}

/// The record ID a review file names: `content/reviews/ID.md` or `content/reviews/ID/index.md`.
fn file_id(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("content/reviews/")?;
    rest.strip_suffix("/index.md").or_else(|| rest.strip_suffix(".md"))
}

/// Refuses a review whose file has errors (the whole site checked as of the approval date);
/// returns how many errors other files have.
fn refuse_errors(req: &Approval, review: &Record<Review>) -> Result<usize, Failure> {
    let opts = Options { root: req.root.clone(), as_of: Some(req.on), audience: "internal".into() };
    let diags = match crate::check(&opts) {
        Ok(checked) => checked.diagnostics,
        Err(Failure::Content(d)) => d,
        Err(e) => return Err(e),
    };
    let (own, other): (Vec<_>, Vec<_>) =
        diags.0.into_iter().filter(|d| d.severity == Severity::Error).partition(|d| d.file == review.src.file);
    if !own.is_empty() {
        return Err(Failure::Content(Diagnostics(own)));
    }
    Ok(other.len())
}

/// Only held minutes are approved, and approved ones re-sealed; never before the meeting.
fn permitted(req: &Approval, r: &Record<Review>) -> Result<(), Failure> {
    let date = *r.fm.date.get_ref();
    let refuse = |m: String| Err(Failure::Fatal(m));
    match (*r.fm.status.get_ref(), req.reseal) {
        (ReviewStatus::Planned, _) => {
            return refuse(format!(
                "{} is planned: hold the meeting and set status = \"held\" before approving its minutes",
                r.id
            ));
        }
        (ReviewStatus::Held, true) => {
            return refuse(format!("{} is not approved yet: approve it without --reseal", r.id));
        }
        (ReviewStatus::Approved, false) => {
            let on = r.fm.approved_on.as_ref().map_or("an unknown date".to_string(), |d| d.get_ref().to_string());
            let by = r.fm.approved_by.as_deref().unwrap_or("someone");
            return refuse(format!(
                "{} was already approved by {by} on {on}; after an agreed correction, re-seal it with --reseal",
                r.id
            ));
        }
        _ => {}
    }
    if req.on < date {
        return refuse(format!("--on {} is before the meeting on {date}: minutes are approved after it", req.on));
    }
    Ok(())
}

/// The file's text with the approval fields set (the digest as [`PLACEHOLDER`]).
fn edit(r: &Record<Review>, text: &str, req: &Approval) -> Result<String, Failure> {
    let src = crate::diagnostics::SourceText { file: r.src.file.clone(), text: text.to_string() };
    let split = crate::parse::split(&src).map_err(|d| Failure::Content(Diagnostics(vec![d])))?;
    let mut doc: toml_edit::DocumentMut = text[split.front.clone()]
        .parse()
        .map_err(|e| Failure::Fatal(format!("{}: the front matter is not TOML: {e}", r.src.file)))?;
    let on: toml_edit::Datetime = req.on.to_string().parse().expect("a date is a TOML date");
    doc["status"] = toml_edit::value("approved");
    doc["approved_by"] = toml_edit::value(req.by.trim());
    doc["approved_on"] = toml_edit::value(on);
    doc["approved_digest"] = toml_edit::value(PLACEHOLDER);
    let mut front = doc.to_string();
    if !front.ends_with('\n') {
        front.push('\n');
    }
    Ok(format!("{}{front}{}", &text[..split.front.start], &text[split.front.end..]))
}

/// Writes `text` to `path` with the byte-order mark and line endings `original` had, by a
/// rename, so the file is either the old one or the new one.
fn write_like(path: &Path, original: &[u8], text: &str) -> Result<(), Failure> {
    let crlf = original.windows(2).any(|w| w == b"\r\n");
    let mut bytes = Vec::with_capacity(text.len() + 3);
    if original.starts_with(b"\xEF\xBB\xBF") {
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    if crlf {
        bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    } else {
        bytes.extend_from_slice(text.as_bytes());
    }
    let fail = |e: std::io::Error| Failure::Fatal(format!("cannot write {}: {e}", path.display()));
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.quorum-approve"));
    std::fs::write(&tmp, &bytes).map_err(fail)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}
