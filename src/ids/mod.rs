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
//! How, in order (`assign` runs the steps; each lives in its own file):
//!
//! 1. Normalise each block's text (Unicode lowercase, punctuation and apostrophes
//!    dropped, whitespace collapsed) and hash it with FNV-1a 64 (`normalise.rs`).
//! 2. Match old blocks (the lock) to new ones, strongest evidence first:
//!    an explicit id that an old block already had; identical text that occurs once
//!    on each side, wherever it moved; identical text between two anchors (matched
//!    neighbours that keep their relative order), pairing duplicates in order;
//!    identical leftovers anywhere, in order. Then *similar* text (word-bigram Dice,
//!    or one text mostly inside the other; character trigrams for headings): between
//!    two anchors, best pairs first and never crossing, so order is kept; next to
//!    where a leftover block's nearest neighbours went, for when those moved; and
//!    last anywhere, for blocks that moved *and* changed, only when nearly identical.
//!    The passes are in `matching.rs`; the similarity scores and their thresholds
//!    in `similarity.rs`.
//! 3. Name the new blocks: the explicit id, else the matched old block's id, else a
//!    fresh id minted from the text's hash — 5 base32 characters, the first a letter,
//!    lengthened until it differs from every id in use, explicit or ever used
//!    (`minting.rs`).
//! 4. Retire the old ids no block carries any more, and repoint older retirements
//!    whose target has just been retired, so every `to` names a live block
//!    (`minting.rs`).
//!
//! The lock keeps, per block, its id, its hash, and what re-finds it after an
//! edit: a short block's text, else a sketch of its word pairs (`sketch.rs`), a
//! line per block (`lockfile.rs`, which also reads the first format, which kept
//! ~400 bytes of every block's text). The normalisation, the hash, the sketch and
//! the id alphabet are part of the lock format: changing any of them changes every
//! hash, and unedited blocks would then match only by similarity (the
//! `minted_ids_are_pinned` and format tests guard them).
//!
//! Cost: hashing and exact matching are O(n log n). Fuzzy matching only sees blocks
//! left unmatched, compares all pairs only in small gaps, and elsewhere a bounded
//! number of candidates per block (near the gap's diagonal, or sharing phrases found
//! by a bottom-k sketch). Shingles are computed only for blocks that need them.

mod lockfile;
mod matching;
mod minting;
mod normalise;
mod similarity;
mod sketch;

use std::collections::{BTreeMap, BTreeSet};

use matching::{
    Matching, gaps, pair_explicit, pair_identical_in_order, pair_moved, pair_similar_in_gap,
    pair_similar_near_neighbours, pair_unique_identical,
};
use minting::{name, retire};
use normalise::{normalise, parse_hash};
use similarity::{NewBlock, OldBlock};
pub use sketch::Sketch;

/// One citable block of a document, in document order, as the parse stage sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockKey<'a> {
    /// The block's plain text (markup stripped, not yet normalised).
    pub text: &'a str,
    /// An explicit id written in the source (`{#id}`), which always wins.
    pub explicit: Option<&'a str>,
}

/// What the lock file records for one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocLock {
    /// The document's blocks, in document order.
    pub blocks: Vec<LockedBlock>,
    /// Ids whose block is gone, sorted by id.
    pub retired: Vec<Retired>,
}

/// One live block in the lock file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockedBlock {
    /// The block's id.
    pub id: String,
    /// FNV-1a 64 of the whole normalised text, 16 lowercase hex digits.
    pub hash: String,
    /// The normalised text (its first `TEXT_LIMIT` bytes), kept for short blocks
    /// (headings, captions: at most `SHORT_WORDS` words), whose few words a sketch
    /// would not tell apart; empty when `sketch` is kept instead.
    pub text: String,
    /// What re-finds a longer block after an edit; `None` when `text` is kept. A
    /// lock of the first format kept every block's text: reading one turns the
    /// text of a longer block into its sketch.
    pub sketch: Option<Sketch>,
}

/// An id whose block is gone, and where its URL now lands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Retired {
    /// The retired id.
    pub id: String,
    /// Id of the nearest surviving block; empty when no block survived.
    pub to: String,
}

/// The whole lock file: one `DocLock` per document slug.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lock {
    /// Documents by slug.
    pub documents: BTreeMap<String, DocLock>,
}

impl Lock {
    /// Reads a lock file's text, in either format (`lockfile.rs`). Checks that ids
    /// are unique and non-empty per document and that hashes are well formed;
    /// sorts `retired` by id. The error says what is wrong and where (line, or
    /// document and id); the caller adds the path.
    pub fn parse(text: &str) -> Result<Lock, String> {
        let mut lock = lockfile::read(text)?;
        for (slug, doc) in &mut lock.documents {
            doc.validate()
                .map_err(|e| format!("document `{slug}`: {e}"))?;
            doc.retired.sort_by(|a, b| a.id.cmp(&b.id));
        }
        Ok(lock)
    }

    /// The lock file's text: deterministic, a line per block, in document order,
    /// each document's lines together, so an edit changes only its document's lines.
    pub fn to_text(&self) -> String {
        lockfile::write(self)
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
    // 1. Normalise and hash (the lock already holds the old blocks' hashes and
    // sketches); an explicit id repeated in the document counts for its first
    // block only.
    let old: Vec<OldBlock> = previous.blocks.iter().map(OldBlock::new).collect();
    let full: Vec<String> = blocks.iter().map(|b| normalise(b.text)).collect();
    let new: Vec<NewBlock> = full.iter().map(|text| NewBlock::new(text)).collect();
    let mut seen = BTreeSet::new();
    let explicit: Vec<Option<&str>> = blocks
        .iter()
        .map(|b| b.explicit.filter(|e| !e.is_empty() && seen.insert(*e)))
        .collect();

    // 2. Match old blocks to new ones, strongest evidence first.
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

    // 3. Name the new blocks.
    let ids = name(previous, &m, &explicit, &new);
    // 4. Retire the ids no block carries any more.
    let retired = retire(previous, &m, &ids, &old, &new);
    let lock = DocLock {
        blocks: ids
            .iter()
            .zip(&new)
            .enumerate()
            .map(|(n, (id, p))| {
                let same = m.new[n]
                    .filter(|&o| old[o].hash.is_some() && old[o].hash == p.hash)
                    .map(|o| &previous.blocks[o]);
                locked(id, p, same)
            })
            .collect(),
        retired,
    };
    (ids, lock)
}

/// What the lock keeps of a new block: the text of a short one, else a sketch —
/// the old entry's, when the text is the one it was made from (most blocks in
/// most builds: no need to shingle them again).
fn locked(id: &str, p: &NewBlock, same: Option<&LockedBlock>) -> LockedBlock {
    if let Some(old) = same.filter(|b| b.sketch.is_some()) {
        return LockedBlock {
            id: id.to_owned(),
            hash: format!("{:016x}", p.hash.unwrap_or_default()),
            text: String::new(),
            sketch: old.sketch.clone(),
        };
    }
    let short = p.short();
    LockedBlock {
        id: id.to_owned(),
        hash: format!("{:016x}", p.hash.unwrap_or_default()),
        text: if short {
            p.window().to_owned()
        } else {
            String::new()
        },
        sketch: (!short).then(|| Sketch::of(p.bigrams(), p.cut())),
    }
}

#[cfg(test)]
mod tests;
