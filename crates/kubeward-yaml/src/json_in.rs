//! A JSON value reader that follows Go's `encoding/json` (as used by apimachinery's
//! JSON stream decoding) and keeps a span on every node. Iterative, depth-limited.

use crate::compose::RawDiagnostic;
use crate::lines::LineIndex;
use crate::value::{Entry, Mapping, Node, Value};
use crate::{limit, DecodeLimits, DiagnosticKind};

/// A JSON syntax error at a byte offset.
pub(crate) struct JsonError {
    pub(crate) message: String,
    pub(crate) offset: usize,
}

fn error(message: impl Into<String>, offset: usize) -> JsonError {
    JsonError {
        message: message.into(),
        offset,
    }
}

/// Go's JSON whitespace.
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

enum Open {
    Array {
        start: usize,
        items: Vec<Node>,
    },
    Object {
        start: usize,
        map: Mapping,
        key: Option<(String, usize, usize)>,
    },
}

/// Reads the next value of a JSON stream at `pos`: `Ok(None)` at the end of the stream,
/// else the value (`None` for `null`) and the offset just past it.
pub(crate) fn next_value(
    input: &[u8],
    mut pos: usize,
    lines: &LineIndex<'_>,
    diagnostics: &mut Vec<RawDiagnostic>,
    limits: &DecodeLimits,
) -> Result<Option<(Node, usize)>, JsonError> {
    let max_depth = limits.depth();
    let (max_keys, max_scalar) = (limits.max_keys, limits.max_scalar_bytes);
    while pos < input.len() && is_ws(input[pos]) {
        pos += 1;
    }
    if pos >= input.len() {
        return Ok(None);
    }
    let hint = crate::lines::Hint::default();
    let span = |a: usize, b: usize| crate::value::Span {
        start: lines.pos_hinted(a, &hint),
        end: lines.pos_hinted(b, &hint),
    };
    let mut stack: Vec<Open> = Vec::new();
    loop {
        while pos < input.len() && is_ws(input[pos]) {
            pos += 1;
        }
        let Some(&b) = input.get(pos) else {
            return Err(error("unexpected EOF", pos));
        };
        // Expecting a key inside an object?
        if let Some(Open::Object { key: None, map, .. }) = stack.last() {
            let _ = map;
            if b == b'}' {
                // Closes the object (a `}` right after `,` was rejected already).
            } else if b == b'"' {
                let (key, end) = string(input, pos)?;
                let key_start = pos;
                pos = skip_ws(input, end);
                if input.get(pos) != Some(&b':') {
                    return Err(error("invalid character after object key", pos));
                }
                pos += 1;
                if let Some(Open::Object { key: slot, .. }) = stack.last_mut() {
                    *slot = Some((key, key_start, end));
                }
                continue;
            } else {
                return Err(error(
                    format!(
                        "invalid character {:?} looking for beginning of object key string",
                        b as char
                    ),
                    pos,
                ));
            }
        }
        let value = match b {
            b'{' | b'[' => {
                if stack.len() >= max_depth {
                    return Err(error(
                        format!(
                            "exceeded max depth of {max_depth} {}",
                            limit("max-depth", max_depth)
                        ),
                        pos,
                    ));
                }
                stack.push(if b == b'{' {
                    Open::Object {
                        start: pos,
                        map: Mapping::new(),
                        key: None,
                    }
                } else {
                    Open::Array {
                        start: pos,
                        items: Vec::new(),
                    }
                });
                pos += 1;
                // Empty containers close right away.
                let close = if b == b'{' { b'}' } else { b']' };
                let after = skip_ws(input, pos);
                if input.get(after) == Some(&close) {
                    pos = after;
                    close_container(&mut stack, &mut pos, &span)?
                } else {
                    continue;
                }
            }
            b'}' | b']' => close_container(&mut stack, &mut pos, &span)?,
            b'"' => {
                let (s, end) = string(input, pos)?;
                if s.len() > max_scalar {
                    return Err(error(
                        format!(
                            "a string of {} bytes is longer than {max_scalar} bytes {}",
                            s.len(),
                            limit("max-scalar-bytes", max_scalar)
                        ),
                        pos,
                    ));
                }
                let node = Node {
                    value: Value::String(s),
                    span: span(pos, end),
                };
                pos = end;
                node
            }
            b't' | b'f' | b'n' => {
                let (word, value) = match b {
                    b't' => ("true", Value::Bool(true)),
                    b'f' => ("false", Value::Bool(false)),
                    _ => ("null", Value::Null),
                };
                if !input[pos..].starts_with(word.as_bytes()) {
                    return Err(error(format!("invalid character in literal {word}"), pos));
                }
                let node = Node {
                    value,
                    span: span(pos, pos + word.len()),
                };
                pos += word.len();
                node
            }
            b'-' | b'0'..=b'9' => {
                let end = number_end(input, pos)?;
                let text = std::str::from_utf8(&input[pos..end]).unwrap_or("0");
                let value = match text.parse::<i64>() {
                    Ok(i) => Value::Int(i),
                    Err(_) => match text.parse::<f64>() {
                        Ok(f) if f.is_finite() => Value::Float(f),
                        _ => return Err(error(format!("number {text} is out of range"), pos)),
                    },
                };
                let node = Node {
                    value,
                    span: span(pos, end),
                };
                pos = end;
                node
            }
            other => {
                return Err(error(
                    format!(
                        "invalid character {:?} looking for beginning of value",
                        other as char
                    ),
                    pos,
                ))
            }
        };
        // Attach the finished value to its parent, or return it.
        match stack.last_mut() {
            None => return Ok(Some((value, pos))),
            Some(Open::Array { items, .. }) => items.push(value),
            Some(Open::Object { map, key, .. }) => {
                let Some((k, ks, ke)) = key.take() else {
                    return Err(error("object value without a key", pos));
                };
                let key_span = span(ks, ke);
                let replaced = map.insert(Entry::new(k.clone(), key_span, value));
                if replaced.is_none() && map.len() > max_keys {
                    return Err(error(
                        format!(
                            "an object has more than {max_keys} keys {}",
                            limit("max-keys", max_keys)
                        ),
                        ks,
                    ));
                }
                if let Some(old) = replaced {
                    diagnostics.push(RawDiagnostic {
                        kind: DiagnosticKind::DuplicateKey,
                        message: format!("key `{k}` is set twice in this object; Kubernetes silently keeps this last value"),
                        span: key_span,
                        related: Some(old.key_span),
                    });
                }
            }
        }
        pos = skip_ws(input, pos);
        match (stack.last(), input.get(pos)) {
            (Some(_), Some(b',')) => {
                pos += 1;
                let after = skip_ws(input, pos);
                if matches!(input.get(after), Some(b'}' | b']')) {
                    return Err(error("invalid character after ','", after));
                }
            }
            (Some(Open::Array { .. }), Some(b']')) | (Some(Open::Object { .. }), Some(b'}')) => {}
            (Some(_), Some(&c)) => {
                return Err(error(
                    format!("invalid character {:?} after value", c as char),
                    pos,
                ));
            }
            (Some(_), None) => return Err(error("unexpected EOF", pos)),
            (None, _) => {}
        }
    }
}

fn close_container(
    stack: &mut Vec<Open>,
    pos: &mut usize,
    span: &dyn Fn(usize, usize) -> crate::value::Span,
) -> Result<Node, JsonError> {
    let end = *pos + 1;
    let node = match stack.pop() {
        Some(Open::Array { start, items }) => Node {
            value: Value::Seq(items),
            span: span(start, end),
        },
        Some(Open::Object {
            start,
            map,
            key: None,
        }) => Node {
            value: Value::Map(map),
            span: span(start, end),
        },
        _ => return Err(error("unexpected closing bracket", *pos)),
    };
    *pos = end;
    Ok(node)
}

fn skip_ws(input: &[u8], mut pos: usize) -> usize {
    while pos < input.len() && is_ws(input[pos]) {
        pos += 1;
    }
    pos
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`
fn number_end(input: &[u8], start: usize) -> Result<usize, JsonError> {
    let mut i = start;
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < input.len() && input[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    if input.get(i) == Some(&b'-') {
        i += 1;
    }
    match input.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return Err(error("invalid character in numeric literal", i)),
    }
    if input.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return Err(error(
                "invalid character after decimal point in numeric literal",
                i,
            ));
        }
    }
    if matches!(input.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(input.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return Err(error("invalid character in exponent of numeric literal", i));
        }
    }
    Ok(i)
}

/// A JSON string at `start` (the opening quote): its value (invalid UTF-8 and lone
/// surrogates become U+FFFD, as Go decodes them) and the offset past the closing quote.
fn string(input: &[u8], start: usize) -> Result<(String, usize), JsonError> {
    let mut out: Vec<u8> = Vec::new();
    let mut i = start + 1;
    loop {
        let Some(&b) = input.get(i) else {
            return Err(error("unexpected EOF in string literal", i));
        };
        match b {
            b'"' => break,
            b'\\' => {
                let Some(&e) = input.get(i + 1) else {
                    return Err(error("unexpected EOF in string escape", i));
                };
                i += 2;
                let c = match e {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    b'u' => {
                        let hi = hex4(input, i)?;
                        i += 4;
                        if (0xD800..0xDC00).contains(&hi)
                            && input.get(i) == Some(&b'\\')
                            && input.get(i + 1) == Some(&b'u')
                        {
                            let lo = hex4(input, i + 2)?;
                            if (0xDC00..0xE000).contains(&lo) {
                                i += 6;
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                    .unwrap_or('\u{FFFD}')
                            } else {
                                '\u{FFFD}'
                            }
                        } else {
                            char::from_u32(hi).unwrap_or('\u{FFFD}')
                        }
                    }
                    _ => return Err(error("invalid character in string escape code", i - 1)),
                };
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            0..=0x1F => return Err(error("invalid character in string literal", i)),
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok((String::from_utf8_lossy(&out).into_owned(), i + 1))
}

fn hex4(input: &[u8], at: usize) -> Result<u32, JsonError> {
    let digits = input
        .get(at..at + 4)
        .ok_or_else(|| error("unexpected EOF in \\u escape", at))?;
    let text = std::str::from_utf8(digits).map_err(|_| error("invalid \\u escape", at))?;
    u32::from_str_radix(text, 16)
        .map_err(|_| error("invalid character in \\u hexadecimal character escape", at))
}
