//! Stable paragraph ids on the real archive: edit scenarios, then a rebuild. Every id
//! that existed before must still resolve — to its block, or through the page's
//! redirect map to the nearest surviving block — and lightly edited or untouched
//! blocks keep theirs. The page script's redirect is checked in a real browser.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use common::{Archive, Page, assert_same_files, snapshot};

const DOC: &str = "cia-and-isi-a-failed-marriage";

fn doc_path(slug: &str) -> String {
    format!("content/documents/{slug}.md")
}

/// Every block id on a document page with the block's text.
fn blocks(page: &Page) -> BTreeMap<String, String> {
    page.select(".doc-body [id]")
        .into_iter()
        .filter(|e| e.value().attr("data-n").is_some() || e.value().name().starts_with('h'))
        .map(|e| {
            (
                e.value().attr("id").unwrap().to_string(),
                common::text_of(e),
            )
        })
        .collect()
}

/// The page's map of retired ids, from the JSON its script reads (none when the
/// document retired no id).
fn redirects(page: &Page) -> BTreeMap<String, String> {
    let Some(script) = page.select("script#lectern-redirects").first().copied() else {
        return BTreeMap::new();
    };
    let json = common::text_of(script);
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    value
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Applies `edit` to a copy of the document's Markdown, builds the copy, and returns
/// it with the page before (from the shared build of the archive as committed) and after.
fn rebuild_after(slug: &str, edit: impl Fn(&str) -> String) -> (Archive, Page, Page) {
    let before = common::repository_site().page(&format!("{slug}/index.html"));
    let archive = Archive::repository();
    let text = std::fs::read_to_string(archive.root().join(doc_path(slug))).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the scenario must change the document");
    archive.write(doc_path(slug), edited);
    let after = archive.build().page(&format!("{slug}/index.html"));
    (archive, before, after)
}

/// Every id of `before` exists in `after` or redirects to an id that does.
fn assert_every_id_resolves(before: &Page, after: &Page) {
    let now: BTreeSet<String> = after.ids().into_iter().collect();
    let map = redirects(after);
    for id in blocks(before).keys() {
        if now.contains(id) {
            continue;
        }
        let to = map
            .get(id)
            .unwrap_or_else(|| panic!("#{id} vanished without a redirect"));
        assert!(
            now.contains(to),
            "#{id} redirects to #{to}, which does not exist"
        );
    }
}

fn paragraphs(text: &str) -> Vec<&str> {
    text.split("\n\n").collect()
}

/// The index of the paragraph of `text` that contains `needle`.
fn find(text: &str, needle: &str) -> usize {
    paragraphs(text)
        .iter()
        .position(|p| p.contains(needle))
        .unwrap_or_else(|| panic!("no paragraph with {needle:?}"))
}

fn id_of(page: &Page, needle: &str) -> String {
    blocks(page)
        .into_iter()
        .find(|(_, text)| text.contains(needle))
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no block with {needle:?}"))
}

#[test]
fn a_typo_fix_and_a_new_sentence_keep_ids() {
    let (_, before, after) = rebuild_after(DOC, |t| {
        t.replace(
            "raised into the meeting room",
            "raced into the meeting room",
        )
        .replace(
            "No American accompanied him.",
            "No American accompanied him. He went alone.",
        )
    });
    for needle in ["Committee staffers", "No American accompanied him"] {
        assert_eq!(id_of(&before, needle), id_of(&after, needle), "{needle}");
    }
    assert_eq!(blocks(&before).len(), blocks(&after).len());
    assert_every_id_resolves(&before, &after);
}

#[test]
fn inserting_deleting_and_reordering_keep_other_ids() {
    let (_, before, after) = rebuild_after(DOC, |t| {
        let mut ps: Vec<String> = paragraphs(t).iter().map(|p| p.to_string()).collect();
        let gone = find(t, "Mahmud returned to Pakistan on September 15");
        ps.remove(gone);
        let a = find(&ps.join("\n\n"), "On September 24 the ISI chief");
        let b = find(&ps.join("\n\n"), "Even as the US started preparing");
        ps.swap(a, b);
        let at = find(&ps.join("\n\n"), "The following morning, General Ahmed");
        ps.insert(
            at,
            "An inserted paragraph that says something entirely new about the archive.".into(),
        );
        ps.join("\n\n")
    });
    let old = blocks(&before);
    let new = blocks(&after);
    for (id, text) in &old {
        if text.contains("Mahmud returned to Pakistan on September 15") {
            assert!(!new.contains_key(id), "the deleted block's id is retired");
        } else {
            // Footnote numbers follow reading order, so compare the words before them.
            let start = |t: &str| t.chars().take(80).collect::<String>();
            assert_eq!(
                new.get(id).map(|t| start(t)),
                Some(start(text)),
                "#{id} keeps its block"
            );
        }
    }
    assert_every_id_resolves(&before, &after);
}

#[test]
fn merged_and_split_paragraphs_leave_no_dead_links() {
    let (_, before, after) = rebuild_after(DOC, |t| {
        let mut ps: Vec<String> = paragraphs(t).iter().map(|p| p.to_string()).collect();
        let i = find(t, "Mullah Mohammad Omar refused to hand over");
        let next = ps.remove(i + 1);
        ps[i] = format!("{} {}", ps[i], next);
        let j = find(
            &ps.join("\n\n"),
            "A day after the war in Afghanistan started",
        );
        let (first, rest) = ps[j].split_once(" Peshawar was one of").unwrap();
        let split = format!("{first}\n\nPeshawar was one of{rest}");
        ps[j] = split;
        ps.join("\n\n")
    });
    assert_every_id_resolves(&before, &after);
    assert_eq!(
        id_of(&before, "Mullah Mohammad Omar refused"),
        id_of(&after, "Mullah Mohammad Omar refused"),
        "the block that absorbed its neighbour keeps its id"
    );
}

#[test]
fn an_explicit_id_wins_and_builds_are_reproducible() {
    let (archive, _, after) = rebuild_after(DOC, |t| {
        t.replace(
            "No American accompanied him.",
            "No American accompanied him. {#alone}",
        )
    });
    assert_eq!(id_of(&after, "No American accompanied him"), "alone");
    // The same content and lock give the same output, byte for byte, and leave the
    // lock as it was.
    let lock_path = archive.root().join(lectern::LOCK_FILE);
    let lock = std::fs::read_to_string(&lock_path).unwrap();
    let again = archive.build_to(&archive.scratch("again"));
    assert_same_files(&snapshot(&archive.out()), &again.snapshot());
    assert_eq!(lock, std::fs::read_to_string(&lock_path).unwrap());
}

#[test]
fn locked_builds_fail_when_ids_would_change() {
    let archive = Archive::repository();
    // The committed lock file is current: content changes were built and committed.
    archive.run(&["build", "--locked"]).success();
    archive.build();
    let lock = std::fs::read_to_string(archive.root().join(lectern::LOCK_FILE)).unwrap();
    archive.run(&["build", "--locked"]).success();
    let text = std::fs::read_to_string(archive.root().join(doc_path(DOC))).unwrap();
    archive.write(doc_path(DOC), format!("{text}\nA new closing paragraph.\n"));
    archive
        .run(&["build", "--locked"])
        .failure()
        .stderr_has("--locked");
    let unchanged = std::fs::read_to_string(archive.root().join(lectern::LOCK_FILE)).unwrap();
    assert_eq!(lock, unchanged, "--locked never writes the lock");
}

#[test]
fn locked_builds_fail_when_a_document_is_added_or_removed() {
    let archive = Archive::repository();
    archive.run(&["build", "--locked"]).success();
    // A new document's ids are not in the lock yet.
    let new = doc_path("a-new-document");
    archive.write(
        &new,
        "+++\ntitle = \"A new document\"\n+++\n\nIts only paragraph.\n",
    );
    archive
        .run(&["build", "--locked"])
        .failure()
        .stderr_has("--locked");
    archive.build();
    let recorded = std::fs::read_to_string(archive.root().join(lectern::LOCK_FILE)).unwrap();
    assert!(recorded.contains("a-new-document"), "{recorded}");
    archive.run(&["build", "--locked"]).success();
    // A removed document's ids would leave the lock.
    std::fs::remove_file(archive.root().join(&new)).unwrap();
    archive
        .run(&["build", "--locked"])
        .failure()
        .stderr_has("--locked");
    archive.build();
    let recorded = std::fs::read_to_string(archive.root().join(lectern::LOCK_FILE)).unwrap();
    assert!(!recorded.contains("a-new-document"), "{recorded}");
}

/// Loads `url` in headless Chromium and returns the DOM after scripts ran.
fn browser_dom(url: &str) -> Option<String> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })?;
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
        ])
        .args([
            "--disable-component-update",
            "--no-first-run",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", url])
        .output()
        .expect("chromium runs");
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_retired_id_lands_on_its_neighbour_in_a_browser() {
    let (archive, before, after) = rebuild_after(DOC, |t| {
        let mut ps: Vec<String> = paragraphs(t).iter().map(|p| p.to_string()).collect();
        ps.remove(find(t, "Mahmud returned to Pakistan on September 15"));
        ps.join("\n\n")
    });
    let gone = id_of(&before, "Mahmud returned to Pakistan on September 15");
    let to = redirects(&after)
        .get(&gone)
        .cloned()
        .expect("the deleted id is retired");
    assert_eq!(
        to,
        id_of(&after, "Mahmud came back empty handed"),
        "it points at the next block"
    );

    let listener = lectern::serve::bind(0).unwrap();
    let port = listener.local_addr().unwrap().port();
    let out = archive.out();
    std::thread::spawn(move || lectern::serve::run(listener, Path::new(&out)));
    let base = format!("http://127.0.0.1:{port}/{DOC}/");
    let Some(dom) = browser_dom(&format!("{base}#{gone}")) else {
        // CI installs Chromium (.ci/run sets LECTERN_BROWSER_TESTS); elsewhere say why nothing ran.
        assert!(
            std::env::var_os("LECTERN_BROWSER_TESTS").is_none(),
            "Chromium is required for browser tests"
        );
        eprintln!(
            "skipped the browser half: no Chromium on this machine (apt-get install chromium)"
        );
        return;
    };
    let page = Page::parse("redirected", dom);
    page.has(".moved-notice[role=status]");
    page.has(&format!("[id=\"{to}\"].arrived"));
    // A ¶ link and a cite button are added to every citable block.
    let blocks = page.select(".doc-body [data-n]").len()
        + page
            .select(".doc-body h2[id], .doc-body h3[id], .doc-body h4[id]")
            .len();
    assert!(blocks > 0);
    assert_eq!(page.select(".doc-body .pilcrow").len(), blocks);
    assert_eq!(page.select("button.cite-button").len(), blocks);

    // A text fragment is the browser's business: no notice, nothing moved.
    let dom = browser_dom(&format!("{base}#:~:text=Mahmud%20came%20back")).unwrap();
    let page = Page::parse("fragment", dom);
    page.count(".moved-notice", 0);
}
