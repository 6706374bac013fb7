//! Citable blocks: opening and closing them, callouts, headings, and filling in
//! their tags once ids are known.

use std::ops::Range;

use pulldown_cmark::{CowStr, HeadingLevel};

use super::*;
use crate::diagnostics::{Diagnostic, suggest};

impl<'a> Walker<'a, '_> {
    pub(super) fn emit_html(&mut self, html: String) {
        self.flush();
        self.pieces.push(Piece::Html(html));
    }

    /// Renders pending events to HTML so a placeholder can follow them.
    pub(super) fn flush(&mut self) {
        if !self.out.is_empty() {
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, self.out.drain(..));
            self.pieces.push(Piece::Html(html));
        }
    }

    pub(super) fn pieces_push_open(&mut self, block: usize) {
        self.flush();
        self.pieces.push(Piece::Open(block));
    }

    pub(super) fn new_block(
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

    pub(super) fn open_block(
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

    pub(super) fn close_block(&mut self) {
        if let Some(block) = self.open_blocks.last().copied() {
            self.end_text(block);
        }
    }

    /// Ends block `block`: its closing placeholder follows what has been emitted.
    pub(super) fn end_text(&mut self, block: usize) {
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
    /// A paragraph may end with `{#id}`: its explicit id, not part of its text.
    /// Taken from the pending run of text before the run is emitted.
    pub(super) fn take_trailing_id(&mut self) {
        let (Some(&block), Some(run)) = (self.open_blocks.last(), self.run.as_mut()) else {
            return;
        };
        if let Some((kept, id)) = trailing_id(&run.text) {
            let (kept, id) = (kept.len(), id.to_string());
            run.text.truncate(kept);
            self.blocks[block].explicit = Some(id);
        }
    }

    pub(super) fn close_paragraph(&mut self) {
        if let Some(&block) = self.open_blocks.last() {
            self.end_text(block);
        }
    }

    pub(super) fn open_quote(&mut self, range: Range<usize>) {
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

    pub(super) fn heading_info(
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
