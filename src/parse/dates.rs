//! Dates written in running text: "September 11, 2001", "11 September 2001",
//! "May 1999", "in 1999", "the 1980s", "1979-1989", "between 1996 and 2001",
//! "mid-2002".
//!
//! One pass over the words of a block's plain text, matching a small grammar; no
//! backtracking beyond a few words, so it stays linear. A bare number is a year
//! only after a word that introduces one ("in", "since", "by"…) or as an
//! adjective ("a 2006 interview"), so "1,500 men" and "room 2001" are left alone. Relative phrases ("the following morning")
//! are never dated: the editor dates them with `[text](date:2001-09-12)`, and
//! stops a false one with `[text](date:-)`.

use std::ops::Range;

use crate::date::{Day, FuzzyDate};

/// A date found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range of the words that state it.
    pub range: Range<usize>,
    /// The date, or why the words do not make one (`February 30, 2001`).
    pub date: Result<FuzzyDate, String>,
}

/// Words that introduce a bare year.
const YEAR_AFTER: &[&str] = &[
    "in",
    "In",
    "since",
    "Since",
    "by",
    "By",
    "until",
    "Until",
    "till",
    "from",
    "From",
    "of",
    "during",
    "During",
    "before",
    "Before",
    "after",
    "After",
    "around",
    "Around",
    "early",
    "Early",
    "late",
    "Late",
    "mid",
    "Mid",
    "year",
    "Year",
    "throughout",
    "circa",
    "c",
];

/// A word of the text: letters, or digits, or one other character.
#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    start: usize,
}

impl Word<'_> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }

    fn number(&self) -> Option<u32> {
        (self.text.len() <= 4 && self.text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| self.text.parse().ok())
            .flatten()
    }

    fn year(&self) -> Option<i32> {
        let n = self.number()?;
        (self.text.len() == 4 && (1000..=2100).contains(&n)).then_some(n as i32)
    }

    fn day(&self) -> Option<u8> {
        let n = self.number()?;
        (self.text.len() <= 2 && (1..=31).contains(&n)).then_some(n as u8)
    }

    fn month(&self) -> Option<u8> {
        month(self.text)
    }
}

fn month(word: &str) -> Option<u8> {
    const NAMES: [(&str, &str); 12] = [
        ("January", "Jan"),
        ("February", "Feb"),
        ("March", "Mar"),
        ("April", "Apr"),
        ("May", "May"),
        ("June", "Jun"),
        ("July", "Jul"),
        ("August", "Aug"),
        ("September", "Sep"),
        ("October", "Oct"),
        ("November", "Nov"),
        ("December", "Dec"),
    ];
    NAMES
        .iter()
        .position(|(full, short)| {
            word == *full || word == *short || (*short == "Sep" && word == "Sept")
        })
        .map(|i| i as u8 + 1)
}

fn words(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let same: fn(char) -> bool = if c.is_alphabetic() {
            char::is_alphabetic
        } else if c.is_ascii_digit() {
            |c| c.is_ascii_digit()
        } else {
            if !c.is_whitespace() {
                words.push(Word {
                    text: &text[start..start + c.len_utf8()],
                    start,
                });
            }
            continue;
        };
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if !same(next) {
                break;
            }
            end = i + next.len_utf8();
            chars.next();
        }
        words.push(Word {
            text: &text[start..end],
            start,
        });
    }
    words
}

fn day(year: i32, month: Option<u8>, day: Option<u8>) -> Day {
    Day { year, month, day }
}

/// Whether two words stand next to each other, with nothing between.
fn touching(a: &Word, b: &Word) -> bool {
    a.end() == b.start
}

/// Every date in `text`, in order, none overlapping.
pub fn find(text: &str) -> Vec<Found> {
    // Every form names a year of four digits, and a form's words lie within six
    // words before its year and four after (see `date_at`). So only the text
    // around years is cut into words: most paragraphs have none, and a long one
    // with a year is cut a dozen words deep, not whole. Years whose stretches meet
    // are read as one stretch.
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut years = year_starts(bytes).peekable();
    while let Some(first) = years.next() {
        let start = chunks_back(bytes, first, 6);
        let mut end = chunks_forward(bytes, first, 4);
        while let Some(&next) = years.peek() {
            if chunks_back(bytes, next, 6) >= end {
                break;
            }
            end = chunks_forward(bytes, next, 4);
            years.next();
        }
        found.extend(find_in(&text[start..end]).into_iter().map(|f| Found {
            range: f.range.start + start..f.range.end + start,
            date: f.date,
        }));
    }
    found
}

/// Where each year word (four digits, 1000 to 2100) begins.
fn year_starts(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 && (b"1000"[..] <= bytes[start..i] && bytes[start..i] <= b"2100"[..])
            {
                return Some(start);
            }
        }
        None
    })
}

// A chunk is a run of bytes between ASCII white space: it holds a word or more,
// and a text cut at a chunk's edge is cut into the same words as the whole.

/// The start of the chunk `n` chunks before the one at `at`.
fn chunks_back(bytes: &[u8], mut at: usize, n: usize) -> usize {
    while at > 0 && !bytes[at - 1].is_ascii_whitespace() {
        at -= 1;
    }
    for _ in 0..n {
        while at > 0 && bytes[at - 1].is_ascii_whitespace() {
            at -= 1;
        }
        while at > 0 && !bytes[at - 1].is_ascii_whitespace() {
            at -= 1;
        }
    }
    at
}

/// The end of the chunk `n` chunks after the one at `at`.
fn chunks_forward(bytes: &[u8], mut at: usize, n: usize) -> usize {
    while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    for _ in 0..n {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
    }
    at
}

/// Every date in `text`, cutting all of it into words.
fn find_in(text: &str) -> Vec<Found> {
    let w = words(text);
    // Every form holds a year word at most four words after its first ("Sept .
    // 12 , 2001"), so only the words up to four before a year can start a date.
    // Those windows overlap; `next` keeps the words in order, each tried once,
    // none inside a date already found.
    let starts = w
        .iter()
        .enumerate()
        .filter(|(_, word)| word.year().is_some())
        .flat_map(|(y, _)| y.saturating_sub(4)..=y);
    let mut found = Vec::new();
    let mut next = 0;
    for i in starts {
        if i < next {
            continue;
        }
        next = i + 1;
        if let Some((taken, range, date)) = date_at(&w, i) {
            found.push(Found { range, date });
            next = i + taken;
        }
    }
    found
}

/// A date starting at word `i`: how many words it takes, its range, the date.
/// It reads no word more than two before `i` or four after, and takes at most five.
fn date_at(w: &[Word], i: usize) -> Option<(usize, Range<usize>, Result<FuzzyDate, String>)> {
    let at = |k: usize| w.get(i + k);
    let single = |d: Day| {
        let text = d.to_string();
        FuzzyDate::parse(&text)
    };
    let range = |first: &Word, last: &Word| first.start..last.end();
    let word = at(0)?;

    if let Some(m) = word.month() {
        // "Sept." — an abbreviation's full stop belongs to it.
        let mut k = 1;
        if at(k).is_some_and(|p| p.text == "." && touching(word, p)) {
            k += 1;
        }
        // "September 11, 2001", "September 11 2001"
        if let Some(d) = at(k).and_then(Word::day) {
            let comma = at(k + 1).is_some_and(|c| c.text == ",");
            let y = k + 1 + comma as usize;
            if let Some(year) = at(y).and_then(Word::year) {
                return Some((
                    y + 1,
                    range(word, at(y)?),
                    single(day(year, Some(m), Some(d))),
                ));
            }
            return None;
        }
        // "May 1999", "May, 1999"
        let comma = at(k).is_some_and(|c| c.text == ",");
        let y = k + comma as usize;
        if let Some(year) = at(y).and_then(Word::year) {
            return Some((y + 1, range(word, at(y)?), single(day(year, Some(m), None))));
        }
        return None;
    }

    // "11 September 2001"
    if let Some(d) = word.day()
        && let Some(m) = at(1).and_then(Word::month)
        && let Some(year) = at(2).and_then(Word::year)
    {
        return Some((3, range(word, at(2)?), single(day(year, Some(m), Some(d)))));
    }

    // "between 1996 and 2001", "from 1996 to 2001"
    if matches!(word.text, "between" | "Between" | "from" | "From")
        && let Some(a) = at(1).and_then(Word::year)
        && at(2).is_some_and(|w| matches!(w.text, "and" | "to"))
        && let Some(b) = at(3).and_then(Word::year)
        && b > a
    {
        let date = FuzzyDate::parse(&format!("{a}/{b}"));
        return Some((4, range(word, at(3)?), date));
    }

    if let Some(year) = word.year() {
        // "the 1980s"
        if year % 10 == 0 && at(1).is_some_and(|s| s.text == "s" && touching(word, s)) {
            let date = FuzzyDate::parse(&format!("{year}/{}", year + 9));
            return Some((2, range(word, at(1)?), date));
        }
        // "1979-1989", "1979–89"
        if at(1).is_some_and(|d| matches!(d.text, "-" | "–" | "—") && touching(word, d))
            && let Some(end) = at(2).filter(|e| touching(at(1).unwrap_or(e), e))
        {
            let end_year = match end.text.len() {
                4 => end.year(),
                2 => end.number().map(|n| year - year % 100 + n as i32),
                _ => None,
            };
            if let Some(end_year) = end_year.filter(|e| *e > year) {
                let date = FuzzyDate::parse(&format!("{year}/{end_year}"));
                return Some((3, range(word, end), date));
            }
        }
        // "in 1999", "since 2001", "mid-2002"
        let introduced = i.checked_sub(1).and_then(|p| w.get(p)).is_some_and(|p| {
            YEAR_AFTER.contains(&p.text)
                || (p.text == "-"
                    && i.checked_sub(2)
                        .and_then(|q| w.get(q))
                        .is_some_and(|q| matches!(q.text, "mid" | "Mid" | "early" | "late")))
        });
        // "a 2006 interview", "the 2020 agreement": a year used as an adjective.
        let adjective = i
            .checked_sub(1)
            .and_then(|p| w.get(p))
            .is_some_and(|p| matches!(p.text, "a" | "A" | "an" | "An" | "the" | "The"))
            && at(1).is_some_and(|n| n.text.chars().all(char::is_lowercase));
        if introduced || adjective {
            return Some((1, range(word, word), single(day(year, None, None))));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `find` as first written: a date tried at every word.
    fn found_trying_every_word(text: &str) -> Vec<Found> {
        let w = words(text);
        let (mut found, mut i) = (Vec::new(), 0);
        while i < w.len() {
            match date_at(&w, i) {
                Some((taken, range, date)) => {
                    found.push(Found { range, date });
                    i += taken;
                }
                None => i += 1,
            }
        }
        found
    }

    proptest! {
        #[test]
        fn trying_only_near_years_finds_the_same(
            pieces in proptest::collection::vec(
                prop::sample::select(vec![
                    "Sept. 12, 2001", "September 11 2001", "11 September 2001", "May, 1999",
                    "between 1996 and 2001", "from 1996 to 2001", "the 1980s", "1979–89",
                    "1979-1989", "in 1999", "mid-2002", "a 2006 interview", "room 2001",
                    "February 30, 2001", "May", "11", "2001", "in", "-", ",", ".", "men",
                    "Zürich", "1999s", "é", "2100", "0999", "12345", "(1979–89)", "—",
                ]),
                0..30,
            ),
            glue in proptest::collection::vec(
                prop::sample::select(vec!["", " ", ", ", "\n", "\u{a0}", "  ", "\t"]),
                30,
            ),
        ) {
            let text: String = pieces.iter().zip(&glue).flat_map(|(p, g)| [*p, *g]).collect();
            prop_assert_eq!(find(&text), found_trying_every_word(&text));
        }
    }

    fn dates(text: &str) -> Vec<(String, String)> {
        find(text)
            .into_iter()
            .map(|f| {
                let date = match f.date {
                    Ok(d) => d.to_string(),
                    Err(e) => format!("error: {e}"),
                };
                (text[f.range].to_string(), date)
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn finds_the_forms_english_prose_uses() {
        assert_eq!(
            dates("On the morning of September 11, 2001, and on 11 September 2001 again."),
            pairs(&[
                ("September 11, 2001", "2001-09-11"),
                ("11 September 2001", "2001-09-11")
            ])
        );
        assert_eq!(
            dates("It began in May 1999, and in 1999 it ended; since Sept. 12 2001 too."),
            pairs(&[
                ("May 1999", "1999-05"),
                ("1999", "1999"),
                ("Sept. 12 2001", "2001-09-12")
            ])
        );
        assert_eq!(
            dates("In the 1980s, during 1979-1989, between 1996 and 2001, by mid-2002."),
            pairs(&[
                ("1980s", "1980/1989"),
                ("1979-1989", "1979/1989"),
                ("between 1996 and 2001", "1996/2001"),
                ("2002", "2002"),
            ])
        );
        assert_eq!(
            dates("the Soviet–Afghan War (1979–89)"),
            pairs(&[("1979–89", "1979/1989")])
        );
    }

    #[test]
    fn leaves_numbers_and_relative_phrases_alone() {
        assert!(dates("1,500 men in room 2001 on the following morning, a day after.").is_empty());
        assert!(dates("On September 12 they met. May we go?").is_empty());
        assert!(dates("Flight 1999 landed").is_empty());
        assert!(dates("the 2001 Sheraton").is_empty());
        assert_eq!(dates("In a 2006 interview"), pairs(&[("2006", "2006")]));
    }

    #[test]
    fn impossible_dates_are_reported() {
        let found = find("on February 30, 2001");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].date,
            Err("February 2001 has no day 30".to_string())
        );
    }
}
