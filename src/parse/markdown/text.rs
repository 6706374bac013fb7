//! Runs of text, and the plain text of blocks that ids and snippets are made from.

/// Adjacent text events, joined, with the source offset of each piece: a name or a
/// marker may be split over several events.
#[derive(Default)]
pub(super) struct TextRun {
    pub(super) text: String,
    /// `(index in text, offset in the body)` of each piece.
    pieces: Vec<(usize, usize)>,
}

impl TextRun {
    pub(super) fn push(&mut self, text: &str, offset: usize) {
        self.pieces.push((self.text.len(), offset));
        self.text.push_str(text);
    }

    /// The body offset of byte `index` of the run.
    pub(super) fn source_offset(&self, index: usize) -> usize {
        let at = self.pieces.partition_point(|(start, _)| *start <= index);
        let (start, offset) = at.checked_sub(1).map_or((0, 0), |i| self.pieces[i]);
        offset + (index - start)
    }
}

/// Appends `text` to `target`, collapsing runs of white space into one space and
/// dropping leading white space.
pub(super) fn push_collapsed(target: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !target.is_empty() && !target.ends_with(' ') {
                target.push(' ');
            }
        } else {
            target.push(c);
        }
    }
}
