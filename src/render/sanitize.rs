//! Optional sanitising of rendered Markdown (`sanitize_html = true` in site.toml).
//!
//! Raw HTML in Markdown is allowed by default: the editor is trusted. An archive
//! that takes content from less trusted hands can switch this on; ammonia then
//! removes scripts, event handlers and unknown tags from every document body and
//! note, keeping the attributes lectern itself writes.

use std::sync::LazyLock;

use ammonia::Builder;

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        .add_tags([
            "aside",
            "figure",
            "figcaption",
            "section",
            "mark",
            "time",
            "sup",
            "span",
            "div",
        ])
        .add_generic_attributes([
            "id",
            "class",
            "role",
            "aria-label",
            "aria-labelledby",
            "title",
        ])
        .add_generic_attribute_prefixes(["data-"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("li", ["value"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        // Relative links between pages are the point; ammonia keeps them as they are.
        .link_rel(None);
    builder
});

pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_and_handlers_keeps_lecterns_markup() {
        let html = "<p id=\"abc\" data-n=\"1\">Hi<script>alert(1)</script><img src=x onerror=\"alert(2)\"><a class=\"mention\" href=\"../entities/x/\" data-entity=\"x\">X</a></p>";
        let clean = clean(html);
        assert!(
            !clean.contains("script") && !clean.contains("onerror"),
            "{clean}"
        );
        assert!(clean.contains("<p id=\"abc\" data-n=\"1\">"), "{clean}");
        assert!(
            clean.contains("<a class=\"mention\" href=\"../entities/x/\" data-entity=\"x\">X</a>"),
            "{clean}"
        );
    }
}
