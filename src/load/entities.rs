//! The entity registry: `content/entities/<id>.md`, one person, organisation,
//! place, event, work — or whatever kinds `site.toml` declares — per file.

use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;

use super::{SourceFile, front_matter, markdown_files, read_text, slug_of};
use crate::config::Kind;
use crate::date::FuzzyDate;
use crate::diagnostics::Diagnostic;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityMeta {
    /// The usual English name, shown on its page and in previews.
    pub name: String,
    /// One of the kinds `site.toml` declares (by default person | organization |
    /// place | event | work); others are refused, so a typo does not make a new kind.
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

/// Reads every entity file under `dir`, each of one of `kinds`; a missing folder is
/// an empty registry.
pub fn load(root: &Path, dir: &Path, kinds: &[Kind]) -> (Vec<EntitySource>, Vec<Diagnostic>) {
    if !dir.is_dir() {
        return (Vec::new(), Vec::new());
    }
    let paths = match markdown_files(root, dir) {
        Ok(paths) => paths,
        Err(failure) => return (Vec::new(), failure.0),
    };
    let results: Vec<Result<EntitySource, Diagnostic>> =
        paths.par_iter().map(|p| load_one(root, p, kinds)).collect();
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

fn load_one(root: &Path, path: &Path, kinds: &[Kind]) -> Result<EntitySource, Diagnostic> {
    let text = read_text(root, path)?;
    let id = slug_of(path, "an entity id")?;
    let split = front_matter::split(path, &text)?;
    let meta: EntityMeta = front_matter::parse(path, &text, &split)?;
    if !kinds.iter().any(|k| k.id == meta.kind) {
        return Err(unknown_kind(path, &text, &split, &meta.kind, kinds));
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

/// An entity of a kind `site.toml` does not declare: pointed at in the entity's
/// file, with the setting that would declare it.
fn unknown_kind(
    path: &Path,
    text: &std::sync::Arc<str>,
    split: &front_matter::Split,
    kind: &str,
    kinds: &[Kind],
) -> Diagnostic {
    let front = &text[split.front.clone()];
    let at = front
        .lines()
        .scan(split.front.start, |offset, line| {
            let start = *offset;
            *offset += line.len() + 1;
            Some((start, line))
        })
        .find(|(_, line)| line.trim_start().starts_with("kind"))
        .and_then(|(start, line)| {
            let quoted = format!("\"{kind}\"");
            line.find(&quoted)
                .map(|i| start + i..start + i + quoted.len())
        })
        .unwrap_or(split.front.start..split.front.start);
    let ids: Vec<&str> = kinds.iter().map(|k| k.id.as_str()).collect();
    let declare = format!(
        "the kinds are set in site.toml's `[[kinds]]` ({}); to add this one, declare it there: `[[kinds]]` with `id = \"{kind}\"` and a `label`",
        ids.join(", ")
    );
    let help = match crate::diagnostics::suggest(kind, ids.iter().copied()) {
        Some(k) => format!("did you mean `{k}`? {declare}"),
        None => declare,
    };
    Diagnostic::error(path, format!("unknown entity kind `{kind}`"))
        .at(text, at)
        .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds() -> Vec<Kind> {
        crate::config::SiteConfig::parse(
            Path::new("site.toml"),
            "title = \"T\"\nbase_url = \"https://x.org/\"\n",
        )
        .unwrap()
        .kinds
    }

    fn load_text(text: &str, kinds: &[Kind]) -> Result<EntitySource, Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        let path = Path::new("content/entities/x.md");
        std::fs::create_dir_all(dir.path().join("content/entities")).unwrap();
        std::fs::write(dir.path().join(path), text).unwrap();
        load_one(dir.path(), path, kinds)
    }

    #[test]
    fn an_unknown_kind_is_pointed_at_with_the_setting_that_declares_kinds() {
        let e = load_text(
            "+++\nname = \"Gen. X\"\nkind = \"institution\"\n+++\nText.\n",
            &kinds(),
        )
        .unwrap_err();
        assert_eq!(e.message, "unknown entity kind `institution`");
        assert_eq!(e.path, Path::new("content/entities/x.md"));
        assert_eq!(e.line_col(), Some((3, 8)));
        let help = e.help.unwrap();
        assert!(
            help.contains("site.toml") && help.contains("[[kinds]]"),
            "{help}"
        );
        assert!(
            help.contains("person, organization, place, event, work"),
            "{help}"
        );
        let e = load_text("+++\nname = \"X\"\nkind = \"persn\"\n+++\n", &kinds()).unwrap_err();
        assert!(e.help.unwrap().starts_with("did you mean `person`?"));
    }

    #[test]
    fn a_declared_kind_is_accepted() {
        let ship = vec![Kind {
            id: "ship".into(),
            label: "Ships".into(),
        }];
        let text = "+++\nname = \"Endurance\"\nkind = \"ship\"\n+++\n";
        assert_eq!(load_text(text, &ship).unwrap().meta.kind, "ship");
        assert!(load_text(text, &kinds()).is_err());
    }
}
