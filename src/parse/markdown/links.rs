//! Links: explicit entity mentions, recorded mentions, and links to other documents.

use pulldown_cmark::{CowStr, Event};

use super::*;
use crate::diagnostics::{Diagnostic, suggest};

impl<'a> Walker<'a, '_> {
    /// `[text](@entity-id)`: a mention the author made explicit.
    pub(super) fn explicit_mention(&mut self, id: &str, offset: usize) {
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
    pub(super) fn record_mention(&mut self, entity: usize, len: usize) -> Option<usize> {
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

    /// `other.md#anchor` → `../other/#anchor`, recorded for checking.
    pub(super) fn rewrite_link(&mut self, url: CowStr<'a>, offset: usize) -> CowStr<'a> {
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
}
