//! Byte offsets to lines and character columns.

use crate::value::Pos;

/// Start offsets of the lines of one input (lines end at `\n`, as editors and SARIF count them).
pub(crate) struct LineIndex<'a> {
    text: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the end of the input).
    pub(crate) fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        // Characters, not bytes: count the bytes that start a UTF-8 sequence.
        let column = self.text[start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let idx = LineIndex::new("a: é\nbé: x\n".as_bytes());
        assert_eq!((idx.pos(0).line, idx.pos(0).column), (1, 1));
        let x = "a: é\nbé: x".find('x').unwrap_or(0);
        assert_eq!((idx.pos(x).line, idx.pos(x).column), (2, 5));
    }
}
