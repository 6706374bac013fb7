//! The reading text of a document: what the fidelity test compares with the seeds.

use scraper::{ElementRef, Node};

/// Elements that separate words wherever they start or end.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Classes of elements the editor adds, which are not the document's text.
const EDITORIAL: &[&str] = &[
    "supplied",
    "editorial",
    "annotation",
    "visually-hidden",
    "doc-meta",
    "pilcrow",
    // Links lectern adds to other documents' passages.
    "related",
];

/// The text a reader reads in `element`, in document order, without what the editor
/// added (see `EDITORIAL`); block boundaries separate words, footnote references stay
/// attached to their word ("room.1"), and each note starts with its number ("1.").
pub fn reading_text(element: ElementRef<'_>) -> String {
    let mut text = String::new();
    collect(element, &mut text);
    text
}

fn skipped(element: ElementRef<'_>) -> bool {
    let e = element.value();
    let class = |c: &str| e.classes().any(|k| k == c);
    EDITORIAL.iter().any(|c| class(c))
        || e.attr("role") == Some("doc-backlink")
        || matches!(e.name(), "script" | "style" | "template")
        || (e.name() == "h1" && class("untitled"))
        || is_notes_heading(element)
}

/// The "Notes" heading of the footnotes section.
fn is_notes_heading(element: ElementRef<'_>) -> bool {
    matches!(
        element.value().name(),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
    ) && parent_element(element).is_some_and(|p| {
        p.value().name() == "section" && p.value().classes().any(|c| c == "footnotes")
    })
}

fn parent_element(element: ElementRef<'_>) -> Option<ElementRef<'_>> {
    element.parent().and_then(ElementRef::wrap)
}

/// The list marker of a note: its `value`, or its position in its `<ol>`.
fn note_number(item: ElementRef<'_>) -> Option<String> {
    if item.value().name() != "li" {
        return None;
    }
    let list = parent_element(item).filter(|l| l.value().name() == "ol")?;
    let in_notes =
        parent_element(list).is_some_and(|s| s.value().classes().any(|c| c == "footnotes"));
    if !in_notes {
        return None;
    }
    if let Some(value) = item.value().attr("value") {
        return Some(value.trim().to_string());
    }
    let start: usize = list
        .value()
        .attr("start")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let position = list
        .children()
        .filter_map(ElementRef::wrap)
        .position(|li| li.id() == item.id())
        .expect("the item is in its list");
    Some((start + position).to_string())
}

fn collect(element: ElementRef<'_>, out: &mut String) {
    if skipped(element) {
        return;
    }
    let block = BLOCKS.contains(&element.value().name());
    if block {
        out.push(' ');
    }
    if let Some(n) = note_number(element) {
        out.push_str(&format!("{n}. "));
    }
    for child in element.children() {
        match child.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(_) => collect(ElementRef::wrap(child).expect("an element"), out),
            _ => {}
        }
    }
    if block {
        out.push(' ');
    }
}
