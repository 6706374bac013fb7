//! The entity registry: `content/entities/<id>.md`, one person, organisation,
//! place, event or work per file.

use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;

use super::{SourceFile, front_matter, markdown_files, read_text, slug_of};
use crate::date::FuzzyDate;
use crate::diagnostics::Diagnostic;

/// Kinds an entity may have; others are refused so a typo does not create a new kind.
pub const KINDS: &[&str] = &["person", "organization", "place", "event", "work"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityMeta {
    /// The usual English name, shown on its page and in previews.
    pub name: String,
    /// person | organization | place | event | work
    pub kind: String,
    /// Every other spelling the documents use; each links here automatically.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Spellings that may also mean another entity: never linked automatically,
    /// listed by `lectern check` until marked up as `[text](@id)`.
    #[serde(default)]
    pub ambiguous: Vec<String>,
    /// Wikidata item id (`Q…`), only where one clearly exists.
    pub wikidata: Option<String>,
    /// Lifetime, founding to dissolution, or when an event happened.
    pub dates: Option<FuzzyDate>,
}

#[derive(Debug, Clone)]
pub struct EntitySource {
    pub id: String,
    pub file: SourceFile,
    pub meta: EntityMeta,
    pub body_start: usize,
}

impl EntitySource {
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }
}

/// Reads every entity file under `dir`; a missing folder is an empty registry.
pub fn load(root: &Path, dir: &Path) -> (Vec<EntitySource>, Vec<Diagnostic>) {
    if !dir.is_dir() {
        return (Vec::new(), Vec::new());
    }
    let paths = match markdown_files(root, dir) {
        Ok(paths) => paths,
        Err(failure) => return (Vec::new(), failure.0),
    };
    let results: Vec<Result<EntitySource, Diagnostic>> =
        paths.par_iter().map(|p| load_one(root, p)).collect();
    let mut entities = Vec::new();
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(e) => entities.push(e),
            Err(d) => diagnostics.push(d),
        }
    }
    entities.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.file.path.cmp(&b.file.path)));
    for pair in entities.windows(2) {
        if pair[0].id == pair[1].id {
            diagnostics.push(
                Diagnostic::error(
                    &pair[1].file.path,
                    format!("duplicate entity id `{}`", pair[1].id),
                )
                .help(format!(
                    "{} has the same file name; merge or rename one",
                    pair[0].file.path.display()
                )),
            );
        }
    }
    // Reported once above; the first file stands in for the id from here on.
    entities.dedup_by(|later, first| later.id == first.id);
    (entities, diagnostics)
}

fn load_one(root: &Path, path: &Path) -> Result<EntitySource, Diagnostic> {
    let text = read_text(root, path)?;
    let id = slug_of(path, "an entity id")?;
    let split = front_matter::split(path, &text)?;
    let meta: EntityMeta = front_matter::parse(path, &text, &split)?;
    if !KINDS.contains(&meta.kind.as_str()) {
        let at = text.find(&format!("\"{}\"", meta.kind)).unwrap_or(0);
        let mut d = Diagnostic::error(path, format!("unknown entity kind `{}`", meta.kind))
            .at(&text, at..at + meta.kind.len() + 2);
        d = match crate::diagnostics::suggest(&meta.kind, KINDS.iter().copied()) {
            Some(k) => d.help(format!("did you mean `{k}`?")),
            None => d.help(format!("kinds are {}", KINDS.join(", "))),
        };
        return Err(d);
    }
    Ok(EntitySource {
        id,
        file: SourceFile {
            path: path.to_path_buf(),
            text,
        },
        meta,
        body_start: split.body.start,
    })
}
