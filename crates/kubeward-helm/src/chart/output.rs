//! The text `helm template` prints, assembled from the rendered template files.
//!
//! Helm 3.17 (`pkg/releaseutil/{manifest.go,manifest_sorter.go,kind_sorter.go}`,
//! `pkg/action/action.go renderResources`, `cmd/helm/template.go`):
//! - `NOTES.txt` files and partials (base name starting with `_`) are dropped, as are files
//!   whose output is only whitespace; the others are taken in path order;
//! - each file is trimmed and split into documents at the separator `(?:^|\s*\n)---\s*`
//!   (`\s` being ASCII white space), and each document is trimmed;
//! - each document's head (`apiVersion`, `kind`, `metadata.name`, `metadata.annotations`) is
//!   decoded the way `sigs.k8s.io/yaml.Unmarshal` decodes into Helm's `SimpleHead`: a
//!   failure is `YAML parse error on <file>: ...`;
//! - a document with a `helm.sh/hook` annotation is a hook; one naming an unknown hook event
//!   is dropped;
//! - manifests, then hooks, are stably sorted by kind in Helm's install order (unknown kinds
//!   last, alphabetically);
//! - the output is the CRDs (with `--include-crds`), then the manifests, each as
//!   `---\n# Source: <path>\n<document>\n`, trimmed and ended by one newline, then the hooks
//!   (test hooks left out with `--skip-tests`); `--show-only` splits that text again and
//!   keeps the documents whose `# Source:` path matches one of the patterns.
//!
//! Every document keeps the origin of each of its lines: the documents are slices of the
//! rendered files, so a document's line `k` is line `first + k` of its file.

// Until `chart::render` calls `assemble`, only the tests use it.

use std::sync::Arc;
use std::sync::LazyLock;

use kubeward_yaml::{Node, Value as Y};
use regex::Regex;

use super::{ChartError, Manifest, RenderOptions, Rendered};
use crate::funcs::serial::go_yaml_message;
use crate::value::{format_float32, Origin};

/// One rendered template file, before it is split into documents.
#[derive(Debug, Clone)]
pub(crate) struct RenderedFile {
    /// The template's name, e.g. `mychart/templates/deploy.yaml`.
    pub path: String,
    /// What the template printed.
    pub text: String,
    /// The template position that produced each line of `text` (one entry per line).
    pub origins: Vec<Option<Origin>>,
}

/// Helm's document separator, `(?:^|\s*\n)---\s*` with Go's ASCII-only `\s`
/// (`pkg/releaseutil/manifest.go`).
static SEPARATOR: LazyLock<Result<Regex, regex::Error>> =
    LazyLock::new(|| Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*"));

/// How `helm template --show-only` finds a document's path (`cmd/helm/template.go`).
static SOURCE_LINE: LazyLock<Result<Regex, regex::Error>> =
    LazyLock::new(|| Regex::new(r"# Source: [^/]+/(.+)"));

/// Helm's install order of kinds (`releaseutil.InstallOrder`).
const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// The hook events Helm knows (`release.HookEvent` values, plus the old `test-success`).
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

const HOOK_ANNOTATION: &str = "helm.sh/hook";

/// Go's type description of `SimpleHead.Metadata`, as `encoding/json` prints it.
const METADATA_TYPE: &str = "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }";

/// A document on its way to the output.
struct Doc {
    /// The template that produced it.
    source: String,
    /// The trimmed document.
    text: String,
    /// One origin per line of `text`.
    origins: Vec<Option<Origin>>,
    /// `kind`, for sorting.
    kind: String,
    /// Whether it is a hook, and whether a test hook.
    hook: Option<bool>,
}

/// Assembles what `helm template` prints from the rendered files (`NOTES.txt` and partials
/// included: they are dropped here) and the chart's CRD files as (full path, content), in
/// the order Helm lists them (`Chart.CRDObjects`: the chart's own, then its subcharts').
///
/// # Errors
///
/// A document's head is not valid YAML or has the wrong shape (`YAML parse error on ...`,
/// with Helm's message), or a `--show-only` pattern matches no document (`could not find
/// template ... in chart`).
pub(crate) fn assemble(
    mut files: Vec<RenderedFile>,
    crds: Vec<(String, String)>,
    opts: &RenderOptions,
) -> Result<Rendered, ChartError> {
    let separator = compiled(&SEPARATOR)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let mut manifests = Vec::new();
    let mut hooks = Vec::new();
    for file in &files {
        if file.path.ends_with("NOTES.txt") || is_partial(&file.path) || file.text.trim().is_empty()
        {
            continue;
        }
        let breaks: Vec<usize> = file
            .text
            .bytes()
            .enumerate()
            .filter_map(|(i, b)| (b == b'\n').then_some(i))
            .collect();
        for (start, doc) in split_documents(separator, &file.text) {
            let origins = line_origins(&breaks, &file.origins, start, doc);
            let head = decode_head(doc).map_err(|(message, line)| {
                let origin = line
                    .and_then(|l| usize::try_from(l).ok())
                    .and_then(|l| origins.get(l.checked_sub(1)?).cloned().flatten());
                ChartError {
                    message: format!("YAML parse error on {}: {message}", file.path),
                    file: Some(
                        origin
                            .as_ref()
                            .map_or_else(|| file.path.clone(), |o| o.template.to_string()),
                    ),
                    line: origin.as_ref().map(|o| o.line),
                    column: origin.as_ref().map(|o| o.column),
                }
            })?;
            let hook = match head
                .annotations
                .as_ref()
                .filter(|a| !a.is_empty())
                .and_then(|a| {
                    a.iter()
                        .find(|(k, _)| k == HOOK_ANNOTATION)
                        .map(|(_, v)| v.as_str())
                }) {
                None => None,
                Some(events) => match hook_is_test(events) {
                    // Helm logs `info: skipping unknown hook` and leaves the document out.
                    None => continue,
                    Some(test) => Some(test),
                },
            };
            let doc = Doc {
                source: file.path.clone(),
                text: doc.to_string(),
                origins,
                kind: head.kind,
                hook,
            };
            if doc.hook.is_some() {
                hooks.push(doc);
            } else {
                manifests.push(doc);
            }
        }
    }
    sort_by_kind(&mut manifests);
    sort_by_kind(&mut hooks);

    let mut out = Output::default();
    if opts.include_crds {
        for (path, content) in crds {
            let template: Arc<str> = Arc::from(path.as_str());
            let origins = (1..=line_count(&content))
                .map(|line| {
                    Some(Origin {
                        template: template.clone(),
                        line: u32::try_from(line).unwrap_or(u32::MAX),
                        column: 1,
                        values_path: None,
                    })
                })
                .collect();
            out.push(path, content, origins, false);
        }
    }
    for doc in manifests {
        out.push(doc.source, doc.text, doc.origins, false);
    }
    // `helm template` prints `strings.TrimSpace(manifests)` and a newline.
    out.trim_end();
    out.text.push('\n');
    for doc in hooks {
        if opts.skip_tests && doc.hook == Some(true) {
            continue;
        }
        out.push(doc.source, doc.text, doc.origins, true);
    }

    if opts.show_only.is_empty() {
        return Ok(Rendered {
            text: out.text,
            manifests: out.manifests,
        });
    }
    show_only(separator, &out, &opts.show_only)
}

fn compiled(
    re: &'static LazyLock<Result<Regex, regex::Error>>,
) -> Result<&'static Regex, ChartError> {
    re.as_ref().map_err(|e| ChartError {
        message: format!("internal error: {e}"),
        file: None,
        line: None,
        column: None,
    })
}

/// `path.Base(p)` starts with `_`.
fn is_partial(path: &str) -> bool {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|base| base.starts_with('_'))
}

fn line_count(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count() + 1
}

/// Helm's `SplitManifests`: the documents of `text` with their byte offsets in it.
fn split_documents<'a>(separator: &Regex, text: &'a str) -> Vec<(usize, &'a str)> {
    let lead = text.len() - text.trim_start().len();
    let whole = text.trim();
    if whole.is_empty() {
        return Vec::new();
    }
    // Go's `Regexp.Split(s, -1)`: pieces between matches, a match ending at 0 adds nothing.
    let mut pieces = Vec::new();
    let mut begin = 0;
    for m in separator.find_iter(whole) {
        if m.end() != 0 {
            pieces.push((begin, &whole[begin..m.start()]));
        }
        begin = m.end();
    }
    pieces.push((begin, &whole[begin..]));
    pieces
        .into_iter()
        .filter(|(_, piece)| !piece.is_empty())
        .map(|(at, piece)| {
            let skip = piece.len() - piece.trim_start().len();
            (lead + at + skip, piece.trim())
        })
        .collect()
}

/// The origins of the lines of `doc`, which starts at byte `start` of a text whose line
/// breaks are at `breaks`.
fn line_origins(
    breaks: &[usize],
    origins: &[Option<Origin>],
    start: usize,
    doc: &str,
) -> Vec<Option<Origin>> {
    let first = breaks.partition_point(|&b| b < start);
    (first..first + line_count(doc))
        .map(|line| origins.get(line).cloned().flatten())
        .collect()
}

/// What Helm reads of a document (`releaseutil.SimpleHead`).
#[derive(Debug, Default, PartialEq)]
struct Head {
    kind: String,
    /// `metadata.annotations` when it is a map (`None`: absent or null).
    annotations: Option<Vec<(String, String)>>,
}

/// Decodes a document's head as `sigs.k8s.io/yaml.Unmarshal(doc, &SimpleHead{})` does:
/// YAML to JSON (scalars meant for string fields become strings), then `encoding/json`,
/// which visits keys in sorted order, matches field names case-insensitively, lets the
/// last matching key win and reports the first type mismatch. The error is Helm's message
/// and the 1-based line of the document it is about, when known.
fn decode_head(doc: &str) -> Result<Head, (String, Option<u32>)> {
    let input = doc.as_bytes();
    let root = match kubeward_yaml::decode_document(input) {
        Ok(root) => root,
        Err(e) => {
            let message = go_yaml_message(&e.message, e.pos, input);
            return Err((
                format!("error converting YAML to JSON: {message}"),
                Some(e.pos.line),
            ));
        }
    };
    let mut head = Head::default();
    let mut kind = String::new();
    let mut metadata: Option<Vec<(String, String)>> = None;
    let mut has_metadata = false;
    let Some(root) = root else {
        return Ok(head);
    };
    let map = match &root.value {
        Y::Null => return Ok(head),
        Y::Map(map) => map,
        _ => return Err(type_error(&root, "value of type releaseutil.SimpleHead")),
    };
    for entry in sorted(map.iter().map(|e| (e.key.as_str(), &e.value))) {
        let (key, value) = entry;
        if fold_eq(key, "apiVersion") {
            string_field(value).map_err(|()| {
                type_error(value, "struct field SimpleHead.apiVersion of type string")
            })?;
        } else if fold_eq(key, "kind") {
            if let Some(s) = string_field(value)
                .map_err(|()| type_error(value, "struct field SimpleHead.kind of type string"))?
            {
                kind = s;
            }
        } else if fold_eq(key, "metadata") {
            match &value.value {
                Y::Null => {
                    has_metadata = false;
                    metadata = None;
                }
                Y::Map(meta) => {
                    has_metadata = true;
                    for (key, value) in sorted(meta.iter().map(|e| (e.key.as_str(), &e.value))) {
                        if fold_eq(key, "name") {
                            string_field(value).map_err(|()| {
                                type_error(value, "struct field .metadata.name of type string")
                            })?;
                        } else if fold_eq(key, "annotations") {
                            match &value.value {
                                Y::Null => metadata = None,
                                Y::Map(annotations) => {
                                    let current = metadata.get_or_insert_with(Vec::new);
                                    for (k, v) in sorted(
                                        annotations.iter().map(|e| (e.key.as_str(), &e.value)),
                                    ) {
                                        let text = string_field(v)
                                            .map_err(|()| type_error(v, "struct field .metadata.annotations of type string"))?
                                            .unwrap_or_default();
                                        match current.iter_mut().find(|(key, _)| key == k) {
                                            Some(slot) => slot.1 = text,
                                            None => current.push((k.to_string(), text)),
                                        }
                                    }
                                }
                                _ => {
                                    return Err(type_error(value, "struct field .metadata.annotations of type map[string]string"));
                                }
                            }
                        }
                    }
                }
                _ => {
                    return Err(type_error(
                        value,
                        &format!("struct field SimpleHead.metadata of type {METADATA_TYPE}"),
                    ));
                }
            }
        }
    }
    head.kind = kind;
    head.annotations = if has_metadata { metadata } else { None };
    Ok(head)
}

/// `encoding/json`'s type mismatch, as Helm reports it, with the line of the value.
fn type_error(node: &Node, target: &str) -> (String, Option<u32>) {
    (
        format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go {target}",
            json_type(node)
        ),
        Some(node.span.start.line),
    )
}

/// Entries in the order `encoding/json` sees them after `json.Marshal` sorted the keys.
fn sorted<'a>(entries: impl Iterator<Item = (&'a str, &'a Node)>) -> Vec<(&'a str, &'a Node)> {
    let mut v: Vec<_> = entries.collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

/// A value decoded into a Go `string` field: `Ok(None)` for null (the field keeps its
/// value), the text for a string, or the number or boolean `sigs.k8s.io/yaml` turns into a
/// string for a string field; `Err` for a list or map.
fn string_field(node: &Node) -> Result<Option<String>, ()> {
    Ok(match &node.value {
        Y::Null => None,
        Y::String(s) => Some(s.clone()),
        Y::Bool(b) => Some(b.to_string()),
        Y::Int(i) => Some(i.to_string()),
        Y::UInt(u) => Some(u.to_string()),
        Y::Float(f) => Some(format_float32(*f)),
        Y::Seq(_) | Y::Map(_) => return Err(()),
    })
}

/// The JSON type name `encoding/json` puts in its errors.
fn json_type(node: &Node) -> &'static str {
    match node.value {
        Y::Null => "null",
        Y::Bool(_) => "bool",
        Y::Int(_) | Y::UInt(_) | Y::Float(_) => "number",
        Y::String(_) => "string",
        Y::Seq(_) => "array",
        Y::Map(_) => "object",
    }
}

/// `encoding/json`'s field-name match: equal under Unicode simple case folding. Of the
/// non-ASCII letters only the Kelvin sign and the long s fold to ASCII letters.
fn fold_eq(key: &str, field: &str) -> bool {
    let fold = |c: char| match c {
        '\u{212A}' => 'k',
        '\u{017F}' => 's',
        c => c.to_ascii_lowercase(),
    };
    key.chars().count() == field.chars().count()
        && key
            .chars()
            .zip(field.chars())
            .all(|(a, b)| fold(a) == fold(b))
}

/// `Some(is_test)` for a valid `helm.sh/hook` value (comma-separated events), `None` when
/// one of the events is unknown.
fn hook_is_test(events: &str) -> Option<bool> {
    let mut test = false;
    for event in events.split(',') {
        let event = event.trim().to_lowercase();
        if !HOOK_EVENTS.contains(&event.as_str()) {
            return None;
        }
        test |= event == "test" || event == "test-success";
    }
    Some(test)
}

/// Helm's stable sort by kind (`sortManifestsByKind` with `InstallOrder`).
fn sort_by_kind(docs: &mut [Doc]) {
    let rank = |kind: &str| INSTALL_ORDER.iter().position(|k| *k == kind);
    docs.sort_by(|a, b| match (rank(&a.kind), rank(&b.kind)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.kind.cmp(&b.kind),
    });
}

/// The output text being written, with its documents.
#[derive(Default)]
struct Output {
    text: String,
    manifests: Vec<Manifest>,
}

impl Output {
    fn push(&mut self, source: String, text: String, origins: Vec<Option<Origin>>, hook: bool) {
        self.text.push_str("---\n# Source: ");
        self.text.push_str(&source);
        self.text.push('\n');
        let offset = self.text.len();
        self.text.push_str(&text);
        self.text.push('\n');
        self.manifests.push(Manifest {
            source,
            offset,
            text,
            origins,
            hook,
        });
    }

    /// Trims trailing white space, shortening the last documents if they end in some.
    fn trim_end(&mut self) {
        let len = self.text.trim_end().len();
        self.text.truncate(len);
        for m in &mut self.manifests {
            let end = m.offset + m.text.len();
            if end > len {
                let keep = len.saturating_sub(m.offset);
                m.text.truncate(keep);
                m.origins.truncate(line_count(&m.text));
            }
        }
    }
}

/// `helm template --show-only`: the output is split again into documents, and those whose
/// `# Source:` path (after the chart name) matches a pattern are printed, pattern by pattern.
fn show_only(separator: &Regex, out: &Output, patterns: &[String]) -> Result<Rendered, ChartError> {
    let source_line = compiled(&SOURCE_LINE)?;
    let pieces = split_documents(separator, &out.text);
    let mut chosen = Vec::new();
    for pattern in patterns {
        let pattern = pattern.replace(std::path::MAIN_SEPARATOR, "/");
        let mut missing = true;
        for &(start, piece) in &pieces {
            let Some(name) = source_line
                .captures(piece)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
            else {
                continue;
            };
            if glob_match(&pattern, name) {
                chosen.push((start, piece));
                missing = false;
            }
        }
        if missing {
            return Err(ChartError {
                message: format!("could not find template {pattern} in chart"),
                file: None,
                line: None,
                column: None,
            });
        }
    }
    let mut rendered = Rendered::default();
    for (start, piece) in chosen {
        rendered.text.push_str("---\n");
        let piece_offset = rendered.text.len();
        rendered.text.push_str(piece);
        rendered.text.push('\n');
        // The document proper starts after the `# Source:` line the piece begins with.
        let body = if piece.starts_with("# Source: ") {
            piece.find('\n').map_or(piece.len(), |i| i + 1)
        } else {
            0
        };
        // An empty document starts after the line break that ends the piece.
        let text_offset = piece_offset + body + usize::from(body == piece.len() && body > 0);
        let at = start + body;
        // The document the piece comes from: the last one whose `# Source:` line starts at
        // or before the piece.
        let Some(from) = out.manifests.iter().rev().find(|m| {
            m.offset
                .saturating_sub("# Source: \n".len() + m.source.len())
                <= start
        }) else {
            continue;
        };
        let text = piece.get(body..).unwrap_or_default().to_string();
        let skipped = out
            .text
            .get(from.offset..at.max(from.offset))
            .map_or(0, |s| s.bytes().filter(|&b| b == b'\n').count());
        let origins = (skipped..skipped + line_count(&text))
            .map(|l| from.origins.get(l).cloned().flatten())
            .collect();
        rendered.manifests.push(Manifest {
            source: from.source.clone(),
            offset: text_offset,
            text,
            origins,
            hook: from.hook,
        });
    }
    Ok(rendered)
}

/// Go's `filepath.Match` with `/` as the separator; a malformed pattern matches nothing.
fn glob_match(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    let mut pattern = pattern.as_slice();
    let mut name = name.as_slice();
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return !name.contains(&'/');
        }
        match match_chunk(chunk, name) {
            Err(()) => return false,
            Ok(Some(t)) if t.is_empty() || !pattern.is_empty() => {
                name = t;
                continue;
            }
            Ok(_) => {}
        }
        if star {
            let mut i = 0;
            while i < name.len() && name.get(i) != Some(&'/') {
                match match_chunk(chunk, name.get(i + 1..).unwrap_or_default()) {
                    Err(()) => return false,
                    Ok(Some(t)) => {
                        if pattern.is_empty() && !t.is_empty() {
                            i += 1;
                            continue;
                        }
                        name = t;
                        continue 'outer;
                    }
                    Ok(None) => {}
                }
                i += 1;
            }
        }
        return false;
    }
    name.is_empty()
}

/// Splits off the next `*`-prefixed chunk of a pattern: (had a star, chunk, rest).
fn scan_chunk(mut pattern: &[char]) -> (bool, &[char], &[char]) {
    let mut star = false;
    while pattern.first() == Some(&'*') {
        pattern = pattern.get(1..).unwrap_or_default();
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while let Some(&c) = pattern.get(i) {
        match c {
            '\\' if i + 1 < pattern.len() => i += 1,
            '[' => in_range = true,
            ']' => in_range = false,
            '*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    let (chunk, rest) = pattern.split_at(i.min(pattern.len()));
    (star, chunk, rest)
}

/// Matches `chunk` (no `*`) against the start of `s`: `Ok(Some(rest))`, `Ok(None)` for no
/// match, `Err` for a malformed pattern.
fn match_chunk<'a>(mut chunk: &[char], mut s: &'a [char]) -> Result<Option<&'a [char]>, ()> {
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            '[' => {
                let r = if failed {
                    None
                } else {
                    let r = s.first().copied();
                    s = s.get(1..).unwrap_or_default();
                    r
                };
                chunk = chunk.get(1..).unwrap_or_default();
                let negated = chunk.first() == Some(&'^');
                if negated {
                    chunk = chunk.get(1..).unwrap_or_default();
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&']') && ranges > 0 {
                        chunk = chunk.get(1..).unwrap_or_default();
                        break;
                    }
                    let (lo, rest) = get_escaped(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&'-') {
                        let (h, rest) = get_escaped(chunk.get(1..).unwrap_or_default())?;
                        hi = h;
                        chunk = rest;
                    }
                    if r.is_some_and(|r| lo <= r && r <= hi) {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    if s.first() == Some(&'/') {
                        failed = true;
                    }
                    s = s.get(1..).unwrap_or_default();
                }
                chunk = chunk.get(1..).unwrap_or_default();
            }
            _ => {
                if c == '\\' {
                    chunk = chunk.get(1..).unwrap_or_default();
                    if chunk.is_empty() {
                        return Err(());
                    }
                }
                if !failed {
                    if chunk.first() != s.first() {
                        failed = true;
                    }
                    s = s.get(1..).unwrap_or_default();
                }
                chunk = chunk.get(1..).unwrap_or_default();
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// One possibly escaped character of a `[...]` class.
fn get_escaped(chunk: &[char]) -> Result<(char, &[char]), ()> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some('-' | ']') => return Err(()),
        Some('\\') => {
            chunk = chunk.get(1..).unwrap_or_default();
            if chunk.is_empty() {
                return Err(());
            }
        }
        Some(_) => {}
    }
    let c = *chunk.first().ok_or(())?;
    let rest = chunk.get(1..).unwrap_or_default();
    if rest.is_empty() {
        return Err(());
    }
    Ok((c, rest))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// A file of the fixture chart `tests/charts/plain`, by its path there (which is also
    /// its template name: the folder has the chart's name).
    macro_rules! fixture {
        ($path:literal) => {
            (
                $path,
                include_str!(concat!("../../../../tests/charts/", $path)),
            )
        };
    }

    /// The templates of `tests/charts/plain`: plain YAML, so Helm's engine prints them as
    /// they are and the rendered text is the file.
    const PLAIN_TEMPLATES: &[(&str, &str)] = &[
        fixture!("plain/templates/_helpers.tpl"),
        fixture!("plain/templates/NOTES.txt"),
        fixture!("plain/templates/empty.yaml"),
        fixture!("plain/templates/hooks.yaml"),
        fixture!("plain/templates/c-odd.yaml"),
        fixture!("plain/templates/b-more.yaml"),
        fixture!("plain/templates/a-workloads.yaml"),
        fixture!("plain/templates/extra/z-rbac.yaml"),
        fixture!("plain/charts/plainsub/templates/_sub.tpl"),
        fixture!("plain/charts/plainsub/templates/deploy.yaml"),
    ];

    /// In `Chart.CRDObjects` order: the chart's own, then its subchart's.
    const PLAIN_CRDS: &[(&str, &str)] = &[
        fixture!("plain/crds/crontab.yaml"),
        fixture!("plain/charts/plainsub/crds/gadget.yaml"),
    ];

    fn origin(template: &str, line: usize) -> Option<Origin> {
        Some(Origin {
            template: Arc::from(template),
            line: u32::try_from(line).ok()?,
            column: 1,
            values_path: None,
        })
    }

    fn rendered_file(path: &str, text: &str) -> RenderedFile {
        RenderedFile {
            path: path.to_string(),
            text: text.to_string(),
            origins: (1..=line_count(text)).map(|l| origin(path, l)).collect(),
        }
    }

    fn plain(opts: &RenderOptions) -> Result<Rendered, ChartError> {
        let files = PLAIN_TEMPLATES
            .iter()
            .map(|(p, t)| rendered_file(p, t))
            .collect();
        let crds = PLAIN_CRDS
            .iter()
            .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
            .collect();
        assemble(files, crds, opts)
    }

    /// Every document is where it says in the text, and each of its lines comes from the
    /// line of the fixture file its origin names.
    fn check_source_map(rendered: &Rendered) {
        for m in &rendered.manifests {
            assert_eq!(
                rendered.text.get(m.offset..m.offset + m.text.len()),
                Some(m.text.as_str()),
                "{}",
                m.source
            );
            assert!(rendered.text[..m.offset].ends_with('\n'));
            let lines: Vec<&str> = m.text.split('\n').collect();
            assert_eq!(lines.len(), m.origins.len(), "{}", m.source);
            for (line, origin) in lines.iter().zip(&m.origins) {
                let Some(origin) = origin else {
                    panic!("{}: no origin for {line:?}", m.source);
                };
                let file = PLAIN_TEMPLATES
                    .iter()
                    .chain(PLAIN_CRDS)
                    .find(|(p, _)| *p == &*origin.template)
                    .map(|(_, t)| *t)
                    .unwrap_or_default();
                let source_line = file.split('\n').nth(origin.line as usize - 1);
                // A document can start in the middle of a line (`--- # comment`).
                assert!(
                    source_line.is_some_and(|s| s.ends_with(line)),
                    "{}: {line:?} is not line {} ({source_line:?})",
                    m.source,
                    origin.line
                );
            }
        }
    }

    // Expected outputs: `helm template` v3.17.3 on tests/charts/plain, written by
    // scripts/helm-goldens (see tests/charts/goldens.json for the flags).

    #[test]
    fn plain_default() {
        let r = plain(&RenderOptions::default()).unwrap();
        assert_eq!(
            r.text,
            include_str!("../../../../tests/charts/plain.golden/default.yaml")
        );
        check_source_map(&r);
        let hooks: Vec<bool> = r.manifests.iter().map(|m| m.hook).collect();
        assert_eq!(hooks.iter().filter(|h| **h).count(), 3);
        assert!(hooks.ends_with(&[true, true, true]));
    }

    #[test]
    fn plain_include_crds() {
        let opts = RenderOptions {
            include_crds: true,
            ..RenderOptions::default()
        };
        let r = plain(&opts).unwrap();
        assert_eq!(
            r.text,
            include_str!("../../../../tests/charts/plain.golden/include-crds.yaml")
        );
        check_source_map(&r);
        assert_eq!(r.manifests[0].source, "plain/crds/crontab.yaml");
    }

    #[test]
    fn plain_skip_tests() {
        let opts = RenderOptions {
            skip_tests: true,
            ..RenderOptions::default()
        };
        let r = plain(&opts).unwrap();
        assert_eq!(
            r.text,
            include_str!("../../../../tests/charts/plain.golden/skip-tests.yaml")
        );
        check_source_map(&r);
    }

    #[test]
    fn plain_show_only() {
        let opts = RenderOptions {
            show_only: vec!["templates/hooks.yaml".into(), "templates/a-*.yaml".into()],
            ..RenderOptions::default()
        };
        let r = plain(&opts).unwrap();
        assert_eq!(
            r.text,
            include_str!("../../../../tests/charts/plain.golden/show-only.yaml")
        );
        check_source_map(&r);
        assert_eq!(r.manifests.len(), 9);
    }

    #[test]
    fn plain_show_only_crds() {
        let opts = RenderOptions {
            include_crds: true,
            show_only: vec![
                "crds/crontab.yaml".into(),
                "charts/plainsub/templates/deploy.yaml".into(),
            ],
            ..RenderOptions::default()
        };
        let r = plain(&opts).unwrap();
        assert_eq!(
            r.text,
            include_str!("../../../../tests/charts/plain.golden/show-only-crds.yaml")
        );
        check_source_map(&r);
        assert_eq!(r.manifests.len(), 2);
    }

    #[test]
    fn plain_show_only_missing() {
        let opts = RenderOptions {
            show_only: vec!["templates/nope.yaml".into()],
            ..RenderOptions::default()
        };
        let e = plain(&opts).unwrap_err();
        let golden = include_str!("../../../../tests/charts/plain.golden/show-only-missing.error");
        assert_eq!(e.message, golden.trim_end());
    }

    fn one(path: &str, text: &str) -> Result<Rendered, ChartError> {
        assemble(
            vec![rendered_file(path, text)],
            Vec::new(),
            &RenderOptions::default(),
        )
    }

    /// Messages from `helm template` v3.17.3 on a chart whose only template is the text.
    #[test]
    fn parse_errors_are_helms() {
        let unmarshal = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal";
        let cases: &[(&str, String)] = &[
            ("metadata: []", format!("{unmarshal} array into Go struct field SimpleHead.metadata of type {METADATA_TYPE}")),
            ("metadata: 5", format!("{unmarshal} number into Go struct field SimpleHead.metadata of type {METADATA_TYPE}")),
            ("metadata: abc", format!("{unmarshal} string into Go struct field SimpleHead.metadata of type {METADATA_TYPE}")),
            ("metadata: {annotations: [1]}", format!("{unmarshal} array into Go struct field .metadata.annotations of type map[string]string")),
            ("metadata: {annotations: 5}", format!("{unmarshal} number into Go struct field .metadata.annotations of type map[string]string")),
            ("metadata: {annotations: {a: [1]}}", format!("{unmarshal} array into Go struct field .metadata.annotations of type string")),
            ("metadata: {annotations: {a: {b: 1}}}", format!("{unmarshal} object into Go struct field .metadata.annotations of type string")),
            ("metadata: {name: [1]}", format!("{unmarshal} array into Go struct field .metadata.name of type string")),
            ("metadata: {name: {a: 1}, annotations: [1]}", format!("{unmarshal} array into Go struct field .metadata.annotations of type map[string]string")),
            ("- a\n- b", format!("{unmarshal} array into Go value of type releaseutil.SimpleHead")),
            ("just a string", format!("{unmarshal} string into Go value of type releaseutil.SimpleHead")),
            ("5", format!("{unmarshal} number into Go value of type releaseutil.SimpleHead")),
            ("true", format!("{unmarshal} bool into Go value of type releaseutil.SimpleHead")),
            ("kind: [1]\napiVersion: {a: 1}", format!("{unmarshal} object into Go struct field SimpleHead.apiVersion of type string")),
            ("Kind: [1]", format!("{unmarshal} array into Go struct field SimpleHead.kind of type string")),
            ("kind: {a: 1}\nmetadata: []", format!("{unmarshal} object into Go struct field SimpleHead.kind of type string")),
            ("a: b: c", "error converting YAML to JSON: yaml: mapping values are not allowed in this context".into()),
            ("foo: .inf", "error converting YAML to JSON: json: unsupported value: +Inf".into()),
            ("key: \"unterminated", "error converting YAML to JSON: yaml: found unexpected end of stream".into()),
            ("a:\n\tb: c", "error converting YAML to JSON: yaml: line 2: found character that cannot start any token".into()),
            ("apiVersion: v1\n\nkind: A\nx: [1,\n", "error converting YAML to JSON: yaml: line 4: did not find expected node content".into()),
            ("x:\n  - a\n - b", "error converting YAML to JSON: yaml: line 2: did not find expected key".into()),
            ("a: {b: 1\nc: 2", "error converting YAML to JSON: yaml: line 1: did not find expected ',' or '}'".into()),
            ("a: 1\nb: 'x\n\nc: [", "error converting YAML to JSON: yaml: line 4: found unexpected end of stream".into()),
            ("a: 1\n  b: 2", "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context".into()),
            ("a:\n  b: 1\n c: 2", "error converting YAML to JSON: yaml: line 2: did not find expected key".into()),
            ("k: v\n- item", "error converting YAML to JSON: yaml: line 1: did not find expected key".into()),
            ("a: &x 1\nb: *y", "error converting YAML to JSON: yaml: unknown anchor 'y' referenced".into()),
            ("a: b\nkind: Pod: x", "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context".into()),
            ("a: |\n  x\n b: 1", "error converting YAML to JSON: yaml: line 2: did not find expected key".into()),
            ("a: [1, 2\n", "error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'".into()),
            ("a: !!int x", "error converting YAML to JSON: yaml: cannot decode !!str `x` as a !!int".into()),
        ];
        for (text, message) in cases {
            let e = one("c/templates/a.yaml", text).unwrap_err();
            assert_eq!(
                e.message,
                format!("YAML parse error on c/templates/a.yaml: {message}"),
                "{text:?}"
            );
            assert_eq!(e.file.as_deref(), Some("c/templates/a.yaml"));
        }
    }

    /// Heads `helm template` v3.17.3 accepts: scalars become strings, keys match
    /// case-insensitively, an unknown or empty hook name drops the document.
    #[test]
    fn accepted_heads() {
        for text in [
            "kind: 5",
            "apiVersion: 1.5",
            "metadata: {name: 3}",
            "metadata: {annotations: {a: 1}}",
            "Kind: Pod\nkind: 5",
            "metadata: {annotations: {x: true}}",
        ] {
            let r = one("c/templates/a.yaml", text).unwrap();
            assert_eq!(
                r.text,
                format!("---\n# Source: c/templates/a.yaml\n{text}\n")
            );
            assert!(!r.manifests[0].hook);
        }
        // A hook only: the manifests part is empty and prints as a blank line.
        for text in [
            "metadata: {annotations: {x: 1, \"helm.sh/hook\": \"pre-install\"}}",
            "METADATA: {ANNOTATIONS: {helm.sh/hook: TEST-success}}",
        ] {
            let r = one("c/templates/a.yaml", text).unwrap();
            assert_eq!(
                r.text,
                format!("\n---\n# Source: c/templates/a.yaml\n{text}\n")
            );
            assert!(r.manifests[0].hook);
        }
        for text in [
            "metadata:\n  name: x\n  annotations:\n    helm.sh/hook: null",
            "metadata: {annotations: {helm.sh/hook: 1}}",
        ] {
            let r = one("c/templates/a.yaml", text).unwrap();
            assert_eq!(r.text, "\n");
            assert!(r.manifests.is_empty());
        }
    }

    #[test]
    fn heads() {
        let head = |t: &str| decode_head(t).unwrap();
        assert_eq!(head("kind: 1.5").kind, "1.5");
        assert_eq!(head("kind: yes").kind, "true");
        assert_eq!(head("Kind: A\nkind: B").kind, "B");
        assert_eq!(head("kind: B\nKind: A").kind, "B");
        assert_eq!(head("kind: B\nKIND: ~").kind, "B");
        assert_eq!(head("\u{212A}ind: Kelvin").kind, "Kelvin");
        // The two spellings of `metadata` decode into the same struct.
        let h = head("Metadata: {annotations: {a: x}}\nmetadata: {annotations: {b: yes, c: z}}");
        let pairs = [("a", "x"), ("b", "true"), ("c", "z")];
        let pairs = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        assert_eq!(h.annotations, Some(pairs));
        let h = head("Metadata: {annotations: {a: x}}\nmetadata: null");
        assert_eq!(h.annotations, None);
        assert_eq!(head("# comment only"), Head::default());
    }

    #[test]
    fn splitting() {
        let sep = compiled(&SEPARATOR).unwrap();
        let docs = |t: &str| -> Vec<String> {
            split_documents(sep, t)
                .into_iter()
                .map(|(_, d)| d.to_string())
                .collect()
        };
        assert_eq!(docs("a: 1\n---\nb: 2"), ["a: 1", "b: 2"]);
        assert_eq!(docs("---\na: 1\n---"), ["a: 1"]);
        assert_eq!(docs("a: 1\n---   \n---\nb: 2"), ["a: 1", "---\nb: 2"]);
        assert_eq!(docs("a: 1\n  ---\nb"), ["a: 1\n  ---\nb"]);
        assert_eq!(docs("a: 1\n---b: 2"), ["a: 1", "b: 2"]);
        assert_eq!(docs("a: 1\n\u{a0}\n---\nb"), ["a: 1", "b"]);
        assert_eq!(docs("a\u{a0}\n---\nb"), ["a", "b"]);
        assert_eq!(docs(" \n\t"), Vec::<String>::new());
        // Offsets point at the trimmed documents.
        let text = "\n\n  x: 1\n--- \n\n y: 2 \n";
        for (at, doc) in split_documents(sep, text) {
            assert_eq!(&text[at..at + doc.len()], doc);
        }
    }

    #[test]
    fn sorting_by_kind() {
        let r = one(
            "c/templates/a.yaml",
            "kind: Zebra\n---\nkind: Deployment\n---\nkind: Apple\n---\nkind: Namespace\n---\nkind: Apple\nx: 2\n---\n# none",
        )
        .unwrap();
        let kinds: Vec<&str> = r.manifests.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "kind: Namespace",
                "kind: Deployment",
                "# none",
                "kind: Apple",
                "kind: Apple\nx: 2",
                "kind: Zebra"
            ]
        );
    }

    #[test]
    fn partials_notes_and_blank_files() {
        let files = vec![
            rendered_file("c/templates/NOTES.txt", "kind: Pod"),
            rendered_file("c/templates/MYNOTES.txt", "kind: Pod"),
            rendered_file("c/templates/_x.yaml", "kind: Pod"),
            rendered_file("c/templates/blank.yaml", " \n\n"),
            rendered_file("c/templates/pod.yaml", "kind: Pod"),
        ];
        let r = assemble(files, Vec::new(), &RenderOptions::default()).unwrap();
        assert_eq!(r.text, "---\n# Source: c/templates/pod.yaml\nkind: Pod\n");
    }

    /// An error points at the template line that printed the bad value.
    #[test]
    fn parse_error_location() {
        let mut file = rendered_file(
            "c/templates/a.yaml",
            "kind: A\n---\nmetadata:\n  name: [1]\n",
        );
        file.origins[3] = origin("c/templates/_helpers.tpl", 7);
        let e = assemble(vec![file], Vec::new(), &RenderOptions::default()).unwrap_err();
        assert_eq!(e.file.as_deref(), Some("c/templates/_helpers.tpl"));
        assert_eq!(e.line, Some(7));
    }

    /// `helm template --include-crds` (v3.17.3) on a chart with one CRD file ending in blank
    /// lines and one test hook: the trimmed manifests part shortens the CRD.
    #[test]
    fn crds_only_then_hooks() {
        let files = vec![rendered_file(
            "c/templates/t.yaml",
            "metadata:\n  annotations:\n    helm.sh/hook: test\n",
        )];
        let crds = vec![(
            "c/crds/a.yaml".to_string(),
            "kind: CustomResourceDefinition\n\n\n".to_string(),
        )];
        let opts = RenderOptions {
            include_crds: true,
            ..RenderOptions::default()
        };
        let r = assemble(files, crds, &opts).unwrap();
        assert_eq!(
            r.text,
            "---\n# Source: c/crds/a.yaml\nkind: CustomResourceDefinition\n---\n# Source: c/templates/t.yaml\nmetadata:\n  annotations:\n    helm.sh/hook: test\n"
        );
        assert_eq!(r.manifests[0].text, "kind: CustomResourceDefinition");
        assert_eq!(r.manifests[0].origins.len(), 1);
        assert_eq!(r.manifests[0].origins[0].as_ref().map(|o| o.line), Some(1));
        assert!(r.manifests[1].hook);
        let skip = RenderOptions {
            skip_tests: true,
            ..opts
        };
        let r = assemble(
            Vec::new(),
            vec![("c/crds/a.yaml".into(), "kind: X\n".into())],
            &skip,
        )
        .unwrap();
        assert_eq!(r.text, "---\n# Source: c/crds/a.yaml\nkind: X\n");
    }

    /// Cases checked against Go's `path/filepath.Match` (Go 1.26).
    #[test]
    fn globs() {
        let cases = [
            ("templates/*.yaml", "templates/a.yaml", true),
            ("templates/*.yaml", "templates/sub/a.yaml", false),
            ("templates/*", "templates/sub/a.yaml", false),
            ("*", "templates", true),
            ("*/*.yaml", "templates/a.yaml", true),
            ("templates/a-*.yaml", "templates/a-workloads.yaml", true),
            ("templates/?.yaml", "templates/a.yaml", true),
            ("templates/?.yaml", "templates/ab.yaml", false),
            ("templates/[a-c]*.yaml", "templates/b-more.yaml", true),
            ("templates/[^a-c]*.yaml", "templates/b-more.yaml", false),
            ("templates/[^a-c]*.yaml", "templates/hooks.yaml", true),
            ("templates/[]a].yaml", "templates/a.yaml", false),
            ("templates/[a-].yaml", "templates/a.yaml", false),
            ("templates/\\*.yaml", "templates/*.yaml", true),
            ("templates/\\*.yaml", "templates/a.yaml", false),
            ("templates/a.yaml\\", "templates/a.yaml", false),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyyc/d", false),
            ("*c", "abc", true),
            ("a*", "a/b", false),
            ("a*/b", "abc/b", true),
            ("[", "a", false),
            ("x[", "a", false),
            ("*x[", "ab", false),
            ("a[", "a", false),
            ("templates/[\\]a].yaml", "]", false),
            ("templates/[\\]a].yaml", "templates/].yaml", true),
            ("*.yaml", "crds/a.yaml", false),
            ("crds/*", "crds/a.yaml", true),
            ("ü*", "üb", true),
            ("?", "ü", true),
            ("", "", true),
            ("", "a", false),
            ("**", "ab", true),
            ("a**b", "axyb", true),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(glob_match(pattern, name), expected, "{pattern:?} {name:?}");
        }
    }
}
