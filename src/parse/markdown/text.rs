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
/// dropping leading white space. Copies the words between spaces whole, and looks
/// at the bytes of ASCII, most of any text, without decoding them.
pub(super) fn push_collapsed(target: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // Most text is ASCII words between single spaces, already collapsed: copied
    // in one piece, unless a space at its start would double the target's.
    let joins = !bytes.starts_with(b" ") || !(target.is_empty() || target.ends_with(' '));
    if joins && already_collapsed(bytes) {
        target.push_str(text);
        return;
    }
    let (mut word, mut i) = (0, 0);
    while i < bytes.len() {
        let width = if bytes[i].is_ascii() {
            // `char::is_whitespace` in ASCII: tab to carriage return, and space.
            if !matches!(bytes[i], b'\t'..=b'\r' | b' ') {
                i += 1;
                continue;
            }
            1
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            if !c.is_whitespace() {
                i += c.len_utf8();
                continue;
            }
            c.len_utf8()
        };
        target.push_str(&text[word..i]);
        if !target.is_empty() && !target.ends_with(' ') {
            target.push(' ');
        }
        i += width;
        word = i;
    }
    target.push_str(&text[word..]);
}

/// How many words text made by [`push_collapsed`] holds, once its end is trimmed
/// as a block's is: its spaces, plus one. Counting bytes rather than splitting at
/// white space is what makes counting a document's words cheap.
pub fn word_count(collapsed: &str) -> usize {
    debug_assert!(!collapsed.starts_with(' ') && !collapsed.ends_with(' '));
    if collapsed.is_empty() {
        return 0;
    }
    collapsed.bytes().filter(|&b| b == b' ').count() + 1
}

/// Whether `bytes` are ASCII with no white space but single spaces.
fn already_collapsed(bytes: &[u8]) -> bool {
    let mut space = false;
    for &b in bytes {
        let is_space = b == b' ';
        if !b.is_ascii() || (is_space && space) || matches!(b, b'\t'..=b'\r') {
            return false;
        }
        space = is_space;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{push_collapsed, word_count};
    use proptest::prelude::*;

    /// The definition, a character at a time.
    fn collapsed_slowly(target: &mut String, text: &str) {
        for c in text.chars() {
            if !c.is_whitespace() {
                target.push(c);
            } else if !target.is_empty() && !target.ends_with(' ') {
                target.push(' ');
            }
        }
    }

    proptest! {
        #[test]
        fn collapses_as_the_definition_does(
            before in "[a \\t]{0,3}",
            pieces in proptest::collection::vec(
                prop_oneof![
                    "[a-z\\u{e9}\\u{3000}\\u{a0}\\u{b} \\t\\n]{0,6}",
                    // Words between single spaces, which are copied whole.
                    "( ?[a-z]{1,3}){0,4} ?",
                ],
                0..5,
            ),
        ) {
            let (mut fast, mut slow) = (before.clone(), before);
            for piece in &pieces {
                push_collapsed(&mut fast, piece);
                collapsed_slowly(&mut slow, piece);
                prop_assert_eq!(&fast, &slow);
            }
        }

        #[test]
        fn words_are_counted_as_splitting_at_white_space_counts_them(
            pieces in proptest::collection::vec(
                "[a-z\u{e9}\u{3000}\u{a0}\u{b}\u{2028} \t\n]{0,6}",
                0..6,
            ),
        ) {
            let mut text = String::new();
            for piece in &pieces {
                push_collapsed(&mut text, piece);
            }
            let block = text.trim_end();
            prop_assert_eq!(word_count(block), block.split_whitespace().count());
        }
    }
}
