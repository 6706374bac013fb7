//! The Markdown walk: one pass over pulldown-cmark's `(Event, Range)` stream that
//! finds what a text holds and records it with its source position.
//!
//! The walker coordinates; each concern keeps its own state in its own module:
//! 1. `blocks`: citable blocks (paragraphs, headings, list items, tables), their
//!    plain text for ids and snippets, and `> [!kind]` callouts;
//! 2. `footnotes`: references numbered in order of first use, definitions moved out
//!    of the flow;
//! 3. `critic`: CriticMarkup editor's notes and highlights;
//! 4. `cite`: Pandoc citation groups and own-words citations;
//! 5. `links`: explicit mentions `[text](@id)` and cross-references to other
//!    documents' `.md` files; automatic mentions are found in runs of text here.
//!
//! Where lectern's own markup belongs, the walk leaves a [`Mark`] (see
//! `parse::body`); nothing here writes a URL. Offsets are kept relative to the
//! whole file so diagnostics point at real lines.

mod blocks;
mod cite;
mod critic;
mod footnotes;
mod links;
#[cfg(test)]
mod tests;
mod text;

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::body::{Body, Mark, Marks};
use super::citations::{self, Bibliography};
use super::highlight;
use super::mentions::{Registry, Target};
use crate::diagnostics::Diagnostic;
pub use blocks::{BlockKind, RawBlock};
use blocks::{Blocks, Container};
pub use cite::RawCitation;
pub use critic::RawAnnotation;
use critic::{Critic, next_marker};
use footnotes::Footnotes;
pub use footnotes::RawFootnote;
pub use links::{CrossLink, RawDate, RawMention};
use text::TextRun;
pub use text::word_count;

/// What the walk resolves names against: entities and sources.
pub struct Lookup<'a> {
    pub entities: &'a Registry,
    pub sources: &'a Bibliography,
}

/// Where a mention, citation or note stands, before block ids are known.
#[derive(Debug, Clone)]
pub enum Place {
    Block(usize),
    Footnote(String),
}

/// The walk's result: the body with marks, and everything found in it.
#[derive(Clone)]
pub struct Walked {
    pub body: Body,
    pub blocks: Vec<RawBlock>,
    pub footnotes: Vec<RawFootnote>,
    pub links: Vec<CrossLink>,
    /// Where each of `links` stands, and the span of its words in that text.
    pub link_places: Vec<Option<Place>>,
    pub link_spans: Vec<Range<usize>>,
    /// Dates the editor gave or refused explicitly.
    pub dates: Vec<RawDate>,
    pub mentions: Vec<RawMention>,
    pub citations: Vec<RawCitation>,
    pub annotations: Vec<RawAnnotation>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether a code block in it, body or note, was highlighted.
    pub highlighted: bool,
}

fn options() -> Options {
    Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What makes `text` more than one paragraph of inline Markdown, if anything: the
/// first block it would open besides its paragraph.
pub fn block_in(text: &str) -> Option<&'static str> {
    let mut paragraphs = 0;
    for event in Parser::new_ext(text, options()) {
        return Some(match event {
            Event::Start(Tag::Paragraph) if paragraphs == 0 => {
                paragraphs += 1;
                continue;
            }
            Event::Start(Tag::Paragraph) => "a second paragraph",
            Event::Start(Tag::Heading { .. }) => "a heading",
            Event::Start(Tag::BlockQuote(_)) => "a block quote",
            Event::Start(Tag::CodeBlock(_)) => "a code block",
            Event::Start(Tag::HtmlBlock) => "a block of HTML",
            Event::Start(Tag::List(_)) => "a list",
            Event::Start(Tag::Table(_)) => "a table",
            Event::Start(Tag::FootnoteDefinition(_)) => "a footnote",
            Event::Rule => "a thematic break",
            _ => continue,
        });
    }
    None
}

/// Walks the Markdown at `range` of `source`, the whole text of the file at `path`.
pub fn walk(path: &Path, source: &Arc<str>, range: Range<usize>, lookup: &Lookup) -> Walked {
    let body_start = range.start;
    let body = &source[range];
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
    let mut walker = Walker {
        at: At {
            path,
            source,
            base: body_start,
            body,
        },
        lookup,
        marks: Marks::default(),
        out: Vec::new(),
        run: None,
        blocks: Blocks::default(),
        notes: Footnotes::new(&events),
        critic: Critic::default(),
        link_roles: Vec::new(),
        found: Found::default(),
        diagnostics: Vec::new(),
        highlighted: false,
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
            walker.flush_text();
            let html = highlight::code_block(&code, lang.as_deref());
            walker.highlighted |= highlight::is_highlighted(&html);
            walker.sink().push(Event::Html(CowStr::from(html)));
            continue;
        }
        walker.event(event, range);
    }
    walker.finish()
}

/// Where the text being walked is, for diagnostics.
struct At<'a, 'p> {
    path: &'p Path,
    /// The whole file.
    source: &'p Arc<str>,
    /// Where the Markdown body starts in the file.
    base: usize,
    body: &'a str,
}

impl At<'_, '_> {
    /// The span of the link starting at body offset `offset`: to its closing `)`.
    fn link(&self, offset: usize) -> Range<usize> {
        let end = self.body[offset..]
            .find(')')
            .map_or(offset + 1, |i| offset + i + 1);
        offset..end
    }

    /// An error at `range` of the body.
    fn error(&self, message: impl Into<String>, range: Range<usize>) -> Diagnostic {
        Diagnostic::error(self.path, message)
            .at(self.source, range.start + self.base..range.end + self.base)
    }
}

/// What the walk records, in document order.
#[derive(Default)]
struct Found {
    mentions: Vec<RawMention>,
    citations: Vec<RawCitation>,
    annotations: Vec<RawAnnotation>,
    links: Vec<CrossLink>,
    link_places: Vec<Option<Place>>,
    link_spans: Vec<Range<usize>>,
    dates: Vec<RawDate>,
}

struct Walker<'a, 'p> {
    at: At<'a, 'p>,
    lookup: &'p Lookup<'p>,
    marks: Marks,
    /// Events of the body, with marks, outside footnote definitions.
    out: Vec<Event<'a>>,
    /// Adjacent text events not yet emitted: mentions, CriticMarkup and
    /// `[^missing]` are searched in the whole run.
    run: Option<TextRun>,
    blocks: Blocks,
    notes: Footnotes<'a>,
    critic: Critic,
    /// For each open link, what its closing tag becomes.
    link_roles: Vec<LinkRole>,
    found: Found,
    diagnostics: Vec<Diagnostic>,
    /// Whether a code block was highlighted.
    highlighted: bool,
}

enum LinkRole {
    Plain,
    /// A citation group: its text is replaced by the formatted citation.
    Citation,
    /// An explicit mention or own-words citation, with the index of its mention record.
    Mark(Option<usize>),
    /// An explicit mention of an unknown entity, or a link to a refused URL: its text stays.
    Dropped,
    /// Words the editor dated, `[text](date:…)`, with the index of the record.
    Date(usize),
    /// A cross-reference, with its index: its words name another passage, so a
    /// date in them is not this passage's.
    CrossRef(usize),
}

impl<'a> Walker<'a, '_> {
    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if matches!(event, Event::End(TagEnd::Paragraph)) && self.blocks.quiet == 0 {
            self.take_trailing_id();
        }
        if !matches!(event, Event::Text(_)) {
            self.flush_text();
        }
        if self.notes.is_open() {
            if let Event::End(TagEnd::FootnoteDefinition) = event {
                // A note must close inside the footnote it opened in.
                self.close_critic();
                self.notes.close_definition();
            } else {
                self.inline(event, range);
            }
            return;
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.notes.open_definition(&label, range.start);
            }
            Event::Start(Tag::BlockQuote(_)) => self.open_quote(range),
            Event::End(TagEnd::BlockQuote(_)) => self.close_quote(),
            Event::Start(Tag::Paragraph) if self.blocks.quiet == 0 => {
                self.open_block(BlockKind::Paragraph, range.start, None, None);
            }
            Event::End(TagEnd::Paragraph) if self.blocks.quiet == 0 => self.close_block(),
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let info = self.heading_info(level, &classes, &attrs, range.start);
                let id = id.map(|s| s.to_string());
                self.open_block(BlockKind::Heading, range.start, id, Some(info));
            }
            Event::End(TagEnd::Heading(_)) => self.close_block(),
            Event::Start(Tag::Item) if self.blocks.quiet == 0 => {
                let block = self.open_block(BlockKind::Item, range.start, None, None);
                self.blocks.containers.push(Container::Item { block });
                self.blocks.quiet += 1;
            }
            Event::End(TagEnd::Item)
                if matches!(self.blocks.containers.last(), Some(Container::Item { .. })) =>
            {
                self.blocks.quiet -= 1;
                if let Some(Container::Item { block }) = self.blocks.containers.pop() {
                    self.end_block(block);
                }
            }
            Event::Start(Tag::Table(alignments)) if self.blocks.quiet == 0 => {
                let block = self.blocks.push(BlockKind::Table, &self.at, range.start);
                let open = self.marks.line(Mark::BlockOpen(block));
                self.out.push(open);
                self.blocks.open.push(block);
                self.blocks.containers.push(Container::Table { block });
                self.out.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table)
                if matches!(self.blocks.containers.last(), Some(Container::Table { .. })) =>
            {
                self.out.push(Event::End(TagEnd::Table));
                if let Some(Container::Table { block }) = self.blocks.containers.pop() {
                    self.end_block(block);
                }
            }
            other => self.inline(other, range),
        }
    }

    /// Where inline events go: the open footnote definition, or the body.
    fn sink(&mut self) -> &mut Vec<Event<'a>> {
        match self.notes.open_events() {
            Some(events) => events,
            None => &mut self.out,
        }
    }

    fn push_mark(&mut self, mark: Mark) {
        let event = self.marks.event(mark);
        self.sink().push(event);
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
                if range.end + self.at.base <= self.blocks.skip_until {
                    return;
                }
                self.run
                    .get_or_insert_with(TextRun::default)
                    .push(&text, range.start);
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
                let skip = self.blocks.skip_until;
                if skip > 0 && range.start + self.at.base <= skip + 1 {
                    self.blocks.skip_until = 0;
                    return;
                }
                self.collect_text(" ");
                event
            }
            Event::FootnoteReference(label) => {
                self.footnote_reference(&label);
                return;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.open_link(link_type, dest_url, title, id, range);
                return;
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.checked_url(dest_url, range.start);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Link) => match self.link_roles.pop() {
                Some(LinkRole::Mark(index)) => {
                    let end = self.current_text_len();
                    if let Some(m) = index.and_then(|i| self.found.mentions.get_mut(i)) {
                        m.len = end.saturating_sub(m.position);
                    }
                    self.push_mark(Mark::LinkClose);
                    return;
                }
                Some(LinkRole::CrossRef(i)) => {
                    let end = self.current_text_len();
                    if let Some(span) = self.found.link_spans.get_mut(i) {
                        span.end = end.max(span.start);
                    }
                    self.push_mark(Mark::LinkClose);
                    return;
                }
                Some(LinkRole::Date(i)) => {
                    let end = self.current_text_len();
                    if let Some(d) = self.found.dates.get_mut(i) {
                        d.len = end.saturating_sub(d.position);
                    }
                    return;
                }
                Some(LinkRole::Dropped | LinkRole::Citation) => return,
                _ => event,
            },
            other => other,
        };
        self.sink().push(event);
    }

    /// Emits the pending run of text: CriticMarkup markers become editorial
    /// notes, and entity mentions in the text between them become marks.
    fn flush_text(&mut self) {
        let Some(run) = self.run.take() else { return };
        self.check_undefined_footnotes(&run);
        let mut at = 0;
        while let Some((i, marker)) = next_marker(&run.text[at..]) {
            self.emit_text(&run, at..at + i);
            self.critic_marker(marker, run.source_offset(at + i));
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
            self.lookup.entities.find(text)
        } else {
            Vec::new()
        };
        let mut at = 0;
        for f in found {
            self.emit_plain(&text[at..f.range.start]);
            let shown = &text[f.range.clone()];
            let mention = match &f.target {
                Target::Entity(entity) => {
                    let mention = self.record_mention(*entity, 0);
                    self.push_mark(Mark::Mention(*entity));
                    mention
                }
                Target::Ambiguous(candidates) => {
                    let start = run.source_offset(range.start + f.range.start);
                    self.ambiguous(shown, candidates, start);
                    None
                }
            };
            let before_len = self.current_text_len();
            self.emit_plain(shown);
            // Measured in the collected text, where runs of white space are collapsed.
            let len = self.current_text_len().saturating_sub(before_len);
            if let Some(m) = mention.and_then(|i| self.found.mentions.get_mut(i)) {
                m.len = len;
            }
            if matches!(f.target, Target::Entity(_)) {
                self.push_mark(Mark::LinkClose);
            }
            at = f.range.end;
        }
        self.emit_plain(&text[at..]);
    }

    /// Text as the author wrote it: collected for the block and emitted.
    fn emit_plain(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.collect_text(text);
        self.sink()
            .push(Event::Text(CowStr::from(text.to_string())));
    }

    /// Where text is being collected: the open footnote, or the open block.
    fn place(&self) -> Option<Place> {
        match (self.notes.open_label(), self.blocks.open.last()) {
            (Some(label), _) => Some(Place::Footnote(label.to_string())),
            (None, Some(&block)) => Some(Place::Block(block)),
            (None, None) => None,
        }
    }

    /// Length of the plain text collected so far for the open block or footnote.
    fn current_text_len(&self) -> usize {
        match (self.notes.open_text(), self.blocks.open.last()) {
            (Some(text), _) => text.len(),
            (None, Some(&block)) => self.blocks.list[block].text.len(),
            (None, None) => 0,
        }
    }

    /// Appends to the plain text of the open block or footnote, collapsing white
    /// space as it goes so that recorded positions stay valid. A note's own words
    /// are the editor's, not the author's: they are left out.
    fn collect_text(&mut self, text: &str) {
        if self.critic.in_note() {
            return;
        }
        self.critic.collect(text);
        let target = match (self.notes.open_text_mut(), self.blocks.open.last()) {
            (Some(text), _) => text,
            (None, Some(&block)) => &mut self.blocks.list[block].text,
            (None, None) => return,
        };
        text::push_collapsed(target, text);
    }

    fn finish(mut self) -> Walked {
        self.flush_text();
        let (footnotes, unreferenced) = self.notes.finish(&self.marks);
        for label in unreferenced {
            let at = self.at.body.find(&format!("[^{label}]:")).unwrap_or(0);
            self.diagnostics.push(
                self.at
                    .error(
                        format!("footnote `[^{label}]` is defined but never referenced"),
                        at..at + label.len() + 4,
                    )
                    .help(format!(
                        "add `[^{label}]` where the note belongs, or delete the definition"
                    )),
            );
        }
        Walked {
            body: self.marks.body(self.out.into_iter()),
            blocks: self.blocks.list,
            footnotes,
            links: self.found.links,
            link_places: self.found.link_places,
            link_spans: self.found.link_spans,
            dates: self.found.dates,
            mentions: self.found.mentions,
            citations: self.found.citations,
            annotations: self.found.annotations,
            diagnostics: self.diagnostics,
            highlighted: self.highlighted,
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
