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

/// A body, a footnote or a note, ready for render: the HTML pulldown-cmark wrote
/// for it, and the marks standing in that HTML.
///
/// One string and one list, not a list of pieces: an archive keeps every body for
/// the whole build, and a string per piece of text between two marks was a tenth
/// of a build's memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    html: String,
    /// Each mark, with the offset in `html` where it stands, in reading order.
    marks: Vec<(usize, Mark)>,
}

/// A piece of a body: its own HTML, or a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Html(&'a str),
    Mark(&'a Mark),
}

impl Body {
    /// The body's HTML and marks, in reading order; no HTML piece is empty.
    pub fn pieces(&self) -> impl Iterator<Item = Piece<'_>> {
        let mut at = 0;
        let mut marks = self.marks.iter().peekable();
        std::iter::from_fn(move || {
            let next = marks.peek().map_or(self.html.len(), |(offset, _)| *offset);
            if at < next {
                let html = &self.html[at..next];
                at = next;
                return Some(Piece::Html(html));
            }
            marks.next().map(|(_, mark)| Piece::Mark(mark))
        })
    }

    /// The length of its HTML, without the marks.
    pub fn html_len(&self) -> usize {
        self.html.len()
    }

    pub fn mark_count(&self) -> usize {
        self.marks.len()
    }

    /// The same body with each mark replaced by what `f` makes of it, or dropped.
    pub fn map_marks(mut self, mut f: impl FnMut(Mark) -> Option<Mark>) -> Body {
        self.marks = self
            .marks
            .into_iter()
            .filter_map(|(offset, mark)| Some((offset, f(mark)?)))
            .collect();
        self
    }

    /// Without the white space before its first mark and after its last: what
    /// the HTML writer leaves around a paragraph.
    pub fn trim(mut self) -> Body {
        let first = self.marks.first().map_or(self.html.len(), |(o, _)| *o);
        let last = self.marks.last().map_or(0, |(o, _)| *o);
        let lead = first - self.html[..first].trim_start().len();
        let end = last.max(lead) + self.html[last.max(lead)..].trim_end().len();
        if lead == 0 && end == self.html.len() {
            return self;
        }
        self.html = self.html[lead..end].to_string();
        for (offset, _) in &mut self.marks {
            *offset -= lead;
        }
        self
    }
}

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

    /// Writes `events` as HTML and takes the marks out of it.
    pub fn body<'a>(&self, events: impl Iterator<Item = Event<'a>>) -> Body {
        let mut written = String::new();
        pulldown_cmark::html::push_html(&mut written, events);
        let sentinels = written.bytes().filter(|&b| b == 0).count() / 2;
        // A body lives as long as the build: its exact size, not the slack that
        // growing by pushes leaves.
        let mut body = Body {
            html: String::with_capacity(written.len()),
            marks: Vec::with_capacity(sentinels),
        };
        // Between two NULs is a mark's index; text around them is HTML.
        for (i, piece) in written.split('\0').enumerate() {
            if i % 2 == 0 {
                body.html.push_str(piece);
            } else if let Some(mark) = piece.parse::<usize>().ok().and_then(|n| self.0.get(n)) {
                body.marks.push((body.html.len(), mark.clone()));
            }
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pieces a body was made from: HTML strings and marks, as the list of
    /// fragments a body used to be.
    #[derive(Debug, Clone)]
    enum Owned {
        Html(String),
        Mark(Mark),
    }

    fn body_of(pieces: &[Owned]) -> Body {
        let mut body = Body::default();
        for piece in pieces {
            match piece {
                Owned::Html(h) => body.html.push_str(h),
                Owned::Mark(m) => body.marks.push((body.html.len(), m.clone())),
            }
        }
        body
    }

    fn owned(body: &Body) -> Vec<Owned> {
        body.pieces()
            .map(|p| match p {
                Piece::Html(h) => Owned::Html(h.to_string()),
                Piece::Mark(m) => Owned::Mark(m.clone()),
            })
            .collect()
    }

    fn same(a: &[Owned], b: &[Owned]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|pair| match pair {
                (Owned::Html(x), Owned::Html(y)) => x == y,
                (Owned::Mark(x), Owned::Mark(y)) => x == y,
                _ => false,
            })
    }

    /// Adjacent HTML joined and empty HTML dropped: what a body keeps of its pieces.
    fn joined(pieces: Vec<Owned>) -> Vec<Owned> {
        let mut out: Vec<Owned> = Vec::new();
        for piece in pieces {
            match (piece, out.last_mut()) {
                (Owned::Html(h), _) if h.is_empty() => {}
                (Owned::Html(h), Some(Owned::Html(last))) => last.push_str(&h),
                (piece, _) => out.push(piece),
            }
        }
        out
    }

    fn pieces() -> impl Strategy<Value = Vec<Owned>> {
        let piece = prop_oneof![
            "[ \\n\\t]{0,2}[a-z<>/]{0,4}[ \\n\\t]{0,2}".prop_map(Owned::Html),
            (0usize..4).prop_map(|i| Owned::Mark(Mark::Mention(i))),
            Just(Owned::Mark(Mark::LinkClose)),
        ];
        proptest::collection::vec(piece, 0..8)
    }

    proptest! {
        #[test]
        fn pieces_give_back_what_the_body_was_made_of(pieces in pieces()) {
            let body = body_of(&pieces);
            prop_assert!(same(&owned(&body), &joined(pieces)));
        }

        #[test]
        fn trim_trims_the_first_and_last_html_only(pieces in pieces()) {
            // The definition: trim the first piece's start and the last piece's
            // end when they are HTML.
            let mut expected = joined(pieces.clone());
            if let Some(Owned::Html(first)) = expected.first_mut() {
                *first = first.trim_start().to_string();
            }
            if let Some(Owned::Html(last)) = expected.last_mut() {
                *last = last.trim_end().to_string();
            }
            let trimmed = body_of(&pieces).trim();
            prop_assert!(same(&owned(&trimmed), &joined(expected)));
        }
    }
}
