//! The HTML a reader gets, as insta snapshots reviewed like code.
//!
//! `tests/fixtures/small-archive/` uses each piece of syntax once: a footnote, a
//! citation group, an editor's note, automatic and explicit mentions, a
//! cross-reference, an explicit id, a fenced code block, and a timeline with dated
//! headings; two entities with aliases and two BibTeX sources. Its `lectern.lock` is
//! the one the build writes, so ids are the same on every run; each test builds with
//! `--locked` to keep it so. A snapshot holds a page's `<main>` element as written,
//! with trailing spaces and runs of blank lines left by the templates removed.
//!
//! To review a change: `INSTA_UPDATE=always cargo test --test rendered` (or
//! `cargo insta review`), then read the diff of `tests/snapshots/`.

mod common;

use common::{Archive, Site};
use insta::assert_snapshot;

fn build() -> Site {
    Archive::from_dir(common::repository_root().join("tests/fixtures/small-archive")).build_locked()
}

/// The `<main>` element of `page`, from its opening tag to its closing one.
fn main_of(site: &Site, page: &str) -> String {
    let html = site.read(page);
    let start = html
        .find("<main")
        .unwrap_or_else(|| panic!("{page} has no <main>"));
    let end = html[start..]
        .find("</main>")
        .map(|i| start + i + "</main>".len())
        .unwrap_or_else(|| panic!("{page}: <main> is never closed"));
    let mut lines: Vec<&str> = Vec::new();
    for line in html[start..end].lines().map(str::trim_end) {
        if !(line.is_empty() && lines.last().is_some_and(|l| l.is_empty())) {
            lines.push(line);
        }
    }
    let main = lines.join("\n");
    let out = site.out().to_string_lossy();
    assert!(
        !main.contains(out.as_ref()),
        "{page} names the output folder"
    );
    main
}

#[test]
fn a_document_with_every_kind_of_reference() {
    assert_snapshot!("report", main_of(&build(), "report/index.html"));
}

#[test]
fn a_timeline_document() {
    assert_snapshot!("chronology", main_of(&build(), "chronology/index.html"));
}

#[test]
fn an_entity_page() {
    assert_snapshot!(
        "entity_mahmud_ahmed",
        main_of(&build(), "entities/mahmud-ahmed/index.html")
    );
}

#[test]
fn a_source_page() {
    assert_snapshot!(
        "source_coll_directorate_s",
        main_of(&build(), "sources/coll-directorate-s/index.html")
    );
}
