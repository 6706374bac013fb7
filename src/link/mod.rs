//! Stage 3, link: resolve what documents point at, across the whole archive.
//!
//! Runs once every document is parsed, because a link's target may be any of
//! them. Every link to another document's `.md` file, and every `#anchor`, must
//! land on an existing document and id.

pub mod entities;
pub mod timeline;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, suggest};
use crate::parse::Document;

/// Checks every cross-document link and anchor; returns the problems found.
/// Links into `unreadable` documents are skipped: their own error says what is wrong.
pub fn check_links(documents: &[Document], unreadable: &BTreeSet<String>) -> Vec<Diagnostic> {
    let anchors: BTreeMap<&str, BTreeSet<&str>> = documents
        .iter()
        .map(|doc| {
            let ids = doc
                .blocks
                .iter()
                .map(|b| b.id.as_str())
                .chain(doc.footnotes.iter().map(|f| f.id.as_str()))
                .chain(
                    doc.footnotes
                        .iter()
                        .flat_map(|f| f.references.iter().map(String::as_str)),
                );
            (doc.source.slug.as_str(), ids.collect())
        })
        .collect();
    let mut diagnostics = Vec::new();
    for doc in documents {
        let file = &doc.source.file;
        for link in &doc.links {
            let slug = link.slug.as_deref().unwrap_or(&doc.source.slug);
            if unreadable.contains(slug) {
                continue;
            }
            let span = link.offset..link.offset + 1;
            let Some(ids) = anchors.get(slug) else {
                let mut d =
                    Diagnostic::error(&file.path, format!("link to unknown document `{slug}.md`"))
                        .at(&file.text, span);
                d = match suggest(slug, anchors.keys().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}.md`?")),
                    None => d.help(
                        "link to a file in content/documents/ by its name, e.g. `other.md#anchor`",
                    ),
                };
                diagnostics.push(d);
                continue;
            };
            let Some(anchor) = link.anchor.as_deref() else {
                continue;
            };
            if anchor.is_empty() || ids.contains(anchor) {
                continue;
            }
            let mut d = Diagnostic::error(
                &file.path,
                format!("`#{anchor}` is not an id in `{slug}.md`"),
            )
            .at(&file.text, span);
            d = match suggest(anchor, ids.iter().copied()) {
                Some(s) => d.help(format!("did you mean `#{s}`?")),
                None => {
                    d.help("give the target block an explicit id with `{#id}` and link to that")
                }
            };
            diagnostics.push(d);
        }
    }
    diagnostics
}
