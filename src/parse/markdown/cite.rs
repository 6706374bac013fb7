//! Citation groups and own-words citations inside the walk; see `parse::citations`.

use pulldown_cmark::{CowStr, Event};

use super::*;
use crate::diagnostics::{Diagnostic, suggest};
use crate::parse::citations;

/// A source cited in a document.
#[derive(Debug, Clone)]
pub struct RawCitation {
    pub source: usize,
    pub locator: Option<String>,
    pub place: Place,
    pub position: usize,
}

impl<'a> Walker<'a, '_> {
    /// `[@a, p. 1; @b]`: replaced by the formatted group, each item linked.
    pub(super) fn citation_group(&mut self, group: &str, offset: usize) {
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
    pub(super) fn own_words_citation(&mut self, source: usize, locator: &str, _offset: usize) {
        let locator = (!locator.is_empty()).then(|| locator.to_string());
        self.record_citation(source, locator.clone());
        let open = citations::link_open(&self.sources.keys[source], locator.as_deref());
        self.sink().push(Event::Html(CowStr::from(open)));
        self.link_roles.push(LinkRole::Mention(None));
    }

    pub(super) fn record_citation(&mut self, source: usize, locator: Option<String>) {
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

    pub(super) fn unknown_key(&mut self, key: &str, offset: usize) {
        let start = self.base + offset + self.body[offset..].find(key).unwrap_or(0);
        let mut d = Diagnostic::error(self.path, format!("unknown citation key `@{key}`"))
            .at(self.source, start..start + key.len());
        d = match suggest(key, self.sources.keys.iter().map(String::as_str)) {
            Some(s) => d.help(format!("did you mean `@{s}`?")),
            None => d.help("add the source to content/sources.bib (or sources.toml) with this key"),
        };
        self.diagnostics.push(d);
    }
}
