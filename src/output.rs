//! What the build stages hand each other at the output boundary: the files of the built site
//! in memory ([`OutputFile`]), their checksums, and the JSON form of free TOML values. Render,
//! export, the link check, write and serve share these, and depend on nothing else here.

use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// One file of the built site.
#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Output-relative path with `/` separators.
    pub path: String,
    /// The file's contents, shared rather than copied: `serve` keeps a page's bytes once for
    /// its page cache and its snapshot.
    pub bytes: bytes::Bytes,
}

/// TOML → JSON, dates as `YYYY-MM-DD` strings.
pub(crate) fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
    }
}

/// Lowercase hex of a SHA-256 digest.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest.
pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `SHA256SUMS` over every file, sorted by path bytes, in `sha256sum -c` format.
pub(crate) fn sha256sums(files: &[OutputFile]) -> OutputFile {
    sha256sums_with(files, |_| None)
}

/// [`sha256sums`], taking a file's digest from `known` when it has it.
pub(crate) fn sha256sums_with(
    files: &[OutputFile],
    known: impl Fn(&OutputFile) -> Option<String> + Sync,
) -> OutputFile {
    let lines: Vec<(String, String)> =
        (files.par_iter()).map(|f| (f.path.clone(), known(f).unwrap_or_else(|| sha256_hex(&f.bytes)))).collect();
    let mut text = String::new();
    for (path, hex) in lines {
        text.push_str(&format!("{hex}  {path}\n"));
    }
    OutputFile { path: crate::site_map::CHECKSUMS.into(), bytes: text.into_bytes().into() }
}
