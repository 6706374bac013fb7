//! Stable per-block ids: the `#fragment` that lets a reader cite one paragraph.
//!
//! Every citable block gets a short id (`k3x9q`) recorded in the lock file, and each
//! build carries the recorded ids over to the new text. What stays true:
//!
//! 1. Inserting, deleting or reordering other blocks never changes a block's id.
//! 2. Editing a block's own text moderately (a typo fixed, a word changed, a sentence
//!    added) keeps its id.
//! 3. An id that ever existed keeps resolving. When its block is deleted or merged the
//!    id is *retired* and points to the nearest surviving block: the block that took
//!    in its text, else the following neighbour, else the preceding one, else nothing
//!    (`to = ""`). An id is never given to a different block, and a retired id is
//!    never minted again; only an explicit id can bring one back.
//! 4. An explicit id written in the source (`{#id}`) wins, and no other block is
//!    given it.
//! 5. The result depends only on the previous lock and the blocks: no randomness, no
//!    clock, no hash-map iteration order, no std hasher (its output may change
//!    between Rust releases).
//!
//! How, in order:
//!
//! 1. Normalise each block's text (Unicode lowercase, punctuation and apostrophes
//!    dropped, whitespace collapsed) and hash it with FNV-1a 64.
//! 2. Match old blocks (the lock) to new ones, strongest evidence first:
//!    an explicit id that an old block already had; identical text that occurs once
//!    on each side, wherever it moved; identical text between two anchors (matched
//!    neighbours that keep their relative order), pairing duplicates in order;
//!    identical leftovers anywhere, in order. Then *similar* text (word-bigram Dice,
//!    or one text mostly inside the other; character trigrams for headings): between
//!    two anchors, best pairs first and never crossing, so order is kept; next to
//!    where a leftover block's nearest neighbours went, for when those moved; and
//!    last anywhere, for blocks that moved *and* changed, only when nearly identical.
//! 3. Name the new blocks: the explicit id, else the matched old block's id, else a
//!    fresh id minted from the text's hash — 5 base32 characters, the first a letter,
//!    lengthened until it differs from every id in use, explicit or ever used.
//! 4. Retire the old ids no block carries any more, and repoint older retirements
//!    whose target has just been retired, so every `to` names a live block.
//!
//! The normalisation, the hash and the id alphabet are part of the lock format:
//! changing any of them changes every hash, and unedited blocks would then match
//! only by similarity (the `minted_ids_are_pinned` test guards them).
//!
//! Cost: hashing and exact matching are O(n log n). Fuzzy matching only sees blocks
//! left unmatched, compares all pairs only in small gaps, and elsewhere a bounded
//! number of candidates per block (near the gap's diagonal, or sharing phrases found
//! by a bottom-k sketch). Shingles are computed only for blocks that need them.

use std::cell::OnceCell;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

/// Length of a freshly minted id; it grows only on a collision.
const ID_LEN: usize = 5;
/// How much normalised text the lock keeps per block (bytes, cut at a word boundary):
/// about 65 words, plenty to re-find an edited paragraph.
const TEXT_LIMIT: usize = 400;
/// Blocks of at most this many words (headings, captions, short list items) with
/// the same number of words are compared by character trigrams, so a one-letter
/// typo in a two-word heading still matches.
const SHORT_WORDS: usize = 4;
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
const ANYWHERE: Rule = Rule {
    dice: 0.7,
    contained: 0.9,
};
/// For the "inside" test the shared bigrams must also make up this share of the
/// outer block (at most ~4× growth)…
const GROWN_LARGE: f64 = 0.25;
/// …and the inner one must have at least this many bigrams (about 7 words).
const GROWN_MIN_BIGRAMS: usize = 8;
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
/// A deleted block counts as merged into a nearby changed block that holds at least
/// this share of its bigrams (a merged one-word block keeps one of its two)…
const ABSORBED: f64 = 0.5;
/// …looking at most this many surviving blocks away on each side (deleted blocks
/// in between do not count).
const MERGE_REACH: usize = 4;

/// One citable block of a document, in document order, as the parse stage sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockKey<'a> {
    /// The block's plain text (markup stripped, not yet normalised).
    pub text: &'a str,
    /// An explicit id written in the source (`{#id}`), which always wins.
    pub explicit: Option<&'a str>,
}

/// What the lock file records for one document.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct DocLock {
    /// The document's blocks, in document order.
    pub blocks: Vec<LockedBlock>,
    /// Ids whose block is gone, sorted by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<Retired>,
}

/// One live block in the lock file.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LockedBlock {
    /// The block's id.
    pub id: String,
    /// FNV-1a 64 of the whole normalised text, 16 lowercase hex digits.
    pub hash: String,
    /// The normalised text, cut to a few hundred bytes: enough to re-find the block
    /// after an edit, and readable in a diff.
    pub text: String,
}

/// An id whose block is gone, and where its URL now lands.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Retired {
    /// The retired id.
    pub id: String,
    /// Id of the nearest surviving block; empty when no block survived.
    pub to: String,
}

/// The whole lock file: one `DocLock` per document slug.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Lock {
    /// Documents by slug.
    pub documents: BTreeMap<String, DocLock>,
}

const LOCK_HEADER: &str = "# Paragraph ids, kept by lectern: commit this file with the content.\n\
                           # `lectern build` updates it; edit it by hand only to repair it.\n\n";

impl Lock {
    /// Reads a lock file's text. Checks that ids are unique and non-empty per
    /// document and that hashes are well formed; sorts `retired` by id. The error
    /// says what is wrong and where (TOML line and column, or document and id); the
    /// caller adds the path.
    pub fn parse(text: &str) -> Result<Lock, String> {
        let mut lock: Lock = toml::from_str(text).map_err(|e| e.to_string())?;
        for (slug, doc) in &mut lock.documents {
            doc.validate()
                .map_err(|e| format!("document `{slug}`: {e}"))?;
            doc.retired.sort_by(|a, b| a.id.cmp(&b.id));
        }
        Ok(lock)
    }

    /// The lock file's text: deterministic, one table per block, in document order.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self)
            .expect("a lock holds only strings, arrays and tables, which TOML always encodes");
        format!("{LOCK_HEADER}{body}")
    }
}

impl DocLock {
    fn validate(&self) -> Result<(), String> {
        let mut seen = BTreeSet::new();
        for block in &self.blocks {
            if block.id.is_empty() {
                return Err("a block has an empty id".to_owned());
            }
            if !seen.insert(block.id.as_str()) {
                return Err(format!("id `{}` is given to two blocks", block.id));
            }
            if parse_hash(&block.hash).is_none() {
                return Err(format!(
                    "block `{}` has hash `{}`, expected 16 hex digits",
                    block.id, block.hash
                ));
            }
        }
        for retired in &self.retired {
            if retired.id.is_empty() {
                return Err("a retired entry has an empty id".to_owned());
            }
            if !seen.insert(retired.id.as_str()) {
                return Err(format!(
                    "id `{}` is listed twice (live or retired)",
                    retired.id
                ));
            }
        }
        Ok(())
    }
}

/// Assigns ids to `blocks`, given what the lock recorded last time
/// (`DocLock::default()` for a new document). Returns one id per block, in order,
/// and the updated `DocLock`.
pub fn assign(previous: &DocLock, blocks: &[BlockKey]) -> (Vec<String>, DocLock) {
    let old: Vec<Profile> = previous
        .blocks
        .iter()
        .map(|b| Profile::new(&b.text, parse_hash(&b.hash)))
        .collect();
    let full: Vec<String> = blocks.iter().map(|b| normalise(b.text)).collect();
    let new: Vec<Profile> = full
        .iter()
        .map(|text| Profile::new(text, Some(fnv1a(text.as_bytes()))))
        .collect();
    let mut seen = BTreeSet::new();
    let explicit: Vec<Option<&str>> = blocks
        .iter()
        .map(|b| b.explicit.filter(|e| !e.is_empty() && seen.insert(*e)))
        .collect();

    let mut m = Matching::new(old.len(), new.len());
    pair_explicit(&mut m, previous, &explicit);
    pair_unique_identical(&mut m, &old, &new);
    for (olds, news) in gaps(&m) {
        pair_identical_in_order(&mut m, &olds, &news, &old, &new);
    }
    let (olds, news) = m.unmatched();
    pair_identical_in_order(&mut m, &olds, &news, &old, &new);
    for (olds, news) in gaps(&m) {
        pair_similar_in_gap(&mut m, &olds, &news, &old, &new);
    }
    pair_similar_near_neighbours(&mut m, &old, &new);
    pair_moved(&mut m, &old, &new);

    let ids = name(previous, &m, &explicit, &new);
    let retired = retire(previous, &m, &ids, &old, &new);
    let lock = DocLock {
        blocks: ids
            .iter()
            .zip(&new)
            .map(|(id, p)| LockedBlock {
                id: id.clone(),
                hash: format!("{:016x}", p.hash.unwrap_or_default()),
                text: p.window().to_owned(),
            })
            .collect(),
        retired,
    };
    (ids, lock)
}

// ---------------------------------------------------------------------------
// Text

/// Lowercases (Unicode-aware), drops apostrophes and combining accents, turns every
/// other non-alphanumeric run into one space, and trims.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII, the common case, without Unicode tables.
        if b.is_ascii() {
            i += 1;
            if b.is_ascii_alphanumeric() {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(char::from(b.to_ascii_lowercase()));
            } else if b != b'\'' {
                space = !out.is_empty();
            }
            continue;
        }
        let c = text[i..].chars().next().unwrap_or_default();
        i += c.len_utf8();
        if is_apostrophe(c) || is_combining_mark(c) {
            continue;
        }
        if !c.is_alphanumeric() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase().filter(|l| !is_combining_mark(*l)));
    }
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02bc}')
}

/// The combining diacritical blocks: dropping them makes a decomposed `é` read as
/// `e` instead of splitting the word.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036f}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe20}'..='\u{fe2f}')
}

/// The first `TEXT_LIMIT` bytes of normalised text, ending on a whole word.
fn truncate(text: &str) -> &str {
    if text.len() <= TEXT_LIMIT {
        return text;
    }
    let mut cut = TEXT_LIMIT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    if text[cut..].starts_with(' ') {
        head
    } else {
        head.rfind(' ').map_or(head, |i| &head[..i])
    }
}

const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// SplitMix64's finaliser: spreads bits so that the smallest hashes of a set are a
/// fair sample of it.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn parse_hash(hex: &str) -> Option<u64> {
    let ok = hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| u64::from_str_radix(hex, 16).ok()).flatten()
}

// ---------------------------------------------------------------------------
// Similarity

/// What matching needs to know about one block, old or new. Shingles are made on
/// first use: most blocks match by hash and never need them.
struct Profile<'a> {
    /// Hash of the whole normalised text; `None` for a malformed lock entry.
    hash: Option<u64>,
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
    fn new(text: &'a str, hash: Option<u64>) -> Profile<'a> {
        Profile {
            hash,
            text,
            shingles: OnceCell::new(),
            all_bigrams: OnceCell::new(),
        }
    }

    /// What the lock keeps of the text.
    fn window(&self) -> &'a str {
        truncate(self.text)
    }

    fn bigrams(&self) -> &[u64] {
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
    fn all_bigrams(&self) -> &[u64] {
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

fn bigrams(text: &str) -> Vec<u64> {
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
fn shared(a: &[u64], b: &[u64]) -> usize {
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
fn difference(a: &[u64], b: &[u64]) -> Vec<u64> {
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
struct Rule {
    /// Minimum Dice coefficient of the two bigram sets.
    dice: f64,
    /// Or: minimum share of the smaller block's bigrams found in the larger.
    contained: f64,
}

/// How alike an old and a new block between the same anchors are, or `None` if too
/// different to be one block edited. The score (a Dice coefficient) ranks
/// candidates.
fn local_score(old: &Profile, new: &Profile) -> Option<f64> {
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

fn bigram_score(old: &Profile, new: &Profile, rule: &Rule) -> Option<f64> {
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

// ---------------------------------------------------------------------------
// Matching

/// Which old block became which new block.
struct Matching {
    old: Vec<Option<usize>>,
    new: Vec<Option<usize>>,
}

impl Matching {
    fn new(old: usize, new: usize) -> Matching {
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

    fn unmatched(&self) -> (Vec<usize>, Vec<usize>) {
        let free = |v: &[Option<usize>]| (0..v.len()).filter(|&i| v[i].is_none()).collect();
        (free(&self.old), free(&self.new))
    }
}

/// An explicit id the lock already knows names the same block, whatever its text.
fn pair_explicit(m: &mut Matching, previous: &DocLock, explicit: &[Option<&str>]) {
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
fn pair_unique_identical(m: &mut Matching, old: &[Profile], new: &[Profile]) {
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
fn pair_identical_in_order(
    m: &mut Matching,
    olds: &[usize],
    news: &[usize],
    old: &[Profile],
    new: &[Profile],
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
fn gaps(m: &Matching) -> Vec<(Vec<usize>, Vec<usize>)> {
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
fn pair_similar_in_gap(
    m: &mut Matching,
    olds: &[usize],
    news: &[usize],
    old: &[Profile],
    new: &[Profile],
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
    old: &[Profile],
    new: &[Profile],
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
fn pair_similar_near_neighbours(m: &mut Matching, old: &[Profile], new: &[Profile]) {
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
fn pair_moved(m: &mut Matching, old: &[Profile], new: &[Profile]) {
    let (olds, news) = m.unmatched();
    if olds.is_empty() || news.is_empty() {
        return;
    }
    let long = |p: &Profile| p.bigrams().len() >= MOVED_MIN_BIGRAMS;
    let olds: Vec<usize> = olds.into_iter().filter(|&o| long(&old[o])).collect();
    let news: Vec<usize> = news.into_iter().filter(|&n| long(&new[n])).collect();
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

/// Hashes a key that is already a well-mixed hash as itself. A map keyed so is
/// deterministic, and here it is only looked up, never iterated.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes
            .iter()
            .fold(self.0, |h, &b| h.rotate_left(8) ^ u64::from(b));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The (old, new) positions worth comparing among many blocks, in linear time:
/// those sharing some of their smallest bigram hashes. Bigram hashes are well mixed,
/// so the smallest few are a fair sample of each block (bottom-k MinHash).
fn sketched_pairs(
    olds: &[usize],
    news: &[usize],
    old: &[Profile],
    new: &[Profile],
) -> Vec<(usize, usize)> {
    let mut postings: HashMap<u64, Vec<usize>, BuildHasherDefault<Prehashed>> = HashMap::default();
    for (a, &o) in olds.iter().enumerate() {
        for &h in old[o].bigrams().iter().take(SKETCH) {
            postings.entry(h).or_default().push(a);
        }
    }
    let (mut pairs, mut hits, mut counted) = (Vec::new(), Vec::new(), Vec::new());
    for (b, &n) in news.iter().enumerate() {
        hits.clear();
        for h in new[n].bigrams().iter().take(SKETCH) {
            match postings.get(h) {
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

// ---------------------------------------------------------------------------
// Naming and retiring

/// One id per new block: explicit, else carried over from its old block, else minted.
fn name(
    previous: &DocLock,
    m: &Matching,
    explicit: &[Option<&str>],
    new: &[Profile],
) -> Vec<String> {
    let claimed: BTreeSet<&str> = explicit.iter().flatten().copied().collect();
    let mut used: BTreeSet<String> = previous
        .blocks
        .iter()
        .map(|b| b.id.as_str())
        .chain(previous.retired.iter().map(|r| r.id.as_str()))
        .chain(claimed.iter().copied())
        .map(str::to_owned)
        .collect();
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
        .map(|(id, p)| id.unwrap_or_else(|| mint(p.hash.unwrap_or_default(), &mut used)))
        .collect()
}

/// A fresh id from a text hash: a letter, then base32, 5 characters, lengthened (up
/// to 12) while it is in `used`; past that, the hash is re-mixed. Records the id.
fn mint(hash: u64, used: &mut BTreeSet<String>) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut h = hash;
    loop {
        let mut chars = String::with_capacity(12);
        chars.push(char::from(ALPHABET[(h % 26) as usize]));
        let mut rest = h / 26;
        for _ in 0..11 {
            chars.push(char::from(ALPHABET[(rest & 31) as usize]));
            rest >>= 5;
        }
        for len in ID_LEN..=chars.len() {
            if !used.contains(&chars[..len]) {
                used.insert(chars[..len].to_owned());
                return chars[..len].to_owned();
            }
        }
        h = mix(h);
    }
}

/// The retired list after this build: earlier retirements whose id is not live
/// again, plus every old id no block carries now, each pointing at a live id (or "").
fn retire(
    previous: &DocLock,
    m: &Matching,
    ids: &[String],
    old: &[Profile],
    new: &[Profile],
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
/// nothing — within `MERGE_REACH` survivors, one whose text now holds at least
/// `ABSORBED` of the gone block's bigrams.
fn absorbed_into(
    o: usize,
    m: &Matching,
    old: &[Profile],
    new: &[Profile],
    near: &Near,
) -> Option<usize> {
    let gone = old[o].bigrams();
    if gone.len() < 2 {
        return None; // empty text: nothing to recognise
    }
    let changed = |&p: &usize| m.old[p].is_some_and(|n| new[n].hash != old[p].hash);
    let walk = |step: &[Option<usize>]| {
        std::iter::successors(step[o], |&p| step[p])
            .take(MERGE_REACH)
            .find(changed)
    };
    // Ranked by how many of the gone block's bigrams are among those the survivor
    // gained (a block that already began with "but" did not absorb a deleted "but"),
    // then among all of its bigrams (a gained repeat hashes differently), then by
    // nearness. `max_by_key` keeps the last of equals: the following survivor.
    [walk(near.before), walk(near.after)]
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let n = m.old[p]?;
            let all = new[n].all_bigrams();
            let present = shared(gone, all);
            let gained = shared(gone, &difference(all, old[p].all_bigrams()));
            let enough = present as f64 >= ABSORBED * gone.len() as f64;
            enough.then_some(((gained, present, Reverse(p.abs_diff(o))), n))
        })
        .max_by_key(|&(rank, _)| rank)
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests;
