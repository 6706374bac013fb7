//! `site.toml`: the archive's configuration.
//!
//! Parsing is strict: an unknown key is an error that names the nearest valid key,
//! because a silently ignored typo is worse than a failed build.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostics::{self, Diagnostic, Failure};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The archive's name, shown in every page's header and title.
    pub title: String,
    /// One sentence about the archive, for the home page and feeds.
    #[serde(default)]
    pub description: Option<String>,
    /// Absolute URL the site is published at, e.g. `https://user.github.io/archive/`.
    /// Used only for canonical URLs, the sitemap and the feed: internal links are relative.
    pub base_url: String,
    /// Language of the archive as a BCP 47 tag, for `<html lang>`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Who keeps the archive and writes its editorial notes.
    #[serde(default)]
    pub editor: Option<String>,
    /// Where `build` writes the site, relative to the archive root.
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    /// Remove scripts and unknown tags from raw HTML in Markdown. Off by default:
    /// the editor is trusted; switch it on for content from less trusted hands.
    #[serde(default)]
    pub sanitize_html: bool,
    /// The custom domain GitHub Pages serves the site at (`archive.example.org`):
    /// written to a `CNAME` file. Leave it out for `user.github.io/<repo>/`.
    #[serde(default)]
    pub cname: Option<String>,
    /// The kinds of entity the archive has, in the order the entities index lists
    /// them: `[[kinds]]` tables with an `id` (what entity files write as `kind`) and
    /// a `label` (the index's heading). Declaring any replaces the default five.
    #[serde(default = "default_kinds")]
    pub kinds: Vec<Kind>,
    /// How many documents the Atom feed lists, newest first: 50 unless set; 0 lists
    /// every document. A feed is read for what is new, and the archive's own pages
    /// list everything.
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    /// How many documents the home page lists before the rest go on to
    /// `page/2/`, `page/3/`…, and the editorial notes page shows the notes of
    /// (`annotations/page/2/`…): 100 unless set; 0 puts each list on one page.
    /// An archive of a hundred thousand documents would otherwise have a home
    /// page of forty megabytes.
    #[serde(default = "default_documents_per_page")]
    pub documents_per_page: usize,
}

/// A kind of entity: `[[kinds]]` in `site.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    /// What an entity's front matter writes, `kind = "person"`; also the anchor of
    /// its section on the entities index, so a slug.
    pub id: String,
    /// The heading of its section on the entities index.
    pub label: String,
}

/// The kinds an archive has when `site.toml` declares none.
pub const DEFAULT_KINDS: &[(&str, &str)] = &[
    ("person", "Person"),
    ("organization", "Organization"),
    ("place", "Place"),
    ("event", "Event"),
    ("work", "Work"),
];

fn default_kinds() -> Vec<Kind> {
    DEFAULT_KINDS
        .iter()
        .map(|&(id, label)| Kind {
            id: id.into(),
            label: label.into(),
        })
        .collect()
}

fn default_language() -> String {
    "en".into()
}

fn default_output_dir() -> PathBuf {
    "public".into()
}

fn default_feed_limit() -> usize {
    50
}

fn default_documents_per_page() -> usize {
    100
}

impl SiteConfig {
    /// Parses the text of `site.toml`; `path` is only used to name the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<SiteConfig, Diagnostic> {
        let source: Arc<str> = Arc::from(text);
        let mut config: SiteConfig =
            toml::from_str(text).map_err(|e| diagnostics::from_toml(path, &source, 0, &e))?;
        if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
            let at = text.find(&config.base_url).unwrap_or(0);
            return Err(Diagnostic::error(path, "`base_url` must be an absolute http(s) URL")
                .at(&source, at..at + config.base_url.len())
                .help("write it as the site will be published, e.g. \"https://user.github.io/archive/\""));
        }
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if let Some(domain) = &config.cname {
            let host = config
                .base_url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .unwrap_or("");
            if domain != host {
                let at = text.find(domain.as_str()).unwrap_or(0);
                return Err(Diagnostic::error(
                    path,
                    format!("`cname` is `{domain}`, but `base_url` is on `{host}`"),
                )
                .at(&source, at..at + domain.len())
                .help(format!(
                    "write the bare domain the site is served at, e.g. cname = \"{host}\", with base_url = \"https://{host}/\""
                )));
            }
        }
        check_kinds(&config.kinds, path, &source)?;
        Ok(config)
    }

    /// Reads and parses `<root>/site.toml`.
    pub fn load(root: &Path) -> Result<SiteConfig, Failure> {
        let path = root.join("site.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(&path, format!("could not read {}: {e}", path.display())).help(
                "every archive needs a site.toml at its root with at least `title` and `base_url`",
            )
        })?;
        Ok(SiteConfig::parse(Path::new("site.toml"), &text)?)
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }
}

/// Kinds must be slugs (they are anchors on the index), unique, and labelled.
fn check_kinds(kinds: &[Kind], path: &Path, source: &Arc<str>) -> Result<(), Diagnostic> {
    let from = source.find("kinds").unwrap_or(0);
    let at = |needle: &str| {
        let quoted = format!("\"{needle}\"");
        let start = source[from..].find(&quoted).map_or(from, |i| from + i);
        start..start + quoted.len()
    };
    if kinds.is_empty() {
        return Err(Diagnostic::error(path, "`kinds` declares no kind of entity")
            .at(source, from..from + 5)
            .help("declare at least one `[[kinds]]` with an `id` and a `label`, or leave `kinds` out for the default five"));
    }
    for (i, kind) in kinds.iter().enumerate() {
        if !crate::load::is_slug(&kind.id) {
            return Err(
                Diagnostic::error(path, format!("`{}` cannot be a kind's id", kind.id))
                    .at(source, at(&kind.id))
                    .help(format!(
                        "write kind ids in lower-case letters, digits and hyphens, e.g. `{}`",
                        crate::load::slugify(&kind.id)
                    )),
            );
        }
        if kind.label.trim().is_empty() {
            return Err(Diagnostic::error(
                path,
                format!("the kind `{}` has an empty label", kind.id),
            )
            .at(source, at(&kind.id))
            .help("give it the heading the entities index shows, e.g. `label = \"People\"`"));
        }
        if kinds[..i].iter().any(|k| k.id == kind.id) {
            let first = at(&kind.id).start;
            let again = source[first + 1..]
                .find(&format!("\"{}\"", kind.id))
                .map_or(first, |j| first + 1 + j);
            return Err(Diagnostic::error(
                path,
                format!("the kind `{}` is declared twice", kind.id),
            )
            .at(source, again..again + kind.id.len() + 2)
            .help("declare each kind once"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SiteConfig, Diagnostic> {
        SiteConfig::parse(Path::new("site.toml"), text)
    }

    #[test]
    fn defaults_and_trailing_slash() {
        let c = parse("title = \"A\"\nbase_url = \"https://x.org/archive\"").unwrap();
        assert_eq!(c.base_url, "https://x.org/archive/");
        assert_eq!(c.base_path(), "/archive/");
        assert_eq!(c.language, "en");
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert_eq!(c.feed_limit, 50);
        assert_eq!(c.documents_per_page, 100);
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let e =
            parse("title = \"A\"\nbase_url = \"https://x.org/\"\nlanguag = \"en\"").unwrap_err();
        assert_eq!(e.line_col(), Some((3, 1)));
        assert_eq!(e.help.as_deref(), Some("did you mean `language`?"));
    }

    #[test]
    fn cname_must_be_base_urls_host() {
        let ok = parse(
            "title = \"T\"\nbase_url = \"https://archive.example.org/\"\ncname = \"archive.example.org\"\n",
        );
        assert_eq!(ok.unwrap().cname.as_deref(), Some("archive.example.org"));
        let err = parse("title = \"T\"\nbase_url = \"https://user.github.io/a/\"\ncname = \"archive.example.org\"\n").unwrap_err();
        assert_eq!(
            err.message,
            "`cname` is `archive.example.org`, but `base_url` is on `user.github.io`"
        );
        assert_eq!(err.line_col(), Some((3, 10)));
    }

    #[test]
    fn relative_base_url_is_refused() {
        let e = parse("title = \"A\"\nbase_url = \"/archive/\"").unwrap_err();
        assert!(e.message.contains("absolute"), "{}", e.message);
        assert_eq!(e.line_col(), Some((2, 13)));
    }

    #[test]
    fn kinds_default_to_the_five_and_may_be_declared_in_order() {
        let c = parse("title = \"A\"\nbase_url = \"https://x.org/\"").unwrap();
        let ids: Vec<&str> = c.kinds.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["person", "organization", "place", "event", "work"]);
        assert_eq!(c.kinds[1].label, "Organization");
        let c = parse(
            "title = \"A\"\nbase_url = \"https://x.org/\"\n\n[[kinds]]\nid = \"ship\"\nlabel = \"Ships\"\n\n[[kinds]]\nid = \"person\"\nlabel = \"People\"\n",
        )
        .unwrap();
        let kinds: Vec<(&str, &str)> = c
            .kinds
            .iter()
            .map(|k| (k.id.as_str(), k.label.as_str()))
            .collect();
        assert_eq!(kinds, [("ship", "Ships"), ("person", "People")]);
    }

    #[test]
    fn bad_kinds_are_refused_where_they_are_declared() {
        let site = "title = \"A\"\nbase_url = \"https://x.org/\"\n";
        let e = parse(&format!(
            "{site}[[kinds]]\nid = \"Ship Type\"\nlabel = \"Ships\"\n"
        ))
        .unwrap_err();
        assert_eq!(e.line_col(), Some((4, 6)));
        assert!(e.help.unwrap().contains("`ship-type`"));
        let e = parse(&format!(
            "{site}[[kinds]]\nid = \"ship\"\nlabel = \"Ships\"\n[[kinds]]\nid = \"ship\"\nlabel = \"Boats\"\n"
        ))
        .unwrap_err();
        assert_eq!(e.message, "the kind `ship` is declared twice");
        assert_eq!(e.line_col(), Some((7, 6)));
        let e = parse(&format!("{site}[[kinds]]\nid = \"ship\"\n")).unwrap_err();
        assert!(e.message.contains("label"), "{}", e.message);
        let e = parse(&format!("{site}kinds = []\n")).unwrap_err();
        assert_eq!(e.line_col(), Some((3, 1)));
    }
}
