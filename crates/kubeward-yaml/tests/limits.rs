//! Depth and alias limits: what Kubernetes accepts is accepted, what it rejects is an error,
//! and nothing overflows the stack on the way.

use kubeward_yaml::{decode, decode_with, to_json_string, to_yaml, DecodeLimits, MAX_DEPTH};

/// Kubernetes' own limits: flow collections as deep as any collection.
fn kubernetes() -> DecodeLimits {
    DecodeLimits {
        max_flow_depth: MAX_DEPTH,
        ..DecodeLimits::default()
    }
}

fn decode_k8s(text: &[u8]) -> kubeward_yaml::Decoded {
    decode_with(text, &kubernetes())
}

fn nested_flow(depth: usize) -> String {
    format!("a: {}x{}\n", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn flow_nesting_up_to_the_kubernetes_limit_is_accepted() {
    // The mapping holding `a` is one level, so MAX_DEPTH - 1 brackets reach the limit.
    let decoded = decode_k8s(nested_flow(MAX_DEPTH - 1).as_bytes());
    assert!(decoded.errors.is_empty(), "{:?}", decoded.errors.first());
    let root = &decoded.documents[0].root;
    let json = to_json_string(root);
    assert!(
        json.starts_with(r#"{"a":[[[["#) && json.contains(r#"[["x"]]"#) && json.ends_with("]]]}")
    );
    let again = decode_k8s(to_yaml(root).as_bytes());
    assert!(again.errors.is_empty(), "{:?}", again.errors.first());
    assert_eq!(to_json_string(&again.documents[0].root), json);
}

#[test]
fn nesting_beyond_the_limit_is_an_error_not_a_crash() {
    let decoded = decode_k8s(nested_flow(MAX_DEPTH + 5).as_bytes());
    assert_eq!(decoded.documents.len(), 0);
    assert!(
        decoded.errors[0].message.contains("exceeded max depth"),
        "{}",
        decoded.errors[0]
    );
    // Block nesting far beyond the limit (a stack overflow in recursive YAML loaders).
    let deep = "- ".repeat(100_000) + "x\n";
    let decoded = decode(deep.as_bytes());
    assert!(!decoded.errors.is_empty());
}

#[test]
fn aliases_cannot_exceed_the_nesting_limit() {
    let mut text = format!("a: &a {}x{}\n", "[".repeat(6000), "]".repeat(6000));
    text.push_str("b: &b [*a]\nc: [[[[*b]]]]\n");
    let one = decode_k8s(text.as_bytes());
    assert!(one.errors.is_empty(), "{:?}", one.errors.first());
    text.push_str(&format!("d: {}*a{}\n", "[".repeat(5000), "]".repeat(5000)));
    let two = decode_k8s(text.as_bytes());
    assert!(two
        .errors
        .iter()
        .any(|e| e.message.contains("exceeded max depth")));
}

#[test]
fn alias_bombs_are_rejected_like_go_yaml_v2() {
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(",")
        ));
    }
    let decoded = decode(bomb.as_bytes());
    assert!(decoded.errors[0].message.contains("excessive aliasing"));
    // A few aliases of a small anchor are fine.
    let ok = decode(b"base: &b {runAsNonRoot: true}\nx: *b\ny: *b\nz: [*b, *b, *b]\n");
    assert!(ok.errors.is_empty());
}

#[test]
fn flow_nesting_can_be_bounded_tighter() {
    // libyaml's scanner is quadratic in flow depth: kubeward stops at 64 levels.
    let limits = DecodeLimits {
        max_flow_depth: 64,
        ..DecodeLimits::default()
    };
    let ok = decode_with(nested_flow(64).as_bytes(), &limits);
    assert!(ok.errors.is_empty(), "{:?}", ok.errors.first());
    let deep = decode_with(nested_flow(65).as_bytes(), &limits);
    assert_eq!(
        deep.errors[0].message,
        "yaml: flow collections (`[…]`, `{…}`) nested deeper than 64 levels (limit max-flow-depth=64)"
    );
    assert_eq!(
        (deep.errors[0].pos.line, deep.errors[0].pos.column),
        (1, 68)
    );
}
