//! Checking a built site as a browser would follow it: every page is well-formed
//! HTML, every internal link and fragment lands on a file and an id, no page has
//! the same id twice, and a document's map of retired ids (which its script
//! follows) points only from ids that are gone to ids that are there.
//!
//! Runs on the pages a build is about to write (so `lectern check` sees the site
//! it would build) or on a folder already written (`lectern check --site DIR`).
//! Links starting with `/` are read from `base_path` (the path of `base_url`), as
//! at the published address; external links are not followed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use scraper::{Html, Selector};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Failure};

/// A site's files: every path (relative, `/`-separated) and each page's HTML.
#[derive(Default)]
pub struct Output {
    files: BTreeSet<String>,
    pages: BTreeMap<String, String>,
}

impl Output {
    /// A site not yet written: its pages and the paths of its other files.
    pub fn new(
        pages: impl IntoIterator<Item = (String, String)>,
        others: impl IntoIterator<Item = String>,
    ) -> Output {
        let mut files: BTreeSet<String> = others.into_iter().collect();
        let pages: BTreeMap<String, String> = pages
            .into_iter()
            .filter(|(path, _)| {
                files.insert(path.clone());
                path.ends_with(".html")
            })
            .collect();
        Output { files, pages }
    }

    /// A site already written to `dir`.
    pub fn read(dir: &Path) -> Result<Output, Failure> {
        if !dir.is_dir() {
            return Err(
                Diagnostic::error(dir, format!("no built site at {}", dir.display()))
                    .help(
                        "build it first with `lectern build`, or pass the folder it was written to",
                    )
                    .into(),
            );
        }
        let mut output = Output::default();
        for entry in WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                Failure::from(Diagnostic::error(
                    dir,
                    format!("could not read the site: {e}"),
                ))
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let name = relative.to_string_lossy().replace('\\', "/");
            if name.ends_with(".html") {
                let html = std::fs::read_to_string(entry.path())
                    .map_err(|e| Failure::io(entry.path(), "read", e))?;
                output.pages.insert(name.clone(), html);
            }
            output.files.insert(name);
        }
        Ok(output)
    }

    fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|f| f.starts_with(&prefix))
    }

    /// Every problem found, as `page: what is wrong`, in page order.
    pub fn problems(&self, base_path: &str) -> Vec<String> {
        let links = Selector::parse("[href], [src]").expect("a valid selector");
        let with_id = Selector::parse("[id]").expect("a valid selector");
        let parsed: BTreeMap<&str, Html> = self
            .pages
            .iter()
            .map(|(path, html)| (path.as_str(), Html::parse_document(html)))
            .collect();
        let ids: BTreeMap<&str, BTreeSet<String>> = parsed
            .iter()
            .map(|(path, html)| {
                let ids = html
                    .select(&with_id)
                    .filter_map(|e| e.value().attr("id"))
                    .map(str::to_string)
                    .collect();
                (*path, ids)
            })
            .collect();
        let mut problems = Vec::new();
        let redirects = Selector::parse("script#lectern-doc").expect("a valid selector");
        for (page, html) in &parsed {
            for error in &html.errors {
                problems.push(format!("{page}: not well-formed HTML: {error}"));
            }
            if let Some(script) = html.select(&redirects).next() {
                let known = &ids[page];
                problems.extend(
                    retired_problems(&script.text().collect::<String>(), known)
                        .into_iter()
                        .map(|p| format!("{page}: {p}")),
                );
            }
            let mut seen = BTreeSet::new();
            for id in html.select(&with_id).filter_map(|e| e.value().attr("id")) {
                if !seen.insert(id) {
                    problems.push(format!("{page}: the id `{id}` is used twice"));
                }
            }
            for element in html.select(&links) {
                for attr in ["href", "src"] {
                    let Some(value) = element.value().attr(attr) else {
                        continue;
                    };
                    if let Some(problem) = self.follow(page, value, base_path, &ids) {
                        problems.push(format!("{page}: {problem} ({})", element.html()));
                    }
                }
            }
        }
        problems
    }

    /// What is wrong with the link `value` on `page`, if anything.
    fn follow(
        &self,
        page: &str,
        value: &str,
        base_path: &str,
        ids: &BTreeMap<&str, BTreeSet<String>>,
    ) -> Option<String> {
        let (file, fragment) = match resolve(page, value, base_path) {
            Target::External => return None,
            Target::Escapes => return Some(format!("{value:?} leaves the site")),
            Target::Local { file, fragment } => (file, fragment),
        };
        let folder = file.is_empty() || file.ends_with('/') || self.is_dir(&file);
        let file = match file.trim_end_matches('/') {
            "" if folder => "index.html".to_string(),
            dir if folder => format!("{dir}/index.html"),
            _ => file,
        };
        if !self.files.contains(&file) {
            return Some(format!("{value:?} → {file}, which does not exist"));
        }
        if fragment.is_empty() || !file.ends_with(".html") {
            return None;
        }
        let known = ids.get(file.as_str())?;
        (!known.contains(&fragment)).then(|| format!("{value:?} → no id `{fragment}` in {file}"))
    }
}

/// What is wrong with a document's redirect map, from the JSON of its script data.
fn retired_problems(json: &str, ids: &BTreeSet<String>) -> Vec<String> {
    let Ok(data) = serde_json::from_str::<serde_json::Value>(json) else {
        return vec!["the page's script data is not JSON".into()];
    };
    let Some(map) = data.get("redirects").and_then(|r| r.as_object()) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    for (from, to) in map {
        let to = to.as_str().unwrap_or("");
        if ids.contains(from) {
            problems.push(format!(
                "the retired id `{from}` is still an id on the page"
            ));
        }
        if !to.is_empty() && !ids.contains(to) {
            problems.push(format!(
                "the retired id `{from}` points to `{to}`, which is not on the page"
            ));
        }
    }
    problems
}

/// Where a link points, once resolved against the page it is on.
enum Target {
    /// Outside the site: another scheme or host.
    External,
    /// A file of the output and a fragment, possibly empty.
    Local { file: String, fragment: String },
    /// A path that climbs out of the output folder.
    Escapes,
}

fn resolve(page: &str, value: &str, base_path: &str) -> Target {
    let lower = value.to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/') && !s.contains('#'));
    if scheme || value.starts_with("//") {
        return Target::External;
    }
    let (rest, fragment) = value.split_once('#').unwrap_or((value, ""));
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    let mut parts: Vec<&str> = Vec::new();
    let relative = if let Some(absolute) = path.strip_prefix('/') {
        let base = base_path.trim_start_matches('/');
        match absolute.strip_prefix(base) {
            Some(inside) => inside,
            None if absolute.trim_end_matches('/') == base.trim_end_matches('/') => "",
            None => return Target::Escapes,
        }
    } else if path.is_empty() {
        return Target::Local {
            file: page.to_string(),
            fragment: fragment.to_string(),
        };
    } else {
        parts.extend(page.split('/'));
        parts.pop(); // the page's own file name
        path
    };
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Target::Escapes;
                }
            }
            s => parts.push(s),
        }
    }
    let mut file = parts.join("/");
    if relative.ends_with('/') && !file.is_empty() {
        file.push('/');
    }
    Target::Local {
        file,
        fragment: fragment.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_missing_files_fragments_and_duplicate_ids() {
        let output = Output::new(
            [
                (
                    "index.html".to_string(),
                    "<!DOCTYPE html><title>t</title><a href=\"a/\">a</a><a href=\"a/#p1\">p</a><a href=\"a/#nope\">x</a><a href=\"b/\">b</a><a href=\"https://x.org/\">e</a><a href=\"../up\">u</a>".to_string(),
                ),
                (
                    "a/index.html".to_string(),
                    "<!DOCTYPE html><title>t</title><p id=\"p1\">1</p><p id=\"p1\">2</p><a href=\"../style.css\">s</a><a href=\"/archive/a/#p1\">abs</a>".to_string(),
                ),
            ],
            ["style.css".to_string()],
        );
        let problems = output.problems("/archive/");
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("a/index.html: the id `p1` is used twice"));
        assert!(problems[1].contains("\"a/#nope\" → no id `nope` in a/index.html"));
        assert!(problems[2].contains("\"b/\" → b/index.html, which does not exist"));
        assert!(problems[3].contains("\"../up\" leaves the site"));
        let broken = Output::new(
            [(
                "d/index.html".to_string(),
                "<!DOCTYPE html><title>t</title><p id=\"a\">x</p></div><script type=\"application/json\" id=\"lectern-doc\">{\"redirects\":{\"a\":\"\",\"old\":\"gone\"}}</script>".to_string(),
            )],
            [],
        );
        let problems = broken.problems("/");
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].starts_with("d/index.html: not well-formed HTML: "));
        assert_eq!(
            problems[1],
            "d/index.html: the retired id `a` is still an id on the page"
        );
        assert_eq!(
            problems[2],
            "d/index.html: the retired id `old` points to `gone`, which is not on the page"
        );
    }
}
