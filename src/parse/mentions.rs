//! Finding entity mentions in running text.
//!
//! One Aho-Corasick automaton over every name and alias in the registry is built
//! once per build and shared by all documents. Matching is case-sensitive,
//! leftmost-longest ("Tehrik-e-Taliban Pakistan" beats "Taliban") and only on word
//! boundaries. A spelling marked ambiguous never links; it is reported instead.

use std::collections::BTreeMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Up to how many spellings the automaton is a DFA (see `Registry::new`).
const DFA_SPELLINGS: usize = 20_000;

use crate::diagnostics::Diagnostic;
use crate::load::EntitySource;

/// What a spelling refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Entity(usize),
    /// Entities that all claim this spelling as ambiguous.
    Ambiguous(Vec<usize>),
}

/// Entities by index, plus the automaton over their spellings.
pub struct Registry {
    pub ids: Vec<String>,
    matcher: Option<AhoCorasick>,
    targets: Vec<Target>,
}

/// A spelling found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub target: Target,
}

impl Registry {
    /// Builds the automaton; reports spellings two entities both claim outright.
    pub fn new(entities: &[EntitySource]) -> (Registry, Vec<Diagnostic>) {
        let mut claims: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for (i, entity) in entities.iter().enumerate() {
            let meta = &entity.meta;
            for spelling in std::iter::once(&meta.name).chain(&meta.aliases) {
                let entry = claims.entry(spelling.trim()).or_default();
                if !entry.0.contains(&i) {
                    entry.0.push(i);
                }
            }
            for spelling in &meta.ambiguous {
                claims.entry(spelling.trim()).or_default().1.push(i);
            }
        }
        let mut diagnostics = Vec::new();
        let mut spellings = Vec::new();
        let mut targets = Vec::new();
        for (spelling, (sure, ambiguous)) in claims {
            if spelling.is_empty() {
                continue;
            }
            if sure.len() > 1 {
                let owners: Vec<&str> = sure.iter().map(|&i| entities[i].id.as_str()).collect();
                let second = &entities[sure[1]];
                let at = second
                    .file
                    .text
                    .find(&format!("\"{spelling}\""))
                    .unwrap_or(0);
                diagnostics.push(
                    Diagnostic::error(&second.file.path, format!("`{spelling}` is claimed by {}", owners.join(" and ")))
                        .at(&second.file.text, at..at + spelling.len() + 2)
                        .help("a spelling may belong to one entity; if it can mean several, list it under `ambiguous` in each"),
                );
            }
            let target = if ambiguous.is_empty() {
                Target::Entity(sure[0])
            } else {
                let mut all: Vec<usize> = sure.into_iter().chain(ambiguous).collect();
                all.sort_unstable();
                all.dedup();
                Target::Ambiguous(all)
            };
            spellings.push(spelling.to_string());
            targets.push(target);
        }
        let matcher = (!spellings.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                // Every word of every document passes through this automaton: a
                // DFA is the fastest to search, and small enough up to tens of
                // thousands of spellings (a few bytes per transition); past that
                // the library picks a leaner one.
                .kind((spellings.len() <= DFA_SPELLINGS).then_some(AhoCorasickKind::DFA))
                .build(&spellings)
                .expect("spellings are plain strings, well within automaton limits")
        });
        let ids = entities.iter().map(|e| e.id.clone()).collect();
        (
            Registry {
                ids,
                matcher,
                targets,
            },
            diagnostics,
        )
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids
            .binary_search_by(|probe| probe.as_str().cmp(id))
            .ok()
    }

    /// Every spelling in `text` that stands on word boundaries, in order.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        matcher
            .find_iter(text)
            .filter(|m| on_word_boundaries(text, m.start(), m.end()))
            .map(|m| Found {
                range: m.start()..m.end(),
                target: self.targets[m.pattern().as_usize()].clone(),
            })
            .collect()
    }
}

fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// An entity for tests elsewhere in the parse stage.
#[cfg(test)]
pub fn test_entity(id: &str, name: &str, aliases: &[&str], ambiguous: &[&str]) -> EntitySource {
    tests::entity(id, name, aliases, ambiguous)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{EntityMeta, SourceFile};
    use std::sync::Arc;

    pub fn entity(id: &str, name: &str, aliases: &[&str], ambiguous: &[&str]) -> EntitySource {
        EntitySource {
            id: id.into(),
            file: SourceFile {
                path: format!("content/entities/{id}.md").into(),
                text: Arc::from(""),
            },
            meta: EntityMeta {
                name: name.into(),
                kind: "person".into(),
                aliases: aliases.iter().map(|s| s.to_string()).collect(),
                ambiguous: ambiguous.iter().map(|s| s.to_string()).collect(),
                wikidata: None,
                dates: None,
            },
            body_start: 0,
        }
    }

    fn registry() -> Registry {
        let (r, d) = Registry::new(&[
            entity("haqqani-network", "Haqqani Network", &[], &["Haqqani"]),
            entity(
                "jalaluddin-haqqani",
                "Jalaluddin Haqqani",
                &[],
                &["Haqqani"],
            ),
            entity("taliban", "Taliban", &["the Taliban"], &[]),
            entity("ttp", "Tehrik-e-Taliban Pakistan", &["TTP"], &[]),
            entity("isi", "ISI", &["Inter-Services Intelligence"], &[]),
        ]);
        assert!(d.is_empty());
        r
    }

    fn found(r: &Registry, text: &str) -> Vec<(String, Target)> {
        r.find(text)
            .into_iter()
            .map(|f| (text[f.range.clone()].to_string(), f.target))
            .collect()
    }

    #[test]
    fn longest_match_wins() {
        let r = registry();
        let f = found(&r, "the Tehrik-e-Taliban Pakistan and the Haqqani Network.");
        assert_eq!(
            f[0],
            ("Tehrik-e-Taliban Pakistan".into(), Target::Entity(3))
        );
        assert_eq!(f[1], ("Haqqani Network".into(), Target::Entity(0)));
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn word_boundaries_only() {
        let r = registry();
        assert!(found(&r, "ISIS and TTPs and Talibanisation").is_empty());
        assert_eq!(found(&r, "ISI’s men, ISI-A marriage").len(), 2);
    }

    #[test]
    fn ambiguous_spellings_name_every_candidate() {
        let r = registry();
        assert_eq!(
            found(&r, "Haqqani said"),
            [("Haqqani".into(), Target::Ambiguous(vec![0, 1]))]
        );
    }

    #[test]
    fn a_spelling_claimed_twice_is_an_error() {
        let (_, d) = Registry::new(&[
            entity("a", "A", &["Omar"], &[]),
            entity("b", "B", &["Omar"], &[]),
        ]);
        assert_eq!(d[0].message, "`Omar` is claimed by a and b");
    }
}
