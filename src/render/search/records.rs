//! What search finds: the records of the index, in the order they are numbered.
//!
//! Every citable block and footnote of every document, in archive order (a
//! document's blocks, then its footnotes, so each document is one run of
//! records), then every entity, then every source. A record carries what ranks
//! and filters it; what a result shows of a document's record beyond its place
//! (the paragraph's words) is read from the document's page when it is shown.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::super::body::{Blocks, Writer};
use super::super::paths::{Here, Page};
use super::super::previews::clip;
use super::super::{Catalog, Site};
use crate::parse::BlockKind;

/// One searchable thing.
pub struct Record<'a> {
    pub kind: Kind,
    /// The document it stands in.
    pub document: Option<usize>,
    /// Its paragraph or note number.
    pub number: Option<usize>,
    /// Where it is: a document's block or note (by slug and id), or a page
    /// (`entities/id/`, `sources/key/`, relative to the site root).
    pub place: Place<'a>,
    /// What a result is titled by, searched with more weight: the section a
    /// block stands under (none for a heading itself), an entity's name, a
    /// source's label.
    pub heading: Cow<'a, str>,
    /// The words searched.
    pub text: Cow<'a, str>,
    /// Entities it names, and sources it cites (indexes, ascending).
    pub entities: Vec<usize>,
    pub sources: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place<'a> {
    Block { slug: &'a str, id: &'a str },
    Page(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A document's block.
    Block,
    Footnote,
    Entity,
    Source,
}

impl Kind {
    /// Its name in the index files.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Block => "p",
            Kind::Footnote => "note",
            Kind::Entity => "entity",
            Kind::Source => "source",
        }
    }
}

/// Documents whose records are made together, on all cores.
const BATCH: usize = 512;

/// Every record of `site`, numbered by position, handed to `each` in runs of
/// `window` records (the last run may be shorter), so that only a window's
/// records are held at once; returns where each document's run of records
/// starts (one more entry than documents: the end of the last run).
pub fn windows<'a>(
    site: &'a Site,
    catalog: &'a Catalog,
    window: usize,
    mut each: impl FnMut(&[Record<'a>]),
) -> Vec<usize> {
    let documents = &site.parsed.documents;
    let mut starts = Vec::with_capacity(documents.len() + 1);
    let mut pending: Vec<Record> = Vec::with_capacity(2 * window);
    let mut made = 0;
    let mut flush = |pending: &mut Vec<Record<'a>>, all: bool| {
        while pending.len() >= window || (all && !pending.is_empty()) {
            let rest = pending.split_off(window.min(pending.len()));
            each(pending);
            *pending = rest;
        }
    };
    for first in (0..documents.len()).step_by(BATCH) {
        let batch = first..(first + BATCH).min(documents.len());
        let per_document: Vec<Vec<Record>> = batch
            .into_par_iter()
            .map(|d| document(d, &documents[d], &site.linked.document_links[d], catalog))
            .collect();
        for document in per_document {
            starts.push(made);
            made += document.len();
            pending.extend(document);
        }
        flush(&mut pending, false);
    }
    starts.push(made);
    pending.extend(pages(site, catalog));
    flush(&mut pending, true);
    starts
}

/// The records of the entities' and sources' pages, after every document's.
fn pages<'a>(site: &'a Site, catalog: &'a Catalog) -> Vec<Record<'a>> {
    let archive = site.archive;
    let mut records = Vec::with_capacity(archive.entities.len() + archive.sources.len());
    for (i, (entity, name)) in archive.entities.iter().zip(&catalog.entities).enumerate() {
        let text = if entity.meta.aliases.is_empty() {
            Cow::Borrowed(name.summary)
        } else {
            Cow::Owned(format!(
                "{} ({}). {}",
                name.name,
                entity.meta.aliases.join(", "),
                name.summary
            ))
        };
        records.push(Record {
            kind: Kind::Entity,
            document: None,
            number: None,
            place: Place::Page(Page::Entity(&entity.id).dir()),
            heading: Cow::Borrowed(name.name),
            text,
            entities: vec![i],
            sources: Vec::new(),
        });
    }
    for (i, (source, name)) in archive.sources.iter().zip(&catalog.sources).enumerate() {
        records.push(Record {
            kind: Kind::Source,
            document: None,
            number: None,
            place: Place::Page(Page::Source(&source.slug).dir()),
            heading: Cow::Borrowed(name.label.as_str()),
            text: Cow::Owned(clip(&plain(&super::super::source::reference_html(source)))),
            entities: Vec::new(),
            sources: vec![i],
        });
    }
    records
}

/// A document's records: its blocks, then its footnotes.
fn document<'a>(
    d: usize,
    doc: &'a crate::parse::Document,
    targets: &'a [Option<crate::link::Target>],
    catalog: &'a Catalog,
) -> Vec<Record<'a>> {
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
    let mut records = Vec::with_capacity(text.blocks.len() + text.footnotes.len());
    let mut section = "";
    for block in &text.blocks {
        let heading = block.kind == BlockKind::Heading;
        if heading {
            section = &block.text;
        }
        if block.text.trim().is_empty() {
            continue;
        }
        let (entities, sources) = named(&block.id);
        records.push(Record {
            kind: Kind::Block,
            document: Some(d),
            number: block.number,
            place: Place::Block {
                slug,
                id: &block.id,
            },
            heading: Cow::Borrowed(if heading { "" } else { section }),
            text: Cow::Borrowed(&block.text),
            entities,
            sources,
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
        let (entities, sources) = named(&note.id);
        records.push(Record {
            kind: Kind::Footnote,
            document: Some(d),
            number: Some(note.number),
            place: Place::Block { slug, id: &note.id },
            heading: Cow::Borrowed(""),
            text: Cow::Owned(plain(&writer.write(&note.body))),
            entities,
            sources,
        });
    }
    records
}

/// The words of an HTML fragment lectern wrote, white space collapsed: its tags
/// dropped and its character references read (the few named ones lectern and
/// Markdown write; any other name is a space, which is all the index needs).
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut space = false;
    let mut push = |out: &mut String, c: char| {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if std::mem::take(&mut space) {
                out.push(' ');
            }
            out.push(c);
        }
    };
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                // A tag separates nothing, as on the page; pulldown-cmark puts a
                // line break between blocks.
                rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
                continue;
            }
            '&' => {
                let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 10);
                if let Some(end) = end {
                    for c in reference(&rest[1..end]).chars() {
                        push(&mut out, c);
                    }
                    rest = &rest[end + 1..];
                    continue;
                }
                push(&mut out, '&');
            }
            c => push(&mut out, c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The text of a character reference, `amp` for `&amp;`.
fn reference(name: &str) -> String {
    let number = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
        u32::from_str_radix(hex, 16).ok()
    } else {
        name.strip_prefix('#').and_then(|n| n.parse().ok())
    };
    if let Some(c) = number.and_then(char::from_u32) {
        return c.to_string();
    }
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => " ",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn plain_text_of_markup() {
        assert_eq!(
            plain(
                "<p>The <a href=\"../x/\" class=\"mention\">ISI</a>’s &amp; \n  the &lt;CIA&gt; &#8212; &#x41;&nbsp;b</p>\n"
            ),
            "The ISI’s & the <CIA> — A b"
        );
        assert_eq!(plain("a & b &unknown c"), "a & b &unknown c");
        assert_eq!(plain("<span>[Coll, p. 5]</span>"), "[Coll, p. 5]");
    }
}
