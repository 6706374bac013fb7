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
//!
//! The indexes are kept ([`Index`]), so that after an edit of a few documents
//! [`update`] scores again only the paragraphs whose passages can change, with
//! the same result as scoring the whole archive again. For that the weights count
//! the archive's paragraphs to two significant figures (`counted`): one paragraph
//! more or less then changes no weight but the weights of what it names.

use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// For each document, for each of its blocks, the related passages, best first.
pub type Passages = Vec<Vec<Vec<Passage>>>;

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
#[derive(Debug, Clone, Default, PartialEq)]
struct Profile {
    entities: Vec<usize>,
    years: Vec<i32>,
}

impl Profile {
    fn is_empty(&self) -> bool {
        self.entities.is_empty() && self.years.is_empty()
    }
}

/// What passages are scored from: every block's profile and the inverted
/// indexes over them.
///
/// Blocks are numbered across the archive in reading order (`first[d] + b`), so
/// a candidate's score lives in a flat array per thread rather than a map, and
/// "best first, then document and reading order" is "highest score, then lowest
/// number". Postings hold block numbers in increasing order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Index {
    /// Where each document's blocks start, and (last) how many blocks there are.
    first: Vec<usize>,
    /// The document of each block.
    owner: Vec<usize>,
    profiles: Vec<Profile>,
    /// The blocks naming each entity; no trailing empty list.
    by_entity: Vec<Vec<usize>>,
    /// The blocks stating each year; no empty list.
    by_year: BTreeMap<i32, Vec<usize>>,
    /// How many blocks name an entity or state a year.
    described: usize,
}

/// The profiles of a document's blocks.
fn profiles(doc: &Document) -> Vec<Profile> {
    let blocks = &doc.text.blocks;
    let mut profiles = vec![Profile::default(); blocks.len()];
    let index: HashMap<&str, usize> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (b.id.as_str(), i))
        .collect();
    for m in &doc.text.mentions {
        if let Some(&b) = index.get(m.anchor.as_str()) {
            profiles[b].entities.push(m.entity);
        }
    }
    for date in &doc.text.dates {
        if let Some(&b) = index.get(date.anchor.as_str()) {
            let start = date.date.start.year;
            let end = date.date.end.map_or(start, |e| e.year);
            // A long range says little about any one year.
            if end - start <= 3 {
                profiles[b].years.extend(start..=end);
            }
        }
    }
    for p in &mut profiles {
        p.entities.sort_unstable();
        p.entities.dedup();
        p.years.sort_unstable();
        p.years.dedup();
    }
    profiles
}

/// The number of described blocks the weights count with: `n` to two
/// significant figures, rounded up. Adding or removing a paragraph then moves
/// it only at a step, and between steps an edit changes no weight but those of
/// the entities it adds or removes.
fn counted(n: usize) -> usize {
    let mut step = 1;
    while n / step >= 100 {
        step *= 10;
    }
    n.div_ceil(step) * step
}

/// The weights of shared entities and years, from the archive's size.
struct Weights {
    total: f64,
    year: f64,
    floor: f64,
}

impl Weights {
    fn new(described: usize) -> Weights {
        let n = counted(described);
        let total = (1 + n) as f64;
        let weight = |df: usize| (total / df.max(1) as f64).ln();
        Weights {
            total,
            year: weight(n.div_ceil(20).max(1)),
            floor: weight(RARE),
        }
    }

    /// The weight of an entity named in `df` blocks.
    fn of(&self, df: usize) -> f64 {
        (self.total / df.max(1) as f64).ln()
    }
}

impl Index {
    pub fn new(documents: &[Document]) -> Index {
        let per_document: Vec<Vec<Profile>> = documents.par_iter().map(profiles).collect();
        let mut index = Index::default();
        for (d, profiles) in per_document.into_iter().enumerate() {
            index.first.push(index.profiles.len());
            index.owner.extend(std::iter::repeat_n(d, profiles.len()));
            index.profiles.extend(profiles);
        }
        index.first.push(index.profiles.len());
        for (g, p) in index.profiles.iter().enumerate() {
            if !p.is_empty() {
                index.described += 1;
            }
            for &e in &p.entities {
                if index.by_entity.len() <= e {
                    index.by_entity.resize_with(e + 1, Vec::new);
                }
                index.by_entity[e].push(g);
            }
            for &y in &p.years {
                index.by_year.entry(y).or_default().push(g);
            }
        }
        index
    }

    fn entity_df(&self, e: usize) -> usize {
        self.by_entity.get(e).map_or(0, Vec::len)
    }

    fn year_df(&self, y: i32) -> usize {
        self.by_year.get(&y).map_or(0, Vec::len)
    }

    /// The related passages of block `g`, best first.
    fn rank(&self, g: usize, weights: &Weights, scratch: &mut Scratch) -> Vec<Passage> {
        let profile = &self.profiles[g];
        let d = self.owner[g];
        let own = self.first[d]..self.first[d + 1];
        // The same order of additions as ever, so the same sums.
        for e in &profile.entities {
            let postings = &self.by_entity[*e];
            if postings.len() <= COMMON {
                scratch.add(postings, &own, weights.of(postings.len()));
            }
        }
        for y in &profile.years {
            let postings = &self.by_year[y];
            if postings.len() <= COMMON {
                scratch.add(postings, &own, weights.year);
            }
        }
        // The common entities and years count for the candidates found.
        for &o in &scratch.touched {
            let other = &self.profiles[o];
            let score = &mut scratch.scores[o];
            for e in common(&profile.entities, &other.entities) {
                let df = self.by_entity[e].len();
                if df > COMMON {
                    *score += weights.of(df);
                }
            }
            for y in common(&profile.years, &other.years) {
                if self.by_year[&y].len() > COMMON {
                    *score += weights.year / 2.0;
                }
            }
        }
        scratch
            .best(weights.floor)
            .into_iter()
            .map(|(o, score)| Passage {
                document: self.owner[o],
                block: o - self.first[self.owner[o]],
                score,
            })
            .collect()
    }

    /// The passages of the blocks `blocks`, in parallel.
    fn rank_all(&self, blocks: &[usize]) -> Vec<Vec<Passage>> {
        let weights = Weights::new(self.described);
        blocks
            .par_iter()
            .map_init(
                || Scratch::new(self.profiles.len()),
                |scratch, &g| self.rank(g, &weights, scratch),
            )
            .collect()
    }

    /// Takes document `d`'s new `profiles` in place of its old ones; returns
    /// the old ones.
    fn replace(&mut self, d: usize, profiles: Vec<Profile>) -> Vec<Profile> {
        let (start, end) = (self.first[d], self.first[d + 1]);
        let grown = profiles.len() as isize - (end - start) as isize;
        let shift = |g: usize| g.wrapping_add_signed(grown);
        let old: Vec<Profile> = self.profiles[start..end].to_vec();
        for p in &old {
            for &e in &p.entities {
                remove_run(&mut self.by_entity[e], start..end);
            }
            for y in &p.years {
                if let Some(postings) = self.by_year.get_mut(y) {
                    remove_run(postings, start..end);
                }
            }
        }
        if grown != 0 {
            let later = self.by_entity.iter_mut().chain(self.by_year.values_mut());
            for postings in later {
                let from = postings.partition_point(|&g| g < end);
                for g in &mut postings[from..] {
                    *g = shift(*g);
                }
            }
            for f in &mut self.first[d + 1..] {
                *f = shift(*f);
            }
        }
        let mut entities: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
        for (b, p) in profiles.iter().enumerate() {
            for &e in &p.entities {
                entities.entry(e).or_default().push(start + b);
            }
            for &y in &p.years {
                years.entry(y).or_default().push(start + b);
            }
        }
        for (e, run) in entities {
            if self.by_entity.len() <= e {
                self.by_entity.resize_with(e + 1, Vec::new);
            }
            insert_run(&mut self.by_entity[e], run);
        }
        for (y, run) in years {
            insert_run(self.by_year.entry(y).or_default(), run);
        }
        while self.by_entity.last().is_some_and(Vec::is_empty) {
            self.by_entity.pop();
        }
        self.by_year.retain(|_, postings| !postings.is_empty());
        self.described -= old.iter().filter(|p| !p.is_empty()).count();
        self.described += profiles.iter().filter(|p| !p.is_empty()).count();
        self.owner
            .splice(start..end, std::iter::repeat_n(d, profiles.len()));
        self.profiles.splice(start..end, profiles);
        old
    }
}

/// Removes the numbers in `run` from sorted `postings`.
fn remove_run(postings: &mut Vec<usize>, run: std::ops::Range<usize>) {
    let from = postings.partition_point(|&g| g < run.start);
    let to = postings.partition_point(|&g| g < run.end);
    postings.drain(from..to);
}

/// Inserts sorted `run`, none of it in `postings`, into sorted `postings`,
/// where nothing falls between two of its numbers.
fn insert_run(postings: &mut Vec<usize>, run: Vec<usize>) {
    let at = postings.partition_point(|&g| g < run[0]);
    postings.splice(at..at, run);
}

/// The index and the related passages of every block.
pub fn passages(documents: &[Document]) -> (Index, Passages) {
    let index = Index::new(documents);
    let passages = rank_archive(&index, documents);
    (index, passages)
}

/// The passages of every block of `documents`, which `index` describes.
fn rank_archive(index: &Index, documents: &[Document]) -> Passages {
    let blocks: Vec<usize> = (0..index.profiles.len()).collect();
    let mut ranked = index.rank_all(&blocks).into_iter();
    documents
        .iter()
        .map(|doc| ranked.by_ref().take(doc.text.blocks.len()).collect())
        .collect()
}

/// Brings `index` and `passages` up to date after the documents of `before`
/// (each index with its old version) changed to what `documents` holds now;
/// returns the documents whose passages changed.
///
/// A block's passages depend on its profile, the profiles of the blocks it
/// shares something with, the numbers of blocks naming what it names (for the
/// weights, and for whether a name proposes candidates), the archive's counted
/// size, and the order of blocks. So, if the counted size stands, they can
/// change only for the edited documents' blocks and for the blocks sharing an
/// entity or year with a block the edit added, removed or changed: an entity
/// whose count changed, or something that proposes on either side of the edit.
/// The others keep their passages; only the numbers of unchanged blocks of an
/// edited document they point to may move.
pub fn update(
    index: &mut Index,
    passages: &mut Passages,
    documents: &[Document],
    before: &[(usize, &Document)],
) -> BTreeSet<usize> {
    let counted_before = counted(index.described);
    let mut grown = Grown::default();
    // For each edited document, where each old block is now, if unchanged.
    let moved: HashMap<usize, Vec<Option<usize>>> = before
        .iter()
        .map(|&(d, old)| (d, grown.take(index, d, old, &documents[d])))
        .collect();
    let mut changed: BTreeSet<usize> = moved.keys().copied().collect();
    if counted(index.described) != counted_before {
        // Every weight moved.
        let all = rank_archive(index, documents);
        for (d, (old, new)) in passages.iter().zip(&all).enumerate() {
            if old != new {
                changed.insert(d);
            }
        }
        *passages = all;
        return changed;
    }
    let mut again = grown.reaches(index);
    for &d in moved.keys() {
        again.extend(index.first[d]..index.first[d + 1]);
        passages[d] = vec![Vec::new(); documents[d].text.blocks.len()];
    }
    // The others point where they did, but to the new places of unchanged blocks.
    for (d, blocks) in passages.iter_mut().enumerate() {
        if moved.contains_key(&d) {
            continue;
        }
        for (b, list) in blocks.iter_mut().enumerate() {
            for p in list.iter_mut() {
                let Some(to) = moved.get(&p.document) else {
                    continue;
                };
                match to.get(p.block).copied().flatten() {
                    Some(j) if j != p.block => {
                        p.block = j;
                        changed.insert(d);
                    }
                    Some(_) => {}
                    // Sharing something with a changed block, it is scored again anyway.
                    None => {
                        again.insert(index.first[d] + b);
                    }
                }
            }
        }
    }
    let again: Vec<usize> = again.into_iter().collect();
    let ranked = index.rank_all(&again);
    for (g, list) in again.into_iter().zip(ranked) {
        let d = index.owner[g];
        let slot = &mut passages[d][g - index.first[d]];
        if *slot != list {
            *slot = list;
            changed.insert(d);
        }
    }
    changed
}

/// For each entity and year of a block an edit changed, how many more blocks
/// name it than before.
#[derive(Default)]
struct Grown {
    entities: BTreeMap<usize, isize>,
    years: BTreeMap<i32, isize>,
}

impl Grown {
    /// Takes document `d`, once `old`, as `doc` into `index`, counting what
    /// its changed blocks name; returns where each old block is now, if it
    /// is unchanged (the same id and profile, in the same order).
    fn take(
        &mut self,
        index: &mut Index,
        d: usize,
        old: &Document,
        doc: &Document,
    ) -> Vec<Option<usize>> {
        let new = profiles(doc);
        let was = index.replace(d, new.clone());
        let at: HashMap<&str, usize> = doc
            .text
            .blocks
            .iter()
            .enumerate()
            .map(|(j, b)| (b.id.as_str(), j))
            .collect();
        let mut to: Vec<Option<usize>> = old
            .text
            .blocks
            .iter()
            .zip(&was)
            .map(|(b, p)| at.get(b.id.as_str()).copied().filter(|&j| new[j] == *p))
            .collect();
        // Unchanged blocks must keep their order, or ties would break otherwise.
        if !to.iter().flatten().is_sorted_by(|a, b| a < b) {
            to.iter_mut().for_each(|j| *j = None);
        }
        let mut kept = vec![false; new.len()];
        for &j in to.iter().flatten() {
            kept[j] = true;
        }
        let gone = was.iter().zip(&to).filter(|(_, j)| j.is_none());
        let came = new.iter().zip(&kept).filter(|(_, k)| !**k);
        let changed = gone.map(|(p, _)| (p, -1)).chain(came.map(|(p, _)| (p, 1)));
        for (p, sign) in changed {
            for &e in &p.entities {
                *self.entities.entry(e).or_default() += sign;
            }
            for &y in &p.years {
                *self.years.entry(y).or_default() += sign;
            }
        }
        to
    }

    /// The blocks whose passages the changes may change: those naming an
    /// entity whose count changed (its weight moved), or an entity or year that
    /// proposes candidates before or after (so changed blocks may have come or
    /// gone among their candidates). A common name whose count stands scores
    /// only candidates something else proposes, and those are found by it.
    fn reaches(&self, index: &Index) -> BTreeSet<usize> {
        let proposes = |after: usize, grown: isize| {
            let before = after.wrapping_add_signed(-grown);
            before <= COMMON || after <= COMMON
        };
        let mut blocks = BTreeSet::new();
        for (&e, &grown) in &self.entities {
            if grown != 0 || proposes(index.entity_df(e), grown) {
                blocks.extend(index.by_entity.get(e).into_iter().flatten());
            }
        }
        for (&y, &grown) in &self.years {
            if proposes(index.year_df(y), grown) {
                blocks.extend(index.by_year.get(&y).into_iter().flatten());
            }
        }
        blocks
    }
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
