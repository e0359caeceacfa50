//! Byte offsets to lines and character columns.

use crate::value::Pos;

/// Bytes per block of the character-count table.
const BLOCK: usize = 256;

/// Lines of one input (ending at `\n`, as editors and SARIF count them), and a table of
/// character counts so a column costs O(1) even on very long lines.
pub(crate) struct LineIndex<'a> {
    text: &'a [u8],
    starts: Vec<usize>,
    /// Characters (UTF-8 sequence starts) in `text[..i * BLOCK]`; empty for ASCII text,
    /// where a column is a byte distance.
    chars_before_block: Vec<usize>,
}

/// The line of the last lookup (1-based), kept by each reader of a [`LineIndex`]: lookups
/// mostly move forward a little. (Kept outside the index, which documents decoded in
/// parallel share.)
#[derive(Debug, Default)]
pub(crate) struct Hint(std::cell::Cell<usize>);

fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_lines(text));
        let mut chars_before_block = Vec::new();
        if !text.is_ascii() {
            chars_before_block.reserve(text.len() / BLOCK + 1);
            let mut total = 0;
            for block in text.chunks(BLOCK) {
                chars_before_block.push(total);
                total += count_chars(block);
            }
            chars_before_block.push(total);
        }
        LineIndex {
            text,
            starts,
            chars_before_block,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        self.chars_before_block.get(block).copied().unwrap_or(0)
            + count_chars(&self.text[block * BLOCK..offset])
    }

    /// The 1-based line holding `offset`: the hinted line or the next one when they fit,
    /// else a binary search.
    fn line_of(&self, offset: usize, hint: &Hint) -> usize {
        let fits = |line: usize| {
            line >= 1
                && self.starts.get(line - 1).is_some_and(|&s| s <= offset)
                && self.starts.get(line).is_none_or(|&next| offset < next)
        };
        let hint_line = hint.0.get();
        let line = if fits(hint_line) {
            hint_line
        } else if fits(hint_line + 1) {
            hint_line + 1
        } else {
            self.starts.partition_point(|&s| s <= offset).max(1)
        };
        hint.0.set(line);
        line
    }

    /// The position of byte `offset` (clamped to the end of the input).
    pub(crate) fn pos(&self, offset: usize) -> Pos {
        self.pos_hinted(offset, &Hint::default())
    }

    /// [`LineIndex::pos`] for a reader that keeps `hint` between lookups.
    pub(crate) fn pos_hinted(&self, offset: usize, hint: &Hint) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset, hint);
        let start = self.starts[line - 1];
        let mut column = if self.chars_before_block.is_empty() {
            offset - start
        } else if offset - start <= BLOCK {
            count_chars(&self.text[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        // A byte order mark is invisible: it takes no column.
        if offset >= start + 3 && self.text[start..].starts_with(b"\xEF\xBB\xBF") {
            column -= 1;
        }
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            offset,
        }
    }
}

fn memchr_lines(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "a: é\nbé: x\n";
        let idx = LineIndex::new(text.as_bytes());
        assert_eq!((idx.pos(0).line, idx.pos(0).column), (1, 1));
        let x = text.find('x').unwrap_or(0);
        assert_eq!((idx.pos(x).line, idx.pos(x).column), (2, 5));
    }

    #[test]
    fn long_lines_and_bom() {
        let text = format!("\u{FEFF}{}é{}x", "a".repeat(300), "b".repeat(700));
        let idx = LineIndex::new(text.as_bytes());
        let x = text.find('x').unwrap_or(0);
        assert_eq!(idx.pos(x).column, 1 + 300 + 1 + 700);
        assert_eq!(idx.pos(3).column, 1);
    }
}
