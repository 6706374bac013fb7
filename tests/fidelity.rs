//! Faithful text: each seed document, word for word, is what a reader of its page reads.
//!
//! The originals in `tests/originals/` are the seed documents as plain text, under
//! their seed file names. The reading text
//! of a rendered document is `article.document` in document order (header, body,
//! notes) without what the editor added: supplied headings, editorial notes and
//! annotations, visually hidden helpers, the metadata line, the "Untitled" heading,
//! the notes' own heading, and the pilcrow and back-links (which have no text). Both
//! are split on whitespace, punctuation kept, and must be the same sequence.
//!
//! Two renderings stand for plain text in the seeds: a footnote reference is a
//! `<sup>` number right after its word ("room.1"), and a note's number is an
//! ordered-list marker, emitted here as "N." before the note's text ("1. The Way…").

mod common;

use std::fs;

use common::{Archive, Site};

/// The original `name` in `tests/originals/`.
fn original(name: &str) -> String {
    let path = common::repository_root().join("tests/originals").join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The words a reader reads in the document on `page`.
fn reading_words(site: &Site, page: &str) -> Vec<String> {
    let page = site.page(page);
    words(&common::reading_text(page.one("article.document")))
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// Compares word sequences; on a difference, shows ten words either side of it.
fn assert_same_words(slug: &str, expected: &[String], actual: &[String]) {
    let first_difference = expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e != a)
        .or_else(|| (expected.len() != actual.len()).then(|| expected.len().min(actual.len())));
    let Some(at) = first_difference else {
        return;
    };
    let window = |words: &[String]| {
        let start = at.saturating_sub(10);
        let end = (at + 11).min(words.len());
        let mut shown = Vec::new();
        for (i, word) in words.iter().enumerate().take(end).skip(start) {
            shown.push(if i == at {
                format!("⟦{word}⟧")
            } else {
                word.clone()
            });
        }
        if at >= words.len() {
            shown.push("⟦(end)⟧".into());
        }
        shown.join(" ")
    };
    panic!(
        "{slug}: the rendered text departs from the seed at word {} \
         (seed has {} words, page has {})\n  seed: … {} …\n  page: … {} …",
        at + 1,
        expected.len(),
        actual.len(),
        window(expected),
        window(actual),
    );
}

fn assert_faithful(original_name: &str, slug: &str) {
    let expected = words(&original(original_name));
    let actual = reading_words(common::repository_site(), &format!("{slug}/index.html"));
    assert!(expected.len() > 100, "{original_name} is a whole document");
    assert_same_words(slug, &expected, &actual);
}

#[test]
fn seed_000_cia_and_isi_a_failed_marriage() {
    assert_faithful("000_d25c509275142903.txt", "cia-and-isi-a-failed-marriage");
}

#[test]
fn seed_001_khaksar_timeline() {
    assert_faithful("001_50e72d232477a9f4.txt", "khaksar-timeline");
}

#[test]
fn seed_002_pakistan_generals_and_the_taliban() {
    assert_faithful(
        "002_80bca2bc6d16808f.txt",
        "pakistan-generals-and-the-taliban",
    );
}

#[test]
fn seed_003_al_qaeda_and_the_afghan_taliban() {
    assert_faithful(
        "003_03055a5d3c9a0284.txt",
        "al-qaeda-and-the-afghan-taliban",
    );
}

#[test]
fn seed_004_pakistans_biggest_afghan_mistake() {
    assert_faithful(
        "004_f80b802c3c7e95b7.txt",
        "pakistans-biggest-afghan-mistake",
    );
}

/// The extraction itself: markers and editorial parts are handled as described above.
#[test]
fn extraction_reads_references_and_note_numbers_as_the_seeds_do() {
    let site = Archive::with_site()
        .document(
            "a",
            "+++\nkind = \"timeline\"\n+++\n\n## Spring 1999 {#spring .supplied date=1999-03}\n\n\
             Left inside *the* room.[^1] Next.\n\n[^1]: The Way of the Knife.\n",
        )
        .build();
    let words = reading_words(&site, "a/index.html");
    assert_eq!(
        words,
        [
            "Left", "inside", "the", "room.1", "Next.", "1.", "The", "Way", "of", "the", "Knife."
        ]
    );
    let failed = std::panic::catch_unwind(|| {
        assert_same_words("x", &words[..3], &words[..4]);
    });
    assert!(failed.is_err(), "a shorter page is a difference");
}
