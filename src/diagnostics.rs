//! Diagnostics: problems found in a site's files, with file, line, column, snippet and hint;
//! rendered for people (rustc style) or as JSON for tools.
//!
//! Bounded whatever the input: a snippet is a window of its line around the column, and a
//! collection keeps at most [`PER_FILE`] problems of each file (errors first), counting the
//! rest in one `more-diagnostics` entry, even while the problems are being collected.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site does not build.
    Error,
    /// Reported; the site builds unless warnings are denied.
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
    /// Error or warning.
    pub severity: Severity,
    /// Stable kebab-case code (`unknown-id`), listed in docs/errors.md.
    pub code: &'static str,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    #[serde(skip)]
    pub(crate) snippet: Option<Snippet>,
    #[serde(skip)]
    pub(crate) class: Option<WarningClass>,
    /// Set on a `more-diagnostics` entry only: the problems of its file left out.
    #[serde(skip)]
    pub(crate) dropped: Option<Dropped>,
}

/// At most this many problems of one file are listed; one more entry counts the rest.
pub(crate) const PER_FILE: usize = 50;
/// The code of that entry.
pub(crate) const MORE: &str = "more-diagnostics";
/// How many characters of the source line a snippet keeps before the column, and from it on.
const BEFORE: usize = 120;
const AFTER: usize = 200;
/// A collection is first compacted when it holds this many entries.
const COMPACT_AT: usize = 1024;

/// The problems of one file left out of the list, by what they would count as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Dropped {
    errors: usize,
    content: usize,
    status: usize,
    /// Warnings of no class (none today; kept so that nothing is miscounted).
    other: usize,
}

impl Dropped {
    fn count(&mut self, d: &Diagnostic) {
        if let Some(more) = &d.dropped {
            self.errors += more.errors;
            self.content += more.content;
            self.status += more.status;
            self.other += more.other;
            return;
        }
        match (d.severity, d.class) {
            (Severity::Error, _) => self.errors += 1,
            (Severity::Warning, Some(WarningClass::Content)) => self.content += 1,
            (Severity::Warning, Some(WarningClass::Status)) => self.status += 1,
            (Severity::Warning, None) => self.other += 1,
        }
    }

    fn warnings(&self) -> usize {
        self.content + self.status + self.other
    }
}

/// The source line a diagnostic points into (a window of it, for a long line), and the
/// underlined part of it.
#[derive(Clone, Debug)]
pub(crate) struct Snippet {
    pub(crate) text: String,
    /// Character range within `text` to underline.
    pub(crate) mark: Range<usize>,
}

impl Snippet {
    /// The part of `line` around the byte range `mark` (on character boundaries): at most
    /// [`BEFORE`] characters before it and [`AFTER`] from its start, with `…` where the line
    /// was cut, so a diagnostic's size does not grow with its line.
    fn window(line: &str, mark: Range<usize>) -> Snippet {
        let from = line[..mark.start].char_indices().rev().nth(BEFORE - 1).map_or(0, |(i, _)| i);
        let to = line[mark.start..].char_indices().nth(AFTER).map_or(line.len(), |(i, _)| mark.start + i);
        let cut_before = from > 0;
        let mut text = String::with_capacity(to - from + 6);
        if cut_before {
            text.push('…');
        }
        text.push_str(&line[from..to]);
        if to < line.len() {
            text.push('…');
        }
        let lead = usize::from(cut_before) + line[from..mark.start].chars().count();
        let len = line[mark.start..mark.end.clamp(mark.start, to)].chars().count().max(1);
        Snippet { text, mark: lead..lead + len }
    }
}

/// A file's text (BOM stripped, LF line endings) and its site-relative name, for locating spans.
#[derive(Debug)]
pub(crate) struct SourceText {
    pub(crate) file: String,
    pub(crate) text: String,
}

impl SourceText {
    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let (line, column, _) = self.locate(offset);
        (line, column)
    }

    /// Line, column and the line's start of an offset on a character boundary. Only the lines
    /// before this one are counted, so a long line is scanned once, not twice.
    fn locate(&self, offset: usize) -> (usize, usize, usize) {
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = self.text[..line_start].matches('\n').count() + 1;
        (line, self.text[line_start..offset].chars().count() + 1, line_start)
    }

    /// A diagnostic covering `span` (byte offsets into `text`).
    pub(crate) fn diag(&self, code: &'static str, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.clamp(start, self.text.len()));
        let (line, column, line_start) = self.locate(start);
        // The snippet needs the line only up to a little past its window: a line of a
        // megabyte is not searched to its end for every problem on it.
        let rest = &self.text[start..];
        let line_end = rest
            .char_indices()
            .take(AFTER + 1)
            .find(|&(_, c)| c == '\n')
            .map_or_else(|| rest.char_indices().nth(AFTER + 1).map_or(rest.len(), |(i, _)| i), |(i, _)| i)
            + start;
        let mark = start - line_start..end.min(line_end).max(start) - line_start;
        Diagnostic {
            snippet: Some(Snippet::window(&self.text[line_start..line_end], mark)),
            ..Diagnostic::new(code, &self.file, line, column, message)
        }
    }

    /// A diagnostic pointing at a whole line (1-based).
    #[cfg(test)]
    pub(crate) fn diag_line(&self, code: &'static str, line: usize, message: impl Into<String>) -> Diagnostic {
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
    pub(crate) fn new(code: &'static str, file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
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
            dropped: None,
        }
    }

    /// An error about a whole file (line 1, column 1).
    pub(crate) fn file(code: &'static str, file: &str, message: impl Into<String>) -> Self {
        Diagnostic::new(code, file, 1, 1, message)
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Makes this a warning of the given class.
    pub(crate) fn warning(mut self, class: WarningClass) -> Self {
        self.severity = Severity::Warning;
        self.class = Some(class);
        self
    }

    /// Human-readable, rustc-style, without colour (stable for tests and logs). Characters
    /// from the content that a terminal would act on, or that hide or reorder text, are shown
    /// as escapes (`\u{1b}`), so a record cannot forge or hide lines of the report.
    pub fn render(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{sev}[{}]: {}\n", self.code, printable(&self.message));
        let gutter = " ".repeat(self.line.to_string().len());
        let _ = writeln!(out, "{gutter}--> {}:{}:{}", printable(&self.file), self.line, self.column);
        if let Some(snippet) = &self.snippet {
            let text = printable(&snippet.text);
            // The marks move with the escapes before and inside them.
            let chars = snippet.text.chars().count();
            let width = |r: Range<usize>| -> usize {
                let past_end = r.end.saturating_sub(chars.max(r.start));
                snippet.text.chars().take(r.end).skip(r.start).map(shown_width).sum::<usize>() + past_end
            };
            let start = width(0..snippet.mark.start);
            let len = width(snippet.mark.clone()).max(1);
            let _ = writeln!(out, "{gutter} |");
            let _ = writeln!(out, "{} | {}", self.line, text);
            let _ = writeln!(out, "{gutter} | {}{}", " ".repeat(start), "^".repeat(len));
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "{gutter} = hint: {}", printable(hint));
        }
        out
    }
}

/// Control characters (C0 but tab, DEL, C1), line and paragraph separators and the bidi
/// controls (embeddings, overrides, isolates, marks): shown escaped in the human format.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// How many characters `c` takes once shown: a tab is a space, a hidden one `\u{…}`.
fn shown_width(c: char) -> usize {
    if hidden(c) { c.escape_unicode().count() } else { 1 }
}

/// `s` as the human format shows it: tabs as spaces, [`hidden`] characters escaped.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c == '\t' || hidden(c)) {
        return s.into();
    }
    s.chars()
        .map(|c| match c {
            '\t' => " ".to_string(),
            c if hidden(c) => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

/// An ordered collection of diagnostics, at most [`PER_FILE`] of each file (plus a
/// `more-diagnostics` entry counting the rest) once [`sorted`](Self::sorted); while problems
/// are collected with [`push`](Self::push) it is compacted from time to time, so its size is
/// bounded by the number of files, not the number of problems.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        let v = &mut self.0;
        if v.len() == v.capacity() && v.len() >= COMPACT_AT {
            self.compact();
            // Grow when compacting freed less than half, so that every compaction is paid for
            // by at least as many pushes as it looked at: O(log n) a push, amortised.
            let v = &mut self.0;
            if v.len() * 2 > v.capacity() {
                v.reserve(v.capacity());
            }
        }
        self.0.push(d);
    }

    pub(crate) fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        for d in other {
            self.push(d);
        }
    }

    /// Errors, those left out of the list included.
    pub(crate) fn error_count(&self) -> usize {
        self.0
            .iter()
            .map(|d| match &d.dropped {
                Some(more) => more.errors,
                None => usize::from(d.severity == Severity::Error),
            })
            .sum()
    }

    /// Warnings, those left out of the list included.
    pub fn warning_count(&self) -> usize {
        self.0
            .iter()
            .map(|d| match &d.dropped {
                Some(more) => more.warnings(),
                None => usize::from(d.severity == Severity::Warning),
            })
            .sum()
    }

    /// Whether any entry is an error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// Promotes warnings to errors as `--deny-warnings` / `--deny-status` ask, those left out
    /// of the list included.
    pub fn deny(&mut self, content: bool, status: bool) {
        for d in &mut self.0 {
            if let Some(more) = &mut d.dropped {
                if content || status {
                    more.errors += std::mem::take(&mut more.content);
                }
                if status {
                    more.errors += std::mem::take(&mut more.status);
                }
                *d = more_entry(&d.file, (d.line, d.column), *more);
                continue;
            }
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

    /// Sorted by file, line, column, code (then message), exact duplicates removed, at most
    /// [`PER_FILE`] of each file followed by the `more-diagnostics` entry for the rest.
    pub fn sorted(mut self) -> Self {
        self.compact();
        self
    }

    /// Sorts, removes duplicates and keeps the first [`PER_FILE`] of each file, errors before
    /// warnings; the rest are counted into the file's `more-diagnostics` entry, last in its
    /// file. Keeping the best [`PER_FILE`] by (severity, place) at every compaction keeps the
    /// best of all, so the result does not depend on when compactions happened (but for an
    /// exact duplicate of a problem already left out, which is counted again).
    fn compact(&mut self) {
        self.0.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        self.0.dedup_by(|a, b| a.dropped.is_none() && b.dropped.is_none() && order_key(a) == order_key(b));
        let all = std::mem::take(&mut self.0);
        let mut out = Vec::with_capacity(all.capacity());
        let mut all = all.into_iter().peekable();
        while let Some(first) = all.next() {
            let mut group = vec![first];
            while let Some(d) = all.next_if(|d| d.file == group[0].file) {
                group.push(d);
            }
            cap_file(group, &mut out);
        }
        self.0 = out;
    }
    /// The entries as a JSON array (`quorum check --format json`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.0).expect("diagnostics serialize")
    }

    /// The entries as the terminal shows them, with snippets.
    pub fn render(&self) -> String {
        self.0.iter().map(|d| d.render() + "\n").collect()
    }

    /// "2 errors, 1 warning"
    pub fn summary(&self) -> String {
        format!("{}, {}", crate::count(self.error_count(), "error"), crate::count(self.warning_count(), "warning"))
    }
}

/// The order of the list: by file, then place, code and message; a file's
/// `more-diagnostics` entry after all its others.
fn order_key(d: &Diagnostic) -> (&str, bool, usize, usize, &str, &str) {
    (&d.file, d.dropped.is_some(), d.line, d.column, d.code, &d.message)
}

/// One file's problems, sorted, with its `more-diagnostics` entries (if any) last: the first
/// [`PER_FILE`] errors, then warnings up to [`PER_FILE`], in place order, then one entry for
/// all the others.
fn cap_file(group: Vec<Diagnostic>, out: &mut Vec<Diagnostic>) {
    let listed = group.iter().filter(|d| d.dropped.is_none()).count();
    if listed <= PER_FILE && group.len() == listed {
        out.extend(group);
        return;
    }
    let errors = group.iter().filter(|d| d.dropped.is_none() && d.severity == Severity::Error).count();
    let (mut keep_errors, mut keep_warnings) = (errors.min(PER_FILE), PER_FILE.saturating_sub(errors));
    let mut dropped = Dropped::default();
    let mut first_dropped: Option<(usize, usize)> = None;
    let file = group[0].file.clone();
    for d in group {
        let keep = match (&d.dropped, d.severity) {
            (Some(_), _) => false,
            (None, Severity::Error) => keep_errors.checked_sub(1).map(|n| keep_errors = n).is_some(),
            (None, Severity::Warning) => keep_warnings.checked_sub(1).map(|n| keep_warnings = n).is_some(),
        };
        if keep {
            out.push(d);
        } else {
            dropped.count(&d);
            let at = (d.line, d.column);
            first_dropped = Some(first_dropped.map_or(at, |first| first.min(at)));
        }
    }
    out.push(more_entry(&file, first_dropped.unwrap_or((1, 1)), dropped));
}

/// "and 99950 more in this file": at the first place left out, an error when an error was.
fn more_entry(file: &str, (line, column): (usize, usize), dropped: Dropped) -> Diagnostic {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let total = dropped.errors + dropped.warnings();
    let message = format!(
        "and {total} more in this file ({}, {})",
        plural(dropped.errors, "error"),
        plural(dropped.warnings(), "warning")
    );
    let mut d = Diagnostic::new(MORE, file, line, column, message).hint(format!(
        "only the first {PER_FILE} problems of a file are listed, errors first: fix them and check again"
    ));
    if dropped.errors == 0 {
        d.severity = Severity::Warning;
    }
    d.dropped = Some(dropped);
    d
}

/// The closest candidate to `word`, if any is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
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

    /// The caret line's marks: (start column, count) within the snippet line.
    fn marks(rendered: &str) -> (usize, usize) {
        let line = rendered.lines().find(|l| l.trim_start().starts_with("| ") && l.contains('^')).unwrap();
        let marks = line.split_once("| ").unwrap().1;
        (marks.find('^').unwrap(), marks.matches('^').count())
    }

    fn snippet_line(rendered: &str) -> &str {
        rendered.lines().find(|l| l.starts_with(|c: char| c.is_ascii_digit())).unwrap().split_once(" | ").unwrap().1
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_column() {
        let line = format!("{}[[X]]{}", "é".repeat(5000), "b".repeat(5000));
        let src = SourceText { file: "a.md".into(), text: format!("+++\n+++\n{line}\nnext\n") };
        let at = src.text.find("[[X]]").unwrap();
        let d = src.diag("x", at..at + 5, "m");
        assert_eq!((d.line, d.column), (3, 5001));
        let snippet = d.snippet.as_ref().unwrap();
        assert_eq!(snippet.text.chars().count(), 1 + BEFORE + AFTER + 1, "{}", snippet.text);
        assert!(snippet.text.starts_with("…éé") && snippet.text.ends_with("bb…"), "{}", snippet.text);
        assert!(snippet.text.len() < 600);
        let shown: String = snippet.text.chars().skip(snippet.mark.start).take(snippet.mark.len()).collect();
        assert_eq!(shown, "[[X]]");
        let r = d.render();
        assert_eq!(marks(&r), (1 + BEFORE, 5), "{r}");

        // Short lines are shown whole, without markers; a span running past the window is cut.
        let src = SourceText { file: "a.md".into(), text: "ab\ncd".into() };
        assert_eq!(src.diag("x", 4..6, "m").snippet.unwrap().text, "cd");
        let src = SourceText { file: "a.md".into(), text: "a".repeat(1000) };
        let whole = src.diag_line("x", 1, "m").snippet.unwrap();
        assert_eq!((whole.text.chars().count(), whole.mark.clone()), (AFTER + 1, 0..AFTER));
    }

    fn err(file: &str, line: usize) -> Diagnostic {
        Diagnostic::new("e", file, line, 1, format!("error {line}"))
    }

    fn warn(file: &str, line: usize, class: WarningClass) -> Diagnostic {
        Diagnostic::new("w", file, line, 1, format!("warning {line}")).warning(class)
    }

    #[test]
    fn at_most_fifty_per_file_errors_first_and_the_rest_counted() {
        let mut all = Diagnostics::default();
        // Warnings come first by place, but the file's errors must not hide behind them.
        for line in 1..=60 {
            all.push(warn("a.md", line, WarningClass::Content));
        }
        for line in 100..130 {
            all.push(err("a.md", line));
            all.push(err("a.md", line)); // duplicates count once
        }
        all.push(warn("b.md", 1, WarningClass::Status));
        let all = all.sorted();
        let a: Vec<&Diagnostic> = all.0.iter().filter(|d| d.file == "a.md").collect();
        assert_eq!(a.len(), PER_FILE + 1);
        assert_eq!(a.iter().filter(|d| d.code == "e").count(), 30, "every error is listed");
        assert_eq!(a.iter().filter(|d| d.code == "w").map(|d| d.line).max(), Some(20), "then the first warnings");
        let more = a.last().unwrap();
        assert_eq!((more.code, more.severity, more.line), (MORE, Severity::Warning, 21));
        assert_eq!(more.message, "and 40 more in this file (0 errors, 40 warnings)");
        assert_eq!((all.error_count(), all.warning_count()), (30, 61));
        assert!(a.windows(2).all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column) || w[1].code == MORE));

        // --deny-warnings makes the dropped content warnings errors too.
        let mut denied = all;
        denied.deny(true, false);
        assert_eq!((denied.error_count(), denied.warning_count()), (90, 1));
        let more = denied.0.iter().find(|d| d.code == MORE).unwrap();
        assert_eq!(more.severity, Severity::Error);
        assert!(more.render().starts_with("error[more-diagnostics]: and 40 more in this file (40 errors, 0 warnings)"));
    }

    #[test]
    fn collecting_stays_bounded_and_counts_every_problem() {
        let mut all = Diagnostics::default();
        let mut most = 0;
        for line in (1..=100_000).rev() {
            all.push(err("a.md", line));
            all.push(warn("b.md", line, WarningClass::Status));
            most = most.max(all.0.capacity());
        }
        assert!(most <= 4 * COMPACT_AT, "the list grew to {most} entries");
        let all = all.sorted();
        assert_eq!(all.0.len(), 2 * (PER_FILE + 1));
        assert_eq!((all.error_count(), all.warning_count()), (100_000, 100_000));
        assert_eq!(all.summary(), "100000 errors, 100000 warnings");
        let lines: Vec<usize> = all.0.iter().filter(|d| d.file == "a.md").map(|d| d.line).collect();
        assert_eq!(lines, (1..=PER_FILE + 1).collect::<Vec<_>>(), "the first 50 by place, then the note at 51");
        let more = &all.0[PER_FILE];
        assert_eq!((more.code, more.severity), (MORE, Severity::Error));
        let json: serde_json::Value = serde_json::from_str(&all.to_json()).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 2 * (PER_FILE + 1));
        assert_eq!(json[PER_FILE]["code"], MORE);
    }

    #[test]
    fn control_characters_from_content_are_shown_escaped() {
        let line = "\u{1b}[2J\t\u{202e}x [[NOPE]] \u{7}\u{2028}\u{85}";
        let src = SourceText { file: "a\u{1b}.md".into(), text: line.into() };
        let at = line.find("[[NOPE]]").unwrap();
        let d = src.diag("x", at..at + 8, "id `a\u{1b}]0;pwned\u{7}\nerror[fake]: b`").hint("\u{2066}h\u{2069}");
        let r = d.render();
        assert!(r.chars().filter(|&c| hidden(c) || c == '\t').all(|c| c == '\n'), "{r:?}");
        assert_eq!(r.lines().count(), 6, "no line of the content's own:\n{r}");
        assert!(r.starts_with("error[x]: id `a\\u{1b}]0;pwned\\u{7}\\u{a}error[fake]: b`\n"), "{r}");
        assert!(r.contains("--> a\\u{1b}.md:1:"), "{r}");
        assert!(r.contains("= hint: \\u{2066}h\\u{2069}\n"), "{r}");
        let shown = snippet_line(&r);
        assert_eq!(shown, "\\u{1b}[2J \\u{202e}x [[NOPE]] \\u{7}\\u{2028}\\u{85}");
        let (start, len) = marks(&r);
        assert_eq!(&shown[start..start + len], "[[NOPE]]", "{r}");
        // JSON keeps the text as it is (and escapes it itself).
        assert!(Diagnostics(vec![d]).to_json().contains("\\u001b]0;pwned\\u0007\\nerror"));
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("ownr", ["title", "owner", "due"]), Some("owner"));
        assert_eq!(did_you_mean("zzz", ["title", "owner"]), None);
    }
}
