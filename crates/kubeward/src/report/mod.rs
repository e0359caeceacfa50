//! Findings, the report, and its output formats.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::engine::RuleInfo;
use crate::model::Scan;
use crate::suppress::Suppressions;

mod json;
mod junit;
mod sarif;
mod text;

/// How bad a finding is. Ordered from least to most severe.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Hardening advice.
    Low,
    /// A weakness.
    Medium,
    /// A serious weakness.
    High,
    /// Direct path to the node or cluster.
    Critical,
}

impl Severity {
    /// All severities, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a lowercase name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// The Kubernetes object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourceRef {
    /// `apiVersion`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `metadata.name` (or `generateName`), empty when neither is set.
    pub name: String,
    /// 0-based index of the document in its file.
    pub document: usize,
}

/// For a manifest rendered from a Helm chart: the template line that produced the node.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TemplateRef {
    /// Name of the chart the template belongs to (a subchart's own name for its templates).
    pub chart: String,
    /// Template path relative to the scanned chart's folder (`templates/deployment.yaml`,
    /// `charts/db/templates/statefulset.yaml` for a subchart).
    pub file: String,
    /// 1-based line in the template.
    pub line: u32,
    /// 1-based column in the template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// When the node's text was printed from `.Values`: the value's path and where a values
    /// file sets it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<ValuesRef>,
}

/// A value of a chart's values, and where it is set.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ValuesRef {
    /// Dotted path in the values (`securityContext.runAsUser`).
    pub path: String,
    /// The values file that sets it (`values.yaml`, or a `-f` file), when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line of the key in that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A region in a file, SARIF-style: 1-based lines and character columns, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Region {
    /// First line.
    pub line: u32,
    /// First column.
    pub column: u32,
    /// Line of the end.
    #[serde(rename = "endLine")]
    pub end_line: u32,
    /// Column just past the end.
    #[serde(rename = "endColumn")]
    pub end_column: u32,
}

impl From<kubeward_yaml::Span> for Region {
    fn from(span: kubeward_yaml::Span) -> Self {
        Region {
            line: span.start.line,
            column: span.start.column,
            end_line: span.end.line,
            end_column: span.end.column,
        }
    }
}

/// One violated policy at one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Policy id (`KW-SEC-001`).
    pub policy: String,
    /// Policy title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// What is wrong here, and what to do.
    pub message: String,
    /// Ids of the same check in other tools.
    pub aliases: Vec<String>,
    /// File name as given to the scan.
    pub file: String,
    /// Where to look.
    #[serde(flatten)]
    pub region: Region,
    /// Byte offsets of the region (not serialized; used for code frames).
    #[serde(skip)]
    pub offsets: (usize, usize),
    /// JSON pointer into the decoded document.
    pub path: String,
    /// The resource.
    pub resource: ResourceRef,
    /// The container, for container policies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The chart template that produced the node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
}

/// A finding that a suppression silenced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suppressed {
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// Why, as the suppression says.
    pub reason: String,
    /// Where it was silenced: `annotation`, `comment` or `config`, with its location.
    #[serde(rename = "suppressedBy")]
    pub suppressed_by: String,
}

/// Input that could not be read, decoded, rendered, or a policy that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// File (or policy file) name.
    pub file: String,
    /// 1-based line, 0 when the error concerns the whole file.
    pub line: u32,
    /// 1-based column, 0 when the error concerns the whole file.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

impl ErrorEntry {
    /// `file:line:column`, or just `file` when the error concerns the whole file.
    #[must_use]
    pub fn location(&self) -> String {
        if self.line > 0 {
            format!("{}:{}:{}", self.file, self.line, self.column)
        } else {
            self.file.clone()
        }
    }
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Inputs read.
    pub files: usize,
    /// Resources evaluated.
    pub resources: usize,
    /// Findings not suppressed.
    pub findings: usize,
    /// Findings by severity name (only severities that occur).
    #[serde(rename = "bySeverity")]
    pub by_severity: std::collections::BTreeMap<String, usize>,
}

/// What a scan found. [`Report::to_json`] gives the version-1 JSON document (its derived
/// `Serialize` also writes `warnings`, which the contract leaves out).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Active findings, sorted by file, line, column, policy.
    pub findings: Vec<Finding>,
    /// Silenced findings, same order.
    pub suppressed: Vec<Suppressed>,
    /// Errors (any makes the exit status 2).
    pub errors: Vec<ErrorEntry>,
    /// Warnings about the scan itself (unused or expired exemptions...).
    pub warnings: Vec<String>,
    /// Counts.
    pub summary: Summary,
}

/// Fills [`Finding::template`] for findings in the output of a chart.
fn trace_to_templates(scan: &Scan, findings: &mut [Finding]) {
    let maps: std::collections::HashMap<&str, &crate::model::TemplateMap> = scan
        .files
        .iter()
        .filter_map(|f| Some((f.name.as_str(), f.template_map.as_ref()?)))
        .collect();
    if maps.is_empty() {
        return;
    }
    for finding in findings {
        if let Some(map) = maps.get(finding.file.as_str()) {
            finding.template = map.at(finding.region.line).cloned();
        }
    }
}

impl Report {
    /// Assembles the report of a scan: applies `suppressions` (annotations and comments found
    /// in the scanned files, config exemptions), collects the errors of every input, counts,
    /// and sorts everything by file, line, column, policy and path.
    #[must_use]
    pub fn build(scan: &Scan, mut findings: Vec<Finding>, suppressions: &Suppressions) -> Report {
        trace_to_templates(scan, &mut findings);
        let outcome = suppressions.apply(scan, findings);
        let mut report = Report {
            findings: outcome.active,
            suppressed: outcome.suppressed,
            errors: scan
                .files
                .iter()
                .flat_map(|f| f.errors.iter().cloned())
                .chain(outcome.errors)
                .collect(),
            warnings: outcome.warnings,
            summary: Summary {
                files: scan.files.len(),
                resources: scan.resources().count(),
                ..Summary::default()
            },
        };
        report.normalize();
        report
    }

    /// Adds errors found outside the scanned inputs (unreadable paths, policy or config errors).
    pub fn add_errors(&mut self, errors: impl IntoIterator<Item = ErrorEntry>) {
        self.errors.extend(errors);
        self.normalize();
    }

    /// Sorts findings, suppressed findings and errors deterministically, drops repeated
    /// errors, and recomputes the finding counts of the summary.
    pub fn normalize(&mut self) {
        self.findings.sort_by(Finding::order);
        self.suppressed.sort_by(|a, b| a.finding.order(&b.finding));
        self.errors.sort();
        self.errors.dedup();
        self.summary.findings = self.findings.len();
        self.summary.by_severity.clear();
        for finding in &self.findings {
            *self
                .summary
                .by_severity
                .entry(finding.severity.as_str().to_string())
                .or_default() += 1;
        }
    }

    /// The exit status of a run that produced this report: 2 when there is any error (even
    /// with findings), 1 when an active finding is at or above `fail_on`, else 0.
    #[must_use]
    pub fn exit_code(&self, fail_on: FailOn) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self.findings.iter().any(|f| fail_on.fails(f.severity)) {
            1
        } else {
            0
        }
    }

    /// The version-1 JSON document (`version`, `tool`, `findings`, `suppressed`, `errors`,
    /// `summary`).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        json::document(self)
    }

    /// Renders the report in `format`.
    #[must_use]
    pub fn render(&self, format: Format, options: &RenderOptions<'_>) -> String {
        match format {
            Format::Text => text::render(self, options),
            Format::Json => json::render(self),
            Format::Sarif => sarif::render(self, options),
            Format::Junit => junit::render(self),
        }
    }
}

impl Finding {
    /// The report order: file, line, column, policy, path (then the rest, for determinism).
    fn order(&self, other: &Finding) -> std::cmp::Ordering {
        (
            &self.file,
            self.region,
            &self.policy,
            &self.path,
            &self.resource,
            &self.message,
        )
            .cmp(&(
                &other.file,
                other.region,
                &other.policy,
                &other.path,
                &other.resource,
                &other.message,
            ))
    }
}

/// The lowest severity that makes a run fail (exit status 1), or `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Findings at or above this severity fail the run.
    Severity(Severity),
    /// Findings never fail the run (errors still do).
    Never,
}

impl Default for FailOn {
    /// `low`: every finding fails the run except `info` ones, which are advice.
    fn default() -> Self {
        FailOn::Severity(Severity::Low)
    }
}

impl FailOn {
    /// Whether a finding of `severity` fails the run.
    #[must_use]
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Severity(threshold) => severity >= threshold,
            FailOn::Never => false,
        }
    }
}

impl FromStr for FailOn {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "never" | "none" => Ok(FailOn::Never),
            _ => Severity::parse(text).map(FailOn::Severity).ok_or_else(|| {
                format!("`{text}` is not a severity: use one of critical, high, medium, low, info, never")
            }),
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailOn::Severity(s) => f.write_str(s.as_str()),
            FailOn::Never => f.write_str("never"),
        }
    }
}

/// An output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Code frames for people (rustc style).
    #[default]
    Text,
    /// The version-1 JSON report.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// JUnit XML (CI test reports).
    Junit,
}

impl Format {
    /// All formats, by name.
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Junit];

    /// The name used on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
            .ok_or_else(|| format!("unknown format `{text}`: use one of text, json, sarif, junit"))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What renderers need besides the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// The scanned inputs: their text gives code frames (`text`) and snippets.
    pub scan: Option<&'a Scan>,
    /// The policies that were evaluated: help texts (`text`), rule metadata (`sarif`).
    pub rules: &'a [RuleInfo],
    /// ANSI colours (`text`).
    pub color: bool,
    /// Absolute path of the folder relative file names start from (`sarif`'s `%SRCROOT%`).
    pub root_dir: Option<&'a str>,
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::model::SourceFile;
    use crate::suppress::Date;

    pub(crate) fn finding(
        policy: &str,
        severity: Severity,
        file: &str,
        line: u32,
        column: u32,
    ) -> Finding {
        Finding {
            policy: policy.to_string(),
            title: "Container runs privileged".to_string(),
            severity,
            message: "container app runs privileged".to_string(),
            aliases: vec!["pss:privileged".to_string(), "CKV_K8S_16".to_string()],
            file: file.to_string(),
            region: Region {
                line,
                column,
                end_line: line,
                end_column: column + 16,
            },
            offsets: (0, 0),
            path: "/spec/template/spec/containers/0/securityContext/privileged".to_string(),
            resource: ResourceRef {
                api_version: "apps/v1".to_string(),
                kind: "Deployment".to_string(),
                namespace: Some("web".to_string()),
                name: "app".to_string(),
                document: 0,
            },
            container: Some("app".to_string()),
            template: None,
        }
    }

    fn source(name: &str, text: &str, errors: Vec<ErrorEntry>) -> SourceFile {
        SourceFile {
            name: name.to_string(),
            text: text.to_string(),
            diagnostics: Vec::new(),
            resources: Vec::new(),
            errors,
            template_map: None,
        }
    }

    pub(crate) fn sample_scan() -> Scan {
        let mut app = String::new();
        for i in 1..=10 {
            app.push_str(&format!("# line {i}\n"));
        }
        app.push_str("      privileged: true # ünïcödé\n");
        let bad = vec![ErrorEntry {
            file: "bad.yaml".to_string(),
            line: 3,
            column: 1,
            message: "did not find expected key".to_string(),
        }];
        Scan {
            files: vec![
                source("deploy/app.yaml", &app, vec![]),
                source("bad.yaml", "a: b\nc: [\n", bad),
            ],
        }
    }

    pub(crate) fn sample_report() -> Report {
        let mut low = finding("KW-IMG-003", Severity::Low, "deploy/app.yaml", 12, 7);
        low.title = "Image tag is not pinned".to_string();
        let mut suppressed = finding("KW-SEC-002", Severity::High, "deploy/app.yaml", 10, 7);
        suppressed.title = "Privilege escalation allowed".to_string();
        let mut report = Report {
            findings: vec![
                low,
                finding("KW-SEC-001", Severity::Critical, "deploy/app.yaml", 11, 7),
            ],
            suppressed: vec![Suppressed {
                finding: suppressed,
                reason: "accepted".to_string(),
                suppressed_by: "comment at deploy/app.yaml:9".to_string(),
            }],
            errors: sample_scan().files[1].errors.clone(),
            warnings: vec![
                "config exemption #1 (.kubeward.yaml:4) matched no finding: remove it".to_string(),
            ],
            summary: Summary {
                files: 2,
                resources: 1,
                ..Summary::default()
            },
        };
        report.normalize();
        report
    }

    pub(crate) fn sample_rules() -> Vec<RuleInfo> {
        vec![RuleInfo {
            id: "KW-SEC-001".to_string(),
            title: "Container runs privileged".to_string(),
            severity: Severity::Critical,
            category: "security".to_string(),
            description: "A privileged container can do anything the node can.".to_string(),
            fix:
                "set `privileged: false`\nor remove the field\n\n```yaml\n  privileged: false\n```"
                    .to_string(),
            aliases: vec!["pss:privileged".to_string()],
            packs: vec!["pss-baseline".to_string()],
        }]
    }

    #[test]
    fn build_collects_errors_counts_and_sorts() {
        let scan = sample_scan();
        let findings = vec![
            finding("KW-SEC-002", Severity::High, "deploy/app.yaml", 11, 7),
            finding("KW-SEC-001", Severity::Critical, "deploy/app.yaml", 11, 7),
            finding("KW-SEC-009", Severity::Info, "deploy/app.yaml", 3, 9),
            finding("KW-SEC-001", Severity::Critical, "a.yaml", 20, 1),
            finding("KW-SEC-001", Severity::Critical, "deploy/app.yaml", 11, 3),
        ];
        let report = Report::build(
            &scan,
            findings,
            &Suppressions::new(vec![], Date::today_utc()),
        );
        let order: Vec<(&str, u32, u32, &str)> = report
            .findings
            .iter()
            .map(|f| {
                (
                    f.file.as_str(),
                    f.region.line,
                    f.region.column,
                    f.policy.as_str(),
                )
            })
            .collect();
        assert_eq!(
            order,
            vec![
                ("a.yaml", 20, 1, "KW-SEC-001"),
                ("deploy/app.yaml", 3, 9, "KW-SEC-009"),
                ("deploy/app.yaml", 11, 3, "KW-SEC-001"),
                ("deploy/app.yaml", 11, 7, "KW-SEC-001"),
                ("deploy/app.yaml", 11, 7, "KW-SEC-002"),
            ]
        );
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.summary.files, 2);
        assert_eq!(report.summary.findings, 5);
        assert_eq!(report.summary.by_severity.get("critical"), Some(&3));
        assert_eq!(report.summary.by_severity.get("info"), Some(&1));
        assert_eq!(report.summary.by_severity.get("low"), None);
    }

    #[test]
    fn add_errors_keeps_order_and_drops_repeats() {
        let mut report = sample_report();
        let e = ErrorEntry {
            file: "a.yaml".to_string(),
            line: 0,
            column: 0,
            message: "cannot read a.yaml: permission denied".to_string(),
        };
        report.add_errors([e.clone(), e]);
        assert_eq!(report.errors.len(), 2);
        assert_eq!(report.errors[0].file, "a.yaml");
    }

    #[test]
    fn exit_status() {
        let mut report = sample_report();
        assert_eq!(
            report.exit_code(FailOn::default()),
            2,
            "errors win over findings"
        );
        report.errors.clear();
        assert_eq!(report.exit_code(FailOn::default()), 1);
        assert_eq!(report.exit_code(FailOn::Severity(Severity::Critical)), 1);
        assert_eq!(report.exit_code("never".parse().unwrap()), 0);
        report.findings.retain(|f| f.severity == Severity::Low);
        assert_eq!(report.exit_code(FailOn::Severity(Severity::Medium)), 0);
        assert_eq!(report.exit_code(FailOn::Severity(Severity::Low)), 1);
        report.findings[0].severity = Severity::Info;
        assert_eq!(
            report.exit_code(FailOn::default()),
            0,
            "info findings are advice by default"
        );
        assert_eq!(report.exit_code(FailOn::Severity(Severity::Info)), 1);
        report.findings.clear();
        assert_eq!(report.exit_code(FailOn::Severity(Severity::Info)), 0);
    }

    #[test]
    fn parses_formats_and_thresholds() {
        assert_eq!("sarif".parse::<Format>(), Ok(Format::Sarif));
        assert!("xml"
            .parse::<Format>()
            .unwrap_err()
            .contains("text, json, sarif, junit"));
        assert_eq!(
            "high".parse::<FailOn>(),
            Ok(FailOn::Severity(Severity::High))
        );
        assert_eq!("none".parse::<FailOn>(), Ok(FailOn::Never));
        assert!("severe".parse::<FailOn>().is_err());
        assert_eq!(FailOn::default().to_string(), "low");
    }
}
