//! Similarity: how alike an old and a new block are, and whether they count as one
//! block edited.
//!
//! A `Profile` holds what comparison needs of one block. Its shingles (sorted,
//! distinct hashes of word bigrams, and of character trigrams for short blocks) are
//! made on first use, from the same `TEXT_LIMIT` window on both sides, so an old
//! block's cut text compares fairly with a new block's full text. A `Rule` sets the
//! thresholds. What stays true: a score is a pure function of the two texts (no
//! hash-map order, no std hasher); `None` means "not one block edited", and the
//! score itself only ranks candidates.

use std::cell::OnceCell;

use super::normalise::{FNV_PRIME, fnv1a, mix, truncate};

/// Blocks of at most this many words (headings, captions, short list items) with
/// the same number of words are compared by character trigrams, so a one-letter
/// typo in a two-word heading still matches.
pub(super) const SHORT_WORDS: usize = 4;
/// Character-trigram Dice score two short blocks need between anchors.
const SHORT_DICE: f64 = 0.6;
/// Between anchors, two blocks are one block edited when their word-bigram Dice
/// score reaches 0.5, or when one text is mostly inside the other (a sentence
/// added or removed): 80% of the old block's bigrams are in the new one, or the
/// other way round.
const BETWEEN_ANCHORS: Rule = Rule {
    dice: 0.5,
    contained: 0.8,
};
/// Anywhere in the document (a block moved and edited, or its neighbours moved),
/// with no position to help: Dice 0.7, or 90% contained.
pub(super) const ANYWHERE: Rule = Rule {
    dice: 0.7,
    contained: 0.9,
};
/// For the "inside" test the shared bigrams must also make up this share of the
/// outer block (at most ~4× growth)…
const GROWN_LARGE: f64 = 0.25;
/// …and the inner one must have at least this many bigrams (about 7 words).
const GROWN_MIN_BIGRAMS: usize = 8;

/// What matching needs to know about one block, old or new. Shingles are made on
/// first use: most blocks match by hash and never need them.
pub(super) struct Profile<'a> {
    /// Hash of the whole normalised text; `None` for a malformed lock entry.
    pub(super) hash: Option<u64>,
    /// The normalised text: all of it for a new block; for an old one, what the
    /// lock kept (cut to `TEXT_LIMIT`).
    text: &'a str,
    shingles: OnceCell<Shingles>,
    all_bigrams: OnceCell<Vec<u64>>,
}

struct Shingles {
    /// Sorted hashes of the word bigrams of the text's first `TEXT_LIMIT` bytes —
    /// the same window on both sides (repeats told apart; the first and last word
    /// paired with start and end markers).
    bigrams: Vec<u64>,
    /// For short blocks only: the number of words, and sorted hashes of character
    /// trigrams.
    trigrams: Option<(usize, Vec<u64>)>,
    /// Whether the window is the whole text (an old block's stored text may have
    /// been cut).
    whole: bool,
}

impl<'a> Profile<'a> {
    pub(super) fn new(text: &'a str, hash: Option<u64>) -> Profile<'a> {
        Profile {
            hash,
            text,
            shingles: OnceCell::new(),
            all_bigrams: OnceCell::new(),
        }
    }

    /// What the lock keeps of the text.
    pub(super) fn window(&self) -> &'a str {
        truncate(self.text)
    }

    pub(super) fn bigrams(&self) -> &[u64] {
        &self.shingles().bigrams
    }

    fn trigrams(&self) -> Option<(usize, &[u64])> {
        let (words, trigrams) = self.shingles().trigrams.as_ref()?;
        Some((*words, trigrams))
    }

    fn whole(&self) -> bool {
        self.shingles().whole
    }

    /// Bigrams of all the text there is, past the window.
    pub(super) fn all_bigrams(&self) -> &[u64] {
        if self.window().len() == self.text.len() {
            return self.bigrams();
        }
        self.all_bigrams.get_or_init(|| bigrams(self.text))
    }

    fn shingles(&self) -> &Shingles {
        self.shingles.get_or_init(|| {
            let text = self.window();
            let words = text
                .split(' ')
                .filter(|w| !w.is_empty())
                .take(SHORT_WORDS + 1)
                .count();
            let trigrams = (words <= SHORT_WORDS).then(|| {
                let chars: Vec<char> = format!(" {text} ").chars().collect();
                let mut buf = [0; 12];
                sorted_set(
                    chars
                        .windows(3)
                        .map(|w| {
                            let mut len = 0;
                            for c in w {
                                len += c.encode_utf8(&mut buf[len..]).len();
                            }
                            fnv1a(&buf[..len])
                        })
                        .collect(),
                )
            });
            Shingles {
                bigrams: bigrams(text),
                trigrams: trigrams.map(|t| (words, t)),
                whole: self.hash == Some(fnv1a(text.as_bytes())),
            }
        })
    }
}

pub(super) fn bigrams(text: &str) -> Vec<u64> {
    const START: u64 = 0x5354_4152_5421;
    const END: u64 = 0x454e_4421;
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    let pair = |a: u64, b: u64| mix(a.rotate_left(23) ^ b);
    let mut out = Vec::with_capacity(text.len() / 5 + 2);
    let (mut prev, mut word) = (START, FNV_OFFSET);
    // One pass, hashing each word as it goes (fnv1a of the word's bytes).
    for &b in text.as_bytes().iter().chain(b" ") {
        if b != b' ' {
            word = (word ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        } else if word != FNV_OFFSET {
            out.push(pair(prev, word));
            (prev, word) = (word, FNV_OFFSET);
        }
    }
    out.push(pair(prev, END));
    sorted_set(out)
}

/// Sorts hashes and tells repeats apart (the second "of the" hashes differently
/// from the first), so that similarity counts a repeated phrase as often as it
/// occurs.
fn sorted_set(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    let (mut prev, mut run, mut repeats) = (None, 0, false);
    for h in &mut v {
        if prev == Some(*h) {
            run += 1;
            *h = mix(*h ^ run);
            repeats = true;
        } else {
            (prev, run) = (Some(*h), 0);
        }
    }
    if repeats {
        v.sort_unstable();
        v.dedup();
    }
    v
}

/// How many elements two sorted, distinct slices share, or `None` as soon as it is
/// clear they share fewer than `need`: most pairs compared are unrelated.
fn shared_at_least(a: &[u64], b: &[u64], need: usize) -> Option<usize> {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if n + (a.len() - i).min(b.len() - j) < need {
            return None;
        }
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (n >= need).then_some(n)
}

/// How many elements two sorted, distinct slices share.
pub(super) fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The elements of sorted `a` that are not in sorted `b`.
pub(super) fn difference(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut j = 0;
    a.iter()
        .copied()
        .filter(|&x| {
            while j < b.len() && b[j] < x {
                j += 1;
            }
            b.get(j) != Some(&x)
        })
        .collect()
}

fn dice(shared: usize, a: usize, b: usize) -> f64 {
    if a + b == 0 {
        0.0
    } else {
        2.0 * shared as f64 / (a + b) as f64
    }
}

/// The thresholds at which two blocks count as one block edited.
pub(super) struct Rule {
    /// Minimum Dice coefficient of the two bigram sets.
    dice: f64,
    /// Or: minimum share of the smaller block's bigrams found in the larger.
    contained: f64,
}

/// How alike an old and a new block between the same anchors are, or `None` if too
/// different to be one block edited. The score (a Dice coefficient) ranks
/// candidates.
pub(super) fn local_score(old: &Profile, new: &Profile) -> Option<f64> {
    // A typo fix keeps the word count; without that test a one-word fragment
    // ("commanders") could take over a nearby heading ("his commander").
    if let (Some((n, x)), Some((m, y))) = (old.trigrams(), new.trigrams())
        && n == m
    {
        let score = dice(shared(x, y), x.len(), y.len());
        return (score >= SHORT_DICE).then_some(score);
    }
    bigram_score(old, new, &BETWEEN_ANCHORS)
}

pub(super) fn bigram_score(old: &Profile, new: &Profile, rule: &Rule) -> Option<f64> {
    let (x, y) = (old.bigrams(), new.bigrams());
    let score = |common| dice(common, x.len(), y.len());
    // Similar; or one text mostly inside the other: a sentence removed, or added.
    // An old window that was cut says nothing about how long the old block was.
    let for_dice = (rule.dice * (x.len() + y.len()) as f64 / 2.0).ceil() as usize;
    let for_shrunk = inside_need(y.len(), x.len(), rule.contained, false);
    let new_cut = new.window().len() < new.text.len();
    let for_grown = inside_need(x.len(), y.len(), rule.contained, !old.whole());
    let for_grown = for_grown.filter(|_| !new_cut);
    let need = [Some(for_dice), for_shrunk, for_grown]
        .into_iter()
        .flatten()
        .min();
    let common = need.and_then(|need| shared_at_least(x, y, need));
    if common.is_some() {
        return common.map(score);
    }
    // A sentence put in front of a long block shifts its window: look for the old
    // window in all of the new text.
    let all = new.all_bigrams();
    let need = inside_need(x.len(), all.len(), rule.contained, !old.whole());
    let grown = new_cut && need.is_some_and(|need| shared_at_least(x, all, need).is_some());
    grown.then(|| score(shared(x, y)))
}

/// How many of `inner`'s bigrams must be in `outer` for one text to count as mostly
/// inside the other: `share` of the inner one, which must have at least
/// `GROWN_MIN_BIGRAMS`, and unless `any_size` also `GROWN_LARGE` of the outer one
/// (a short heading easily sits inside an unrelated paragraph).
fn inside_need(inner: usize, outer: usize, share: f64, any_size: bool) -> Option<usize> {
    let mut need = share * inner as f64;
    if !any_size {
        need = need.max(GROWN_LARGE * outer as f64);
    }
    (inner >= GROWN_MIN_BIGRAMS).then_some(need.ceil() as usize)
}
