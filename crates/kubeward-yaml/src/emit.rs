//! A YAML emitter whose output Kubernetes (go-yaml v2) and Helm read back to the same value:
//! every string and key is double-quoted, so no YAML 1.1 surprise (`yes`, `0777`, `<<`) can
//! change its meaning.

use std::fmt::Write;

use crate::value::{Node, Value};

/// Emits `node` as a block-style YAML document.
#[must_use]
pub fn to_yaml(node: &Node) -> String {
    let mut out = String::new();
    match &node.value {
        Value::Map(m) if !m.is_empty() => map(node, 0, &mut out),
        Value::Seq(s) if !s.is_empty() => seq(node, 0, &mut out),
        _ => {
            scalar(node, &mut out);
            out.push('\n');
        }
    }
    out
}

fn is_block(node: &Node) -> bool {
    match &node.value {
        Value::Map(m) => !m.is_empty(),
        Value::Seq(s) => !s.is_empty(),
        _ => false,
    }
}

fn nested(node: &Node, indent: usize, out: &mut String) {
    match &node.value {
        Value::Map(_) => map(node, indent, out),
        Value::Seq(_) => seq(node, indent, out),
        _ => {}
    }
}

fn map(node: &Node, indent: usize, out: &mut String) {
    let Value::Map(m) = &node.value else { return };
    for entry in m {
        out.push_str(&" ".repeat(indent));
        quote(&entry.key, out);
        out.push(':');
        if is_block(&entry.value) {
            out.push('\n');
            nested(&entry.value, indent + 2, out);
        } else {
            out.push(' ');
            scalar(&entry.value, out);
            out.push('\n');
        }
    }
}

fn seq(node: &Node, indent: usize, out: &mut String) {
    let Value::Seq(items) = &node.value else {
        return;
    };
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        if is_block(item) {
            out.push('\n');
            nested(item, indent + 2, out);
        } else {
            out.push(' ');
            scalar(item, out);
            out.push('\n');
        }
    }
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
