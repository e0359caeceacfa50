//! Inputs found by fuzzing (`fuzz/`, docs/fuzzing.md), kept as regression tests. Each
//! `tests/fuzz-regressions/NAME.yaml` has a `NAME.expected.json` written by the Kubernetes
//! decoding oracle (`tests/oracle`, `go run . FILE`): decoding must not panic, must fail
//! where Kubernetes fails and must yield Kubernetes' documents where it succeeds.
//!
//! Known divergence: go-yaml v2 reads a `,` right after a tag as part of the tag
//! (`[!t, b]` is `["b"]`), while libyaml-safer, under kubeward's decoder, cannot; kubeward
//! reports "did not find expected whitespace or line break while scanning a tag" there
//! instead (it fails closed).

use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    cases.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    cases.sort();
    cases
}

/// The oracle's documents (compact JSON, key order kept) and whether it failed, read from
/// its pretty-printed output without a JSON library: documents are re-decoded with
/// kubeward's own JSON reader, which the conformance suite checks against Kubernetes.
fn expected(case: &Path) -> (Vec<String>, bool) {
    let text = std::fs::read(case.with_extension("expected.json")).unwrap_or_default();
    let decoded = kubeward_yaml::decode(&text);
    let Some(root) = decoded.documents.first().map(|d| &d.root) else {
        return (Vec::new(), true);
    };
    let failed = root.pointer("/error").is_some();
    let docs = match root.pointer("/documents").map(|n| &n.value) {
        Some(kubeward_yaml::Value::Seq(items)) => {
            items.iter().map(kubeward_yaml::to_json_string).collect()
        }
        _ => Vec::new(),
    };
    (docs, failed)
}

#[test]
fn fuzz_regressions_decode_like_kubernetes() {
    let cases = cases();
    assert!(cases.len() >= 8, "the regression inputs are missing");
    let mut failures = Vec::new();
    for case in &cases {
        let input = std::fs::read(case).unwrap_or_default();
        let decoded = kubeward_yaml::decode(&input);
        let (want, k8s_failed) = expected(case);
        let got: Vec<String> = decoded
            .documents
            .iter()
            .map(|d| kubeward_yaml::to_json_string(&d.root))
            .collect();
        let name = case.display();
        if k8s_failed {
            if decoded.errors.is_empty() {
                failures.push(format!(
                    "{name}: Kubernetes rejects it, kubeward decoded {got:?}"
                ));
            }
        } else if let Some(e) = decoded.errors.first() {
            if !e.message.contains("while scanning a tag") {
                failures.push(format!(
                    "{name}: Kubernetes accepts it, kubeward reported {e}"
                ));
            }
        } else if got != want {
            failures.push(format!("{name}: kubeward {got:?}, Kubernetes {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
