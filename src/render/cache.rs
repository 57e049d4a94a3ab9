//! Memoised page HTML for `quorum serve`.

use std::collections::HashMap;

/// Page HTML by output path, with the fingerprint of the template inputs that made it. This
/// is memoisation, not an incremental build: every page's context is computed afresh on
/// every build, and only the template run is skipped when that context (and the templates
/// themselves) are byte-for-byte what they were.
#[derive(Default)]
pub struct PageCache {
    pages: std::sync::Mutex<HashMap<String, (u64, bytes::Bytes)>>,
    /// Record pages by output path, under the key of their inputs (`Quick` in render): a
    /// hit skips computing the page's data too.
    quick: std::sync::Mutex<HashMap<String, (crate::fingerprint::Key, bytes::Bytes)>>,
    /// The SHA-256 of each page of the last build, with the page's bytes: a page reused from
    /// this cache is the same allocation (kept alive here, so its address cannot be reused by
    /// other bytes), and its digest is not computed again.
    digests: std::sync::Mutex<HashMap<String, (bytes::Bytes, String)>>,
    /// The parse of every source file of the last build, reused for files whose text and
    /// place are unchanged.
    pub(crate) parsed: crate::parse::Memo,
    /// The record files of the last build, not read again while their stamps are unchanged.
    pub(crate) read: crate::load::Memo,
    hits: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.pages.lock().map_or(0, |p| p.len());
        write!(f, "PageCache({n} pages)")
    }
}

impl PageCache {
    pub(super) fn get(&self, path: &str, key: u64) -> Option<bytes::Bytes> {
        let pages = self.pages.lock().ok()?;
        let html = pages.get(path).filter(|(k, _)| *k == key).map(|(_, html)| html.clone())?;
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(html)
    }

    /// A record page whose inputs have `key`, when an earlier build made it.
    pub(super) fn get_quick(&self, path: &str, key: crate::fingerprint::Key) -> Option<bytes::Bytes> {
        let pages = self.quick.lock().ok()?;
        let html = pages.get(path).filter(|(k, _)| *k == key).map(|(_, html)| html.clone())?;
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(html)
    }

    pub(super) fn put_quick(&self, path: &str, key: crate::fingerprint::Key, html: &bytes::Bytes) {
        if let Ok(mut pages) = self.quick.lock() {
            pages.insert(path.to_string(), (key, html.clone()));
        }
    }

    /// The digest of `file` from the last build, when it is the very same bytes.
    pub(super) fn digest(&self, file: &crate::output::OutputFile) -> Option<String> {
        let digests = self.digests.lock().ok()?;
        let (bytes, hex) = digests.get(&file.path)?;
        (bytes.as_ptr() == file.bytes.as_ptr() && bytes.len() == file.bytes.len()).then(|| hex.clone())
    }

    /// Keeps the digests of this build's pages (`SHA256SUMS` lines are `<hex>  <path>`).
    pub(super) fn keep_digests(&self, files: &[crate::output::OutputFile], sums: &[u8]) {
        let Ok(text) = std::str::from_utf8(sums) else { return };
        let hexes: HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once("  ").map(|(h, p)| (p, h))).collect();
        if let Ok(mut digests) = self.digests.lock() {
            digests.clear();
            for f in files.iter().filter(|f| f.path.ends_with(".html")) {
                if let Some(hex) = hexes.get(f.path.as_str()) {
                    digests.insert(f.path.clone(), (f.bytes.clone(), hex.to_string()));
                }
            }
        }
    }

    /// How many pages were reused, over the cache's life.
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Keeps a page's bytes (shared, not copied) under its fingerprint.
    pub(super) fn put(&self, path: &str, key: u64, html: &bytes::Bytes) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.insert(path.to_string(), (key, html.clone()));
        }
    }

    /// Forgets pages the latest build did not write.
    pub(super) fn retain(&self, written: &std::collections::HashSet<&str>) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.retain(|path, _| written.contains(path.as_str()));
        }
        if let Ok(mut pages) = self.quick.lock() {
            pages.retain(|path, _| written.contains(path.as_str()));
        }
    }
}
