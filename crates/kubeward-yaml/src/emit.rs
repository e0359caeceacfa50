//! Writers for decoded trees: a YAML emitter whose output Kubernetes (go-yaml v2) and Helm
//! read back to the same value (every string and key double-quoted, so no YAML 1.1 surprise
//! such as `yes`, `0777` or `<<` can change its meaning), and a compact JSON writer.
//! Both are iterative: trees as deep as Kubernetes allows need no deep stack.

use std::fmt::Write;

use crate::value::{Node, Value};

fn is_block(node: &Node) -> bool {
    match &node.value {
        Value::Map(m) => !m.is_empty(),
        Value::Seq(s) => !s.is_empty(),
        _ => false,
    }
}

/// Nesting levels written in block style; deeper ones are written in flow style.
const BLOCK_LEVELS: usize = 32;

/// Emits `node` as a block-style YAML document.
#[must_use]
pub fn to_yaml(node: &Node) -> String {
    enum Work<'a> {
        /// A non-empty collection whose lines start at `indent`.
        Block(&'a Node, usize),
        /// A `key:` or `-` line prefix followed by its value.
        Line(usize, Option<&'a str>, &'a Node),
    }
    let mut out = String::new();
    if !is_block(node) {
        scalar(node, &mut out);
        out.push('\n');
        return out;
    }
    let mut work = vec![Work::Block(node, 0)];
    while let Some(item) = work.pop() {
        match item {
            Work::Block(node, indent) => match &node.value {
                Value::Map(m) => work.extend(
                    m.iter()
                        .rev()
                        .map(|e| Work::Line(indent, Some(&e.key), &e.value)),
                ),
                Value::Seq(s) => work.extend(s.iter().rev().map(|n| Work::Line(indent, None, n))),
                _ => {}
            },
            Work::Line(indent, key, value) => {
                out.extend(std::iter::repeat_n(' ', indent));
                match key {
                    Some(key) => {
                        quote(key, &mut out);
                        out.push(':');
                    }
                    None => out.push('-'),
                }
                if is_block(value) && indent < 2 * BLOCK_LEVELS {
                    out.push('\n');
                    work.push(Work::Block(value, indent + 2));
                } else if is_block(value) {
                    // Deeper levels in flow style keep the output linear in the input.
                    out.push(' ');
                    out.push_str(&to_json_string(value));
                    out.push('\n');
                } else {
                    out.push(' ');
                    scalar(value, &mut out);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Writes `node` as compact JSON (keys in source order).
#[must_use]
pub fn to_json_string(node: &Node) -> String {
    to_json_prefix(node, usize::MAX)
}

/// Like [`to_json_string`], but stops writing once the text is longer than `limit` bytes
/// (for showing values in messages: the cost stays bounded whatever the node's size).
#[must_use]
pub fn to_json_prefix(node: &Node, limit: usize) -> String {
    enum Work<'a> {
        Value(&'a Node),
        Key(&'a str),
        Text(&'static str),
    }
    let mut out = String::new();
    let mut work = vec![Work::Value(node)];
    while let Some(item) = work.pop() {
        if out.len() > limit {
            break;
        }
        match item {
            Work::Text(t) => out.push_str(t),
            Work::Key(k) => {
                json_string(k, &mut out);
                out.push(':');
            }
            Work::Value(node) => match &node.value {
                Value::Seq(items) => {
                    out.push('[');
                    work.push(Work::Text("]"));
                    for (i, item) in items.iter().enumerate().rev() {
                        work.push(Work::Value(item));
                        if i > 0 {
                            work.push(Work::Text(","));
                        }
                    }
                }
                Value::Map(map) => {
                    out.push('{');
                    work.push(Work::Text("}"));
                    for (i, e) in map.iter().enumerate().rev() {
                        work.push(Work::Value(&e.value));
                        work.push(Work::Key(&e.key));
                        if i > 0 {
                            work.push(Work::Text(","));
                        }
                    }
                }
                Value::String(s) => json_string(s, &mut out),
                Value::Float(f) => match serde_json::Number::from_f64(*f) {
                    Some(n) => {
                        let _ = write!(out, "{n}");
                    }
                    None => out.push_str("null"),
                },
                _ => scalar(node, &mut out),
            },
        }
    }
    out
}

/// JSON strings use the YAML quoting: its escapes are all valid JSON, and line separators
/// are escaped so a YAML reader cannot fold them.
fn json_string(s: &str, out: &mut String) {
    quote(s, out);
}

/// A scalar or an empty collection, on one line.
fn scalar(node: &Node, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::UInt(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Float(f) if f.is_nan() => out.push_str(".nan"),
        Value::Float(f) if f.is_infinite() => out.push_str(if *f > 0.0 { ".inf" } else { "-.inf" }),
        // `{:?}` always has a `.` or an exponent, so it reads back as a float.
        Value::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Value::String(s) => quote(s, out),
        Value::Seq(_) => out.push_str("[]"),
        Value::Map(_) => out.push_str("{}"),
    }
}

/// A double-quoted scalar; anything YAML would not keep verbatim is escaped.
fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20
                || ('\u{7F}'..='\u{9F}').contains(&c)
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
                ) =>
            {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
