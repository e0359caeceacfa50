//! `toToml`: the encoder of `github.com/BurntSushi/toml` v1.4 as Helm 3.17 calls it
//! (`NewEncoder(w).Encode(v)`, two-space indentation), on the Go value itself.

use crate::value::Value;

/// How encoding failed.
pub(crate) enum TomlError {
    /// An error the encoder returns; Helm's `toToml` prints its text.
    Encode(String),
    /// A Go runtime panic inside the encoder; the template call fails with it.
    Panic(String),
}

const NIL_ELEMENT: &str = "toml: cannot encode array with nil element";
const NO_KEY: &str = "toml: top-level values must be Go maps or structs";
const MAX_DEPTH: usize = 1000;

/// Encodes `value` as BurntSushi's encoder does.
pub(crate) fn encode(value: &Value) -> Result<String, TomlError> {
    let value = resolve(value);
    if value.is_nil() {
        return Err(TomlError::Panic(
            "reflect: call of reflect.Value.Type on zero Value".into(),
        ));
    }
    let mut enc = Encoder { out: String::new() };
    enc.encode(&[], &value, 0)?;
    Ok(enc.out)
}

/// Objects encode as their marshalled form.
fn resolve(value: &Value) -> Value {
    match value {
        Value::Object(o) if o.is_nil() => Value::Nil,
        Value::Object(o) => o.to_data(),
        other => other.clone(),
    }
}

#[derive(PartialEq)]
enum TomlType {
    Nil,
    Hash,
    ArrayHash,
    Other,
}

/// `tomlTypeOfGo`, with `isTableArray`'s nil-element check.
fn toml_type(value: &Value) -> Result<TomlType, TomlError> {
    Ok(match value {
        Value::Invalid | Value::Nil => TomlType::Nil,
        Value::Map(_) => TomlType::Hash,
        Value::Object(o) if o.is_nil() => TomlType::Nil,
        Value::Object(o) => toml_type(&o.to_data())?,
        Value::List(l) => {
            let items = l.items.borrow();
            if items.is_empty() {
                return Ok(TomlType::Other);
            }
            let mut all_hash = true;
            for item in items.iter() {
                match toml_type(&resolve(item))? {
                    TomlType::Nil => return Err(TomlError::Encode(NIL_ELEMENT.into())),
                    TomlType::Hash => {}
                    _ => all_hash = false,
                }
            }
            if all_hash {
                TomlType::ArrayHash
            } else {
                TomlType::Other
            }
        }
        _ => TomlType::Other,
    })
}

fn is_bare(key: &str) -> bool {
    key.chars()
        .all(|r| r.is_ascii_alphanumeric() || r == '_' || r == '-')
}

/// BurntSushi's `dblQuotedReplacer`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// One key piece, quoted when it is not bare (`Key.maybeQuoted`).
fn key_piece(key: &str) -> String {
    if key.is_empty() {
        "\"\"".into()
    } else if is_bare(key) {
        key.into()
    } else {
        format!("\"{}\"", escape(key))
    }
}

/// A dotted key (`Key.String`).
fn key_path(key: &[String]) -> String {
    key.iter()
        .map(|k| key_piece(k))
        .collect::<Vec<_>>()
        .join(".")
}

/// `FormatFloat(f, 'f', -1, 64)` with `.0` added when there is no decimal point.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf" } else { "inf" }.into();
    }
    let s = format!("{f}");
    if s.contains('.') {
        s
    } else {
        s + ".0"
    }
}

struct Encoder {
    out: String,
}

impl Encoder {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(&mut self, key: &[String]) {
        for _ in 1..key.len() {
            self.out.push_str("  ");
        }
    }

    fn encode(&mut self, key: &[String], value: &Value, depth: usize) -> Result<(), TomlError> {
        // The key path is copied for every node: the work grows with the depth.
        let work = u64::try_from(key.len())
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        if !crate::value::budget::spend_n(work) {
            return Err(TomlError::Panic(
                "value too large to serialise (limit max-template-values)".into(),
            ));
        }
        if depth > MAX_DEPTH {
            return Err(TomlError::Panic("toml: nesting too deep".into()));
        }
        let value = resolve(value);
        match &value {
            Value::Invalid | Value::Nil => Ok(()),
            Value::Map(_) => self.table(key, &value, depth),
            Value::List(_) if toml_type(&value)? == TomlType::ArrayHash => {
                self.array_of_tables(key, &value, depth)
            }
            _ => self.key_value(key, &value, false, depth),
        }
    }

    fn key_value(
        &mut self,
        key: &[String],
        value: &Value,
        inline: bool,
        depth: usize,
    ) -> Result<(), TomlError> {
        let Some(last) = key.last() else {
            return self.element(value, depth);
        };
        self.indent(key);
        self.out.push_str(&key_piece(last));
        self.out.push_str(" = ");
        self.element(value, depth)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }

    fn array_of_tables(
        &mut self,
        key: &[String],
        value: &Value,
        depth: usize,
    ) -> Result<(), TomlError> {
        if key.is_empty() {
            return Err(TomlError::Encode(NO_KEY.into()));
        }
        let items: Vec<Value> = value
            .as_list()
            .map(|l| l.items.borrow().clone())
            .unwrap_or_default();
        for item in items {
            let item = resolve(&item);
            if item.is_nil() {
                continue;
            }
            self.newline();
            self.indent(key);
            self.out.push_str("[[");
            self.out.push_str(&key_path(key));
            self.out.push_str("]]");
            self.newline();
            self.map(key, &item, false, depth + 1)?;
        }
        Ok(())
    }

    fn table(&mut self, key: &[String], value: &Value, depth: usize) -> Result<(), TomlError> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            self.indent(key);
            self.out.push('[');
            self.out.push_str(&key_path(key));
            self.out.push(']');
            self.newline();
        }
        self.map(key, value, false, depth + 1)
    }

    fn map(
        &mut self,
        key: &[String],
        value: &Value,
        inline: bool,
        depth: usize,
    ) -> Result<(), TomlError> {
        let Some(m) = value.as_map() else {
            return Ok(());
        };
        let entries: Vec<(String, Value)> = m
            .entries
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), resolve(v)))
            .collect();
        let (mut direct, mut sub) = (Vec::new(), Vec::new());
        for (k, v) in entries {
            match toml_type(&v)? {
                TomlType::Hash | TomlType::ArrayHash => sub.push((k, v)),
                _ => direct.push((k, v)),
            }
        }
        if inline {
            self.out.push('{');
        }
        let trailing = !sub.is_empty();
        for (group, trail) in [(direct, trailing), (sub, false)] {
            let len = group.len();
            for (i, (k, v)) in group.into_iter().enumerate() {
                if v.is_nil() {
                    continue;
                }
                if inline {
                    self.key_value(&[k], &v, true, depth + 1)?;
                    if trail || i + 1 != len {
                        self.out.push_str(", ");
                    }
                } else {
                    let mut child = key.to_vec();
                    child.push(k);
                    self.encode(&child, &v, depth + 1)?;
                }
            }
        }
        if inline {
            self.out.push('}');
        }
        Ok(())
    }

    fn element(&mut self, value: &Value, depth: usize) -> Result<(), TomlError> {
        if depth > MAX_DEPTH {
            return Err(TomlError::Panic("toml: nesting too deep".into()));
        }
        let value = resolve(value);
        match &value {
            Value::Invalid | Value::Nil => {
                return Err(TomlError::Panic(
                    "reflect: call of reflect.Value.Interface on zero Value".into(),
                ))
            }
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.out.push_str(&i.to_string()),
            Value::Float(f) => self.out.push_str(&float_text(*f)),
            Value::String(s) => {
                self.out.push('"');
                self.out.push_str(&escape(s.as_str()));
                self.out.push('"');
            }
            Value::Bytes(b) => {
                let parts: Vec<String> = b.iter().map(ToString::to_string).collect();
                self.out.push('[');
                self.out.push_str(&parts.join(", "));
                self.out.push(']');
            }
            Value::List(l) => {
                let items = l.items.borrow().clone();
                self.out.push('[');
                let len = items.len();
                for (i, item) in items.iter().enumerate() {
                    self.element(item, depth + 1)?;
                    if i + 1 != len {
                        self.out.push_str(", ");
                    }
                }
                self.out.push(']');
            }
            Value::Map(_) => self.map(&[], &value, true, depth + 1)?,
            Value::Object(_) => {}
        }
        Ok(())
    }
}
