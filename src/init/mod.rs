//! `lectern init DIR`: a new archive that builds, checks clean and serves at once,
//! with one of everything to copy from: a document with a mention, a citation, a
//! footnote, an editor's note and cross-references; an entity; a source; a
//! commented `site.toml`; and the GitHub Pages workflow.

use std::fs;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Failure};

/// The files of a new archive, by path.
const FILES: &[(&str, &str)] = &[
    ("site.toml", include_str!("site.toml")),
    (
        "content/documents/welcome.md",
        include_str!("content/documents/welcome.md"),
    ),
    (
        "content/entities/ada-lovelace.md",
        include_str!("content/entities/ada-lovelace.md"),
    ),
    ("content/sources.bib", include_str!("content/sources.bib")),
    (".github/workflows/pages.yml", include_str!("pages.yml")),
    (".gitignore", include_str!("gitignore")),
];

/// Creates the archive in `dir`, which must be empty or not exist yet, and
/// records its paragraph ids in a lock file, ready to commit.
pub fn init(dir: &Path) -> Result<(), Failure> {
    let occupied = fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(
            Diagnostic::error(dir, format!("{} is not empty", dir.display()))
                .help("choose a new folder: `lectern init my-archive`")
                .into(),
        );
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Failure::io(parent, "create", e))?;
        }
        fs::write(&target, text).map_err(|e| Failure::io(&target, "write", e))?;
    }
    let checked = crate::check::archive(dir, crate::check::Keep::All)?;
    let lock = dir.join(crate::LOCK_FILE);
    crate::write::replace_file(&lock, checked.parsed.lock.to_text().as_bytes())
}
