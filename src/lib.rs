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
mod url;
mod write;

use std::path::{Path, PathBuf};

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
    let checked = check::archive(root)?;
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
    let checked = check::archive(root)?;
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
    let site = site(&checked)?;
    let lock = checked
        .lock_changed
        .then(|| (root.join(LOCK_FILE), checked.parsed.lock.to_text()));
    write::write(&out, &site.pages, &site.assets, lock)?;
    Ok(BuildSummary {
        out,
        documents: checked.parsed.documents.len(),
        pages: site.pages.len(),
        warnings: checked.warnings,
    })
}

/// The site's pages and generated files, in memory.
pub(crate) struct Site {
    pub pages: Vec<render::Rendered>,
    pub assets: Vec<write::Asset>,
}

fn site(checked: &Checked) -> Result<Site, Failure> {
    site_with(checked, &render::Renderer::new(&checked.archive.root)?)
}

pub(crate) fn site_with(checked: &Checked, renderer: &render::Renderer) -> Result<Site, Failure> {
    let input = render::Site {
        archive: &checked.archive,
        parsed: &checked.parsed,
        linked: &checked.linked,
    };
    let mut pages = renderer.render(&input)?;
    let data = render::data(&input)
        .into_iter()
        .map(|(path, bytes)| write::Asset { path, bytes });
    let assets = write::assets(
        &checked.archive.root,
        data.chain([
            write::Asset {
                path: "syntax.css".into(),
                bytes: render::syntax_css().into_bytes(),
            },
            // GitHub Pages would otherwise run Jekyll and hide files starting with `_`.
            write::Asset {
                path: ".nojekyll".into(),
                bytes: Vec::new(),
            },
        ])
        .collect(),
    )?;
    // A file of the archive's own `static/` (a `robots.txt`, say) wins over a
    // generated one; pages always come from the templates.
    pages.retain(|page| {
        page.path.extension().is_some_and(|e| e == "html")
            || !assets.iter().any(|asset| asset.path == page.path)
    });
    Ok(Site { pages, assets })
}

pub(crate) fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
