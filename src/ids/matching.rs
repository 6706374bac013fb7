//! Matching: which old block (from the lock) became which new block.
//!
//! The passes run strongest evidence first, each on the blocks earlier passes left
//! unmatched: explicit ids; identical text (unique on each side, then between
//! anchors, then anywhere, in order); then similar text between anchors, near where
//! a block's neighbours went, and anywhere. What stays true: a block is paired at
//! most once on each side and a pair is never undone; ties are broken by position,
//! so the result depends only on the inputs; and cost stays near linear (all pairs
//! are compared only in small gaps, elsewhere a bounded number of candidates per
//! block).

use std::collections::{BTreeMap, VecDeque};

use super::DocLock;
use super::similarity::{ANYWHERE, NewBlock, OldBlock, bigram_score, local_score};
use super::sketch::fingerprint;

/// A gap with at most this many (old, new) pairs is compared exhaustively…
const ALL_PAIRS: usize = 1024;
/// …a larger one only near its diagonal (the blocks' proportional positions) and
/// where a bottom-k sketch finds shared phrases, so cost stays linear.
const DIAGONAL: usize = 2;
/// How far from its neighbours' new places an unmatched run looks, in blocks.
const REACH: usize = 16;
/// How many matched neighbours on each side locate an unmatched run when its
/// anchors do not (the neighbours moved).
const NEIGHBOURS: usize = 2;
/// Matching anywhere ignores blocks with fewer bigrams than this, and compares
/// every leftover old block with every leftover new one when that is at most
/// `MOVED_ALL_PAIRS` pairs (else sketch candidates only).
const MOVED_MIN_BIGRAMS: usize = 8;
const MOVED_ALL_PAIRS: usize = 4096;
/// Sketch candidates: blocks sharing one of their `SKETCH` smallest bigram hashes,
/// ignoring hashes shared by more than `SKETCH_MAX_SHARED` blocks (common phrases),
/// at most `SKETCH_CANDIDATES` per block, those sharing the most first.
const SKETCH: usize = 8;
const SKETCH_MAX_SHARED: usize = 16;
const SKETCH_CANDIDATES: usize = 4;

/// Which old block became which new block.
pub(super) struct Matching {
    pub(super) old: Vec<Option<usize>>,
    pub(super) new: Vec<Option<usize>>,
}

impl Matching {
    pub(super) fn new(old: usize, new: usize) -> Matching {
        Matching {
            old: vec![None; old],
            new: vec![None; new],
        }
    }

    fn pair(&mut self, o: usize, n: usize) {
        debug_assert!(self.old[o].is_none() && self.new[n].is_none());
        self.old[o] = Some(n);
        self.new[n] = Some(o);
    }

    pub(super) fn unmatched(&self) -> (Vec<usize>, Vec<usize>) {
        let free = |v: &[Option<usize>]| (0..v.len()).filter(|&i| v[i].is_none()).collect();
        (free(&self.old), free(&self.new))
    }
}

/// An explicit id the lock already knows names the same block, whatever its text.
pub(super) fn pair_explicit(m: &mut Matching, previous: &DocLock, explicit: &[Option<&str>]) {
    let mut by_id = BTreeMap::new();
    for (o, block) in previous.blocks.iter().enumerate() {
        by_id.entry(block.id.as_str()).or_insert(o);
    }
    for (n, id) in explicit.iter().enumerate() {
        if let Some(&o) = id.and_then(|id| by_id.get(id)) {
            m.pair(o, n);
        }
    }
}

/// Text that occurs exactly once on each side is the same block, wherever it moved.
pub(super) fn pair_unique_identical(m: &mut Matching, old: &[OldBlock], new: &[NewBlock]) {
    #[derive(Default)]
    struct Seen {
        old: usize,
        new: usize,
        last_old: usize,
        last_new: usize,
    }
    let mut seen: BTreeMap<u64, Seen> = BTreeMap::new();
    let (olds, news) = m.unmatched();
    for o in olds {
        if let Some(h) = old[o].hash {
            let s = seen.entry(h).or_default();
            s.old += 1;
            s.last_old = o;
        }
    }
    for n in news {
        if let Some(h) = new[n].hash {
            let s = seen.entry(h).or_default();
            s.new += 1;
            s.last_new = n;
        }
    }
    for s in seen.values() {
        if s.old == 1 && s.new == 1 {
            m.pair(s.last_old, s.last_new);
        }
    }
}

/// Pairs identical texts among the given unmatched blocks, the k-th old occurrence
/// with the k-th new one.
pub(super) fn pair_identical_in_order(
    m: &mut Matching,
    olds: &[usize],
    news: &[usize],
    old: &[OldBlock],
    new: &[NewBlock],
) {
    let mut queues: BTreeMap<u64, VecDeque<usize>> = BTreeMap::new();
    for &o in olds {
        if let Some(h) = old[o].hash {
            queues.entry(h).or_default().push_back(o);
        }
    }
    for &n in news {
        let o = new[n]
            .hash
            .and_then(|h| queues.get_mut(&h))
            .and_then(VecDeque::pop_front);
        if let Some(o) = o {
            m.pair(o, n);
        }
    }
}

/// The unmatched blocks between consecutive anchors, as (old, new) lists; only gaps
/// with blocks on both sides. Anchors are the largest set of matched pairs that keep
/// their order; the other matches are blocks that moved.
pub(super) fn gaps(m: &Matching) -> Vec<(Vec<usize>, Vec<usize>)> {
    let pairs: Vec<(usize, usize)> = (0..m.new.len())
        .filter_map(|n| m.new[n].map(|o| (o, n)))
        .collect();
    let anchors = longest_increasing(&pairs);
    let mut gaps = vec![(Vec::new(), Vec::new()); anchors.len() + 1];
    let (olds, news) = m.unmatched();
    for o in olds {
        gaps[anchors.partition_point(|a| a.0 < o)].0.push(o);
    }
    for n in news {
        gaps[anchors.partition_point(|a| a.1 < n)].1.push(n);
    }
    gaps.retain(|(o, n)| !o.is_empty() && !n.is_empty());
    gaps
}

/// The longest subsequence of `pairs` (sorted by new index) whose old indices
/// increase, in O(n log n).
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (i, &(o, _)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].0 < o);
        prev[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        out.push(pairs[i]);
        at = prev[i];
    }
    out.reverse();
    out
}

/// Within one gap: the most similar pairs first, each accepted only if it keeps
/// document order with the pairs already accepted (no crossing), so a paragraph is
/// never re-attached to look-alike text elsewhere in the gap.
pub(super) fn pair_similar_in_gap(
    m: &mut Matching,
    olds: &[usize],
    news: &[usize],
    old: &[OldBlock],
    new: &[NewBlock],
) {
    let mut candidates: Vec<(f64, usize, usize)> = gap_pairs(olds, news, old, new)
        .into_iter()
        .filter_map(|(a, b)| local_score(&old[olds[a]], &new[news[b]]).map(|s| (s, a, b)))
        .collect();
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, a, b) in candidates {
        let fits = !taken.contains_key(&a)
            && taken.range(..a).next_back().is_none_or(|(_, &pb)| pb < b)
            && taken.range(a + 1..).next().is_none_or(|(_, &nb)| nb > b);
        if fits {
            taken.insert(a, b);
        }
    }
    for (a, b) in taken {
        m.pair(olds[a], news[b]);
    }
}

/// The (old, new) positions worth comparing in a gap: all of them in a small gap;
/// in a large one those near the diagonal, plus sketch candidates.
fn gap_pairs(
    olds: &[usize],
    news: &[usize],
    old: &[OldBlock],
    new: &[NewBlock],
) -> Vec<(usize, usize)> {
    if olds.len().saturating_mul(news.len()) <= ALL_PAIRS {
        return (0..olds.len())
            .flat_map(|a| (0..news.len()).map(move |b| (a, b)))
            .collect();
    }
    let mut pairs = sketched_pairs(olds, news, old, new);
    for a in 0..olds.len() {
        // In u64: on a 32-bit target the product can overflow usize.
        let centre = (a as u64 * news.len() as u64 / olds.len() as u64) as usize;
        let end = (centre + DIAGONAL + 1).min(news.len());
        pairs.extend((centre.saturating_sub(DIAGONAL)..end).map(|b| (a, b)));
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// For each run of old blocks still unmatched: the unmatched new blocks on either
/// side of where the run's nearest neighbours (`NEIGHBOURS` each side) went. This
/// finds an edited (or merged, or split) block whose neighbours moved in the same
/// build, which the anchors — order-keeping matches only — cannot see.
pub(super) fn pair_similar_near_neighbours(m: &mut Matching, old: &[OldBlock], new: &[NewBlock]) {
    let mut o = 0;
    while o < old.len() {
        if m.old[o].is_some() {
            o += 1;
            continue;
        }
        let start = o;
        while o < old.len() && m.old[o].is_none() {
            o += 1;
        }
        // Places in the new document the run's nearest matched neighbours went to,
        // or the document's edge when it has fewer neighbours on that side.
        let mut places: Vec<Option<usize>> = Vec::new();
        let before: Vec<usize> = (0..start)
            .rev()
            .filter_map(|p| m.old[p])
            .take(NEIGHBOURS)
            .collect();
        let after: Vec<usize> = (o..old.len())
            .filter_map(|p| m.old[p])
            .take(NEIGHBOURS)
            .collect();
        for side in [before, after] {
            if side.len() < NEIGHBOURS {
                places.push(None);
            }
            places.extend(side.into_iter().map(Some));
        }
        let mut news = Vec::new();
        for place in places {
            let (after, before) = match place {
                Some(n) => (n + 1, n),
                None => (0, new.len()),
            };
            let free = |n: &usize| m.new[*n].is_none();
            news.extend((after..new.len()).take_while(free).take(REACH));
            news.extend((0..before).rev().take_while(free).take(REACH));
        }
        news.sort_unstable();
        news.dedup();
        // A long run is a rewritten stretch: only its ends are near the neighbours.
        let olds: Vec<usize> = if o - start > 2 * REACH {
            (start..start + REACH).chain(o - REACH..o).collect()
        } else {
            (start..o).collect()
        };
        if !news.is_empty() {
            pair_similar_in_gap(m, &olds, &news, old, new);
        }
    }
}

/// Blocks that moved and changed a little in the same build, or whose neighbours
/// all moved: matched anywhere, but only when nearly identical and long enough for
/// that to mean something.
pub(super) fn pair_moved(m: &mut Matching, old: &[OldBlock], new: &[NewBlock]) {
    let (olds, news) = m.unmatched();
    if olds.is_empty() || news.is_empty() {
        return;
    }
    let olds: Vec<usize> = olds
        .into_iter()
        .filter(|&o| old[o].pairs() >= MOVED_MIN_BIGRAMS)
        .collect();
    let news: Vec<usize> = news
        .into_iter()
        .filter(|&n| new[n].bigrams().len() >= MOVED_MIN_BIGRAMS)
        .collect();
    let pairs = if olds.len().saturating_mul(news.len()) <= MOVED_ALL_PAIRS {
        (0..olds.len())
            .flat_map(|a| (0..news.len()).map(move |b| (a, b)))
            .collect()
    } else {
        sketched_pairs(&olds, &news, old, new)
    };
    let mut candidates: Vec<(f64, usize, usize)> = pairs
        .into_iter()
        .map(|(a, b)| (olds[a], news[b]))
        .filter_map(|(o, n)| bigram_score(&old[o], &new[n], &ANYWHERE).map(|s| (s, o, n)))
        .collect();
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for (_, o, n) in candidates {
        if m.old[o].is_none() && m.new[n].is_none() {
            m.pair(o, n);
        }
    }
}

/// The (old, new) positions worth comparing among many blocks, in linear time:
/// those sharing some of their smallest bigram hashes (by fingerprint: the lock
/// keeps the old blocks' smallest hashes as fingerprints, in order). Bigram hashes
/// are well mixed, so the smallest few are a fair sample of each block (bottom-k
/// MinHash).
fn sketched_pairs(
    olds: &[usize],
    news: &[usize],
    old: &[OldBlock],
    new: &[NewBlock],
) -> Vec<(usize, usize)> {
    let mut postings: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for (a, &o) in olds.iter().enumerate() {
        for &f in old[o].sketch().sample.iter().take(SKETCH) {
            postings.entry(f).or_default().push(a);
        }
    }
    let (mut pairs, mut hits, mut counted) = (Vec::new(), Vec::new(), Vec::new());
    for (b, &n) in news.iter().enumerate() {
        hits.clear();
        for &h in new[n].bigrams().iter().take(SKETCH) {
            match postings.get(&fingerprint(h)) {
                Some(list) if list.len() <= SKETCH_MAX_SHARED => hits.extend_from_slice(list),
                _ => {}
            }
        }
        hits.sort_unstable();
        counted.clear();
        counted.extend(hits.chunk_by(|x, y| x == y).map(|run| (run.len(), run[0])));
        counted.sort_by(|x: &(usize, usize), y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        pairs.extend(counted.iter().take(SKETCH_CANDIDATES).map(|&(_, a)| (a, b)));
    }
    pairs
}
