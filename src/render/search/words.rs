//! Words as search sees them, the same on both sides: the index is built from
//! these words, and the page script folds a reader's query the same way
//! (`fold` and `words` in `static/lectern.js`).
//!
//! A word is a run of alphabetic characters and digits (Unicode's `Alphabetic`
//! and `N*`; `\p{Alphabetic}\p{N}` in the script), canonically decomposed with
//! every combining mark dropped, so "Ḥaqqānī" and "Haqqani" are one word, then
//! lower-cased, with a final sigma read as any other. Everything else separates
//! words: "Pakistan’s" is "pakistan" and "s", "9/11" is "9" and "11".

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

const LOWER: u8 = 1;
const UPPER: u8 = 2;
/// Per byte: `LOWER` for an ASCII digit or lower-case letter, `UPPER` for an
/// upper-case one, else 0.
static ASCII: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            UPPER
        } else if c.is_ascii_alphanumeric() {
            LOWER
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Calls `each` with every word of `text`, folded, in order. `word` is the buffer
/// a word is built in when it needs folding, reused so that finding words
/// allocates nothing; a word already folded is passed as it stands in `text`.
pub fn each_word(text: &str, word: &mut String, mut each: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    word.clear();
    while i < bytes.len() {
        let b = bytes[i];
        if ASCII[b as usize] != 0 {
            // Most words are a run of ASCII letters and digits, often in lower case.
            let start = i;
            let mut seen = 0;
            let run = bytes[start..]
                .iter()
                .take_while(|&&b| {
                    seen |= ASCII[b as usize];
                    ASCII[b as usize] != 0
                })
                .count();
            i += run;
            let whole = i == bytes.len() || bytes[i].is_ascii();
            if word.is_empty() && whole && seen & UPPER == 0 {
                each(&text[start..i]);
            } else {
                word.extend(
                    bytes[start..i]
                        .iter()
                        .map(|b| b.to_ascii_lowercase() as char),
                );
            }
        } else if b.is_ascii() {
            if !word.is_empty() {
                each(word);
                word.clear();
            }
            i += 1;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            decompose_canonical(c, |d| {
                if is_combining_mark(d) {
                    // Dropped, and it does not end the word it stands in.
                } else if d.is_alphanumeric() {
                    for lower in d.to_lowercase() {
                        word.push(if lower == 'ς' { 'σ' } else { lower });
                    }
                } else if !word.is_empty() {
                    each(word);
                    word.clear();
                }
            });
        }
    }
    if !word.is_empty() {
        each(word);
        word.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::each_word;

    fn words(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        each_word(text, &mut String::new(), |w| found.push(w.to_string()));
        found
    }

    #[test]
    fn splits_at_anything_but_letters_and_digits() {
        assert_eq!(
            words("Pakistan’s ISI, after 9/11 — “came back”."),
            ["pakistan", "s", "isi", "after", "9", "11", "came", "back"]
        );
        assert_eq!(words("  "), Vec::<String>::new());
        assert_eq!(words("snake_case-word"), ["snake", "case", "word"]);
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(
            words("Ḥaqqānī Ça SÃO Paulo"),
            ["haqqani", "ca", "sao", "paulo"]
        );
        // Already decomposed: the combining marks vanish without splitting the word.
        assert_eq!(words("Cafe\u{301} na\u{308}ive"), ["cafe", "naive"]);
        assert_eq!(words("İstanbul"), ["istanbul"]);
        assert_eq!(
            words("École CAFÉ café x9Y"),
            ["ecole", "cafe", "cafe", "x9y"]
        );
    }

    #[test]
    fn other_scripts_are_words_too() {
        assert_eq!(words("ΟΔΟΣ οδος"), ["οδοσ", "οδοσ"]);
        assert_eq!(words("طالبان Кабул"), ["طالبان", "кабул"]);
        assert_eq!(words("٢٠٠١"), ["٢٠٠١"]);
    }
}
