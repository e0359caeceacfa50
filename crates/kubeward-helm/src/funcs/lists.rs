//! Lists: list, tuple, append/push, prepend, first, rest, last, initial, reverse, uniq,
//! without, has, slice, concat, chunk and the must variants (Sprig v3.3.0 `list.go`).
//!
//! Sprig takes any slice through reflection (`[]interface {}`, `[]string`, `[]int`,
//! `[]byte`) and returns a new `[]interface {}`, except `slice`, which re-slices and keeps
//! the element type. On anything else the `must` forms return an error and the others panic
//! with the same message, which Go's template engine turns into the same error; a nil list
//! makes Go dereference a nil `reflect.Type`, hence [`NIL_DEREF`]. `has`, `uniq` and
//! `without` compare with `reflect.DeepEqual` ([`Value::deep_equal`]), so `has 1 .Values.l`
//! is false for a list read from YAML (its numbers are `float64`).

use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::{List, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("list", Sig::variadic(&[], Ty::Any), list),
    FuncDef::new("tuple", Sig::variadic(&[], Ty::Any), list),
    FuncDef::new("append", Sig::fixed(&[Ty::Any, Ty::Any]), push),
    FuncDef::new("push", Sig::fixed(&[Ty::Any, Ty::Any]), push),
    FuncDef::new("mustAppend", Sig::fixed(&[Ty::Any, Ty::Any]), push),
    FuncDef::new("mustPush", Sig::fixed(&[Ty::Any, Ty::Any]), push),
    FuncDef::new("prepend", Sig::fixed(&[Ty::Any, Ty::Any]), prepend),
    FuncDef::new("mustPrepend", Sig::fixed(&[Ty::Any, Ty::Any]), prepend),
    FuncDef::new("first", Sig::fixed(&[Ty::Any]), first),
    FuncDef::new("mustFirst", Sig::fixed(&[Ty::Any]), first),
    FuncDef::new("rest", Sig::fixed(&[Ty::Any]), rest),
    FuncDef::new("mustRest", Sig::fixed(&[Ty::Any]), rest),
    FuncDef::new("last", Sig::fixed(&[Ty::Any]), last),
    FuncDef::new("mustLast", Sig::fixed(&[Ty::Any]), last),
    FuncDef::new("initial", Sig::fixed(&[Ty::Any]), initial),
    FuncDef::new("mustInitial", Sig::fixed(&[Ty::Any]), initial),
    FuncDef::new("reverse", Sig::fixed(&[Ty::Any]), reverse),
    FuncDef::new("mustReverse", Sig::fixed(&[Ty::Any]), reverse),
    FuncDef::new("uniq", Sig::fixed(&[Ty::Any]), uniq),
    FuncDef::new("mustUniq", Sig::fixed(&[Ty::Any]), uniq),
    FuncDef::new("without", Sig::variadic(&[Ty::Any], Ty::Any), without),
    FuncDef::new("mustWithout", Sig::variadic(&[Ty::Any], Ty::Any), without),
    FuncDef::new("has", Sig::fixed(&[Ty::Any, Ty::Any]), has),
    FuncDef::new("mustHas", Sig::fixed(&[Ty::Any, Ty::Any]), has),
    FuncDef::new("slice", Sig::variadic(&[Ty::Any], Ty::Any), slice),
    FuncDef::new("mustSlice", Sig::variadic(&[Ty::Any], Ty::Any), slice),
    FuncDef::new("concat", Sig::variadic(&[], Ty::Any), concat),
    FuncDef::new("chunk", Sig::fixed(&[Ty::Int, Ty::Any]), chunk),
    FuncDef::new("mustChunk", Sig::fixed(&[Ty::Int, Ty::Any]), chunk),
];

/// What Go reports when Sprig calls `reflect.TypeOf(nil).Kind()` on a nil list.
pub(crate) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";

/// The items of a Go slice (a copy), or Sprig's error for other kinds: `err` gets the
/// `reflect.Kind` name (`map`, `string`, `float64`…).
pub(crate) fn list_items(
    v: Option<&Value>,
    err: impl FnOnce(&str) -> String,
) -> Result<Vec<Value>, String> {
    match v {
        Some(Value::List(l)) => Ok(l.items.borrow().clone()),
        Some(Value::Bytes(b)) => Ok(b.iter().map(|x| Value::Int(i64::from(*x))).collect()),
        None | Some(Value::Nil | Value::Invalid) => Err(NIL_DEREF.into()),
        Some(other) => Err(err(other.kind_name())),
    }
}

/// Runs `f` on the items of a Go slice without copying them (for `first`, `last`, `has`),
/// or returns Sprig's error as [`list_items`] does.
fn with_items<T>(
    v: Option<&Value>,
    err: impl FnOnce(&str) -> String,
    f: impl FnOnce(&[Value]) -> T,
) -> Result<T, String> {
    match v {
        Some(Value::List(l)) => Ok(f(&l.items.borrow())),
        other => list_items(other, err).map(|items| f(&items)),
    }
}

fn list(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    ctx.check_list_len(args.len())?;
    Ok(Value::list(args))
}

/// `append`/`push list v` and the must forms.
fn push(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut items = list_items(args.first(), |k| format!("Cannot push on type {k}"))?;
    ctx.check_list_len(items.len().saturating_add(1))?;
    items.push(args.get(1).cloned().unwrap_or(Value::Nil));
    Ok(Value::list(items))
}

fn prepend(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let items = list_items(args.first(), |k| format!("Cannot prepend on type {k}"))?;
    ctx.check_list_len(items.len().saturating_add(1))?;
    let mut out = Vec::with_capacity(items.len() + 1);
    out.push(args.get(1).cloned().unwrap_or(Value::Nil));
    out.extend(items);
    Ok(Value::list(out))
}

/// `first`: nil for an empty list.
fn first(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    with_items(
        args.first(),
        |k| format!("Cannot find first on type {k}"),
        |items| items.first().cloned().unwrap_or(Value::Nil),
    )
}

/// `last`: nil for an empty list.
fn last(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    with_items(
        args.first(),
        |k| format!("Cannot find last on type {k}"),
        |items| items.last().cloned().unwrap_or(Value::Nil),
    )
}

/// `rest`: all but the first. Go returns a nil slice for an empty list (`toJson` prints
/// `null`); this model has no nil slice and returns an empty list.
fn rest(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let items = list_items(args.first(), |k| format!("Cannot find rest on type {k}"))?;
    Ok(Value::list(items.into_iter().skip(1).collect()))
}

/// `initial`: all but the last (empty list for an empty list, see [`rest`]).
fn initial(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut items = list_items(args.first(), |k| format!("Cannot find initial on type {k}"))?;
    items.pop();
    Ok(Value::list(items))
}

fn reverse(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut items = list_items(args.first(), |k| format!("Cannot find reverse on type {k}"))?;
    items.reverse();
    Ok(Value::list(items))
}

/// `uniq`: first occurrences, compared with `reflect.DeepEqual`.
fn uniq(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let items = list_items(args.first(), |k| format!("Cannot find uniq on type {k}"))?;
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        if !out.iter().any(|o| item.deep_equal(o)) {
            out.push(item);
        }
    }
    Ok(Value::list(out))
}

/// `without list omit...`.
fn without(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let items = list_items(args.first(), |k| format!("Cannot find without on type {k}"))?;
    let omit = args.get(1..).unwrap_or_default();
    Ok(Value::list(
        items
            .into_iter()
            .filter(|item| !omit.iter().any(|o| item.deep_equal(o)))
            .collect(),
    ))
}

/// `has needle haystack`: false for a nil haystack.
fn has(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let needle = args.first().cloned().unwrap_or(Value::Nil);
    match args.get(1) {
        None | Some(Value::Nil | Value::Invalid) => Ok(Value::Bool(false)),
        haystack => with_items(
            haystack,
            |k| format!("Cannot find has on type {k}"),
            |items| Value::Bool(items.iter().any(|i| needle.deep_equal(i))),
        ),
    }
}

/// `slice list [start [end]]`: Go's `list[start:end]` with the element type kept; nil for an
/// empty list; indices go through `cast.ToInt`. (Go's result aliases the input; nothing in
/// Sprig writes into a list, so a copy is not observable.)
fn slice(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (elem, items, bytes) = match args.first() {
        Some(Value::List(l)) => (l.elem, l.items.borrow().clone(), false),
        Some(Value::Bytes(b)) => (
            crate::value::ElemType::Any,
            b.iter().map(|x| Value::Int(i64::from(*x))).collect(),
            true,
        ),
        None | Some(Value::Nil | Value::Invalid) => return Err(NIL_DEREF.into()),
        Some(other) => {
            return Err(format!(
                "list should be type of slice or array but {}",
                other.kind_name()
            ))
        }
    };
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let start = args.get(1).map_or(0, to_int);
    let end = args.get(2).map_or(len, to_int);
    if start < 0 || end < start || end > len {
        return Err("reflect.Value.Slice: slice index out of bounds".into());
    }
    let (start, end) = (
        usize::try_from(start).unwrap_or(0),
        usize::try_from(end).unwrap_or(0),
    );
    let part: Vec<Value> = items.get(start..end).unwrap_or_default().to_vec();
    if bytes {
        let raw: Vec<u8> = part
            .iter()
            .map(|v| match v {
                Value::Int(i) => u8::try_from(*i).unwrap_or(0),
                _ => 0,
            })
            .collect();
        return Ok(Value::Bytes(raw.into()));
    }
    Ok(Value::List(List {
        items: Rc::new(RefCell::new(part)),
        elem,
    }))
}

/// `concat lists...`: one `[]interface {}`; a non-list panics in Sprig.
fn concat(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut out = Vec::new();
    for arg in &args {
        let items = list_items(Some(arg), |k| format!("Cannot concat type {k} as list"))?;
        ctx.check_list_len(out.len().saturating_add(items.len()))?;
        out.extend(items);
    }
    Ok(Value::list(out))
}

/// What Go's `runtime` reports for `make` with a negative or huge length.
const MAKESLICE: &str = "runtime error: makeslice: len out of range";

/// Go's conversion of a float64 to int on amd64: NaN and out-of-range values give
/// `math.MinInt64`.
#[allow(clippy::cast_possible_truncation)]
fn float_to_int(f: f64) -> i64 {
    // 2^63 as a float: the first value outside int64's range.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `chunk size list`: a list of lists of `size` items (the last may be shorter), with Sprig's
/// float arithmetic, so size 0 fails as Go's `make` does and a negative size gives `[]`.
#[allow(clippy::cast_precision_loss)]
fn chunk(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let size = match args.first() {
        Some(Value::Int(i) | Value::Int64(i)) => *i,
        _ => 0,
    };
    let items = list_items(args.get(1), |k| format!("Cannot chunk type {k}"))?;
    let len = items.len() as f64;
    let count = float_to_int(((len - 1.0) / size as f64).floor() + 1.0);
    let count = usize::try_from(count).map_err(|_| MAKESLICE.to_string())?;
    if count > items.len().saturating_add(1) {
        return Err(MAKESLICE.into());
    }
    ctx.check_list_len(count)?;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let mut clen = size;
        if i + 1 == count {
            clen = float_to_int((len % size as f64).floor());
            if clen == 0 {
                clen = size;
            }
        }
        let clen = usize::try_from(clen).map_err(|_| MAKESLICE.to_string())?;
        let base = usize::try_from(size).unwrap_or(0).saturating_mul(i);
        let mut part = Vec::with_capacity(clen.min(items.len()));
        for j in 0..clen {
            let ix = base.saturating_add(j);
            match items.get(ix) {
                Some(v) => part.push(v.clone()),
                None => return Err("reflect: slice index out of range".into()),
            }
        }
        out.push(Value::list(part));
    }
    Ok(Value::list(out))
}

/// `spf13/cast.ToInt` as Sprig's `slice` uses it: numbers truncate, strings parse with
/// base prefixes (a trailing `.0…` is dropped), bools are 0/1, anything else 0.
pub(crate) fn to_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Float(f) => float_to_int(f.trunc()),
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => parse_int_base0(trim_zero_decimal(s.as_str())).unwrap_or(0),
        _ => 0,
    }
}

/// cast's `trimZeroDecimal`: `"12.000"` becomes `"12"`; other strings are kept.
fn trim_zero_decimal(s: &str) -> &str {
    match s.split_once('.') {
        Some((int, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => int,
        _ => s,
    }
}

/// `strconv.ParseInt(s, 0, 0)`: optional sign, `0x`/`0o`/`0b`/`0` prefixes, `_` separators
/// only with a prefix.
fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower.get(1..)?.to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    let digits = if prefixed {
        if digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
            return None;
        }
        digits.replace('_', "")
    } else {
        digits
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = i128::from_str_radix(&digits, radix).ok()?;
    let value = if neg { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: super::super::NativeFn, args: Vec<Value>) -> Result<String, String> {
        f(&mut FuncCtx::default(), args).map(|v| v.to_go_string())
    }

    fn ints(v: &[i64]) -> Value {
        Value::list(v.iter().map(|i| Value::Int(*i)).collect())
    }

    fn strs(v: &[&str]) -> Value {
        Value::str_list(v.iter().map(|s| (*s).to_string()).collect())
    }

    // Expected values below come from Helm 3.17.3 (tests/helm-cases/sprig-b.json).
    #[test]
    fn build_and_take_apart() {
        assert_eq!(
            call(push, vec![ints(&[1, 2]), Value::Int(3)]).as_deref(),
            Ok("[1 2 3]")
        );
        let pushed = push(&mut FuncCtx::default(), vec![strs(&["a"]), Value::str("c")]);
        assert_eq!(
            pushed.map(|v| v.type_name()).as_deref(),
            Ok("[]interface {}")
        );
        assert_eq!(
            call(prepend, vec![ints(&[1, 2]), Value::Int(0)]).as_deref(),
            Ok("[0 1 2]")
        );
        assert_eq!(call(first, vec![ints(&[])]).as_deref(), Ok("<nil>"));
        assert_eq!(call(last, vec![strs(&["x", "y"])]).as_deref(), Ok("y"));
        assert_eq!(call(rest, vec![ints(&[1, 2, 3])]).as_deref(), Ok("[2 3]"));
        assert_eq!(
            call(initial, vec![ints(&[1, 2, 3])]).as_deref(),
            Ok("[1 2]")
        );
        assert_eq!(
            call(reverse, vec![ints(&[1, 2, 3])]).as_deref(),
            Ok("[3 2 1]")
        );
    }

    #[test]
    fn errors_name_the_kind() {
        assert_eq!(
            call(push, vec![Value::empty_map(), Value::Int(1)])
                .err()
                .as_deref(),
            Some("Cannot push on type map")
        );
        assert_eq!(
            call(last, vec![Value::Float(0.0)]).err().as_deref(),
            Some("Cannot find last on type float64")
        );
        assert_eq!(
            call(first, vec![Value::Nil]).err().as_deref(),
            Some(NIL_DEREF)
        );
        assert_eq!(
            call(concat, vec![ints(&[1]), Value::str("abc")])
                .err()
                .as_deref(),
            Some("Cannot concat type string as list")
        );
        assert_eq!(
            call(slice, vec![Value::str("abc"), Value::Int(1)])
                .err()
                .as_deref(),
            Some("list should be type of slice or array but string")
        );
    }

    #[test]
    fn deep_equality() {
        let mixed = Value::list(vec![
            Value::Int(1),
            Value::Int(2),
            Value::Int(1),
            Value::str("1"),
            Value::Nil,
            Value::Nil,
            ints(&[1]),
            ints(&[1]),
        ]);
        assert_eq!(call(uniq, vec![mixed]).as_deref(), Ok("[1 2 1 <nil> [1]]"));
        let floats = Value::list(vec![Value::Float(1.0), Value::Float(2.0)]);
        assert_eq!(
            call(has, vec![Value::Int(1), floats.clone()]).as_deref(),
            Ok("false")
        );
        assert_eq!(
            call(has, vec![Value::Float(1.0), floats]).as_deref(),
            Ok("true")
        );
        assert_eq!(
            call(has, vec![Value::Int(1), Value::Nil]).as_deref(),
            Ok("false")
        );
        assert_eq!(
            call(
                without,
                vec![ints(&[1, 2, 3]), Value::Int(1), Value::Int(3)]
            )
            .as_deref(),
            Ok("[2]")
        );
    }

    #[test]
    fn slice_and_chunk() {
        let l = ints(&[1, 2, 3, 4]);
        assert_eq!(call(slice, vec![l.clone()]).as_deref(), Ok("[1 2 3 4]"));
        assert_eq!(
            call(slice, vec![l.clone(), Value::Int(1), Value::Int(3)]).as_deref(),
            Ok("[2 3]")
        );
        assert_eq!(
            call(slice, vec![l.clone(), Value::Int(4)]).as_deref(),
            Ok("[]")
        );
        assert_eq!(
            call(slice, vec![l.clone(), Value::str("1"), Value::str("2")]).as_deref(),
            Ok("[2]")
        );
        assert_eq!(
            call(slice, vec![l.clone(), Value::Float(1.9)]).as_deref(),
            Ok("[2 3 4]")
        );
        assert_eq!(
            call(slice, vec![ints(&[]), Value::Int(0), Value::Int(0)]).as_deref(),
            Ok("<nil>")
        );
        assert_eq!(
            call(slice, vec![ints(&[1, 2]), Value::Int(0), Value::Int(3)])
                .err()
                .as_deref(),
            Some("reflect.Value.Slice: slice index out of bounds")
        );
        let typed = slice(
            &mut FuncCtx::default(),
            vec![strs(&["a", "b"]), Value::Int(1)],
        );
        assert_eq!(typed.map(|v| v.type_name()).as_deref(), Ok("[]string"));
        let five = ints(&[1, 2, 3, 4, 5]);
        assert_eq!(
            call(chunk, vec![Value::Int(2), five]).as_deref(),
            Ok("[[1 2] [3 4] [5]]")
        );
        assert_eq!(
            call(chunk, vec![Value::Int(3), ints(&[])]).as_deref(),
            Ok("[]")
        );
        assert_eq!(
            call(chunk, vec![Value::Int(5), ints(&[1, 2])]).as_deref(),
            Ok("[[1 2]]")
        );
        assert_eq!(
            call(chunk, vec![Value::Int(-1), ints(&[1, 2])]).as_deref(),
            Ok("[]")
        );
        assert_eq!(
            call(chunk, vec![Value::Int(0), ints(&[1, 2])])
                .err()
                .as_deref(),
            Some(MAKESLICE)
        );
    }

    #[test]
    fn cast_to_int() {
        assert_eq!(to_int(&Value::str("0x10")), 16);
        assert_eq!(to_int(&Value::str("12.00")), 12);
        assert_eq!(to_int(&Value::str("08")), 0);
        assert_eq!(to_int(&Value::str("-7")), -7);
        assert_eq!(to_int(&Value::Bool(true)), 1);
    }
}
