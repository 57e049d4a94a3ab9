//! Embeds the example site (site.toml + content/) into the binary for `quorum init`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    println!("cargo:rerun-if-changed=site.toml");
    println!("cargo:rerun-if-changed=content");
    let mut files = Vec::new();
    if root.join("site.toml").is_file() {
        files.push(root.join("site.toml"));
    }
    collect(&root.join("content"), &mut files);
    let mut code =
        String::from("/// The example site: (path, bytes).\npub(crate) const FILES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        let rel = f.strip_prefix(&root).expect("under root").to_string_lossy().replace('\\', "/");
        if f.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", f.display());
        let _ = writeln!(code, "    ({rel:?}, include_bytes!({:?})),", f.display().to_string());
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("example_files.rs");
    std::fs::write(out, code).expect("write example table");
}
