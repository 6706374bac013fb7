//! `lectern serve`: build the site in memory, serve it on loopback, rebuild when a
//! source changes, and reload the open pages.
//!
//! What stays true:
//! - only a good build is ever served: a build that fails leaves the last good
//!   site in place, and its diagnostics go to the terminal and, as an overlay, to
//!   every open page; the next good save replaces the overlay with the new pages;
//! - nothing is written but the lock file (when new blocks get ids), so a reader of
//!   `public/` never sees a half-built site;
//! - the reload script is added to pages only here, never to a built site.

pub mod http;
mod live;
mod session;
mod watch;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Failure};
use http::Files;

/// The served site and who is watching it.
pub(crate) struct State {
    /// The last good build; its pages are rendered as they are asked for.
    session: Mutex<session::Session>,
    live: live::Clients,
    /// The report of the last build, when it failed.
    failure: Mutex<Option<String>>,
}

/// Builds the archive at `root`, serves it on 127.0.0.1 from `port` (or the next
/// free port) and rebuilds on every change, until interrupted.
pub fn serve(root: &Path, port: u16) -> Result<(), Failure> {
    let config = SiteConfig::load(root)?;
    let base = config.base_path().to_string();
    let state = Arc::new(State {
        session: Mutex::new(session::Session::new(root)),
        live: live::Clients::default(),
        failure: Mutex::new(None),
    });
    let listener = bind(port)?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::io(root, "serve", e))?;
    if port != 0 && address.port() != port {
        println!("Port {port} is taken; using {} instead.", address.port());
    }
    rebuild(&state, &[]);
    println!("Serving at http://{address}{base} (Ctrl+C to stop)");
    watch::spawn(root, Arc::clone(&state))?;
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| Failure::from(Diagnostic::error("serve", e.to_string())))?;
    let inject = live::snippet(&base);
    for request in server.incoming_requests() {
        let state = Arc::clone(&state);
        let base = base.clone();
        let inject = inject.clone();
        std::thread::spawn(move || {
            if request
                .url()
                .starts_with(&format!("{base}{}", live::EVENTS))
            {
                let failure = state.failure.lock().ok().and_then(|f| f.clone());
                state.live.attach(request, failure);
            } else {
                http::respond(
                    &Files::Memory(Arc::clone(&state) as Arc<dyn http::Memory>),
                    &base,
                    request,
                    &inject,
                );
            }
        });
    }
    Ok(())
}

/// Rebuilds after `changed` (empty: everything) and tells the open pages:
/// reload, or here is what is wrong.
fn rebuild(state: &State, changed: &[PathBuf]) {
    if let Err(report) = try_rebuild(state, changed) {
        report_failure(state, report);
    }
}

/// Rebuilds after `changed`; on success serves the new build and reloads the
/// open pages, on failure returns the report (for the caller to show).
fn try_rebuild(state: &State, changed: &[PathBuf]) -> Result<(), String> {
    let started = std::time::Instant::now();
    let Ok(mut session) = state.session.lock() else {
        return Ok(());
    };
    match session.rebuild(changed) {
        Ok(built) => {
            eprint!("{}", crate::diagnostics::summarise(&built.warnings));
            if let Ok(mut failure) = state.failure.lock() {
                *failure = None;
            }
            let waiting = match built.waiting {
                0 => String::new(),
                n => format!(", {n} to render when asked for"),
            };
            println!(
                "Built {} documents ({} files written{waiting}) in {} ms",
                built.documents,
                built.written,
                started.elapsed().as_millis()
            );
            state.live.send(live::Event::Reload);
            // The pages are out; now the lock, without holding up readers (the
            // next full build waits for the write).
            let Some((path, text)) = session.unsaved_lock() else {
                return Ok(());
            };
            let writing = session.writing();
            let _writing = writing.lock().unwrap_or_else(|e| e.into_inner());
            drop(session);
            session::write_lock(&path, &text).map_err(|failure| failure.to_string())
        }
        Err(failure) => Err(failure.to_string()),
    }
}

impl http::Memory for State {
    fn get(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.session.lock().ok()?.file(path)
    }

    fn has_below(&self, prefix: &str) -> bool {
        self.session
            .lock()
            .is_ok_and(|session| session.has_below(prefix))
    }
}

/// Shows a failed build's report in the terminal and over the open pages.
fn report_failure(state: &State, report: String) {
    eprintln!("{report}");
    eprintln!("Still serving the last good build; fix the problem and save.");
    if let Ok(mut last) = state.failure.lock() {
        *last = Some(report.clone());
    }
    state.live.send(live::Event::Failed(report));
}

/// Serves `dir`, a built site, on `listener` until the process ends: for tests
/// that read a built site in a browser.
pub fn run(listener: TcpListener, dir: &Path) {
    let Ok(server) = tiny_http::Server::from_listener(listener, None) else {
        return;
    };
    let files = Arc::new(Files::Folder(dir.to_path_buf()));
    for request in server.incoming_requests() {
        let files = Arc::clone(&files);
        std::thread::spawn(move || http::respond(&files, "/", request, ""));
    }
}

/// Binds 127.0.0.1 at `port` or one of the next 19 (port 0: any free port).
pub fn bind(port: u16) -> Result<TcpListener, Failure> {
    let mut last = None;
    for candidate in port..=port.saturating_add(19) {
        match TcpListener::bind(("127.0.0.1", candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    let error = last.map(|e| e.to_string()).unwrap_or_default();
    Err(Diagnostic::error(
        "serve",
        format!(
            "no free port from {port} to {}: {error}",
            port.saturating_add(19)
        ),
    )
    .help("stop the other server, or pass another port with --port")
    .into())
}
