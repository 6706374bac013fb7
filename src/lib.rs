//! lectern: a static site generator for annotated reading archives.
//!
//! The pipeline runs in stages that each own one concern and hand the next plain
//! data; follow one document through them:
//!
//! 1. [`load`]: `site.toml`, the lock file, and every content file with its front
//!    matter, as text (`load::Archive`);
//! 2. `parse`: each document's and entity annotation's Markdown into a body with
//!    marks where lectern's markup goes, citable blocks with stable ids, and the
//!    mentions, citations, notes and cross-references found (`parse::Parsed`);
//! 3. `link`: cross-references resolved, the entity, source and timeline indexes
//!    built, once (`link::Linked`);
//! 4. [`check`]: the error policy over everything so far; nothing is rendered
//!    while any error stands;
//! 5. `render`: every page as HTML through Tera, the only stage that writes URLs;
//! 6. `write`: the lock file and the output folder, each replaced atomically.
//!
//! `lectern check` runs 1–5 and checks the rendered pages' links; `serve` builds
//! and serves the result.

pub mod check;
pub mod config;
pub mod date;
pub mod diagnostics;
mod html;
pub mod ids;
pub mod init;
mod link;
pub mod load;
mod parse;
mod render;
pub mod serve;
mod sorted;
mod timings;
mod url;
mod write;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use check::Checked;
pub use check::RetiredId;
use diagnostics::{Diagnostic, Failure};
pub use load::LOCK_FILE;
pub use write::MARKER as OUTPUT_MARKER;

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

/// What `check` found in an archive without errors.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub warnings: Vec<Diagnostic>,
    /// Paragraph ids that no longer exist; their URLs redirect to `to`.
    pub retired: Vec<RetiredId>,
}

/// Checks the archive at `root` and the site it would build, without writing
/// anything; returns the warnings and the retired ids.
pub fn check(root: &Path) -> Result<CheckReport, Failure> {
    let checked = check::archive(root, check::Keep::Check)?;
    let site = site(&checked)?;
    let output = check::site::Output::new(
        site.pages
            .iter()
            .map(|p| (slashed(&p.path), p.html.clone())),
        site.assets.iter().map(|a| slashed(&a.path)),
    );
    let problems = output.problems(checked.archive.config.base_path());
    let from: std::collections::BTreeMap<String, PathBuf> = site
        .pages
        .iter()
        .filter_map(|p| Some((slashed(&p.path), p.from.clone()?)))
        .collect();
    if let Some(failure) = check::site_failure(&from, problems) {
        return Err(failure);
    }
    Ok(CheckReport {
        retired: check::retired(&checked.parsed.documents),
        warnings: checked.warnings,
    })
}

/// Checks a site already built into `dir`; `base_path` is the path of its
/// `base_url`, for links starting with `/`.
pub fn check_site(dir: &Path, base_path: &str) -> Result<(), Failure> {
    let problems = check::site::Output::read(dir)?.problems(base_path);
    let pages = problems
        .iter()
        .filter_map(|p| p.split_once(": "))
        .map(|(page, _)| (page.to_string(), dir.join(page)))
        .collect();
    check::site_failure(&pages, problems).map_or(Ok(()), Err)
}

/// Builds the archive into its output folder.
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Failure> {
    let root = &options.root;
    let mut checked = check::archive(root, check::Keep::Render)?;
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
    let lock = checked
        .lock_text
        .take()
        .map(|text| (root.join(LOCK_FILE), text));
    let renderer = render::Renderer::new(root)?;
    // Each page is written as soon as it is made: the site is never whole in memory.
    let staging = write::Staging::new(&out)?;
    let made = make_site(&checked, &renderer, &|page| {
        staging.put(&page.path, page.html.as_bytes())
    })
    .and_then(|made| {
        timings::time("write files", || {
            made.assets
                .par_iter()
                .try_for_each(|a| staging.put(&a.path, &a.bytes))
        })?;
        Ok(made)
    });
    let made = match made {
        Ok(made) => made,
        Err(failure) => {
            staging.abandon();
            return Err(failure);
        }
    };
    timings::time("swap", || staging.finish(lock))?;
    let summary = BuildSummary {
        out,
        documents: checked.parsed.documents.len(),
        pages: made.pages,
        warnings: std::mem::take(&mut checked.warnings),
    };
    // Freeing what the stages built takes a third of a second at 10,000
    // documents, and nothing waits for it: a thread of its own frees it, and a
    // process that exits first skips it.
    let _ = std::thread::Builder::new().spawn(move || drop(checked));
    Ok(summary)
}

/// The site's pages and generated files, in memory.
pub(crate) struct Site {
    pub pages: Vec<render::Rendered>,
    pub assets: Vec<write::Asset>,
    /// Which of the assets render made from the archive (the previews and the
    /// search index), rather than copied.
    pub data: BTreeSet<String>,
}

fn site(checked: &Checked) -> Result<Site, Failure> {
    site_with(checked, &render::Renderer::new(&checked.archive.root)?)
}

pub(crate) fn site_with(checked: &Checked, renderer: &render::Renderer) -> Result<Site, Failure> {
    let pages = Mutex::new(Vec::new());
    let made = make_site(checked, renderer, &|page| {
        pages.lock().unwrap_or_else(|e| e.into_inner()).push(page);
        Ok(())
    })?;
    Ok(Site {
        pages: pages.into_inner().unwrap_or_else(|e| e.into_inner()),
        assets: made.assets,
        data: made.data,
    })
}

/// What [`make_site`] made besides the pages it handed on.
struct Made {
    /// How many pages.
    pages: usize,
    /// The files that are not pages: copied, then generated.
    assets: Vec<write::Asset>,
    /// Which of the assets render made from the archive (the previews and the
    /// search index).
    data: BTreeSet<String>,
}

/// Makes the site: every page goes to `sink` as soon as render makes it, and
/// the other files come back. A file of the archive's own `static/` (a
/// `robots.txt`, say) wins over a generated one; pages always come from the
/// templates.
fn make_site(
    checked: &Checked,
    renderer: &render::Renderer,
    sink: &render::Sink,
) -> Result<Made, Failure> {
    let input = render::Site {
        archive: &checked.archive,
        parsed: &checked.parsed,
        linked: &checked.linked,
    };
    let mut assets = write::assets(&checked.archive.root)?;
    let copied: BTreeSet<PathBuf> = assets.iter().map(|a| a.path.clone()).collect();
    let pages = AtomicUsize::new(0);
    // The data files are made on one thread while the pages take the others.
    let (rendered, data) = rayon::join(
        || {
            timings::time("render pages", || {
                renderer.render_into(&input, &render::Selection::ALL, &|page| {
                    let html = page.path.extension().is_some_and(|e| e == "html");
                    if !html && copied.contains(&page.path) {
                        return Ok(());
                    }
                    pages.fetch_add(1, Ordering::Relaxed);
                    sink(page)
                })
            })
        },
        || {
            timings::time("render data", || {
                render::data(&input, &render::Selection::ALL)
            })
        },
    );
    rendered?;
    let data: Vec<write::Asset> = data
        .into_iter()
        .map(|(path, bytes)| write::Asset { path, bytes })
        .collect();
    let data_paths = data.iter().map(|a| slashed(&a.path)).collect();
    assets.extend(data);
    assets.extend([
        write::Asset {
            path: "syntax.css".into(),
            bytes: render::syntax_css().into_bytes(),
        },
        // GitHub Pages would otherwise run Jekyll and hide files starting with `_`.
        write::Asset {
            path: ".nojekyll".into(),
            bytes: Vec::new(),
        },
    ]);
    Ok(Made {
        pages: pages.into_inner(),
        assets,
        data: data_paths,
    })
}

pub(crate) fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
