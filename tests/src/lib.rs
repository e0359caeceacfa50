//! Shared helpers for kubeward's conformance and end-to-end suites.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The Kubernetes decoding cases (`tests/k8s-yaml/*.yaml`), sorted.
#[must_use]
pub fn k8s_yaml_cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("k8s-yaml");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    cases.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    cases.sort();
    cases
}

/// What Kubernetes does with a case, from its `.expected.json`.
pub struct Expected {
    /// The documents kubectl reads (when it accepts the input).
    pub documents: Vec<Value>,
    /// Whether Kubernetes rejects the input (or reads it nondeterministically).
    pub rejects: bool,
    /// Whether a key is set twice in some mapping.
    pub duplicate_keys: bool,
}

/// Reads the expected result of `case`.
///
/// # Errors
/// When the expected file is missing or is not JSON.
pub fn expected(case: &Path) -> Result<Expected, String> {
    let bytes = std::fs::read(case.with_extension("expected.json")).map_err(|e| e.to_string())?;
    let value = parse_json(&bytes)?;
    let flag = |name: &str| value.get(name) == Some(&Value::Bool(true));
    Ok(Expected {
        documents: value["documents"].as_array().cloned().unwrap_or_default(),
        rejects: value.get("error").is_some() || flag("nondeterministicKeys"),
        duplicate_keys: flag("duplicateKeys"),
    })
}

/// Parses JSON of any depth (some cases nest 10 000 levels).
///
/// # Errors
/// When `bytes` is not JSON.
pub fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    reader.disable_recursion_limit();
    serde::Deserialize::deserialize(&mut reader).map_err(|e| e.to_string())
}

/// JSON equality where numbers compare by value (`0` equals `0.0`) and key order is ignored.
#[must_use]
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(p), Some(q), _, _) => p == q,
                (_, _, Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Whether two lists of documents are the same JSON values.
#[must_use]
pub fn same_documents(got: &[Value], want: &[Value]) -> bool {
    got.len() == want.len() && got.iter().zip(want).all(|(g, w)| same_json(g, w))
}
