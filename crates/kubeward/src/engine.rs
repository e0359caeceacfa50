//! The engine: built-in and user policies compiled once, evaluated over a [`Scan`].

use std::collections::{BTreeMap, BTreeSet};

use kubeward_yaml::{Diagnostic, Entry, Mapping, Node, Span, Value};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::eval::{self, Ctx, Shown, Witness, World};
use crate::model::{ContainerView, Located, PodSpecView, Resource, Scan};
use crate::policy::compile::{self, Policy};
use crate::policy::template::{show, show_node, Vars};
pub(crate) use crate::policy::RuleInfo;
use crate::policy::{self, PolicyDef, ViewDef};
use crate::report::{ErrorEntry, Finding, Region, ResourceRef};

#[cfg(test)]
mod narrowing_tests;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));
}

/// The built-in policy files, `(path, text)`, sorted by path
/// (`policies/pss-baseline/KW-SEC-001-privileged-container.yaml`).
#[must_use]
pub fn builtin_policies() -> &'static [(&'static str, &'static str)] {
    builtin::BUILTIN_POLICIES
}

type Parsed = Vec<(String, Result<PolicyDef, ErrorEntry>)>;

/// The built-in policies, parsed once per process.
fn parsed_builtins() -> &'static Parsed {
    static PARSED: std::sync::OnceLock<Parsed> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        builtin_policies()
            .iter()
            .map(|(file, text)| ((*file).to_string(), policy::parse_trusted(file, text)))
            .collect()
    })
}

/// The pack applied when none is chosen.
pub const DEFAULT_PACK: &str = "default";

/// The parameter that [`EngineOptions::pss_version`] sets.
pub const PSS_VERSION_PARAMETER: &str = "pssVersion";

/// How to build an [`Engine`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EngineOptions {
    /// Built-in packs to apply (`pss-baseline`, `pss-restricted`...; `all` for every
    /// built-in policy, `none` for none). Empty: the `default` pack.
    #[serde(default)]
    pub packs: Vec<String>,
    /// Extra policy files, `(name, text)`; always applied.
    #[serde(default)]
    pub policy_files: Vec<(String, String)>,
    /// Pod Security Standards version (`v1.25`, `latest`): sets the `pssVersion` parameter
    /// of every policy that has it.
    #[serde(default)]
    pub pss_version: Option<String>,
    /// Parameter overrides: `name` for every policy that declares it, `POLICY-ID.name` for
    /// one policy.
    #[serde(default)]
    pub parameters: BTreeMap<String, Json>,
    /// Bounds on policy regexes (`max-regex-bytes`, `max-regex-size`) and relations
    /// (`max-relation-checks`).
    #[serde(skip)]
    pub limits: crate::Limits,
}

/// A loaded policy: its definition (to recompile examples with other parameters) and its
/// compiled form.
#[derive(Debug, Clone)]
struct Loaded {
    def: PolicyDef,
    overrides: BTreeMap<String, Json>,
    policy: Policy,
    /// False when another loaded policy replaces it (`overrides`): it is not evaluated.
    active: bool,
}

/// Compiled policies, ready to evaluate scans.
#[derive(Debug, Clone)]
pub struct Engine {
    policies: Vec<Loaded>,
    limits: crate::Limits,
}

/// What an example was expected to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expectation {
    /// No finding of its policy.
    Pass,
    /// At least one finding of its policy (exactly `count` when the example says).
    Fail,
}

/// The outcome of one policy example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExampleResult {
    /// Policy id.
    pub policy: String,
    /// Policy file.
    pub file: String,
    /// Example name (`fail[0]` when it has none).
    pub name: String,
    /// Line of the example's manifest in the policy file.
    pub line: u32,
    /// What it should do.
    pub expect: Expectation,
    /// Whether it did.
    pub ok: bool,
    /// The findings of its policy.
    pub findings: Vec<Finding>,
    /// Why it did not (empty when `ok`).
    pub message: String,
}

fn options_error(message: String) -> ErrorEntry {
    ErrorEntry {
        file: "<options>".to_string(),
        line: 0,
        column: 0,
        message,
    }
}

fn valid_pss_version(v: &str) -> bool {
    v == "latest"
        || v.strip_prefix("v1.").is_some_and(|minor| {
            !minor.is_empty()
                && minor.chars().all(|c| c.is_ascii_digit())
                && (minor == "0" || !minor.starts_with('0'))
        })
}

impl Engine {
    /// Loads the chosen built-in packs and the user's policy files, applies parameter
    /// overrides and compiles everything. Every mistake is reported, with its location.
    ///
    /// # Errors
    /// Policy files that do not parse or compile, unknown packs, unknown parameters or
    /// parameters of the wrong type, an invalid PSS version, duplicate policy ids.
    pub fn new(opts: EngineOptions) -> Result<Engine, Vec<ErrorEntry>> {
        let (engine, errors) = Engine::new_partial(opts);
        if errors.is_empty() {
            Ok(engine)
        } else {
            Err(errors)
        }
    }

    /// [`Engine::new`] that keeps going: the policies that load are compiled, and the
    /// errors (a broken policy file, an unknown pack or parameter) are returned beside the
    /// engine, so that a scan still evaluates everything else and reports them.
    #[must_use]
    pub fn new_partial(opts: EngineOptions) -> (Engine, Vec<ErrorEntry>) {
        let mut errors = Vec::new();
        let mut defs: Vec<(String, PolicyDef)> = Vec::new();

        let mut builtins: Vec<(String, PolicyDef)> = Vec::new();
        for (file, parsed) in parsed_builtins() {
            match parsed {
                Ok(def) => builtins.push((file.clone(), def.clone())),
                Err(e) => errors.push(e.clone()),
            }
        }
        let packs: Vec<String> = if opts.packs.is_empty() {
            vec![DEFAULT_PACK.to_string()]
        } else {
            opts.packs.clone()
        };
        let known: BTreeSet<&str> = builtins
            .iter()
            .flat_map(|(_, d)| d.packs.iter().map(String::as_str))
            .collect();
        for pack in &packs {
            if pack != "all" && pack != "none" && !known.contains(pack.as_str()) {
                errors.push(options_error(format!(
                    "unknown pack `{pack}`: expected one of {}, all, none",
                    known.iter().copied().collect::<Vec<_>>().join(", ")
                )));
            }
        }
        let all = packs.iter().any(|p| p == "all");
        for (file, def) in builtins {
            if all || def.packs.iter().any(|p| packs.contains(p)) {
                defs.push((file, def));
            }
        }
        for (file, text) in &opts.policy_files {
            match policy::parse(file, text) {
                Ok(def) => defs.push((file.clone(), def)),
                Err(e) => errors.push(e),
            }
        }

        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (file, def) in &defs {
            if let Some(other) = seen.insert(def.id.value.clone(), file.clone()) {
                errors.push(policy::error_at(
                    file,
                    def.id.referenced,
                    format!(
                        "duplicate policy id `{}`: {other} already defines it",
                        def.id.value
                    ),
                ));
            }
        }

        // Parameter overrides, per policy.
        let mut global = BTreeMap::new();
        let mut per_policy: BTreeMap<String, BTreeMap<String, Json>> = BTreeMap::new();
        for (key, value) in &opts.parameters {
            match key.split_once('.') {
                Some((id, name)) => {
                    if !defs.iter().any(|(_, d)| d.id.value == id) {
                        errors.push(options_error(format!(
                            "parameter `{key}`: no loaded policy has the id `{id}`"
                        )));
                    }
                    per_policy
                        .entry(id.to_string())
                        .or_default()
                        .insert(name.to_string(), value.clone());
                }
                None => {
                    if !defs.iter().any(|(_, d)| d.parameters.contains_key(key)) {
                        errors.push(options_error(format!(
                            "parameter `{key}`: no loaded policy declares it"
                        )));
                    }
                    global.insert(key.clone(), value.clone());
                }
            }
        }
        if let Some(v) = &opts.pss_version {
            if valid_pss_version(v) {
                global.insert(PSS_VERSION_PARAMETER.to_string(), Json::String(v.clone()));
            } else {
                errors.push(options_error(format!(
                    "invalid Pod Security Standards version `{v}`: expected `latest` or `v1.N` (e.g. v1.25)"
                )));
            }
        }

        let mut policies = Vec::new();
        for (file, def) in defs {
            let mut overrides: BTreeMap<String, Json> = global
                .iter()
                .filter(|(k, _)| def.parameters.contains_key(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if let Some(own) = per_policy.get(&def.id.value) {
                overrides.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            let compiled = compile::parameters(&file, &def, &overrides)
                .and_then(|params| compile::compile(&file, &def, &params, &opts.limits));
            match compiled {
                Ok(policy) => policies.push(Loaded {
                    def,
                    overrides,
                    policy,
                    active: true,
                }),
                Err(e) => errors.extend(e),
            }
        }
        errors.sort();
        errors.dedup();
        policies.sort_by(|a, b| a.policy.id.cmp(&b.policy.id));
        // A policy replaced by another loaded one (as a Pod Security restricted check
        // replaces a baseline check from some version on) is not evaluated.
        let replaced: BTreeSet<String> = policies
            .iter()
            .flat_map(|l| l.policy.overrides.iter())
            .filter(|o| o.when.as_ref().is_none_or(eval::holds_on_parameters))
            .map(|o| o.policy.clone())
            .collect();
        for loaded in &mut policies {
            loaded.active = !replaced.contains(&loaded.policy.id);
        }
        let engine = Engine {
            policies,
            limits: opts.limits,
        };
        (engine, errors)
    }

    /// Ids of the loaded policies that another loaded policy replaces (`overrides`), so
    /// they are not evaluated.
    #[must_use]
    pub fn overridden(&self) -> Vec<String> {
        self.policies
            .iter()
            .filter(|l| !l.active)
            .map(|l| l.policy.id.clone())
            .collect()
    }

    /// The loaded policies, by id.
    #[must_use]
    pub fn rules(&self) -> Vec<RuleInfo> {
        self.policies.iter().map(rule_info).collect()
    }

    /// Evaluates every loaded policy on every resource (and decoder diagnostic) of the
    /// scan. Findings are sorted by file, line, column and policy id.
    #[must_use]
    pub fn evaluate(&self, scan: &Scan) -> Vec<Finding> {
        self.evaluate_checked(scan).0
    }

    /// [`Engine::evaluate`], with the errors of the evaluation: a relation that examined
    /// more candidates than `max-relation-checks` allows (its policies may then miss
    /// findings, so the scan must fail).
    #[must_use]
    pub fn evaluate_checked(&self, scan: &Scan) -> (Vec<Finding>, Vec<ErrorEntry>) {
        let policies: Vec<&Policy> = self
            .policies
            .iter()
            .filter(|l| l.active)
            .map(|l| &l.policy)
            .collect();
        evaluate(&policies, scan, self.limits.max_relation_checks())
    }

    /// Runs every loaded policy's examples: a failing example must produce at least one
    /// finding of its policy (exactly `count` when given), a passing one none.
    #[must_use]
    pub fn test_examples(&self) -> Vec<ExampleResult> {
        let mut out = Vec::new();
        for loaded in &self.policies {
            for ex in &loaded.policy.examples {
                out.push(run_example(loaded, ex));
            }
        }
        out
    }
}

fn rule_info(loaded: &Loaded) -> RuleInfo {
    use std::fmt::Write as _;
    let p = &loaded.policy;
    let mut description = p.docs.why.trim().to_string();
    if !p.params.is_empty() {
        description.push_str("\n\nParameters:");
        for (name, value) in &p.params {
            let doc = loaded
                .def
                .parameters
                .get(name)
                .map(|d| d.description.trim())
                .unwrap_or_default();
            let _ = write!(description, "\n- `{name}` = `{value}`");
            if !doc.is_empty() {
                let _ = write!(description, ": {doc}");
            }
        }
    }
    if !p.docs.references.is_empty() {
        description.push_str("\n\nReferences:");
        for r in &p.docs.references {
            let _ = write!(description, "\n- {r}");
        }
    }
    let mut fix = p.docs.fix.trim().to_string();
    if let Some(example) = &p.docs.example {
        let _ = write!(fix, "\n\n```yaml\n{}\n```", example.trim_end());
    }
    RuleInfo {
        id: p.id.clone(),
        title: p.title.clone(),
        severity: p.severity,
        category: p.category.clone(),
        description,
        fix,
        aliases: p.aliases.clone(),
        packs: p.packs.clone(),
    }
}

fn run_example(loaded: &Loaded, ex: &compile::Example) -> ExampleResult {
    let p = &loaded.policy;
    let mut result = ExampleResult {
        policy: p.id.clone(),
        file: p.file.clone(),
        name: ex.name.clone(),
        line: ex.line,
        expect: if ex.expect_fail {
            Expectation::Fail
        } else {
            Expectation::Pass
        },
        ok: false,
        findings: Vec::new(),
        message: String::new(),
    };
    let recompiled;
    let policy = if ex.params.is_empty() {
        p
    } else {
        let mut overrides = loaded.overrides.clone();
        overrides.extend(ex.params.iter().map(|(k, v)| (k.clone(), v.clone())));
        match compile::parameters(&p.file, &loaded.def, &overrides).and_then(|params| {
            compile::compile(&p.file, &loaded.def, &params, &crate::Limits::default())
        }) {
            Ok(c) => {
                recompiled = c;
                &recompiled
            }
            Err(errors) => {
                result.message = errors
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                return result;
            }
        }
    };
    let name = format!("{}#{}", p.file, ex.name);
    let source = crate::model::load(&name, ex.manifest.as_bytes(), 0);
    if let Some(e) = source.errors.first() {
        result.message = format!(
            "the example manifest does not load: {}:{}: {}",
            e.line, e.column, e.message
        );
        return result;
    }
    let scan = Scan {
        files: vec![source],
    };
    result.findings = evaluate(&[policy], &scan, u64::MAX).0;
    let n = result.findings.len();
    result.ok = match (ex.expect_fail, ex.count) {
        (false, _) => n == 0,
        (true, Some(c)) => n == c,
        (true, None) => n > 0,
    };
    if !result.ok {
        result.message = match (ex.expect_fail, ex.count) {
            (false, _) => format!(
                "expected no finding, got {n}: {}",
                result
                    .findings
                    .iter()
                    .map(|f| format!("{}:{} {}", f.region.line, f.region.column, f.message))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            (true, Some(c)) => format!("expected {c} finding(s), got {n}"),
            (true, None) => "expected a finding, got none".to_string(),
        };
    }
    result
}

fn kind_matches(policy: &Policy, kind: &str) -> bool {
    policy
        .target
        .kinds
        .as_ref()
        .is_none_or(|k| k.iter().any(|k| k == kind))
}

/// Evaluates `policies` on `scan`.
fn evaluate(
    policies: &[&Policy],
    scan: &Scan,
    max_relation_checks: u64,
) -> (Vec<Finding>, Vec<ErrorEntry>) {
    evaluate_in(policies, scan, max_relation_checks, |world| world)
}

/// [`evaluate`], with the scan's [`World`] adjusted by `adjust` (tests turn its indexes
/// off).
fn evaluate_in<'s>(
    policies: &[&Policy],
    scan: &'s Scan,
    max_relation_checks: u64,
    adjust: impl Fn(World<'s>) -> World<'s>,
) -> (Vec<Finding>, Vec<ErrorEntry>) {
    let new_world = || {
        adjust(
            World::new(
                scan.files
                    .iter()
                    .enumerate()
                    .flat_map(|(i, f)| f.resources.iter().map(move |r| (i, r, r.pod_spec())))
                    .collect(),
            )
            .with_max_relation_checks(max_relation_checks),
        )
    };
    let mut world = new_world();
    let mut findings = evaluate_resources(policies, scan, &world, true);
    if world.relation_limit_hit().is_some() {
        // Which relations ran before the bound depends on the threads' order: evaluate again
        // in scan order, so that the findings and the error's place do not vary.
        world = new_world();
        findings = evaluate_resources(policies, scan, &world, false);
    }
    for (file_index, file) in scan.files.iter().enumerate() {
        for d in &file.diagnostics {
            for policy in policies {
                if policy.target.view == ViewDef::Diagnostic
                    && policy.target.diagnostics.contains(&d.kind)
                {
                    if let Some(f) = diagnostic_finding(policy, scan, file_index, d, &world) {
                        findings.push(f);
                    }
                }
            }
        }
    }
    let order: BTreeMap<&str, usize> = scan
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    findings.sort_by(|a, b| {
        let fa = order.get(a.file.as_str());
        let fb = order.get(b.file.as_str());
        (
            fa,
            a.region.line,
            a.region.column,
            &a.policy,
            a.region.end_line,
            a.region.end_column,
            &a.path,
            &a.container,
        )
            .cmp(&(
                fb,
                b.region.line,
                b.region.column,
                &b.policy,
                b.region.end_line,
                b.region.end_column,
                &b.path,
                &b.container,
            ))
    });
    let errors = world
        .relation_limit_hit()
        .and_then(|(file, line, column)| {
            let name = &scan.files.get(file)?.name;
            Some(ErrorEntry {
                file: name.clone(),
                line,
                column,
                message: format!(
                    "relations examined more than {max_relation_checks} candidate resources; \
                     policies relating resources were not fully evaluated {}",
                    crate::limits::suffix("max-relation-checks", max_relation_checks)
                ),
            })
        })
        .into_iter()
        .collect();
    (findings, errors)
}

/// The findings of `policies` on every resource of `world`, in scan order; on several
/// threads when `parallel` allows it (and the crate's `parallel` feature is on).
fn evaluate_resources(
    policies: &[&Policy],
    scan: &Scan,
    world: &World<'_>,
    parallel: bool,
) -> Vec<Finding> {
    let one = |(file_index, resource, pod): &(usize, &Resource, Option<PodSpecView<'_>>)| {
        let mut findings = Vec::new();
        let Some(file) = scan.files.get(*file_index) else {
            return findings;
        };
        if resource.id.kind.is_empty() {
            return findings;
        }
        let containers: Vec<ContainerView<'_>> =
            pod.as_ref().map(|p| p.containers()).unwrap_or_default();
        for policy in policies {
            if !kind_matches(policy, &resource.id.kind) {
                continue;
            }
            match policy.target.view {
                ViewDef::Resource => {
                    let ctx = Ctx::at_resource(resource, pod.as_ref(), None, world);
                    for w in eval::check(&ctx, policy) {
                        findings.push(finding(policy, &file.name, resource, None, &w));
                    }
                }
                ViewDef::PodSpec => {
                    let Some(pod) = pod else { continue };
                    let ctx = Ctx {
                        resource,
                        pod: Some(pod),
                        containers: Some(&containers),
                        container: None,
                        target: pod.spec.clone(),
                        current: pod.spec.clone(),
                        key: None,
                        parent: None,
                        outer: None,
                        world,
                    };
                    for w in eval::check(&ctx, policy) {
                        let container = w.container.and_then(|(kind, index)| {
                            containers
                                .iter()
                                .find(|c| c.kind == kind && c.index == index)
                        });
                        findings.push(finding(policy, &file.name, resource, container, &w));
                    }
                }
                ViewDef::Container => {
                    for c in containers
                        .iter()
                        .filter(|c| policy.target.lists.contains(&c.kind))
                    {
                        let ctx = Ctx {
                            resource,
                            pod: Some(&c.pod),
                            containers: Some(&containers),
                            container: Some(c),
                            target: c.item.clone(),
                            current: c.item.clone(),
                            key: None,
                            parent: None,
                            outer: None,
                            world,
                        };
                        for w in eval::check(&ctx, policy) {
                            findings.push(finding(policy, &file.name, resource, Some(c), &w));
                        }
                    }
                }
                ViewDef::Diagnostic => {}
            }
        }
        findings
    };
    #[cfg(feature = "parallel")]
    if parallel && world.entries.len() >= PARALLEL_FROM_RESOURCES {
        use rayon::prelude::*;
        return world.entries.par_iter().flat_map_iter(one).collect();
    }
    let _ = parallel;
    world.entries.iter().flat_map(one).collect()
}

/// Scans of at least this many resources are evaluated on several threads.
#[cfg(feature = "parallel")]
const PARALLEL_FROM_RESOURCES: usize = 64;

fn document_pointer(resource: &Resource, relative: &str) -> String {
    format!("{}{relative}", resource.pointer)
}

fn finding(
    policy: &Policy,
    file: &str,
    resource: &Resource,
    container: Option<&ContainerView<'_>>,
    w: &Witness<'_, '_>,
) -> Finding {
    let span = w.at.span();
    let path = document_pointer(resource, &w.at.pointer);
    let value = match &w.value {
        _ if !policy.message.mentions_value() => String::new(),
        Shown::Node(n) => show_node(n, 200),
        Shown::Json(j) => show(j),
        Shown::Unset => "unset".to_string(),
    };
    let vars = Vars {
        container_name: container.map(|c| c.name.as_str()),
        container_type: container.map(|c| c.kind.field()),
        kind: &resource.id.kind,
        name: &resource.id.name,
        namespace: resource.id.namespace.as_deref(),
        api_version: &resource.id.api_version,
        value,
        path: path.clone(),
        missing: w
            .missing
            .as_ref()
            .map(eval::Missing::path)
            .unwrap_or_default(),
        reason: w
            .detail
            .as_ref()
            .map(|d| d.reason.clone())
            .unwrap_or_default(),
        scc: w.detail.as_ref().map(|d| d.scc.clone()).unwrap_or_default(),
        diagnostic_message: "",
        diagnostic_kind: "",
    };
    let mut message = policy.message.render(&vars);
    if let Some(m) = &w.missing {
        if !policy.message.mentions_missing() {
            message = format!("{} ({})", message.trim_end_matches('.'), m.note());
        }
    }
    Finding {
        policy: policy.id.clone(),
        title: policy.title.clone(),
        severity: policy.severity,
        message,
        aliases: policy.aliases.clone(),
        file: file.to_string(),
        region: Region::from(span),
        offsets: (span.start.offset, span.end.offset),
        path,
        resource: resource.id.clone(),
        container: container.map(|c| c.name.clone()),
        template: None,
    }
}

/// The resource of the file that holds a diagnostic's span.
fn resource_of<'a>(world: &World<'a>, file_index: usize, d: &Diagnostic) -> Option<&'a Resource> {
    let in_doc: Vec<&'a Resource> = world
        .entries
        .iter()
        .filter(|(f, r, _)| *f == file_index && r.id.document == d.document)
        .map(|(_, r, _)| *r)
        .collect();
    in_doc
        .iter()
        .find(|r| r.root.span.start <= d.span.start && d.span.start < r.root.span.end)
        .or_else(|| in_doc.first())
        .copied()
}

/// Where a diagnostic sits in a resource: the JSON pointer of the entry whose key or value
/// is at `span` with the region from its key to the end of its value, or else the pointer
/// of the deepest node that contains `span` (iterative).
fn locate_diagnostic(root: &Node, span: Span) -> (String, Span) {
    let mut deepest = (String::new(), span);
    let mut stack: Vec<(&Node, String)> = vec![(root, String::new())];
    while let Some((node, pointer)) = stack.pop() {
        if !(node.span.start <= span.start && span.end <= node.span.end) {
            continue;
        }
        if pointer.len() >= deepest.0.len() {
            deepest.0.clone_from(&pointer);
        }
        match &node.value {
            Value::Map(m) => {
                for e in m.iter() {
                    let p = format!("{pointer}/{}", crate::model::escape_token(&e.key));
                    if e.value.span == span || e.key_span == span {
                        let region = Span {
                            start: e.key_span.start,
                            end: e.value.span.end.max(e.key_span.end),
                        };
                        return (p, region);
                    }
                    stack.push((&e.value, p));
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((item, format!("{pointer}/{i}")));
                }
            }
            _ => {}
        }
    }
    deepest
}

fn diagnostic_finding(
    policy: &Policy,
    scan: &Scan,
    file_index: usize,
    d: &Diagnostic,
    world: &World<'_>,
) -> Option<Finding> {
    let file = scan.files.get(file_index)?;
    let placeholder;
    let resource = match resource_of(world, file_index, d) {
        Some(r) => r,
        None => {
            placeholder = Resource {
                id: ResourceRef {
                    api_version: String::new(),
                    kind: String::new(),
                    namespace: None,
                    name: String::new(),
                    document: d.document,
                },
                file: file_index,
                pointer: String::new(),
                root: Node::detached(Value::Null),
            };
            &placeholder
        }
    };
    // The diagnostic as a small object, for `when`/`rule` conditions (`kind`, `message`).
    let mut map = Mapping::new();
    for (k, v) in [("kind", d.kind.name()), ("message", d.message.as_str())] {
        map.insert(Entry::new(
            k.to_string(),
            Span::default(),
            Node::detached(Value::String(v.to_string())),
        ));
    }
    let node = Node::detached(Value::Map(map));
    let at = Located {
        node: &node,
        key_span: None,
        pointer: String::new(),
    };
    let ctx = Ctx {
        resource,
        pod: None,
        containers: None,
        container: None,
        target: at.clone(),
        current: at,
        key: None,
        parent: None,
        outer: None,
        world,
    };
    if eval::check(&ctx, policy).is_empty() {
        return None;
    }
    let (relative, span) = locate_diagnostic(&resource.root, d.span);
    let path = document_pointer(resource, &relative);
    let vars = Vars {
        kind: &resource.id.kind,
        name: &resource.id.name,
        namespace: resource.id.namespace.as_deref(),
        api_version: &resource.id.api_version,
        path: path.clone(),
        diagnostic_message: &d.message,
        diagnostic_kind: d.kind.name(),
        ..Vars::default()
    };
    Some(Finding {
        policy: policy.id.clone(),
        title: policy.title.clone(),
        severity: policy.severity,
        message: policy.message.render(&vars),
        aliases: policy.aliases.clone(),
        file: file.name.clone(),
        region: Region::from(span),
        offsets: (span.start.offset, span.end.offset),
        path,
        resource: resource.id.clone(),
        container: None,
        template: None,
    })
}
