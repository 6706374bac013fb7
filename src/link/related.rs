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

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::parse::Document;
use crate::sorted::common;

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

/// What one paragraph speaks of, each list sorted and without repeats.
#[derive(Default)]
struct Profile {
    entities: Vec<usize>,
    years: Vec<i32>,
}

/// For each document, for each of its blocks, the related passages, best first.
///
/// Blocks are numbered across the archive in reading order (`first[d] + b`), so
/// a candidate's score lives in a flat array per thread rather than a map, and
/// "best first, then document and reading order" is "highest score, then lowest
/// number".
pub fn passages(documents: &[Document]) -> Vec<Vec<Vec<Passage>>> {
    let mut first = Vec::with_capacity(documents.len() + 1);
    let mut owner = Vec::new();
    let mut profiles: Vec<Profile> = Vec::new();
    for (d, doc) in documents.iter().enumerate() {
        first.push(profiles.len());
        let base = profiles.len();
        let blocks = &doc.text.blocks;
        owner.extend(std::iter::repeat_n(d, blocks.len()));
        profiles.extend((0..blocks.len()).map(|_| Profile::default()));
        let index: HashMap<&str, usize> = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.as_str(), base + i))
            .collect();
        for m in &doc.text.mentions {
            if let Some(&g) = index.get(m.anchor.as_str()) {
                profiles[g].entities.push(m.entity);
            }
        }
        for date in &doc.text.dates {
            if let Some(&g) = index.get(date.anchor.as_str()) {
                let start = date.date.start.year;
                let end = date.date.end.map_or(start, |e| e.year);
                // A long range says little about any one year.
                if end - start <= 3 {
                    profiles[g].years.extend(start..=end);
                }
            }
        }
    }
    first.push(profiles.len());
    for p in &mut profiles {
        p.entities.sort_unstable();
        p.entities.dedup();
        p.years.sort_unstable();
        p.years.dedup();
    }
    let mut by_entity: Vec<Vec<usize>> = Vec::new();
    let mut by_year: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    let mut described = 0usize;
    for (g, p) in profiles.iter().enumerate() {
        if !p.entities.is_empty() || !p.years.is_empty() {
            described += 1;
        }
        for &e in &p.entities {
            if by_entity.len() <= e {
                by_entity.resize_with(e + 1, Vec::new);
            }
            by_entity[e].push(g);
        }
        for &y in &p.years {
            by_year.entry(y).or_default().push(g);
        }
    }
    let weight = |df: usize| ((1 + described) as f64 / df.max(1) as f64).ln();
    let year_weight = weight(described.div_ceil(20).max(1));
    let floor = weight(RARE);
    let ranked: Vec<Vec<Passage>> = (0..profiles.len())
        .into_par_iter()
        .map_init(
            || Scratch::new(profiles.len()),
            |scratch, g| {
                let profile = &profiles[g];
                let d = owner[g];
                let own = first[d]..first[d + 1];
                // The same order of additions as ever, so the same sums.
                for e in &profile.entities {
                    let postings = &by_entity[*e];
                    if postings.len() <= COMMON {
                        scratch.add(postings, &own, weight(postings.len()));
                    }
                }
                for y in &profile.years {
                    let postings = &by_year[y];
                    if postings.len() <= COMMON {
                        scratch.add(postings, &own, year_weight);
                    }
                }
                // The common entities and years count for the candidates found.
                for &o in &scratch.touched {
                    let other = &profiles[o];
                    let score = &mut scratch.scores[o];
                    for e in common(&profile.entities, &other.entities) {
                        let df = by_entity[e].len();
                        if df > COMMON {
                            *score += weight(df);
                        }
                    }
                    for y in common(&profile.years, &other.years) {
                        if by_year[&y].len() > COMMON {
                            *score += year_weight / 2.0;
                        }
                    }
                }
                scratch
                    .best(floor)
                    .into_iter()
                    .map(|(o, score)| Passage {
                        document: owner[o],
                        block: o - first[owner[o]],
                        score,
                    })
                    .collect()
            },
        )
        .collect();
    let mut ranked = ranked.into_iter();
    documents
        .iter()
        .map(|doc| ranked.by_ref().take(doc.text.blocks.len()).collect())
        .collect()
}

/// One thread's scores of candidate blocks, reset after each paragraph.
struct Scratch {
    scores: Vec<f64>,
    touched: Vec<usize>,
}

impl Scratch {
    fn new(blocks: usize) -> Scratch {
        Scratch {
            scores: vec![0.0; blocks],
            touched: Vec::new(),
        }
    }

    /// Adds `w` to every block of `postings` outside `own` (the paragraph's
    /// document). Weights are positive, so a zero score means "not yet a candidate".
    fn add(&mut self, postings: &[usize], own: &std::ops::Range<usize>, w: f64) {
        for &o in postings {
            if own.contains(&o) {
                continue;
            }
            let score = &mut self.scores[o];
            if *score == 0.0 {
                self.touched.push(o);
            }
            *score += w;
        }
    }

    /// The best `BEST` candidates scoring at least `floor`, highest score
    /// first, then lowest number; and the scores cleared for the next paragraph.
    fn best(&mut self, floor: f64) -> Vec<(usize, f64)> {
        let mut best: Vec<(usize, f64)> = Vec::with_capacity(BEST + 1);
        for o in self.touched.drain(..) {
            let score = std::mem::take(&mut self.scores[o]);
            if score < floor {
                continue;
            }
            let before = |&(b, s): &(usize, f64)| s.total_cmp(&score).then(o.cmp(&b)).is_gt();
            let at = best.iter().take_while(|x| before(x)).count();
            if at < BEST {
                best.insert(at, (o, score));
                best.truncate(BEST);
            }
        }
        best
    }
}
