//! Entity pages and the index of entities: the editor's annotation, every
//! mention in context, related entities and the entity's own timeline.

use rayon::prelude::*;
use serde::Serialize;

use super::body::{Blocks, Writer};
use super::graph;
use super::listing::EntryView;
use super::paths::Here;
use super::paths::Page;
use super::view::{CONTEXT_CHARS, CONTEXTS, DocSummary, Listed, by_document, closing, opening};
use super::{Base, Rendered, Selection, Site};
use crate::config::Kind;
use crate::date;
use crate::diagnostics::Failure;
use crate::link::EntityLinks;
use crate::load::{EntitySource, Field};
use crate::parse::Document;

/// How many entities the archive's picture shows, and how many lines at most.
const PICTURED: usize = 28;
const LINES: usize = 90;
/// How many neighbours an entity's picture shows.
pub(crate) const NEIGHBOURS: usize = 12;

/// The place of `kind` among the archive's declared kinds: picks its shape.
fn kind_index(kind: &str, declared: &[Kind]) -> usize {
    declared
        .iter()
        .position(|k| k.id == kind)
        .unwrap_or(declared.len())
}

fn graph_node<'a>(
    here: &Here,
    entity: &'a EntitySource,
    links: &EntityLinks,
    declared: &'a [Kind],
) -> graph::Node<'a> {
    let kind = kind_index(&entity.meta.kind, declared);
    graph::Node {
        name: &entity.meta.name,
        kind,
        mentions: links.mentions.len(),
        href: here.to(Page::Entity(&entity.id), None),
    }
}

/// The most mentioned entities and the paragraphs they share.
fn archive_graph(
    here: &Here,
    entities: &[EntitySource],
    links: &[EntityLinks],
    declared: &[Kind],
) -> String {
    let mut chosen: Vec<usize> = (0..entities.len())
        .filter(|&e| !links[e].mentions.is_empty())
        .collect();
    chosen.sort_by(|&a, &b| {
        links[b]
            .mentions
            .len()
            .cmp(&links[a].mentions.len())
            .then(a.cmp(&b))
    });
    chosen.truncate(PICTURED);
    // Around the circle by kind, then by mentions.
    chosen.sort_by(|&a, &b| {
        kind_index(&entities[a].meta.kind, declared)
            .cmp(&kind_index(&entities[b].meta.kind, declared))
            .then(links[b].mentions.len().cmp(&links[a].mentions.len()))
            .then(a.cmp(&b))
    });
    let slot: std::collections::HashMap<usize, usize> =
        chosen.iter().enumerate().map(|(i, &e)| (e, i)).collect();
    let mut edges: Vec<(usize, usize, usize)> = chosen
        .iter()
        .flat_map(|&a| {
            links[a]
                .related
                .iter()
                .filter(move |(b, _)| a < *b)
                .filter_map(|&(b, shared)| Some((slot[&a], *slot.get(&b)?, shared)))
                .collect::<Vec<_>>()
        })
        .collect();
    edges.sort_by(|x, y| y.2.cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    edges.truncate(LINES);
    let nodes: Vec<graph::Node> = chosen
        .iter()
        .map(|&e| graph_node(here, &entities[e], &links[e], declared))
        .collect();
    graph::svg(
        "The most mentioned entities, linked by the paragraphs they share",
        &nodes,
        &edges,
        false,
    )
}

/// Entity `e` in the middle, the entities it shares most paragraphs with around.
fn neighbourhood(
    here: &Here,
    e: usize,
    entities: &[EntitySource],
    links: &[EntityLinks],
    declared: &[Kind],
) -> String {
    let around: Vec<(usize, usize)> = links[e].related.iter().take(NEIGHBOURS).copied().collect();
    let mut chosen = vec![e];
    chosen.extend(around.iter().map(|(other, _)| *other));
    let slot: std::collections::HashMap<usize, usize> =
        chosen.iter().enumerate().map(|(i, &x)| (x, i)).collect();
    // Lines between neighbours: the strongest few, as many as there are
    // neighbours. Every pair that shares a paragraph would draw a hairball of
    // hairlines, on every entity page.
    let mut between: Vec<(usize, usize, usize)> = Vec::new();
    for &(a, _) in &around {
        for &(b, shared) in &links[a].related {
            if a < b
                && let Some(&sb) = slot.get(&b)
                && sb != 0
            {
                between.push((slot[&a], sb, shared));
            }
        }
    }
    between.sort_by(|x, y| y.2.cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    between.truncate(NEIGHBOURS);
    let edges: Vec<(usize, usize, usize)> = around
        .iter()
        .enumerate()
        .map(|(i, &(_, shared))| (0, i + 1, shared))
        .chain(between)
        .collect();
    let nodes: Vec<graph::Node> = chosen
        .iter()
        .map(|&x| graph_node(here, &entities[x], &links[x], declared))
        .collect();
    graph::svg(
        &format!(
            "{} and the entities it shares most paragraphs with",
            entities[e].meta.name
        ),
        &nodes,
        &edges,
        true,
    )
}

/// The index of entities and a page per entity.
pub(super) fn pages(
    base: &Base,
    site: &Site,
    documents: &[DocSummary],
    selection: &Selection,
) -> Result<Vec<Rendered>, Failure> {
    let entities = &site.archive.entities;
    let links = &site.linked.entities;
    let summaries: Vec<EntitySummary> = entities
        .iter()
        .zip(links)
        .map(|(e, l)| EntitySummary::new(e, l))
        .collect();
    let here = base.here(Page::Entities);
    let declared = &base.catalog.config.kinds;
    let index = selection
        .listings
        .then(|| {
            let kinds = group_by_kind(&summaries, declared);
            let graph = archive_graph(&here, entities, links, declared);
            base.render_with(&here, "entities.html", |context| {
                context.insert("kinds", &kinds);
                context.insert("graph", &graph);
                context.insert("legend", &graph::legend(declared));
            })
        })
        .transpose()?;
    // Each entity's timeline entries, in date order, found in one pass.
    let mut dated: Vec<Vec<usize>> = vec![Vec::new(); entities.len()];
    for (i, entry) in site.linked.timeline.iter().enumerate() {
        for &e in &entry.entities {
            dated[e].push(i);
        }
    }
    let mut pages: Vec<Rendered> = entities
        .par_iter()
        .zip(links)
        .enumerate()
        .filter(|(e, _)| selection.entity(*e))
        .map(|(e, (entity, links))| {
            let here = base.here(Page::Entity(&entity.id));
            let own: Vec<EntryView> = dated[e]
                .iter()
                .take(TIMELINE)
                .map(|&i| EntryView::new(&site.linked.timeline[i], documents, None))
                .collect();
            let writer = Writer {
                here: &here,
                catalog: base.catalog,
                text: &site.parsed.entities[e],
                targets: &site.linked.entity_links[e],
                blocks: Blocks::Plain,
                related: &[],
            };
            let annotation = writer.write(&site.parsed.entities[e].body);
            let mut view = EntityView::new(
                entity,
                links,
                &site.parsed.documents,
                documents,
                &summaries,
                own,
                annotation,
            );
            view.graph = neighbourhood(&here, e, entities, &site.linked.entities, declared);
            view.timeline_more = dated[e].len() - view.timeline.len();
            Ok(base
                .render(&here, "entity.html", "entity", &view)?
                .from(&entity.file.path))
        })
        .collect::<Result<_, Failure>>()?;
    if let Some(index) = index {
        pages.insert(0, index);
    }
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
    /// The documents that mention it, the first with the words around the mentions…
    pub documents: Vec<Listed<'a, DocSummary<'a>, MentionView<'a>>>,
    /// …the others with links to the paragraphs only.
    pub also: Vec<Listed<'a, DocSummary<'a>, MentionView<'a>>>,
    /// How many documents mention it.
    pub in_documents: usize,
    pub related: Vec<Related<'a>>,
    /// The first `TIMELINE` timeline entries that mention this entity…
    pub timeline: Vec<EntryView<'a>>,
    /// …and how many more the archive's timeline shows, filtered to it.
    pub timeline_more: usize,
    /// The picture of its neighbourhood, SVG.
    pub graph: String,
}

/// A mention in the words around it.
#[derive(Serialize)]
pub struct MentionView<'a> {
    /// Relative to the site root: `<slug>/#<anchor>`.
    pub path: String,
    /// Where it stands: `¶ 3`, a printed front matter field (`byline`…), or `note`.
    pub label: String,
    pub before: String,
    pub text: &'a str,
    pub after: String,
}

/// How a listing names where a place stands in its document.
pub fn place_label(number: Option<usize>, anchor: &str) -> String {
    match (number, Field::at(anchor)) {
        (Some(n), _) => format!("¶ {n}"),
        (None, Some(field)) => field.label().to_string(),
        (None, None) => "note".to_string(),
    }
}

#[derive(Serialize)]
pub struct Related<'a> {
    #[serde(flatten)]
    pub entity: EntitySummary<'a>,
    pub shared: usize,
}

/// How many related entities an entity page lists.
pub(crate) const RELATED: usize = 12;

/// How many timeline entries an entity page lists, earliest first. An entity
/// named in every dated passage of a large archive would otherwise carry the
/// whole timeline; the rest are a link away, on the timeline filtered to it.
pub(crate) const TIMELINE: usize = 40;

impl<'a> EntityView<'a> {
    pub fn new(
        entity: &'a EntitySource,
        links: &'a EntityLinks,
        parsed: &'a [Document],
        documents: &'a [DocSummary<'a>],
        entities: &[EntitySummary<'a>],
        timeline: Vec<EntryView<'a>>,
        annotation: String,
    ) -> Self {
        let mentions = links.mentions.iter().map(|r| {
            let m = &parsed[r.document].text.mentions[r.mention];
            (r.document, (m, documents[r.document].at(&m.anchor)))
        });
        let (documents, also): (Vec<_>, Vec<_>) = by_document(mentions, documents, CONTEXTS)
            .into_iter()
            .map(|group| {
                group.listed(
                    |(m, path)| MentionView {
                        path,
                        label: place_label(m.number, &m.anchor),
                        before: closing(m.snippet.before(), CONTEXT_CHARS),
                        text: m.snippet.text(),
                        after: opening(m.snippet.after(), CONTEXT_CHARS),
                    },
                    |(m, path)| (path.clone(), place_label(m.number, &m.anchor)),
                )
            })
            .partition(|group| !group.shown.is_empty());
        EntityView {
            summary: EntitySummary::new(entity, links),
            aliases: &entity.meta.aliases,
            ambiguous: &entity.meta.ambiguous,
            wikidata: entity.meta.wikidata.as_deref(),
            dates: entity.meta.dates.as_ref().map(date::human),
            annotation,
            in_documents: documents.len() + also.len(),
            documents,
            also,
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
            timeline_more: 0,
            graph: String::new(),
        }
    }
}
