//! Serve's rebuild path: build the whole site once, then after each save build
//! again only what the save can have changed.
//!
//! When only documents' bodies changed (no file added or removed, no front
//! matter, entity, source, template, static file or setting touched), the
//! documents whose text is the same are not parsed again, and render writes only
//! the changed documents' pages, the pages of documents whose related passages
//! changed or quote a changed one, the pages of the entities and sources the
//! changed documents mention or cite (before or after the edit), the indexes,
//! listings, the feed, the previews and the search index. Link runs whole: a cross-reference anywhere may point
//! into the edited text. Anything else rebuilds everything.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::check::{self, Checked};
use crate::diagnostics::{Diagnostic, Failure};
use crate::ids::DocLock;
use crate::parse::{self, Document};
use crate::render::{self, Renderer, Selection};
use crate::slashed;

/// The served files, by path.
pub type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// A good build, kept for the next one.
struct Last {
    checked: Checked,
    renderer: Renderer,
    files: Arc<Files>,
}

pub struct Session {
    root: PathBuf,
    last: Option<Last>,
}

/// What a rebuild made.
pub struct Rebuilt {
    pub files: Arc<Files>,
    pub documents: usize,
    /// The files written anew by this build.
    pub written: usize,
    pub warnings: Vec<Diagnostic>,
}

impl Session {
    pub fn new(root: &Path) -> Session {
        Session {
            root: root.to_path_buf(),
            last: None,
        }
    }

    /// Builds again after `changed` (empty: everything).
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Failure> {
        // The watcher names absolute paths.
        let documents = self.root.join("content").join("documents");
        let documents = std::fs::canonicalize(&documents).unwrap_or(documents);
        let only_documents =
            !changed.is_empty() && changed.iter().all(|p| p.starts_with(&documents));
        match self.last.take() {
            Some(last) if only_documents => self.documents_changed(last),
            _ => self.everything(),
        }
    }

    fn everything(&mut self) -> Result<Rebuilt, Failure> {
        let checked = check::archive(&self.root)?;
        let renderer = Renderer::new(&self.root)?;
        let site = crate::site_with(&checked, &renderer)?;
        self.write_lock(&checked)?;
        let mut files: Files = site
            .assets
            .into_iter()
            .map(|a| (slashed(&a.path), Arc::new(a.bytes)))
            .collect();
        let written = files.len() + site.pages.len();
        files.extend(
            site.pages
                .into_iter()
                .map(|p| (slashed(&p.path), Arc::new(p.html.into_bytes()))),
        );
        Ok(self.keep(checked, renderer, Arc::new(files), written))
    }

    fn documents_changed(&mut self, last: Last) -> Result<Rebuilt, Failure> {
        let archive = crate::load::load(&self.root)?;
        let before = &last.checked.parsed.documents;
        let same_set = archive.documents.len() == before.len()
            && archive
                .documents
                .iter()
                .zip(before)
                .all(|(a, b)| a.slug == b.source.slug);
        // A changed title or date shows on other documents' pages too.
        let same_front_matter =
            archive.documents.iter().zip(before).all(|(a, b)| {
                a.file.text[..a.body_start] == b.source.file.text[..b.source.body_start]
            });
        if !same_set || !same_front_matter {
            return self.everything();
        }
        let edited: BTreeSet<usize> = archive
            .documents
            .iter()
            .zip(before)
            .enumerate()
            .filter(|(_, (a, b))| a.file.text != b.source.file.text)
            .map(|(d, _)| d)
            .collect();
        // A document without a title is listed (and linked from its neighbours)
        // by its first words, which a body edit may change.
        let listed_by_words = edited.iter().any(|&d| {
            let meta = &archive.documents[d].meta;
            meta.title.is_none() && meta.supplied_title.is_none()
        });
        if listed_by_words {
            return self.everything();
        }
        let (mut entities, mut sources) = touched(edited.iter().map(|&d| &before[d]));
        let Last {
            checked: previous,
            renderer,
            files,
        } = last;
        let related_before = previous.linked.related;
        let mut lock = previous.parsed.lock;
        let unchanged: HashMap<String, (Document, DocLock)> = previous
            .parsed
            .documents
            .into_iter()
            .enumerate()
            .filter(|(d, _)| !edited.contains(d))
            .map(|(_, doc)| {
                let entry = lock.documents.remove(&doc.source.slug).unwrap_or_default();
                (doc.source.slug.clone(), (doc, entry))
            })
            .collect();
        let unchanged = Mutex::new(unchanged);
        let checked = check::loaded(archive, |archive| {
            parse::parse_reusing(archive, |doc| unchanged.lock().ok()?.remove(&doc.slug))
        })?;
        self.write_lock(&checked)?;
        let (now_entities, now_sources) =
            touched(edited.iter().map(|&d| &checked.parsed.documents[d]));
        entities.extend(now_entities);
        sources.extend(now_sources);
        // Other documents show related passages, with their words, from this one.
        let mut documents = edited.clone();
        for (d, now) in checked.linked.related.iter().enumerate() {
            let points_in = now.iter().flatten().any(|p| edited.contains(&p.document));
            if points_in || related_before.get(d) != Some(now) {
                documents.insert(d);
            }
        }
        let selection = Selection::Some {
            documents,
            entities,
            sources,
        };
        let site = render::Site {
            archive: &checked.archive,
            parsed: &checked.parsed,
            linked: &checked.linked,
        };
        let pages = renderer.render_some(&site, &selection)?;
        // The previews and the search index cover the whole archive.
        let data = render::data(&site);
        let written = pages.len() + data.len();
        let mut files = Arc::unwrap_or_clone(files);
        for page in pages {
            files.insert(slashed(&page.path), Arc::new(page.html.into_bytes()));
        }
        for (path, bytes) in data {
            files.insert(slashed(&path), Arc::new(bytes));
        }
        Ok(self.keep(checked, renderer, Arc::new(files), written))
    }

    fn write_lock(&self, checked: &Checked) -> Result<(), Failure> {
        if !checked.lock_changed {
            return Ok(());
        }
        let text = checked.parsed.lock.to_text();
        crate::write::replace_file(&self.root.join(crate::LOCK_FILE), text.as_bytes())
    }

    fn keep(
        &mut self,
        checked: Checked,
        renderer: Renderer,
        files: Arc<Files>,
        written: usize,
    ) -> Rebuilt {
        let rebuilt = Rebuilt {
            files: Arc::clone(&files),
            documents: checked.parsed.documents.len(),
            written,
            warnings: checked.warnings.clone(),
        };
        self.last = Some(Last {
            checked,
            renderer,
            files,
        });
        rebuilt
    }
}

/// The entities mentioned and sources cited in `documents`.
fn touched<'a>(
    documents: impl Iterator<Item = &'a Document>,
) -> (BTreeSet<usize>, BTreeSet<usize>) {
    let mut entities = BTreeSet::new();
    let mut sources = BTreeSet::new();
    for doc in documents {
        entities.extend(doc.text.mentions.iter().map(|m| m.entity));
        sources.extend(doc.text.citations.iter().map(|c| c.source));
    }
    (entities, sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(from: &Path, to: &Path) {
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

    /// What a rebuild after an edit serves is exactly what a build from scratch
    /// of the edited archive would: the same files, byte for byte.
    #[test]
    fn a_partial_rebuild_serves_what_a_full_build_would() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small-archive"),
            &root,
        );
        let mut session = Session::new(&root);
        session.rebuild(&[]).unwrap();
        let doc = root.join("content/documents/report.md");
        let text = std::fs::read_to_string(&doc).unwrap();
        // The edit drops one mention and citation, adds a paragraph.
        let edited = text
            .replace("General Mahmud Ahmed flew", "A general flew")
            .replace("[@coll-directorate-s, p. 3]", "")
            + "\nA new paragraph names Mullah Omar.\n";
        std::fs::write(&doc, edited).unwrap();
        let doc = std::fs::canonicalize(&doc).unwrap();
        let partial = session.rebuild(&[doc]).unwrap();
        assert!(
            partial.written < partial.files.len(),
            "{} of {} files written",
            partial.written,
            partial.files.len()
        );
        let full = Session::new(&root).rebuild(&[]).unwrap();
        let names: Vec<&String> = partial.files.keys().collect();
        assert_eq!(names, full.files.keys().collect::<Vec<_>>());
        for (path, bytes) in full.files.iter() {
            assert!(
                partial.files[path] == *bytes,
                "{path} differs after the partial rebuild"
            );
        }
    }
}
