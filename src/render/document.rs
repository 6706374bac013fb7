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
use crate::link::related::Passage;
use crate::load::Field;
use crate::load::front_matter::ImagePosition;
use crate::parse::{Document, Footnote};

/// A document page.
#[derive(Serialize)]
pub struct DocView<'a> {
    #[serde(flatten)]
    pub summary: DocSummary<'a>,
    pub url: Option<&'a str>,
    /// The front matter printed with the text, as HTML with its mentions linked.
    pub fields: FieldsView,
    /// Whether the lead image's caption and credit are printed after the text.
    pub image_at_end: bool,
    /// The title as metadata and citations give it: as stated, `[supplied]` in
    /// editorial brackets, or the first words.
    pub cited_title: String,
    /// Whether the editor supplied the title: citations then leave it unquoted,
    /// and the script's BibTeX and CSL-JSON say so.
    pub title_supplied: bool,
    pub body: String,
    pub footnotes: Vec<FootnoteView>,
    /// The document's headings, for a table of contents (a timeline's entries).
    pub outline: Vec<OutlineEntry<'a>>,
    pub word_count: usize,
    /// The page's permanent address.
    pub canonical_url: String,
    /// Highwire `citation_*` dates want `YYYY/MM/DD`.
    pub citation_date: Option<String>,
    /// The map of retired ids to the blocks they land on, as JSON safe inside
    /// `<script>`, for the page's script; none when no id was retired.
    pub redirects: Option<String>,
    /// schema.org metadata, as JSON safe inside `<script>`; the page's script reads
    /// its "cite" action's metadata from it too.
    pub json_ld: String,
    /// "Author. “Title.” Publication, date. URL." for the whole document.
    pub citation: String,
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
        related: &[Vec<Passage>],
        here: &Here,
        catalog: &Catalog,
    ) -> Self {
        let config = catalog.config;
        let meta = &doc.source.meta;
        let canonical_url = here.canonical.clone();
        let title = Title::of(doc);
        let cited_title = title.cited();
        let date_iso = meta.date.as_ref().map(|d| d.iso_start());
        let redirects: std::collections::BTreeMap<&str, &str> = doc
            .retired
            .iter()
            .map(|(from, to)| (from.as_str(), to.as_str()))
            .collect();
        let redirects =
            (!redirects.is_empty()).then(|| html::script_json(&serde_json::json!(redirects)));
        let json_ld = html::script_json(&json_ld(doc, &cited_title, &canonical_url, config));
        let writer = Writer {
            here,
            catalog,
            text: &doc.text,
            targets,
            blocks: Blocks::Citable(here.page),
            related,
        };
        let cited = Cited {
            authors: &meta.authors,
            title: &cited_title,
            supplied: title.supplied,
            publication: meta.publication.as_deref(),
            date: date_iso.as_deref(),
            site: &config.title,
            url: &canonical_url,
        };
        DocView {
            cited_title: cited_title.clone(),
            title_supplied: title.supplied,
            citation: cited.text(),
            canonical_url,
            citation_date: date_iso.as_ref().map(|d| d.replace('-', "/")),
            redirects,
            json_ld,
            summary: DocSummary::new(doc),
            url: meta.url.as_deref(),
            fields: FieldsView::new(doc, &writer),
            image_at_end: meta.image_position == ImagePosition::End,
            body: writer.write(&doc.text.body),
            footnotes: (doc.text.footnotes.iter())
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

/// A document's printed front matter fields, each as HTML for the element whose
/// id is its `Field::anchor`.
#[derive(Serialize, Default)]
pub struct FieldsView {
    pub subtitle: Option<String>,
    pub image_caption: Option<String>,
    pub image_credit: Option<String>,
    pub byline: Option<String>,
}

impl FieldsView {
    fn new(doc: &Document, writer: &Writer) -> Self {
        let html = |field| doc.field(field).map(|body| writer.write(body));
        FieldsView {
            subtitle: html(Field::Subtitle),
            image_caption: html(Field::ImageCaption),
            image_credit: html(Field::ImageCredit),
            byline: html(Field::Byline),
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

/// A document's title, and whether the editor supplied it.
struct Title<'a> {
    text: &'a str,
    supplied: bool,
}

impl<'a> Title<'a> {
    /// As stated, else the editor's, else the document's first words.
    fn of(doc: &'a Document) -> Self {
        let meta = &doc.source.meta;
        match (&meta.title, &meta.supplied_title) {
            (Some(t), _) => Title {
                text: t,
                supplied: false,
            },
            (None, Some(t)) => Title {
                text: t,
                supplied: true,
            },
            (None, None) => Title {
                text: &doc.incipit,
                supplied: false,
            },
        }
    }

    /// A supplied title goes in editorial brackets wherever it is cited.
    fn cited(&self) -> String {
        if self.supplied {
            format!("[{}]", self.text)
        } else {
            self.text.to_string()
        }
    }
}

/// schema.org metadata; a field the document does not state is left out, not null.
fn json_ld(
    doc: &Document,
    title: &str,
    url: &str,
    config: &crate::config::SiteConfig,
) -> serde_json::Value {
    use serde_json::json;
    let meta = &doc.source.meta;
    let mut ld = serde_json::Map::new();
    let mut put = |key: &str, value: serde_json::Value| {
        ld.insert(key.to_string(), value);
    };
    put("@context", json!("https://schema.org"));
    put("@type", json!("Article"));
    put("headline", json!(title));
    if !meta.authors.is_empty() {
        let authors: Vec<_> = meta
            .authors
            .iter()
            .map(|a| json!({"@type": "Person", "name": a}))
            .collect();
        put("author", json!(authors));
    }
    if let Some(date) = &meta.date {
        put("datePublished", json!(date.iso_start()));
    }
    if let Some(publication) = &meta.publication {
        put(
            "publisher",
            json!({"@type": "Organization", "name": publication}),
        );
    }
    put(
        "isPartOf",
        json!({"@type": "Collection", "name": config.title, "url": config.base_url}),
    );
    put("url", json!(url));
    if let Some(original) = &meta.url {
        put("sameAs", json!(original));
    }
    put("inLanguage", json!(config.language));
    put("wordCount", json!(doc.word_count));
    serde_json::Value::Object(ld)
}

/// What a citation of a whole document says. The page's script cites single
/// paragraphs, gives BibTeX and CSL-JSON, and adds the date accessed, which a
/// static build cannot know.
struct Cited<'a> {
    authors: &'a [String],
    /// As cited: a supplied title already in brackets.
    title: &'a str,
    /// Whether the editor supplied the title: it is then not quoted.
    supplied: bool,
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
        if self.supplied {
            out.push_str(&format!("{}. ", self.title));
        } else {
            out.push_str(&format!("“{}.” ", self.title));
        }
        for part in [self.publication, self.date].into_iter().flatten() {
            out.push_str(&format!("{part}. "));
        }
        out.push_str(&format!("In {}. {}", self.site, self.url));
        out
    }
}
