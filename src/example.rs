//! The example site embedded in the binary (generated table, see `build.rs`) → `quorum init`.

use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/example_files.rs"));

/// Writes the example site into `dir`, which must be absent or empty. Returns the file count.
pub fn write_to(dir: &Path) -> Result<usize, String> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!("{} is not empty; quorum init only writes into a new or empty folder", dir.display()));
        }
    }
    for (rel, bytes) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(FILES.len())
}
