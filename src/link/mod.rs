//! Stage 3, link: resolve what texts point at, across the whole archive, once.
//!
//! Runs when every document and annotation is parsed, because a link's target may
//! be any of them. It returns one plain value, [`Linked`], that render and check
//! read: the target of every cross-reference, the entity and source indexes, the
//! timeline, and the problems found. Nothing here writes a URL.

pub mod entities;
pub mod related;
mod relink;
pub mod timeline;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, suggest};
use crate::load::{Archive, SourceFile};
use crate::parse::{CrossLink, Document, Parsed};
pub use entities::EntityLinks;
pub use timeline::Entry;

/// The archive, cross-linked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Linked {
    /// For each document, the target of each cross-reference (`Mark::CrossRef(i)`).
    pub document_links: Vec<Vec<Option<Target>>>,
    /// The same for each entity annotation…
    pub entity_links: Vec<Vec<Option<Target>>>,
    /// …and for each source's note.
    pub source_links: Vec<Vec<Option<Target>>>,
    /// For each entity, where it is mentioned and what it is mentioned with.
    pub entities: Vec<EntityLinks>,
    /// For each source, every citation of it: `(document, index in its citations)`,
    /// in reading order.
    pub citations: Vec<Vec<(usize, usize)>>,
    /// For each document, the blocks of other documents that link to it, in
    /// document then reading order.
    pub backlinks: Vec<Vec<Backlink>>,
    /// For each document, for each block, related passages in other documents.
    pub related: related::Passages,
    /// What the related passages are scored from, kept for [`Linked::relink`].
    pub scoring: related::Index,
    pub timeline: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A link into a document from a block of another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    pub document: usize,
    /// The block (or footnote) the link stands in.
    pub anchor: Option<String>,
    /// The id it lands on in the linked document, if any.
    pub to: Option<String>,
}

/// Where a cross-reference lands: a document, and an id in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub document: usize,
    pub anchor: Option<String>,
}

/// Links the parsed archive.
pub fn link(archive: &Archive, parsed: &Parsed) -> Linked {
    let documents = &parsed.documents;
    let anchors = Anchors::of(documents, |_| true);
    let mut diagnostics = Vec::new();
    let document_links: Vec<Vec<Option<Target>>> = documents
        .iter()
        .map(|doc| {
            let here = Some(doc.source.slug.as_str());
            let links = &doc.text.links;
            anchors.resolve(&doc.source.file, here, links, archive, &mut diagnostics)
        })
        .collect();
    let entity_links = archive
        .entities
        .iter()
        .zip(&parsed.entities)
        .map(|(entity, text)| {
            anchors.resolve(&entity.file, None, &text.links, archive, &mut diagnostics)
        })
        .collect();
    let source_links = parsed
        .sources
        .iter()
        .zip(&archive.sources)
        .map(|(note, source)| match (note, &source.note) {
            (Some(text), Some(note)) => {
                anchors.resolve(&note.file, None, &text.links, archive, &mut diagnostics)
            }
            _ => Vec::new(),
        })
        .collect();
    let backlinks = backlinks(documents, &document_links);
    let (entities, unmentioned) = crate::timings::time("link entities", || {
        entities::index(
            &archive.entities,
            documents,
            &parsed.entities,
            &parsed.sources,
        )
    });
    diagnostics.extend(unmentioned);
    let (scoring, related) = crate::timings::time("link related", || related::passages(documents));
    Linked {
        document_links,
        entity_links,
        source_links,
        entities,
        citations: citations_by_source(archive.sources.len(), documents),
        backlinks,
        related,
        scoring,
        timeline: crate::timings::time("link timeline", || timeline::entries(documents)),
        diagnostics,
    }
}

/// Every id of every document, by slug.
struct Anchors<'a> {
    by_slug: BTreeMap<&'a str, (usize, BTreeSet<&'a str>)>,
}

impl<'a> Anchors<'a> {
    /// The ids of the documents whose slugs are `wanted`.
    fn of(documents: &'a [Document], wanted: impl Fn(&str) -> bool) -> Self {
        let by_slug = documents
            .iter()
            .enumerate()
            .filter(|(_, doc)| wanted(&doc.source.slug))
            .map(|(d, doc)| {
                let text = &doc.text;
                let ids = text
                    .blocks
                    .iter()
                    .map(|b| b.id.as_str())
                    .chain(text.footnotes.iter().map(|f| f.id.as_str()))
                    .chain(
                        text.footnotes
                            .iter()
                            .flat_map(|f| f.references.iter().map(String::as_str)),
                    );
                (doc.source.slug.as_str(), (d, ids.collect()))
            })
            .collect();
        Anchors { by_slug }
    }

    /// Whether `link` lands in a document of these, and on an id it has.
    fn lands(&self, link: &CrossLink) -> bool {
        let Some((_, ids)) = link.slug.as_deref().and_then(|s| self.by_slug.get(s)) else {
            return false;
        };
        link.anchor
            .as_deref()
            .filter(|a| !a.is_empty())
            .is_none_or(|a| ids.contains(a))
    }

    /// The targets of `links`, written in `file` of `archive`, which is the
    /// document with slug `here` (if a document). A link that lands nowhere is
    /// reported and has no target. Links into documents that could not be read
    /// are skipped: their own error says what is wrong.
    fn resolve(
        &self,
        file: &SourceFile,
        here: Option<&str>,
        links: &[CrossLink],
        archive: &Archive,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Option<Target>> {
        let unreadable = &archive.unreadable;
        // Read (again, if a build freed it) only for a report, once.
        let text = std::cell::OnceCell::new();
        let quoted = || Arc::clone(text.get_or_init(|| file.text_to_quote(&archive.root)));
        links
            .iter()
            .map(|link| {
                let span = link.offset..link.offset + 1;
                let Some(slug) = link.slug.as_deref().or(here) else {
                    diagnostics.push(
                        Diagnostic::error(&file.path, "`#anchor` alone has no document to point into here")
                            .at(&quoted(), span)
                            .help("link to a document's block as `document.md#anchor`"),
                    );
                    return None;
                };
                if unreadable.contains(slug) {
                    return None;
                }
                let Some((document, ids)) = self.by_slug.get(slug) else {
                    let d = Diagnostic::error(&file.path, format!("link to unknown document `{slug}.md`"))
                        .at(&quoted(), span);
                    diagnostics.push(match suggest(slug, self.by_slug.keys().copied()) {
                        Some(s) => d.help(format!("did you mean `{s}.md`?")),
                        None => d.help(
                            "link to a file in content/documents/ by its name, e.g. `other.md#anchor`",
                        ),
                    });
                    return None;
                };
                let anchor = link.anchor.as_deref().filter(|a| !a.is_empty());
                if let Some(anchor) = anchor.filter(|a| !ids.contains(a)) {
                    let d = Diagnostic::error(
                        &file.path,
                        format!("`#{anchor}` is not an id in `{slug}.md`"),
                    )
                    .at(&quoted(), span);
                    diagnostics.push(match suggest(anchor, ids.iter().copied()) {
                        Some(s) => d.help(format!("did you mean `#{s}`?")),
                        None => d.help(
                            "give the target block an explicit id with `{#id}` and link to that",
                        ),
                    });
                    return None;
                }
                Some(Target {
                    document: *document,
                    anchor: anchor.map(str::to_string),
                })
            })
            .collect()
    }
}

fn backlinks(documents: &[Document], targets: &[Vec<Option<Target>>]) -> Vec<Vec<Backlink>> {
    let mut backlinks = vec![Vec::new(); documents.len()];
    for (d, (doc, targets)) in documents.iter().zip(targets).enumerate() {
        for (to, link) in links_out(d, doc, targets) {
            backlinks[to].push(link);
        }
    }
    backlinks
}

/// The links of document `d` into other documents, as backlinks: `(target, link)`.
fn links_out<'a>(
    d: usize,
    doc: &'a Document,
    targets: &'a [Option<Target>],
) -> impl Iterator<Item = (usize, Backlink)> + 'a {
    doc.text
        .links
        .iter()
        .zip(targets)
        .filter_map(move |(link, target)| {
            let target = target.as_ref().filter(|t| t.document != d)?;
            Some((
                target.document,
                Backlink {
                    document: d,
                    anchor: link.from.clone(),
                    to: target.anchor.clone(),
                },
            ))
        })
}

/// Every citation of each source, in reading order.
fn citations_by_source(sources: usize, documents: &[Document]) -> Vec<Vec<(usize, usize)>> {
    let mut cited = vec![Vec::new(); sources];
    for (d, doc) in documents.iter().enumerate() {
        for (i, c) in doc.text.citations.iter().enumerate() {
            cited[c.source].push((d, i));
        }
    }
    cited
}

/// Whether `after` shows link what `before` did: the same blocks, footnotes,
/// cross-references, mentions, citations and dates, in the same places, whatever
/// the words around them. Then an edit from one to the other changes only the
/// words link copies out (see [`Linked::reword`]).
pub fn same_shape(before: &Document, after: &Document) -> bool {
    use crate::parse::{Block, Citation, DateRef, Footnote, Mention};
    fn block(x: &Block) -> impl PartialEq + '_ {
        (&x.id, x.kind, x.number, x.level, x.date)
    }
    fn footnote(f: &Footnote) -> impl PartialEq + '_ {
        (&f.id, &f.references)
    }
    fn link(l: &CrossLink) -> impl PartialEq + '_ {
        (&l.slug, &l.anchor, &l.from)
    }
    fn mention(m: &Mention) -> impl PartialEq + '_ {
        (m.entity, &m.anchor, m.number, m.editorial)
    }
    fn citation(c: &Citation) -> impl PartialEq + '_ {
        (c.source, &c.anchor, c.number)
    }
    fn date(d: &DateRef) -> impl PartialEq + '_ {
        (d.date, &d.anchor)
    }
    let (a, b) = (&before.text, &after.text);
    a.blocks.iter().map(block).eq(b.blocks.iter().map(block))
        && a.footnotes
            .iter()
            .map(footnote)
            .eq(b.footnotes.iter().map(footnote))
        && a.links.iter().map(link).eq(b.links.iter().map(link))
        && a.mentions
            .iter()
            .map(mention)
            .eq(b.mentions.iter().map(mention))
        && a.citations
            .iter()
            .map(citation)
            .eq(b.citations.iter().map(citation))
        && a.dates.iter().map(date).eq(b.dates.iter().map(date))
}

impl Linked {
    /// Brings the links up to date after the documents `edited` were reworded:
    /// each new text has [`same_shape`] as the old, so only the words copied from it
    /// (the timeline's) are taken again. Mentions and citations are indexes into
    /// the documents, which stay true.
    pub fn reword(&mut self, documents: &[Document], edited: &BTreeSet<usize>) {
        timeline::update(&mut self.timeline, documents, edited);
    }
}
