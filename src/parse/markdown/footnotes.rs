//! Footnotes: references numbered in order of first use, definitions taken out of
//! the flow (render puts them at the end, linked both ways), and references to
//! notes that do not exist reported.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{CowStr, Event, Tag};

use super::text::TextRun;
use super::{Mark, Marks, Walker, anchor_label};
use crate::diagnostics::suggest;
use crate::parse::body::Body;

/// A footnote definition with the ids of the references that point to it.
#[derive(Debug, Clone)]
pub struct RawFootnote {
    pub label: String,
    /// Plain text, for snippets of what the note mentions.
    pub text: String,
    /// 1-based, in order of first reference; unreferenced notes come last.
    pub number: usize,
    pub body: Body,
    pub references: Vec<String>,
}

/// Footnote state of one walk.
pub(super) struct Footnotes<'a> {
    /// Every label with a definition, known before the walk starts.
    defined: BTreeSet<String>,
    /// Number of each referenced label, in order of first reference.
    numbers: BTreeMap<String, usize>,
    order: Vec<String>,
    /// Ids of every reference to each label.
    references: BTreeMap<String, Vec<String>>,
    /// Each definition's events and plain text.
    definitions: BTreeMap<String, (Vec<Event<'a>>, String)>,
    /// The definition being read.
    open: Option<(String, Vec<Event<'a>>, String)>,
    /// Where the definition being read starts in the body.
    open_at: usize,
}

impl<'a> Footnotes<'a> {
    pub(super) fn new(events: &[(Event, std::ops::Range<usize>)]) -> Self {
        Footnotes {
            defined: events
                .iter()
                .filter_map(|(e, _)| match e {
                    Event::Start(Tag::FootnoteDefinition(label)) => Some(label.to_string()),
                    _ => None,
                })
                .collect(),
            numbers: BTreeMap::new(),
            order: Vec::new(),
            references: BTreeMap::new(),
            definitions: BTreeMap::new(),
            open: None,
            open_at: 0,
        }
    }

    pub(super) fn is_open(&self) -> bool {
        self.open.is_some()
    }

    pub(super) fn open_definition(&mut self, label: &str, at: usize) {
        self.open = Some((label.to_string(), Vec::new(), String::new()));
        self.open_at = at;
    }

    /// Where the open definition starts in the body, if one is open.
    pub(super) fn open_at(&self) -> Option<usize> {
        self.open.as_ref().map(|_| self.open_at)
    }

    pub(super) fn close_definition(&mut self) {
        if let Some((label, events, text)) = self.open.take() {
            self.definitions
                .insert(label, (events, text.trim_end().to_string()));
        }
    }

    pub(super) fn open_label(&self) -> Option<&str> {
        self.open.as_ref().map(|(label, _, _)| label.as_str())
    }

    pub(super) fn open_events(&mut self) -> Option<&mut Vec<Event<'a>>> {
        self.open.as_mut().map(|(_, events, _)| events)
    }

    pub(super) fn open_text(&self) -> Option<&str> {
        self.open.as_ref().map(|(_, _, text)| text.as_str())
    }

    pub(super) fn open_text_mut(&mut self) -> Option<&mut String> {
        self.open.as_mut().map(|(_, _, text)| text)
    }

    /// Records a reference to `label`: its number and the id of this reference.
    fn reference(&mut self, label: &str) -> Option<(usize, usize, String)> {
        if !self.defined.contains(label) {
            return None;
        }
        let next = self.numbers.len() + 1;
        let number = *self.numbers.entry(label.to_string()).or_insert_with(|| {
            self.order.push(label.to_string());
            next
        });
        let refs = self.references.entry(label.to_string()).or_default();
        let id = match refs.len() {
            0 => format!("fnref-{}", anchor_label(label)),
            n => format!("fnref-{}-{}", anchor_label(label), n + 1),
        };
        refs.push(id);
        Some((number, refs.len() - 1, number.to_string()))
    }

    /// The footnotes in number order, and the labels defined but never referenced
    /// (numbered last, after the referenced ones).
    pub(super) fn finish(mut self, marks: &Marks) -> (Vec<RawFootnote>, Vec<String>) {
        let mut labels = self.order.clone();
        let unreferenced: Vec<String> = self
            .definitions
            .keys()
            .filter(|l| !self.numbers.contains_key(*l))
            .cloned()
            .collect();
        labels.extend(unreferenced.iter().cloned());
        let footnotes = labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let (events, text) = self.definitions.remove(label).unwrap_or_default();
                RawFootnote {
                    label: label.clone(),
                    text,
                    number: i + 1,
                    body: marks.body(events.into_iter()),
                    references: self.references.remove(label).unwrap_or_default(),
                }
            })
            .collect();
        (footnotes, unreferenced)
    }
}

impl<'a> Walker<'a, '_> {
    pub(super) fn footnote_reference(&mut self, label: &str) {
        let Some((number, reference, shown)) = self.notes.reference(label) else {
            let text = Event::Text(CowStr::from(format!("[^{label}]")));
            self.sink().push(text);
            return;
        };
        self.collect_text(&shown);
        self.push_mark(Mark::FootnoteRef { number, reference });
    }

    /// GFM leaves a reference to a missing definition as literal text, possibly
    /// split over several text events: report it once the run of text ends.
    pub(super) fn check_undefined_footnotes(&mut self, run: &TextRun) {
        let mut rest = run.text.as_str();
        let mut at = 0;
        while let Some(i) = rest.find("[^") {
            let tail = &rest[i + 2..];
            if let Some(end) = tail.find(']') {
                let label = &tail[..end];
                let source_at = run.source_offset(at + i);
                // `\[^1\]` is the literal text, not a reference.
                let escaped = source_at
                    .checked_sub(1)
                    .is_some_and(|b| self.at.body.as_bytes().get(b) == Some(&b'\\'));
                if !escaped && !label.is_empty() && !label.contains(char::is_whitespace) {
                    let d = self.at.error(
                        format!("footnote `[^{label}]` is referenced but never defined"),
                        source_at..source_at + label.len() + 3,
                    );
                    let defined = self.notes.defined.iter().map(String::as_str);
                    self.diagnostics.push(match suggest(label, defined) {
                        Some(s) => d.help(format!("did you mean `[^{s}]`? Otherwise add a line `[^{label}]: …` with the note")),
                        None => d.help(format!("add a line `[^{label}]: …` with the note's text")),
                    });
                }
            }
            at += i + 2;
            rest = &rest[i + 2..];
        }
    }
}
