//! Source pages and the bibliography: the record, formatted and field by field,
//! and every paragraph that cites it.

use rayon::prelude::*;
use serde::Serialize;

use super::body::{Blocks, Writer};
use super::entity::place_label;
use super::paths::Page;
use super::view::{DocSummary, Listed, SOURCE_CONTEXTS, by_document, closing};
use super::{Base, Rendered, Selection, Site};
use crate::diagnostics::Failure;
use crate::html::escape;
use crate::load::sources::{Source, names};
use crate::parse::Citation;

/// The bibliography and a page per source.
pub(super) fn pages(
    base: &Base,
    site: &Site,
    documents: &[DocSummary],
    selection: &Selection,
) -> Result<Vec<Rendered>, Failure> {
    let sources = &site.archive.sources;
    let cited: Vec<Vec<(usize, &Citation)>> = site
        .linked
        .citations
        .iter()
        .map(|refs| {
            refs.iter()
                .map(|&(d, i)| (d, &site.parsed.documents[d].text.citations[i]))
                .collect()
        })
        .collect();
    let mut summaries: Vec<SourceSummary> = sources
        .iter()
        .zip(&cited)
        .map(|(s, c)| SourceSummary::new(s, c.len()))
        .collect();
    summaries.sort_by(|a, b| {
        a.label
            .to_lowercase()
            .cmp(&b.label.to_lowercase())
            .then(a.key.cmp(b.key))
    });
    let index = selection
        .listings
        .then(|| base.page(Page::Sources, "sources.html", "sources", &summaries))
        .transpose()?;
    let mut pages: Vec<Rendered> = sources
        .par_iter()
        .zip(&cited)
        .enumerate()
        .filter(|(s, _)| selection.source(*s))
        .map(|(s, (source, cited))| {
            let here = base.here(Page::Source(&source.slug));
            let note = site.parsed.sources[s].as_ref().map(|text| {
                let writer = Writer {
                    here: &here,
                    catalog: base.catalog,
                    text,
                    targets: &site.linked.source_links[s],
                    blocks: Blocks::Plain,
                    related: &[],
                };
                writer.write(&text.body)
            });
            let view = SourceView::new(source, cited, documents, note);
            Ok(base
                .render(&here, "source.html", "source", &view)?
                .from(&source.path))
        })
        .collect::<Result<_, Failure>>()?;
    if let Some(index) = index {
        pages.insert(0, index);
    }
    Ok(pages)
}

/// A source as listings show it.
#[derive(Serialize, Clone)]
pub struct SourceSummary<'a> {
    pub key: &'a str,
    pub kind: &'a str,
    pub label: String,
    pub reference: String,
    pub citations: usize,
    /// Relative to the site root: `sources/<slug>/`.
    pub path: String,
}

impl<'a> SourceSummary<'a> {
    pub fn new(source: &'a Source, citations: usize) -> Self {
        SourceSummary {
            key: &source.key,
            kind: &source.kind,
            label: source.label(),
            reference: reference_html(source),
            citations,
            path: Page::Source(&source.slug).dir(),
        }
    }
}

#[derive(Serialize)]
pub struct SourceView<'a> {
    #[serde(flatten)]
    pub summary: SourceSummary<'a>,
    /// Every field of the record, `(name, value)` in name order.
    pub fields: Vec<(&'a str, &'a str)>,
    /// The documents that cite it, the first with the words before each citation…
    pub documents: Vec<Listed<'a, DocSummary<'a>, CitationView<'a>>>,
    /// …the others with links to the places only.
    pub also: Vec<Listed<'a, DocSummary<'a>, CitationView<'a>>>,
    /// The record's `url`, when it is safe to link to.
    pub url: Option<&'a str>,
    /// The record's `note`, rendered from Markdown.
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct CitationView<'a> {
    pub path: String,
    /// Where it stands: `¶ 3` or `note`.
    pub label: String,
    pub locator: Option<&'a str>,
    /// The words leading up to the citation.
    pub before: String,
}

impl<'a> SourceView<'a> {
    pub fn new(
        source: &'a Source,
        cited: &[(usize, &'a Citation)],
        documents: &'a [DocSummary<'a>],
        note: Option<String>,
    ) -> Self {
        let url = source.field("url").filter(|u| crate::url::is_safe(u));
        let citations = cited
            .iter()
            .map(|&(d, c)| (d, (c, documents[d].at(&c.anchor))));
        let (documents, also): (Vec<_>, Vec<_>) =
            by_document(citations, documents, SOURCE_CONTEXTS)
                .into_iter()
                .map(|group| {
                    group.listed(
                        |(c, path)| CitationView {
                            path,
                            label: place_label(c.number, &c.anchor),
                            locator: c.locator.as_deref(),
                            before: leading_words(c.snippet.before()),
                        },
                        |(c, path)| (path.clone(), cited_label(c)),
                    )
                })
                .partition(|group| !group.shown.is_empty());
        SourceView {
            summary: SourceSummary::new(source, cited.len()),
            fields: source
                .fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            documents,
            also,
            url,
            note,
        }
    }
}

/// Where a citation stands, with what it cites there: `note, pp. 62-63`.
fn cited_label(c: &Citation) -> String {
    let place = place_label(c.number, &c.anchor);
    match &c.locator {
        Some(locator) => format!("{place}, {locator}"),
        None => place,
    }
}

/// About how many characters of the words before a citation a source page shows.
const LEADING_CHARS: usize = 50;

/// The words before a citation, without the bracket that opens its group.
fn leading_words(before: &str) -> String {
    let words = before.trim_end().trim_end_matches('[').trim_end();
    closing(words, LEADING_CHARS)
}

/// A reference line for source pages: "Steve Coll. *Directorate S*. London: Allen Lane, 2018."
pub fn reference_html(source: &Source) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(a) = source.field("author").or(source.field("editor")) {
        parts.push(escape(&names(a).replace(['{', '}'], "")));
    }
    let container = matches!(
        source.kind.as_str(),
        "article" | "incollection" | "inproceedings"
    );
    if let Some(t) = source.field("title") {
        let t = escape(t);
        let sub = source
            .field("subtitle")
            .map(|s| format!(": {}", escape(s)))
            .unwrap_or_default();
        parts.push(if container {
            format!("“{t}{sub}”")
        } else {
            format!("<cite>{t}{sub}</cite>")
        });
    }
    if let Some(j) = source.field("journal").or(source.field("booktitle")) {
        parts.push(format!("<cite>{}</cite>", escape(j)));
    }
    if let Some(h) = source.field("howpublished") {
        parts.push(escape(h));
    }
    let publisher = match (source.field("address"), source.field("publisher")) {
        (Some(a), Some(p)) => Some(format!("{a}: {p}")),
        (None, Some(p)) => Some(p.to_string()),
        _ => None,
    };
    if let Some(p) = publisher {
        parts.push(escape(&p));
    }
    if let Some(d) = source.field("date").or(source.field("year")) {
        parts.push(escape(d));
    }
    let mut html = parts.join(". ");
    if !html.is_empty() {
        html.push('.');
    }
    html
}
