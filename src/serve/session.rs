//! Serve's rebuild path: build the whole site once, then after each save do only
//! the work the save calls for, and render a page only when it is asked for.
//!
//! When only documents' bodies changed (no file added or removed, no front
//! matter, entity, source, template, static file or setting touched), only the
//! edited documents are read and parsed again. If an edit kept the document's
//! shape — the same blocks, notes, cross-references, mentions, citations and
//! dates in the same places (`link::same_shape`), as when a sentence is reworded
//! — the links of the archive stand, and only the words they copy are taken
//! again. Otherwise the links are patched where the edit reaches
//! (`Linked::relink`: the edited documents' mentions, citations, links and
//! timeline entries, and the related passages that can change), or, when a
//! link would report a problem, link runs whole for the report. Then the edited
//! documents' pages are rendered at once, and every page the edit may have
//! changed is dropped, to be rendered again when a reader asks for it: the
//! pages quoting the edited text (related passages, entity and source pages,
//! neighbours; the listings and feed, the previews and the search index, each
//! of these three made on its own, as the index takes longest); after a change
//! of shape also the documents whose related passages changed and the entities
//! whose pages show a changed entity's count or neighbours. Anything else
//! rebuilds everything.
//!
//! What is served is what a build from scratch would write, byte for byte (the
//! test below checks it), because a dropped page is rendered from the same state
//! a full build would render it from.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::check::{self, Checked};
use crate::diagnostics::{Diagnostic, Failure};
use crate::link;
use crate::load::{self, DocumentSource};
use crate::parse::{self, Document, Names};
use crate::render::{self, Pick, Renderer, Selection};
use crate::slashed;

/// A file of the site: its bytes, or `None` while it waits to be rendered again.
type Slot = Option<Arc<Vec<u8>>>;

/// A good build, kept for the next one.
struct Last {
    checked: Checked,
    renderer: Renderer,
    names: Names,
    /// Every file of the site, by `/`-separated path.
    files: BTreeMap<String, Slot>,
    /// The files render makes (pages, feeds, data), which an edit may drop;
    /// the others are copied and stay.
    rendered: BTreeSet<String>,
    /// Document indexes by slug.
    slugs: HashMap<String, usize>,
}

pub struct Session {
    root: PathBuf,
    last: Option<Last>,
    /// Whether the lock in memory has ids the lock file lacks.
    unsaved_lock: bool,
    /// Held while the lock file is written, so a full build, which reads it,
    /// waits for a write in flight.
    writing: Arc<Mutex<()>>,
}

/// What a rebuild did.
pub struct Rebuilt {
    pub documents: usize,
    /// The files rendered by this build…
    pub written: usize,
    /// …and those it dropped, to render when asked for.
    pub waiting: usize,
    pub warnings: Vec<Diagnostic>,
}

/// One document edited: its index, and its text as read now.
struct Edit {
    document: usize,
    source: DocumentSource,
}

impl Session {
    pub fn new(root: &Path) -> Session {
        Session {
            root: root.to_path_buf(),
            last: None,
            unsaved_lock: false,
            writing: Arc::default(),
        }
    }

    /// Builds again after `changed` (empty: everything).
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Failure> {
        // A full build reads the lock from disk.
        self.save_lock()?;
        match self.edits(changed) {
            Some(edits) => self.documents_edited(edits),
            None => self.everything(),
        }
    }

    /// Writes the lock file if the last build changed it.
    pub fn save_lock(&mut self) -> Result<(), Failure> {
        let writing = Arc::clone(&self.writing);
        let _writing = writing.lock().unwrap_or_else(|e| e.into_inner());
        self.unsaved_lock()
            .map_or(Ok(()), |(path, text)| write_lock(&path, &text))
    }

    /// The lock file's path and new text, if the last build changed it (the
    /// session counts it as saved from now on). Serve writes it after the new
    /// pages are out, holding [`Session::writing`] but not the session, so the
    /// save is not on a reader's path.
    pub fn unsaved_lock(&mut self) -> Option<(PathBuf, String)> {
        let last = self.last.as_ref().filter(|_| self.unsaved_lock)?;
        self.unsaved_lock = false;
        let text = last.checked.parsed.lock.to_text();
        Some((self.root.join(crate::LOCK_FILE), text))
    }

    /// Held while the lock file is written.
    pub fn writing(&self) -> Arc<Mutex<()>> {
        Arc::clone(&self.writing)
    }

    /// The file at `path` (`/`-separated, relative to the site), rendered now
    /// if the last edit dropped it.
    pub fn file(&mut self, path: &str) -> Option<Arc<Vec<u8>>> {
        let last = self.last.as_mut()?;
        if let Some(bytes) = last.files.get(path)? {
            return Some(Arc::clone(bytes));
        }
        let selection = last.owner(path);
        if let Err(failure) = last.render(&selection) {
            eprintln!("{failure}");
        }
        last.files.get(path).cloned().flatten()
    }

    /// Whether the site has a file below the folder `prefix` (ending in `/`).
    pub fn has_below(&self, prefix: &str) -> bool {
        self.last.as_ref().is_some_and(|last| {
            last.files
                .range(prefix.to_string()..)
                .next()
                .is_some_and(|(path, _)| path.starts_with(prefix))
        })
    }

    /// Every path of the site.
    #[cfg(test)]
    pub fn paths(&self) -> Vec<String> {
        self.last
            .as_ref()
            .map(|last| last.files.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn everything(&mut self) -> Result<Rebuilt, Failure> {
        self.last = None;
        let checked = check::archive(&self.root, check::Keep::All)?;
        let renderer = Renderer::new(&self.root)?;
        let site = crate::site_with(&checked, &renderer)?;
        self.unsaved_lock = checked.lock_changed;
        let mut rendered = site.data;
        rendered.extend(site.pages.iter().map(|p| slashed(&p.path)));
        let files: BTreeMap<String, Slot> = site
            .assets
            .into_iter()
            .map(|a| (slashed(&a.path), Some(Arc::new(a.bytes))))
            .chain(
                site.pages
                    .into_iter()
                    .map(|p| (slashed(&p.path), Some(Arc::new(p.html.into_bytes())))),
            )
            .collect();
        let (names, _) = Names::new(&checked.archive);
        let slugs = slugs(&checked.parsed.documents);
        let rebuilt = Rebuilt {
            documents: checked.parsed.documents.len(),
            written: files.len(),
            waiting: 0,
            warnings: checked.warnings.clone(),
        };
        self.last = Some(Last {
            checked,
            renderer,
            names,
            files,
            rendered,
            slugs,
        });
        Ok(rebuilt)
    }

    /// The documents `changed` names, read again, when nothing but documents'
    /// bodies changed; `None` when the change calls for a full build.
    fn edits(&self, changed: &[PathBuf]) -> Option<Vec<Edit>> {
        let last = self.last.as_ref()?;
        // The watcher names absolute paths.
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let documents = &last.checked.archive.documents;
        let mut edits = Vec::new();
        for path in changed {
            let relative = path.strip_prefix(&root).ok()?;
            if !relative.starts_with("content/documents") {
                return None;
            }
            // An editor's temporary and backup files are no documents.
            if relative.extension().is_none_or(|x| x != "md") {
                continue;
            }
            let d = documents.iter().position(|doc| doc.file.path == relative)?;
            // A file that cannot be read now gets its error from a full build.
            let source = load::load_document(&self.root, relative).ok()?;
            let before = &documents[d];
            // A changed title or date shows on other documents' pages too.
            if source.file.text[..source.body_start] != before.file.text[..before.body_start] {
                return None;
            }
            // A path named twice is read once.
            edits.retain(|e: &Edit| e.document != d);
            if source.file.text != before.file.text {
                edits.push(Edit {
                    document: d,
                    source,
                });
            }
        }
        (!changed.is_empty()).then_some(edits)
    }

    fn documents_edited(&mut self, edits: Vec<Edit>) -> Result<Rebuilt, Failure> {
        let Some(last) = self.last.as_mut() else {
            return self.everything();
        };
        let Some((written, lock_changed)) = last.edited(edits)? else {
            return self.everything();
        };
        self.unsaved_lock |= lock_changed;
        Ok(Rebuilt {
            documents: last.checked.parsed.documents.len(),
            written,
            waiting: last.files.values().filter(|slot| slot.is_none()).count(),
            warnings: last.checked.warnings.clone(),
        })
    }
}

impl Last {
    /// Takes in `edits`, drops the pages they may change and renders the edited
    /// documents' pages; returns how many files were rendered and whether the
    /// lock changed, or `None`, with the build as it was, when the edits change
    /// the set of pages. On failure the build is as it was.
    fn edited(&mut self, edits: Vec<Edit>) -> Result<Option<(usize, bool)>, Failure> {
        let lookup = self.names.lookup();
        let mut parsed = Vec::with_capacity(edits.len());
        for edit in edits {
            let lock = &self.checked.parsed.lock;
            let previous = lock.documents.get(&edit.source.slug).cloned();
            let (doc, doc_lock, diagnostics) =
                parse::parse_document(&edit.source, &previous.unwrap_or_default(), &lookup);
            if diagnostics.iter().any(Diagnostic::is_error) {
                return Err(Failure::new(diagnostics));
            }
            parsed.push((edit, doc, doc_lock, diagnostics));
        }
        let new: Vec<(usize, &Document)> = parsed
            .iter()
            .map(|(e, doc, ..)| (e.document, doc))
            .collect();
        if self.notes_pages_after(&new) != self.notes_pages_after(&[]) {
            return Ok(None);
        }
        let edited: BTreeSet<usize> = parsed.iter().map(|(e, ..)| e.document).collect();
        let reworded = parsed.iter().all(|(edit, doc, ..)| {
            link::same_shape(&self.checked.parsed.documents[edit.document], doc)
        });
        // What quotes the edited words, found before the edit changes it.
        let mut stale = self.quoting(&edited);
        let checked = &mut self.checked;
        let mut before = Vec::new();
        let mut news = Vec::new();
        for (edit, doc, doc_lock, diagnostics) in parsed {
            let d = edit.document;
            let source = std::mem::replace(&mut checked.archive.documents[d], edit.source);
            let doc = std::mem::replace(&mut checked.parsed.documents[d], doc);
            before.push((d, source, doc));
            news.push((d, doc_lock, diagnostics));
        }
        let mut reshaped = None;
        if reworded {
            checked.linked.reword(&checked.parsed.documents, &edited);
        } else {
            let old: Vec<(usize, &Document)> = before.iter().map(|(d, _, doc)| (*d, doc)).collect();
            let counts: Vec<usize> = checked
                .linked
                .entities
                .iter()
                .map(|e| e.mentions.len())
                .collect();
            let diagnostics = checked.linked.diagnostics.clone();
            let relinked = crate::timings::time("relink", || {
                checked
                    .linked
                    .relink(&checked.archive, &checked.parsed, &old)
            });
            match relinked {
                Some(related) => {
                    swap_warnings(
                        &mut checked.warnings,
                        &diagnostics,
                        &checked.linked.diagnostics,
                    );
                    reshaped = Some((related, counts));
                }
                None => {
                    let linked = link::link(&checked.archive, &checked.parsed);
                    if linked.diagnostics.iter().any(Diagnostic::is_error) {
                        for (d, source, doc) in before {
                            checked.archive.documents[d] = source;
                            checked.parsed.documents[d] = doc;
                        }
                        return Err(Failure::new(linked.diagnostics));
                    }
                    swap_warnings(&mut checked.warnings, &diagnostics, &linked.diagnostics);
                    checked.linked = linked;
                    // Related passages may have moved anywhere.
                    stale = Selection::ALL;
                }
            }
        }
        if let Some((related, counts)) = reshaped {
            stale = self.reshaped(&edited, stale, related, &counts);
        }
        let checked = &mut self.checked;
        let mut lock_changed = false;
        for ((d, source, _), (_, doc_lock, diagnostics)) in before.iter().zip(news) {
            checked.warnings.retain(|w| w.path != source.file.path);
            checked.warnings.extend(diagnostics);
            let slug = &checked.archive.documents[*d].slug;
            if checked.parsed.lock.documents.get(slug) != Some(&doc_lock) {
                lock_changed = true;
                checked.parsed.lock.documents.insert(slug.clone(), doc_lock);
            }
        }
        crate::diagnostics::sort(&mut checked.warnings);
        self.drop_pages(&stale);
        let written = self.render(&Selection {
            documents: Pick::These(edited),
            ..Selection::NONE
        })?;
        Ok(Some((written, lock_changed)))
    }

    /// How many pages the editorial notes would take with the `edited`
    /// documents in place of theirs: a body edit can add a document's
    /// first note or remove its last.
    fn notes_pages_after(&self, edited: &[(usize, &Document)]) -> usize {
        let documents = &self.checked.parsed.documents;
        let has_notes = |d: usize| {
            let doc = edited
                .iter()
                .find(|(e, _)| *e == d)
                .map_or(&documents[d], |(_, doc)| doc);
            !doc.text.annotations.is_empty()
        };
        let annotated = (0..documents.len()).filter(|&d| has_notes(d)).count();
        let config = &self.checked.archive.config;
        let per_page = self.renderer.per_page("annotations.html", config);
        render::pagination::count(annotated, per_page)
    }

    /// The pages that show words of the documents `edited`: their own, their
    /// neighbours' (which name them), the pages of documents whose related
    /// passages quote them, of the entities they mention and the sources they
    /// cite, and the listings and data files.
    fn quoting(&self, edited: &BTreeSet<usize>) -> Selection {
        let parsed = &self.checked.parsed;
        let mut documents = edited.clone();
        for &d in edited {
            documents.extend(d.checked_sub(1));
            documents.extend((d + 1 < parsed.documents.len()).then_some(d + 1));
        }
        for (d, blocks) in self.checked.linked.related.iter().enumerate() {
            if blocks
                .iter()
                .flatten()
                .any(|p| edited.contains(&p.document))
            {
                documents.insert(d);
            }
        }
        let mut entities = BTreeSet::new();
        let mut sources = BTreeSet::new();
        for &d in edited {
            let text = &parsed.documents[d].text;
            entities.extend(text.mentions.iter().map(|m| m.entity));
            sources.extend(text.citations.iter().map(|c| c.source));
        }
        Selection {
            documents: Pick::These(documents),
            entities: Pick::These(entities),
            sources: Pick::These(sources),
            listings: true,
            previews: true,
            search: true,
        }
    }

    /// The pages an edit that changed the shape of the documents `edited` may
    /// have changed, besides `before` (what quoted them before the edit): what
    /// quotes them now, the documents whose related passages changed
    /// (`related`), and the entities whose pages show an entity the edit
    /// mentions or stopped mentioning: among the entities they are most often
    /// mentioned with, or beside them in a timeline entry (when the count of
    /// mentions changed from `counts`).
    fn reshaped(
        &self,
        edited: &BTreeSet<usize>,
        before: Selection,
        related: BTreeSet<usize>,
        counts: &[usize],
    ) -> Selection {
        let mut stale = union(before, self.quoting(edited));
        stale = union(
            stale,
            Selection {
                documents: Pick::These(related),
                ..Selection::NONE
            },
        );
        let Pick::These(touched) = &stale.entities else {
            return stale;
        };
        let linked = &self.checked.linked;
        let links = &linked.entities;
        let shown = render::entity::RELATED.max(render::entity::NEIGHBOURS);
        let mut entities: BTreeSet<usize> = (0..links.len())
            .filter(|&e| {
                links[e]
                    .related
                    .iter()
                    .take(shown)
                    .any(|(other, _)| touched.contains(other))
            })
            .collect();
        let recounted: BTreeSet<usize> = touched
            .iter()
            .copied()
            .filter(|&e| counts[e] != links[e].mentions.len())
            .collect();
        if !recounted.is_empty() {
            for entry in &linked.timeline {
                if entry.entities.iter().any(|e| recounted.contains(e)) {
                    entities.extend(&entry.entities);
                }
            }
        }
        union(
            stale,
            Selection {
                entities: Pick::These(entities),
                ..Selection::NONE
            },
        )
    }

    /// The selection that renders the file at `path`.
    fn owner(&self, path: &str) -> Selection {
        let mut selection = Selection::NONE;
        let archive = &self.checked.archive;
        let folder = path.strip_suffix("/index.html");
        let pick = |i: usize| Pick::These(BTreeSet::from([i]));
        if let Some(&d) = folder.and_then(|slug| self.slugs.get(slug)) {
            selection.documents = pick(d);
        } else if let Some(e) = folder
            .and_then(|f| f.strip_prefix("entities/"))
            .and_then(|id| {
                archive
                    .entities
                    .binary_search_by(|e| e.id.as_str().cmp(id))
                    .ok()
            })
        {
            selection.entities = pick(e);
        } else if let Some(s) = folder
            .and_then(|f| f.strip_prefix("sources/"))
            .and_then(|key| {
                archive
                    .sources
                    .binary_search_by(|s| s.key.as_str().cmp(key))
                    .ok()
            })
        {
            selection.sources = pick(s);
        } else if path == "previews.json" {
            selection.previews = true;
        } else if path.starts_with("search/")
            // The search page is a listing; the index's files beside it are data.
            && Path::new(path) != render::paths::Page::Search.file()
        {
            selection.search = true;
        } else {
            selection.listings = true;
        }
        selection
    }

    /// Drops the pages `selection` names (never the sitemap: an edit of a body
    /// keeps the set of pages), to be rendered when asked for.
    fn drop_pages(&mut self, selection: &Selection) {
        let dropped: Vec<String> = self
            .rendered
            .iter()
            .filter(|path| *path != "sitemap.xml" && within(&self.owner(path), selection))
            .cloned()
            .collect();
        for path in dropped {
            self.files.insert(path, None);
        }
    }

    /// Renders `selection` into the dropped slots; returns how many were filled.
    fn render(&mut self, selection: &Selection) -> Result<usize, Failure> {
        let checked = &self.checked;
        let site = render::Site {
            archive: &checked.archive,
            parsed: &checked.parsed,
            linked: &checked.linked,
        };
        let made = self.renderer.render_some(&site, selection)?;
        let mut filled = 0;
        for (path, bytes) in made {
            let path = slashed(&path);
            // A file of the archive's `static/` keeps its place over a generated
            // one; the search index may come in more files than before.
            match self.files.get_mut(&path) {
                Some(Some(_)) => continue,
                Some(slot) => *slot = Some(Arc::new(bytes)),
                None => {
                    self.rendered.insert(path.clone());
                    self.files.insert(path, Some(Arc::new(bytes)));
                }
            }
            filled += 1;
        }
        Ok(filled)
    }
}

pub fn write_lock(path: &Path, text: &str) -> Result<(), Failure> {
    crate::write::replace_file(path, text.as_bytes())
}

fn slugs(documents: &[Document]) -> HashMap<String, usize> {
    documents
        .iter()
        .enumerate()
        .map(|(d, doc)| (doc.source.slug.clone(), d))
        .collect()
}

/// The warnings of `warnings` that are not link's `old` diagnostics, and link's `new` ones.
fn swap_warnings(warnings: &mut Vec<Diagnostic>, old: &[Diagnostic], new: &[Diagnostic]) {
    warnings.retain(|w| !old.contains(w));
    warnings.extend(new.iter().cloned());
}

/// The pages either selection renders.
fn union(a: Selection, b: Selection) -> Selection {
    let pick = |a: Pick, b: Pick| match (a, b) {
        (Pick::These(mut a), Pick::These(b)) => {
            a.extend(b);
            Pick::These(a)
        }
        _ => Pick::All,
    };
    Selection {
        documents: pick(a.documents, b.documents),
        entities: pick(a.entities, b.entities),
        sources: pick(a.sources, b.sources),
        listings: a.listings || b.listings,
        previews: a.previews || b.previews,
        search: a.search || b.search,
    }
}

/// Whether `selection` renders everything `unit` (one page's owner) does.
fn within(unit: &Selection, selection: &Selection) -> bool {
    let covered = |a: &Pick, b: &Pick| match a {
        Pick::All => matches!(b, Pick::All),
        Pick::These(these) => these.iter().all(|&i| b.has(i)),
    };
    (!unit.listings || selection.listings)
        && (!unit.previews || selection.previews)
        && (!unit.search || selection.search)
        && covered(&unit.documents, &selection.documents)
        && covered(&unit.entities, &selection.entities)
        && covered(&unit.sources, &selection.sources)
}

#[cfg(test)]
mod random;

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn copy(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let target = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// Every file a session serves, rendering what waits.
    pub(super) fn served(session: &mut Session) -> BTreeMap<String, Arc<Vec<u8>>> {
        session
            .paths()
            .into_iter()
            .map(|path| {
                let bytes = session.file(&path).unwrap();
                (path, bytes)
            })
            .collect()
    }

    /// Edits `report.md` with `edit` after a first build, and checks that the
    /// session then serves exactly what a build from scratch of the edited
    /// archive would: the same files, byte for byte. Returns what the rebuild
    /// did, and whether the page of a document that quotes nothing of it
    /// waited to be rendered again.
    fn edit_and_compare(edit: impl Fn(&str) -> String) -> (Rebuilt, bool) {
        let (_dir, root, mut session, partial) = edited(edit);
        let aside = "a-aside/index.html";
        let aside_waited = session.last.as_ref().unwrap().files[aside].is_none();
        serves_a_full_build(&mut session, &root);
        (partial, aside_waited)
    }

    /// Checks that `session` serves what a build from scratch of `root` would.
    fn serves_a_full_build(session: &mut Session, root: &Path) {
        let after = served(session);
        let mut fresh = Session::new(root);
        fresh.rebuild(&[]).unwrap();
        let linked = |s: &Session| s.last.as_ref().map(|l| l.checked.linked.clone());
        assert!(
            linked(session) == linked(&fresh),
            "the links differ from a full build's"
        );
        let full = served(&mut fresh);
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            full.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &full {
            assert!(
                after[path] == *bytes,
                "{path} differs after the partial rebuild"
            );
        }
    }

    /// The small archive with a document before `report.md` served, then
    /// `report.md` edited by `edit` and rebuilt: the folder that holds it, the
    /// archive's root, the session and what the rebuild did.
    fn edited(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf, Session, Rebuilt) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small-archive"),
            &root,
        );
        // Before `report.md` in the archive's order, but not next to it.
        std::fs::write(
            root.join("content/documents/a-aside.md"),
            "+++\ntitle = \"Aside\"\n+++\n\nNothing here names anyone.\n",
        )
        .unwrap();
        let mut session = Session::new(&root);
        session.rebuild(&[]).unwrap();
        let doc = root.join("content/documents/report.md");
        let text = std::fs::read_to_string(&doc).unwrap();
        std::fs::write(&doc, edit(&text)).unwrap();
        let doc = std::fs::canonicalize(&doc).unwrap();
        // An editor's swap file beside it changes nothing.
        let swap = doc.with_file_name(".report.md.swp");
        let partial = session.rebuild(&[doc, swap]).unwrap();
        session.save_lock().unwrap();
        (dir, root, session, partial)
    }

    #[test]
    fn edited_documents_are_served_as_a_full_build_would_serve_them() {
        let reworded = edit_and_compare(|text| {
            text.replace(
                "General Mahmud Ahmed flew",
                "General Mahmud Ahmed then flew",
            )
        });
        // Only the edited page is rendered at once. A rewording keeps the
        // links, so a page that quotes nothing of it stays.
        assert_eq!(reworded.0.written, 1);
        assert!(reworded.0.waiting > 0);
        assert!(!reworded.1);
        type Change = fn(&str) -> String;
        let reshapings: [(&str, Change); 7] = [
            (
                "a mention and a citation dropped, a paragraph added",
                |text| {
                    text.replace("General Mahmud Ahmed flew", "A general flew")
                        .replace("[@coll-directorate-s, p. 3]", "")
                        + "\nA new paragraph names Mullah Omar.\n"
                },
            ),
            ("a paragraph removed", |text| {
                text.replace("The cable was filed as:\n\n", "")
            }),
            ("a paragraph inserted first", |text| {
                text.replace(
                    "+++\n\nGeneral",
                    "+++\n\nIn 1999 Mullah Omar wrote.\n\nGeneral",
                )
            }),
            ("a mention added", |text| {
                text.replace("Others cite", "Others, and Mullah Omar, cite")
            }),
            ("a footnote added", |text| {
                text.replace("twice.", "twice.[^2]")
                    + "\n[^2]: A second note names General Mahmud Ahmed.\n"
            }),
            ("a cross-reference added", |text| {
                text.replace(
                    "This paragraph chooses",
                    "[See the chronology](chronology.md). This paragraph chooses",
                )
            }),
            ("two paragraphs swapped", |text| {
                let first = "This paragraph chooses its own id. {#my-id}\n\n";
                let second = "The cable was filed as:\n\n";
                text.replace(first, "")
                    .replace(second, &format!("{second}{first}"))
            }),
        ];
        for (what, edit) in reshapings {
            let (rebuilt, aside_waited) = edit_and_compare(edit);
            // The links are taken again only where the edit reaches.
            assert_eq!(rebuilt.written, 1, "{what}");
            assert!(!aside_waited, "{what}: an unrelated page was dropped");
        }
    }

    #[test]
    fn a_listing_or_the_previews_asked_for_after_an_edit_do_not_wait_for_the_search_index() {
        let (_dir, _root, mut session, _) =
            edited(|text| text.replace("paragraph chooses", "paragraph then chooses"));
        let waiting = |s: &Session, path: &str| s.last.as_ref().unwrap().files[path].is_none();
        assert!(waiting(&session, "index.html") && waiting(&session, "previews.json"));
        let home = session.file("index.html").unwrap();
        assert!(String::from_utf8_lossy(&home).contains("</html>"));
        assert!(
            waiting(&session, "previews.json"),
            "made with the home page"
        );
        let previews = session.file("previews.json").unwrap();
        assert!(String::from_utf8_lossy(&previews).contains("then chooses"));
        assert!(
            waiting(&session, "search/meta.json.gz"),
            "made apart from the previews"
        );
        let meta = session.file("search/meta.json.gz").unwrap();
        assert!(
            meta.starts_with(&[0x1f, 0x8b]),
            "the index's meta file, gzipped"
        );
        assert!(
            !waiting(&session, "search/lengths.bin.gz"),
            "made with the rest of the index"
        );
    }

    #[test]
    fn the_search_page_is_served_after_an_edit() {
        let (_dir, _root, mut session, _) =
            edited(|text| text.replace("paragraph chooses", "paragraph then chooses"));
        let page = session.file("search/index.html").expect("the search page");
        assert!(String::from_utf8_lossy(&page).contains("</html>"));
    }

    #[test]
    fn a_first_note_that_adds_a_page_of_notes_is_served_as_a_full_build_would() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small-archive"),
            &root,
        );
        let site = root.join("site.toml");
        let settings = std::fs::read_to_string(&site).unwrap();
        std::fs::write(&site, settings + "documents_per_page = 1\n").unwrap();
        let mut session = Session::new(&root);
        session.rebuild(&[]).unwrap();
        assert!(
            !session
                .paths()
                .contains(&"annotations/page/2/index.html".to_string())
        );
        let doc = root.join("content/documents/chronology.md");
        let text = std::fs::read_to_string(&doc).unwrap();
        let noted = text.replace("in Kandahar.", "in Kandahar.{>>In March, some say.<<}");
        assert_ne!(noted, text);
        for text in [noted, text] {
            std::fs::write(&doc, text).unwrap();
            session
                .rebuild(&[std::fs::canonicalize(&doc).unwrap()])
                .unwrap();
            serves_a_full_build(&mut session, &root);
        }
    }
}
