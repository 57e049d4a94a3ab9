//! The file-system helpers every stage shares: bounded, non-blocking reads, the names quorum
//! accepts, and paths as messages show them.

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;

/// Record files (and `site.toml`) larger than this are refused: no governance record is 8 MiB
/// of text.
pub(crate) const MAX_RECORD_BYTES: u64 = 8 * 1024 * 1024;

/// Other files quorum copies into the site (attachments, linked files under `content/`, static
/// files) larger than this are refused: the site is published whole, and a slide deck or a
/// signed PDF fits well under 64 MiB.
pub(crate) const MAX_ATTACHMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Editor droppings and hidden files that are never content.
pub(crate) fn ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Why a file or folder name cannot be content, if it cannot: not UTF-8, a backslash (a
/// separator elsewhere, so `x\..\y` would climb out of the output), a control character or a
/// newline (which no manifest line can hold).
pub(crate) fn name_problem(name: &OsStr) -> Option<String> {
    let Some(name) = name.to_str() else {
        return Some("name is not valid UTF-8".into());
    };
    if name.contains('\\') {
        return Some("name contains a backslash (`\\`)".into());
    }
    name.chars().find(|c| c.is_control()).map(|c| format!("name contains a control character (U+{:04X})", c as u32))
}

/// A path for messages: control characters (a newline in a name) shown as escapes.
pub(crate) fn shown(path: &str) -> String {
    if !path.chars().any(char::is_control) {
        return path.to_string();
    }
    path.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// What a file that is not a regular file or a folder is, in words.
pub(crate) fn file_kind(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        } else if ft.is_socket() {
            return "a socket";
        } else if ft.is_char_device() {
            return "a character device";
        } else if ft.is_block_device() {
            return "a block device";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Why a file quorum reads could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// A FIFO, socket, device or folder (`file_kind`): never read, so never a hang.
    NotAFile(&'static str),
    /// Larger than the limit: the size when known from metadata, `None` when found reading.
    TooLarge {
        len: Option<u64>,
        limit: u64,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotAFile(kind) => write!(f, "{kind}, not a regular file"),
            ReadError::TooLarge { len: Some(len), limit } => write!(f, "file is {len} bytes; the limit is {limit}"),
            ReadError::TooLarge { len: None, limit } => write!(f, "file is larger than the limit of {limit} bytes"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Reads a regular file of at most `limit` bytes. A FIFO, socket or device is refused from its
/// metadata before it is opened, and again from the opened handle (it is opened non-blocking,
/// so a FIFO swapped in between cannot block); the limit holds while reading, whatever the
/// metadata said.
pub(crate) fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(file_kind(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { len: Some(meta.len()), limit });
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NONBLOCK);
    let file = opts.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(file_kind(meta.file_type())));
    }
    read_limited(file, meta.len(), limit)
}

/// At most `limit` bytes of `reader`; an error past them.
fn read_limited(reader: impl Read, hint: u64, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(usize::try_from(hint.min(limit)).unwrap_or(0));
    reader.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { len: None, limit });
    }
    Ok(bytes)
}

pub(crate) fn read_dir_sorted(dir: &Path) -> std::io::Result<Vec<std::fs::DirEntry>> {
    let mut entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

/// `path` relative to `root`, with `/` separators. Components are joined, not `\` replaced:
/// on Unix a `\` is part of a name (and refused at load), never a separator.
pub(crate) fn rel_path(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_quorum_cannot_publish() {
        use std::os::unix::ffi::OsStrExt;
        assert_eq!(name_problem(OsStr::new("minutes.pdf")), None);
        assert_eq!(name_problem(OsStr::new("café ü.txt")), None);
        assert!(name_problem(OsStr::new("x\\..\\y")).unwrap().contains("backslash"));
        assert!(name_problem(OsStr::new("a\nb")).unwrap().contains("U+000A"));
        assert!(name_problem(OsStr::new("a\u{7f}")).unwrap().contains("U+007F"));
        assert!(name_problem(OsStr::from_bytes(b"caf\xE9")).unwrap().contains("UTF-8"));
        assert_eq!(shown("a\nb\\c"), "a\\nb\\c");
    }

    #[test]
    fn the_limit_holds_while_reading() {
        // Metadata said 3 bytes; the reader gives more: refused all the same.
        let r = read_limited(std::io::Cursor::new(vec![0u8; 11]), 3, 10);
        assert!(matches!(r, Err(ReadError::TooLarge { len: None, limit: 10 })));
        assert_eq!(read_limited(std::io::Cursor::new(vec![7u8; 10]), 3, 10).unwrap().len(), 10);
    }

    #[test]
    fn read_file_refuses_what_is_not_a_regular_file() {
        assert!(matches!(read_file(Path::new("/dev/null"), 10), Err(ReadError::NotAFile("a character device"))));
        assert!(matches!(read_file(Path::new("/"), 10), Err(ReadError::NotAFile("a folder"))));
    }
}
