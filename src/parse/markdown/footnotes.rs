//! Footnote references: numbered in order of first use, each linked to its note
//! and back; references to notes that do not exist are reported.

use pulldown_cmark::{CowStr, Event};

use super::*;
use crate::diagnostics::{Diagnostic, suggest};

impl<'a> Walker<'a, '_> {
    pub(super) fn footnote_reference(&mut self, label: &str) -> Event<'a> {
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
                    .is_some_and(|b| self.body.as_bytes().get(b) == Some(&b'\\'));
                if !escaped && !label.is_empty() && !label.contains(char::is_whitespace) {
                    let start = self.base + source_at;
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
}
