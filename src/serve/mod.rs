//! [`Config`] → a live preview: builds the site in memory with the same stages as `build`,
//! serves the rendered files from memory over HTTP, rebuilds in full on every debounced change
//! to the sources, and tells every open page to reload (or to show the build error) over a
//! websocket. Writes nothing to disk.
//!
//! Why axum + tokio rather than a lighter server such as tiny_http: a reload channel per open
//! tab must be cheap (an async task, not a thread), websockets come with axum (`ws` feature)
//! instead of being hand-rolled, and axum/hyper are actively maintained and handle HTTP
//! edge cases (pipelining, HEAD, malformed requests) that a preview server still meets.
//! Only the `http1`, `tokio` and `ws` features are enabled, to keep the build small.

mod http;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tokio::sync::watch as channel;

use crate::render::RenderOptions;
use crate::{Failure, Options};

/// What `quorum serve` is asked to do.
#[derive(Clone, Debug)]
pub struct Config {
    /// The site to build (audience `internal`).
    pub options: Options,
    /// The address to listen on; port 0 picks a free port.
    pub interface: IpAddr,
    /// The port to listen on.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// Why `quorum serve` could not start (all exit 2).
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)] // each variant's #[error] message documents it
pub enum ServeError {
    #[error(
        "cannot listen on {0}: the port is already in use (another `quorum serve`?); choose another one with --port, e.g. --port 1112, or --port 0 for any free port"
    )]
    PortInUse(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot watch {path} for changes: {source}")]
    Watch { path: PathBuf, source: notify::Error },
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
    #[error("the server stopped: {0}")]
    Server(std::io::Error),
    #[error("{0}")]
    Fatal(String),
}

/// What the server shows: the files of the last good build and the current build error.
pub(crate) struct Snapshot {
    /// Output files of the last good build by output-relative path; empty until one succeeds.
    files: Arc<std::collections::HashMap<String, Bytes>>,
    /// Names the last good build: a page served from an older one reloads.
    generation: String,
    /// Why the latest build failed, shown over every page until a build succeeds.
    error: Option<String>,
}

impl Snapshot {
    /// The state message every open page receives: `{"generation": "…", "error": null}`.
    fn message(&self) -> String {
        #[derive(serde::Serialize)]
        struct Message<'a> {
            generation: &'a str,
            error: Option<&'a str>,
        }
        let m = Message { generation: &self.generation, error: self.error.as_deref() };
        serde_json::to_string(&m).expect("a struct of strings serialises")
    }
}

/// The snapshot everyone reads; `send_replace` publishes a new one and wakes the websockets.
pub(crate) type Shared = Arc<channel::Sender<Arc<Snapshot>>>;

/// A full in-memory build, published to the server. Runs on the watcher's thread.
pub(crate) struct Builder {
    options: Options,
    shared: Shared,
    /// Distinguishes this process's generations from an earlier server's on the same port.
    instance: u64,
    builds: u64,
    /// The rendered warnings of the last build, printed again only when they change.
    last_warnings: String,
    /// Page HTML of earlier builds, reused where a page's inputs are unchanged.
    cache: Arc<crate::render::PageCache>,
}

/// The outcome of one build, for the terminal line.
pub(crate) enum Outcome {
    Built { records: usize, pages: usize, warnings: usize },
    Failed,
}

impl Builder {
    /// Builds and publishes; a failure keeps the last good files and sets the error.
    pub(crate) fn build(&mut self) -> Result<Outcome, Failure> {
        let result = compute(&self.options, &self.cache);
        self.publish(result)
    }

    /// What a build started on another thread needs: the options and the page cache.
    pub(crate) fn job(&self) -> (Options, Arc<crate::render::PageCache>) {
        (self.options.clone(), self.cache.clone())
    }

    /// Publishes a finished build; a failure keeps the last good files and sets the error.
    pub(crate) fn publish(&mut self, result: BuildResult) -> Result<Outcome, Failure> {
        let previous = self.shared.borrow().clone();
        match result {
            Ok((checked, files)) => {
                let mut warnings = checked.diagnostics.render();
                if let Some(note) = checked.later_note() {
                    warnings.push_str(&format!("note: {note}\n"));
                }
                if warnings != self.last_warnings {
                    eprint!("{warnings}");
                    self.last_warnings = warnings;
                }
                let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
                self.builds += 1;
                let snapshot = Snapshot {
                    files: Arc::new(files.into_iter().map(|f| (f.path, f.bytes)).collect()),
                    generation: format!("{:x}-{}", self.instance, self.builds),
                    error: None,
                };
                self.shared.send_replace(Arc::new(snapshot));
                Ok(Outcome::Built { records: checked.records, pages, warnings: checked.diagnostics.warning_count() })
            }
            Err(failure) => {
                let message = failure_message(&failure);
                eprint!("{message}");
                self.last_warnings.clear();
                let snapshot = Snapshot {
                    files: previous.files.clone(),
                    generation: previous.generation.clone(),
                    error: Some(message),
                };
                self.shared.send_replace(Arc::new(snapshot));
                Err(failure)
            }
        }
    }
}

/// What one full build produced.
pub(crate) type BuildResult = Result<(crate::Checked, Vec<crate::output::OutputFile>), Failure>;

/// Runs a full in-memory build; a panic in a stage becomes a build error, so a bug never ends
/// the preview.
pub(crate) fn compute(options: &Options, cache: &Arc<crate::render::PageCache>) -> BuildResult {
    let render =
        RenderOptions { serve: true, cache: Some(cache.clone()), skip_link_check: true, ..RenderOptions::default() };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::build(options, &render))).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Failure::Fatal(format!("quorum crashed while building (a bug, please report it): {why}")))
    })
}

/// A build failure as the terminal and the overlay show it: every error with its file, line
/// and snippet (warnings left out: they do not stop the build), then a summary.
fn failure_message(failure: &Failure) -> String {
    match failure {
        Failure::Content(d) => {
            let errors: String =
                d.0.iter()
                    .filter(|d| d.severity == crate::diagnostics::Severity::Error)
                    .map(|d| d.render() + "\n")
                    .collect();
            format!("{errors}error: {}; still serving the last good site\n", d.summary())
        }
        Failure::Render(msg) | Failure::Fatal(msg) => {
            format!("error: {msg}\nerror: still serving the last good site\n")
        }
    }
}

/// Builds, serves and watches until Ctrl-C.
pub fn run(config: Config) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("quorum-serve")
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(serve(config))
}

async fn serve(config: Config) -> Result<(), ServeError> {
    let addr = SocketAddr::new(config.interface, config.port);
    // Bind first: a port in use is reported before any work is done.
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| match source.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortInUse(addr),
        _ => ServeError::Bind { addr, source },
    })?;
    let bound = listener.local_addr().map_err(|source| ServeError::Bind { addr, source })?;
    if !config.interface.is_loopback() {
        eprintln!(
            "warning: listening on {} is not limited to this machine: anyone who can reach it can read the site, confidential records included",
            config.interface
        );
    }

    let empty = Snapshot { files: Arc::default(), generation: String::new(), error: None };
    let shared: Shared = Arc::new(channel::channel(Arc::new(empty)).0);
    let instance =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut builder = Builder {
        options: config.options.clone(),
        shared: shared.clone(),
        instance,
        builds: 0,
        last_warnings: String::new(),
        cache: Arc::default(),
    };

    // Watch before the first build, so an edit made while it runs is not lost; but first
    // make sure this is a site at all, or the watcher's error would be the one reported.
    let site_toml = config.options.root.join("site.toml");
    if let Err(e) = std::fs::metadata(&site_toml) {
        return Err(ServeError::Fatal(format!("cannot read {}: {e}", site_toml.display())));
    }
    let watcher = watch::Watcher::start(&config.options.root)?;
    let started = Instant::now();
    let first = tokio::task::block_in_place(|| builder.build());
    match first {
        Err(Failure::Fatal(msg)) => return Err(ServeError::Fatal(msg)),
        Err(_) => println!("{} the site does not build yet: fix the errors above and it will reload", clock()),
        Ok(outcome) => println!("{} {}", clock(), summary(&outcome, started.elapsed())),
    }
    std::thread::Builder::new()
        .name("quorum-watch".into())
        .spawn(move || watcher.run(builder))
        .map_err(ServeError::Runtime)?;

    let url = browse_url(bound);
    println!("Serving {} at {url} (Ctrl-C to stop)", config.options.root.display());
    if config.open {
        open_browser(&url);
    }
    http::serve(listener, shared, config.interface.is_loopback()).await?;
    println!("Stopped.");
    Ok(())
}

/// The URL to print and open: a wildcard address is browsed through loopback.
fn browse_url(bound: SocketAddr) -> String {
    let ip = match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, bound.port()))
}

/// `HH:MM:SS` in the local time zone, to stamp each rebuild line.
pub(crate) fn clock() -> String {
    let now = jiff::ZonedDateTime::now();
    format!("[{:02}:{:02}:{:02}]", now.hour(), now.minute(), now.second())
}

/// "rebuilt 12 records into 20 pages in 85 ms"
pub(crate) fn summary(outcome: &Outcome, took: Duration) -> String {
    let ms = took.as_secs_f64() * 1000.0;
    match outcome {
        Outcome::Built { records, pages, warnings } => {
            let w = if *warnings == 0 { String::new() } else { format!(", {}", crate::count(*warnings, "warning")) };
            format!("built {} into {} in {ms:.0} ms{w}", crate::count(*records, "record"), crate::count(*pages, "page"))
        }
        Outcome::Failed => format!("build failed in {ms:.0} ms; still serving the last good site"),
    }
}

/// Starts the platform's URL opener and does not wait for the browser.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // On Linux and the BSDs a browser needs a graphical session: without one, say so rather
    // than let xdg-open fail out of sight.
    let desktop = ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    if !cfg!(target_os = "macos") && !cfg!(windows) && !desktop {
        eprintln!("note: --open: no graphical session here (DISPLAY is not set), so no browser was opened; open {url}");
        return;
    }
    let program = cmd.get_program().to_string_lossy().into_owned();
    match cmd.spawn() {
        // Reap the opener so it does not linger as a zombie, and say so if it failed.
        Ok(mut child) => {
            let url = url.to_string();
            drop(std::thread::spawn(move || {
                if let Ok(status) = child.wait()
                    && !status.success()
                {
                    eprintln!("note: --open: {program} could not open a browser ({status}); open {url}");
                }
            }))
        }
        Err(e) => eprintln!("note: --open: cannot start {program} ({e}), so no browser was opened; open {url}"),
    }
}
