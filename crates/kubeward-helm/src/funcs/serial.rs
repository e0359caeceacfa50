//! Serialisation: toYaml (json.Marshal then go-yaml v2, byte for byte), toYamlPretty,
//! fromYaml, fromYamlArray, toJson, fromJson, fromJsonArray, toPrettyJson, toRawJson, toToml,
//! fromToml and the must variants.

mod data;
mod emitter;
mod json_in;
mod resolve;
mod toml_out;
mod yaml_out;

use super::{FuncDef, Sig, Ty};
use crate::value::Value;
use data::Data;

const ANY: Sig = Sig::fixed(&[Ty::Any]);
const STRING: Sig = Sig::fixed(&[Ty::String]);

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("toYaml", ANY, |_, a| Ok(Value::str(to_yaml(arg(&a))))),
    FuncDef::new("toYamlPretty", ANY, |_, a| {
        Ok(Value::str(to_yaml_pretty(arg(&a))))
    }),
    FuncDef::new("fromYaml", STRING, |_, a| Ok(from_yaml(str_arg(&a)))),
    FuncDef::new("fromYamlArray", STRING, |_, a| {
        Ok(from_yaml_array(str_arg(&a)))
    }),
    FuncDef::new("toJson", ANY, |_, a| Ok(Value::str(to_json(arg(&a))))),
    FuncDef::new("mustToJson", ANY, |_, a| {
        marshal_json(arg(&a), true, false).map(Value::str)
    }),
    FuncDef::new("toPrettyJson", ANY, |_, a| {
        Ok(Value::str(to_pretty_json(arg(&a))))
    }),
    FuncDef::new("mustToPrettyJson", ANY, |_, a| {
        marshal_json(arg(&a), true, true).map(Value::str)
    }),
    // Sprig's toRawJson panics on error; the template call fails with the same text.
    FuncDef::new("toRawJson", ANY, |_, a| {
        to_raw_json(arg(&a)).map(Value::str)
    }),
    FuncDef::new("mustToRawJson", ANY, |_, a| {
        to_raw_json(arg(&a)).map(Value::str)
    }),
    FuncDef::new("fromJson", STRING, |_, a| Ok(from_json(str_arg(&a)))),
    FuncDef::new("fromJsonArray", STRING, |_, a| {
        Ok(from_json_array(str_arg(&a)))
    }),
    FuncDef::new("mustFromJson", STRING, |_, a| json_in::parse(str_arg(&a))),
    FuncDef::new("toToml", ANY, |_, a| to_toml(arg(&a)).map(Value::str)),
    FuncDef::new("fromToml", STRING, |_, a| Ok(from_toml(str_arg(&a)))),
];

fn arg(args: &[Value]) -> &Value {
    args.first().unwrap_or(&Value::Nil)
}

fn str_arg(args: &[Value]) -> &str {
    args.first().and_then(Value::as_str).unwrap_or("")
}

/// A map holding only `Error: message`, as Helm's `from*` functions return on failure.
fn error_map(message: String) -> Value {
    let mut m = std::collections::BTreeMap::new();
    m.insert("Error".to_string(), Value::str(message));
    Value::map(m)
}

/// Helm's `fromJson`: a JSON object as a map; `{"Error": message}` otherwise.
#[must_use]
pub fn from_json(text: &str) -> Value {
    match json_in::parse(text) {
        Ok(v @ Value::Map(_)) => v,
        Ok(Value::Nil) => Value::empty_map(),
        Ok(other) => error_map(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_in::kind_name(&other)
        )),
        Err(e) => error_map(e),
    }
}

/// Helm's `fromJsonArray`: a JSON array as a list; `[message]` otherwise.
#[must_use]
pub fn from_json_array(text: &str) -> Value {
    match json_in::parse(text) {
        Ok(v @ Value::List(_)) => v,
        Ok(Value::Nil) => Value::list(Vec::new()),
        Ok(other) => Value::list(vec![Value::str(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_in::kind_name(&other)
        ))]),
        Err(e) => Value::list(vec![Value::str(e)]),
    }
}

/// `sigs.k8s.io/yaml.Unmarshal` into `interface {}`: the value, or Go's error text.
fn yaml_unmarshal(text: &str) -> Result<Value, String> {
    let node = kubeward_yaml::decode_document(text.as_bytes()).map_err(|e| {
        format!(
            "error converting YAML to JSON: {}",
            go_yaml_message(&e.message, e.pos, text.as_bytes())
        )
    })?;
    let value = node.as_ref().map_or(Value::Nil, Value::from_yaml);
    if let Some(bad) = non_finite(&value, 0) {
        return Err(format!(
            "error converting YAML to JSON: json: unsupported value: {}",
            crate::value::format_float(bad)
        ));
    }
    Ok(value)
}

/// The first NaN or infinity in `value` (JSON cannot carry them).
fn non_finite(value: &Value, depth: usize) -> Option<f64> {
    if depth > 1000 {
        return None;
    }
    match value {
        Value::Float(f) if !f.is_finite() => Some(*f),
        Value::List(l) => l
            .items
            .borrow()
            .iter()
            .find_map(|v| non_finite(v, depth + 1)),
        Value::Map(m) => m
            .entries
            .borrow()
            .values()
            .find_map(|v| non_finite(v, depth + 1)),
        _ => None,
    }
}

/// go-yaml v2's wording of a `kubeward_yaml` error at 1-based `line`. `kubeward_yaml`
/// gives libyaml's problem followed by its context (`... while scanning a quoted scalar`)
/// and words JSON conversion failures `yaml: json: ...`; go-yaml prints the problem alone,
/// after `line N: ` where N is the problem's 0-based line, plus one for scanner errors,
/// and nothing on the first line (`yaml.v2 parser.fail`). At the end of an input whose
/// last line has no line break, libyaml's stream end is on the next line.
pub(crate) fn go_yaml_message(message: &str, pos: kubeward_yaml::Pos, input: &[u8]) -> String {
    if let Some(json) = message.strip_prefix("yaml: json: ") {
        return format!("json: {json}");
    }
    let Some(text) = message.strip_prefix("yaml: ") else {
        return message.to_string();
    };
    let (problem, context) = text.split_once(" while ").unwrap_or((text, ""));
    // libyaml-safer words the scanner's quoted-scalar context "while parsing".
    let parser_error = (context.starts_with("parsing") && !context.contains("quoted scalar"))
        || problem.starts_with("did not find expected <document start>")
        || problem.starts_with("found duplicate %")
        || problem.starts_with("found incompatible YAML document");
    // Errors found while building values (unknown anchors, bad `!!int`...) carry no line.
    let from_libyaml = [
        "found ",
        "did not find ",
        "could not find ",
        "mapping values are not allowed",
        "mapping keys are not allowed",
        "block sequence entries are not allowed",
        "control characters are not allowed",
        "invalid ",
        "input is too long",
    ]
    .iter()
    .any(|p| problem.starts_with(p));
    if !from_libyaml {
        return format!("yaml: {problem}");
    }
    let mut line0 = pos.line.saturating_sub(1);
    if parser_error && pos.offset >= input.len() && input.last().is_some_and(|&b| b != b'\n') {
        line0 += 1;
    }
    let shown = if parser_error { line0 } else { line0 + 1 };
    if line0 == 0 {
        format!("yaml: {problem}")
    } else {
        format!("yaml: line {shown}: {problem}")
    }
}

/// Helm's `fromYaml`: a YAML mapping as a map; `{"Error": message}` otherwise.
#[must_use]
pub fn from_yaml(text: &str) -> Value {
    match yaml_unmarshal(text) {
        Ok(v @ Value::Map(_)) => v,
        Ok(Value::Nil) => Value::empty_map(),
        Ok(other) => error_map(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_in::kind_name(&other)
        )),
        Err(e) => error_map(e),
    }
}

/// Helm's `fromYamlArray`: a YAML sequence as a list; `[message]` otherwise.
#[must_use]
pub fn from_yaml_array(text: &str) -> Value {
    match yaml_unmarshal(text) {
        Ok(v @ Value::List(_)) => v,
        Ok(Value::Nil) => Value::list(Vec::new()),
        Ok(other) => Value::list(vec![Value::str(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_in::kind_name(&other)
        ))]),
        Err(e) => Value::list(vec![Value::str(e)]),
    }
}

/// Helm's `toYaml`: `sigs.k8s.io/yaml.Marshal` (Go's `encoding/json`, then go-yaml v2), with
/// the final newline trimmed; an error gives `""`. Used by `.Files.AsConfig` too.
#[must_use]
pub fn to_yaml(value: &Value) -> String {
    let Ok(data) = Data::from_value(value) else {
        return String::new();
    };
    let Some(mut text) = yaml_out::marshal_v2(&data) else {
        return String::new();
    };
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// `json.Marshal` with the given layout, or Go's error.
fn marshal_json(value: &Value, escape_html: bool, indent: bool) -> Result<String, String> {
    let data = Data::from_value(value)?;
    Ok(data::write_json(
        &data,
        data::JsonStyle {
            escape_html,
            indent,
        },
    ))
}

/// Helm's `toJson` (and Sprig's): `json.Marshal`, `""` on error.
#[must_use]
pub fn to_json(value: &Value) -> String {
    marshal_json(value, true, false).unwrap_or_default()
}

/// Sprig's `toPrettyJson`: `json.MarshalIndent(v, "", "  ")`, `""` on error.
#[must_use]
pub fn to_pretty_json(value: &Value) -> String {
    marshal_json(value, true, true).unwrap_or_default()
}

/// Sprig's `mustToRawJson` (and `toRawJson`, which panics with the same error): JSON
/// without HTML escaping.
///
/// # Errors
///
/// Go's marshalling error (`json: unsupported value: NaN`).
pub fn to_raw_json(value: &Value) -> Result<String, String> {
    marshal_json(value, false, false)
}

/// Helm's `toToml`: the TOML text, or the encoder's error text.
///
/// # Errors
///
/// A Go runtime panic inside the encoder (a nil value), which fails the template call.
pub fn to_toml(value: &Value) -> Result<String, String> {
    match toml_out::encode(value) {
        Ok(text) => Ok(text),
        Err(toml_out::TomlError::Encode(msg)) => Ok(msg),
        Err(toml_out::TomlError::Panic(msg)) => Err(msg),
    }
}

/// Helm's `toYamlPretty`: go-yaml v3's encoder with two-space indentation, final newline
/// trimmed; `""` on error.
#[must_use]
pub fn to_yaml_pretty(value: &Value) -> String {
    let Some(mut text) = yaml_out::marshal_v3(value) else {
        return String::new();
    };
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// Helm's `fromToml` (BurntSushi/toml into `map[string]interface {}`): integers are
/// `int64`, floats `float64`, dates their TOML text; `{"Error": message}` on failure (the
/// message is worded after BurntSushi's `toml: line N: …` but not identical).
#[must_use]
pub fn from_toml(text: &str) -> Value {
    match text.parse::<toml_edit::DocumentMut>() {
        Ok(doc) => toml_table(doc.as_table().iter()),
        Err(e) => {
            let line = e.span().map_or(1, |s| {
                text.get(..s.start)
                    .map_or(1, |t| t.matches('\n').count() + 1)
            });
            error_map(format!("toml: line {line}: {}", e.message().trim_end()))
        }
    }
}

fn toml_table<'a>(entries: impl Iterator<Item = (&'a str, &'a toml_edit::Item)>) -> Value {
    Value::map(
        entries
            .filter_map(|(k, item)| toml_item(item).map(|v| (k.to_string(), v)))
            .collect(),
    )
}

fn toml_item(item: &toml_edit::Item) -> Option<Value> {
    Some(match item {
        toml_edit::Item::None => return None,
        toml_edit::Item::Value(v) => toml_value(v),
        toml_edit::Item::Table(t) => toml_table(t.iter()),
        toml_edit::Item::ArrayOfTables(a) => {
            Value::list(a.iter().map(|t| toml_table(t.iter())).collect())
        }
    })
}

fn toml_value(value: &toml_edit::Value) -> Value {
    use toml_edit::Value as T;
    match value {
        T::String(s) => Value::str(s.value().as_str()),
        T::Integer(i) => Value::Int64(*i.value()),
        T::Float(f) => Value::Float(*f.value()),
        T::Boolean(b) => Value::Bool(*b.value()),
        T::Datetime(d) => Value::str(d.value().to_string()),
        T::Array(a) => Value::list(a.iter().map(toml_value).collect()),
        T::InlineTable(t) => Value::map(
            t.iter()
                .map(|(k, v)| (k.to_string(), toml_value(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(yaml: &str) -> Value {
        kubeward_yaml::decode_document(yaml.as_bytes())
            .ok()
            .flatten()
            .map_or(Value::Nil, |n| Value::from_yaml(&n))
    }

    // Expected strings below were produced by Helm 3.17.3's functions (Go) on the same input.

    #[test]
    fn to_yaml_matches_go_yaml_v2() {
        let v = values(
            "{image: {repository: nginx, tag: \"1.25\", pullPolicy: IfNotPresent}, replicas: 3, \
             ports: [80, 443], enabled: yes, annotations: {}, list: [], nothing: null, s: \"yes\", \
             octal: \"0755\", time: \"1:20\", empty: \"\", sp: \" lead\", colon: \"a: b\", \
             star: \"*x\", multi: \"line1\\nline2\\n\", keep: \"a\\n\\n\", strip: \"a\\nb\", \
             tab: \"a\\tb\", big: 1000000, huge: 1e21, frac: 0.1, item10: 1, item2: 2, aB: 1, a_b: 2}",
        );
        assert_eq!(
            to_yaml(&v),
            "a_b: 2\naB: 1\nannotations: {}\nbig: 1000000\ncolon: 'a: b'\nempty: \"\"\n\
             enabled: true\nfrac: 0.1\nhuge: 1e+21\nimage:\n  pullPolicy: IfNotPresent\n  \
             repository: nginx\n  tag: \"1.25\"\nitem2: 2\nitem10: 1\nkeep: |+\n  a\n\n\
             list: []\nmulti: |\n  line1\n  line2\nnothing: null\noctal: \"0755\"\nports:\n\
             - 80\n- 443\nreplicas: 3\ns: \"yes\"\nsp: ' lead'\nstar: '*x'\nstrip: |-\n  a\n  b\n\
             tab: \"a\\tb\"\ntime: \"1:20\""
        );
        let v = values(
            "{long: \"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod \
             tempor incididunt ut labore et dolore magna aliqua.\", nested: [{name: a, value: \
             [1, 2]}, {name: b}], deep: [[a, b], [c]]}",
        );
        assert_eq!(
            to_yaml(&v),
            "deep:\n- - a\n  - b\n- - c\nlong: Lorem ipsum dolor sit amet, consectetur \
             adipiscing elit, sed do eiusmod tempor\n  incididunt ut labore et dolore magna \
             aliqua.\nnested:\n- name: a\n  value:\n  - 1\n  - 2\n- name: b"
        );
        assert_eq!(to_yaml(&Value::Nil), "null");
        assert_eq!(to_yaml(&Value::Float(f64::NAN)), "");
        assert_eq!(to_yaml(&Value::str("x\u{7f}")), "");
        assert_eq!(to_yaml(&Value::str("emoji 😀")), "\"emoji \\U0001F600\"");
    }

    #[test]
    fn json_family() {
        let v = values("{b: [1.5, \"<x>\", null], a: 1000000, c: \"\\u2028\"}");
        assert_eq!(
            to_json(&v),
            "{\"a\":1000000,\"b\":[1.5,\"\\u003cx\\u003e\",null],\"c\":\"\\u2028\"}"
        );
        assert_eq!(
            to_raw_json(&v).as_deref(),
            Ok("{\"a\":1000000,\"b\":[1.5,\"<x>\",null],\"c\":\"\\u2028\"}")
        );
        assert_eq!(
            to_pretty_json(&values("{a: [], b: {}, c: [1]}")),
            "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1\n  ]\n}"
        );
        assert_eq!(
            to_raw_json(&Value::Float(f64::INFINITY)),
            Err("json: unsupported value: +Inf".to_string())
        );
    }

    #[test]
    fn from_functions_report_errors_like_helm() {
        let err = |v: Value| {
            v.as_map()
                .and_then(|m| m.entries.borrow().get("Error").cloned())
        };
        assert_eq!(
            err(from_yaml("- a"))
                .and_then(|e| e.as_str().map(str::to_string))
                .as_deref(),
            Some(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array \
                 into Go value of type map[string]interface {}"
            )
        );
        assert_eq!(
            err(from_yaml("a:\n  - b\n c: d\n"))
                .and_then(|e| e.as_str().map(str::to_string))
                .as_deref(),
            Some("error converting YAML to JSON: yaml: line 2: did not find expected key")
        );
        assert_eq!(
            err(from_json("{a: 1}"))
                .and_then(|e| e.as_str().map(str::to_string))
                .as_deref(),
            Some("invalid character 'a' looking for beginning of object key string")
        );
        assert_eq!(
            json_in::parse("tru").err().as_deref(),
            Some("invalid character ' ' in literal true (expecting 'e')")
        );
        assert_eq!(
            to_json(&from_yaml("a: 0755\nb: on\nc: 1_000\n")),
            "{\"a\":493,\"b\":true,\"c\":1000}"
        );
        assert_eq!(to_json(&from_json_array("[1, \"x\"]")), "[1,\"x\"]");
    }

    #[test]
    fn toml_like_burntsushi() {
        let v = values("{b: 1, a: {x: 1, w: {z: [1, 2]}}, arr: [{m: 1}, {m: 3}], s: \"q\\\"\"}");
        assert_eq!(
            to_toml(&v).as_deref(),
            Ok(
                "b = 1.0\ns = \"q\\\"\"\n\n[a]\n  x = 1.0\n  [a.w]\n    z = [1.0, 2.0]\n\n\
                [[arr]]\n  m = 1.0\n\n[[arr]]\n  m = 3.0\n"
            )
        );
        assert_eq!(
            to_toml(&values("{a: [], b: {}, c: [1]}")).as_deref(),
            Ok("a = []\nc = [1.0]\n\n[b]\n")
        );
        assert_eq!(
            to_toml(&values("{a: [1, null]}")).as_deref(),
            Ok("toml: cannot encode array with nil element")
        );
        assert_eq!(
            to_json(&from_toml("a = 1\n[t]\nb = \"x\"\n")),
            "{\"a\":1,\"t\":{\"b\":\"x\"}}"
        );
    }

    #[test]
    fn pretty_yaml_is_go_yaml_v3() {
        let v = values("{b: [x, \"yes\"], a: 1000000, t: \"a\\tb\\nc\"}");
        assert_eq!(
            to_yaml_pretty(&v),
            "a: 1e+06\nb:\n  - x\n  - \"yes\"\nt: |-\n  a\tb\n  c"
        );
    }
}
