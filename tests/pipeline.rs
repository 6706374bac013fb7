//! What the stage boundaries promise: entity annotations and source notes go
//! through the same pipeline as documents, only safe URLs become links, a body
//! renders correctly on any page, `check` sees the site it would build, and the
//! lock file is replaced whole.

mod common;

use std::path::Path;

use common::{Archive, Page};

/// The `attr` of every element matching `css`.
fn attrs(page: &Page, css: &str, attr: &str) -> Vec<String> {
    page.select(css)
        .iter()
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

const DOC: &str = "+++\ntitle = \"Doc\"\n+++\n\nThe ISI met the Taliban.[^1] {>>See the note.[^1]<<}\n\n## Later {#later}\n\nMore.\n\n[^1]: A footnote.\n";

fn entity(name: &str, body: &str) -> String {
    format!("+++\nname = \"{name}\"\nkind = \"organization\"\n+++\n\n{body}\n")
}

fn archive() -> Archive {
    Archive::with_site()
        .document("doc", DOC)
        .file(
            "content/entities/isi.md",
            entity(
                "ISI",
                "The ISI is Pakistan's spy agency; it backed the Taliban.",
            ),
        )
        .file(
            "content/entities/taliban.md",
            entity("Taliban", "The Taliban is an Afghan movement."),
        )
}

fn check_err(archive: &Archive) -> lectern::diagnostics::Failure {
    match lectern::check(archive.root()) {
        Ok(report) => panic!("check passed with {} warnings", report.warnings.len()),
        Err(failure) => failure,
    }
}

#[test]
fn entity_annotations_link_their_mentions_relative_to_the_entity_page() {
    let site = archive().build();
    let page = site.page("entities/isi/index.html");
    let links = attrs(&page, ".annotation a.mention", "href");
    assert_eq!(links, ["../taliban/"], "{}", page.source);
    // The page does not link to itself.
    assert_eq!(page.select(".annotation a[href='./']").len(), 0);
}

#[test]
fn a_broken_link_in_an_entity_annotation_fails_check_naming_the_file() {
    let a = archive().file(
        "content/entities/isi.md",
        entity("ISI", "See [the later part](doc.md#latr)."),
    );
    let failure = check_err(&a);
    assert_eq!(failure.0.len(), 1, "{failure}");
    assert_eq!(failure.0[0].path, Path::new("content/entities/isi.md"));
    assert_eq!(failure.0[0].message, "`#latr` is not an id in `doc.md`");
    assert_eq!(failure.0[0].help.as_deref(), Some("did you mean `#later`?"));

    let a = archive().file(
        "content/entities/isi.md",
        entity("ISI", "See [the index](../../nowhere/)."),
    );
    let failure = check_err(&a);
    assert_eq!(failure.0[0].path, Path::new("content/entities/isi.md"));
    assert!(
        failure.0[0]
            .message
            .contains("nowhere/index.html, which does not exist"),
        "{failure}"
    );
}

#[test]
fn sanitize_html_cleans_entity_annotations_too() {
    let script = "<script>alert('entity')</script>\n\nText <img src=x onerror=\"alert(2)\">.";
    let a = archive().file("content/entities/isi.md", entity("ISI", script));
    let trusted = a.build();
    assert!(
        trusted
            .read("entities/isi/index.html")
            .contains("alert('entity')")
    );
    let a = a.file(
        "site.toml",
        format!("{}sanitize_html = true\n", common::SITE_TOML),
    );
    let site = a.build();
    let html = site.read("entities/isi/index.html");
    assert!(!html.contains("alert("), "{html}");
    assert!(!html.contains("onerror"), "{html}");
}

#[test]
fn a_javascript_url_never_becomes_a_link() {
    let bib = "@misc{src-1,\n  title = {A source},\n  url = {javascript:alert(1)}\n}\n";
    let failure = archive().file("content/sources.bib", bib).build_err();
    let error = &failure.0[0];
    assert_eq!(error.path, Path::new("content/sources.bib"));
    assert_eq!(error.line_col(), Some((3, 10)), "{failure}");
    assert!(error.message.contains("unsafe url"), "{failure}");

    let doc =
        "+++\ntitle = \"D\"\n+++\n\nA [link](javascript:alert(1)) and ![x](data:text/html,hi).\n";
    let failure = archive().document("bad", doc).build_err();
    let messages: Vec<(&str, Option<(usize, usize)>)> = failure
        .0
        .iter()
        .map(|d| (d.message.as_str(), d.line_col()))
        .collect();
    assert_eq!(
        messages,
        [
            ("unsafe link `javascript:alert(1)`", Some((5, 3))),
            ("unsafe link `data:text/html,hi`", Some((5, 35))),
        ]
    );

    let doc = "+++\ntitle = \"D\"\nurl = \"javascript:alert(1)\"\n+++\n\nText.\n";
    let failure = archive().document("bad", doc).build_err();
    assert_eq!(failure.0[0].line_col(), Some((3, 8)), "{failure}");
}

#[test]
fn the_same_body_renders_correctly_on_other_pages() {
    let site = archive().build();
    let doc = site.page("doc/index.html");
    assert_eq!(
        attrs(&doc, ".doc-body sup a[role=doc-noteref]", "href"),
        ["#fn-1", "#fn-1"]
    );
    // The editor's note, shown on the notes page, still reaches its footnote.
    let notes = site.page("annotations/index.html");
    let hrefs = attrs(&notes, "sup a[role=doc-noteref]", "href");
    assert_eq!(hrefs, ["../doc/#fn-1"], "{}", notes.source);
}

#[test]
fn source_notes_are_markdown_with_mentions() {
    let bib = "@misc{src-1,\n  title = {A source},\n  note = {Names the *ISI*; see [later](doc.md#later)}\n}\n";
    let site = archive().file("content/sources.bib", bib).build();
    let page = site.page("sources/src-1/index.html");
    assert_eq!(
        attrs(&page, "dd a.mention", "href"),
        ["../../entities/isi/"]
    );
    assert_eq!(
        attrs(&page, "dd a:not(.mention)", "href"),
        ["../../doc/#later"]
    );
    assert_eq!(page.select("dd em").len(), 1);

    let bib = "@misc{src-1,\n  title = {A source},\n  note = {see [later](doc.md#nope)}\n}\n";
    let failure = archive().file("content/sources.bib", bib).build_err();
    assert_eq!(failure.0[0].path, Path::new("content/sources.bib"));
    assert_eq!(failure.0[0].line_col(), Some((3, 15)), "{failure}");
}

#[test]
fn the_lock_is_replaced_whole_and_nothing_is_left_beside_it() {
    let a = archive();
    a.build();
    let lock = std::fs::read_to_string(a.root().join(lectern::LOCK_FILE)).unwrap();
    assert!(lock.contains("\n[doc]\n"), "{lock}");
    let leftovers: Vec<String> = std::fs::read_dir(a.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("lectern-new"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn check_site_checks_a_built_folder() {
    let a = archive();
    let site = a.build();
    let out = site.out().to_str().unwrap().to_string();
    a.run(&["check", "--site", &out]).success();
    std::fs::remove_file(site.out().join("entities/taliban/index.html")).unwrap();
    a.run(&["check", "--site", &out])
        .failure()
        .stderr_has("entities/taliban/index.html, which does not exist");
}

#[test]
fn dates_in_running_text_feed_the_timeline() {
    let doc = "+++\ntitle = \"Dated\"\n+++\n\nOn September 11, 2001, the ISI chief was in Washington.\n\n[The following morning](date:2001-09-12) he met them. Flight [in 1999](date:-) is no date.\n\nIn the 1980s the Taliban did not exist; by mid-2002 it had fallen.\n\nOn February 30, 2001 nothing happened.\n";
    let a = archive().document("dated", doc);
    let report = lectern::check(a.root()).unwrap();
    let warning = report
        .warnings
        .iter()
        .find(|w| w.message.starts_with("cannot read the date"))
        .expect("a warning for the impossible date");
    assert_eq!(
        warning.message,
        "cannot read the date `February 30, 2001`: February 2001 has no day 30"
    );
    assert_eq!(warning.path, Path::new("content/documents/dated.md"));

    let site = a.build();
    let timeline = site.page("timeline/index.html");
    let dated: Vec<(String, String)> = timeline
        .select("li.in-text")
        .iter()
        .filter(|li| li.html().contains("../dated/"))
        .map(|li| {
            let time = li.select(&common::selector("time")).next().unwrap();
            let mark = li.select(&common::selector("mark")).next().unwrap();
            (
                time.value().attr("datetime").unwrap().to_string(),
                common::text_of(mark),
            )
        })
        .collect();
    assert_eq!(
        dated,
        [
            ("1980".to_string(), "1980s".to_string()),
            ("2001-09-11".to_string(), "September 11, 2001".to_string()),
            (
                "2001-09-12".to_string(),
                "The following morning".to_string()
            ),
            ("2002".to_string(), "2002".to_string()),
        ]
    );
    // Grouped by year, a year-only date shown as the year.
    let headings = timeline.texts("section.year > h2");
    assert!(headings.windows(2).all(|w| w[0] <= w[1]), "{headings:?}");
    assert!(
        timeline
            .text("li.in-text time[datetime='2002']")
            .starts_with("2002")
    );
}
