//! The resource model: what a scan evaluates.

use kubeward_yaml::{Decoded, Node, Span, Value};

use crate::report::{ErrorEntry, ResourceRef};

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
    /// Decoder output (documents, diagnostics, errors).
    pub decoded: Decoded,
    /// Resources after kubectl's list flattening.
    pub resources: Vec<Resource>,
    /// Errors found while building resources (decode errors included).
    pub errors: Vec<ErrorEntry>,
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
    let decoded = kubeward_yaml::decode(bytes);
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
    for doc in &decoded.documents {
        flatten(name, file, doc.index, &doc.root, &mut resources, &mut errors);
    }
    SourceFile {
        name: name.to_string(),
        text: String::from_utf8_lossy(bytes).into_owned(),
        decoded,
        resources,
        errors,
    }
}

/// kubectl's list flattening: an object with an `items` array stands for its items; items
/// with neither `kind` nor `apiVersion` take the list's kind minus `List` and its apiVersion.
fn flatten(
    name: &str,
    file: usize,
    document: usize,
    root: &Node,
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
    if let Some(items) = root.get("items").and_then(Node::as_seq) {
        let list_kind = str_at(root, "kind").unwrap_or_default();
        let item_kind = list_kind.strip_suffix("List").unwrap_or(list_kind);
        let list_version = str_at(root, "apiVersion").unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            if item.as_map().is_none() {
                errors.push(error(
                    item.span,
                    format!("list item {i} is a {} where Kubernetes expects an object", item.type_name()),
                ));
                continue;
            }
            let inherit = item.get("kind").is_none() && item.get("apiVersion").is_none();
            let mut res = resource(file, document, format!("/items/{i}"), item.clone());
            if inherit {
                res.id.kind = item_kind.to_string();
                res.id.api_version = list_version.to_string();
            }
            check_identity(&res, &error, errors);
            out.push(res);
        }
        return;
    }
    let res = resource(file, document, String::new(), root.clone());
    check_identity(&res, &error, errors);
    out.push(res);
}

fn check_identity(res: &Resource, error: &dyn Fn(Span, String) -> ErrorEntry, errors: &mut Vec<ErrorEntry>) {
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
        name: meta_str("name").or_else(|| meta_str("generateName")).unwrap_or_default(),
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
