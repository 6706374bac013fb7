//! Related passages: for every paragraph, the few paragraphs in other documents
//! that speak of the same entities or the same years.
//!
//! A shared entity counts by how rare it is (an inverse document frequency over
//! paragraphs), so two paragraphs that both name a minor figure are closer than
//! two that both name the Taliban; a shared year counts like a fairly rare entity.
//! Candidates come from inverted indexes, and the most common entities and years
//! (those in more than `COMMON` paragraphs) score candidates but do not propose
//! them, so the cost stays near linear in the archive's size. Ties break by
//! document and reading order: the same archive gives the same passages. A
//! passage that shares too little (`RARE`) is not listed at all.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::parse::Document;

/// A paragraph another paragraph is related to.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub document: usize,
    /// Its index among the document's blocks.
    pub block: usize,
    pub score: f64,
}

/// How many passages a paragraph lists at most.
const BEST: usize = 4;
/// Entities and years in more paragraphs than this score but do not propose.
const COMMON: usize = 400;
/// A passage is listed only when what it shares is at least as telling as one
/// entity named in this many paragraphs. In a small archive that is anything
/// shared; in a large one, two paragraphs that share only a name found in
/// hundreds of others are not related by it: the name's own page lists them
/// all, where four picked among equals would be arbitrary.
const RARE: usize = 30;

/// What one paragraph speaks of.
#[derive(Default)]
struct Profile {
    entities: BTreeSet<usize>,
    years: BTreeSet<i32>,
}

/// For each document, for each of its blocks, the related passages, best first.
pub fn passages(documents: &[Document]) -> Vec<Vec<Vec<Passage>>> {
    // Profiles of every block, keyed (document, block).
    let mut profiles: Vec<Vec<Profile>> = documents
        .iter()
        .map(|d| {
            (0..d.text.blocks.len())
                .map(|_| Profile::default())
                .collect()
        })
        .collect();
    for (d, doc) in documents.iter().enumerate() {
        let index: HashMap<&str, usize> = doc
            .text
            .blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.as_str(), i))
            .collect();
        for m in &doc.text.mentions {
            if let Some(&b) = index.get(m.anchor.as_str()) {
                profiles[d][b].entities.insert(m.entity);
            }
        }
        for date in &doc.text.dates {
            if let Some(&b) = index.get(date.anchor.as_str()) {
                let start = date.date.start.year;
                let end = date.date.end.map_or(start, |e| e.year);
                // A long range says little about any one year.
                if end - start <= 3 {
                    profiles[d][b].years.extend(start..=end);
                }
            }
        }
    }
    let mut by_entity: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    let mut by_year: BTreeMap<i32, Vec<(usize, usize)>> = BTreeMap::new();
    let mut described = 0usize;
    for (d, blocks) in profiles.iter().enumerate() {
        for (b, p) in blocks.iter().enumerate() {
            if !p.entities.is_empty() || !p.years.is_empty() {
                described += 1;
            }
            for &e in &p.entities {
                by_entity.entry(e).or_default().push((d, b));
            }
            for &y in &p.years {
                by_year.entry(y).or_default().push((d, b));
            }
        }
    }
    let weight = |df: usize| ((1 + described) as f64 / df.max(1) as f64).ln();
    let year_weight = weight(described.div_ceil(20).max(1));
    let floor = weight(RARE);
    profiles
        .par_iter()
        .enumerate()
        .map(|(d, blocks)| {
            blocks
                .iter()
                .map(|profile| {
                    let mut scores: HashMap<(usize, usize), f64> = HashMap::new();
                    for e in &profile.entities {
                        let postings = &by_entity[e];
                        if postings.len() > COMMON {
                            continue;
                        }
                        let w = weight(postings.len());
                        for &(od, ob) in postings.iter().filter(|(od, _)| *od != d) {
                            *scores.entry((od, ob)).or_default() += w;
                        }
                    }
                    for y in &profile.years {
                        let postings = &by_year[y];
                        if postings.len() > COMMON {
                            continue;
                        }
                        for &(od, ob) in postings.iter().filter(|(od, _)| *od != d) {
                            *scores.entry((od, ob)).or_default() += year_weight;
                        }
                    }
                    // The common entities and years count for the candidates found.
                    for ((od, ob), score) in scores.iter_mut() {
                        let other = &profiles[*od][*ob];
                        for e in profile.entities.intersection(&other.entities) {
                            let df = by_entity[e].len();
                            if df > COMMON {
                                *score += weight(df);
                            }
                        }
                        for y in profile.years.intersection(&other.years) {
                            if by_year[y].len() > COMMON {
                                *score += year_weight / 2.0;
                            }
                        }
                    }
                    let mut ranked: Vec<Passage> = scores
                        .into_iter()
                        .filter(|&(_, score)| score >= floor)
                        .map(|((document, block), score)| Passage {
                            document,
                            block,
                            score,
                        })
                        .collect();
                    ranked.sort_by(|a, b| {
                        b.score
                            .total_cmp(&a.score)
                            .then(a.document.cmp(&b.document))
                            .then(a.block.cmp(&b.block))
                    });
                    ranked.truncate(BEST);
                    ranked
                })
                .collect()
        })
        .collect()
}
