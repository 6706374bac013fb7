//! Robustness: no input makes lectern panic, large inputs build, and builds are
//! deterministic.
//!
//! - Property tests feed `build` and `check` arbitrary document bodies, and bodies
//!   made of the syntax lectern interprets (citations, CriticMarkup, footnotes,
//!   callouts, heading attributes). A failed build is a fine answer; a panic is not,
//!   and a successful build always writes the document's page.
//! - Large documents (megabytes, very long paragraphs, thousands of footnotes and
//!   headings, deep nesting) build, or fail with a report. These assert the outcome,
//!   not the time; they are sized to stay fast in a debug build.
//! - Panics found by the property tests and by the fuzz target (`fuzz/`) stay here
//!   as regression tests named after what triggers them.
//! - Two builds of one archive into two folders are byte-identical.
//!
//! Every archive here is a [`fixture`]: two entities (with aliases and a spelling
//! both claim), two sources and a second document to cross-reference, so every
//! kind of reference a document makes can resolve.

mod common;

use std::time::Instant;

use common::{Archive, assert_same_files, snapshot};
use lectern::BuildSummary;
use lectern::diagnostics::{Diagnostic, Failure};
use proptest::prelude::*;

const MAHMUD: &str = "+++
name = \"Mahmud Ahmed\"
kind = \"person\"
aliases = [\"General Mahmud Ahmed\", \"Mahmud\"]
ambiguous = [\"Ahmed\"]
dates = \"1936/2013\"
+++
Director-general of the ISI in 2001.
";

const MASSOUD: &str = "+++
name = \"Ahmad Shah Massoud\"
kind = \"person\"
aliases = [\"Ahmed Shah Massoud\", \"Massoud\"]
ambiguous = [\"Ahmed\"]
+++
Leader of the Northern Alliance.
";

const SOURCES_BIB: &str = "@book{coll-directorate-s,
  author = {Coll, Steve},
  title = {Directorate S},
  publisher = {Allen Lane},
  year = {2018},
}

@article{ap-2002-06-09,
  journal = {Associated Press},
  date = {2002-06-09},
  shorthand = {Associated Press, 6/9/2002},
}
";

const OTHER: &str = "+++
title = \"Another document\"
kind = \"timeline\"
+++

## April 1999 {#known date=1999-04}

Mahmud met Massoud. [@coll-directorate-s, p. 1]
";

/// The slug of the document under test.
const SLUG: &str = "doc";

/// An archive with everything a document can refer to, and `text` as `doc.md`.
fn fixture(text: &str) -> Archive {
    Archive::with_site()
        .file("content/entities/mahmud-ahmed.md", MAHMUD)
        .file("content/entities/ahmad-shah-massoud.md", MASSOUD)
        .file("content/sources.bib", SOURCES_BIB)
        .document("other", OTHER)
        .document(SLUG, text)
}

/// `body` under a front matter with a title.
fn document(body: &str) -> String {
    format!("+++\ntitle = \"Under test\"\n+++\n{body}")
}

/// Checks and builds `archive` as the CLI would, rendering every diagnostic, and
/// asserts what must hold whatever the input. Returns the build's result.
fn check_and_build(archive: &Archive) -> Result<BuildSummary, Failure> {
    let checked = lectern::check(archive.root());
    match &checked {
        Ok(report) => render(&report.warnings),
        Err(failure) => render(&failure.0),
    }
    let built = archive.try_build_to(&archive.out());
    match &built {
        Ok(summary) => {
            render(&summary.warnings);
            assert!(
                archive.out().join(SLUG).join("index.html").is_file(),
                "the build succeeded but wrote no {SLUG}/index.html"
            );
        }
        Err(failure) => render(&failure.0),
    }
    assert_eq!(
        checked.is_ok(),
        built.is_ok(),
        "check and build disagree: check {}, build {}",
        outcome(&checked),
        outcome(&built)
    );
    built
}

/// Renders each diagnostic as the CLI prints it, and locates it in its file.
fn render(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let _ = (d.to_string(), d.line_col());
    }
}

fn outcome<T>(result: &Result<T, Failure>) -> String {
    match result {
        Ok(_) => "succeeded".into(),
        Err(failure) => format!("failed:\n{failure}"),
    }
}

fn build_document(text: &str) -> Result<BuildSummary, Failure> {
    check_and_build(&fixture(text))
}

/// Builds `text` once, without a separate check, expecting success; panics with
/// the report otherwise. For large inputs.
fn builds(text: &str) -> BuildSummary {
    let archive = fixture(text);
    let summary = archive
        .try_build_to(&archive.out())
        .unwrap_or_else(|failure| panic!("the build failed:\n{failure}"));
    assert!(archive.out().join(SLUG).join("index.html").is_file());
    summary
}

// Property tests.

/// Pieces of the syntax lectern interprets, and text around them.
const FRAGMENTS: &[&str] = &[
    "[@coll-directorate-s]",
    "[@ap-2002-06-09, p. 3]",
    "[see @coll-directorate-s; @ap-2002-06-09]",
    "[@a]",
    "[@",
    "@",
    "]",
    "[",
    "(@mahmud-ahmed)",
    "](@ahmad-shah-massoud)",
    "](@coll-directorate-s \"p. 28\")",
    "](other.md#known)",
    "](#known)",
    "{==",
    "==}",
    "{>>",
    "<<}",
    "[^1]",
    "[^1]: ",
    "[^x]",
    "\n[^x]: a note ",
    "> [!note]",
    "> [!pullquote]",
    "> [!figure]",
    "> [!bio]\n> ",
    "> [!nope]",
    "> ",
    "## x {#y date=2001-13}",
    "## April {#april date=1999-04}",
    "## ",
    " {#id}",
    " {#",
    "}",
    "\\[",
    "\\",
    "`",
    "```",
    "*",
    "_",
    "- ",
    "1. ",
    "| a | b |\n|---|---|\n",
    "<div>",
    "&amp;",
    "Mahmud",
    "General Mahmud Ahmed",
    "Ahmed",
    "Massoud",
    "é",
    "’",
    "   ",
    " ",
    "\n",
    "\n\n",
    "    ",
    "word",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        max_shrink_iters: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_as_a_body_never_panics(body in any::<String>()) {
        let _ = build_document(&document(&body));
    }

    #[test]
    fn any_text_as_a_whole_file_never_panics(text in "(\\+\\+\\+\n)?[^\\x00]{0,200}") {
        let _ = build_document(&text);
    }

    #[test]
    fn markup_soup_as_a_body_never_panics(body in soup()) {
        let _ = build_document(&document(&body));
    }
}

// Regressions: inputs that made lectern panic, found by the fuzz target and the
// property tests.

/// `blocks.rs` `close_paragraph` cut the block's plain text by the length of the raw
/// trailing text, which keeps runs of spaces the plain text collapses: the cut fell
/// inside `é` ("byte index is not a char boundary").
#[test]
fn a_trailing_id_after_two_spaces_and_a_multibyte_letter() {
    let archive = fixture(&document("é  {#i}\n"));
    let built = check_and_build(&archive);
    built.unwrap_or_else(|failure| panic!("the build failed:\n{failure}"));
    let page = std::fs::read_to_string(archive.out().join("doc/index.html")).unwrap();
    assert!(
        page.contains("<p id=\"i\""),
        "the paragraph takes its id:\n{page}"
    );
}

/// The same cut, longer than the plain text: "attempt to subtract with overflow".
#[test]
fn a_trailing_id_after_many_spaces() {
    builds(&document(&format!("a{}{{#ab}}\n", " ".repeat(30))));
}

/// Text inside an editorial note is not block text, so the cut underflowed.
#[test]
fn a_trailing_id_inside_an_open_note() {
    let _ = build_document(&document("{>>{#a}\n"));
}

/// `critic.rs` `close_note` slices the pending events from where the note opened,
/// but a block quote's closing tag flushed them first; found by the property tests.
#[test]
fn a_note_left_open_in_a_callout_in_a_list_item() {
    let _ = build_document(&document("- > [!note]{>>"));
    let _ = build_document(&document("- > A quote {>>never closed.\n"));
}

/// `critic.rs` `close_note` sliced the body's events from where the note opened in
/// the footnote definition's events ("range start index … out of range").
#[test]
fn a_note_left_open_in_a_footnote_definition() {
    let _ = build_document(&document("[^1]:{>>\n\nu\n"));
    let _ = build_document(&document(
        "Text.[^1]\n\n[^1]: A note {>>never closed.\n\nThe next paragraph.\n",
    ));
}

/// An entity file is input too. `Snippet::new` (`src/parse/mod.rs`) cuts the block's
/// plain text at the mention's end, measured on the spelling as written; the plain
/// text collapses the name's double space, so the cut falls inside `’` ("start byte
/// index 13 is not a char boundary").
#[test]
fn a_name_with_a_double_space_before_a_multibyte_letter() {
    let archive = Archive::with_site()
        .file(
            "content/entities/mahmud-ahmed.md",
            "+++\nname = \"Mahmud  Ahmed\"\nkind = \"person\"\n+++\nA man.\n",
        )
        .document(SLUG, "+++\n+++\nMahmud  Ahmed’s men.\n");
    let _ = check_and_build(&archive);
}

// Large inputs. Each prints its time; none asserts it.

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = f();
    eprintln!("{what}: {:.2?}", start.elapsed());
    result
}

#[test]
fn a_ten_megabyte_document_builds() {
    let mut body = String::new();
    let mut n = 0;
    while body.len() < 10_000_000 {
        n += 1;
        body.push_str(&format!(
            "General Mahmud Ahmed met Massoud in Kabul, and the ISI's men waited outside \
             while the talks went on into the night. [@coll-directorate-s, p. {n}] \
             {{==The ambassador==}}{{>>The US ambassador, note {n}.<<}} was not told, and \
             *nobody* wrote it down until years later, in `a memo`.\n\n"
        ));
    }
    let summary = timed("10 MB document", || builds(&document(&body)));
    assert_eq!(summary.documents, 2);
}

/// Every copy of a paragraph needs its own id, minted after colliding with every
/// earlier copy's: time grows with the square of the count (4,000 copies take ~2.3 s
/// in a debug build), so this stays at 1,000.
#[test]
fn a_thousand_identical_paragraphs_build() {
    timed("1,000 identical paragraphs", || {
        builds(&document(&"The same words.\n\n".repeat(1_000)))
    });
}

#[test]
fn a_hundred_thousand_word_paragraph_builds() {
    let words = [
        "Mahmud", "met", "Massoud", "and", "the", "ISI", "in", "Kabul",
    ];
    let paragraph: Vec<&str> = (0..100_000).map(|i| words[i % words.len()]).collect();
    let text = document(&format!("{}\n", paragraph.join(" ")));
    timed("100,000-word paragraph", || builds(&text));
}

#[test]
fn ten_thousand_footnotes_build() {
    let mut body = String::new();
    for i in 0..10_000 {
        body.push_str(&format!("Sentence {i}.[^n{i}]\n"));
    }
    body.push('\n');
    for i in 0..10_000 {
        body.push_str(&format!("[^n{i}]: Note {i}, citing [@ap-2002-06-09].\n"));
    }
    timed("10,000 footnotes", || builds(&document(&body)));
}

#[test]
fn a_list_nested_a_thousand_deep_builds() {
    let mut body = String::new();
    for depth in 0..1_000 {
        body.push_str(&" ".repeat(depth * 2));
        body.push_str(&format!("- item {depth} by Mahmud\n"));
    }
    timed("list nested 1,000 deep", || builds(&document(&body)));
}

#[test]
fn five_thousand_headings_build() {
    let mut body = String::new();
    for i in 0..5_000 {
        let year = 1900 + i % 100;
        body.push_str(&format!(
            "## Entry {i} {{#entry-{i} date={year}}}\n\nWhat happened in {year}.\n\n"
        ));
    }
    let text = format!("+++\nkind = \"timeline\"\n+++\n{body}");
    timed("5,000 headings", || builds(&text));
}

// Determinism.

#[test]
fn two_builds_into_two_folders_are_byte_identical() {
    let archive = fixture(&document(
        "General Mahmud Ahmed met [Ahmed](@ahmad-shah-massoud) in 2001.[^1] \
         [see @coll-directorate-s, p. 62; @ap-2002-06-09]\n\n\
         {==Peter Gross==}{>>Porter Goss.<<} See [April 1999](other.md#known).\n\n\
         > [!pullquote]\n> Bravery without thinking.\n\n\
         [^1]: Massoud said so. [The words](@coll-directorate-s \"p. 28\")\n",
    ));
    let first = archive.build_to(&archive.scratch("first"));
    let second = archive.build_to(&archive.scratch("second"));
    let files = first.files();
    for page in [
        "doc/index.html",
        "entities/mahmud-ahmed/index.html",
        "sources/coll-directorate-s/index.html",
        "annotations/index.html",
        "timeline/index.html",
    ] {
        assert!(
            files.iter().any(|f| f == page),
            "{page} is missing: {files:?}"
        );
    }
    assert_same_files(&first.snapshot(), &snapshot(second.out()));
}
