//! The entity index: for every entity, each place the archive mentions it, and the
//! entities it shares paragraphs with.
//!
//! The index lists the documents' own mentions (their text and printed front
//! matter). The editor's words — notes in the documents, entity annotations,
//! source notes — are counted too, so that an entity only they name is not
//! reported as unmentioned, but are not listed as what the documents say.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::Diagnostic;
use crate::load::EntitySource;
use crate::parse::{Document, Snippet, Text};

/// One mention, located for a link: `<slug>/#<anchor>`.
#[derive(Debug, Clone)]
pub struct MentionRef {
    pub document: usize,
    pub anchor: String,
    pub number: Option<usize>,
    pub snippet: Snippet,
}

#[derive(Debug, Clone, Default)]
pub struct EntityLinks {
    /// In document order, then reading order.
    pub mentions: Vec<MentionRef>,
    /// Other entities sharing a block with this one, most shared first: `(entity, blocks)`.
    pub related: Vec<(usize, usize)>,
    /// Mentions in the editor's words: notes in documents, other entities'
    /// annotations, source notes. Counted, not listed.
    pub editorial: usize,
}

/// Builds the index from the documents, the entities' `annotations` and the
/// sources' `notes`; warns about entities nothing mentions.
pub fn index(
    entities: &[EntitySource],
    documents: &[Document],
    annotations: &[Text],
    notes: &[Option<Text>],
) -> (Vec<EntityLinks>, Vec<Diagnostic>) {
    let mut links = vec![EntityLinks::default(); entities.len()];
    // An entity's own annotation names it as a matter of course: that is no mention.
    let editors = annotations
        .iter()
        .enumerate()
        .flat_map(|(e, text)| text.mentions.iter().filter(move |m| m.entity != e))
        .chain(notes.iter().flatten().flat_map(|text| &text.mentions))
        .chain(
            documents
                .iter()
                .flat_map(|doc| doc.text.mentions.iter().filter(|m| m.editorial)),
        );
    for m in editors {
        links[m.entity].editorial += 1;
    }
    // Entities by the block they share: (document, anchor) → entities.
    let mut blocks: BTreeMap<(usize, &str), BTreeSet<usize>> = BTreeMap::new();
    for (d, doc) in documents.iter().enumerate() {
        for m in doc.text.mentions.iter().filter(|m| !m.editorial) {
            links[m.entity].mentions.push(MentionRef {
                document: d,
                anchor: m.anchor.clone(),
                number: m.number,
                snippet: m.snippet.clone(),
            });
            blocks
                .entry((d, m.anchor.as_str()))
                .or_default()
                .insert(m.entity);
        }
    }
    let mut shared: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for together in blocks.values() {
        for &a in together {
            for &b in together {
                if a != b {
                    *shared.entry((a, b)).or_default() += 1;
                }
            }
        }
    }
    for ((a, b), count) in shared {
        links[a].related.push((b, count));
    }
    for entity in &mut links {
        entity
            .related
            .sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    }
    let diagnostics = entities
        .iter()
        .zip(&links)
        .filter(|(_, l)| l.mentions.is_empty() && l.editorial == 0)
        .map(|(e, _)| {
            Diagnostic::warning(&e.file.path, format!("nothing mentions `{}`", e.id))
                .help(format!("no document, note or annotation names `{}` or one of its aliases: add the spelling a document uses to its aliases, link it as `[text](@{})`, or delete the file", e.meta.name, e.id))
        })
        .collect();
    (links, diagnostics)
}

/// Takes the snippets of document `d`'s mentions again from `doc`, which has
/// the same mentions in the same places as when `links` was built.
pub fn reword(links: &mut [EntityLinks], d: usize, doc: &Document) {
    // Each entity's mentions in `d` are in reading order, as in `doc`.
    let mut next: HashMap<usize, usize> = HashMap::new();
    for m in doc.text.mentions.iter().filter(|m| !m.editorial) {
        let mentions = &mut links[m.entity].mentions;
        let from = next
            .entry(m.entity)
            .or_insert_with(|| mentions.partition_point(|r| r.document < d));
        if let Some(r) = mentions.get_mut(*from) {
            r.snippet = m.snippet.clone();
        }
        *from += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_cuts_at_word_breaks() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty Haqqani twenty-one twenty-two twenty-three twenty-four twenty-five twenty-six twenty-seven twenty-eight";
        let at = text.find("Haqqani").unwrap();
        let s = Snippet::new(text, at, "Haqqani".len());
        assert_eq!(s.text, "Haqqani");
        assert!(
            s.before.starts_with('…') && s.before.ends_with("twenty "),
            "{:?}",
            s.before
        );
        assert!(
            s.after.ends_with('…') && s.after.starts_with(" twenty-one"),
            "{:?}",
            s.after
        );
        assert!(!s.before[3..].starts_with(' '));
    }
}
