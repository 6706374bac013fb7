//! Entity pages and the index of entities: the editor's annotation, every
//! mention in context, related entities and the entity's own timeline.

use rayon::prelude::*;
use serde::Serialize;

use super::body::{Blocks, Writer};
use super::listing::EntryView;
use super::paths::Page;
use super::view::{DocSummary, by_document};
use super::{Base, Rendered, Site};
use crate::config::Kind;
use crate::date;
use crate::diagnostics::Failure;
use crate::link::EntityLinks;
use crate::load::{EntitySource, Field};
use crate::parse::Snippet;

/// The index of entities and a page per entity.
pub(super) fn pages(
    base: &Base,
    site: &Site,
    documents: &[DocSummary],
) -> Result<Vec<Rendered>, Failure> {
    let entities = &site.archive.entities;
    let links = &site.linked.entities;
    let summaries: Vec<EntitySummary> = entities
        .iter()
        .zip(links)
        .map(|(e, l)| EntitySummary::new(e, l))
        .collect();
    let index = base.page(
        Page::Entities,
        "entities.html",
        "kinds",
        &group_by_kind(&summaries, &base.catalog.config.kinds),
    )?;
    let mut pages: Vec<Rendered> = entities
        .par_iter()
        .zip(links)
        .enumerate()
        .map(|(e, (entity, links))| {
            let here = base.here(Page::Entity(&entity.id));
            let own: Vec<EntryView> = site
                .linked
                .timeline
                .iter()
                .filter(|entry| entry.entities.binary_search(&e).is_ok())
                .map(|entry| EntryView::new(entry, documents, &summaries))
                .collect();
            let writer = Writer {
                here: &here,
                catalog: base.catalog,
                text: &site.parsed.entities[e],
                targets: &site.linked.entity_links[e],
                blocks: Blocks::Plain,
            };
            let annotation = writer.write(&site.parsed.entities[e].body);
            let view = EntityView::new(entity, links, documents, &summaries, own, annotation);
            Ok(base
                .render(&here, "entity.html", "entity", &view)?
                .from(&entity.file.path))
        })
        .collect::<Result<_, Failure>>()?;
    pages.insert(0, index);
    Ok(pages)
}

/// An entity as listings and related-entity lists show it.
#[derive(Serialize, Clone)]
pub struct EntitySummary<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub mentions: usize,
    /// Relative to the site root: `entities/<id>/`.
    pub path: String,
}

impl<'a> EntitySummary<'a> {
    pub fn new(entity: &'a EntitySource, links: &EntityLinks) -> Self {
        EntitySummary {
            id: &entity.id,
            name: &entity.meta.name,
            kind: &entity.meta.kind,
            mentions: links.mentions.len(),
            path: Page::Entity(&entity.id).dir(),
        }
    }
}

#[derive(Serialize)]
pub struct KindGroup<'a> {
    /// The kind's id, also its section's anchor.
    pub kind: &'a str,
    /// Its heading, as `site.toml` labels it.
    pub label: &'a str,
    pub entities: Vec<EntitySummary<'a>>,
}

/// Entities grouped by kind, in the order `site.toml` declares the kinds, each group A–Z.
pub fn group_by_kind<'a>(entities: &[EntitySummary<'a>], kinds: &'a [Kind]) -> Vec<KindGroup<'a>> {
    kinds
        .iter()
        .filter_map(|kind| {
            let mut group: Vec<EntitySummary> = entities
                .iter()
                .filter(|e| e.kind == kind.id)
                .cloned()
                .collect();
            group.sort_by_key(|e| sort_key(e.name));
            (!group.is_empty()).then_some(KindGroup {
                kind: &kind.id,
                label: &kind.label,
                entities: group,
            })
        })
        .collect()
}

/// Case- and accent-insensitive enough for an A–Z list of names.
fn sort_key(name: &str) -> (String, &str) {
    let folded = name
        .trim_start_matches("The ")
        .trim_start_matches("the ")
        .to_lowercase();
    (folded, name)
}

#[derive(Serialize)]
pub struct EntityView<'a> {
    #[serde(flatten)]
    pub summary: EntitySummary<'a>,
    pub aliases: &'a [String],
    pub ambiguous: &'a [String],
    pub wikidata: Option<&'a str>,
    pub dates: Option<String>,
    pub annotation: String,
    pub documents: Vec<MentionGroup<'a>>,
    pub related: Vec<Related<'a>>,
    /// Timeline entries that mention this entity.
    pub timeline: Vec<EntryView<'a>>,
}

/// An entity's mentions in one document.
#[derive(Serialize)]
pub struct MentionGroup<'a> {
    pub document: &'a DocSummary<'a>,
    /// The first few mentions in the document, in reading order…
    pub mentions: Vec<MentionView<'a>>,
    /// …and how many more it has, so a page stays readable at any archive size.
    pub more: usize,
}

/// How many snippets an entity page shows per document.
const SNIPPETS_PER_DOCUMENT: usize = 8;

#[derive(Serialize)]
pub struct MentionView<'a> {
    /// Relative to the site root: `<slug>/#<anchor>`.
    pub path: String,
    pub number: Option<usize>,
    /// Which printed front matter field it stands in (`byline`, `caption`…), if one.
    pub field: Option<&'static str>,
    pub snippet: &'a Snippet,
}

#[derive(Serialize)]
pub struct Related<'a> {
    #[serde(flatten)]
    pub entity: EntitySummary<'a>,
    pub shared: usize,
}

/// How many related entities an entity page lists.
const RELATED: usize = 12;

impl<'a> EntityView<'a> {
    pub fn new(
        entity: &'a EntitySource,
        links: &'a EntityLinks,
        documents: &'a [DocSummary<'a>],
        entities: &[EntitySummary<'a>],
        timeline: Vec<EntryView<'a>>,
        annotation: String,
    ) -> Self {
        let mentions = links.mentions.iter().map(|m| {
            let view = MentionView {
                path: documents[m.document].at(&m.anchor),
                number: m.number,
                field: Field::at(&m.anchor).map(Field::label),
                snippet: &m.snippet,
            };
            (m.document, view)
        });
        let groups = by_document(mentions, documents, SNIPPETS_PER_DOCUMENT)
            .into_iter()
            .map(|(document, mentions, more)| MentionGroup {
                document,
                mentions,
                more,
            })
            .collect();
        EntityView {
            summary: EntitySummary::new(entity, links),
            aliases: &entity.meta.aliases,
            ambiguous: &entity.meta.ambiguous,
            wikidata: entity.meta.wikidata.as_deref(),
            dates: entity.meta.dates.as_ref().map(date::human),
            annotation,
            documents: groups,
            related: links
                .related
                .iter()
                .take(RELATED)
                .map(|&(other, shared)| Related {
                    entity: entities[other].clone(),
                    shared,
                })
                .collect(),
            timeline,
        }
    }
}
