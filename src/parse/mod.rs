//! Stage 2, parse: each document's Markdown into HTML and citable blocks with ids.
//!
//! Documents are independent here, so they are parsed in parallel. Block ids come
//! from `crate::ids`, given what the lock file recorded for the document, so they
//! stay the same across edits; the updated lock entry is returned alongside.

pub mod highlight;
pub mod markdown;

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
    let results: Vec<(Document, DocLock, Vec<Diagnostic>)> = archive
        .documents
        .par_iter()
        .map(|doc| {
            let previous = lock.documents.get(&doc.slug).cloned().unwrap_or_default();
            parse_document(doc, &previous)
        })
        .collect();
    let mut parsed = Parsed {
        documents: Vec::new(),
        lock: Lock::default(),
        diagnostics: Vec::new(),
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
) -> (Document, DocLock, Vec<Diagnostic>) {
    let walked = markdown::walk(&source.file.path, &source.file.text, source.body_start);
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
        .zip(ids)
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
