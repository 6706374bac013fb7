//! Editorial notes in CriticMarkup: `{==highlighted words==}{>>note<<}` and `{>>note<<}`.
//!
//! Markers are found in runs of text, so a note may hold inline Markdown (emphasis,
//! links) as long as it opens and closes within one paragraph. The note's text is not
//! part of the block's own text: ids and snippets see only the author's words.

use pulldown_cmark::{CowStr, Event};

use super::*;
use crate::diagnostics::Diagnostic;

/// CriticMarkup state: an open `{==highlight==}` and an open `{>>note<<}`.
#[derive(Default)]
pub(super) struct Critic {
    /// Text of the open highlight, or of the one just closed (which the next note annotates).
    pub(super) highlight: Option<String>,
    pub(super) highlight_open: bool,
    /// Index in the sink where the open note's content starts.
    pub(super) note_start: Option<usize>,
    /// Whether the open note began inside a footnote definition: its content is
    /// only captured if it also ends there (and the other way round).
    pub(super) note_in_definition: bool,
}

/// An editorial note, with the span it comments on.
#[derive(Debug, Clone)]
pub struct RawAnnotation {
    pub id: String,
    pub span: Option<String>,
    pub html: String,
    pub place: Option<Place>,
}

impl<'a> Walker<'a, '_> {
    pub(super) fn critic_marker(&mut self, marker: &str, at: usize) {
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
                self.critic.note_in_definition = self.in_definition.is_some();
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

    pub(super) fn close_note(&mut self) {
        let Some(start) = self.critic.note_start.take() else {
            return;
        };
        // Markup that spans a footnote boundary leaves nothing sensible to capture;
        // the unclosed-note error has already been reported for it.
        let same_sink = self.critic.note_in_definition == self.in_definition.is_some();
        let events: Vec<Event> = match self.sink().get(start..) {
            Some(events) if same_sink => events.to_vec(),
            _ => Vec::new(),
        };
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
    pub(super) fn close_critic(&mut self) {
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
}

/// The first CriticMarkup marker in `text`: its index and the marker.
pub(super) fn next_marker(text: &str) -> Option<(usize, &'static str)> {
    ["{==", "==}", "{>>", "<<}"]
        .into_iter()
        .filter_map(|m| text.find(m).map(|i| (i, m)))
        .min()
}
