//! A progress line for long builds: on a terminal, once a build has run for a second, one line
//! on stderr says which stage it is in ("rendering 10,029 pages… 1.4 s"), rewritten in place
//! and cleared at the end. Off the terminal (CI logs, pipes) nothing is printed.

use std::io::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When the build began, if progress is shown at all.
static STATE: Mutex<Option<State>> = Mutex::new(None);

struct State {
    start: Instant,
    shown: bool,
}

/// Shows progress on stderr from now on (call it only when stderr is a terminal).
pub fn enable() {
    *STATE.lock().unwrap_or_else(|e| e.into_inner()) = Some(State { start: Instant::now(), shown: false });
}

/// The build enters `stage`; shown once the build has run for a second.
pub fn stage(stage: &str) {
    let mut guard = STATE.lock().unwrap_or_else(|e| e.into_inner());
    let Some(s) = guard.as_mut() else { return };
    let elapsed = s.start.elapsed();
    if elapsed < Duration::from_secs(1) {
        return;
    }
    s.shown = true;
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K{stage}… {:.1} s", elapsed.as_secs_f64());
    let _ = err.flush();
}

/// Clears the line (before diagnostics or the summary are printed); later stages may show it
/// again.
pub fn clear() {
    let mut guard = STATE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = guard.as_mut()
        && s.shown
    {
        s.shown = false;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}

/// Clears the line and shows no more progress.
pub fn done() {
    clear();
    *STATE.lock().unwrap_or_else(|e| e.into_inner()) = None;
}
