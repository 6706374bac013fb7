//! Stage 2, parse: each document's Markdown into HTML and citable blocks with ids.
//!
//! Documents are independent here, so they are parsed in parallel. Block ids come
//! from `crate::ids`, given what the lock file recorded for the document, so they
//! stay the same across edits; the updated lock entry is returned alongside.

pub mod citations;
pub mod highlight;
pub mod markdown;
pub mod mentions;
mod sanitize;

use rayon::prelude::*;

use crate::date::FuzzyDate;
use crate::diagnostics::Diagnostic;
use crate::ids::{self, BlockKey, DocLock, Lock};
use crate::load::{Archive, DocumentSource};
pub use markdown::BlockKind;

/// A parsed document: its metadata, body HTML and what later stages link to.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: DocumentSource,
    pub body_html: String,
    pub blocks: Vec<Block>,
    pub footnotes: Vec<Footnote>,
    pub links: Vec<markdown::CrossLink>,
    /// Entity mentions in document order.
    pub mentions: Vec<Mention>,
    /// Citations of sources, in document order.
    pub citations: Vec<Citation>,
    /// The editor's notes, in document order.
    pub annotations: Vec<Annotation>,
    /// Ids this document once had and no longer has, with where each now points.
    pub retired: Vec<(String, String)>,
    /// The document's first words, to list it by when it has no title.
    pub incipit: String,
    pub word_count: usize,
}

/// A citable block with its permanent id.
#[derive(Debug, Clone)]
pub struct Block {
    pub id: String,
    pub kind: BlockKind,
    pub text: String,
    pub level: Option<u8>,
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
    pub html: String,
}

/// Keyword in context: the mention and some words either side.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Snippet {
    pub before: String,
    pub text: String,
    pub after: String,
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
        Snippet {
            before: format!(
                "{}{}",
                if cut_before > 0 { "…" } else { "" },
                &before[cut_before..]
            ),
            text: text[start..end].to_string(),
            after: format!(
                "{}{}",
                &after[..cut_after],
                if cut_after < after.len() { "…" } else { "" }
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Footnote {
    pub id: String,
    pub number: usize,
    pub html: String,
    pub references: Vec<String>,
}

/// What parsing the whole archive produced.
pub struct Parsed {
    pub documents: Vec<Document>,
    pub lock: Lock,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses every document of `archive`, in parallel, in a deterministic order.
pub fn parse(archive: &Archive, lock: &Lock) -> Parsed {
    let (registry, registry_diagnostics) = mentions::Registry::new(&archive.entities);
    let bibliography = citations::Bibliography::new(&archive.sources);
    let lookup = markdown::Lookup {
        entities: &registry,
        sources: &bibliography,
    };
    let results: Vec<(Document, DocLock, Vec<Diagnostic>)> = archive
        .documents
        .par_iter()
        .map(|doc| {
            let previous = lock.documents.get(&doc.slug).cloned().unwrap_or_default();
            let (mut doc, lock, diagnostics) = parse_document(doc, &previous, &lookup);
            if archive.config.sanitize_html {
                doc.body_html = sanitize::clean(&doc.body_html);
                for note in &mut doc.footnotes {
                    note.html = sanitize::clean(&note.html);
                }
                for note in &mut doc.annotations {
                    note.html = sanitize::clean(&note.html);
                }
            }
            (doc, lock, diagnostics)
        })
        .collect();
    let mut parsed = Parsed {
        documents: Vec::new(),
        lock: Lock::default(),
        diagnostics: registry_diagnostics,
    };
    for (doc, doc_lock, diagnostics) in results {
        parsed
            .lock
            .documents
            .insert(doc.source.slug.clone(), doc_lock);
        parsed.documents.push(doc);
        parsed.diagnostics.extend(diagnostics);
    }
    parsed
}

pub fn parse_document(
    source: &DocumentSource,
    previous: &DocLock,
    lookup: &markdown::Lookup,
) -> (Document, DocLock, Vec<Diagnostic>) {
    let walked = markdown::walk(
        &source.file.path,
        &source.file.text,
        source.body_start,
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
    let mut number = 0;
    let numbers: Vec<Option<usize>> = walked
        .blocks
        .iter()
        .map(|b| {
            (b.kind != BlockKind::Heading).then(|| {
                number += 1;
                number
            })
        })
        .collect();
    let body_html = walked.finish(&ids, &numbers);
    let mut diagnostics = walked.diagnostics;
    diagnostics.extend(duplicate_explicit_ids(source, &walked.blocks));

    let blocks: Vec<Block> = walked
        .blocks
        .into_iter()
        .zip(ids.iter().cloned())
        .map(|(raw, id)| Block {
            id,
            kind: raw.kind,
            level: raw.heading.as_ref().map(|h| h.level),
            date: raw.heading.as_ref().and_then(|h| h.date),
            supplied: raw
                .heading
                .as_ref()
                .is_some_and(|h| h.classes.iter().any(|c| c == "supplied")),
            text: raw.text,
        })
        .collect();
    // Where a mention, citation or note stands: the anchor, ¶ number and text there.
    let locate = |place: &markdown::Place| -> Option<(String, Option<usize>, &str)> {
        match place {
            markdown::Place::Block(i) => {
                Some((blocks[*i].id.clone(), numbers[*i], blocks[*i].text.as_str()))
            }
            markdown::Place::Footnote(label) => {
                let note = walked.footnotes.iter().find(|f| &f.label == label)?;
                Some((
                    format!("fn-{}", markdown::anchor_label(label)),
                    None,
                    note.text.as_str(),
                ))
            }
        }
    };
    let snippet = |text: &str, position: usize, len: usize| {
        let start = position.min(text.len());
        text.is_char_boundary(start)
            .then(|| Snippet::new(text, start, len))
    };
    let mentions = walked
        .mentions
        .iter()
        .filter_map(|m| {
            let (anchor, number, text) = locate(&m.place)?;
            Some(Mention {
                entity: m.entity,
                anchor,
                number,
                snippet: snippet(text, m.position, m.len)?,
            })
        })
        .collect();
    let citations = walked
        .citations
        .iter()
        .filter_map(|c| {
            let (anchor, number, text) = locate(&c.place)?;
            Some(Citation {
                source: c.source,
                anchor,
                number,
                locator: c.locator.clone(),
                snippet: snippet(text, c.position, 0)?,
            })
        })
        .collect();
    let annotations = walked
        .annotations
        .iter()
        .map(|a| {
            let (anchor, number) = match a.place.as_ref().and_then(&locate) {
                Some((anchor, number, _)) => (Some(anchor), number),
                None => (None, None),
            };
            Annotation {
                id: a.id.clone(),
                anchor,
                number,
                span: a.span.clone(),
                html: a.html.clone(),
            }
        })
        .collect();
    let footnotes = walked
        .footnotes
        .into_iter()
        .map(|f| Footnote {
            id: format!("fn-{}", markdown::anchor_label(&f.label)),
            number: f.number,
            html: f.html,
            references: f.references,
        })
        .collect();
    let word_count = blocks
        .iter()
        .filter(|b| b.kind != BlockKind::Heading)
        .map(|b| b.text.split_whitespace().count())
        .sum();
    let incipit = incipit(&blocks);
    let document = Document {
        source: source.clone(),
        body_html,
        blocks,
        footnotes,
        links: walked.links,
        mentions,
        citations,
        annotations,
        retired: doc_lock
            .retired
            .iter()
            .map(|r| (r.id.clone(), r.to.clone()))
            .collect(),
        incipit,
        word_count,
    };
    (document, doc_lock, diagnostics)
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

/// Ids lectern gives elements of its own on a document page.
const RESERVED_IDS: &[&str] = &["main", "notes-heading"];
const RESERVED_PREFIXES: &[&str] = &["fn-", "fnref-", "ed-"];

fn duplicate_explicit_ids(
    source: &DocumentSource,
    blocks: &[markdown::RawBlock],
) -> Vec<Diagnostic> {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    let mut diagnostics = Vec::new();
    for block in blocks {
        let Some(id) = block.explicit.as_deref() else {
            continue;
        };
        let well_formed = id.starts_with(|c: char| c.is_ascii_alphabetic())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !well_formed {
            diagnostics.push(
                Diagnostic::error(&source.file.path, format!("`{id}` cannot be an id"))
                    .at(&source.file.text, block.offset..block.offset + 1)
                    .help("ids start with a letter and use only ASCII letters, digits, `-` and `_`, e.g. `{#april-1999}`"),
            );
            continue;
        }
        if RESERVED_IDS.contains(&id) || RESERVED_PREFIXES.iter().any(|p| id.starts_with(p)) {
            diagnostics.push(
                Diagnostic::error(&source.file.path, format!("the id `{id}` is reserved"))
                    .at(&source.file.text, block.offset..block.offset + 1)
                    .help("lectern uses `main`, `notes-heading` and ids starting `fn-`, `fnref-` or `ed-` for its own elements; choose another id"),
            );
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
            let line = source.file.text[..*first].matches('\n').count() + 1;
            diagnostics.push(
                Diagnostic::error(&source.file.path, format!("duplicate id `{id}`"))
                    .at(&source.file.text, block.offset..block.offset + 1)
                    .help(format!(
                        "line {line} already uses `{{#{id}}}`; ids must be unique in a document"
                    )),
            );
        } else {
            seen.push((id, block.offset));
        }
    }
    diagnostics
}
