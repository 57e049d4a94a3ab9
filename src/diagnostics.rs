//! Diagnostics: problems found in a site's files, with file, line, column, snippet and hint;
//! rendered for people (rustc style) or as JSON for tools.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Which warnings `--deny-warnings` / `--deny-status` turn into errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningClass {
    /// The records themselves are incomplete.
    Content,
    /// Depends on the as-of date.
    Status,
}

/// One problem at one place.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    #[serde(skip)]
    pub snippet: Option<Snippet>,
    #[serde(skip)]
    pub class: Option<WarningClass>,
}

/// The source line a diagnostic points into, and the underlined part of it.
#[derive(Clone, Debug)]
pub struct Snippet {
    pub text: String,
    /// Character range within `text` to underline.
    pub mark: Range<usize>,
}

/// A file's text (BOM stripped, LF line endings) and its site-relative name, for locating spans.
#[derive(Debug)]
pub struct SourceText {
    pub file: String,
    pub text: String,
}

impl SourceText {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, self.text[line_start..offset].chars().count() + 1)
    }

    /// A diagnostic covering `span` (byte offsets into `text`).
    pub fn diag(&self, code: &'static str, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.clamp(start, self.text.len()));
        let (line, column) = self.line_col(start);
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[line_start..].find('\n').map_or(self.text.len(), |i| line_start + i);
        let text = self.text[line_start..line_end].to_string();
        let mark_start = column - 1;
        let mark_len = self.text[start..end.min(line_end).max(start)].chars().count().max(1);
        Diagnostic {
            snippet: Some(Snippet { text, mark: mark_start..mark_start + mark_len }),
            ..Diagnostic::new(code, &self.file, line, column, message)
        }
    }

    /// A diagnostic pointing at a whole line (1-based).
    pub fn diag_line(&self, code: &'static str, line: usize, message: impl Into<String>) -> Diagnostic {
        let start: usize = self.text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
        let len = self.text[start..].find('\n').unwrap_or(self.text.len() - start);
        self.diag(code, start..start + len, message)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Diagnostic {
    /// An error at a file position, without a snippet.
    pub fn new(code: &'static str, file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            hint: None,
            snippet: None,
            class: None,
        }
    }

    /// An error about a whole file (line 1, column 1).
    pub fn file(code: &'static str, file: &str, message: impl Into<String>) -> Self {
        Diagnostic::new(code, file, 1, 1, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Makes this a warning of the given class.
    pub fn warning(mut self, class: WarningClass) -> Self {
        self.severity = Severity::Warning;
        self.class = Some(class);
        self
    }

    /// Human-readable, rustc-style, without colour (stable for tests and logs).
    pub fn render(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{sev}[{}]: {}\n", self.code, self.message);
        let gutter = " ".repeat(self.line.to_string().len());
        let _ = writeln!(out, "{gutter}--> {}:{}:{}", self.file, self.line, self.column);
        if let Some(snippet) = &self.snippet {
            let text = snippet.text.replace('\t', " ");
            let _ = writeln!(out, "{gutter} |");
            let _ = writeln!(out, "{} | {}", self.line, text);
            let marks = "^".repeat(snippet.mark.len().max(1));
            let _ = writeln!(out, "{gutter} | {}{}", " ".repeat(snippet.mark.start), marks);
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "{gutter} = hint: {hint}");
        }
        out
    }
}

/// An ordered collection of diagnostics.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// Promotes warnings to errors as `--deny-warnings` / `--deny-status` ask.
    pub fn deny(&mut self, content: bool, status: bool) {
        for d in &mut self.0 {
            let promote = match d.class {
                Some(WarningClass::Content) => content || status,
                Some(WarningClass::Status) => status,
                None => false,
            };
            if promote {
                d.severity = Severity::Error;
            }
        }
    }

    /// Sorted by file, line, column, code; exact duplicates removed.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code, &a.message).cmp(&(&b.file, b.line, b.column, b.code, &b.message))
        });
        self.0.dedup_by(|a, b| {
            a.file == b.file && a.line == b.line && a.column == b.column && a.code == b.code && a.message == b.message
        });
        self
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.0).expect("diagnostics serialize")
    }

    pub fn render(&self) -> String {
        self.0.iter().map(|d| d.render() + "\n").collect()
    }

    /// "2 errors, 1 warning"
    pub fn summary(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        format!("{}, {}", plural(self.error_count(), "error"), plural(self.warning_count(), "warning"))
    }
}

/// The closest candidate to `word`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns() {
        let src = SourceText { file: "a.md".into(), text: "+++\ntitle = 1\nöwner = 2\n".into() };
        let pos = src.text.find("= 2").unwrap();
        assert_eq!(src.line_col(pos), (3, 7));
        let d = src.diag("x", pos..pos + 3, "m");
        assert_eq!((d.line, d.column), (3, 7));
        assert!(d.render().contains("3 | öwner = 2\n  |       ^^^"), "{}", d.render());
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("ownr", ["title", "owner", "due"]), Some("owner"));
        assert_eq!(did_you_mean("zzz", ["title", "owner"]), None);
    }
}
