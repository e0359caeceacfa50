//! The `--set` family of flags, with Helm's `pkg/strvals` grammar: `a.b=c,d[0]=e`, list
//! literals `{x,y}`, backslash escapes, typed values for `--set` (`int64`, `bool`, nil),
//! strings for `--set-string`, file contents for `--set-file`, JSON for `--set-json` and the
//! verbatim rest of the argument for `--set-literal`. Errors carry Helm's messages.

use std::collections::BTreeMap;

use crate::value::{Map, Value};

/// Helm's largest list index (`strvals.MaxIndex`).
const MAX_INDEX: i64 = 65536;
/// Helm's deepest `a.b.c` nesting (`strvals.MaxNestedNameLevel`).
const MAX_NESTED_NAME_LEVEL: usize = 30;

/// How values after `=` are read.
#[derive(Clone, Copy)]
pub(crate) enum Mode<'a> {
    /// `--set` (`false`) or `--set-string` (`true`).
    Typed(bool),
    /// `--set-file`: every value is the given file content.
    File(&'a str),
    /// `--set-json`.
    Json,
    /// `--set-literal`.
    Literal,
}

enum PErr {
    /// Go's `io.EOF`, which ends parsing without an error at the top level.
    Eof,
    /// `ErrNotList` (internal to the value reader).
    NotList,
    /// A panic Go would recover in `key` (`unable to parse key: …`).
    Panic(String),
    /// Any other error.
    Msg(String),
}

struct Parser<'a> {
    sc: Vec<char>,
    pos: usize,
    mode: Mode<'a>,
}

/// Parses `s` into `dest` (Helm's `ParseInto`, `ParseIntoString`, `ParseIntoFile`,
/// `ParseJSON`, `ParseLiteralInto`).
pub(crate) fn parse_into(s: &str, dest: &Map, mode: Mode<'_>) -> Result<(), String> {
    let mut p = Parser {
        sc: s.chars().collect(),
        pos: 0,
        mode,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => {}
            Err(PErr::Eof) => return Ok(()),
            Err(PErr::NotList) => return Err("not a list".into()),
            Err(PErr::Panic(m) | PErr::Msg(m)) => return Err(m),
        }
    }
}

/// Go's `%q` of a string (`strconv.Quote`).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                let n = c as u32;
                if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Go type name a failed `interface {}` conversion reports.
fn iface_name(v: &Value) -> String {
    if v.is_nil() {
        "nil".into()
    } else {
        v.type_name()
    }
}

fn conversion_panic(v: &Value, want: &str) -> PErr {
    PErr::Panic(format!(
        "interface conversion: interface {{}} is {}, not {want}",
        iface_name(v)
    ))
}

fn map_get(m: &Map, k: &str) -> Option<Value> {
    m.entries.borrow().get(k).cloned()
}

fn set(m: &Map, k: &str, v: Value) {
    if !k.is_empty() {
        m.entries.borrow_mut().insert(k.to_string(), v);
    }
}

fn new_map() -> Map {
    Map {
        entries: std::rc::Rc::new(std::cell::RefCell::new(BTreeMap::new())),
        ty: crate::value::MapType::Any,
    }
}

/// Go's `strconv.Atoi` with its error text.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

/// Helm's `typedVal`.
fn typed_val(s: &str, string: bool) -> Value {
    if string {
        return Value::str(s);
    }
    if s.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if s.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if s.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if s == "0" {
        return Value::Int64(0);
    }
    if !s.is_empty() && !s.starts_with('0') {
        // strconv.ParseInt(s, 10, 64): optional sign, then decimal digits.
        let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = s.parse::<i64>() {
                return Value::Int64(i);
            }
        }
    }
    Value::str(s)
}

/// The Go value `encoding/json` decodes into `interface {}`.
fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::map(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}

/// The length in bytes of the first JSON value of `s` (after leading white space), as far
/// as a streaming decoder reads it.
fn json_value_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    match b.get(i) {
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut in_str = false;
            while i < b.len() {
                let c = b[i];
                if in_str {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        in_str = false;
                    }
                } else if c == b'"' {
                    in_str = true;
                } else if c == b'{' || c == b'[' {
                    depth += 1;
                } else if c == b'}' || c == b']' {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                i += 1;
            }
            b.len()
        }
        Some(b'"') => {
            i += 1;
            while i < b.len() {
                if b[i] == b'\\' {
                    i += 1;
                } else if b[i] == b'"' {
                    return i + 1;
                }
                i += 1;
            }
            b.len()
        }
        _ => {
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'+' | b'-' | b'.'))
            {
                i += 1;
            }
            i
        }
    }
}

impl Parser<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.sc.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    fn literal(&self) -> bool {
        matches!(self.mode, Mode::Literal)
    }

    /// Reads until one of `stop` (returned) or the end (`None`); `\` escapes the next
    /// character except in literal mode.
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.next() {
                None => return (v, None),
                Some(r) if stop.contains(&r) => return (v, Some(r)),
                Some('\\') if !self.literal() => match self.next() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(r) => v.push(r),
            }
        }
    }

    fn key(&mut self, data: &Map, level: usize) -> Result<(), PErr> {
        match self.key_inner(data, level) {
            Err(PErr::Panic(m)) => Err(PErr::Msg(format!("unable to parse key: {m}"))),
            other => other,
        }
    }

    fn key_inner(&mut self, data: &Map, mut level: usize) -> Result<(), PErr> {
        let stop: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.runes_until(stop);
        let Some(last) = last else {
            if k.is_empty() {
                return Err(PErr::Eof);
            }
            return Err(PErr::Msg(format!("key {} has no value", go_quote(&k))));
        };
        match last {
            '[' => {
                let i = self.key_index()?;
                let list = match map_get(data, &k) {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.items.borrow().clone(),
                    Some(other) => return Err(conversion_panic(&other, "[]interface {}")),
                };
                let (list, res) = self.list_item(list, i, level);
                set(data, &k, Value::list(list));
                res
            }
            '=' => self.assign(data, &k),
            ',' => {
                set(data, &k, Value::str(""));
                Err(PErr::Msg(format!(
                    "key {} has no value (cannot end with ,)",
                    go_quote(&k)
                )))
            }
            _ => {
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(PErr::Msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let inner = match map_get(data, &k) {
                    None => new_map(),
                    Some(Value::Map(m)) => m,
                    Some(other) => return Err(conversion_panic(&other, "map[string]interface {}")),
                };
                let e = self.key(&inner, level);
                let empty = inner.entries.borrow().is_empty();
                if e.is_ok() && empty {
                    return Err(PErr::Msg(format!("key map {} has no value", go_quote(&k))));
                }
                if !empty {
                    set(data, &k, Value::Map(inner));
                }
                e
            }
        }
    }

    /// The value after `key=`.
    fn assign(&mut self, data: &Map, k: &str) -> Result<(), PErr> {
        match self.mode {
            Mode::Literal => {
                let (v, _) = self.runes_until(&[]);
                set(data, k, Value::str(v));
                Ok(())
            }
            Mode::Json => {
                if self.empty_val() {
                    set(data, k, Value::Nil);
                    return Ok(());
                }
                let v = self.json_value()?;
                set(data, k, v);
                self.empty_val();
                Ok(())
            }
            Mode::Typed(_) | Mode::File(_) => match self.val_list() {
                Ok(vl) => {
                    set(data, k, Value::list(vl));
                    Ok(())
                }
                Err(PErr::Eof) => {
                    set(data, k, Value::str(""));
                    Err(PErr::Eof)
                }
                Err(PErr::NotList) => {
                    let (rs, _) = self.runes_until(&[',']);
                    set(data, k, self.read(&rs));
                    Ok(())
                }
                Err(e) => Err(e),
            },
        }
    }

    fn read(&self, rs: &str) -> Value {
        match self.mode {
            Mode::Typed(string) => typed_val(rs, string),
            Mode::File(content) => Value::str(content),
            Mode::Json | Mode::Literal => Value::str(rs),
        }
    }

    fn json_value(&mut self) -> Result<Value, PErr> {
        let rest: String = self.sc.get(self.pos..).unwrap_or(&[]).iter().collect();
        let len = json_value_len(&rest);
        let text = rest.get(..len).unwrap_or("");
        let parsed: serde_json::Value =
            serde_json::from_str(text).map_err(|e| PErr::Msg(e.to_string()))?;
        self.pos += text.chars().count();
        Ok(from_json(&parsed))
    }

    /// Skips white space; true at the end or after a `,`.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.next() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    fn key_index(&mut self) -> Result<i64, PErr> {
        let (v, last) = self.runes_until(&[']']);
        if last.is_none() {
            return Err(PErr::Msg("error parsing index: EOF".into()));
        }
        atoi(&v).map_err(|e| PErr::Msg(format!("error parsing index: {e}")))
    }

    fn val_list(&mut self) -> Result<Vec<Value>, PErr> {
        match self.next() {
            None => return Err(PErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(PErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.runes_until(&[',', '}']);
            match last {
                None => return Err(PErr::Msg("list must terminate with '}'".into())),
                Some('}') => {
                    if let Some(r) = self.next() {
                        if r != ',' {
                            self.unread();
                        }
                    }
                    list.push(self.read(&rs));
                    return Ok(list);
                }
                Some(_) => list.push(self.read(&rs)),
            }
        }
    }

    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> (Vec<Value>, Result<(), PErr>) {
        if i < 0 {
            return (
                list,
                Err(PErr::Msg(format!("negative {i} index not allowed"))),
            );
        }
        let (k, last) = self.runes_until(&['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Err(PErr::Msg(format!(
                    "unexpected data at end of array index: {}",
                    go_quote(&k)
                ))),
            );
        }
        let Some(last) = last else {
            return (list, Err(PErr::Eof));
        };
        let idx = usize::try_from(i).unwrap_or(usize::MAX);
        match last {
            '=' => {
                let v = match self.mode {
                    Mode::Literal => {
                        let (v, _) = self.runes_until(&[]);
                        Value::str(v)
                    }
                    Mode::Json => {
                        if self.empty_val() {
                            Value::Nil
                        } else {
                            match self.json_value() {
                                Ok(v) => {
                                    let r = set_index(list, i, v);
                                    self.empty_val();
                                    return r;
                                }
                                Err(e) => return (list, Err(e)),
                            }
                        }
                    }
                    Mode::Typed(_) | Mode::File(_) => match self.val_list() {
                        Ok(vl) => Value::list(vl),
                        Err(PErr::Eof) => Value::str(""),
                        Err(PErr::NotList) => {
                            let (rs, _) = self.runes_until(&[',']);
                            self.read(&rs)
                        }
                        Err(e) => return (list, Err(e)),
                    },
                };
                set_index(list, i, v)
            }
            '[' => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e)),
                };
                let crt = match list.get(idx) {
                    None | Some(Value::Nil | Value::Invalid) => Vec::new(),
                    Some(Value::List(l)) => l.items.borrow().clone(),
                    Some(other) => {
                        let e = conversion_panic(other, "[]interface {}");
                        return (list, Err(e));
                    }
                };
                let (list2, res) = self.list_item(crt, next_i, level);
                if let Err(e) = res {
                    return (list, Err(e));
                }
                set_index(list, i, Value::list(list2))
            }
            _ => {
                let inner = match list.get(idx) {
                    None => new_map(),
                    Some(Value::Map(m)) => m.clone(),
                    Some(_) => {
                        let m = new_map();
                        if let Some(slot) = list.get_mut(idx) {
                            *slot = Value::Map(m.clone());
                        }
                        m
                    }
                };
                if let Err(e) = self.key(&inner, level) {
                    return (list, Err(e));
                }
                set_index(list, i, Value::Map(inner))
            }
        }
    }
}

fn set_index(mut list: Vec<Value>, index: i64, val: Value) -> (Vec<Value>, Result<(), PErr>) {
    if index < 0 {
        return (
            list,
            Err(PErr::Msg(format!("negative {index} index not allowed"))),
        );
    }
    if index > MAX_INDEX {
        return (
            list,
            Err(PErr::Msg(format!(
                "index of {index} is greater than maximum supported index of {MAX_INDEX}"
            ))),
        );
    }
    let idx = usize::try_from(index).unwrap_or(0);
    if list.len() <= idx {
        list.resize(idx + 1, Value::Nil);
    }
    if let Some(slot) = list.get_mut(idx) {
        *slot = val;
    }
    (list, Ok(()))
}
