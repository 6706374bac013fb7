//! The entity index: for every entity, each place the archive mentions it, and the
//! entities it shares paragraphs with.
//!
//! The index lists the documents' own mentions (their text and printed front
//! matter). The editor's words — notes in the documents, entity annotations,
//! source notes — are counted too, so that an entity only they name is not
//! reported as unmentioned, but are not listed as what the documents say.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::Diagnostic;
use crate::load::EntitySource;
use crate::parse::{Document, Mention, Text};

/// One mention: `documents[document].text.mentions[mention]`. An index, not a
/// copy of its anchor and words: an entity's page reads them from the document,
/// and an edit that keeps a document's mentions in place keeps its indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MentionRef {
    pub document: usize,
    pub mention: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
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
        for (i, m) in authors_mentions(doc) {
            links[m.entity].mentions.push(MentionRef {
                document: d,
                mention: i,
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
    let diagnostics = unmentioned(entities, &links);
    (links, diagnostics)
}

/// A warning for each entity nothing mentions.
pub fn unmentioned(entities: &[EntitySource], links: &[EntityLinks]) -> Vec<Diagnostic> {
    entities
        .iter()
        .zip(links)
        .filter(|(_, l)| l.mentions.is_empty() && l.editorial == 0)
        .map(|(e, _)| {
            Diagnostic::warning(&e.file.path, format!("nothing mentions `{}`", e.id))
                .help(format!("no document, note or annotation names `{}` or one of its aliases: add the spelling a document uses to its aliases, link it as `[text](@{})`, or delete the file", e.meta.name, e.id))
        })
        .collect()
}

/// The entities sharing each block (or note) of `doc`, by its anchor.
fn together(doc: &Document) -> BTreeMap<&str, BTreeSet<usize>> {
    let mut blocks: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for m in doc.text.mentions.iter().filter(|m| !m.editorial) {
        blocks
            .entry(m.anchor.as_str())
            .or_default()
            .insert(m.entity);
    }
    blocks
}

/// Puts document `d`'s mentions as `doc` has them in place of those of
/// `before`, its old version: the lists of mentions, the counts of the
/// editor's mentions and the entities sharing blocks. Returns the entities
/// either version mentions.
pub fn update(
    links: &mut [EntityLinks],
    d: usize,
    before: &Document,
    doc: &Document,
) -> BTreeSet<usize> {
    let mentioned: BTreeSet<usize> = before
        .text
        .mentions
        .iter()
        .chain(&doc.text.mentions)
        .map(|m| m.entity)
        .collect();
    for m in before.text.mentions.iter().filter(|m| m.editorial) {
        links[m.entity].editorial -= 1;
    }
    for m in doc.text.mentions.iter().filter(|m| m.editorial) {
        links[m.entity].editorial += 1;
    }
    let mut new: BTreeMap<usize, Vec<MentionRef>> = BTreeMap::new();
    for (i, m) in authors_mentions(doc) {
        new.entry(m.entity).or_default().push(MentionRef {
            document: d,
            mention: i,
        });
    }
    for &e in &mentioned {
        let new = new.remove(&e).unwrap_or_default();
        crate::sorted::replace_run(&mut links[e].mentions, |r| r.document, d, new);
    }
    // How many more blocks each pair of entities shares.
    let mut shared: BTreeMap<(usize, usize), isize> = BTreeMap::new();
    for (blocks, sign) in [(together(before), -1), (together(doc), 1)] {
        for together in blocks.values() {
            for &a in together {
                for &b in together {
                    if a != b {
                        *shared.entry((a, b)).or_default() += sign;
                    }
                }
            }
        }
    }
    shared.retain(|_, n| *n != 0);
    let mut by_entity: BTreeMap<usize, Vec<(usize, isize)>> = BTreeMap::new();
    for ((a, b), n) in shared {
        by_entity.entry(a).or_default().push((b, n));
    }
    for (a, deltas) in by_entity {
        let mut counts: BTreeMap<usize, usize> = links[a].related.iter().copied().collect();
        for (b, n) in deltas {
            let count = counts.entry(b).or_default();
            *count = count.wrapping_add_signed(n);
        }
        let related = &mut links[a].related;
        related.clear();
        related.extend(counts.into_iter().filter(|&(_, n)| n > 0));
        related.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    }
    mentioned
}

/// The mentions in the document's own words (not the editor's notes), with
/// their indexes in `doc.text.mentions`.
fn authors_mentions(doc: &Document) -> impl Iterator<Item = (usize, &Mention)> {
    doc.text
        .mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.editorial)
}

#[cfg(test)]
mod tests {
    use crate::parse::Snippet;

    #[test]
    fn snippet_cuts_at_word_breaks() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty Haqqani twenty-one twenty-two twenty-three twenty-four twenty-five twenty-six twenty-seven twenty-eight";
        let at = text.find("Haqqani").unwrap();
        let s = Snippet::new(text, at, "Haqqani".len());
        assert_eq!(s.text(), "Haqqani");
        assert!(
            s.before().starts_with('…') && s.before().ends_with("twenty "),
            "{:?}",
            s.before()
        );
        assert!(
            s.after().ends_with('…') && s.after().starts_with(" twenty-one"),
            "{:?}",
            s.after()
        );
        assert!(!s.before()[3..].starts_with(' '));
    }
}
