//! The record pages of the previous output, for `quorum build`: a rebuild takes a record
//! page whose inputs are unchanged (its `Quick` key is the one the last build wrote down)
//! from the output folder instead of computing it, but only when the file there, read now,
//! has the SHA-256 the last build wrote down for it: a page edited, replaced or damaged since
//! is computed afresh. The index lives beside the output (`.NAME.quorum-cache/pages`), never
//! in it, so it is not published.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::fingerprint::Key;
use crate::output::OutputFile;

/// The index file in the cache folder.
const INDEX: &str = "pages";

/// Its first line; the second names the binary that wrote it.
const HEADER: &str = "quorum page index 1";

/// The largest page read back from the previous output.
const MAX_PAGE: u64 = 64 << 20;

/// The previous output's record pages by path, and this build's keys for the next index.
#[derive(Default)]
pub struct Previous {
    /// The live output folder.
    dir: PathBuf,
    /// Page path → the key of its inputs and the SHA-256 of its bytes, as last written.
    index: HashMap<String, (Key, [u8; 32])>,
    /// This build's record pages and their keys.
    keys: Mutex<HashMap<String, Key>>,
    /// The pages taken from the output folder: their bytes (the very allocation handed out,
    /// so `SHA256SUMS` can tell it) and digest.
    reused: Mutex<HashMap<String, (bytes::Bytes, String)>>,
}

impl std::fmt::Debug for Previous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Previous({} pages indexed, {} reused)", self.index.len(), self.reused())
    }
}

impl Previous {
    /// The index kept in `cache` for the output folder `dir`. Without one (a first build, an
    /// index from another version of quorum, a damaged or unreadable file, a cache that is
    /// not a real folder), nothing is reused, and the build writes a new one.
    pub fn open(cache: &Path, dir: &Path) -> Previous {
        let index = Self::read(cache).unwrap_or_default();
        Previous { dir: dir.to_path_buf(), index, ..Previous::default() }
    }

    fn read(cache: &Path) -> Option<HashMap<String, (Key, [u8; 32])>> {
        if !std::fs::symlink_metadata(cache).is_ok_and(|m| m.is_dir()) {
            return None;
        }
        let bytes = crate::fs::read_file(&cache.join(INDEX), 1 << 30).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let mut lines = text.lines();
        if lines.next()? != HEADER || lines.next()? != identity() {
            return None;
        }
        let hex32 = |s: &str| -> Option<[u8; 32]> {
            let mut out = [0u8; 32];
            if s.len() != 64 {
                return None;
            }
            for (i, b) in out.iter_mut().enumerate() {
                *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
            }
            Some(out)
        };
        let mut index = HashMap::new();
        for line in lines {
            let (key, rest) = line.split_once(' ')?;
            let (digest, path) = rest.split_once(' ')?;
            index.insert(path.to_string(), (hex32(key)?, hex32(digest)?));
        }
        Some(index)
    }

    /// Notes this build's key for a record page.
    pub(super) fn note(&self, path: &str, key: Key) {
        if let Ok(mut keys) = self.keys.lock() {
            keys.insert(path.to_string(), key);
        }
    }

    /// The page at `path` from the output folder, when the last build made it from inputs
    /// with this `key` and the file still holds exactly the bytes it wrote.
    pub(super) fn get(&self, path: &str, key: Key) -> Option<bytes::Bytes> {
        use sha2::Digest;
        let (k, digest) = self.index.get(path)?;
        if *k != key || !crate::write::valid_output_path(path) {
            return None;
        }
        let bytes = read_page(&self.dir.join(path))?;
        let now: [u8; 32] = sha2::Sha256::digest(&bytes).into();
        if now != *digest {
            return None;
        }
        let bytes = bytes::Bytes::from(bytes);
        if let Ok(mut reused) = self.reused.lock() {
            reused.insert(path.to_string(), (bytes.clone(), crate::output::hex(&now)));
        }
        Some(bytes)
    }

    /// The digest of `file` when it is a page taken from the output folder (the same bytes).
    pub(super) fn digest(&self, file: &OutputFile) -> Option<String> {
        let reused = self.reused.lock().ok()?;
        let (bytes, hex) = reused.get(&file.path)?;
        (bytes.as_ptr() == file.bytes.as_ptr() && bytes.len() == file.bytes.len()).then(|| hex.clone())
    }

    /// Whether `file` is a page this build read from the output folder (the very bytes).
    pub fn read_from_output(&self, file: &OutputFile) -> bool {
        self.digest(file).is_some()
    }

    /// How many pages were taken from the output folder.
    pub fn reused(&self) -> usize {
        self.reused.lock().map_or(0, |r| r.len())
    }

    /// Writes the index of this build's record pages into `cache` (made if missing; left
    /// alone if it is not a real folder), with their digests from `files`' `SHA256SUMS`.
    /// Call it once `files` are the output: the index describes what is in the folder.
    pub fn save(&self, cache: &Path, files: &[OutputFile]) -> std::io::Result<()> {
        match std::fs::create_dir(cache) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if !std::fs::symlink_metadata(cache)?.is_dir() {
                    return Err(std::io::Error::other("the cache folder is not a folder"));
                }
            }
            Err(e) => return Err(e),
        }
        let sums = files.iter().find(|f| f.path == "SHA256SUMS").map(|f| f.bytes.clone()).unwrap_or_default();
        let sums = std::str::from_utf8(&sums).map_err(std::io::Error::other)?;
        let digests: HashMap<&str, &str> =
            sums.lines().filter_map(|l| l.split_once("  ").map(|(h, p)| (p, h))).collect();
        let keys = self.keys.lock().map_err(|_| std::io::Error::other("poisoned"))?;
        let mut lines: Vec<String> = (keys.iter())
            .filter_map(|(path, key)| {
                let digest = digests.get(path.as_str())?;
                Some(format!("{} {digest} {path}\n", crate::output::hex(key)))
            })
            .collect();
        lines.sort_unstable();
        let text = format!("{HEADER}\n{}\n{}", identity(), lines.concat());
        let tmp = cache.join(format!("{INDEX}.tmp"));
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        std::io::Write::write_all(&mut f, text.as_bytes())?;
        drop(f);
        std::fs::rename(&tmp, cache.join(INDEX))
    }
}

/// A regular file of the output folder, not through a link (a link is not what was written),
/// never blocking (a FIFO put there is refused).
fn read_page(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_PAGE {
        return None;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NONBLOCK | libc::O_NOFOLLOW);
    let file = opts.open(path).ok()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()? + 1);
    file.take(MAX_PAGE + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_PAGE).then_some(bytes)
}

/// The binary that writes and reads the index: its version, and the size and modification
/// time of its executable, so that a rebuilt quorum (whose pages may differ for the same
/// inputs) never reuses the pages of another.
fn identity() -> String {
    let exe = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok());
    let stamp = exe.map(|m| {
        let mtime = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
        format!("{} {}", m.len(), mtime.as_nanos())
    });
    format!("quorum {} {}", env!("CARGO_PKG_VERSION"), stamp.unwrap_or_else(|| "unknown".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_is_reused_only_for_the_same_key_and_the_same_bytes() {
        let cache = tempfile::tempdir().expect("tempdir");
        let out = tempfile::tempdir().expect("tempdir");
        let page = "actions/A-1/index.html";
        std::fs::create_dir_all(out.path().join("actions/A-1")).expect("mkdir");
        std::fs::write(out.path().join(page), "<p>one</p>").expect("write");
        let files = vec![
            OutputFile { path: page.into(), bytes: b"<p>one</p>".to_vec().into() },
            OutputFile {
                path: "SHA256SUMS".into(),
                bytes: format!("{}  {page}\n", crate::output::sha256_hex(b"<p>one</p>")).into_bytes().into(),
            },
        ];
        let first = Previous::open(cache.path(), out.path());
        assert!(first.get(page, [1; 32]).is_none(), "no index yet");
        first.note(page, [1; 32]);
        first.save(cache.path(), &files).expect("save");

        let again = Previous::open(cache.path(), out.path());
        assert!(again.get(page, [2; 32]).is_none(), "another key");
        let bytes = again.get(page, [1; 32]).expect("same key, same bytes");
        assert_eq!(&bytes[..], b"<p>one</p>");
        let reused = OutputFile { path: page.into(), bytes };
        assert_eq!(again.digest(&reused), Some(crate::output::sha256_hex(b"<p>one</p>")));
        let copy = OutputFile { path: page.into(), bytes: b"<p>one</p>".to_vec().into() };
        assert_eq!(again.digest(&copy), None, "only the very bytes handed out");

        // Same length, other bytes: not reused.
        std::fs::write(out.path().join(page), "<p>two</p>").expect("tamper");
        assert!(Previous::open(cache.path(), out.path()).get(page, [1; 32]).is_none());
        // A damaged index is no index.
        std::fs::write(out.path().join(page), "<p>one</p>").expect("restore");
        let index = cache.path().join(INDEX);
        let text = std::fs::read_to_string(&index).expect("read");
        std::fs::write(&index, text.replace(' ', "")).expect("damage");
        assert!(Previous::open(cache.path(), out.path()).index.is_empty());
        std::fs::write(&index, text.replace("quorum page index 1", "quorum page index 0")).expect("other");
        assert!(Previous::open(cache.path(), out.path()).index.is_empty());
    }
}
