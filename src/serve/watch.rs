//! Watching the archive's sources and rebuilding when they change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use notify_debouncer_mini::{DebounceEventResult, new_debouncer, notify::RecursiveMode};

use super::State;
use crate::diagnostics::{Diagnostic, Failure};

/// What `serve` watches, relative to the root: sources, templates, static files,
/// the configuration and the lock.
const WATCHED: &[&str] = &[
    "content",
    "templates",
    "static",
    "site.toml",
    crate::LOCK_FILE,
];

/// Starts a thread that rebuilds after each burst of changes.
pub fn spawn(root: &Path, state: Arc<State>) -> Result<(), Failure> {
    // Events name absolute paths; the session compares them with its root.
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let root = root.as_path();
    let (sender, events) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(60), sender).map_err(|e| {
        Failure::from(Diagnostic::error(
            root,
            format!("cannot watch for changes: {e}"),
        ))
    })?;
    for name in WATCHED {
        let path = root.join(name);
        if path.exists() {
            debouncer
                .watcher()
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| {
                    Failure::from(Diagnostic::error(&path, format!("cannot watch: {e}")))
                })?;
        }
    }
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        // The debouncer stops watching when dropped: it lives as long as the thread.
        let _debouncer = debouncer;
        let mut seen = Seen::new(&root);
        for batch in events {
            let Ok(batch) = batch else { continue };
            let changed = seen.changed(batch.into_iter().map(|e| e.path));
            if changed.is_empty() {
                continue;
            }
            let mut result = super::try_rebuild(&state, &changed);
            // A save can be caught half-written (truncated, not yet filled): if a
            // file changed again meanwhile, that build was not the editor's.
            if result.is_err() {
                std::thread::sleep(Duration::from_millis(150));
                let again = seen.changed(changed.iter().cloned());
                if !again.is_empty() {
                    result = super::try_rebuild(&state, &again);
                }
            }
            if let Err(report) = result {
                super::report_failure(&state, report);
            }
            // The build may have written the lock: that change is ours, not an edit.
            seen.changed(std::iter::once(root.join(crate::LOCK_FILE)));
        }
    });
    Ok(())
}

/// What each watched file was when last seen. Watchers also report files being
/// read (as every build does), so only a real change of size or time counts.
struct Seen(HashMap<PathBuf, Option<(u64, SystemTime)>>);

impl Seen {
    fn new(root: &Path) -> Seen {
        let mut seen = HashMap::new();
        for name in WATCHED {
            for entry in walkdir::WalkDir::new(root.join(name)).into_iter().flatten() {
                seen.insert(entry.path().to_path_buf(), stamp(entry.path()));
            }
        }
        Seen(seen)
    }

    /// Records `paths`; those that changed (appeared, went, or were written).
    fn changed(&mut self, paths: impl Iterator<Item = PathBuf>) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        for path in paths {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.contains(".lectern-new") {
                continue;
            }
            let now = stamp(&path);
            if self.0.insert(path.clone(), now) != Some(now) {
                changed.push(path);
            }
        }
        changed
    }
}

fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}
