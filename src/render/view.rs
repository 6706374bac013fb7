//! What templates see on every page: the site, and documents as listings show
//! them. Page families add their own views (`document`, `entity`, `source`,
//! `listing`); all are plain serialisable structs, kept apart from the domain
//! types so templates can change without touching the pipeline and vice versa.

use serde::Serialize;

use super::paths::Page;
use crate::config::SiteConfig;
use crate::date;
use crate::parse::Document;

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub language: &'a str,
    pub base_url: &'a str,
    pub editor: Option<&'a str>,
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a SiteConfig) -> Self {
        SiteView {
            title: &config.title,
            description: config.description.as_deref(),
            language: &config.language,
            base_url: &config.base_url,
            editor: config.editor.as_deref(),
        }
    }
}

/// A document as listings show it.
#[derive(Serialize)]
pub struct DocSummary<'a> {
    pub slug: &'a str,
    /// Relative to the site root: `slug/`.
    pub path: String,
    /// The title, or the first words when the document states none.
    pub title: &'a str,
    /// Whether the document states no title.
    pub untitled: bool,
    /// The editor's title for a document that states none, shown in brackets.
    pub supplied_title: Option<&'a str>,
    pub subtitle: Option<&'a str>,
    pub authors: &'a [String],
    pub publication: Option<&'a str>,
    pub kind: &'a str,
    pub series: Option<&'a str>,
    pub part: Option<u32>,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub summary: Option<&'a str>,
}

impl<'a> DocSummary<'a> {
    pub fn new(doc: &'a Document) -> Self {
        let meta = &doc.source.meta;
        DocSummary {
            slug: &doc.source.slug,
            path: Page::Document(&doc.source.slug).dir(),
            title: meta.title.as_deref().unwrap_or(&doc.incipit),
            untitled: meta.title.is_none(),
            supplied_title: meta.supplied_title.as_deref(),
            subtitle: meta.subtitle.as_deref(),
            authors: &meta.authors,
            publication: meta.publication.as_deref(),
            kind: &meta.kind,
            series: meta.series.as_deref(),
            part: meta.part,
            date: meta.date.as_ref().map(date::human),
            date_iso: meta.date.as_ref().map(|d| d.iso_start()),
            summary: meta.summary.as_deref(),
        }
    }

    /// Relative to the site root: `slug/#anchor`.
    pub fn at(&self, anchor: &str) -> String {
        format!("{}#{anchor}", self.path)
    }
}

/// How many places an entity's page shows with the words around them, and a
/// source's page with the words before them, at most: shared out in rounds
/// (each document's first, then each one's second, and so on, up to
/// `CONTEXTS_PER_DOCUMENT`), so a few documents show most of theirs and many
/// show their first. Every other place is still linked, by its paragraph, so a
/// page stays short however often the archive names an entity or cites a
/// source. A source page's value is the list of places and locators; the words
/// before a citation say less than the words around a name, so it shows fewer.
pub const CONTEXTS: usize = 12;
pub const SOURCE_CONTEXTS: usize = 10;
pub const CONTEXTS_PER_DOCUMENT: usize = 8;

/// One document's places on a listing page, in reading order.
pub struct Group<'a, D, T> {
    pub document: &'a D,
    /// The first few, shown in context…
    pub shown: Vec<T>,
    /// …and the others, linked only.
    pub rest: Vec<T>,
}

impl<'a, D, T> Group<'a, D, T> {
    /// The group as its page lists it: `show` gives each shown item's view,
    /// `place` any item's (path, label), by which the others are linked.
    pub fn listed<V>(
        self,
        show: impl Fn(T) -> V,
        place: impl Fn(&T) -> (String, String),
    ) -> Listed<'a, D, V> {
        // The others follow the shown ones in reading order, so a second
        // mention in the last shown paragraph is not another place.
        let last_shown = self.shown.last().map(&place);
        let rest = self.rest.iter().map(&place);
        let places = Place::distinct(rest.skip_while(|p| Some(p) == last_shown.as_ref()));
        Listed {
            document: self.document,
            more: places.len(),
            shown: self.shown.into_iter().map(show).collect(),
            places,
        }
    }
}

/// One document's places as a listing page shows them.
#[derive(Serialize)]
pub struct Listed<'a, D, V> {
    pub document: &'a D,
    /// The first few, in context…
    pub shown: Vec<V>,
    /// …then the paragraphs of the others, each linked once,
    pub places: Vec<Place>,
    /// and how many places those are.
    pub more: usize,
}

/// A paragraph (or note, or field) a listing links to without its words.
#[derive(Serialize, PartialEq)]
pub struct Place {
    pub path: String,
    pub label: String,
}

impl Place {
    /// The places of `items` (path, label), in order, each once in a row.
    pub fn distinct(items: impl Iterator<Item = (String, String)>) -> Vec<Place> {
        let mut places: Vec<Place> = Vec::new();
        for (path, label) in items {
            if places
                .last()
                .is_none_or(|p| p.path != path || p.label != label)
            {
                places.push(Place { path, label });
            }
        }
        places
    }
}

/// Groups `(document index, item)` pairs, in reading order, into one group per
/// document, and shares `contexts` out among them (see `CONTEXTS`).
pub fn by_document<'a, D, T>(
    items: impl Iterator<Item = (usize, T)>,
    documents: &'a [D],
    contexts: usize,
) -> Vec<Group<'a, D, T>> {
    let mut groups: Vec<(usize, Vec<T>)> = Vec::new();
    for (d, item) in items {
        match groups.last_mut() {
            Some((last, kept)) if *last == d => kept.push(item),
            _ => groups.push((d, vec![item])),
        }
    }
    let mut take = vec![0; groups.len()];
    let mut left = contexts;
    for round in 0..CONTEXTS_PER_DOCUMENT {
        for (d, (_, items)) in groups.iter().enumerate() {
            if left > 0 && items.len() > round {
                take[d] += 1;
                left -= 1;
            }
        }
    }
    groups
        .into_iter()
        .zip(take)
        .map(|((d, mut shown), take)| {
            let rest = shown.split_off(take);
            Group {
                document: &documents[d],
                shown,
                rest,
            }
        })
        .collect()
}

/// The words around a place, as a listing page shows them: up to `CONTEXT_CHARS`
/// characters either side, cut at whole words.
pub const CONTEXT_CHARS: usize = 40;

/// The opening of `text`, at most about `chars` characters cut after a whole
/// word, with an ellipsis when cut.
pub fn opening(text: &str, chars: usize) -> String {
    let Some((end, _)) = text.char_indices().nth(chars) else {
        return text.to_string();
    };
    // The cut falls between words when the character after it is a space.
    let cut = if text[end..].starts_with(char::is_whitespace) {
        end
    } else {
        text[..end].rfind(char::is_whitespace).unwrap_or(end)
    };
    let kept = text[..cut].trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c));
    format!("{kept}…")
}

/// The close of `text`, at most about `chars` characters starting at a whole
/// word, with an ellipsis when cut: the words leading up to a mention.
pub fn closing(text: &str, chars: usize) -> String {
    let count = text.chars().count();
    if count <= chars {
        return text.to_string();
    }
    let Some((start, _)) = text.char_indices().nth(count - chars) else {
        return text.to_string();
    };
    let begins_word = text[..start].ends_with(char::is_whitespace);
    let cut = if begins_word {
        start
    } else {
        text[start..]
            .find(char::is_whitespace)
            .map_or(start, |i| start + i)
    };
    let kept = text[cut..].trim_start();
    let kept = kept.strip_prefix('…').unwrap_or(kept);
    format!("…{kept}")
}

#[cfg(test)]
mod tests {
    use super::{CONTEXTS, CONTEXTS_PER_DOCUMENT, by_document, closing, opening};

    /// `(shown, rest)` per document for `counts[d]` places in document `d`.
    fn shares(counts: &[usize]) -> Vec<(usize, usize)> {
        let documents: Vec<usize> = (0..counts.len()).collect();
        let items = counts
            .iter()
            .enumerate()
            .flat_map(|(d, &n)| std::iter::repeat_n(d, n).map(move |x| (d, x)));
        by_document(items, &documents, CONTEXTS)
            .into_iter()
            .map(|g| (g.shown.len(), g.rest.len()))
            .collect()
    }

    #[test]
    fn few_documents_show_many_contexts_each() {
        assert_eq!(shares(&[20, 3]), [(CONTEXTS_PER_DOCUMENT, 12), (3, 0)]);
        assert_eq!(shares(&[1]), [(1, 0)]);
        // Every one of 12 mentions in three documents is shown.
        assert_eq!(shares(&[1, 6, 5]), [(1, 0), (6, 0), (5, 0)]);
    }

    #[test]
    fn many_documents_share_the_contexts_in_rounds_and_link_the_rest() {
        // 12 contexts over 4 documents of 10: three each.
        assert!(shares(&[10; 4]).iter().all(|&g| g == (3, 7)));
        // Over 8 documents of 3: a round of 8, then the first four get a second.
        let got = shares(&[3; 8]);
        assert_eq!(&got[..4], [(2, 1); 4]);
        assert_eq!(&got[4..], [(1, 2); 4]);
        // More documents than contexts: the first ones show one each.
        let got = shares(&[2; 100]);
        assert_eq!(got.iter().map(|g| g.0).sum::<usize>(), CONTEXTS);
        assert_eq!(got[CONTEXTS - 1], (1, 1));
        assert_eq!(got[CONTEXTS], (0, 2));
        assert_eq!(
            got.iter().map(|g| g.0 + g.1).sum::<usize>(),
            200,
            "every place is kept"
        );
    }

    #[test]
    fn more_counts_the_places_it_links() {
        // Two mentions in one paragraph are one place: "and 2 more: ¶ 2 ¶ 3".
        let documents = [0];
        let items = [(0, 1), (0, 2), (0, 2), (0, 3)].into_iter();
        let group = by_document(items, &documents, 1).pop().unwrap();
        let listed = group.listed(|n| n, |n| (format!("#p{n}"), format!("¶ {n}")));
        assert_eq!(listed.shown, [1]);
        assert_eq!(listed.more, 2);
        assert_eq!(listed.places.len(), listed.more);
    }

    #[test]
    fn the_paragraph_shown_is_not_linked_again() {
        // "…Name… ¶ 2, and 1 more: ¶ 3", not "and 2 more: ¶ 2 ¶ 3".
        let documents = [0];
        let items = [(0, 2), (0, 2), (0, 3)].into_iter();
        let group = by_document(items, &documents, 1).pop().unwrap();
        let listed = group.listed(|n| n, |n| (format!("#p{n}"), format!("¶ {n}")));
        assert_eq!(listed.shown, [2]);
        let labels: Vec<_> = listed.places.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["¶ 3"]);
        assert_eq!(listed.more, 1);
    }

    #[test]
    fn openings_end_on_a_whole_word() {
        assert_eq!(opening("short text", 80), "short text");
        assert_eq!(opening("one two three four", 9), "one two…");
        assert_eq!(opening("one two, three four", 8), "one two…");
        assert_eq!(opening("one two three", 7), "one two…");
        let long = "word ".repeat(40);
        let cut = opening(&long, 80);
        assert!(cut.ends_with("word…") && cut.chars().count() <= 81, "{cut}");
    }

    #[test]
    fn closings_start_on_a_whole_word() {
        assert_eq!(closing("short text ", 80), "short text ");
        assert_eq!(closing("one two three four ", 12), "…three four ");
        assert_eq!(closing("…one two three four ", 11), "…three four ");
        assert_eq!(closing("one two three four ", 10), "…four ");
    }
}
