//! Stage 1, load: read the archive from disk into plain data.
//!
//! Reads `site.toml`, the lock file of block ids and every content file, splits
//! front matter from body and checks that each file is UTF-8 text with a valid
//! slug. Nothing here interprets Markdown. Problems are collected across all
//! files, not stopped at the first.

pub mod entities;
pub mod front_matter;
pub mod sources;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Failure};
use crate::ids::Lock;
pub use entities::{EntityMeta, EntitySource};
pub use front_matter::{DocumentMeta, Field, FieldSource};

/// Slugs the generator uses for its own pages; a document may not take them.
pub const RESERVED_SLUGS: &[&str] = &[
    "entities",
    "sources",
    "timeline",
    "annotations",
    "static",
    "search",
    "page",
];

/// An archive as read from disk.
#[derive(Debug, Clone)]
pub struct Archive {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// Sorted by slug.
    pub documents: Vec<DocumentSource>,
    /// Sorted by id.
    pub entities: Vec<EntitySource>,
    /// The bibliography, sorted by key.
    pub sources: Vec<sources::Source>,
    /// The block ids recorded by the last build, until parsing has carried them
    /// into the new lock (`check::loaded` hands them to parse, and this is left empty).
    pub lock: Lock,
    /// Problems with single files. Loading goes on without them, so that one build
    /// reports every problem in the archive, not just the first stage's.
    pub problems: Vec<Diagnostic>,
    /// Slugs of documents that could not be read: links to them are not reported
    /// as broken on top of the real problem.
    pub unreadable: BTreeSet<String>,
}

/// One content file: where it is (relative to the root) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl SourceFile {
    /// Its text, to quote in a report: read from the file under `root` again when
    /// a build has already freed it (empty when it cannot be read; the report
    /// then names the file alone).
    pub fn text_to_quote(&self, root: &Path) -> Arc<str> {
        if !self.text.is_empty() {
            return Arc::clone(&self.text);
        }
        std::fs::read_to_string(root.join(&self.path)).map_or_else(|_| Arc::from(""), Arc::from)
    }
}

/// A document before its Markdown is parsed.
#[derive(Debug, Clone)]
pub struct DocumentSource {
    pub slug: String,
    /// The file and its text. `lectern build` and `lectern check` empty the text
    /// once it is parsed (`parse::Markdown::Drop`): render reads the parsed
    /// document, never this.
    pub file: SourceFile,
    pub meta: DocumentMeta,
    /// Byte offset of the body in `file.text`, so later stages report true positions.
    pub body_start: usize,
    /// The front matter fields printed with the text (subtitle, byline, the lead
    /// image's caption and credit), located in the file.
    pub fields: Vec<FieldSource>,
}

impl DocumentSource {
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }
}

/// Reads the archive at `root`.
pub fn load(root: &Path) -> Result<Archive, Failure> {
    let config = SiteConfig::load(root)?;
    // The lock is parsed while the content files are read: neither needs the other.
    let (lock, content) = rayon::join(|| read_lock(root), || read_content(root, &config));
    let lock = lock?;
    let Content {
        paths,
        results,
        entities,
        sources,
        mut diagnostics,
    } = content?;
    let mut documents = Vec::new();
    let mut unreadable = BTreeSet::new();
    for (result, path) in results.into_iter().zip(&paths) {
        match result {
            Ok(doc) => documents.push(doc),
            Err(d) => {
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                unreadable.insert(stem.to_string());
                diagnostics.push(d);
            }
        }
    }
    documents.sort_by(|a, b| {
        a.slug
            .cmp(&b.slug)
            .then_with(|| a.file.path.cmp(&b.file.path))
    });
    for pair in documents.windows(2) {
        if pair[0].slug == pair[1].slug {
            diagnostics.push(
                Diagnostic::error(
                    &pair[1].file.path,
                    format!("duplicate slug `{}`", pair[1].slug),
                )
                .help(format!(
                    "{} has the same file name; rename one of them",
                    pair[0].file.path.display()
                )),
            );
        }
    }
    Ok(Archive {
        root: root.to_path_buf(),
        config,
        documents,
        entities,
        sources,
        lock,
        problems: diagnostics,
        unreadable,
    })
}

/// The content files, read but not yet sorted or checked against each other.
struct Content {
    paths: Vec<PathBuf>,
    results: Vec<Result<DocumentSource, Diagnostic>>,
    entities: Vec<EntitySource>,
    sources: Vec<sources::Source>,
    diagnostics: Vec<Diagnostic>,
}

/// Reads the documents, the entities and the bibliography, all at once.
fn read_content(root: &Path, config: &SiteConfig) -> Result<Content, Failure> {
    let documents_dir = root.join("content").join("documents");
    if !documents_dir.is_dir() {
        return Err(Diagnostic::error(
            Path::new("content/documents"),
            format!("no documents folder at {}", documents_dir.display()),
        )
        .help("put each document in content/documents/<slug>.md, or pass --root with the archive's folder")
        .into());
    }
    let paths = markdown_files(root, &documents_dir)?;
    let (results, ((entities, mut diagnostics), (sources, source_diagnostics))) = rayon::join(
        || {
            paths
                .par_iter()
                .map(|path| load_document(root, path))
                .collect()
        },
        || {
            rayon::join(
                || entities::load(root, &root.join("content").join("entities"), &config.kinds),
                || sources::load(root),
            )
        },
    );
    diagnostics.extend(source_diagnostics);
    Ok(Content {
        paths,
        results,
        entities,
        sources,
        diagnostics,
    })
}

/// The lock file recording every block id ever minted, beside `site.toml`.
pub const LOCK_FILE: &str = "lectern.lock";

/// Reads the lock file; an archive without one has minted no ids yet.
fn read_lock(root: &Path) -> Result<Lock, Failure> {
    let path = root.join(LOCK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Lock::parse(&text).map_err(|e| {
            Failure::from(
                Diagnostic::error(LOCK_FILE, format!("the lock file is damaged: {e}"))
                    .help("restore it from version control; deleting it would change published paragraph ids"),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
        Err(e) => Err(Failure::io(&path, "read", e)),
    }
}

/// Every `.md` file below `dir`, sorted, as paths relative to `root`.
fn markdown_files(root: &Path, dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut paths = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Failure::from(Diagnostic::error(
                &path,
                format!("could not read {}: {e}", path.display()),
            ))
        })?;
        let is_markdown = entry.path().extension().is_some_and(|x| x == "md");
        if entry.file_type().is_file() && is_markdown {
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            paths.push(relative.to_path_buf());
        }
    }
    Ok(paths)
}

/// Reads a content file as UTF-8 text, refusing binary files.
pub fn read_text(root: &Path, path: &Path) -> Result<Arc<str>, Diagnostic> {
    let bytes = std::fs::read(root.join(path))
        .map_err(|e| Diagnostic::error(path, format!("could not read {}: {e}", path.display())))?;
    if bytes.contains(&0) {
        return Err(
            Diagnostic::error(path, "this looks like a binary file, not Markdown text")
                .help("move images and other binary files to static/"),
        );
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::error(
            path,
            format!("line {line} is not valid UTF-8 (byte {valid})"),
        )
        .help("save the file as UTF-8")
    })?;
    // A byte-order mark would hide the opening `+++`.
    Ok(Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text)))
}

/// Reads the document at `path` (relative to `root`).
pub fn load_document(root: &Path, path: &Path) -> Result<DocumentSource, Diagnostic> {
    let text = read_text(root, path)?;
    let slug = slug_of(path, "a URL slug")?;
    if RESERVED_SLUGS.contains(&slug.as_str()) {
        return Err(Diagnostic::error(
            path,
            format!("`{slug}` is reserved for lectern's own pages"),
        )
        .help(format!("rename the file, e.g. `{slug}-document.md`")));
    }
    let split = front_matter::split(path, &text)?;
    let meta: DocumentMeta = front_matter::parse(path, &text, &split)?;
    if meta.title.is_some() && meta.supplied_title.is_some() {
        let at = text[split.front.clone()]
            .find("supplied_title")
            .map_or(0, |i| i + split.front.start);
        return Err(
            Diagnostic::error(path, "a document has a `title` or a `supplied_title`, not both")
                .at(&text, at..at + "supplied_title".len())
                .help("keep `title` when the document states one; `supplied_title` is for documents that state none"),
        );
    }
    if let Some(url) = meta.url.as_deref().filter(|u| !crate::url::is_safe(u)) {
        let at = text[split.front.clone()]
            .find(url)
            .map_or(0, |i| i + split.front.start);
        return Err(Diagnostic::error(path, format!("unsafe url `{url}`"))
            .at(&text, at..at + url.len())
            .help(crate::url::HELP));
    }
    let fields = front_matter::printed_fields(&text, &split);
    Ok(DocumentSource {
        slug,
        fields,
        file: SourceFile {
            path: path.to_path_buf(),
            text,
        },
        meta,
        body_start: split.body.start,
    })
}

/// The file name of `path` without `.md`, if it is a valid slug; `what` names its
/// use in the error.
pub fn slug_of(path: &Path, what: &str) -> Result<String, Diagnostic> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string();
    if is_slug(&stem) {
        return Ok(stem);
    }
    Err(
        Diagnostic::error(path, format!("`{stem}` cannot be {what}")).help(format!(
            "name the file with lower-case letters, digits and hyphens, e.g. `{}.md`",
            slugify(&stem)
        )),
    )
}

/// Lower-case ASCII letters and digits in hyphen-separated words.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The nearest valid slug to `s`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "document".into()
    } else {
        trimmed.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("khaksar-timeline"));
        assert!(!is_slug("Khaksar Timeline"));
        assert!(!is_slug("a--b"));
        assert_eq!(slugify("Khaksar Timeline (2002)"), "khaksar-timeline-2002");
    }
}
