//! `values.schema.json` validation, reported the way Helm 3.17 (gojsonschema) words it.

use std::fmt::Write as _;

use jsonschema::error::{TypeKind, ValidationErrorKind};

use super::values::get;
use super::Tree as Chart;
use crate::value::{Map, Value};

/// Helm's `ValidateAgainstSchema`: the chart's schema on its values, then each subchart's
/// on its section. `Err` is the text after Helm's "values don't meet..." header.
pub(crate) fn validate(chart: &Chart, values: &Map) -> Result<(), String> {
    let mut sb = String::new();
    validate_into(chart, values, &mut sb, 0);
    if sb.is_empty() {
        Ok(())
    } else {
        Err(sb)
    }
}

fn validate_into(chart: &Chart, values: &Map, sb: &mut String, depth: usize) {
    if depth > super::MAX_CHART_DEPTH {
        return;
    }
    if let Some(schema) = &chart.schema {
        if let Err(e) = validate_single(values, schema) {
            let _ = writeln!(sb, "{}:", chart.name());
            sb.push_str(&e);
        }
    }
    for sub in &chart.dependencies {
        let sub_values = match get(values, sub.name()) {
            Some(Value::Map(m)) => m,
            _ => super::values::new_map(),
        };
        validate_into(sub, &sub_values, sb, depth + 1);
    }
}

/// The JSON Helm validates: `yaml.Marshal` then `YAMLToJSON`, so integral floats become
/// integers.
pub(crate) fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Invalid | Value::Nil => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) | Value::Int64(i) => J::from(*i),
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e21 && *f >= i64::MIN as f64 && *f < i64::MAX as f64 {
                J::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f).map_or(J::Null, J::Number)
            }
        }
        Value::String(s) => J::String(s.as_str().to_string()),
        Value::Bytes(b) => J::String(super::objects::base64(b)),
        Value::List(l) => J::Array(l.items.borrow().iter().map(to_json).collect()),
        Value::Map(m) => J::Object(
            m.entries
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
        Value::Object(o) => to_json(&o.to_data()),
    }
}

fn validate_single(values: &Map, schema: &[u8]) -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_slice(schema).map_err(|e| e.to_string())?;
    let validator = jsonschema::validator_for(&schema).map_err(|e| e.to_string())?;
    let instance = to_json(&Value::Map(values.clone()));
    let mut out = String::new();
    for err in validator.iter_errors(&instance) {
        let pointer = err.instance_path().as_str().to_string();
        let field = if pointer.is_empty() {
            "(root)".to_string()
        } else {
            pointer
                .trim_start_matches('/')
                .split('/')
                .map(|p| p.replace("~1", "/").replace("~0", "~"))
                .collect::<Vec<_>>()
                .join(".")
        };
        let _ = writeln!(out, "- {field}: {}", describe(err.kind(), err.instance()));
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) => {
            if n.is_f64() {
                "number"
            } else {
                "integer"
            }
        }
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// gojsonschema's English descriptions.
fn describe(kind: &ValidationErrorKind, instance: &serde_json::Value) -> String {
    use ValidationErrorKind as K;
    let list = |v: &serde_json::Value| match v {
        serde_json::Value::Array(a) => a
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    match kind {
        K::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            format!(
                "Invalid type. Expected: {expected}, given: {}",
                json_type(instance)
            )
        }
        K::Required { property } => {
            format!(
                "{} is required",
                property.as_str().unwrap_or(&property.to_string())
            )
        }
        K::Enum { options } => format!("must be one of the following: {}", list(options)),
        K::Constant { expected_value } => format!("does not match: {expected_value}"),
        K::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|p| format!("Additional property {p} is not allowed"))
            .collect::<Vec<_>>()
            .join(", "),
        K::Minimum { limit } => format!("Must be greater than or equal to {limit}"),
        K::Maximum { limit } => format!("Must be less than or equal to {limit}"),
        K::ExclusiveMinimum { limit } => format!("Must be greater than {limit}"),
        K::ExclusiveMaximum { limit } => format!("Must be less than {limit}"),
        K::MinLength { limit } => {
            format!("String length must be greater than or equal to {limit}")
        }
        K::MaxLength { limit } => format!("String length must be less than or equal to {limit}"),
        K::Pattern { pattern } => format!("Does not match pattern '{pattern}'"),
        K::Format { format } => format!("Does not match format '{format}'"),
        K::MinItems { limit } => format!("Array must have at least {limit} items"),
        K::MaxItems { limit } => format!("Array must have at most {limit} items"),
        K::MinProperties { limit } => format!("Must have at least {limit} properties"),
        K::MaxProperties { limit } => format!("Must have at most {limit} properties"),
        K::UniqueItems => "array items must be unique".into(),
        K::AnyOf { .. } => "Must validate at least one schema (anyOf)".into(),
        K::OneOfNotValid { .. } | K::OneOfMultipleValid { .. } => {
            "Must validate one and only one schema (oneOf)".into()
        }
        K::Not { .. } => "Must not validate the schema (not)".into(),
        K::FalseSchema => "False always fails validation".into(),
        K::Contains => "At least one of the items must match".into(),
        K::AdditionalItems { .. } => "No additional items allowed on array".into(),
        other => format!("{other:?}"),
    }
}
