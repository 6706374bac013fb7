//! Text normalisation and hashing: what a block's text becomes before anything
//! compares it, and the hash the lock records for it.
//!
//! What stays true: this is part of the lock format. `normalise`, `fnv1a` and
//! `truncate` (with `TEXT_LIMIT`) decide every stored hash and stored text, and so
//! every minted id; `mix` feeds minting and the bigram hashes. Changing any of them
//! changes which blocks match and which ids are minted (the `minted_ids_are_pinned`
//! test guards them). Normalising twice changes nothing, and nothing here depends
//! on the platform or on the std hasher.

/// How much normalised text the lock keeps per block (bytes, cut at a word boundary):
/// about 65 words, plenty to re-find an edited paragraph.
pub(super) const TEXT_LIMIT: usize = 400;

/// Lowercases (Unicode-aware), drops apostrophes and combining accents, turns every
/// other non-alphanumeric run into one space, and trims.
pub(super) fn normalise(text: &str) -> String {
    // Built as bytes, a table lookup per ASCII byte; whole characters only are
    // ever appended, so the bytes are UTF-8.
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            match ASCII_FOLD[usize::from(b)] {
                SEPARATOR => space = !out.is_empty(),
                APOSTROPHE => {}
                folded => {
                    if space {
                        out.push(b' ');
                        space = false;
                    }
                    out.push(folded);
                    // The rest of a word in lower case is its own fold: copied whole.
                    let run = bytes[i..]
                        .iter()
                        .take_while(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9'))
                        .count();
                    out.extend_from_slice(&bytes[i..i + run]);
                    i += run;
                }
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
            out.push(b' ');
            space = false;
        }
        for lower in c.to_lowercase().filter(|l| !is_combining_mark(*l)) {
            out.extend_from_slice(lower.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
    String::from_utf8(out).expect("whole characters were appended")
}

const SEPARATOR: u8 = 0;
const APOSTROPHE: u8 = 1;

/// Per ASCII byte: the lower-case letter or digit it normalises to, else
/// `SEPARATOR`, or `APOSTROPHE` for `'`, which is dropped.
static ASCII_FOLD: [u8; 128] = {
    let mut table = [SEPARATOR; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    table[b'\'' as usize] = APOSTROPHE;
    table
};

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
pub(super) fn truncate(text: &str) -> &str {
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

pub(super) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
pub(super) const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// SplitMix64's finaliser: spreads bits so that the smallest hashes of a set are a
/// fair sample of it.
pub(super) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub(super) fn parse_hash(hex: &str) -> Option<u64> {
    let ok = hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| u64::from_str_radix(hex, 16).ok()).flatten()
}
