//! Values: reading values files, merging `-f` files and the `--set` family (Helm's
//! `values.Options.MergeValues`), and coalescing user values with chart defaults (Helm's
//! `chartutil.CoalesceValues`/`MergeValues`, `coalesce.go`).
//!
//! Maps are Go maps: shared and mutated in place where Helm mutates them. Entries are read
//! out before recursing, so aliased maps never hold a borrow across a mutation.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::strvals::{self, Mode};
use super::{ChartError, RenderOptions, Tree as Chart};
use crate::value::{Map, MapType, Value};

/// Helm's key for global values.
pub(crate) const GLOBAL_KEY: &str = "global";

/// A new `map[string]interface {}`.
pub(crate) fn new_map() -> Map {
    Map {
        entries: Rc::new(RefCell::new(BTreeMap::new())),
        ty: MapType::Any,
    }
}

/// Go's `istable`: a `map[string]interface {}` (a `chartutil.Values` is not one).
pub(crate) fn as_table(v: &Value) -> Option<&Map> {
    match v {
        Value::Map(m) if m.ty == MapType::Any => Some(m),
        _ => None,
    }
}

/// A snapshot of a map's entries, so callers can mutate maps while walking.
pub(crate) fn entries(m: &Map) -> Vec<(String, Value)> {
    m.entries
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub(crate) fn get(m: &Map, k: &str) -> Option<Value> {
    m.entries.borrow().get(k).cloned()
}

pub(crate) fn insert(m: &Map, k: &str, v: Value) {
    m.entries.borrow_mut().insert(k.to_string(), v);
}

fn remove(m: &Map, k: &str) {
    m.entries.borrow_mut().remove(k);
}

/// A deep copy of a map (`copystructure.Copy`).
pub(crate) fn deep_copy_map(m: &Map) -> Map {
    match Value::Map(m.clone()).deep_copy() {
        Value::Map(c) => c,
        _ => new_map(),
    }
}

/// Reads a YAML document into a `map[string]interface {}` as `sigs.k8s.io/yaml.Unmarshal`
/// does; `null` or an empty document gives an empty map.
pub(crate) fn read_values(data: &[u8]) -> Result<Map, String> {
    decode_values(data).map(|node| values_from_node(node.as_ref()))
}

/// The checks of [`read_values`] without building the map: the decoded document, `None`
/// for an empty document, or the error.
pub(crate) fn decode_values(data: &[u8]) -> Result<Option<kubeward_yaml::Node>, String> {
    use kubeward_yaml::Value as Y;
    let data = data.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(data);
    match kubeward_yaml::decode_document(data) {
        Err(e) => Err(format!(
            "error converting YAML to JSON: {}",
            crate::funcs::serial::go_yaml_message(&e.message, e.pos, data)
        )),
        Ok(None) => Ok(None),
        Ok(Some(node)) => match &node.value {
            Y::Map(_) | Y::Null => Ok(Some(node)),
            _ => Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&Value::from_yaml(&node))
            )),
        },
    }
}

/// The map of a document [`decode_values`] accepted.
pub(crate) fn values_from_node(node: Option<&kubeward_yaml::Node>) -> Map {
    match node.map(Value::from_yaml) {
        Some(Value::Map(m)) => m,
        _ => new_map(),
    }
}

/// The JSON kind `encoding/json` names in its errors.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Float(_) => "number",
        _ => "null",
    }
}

/// Helm's `mergeMaps` (`-f` files): `b` wins, maps merge recursively into new maps.
pub(crate) fn merge_maps(a: &Map, b: &Map) -> Map {
    let out = new_map();
    for (k, v) in entries(a) {
        insert(&out, &k, v);
    }
    for (k, v) in entries(b) {
        if let Some(vm) = as_table(&v) {
            if let Some(existing) = get(&out, &k) {
                if let Some(em) = as_table(&existing) {
                    let merged = merge_maps(em, vm);
                    insert(&out, &k, Value::Map(merged));
                    continue;
                }
            }
        }
        insert(&out, &k, v);
    }
    out
}

/// The user-supplied values (`values.Options.MergeValues`): `-f` files in order, then
/// `--set-json`, `--set`, `--set-string`, `--set-file`, `--set-literal`.
pub(crate) fn user_values(opts: &RenderOptions) -> Result<Map, ChartError> {
    let mut base = new_map();
    for (name, text) in &opts.values {
        let current = read_values(text.as_bytes())
            .map_err(|e| ChartError::msg(format!("failed to parse {name}: {e}")))?;
        base = merge_maps(&base, &current);
    }
    for value in &opts.set_json {
        strvals::parse_into(value, &base, Mode::Json)
            .map_err(|_| ChartError::msg(format!("failed parsing --set-json data {value}")))?;
    }
    for value in &opts.set {
        strvals::parse_into(value, &base, Mode::Typed(false))
            .map_err(|e| ChartError::msg(format!("failed parsing --set data: {e}")))?;
    }
    for value in &opts.set_string {
        strvals::parse_into(value, &base, Mode::Typed(true))
            .map_err(|e| ChartError::msg(format!("failed parsing --set-string data: {e}")))?;
    }
    for (key, content) in &opts.set_file {
        let arg = format!("{key}=_");
        strvals::parse_into(&arg, &base, Mode::File(content))
            .map_err(|e| ChartError::msg(format!("failed parsing --set-file data: {e}")))?;
    }
    for value in &opts.set_literal {
        strvals::parse_into(value, &base, Mode::Literal)
            .map_err(|e| ChartError::msg(format!("failed parsing --set-literal data: {e}")))?;
    }
    Ok(base)
}

/// `chartutil.CoalesceValues` (`merge == false`) or `chartutil.MergeValues`
/// (`merge == true`): a copy of `vals` completed with the chart's and its subcharts'
/// defaults.
pub(crate) fn coalesce_values(
    chart: &Chart,
    vals: Option<&Map>,
    merge: bool,
    warnings: &mut Vec<String>,
) -> Result<Map, ChartError> {
    let copy = vals.map_or_else(new_map, deep_copy_map);
    coalesce(chart, &copy, "", merge, warnings)?;
    Ok(copy)
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn coalesce(
    chart: &Chart,
    dest: &Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) -> Result<(), ChartError> {
    coalesce_chart_values(chart, dest, prefix, merge, warnings);
    coalesce_deps(chart, dest, prefix, merge, warnings)
}

fn coalesce_deps(
    chart: &Chart,
    dest: &Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) -> Result<(), ChartError> {
    for sub in &chart.dependencies {
        let name = sub.name();
        let dv = match get(dest, name) {
            None => {
                let m = new_map();
                insert(dest, name, Value::Map(m.clone()));
                m
            }
            Some(v) => match as_table(&v) {
                Some(m) => m.clone(),
                None => {
                    return Err(ChartError::msg(format!(
                        "type mismatch on {name}: %!t({}={})",
                        v.type_name(),
                        v.to_go_string()
                    )))
                }
            },
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(&dv, dest, &sub_prefix, warnings);
        coalesce(sub, &dv, &sub_prefix, merge, warnings)?;
        insert(dest, name, Value::Map(dv));
    }
    Ok(())
}

fn coalesce_globals(dest: &Map, src: &Map, prefix: &str, warnings: &mut Vec<String>) {
    let dg = match get(dest, GLOBAL_KEY) {
        None => new_map(),
        Some(v) => {
            if let Some(m) = as_table(&v) {
                m.clone()
            } else {
                warnings.push(format!(
                    "warning: skipping globals because destination {GLOBAL_KEY} is not a table."
                ));
                return;
            }
        }
    };
    let sg = match get(src, GLOBAL_KEY) {
        None => new_map(),
        Some(v) => {
            if let Some(m) = as_table(&v) {
                m.clone()
            } else {
                warnings.push(format!(
                    "warning: skipping globals because source {GLOBAL_KEY} is not a table."
                ));
                return;
            }
        }
    };
    for (key, val) in entries(&sg) {
        if let Some(vm) = as_table(&val) {
            // A shallow copy, as Helm's copyMap: nested maps stay shared.
            let vv = new_map();
            for (k, v) in entries(vm) {
                insert(&vv, &k, v);
            }
            match get(&dg, &key) {
                None => insert(&dg, &key, Value::Map(vv)),
                Some(destv) => {
                    if let Some(dm) = as_table(&destv) {
                        let sub_prefix = concat_prefix(prefix, &key);
                        coalesce_tables(&vv, dm, &sub_prefix, true, warnings);
                        insert(&dg, &key, Value::Map(vv));
                    } else {
                        warnings.push(format!(
                            "Conflict: cannot merge map onto non-map for {key:?}. Skipping."
                        ));
                    }
                }
            }
        } else if get(&dg, &key).is_some_and(|dv| as_table(&dv).is_some()) {
            warnings.push(format!("key {key} is table. Skipping"));
        } else {
            insert(&dg, &key, val);
        }
    }
    insert(dest, GLOBAL_KEY, Value::Map(dg));
}

fn coalesce_chart_values(
    chart: &Chart,
    v: &Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) {
    let sub_prefix = concat_prefix(prefix, chart.name());
    let vc = deep_copy_map(&chart.values_map());
    for (key, val) in entries(&vc) {
        match get(v, &key) {
            Some(value) => {
                if value.is_nil() && !merge {
                    remove(v, &key);
                } else if let Some(dest) = as_table(&value) {
                    if let Some(src) = as_table(&val) {
                        let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                        coalesce_tables(
                            dest,
                            src,
                            &concat_prefix(&sub_prefix, &key),
                            merge,
                            warnings,
                        );
                    } else if !val.is_nil() {
                        warnings.push(format!(
                            "warning: skipped value for {sub_prefix}.{key}: Not a table."
                        ));
                    }
                }
            }
            None => insert(v, &key, val),
        }
    }
}

/// `coalesceTablesFullKey`: fills `dst` with what `src` has and `dst` lacks.
pub(crate) fn coalesce_tables(
    dst: &Map,
    src: &Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Vec<String>,
) {
    for (key, val) in entries(src) {
        let full = concat_prefix(prefix, &key);
        match get(dst, &key) {
            Some(dv) if !merge && dv.is_nil() => remove(dst, &key),
            None => insert(dst, &key, val),
            Some(dv) => {
                if let Some(vm) = as_table(&val) {
                    if let Some(dm) = as_table(&dv) {
                        coalesce_tables(dm, vm, &full, merge, warnings);
                    } else {
                        warnings.push(format!(
                            "warning: cannot overwrite table with non table for {full} ({})",
                            val.to_go_string()
                        ));
                    }
                } else if as_table(&dv).is_some() && !val.is_nil() {
                    warnings.push(format!(
                        "warning: destination for {full} is a table. Ignoring non-table value ({})",
                        val.to_go_string()
                    ));
                }
            }
        }
    }
}

/// `Values.Table`: the map at a dotted path (maps of either Go type).
pub(crate) fn table(root: &Map, path: &str) -> Option<Map> {
    let mut cur = root.clone();
    for part in path.split('.') {
        let next = get(&cur, part)?;
        match next {
            Value::Map(m) if m.ty != MapType::String => cur = m,
            _ => return None,
        }
    }
    Some(cur)
}

/// `Values.PathValue`: the non-table value at a dotted path.
pub(crate) fn path_value(root: &Map, path: &str) -> Option<Value> {
    if path.is_empty() {
        return None;
    }
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last()?;
    let t = if parents.is_empty() {
        root.clone()
    } else {
        table(root, &parents.join("."))?
    };
    let v = get(&t, last)?;
    if as_table(&v).is_some() {
        return None;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Map {
        read_values(s.as_bytes()).unwrap_or_else(|_| new_map())
    }

    #[test]
    fn merge_maps_is_deep_and_later_wins() {
        let a = yaml("a: {b: 1, c: 2}\nl: [1]\n");
        let b = yaml("a: {c: 3}\nl: [2, 3]\n");
        let m = merge_maps(&a, &b);
        assert_eq!(Value::Map(m).to_go_string(), "map[a:map[b:1 c:3] l:[2 3]]");
    }

    #[test]
    fn values_file_must_be_a_map() {
        assert_eq!(
            read_values(b"- a\n").err().as_deref(),
            Some("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}")
        );
        assert!(read_values(b"").is_ok_and(|m| m.entries.borrow().is_empty()));
    }
}
