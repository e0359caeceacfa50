//! The version-1 JSON report (see DESIGN.md, "JSON report").

use serde::Serialize;

use super::{ErrorEntry, Finding, Report, Summary, Suppressed};

/// The version of the JSON report's shape.
pub(crate) const VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// Exactly the keys of the contract, in its order; `warnings` stay out of it.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: &'a [Finding],
    suppressed: &'a [Suppressed],
    errors: &'a [ErrorEntry],
    summary: &'a Summary,
}

fn of(report: &Report) -> Document<'_> {
    Document {
        version: VERSION,
        tool: Tool {
            name: "kubeward",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: &report.findings,
        suppressed: &report.suppressed,
        errors: &report.errors,
        summary: &report.summary,
    }
}

pub(super) fn document(report: &Report) -> serde_json::Value {
    // Serializing plain structs with string keys cannot fail.
    serde_json::to_value(of(report)).unwrap_or_default()
}

pub(super) fn render(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(&of(report)).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::super::tests::sample_report;
    use super::super::{Format, RenderOptions};

    #[test]
    fn top_level_keys_are_exactly_the_contract() {
        let report = sample_report();
        let text = report.render(Format::Json, &RenderOptions::default());
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "version",
                "tool",
                "findings",
                "suppressed",
                "errors",
                "summary"
            ]
        );
        assert_eq!(doc["version"], 1);
        assert_eq!(doc["tool"]["name"], "kubeward");
        assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(doc, report.to_json());
    }

    #[test]
    fn finding_fields_follow_the_contract() {
        let doc = sample_report().to_json();
        let finding = &doc["findings"][0];
        let keys: Vec<&str> = finding
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "policy",
                "title",
                "severity",
                "message",
                "aliases",
                "file",
                "line",
                "column",
                "endLine",
                "endColumn",
                "path",
                "resource",
                "container"
            ]
        );
        assert_eq!(finding["severity"], "critical");
        assert_eq!(finding["line"], 11);
        assert_eq!(finding["column"], 7);
        assert_eq!(finding["endColumn"], 23);
        assert_eq!(
            finding["resource"],
            serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "web",
                               "name": "app", "document": 0})
        );
        assert!(
            finding.get("template").is_none(),
            "template is absent for plain manifests"
        );

        let suppressed = &doc["suppressed"][0];
        assert_eq!(suppressed["policy"], "KW-SEC-002");
        assert_eq!(suppressed["reason"], "accepted");
        assert_eq!(suppressed["suppressedBy"], "comment at deploy/app.yaml:9");

        assert_eq!(
            doc["errors"][0],
            serde_json::json!({"file": "bad.yaml", "line": 3, "column": 1, "message": "did not find expected key"})
        );
        assert_eq!(
            doc["summary"],
            serde_json::json!({"files": 2, "resources": 1, "findings": 2, "bySeverity": {"critical": 1, "low": 1}})
        );
    }
}
