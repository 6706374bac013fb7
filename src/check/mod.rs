//! The check stage: what makes a build fail, and what a reader of the report sees.
//!
//! [`archive`] runs load, parse and link, and applies the one error policy: every
//! problem of every stage is collected, and any error stops the build before
//! anything is rendered or written; warnings are returned with the result. The
//! retired-id report and the check of a built site (`site`) live here too, so
//! `lectern check`, `lectern build` and the tests share them.

pub mod site;

use std::path::Path;

use crate::diagnostics::{self, Diagnostic, Failure};
use crate::ids::Lock;
use crate::link::{self, Linked};
use crate::load::{self, Archive};
use crate::parse::{self, Document, Parsed};

/// The archive after load, parse and link, free of errors.
pub struct Checked {
    pub archive: Archive,
    pub parsed: Parsed,
    pub linked: Linked,
    /// Whether the block ids differ from what the lock file recorded.
    pub lock_changed: bool,
    /// The new lock file, when it changed and checking kept only what render
    /// needs (`Keep::Render`); with `Keep::All`, `parsed.lock` holds it, and with
    /// `Keep::Check` nothing does.
    pub lock_text: Option<String>,
    /// Warnings, sorted: the build may go on, but these deserve a look.
    pub warnings: Vec<Diagnostic>,
}

/// What checking keeps of its inputs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Everything: `serve` compares the next edit with the Markdown and the lock,
    /// and relinks with the related-passage index.
    All,
    /// What render needs: a build writes pages from the parsed text, so each
    /// document's Markdown goes as soon as it is parsed (`archive.documents` is
    /// left empty), and the lock (turned into the text to write) and the index as
    /// soon as linking no longer needs them, before the stages that need most
    /// memory.
    Render,
    /// What `lectern check` needs: as `Render`, but the lock, which a check
    /// never writes, is dropped rather than turned into text.
    Check,
}

/// Loads, parses and links the archive at `root`; fails with every error found.
pub fn archive(root: &Path, keep: Keep) -> Result<Checked, Failure> {
    let archive = crate::timings::time("load", || load::load(root))?;
    loaded(archive, keep)
}

/// Parses and links an archive already loaded; fails with every error found.
pub fn loaded(mut archive: Archive, keep: Keep) -> Result<Checked, Failure> {
    // The old ids matter only to parsing, which carries them into the new lock.
    let previous = std::mem::take(&mut archive.lock);
    // The documents move into what parse makes; `serve` keeps them here too.
    let (documents, markdown) = match keep {
        Keep::All => (archive.documents.clone(), parse::Markdown::Keep),
        Keep::Render | Keep::Check => (
            std::mem::take(&mut archive.documents),
            parse::Markdown::Drop,
        ),
    };
    let mut parsed = crate::timings::time("parse", || {
        parse::parse(&archive, documents, previous, markdown)
    });
    let lock_changed = parsed.lock_changed;
    let mut lock_text = None;
    if keep != Keep::All {
        lock_text = (keep == Keep::Render && lock_changed).then(|| parsed.lock.to_text());
        parsed.lock = Lock::default();
    }
    let mut linked = crate::timings::time("link", || link::link(&archive, &parsed));
    if keep != Keep::All {
        // Only `serve`'s relinking reads the related-passage index again.
        linked.scoring = Default::default();
    }
    let mut diagnostics = archive.problems.clone();
    diagnostics.append(&mut parsed.diagnostics);
    diagnostics.extend(linked.diagnostics.iter().cloned());
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure::new(diagnostics));
    }
    diagnostics::sort(&mut diagnostics);
    Ok(Checked {
        archive,
        parsed,
        linked,
        lock_changed,
        lock_text,
        warnings: diagnostics,
    })
}

/// A paragraph id that no longer exists, and where its URL now lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredId {
    pub document: String,
    pub id: String,
    /// The nearest surviving block, or empty when the document has none left.
    pub to: String,
}

/// Every retired id of every document, in document order.
pub fn retired(documents: &[Document]) -> Vec<RetiredId> {
    documents
        .iter()
        .flat_map(|doc| {
            doc.retired.iter().map(|(id, to)| RetiredId {
                document: doc.source.slug.clone(),
                id: id.clone(),
                to: to.clone(),
            })
        })
        .collect()
}

/// The problems `site::Output::problems` found, as one failure. Each names the
/// content file behind its page, from `files` (page → file), or else the page.
pub fn site_failure(
    files: &std::collections::BTreeMap<String, std::path::PathBuf>,
    problems: Vec<String>,
) -> Option<Failure> {
    if problems.is_empty() {
        return None;
    }
    let diagnostics = problems
        .into_iter()
        .map(|p| {
            let (page, what) = p.split_once(": ").unwrap_or(("", p.as_str()));
            match files.get(page) {
                Some(file) => Diagnostic::error(file, format!("on the page {page}: {what}"))
                    .help("fix the link in this file, or in the template that wrote it"),
                // A listing (the annotations, the timeline) quotes many files.
                None => Diagnostic::error(page, format!("on the page {page}: {what}")).help(
                    "fix what the page quotes from the content, or the template that wrote it",
                ),
            }
        })
        .collect();
    Some(Failure::new(diagnostics))
}
