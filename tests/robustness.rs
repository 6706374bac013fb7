//! Robustness: no input makes lectern panic, large inputs build, and builds are
//! deterministic.
//!
//! - Property tests feed `build` and `check` arbitrary document bodies, and bodies
//!   made of the syntax lectern interprets (citations, CriticMarkup, footnotes,
//!   callouts, heading attributes). A panic is never an answer: a successful build
//!   writes the document's page, with its title; a failed one reports errors about
//!   the document, each printed with the file, line and column it points at; and
//!   `check` agrees with `build`.
//! - Large documents (megabytes, very long paragraphs, thousands of footnotes and
//!   headings, deep nesting) build, and all of their input reaches the page. These
//!   assert the outcome, not the time; they are sized to stay fast in a debug build.
//! - Panics found by the property tests and by the fuzz target (`fuzz/`) stay here
//!   as regression tests named after what triggers them, asserting the outcome.
//! - Two builds of one archive into two folders, and a build of a second copy, are
//!   the same files byte for byte, with the same lock.
//!
//! Every archive here is a [`fixture`]: two entities (with aliases and a spelling
//! both claim), two sources and a second document to cross-reference, so every
//! kind of reference a document makes can resolve.

mod common;

use std::time::Instant;

use common::{Archive, Site, assert_same_files};
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

/// The file every fixture varies: the only one an error may be about.
const DOC_PATH: &str = "content/documents/doc.md";

/// Checks and builds `archive` as the CLI would, rendering every diagnostic, and
/// asserts what must hold whatever the input: check is at least as strict as build
/// (it also checks the rendered site, so raw HTML the author left unbalanced fails
/// check alone), and only a site problem makes them differ; a successful
/// build wrote the document's page; a failed one reports at least one error, every
/// error about `doc.md` (the other files of the fixture are valid). Returns the
/// build's result.
fn check_and_build(archive: &Archive) -> Result<Site, Failure> {
    let checked = lectern::check(archive.root());
    match &checked {
        Ok(report) => render(&report.warnings),
        Err(failure) => render(&failure.0),
    }
    let built = archive.try_build();
    match &built {
        Ok(site) => {
            render(&site.summary.warnings);
            assert!(
                archive.out().join(SLUG).join("index.html").is_file(),
                "the build succeeded but wrote no {SLUG}/index.html"
            );
        }
        Err(failure) => {
            render(&failure.0);
            let errors: Vec<&Diagnostic> = failure.0.iter().filter(|d| d.is_error()).collect();
            assert!(!errors.is_empty(), "a failed build reports an error");
            for error in errors {
                assert_eq!(
                    error.path,
                    std::path::Path::new(DOC_PATH),
                    "an error about another file than the one under test:\n{error}"
                );
            }
        }
    }
    assert!(
        checked.is_err() || built.is_ok(),
        "check passed but build failed: check {}, build {}",
        outcome(&checked),
        outcome(&built)
    );
    if let (Err(failure), Ok(_)) = (&checked, &built) {
        for error in &failure.0 {
            assert!(
                error.message.starts_with("on the page "),
                "only the rendered site's problems may fail check alone:\n{error}"
            );
        }
    }
    built
}

/// Renders each diagnostic as the CLI prints it: the report names the file, and,
/// where the diagnostic points into the file, the same line and column that
/// `line_col` gives.
fn render(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let text = d.to_string();
        let path = d.path.display().to_string();
        assert!(
            text.contains(&path),
            "the report does not name {path}:\n{text}"
        );
        if let Some((line, column)) = d.line_col() {
            assert!(
                text.contains(&format!("{path}:{line}:{column}")),
                "the report does not point at {path}:{line}:{column}:\n{text}"
            );
        }
    }
}

/// The diagnostics of a failed build, expecting failure.
fn errors_of(result: Result<Site, Failure>) -> Vec<Diagnostic> {
    match result {
        Ok(site) => panic!("the build succeeded ({} pages)", site.summary.pages),
        Err(failure) => failure.0,
    }
}

/// The one error of a failed build, as `(message, line and column)`.
fn the_error(result: Result<Site, Failure>) -> (String, Option<(usize, usize)>) {
    let errors = errors_of(result);
    let [error] = errors.as_slice() else {
        panic!("expected one error, got {}: {errors:#?}", errors.len());
    };
    (error.message.clone(), error.line_col())
}

fn outcome<T>(result: &Result<T, Failure>) -> String {
    match result {
        Ok(_) => "succeeded".into(),
        Err(failure) => format!("failed:\n{failure}"),
    }
}

fn build_document(text: &str) -> Result<Site, Failure> {
    check_and_build(&fixture(text))
}

/// Builds `text` once, without a separate check, expecting success; panics with
/// the report otherwise. For large inputs.
fn builds(text: &str) -> Site {
    fixture(text).build()
}

/// How many times `needle` occurs in the page of the document under test.
fn occurrences(site: &Site, needle: &str) -> usize {
    site.read(&format!("{SLUG}/index.html"))
        .matches(needle)
        .count()
}

// Property tests.

/// Builds `body` under a title: either a page that shows the title, or a report
/// about `doc.md` (which `check_and_build` asserts).
fn titled_page_or_report(body: &str) {
    if let Ok(site) = build_document(&document(body)) {
        site.page(&format!("{SLUG}/index.html"))
            .has_text("article.document h1", "Under test");
    }
}

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
        titled_page_or_report(&body);
    }

    #[test]
    fn any_text_as_a_whole_file_never_panics(text in "(\\+\\+\\+\n)?[^\\x00]{0,200}") {
        if let Ok(site) = build_document(&text) {
            site.page(&format!("{SLUG}/index.html")).count("article.document", 1);
        }
    }

    #[test]
    fn markup_soup_as_a_body_never_panics(body in soup()) {
        titled_page_or_report(&body);
    }
}

// Regressions: inputs that made lectern panic, found by the fuzz target and the
// property tests.

/// `blocks.rs` `close_paragraph` cut the block's plain text by the length of the raw
/// trailing text, which keeps runs of spaces the plain text collapses: the cut fell
/// inside `é` ("byte index is not a char boundary").
#[test]
fn a_trailing_id_after_two_spaces_and_a_multibyte_letter() {
    let site = check_and_build(&fixture(&document("é  {#i}\n")))
        .unwrap_or_else(|failure| panic!("the build failed:\n{failure}"));
    site.page("doc/index.html").has_text(".doc-body p#i", "é");
}

/// The same cut, longer than the plain text: "attempt to subtract with overflow".
#[test]
fn a_trailing_id_after_many_spaces() {
    let site = builds(&document(&format!("a{}{{#ab}}\n", " ".repeat(30))));
    site.page("doc/index.html").has_text(".doc-body p#ab", "a");
}

/// Raw HTML left open in an editor's note breaks every page that quotes the note.
/// The annotations page is no one file's, and its report named only the page,
/// unlike a document page's; found by the property tests.
#[test]
fn an_open_tag_in_a_note_is_reported_on_each_page_that_quotes_it() {
    let archive = fixture(&document("[^x]\n[^x]: a note {>><div><<}\n"));
    let failure = lectern::check(archive.root())
        .map(|_| ())
        .expect_err("check passed a page with an open <div>");
    let pages: Vec<&str> = failure
        .0
        .iter()
        .map(|e| {
            assert!(e.message.contains("not well-formed HTML"), "{e}");
            e.message
                .strip_prefix("on the page ")
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
        })
        .collect();
    assert!(pages.contains(&"annotations/index.html"), "{failure}");
    assert!(pages.contains(&"doc/index.html"), "{failure}");
}

const UNCLOSED_NOTE: &str = "unclosed CriticMarkup `{>>` in this paragraph";

/// Text inside an editorial note is not block text, so the cut underflowed.
#[test]
fn a_trailing_id_inside_an_open_note() {
    let (message, at) = the_error(build_document(&document("{>>{#a}\n")));
    assert_eq!((message.as_str(), at), (UNCLOSED_NOTE, Some((4, 1))));
}

/// `critic.rs` `close_note` slices the pending events from where the note opened,
/// but a block quote's closing tag flushed them first; found by the property tests.
#[test]
fn a_note_left_open_in_a_callout_in_a_list_item() {
    for body in ["- > [!note]{>>", "- > A quote {>>never closed.\n"] {
        let (message, at) = the_error(build_document(&document(body)));
        assert_eq!(
            (message.as_str(), at),
            (UNCLOSED_NOTE, Some((4, 1))),
            "{body:?}"
        );
    }
}

/// `critic.rs` `close_note` sliced the body's events from where the note opened in
/// the footnote definition's events ("range start index … out of range").
#[test]
fn a_note_left_open_in_a_footnote_definition() {
    let errors = errors_of(build_document(&document("[^1]:{>>\n\nu\n")));
    let found: Vec<(&str, Option<(usize, usize)>)> = errors
        .iter()
        .map(|d| (d.message.as_str(), d.line_col()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "footnote `[^1]` is defined but never referenced",
                Some((4, 1))
            ),
            (UNCLOSED_NOTE, Some((4, 1))),
        ]
    );
    let (message, _) = the_error(build_document(&document(
        "Text.[^1]\n\n[^1]: A note {>>never closed.\n\nThe next paragraph.\n",
    )));
    assert_eq!(message, UNCLOSED_NOTE);
}

/// The unclosed-note error points at the paragraph it is in…
#[test]
fn an_unclosed_note_is_reported_in_its_paragraph() {
    let (message, at) = the_error(build_document(&document(
        "One.\n\nTwo {>>never closed.\n\nThree.\n",
    )));
    assert_eq!((message.as_str(), at), (UNCLOSED_NOTE, Some((6, 1))));
}

/// …but in a footnote it points at the last citable block before the note
/// (`close_critic` in `src/parse/markdown/critic.rs` takes `blocks.last()`), here
/// `Text.[^1]` on line 4, not the definition on line 6.
#[test]
fn an_unclosed_note_in_a_footnote_is_reported_in_the_footnote() {
    let (message, at) = the_error(build_document(&document(
        "Text.[^1]\n\n[^1]: A note {>>never closed.\n\nThe next paragraph.\n",
    )));
    assert_eq!(message, UNCLOSED_NOTE);
    assert_eq!(
        at.map(|(line, _)| line),
        Some(6),
        "the line of `[^1]: A note {{>>`"
    );
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
    let site =
        check_and_build(&archive).unwrap_or_else(|failure| panic!("the build failed:\n{failure}"));
    let page = site.page("doc/index.html");
    let mention = page.one(".doc-body a.mention");
    assert_eq!(
        mention.value().attr("href"),
        Some("../entities/mahmud-ahmed/")
    );
    assert_eq!(common::text_of(mention), "Mahmud Ahmed");
    site.page("entities/mahmud-ahmed/index.html")
        .has_text(".kwic li", "¶ 1 Mahmud Ahmed’s men.")
        .has_text(".kwic li mark", "Mahmud Ahmed");
}

// Large inputs. Each prints its time; none asserts it, but each asserts that all
// of the input made it to the page.

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
    let site = timed("10 MB document", || builds(&document(&body)));
    assert_eq!(site.summary.documents, 2);
    // Counted in the source: parsing 10 MB of HTML would take longer than the build.
    assert_eq!(
        occurrences(&site, " data-n=\""),
        n,
        "a number (and so a ¶ link) per paragraph"
    );
    assert_eq!(occurrences(&site, "<span class=\"citation\">"), n);
    assert_eq!(occurrences(&site, "<mark class=\"ed-span\">"), n);
    assert_eq!(
        occurrences(&site, &format!("The US ambassador, note {n}.")),
        1,
        "the last paragraph's note"
    );
}

/// Every copy of a paragraph needs its own id, minted after colliding with every
/// earlier copy's: time grows with the square of the count (4,000 copies take ~2.3 s
/// in a debug build), so this stays at 1,000.
#[test]
fn a_thousand_identical_paragraphs_build() {
    let site = timed("1,000 identical paragraphs", || {
        builds(&document(&"The same words.\n\n".repeat(1_000)))
    });
    let page = site.page("doc/index.html");
    let paragraphs = page.select(".doc-body p[id]");
    assert_eq!(paragraphs.len(), 1_000);
    let ids: std::collections::BTreeSet<&str> = paragraphs
        .iter()
        .filter_map(|p| p.value().attr("id"))
        .collect();
    assert_eq!(ids.len(), 1_000, "each copy has an id of its own");
}

#[test]
fn a_hundred_thousand_word_paragraph_builds() {
    let words = [
        "Mahmud", "met", "Massoud", "and", "the", "ISI", "in", "Kabul",
    ];
    let paragraph: Vec<&str> = (0..100_000).map(|i| words[i % words.len()]).collect();
    let text = document(&format!("{}\n", paragraph.join(" ")));
    let site = timed("100,000-word paragraph", || builds(&text));
    let page = site.page("doc/index.html");
    page.count(".doc-body p[id]", 1);
    // Every eighth word is Mahmud and every eighth Massoud: 12,500 mentions of each.
    page.count(
        ".doc-body a.mention[href='../entities/mahmud-ahmed/']",
        12_500,
    )
    .count(
        ".doc-body a.mention[href='../entities/ahmad-shah-massoud/']",
        12_500,
    );
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
    let site = timed("10,000 footnotes", || builds(&document(&body)));
    let page = site.page("doc/index.html");
    page.count(".doc-body [role=doc-noteref]", 10_000)
        .count("section.footnotes li", 10_000)
        .count("section.footnotes li a.cite", 10_000);
    // Notes in order need no `value`: the list numbers them.
    page.count("section.footnotes li[value]", 0)
        .has_text(
            "section.footnotes li#fn-n9999:nth-child(10000) p",
            "Note 9999, citing [Associated Press, 6/9/2002]. ↩ back",
        )
        .has("#fn-n9999 a[role=doc-backlink][aria-label='Back to reference 10000']");
}

#[test]
fn a_list_nested_a_thousand_deep_builds() {
    let mut body = String::new();
    for depth in 0..1_000 {
        body.push_str(&" ".repeat(depth * 2));
        body.push_str(&format!("- item {depth} by Mahmud\n"));
    }
    let site = timed("list nested 1,000 deep", || builds(&document(&body)));
    let html = site.read("doc/index.html");
    // Counted in the source: an HTML parser stops nesting long before 1,000.
    let start = html.find("<div class=\"doc-body\">").expect("a body");
    let body = &html[start..start + html[start..].find("</div>").expect("closed")];
    assert_eq!(body.matches("<ul>").count(), 1_000, "one list per level");
    assert_eq!(body.matches("<li").count(), 1_000, "one item per level");
    assert_eq!(
        body.matches("<li id=").count(),
        1,
        "nested items are part of the top item's citable block"
    );
    assert_eq!(body.matches("by <a class=\"mention").count(), 1_000);
    assert_eq!(occurrences(&site, "item 999 by <a class=\"mention"), 1);
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
    let site = timed("5,000 headings", || builds(&text));
    site.page("doc/index.html")
        .count(".doc-body section.entry[data-date]", 5_000)
        .has_text("section.entry h2#entry-4999", "Entry 4999");
    // Each entry twice (its heading's date, and the year its paragraph names),
    // with the other document's one entry.
    site.page("timeline/index.html")
        .count(".timeline > li", 10_001)
        .count(".timeline > li.in-text", 5_000);
}

// Determinism.

/// Every file, byte for byte, and the same set of files: from one archive built
/// twice (the second build reading the lock the first wrote), and from a second copy
/// built from scratch, whose minted ids and lock must match the first's.
#[test]
fn two_builds_into_two_folders_are_byte_identical() {
    let text = document(
        "General Mahmud Ahmed met [Ahmed](@ahmad-shah-massoud) in 2001.[^1] \
         [see @coll-directorate-s, p. 62; @ap-2002-06-09]\n\n\
         {==Peter Gross==}{>>Porter Goss.<<} See [April 1999](other.md#known).\n\n\
         > [!pullquote]\n> Bravery without thinking.\n\n\
         [^1]: Massoud said so. [The words](@coll-directorate-s \"p. 28\")\n",
    );
    let archive = fixture(&text);
    let copy = fixture(&text);
    let first = archive.build_to(&archive.scratch("first"));
    let second = archive.build_to(&archive.scratch("second"));
    let elsewhere = copy.build();
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
    let reference = first.snapshot();
    assert_same_files(&reference, &second.snapshot());
    assert_same_files(&reference, &elsewhere.snapshot());
    let lock = |a: &Archive| std::fs::read(a.root().join(lectern::LOCK_FILE)).unwrap();
    assert_eq!(lock(&archive), lock(&copy), "the same ids are minted");
}
