//! Stage 4, render: every page of the site as HTML, through Tera templates.
//!
//! Render is the only stage that writes lectern's markup and URLs. It reads the
//! parsed texts and the linked archive, and for each page
//! 1. knows where the page is (`paths`), which gives `root` and every link from it;
//! 2. writes the bodies it shows through `body`, relative to that page;
//! 3. builds the page's view model (`document`, `entity`, `source`, `listing`:
//!    plain serialisable structs, apart from the domain types);
//! 4. renders its template.
//!
//! Pages come back as paths relative to the output root and their HTML; writing
//! them is the next stage's job.

mod axis;
pub(crate) mod body;
mod document;
pub(crate) mod entity;
mod feeds;
mod graph;
mod listing;
pub mod pagination;
pub mod paths;
mod previews;
mod sanitize;
mod search;
mod source;
mod templates;
mod view;

use std::collections::BTreeSet;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::SiteConfig;
use crate::diagnostics::Failure;
use crate::link::Linked;
use crate::load::Archive;
use crate::parse::{BlockKind, Parsed};
use paths::{Here, Page};
use view::{DocSummary, SiteView};

/// Everything the renderer reads, borrowed from the earlier stages.
pub struct Site<'a> {
    pub archive: &'a Archive,
    pub parsed: &'a Parsed,
    pub linked: &'a Linked,
}

/// A rendered page, or another generated text file (sitemap, feed…).
pub struct Rendered {
    /// Relative to the output root, e.g. `khaksar-timeline/index.html`.
    pub path: PathBuf,
    pub html: String,
    /// The content file the page shows, for reports about it.
    pub from: Option<PathBuf>,
}

impl Rendered {
    fn from(mut self, file: &std::path::Path) -> Rendered {
        self.from = Some(file.to_path_buf());
        self
    }
}

/// What every page's bodies need to name entities, sources and documents,
/// built once per build.
pub struct Catalog<'a> {
    pub config: &'a SiteConfig,
    pub documents: &'a [crate::parse::Document],
    /// Document slugs, by index.
    pub slugs: Vec<&'a str>,
    pub entities: Vec<EntityName<'a>>,
    pub sources: Vec<SourceName<'a>>,
}

pub struct EntityName<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    /// The annotation's first paragraph, as plain text: what previews show.
    pub summary: &'a str,
}

pub struct SourceName<'a> {
    /// The page's name (see `Source::slug`).
    pub slug: &'a str,
    pub label: String,
    /// The label of `[-@key]`, which leaves the author out.
    pub year: String,
}

impl<'a> Catalog<'a> {
    fn new(site: &Site<'a>) -> Self {
        let archive = site.archive;
        Catalog {
            config: &archive.config,
            documents: &site.parsed.documents,
            slugs: site
                .parsed
                .documents
                .iter()
                .map(|d| d.source.slug.as_str())
                .collect(),
            entities: archive
                .entities
                .iter()
                .zip(&site.parsed.entities)
                .map(|(e, text)| EntityName {
                    id: &e.id,
                    name: &e.meta.name,
                    kind: &e.meta.kind,
                    summary: text
                        .blocks
                        .iter()
                        .find(|b| b.kind == BlockKind::Paragraph && !b.text.is_empty())
                        .map_or("", |b| b.text.as_str()),
                })
                .collect(),
            sources: archive
                .sources
                .iter()
                .map(|s| SourceName {
                    slug: &s.slug,
                    label: s.label(),
                    year: s.year_label(),
                })
                .collect(),
        }
    }

    /// Markup from content on its way into a page: cleaned when `sanitize_html` is on.
    pub fn finish(&self, html: String) -> String {
        if self.config.sanitize_html {
            sanitize::clean(&html)
        } else {
            html
        }
    }
}

/// The stylesheet for highlighted code.
pub fn syntax_css() -> String {
    crate::parse::highlight::stylesheet()
}

pub struct Renderer {
    tera: Tera,
    /// The list templates that show no pages (see `templates::load`).
    unpaged: Vec<&'static str>,
}

impl Renderer {
    pub fn new(root: &std::path::Path) -> Result<Renderer, Failure> {
        let (tera, unpaged) = templates::load(root)?;
        Ok(Renderer { tera, unpaged })
    }

    /// How many documents a page of the list `template` renders lists: the
    /// setting, or all of them (0) when the template shows no pages.
    pub fn per_page(&self, template: &str, config: &SiteConfig) -> usize {
        if self.unpaged.contains(&template) {
            0
        } else {
            config.documents_per_page
        }
    }

    /// Renders the pages and data files `selection` names, in memory: each
    /// file's path relative to the output root, and its bytes.
    pub fn render_some(
        &self,
        site: &Site,
        selection: &Selection,
    ) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
        let files = std::sync::Mutex::new(Vec::new());
        self.render_into(site, selection, &|page| {
            let file = (page.path, page.html.into_bytes());
            files.lock().unwrap_or_else(|e| e.into_inner()).push(file);
            Ok(())
        })?;
        let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.extend(data(site, selection));
        Ok(files)
    }

    /// Renders the pages `selection` names, handing each to `sink` as soon as
    /// it is made (from any thread), so a build need not hold the site in
    /// memory. The data files are left to the caller (`data`), which can make
    /// them beside the pages.
    pub fn render_into(
        &self,
        site: &Site,
        selection: &Selection,
        sink: &Sink,
    ) -> Result<(), Failure> {
        let catalog = Catalog::new(site);
        let documents = &site.parsed.documents;
        let summaries: Vec<DocSummary> = documents.iter().map(DocSummary::new).collect();
        let context = Base {
            site: SiteView::new(&site.archive.config),
            catalog: &catalog,
            renderer: self,
        };
        let mut out = Handed {
            sink,
            paths: Vec::new(),
        };
        if selection.listings {
            let per_page = self.per_page("home.html", &site.archive.config);
            for page in home_pages(&context, &summaries, per_page) {
                out.put(page?)?;
            }
            out.put(context.page(Page::NotFound, "404.html", "nothing", &())?)?;
            out.put(context.page(Page::Search, "search.html", "nothing", &())?)?;
        }
        let rendered: Vec<PathBuf> = documents
            .par_iter()
            .zip(&site.linked.document_links)
            .enumerate()
            .filter(|(d, _)| selection.document(*d))
            .map(|(d, (doc, targets))| {
                let page = Page::Document(&doc.source.slug);
                let here = context.here(page);
                let related = &site.linked.related[d];
                let view = document::DocView::new(doc, targets, related, &here, &catalog);
                let sequence = Sequence {
                    previous: d.checked_sub(1).map(|p| &summaries[p]),
                    next: summaries.get(d + 1),
                };
                let page = context.render_with(&here, "document.html", |context| {
                    context.insert("doc", &view);
                    context.insert("has_code", &doc.text.highlighted);
                    context.insert("sequence", &sequence);
                })?;
                let path = page.path.clone();
                sink(page.from(&doc.source.file.path))?;
                Ok(path)
            })
            .collect::<Result<_, Failure>>()?;
        out.paths.extend(rendered);
        for page in entity::pages(&context, site, &summaries, selection)? {
            out.put(page)?;
        }
        for page in source::pages(&context, site, &summaries, selection)? {
            out.put(page)?;
        }
        if !selection.listings {
            return Ok(());
        }
        for page in listing::annotations(&context, site, &summaries) {
            out.put(page?)?;
        }
        out.put(listing::timeline(&context, site, &summaries)?)?;
        let config = &site.archive.config;
        out.put(feeds::robots(config))?;
        out.put(feeds::feed(config, documents))?;
        if let Some(domain) = &config.cname {
            out.put(feeds::cname(domain))?;
        }
        if selection.everything() {
            sink(feeds::sitemap(config, &out.paths))?;
        }
        Ok(())
    }
}

/// Hands pages on to a sink, keeping their paths in the site's order for the
/// sitemap.
struct Handed<'s, 'a> {
    sink: &'s Sink<'a>,
    paths: Vec<PathBuf>,
}

impl Handed<'_, '_> {
    fn put(&mut self, page: Rendered) -> Result<(), Failure> {
        self.paths.push(page.path.clone());
        (self.sink)(page)
    }
}

/// Where rendered pages go.
pub type Sink<'a> = dyn Fn(Rendered) -> Result<(), Failure> + Sync + 'a;

/// Which pages to render.
pub struct Selection {
    pub documents: Pick,
    pub entities: Pick,
    pub sources: Pick,
    /// The home page, the indexes of entities and sources, the listings, the
    /// search page and the feeds; with everything else, the sitemap too.
    pub listings: bool,
    /// `previews.json`, which the page script reads for hover previews: made in
    /// a few milliseconds, so kept apart from the search index.
    pub previews: bool,
    /// The search index's files (`search`): kept apart from the listings and
    /// the previews because they take longest to make.
    pub search: bool,
}

/// Which of one family of pages (documents, entities or sources) to render, by index.
pub enum Pick {
    All,
    These(BTreeSet<usize>),
}

impl Pick {
    pub fn has(&self, i: usize) -> bool {
        match self {
            Pick::All => true,
            Pick::These(chosen) => chosen.contains(&i),
        }
    }
}

impl Selection {
    /// Every page of the site.
    pub const ALL: Selection = Selection {
        documents: Pick::All,
        entities: Pick::All,
        sources: Pick::All,
        listings: true,
        previews: true,
        search: true,
    };

    /// No page; a caller adds what it wants.
    pub const NONE: Selection = Selection {
        documents: Pick::These(BTreeSet::new()),
        entities: Pick::These(BTreeSet::new()),
        sources: Pick::These(BTreeSet::new()),
        listings: false,
        previews: false,
        search: false,
    };

    fn everything(&self) -> bool {
        let all = |p: &Pick| matches!(p, Pick::All);
        self.listings
            && self.previews
            && self.search
            && all(&self.documents)
            && all(&self.entities)
            && all(&self.sources)
    }

    fn document(&self, d: usize) -> bool {
        self.documents.has(d)
    }

    fn entity(&self, e: usize) -> bool {
        self.entities.has(e)
    }

    fn source(&self, s: usize) -> bool {
        self.sources.has(s)
    }
}

/// The files of data the page script reads, each relative to the output root:
/// `previews.json` (hover and focus previews) and the search index's files under
/// `search/` (see `search`); those of them `selection` names.
pub fn data(site: &Site, selection: &Selection) -> Vec<(PathBuf, Vec<u8>)> {
    if !selection.previews && !selection.search {
        return Vec::new();
    }
    let catalog = Catalog::new(site);
    let mut files = Vec::new();
    if selection.previews {
        let previews = previews::json(site, &catalog).into_bytes();
        files.push(("previews.json".into(), previews));
    }
    if selection.search {
        files.extend(search::files(site, &catalog));
    }
    files
}

/// The home page and the pages its list of documents goes on to, `per_page`
/// documents each (all of them on the home page when `per_page` is 0).
fn home_pages<'a>(
    context: &'a Base,
    summaries: &'a [DocSummary],
    per_page: usize,
) -> impl Iterator<Item = Result<Rendered, Failure>> + 'a {
    let config = context.catalog.config;
    pagination::paged(
        summaries.len(),
        per_page,
        config,
        Page::Home,
        Page::HomeList,
    )
    .map(move |(here, documents, pagination)| {
        context.render_with(&here, "home.html", |context| {
            context.insert("documents", &summaries[documents]);
            context.insert("pagination", &pagination);
        })
    })
}

/// A document's neighbours in the archive's order, for previous/next links.
#[derive(Serialize)]
struct Sequence<'a> {
    previous: Option<&'a DocSummary<'a>>,
    next: Option<&'a DocSummary<'a>>,
}

/// What every page shares, and how a page is rendered.
struct Base<'a> {
    site: SiteView<'a>,
    catalog: &'a Catalog<'a>,
    renderer: &'a Renderer,
}

impl<'a> Base<'a> {
    fn here<'p>(&self, page: Page<'p>) -> Here<'p> {
        Here::new(page, self.catalog.config)
    }

    /// Renders `template` for `page`, with `value` under `name`.
    fn page(
        &self,
        page: Page,
        template: &str,
        name: &'static str,
        value: &impl Serialize,
    ) -> Result<Rendered, Failure> {
        self.render(&self.here(page), template, name, value)
    }

    fn render(
        &self,
        here: &Here,
        template: &str,
        name: &'static str,
        value: &impl Serialize,
    ) -> Result<Rendered, Failure> {
        self.render_with(here, template, |context| context.insert(name, value))
    }

    /// Renders `template` for `here`, with what `fill` puts in the context.
    fn render_with(
        &self,
        here: &Here,
        template: &str,
        fill: impl FnOnce(&mut Context),
    ) -> Result<Rendered, Failure> {
        let mut context = Context::new();
        context.insert("site", &self.site);
        context.insert("root", &here.root);
        // Whether the page may show highlighted code, and so needs the syntax
        // stylesheet: a document page knows, and says so below.
        context.insert("has_code", &true);
        if here.page != Page::NotFound {
            context.insert("canonical_url", &here.canonical);
        }
        fill(&mut context);
        let html = self.renderer.tera.render(template, &context).map_err(|e| {
            templates::template_error(&PathBuf::from("templates").join(template), &e)
        })?;
        Ok(Rendered {
            path: here.page.file(),
            html,
            from: None,
        })
    }
}
