//! `kubeward-yaml` against the Kubernetes decoding cases in `tests/k8s-yaml/`: each
//! `.expected.json` was produced by running Kubernetes' own decoder (see `tests/oracle/`).

use std::path::{Path, PathBuf};

use kubeward_yaml::{decode, DiagnosticKind};
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("k8s-yaml")
}

/// JSON equality where numbers compare by value (`0` equals `0.0`) and key order is ignored.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(p), Some(q), _, _) => p == q,
                (_, _, Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Checks one case; returns a description of the mismatch.
fn check(yaml: &Path) -> Result<(), String> {
    let input = std::fs::read(yaml).map_err(|e| e.to_string())?;
    let expected_path = yaml.with_extension("expected.json");
    let bytes = std::fs::read(&expected_path).map_err(|e| e.to_string())?;
    let mut reader = serde_json::Deserializer::from_slice(&bytes);
    reader.disable_recursion_limit();
    let expected: Value =
        serde::Deserialize::deserialize(&mut reader).map_err(|e| e.to_string())?;
    let decoded = decode(&input);
    let rejects = expected.get("error").is_some()
        || expected.get("nondeterministicKeys") == Some(&Value::Bool(true));
    if rejects {
        return if decoded.errors.is_empty() {
            Err(format!(
                "Kubernetes rejects it ({}), kubeward decoded it",
                expected["error"]
            ))
        } else {
            Ok(())
        };
    }
    if let Some(e) = decoded.errors.first() {
        return Err(format!("Kubernetes accepts it, kubeward reported {e}"));
    }
    let got: Vec<Value> = decoded.documents.iter().map(|d| d.root.to_json()).collect();
    let want = expected["documents"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if got.len() != want.len() || !got.iter().zip(&want).all(|(g, w)| same(g, w)) {
        return Err(format!(
            "documents differ:\n  kubernetes: {}\n  kubeward:   {}",
            Value::Array(want),
            Value::Array(got)
        ));
    }
    let dup_expected = expected.get("duplicateKeys") == Some(&Value::Bool(true));
    let dup_found = decoded.diagnostics.iter().any(|d| {
        matches!(
            d.kind,
            DiagnosticKind::DuplicateKey
                | DiagnosticKind::MergeOverridesKey
                | DiagnosticKind::MergeOverlap
        )
    });
    if dup_expected != dup_found {
        return Err(format!(
            "duplicate keys: kubernetes {dup_expected}, kubeward {dup_found}"
        ));
    }
    Ok(())
}

#[test]
fn decoder_matches_kubernetes_on_every_case() {
    let dir = std::env::var_os("KUBEWARD_K8S_YAML_CASES").map_or_else(cases_dir, PathBuf::from);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    cases.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    cases.sort();
    assert!(
        cases.len() >= 50,
        "expected the conformance cases in {}",
        dir.display()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            check(case)
                .err()
                .map(|why| format!("{}: {why}", case.display()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Kubernetes:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
