//! HTTP requests → the in-memory site: files of the last good build by URL path (never
//! anything on disk), the reload script and error overlay added to HTML on the way out, and
//! the `/__quorum/ws` websocket that tells open pages to reload.

use std::collections::HashMap;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;

use super::{ServeError, Shared, Snapshot};

/// The websocket path. No output file can start with `_`: IDs start with a letter or digit.
const WS_PATH: &str = "/__quorum/ws";
/// The client side: reconnects, reloads on a new build, shows and hides the error overlay.
const RELOAD_JS: &str = include_str!("reload.js");

#[derive(Clone)]
struct App {
    shared: Shared,
    shutdown: watch::Receiver<bool>,
    /// Bound to loopback: answer only requests addressed to this machine by name or IP.
    loopback: bool,
}

/// Serves until Ctrl-C (or SIGTERM), then closes every websocket and stops.
pub(crate) async fn serve(listener: tokio::net::TcpListener, shared: Shared, loopback: bool) -> Result<(), ServeError> {
    let (stop, shutdown) = watch::channel(false);
    let app = App { shared, shutdown: shutdown.clone(), loopback };
    let router = Router::new()
        .route(WS_PATH, axum::routing::any(websocket))
        .fallback(file)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app);
    let stopped = stop_signal();
    let mut quit = shutdown.clone();
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = quit.wait_for(|stop| *stop).await;
    });
    let mut server = tokio::spawn(async move { server.await });
    tokio::select! {
        res = &mut server => return finished(res),
        () = stopped => {}
    }
    eprintln!("Stopping…");
    let _ = stop.send(true);
    // Open keep-alive connections get a moment to finish; then we stop regardless.
    match tokio::time::timeout(std::time::Duration::from_secs(2), &mut server).await {
        Ok(res) => finished(res),
        Err(_) => Ok(()),
    }
}

fn finished(res: Result<std::io::Result<()>, tokio::task::JoinError>) -> Result<(), ServeError> {
    match res {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(ServeError::Server(e)),
        Err(e) => Err(ServeError::Server(std::io::Error::other(e))),
    }
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the future is
/// first polled: called before the server starts, so a signal sent as soon as the first page
/// is answered is never missed (the default action would kill the process).
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let int = signal(SignalKind::interrupt());
        let term = signal(SignalKind::terminate());
        async move {
            match (int, term) {
                (Ok(mut int), Ok(mut term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Any path but the websocket: a file of the built site, a redirect to a folder's
/// `index.html`, or 404.
async fn file(State(app): State<App>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "quorum serve only reads\n")
            .into_response();
    }
    let snapshot = app.shared.borrow().clone();
    if snapshot.files.is_empty() {
        let body = page("The site does not build yet", "Fix the errors shown here; this page reloads when it builds.");
        return html(StatusCode::SERVICE_UNAVAILABLE, &body, &snapshot);
    }
    match resolve(&snapshot.files, req.uri().path()) {
        Resolved::File(path) => {
            let bytes = &snapshot.files[&path];
            let mime = content_type(&path);
            if mime.starts_with("text/html") {
                html(StatusCode::OK, bytes, &snapshot)
            } else {
                respond(StatusCode::OK, mime, Body::from(bytes.clone()))
            }
        }
        Resolved::Redirect(location) => {
            let mut res = StatusCode::MOVED_PERMANENTLY.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            res
        }
        Resolved::NotFound => {
            let body = page(
                "Not found",
                "No page of the site has this address. <a href=\"/index.html\">Go to the dashboard</a>.",
            );
            html(StatusCode::NOT_FOUND, &body, &snapshot)
        }
    }
}

fn respond(status: StatusCode, mime: &'static str, body: Body) -> Response {
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    // A preview must never show a cached page after a rebuild.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// An HTML page with the reload script (and the error overlay, while a build fails).
fn html(status: StatusCode, bytes: &[u8], snapshot: &Snapshot) -> Response {
    respond(status, "text/html; charset=utf-8", Body::from(inject(bytes, snapshot)))
}

/// A minimal page of the server's own (404, no site yet).
fn page(title: &str, body_html: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} · quorum serve</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n<p>{body_html}</p>\n</main>\n</body>\n</html>\n"
    )
    .into_bytes()
}

/// Inserts the overlay and the reload script before the last `</body>` (or at the end).
pub(crate) fn inject(html: &[u8], snapshot: &Snapshot) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(error) = &snapshot.error {
        extra.push_str(&overlay(error));
    }
    extra.push_str(&format!(
        "<script data-quorum-generation=\"{}\">{RELOAD_JS}</script>\n",
        escape(&snapshot.generation)
    ));
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The error panel, also drawn by the script when an error arrives on an open page; inline
/// styles so it does not depend on the site's stylesheet.
fn overlay(error: &str) -> String {
    format!(
        "<div id=\"quorum-error\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1em 1.5em;background:#fff4f4;color:#1a1a1a;border-top:4px solid #b00020;box-shadow:0 -2px 12px rgba(0,0,0,.3);font:14px/1.4 system-ui,sans-serif\"><p style=\"margin:0 0 .5em;font-weight:bold;color:#b00020\">quorum: the site does not build. This page shows the last good build.</p><pre style=\"margin:0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace\">{}</pre></div>\n",
        escape(error)
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?).rev().find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[derive(Debug, PartialEq)]
pub(crate) enum Resolved {
    File(String),
    Redirect(String),
    NotFound,
}

/// A URL path → an output file. Only names of the built site can match, so nothing outside
/// it is reachable; `.`/`..` segments, empty segments and backslashes are refused outright,
/// after percent-decoding, so no encoding of them slips through.
pub(crate) fn resolve(files: &HashMap<String, Bytes>, raw: &str) -> Resolved {
    let Some(decoded) = percent_decode(raw) else { return Resolved::NotFound };
    let Some(path) = decoded.strip_prefix('/') else { return Resolved::NotFound };
    let folder = path.is_empty() || path.ends_with('/');
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    let bad = |seg: &str| seg.is_empty() || seg == "." || seg == ".." || seg.contains(['\\', '\0']);
    if !trimmed.is_empty() && trimmed.split('/').any(bad) {
        return Resolved::NotFound;
    }
    let key = if folder { format!("{path}index.html") } else { path.to_string() };
    if files.contains_key(&key) {
        return Resolved::File(key);
    }
    if !folder && files.contains_key(&format!("{path}/index.html")) {
        // Relative links in the folder's page need the trailing slash.
        return Resolved::Redirect(format!("/{}/", percent_encode(path)));
    }
    Resolved::NotFound
}

/// The URL path decoded; `None` when the bytes are not UTF-8 (no output name can match).
fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s).decode_utf8().ok().map(std::borrow::Cow::into_owned)
}

/// Encoded in a redirect's path: everything but letters, digits, `-._~` and `/`.
const IN_REDIRECT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, IN_REDIRECT).to_string()
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ if path == "SHA256SUMS" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Every request passes here, and every response leaves here (files, redirects, 404, 405,
/// the 503 page, the websocket upgrade and the refusals alike): the preview is for the author
/// only. Requests without a sound `Host`, for a foreign host name, or from another site are
/// refused; every response says that only pages of this origin may embed or read it
/// (`Cross-Origin-Resource-Policy`) and that its type is not to be guessed (`nosniff`).
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    let refused = refuse_host(&app, &req).or_else(|| refuse_site(req.headers()));
    let mut res = match refused {
        Some(refused) => refused,
        None => next.run(req).await,
    };
    let h = res.headers_mut();
    h.insert(HeaderName::from_static("cross-origin-resource-policy"), HeaderValue::from_static("same-origin"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

/// A missing, repeated or non-ASCII `Host` is a bad request (HTTP/1.1 requires exactly one).
/// On loopback this is also the DNS rebinding guard: the server answers only to loopback
/// names and IP literals, so a web page elsewhere cannot read the (internal, confidential)
/// site through a host name it made point here.
fn refuse_host(app: &App, req: &Request) -> Option<Response> {
    let mut hosts = req.headers().get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (Some(host), None) if !host.is_empty() && host.as_bytes().iter().all(u8::is_ascii_graphic) => {
            host.to_str().ok()
        }
        _ => None,
    };
    let Some(host) = host else {
        let why = "quorum serve needs one Host header of visible ASCII characters\n";
        return Some((StatusCode::BAD_REQUEST, why).into_response());
    };
    // An absolute-form request (`GET http://name/ HTTP/1.1`) names its host twice.
    let named = std::iter::once(host).chain(req.uri().authority().map(|a| a.as_str()));
    if !app.loopback || named.into_iter().all(local_host) {
        return None;
    }
    Some((StatusCode::FORBIDDEN, "quorum serve answers only to localhost and IP addresses\n").into_response())
}

/// Fetch metadata: a request another site's page makes (`Sec-Fetch-Site: cross-site`) is
/// refused, and so is one made by a page of the same site but another origin (another port
/// of this machine: `same-site`) unless it is a top-level navigation, e.g. a link followed.
/// Typed addresses and bookmarks (`none`), the preview's own requests (`same-origin`) and
/// clients that send no fetch metadata (curl, older browsers) are answered.
fn refuse_site(headers: &HeaderMap) -> Option<Response> {
    let get = |name: &'static str| headers.get(HeaderName::from_static(name)).map(HeaderValue::as_bytes);
    let navigation = get("sec-fetch-mode") == Some(b"navigate") && get("sec-fetch-dest") == Some(b"document");
    match get("sec-fetch-site") {
        Some(b"cross-site") => {}
        Some(b"same-site") if !navigation => {}
        _ => return None,
    }
    Some(
        (StatusCode::FORBIDDEN, "quorum serve answers only its own pages and addresses typed or followed\n")
            .into_response(),
    )
}

fn local_host(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(v6) => return v6.split(']').next().is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok()),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let host = host.to_ascii_lowercase();
    host.parse::<std::net::Ipv4Addr>().is_ok() || host == "localhost" || host.ends_with(".localhost")
}

/// `/__quorum/ws`: sends the state (`{generation, error}`) now and after every build.
async fn websocket(
    State(app): State<App>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    // Only pages of this server may listen: error messages quote the sources.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same =
            origin.to_str().ok().and_then(|o| o.split_once("://")).is_some_and(|(_, a)| a.eq_ignore_ascii_case(host));
        if !same {
            return (StatusCode::FORBIDDEN, "cross-origin websocket refused\n").into_response();
        }
    }
    match ws {
        Ok(ws) => ws.on_upgrade(move |socket| session(socket, app)),
        Err(rejection) => rejection.into_response(),
    }
}

async fn session(mut socket: WebSocket, app: App) {
    let mut updates = app.shared.subscribe();
    let mut shutdown = app.shutdown.clone();
    loop {
        let message = updates.borrow_and_update().message();
        if socket.send(Message::Text(message.into())).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                changed = updates.changed() => {
                    if changed.is_err() { return; }
                    break;
                }
                () = async { let _ = shutdown.wait_for(|stop| *stop).await; } => {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                incoming = socket.recv() => match incoming {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                    Some(Ok(_)) => {}
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn files() -> HashMap<String, Bytes> {
        ["index.html", "actions/index.html", "actions/A-1/index.html", "static/quorum.css", "SHA256SUMS"]
            .into_iter()
            .map(|p| (p.to_string(), Bytes::from_static(b"x")))
            .collect()
    }

    #[test]
    fn resolves_only_built_files() {
        let f = files();
        let r = |p| resolve(&f, p);
        assert_eq!(r("/"), Resolved::File("index.html".into()));
        assert_eq!(r("/actions/"), Resolved::File("actions/index.html".into()));
        assert_eq!(r("/actions/A-1/index.html"), Resolved::File("actions/A-1/index.html".into()));
        assert_eq!(r("/actions/A%2D1/"), Resolved::File("actions/A-1/index.html".into()));
        assert_eq!(r("/actions"), Resolved::Redirect("/actions/".into()));
        assert_eq!(r("/SHA256SUMS"), Resolved::File("SHA256SUMS".into()));
        for bad in [
            "/../site.toml",
            "/%2e%2e/site.toml",
            "/..%2fsite.toml",
            "/%2E%2E%2Fsite.toml",
            "/content/actions/A-1.md",
            "/actions/../index.html",
            "/actions/./index.html",
            "//index.html",
            "/actions//A-1/index.html",
            "/actions%5cA-1/index.html",
            "/%ff",
            "/%2",
            "index.html",
        ] {
            assert_eq!(r(bad), Resolved::NotFound, "{bad}");
        }
    }

    #[test]
    fn injects_before_the_last_body_end() {
        let snap = Snapshot { files: Arc::default(), generation: "g-1".into(), error: Some("bad <x>".into()) };
        let out = String::from_utf8(inject(b"<html><body><p>hi</p></BODY></html>", &snap)).unwrap();
        assert!(out.starts_with("<html><body><p>hi</p><div id=\"quorum-error\""), "{out}");
        assert!(out.contains("bad &lt;x&gt;"));
        assert!(out.contains("data-quorum-generation=\"g-1\""));
        assert!(out.ends_with("</script>\n</BODY></html>"), "{out}");
        let bare = String::from_utf8(inject(b"<p>no body end", &snap)).unwrap();
        assert!(bare.starts_with("<p>no body end<div"));
    }

    #[test]
    fn local_hosts() {
        for ok in ["localhost:1111", "127.0.0.1:80", "[::1]:1111", "app.localhost", "LOCALHOST", "127.0.0.1"] {
            assert!(local_host(ok), "{ok}");
        }
        for bad in ["evil.example:1111", "localhost.evil.example", "[evil]:1"] {
            assert!(!local_host(bad), "{bad}");
        }
    }
}
