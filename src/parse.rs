//! Sources → records: splits TOML front matter from the Markdown body, deserialises it into
//! the typed records of [`crate::record`] and scans the body for headings and links.

use std::ops::Range;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceText, did_you_mean};
use crate::load::{Loaded, Source};
use crate::record::Kind;
use crate::record::{self, Record};

/// Every record of the site, by kind, each list in file order.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) reviews: Vec<Record<record::Review>>,
    pub(crate) actions: Vec<Record<record::Action>>,
    pub(crate) nonconformities: Vec<Record<record::Nonconformity>>,
    pub(crate) objectives: Vec<Record<record::Objective>>,
    pub(crate) audits: Vec<Record<record::Audit>>,
    pub(crate) pages: Vec<Record<record::Page>>,
    pub(crate) home: Option<Record<record::Home>>,
    /// IDs (and kinds) of files that failed to parse: references to them are not reported again.
    pub(crate) failed: Vec<(String, Kind)>,
}

/// A parsed file, or its errors; plus warnings either way.
type Outcome = (Result<Any, Vec<Diagnostic>>, Vec<Diagnostic>);

/// Parse outcomes of earlier builds, by file, for `serve`: a file whose kind, ID, folder,
/// attachments and text are exactly what they were is not parsed again (parsing is a pure
/// function of them). Compared in full, never by a hash.
#[derive(Default)]
pub(crate) struct Memo {
    files: std::sync::Mutex<std::collections::HashMap<String, (Source, Outcome)>>,
}

impl Memo {
    fn get(&self, source: &Source) -> Option<Outcome> {
        let files = self.files.lock().ok()?;
        let (old, outcome) = files.get(&source.text.file)?;
        let same = old.kind == source.kind
            && old.id == source.id
            && old.dir == source.dir
            && old.text.text == source.text.text
            && old.attachments.len() == source.attachments.len()
            && old.attachments.iter().zip(&source.attachments).all(|(a, b)| a.name == b.name);
        same.then(|| outcome.clone())
    }
}

#[derive(Clone)]
enum Any {
    Review(Record<record::Review>),
    Action(Record<record::Action>),
    Nonconformity(Record<record::Nonconformity>),
    Objective(Record<record::Objective>),
    Audit(Record<record::Audit>),
    Page(Record<record::Page>),
    Home(Record<record::Home>),
}

/// Parses every loaded source; a file with errors contributes diagnostics instead of a record.
pub(crate) fn parse(loaded: &Loaded, memo: Option<&Memo>) -> (Parsed, Diagnostics) {
    let results: Vec<Outcome> = match memo {
        None => loaded.sources.par_iter().map(parse_source).collect(),
        Some(memo) => {
            // (outcome, parsed now): only what was parsed now is stored again.
            let results: Vec<(Outcome, bool)> = (loaded.sources.par_iter())
                .map(|s| memo.get(s).map_or_else(|| (parse_source(s), true), |o| (o, false)))
                .collect();
            if let Ok(mut files) = memo.files.lock() {
                let present: std::collections::HashSet<&str> =
                    loaded.sources.iter().map(|s| s.text.file.as_str()).collect();
                files.retain(|file, _| present.contains(file.as_str()));
                for (source, (outcome, fresh)) in loaded.sources.iter().zip(&results) {
                    if *fresh {
                        files.insert(source.text.file.clone(), (source.clone(), outcome.clone()));
                    }
                }
            }
            results.into_iter().map(|(o, _)| o).collect()
        }
    };
    let mut parsed = Parsed::default();
    let mut diags = Diagnostics::default();
    for ((result, warnings), source) in results.into_iter().zip(&loaded.sources) {
        diags.extend(warnings);
        match result {
            Ok(Any::Review(r)) => parsed.reviews.push(r),
            Ok(Any::Action(r)) => parsed.actions.push(r),
            Ok(Any::Nonconformity(r)) => parsed.nonconformities.push(r),
            Ok(Any::Objective(r)) => parsed.objectives.push(r),
            Ok(Any::Audit(r)) => parsed.audits.push(r),
            Ok(Any::Page(r)) => parsed.pages.push(r),
            Ok(Any::Home(r)) => parsed.home = Some(r),
            Err(errors) => {
                diags.extend(errors);
                parsed.failed.push((source.id.clone(), source.kind));
            }
        }
    }
    (parsed, diags)
}

/// One file's bytes through the whole parse stage (decode, split, typed front matter, body
/// scan), for property tests and fuzzing: `Ok` when it makes a record without errors, else
/// its diagnostics. Never panics, whatever the bytes.
pub fn parse_one(kind: Kind, file_name: &str, bytes: Vec<u8>) -> Result<(), Vec<Diagnostic>> {
    let dir = match kind {
        Kind::Home => "content".to_string(),
        Kind::Page => "content/pages".to_string(),
        _ => format!("content/{}", kind.folder()),
    };
    let file = format!("{dir}/{file_name}");
    let text = crate::load::decode(&file, bytes).map_err(|d| vec![d])?;
    let id = file_name.trim_end_matches(".md").to_string();
    let text = std::sync::Arc::new(SourceText { file, text });
    let source = Source { kind, id, text, dir, attachments: Vec::new(), digest: None };
    let (result, mut diags) = parse_source(&source);
    if let Err(errors) = result {
        diags.extend(errors);
    }
    if diags.iter().any(|d| d.severity == crate::diagnostics::Severity::Error) { Err(diags) } else { Ok(()) }
}

fn parse_source(source: &Source) -> Outcome {
    let split = match split(&source.text) {
        Ok(s) => s,
        Err(d) => return (Err(vec![d]), Vec::new()),
    };
    let (scan, body_diags) = crate::markdown::scan(&source.text, split.body.clone());
    let result = match source.kind {
        Kind::Review => typed(source, &split, scan).map(Any::Review),
        Kind::Action => typed(source, &split, scan).map(Any::Action),
        Kind::Nonconformity => typed(source, &split, scan).map(Any::Nonconformity),
        Kind::Objective => typed(source, &split, scan).map(Any::Objective),
        Kind::Audit => typed(source, &split, scan).map(Any::Audit),
        Kind::Page => typed(source, &split, scan).map(Any::Page),
        Kind::Home => typed(source, &split, scan).map(Any::Home),
    };
    (result.map_err(|d| vec![d]), body_diags)
}

fn typed<T: DeserializeOwned>(source: &Source, split: &Split, scan: record::BodyScan) -> Result<Record<T>, Diagnostic> {
    let text = &source.text.text;
    let fm: T = toml::from_str(&text[split.front.clone()])
        .map_err(|e| toml_diagnostic(&source.text, split.front.start, &e, Some(split.front.len())))?;
    Ok(Record {
        id: source.id.clone(),
        src: source.text.clone(),
        dir: source.dir.clone(),
        fm_offset: split.front.start,
        fm,
        body: text[split.body.clone()].to_string(),
        body_offset: split.body.start,
        scan,
        attachments: source.attachments.clone(),
    })
}

/// Byte ranges of the front matter and the body within a file.
#[derive(Debug)]
pub(crate) struct Split {
    pub(crate) front: Range<usize>,
    pub(crate) body: Range<usize>,
}

pub(crate) fn split(src: &SourceText) -> Result<Split, Diagnostic> {
    let text = &src.text;
    if text.trim().is_empty() {
        return Err(Diagnostic::file("empty-file", &src.file, "record file is empty")
            .hint("a record starts with TOML front matter between `+++` lines, e.g. `+++`, `title = \"…\"`, `+++` on three lines"));
    }
    let first_end = text.find('\n').unwrap_or(text.len());
    let first = text[..first_end].trim_end();
    if first != "+++" {
        let hint = if first == "---" {
            "front matter is TOML between `+++` lines; YAML between `---` lines is not supported"
        } else {
            "a record starts with a line `+++`, then TOML fields, then a closing `+++` line"
        };
        return Err(src.diag("front-matter", 0..first_end, "missing TOML front matter").hint(hint));
    }
    let front_start = (first_end + 1).min(text.len());
    let mut pos = front_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "+++" {
            let body_start = (end + 1).min(text.len());
            return Ok(Split { front: front_start..pos, body: body_start..text.len() });
        }
        pos = end + 1;
    }
    Err(src.diag("front-matter", 0..3, "front matter is not closed").hint("add a line `+++` after the last TOML field"))
}

/// Turns a TOML/serde error into a diagnostic at the right place of the file, with a hint.
/// `offset` is where the TOML fragment starts in the file; `whole` its length, if the error
/// may span the whole fragment (a missing top-level field), in which case it points at `+++`.
pub(crate) fn toml_diagnostic(
    src: &SourceText,
    offset: usize,
    err: &toml::de::Error,
    whole: Option<usize>,
) -> Diagnostic {
    let message = err.message().trim().to_string();
    let span = err.span().unwrap_or(0..0);
    // Serde reports a missing top-level field with a span over the whole table (or none):
    // it belongs at the opening `+++`. Any other error keeps its own span.
    let top_level = message.starts_with("missing field")
        && span.start == 0
        && (span.end == 0 || whole.is_some_and(|len| span.end >= len.saturating_sub(1)));
    let at = |code| {
        if top_level && offset > 0 {
            src.diag(code, 0..3, "")
        } else {
            src.diag(code, offset + span.start..offset + span.end, "")
        }
    };
    let (code, text, hint) = classify(&message);
    let mut d = at(code);
    d.message = text;
    d.hint = hint;
    d
}

fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

fn classify(message: &str) -> (&'static str, String, Option<String>) {
    let first_line = message.lines().next().unwrap_or(message).to_string();
    if first_line.starts_with("empty value") {
        return ("empty-field", first_line, Some("write the text between the quotes".to_string()));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = backticked(rest);
        let field = names.first().copied().unwrap_or("");
        let allowed: Vec<&str> = names.iter().skip(1).copied().collect();
        let hint = match did_you_mean(field, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if allowed.is_empty() => "this table takes no fields".to_string(),
            None => format!("allowed fields: {}", allowed.join(", ")),
        };
        // Only record front matter has an [extra] table for free fields.
        let hint = if allowed.contains(&"extra") { hint + " (free fields go in an [extra] table)" } else { hint };
        return ("unknown-field", format!("unknown field `{field}`"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = backticked(rest).first().copied().unwrap_or("").to_string();
        return ("missing-field", format!("missing required field `{field}`"), Some(format!("add `{field} = …`")));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let names = backticked(rest);
        let value = names.first().copied().unwrap_or("");
        let allowed: Vec<&str> = names.iter().skip(1).copied().collect();
        let hint = match did_you_mean(value, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? allowed values: {}", allowed.join(", ")),
            None => format!("allowed values: {}", allowed.join(", ")),
        };
        return ("invalid-value", format!("`{value}` is not an allowed value"), Some(hint));
    }
    if message.contains("wanted string or table") {
        return (
            "wrong-type",
            "wrong type: expected a word in quotes".into(),
            Some("write the value as a string, e.g. `status = \"held\"`".into()),
        );
    }
    if message.starts_with("invalid type") {
        let hint =
            if message.contains("expected a date") || message.contains("Datetime") || message.contains("datetime") {
                Some("write dates unquoted, as TOML dates: `due = 2025-06-30`".to_string())
            } else {
                None
            };
        return ("wrong-type", first_line.replace("invalid type: ", "wrong type: "), hint);
    }
    if message.contains("not a date") || message.starts_with("expected a date") || message.starts_with("invalid date") {
        return (
            "invalid-date",
            first_line,
            Some("dates are written YYYY-MM-DD and must exist in the calendar".into()),
        );
    }
    if message.starts_with("invalid value") || message.starts_with("invalid length") {
        return ("invalid-value", first_line, None);
    }
    ("toml-syntax", format!("invalid TOML: {first_line}"), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> SourceText {
        SourceText { file: "content/actions/A-1.md".into(), text: text.into() }
    }

    #[test]
    fn splits_front_matter() {
        let s = src("+++\ntitle = \"x\"\n+++\nBody\n");
        let sp = split(&s).unwrap();
        assert_eq!(&s.text[sp.front.clone()], "title = \"x\"\n");
        assert_eq!(&s.text[sp.body], "Body\n");
        assert_eq!(split(&src("---\na: b\n---\n")).unwrap_err().code, "front-matter");
        assert_eq!(split(&src("+++\ntitle = 1\n")).unwrap_err().code, "front-matter");
        assert_eq!(split(&src("  \n")).unwrap_err().code, "empty-file");
    }

    #[test]
    fn unknown_field_suggests() {
        let s = src("+++\ntitle = \"x\"\nownr = \"y\"\n+++\n");
        let err = toml::from_str::<record::Action>(&s.text[4..27]).unwrap_err();
        let d = toml_diagnostic(&s, 4, &err, Some(23));
        assert_eq!((d.code, d.line, d.column), ("unknown-field", 3, 1));
        assert!(d.hint.unwrap().contains("did you mean `owner`?"));
    }
}
