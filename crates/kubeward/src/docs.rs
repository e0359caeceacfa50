//! Generated documentation: one Markdown page per policy (`docs/policies/<ID>.md`), an index
//! by pack (`docs/policies/README.md`) and a crosswalk to the checks of other scanners
//! (`docs/policies/crosswalk.md`, from `policies/peers.yaml`).
//!
//! Everything comes from the policy files themselves, read leniently: only the fields the
//! pages show are read (`id`, `title`, `severity`, `category`, `packs`, `aliases`, `docs`,
//! `parameters`, `examples`, and `target`, `rule`, `message` verbatim), so a change of the
//! rule language needs no change here. `kubeward policies ID` prints the same page.
//!
//! ```
//! let peers = kubeward::docs::Peers::builtin().unwrap_or_default();
//! let pages = kubeward::docs::render_all(kubeward::builtin_policies(), &peers);
//! assert!(pages.is_ok_and(|p| p.iter().any(|(path, _)| path == "docs/policies/README.md")));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Deserialize;
use serde_json::Value as Json;

use crate::report::ErrorEntry;

/// Where the generated pages live, from the repository root.
pub const DOCS_DIR: &str = "docs/policies";

/// The peer checks data file, from the repository root.
pub const PEERS_FILE: &str = "policies/peers.yaml";

/// The command that regenerates the pages.
pub const REGENERATE: &str = "KUBEWARD_BLESS=1 cargo test -p kubeward --test docs_fresh";

/// The text of `policies/peers.yaml`, embedded at build time.
#[must_use]
pub fn builtin_peers_text() -> &'static str {
    include_str!("../../../policies/peers.yaml")
}

// ---------------------------------------------------------------------------------------
// Policy files, read for their documentation.

/// What the documentation shows of one policy file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDoc {
    /// The file it was read from (`policies/pod-security/KW-SEC-001-privileged-container.yaml`).
    #[serde(skip)]
    pub file: String,
    /// Policy id.
    pub id: String,
    /// One line saying what is wrong.
    pub title: String,
    /// Severity, as written.
    pub severity: String,
    /// Category.
    #[serde(default)]
    pub category: String,
    /// Packs it belongs to.
    #[serde(default)]
    pub packs: Vec<String>,
    /// Ids of the same check in other tools and standards.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Why and how to fix.
    #[serde(default)]
    pub docs: DocsDoc,
    /// Parameters with their defaults.
    #[serde(default)]
    pub parameters: BTreeMap<String, ParameterDoc>,
    /// What the policy is evaluated on (as written).
    #[serde(default)]
    pub target: Json,
    /// The message of a finding (template).
    #[serde(default)]
    pub message: String,
    /// Passing and failing manifests.
    #[serde(default)]
    pub examples: ExamplesDoc,
    /// The `target`, `rule` and `message` entries, verbatim from the file.
    #[serde(skip)]
    pub rule_yaml: String,
}

/// The `docs` of a policy.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct DocsDoc {
    /// Why it matters (Markdown).
    #[serde(default)]
    pub why: String,
    /// How to fix it (Markdown).
    #[serde(default)]
    pub fix: String,
    /// A fixed manifest fragment (YAML).
    #[serde(default)]
    pub example: Option<String>,
    /// Links.
    #[serde(default)]
    pub references: Vec<String>,
}

/// A parameter of a policy.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ParameterDoc {
    /// The default value.
    #[serde(default)]
    pub default: Json,
    /// What it means.
    #[serde(default)]
    pub description: String,
}

/// The examples of a policy.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ExamplesDoc {
    /// Manifests with at least one finding.
    #[serde(default)]
    pub fail: Vec<ExampleDoc>,
    /// Manifests with none.
    #[serde(default)]
    pub pass: Vec<ExampleDoc>,
}

/// One example manifest.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ExampleDoc {
    /// A short name.
    #[serde(default)]
    pub name: String,
    /// Parameter overrides for this example.
    #[serde(default)]
    pub parameters: BTreeMap<String, Json>,
    /// For a failing example: the exact number of findings.
    #[serde(default)]
    pub count: Option<u64>,
    /// The manifest.
    #[serde(default)]
    pub manifest: String,
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn yaml_error(file: &str, what: &str, err: &serde_saphyr::Error) -> ErrorEntry {
    let plain = err.without_snippet();
    let loc = plain.location();
    let text = plain.to_string();
    let first = text.lines().next().unwrap_or_default().trim();
    let message = match first.rfind(" at line ") {
        Some(i) if loc.is_some() => first.get(..i).unwrap_or(first),
        _ => first,
    };
    ErrorEntry {
        file: file.to_string(),
        line: loc.map_or(0, |l| to_u32(l.line())),
        column: loc.map_or(0, |l| to_u32(l.column())),
        message: format!("{what}: {message}"),
    }
}

impl PolicyDoc {
    /// Reads the documentation of a policy file.
    ///
    /// # Errors
    /// The file is not YAML, or lacks `id`, `title` or `severity`.
    pub fn parse(file: &str, text: &str) -> Result<PolicyDoc, ErrorEntry> {
        let mut doc: PolicyDoc = serde_saphyr::from_str(text)
            .map_err(|e| yaml_error(file, "policy file for the docs", &e))?;
        doc.file = file.to_string();
        doc.rule_yaml = ["target", "rule", "message"]
            .iter()
            .filter_map(|key| top_level_entry(text, key))
            .collect::<Vec<_>>()
            .join("\n");
        Ok(doc)
    }
}

/// The lines of the top-level entry `key` of a YAML file, verbatim (its key line, then every
/// indented, list or blank line after it), without trailing blank lines.
fn top_level_entry(text: &str, key: &str) -> Option<String> {
    let mut lines = text.lines();
    let head = lines.by_ref().find(|l| {
        l.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
    })?;
    let mut out = vec![head];
    for line in lines {
        if line.is_empty() || line.starts_with([' ', '\t', '-']) {
            out.push(line);
        } else {
            break;
        }
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    Some(out.join("\n"))
}

// ---------------------------------------------------------------------------------------
// Peer checks (`policies/peers.yaml`) and aliases.

/// The checks of other scanners (`policies/peers.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Peers {
    /// One entry per tool.
    pub tools: Vec<PeerTool>,
}

/// One scanner and its checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerTool {
    /// Short key (`kube-linter`, `checkov`, `trivy`); `tool:id` aliases name it.
    pub tool: String,
    /// Display name (`Polaris`).
    pub name: String,
    /// Where the list comes from (repository, commit, file).
    #[serde(default)]
    pub source: String,
    /// Its checks.
    pub checks: Vec<PeerCheck>,
}

/// One check of a peer scanner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PeerCheck {
    /// The id as the tool spells it (`CKV_K8S_16`, `KSV-0017`, `privileged-container`).
    pub id: String,
    /// What it checks, in one line.
    pub meaning: String,
    /// Why no manifest scan can make this check (control-plane flags...).
    #[serde(default)]
    pub not_applicable: Option<String>,
}

/// What an alias names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AliasTarget {
    /// Checks of peer tools: `(tool index, check index)` into [`Peers::tools`].
    Checks(Vec<(usize, usize)>),
    /// An id spelled like a check of this peer tool (index), but not in its list.
    Unlisted(usize),
    /// A malformed id of a tool whose ids have a fixed form (`KSV_017`, `CKV_K8S16`).
    Malformed(String),
    /// An item of a standard: (standard, item) (`Pod Security Standards`, `privileged`).
    Standard(&'static str, String),
    /// Anything else.
    Other,
}

/// The standards aliases refer to with a prefix: (prefix, name).
const STANDARDS: [(&str, &str); 3] = [
    ("pss:", "Pod Security Standards"),
    ("CIS-", "CIS Kubernetes Benchmark"),
    ("NSA-", "NSA/CISA Kubernetes Hardening Guide"),
];

/// The number of a Trivy `KSV` id in any of its spellings (`KSV-0017`, `KSV017`,
/// `AVD-KSV-0017`), when it is well formed.
fn trivy_number(id: &str) -> Option<u32> {
    let (rest, avd) = match id.strip_prefix("AVD-") {
        Some(rest) => (rest, true),
        None => (id, false),
    };
    let rest = rest.strip_prefix("KSV")?;
    let (digits, dashed) = match rest.strip_prefix('-') {
        Some(d) => (d, true),
        None => (rest, false),
    };
    let len_ok = if dashed {
        (4..=5).contains(&digits.len())
    } else {
        !avd && (3..=5).contains(&digits.len())
    };
    if !len_ok || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn looks_like_trivy(id: &str) -> bool {
    id.to_ascii_uppercase().contains("KSV")
}

fn looks_like_checkov(id: &str) -> bool {
    id.to_ascii_uppercase().starts_with("CKV")
}

fn checkov_well_formed(id: &str) -> bool {
    let rest = id
        .strip_prefix("CKV_K8S_")
        .or_else(|| id.strip_prefix("CKV2_K8S_"));
    rest.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

impl Peers {
    /// Parses `policies/peers.yaml` (strictly: unknown fields are errors).
    ///
    /// # Errors
    /// Invalid YAML, a missing or misspelt field, with its location.
    pub fn parse(file: &str, text: &str) -> Result<Peers, ErrorEntry> {
        serde_saphyr::from_str(text).map_err(|e| yaml_error(file, "peer checks", &e))
    }

    /// The embedded `policies/peers.yaml`.
    ///
    /// # Errors
    /// As [`Peers::parse`] (a test keeps the embedded file valid).
    pub fn builtin() -> Result<Peers, ErrorEntry> {
        Peers::parse(PEERS_FILE, builtin_peers_text())
    }

    fn tool_index(&self, key: &str) -> Option<usize> {
        self.tools
            .iter()
            .position(|t| t.tool.eq_ignore_ascii_case(key))
    }

    /// The check `id` of the tool at `tool`, Trivy ids in any spelling.
    fn find_in(&self, tool: usize, id: &str) -> Option<usize> {
        let t = self.tools.get(tool)?;
        if t.tool == "trivy" {
            let n = trivy_number(id)?;
            t.checks.iter().position(|c| trivy_number(&c.id) == Some(n))
        } else {
            t.checks.iter().position(|c| c.id == id)
        }
    }

    /// What `alias` names: checks of peer tools (`CKV_K8S_16`, `KSV017`,
    /// `privileged-container`, `kube-score:service-type`), an item of a standard (`pss:`,
    /// `CIS-`, `NSA-`), or nothing known.
    #[must_use]
    pub fn resolve(&self, alias: &str) -> AliasTarget {
        // `tool:id` names the tool.
        if let Some((prefix, id)) = alias.split_once(':') {
            if let Some(tool) = self.tool_index(prefix) {
                return match self.find_in(tool, id) {
                    Some(check) => AliasTarget::Checks(vec![(tool, check)]),
                    None => AliasTarget::Unlisted(tool),
                };
            }
        }
        for (prefix, name) in STANDARDS {
            if let Some(item) = alias.strip_prefix(prefix) {
                return AliasTarget::Standard(name, item.to_string());
            }
        }
        let fixed_form = [
            (
                "trivy",
                looks_like_trivy(alias),
                trivy_number(alias).is_some(),
            ),
            (
                "checkov",
                looks_like_checkov(alias),
                checkov_well_formed(alias),
            ),
        ];
        for (key, looks, well_formed) in fixed_form {
            if !looks {
                continue;
            }
            if !well_formed {
                return AliasTarget::Malformed(key.to_string());
            }
            return match self.tool_index(key) {
                Some(tool) => match self.find_in(tool, alias) {
                    Some(check) => AliasTarget::Checks(vec![(tool, check)]),
                    None => AliasTarget::Unlisted(tool),
                },
                None => AliasTarget::Other,
            };
        }
        let found: Vec<(usize, usize)> = self
            .tools
            .iter()
            .enumerate()
            .flat_map(|(t, tool)| {
                tool.checks
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.id == alias)
                    .map(move |(c, _)| (t, c))
            })
            .collect();
        if found.is_empty() {
            AliasTarget::Other
        } else {
            AliasTarget::Checks(found)
        }
    }

    /// Aliases that look like checkov or Trivy ids (or name a peer tool with `tool:`) but
    /// are malformed or not in `policies/peers.yaml`: `(policy id, alias, why)`. Typos.
    #[must_use]
    pub fn unknown_aliases(&self, policies: &[PolicyDoc]) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for p in policies {
            for alias in &p.aliases {
                let why = match self.resolve(alias) {
                    AliasTarget::Unlisted(t) => format!(
                        "looks like a {} id but is not in {PEERS_FILE}",
                        self.tools.get(t).map_or("peer", |t| t.name.as_str())
                    ),
                    AliasTarget::Malformed(key) => match key.as_str() {
                        "trivy" => {
                            "malformed Trivy id: write KSV-0017, KSV017 or AVD-KSV-0017".to_string()
                        }
                        _ => "malformed checkov id: write CKV_K8S_16 or CKV2_K8S_1".to_string(),
                    },
                    _ => continue,
                };
                out.push((p.id.clone(), alias.clone(), why));
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Coverage.

/// How one peer check is covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// By these policies.
    Covered(Vec<String>),
    /// No manifest scan can make it (the reason).
    NotApplicable(String),
    /// No policy has it as an alias.
    Missing,
}

/// The coverage of one peer tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCoverage {
    /// Tool key (`kube-linter`).
    pub tool: String,
    /// Display name.
    pub name: String,
    /// Checks listed.
    pub total: usize,
    /// Checks some policy has as an alias.
    pub covered: usize,
    /// Checks no manifest scan can make (and no policy covers).
    pub not_applicable: usize,
    /// The others.
    pub missing: usize,
    /// Each check, in the order of `policies/peers.yaml`: (check, coverage).
    pub checks: Vec<(PeerCheck, Coverage)>,
}

/// The coverage of every peer tool's checks by the aliases of `policies`.
#[must_use]
pub fn coverage(policies: &[PolicyDoc], peers: &Peers) -> Vec<ToolCoverage> {
    let mut by_check: BTreeMap<(usize, usize), BTreeSet<String>> = BTreeMap::new();
    for p in policies {
        for alias in &p.aliases {
            if let AliasTarget::Checks(found) = peers.resolve(alias) {
                for key in found {
                    by_check.entry(key).or_default().insert(p.id.clone());
                }
            }
        }
    }
    peers
        .tools
        .iter()
        .enumerate()
        .map(|(t, tool)| {
            let checks: Vec<(PeerCheck, Coverage)> = tool
                .checks
                .iter()
                .enumerate()
                .map(|(c, check)| {
                    let cov = match (by_check.get(&(t, c)), &check.not_applicable) {
                        (Some(ids), _) => Coverage::Covered(ids.iter().cloned().collect()),
                        (None, Some(reason)) => Coverage::NotApplicable(reason.clone()),
                        (None, None) => Coverage::Missing,
                    };
                    (check.clone(), cov)
                })
                .collect();
            let count = |f: fn(&Coverage) -> bool| checks.iter().filter(|(_, c)| f(c)).count();
            ToolCoverage {
                tool: tool.tool.clone(),
                name: tool.name.clone(),
                total: checks.len(),
                covered: count(|c| matches!(c, Coverage::Covered(_))),
                not_applicable: count(|c| matches!(c, Coverage::NotApplicable(_))),
                missing: count(|c| matches!(c, Coverage::Missing)),
                checks,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Markdown helpers.

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// `text` in backticks, with enough of them (and padding) to hold its own.
fn code(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

fn longest_backtick_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// A fenced code block.
fn fenced(out: &mut String, lang: &str, text: &str) {
    let fence = "`".repeat((longest_backtick_run(text) + 1).max(3));
    let _ = write!(out, "{fence}{lang}\n{}\n{fence}\n", text.trim_end());
}

/// A parameter's default in the table: inline, or its size when it is too long to read
/// there (a list of SCC objects).
fn default_cell(value: &Json) -> String {
    let text = json_inline(value);
    match value {
        Json::Array(items) if text.len() > 600 => {
            format!("{} items (see the policy file)", items.len())
        }
        Json::Object(map) if text.len() > 600 => {
            format!("{} keys (see the policy file)", map.len())
        }
        _ => cell(&code(&text)),
    }
}

fn json_inline(value: &Json) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn link_to(id: &str) -> String {
    format!("[{id}]({id}.md)")
}

fn join_codes<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    items
        .into_iter()
        .map(|s| code(s))
        .collect::<Vec<_>>()
        .join(", ")
}

fn generated_note(out: &mut String, from: &str) {
    let _ = write!(
        out,
        "<!-- Generated from {from} by `{REGENERATE}`; do not edit. -->\n\n"
    );
}

// ---------------------------------------------------------------------------------------
// The page of one policy.

/// A sentence saying what the policy is evaluated on.
fn target_sentence(target: &Json) -> String {
    let strings = |key: &str| -> Vec<String> {
        target
            .get(key)
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let workloads = format!("workload ({})", crate::model::pod_spec_kinds().join(", "));
    match target.get("view").and_then(Json::as_str) {
        Some("container") => {
            let lists = strings("containers");
            if lists.is_empty() {
                format!(
                    "every container, init container and ephemeral container of every {workloads}"
                )
            } else {
                format!(
                    "the containers of {} of every {workloads}",
                    join_codes(&lists)
                )
            }
        }
        Some("podSpec") => format!("the pod spec of every {workloads}"),
        Some("resource") => {
            let kinds = strings("kinds");
            if kinds.is_empty() {
                "every resource".to_string()
            } else {
                format!("every resource of kind {}", join_codes(&kinds))
            }
        }
        Some("diagnostic") => format!(
            "what the YAML decoder reports: {}",
            join_codes(&strings("diagnostics"))
        ),
        Some(other) => format!("the `{other}` view"),
        None => "its target".to_string(),
    }
}

/// One row of the alias table: (group, ids, what the check is).
fn alias_rows(doc: &PolicyDoc, peers: &Peers) -> Vec<(String, Vec<String>, String)> {
    // Ordered groups: standards first, then peer tools, then the rest.
    let mut standards: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut checks: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    let mut unlisted: Vec<(usize, String, String)> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    for alias in &doc.aliases {
        match peers.resolve(alias) {
            AliasTarget::Standard(name, item) => {
                let i = STANDARDS.iter().position(|(_, n)| *n == name).unwrap_or(0);
                standards.entry(i).or_default().push(item);
            }
            AliasTarget::Checks(found) => {
                for key in found {
                    checks.entry(key).or_default().push(alias.clone());
                }
            }
            AliasTarget::Unlisted(t) => {
                unlisted.push((t, alias.clone(), format!("not in `{PEERS_FILE}`")))
            }
            AliasTarget::Malformed(key) => match peers.tool_index(&key) {
                Some(t) => unlisted.push((t, alias.clone(), "malformed id".to_string())),
                None => other.push(alias.clone()),
            },
            AliasTarget::Other => other.push(alias.clone()),
        }
    }
    let mut rows = Vec::new();
    // Pod Security Standards first, the other standards after the tools.
    if let Some(items) = standards.remove(&0) {
        rows.push((STANDARDS[0].1.to_string(), items, String::new()));
    }
    for (t, tool) in peers.tools.iter().enumerate() {
        for ((_, c), ids) in checks.range((t, 0)..(t + 1, 0)) {
            let meaning = tool.checks.get(*c).map(|c| c.meaning.clone());
            rows.push((tool.name.clone(), ids.clone(), meaning.unwrap_or_default()));
        }
        for (_, alias, why) in unlisted.iter().filter(|(u, _, _)| *u == t) {
            rows.push((tool.name.clone(), vec![alias.clone()], why.clone()));
        }
    }
    for (i, items) in standards {
        let name = STANDARDS.get(i).map_or("", |s| s.1);
        rows.push((name.to_string(), items, String::new()));
    }
    if !other.is_empty() {
        rows.push(("other".to_string(), other, String::new()));
    }
    rows
}

fn example_heading(out: &mut String, fails: bool, index: usize, ex: &ExampleDoc) {
    let name = if ex.name.is_empty() {
        format!("{}[{index}]", if fails { "fail" } else { "pass" })
    } else {
        ex.name.clone()
    };
    let what = match (fails, ex.count) {
        (false, _) => "no finding".to_string(),
        (true, Some(1)) => "exactly 1 finding".to_string(),
        (true, Some(n)) => format!("exactly {n} findings"),
        (true, None) => "at least 1 finding".to_string(),
    };
    let _ = write!(out, "#### {} ({what})\n\n", code(&name));
    if !ex.parameters.is_empty() {
        let params: Vec<String> = ex
            .parameters
            .iter()
            .map(|(k, v)| code(&format!("{k}: {}", json_inline(v))))
            .collect();
        let _ = write!(out, "With parameters {}.\n\n", params.join(", "));
    }
}

/// The Markdown page of one policy (`docs/policies/<ID>.md`, and what `kubeward policies
/// ID` prints).
#[must_use]
pub fn policy_page(doc: &PolicyDoc, peers: &Peers) -> String {
    let mut out = String::new();
    let _ = write!(out, "# {}: {}\n\n", doc.id, doc.title.trim());
    out.push_str("| severity | category | packs |\n|---|---|---|\n");
    let packs = if doc.packs.is_empty() {
        "none".to_string()
    } else {
        join_codes(&doc.packs)
    };
    let _ = write!(
        out,
        "| {} | {} | {} |\n\n",
        cell(&doc.severity),
        cell(&doc.category),
        cell(&packs)
    );
    let _ = write!(out, "Defined in {}.\n\n", code(&doc.file));

    out.push_str("## What it checks\n\n");
    let _ = write!(
        out,
        "{}. Evaluated on {}.\n\n",
        doc.title.trim().trim_end_matches('.'),
        target_sentence(&doc.target)
    );
    if !doc.rule_yaml.is_empty() {
        fenced(&mut out, "yaml", &doc.rule_yaml);
        out.push('\n');
    }

    if !doc.docs.why.trim().is_empty() {
        let _ = write!(out, "## Why it matters\n\n{}\n\n", doc.docs.why.trim());
    }

    if !doc.docs.fix.trim().is_empty() || doc.docs.example.is_some() {
        out.push_str("## How to fix\n\n");
        if !doc.docs.fix.trim().is_empty() {
            let _ = write!(out, "{}\n\n", doc.docs.fix.trim());
        }
        if let Some(example) = &doc.docs.example {
            fenced(&mut out, "yaml", example);
            out.push('\n');
        }
    }

    if !doc.parameters.is_empty() {
        out.push_str("## Parameters\n\n| name | default | description |\n|---|---|---|\n");
        for (name, p) in &doc.parameters {
            let mut description = cell(&p.description);
            if name == crate::PSS_VERSION_PARAMETER {
                description.push_str(" Set by `--pss-version`.");
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code(name),
                default_cell(&p.default),
                description.trim()
            );
        }
        let _ = write!(
            out,
            "\nOverride them in `.kubeward.yaml`: `parameters: {{NAME: VALUE}}` for every \
             policy that declares `NAME`, `{}.NAME: VALUE` for this one only.\n\n",
            doc.id
        );
    }

    let rows = alias_rows(doc, peers);
    if !rows.is_empty() {
        out.push_str("## Aliases\n\nThe same check in other tools and standards ");
        out.push_str("(`kubeward policies ALIAS` finds this page):\n\n");
        out.push_str("| tool | id | their check |\n|---|---|---|\n");
        for (group, ids, meaning) in rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&group),
                cell(&join_codes(&ids)),
                cell(&meaning)
            );
        }
        out.push('\n');
    }

    if !doc.examples.fail.is_empty() || !doc.examples.pass.is_empty() {
        out.push_str("## Examples\n\n");
        out.push_str(
            "Manifests the policy must report and must accept; `cargo test` and `kubeward \
             test` run them.\n\n",
        );
        for (fails, heading, list) in [
            (true, "Reported", &doc.examples.fail),
            (false, "Accepted", &doc.examples.pass),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = write!(out, "### {heading}\n\n");
            for (i, ex) in list.iter().enumerate() {
                example_heading(&mut out, fails, i, ex);
                fenced(&mut out, "yaml", &ex.manifest);
                out.push('\n');
            }
        }
    }

    if !doc.docs.references.is_empty() {
        out.push_str("## References\n\n");
        for r in &doc.docs.references {
            let r = r.trim();
            if r.starts_with("http://") || r.starts_with("https://") {
                let _ = writeln!(out, "- <{r}>");
            } else {
                let _ = writeln!(out, "- {r}");
            }
        }
        out.push('\n');
    }

    let _ = write!(
        out,
        "## Suppressing\n\n\
         Annotation `ignore.kubeward.io/{id}: <reason>` on the resource or its pod template, \
         a comment `# kubeward:ignore {id} <reason>` on the offending line or the line above \
         it, or an exemption in `.kubeward.yaml`.\n",
        id = doc.id
    );
    out
}

// ---------------------------------------------------------------------------------------
// The index and the crosswalk.

fn pack_order(packs: &BTreeSet<&str>) -> Vec<String> {
    let mut ordered: Vec<String> = Vec::new();
    if packs.contains(crate::DEFAULT_PACK) {
        ordered.push(crate::DEFAULT_PACK.to_string());
    }
    ordered.extend(
        packs
            .iter()
            .filter(|p| **p != crate::DEFAULT_PACK)
            .map(|p| (*p).to_string()),
    );
    ordered
}

/// The index of the policies (`docs/policies/README.md`): every policy, then a table per
/// pack.
#[must_use]
pub fn index_page(policies: &[PolicyDoc]) -> String {
    let mut sorted: Vec<&PolicyDoc> = policies.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let packs: BTreeSet<&str> = sorted
        .iter()
        .flat_map(|p| p.packs.iter().map(String::as_str))
        .collect();
    let mut out = String::from("# Built-in policies\n\n");
    generated_note(&mut out, "the files under `policies/`");
    let _ = write!(
        out,
        "{} policies in {} packs. Each page says what the policy checks, why, how to fix it, its \
         parameters, its aliases in other tools and its examples; `kubeward policies ID` \
         prints the same page. `kubeward scan --pack NAME` applies a pack (`all`: every \
         policy); without `--pack`, the `{}` pack applies. How the policies cover the checks \
         of other scanners: [crosswalk](crosswalk.md).\n\n",
        sorted.len(),
        packs.len(),
        crate::DEFAULT_PACK
    );
    out.push_str("## All policies\n\n| id | title | severity | packs |\n|---|---|---|---|\n");
    for p in &sorted {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            link_to(&p.id),
            cell(&p.title),
            cell(&p.severity),
            cell(&p.packs.join(", "))
        );
    }
    out.push_str("\n## By pack\n");
    let mut sections: Vec<(String, Vec<&PolicyDoc>)> = pack_order(&packs)
        .into_iter()
        .map(|pack| {
            let members = sorted
                .iter()
                .filter(|p| p.packs.contains(&pack))
                .copied()
                .collect();
            (pack, members)
        })
        .collect();
    let loose: Vec<&PolicyDoc> = sorted
        .iter()
        .filter(|p| p.packs.is_empty())
        .copied()
        .collect();
    if !loose.is_empty() {
        sections.push(("(no pack)".to_string(), loose));
    }
    for (pack, members) in sections {
        let _ = write!(
            out,
            "\n### {} ({} {})\n\n| id | title | severity | category |\n|---|---|---|---|\n",
            code(&pack),
            members.len(),
            if members.len() == 1 {
                "policy"
            } else {
                "policies"
            }
        );
        for p in members {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                link_to(&p.id),
                cell(&p.title),
                cell(&p.severity),
                cell(&p.category)
            );
        }
    }
    out
}

fn summary_line(c: &ToolCoverage) -> String {
    format!(
        "{} / {} covered, {} not applicable, {} missing",
        c.covered, c.total, c.not_applicable, c.missing
    )
}

/// The crosswalk (`docs/policies/crosswalk.md`): for each check of each peer tool, the
/// policies that have it as an alias, the reason it does not apply to manifests, or
/// "missing"; with a summary per tool and overall.
#[must_use]
pub fn crosswalk_page(policies: &[PolicyDoc], peers: &Peers) -> String {
    let tools = coverage(policies, peers);
    let mut out = String::from("# Crosswalk: kubeward and other scanners\n\n");
    generated_note(
        &mut out,
        &format!("`{PEERS_FILE}` and the `aliases` of the files under `policies/`"),
    );
    let _ = write!(
        out,
        "Every check of the scanners below (listed in `{PEERS_FILE}`), with the kubeward \
         policies that make it: a policy covers a check when the check's id is one of its \
         `aliases`. \"not applicable\" marks checks no manifest scan can make (flags of \
         control-plane processes, removed APIs); \"missing\" the others.\n\n"
    );
    let total = ToolCoverage {
        tool: "all".to_string(),
        name: "all tools".to_string(),
        total: tools.iter().map(|t| t.total).sum(),
        covered: tools.iter().map(|t| t.covered).sum(),
        not_applicable: tools.iter().map(|t| t.not_applicable).sum(),
        missing: tools.iter().map(|t| t.missing).sum(),
        checks: Vec::new(),
    };
    out.push_str("## Summary\n\n");
    out.push_str(
        "| tool | checks | covered | not applicable | missing | covered of applicable |\n\
         |---|---|---|---|---|---|\n",
    );
    for t in tools.iter().chain([&total]) {
        let applicable = t.total - t.not_applicable;
        let name = if t.tool == "all" {
            format!("**{}**", t.name)
        } else {
            format!("[{}](#{})", t.name, anchor(&t.name))
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} / {applicable} |",
            t.total, t.covered, t.not_applicable, t.missing, t.covered
        );
    }
    out.push('\n');
    for t in &tools {
        let _ = writeln!(out, "- {}: {}", t.name, summary_line(t));
    }
    let _ = writeln!(out, "- overall: {}", summary_line(&total));

    for (tool, cov) in peers.tools.iter().zip(&tools) {
        let _ = write!(out, "\n## {}\n\n", tool.name);
        if !tool.source.is_empty() {
            let _ = write!(
                out,
                "Source: {}.\n\n",
                tool.source.trim().trim_end_matches('.')
            );
        }
        let _ = write!(out, "{}: {}.\n\n", tool.name, summary_line(cov));
        out.push_str("| check | meaning | kubeward |\n|---|---|---|\n");
        for (check, c) in &cov.checks {
            let ours = match c {
                Coverage::Covered(ids) => ids
                    .iter()
                    .map(|id| link_to(id))
                    .collect::<Vec<_>>()
                    .join(", "),
                Coverage::NotApplicable(reason) => format!("not applicable: {}", cell(reason)),
                Coverage::Missing => "missing".to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {ours} |",
                cell(&code(&check.id)),
                cell(&check.meaning)
            );
        }
    }
    out
}

/// The anchor GitHub gives a heading.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Reads every policy file for the docs.
///
/// # Errors
/// Every file that does not read, with its location.
pub fn parse_all(policy_files: &[(&str, &str)]) -> Result<Vec<PolicyDoc>, Vec<ErrorEntry>> {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in policy_files {
        match PolicyDoc::parse(file, text) {
            Ok(d) => docs.push(d),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        docs.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(docs)
    } else {
        Err(errors)
    }
}

/// The page of the policy `id`, as in `docs/policies/<ID>.md` and `kubeward policies ID`:
/// rendered from the policy file among `policy_files` (user files, `(name, text)`) or the
/// built-in ones that defines it.
///
/// # Errors
/// No policy file defines `id`, or the built-in peer list does not read.
pub fn page_for(id: &str, policy_files: &[(String, String)]) -> Result<String, String> {
    let peers = Peers::builtin().map_err(|e| e.message)?;
    let user = policy_files.iter().map(|(f, t)| (f.as_str(), t.as_str()));
    for (file, text) in user.chain(crate::builtin_policies().iter().copied()) {
        if !text.contains(id) {
            continue;
        }
        if let Ok(doc) = PolicyDoc::parse(file, text) {
            if doc.id == id {
                return Ok(policy_page(&doc, &peers));
            }
        }
    }
    Err(format!("no policy file defines `{id}`"))
}

/// Every generated page: `(path from the repository root, text)`: `docs/policies/<ID>.md`
/// for each policy, `docs/policies/README.md` and `docs/policies/crosswalk.md`.
///
/// # Errors
/// Policy files that do not read.
pub fn render_all(
    policy_files: &[(&str, &str)],
    peers: &Peers,
) -> Result<Vec<(String, String)>, Vec<ErrorEntry>> {
    let docs = parse_all(policy_files)?;
    let mut pages: Vec<(String, String)> = docs
        .iter()
        .map(|d| (format!("{DOCS_DIR}/{}.md", d.id), policy_page(d, peers)))
        .collect();
    pages.push((format!("{DOCS_DIR}/README.md"), index_page(&docs)));
    pages.push((
        format!("{DOCS_DIR}/crosswalk.md"),
        crosswalk_page(&docs, peers),
    ));
    Ok(pages)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn peers() -> Peers {
        Peers::parse(
            "peers.yaml",
            "tools:\n\
             - tool: trivy\n  name: Trivy\n  checks:\n\
             \x20 - {id: KSV-0017, meaning: Privileged}\n\
             \x20 - {id: KSV-01010, meaning: ConfigMap with sensitive content}\n\
             - tool: checkov\n  name: checkov\n  checks:\n\
             \x20 - {id: CKV_K8S_16, meaning: Container should not be privileged}\n\
             \x20 - {id: CKV_K8S_70, meaning: token auth file, notApplicable: API server flag}\n\
             - tool: kube-score\n  name: kube-score\n  checks:\n\
             \x20 - {id: service-type, meaning: NodePort}\n",
        )
        .unwrap()
    }

    #[test]
    fn trivy_ids_in_every_spelling() {
        assert_eq!(trivy_number("KSV-0017"), Some(17));
        assert_eq!(trivy_number("KSV017"), Some(17));
        assert_eq!(trivy_number("AVD-KSV-0017"), Some(17));
        assert_eq!(trivy_number("KSV01010"), Some(1010));
        assert_eq!(trivy_number("KSV-01010"), Some(1010));
        assert_eq!(trivy_number("AVD-KSV017"), None);
        assert_eq!(trivy_number("KSV_017"), None);
        assert_eq!(trivy_number("KSV-17"), None);
    }

    #[test]
    fn aliases_resolve_to_checks_standards_or_typos() {
        let p = peers();
        assert_eq!(p.resolve("KSV017"), AliasTarget::Checks(vec![(0, 0)]));
        assert_eq!(p.resolve("AVD-KSV-0017"), AliasTarget::Checks(vec![(0, 0)]));
        assert_eq!(p.resolve("KSV01010"), AliasTarget::Checks(vec![(0, 1)]));
        assert_eq!(p.resolve("KSV-0099"), AliasTarget::Unlisted(0));
        assert_eq!(
            p.resolve("AVD-KSV009"),
            AliasTarget::Malformed("trivy".to_string())
        );
        assert_eq!(p.resolve("CKV_K8S_16"), AliasTarget::Checks(vec![(1, 0)]));
        assert_eq!(p.resolve("CKV_K8S_17"), AliasTarget::Unlisted(1));
        assert_eq!(
            p.resolve("CKV_K8S16"),
            AliasTarget::Malformed("checkov".to_string())
        );
        assert_eq!(p.resolve("service-type"), AliasTarget::Checks(vec![(2, 0)]));
        assert_eq!(
            p.resolve("kube-score:service-type"),
            AliasTarget::Checks(vec![(2, 0)])
        );
        assert_eq!(p.resolve("kube-score:nope"), AliasTarget::Unlisted(2));
        assert_eq!(
            p.resolve("pss:privileged"),
            AliasTarget::Standard("Pod Security Standards", "privileged".to_string())
        );
        assert_eq!(p.resolve("Service-Type"), AliasTarget::Other);
    }

    #[test]
    fn coverage_counts_covered_not_applicable_and_missing() {
        let doc = PolicyDoc {
            id: "KW-SEC-001".to_string(),
            aliases: vec!["KSV017".to_string(), "KSV-0017".to_string()],
            ..PolicyDoc::default()
        };
        let cov = coverage(&[doc], &peers());
        assert_eq!(
            (cov[0].covered, cov[0].not_applicable, cov[0].missing),
            (1, 0, 1)
        );
        assert_eq!(
            cov[0].checks[0].1,
            Coverage::Covered(vec!["KW-SEC-001".to_string()])
        );
        assert_eq!(
            (cov[1].covered, cov[1].not_applicable, cov[1].missing),
            (0, 1, 1)
        );
    }

    #[test]
    fn top_level_entries_are_taken_verbatim() {
        let text = "id: X\ntarget:\n  view: container\n\nrule:\n  deny: {path: a, equals: 1}\n# note\nmessage: \"m\"\nexamples:\n- a\n";
        assert_eq!(
            top_level_entry(text, "target").unwrap(),
            "target:\n  view: container"
        );
        assert_eq!(
            top_level_entry(text, "rule").unwrap(),
            "rule:\n  deny: {path: a, equals: 1}"
        );
        assert_eq!(top_level_entry(text, "message").unwrap(), "message: \"m\"");
        assert_eq!(top_level_entry(text, "examples").unwrap(), "examples:\n- a");
        assert!(top_level_entry(text, "ru").is_none());
    }

    #[test]
    fn markdown_helpers_escape() {
        assert_eq!(cell("a | b\n c"), "a \\| b c");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
        let mut out = String::new();
        fenced(&mut out, "yaml", "a: ```\n");
        assert_eq!(out, "````yaml\na: ```\n````\n");
        assert_eq!(anchor("kube-linter"), "kube-linter");
        assert_eq!(anchor("Polaris"), "polaris");
    }
}
