//! The preview records the page script shows on hover and focus, written once per
//! site as `previews.json` instead of on every mention.
//!
//! A mention, a citation and a cross-reference carry only their link: the script
//! reads the entity's id, the source's slug or `slug#id` from its path, fetches
//! this file once and looks them up.
//! Paragraph records exist only for blocks some cross-reference points at. No record
//! holds a URL: the mark the reader hovers already links onward, relative to its page.

use std::collections::BTreeMap;

use serde::Serialize;

use super::source::reference_html;
use super::{Catalog, Site};
use crate::parse::{BlockKind, Text};

/// What `previews.json` holds.
#[derive(Serialize)]
pub struct Previews<'a> {
    /// By entity id.
    pub entities: BTreeMap<&'a str, EntityRecord<'a>>,
    /// By source slug, the name of its page.
    pub sources: BTreeMap<&'a str, SourceRecord<'a>>,
    /// By `slug#id` (`slug#` for a whole document): the first lines a
    /// cross-reference leads to.
    pub blocks: BTreeMap<String, BlockRecord>,
}

#[derive(Serialize)]
pub struct EntityRecord<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub summary: &'a str,
}

#[derive(Serialize)]
pub struct SourceRecord<'a> {
    pub label: String,
    pub kind: &'a str,
    /// The formatted reference, as HTML (escaped by render).
    pub reference: String,
}

#[derive(Serialize)]
pub struct BlockRecord {
    /// The document's title.
    pub document: String,
    /// The paragraph number, when the block has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<usize>,
    /// A heading's own words, when the target is a heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// The first lines of the paragraph (under a heading, of the one after it).
    pub text: String,
}

/// About this many characters of a paragraph make a preview.
const PREVIEW_CHARS: usize = 320;

/// The previews of `site`, as JSON.
pub fn json(site: &Site, catalog: &Catalog) -> String {
    let archive = site.archive;
    let entities = catalog
        .entities
        .iter()
        .map(|e| {
            let record = EntityRecord {
                name: e.name,
                kind: e.kind,
                summary: e.summary,
            };
            (e.id, record)
        })
        .collect();
    let sources = archive
        .sources
        .iter()
        .map(|s| {
            let record = SourceRecord {
                label: s.label(),
                kind: &s.kind,
                reference: reference_html(s),
            };
            (s.slug.as_str(), record)
        })
        .collect();
    let mut blocks = BTreeMap::new();
    let links = site
        .linked
        .document_links
        .iter()
        .chain(&site.linked.entity_links)
        .chain(&site.linked.source_links)
        .flatten()
        .flatten();
    for target in links {
        let doc = &site.parsed.documents[target.document];
        let anchor = target.anchor.as_deref().unwrap_or("");
        let key = format!("{}#{anchor}", doc.source.slug);
        if blocks.contains_key(&key) {
            continue;
        }
        let title = doc.source.meta.title.as_deref().unwrap_or(&doc.incipit);
        let record = match target.anchor.as_deref() {
            None => Some(BlockRecord {
                document: title.to_string(),
                number: None,
                heading: None,
                text: clip(
                    doc.source
                        .meta
                        .summary
                        .as_deref()
                        .unwrap_or(&first_paragraph(&doc.text, 0)),
                ),
            }),
            Some(id) => block_record(&doc.text, id, title),
        };
        if let Some(record) = record {
            blocks.insert(key, record);
        }
    }
    serde_json::to_string(&Previews {
        entities,
        sources,
        blocks,
    })
    .unwrap_or_else(|_| "{}".into())
}

fn block_record(text: &Text, id: &str, title: &str) -> Option<BlockRecord> {
    let at = text.blocks.iter().position(|b| b.id == id)?;
    let block = &text.blocks[at];
    let (heading, words) = if block.kind == BlockKind::Heading {
        (Some(block.text.clone()), first_paragraph(text, at + 1))
    } else {
        (None, block.text.clone())
    };
    Some(BlockRecord {
        document: title.to_string(),
        number: block.number,
        heading,
        text: clip(&words),
    })
}

/// The text of the first non-heading block from `from` on, up to the next heading.
fn first_paragraph(text: &Text, from: usize) -> String {
    text.blocks[from.min(text.blocks.len())..]
        .iter()
        .take_while(|b| b.kind != BlockKind::Heading)
        .find(|b| !b.text.is_empty())
        .map(|b| b.text.clone())
        .unwrap_or_default()
}

/// `text` cut at a word break near `PREVIEW_CHARS`, with an ellipsis when cut.
pub fn clip(text: &str) -> String {
    match text.char_indices().nth(PREVIEW_CHARS) {
        None => text.to_string(),
        Some((end, _)) => {
            let cut = text[..end].rfind(' ').unwrap_or(end);
            format!("{}…", text[..cut].trim_end_matches([',', ';', ':', ' ']))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clips_at_a_word_break() {
        assert_eq!(clip("short"), "short");
        let long = "word ".repeat(100);
        let clipped = clip(&long);
        assert!(clipped.ends_with("word…"), "{clipped}");
        assert!(clipped.chars().count() <= 321);
    }
}
