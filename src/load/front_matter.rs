//! Front matter: the TOML between the `+++` lines that open a content file.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::date::FuzzyDate;
use crate::diagnostics::{self, Diagnostic};

/// What a document's front matter may say. Everything but the text is optional:
/// an archive records what a document states and leaves the rest out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMeta {
    /// The title as printed. A document without one is listed by its first words.
    pub title: Option<String>,
    /// For a document that states no title, one the editor supplies: shown in
    /// editorial brackets and cited as supplied (`[…]`). Never together with `title`.
    pub supplied_title: Option<String>,
    /// Subtitle, deck or standfirst as printed.
    pub subtitle: Option<String>,
    /// Authors' names, in the order printed.
    #[serde(default)]
    pub authors: Vec<String>,
    /// The byline exactly as printed ("By Arun Anand"), when the document has one.
    pub byline: Option<String>,
    /// Where it was published (newspaper, think tank, website).
    pub publication: Option<String>,
    /// When it was published: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or a range `a/b`.
    pub date: Option<FuzzyDate>,
    /// What sort of document this is: `article`, `timeline`, `commentary`, `report`…
    /// A `timeline`'s `##` headings are its dated entries.
    #[serde(default = "default_kind")]
    pub kind: String,
    /// The series it belongs to, and its part number in that series.
    pub series: Option<String>,
    pub part: Option<u32>,
    /// The editor's one- or two-sentence summary for listings.
    pub summary: Option<String>,
    /// Where the original was published online.
    pub url: Option<String>,
    /// The lead image's caption and credit, as printed.
    pub image_caption: Option<String>,
    pub image_credit: Option<String>,
    /// Where the original prints them: `top`, under the title (the default), or
    /// `end`, after the text, as some publications credit their lead image.
    #[serde(default)]
    pub image_position: ImagePosition,
}

/// Where a document prints its lead image's caption and credit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImagePosition {
    #[default]
    Top,
    End,
}

fn default_kind() -> String {
    "article".into()
}

/// A front matter field printed on the document's page as part of its text, so
/// its names are linked like the body's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Subtitle,
    Byline,
    ImageCaption,
    ImageCredit,
}

impl Field {
    /// In the order a page prints them, above the body (the image's caption and
    /// credit may be printed after it instead, see [`ImagePosition`]).
    pub const ALL: [Field; 4] = [
        Field::Subtitle,
        Field::ImageCaption,
        Field::ImageCredit,
        Field::Byline,
    ];

    /// Its key in the front matter.
    pub fn key(self) -> &'static str {
        match self {
            Field::Subtitle => "subtitle",
            Field::Byline => "byline",
            Field::ImageCaption => "image_caption",
            Field::ImageCredit => "image_credit",
        }
    }

    /// Whether it belongs to the lead image.
    pub fn is_image(self) -> bool {
        matches!(self, Field::ImageCaption | Field::ImageCredit)
    }

    /// What a list of mentions calls it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Subtitle => "subtitle",
            Field::Byline => "byline",
            Field::ImageCaption => "caption",
            Field::ImageCredit => "credit",
        }
    }

    /// The field printed in the element with id `anchor`, if any.
    pub fn at(anchor: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.anchor() == anchor)
    }

    /// The id of the element it is printed in on the document's page, where its
    /// mentions link to.
    pub fn anchor(self) -> &'static str {
        match self {
            Field::Subtitle => "doc-subtitle",
            Field::Byline => "doc-byline",
            Field::ImageCaption => "doc-caption",
            Field::ImageCredit => "doc-credit",
        }
    }
}

/// A printed field as written: its value and where the TOML string stands.
#[derive(Debug, Clone)]
pub struct FieldSource {
    pub field: Field,
    pub value: String,
    /// The string in the file, quotes included.
    pub span: Range<usize>,
}

impl FieldSource {
    /// The value's range in the file, when the file spells it exactly (no escapes,
    /// no line continuations), so positions in it are positions in the file.
    pub fn verbatim(&self, text: &str) -> Option<Range<usize>> {
        let written = text.get(self.span.clone())?;
        let quote = if written.starts_with("\"\"\"") || written.starts_with("'''") {
            3
        } else {
            1
        };
        let mut inner = self.span.start + quote..self.span.end.saturating_sub(quote);
        // A multi-line string's first newline is not part of its value.
        if quote == 3 && text[inner.clone()].starts_with('\n') {
            inner.start += 1;
        }
        (text.get(inner.clone()) == Some(self.value.as_str())).then_some(inner)
    }
}

/// Where each printed field of `source`'s front matter is, in the order of
/// [`Field::ALL`]. The front matter has already been parsed once, so it is valid.
pub fn printed_fields(source: &Arc<str>, split: &Split) -> Vec<FieldSource> {
    #[derive(Deserialize)]
    struct Spans {
        subtitle: Option<toml::Spanned<String>>,
        byline: Option<toml::Spanned<String>>,
        image_caption: Option<toml::Spanned<String>>,
        image_credit: Option<toml::Spanned<String>>,
    }
    let Ok(spans) = toml::from_str::<Spans>(&source[split.front.clone()]) else {
        return Vec::new();
    };
    let base = split.front.start;
    [
        (Field::Subtitle, spans.subtitle),
        (Field::ImageCaption, spans.image_caption),
        (Field::ImageCredit, spans.image_credit),
        (Field::Byline, spans.byline),
    ]
    .into_iter()
    .filter_map(|(field, spanned)| {
        let spanned = spanned?;
        let span = spanned.span();
        Some(FieldSource {
            field,
            span: span.start + base..span.end + base,
            value: spanned.into_inner(),
        })
    })
    .collect()
}

/// A content file split into its front matter and body, as byte ranges of its text.
#[derive(Debug, Clone)]
pub struct Split {
    pub front: Range<usize>,
    pub body: Range<usize>,
}

/// Finds the `+++` fences. The opening fence must be the file's first line.
pub fn split(path: &Path, source: &Arc<str>) -> Result<Split, Diagnostic> {
    let text: &str = source;
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "+++" {
        return Err(Diagnostic::error(path, "missing front matter")
            .at(source, 0..first_line_end.saturating_sub(1))
            .help(
                "start the file with a `+++` line, the TOML front matter, and another `+++` line",
            ));
    }
    let mut offset = first_line_end;
    for line in text[first_line_end..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Ok(Split {
                front: first_line_end..offset,
                body: offset + line.len()..text.len(),
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(path, "front matter is never closed")
        .at(source, 0..3)
        .help("did you forget the closing `+++` line after the front matter?"))
}

/// Deserialises the front matter of `source` into `T`, with errors located in the file.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    source: &Arc<str>,
    split: &Split,
) -> Result<T, Diagnostic> {
    toml::from_str(&source[split.front.clone()])
        .map_err(|e| diagnostics::from_toml(path, source, split.front.start, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(text: &str) -> Result<DocumentMeta, Diagnostic> {
        let source: Arc<str> = Arc::from(text);
        let path = Path::new("a.md");
        let split = split(path, &source)?;
        parse(path, &source, &split)
    }

    #[test]
    fn splits_and_parses() {
        let m = meta("+++\ntitle = \"T\"\ndate = \"1999-04\"\n+++\nBody\n").unwrap();
        assert_eq!(m.title.as_deref(), Some("T"));
        assert_eq!(m.kind, "article");
        assert_eq!(m.date.unwrap().to_string(), "1999-04");
    }

    #[test]
    fn missing_fences_are_explained() {
        let e = meta("title = \"T\"\n").unwrap_err();
        assert!(e.help.unwrap().contains("`+++`"));
        let e = meta("+++\ntitle = \"T\"\nBody\n").unwrap_err();
        assert_eq!(e.message, "front matter is never closed");
    }

    #[test]
    fn printed_fields_are_located_in_the_file() {
        let text =
            "+++\ntitle = \"T\"\nbyline = \"By A. Writer\"\nsubtitle = \"Say \\\"hi\\\"\"\n+++\n";
        let source: Arc<str> = Arc::from(text);
        let split = split(Path::new("a.md"), &source).unwrap();
        let fields = printed_fields(&source, &split);
        assert_eq!(fields.len(), 2);
        let (subtitle, byline) = (&fields[0], &fields[1]);
        assert_eq!(byline.field, Field::Byline);
        assert_eq!(&text[byline.span.clone()], "\"By A. Writer\"");
        assert_eq!(&text[byline.verbatim(text).unwrap()], "By A. Writer");
        // Escaped, its value is not spelled in the file as it reads.
        assert_eq!(subtitle.value, "Say \"hi\"");
        assert_eq!(subtitle.verbatim(text), None);
    }

    #[test]
    fn errors_point_into_the_file() {
        let e = meta("+++\ntitle = \"T\"\nauthor = [\"A\"]\n+++\n").unwrap_err();
        assert_eq!(e.line_col(), Some((3, 1)));
        assert_eq!(e.help.as_deref(), Some("did you mean `authors`?"));
        let e = meta("+++\ndate = \"2002-02-30\"\n+++\n").unwrap_err();
        assert!(e.message.contains("no day 30"), "{}", e.message);
        assert_eq!(e.line_col(), Some((2, 8)));
    }
}
