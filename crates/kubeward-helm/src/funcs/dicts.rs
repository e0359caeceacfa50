//! Dicts: dict, get, set, unset, hasKey, pluck, keys, pick, omit, merge, mergeOverwrite,
//! values, dig and the must variants (Sprig v3.3.0 `dict.go`, `dario.cat/mergo` v1.0.1).
//!
//! `set`, `unset` and the `merge` family change their first map in place and return it, as
//! in Go (maps are shared). Their result has Go type `map[string]interface {}` even for
//! `.Values`, because that is Sprig's parameter type. `keys` and `values` come out in Go's
//! random map order; here they are sorted by key, which is one of Go's possible outputs.

use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::{Map, MapType, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("dict", Sig::variadic(&[], Ty::Any), dict),
    FuncDef::new("get", Sig::fixed(&[Ty::Map, Ty::String]), get),
    FuncDef::new("set", Sig::fixed(&[Ty::Map, Ty::String, Ty::Any]), set),
    FuncDef::new("unset", Sig::fixed(&[Ty::Map, Ty::String]), unset),
    FuncDef::new("hasKey", Sig::fixed(&[Ty::Map, Ty::String]), has_key),
    FuncDef::new("pluck", Sig::variadic(&[Ty::String], Ty::Map), pluck),
    FuncDef::new("keys", Sig::variadic(&[], Ty::Map), keys),
    FuncDef::new("pick", Sig::variadic(&[Ty::Map], Ty::String), pick),
    FuncDef::new("omit", Sig::variadic(&[Ty::Map], Ty::String), omit),
    FuncDef::new("merge", Sig::variadic(&[Ty::Map], Ty::Map), merge),
    FuncDef::new("mustMerge", Sig::variadic(&[Ty::Map], Ty::Map), merge),
    FuncDef::new(
        "mergeOverwrite",
        Sig::variadic(&[Ty::Map], Ty::Map),
        merge_overwrite,
    ),
    FuncDef::new(
        "mustMergeOverwrite",
        Sig::variadic(&[Ty::Map], Ty::Map),
        merge_overwrite,
    ),
    FuncDef::new("values", Sig::fixed(&[Ty::Map]), values),
    FuncDef::new("dig", Sig::variadic(&[], Ty::Any), dig),
];

/// How deep `merge` recurses before giving up (a map can contain itself after `set`; Go
/// would overflow its stack).
const MAX_MERGE_DEPTH: usize = 512;

/// Sprig's `strval` for dict keys: strings as they are, bytes as text, the rest as `%v`.
fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.as_str().to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Invalid => "<nil>".into(),
        other => other.to_go_string(),
    }
}

/// The entries of a map argument (nil maps are empty).
fn entries(v: Option<&Value>) -> BTreeMap<String, Value> {
    match v {
        Some(Value::Map(m)) => m.entries.borrow().clone(),
        _ => BTreeMap::new(),
    }
}

/// The map argument seen through Sprig's `map[string]interface {}` parameter: same entries,
/// Go type `map[string]interface {}`; `None` for a nil map.
fn as_any_map(v: Option<&Value>) -> Option<Map> {
    match v {
        Some(Value::Map(m)) => Some(Map {
            entries: Rc::clone(&m.entries),
            ty: MapType::Any,
        }),
        _ => None,
    }
}

fn str_arg(args: &[Value], i: usize) -> String {
    args.get(i)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// `dict k v ...`: keys through `strval`; a key without a value maps to `""`.
fn dict(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut out = BTreeMap::new();
    for pair in args.chunks(2) {
        let key = pair.first().map(strval).unwrap_or_default();
        let value = pair.get(1).cloned().unwrap_or_else(|| Value::str(""));
        out.insert(key, value);
    }
    Ok(Value::map(out))
}

/// `get map key`: `""` when the key is missing.
fn get(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let key = str_arg(&args, 1);
    Ok(entries_get(args.first(), &key).unwrap_or_else(|| Value::str("")))
}

fn entries_get(m: Option<&Value>, key: &str) -> Option<Value> {
    match m {
        Some(Value::Map(m)) => m.entries.borrow().get(key).cloned(),
        _ => None,
    }
}

/// `set map key value`: in place; a nil map fails as Go's assignment does.
fn set(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let map = as_any_map(args.first()).ok_or("assignment to entry in nil map")?;
    let key = str_arg(&args, 1);
    let value = args.get(2).cloned().unwrap_or(Value::Nil);
    map.entries.borrow_mut().insert(key, value);
    Ok(Value::Map(map))
}

/// `unset map key`: in place; a nil map stays nil (printed `map[]`).
fn unset(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let Some(map) = as_any_map(args.first()) else {
        return Ok(Value::empty_map());
    };
    map.entries.borrow_mut().remove(&str_arg(&args, 1));
    Ok(Value::Map(map))
}

fn has_key(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(
        entries_get(args.first(), &str_arg(&args, 1)).is_some(),
    ))
}

/// `pluck key maps...`: the values of `key` in the maps that have it.
fn pluck(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let key = str_arg(&args, 0);
    Ok(Value::list(
        args.iter()
            .skip(1)
            .filter_map(|m| entries_get(Some(m), &key))
            .collect(),
    ))
}

/// `keys maps...`: a `[]string` of every key (duplicates kept), each map's keys sorted
/// (Go's order is random).
fn keys(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut out = Vec::new();
    for m in &args {
        out.extend(entries(Some(m)).into_keys());
        ctx.check_list_len(out.len())?;
    }
    Ok(Value::str_list(out))
}

/// `values map`: the values in key order (Go's order is random).
fn values(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::list(entries(args.first()).into_values().collect()))
}

/// `pick map keys...`: a new map with only those keys.
fn pick(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let src = entries(args.first());
    let mut out = BTreeMap::new();
    for k in args.iter().skip(1).filter_map(Value::as_str) {
        if let Some(v) = src.get(k) {
            out.insert(k.to_string(), v.clone());
        }
    }
    Ok(Value::map(out))
}

/// `omit map keys...`: a new map without those keys.
fn omit(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut out = entries(args.first());
    for k in args.iter().skip(1).filter_map(Value::as_str) {
        out.remove(k);
    }
    Ok(Value::map(out))
}

/// `dig keys... default map`: walks nested `map[string]interface {}` values (not
/// `chartutil.Values`), failing like Go's type assertions on anything else.
fn dig(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    if args.len() < 3 {
        return Err("dig needs at least three arguments".into());
    }
    let n = args.len();
    let mut current = args.get(n - 1).cloned().unwrap_or(Value::Nil);
    let default = args.get(n - 2).cloned().unwrap_or(Value::Nil);
    let mut path = Vec::with_capacity(n - 2);
    // Sprig asserts the map first, then every key.
    let mut map = assert_any_map(&current)?;
    for k in args.get(..n - 2).unwrap_or_default() {
        match k {
            Value::String(s) => path.push(s.as_str().to_string()),
            other => return Err(conversion(other, "string")),
        }
    }
    for (i, key) in path.iter().enumerate() {
        let Some(step) = map.entries.borrow().get(key).cloned() else {
            return Ok(default);
        };
        if i + 1 == path.len() {
            return Ok(step);
        }
        current = step;
        map = assert_any_map(&current)?;
    }
    Ok(default)
}

/// Go's `v.(map[string]interface{})`.
fn assert_any_map(v: &Value) -> Result<Map, String> {
    match v {
        Value::Map(m) if m.ty == MapType::Any => Ok(m.clone()),
        other => Err(conversion(other, "map[string]interface {}")),
    }
}

/// The panic message of a failed Go type assertion from `interface {}`.
fn conversion(v: &Value, want: &str) -> String {
    let got = match v {
        Value::Nil | Value::Invalid => "nil".to_string(),
        other => other.type_name(),
    };
    format!("interface conversion: interface {{}} is {got}, not {want}")
}

fn merge(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    merge_all(args, false)
}

fn merge_overwrite(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    merge_all(args, true)
}

/// `merge dst srcs...` / `mergeOverwrite dst srcs...`: `mergo.Merge(&dst, src)` for each
/// source in turn. A nil `dst` becomes a new map (mergo sets the pointed-to variable).
fn merge_all(args: Vec<Value>, overwrite: bool) -> Result<Value, String> {
    let dst = as_any_map(args.first()).unwrap_or(Map {
        entries: Rc::new(RefCell::new(BTreeMap::new())),
        ty: MapType::Any,
    });
    for src in args.iter().skip(1) {
        if let Value::Map(src) = src {
            merge_map(&dst, src, overwrite, 0)?;
        }
    }
    Ok(Value::Map(dst))
}

/// The map branch of mergo v1.0.1's `deepMerge` for `map[string]interface {}` values, step
/// by step (`merge.go`):
/// - a nil source value is copied only with overwrite (then even over a missing key);
/// - a source map merged onto a destination map recurses into the destination's map, in
///   place; the destination keeps its own map object when that map is (then) non-empty;
/// - any other source value (scalar, list, struct) replaces the destination value with
///   overwrite, and otherwise only when the key is missing or its value is empty
///   (`false`, `0`, `""`, nil, empty list or map); lists are never merged element-wise.
fn merge_map(dst: &Map, src: &Map, overwrite: bool, depth: usize) -> Result<(), String> {
    if depth > MAX_MERGE_DEPTH {
        return Err(format!(
            "merge: maps nested deeper than {MAX_MERGE_DEPTH} levels (a map containing itself?)"
        ));
    }
    // A snapshot: the source may be the destination itself.
    let src_entries: Vec<(String, Value)> = src
        .entries
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, s) in src_entries {
        let d = dst.entries.borrow().get(&key).cloned();
        if s.is_nil() {
            if overwrite {
                insert(dst, src, key, Value::Nil)?;
            }
            continue;
        }
        if let (Value::Map(sm), Some(Value::Map(dm))) = (&s, &d) {
            merge_map(dm, sm, overwrite, depth + 1)?;
        }
        if let Some(dv) = &d {
            // Evaluated after the recursion: a destination map filled by it is not empty.
            if !dv.is_empty() {
                match (&s, dv) {
                    (Value::List(_) | Value::Bytes(_), _) => {
                        if overwrite {
                            insert(dst, src, key, s)?;
                        }
                        continue;
                    }
                    (Value::Map(_), Value::Map(_)) => continue,
                    _ => {}
                }
            }
        }
        if overwrite || d.as_ref().is_none_or(Value::is_empty) {
            insert(dst, src, key, s)?;
        }
    }
    Ok(())
}

/// `dst[key] = value` through reflection: a `map[string]string` destination rejects the
/// `interface {}` values of a `map[string]interface {}` source as Go's `SetMapIndex` does.
fn insert(dst: &Map, src: &Map, key: String, value: Value) -> Result<(), String> {
    if dst.ty == MapType::String && src.ty != MapType::String {
        return Err(
            "reflect.Value.SetMapIndex: value of type interface {} is not assignable to type string"
                .into(),
        );
    }
    dst.entries.borrow_mut().insert(key, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: super::super::NativeFn, args: Vec<Value>) -> Result<Value, String> {
        f(&mut FuncCtx::default(), args)
    }

    fn d(pairs: Vec<(&str, Value)>) -> Value {
        Value::map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn s(v: &str) -> Value {
        Value::str(v)
    }

    fn go(r: Result<Value, String>) -> String {
        match r {
            Ok(v) => v.to_go_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    // Expected values below come from Helm 3.17.3 (tests/helm-cases/sprig-b.json).
    #[test]
    fn dict_get_set() {
        let got = call(
            dict,
            vec![
                Value::Int(1),
                Value::Int(2),
                Value::Bool(true),
                Value::Int(3),
                Value::Nil,
                Value::Int(4),
            ],
        );
        assert_eq!(go(got), "map[1:2 <nil>:4 true:3]");
        assert_eq!(go(call(dict, vec![s("a")])), "map[a:]");
        let m = d(vec![("a", Value::Int(1))]);
        assert_eq!(go(call(get, vec![m.clone(), s("b")])), "");
        let _ = call(set, vec![m.clone(), s("b"), Value::Int(2)]);
        assert_eq!(m.to_go_string(), "map[a:1 b:2]");
        assert_eq!(
            go(call(set, vec![Value::Nil, s("a"), Value::Int(1)])),
            "error: assignment to entry in nil map"
        );
        assert_eq!(go(call(unset, vec![Value::Nil, s("a")])), "map[]");
        let _ = call(unset, vec![m.clone(), s("a")]);
        assert_eq!(m.to_go_string(), "map[b:2]");
    }

    #[test]
    fn set_on_values_shares_and_retypes() {
        let values = Value::Map(Map {
            entries: Rc::new(RefCell::new(BTreeMap::new())),
            ty: MapType::Values,
        });
        let out = call(set, vec![values.clone(), s("x"), Value::Int(1)]);
        assert_eq!(
            out.map(|v| v.type_name()).as_deref(),
            Ok("map[string]interface {}")
        );
        assert_eq!(values.to_go_string(), "map[x:1]");
    }

    #[test]
    fn pick_omit_pluck_keys() {
        let m = d(vec![
            ("a", Value::Int(1)),
            ("b", Value::Int(2)),
            ("c", Value::Int(3)),
        ]);
        assert_eq!(
            go(call(pick, vec![m.clone(), s("a"), s("c"), s("z")])),
            "map[a:1 c:3]"
        );
        assert_eq!(
            go(call(omit, vec![m.clone(), s("a"), s("z")])),
            "map[b:2 c:3]"
        );
        let got = call(
            pluck,
            vec![s("a"), m.clone(), d(vec![]), d(vec![("a", Value::Int(9))])],
        );
        assert_eq!(go(got), "[1 9]");
        assert_eq!(
            go(call(keys, vec![m.clone(), d(vec![("a", Value::Nil)])])),
            "[a b c a]"
        );
        assert_eq!(go(call(values, vec![m])), "[1 2 3]");
    }

    #[test]
    fn dig_like_sprig() {
        let m = d(vec![("a", d(vec![("b", Value::Int(1))]))]);
        assert_eq!(
            go(call(dig, vec![s("a"), s("b"), s("def"), m.clone()])),
            "1"
        );
        assert_eq!(
            go(call(dig, vec![s("a"), s("x"), s("def"), m.clone()])),
            "def"
        );
        assert_eq!(
            go(call(dig, vec![s("a"), m.clone()])),
            "error: dig needs at least three arguments"
        );
        let scalar = d(vec![("a", Value::Int(5))]);
        assert_eq!(
            go(call(dig, vec![s("a"), s("b"), s("def"), scalar])),
            "error: interface conversion: interface {} is int, not map[string]interface {}"
        );
        let values = Value::Map(Map {
            entries: Rc::new(RefCell::new(BTreeMap::new())),
            ty: MapType::Values,
        });
        assert_eq!(
            go(call(dig, vec![s("a"), s("d"), values])),
            "error: interface conversion: interface {} is chartutil.Values, not map[string]interface {}"
        );
        assert_eq!(
            go(call(dig, vec![Value::Int(1), s("d"), d(vec![])])),
            "error: interface conversion: interface {} is int, not string"
        );
    }

    #[test]
    fn merge_fills_missing_and_empty() {
        let dst = d(vec![
            ("a", Value::Bool(false)),
            ("b", Value::Int(0)),
            ("c", s("")),
            ("d", Value::Nil),
            ("e", Value::list(vec![])),
            ("f", d(vec![])),
        ]);
        let src = d(vec![
            ("a", Value::Bool(true)),
            ("b", Value::Int(5)),
            ("c", s("x")),
            ("d", s("y")),
            ("e", Value::list(vec![Value::Int(1)])),
            ("f", d(vec![("z", Value::Int(1))])),
        ]);
        assert_eq!(
            go(call(merge, vec![dst, src])),
            "map[a:true b:5 c:x d:y e:[1] f:map[z:1]]"
        );
        let dst = d(vec![("a", Value::Int(1)), ("b", s("x"))]);
        let src = d(vec![
            ("a", Value::Int(0)),
            ("b", s("")),
            ("c", Value::Nil),
            ("d", Value::Bool(false)),
            ("e", s("")),
        ]);
        assert_eq!(go(call(merge, vec![dst, src])), "map[a:1 b:x d:false e:]");
    }

    #[test]
    fn merge_overwrite_lets_src_win() {
        let dst = d(vec![
            ("a", Value::Bool(true)),
            ("b", Value::Int(5)),
            ("c", s("x")),
            ("e", Value::list(vec![Value::Int(1)])),
            ("f", d(vec![("z", Value::Int(1))])),
        ]);
        let src = d(vec![
            ("a", Value::Bool(false)),
            ("b", Value::Int(0)),
            ("c", s("")),
            ("e", Value::list(vec![])),
            ("f", d(vec![])),
        ]);
        assert_eq!(
            go(call(merge_overwrite, vec![dst, src])),
            "map[a:false b:0 c: e:[] f:map[z:1]]"
        );
        let got = call(merge_overwrite, vec![d(vec![]), d(vec![("a", Value::Nil)])]);
        assert_eq!(go(got), "map[a:<nil>]");
        let got = call(merge, vec![d(vec![]), d(vec![("a", Value::Nil)])]);
        assert_eq!(go(got), "map[]");
    }

    #[test]
    fn merge_shapes() {
        let map_x = || d(vec![("x", Value::Int(1))]);
        let l1 = || Value::list(vec![Value::Int(1)]);
        let cases: Vec<(Value, Value, &str, &str)> = vec![
            (s("s"), map_x(), "map[a:s]", "map[a:map[x:1]]"),
            (map_x(), s("s"), "map[a:map[x:1]]", "map[a:s]"),
            (map_x(), l1(), "map[a:map[x:1]]", "map[a:[1]]"),
            (l1(), map_x(), "map[a:[1]]", "map[a:map[x:1]]"),
            (s("s"), l1(), "map[a:s]", "map[a:[1]]"),
            (l1(), Value::list(vec![]), "map[a:[1]]", "map[a:[]]"),
            (d(vec![]), d(vec![]), "map[a:map[]]", "map[a:map[]]"),
            (
                d(vec![("b", Value::Int(1))]),
                d(vec![("b", Value::Nil)]),
                "map[a:map[b:1]]",
                "map[a:map[b:<nil>]]",
            ),
        ];
        for (dv, sv, want_merge, want_over) in cases {
            let got = call(
                merge,
                vec![
                    d(vec![("a", dv.deep_copy())]),
                    d(vec![("a", sv.deep_copy())]),
                ],
            );
            assert_eq!(go(got), want_merge);
            let got = call(
                merge_overwrite,
                vec![d(vec![("a", dv)]), d(vec![("a", sv)])],
            );
            assert_eq!(go(got), want_over);
        }
    }

    #[test]
    fn merge_keeps_and_fills_destination_maps() {
        let inner = d(vec![]);
        let dst = d(vec![("a", inner.clone())]);
        let _ = call(merge, vec![dst, d(vec![("a", map1())])]);
        assert_eq!(inner.to_go_string(), "map[x:1]");
        // A source map lands by reference where the destination had nothing.
        let src_inner = map1();
        let out = call(merge, vec![d(vec![]), d(vec![("a", src_inner.clone())])]);
        if let Ok(Value::Map(m)) = &out {
            if let Some(Value::Map(a)) = m.entries.borrow().get("a") {
                a.entries.borrow_mut().insert("y".into(), Value::Int(2));
            }
        }
        assert_eq!(src_inner.to_go_string(), "map[x:1 y:2]");
        assert_eq!(go(call(merge, vec![Value::Nil, map1()])), "map[x:1]");
    }

    fn map1() -> Value {
        d(vec![("x", Value::Int(1))])
    }

    #[test]
    fn merge_self_cycle_is_bounded() {
        let m = d(vec![]);
        let _ = call(set, vec![m.clone(), s("self"), m.clone()]);
        let got = call(merge, vec![m.clone(), m]);
        assert!(got.is_err());
    }
}
