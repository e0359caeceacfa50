//! The policy language: one policy per YAML file, parsed strictly into the types below
//! (whose JSON schema is `policies/policy.schema.json`), then compiled ([`compile`]) into
//! the form the evaluator runs.

pub(crate) mod compile;
pub(crate) mod path;
pub(crate) mod template;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::report::{ErrorEntry, Severity};

/// A policy file.
///
/// ```yaml
/// id: KW-SEC-001
/// title: Container runs privileged
/// severity: critical
/// category: security
/// packs: [default, pss-baseline]
/// aliases: [pss:privileged, CKV_K8S_16]
/// docs: {why: "...", fix: "..."}
/// target: {view: container}
/// rule:
///   deny: {path: securityContext.privileged, equals: true}
/// message: "container {{container.name}} runs privileged"
/// ```
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "kubeward policy")]
pub(crate) struct PolicyDef {
    /// Stable identifier, never reused (`KW-SEC-001` for built-in policies); the file name
    /// starts with it.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// One line saying what is wrong (`Container runs privileged`).
    pub title: String,
    /// How bad a finding is.
    pub severity: Severity,
    /// Group for listings (`security`, `reliability`, `yaml`...).
    pub category: String,
    /// Packs the policy belongs to (`default` is applied when no pack is chosen).
    #[serde(default)]
    pub packs: Vec<String>,
    /// Ids of the same check in other tools (`CKV_K8S_16`, `KSV017`, `pss:privileged`...).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Why it matters and how to fix it.
    pub docs: DocsDef,
    /// Parameters with their defaults; users override them (`lowestPort: 1024`).
    #[serde(default)]
    pub parameters: BTreeMap<String, ParameterDef>,
    /// What the policy is evaluated on.
    pub target: TargetDef,
    /// What must hold.
    pub rule: RuleDef,
    /// Message of a finding; `{{container.name}}`, `{{resource.kind}}`, `{{params.x}}`,
    /// `{{value}}`... are replaced.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// Manifests the policy must pass and must fail; the test suite runs them.
    #[serde(default)]
    pub examples: ExamplesDef,
    /// Policies this one replaces when both are loaded (as a Pod Security restricted check
    /// replaces a baseline one): while `when` holds, the overridden policy is not evaluated.
    #[serde(default)]
    pub overrides: Vec<OverrideDef>,
}

/// A policy that another one replaces.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct OverrideDef {
    /// Id of the replaced policy (nothing happens when it is not loaded).
    #[schemars(with = "String")]
    pub policy: Spanned<String>,
    /// Replace it only while this holds; tests on parameters only (version gates such as
    /// `{param: pssVersion, versionGe: v1.22}`). Default: always.
    #[serde(default)]
    #[schemars(with = "Option<CondDef>")]
    pub when: Option<Spanned<CondDef>>,
}

/// Documentation of a policy.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct DocsDef {
    /// Why it matters (Markdown).
    pub why: String,
    /// How to fix it (Markdown).
    pub fix: String,
    /// A fixed manifest fragment (YAML).
    #[serde(default)]
    pub example: Option<String>,
    /// Links.
    #[serde(default)]
    pub references: Vec<String>,
}

/// A parameter and its default.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ParameterDef {
    /// The default value; an override must have the same JSON type.
    pub default: serde_json::Value,
    /// What it means.
    #[serde(default)]
    pub description: String,
}

/// The normalized view a policy is evaluated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) enum ViewDef {
    /// Each resource (its root object).
    Resource,
    /// The pod spec of each workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController, Job, CronJob, PodTemplate, DeploymentConfig).
    PodSpec,
    /// Each container, init container and ephemeral container of each workload.
    Container,
    /// Each decoder diagnostic (surprising YAML Kubernetes accepts).
    Diagnostic,
}

/// The container lists a container policy looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) enum ContainerListDef {
    /// `spec.containers`.
    Containers,
    /// `spec.initContainers`.
    InitContainers,
    /// `spec.ephemeralContainers`.
    EphemeralContainers,
}

/// The decoder diagnostics a diagnostic policy looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum DiagnosticDef {
    /// A key written twice in one mapping (Kubernetes keeps the last).
    DuplicateKey,
    /// A merge key (`<<`) replaced a key written before it.
    MergeOverridesKey,
    /// Merged mappings, or a merge and a later key, set the same key.
    MergeOverlap,
    /// Content Kubernetes never reads (after `...`).
    IgnoredContent,
}

/// What a policy is evaluated on.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct TargetDef {
    /// The view.
    pub view: ViewDef,
    /// Resource kinds (`Service`); default: every kind that has the view.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub kinds: Vec<Spanned<String>>,
    /// For the container view: which lists (default: all three).
    #[serde(default)]
    pub containers: Vec<ContainerListDef>,
    /// For the diagnostic view: which diagnostics (required).
    #[serde(default)]
    pub diagnostics: Vec<DiagnosticDef>,
}

/// The rule: exactly one of `deny` and `require`, optionally `when` and `blame`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RuleDef {
    /// Evaluate the target only when this holds (version gates, exemptions).
    #[serde(default)]
    #[schemars(with = "Option<CondDef>")]
    pub when: Option<Spanned<CondDef>>,
    /// A finding for each witness when this holds.
    #[serde(default)]
    #[schemars(with = "Option<CondDef>")]
    pub deny: Option<Spanned<CondDef>>,
    /// A finding for each witness when this does not hold.
    #[serde(default)]
    #[schemars(with = "Option<CondDef>")]
    pub require: Option<Spanned<CondDef>>,
    /// The node to blame instead of the witnesses (the nearest existing parent when
    /// missing).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub blame: Option<Spanned<String>>,
}

/// A condition: a combinator (`all`, `any`, `union`, `not`), a quantifier (`some`/`every` with
/// `where`), a relation (`related`), or a test: a subject (`path` or `param`) with one
/// operator. An operand is a literal, `{param: name}`, `{path: other.path}` or
/// `{concat: [operand, ...]}` (a string joined from literals, parameters and paths) or
/// `{quantity: path}` (the Kubernetes quantity at the path, as a number of units).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct CondDef {
    /// Holds when every condition holds.
    #[serde(default)]
    #[schemars(with = "Option<Vec<CondDef>>")]
    pub all: Option<Vec<Spanned<CondDef>>>,
    /// Holds when some condition holds.
    #[serde(default)]
    #[schemars(with = "Option<Vec<CondDef>>")]
    pub any: Option<Vec<Spanned<CondDef>>>,
    /// Holds when some condition holds, like `any`; its witnesses are those of every
    /// condition that holds (one finding per offending place), where `any` keeps the first.
    #[serde(default)]
    #[schemars(with = "Option<Vec<CondDef>>")]
    pub union: Option<Vec<Spanned<CondDef>>>,
    /// Holds when the condition does not.
    #[serde(default)]
    #[schemars(with = "Option<Box<CondDef>>")]
    pub not: Option<Box<Spanned<CondDef>>>,
    /// Holds when some item of this list (or value of this map) satisfies `where`.
    /// `$containers` is every init, regular and ephemeral container of the pod (in that
    /// order), each with `$container` and `effective.` bound to it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub some: Option<Spanned<String>>,
    /// Holds when every item of this list (or value of this map) satisfies `where`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub every: Option<Spanned<String>>,
    /// The condition on each item of `some`/`every` (paths are relative to the item), or
    /// on each candidate of `related`.
    #[serde(default, rename = "where")]
    #[schemars(with = "Option<Box<CondDef>>")]
    pub where_: Option<Box<Spanned<CondDef>>>,
    /// Holds when two items of this list have equal values at `by` (the items themselves
    /// without `by`); the witness of each repeated value is its second occurrence.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub duplicates: Option<Spanned<String>>,
    /// With `duplicates`: the path, from each item, of the value that must not repeat.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub by: Option<Spanned<String>>,
    /// Holds when another resource of the scan satisfies `where`.
    #[serde(default)]
    pub related: Option<RelatedDef>,
    /// Holds when an OpenShift SecurityContextConstraints refuses the pod (pod spec and
    /// container views): one witness per refused field.
    #[serde(default)]
    #[schemars(with = "Option<SccRefusesDef>")]
    pub scc_refuses: Option<Box<SccRefusesDef>>,

    /// The subject: a path from the current node (see README).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub path: Option<Spanned<String>>,
    /// The subject: a parameter.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub param: Option<Spanned<String>>,
    /// The subject: the Kubernetes quantity (`500m`, `1Gi`) at a path, as a number of
    /// units; absent when unset or not a valid quantity.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub quantity: Option<Spanned<String>>,

    /// Equal (numbers by value).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub equals: Option<Spanned<serde_json::Value>>,
    /// Not equal (also when unset).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub not_equals: Option<Spanned<serde_json::Value>>,
    /// Equal to an item of the list.
    #[serde(default, rename = "in")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub in_: Option<Spanned<serde_json::Value>>,
    /// Equal to no item of the list (also when unset).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub not_in: Option<Spanned<serde_json::Value>>,
    /// The subject is a list with an item equal to the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub contains: Option<Spanned<serde_json::Value>>,
    /// The subject is not a list with an item equal to the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub not_contains: Option<Spanned<serde_json::Value>>,
    /// A string matched by the regular expression (Rust `regex` syntax, unanchored).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub matches: Option<Spanned<serde_json::Value>>,
    /// Not a string matched by the regular expression.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub not_matches: Option<Spanned<serde_json::Value>>,
    /// A number less than the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub lt: Option<Spanned<serde_json::Value>>,
    /// A number less than or equal to the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub le: Option<Spanned<serde_json::Value>>,
    /// A number greater than the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub gt: Option<Spanned<serde_json::Value>>,
    /// A number greater than or equal to the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub ge: Option<Spanned<serde_json::Value>>,
    /// `true`: set (and not `null`); `false`: unset.
    #[serde(default)]
    pub exists: Option<bool>,
    /// `true`: unset, `null`, `""`, `[]` or `{}`; `false`: anything else.
    #[serde(default)]
    pub empty: Option<bool>,
    /// The JSON type.
    #[serde(default, rename = "type")]
    pub type_: Option<JsonTypeDef>,
    /// A version (`v1.25`, `latest`) below the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub version_lt: Option<Spanned<serde_json::Value>>,
    /// A version at most the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub version_le: Option<Spanned<serde_json::Value>>,
    /// A version above the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub version_gt: Option<Spanned<serde_json::Value>>,
    /// A version at least the operand.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub version_ge: Option<Spanned<serde_json::Value>>,
    /// The subject, an equality selector (Service, ReplicationController: `{app: web}`;
    /// empty selects nothing), selects the operand's labels.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub map_selects: Option<Spanned<serde_json::Value>>,
    /// The subject, a `LabelSelector` (`matchLabels`, `matchExpressions`; `{}` selects
    /// everything, unset nothing), selects the operand's labels.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub label_selector_selects: Option<Spanned<serde_json::Value>>,
}

/// JSON types for `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum JsonTypeDef {
    /// A string.
    String,
    /// Any number.
    Number,
    /// A number without fraction.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A list.
    Array,
    /// A map.
    Object,
    /// `null` or unset.
    Null,
}

/// A relation: other resources of the scan.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RelatedDef {
    /// Kinds of the candidates (default: every kind).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub kinds: Vec<Spanned<String>>,
    /// Only candidates in the target's namespace (default true; an unset namespace
    /// matches any).
    #[serde(default = "yes")]
    pub same_namespace: bool,
    /// The condition on a candidate: paths start at the candidate, `$self.` paths at the
    /// target.
    #[serde(rename = "where")]
    #[schemars(with = "Box<CondDef>")]
    pub where_: Box<Spanned<CondDef>>,
}

/// `sccRefuses`: OpenShift SCC admission of the pod on CREATE (the SCC fills in what it
/// fills in, then validates). Holds when the SCC named `scc` refuses the pod; each refused
/// field is a witness (its reason is `{{reason}}`, and `{{scc}}` names the least privileged
/// SCC of `sccs` that admits the pod).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SccRefusesDef {
    /// The name of the SCC (in `sccs`) whose refusal is tested (`restricted-v2`).
    #[schemars(with = "String")]
    pub scc: Spanned<String>,
    /// The SCCs: a list of `SecurityContextConstraints` objects, or `{param: name}`.
    #[schemars(with = "serde_json::Value")]
    pub sccs: Spanned<serde_json::Value>,
    /// The namespace annotations used when the pod's Namespace is not in the scan (or
    /// lacks one): `{uidRange, mcs, supplementalGroups}` (the values of
    /// `openshift.io/sa.scc.uid-range`, `openshift.io/sa.scc.mcs` and
    /// `openshift.io/sa.scc.supplemental-groups`), or `{param: name}`.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub namespace_defaults: Option<Spanned<serde_json::Value>>,
    /// The sysctls every SCC allows (a list of names, or `{param: name}`).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub safe_sysctls: Option<Spanned<serde_json::Value>>,
}

fn yes() -> bool {
    true
}

/// Examples that the test suite (and `kubeward test`) runs.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ExamplesDef {
    /// Manifests with no finding of this policy.
    #[serde(default)]
    pub pass: Vec<ExampleDef>,
    /// Manifests with at least one finding of this policy (exactly `count` when given).
    #[serde(default)]
    pub fail: Vec<ExampleDef>,
}

/// One example manifest.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ExampleDef {
    /// A short name.
    #[serde(default)]
    pub name: String,
    /// Parameter overrides for this example.
    #[serde(default)]
    pub parameters: BTreeMap<String, serde_json::Value>,
    /// For a failing example: the exact number of findings.
    #[serde(default)]
    pub count: Option<usize>,
    /// The manifest (one or more YAML documents).
    #[schemars(with = "String")]
    pub manifest: Spanned<String>,
}

/// What `kubeward policies`, SARIF rules and bindings show about a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Policy id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Category.
    pub category: String,
    /// Why it matters (Markdown), then its parameters and references.
    pub description: String,
    /// How to fix it (Markdown), with a YAML example when the policy has one.
    pub fix: String,
    /// Ids of the same check in other tools.
    pub aliases: Vec<String>,
    /// Packs it belongs to.
    pub packs: Vec<String>,
}

/// The JSON schema of policy files (`policies/policy.schema.json`).
#[must_use]
pub fn policy_schema() -> String {
    let schema = schemars::schema_for!(PolicyDef);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// A line or column as the report counts them.
pub(crate) fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// An error at a location of a policy file.
pub(crate) fn error_at(
    file: &str,
    loc: serde_saphyr::Location,
    message: impl Into<String>,
) -> ErrorEntry {
    ErrorEntry {
        file: file.to_string(),
        line: to_u32(loc.line()),
        column: to_u32(loc.column()),
        message: message.into(),
    }
}

/// Parses one policy file strictly (duplicate keys and unknown fields are errors).
pub(crate) fn parse(file: &str, text: &str) -> Result<PolicyDef, ErrorEntry> {
    check_depth(file, text)?;
    parse_trusted(file, text)
}

/// [`parse`] without the nesting check, for the built-in policies: they are part of the
/// program (shallow, and tested), and every scan parses all of them.
pub(crate) fn parse_trusted(file: &str, text: &str) -> Result<PolicyDef, ErrorEntry> {
    serde_saphyr::from_str::<PolicyDef>(text).map_err(|err| {
        let plain = err.without_snippet();
        let loc = plain.location();
        ErrorEntry {
            file: file.to_string(),
            line: loc.map_or(0, |l| to_u32(l.line())),
            column: loc.map_or(0, |l| to_u32(l.column())),
            message: clean_message(&plain.to_string()),
        }
    })
}

/// The deepest nesting a policy file may have (serde-saphyr's own default budget).
const POLICY_DEPTH: usize = 64;

/// Refuses a policy file nested deeper than [`POLICY_DEPTH`] before the recursive
/// deserializer sees it (deep input would overflow its stack, in debug builds first). The
/// iterative decoder measures the depth; its other verdicts are left to serde-saphyr.
fn check_depth(file: &str, text: &str) -> Result<(), ErrorEntry> {
    let limits = kubeward_yaml::DecodeLimits {
        max_depth: POLICY_DEPTH,
        max_flow_depth: POLICY_DEPTH,
        ..kubeward_yaml::DecodeLimits::default()
    };
    let decoded = kubeward_yaml::decode_with(text.as_bytes(), &limits);
    match decoded.errors.iter().find(|e| {
        e.message.contains("(limit max-depth=") || e.message.contains("(limit max-flow-depth=")
    }) {
        Some(e) => Err(ErrorEntry {
            file: file.to_string(),
            line: e.pos.line,
            column: e.pos.column,
            message: format!(
                "a policy file nests mappings and sequences at most {POLICY_DEPTH} levels deep"
            ),
        }),
        None => Ok(()),
    }
}

/// Drops the `at line X, column Y` decoration serde-saphyr puts in messages (the entry has
/// the location) and says what a policy file expects.
fn clean_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    let first = match first.rfind(" at line ") {
        Some(i) if first.get(i..).is_some_and(|t| t.contains("column")) => {
            first.get(..i).unwrap_or(first)
        }
        _ => first,
    };
    if let Some(rest) = first.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return format!("duplicate key `{key}`: a policy file sets each key once");
    }
    first.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in policies skip the nesting check ([`parse_trusted`]): they must pass it.
    #[test]
    fn built_in_policies_are_within_the_nesting_bound() {
        let builtins = crate::engine::builtin_policies();
        assert!(builtins.len() > 100);
        for (file, text) in builtins {
            assert!(check_depth(file, text).is_ok(), "{file}");
        }
    }

    #[test]
    fn the_nesting_bound_refuses_deep_policy_files() {
        let deep = format!(
            "{}1{}",
            "[".repeat(POLICY_DEPTH + 1),
            "]".repeat(POLICY_DEPTH + 1)
        );
        assert!(check_depth("deep.yaml", &deep).is_err());
    }
}
