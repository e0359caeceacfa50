//! Go's `encoding/json` decoding into `interface {}` (numbers are `float64`), with Go's
//! syntax error messages (`invalid character 'x' looking for beginning of value`,
//! `unexpected end of JSON input`).

use crate::value::Value;
use std::collections::BTreeMap;

/// Deepest nesting accepted (Go's scanner stops at 10 000; the recursion here is bounded
/// lower to keep the stack small).
const MAX_DEPTH: usize = 1000;

/// What Go's decoder found at the top level, for its type-mismatch messages.
pub(crate) fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Map(_) => "object",
        Value::List(_) => "array",
        Value::String(_) => "string",
        Value::Float(_) => "number",
        Value::Bool(_) => "bool",
        _ => "null",
    }
}

/// `json.Unmarshal(data, &v)` with `v interface{}`.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        b: text.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let value = p.value(0, "looking for beginning of value")?;
    p.skip_ws();
    if let Some(&c) = p.b.get(p.pos) {
        return Err(invalid(c, "after top-level value"));
    }
    Ok(value)
}

/// Go's `quoteChar` inside its syntax error text.
fn invalid(c: u8, context: &str) -> String {
    let shown = match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let ch = char::from(c);
            let quoted = match ch {
                '\n' => "\\n".to_string(),
                '\r' => "\\r".to_string(),
                '\t' => "\\t".to_string(),
                '\\' => "\\\\".to_string(),
                '\u{7}' => "\\a".to_string(),
                '\u{8}' => "\\b".to_string(),
                '\u{c}' => "\\f".to_string(),
                '\u{b}' => "\\v".to_string(),
                c if u32::from(c) < 0x20 || c == '\u{7f}' => format!("\\x{:02x}", u32::from(c)),
                c if (0x80..0xA0).contains(&u32::from(c)) => format!("\\u{:04x}", u32::from(c)),
                c => c.to_string(),
            };
            format!("'{quoted}'")
        }
    };
    format!("invalid character {shown} {context}")
}

const EOF: &str = "unexpected end of JSON input";

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize, context: &str) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("exceeded max depth".into());
        }
        let Some(c) = self.peek() else {
            return Err(EOF.into());
        };
        match c {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => Ok(Value::str(self.string()?)),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Nil),
            b'-' | b'0'..=b'9' => self.number(),
            c => Err(invalid(c, context)),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, String> {
        for expected in word.bytes() {
            // At the end of input Go's scanner is fed a space, so an unfinished literal,
            // number or escape is reported as an invalid ' '.
            match self.peek() {
                Some(c) if c == expected => self.pos += 1,
                c => {
                    let c = c.unwrap_or(b' ');
                    let context =
                        format!("in literal {word} (expecting '{}')", char::from(expected));
                    return Err(invalid(c, &context));
                }
            }
        }
        Ok(value)
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            match self.peek() {
                Some(b'0'..=b'9') => {}
                c => return Err(invalid(c.unwrap_or(b' '), "in numeric literal")),
            }
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            match self.peek() {
                Some(b'0'..=b'9') => {}
                c => {
                    let c = c.unwrap_or(b' ');
                    return Err(invalid(c, "after decimal point in numeric literal"));
                }
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            match self.peek() {
                Some(b'0'..=b'9') => {}
                c => {
                    let c = c.unwrap_or(b' ');
                    return Err(invalid(c, "in exponent of numeric literal"));
                }
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.pos]).unwrap_or("0");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            )),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        // At the opening quote.
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(EOF.into());
            };
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(invalid(b' ', "in string escape code"));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut code = self.hex4()?;
                            if (0xD800..0xDC00).contains(&code)
                                && self.b.get(self.pos) == Some(&b'\\')
                                && self.b.get(self.pos + 1) == Some(&b'u')
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let low = self.hex4()?;
                                if (0xDC00..0xE000).contains(&low) {
                                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                                } else {
                                    self.pos = save;
                                }
                            }
                            let ch = char::from_u32(code).unwrap_or('\u{fffd}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        c => return Err(invalid(c, "in string escape code")),
                    }
                }
                c if c < 0x20 => return Err(invalid(c, "in string literal")),
                c => out.push(c),
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut code = 0;
        for _ in 0..4 {
            let c = self.peek().unwrap_or(b' ');
            let Some(d) = char::from(c).to_digit(16) else {
                return Err(invalid(c, "in \\u hexadecimal character escape"));
            };
            code = code * 16 + d;
            self.pos += 1;
        }
        Ok(code)
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut map = BTreeMap::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::map(map));
        }
        loop {
            match self.peek() {
                None => return Err(EOF.into()),
                Some(b'"') => {}
                Some(c) => return Err(invalid(c, "looking for beginning of object key string")),
            }
            let key = self.string()?;
            self.skip_ws();
            match self.peek() {
                None => return Err(EOF.into()),
                Some(b':') => self.pos += 1,
                Some(c) => return Err(invalid(c, "after object key")),
            }
            self.skip_ws();
            let value = self.value(depth + 1, "looking for beginning of value")?;
            map.insert(key, value);
            self.skip_ws();
            match self.peek() {
                None => return Err(EOF.into()),
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::map(map));
                }
                Some(c) => return Err(invalid(c, "after object key:value pair")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::list(items));
        }
        loop {
            items.push(self.value(depth + 1, "looking for beginning of value")?);
            self.skip_ws();
            match self.peek() {
                None => return Err(EOF.into()),
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::list(items));
                }
                Some(c) => return Err(invalid(c, "after array element")),
            }
        }
    }
}
