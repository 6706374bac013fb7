//! Small archives written inline, each about one behaviour: the errors an editor
//! gets (with file, line and a way to fix it), Markdown features, templates and static
//! files, what the output folder may be, atomic and deterministic builds, and the CLI.

mod common;

use std::path::Path;

use common::{Archive, assert_same_files, lectern, snapshot};
use lectern::diagnostics::Failure;

const DOC: &str = "+++\ntitle = \"A document\"\n+++\n\nThe first paragraph.\n";

/// The failure as the terminal shows it, for assertions on the whole report.
fn report(failure: &Failure) -> String {
    failure.to_string()
}

fn assert_reports(failure: &Failure, needles: &[&str]) {
    let text = report(failure);
    for needle in needles {
        assert!(
            text.contains(needle),
            "the report lacks {needle:?}:\n{text}"
        );
    }
}

// Errors.

#[test]
fn an_archive_without_site_toml_fails_naming_it() {
    let failure = Archive::new().document("a", DOC).build_err();
    assert_eq!(failure.0.len(), 1, "{}", report(&failure));
    assert!(failure.0[0].is_error());
    assert_reports(&failure, &["site.toml"]);
    let help = failure.0[0].help.as_deref().unwrap_or("");
    assert!(
        help.contains("site.toml"),
        "the help says what to create: {help:?}"
    );
}

#[test]
fn an_unknown_site_toml_key_names_the_line_and_the_right_key() {
    let failure = Archive::new()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://x.org/\"\noutput_directory = \"out\"\n",
        )
        .document("a", DOC)
        .build_err();
    let error = &failure.0[0];
    assert_eq!(error.path, Path::new("site.toml"));
    assert_eq!(error.line_col(), Some((3, 1)));
    assert_eq!(error.help.as_deref(), Some("did you mean `output_dir`?"));
}

#[test]
fn an_unknown_front_matter_key_names_file_line_and_the_right_key() {
    let failure = Archive::with_site()
        .document("a", "+++\ntitle = \"A\"\nsubtitel = \"B\"\n+++\n\nText.\n")
        .build_err();
    let error = &failure.0[0];
    assert_eq!(error.path, Path::new("content/documents/a.md"));
    assert_eq!(error.line_col(), Some((3, 1)), "the line of `subtitel`");
    assert!(error.message.contains("subtitel"), "{}", error.message);
    assert_eq!(error.help.as_deref(), Some("did you mean `subtitle`?"));
    assert_reports(
        &failure,
        &["content/documents/a.md:3:1", "did you mean `subtitle`?"],
    );
}

#[test]
fn front_matter_without_its_closing_fence_is_explained() {
    let failure = Archive::with_site()
        .document(
            "a",
            "+++\ntitle = \"A\"\n\nText that never ends the front matter.\n",
        )
        .build_err();
    let error = &failure.0[0];
    assert_eq!(error.path, Path::new("content/documents/a.md"));
    assert_eq!(error.line_col(), Some((1, 1)));
    assert!(error.message.contains("never closed"), "{}", error.message);
    assert!(error.help.as_deref().unwrap_or("").contains("`+++`"));
}

#[test]
fn a_reference_to_an_undefined_footnote_is_an_error() {
    let failure = Archive::with_site()
        .document("a", "+++\n+++\n\nOne.[^1] Two.[^2]\n\n[^1]: Defined.\n")
        .build_err();
    let error = &failure.0[0];
    assert_eq!(
        failure.0.iter().filter(|d| d.is_error()).count(),
        1,
        "{}",
        report(&failure)
    );
    assert_eq!(error.path, Path::new("content/documents/a.md"));
    assert_eq!(
        error.message,
        "footnote `[^2]` is referenced but never defined"
    );
    assert_eq!(error.line_col(), Some((4, 14)), "points at `[^2]`");
}

#[test]
fn an_unreferenced_footnote_definition_is_an_error() {
    let failure = Archive::with_site()
        .document(
            "a",
            "+++\n+++\n\nOne.[^1]\n\n[^1]: Used.\n\n[^spare]: Never used.\n",
        )
        .build_err();
    let error = &failure.0[0];
    assert_eq!(
        failure.0.iter().filter(|d| d.is_error()).count(),
        1,
        "{}",
        report(&failure)
    );
    assert_eq!(
        error.message,
        "footnote `[^spare]` is defined but never referenced"
    );
    assert_eq!(error.line_col(), Some((8, 1)));
}

#[test]
fn a_link_to_a_missing_anchor_names_the_anchor() {
    let failure = Archive::with_site()
        .document("a", "+++\n+++\n\nSee [there](other.md#missing).\n")
        .document("other", "+++\n+++\n\n## Present {#present}\n\nText.\n")
        .build_err();
    let error = &failure.0[0];
    assert_eq!(error.path, Path::new("content/documents/a.md"));
    assert!(error.message.contains("#missing"), "{}", error.message);
    assert!(error.message.contains("other.md"), "{}", error.message);
    assert_eq!(error.line_col().map(|(line, _)| line), Some(4));
}

#[test]
fn an_explicit_id_may_not_take_a_footnote_id() {
    // `{#fn-1}` would put two `id="fn-1"` on the page, and reference 1 would land on
    // the heading instead of its note.
    let failure = Archive::with_site()
        .document(
            "a",
            "+++\n+++\n\nText.[^1]\n\n## Sources {#fn-1}\n\n[^1]: The note.\n",
        )
        .build_err();
    let error = &failure.0[0];
    assert_eq!(error.path, Path::new("content/documents/a.md"));
    assert!(error.message.contains("fn-1"), "{}", error.message);
    assert_eq!(error.line_col().map(|(line, _)| line), Some(6));
}

#[test]
fn all_problems_are_reported_together() {
    let failure = Archive::with_site()
        .document("a", "+++\ntitel = \"A\"\n+++\n")
        .document("b", "+++\nsumary = \"B\"\n+++\n")
        .build_err();
    let paths: Vec<_> = failure.0.iter().map(|d| d.path.clone()).collect();
    assert_eq!(
        paths,
        [
            Path::new("content/documents/a.md"),
            Path::new("content/documents/b.md")
        ]
    );
}

// Markdown.

#[test]
fn only_pages_showing_highlighted_code_link_the_syntax_stylesheet() {
    let note = "+++\n+++\n\nSee the note.[^1]\n\n[^1]: Written so:\n\n    ```rust\n    fn main() {}\n    ```\n";
    let plain = "+++\n+++\n\nNo code.\n\n```\nplain, no language\n```\n";
    let site = Archive::with_site()
        .document("note", note)
        .document("plain", plain)
        .build();
    let syntax = "link[rel=stylesheet][href='../syntax.css']";
    site.page("note/index.html")
        .has("section.footnotes pre.hl-code")
        .count(syntax, 1);
    // Code shown plain needs no syntax colours.
    site.page("plain/index.html")
        .has("pre.code")
        .count(syntax, 0);
}

#[test]
fn fenced_rust_is_highlighted_with_classes() {
    let code = "fn main() {\n    let x = \"<b>\";\n}\n";
    let archive =
        Archive::with_site().document("a", &format!("+++\n+++\n\nCode:\n\n```rust\n{code}```\n"));
    let site = archive.build();
    let page = site.page("a/index.html");
    page.has("pre.hl-code code span.hl-keyword");
    let classes: Vec<String> = page
        .select("pre code span[class]")
        .iter()
        .flat_map(|s| s.value().classes().map(str::to_string).collect::<Vec<_>>())
        .collect();
    assert!(classes.iter().all(|c| c.starts_with("hl-")), "{classes:?}");
    assert!(
        classes.iter().any(|c| c == "hl-keyword"),
        "`fn` and `let` are marked: {classes:?}"
    );
    let shown: String = page.one("pre code").text().collect();
    assert_eq!(shown, code, "the code reads as written, escaped");
    assert!(site.read("syntax.css").contains(".hl-code .hl-keyword"));
    page.has("link[rel=stylesheet][href='../syntax.css']");
    // Code is not citable: the paragraph before it has an id and a number (the
    // script hangs its ¶ link on them); the code block has neither, and the lock
    // records only the paragraph.
    page.has_text(".doc-body p[id][data-n='1']", "Code:")
        .count(".doc-body [data-n]", 1)
        .count("pre[id], pre[data-n], pre code[id], pre code[data-n]", 0);
    let lock = std::fs::read_to_string(archive.root().join(lectern::LOCK_FILE)).unwrap();
    let lock = lectern::ids::Lock::parse(&lock).unwrap();
    let texts: Vec<&str> = lock.documents["a"]
        .blocks
        .iter()
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(texts, ["code"]);
}

#[test]
fn escaped_footnote_syntax_is_literal_text() {
    // Faithful text may contain a literal `[^1]`; escaped, it is not a reference.
    let site = Archive::with_site()
        .document("a", "+++\n+++\n\nThe page prints \\[^1\\] as it is.\n")
        .build();
    site.page("a/index.html")
        .has_text(".doc-body p", "The page prints [^1] as it is.")
        .count("[role=doc-noteref]", 0);
}

// Templates and static files.

#[test]
fn an_archive_without_templates_uses_the_built_in_ones() {
    let archive = Archive::with_site().document("a", DOC);
    assert!(!archive.root().join("templates").exists());
    let site = archive.build();
    site.page("a/index.html")
        .has_text("article.document h1", "A document")
        .has("script[src='../lectern.js']")
        .has("link[rel=stylesheet][href='../style.css']");
    site.page("index.html").has("a[href='a/']");
    site.page("404.html").count("h1", 1);
    assert!(
        site.read("style.css").len() > 100,
        "the built-in stylesheet is written"
    );
}

#[test]
fn an_archive_template_overrides_its_built_in_and_the_rest_fall_back() {
    // Tera 2 wants every block a child fills to exist in its parent, so an archive's
    // base.html declares the blocks the built-in pages fill.
    let base = "<!DOCTYPE html>\n<html><head><title>{% block title %}{% endblock title %}</title>\
                <meta name=\"description\" content=\"{% block description %}{% endblock description %}\">\
                {% block head %}{% endblock head %}</head>\
                <body class=\"custom-base {% block body_class %}{% endblock body_class %}\">\
                {% block content %}{% endblock content %}</body></html>\n";
    let site = Archive::with_site()
        .document("a", DOC)
        .file("templates/base.html", base)
        .build();
    let page = site.page("a/index.html");
    // The built-in document.html extends the archive's base.html.
    page.count("body.custom-base.document", 1)
        .has_text("article.document h1", "A document")
        .count("header.site-header", 0);
    site.page("index.html")
        .count("body.custom-base", 1)
        .has("a[href='a/']");
}

#[test]
fn an_archive_partial_is_included_by_the_built_in_pages() {
    let site = Archive::from_dir(common::repository_root().join("tests/fixtures/partial-override"))
        .build();
    site.page("a/index.html")
        .has_text("nav.archive-nav a", "Home of Partial override")
        .has("nav.archive-nav a[href='../']")
        .count("header.site-header", 1)
        .has_text("article.document h1", "Only the navigation changes");
    site.page("index.html").has("nav.archive-nav a[href='']");
}

#[test]
fn static_files_are_copied_as_they_are() {
    let image: Vec<u8> = (0..=255).collect();
    let site = Archive::with_site()
        .document("a", DOC)
        .file("static/robots.txt", "User-agent: *\n")
        .file("static/img/plate.png", &image)
        .file("static/style.css", "body { color: teal }\n")
        .build();
    assert_eq!(site.read("robots.txt"), "User-agent: *\n");
    assert_eq!(site.bytes("img/plate.png"), image);
    assert_eq!(
        site.read("style.css"),
        "body { color: teal }\n",
        "the archive's own wins"
    );
}

// The output folder.

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let archive = Archive::with_site()
        .document("a", DOC)
        .document("b", "+++\n+++\n\nNotes.[^1]\n\n[^1]: A note.\n");
    let site = archive.build();
    let before = site.snapshot();
    assert!(before.contains_key("a/index.html"));

    // A content error, found before anything is written.
    archive.write("content/documents/a.md", "+++\ntitel = \"A\"\n+++\n");
    archive.build_err();
    assert_same_files(&before, &snapshot(site.out()));

    // A template error, found while rendering.
    archive.write("content/documents/a.md", DOC);
    archive.write("templates/document.html", "{% if %}broken{% endif %}\n");
    archive.build_err();
    assert_same_files(&before, &snapshot(site.out()));
    let leftovers: Vec<_> = std::fs::read_dir(site.out().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("lectern-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let shared = common::repository_site();
    let archive = Archive::repository();
    let b = archive.build();
    let again = archive.build_to(&archive.scratch("again"));
    assert!(shared.files().len() > 5);
    assert_same_files(&shared.snapshot(), &b.snapshot());
    assert_same_files(&shared.snapshot(), &again.snapshot());
}

#[test]
fn the_output_folder_may_not_be_the_archive_or_its_sources() {
    let archive = Archive::with_site()
        .document("a", DOC)
        .file("static/x.txt", "x");
    let root = archive.root().to_path_buf();
    let sources_before = snapshot(&root);
    for (out, why) in [
        (root.clone(), "contains the archive"),
        (root.join("content"), "content/"),
        (root.join("content/documents"), "content/"),
        (root.join("static"), "static/"),
        (root.join("templates"), "templates/"),
    ] {
        let failure = archive
            .try_build_to(&out)
            .map(|_| ())
            .expect_err(&format!("building into {} must fail", out.display()));
        assert_reports(&failure, &[why]);
    }
    assert_same_files(&sources_before, &snapshot(&root));
}

#[test]
fn a_site_under_a_sub_path_links_relatively() {
    let site = Archive::new()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/archive/\"\n",
        )
        .document(
            "a",
            "+++\n+++\n\nSee [b](b.md#here). Note.[^n]\n\n[^n]: N.\n",
        )
        .document("b", "+++\n+++\n\nHere. {#here}\n")
        .build();
    site.page("a/index.html")
        .has("a[href='../b/#here']")
        .has("link[rel=canonical][href='https://example.org/archive/a/']");
    let broken = site.broken_links("/archive/");
    assert!(broken.is_empty(), "{broken:#?}");
    for (page, element, value) in site.links() {
        if page != "404.html" && !element.contains("canonical") {
            assert!(
                !value.starts_with('/') && !value.contains("://"),
                "{page}: {element}"
            );
        }
    }
}

// The command line.

#[test]
fn help_describes_every_subcommand_and_option() {
    lectern(&["--help"])
        .success()
        .stdout_has("build")
        .stdout_has("serve")
        .stdout_has("check")
        .stdout_has("init");
    lectern(&["build", "--help"])
        .success()
        .stdout_has("--root")
        .stdout_has("--out")
        .stdout_has("--locked")
        .stdout_has("--force");
    lectern(&["serve", "--help"])
        .success()
        .stdout_has("--root")
        .stdout_has("--port");
    lectern(&["check", "--help"])
        .success()
        .stdout_has("--root")
        .stdout_has("--site")
        .stdout_has("--base-path");
    lectern(&["init", "--help"]).success().stdout_has("<DIR>");
}

#[test]
fn a_failed_build_exits_non_zero_and_says_why() {
    let archive = Archive::with_site().document("a", "+++\ntitel = \"A\"\n+++\n");
    archive
        .run(&["build"])
        .failure()
        .stderr_has("content/documents/a.md")
        .stderr_has("did you mean `title`?");
    assert!(
        !archive.root().join("public").exists(),
        "nothing was written"
    );
    archive
        .run(&["check"])
        .failure()
        .stderr_has("content/documents/a.md");
}

#[test]
fn check_writes_nothing_and_a_good_build_exits_zero_into_the_default_folder() {
    let archive = Archive::with_site().document("a", DOC);
    let before = snapshot(archive.root());
    archive.run(&["check"]).success();
    assert_same_files(&before, &snapshot(archive.root()));
    archive.run(&["build"]).success();
    assert!(archive.root().join("public/a/index.html").is_file());
    let root = archive.root().to_string_lossy().into_owned();
    archive
        .run(&["build", "--root", &root, "--out", &root])
        .failure();
    assert!(
        archive.root().join("site.toml").is_file(),
        "the archive survives"
    );
}

// Escaping and sanitising.

const HOSTILE: &str = "+++\ntitle = \"</title><script>alert(1)</script>\"\nsummary = \"\\\"><script>alert(2)</script>\"\nauthors = [\"</script><script>alert(3)</script>\"]\n+++\n\nRaw <b onclick=\"alert(4)\">bold</b><script>alert(5)</script> text.\n";

#[test]
fn front_matter_is_escaped_everywhere() {
    let site = Archive::with_site().document("a", HOSTILE).build();
    let html = site.read("a/index.html");
    for n in 1..=3 {
        assert!(
            !html.contains(&format!("<script>alert({n})")),
            "alert({n}) escaped:\n{html}"
        );
    }
    // JSON inside <script> elements cannot be closed by content.
    let json = site
        .page("a/index.html")
        .text("script[type='application/ld+json']");
    assert!(!json.contains("</"), "{json}");
    assert!(json.contains("\\u003c/script\\u003e"), "{json}");
    let home = site.read("index.html");
    assert!(!home.contains("<script>alert("), "{home}");
}

#[test]
fn raw_html_is_kept_by_default_and_sanitised_on_request() {
    let trusted = Archive::with_site().document("a", HOSTILE).build();
    trusted
        .page("a/index.html")
        .contains("<script>alert(5)</script>");
    let strict = Archive::new()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\nsanitize_html = true\n",
        )
        .document("a", HOSTILE)
        .build();
    let html = strict.read("a/index.html");
    assert!(
        !html.contains("alert(5)") && !html.contains("onclick"),
        "{html}"
    );
    strict
        .page("a/index.html")
        .has_text(".doc-body p b", "bold");
}

#[test]
fn a_heading_id_cannot_break_out_of_its_attribute() {
    let failure = Archive::with_site()
        .document("a", "+++\n+++\n\n## Title {#x\"onmouseover=\"alert(1)}\n")
        .build_err();
    assert_reports(&failure, &["cannot be an id", "a.md:4:1"]);
}

// Entities, sources, citations, notes, cross-references: each syntax and error.

const ENTITY_SITE: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\n";

fn entity(name: &str, aliases: &str, ambiguous: &str) -> String {
    format!(
        "+++\nname = \"{name}\"\nkind = \"person\"\naliases = [{aliases}]\nambiguous = [{ambiguous}]\n+++\n{name} is annotated here.\n"
    )
}

fn entity_archive(body: &str) -> Archive {
    Archive::new()
        .file("site.toml", ENTITY_SITE)
        .file("content/entities/jalaluddin-haqqani.md", entity("Jalaluddin Haqqani", "", "\"Haqqani\""))
        .file("content/entities/haqqani-network.md", entity("Haqqani Network", "", "\"Haqqani\""))
        .file("content/entities/mullah-omar.md", entity("Mullah Omar", "\"Mullah Mohammad Omar\", \"Mullar Omar\"", ""))
        .file(
            "content/sources.bib",
            "@book{gannon-2005,\n author = {Gannon, Kathy},\n title = {I Is for Infidel},\n year = {2005},\n shorthand = {Gannon, 2005}\n}\n",
        )
        .document("a", &format!("+++\ntitle = \"A\"\n+++\n\n{body}\n"))
}

#[test]
fn a_camel_case_key_as_zotero_writes_it_is_cited_and_gets_a_lower_case_page() {
    let site = Archive::with_site()
        .document("a", "+++\n+++\n\nAs argued [see @smithHistoryWorld2001, p. 33].\n")
        .file(
            "content/sources.bib",
            "@book{smithHistoryWorld2001,\n author = {Smith, John},\n title = {A History of the World},\n year = {2001},\n}\n",
        )
        .build();
    site.page("a/index.html")
        .has("a.cite[href='../sources/smithhistoryworld2001/']");
    site.page("sources/smithhistoryworld2001/index.html")
        .has_text(".entity-facts code", "@smithHistoryWorld2001");
    site.page("sources/index.html")
        .has("a[href='../sources/smithhistoryworld2001/']");
}

#[test]
fn mentions_link_every_spelling_longest_first_on_word_boundaries() {
    let site = entity_archive(
        "Mullah Mohammad Omar, Mullar Omar and the Haqqani Network met; Omarion did not. `Mullah Omar` [Mullah Omar](https://x.org/) [Haqqani](@jalaluddin-haqqani).",
    )
    .build();
    let page = site.page("a/index.html");
    let links: Vec<(String, String)> = page
        .select("a.mention")
        .into_iter()
        .map(|a| {
            (
                common::text_of(a),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (
                "Mullah Mohammad Omar".into(),
                "../entities/mullah-omar/".into()
            ),
            ("Mullar Omar".into(), "../entities/mullah-omar/".into()),
            (
                "Haqqani Network".into(),
                "../entities/haqqani-network/".into()
            ),
            ("Haqqani".into(), "../entities/jalaluddin-haqqani/".into()),
        ]
    );
    // Previews read one shared record per entity, found from the link, not a
    // copy on every mention; the first mention in a section carries its kind.
    page.has("a.mention.first.kind-person[href='../entities/mullah-omar/']")
        .count("a.mention[data-summary]", 0)
        .count("a.mention[data-entity], a.mention[data-kind]", 0);
    let previews: serde_json::Value =
        serde_json::from_str(&site.read("previews.json")).expect("previews.json is JSON");
    assert_eq!(
        previews["entities"]["mullah-omar"]["summary"],
        "Mullah Omar is annotated here."
    );
    let entity = site.page("entities/mullah-omar/index.html");
    assert_eq!(entity.select(".kwic li").len(), 2);
    // Each mention links to the paragraph it is in, and shows the spelling used.
    assert_eq!(
        entity.texts(".kwic li mark"),
        ["Mullah Mohammad Omar", "Mullar Omar"]
    );
    let paragraph = page.one(".doc-body p[id]").value().attr("id").unwrap();
    for link in entity.select(".kwic li > a") {
        assert_eq!(
            link.value().attr("href"),
            Some(format!("../../a/#{paragraph}").as_str())
        );
    }
    entity.count(".kwic li > a", 2);
    site.page("entities/index.html").contains("2 mentions");
}

/// An entity named twelve times in one document and twice in each of 29 more.
fn popular_entity_archive() -> Archive {
    let mut archive = entity_archive("Nothing here.");
    for d in 0..30 {
        let times = if d == 0 { 12 } else { 2 };
        let body: String = (0..times)
            .map(|p| format!("Paragraph {p} of document {d} names Mullah Omar once.\n\n"))
            .collect();
        archive = archive.document(
            &format!("d{d:02}"),
            &format!("+++\ntitle = \"D{d:02}\"\n+++\n\n{body}"),
        );
    }
    archive
}

#[test]
fn a_popular_entity_shows_twelve_mentions_in_context_and_links_every_other_paragraph() {
    let site = popular_entity_archive().build();
    let page = site.page("entities/mullah-omar/index.html");
    page.has_text(".entity-facts dd:last-child", "70 in 30 documents");
    // The contexts go round the documents in reading order: the first twelve
    // documents show their first mention each, with the rest linked.
    page.count(".kwic li mark", 12).count(".kwic li.more", 12);
    assert_eq!(page.texts("h3 a")[..2], ["D00", "D01"]);
    let more = page.texts(".kwic li.more");
    assert_eq!(
        more[0],
        "and 11 more: ¶ 2 ¶ 3 ¶ 4 ¶ 5 ¶ 6 ¶ 7 ¶ 8 ¶ 9 ¶ 10 ¶ 11 ¶ 12"
    );
    assert_eq!(more[1], "and 1 more: ¶ 2");
    // The last eighteen are listed by paragraph only.
    page.has_text("#also-heading", "Also in 18 more documents")
        .count(".also li", 18)
        .has_text(".also li:first-child", "D12 ¶ 1 ¶ 2");
    // Every paragraph that names him is linked from his page.
    let linked: std::collections::BTreeSet<String> = page
        .select(".kwic a, .also a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_string)
        .collect();
    for d in 0..30 {
        let slug = format!("d{d:02}");
        let doc = site.page(&format!("{slug}/index.html"));
        for id in doc
            .select(".doc-body p[id]")
            .iter()
            .filter_map(|p| p.value().attr("id"))
        {
            assert!(
                linked.contains(&format!("../../{slug}/#{id}")),
                "{slug}#{id} is not linked"
            );
        }
    }
}

#[test]
fn an_entity_page_lists_its_first_forty_dates_and_links_the_rest_on_the_timeline() {
    let entries: String = (1..=45)
        .map(|d| {
            format!(
                "## Year {d} {{#y{d} date={year}}}\n\nMullah Omar again.\n\n",
                year = 1950 + d
            )
        })
        .collect();
    let site = entity_archive("Nothing here.")
        .document("t", &format!("+++\nkind = \"timeline\"\n+++\n\n{entries}"))
        .build();
    let page = site.page("entities/mullah-omar/index.html");
    let dates = page.texts(".timeline > li > time");
    assert_eq!(dates.len(), 40);
    assert_eq!((dates[0].as_str(), dates[39].as_str()), ("1951", "1990"));
    page.has_text(
        "p.more",
        "and 5 more dated passages: see all on the timeline",
    )
    .has("p.more a[href='../../timeline/?entity=mullah-omar']");
    site.page("timeline/index.html").count(".timeline > li", 45);
}

#[test]
fn related_passages_need_more_in_common_than_a_name_found_everywhere() {
    let mut archive = entity_archive("Nothing here.");
    for d in 0..40 {
        let text = if d < 2 {
            "Mullah Omar met the Haqqani Network."
        } else {
            "Mullah Omar spoke."
        };
        archive = archive.document(
            &format!("d{d:02}"),
            &format!("+++\ntitle = \"D{d:02}\"\n+++\n\n{text}\n"),
        );
    }
    let site = archive.build();
    // A name in 40 of 41 paragraphs relates none of them on its own…
    site.page("d05/index.html").count("details.related", 0);
    // …but the two that also name the rarer network are related.
    let page = site.page("d00/index.html");
    page.count("details.related li", 1)
        .has_text("details.related cite", "D01")
        .has("details.related a[href^='../d01/#']");
}

#[test]
fn a_source_cited_everywhere_lists_every_citation_with_its_locator() {
    let mut archive = entity_archive("Nothing here.");
    for d in 0..20 {
        archive = archive.document(
            &format!("d{d:02}"),
            &format!("+++\ntitle = \"D{d:02}\"\n+++\n\nIt was so. [@gannon-2005, p. {d}]\n"),
        );
    }
    let site = archive.build();
    let page = site.page("sources/gannon-2005/index.html");
    // Ten with the words before them, the other ten by place and locator.
    page.count(".kwic li", 10)
        .count(".kwic .locator", 10)
        .count(".also li", 10)
        .has_text(".also li:first-child", "D10 ¶ 1, p. 10");
    assert_eq!(page.texts(".kwic li")[0], "¶ 1 p. 0 It was so.");
}

#[test]
fn check_reports_ambiguity_unknown_ids_shared_aliases_and_unmentioned_entities() {
    let archive = entity_archive("Haqqani spoke.");
    let report = lectern::check(archive.root()).unwrap();
    let messages: Vec<&str> = report.warnings.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"ambiguous mention `Haqqani`: haqqani-network, jalaluddin-haqqani"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"nothing mentions `mullah-omar`"),
        "{messages:?}"
    );

    let failure = entity_archive("[him](@mulla-omar)").build_err();
    assert_reports(
        &failure,
        &[
            "unknown entity `@mulla-omar`",
            "did you mean `@mullah-omar`?",
            "a.md:5:1",
        ],
    );

    let failure = entity_archive("Text.")
        .file(
            "content/entities/omar-2.md",
            entity("Omar Two", "\"Mullar Omar\"", ""),
        )
        .build_err();
    assert_reports(
        &failure,
        &["`Mullar Omar` is claimed by mullah-omar and omar-2"],
    );
}

#[test]
fn citations_render_as_printed_and_sources_list_every_citation() {
    let site = entity_archive("It came from Pakistan’s ISI. [@gannon-2005, pp. 161]\n\nAgain.[^1]\n\n[^1]: [Gannon’s book](@gannon-2005 \"p. 2\")").build();
    let page = site.page("a/index.html");
    page.has_text("span.citation", "[Gannon, 2005, pp. 161]")
        .has("span.citation a.cite[href='../sources/gannon-2005/']")
        .has(".footnotes a.cite[data-locator='p. 2']");
    let source = site.page("sources/gannon-2005/index.html");
    assert_eq!(source.texts(".kwic .locator"), ["pp. 161", "p. 2"]);
    source.has(".kwic a[href^='../../a/#']");
    site.page("sources/index.html").contains("cited 2 times");
}

#[test]
fn a_citation_that_suppresses_the_author_prints_the_year() {
    let site = entity_archive("Gannon says so [-@gannon-2005, p. 9].").build();
    site.page("a/index.html")
        .has_text("span.citation", "[2005, p. 9]")
        .has("span.citation a.cite[href='../sources/gannon-2005/']");
}

#[test]
fn citation_errors_name_the_key_and_suggest() {
    let failure = entity_archive("Text [@ganon-2005, p. 1].").build_err();
    assert_reports(
        &failure,
        &[
            "unknown citation key `@ganon-2005`",
            "did you mean `@gannon-2005`?",
            "a.md:5:",
        ],
    );
}

#[test]
fn editorial_notes_are_distinct_and_listed() {
    let site = entity_archive("Representative {==Peter Gross==}{>>Porter Goss.<<} spoke.").build();
    site.page("a/index.html")
        .has_text("mark.ed-span", "Peter Gross")
        .has(".ed-note[role=note]")
        .count("[role=doc-noteref]", 0);
    let list = site.page("annotations/index.html");
    list.has_text(".ed-quote", "Peter Gross")
        .has_text(".ed-body", "Porter Goss.");
    let failure = entity_archive("A {>>note that never closes.").build_err();
    assert_reports(&failure, &["unclosed CriticMarkup `{>>` in this paragraph"]);
}

#[test]
fn cross_references_and_the_timeline() {
    let timeline = "+++\nkind = \"timeline\"\n+++\n\n## Late 2001 {#late date=2001-09-12/2001-11}\n\nLater (see [April 1999](#april)).\n\n## April 1999 {#april .supplied date=1999-04}\n\nMullah Omar first.\n";
    let site = entity_archive("See [the April entry](t.md#april).")
        .document("t", timeline)
        .build();
    site.page("a/index.html").has("a[href='../t/#april']");
    let page = site.page("timeline/index.html");
    assert_eq!(
        page.texts(".timeline > li > time"),
        ["April 1999", "12 September 2001 – November 2001"]
    );
    page.has(".timeline a[href='../t/#april'].supplied");
    site.page("entities/mullah-omar/index.html")
        .has(".timeline a[href='../../t/#april']");

    let failure = entity_archive("See [x](t.md#apirl) and [y](tt.md).")
        .document("t", timeline)
        .build_err();
    assert_reports(
        &failure,
        &[
            "`#apirl` is not an id in `t.md`",
            "did you mean `#april`?",
            "link to unknown document `tt.md`",
            // Where, quoted from the file, which a build reads again for it
            // (it frees each document's Markdown once parsed).
            "a.md:5:",
            "See [x](t.md#apirl)",
        ],
    );
}

#[test]
fn one_build_reports_problems_from_every_stage() {
    let failure = entity_archive("Cites [@nope] and links [x](b.md#gone).")
        .document("b", "+++\ntitel = \"B\"\n+++\n\nText.\n")
        .document("c", "+++\n+++\n\nA note.[^9]\n")
        .build_err();
    assert_reports(
        &failure,
        &[
            "b.md:2:1",
            "did you mean `title`?",
            "unknown citation key `@nope`",
            "footnote `[^9]` is referenced but never defined",
        ],
    );
    let messages: Vec<&str> = failure.0.iter().map(|d| d.message.as_str()).collect();
    assert!(
        !messages.iter().any(|m| m.contains("b.md")),
        "no second error for a link into the broken file: {messages:?}"
    );
}

// The home page's list, a page at a time.

/// An archive of `n` documents, `doc-01`…, listing `per_page` a page.
fn listed(n: usize, per_page: usize) -> common::Site {
    let mut archive = Archive::new().file(
        "site.toml",
        format!("{}documents_per_page = {per_page}\n", common::SITE_TOML),
    );
    for i in 1..=n {
        archive = archive.document(
            &format!("doc-{i:02}"),
            &format!(
                "+++\ntitle = \"Document {i}\"\n+++\n\nText {i}.{{>>Note {i}, on [the first](doc-01.md).<<}}\n"
            ),
        );
    }
    archive.build()
}

/// The documents a page of the list links to, in order.
fn listed_on(site: &common::Site, page: &str) -> Vec<String> {
    site.page(page).texts(".document-list h2 a")
}

#[test]
fn the_home_page_lists_documents_a_page_at_a_time() {
    let site = listed(5, 2);
    assert_eq!(listed_on(&site, "index.html"), ["Document 1", "Document 2"]);
    assert_eq!(
        listed_on(&site, "page/2/index.html"),
        ["Document 3", "Document 4"]
    );
    assert_eq!(listed_on(&site, "page/3/index.html"), ["Document 5"]);
    assert!(!site.exists("page/4/index.html"));
    // Each page links to its neighbours, relative to itself, and says where it is.
    let first = site.page("index.html");
    assert_eq!(
        first.one(".pagination a[rel=next]").attr("href"),
        Some("page/2/")
    );
    assert!(first.select(".pagination a[rel=prev]").is_empty());
    let middle = site.page("page/2/index.html");
    assert_eq!(middle.one("a[rel=prev]").attr("href"), Some("../../"));
    assert_eq!(middle.one("a[rel=next]").attr("href"), Some("../3/"));
    assert_eq!(middle.text(".pagination .page-number"), "Page 2 of 3");
    assert_eq!(
        middle.text("title"),
        "Documents, page 2 of 3 · Fixture archive"
    );
    assert_eq!(
        middle.one("link[rel=canonical]").attr("href"),
        Some("https://fixture.example.org/page/2/")
    );
    let last = site.page("page/3/index.html");
    assert!(last.select(".pagination a[rel=next]").is_empty());
    // A document's link from a later page still reaches it.
    assert_eq!(
        last.one(".document-list h2 a").attr("href"),
        Some("../../doc-05/")
    );
    assert!(
        site.broken_links("/").is_empty(),
        "{:?}",
        site.broken_links("/")
    );
    assert!(
        site.read("sitemap.xml")
            .contains("https://fixture.example.org/page/3/")
    );
}

#[test]
fn the_editorial_notes_are_listed_a_page_of_documents_at_a_time() {
    let site = listed(3, 2);
    let notes = |page: &str| site.page(page).texts(".annotation-list .ed-body");
    assert_eq!(
        notes("annotations/index.html"),
        ["Note 1, on the first.", "Note 2, on the first."]
    );
    let second = site.page("annotations/page/2/index.html");
    assert_eq!(
        notes("annotations/page/2/index.html"),
        ["Note 3, on the first."]
    );
    assert_eq!(second.one("a[rel=prev]").attr("href"), Some("../../"));
    assert_eq!(
        second.text("title"),
        "Editorial notes, page 2 of 2 · Fixture archive"
    );
    // Links in a note and to its paragraph are relative to the later page.
    assert_eq!(
        second.one(".ed-body a").attr("href"),
        Some("../../../doc-01/")
    );
    assert!(
        second
            .one("a.pnum")
            .attr("href")
            .unwrap()
            .starts_with("../../../doc-03/#")
    );
    assert!(!site.exists("annotations/page/3/index.html"));
    assert!(
        site.broken_links("/").is_empty(),
        "{:?}",
        site.broken_links("/")
    );
}

#[test]
fn a_list_that_fits_one_page_has_no_pages_after_it() {
    for (n, per_page) in [(4, 4), (5, 0), (1, 3)] {
        let site = listed(n, per_page);
        assert_eq!(listed_on(&site, "index.html").len(), n);
        assert!(
            !site.exists("page/2/index.html"),
            "{n} documents, {per_page} a page"
        );
        assert!(site.page("index.html").select(".pagination").is_empty());
    }
}

#[test]
fn an_archives_own_list_template_without_pages_gets_the_whole_list() {
    let mut archive = Archive::new()
        .file(
            "site.toml",
            format!("{}documents_per_page = 2\n", common::SITE_TOML),
        )
        .file(
            "templates/home.html",
            "{% extends \"base.html\" %}{% block content %}<ol class=\"document-list\">\
             {% for doc in documents %}<li><h2><a href=\"{{ root }}{{ doc.path }}\">{{ doc.title }}</a></h2></li>\
             {% endfor %}</ol>{% endblock content %}",
        )
        .file(
            "templates/annotations.html",
            "{% extends \"base.html\" %}{% block content %}\
             {% for group in groups %}<p>{{ group.document.title }}</p>{% endfor %}\
             {% include \"partials/pagination.html\" %}{% endblock content %}",
        );
    for i in 1..=3 {
        archive = archive.document(
            &format!("doc-{i}"),
            &format!("+++\ntitle = \"Document {i}\"\n+++\n\nText.{{>>Note {i}.<<}}\n"),
        );
    }
    let site = archive.build();
    // Written before lists had pages, it would otherwise hide the documents after
    // the first page's: nothing on it links on.
    assert_eq!(listed_on(&site, "index.html").len(), 3);
    assert!(!site.exists("page/2/index.html"));
    // One that shows the pages has them.
    let notes = site.page("annotations/page/2/index.html");
    assert_eq!(notes.texts("main p"), ["Document 3"]);
    assert_eq!(
        notes.one("nav.pagination").attr("aria-label"),
        Some("Pages of this list")
    );
}

#[test]
fn a_document_may_not_take_the_slug_of_the_list_pages() {
    let failure = Archive::with_site()
        .document("page", "+++\ntitle = \"Page\"\n+++\n\nText.\n")
        .build_err();
    assert!(
        failure
            .to_string()
            .contains("`page` is reserved for lectern's own pages"),
        "{failure}"
    );
}
