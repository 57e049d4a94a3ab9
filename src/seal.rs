//! Sealed minutes (DESIGN §9, docs/approval.md): `approved_digest` is the SHA-256 of a
//! review's content as approved, so an edit after approval shows.
//!
//! The digest covers the review file as quorum reads it (byte-order mark stripped, CRLF line
//! endings as LF) without the front matter's `approved_digest` line, then, for a folder
//! review, each attachment sorted by its path relative to the folder (`/`-separated, compared
//! byte by byte), framed as a NUL byte, the path, a NUL byte, the length in bytes as decimal
//! digits, a NUL byte and the bytes. Framing makes the digest unambiguous: no two different
//! contents give the same input to SHA-256.

use std::borrow::Cow;
use std::path::Path;

use sha2::{Digest, Sha256};

/// How a digest starts.
pub(crate) const PREFIX: &str = "sha256:";

/// Whether `value` is a well-formed digest: `sha256:` and 64 lower-case hex digits.
pub(crate) fn well_formed(value: &str) -> bool {
    value
        .strip_prefix(PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// The byte range of the front matter's `approved_digest` line (with its line ending) in
/// `text`, if it has one: a line of the TOML front matter, before its first `[table]`, that
/// starts with `approved_digest` and then, after optional blanks, `=`.
pub(crate) fn digest_line(text: &str) -> Option<std::ops::Range<usize>> {
    let mut pos = 0;
    let mut first = true;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if first {
            if line.trim_end() != "+++" {
                return None;
            }
            first = false;
        } else if line.trim_end() == "+++" || trimmed.starts_with('[') {
            return None;
        } else if let Some(rest) = trimmed.strip_prefix("approved_digest")
            && rest.trim_start_matches([' ', '\t']).starts_with('=')
        {
            return Some(pos..end);
        }
        pos = end;
    }
    None
}

/// The text the digest covers: `text` without its `approved_digest` line.
pub(crate) fn sealed_text(text: &str) -> Cow<'_, str> {
    match digest_line(text) {
        Some(r) => Cow::Owned(format!("{}{}", &text[..r.start], &text[r.end..])),
        None => Cow::Borrowed(text),
    }
}

/// The digest of a review: its decoded file `text` and its attachments (path relative to the
/// review's folder, bytes), in any order.
pub(crate) fn digest(text: &str, attachments: &[(String, Vec<u8>)]) -> String {
    let mut h = Sha256::new();
    h.update(sealed_text(text).as_bytes());
    let mut sorted: Vec<&(String, Vec<u8>)> = attachments.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    for (path, bytes) in sorted {
        h.update(b"\0");
        h.update(path.as_bytes());
        h.update(b"\0");
        h.update(bytes.len().to_string().as_bytes());
        h.update(b"\0");
        h.update(bytes);
    }
    format!("{PREFIX}{}", crate::output::hex(&h.finalize()))
}

/// Reads a folder review's attachments (name relative to the folder, file), for its digest.
pub(crate) fn read_attachments<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a Path)>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    files
        .into_iter()
        .map(|(name, path)| {
            crate::fs::read_file(path, crate::fs::MAX_ATTACHMENT_BYTES)
                .map(|bytes| (name.to_string(), bytes))
                .map_err(|e| format!("cannot read attachment {name}: {e}"))
        })
        .collect()
}

/// The seal of one review record: its `approved_digest` against its content now.
pub(crate) fn seal_of(
    r: &crate::record::Record<crate::record::Review>,
    asset_paths: &std::collections::BTreeMap<String, std::path::PathBuf>,
) -> Seal {
    let Some(recorded) = &r.fm.approved_digest else { return Seal::Unsealed };
    let recorded = recorded.get_ref().clone();
    let files = r
        .attachments
        .iter()
        .filter_map(|a| asset_paths.get(&format!("{}/{}", r.dir, a.name)).map(|p| (a.name.as_str(), p.as_path())));
    match read_attachments(files) {
        Ok(files) => {
            let actual = digest(&r.src.text, &files);
            if actual == recorded { Seal::Intact(recorded) } else { Seal::Broken { recorded, actual: Some(actual) } }
        }
        Err(_) => Seal::Broken { recorded, actual: None },
    }
}

/// Where a review's seal stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seal {
    /// No `approved_digest`.
    Unsealed,
    /// The content matches the digest.
    Intact(String),
    /// The content changed after approval (or an attachment cannot be read): the digest
    /// recorded and the content's own.
    Broken { recorded: String, actual: Option<String> },
}

#[cfg(test)]
mod tests {
    use super::*;

    const REVIEW: &str = "+++\ntitle = \"R\"\napproved_digest = \"sha256:00\"\n[risk]\ntotal = 1\n+++\nBody\n";

    #[test]
    fn the_digest_line_is_left_out_and_only_that_line() {
        assert_eq!(sealed_text(REVIEW), "+++\ntitle = \"R\"\n[risk]\ntotal = 1\n+++\nBody\n");
        // Not in a table, not in the body, not a longer key.
        for text in [
            "+++\n[risk]\napproved_digest = \"x\"\n+++\n",
            "+++\ntitle = \"R\"\n+++\napproved_digest = \"x\"\n",
            "+++\napproved_digest_old = \"x\"\n+++\n",
            "title = 1\napproved_digest = \"x\"\n",
        ] {
            assert_eq!(sealed_text(text), text);
        }
        assert_eq!(sealed_text("+++\n  approved_digest\t= \"x\"\n+++\n"), "+++\n+++\n");
    }

    #[test]
    fn the_digest_is_independent_of_its_own_line_and_of_attachment_order() {
        let a = digest(REVIEW, &[]);
        assert!(well_formed(&a), "{a}");
        let other = REVIEW.replace("sha256:00", "sha256:ff");
        assert_eq!(digest(&other, &[]), a, "the digest line itself is not covered");
        assert_ne!(digest(&REVIEW.replace("Body", "Bodie"), &[]), a, "the body is covered");
        let files = vec![("b.pdf".to_string(), b"B".to_vec()), ("a.csv".to_string(), b"A".to_vec())];
        let mut reversed = files.clone();
        reversed.reverse();
        assert_eq!(digest(REVIEW, &files), digest(REVIEW, &reversed));
        assert_ne!(digest(REVIEW, &files), a);
        // Framing: moving a byte from a path into the bytes changes the digest.
        let moved = vec![("ab".to_string(), b"".to_vec())];
        let kept = vec![("a".to_string(), b"b".to_vec())];
        assert_ne!(digest(REVIEW, &moved), digest(REVIEW, &kept));
    }

    #[test]
    fn the_digest_of_a_known_text_is_stable() {
        // sha256 of "+++\n+++\n" (`printf '+++\n+++\n' | sha256sum`).
        assert_eq!(
            digest("+++\napproved_digest = \"x\"\n+++\n", &[]),
            "sha256:51feb224f593b18a147595c375ca31b76b47fa9b2b2350642565a81c5b540bc6"
        );
    }

    #[test]
    fn malformed_digests_are_refused() {
        assert!(well_formed(&format!("sha256:{}", "a".repeat(64))));
        for bad in ["sha256:", "sha256:ABC", &format!("sha256:{}", "A".repeat(64)), &format!("md5:{}", "a".repeat(64))]
        {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
