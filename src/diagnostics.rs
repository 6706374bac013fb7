//! Problems found while building, collected rather than thrown.
//!
//! Every stage reports what is wrong with the archive as [`Diagnostic`]s that name
//! the file and, when known, the byte span in it; a build gathers all of them and
//! reports them together, so an editor fixes everything in one pass. A span is
//! turned into line and column only when the report is printed.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, as the editor knows it (relative to the archive root when possible).
    pub path: PathBuf,
    /// The file's text and the span at fault, for a snippet with a marker.
    pub location: Option<(Arc<str>, Range<usize>)>,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            location: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Points the diagnostic at `span` of `source`, the whole text of its file.
    /// A span that does not fit the text (a file read again after it changed) is
    /// cut to fit, on character boundaries.
    pub fn at(mut self, source: &Arc<str>, span: Range<usize>) -> Self {
        let fit = |mut at: usize| {
            at = at.min(source.len());
            while !source.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let end = fit(span.end);
        let start = fit(span.start).min(end);
        self.location = Some((Arc::clone(source), start..end));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `(line, column)`, both 1-based, of the start of the span.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let (source, span) = self.location.as_ref()?;
        let before = &source[..span.start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Some((line, column))
    }

    /// Renders the diagnostic as the terminal shows it, without colour.
    pub fn render(&self) -> String {
        let (source, span) = match &self.location {
            Some((source, span)) => (source.as_ref(), span.clone()),
            None => ("", 0..0),
        };
        let file = SimpleFile::new(self.path.display().to_string(), source);
        let mut diagnostic = match self.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
        };
        diagnostic = diagnostic.with_message(&self.message);
        if self.location.is_some() {
            diagnostic = diagnostic.with_labels(vec![cs::Label::primary((), span)]);
        } else {
            diagnostic = diagnostic.with_notes(vec![format!("in {}", self.path.display())]);
        }
        if let Some(help) = &self.help {
            diagnostic = diagnostic.with_notes(vec![format!("help: {help}")]);
        }
        let config = term::Config::default();
        term::emit_into_string(&config, &file, &diagnostic)
            .unwrap_or_else(|_| format!("{}: {}\n", self.path.display(), self.message))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// A failed build: every diagnostic it produced, errors first, in a stable order.
#[derive(Debug, Clone)]
pub struct Failure(pub Vec<Diagnostic>);

impl Failure {
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        sort(&mut diagnostics);
        Failure(diagnostics)
    }

    pub fn io(path: &Path, action: &str, error: std::io::Error) -> Self {
        Failure(vec![Diagnostic::error(
            path,
            format!("could not {action} {}: {error}", path.display()),
        )])
    }
}

impl From<Diagnostic> for Failure {
    fn from(diagnostic: Diagnostic) -> Self {
        Failure(vec![diagnostic])
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            f.write_str(&diagnostic.render())?;
        }
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        write!(f, "{errors} error{}", if errors == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Failure {}

/// How many times a build shows the same warning in full; `lectern check` shows
/// every one.
pub const SHOWN_PER_MESSAGE: usize = 3;

/// Warnings as a build reports them: each message in full the first
/// `SHOWN_PER_MESSAGE` times, then one line saying how often else it came, so a
/// spelling flagged in a thousand paragraphs does not bury everything else.
pub fn summarise(warnings: &[Diagnostic]) -> String {
    let mut seen: HashMap<&str, (usize, BTreeSet<&Path>)> = HashMap::new();
    let mut out = String::new();
    let mut repeated = Vec::new();
    for warning in warnings {
        let (count, files) = seen.entry(&warning.message).or_default();
        *count += 1;
        if *count <= SHOWN_PER_MESSAGE {
            out.push_str(&warning.render());
        } else {
            if *count == SHOWN_PER_MESSAGE + 1 {
                repeated.push(warning.message.as_str());
            }
            files.insert(&warning.path);
        }
    }
    for message in repeated {
        let (count, files) = &seen[message];
        let files = files.len();
        out.push_str(&format!(
            "warning: {message}: {} more like it, in {files} file{}; `lectern check` lists every one\n",
            count - SHOWN_PER_MESSAGE,
            if files == 1 { "" } else { "s" },
        ));
    }
    out
}

/// Orders diagnostics so a report reads file by file, top to bottom, the same on every run.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (
            a.severity,
            &a.path,
            a.location.as_ref().map(|l| l.1.start),
            &a.message,
        )
            .cmp(&(
                b.severity,
                &b.path,
                b.location.as_ref().map(|l| l.1.start),
                &b.message,
            ))
    });
}

/// The candidate closest to `wrong`, if it is close enough to be what was meant.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Turns a `toml` error into a diagnostic in `path`, whose TOML starts at `offset` of
/// `source`. Unknown keys get the nearest valid key suggested.
pub fn from_toml(
    path: &Path,
    source: &Arc<str>,
    offset: usize,
    error: &toml::de::Error,
) -> Diagnostic {
    let message = error.message().trim_end().to_string();
    let span = error
        .span()
        .map(|s| s.start + offset..s.end + offset)
        .unwrap_or(offset..offset);
    let mut diagnostic = Diagnostic::error(path, message.clone()).at(source, span);
    // serde's message reads "unknown field `titel`, expected one of `title`, `subtitle`…".
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let names: Vec<&str> = rest.split('`').step_by(2).collect();
        if let Some((wrong, expected)) = names.split_first() {
            diagnostic = match suggest(wrong, expected.iter().copied()) {
                Some(right) => diagnostic.help(format!("did you mean `{right}`?")),
                None => diagnostic.help(format!("valid keys are: {}", expected.join(", "))),
            };
        }
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let source: Arc<str> = Arc::from("a\n“é” x\n");
        let d = Diagnostic::error("f.md", "m").at(&source, 2 + "“é” ".len()..2 + "“é” x".len());
        assert_eq!(d.line_col(), Some((2, 5)));
    }

    #[test]
    fn suggests_the_nearest_key() {
        assert_eq!(
            suggest("titel", ["title", "subtitle", "url"]),
            Some("title")
        );
        assert_eq!(suggest("zzz", ["title", "subtitle"]), None);
    }

    #[test]
    fn a_build_shows_a_repeated_warning_three_times_then_counts_the_rest() {
        let warning = |path: &str, message: &str| Diagnostic::warning(path, message);
        let warnings: Vec<Diagnostic> = (0..10)
            .map(|n| warning(&format!("d{}.md", n % 4), "ambiguous mention `Haqqani`"))
            .chain([warning("e.md", "unused entity")])
            .collect();
        let text = summarise(&warnings);
        assert_eq!(text.matches("in d").count(), SHOWN_PER_MESSAGE, "{text}");
        assert!(text.contains("unused entity"), "{text}");
        assert!(
            text.ends_with("warning: ambiguous mention `Haqqani`: 7 more like it, in 4 files; `lectern check` lists every one\n"),
            "{text}"
        );
    }

    #[test]
    fn rendering_names_file_line_and_help() {
        let source: Arc<str> = Arc::from("+++\ntitel = \"x\"\n+++\n");
        let d = Diagnostic::error("content/documents/a.md", "unknown field `titel`")
            .at(&source, 4..9)
            .help("did you mean `title`?");
        let text = d.render();
        assert!(text.contains("content/documents/a.md:2:1"), "{text}");
        assert!(text.contains("did you mean `title`?"), "{text}");
    }
}
