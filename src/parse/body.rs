//! A parsed body: the author's own markup, with marks where lectern's goes.
//!
//! Parse leaves no URL and no lectern markup in its output. Where a block starts
//! and ends, where a mention, citation, cross-reference or footnote reference
//! stands, and where an editor's note opens and closes, the body holds a [`Mark`];
//! render alone turns marks into tags and links, relative to the page it writes.
//! The rest is the HTML pulldown-cmark writes for the author's Markdown (emphasis,
//! lists, tables, highlighted code).
//!
//! While walking, a mark travels through pulldown-cmark's HTML writer as a NUL
//! sentinel (`\0N\0`), so that the writer's own state (table heads, tight lists)
//! is never interrupted. NUL cannot occur in content: load refuses files holding
//! it and CommonMark replaces it, so the sentinel is unambiguous.

use pulldown_cmark::{CowStr, Event};

/// What render writes in place of a mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// The start and end of citable block `i` (its tag, id and pilcrow).
    BlockOpen(usize),
    BlockClose(usize),
    /// Opens a link to entity `i`; closed by [`Mark::LinkClose`].
    Mention(usize),
    /// Opens a link to source `source`; closed by [`Mark::LinkClose`].
    Cite {
        source: usize,
        locator: Option<String>,
    },
    /// A whole citation group, `[see Gannon, 2005, p. 1; …]`.
    Citations(Vec<CiteItem>),
    /// Opens a link to cross-reference `i` of the text; closed by [`Mark::LinkClose`].
    CrossRef(usize),
    LinkClose,
    /// The `reference`-th reference (0-based) to footnote `number` (1-based).
    FootnoteRef {
        number: usize,
        reference: usize,
    },
    /// An editor's note `i` (0-based), and the words it comments on.
    NoteOpen(usize),
    NoteClose,
    HighlightOpen,
    HighlightClose,
}

/// One item of a citation group, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteItem {
    pub prefix: String,
    /// The source cited, or `None` for an unknown key (an error, shown as `@key`).
    pub source: Option<usize>,
    pub key: String,
    pub locator: Option<String>,
    /// `[-@key]`: printed with the year only.
    pub suppress_author: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragment {
    Html(String),
    Mark(Mark),
}

/// A body, a footnote or a note, ready for render.
pub type Body = Vec<Fragment>;

/// Marks of one text, which the events of its walk refer to by index.
#[derive(Default)]
pub struct Marks(Vec<Mark>);

impl Marks {
    /// The event standing for `mark`, inline.
    pub fn event<'a>(&mut self, mark: Mark) -> Event<'a> {
        self.0.push(mark);
        Event::InlineHtml(CowStr::from(format!("\0{}\0", self.0.len() - 1)))
    }

    /// The event standing for `mark` and the end of a line after it, so the HTML
    /// writer's line breaks come out as for a tag of its own.
    pub fn line<'a>(&mut self, mark: Mark) -> Event<'a> {
        self.0.push(mark);
        Event::InlineHtml(CowStr::from(format!("\0{}\0\n", self.0.len() - 1)))
    }

    /// Writes `events` as HTML and splits it at the marks.
    pub fn body<'a>(&self, events: impl Iterator<Item = Event<'a>>) -> Body {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events);
        // A body lives as long as the build: room for every piece, not the double
        // that growing by pushes leaves (a tenth of a build's memory at 10,000
        // documents).
        let pieces = html.bytes().filter(|&b| b == 0).count() + 1;
        let mut body = Vec::with_capacity(pieces);
        // Between two NULs is a mark's index; text around them is HTML.
        for (i, piece) in html.split('\0').enumerate() {
            if i % 2 == 0 {
                if !piece.is_empty() {
                    body.push(Fragment::Html(piece.to_string()));
                }
            } else if let Some(mark) = piece.parse::<usize>().ok().and_then(|n| self.0.get(n)) {
                body.push(Fragment::Mark(mark.clone()));
            }
        }
        body
    }
}
