//! Dependencies (`chartutil.ProcessDependenciesWithMerge`): aliases, `tags`, `condition`,
//! removal of disabled subcharts, and `import-values`.

use std::collections::BTreeSet;

use super::semver::is_compatible_range;
use super::values::{
    self, coalesce_tables, coalesce_values, deep_copy_map, new_map, path_value, table,
};
use super::{ChartError, Tree as Chart};
use crate::value::{Map, MapType, Value};

/// Enables or disables subcharts from the values, then imports subchart values into their
/// parents (Helm's `ProcessDependenciesWithMerge`).
pub(crate) fn process(
    chart: &mut Chart,
    user: &Map,
    warnings: &mut Vec<String>,
) -> Result<(), ChartError> {
    process_enabled(chart, user, "", warnings, 0)?;
    process_import_values(chart, warnings, 0)
}

fn process_enabled(
    c: &mut Chart,
    v: &Map,
    path: &str,
    warnings: &mut Vec<String>,
    depth: usize,
) -> Result<(), ChartError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    if depth > super::MAX_CHART_DEPTH {
        return Err(ChartError::msg("chart dependencies are nested too deeply"));
    }
    let reqs: Vec<_> = c.metadata.dependencies.iter().flatten().cloned().collect();
    let mut chart_deps: Vec<Chart> = c
        .dependencies
        .iter()
        .filter(|existing| {
            !reqs.iter().any(|r| {
                existing.name() == r.name
                    && is_compatible_range(&r.version, &existing.metadata.version)
            })
        })
        .cloned()
        .collect();
    for req in c.metadata.dependencies.iter_mut().flatten() {
        if let Some(found) = c.dependencies.iter().find(|ch| {
            ch.name() == req.name && is_compatible_range(&req.version, &ch.metadata.version)
        }) {
            let mut copy = found.clone();
            if !req.alias.is_empty() {
                copy.metadata.name.clone_from(&req.alias);
            }
            chart_deps.push(copy);
        }
        if !req.alias.is_empty() {
            req.name.clone_from(&req.alias);
        }
    }
    c.dependencies = chart_deps;
    for req in c.metadata.dependencies.iter_mut().flatten() {
        req.enabled = true;
    }
    let cvals = coalesce_values(c, Some(v), false, warnings)?;
    process_tags(c, &cvals, warnings);
    process_conditions(c, &cvals, path, warnings);
    let removed: BTreeSet<String> = c
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies.retain(|d| !removed.contains(d.name()));
    c.metadata
        .dependencies
        .retain(|d| d.as_ref().is_none_or(|d| !removed.contains(&d.name)));
    for t in &mut c.dependencies {
        let sub = format!("{path}{}.", t.name());
        process_enabled(t, &cvals, &sub, warnings, depth + 1)?;
    }
    Ok(())
}

fn process_tags(c: &mut Chart, cvals: &Map, warnings: &mut Vec<String>) {
    let Some(vt) = table(cvals, "tags") else {
        return;
    };
    for r in c.metadata.dependencies.iter_mut().flatten() {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            if let Some(b) = values::get(&vt, k) {
                match b {
                    Value::Bool(true) => has_true = true,
                    Value::Bool(false) => has_false = true,
                    _ => warnings.push(format!(
                        "Warning: Tag '{k}' for chart {} returned non-bool value",
                        r.name
                    )),
                }
            }
        }
        r.enabled = has_true || !has_false;
    }
}

fn process_conditions(c: &mut Chart, cvals: &Map, path: &str, warnings: &mut Vec<String>) {
    for r in c.metadata.dependencies.iter_mut().flatten() {
        for cond in r.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(vv) = path_value(cvals, &format!("{path}{cond}")) {
                if let Value::Bool(b) = vv {
                    r.enabled = b;
                    break;
                }
                warnings.push(format!(
                    "Warning: Condition path '{cond}' for chart {} returned non-bool value",
                    r.name
                ));
            }
        }
    }
}

fn process_import_values(
    c: &mut Chart,
    warnings: &mut Vec<String>,
    depth: usize,
) -> Result<(), ChartError> {
    if depth > super::MAX_CHART_DEPTH {
        return Err(ChartError::msg("chart dependencies are nested too deeply"));
    }
    for d in &mut c.dependencies {
        process_import_values(d, warnings, depth + 1)?;
    }
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = coalesce_values(c, None, true, warnings)?;
    let b = new_map();
    for r in c.metadata.dependencies.iter_mut().flatten() {
        let mut out = Vec::new();
        for riv in &r.import_values {
            match riv {
                Value::Map(iv) => {
                    let field = |k: &str| -> Result<String, ChartError> {
                        match values::get(iv, k) {
                            Some(Value::String(s)) => Ok(s.as_str().to_string()),
                            other => Err(ChartError::msg(format!(
                                "interface conversion: interface {{}} is {}, not string",
                                other.map_or_else(
                                    || "nil".to_string(),
                                    |v| if v.is_nil() {
                                        "nil".into()
                                    } else {
                                        v.type_name()
                                    }
                                )
                            ))),
                        }
                    };
                    let child = field("child")?;
                    let parent = field("parent")?;
                    out.push(string_map(&child, &parent));
                    let Some(vv) = table(&cvals, &format!("{}.{child}", r.name)) else {
                        warnings.push(format!(
                            "Warning: ImportValues missing table from chart {}: no table named {child:?}",
                            r.name
                        ));
                        continue;
                    };
                    coalesce_tables(&b, &path_to_map(&parent, vv), "", true, warnings);
                }
                Value::String(s) => {
                    let child = format!("exports.{}", s.as_str());
                    out.push(string_map(&child, "."));
                    let Some(vm) = table(&cvals, &format!("{}.{child}", r.name)) else {
                        warnings.push(format!("Warning: ImportValues missing table: {child}"));
                        continue;
                    };
                    coalesce_tables(&b, &vm, "", true, warnings);
                }
                _ => {}
            }
        }
        r.import_values = out;
    }
    let copy = deep_copy_map(&cvals);
    coalesce_tables(&copy, &b, "", true, warnings);
    c.values = Value::Map(copy);
    Ok(())
}

fn string_map(child: &str, parent: &str) -> Value {
    let v = Value::map(
        [
            ("child".to_string(), Value::str(child)),
            ("parent".to_string(), Value::str(parent)),
        ]
        .into_iter()
        .collect(),
    );
    match v {
        Value::Map(mut m) => {
            m.ty = MapType::String;
            Value::Map(m)
        }
        other => other,
    }
}

/// `pathToMap`: `data` nested under the dotted `path` (`.` is `data` itself).
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let m = new_map();
        values::insert(&m, part, Value::Map(cur));
        cur = m;
    }
    // A Values table is retyped as a plain map so that later merges see a table.
    if cur.ty != MapType::Any {
        cur.ty = MapType::Any;
    }
    cur
}
