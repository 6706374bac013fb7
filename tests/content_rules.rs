//! What the archive's content rules promise a reader and an editor: entity kinds
//! come from `site.toml`, a title the editor supplies is marked as such wherever it
//! shows, metadata leaves out what a document does not state, names in front
//! matter are linked and counted like names in the body, and a lead image's
//! caption and credit are kept apart.

mod common;

use std::path::Path;

use common::{Archive, Page, text_of};

const SITE: &str = "title = \"Rules\"\nbase_url = \"https://rules.example.org/\"\n";

fn entity(name: &str, kind: &str, body: &str) -> String {
    format!("+++\nname = \"{name}\"\nkind = \"{kind}\"\n+++\n{body}\n")
}

/// The schema.org JSON-LD of a page.
fn json_ld(page: &Page) -> String {
    page.select("script[type='application/ld+json']")
        .first()
        .map(|s| s.text().collect::<String>())
        .unwrap_or_else(|| panic!("{} has no JSON-LD", page.path))
}

#[allow(dead_code)]
fn warnings(archive: &Archive) -> Vec<String> {
    match lectern::check(archive.root()) {
        Ok(report) => report.warnings.iter().map(|d| d.message.clone()).collect(),
        Err(failure) => panic!("check failed:\n{failure}"),
    }
}

// Entity kinds.

#[test]
fn the_entities_index_groups_by_the_kinds_site_toml_declares_in_its_order() {
    let site = Archive::new()
        .file(
            "site.toml",
            format!(
                "{SITE}\n[[kinds]]\nid = \"ship\"\nlabel = \"Ships\"\n\n[[kinds]]\nid = \"person\"\nlabel = \"People\"\n"
            ),
        )
        .file(
            "content/entities/endurance.md",
            entity("Endurance", "ship", "A ship."),
        )
        .file(
            "content/entities/shackleton.md",
            entity("Ernest Shackleton", "person", "An explorer."),
        )
        .document(
            "a",
            "+++\ntitle = \"A\"\n+++\n\nErnest Shackleton sailed the Endurance.\n",
        )
        .build();
    let index = site.page("entities/index.html");
    assert_eq!(index.texts("section h2"), ["Ships", "People"]);
    assert_eq!(index.texts(".kind-index a"), ["Ships (1)", "People (1)"]);
    index.has("section h2#ship");
    site.page("entities/endurance/index.html");
}

#[test]
fn without_declared_kinds_the_default_five_keep_their_labels() {
    let site = Archive::new()
        .file("site.toml", SITE)
        .file(
            "content/entities/kabul.md",
            entity("Kabul", "place", "A city."),
        )
        .file(
            "content/entities/omar.md",
            entity("Mullah Omar", "person", "A leader."),
        )
        .document("a", "+++\ntitle = \"A\"\n+++\n\nMullah Omar left Kabul.\n")
        .build();
    let index = site.page("entities/index.html");
    assert_eq!(index.texts("section h2"), ["Person", "Place"]);
}

#[test]
fn an_unknown_kind_names_the_file_and_line_and_the_setting_in_site_toml() {
    let failure = Archive::new()
        .file("site.toml", SITE)
        .file(
            "content/entities/usip.md",
            "+++\nname = \"USIP\"\nkind = \"institution\"\n+++\nAn institute.\n",
        )
        .document("a", "+++\ntitle = \"A\"\n+++\n\nText.\n")
        .build_err();
    let error = &failure.0[0];
    assert_eq!(error.message, "unknown entity kind `institution`");
    assert_eq!(error.path, Path::new("content/entities/usip.md"));
    assert_eq!(error.line_col(), Some((3, 8)));
    let help = error.help.as_deref().unwrap_or("");
    assert!(
        help.contains("site.toml") && help.contains("[[kinds]]") && help.contains("institution"),
        "{help}"
    );
    let report = failure.to_string();
    assert!(report.contains("content/entities/usip.md:3:8"), "{report}");

    // Declared, the same entity builds.
    Archive::new()
        .file(
            "site.toml",
            format!("{SITE}[[kinds]]\nid = \"institution\"\nlabel = \"Institutions\"\n"),
        )
        .file(
            "content/entities/usip.md",
            "+++\nname = \"USIP\"\nkind = \"institution\"\n+++\nAn institute.\n",
        )
        .document("a", "+++\ntitle = \"A\"\n+++\n\nUSIP.\n")
        .build();
}

// Titles and metadata.

const SUPPLIED: &str = "+++\nsupplied_title = \"Khaksar and the CIA\"\nauthors = [\"A. Writer\"]\n+++\n\nKhaksar met the CIA in April 1999.\n";

#[test]
fn a_supplied_title_is_bracketed_in_the_heading_and_marked_in_metadata_and_citations() {
    let site = Archive::with_site().document("k", SUPPLIED).build();
    let page = site.page("k/index.html");
    // The heading is the editor's, like a supplied timeline heading: `.supplied`,
    // which the stylesheet puts in brackets, and never "Untitled".
    let h1 = page.one("article.document h1");
    assert_eq!(text_of(h1), "Khaksar and the CIA");
    assert!(
        h1.value()
            .has_class("supplied", scraper::CaseSensitivity::CaseSensitive)
    );
    assert!(!page.source.contains(">Untitled<"));
    assert!(site.read("style.css").contains(".supplied::before"));
    // Metadata and citations say it is supplied.
    assert!(page.text("title").starts_with("[Khaksar and the CIA] ·"));
    page.has("meta[name=citation_title][content='[Khaksar and the CIA]']");
    assert!(json_ld(&page).contains("\"headline\":\"[Khaksar and the CIA]\""));
    let citation = page.text(".cite-text");
    assert!(
        citation.starts_with("A. Writer. [Khaksar and the CIA]. In "),
        "{citation}"
    );
    let bibtex = page.text(".cite-bibtex");
    assert!(
        bibtex.contains("title = {[Khaksar and the CIA]}")
            && bibtex.contains("note = {Title supplied by the editor}"),
        "{bibtex}"
    );
    assert!(page.text("#lectern-doc").contains("\"supplied\":true"));
}

#[test]
fn a_document_with_neither_title_nor_supplied_title_is_headed_by_its_first_words() {
    let site = Archive::with_site()
        .document(
            "u",
            "+++\nkind = \"article\"\n+++\n\nKhaksar met the CIA.\n",
        )
        .build();
    let page = site.page("u/index.html");
    let h1 = page.one("article.document h1.untitled");
    assert_eq!(text_of(h1), "Khaksar met the CIA.");
    assert!(
        h1.value()
            .has_class("supplied", scraper::CaseSensitivity::CaseSensitive)
    );
    assert!(!page.source.contains("Untitled"));
}

#[test]
fn a_title_and_a_supplied_title_together_are_refused() {
    let failure = Archive::with_site()
        .document(
            "a",
            "+++\ntitle = \"A\"\nsupplied_title = \"B\"\n+++\n\nText.\n",
        )
        .build_err();
    let error = &failure.0[0];
    assert_eq!(error.line_col(), Some((3, 1)));
    assert!(error.message.contains("not both"), "{}", error.message);
}

#[test]
fn json_ld_leaves_out_what_the_document_does_not_state() {
    let site = Archive::with_site()
        .document("bare", "+++\nkind = \"article\"\n+++\n\nText.\n")
        .document(
            "full",
            "+++\ntitle = \"Full\"\nauthors = [\"A. Writer\"]\npublication = \"RUSI\"\ndate = \"2021-08\"\nurl = \"https://rusi.example.org/full\"\n+++\n\nText.\n",
        )
        .build();
    let bare = json_ld(&site.page("bare/index.html"));
    assert!(!bare.contains("null"), "{bare}");
    for absent in ["datePublished", "publisher", "sameAs", "author"] {
        assert!(!bare.contains(absent), "{absent} in {bare}");
    }
    let full = json_ld(&site.page("full/index.html"));
    assert!(!full.contains("null"), "{full}");
    for present in [
        "\"datePublished\":\"2021-08\"",
        "\"publisher\":{\"@type\":\"Organization\",\"name\":\"RUSI\"}",
        "\"sameAs\":\"https://rusi.example.org/full\"",
        "\"author\":[{\"@type\":\"Person\",\"name\":\"A. Writer\"}]",
    ] {
        assert!(full.contains(present), "{present} not in {full}");
    }
}

#[test]
fn this_archive_has_no_untitled_heading_and_no_null_in_its_metadata() {
    let site = Archive::repository().build();
    for page in site.pages() {
        assert!(
            !page.texts("h1").iter().any(|h| h == "Untitled"),
            "{}",
            page.path
        );
        if !page.select("script[type='application/ld+json']").is_empty() {
            let ld = json_ld(&page);
            assert!(!ld.contains("null"), "{}: {ld}", page.path);
        }
    }
    let page = site.page("khaksar-timeline/index.html");
    page.has("article.document h1.supplied");
}
