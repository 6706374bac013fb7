//! Similarity: how alike an old and a new block are, and whether they count as one
//! block edited.
//!
//! A `NewBlock` block is known whole; its shingles (sorted, distinct hashes of word
//! bigrams, and of character trigrams for short blocks) are made on first use from
//! its `TEXT_LIMIT` window. An `OldBlock` block is what the lock kept: the text of a
//! short block, else a sketch of the same window's bigrams (`sketch.rs`), so an old
//! block's cut text compares fairly with a new block's full text. A `Rule` sets the
//! thresholds. What stays true: a score is a pure function of the lock entry and
//! the new text (no hash-map order, no std hasher); `None` means "not one block
//! edited", and the score itself only ranks candidates. Shared-bigram counts are
//! exact for blocks of at most `SAMPLE` bigrams and for short blocks, estimates
//! from the sketch's sample for longer ones.

use std::borrow::Cow;
use std::cell::OnceCell;

use super::LockedBlock;
use super::normalise::{FNV_OFFSET, FNV_PRIME, fnv1a, mix, parse_hash, truncate};
use super::sketch::{Fingerprints, Sketch};

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

/// What matching needs to know about an old block, from the lock: its hash,
/// its text when the lock keeps it (short blocks), and a sketch of its word
/// pairs. Built from a lock entry's sketch, or from its text (a lock of the
/// first format, a short block), with the same result.
pub(super) struct OldBlock<'a> {
    /// Hash of the whole normalised text; `None` for a malformed lock entry.
    pub(super) hash: Option<u64>,
    /// The normalised window, when the lock keeps it.
    text: Option<&'a str>,
    sketch: Cow<'a, Sketch>,
    trigrams: OnceCell<Option<(usize, Vec<u64>)>>,
    bigrams: OnceCell<Option<Vec<u64>>>,
}

impl<'a> OldBlock<'a> {
    pub(super) fn new(block: &'a LockedBlock) -> OldBlock<'a> {
        let hash = parse_hash(&block.hash);
        let sketch = match &block.sketch {
            Some(sketch) => Cow::Borrowed(sketch),
            None => {
                let window = truncate(&block.text);
                let whole = hash == Some(fnv1a(window.as_bytes()));
                Cow::Owned(Sketch::of(&bigrams(window), !whole))
            }
        };
        OldBlock {
            hash,
            text: block.sketch.is_none().then_some(block.text.as_str()),
            sketch,
            trigrams: OnceCell::new(),
            bigrams: OnceCell::new(),
        }
    }

    /// How many word pairs the old window has.
    pub(super) fn pairs(&self) -> usize {
        self.sketch.pairs
    }

    pub(super) fn sketch(&self) -> &Sketch {
        &self.sketch
    }

    fn whole(&self) -> bool {
        !self.sketch.cut
    }

    /// The window's pair hashes, when the lock keeps its text.
    fn bigrams(&self) -> Option<&[u64]> {
        let b = self
            .bigrams
            .get_or_init(|| self.text.map(|t| bigrams(truncate(t))));
        b.as_deref()
    }

    /// Whether the old window has a pair with this hash: exactly when the lock
    /// keeps the text, else by the sketch (`Sketch::has`).
    fn has(&self, hash: u64) -> bool {
        match self.bigrams() {
            Some(b) => b.binary_search(&hash).is_ok(),
            None => self.sketch.has(hash),
        }
    }

    fn trigrams(&self) -> Option<(usize, &[u64])> {
        let t = self
            .trigrams
            .get_or_init(|| self.text.and_then(|t| short_trigrams(truncate(t))));
        t.as_ref().map(|(words, t)| (*words, t.as_slice()))
    }
}

/// What matching needs to know about a new block: all of its normalised text.
/// Shingles are made on first use: most blocks match by hash and never need them.
pub(super) struct NewBlock<'a> {
    /// Hash of the whole normalised text.
    pub(super) hash: Option<u64>,
    text: &'a str,
    shingles: OnceCell<Shingles>,
    all_bigrams: OnceCell<Vec<u64>>,
    window_prints: OnceCell<Fingerprints>,
    all_prints: OnceCell<Fingerprints>,
}

struct Shingles {
    /// Sorted hashes of the word bigrams of the text's first `TEXT_LIMIT` bytes
    /// (repeats told apart; the first and last word paired with start and end
    /// markers).
    bigrams: Vec<u64>,
    /// For short blocks only: the number of words, and sorted hashes of character
    /// trigrams.
    trigrams: Option<(usize, Vec<u64>)>,
}

impl<'a> NewBlock<'a> {
    pub(super) fn new(text: &'a str) -> NewBlock<'a> {
        NewBlock {
            hash: Some(fnv1a(text.as_bytes())),
            text,
            shingles: OnceCell::new(),
            all_bigrams: OnceCell::new(),
            window_prints: OnceCell::new(),
            all_prints: OnceCell::new(),
        }
    }

    /// What the lock keeps of the text: the window.
    pub(super) fn window(&self) -> &'a str {
        truncate(self.text)
    }

    /// Whether the window is only the start of the text.
    pub(super) fn cut(&self) -> bool {
        self.window().len() < self.text.len()
    }

    /// Whether the lock keeps this block's text (short blocks) rather than a sketch.
    pub(super) fn short(&self) -> bool {
        self.shingles().trigrams.is_some()
    }

    pub(super) fn bigrams(&self) -> &[u64] {
        &self.shingles().bigrams
    }

    fn trigrams(&self) -> Option<(usize, &[u64])> {
        let (words, trigrams) = self.shingles().trigrams.as_ref()?;
        Some((*words, trigrams))
    }

    /// Bigrams of all the text there is, past the window.
    pub(super) fn all_bigrams(&self) -> &[u64] {
        if !self.cut() {
            return self.bigrams();
        }
        self.all_bigrams.get_or_init(|| bigrams(self.text))
    }

    fn window_prints(&self) -> &Fingerprints {
        self.window_prints
            .get_or_init(|| Fingerprints::of(self.bigrams()))
    }

    pub(super) fn all_prints(&self) -> &Fingerprints {
        self.all_prints
            .get_or_init(|| Fingerprints::of(self.all_bigrams()))
    }

    fn shingles(&self) -> &Shingles {
        self.shingles.get_or_init(|| {
            let text = self.window();
            Shingles {
                bigrams: bigrams(text),
                trigrams: short_trigrams(text),
            }
        })
    }
}

/// For a text of at most `SHORT_WORDS` words: its word count and its sorted
/// character-trigram hashes.
fn short_trigrams(text: &str) -> Option<(usize, Vec<u64>)> {
    let words = text
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(SHORT_WORDS + 1)
        .count();
    (words <= SHORT_WORDS).then(|| {
        let chars: Vec<char> = format!(" {text} ").chars().collect();
        let mut buf = [0; 12];
        let trigrams = sorted_set(
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
        );
        (words, trigrams)
    })
}

pub(super) fn bigrams(text: &str) -> Vec<u64> {
    const START: u64 = 0x5354_4152_5421;
    const END: u64 = 0x454e_4421;
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

/// How many elements two sorted, distinct slices share.
pub(super) fn shared(a: &[u64], b: &[u64]) -> usize {
    crate::sorted::common(a, b).count()
}

/// How much of a gone old block's text a new block holds, for telling which
/// neighbour a deleted block was merged into. Compared field by field, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Absorbed {
    /// The new block is exactly its own old text and the gone block's, joined on
    /// the side the gone block stood: a merge and nothing else (`joined`).
    pub(super) joined: bool,
    /// The gone block's pairs among those the new block gained over its own old
    /// version (a block that already began with "but" did not absorb a deleted
    /// "but"); by the sketch, a pair not sampled counts as gained.
    pub(super) gained: usize,
    /// The gone block's pairs the new block has at all.
    pub(super) present: usize,
}

/// How much of the gone block's text `into` took in, `into` being what `was`
/// became and `gone_after` saying whether the gone block stood after `was`.
///
/// Pairs are counted exactly when the lock keeps the gone block's text (a short
/// block). Its few pairs are what a merge moves most often — a one-word block has
/// two — and by 12-bit fingerprints alone a neighbour that never held the word
/// matches one of them about once in a hundred neighbours of a few dozen pairs,
/// which is all a merged word needs. A longer block is known by its sketch, where
/// a false match needs many fingerprints to clash at once.
pub(super) fn absorbed(
    gone: &OldBlock,
    into: &NewBlock,
    was: &OldBlock,
    gone_after: bool,
) -> Absorbed {
    let joined = match (was.hash, gone.hash) {
        (Some(was), Some(gone)) if gone_after => joined(into.text, was, gone),
        (Some(was), Some(gone)) => joined(into.text, gone, was),
        _ => false,
    };
    let all = into.all_bigrams();
    let new_to_was = |h: &&u64| !was.has(**h);
    if let Some(pairs) = gone.bigrams() {
        let present: Vec<u64> = crate::sorted::common(pairs, all).collect();
        return Absorbed {
            joined,
            gained: present.iter().filter(new_to_was).count(),
            present: present.len(),
        };
    }
    let gained = Fingerprints::of(all.iter().filter(new_to_was));
    Absorbed {
        joined,
        gained: gone.sketch().shared(&gained),
        present: gone.sketch().shared(into.all_prints()),
    }
}

/// Whether `text` is a text hashing to `first`, a space, and a text hashing to
/// `second`: what two blocks merged become, normalised. The lock keeps every
/// block's hash, so this is exact for blocks of any length. FNV-1a runs along the
/// text, so one pass finds where the first part would end.
fn joined(text: &str, first: u64, second: u64) -> bool {
    let bytes = text.as_bytes();
    let mut h = FNV_OFFSET;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b' ' && h == first && fnv1a(&bytes[i + 1..]) == second {
            return true;
        }
        h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    false
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
pub(super) fn local_score(old: &OldBlock, new: &NewBlock) -> Option<f64> {
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

pub(super) fn bigram_score(old: &OldBlock, new: &NewBlock, rule: &Rule) -> Option<f64> {
    let (x, y) = (old.pairs(), new.bigrams().len());
    let score = |common| dice(common, x, y);
    // Similar; or one text mostly inside the other: a sentence removed, or added.
    // An old window that was cut says nothing about how long the old block was.
    let for_dice = (rule.dice * (x + y) as f64 / 2.0).ceil() as usize;
    let for_shrunk = inside_need(y, x, rule.contained, false);
    let new_cut = new.cut();
    let for_grown = inside_need(x, y, rule.contained, !old.whole());
    let for_grown = for_grown.filter(|_| !new_cut);
    let o = old.sketch().overlap(new.bigrams(), new.window_prints());
    let similar = o.alike >= for_dice
        || for_shrunk.is_some_and(|need| o.of_new >= need)
        || for_grown.is_some_and(|need| o.of_old >= need);
    if similar {
        return Some(score(o.alike));
    }
    // A sentence put in front of a long block shifts its window: look for the old
    // window in all of the new text.
    let all = new.all_bigrams();
    let need = inside_need(x, all.len(), rule.contained, !old.whole());
    let grown = new_cut
        && need.is_some_and(|need| old.sketch().overlap(all, new.all_prints()).of_old >= need);
    grown.then(|| score(o.alike))
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

/// What the lock keeps of an old block known by its (normalised, windowed) text
/// and hash, as a lock of the first format recorded it: the text of a short
/// block, else a sketch of the text's window, exactly as `assign` would record
/// the same text now.
pub(super) fn kept(text: &str, hash: &str) -> (String, Option<Sketch>) {
    let window = truncate(text);
    if short_trigrams(window).is_some() {
        return (text.to_owned(), None);
    }
    let whole = parse_hash(hash) == Some(fnv1a(window.as_bytes()));
    (String::new(), Some(Sketch::of(&bigrams(window), !whole)))
}
