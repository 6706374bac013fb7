//! The files search engines and feed readers read: `sitemap.xml`, `robots.txt`
//! and an Atom feed of the documents. Unlike pages, they use absolute URLs from
//! `base_url`, as their formats require.

use std::path::PathBuf;

use super::Rendered;
use super::paths::{Here, Page};
use crate::config::SiteConfig;
use crate::html::escape;
use crate::parse::Document;

pub const SITEMAP: &str = "sitemap.xml";
pub const FEED: &str = "atom.xml";

/// The sitemap of every page but the 404 page, in the order given.
pub fn sitemap(config: &SiteConfig, pages: &[std::path::PathBuf]) -> Rendered {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        let Some(dir) = page.to_str().and_then(|p| p.strip_suffix("index.html")) else {
            continue;
        };
        xml.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            escape(&format!("{}{dir}", config.base_url))
        ));
    }
    xml.push_str("</urlset>\n");
    file(SITEMAP, xml)
}

pub fn robots(config: &SiteConfig) -> Rendered {
    file(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}{SITEMAP}\n",
            config.base_url
        ),
    )
}

/// An Atom feed of the newest documents (`feed_limit` of them, undated ones last),
/// with their summaries. Dates are the documents' own publication dates, so the
/// feed is the same on every build of the same content.
pub fn feed(config: &SiteConfig, documents: &[Document]) -> Rendered {
    let mut dated: Vec<(&Document, String)> = documents
        .iter()
        .map(|d| {
            let date = d.source.meta.date.as_ref().map(|d| d.iso_start());
            (d, date.unwrap_or_default())
        })
        .collect();
    dated.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.source.slug.cmp(&b.0.source.slug)));
    let updated = dated
        .first()
        .map(|(_, date)| timestamp(date))
        .unwrap_or_else(|| timestamp(""));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        escape(&config.language),
        escape(&config.title)
    );
    if let Some(description) = &config.description {
        xml.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(description)));
    }
    xml.push_str(&format!(
        "  <id>{base}</id>\n  <link href=\"{base}\"/>\n  <link rel=\"self\" href=\"{base}{FEED}\"/>\n  <updated>{updated}</updated>\n  <generator>lectern</generator>\n",
        base = escape(&config.base_url)
    ));
    if let Some(editor) = &config.editor {
        xml.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            escape(editor)
        ));
    }
    let limit = match config.feed_limit {
        0 => dated.len(),
        n => n,
    };
    for (doc, date) in dated.into_iter().take(limit) {
        let meta = &doc.source.meta;
        let url = Here::new(Page::Document(&doc.source.slug), config).canonical;
        let title = meta.title.as_deref().unwrap_or(&doc.incipit);
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{url}</id>\n<link href=\"{url}\"/>\n<updated>{}</updated>\n",
            escape(title),
            if date.is_empty() { updated.clone() } else { timestamp(&date) },
            url = escape(&url)
        ));
        for author in &meta.authors {
            xml.push_str(&format!(
                "<author><name>{}</name></author>\n",
                escape(author)
            ));
        }
        if let Some(summary) = &meta.summary {
            xml.push_str(&format!("<summary>{}</summary>\n", escape(summary)));
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    file(FEED, xml)
}

/// An RFC 3339 timestamp for the start of an ISO date (`2001`, `2001-09`,
/// `2001-09-11`); the epoch when there is none.
fn timestamp(date: &str) -> String {
    let mut parts = date.splitn(3, '-');
    let year = parts.next().filter(|y| !y.is_empty()).unwrap_or("1970");
    let month = parts.next().unwrap_or("01");
    let day = parts.next().unwrap_or("01");
    format!("{year}-{month}-{day}T00:00:00Z")
}

/// `CNAME`, for GitHub Pages on a custom domain.
pub fn cname(domain: &str) -> Rendered {
    file("CNAME", format!("{domain}\n"))
}

fn file(path: &str, text: String) -> Rendered {
    Rendered {
        path: PathBuf::from(path),
        html: text,
        from: None,
    }
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn timestamps_start_at_the_beginning_of_the_date() {
        assert_eq!(timestamp("2001"), "2001-01-01T00:00:00Z");
        assert_eq!(timestamp("2001-09"), "2001-09-01T00:00:00Z");
        assert_eq!(timestamp("2001-09-11"), "2001-09-11T00:00:00Z");
        assert_eq!(timestamp(""), "1970-01-01T00:00:00Z");
    }
}
