//! The timeline's time axis: where the archive's dated material falls over the
//! decades, as SVG drawn at build time. A date known to a day, month or year is a
//! tick in its year (taller the more passages share the year); a range is a bar
//! from its start to its end, stacked so bars never hide each other. Each year
//! with material links to its section of the timeline page.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::link::Entry;

const WIDTH: f64 = 720.0;
const LEFT: f64 = 12.0;
const RIGHT: f64 = 12.0;
const BAR: f64 = 5.0;

/// The axis for `entries` (the archive-wide timeline, in date order).
pub fn svg(entries: &[Entry]) -> String {
    let (Some(first), Some(last)) = (
        entries.iter().map(|e| e.date.start.year).min(),
        entries
            .iter()
            .map(|e| e.date.end.map_or(e.date.start.year, |d| d.year))
            .max(),
    ) else {
        return String::new();
    };
    let from = first - first.rem_euclid(10);
    let to = last - last.rem_euclid(10) + 10;
    let span = (to - from).max(1) as f64;
    let x = |year: f64| LEFT + (year - from as f64) / span * (WIDTH - LEFT - RIGHT);

    let mut singles: BTreeMap<i32, usize> = BTreeMap::new();
    let mut ranges: Vec<(i32, i32)> = Vec::new();
    for entry in entries {
        let start = entry.date.start.year;
        match entry.date.end.map(|d| d.year).filter(|end| *end > start) {
            Some(end) => ranges.push((start, end)),
            None => *singles.entry(start).or_default() += 1,
        }
    }
    ranges.sort_unstable();
    ranges.dedup();
    // Each range on the first row where it does not touch another.
    let mut rows: Vec<i32> = Vec::new();
    let mut placed: Vec<(i32, i32, usize)> = Vec::new();
    for (start, end) in ranges {
        let row = match rows.iter().position(|&free_from| free_from <= start) {
            Some(row) => row,
            None => {
                rows.push(i32::MIN);
                rows.len() - 1
            }
        };
        rows[row] = end + 1;
        placed.push((start, end, row));
    }
    let most = singles.values().copied().max().unwrap_or(1).max(1) as f64;
    let ticks_top = 8.0;
    let ticks_height = 34.0;
    let bars_top = ticks_top + ticks_height + 8.0;
    let axis_y = bars_top + rows.len() as f64 * (BAR + 3.0) + 6.0;
    let height = axis_y + 20.0;

    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"time-axis\" viewBox=\"0 0 {WIDTH:.0} {height:.0}\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" style=\"max-width:100%;height:auto\" role=\"group\" aria-labelledby=\"axis-title\"><title id=\"axis-title\">Where the archive's dates fall, {from} to {to}: {} dated passages in single years, {} ranges</title><style>.time-axis{{color:inherit}}.time-axis line,.time-axis rect{{fill:currentColor;stroke:currentColor}}.time-axis text{{font:10px system-ui,sans-serif;fill:currentColor}}.time-axis .range{{fill-opacity:.45;stroke:none}}.time-axis .grid{{stroke-opacity:.25}}</style>",
        singles.values().sum::<usize>(),
        placed.len()
    );
    for decade in (from..=to).step_by(10) {
        let dx = x(decade as f64);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{dx:.1}\" y1=\"{ticks_top:.1}\" x2=\"{dx:.1}\" y2=\"{axis_y:.1}\"/><text x=\"{dx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{decade}</text>",
            axis_y + 14.0
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\"/>",
        WIDTH - RIGHT
    );
    for (&year, &count) in &singles {
        let h = 6.0 + (ticks_height - 6.0) * (count as f64 / most).sqrt();
        let left = x(year as f64);
        let _ = write!(
            out,
            "<a href=\"#year-{year}\"><title>{year}: {count} dated passage{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"2.2\" height=\"{h:.1}\"/></a>",
            if count == 1 { "" } else { "s" },
            left - 1.1,
            ticks_top + ticks_height - h
        );
    }
    for (start, end, row) in placed {
        let (x1, x2) = (x(start as f64), x(end as f64 + 1.0));
        let _ = write!(
            out,
            "<a href=\"#year-{start}\"><title>{start}–{end}</title><rect class=\"range\" x=\"{x1:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{BAR}\" rx=\"2\"/></a>",
            bars_top + row as f64 * (BAR + 3.0),
            (x2 - x1).max(2.0)
        );
    }
    out.push_str("</svg>");
    out
}
