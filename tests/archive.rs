//! Builds this repository's own archive and checks the site a reader gets: a page per
//! document, the home page listing them, the files GitHub Pages needs, footnotes and
//! timeline cross-references that work, and links that work wherever the site is hosted.
//! The archive is built once, on first use, and every test reads that build.

mod common;

use common::{Site, text_of};

/// The five documents, by slug, with the title each states (`None`: untitled).
const DOCUMENTS: &[(&str, Option<&str>)] = &[
    ("al-qaeda-and-the-afghan-taliban", None),
    (
        "cia-and-isi-a-failed-marriage",
        Some("The Taliban Story: CIA and ISI-A Failed Marriage"),
    ),
    ("khaksar-timeline", None),
    ("pakistan-generals-and-the-taliban", None),
    (
        "pakistans-biggest-afghan-mistake",
        Some("Pakistan’s Biggest Afghan Mistake: Not Working with Ahmad Shah Massoud"),
    ),
];

/// This repository's `base_url` is the domain root.
const BASE_PATH: &str = "/";
const BASE_URL: &str = "https://lectern.example.org/";

fn build() -> &'static Site {
    common::repository_site()
}

#[test]
fn every_document_gets_a_page_at_its_slug() {
    let site = build();
    assert_eq!(site.summary.documents, DOCUMENTS.len());
    let slugs_on_disk: Vec<String> = site
        .files()
        .into_iter()
        .filter_map(|f| f.strip_suffix("/index.html").map(str::to_string))
        .filter(|dir| !dir.contains('/'))
        .filter(|dir| !lectern::load::RESERVED_SLUGS.contains(&dir.as_str()))
        .collect();
    let expected: Vec<&str> = DOCUMENTS.iter().map(|(slug, _)| *slug).collect();
    assert_eq!(
        slugs_on_disk, expected,
        "one page per document, beside lectern's own"
    );
    for (slug, title) in DOCUMENTS {
        let page = site.page(&format!("{slug}/index.html"));
        page.count("article.document", 1);
        match title {
            Some(title) => {
                page.has_text("article.document h1", title);
                assert!(page.text("title").starts_with(title), "{slug}: <title>");
            }
            None => {
                page.count("article.document h1.untitled", 1);
            }
        }
    }
}

#[test]
fn home_lists_every_document_by_title_or_first_words() {
    let site = build();
    let home = site.page("index.html");
    let entries = home.select("a[href]");
    for (slug, title) in DOCUMENTS {
        let href = format!("{slug}/");
        let links: Vec<_> = entries
            .iter()
            .filter(|a| a.value().attr("href") == Some(href.as_str()))
            .collect();
        assert_eq!(links.len(), 1, "the home page links to {href} once");
        let shown = text_of(*links[0]);
        match title {
            Some(title) => assert_eq!(shown, *title, "{slug} is listed by its title"),
            None => {
                // Listed by its first words: a word-for-word prefix of its first paragraph.
                let words = shown.trim_end_matches('…');
                assert!(words.split_whitespace().count() >= 3, "{slug}: {shown:?}");
                let page = site.page(&format!("{slug}/index.html"));
                let first = page
                    .texts(".doc-body p")
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                assert!(
                    first.starts_with(words),
                    "{slug} is listed as {shown:?}, which is not how it begins: {first:?}"
                );
            }
        }
    }
}

#[test]
fn site_has_404_nojekyll_and_stylesheets() {
    let site = build();
    site.page("404.html").count("h1", 1);
    assert!(site.exists(".nojekyll"), "GitHub Pages needs .nojekyll");
    for css in ["style.css", "syntax.css"] {
        let text = site.read(css);
        assert!(text.contains('{'), "{css} is a stylesheet: {text:.80}");
    }
    // Every page links the stylesheet; a document page links the syntax
    // stylesheet only when it shows highlighted code, which this archive's do not.
    for page in site.pages() {
        let links = |css: &str| {
            page.select("link[rel=stylesheet]")
                .iter()
                .any(|l| l.value().attr("href").is_some_and(|h| h.ends_with(css)))
        };
        assert!(links("style.css"), "{} does not link style.css", page.path);
        let document = !page.select("body.document").is_empty();
        let code = !page.select("pre.hl-code").is_empty();
        assert_eq!(
            links("syntax.css"),
            code || !document,
            "{}: code shown {code}",
            page.path
        );
    }
    assert!(
        site.read("syntax.css").contains(".hl-"),
        "syntax.css styles hl- classes"
    );
}

#[test]
fn cia_and_isi_footnotes_link_both_ways() {
    let site = build();
    let page = site.page("cia-and-isi-a-failed-marriage/index.html");
    let refs = page.select("article.document sup a[role=doc-noteref]");
    assert_eq!(refs.len(), 6, "six footnote references");
    let notes = page.select("article.document section.footnotes li");
    assert_eq!(notes.len(), 6, "six notes");
    for (i, reference) in refs.iter().enumerate() {
        let n = i + 1;
        assert_eq!(
            text_of(*reference),
            n.to_string(),
            "reference {n} shows its number"
        );
        assert_eq!(
            reference.value().attr("href"),
            Some(format!("#fn-{n}").as_str())
        );
        let ref_id = reference
            .value()
            .attr("id")
            .unwrap_or_else(|| panic!("reference {n} has no id to come back to"));
        let note = page.one(&format!("section.footnotes li#fn-{n}"));
        let back: Vec<&str> = note
            .select(&common::selector("a[role=doc-backlink]"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert_eq!(
            back,
            [format!("#{ref_id}")],
            "note {n} links back to its reference"
        );
        assert_eq!(page.select(&format!("[id=\"{ref_id}\"]")).len(), 1);
    }
    // The notes read as printed, numbered, the editor's own notes aside.
    let read = |i: usize| {
        let text = common::reading_text(notes[i]);
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert_eq!(read(0), "1. The Way of the Knife by Mark Mazzettik (pp 28)");
    assert_eq!(
        read(3),
        "4. Directorate S by Steve Coll (Allen Lane, 2018 ed.) (pp 62-63)"
    );
}

#[test]
fn khaksar_timeline_entries_are_dated_in_order() {
    let site = build();
    let page = site.page("khaksar-timeline/index.html");
    let dates: Vec<&str> = page
        .select("article.document section.entry")
        .iter()
        .map(|s| {
            s.value()
                .attr("data-date")
                .expect("entries carry data-date")
        })
        .collect();
    assert_eq!(dates, ["1999-04", "2001-09-12/2001-11", "2002-02-25"]);
    let mut sorted = dates.clone();
    sorted.sort_by_key(|d| d.split('/').next().unwrap_or(d).to_string());
    assert_eq!(dates, sorted, "entries run in date order");
    // Each entry is labelled by its own heading.
    for entry in page.select("section.entry") {
        let label = entry
            .value()
            .attr("aria-labelledby")
            .expect("entries are labelled");
        let heading = entry
            .select(&common::selector("h2"))
            .next()
            .expect("entries open with a heading");
        assert_eq!(heading.value().attr("id"), Some(label));
    }
    page.count("section.entry h2.supplied", 1);
    page.has_text("section.entry h2.supplied", "April 1999");
}

#[test]
fn khaksar_see_references_land_on_their_entries() {
    let site = build();
    let page = site.page("khaksar-timeline/index.html");
    let see = page.select(".doc-body a[href^='#']");
    assert_eq!(see.len(), 6, "six (see …) references in the three entries");
    for link in see {
        let href = link.value().attr("href").unwrap();
        let id = &href[1..];
        let targets = page.select(&format!("[id=\"{id}\"]"));
        assert_eq!(targets.len(), 1, "{href} lands on exactly one element");
        let heading = text_of(targets[0]);
        let shown = text_of(link);
        assert!(
            heading.starts_with(&shown),
            "“(see {shown})” lands on a heading that reads {heading:?}"
        );
    }
}

#[test]
fn internal_links_are_relative() {
    let site = build();
    for (page, element, value) in site.links() {
        if element.starts_with("<link") && element.contains("rel=\"canonical\"") {
            assert!(value.starts_with(BASE_URL), "{page}: canonical {value}");
            continue;
        }
        assert!(
            !value.starts_with(BASE_URL),
            "{page}: {element} uses base_url"
        );
        if page == "404.html" {
            // Served at any depth for a missing page, so it links from base_url's path.
            assert!(
                value.starts_with(BASE_PATH) || value.starts_with('#') || value.contains("://"),
                "{page}: {element}"
            );
            continue;
        }
        assert!(!value.starts_with('/'), "{page}: {element} is not relative");
    }
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let site = build();
    let mut broken = site.broken_links(BASE_PATH);
    let total = broken.len();
    broken.sort();
    broken.dedup();
    assert!(
        broken.is_empty(),
        "{total} broken links, {} distinct; the first 20:\n{}",
        broken.len(),
        broken[..broken.len().min(20)].join("\n")
    );
    assert!(site.links().len() > 50, "the check looked at the links");
}

#[test]
fn ids_are_unique_on_every_page() {
    let site = build();
    for page in site.pages() {
        let mut ids = page.ids();
        let total = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), total, "{} repeats an id", page.path);
    }
}

#[test]
fn the_timeline_draws_dated_paragraphs_from_every_document() {
    let site = build();
    let timeline = site.page("timeline/index.html");
    // Dated entries: dated paragraphs, and a timeline document's dated headings.
    let links: Vec<String> = timeline
        .select("ol.timeline > li > time + a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    let paragraphs: std::collections::BTreeSet<&str> = links.iter().map(String::as_str).collect();
    assert!(
        paragraphs.len() >= 40,
        "{} dated paragraphs",
        paragraphs.len()
    );
    for (slug, _) in DOCUMENTS {
        assert!(
            links.iter().any(|l| l.starts_with(&format!("../{slug}/#"))),
            "no dated paragraph from {slug}"
        );
    }
    // Each lands on a paragraph of its document.
    for link in &links {
        let (page, id) = link.trim_start_matches("../").split_once("/#").unwrap();
        let ids = site.page(&format!("{page}/index.html")).ids();
        assert!(ids.iter().any(|i| i == id), "{link}");
    }
}

#[test]
fn every_document_links_related_passages_in_other_documents() {
    let site = build();
    for (slug, _) in DOCUMENTS {
        let page = site.page(&format!("{slug}/index.html"));
        let others: std::collections::BTreeSet<String> = page
            .select("details.related a")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .map(|href| {
                href.trim_start_matches("../")
                    .split('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert!(others.len() >= 2, "{slug} relates to {others:?}");
        assert!(
            !others.contains(*slug),
            "{slug} relates only to other documents"
        );
    }
}

#[test]
fn related_passages_name_each_document_once_with_short_openings() {
    let site = build();
    for (slug, _) in DOCUMENTS {
        let page = site.page(&format!("{slug}/index.html"));
        for list in page.select("details.related") {
            let titles: Vec<String> = list
                .select(&scraper::Selector::parse("li > cite").unwrap())
                .map(text_of)
                .collect();
            let distinct: std::collections::BTreeSet<&String> = titles.iter().collect();
            assert_eq!(distinct.len(), titles.len(), "{slug}: {titles:?}");
            let passages: Vec<String> = list
                .select(&scraper::Selector::parse("li > a").unwrap())
                .map(text_of)
                .collect();
            assert!((1..=4).contains(&passages.len()), "{slug}: {passages:?}");
            for passage in &passages {
                assert!(passage.chars().count() <= 81, "{slug}: {passage}");
                assert!(!passage.ends_with(" …"), "{slug}: cut on a word: {passage}");
            }
        }
    }
}

#[test]
fn the_entities_index_and_entity_pages_picture_who_is_connected() {
    let site = build();
    let index = site.page("entities/index.html");
    let nodes = index.select("svg.graph a.node");
    assert!(nodes.len() >= 20, "{} nodes", nodes.len());
    for node in &nodes {
        let href = node.value().attr("href").unwrap();
        assert!(
            site.exists(&format!("entities/{}index.html", href)),
            "{href} is an entity page"
        );
    }
    // Lines of one width share a path: count the lines each one draws.
    let lines: usize = index
        .select("svg.graph .edges path")
        .iter()
        .map(|p| p.value().attr("d").unwrap().matches('M').count())
        .sum();
    assert!(lines >= 20, "{lines} lines");
    let isi = site.page("entities/isi/index.html");
    let around = isi.select("svg.graph a.node");
    assert!(around.len() >= 5, "the ISI's neighbourhood");
    assert_eq!(
        around[0].value().attr("href"),
        Some("./"),
        "the entity in the middle"
    );
}
