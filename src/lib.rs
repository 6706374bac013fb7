//! lectern: a static site generator for annotated reading archives.
//!
//! The pipeline runs in stages that each own one concern and hand the next plain data:
//!
//! 1. [`load`]: read `site.toml`, content files and their front matter;
//! 2. `parse`: Markdown into HTML and citable blocks with stable ids;
//! 3. `link`: resolve cross-references across the archive;
//! 4. `render`: one Tera context per page;
//! 5. `write`: the output folder, replaced atomically.
//!
//! `check` runs stages 1–3 and reports; `serve` builds and serves the result.

pub mod config;
pub mod date;
pub mod diagnostics;
pub mod ids;
mod link;
pub mod load;
mod parse;
mod render;
pub mod serve;
mod write;

use std::path::{Path, PathBuf};

use diagnostics::{Diagnostic, Failure};
use ids::Lock;

pub use write::MARKER as OUTPUT_MARKER;

/// The lock file recording every block id ever minted, beside `site.toml`.
pub const LOCK_FILE: &str = "lectern.lock";

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `site.toml`'s `output_dir`, relative to the root.
    pub out: Option<PathBuf>,
    /// Fail instead of updating the lock file.
    pub locked: bool,
    /// Replace a non-empty output folder lectern did not create.
    pub force: bool,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub out: PathBuf,
    pub documents: usize,
    pub pages: usize,
    /// Warnings: the build succeeded, but these deserve a look.
    pub warnings: Vec<Diagnostic>,
}

/// The archive after stages 1–3, ready to render.
struct Checked {
    archive: load::Archive,
    documents: Vec<parse::Document>,
    entity_links: Vec<link::entities::EntityLinks>,
    lock: Lock,
    lock_changed: bool,
    warnings: Vec<Diagnostic>,
}

fn check_archive(root: &Path) -> Result<Checked, Failure> {
    let archive = load::load(root)?;
    let previous = read_lock(root)?;
    let parsed = parse::parse(&archive, &previous);
    let mut diagnostics = archive.problems.clone();
    diagnostics.extend(parsed.diagnostics);
    diagnostics.extend(link::check_links(&parsed.documents, &archive.unreadable));
    let (entity_links, entity_warnings) =
        link::entities::index(&archive.entities, &parsed.documents);
    diagnostics.extend(entity_warnings);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure::new(diagnostics));
    }
    diagnostics::sort(&mut diagnostics);
    let lock_changed = parsed.lock != previous;
    Ok(Checked {
        archive,
        documents: parsed.documents,
        entity_links,
        lock: parsed.lock,
        lock_changed,
        warnings: diagnostics,
    })
}

fn read_lock(root: &Path) -> Result<Lock, Failure> {
    let path = root.join(LOCK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Lock::parse(&text).map_err(|e| {
            Failure::from(
                Diagnostic::error(LOCK_FILE, format!("the lock file is damaged: {e}"))
                    .help("restore it from version control; deleting it would change published paragraph ids"),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
        Err(e) => Err(Failure::io(&path, "read", e)),
    }
}

/// Checks the archive at `root` without writing anything; returns the warnings.
pub fn check(root: &Path) -> Result<CheckReport, Failure> {
    let checked = check_archive(root)?;
    let retired = checked
        .documents
        .iter()
        .flat_map(|doc| {
            doc.retired.iter().map(|(id, to)| RetiredId {
                document: doc.source.slug.clone(),
                id: id.clone(),
                to: to.clone(),
            })
        })
        .collect();
    Ok(CheckReport {
        warnings: checked.warnings,
        retired,
    })
}

/// What `check` found in an archive without errors.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub warnings: Vec<Diagnostic>,
    /// Paragraph ids that no longer exist; their URLs redirect to `to`.
    pub retired: Vec<RetiredId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredId {
    pub document: String,
    pub id: String,
    /// The nearest surviving block, or empty when the document has none left.
    pub to: String,
}

/// Builds the archive into its output folder.
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Failure> {
    let root = &options.root;
    let checked = check_archive(root)?;
    let config = &checked.archive.config;
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| root.join(&config.output_dir));
    write::check_output(root, &out, options.force)?;
    if options.locked && checked.lock_changed {
        return Err(Diagnostic::error(LOCK_FILE, "the lock file would change, and --locked forbids it")
            .help("run `lectern build` without --locked to record the new block ids, then commit lectern.lock")
            .into());
    }

    let renderer = render::Renderer::new(root)?;
    let pages = renderer.render(&render::Site {
        config,
        documents: &checked.documents,
        entities: &checked.archive.entities,
        entity_links: &checked.entity_links,
        sources: &checked.archive.sources,
        timeline: &link::timeline::entries(&checked.documents),
    })?;
    let assets = vec![
        write::Asset {
            path: "syntax.css".into(),
            bytes: parse::highlight::stylesheet().into_bytes(),
        },
        // GitHub Pages would otherwise run Jekyll and hide files starting with `_`.
        write::Asset {
            path: ".nojekyll".into(),
            bytes: Vec::new(),
        },
    ];
    write::write(root, &out, &pages, &assets)?;
    if checked.lock_changed {
        let path = root.join(LOCK_FILE);
        std::fs::write(&path, checked.lock.to_toml())
            .map_err(|e| Failure::io(&path, "write", e))?;
    }
    Ok(BuildSummary {
        out,
        documents: checked.documents.len(),
        pages: pages.len(),
        warnings: checked.warnings,
    })
}
