//! Pictures of who is connected: SVG drawn at build time, for the entities index
//! (the archive's most mentioned entities and the paragraphs they share) and for
//! each entity page (its neighbourhood).
//!
//! The layout is a circle in a fixed order (by kind, then by mentions, then by
//! id), so the same archive gives the same picture, and labels run outward along
//! the radius, where they cannot overlap as long as the nodes are spaced by more
//! than a line of text. Node size follows mentions; kinds differ by shape as well
//! as colour. Every node is a link to its entity page. The ranked lists on the
//! same pages are the text alternative.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::f64::consts::PI;
use std::fmt::Write;

use crate::config::Kind;
use crate::html::escape;

/// An entity to draw.
pub struct Node<'a> {
    pub name: &'a str,
    /// The index of its kind in the archive's kinds: picks shape and colour.
    pub kind: usize,
    pub mentions: usize,
    /// Where its page is, relative to the page drawing it.
    pub href: String,
}

/// Shapes by kind, in order, with the symbol the legend shows for each; kinds
/// past the sixth reuse them. Colours come from `.graph .kind-<n>` in the
/// stylesheet, which also draws lines and labels in the page's text colour, so
/// the picture reads in light and dark themes alike.
const SHAPES: [(&str, &str); 6] = [
    ("circle", "●"),
    ("square", "■"),
    ("triangle", "▲"),
    ("diamond", "◆"),
    ("hexagon", "⬢"),
    ("triangle-down", "▼"),
];

/// The legend of the shapes: each declared kind's symbol and label, in order
/// ("● people, ■ organisations").
pub fn legend(kinds: &[Kind]) -> String {
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            format!(
                "{} {}",
                SHAPES[i % SHAPES.len()].1,
                kind.label.to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Draws `nodes` on a circle with `edges` (`(a, b, weight)` by node index);
/// `center` puts node 0 in the middle instead (an entity's neighbourhood).
///
/// A line's width shows its weight; the numbers are in the ranked lists beside
/// the picture, so lines carry no titles of their own.
///
/// Every presentation attribute the nodes share lives in the stylesheet, and
/// coordinates keep one decimal at most (whole pixels for lines and labels): the
/// picture is drawn on every entity page.
pub fn svg(title: &str, nodes: &[Node], edges: &[(usize, usize, usize)], center: bool) -> String {
    if nodes.len() < 2 {
        return String::new();
    }
    let ring: Vec<usize> = if center {
        (1..nodes.len()).collect()
    } else {
        (0..nodes.len()).collect()
    };
    // Room for a line of text and a gap between neighbours on the ring.
    let radius = (ring.len() as f64 * 22.0 / (2.0 * PI)).max(90.0);
    let longest = nodes
        .iter()
        .map(|n| label(n.name).chars().count())
        .max()
        .unwrap_or(0) as f64;
    let margin = 18.0 + longest * 6.2;
    let size = 2.0 * (radius + margin);
    // Nodes stand on whole pixels, where their lines meet them.
    let (cx, cy) = ((size / 2.0).round(), (size / 2.0).round());
    let most = nodes.iter().map(|n| n.mentions).max().unwrap_or(1).max(1) as f64;
    let node_radius = |n: &Node| 3.0 + 7.0 * (n.mentions as f64 / most).sqrt();
    let mut place = vec![(cx, cy, 0.0); nodes.len()];
    for (slot, &i) in ring.iter().enumerate() {
        let angle = -PI / 2.0 + 2.0 * PI * slot as f64 / ring.len() as f64;
        let (x, y) = (cx + radius * angle.cos(), cy + radius * angle.sin());
        place[i] = (x.round(), y.round(), angle);
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"graph\" viewBox=\"0 0 {size} {size}\" width=\"{size}\" height=\"{size}\" role=\"group\" aria-labelledby=\"graph-title\"><title id=\"graph-title\">{}</title>",
        escape(title),
        size = Whole(size),
    );
    let heaviest = edges.iter().map(|e| e.2).max().unwrap_or(1).max(1) as f64;
    // One path per line width, heaviest first: a width is the only thing lines
    // differ by, and most pictures have a handful of widths for a dozen lines.
    let mut lines: BTreeMap<Reverse<i64>, String> = BTreeMap::new();
    for &(a, b, weight) in edges {
        let ((x1, y1, _), (x2, y2, _)) = (place[a], place[b]);
        // Curved towards the middle, so lines between neighbours stay apart.
        let (qx, qy) = ((x1 + x2) / 4.0 + cx / 2.0, (y1 + y2) / 4.0 + cy / 2.0);
        let tenths = (6.0 + 30.0 * weight as f64 / heaviest).round() as i64;
        let _ = write!(
            lines.entry(Reverse(tenths)).or_default(),
            "M{} {}Q{} {} {} {}",
            Whole(x1),
            Whole(y1),
            Whole(qx),
            Whole(qy),
            Whole(x2),
            Whole(y2),
        );
    }
    out.push_str("<g class=\"edges\">");
    for (Reverse(tenths), d) in &lines {
        let _ = write!(
            out,
            "<path d=\"{d}\" stroke-width=\"{}\"/>",
            Short(*tenths as f64 / 10.0)
        );
    }
    out.push_str("</g><g class=\"nodes\">");
    for (i, node) in nodes.iter().enumerate() {
        let (x, y, angle) = place[i];
        let r = node_radius(node);
        let shown = label(node.name);
        let _ = write!(
            out,
            "<a href=\"{}\" class=\"node kind-{}\">",
            escape(&node.href),
            node.kind % SHAPES.len(),
        );
        // A node's link is named by its label; only a shortened one needs the
        // full name beside it. Kinds and counts are in the lists by the picture.
        if shown != node.name {
            let _ = write!(out, "<title>{}</title>", escape(node.name));
        }
        out.push_str(&shape(node.kind, x, y, r));
        // Labels are centred on their line by the stylesheet (`dominant-baseline`).
        if center && i == 0 {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                Whole(x),
                Whole(y + r + 10.0),
                escape(&shown)
            );
        } else {
            // Outward along the radius; on the left half, turned to read left to
            // right, and ending at the node.
            let degrees = angle.to_degrees();
            let left = angle.cos() < -1e-9;
            let (rotate, anchor, dx) = if left {
                (degrees + 180.0, " text-anchor=\"end\"", -(r + 4.0))
            } else {
                (degrees, "", r + 4.0)
            };
            let _ = write!(
                out,
                "<text transform=\"rotate({} {x} {y})\" x=\"{}\" y=\"{y}\"{anchor}>{}</text>",
                Short(rotate),
                Whole(x + dx),
                escape(&shown),
                x = Whole(x),
                y = Whole(y),
            );
        }
        out.push_str("</a>");
    }
    out.push_str("</g></svg>");
    out
}

/// A number with one decimal at most: `3.6`, `30`, `-12.5`. Written from its
/// tenths as an integer: a graph has hundreds of numbers, on every entity page,
/// and float formatting was most of the time spent drawing one.
struct Short(f64);

impl std::fmt::Display for Short {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round();
        if !tenths.is_finite() || tenths.abs() >= 1e15 {
            let text = format!("{:.1}", tenths / 10.0);
            return f.write_str(text.strip_suffix(".0").unwrap_or(&text));
        }
        let tenths = tenths as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, tenth) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
        match tenth {
            0 => write!(f, "{sign}{whole}"),
            _ => write!(f, "{sign}{whole}.{tenth}"),
        }
    }
}

/// A number rounded to a whole one, as `{:.0}` writes it (halves to even, `-0`
/// for a negative that rounds to zero), without float formatting.
struct Whole(f64);

impl std::fmt::Display for Whole {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let rounded = self.0.round_ties_even();
        if !rounded.is_finite() || rounded.abs() >= 1e15 {
            return write!(f, "{:.0}", self.0);
        }
        if rounded == 0.0 && self.0.is_sign_negative() {
            return f.write_str("-0");
        }
        write!(f, "{}", rounded as i64)
    }
}

/// A name short enough to label a node; the full name is in the node's title.
fn label(name: &str) -> String {
    const LONGEST: usize = 24;
    if name.chars().count() <= LONGEST {
        return name.to_string();
    }
    let cut: String = name.chars().take(LONGEST - 1).collect();
    format!("{}…", cut.trim_end())
}

fn shape(kind: usize, x: f64, y: f64, r: f64) -> String {
    let points = |n: usize, turn: f64| -> String {
        (0..n)
            .map(|k| {
                let a = turn + 2.0 * PI * k as f64 / n as f64;
                format!("{},{}", Short(x + r * a.cos()), Short(y + r * a.sin()))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    match SHAPES[kind % SHAPES.len()].0 {
        "circle" => format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
            Short(x),
            Short(y),
            Short(r)
        ),
        "square" => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{2}\"/>",
            Short(x - r * 0.9),
            Short(y - r * 0.9),
            Short(r * 1.8),
        ),
        "triangle" => format!("<polygon points=\"{}\"/>", points(3, -PI / 2.0)),
        "diamond" => format!("<polygon points=\"{}\"/>", points(4, 0.0)),
        "hexagon" => format!("<polygon points=\"{}\"/>", points(6, 0.0)),
        _ => format!("<polygon points=\"{}\"/>", points(3, PI / 2.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn numbers_are_written_as_float_formatting_writes_them(
            units in -2_000_000i64..2_000_000,
            part in prop::sample::select(vec![0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999, 1e-9]),
            sign in prop::bool::ANY,
        ) {
            let x = (units as f64 / 10.0 + part) * if sign { -1.0 } else { 1.0 };
            prop_assert_eq!(Whole(x).to_string(), format!("{x:.0}"));
            let tenths = (x * 10.0).round();
            let text = format!("{:.1}", tenths / 10.0);
            let text = text.strip_suffix(".0").unwrap_or(&text);
            let text = if text == "-0" { "0" } else { text };
            prop_assert_eq!(Short(x).to_string(), text);
        }
    }

    #[test]
    fn the_legend_names_every_declared_kind_with_its_own_shape() {
        let kinds: Vec<Kind> = [
            "People",
            "Ethnic groups",
            "Organisations",
            "Places",
            "Events",
            "Works",
        ]
        .iter()
        .map(|label| Kind {
            id: label.to_lowercase().replace(' ', "-"),
            label: label.to_string(),
        })
        .collect();
        assert_eq!(
            legend(&kinds),
            "● people, ■ ethnic groups, ▲ organisations, ◆ places, ⬢ events, ▼ works"
        );
        let sixth = svg_of_kind(5);
        assert!(
            sixth.contains("class=\"node kind-5\"") && sixth.contains("<polygon"),
            "{sixth}"
        );
    }

    fn svg_of_kind(kind: usize) -> String {
        svg(
            "t",
            &[node("a", kind, 3), node("b", 0, 2)],
            &[(0, 1, 1)],
            false,
        )
    }

    fn node(id: &'static str, kind: usize, mentions: usize) -> Node<'static> {
        Node {
            name: id,
            kind,
            mentions,
            href: format!("../{id}/"),
        }
    }

    #[test]
    fn every_node_links_to_its_page_and_kinds_differ_by_shape() {
        let nodes = [node("a", 0, 10), node("b", 1, 3), node("c", 2, 1)];
        let svg = svg("T", &nodes, &[(0, 1, 2), (1, 2, 1)], false);
        assert_eq!(svg.matches("<a href=").count(), 3);
        assert!(svg.contains("href=\"../b/\""));
        assert!(svg.contains("<circle") && svg.contains("<rect") && svg.contains("<polygon"));
        assert_eq!(svg.matches("<path").count(), 2);
        assert_eq!(
            svg,
            super::svg("T", &nodes, &[(0, 1, 2), (1, 2, 1)], false),
            "deterministic"
        );
        assert!(super::svg("T", &nodes[..1], &[], false).is_empty());
        let same = super::svg("T", &nodes, &[(0, 1, 1), (1, 2, 1), (0, 2, 2)], false);
        assert_eq!(
            same.matches("<path").count(),
            2,
            "one path per width: {same}"
        );
        assert_eq!(same.matches('M').count(), 3, "every line drawn: {same}");
    }

    #[test]
    fn only_a_shortened_label_carries_the_full_name() {
        let long = "Directorate of Frontier Intelligence and Tribal Affairs";
        let mut nodes = [node("a", 0, 10), node("b", 1, 3)];
        nodes[1].name = long;
        let svg = svg("T", &nodes, &[(0, 1, 1)], true);
        assert_eq!(svg.matches("<title>").count(), 1, "only b: {svg}");
        assert!(svg.contains(&format!("<title>{long}</title>")), "{svg}");
        assert!(svg.contains("Directorate of Frontier…</text>"), "{svg}");
    }
}
