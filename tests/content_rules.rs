//! What the archive's content rules promise a reader and an editor: entity kinds
//! come from `site.toml`.

mod common;

use std::path::Path;

use common::Archive;

const SITE: &str = "title = \"Rules\"\nbase_url = \"https://rules.example.org/\"\n";

fn entity(name: &str, kind: &str, body: &str) -> String {
    format!("+++\nname = \"{name}\"\nkind = \"{kind}\"\n+++\n{body}\n")
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
