//! `kubeward decode` on every Kubernetes decoding case of `tests/k8s-yaml/`: the printed
//! documents equal what Kubernetes decodes, and every input Kubernetes rejects exits 2.

use std::path::Path;
use std::process::Command;

use kubeward_tests::{expected, k8s_yaml_cases, parse_json, same_documents};
use serde_json::Value;

fn check(case: &Path) -> Result<(), String> {
    let expected = expected(case)?;
    let output = Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .arg("decode")
        .arg(case)
        .output()
        .map_err(|e| e.to_string())?;
    let status = output.status.code().unwrap_or(-1);
    if expected.rejects {
        return if status == 2 {
            Ok(())
        } else {
            Err(format!("Kubernetes rejects it, exit status {status}"))
        };
    }
    if status != 0 {
        return Err(format!(
            "Kubernetes accepts it, exit status {status}: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let got: Vec<Value> = output
        .stdout
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(parse_json)
        .collect::<Result<_, _>>()?;
    if same_documents(&got, &expected.documents) {
        Ok(())
    } else {
        Err(format!(
            "printed {} documents that differ from Kubernetes' {}",
            got.len(),
            expected.documents.len()
        ))
    }
}

#[test]
fn decode_prints_what_kubernetes_decodes() {
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
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
