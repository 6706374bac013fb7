//! Markdown body → HTML, citable blocks, headings, footnotes and links.
//!
//! pulldown-cmark's events pass through one walk that
//! 1. turns `> [!kind]` block quotes into callouts (pull quotes, figures, bios…);
//! 2. opens a citable block at each paragraph, heading, list item and table, leaving
//!    a placeholder for its tags because its id is known only once every block's
//!    text is (ids come from the whole document, see `crate::ids`);
//! 3. numbers footnote references in order of first use and moves definitions out
//!    of the flow, to be rendered at the end with links both ways;
//! 4. highlights fenced code and rewrites links to other documents' `.md` files.
//!
//! Offsets are kept relative to the whole file so diagnostics point at real lines.

mod blocks;
mod cite;
mod critic;
mod footnotes;
mod links;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::citations::{self, Bibliography};
use super::highlight;
use super::mentions::{Registry, Target};
use crate::date::FuzzyDate;
use crate::diagnostics::Diagnostic;
pub use cite::RawCitation;
pub use critic::RawAnnotation;
use critic::{Critic, next_marker};

/// What kind of element a citable block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    Paragraph,
    Heading,
    Item,
    Table,
}

/// A citable block before its id is known.
#[derive(Debug, Clone)]
pub struct RawBlock {
    pub kind: BlockKind,
    /// Plain text, markup stripped.
    pub text: String,
    /// An id the author wrote: `{#id}` at the end of a paragraph, or a heading's `{#id}`.
    pub explicit: Option<String>,
    /// Byte offset of the block in the file.
    pub offset: usize,
    /// Heading level, classes and date, for headings.
    pub heading: Option<HeadingInfo>,
}

#[derive(Debug, Clone)]
pub struct HeadingInfo {
    pub level: u8,
    pub classes: Vec<String>,
    pub date: Option<FuzzyDate>,
}

/// A footnote definition, rendered, with the ids of the references that point to it.
#[derive(Debug, Clone)]
pub struct RawFootnote {
    pub label: String,
    /// Plain text, for snippets of what the note mentions.
    pub text: String,
    /// 1-based, in order of first reference; unreferenced notes come last.
    pub number: usize,
    pub html: String,
    pub references: Vec<String>,
}

/// A link to another document, to be checked once every document is known.
#[derive(Debug, Clone)]
pub struct CrossLink {
    /// The target document, or `None` for an anchor in the same document.
    pub slug: Option<String>,
    pub anchor: Option<String>,
    pub offset: usize,
}

/// The walk's result: HTML with a placeholder per block tag, to be filled by [`Walked::finish`].
pub struct Walked {
    pub blocks: Vec<RawBlock>,
    pub footnotes: Vec<RawFootnote>,
    pub links: Vec<CrossLink>,
    pub mentions: Vec<RawMention>,
    pub citations: Vec<RawCitation>,
    pub annotations: Vec<RawAnnotation>,
    pub diagnostics: Vec<Diagnostic>,
    /// HTML pieces; `Piece::Open(i)`/`Piece::Close(i)` stand for block `i`'s tags.
    pieces: Vec<Piece>,
}

enum Piece {
    Html(String),
    Open(usize),
    Close(usize),
}

const CALLOUTS: &[&str] = &["pullquote", "figure", "bio", "disclaimer", "note"];

fn options() -> Options {
    Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Walks the Markdown `body`, which starts at byte `body_start` of `source`.
/// What the walk resolves names against: entities and sources.
pub struct Lookup<'a> {
    pub entities: &'a Registry,
    pub sources: &'a Bibliography,
}

pub fn walk(path: &Path, source: &Arc<str>, body_start: usize, lookup: &Lookup) -> Walked {
    let body = &source[body_start..];
    // `[@key, p. 1]` has no link definition: claim it as a citation.
    let mut cite = |link: pulldown_cmark::BrokenLink<'_>| {
        citations::parse_group(&link.reference).map(|_| {
            (
                CowStr::from(format!("cite:{}", link.reference)),
                CowStr::from(""),
            )
        })
    };
    let events: Vec<(Event, Range<usize>)> =
        Parser::new_with_broken_link_callback(body, options(), Some(&mut cite))
            .into_offset_iter()
            .collect();
    let registry = lookup.entities;
    let mut walker = Walker {
        path,
        source,
        base: body_start,
        body,
        out: Vec::new(),
        pieces: Vec::new(),
        blocks: Vec::new(),
        open_blocks: Vec::new(),
        containers: Vec::new(),
        quiet: 0,
        footnote_refs: BTreeMap::new(),
        footnote_order: Vec::new(),
        defined: events
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Start(Tag::FootnoteDefinition(label)) => Some(label.to_string()),
                _ => None,
            })
            .collect(),
        definitions: BTreeMap::new(),
        in_definition: None,
        skip_until: 0,
        run: None,
        registry,
        sources: lookup.sources,
        citations: Vec::new(),
        critic: Critic::default(),
        annotations: Vec::new(),
        link_roles: Vec::new(),
        mentions: Vec::new(),
        links: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut events = events.into_iter();
    while let Some((event, range)) = events.next() {
        if let Event::Start(Tag::CodeBlock(kind)) = &event {
            let lang = match kind {
                CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_string),
                CodeBlockKind::Indented => None,
            };
            let mut code = String::new();
            for (e, _) in events.by_ref() {
                match e {
                    Event::Text(t) => code.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => break,
                    _ => {}
                }
            }
            walker.emit_html(highlight::code_block(&code, lang.as_deref()));
            continue;
        }
        walker.event(event, range);
    }
    walker.finish()
}

struct Walker<'a, 'p> {
    path: &'p Path,
    source: &'p Arc<str>,
    base: usize,
    body: &'a str,
    /// Markdown events not yet turned into HTML.
    out: Vec<Event<'a>>,
    pieces: Vec<Piece>,
    blocks: Vec<RawBlock>,
    /// Indices of blocks whose text is being collected, innermost last.
    open_blocks: Vec<usize>,
    /// Closing HTML for each open block quote (callout or plain), and for list items.
    containers: Vec<Container>,
    /// Depth of containers inside which paragraphs are not citable (pull quotes, items).
    quiet: usize,
    footnote_refs: BTreeMap<String, Vec<String>>,
    footnote_order: Vec<String>,
    defined: Vec<String>,
    definitions: BTreeMap<String, (Vec<Event<'a>>, String)>,
    /// The footnote definition being read: label, events, plain text.
    in_definition: Option<(String, Vec<Event<'a>>, String)>,
    /// Source offset up to which text belongs to a callout marker and is dropped.
    skip_until: usize,
    /// Adjacent text events not yet emitted, with the source offset of each piece:
    /// mentions and `[^missing]` are searched in the whole run.
    run: Option<TextRun>,
    registry: &'p Registry,
    sources: &'p Bibliography,
    citations: Vec<RawCitation>,
    critic: Critic,
    annotations: Vec<RawAnnotation>,
    /// For each open link, what its closing tag becomes.
    link_roles: Vec<LinkRole>,
    mentions: Vec<RawMention>,
    links: Vec<CrossLink>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Default)]
struct TextRun {
    text: String,
    /// `(index in text, source offset)` of each piece.
    pieces: Vec<(usize, usize)>,
}

impl TextRun {
    fn source_offset(&self, index: usize) -> usize {
        let piece = self
            .pieces
            .iter()
            .rev()
            .find(|(at, _)| *at <= index)
            .copied()
            .unwrap_or((0, 0));
        piece.1 + (index - piece.0)
    }
}

enum LinkRole {
    Plain,
    /// A citation group: its text is replaced by the formatted citation.
    Citation,
    /// An explicit mention, with the index of its record.
    Mention(Option<usize>),
    /// An explicit mention of an unknown entity: shown as plain text.
    Dropped,
}

/// Where a mention stands, before block ids are known.
#[derive(Debug, Clone)]
pub enum Place {
    Block(usize),
    Footnote(String),
}

/// An entity mentioned in a document.
#[derive(Debug, Clone)]
pub struct RawMention {
    pub entity: usize,
    pub place: Place,
    /// Byte position and length of the mention in the block's (or note's) plain text.
    pub position: usize,
    pub len: usize,
}

enum Container {
    Quote { close: &'static str, quiet: bool },
    Item { block: usize },
    Table { block: usize },
}

impl<'a> Walker<'a, '_> {
    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if matches!(event, Event::End(TagEnd::Paragraph)) && self.quiet == 0 {
            self.take_trailing_id();
        }
        if !matches!(event, Event::Text(_)) {
            self.flush_text();
        }
        if self.in_definition.is_some() {
            if let Event::End(TagEnd::FootnoteDefinition) = event {
                // A note must close inside the footnote it opened in.
                self.close_critic();
                if let Some((label, events, text)) = self.in_definition.take() {
                    self.definitions
                        .insert(label, (events, text.trim_end().to_string()));
                }
            } else {
                self.inline(event, range);
            }
            return;
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.in_definition = Some((label.to_string(), Vec::new(), String::new()));
            }
            Event::Start(Tag::BlockQuote(_)) => self.open_quote(range),
            Event::End(TagEnd::BlockQuote(_)) => {
                // pulldown-cmark balances start and end events, so this is the quote's container.
                if let Some(Container::Quote { close, quiet }) = self.containers.pop() {
                    if quiet {
                        self.quiet -= 1;
                    }
                    self.emit_html(close.to_string());
                }
            }
            Event::Start(Tag::Paragraph) if self.quiet == 0 => {
                self.open_block(BlockKind::Paragraph, range.start, None, None);
            }
            Event::End(TagEnd::Paragraph) if self.quiet == 0 => self.close_paragraph(),
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let info = self.heading_info(level, &classes, &attrs, range.start);
                self.open_block(
                    BlockKind::Heading,
                    range.start,
                    id.map(|s| s.to_string()),
                    Some(info),
                );
            }
            Event::End(TagEnd::Heading(_)) => self.close_block(),
            Event::Start(Tag::Item) if self.quiet == 0 => {
                let block = self.open_block(BlockKind::Item, range.start, None, None);
                self.containers.push(Container::Item { block });
                self.quiet += 1;
            }
            Event::End(TagEnd::Item)
                if matches!(self.containers.last(), Some(Container::Item { .. })) =>
            {
                self.quiet -= 1;
                if let Some(Container::Item { block }) = self.containers.pop() {
                    self.end_text(block);
                }
            }
            Event::Start(Tag::Table(alignments)) if self.quiet == 0 => {
                let block = self.new_block(BlockKind::Table, range.start, None, None);
                self.pieces_push_open(block);
                self.open_blocks.push(block);
                self.containers.push(Container::Table { block });
                self.out.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table)
                if matches!(self.containers.last(), Some(Container::Table { .. })) =>
            {
                self.out.push(Event::End(TagEnd::Table));
                if let Some(Container::Table { block }) = self.containers.pop() {
                    self.end_text(block);
                }
            }
            other => self.inline(other, range),
        }
    }

    /// Where inline events go: the open footnote definition, or the body.
    fn sink(&mut self) -> &mut Vec<Event<'a>> {
        match &mut self.in_definition {
            Some((_, events, _)) => events,
            None => &mut self.out,
        }
    }

    /// Inline events: text collection, footnote references, links.
    fn inline(&mut self, event: Event<'a>, range: Range<usize>) {
        if matches!(self.link_roles.last(), Some(LinkRole::Citation))
            && !matches!(event, Event::End(TagEnd::Link))
        {
            return;
        }
        let event = match event {
            Event::Text(text) => {
                if range.end + self.base <= self.skip_until {
                    return;
                }
                let run = self.run.get_or_insert_with(TextRun::default);
                run.pieces.push((run.text.len(), range.start));
                run.text.push_str(&text);
                return;
            }
            Event::End(TagEnd::TableCell) => {
                self.collect_text(" ");
                event
            }
            Event::Code(code) => {
                self.collect_text(&code);
                Event::Code(code)
            }
            Event::SoftBreak | Event::HardBreak => {
                if self.skip_until > 0 && range.start + self.base <= self.skip_until + 1 {
                    self.skip_until = 0;
                    return;
                }
                self.collect_text(" ");
                event
            }
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(group) = dest_url.strip_prefix("cite:") {
                    self.citation_group(group, range.start);
                    return;
                }
                if let Some(id) = dest_url.strip_prefix('@') {
                    match self.sources.index_of(id) {
                        Some(source) => self.own_words_citation(source, &title, range.start),
                        None => self.explicit_mention(id, range.start),
                    }
                    return;
                }
                self.link_roles.push(LinkRole::Plain);
                let dest_url = self.rewrite_link(dest_url, range.start);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Link) => match self.link_roles.pop() {
                Some(LinkRole::Mention(index)) => {
                    let end = self.current_text_len();
                    if let Some(m) = index.and_then(|i| self.mentions.get_mut(i)) {
                        m.len = end.saturating_sub(m.position);
                    }
                    Event::Html(CowStr::from("</a>"))
                }
                Some(LinkRole::Dropped | LinkRole::Citation) => return,
                _ => event,
            },
            other => other,
        };
        self.sink().push(event);
    }

    /// Emits the pending run of text: CriticMarkup markers become editorial
    /// notes, and entity mentions in the text between them become links.
    fn flush_text(&mut self) {
        let Some(run) = self.run.take() else { return };
        self.check_undefined_footnotes(&run);
        let mut at = 0;
        while let Some((i, marker)) = next_marker(&run.text[at..]) {
            self.emit_text(&run, at..at + i);
            self.critic_marker(marker, self.base + run.source_offset(at + i));
            at += i + marker.len();
        }
        self.emit_text(&run, at..run.text.len());
    }

    fn emit_text(&mut self, run: &TextRun, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let text = &run.text[range.clone()];
        let found = if self.link_roles.is_empty() {
            self.registry.find(text)
        } else {
            Vec::new()
        };
        if found.is_empty() {
            self.collect_text(text);
            self.sink()
                .push(Event::Text(CowStr::from(text.to_string())));
            return;
        }
        let mut html = String::with_capacity(text.len() * 2);
        let mut at = 0;
        for f in found {
            let before = &text[at..f.range.start];
            self.collect_text(before);
            html.push_str(&escape(before));
            let shown = &text[f.range.clone()];
            let mut mention = None;
            match f.target {
                Target::Entity(entity) => {
                    mention = self.record_mention(entity, 0);
                    html.push_str(&self.registry.link_open(entity));
                    html.push_str(&escape(shown));
                    html.push_str("</a>");
                }
                Target::Ambiguous(candidates) => {
                    let start = self.base + run.source_offset(range.start + f.range.start);
                    let ids: Vec<&str> = candidates
                        .iter()
                        .map(|&i| self.registry.ids[i].as_str())
                        .collect();
                    self.diagnostics.push(
                        Diagnostic::warning(
                            self.path,
                            format!("ambiguous mention `{shown}`: {}", ids.join(", ")),
                        )
                        .at(self.source, start..start + shown.len())
                        .help(format!(
                            "write `[{shown}](@{})` with the entity meant",
                            ids[0]
                        )),
                    );
                    html.push_str(&escape(shown));
                }
            }
            let before_len = self.current_text_len();
            self.collect_text(shown);
            // Measured in the collected text, where runs of white space are collapsed.
            let len = self.current_text_len().saturating_sub(before_len);
            if let Some(m) = mention.and_then(|i| self.mentions.get_mut(i)) {
                m.len = len;
            }
            at = f.range.end;
        }
        let rest = &text[at..];
        self.collect_text(rest);
        html.push_str(&escape(rest));
        self.sink().push(Event::Html(CowStr::from(html)));
    }

    /// Where text is being collected: the open block or footnote.
    fn place(&self) -> Option<Place> {
        match (&self.in_definition, self.open_blocks.last()) {
            (Some((label, _, _)), _) => Some(Place::Footnote(label.clone())),
            (None, Some(&block)) => Some(Place::Block(block)),
            (None, None) => None,
        }
    }

    /// Length of the plain text collected so far for the open block or note.
    fn current_text_len(&self) -> usize {
        match (&self.in_definition, self.open_blocks.last()) {
            (Some((_, _, text)), _) => text.len(),
            (None, Some(&block)) => self.blocks[block].text.len(),
            (None, None) => 0,
        }
    }

    /// Appends to the plain text of the open block or note, collapsing white space
    /// as it goes so that recorded positions stay valid.
    fn collect_text(&mut self, text: &str) {
        if self.critic.note_start.is_some() {
            return;
        }
        if self.critic.highlight_open
            && let Some(h) = &mut self.critic.highlight
        {
            h.push_str(text);
        }
        let target = match (&mut self.in_definition, self.open_blocks.last()) {
            (Some((_, _, text)), _) => text,
            (None, Some(&block)) => &mut self.blocks[block].text,
            (None, None) => return,
        };
        for c in text.chars() {
            if c.is_whitespace() {
                if !target.is_empty() && !target.ends_with(' ') {
                    target.push(' ');
                }
            } else {
                target.push(c);
            }
        }
    }

    fn finish(mut self) -> Walked {
        self.flush_text();
        self.flush();
        let mut footnotes = Vec::new();
        let mut labels = self.footnote_order.clone();
        for label in self.definitions.keys() {
            if !labels.contains(label) {
                labels.push(label.clone());
                let at = self.source[self.base..]
                    .find(&format!("[^{label}]:"))
                    .map_or(0, |i| i + self.base);
                self.diagnostics.push(
                    Diagnostic::error(
                        self.path,
                        format!("footnote `[^{label}]` is defined but never referenced"),
                    )
                    .at(self.source, at..at + label.len() + 4)
                    .help(format!(
                        "add `[^{label}]` where the note belongs, or delete the definition"
                    )),
                );
            }
        }
        for (i, label) in labels.iter().enumerate() {
            let (events, text) = self.definitions.remove(label).unwrap_or_default();
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, events.into_iter());
            footnotes.push(RawFootnote {
                label: label.clone(),
                text,
                number: i + 1,
                html,
                references: self.footnote_refs.remove(label).unwrap_or_default(),
            });
        }
        Walked {
            blocks: self.blocks,
            footnotes,
            links: self.links,
            mentions: self.mentions,
            citations: self.citations,
            annotations: self.annotations,
            diagnostics: self.diagnostics,
            pieces: self.pieces,
        }
    }
}

/// `label` made safe for an HTML id.
pub fn anchor_label(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}
