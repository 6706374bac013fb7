//! The search index and the search page.
//!
//! Render writes `search.json`: one record per citable block and footnote of every
//! document (its URL lands on the paragraph), one per entity and one per source, each
//! with the entities and sources it names, for filters. The page script indexes it
//! with MiniSearch (vendored in `static/`) the first time a reader searches, so
//! search works on any static host, under any sub-path, with no server code.
//!
//! Every URL in the index is relative to the site root; the script prefixes the way
//! back to the root from the page it runs on.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::body::{Blocks, Writer};
use super::paths::{Here, Page};
use super::previews::clip;
use super::{Catalog, Site};
use crate::parse::BlockKind;

/// What `search.json` holds.
#[derive(Serialize)]
pub struct Index<'a> {
    /// Document titles, by index; `Record::d` points here.
    pub documents: Vec<&'a str>,
    /// Entity names, by index; `Record::e` points here.
    pub entities: Vec<&'a str>,
    /// Source labels, by index; `Record::s` points here.
    pub sources: Vec<String>,
    pub records: Vec<Record>,
}

/// One searchable thing: a paragraph, heading, list item, table or footnote, or an
/// entity or source page. Short field names: the file is fetched whole.
#[derive(Serialize)]
pub struct Record {
    /// Relative to the site root: `slug/#id`, `entities/id/`, `sources/key/`.
    pub u: String,
    /// What it is: `p` (a document's block), `note` (a footnote), `entity`, `source`.
    pub k: &'static str,
    /// The document it stands in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub d: Option<usize>,
    /// Its paragraph number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<usize>,
    /// Its title: the section heading it stands under, or the entity's or source's name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub h: String,
    /// The words searched and shown.
    pub t: String,
    /// Entities it mentions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub e: Vec<usize>,
    /// Sources it cites.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub s: Vec<usize>,
}

/// The search index of `site`, as JSON.
pub fn json(site: &Site, catalog: &Catalog) -> String {
    let archive = site.archive;
    let mut records = Vec::new();
    for (d, (doc, targets)) in site
        .parsed
        .documents
        .iter()
        .zip(&site.linked.document_links)
        .enumerate()
    {
        let text = &doc.text;
        let slug = doc.source.slug.as_str();
        // What each block names, by anchor: one pass over the mentions and citations.
        let mut named: BTreeMap<&str, (BTreeSet<usize>, BTreeSet<usize>)> = BTreeMap::new();
        for m in &text.mentions {
            named.entry(&m.anchor).or_default().0.insert(m.entity);
        }
        for c in &text.citations {
            named.entry(&c.anchor).or_default().1.insert(c.source);
        }
        let named = |anchor: &str| -> (Vec<usize>, Vec<usize>) {
            named
                .get(anchor)
                .map_or((Vec::new(), Vec::new()), |(e, s)| {
                    (e.iter().copied().collect(), s.iter().copied().collect())
                })
        };
        let mut section = String::new();
        for block in &text.blocks {
            if block.kind == BlockKind::Heading {
                section = block.text.clone();
            }
            if block.text.trim().is_empty() {
                continue;
            }
            let (e, s) = named(&block.id);
            records.push(Record {
                u: format!("{slug}/#{}", block.id),
                k: "p",
                d: Some(d),
                n: block.number,
                h: if block.kind == BlockKind::Heading {
                    String::new()
                } else {
                    section.clone()
                },
                t: block.text.clone(),
                e,
                s,
            });
        }
        // Footnotes have no plain text of their own: read it from their markup.
        let here = Here::new(Page::Document(slug), catalog.config);
        let writer = Writer {
            here: &here,
            catalog,
            text,
            targets,
            blocks: Blocks::Citable(here.page),
            related: &[],
        };
        for note in &text.footnotes {
            let (e, s) = named(&note.id);
            records.push(Record {
                u: format!("{slug}/#{}", note.id),
                k: "note",
                d: Some(d),
                n: Some(note.number),
                h: String::new(),
                t: plain(&writer.write(&note.body)),
                e,
                s,
            });
        }
    }
    for (i, (entity, name)) in archive.entities.iter().zip(&catalog.entities).enumerate() {
        let mut t = name.summary.to_string();
        if !entity.meta.aliases.is_empty() {
            t = format!("{} ({}). {t}", name.name, entity.meta.aliases.join(", "));
        }
        records.push(Record {
            u: Page::Entity(&entity.id).dir(),
            k: "entity",
            d: None,
            n: None,
            h: name.name.to_string(),
            t,
            e: vec![i],
            s: Vec::new(),
        });
    }
    for (i, source) in archive.sources.iter().enumerate() {
        records.push(Record {
            u: Page::Source(&source.key).dir(),
            k: "source",
            d: None,
            n: None,
            h: source.label(),
            t: clip(&plain(&super::source::reference_html(source))),
            e: Vec::new(),
            s: vec![i],
        });
    }
    let index = Index {
        documents: site
            .parsed
            .documents
            .iter()
            .map(|d| d.source.meta.title.as_deref().unwrap_or(&d.incipit))
            .collect(),
        entities: catalog.entities.iter().map(|e| e.name).collect(),
        sources: catalog.sources.iter().map(|s| s.label.clone()).collect(),
        records,
    };
    serde_json::to_string(&index).unwrap_or_else(|_| "{}".into())
}

/// The text of an HTML fragment, white space collapsed.
fn plain(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    let text: String = fragment.root_element().text().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The search page: the form, filters to choose from, and room for results.
#[derive(Serialize)]
pub struct SearchView<'a> {
    pub documents: Vec<Choice<'a>>,
    pub entities: Vec<Choice<'a>>,
    pub sources: Vec<Choice<'a>>,
}

/// One option of a filter: its index in `search.json`'s lists, and its name.
#[derive(Serialize)]
pub struct Choice<'a> {
    pub value: usize,
    pub label: std::borrow::Cow<'a, str>,
}

impl<'a> SearchView<'a> {
    pub fn new(site: &'a Site, catalog: &'a Catalog) -> Self {
        let sorted = |mut choices: Vec<Choice<'a>>| {
            choices.sort_by_key(|c| c.label.to_lowercase());
            choices
        };
        let mentioned = |i: usize| !site.linked.entities[i].mentions.is_empty();
        let cited = |i: usize| !site.linked.citations[i].is_empty();
        SearchView {
            documents: site
                .parsed
                .documents
                .iter()
                .enumerate()
                .map(|(value, d)| Choice {
                    value,
                    label: d.source.meta.title.as_deref().unwrap_or(&d.incipit).into(),
                })
                .collect(),
            entities: sorted(
                catalog
                    .entities
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mentioned(*i))
                    .map(|(value, e)| Choice {
                        value,
                        label: e.name.into(),
                    })
                    .collect(),
            ),
            sources: sorted(
                catalog
                    .sources
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| cited(*i))
                    .map(|(value, s)| Choice {
                        value,
                        label: s.label.clone().into(),
                    })
                    .collect(),
            ),
        }
    }
}
