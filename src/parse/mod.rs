//! Stage 2, parse: the Markdown of every document and entity annotation into
//! bodies with marks, citable blocks with ids, and what they mention and cite.
//!
//! Parse finds; it resolves nothing across files and writes no URL (see `body`).
//! Documents are independent here, so they are parsed in parallel. Block ids come
//! from `crate::ids`, given what the lock file recorded for the document, so they
//! stay the same across edits; the updated lock is returned alongside. Entity
//! annotations and source notes go through the same walk, so mentions, citations,
//! notes and links in them are found and checked like a document's, but their
//! blocks get no ids; so do the front matter fields a page prints with the text
//! (`fields`), whose findings join their document's.

pub mod body;
pub mod citations;
mod dates;
mod explicit_ids;
mod fields;
pub mod highlight;
pub mod markdown;
pub mod mentions;

use std::sync::Arc;

use rayon::prelude::*;

use crate::date::FuzzyDate;
use crate::diagnostics::Diagnostic;
use crate::ids::{self, BlockKey, DocLock, Lock};
use crate::load::{Archive, DocumentSource, Field, SourceFile};
pub use body::{Body, CiteItem, Mark, Piece};
pub use markdown::{BlockKind, CrossLink};

/// A parsed document: its metadata, its text, and its retired ids.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: DocumentSource,
    pub text: Text,
    /// The front matter printed with the text (subtitle, lead image caption and
    /// credit, byline), each a body of inline Markdown written with `text`'s marks:
    /// what they mention, cite and annotate is in `text`, at the field's anchor.
    pub fields: Vec<(Field, Body)>,
    /// Ids this document once had and no longer has, with where each now points.
    pub retired: Vec<(String, String)>,
    /// The document's first words, to list it by when it has no title.
    pub incipit: String,
    pub word_count: usize,
}

/// A parsed Markdown text, a document's or an entity annotation's.
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub body: Body,
    pub blocks: Vec<Block>,
    pub footnotes: Vec<Footnote>,
    /// Links to documents and anchors, in order; `Mark::CrossRef(i)` is `links[i]`.
    pub links: Vec<CrossLink>,
    /// Entity mentions in reading order.
    pub mentions: Vec<Mention>,
    /// Citations of sources, in reading order.
    pub citations: Vec<Citation>,
    /// The editor's notes, in reading order; `Mark::NoteOpen(i)` is `annotations[i]`.
    pub annotations: Vec<Annotation>,
    /// Dates stated in the text, in reading order.
    pub dates: Vec<DateRef>,
    /// Whether it shows highlighted code, which needs the syntax stylesheet.
    pub highlighted: bool,
}

/// A date stated in a block or footnote, with the words around it.
#[derive(Debug, Clone)]
pub struct DateRef {
    pub date: FuzzyDate,
    /// The id of the block or footnote it stands in.
    pub anchor: String,
    pub number: Option<usize>,
    pub snippet: Snippet,
    /// Given by the editor with `[words](date:…)` rather than read from the words.
    pub explicit: bool,
}

/// A citable block with its permanent id (empty in an entity annotation).
#[derive(Debug, Clone)]
pub struct Block {
    pub id: String,
    pub kind: BlockKind,
    pub text: String,
    /// The paragraph number, ¶ N; headings have none.
    pub number: Option<usize>,
    pub level: Option<u8>,
    /// A heading's classes, or a paragraph's role in its callout (`caption`, `credit`).
    pub classes: Vec<String>,
    pub date: Option<FuzzyDate>,
    pub supplied: bool,
}

/// An entity mentioned in a block or note, with the words around it.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Index into the archive's entities.
    pub entity: usize,
    /// The id of the block or note it stands in.
    pub anchor: String,
    /// The paragraph number, when it stands in a numbered block.
    pub number: Option<usize>,
    pub snippet: Snippet,
    /// Whether it stands in an editor's note rather than the author's words.
    pub editorial: bool,
}

/// A source cited in a block or note.
#[derive(Debug, Clone)]
pub struct Citation {
    /// Index into the archive's sources.
    pub source: usize,
    pub anchor: String,
    pub number: Option<usize>,
    pub locator: Option<String>,
    /// The text leading up to the citation.
    pub snippet: Snippet,
}

/// An editorial note (CriticMarkup), with the words it comments on.
#[derive(Debug, Clone)]
pub struct Annotation {
    /// Its id on the document page, `ed-N`.
    pub id: String,
    /// The block it stands in.
    pub anchor: Option<String>,
    pub number: Option<usize>,
    /// The highlighted words, when the note comments on a span.
    pub span: Option<String>,
    pub body: Body,
}

/// Keyword in context: the mention and some words either side. The three parts
/// are one string, cut at two offsets: an archive holds hundreds of thousands of
/// snippets for the whole build, and one allocation each, not three, is a few
/// percent of its memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    words: String,
    text_start: u32,
    text_end: u32,
}

impl Snippet {
    /// Cuts about `WIDTH` characters either side of `text[start..start + len]`, at word breaks.
    pub fn new(text: &str, start: usize, len: usize) -> Snippet {
        const WIDTH: usize = 80;
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let before = &text[..start];
        let after = &text[end..];
        let mut cut_before = before.char_indices().rev().nth(WIDTH).map_or(0, |(i, _)| i);
        if cut_before > 0 {
            cut_before = before[cut_before..]
                .find(' ')
                .map_or(cut_before, |i| cut_before + i + 1);
        }
        let mut cut_after = after
            .char_indices()
            .nth(WIDTH)
            .map_or(after.len(), |(i, _)| i);
        if cut_after < after.len() {
            cut_after = after[..cut_after].rfind(' ').unwrap_or(cut_after);
        }
        let mut words = String::with_capacity(end - cut_before + cut_after + 6);
        if cut_before > 0 {
            words.push('…');
        }
        words.push_str(&before[cut_before..]);
        let text_start = words.len();
        words.push_str(&text[start..end]);
        let text_end = words.len();
        words.push_str(&after[..cut_after]);
        if cut_after < after.len() {
            words.push('…');
        }
        // A snippet is a few hundred bytes, whatever the text it is cut from.
        let offset = |n: usize| u32::try_from(n).expect("a snippet is short");
        Snippet {
            text_start: offset(text_start),
            text_end: offset(text_end),
            words,
        }
    }

    /// The words before the mention, from a word break (`…` when cut).
    pub fn before(&self) -> &str {
        &self.words[..self.text_start as usize]
    }

    /// The mention itself.
    pub fn text(&self) -> &str {
        &self.words[self.text_start as usize..self.text_end as usize]
    }

    /// The words after it, up to a word break (`…` when cut).
    pub fn after(&self) -> &str {
        &self.words[self.text_end as usize..]
    }
}

impl serde::Serialize for Snippet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Snippet", 3)?;
        s.serialize_field("before", self.before())?;
        s.serialize_field("text", self.text())?;
        s.serialize_field("after", self.after())?;
        s.end()
    }
}

#[derive(Debug, Clone)]
pub struct Footnote {
    pub id: String,
    pub number: usize,
    pub body: Body,
    /// Ids of the references to it, in reading order.
    pub references: Vec<String>,
}

/// What parsing the whole archive produced.
pub struct Parsed {
    pub documents: Vec<Document>,
    /// Each entity's annotation, in the archive's entity order.
    pub entities: Vec<Text>,
    /// Each source's note, in the archive's source order.
    pub sources: Vec<Option<Text>>,
    pub lock: Lock,
    /// Whether `lock` differs from the lock the last build wrote.
    pub lock_changed: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a parsed document keeps the Markdown it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markdown {
    /// `serve` compares the next edit with it.
    Keep,
    /// A build renders from the parsed text: each file's text is freed as soon as
    /// it is parsed, and a later report that quotes it reads the file again.
    Drop,
}

/// Parses `documents`, the archive's, and every entity annotation of `archive`,
/// in parallel, in a deterministic order, giving blocks ids against `previous`,
/// the lock the last build wrote.
///
/// Each document's old entry is dropped as soon as its new one is made: the two
/// locks are never whole in memory together.
pub fn parse(
    archive: &Archive,
    documents: Vec<DocumentSource>,
    mut previous: Lock,
    markdown: Markdown,
) -> Parsed {
    let (names, registry_diagnostics) = Names::new(archive);
    let lookup = names.lookup();
    let olds: Vec<Option<DocLock>> = documents
        .iter()
        .map(|doc| previous.documents.remove(&doc.slug))
        .collect();
    // A document gone from the archive leaves its entry behind: the lock changes.
    let mut lock_changed = !previous.documents.is_empty();
    drop(previous);
    let results: Vec<(Document, DocLock, bool, Vec<Diagnostic>)> = documents
        .into_par_iter()
        .zip(olds)
        .map(|(doc, old)| {
            let (mut document, lock, diagnostics) =
                parse_document(&doc, old.as_ref().unwrap_or(&DocLock::default()), &lookup);
            if markdown == Markdown::Drop {
                // Its last copy goes with `doc` (a diagnostic keeps its own).
                document.source.file.text = Arc::from("");
                document.source.body_start = 0;
            }
            let changed = old.is_none_or(|old| old != lock);
            (document, lock, changed, diagnostics)
        })
        .collect();
    let entities: Vec<(Text, Vec<Diagnostic>)> = archive
        .entities
        .par_iter()
        .map(|entity| {
            let range = entity.body_start..entity.file.text.len();
            parse_text(&entity.file, range, &lookup)
        })
        .collect();
    let sources: Vec<Option<(Text, Vec<Diagnostic>)>> = archive
        .sources
        .par_iter()
        .map(|source| {
            let note = source.note.as_ref()?;
            Some(parse_text(&note.file, note.range.clone(), &lookup))
        })
        .collect();
    let mut parsed = Parsed {
        documents: Vec::with_capacity(results.len()),
        entities: Vec::with_capacity(entities.len()),
        sources: Vec::with_capacity(sources.len()),
        lock: Lock::default(),
        lock_changed: false,
        diagnostics: registry_diagnostics,
    };
    for (doc, doc_lock, changed, diagnostics) in results {
        lock_changed |= changed;
        parsed
            .lock
            .documents
            .insert(doc.source.slug.clone(), doc_lock);
        parsed.documents.push(doc);
        parsed.diagnostics.extend(diagnostics);
    }
    for (text, diagnostics) in entities {
        parsed.entities.push(text);
        parsed.diagnostics.extend(diagnostics);
    }
    for note in sources {
        parsed.sources.push(note.map(|(text, diagnostics)| {
            parsed.diagnostics.extend(diagnostics);
            text
        }));
    }
    parsed.lock_changed = lock_changed;
    parsed
}

/// What a text's names are looked up in: the entities' spellings and the
/// bibliography, built once per archive.
pub struct Names {
    registry: mentions::Registry,
    bibliography: citations::Bibliography,
}

impl Names {
    pub fn new(archive: &Archive) -> (Names, Vec<Diagnostic>) {
        let (registry, diagnostics) = mentions::Registry::new(&archive.entities);
        let bibliography = citations::Bibliography::new(&archive.sources);
        (
            Names {
                registry,
                bibliography,
            },
            diagnostics,
        )
    }

    pub fn lookup(&self) -> markdown::Lookup<'_> {
        markdown::Lookup {
            entities: &self.registry,
            sources: &self.bibliography,
        }
    }
}

/// Parses a document, giving its blocks ids against what the lock recorded.
pub fn parse_document(
    source: &DocumentSource,
    previous: &DocLock,
    lookup: &markdown::Lookup,
) -> (Document, DocLock, Vec<Diagnostic>) {
    let file = &source.file;
    let walked = markdown::walk(
        &file.path,
        &file.text,
        source.body_start..file.text.len(),
        lookup,
    );
    let keys: Vec<BlockKey> = walked
        .blocks
        .iter()
        .map(|b| BlockKey {
            text: &b.text,
            explicit: b.explicit.as_deref(),
        })
        .collect();
    let (ids, doc_lock) = ids::assign(previous, &keys);
    let mut diagnostics = explicit_ids::check(&source.file, &walked.blocks);
    let (mut text, walk_diagnostics) = assemble(walked, ids, true, file);
    diagnostics.splice(0..0, walk_diagnostics);
    let fields = fields::walk(source, lookup, &mut text, &mut diagnostics);
    let word_count = text
        .blocks
        .iter()
        .filter(|b| b.kind != BlockKind::Heading)
        .map(|b| markdown::word_count(&b.text))
        .sum();
    let document = Document {
        source: source.clone(),
        incipit: incipit(&text.blocks),
        text,
        fields,
        retired: doc_lock
            .retired
            .iter()
            .map(|r| (r.id.clone(), r.to.clone()))
            .collect(),
        word_count,
    };
    (document, doc_lock, diagnostics)
}

impl Document {
    /// The body of a printed front matter field, if the document has it.
    pub fn field(&self, field: Field) -> Option<&Body> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, body)| body)
    }
}

/// Parses a text whose blocks are not citable, at `range` of `file`: an entity
/// annotation, or a source's note.
pub fn parse_text(
    file: &SourceFile,
    range: std::ops::Range<usize>,
    lookup: &markdown::Lookup,
) -> (Text, Vec<Diagnostic>) {
    let walked = markdown::walk(&file.path, &file.text, range, lookup);
    let ids = vec![String::new(); walked.blocks.len()];
    assemble(walked, ids, false, file)
}

/// The walk's findings, located by block id and paragraph number.
pub(crate) fn assemble(
    walked: markdown::Walked,
    ids: Vec<String>,
    numbered: bool,
    file: &SourceFile,
) -> (Text, Vec<Diagnostic>) {
    let mut number = 0;
    let mut blocks: Vec<Block> = walked
        .blocks
        .into_iter()
        .zip(ids)
        .map(|(raw, id)| {
            let heading = raw.heading.as_ref();
            Block {
                id,
                kind: raw.kind,
                number: (numbered && raw.kind != BlockKind::Heading).then(|| {
                    number += 1;
                    number
                }),
                level: heading.map(|h| h.level),
                classes: match (heading, raw.role) {
                    (Some(h), _) => h.classes.clone(),
                    (None, Some(role)) => vec![role.to_string()],
                    (None, None) => Vec::new(),
                },
                date: heading.and_then(|h| h.date),
                supplied: heading.is_some_and(|h| h.classes.iter().any(|c| c == "supplied")),
                text: {
                    // Grown by pushes, and kept for the whole build: without the slack.
                    let mut text = raw.text;
                    text.shrink_to_fit();
                    text
                },
            }
        })
        .collect();
    // Collected in the buffer the walk grew by pushes: kept for the whole build,
    // without its slack.
    blocks.shrink_to_fit();
    let footnote_ids: std::collections::BTreeMap<&str, (String, &str)> = walked
        .footnotes
        .iter()
        .map(|f| {
            let id = format!("fn-{}", markdown::anchor_label(&f.label));
            (f.label.as_str(), (id, f.text.as_str()))
        })
        .collect();
    // Where a mention, citation or note stands: the anchor, ¶ number and text there.
    let locate = |place: &markdown::Place| -> Option<(String, Option<usize>, &str)> {
        match place {
            markdown::Place::Block(i) => {
                let block = &blocks[*i];
                Some((block.id.clone(), block.number, block.text.as_str()))
            }
            markdown::Place::Footnote(label) => {
                let (id, text) = footnote_ids.get(label.as_str())?;
                Some((id.clone(), None, *text))
            }
        }
    };
    let snippet = |text: &str, position: usize, len: usize| {
        let start = position.min(text.len());
        text.is_char_boundary(start)
            .then(|| Snippet::new(text, start, len))
    };
    // Reserved whole: the lists live as long as the build, and `collect` after a
    // `filter_map` grows them by doubling.
    let mut mentions = Vec::with_capacity(walked.mentions.len());
    mentions.extend(walked.mentions.iter().filter_map(|m| {
        let (anchor, number, text) = locate(&m.place)?;
        Some(Mention {
            entity: m.entity,
            anchor,
            number,
            snippet: snippet(text, m.position, m.len)?,
            editorial: m.editorial,
        })
    }));
    let mut citations = Vec::with_capacity(walked.citations.len());
    citations.extend(walked.citations.iter().filter_map(|c| {
        let (anchor, number, text) = locate(&c.place)?;
        Some(Citation {
            source: c.source,
            anchor,
            number,
            locator: c.locator.clone(),
            snippet: snippet(text, c.position, 0)?,
        })
    }));
    let mut links = walked.links;
    for (link, place) in links.iter_mut().zip(&walked.link_places) {
        link.from = place
            .as_ref()
            .and_then(&locate)
            .map(|(anchor, _, _)| anchor);
    }
    let annotations = walked
        .annotations
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let (anchor, number) = match a.place.as_ref().and_then(&locate) {
                Some((anchor, number, _)) => (Some(anchor), number),
                None => (None, None),
            };
            Annotation {
                id: format!("ed-{}", i + 1),
                anchor,
                number,
                span: a.span,
                body: a.body,
            }
        })
        .collect();
    let mut diagnostics = walked.diagnostics;
    // Words of cross-references name other passages' dates, not their own.
    let not_dates: Vec<(&markdown::Place, std::ops::Range<usize>)> = walked
        .link_places
        .iter()
        .zip(&walked.link_spans)
        .filter_map(|(place, span)| Some((place.as_ref()?, span.clone())))
        .collect();
    let dates = dates_in(
        &blocks,
        &walked.footnotes,
        &walked.dates,
        &not_dates,
        file,
        &mut diagnostics,
    );
    let mut footnotes: Vec<Footnote> = walked
        .footnotes
        .into_iter()
        .map(|f| Footnote {
            id: format!("fn-{}", markdown::anchor_label(&f.label)),
            number: f.number,
            body: f.body,
            references: f.references,
        })
        .collect();
    footnotes.shrink_to_fit();
    let text = Text {
        highlighted: walked.highlighted,
        body: walked.body,
        dates,
        blocks,
        footnotes,
        links,
        mentions,
        citations,
        annotations,
    };
    (text, diagnostics)
}

/// The dates of every block and footnote: those the words state, less any the
/// editor refused or replaced, plus those the editor gave. Words that look like a
/// date but make none are reported.
fn dates_in(
    blocks: &[Block],
    footnotes: &[markdown::RawFootnote],
    explicit: &[markdown::RawDate],
    not_dates: &[(&markdown::Place, std::ops::Range<usize>)],
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<DateRef> {
    // A heading's date is its `date=` attribute: a timeline entry of its own.
    let places = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.kind != BlockKind::Heading)
        .map(|(i, b)| (markdown::Place::Block(i), b.id.clone(), b.number, &b.text))
        .chain(footnotes.iter().map(|f| {
            let id = format!("fn-{}", markdown::anchor_label(&f.label));
            (
                markdown::Place::Footnote(f.label.clone()),
                id,
                None,
                &f.text,
            )
        }));
    let mut all = Vec::new();
    for (place, anchor, number, text) in places {
        let same = |p: &markdown::Place| match (p, &place) {
            (markdown::Place::Block(a), markdown::Place::Block(b)) => a == b,
            (markdown::Place::Footnote(a), markdown::Place::Footnote(b)) => a == b,
            _ => false,
        };
        let given: Vec<&markdown::RawDate> = explicit.iter().filter(|d| same(&d.place)).collect();
        let mut here: Vec<(usize, DateRef)> = Vec::new();
        for found in dates::find(text) {
            let overlaps = given.iter().any(|g| {
                g.position < found.range.end && found.range.start < g.position + g.len.max(1)
            });
            let in_link = not_dates.iter().any(|(p, span)| {
                same(p) && span.start < found.range.end && found.range.start < span.end
            });
            if overlaps || in_link {
                continue;
            }
            match found.date {
                Ok(date) => here.push((
                    found.range.start,
                    DateRef {
                        date,
                        anchor: anchor.clone(),
                        number,
                        snippet: Snippet::new(text, found.range.start, found.range.len()),
                        explicit: false,
                    },
                )),
                Err(problem) => diagnostics.push(
                    Diagnostic::warning(
                        &file.path,
                        format!("cannot read the date `{}`: {problem}", &text[found.range]),
                    )
                    .help("write it as a real date, or give the date with `[the words](date:YYYY-MM-DD)`, or `date:-` for none"),
                ),
            }
        }
        for g in given {
            let Some(date) = g.date else { continue };
            let start = g.position.min(text.len());
            if !text.is_char_boundary(start) {
                continue;
            }
            here.push((
                start,
                DateRef {
                    date,
                    anchor: anchor.clone(),
                    number,
                    snippet: Snippet::new(text, start, g.len),
                    explicit: true,
                },
            ));
        }
        here.sort_by_key(|(at, _)| *at);
        all.extend(here.into_iter().map(|(_, d)| d));
    }
    all
}

fn incipit(blocks: &[Block]) -> String {
    let Some(first) = blocks.iter().find(|b| b.kind == BlockKind::Paragraph) else {
        return String::new();
    };
    let words: Vec<&str> = first.text.split_whitespace().collect();
    if words.len() <= 12 {
        words.join(" ")
    } else {
        format!("{}…", words[..12].join(" "))
    }
}
