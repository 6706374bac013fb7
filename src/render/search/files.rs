//! The index as small gzipped files, so that a query fetches only what it needs.
//! The layout is described in the parent module; this module writes it.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use serde::Serialize;

use super::index::{Index, Term, varint};
use super::records::{Kind, Place, Record};

/// The version of the files' layout; the script refuses any other.
pub const FORMAT: u32 = 1;
/// Records per record file.
pub const CHUNK: usize = 1024;
/// A term file is closed once it holds this many bytes before compression (about
/// 20 KB after).
const SHARD: usize = 32 * 1024;
/// gzip's level for the term and record files: the fastest. At 10,000 documents
/// they are 13 % larger than at the default level (6), in a fifth of the time.
const FAST: u32 = 2;
/// gzip's level for the two files every query reads: the default, which at
/// 10,000 documents makes them 20 % smaller than the fastest does; the best (9)
/// would save 3 % more in four times as long.
pub const BEST: u32 = 6;

/// The files of the index but the meta file, each relative to `search/`, and what
/// the meta file says of them.
pub struct Written {
    pub files: Vec<(String, Vec<u8>)>,
    /// Each term file's first word, in order: file `i` holds the words from
    /// `first[i]` up to `first[i + 1]`.
    pub first: Vec<String>,
    /// The records' average length in words.
    pub average: f64,
    /// A hash of every file, which changes whenever any of them does.
    pub version: String,
}

/// The record files of `window`, whose first record is number `first` (a
/// multiple of `CHUNK`).
pub fn record_files(window: &[Record], first: usize) -> Vec<(String, Vec<u8>)> {
    debug_assert_eq!(first % CHUNK, 0);
    window
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(i, chunk)| {
            let name = format!("records/{}.json.gz", first / CHUNK + i);
            (name, gzip(&shown(chunk), FAST))
        })
        .collect()
}

/// Every file but the meta file, from the `index` of the records and their
/// files (`record_files`, in order).
pub fn write(records: Vec<(String, Vec<u8>)>, index: &Index) -> Written {
    let shards = shards(&index.terms);
    let first = shards
        .iter()
        .map(|shard| shard.first().map_or(String::new(), |t| t.word.to_string()))
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = shards
        .par_iter()
        .enumerate()
        .map(|(i, shard)| (format!("terms/{i}.bin.gz"), gzip(&terms(shard), FAST)))
        .collect();
    let count = index.lengths.len();
    files.extend(records);
    files.push((
        "lengths.bin.gz".into(),
        gzip(&lengths(&index.lengths), BEST),
    ));
    let total: u64 = index.lengths.iter().map(|&l| u64::from(l)).sum();
    let average = if count == 0 {
        0.0
    } else {
        // Rounded, so that the meta file's number reads the same everywhere.
        (total as f64 / count as f64 * 100.0).round() / 100.0
    };
    let version = version(&files);
    Written {
        files,
        first,
        average,
        version,
    }
}

/// The terms split into runs of about `SHARD` bytes, in order.
fn shards(terms: &[Term]) -> Vec<&[Term]> {
    let mut shards = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, term) in terms.iter().enumerate() {
        size += term.word.len() + term.gaps.len() + term.counts.len() + 8;
        if size >= SHARD {
            shards.push(&terms[start..=i]);
            (start, size) = (i + 1, 0);
        }
    }
    if start < terms.len() || shards.is_empty() {
        shards.push(&terms[start..]);
    }
    shards
}

/// A term file: the format byte, the number of words, then each word's entry
/// (its length in bytes and its UTF-8, how many records hold it, the length in
/// bytes of its lists), then each word's two lists, in the same order.
fn terms(shard: &[Term]) -> Vec<u8> {
    let size: usize = shard
        .iter()
        .map(|t| t.word.len() + t.gaps.len() + t.counts.len() + 12)
        .sum();
    let mut out = Vec::with_capacity(size + 8);
    out.push(FORMAT as u8);
    varint(&mut out, shard.len() as u32);
    for term in shard {
        varint(&mut out, term.word.len() as u32);
        out.extend_from_slice(term.word.as_bytes());
        varint(&mut out, term.count);
        varint(&mut out, (term.gaps.len() + term.counts.len()) as u32);
    }
    for term in shard {
        out.extend_from_slice(&term.gaps);
        out.extend_from_slice(&term.counts);
    }
    out
}

/// A record file: the slugs of the documents its records stand in, by index,
/// and what a result shows of each record.
#[derive(Serialize)]
struct Shown<'a> {
    slugs: Vec<(usize, &'a str)>,
    records: Vec<ShownRecord<'a>>,
}

/// A record as a result shows it. Its heading is left out when it is the
/// previous record's in the file (`""` is none).
#[derive(Serialize)]
struct ShownRecord<'a> {
    k: &'static str,
    /// A document's block or note: the document, and the block's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    a: Option<&'a str>,
    /// An entity's or source's page, relative to the site root.
    #[serde(skip_serializing_if = "Option::is_none")]
    u: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    h: Option<&'a str>,
    /// An entity's or source's words; a document's are read from its page.
    #[serde(skip_serializing_if = "Option::is_none")]
    t: Option<&'a str>,
}

fn shown(chunk: &[Record]) -> Vec<u8> {
    let mut slugs: Vec<(usize, &str)> = Vec::new();
    let mut heading = "";
    let records = chunk
        .iter()
        .map(|r| {
            let (a, u) = match &r.place {
                Place::Block { slug, id } => {
                    if let Some(d) = r.document
                        && slugs.last().is_none_or(|(last, _)| *last != d)
                    {
                        slugs.push((d, slug));
                    }
                    (Some(*id), None)
                }
                Place::Page(url) => (None, Some(url.as_str())),
            };
            let h = (r.heading != heading).then_some(&*r.heading);
            heading = &r.heading;
            ShownRecord {
                k: r.kind.code(),
                d: r.document,
                a,
                u,
                n: r.number,
                h,
                t: matches!(r.kind, Kind::Entity | Kind::Source).then_some(&*r.text),
            }
        })
        .collect();
    serde_json::to_vec(&Shown { slugs, records }).expect("records serialise")
}

/// The lengths file: the format byte, then a byte per record, its length `l` in
/// words as `round(2 · log2(1 + l))`. Ranking needs no more than that, within 20 %,
/// and the few values compress to half of what finer ones do.
fn lengths(lengths: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(lengths.len() + 1);
    out.push(FORMAT as u8);
    out.extend(
        lengths
            .iter()
            .map(|&l| (2.0 * f64::from(l).ln_1p() / std::f64::consts::LN_2).round() as u8),
    );
    out
}

pub fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3 + 64),
        Compression::new(level),
    );
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// FNV-1a over every file's name and bytes, as 16 hex digits.
fn version(files: &[(String, Vec<u8>)]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, bytes) in files {
        for &b in name.as_bytes().iter().chain(&[0]).chain(bytes) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(word: &str, bytes: usize) -> Term {
        Term {
            word: word.into(),
            count: 1,
            gaps: vec![0; bytes],
            counts: vec![4; 1],
        }
    }

    #[test]
    fn shards_cover_every_term_once_in_order() {
        let terms: Vec<Term> = (0..100)
            .map(|i| term(&format!("w{i:03}"), SHARD / 10))
            .collect();
        let shards = shards(&terms);
        assert!(shards.len() > 5 && shards.len() < 15, "{}", shards.len());
        let joined: Vec<&str> = shards
            .iter()
            .flat_map(|s| s.iter().map(|t| &*t.word))
            .collect();
        let all: Vec<&str> = terms.iter().map(|t| &*t.word).collect();
        assert_eq!(joined, all);
        assert_eq!(
            self::shards(&[]).len(),
            1,
            "an empty index still has its file"
        );
    }

    #[test]
    fn lengths_are_logarithmic_bytes() {
        assert_eq!(
            lengths(&[0, 1, 3, 15, 255, u32::MAX]),
            [1, 0, 2, 4, 8, 16, 64]
        );
    }
}
