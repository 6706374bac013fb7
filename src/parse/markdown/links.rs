//! Links: explicit mentions, own-words citations, cross-references to other
//! documents, and the author's own links, whose URLs must be safe to follow.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag};

use super::{LinkRole, Mark, Place, Walker};
use crate::date::FuzzyDate;
use crate::diagnostics::suggest;

/// An entity mentioned in a text.
#[derive(Debug, Clone)]
pub struct RawMention {
    pub entity: usize,
    pub place: Place,
    /// Byte position and length of the mention in the block's (or note's) plain text.
    pub position: usize,
    pub len: usize,
    /// Whether it stands in an editor's note: the editor's words, not the author's.
    pub editorial: bool,
}

/// A date the editor gave (or refused) for some words: `[text](date:…)`.
#[derive(Debug, Clone)]
pub struct RawDate {
    /// `None` for `date:-`: the words state no date.
    pub date: Option<FuzzyDate>,
    pub place: Place,
    /// Byte position and length of the words in the block's plain text.
    pub position: usize,
    pub len: usize,
}

/// A link to another document (or an anchor in this one), checked by the link stage.
#[derive(Debug, Clone)]
pub struct CrossLink {
    /// The target document, or `None` for an anchor in the same document.
    pub slug: Option<String>,
    pub anchor: Option<String>,
    /// Byte offset of the link in the file.
    pub offset: usize,
    /// The block or note it stands in, once ids are known (for backlinks).
    pub from: Option<String>,
}

impl<'a> Walker<'a, '_> {
    pub(super) fn open_link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        range: Range<usize>,
    ) {
        if let Some(group) = dest_url.strip_prefix("cite:") {
            self.citation_group(group, range.start);
            return;
        }
        if let Some(id) = dest_url.strip_prefix('@') {
            match self.lookup.sources.index_of(id) {
                Some(source) => self.own_words_citation(source, &title),
                None => self.explicit_mention(id, range.start),
            }
            return;
        }
        if let Some(value) = dest_url.strip_prefix("date:") {
            self.explicit_date(value, range.start);
            return;
        }
        if let Some(link) = self.cross_link(&dest_url, range.start) {
            self.found.links.push(link);
            self.found.link_places.push(self.place());
            let position = self.current_text_len();
            self.found.link_spans.push(position..position);
            self.push_mark(Mark::CrossRef(self.found.links.len() - 1));
            self.link_roles
                .push(LinkRole::CrossRef(self.found.links.len() - 1));
            return;
        }
        if !crate::url::is_safe(&dest_url) {
            self.refuse_url(&dest_url, range.start);
            self.link_roles.push(LinkRole::Dropped);
            return;
        }
        self.link_roles.push(LinkRole::Plain);
        self.sink().push(Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }));
    }

    /// An image's URL, or none when it is not safe to load.
    pub(super) fn checked_url(&mut self, url: CowStr<'a>, offset: usize) -> CowStr<'a> {
        if crate::url::is_safe(&url) {
            return url;
        }
        self.refuse_url(&url, offset);
        CowStr::from("")
    }

    fn refuse_url(&mut self, url: &str, offset: usize) {
        self.diagnostics.push(
            self.at
                .error(format!("unsafe link `{url}`"), self.at.link(offset))
                .help(crate::url::HELP),
        );
    }

    /// `[the following morning](date:2001-09-12)` dates the words; `date:-` says
    /// they state no date. Either way the words stay plain text.
    fn explicit_date(&mut self, value: &str, offset: usize) {
        let date = match value.trim() {
            "-" => None,
            text => match FuzzyDate::parse(text) {
                Ok(date) => Some(date),
                Err(e) => {
                    self.diagnostics.push(
                        self.at
                            .error(format!("invalid date: {e}"), self.at.link(offset))
                            .help("write `[the words](date:YYYY-MM-DD)` (or YYYY, YYYY-MM, start/end), or `date:-` for no date"),
                    );
                    None
                }
            },
        };
        let Some(place) = self.place() else {
            self.link_roles.push(LinkRole::Dropped);
            return;
        };
        self.found.dates.push(RawDate {
            date,
            place,
            position: self.current_text_len(),
            len: 0,
        });
        self.link_roles
            .push(LinkRole::Date(self.found.dates.len() - 1));
    }

    /// `[text](@entity-id)`: a mention the author made explicit.
    fn explicit_mention(&mut self, id: &str, offset: usize) {
        let registry = self.lookup.entities;
        let Some(entity) = registry.index_of(id) else {
            let d = self
                .at
                .error(format!("unknown entity `@{id}`"), self.at.link(offset));
            self.diagnostics
                .push(match suggest(id, registry.ids.iter().map(String::as_str)) {
                    Some(s) => d.help(format!("did you mean `@{s}`?")),
                    None => {
                        d.help("entity ids are the file names in content/entities/, without `.md`")
                    }
                });
            self.link_roles.push(LinkRole::Dropped);
            return;
        };
        let index = self.record_mention(entity, 0);
        self.push_mark(Mark::Mention(entity));
        self.link_roles.push(LinkRole::Mark(index));
    }

    /// A spelling several entities claim: never linked, reported with the candidates.
    pub(super) fn ambiguous(&mut self, shown: &str, candidates: &[usize], offset: usize) {
        let ids: Vec<&str> = candidates
            .iter()
            .map(|&i| self.lookup.entities.ids[i].as_str())
            .collect();
        let mut d = self.at.error(
            format!("ambiguous mention `{shown}`: {}", ids.join(", ")),
            offset..offset + shown.len(),
        );
        d.severity = crate::diagnostics::Severity::Warning;
        self.diagnostics.push(d.help(format!(
            "write `[{shown}](@{})` with the entity meant",
            ids[0]
        )));
    }

    /// Records a mention at the current position; returns its index. A mention in
    /// an editor's note is marked as the editor's: it counts as a mention of its
    /// entity, but is not one of the author's.
    pub(super) fn record_mention(&mut self, entity: usize, len: usize) -> Option<usize> {
        let place = self.place()?;
        let position = self.current_text_len();
        self.found.mentions.push(RawMention {
            entity,
            place,
            position,
            len,
            editorial: self.critic.in_note(),
        });
        Some(self.found.mentions.len() - 1)
    }

    /// `other.md#anchor` or `#anchor`: a link the link stage checks and render writes.
    fn cross_link(&self, url: &str, offset: usize) -> Option<CrossLink> {
        let offset = offset + self.at.base;
        if let Some(anchor) = url.strip_prefix('#') {
            return Some(CrossLink {
                slug: None,
                anchor: Some(anchor.to_string()),
                offset,
                from: None,
            });
        }
        if url.contains("://") || url.starts_with("mailto:") || url.starts_with('/') {
            return None;
        }
        let (path, anchor) = match url.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (url, None),
        };
        let stem = path.strip_suffix(".md")?;
        Some(CrossLink {
            slug: Some(stem.rsplit('/').next().unwrap_or(stem).to_string()),
            anchor,
            offset,
            from: None,
        })
    }
}
