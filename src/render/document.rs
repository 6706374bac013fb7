//! Document pages: the body with its notes, outline, citation metadata and the
//! data the page's script reads.

use serde::Serialize;

use super::Catalog;
use super::body::{Blocks, Writer};
use super::paths::Here;
use super::view::DocSummary;
use crate::date;
use crate::html;
use crate::link::Target;
use crate::parse::{Document, Footnote};

/// A document page.
#[derive(Serialize)]
pub struct DocView<'a> {
    #[serde(flatten)]
    pub summary: DocSummary<'a>,
    pub byline: Option<&'a str>,
    pub url: Option<&'a str>,
    pub image_caption: Option<&'a str>,
    pub image_credit: Option<&'a str>,
    pub body: String,
    pub footnotes: Vec<FootnoteView>,
    /// The document's headings, for a table of contents (a timeline's entries).
    pub outline: Vec<OutlineEntry<'a>>,
    pub word_count: usize,
    /// The page's permanent address.
    pub canonical_url: String,
    /// Highwire `citation_*` dates want `YYYY/MM/DD`.
    pub citation_date: Option<String>,
    /// What the page's script needs, as JSON safe inside `<script>`: citation
    /// metadata for the "cite" action and the map of retired ids.
    pub script_data: String,
    /// schema.org metadata, as JSON safe inside `<script>`.
    pub json_ld: String,
    /// "Author. “Title.” Publication, date. URL." for the whole document.
    pub citation: String,
    pub bibtex: String,
}

#[derive(Serialize)]
pub struct OutlineEntry<'a> {
    pub id: &'a str,
    pub level: u8,
    pub text: &'a str,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub supplied: bool,
}

impl<'a> DocView<'a> {
    pub fn new(
        doc: &'a Document,
        targets: &[Option<Target>],
        here: &Here,
        catalog: &Catalog,
    ) -> Self {
        let config = catalog.config;
        let meta = &doc.source.meta;
        let canonical_url = here.canonical.clone();
        let title = meta.title.as_deref().unwrap_or(&doc.incipit);
        let date_iso = meta.date.as_ref().map(|d| d.iso_start());
        let redirects: std::collections::BTreeMap<&str, &str> = doc
            .retired
            .iter()
            .map(|(from, to)| (from.as_str(), to.as_str()))
            .collect();
        let script_data = html::script_json(&serde_json::json!({
            "title": title,
            "untitled": meta.title.is_none(),
            "authors": meta.authors,
            "publication": meta.publication,
            "date": date_iso,
            "url": canonical_url,
            "site": config.title,
            "slug": doc.source.slug,
            "redirects": redirects,
        }));
        let json_ld = html::script_json(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": title,
            "name": title,
            "author": meta.authors.iter().map(|a| serde_json::json!({"@type": "Person", "name": a})).collect::<Vec<_>>(),
            "datePublished": date_iso,
            "publisher": meta.publication.as_ref().map(|p| serde_json::json!({"@type": "Organization", "name": p})),
            "isPartOf": {"@type": "Collection", "name": config.title, "url": config.base_url},
            "url": canonical_url,
            "sameAs": meta.url,
            "inLanguage": config.language,
            "wordCount": doc.word_count,
        }));
        let writer = Writer {
            here,
            catalog,
            text: &doc.text,
            targets,
            blocks: Blocks::Citable(here.page),
        };
        let cited = Cited {
            authors: &meta.authors,
            title,
            publication: meta.publication.as_deref(),
            date: date_iso.as_deref(),
            site: &config.title,
            url: &canonical_url,
        };
        DocView {
            citation: cited.text(),
            bibtex: cited.bibtex(&doc.source.slug),
            canonical_url,
            citation_date: date_iso.as_ref().map(|d| d.replace('-', "/")),
            script_data,
            json_ld,
            summary: DocSummary::new(doc),
            byline: meta.byline.as_deref(),
            url: meta.url.as_deref(),
            image_caption: meta.image_caption.as_deref(),
            image_credit: meta.image_credit.as_deref(),
            body: writer.write(&doc.text.body),
            footnotes: doc
                .text
                .footnotes
                .iter()
                .map(|note| FootnoteView::new(note, &writer))
                .collect(),
            outline: doc
                .text
                .blocks
                .iter()
                .filter_map(|b| {
                    Some(OutlineEntry {
                        id: &b.id,
                        level: b.level?,
                        text: &b.text,
                        date: b.date.as_ref().map(date::human),
                        date_iso: b.date.as_ref().map(|d| d.iso_start()),
                        supplied: b.supplied,
                    })
                })
                .collect(),
            word_count: doc.word_count,
        }
    }
}

#[derive(Serialize)]
pub struct FootnoteView {
    pub id: String,
    pub number: usize,
    /// The note with links back to every reference, inside its last paragraph.
    pub html: String,
}

impl FootnoteView {
    fn new(note: &Footnote, writer: &Writer) -> Self {
        let html = writer.footnote(note);
        FootnoteView {
            id: note.id.clone(),
            number: note.number,
            html,
        }
    }
}

/// What a citation of a whole document says. The page's script cites single
/// paragraphs and adds the date accessed, which a static build cannot know.
struct Cited<'a> {
    authors: &'a [String],
    title: &'a str,
    publication: Option<&'a str>,
    date: Option<&'a str>,
    site: &'a str,
    url: &'a str,
}

impl Cited<'_> {
    /// "Author. “Title.” Publication. Date. In Site. URL"
    fn text(&self) -> String {
        let mut out = String::new();
        if !self.authors.is_empty() {
            out.push_str(&format!("{}. ", self.authors.join(", ")));
        }
        out.push_str(&format!("“{}.” ", self.title));
        for part in [self.publication, self.date].into_iter().flatten() {
            out.push_str(&format!("{part}. "));
        }
        out.push_str(&format!("In {}. {}", self.site, self.url));
        out
    }

    fn bibtex(&self, key: &str) -> String {
        let field = |name: &str, value: &str| {
            format!("  {name} = {{{}}},\n", value.replace(['{', '}'], ""))
        };
        let mut out = format!("@article{{{key},\n");
        if !self.authors.is_empty() {
            out.push_str(&field("author", &self.authors.join(" and ")));
        }
        out.push_str(&field("title", self.title));
        if let Some(p) = self.publication {
            out.push_str(&field("journal", p));
        }
        if let Some(d) = self.date {
            out.push_str(&field("date", d));
        }
        out.push_str(&field("howpublished", self.site));
        out.push_str(&field("url", self.url));
        out.push('}');
        out
    }
}
