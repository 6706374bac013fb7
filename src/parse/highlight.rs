//! Code highlighting: syntect's grammars cut the code into tokens, and each token
//! gets one of a few classes (`hl-keyword`, `hl-string`…) by what its innermost
//! telling scope says it is. Neighbouring tokens of a class share a span, so a
//! line of code is a handful of spans, not one per scope and nesting level; one
//! stylesheet colours the classes, in the light and the dark theme, following the
//! reader's choice as the rest of the page does.
//!
//! The syntax set is loaded once per process and shared: building it compiles many
//! regexes, and cloning it would compile them again.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{LazyLock, Mutex};

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::html::escape;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// The classes, each with its colour in the light and in the dark theme (GitHub's
/// palettes, readable on both of the site's backgrounds).
const CLASSES: [(&str, &str, &str); 8] = [
    ("comment", "#59636e", "#9198a1"),
    ("string", "#0a3069", "#a5d6ff"),
    ("constant", "#0550ae", "#79c0ff"),
    ("keyword", "#cf222e", "#ff7b72"),
    ("function", "#8250df", "#d2a8ff"),
    ("type", "#953800", "#ffa657"),
    ("variable", "#953800", "#ffa657"),
    ("tag", "#116329", "#7ee787"),
];

/// Which scopes make which class, the more particular first; a token takes the
/// class of its innermost scope that has one (a string's quote marks, scoped
/// `punctuation.definition.string`, are part of the string).
static SCOPES: LazyLock<Vec<(Scope, &'static str)>> = LazyLock::new(|| {
    [
        ("comment", "comment"),
        ("string", "string"),
        ("constant", "constant"),
        ("entity.name.function", "function"),
        ("support.function", "function"),
        ("variable.function", "function"),
        ("entity.name.tag", "tag"),
        ("entity.other.attribute-name", "variable"),
        ("variable.parameter", "variable"),
        ("variable.language", "keyword"),
        ("entity.name", "type"),
        ("entity.other.inherited-class", "type"),
        ("support.type", "type"),
        ("support.class", "type"),
        ("keyword", "keyword"),
        ("storage", "keyword"),
    ]
    .into_iter()
    .filter_map(|(scope, class)| Some((Scope::new(scope).ok()?, class)))
    .collect()
});

/// Highlighted blocks already seen, by language and code: archives repeat
/// their examples, and `serve` parses an edited document again and again, while
/// syntect is the dearest step of parsing. Bounded, so an archive of all
/// different blocks holds at most `CACHED` of them, none longer than `LONGEST`.
static SEEN: LazyLock<Mutex<Highlighted>> = LazyLock::new(Mutex::default);
/// HTML by language and code.
type Highlighted = HashMap<(Option<String>, String), String>;
const CACHED: usize = 4096;
const LONGEST: usize = 16 * 1024;

/// The HTML for a fenced code block: `<pre><code>` with highlighted spans when the
/// language is known, escaped plain text otherwise.
pub fn code_block(code: &str, lang: Option<&str>) -> String {
    let key = (lang.map(str::to_string), code.to_string());
    if let Some(html) = SEEN.lock().ok().and_then(|seen| seen.get(&key).cloned()) {
        return html;
    }
    let html = highlight(code, lang);
    if code.len() <= LONGEST
        && let Ok(mut seen) = SEEN.lock()
        && seen.len() < CACHED
    {
        seen.insert(key, html.clone());
    }
    html
}

/// How every highlighted block opens: its class is what the syntax stylesheet styles.
const HIGHLIGHTED: &str = "<pre class=\"code hl-code\"";

/// Whether `html`, as [`code_block`] made it, is highlighted (rather than plain).
pub fn is_highlighted(html: &str) -> bool {
    html.starts_with(HIGHLIGHTED)
}

fn highlight(code: &str, lang: Option<&str>) -> String {
    let lang_attr = lang
        .map(|l| format!(" data-lang=\"{}\"", escape(l)))
        .unwrap_or_default();
    // A language syntect does not know, or code it cannot parse, is shown plain
    // rather than failing the build.
    match lang
        .and_then(|l| SYNTAXES.find_syntax_by_token(l))
        .and_then(|syntax| spans(code, syntax))
    {
        Some(html) => format!("{HIGHLIGHTED}{lang_attr}><code>{html}</code></pre>\n"),
        None => format!(
            "<pre class=\"code\"{lang_attr}><code>{}</code></pre>\n",
            escape(code)
        ),
    }
}

/// The code as escaped text in class spans.
fn spans(code: &str, syntax: &syntect::parsing::SyntaxReference) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut out = Spans::default();
    for line in LinesWithEndings::from(code) {
        let mut at = 0;
        for (i, op) in state.parse_line(line, &SYNTAXES).ok()? {
            out.push(&line[at..i], class(&scopes));
            at = i;
            scopes.apply(&op).ok()?;
        }
        out.push(&line[at..], class(&scopes));
    }
    Some(out.finish())
}

/// The class of a token inside `scopes`.
fn class(scopes: &ScopeStack) -> Option<&'static str> {
    scopes.as_slice().iter().rev().find_map(|scope| {
        SCOPES
            .iter()
            .find(|(prefix, _)| prefix.is_prefix_of(*scope))
            .map(|(_, class)| *class)
    })
}

/// HTML being written, the class of the span open at its end, and white space
/// not yet written: it goes inside the span only if the next token continues it.
#[derive(Default)]
struct Spans {
    html: String,
    open: Option<&'static str>,
    blank: String,
}

impl Spans {
    fn push(&mut self, text: &str, class: Option<&'static str>) {
        if text.bytes().all(|b| b.is_ascii_whitespace()) {
            self.blank.push_str(text);
            return;
        }
        if class != self.open {
            self.close();
            if let Some(class) = class {
                let _ = write!(self.html, "<span class=\"hl-{class}\">");
            }
            self.open = class;
        }
        self.html.push_str(&self.blank);
        self.blank.clear();
        self.html.push_str(&escape(text));
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            self.html.push_str("</span>");
        }
        self.html.push_str(&self.blank);
        self.blank.clear();
    }

    fn finish(mut self) -> String {
        self.close();
        self.html
    }
}

/// The stylesheet for highlighted code: the light colours, and the dark ones
/// where the reader chose the dark theme or the system prefers it and the reader
/// chose nothing.
pub fn stylesheet() -> String {
    let rules = |dark: bool, selector: &str| -> String {
        CLASSES
            .iter()
            .map(|(class, light_colour, dark_colour)| {
                let colour = if dark { dark_colour } else { light_colour };
                format!("{selector}.hl-code .hl-{class} {{ color: {colour}; }}\n")
            })
            .collect()
    };
    format!(
        "/* Generated by lectern: the classes of highlighted code. */\n\
         .hl-code .hl-comment {{ font-style: italic; }}\n{}{}@media (prefers-color-scheme: dark) {{\n{}}}\n",
        rules(false, ""),
        rules(true, ":root[data-theme=\"dark\"] "),
        rules(true, ":root:not([data-theme=\"light\"]) "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_a_class_per_kind_of_token() {
        let html = code_block(
            "fn main() {\n    let s = \"<b>\"; // note\n}\n",
            Some("rust"),
        );
        assert!(html.contains("data-lang=\"rust\""), "{html}");
        assert!(
            html.contains("<span class=\"hl-keyword\">fn</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-function\">main</span>"),
            "{html}"
        );
        // The quotes belong to the string, and the string is escaped.
        assert!(
            html.contains("<span class=\"hl-string\">&quot;&lt;b&gt;&quot;</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-comment\">// note\n</span>}"),
            "{html}"
        );
    }

    #[test]
    fn neighbouring_tokens_of_a_class_share_a_span() {
        let html = code_block("pub fn f() {}\n", Some("rust"));
        assert!(
            html.contains("<span class=\"hl-keyword\">pub fn</span> "),
            "{html}"
        );
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block("<b>&\n", Some("nonesuch"));
        assert_eq!(
            html,
            "<pre class=\"code\" data-lang=\"nonesuch\"><code>&lt;b&gt;&amp;\n</code></pre>\n"
        );
    }

    #[test]
    fn stylesheet_colours_every_class_in_both_themes() {
        let css = stylesheet();
        for (class, light, dark) in CLASSES {
            assert!(
                css.contains(&format!(".hl-code .hl-{class} {{ color: {light}; }}")),
                "{css}"
            );
            assert!(
                css.contains(&format!(
                    ":root[data-theme=\"dark\"] .hl-code .hl-{class} {{ color: {dark}; }}"
                )),
                "{css}"
            );
        }
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
        assert!(css.contains(":root:not([data-theme=\"light\"]) .hl-code"));
    }
}
