//! Source pages and the bibliography: the record, formatted and field by field,
//! and every paragraph that cites it.

use rayon::prelude::*;
use serde::Serialize;

use super::body::{Blocks, Writer};
use super::paths::Page;
use super::view::{DocSummary, by_document};
use super::{Base, Rendered, Selection, Site};
use crate::diagnostics::Failure;
use crate::html::escape;
use crate::load::sources::{Source, names};
use crate::parse::{Citation, Snippet};

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
            let here = base.here(Page::Source(&source.key));
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
    /// Relative to the site root: `sources/<key>/`.
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
            path: Page::Source(&source.key).dir(),
        }
    }
}

#[derive(Serialize)]
pub struct SourceView<'a> {
    #[serde(flatten)]
    pub summary: SourceSummary<'a>,
    /// Every field of the record, `(name, value)` in name order.
    pub fields: Vec<(&'a str, &'a str)>,
    pub documents: Vec<CitationGroup<'a>>,
    /// The record's `url`, when it is safe to link to.
    pub url: Option<&'a str>,
    /// The record's `note`, rendered from Markdown.
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct CitationGroup<'a> {
    pub document: &'a DocSummary<'a>,
    pub citations: Vec<CitationView<'a>>,
}

#[derive(Serialize)]
pub struct CitationView<'a> {
    pub path: String,
    pub number: Option<usize>,
    pub locator: Option<&'a str>,
    pub snippet: &'a Snippet,
}

impl<'a> SourceView<'a> {
    pub fn new(
        source: &'a Source,
        cited: &[(usize, &'a Citation)],
        documents: &'a [DocSummary<'a>],
        note: Option<String>,
    ) -> Self {
        let url = source.field("url").filter(|u| crate::url::is_safe(u));
        let citations = cited.iter().map(|&(d, c)| {
            let view = CitationView {
                path: documents[d].at(&c.anchor),
                number: c.number,
                locator: c.locator.as_deref(),
                snippet: &c.snippet,
            };
            (d, view)
        });
        let groups = by_document(citations, documents, usize::MAX)
            .into_iter()
            .map(|(document, citations, _)| CitationGroup {
                document,
                citations,
            })
            .collect();
        SourceView {
            summary: SourceSummary::new(source, cited.len()),
            fields: source
                .fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            documents: groups,
            url,
            note,
        }
    }
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
