//! Serialisation: toYaml (json.Marshal then go-yaml v2, byte for byte), toYamlPretty,
//! fromYaml, fromYamlArray, toJson, fromJson, fromJsonArray, toPrettyJson, toRawJson, toToml,
//! fromToml and the must variants.

mod data;
mod emitter;
mod resolve;
mod toml_out;
mod yaml_out;

use super::FuncDef;
use crate::value::Value;
use data::Data;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];

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
