//! What templates see on every page: the site, and documents as listings show
//! them. Page families add their own views (`document`, `entity`, `source`,
//! `listing`); all are plain serialisable structs, kept apart from the domain
//! types so templates can change without touching the pipeline and vice versa.

use serde::Serialize;

use super::paths::Page;
use crate::config::SiteConfig;
use crate::date;
use crate::parse::Document;

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub language: &'a str,
    pub base_url: &'a str,
    pub editor: Option<&'a str>,
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a SiteConfig) -> Self {
        SiteView {
            title: &config.title,
            description: config.description.as_deref(),
            language: &config.language,
            base_url: &config.base_url,
            editor: config.editor.as_deref(),
        }
    }
}

/// A document as listings show it.
#[derive(Serialize)]
pub struct DocSummary<'a> {
    pub slug: &'a str,
    /// Relative to the site root: `slug/`.
    pub path: String,
    /// The title, or the first words when the document states none.
    pub title: &'a str,
    /// Whether the document states no title.
    pub untitled: bool,
    /// The editor's title for a document that states none, shown in brackets.
    pub supplied_title: Option<&'a str>,
    pub subtitle: Option<&'a str>,
    pub authors: &'a [String],
    pub publication: Option<&'a str>,
    pub kind: &'a str,
    pub series: Option<&'a str>,
    pub part: Option<u32>,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub summary: Option<&'a str>,
}

impl<'a> DocSummary<'a> {
    pub fn new(doc: &'a Document) -> Self {
        let meta = &doc.source.meta;
        DocSummary {
            slug: &doc.source.slug,
            path: Page::Document(&doc.source.slug).dir(),
            title: meta.title.as_deref().unwrap_or(&doc.incipit),
            untitled: meta.title.is_none(),
            supplied_title: meta.supplied_title.as_deref(),
            subtitle: meta.subtitle.as_deref(),
            authors: &meta.authors,
            publication: meta.publication.as_deref(),
            kind: &meta.kind,
            series: meta.series.as_deref(),
            part: meta.part,
            date: meta.date.as_ref().map(date::human),
            date_iso: meta.date.as_ref().map(|d| d.iso_start()),
            summary: meta.summary.as_deref(),
        }
    }

    /// Relative to the site root: `slug/#anchor`.
    pub fn at(&self, anchor: &str) -> String {
        format!("{}#{anchor}", self.path)
    }
}

/// Groups `(document index, item)` pairs, in reading order, into one group per
/// document: at most `limit` items each, and how many more there were.
pub fn by_document<'a, T>(
    items: impl Iterator<Item = (usize, T)>,
    documents: &'a [DocSummary<'a>],
    limit: usize,
) -> Vec<(&'a DocSummary<'a>, Vec<T>, usize)> {
    let mut groups: Vec<(usize, Vec<T>, usize)> = Vec::new();
    for (d, item) in items {
        match groups.last_mut() {
            Some((last, kept, more)) if *last == d => {
                if kept.len() < limit {
                    kept.push(item);
                } else {
                    *more += 1;
                }
            }
            _ => groups.push((d, vec![item], 0)),
        }
    }
    groups
        .into_iter()
        .map(|(d, kept, more)| (&documents[d], kept, more))
        .collect()
}
