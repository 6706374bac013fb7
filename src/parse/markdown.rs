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

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::citations::{self, Bibliography};
use super::highlight;
use super::mentions::{Registry, Target};
use crate::date::FuzzyDate;
use crate::diagnostics::{Diagnostic, suggest};

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

/// CriticMarkup state: an open `{==highlight==}` and an open `{>>note<<}`.
#[derive(Default)]
struct Critic {
    /// Text of the open highlight, or of the one just closed (which the next note annotates).
    highlight: Option<String>,
    highlight_open: bool,
    /// Index in the sink where the open note's content starts.
    note_start: Option<usize>,
}

/// A source cited in a document.
#[derive(Debug, Clone)]
pub struct RawCitation {
    pub source: usize,
    pub locator: Option<String>,
    pub place: Place,
    pub position: usize,
}

/// An editorial note, with the span it comments on.
#[derive(Debug, Clone)]
pub struct RawAnnotation {
    pub id: String,
    pub span: Option<String>,
    pub html: String,
    pub place: Option<Place>,
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
        if !matches!(event, Event::Text(_)) {
            self.flush_text();
        }
        if self.in_definition.is_some() {
            if let Event::End(TagEnd::FootnoteDefinition) = event {
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
            Event::End(TagEnd::BlockQuote(_)) => match self.containers.pop() {
                Some(Container::Quote { close, quiet }) => {
                    if quiet {
                        self.quiet -= 1;
                    }
                    self.emit_html(close.to_string());
                }
                _ => unreachable_container(),
            },
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
            match f.target {
                Target::Entity(entity) => {
                    self.record_mention(entity, shown.len());
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
            self.collect_text(shown);
            at = f.range.end;
        }
        let rest = &text[at..];
        self.collect_text(rest);
        html.push_str(&escape(rest));
        self.sink().push(Event::Html(CowStr::from(html)));
    }

    /// `[@a, p. 1; @b]`: replaced by the formatted group, each item linked.
    fn citation_group(&mut self, group: &str, offset: usize) {
        self.link_roles.push(LinkRole::Citation);
        let items = citations::parse_group(group).unwrap_or_default();
        let mut html = String::from("<span class=\"citation\">[");
        self.collect_text("[");
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                html.push_str("; ");
                self.collect_text("; ");
            }
            if !item.prefix.is_empty() {
                html.push_str(&escape(&item.prefix));
                html.push(' ');
                self.collect_text(&format!("{} ", item.prefix));
            }
            let label = match self.sources.index_of(&item.key) {
                Some(source) => {
                    self.record_citation(source, item.locator.clone());
                    let label = self.sources.label(source).to_string();
                    html.push_str(&citations::link_open(&item.key, item.locator.as_deref()));
                    html.push_str(&escape(&label));
                    html.push_str("</a>");
                    label
                }
                None => {
                    self.unknown_key(&item.key, offset);
                    html.push_str(&escape(&format!("@{}", item.key)));
                    format!("@{}", item.key)
                }
            };
            self.collect_text(&label);
            if let Some(locator) = &item.locator {
                html.push_str(&format!(", {}", escape(locator)));
                self.collect_text(&format!(", {locator}"));
            }
        }
        html.push_str("]</span>");
        self.collect_text("]");
        self.sink().push(Event::Html(CowStr::from(html)));
    }

    /// `[the original's words](@key "pp. 28")`: a citation that keeps the text as written.
    fn own_words_citation(&mut self, source: usize, locator: &str, _offset: usize) {
        let locator = (!locator.is_empty()).then(|| locator.to_string());
        self.record_citation(source, locator.clone());
        let open = citations::link_open(&self.sources.keys[source], locator.as_deref());
        self.sink().push(Event::Html(CowStr::from(open)));
        self.link_roles.push(LinkRole::Mention(None));
    }

    fn record_citation(&mut self, source: usize, locator: Option<String>) {
        if let Some(place) = self.place() {
            let position = self.current_text_len();
            self.citations.push(RawCitation {
                source,
                locator,
                place,
                position,
            });
        }
    }

    fn unknown_key(&mut self, key: &str, offset: usize) {
        let start = self.base + offset + self.body[offset..].find(key).unwrap_or(0);
        let mut d = Diagnostic::error(self.path, format!("unknown citation key `@{key}`"))
            .at(self.source, start..start + key.len());
        d = match suggest(key, self.sources.keys.iter().map(String::as_str)) {
            Some(s) => d.help(format!("did you mean `@{s}`?")),
            None => d.help("add the source to content/sources.bib (or sources.toml) with this key"),
        };
        self.diagnostics.push(d);
    }

    /// Where text is being collected: the open block or footnote.
    fn place(&self) -> Option<Place> {
        match (&self.in_definition, self.open_blocks.last()) {
            (Some((label, _, _)), _) => Some(Place::Footnote(label.clone())),
            (None, Some(&block)) => Some(Place::Block(block)),
            (None, None) => None,
        }
    }

    fn critic_marker(&mut self, marker: &str, at: usize) {
        let problem = match marker {
            "{==" if !self.critic.highlight_open => {
                self.critic.highlight_open = true;
                self.critic.highlight = Some(String::new());
                self.sink()
                    .push(Event::Html(CowStr::from("<mark class=\"ed-span\">")));
                None
            }
            "==}" if self.critic.highlight_open => {
                self.critic.highlight_open = false;
                self.sink().push(Event::Html(CowStr::from("</mark>")));
                None
            }
            "{>>" if self.critic.note_start.is_none() => {
                let id = format!("ed-{}", self.annotations.len() + 1);
                let open = format!(
                    "<span class=\"editorial ed-note\" id=\"{id}\" role=\"note\"><span class=\"ed-label\">Editor’s note: </span>"
                );
                self.sink().push(Event::Html(CowStr::from(open)));
                let start = self.sink().len();
                self.critic.note_start = Some(start);
                None
            }
            "<<}" if self.critic.note_start.is_some() => {
                self.close_note();
                None
            }
            "{==" => Some("a highlight `{==` opened inside another"),
            "==}" => Some("`==}` closes no highlight"),
            "{>>" => Some("a note `{>>` opened inside another"),
            _ => Some("`<<}` closes no note"),
        };
        if let Some(problem) = problem {
            self.diagnostics.push(
                Diagnostic::error(self.path, format!("unbalanced CriticMarkup: {problem}"))
                    .at(self.source, at..at + 3)
                    .help("annotate as `{==the words==}{>>the note<<}` or `{>>a note<<}`"),
            );
        }
    }

    fn close_note(&mut self) {
        let Some(start) = self.critic.note_start.take() else {
            return;
        };
        let events: Vec<Event> = self.sink()[start..].to_vec();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        self.sink().push(Event::Html(CowStr::from("</span>")));
        let place = self.place();
        self.annotations.push(RawAnnotation {
            id: format!("ed-{}", self.annotations.len() + 1),
            span: self
                .critic
                .highlight
                .take()
                .filter(|_| !self.critic.highlight_open),
            html,
            place,
        });
    }

    /// A block ended: close what CriticMarkup left open, and say so.
    fn close_critic(&mut self) {
        let open = [
            (self.critic.highlight_open, "{=="),
            (self.critic.note_start.is_some(), "{>>"),
        ];
        for (is_open, marker) in open {
            if is_open {
                let at = self.blocks.last().map_or(self.base, |b| b.offset);
                self.diagnostics.push(
                    Diagnostic::error(self.path, format!("unclosed CriticMarkup `{marker}` in this paragraph"))
                        .at(self.source, at..at + 1)
                        .help("close a highlight with `==}` and a note with `<<}` before the paragraph ends"),
                );
            }
        }
        if self.critic.note_start.is_some() {
            self.close_note();
        }
        if self.critic.highlight_open {
            self.critic.highlight_open = false;
            self.sink().push(Event::Html(CowStr::from("</mark>")));
        }
        self.critic.highlight = None;
    }

    /// `[text](@entity-id)`: a mention the author made explicit.
    fn explicit_mention(&mut self, id: &str, offset: usize) {
        match self.registry.index_of(id) {
            Some(entity) => {
                let index = self.record_mention(entity, 0);
                let open = self.registry.link_open(entity);
                self.sink().push(Event::Html(CowStr::from(open)));
                self.link_roles.push(LinkRole::Mention(index));
            }
            None => {
                let start = self.base + offset;
                let end = self.body[offset..]
                    .find(')')
                    .map_or(start + 1, |i| start + i + 1);
                let mut d = Diagnostic::error(self.path, format!("unknown entity `@{id}`"))
                    .at(self.source, start..end);
                d = match suggest(id, self.registry.ids.iter().map(String::as_str)) {
                    Some(s) => d.help(format!("did you mean `@{s}`?")),
                    None => {
                        d.help("entity ids are the file names in content/entities/, without `.md`")
                    }
                };
                self.diagnostics.push(d);
                self.link_roles.push(LinkRole::Dropped);
            }
        }
    }

    /// Records a mention at the current position; returns its index.
    fn record_mention(&mut self, entity: usize, len: usize) -> Option<usize> {
        if self.critic.note_start.is_some() {
            return None;
        }
        let place = match (&self.in_definition, self.open_blocks.last()) {
            (Some((label, _, _)), _) => Place::Footnote(label.clone()),
            (None, Some(&block)) => Place::Block(block),
            (None, None) => return None,
        };
        let position = self.current_text_len();
        self.mentions.push(RawMention {
            entity,
            place,
            position,
            len,
        });
        Some(self.mentions.len() - 1)
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

    fn emit_html(&mut self, html: String) {
        self.flush();
        self.pieces.push(Piece::Html(html));
    }

    /// Renders pending events to HTML so a placeholder can follow them.
    fn flush(&mut self) {
        if !self.out.is_empty() {
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, self.out.drain(..));
            self.pieces.push(Piece::Html(html));
        }
    }

    fn pieces_push_open(&mut self, block: usize) {
        self.flush();
        self.pieces.push(Piece::Open(block));
    }

    fn new_block(
        &mut self,
        kind: BlockKind,
        offset: usize,
        explicit: Option<String>,
        heading: Option<HeadingInfo>,
    ) -> usize {
        self.blocks.push(RawBlock {
            kind,
            text: String::new(),
            explicit,
            offset: offset + self.base,
            heading,
        });
        self.blocks.len() - 1
    }

    fn open_block(
        &mut self,
        kind: BlockKind,
        offset: usize,
        explicit: Option<String>,
        heading: Option<HeadingInfo>,
    ) -> usize {
        let block = self.new_block(kind, offset, explicit, heading);
        self.pieces_push_open(block);
        self.open_blocks.push(block);
        block
    }

    fn close_block(&mut self) {
        if let Some(block) = self.open_blocks.last().copied() {
            self.end_text(block);
        }
    }

    /// Ends block `block`: its closing placeholder follows what has been emitted.
    fn end_text(&mut self, block: usize) {
        self.close_critic();
        self.flush();
        self.pieces.push(Piece::Close(block));
        if self.open_blocks.last() == Some(&block) {
            self.open_blocks.pop();
        }
        let text = &mut self.blocks[block].text;
        text.truncate(text.trim_end().len());
    }

    /// A paragraph may end with `{#id}`: its explicit id, not part of its text.
    fn close_paragraph(&mut self) {
        let Some(&block) = self.open_blocks.last() else {
            return;
        };
        if let Some(Event::Text(last)) = self.out.last()
            && let Some((kept, id)) = trailing_id(last)
        {
            {
                let kept = kept.to_string();
                self.blocks[block].explicit = Some(id.to_string());
                let text = &mut self.blocks[block].text;
                text.truncate(text.len() - (last.len() - kept.len()));
                *self.out.last_mut().expect("checked above") = Event::Text(CowStr::from(kept));
            }
        }
        self.end_text(block);
    }

    fn open_quote(&mut self, range: Range<usize>) {
        let text = &self.body[range.clone()];
        let marker = text.trim_start_matches('>').trim_start();
        let kind = marker
            .strip_prefix("[!")
            .and_then(|m| m.split_once(']'))
            .map(|(k, _)| k);
        let Some(kind) = kind else {
            self.emit_html("<blockquote>\n".into());
            self.containers.push(Container::Quote {
                close: "</blockquote>\n",
                quiet: false,
            });
            return;
        };
        let marker_end = range.start + (text.len() - marker.len()) + kind.len() + 3;
        self.skip_until = marker_end + self.base;
        let kind = kind.to_ascii_lowercase();
        let (open, close, quiet) = match kind.as_str() {
            "pullquote" => ("<aside class=\"pullquote\">\n", "</aside>\n", true),
            "figure" => (
                "<figure class=\"figure\"><figcaption>\n",
                "</figcaption></figure>\n",
                false,
            ),
            "bio" => ("<aside class=\"bio\">\n", "</aside>\n", false),
            "disclaimer" => ("<aside class=\"disclaimer\">\n", "</aside>\n", false),
            "note" => ("<aside class=\"note\">\n", "</aside>\n", false),
            _ => {
                let mut d = Diagnostic::error(self.path, format!("unknown callout `[!{kind}]`"))
                    .at(self.source, range.start + self.base..marker_end + self.base);
                d = match suggest(&kind, CALLOUTS.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `[!{s}]`?")),
                    None => d.help(format!("callouts are {}", CALLOUTS.join(", "))),
                };
                self.diagnostics.push(d);
                ("<blockquote>\n", "</blockquote>\n", false)
            }
        };
        if quiet {
            self.quiet += 1;
        }
        self.emit_html(open.into());
        self.containers.push(Container::Quote { close, quiet });
    }

    fn heading_info(
        &mut self,
        level: HeadingLevel,
        classes: &[CowStr],
        attrs: &[(CowStr, Option<CowStr>)],
        offset: usize,
    ) -> HeadingInfo {
        let mut date = None;
        for (key, value) in attrs {
            let at = offset + self.base;
            let line_end = self.body[offset..]
                .find('\n')
                .map_or(self.body.len(), |i| offset + i)
                + self.base;
            match (key.as_ref(), value) {
                ("date", Some(value)) => match FuzzyDate::parse(value) {
                    Ok(d) => date = Some(d),
                    Err(e) => self.diagnostics.push(
                        Diagnostic::error(self.path, format!("invalid date: {e}"))
                            .at(self.source, at..line_end)
                            .help("write dates as YYYY, YYYY-MM, YYYY-MM-DD or start/end, e.g. date=2001-09-12/2001-11"),
                    ),
                },
                (key, _) => self.diagnostics.push(
                    Diagnostic::error(self.path, format!("unknown heading attribute `{key}`"))
                        .at(self.source, at..line_end)
                        .help("headings take `{#id .class date=…}`"),
                ),
            }
        }
        HeadingInfo {
            level: level as u8,
            classes: classes.iter().map(|c| c.to_string()).collect(),
            date,
        }
    }

    fn footnote_reference(&mut self, label: &str) -> Event<'a> {
        if !self.defined.iter().any(|l| l == label) {
            return Event::Text(CowStr::from(format!("[^{label}]")));
        }
        if !self.footnote_order.iter().any(|l| l == label) {
            self.footnote_order.push(label.to_string());
        }
        let number = self
            .footnote_order
            .iter()
            .position(|l| l == label)
            .map_or(0, |i| i + 1);
        let refs = self.footnote_refs.entry(label.to_string()).or_default();
        let id = match refs.len() {
            0 => format!("fnref-{}", anchor_label(label)),
            n => format!("fnref-{}-{}", anchor_label(label), n + 1),
        };
        refs.push(id.clone());
        self.collect_text(&number.to_string());
        Event::Html(CowStr::from(format!(
            "<sup class=\"fn-ref\"><a id=\"{id}\" href=\"#fn-{}\" role=\"doc-noteref\">{number}</a></sup>",
            anchor_label(label)
        )))
    }

    /// GFM leaves a reference to a missing definition as literal text, possibly
    /// split over several text events: report it once the run of text ends.
    fn check_undefined_footnotes(&mut self, run: &TextRun) {
        let mut rest = run.text.as_str();
        let mut at = 0;
        while let Some(i) = rest.find("[^") {
            let tail = &rest[i + 2..];
            if let Some(end) = tail.find(']') {
                let label = &tail[..end];
                if !label.is_empty() && !label.contains(char::is_whitespace) {
                    let start = self.base + run.source_offset(at + i);
                    let mut d = Diagnostic::error(
                        self.path,
                        format!("footnote `[^{label}]` is referenced but never defined"),
                    )
                    .at(self.source, start..start + label.len() + 3);
                    d = match suggest(label, self.defined.iter().map(String::as_str)) {
                        Some(s) => d.help(format!("did you mean `[^{s}]`? Otherwise add a line `[^{label}]: …` with the note")),
                        None => d.help(format!("add a line `[^{label}]: …` with the note's text")),
                    };
                    self.diagnostics.push(d);
                }
            }
            at += i + 2;
            rest = &rest[i + 2..];
        }
    }

    /// `other.md#anchor` → `../other/#anchor`, recorded for checking.
    fn rewrite_link(&mut self, url: CowStr<'a>, offset: usize) -> CowStr<'a> {
        if let Some(anchor) = url.strip_prefix('#') {
            let anchor = Some(anchor.to_string());
            self.links.push(CrossLink {
                slug: None,
                anchor,
                offset: offset + self.base,
            });
            return url;
        }
        if url.contains("://") || url.starts_with("mailto:") || url.starts_with('/') {
            return url;
        }
        let (path, anchor) = match url.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (url.as_ref(), None),
        };
        let Some(stem) = path.strip_suffix(".md") else {
            return url;
        };
        let slug = stem.rsplit('/').next().unwrap_or(stem).to_string();
        let rewritten = match &anchor {
            Some(a) => format!("../{slug}/#{a}"),
            None => format!("../{slug}/"),
        };
        self.links.push(CrossLink {
            slug: Some(slug),
            anchor,
            offset: offset + self.base,
        });
        CowStr::from(rewritten)
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

/// The first CriticMarkup marker in `text`: its index and the marker.
fn next_marker(text: &str) -> Option<(usize, &'static str)> {
    ["{==", "==}", "{>>", "<<}"]
        .into_iter()
        .filter_map(|m| text.find(m).map(|i| (i, m)))
        .min()
}

fn unreachable_container() {
    // pulldown-cmark balances start and end events; a mismatch would be its bug,
    // and dropping one closing tag is better than failing the build over it.
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

/// Splits `text {#id}` into `text` and `id`.
fn trailing_id(text: &str) -> Option<(&str, &str)> {
    let trimmed = text.trim_end();
    let inner = trimmed.strip_suffix('}')?;
    let open = inner.rfind("{#")?;
    let id = &inner[open + 2..];
    let valid = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| (trimmed[..open].trim_end(), id))
}

impl Walked {
    /// Fills every block's placeholders given its id and paragraph number, and
    /// returns the body HTML.
    ///
    /// A dated heading opens a timeline entry, a `<section>` that runs to the next
    /// heading of the same or a higher level.
    pub fn finish(&self, ids: &[String], numbers: &[Option<usize>]) -> String {
        let mut html = String::new();
        let mut entry_level: Option<u8> = None;
        for piece in &self.pieces {
            match *piece {
                Piece::Html(ref h) => html.push_str(h),
                Piece::Open(i) => {
                    let block = &self.blocks[i];
                    if let Some(info) = &block.heading {
                        if entry_level.is_some_and(|level| info.level <= level) {
                            html.push_str("</section>\n");
                            entry_level = None;
                        }
                        if let Some(date) = &info.date {
                            html.push_str(&format!(
                                "<section class=\"entry\" aria-labelledby=\"{}\" data-date=\"{date}\">\n",
                                ids[i]
                            ));
                            entry_level = Some(info.level);
                        }
                    }
                    open_tag(&mut html, block, &ids[i], numbers[i]);
                }
                Piece::Close(i) => close_tag(&mut html, &self.blocks[i], &ids[i], numbers[i]),
            }
        }
        if entry_level.is_some() {
            html.push_str("</section>\n");
        }
        html
    }
}

fn open_tag(html: &mut String, block: &RawBlock, id: &str, number: Option<usize>) {
    let n = number
        .map(|n| format!(" data-n=\"{n}\""))
        .unwrap_or_default();
    match block.kind {
        BlockKind::Paragraph => html.push_str(&format!("<p id=\"{id}\"{n}>")),
        BlockKind::Item => html.push_str(&format!("<li id=\"{id}\"{n}>")),
        BlockKind::Table => html.push_str(&format!("<div class=\"table\" id=\"{id}\"{n}>\n")),
        BlockKind::Heading => {
            let info = block.heading.as_ref().expect("headings carry heading info");
            let class = if info.classes.is_empty() {
                String::new()
            } else {
                format!(" class=\"{}\"", escape(&info.classes.join(" ")))
            };
            html.push_str(&format!("<h{} id=\"{id}\"{class}>", info.level));
        }
    }
}

fn close_tag(html: &mut String, block: &RawBlock, id: &str, number: Option<usize>) {
    let label = match number {
        Some(n) => format!("Link to paragraph {n}"),
        None => "Link to this section".to_string(),
    };
    let pilcrow = format!("<a class=\"pilcrow\" href=\"#{id}\" aria-label=\"{label}\"></a>");
    match block.kind {
        BlockKind::Paragraph => html.push_str(&format!("{pilcrow}</p>\n")),
        BlockKind::Item => html.push_str(&format!("{pilcrow}</li>\n")),
        BlockKind::Table => html.push_str(&format!("{pilcrow}</div>\n")),
        BlockKind::Heading => {
            let level = block.heading.as_ref().map_or(2, |h| h.level);
            html.push_str(&format!("{pilcrow}</h{level}>\n"));
        }
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk_str(body: &str) -> (Walked, String) {
        let source: Arc<str> = Arc::from(body);
        let (entities, _) = Registry::new(&[]);
        let sources = Bibliography::new(&[]);
        let walked = walk(
            Path::new("t.md"),
            &source,
            0,
            &Lookup {
                entities: &entities,
                sources: &sources,
            },
        );
        let ids: Vec<String> = (0..walked.blocks.len()).map(|i| format!("b{i}")).collect();
        let numbers: Vec<Option<usize>> = (0..walked.blocks.len()).map(|i| Some(i + 1)).collect();
        let html = walked.finish(&ids, &numbers);
        (walked, html)
    }

    #[test]
    fn paragraphs_and_headings_become_blocks() {
        let (w, html) = walk_str("## Much in Common {#much}\n\nOne *two*.\n\nThree `x`.\n");
        assert_eq!(w.blocks.len(), 3);
        assert_eq!(w.blocks[0].explicit.as_deref(), Some("much"));
        assert_eq!(w.blocks[1].text, "One two.");
        assert!(
            html.contains("<h2 id=\"b0\">Much in Common<a class=\"pilcrow\" href=\"#b0\""),
            "{html}"
        );
        assert!(
            html.contains("<p id=\"b1\" data-n=\"2\">One <em>two</em>."),
            "{html}"
        );
    }

    #[test]
    fn explicit_paragraph_id_is_taken_out_of_the_text() {
        let (w, html) = walk_str("Some text. {#kept-id}\n");
        assert_eq!(w.blocks[0].explicit.as_deref(), Some("kept-id"));
        assert_eq!(w.blocks[0].text, "Some text.");
        assert!(!html.contains("{#"), "{html}");
    }

    #[test]
    fn callouts_drop_their_marker() {
        let (w, html) =
            walk_str("> [!pullquote]\n> Bravery.\n\n> [!figure]\n> Caption\n> Credit\n");
        assert!(
            html.contains("<aside class=\"pullquote\">\n<p>Bravery.</p>"),
            "{html}"
        );
        assert!(
            html.contains("<figure class=\"figure\"><figcaption>\n<p id=\"b0\""),
            "{html}"
        );
        assert!(!html.contains("[!"), "{html}");
        assert_eq!(w.blocks.len(), 1, "pull quotes are not citable");
        assert_eq!(w.blocks[0].text, "Caption Credit");
    }

    #[test]
    fn unknown_callout_is_reported_with_a_suggestion() {
        let (w, _) = walk_str("> [!pulquote]\n> X\n");
        assert_eq!(w.diagnostics[0].message, "unknown callout `[!pulquote]`");
        assert_eq!(
            w.diagnostics[0].help.as_deref(),
            Some("did you mean `[!pullquote]`?")
        );
    }

    #[test]
    fn footnotes_link_both_ways() {
        let (w, html) = walk_str("A.[^n] B.[^n]\n\n[^n]: The note.\n");
        assert!(
            html.contains("<a id=\"fnref-n\" href=\"#fn-n\" role=\"doc-noteref\">1</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a id=\"fnref-n-2\" href=\"#fn-n\""),
            "{html}"
        );
        assert_eq!(w.footnotes[0].references, ["fnref-n", "fnref-n-2"]);
        assert_eq!(w.footnotes[0].html, "<p>The note.</p>\n");
        assert!(!html.contains("The note"), "definitions leave the flow");
    }

    #[test]
    fn footnote_errors() {
        let (w, _) = walk_str("A.[^1] B.[^2]\n\n[^1]: One.\n\n[^3]: Three.\n");
        let messages: Vec<&str> = w.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.contains(&"footnote `[^2]` is referenced but never defined"),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"footnote `[^3]` is defined but never referenced"),
            "{messages:?}"
        );
    }

    #[test]
    fn links_to_documents_are_rewritten() {
        let (w, html) =
            walk_str("See [April](khaksar-timeline.md#april-1999) and [x](https://a.org/b.md).\n");
        assert!(
            html.contains("href=\"../khaksar-timeline/#april-1999\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://a.org/b.md\""), "{html}");
        assert_eq!(w.links.len(), 1);
        assert_eq!(w.links[0].anchor.as_deref(), Some("april-1999"));
    }

    #[test]
    fn heading_dates_and_classes() {
        let (w, html) =
            walk_str("## April 1999 {#april-1999 .supplied date=1999-04}\n\n## X {date=1999-13}\n");
        let info = w.blocks[0].heading.as_ref().unwrap();
        assert_eq!(info.date.unwrap().to_string(), "1999-04");
        assert!(
            html.starts_with(
                "<section class=\"entry\" aria-labelledby=\"b0\" data-date=\"1999-04\">\n<h2"
            ),
            "{html}"
        );
        assert_eq!(html.matches("</section>").count(), 1, "{html}");
        assert!(
            html.contains("<h2 id=\"b0\" class=\"supplied\">April 1999"),
            "{html}"
        );
        assert!(
            w.diagnostics[0].message.contains("invalid month"),
            "{}",
            w.diagnostics[0].message
        );
    }

    #[test]
    fn list_items_and_tables_are_blocks() {
        let (w, html) = walk_str("- one\n- two\n\n| a |\n|---|\n| b |\n");
        let kinds: Vec<BlockKind> = w.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [BlockKind::Item, BlockKind::Item, BlockKind::Table]);
        assert!(
            html.contains("<li id=\"b0\" data-n=\"1\">one<a class=\"pilcrow\""),
            "{html}"
        );
        assert!(html.contains("<div class=\"table\" id=\"b2\""), "{html}");
        assert_eq!(w.blocks[2].text, "a b");
    }

    #[test]
    fn code_is_highlighted_and_not_citable_text() {
        let (_, html) = walk_str("```rust\nfn main() {}\n```\n");
        assert!(html.contains("hl-rust"), "{html}");
    }
}
