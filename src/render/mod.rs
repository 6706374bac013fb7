//! Stage 4, render: one Tera context per page, templates from `templates/`.
//!
//! Produces every page as a path relative to the output root and its HTML; writing
//! them is the next stage's job. Pages link to each other relatively (`root` is the
//! way back to the site root from the page), so one build works at a domain root
//! and under a sub-path.

mod templates;
pub mod view;

use std::path::PathBuf;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::config::SiteConfig;
use crate::diagnostics::Failure;
use crate::link::entities::EntityLinks;
use crate::link::timeline::Entry;
use crate::load::EntitySource;
use crate::load::sources::Source;
use crate::parse::Document;
use view::{
    DocSummary, DocView, EntitySummary, EntityView, EntryView, SiteView, SourceSummary, SourceView,
};

/// Everything the renderer needs, borrowed from the earlier stages.
pub struct Site<'a> {
    pub config: &'a SiteConfig,
    pub documents: &'a [Document],
    pub entities: &'a [EntitySource],
    pub entity_links: &'a [EntityLinks],
    pub sources: &'a [Source],
    pub timeline: &'a [Entry],
}

/// A rendered page.
pub struct Page {
    /// Relative to the output root, e.g. `khaksar-timeline/index.html`.
    pub path: PathBuf,
    pub html: String,
}

pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    pub fn new(root: &std::path::Path) -> Result<Renderer, Failure> {
        Ok(Renderer {
            tera: templates::load(root)?,
        })
    }

    /// Renders every page of the site.
    pub fn render(&self, site_data: &Site) -> Result<Vec<Page>, Failure> {
        let Site {
            config,
            documents,
            entities,
            entity_links,
            sources,
            timeline,
        } = *site_data;
        let site = SiteView::new(config);
        let mut base = Context::new();
        base.insert("site", &site);

        let summaries: Vec<DocSummary> = documents.iter().map(DocSummary::new).collect();
        let mut pages = Vec::with_capacity(documents.len() + 2);

        let mut home = base.clone();
        home.insert("root", "");
        home.insert("canonical_url", &config.base_url);
        home.insert("documents", &summaries);
        pages.push(self.page("home.html", &home, "index.html")?);

        let mut not_found = base.clone();
        // The 404 page is served at any depth, so it links from the site's base path.
        not_found.insert("root", config.base_path());
        pages.push(self.page("404.html", &not_found, "404.html")?);

        let rendered: Result<Vec<Page>, Failure> = documents
            .par_iter()
            .map(|doc| {
                let mut context = base.clone();
                context.insert("root", "../");
                context.insert(
                    "canonical_url",
                    &format!("{}{}/", config.base_url, doc.source.slug),
                );
                context.insert("doc", &DocView::new(doc, config));
                self.page(
                    "document.html",
                    &context,
                    &format!("{}/index.html", doc.source.slug),
                )
            })
            .collect();
        pages.extend(rendered?);

        let entity_summaries: Vec<EntitySummary> = entities
            .iter()
            .zip(entity_links)
            .map(|(e, l)| EntitySummary::new(e, l))
            .collect();
        let mut index = base.clone();
        index.insert("root", "../");
        index.insert("canonical_url", &format!("{}entities/", config.base_url));
        index.insert("kinds", &view::group_by_kind(&entity_summaries));
        pages.push(self.page("entities.html", &index, "entities/index.html")?);

        let rendered: Result<Vec<Page>, Failure> = entities
            .par_iter()
            .zip(entity_links)
            .enumerate()
            .map(|(e, (entity, links))| {
                let own: Vec<EntryView> = timeline
                    .iter()
                    .filter(|entry| entry.entities.binary_search(&e).is_ok())
                    .map(|entry| EntryView::new(entry, &summaries, &entity_summaries))
                    .collect();
                let mut context = base.clone();
                context.insert("root", "../../");
                context.insert(
                    "canonical_url",
                    &format!("{}entities/{}/", config.base_url, entity.id),
                );
                context.insert(
                    "entity",
                    &EntityView::new(entity, links, &summaries, &entity_summaries, own),
                );
                self.page(
                    "entity.html",
                    &context,
                    &format!("entities/{}/index.html", entity.id),
                )
            })
            .collect();
        pages.extend(rendered?);

        let cited = view::citations_by_source(sources, documents);
        let mut source_summaries: Vec<SourceSummary> = sources
            .iter()
            .zip(&cited)
            .map(|(s, c)| SourceSummary::new(s, c.len()))
            .collect();
        source_summaries.sort_by(|a, b| {
            a.label
                .to_lowercase()
                .cmp(&b.label.to_lowercase())
                .then(a.key.cmp(b.key))
        });
        let mut index = base.clone();
        index.insert("root", "../");
        index.insert("canonical_url", &format!("{}sources/", config.base_url));
        index.insert("sources", &source_summaries);
        pages.push(self.page("sources.html", &index, "sources/index.html")?);
        let rendered: Result<Vec<Page>, Failure> = sources
            .par_iter()
            .zip(&cited)
            .map(|(source, cited)| {
                let mut context = base.clone();
                context.insert("root", "../../");
                context.insert(
                    "canonical_url",
                    &format!("{}sources/{}/", config.base_url, source.key),
                );
                context.insert("source", &SourceView::new(source, cited, &summaries));
                self.page(
                    "source.html",
                    &context,
                    &format!("sources/{}/index.html", source.key),
                )
            })
            .collect();
        pages.extend(rendered?);

        let mut context = base.clone();
        context.insert("root", "../");
        context.insert("canonical_url", &format!("{}annotations/", config.base_url));
        context.insert("groups", &view::annotation_groups(documents, &summaries));
        pages.push(self.page("annotations.html", &context, "annotations/index.html")?);

        let entries: Vec<EntryView> = timeline
            .iter()
            .map(|e| EntryView::new(e, &summaries, &entity_summaries))
            .collect();
        let mut context = base.clone();
        context.insert("root", "../");
        context.insert("canonical_url", &format!("{}timeline/", config.base_url));
        context.insert("entries", &entries);
        pages.push(self.page("timeline.html", &context, "timeline/index.html")?);
        Ok(pages)
    }

    fn page(&self, template: &str, context: &Context, path: &str) -> Result<Page, Failure> {
        let html = self.tera.render(template, context).map_err(|e| {
            templates::template_error(&PathBuf::from("templates").join(template), &e)
        })?;
        Ok(Page {
            path: PathBuf::from(path),
            html,
        })
    }
}
