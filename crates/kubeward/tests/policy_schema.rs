//! `policies/policy.schema.json` is generated from the policy types; this test keeps the
//! committed file fresh (`KUBEWARD_BLESS=1 cargo test -p kubeward --test policy_schema`
//! rewrites it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn committed_policy_schema_is_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/policy.schema.json");
    let fresh = kubeward::policy_schema();
    if std::env::var_os("KUBEWARD_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "policies/policy.schema.json is stale: run `KUBEWARD_BLESS=1 cargo test -p kubeward --test policy_schema`"
    );
}

#[test]
fn schema_describes_the_policy_fields() {
    let schema: serde_json::Value = serde_json::from_str(&kubeward::policy_schema()).unwrap();
    let props = &schema["properties"];
    for field in [
        "id",
        "title",
        "severity",
        "category",
        "packs",
        "aliases",
        "docs",
        "parameters",
        "target",
        "rule",
        "message",
        "examples",
    ] {
        assert!(props.get(field).is_some(), "schema lacks `{field}`");
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for field in [
        "id", "title", "severity", "category", "docs", "target", "rule", "message",
    ] {
        assert!(required.contains(&field), "`{field}` should be required");
    }
    assert_eq!(schema["additionalProperties"], serde_json::json!(false));
}
