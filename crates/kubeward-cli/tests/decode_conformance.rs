//! `kubeward decode` on every Kubernetes decoding case of `tests/k8s-yaml/`: the printed
//! documents equal what Kubernetes decodes, and every input Kubernetes rejects exits 2.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// JSON equality where numbers compare by value and key order is ignored.
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

fn parse(text: &[u8]) -> Result<Value, String> {
    let mut reader = serde_json::Deserializer::from_slice(text);
    reader.disable_recursion_limit();
    serde::Deserialize::deserialize(&mut reader).map_err(|e| e.to_string())
}

fn check(case: &Path) -> Result<(), String> {
    let expected =
        parse(&std::fs::read(case.with_extension("expected.json")).map_err(|e| e.to_string())?)?;
    let output = Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .arg("decode")
        .arg(case)
        .output()
        .map_err(|e| e.to_string())?;
    let status = output.status.code().unwrap_or(-1);
    let rejects = expected.get("error").is_some()
        || expected.get("nondeterministicKeys") == Some(&Value::Bool(true));
    if rejects {
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
        .map(parse)
        .collect::<Result<_, _>>()?;
    let want = expected["documents"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if got.len() == want.len() && got.iter().zip(&want).all(|(g, w)| same(g, w)) {
        Ok(())
    } else {
        Err(format!(
            "printed {} documents that differ from Kubernetes' {}",
            got.len(),
            want.len()
        ))
    }
}

#[test]
fn decode_prints_what_kubernetes_decodes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/k8s-yaml");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    cases.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    cases.sort();
    assert!(
        cases.len() >= 200,
        "conformance cases missing in {}",
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
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
