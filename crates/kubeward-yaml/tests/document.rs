//! `decode_document`, the `sigs.k8s.io/yaml.Unmarshal` path Helm reads values files and
//! `fromYaml` text with. Expected values: what Helm 3.17.3 printed for the same values file
//! (`{{ .Values.a | quote }}`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kubeward_yaml::decode_document;

fn a(input: &str) -> String {
    let root = decode_document(input.as_bytes())
        .expect("decodes")
        .expect("a document");
    root.get("a")
        .and_then(|n| n.as_str())
        .unwrap_or("?")
        .to_string()
}

#[test]
fn block_scalars_may_end_the_input_without_a_line_break() {
    assert_eq!(a("a: |\n  x"), "x");
    assert_eq!(a("a: |+\n  x"), "x");
    assert_eq!(a("a: |-\n  x"), "x");
    assert_eq!(a("a: >\n  x\n  y"), "x y");
    // With the final line break, the clip and keep styles keep it.
    assert_eq!(a("a: |\n  x\n"), "x\n");
    assert_eq!(a("b: 1\na: |\n  x\nc: 2"), "x\n");
}
