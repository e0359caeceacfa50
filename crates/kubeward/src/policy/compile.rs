//! Compiling a parsed policy: paths parsed, parameters resolved, regexes compiled, every
//! mistake reported with its location.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::Value as Json;
use serde_saphyr::{Location, Spanned};

use super::path::{self, Path, Root, Seg};
use super::template::{Allowed, Template};
use super::{
    error_at, CondDef, ContainerListDef, DiagnosticDef, DocsDef, JsonTypeDef, PolicyDef, ViewDef,
};
use crate::model::{effective_fields, pod_spec_kinds, ContainerKind};
use crate::report::{ErrorEntry, Severity};

/// The deepest nesting of conditions a policy may use.
const MAX_NESTING: usize = 64;

/// A compiled policy.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub category: String,
    pub packs: Vec<String>,
    pub aliases: Vec<String>,
    pub docs: DocsDef,
    pub file: String,
    pub params: BTreeMap<String, Json>,
    pub target: Target,
    pub when: Option<Cond>,
    pub check: Check,
    pub blame: Option<Path>,
    pub message: Template,
    pub examples: Vec<Example>,
    pub overrides: Vec<Override>,
}

/// A policy another one replaces while `when` (a condition on parameters) holds.
#[derive(Debug, Clone)]
pub(crate) struct Override {
    pub policy: String,
    pub when: Option<Cond>,
}

/// What to evaluate.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub view: ViewDef,
    /// `None`: every kind that has the view.
    pub kinds: Option<Vec<String>>,
    pub lists: Vec<ContainerKind>,
    pub diagnostics: Vec<kubeward_yaml::DiagnosticKind>,
}

/// `deny` or `require`.
#[derive(Debug, Clone)]
pub(crate) enum Check {
    Deny(Cond),
    Require(Cond),
}

/// A compiled condition.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Union(Vec<Cond>),
    Not(Box<Cond>),
    Some {
        list: Path,
        cond: Box<Cond>,
    },
    Every {
        list: Path,
        cond: Box<Cond>,
    },
    /// Two items of `list` with equal values at `by`.
    Duplicates {
        list: Path,
        by: Path,
    },
    Related {
        kinds: Option<Vec<String>>,
        same_namespace: bool,
        cond: Box<Cond>,
    },
    Test {
        subject: Subject,
        op: Op,
    },
    /// OpenShift SCC admission (see [`crate::scc_cond`]).
    SccRefuses(Box<crate::scc_cond::SccRefuses>),
}

/// What a test looks at.
#[derive(Debug, Clone)]
pub(crate) enum Subject {
    Path(Path),
    /// A parameter's value.
    Value(Json),
    /// The Kubernetes quantity at the path, as a number of units.
    Quantity(Path),
}

/// What a test compares with.
#[derive(Debug, Clone)]
pub(crate) enum Operand {
    Value(Json),
    Path(Path),
    /// A string joined from the parts (absent when a part is absent or not a scalar).
    Concat(Vec<Operand>),
    /// The Kubernetes quantity at the path, as a number of units (absent when unset or
    /// invalid).
    Quantity(Path),
}

/// Ordering comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub(crate) fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Greater, Less};
        match self {
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }
}

/// A test's operator.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Equals(Operand),
    NotEquals(Operand),
    In(Operand),
    NotIn(Operand),
    Contains(Operand),
    NotContains(Operand),
    Matches(Regex),
    NotMatches(Regex),
    Cmp(CmpOp, Operand),
    Exists(bool),
    Empty(bool),
    Type(JsonTypeDef),
    Version(CmpOp, Version),
    MapSelects(Operand),
    LabelSelectorSelects(Operand),
}

/// A Kubernetes minor version (`v1.25`); `latest` is above every other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version {
    major: u64,
    minor: u64,
}

impl Version {
    /// Parses `latest`, `v1.25`, `1.25` or `v1.25.3` (the patch is ignored).
    pub(crate) fn parse(text: &str) -> Option<Version> {
        if text == "latest" {
            return Some(Version {
                major: u64::MAX,
                minor: u64::MAX,
            });
        }
        let digits = text.strip_prefix('v').unwrap_or(text);
        let mut parts = digits.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        match parts.next() {
            None => {}
            Some(patch) => {
                patch.parse::<u64>().ok()?;
            }
        }
        if parts.next().is_some() {
            return None;
        }
        Some(Version { major, minor })
    }
}

/// A compiled example.
#[derive(Debug, Clone)]
pub(crate) struct Example {
    pub name: String,
    pub expect_fail: bool,
    pub count: Option<usize>,
    pub params: BTreeMap<String, Json>,
    pub manifest: String,
    pub line: u32,
}

/// The view of the context a path is resolved in.
#[derive(Debug, Clone, Copy)]
struct Frame {
    view: ViewDef,
    /// A relation's candidate (a resource, with its pod spec when it has one).
    candidate: bool,
    /// Inside `some`/`every`: the current node is an item.
    quantifier: bool,
    /// `$container` (and `effective.` from it) is bound: the container view, or inside a
    /// quantifier over `$containers`.
    container: bool,
    /// The current node is that container (so `effective.x` needs no `$container.`).
    current_container: bool,
}

struct Cx<'a> {
    file: &'a str,
    params: &'a BTreeMap<String, Json>,
    errors: Vec<ErrorEntry>,
    limits: &'a crate::Limits,
}

impl Cx<'_> {
    fn err(&mut self, loc: Location, message: impl Into<String>) {
        self.errors.push(error_at(self.file, loc, message));
    }
}

/// Whether `id` is a valid policy id (letters, digits, `-`, `_`; starting with a letter).
pub(crate) fn valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn valid_param_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The JSON type name of a value, for messages.
pub(crate) fn json_type(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// The parameter values of `def` with `overrides` applied (each must be declared and keep
/// the default's JSON type).
pub(crate) fn parameters(
    file: &str,
    def: &PolicyDef,
    overrides: &BTreeMap<String, Json>,
) -> Result<BTreeMap<String, Json>, Vec<ErrorEntry>> {
    let mut errors = Vec::new();
    let mut params: BTreeMap<String, Json> = def
        .parameters
        .iter()
        .map(|(k, p)| (k.clone(), p.default.clone()))
        .collect();
    for (name, value) in overrides {
        match params.get_mut(name) {
            None => errors.push(ErrorEntry {
                file: file.to_string(),
                line: 0,
                column: 0,
                message: format!(
                    "policy {} has no parameter `{name}` (it has: {})",
                    def.id.value,
                    if def.parameters.is_empty() {
                        "none".to_string()
                    } else {
                        def.parameters
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            }),
            Some(slot) if json_type(slot) != json_type(value) && !slot.is_null() => {
                errors.push(ErrorEntry {
                    file: file.to_string(),
                    line: 0,
                    column: 0,
                    message: format!(
                        "parameter `{name}` of policy {} expects a {} like {}, got {value}",
                        def.id.value,
                        json_type(slot),
                        slot
                    ),
                })
            }
            Some(slot) => *slot = value.clone(),
        }
    }
    if errors.is_empty() {
        Ok(params)
    } else {
        Err(errors)
    }
}

/// Compiles `def` with the parameter values `params` (see [`parameters`]).
pub(crate) fn compile(
    file: &str,
    def: &PolicyDef,
    params: &BTreeMap<String, Json>,
    limits: &crate::Limits,
) -> Result<Policy, Vec<ErrorEntry>> {
    let mut cx = Cx {
        file,
        params,
        errors: Vec::new(),
        limits,
    };
    let id_loc = def.id.referenced;
    if !valid_id(&def.id.value) {
        cx.err(
            id_loc,
            format!(
                "invalid id `{}`: expected letters, digits, `-` and `_`, starting with a letter (e.g. KW-SEC-001)",
                def.id.value
            ),
        );
    }
    if def.title.trim().is_empty() {
        cx.err(id_loc, "`title` is empty: say in one line what is wrong");
    }
    for name in def.parameters.keys() {
        if !valid_param_name(name) {
            cx.err(
                id_loc,
                format!("invalid parameter name `{name}`: expected letters, digits and `_`"),
            );
        }
    }
    for pack in &def.packs {
        if pack.is_empty()
            || !pack
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            cx.err(
                id_loc,
                format!("invalid pack name `{pack}`: expected lowercase letters, digits and `-`"),
            );
        }
    }
    let target = compile_target(&mut cx, def, id_loc);
    let frame = Frame {
        view: def.target.view,
        candidate: false,
        quantifier: false,
        container: def.target.view == ViewDef::Container,
        current_container: def.target.view == ViewDef::Container,
    };
    let when = def
        .rule
        .when
        .as_ref()
        .and_then(|c| compile_cond(&mut cx, c, &[frame], 0));
    let check = match (&def.rule.deny, &def.rule.require) {
        (Some(c), None) => compile_cond(&mut cx, c, &[frame], 0).map(Check::Deny),
        (None, Some(c)) => compile_cond(&mut cx, c, &[frame], 0).map(Check::Require),
        (Some(c), Some(_)) => {
            cx.err(
                c.referenced,
                "`rule` has both `deny` and `require`: keep one",
            );
            None
        }
        (None, None) => {
            cx.err(id_loc, "`rule` needs `deny` (a finding when it holds) or `require` (a finding when it does not)");
            None
        }
    };
    let mut overrides = Vec::new();
    for o in &def.overrides {
        if !valid_id(&o.policy.value) {
            cx.err(
                o.policy.referenced,
                format!("`overrides`: invalid policy id `{}`", o.policy.value),
            );
            continue;
        }
        let when = match &o.when {
            None => None,
            Some(w) => {
                let Some(cond) = compile_cond(&mut cx, w, &[frame], 0) else {
                    continue;
                };
                if !on_parameters_only(&cond) {
                    cx.err(
                        w.referenced,
                        "`overrides.when` tests parameters only (`{param: pssVersion, versionGe: v1.22}`): \
                         which policies run cannot depend on a resource",
                    );
                    continue;
                }
                Some(cond)
            }
        };
        overrides.push(Override {
            policy: o.policy.value.clone(),
            when,
        });
    }
    let blame = def
        .rule
        .blame
        .as_ref()
        .and_then(|b| compile_path(&mut cx, &b.value, b.referenced, &[frame]));
    let allowed = Allowed {
        container: def.target.view == ViewDef::Container,
        diagnostic: def.target.view == ViewDef::Diagnostic,
    };
    let message = match Template::parse(&def.message.value, params, allowed) {
        Ok(t) => Some(t),
        Err(e) => {
            cx.err(def.message.referenced, e);
            None
        }
    };
    let mut examples = Vec::new();
    for (expect_fail, list) in [(false, &def.examples.pass), (true, &def.examples.fail)] {
        for (i, ex) in list.iter().enumerate() {
            if ex.count.is_some() && !expect_fail {
                cx.err(
                    ex.manifest.referenced,
                    "`count` only applies to failing examples",
                );
            }
            if ex.count == Some(0) {
                cx.err(
                    ex.manifest.referenced,
                    "`count: 0` is a passing example: move it to `pass`",
                );
            }
            examples.push(Example {
                name: if ex.name.is_empty() {
                    format!("{}[{i}]", if expect_fail { "fail" } else { "pass" })
                } else {
                    ex.name.clone()
                },
                expect_fail,
                count: ex.count,
                params: ex.parameters.clone(),
                manifest: ex.manifest.value.clone(),
                line: super::to_u32(ex.manifest.referenced.line()),
            });
        }
    }
    match (cx.errors.is_empty(), check, message) {
        (true, Some(check), Some(message)) => Ok(Policy {
            id: def.id.value.clone(),
            title: def.title.clone(),
            severity: def.severity,
            category: def.category.clone(),
            packs: def.packs.clone(),
            aliases: def.aliases.clone(),
            docs: def.docs.clone(),
            file: file.to_string(),
            params: params.clone(),
            target,
            when,
            check,
            blame,
            message,
            examples,
            overrides,
        }),
        _ => Err(cx.errors),
    }
}

fn compile_target(cx: &mut Cx<'_>, def: &PolicyDef, id_loc: Location) -> Target {
    let t = &def.target;
    let pod_kinds = pod_spec_kinds();
    let mut kinds = Vec::new();
    for kind in &t.kinds {
        match t.view {
            ViewDef::PodSpec | ViewDef::Container if !pod_kinds.contains(&kind.value.as_str()) => {
                cx.err(
                    kind.referenced,
                    format!(
                        "kind `{}` has no pod spec; the {} view applies to: {}",
                        kind.value,
                        if t.view == ViewDef::PodSpec {
                            "podSpec"
                        } else {
                            "container"
                        },
                        pod_kinds.join(", ")
                    ),
                )
            }
            ViewDef::Diagnostic => cx.err(
                kind.referenced,
                "the diagnostic view takes `diagnostics`, not `kinds`",
            ),
            _ => kinds.push(kind.value.clone()),
        }
    }
    if !t.containers.is_empty() && t.view != ViewDef::Container {
        cx.err(
            id_loc,
            "`target.containers` only applies to the container view",
        );
    }
    let diagnostics = t
        .diagnostics
        .iter()
        .map(|d| match d {
            DiagnosticDef::DuplicateKey => kubeward_yaml::DiagnosticKind::DuplicateKey,
            DiagnosticDef::MergeOverridesKey => kubeward_yaml::DiagnosticKind::MergeOverridesKey,
            DiagnosticDef::MergeOverlap => kubeward_yaml::DiagnosticKind::MergeOverlap,
            DiagnosticDef::IgnoredContent => kubeward_yaml::DiagnosticKind::IgnoredContent,
        })
        .collect::<Vec<_>>();
    if t.view == ViewDef::Diagnostic && diagnostics.is_empty() {
        cx.err(
            id_loc,
            "the diagnostic view needs `target.diagnostics` (duplicate-key, merge-overrides-key, merge-overlap, ignored-content)",
        );
    }
    if t.view != ViewDef::Diagnostic && !diagnostics.is_empty() {
        cx.err(
            id_loc,
            "`target.diagnostics` only applies to the diagnostic view",
        );
    }
    let lists = if t.containers.is_empty() {
        ContainerKind::ALL.to_vec()
    } else {
        ContainerKind::ALL
            .into_iter()
            .filter(|k| {
                t.containers.iter().any(|c| {
                    matches!(
                        (c, k),
                        (ContainerListDef::Containers, ContainerKind::Regular)
                            | (ContainerListDef::InitContainers, ContainerKind::Init)
                            | (
                                ContainerListDef::EphemeralContainers,
                                ContainerKind::Ephemeral
                            )
                    )
                })
            })
            .collect()
    };
    Target {
        view: t.view,
        kinds: if kinds.is_empty() { None } else { Some(kinds) },
        lists,
        diagnostics,
    }
}

fn compile_cond(
    cx: &mut Cx<'_>,
    spanned: &Spanned<CondDef>,
    frames: &[Frame],
    depth: usize,
) -> Option<Cond> {
    let loc = spanned.referenced;
    let c = &spanned.value;
    if depth > MAX_NESTING {
        cx.err(
            loc,
            format!("conditions nest deeper than {MAX_NESTING} levels"),
        );
        return None;
    }
    let has_test =
        c.path.is_some() || c.param.is_some() || c.quantity.is_some() || operator_count(c) > 0;
    let shapes = [
        ("all", c.all.is_some()),
        ("any", c.any.is_some()),
        ("union", c.union.is_some()),
        ("not", c.not.is_some()),
        ("some", c.some.is_some()),
        ("every", c.every.is_some()),
        ("related", c.related.is_some()),
        ("duplicates", c.duplicates.is_some()),
        ("sccRefuses", c.scc_refuses.is_some()),
        ("a test (path/param with an operator)", has_test),
    ];
    let present: Vec<&str> = shapes.iter().filter(|(_, p)| *p).map(|(n, _)| *n).collect();
    if present.len() != 1 {
        cx.err(
            loc,
            if present.is_empty() {
                "empty condition: expected one of all, any, union, not, some/every + where, duplicates, related, sccRefuses, or a test \
                 (path or param with an operator such as equals)"
                    .to_string()
            } else {
                format!("a condition has exactly one form, this one mixes {}: split it with `all`", present.join(", "))
            },
        );
        return None;
    }
    if c.where_.is_some() && c.some.is_none() && c.every.is_none() {
        cx.err(
            loc,
            "`where` goes with `some` or `every` (or inside `related`)",
        );
        return None;
    }
    if let Some(by) = &c.by {
        if c.duplicates.is_none() {
            cx.err(by.referenced, "`by` goes with `duplicates`");
            return None;
        }
    }
    if let Some(list_path) = &c.duplicates {
        let list = compile_path(cx, &list_path.value, list_path.referenced, frames);
        let mut inner = frames.to_vec();
        if let Some(top) = inner.last_mut() {
            top.quantifier = true;
            top.current_container = false;
        }
        let by = match &c.by {
            Some(by) => compile_path(cx, &by.value, by.referenced, &inner),
            None => Some(Path {
                hops: 0,
                root: Root::Current,
                segs: Vec::new(),
            }),
        };
        return Some(Cond::Duplicates {
            list: list?,
            by: by?,
        });
    }
    let list = |cx: &mut Cx<'_>, items: &[Spanned<CondDef>]| -> Option<Vec<Cond>> {
        if items.is_empty() {
            cx.err(loc, "empty list of conditions");
            return None;
        }
        let out: Vec<Option<Cond>> = items
            .iter()
            .map(|i| compile_cond(cx, i, frames, depth + 1))
            .collect();
        out.into_iter().collect()
    };
    if let Some(items) = &c.all {
        return list(cx, items).map(Cond::All);
    }
    if let Some(items) = &c.any {
        return list(cx, items).map(Cond::Any);
    }
    if let Some(items) = &c.union {
        return list(cx, items).map(Cond::Union);
    }
    if let Some(inner) = &c.not {
        return compile_cond(cx, inner, frames, depth + 1).map(|c| Cond::Not(Box::new(c)));
    }
    if let Some(list_path) = c.some.as_ref().or(c.every.as_ref()) {
        let Some(where_) = &c.where_ else {
            cx.err(
                loc,
                "`some`/`every` needs `where`: the condition on each item",
            );
            return None;
        };
        let over_containers = list_path.value.trim() == "$containers";
        let list = if over_containers {
            containers_list(cx, list_path.referenced, frames)
        } else {
            compile_path(cx, &list_path.value, list_path.referenced, frames)
        };
        let mut inner = frames.to_vec();
        if let Some(top) = inner.last_mut() {
            top.quantifier = true;
            top.container |= over_containers;
            top.current_container = over_containers;
        }
        let cond = compile_cond(cx, where_, &inner, depth + 1);
        let (list, cond) = (list?, Box::new(cond?));
        return Some(if c.some.is_some() {
            Cond::Some { list, cond }
        } else {
            Cond::Every { list, cond }
        });
    }
    if let Some(rel) = &c.related {
        let mut inner = frames.to_vec();
        inner.push(Frame {
            view: ViewDef::Resource,
            candidate: true,
            quantifier: false,
            container: false,
            current_container: false,
        });
        let cond = compile_cond(cx, &rel.where_, &inner, depth + 1)?;
        let kinds: Vec<String> = rel.kinds.iter().map(|k| k.value.clone()).collect();
        return Some(Cond::Related {
            kinds: if kinds.is_empty() { None } else { Some(kinds) },
            same_namespace: rel.same_namespace,
            cond: Box::new(cond),
        });
    }
    if let Some(def) = &c.scc_refuses {
        if !frames
            .first()
            .is_some_and(|f| matches!(f.view, ViewDef::PodSpec | ViewDef::Container))
        {
            cx.err(loc, "`sccRefuses` needs the podSpec or container view");
            return None;
        }
        let mut value = |v: &Spanned<Json>| -> Option<Json> {
            match v.value.as_object().and_then(|m| m.get("param")) {
                Some(name) => {
                    let name = name.as_str().unwrap_or_default();
                    match cx.params.get(name) {
                        Some(p) => Some(p.clone()),
                        None => {
                            cx.err(v.referenced, unknown_param(cx.params, name));
                            None
                        }
                    }
                }
                None => Some(v.value.clone()),
            }
        };
        let sccs = value(&def.sccs)?;
        let defaults = match &def.namespace_defaults {
            Some(d) => Some(value(d)?),
            None => None,
        };
        let safe = match &def.safe_sysctls {
            Some(d) => Some(value(d)?),
            None => None,
        };
        return match crate::scc_cond::SccRefuses::new(
            &def.scc.value,
            &sccs,
            defaults.as_ref(),
            safe.as_ref(),
        ) {
            Ok(check) => Some(Cond::SccRefuses(Box::new(check))),
            Err(e) => {
                cx.err(loc, e);
                None
            }
        };
    }
    compile_test(cx, c, loc, frames)
}

fn operator_count(c: &CondDef) -> usize {
    [
        c.equals.is_some(),
        c.not_equals.is_some(),
        c.in_.is_some(),
        c.not_in.is_some(),
        c.contains.is_some(),
        c.not_contains.is_some(),
        c.matches.is_some(),
        c.not_matches.is_some(),
        c.lt.is_some(),
        c.le.is_some(),
        c.gt.is_some(),
        c.ge.is_some(),
        c.exists.is_some(),
        c.empty.is_some(),
        c.type_.is_some(),
        c.version_lt.is_some(),
        c.version_le.is_some(),
        c.version_gt.is_some(),
        c.version_ge.is_some(),
        c.map_selects.is_some(),
        c.label_selector_selects.is_some(),
    ]
    .into_iter()
    .filter(|b| *b)
    .count()
}

fn compile_test(cx: &mut Cx<'_>, c: &CondDef, loc: Location, frames: &[Frame]) -> Option<Cond> {
    if c.quantity.is_some() && (c.path.is_some() || c.param.is_some()) {
        cx.err(loc, "a test has one subject: `path`, `param` or `quantity`");
        return None;
    }
    let subject = match (&c.path, &c.param) {
        (Some(_), Some(_)) => {
            cx.err(loc, "a test has one subject: `path`, `param` or `quantity`");
            return None;
        }
        _ if c.quantity.is_some() => match &c.quantity {
            Some(q) => Subject::Quantity(compile_path(cx, &q.value, q.referenced, frames)?),
            None => return None,
        },
        (Some(p), None) => Subject::Path(compile_path(cx, &p.value, p.referenced, frames)?),
        (None, Some(p)) => match cx.params.get(&p.value) {
            Some(v) => Subject::Value(v.clone()),
            None => {
                cx.err(p.referenced, unknown_param(cx.params, &p.value));
                return None;
            }
        },
        (None, None) => Subject::Path(Path {
            hops: 0,
            root: Root::Current,
            segs: Vec::new(),
        }),
    };
    match operator_count(c) {
        0 => {
            cx.err(
                loc,
                "a test needs an operator: equals, notEquals, in, notIn, contains, notContains, matches, \
                 notMatches, lt, le, gt, ge, exists, empty, type, versionLt/Le/Gt/Ge, mapSelects, \
                 labelSelectorSelects (an operand written `null` counts as absent: test null with \
                 `exists: false` or `type: 'null'`)",
            );
            return None;
        }
        1 => {}
        _ => {
            cx.err(
                loc,
                "a test has exactly one operator: combine several with `all`",
            );
            return None;
        }
    }
    let op = if let Some(v) = &c.equals {
        Op::Equals(operand(cx, v, frames)?)
    } else if let Some(v) = &c.not_equals {
        Op::NotEquals(operand(cx, v, frames)?)
    } else if let Some(v) = &c.in_ {
        Op::In(list_operand(cx, v, frames, "in")?)
    } else if let Some(v) = &c.not_in {
        Op::NotIn(list_operand(cx, v, frames, "notIn")?)
    } else if let Some(v) = &c.contains {
        Op::Contains(operand(cx, v, frames)?)
    } else if let Some(v) = &c.not_contains {
        Op::NotContains(operand(cx, v, frames)?)
    } else if let Some(v) = &c.matches {
        Op::Matches(regex_operand(cx, v)?)
    } else if let Some(v) = &c.not_matches {
        Op::NotMatches(regex_operand(cx, v)?)
    } else if let Some((op, v)) = [
        (CmpOp::Lt, &c.lt),
        (CmpOp::Le, &c.le),
        (CmpOp::Gt, &c.gt),
        (CmpOp::Ge, &c.ge),
    ]
    .into_iter()
    .find_map(|(op, v)| v.as_ref().map(|v| (op, v)))
    {
        let value = operand(cx, v, frames)?;
        if let Operand::Value(lit) = &value {
            if !lit.is_number() {
                cx.err(
                    v.referenced,
                    format!("expected a number to compare with, got {lit}"),
                );
                return None;
            }
        }
        Op::Cmp(op, value)
    } else if let Some(b) = c.exists {
        Op::Exists(b)
    } else if let Some(b) = c.empty {
        Op::Empty(b)
    } else if let Some(t) = c.type_ {
        Op::Type(t)
    } else if let Some((op, v)) = [
        (CmpOp::Lt, &c.version_lt),
        (CmpOp::Le, &c.version_le),
        (CmpOp::Gt, &c.version_gt),
        (CmpOp::Ge, &c.version_ge),
    ]
    .into_iter()
    .find_map(|(op, v)| v.as_ref().map(|v| (op, v)))
    {
        let Operand::Value(lit) = operand(cx, v, frames)? else {
            cx.err(
                v.referenced,
                "a version operand is a literal (`v1.25`) or a parameter, not a path",
            );
            return None;
        };
        let Some(version) = lit.as_str().and_then(Version::parse) else {
            cx.err(
                v.referenced,
                format!("expected a version like `v1.25` or `latest`, got {lit}"),
            );
            return None;
        };
        if let (Subject::Value(value), Some(p)) = (&subject, &c.param) {
            if value.as_str().and_then(Version::parse).is_none() {
                cx.err(
                    p.referenced,
                    format!(
                        "parameter `{}` is {value}, not a version like `v1.25` or `latest`",
                        p.value
                    ),
                );
                return None;
            }
        }
        Op::Version(op, version)
    } else if let Some(v) = &c.map_selects {
        Op::MapSelects(operand(cx, v, frames)?)
    } else if let Some(v) = &c.label_selector_selects {
        Op::LabelSelectorSelects(operand(cx, v, frames)?)
    } else {
        cx.err(loc, "unsupported operator");
        return None;
    };
    Some(Cond::Test { subject, op })
}

fn unknown_param(params: &BTreeMap<String, Json>, name: &str) -> String {
    format!(
        "unknown parameter `{name}`: declare it under `parameters` (declared: {})",
        if params.is_empty() {
            "none".to_string()
        } else {
            params.keys().cloned().collect::<Vec<_>>().join(", ")
        }
    )
}

/// A literal, `{param: name}` or `{path: other.path}`.
fn operand(cx: &mut Cx<'_>, v: &Spanned<Json>, frames: &[Frame]) -> Option<Operand> {
    if let Json::Object(map) = &v.value {
        if map.len() == 1 {
            if let Some(name) = map.get("param") {
                let Some(name) = name.as_str() else {
                    cx.err(v.referenced, "`param` takes a parameter name");
                    return None;
                };
                return match cx.params.get(name) {
                    Some(value) => Some(Operand::Value(value.clone())),
                    None => {
                        cx.err(v.referenced, unknown_param(cx.params, name));
                        None
                    }
                };
            }
            if let Some(text) = map.get("path") {
                let Some(text) = text.as_str() else {
                    cx.err(v.referenced, "`path` takes a path");
                    return None;
                };
                return compile_path(cx, text, v.referenced, frames).map(Operand::Path);
            }
            if let Some(text) = map.get("quantity") {
                let Some(text) = text.as_str() else {
                    cx.err(v.referenced, "`quantity` takes a path");
                    return None;
                };
                return compile_path(cx, text, v.referenced, frames).map(Operand::Quantity);
            }
            if let Some(parts) = map.get("concat") {
                let Some(parts) = parts.as_array().filter(|p| !p.is_empty()) else {
                    cx.err(
                        v.referenced,
                        "`concat` takes a list of parts: strings, numbers, `{param: name}`, `{path: p}`",
                    );
                    return None;
                };
                let mut out = Vec::new();
                for part in parts {
                    let spanned = Spanned {
                        value: part.clone(),
                        referenced: v.referenced,
                        defined: v.defined,
                    };
                    match operand(cx, &spanned, frames)? {
                        Operand::Value(lit) if !(lit.is_string() || lit.is_number()) => {
                            cx.err(
                                v.referenced,
                                format!("`concat` joins strings and numbers, not {lit}"),
                            );
                            return None;
                        }
                        Operand::Concat(_) => {
                            cx.err(v.referenced, "`concat` inside `concat`: flatten the list");
                            return None;
                        }
                        part => out.push(part),
                    }
                }
                return Some(Operand::Concat(out));
            }
        }
    }
    Some(Operand::Value(v.value.clone()))
}

/// Whether `cond` only tests parameters (so it has one value per engine).
pub(crate) fn on_parameters_only(cond: &Cond) -> bool {
    let operand_ok = |o: &Operand| match o {
        Operand::Value(_) => true,
        Operand::Path(_) | Operand::Quantity(_) => false,
        Operand::Concat(parts) => parts.iter().all(|p| matches!(p, Operand::Value(_))),
    };
    match cond {
        Cond::All(c) | Cond::Any(c) | Cond::Union(c) => c.iter().all(on_parameters_only),
        Cond::Not(c) => on_parameters_only(c),
        Cond::Some { .. }
        | Cond::Every { .. }
        | Cond::Duplicates { .. }
        | Cond::Related { .. }
        | Cond::SccRefuses(_) => false,
        Cond::Test { subject, op } => {
            matches!(subject, Subject::Value(_))
                && match op {
                    Op::Equals(o)
                    | Op::NotEquals(o)
                    | Op::In(o)
                    | Op::NotIn(o)
                    | Op::Contains(o)
                    | Op::NotContains(o)
                    | Op::Cmp(_, o)
                    | Op::MapSelects(o)
                    | Op::LabelSelectorSelects(o) => operand_ok(o),
                    Op::Matches(_)
                    | Op::NotMatches(_)
                    | Op::Exists(_)
                    | Op::Empty(_)
                    | Op::Type(_)
                    | Op::Version(..) => true,
                }
        }
    }
}

/// `$containers` as the list of `some`/`every`: needs a pod.
fn containers_list(cx: &mut Cx<'_>, loc: Location, frames: &[Frame]) -> Option<Path> {
    let pod = frames
        .last()
        .is_some_and(|f| f.candidate || matches!(f.view, ViewDef::PodSpec | ViewDef::Container));
    if !pod {
        cx.err(
            loc,
            "`$containers` needs the podSpec or container view (or a relation's candidate)",
        );
        return None;
    }
    Some(Path {
        hops: 0,
        root: Root::Containers,
        segs: Vec::new(),
    })
}

fn list_operand(cx: &mut Cx<'_>, v: &Spanned<Json>, frames: &[Frame], op: &str) -> Option<Operand> {
    let value = operand(cx, v, frames)?;
    if let Operand::Value(lit) = &value {
        if !lit.is_array() {
            cx.err(v.referenced, format!("`{op}` expects a list, got {lit}"));
            return None;
        }
    }
    Some(value)
}

fn regex_operand(cx: &mut Cx<'_>, v: &Spanned<Json>) -> Option<Regex> {
    let frames = [];
    let Operand::Value(lit) = operand(cx, v, &frames)? else {
        cx.err(
            v.referenced,
            "a regular expression is a string or a parameter, not a path",
        );
        return None;
    };
    let Some(text) = lit.as_str() else {
        cx.err(
            v.referenced,
            format!("expected a regular expression (a string), got {lit}"),
        );
        return None;
    };
    let max_len = cx.limits.max_regex_bytes();
    if text.len() as u64 > max_len {
        cx.err(
            v.referenced,
            format!(
                "regular expression of {} bytes is longer than {max_len} bytes {}",
                text.len(),
                crate::limits::suffix("max-regex-bytes", max_len)
            ),
        );
        return None;
    }
    let size = usize::try_from(cx.limits.max_regex_size()).unwrap_or(usize::MAX);
    let built = regex::RegexBuilder::new(text)
        .size_limit(size)
        .dfa_size_limit(size)
        .build();
    match built {
        Err(regex::Error::CompiledTooBig(_)) => {
            let max = cx.limits.max_regex_size();
            cx.err(
                v.referenced,
                format!(
                    "regular expression {text:?} compiles to more than {max} bytes {}",
                    crate::limits::suffix("max-regex-size", max)
                ),
            );
            None
        }
        Ok(re) => Some(re),
        Err(e) => {
            let text_e = e.to_string();
            let reason = text_e
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or(&text_e)
                .trim()
                .trim_start_matches("error: ");
            cx.err(
                v.referenced,
                format!("invalid regular expression {text:?}: {reason}"),
            );
            None
        }
    }
}

/// Parses and checks a path against the views in scope (`frames`, innermost last).
fn compile_path(cx: &mut Cx<'_>, text: &str, loc: Location, frames: &[Frame]) -> Option<Path> {
    let mut p = match path::parse(text) {
        Ok(p) => p,
        Err(e) => {
            cx.err(loc, e);
            return None;
        }
    };
    let Some(frame) = frames
        .len()
        .checked_sub(p.hops + 1)
        .and_then(|i| frames.get(i))
    else {
        cx.err(
            loc,
            format!(
                "`{text}`: `$self` only means something inside `related.where` (once per level)"
            ),
        );
        return None;
    };
    let pod = frame.candidate || matches!(frame.view, ViewDef::PodSpec | ViewDef::Container);
    let container = frame.container;
    let problem = match p.root {
        Root::Containers => Some(
            "`$containers` is only the list of `some`/`every` (`some: $containers`), with nothing after it"
                .to_string(),
        ),
        Root::Pod | Root::PodMeta if !pod => Some(format!(
            "`{}` needs the podSpec or container view (or a relation's candidate)",
            p.root.name()
        )),
        Root::Container if !container => Some(
            "`$container` needs the container view or a quantifier over `$containers`".to_string(),
        ),
        Root::Key if !frame.quantifier => {
            Some("`$key` only means something inside `some`/`every` over a map".to_string())
        }
        Root::Outer if !frame.quantifier => Some(
            "`$outer` only means something inside `some`/`every`/`duplicates`".to_string(),
        ),
        Root::Key if !p.segs.is_empty() => {
            Some("`$key` is a string: nothing follows it".to_string())
        }
        _ => None,
    };
    if let Some(problem) = problem {
        cx.err(loc, format!("`{text}`: {problem}"));
        return None;
    }
    let effective_here = (container && p.root == Root::Container)
        || (p.root == Root::Current && frame.current_container);
    if effective_here && matches!(p.segs.first(), Some(Seg::Key(k)) if k == "effective") {
        p.segs.remove(0);
        p.root = Root::Effective;
        let fields = effective_fields();
        match p.segs.first() {
            Some(Seg::Key(field)) if fields.contains(&field.as_str()) => {}
            _ => {
                cx.err(
                    loc,
                    format!(
                        "`{text}`: `effective` is followed by a security-context field: {}",
                        fields.join(", ")
                    ),
                );
                return None;
            }
        }
        if p.segs.iter().any(|s| matches!(s, Seg::Index(_))) {
            cx.err(
                loc,
                format!("`{text}`: an effective field has no list index"),
            );
            return None;
        }
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn versions_order_by_number_and_latest_is_highest() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(v("v1.9") < v("v1.25"));
        assert!(v("v1.25") < v("v1.100"));
        assert!(v("v1.100") < v("latest"));
        assert_eq!(v("1.25"), v("v1.25"));
        assert_eq!(v("v1.25.3"), v("v1.25"));
        for bad in ["", "v1", "vx.1", "v1.2.3.4", "v1.-1", "newest"] {
            assert!(Version::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn comparisons() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        assert!(CmpOp::Lt.holds(Less) && !CmpOp::Lt.holds(Equal));
        assert!(CmpOp::Le.holds(Equal) && !CmpOp::Le.holds(Greater));
        assert!(CmpOp::Gt.holds(Greater) && !CmpOp::Gt.holds(Equal));
        assert!(CmpOp::Ge.holds(Equal) && !CmpOp::Ge.holds(Less));
    }
}
