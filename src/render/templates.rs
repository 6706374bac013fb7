//! The Tera instance: built-in templates embedded in the binary, overridden by the
//! archive's own `templates/`.
//!
//! Tera 2 rather than 1: it reports template errors with file, line and a snippet,
//! and renders faster. Its minor versions have broken templates, so it is pinned to
//! `~2.4`. Built-ins live under the `lectern/` prefix, which Tera falls back to when
//! a name (including one in `extends` or `include`) is not found, so an archive can
//! override any single template and inherit the rest.

use std::path::{Path, PathBuf};

use tera::Tera;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Failure};

const PREFIX: &str = "lectern/";

/// The built-in templates, from this repository's `templates/`.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    (
        "document.html",
        include_str!("../../templates/document.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "entities.html",
        include_str!("../../templates/entities.html"),
    ),
    ("entity.html", include_str!("../../templates/entity.html")),
    ("sources.html", include_str!("../../templates/sources.html")),
    ("source.html", include_str!("../../templates/source.html")),
    (
        "annotations.html",
        include_str!("../../templates/annotations.html"),
    ),
    (
        "timeline.html",
        include_str!("../../templates/timeline.html"),
    ),
    ("search.html", include_str!("../../templates/search.html")),
    (
        "partials/entries.html",
        include_str!("../../templates/partials/entries.html"),
    ),
    (
        "partials/nav.html",
        include_str!("../../templates/partials/nav.html"),
    ),
    (
        "partials/doc_meta.html",
        include_str!("../../templates/partials/doc_meta.html"),
    ),
    (
        "partials/lead_figure.html",
        include_str!("../../templates/partials/lead_figure.html"),
    ),
    (
        "partials/pagination.html",
        include_str!("../../templates/partials/pagination.html"),
    ),
];

/// The archive's templates over the built-in ones, and the names of the
/// archive's own list templates (`home.html`, `annotations.html`) that never
/// mention `pagination`: written before lists had pages, they get each list
/// whole on one page rather than hide all but its first page.
pub fn load(root: &Path) -> Result<(Tera, Vec<&'static str>), Failure> {
    let mut tera = Tera::new();
    tera.set_fallback_prefixes([PREFIX])
        .map_err(|e| template_error(Path::new("templates"), &e))?;
    tera.add_raw_templates(
        BUILT_IN
            .iter()
            .map(|(name, text)| (format!("{PREFIX}{name}"), *text)),
    )
    .map_err(|e| template_error(Path::new("templates (built-in)"), &e))?;

    let dir = root.join("templates");
    if !dir.is_dir() {
        return Ok((tera, Vec::new()));
    }
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Failure::from(Diagnostic::error(
                &dir,
                format!("could not read templates: {e}"),
            ))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let name = name.to_string_lossy().replace('\\', "/");
        files.push((entry.path().to_path_buf(), name));
    }
    let mut diagnostics = Vec::new();
    let mut sources = Vec::new();
    for (path, name) in files {
        match crate::load::read_text(root, path.strip_prefix(root).unwrap_or(&path)) {
            Ok(text) => sources.push((name, text)),
            Err(d) => diagnostics.push(d),
        }
    }
    if !diagnostics.is_empty() {
        return Err(Failure::new(diagnostics));
    }
    tera.add_raw_templates(
        sources
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_ref())),
    )
    .map_err(|e| template_error(Path::new("templates"), &e))?;
    let unpaged = ["home.html", "annotations.html"]
        .into_iter()
        .filter(|list| {
            sources
                .iter()
                .any(|(name, text)| name == list && !text.contains("pagination"))
        })
        .collect();
    Ok((tera, unpaged))
}

/// Tera's own report already names the template, line and column, with a snippet.
pub fn template_error(path: &Path, error: &tera::Error) -> Failure {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    let message = message.replace(PREFIX, "");
    Diagnostic::error(path, format!("template error: {message}"))
        .help("fix the template named above (built-in templates can be overridden in templates/)")
        .into()
}
