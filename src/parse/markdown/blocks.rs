//! Citable blocks: opening and closing them, their plain text, callouts and
//! heading attributes.
//!
//! A paragraph, heading, list item or table is citable, except inside a pull quote
//! or a list item (`quiet`), whose paragraphs belong to the enclosing block.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel};

use super::{At, Mark, Walker};
use crate::date::FuzzyDate;
use crate::diagnostics::suggest;

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
    /// What a paragraph is in its callout: a figure's `caption` or `credit`.
    pub role: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct HeadingInfo {
    pub level: u8,
    pub classes: Vec<String>,
    pub date: Option<FuzzyDate>,
}

/// The blocks of a text and what is open while walking it.
#[derive(Default)]
pub(super) struct Blocks {
    pub(super) list: Vec<RawBlock>,
    /// Indices of blocks whose text is being collected, innermost last.
    pub(super) open: Vec<usize>,
    /// Open block quotes (callout or plain), list items and tables.
    pub(super) containers: Vec<Container>,
    /// Depth of containers inside which paragraphs are not citable.
    pub(super) quiet: usize,
    /// Body offset up to which text belongs to a callout marker and is dropped.
    pub(super) skip_until: usize,
}

pub(super) enum Container {
    /// A block quote or callout; `figure` counts a figure's paragraphs so far.
    Quote {
        close: &'static str,
        quiet: bool,
        figure: Option<usize>,
    },
    Item {
        block: usize,
    },
    Table {
        block: usize,
    },
}

impl Blocks {
    pub(super) fn push(&mut self, kind: BlockKind, at: &At, offset: usize) -> usize {
        self.list.push(RawBlock {
            kind,
            text: String::new(),
            explicit: None,
            offset: offset + at.base,
            heading: None,
            role: None,
        });
        self.list.len() - 1
    }
}

/// Callouts, `> [!kind]`: what each opens and closes with, and whether the
/// paragraphs inside are citable blocks of their own.
const CALLOUTS: &[(&str, &str, &str, bool)] = &[
    (
        "pullquote",
        "<aside class=\"pullquote\">\n",
        "</aside>\n",
        true,
    ),
    (
        "figure",
        "<figure class=\"figure\"><figcaption>\n",
        "</figcaption></figure>\n",
        false,
    ),
    ("bio", "<aside class=\"bio\">\n", "</aside>\n", false),
    (
        "disclaimer",
        "<aside class=\"disclaimer\">\n",
        "</aside>\n",
        false,
    ),
    ("note", "<aside class=\"note\">\n", "</aside>\n", false),
];

impl<'a> Walker<'a, '_> {
    pub(super) fn open_block(
        &mut self,
        kind: BlockKind,
        offset: usize,
        explicit: Option<String>,
        heading: Option<HeadingInfo>,
    ) -> usize {
        let block = self.blocks.push(kind, &self.at, offset);
        self.blocks.list[block].explicit = explicit;
        self.blocks.list[block].heading = heading;
        // A figure's first paragraph is its caption; what follows is its credit.
        if kind == BlockKind::Paragraph
            && let Some(Container::Quote {
                figure: Some(paragraphs),
                ..
            }) = self.blocks.containers.last_mut()
        {
            self.blocks.list[block].role = Some(if *paragraphs == 0 {
                "caption"
            } else {
                "credit"
            });
            *paragraphs += 1;
        }
        let open = self.marks.event(Mark::BlockOpen(block));
        self.out.push(open);
        self.blocks.open.push(block);
        block
    }

    pub(super) fn close_block(&mut self) {
        if let Some(block) = self.blocks.open.last().copied() {
            self.end_block(block);
        }
    }

    /// Ends block `block`: CriticMarkup left open is closed, and its tag ends.
    pub(super) fn end_block(&mut self, block: usize) {
        self.close_critic();
        let close = self.marks.line(Mark::BlockClose(block));
        self.out.push(close);
        if self.blocks.open.last() == Some(&block) {
            self.blocks.open.pop();
        }
        let text = &mut self.blocks.list[block].text;
        text.truncate(text.trim_end().len());
    }

    /// A paragraph may end with `{#id}`: its explicit id, not part of its text.
    /// Taken from the pending run of text before the run is emitted.
    pub(super) fn take_trailing_id(&mut self) {
        let (Some(&block), Some(run)) = (self.blocks.open.last(), self.run.as_mut()) else {
            return;
        };
        if let Some((kept, id)) = trailing_id(&run.text) {
            let (kept, id) = (kept.len(), id.to_string());
            run.text.truncate(kept);
            self.blocks.list[block].explicit = Some(id);
        }
    }

    pub(super) fn open_quote(&mut self, range: Range<usize>) {
        let text = &self.at.body[range.clone()];
        let marker = text.trim_start_matches('>').trim_start();
        let kind = marker
            .strip_prefix("[!")
            .and_then(|m| m.split_once(']'))
            .map(|(k, _)| k);
        let Some(kind) = kind else {
            self.open_container("<blockquote>\n", "</blockquote>\n", false);
            return;
        };
        let marker_end = range.start + (text.len() - marker.len()) + kind.len() + 3;
        self.blocks.skip_until = marker_end + self.at.base;
        let kind = kind.to_ascii_lowercase();
        let Some(&(_, open, close, quiet)) = CALLOUTS.iter().find(|c| c.0 == kind) else {
            let names: Vec<&str> = CALLOUTS.iter().map(|c| c.0).collect();
            let d = self.at.error(
                format!("unknown callout `[!{kind}]`"),
                range.start..marker_end,
            );
            self.diagnostics
                .push(match suggest(&kind, names.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `[!{s}]`?")),
                    None => d.help(format!("callouts are {}", names.join(", "))),
                });
            self.open_container("<blockquote>\n", "</blockquote>\n", false);
            return;
        };
        self.open_container(open, close, quiet);
        if kind == "figure"
            && let Some(Container::Quote { figure, .. }) = self.blocks.containers.last_mut()
        {
            *figure = Some(0);
        }
    }

    fn open_container(&mut self, open: &'static str, close: &'static str, quiet: bool) {
        if quiet {
            self.blocks.quiet += 1;
        }
        self.out.push(Event::Html(CowStr::from(open)));
        self.blocks.containers.push(Container::Quote {
            close,
            quiet,
            figure: None,
        });
    }

    pub(super) fn close_quote(&mut self) {
        // pulldown-cmark balances start and end events, so this is the quote's container.
        if let Some(Container::Quote { close, quiet, .. }) = self.blocks.containers.pop() {
            if quiet {
                self.blocks.quiet -= 1;
            }
            self.out.push(Event::Html(CowStr::from(close)));
        }
    }

    pub(super) fn heading_info(
        &mut self,
        level: HeadingLevel,
        classes: &[CowStr],
        attrs: &[(CowStr, Option<CowStr>)],
        offset: usize,
    ) -> HeadingInfo {
        let mut date = None;
        let line_end = self.at.body[offset..]
            .find('\n')
            .map_or(self.at.body.len(), |i| offset + i);
        for (key, value) in attrs {
            match (key.as_ref(), value) {
                ("date", Some(value)) => match FuzzyDate::parse(value) {
                    Ok(d) => date = Some(d),
                    Err(e) => self.diagnostics.push(
                        self.at.error(format!("invalid date: {e}"), offset..line_end)
                            .help("write dates as YYYY, YYYY-MM, YYYY-MM-DD or start/end, e.g. date=2001-09-12/2001-11"),
                    ),
                },
                (key, _) => self.diagnostics.push(
                    self.at
                        .error(format!("unknown heading attribute `{key}`"), offset..line_end)
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
