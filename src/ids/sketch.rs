//! Sketches: what the lock keeps of a block's text so that the next build can
//! still tell an edited block from a different one.
//!
//! A block's word pairs (the sorted bigram hashes of its `TEXT_LIMIT` window, see
//! `similarity.rs`) are sampled bottom-k style: the `SAMPLE` smallest hashes,
//! each kept as a 12-bit fingerprint (its low bits, independent of the high bits
//! that chose it), in hash order. With the count of all pairs, that estimates how
//! many pairs the old block shares with a new one: the new block is known whole,
//! so each sampled pair is looked up in it. A block of at most `SAMPLE` pairs is
//! kept whole, so its estimate is exact (but for a 1-in-4096 fingerprint clash).
//!
//! What stays true: the sample, the fingerprint and `SAMPLE` are part of the lock
//! format (`minted_ids_are_pinned` and the format tests guard them); a sketch is a
//! pure function of the window's text; a fingerprint is written as exactly two
//! base64url characters, so a sketch is never longer than 34 characters (the
//! sample and, for a sampled block, its bound).

/// How many of a block's smallest word-pair hashes the lock keeps.
pub(super) const SAMPLE: usize = 16;
/// How many of a new block's pairs must fall in the sampled range before they
/// are taken as a sample of it.
const MIN_RANGE: usize = 4;
/// Fingerprints are the low 12 bits of a hash.
const FINGERPRINT_BITS: u32 = 12;
const FINGERPRINTS: usize = 1 << FINGERPRINT_BITS;

/// What the lock keeps of a block whose text it does not keep.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sketch {
    /// How many word pairs the block's window has (its sample's population).
    pub pairs: usize,
    /// Whether the window is only the start of the block's text.
    pub cut: bool,
    /// Fingerprints of the smallest `SAMPLE` pair hashes, in hash order.
    pub sample: Vec<u16>,
    /// When the sample is not the whole set: the top 12 bits of its largest hash,
    /// so that a new block's pairs in the sampled range can be counted too.
    pub bound: Option<u16>,
}

/// How much an old block (by its sketch) and a new one (known whole) share, as
/// three estimates of the number of shared pairs, each best for one question:
/// how much of the old block is in the new one, how much of the new one is in
/// the old one, and how alike they are. All three are the exact count when the
/// sample is the whole set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Overlap {
    pub(super) of_old: usize,
    pub(super) of_new: usize,
    pub(super) alike: usize,
}

/// The top 12 bits of a hash, where the sample's bound is kept.
fn top(hash: u64) -> u16 {
    (hash >> (64 - FINGERPRINT_BITS)) as u16
}

pub(super) fn fingerprint(hash: u64) -> u16 {
    (hash & (FINGERPRINTS as u64 - 1)) as u16
}

impl Sketch {
    /// The sketch of a window whose sorted, distinct pair hashes are `bigrams`.
    pub(super) fn of(bigrams: &[u64], cut: bool) -> Sketch {
        Sketch {
            pairs: bigrams.len(),
            cut,
            sample: bigrams
                .iter()
                .take(SAMPLE)
                .map(|&h| fingerprint(h))
                .collect(),
            bound: (bigrams.len() > SAMPLE).then(|| top(bigrams[SAMPLE - 1])),
        }
    }

    /// The bound (when there is one) and the sample as base64url, two characters
    /// per 12-bit number.
    pub(super) fn encode(&self) -> String {
        let mut out = String::with_capacity(2 * self.sample.len() + 2);
        for &f in self.bound.iter().chain(&self.sample) {
            out.push(char::from(ALPHABET[usize::from(f >> 6)]));
            out.push(char::from(ALPHABET[usize::from(f & 63)]));
        }
        out
    }

    pub(super) fn decode(pairs: usize, cut: bool, text: &str) -> Result<Sketch, String> {
        let sampled = pairs > SAMPLE;
        let expected = 2 * pairs.min(SAMPLE) + if sampled { 2 } else { 0 };
        if text.len() != expected {
            return Err(format!(
                "a sketch of {pairs} word pairs has {expected} characters, not {}",
                text.len()
            ));
        }
        let number = |pair: &[u8]| -> Result<u16, String> {
            let d = |b: u8| {
                digit(b).ok_or_else(|| format!("`{}` is not a sketch character", char::from(b)))
            };
            Ok(d(pair[0])? << 6 | d(pair[1])?)
        };
        let mut numbers = text.as_bytes().chunks(2).map(number);
        let bound = if sampled {
            numbers.next().transpose()?
        } else {
            None
        };
        Ok(Sketch {
            pairs,
            cut,
            sample: numbers.collect::<Result<_, _>>()?,
            bound,
        })
    }

    /// How much this block shares with a new block whose sorted pair hashes are
    /// `hashes` and whose fingerprints are `prints`. Bottom-k: the sampled range
    /// holds every pair of this block below the bound, so the new block's pairs
    /// in that range are a sample of the new block too, and the sampled pairs
    /// found in it are the shared pairs of both samples.
    pub(super) fn overlap(&self, hashes: &[u64], prints: &Fingerprints) -> Overlap {
        let hits = self.sample.iter().filter(|&&f| prints.contains(f)).count();
        let Some(bound) = self.bound else {
            return Overlap {
                of_old: hits,
                of_new: hits,
                alike: hits,
            };
        };
        let k = self.sample.len();
        let (n, m) = (self.pairs, hashes.len());
        // The new block's pairs in the sampled range (hashes are sorted).
        let low = hashes.partition_point(|&h| top(h) <= bound).max(hits);
        let of_old = (hits * n + k / 2) / k;
        // Jaccard of the two samples (the union's pairs in the range), then the
        // shared count it implies: J / (1 + J) of both sizes.
        let union = k + low - hits;
        let alike = (hits * (n + m) + (union + hits) / 2) / (union + hits);
        // Too few of the new block's pairs in the range say little about it.
        let of_new = if low < MIN_RANGE {
            alike
        } else {
            (hits * m + low / 2) / low
        };
        Overlap {
            of_old,
            of_new,
            alike,
        }
    }

    /// Estimated number of this block's pairs that are in a block whose pairs'
    /// fingerprints are `present`: exact when the sample is the whole set.
    pub(super) fn shared(&self, present: &Fingerprints) -> usize {
        let k = self.sample.len();
        let hits = self.sample.iter().filter(|&&f| present.contains(f)).count();
        if k == 0 || k >= self.pairs {
            return hits;
        }
        (hits * self.pairs + k / 2) / k
    }

    /// Whether a pair with this hash is in the sample (for a sample that is the
    /// whole set: whether it is in the block).
    pub(super) fn has(&self, hash: u64) -> bool {
        self.sample.contains(&fingerprint(hash))
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The value of a base64url character.
fn digit(b: u8) -> Option<u16> {
    let d = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u16::from(d))
}

/// The fingerprints of a set of pair hashes, for constant-time lookups.
pub(super) struct Fingerprints(Box<[u64; FINGERPRINTS / 64]>);

impl Fingerprints {
    pub(super) fn of<'a>(hashes: impl IntoIterator<Item = &'a u64>) -> Fingerprints {
        let mut bits = Box::new([0u64; FINGERPRINTS / 64]);
        for &h in hashes {
            let f = usize::from(fingerprint(h));
            bits[f / 64] |= 1 << (f % 64);
        }
        Fingerprints(bits)
    }

    fn contains(&self, f: u16) -> bool {
        let f = usize::from(f);
        self.0[f / 64] & (1 << (f % 64)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sketch_round_trips_and_is_two_characters_per_fingerprint() {
        let hashes: Vec<u64> = (0..40u64)
            .map(|i| i.wrapping_mul(0x1234_5678_9abc_def1))
            .collect();
        let mut sorted = hashes.clone();
        sorted.sort_unstable();
        let sketch = Sketch::of(&sorted, true);
        assert_eq!(sketch.sample.len(), SAMPLE);
        let text = sketch.encode();
        assert_eq!(text.len(), 2 * SAMPLE + 2);
        assert_eq!(Sketch::decode(40, true, &text), Ok(sketch));
        assert!(Sketch::decode(40, true, "A").is_err());
        assert!(Sketch::decode(3, false, "AAAA").is_err());
        assert!(Sketch::decode(1, false, "A*").is_err());
    }

    #[test]
    fn small_sets_are_counted_exactly_and_large_ones_estimated() {
        let set = |r: std::ops::Range<u64>| -> Vec<u64> {
            let mut v: Vec<u64> = r.map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15)).collect();
            v.sort_unstable();
            v
        };
        let small = Sketch::of(&set(0..10), false);
        assert_eq!(small.shared(&Fingerprints::of(&set(5..20))), 5);
        let large = Sketch::of(&set(0..80), false);
        assert_eq!(large.shared(&Fingerprints::of(&set(0..80))), 80);
        let half = large.shared(&Fingerprints::of(&set(0..40)));
        assert!((20..=60).contains(&half), "{half}");
        assert!(large.shared(&Fingerprints::of(&set(1000..1080))) <= 10);
    }
}
