//! `kubeward-yaml` against the Kubernetes decoding cases in `tests/k8s-yaml/`: each
//! `.expected.json` was produced by running Kubernetes' own decoder (see `tests/oracle/`).

use std::path::Path;

use kubeward_tests::{expected, k8s_yaml_cases, same_documents};
use kubeward_yaml::{decode, to_json_string, DiagnosticKind};
use serde_json::Value;

/// Checks one case; returns a description of the mismatch.
fn check(case: &Path) -> Result<(), String> {
    let input = std::fs::read(case).map_err(|e| e.to_string())?;
    let expected = expected(case)?;
    let decoded = decode(&input);
    if expected.rejects {
        return if decoded.errors.is_empty() {
            Err("Kubernetes rejects it, kubeward decoded it".into())
        } else {
            Ok(())
        };
    }
    if let Some(e) = decoded.errors.first() {
        return Err(format!("Kubernetes accepts it, kubeward reported {e}"));
    }
    let got: Vec<Value> = decoded
        .documents
        .iter()
        .map(|d| kubeward_tests::parse_json(to_json_string(&d.root).as_bytes()))
        .collect::<Result<_, _>>()?;
    if !same_documents(&got, &expected.documents) {
        return Err(format!(
            "documents differ: kubernetes has {}, kubeward {}",
            expected.documents.len(),
            got.len()
        ));
    }
    let dup_found = decoded.diagnostics.iter().any(|d| {
        matches!(
            d.kind,
            DiagnosticKind::DuplicateKey
                | DiagnosticKind::MergeOverridesKey
                | DiagnosticKind::MergeOverlap
        )
    });
    if expected.duplicate_keys != dup_found {
        return Err(format!(
            "duplicate keys: kubernetes {}, kubeward {dup_found}",
            expected.duplicate_keys
        ));
    }
    Ok(())
}

#[test]
fn decoder_matches_kubernetes_on_every_case() {
    let cases = k8s_yaml_cases();
    assert!(cases.len() >= 200, "the conformance cases are missing");
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
