//! Citation groups and own-words citations inside the walk; see `parse::citations`.

use super::{LinkRole, Mark, Place, Walker};
use crate::diagnostics::suggest;
use crate::parse::body::CiteItem;
use crate::parse::citations;

/// A source cited in a text.
#[derive(Debug, Clone)]
pub struct RawCitation {
    pub source: usize,
    pub locator: Option<String>,
    pub place: Place,
    pub position: usize,
}

impl<'a> Walker<'a, '_> {
    /// `[@a, p. 1; @b]`: replaced by the formatted group, each item linked. The
    /// group's printed form is part of the block's text, as readers see it.
    pub(super) fn citation_group(&mut self, group: &str, offset: usize) {
        self.link_roles.push(LinkRole::Citation);
        let sources = self.lookup.sources;
        let mut items = Vec::new();
        self.collect_text("[");
        for (n, item) in citations::parse_group(group)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            if n > 0 {
                self.collect_text("; ");
            }
            if !item.prefix.is_empty() {
                self.collect_text(&format!("{} ", item.prefix));
            }
            let source = sources.index_of(&item.key);
            match source {
                Some(source) => {
                    self.record_citation(source, item.locator.clone());
                    self.collect_text(sources.label(source, &item));
                }
                None => {
                    self.unknown_key(&item.key, offset);
                    self.collect_text(&format!("@{}", item.key));
                }
            }
            if let Some(locator) = &item.locator {
                self.collect_text(&format!(", {locator}"));
            }
            items.push(CiteItem {
                prefix: item.prefix,
                source,
                key: item.key,
                locator: item.locator,
                suppress_author: item.suppress_author,
            });
        }
        self.collect_text("]");
        self.push_mark(Mark::Citations(items));
    }

    /// `[the original's words](@key "pp. 28")`: a citation that keeps the text as written.
    pub(super) fn own_words_citation(&mut self, source: usize, locator: &str) {
        let locator = (!locator.is_empty()).then(|| locator.to_string());
        self.record_citation(source, locator.clone());
        self.push_mark(Mark::Cite { source, locator });
        self.link_roles.push(LinkRole::Mark(None));
    }

    fn record_citation(&mut self, source: usize, locator: Option<String>) {
        if let Some(place) = self.place() {
            let position = self.current_text_len();
            self.found.citations.push(RawCitation {
                source,
                locator,
                place,
                position,
            });
        }
    }

    fn unknown_key(&mut self, key: &str, offset: usize) {
        let start = offset + self.at.body[offset..].find(key).unwrap_or(0);
        let d = self.at.error(
            format!("unknown citation key `@{key}`"),
            start..start + key.len(),
        );
        let keys = self.lookup.sources.keys.iter().map(String::as_str);
        self.diagnostics.push(match suggest(key, keys) {
            Some(s) => d.help(format!("did you mean `@{s}`?")),
            None => d.help("add the source to content/sources.bib (or sources.toml) with this key"),
        });
    }
}
