//! `quorum serve`: serves the built site from memory on a free port, picks up plain writes,
//! atomic saves, new folders and deletions, shows a build error over every page until it is
//! fixed, serves nothing outside the site, and reports a port in use.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::{ACTION, Site, lossy, quorum_in};

/// How long an edit may take to show: generous, for slow CI machines and debug builds.
const PATIENCE: Duration = Duration::from_secs(5);

/// A running `quorum serve`, killed when dropped (also when a test panics).
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `quorum serve --root SITE --port 0`, once it prints the address it serves at.
    fn start(site: &Site) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quorum"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1")
            .env_remove("QUORUM_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start quorum serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut server = Server { child, addr: String::new() };
        let (tx, rx) = mpsc::channel();
        // Keep reading stdout for the server's whole life, so it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let _ = tx.send(line[at + 7..].split('/').next().unwrap_or_default().to_string());
                }
            }
        });
        server.addr = rx.recv_timeout(Duration::from_secs(60)).expect("quorum serve printed no http:// address");
        server
    }

    /// `GET path` with the path sent exactly as given: (status, body).
    fn get(&self, path: &str) -> (u16, String) {
        http_get(&self.addr, path, &self.addr).unwrap_or_else(|e| panic!("GET {path} from {}: {e}", self.addr))
    }

    /// Polls `path` until `pred` holds for its body; panics after [`PATIENCE`].
    fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if status == 200 && pred(&body) {
                return body;
            }
            if start.elapsed() > PATIENCE {
                panic!("{path} did not show {what} within {PATIENCE:?} (status {status}):\n{body}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A bare HTTP/1.1 request, so the path reaches the server unnormalised (`/../x` stays).
fn http_get(addr: &str, path: &str, host: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = lossy(&raw);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_string());
    Ok((status, body))
}

fn action(title: &str) -> String {
    ACTION.replace("Encrypt laptops", title)
}

fn site() -> Site {
    Site::new(&[("content/actions/A-1.md", ACTION)])
}

/// The page of the edited record and the register that lists it must both show the change.
fn wait_both(server: &Server, title: &str) {
    server.wait_for("/actions/A-1/index.html", title, |b| b.contains(title));
    server.wait_for("/actions/index.html", title, |b| b.contains(title));
}

#[test]
fn serve_rebuilds_on_plain_writes_and_atomic_saves() {
    let site = site();
    let server = Server::start(&site);
    let page = server.wait_for("/actions/A-1/index.html", "the action", |b| b.contains("Encrypt laptops"));
    assert!(page.contains("/__quorum/ws"), "the reload script is injected:\n{page}");
    assert!(server.get("/").1.contains("/__quorum/ws"), "the home page has the reload script too");

    site.write("content/actions/A-1.md", &action("Plainly written title"));
    wait_both(&server, "Plainly written title");

    // An editor's atomic save: a temporary file (ignored), renamed over the record.
    site.write("content/actions/.A-1.md.tmp", &action("Atomically saved title"));
    std::fs::rename(site.path("content/actions/.A-1.md.tmp"), site.path("content/actions/A-1.md")).expect("rename");
    wait_both(&server, "Atomically saved title");

    // A record in a folder that did not exist: a new watch, and the file is not missed.
    site.write("content/actions/2026/A-2.md", &action("Filed in a new folder").replace("A-1", "A-2"));
    server.wait_for("/actions/A-2/index.html", "the new record", |b| b.contains("Filed in a new folder"));

    // A deletion takes the page away and the register with it.
    std::fs::remove_file(site.path("content/actions/2026/A-2.md")).expect("remove");
    server.wait_for("/actions/index.html", "the register without A-2", |b| !b.contains("Filed in a new folder"));
    assert_eq!(server.get("/actions/A-2/index.html").0, 404);

    // site.toml is watched through the site folder.
    site.write("site.toml", &crate::support::SITE_TOML.replace("title = \"T\"", "title = \"Renamed site\""));
    server.wait_for("/index.html", "the new site title", |b| b.contains("Renamed site"));
}

#[test]
fn serve_shows_build_errors_over_the_last_good_site_until_fixed() {
    let site = site();
    let server = Server::start(&site);
    server.wait_for("/actions/index.html", "the register", |b| b.contains("Encrypt laptops"));

    site.write("content/actions/A-1.md", "+++\ntitle = \"Broken\"\nowner = 3\n+++\n");
    let page = server.wait_for("/actions/index.html", "the error overlay", |b| b.contains("id=\"quorum-error\""));
    assert!(page.contains("content/actions/A-1.md:3:"), "the overlay names file and line:\n{page}");
    assert!(page.contains("Encrypt laptops"), "the last good site stays served:\n{page}");
    let other = server.get("/");
    assert!(other.1.contains("id=\"quorum-error\""), "every page shows the error:\n{}", other.1);

    site.write("content/actions/A-1.md", &action("Fixed title"));
    let page = server.wait_for("/actions/index.html", "the fix", |b| b.contains("Fixed title"));
    assert!(!page.contains("id=\"quorum-error\""), "the overlay is gone once fixed:\n{page}");
}

#[test]
fn serve_starts_on_a_broken_site_and_shows_it_once_fixed() {
    let site = Site::new(&[("content/actions/A-1.md", "+++\ntitle = 3\n+++\n")]);
    let server = Server::start(&site);
    let (status, body) = server.get("/actions/A-1/index.html");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("id=\"quorum-error\"") && body.contains("content/actions/A-1.md:2:"), "{body}");
    assert!(body.contains("/__quorum/ws"), "the error page reloads itself once fixed:\n{body}");
    site.write("content/actions/A-1.md", ACTION);
    server.wait_for("/actions/A-1/index.html", "the fixed record", |b| b.contains("Encrypt laptops"));
}

#[test]
fn serve_serves_only_the_built_site() {
    let site = site();
    site.write("content/actions/notes.txt", "not published");
    let server = Server::start(&site);
    server.wait_for("/actions/A-1/index.html", "the action", |b| b.contains("Encrypt laptops"));
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsite.toml",
        "/..%5csite.toml",
        "/actions/../../site.toml",
        "/site.toml",
        "/content/actions/A-1.md",
        "/content/actions/notes.txt",
        "//etc/passwd",
    ] {
        assert_eq!(server.get(path).0, 404, "{path} must not be served");
    }
    let (status, css) = server.get("/static/quorum.css");
    assert!(status == 200 && !css.contains("__quorum"), "static files are served as built");
    // A host name that is not this machine's: a DNS-rebinding page gets nothing.
    let (status, _) = http_get(&server.addr, "/", "evil.example").expect("GET with a foreign Host");
    assert_eq!(status, 403);
}

#[test]
fn serve_reports_a_port_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = taken.local_addr().expect("local addr").port().to_string();
    let site = site();
    let o = quorum_in(site.root(), &["serve", "--port", &port]);
    let stderr = lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")) && stderr.contains("--port"), "{stderr}");
}

#[test]
fn build_output_has_no_reload_script() {
    let built = site().build_ok(&[]);
    for page in ["index.html", "actions/index.html", "actions/A-1/index.html"] {
        assert!(!built.read(page).contains("__quorum"), "{page} of `quorum build` has serve's script");
    }
}

#[cfg(unix)]
#[test]
fn serve_stops_cleanly_on_ctrl_c() {
    let site = site();
    let mut server = Server::start(&site);
    server.wait_for("/", "the home page", |b| b.contains("<html"));
    let pid = server.child.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status().expect("run kill");
    assert!(kill.success());
    let start = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().expect("wait for quorum serve") {
            assert_eq!(status.code(), Some(0), "Ctrl-C is a normal stop");
            break;
        }
        assert!(start.elapsed() < PATIENCE, "quorum serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A response as bytes arrived: status, head (lower-cased) and body.
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    /// The value of a response header, by its lower-case name.
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(':')).map(str::trim)
    }
}

/// Sends `request` as raw bytes (`Connection: close` is the caller's): the reply, read to its
/// end or, for a websocket upgrade, to the end of its head.
fn exchange(addr: &str, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect to quorum serve");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(request).expect("send the request");
    let mut raw = Vec::new();
    let mut buf = [0; 8192];
    loop {
        let n = stream.read(&mut buf).expect("read the reply");
        raw.extend_from_slice(&buf[..n]);
        let text = lossy(&raw);
        if n == 0 || (text.starts_with("HTTP/1.1 101") && text.contains("\r\n\r\n")) {
            break;
        }
    }
    let text = lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Reply { status, head: head.to_ascii_lowercase(), body: body.to_string() }
}

/// `GET path` from `host` with extra header lines (each ending in `\r\n`).
fn get_with(addr: &str, path: &str, host: &str, headers: &str) -> Reply {
    exchange(addr, format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n").as_bytes())
}

const UPGRADE: &str = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

#[test]
fn serve_marks_every_response_same_origin_and_nosniff() {
    let site = Site::new(&[("content/actions/A-1.md", ACTION)]);
    let server = Server::start(&site);
    server.wait_for("/actions/A-1/index.html", "the action", |b| b.contains("Encrypt laptops"));
    let a = server.addr.as_str();
    let cases = [
        ("a page", get_with(a, "/actions/A-1/index.html", a, ""), 200),
        ("the search index", get_with(a, "/search-index.js", a, ""), 200),
        ("a folder without its slash", get_with(a, "/actions", a, ""), 301),
        ("an unknown path", get_with(a, "/nope.html", a, ""), 404),
        (
            "a POST",
            exchange(
                a,
                format!("POST / HTTP/1.1\r\nHost: {a}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
            ),
            405,
        ),
        ("a foreign host name", get_with(a, "/", "evil.example", ""), 403),
        ("another site's page", get_with(a, "/", a, "Sec-Fetch-Site: cross-site\r\n"), 403),
        ("no Host", exchange(a, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), 400),
        ("the websocket", get_with(a, "/__quorum/ws", a, UPGRADE), 101),
        (
            "a foreign websocket",
            get_with(a, "/__quorum/ws", a, &format!("{UPGRADE}Origin: http://evil.example\r\n")),
            403,
        ),
    ];
    for (what, reply, status) in cases {
        assert_eq!(reply.status, status, "{what}:\n{}", reply.head);
        assert_eq!(reply.header("cross-origin-resource-policy"), Some("same-origin"), "{what}:\n{}", reply.head);
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{what}:\n{}", reply.head);
        assert_eq!(reply.head.matches("x-content-type-options").count(), 1, "{what}: sent once:\n{}", reply.head);
    }
}

#[test]
fn serve_marks_the_page_of_a_site_that_does_not_build_yet() {
    let site = Site::new(&[("content/actions/A-1.md", "+++\ntitle = 3\n+++\n")]);
    let server = Server::start(&site);
    let reply = get_with(&server.addr, "/", &server.addr, "");
    assert_eq!(reply.status, 503, "{}", reply.head);
    assert_eq!(reply.header("cross-origin-resource-policy"), Some("same-origin"), "{}", reply.head);
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{}", reply.head);
}

#[test]
fn serve_answers_its_own_pages_typed_addresses_and_followed_links_only() {
    let site = Site::new(&[("content/actions/A-1.md", ACTION)]);
    let server = Server::start(&site);
    server.wait_for("/", "the home page", |b| b.contains("<html"));
    let a = server.addr.as_str();
    let script = "Sec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: script\r\n";
    let navigate = "Sec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\n";
    let frame = "Sec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: iframe\r\n";
    for (site_header, mode, status) in [
        ("cross-site", script, 403),
        ("cross-site", navigate, 403),
        // Another port of this machine is the same site: it may link here, not embed or read.
        ("same-site", script, 403),
        ("same-site", "Sec-Fetch-Mode: cors\r\nSec-Fetch-Dest: empty\r\n", 403),
        ("same-site", frame, 403),
        ("same-site", navigate, 200),
        ("same-origin", script, 200),
        ("none", navigate, 200),
    ] {
        let reply = get_with(a, "/search-index.js", a, &format!("Sec-Fetch-Site: {site_header}\r\n{mode}"));
        assert_eq!(reply.status, status, "Sec-Fetch-Site: {site_header}, {mode:?}:\n{}", reply.head);
        if status == 403 {
            assert!(!reply.body.contains("QUORUM_SEARCH"), "a refusal carries no content:\n{}", reply.body);
        }
    }
}

#[test]
fn serve_refuses_a_missing_repeated_or_non_ascii_host() {
    let site = Site::new(&[("content/actions/A-1.md", ACTION)]);
    let server = Server::start(&site);
    server.wait_for("/", "the home page", |b| b.contains("<html"));
    let a = server.addr.as_str();
    let bad: [(&str, Vec<u8>); 5] = [
        ("no Host", b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_vec()),
        (
            "a non-ASCII Host",
            [b"GET / HTTP/1.1\r\nHost: caf\xc3\xa9.localhost\r\nConnection: close\r\n\r\n".as_slice()].concat(),
        ),
        ("an empty Host", b"GET / HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n".to_vec()),
        ("two Hosts", format!("GET / HTTP/1.1\r\nHost: {a}\r\nHost: {a}\r\nConnection: close\r\n\r\n").into_bytes()),
        ("HTTP/1.0 without Host", b"GET / HTTP/1.0\r\n\r\n".to_vec()),
    ];
    for (what, request) in bad {
        let reply = exchange(a, &request);
        assert_eq!(reply.status, 400, "{what}:\n{}", reply.head);
        assert!(!reply.body.contains("<html"), "{what}: no page:\n{}", reply.body);
    }
    // The request line may name a host too: it is held to the same rule.
    let reply =
        exchange(a, format!("GET http://evil.example/ HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\n\r\n").as_bytes());
    assert_eq!(reply.status, 403, "{}", reply.head);
    assert_eq!(get_with(a, "/", "localhost", "").status, 200);
}
