//! Local differential harness (not committed).
use crate::value::Value;

#[test]
#[ignore = "needs SERIAL_DIFF_IN"]
fn dump() {
    let Ok(path) = std::env::var("SERIAL_DIFF_IN") else { return };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let inputs: Vec<String> = serde_json::from_str(&text).unwrap_or_default();
    let mut out = Vec::new();
    for input in inputs {
        let mut r = serde_json::Map::new();
        let node = kubeward_yaml::decode_document(input.as_bytes());
        let v = match node {
            Ok(Some(n)) => Value::from_yaml(&n),
            _ => { out.push(serde_json::Value::Object(r)); continue; }
        };
        let v = v.as_map().and_then(|m| m.entries.borrow().get("v").cloned()).unwrap_or(Value::Nil);
        r.insert("toYaml".into(), super::to_yaml(&v).into());
        r.insert("toJson".into(), super::to_json(&v).into());
        r.insert("toPrettyJson".into(), super::to_pretty_json(&v).into());
        r.insert("toRawJson".into(), super::to_raw_json(&v).unwrap_or_else(|e| format!("panic: {e}")).into());
        r.insert("toYamlPretty".into(), super::to_yaml_pretty(&v).into());
        r.insert("toToml".into(), super::to_toml(&v).unwrap_or_else(|e| format!("PANIC: {e}")).into());
        out.push(serde_json::Value::Object(r));
    }
    let _ = std::fs::write(format!("{path}.rust"), serde_json::to_string_pretty(&out).unwrap_or_default());
}
