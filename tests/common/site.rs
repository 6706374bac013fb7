//! A built site: its files, and its pages parsed for CSS selectors.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lectern::BuildSummary;
use scraper::{ElementRef, Html, Selector};

use super::{Workspace, files_under};

/// A built site.
pub struct Site {
    pub(super) _dir: Arc<Workspace>,
    pub(super) out: PathBuf,
    pub summary: BuildSummary,
}

impl Site {
    pub fn out(&self) -> &Path {
        &self.out
    }

    pub fn exists(&self, path: &str) -> bool {
        self.out.join(path).exists()
    }

    pub fn bytes(&self, path: &str) -> Vec<u8> {
        fs::read(self.out.join(path)).unwrap_or_else(|e| {
            panic!(
                "{path} is not in the output ({e}); it has:\n{}",
                self.listing()
            )
        })
    }

    pub fn read(&self, path: &str) -> String {
        String::from_utf8(self.bytes(path)).unwrap_or_else(|_| panic!("{path} is not UTF-8"))
    }

    /// The HTML page at `path`, parsed.
    pub fn page(&self, path: &str) -> Page {
        Page::parse(path, self.read(path))
    }

    /// Every file of the output, relative to it, sorted.
    pub fn files(&self) -> Vec<String> {
        files_under(&self.out)
    }

    /// Every `.html` page of the output, parsed.
    pub fn pages(&self) -> Vec<Page> {
        self.files()
            .into_iter()
            .filter(|f| f.ends_with(".html"))
            .map(|f| self.page(&f))
            .collect()
    }

    /// Every file's bytes, to compare whole outputs.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.out)
    }

    fn listing(&self) -> String {
        self.files().join("\n")
    }
}

/// Every file under `dir` with its bytes, keyed by path relative to `dir`.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|f| {
            let bytes = fs::read(dir.join(&f)).expect("read an output file");
            (f, bytes)
        })
        .collect()
}

/// Asserts two snapshots are identical, naming the files that differ.
pub fn assert_same_files(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) {
    let names = |s: &BTreeMap<String, Vec<u8>>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(before), names(after), "the sets of files differ");
    let changed: Vec<&String> = before
        .iter()
        .filter(|(name, bytes)| after.get(*name) != Some(bytes))
        .map(|(name, _)| name)
        .collect();
    if let Some(first) = changed.first() {
        let lines = |s: &BTreeMap<String, Vec<u8>>| {
            String::from_utf8_lossy(&s[*first])
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let (a, b) = (lines(before), lines(after));
        let at = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        panic!(
            "{} files differ: {changed:?}\nfirst difference, {first} line {}:\n  - {}\n  + {}",
            changed.len(),
            at + 1,
            a.get(at).map_or("(end)", String::as_str),
            b.get(at).map_or("(end)", String::as_str),
        );
    }
}

/// A parsed HTML page.
pub struct Page {
    /// Relative to the output root, e.g. `khaksar-timeline/index.html`.
    pub path: String,
    pub source: String,
    pub html: Html,
}

impl Page {
    pub fn parse(path: &str, source: String) -> Page {
        Page {
            path: path.to_string(),
            html: Html::parse_document(&source),
            source,
        }
    }

    /// Every element matching `css`, in document order.
    pub fn select(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.html.select(&selector(css)).collect()
    }

    /// The one element matching `css`; panics if there are none or several.
    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.select(css);
        assert_eq!(
            found.len(),
            1,
            "{}: expected exactly one `{css}`, found {}",
            self.path,
            found.len()
        );
        found[0]
    }

    /// The text of every element matching `css`, whitespace collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.select(css).into_iter().map(text_of).collect()
    }

    /// The text of the one element matching `css`, whitespace collapsed.
    pub fn text(&self, css: &str) -> String {
        text_of(self.one(css))
    }

    /// Asserts that `css` matches exactly `n` elements.
    pub fn count(&self, css: &str, n: usize) -> &Page {
        let found = self.select(css).len();
        assert_eq!(
            found, n,
            "{}: expected {n} of `{css}`, found {found}",
            self.path
        );
        self
    }

    /// Asserts that `css` matches at least one element.
    pub fn has(&self, css: &str) -> &Page {
        assert!(
            !self.select(css).is_empty(),
            "{}: nothing matches `{css}`",
            self.path
        );
        self
    }

    /// Asserts that the one element matching `css` has exactly the text `expected`.
    pub fn has_text(&self, css: &str, expected: &str) -> &Page {
        assert_eq!(self.text(css), expected, "{}: text of `{css}`", self.path);
        self
    }

    /// Asserts the page's HTML source contains `needle`.
    pub fn contains(&self, needle: &str) -> &Page {
        assert!(
            self.source.contains(needle),
            "{}: the HTML lacks {needle:?}",
            self.path
        );
        self
    }

    /// Every `id` on the page, in document order.
    pub fn ids(&self) -> Vec<String> {
        self.select("[id]")
            .into_iter()
            .filter_map(|e| e.value().attr("id").map(str::to_string))
            .collect()
    }
}

pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector `{css}`: {e:?}"))
}

/// An element's text with runs of whitespace collapsed to one space, trimmed.
pub fn text_of(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
