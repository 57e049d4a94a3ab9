//! Fixture sites in temporary folders, the `quorum` binary, and the JSON diagnostics of
//! `quorum check --format json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;
use tempfile::TempDir;

/// The minimal `site.toml` every fixture gets unless the test writes its own.
pub const SITE_TOML: &str = "title = \"T\"\nas_of = 2025-12-31\n";

/// A valid open action, for fixtures that need some action to exist.
pub const ACTION: &str = "+++\ntitle = \"Encrypt laptops\"\nowner = \"IT\"\nraised = 2025-01-10\ndue = 2025-12-01\n+++\nRoll out disk encryption.\n";

/// A temporary site folder, deleted when dropped.
pub struct Site {
    dir: TempDir,
}

/// One entry of `quorum check --format json`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Diag {
    pub severity: String,
    pub code: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Site {
    /// A site from (path, content) pairs; `site.toml` and `content/` are added when missing.
    pub fn new(files: &[(&str, &str)]) -> Site {
        let site = Site { dir: tempfile::Builder::new().prefix("quorum-it-").tempdir().expect("tempdir") };
        std::fs::create_dir_all(site.root().join("content")).expect("create content/");
        if !files.iter().any(|(p, _)| *p == "site.toml") {
            site.write("site.toml", SITE_TOML);
        }
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes (or replaces) a file, creating its folders.
    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("create folders");
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// `quorum check --root SITE --format json ARGS…`: exit code and diagnostics.
    pub fn check_json(&self, args: &[&str]) -> (i32, Vec<Diag>) {
        let out = quorum_in(self.root(), &[&["check", "--format", "json"], args].concat());
        let code = out.status.code().expect("exit code");
        let stdout = String::from_utf8(out.stdout).expect("UTF-8 stdout");
        let diags: Vec<Diag> = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("check --format json printed no JSON list ({e}):\n{stdout}\nstderr:\n{}", lossy(&out.stderr))
        });
        (code, diags)
    }

    /// The errors of `check --format json`, after asserting it exits 1.
    pub fn errors(&self) -> Vec<Diag> {
        let (code, diags) = self.check_json(&[]);
        let errors: Vec<Diag> = diags.into_iter().filter(|d| d.severity == "error").collect();
        assert_eq!(code, 1, "check should fail with exit 1; diagnostics: {errors:#?}");
        errors
    }

    /// Asserts `check` exits 0 with no error.
    pub fn assert_clean(&self) {
        let (code, diags) = self.check_json(&[]);
        let errors: Vec<&Diag> = diags.iter().filter(|d| d.severity == "error").collect();
        assert!(code == 0 && errors.is_empty(), "check should pass (exit {code}): {errors:#?}");
    }

    /// `quorum build --root SITE --output-dir OUT ARGS…`.
    pub fn build(&self, out: &Path, args: &[&str]) -> Output {
        let out_s = out.to_str().expect("UTF-8 path");
        quorum_in(self.root(), &[&["build", "--output-dir", out_s], args].concat())
    }

    /// Builds into a new temporary folder, asserting success; returns the folder.
    pub fn build_ok(&self, args: &[&str]) -> Built {
        let dir = tempfile::Builder::new().prefix("quorum-out-").tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let o = self.build(&out, args);
        assert_success(&o, "build");
        Built { _dir: dir, out }
    }
}

/// A built site in a temporary folder.
pub struct Built {
    _dir: TempDir,
    pub out: PathBuf,
}

impl Built {
    /// A built file as text (panics when missing).
    pub fn read(&self, rel: &str) -> String {
        let path = self.out.join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).exists()
    }

    /// Every file of the output, by relative path.
    pub fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        tree(&self.out)
    }
}

/// Runs `quorum SUBCOMMAND --root ROOT REST…` (the `--root` goes right after the subcommand).
pub fn quorum_in(root: &Path, args: &[&str]) -> Output {
    let (sub, rest) = args.split_first().expect("a subcommand");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quorum"));
    cmd.arg(sub).arg("--root").arg(root).args(rest);
    run(cmd)
}

/// Runs `quorum ARGS…` as given.
pub fn quorum(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quorum"));
    cmd.args(args);
    run(cmd)
}

fn run(mut cmd: Command) -> Output {
    // Fixed environment: no colour, no terminal width, no debug logging.
    cmd.env("NO_COLOR", "1").env_remove("QUORUM_LOG").env("COLUMNS", "100");
    cmd.output().expect("run quorum")
}

pub fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn assert_success(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        lossy(&o.stdout),
        lossy(&o.stderr)
    );
}

/// Every file under `dir` (hidden ones included), by `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two trees hold the same files with the same bytes, naming the first difference.
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(names_a, names_b, "the two outputs hold different files");
    for (path, bytes) in a {
        if bytes != &b[path] {
            panic!(
                "{path} differs between the two outputs:\n--- first\n{}\n--- second\n{}",
                lossy(bytes),
                lossy(&b[path])
            );
        }
    }
}

/// Asserts exactly one error was reported, with this code, file and line; returns it.
pub fn only_error(errors: &[Diag], code: &str, file: &str, line: usize) -> Diag {
    assert_eq!(errors.len(), 1, "expected exactly one error ({code} at {file}:{line}), got {errors:#?}");
    let d = &errors[0];
    assert_eq!((d.code.as_str(), d.file.as_str(), d.line), (code, file, line), "unexpected error: {d:#?}");
    d.clone()
}

/// Asserts some error has this code, file and line; returns the first such.
pub fn has_error(errors: &[Diag], code: &str, file: &str, line: usize) -> Diag {
    errors
        .iter()
        .find(|d| d.code == code && d.file == file && d.line == line)
        .unwrap_or_else(|| panic!("no {code} error at {file}:{line} in {errors:#?}"))
        .clone()
}

/// Every `href="…"` and `src="…"` value of an HTML document, with `&amp;` decoded.
pub fn urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            // Only whole attribute names (not `data-href=`).
            let before = rest[..i].chars().next_back();
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            if before.is_none_or(|c| c.is_whitespace()) {
                out.push(rest[..end].replace("&amp;", "&"));
            }
            rest = &rest[end..];
        }
    }
    out
}

/// The `<a …>` elements whose `href` is exactly `href`, as whole tags with content.
pub fn links_to<'a>(html: &'a str, href: &str) -> Vec<&'a str> {
    let needle = format!("href=\"{href}\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find(&needle) {
        let at = from + i;
        let start = html[..at].rfind("<a ").unwrap_or(at);
        let end = html[at..].find("</a>").map_or(html.len(), |j| at + j + 4);
        out.push(&html[start..end]);
        from = at + needle.len();
    }
    out
}

/// An HTML start tag: its name and attributes (values with the common entities decoded).
#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// Every start tag of an HTML document (a small tokenizer: enough for generated pages).
pub fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i] as char;
                    let end = html[i + 1..].find(q).map_or(html.len(), |e| i + 1 + e);
                    value = decode_entities(&html[i + 1..end]);
                    i = (end + 1).min(b.len());
                } else {
                    let v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = decode_entities(&html[v..i]);
                }
            }
            attrs.push((attr, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = html[i..].find(&close).map_or(html.len(), |e| i + e);
        }
        out.push(Tag { name, attrs });
    }
    out
}

/// Decodes `%XX` escapes of a URL path.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The lower-case hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
