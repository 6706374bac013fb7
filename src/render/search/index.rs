//! The inverted index: for every word, the records it stands in and how often.
//!
//! Built in parts of a few thousand records, each on its own core: a part finds
//! its records' words (interned in the part, so a word is allocated once per part,
//! not once per use) and counts them per record. The parts are then merged in
//! record order into one list per word, encoded as it grows (gaps between record
//! numbers as varints, counts as runs), so the merged index holds a byte or two
//! per posting and no posting is ever sorted. Parts come a window at a time, and one
//! window is merged while the next is read, so only two windows' parts are held
//! at once and merging, which is sequential, costs no time of its own.
//!
//! Besides words, a record is listed under `#e<i>` for every entity `i` it names
//! and `#s<i>` for every source it cites: the filters read these like words. No
//! word holds `#`, so they cannot clash with one.

use std::fmt::Write;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::records::Record;
use super::words::each_word;

/// The count code of a word that stands once in a record's text and not in its
/// heading.
pub const COMMON: u32 = 1 << 2;

/// Records per part: enough that interning pays, few enough to keep both cores busy.
const PART: usize = 2048;
/// Parts tokenised together before they are merged: the records a [`Builder`]
/// is handed at a time (a multiple of the record files' `CHUNK`, too). Two
/// windows' postings are held at once, 12 bytes each; four parts keep two cores
/// busy, and sixteen cost 20 MB more at the peak for no time saved.
pub const WINDOW: usize = 4 * PART;

/// The index of a list of records.
pub struct Index {
    /// Every word, in byte order (which is code point order).
    pub terms: Vec<Term>,
    /// Each record's length in words (its text's, not its heading's).
    pub lengths: Vec<u32>,
}

/// A word and where it stands.
pub struct Term {
    pub word: Box<str>,
    /// How many records hold it.
    pub count: u32,
    /// Per record, ascending: the gap from the previous record number (minus one;
    /// the first is the record number itself), a varint each.
    pub gaps: Vec<u8>,
    /// Per record, in the same order, its count code `text << 2 | min(heading, 3)`
    /// (`text` and `heading`: how often the word stands in each), as runs: most
    /// codes are `COMMON` (once in the text), so the list is pairs of varints, how
    /// many records have `COMMON` and then the code of the next one that has
    /// another, ending with the run of `COMMON` after the last other code, if any.
    /// Empty for the filters' entries, which have no counts.
    pub counts: Vec<u8>,
}

/// Indexes `records`, numbered by their position.
#[cfg(test)]
pub fn build(records: &[Record]) -> Index {
    let mut builder = Builder::default();
    records
        .chunks(WINDOW)
        .for_each(|window| builder.add(window));
    builder.finish()
}

/// The index of records handed to it a window at a time, in order: each window
/// is read on all cores while the one before is merged, so a window's records
/// need not outlive its turn.
#[derive(Default)]
pub struct Builder {
    merged: Merged,
    /// The last window's parts, not merged yet.
    read: Vec<Part>,
    /// The number of the next record.
    next: usize,
}

impl Builder {
    /// Adds `window`, the next records; every window but the last holds `WINDOW`.
    pub fn add(&mut self, window: &[Record]) {
        let first = self.next;
        let (merged, read) = (&mut self.merged, &mut self.read);
        let ((), next) = rayon::join(
            || read.drain(..).for_each(|part| merged.add(part)),
            || {
                window
                    .par_chunks(PART)
                    .enumerate()
                    .map(|(p, part)| Part::of(part, first + p * PART))
                    .collect::<Vec<Part>>()
            },
        );
        self.read = next;
        self.next += window.len();
    }

    /// How many records it has been handed.
    pub fn records(&self) -> usize {
        self.next
    }

    pub fn finish(mut self) -> Index {
        let read = std::mem::take(&mut self.read);
        read.into_iter().for_each(|part| self.merged.add(part));
        self.merged.finish()
    }
}

/// The words of a run of records.
struct Part {
    /// This part's words, by their number here.
    words: Vec<Box<str>>,
    /// (word here, record, count code), in record order.
    postings: Vec<(u32, u32, u32)>,
    lengths: Vec<u32>,
}

impl Part {
    fn of(records: &[Record], first: usize) -> Part {
        let mut counter = Counter::default();
        let mut postings = Vec::new();
        let mut lengths = Vec::with_capacity(records.len());
        let mut word = String::new();
        for (i, record) in records.iter().enumerate() {
            let record_number = u32::try_from(first + i).expect("fewer than 2³² records");
            let mut length = 0;
            each_word(&record.text, &mut word, |w| {
                length += 1;
                counter.count(w, 1 << 2);
            });
            each_word(&record.heading, &mut word, |w| counter.count(w, 1));
            for e in &record.entities {
                word.clear();
                let _ = write!(word, "#e{e}");
                counter.count(&word, 0);
            }
            for s in &record.sources {
                word.clear();
                let _ = write!(word, "#s{s}");
                counter.count(&word, 0);
            }
            lengths.push(length);
            for (id, code) in counter.record.drain(..) {
                counter.slot[id as usize] = 0;
                postings.push((id, record_number, code));
            }
        }
        Part {
            words: counter.words,
            postings,
            lengths,
        }
    }
}

/// Counts one record's words, interning them for the part.
#[derive(Default)]
struct Counter {
    ids: HashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
    /// Per word of the part: where it is in `record`, plus one; 0 when absent.
    slot: Vec<u32>,
    /// The record's words so far, with their count codes.
    record: Vec<(u32, u32)>,
}

impl Counter {
    /// Adds `add` to `word`'s count code in this record (`1 << 2` for a use in the
    /// text, `1` in the heading, `0` to list it only).
    fn count(&mut self, word: &str, add: u32) {
        let id = match self.ids.get(word) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.words.len()).expect("fewer than 2³² words");
                self.words.push(word.into());
                self.ids.insert(word.into(), id);
                self.slot.push(0);
                id
            }
        };
        let slot = &mut self.slot[id as usize];
        if *slot == 0 {
            self.record.push((id, add));
            *slot = self.record.len() as u32;
        } else {
            let code = &mut self.record[*slot as usize - 1].1;
            // Heading uses saturate at 3, so they never carry into the text's count.
            if add != 1 || *code & 3 < 3 {
                *code += add;
            }
        }
    }
}

/// The whole index so far.
#[derive(Default)]
struct Merged {
    ids: HashMap<Box<str>, u32>,
    lists: Vec<List>,
    lengths: Vec<u32>,
}

#[derive(Default)]
struct List {
    count: u32,
    last: u32,
    /// Records with `COMMON` since the last code written.
    run: u32,
    gaps: Vec<u8>,
    counts: Vec<u8>,
}

impl Merged {
    fn add(&mut self, part: Part) {
        let here: Vec<u32> = part
            .words
            .into_iter()
            .map(|word| match self.ids.get(&word) {
                Some(&id) => id,
                None => {
                    let id = self.lists.len() as u32;
                    self.lists.push(List::default());
                    self.ids.insert(word, id);
                    id
                }
            })
            .collect();
        for (word, record, code) in part.postings {
            let list = &mut self.lists[here[word as usize] as usize];
            let gap = if list.count == 0 {
                record
            } else {
                record - list.last - 1
            };
            varint(&mut list.gaps, gap);
            if code == COMMON {
                list.run += 1;
            } else if code != 0 {
                varint(&mut list.counts, list.run);
                varint(&mut list.counts, code);
                list.run = 0;
            }
            list.count += 1;
            list.last = record;
        }
        self.lengths.extend(part.lengths);
    }

    fn finish(self) -> Index {
        let mut words: Vec<Option<Box<str>>> = vec![None; self.lists.len()];
        for (word, id) in self.ids {
            words[id as usize] = Some(word);
        }
        let mut terms: Vec<Term> = words
            .into_iter()
            .zip(self.lists)
            .map(|(word, mut list)| {
                if list.run > 0 {
                    varint(&mut list.counts, list.run);
                }
                Term {
                    word: word.unwrap_or_default(),
                    count: list.count,
                    gaps: list.gaps,
                    counts: list.counts,
                }
            })
            .collect();
        terms.par_sort_unstable_by(|a, b| a.word.cmp(&b.word));
        Index {
            terms,
            lengths: self.lengths,
        }
    }
}

/// Appends `n` as a varint: seven bits a byte, low bits first, the high bit set
/// on every byte but the last.
pub fn varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::super::records::{Kind, Place, Record};
    use super::*;

    fn record(heading: &'static str, text: &'static str, entities: Vec<usize>) -> Record<'static> {
        Record {
            kind: Kind::Block,
            document: Some(0),
            number: None,
            place: Place::Page(String::new()),
            heading: Cow::Borrowed(heading),
            text: Cow::Borrowed(text),
            entities,
            sources: Vec::new(),
        }
    }

    fn decode(bytes: &[u8]) -> Vec<u32> {
        let mut out = Vec::new();
        let (mut n, mut shift) = (0, 0);
        for &b in bytes {
            n |= u32::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                out.push(n);
                (n, shift) = (0, 0);
            }
        }
        out
    }

    #[test]
    fn lists_records_with_their_counts_in_order() {
        let mut records = vec![
            record("Border talks", "The border, the BORDER.", vec![3]),
            record("", "Nothing here.", vec![]),
        ];
        // Enough records that the parts and windows are merged across boundaries.
        for _ in 0..(WINDOW + PART) {
            records.push(record("", "filler", vec![]));
        }
        records.push(record("", "Border again", vec![3]));
        let index = build(&records);
        let term = |w: &str| index.terms.iter().find(|t| &*t.word == w).unwrap();
        let border = term("border");
        assert_eq!(border.count, 2);
        let last = records.len() as u32 - 1;
        assert_eq!(decode(&border.gaps), [0, last - 1]);
        // Twice in the text and once in the heading, then once in the text.
        assert_eq!(decode(&border.counts), [0, 2 << 2 | 1, 1]);
        assert_eq!(decode(&term("talks").counts), [0, 1]);
        assert_eq!(decode(&term("#e3").gaps), [0, last - 1]);
        assert!(term("#e3").counts.is_empty());
        let filler = term("filler");
        assert_eq!(filler.count as usize, WINDOW + PART);
        assert_eq!(decode(&filler.counts), [filler.count]);
        assert_eq!(&index.lengths[..2], [4, 2]);
        let words: Vec<&str> = index.terms.iter().map(|t| &*t.word).collect();
        assert!(words.is_sorted(), "{words:?}");
    }

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        for n in [0, 1, 127, 128, 300, 16_384, u32::MAX] {
            varint(&mut out, n);
        }
        assert_eq!(decode(&out), [0, 1, 127, 128, 300, 16_384, u32::MAX]);
    }
}
