//! Output files in memory → the broken links among them: every internal `href`/`src` of an
//! HTML or SVG file must name a written file, and every `#fragment` an `id` in that file.
//!
//! This is the build checking its own work (DESIGN §5: links name the file, so the site works
//! from `file://`). It scans with a small tag reader rather than a full HTML parser: quorum's
//! own output is well formed (the Nu HTML Checker runs over it in CI), and all the check
//! needs is the attributes of start tags outside comments, scripts and styles.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use memchr::{memchr, memmem};
use rayon::prelude::*;

use crate::output::OutputFile;

/// One broken link (or ambiguous target) in the output.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Output-relative path of the file holding the link.
    pub(crate) file: String,
    /// The attribute value as written (entities decoded).
    pub(crate) link: String,
    pub(crate) reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: `{}` {}", self.file, self.link, self.reason)
    }
}

/// What one HTML or SVG file offers and asks for; text borrowed from the file where it can be.
#[derive(Default)]
struct Scan<'a> {
    /// Sorted, so fragments are found by binary search and duplicates sit side by side.
    ids: Vec<Cow<'a, str>>,
    links: Vec<Cow<'a, str>>,
}

/// Checks every internal link of every HTML and SVG file; problems sorted by file and link.
pub fn check(files: &[OutputFile]) -> Vec<Problem> {
    check_made(files, &|_| false)
}

/// The build's own output: [`check_made`] with the site's attachments as the copied files.
pub(crate) fn check_site(site: &crate::model::Published, files: &[OutputFile]) -> Vec<Problem> {
    let copied: HashSet<&str> = site.assets.values().map(String::as_str).collect();
    check_made(files, &|path| copied.contains(path))
}

/// As [`check`], but the links of files for which `copied` is true (attachments published as
/// they are) are not judged: quorum did not write them. Their ids are still link targets.
pub(crate) fn check_made(files: &[OutputFile], copied: &(dyn Fn(&str) -> bool + Sync)) -> Vec<Problem> {
    let scans: HashMap<&str, Scan> =
        files.par_iter().filter(|f| is_markup(&f.path)).map(|f| (f.path.as_str(), scan(&f.bytes))).collect();
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut problems: Vec<Problem> = scans
        .par_iter()
        .filter(|(file, _)| !copied(file))
        .flat_map_iter(|(file, s)| {
            let dups = s.ids.windows(2).filter(|w| w[0] == w[1]).map(|w| Problem {
                file: file.to_string(),
                link: format!("#{}", w[0]),
                reason: "is the id of more than one element, so the fragment is ambiguous".into(),
            });
            let broken = s.links.iter().filter_map(|link| {
                resolve(file, link, &paths, &scans).err().map(|reason| Problem {
                    file: file.to_string(),
                    link: link.to_string(),
                    reason,
                })
            });
            dups.chain(broken).collect::<Vec<_>>()
        })
        .collect();
    problems.sort();
    problems.dedup();
    problems
}

fn is_markup(path: &str) -> bool {
    path.ends_with(".html") || path.ends_with(".htm") || path.ends_with(".svg")
}

/// Whether a link leaves the site: a scheme (`https:`, `mailto:`, `data:`) or `//host`.
fn is_external(link: &str) -> bool {
    link.starts_with("//") || crate::markdown::is_external(link)
}

/// Resolves one link from `file`; `Err` says why it is broken.
fn resolve(file: &str, link: &str, paths: &HashSet<&str>, scans: &HashMap<&str, Scan>) -> Result<(), String> {
    let link = link.trim();
    if is_external(link) {
        return Ok(());
    }
    let (rest, fragment) = match link.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (link, None),
    };
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    let target = if path.is_empty() {
        file.to_string()
    } else if path.starts_with('/') {
        return Err("is absolute: internal links are relative so the site works from any sub-path".into());
    } else {
        join(file, &crate::escape::percent_decode(path)).ok_or("leads outside the site")?
    };
    if !paths.contains(target.as_str()) {
        let folder_index = match target.trim_end_matches('/') {
            "" => "index.html".to_string(),
            t => format!("{t}/index.html"),
        };
        let folder = paths.contains(folder_index.as_str());
        return Err(if folder {
            format!("names the folder `{target}`: link to its index.html, which also works from file://")
        } else {
            format!("leads to `{target}`, which the build did not write")
        });
    }
    match fragment.map(crate::escape::percent_decode) {
        // A register's filter state (`actions/index.html#status=overdue`), read by
        // register.js, not an element id (docs/registers.md).
        Some(f) if f.contains('=') && is_register(&target) => Ok(()),
        Some(f) if !f.is_empty() => match scans.get(target.as_str()) {
            Some(s) if s.ids.binary_search_by(|id| id.as_ref().cmp(f.as_ref())).is_ok() => Ok(()),
            Some(_) => Err(format!("names `#{f}`, but `{target}` has no element with that id")),
            // A fragment into a non-HTML file (`report.pdf#page=2`) is the viewer's business.
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// `base`'s folder joined with a relative path; `None` if it climbs above the root.
fn join(base: &str, rel: &str) -> Option<String> {
    let mut out = String::with_capacity(base.len() + rel.len());
    out.push_str(base.rsplit_once('/').map_or("", |(dir, _)| dir));
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." if out.is_empty() => return None,
            ".." => out.truncate(out.rfind('/').unwrap_or(0)),
            s => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(s);
            }
        }
    }
    if rel.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// Collects the ids and the link attributes (`href`, `src`, `xlink:href`) of one file.
fn scan(bytes: &[u8]) -> Scan<'_> {
    let mut out = Scan::default();
    for_each_attribute(bytes, |name, value| {
        if name.eq_ignore_ascii_case(b"id") {
            out.ids.push(decode_entities(value));
        } else if [b"href".as_slice(), b"src", b"xlink:href"].iter().any(|n| name.eq_ignore_ascii_case(n)) {
            out.links.push(decode_entities(value));
        }
    });
    out.ids.sort_unstable();
    out
}

/// Calls `f(name, raw value)` for every attribute of every start tag; skips comments,
/// doctype, CDATA and the contents of `script` and `style`.
fn for_each_attribute<'a>(s: &'a [u8], mut f: impl FnMut(&'a [u8], &'a [u8])) {
    let after =
        |needle: &[u8], from: usize| memmem::find(&s[from..], needle).map_or(s.len(), |e| from + e + needle.len());
    let mut i = 0;
    while let Some(p) = memchr(b'<', &s[i..]).map(|p| i + p) {
        let rest = &s[p + 1..];
        if rest.starts_with(b"!--") {
            i = after(b"-->", p + 4);
            continue;
        }
        if rest.starts_with(b"![CDATA[") {
            i = after(b"]]>", p);
            continue;
        }
        if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
            // End tags, doctype, processing instructions, a stray `<` in text.
            i = match rest.first() {
                Some(b'/' | b'!' | b'?') => memchr(b'>', rest).map_or(s.len(), |e| p + e + 2),
                _ => p + 1,
            };
            continue;
        }
        let name_end =
            rest.iter().position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/')).unwrap_or(rest.len());
        let tag = &rest[..name_end];
        i = attributes(s, p + 1 + name_end, &mut f);
        for raw in [b"script".as_slice(), b"style"] {
            if tag.eq_ignore_ascii_case(raw) {
                let close = [b"</", raw].concat();
                i = (i..s.len().saturating_sub(close.len() - 1))
                    .find(|&j| s[j..j + close.len()].eq_ignore_ascii_case(&close))
                    .unwrap_or(s.len());
            }
        }
    }
}

/// Reads the attributes of a tag from `i` up to its `>`; returns the index after it.
fn attributes<'a>(s: &'a [u8], mut i: usize, f: &mut impl FnMut(&'a [u8], &'a [u8])) -> usize {
    loop {
        while i < s.len() && (s[i].is_ascii_whitespace() || s[i] == b'/') {
            i += 1;
        }
        if i >= s.len() {
            return s.len();
        }
        if s[i] == b'>' {
            return i + 1;
        }
        let start = i;
        while i < s.len() && !s[i].is_ascii_whitespace() && !matches!(s[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &s[start..i];
        while i < s.len() && s[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= s.len() || s[i] != b'=' {
            f(name, b"");
            continue;
        }
        i += 1;
        while i < s.len() && s[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match s.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = memchr(q, &s[i + 1..]).map_or(s.len(), |e| i + 1 + e);
                let v = &s[i + 1..end];
                i = (end + 1).min(s.len());
                v
            }
            _ => {
                let start = i;
                while i < s.len() && !s[i].is_ascii_whitespace() && s[i] != b'>' {
                    i += 1;
                }
                &s[start..i]
            }
        };
        f(name, value);
    }
}

/// Decodes the character references quorum's templates and Markdown produce.
fn decode_entities(raw: &[u8]) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(raw);
    if !text.contains('&') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_ref();
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&e| e <= 10).and_then(|e| Some((entity(&rest[1..e])?, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Whether `path` is one of the registers, whose fragments may carry a filter state.
fn is_register(path: &str) -> bool {
    crate::site_map::SECTIONS.iter().any(|s| s.kind.is_some() && s.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile { path: path.into(), bytes: text.as_bytes().to_vec().into() }
    }

    #[test]
    fn finds_missing_files_fragments_and_folders() {
        let files = vec![
            file("index.html", "<a href=\"actions/A-1/index.html#D1\">x</a> <a href='actions/A-1/index.html#nope'>"),
            file(
                "actions/A-1/index.html",
                "<!-- <a href=\"gone.html\"> --><h2 id=\"D1\">D</h2><a href=../../index.html>up</a>\
                 <a href=\"../A-2/\">folder</a><a href=\"../../missing.html\">m</a><img src=\"a%20b.png\" alt=\"\">\
                 <script>let s = '<a href=\"x.html\">';</script><a href=\"#D1\"></a><a href=\"#\">top</a>\
                 <a href=\"https://example.org/x\">ext</a><a href=\"mailto:a@b\">m</a><a href=\"../../../up.html\">",
            ),
            file("actions/A-1/a b.png", ""),
            file("actions/A-2/index.html", "<p id=\"x\">1</p><p id=\"x\">2</p>"),
        ];
        let got: Vec<(String, String)> = check(&files).into_iter().map(|p| (p.file, p.link)).collect();
        assert_eq!(
            got,
            [
                ("actions/A-1/index.html".to_string(), "../../../up.html".to_string()),
                ("actions/A-1/index.html".into(), "../../missing.html".into()),
                ("actions/A-1/index.html".into(), "../A-2/".into()),
                ("actions/A-2/index.html".into(), "#x".into()),
                ("index.html".into(), "actions/A-1/index.html#nope".into()),
            ]
        );
    }

    #[test]
    fn reads_attributes_and_entities() {
        let mut seen = Vec::new();
        for_each_attribute(
            b"<!DOCTYPE html><P Id=a CLASS=\"b c\" hidden data-x='y>z'/><svg><use xlink:href=\"#s\"/></svg></p>",
            |n, v| {
                seen.push((String::from_utf8_lossy(n).to_ascii_lowercase(), String::from_utf8_lossy(v).into_owned()))
            },
        );
        assert_eq!(
            seen,
            [("id", "a"), ("class", "b c"), ("hidden", ""), ("data-x", "y>z"), ("xlink:href", "#s")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(decode_entities(b"a&amp;b&#x2F;c&#47;&bogus;&"), "a&b/c/&bogus;&");
        assert_eq!(join("a/b/c.html", "../d/./e.html"), Some("a/d/e.html".into()));
        assert_eq!(join("a.html", "../x"), None);
        assert_eq!(crate::escape::percent_decode("a%20b%zz%4"), "a b%zz%4");
    }
}
