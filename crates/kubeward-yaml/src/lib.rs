//! Kubernetes-exact decoding of YAML and JSON manifest streams.
//!
//! A byte stream decodes to the documents `kubectl apply -f` reads: apimachinery's
//! `YAMLOrJSONDecoder` (JSON sniffing, line-based `---` splitting), `sigs.k8s.io/yaml` and
//! go-yaml v2 (YAML 1.1 scalars, positional merge keys, last duplicate key wins, unknown tags
//! ignored, `!!binary` decoded, the alias-ratio and depth limits). Unlike Kubernetes, every
//! node keeps its span, and everything Kubernetes reads silently in a surprising way
//! (duplicate keys, a merge that overrides an explicit key, content after `...`) is reported
//! as a [`Diagnostic`].
//!
//! ```
//! let decoded = kubeward_yaml::decode(b"kind: Pod\nspec: {hostNetwork: yes}\n");
//! let doc = &decoded.documents[0];
//! let host = doc.root.pointer("/spec/hostNetwork").unwrap();
//! assert_eq!(host.as_bool(), Some(true));
//! assert_eq!((host.span.start.line, host.span.start.column), (2, 21));
//! ```
#![forbid(unsafe_code)]

mod compose;
mod emit;
mod json_in;
mod json_out;
mod lines;
mod prescan;
mod resolve;
mod split;
mod stream;
mod tag_comma;
mod utf16;
mod value;

pub use emit::{to_json_prefix, to_json_string, to_yaml};
pub use resolve::is_yaml_float;
pub use stream::{decode, decode_document, decode_document_with, decode_with};
pub use value::{Entry, Mapping, Node, Pos, Span, Value};

/// The deepest nesting Kubernetes accepts (go-yaml v2 and Go's JSON decoder both stop at 10 000).
pub const MAX_DEPTH: usize = 10_000;

/// Bounds on decoding one input, so that hostile input stops with an error in bounded time
/// and memory. An error for a broken bound ends with `(limit NAME=VALUE)`, `NAME` being the
/// field's name in kebab case (`max-depth`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Nesting depth of mappings and sequences (at most [`MAX_DEPTH`], Kubernetes' own).
    pub max_depth: usize,
    /// Nesting depth of YAML flow collections (`[…]`, `{…}`) in YAML documents; JSON
    /// streams are bounded by `max_depth` only. libyaml's time grows with the square of
    /// this depth: the default is Kubernetes' ([`MAX_DEPTH`]), a scanner of untrusted input
    /// sets far less (kubeward: 64).
    pub max_flow_depth: usize,
    /// Documents of one input, empty ones included.
    pub max_documents: usize,
    /// Keys of one mapping.
    pub max_keys: usize,
    /// Bytes of one scalar.
    pub max_scalar_bytes: usize,
    /// Nodes created by expanding aliases, per document.
    pub max_alias_nodes: u64,
    /// Scalar bytes copied by expanding aliases, per document.
    pub max_alias_bytes: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_depth: MAX_DEPTH,
            max_flow_depth: MAX_DEPTH,
            max_documents: 10_000,
            max_keys: 10_000,
            max_scalar_bytes: 1 << 20,
            max_alias_nodes: 100_000,
            max_alias_bytes: 3 << 20,
        }
    }
}

impl DecodeLimits {
    /// The depth actually applied: never above Kubernetes' own [`MAX_DEPTH`].
    pub(crate) fn depth(&self) -> usize {
        self.max_depth.min(MAX_DEPTH)
    }
}

/// `(limit NAME=VALUE)`: how every message of a broken limit ends.
pub(crate) fn limit(name: &str, value: impl std::fmt::Display) -> String {
    format!("(limit {name}={value})")
}

/// One document of the stream, as kubectl yields it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based position among the stream's documents (skipped empty documents take no index;
    /// a document that failed to decode takes one).
    pub index: usize,
    /// The decoded value.
    pub root: Node,
}

/// Something Kubernetes reads without complaint but a reader of the file would not expect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What happened.
    pub kind: DiagnosticKind,
    /// A sentence for humans.
    pub message: String,
    /// Where: the value Kubernetes keeps, or the ignored content.
    pub span: Span,
    /// The other place involved (the value Kubernetes drops), when there is one.
    pub related: Option<Span>,
    /// The document it belongs to.
    pub document: usize,
}

/// The kinds of [`Diagnostic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A key written twice in one mapping: Kubernetes keeps the last value.
    DuplicateKey,
    /// A merge key (`<<`) replaced a key written before it in the same mapping (go-yaml v2
    /// merges by position, unlike the YAML merge specification).
    MergeOverridesKey,
    /// Two merged mappings, or a merge and a later explicit key, set the same key (the usual
    /// override idiom; strict decoding would call it a duplicate).
    MergeOverlap,
    /// Content Kubernetes never reads (after a `...` document end marker in the same chunk).
    IgnoredContent,
}

impl DiagnosticKind {
    /// A stable kebab-case name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            DiagnosticKind::DuplicateKey => "duplicate-key",
            DiagnosticKind::MergeOverridesKey => "merge-overrides-key",
            DiagnosticKind::MergeOverlap => "merge-overlap",
            DiagnosticKind::IgnoredContent => "ignored-content",
        }
    }
}

/// Input Kubernetes rejects (or reads in a way that cannot be predicted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What is wrong, in Kubernetes' words where it has some.
    pub message: String,
    /// Where the problem was found.
    pub pos: Pos,
    /// The document index it took, when the error is confined to one document.
    pub document: Option<usize>,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.column, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Everything decoded from one input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decoded {
    /// The documents, in order (empty and `null` documents skipped, as kubectl skips them).
    pub documents: Vec<Document>,
    /// Surprising but accepted constructs.
    pub diagnostics: Vec<Diagnostic>,
    /// Parts of the input that could not be decoded. Other documents are still decoded
    /// wherever the input allows it.
    pub errors: Vec<DecodeError>,
}
