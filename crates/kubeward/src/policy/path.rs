//! Paths: how a condition names a node.
//!
//! ```text
//! securityContext.privileged          from the current node (target, item or candidate)
//! ports[0].containerPort              list index
//! metadata.annotations["a.b/c"]       a key with dots (or '...')
//! /spec/selector                      a JSON pointer from the current node
//! $pod.hostNetwork                    from a root: $resource $pod $podMeta $container $target $key $outer
//! $containers                         (as the list of some/every) every container of the pod
//! $self.spec.selector                 inside `related`: from the target instead of the candidate
//! ```

/// Where a path starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    /// The current node: the target, the quantifier's item, or the relation's candidate.
    Current,
    /// The resource's root object.
    Resource,
    /// The pod spec.
    Pod,
    /// The pod (template) metadata.
    PodMeta,
    /// The container.
    Container,
    /// Every init, regular and ephemeral container of the pod (only as the list of
    /// `some`/`every`).
    Containers,
    /// The target node of the current context.
    Target,
    /// The key of the current map entry (inside a quantifier over a map).
    Key,
    /// The node that was current where the innermost `some`/`every` started (the
    /// container for a quantifier in the container view, the outer item for a nested one).
    Outer,
    /// The container's effective security context (`effective.<field>`).
    Effective,
}

impl Root {
    fn parse(name: &str) -> Option<Root> {
        Some(match name {
            "resource" => Root::Resource,
            "pod" => Root::Pod,
            "podMeta" => Root::PodMeta,
            "container" => Root::Container,
            "containers" => Root::Containers,
            "target" => Root::Target,
            "key" => Root::Key,
            "outer" => Root::Outer,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Root::Current => "",
            Root::Resource => "$resource",
            Root::Pod => "$pod",
            Root::PodMeta => "$podMeta",
            Root::Container => "$container",
            Root::Containers => "$containers",
            Root::Target => "$target",
            Root::Key => "$key",
            Root::Outer => "$outer",
            Root::Effective => "effective",
        }
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A map key (on a list: an index written as a pointer token).
    Key(String),
    /// A list index (on a map: the key spelled as the number).
    Index(usize),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Path {
    /// How many `$self.` prefixes (contexts to go out of).
    pub hops: usize,
    /// Where it starts.
    pub root: Root,
    /// The steps.
    pub segs: Vec<Seg>,
}

/// Renders steps as a dotted path (`securityContext.capabilities.add[0]`).
pub(crate) fn render(segs: &[Seg]) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
            Seg::Key(k) => {
                let plain =
                    !k.is_empty() && !k.contains(['.', '[', ']', '"', '\'']) && !k.starts_with('$');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                } else {
                    out.push_str(&format!("[{}]", serde_json::Value::String(k.clone())));
                }
            }
        }
    }
    out
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts: Vec<String> = vec!["$self".to_string(); self.hops];
        if self.root != Root::Current {
            parts.push(self.root.name().to_string());
        }
        let rest = render(&self.segs);
        if !rest.is_empty() {
            parts.push(rest);
        }
        write!(f, "{}", parts.join("."))
    }
}

/// Parses a path; `effective` is left as a key (the compiler decides).
pub(crate) fn parse(text: &str) -> Result<Path, String> {
    let mut rest = text.trim();
    let mut hops = 0;
    loop {
        if rest == "$self" {
            hops += 1;
            rest = "";
            break;
        }
        match rest.strip_prefix("$self.") {
            Some(r) => {
                hops += 1;
                rest = r;
            }
            None => break,
        }
    }
    let mut root = Root::Current;
    if let Some(r) = rest.strip_prefix('$') {
        let end = r.find(['.', '[']).unwrap_or(r.len());
        let (name, after) = r.split_at(end);
        root = Root::parse(name).ok_or_else(|| {
            format!(
                "unknown path root `${name}`: expected one of $resource, $pod, $podMeta, \
                 $container, $containers, $target, $key, $outer, $self"
            )
        })?;
        rest = after.strip_prefix('.').unwrap_or(after);
        if after.starts_with('.') && rest.is_empty() {
            return Err(format!("path `{text}` ends with `.`"));
        }
    }
    let segs = if let Some(pointer) = rest.strip_prefix('/') {
        if root != Root::Current || hops > 0 {
            return Err(format!(
                "path `{text}`: a JSON pointer cannot follow a root"
            ));
        }
        pointer
            .split('/')
            .map(|t| Seg::Key(t.replace("~1", "/").replace("~0", "~")))
            .collect()
    } else {
        parse_segs(rest).map_err(|e| format!("path `{text}`: {e}"))?
    };
    Ok(Path { hops, root, segs })
}

fn parse_segs(text: &str) -> Result<Vec<Seg>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut segs = Vec::new();
    let mut i = 0;
    let mut expect_seg = true;
    while i < chars.len() {
        match chars.get(i) {
            Some('[') => {
                let (seg, next) = parse_bracket(&chars, i)?;
                segs.push(seg);
                i = next;
                expect_seg = false;
            }
            Some('.') => {
                if expect_seg {
                    return Err("empty step (`..` or a leading `.`)".to_string());
                }
                i += 1;
                expect_seg = true;
                if i == chars.len() {
                    return Err("ends with `.`".to_string());
                }
            }
            Some(_) => {
                if !expect_seg {
                    return Err(format!("expected `.` or `[` at character {}", i + 1));
                }
                let start = i;
                while i < chars.len() && !matches!(chars.get(i), Some('.' | '[' | ']')) {
                    i += 1;
                }
                if matches!(chars.get(i), Some(']')) {
                    return Err(format!("unexpected `]` at character {}", i + 1));
                }
                segs.push(Seg::Key(
                    chars.get(start..i).unwrap_or_default().iter().collect(),
                ));
                expect_seg = false;
            }
            None => break,
        }
    }
    Ok(segs)
}

fn parse_bracket(chars: &[char], open: usize) -> Result<(Seg, usize), String> {
    let mut i = open + 1;
    match chars.get(i) {
        Some(&q @ ('"' | '\'')) => {
            i += 1;
            let mut key = String::new();
            loop {
                match chars.get(i) {
                    None => return Err("unterminated quoted key".to_string()),
                    Some('\\') => {
                        if let Some(c) = chars.get(i + 1) {
                            key.push(*c);
                        }
                        i += 2;
                    }
                    Some(&c) if c == q => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        key.push(c);
                        i += 1;
                    }
                }
            }
            if chars.get(i) != Some(&']') {
                return Err("expected `]` after a quoted key".to_string());
            }
            Ok((Seg::Key(key), i + 1))
        }
        _ => {
            let start = i;
            while matches!(chars.get(i), Some(c) if c.is_ascii_digit()) {
                i += 1;
            }
            if chars.get(i) != Some(&']') || i == start {
                return Err("expected an index `[0]` or a quoted key `[\"a.b\"]`".to_string());
            }
            let digits: String = chars.get(start..i).unwrap_or_default().iter().collect();
            let index = digits
                .parse()
                .map_err(|_| format!("index `{digits}` is too large"))?;
            Ok((Seg::Index(index), i + 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }

    #[test]
    fn parses_dotted_paths() {
        let p = parse("securityContext.capabilities.add").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(p.root, Root::Current);
        assert_eq!(
            p.segs,
            vec![key("securityContext"), key("capabilities"), key("add")]
        );
    }

    #[test]
    fn parses_roots_indexes_quotes_and_self() {
        let p = parse("$self.$podMeta.annotations[\"a.b/c\"][2]")
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!((p.hops, p.root), (1, Root::PodMeta));
        assert_eq!(
            p.segs,
            vec![key("annotations"), key("a.b/c"), Seg::Index(2)]
        );
        assert_eq!(p.to_string(), "$self.$podMeta.annotations[\"a.b/c\"][2]");
        let p = parse("$self").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!((p.hops, p.root, p.segs.len()), (1, Root::Current, 0));
        let p = parse("$key").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(p.root, Root::Key);
        let p = parse("").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(p.segs.is_empty());
    }

    #[test]
    fn parses_pointers() {
        let p = parse("/metadata/annotations/a~1b").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            p.segs,
            vec![key("metadata"), key("annotations"), key("a/b")]
        );
    }

    #[test]
    fn rejects_bad_paths() {
        for bad in [
            "a..b", ".a", "a.", "$nope.x", "a[x]", "a[\"x]", "a]b", "$pod.",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
