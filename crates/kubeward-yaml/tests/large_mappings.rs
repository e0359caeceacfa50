//! Mappings of many keys (large ConfigMaps): looked up through an index, with the same
//! semantics as small ones: source order kept, the last duplicate wins (as Kubernetes'
//! decoder keeps it) and is reported, merges apply in place.

#![allow(clippy::unwrap_used)]

use kubeward_yaml::{decode, DiagnosticKind, Node};

fn keys(n: usize) -> String {
    (0..n).map(|i| format!("  k{i}: v{i}\n")).collect()
}

#[test]
fn a_mapping_of_many_keys_keeps_order_and_the_last_duplicate() {
    // As many keys as the decoder accepts (`max-keys`; more is an error: tests/limits.rs).
    let text = format!("data:\n{}  k7: again\n  k9000: last\n", keys(10_000));
    let decoded = decode(text.as_bytes());
    assert!(decoded.errors.is_empty(), "{:?}", decoded.errors.first());
    let data = decoded.documents[0].root.get("data").unwrap();
    let map = data.as_map().unwrap();
    assert_eq!(map.len(), 10_000);
    assert_eq!(map.get("k7").and_then(Node::as_str), Some("again"));
    assert_eq!(map.get("k9999").and_then(Node::as_str), Some("v9999"));
    assert_eq!(map.get("k9000").and_then(Node::as_str), Some("last"));
    assert!(map.get("k10000").is_none());
    // The replaced key keeps its place.
    let order: Vec<&str> = map.iter().take(9).map(|e| e.key.as_str()).collect();
    assert_eq!(
        order,
        ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"]
    );
    assert_eq!(map.iter().last().map(|e| e.key.as_str()), Some("k9999"));
    let duplicates = decoded
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::DuplicateKey)
        .count();
    assert_eq!(duplicates, 2);
    // A clone looks keys up like the original.
    let copy = map.clone();
    assert_eq!(copy, *map);
    assert_eq!(copy.get("k7").and_then(Node::as_str), Some("again"));
}

#[test]
fn a_merge_into_a_mapping_of_many_keys_applies_in_place() {
    let text = format!(
        "base: &b\n  k3: merged\n  extra: x\nm:\n{}  <<: *b\n",
        keys(40)
    );
    let decoded = decode(text.as_bytes());
    assert!(decoded.errors.is_empty(), "{:?}", decoded.errors.first());
    let map = decoded.documents[0]
        .root
        .get("m")
        .unwrap()
        .as_map()
        .unwrap();
    assert_eq!(map.len(), 41);
    assert_eq!(map.get("k3").and_then(Node::as_str), Some("merged"));
    assert_eq!(map.get("extra").and_then(Node::as_str), Some("x"));
    assert!(decoded
        .diagnostics
        .iter()
        .any(|d| d.kind == DiagnosticKind::MergeOverridesKey));
}

#[test]
fn the_index_does_not_make_nodes_larger() {
    // A value is as large as a string (24 bytes) and its tag; a node adds its span.
    assert!(std::mem::size_of::<kubeward_yaml::Value>() <= 32);
    assert!(std::mem::size_of::<Node>() <= 64);
}
