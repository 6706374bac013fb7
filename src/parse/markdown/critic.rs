//! Editorial notes in CriticMarkup: `{==highlighted words==}{>>note<<}` and `{>>note<<}`.
//!
//! Markers are found in runs of text, so a note may hold inline Markdown (emphasis,
//! links) as long as it opens and closes within one paragraph. The note's text is not
//! part of the block's own text: ids and snippets see only the author's words.

use super::{Mark, Place, Walker};
use crate::parse::body::Body;

/// CriticMarkup state: an open `{==highlight==}` and an open `{>>note<<}`.
#[derive(Default)]
pub(super) struct Critic {
    /// Text of the open highlight, or of the one just closed (which the next note annotates).
    highlight: Option<String>,
    highlight_open: bool,
    /// Index in the sink where the open note's content starts.
    note_start: Option<usize>,
    /// Whether the open note began inside a footnote definition: its content is
    /// only captured if it also ends there (and the other way round).
    note_in_definition: bool,
}

impl Critic {
    pub(super) fn in_note(&self) -> bool {
        self.note_start.is_some()
    }

    /// Author's text passing by: part of the open highlight, if any.
    pub(super) fn collect(&mut self, text: &str) {
        if self.highlight_open
            && let Some(h) = &mut self.highlight
        {
            h.push_str(text);
        }
    }
}

/// An editorial note, with the span it comments on.
#[derive(Debug, Clone)]
pub struct RawAnnotation {
    pub span: Option<String>,
    pub body: Body,
    pub place: Option<Place>,
}

impl<'a> Walker<'a, '_> {
    /// `at` is the marker's offset in the body.
    pub(super) fn critic_marker(&mut self, marker: &str, at: usize) {
        let problem = match marker {
            "{==" if !self.critic.highlight_open => {
                self.critic.highlight_open = true;
                self.critic.highlight = Some(String::new());
                self.push_mark(Mark::HighlightOpen);
                None
            }
            "==}" if self.critic.highlight_open => {
                self.critic.highlight_open = false;
                self.push_mark(Mark::HighlightClose);
                None
            }
            "{>>" if self.critic.note_start.is_none() => {
                self.push_mark(Mark::NoteOpen(self.found.annotations.len()));
                self.critic.note_start = Some(self.sink().len());
                self.critic.note_in_definition = self.notes.is_open();
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
                self.at
                    .error(format!("unbalanced CriticMarkup: {problem}"), at..at + 3)
                    .help("annotate as `{==the words==}{>>the note<<}` or `{>>a note<<}`"),
            );
        }
    }

    fn close_note(&mut self) {
        let Some(start) = self.critic.note_start.take() else {
            return;
        };
        // Markup that spans a footnote boundary leaves nothing sensible to capture;
        // the unclosed-note error has already been reported for it.
        let same_sink = self.critic.note_in_definition == self.notes.is_open();
        let events = match self.sink().get(start..) {
            Some(events) if same_sink => events.to_vec(),
            _ => Vec::new(),
        };
        let body = self.marks.body(events.into_iter());
        self.push_mark(Mark::NoteClose);
        let place = self.place();
        let span = self
            .critic
            .highlight
            .take()
            .filter(|_| !self.critic.highlight_open);
        self.found
            .annotations
            .push(RawAnnotation { span, body, place });
    }

    /// A block ended: close what CriticMarkup left open, and say so.
    pub(super) fn close_critic(&mut self) {
        let open = [
            (self.critic.highlight_open, "{=="),
            (self.critic.note_start.is_some(), "{>>"),
        ];
        for (is_open, marker) in open {
            if is_open {
                // In a footnote, at the footnote; else at the block being closed.
                let at = self.notes.open_at().unwrap_or_else(|| {
                    self.blocks
                        .list
                        .last()
                        .map_or(0, |b| b.offset - self.at.base)
                });
                self.diagnostics.push(
                    self.at.error(format!("unclosed CriticMarkup `{marker}` in this paragraph"), at..at + 1)
                        .help("close a highlight with `==}` and a note with `<<}` before the paragraph ends"),
                );
            }
        }
        if self.critic.note_start.is_some() {
            self.close_note();
        }
        if self.critic.highlight_open {
            self.critic.highlight_open = false;
            self.push_mark(Mark::HighlightClose);
        }
        self.critic.highlight = None;
    }
}

/// The first CriticMarkup marker in `text`: its index and the marker. One pass
/// over the bytes that can start one; most runs of text hold none.
pub(super) fn next_marker(text: &str) -> Option<(usize, &'static str)> {
    const MARKERS: [&str; 4] = ["{==", "==}", "{>>", "<<}"];
    memchr::memchr3_iter(b'{', b'=', b'<', text.as_bytes()).find_map(|i| {
        let rest = &text.as_bytes()[i..];
        MARKERS
            .into_iter()
            .find(|m| rest.starts_with(m.as_bytes()))
            .map(|m| (i, m))
    })
}
