use super::*;

fn walk_str(body: &str) -> (Walked, String) {
    let source: Arc<str> = Arc::from(body);
    let (entities, _) = Registry::new(&[]);
    let sources = Bibliography::new(&[]);
    let walked = walk(
        Path::new("t.md"),
        &source,
        0,
        &Lookup {
            entities: &entities,
            sources: &sources,
        },
    );
    let ids: Vec<String> = (0..walked.blocks.len()).map(|i| format!("b{i}")).collect();
    let numbers: Vec<Option<usize>> = (0..walked.blocks.len()).map(|i| Some(i + 1)).collect();
    let html = walked.finish(&ids, &numbers);
    (walked, html)
}

#[test]
fn paragraphs_and_headings_become_blocks() {
    let (w, html) = walk_str("## Much in Common {#much}\n\nOne *two*.\n\nThree `x`.\n");
    assert_eq!(w.blocks.len(), 3);
    assert_eq!(w.blocks[0].explicit.as_deref(), Some("much"));
    assert_eq!(w.blocks[1].text, "One two.");
    assert!(
        html.contains("<h2 id=\"b0\">Much in Common<a class=\"pilcrow\" href=\"#b0\""),
        "{html}"
    );
    assert!(
        html.contains("<p id=\"b1\" data-n=\"2\">One <em>two</em>."),
        "{html}"
    );
}

#[test]
fn explicit_paragraph_id_is_taken_out_of_the_text() {
    let (w, html) = walk_str("Some text. {#kept-id}\n");
    assert_eq!(w.blocks[0].explicit.as_deref(), Some("kept-id"));
    assert_eq!(w.blocks[0].text, "Some text.");
    assert!(!html.contains("{#"), "{html}");
}

#[test]
fn callouts_drop_their_marker() {
    let (w, html) = walk_str("> [!pullquote]\n> Bravery.\n\n> [!figure]\n> Caption\n> Credit\n");
    assert!(
        html.contains("<aside class=\"pullquote\">\n<p>Bravery.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<figure class=\"figure\"><figcaption>\n<p id=\"b0\""),
        "{html}"
    );
    assert!(!html.contains("[!"), "{html}");
    assert_eq!(w.blocks.len(), 1, "pull quotes are not citable");
    assert_eq!(w.blocks[0].text, "Caption Credit");
}

#[test]
fn unknown_callout_is_reported_with_a_suggestion() {
    let (w, _) = walk_str("> [!pulquote]\n> X\n");
    assert_eq!(w.diagnostics[0].message, "unknown callout `[!pulquote]`");
    assert_eq!(
        w.diagnostics[0].help.as_deref(),
        Some("did you mean `[!pullquote]`?")
    );
}

#[test]
fn footnotes_link_both_ways() {
    let (w, html) = walk_str("A.[^n] B.[^n]\n\n[^n]: The note.\n");
    assert!(
        html.contains("<a id=\"fnref-n\" href=\"#fn-n\" role=\"doc-noteref\">1</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a id=\"fnref-n-2\" href=\"#fn-n\""),
        "{html}"
    );
    assert_eq!(w.footnotes[0].references, ["fnref-n", "fnref-n-2"]);
    assert_eq!(w.footnotes[0].html, "<p>The note.</p>\n");
    assert!(!html.contains("The note"), "definitions leave the flow");
}

#[test]
fn footnote_errors() {
    let (w, _) = walk_str("A.[^1] B.[^2]\n\n[^1]: One.\n\n[^3]: Three.\n");
    let messages: Vec<&str> = w.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"footnote `[^2]` is referenced but never defined"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"footnote `[^3]` is defined but never referenced"),
        "{messages:?}"
    );
}

#[test]
fn links_to_documents_are_rewritten() {
    let (w, html) =
        walk_str("See [April](khaksar-timeline.md#april-1999) and [x](https://a.org/b.md).\n");
    assert!(
        html.contains("href=\"../khaksar-timeline/#april-1999\""),
        "{html}"
    );
    assert!(html.contains("href=\"https://a.org/b.md\""), "{html}");
    assert_eq!(w.links.len(), 1);
    assert_eq!(w.links[0].anchor.as_deref(), Some("april-1999"));
}

#[test]
fn heading_dates_and_classes() {
    let (w, html) =
        walk_str("## April 1999 {#april-1999 .supplied date=1999-04}\n\n## X {date=1999-13}\n");
    let info = w.blocks[0].heading.as_ref().unwrap();
    assert_eq!(info.date.unwrap().to_string(), "1999-04");
    assert!(
        html.starts_with(
            "<section class=\"entry\" aria-labelledby=\"b0\" data-date=\"1999-04\">\n<h2"
        ),
        "{html}"
    );
    assert_eq!(html.matches("</section>").count(), 1, "{html}");
    assert!(
        html.contains("<h2 id=\"b0\" class=\"supplied\">April 1999"),
        "{html}"
    );
    assert!(
        w.diagnostics[0].message.contains("invalid month"),
        "{}",
        w.diagnostics[0].message
    );
}

#[test]
fn list_items_and_tables_are_blocks() {
    let (w, html) = walk_str("- one\n- two\n\n| a |\n|---|\n| b |\n");
    let kinds: Vec<BlockKind> = w.blocks.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [BlockKind::Item, BlockKind::Item, BlockKind::Table]);
    assert!(
        html.contains("<li id=\"b0\" data-n=\"1\">one<a class=\"pilcrow\""),
        "{html}"
    );
    assert!(html.contains("<div class=\"table\" id=\"b2\""), "{html}");
    assert_eq!(w.blocks[2].text, "a b");
}

#[test]
fn code_is_highlighted_and_not_citable_text() {
    let (_, html) = walk_str("```rust\nfn main() {}\n```\n");
    assert!(html.contains("hl-rust"), "{html}");
}
