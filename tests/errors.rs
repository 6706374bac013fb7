//! Archives that must not build, after Zola's `test_sites_invalid/`: each test
//! asserts the exact text of the error, the file it names, where in the file, what
//! to do about it, and that nothing else is reported on top. Where a wrong-looking
//! input is in fact fine (a byte-order mark), the test asserts that it builds.

mod common;

use std::fs;
use std::path::Path;

use common::{Archive, assert_same_files, snapshot};
use lectern::LOCK_FILE;
use lectern::diagnostics::{Diagnostic, Failure};

const DOC: &str = "+++\ntitle = \"A document\"\n+++\n\nThe first paragraph.\n";

/// The one diagnostic of `failure`; panics with the whole report if there are more.
fn only(failure: &Failure) -> &Diagnostic {
    match failure.0.as_slice() {
        [one] => one,
        _ => panic!(
            "expected exactly one diagnostic, got {}:\n{failure}",
            failure.0.len()
        ),
    }
}

/// Asserts the diagnostic's file, message, help and position (`None`: the whole file).
fn assert_error(
    error: &Diagnostic,
    path: &str,
    message: &str,
    help: &str,
    at: Option<(usize, usize)>,
) {
    assert!(error.is_error(), "{error}");
    assert_eq!(error.path, Path::new(path), "{error}");
    assert_eq!(error.message, message, "{error}");
    assert_eq!(error.help.as_deref(), Some(help), "{error}");
    assert_eq!(error.line_col(), at, "{error}");
    // The report as printed names the file, with the position when there is one.
    let printed = error.to_string();
    let place = match at {
        Some((line, column)) => format!("{path}:{line}:{column}"),
        None => format!("in {path}"),
    };
    assert!(
        printed.contains(&place),
        "the report lacks {place:?}:\n{printed}"
    );
    assert!(
        printed.contains(help),
        "the report lacks the help:\n{printed}"
    );
}

// The lock file.

const LOCK_HELP: &str =
    "restore it from version control; deleting it would change published paragraph ids";

#[test]
fn a_damaged_lock_file_fails_naming_it_and_leaves_the_site_alone() {
    let archive = Archive::with_site().document("a", DOC);
    let site = archive.build();
    let before = snapshot(site.out());
    let lock_path = archive.root().join(LOCK_FILE);
    let good = fs::read_to_string(&lock_path).unwrap();

    // Broken TOML: a merge conflict committed by mistake.
    let conflicted = format!("<<<<<<< HEAD\n{good}");
    archive.write(LOCK_FILE, &conflicted);
    let failure = archive.build_err();
    let error = only(&failure);
    assert!(
        error
            .message
            .starts_with("the lock file is damaged: TOML parse error at line 1, column 9"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("key with no value, expected `=`"),
        "{}",
        error.message
    );
    assert_eq!(error.path, Path::new(LOCK_FILE));
    assert_eq!(error.help.as_deref(), Some(LOCK_HELP));
    assert_same_files(&before, &snapshot(site.out()));
    assert_eq!(
        fs::read_to_string(&lock_path).unwrap(),
        conflicted,
        "the damaged lock is left for the editor to repair"
    );

    // Valid TOML that breaks the lock's own rules.
    let twice = "[[documents.a.blocks]]\nid = \"same\"\nhash = \"0000000000000000\"\ntext = \"one\"\n\n\
                 [[documents.a.blocks]]\nid = \"same\"\nhash = \"0000000000000001\"\ntext = \"two\"\n";
    archive.write(LOCK_FILE, twice);
    let failure = archive.build_err();
    assert_error(
        only(&failure),
        LOCK_FILE,
        "the lock file is damaged: document `a`: id `same` is given to two blocks",
        LOCK_HELP,
        None,
    );
    assert_same_files(&before, &snapshot(site.out()));

    // The command line says the same, and `check` refuses too.
    for command in ["build", "check"] {
        archive
            .run(&[command])
            .failure()
            .stderr_has(
                "error: the lock file is damaged: document `a`: id `same` is given to two blocks",
            )
            .stderr_has("in lectern.lock")
            .stderr_has(LOCK_HELP);
    }
    assert_eq!(fs::read_to_string(&lock_path).unwrap(), twice);
}

// Two files claiming one name.

#[test]
fn two_documents_with_one_slug_are_an_error() {
    let failure = Archive::with_site()
        .document("a", DOC)
        .file("content/documents/sub/a.md", DOC)
        .build_err();
    assert_error(
        only(&failure),
        "content/documents/sub/a.md",
        "duplicate slug `a`",
        "content/documents/a.md has the same file name; rename one of them",
        None,
    );
}

const ENTITY: &str = "+++\nname = \"Mullah Omar\"\nkind = \"person\"\naliases = [\"Omar\"]\n+++\nLeader of the Taliban.\n";

fn two_entities_with_one_id() -> Failure {
    Archive::with_site()
        .document("a", "+++\n+++\n\nMullah Omar spoke.\n")
        .file("content/entities/mullah-omar.md", ENTITY)
        .file("content/entities/people/mullah-omar.md", ENTITY)
        .build_err()
}

#[test]
fn two_entities_with_one_id_are_an_error() {
    let failure = two_entities_with_one_id();
    assert_error(
        &failure.0[0],
        "content/entities/people/mullah-omar.md",
        "duplicate entity id `mullah-omar`",
        "content/entities/mullah-omar.md has the same file name; merge or rename one",
        None,
    );
}

/// The copy's name and aliases are also reported as "claimed by mullah-omar and
/// mullah-omar": the registry checks spellings across entities without noticing
/// that both are the one duplicate (`src/parse/mentions.rs`).
#[test]
fn a_duplicate_entity_id_is_the_only_error() {
    let failure = two_entities_with_one_id();
    let errors: Vec<&str> = failure
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(errors, ["duplicate entity id `mullah-omar`"], "{failure}");
}

#[test]
fn one_source_key_in_both_bibliographies_is_an_error() {
    let failure = Archive::with_site()
        .document("a", "+++\n+++\n\nCited. [@gannon-2005, p. 3]\n")
        .file(
            "content/sources.bib",
            "@book{gannon-2005,\n author = {Gannon, Kathy},\n title = {I Is for Infidel},\n year = {2005},\n}\n",
        )
        .file(
            "content/sources.toml",
            "[gannon-2005]\ntype = \"book\"\nauthor = \"Gannon, Kathy\"\ntitle = \"I Is for Infidel\"\n",
        )
        .build_err();
    assert_error(
        only(&failure),
        "content/sources.toml",
        "duplicate source key `gannon-2005`",
        "content/sources.bib already defines it; keys must be unique",
        None,
    );
}

#[test]
fn source_keys_that_would_share_a_page_or_cannot_be_cited_are_errors() {
    let failure = Archive::with_site()
        .document("a", "+++\n+++\n\nCited. [@Smith2001, p. 3]\n")
        .file(
            "content/sources.bib",
            "@book{Smith2001,\n title = {One},\n}\n@book{smith2001,\n title = {Two},\n}\n@book{doi/10.1000,\n title = {Three},\n}\n",
        )
        .build_err();
    let errors: Vec<&str> = failure.0.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        errors,
        [
            "source key `doi/10.1000` cannot be cited as `@doi/10.1000`",
            "source keys `Smith2001` and `smith2001` would share the page `sources/smith2001/`",
        ],
        "{failure}"
    );
}

// Files that are not UTF-8 Markdown.

#[test]
fn a_binary_file_among_the_documents_is_an_error() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(0..=255u8);
    let failure = Archive::with_site()
        // A link to it is not reported on top of the real problem.
        .document("a", "+++\n+++\n\nSee [the plate](plate.md).\n")
        .file("content/documents/plate.md", &png)
        .build_err();
    assert_error(
        only(&failure),
        "content/documents/plate.md",
        "this looks like a binary file, not Markdown text",
        "move images and other binary files to static/",
        None,
    );
}

#[test]
fn a_file_that_is_not_utf8_names_the_line() {
    // `é` in Latin-1: byte 0xE9 at offset 12, on line 4.
    let failure = Archive::with_site()
        .file("content/documents/a.md", b"+++\n+++\n\nCaf\xe9 au lait.\n")
        .build_err();
    assert_error(
        only(&failure),
        "content/documents/a.md",
        "line 4 is not valid UTF-8 (byte 12)",
        "save the file as UTF-8",
        None,
    );
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_text() {
    let bom = "\u{feff}";
    let archive = Archive::with_site()
        .document(
            "a",
            &format!("{bom}+++\ntitle = \"A document\"\n+++\n\nMullah Omar spoke.\n"),
        )
        .file("content/entities/mullah-omar.md", format!("{bom}{ENTITY}"))
        .file(
            "content/sources.bib",
            format!(
                "{bom}@book{{gannon-2005,\n author = {{Gannon, Kathy}},\n year = {{2005}},\n}}\n"
            ),
        );
    let site = archive.build();
    let page = site.page("a/index.html");
    page.has_text("article.document h1", "A document")
        .has_text(".doc-body p", "Mullah Omar spoke.")
        .has(".doc-body a.mention[href='../entities/mullah-omar/']");
    site.page("entities/mullah-omar/index.html")
        .has_text("h1", "Mullah Omar");
    site.page("sources/gannon-2005/index.html")
        .has_text("h1", "Gannon, 2005");
    assert!(
        !site.read("a/index.html").contains(bom),
        "no BOM in the page"
    );

    // Positions count from the first character after the mark.
    archive.write(
        "content/documents/a.md",
        format!("{bom}+++\ntitel = \"A document\"\n+++\n"),
    );
    let failure = archive.build_err();
    let errors: Vec<&Diagnostic> = failure.0.iter().filter(|d| d.is_error()).collect();
    let [error] = errors.as_slice() else {
        panic!("expected one error:\n{failure}");
    };
    assert_eq!(error.path, Path::new("content/documents/a.md"));
    assert_eq!(error.line_col(), Some((2, 1)));
    assert_eq!(error.help.as_deref(), Some("did you mean `title`?"));
}

// Ids and heading attributes.

#[test]
fn one_explicit_id_twice_in_a_document_is_an_error() {
    let failure = Archive::with_site()
        .document(
            "a",
            "+++\n+++\n\nThe first. {#x}\n\nThe second.\n\n## A heading {#x}\n",
        )
        .build_err();
    assert_error(
        only(&failure),
        "content/documents/a.md",
        "duplicate id `x`",
        "line 4 already uses `{#x}`; ids must be unique in a document",
        Some((8, 1)),
    );
}

#[test]
fn an_unknown_heading_attribute_is_an_error() {
    let failure = Archive::with_site()
        .document(
            "a",
            "+++\nkind = \"timeline\"\n+++\n\n## April 1999 {#april foo=bar date=1999-04}\n\nText.\n",
        )
        .build_err();
    assert_error(
        only(&failure),
        "content/documents/a.md",
        "unknown heading attribute `foo`",
        "headings take `{#id .class date=…}`",
        Some((5, 1)),
    );
}

// Retired ids.

/// The ids of the document's paragraphs, in order, from its page.
fn paragraph_ids(archive: &Archive) -> Vec<String> {
    archive
        .build()
        .page("a/index.html")
        .select(".doc-body p[id]")
        .iter()
        .map(|p| p.value().attr("id").unwrap().to_string())
        .collect()
}

#[test]
fn check_lists_the_ids_a_deleted_paragraph_retired() {
    let archive = Archive::with_site().document(
        "a",
        "+++\n+++\n\nThe first paragraph.\n\nThe second paragraph, soon deleted.\n\nThe third paragraph.\n",
    );
    let ids = paragraph_ids(&archive);
    assert_eq!(ids.len(), 3);
    let clean = archive.run(&["check"]);
    clean.success();
    assert_eq!(clean.stdout(), "", "nothing retired yet");

    archive.write(
        "content/documents/a.md",
        "+++\n+++\n\nThe first paragraph.\n\nThe third paragraph.\n",
    );
    let lock = fs::read_to_string(archive.root().join(LOCK_FILE)).unwrap();
    let expected = format!(
        "Retired paragraph ids (their links land on the block shown):\n  a/#{} → #{}\n",
        ids[1], ids[2]
    );
    let checked = archive.run(&["check"]);
    checked.success().stderr_has("No errors (0 warnings).");
    assert_eq!(checked.stdout(), expected);
    assert_eq!(
        fs::read_to_string(archive.root().join(LOCK_FILE)).unwrap(),
        lock,
        "check writes nothing"
    );

    // Once a build has recorded the retirement, check still lists it.
    assert_eq!(paragraph_ids(&archive), [ids[0].as_str(), ids[2].as_str()]);
    let checked = archive.run(&["check"]);
    assert_eq!(checked.success().stdout(), expected);
}
