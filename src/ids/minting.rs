//! Naming and retiring: turning a matching into ids, and keeping every id that ever
//! existed resolving.
//!
//! What stays true: an explicit id wins and no other block is given it; a matched
//! block keeps its old block's id; a minted id differs from every id in use,
//! explicit, live or retired, so a retired id is never minted again. Every retired
//! id points at a live block (the one that took in its text, else the following
//! survivor, else the preceding one), or at "" when none survived. The id alphabet
//! and `ID_LEN` are part of the lock format.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::matching::Matching;
use super::normalise::mix;
use super::similarity::{NewBlock, OldBlock, absorbed};
use super::{DocLock, Retired};

/// Length of a freshly minted id; it grows only on a collision.
pub(super) const ID_LEN: usize = 5;
/// A deleted block counts as merged into a nearby changed block that holds at least
/// this share of its bigrams (a merged one-word block keeps one of its two)…
const ABSORBED: f64 = 0.5;
/// …looking at most this many surviving blocks away on each side (deleted blocks
/// in between do not count).
const MERGE_REACH: usize = 4;

/// One id per new block: explicit, else carried over from its old block, else minted.
pub(super) fn name(
    previous: &DocLock,
    m: &Matching,
    explicit: &[Option<&str>],
    new: &[NewBlock],
) -> Vec<String> {
    let claimed: BTreeSet<&str> = explicit.iter().flatten().copied().collect();
    let mut minter = Minter {
        used: previous
            .blocks
            .iter()
            .map(|b| b.id.as_str())
            .chain(previous.retired.iter().map(|r| r.id.as_str()))
            .chain(claimed.iter().copied())
            .map(str::to_owned)
            .collect(),
        resume: HashMap::new(),
    };
    let mut carried = BTreeSet::new();
    let named: Vec<Option<String>> = (0..new.len())
        .map(|n| {
            if let Some(id) = explicit[n] {
                return Some(id.to_owned());
            }
            let id = previous.blocks[m.new[n]?].id.as_str();
            let free = !id.is_empty() && !claimed.contains(id) && carried.insert(id);
            free.then(|| id.to_owned())
        })
        .collect();
    named
        .into_iter()
        .zip(new)
        .map(|(id, p)| id.unwrap_or_else(|| minter.mint(p.hash.unwrap_or_default())))
        .collect()
}

/// Fresh ids, each different from every id in `used`.
struct Minter {
    used: BTreeSet<String>,
    /// Where the search for each text hash stopped: (the re-mixed hash, the length
    /// it returned). Identical blocks share a hash, and `used` only grows, so the
    /// next search for it can start there rather than walk past every id the
    /// earlier ones took: the same ids, in linear rather than quadratic time.
    resume: HashMap<u64, (u64, usize)>,
}

impl Minter {
    /// A fresh id from a text hash: a letter, then base32, 5 characters, lengthened
    /// (up to 12) while it is in use; past that, the hash is re-mixed. Records the id.
    fn mint(&mut self, hash: u64) -> String {
        const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
        let (mut h, mut from) = self.resume.get(&hash).copied().unwrap_or((hash, ID_LEN));
        loop {
            let mut chars = String::with_capacity(12);
            chars.push(char::from(ALPHABET[(h % 26) as usize]));
            let mut rest = h / 26;
            for _ in 0..11 {
                chars.push(char::from(ALPHABET[(rest & 31) as usize]));
                rest >>= 5;
            }
            for len in from..=chars.len() {
                if !self.used.contains(&chars[..len]) {
                    self.used.insert(chars[..len].to_owned());
                    self.resume.insert(hash, (h, len));
                    return chars[..len].to_owned();
                }
            }
            h = mix(h);
            from = ID_LEN;
        }
    }
}

/// The retired list after this build: earlier retirements whose id is not live
/// again, plus every old id no block carries now, each pointing at a live id (or "").
pub(super) fn retire(
    previous: &DocLock,
    m: &Matching,
    ids: &[String],
    old: &[OldBlock],
    new: &[NewBlock],
) -> Vec<Retired> {
    let live: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let mut to: BTreeMap<String, String> = BTreeMap::new();
    for r in &previous.retired {
        if !live.contains(r.id.as_str()) {
            to.entry(r.id.clone()).or_insert_with(|| r.to.clone());
        }
    }
    // The nearest surviving old block before / after each old block.
    let survives = |o: usize| m.old[o].is_some().then_some(o);
    let mut before = vec![None; old.len()];
    let mut after = vec![None; old.len()];
    for o in 1..old.len() {
        before[o] = survives(o - 1).or(before[o - 1]);
    }
    for o in (0..old.len().saturating_sub(1)).rev() {
        after[o] = survives(o + 1).or(after[o + 1]);
    }
    let near = Near {
        before: &before,
        after: &after,
    };
    for (o, block) in previous.blocks.iter().enumerate() {
        if block.id.is_empty() || live.contains(block.id.as_str()) {
            continue;
        }
        let target = m.old[o]
            .or_else(|| absorbed_into(o, m, old, new, &near))
            .or_else(|| after[o].and_then(|p| m.old[p]))
            .or_else(|| before[o].and_then(|p| m.old[p]));
        to.insert(
            block.id.clone(),
            target.map(|n| ids[n].clone()).unwrap_or_default(),
        );
    }
    // Follow chains (a → b, b retired just now → c) to a live id; cycles and dangling
    // targets (only a hand-edited lock has them) resolve to "".
    let hops = to.clone();
    for target in to.values_mut() {
        let mut steps = 0;
        while !target.is_empty() && !live.contains(target.as_str()) {
            match hops.get(target.as_str()) {
                Some(next) if steps < hops.len() => *target = next.clone(),
                _ => target.clear(),
            }
            steps += 1;
        }
    }
    to.into_iter().map(|(id, to)| Retired { id, to }).collect()
}

/// For each old block, the nearest surviving old block before and after it.
struct Near<'a> {
    before: &'a [Option<usize>],
    after: &'a [Option<usize>],
}

/// Which surviving block, if any, took in a gone block's text (a merge): of the
/// nearest survivors on each side whose text changed — an unchanged one absorbed
/// nothing — within `MERGE_REACH` survivors, one whose text is now its old text
/// and the gone block's joined, or holds at least `ABSORBED` of the gone block's
/// bigrams.
fn absorbed_into(
    o: usize,
    m: &Matching,
    old: &[OldBlock],
    new: &[NewBlock],
    near: &Near,
) -> Option<usize> {
    let pairs = old[o].pairs();
    if pairs < 2 {
        return None; // empty text: nothing to recognise
    }
    let changed = |&p: &usize| m.old[p].is_some_and(|n| new[n].hash != old[p].hash);
    let walk = |step: &[Option<usize>]| {
        std::iter::successors(step[o], |&p| step[p])
            .take(MERGE_REACH)
            .find(changed)
    };
    // Ranked by `Absorbed` (joined verbatim, then the gone block's bigrams among
    // those the survivor gained, then among all of its bigrams — a gained repeat
    // hashes differently), then by nearness. `max_by_key` keeps the last of
    // equals: the following survivor.
    [walk(near.before), walk(near.after)]
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let n = m.old[p]?;
            let took = absorbed(&old[o], &new[n], &old[p], p < o);
            let enough = took.joined || took.present as f64 >= ABSORBED * pairs as f64;
            enough.then_some(((took, Reverse(p.abs_diff(o))), n))
        })
        .max_by_key(|&(rank, _)| rank)
        .map(|(_, n)| n)
}
