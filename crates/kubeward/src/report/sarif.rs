//! SARIF 2.1.0, as GitHub code scanning and Microsoft's validator read it.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use super::{ErrorEntry, Finding, RenderOptions, Report, Severity};
use crate::engine::RuleInfo;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
const INFORMATION_URI: &str = "https://github.com/kubeward/kubeward";

/// SARIF's result level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score (critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4.0).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// Percent-encodes what a relative URI reference cannot hold, and turns `\` into `/`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b);
        // A `:` in the first segment would read as a scheme.
        if keep || (b == b':' && out.contains('/')) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The artifact location of a file name as reported: relative names against `%SRCROOT%`,
/// absolute ones as `file://` URIs.
fn artifact_location(file: &str) -> Value {
    let unix = file.replace('\\', "/");
    let drive = unix.as_bytes().get(1) == Some(&b':')
        && unix.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    if unix.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_path(&unix)) })
    } else if drive {
        json!({ "uri": format!("file:///{}{}", &unix[..2], encode_path(&unix[2..])) })
    } else {
        json!({ "uri": encode_path(&unix), "uriBaseId": SRCROOT })
    }
}

fn physical_location(file: &str, line: u32, column: u32, end_line: u32, end_column: u32) -> Value {
    let mut location = json!({ "artifactLocation": artifact_location(file) });
    if line > 0 {
        let mut region = json!({ "startLine": line });
        if column > 0 {
            region["startColumn"] = json!(column);
            // SARIF regions cannot be empty of lines or end before they start.
            if end_line > line || (end_line == line && end_column > column) {
                region["endLine"] = json!(end_line);
                region["endColumn"] = json!(end_column);
            }
        }
        location["region"] = region;
    }
    location
}

/// A PascalCase name from a title (`Container runs privileged` → `ContainerRunsPrivileged`).
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Ends a sentence with a period (the validator's SARIF2001 advice).
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) || text.ends_with("```") {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

fn rule(info: &RuleInfo) -> Value {
    let description = if info.description.trim().is_empty() {
        info.title.clone()
    } else {
        info.description.clone()
    };
    let mut tags = vec![json!("security"), json!("kubernetes")];
    if !info.category.is_empty() && info.category != "security" {
        tags.push(json!(info.category));
    }
    let mut help_text = sentence(&description);
    let mut help_markdown = description.trim().to_string();
    if !info.fix.trim().is_empty() {
        let _ = write!(help_text, "\n\nHow to fix: {}", info.fix.trim());
        let _ = write!(help_markdown, "\n\n## How to fix\n\n{}", info.fix.trim());
    }
    if !info.aliases.is_empty() {
        let _ = write!(
            help_markdown,
            "\n\nAlso known as: {}",
            info.aliases.join(", ")
        );
    }
    json!({
        "id": info.id,
        "name": rule_name(&info.title),
        "shortDescription": { "text": sentence(&info.title) },
        "fullDescription": { "text": sentence(&description) },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": level(info.severity) },
        "properties": {
            "tags": tags,
            "precision": "high",
            "problem.severity": level(info.severity),
            "security-severity": security_severity(info.severity),
            "severity": info.severity.as_str(),
            "aliases": info.aliases,
            "packs": info.packs,
        }
    })
}

/// A rule for a finding whose policy is not in the rule list (kept valid all the same).
fn rule_of_finding(finding: &Finding) -> Value {
    json!({
        "id": finding.policy,
        "name": rule_name(&finding.title),
        "shortDescription": { "text": sentence(&finding.title) },
        "defaultConfiguration": { "level": level(finding.severity) },
        "properties": {
            "tags": ["security", "kubernetes"],
            "security-severity": security_severity(finding.severity),
            "severity": finding.severity.as_str(),
            "aliases": finding.aliases,
        }
    })
}

/// FNV-1a, for fingerprints that do not move when lines are added above the finding.
fn fingerprint(finding: &Finding) -> String {
    let r = &finding.resource;
    let key = [
        finding.policy.as_str(),
        finding.file.as_str(),
        r.kind.as_str(),
        r.namespace.as_deref().unwrap_or(""),
        r.name.as_str(),
        finding.path.as_str(),
    ]
    .join("\u{0}");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn result(finding: &Finding, rule_index: usize, suppression: Option<Value>) -> Value {
    let r = &finding.resource;
    let qualified = match &r.namespace {
        Some(ns) => format!("{}/{ns}/{}", r.kind, r.name),
        None => format!("{}/{}", r.kind, r.name),
    };
    let mut properties = Map::new();
    properties.insert("severity".into(), json!(finding.severity.as_str()));
    properties.insert("path".into(), json!(finding.path));
    properties.insert("resource".into(), json!(r));
    properties.insert("aliases".into(), json!(finding.aliases));
    if let Some(container) = &finding.container {
        properties.insert("container".into(), json!(container));
    }
    if let Some(template) = &finding.template {
        properties.insert("template".into(), json!(template));
    }
    let rendered = physical_location(
        &finding.file,
        finding.region.line,
        finding.region.column,
        finding.region.end_line,
        finding.region.end_column,
    );
    let logical = json!([{
        "name": r.name,
        "fullyQualifiedName": qualified,
        "kind": "object",
    }]);
    // A finding in a chart's output is reported in the template the chart author edits; the
    // line of the rendered manifest follows as a related location.
    let (primary, related) = match &finding.template {
        Some(t) => {
            let uri = format!("{}/{}", finding.file.trim_end_matches('/'), t.file);
            let column = t.column.unwrap_or(0);
            let mut message = format!("rendered by template {}:{}", t.file, t.line);
            if let Some(v) = &t.values {
                message.push_str(&format!(", value `{}`", v.path));
                if let (Some(file), Some(line)) = (&v.file, v.line) {
                    message.push_str(&format!(" set in {file}:{line}"));
                }
            }
            (
                physical_location(&uri, t.line, column, t.line, column),
                Some(json!([{
                    "id": 0,
                    "physicalLocation": rendered,
                    "message": { "text": sentence(&format!("The rendered manifest; {message}")) },
                }])),
            )
        }
        None => (rendered, None),
    };
    let mut value = json!({
        "ruleId": finding.policy,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": { "text": sentence(&finding.message) },
        "locations": [{
            "physicalLocation": primary,
            "logicalLocations": logical,
        }],
        "partialFingerprints": { "kubewardFinding/v1": fingerprint(finding) },
        "properties": properties,
    });
    if let Some(related) = related {
        value["relatedLocations"] = related;
    }
    if let Some(suppression) = suppression {
        value["suppressions"] = json!([suppression]);
    }
    value
}

fn notification(level: &str, message: &str, location: Option<&ErrorEntry>) -> Value {
    let mut value = json!({ "level": level, "message": { "text": sentence(message) } });
    if let Some(e) = location {
        value["locations"] = json!([{
            "physicalLocation": physical_location(&e.file, e.line, e.column, e.line, e.column)
        }]);
    }
    value
}

pub(super) fn render(report: &Report, options: &RenderOptions<'_>) -> String {
    let mut rules: Vec<Value> = options.rules.iter().map(rule).collect();
    let mut index: HashMap<String, usize> = options
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let mut rule_index = |finding: &Finding| {
        *index.entry(finding.policy.clone()).or_insert_with(|| {
            rules.push(rule_of_finding(finding));
            rules.len() - 1
        })
    };

    let mut results = Vec::new();
    for finding in &report.findings {
        let i = rule_index(finding);
        results.push(result(finding, i, None));
    }
    for s in &report.suppressed {
        let kind = if s.suppressed_by.starts_with("config") {
            "external"
        } else {
            "inSource"
        };
        let suppression = json!({
            "kind": kind,
            "status": "accepted",
            "justification": s.reason,
            "properties": { "suppressedBy": s.suppressed_by },
        });
        let i = rule_index(&s.finding);
        results.push(result(&s.finding, i, Some(suppression)));
    }

    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| notification("error", &e.message, Some(e)))
        .chain(
            report
                .warnings
                .iter()
                .map(|w| notification("warning", w, None)),
        )
        .collect();
    let mut invocation = json!({ "executionSuccessful": report.errors.is_empty() });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }

    let mut run = json!({
        "tool": {
            "driver": {
                "name": "kubeward",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
    });
    if let Some(root) = options.root_dir {
        let mut uri = artifact_location(root)["uri"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if uri.starts_with("file:") {
            if !uri.ends_with('/') {
                uri.push('/');
            }
            run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": uri } });
        }
    }
    let doc = json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": [run] });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::report::tests::{sample_report, sample_rules};
    use crate::report::Format;

    fn sarif() -> Value {
        let rules = sample_rules();
        let text = sample_report().render(
            Format::Sarif,
            &RenderOptions {
                rules: &rules,
                root_dir: Some("/repo"),
                ..RenderOptions::default()
            },
        );
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn results_carry_regions_rules_and_suppressions() {
        let doc = sarif();
        assert_eq!(doc["version"], "2.1.0");
        let run = &doc["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "KW-SEC-001");
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["name"],
            "ContainerRunsPrivileged"
        );
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["properties"]["security-severity"],
            "9.5"
        );
        let first = &run["results"][0];
        assert_eq!(first["ruleId"], "KW-SEC-001");
        assert_eq!(first["ruleIndex"], 0);
        assert_eq!(first["level"], "error");
        let location = &first["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"],
            json!({"uri": "deploy/app.yaml", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            location["region"],
            json!({"startLine": 11, "startColumn": 7, "endLine": 11, "endColumn": 23})
        );
        let suppressed = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r.get("suppressions").is_some())
            .unwrap();
        assert_eq!(suppressed["suppressions"][0]["kind"], "inSource");
        assert_eq!(suppressed["suppressions"][0]["justification"], "accepted");
        let invocation = &run["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        assert_eq!(
            invocation["toolExecutionNotifications"][0]["level"],
            "error"
        );
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///repo/"
        );
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(artifact_location("a b/c#d.yaml")["uri"], "a%20b/c%23d.yaml");
        assert_eq!(artifact_location("<stdin>")["uri"], "%3Cstdin%3E");
        assert_eq!(
            artifact_location("/abs/x.yaml"),
            json!({"uri": "file:///abs/x.yaml"})
        );
        assert_eq!(
            artifact_location("C:\\x\\y.yaml"),
            json!({"uri": "file:///C:/x/y.yaml"})
        );
        assert_eq!(artifact_location("ns:x/y.yaml")["uri"], "ns%3Ax/y.yaml");
    }
}
