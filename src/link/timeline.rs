//! The archive-wide timeline: every dated heading of every document (a timeline
//! document's entries) and every date stated in running text, in date order, with
//! the entities each mentions.

use std::collections::{BTreeSet, HashMap};

use crate::date::FuzzyDate;
use crate::parse::{BlockKind, Document, Snippet};

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub date: FuzzyDate,
    pub document: usize,
    pub anchor: String,
    /// A dated heading's text; for a date in running text, the words it stands in.
    pub title: String,
    pub supplied: bool,
    /// For a date in running text: the words around it, and its paragraph number.
    pub snippet: Option<Snippet>,
    pub number: Option<usize>,
    /// Entities mentioned in the entry, by index, sorted.
    pub entities: Vec<usize>,
}

/// Entries sorted by date, then by document and reading order, so equal dates
/// keep a stable order.
pub fn entries(documents: &[Document]) -> Vec<Entry> {
    let mut entries: Vec<(usize, Entry)> = documents
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| of_document(d, doc))
        .collect();
    sort(&mut entries);
    entries.into_iter().map(|(_, e)| e).collect()
}

/// Puts the entries of the documents `edited` as `documents` has them now in
/// place of their old ones in `entries` (sorted as [`entries`] sorts them).
pub fn update(entries: &mut Vec<Entry>, documents: &[Document], edited: &BTreeSet<usize>) {
    let mut new: Vec<(usize, Entry)> = edited
        .iter()
        .flat_map(|&d| of_document(d, &documents[d]))
        .collect();
    sort(&mut new);
    // Entries of two documents never tie: date and document order them.
    let key = |e: &Entry| (e.date, e.document);
    let old = std::mem::take(entries);
    let mut new = new.into_iter().map(|(_, e)| e).peekable();
    entries.reserve(old.len() + new.len());
    for entry in old.into_iter().filter(|e| !edited.contains(&e.document)) {
        while let Some(next) = new.next_if(|n| key(n) < key(&entry)) {
            entries.push(next);
        }
        entries.push(entry);
    }
    entries.extend(new);
}

/// By date, then document, then the place in it (stable: a heading's entry
/// before the dates its block states).
fn sort(entries: &mut [(usize, Entry)]) {
    entries.sort_by(|(a_at, a), (b_at, b)| {
        (a.date, a.document, *a_at).cmp(&(b.date, b.document, *b_at))
    });
}

/// The entries of document `d`, each with the index of the block it stands in.
fn of_document(d: usize, doc: &Document) -> Vec<(usize, Entry)> {
    let mut entries = Vec::new();
    let blocks = &doc.text.blocks;
    let order: HashMap<&str, usize> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (b.id.as_str(), i))
        .collect();
    // The entities each block names, found once: a paragraph may state
    // thousands of dates, and each asks for its block's entities.
    let mut named: HashMap<&str, Vec<usize>> = HashMap::new();
    for m in doc.text.mentions.iter().filter(|m| !m.editorial) {
        named.entry(m.anchor.as_str()).or_default().push(m.entity);
    }
    for entities in named.values_mut() {
        entities.sort_unstable();
        entities.dedup();
    }
    let mentioned = |anchors: &[&str]| -> Vec<usize> {
        let mut entities: Vec<usize> = anchors
            .iter()
            .filter_map(|a| named.get(a))
            .flatten()
            .copied()
            .collect();
        if anchors.len() > 1 {
            entities.sort_unstable();
            entities.dedup();
        }
        entities
    };
    for (i, block) in blocks.iter().enumerate() {
        let (Some(date), Some(level)) = (block.date, block.level) else {
            continue;
        };
        // The entry runs to the next heading of the same or a higher level.
        let end = blocks[i + 1..]
            .iter()
            .position(|b| b.kind == BlockKind::Heading && b.level.is_some_and(|l| l <= level))
            .map_or(blocks.len(), |p| i + 1 + p);
        let anchors: Vec<&str> = blocks[i..end].iter().map(|b| b.id.as_str()).collect();
        entries.push((
            i,
            Entry {
                date,
                document: d,
                anchor: block.id.clone(),
                title: block.text.clone(),
                supplied: block.supplied,
                snippet: None,
                number: None,
                entities: mentioned(&anchors),
            },
        ));
    }
    for date in &doc.text.dates {
        // Footnotes come after every block.
        let at = order
            .get(date.anchor.as_str())
            .copied()
            .unwrap_or(blocks.len());
        entries.push((
            at,
            Entry {
                date: date.date,
                document: d,
                anchor: date.anchor.clone(),
                title: date.snippet.text().to_string(),
                supplied: date.explicit,
                snippet: Some(date.snippet.clone()),
                number: date.number,
                entities: mentioned(&[date.anchor.as_str()]),
            },
        ));
    }
    entries
}
