//! One archive, three syntaxes. lectern gets plain names (its own detection links
//! them), Pandoc citations, CriticMarkup notes and `.md` cross-references; Zola gets
//! the same words with `@/` links to entity and source pages; Hugo plain links and
//! taxonomies (its term pages stand in for the entity and source pages).

use std::fmt::Write as _;

use super::archive::{Archive, Block, Document, Entity, Source, Span};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Lectern,
    Zola,
    Hugo,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::Lectern, Dialect::Zola, Dialect::Hugo];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Lectern => "lectern",
            Dialect::Zola => "zola",
            Dialect::Hugo => "hugo",
        }
    }

    /// Where a document's file goes, relative to the site's root.
    pub fn document_path(self, slug: &str) -> String {
        match self {
            Dialect::Lectern => format!("content/documents/{slug}.md"),
            Dialect::Zola | Dialect::Hugo => format!("content/documents/{slug}.md"),
        }
    }

    pub fn entity_path(self, id: &str) -> String {
        match self {
            Dialect::Lectern | Dialect::Zola => format!("content/entities/{id}.md"),
            Dialect::Hugo => format!("content/entities/{id}/_index.md"),
        }
    }

    fn mention(self, out: &mut String, e: &Entity, shown: &str) {
        match self {
            Dialect::Lectern => out.push_str(shown),
            Dialect::Zola => {
                let _ = write!(out, "[{shown}](@/entities/{}.md)", e.id);
            }
            Dialect::Hugo => {
                let _ = write!(out, "[{shown}](/entities/{}/)", e.id);
            }
        }
    }

    fn cite(self, out: &mut String, s: &Source, locator: &str) {
        match self {
            Dialect::Lectern => {
                let _ = write!(out, "[@{}, {locator}]", s.key);
            }
            Dialect::Zola => {
                let _ = write!(out, "[[{}, {locator}]](@/sources/{}.md)", s.label(), s.key);
            }
            Dialect::Hugo => {
                let _ = write!(out, "[[{}, {locator}]](/sources/{}/)", s.label(), s.key);
            }
        }
    }

    fn note(self, out: &mut String, text: &str) {
        match self {
            Dialect::Lectern => {
                let _ = write!(out, "{{>>{text}<<}}");
            }
            Dialect::Zola | Dialect::Hugo => {
                let _ = write!(out, "*[Editor: {text}]*");
            }
        }
    }

    fn see(self, out: &mut String, slug: &str, id: &str, shown: &str) {
        match self {
            Dialect::Lectern => {
                let _ = write!(out, "[{shown}]({slug}.md#{id})");
            }
            Dialect::Zola => {
                let _ = write!(out, "[{shown}](@/documents/{slug}.md#{id})");
            }
            Dialect::Hugo => {
                let _ = write!(out, "[{shown}](/documents/{slug}/#{id})");
            }
        }
    }

    fn spans(self, out: &mut String, spans: &[Span], archive: &Archive) {
        for span in spans {
            match span {
                Span::Text(t) => out.push_str(t),
                Span::Mention { entity, shown } => {
                    self.mention(out, &archive.entities[*entity], shown)
                }
                Span::Cite { source, locator } => {
                    self.cite(out, &archive.sources[*source], locator)
                }
                Span::FootnoteRef(n) => {
                    let _ = write!(out, "[^{n}]");
                }
                Span::Note(t) => self.note(out, t),
                Span::See { slug, id, shown } => self.see(out, slug, id, shown),
            }
        }
    }

    /// A document's whole file.
    pub fn document(self, doc: &Document, archive: &Archive) -> String {
        let mut out = String::with_capacity(16 * 1024);
        out.push_str("+++\n");
        let _ = writeln!(out, "title = \"{}\"", doc.title);
        match self {
            Dialect::Lectern => {
                let _ = writeln!(out, "authors = [\"{}\"]", doc.author);
                let _ = writeln!(out, "date = \"{}\"", doc.date);
                if doc.timeline {
                    out.push_str("kind = \"timeline\"\n");
                }
                let _ = writeln!(out, "summary = \"{}\"", doc.summary);
            }
            Dialect::Zola => {
                let _ = writeln!(out, "date = {}", doc.date);
                let _ = writeln!(out, "description = \"{}\"", doc.summary);
                let _ = writeln!(out, "[extra]\nauthor = \"{}\"", doc.author);
            }
            Dialect::Hugo => {
                let _ = writeln!(out, "date = {}", doc.date);
                let _ = writeln!(out, "summary = \"{}\"", doc.summary);
                let _ = writeln!(out, "authors = [\"{}\"]", doc.author);
                let list = |ids: Vec<&str>| {
                    ids.iter()
                        .map(|i| format!("\"{i}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let entities = doc
                    .entities
                    .iter()
                    .map(|&e| archive.entities[e].id.as_str());
                let sources = doc.sources.iter().map(|&s| archive.sources[s].key.as_str());
                let _ = writeln!(out, "entities = [{}]", list(entities.collect()));
                let _ = writeln!(out, "sources = [{}]", list(sources.collect()));
            }
        }
        out.push_str("+++\n\n");
        for block in &doc.blocks {
            match block {
                Block::Heading {
                    level,
                    text,
                    id,
                    date,
                } => {
                    out.push_str(&"#".repeat(*level as usize));
                    out.push(' ');
                    out.push_str(text);
                    let mut attrs = Vec::new();
                    if let Some(id) = id {
                        attrs.push(format!("#{id}"));
                    }
                    if let (Dialect::Lectern, Some(date)) = (self, date) {
                        attrs.push(format!("date={date}"));
                    }
                    if !attrs.is_empty() {
                        let _ = write!(out, " {{{}}}", attrs.join(" "));
                    }
                    out.push('\n');
                }
                Block::Paragraph(spans) => {
                    self.spans(&mut out, spans, archive);
                    out.push('\n');
                }
                Block::Quote(spans) => {
                    out.push_str("> ");
                    self.spans(&mut out, spans, archive);
                    out.push('\n');
                }
                Block::List(items) => {
                    for item in items {
                        out.push_str("- ");
                        self.spans(&mut out, item, archive);
                        out.push('\n');
                    }
                }
                Block::Code { lang, code } => {
                    let _ = writeln!(out, "```{lang}\n{code}\n```");
                }
            }
            out.push('\n');
        }
        for (n, note) in doc.footnotes.iter().enumerate() {
            let _ = write!(out, "[^{}]: ", n + 1);
            self.spans(&mut out, note, archive);
            out.push('\n');
        }
        out
    }

    /// An entity's file: its page (lectern, Zola) or its term page (Hugo).
    pub fn entity(self, e: &Entity, archive: &Archive) -> String {
        let mut out = String::from("+++\n");
        match self {
            Dialect::Lectern => {
                let _ = writeln!(out, "name = \"{}\"", e.name);
                let _ = writeln!(out, "kind = \"{}\"", e.kind);
                let aliases: Vec<String> = e.aliases.iter().map(|a| format!("\"{a}\"")).collect();
                let _ = writeln!(out, "aliases = [{}]", aliases.join(", "));
            }
            Dialect::Zola | Dialect::Hugo => {
                let _ = writeln!(out, "title = \"{}\"", e.name);
            }
        }
        out.push_str("+++\n");
        for p in &e.annotation {
            self.spans(&mut out, p, archive);
            out.push_str("\n\n");
        }
        out
    }

    /// A source's page (Zola) or term page (Hugo); lectern reads a BibTeX file.
    pub fn source(self, s: &Source) -> String {
        format!(
            "+++\ntitle = \"{}\"\n+++\n{}, {}. *{}*. {}, {}.\n",
            s.label(),
            s.author_last,
            s.author_first,
            s.title,
            s.publisher,
            s.year
        )
    }

    pub fn bibtex(sources: &[Source]) -> String {
        let mut out = String::new();
        for s in sources {
            let _ = write!(
                out,
                "@book{{{},\n\ttitle = {{{}}},\n\tauthor = {{{}, {}}},\n\tpublisher = {{{}}},\n\tyear = {{{}}}\n}}\n\n",
                s.key, s.title, s.author_last, s.author_first, s.publisher, s.year
            );
        }
        out
    }
}

/// Files every site of a dialect has besides its content: configuration and
/// minimal templates (path, text).
pub fn scaffolding(dialect: Dialect) -> Vec<(&'static str, &'static str)> {
    match dialect {
        Dialect::Lectern => vec![(
            "site.toml",
            "title = \"Benchmark archive\"\nbase_url = \"https://bench.example.org/\"\nlanguage = \"en\"\neditor = \"The benchmark\"\n",
        )],
        Dialect::Zola => vec![
            ("config.toml", ZOLA_CONFIG),
            (
                "content/_index.md",
                "+++\ntitle = \"Benchmark archive\"\n+++\n",
            ),
            (
                "content/documents/_index.md",
                "+++\ntitle = \"Documents\"\nsort_by = \"date\"\n+++\n",
            ),
            (
                "content/entities/_index.md",
                "+++\ntitle = \"Entities\"\nsort_by = \"title\"\npage_template = \"entity.html\"\n+++\n",
            ),
            (
                "content/sources/_index.md",
                "+++\ntitle = \"Sources\"\nsort_by = \"title\"\npage_template = \"entity.html\"\n+++\n",
            ),
            ("templates/base.html", ZOLA_BASE),
            ("templates/index.html", ZOLA_INDEX),
            ("templates/section.html", ZOLA_SECTION),
            ("templates/page.html", ZOLA_PAGE),
            ("templates/entity.html", ZOLA_ENTITY),
            ("templates/atom.xml", ZOLA_ATOM),
        ],
        Dialect::Hugo => vec![
            ("hugo.toml", HUGO_CONFIG),
            (
                "content/_index.md",
                "+++\ntitle = \"Benchmark archive\"\n+++\n",
            ),
            (
                "content/documents/_index.md",
                "+++\ntitle = \"Documents\"\n+++\n",
            ),
            ("layouts/baseof.html", HUGO_BASE),
            ("layouts/home.html", HUGO_LIST),
            ("layouts/section.html", HUGO_LIST),
            ("layouts/taxonomy.html", HUGO_LIST),
            ("layouts/term.html", HUGO_TERM),
            ("layouts/page.html", HUGO_PAGE),
        ],
    }
}

const ZOLA_CONFIG: &str = r#"base_url = "https://bench.example.org/"
title = "Benchmark archive"
compile_sass = false
build_search_index = false
generate_feeds = true

[markdown]
bottom_footnotes = true

[markdown.highlighting]
theme = "github-dark"
style = "class"
"#;

const ZOLA_BASE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ get_url(path='/') }}">{{ config.title }}</a></header>
<main>{% block content %}{% endblock %}</main></body></html>
"#;

const ZOLA_INDEX: &str = r#"{% extends "base.html" %}{% block content %}
{% set documents = get_section(path="documents/_index.md") %}
<h1>{{ config.title }}</h1><p>{{ documents.pages | length }} documents</p>
<ul><li><a href="{{ get_url(path='@/documents/_index.md') }}">Documents</a></li>
<li><a href="{{ get_url(path='@/entities/_index.md') }}">Entities</a></li>
<li><a href="{{ get_url(path='@/sources/_index.md') }}">Sources</a></li></ul>
{% endblock %}
"#;

const ZOLA_SECTION: &str = r#"{% extends "base.html" %}{% block content %}
<h1>{{ section.title }}</h1>
<ul>{% for page in section.pages %}<li><a href="{{ page.permalink }}">{{ page.title }}</a></li>{% endfor %}</ul>
{% endblock %}
"#;

const ZOLA_PAGE: &str = r#"{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block content %}
<article><h1>{{ page.title }}</h1><p>{{ page.extra.author }}, {{ page.date }}</p>
{{ page.content | safe }}</article>
{% endblock %}
"#;

const ZOLA_ENTITY: &str = r#"{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block content %}
<article><h1>{{ page.title }}</h1>{{ page.content | safe }}
<h2>Mentioned in</h2><ul>{% for link in page.backlinks %}<li><a href="{{ link.permalink }}">{{ link.title }}</a></li>{% endfor %}</ul></article>
{% endblock %}
"#;

/// Summaries only, as lectern's and Hugo's feeds (Zola's own feed carries every
/// page's whole content: 175 MB at 10,000 documents).
const ZOLA_ATOM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>{{ config.title }}</title>
<link rel="self" type="application/atom+xml" href="{{ feed_url | safe }}"/>
<link rel="alternate" type="text/html" href="{{ config.base_url | safe }}"/>
<updated>{{ last_updated | date(format="%+") }}</updated>
<id>{{ feed_url | safe }}</id>
{%- for page in pages %}
<entry><title>{{ page.title }}</title>
<published>{{ page.date | date(format="%+") }}</published>
<updated>{{ page.updated | default(value=page.date) | date(format="%+") }}</updated>
<link rel="alternate" type="text/html" href="{{ page.permalink | safe }}"/>
<id>{{ page.permalink | safe }}</id>
<summary type="html">{{ page.description }}</summary></entry>
{%- endfor %}
</feed>
"#;

const HUGO_CONFIG: &str = r#"baseURL = "https://bench.example.org/"
title = "Benchmark archive"
languageCode = "en"

[taxonomies]
entity = "entities"
source = "sources"

[markup.highlight]
noClasses = false
"#;

const HUGO_BASE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"#;

const HUGO_TERM: &str = r#"{{ define "title" }}{{ .Title }}{{ end }}{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}
<h2>Mentioned in</h2><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></article>{{ end }}
"#;

const HUGO_PAGE: &str = r#"{{ define "title" }}{{ .Title }}{{ end }}{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ delimit .Params.authors ", " }}, {{ .Date.Format "2006-01-02" }}</p>{{ .Content }}</article>{{ end }}
"#;
