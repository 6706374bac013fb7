use super::*;

fn walk_str(body: &str) -> (Walk, String) {
    walk_with(body, &[], &[])
}

/// What a walk found, and its footnotes and notes as render writes them.
struct Walk {
    walked: Walked,
    footnote_html: Vec<String>,
    note_html: Vec<String>,
}

impl std::ops::Deref for Walk {
    type Target = Walked;
    fn deref(&self) -> &Walked {
        &self.walked
    }
}

/// Walks `body` against a registry and bibliography, then renders it as the page
/// of document `t`; blocks get ids `b0`, `b1`…
fn walk_with(
    body: &str,
    entities: &[crate::load::EntitySource],
    sources: &[crate::load::sources::Source],
) -> (Walk, String) {
    let source: Arc<str> = Arc::from(body);
    let (registry, _) = Registry::new(entities);
    let bibliography = Bibliography::new(sources);
    let walked = walk(
        Path::new("t.md"),
        &source,
        0..source.len(),
        &Lookup {
            entities: &registry,
            sources: &bibliography,
        },
    );
    let ids: Vec<String> = (0..walked.blocks.len()).map(|i| format!("b{i}")).collect();
    let file = crate::load::SourceFile {
        path: "t.md".into(),
        text: Arc::clone(&source),
    };
    let (text, _) = crate::parse::assemble(walked.clone(), ids, true, &file);
    let (html, footnotes, notes) = crate::render::body::render_for_test(&text, entities, sources);
    (
        Walk {
            walked,
            footnote_html: footnotes,
            note_html: notes,
        },
        html,
    )
}

#[test]
fn paragraphs_and_headings_become_blocks() {
    let (w, html) = walk_str("## Much in Common {#much}\n\nOne *two*.\n\nThree `x`.\n");
    assert_eq!(w.blocks.len(), 3);
    assert_eq!(w.blocks[0].explicit.as_deref(), Some("much"));
    assert_eq!(w.blocks[1].text, "One two.");
    assert!(html.contains("<h2 id=\"b0\">Much in Common</h2>"), "{html}");
    assert!(
        html.contains("<p id=\"b1\" data-n=\"1\">One <em>two</em>."),
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
    assert_eq!(w.footnote_html[0], "<p>The note.</p>\n");
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
        html.contains("<li id=\"b0\" data-n=\"1\">one</li>"),
        "{html}"
    );
    assert!(html.contains("<div class=\"table\" id=\"b2\""), "{html}");
    assert_eq!(w.blocks[2].text, "a b");
}

#[test]
fn code_is_highlighted_and_not_citable_text() {
    let (_, html) = walk_str("```rust\nfn main() {}\n```\n");
    assert!(
        html.contains("<span class=\"hl-keyword\">fn</span>"),
        "{html}"
    );
}

fn registry() -> Vec<crate::load::EntitySource> {
    use crate::parse::mentions::test_entity;
    vec![
        test_entity("haqqani-network", "Haqqani Network", &[], &["Haqqani"]),
        test_entity(
            "jalaluddin-haqqani",
            "Jalaluddin Haqqani",
            &[],
            &["Haqqani"],
        ),
        test_entity("mullah-omar", "Mullah Omar", &["Mullar Omar", "Omar"], &[]),
    ]
}

fn bibliography() -> Vec<crate::load::sources::Source> {
    let text: Arc<str> = Arc::from(
        "@book{gannon-2005, author = {Gannon, Kathy}, year = {2005}}\n@article{ap-2002-06-09, journal = {Associated Press}, shorthand = {Associated Press, 6/9/2002}}\n",
    );
    crate::load::sources::parse_bib(Path::new("s.bib"), &text).unwrap()
}

#[test]
fn mentions_link_with_preview_data_and_record_their_place() {
    let (w, html) = walk_with(
        "Mullar Omar met [Haqqani](@jalaluddin-haqqani). `Omar` [Omar](https://x.org)\n",
        &registry(),
        &[],
    );
    // The first mention in a section is marked, with its kind; the preview record
    // is shared, not repeated, and found from the link.
    assert!(
        html.contains("<a class=\"mention first kind-person\" href=\"../entities/mullah-omar/\">"),
        "{html}"
    );
    assert!(!html.contains("data-summary"), "{html}");
    assert!(
        html.contains("href=\"../entities/jalaluddin-haqqani/\""),
        "{html}"
    );
    assert!(
        html.contains("<code>Omar</code>"),
        "never inside code: {html}"
    );
    assert!(
        html.contains("<a href=\"https://x.org\">Omar</a>"),
        "never inside links: {html}"
    );
    let found: Vec<(usize, usize, usize)> = w
        .mentions
        .iter()
        .map(|m| (m.entity, m.position, m.len))
        .collect();
    assert_eq!(found, [(2, 0, 11), (1, 16, 7)]);
    assert!(
        w.diagnostics.is_empty(),
        "explicit mention resolves the ambiguity"
    );
}

#[test]
fn ambiguous_and_unknown_mentions_are_reported() {
    let (w, html) = walk_with("Haqqani and [him](@jalaludin-haqqani).\n", &registry(), &[]);
    assert!(!html.contains("class=\"mention\""), "{html}");
    assert_eq!(
        w.diagnostics[0].message,
        "ambiguous mention `Haqqani`: haqqani-network, jalaluddin-haqqani"
    );
    assert_eq!(
        w.diagnostics[1].message,
        "unknown entity `@jalaludin-haqqani`"
    );
    assert_eq!(
        w.diagnostics[1].help.as_deref(),
        Some("did you mean `@jalaluddin-haqqani`?")
    );
}

#[test]
fn citation_groups_render_as_printed() {
    let (w, html) = walk_with(
        "It came from Pakistan. [@ap-2002-06-09; @gannon-2005, pp. 161]\n",
        &[],
        &bibliography(),
    );
    assert!(html.contains("<span class=\"citation\">[<a class=\"cite\" href=\"../sources/ap-2002-06-09/\">Associated Press, 6/9/2002</a>; <a class=\"cite\" href=\"../sources/gannon-2005/\">Gannon, 2005</a>, pp. 161]</span>"), "{html}");
    assert_eq!(
        w.blocks[0].text,
        "It came from Pakistan. [Associated Press, 6/9/2002; Gannon, 2005, pp. 161]"
    );
    assert_eq!(w.citations.len(), 2);
    assert_eq!(w.citations[1].locator.as_deref(), Some("pp. 161"));
}

#[test]
fn own_words_citations_and_unknown_keys() {
    let (w, html) = walk_with(
        "A.[^1] [@gannon-2006]\n\n[^1]: [Gannon’s book (pp 1)](@gannon-2005 \"p. 1\")\n",
        &[],
        &bibliography(),
    );
    assert!(w.footnote_html[0].contains("<a class=\"cite\" href=\"../sources/gannon-2005/\" data-locator=\"p. 1\">Gannon’s book (pp 1)</a>"), "{:?}", w.footnote_html[0]);
    assert!(matches!(w.citations[0].place, Place::Footnote(ref l) if l == "1"));
    assert_eq!(
        w.diagnostics[0].message,
        "unknown citation key `@gannon-2006`"
    );
    assert_eq!(
        w.diagnostics[0].help.as_deref(),
        Some("did you mean `@gannon-2005`?")
    );
    assert!(html.contains("@gannon-2006"), "{html}");
}

#[test]
fn criticmarkup_notes_stay_out_of_the_text() {
    let (w, html) = walk_with(
        "Representative {==Peter Gross==}{>>Porter *Goss*.<<} spoke. {>>Context.<<}\n",
        &[],
        &[],
    );
    assert!(html.contains("<mark class=\"ed-span\">Peter Gross</mark><span class=\"editorial ed-note\" id=\"ed-1\" role=\"note\">"), "{html}");
    assert!(html.contains("Porter <em>Goss</em>."), "{html}");
    assert_eq!(w.blocks[0].text, "Representative Peter Gross spoke.");
    assert_eq!(w.annotations.len(), 2);
    assert_eq!(w.annotations[0].span.as_deref(), Some("Peter Gross"));
    assert_eq!(w.note_html[0], "Porter <em>Goss</em>.");
    assert_eq!(w.annotations[1].span, None);
}

#[test]
fn unbalanced_criticmarkup_is_an_error_and_html_stays_balanced() {
    let (w, html) = walk_with("One {>>open note\n\nTwo ==} x\n", &[], &[]);
    let messages: Vec<&str> = w.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"unclosed CriticMarkup `{>>` in this paragraph"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"unbalanced CriticMarkup: `==}` closes no highlight"),
        "{messages:?}"
    );
    assert_eq!(
        html.matches("<span").count(),
        html.matches("</span>").count(),
        "{html}"
    );
}

#[test]
fn a_note_left_open_in_a_footnote_does_not_leak_or_panic() {
    // Found by the fuzzer: a note opened in a footnote and never closed there.
    let (w, html) = walk_str("One.[^1]\n\n[^1]: A note {>>left open\n\nNext paragraph.\n");
    let messages: Vec<&str> = w.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"unclosed CriticMarkup `{>>` in this paragraph"),
        "{messages:?}"
    );
    assert_eq!(
        w.footnote_html[0].matches("<span").count(),
        w.footnote_html[0].matches("</span>").count()
    );
    assert!(
        html.contains("<p id=\"b1\" data-n=\"2\">Next paragraph."),
        "{html}"
    );
}
