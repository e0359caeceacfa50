//! A guard in front of libyaml-safer: its scanner panics ("TODO: What is expected here?",
//! libyaml-safer 0.3.0 `scan_tag`, upstream issue simonask/libyaml-safer#7) on a tag
//! followed directly by `,` inside a flow collection (`[!x,`). go-yaml v2, which Kubernetes
//! uses, rejects every tag not followed by a blank with "did not find expected whitespace
//! or line break" (`yaml_parser_scan_tag`); this module finds such a tag before the parser
//! runs and returns that error instead.
//!
//! Commas that might end a tag are found by a byte scan; the scanner then runs on a copy
//! where each of them is a space (so it cannot panic), and a tag token ending exactly there
//! is the error. A candidate inside a plain scalar of a flow collection changes how the
//! copy is tokenized (the comma ended the scalar): it is put back and the copy scanned
//! again, at most [`MAX_PASSES`] times.

use libyaml_safer::{ScalarStyle, Scanner, TokenData};

/// Scans of the copy before giving up with an error.
pub(crate) const MAX_PASSES: usize = 16;

/// The problem and context libyaml reports for a tag not followed by a blank.
pub(crate) const TAG_ERROR: &str =
    "did not find expected whitespace or line break while scanning a tag";

fn is_blank_or_break(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0)
}

/// Positions of `,` right after something that may be a tag (`!` then tag characters, or
/// `!<...>`).
fn candidates(text: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        // Any `!`: the scanner starts a tag even right after a quoted scalar (`"a"!,`).
        let Some(next) = memchr::memchr(b'!', &text[i..]) else {
            break;
        };
        i += next;
        let mut j = i + 1;
        if text.get(j) == Some(&b'<') {
            while j < text.len() && text[j] != b'>' && !is_blank_or_break(text[j]) {
                j += 1;
            }
            j += 1;
        } else {
            while j < text.len()
                && !is_blank_or_break(text[j])
                && !matches!(text[j], b',' | b'[' | b']' | b'{' | b'}')
            {
                j += 1;
            }
        }
        if text.get(j) == Some(&b',') {
            out.push(j);
        }
        i = j.max(i + 1);
    }
    out
}

/// What one scan of the copy found.
enum Pass {
    /// Nothing that would make the parser panic.
    Clean,
    /// A tag ends at this candidate: the input has the error there.
    TagAt(usize),
    /// This candidate must be put back and the copy scanned again.
    Restore(usize),
}

fn scan(copy: &[u8], active: &[usize], bom: usize) -> Pass {
    let mut scanner = Scanner::new();
    scanner.set_input(copy);
    let mut flow = 0usize;
    let mut last_end = 0usize;
    for token in scanner {
        let token = match token {
            Ok(t) => t,
            Err(e) => {
                // The scanner queues tokens (a simple key may still come), so a tag ending
                // at a candidate may not have been returned yet: the input fails at or
                // before this error either way, so a candidate after the last token is
                // reported as the tag error; otherwise the parser reports this error itself.
                let at = e
                    .problem_mark()
                    .map_or(usize::MAX, |m| {
                        usize::try_from(m.index).unwrap_or(usize::MAX)
                    })
                    .saturating_add(bom);
                return match active.iter().find(|&&p| p >= last_end && p <= at) {
                    Some(&p) => Pass::TagAt(p),
                    None => Pass::Clean,
                };
            }
        };
        let start = usize::try_from(token.start_mark.index)
            .unwrap_or(usize::MAX)
            .saturating_add(bom);
        let end = usize::try_from(token.end_mark.index)
            .unwrap_or(usize::MAX)
            .saturating_add(bom);
        last_end = end;
        match token.data {
            TokenData::FlowSequenceStart | TokenData::FlowMappingStart => flow += 1,
            TokenData::FlowSequenceEnd | TokenData::FlowMappingEnd => flow = flow.saturating_sub(1),
            TokenData::Tag { .. } if active.binary_search(&end).is_ok() => {
                return Pass::TagAt(end);
            }
            TokenData::Scalar {
                style: ScalarStyle::Plain,
                ..
            } if flow > 0 => {
                let first = active.partition_point(|&p| p <= start);
                if let Some(&p) = active.get(first).filter(|&&p| p < end) {
                    return Pass::Restore(p);
                }
            }
            TokenData::StreamEnd => return Pass::Clean,
            _ => {}
        }
    }
    Pass::Clean
}

/// Checks `text` (one chunk, as the composer gets it). `Err((message, offset))` when a tag
/// is followed directly by `,`.
pub(crate) fn check(text: &[u8]) -> Result<(), (String, usize)> {
    let mut active = candidates(text);
    if active.is_empty() {
        return Ok(());
    }
    let bom = if text.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut copy = text.to_vec();
    for &p in &active {
        change(&mut copy, p);
    }
    for _ in 0..MAX_PASSES {
        match scan(copy.get(bom..).unwrap_or_default(), &active, bom) {
            Pass::Clean => return Ok(()),
            // The offset as the parser's own errors give it (libyaml's marks do not count
            // a leading byte order mark).
            Pass::TagAt(p) => return Err((TAG_ERROR.to_string(), p - bom)),
            Pass::Restore(p) => {
                active.retain(|&q| q != p);
                for q in [p, p + 1] {
                    if let (Some(c), Some(orig)) = (copy.get_mut(q), text.get(q)) {
                        *c = *orig;
                    }
                }
            }
        }
    }
    Err((
        format!(
            "kubeward limit: tags followed by `,` could not be checked in {MAX_PASSES} passes \
             (simplify the flow collections that hold them)"
        ),
        active.first().copied().unwrap_or(0),
    ))
}

/// Turns the comma at `p` into a space (and a `#` after it into a letter, so that no
/// comment starts there).
fn change(copy: &mut [u8], p: usize) {
    if let Some(c) = copy.get_mut(p) {
        *c = b' ';
    }
    if let Some(c) = copy.get_mut(p + 1).filter(|c| **c == b'#') {
        *c = b'x';
    }
}
