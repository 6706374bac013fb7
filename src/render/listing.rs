//! Archive-wide listings: the editor's notes and the timeline.

use serde::Serialize;

use super::body::{Blocks, Writer};
use super::entity::EntitySummary;
use super::paths::Page;
use super::view::DocSummary;
use super::{Base, Rendered, Site, pagination};
use crate::date;
use crate::diagnostics::Failure;
use crate::link::Entry;
use crate::parse::Snippet;

/// An editorial note in the archive-wide list.
#[derive(Serialize)]
pub struct AnnotationView<'a> {
    pub path: String,
    pub number: Option<usize>,
    pub span: Option<&'a str>,
    pub html: String,
}

#[derive(Serialize)]
pub struct AnnotationGroup<'a> {
    pub document: &'a DocSummary<'a>,
    pub annotations: Vec<AnnotationView<'a>>,
}

/// The editor's notes, grouped by document, `documents_per_page` documents to
/// a page (`annotations/`, then `annotations/page/2/`…).
pub(super) fn annotations<'a>(
    base: &'a Base,
    site: &'a Site,
    summaries: &'a [DocSummary],
) -> impl Iterator<Item = Result<Rendered, Failure>> + 'a {
    let annotated: Vec<usize> = (site.parsed.documents.iter().enumerate())
        .filter(|(_, doc)| !doc.text.annotations.is_empty())
        .map(|(d, _)| d)
        .collect();
    let config = &site.archive.config;
    let per_page = base.renderer.per_page("annotations.html", config);
    let (first, later) = (Page::Annotations, Page::AnnotationsList);
    pagination::paged(annotated.len(), per_page, config, first, later).map(
        move |(here, documents, pagination)| {
            let groups: Vec<AnnotationGroup> = annotated[documents]
                .iter()
                .map(|&d| {
                    let doc = &site.parsed.documents[d];
                    let summary = &summaries[d];
                    let writer = Writer {
                        here: &here,
                        catalog: base.catalog,
                        text: &doc.text,
                        targets: &site.linked.document_links[d],
                        blocks: Blocks::Citable(Page::Document(&doc.source.slug)),
                        related: &[],
                    };
                    AnnotationGroup {
                        document: summary,
                        annotations: doc
                            .text
                            .annotations
                            .iter()
                            .map(|a| AnnotationView {
                                // The block's id is permanent; the note's own number is not.
                                path: summary.at(a.anchor.as_deref().unwrap_or(&a.id)),
                                number: a.number,
                                span: a.span.as_deref(),
                                html: writer.write(&a.body),
                            })
                            .collect(),
                    }
                })
                .collect();
            base.render_with(&here, "annotations.html", |context| {
                context.insert("groups", &groups);
                context.insert("pagination", &pagination);
            })
        },
    )
}

/// The archive-wide timeline.
pub(super) fn timeline(
    base: &Base,
    site: &Site,
    summaries: &[DocSummary],
) -> Result<Rendered, Failure> {
    let entities: Vec<EntitySummary> = site
        .archive
        .entities
        .iter()
        .zip(&site.linked.entities)
        .map(|(e, l)| EntitySummary::new(e, l))
        .collect();
    let mut years: Vec<YearGroup> = Vec::new();
    for entry in &site.linked.timeline {
        let view = EntryView::new(entry, summaries, Some(&entities));
        match years.last_mut() {
            Some(group) if group.year == view.year => group.entries.push(view),
            _ => years.push(YearGroup {
                year: view.year,
                entries: vec![view],
            }),
        }
    }
    let axis = super::axis::svg(&site.linked.timeline);
    let here = base.here(Page::Timeline);
    base.render_with(&here, "timeline.html", |context| {
        context.insert("years", &years);
        context.insert("axis", &axis);
    })
}

/// The timeline's entries of one year (by the year each starts in).
#[derive(Serialize)]
pub struct YearGroup<'a> {
    pub year: i32,
    pub entries: Vec<EntryView<'a>>,
}

/// A timeline entry as the timeline page and entity pages show it.
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub date: String,
    pub date_iso: String,
    /// The start year, for grouping.
    pub year: i32,
    pub title: &'a str,
    pub supplied: bool,
    /// For a date in running text: the words around it, and the ¶ number.
    pub snippet: Option<&'a Snippet>,
    pub number: Option<usize>,
    pub path: String,
    pub document: &'a DocSummary<'a>,
    /// Who and what it mentions; empty on an entity's page, whose own lists say
    /// what the entity is mentioned with (and the timeline, filtered to it, shows
    /// each entry's).
    pub entities: Vec<EntitySummary<'a>>,
}

impl<'a> EntryView<'a> {
    /// The entry, with the entities it mentions when `entities` are given.
    pub fn new(
        entry: &'a Entry,
        documents: &'a [DocSummary<'a>],
        entities: Option<&[EntitySummary<'a>]>,
    ) -> Self {
        EntryView {
            date: date::human(&entry.date),
            date_iso: entry.date.iso_start(),
            year: entry.date.start.year,
            title: &entry.title,
            supplied: entry.supplied,
            snippet: entry.snippet.as_ref(),
            number: entry.number,
            path: documents[entry.document].at(&entry.anchor),
            document: &documents[entry.document],
            entities: entities.map_or_else(Vec::new, |all| {
                entry.entities.iter().map(|&e| all[e].clone()).collect()
            }),
        }
    }
}
