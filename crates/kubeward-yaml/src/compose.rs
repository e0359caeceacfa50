//! Builds one document from libyaml events the way go-yaml v2 decodes into `interface{}`
//! and `sigs.k8s.io/yaml` converts to JSON: positional merge keys, last duplicate wins,
//! keys stringified, the alias-ratio and depth limits. Iterative: no recursion on input depth.

use std::collections::HashMap;

use libyaml_safer::{EventData, MappingStyle, Parser, ScalarStyle, SequenceStyle};

use crate::resolve::{resolve, Scalar, MERGE_TAG};
use crate::value::{Entry, KeyId, Mapping, Node, Pos, Span, Value};
use crate::{limit, DecodeLimits, DiagnosticKind};

/// A diagnostic before it is attached to a document index.
pub(crate) struct RawDiagnostic {
    pub(crate) kind: DiagnosticKind,
    pub(crate) message: String,
    pub(crate) span: Span,
    pub(crate) related: Option<Span>,
}

/// The first document of a chunk.
pub(crate) struct Composed {
    /// `None` when the chunk holds no document or a `null` one (kubectl skips both).
    pub(crate) root: Option<Node>,
    pub(crate) diagnostics: Vec<RawDiagnostic>,
}

/// Why a chunk could not be decoded, and where.
pub(crate) struct ComposeError {
    pub(crate) message: String,
    pub(crate) offset: usize,
}

/// Maps chunk offsets to file positions.
pub(crate) trait Locate {
    fn pos(&self, chunk_offset: usize) -> Pos;
}

/// A finished node with what its parent needs to know about it.
struct Done {
    node: Node,
    /// go-yaml decode operations needed to decode it (aliases expanded).
    cost: u64,
    /// Scalar bytes it holds (aliases expanded).
    bytes: u64,
    /// Nesting depth of the node (a scalar is 1).
    height: usize,
    /// The resolved scalar, kept for key conversion (may be a non-finite float).
    scalar: Option<Scalar>,
    /// Whether it is a collection (invalid as a key).
    collection: bool,
    /// Whether it is a mapping, or an alias of one (what a merge accepts).
    is_map: bool,
    /// Chunk offset where its text starts here (for an alias: the `*`).
    start: usize,
    /// Chunk offset just past its text here (for an alias: past the alias).
    end: usize,
    /// Whether it is a copy of an anchored node (its span is the anchor's).
    aliased: bool,
}

enum Pending {
    Key,
    Value { key: String, id: KeyId, span: Span },
    Merge { span: Span },
}

enum Body {
    Seq(Vec<Node>),
    /// The items of `<<: [*a, *b]`, merged into the parent mapping when the sequence ends.
    MergeSeq(Vec<Done>),
    Map {
        map: Mapping,
        pending: Pending,
        /// Keys whose current value came from a merge.
        merged: Vec<String>,
    },
}

struct Frame {
    body: Body,
    start: usize,
    flow: bool,
    block_seq: bool,
    anchor: Option<(String, u64)>,
    cost: u64,
    bytes: u64,
    height: usize,
    /// Chunk offset just past the last finished child.
    last_end: Option<usize>,
}

enum Anchor {
    InProgress(u64),
    Done {
        node: Node,
        cost: u64,
        bytes: u64,
        height: usize,
        scalar: Option<Scalar>,
        is_map: bool,
    },
}

const BOM: &[u8] = b"\xEF\xBB\xBF";
const PLACEHOLDER: &[u8] = "\u{E000}".as_bytes();

struct Composer<'a> {
    chunk: &'a [u8],
    /// Whether scalars may hold the placeholder of an inner byte order mark.
    restore_bom: bool,
    loc: &'a dyn Locate,
    stack: Vec<Frame>,
    anchors: HashMap<String, Anchor>,
    generation: u64,
    decode_count: u64,
    alias_count: u64,
    limits: &'a DecodeLimits,
    /// Open flow collections.
    flow_open: usize,
    /// Nodes and scalar bytes created by expanding aliases.
    alias_nodes: u64,
    alias_bytes: u64,
    root: Option<Done>,
    diagnostics: Vec<RawDiagnostic>,
    /// Set when the caller appended a line break to input that ended without one: the
    /// input's original length. A block scalar running to that end then loses the break
    /// the append gave it, as go-yaml reads such a scalar.
    appended_break: Option<usize>,
}

fn err(message: impl Into<String>, offset: usize) -> ComposeError {
    ComposeError {
        message: message.into(),
        offset,
    }
}

/// go-yaml v2's allowed share of decode operations that come from alias expansion.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        #[allow(clippy::cast_precision_loss)]
        let scaled = (decode_count - LOW) as f64 / (HIGH - LOW) as f64;
        0.99 - 0.89 * scaled
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's names for infinities and NaN.
fn format_float_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    #[allow(clippy::cast_possible_truncation)]
    let single = f as f32;
    if single.is_infinite() {
        return if single > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    if single == 0.0 {
        return if single.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Shortest round-trip digits and exponent, from Rust's `{:e}` (same digits as Go's).
    let sci = format!("{:e}", single.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if single < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let nd = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let point = exp + 1; // digits before the decimal point
    let body = if point <= 0 {
        format!(
            "0.{}{}",
            "0".repeat(usize::try_from(-point).unwrap_or(0)),
            digits
        )
    } else if point >= nd {
        format!(
            "{digits}{}",
            "0".repeat(usize::try_from(point - nd).unwrap_or(0))
        )
    } else {
        let (int, frac) = digits.split_at(usize::try_from(point).unwrap_or(0));
        format!("{int}.{frac}")
    };
    format!("{sign}{body}")
}

/// The JSON key `sigs.k8s.io/yaml` makes of a decoded YAML key, and its Go identity.
fn key_of(done: &mut Done) -> Result<(String, KeyId), String> {
    if done.collection {
        return Err("invalid map key: a mapping or sequence cannot be a key".into());
    }
    match done.scalar.take() {
        Some(Scalar::Str(s)) => Ok((s, KeyId::Str)),
        Some(Scalar::Int(i)) => Ok((i.to_string(), KeyId::Int)),
        Some(Scalar::Float(f)) => Ok((format_float_key(f), KeyId::Float)),
        Some(Scalar::Bool(b)) => Ok((b.to_string(), KeyId::Bool)),
        Some(Scalar::UInt(u)) => Err(format!("unsupported map key of type uint64: {u}")),
        Some(Scalar::Null) | None => Err("unsupported map key: null".into()),
    }
}

/// [`scalar_value`] without copying a string.
fn into_value(s: Scalar) -> Result<Value, String> {
    match s {
        Scalar::Str(s) => Ok(Value::String(s)),
        other => scalar_value(&other),
    }
}

fn scalar_value(s: &Scalar) -> Result<Value, String> {
    Ok(match s {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Int(i) => Value::Int(*i),
        Scalar::UInt(u) => Value::UInt(*u),
        Scalar::Float(f) if f.is_nan() => return Err("json: unsupported value: NaN".into()),
        Scalar::Float(f) if f.is_infinite() => {
            let sign = if *f > 0.0 { '+' } else { '-' };
            return Err(format!("json: unsupported value: {sign}Inf"));
        }
        Scalar::Float(f) => Value::Float(*f),
        Scalar::Str(s) => Value::String(s.clone()),
    })
}

/// Decodes the first YAML document of `chunk` (later documents in the chunk are ignored,
/// as `yaml.Unmarshal` ignores them; content after an explicit `...` is reported).
pub(crate) fn compose(
    chunk: &[u8],
    loc: &dyn Locate,
    limits: &DecodeLimits,
) -> Result<Composed, ComposeError> {
    compose_inner(chunk, loc, None, limits)
}

/// [`compose`] for input that had a line break appended after `original_len` bytes
/// (libyaml-safer cannot end a block scalar at the very end of the input).
pub(crate) fn compose_appended(
    chunk: &[u8],
    loc: &dyn Locate,
    original_len: usize,
    limits: &DecodeLimits,
) -> Result<Composed, ComposeError> {
    compose_inner(chunk, loc, Some(original_len), limits)
}

fn compose_inner(
    chunk: &[u8],
    loc: &dyn Locate,
    appended_break: Option<usize>,
    limits: &DecodeLimits,
) -> Result<Composed, ComposeError> {
    // go-yaml v2 only honours a byte order mark at the start of the stream (its `is_bom`
    // looks at the start of its buffer); libyaml also skips one at the start of any line.
    // Elsewhere it is content for Kubernetes: hide it from libyaml behind a private-use
    // character of the same length and put it back in scalars.
    // The stream's own mark, and one right after it (go-yaml skips that one too).
    let mut skip = 0;
    while chunk.get(skip..skip + 3) == Some(BOM) && skip < 6 {
        skip += 3;
    }
    let body = chunk.get(skip..).unwrap_or_default();
    let inner_bom = memchr::memmem::find(body, BOM).is_some();
    let patched: std::borrow::Cow<'_, [u8]> = if inner_bom {
        if memchr::memmem::find(body, PLACEHOLDER).is_some() {
            return Err(err(
                "a byte order mark inside a document next to U+E000 is not supported",
                0,
            ));
        }
        let mut owned = chunk.to_vec();
        let mut i = skip;
        while i + 3 <= owned.len() {
            if &owned[i..i + 3] == BOM {
                owned[i..i + 3].copy_from_slice(PLACEHOLDER);
                i += 3;
            } else {
                i += 1;
            }
        }
        std::borrow::Cow::Owned(owned)
    } else {
        std::borrow::Cow::Borrowed(chunk)
    };
    let max_flow = limits.max_flow_depth.min(limits.depth());
    if let Some(at) = crate::prescan::flow_too_deep(&patched, max_flow) {
        return Err(if max_flow < limits.depth() {
            flow_too_deep(at, max_flow)
        } else {
            depth_error(at, max_flow)
        });
    }
    // libyaml-safer panics on a tag followed by `,` in a flow collection: find it first.
    crate::tag_comma::check(&patched).map_err(|(message, offset)| err(message, offset))?;
    let mut c = Composer {
        chunk: &patched,
        restore_bom: inner_bom,
        loc,
        stack: Vec::new(),
        anchors: HashMap::new(),
        generation: 0,
        decode_count: 0,
        alias_count: 0,
        limits,
        flow_open: 0,
        alias_nodes: 0,
        alias_bytes: 0,
        root: None,
        diagnostics: Vec::new(),
        appended_break,
    };
    c.run()?;
    Ok(Composed {
        root: c.root.map(|d| d.node).filter(|n| !n.is_null()),
        diagnostics: c.diagnostics,
    })
}

impl Composer<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.loc.pos(start),
            end: self.loc.pos(end.max(start)),
        }
    }

    fn run(&mut self) -> Result<(), ComposeError> {
        let mut input = self.chunk;
        // libyaml's marks do not count a UTF-8 byte order mark.
        let bom = if self.chunk.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let mut parser = Parser::new();
        parser.set_input_string(&mut input);
        loop {
            let event = parser.parse().map_err(|e| {
                let offset = e
                    .problem_mark()
                    .map_or(0, |m| usize::try_from(m.index).unwrap_or(0));
                let mut message = e.problem().to_string();
                if let Some(context) = e.context() {
                    message = format!("{message} {context}");
                }
                err(message, offset)
            })?;
            let start = usize::try_from(event.start_mark.index).unwrap_or(usize::MAX - 3) + bom;
            let end = usize::try_from(event.end_mark.index).unwrap_or(usize::MAX - 3) + bom;
            match event.data {
                EventData::StreamStart { .. } => {}
                EventData::StreamEnd => return Ok(()),
                EventData::DocumentStart {
                    version_directive, ..
                } => {
                    if let Some(v) = version_directive {
                        if (v.major, v.minor) != (1, 1) {
                            return Err(err("found incompatible YAML document", start));
                        }
                    }
                    self.decode_count = 1;
                }
                EventData::DocumentEnd { implicit } => {
                    if !implicit {
                        self.report_ignored(end);
                    }
                    return Ok(());
                }
                EventData::Alias { anchor } => self.alias(&anchor, start, end)?,
                EventData::Scalar {
                    anchor,
                    tag,
                    value,
                    plain_implicit,
                    style,
                    ..
                } => {
                    if style == ScalarStyle::DoubleQuoted {
                        self.check_escapes(start, end)?;
                    }
                    let mut value = if self.restore_bom {
                        value.replace('\u{E000}', "\u{FEFF}")
                    } else {
                        value
                    };
                    if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                        && self.appended_break.is_some_and(|len| end >= len)
                        && value.ends_with('\n')
                    {
                        value.pop();
                    }
                    self.scalar(anchor, tag.as_deref(), value, plain_implicit, start, end)?;
                }
                EventData::SequenceStart { anchor, style, .. } => {
                    let merge = matches!(
                        self.stack.last(),
                        Some(Frame {
                            body: Body::Map {
                                pending: Pending::Merge { .. },
                                ..
                            },
                            ..
                        })
                    );
                    let body = if merge {
                        Body::MergeSeq(Vec::new())
                    } else {
                        Body::Seq(Vec::new())
                    };
                    // A merge sequence itself is not decoded by go-yaml, only its items.
                    self.push(body, anchor, start, style == SequenceStyle::Flow, !merge)?;
                    if let Some(top) = self.stack.last_mut() {
                        top.block_seq = style == SequenceStyle::Block;
                    }
                }
                EventData::MappingStart { anchor, style, .. } => {
                    let body = Body::Map {
                        map: Mapping::new(),
                        pending: Pending::Key,
                        merged: Vec::new(),
                    };
                    self.push(body, anchor, start, style == MappingStyle::Flow, true)?;
                }
                EventData::SequenceEnd | EventData::MappingEnd => self.pop(end)?,
            }
        }
    }

    /// go-yaml v2 rejects `\/` in double-quoted scalars (libyaml accepts it).
    fn check_escapes(&self, start: usize, end: usize) -> Result<(), ComposeError> {
        let raw = self.chunk.get(start..end).unwrap_or_default();
        let mut i = 0;
        while i + 1 < raw.len() {
            if raw[i] == b'\\' {
                if raw[i + 1] == b'/' {
                    return Err(err(
                        "found unknown escape character while parsing a quoted scalar",
                        start + i,
                    ));
                }
                i += 2;
            } else {
                i += 1;
            }
        }
        Ok(())
    }

    fn report_ignored(&mut self, from: usize) {
        let rest = self.chunk.get(from..).unwrap_or_default();
        let mut offset = from;
        for line in rest.split(|&b| b == b'\n') {
            let skip = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let content = &line[skip..];
            if !content.is_empty() && content[0] != b'#' {
                let at = offset + skip;
                let span = self.span(at, offset + line.len());
                self.diagnostics.push(RawDiagnostic {
                    kind: DiagnosticKind::IgnoredContent,
                    message: "content after the `...` document end marker is ignored by Kubernetes; start a new document with `---`".into(),
                    span,
                    related: None,
                });
                return;
            }
            offset += line.len() + 1;
        }
    }

    fn too_deep(&self, offset: usize) -> ComposeError {
        depth_error(offset, self.limits.depth())
    }

    fn check_aliasing(&self, offset: usize) -> Result<(), ComposeError> {
        #[allow(clippy::cast_precision_loss)]
        let ratio = self.alias_count as f64 / self.decode_count as f64;
        if self.alias_count > 100
            && self.decode_count > 1000
            && ratio > allowed_alias_ratio(self.decode_count)
        {
            return Err(err(
                "document contains excessive aliasing (go-yaml v2's bound on the share of aliases)",
                offset,
            ));
        }
        Ok(())
    }

    fn register_anchor(&mut self, name: String) -> u64 {
        self.generation += 1;
        self.anchors
            .insert(name, Anchor::InProgress(self.generation));
        self.generation
    }

    fn push(
        &mut self,
        body: Body,
        anchor: Option<String>,
        start: usize,
        flow: bool,
        counted: bool,
    ) -> Result<(), ComposeError> {
        if self.stack.len() >= self.limits.depth() {
            return Err(self.too_deep(start));
        }
        if flow {
            let max_flow = self.limits.max_flow_depth.min(self.limits.depth());
            if self.flow_open >= max_flow && max_flow < self.limits.depth() {
                return Err(flow_too_deep(start, max_flow));
            }
            self.flow_open += 1;
        }
        if counted {
            self.decode_count += 1;
        }
        let anchor = anchor.map(|name| {
            let generation = self.register_anchor(name.clone());
            (name, generation)
        });
        self.stack.push(Frame {
            body,
            start,
            flow,
            block_seq: false,
            anchor,
            cost: u64::from(counted),
            bytes: 0,
            height: 1,
            last_end: None,
        });
        Ok(())
    }

    fn pop(&mut self, end: usize) -> Result<(), ComposeError> {
        let Some(frame) = self.stack.pop() else {
            return Err(err("unbalanced collection end", end));
        };
        if frame.flow {
            self.flow_open = self.flow_open.saturating_sub(1);
        }
        // Block collections end where their last child ends; flow ones at the bracket.
        let end = if frame.flow {
            end
        } else {
            frame.last_end.unwrap_or(end)
        };
        let span = self.span(frame.start, end);
        let (value, is_map) = match frame.body {
            Body::MergeSeq(items) => {
                // Earlier items take precedence: apply from the last to the first.
                let merge_span = match self.stack.last() {
                    Some(Frame {
                        body:
                            Body::Map {
                                pending: Pending::Merge { span },
                                ..
                            },
                        ..
                    }) => *span,
                    _ => span,
                };
                for item in items.into_iter().rev() {
                    self.merge_into_parent(item.node, merge_span, frame.start)?;
                }
                if let Some(parent) = self.stack.last_mut() {
                    if let Body::Map { pending, .. } = &mut parent.body {
                        *pending = Pending::Key;
                    }
                    parent.cost = parent.cost.saturating_add(frame.cost);
                    parent.bytes = parent.bytes.saturating_add(frame.bytes);
                    parent.height = parent.height.max(frame.height + 1);
                    parent.last_end = Some(end);
                }
                return Ok(());
            }
            Body::Seq(mut items) => {
                crate::value::fit(&mut items);
                (Value::Seq(items), false)
            }
            Body::Map {
                mut map, pending, ..
            } => {
                if !matches!(pending, Pending::Key) {
                    return Err(err("mapping ended without a value", end));
                }
                map.fit();
                (Value::Map(map), true)
            }
        };
        let done = Done {
            node: Node { value, span },
            cost: frame.cost,
            bytes: frame.bytes,
            height: frame.height,
            scalar: None,
            collection: true,
            is_map,
            start: frame.start,
            end,
            aliased: false,
        };
        self.finish(done, frame.anchor)
    }

    /// Records a finished node as its anchor's value (if it still owns the anchor) and
    /// hands it to its parent.
    fn finish(&mut self, done: Done, anchor: Option<(String, u64)>) -> Result<(), ComposeError> {
        if let Some((name, generation)) = anchor {
            if matches!(self.anchors.get(&name), Some(Anchor::InProgress(g)) if *g == generation) {
                self.anchors.insert(
                    name,
                    Anchor::Done {
                        node: done.node.clone(),
                        cost: done.cost,
                        bytes: done.bytes,
                        height: done.height,
                        scalar: done.scalar.clone(),
                        is_map: done.is_map,
                    },
                );
            }
        }
        self.deliver(done)
    }

    fn scalar(
        &mut self,
        anchor: Option<String>,
        tag: Option<&str>,
        value: String,
        implicit: bool,
        start: usize,
        end: usize,
    ) -> Result<(), ComposeError> {
        let key_position = matches!(
            self.stack.last(),
            Some(Frame {
                body: Body::Map {
                    pending: Pending::Key,
                    ..
                },
                ..
            })
        );
        if key_position && value == "<<" && (implicit || tag == Some(MERGE_TAG)) {
            // A merge key: not decoded itself; its value is merged in place.
            let span = self.span(start, end);
            if let Some(anchor) = anchor {
                self.set_anchor_scalar(anchor, Scalar::Str(value.clone()), start, end);
            }
            if let Some(Frame {
                body: Body::Map { pending, .. },
                ..
            }) = self.stack.last_mut()
            {
                *pending = Pending::Merge { span };
            }
            return Ok(());
        }
        self.decode_count += 1;
        let max = self.limits.max_scalar_bytes;
        if value.len() > max {
            return Err(err(
                format!(
                    "a scalar of {} bytes is longer than {max} bytes {}",
                    value.len(),
                    limit("max-scalar-bytes", max)
                ),
                start,
            ));
        }
        let bytes = value.len() as u64;
        let scalar = resolve(tag, value, implicit).map_err(|m| err(m, start))?;
        // Keys are converted by the parent and anchored scalars may become keys: they keep
        // the resolved scalar. Other values move their text into the node.
        let (node_value, scalar) = if key_position {
            (Value::Null, Some(scalar))
        } else if anchor.is_some() {
            (
                scalar_value(&scalar).map_err(|m| err(m, start))?,
                Some(scalar),
            )
        } else {
            (into_value(scalar).map_err(|m| err(m, start))?, None)
        };
        let done = Done {
            node: Node {
                value: node_value,
                span: self.span(start, end),
            },
            cost: 1,
            bytes,
            height: 1,
            scalar,
            collection: false,
            is_map: false,
            start,
            end,
            aliased: false,
        };
        let anchor = anchor.map(|name| {
            let generation = self.register_anchor(name.clone());
            (name, generation)
        });
        self.finish(done, anchor)
    }

    fn set_anchor_scalar(&mut self, name: String, scalar: Scalar, start: usize, end: usize) {
        let node = Node {
            value: scalar_value(&scalar).unwrap_or(Value::Null),
            span: self.span(start, end),
        };
        self.anchors.insert(
            name,
            Anchor::Done {
                node,
                cost: 1,
                bytes: 2,
                height: 1,
                scalar: Some(scalar),
                is_map: false,
            },
        );
    }

    fn alias(&mut self, name: &str, start: usize, end: usize) -> Result<(), ComposeError> {
        let (node, cost, bytes, height, scalar, is_map) = match self.anchors.get(name) {
            None => return Err(err(format!("unknown anchor '{name}' referenced"), start)),
            Some(Anchor::InProgress(_)) => {
                return Err(err(format!("anchor '{name}' value contains itself"), start))
            }
            Some(Anchor::Done {
                node,
                cost,
                bytes,
                height,
                scalar,
                is_map,
            }) => (node, *cost, *bytes, *height, scalar, *is_map),
        };
        // go-yaml counts the alias node, then every node of its expansion as aliased.
        self.decode_count += 1;
        self.decode_count = self.decode_count.saturating_add(cost);
        self.alias_count = self.alias_count.saturating_add(cost);
        self.check_aliasing(start)?;
        self.alias_nodes = self.alias_nodes.saturating_add(cost);
        self.alias_bytes = self.alias_bytes.saturating_add(bytes);
        let (max_nodes, max_bytes) = (self.limits.max_alias_nodes, self.limits.max_alias_bytes);
        if self.alias_nodes > max_nodes {
            return Err(err(
                format!(
                    "aliases expand to more than {max_nodes} nodes {}",
                    limit("max-alias-nodes", max_nodes)
                ),
                start,
            ));
        }
        if self.alias_bytes > max_bytes {
            return Err(err(
                format!(
                    "aliases copy more than {max_bytes} bytes of scalars {}",
                    limit("max-alias-bytes", max_bytes)
                ),
                start,
            ));
        }
        if self.stack.len() + height > self.limits.depth() + 1 {
            return Err(self.too_deep(start));
        }
        let key_position = matches!(
            self.stack.last(),
            Some(Frame {
                body: Body::Map {
                    pending: Pending::Key,
                    ..
                },
                ..
            })
        );
        if !key_position {
            if let Some(s) = scalar {
                scalar_value(s).map_err(|m| err(m, start))?;
            }
        }
        let done = Done {
            node: node.clone(),
            cost: cost.saturating_add(1),
            bytes,
            height,
            scalar: scalar.clone(),
            collection: scalar.is_none(),
            is_map,
            start,
            end,
            aliased: true,
        };
        self.deliver(done)
    }

    /// Hands a finished node to the collection on top of the stack (or makes it the root).
    fn deliver(&mut self, mut done: Done) -> Result<(), ComposeError> {
        let (seq_start, block_seq) = match self.stack.last_mut() {
            None => {
                self.root = Some(done);
                return Ok(());
            }
            Some(top) => {
                top.cost = top.cost.saturating_add(done.cost);
                top.bytes = top.bytes.saturating_add(done.bytes);
                top.height = top.height.max(done.height + 1);
                top.last_end = Some(done.end);
                (top.start, top.block_seq)
            }
        };
        if block_seq && !done.aliased {
            if let Some(dash) = dash_before(self.chunk, done.start, seq_start) {
                done.node.span.start = self.loc.pos(dash);
            }
        }
        let Some(top) = self.stack.last_mut() else {
            return Ok(());
        };
        match &mut top.body {
            Body::Seq(items) => {
                items.push(done.node);
                Ok(())
            }
            Body::MergeSeq(items) => {
                if !done.is_map {
                    return Err(err(
                        "map merge requires map or sequence of maps as the value",
                        done.start,
                    ));
                }
                items.push(done);
                Ok(())
            }
            Body::Map { pending, .. } => match std::mem::replace(pending, Pending::Key) {
                Pending::Key => {
                    let (key, id) = key_of(&mut done).map_err(|m| err(m, done.start))?;
                    *pending = Pending::Value {
                        key,
                        id,
                        span: done.node.span,
                    };
                    Ok(())
                }
                Pending::Value { key, id, span } => {
                    let entry = Entry::with_id(key, span, done.node, id);
                    self.insert(entry, None, done.start)
                }
                Pending::Merge { span } => {
                    if !done.is_map {
                        return Err(err(
                            "map merge requires map or sequence of maps as the value",
                            done.start,
                        ));
                    }
                    self.merge_into_parent(done.node, span, done.start)
                }
            },
        }
    }

    /// Sets one entry in the mapping on top of the stack, Go-map style: the last value wins.
    /// `merge` is the span of the `<<` key when the entry comes from a merge.
    fn insert(
        &mut self,
        entry: Entry,
        merge: Option<Span>,
        at_offset: usize,
    ) -> Result<(), ComposeError> {
        let Some(Frame {
            body: Body::Map { map, merged, .. },
            ..
        }) = self.stack.last_mut()
        else {
            return Ok(());
        };
        let from_merge = merge.is_some();
        let new_span = entry.key_span;
        let new_id = entry.id();
        let at = map.position(&entry.key);
        if let Some(old) = at.and_then(|i| map.entry_at(i)) {
            if old.id() != new_id {
                let key = &entry.key;
                return Err(err(
                    format!(
                        "keys `{}` and `{key}` of one mapping both become \"{key}\": Kubernetes keeps one of them at random",
                        describe_id(old.id(), key),
                    ),
                    at_offset,
                ));
            }
        }
        let was_merged = !merged.is_empty() && merged.contains(&entry.key);
        if from_merge {
            if !was_merged {
                merged.push(entry.key.clone());
            }
        } else if was_merged {
            merged.retain(|k| *k != entry.key);
        }
        let replaced = map.insert_at(at, entry);
        let max_keys = self.limits.max_keys;
        if replaced.is_none() && map.len() > max_keys {
            return Err(err(
                format!(
                    "a mapping has more than {max_keys} keys {}",
                    limit("max-keys", max_keys)
                ),
                at_offset,
            ));
        }
        if let Some(old) = replaced {
            let key = &old.key;
            let (kind, span, message) = match (was_merged, from_merge) {
                (false, false) => (
                    DiagnosticKind::DuplicateKey,
                    new_span,
                    format!("key `{key}` is set twice in this mapping; Kubernetes silently keeps this last value"),
                ),
                (false, true) => (
                    DiagnosticKind::MergeOverridesKey,
                    merge.unwrap_or(new_span),
                    format!("the merge key `<<` replaces `{key}` written above it: Kubernetes applies merges in place, so the merged value wins"),
                ),
                _ => (
                    DiagnosticKind::MergeOverlap,
                    new_span,
                    format!("key `{key}` from a merge is set again"),
                ),
            };
            self.diagnostics.push(RawDiagnostic {
                kind,
                message,
                span,
                related: Some(old.key_span),
            });
        }
        Ok(())
    }

    /// Applies the entries of a merged mapping to the mapping on top of the stack.
    fn merge_into_parent(
        &mut self,
        mut node: Node,
        merge: Span,
        at: usize,
    ) -> Result<(), ComposeError> {
        let Value::Map(source) = std::mem::replace(&mut node.value, Value::Null) else {
            return Err(err(
                "map merge requires map or sequence of maps as the value",
                at,
            ));
        };
        for entry in source.into_entries() {
            self.insert(entry, Some(merge), at)?;
        }
        Ok(())
    }
}

fn depth_error(offset: usize, max: usize) -> ComposeError {
    err(
        format!("exceeded max depth of {max} {}", limit("max-depth", max)),
        offset,
    )
}

fn flow_too_deep(offset: usize, max: usize) -> ComposeError {
    err(
        format!(
            "flow collections (`[…]`, `{{…}}`) nested deeper than {max} levels {}",
            limit("max-flow-depth", max)
        ),
        offset,
    )
}

fn describe_id(id: KeyId, key: &str) -> String {
    match id {
        KeyId::Str => format!("\"{key}\""),
        _ => key.to_string(),
    }
}

/// For an item of a block sequence: the offset of its `-` indicator (DESIGN: a list item's
/// region starts at its dash), found by skipping blanks and line breaks backwards.
fn dash_before(chunk: &[u8], node_start: usize, seq_start: usize) -> Option<usize> {
    let before = chunk.get(seq_start..node_start)?;
    let i = before
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
    (before[i] == b'-').then_some(seq_start + i)
}
