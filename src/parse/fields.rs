//! Front matter printed with a document — its subtitle, lead image caption and
//! credit, and byline — walked like its body, so that names in them are linked
//! and counted as mentions, and their problems point at the field's line.
//!
//! A field is one paragraph of inline Markdown, its wording exactly as written.
//! What the walk finds in it joins the document's text: mentions and citations
//! stand at the field's anchor (`doc-byline`…), not at a citable block; notes and
//! cross-references are numbered after the body's. So the document's one writer
//! renders the body and the fields alike, and every later stage (the entity and
//! source indexes, the notes page, link checking) sees them without knowing
//! where they came from.

use std::sync::Arc;

use super::markdown::{self, Lookup, Walked};
use super::{Body, Mark, Text, assemble};
use crate::diagnostics::Diagnostic;
use crate::load::front_matter::ImagePosition;
use crate::load::{DocumentSource, Field, FieldSource};

/// Walks `source`'s printed fields and adds what they hold to `text`, the
/// document's body already walked; returns each field's body.
pub fn walk(
    source: &DocumentSource,
    lookup: &Lookup,
    text: &mut Text,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Field, Body)> {
    let at_end = source.meta.image_position == ImagePosition::End;
    // What the page prints above the body, and after it.
    let (mut mentions, mut citations) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    let mut bodies = Vec::new();
    for field in &source.fields {
        let after = usize::from(at_end && field.field.is_image());
        if let Some(block) = markdown::block_in(&field.value) {
            diagnostics.push(not_inline(source, field, block));
            continue;
        }
        let walked = walk_one(source, field, lookup);
        let ids = vec![field.field.anchor().to_string(); walked.blocks.len()];
        let (found, found_diagnostics) = assemble(walked, ids, false, &source.file);
        diagnostics.extend(found_diagnostics);
        mentions[after].extend(found.mentions.iter().cloned());
        citations[after].extend(found.citations.iter().cloned());
        bodies.push((field.field, join(text, found)));
    }
    // In reading order.
    let [above, below] = mentions;
    text.mentions.splice(0..0, above);
    text.mentions.extend(below);
    let [above, below] = citations;
    text.citations.splice(0..0, above);
    text.citations.extend(below);
    bodies
}

/// Walks one field: in place when the file spells it as it reads, else its value,
/// with every position put at the field.
fn walk_one(source: &DocumentSource, field: &FieldSource, lookup: &Lookup) -> Walked {
    let file = &source.file;
    if let Some(range) = field.verbatim(&file.text) {
        return markdown::walk(&file.path, &file.text, range, lookup);
    }
    let value: Arc<str> = Arc::from(field.value.as_str());
    let mut walked = markdown::walk(&file.path, &value, 0..value.len(), lookup);
    for d in &mut walked.diagnostics {
        if d.location.is_some() {
            d.location = Some((Arc::clone(&file.text), field.span.clone()));
        }
    }
    for link in &mut walked.links {
        link.offset = field.span.start;
    }
    walked
}

/// Adds a field's notes and cross-references to the document's, renumbering the
/// marks that point at them; returns the field's body, inline.
fn join(text: &mut Text, found: Text) -> Body {
    let (notes, links) = (text.annotations.len(), text.links.len());
    let renumber = |body: Body| {
        body.map_marks(|mark| match mark {
            // One paragraph, printed inside the page's own element for the field.
            Mark::BlockOpen(_) | Mark::BlockClose(_) => None,
            Mark::NoteOpen(i) => Some(Mark::NoteOpen(i + notes)),
            Mark::CrossRef(i) => Some(Mark::CrossRef(i + links)),
            other => Some(other),
        })
    };
    for mut note in found.annotations {
        note.id = format!("ed-{}", text.annotations.len() + 1);
        note.body = renumber(note.body);
        text.annotations.push(note);
    }
    text.links.extend(found.links);
    renumber(found.body).trim()
}

fn not_inline(source: &DocumentSource, field: &FieldSource, block: &str) -> Diagnostic {
    Diagnostic::error(
        &source.file.path,
        format!(
            "`{}` is printed as one line of inline Markdown, but this reads as {block}",
            field.field.key()
        ),
    )
    .at(&source.file.text, field.span.clone())
    .help("keep it to one paragraph; to print a leading `1.`, `-`, `#` or `>` as written, escape it with a backslash (`1\\.`)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DocLock;
    use crate::load::front_matter;
    use crate::load::{DocumentMeta, SourceFile};
    use crate::parse::Piece;
    use crate::parse::citations::Bibliography;
    use crate::parse::mentions::{Registry, test_entity};
    use std::path::Path;

    fn document(text: &str) -> DocumentSource {
        let path = Path::new("content/documents/a.md");
        let text: Arc<str> = Arc::from(text);
        let split = front_matter::split(path, &text).unwrap();
        let meta: DocumentMeta = front_matter::parse(path, &text, &split).unwrap();
        DocumentSource {
            slug: "a".into(),
            fields: front_matter::printed_fields(&text, &split),
            meta,
            body_start: split.body.start,
            file: SourceFile {
                path: path.into(),
                text,
            },
        }
    }

    /// Parses `text` as document `a` against a registry of Arun Anand, the Afghan
    /// mujahideen and two Haqqanis.
    fn parse(text: &str) -> (crate::parse::Document, Vec<Diagnostic>) {
        let entities = vec![
            test_entity("arun-anand", "Arun Anand", &[], &[]),
            test_entity(
                "afghan-mujahideen",
                "Afghan mujahideen",
                &["Mujhideen Rebels"],
                &[],
            ),
            test_entity("haqqani-network", "Haqqani Network", &[], &["Haqqani"]),
            test_entity(
                "jalaluddin-haqqani",
                "Jalaluddin Haqqani",
                &[],
                &["Haqqani"],
            ),
        ];
        let (registry, _) = Registry::new(&entities);
        let sources = Bibliography::new(&[]);
        let lookup = Lookup {
            entities: &registry,
            sources: &sources,
        };
        let (doc, _, diagnostics) =
            crate::parse::parse_document(&document(text), &DocLock::default(), &lookup);
        (doc, diagnostics)
    }

    fn html(body: &Body) -> String {
        body.pieces()
            .map(|p| match p {
                Piece::Html(h) => h.to_string(),
                Piece::Mark(m) => format!("{{{m:?}}}"),
            })
            .collect()
    }

    #[test]
    fn names_in_printed_fields_are_mentions_at_the_fields_anchor() {
        let (doc, diagnostics) = parse(
            "+++\nbyline = \"By Arun Anand\"\nimage_caption = \"The *Mujhideen Rebels*, 1980.\"\n+++\n\nText.\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let byline = doc.field(Field::Byline).unwrap();
        assert_eq!(html(byline), "By {Mention(0)}Arun Anand{LinkClose}");
        let caption = doc.field(Field::ImageCaption).unwrap();
        assert_eq!(
            html(caption),
            "The <em>{Mention(1)}Mujhideen Rebels{LinkClose}</em>, 1980."
        );
        // Read in the order the page prints them: the caption above the byline.
        let found: Vec<(usize, &str, &str)> = doc
            .text
            .mentions
            .iter()
            .map(|m| (m.entity, m.anchor.as_str(), m.snippet.text()))
            .collect();
        assert_eq!(
            found,
            [
                (1, "doc-caption", "Mujhideen Rebels"),
                (0, "doc-byline", "Arun Anand")
            ]
        );
        assert!(doc.text.mentions.iter().all(|m| m.number.is_none()));
        assert_eq!(doc.text.blocks.len(), 1, "a field is no citable block");
    }

    #[test]
    fn a_fields_notes_follow_the_bodys_and_its_problems_point_at_its_line() {
        let (doc, diagnostics) = parse(
            "+++\ntitle = \"T\"\nimage_caption = \"{==Mujhideen==}{>>So spelled.<<} and Haqqani\"\n+++\n\nA {>>body note<<}.\n",
        );
        assert_eq!(doc.text.annotations.len(), 2);
        assert_eq!(doc.text.annotations[1].id, "ed-2");
        assert_eq!(
            doc.text.annotations[1].anchor.as_deref(),
            Some("doc-caption")
        );
        assert!(html(doc.field(Field::ImageCaption).unwrap()).contains("{NoteOpen(1)}"));
        let ambiguous = &diagnostics[0];
        assert!(ambiguous.message.starts_with("ambiguous mention `Haqqani`"));
        assert_eq!(ambiguous.line_col(), Some((3, 55)));
    }

    #[test]
    fn an_escaped_field_is_walked_as_it_reads_and_reported_at_the_field() {
        let (doc, diagnostics) =
            parse("+++\nsubtitle = \"\\\"Haqqani\\\" and Arun Anand\"\n+++\n\nText.\n");
        assert_eq!(
            html(doc.field(Field::Subtitle).unwrap()),
            "\"Haqqani\" and {Mention(0)}Arun Anand{LinkClose}"
        );
        assert_eq!(diagnostics[0].line_col(), Some((2, 12)));
    }

    #[test]
    fn a_field_that_reads_as_a_block_is_refused() {
        let (_, diagnostics) = parse("+++\nbyline = \"1. By Arun Anand\"\n+++\n\nText.\n");
        let e = &diagnostics[0];
        assert!(e.is_error());
        assert!(e.message.contains("reads as a list"), "{}", e.message);
        assert_eq!(e.line_col(), Some((2, 10)));
        let (doc, diagnostics) = parse("+++\nbyline = \"1\\\\. By Arun Anand\"\n+++\n\nText.\n");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert!(html(doc.field(Field::Byline).unwrap()).starts_with("1. By "));
    }
}
