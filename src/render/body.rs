//! Writing a parsed body as HTML for one page: every mark becomes lectern's markup,
//! and every target a URL relative to that page.
//!
//! The same body renders correctly wherever it is shown: a paragraph's pilcrow,
//! footnote references and cross-references are `#id` on its own document's page
//! and `../<slug>/#id` (at the right depth) anywhere else.

use crate::html::escape;
use crate::link::Target;
use crate::link::related::Passage;
use crate::parse::{Block, BlockKind, Body, CiteItem, Footnote, Mark, Piece, Text};

use super::Catalog;
use super::paths::{Here, Page};
use super::view::opening;

/// How a text's blocks are written.
#[derive(Debug, Clone, Copy)]
pub enum Blocks<'a> {
    /// Citable: ids and pilcrows, linking into this document's page.
    Citable(Page<'a>),
    /// Plain tags, as in an entity's annotation.
    Plain,
}

/// Writes the bodies of one text on one page.
pub struct Writer<'a> {
    pub here: &'a Here<'a>,
    pub catalog: &'a Catalog<'a>,
    pub text: &'a Text,
    /// The targets of the text's cross-references.
    pub targets: &'a [Option<Target>],
    pub blocks: Blocks<'a>,
    /// For each block, passages elsewhere in the archive that speak of the same things.
    pub related: &'a [Vec<Passage>],
}

impl Writer<'_> {
    /// The HTML of `body`, which belongs to this writer's text.
    pub fn write(&self, body: &Body) -> String {
        let mut state = State {
            html: String::with_capacity(body.html_len() + body.mark_count() * 64),
            entry_level: None,
            links: Vec::new(),
            named: Vec::new(),
        };
        for piece in body.pieces() {
            match piece {
                Piece::Html(h) => state.html.push_str(h),
                Piece::Mark(mark) => self.mark(mark, &mut state),
            }
        }
        if state.entry_level.is_some() {
            state.html.push_str("</section>\n");
        }
        self.catalog.finish(state.html)
    }

    /// Where this text's blocks and notes live: its document's page, or here.
    fn home(&self) -> Page<'_> {
        match self.blocks {
            Blocks::Citable(page) => page,
            Blocks::Plain => self.here.page,
        }
    }

    fn mark(&self, mark: &Mark, state: &mut State) {
        let html = &mut state.html;
        match mark {
            Mark::BlockOpen(i) => {
                let block = &self.text.blocks[*i];
                if let Blocks::Citable(_) = self.blocks
                    && let Some(level) = block.level
                {
                    if state.entry_level.is_some_and(|open| level <= open) {
                        html.push_str("</section>\n");
                        state.entry_level = None;
                    }
                    if let Some(date) = &block.date {
                        html.push_str(&format!(
                            "<section class=\"entry\" aria-labelledby=\"{}\" data-date=\"{date}\">\n",
                            block.id
                        ));
                        state.entry_level = Some(level);
                    }
                }
                if block.kind == BlockKind::Heading {
                    state.named.clear();
                }
                self.open_block(block, html);
            }
            Mark::BlockClose(i) => {
                self.close_block(&self.text.blocks[*i], html);
                self.related(*i, html);
            }
            Mark::Mention(index) => {
                let entity = &self.catalog.entities[*index];
                let page = Page::Entity(entity.id);
                // A page does not link to itself.
                let link = page != self.here.page;
                if link {
                    // The first mention of an entity in a section is marked clearly,
                    // later ones quietly; the preview record is shared (see `data`).
                    // Only the first carries its kind, which styles it; the script
                    // finds the entity from the link itself.
                    let href = self.here.to(page, None);
                    if state.named.contains(index) {
                        html.push_str(&format!("<a class=\"mention\" href=\"{href}\">"));
                    } else {
                        state.named.push(*index);
                        html.push_str(&format!(
                            "<a class=\"mention first kind-{}\" href=\"{href}\">",
                            class_token(entity.kind),
                        ));
                    }
                }
                state.links.push(link);
            }
            Mark::Cite { source, locator } => {
                // The editor's words stand for the source: the locator is not
                // printed, so the link carries it for the preview.
                self.cite_open(*source, locator.as_deref(), html);
                state.links.push(true);
            }
            Mark::Citations(items) => self.citations(items, html),
            Mark::CrossRef(i) => {
                match self.targets.get(*i).and_then(Option::as_ref) {
                    Some(target) => {
                        let slug = self.catalog.slugs[target.document];
                        let page = Page::Document(slug);
                        let href = self.here.to(page, target.anchor.as_deref());
                        html.push_str(&format!("<a class=\"xref\" href=\"{}\">", escape(&href)));
                    }
                    None => html.push_str("<a>"),
                }
                state.links.push(true);
            }
            Mark::LinkClose => {
                if state.links.pop().unwrap_or(true) {
                    html.push_str("</a>");
                }
            }
            Mark::FootnoteRef { number, reference } => {
                let Some(note) = self.text.footnotes.get(number - 1) else {
                    return;
                };
                let id = note.references.get(*reference).map_or("", String::as_str);
                html.push_str(&format!(
                    "<sup><a id=\"{id}\" href=\"{}\" role=\"doc-noteref\">{number}</a></sup>",
                    self.here.to(self.home(), Some(&note.id))
                ));
            }
            Mark::NoteOpen(i) => html.push_str(&format!(
                "<span class=\"editorial ed-note\" id=\"ed-{}\" role=\"note\"><span class=\"ed-label\">Editor’s note: </span>",
                i + 1
            )),
            Mark::NoteClose => html.push_str("</span>"),
            Mark::HighlightOpen => html.push_str("<mark class=\"ed-span\">"),
            Mark::HighlightClose => html.push_str("</mark>"),
        }
    }

    /// A footnote's HTML, with a link back to every reference to it inside its last
    /// paragraph. The links have words, not just an arrow: "↩ back to reference 2".
    pub fn footnote(&self, note: &Footnote) -> String {
        let many = note.references.len() > 1;
        let backlinks: String = note
            .references
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (shown, which) = if many {
                    (format!(" ({})", i + 1), format!(", use {}", i + 1))
                } else {
                    (String::new(), String::new())
                };
                // The label holds the visible "back" and says where to.
                format!(
                    " <a href=\"{}\" role=\"doc-backlink\" aria-label=\"Back{shown} to reference {}{which}\">↩ back{shown}</a>",
                    self.here.to(self.home(), Some(r)),
                    note.number
                )
            })
            .collect();
        let html = self.write(&note.body);
        let html = html.trim_end();
        match html.strip_suffix("</p>") {
            Some(inner) => format!("{inner}{backlinks}</p>"),
            None => format!("{html}{backlinks}"),
        }
    }

    fn open_block(&self, block: &Block, html: &mut String) {
        let attrs = match self.blocks {
            Blocks::Citable(_) => {
                let n = block
                    .number
                    .map(|n| format!(" data-n=\"{n}\""))
                    .unwrap_or_default();
                format!(" id=\"{}\"{n}", block.id)
            }
            Blocks::Plain => String::new(),
        };
        let class = if block.classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape(&block.classes.join(" ")))
        };
        match block.kind {
            BlockKind::Paragraph => html.push_str(&format!("<p{attrs}{class}>")),
            BlockKind::Item => html.push_str(&format!("<li{attrs}>")),
            BlockKind::Table => html.push_str(&format!("<div class=\"table\"{attrs}>")),
            BlockKind::Heading => {
                let level = block.level.unwrap_or(2);
                let id = match self.blocks {
                    Blocks::Citable(_) => format!(" id=\"{}\"", block.id),
                    Blocks::Plain => String::new(),
                };
                html.push_str(&format!("<h{level}{id}{class}>"));
            }
        }
    }

    fn close_block(&self, block: &Block, html: &mut String) {
        // On its own page a block's ¶ link and cite button come from the script,
        // which reads them off the block's id and number (a tenth of a page's
        // bytes otherwise); a block quoted on another page links home here.
        if let Blocks::Citable(page) = self.blocks
            && page != self.here.page
        {
            let label = match block.number {
                Some(n) => format!("Paragraph {n}"),
                None => "Link to this section".to_string(),
            };
            html.push_str(&format!(
                "<a class=\"pilcrow\" href=\"{}\" aria-label=\"{label}\"></a>",
                self.here.to(page, Some(&block.id))
            ));
        }
        match block.kind {
            BlockKind::Paragraph => html.push_str("</p>"),
            BlockKind::Item => html.push_str("</li>"),
            BlockKind::Table => html.push_str("</div>"),
            BlockKind::Heading => html.push_str(&format!("</h{}>", block.level.unwrap_or(2))),
        }
    }

    /// Related passages after paragraph `i`, as a disclosure that works without
    /// script (list items and headings get none: they cannot hold one after them).
    /// Passages of one document share one line under its title, in the order of
    /// their best passage.
    fn related(&self, i: usize, html: &mut String) {
        let Some(passages) = self.related.get(i).filter(|p| !p.is_empty()) else {
            return;
        };
        let block = &self.text.blocks[i];
        // A picture's caption and credit are not passages of the text.
        let figure = block
            .classes
            .iter()
            .any(|c| c == "caption" || c == "credit");
        if block.kind != BlockKind::Paragraph || figure {
            return;
        }
        let mut documents: Vec<usize> = Vec::new();
        for passage in passages {
            if !documents.contains(&passage.document) {
                documents.push(passage.document);
            }
        }
        html.push_str("<details class=\"related\"><summary>Related passages</summary><ul>");
        for d in documents {
            let doc = &self.catalog.documents[d];
            let untitled = if doc.source.meta.title.is_none() {
                " class=\"untitled\""
            } else {
                ""
            };
            let title = doc.source.meta.title.as_deref().unwrap_or(&doc.incipit);
            html.push_str(&format!("<li><cite{untitled}>{}</cite>", escape(title)));
            for passage in passages.iter().filter(|p| p.document == d) {
                let block = &doc.text.blocks[passage.block];
                let href = self
                    .here
                    .to(Page::Document(&doc.source.slug), Some(&block.id));
                html.push_str(&format!(
                    " <a href=\"{}\">{}</a>",
                    escape(&href),
                    escape(&opening(&block.text, SNIPPET_CHARS))
                ));
            }
            html.push_str("</li>");
        }
        html.push_str("</ul></details>");
    }

    /// A link to source `source`; the script finds the source from the link.
    fn cite_open(&self, source: usize, locator: Option<&str>, html: &mut String) {
        let slug = self.catalog.sources[source].slug;
        let locator = locator
            .map(|l| format!(" data-locator=\"{}\"", escape(l)))
            .unwrap_or_default();
        html.push_str(&format!(
            "<a class=\"cite\" href=\"{}\"{locator}>",
            self.here.to(Page::Source(slug), None)
        ));
    }

    /// A citation group as printed: `[see Gannon, 2005, p. 161; …]`, each source linked.
    fn citations(&self, items: &[CiteItem], html: &mut String) {
        html.push_str("<span class=\"citation\">[");
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                html.push_str("; ");
            }
            if !item.prefix.is_empty() {
                html.push_str(&escape(&item.prefix));
                html.push(' ');
            }
            match item.source {
                Some(source) => {
                    // The locator is printed beside the link.
                    self.cite_open(source, None, html);
                    let name = &self.catalog.sources[source];
                    let label = match item.suppress_author {
                        true => &name.year,
                        false => &name.label,
                    };
                    html.push_str(&escape(label));
                    html.push_str("</a>");
                }
                None => html.push_str(&escape(&format!("@{}", item.key))),
            }
            if let Some(locator) = &item.locator {
                html.push_str(&format!(", {}", escape(locator)));
            }
        }
        html.push_str("]</span>");
    }
}

/// About how many characters of a related passage are shown: its opening words,
/// as many as a listing page shows around a name.
const SNIPPET_CHARS: usize = super::view::CONTEXT_CHARS;

/// `kind` as one class name: what is not a letter, digit, `-` or `_` becomes `-`.
fn class_token(kind: &str) -> String {
    kind.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

struct State {
    html: String,
    /// The level of the dated heading whose timeline entry is open.
    entry_level: Option<u8>,
    /// For each open link mark, whether an `<a>` was written for it.
    links: Vec<bool>,
    /// Entities already mentioned in the current section (since the last heading).
    named: Vec<usize>,
}

/// Renders `text` as the body of document `t` in a site of `entities` and
/// `sources`, with each cross-reference resolved by its slug: the body, each
/// footnote and each editor's note.
#[cfg(test)]
pub(crate) fn render_for_test(
    text: &Text,
    entities: &[crate::load::EntitySource],
    sources: &[crate::load::sources::Source],
) -> (String, Vec<String>, Vec<String>) {
    let config = crate::config::SiteConfig::parse(
        std::path::Path::new("site.toml"),
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
    )
    .expect("a valid config");
    let mut slugs: Vec<&str> = vec!["t"];
    let targets: Vec<Option<Target>> = text
        .links
        .iter()
        .map(|link| {
            let slug = link.slug.as_deref().unwrap_or("t");
            let document = slugs.iter().position(|s| *s == slug).unwrap_or_else(|| {
                slugs.push(slug);
                slugs.len() - 1
            });
            Some(Target {
                document,
                anchor: link.anchor.clone(),
            })
        })
        .collect();
    let catalog = Catalog {
        config: &config,
        documents: &[],
        slugs,
        entities: entities
            .iter()
            .map(|e| super::EntityName {
                id: &e.id,
                name: &e.meta.name,
                kind: &e.meta.kind,
                summary: "",
            })
            .collect(),
        sources: sources
            .iter()
            .map(|s| super::SourceName {
                slug: &s.slug,
                label: s.label(),
                year: s.year_label(),
            })
            .collect(),
    };
    let here = Here::new(Page::Document("t"), &config);
    let writer = Writer {
        here: &here,
        catalog: &catalog,
        text,
        targets: &targets,
        blocks: Blocks::Citable(Page::Document("t")),
        related: &[],
    };
    (
        writer.write(&text.body),
        text.footnotes
            .iter()
            .map(|f| writer.write(&f.body))
            .collect(),
        text.annotations
            .iter()
            .map(|a| writer.write(&a.body))
            .collect(),
    )
}
