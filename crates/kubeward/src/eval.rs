//! Evaluating compiled conditions on one target: a truth value and its witnesses (the
//! nodes that make it so, which become the findings' regions).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, PoisonError};

use kubeward_yaml::{Node, Value};
use serde_json::Value as Json;

use crate::model::{ContainerKind, ContainerView, Effective, Located, PodSpecView, Resource};
use crate::policy::compile::{Check, CmpOp, Cond, Op, Operand, Policy, Subject, Version};
use crate::policy::path::{render, Path, Root, Seg};
use crate::policy::JsonTypeDef;

mod narrow;

/// Every resource of the scan, with its pod spec (for relations).
pub(crate) struct World<'a> {
    pub entries: Vec<(usize, &'a Resource, Option<PodSpecView<'a>>)>,
    /// Indexes into `entries` by kind, then namespace (`None`: no namespace), so relations
    /// look only at plausible candidates instead of the whole scan.
    by_kind: HashMap<&'a str, HashMap<Option<&'a str>, Vec<usize>>>,
    /// Indexes of the entries by what they hold at a path, for relations (see
    /// [`narrow`]); each is built the first time a relation needs it.
    indexes: Mutex<HashMap<narrow::IndexKey, Arc<narrow::CandidateIndex>>>,
    /// Candidates examined by relations so far, and the bound.
    relation_checks: AtomicU64,
    max_relation_checks: u64,
    /// Where the bound was reached: (file index, line, column) of the resource.
    relation_limit_hit: Mutex<Option<(usize, u32, u32)>>,
    /// Whether relations look their candidates up in indexes (off only to test that
    /// the indexes change nothing).
    narrowing: bool,
}

impl<'a> World<'a> {
    pub(crate) fn new(entries: Vec<(usize, &'a Resource, Option<PodSpecView<'a>>)>) -> Self {
        let mut by_kind: HashMap<&'a str, HashMap<Option<&'a str>, Vec<usize>>> = HashMap::new();
        for (i, (_, res, _)) in entries.iter().enumerate() {
            by_kind
                .entry(res.id.kind.as_str())
                .or_default()
                .entry(res.id.namespace.as_deref())
                .or_default()
                .push(i);
        }
        World {
            entries,
            by_kind,
            indexes: Mutex::new(HashMap::new()),
            relation_checks: AtomicU64::new(0),
            max_relation_checks: u64::MAX,
            relation_limit_hit: Mutex::new(None),
            narrowing: true,
        }
    }

    /// Relations evaluate their `where` on every candidate of their kinds and namespace.
    #[cfg(test)]
    pub(crate) fn without_narrowing(mut self) -> Self {
        self.narrowing = false;
        self
    }

    /// Bounds the candidates relations may examine over the whole scan.
    pub(crate) fn with_max_relation_checks(mut self, max: u64) -> Self {
        self.max_relation_checks = max;
        self
    }

    /// Where relations ran out of candidate checks, if they did.
    pub(crate) fn relation_limit_hit(&self) -> Option<(usize, u32, u32)> {
        *self
            .relation_limit_hit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one candidate examined for `resource`; false once the bound is reached.
    fn relation_check(&self, resource: &Resource) -> bool {
        let n = self
            .relation_checks
            .fetch_add(1, AtomicOrdering::Relaxed)
            .saturating_add(1);
        if n <= self.max_relation_checks {
            return true;
        }
        let mut hit = self
            .relation_limit_hit
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if hit.is_none() {
            let start = resource.root.span.start;
            *hit = Some((resource.file, start.line, start.column));
        }
        false
    }

    /// Keeps the entries of `indexes` that [`World::candidates`] would give.
    fn in_scope(
        &self,
        mut indexes: Vec<usize>,
        kinds: Option<&[String]>,
        namespace: Option<Option<&str>>,
    ) -> Vec<usize> {
        indexes.retain(|&i| {
            self.entries.get(i).is_some_and(|(_, res, _)| {
                kinds.is_none_or(|k| k.contains(&res.id.kind))
                    && match namespace {
                        Some(Some(ns)) => res.id.namespace.as_deref().is_none_or(|n| n == ns),
                        _ => true,
                    }
            })
        });
        indexes
    }

    /// The `v1` Namespace objects of the scan named `name`, in scan order.
    pub(crate) fn namespaces(&self, name: &str) -> Vec<&'a Resource> {
        let mut found: Vec<usize> = self
            .by_kind
            .get("Namespace")
            .into_iter()
            .flat_map(HashMap::values)
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found
            .into_iter()
            .filter_map(|i| self.entries.get(i))
            .map(|(_, res, _)| *res)
            .filter(|res| res.id.api_version == "v1" && res.id.name == name)
            .collect()
    }

    /// Entries that a relation over `kinds` (all kinds when `None`) may match, in scan
    /// order. With `namespace`, only that namespace and resources without one.
    fn candidates(&self, kinds: Option<&[String]>, namespace: Option<Option<&str>>) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut add = |by_ns: &HashMap<Option<&'a str>, Vec<usize>>| match namespace {
            Some(Some(ns)) => {
                for key in [Some(ns), None] {
                    out.extend(by_ns.get(&key).into_iter().flatten());
                }
            }
            _ => out.extend(by_ns.values().flatten()),
        };
        match kinds {
            Some(kinds) => kinds
                .iter()
                .filter_map(|k| self.by_kind.get(k.as_str()))
                .for_each(&mut add),
            None => self.by_kind.values().for_each(&mut add),
        }
        out.sort_unstable();
        out
    }
}

/// Where a condition is evaluated.
pub(crate) struct Ctx<'c, 'a> {
    pub resource: &'a Resource,
    pub pod: Option<&'c PodSpecView<'a>>,
    /// The pod's containers when the caller has them (`$containers` collects them
    /// otherwise).
    pub containers: Option<&'c [ContainerView<'a>]>,
    pub container: Option<&'c ContainerView<'a>>,
    /// The target node (container item, pod spec, resource root...).
    pub target: Located<'a>,
    /// The current node: the target, a quantifier's item, or a relation's candidate.
    pub current: Located<'a>,
    /// The key of the current item, inside a quantifier over a map.
    pub key: Option<&'a str>,
    /// `$outer`: the node that was current where the innermost quantifier started.
    pub parent: Option<Located<'a>>,
    /// The enclosing context, inside a relation.
    pub outer: Option<&'c Ctx<'c, 'a>>,
    pub world: &'c World<'a>,
}

impl<'c, 'a> Ctx<'c, 'a> {
    /// A context whose target is a whole resource (the resource view, a relation's
    /// candidate).
    pub(crate) fn at_resource(
        resource: &'a Resource,
        pod: Option<&'c PodSpecView<'a>>,
        outer: Option<&'c Ctx<'c, 'a>>,
        world: &'c World<'a>,
    ) -> Ctx<'c, 'a> {
        let root = Located::root(resource);
        Ctx {
            resource,
            pod,
            containers: None,
            container: None,
            target: root.clone(),
            current: root,
            key: None,
            parent: None,
            outer,
            world,
        }
    }

    fn with_current(&self, current: Located<'a>, key: Option<&'a str>) -> Ctx<'c, 'a> {
        Ctx {
            resource: self.resource,
            pod: self.pod,
            containers: self.containers,
            container: self.container,
            target: self.target.clone(),
            current,
            key,
            parent: Some(self.current.clone()),
            outer: self.outer,
            world: self.world,
        }
    }
}

/// A field that is not set: its path (from the node the path started at, such as
/// `securityContext.runAsNonRoot`) and a sentence saying what is missing, both rendered
/// only when a finding shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Missing<'p> {
    /// Steps of a policy's path.
    Steps(&'p [Seg]),
    /// Steps made up while evaluating (the pod metadata's keys, then the path's).
    Owned(Vec<Seg>),
    /// A field with a sentence of its own (effective security context).
    Text { path: String, note: String },
}

impl Missing<'_> {
    /// The missing path.
    pub(crate) fn path(&self) -> String {
        match self {
            Missing::Steps(segs) => render(segs),
            Missing::Owned(segs) => render(segs),
            Missing::Text { path, .. } => path.clone(),
        }
    }

    /// What is missing, as a sentence.
    pub(crate) fn note(&self) -> String {
        match self {
            Missing::Text { note, .. } => note.clone(),
            _ => format!("`{}` is not set", self.path()),
        }
    }
}

/// The value a witness shows.
#[derive(Debug, Clone)]
pub(crate) enum Shown<'a> {
    Node(&'a Node),
    Json(Json),
    Unset,
}

/// A node that explains an outcome.
#[derive(Debug, Clone)]
pub(crate) struct Witness<'a, 'p> {
    /// The node to blame (for a missing field: its nearest existing parent).
    pub at: Located<'a>,
    pub value: Shown<'a>,
    pub missing: Option<Missing<'p>>,
    /// The container it was found in by a quantifier over `$containers` (list, index).
    pub container: Option<(ContainerKind, usize)>,
    /// What a condition says about this witness (`{{reason}}`, `{{scc}}`).
    pub detail: Option<Rc<Detail>>,
}

/// What a condition says about one witness, for messages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Detail {
    /// Why the witness offends (`{{reason}}`).
    pub reason: String,
    /// An SCC name (`{{scc}}`).
    pub scc: String,
}

/// What a path leads to.
pub(crate) enum Resolved<'a, 'p> {
    Node(Located<'a>),
    /// A value that is not a node of the document (a default, an implied value, a key).
    Value {
        value: Json,
        at: Located<'a>,
        missing: Option<Missing<'p>>,
    },
    Missing {
        at: Located<'a>,
        missing: Missing<'p>,
    },
}

impl<'a, 'p> Resolved<'a, 'p> {
    pub(crate) fn witness(self) -> Witness<'a, 'p> {
        match self {
            Resolved::Node(at) => Witness {
                value: Shown::Node(at.node),
                at,
                missing: None,
                container: None,
                detail: None,
            },
            Resolved::Value { value, at, missing } => Witness {
                at,
                value: Shown::Json(value),
                missing,
                container: None,
                detail: None,
            },
            Resolved::Missing { at, missing } => Witness {
                at,
                value: Shown::Unset,
                missing: Some(missing),
                container: None,
                detail: None,
            },
        }
    }

    fn exists(&self) -> bool {
        match self {
            Resolved::Node(_) => true,
            Resolved::Value { missing, .. } => missing.is_none(),
            Resolved::Missing { .. } => false,
        }
    }

    fn value(&self) -> V<'_> {
        match self {
            Resolved::Node(at) => V::N(at.node),
            Resolved::Value { value, .. } => V::J(value),
            Resolved::Missing { .. } => V::Null,
        }
    }
}

fn missing<'a, 'p>(at: Located<'a>, segs: &'p [Seg]) -> Resolved<'a, 'p> {
    Resolved::Missing {
        at,
        missing: Missing::Steps(segs),
    }
}

/// Follows `segs` from `start` (`null` counts as unset, as Kubernetes reads it). The
/// pointer of the node reached grows in one string.
pub(crate) fn descend<'a, 'p>(start: Located<'a>, segs: &'p [Seg]) -> Resolved<'a, 'p> {
    let Located {
        mut node,
        mut key_span,
        mut pointer,
    } = start;
    let mut complete = true;
    for seg in segs {
        let step = match (&node.value, seg) {
            (Value::Map(m), Seg::Key(k)) => m.entry(k).map(|e| (&e.value, Some(e.key_span), None)),
            (Value::Map(m), Seg::Index(n)) => m
                .entry(&n.to_string())
                .map(|e| (&e.value, Some(e.key_span), None)),
            (Value::Seq(items), Seg::Index(n)) => items.get(*n).map(|v| (v, None, Some(*n))),
            (Value::Seq(items), Seg::Key(k)) => k
                .parse::<usize>()
                .ok()
                .and_then(|n| items.get(n).map(|v| (v, None, Some(n)))),
            _ => None,
        };
        match step {
            Some((next, span, index)) if !next.is_null() => {
                match (index, seg) {
                    (Some(n), _) => crate::model::push_pointer_index(&mut pointer, n),
                    (None, Seg::Key(k)) => crate::model::push_pointer_token(&mut pointer, k),
                    (None, Seg::Index(n)) => {
                        crate::model::push_pointer_token(&mut pointer, &n.to_string());
                    }
                }
                node = next;
                key_span = span;
            }
            _ => {
                complete = false;
                break;
            }
        }
    }
    let at = Located {
        node,
        key_span,
        pointer,
    };
    if complete {
        Resolved::Node(at)
    } else {
        missing(at, segs)
    }
}

fn resolve<'a, 'p>(ctx: &Ctx<'_, 'a>, path: &'p Path) -> Resolved<'a, 'p> {
    let mut c = ctx;
    for _ in 0..path.hops {
        match c.outer {
            Some(o) => c = o,
            None => return missing(ctx.target.clone(), &path.segs),
        }
    }
    let start = match path.root {
        Root::Current => c.current.clone(),
        Root::Target => c.target.clone(),
        Root::Resource => Located::root(c.resource),
        Root::Pod => match c.pod {
            Some(pod) => pod.spec.clone(),
            None => return missing(Located::root(c.resource), &path.segs),
        },
        Root::PodMeta => match c.pod {
            Some(pod) => match pod.metadata_or_parent() {
                Ok(meta) => meta,
                Err((parent, keys)) => {
                    let mut segs: Vec<Seg> =
                        keys.iter().map(|k| Seg::Key((*k).to_string())).collect();
                    segs.extend(path.segs.iter().cloned());
                    return Resolved::Missing {
                        at: parent,
                        missing: Missing::Owned(segs),
                    };
                }
            },
            None => return missing(Located::root(c.resource), &path.segs),
        },
        Root::Container => match c.container {
            Some(cv) => cv.item.clone(),
            None => return missing(c.target.clone(), &path.segs),
        },
        // Only the list of a quantifier (see `quantify`); the compiler rejects it elsewhere.
        Root::Containers => return missing(c.target.clone(), &path.segs),
        Root::Key => {
            return match c.key {
                Some(k) => Resolved::Value {
                    value: Json::String(k.to_string()),
                    at: c.current.clone(),
                    missing: None,
                },
                None => missing(c.current.clone(), &path.segs),
            }
        }
        Root::Outer => match &c.parent {
            Some(p) => p.clone(),
            None => return missing(c.current.clone(), &path.segs),
        },
        Root::Effective => return effective(c, &path.segs),
    };
    descend(start, &path.segs)
}

fn effective<'a, 'p>(c: &Ctx<'_, 'a>, segs: &'p [Seg]) -> Resolved<'a, 'p> {
    let Some(cv) = c.container else {
        return missing(c.target.clone(), segs);
    };
    let field = segs
        .iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".");
    match cv.effective(&field) {
        Some(Effective::Set { at, .. }) => Resolved::Node(at),
        Some(Effective::Implied { value, at }) => Resolved::Value {
            value,
            at,
            missing: None,
        },
        Some(Effective::Default {
            value,
            parent,
            missing,
        }) => {
            let shared = !matches!(
                segs.first(),
                Some(Seg::Key(k)) if matches!(
                    k.as_str(),
                    "privileged" | "allowPrivilegeEscalation" | "readOnlyRootFilesystem" | "procMount" | "capabilities"
                )
            );
            let note = if shared {
                format!("`{missing}` is set neither on the container nor on the pod")
            } else {
                format!("`{missing}` is not set")
            };
            Resolved::Value {
                value,
                at: parent,
                missing: Some(Missing::Text {
                    path: missing,
                    note,
                }),
            }
        }
        None => missing(cv.item.clone(), segs),
    }
}

/// A value to compare: a node, a JSON value, or nothing.
#[derive(Clone, Copy)]
enum V<'x> {
    N(&'x Node),
    J(&'x Json),
    Null,
}

/// A number, exact for integers.
#[derive(Clone, Copy)]
enum Num {
    I(i128),
    F(f64),
}

impl Num {
    #[allow(clippy::cast_precision_loss)]
    fn as_f64(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }

    fn cmp(self, other: Num) -> Option<Ordering> {
        match (self, other) {
            (Num::I(a), Num::I(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }
}

impl<'x> V<'x> {
    fn is_null(self) -> bool {
        match self {
            V::N(n) => n.is_null(),
            V::J(j) => j.is_null(),
            V::Null => true,
        }
    }

    fn as_str(self) -> Option<&'x str> {
        match self {
            V::N(n) => n.as_str(),
            V::J(j) => j.as_str(),
            V::Null => None,
        }
    }

    fn as_bool(self) -> Option<bool> {
        match self {
            V::N(n) => n.as_bool(),
            V::J(j) => j.as_bool(),
            V::Null => None,
        }
    }

    fn as_num(self) -> Option<Num> {
        match self {
            V::N(n) => match n.value {
                Value::Int(i) => Some(Num::I(i128::from(i))),
                Value::UInt(u) => Some(Num::I(i128::from(u))),
                Value::Float(f) => Some(float_num(f)),
                _ => None,
            },
            V::J(Json::Number(n)) => n
                .as_i64()
                .map(|i| Num::I(i128::from(i)))
                .or_else(|| n.as_u64().map(|u| Num::I(i128::from(u))))
                .or_else(|| n.as_f64().map(float_num)),
            _ => None,
        }
    }

    fn items(self) -> Option<Vec<V<'x>>> {
        match self {
            V::N(n) => n.as_seq().map(|s| s.iter().map(V::N).collect()),
            V::J(Json::Array(a)) => Some(a.iter().map(V::J).collect()),
            _ => None,
        }
    }

    fn entries(self) -> Option<Vec<(&'x str, V<'x>)>> {
        match self {
            V::N(n) => n
                .as_map()
                .map(|m| m.iter().map(|e| (e.key.as_str(), V::N(&e.value))).collect()),
            V::J(Json::Object(o)) => Some(o.iter().map(|(k, v)| (k.as_str(), V::J(v))).collect()),
            _ => None,
        }
    }

    fn get(self, key: &str) -> Option<V<'x>> {
        match self {
            V::N(n) => n.get(key).map(V::N),
            V::J(j) => j.get(key).map(V::J),
            V::Null => None,
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            V::N(n) => n.type_name(),
            V::J(j) => crate::policy::compile::json_type(j),
            V::Null => "null",
        }
    }
}

/// Integral floats compare as integers (`0.0` is `0`, as Kubernetes reads it).
#[allow(clippy::cast_possible_truncation)]
fn float_num(f: f64) -> Num {
    if f.fract() == 0.0 && f.abs() < 1e18 {
        Num::I(f as i128)
    } else {
        Num::F(f)
    }
}

/// Deep equality, numbers by value (iterative).
fn equal(a: V<'_>, b: V<'_>) -> bool {
    let mut stack = vec![(a, b)];
    while let Some((x, y)) = stack.pop() {
        if x.is_null() || y.is_null() {
            if x.is_null() != y.is_null() {
                return false;
            }
            continue;
        }
        if let (Some(p), Some(q)) = (x.as_num(), y.as_num()) {
            if p.cmp(q) != Some(Ordering::Equal) {
                return false;
            }
            continue;
        }
        if let (Some(p), Some(q)) = (x.as_str(), y.as_str()) {
            if p != q {
                return false;
            }
            continue;
        }
        if let (Some(p), Some(q)) = (x.as_bool(), y.as_bool()) {
            if p != q {
                return false;
            }
            continue;
        }
        if let (Some(p), Some(q)) = (x.items(), y.items()) {
            if p.len() != q.len() {
                return false;
            }
            stack.extend(p.into_iter().zip(q));
            continue;
        }
        if let (Some(p), Some(q)) = (x.entries(), y.entries()) {
            if p.len() != q.len() {
                return false;
            }
            for (k, v) in p {
                match y.get(k) {
                    Some(w) => stack.push((v, w)),
                    None => return false,
                }
            }
            continue;
        }
        return false;
    }
    true
}

fn is_empty(v: V<'_>) -> bool {
    v.is_null()
        || v.as_str().is_some_and(str::is_empty)
        || v.items().is_some_and(|i| i.is_empty())
        || v.entries().is_some_and(|e| e.is_empty())
}

/// Equality selector (Service, ReplicationController): every pair present in the labels;
/// an empty or unset selector selects nothing.
fn map_selects(selector: V<'_>, labels: V<'_>) -> bool {
    let Some(pairs) = selector.entries() else {
        return false;
    };
    !pairs.is_empty()
        && pairs.iter().all(
            |(k, v)| match (v.as_str(), labels.get(k).and_then(V::as_str)) {
                (Some(want), Some(have)) => want == have,
                _ => false,
            },
        )
}

/// `LabelSelector`: `matchLabels` and `matchExpressions` (In, NotIn, Exists,
/// DoesNotExist) all hold; `{}` selects everything, unset nothing.
fn label_selector_selects(selector: V<'_>, labels: V<'_>) -> bool {
    if selector.entries().is_none() {
        return false;
    }
    let label = |k: &str| labels.get(k).and_then(V::as_str);
    if let Some(ml) = selector.get("matchLabels").filter(|v| !v.is_null()) {
        let Some(pairs) = ml.entries() else {
            return false;
        };
        for (k, v) in pairs {
            if v.as_str().is_none() || label(k) != v.as_str() {
                return false;
            }
        }
    }
    if let Some(exprs) = selector.get("matchExpressions").filter(|v| !v.is_null()) {
        let Some(exprs) = exprs.items() else {
            return false;
        };
        for e in exprs {
            let Some(key) = e.get("key").and_then(V::as_str) else {
                return false;
            };
            let values: Vec<&str> = e
                .get("values")
                .and_then(V::items)
                .map(|vs| vs.into_iter().filter_map(V::as_str).collect())
                .unwrap_or_default();
            let have = label(key);
            let ok = match e.get("operator").and_then(V::as_str) {
                Some("In") => have.is_some_and(|h| values.contains(&h)),
                Some("NotIn") => have.is_none_or(|h| !values.contains(&h)),
                Some("Exists") => have.is_some(),
                Some("DoesNotExist") => have.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// The text of a scalar part of `concat` (strings as they are, numbers and booleans as
/// JSON writes them).
fn scalar_text(v: V<'_>) -> Option<String> {
    if let Some(s) = v.as_str() {
        return Some(s.to_string());
    }
    if let Some(n) = v.as_num() {
        return Some(match n {
            Num::I(i) => i.to_string(),
            Num::F(f) => f.to_string(),
        });
    }
    v.as_bool().map(|b| b.to_string())
}

/// The Kubernetes quantity a value spells, as a number of units (`None` when it is not a
/// string or number, or not a quantity Kubernetes accepts).
fn quantity_of(v: V<'_>) -> Option<Json> {
    if v.as_str().is_none() && v.as_num().is_none() {
        return None;
    }
    crate::quantity::parse(&scalar_text(v)?)?.to_json()
}

/// `concat`: the parts joined, or `None` when a part is absent or not a scalar. Paths
/// resolve in `ctx` (absent without one).
fn concat(parts: &[Operand], ctx: Option<&Ctx<'_, '_>>) -> Option<String> {
    let mut out = String::new();
    for part in parts {
        let text = match part {
            Operand::Value(v) => scalar_text(V::J(v)),
            Operand::Path(p) => {
                let r = resolve(ctx?, p);
                scalar_text(r.value())
            }
            Operand::Concat(inner) => concat(inner, ctx),
            Operand::Quantity(p) => {
                let r = resolve(ctx?, p);
                quantity_of(r.value())
                    .as_ref()
                    .and_then(|q| scalar_text(V::J(q)))
            }
        }?;
        out.push_str(&text);
    }
    Some(out)
}

/// Applies `op` to `subject`; path operands resolve in `ctx` (absent without one).
fn test(subject: V<'_>, exists: bool, op: &Op, ctx: Option<&Ctx<'_, '_>>) -> bool {
    let with = |operand: &Operand, f: &dyn Fn(V<'_>) -> bool| -> bool {
        match operand {
            Operand::Value(v) => f(V::J(v)),
            Operand::Path(p) => match ctx {
                Some(ctx) => {
                    let r = resolve(ctx, p);
                    f(r.value())
                }
                None => f(V::Null),
            },
            Operand::Concat(parts) => match concat(parts, ctx) {
                Some(text) => f(V::J(&Json::String(text))),
                None => f(V::Null),
            },
            Operand::Quantity(p) => {
                let q = ctx.and_then(|ctx| quantity_of(resolve(ctx, p).value()));
                match &q {
                    Some(q) => f(V::J(q)),
                    None => f(V::Null),
                }
            }
        }
    };
    match op {
        Op::Equals(o) => with(o, &|x| equal(subject, x)),
        Op::NotEquals(o) => !with(o, &|x| equal(subject, x)),
        Op::In(o) => with(o, &|list| {
            list.items()
                .is_some_and(|items| items.into_iter().any(|i| equal(subject, i)))
        }),
        Op::NotIn(o) => !with(o, &|list| {
            list.items()
                .is_some_and(|items| items.into_iter().any(|i| equal(subject, i)))
        }),
        Op::Contains(o) => with(o, &|x| {
            subject
                .items()
                .is_some_and(|items| items.into_iter().any(|i| equal(i, x)))
        }),
        Op::NotContains(o) => !with(o, &|x| {
            subject
                .items()
                .is_some_and(|items| items.into_iter().any(|i| equal(i, x)))
        }),
        Op::Matches(re) => subject.as_str().is_some_and(|s| re.is_match(s)),
        Op::NotMatches(re) => !subject.as_str().is_some_and(|s| re.is_match(s)),
        Op::Cmp(cmp, o) => with(o, &|x| match (subject.as_num(), x.as_num()) {
            (Some(a), Some(b)) => a.cmp(b).is_some_and(|ord| cmp.holds(ord)),
            _ => false,
        }),
        Op::Exists(b) => exists == *b,
        Op::Empty(b) => is_empty(subject) == *b,
        Op::Type(t) => match t {
            JsonTypeDef::Null => subject.is_null(),
            JsonTypeDef::Integer => subject.as_num().is_some_and(|n| matches!(n, Num::I(_))),
            JsonTypeDef::String => subject.type_name() == "string",
            JsonTypeDef::Number => subject.type_name() == "number",
            JsonTypeDef::Boolean => subject.type_name() == "boolean",
            JsonTypeDef::Array => subject.type_name() == "array",
            JsonTypeDef::Object => subject.type_name() == "object",
        },
        Op::Version(cmp, v) => compare_version(subject, *cmp, *v),
        Op::MapSelects(o) => with(o, &|labels| map_selects(subject, labels)),
        Op::LabelSelectorSelects(o) => with(o, &|labels| label_selector_selects(subject, labels)),
    }
}

fn compare_version(subject: V<'_>, cmp: CmpOp, v: Version) -> bool {
    subject
        .as_str()
        .and_then(Version::parse)
        .is_some_and(|s| cmp.holds(s.cmp(&v)))
}

/// A truth value and the nodes that explain it.
pub(crate) struct Outcome<'a, 'p> {
    pub holds: bool,
    pub witnesses: Vec<Witness<'a, 'p>>,
}

pub(crate) fn outcome<'a, 'p>(holds: bool, witnesses: Vec<Witness<'a, 'p>>) -> Outcome<'a, 'p> {
    Outcome { holds, witnesses }
}

/// The items of a list (or the values of a map), each with its key for maps.
fn items<'a>(at: &Located<'a>) -> Vec<(Located<'a>, Option<&'a str>)> {
    match &at.node.value {
        Value::Seq(s) => (0..s.len())
            .filter_map(|i| at.item(i))
            .map(|l| (l, None))
            .collect(),
        Value::Map(m) => m
            .iter()
            .filter_map(|e| at.field(&e.key).map(|l| (l, Some(e.key.as_str()))))
            .collect(),
        _ => Vec::new(),
    }
}

/// Evaluates `cond` (nesting is bounded when policies compile).
pub(crate) fn eval<'a, 'p>(ctx: &Ctx<'_, 'a>, cond: &'p Cond) -> Outcome<'a, 'p> {
    match cond {
        Cond::All(children) => {
            let mut first_ws: Vec<Witness<'a, 'p>> = Vec::new();
            for child in children {
                let o = eval(ctx, child);
                if !o.holds {
                    return outcome(false, o.witnesses);
                }
                if first_ws.is_empty() {
                    first_ws = o.witnesses;
                }
            }
            outcome(true, first_ws)
        }
        Cond::Any(children) => {
            let mut first_ws: Vec<Witness<'a, 'p>> = Vec::new();
            for child in children {
                let o = eval(ctx, child);
                if o.holds {
                    return outcome(true, o.witnesses);
                }
                if first_ws.is_empty() {
                    first_ws = o.witnesses;
                }
            }
            outcome(false, first_ws)
        }
        Cond::Union(children) => {
            let mut holding: Vec<Witness<'a, 'p>> = Vec::new();
            let mut any = false;
            let mut first_ws: Vec<Witness<'a, 'p>> = Vec::new();
            for child in children {
                let o = eval(ctx, child);
                if o.holds {
                    any = true;
                    if o.witnesses.is_empty() {
                        holding.push(Resolved::Node(ctx.current.clone()).witness());
                    } else {
                        holding.extend(o.witnesses);
                    }
                } else if first_ws.is_empty() {
                    first_ws = o.witnesses;
                }
            }
            if any {
                outcome(true, holding)
            } else {
                outcome(false, first_ws)
            }
        }
        Cond::Not(inner) => {
            let o = eval(ctx, inner);
            outcome(!o.holds, o.witnesses)
        }
        Cond::Some { list, cond } => quantify(ctx, list, cond, false),
        Cond::Every { list, cond } => quantify(ctx, list, cond, true),
        Cond::Duplicates { list, by } => duplicates(ctx, list, by),
        Cond::Related {
            kinds,
            same_namespace,
            cond,
        } => {
            let ns = ctx.resource.id.namespace.as_deref();
            let scope = if *same_namespace { Some(ns) } else { None };
            let narrowed = if ctx.world.narrowing {
                narrow::narrowed(ctx, cond)
            } else {
                None
            };
            let candidates = match narrowed {
                Some(selected) => ctx.world.in_scope(selected, kinds.as_deref(), scope),
                None => ctx.world.candidates(kinds.as_deref(), scope),
            };
            for index in candidates {
                let Some((_, res, pod)) = ctx.world.entries.get(index) else {
                    continue;
                };
                if std::ptr::eq(*res, ctx.resource) {
                    continue;
                }
                if !ctx.world.relation_check(ctx.resource) {
                    break;
                }
                let candidate = Ctx::at_resource(res, pod.as_ref(), Some(ctx), ctx.world);
                if eval(&candidate, cond).holds {
                    return outcome(true, Vec::new());
                }
            }
            outcome(false, Vec::new())
        }
        Cond::SccRefuses(check) => crate::scc_cond::eval(ctx, check),
        Cond::Test { subject, op } => match subject {
            Subject::Value(v) => outcome(test(V::J(v), !v.is_null(), op, Some(ctx)), Vec::new()),
            Subject::Path(p) => {
                let r = resolve(ctx, p);
                let holds = test(r.value(), r.exists(), op, Some(ctx));
                outcome(holds, vec![r.witness()])
            }
            Subject::Quantity(p) => {
                let r = resolve(ctx, p);
                let q = quantity_of(r.value());
                let holds = match &q {
                    Some(q) => test(V::J(q), true, op, Some(ctx)),
                    None => test(V::Null, false, op, Some(ctx)),
                };
                outcome(holds, vec![r.witness()])
            }
        },
    }
}

/// Whether a condition on parameters only holds (see
/// [`crate::policy::compile::on_parameters_only`]; anything else counts as not holding).
pub(crate) fn holds_on_parameters(cond: &Cond) -> bool {
    match cond {
        Cond::All(c) => c.iter().all(holds_on_parameters),
        Cond::Any(c) | Cond::Union(c) => c.iter().any(holds_on_parameters),
        Cond::Not(c) => !holds_on_parameters(c),
        Cond::Test {
            subject: Subject::Value(v),
            op,
        } => test(V::J(v), !v.is_null(), op, None),
        Cond::Test { .. }
        | Cond::Some { .. }
        | Cond::Every { .. }
        | Cond::Duplicates { .. }
        | Cond::Related { .. }
        | Cond::SccRefuses(_) => false,
    }
}

/// `some`/`every` over `$containers`: each container of the pod, with `$container` bound.
fn quantify_containers<'a, 'p>(ctx: &Ctx<'_, 'a>, cond: &'p Cond, every: bool) -> Outcome<'a, 'p> {
    let collected;
    let containers: &[ContainerView<'a>] = match ctx.containers {
        Some(c) => c,
        None => {
            collected = ctx.pod.map(PodSpecView::containers).unwrap_or_default();
            &collected
        }
    };
    let mut deciding: Vec<Witness<'a, 'p>> = Vec::new();
    for cv in containers {
        let item = Ctx {
            resource: ctx.resource,
            pod: ctx.pod,
            containers: Some(containers),
            container: Some(cv),
            target: ctx.target.clone(),
            current: cv.item.clone(),
            key: None,
            parent: Some(ctx.current.clone()),
            outer: ctx.outer,
            world: ctx.world,
        };
        let o = eval(&item, cond);
        if o.holds != every {
            let mut ws = o.witnesses;
            if ws.is_empty() {
                ws.push(Resolved::Node(cv.item.clone()).witness());
            }
            for mut w in ws {
                w.container.get_or_insert((cv.kind, cv.index));
                deciding.push(w);
            }
        }
    }
    if deciding.is_empty() {
        let spec = ctx
            .pod
            .map_or_else(|| ctx.target.clone(), |p| p.spec.clone());
        outcome(every, vec![Resolved::Node(spec).witness()])
    } else {
        outcome(!every, deciding)
    }
}

/// `some` (`every == false`) or `every`: the witnesses are those of the items that decide.
fn quantify<'a, 'p>(
    ctx: &Ctx<'_, 'a>,
    list: &'p Path,
    cond: &'p Cond,
    every: bool,
) -> Outcome<'a, 'p> {
    if list.root == Root::Containers {
        return quantify_containers(ctx, cond, every);
    }
    let resolved = resolve(ctx, list);
    let members = match &resolved {
        Resolved::Node(at) => items(at),
        _ => Vec::new(),
    };
    let mut deciding: Vec<Witness<'a, 'p>> = Vec::new();
    for (item, key) in members {
        let o = eval(&ctx.with_current(item.clone(), key), cond);
        // `some` is decided by items that hold, `every` by items that do not.
        if o.holds != every {
            if o.witnesses.is_empty() {
                deciding.push(Resolved::Node(item).witness());
            } else {
                deciding.extend(o.witnesses);
            }
        }
    }
    if deciding.is_empty() {
        // No item decided: `some` is false, `every` is true; the list itself explains it.
        outcome(every, vec![resolved.witness()])
    } else {
        outcome(!every, deciding)
    }
}

/// `duplicates`: the second occurrence of each value (at `by`) repeated in the list.
fn duplicates<'a, 'p>(ctx: &Ctx<'_, 'a>, list: &'p Path, by: &'p Path) -> Outcome<'a, 'p> {
    let resolved = resolve(ctx, list);
    let members = match &resolved {
        Resolved::Node(at) => items(at),
        _ => Vec::new(),
    };
    // Each distinct value seen, with whether it was already reported.
    let mut seen: Vec<(Resolved<'a, 'p>, bool)> = Vec::new();
    let mut repeats: Vec<Witness<'a, 'p>> = Vec::new();
    for (item, key) in members {
        let value = resolve(&ctx.with_current(item, key), by);
        if !value.exists() {
            continue;
        }
        match seen
            .iter_mut()
            .find(|(v, _)| equal(v.value(), value.value()))
        {
            Some((_, reported)) => {
                if !*reported {
                    *reported = true;
                    repeats.push(value.witness());
                }
            }
            None => seen.push((value, false)),
        }
    }
    if repeats.is_empty() {
        outcome(false, vec![resolved.witness()])
    } else {
        outcome(true, repeats)
    }
}

/// The findings' witnesses for one target: empty when the policy holds.
pub(crate) fn check<'a, 'p>(ctx: &Ctx<'_, 'a>, policy: &'p Policy) -> Vec<Witness<'a, 'p>> {
    if let Some(when) = &policy.when {
        if !eval(ctx, when).holds {
            return Vec::new();
        }
    }
    let (violated, witnesses) = match &policy.check {
        Check::Deny(c) => {
            let o = eval(ctx, c);
            (o.holds, o.witnesses)
        }
        Check::Require(c) => {
            let o = eval(ctx, c);
            (!o.holds, o.witnesses)
        }
    };
    if !violated {
        return Vec::new();
    }
    if let Some(blame) = &policy.blame {
        return vec![resolve(ctx, blame).witness()];
    }
    if witnesses.is_empty() {
        return vec![Resolved::Node(ctx.target.clone()).witness()];
    }
    let mut out: Vec<Witness<'a, 'p>> = Vec::new();
    for w in witnesses {
        let dup = out
            .iter()
            .any(|o| o.at.pointer == w.at.pointer && o.missing == w.missing);
        if !dup {
            out.push(w);
        }
    }
    out
}
