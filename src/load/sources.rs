//! The bibliography: `content/sources.bib` (BibTeX or BibLaTeX, as Zotero exports
//! it) and/or `content/sources.toml` (one table per key). Each source has a stable
//! key, which citations use, and a slug made from it, which is its page's URL.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use biblatex::{Bibliography, ChunksExt};

use super::{SourceFile, read_text, slugify};
use crate::diagnostics::{self, Diagnostic};

/// One bibliography record, its fields as plain text.
#[derive(Debug, Clone)]
pub struct Source {
    pub key: String,
    /// The page's name, `sources/<slug>/`: the key in lower case, other characters
    /// as hyphens, so `smithHistoryWorld2001` (as Zotero names it) is a clean URL.
    pub slug: String,
    /// `book`, `article`, `misc`… as written.
    pub kind: String,
    /// Field name (lower-case) → value.
    pub fields: BTreeMap<String, String>,
    pub path: std::path::PathBuf,
    /// The `note` field, Markdown, where it stands in its file.
    pub note: Option<Note>,
}

/// A source's note: Markdown at `range` of `file`.
#[derive(Debug, Clone)]
pub struct Note {
    pub file: SourceFile,
    pub range: std::ops::Range<usize>,
}

impl Note {
    /// Locates `value` in `text` from `from` on; a value whose file escapes it
    /// (TOML's `\n`, say) is parsed on its own, with positions within the note.
    fn new(path: &Path, text: &Arc<str>, from: usize, value: &str) -> Note {
        match text[from..].find(value) {
            Some(at) => Note {
                file: SourceFile {
                    path: path.to_path_buf(),
                    text: Arc::clone(text),
                },
                range: from + at..from + at + value.len(),
            },
            None => Note {
                file: SourceFile {
                    path: path.to_path_buf(),
                    text: Arc::from(value),
                },
                range: 0..value.len(),
            },
        }
    }
}

impl Source {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// Its year: the `year` field, else the start of `date`.
    pub fn year(&self) -> Option<&str> {
        self.field("year")
            .or(self.field("date").map(|d| d.get(..4).unwrap_or(d)))
    }

    /// How a citation that suppresses the author, `[-@key]`, names a source: its
    /// year, else its label.
    pub fn year_label(&self) -> String {
        self.year().map_or_else(|| self.label(), str::to_string)
    }

    /// How a citation names a source: its `shorthand` when it has one (how the
    /// archive's documents print it), else "Author, year", else its title.
    pub fn label(&self) -> String {
        if let Some(shorthand) = self.field("shorthand") {
            return shorthand.to_string();
        }
        let who = self
            .field("author")
            .or(self.field("editor"))
            .map(|a| {
                let first = a.split(" and ").next().unwrap_or(a);
                let last = first.split(',').next().unwrap_or(first).trim().to_string();
                if a.contains(" and ") {
                    format!("{last} et al.")
                } else {
                    last
                }
            })
            .or(self
                .field("journal")
                .or(self.field("organization"))
                .map(str::to_string));
        match (who, self.year()) {
            (Some(w), Some(y)) => format!("{w}, {y}"),
            (Some(w), None) => w,
            (None, y) => {
                let title = self.field("title").unwrap_or(&self.key);
                y.map_or_else(|| title.to_string(), |y| format!("{title}, {y}"))
            }
        }
    }
}

/// The length of the citation key `text` starts with, as Pandoc reads one:
/// letters, digits, and `-`, `_`, `:` or `.` between them (after the last, they are
/// the sentence's punctuation).
pub fn key_len(text: &str) -> usize {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')))
        .unwrap_or(text.len());
    text[..end].trim_end_matches(['.', ':']).len()
}

pub const BIB_FILE: &str = "content/sources.bib";
pub const TOML_FILE: &str = "content/sources.toml";

/// Reads whichever of the two files exist; sources are returned sorted by key.
pub fn load(root: &Path) -> (Vec<Source>, Vec<Diagnostic>) {
    let mut sources = Vec::new();
    let mut diagnostics = Vec::new();
    if root.join(BIB_FILE).is_file() {
        match read_text(root, Path::new(BIB_FILE)).and_then(|text| {
            let mut s = parse_bib(Path::new(BIB_FILE), &text)?;
            diagnostics.extend(refuse_unsafe_urls(Path::new(BIB_FILE), &text, &mut s));
            Ok(s)
        }) {
            Ok(mut s) => sources.append(&mut s),
            Err(d) => diagnostics.push(d),
        }
    }
    if root.join(TOML_FILE).is_file() {
        match read_text(root, Path::new(TOML_FILE)).and_then(|text| {
            let mut s = parse_toml(Path::new(TOML_FILE), &text)?;
            diagnostics.extend(refuse_unsafe_urls(Path::new(TOML_FILE), &text, &mut s));
            Ok(s)
        }) {
            Ok(mut s) => sources.append(&mut s),
            Err(d) => diagnostics.push(d),
        }
    }
    sources.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.path.cmp(&b.path)));
    for pair in sources.windows(2) {
        if pair[0].key == pair[1].key {
            diagnostics.push(
                Diagnostic::error(
                    &pair[1].path,
                    format!("duplicate source key `{}`", pair[1].key),
                )
                .help(format!(
                    "{} already defines it; keys must be unique",
                    pair[0].path.display()
                )),
            );
        }
    }
    for source in &sources {
        if key_len(&source.key) != source.key.len() {
            diagnostics.push(
                Diagnostic::error(
                    &source.path,
                    format!("source key `{}` cannot be cited as `@{0}`", source.key),
                )
                .help("use letters, digits and `-`, `_`, `:` or `.` between them, e.g. `smith2001` or `coll-directorate-s`"),
            );
        }
    }
    // Keys that differ only in case or punctuation would share a page.
    let mut by_slug: Vec<&Source> = sources.iter().collect();
    by_slug.sort_by(|a, b| a.slug.cmp(&b.slug).then_with(|| a.key.cmp(&b.key)));
    for pair in by_slug.windows(2) {
        if pair[0].slug == pair[1].slug && pair[0].key != pair[1].key {
            diagnostics.push(
                Diagnostic::error(
                    &pair[1].path,
                    format!(
                        "source keys `{}` and `{}` would share the page `sources/{}/`",
                        pair[0].key, pair[1].key, pair[1].slug
                    ),
                )
                .help("rename one of them; keys differing only in case or punctuation name the same page"),
            );
        }
    }
    (sources, diagnostics)
}

pub fn parse_bib(path: &Path, text: &Arc<str>) -> Result<Vec<Source>, Diagnostic> {
    let bibliography = Bibliography::parse(text).map_err(|e| {
        Diagnostic::error(path, format!("invalid BibTeX: {}", e.kind))
            .at(text, e.span.clone())
            .help("check the braces and commas of this entry")
    })?;
    Ok(bibliography
        .iter()
        .map(|entry| {
            let fields: BTreeMap<String, String> = entry
                .fields
                .iter()
                .map(|(k, v)| (k.to_lowercase(), v.format_verbatim()))
                .collect();
            let start = text.find(&format!("{{{},", entry.key)).unwrap_or(0);
            Source {
                slug: slugify(&entry.key),
                key: entry.key.clone(),
                kind: entry.entry_type.to_string().to_lowercase(),
                note: fields.get("note").map(|n| Note::new(path, text, start, n)),
                fields,
                path: path.to_path_buf(),
            }
        })
        .collect())
}

pub fn parse_toml(path: &Path, text: &Arc<str>) -> Result<Vec<Source>, Diagnostic> {
    let table: BTreeMap<String, BTreeMap<String, toml::Value>> =
        toml::from_str(text).map_err(|e| diagnostics::from_toml(path, text, 0, &e))?;
    table
        .into_iter()
        .map(|(key, fields)| {
            let mut kind = "misc".to_string();
            let mut plain = BTreeMap::new();
            for (name, value) in fields {
                let value = match value {
                    toml::Value::String(s) => s,
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Datetime(d) => d.to_string(),
                    toml::Value::Array(items) => items
                        .iter()
                        .map(|v| {
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(" and "),
                    other => {
                        let at = text.find(&format!("[{key}]")).unwrap_or(0);
                        return Err(Diagnostic::error(
                            path,
                            format!("`{key}.{name}` must be text, not {}", other.type_str()),
                        )
                        .at(text, at..at + key.len() + 2));
                    }
                };
                if name == "type" {
                    kind = value;
                } else {
                    plain.insert(name.to_lowercase(), value);
                }
            }
            let start = text.find(&format!("[{key}]")).unwrap_or(0);
            Ok(Source {
                note: plain.get("note").map(|n| Note::new(path, text, start, n)),
                slug: slugify(&key),
                key,
                kind,
                fields: plain,
                path: path.to_path_buf(),
            })
        })
        .collect()
}

/// Reports every `url` field whose scheme is not safe to link to, and drops it.
fn refuse_unsafe_urls(path: &Path, text: &Arc<str>, sources: &mut [Source]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for source in sources {
        let Some(url) = source.fields.get("url") else {
            continue;
        };
        if crate::url::is_safe(url) {
            continue;
        }
        let at = text.find(url.as_str()).unwrap_or(0);
        diagnostics.push(
            Diagnostic::error(path, format!("`{}` has an unsafe url `{url}`", source.key))
                .at(text, at..at + url.len())
                .help(crate::url::HELP),
        );
        source.fields.remove("url");
    }
    diagnostics
}

/// "Anas, Abdullah and Hussein, Tam" → "Abdullah Anas and Tam Hussein".
pub fn names(field: &str) -> String {
    let people: Vec<String> = field
        .split(" and ")
        .map(|person| match person.split_once(',') {
            Some((last, first)) => format!("{} {}", first.trim(), last.trim()),
            None => person.trim().to_string(),
        })
        .collect();
    match people.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_zotero_bibtex_with_month_macros() {
        let text: Arc<str> = Arc::from(
            "@article{ap-2002-06-09,\n\tjournal = {Associated Press},\n\tmonth = jun,\n\tdate = {2002-06-09},\n\tshorthand = {Associated Press, 6/9/2002}\n}\n",
        );
        let sources = parse_bib(Path::new("s.bib"), &text).unwrap();
        assert_eq!(sources[0].key, "ap-2002-06-09");
        assert_eq!(sources[0].kind, "article");
        assert_eq!(
            sources[0].field("shorthand"),
            Some("Associated Press, 6/9/2002")
        );
    }

    #[test]
    fn broken_bibtex_points_at_the_entry() {
        let text: Arc<str> = Arc::from("@book{a,\n title = {X\n}\n");
        let d = parse_bib(Path::new("s.bib"), &text).unwrap_err();
        assert!(d.message.starts_with("invalid BibTeX"), "{}", d.message);
        assert!(d.line_col().is_some());
    }

    #[test]
    fn toml_records() {
        let text: Arc<str> = Arc::from(
            "[gannon-2005]\ntype = \"book\"\nauthor = [\"Gannon, Kathy\"]\nyear = 2005\n",
        );
        let s = parse_toml(Path::new("s.toml"), &text).unwrap();
        assert_eq!(s[0].kind, "book");
        assert_eq!(s[0].field("year"), Some("2005"));
        assert_eq!(names(s[0].field("author").unwrap()), "Kathy Gannon");
    }

    #[test]
    fn names_read_naturally() {
        assert_eq!(
            names("Anas, Abdullah and Hussein, Tam"),
            "Abdullah Anas and Tam Hussein"
        );
        assert_eq!(
            names("{United States Department of State}"),
            "{United States Department of State}"
        );
    }
}
