//! Line-based document splitting, as apimachinery's `YAMLReader` and `LineReader` do it.

use std::borrow::Cow;

/// One `---`-separated chunk, rebuilt the way Go rebuilds it (each line ends with `\n`, a
/// `\r` before a line's `\n` dropped), with what is needed to map offsets back to the input.
pub(crate) struct Chunk<'a> {
    /// Input offset of the chunk's first byte.
    pub(crate) start: usize,
    /// The text the YAML parser reads.
    pub(crate) text: Cow<'a, [u8]>,
    /// Offsets in `text` of the `\n`s whose `\r` was dropped.
    pub(crate) dropped_cr: Vec<usize>,
}

impl Chunk<'_> {
    /// The input offset of `text[offset]`.
    pub(crate) fn input_offset(&self, offset: usize) -> usize {
        self.start + offset + self.dropped_cr.partition_point(|&p| p <= offset)
    }
}

/// What the splitter yields.
pub(crate) enum Piece<'a> {
    Chunk(Chunk<'a>),
    /// A line starting with `---` followed by something other than blanks or a comment.
    BadSeparator {
        offset: usize,
        rest: String,
    },
}

/// Splits `input[from..]` into chunks.
pub(crate) fn split<'a>(input: &'a [u8], from: usize) -> Vec<Piece<'a>> {
    let mut pieces = Vec::new();
    let mut chunk_start: Option<usize> = None;
    let mut pos = from;
    let flush = |pieces: &mut Vec<Piece<'a>>, start: Option<usize>, end: usize| {
        if let Some(start) = start {
            pieces.push(Piece::Chunk(rebuild(input, start, end)));
        }
    };
    while pos < input.len() {
        let line_end = input[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(input.len(), |i| pos + i);
        let line = &input[pos..line_end];
        if let Some(rest) = line.strip_prefix(b"---") {
            let text = String::from_utf8_lossy(rest);
            let trimmed = text.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                flush(&mut pieces, chunk_start.take(), pos);
                pieces.push(Piece::BadSeparator {
                    offset: pos,
                    rest: trimmed.to_string(),
                });
            } else if chunk_start.is_some() {
                flush(&mut pieces, chunk_start.take(), pos);
            } else {
                // YAMLReader keeps a separator line that has nothing before it as the
                // first line of the next chunk (harmless for `---`, not for `---#x`).
                chunk_start = Some(pos);
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(pos);
        }
        pos = line_end + 1;
    }
    flush(&mut pieces, chunk_start, input.len());
    pieces
}

/// The chunk `input[start..end]` as Go's line reader rebuilds it.
fn rebuild(input: &[u8], start: usize, end: usize) -> Chunk<'_> {
    let raw = &input[start..end];
    let has_crlf = raw.windows(2).any(|w| w == b"\r\n");
    if !has_crlf && raw.last() == Some(&b'\n') {
        return Chunk {
            start,
            text: Cow::Borrowed(raw),
            dropped_cr: Vec::new(),
        };
    }
    let mut text = Vec::with_capacity(raw.len() + 1);
    let mut dropped_cr = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let (line, next, terminated) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..], true),
            None => (rest, &rest[rest.len()..], false),
        };
        // bufio.ReadLine drops "\r\n" or "\n"; LineReader appends "\n".
        match line.strip_suffix(b"\r") {
            Some(body) if terminated => {
                text.extend_from_slice(body);
                dropped_cr.push(text.len());
            }
            _ => text.extend_from_slice(line),
        }
        text.push(b'\n');
        rest = next;
    }
    Chunk {
        start,
        text: Cow::Owned(text),
        dropped_cr,
    }
}
