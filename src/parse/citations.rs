//! Citations: Pandoc's `[@key, pp. 28-29]` and `[see @a; @b]`, and a citation that
//! keeps the original's own words, `[The Way of the Knife … (pp 28)](@key "pp. 28")`.
//!
//! A group reads as printed sources show citations, "[Associated Press, 6/9/2002;
//! Guardian, 6/11/2002]": each source's label is part of the block's text.

use crate::load::sources::{Source, key_len};

/// The bibliography as the parse stage needs it: keys and how to label them.
pub struct Bibliography {
    /// In the archive's source order, which citations index into.
    pub keys: Vec<String>,
    labels: Vec<String>,
    /// For `[-@key]`, which leaves the author out.
    years: Vec<String>,
    /// Indices into `keys`, sorted by key, for lookup.
    by_key: Vec<usize>,
}

/// One item of a citation group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub prefix: String,
    pub key: String,
    pub locator: Option<String>,
    /// `-@key`: the text names the author already; print the year only.
    pub suppress_author: bool,
}

impl Bibliography {
    pub fn new(sources: &[Source]) -> Bibliography {
        let keys: Vec<String> = sources.iter().map(|s| s.key.clone()).collect();
        let mut by_key: Vec<usize> = (0..keys.len()).collect();
        by_key.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        Bibliography {
            labels: sources.iter().map(Source::label).collect(),
            years: sources.iter().map(Source::year_label).collect(),
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

    /// How `item` prints `source`: its label, or its year for `[-@key]`.
    pub fn label(&self, source: usize, item: &Item) -> &str {
        if item.suppress_author {
            &self.years[source]
        } else {
            &self.labels[source]
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
            let (prefix, suppress_author) = match part[..at].strip_suffix('-') {
                Some(before) => (before.trim().to_string(), true),
                None => (part[..at].trim().to_string(), false),
            };
            let rest = &part[at + 1..];
            let key = rest[..key_len(rest)].to_string();
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
                suppress_author,
            })
        })
        .collect();
    items.filter(|i| !i.is_empty())
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
        let g = parse_group("-@smith-2001, p. 3").unwrap();
        assert!(g[0].suppress_author && g[0].prefix.is_empty());
        assert_eq!(g[0].locator.as_deref(), Some("p. 3"));
    }
}
