//! Serialisation: toYaml (json.Marshal then go-yaml v2, byte for byte), toYamlPretty,
//! fromYaml, fromYamlArray, toJson, fromJson, fromJsonArray, toPrettyJson, toRawJson, toToml,
//! fromToml and the must variants.

use super::FuncDef;
use crate::value::Value;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];

/// Helm's `toYaml`: `sigs.k8s.io/yaml.Marshal` (Go's `encoding/json`, then go-yaml v2), with
/// the final newline trimmed; an error gives `""`. Used by `.Files.AsConfig` too.
#[must_use]
pub fn to_yaml(value: &Value) -> String {
    let _ = value;
    String::new()
}
