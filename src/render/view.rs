//! What templates see: plain serialisable views, kept apart from the domain types so
//! templates can change without touching the pipeline and vice versa.

use serde::Serialize;

use crate::config::SiteConfig;
use crate::date;
use crate::link::entities::EntityLinks;
use crate::link::timeline::Entry;
use crate::load::EntitySource;
use crate::load::sources::Source;
use crate::parse::citations;
use crate::parse::{Citation, Document, Footnote, Snippet};

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
    pub untitled: bool,
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
            path: format!("{}/", doc.source.slug),
            title: meta.title.as_deref().unwrap_or(&doc.incipit),
            untitled: meta.title.is_none(),
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
}

/// A document page.
#[derive(Serialize)]
pub struct DocView<'a> {
    #[serde(flatten)]
    pub summary: DocSummary<'a>,
    pub byline: Option<&'a str>,
    pub url: Option<&'a str>,
    pub image_caption: Option<&'a str>,
    pub image_credit: Option<&'a str>,
    pub body: &'a str,
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
    pub fn new(doc: &'a Document, config: &SiteConfig) -> Self {
        let meta = &doc.source.meta;
        let canonical_url = format!("{}{}/", config.base_url, doc.source.slug);
        let title = meta.title.as_deref().unwrap_or(&doc.incipit);
        let date_iso = meta.date.as_ref().map(|d| d.iso_start());
        let redirects: std::collections::BTreeMap<&str, &str> = doc
            .retired
            .iter()
            .map(|(from, to)| (from.as_str(), to.as_str()))
            .collect();
        let script_data = script_json(&serde_json::json!({
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
        let json_ld = script_json(&serde_json::json!({
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
            body: &doc.body_html,
            footnotes: doc.footnotes.iter().map(FootnoteView::new).collect(),
            outline: doc
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
    fn new(note: &Footnote) -> Self {
        let backlinks: String = note
            .references
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let which = if note.references.len() > 1 { format!(" ({})", i + 1) } else { String::new() };
                format!(
                    " <a class=\"fn-back\" href=\"#{r}\" role=\"doc-backlink\" aria-label=\"Back to reference {}{which}\"></a>",
                    note.number
                )
            })
            .collect();
        let html = note.html.trim_end();
        let html = match html.strip_suffix("</p>") {
            Some(inner) => format!("{inner}{backlinks}</p>"),
            None => format!("{html}{backlinks}"),
        };
        FootnoteView {
            id: note.id.clone(),
            number: note.number,
            html,
        }
    }
}

/// An entity as listings and related-entity lists show it.
#[derive(Serialize, Clone)]
pub struct EntitySummary<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub mentions: usize,
    /// Relative to the site root: `entities/<id>/`.
    pub path: String,
}

impl<'a> EntitySummary<'a> {
    pub fn new(entity: &'a EntitySource, links: &EntityLinks) -> Self {
        EntitySummary {
            id: &entity.id,
            name: &entity.meta.name,
            kind: &entity.meta.kind,
            mentions: links.mentions.len(),
            path: format!("entities/{}/", entity.id),
        }
    }
}

#[derive(Serialize)]
pub struct KindGroup<'a> {
    pub kind: &'a str,
    pub entities: Vec<EntitySummary<'a>>,
}

/// Entities grouped by kind (in the registry's kind order), each group A–Z.
pub fn group_by_kind<'a>(entities: &[EntitySummary<'a>]) -> Vec<KindGroup<'a>> {
    crate::load::entities::KINDS
        .iter()
        .filter_map(|kind| {
            let mut group: Vec<EntitySummary> = entities
                .iter()
                .filter(|e| e.kind == *kind)
                .cloned()
                .collect();
            group.sort_by_key(|e| sort_key(e.name));
            (!group.is_empty()).then_some(KindGroup {
                kind,
                entities: group,
            })
        })
        .collect()
}

/// Case- and accent-insensitive enough for an A–Z list of names.
fn sort_key(name: &str) -> (String, &str) {
    let folded = name
        .trim_start_matches("The ")
        .trim_start_matches("the ")
        .to_lowercase();
    (folded, name)
}

#[derive(Serialize)]
pub struct EntityView<'a> {
    #[serde(flatten)]
    pub summary: EntitySummary<'a>,
    pub aliases: &'a [String],
    pub ambiguous: &'a [String],
    pub wikidata: Option<&'a str>,
    pub dates: Option<String>,
    pub annotation: String,
    pub documents: Vec<MentionGroup<'a>>,
    pub related: Vec<Related<'a>>,
    /// Timeline entries that mention this entity.
    pub timeline: Vec<EntryView<'a>>,
}

/// An entity's mentions in one document.
#[derive(Serialize)]
pub struct MentionGroup<'a> {
    pub document: &'a DocSummary<'a>,
    /// The first few mentions in the document, in reading order…
    pub mentions: Vec<MentionView<'a>>,
    /// …and how many more it has, so a page stays readable at any archive size.
    pub more: usize,
}

/// How many snippets an entity page shows per document.
const SNIPPETS_PER_DOCUMENT: usize = 8;

#[derive(Serialize)]
pub struct MentionView<'a> {
    /// Relative to the site root: `<slug>/#<anchor>`.
    pub path: String,
    pub number: Option<usize>,
    pub snippet: &'a Snippet,
}

#[derive(Serialize)]
pub struct Related<'a> {
    #[serde(flatten)]
    pub entity: EntitySummary<'a>,
    pub shared: usize,
}

/// Groups `(document index, item)` pairs, in reading order, into one group per
/// document: at most `limit` items each, and how many more there were.
fn by_document<'a, T>(
    items: impl Iterator<Item = (usize, T)>,
    documents: &'a [DocSummary<'a>],
    limit: usize,
) -> Vec<(&'a DocSummary<'a>, Vec<T>, usize)> {
    let mut groups: Vec<(usize, Vec<T>, usize)> = Vec::new();
    for (d, item) in items {
        match groups.last_mut() {
            Some((last, kept, more)) if *last == d => {
                if kept.len() < limit {
                    kept.push(item);
                } else {
                    *more += 1;
                }
            }
            _ => groups.push((d, vec![item], 0)),
        }
    }
    groups
        .into_iter()
        .map(|(d, kept, more)| (&documents[d], kept, more))
        .collect()
}

/// How many related entities an entity page lists.
const RELATED: usize = 12;

impl<'a> EntityView<'a> {
    pub fn new(
        entity: &'a EntitySource,
        links: &'a EntityLinks,
        documents: &'a [DocSummary<'a>],
        entities: &[EntitySummary<'a>],
        timeline: Vec<EntryView<'a>>,
    ) -> Self {
        let mentions = links.mentions.iter().map(|m| {
            let view = MentionView {
                path: format!("{}#{}", documents[m.document].path, m.anchor),
                number: m.number,
                snippet: &m.snippet,
            };
            (m.document, view)
        });
        let groups = by_document(mentions, documents, SNIPPETS_PER_DOCUMENT)
            .into_iter()
            .map(|(document, mentions, more)| MentionGroup {
                document,
                mentions,
                more,
            })
            .collect();
        let mut annotation = String::new();
        pulldown_cmark::html::push_html(
            &mut annotation,
            pulldown_cmark::Parser::new(entity.body()),
        );
        EntityView {
            summary: EntitySummary::new(entity, links),
            aliases: &entity.meta.aliases,
            ambiguous: &entity.meta.ambiguous,
            wikidata: entity.meta.wikidata.as_deref(),
            dates: entity.meta.dates.as_ref().map(date::human),
            annotation,
            documents: groups,
            related: links
                .related
                .iter()
                .take(RELATED)
                .map(|&(other, shared)| Related {
                    entity: entities[other].clone(),
                    shared,
                })
                .collect(),
            timeline,
        }
    }
}

/// A source as listings show it.
#[derive(Serialize, Clone)]
pub struct SourceSummary<'a> {
    pub key: &'a str,
    pub kind: &'a str,
    pub label: String,
    pub reference: String,
    pub citations: usize,
    /// Relative to the site root: `sources/<key>/`.
    pub path: String,
}

impl<'a> SourceSummary<'a> {
    pub fn new(source: &'a Source, citations: usize) -> Self {
        SourceSummary {
            key: &source.key,
            kind: &source.kind,
            label: citations::label(source),
            reference: citations::reference_html(source),
            citations,
            path: format!("sources/{}/", source.key),
        }
    }
}

#[derive(Serialize)]
pub struct SourceView<'a> {
    #[serde(flatten)]
    pub summary: SourceSummary<'a>,
    /// Every field of the record, `(name, value)` in name order.
    pub fields: Vec<(&'a str, &'a str)>,
    pub documents: Vec<CitationGroup<'a>>,
}

#[derive(Serialize)]
pub struct CitationGroup<'a> {
    pub document: &'a DocSummary<'a>,
    pub citations: Vec<CitationView<'a>>,
}

#[derive(Serialize)]
pub struct CitationView<'a> {
    pub path: String,
    pub number: Option<usize>,
    pub locator: Option<&'a str>,
    pub snippet: &'a Snippet,
}

impl<'a> SourceView<'a> {
    pub fn new(
        source: &'a Source,
        cited: &[(usize, &'a Citation)],
        documents: &'a [DocSummary<'a>],
    ) -> Self {
        let citations = cited.iter().map(|&(d, c)| {
            let view = CitationView {
                path: format!("{}#{}", documents[d].path, c.anchor),
                number: c.number,
                locator: c.locator.as_deref(),
                snippet: &c.snippet,
            };
            (d, view)
        });
        let groups = by_document(citations, documents, usize::MAX)
            .into_iter()
            .map(|(document, citations, _)| CitationGroup {
                document,
                citations,
            })
            .collect();
        SourceView {
            summary: SourceSummary::new(source, cited.len()),
            fields: source
                .fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            documents: groups,
        }
    }
}

/// Every citation of each source: `(document index, citation)`, in reading order.
pub fn citations_by_source<'a>(
    sources: &[Source],
    documents: &'a [Document],
) -> Vec<Vec<(usize, &'a Citation)>> {
    let mut cited = vec![Vec::new(); sources.len()];
    for (d, doc) in documents.iter().enumerate() {
        for c in &doc.citations {
            cited[c.source].push((d, c));
        }
    }
    cited
}

/// An editorial note in the archive-wide list.
#[derive(Serialize)]
pub struct AnnotationView<'a> {
    pub path: String,
    pub number: Option<usize>,
    pub span: Option<&'a str>,
    pub html: &'a str,
}

#[derive(Serialize)]
pub struct AnnotationGroup<'a> {
    pub document: &'a DocSummary<'a>,
    pub annotations: Vec<AnnotationView<'a>>,
}

pub fn annotation_groups<'a>(
    documents: &'a [Document],
    summaries: &'a [DocSummary<'a>],
) -> Vec<AnnotationGroup<'a>> {
    documents
        .iter()
        .zip(summaries)
        .filter(|(doc, _)| !doc.annotations.is_empty())
        .map(|(doc, summary)| AnnotationGroup {
            document: summary,
            annotations: doc
                .annotations
                .iter()
                .map(|a| AnnotationView {
                    // The block's id is permanent; the note's own number is not.
                    path: format!("{}#{}", summary.path, a.anchor.as_deref().unwrap_or(&a.id)),
                    number: a.number,
                    span: a.span.as_deref(),
                    html: &a.html,
                })
                .collect(),
        })
        .collect()
}

/// A timeline entry as the timeline page and entity pages show it.
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub date: String,
    pub date_iso: String,
    pub title: &'a str,
    pub supplied: bool,
    pub path: String,
    pub document: &'a DocSummary<'a>,
    pub entities: Vec<EntitySummary<'a>>,
}

impl<'a> EntryView<'a> {
    pub fn new(
        entry: &'a Entry,
        documents: &'a [DocSummary<'a>],
        entities: &[EntitySummary<'a>],
    ) -> Self {
        EntryView {
            date: date::human(&entry.date),
            date_iso: entry.date.iso_start(),
            title: &entry.title,
            supplied: entry.supplied,
            path: format!("{}#{}", documents[entry.document].path, entry.anchor),
            document: &documents[entry.document],
            entities: entry
                .entities
                .iter()
                .map(|&e| entities[e].clone())
                .collect(),
        }
    }
}

/// JSON that cannot end the `<script>` element it is embedded in, whatever the
/// content's strings hold.
pub fn script_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
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
