//! Go's built-in template functions (`text/template/funcs.go`): `not`, `len`, `index`,
//! `print`, `printf`, `println`, the comparisons, `html`, `js`, `urlquery` and `call`.
//! `and`/`or` short-circuit and live in the executor.

use std::fmt::Write as _;

use super::exec::Dv;
use super::fmt::{sprint, sprintf, sprintln};
use super::parse::Builtin;
use crate::value::{ElemType, MapType, Value};

fn plain(v: Value) -> Dv {
    Dv { v, iface: false }
}

/// Runs a builtin with checked arguments.
pub(crate) fn call_builtin(b: Builtin, argv: Vec<Value>) -> Result<Dv, String> {
    match b {
        Builtin::Not => Ok(plain(Value::Bool(
            !argv.first().is_some_and(Value::is_true),
        ))),
        Builtin::Len => length(argv.first().unwrap_or(&Value::Invalid)).map(plain),
        Builtin::Index => {
            let mut it = argv.into_iter();
            let item = it.next().unwrap_or(Value::Invalid);
            index(item, it.collect())
        }
        Builtin::Print => Ok(plain(Value::str(sprint(&argv)))),
        Builtin::Println => Ok(plain(Value::str(sprintln(&argv)))),
        Builtin::Printf => {
            let format = argv
                .first()
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            Ok(plain(Value::str(sprintf(
                &format,
                argv.get(1..).unwrap_or(&[]),
            ))))
        }
        Builtin::Eq => {
            let a = argv.first().unwrap_or(&Value::Invalid);
            eq(a, argv.get(1..).unwrap_or(&[])).map(|b| plain(Value::Bool(b)))
        }
        Builtin::Ne => {
            let (a, b) = two(&argv);
            eq(a, std::slice::from_ref(b)).map(|r| plain(Value::Bool(!r)))
        }
        Builtin::Lt => {
            let (a, b) = two(&argv);
            lt(a, b).map(|r| plain(Value::Bool(r)))
        }
        Builtin::Le => {
            let (a, b) = two(&argv);
            le(a, b).map(|r| plain(Value::Bool(r)))
        }
        Builtin::Gt => {
            let (a, b) = two(&argv);
            le(a, b).map(|r| plain(Value::Bool(!r)))
        }
        Builtin::Ge => {
            let (a, b) = two(&argv);
            lt(a, b).map(|r| plain(Value::Bool(!r)))
        }
        Builtin::Html => Ok(plain(Value::str(html_escape(&eval_args(&argv))))),
        Builtin::Js => Ok(plain(Value::str(js_escape(&eval_args(&argv))))),
        Builtin::Urlquery => Ok(plain(Value::str(query_escape(&eval_args(&argv))))),
        Builtin::Call | Builtin::And | Builtin::Or => Err("unreachable builtin".into()),
    }
}

fn two(argv: &[Value]) -> (&Value, &Value) {
    (
        argv.first().unwrap_or(&Value::Invalid),
        argv.get(1).unwrap_or(&Value::Invalid),
    )
}

/// Go's `call`: no template value is a function in Helm.
pub(crate) fn call(callee: &str, argv: &[Value]) -> Result<Dv, String> {
    let f = indirect_interface(argv.first().unwrap_or(&Value::Invalid));
    if matches!(f, Value::Invalid) {
        return Err("call of nil".into());
    }
    Err(format!("non-function {callee} of type {}", f.type_name()))
}

fn indirect_interface(v: &Value) -> &Value {
    match v {
        Value::Nil => &Value::Invalid,
        other => other,
    }
}

fn length(item: &Value) -> Result<Value, String> {
    #[allow(clippy::cast_possible_wrap)]
    let n = match item {
        Value::Nil => return Err("len of nil pointer".into()),
        // Go calls Type() on the zero reflect.Value and recovers the panic.
        Value::Invalid => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        // Go's length in bytes, counting bytes a string function split off alone.
        Value::String(s) => crate::funcs::strings::go_bytes(s.as_str()).len(),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.items.borrow().len(),
        Value::Map(m) => m.entries.borrow().len(),
        Value::Object(o) if o.is_nil() => return Err("len of nil pointer".into()),
        Value::Object(o) if matches!(o.kind(), "map" | "slice") => return length(&o.to_data()),
        other => return Err(format!("len of type {}", other.type_name())),
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x = match index {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Invalid | Value::Nil => return Err("cannot index slice/array with nil".into()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ))
        }
    };
    match usize::try_from(x) {
        Ok(u) if u <= cap => Ok(u),
        _ => Err(format!("index out of range: {x}")),
    }
}

fn index(item: Value, indexes: Vec<Value>) -> Result<Dv, String> {
    let mut item = Dv {
        v: match item {
            Value::Nil => Value::Invalid,
            // Map- and slice-kinded named types (`.Files`) index like their underlying value.
            Value::Object(o) if matches!(o.kind(), "map" | "slice") => o.to_data(),
            other => other,
        },
        iface: false,
    };
    if matches!(item.v, Value::Invalid) {
        return Err("index of untyped nil".into());
    }
    for idx in indexes {
        let idx = match idx {
            Value::Nil => Value::Invalid,
            other => other,
        };
        if matches!(item.v, Value::Nil) {
            return Err("index of nil pointer".into());
        }
        let next = match &item.v {
            Value::List(l) => {
                let items = l.items.borrow();
                let x = index_arg(&idx, items.len())?;
                let Some(v) = items.get(x).cloned() else {
                    return Err("reflect: slice index out of range".into());
                };
                Dv {
                    v,
                    iface: l.elem == ElemType::Any,
                }
            }
            Value::String(s) => {
                let b = s.as_str().as_bytes();
                let x = index_arg(&idx, b.len())?;
                let Some(c) = b.get(x) else {
                    return Err("reflect: string index out of range".into());
                };
                plain(Value::Int(i64::from(*c)))
            }
            Value::Bytes(b) => {
                let x = index_arg(&idx, b.len())?;
                let Some(c) = b.get(x) else {
                    return Err("reflect: slice index out of range".into());
                };
                plain(Value::Int(i64::from(*c)))
            }
            Value::Map(m) => {
                let key = match &idx {
                    Value::String(s) => s.as_str().to_string(),
                    Value::Invalid => return Err("value is nil; should be of type string".into()),
                    other => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        ))
                    }
                };
                let iface = m.ty != MapType::String;
                match m.entries.borrow().get(&key) {
                    Some(v) => Dv {
                        v: v.clone(),
                        iface,
                    },
                    None => {
                        if iface {
                            Dv {
                                v: Value::Nil,
                                iface: true,
                            }
                        } else {
                            plain(Value::str(""))
                        }
                    }
                }
            }
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
        item = next;
    }
    Ok(item)
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

fn type_of(v: &Value) -> String {
    v.type_name()
}

fn eq(a: &Value, rest: &[Value]) -> Result<bool, String> {
    let a = indirect_interface(a);
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a);
    for b in rest {
        let b = indirect_interface(b);
        let k2 = basic_kind(b);
        let truth = if k1 == k2 {
            match (a, b) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => x == y,
                (Value::Float(x), Value::Float(y)) => x == y,
                (Value::String(x), Value::String(y)) => x.as_str() == y.as_str(),
                _ => {
                    // Neither is a basic kind.
                    let a_nil = matches!(a, Value::Invalid);
                    let b_nil = matches!(b, Value::Invalid);
                    let same_kind = a.kind_name() == b.kind_name();
                    if !same_kind && !a_nil && !b_nil {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            sprintf("%s", std::slice::from_ref(a)),
                            type_of(a),
                            type_of(b),
                            sprintf("%v", std::slice::from_ref(b))
                        ));
                    }
                    if a_nil || b_nil {
                        a_nil == b_nil
                    } else {
                        match (a, b) {
                            (Value::Object(x), Value::Object(y)) => std::rc::Rc::ptr_eq(x, y),
                            _ => {
                                return Err(format!(
                                    "non-comparable type {}: {}",
                                    sprintf("%s", std::slice::from_ref(b)),
                                    type_of(b)
                                ))
                            }
                        }
                    }
                }
            }
        } else if matches!(a, Value::Invalid) || matches!(b, Value::Invalid) {
            false
        } else {
            return Err(format!(
                "incompatible types for comparison: {} and {}",
                type_of(a),
                type_of(b)
            ));
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let a = indirect_interface(a);
    let k1 = basic_kind(a);
    if k1 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    let b = indirect_interface(b);
    let k2 = basic_kind(b);
    if k2 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    if k1 != k2 {
        return Err(format!(
            "incompatible types for comparison: {} and {}",
            type_of(a),
            type_of(b)
        ));
    }
    Ok(match (a, b) {
        (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => x < y,
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::String(x), Value::String(y)) => x.as_str() < y.as_str(),
        _ => return Err("invalid type for comparison".into()),
    })
}

fn le(a: &Value, b: &Value) -> Result<bool, String> {
    let l = lt(a, b)?;
    if l {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

/// Go's `evalArgs` for the escapers: one string argument as is, else `fmt.Sprint`.
fn eval_args(argv: &[Value]) -> String {
    if let [Value::String(s)] = argv {
        return s.as_str().to_string();
    }
    sprint(argv)
}

/// Go's `template.HTMLEscapeString`.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub(crate) fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c if c.is_ascii() => out.push(c),
            c if !c.is_control() && !c.is_whitespace() || c == ' ' => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}
