//! Serialisation: toYaml (json.Marshal then go-yaml v2, byte for byte), toYamlPretty, fromYaml, fromYamlArray, toJson, fromJson, fromJsonArray, toPrettyJson, toRawJson, toToml, fromToml and the must variants.

use super::FuncDef;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[];
