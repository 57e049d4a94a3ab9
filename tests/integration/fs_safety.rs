//! File-system safety: names quorum refuses at load, files that are not regular files (FIFOs,
//! devices) read as errors and never hangs, size limits, where the output goes (a symlinked
//! output folder, refused output paths, the build lock) and a strict `quorum verify`.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{ACTION, Site, assert_same_tree, assert_success, lossy, quorum, tree};

const REVIEW: &str = "+++\ntitle = \"Review\"\ndate = 2025-06-18\nstatus = \"held\"\nchair = \"C\"\n\n[[decisions]]\nid = \"D1\"\ntext = \"Go\"\nkind = \"improvement\"\n+++\nMinutes.\n";

fn site() -> Site {
    Site::new(&[("content/reviews/R-1/index.md", REVIEW), ("content/actions/A-1.md", ACTION)])
}

/// Names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into())
        .collect();
    v.sort();
    v
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL");
    // SAFETY: a valid NUL-terminated path.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo {}: {}", path.display(), std::io::Error::last_os_error());
}

/// Runs `quorum ARGS…`, killing it (and failing the test) if it has not finished in 20 s: a
/// FIFO must never make quorum hang.
fn quorum_with_deadline(args: &[&OsStr]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quorum"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("QUORUM_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn quorum");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("quorum {args:?} hung (killed after 20 s)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn check_json_with_deadline(site: &Site) -> (i32, Vec<crate::support::Diag>) {
    let root = site.root().as_os_str();
    let o = quorum_with_deadline(&["check".as_ref(), "--root".as_ref(), root, "--format".as_ref(), "json".as_ref()]);
    let stdout = lossy(&o.stdout);
    let diags = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {stdout}\nstderr: {}", lossy(&o.stderr)));
    (o.status.code().expect("exit code"), diags)
}

fn errors_with_code(diags: &[crate::support::Diag], code: &str) -> Vec<String> {
    diags.iter().filter(|d| d.severity == "error" && d.code == code).map(|d| d.file.clone()).collect()
}

// ---- names refused at load ----

#[test]
fn backslash_attachment_name_is_an_error_and_nothing_is_written() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("a/b/c/public");
    assert_success(&site.build(&out, &[]), "first build");
    let before = tree(&out);
    site.write("content/reviews/R-1/x\\..\\..\\..\\..\\victim.txt", "pwned");

    let o = site.build(&out, &[]);
    assert_eq!(o.status.code(), Some(1), "a bad name is a content error: {}", lossy(&o.stderr));
    let stderr = lossy(&o.stderr);
    assert!(
        stderr.contains("invalid-name") && stderr.contains("content/reviews/R-1/x\\..\\"),
        "names the file: {stderr}"
    );
    assert_same_tree(&before, &tree(&out));
    let everything = tree(parent.path());
    assert!(!everything.keys().any(|k| k.contains("victim")), "nothing written anywhere: {:?}", everything.keys());
    assert_eq!(names(&parent.path().join("a/b/c")), [".public.quorum-cache", "public"]);

    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(errors_with_code(&diags, "invalid-name"), ["content/reviews/R-1/x\\..\\..\\..\\..\\victim.txt"]);
}

#[test]
fn control_characters_and_newlines_in_names_are_errors() {
    let site = site();
    site.write("content/reviews/R-1/a\nb.txt", "x");
    site.write("content/actions/sub\u{1b}dir/A-2.md", ACTION);
    site.write("content/pages/tab\there.csv", "x");
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    let mut files = errors_with_code(&diags, "invalid-name");
    files.sort();
    assert_eq!(
        files,
        ["content/actions/sub\\u{1b}dir", "content/pages/tab\\there.csv", "content/reviews/R-1/a\\nb.txt"],
        "each bad name is reported once, escaped: {diags:#?}"
    );
    let nl = diags.iter().find(|d| d.file.contains("a\\nb")).expect("newline diag");
    assert!(nl.message.contains("U+000A"), "says which character: {}", nl.message);
}

#[test]
fn non_utf8_names_are_errors_naming_the_lossy_path() {
    let site = site();
    let bad = site.path("content/reviews/R-1").join(OsStr::from_bytes(b"caf\xE9.txt"));
    std::fs::write(&bad, "x").expect("write");
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(errors_with_code(&diags, "invalid-name"), ["content/reviews/R-1/caf\u{FFFD}.txt"]);
}

// ---- FIFOs, devices, sizes ----

#[test]
fn a_fifo_in_content_is_an_error_not_a_hang() {
    let site = site();
    mkfifo(&site.path("content/actions/A-2.md"));
    mkfifo(&site.path("content/reviews/R-1/slides.pdf"));
    mkfifo(&site.path("content/pages/loose.csv"));
    site.write("content/pages/p.md", "+++\ntitle = \"P\"\n+++\n[data](loose.csv)\n");
    let (code, diags) = check_json_with_deadline(&site);
    assert_eq!(code, 1, "{diags:#?}");
    let mut files = errors_with_code(&diags, "not-a-file");
    files.sort();
    assert_eq!(files, ["content/actions/A-2.md", "content/pages/loose.csv", "content/reviews/R-1/slides.pdf"]);
    let d = diags.iter().find(|d| d.code == "not-a-file").expect("diag");
    assert!(d.message.contains("FIFO"), "says what it is: {}", d.message);

    let out = tempfile::tempdir().expect("tempdir");
    let o = quorum_with_deadline(&[
        "build".as_ref(),
        "--root".as_ref(),
        site.root().as_os_str(),
        "--output-dir".as_ref(),
        out.path().join("public").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", lossy(&o.stderr));
    assert!(!out.path().join("public").exists());
}

#[test]
fn a_fifo_as_site_toml_is_an_error_not_a_hang() {
    let site = site();
    std::fs::remove_file(site.path("site.toml")).expect("rm");
    mkfifo(&site.path("site.toml"));
    let (code, diags) = check_json_with_deadline(&site);
    assert_eq!(code, 1, "{diags:#?}");
    assert_eq!(errors_with_code(&diags, "not-a-file"), ["site.toml"]);
}

#[test]
fn a_device_in_content_is_an_error() {
    let site = site();
    let path = site.path("content/reviews/R-1/zero.bin");
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL");
    // SAFETY: a valid NUL-terminated path; (1, 5) is the character device /dev/zero.
    let rc = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o644, libc::makedev(1, 5)) };
    if rc != 0 {
        eprintln!("skipped: cannot make a device node here ({})", std::io::Error::last_os_error());
        return;
    }
    // `check` only: before this was refused, a build read /dev/zero until memory ran out.
    let (code, diags) = check_json_with_deadline(&site);
    assert_eq!(code, 1, "{diags:#?}");
    assert_eq!(errors_with_code(&diags, "not-a-file"), ["content/reviews/R-1/zero.bin"]);
    let d = diags.iter().find(|d| d.code == "not-a-file").expect("diag");
    assert!(d.message.contains("character device"), "{}", d.message);
}

#[test]
fn a_fifo_or_bad_name_in_static_stops_the_build() {
    let site = site();
    mkfifo(&site.path("static/pipe.css"));
    let o = quorum_with_deadline(&["check".as_ref(), "--root".as_ref(), site.root().as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "{}", lossy(&o.stderr));
    assert!(lossy(&o.stderr).contains("static/pipe.css: a FIFO, not a regular file"), "{}", lossy(&o.stderr));

    std::fs::remove_file(site.path("static/pipe.css")).expect("rm");
    site.write("static/a\\x.css", "x");
    let o = quorum_with_deadline(&["check".as_ref(), "--root".as_ref(), site.root().as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "{}", lossy(&o.stderr));
    assert!(lossy(&o.stderr).contains("name contains a backslash"), "{}", lossy(&o.stderr));
}

#[test]
fn oversize_attachments_and_site_toml_are_errors() {
    let site = site();
    let big = std::fs::File::create(site.path("content/reviews/R-1/huge.bin")).expect("create");
    big.set_len(64 * 1024 * 1024 + 1).expect("sparse file");
    let toml = std::fs::OpenOptions::new().append(true).open(site.path("site.toml")).expect("open");
    toml.set_len(8 * 1024 * 1024 + 1).expect("sparse");
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(errors_with_code(&diags, "file-too-large"), ["site.toml"], "site.toml is read first: {diags:#?}");

    site.write("site.toml", crate::support::SITE_TOML);
    let (code, diags) = site.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(errors_with_code(&diags, "file-too-large"), ["content/reviews/R-1/huge.bin"], "{diags:#?}");
    let d = diags.iter().find(|d| d.code == "file-too-large").expect("diag");
    assert!(d.message.contains("67108864"), "names the limit: {}", d.message);
}

// ---- where the output goes ----

#[test]
fn symlinked_output_dir_keeps_the_link_and_updates_its_target() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let real = parent.path().join("real");
    let link = parent.path().join("link");
    assert_success(&site.build(&real, &[]), "build into the real folder");
    std::fs::write(real.join("stale.html"), "old").expect("write");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");

    assert_success(&site.build(&link, &[]), "build through the link");
    assert!(std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink(), "the link is still a link");
    assert_eq!(std::fs::read_link(&link).expect("read_link"), real);
    assert!(real.join("index.html").is_file() && !real.join("stale.html").exists(), "the target was rebuilt");
    assert_eq!(
        names(parent.path()),
        [".real.quorum-cache", "link", "real"],
        "no staging, old or lock file left behind; the previous output is kept as the spare beside its folder"
    );
}

#[test]
fn a_dangling_output_link_is_refused() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let link = parent.path().join("link");
    std::os::unix::fs::symlink(parent.path().join("nowhere"), &link).expect("symlink");
    let o = site.build(&link, &["--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", lossy(&o.stderr));
    assert!(std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink());
    assert_eq!(names(parent.path()), ["link"]);
}

#[test]
fn an_output_path_that_is_a_file_or_fifo_is_refused_even_with_force() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let file = parent.path().join("public");
    std::fs::write(&file, "precious").expect("write");
    let fifo = parent.path().join("pipe");
    mkfifo(&fifo);
    for (out, what) in [(&file, "a regular file"), (&fifo, "a FIFO")] {
        for args in [&[][..], &["--force"][..]] {
            let o = site.build(out, args);
            assert_eq!(o.status.code(), Some(2), "{what} {args:?}: {}", lossy(&o.stderr));
            let stderr = lossy(&o.stderr);
            assert!(stderr.contains("not a folder") && stderr.contains(what), "{what}: {stderr}");
        }
    }
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "precious");
    assert!(std::fs::symlink_metadata(&fifo).expect("fifo").file_type().is_fifo_like());
    assert_eq!(names(parent.path()), ["pipe", "public"], "nothing staged beside them");
}

trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}
impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
}

#[test]
fn dev_null_as_output_is_refused_even_with_force() {
    let site = site();
    let o = site.build(Path::new("/dev/null"), &["--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", lossy(&o.stderr));
    assert!(lossy(&o.stderr).contains("not a folder"), "{}", lossy(&o.stderr));
    let meta = std::fs::symlink_metadata("/dev/null").expect("/dev/null");
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(&meta.file_type()), "/dev/null is untouched");
    assert!(!Path::new("/dev/.null.quorum-staging").exists() && !Path::new("/dev/.null.quorum-lock").exists());
}

#[test]
fn a_mount_point_as_output_is_refused_with_a_suggestion() {
    let (Ok(proc_meta), Ok(root_meta)) = (std::fs::metadata("/proc"), std::fs::metadata("/")) else {
        return;
    };
    if proc_meta.dev() == root_meta.dev() {
        return; // no separate /proc here: nothing to test against
    }
    let site = site();
    let o = site.build(Path::new("/proc"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = lossy(&o.stderr);
    assert!(stderr.contains("mount point") && stderr.contains("/proc/"), "suggests a folder inside: {stderr}");
}

#[test]
fn themes_and_git_folders_are_never_the_output() {
    let site = site();
    site.write("themes/mine/templates/base.html", "theme");
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    let before = tree(site.root());
    for out in ["themes", "themes/mine", ".git", ".git/public"] {
        let o = site.build(&site.path(out), &["--force"]);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", lossy(&o.stderr));
        assert!(lossy(&o.stderr).contains("sources"), "{out}: {}", lossy(&o.stderr));
    }
    assert_same_tree(&before, &tree(site.root()));
}

#[test]
fn a_second_build_into_the_same_output_is_refused_while_one_is_writing() {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    assert_success(&site.build(&out, &[]), "first build");
    let before = tree(&out);
    site.write("content/actions/A-2.md", ACTION);

    // Hold the lock as a running build would.
    let lock_path = parent.path().join(".public.quorum-lock");
    let lock = std::fs::File::create(&lock_path).expect("create lock");
    // SAFETY: a valid open descriptor.
    assert_eq!(unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    let o = site.build(&out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", lossy(&o.stderr));
    assert!(lossy(&o.stderr).contains("another quorum build is writing"), "{}", lossy(&o.stderr));
    assert_same_tree(&before, &tree(&out));
    drop(lock);

    assert_success(&site.build(&out, &[]), "build once the lock is free");
    assert!(out.join("actions/A-2/index.html").is_file());
    assert_eq!(names(parent.path()), [".public.quorum-cache", "public"], "the lock file is removed");
}

// ---- verify ----

fn built() -> (Site, tempfile::TempDir, PathBuf) {
    let site = site();
    let parent = tempfile::tempdir().expect("tempdir");
    let out = parent.path().join("public");
    assert_success(&site.build(&out, &[]), "build");
    let o = quorum(&["verify", out.to_str().expect("UTF-8")]);
    assert_success(&o, "verify of a fresh build");
    (site, parent, out)
}

fn verify_fails(out: &Path, expect: &str) {
    let o = quorum_with_deadline(&["verify".as_ref(), out.as_os_str()]);
    let stderr = lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "verify must fail: {stderr}");
    assert!(stderr.contains(expect), "expected `{expect}` in: {stderr}");
}

#[test]
fn verify_fails_on_a_symlink() {
    let (_site, _parent, out) = built();
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).expect("sums");
    // Replace a listed file by a link to a copy with the same bytes: still refused.
    let copy = out.parent().expect("parent").join("copy.html");
    std::fs::copy(out.join("index.html"), &copy).expect("copy");
    std::fs::remove_file(out.join("index.html")).expect("rm");
    std::os::unix::fs::symlink(&copy, out.join("index.html")).expect("symlink");
    assert!(sums.contains("  index.html\n"));
    verify_fails(&out, "not a regular file: index.html (a symbolic link)");
}

#[test]
fn verify_fails_on_a_fifo() {
    let (_site, _parent, out) = built();
    mkfifo(&out.join("reviews/pipe"));
    verify_fails(&out, "not a regular file: reviews/pipe (a FIFO)");
}

#[test]
fn verify_fails_on_a_duplicate_entry() {
    let (_site, _parent, out) = built();
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).expect("sums");
    let first = sums.lines().next().expect("a line").to_string();
    std::fs::write(out.join("SHA256SUMS"), format!("{sums}{first}\n")).expect("write");
    let path = first.split_once("  ").expect("two spaces").1;
    verify_fails(&out, &format!("duplicate entry for {path}"));
}

#[test]
fn verify_never_reads_outside_the_folder() {
    let (_site, parent, out) = built();
    let outside = parent.path().join("outside.txt");
    std::fs::write(&outside, "secret").expect("write");
    let hex = quorum::sha256_hex(b"secret");
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).expect("sums");
    std::fs::write(out.join("SHA256SUMS"), format!("{sums}{hex}  ../outside.txt\n{hex}  /etc/hostname\n"))
        .expect("write");
    verify_fails(&out, "`../outside.txt` is not a path inside the folder");
    verify_fails(&out, "`/etc/hostname` is not a path inside the folder");
}

#[test]
fn verify_fails_on_a_name_a_manifest_line_cannot_hold() {
    let (_site, _parent, out) = built();
    std::fs::write(out.join("a\nb.html"), "x").expect("write");
    verify_fails(&out, "cannot be listed in SHA256SUMS");
}
