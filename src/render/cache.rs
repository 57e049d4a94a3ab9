//! Memoised page HTML for `quorum serve`.

use std::collections::HashMap;

/// Page HTML by output path, with the fingerprint of the template inputs that made it. This
/// is memoisation, not an incremental build: every page's context is computed afresh on
/// every build, and only the template run is skipped when that context (and the templates
/// themselves) are byte-for-byte what they were.
#[derive(Default)]
pub struct PageCache {
    pages: std::sync::Mutex<HashMap<String, (u64, bytes::Bytes)>>,
    /// The parse of every source file of the last build, reused for files whose text and
    /// place are unchanged.
    pub(crate) parsed: crate::parse::Memo,
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
    }
}
