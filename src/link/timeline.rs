//! The archive-wide timeline: every dated heading of every document, in date
//! order, with the entities its entry mentions.

use std::collections::BTreeSet;

use crate::date::FuzzyDate;
use crate::parse::{BlockKind, Document};

#[derive(Debug, Clone)]
pub struct Entry {
    pub date: FuzzyDate,
    pub document: usize,
    pub anchor: String,
    pub title: String,
    pub supplied: bool,
    /// Entities mentioned anywhere in the entry, by index, sorted.
    pub entities: Vec<usize>,
}

/// Entries sorted by date, then by document and reading order, so equal dates
/// keep a stable order.
pub fn entries(documents: &[Document]) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (d, doc) in documents.iter().enumerate() {
        let blocks = &doc.text.blocks;
        for (i, block) in blocks.iter().enumerate() {
            let (Some(date), Some(level)) = (block.date, block.level) else {
                continue;
            };
            // The entry runs to the next heading of the same or a higher level.
            let end = blocks[i + 1..]
                .iter()
                .position(|b| b.kind == BlockKind::Heading && b.level.is_some_and(|l| l <= level))
                .map_or(blocks.len(), |p| i + 1 + p);
            let anchors: BTreeSet<&str> = blocks[i..end].iter().map(|b| b.id.as_str()).collect();
            let entities: BTreeSet<usize> = doc
                .text
                .mentions
                .iter()
                .filter(|m| !m.editorial && anchors.contains(m.anchor.as_str()))
                .map(|m| m.entity)
                .collect();
            entries.push(Entry {
                date,
                document: d,
                anchor: block.id.clone(),
                title: block.text.clone(),
                supplied: block.supplied,
                entities: entities.into_iter().collect(),
            });
        }
    }
    // Stable sort: same dates stay in document order.
    entries.sort_by_key(|e| e.date);
    entries
}
