//! A linear pre-scan of a YAML chunk for deeply nested flow collections (`[[[[…`).
//!
//! libyaml's scanner keeps one possible simple key per open flow collection and checks all
//! of them at every token, so its time grows with the square of the flow depth: a 3 MiB
//! file of `[` takes seconds before any depth check could fire. This scan finds the flow
//! depth first, in one pass, so that such input is refused before libyaml sees it.
//!
//! It follows enough of YAML's syntax not to count brackets that are content: quoted
//! scalars, comments, block scalars (`|`, `>`) and plain scalars in block context (where a
//! `[` that does not start a value is text). Where it cannot tell, it counts, so it never
//! reports less depth than libyaml would open; the composer checks the exact depth again.

/// The offset of the first bracket that opens a flow collection nested deeper than `max`,
/// if any.
pub(crate) fn flow_too_deep(text: &[u8], max: usize) -> Option<usize> {
    // No more opening brackets than `max` in the whole text: no nesting deeper than `max`
    // (the usual case, found with a fast byte search).
    memchr::memchr2_iter(b'[', b'{', text).nth(max)?;
    let mut level = 0usize;
    let mut i = 0usize;
    // Indentation of the line holding a block scalar header, while its content is skipped.
    let mut block_scalar: Option<usize> = None;
    let mut line_start = 0usize;
    while i < text.len() {
        if i == line_start {
            let indent = text[i..].iter().take_while(|&&b| b == b' ').count();
            let rest = &text[i + indent..];
            let blank = rest.first().is_none_or(|&b| b == b'\n' || b == b'\r');
            if let Some(header) = block_scalar {
                if blank || indent > header {
                    i = next_line(text, i);
                    line_start = i;
                    continue;
                }
                block_scalar = None;
            }
        }
        let b = text[i];
        if b == b'\n' {
            i += 1;
            line_start = i;
            continue;
        }
        if level > 0 {
            match b {
                b'[' | b'{' => {
                    level += 1;
                    if level > max {
                        return Some(i);
                    }
                }
                b']' | b'}' => level -= 1,
                b'"' | b'\'' => i = skip_quoted(text, i),
                b'#' if i == 0 || matches!(text[i - 1], b' ' | b'\t' | b'\n') => {
                    i = next_line(text, i);
                    line_start = i;
                    continue;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        // Block context: only a bracket, quote or block scalar header that starts a value
        // is syntax.
        if b == b'#' && (i == line_start || matches!(text[i - 1], b' ' | b'\t')) {
            i = next_line(text, i);
            line_start = i;
            continue;
        }
        if matches!(b, b'[' | b'{' | b'"' | b'\'' | b'|' | b'>')
            && starts_value(text, line_start, i)
        {
            match b {
                b'[' | b'{' => {
                    level = 1;
                    if level > max {
                        return Some(i);
                    }
                }
                b'"' | b'\'' => i = skip_quoted(text, i),
                _ => {
                    let indent = text[line_start..]
                        .iter()
                        .take_while(|&&c| c == b' ')
                        .count();
                    block_scalar = Some(indent);
                    i = next_line(text, i);
                    line_start = i;
                    continue;
                }
            }
            i += 1;
            continue;
        }
        // The rest of a plain scalar or key: up to `: `, ` #` or the end of the line.
        i += 1;
    }
    None
}

/// Whether the character at `at` begins a value: only blanks, indicators (`-`, `?`, `:`,
/// `---`), anchors and tags stand between it and the start of its line or a `: `.
fn starts_value(text: &[u8], line_start: usize, at: usize) -> bool {
    let before = &text[line_start..at];
    // The last token before `at`, skipping anchors and tags.
    let mut end = before.len();
    loop {
        while end > 0 && matches!(before[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        if end == 0 {
            return true;
        }
        let start = before[..end]
            .iter()
            .rposition(|&b| b == b' ' || b == b'\t')
            .map_or(0, |p| p + 1);
        let token = &before[start..end];
        match token.first() {
            Some(b'&' | b'!') => end = start,
            _ => {
                return matches!(token, b"-" | b"?" | b":" | b"---")
                    || (token.ends_with(b":") && end < at - line_start)
            }
        }
    }
}

fn next_line(text: &[u8], from: usize) -> usize {
    text[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |p| from + p + 1)
}

/// The offset of the closing quote of the quoted scalar opening at `at` (or the end).
fn skip_quoted(text: &[u8], at: usize) -> usize {
    let quote = text[at];
    let mut i = at + 1;
    while i < text.len() {
        match text[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && text.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return i,
            _ => i += 1,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::flow_too_deep;

    #[test]
    fn counts_flow_brackets() {
        assert_eq!(flow_too_deep(b"a: [[[1]]]\n", 3), None);
        assert_eq!(flow_too_deep(b"a: [[[[1]]]]\n", 3), Some(6));
        assert_eq!(flow_too_deep(b"[[[[", 3), Some(3));
        assert_eq!(flow_too_deep(b"- &x !!seq [[[[]]]]\n", 3), Some(14));
    }

    #[test]
    fn brackets_that_are_content_do_not_count() {
        let max = 2;
        for text in [
            "a: echo [[[[[\n",
            "a: \"[[[[[[\"\n",
            "a: '[[[[['\n",
            "# [[[[[[\n",
            "a: [\"[[[[[[\", '[[[[[', x]  # [[[[[[\n",
            "a: |\n  [[[[[[[\n  {{{{{{{\nb: 1\n",
            "- >-\n    [[[[[[\n",
            "a: b [[[[[[ c\n",
        ] {
            assert_eq!(flow_too_deep(text.as_bytes(), max), None, "{text}");
        }
    }
}
