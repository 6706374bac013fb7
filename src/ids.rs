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

/// Which surviving block, if any, took in most of a gone block's text (a merge):
/// of the nearest survivors on each side whose text changed — an unchanged one
/// absorbed nothing — within `MERGE_REACH` survivors, the one holding the larger
/// share of its bigrams, at least `ABSORBED`; on a tie the nearer, then the
/// following.
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
    let mut best: Option<(f64, usize, usize)> = None;
    for p in [walk(near.after), walk(near.before)].into_iter().flatten() {
        let Some(n) = m.old[p] else { continue };
        let share = shared(gone, new[n].all_bigrams()) as f64 / gone.len() as f64;
        let distance = p.abs_diff(o);
        let better = best.is_none_or(|(s, d, _)| share > s || (share == s && distance < d));
        if share >= ABSORBED && better {
            best = Some((share, distance, n));
        }
    }
    best.map(|(_, _, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: &str = "In the spring of 1999 the foreign ministry in Kabul received a delegation \
        from Islamabad, and the talks, which lasted three days, turned on the question of the \
        training camps near Khost and on who was paying for them.";
    const P2: &str = "Khaksar said that he had warned the Americans twice, once through an \
        intermediary in Peshawar and once directly, but that nobody in Washington seemed to \
        take the warnings seriously at the time.";
    const P3: &str = "The camps were not a secret. Journalists had visited them, photographs had \
        been published, and the local commanders spoke openly about the foreign fighters who \
        came and went through the passes.";
    const P4: &str = "By the autumn the situation had changed. The embassy reported a sharp rise \
        in the number of arrivals, most of them young men from the Gulf, travelling on forged \
        or borrowed documents.";
    const P5: &str = "Nobody could say with certainty how much the intelligence services knew, or \
        when they knew it; the archives that might settle the question remain closed.";

    fn keys<'a>(texts: &[&'a str]) -> Vec<BlockKey<'a>> {
        texts
            .iter()
            .map(|&text| BlockKey {
                text,
                explicit: None,
            })
            .collect()
    }

    fn build(previous: &DocLock, texts: &[&str]) -> (Vec<String>, DocLock) {
        assign(previous, &keys(texts))
    }

    fn to_of<'a>(lock: &'a DocLock, id: &str) -> Option<&'a str> {
        lock.retired
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.to.as_str())
    }

    #[test]
    fn normalise_lowercases_drops_punctuation_and_collapses_space() {
        assert_eq!(
            normalise("  Mullah  Omar's\tforces—in KABUL, (1996)!  "),
            "mullah omars forces in kabul 1996"
        );
        assert_eq!(normalise("ÉCOLE Ἀθῆναι İstanbul"), "école ἀθῆναι istanbul");
        // A decomposed accent is dropped rather than splitting the word.
        assert_eq!(normalise("Pesha\u{0304}war"), "peshawar");
        assert_eq!(normalise("al-Qa’ida"), "al qaida");
        assert_eq!(normalise(" .,;— "), "");
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn truncate_keeps_whole_words_and_a_prefix() {
        let long = normalise(&[P1, P2, P3].join(" "));
        let cut = truncate(&long);
        assert!(cut.len() <= TEXT_LIMIT && long.starts_with(cut));
        assert_eq!(long.as_bytes()[cut.len()], b' ');
        assert_eq!(truncate("short text"), "short text");
        let wide = "ā".repeat(300);
        assert!(truncate(&wide).len() <= TEXT_LIMIT);
    }

    #[test]
    fn repeated_phrases_count_as_often_as_they_occur() {
        let once = bigrams("the war the end");
        let twice = bigrams("the war the war the end");
        assert_eq!(once.len(), 5);
        assert_eq!(twice.len(), 7);
        assert_eq!(shared(&once, &twice), 5);
    }

    #[test]
    fn minted_ids_are_pinned() {
        // These must never change: they are published URLs. A change here means the
        // normalisation or the hash changed, which needs a lock format migration.
        let (ids, _) = build(&DocLock::default(), &[P1, "April 1999", ""]);
        assert_eq!(ids, ["quamd", "p5u3s", "b2kak"]);
    }

    #[test]
    fn minted_ids_are_short_css_friendly_and_depend_only_on_the_text() {
        let (a, _) = build(&DocLock::default(), &[P1, P2, "Notes"]);
        let (b, _) = build(&DocLock::default(), &["Notes", P3, P1]);
        assert_eq!((&a[0], &a[2]), (&b[2], &b[0]));
        for id in a.iter().chain(&b) {
            assert_eq!(id.len(), ID_LEN);
            assert!(id.starts_with(|c: char| c.is_ascii_lowercase()));
            assert!(id.bytes().all(|c| matches!(c, b'a'..=b'z' | b'2'..=b'7')));
        }
    }

    #[test]
    fn identical_and_empty_blocks_get_distinct_ids_lengthened_on_collision() {
        let (ids, lock) = build(&DocLock::default(), &["Notes", "", "notes.", ""]);
        assert_eq!(ids[2].len(), ID_LEN + 1);
        assert!(ids[2].starts_with(&ids[0]));
        assert!(ids[3].starts_with(&ids[1]));
        let (again, _) = assign(&lock, &keys(&["Notes", "", "notes.", ""]));
        assert_eq!(again, ids);
    }

    #[test]
    fn an_inserted_duplicate_does_not_shift_the_others() {
        let (ids, lock) = build(&DocLock::default(), &["", P1, "", P2]);
        let (after, _) = build(&lock, &["", "", P1, "", P2]);
        assert_eq!(
            [&after[0], &after[2], &after[3], &after[4]],
            [&ids[0], &ids[1], &ids[2], &ids[3]]
        );
    }

    #[test]
    fn rebuilding_unchanged_text_is_a_fixed_point() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3]);
        let (again, relock) = build(&lock, &[P1, P2, P3]);
        assert_eq!((again, relock), (ids, lock));
    }

    #[test]
    fn inserting_deleting_and_reordering_others_keeps_ids() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4]);
        let (moved, lock) = build(&lock, &[P4, P5, P2, P1]);
        assert_eq!(
            [&moved[0], &moved[2], &moved[3]],
            [&ids[3], &ids[1], &ids[0]]
        );
        assert!(!ids.contains(&moved[1]));
        // P3 is gone: its following neighbour, P4, now comes first.
        assert_eq!(to_of(&lock, &ids[2]), Some(ids[3].as_str()));
    }

    #[test]
    fn moderate_edits_keep_the_id() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4, P5]);
        let typo = P2.replace("seriously", "seriosly");
        let word = P1.replace("three days", "four days");
        let sentence = format!("{P5} Some of them may open in 2030, when the embargo ends.");
        let before = format!("The camps were no secret at all. {P3}");
        let edited = [word.as_str(), &typo, &before, P4, &sentence];
        let (after, lock) = build(&lock, &edited);
        assert_eq!(after, ids);
        assert!(lock.retired.is_empty());
    }

    #[test]
    fn a_short_heading_keeps_its_id_through_a_typo_fix() {
        let (ids, lock) = build(&DocLock::default(), &["Chapter Oen", P1, "Mullar Omar", P2]);
        let (after, _) = build(&lock, &["Chapter One", P1, "Mullah Omar", P2]);
        assert_eq!(after, ids);
    }

    #[test]
    fn a_short_block_is_not_taken_over_by_a_look_alike_of_another_length() {
        let (ids, lock) = build(&DocLock::default(), &[P1, "His commander", P2]);
        let (after, _) = build(&lock, &[P1, "Commanders", P2]);
        assert!(!ids.contains(&after[1]));
    }

    #[test]
    fn a_different_block_in_the_same_place_gets_a_new_id() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2, "April 1999", P3]);
        let (after, lock) = build(&lock, &[P1, P4, "May 2000", P3]);
        assert!(!ids.contains(&after[1]) && !ids.contains(&after[2]));
        assert_eq!(to_of(&lock, &ids[1]), Some(ids[3].as_str()));
        assert_eq!(to_of(&lock, &ids[2]), Some(ids[3].as_str()));
    }

    #[test]
    fn look_alike_siblings_keep_their_own_ids() {
        let a = "On 12 May the commander of the northern front reported that his men had \
                 taken the bridge at Pul-i-Khumri after a short fight.";
        let b = "On 14 May the commander of the northern front reported that his men had \
                 lost the bridge at Pul-i-Khumri after a long fight.";
        let (ids, lock) = build(&DocLock::default(), &[P1, a, b, P2]);
        let a2 = a.replace("12 May", "13 May");
        let b2 = b.replace("long fight", "long and bloody fight");
        let (after, _) = build(&lock, &[P1, &a2, &b2, P2]);
        assert_eq!(after, ids);
        // With the first one gone, the second must not slide onto its id.
        let (after, _) = build(&lock, &[P1, &b2, P2]);
        assert_eq!(after[1], ids[2]);
    }

    #[test]
    fn a_block_moved_and_edited_keeps_its_id() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4, P5]);
        let typo = P1.replace("delegation", "deleggation");
        let (after, _) = build(&lock, &[P2, P3, P4, &typo, P5]);
        assert_eq!(after[3], ids[0]);
    }

    #[test]
    fn an_edited_block_whose_neighbour_moved_keeps_its_id() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4]);
        let grown = format!("{P2} It was not the last time.");
        let (after, _) = build(&lock, &[P3, &grown, P1, P4]);
        assert_eq!(after, [ids[2].as_str(), &ids[1], &ids[0], &ids[3]]);
    }

    #[test]
    fn a_long_block_given_a_new_first_sentence_keeps_its_id_among_moved_blocks() {
        // Longer than the lock keeps, so the new sentence shifts the stored window.
        let long = format!("{P1} {P4} {P3}");
        assert!(normalise(&long).len() > TEXT_LIMIT);
        let old = [long.as_str(), P2, P5, "Notes", "Sources", "Chapter One"];
        let (ids, lock) = build(&DocLock::default(), &old);
        let opening = "This account was written down in Kandahar many years later by a clerk of \
                       the ministry, who had kept his own notes of every meeting he attended.";
        let grown = format!("{opening} {long}");
        // Its neighbours moved too: only the match-anywhere pass can find it.
        let new = ["Notes", &grown, "Sources", "Chapter One", P2, P5];
        let (after, _) = build(&lock, &new);
        assert_eq!(after[1], ids[0]);
    }

    #[test]
    fn deleted_ids_point_to_the_following_then_the_preceding_block() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3]);
        let (_, lock) = build(&lock, &[P1, P3]);
        assert_eq!(to_of(&lock, &ids[1]), Some(ids[2].as_str()));
        let (_, lock) = build(&lock, &[P1]);
        assert_eq!(to_of(&lock, &ids[2]), Some(ids[0].as_str()));
        // The earlier redirect follows its target to where that went.
        assert_eq!(to_of(&lock, &ids[1]), Some(ids[0].as_str()));
        let (_, lock) = build(&lock, &[]);
        assert!(lock.retired.iter().all(|r| r.to.is_empty()));
        assert_eq!(lock.retired.len(), 3);
    }

    #[test]
    fn a_merge_keeps_one_id_and_points_the_other_at_it() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4]);
        let merged = format!("{P2} {P3}");
        let (after, lock) = build(&lock, &[P1, &merged, P4]);
        assert_eq!(after, [ids[0].as_str(), &ids[1], &ids[3]]);
        assert_eq!(to_of(&lock, &ids[2]), Some(ids[1].as_str()));
    }

    #[test]
    fn a_merge_across_deleted_blocks_still_points_at_the_merged_block() {
        let old = [P1, P2, P3, P4, "Chapter One", P5, "Sources"];
        let (ids, lock) = build(&DocLock::default(), &old);
        let merged = format!("{P1} {P5}");
        let (after, lock) = build(&lock, &[&merged, "Sources"]);
        assert_eq!(after, [ids[0].as_str(), &ids[6]]);
        assert_eq!(to_of(&lock, &ids[5]), Some(ids[0].as_str()));
        assert_eq!(to_of(&lock, &ids[1]), Some(ids[6].as_str()));
    }

    #[test]
    fn a_split_keeps_the_id_on_the_larger_part() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P4, P5]);
        let (head, tail) = P4.split_at(P4.find(" The embassy").unwrap());
        let (after, lock) = build(&lock, &[P1, head, tail, P5]);
        assert_eq!(
            [&after[0], &after[2], &after[3]],
            [&ids[0], &ids[1], &ids[2]]
        );
        assert!(!ids.contains(&after[1]));
        assert!(lock.retired.is_empty());
    }

    #[test]
    fn a_retired_id_is_never_minted_again() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2]);
        let (_, lock) = build(&lock, &[P1]);
        let (back, lock) = build(&lock, &[P1, P2]);
        assert_ne!(back[1], ids[1]);
        assert!(back[1].starts_with(&ids[1]), "lengthened, not reused");
        assert_eq!(to_of(&lock, &ids[1]), Some(ids[0].as_str()));
    }

    #[test]
    fn an_explicit_id_wins_and_the_old_id_points_to_it() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2]);
        let blocks = [
            BlockKey {
                text: P1,
                explicit: None,
            },
            BlockKey {
                text: P2,
                explicit: Some("warnings"),
            },
        ];
        let (after, lock) = assign(&lock, &blocks);
        assert_eq!(after, [ids[0].as_str(), "warnings"]);
        assert_eq!(to_of(&lock, &ids[1]), Some("warnings"));
        // Dropping the `{#warnings}` later keeps the id: the lock remembers it.
        let (after, _) = build(&lock, &[P1, P2]);
        assert_eq!(after[1], "warnings");
    }

    #[test]
    fn an_explicit_id_takes_over_a_minted_one() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2]);
        let blocks = [
            BlockKey {
                text: P1,
                explicit: None,
            },
            BlockKey {
                text: P2,
                explicit: Some(&ids[0]),
            },
        ];
        let (after, lock) = assign(&lock, &blocks);
        assert_eq!(after[1], ids[0]);
        assert!(!after[0].is_empty() && after[0] != ids[0] && after[0] != ids[1]);
        assert_eq!(to_of(&lock, &ids[1]), Some(ids[0].as_str()));
    }

    #[test]
    fn a_minted_id_never_equals_an_explicit_one() {
        let (alone, _) = build(&DocLock::default(), &[P1]);
        let blocks = [
            BlockKey {
                text: P1,
                explicit: None,
            },
            BlockKey {
                text: P2,
                explicit: Some(&alone[0]),
            },
        ];
        let (ids, _) = assign(&DocLock::default(), &blocks);
        assert_eq!(ids[1], alone[0]);
        assert!(ids[0].starts_with(&alone[0]) && ids[0].len() == ID_LEN + 1);
    }

    #[test]
    fn an_explicit_id_brings_a_retired_one_back() {
        let (ids, lock) = build(&DocLock::default(), &[P1, P2]);
        let (_, lock) = build(&lock, &[P1]);
        assert!(to_of(&lock, &ids[1]).is_some());
        let blocks = [
            BlockKey {
                text: P1,
                explicit: None,
            },
            BlockKey {
                text: P3,
                explicit: Some(&ids[1]),
            },
        ];
        let (after, lock) = assign(&lock, &blocks);
        assert_eq!(after[1], ids[1]);
        assert!(lock.retired.is_empty());
    }

    #[test]
    fn a_repeated_explicit_id_goes_to_the_first_block_only() {
        let blocks = [
            BlockKey {
                text: P1,
                explicit: Some("intro"),
            },
            BlockKey {
                text: P2,
                explicit: Some("intro"),
            },
        ];
        let (ids, _) = assign(&DocLock::default(), &blocks);
        assert_eq!(ids[0], "intro");
        assert_ne!(ids[1], "intro");
    }

    #[test]
    fn a_malformed_lock_still_gives_unique_ids() {
        let entry = |id: &str, hash: &str, text: &str| LockedBlock {
            id: id.into(),
            hash: hash.into(),
            text: text.into(),
        };
        let previous = DocLock {
            blocks: vec![
                entry("same", "not hex", &normalise(P1)),
                entry("same", "0000000000000000", &normalise(P2)),
                entry("", "", ""),
            ],
            retired: vec![Retired {
                id: "same".into(),
                to: "nowhere".into(),
            }],
        };
        let (ids, lock) = build(&previous, &[P1, P2, P3]);
        assert_eq!(ids[0], "same");
        assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 3);
        assert!(lock.retired.is_empty());
    }

    const LOCK_TOML: &str = "\
# Paragraph ids, kept by lectern: commit this file with the content.
# `lectern build` updates it; edit it by hand only to repair it.

[[documents.khaksar-timeline.blocks]]
id = \"quamd\"
hash = \"0123456789abcdef\"
text = \"in the spring of 1999\"

[[documents.khaksar-timeline.retired]]
id = \"b2cde\"
to = \"quamd\"

[[documents.\"other doc\".blocks]]
id = \"intro\"
hash = \"fedcba9876543210\"
text = 'he said \"no\"'
";

    #[test]
    fn the_lock_file_format_is_pinned_and_round_trips() {
        let lock = Lock::parse(LOCK_TOML).unwrap();
        assert_eq!(lock.documents["other doc"].blocks[0].text, "he said \"no\"");
        assert_eq!(lock.documents["khaksar-timeline"].retired[0].to, "quamd");
        assert_eq!(lock.to_toml(), LOCK_TOML);
        assert_eq!(Lock::parse("").unwrap(), Lock::default());
    }

    #[test]
    fn lock_errors_say_what_is_wrong() {
        let err = Lock::parse("[documents.a\nblocks = 1").unwrap_err();
        assert!(err.contains("line 1, column 13"), "{err}");
        let err = Lock::parse("[[documents.a.blocks]]\nid = \"x\"\nhash = \"0\"\ntxt = \"\"\n")
            .unwrap_err();
        assert!(err.contains("unknown field `txt`"), "{err}");
        let dup = "[[documents.a.blocks]]\nid = \"x\"\nhash = \"0123456789abcdef\"\ntext = \"\"\n\
                   [[documents.a.retired]]\nid = \"x\"\nto = \"\"\n";
        let err = Lock::parse(dup).unwrap_err();
        assert!(
            err.contains("document `a`: id `x` is listed twice"),
            "{err}"
        );
        let bad = "[[documents.a.blocks]]\nid = \"x\"\nhash = \"12\"\ntext = \"\"\n";
        let err = Lock::parse(bad).unwrap_err();
        assert!(err.contains("hash `12`, expected 16 hex digits"), "{err}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use proptest::sample::Index;
        use std::sync::LazyLock;

        /// Words for realistic paragraphs: function words repeat, as in prose.
        const VOCABULARY: &str = "the the the the of of of and and and to to in in a a \
            that was was he his it for on with as by had were from at not but they which \
            their Taliban Kabul Kandahar Peshawar Islamabad Khost Mullah Omar ISI CIA \
            al-Qaeda bin Laden Haqqani Khaksar embassy ministry cable report officer \
            officers station chief camps training fighters commander commanders border \
            tribal agency agencies intelligence Pakistani Afghan American Saudi foreign \
            military political secret warning warnings meeting talks delegation envoy \
            defector source sources archive documents telegram memo ambassador minister \
            deputy region province valley pass road convoy weapons money funds support \
            pressure policy war peace attack attacks strike said told wrote warned \
            reported denied claimed believed refused agreed visited met sent received \
            crossed returned spring summer autumn winter 1996 1998 1999 2000 2001 \
            September April three several many few two months years days later earlier \
            openly quietly never again Peshāwar Muḥammad naïve ÉMIGRÉ d’Estaing O'Neill";

        static WORDS: LazyLock<Vec<&str>> =
            LazyLock::new(|| VOCABULARY.split_whitespace().collect());

        fn sentence_from(words: &[usize]) -> String {
            let text = words
                .iter()
                .map(|&w| WORDS[w])
                .collect::<Vec<_>>()
                .join(" ");
            let mut chars = text.chars();
            let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
            format!("{}{}.", first.unwrap_or_default(), chars.as_str())
        }

        fn sentence() -> impl Strategy<Value = String> {
            prop::collection::vec(0..WORDS.len(), 4..=20).prop_map(|w| sentence_from(&w))
        }

        /// 10–120 words of prose in sentences of 5–17 words, drawn from a seed so
        /// that shrinking keeps the text realistic (shrinking word choices one by
        /// one ends at "the the the"); the length goes into the seed too, or shrunk
        /// paragraphs would be prefixes of one another.
        fn paragraph() -> impl Strategy<Value = String> {
            (any::<u64>(), 10..=120usize).prop_map(|(seed, len)| {
                let mut state = seed ^ mix(len as u64);
                let mut next = |n: usize| {
                    state = mix(state);
                    (state % n as u64) as usize
                };
                let words: Vec<usize> = (0..len).map(|_| next(WORDS.len())).collect();
                let mut out = Vec::new();
                let mut rest = &words[..];
                while !rest.is_empty() {
                    let cut = (5 + next(13)).min(rest.len());
                    out.push(sentence_from(&rest[..cut]));
                    rest = &rest[cut..];
                }
                out.join(" ")
            })
        }

        #[derive(Clone, Debug)]
        enum Op {
            Insert(Index, String),
            Delete(Index),
            Move(Index, Index),
            Typo(Index, Index, Index),
            Word(Index, Index, usize),
            Sentence(Index, Index, String),
            Merge(Index),
            Split(Index, Index),
            /// Only in `explicit_ids_win`: give a block an explicit id, picked from a
            /// few names and every id seen so far (live or retired).
            Explicit(Index, Index),
        }

        fn op() -> impl Strategy<Value = Op> {
            let i = any::<Index>;
            prop_oneof![
                (i(), paragraph()).prop_map(|(a, t)| Op::Insert(a, t)),
                i().prop_map(Op::Delete),
                (i(), i()).prop_map(|(a, b)| Op::Move(a, b)),
                (i(), i(), i()).prop_map(|(a, b, c)| Op::Typo(a, b, c)),
                (i(), i(), 0..WORDS.len()).prop_map(|(a, b, w)| Op::Word(a, b, w)),
                (i(), i(), sentence()).prop_map(|(a, b, s)| Op::Sentence(a, b, s)),
                i().prop_map(Op::Merge),
                (i(), i()).prop_map(|(a, b)| Op::Split(a, b)),
            ]
        }

        fn op_or_explicit() -> impl Strategy<Value = Op> {
            prop_oneof![
                3 => op(),
                1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Op::Explicit(a, b)),
            ]
        }

        #[derive(Clone, Debug)]
        struct Item {
            ident: u32,
            text: String,
            explicit: Option<String>,
        }

        /// What one op did, for checking the ids afterwards. Blocks not named here
        /// must keep their ids; blocks new since the last build must get fresh ones.
        enum Effect {
            /// Moved, edited in place, inserted, or given an explicit id.
            Plain,
            /// A text edit of a block too short for the guarantee: its id is kept or
            /// fresh, never another block's.
            Loose(u32),
            Deleted {
                id: String,
                next: Option<u32>,
                prev: Option<u32>,
            },
            Merged {
                a: String,
                b: String,
                into: u32,
            },
            Split {
                id: String,
                parts: [u32; 2],
            },
        }

        fn words(text: &str) -> usize {
            text.split(' ').count()
        }

        /// The document, the lock, and everything seen so far.
        struct Sim {
            doc: Vec<Item>,
            lock: DocLock,
            id_of: BTreeMap<u32, String>,
            ever: BTreeSet<String>,
            next: u32,
        }

        impl Sim {
            fn new(texts: Vec<String>) -> Sim {
                let mut sim = Sim {
                    doc: Vec::new(),
                    lock: DocLock::default(),
                    id_of: BTreeMap::new(),
                    ever: BTreeSet::new(),
                    next: 0,
                };
                for text in texts {
                    let ident = sim.ident();
                    sim.doc.push(Item {
                        ident,
                        text,
                        explicit: None,
                    });
                }
                sim
            }

            fn ident(&mut self) -> u32 {
                self.next += 1;
                self.next
            }

            /// Applies `op` unless it touches an identity in `touched` or would make
            /// two texts identical; then says what to expect.
            fn apply(&mut self, op: &Op, touched: &mut BTreeSet<u32>) -> Option<Effect> {
                let before = self.doc.clone();
                let effect = self.try_apply(op, touched);
                let mut texts: Vec<String> = self.doc.iter().map(|i| normalise(&i.text)).collect();
                texts.sort();
                if effect.is_none() || texts.windows(2).any(|w| w[0] == w[1]) {
                    self.doc = before;
                    return None;
                }
                effect
            }

            fn try_apply(&mut self, op: &Op, touched: &mut BTreeSet<u32>) -> Option<Effect> {
                let len = self.doc.len();
                let pick = |i: &Index, touched: &mut BTreeSet<u32>, doc: &[Item]| {
                    let at = (!doc.is_empty()).then(|| i.index(doc.len()))?;
                    touched.insert(doc[at].ident).then_some(at)
                };
                match op {
                    Op::Insert(at, text) => {
                        let ident = self.ident();
                        touched.insert(ident);
                        let item = Item {
                            ident,
                            text: text.clone(),
                            explicit: None,
                        };
                        self.doc.insert(at.index(len + 1), item);
                        Some(Effect::Plain)
                    }
                    Op::Delete(at) => {
                        let at = pick(at, touched, &self.doc)?;
                        let item = self.doc.remove(at);
                        Some(Effect::Deleted {
                            id: self.id_of[&item.ident].clone(),
                            next: self.doc.get(at).map(|i| i.ident),
                            prev: at.checked_sub(1).map(|p| self.doc[p].ident),
                        })
                    }
                    Op::Move(from, to) => {
                        let from = pick(from, touched, &self.doc)?;
                        let item = self.doc.remove(from);
                        self.doc.insert(to.index(len), item);
                        Some(Effect::Plain)
                    }
                    Op::Typo(at, word, pos) => {
                        let at = pick(at, touched, &self.doc)?;
                        let mut ws: Vec<String> =
                            self.doc[at].text.split(' ').map(str::to_owned).collect();
                        let w = word.index(ws.len());
                        let chars: Vec<char> = ws[w].chars().collect();
                        let p = pos.index(chars.len());
                        let with = if chars[p] == 'q' { 'z' } else { 'q' };
                        ws[w] = chars
                            .iter()
                            .enumerate()
                            .map(|(i, &c)| if i == p { with } else { c })
                            .collect();
                        self.edit(at, ws.join(" "), 5)
                    }
                    Op::Word(at, word, with) => {
                        let at = pick(at, touched, &self.doc)?;
                        let mut ws: Vec<&str> = self.doc[at].text.split(' ').collect();
                        let w = word.index(ws.len());
                        ws[w] = WORDS[*with];
                        let text = ws.join(" ");
                        self.edit(at, text, 5)
                    }
                    Op::Sentence(at, pos, sentence) => {
                        let at = pick(at, touched, &self.doc)?;
                        let mut ws: Vec<&str> = self.doc[at].text.split(' ').collect();
                        ws.insert(pos.index(ws.len() + 1), sentence);
                        let text = ws.join(" ");
                        self.edit(at, text, 10)
                    }
                    Op::Merge(at) => {
                        let at = (len >= 2).then(|| at.index(len - 1))?;
                        let (first, second) = (&self.doc[at], &self.doc[at + 1]);
                        let (a, b) = (first.ident, second.ident);
                        let text = format!("{} {}", first.text, second.text);
                        let explicit = first.explicit.is_some() || second.explicit.is_some();
                        if words(&text) <= SHORT_WORDS
                            || explicit
                            || !touched.insert(a)
                            || !touched.insert(b)
                        {
                            return None;
                        }
                        let into = self.ident();
                        touched.insert(into);
                        self.doc.remove(at + 1);
                        self.doc[at] = Item {
                            ident: into,
                            text,
                            explicit: None,
                        };
                        let (a, b) = (self.id_of[&a].clone(), self.id_of[&b].clone());
                        Some(Effect::Merged { a, b, into })
                    }
                    Op::Split(at, pos) => {
                        let at = pick(at, touched, &self.doc)?;
                        let item = &self.doc[at];
                        let ws: Vec<&str> = item.text.split(' ').collect();
                        if ws.len() <= SHORT_WORDS || item.explicit.is_some() {
                            return None;
                        }
                        let cut = 1 + pos.index(ws.len() - 1);
                        let (head, tail) = (ws[..cut].join(" "), ws[cut..].join(" "));
                        let id = self.id_of[&item.ident].clone();
                        let parts = [self.ident(), self.ident()];
                        touched.extend(parts);
                        self.doc[at] = Item {
                            ident: parts[0],
                            text: head,
                            explicit: None,
                        };
                        let tail = Item {
                            ident: parts[1],
                            text: tail,
                            explicit: None,
                        };
                        self.doc.insert(at + 1, tail);
                        Some(Effect::Split { id, parts })
                    }
                    Op::Explicit(at, choice) => {
                        let at = pick(at, touched, &self.doc)?;
                        let mut pool: Vec<String> = ["intro", "notes", "april-1999", "k3x9q"]
                            .map(String::from)
                            .into();
                        pool.extend(self.ever.iter().cloned());
                        let id = pool.swap_remove(choice.index(pool.len()));
                        if self.doc.iter().any(|i| i.explicit.as_deref() == Some(&id)) {
                            return None;
                        }
                        self.doc[at].explicit = Some(id);
                        Some(Effect::Plain)
                    }
                }
            }

            /// Replaces a block's text; the id guarantee covers blocks of at least
            /// `min_words` words.
            fn edit(&mut self, at: usize, text: String, min_words: usize) -> Option<Effect> {
                let item = &mut self.doc[at];
                let strict = words(&item.text) >= min_words;
                item.text = text;
                Some(if strict {
                    Effect::Plain
                } else {
                    Effect::Loose(item.ident)
                })
            }

            /// Builds, checks every guarantee against what the ops did, and keeps the
            /// new lock. `precise`: also check where each deleted id now points.
            fn build(&mut self, effects: &[Effect], precise: bool) -> Result<(), TestCaseError> {
                let keys: Vec<BlockKey> = self
                    .doc
                    .iter()
                    .map(|i| BlockKey {
                        text: &i.text,
                        explicit: i.explicit.as_deref(),
                    })
                    .collect();
                let (ids, lock) = assign(&self.lock, &keys);
                check_invariants(&self.lock, &keys, &ids, &lock)?;
                // 5. Deterministic, and a fixed point once built.
                prop_assert_eq!(&assign(&self.lock, &keys), &(ids.clone(), lock.clone()));
                prop_assert_eq!(&assign(&lock, &keys), &(ids.clone(), lock.clone()));
                let file = Lock {
                    documents: BTreeMap::from([("doc".to_owned(), lock.clone())]),
                };
                prop_assert_eq!(Lock::parse(&file.to_toml()), Ok(file));

                let now: BTreeMap<u32, &str> = self
                    .doc
                    .iter()
                    .zip(&ids)
                    .map(|(i, id)| (i.ident, id.as_str()))
                    .collect();
                let explicit: BTreeSet<&str> = self
                    .doc
                    .iter()
                    .filter_map(|i| i.explicit.as_deref())
                    .collect();
                let fresh = |id: &str| !self.ever.contains(id);
                let exempt: BTreeSet<u32> = effects
                    .iter()
                    .flat_map(|e| match e {
                        Effect::Loose(i) => vec![*i],
                        Effect::Merged { into, .. } => vec![*into],
                        Effect::Split { parts, .. } => parts.to_vec(),
                        _ => vec![],
                    })
                    .collect();
                for item in &self.doc {
                    let id = now[&item.ident];
                    if item.explicit.is_some() || exempt.contains(&item.ident) {
                        continue;
                    }
                    match self.id_of.get(&item.ident) {
                        // 4. An explicit id elsewhere may take this block's id.
                        Some(old) if explicit.contains(old.as_str()) => prop_assert_ne!(old, id),
                        // 1 and 2. Others' edits and moderate edits keep the id.
                        Some(old) => prop_assert_eq!(old, id, "block {} lost its id", item.ident),
                        // 3. New blocks never get an id that was used before.
                        None => prop_assert!(fresh(id), "{} reused for a new block", id),
                    }
                }
                let to = |id: &str| {
                    lock.retired
                        .iter()
                        .find(|r| r.id == id)
                        .map(|r| r.to.as_str())
                };
                for effect in effects {
                    match effect {
                        Effect::Loose(ident) => {
                            let id = now[ident];
                            prop_assert!(id == self.id_of[ident] || fresh(id));
                        }
                        Effect::Deleted { id, next, prev } if precise => {
                            let near = next.or(*prev).map_or("", |n| now[&n]);
                            prop_assert_eq!(to(id), Some(near), "deleted {}", id);
                        }
                        Effect::Merged { a, b, into } => {
                            let id = now[into];
                            prop_assert!(id == a || id == b, "merged block got {}", id);
                            let other = if id == a { b } else { a };
                            prop_assert_eq!(to(other), Some(id));
                        }
                        Effect::Split { id, parts } => {
                            let got = parts.map(|p| now[&p]);
                            prop_assert!(got.contains(&id.as_str()), "split lost {}", id);
                            prop_assert!(got.iter().any(|g| fresh(g)));
                        }
                        _ => {}
                    }
                }
                self.ever.extend(ids.iter().cloned());
                self.id_of = now.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
                self.lock = lock;
                Ok(())
            }
        }

        /// What holds after every build, whatever the input.
        fn check_invariants(
            previous: &DocLock,
            keys: &[BlockKey],
            ids: &[String],
            lock: &DocLock,
        ) -> Result<(), TestCaseError> {
            prop_assert_eq!(ids.len(), keys.len());
            let locked: Vec<&String> = lock.blocks.iter().map(|b| &b.id).collect();
            prop_assert_eq!(locked, ids.iter().collect::<Vec<_>>());
            let live: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
            prop_assert_eq!(live.len(), ids.len(), "ids are unique: {:?}", ids);
            prop_assert!(!live.contains(""));
            // 4. The first block naming an explicit id gets it; no other block does.
            let explicit: BTreeSet<&str> = keys
                .iter()
                .filter_map(|k| k.explicit)
                .filter(|e| !e.is_empty())
                .collect();
            let mut seen = BTreeSet::new();
            for (key, id) in keys.iter().zip(ids) {
                match key.explicit.filter(|e| !e.is_empty() && seen.insert(*e)) {
                    Some(e) => prop_assert_eq!(id, e),
                    None => prop_assert!(!explicit.contains(id.as_str())),
                }
            }
            // 3. Every id that existed still resolves, to a live block or to nothing…
            prop_assert!(lock.retired.windows(2).all(|w| w[0].id < w[1].id));
            let retired: BTreeSet<&str> = lock.retired.iter().map(|r| r.id.as_str()).collect();
            for r in &lock.retired {
                prop_assert!(
                    !live.contains(r.id.as_str()),
                    "{} is live and retired",
                    r.id
                );
                prop_assert!(r.to.is_empty() || live.contains(r.to.as_str()));
            }
            let was_live: BTreeSet<&str> = previous.blocks.iter().map(|b| b.id.as_str()).collect();
            let existed = previous
                .retired
                .iter()
                .map(|r| r.id.as_str())
                .chain(was_live.iter().copied());
            for id in existed {
                let resolves = id.is_empty() || live.contains(id) || retired.contains(id);
                prop_assert!(resolves, "{} vanished", id);
            }
            // …and a retired id comes back only as an explicit id.
            for r in &previous.retired {
                if live.contains(r.id.as_str()) && !was_live.contains(r.id.as_str()) {
                    prop_assert!(explicit.contains(r.id.as_str()), "{} minted again", r.id);
                }
            }
            for (key, block) in keys.iter().zip(&lock.blocks) {
                let text = normalise(key.text);
                prop_assert_eq!(&block.text, truncate(&text));
                prop_assert_eq!(&block.hash, &format!("{:016x}", fnv1a(text.as_bytes())));
            }
            Ok(())
        }

        fn documents() -> impl Strategy<Value = Vec<String>> {
            prop::collection::vec(paragraph(), 1..12).prop_filter("distinct texts", |texts| {
                let set: BTreeSet<String> = texts.iter().map(|t| normalise(t)).collect();
                set.len() == texts.len()
            })
        }

        proptest! {
            /// One edit per build: every guarantee, including where retired ids land.
            #[test]
            fn each_edit_keeps_the_guarantees(
                start in documents(),
                ops in prop::collection::vec(op(), 1..25),
            ) {
                let mut sim = Sim::new(start);
                sim.build(&[], true)?;
                for op in &ops {
                    if let Some(effect) = sim.apply(op, &mut BTreeSet::new()) {
                        sim.build(&[effect], true)?;
                    }
                }
            }

            /// Several edits per build, each on a different block.
            #[test]
            fn batched_edits_keep_the_guarantees(
                start in documents(),
                steps in prop::collection::vec(prop::collection::vec(op(), 1..6), 1..8),
            ) {
                let mut sim = Sim::new(start);
                sim.build(&[], false)?;
                for step in &steps {
                    let mut touched = BTreeSet::new();
                    let effects: Vec<Effect> =
                        step.iter().filter_map(|op| sim.apply(op, &mut touched)).collect();
                    sim.build(&effects, false)?;
                }
            }

            /// Explicit ids, including ones equal to minted or retired ids, always win.
            #[test]
            fn explicit_ids_win(
                start in documents(),
                ops in prop::collection::vec(op_or_explicit(), 1..25),
            ) {
                let mut sim = Sim::new(start);
                sim.build(&[], true)?;
                for op in &ops {
                    if let Some(effect) = sim.apply(op, &mut BTreeSet::new()) {
                        sim.build(&[effect], false)?;
                    }
                }
            }

            /// Any text, any explicit ids, any (even malformed) lock: no panic, and the
            /// invariants hold.
            #[test]
            fn any_input_gives_sound_ids(
                texts in prop::collection::vec(
                    ("\\PC{0,40}|[ab .]{0,3}", prop::option::of("[ab]{0,2}|abcde")),
                    0..12,
                ),
                old in prop::collection::vec(("[a-e]{0,5}", "[0-9a-f]{16}|x", "\\PC{0,40}"), 0..12),
                retired in prop::collection::vec(("[a-e]{1,5}", "[a-e]{0,5}"), 0..4),
            ) {
                let previous = DocLock {
                    blocks: old
                        .into_iter()
                        .map(|(id, hash, text)| LockedBlock { id, hash, text })
                        .collect(),
                    retired: retired.into_iter().map(|(id, to)| Retired { id, to }).collect(),
                };
                let keys: Vec<BlockKey> = texts
                    .iter()
                    .map(|(t, e)| BlockKey { text: t, explicit: e.as_deref() })
                    .collect();
                let (ids, lock) = assign(&previous, &keys);
                check_invariants(&previous, &keys, &ids, &lock)?;
                prop_assert_eq!(&assign(&lock, &keys), &(ids, lock.clone()));
                prop_assert!(lock.validate().is_ok());
            }

            #[test]
            fn normalising_twice_changes_nothing(text in "\\PC{0,80}") {
                let once = normalise(&text);
                prop_assert_eq!(normalise(&once), once.clone());
                prop_assert_eq!(truncate(truncate(&once)), truncate(&once));
            }

            #[test]
            fn any_valid_lock_round_trips(
                docs in prop::collection::btree_map(
                    "\\PC{1,12}",
                    (
                        prop::collection::vec(("\\PC{0,30}", any::<u64>()), 0..5),
                        prop::collection::vec("\\PC{0,8}", 0..3),
                    ),
                    0..4,
                ),
            ) {
                let documents = docs
                    .into_iter()
                    .map(|(slug, (blocks, retired))| {
                        let blocks = blocks
                            .into_iter()
                            .enumerate()
                            .map(|(i, (text, h))| LockedBlock {
                                id: format!("b{i}"),
                                hash: format!("{h:016x}"),
                                text,
                            })
                            .collect();
                        let retired = retired
                            .into_iter()
                            .enumerate()
                            .map(|(i, to)| Retired { id: format!("r{i}"), to })
                            .collect();
                        (slug, DocLock { blocks, retired })
                    })
                    .collect();
                let lock = Lock { documents };
                prop_assert_eq!(Lock::parse(&lock.to_toml()), Ok(lock));
            }
        }
    }
}
