//! Citations: Pandoc's `[@key, pp. 28-29]` and `[see @a; @b]`, and a citation that
//! keeps the original's own words, `[The Way of the Knife … (pp 28)](@key "pp. 28")`.
//!
//! A group renders close to how printed sources show citations, each item linked
//! to its source page: "[Associated Press, 6/9/2002; Guardian, 6/11/2002]".

use crate::load::sources::{Source, names};
use crate::parse::markdown::escape;

/// The bibliography as the parse stage needs it: keys and how to label them.
pub struct Bibliography {
    /// In the archive's source order, which citations index into.
    pub keys: Vec<String>,
    labels: Vec<String>,
    /// Indices into `keys`, sorted by key, for lookup.
    by_key: Vec<usize>,
}

/// One item of a citation group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub prefix: String,
    pub key: String,
    pub locator: Option<String>,
}

impl Bibliography {
    pub fn new(sources: &[Source]) -> Bibliography {
        let keys: Vec<String> = sources.iter().map(|s| s.key.clone()).collect();
        let mut by_key: Vec<usize> = (0..keys.len()).collect();
        by_key.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        Bibliography {
            labels: sources.iter().map(label).collect(),
            keys,
            by_key,
        }
    }

    pub fn index_of(&self, key: &str) -> Option<usize> {
        let at = self
            .by_key
            .binary_search_by(|&i| self.keys[i].as_str().cmp(key))
            .ok()?;
        Some(self.by_key[at])
    }

    pub fn label(&self, source: usize) -> &str {
        &self.labels[source]
    }
}

/// How a citation names a source: its `shorthand` when it has one (how the
/// archive's documents print it), else "Author, year", else its title.
pub fn label(source: &Source) -> String {
    if let Some(shorthand) = source.field("shorthand") {
        return shorthand.to_string();
    }
    let who = source
        .field("author")
        .or(source.field("editor"))
        .map(|a| {
            let first = a.split(" and ").next().unwrap_or(a);
            let last = first.split(',').next().unwrap_or(first).trim().to_string();
            if a.contains(" and ") {
                format!("{last} et al.")
            } else {
                last
            }
        })
        .or(source
            .field("journal")
            .or(source.field("organization"))
            .map(str::to_string));
    let year = source
        .field("year")
        .or(source.field("date").map(|d| d.get(..4).unwrap_or(d)));
    match (who, year) {
        (Some(w), Some(y)) => format!("{w}, {y}"),
        (Some(w), None) => w,
        (None, y) => {
            let title = source.field("title").unwrap_or(&source.key);
            y.map_or_else(|| title.to_string(), |y| format!("{title}, {y}"))
        }
    }
}

/// Parses the inside of `[…]` as a citation group, if it is one: every item has a key.
pub fn parse_group(text: &str) -> Option<Vec<Item>> {
    let items: Option<Vec<Item>> = text
        .split(';')
        .map(|part| {
            let part = part.trim();
            let at = part.find('@')?;
            let prefix = part[..at].trim().to_string();
            let rest = &part[at + 1..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')))
                .unwrap_or(rest.len());
            let key = rest[..end].trim_end_matches(['.', ':']).to_string();
            let after = rest[key.len()..].trim();
            let locator = after
                .strip_prefix(',')
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty());
            if key.is_empty() || (!after.is_empty() && locator.is_none()) {
                return None;
            }
            Some(Item {
                prefix,
                key,
                locator,
            })
        })
        .collect();
    items.filter(|i| !i.is_empty())
}

/// The `<a>` opening a link to a source's page from a document page.
pub fn link_open(key: &str, locator: Option<&str>) -> String {
    let title = locator
        .map(|l| format!(" data-locator=\"{}\"", escape(l)))
        .unwrap_or_default();
    format!("<a class=\"cite\" href=\"../sources/{key}/\" data-key=\"{key}\"{title}>")
}

/// A reference line for source pages: "Steve Coll. *Directorate S*. London: Allen Lane, 2018."
pub fn reference_html(source: &Source) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(a) = source.field("author").or(source.field("editor")) {
        parts.push(escape(&names(a).replace(['{', '}'], "")));
    }
    let container = matches!(
        source.kind.as_str(),
        "article" | "incollection" | "inproceedings"
    );
    if let Some(t) = source.field("title") {
        let t = escape(t);
        let sub = source
            .field("subtitle")
            .map(|s| format!(": {}", escape(s)))
            .unwrap_or_default();
        parts.push(if container {
            format!("“{t}{sub}”")
        } else {
            format!("<cite>{t}{sub}</cite>")
        });
    }
    if let Some(j) = source.field("journal").or(source.field("booktitle")) {
        parts.push(format!("<cite>{}</cite>", escape(j)));
    }
    if let Some(h) = source.field("howpublished") {
        parts.push(escape(h));
    }
    let publisher = match (source.field("address"), source.field("publisher")) {
        (Some(a), Some(p)) => Some(format!("{a}: {p}")),
        (None, Some(p)) => Some(p.to_string()),
        _ => None,
    };
    if let Some(p) = publisher {
        parts.push(escape(&p));
    }
    if let Some(d) = source.field("date").or(source.field("year")) {
        parts.push(escape(d));
    }
    let mut html = parts.join(". ");
    if !html.is_empty() {
        html.push('.');
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pandoc_groups() {
        let g = parse_group("@ap-2002-06-09; @guardian-2002-06-11").unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[1].key, "guardian-2002-06-11");
        let g = parse_group("see @coll-directorate-s, pp. 62-63").unwrap();
        assert_eq!(g[0].prefix, "see");
        assert_eq!(g[0].locator.as_deref(), Some("pp. 62-63"));
        assert_eq!(parse_group("not a citation"), None);
        assert_eq!(parse_group("@a; and more"), None);
        assert_eq!(parse_group("email me @home now"), None);
    }
}
