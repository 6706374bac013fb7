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
    // The script's BibTeX and CSL-JSON note it from here.
    page.has("section.cite-document[data-title-supplied]");
    let stated = Archive::with_site()
        .document("s", "+++\ntitle = \"Stated\"\n+++\n\nText.\n")
        .build();
    stated
        .page("s/index.html")
        .count("[data-title-supplied]", 0);
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

// Names in front matter, and what counts as a mention.

fn named_archive() -> Archive {
    Archive::new()
        .file("site.toml", SITE)
        .file(
            "content/entities/arun-anand.md",
            entity("Arun Anand", "person", "A journalist."),
        )
        .file(
            "content/entities/afghan-mujahideen.md",
            "+++\nname = \"Afghan mujahideen\"\nkind = \"organization\"\naliases = [\"Mujhideen Rebels\"]\n+++\nResistance groups.\n",
        )
        .file(
            "content/entities/white-house.md",
            entity("White House", "place", "The US president's office."),
        )
        .document(
            "a",
            "+++\ntitle = \"A\"\nsubtitle = \"A story of the White House\"\nbyline = \"By Arun Anand\"\nimage_caption = \"Mujhideen Rebels, 1980\"\nimage_credit = \"Photo Source: White House\"\n+++\n\nText that names nobody.\n",
        )
}

#[test]
fn names_in_the_byline_caption_credit_and_subtitle_are_linked_and_counted() {
    let archive = named_archive();
    let site = archive.build();
    let page = site.page("a/index.html");
    page.has_text("p.byline#doc-byline", "By Arun Anand")
        .has("#doc-byline a.mention[href='../entities/arun-anand/']")
        .has("#doc-caption a.mention[href='../entities/afghan-mujahideen/']")
        .has("#doc-credit a.mention[href='../entities/white-house/']")
        .has("#doc-subtitle a.mention[href='../entities/white-house/']");
    // The wording stays as written.
    page.has_text(".lead-figure .caption", "Mujhideen Rebels, 1980");
    page.has_text(".lead-figure .credit", "Photo Source: White House");
    page.has_text("p.subtitle", "A story of the White House");
    // They are the document's mentions: listed on the entity's page, at the field.
    let entity = site.page("entities/arun-anand/index.html");
    let mentions = entity.select(".kwic li a");
    assert_eq!(mentions.len(), 1, "{}", entity.source);
    assert_eq!(
        mentions[0].value().attr("href"),
        Some("../../a/#doc-byline")
    );
    assert_eq!(text_of(mentions[0]), "byline");
    assert_eq!(
        site.page("entities/white-house/index.html")
            .select(".kwic li")
            .len(),
        2
    );
    let unmentioned: Vec<String> = warnings(&archive)
        .into_iter()
        .filter(|w| w.starts_with("nothing mentions"))
        .collect();
    assert!(unmentioned.is_empty(), "{unmentioned:?}");
}

#[test]
fn an_ambiguous_name_in_front_matter_is_reported_at_the_fields_line() {
    let archive = Archive::new()
        .file("site.toml", SITE)
        .file(
            "content/entities/jalaluddin-haqqani.md",
            "+++\nname = \"Jalaluddin Haqqani\"\nkind = \"person\"\nambiguous = [\"Haqqani\"]\n+++\nA commander.\n",
        )
        .document(
            "a",
            "+++\ntitle = \"A\"\nimage_caption = \"Haqqani in 1980\"\n+++\n\nJalaluddin Haqqani.\n",
        );
    let report = lectern::check(archive.root()).unwrap();
    let ambiguous = report
        .warnings
        .iter()
        .find(|d| d.message.starts_with("ambiguous mention `Haqqani`"))
        .expect("the caption's Haqqani is ambiguous");
    assert_eq!(ambiguous.path, Path::new("content/documents/a.md"));
    assert_eq!(ambiguous.line_col(), Some((3, 18)));
}

#[test]
fn the_editors_words_count_as_mentions_but_are_not_listed_as_the_documents() {
    let archive = Archive::new()
        .file("site.toml", SITE)
        .file(
            "content/entities/george-tenet.md",
            entity("George Tenet", "person", "Director of Central Intelligence."),
        )
        .file(
            "content/entities/porter-goss.md",
            entity("Porter Goss", "person", "A congressman."),
        )
        .file(
            "content/entities/cia.md",
            entity("CIA", "organization", "The agency Porter Goss later led."),
        )
        .file(
            "content/entities/kathy-gannon.md",
            entity("Kathy Gannon", "person", "A journalist."),
        )
        .file(
            "content/entities/mullah-omar.md",
            entity("Mullah Omar", "person", "Mullah Omar led the Taliban."),
        )
        .file(
            "content/sources.toml",
            "[gannon-2005]\ntype = \"book\"\ntitle = \"I Is for Infidel\"\nnote = \"By Kathy Gannon.\"\n",
        )
        .document(
            "a",
            "+++\ntitle = \"A\"\n+++\n\nThe CIA chief{>>George Tenet, that is.<<} spoke [@gannon-2005].\n",
        );
    let unmentioned: Vec<String> = warnings(&archive)
        .into_iter()
        .filter(|w| w.starts_with("nothing mentions"))
        .collect();
    // Tenet is named in an editor's note, Goss in another entity's annotation,
    // Gannon in a source's note; Mullah Omar only in his own annotation.
    assert_eq!(unmentioned, ["nothing mentions `mullah-omar`"]);
    let site = archive.build();
    for id in ["george-tenet", "porter-goss", "kathy-gannon"] {
        let page = site.page(&format!("entities/{id}/index.html"));
        page.count(".kwic li", 0);
    }
    site.page("entities/cia/index.html").count(".kwic li", 1);
    // The note still links its name.
    site.page("a/index.html")
        .has(".ed-note a.mention[href='../entities/george-tenet/']");
}

#[test]
fn this_archive_links_its_byline_and_caption_and_warns_of_no_unmentioned_entity() {
    let archive = Archive::repository();
    let unmentioned: Vec<String> = warnings(&archive)
        .into_iter()
        .filter(|w| w.starts_with("nothing mentions"))
        .collect();
    assert!(unmentioned.is_empty(), "{unmentioned:?}");
    let site = archive.build();
    site.page("cia-and-isi-a-failed-marriage/index.html")
        .has("p.byline a.mention[href='../entities/arun-anand/']");
    site.page("pakistans-biggest-afghan-mistake/index.html")
        .has(".lead-figure .caption a.mention[href='../entities/afghan-mujahideen/']");
}

// Captions and credits.

#[test]
fn a_lead_image_prints_its_caption_and_credit_apart_under_the_title_or_after_the_text() {
    let doc = |position: &str| {
        format!(
            "+++\ntitle = \"A\"\nimage_caption = \"A caption.\"\nimage_credit = \"Photo: Someone\"\n{position}+++\n\nThe text.\n"
        )
    };
    let site = Archive::with_site()
        .document("top", &doc(""))
        .document("end", &doc("image_position = \"end\"\n"))
        .build();
    let top = site.page("top/index.html");
    top.has_text("header .lead-figure .caption", "A caption.")
        .has_text("header .lead-figure .credit", "Photo: Someone");
    let end = site.page("end/index.html");
    end.count("header .lead-figure", 0)
        .has_text(".doc-body + .lead-figure .credit", "Photo: Someone");
    let text = common::reading_text(end.one("article.document"));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.ends_with("The text. A caption. Photo: Someone"),
        "{words}"
    );

    let failure = Archive::with_site()
        .document("a", &doc("image_position = \"bottom\"\n"))
        .build_err();
    assert_eq!(failure.0[0].line_col(), Some((5, 18)));
}

#[test]
fn a_figure_in_the_text_prints_its_caption_and_credit_as_two_lines() {
    let site = Archive::with_site()
        .document(
            "a",
            "+++\ntitle = \"A\"\n+++\n\nBefore.\n\n> [!figure]\n> The caption as printed\n>\n> Photo Source: White House\n\nAfter.\n",
        )
        .build();
    let page = site.page("a/index.html");
    page.has_text(
        "figure.figure figcaption p.caption",
        "The caption as printed",
    )
    .has_text(
        "figure.figure figcaption p.credit",
        "Photo Source: White House",
    );
}

#[test]
fn this_archives_captions_and_credits_are_apart_and_its_credits_in_front_matter() {
    let site = Archive::repository().build();
    let page = site.page("cia-and-isi-a-failed-marriage/index.html");
    page.has_text(".lead-figure .credit", "Photo Source: White House")
        .has_text(
            "figure.figure p.caption",
            "The Taliban Story: CIA and ISI-A Failed Marriage",
        )
        .has_text("figure.figure p.credit", "Photo Source: White House");
    let page = site.page("al-qaeda-and-the-afghan-taliban/index.html");
    page.count("figure.figure", 0).has_text(
        ".doc-body + .lead-figure .credit",
        "Image credit: Lt. j. g. Joe Painter, DoD",
    );
    let page = site.page("pakistans-biggest-afghan-mistake/index.html");
    page.has(".lead-figure .caption")
        .has(".lead-figure .credit");
    // No line of a caption runs into its credit.
    for doc in site.pages() {
        for line in doc.texts("figcaption p, figcaption span") {
            assert!(
                !line.contains("Photo Source") || line.starts_with("Photo Source"),
                "{}: {line}",
                doc.path
            );
        }
    }
}
