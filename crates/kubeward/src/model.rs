//! The resource model: what a scan evaluates.

use kubeward_yaml::{Diagnostic, Node, Span, Value};

use crate::report::{ErrorEntry, ResourceRef, TemplateRef};

/// One Kubernetes object of a scanned input (list items are resources of their own).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Identity (apiVersion, kind, namespace, name, document index).
    pub id: ResourceRef,
    /// Index of the input in [`Scan::files`].
    pub file: usize,
    /// JSON pointer of this object inside its document (`""`, or `/items/3` for a list item).
    pub pointer: String,
    /// The object.
    pub root: Node,
}

/// One input: its text, what it decoded to, and its resources.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Name as given by the user (path, `<stdin>`...).
    pub name: String,
    /// The text (lossy UTF-8), for code frames and inline suppressions.
    pub text: String,
    /// What the decoder noticed (duplicate keys, merge overrides, ignored content); the
    /// documents themselves live on in `resources`.
    pub diagnostics: Vec<Diagnostic>,
    /// Resources after kubectl's list flattening.
    pub resources: Vec<Resource>,
    /// Errors found while building resources (decode errors included).
    pub errors: Vec<ErrorEntry>,
    /// For the output of a Helm chart: the template line behind each line of `text`.
    pub template_map: Option<TemplateMap>,
}

/// Where each line of a rendered chart came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateMap {
    /// One entry per line of the rendered text (index 0 is line 1); `None` for lines that
    /// Helm itself wrote (`---`, `# Source:`) or whose origin is unknown.
    pub lines: Vec<Option<TemplateRef>>,
}

impl TemplateMap {
    /// The template line behind rendered line `line` (1-based).
    #[must_use]
    pub fn at(&self, line: u32) -> Option<&TemplateRef> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        self.lines.get(index)?.as_ref()
    }
}

/// All inputs of one scan: relations between resources are evaluated within it.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// The inputs, in a deterministic order.
    pub files: Vec<SourceFile>,
}

impl Scan {
    /// All resources of all files.
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.files.iter().flat_map(|f| f.resources.iter())
    }
}

fn str_at<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Node::as_str)
}

/// Decodes `bytes` Kubernetes' way and builds its resources (`file` is the index the
/// caller gives this input in its [`Scan`]).
#[must_use]
pub fn load(name: &str, bytes: &[u8], file: usize) -> SourceFile {
    load_with(name, bytes, file, &crate::Limits::default())
}

/// [`load`] within `limits`: an input larger than `max-input-bytes` is an error and is not
/// decoded; the decoding limits (depth, documents, keys, scalars, aliases) apply.
#[must_use]
pub fn load_with(name: &str, bytes: &[u8], file: usize, limits: &crate::Limits) -> SourceFile {
    if let Some(message) = limits.check_input_len(bytes.len() as u64) {
        return crate::inputs::unreadable(name, message);
    }
    load_decoded(name, bytes.to_vec(), file, &limits.decode())
}

/// [`load_with`] of bytes the caller gives away: valid UTF-8 becomes the file's text without
/// a copy (the input is held once, not twice, while the scan runs).
#[must_use]
pub fn load_owned_with(
    name: &str,
    bytes: Vec<u8>,
    file: usize,
    limits: &crate::Limits,
) -> SourceFile {
    if let Some(message) = limits.check_input_len(bytes.len() as u64) {
        return crate::inputs::unreadable(name, message);
    }
    load_decoded(name, bytes, file, &limits.decode())
}

/// [`load_owned_with`] of text that is not an input of its own (a chart's output): only the
/// decoding limits apply.
pub(crate) fn load_decoded(
    name: &str,
    bytes: Vec<u8>,
    file: usize,
    limits: &kubeward_yaml::DecodeLimits,
) -> SourceFile {
    let decoded = kubeward_yaml::decode_with(&bytes, limits);
    let mut errors: Vec<ErrorEntry> = decoded
        .errors
        .iter()
        .map(|e| ErrorEntry {
            file: name.to_string(),
            line: e.pos.line,
            column: e.pos.column,
            message: e.message.clone(),
        })
        .collect();
    let mut resources = Vec::new();
    for doc in decoded.documents {
        flatten(name, file, doc.index, doc.root, &mut resources, &mut errors);
    }
    SourceFile {
        name: name.to_string(),
        text: match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        },
        diagnostics: decoded.diagnostics,
        resources,
        errors,
        template_map: None,
    }
}

/// kubectl's list flattening: an object with an `items` array stands for its items; items
/// with neither `kind` nor `apiVersion` take the list's kind minus `List` and its apiVersion.
fn flatten(
    name: &str,
    file: usize,
    document: usize,
    mut root: Node,
    out: &mut Vec<Resource>,
    errors: &mut Vec<ErrorEntry>,
) {
    let error = |span: Span, message: String| ErrorEntry {
        file: name.to_string(),
        line: span.start.line,
        column: span.start.column,
        message,
    };
    if root.as_map().is_none() {
        errors.push(error(
            root.span,
            format!(
                "document {document} is a {} where Kubernetes expects an object",
                root.type_name()
            ),
        ));
        return;
    }
    if root.get("items").and_then(Node::as_seq).is_some() {
        let list_kind = str_at(&root, "kind").unwrap_or_default();
        let item_kind = list_kind
            .strip_suffix("List")
            .unwrap_or(list_kind)
            .to_string();
        let list_version = str_at(&root, "apiVersion").unwrap_or_default().to_string();
        // The items move into their resources (no copy of the tree).
        let items = match &mut root.value {
            Value::Map(map) => match map.get_mut("items").map(|n| &mut n.value) {
                Some(Value::Seq(items)) => std::mem::take(items),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for (i, item) in items.into_iter().enumerate() {
            if item.as_map().is_none() {
                errors.push(error(
                    item.span,
                    format!(
                        "list item {i} is a {} where Kubernetes expects an object",
                        item.type_name()
                    ),
                ));
                continue;
            }
            let inherit = item.get("kind").is_none() && item.get("apiVersion").is_none();
            let mut res = resource(file, document, format!("/items/{i}"), item);
            if inherit {
                res.id.kind.clone_from(&item_kind);
                res.id.api_version.clone_from(&list_version);
            }
            check_identity(&res, &error, errors);
            out.push(res);
        }
        return;
    }
    let res = resource(file, document, String::new(), root);
    check_identity(&res, &error, errors);
    out.push(res);
}

fn check_identity(
    res: &Resource,
    error: &dyn Fn(Span, String) -> ErrorEntry,
    errors: &mut Vec<ErrorEntry>,
) {
    if res.id.kind.is_empty() {
        errors.push(error(
            res.root.span,
            "object has no `kind`: Kubernetes rejects it (Object 'Kind' is missing)".to_string(),
        ));
    }
}

fn resource(file: usize, document: usize, pointer: String, root: Node) -> Resource {
    let meta = root.get("metadata");
    let meta_str = |key: &str| meta.and_then(|m| str_at(m, key)).map(str::to_string);
    let id = ResourceRef {
        api_version: str_at(&root, "apiVersion").unwrap_or_default().to_string(),
        kind: str_at(&root, "kind").unwrap_or_default().to_string(),
        namespace: meta_str("namespace"),
        name: meta_str("name")
            .or_else(|| meta_str("generateName"))
            .unwrap_or_default(),
        document,
    };
    Resource {
        id,
        file,
        pointer,
        root,
    }
}

/// Whether a value is a JSON object (used by views).
#[must_use]
pub(crate) fn is_object(node: &Node) -> bool {
    matches!(node.value, Value::Map(_))
}

/// Escapes one JSON pointer token (RFC 6901).
#[must_use]
pub(crate) fn escape_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    push_token(&mut out, token);
    out
}

/// Appends the escaped `token` (RFC 6901) to a JSON pointer.
fn push_token(out: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Appends `/` and the escaped `token` to a JSON pointer.
pub(crate) fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    push_token(pointer, token);
}

/// Appends `/` and a list index to a JSON pointer.
pub(crate) fn push_pointer_index(pointer: &mut String, index: usize) {
    use std::fmt::Write as _;
    let _ = write!(pointer, "/{index}");
}

/// `pointer` followed by the escaped `token`, in one allocation.
fn child_pointer(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    push_token(&mut out, token);
    out
}

/// A node of a resource and where it sits in it.
#[derive(Debug, Clone)]
pub struct Located<'a> {
    /// The node.
    pub node: &'a Node,
    /// Where its key was written, when the node is the value of a mapping entry.
    pub key_span: Option<Span>,
    /// JSON pointer from the resource's root (prefix [`Resource::pointer`] for the document).
    pub pointer: String,
}

impl<'a> Located<'a> {
    /// The resource's root.
    #[must_use]
    pub fn root(resource: &'a Resource) -> Self {
        Located {
            node: &resource.root,
            key_span: None,
            pointer: String::new(),
        }
    }

    /// The region to blame for this node: from its key (or its own start) to the end of
    /// its value.
    #[must_use]
    pub fn span(&self) -> Span {
        let start = self.key_span.map_or(self.node.span.start, |k| k.start);
        Span {
            start,
            end: self.node.span.end,
        }
    }

    /// The value of `key`, when this node is a mapping and the value is not `null`
    /// (Kubernetes reads `null` as unset).
    #[must_use]
    pub fn field(&self, key: &str) -> Option<Located<'a>> {
        let entry = self.node.as_map()?.entry(key)?;
        if entry.value.is_null() {
            return None;
        }
        Some(Located {
            node: &entry.value,
            key_span: Some(entry.key_span),
            pointer: child_pointer(&self.pointer, key),
        })
    }

    /// Item `index`, when this node is a sequence and the item is not `null`.
    #[must_use]
    pub fn item(&self, index: usize) -> Option<Located<'a>> {
        let node = self.node.as_seq()?.get(index)?;
        if node.is_null() {
            return None;
        }
        Some(Located {
            node,
            key_span: None,
            pointer: format!("{}/{index}", self.pointer),
        })
    }

    /// Follows `keys` as far as they exist: `Ok(node)` when all do, otherwise
    /// `Err((deepest existing node, index of the first missing key))`.
    ///
    /// # Errors
    /// When a key is missing (or `null`).
    pub fn descend(&self, keys: &[&str]) -> Result<Located<'a>, (Located<'a>, usize)> {
        let mut at = self.clone();
        for (i, key) in keys.iter().enumerate() {
            match at.field(key) {
                Some(next) => at = next,
                None => return Err((at, i)),
            }
        }
        Ok(at)
    }
}

/// How a kind of workload holds its pod template.
struct Workload {
    kind: &'static str,
    /// API groups the kind belongs to (`""` is the core group).
    groups: &'static [&'static str],
    spec: &'static [&'static str],
    metadata: &'static [&'static str],
}

const WORKLOADS: &[Workload] = &[
    Workload {
        kind: "Pod",
        groups: &[""],
        spec: &["spec"],
        metadata: &["metadata"],
    },
    Workload {
        kind: "PodTemplate",
        groups: &[""],
        spec: &["template", "spec"],
        metadata: &["template", "metadata"],
    },
    Workload {
        kind: "ReplicationController",
        groups: &[""],
        spec: &["spec", "template", "spec"],
        metadata: &["spec", "template", "metadata"],
    },
    Workload {
        kind: "Deployment",
        groups: &["apps", "extensions"],
        spec: &["spec", "template", "spec"],
        metadata: &["spec", "template", "metadata"],
    },
    Workload {
        kind: "StatefulSet",
        groups: &["apps"],
        spec: &["spec", "template", "spec"],
        metadata: &["spec", "template", "metadata"],
    },
    Workload {
        kind: "DaemonSet",
        groups: &["apps", "extensions"],
        spec: &["spec", "template", "spec"],
        metadata: &["spec", "template", "metadata"],
    },
    Workload {
        kind: "ReplicaSet",
        groups: &["apps", "extensions"],
        spec: &["spec", "template", "spec"],
        metadata: &["spec", "template", "metadata"],
    },
    Workload {
        kind: "Job",
        groups: &["batch"],
        spec: &["spec", "template", "spec"],
        metadata: &["spec", "template", "metadata"],
    },
    Workload {
        kind: "CronJob",
        groups: &["batch"],
        spec: &["spec", "jobTemplate", "spec", "template", "spec"],
        metadata: &["spec", "jobTemplate", "spec", "template", "metadata"],
    },
    Workload {
        kind: "DeploymentConfig",
        // `v1` is the pre-3.6 OpenShift spelling.
        groups: &["apps.openshift.io", ""],
        spec: &["spec", "template", "spec"],
        metadata: &["spec", "template", "metadata"],
    },
];

/// The kinds that have a pod spec ([`Resource::pod_spec`]).
#[must_use]
pub fn pod_spec_kinds() -> Vec<&'static str> {
    WORKLOADS.iter().map(|w| w.kind).collect()
}

fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

impl Resource {
    /// The pod spec of a workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController, Job, CronJob, PodTemplate, OpenShift DeploymentConfig), when
    /// the resource is one and its pod spec is an object.
    #[must_use]
    pub fn pod_spec(&self) -> Option<PodSpecView<'_>> {
        let group = api_group(&self.id.api_version);
        let workload = WORKLOADS.iter().find(|w| {
            w.kind == self.id.kind && (self.id.api_version.is_empty() || w.groups.contains(&group))
        })?;
        let root = Located::root(self);
        let spec = root.descend(workload.spec).ok()?;
        spec.node.as_map()?;
        let metadata = root
            .descend(workload.metadata)
            .ok()
            .filter(|m| is_object(m.node));
        let metadata_pointer = workload
            .metadata
            .iter()
            .fold(String::new(), |acc, k| format!("{acc}/{k}"));
        Some(PodSpecView {
            resource: self,
            spec,
            metadata,
            metadata_pointer,
            metadata_keys: workload.metadata,
        })
    }
}

/// The pod spec of a workload.
#[derive(Debug, Clone)]
pub struct PodSpecView<'a> {
    /// The workload.
    pub resource: &'a Resource,
    /// The pod spec (`spec`, `spec.template.spec`, `spec.jobTemplate.spec.template.spec`...).
    pub spec: Located<'a>,
    /// The pod's metadata (`metadata` of a Pod, the pod template's `metadata` otherwise),
    /// when present.
    pub metadata: Option<Located<'a>>,
    /// JSON pointer of the pod metadata in the resource (even when absent).
    pub metadata_pointer: String,
    metadata_keys: &'static [&'static str],
}

/// The three lists of containers of a pod spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContainerKind {
    /// `initContainers`.
    Init,
    /// `containers`.
    Regular,
    /// `ephemeralContainers`.
    Ephemeral,
}

impl ContainerKind {
    /// In the order Pod Security admission visits them.
    pub const ALL: [ContainerKind; 3] = [
        ContainerKind::Init,
        ContainerKind::Regular,
        ContainerKind::Ephemeral,
    ];

    /// The field of the pod spec (`initContainers`, `containers`, `ephemeralContainers`).
    #[must_use]
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

impl<'a> PodSpecView<'a> {
    /// The pod metadata, or the nearest existing node on its way with the keys still
    /// missing (`Err((parent, missing keys))`).
    ///
    /// # Errors
    /// When the metadata is absent.
    pub fn metadata_or_parent(&self) -> Result<Located<'a>, (Located<'a>, Vec<&'static str>)> {
        Located::root(self.resource)
            .descend(self.metadata_keys)
            .map_err(|(at, i)| (at, self.metadata_keys.get(i..).unwrap_or_default().to_vec()))
    }

    /// Every container, init container and ephemeral container (in that order), skipping
    /// items that are not objects.
    #[must_use]
    pub fn containers(&self) -> Vec<ContainerView<'a>> {
        let mut out = Vec::new();
        for kind in ContainerKind::ALL {
            let Some(list) = self.spec.field(kind.field()) else {
                continue;
            };
            let Some(items) = list.node.as_seq() else {
                continue;
            };
            for index in 0..items.len() {
                let Some(item) = list.item(index) else {
                    continue;
                };
                if !is_object(item.node) {
                    continue;
                }
                let name = item
                    .node
                    .get("name")
                    .and_then(Node::as_str)
                    .map_or_else(|| format!("{}[{index}]", kind.field()), str::to_string);
                out.push(ContainerView {
                    pod: self.clone(),
                    item,
                    name,
                    kind,
                    index,
                });
            }
        }
        out
    }
}

/// One container of a pod spec.
#[derive(Debug, Clone)]
pub struct ContainerView<'a> {
    /// The pod spec it belongs to.
    pub pod: PodSpecView<'a>,
    /// The container's item in its list.
    pub item: Located<'a>,
    /// Its `name` (or `containers[2]` when it has none).
    pub name: String,
    /// Which list it is in.
    pub kind: ContainerKind,
    /// Its index in that list.
    pub index: usize,
}

/// Where an effective security-context value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The container's `securityContext`.
    Container,
    /// The pod's `securityContext`.
    Pod,
}

/// The effective value of a security-context field for one container.
#[derive(Debug, Clone)]
pub enum Effective<'a> {
    /// Set on the container or, failing that, on the pod.
    Set {
        /// Which level set it.
        origin: Origin,
        /// The node.
        at: Located<'a>,
    },
    /// Forced by another field (`allowPrivilegeEscalation` is always true for a privileged
    /// container or one that adds `CAP_SYS_ADMIN`).
    Implied {
        /// The value in force.
        value: serde_json::Value,
        /// The field that forces it.
        at: Located<'a>,
    },
    /// Set nowhere: Kubernetes' default applies.
    Default {
        /// The default (`null` when Kubernetes leaves it to the image or the runtime).
        value: serde_json::Value,
        /// The nearest existing node on the container side (its `securityContext`, or the
        /// container itself), to blame for the missing field.
        parent: Located<'a>,
        /// The missing field, from the container (`securityContext.runAsNonRoot`).
        missing: String,
    },
}

/// A security-context field and its default.
type FieldDefault = (&'static str, fn() -> serde_json::Value);

/// Security-context fields that only exist on containers, with their defaults.
const CONTAINER_FIELDS: &[FieldDefault] = &[
    ("privileged", || serde_json::Value::Bool(false)),
    ("allowPrivilegeEscalation", || serde_json::Value::Bool(true)),
    ("readOnlyRootFilesystem", || serde_json::Value::Bool(false)),
    ("procMount", || {
        serde_json::Value::String("Default".to_string())
    }),
    ("capabilities", || serde_json::Value::Null),
];

/// Security-context fields that exist on both the pod and the container (the container
/// wins), with their defaults.
const SHARED_FIELDS: &[FieldDefault] = &[
    ("runAsUser", || serde_json::Value::Null),
    ("runAsGroup", || serde_json::Value::Null),
    // Unset means "not enforced".
    ("runAsNonRoot", || serde_json::Value::Bool(false)),
    ("seLinuxOptions", || serde_json::Value::Null),
    ("seccompProfile", || serde_json::Value::Null),
    ("appArmorProfile", || serde_json::Value::Null),
    ("windowsOptions", || serde_json::Value::Null),
];

/// The security-context fields [`ContainerView::effective`] knows.
#[must_use]
pub fn effective_fields() -> Vec<&'static str> {
    CONTAINER_FIELDS
        .iter()
        .chain(SHARED_FIELDS)
        .map(|(name, _)| *name)
        .collect()
}

impl<'a> ContainerView<'a> {
    /// The container's `securityContext`, when set.
    #[must_use]
    pub fn security_context(&self) -> Option<Located<'a>> {
        self.item
            .field("securityContext")
            .filter(|sc| is_object(sc.node))
    }

    /// The pod's `securityContext`, when set.
    #[must_use]
    pub fn pod_security_context(&self) -> Option<Located<'a>> {
        self.pod
            .spec
            .field("securityContext")
            .filter(|sc| is_object(sc.node))
    }

    /// The effective value of a security-context field (`runAsNonRoot`, or a sub-field such
    /// as `seccompProfile.type`): the container's value, else the pod's (for fields that
    /// exist at both levels), else Kubernetes' default. `None` for an unknown field.
    ///
    /// `seLinuxOptions`, `seccompProfile` and `appArmorProfile` are taken whole from the
    /// level that sets them; `windowsOptions` merges field by field (as the kubelet does).
    #[must_use]
    pub fn effective(&self, field: &str) -> Option<Effective<'a>> {
        let keys: Vec<&str> = field.split('.').collect();
        let (first, rest) = keys.split_first()?;
        let default = CONTAINER_FIELDS
            .iter()
            .chain(SHARED_FIELDS)
            .find(|(name, _)| name == first)
            .map(|(_, d)| {
                if rest.is_empty() {
                    d()
                } else {
                    serde_json::Value::Null
                }
            })?;
        let shared = SHARED_FIELDS.iter().any(|(name, _)| name == first);
        if *first == "allowPrivilegeEscalation" {
            if let Some(implied) = self.escalation_implied() {
                return Some(implied);
            }
        }
        let container = self.security_context();
        let pod = if shared {
            self.pod_security_context()
        } else {
            None
        };
        let missing = format!("securityContext.{field}");
        let container_side = || -> Located<'a> {
            match &container {
                Some(sc) => match sc.descend(&keys) {
                    Ok(at) => at,
                    Err((at, _)) => at,
                },
                None => self.item.clone(),
            }
        };
        let lookup = |sc: &Option<Located<'a>>, origin: Origin| -> Option<Effective<'a>> {
            sc.as_ref()?
                .descend(&keys)
                .ok()
                .map(|at| Effective::Set { origin, at })
        };
        let whole = matches!(
            *first,
            "seLinuxOptions" | "seccompProfile" | "appArmorProfile"
        );
        if whole && !rest.is_empty() {
            // The level that sets the struct decides, even when it lacks the sub-field.
            for (sc, origin) in [(&container, Origin::Container), (&pod, Origin::Pod)] {
                let Some(sc) = sc else { continue };
                let Some(strukt) = sc.field(first) else {
                    continue;
                };
                return Some(match strukt.descend(rest) {
                    Ok(at) => Effective::Set { origin, at },
                    Err((parent, _)) => Effective::Default {
                        value: default,
                        parent,
                        missing,
                    },
                });
            }
        } else if let Some(found) =
            lookup(&container, Origin::Container).or_else(|| lookup(&pod, Origin::Pod))
        {
            return Some(found);
        }
        Some(Effective::Default {
            value: default,
            parent: container_side(),
            missing,
        })
    }

    /// `allowPrivilegeEscalation` is true whatever it says when the container is privileged
    /// or adds `CAP_SYS_ADMIN` (Kubernetes' API validation rejects `false` with either).
    fn escalation_implied(&self) -> Option<Effective<'a>> {
        let sc = self.security_context()?;
        if let Some(privileged) = sc
            .field("privileged")
            .filter(|p| p.node.as_bool() == Some(true))
        {
            return Some(Effective::Implied {
                value: serde_json::Value::Bool(true),
                at: privileged,
            });
        }
        let add = sc.descend(&["capabilities", "add"]).ok()?;
        let count = add.node.as_seq().map_or(0, <[Node]>::len);
        (0..count)
            .filter_map(|i| add.item(i))
            .find(|item| matches!(item.node.as_str(), Some("SYS_ADMIN" | "CAP_SYS_ADMIN")))
            .map(|at| Effective::Implied {
                value: serde_json::Value::Bool(true),
                at,
            })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn resource(text: &str) -> Resource {
        let file = load("t.yaml", text.as_bytes(), 0);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        file.resources.into_iter().next().unwrap()
    }

    #[test]
    fn pod_spec_pointers_of_every_workload_kind() {
        let template =
            "template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}";
        let cases = [
            (
                "v1",
                "Pod",
                "spec: {containers: [{name: c, image: i}]}\nmetadata: {labels: {a: b}}".to_string(),
                "/spec",
                "/metadata",
            ),
            (
                "v1",
                "PodTemplate",
                template.to_string(),
                "/template/spec",
                "/template/metadata",
            ),
            (
                "v1",
                "ReplicationController",
                format!("spec: {{{template}}}"),
                "/spec/template/spec",
                "/spec/template/metadata",
            ),
            (
                "apps/v1",
                "Deployment",
                format!("spec: {{{template}}}"),
                "/spec/template/spec",
                "/spec/template/metadata",
            ),
            (
                "extensions/v1beta1",
                "Deployment",
                format!("spec: {{{template}}}"),
                "/spec/template/spec",
                "/spec/template/metadata",
            ),
            (
                "apps/v1",
                "StatefulSet",
                format!("spec: {{{template}}}"),
                "/spec/template/spec",
                "/spec/template/metadata",
            ),
            (
                "apps/v1",
                "DaemonSet",
                format!("spec: {{{template}}}"),
                "/spec/template/spec",
                "/spec/template/metadata",
            ),
            (
                "apps/v1",
                "ReplicaSet",
                format!("spec: {{{template}}}"),
                "/spec/template/spec",
                "/spec/template/metadata",
            ),
            (
                "batch/v1",
                "Job",
                format!("spec: {{{template}}}"),
                "/spec/template/spec",
                "/spec/template/metadata",
            ),
            (
                "batch/v1",
                "CronJob",
                format!("spec: {{jobTemplate: {{spec: {{{template}}}}}}}"),
                "/spec/jobTemplate/spec/template/spec",
                "/spec/jobTemplate/spec/template/metadata",
            ),
            (
                "apps.openshift.io/v1",
                "DeploymentConfig",
                format!("spec: {{{template}}}"),
                "/spec/template/spec",
                "/spec/template/metadata",
            ),
        ];
        for (api, kind, body, spec, meta) in cases {
            let r = resource(&format!(
                "apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\n{body}\n"
            ));
            let view = r
                .pod_spec()
                .unwrap_or_else(|| panic!("{api} {kind} has a pod spec"));
            assert_eq!(view.spec.pointer, spec, "{kind}");
            assert_eq!(view.metadata_pointer, meta, "{kind}");
            assert_eq!(
                view.metadata.as_ref().map(|m| m.pointer.as_str()),
                Some(meta),
                "{kind}"
            );
            let containers = view.containers();
            assert_eq!(containers.len(), 1, "{kind}");
            assert_eq!(containers[0].item.pointer, format!("{spec}/containers/0"));
            assert_eq!(containers[0].name, "c");
        }
    }

    #[test]
    fn custom_resources_and_services_have_no_pod_spec() {
        for text in [
            "apiVersion: example.com/v1\nkind: Deployment\nspec: {template: {spec: {containers: []}}}\n",
            "apiVersion: v1\nkind: Service\nspec: {selector: {a: b}}\n",
            "apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: [1]}}\n",
            "apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: 1}\n",
        ] {
            assert!(resource(text).pod_spec().is_none(), "{text}");
        }
    }

    #[test]
    fn containers_in_pod_security_order_with_kinds_and_names() {
        let r = resource(
            "apiVersion: v1\nkind: Pod\nspec:\n  ephemeralContainers: [{name: e}]\n  containers: [{name: c}, {image: x}, 3]\n  initContainers: [{name: i}]\n",
        );
        let cs = r.pod_spec().unwrap().containers();
        let got: Vec<(ContainerKind, &str, &str)> = cs
            .iter()
            .map(|c| (c.kind, c.name.as_str(), c.item.pointer.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (ContainerKind::Init, "i", "/spec/initContainers/0"),
                (ContainerKind::Regular, "c", "/spec/containers/0"),
                (
                    ContainerKind::Regular,
                    "containers[1]",
                    "/spec/containers/1"
                ),
                (ContainerKind::Ephemeral, "e", "/spec/ephemeralContainers/0"),
            ]
        );
    }

    fn effective_of(pod_sc: &str, container_sc: &str, field: &str) -> (String, Option<String>) {
        let r = resource(&format!(
            "apiVersion: v1\nkind: Pod\nspec:\n  securityContext: {pod_sc}\n  containers:\n  - name: c\n    securityContext: {container_sc}\n"
        ));
        let pod = r.pod_spec().unwrap();
        let c = pod.containers().into_iter().next().unwrap();
        match c.effective(field).unwrap() {
            Effective::Set { origin, at } => (format!("{origin:?} {}", at.pointer), None),
            Effective::Implied { value, at } => (format!("implied {value} {}", at.pointer), None),
            Effective::Default {
                value,
                parent,
                missing,
            } => (format!("default {value} {}", parent.pointer), Some(missing)),
        }
    }

    #[test]
    fn effective_security_context_precedence_and_defaults() {
        assert_eq!(
            effective_of("{runAsUser: 1}", "{runAsUser: 2}", "runAsUser").0,
            "Container /spec/containers/0/securityContext/runAsUser"
        );
        assert_eq!(
            effective_of("{runAsUser: 1}", "{}", "runAsUser").0,
            "Pod /spec/securityContext/runAsUser"
        );
        assert_eq!(
            effective_of("{runAsUser: 1}", "{runAsUser: null}", "runAsUser").0,
            "Pod /spec/securityContext/runAsUser",
            "null is unset"
        );
        assert_eq!(
            effective_of("{}", "{}", "runAsNonRoot"),
            (
                "default false /spec/containers/0/securityContext".to_string(),
                Some("securityContext.runAsNonRoot".to_string())
            )
        );
        assert_eq!(
            effective_of("{}", "null", "runAsNonRoot").0,
            "default false /spec/containers/0",
            "no securityContext: the container"
        );
        assert_eq!(
            effective_of("{privileged: true}", "{}", "privileged").0,
            "default false /spec/containers/0/securityContext",
            "privileged has no pod-level field"
        );
        assert_eq!(
            effective_of("{}", "{}", "allowPrivilegeEscalation").0,
            "default true /spec/containers/0/securityContext"
        );
        assert_eq!(
            effective_of(
                "{}",
                "{allowPrivilegeEscalation: false, privileged: true}",
                "allowPrivilegeEscalation"
            )
            .0,
            "implied true /spec/containers/0/securityContext/privileged"
        );
        assert_eq!(
            effective_of(
                "{}",
                "{capabilities: {add: [SYS_ADMIN]}}",
                "allowPrivilegeEscalation"
            )
            .0,
            "implied true /spec/containers/0/securityContext/capabilities/add/0"
        );
        assert_eq!(
            effective_of(
                "{seccompProfile: {type: RuntimeDefault}}",
                "{seccompProfile: {localhostProfile: p}}",
                "seccompProfile.type"
            ),
            (
                "default null /spec/containers/0/securityContext/seccompProfile".to_string(),
                Some("securityContext.seccompProfile.type".to_string())
            )
        );
        assert_eq!(
            effective_of(
                "{seccompProfile: {type: RuntimeDefault}}",
                "{}",
                "seccompProfile.type"
            )
            .0,
            "Pod /spec/securityContext/seccompProfile/type"
        );
        assert_eq!(
            effective_of(
                "{windowsOptions: {hostProcess: true}}",
                "{windowsOptions: {runAsUserName: u}}",
                "windowsOptions.hostProcess"
            )
            .0,
            "Pod /spec/securityContext/windowsOptions/hostProcess"
        );
        let r = resource("apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c}]}\n");
        assert!(r.pod_spec().unwrap().containers()[0]
            .effective("nope")
            .is_none());
    }
}
