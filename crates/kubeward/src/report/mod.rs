//! Findings, the report, and its output formats.

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
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
    /// Chart name.
    pub chart: String,
    /// Template path inside the chart (`templates/deployment.yaml`).
    pub file: String,
    /// 1-based line in the template.
    pub line: u32,
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

/// What a scan found.
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
