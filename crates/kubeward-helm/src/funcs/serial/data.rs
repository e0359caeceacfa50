//! The value `encoding/json` sees, and Go's JSON writer.
//!
//! Helm's `toYaml` and `toJson` both start with `json.Marshal`, so a [`Value`] is first turned
//! into [`Data`]: numbers become the exact text `encoding/json` writes, `[]byte` becomes base64
//! text, objects become their marshalled form, and the failures Go reports (NaN, infinities,
//! cycles) are errors.

use crate::value::Value;
use std::fmt::Write as _;
use std::rc::Rc;

/// A JSON value as `encoding/json` writes it (object keys sorted by bytes, as Go sorts map
/// keys).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Data {
    Null,
    Bool(bool),
    /// The number's text as `encoding/json` writes it (`1000000`, `1e+21`, `0.1`, `-0`).
    Num(String),
    Str(Rc<str>),
    List(Vec<Data>),
    Map(Vec<(String, Data)>),
}

/// Deepest nesting converted; deeper values are refused (Go would go on until go-yaml's depth
/// limit of 10 000, but no chart nests that deep and the stack must stay bounded).
const MAX_DEPTH: usize = 1000;

impl Data {
    /// What `json.Marshal(v)` sees, or Go's error text.
    pub(crate) fn from_value(value: &Value) -> Result<Data, String> {
        let mut path = Vec::new();
        convert(value, 0, &mut path)
    }
}

fn convert(value: &Value, depth: usize, path: &mut Vec<usize>) -> Result<Data, String> {
    if !crate::value::budget::spend() {
        return Err("value too large to serialise (limit max-template-values)".into());
    }
    if depth > MAX_DEPTH {
        return Err(format!(
            "json: unsupported value: nesting deeper than {MAX_DEPTH} levels"
        ));
    }
    Ok(match value {
        Value::Invalid | Value::Nil => Data::Null,
        Value::Bool(b) => Data::Bool(*b),
        Value::Int(i) | Value::Int64(i) => Data::Num(i.to_string()),
        Value::Float(f) => Data::Num(json_float(*f)?),
        Value::String(s) => Data::Str(s.rc().clone()),
        Value::Bytes(b) => Data::Str(base64_std(b).into()),
        Value::List(l) => {
            let id = Rc::as_ptr(&l.items) as *const () as usize;
            if path.contains(&id) {
                return Err(format!(
                    "json: unsupported value: encountered a cycle via {}",
                    value.type_name()
                ));
            }
            path.push(id);
            let items = l.items.borrow();
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                out.push(convert(item, depth + 1, path)?);
            }
            path.pop();
            Data::List(out)
        }
        Value::Map(m) => {
            let id = Rc::as_ptr(&m.entries) as *const () as usize;
            if path.contains(&id) {
                return Err(format!(
                    "json: unsupported value: encountered a cycle via {}",
                    value.type_name()
                ));
            }
            path.push(id);
            let entries = m.entries.borrow();
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries.iter() {
                out.push((k.clone(), convert(v, depth + 1, path)?));
            }
            path.pop();
            Data::Map(out)
        }
        Value::Object(o) => {
            if o.is_nil() {
                Data::Null
            } else {
                convert(&o.to_data(), depth + 1, path)?
            }
        }
    })
}

/// `encoding/json`'s float text: `%f`-like shortest digits, exponent form below 1e-6 and from
/// 1e21 on (`1e-7`, `1e+21`).
pub(crate) fn json_float(f: f64) -> Result<String, String> {
    if f.is_nan() || f.is_infinite() {
        return Err(format!(
            "json: unsupported value: {}",
            crate::value::format_float(f)
        ));
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Rust's `{:e}` is the shortest mantissa with a bare exponent (`1.5e-7`, `1e21`).
        let e = format!("{f:e}");
        let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        // Go writes at least two exponent digits, then trims `e-07` to `e-7`.
        let digits = if sign == '+' && digits.len() < 2 {
            format!("0{digits}")
        } else {
            digits.to_string()
        };
        Ok(format!("{mantissa}e{sign}{digits}"))
    } else {
        // Rust's Display is the shortest round-trip digits without an exponent, like Go's 'f'
        // with precision -1 (and `-0` for negative zero).
        Ok(format!("{f}"))
    }
}

/// Standard base64 with padding (Go's `base64.StdEncoding`, used for `[]byte`).
pub(crate) fn base64_std(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

/// How JSON text is laid out.
#[derive(Clone, Copy)]
pub(crate) struct JsonStyle {
    /// Escape `<`, `>` and `&` (`json.Marshal`; off for `toRawJson`).
    pub(crate) escape_html: bool,
    /// Indent with two spaces per level (`json.MarshalIndent(v, "", "  ")`).
    pub(crate) indent: bool,
}

/// Writes `data` as Go's `encoding/json` does.
pub(crate) fn write_json(data: &Data, style: JsonStyle) -> String {
    let mut out = String::new();
    write_value(data, style, 0, &mut out);
    out
}

fn newline(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_value(data: &Data, style: JsonStyle, level: usize, out: &mut String) {
    match data {
        Data::Null => out.push_str("null"),
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Data::Num(n) => out.push_str(n),
        Data::Str(s) => write_string(s, style.escape_html, out),
        Data::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if style.indent {
                    newline(out, level + 1);
                }
                write_value(item, style, level + 1, out);
            }
            if style.indent && !items.is_empty() {
                newline(out, level);
            }
            out.push(']');
        }
        Data::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if style.indent {
                    newline(out, level + 1);
                }
                write_string(k, style.escape_html, out);
                out.push(':');
                if style.indent {
                    out.push(' ');
                }
                write_value(v, style, level + 1, out);
            }
            if style.indent && !entries.is_empty() {
                newline(out, level);
            }
            out.push('}');
        }
    }
}

/// A JSON string literal as Go writes it: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other
/// control characters as `\u00XX`, U+2028/U+2029 escaped, and `<`, `>`, `&` as `\u003c`…
/// when `escape_html`.
pub(crate) fn write_string(s: &str, escape_html: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_encoding_json() {
        // Expected values: Go's json.Marshal of the same float64 values.
        let cases = [
            (1_000_000.0, "1000000"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (0.1, "0.1"),
            (-0.0, "-0"),
            (1e-7, "1e-7"),
            (0.000_001, "0.000001"),
            (1.5e-10, "1.5e-10"),
            (1e100, "1e+100"),
            (123.456, "123.456"),
        ];
        for (f, want) in cases {
            assert_eq!(json_float(f).as_deref(), Ok(want), "{f}");
        }
        assert!(json_float(f64::NAN).is_err());
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64_std(b""), "");
        assert_eq!(base64_std(b"a"), "YQ==");
        assert_eq!(base64_std(b"ab"), "YWI=");
        assert_eq!(base64_std(b"abc"), "YWJj");
    }
}
