//! Ids the author writes, `{#id}`: well-formed, not lectern's own, unique.

use super::markdown::RawBlock;
use crate::diagnostics::Diagnostic;
use crate::load::SourceFile;

/// Ids lectern gives elements of its own on a document page.
const RESERVED_IDS: &[&str] = &[
    "main",
    "notes-heading",
    "doc-subtitle",
    "doc-caption",
    "doc-credit",
    "doc-byline",
];
const RESERVED_PREFIXES: &[&str] = &["fn-", "fnref-", "ed-"];

pub fn check(file: &SourceFile, blocks: &[RawBlock]) -> Vec<Diagnostic> {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    let mut diagnostics = Vec::new();
    for block in blocks {
        let Some(id) = block.explicit.as_deref() else {
            continue;
        };
        let well_formed = id.starts_with(|c: char| c.is_ascii_alphabetic())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !well_formed {
            diagnostics.push(
                Diagnostic::error(&file.path, format!("`{id}` cannot be an id"))
                    .at(&file.text, block.offset..block.offset + 1)
                    .help("ids start with a letter and use only ASCII letters, digits, `-` and `_`, e.g. `{#april-1999}`"),
            );
            continue;
        }
        if RESERVED_IDS.contains(&id) || RESERVED_PREFIXES.iter().any(|p| id.starts_with(p)) {
            diagnostics.push(
                Diagnostic::error(&file.path, format!("the id `{id}` is reserved"))
                    .at(&file.text, block.offset..block.offset + 1)
                    .help(format!("lectern uses {} and ids starting `fn-`, `fnref-` or `ed-` for its own elements; choose another id", RESERVED_IDS.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", "))),
            );
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
            let line = file.text[..*first].matches('\n').count() + 1;
            diagnostics.push(
                Diagnostic::error(&file.path, format!("duplicate id `{id}`"))
                    .at(&file.text, block.offset..block.offset + 1)
                    .help(format!(
                        "line {line} already uses `{{#{id}}}`; ids must be unique in a document"
                    )),
            );
        } else {
            seen.push((id, block.offset));
        }
    }
    diagnostics
}
