//! The decoded tree: JSON-shaped values where every node keeps its source span.

use serde::Serialize;

/// A position in the input: 1-based line and column (columns count characters),
/// and the 0-based byte offset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    /// Line, counting from 1 (lines end at `\n`).
    pub line: u32,
    /// Column, counting from 1, in characters.
    pub column: u32,
    /// Byte offset from the start of the input.
    pub offset: usize,
}

/// A region of the input; `end` is exclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First character of the region.
    pub start: Pos,
    /// Just past the last character of the region.
    pub end: Pos,
}

impl Span {
    /// The smallest span covering both `self` and `other`.
    #[must_use]
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A decoded value, with the same shape Kubernetes gets after converting YAML to JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// An integer above `i64::MAX` (kept, as Kubernetes' decoder keeps it).
    UInt(u64),
    /// A floating-point number (always finite: Kubernetes rejects infinities and NaN).
    Float(f64),
    /// A string.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping with string keys (non-string YAML keys are converted the way Kubernetes does).
    Map(Mapping),
}

/// A value and where it was written.
///
/// Cloning and dropping are iterative, so trees as deep as Kubernetes allows are safe on
/// small thread stacks.
#[derive(Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value was written (for an alias: where its anchor's value was written).
    pub span: Span,
}

/// The Go type a YAML key decoded to before `sigs.k8s.io/yaml` made a string of it: two
/// keys of one mapping that give the same string but differ here are a random pick for
/// Kubernetes. (Within one type the string conversion is one-to-one, so the type alone
/// tells two keys of the same string apart.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyId {
    Str,
    Int,
    Float,
    Bool,
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, converted to a string.
    pub key: String,
    /// Where the key was written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
    id: KeyId,
}

impl Entry {
    /// An entry with a string key.
    #[must_use]
    pub fn new(key: String, key_span: Span, value: Node) -> Self {
        Entry::with_id(key, key_span, value, KeyId::Str)
    }

    pub(crate) fn with_id(key: String, key_span: Span, value: Node, id: KeyId) -> Self {
        Entry {
            key,
            key_span,
            value,
            id,
        }
    }

    pub(crate) fn id(&self) -> KeyId {
        self.id
    }

    /// Whether the key was written as a string (not a number or boolean such as `on:`).
    #[must_use]
    pub fn key_was_string(&self) -> bool {
        self.id == KeyId::Str
    }

    /// The region of the whole pair: from the key to the end of the value.
    #[must_use]
    pub fn span(&self) -> Span {
        self.key_span.join(self.value.span)
    }
}

/// Mappings with more keys than this get a hash index, so that decoding and looking up a
/// mapping of many keys (a large ConfigMap) stays linear instead of quadratic.
const INDEX_FROM: usize = 16;

/// A mapping in source order. Keys are unique: a repeated key replaces the earlier value
/// in place, as Kubernetes keeps the last one.
#[derive(Clone, Default)]
pub struct Mapping {
    entries: Vec<Entry>,
    /// Position of each key, for mappings of more than [`INDEX_FROM`] keys. Boxed: most
    /// mappings have none, and the box keeps `Mapping`, so every `Value`, small.
    #[allow(clippy::box_collection)]
    index: Option<Box<std::collections::HashMap<String, usize>>>,
}

impl PartialEq for Mapping {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapping")
            .field("entries", &self.entries)
            .finish()
    }
}

impl Mapping {
    /// An empty mapping.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A mapping of entries whose keys are known to be unique.
    fn from_unique(entries: Vec<Entry>) -> Self {
        let mut map = Mapping {
            entries,
            index: None,
        };
        map.reindex();
        map
    }

    fn reindex(&mut self) {
        self.index = (self.entries.len() > INDEX_FROM).then(|| {
            Box::new(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.key.clone(), i))
                    .collect(),
            )
        });
    }

    /// Gives the entries an allocation of exactly their number: a decoded mapping is read
    /// many times and never grows again, and most have a few keys in a buffer sized for more.
    pub(crate) fn fit(&mut self) {
        fit(&mut self.entries);
    }

    /// Where `key` is among the entries.
    pub(crate) fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|e| e.key == key),
        }
    }

    /// Sets `key`; returns the replaced entry when the key was already present.
    pub fn insert(&mut self, entry: Entry) -> Option<Entry> {
        let at = self.position(&entry.key);
        self.insert_at(at, entry)
    }

    /// Sets an entry whose key is at `at` (from [`Mapping::position`]), or new when `None`.
    pub(crate) fn insert_at(&mut self, at: Option<usize>, entry: Entry) -> Option<Entry> {
        if let Some(slot) = at.and_then(|i| self.entries.get_mut(i)) {
            return Some(std::mem::replace(slot, entry));
        }
        if let Some(index) = &mut self.index {
            index.insert(entry.key.clone(), self.entries.len());
        }
        self.entries.push(entry);
        if self.index.is_none() && self.entries.len() > INDEX_FROM {
            self.reindex();
        }
        None
    }

    /// The value of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The value of `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        let at = self.position(key)?;
        self.entries.get_mut(at).map(|e| &mut e.value)
    }

    /// The entry of `key`.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.position(key).and_then(|i| self.entries.get(i))
    }

    /// The entry at `at` (from [`Mapping::position`]).
    pub(crate) fn entry_at(&self, at: usize) -> Option<&Entry> {
        self.entries.get(at)
    }

    /// The entries, consumed.
    #[must_use]
    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
    }

    /// The entries in source order.
    pub fn iter(&self) -> std::slice::Iter<'_, Entry> {
        self.entries.iter()
    }

    /// Number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the mapping has no key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<'a> IntoIterator for &'a Mapping {
    type Item = &'a Entry;
    type IntoIter = std::slice::Iter<'a, Entry>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl Node {
    /// A node without a source location (for values built in code).
    #[must_use]
    pub fn detached(value: Value) -> Self {
        Node {
            value,
            span: Span::default(),
        }
    }

    /// The value of `key` when this node is a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// Follows an RFC 6901 JSON pointer (`""` is the node itself).
    #[must_use]
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut node = self;
        for raw in rest.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                Value::Map(m) => m.get(&token)?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The mapping, if this node is one.
    #[must_use]
    pub fn as_map(&self) -> Option<&Mapping> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this node is a sequence.
    #[must_use]
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The string, if this node is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this node is one.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The number as `f64`, if this node is a number.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::UInt(u) => Some(u as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The number as `i64` when it is integral and in range (Kubernetes reads `0.0` as `0`).
    #[must_use]
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            Value::UInt(u) => i64::try_from(u).ok(),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(f as i64),
            _ => None,
        }
    }

    /// Whether the node is `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The JSON type name of the value (`object`, `array`, `string`, `number`, `boolean`, `null`).
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::UInt(_) | Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }

    /// Converts to a `serde_json::Value` (spans dropped). Iterative, so deep trees are safe.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        crate::json_out::to_json(self)
    }
}

impl Node {
    /// Moves the children out of a collection node (leaving it empty).
    fn take_children(&mut self, into: &mut Vec<Node>) {
        match &mut self.value {
            Value::Seq(items) => into.append(items),
            Value::Map(map) => {
                map.index = None;
                into.extend(map.entries.drain(..).map(|e| e.value));
            }
            _ => {}
        }
    }

    fn has_grandchildren(&self) -> bool {
        let nested = |n: &Node| {
            matches!(&n.value, Value::Seq(s) if !s.is_empty())
                || matches!(&n.value, Value::Map(m) if !m.is_empty())
        };
        match &self.value {
            Value::Seq(items) => items.iter().any(nested),
            Value::Map(map) => map.entries.iter().any(|e| nested(&e.value)),
            _ => false,
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if !self.has_grandchildren() {
            return;
        }
        let mut pending = Vec::new();
        self.take_children(&mut pending);
        while let Some(mut node) = pending.pop() {
            node.take_children(&mut pending);
        }
    }
}

impl Clone for Node {
    fn clone(&self) -> Self {
        /// Work for the explicit stack: visit a node, or assemble a collection from the
        /// last `n` finished nodes.
        enum Work<'a> {
            Visit(&'a Node),
            Seq(&'a Node, usize),
            Map(&'a Node, &'a Mapping),
        }
        let mut work = vec![Work::Visit(self)];
        let mut done: Vec<Node> = Vec::new();
        while let Some(item) = work.pop() {
            match item {
                Work::Visit(node) => match &node.value {
                    Value::Seq(items) => {
                        work.push(Work::Seq(node, items.len()));
                        work.extend(items.iter().rev().map(Work::Visit));
                    }
                    Value::Map(map) => {
                        work.push(Work::Map(node, map));
                        work.extend(map.entries.iter().rev().map(|e| Work::Visit(&e.value)));
                    }
                    scalar => done.push(Node {
                        value: scalar.clone_scalar(),
                        span: node.span,
                    }),
                },
                Work::Seq(node, n) => {
                    let items = done.split_off(done.len().saturating_sub(n));
                    done.push(Node {
                        value: Value::Seq(items),
                        span: node.span,
                    });
                }
                Work::Map(node, map) => {
                    let values = done.split_off(done.len().saturating_sub(map.entries.len()));
                    let entries = map
                        .entries
                        .iter()
                        .zip(values)
                        .map(|(e, value)| Entry {
                            key: e.key.clone(),
                            key_span: e.key_span,
                            value,
                            id: e.id,
                        })
                        .collect();
                    done.push(Node {
                        value: Value::Map(Mapping::from_unique(entries)),
                        span: node.span,
                    });
                }
            }
        }
        done.pop().unwrap_or_else(|| Node::detached(Value::Null))
    }
}

impl Value {
    /// Clones a scalar (collections come out empty; `Node::clone` fills them).
    fn clone_scalar(&self) -> Value {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::UInt(u) => Value::UInt(*u),
            Value::Float(f) => Value::Float(*f),
            Value::String(s) => Value::String(s.clone()),
            Value::Seq(_) => Value::Seq(Vec::new()),
            Value::Map(_) => Value::Map(Mapping::default()),
        }
    }
}

/// Moves `items` into an allocation of exactly their number when theirs is larger.
/// (`Vec::shrink_to_fit` may keep the block: allocators shrink in place.)
pub(crate) fn fit<T>(items: &mut Vec<T>) {
    if items.capacity() > items.len() {
        let mut exact = Vec::with_capacity(items.len());
        exact.append(items);
        *items = exact;
    }
}
