//! The stream decoder: apimachinery's `YAMLOrJSONDecoder` with kubectl's skipping of empty
//! documents, made fail-closed (errors are collected and decoding goes on where it can).

use crate::compose::{compose, compose_appended, ComposeError, Composed, Locate, RawDiagnostic};
use crate::json_in;
use crate::lines::{Hint, LineIndex};
use crate::split::{split, Chunk, Piece};
use crate::value::{Node, Pos};
use crate::{limit, DecodeError, DecodeLimits, Decoded, Diagnostic, Document};

/// How far apimachinery looks for the `{` that makes a stream JSON.
const JSON_SNIFF_BYTES: usize = 4096;

/// Inputs at least this large have their documents decoded in parallel (with the
/// `parallel` feature); smaller ones are not worth handing to other threads.
#[cfg(feature = "parallel")]
const PARALLEL_FROM_BYTES: usize = 256 * 1024;

struct ChunkLocator<'a> {
    chunk: &'a Chunk<'a>,
    lines: &'a LineIndex<'a>,
    hint: Hint,
}

impl Locate for ChunkLocator<'_> {
    fn pos(&self, chunk_offset: usize) -> Pos {
        self.lines
            .pos_hinted(self.chunk.input_offset(chunk_offset), &self.hint)
    }
}

struct Sink<'a> {
    out: Decoded,
    lines: LineIndex<'a>,
    next_index: usize,
    limits: &'a DecodeLimits,
    /// Documents seen, empty ones included.
    seen: usize,
}

impl Sink<'_> {
    /// Counts one more document; false (with the error recorded) past the limit.
    fn admit(&mut self, offset: usize) -> bool {
        self.seen += 1;
        let max = self.limits.max_documents;
        if self.seen > max {
            let index = self.take_index();
            self.error(
                format!(
                    "more than {max} documents in one input {}",
                    limit("max-documents", max)
                ),
                offset,
                Some(index),
            );
            return false;
        }
        true
    }

    fn take_index(&mut self) -> usize {
        self.next_index += 1;
        self.next_index - 1
    }

    fn diagnostics(&mut self, raw: Vec<RawDiagnostic>, document: usize) {
        self.out
            .diagnostics
            .extend(raw.into_iter().map(|d| Diagnostic {
                kind: d.kind,
                message: d.message,
                span: d.span,
                related: d.related,
                document,
            }));
    }

    fn error(&mut self, message: String, offset: usize, document: Option<usize>) {
        let pos = self.lines.pos(offset);
        self.out.errors.push(DecodeError {
            message,
            pos,
            document,
        });
    }
}

/// Decodes a manifest stream exactly as `kubectl apply -f` reads it.
///
/// Never panics and never stops at the first problem: each error is recorded with its
/// position, and the following documents are still decoded (except after a broken JSON
/// stream, where Kubernetes' decoder cannot resynchronize either).
#[must_use]
pub fn decode(input: &[u8]) -> Decoded {
    decode_with(input, &DecodeLimits::default())
}

/// [`decode`] within `limits`: past one, the error names it, and decoding stops at the
/// document that broke it (the documents before it are kept).
#[must_use]
pub fn decode_with(input: &[u8], limits: &DecodeLimits) -> Decoded {
    let mut sink = Sink {
        out: Decoded::default(),
        lines: LineIndex::new(input),
        next_index: 0,
        limits,
        seen: 0,
    };
    let mut pos = 0;
    if looks_like_json(input) {
        match decode_json(input, &mut sink) {
            Some(resume) => pos = resume,
            None => return sink.out,
        }
    }
    decode_yaml(input, pos, &mut sink);
    sink.out
}

/// `IsJSONBuffer`: the first non-space character of the first 4096 bytes is `{`.
fn looks_like_json(input: &[u8]) -> bool {
    let head = &input[..input.len().min(JSON_SNIFF_BYTES)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
    };
    text.trim_start().starts_with('{')
}

/// Decodes JSON values until the end (returns `None`) or until the stream stops being JSON
/// after at most one value, where Kubernetes switches to YAML (returns where YAML starts).
fn decode_json(input: &[u8], sink: &mut Sink<'_>) -> Option<usize> {
    let mut pos = 0;
    let mut count = 0;
    loop {
        let mut raw = Vec::new();
        match json_in::next_value(input, pos, &sink.lines, &mut raw, sink.limits) {
            Ok(None) => return None,
            Ok(Some((node, end))) => {
                if !sink.admit(pos) {
                    return None;
                }
                count += 1;
                pos = end;
                if !node.is_null() {
                    let index = sink.take_index();
                    sink.diagnostics(raw, index);
                    sink.out.documents.push(Document { index, root: node });
                }
            }
            Err(e) => {
                if count > 1 {
                    sink.error(format!("invalid JSON: {}", e.message), e.offset, None);
                    return None;
                }
                // Ambiguous stream: eat blanks up to and including the first line break,
                // then read the rest as YAML (apimachinery's consumeWhitespace).
                match skip_blank_to_newline(input, pos) {
                    Some(resume) => return Some(resume),
                    None => {
                        sink.error(format!("invalid JSON: {}", e.message), e.offset, None);
                        return None;
                    }
                }
            }
        }
    }
}

fn skip_blank_to_newline(input: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        // apimachinery reads 4 bytes at a time here and gives up (keeping the JSON
        // error) when fewer remain.
        let window = input.get(pos..pos + 4)?;
        let text = match std::str::from_utf8(window) {
            Ok(t) => t,
            Err(e) if e.valid_up_to() > 0 => {
                std::str::from_utf8(&window[..e.valid_up_to()]).ok()?
            }
            Err(_) => return None,
        };
        let c = text.chars().next()?;
        if c == char::REPLACEMENT_CHARACTER {
            return None;
        }
        if !c.is_whitespace() {
            return Some(pos);
        }
        pos += c.len_utf8();
        if c == '\n' {
            return Some(pos);
        }
    }
}

fn decode_yaml(input: &[u8], from: usize, sink: &mut Sink<'_>) {
    let pieces = split(input, from);
    // Every piece counts towards `max-documents`: only those before the limit are decoded.
    let admitted = pieces
        .len()
        .min(sink.limits.max_documents.saturating_sub(sink.seen));
    let composed = compose_all(input.len(), &pieces[..admitted], &sink.lines, sink.limits);
    let mut composed = composed.into_iter();
    for piece in pieces {
        let at = match &piece {
            Piece::BadSeparator { offset, .. } => *offset,
            Piece::Chunk(chunk) => chunk.start,
        };
        if !sink.admit(at) {
            return;
        }
        let result = composed.next().flatten();
        match piece {
            Piece::BadSeparator { offset, rest } => {
                let index = sink.take_index();
                sink.error(
                    format!("invalid Yaml document separator: {rest}"),
                    offset,
                    Some(index),
                );
            }
            Piece::Chunk(chunk) => match result {
                None => {
                    // Go's line splitting breaks UTF-16 apart: Kubernetes always rejects it.
                    let index = sink.take_index();
                    sink.error(
                        "yaml: incomplete UTF-16 character (kubectl reads UTF-8 only)".into(),
                        chunk.start,
                        Some(index),
                    );
                }
                Some(Ok(composed)) => {
                    if let Some(root) = composed.root {
                        let index = sink.take_index();
                        sink.diagnostics(composed.diagnostics, index);
                        sink.out.documents.push(Document { index, root });
                    } else if !composed.diagnostics.is_empty() {
                        let index = sink.next_index;
                        sink.diagnostics(composed.diagnostics, index);
                    }
                }
                Some(Err(e)) => {
                    let index = sink.take_index();
                    let offset = chunk.input_offset(e.offset);
                    sink.error(format!("yaml: {}", e.message), offset, Some(index));
                }
            },
        }
    }
}

/// Decodes each chunk of `pieces` on its own (`None` for a separator error, and for a
/// chunk in UTF-16, which Kubernetes cannot read), in order; in parallel for large inputs.
fn compose_all(
    input_len: usize,
    pieces: &[Piece<'_>],
    lines: &LineIndex<'_>,
    limits: &DecodeLimits,
) -> Vec<Option<Result<Composed, ComposeError>>> {
    let one = |piece: &Piece<'_>| match piece {
        Piece::BadSeparator { .. } => None,
        Piece::Chunk(chunk)
            if chunk.text.starts_with(&[0xFF, 0xFE]) || chunk.text.starts_with(&[0xFE, 0xFF]) =>
        {
            None
        }
        Piece::Chunk(chunk) => {
            let locator = ChunkLocator {
                chunk,
                lines,
                hint: Hint::default(),
            };
            Some(compose(&chunk.text, &locator, limits))
        }
    };
    #[cfg(feature = "parallel")]
    if input_len >= PARALLEL_FROM_BYTES && pieces.len() > 1 {
        use rayon::prelude::*;
        return pieces.par_iter().map(one).collect();
    }
    let _ = input_len;
    pieces.iter().map(one).collect()
}

/// Decodes one YAML document the way `sigs.k8s.io/yaml.Unmarshal` does: go-yaml v2 reads
/// the first document of `input` and ignores the rest of the text. Helm reads values files,
/// `Chart.yaml` and the text given to `fromYaml` this way.
///
/// `Ok(None)` is an empty or `null` document.
///
/// # Errors
///
/// The first document is not valid YAML, or Kubernetes' decoder rejects it.
pub fn decode_document(input: &[u8]) -> Result<Option<Node>, DecodeError> {
    decode_document_with(input, &DecodeLimits::default())
}

/// [`decode_document`] within `limits`.
///
/// # Errors
///
/// As [`decode_document`], or a limit is exceeded.
pub fn decode_document_with(
    input: &[u8],
    limits: &DecodeLimits,
) -> Result<Option<Node>, DecodeError> {
    // go-yaml reads UTF-16 with a byte order mark; libyaml-safer cannot (crate::utf16).
    match crate::utf16::transcode(input) {
        None => {}
        Some(crate::utf16::Transcoded::Text(text)) => {
            return decode_document_with(text.as_bytes(), limits);
        }
        Some(crate::utf16::Transcoded::Error(message, before)) => {
            return Err(DecodeError {
                message: format!("yaml: {message}"),
                pos: LineIndex::new(before.as_bytes()).pos(before.len()),
                document: Some(0),
            });
        }
    }
    struct Whole<'a>(LineIndex<'a>, Hint);
    impl Locate for Whole<'_> {
        fn pos(&self, offset: usize) -> Pos {
            self.0.pos_hinted(offset, &self.1)
        }
    }
    let whole = Whole(LineIndex::new(input), Hint::default());
    // libyaml-safer panics on a block scalar that ends the input without a line break;
    // go-yaml reads it. Append the break, and let the composer take it back off.
    let composed = if input.last().is_some_and(|&b| b != b'\n') {
        let mut owned = input.to_vec();
        owned.push(b'\n');
        compose_appended(&owned, &whole, input.len(), limits)
    } else {
        compose(input, &whole, limits)
    };
    match composed {
        Ok(composed) => Ok(composed.root),
        Err(e) => Err(DecodeError {
            message: format!("yaml: {}", e.message),
            pos: whole.pos(e.offset),
            document: Some(0),
        }),
    }
}
