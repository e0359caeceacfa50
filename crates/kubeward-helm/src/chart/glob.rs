//! `gobwas/glob` patterns with `/` as the separator, as `.Files.Glob` compiles them:
//! `*` matches within one path segment, `**` across segments, `?` one non-separator
//! character, `[abc]`, `[a-z]`, `[!…]` one character, `{a,b}` alternatives, `\` escapes.
//! Patterns are translated to a linear-time regular expression.

use regex::Regex;

/// Compiles a pattern; `None` when gobwas would reject it (Helm then uses `**`).
pub(crate) fn compile(pattern: &str) -> Option<Regex> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::from("(?s)^");
    let mut pos = 0;
    translate(&chars, &mut pos, 0, &mut out)?;
    if pos != chars.len() {
        return None;
    }
    out.push('$');
    Regex::new(&out).ok()
}

/// Translates until the end or, inside `{…}` (`depth > 0`), an unescaped `,` or `}`.
fn translate(p: &[char], pos: &mut usize, depth: usize, out: &mut String) -> Option<()> {
    if depth > 64 {
        return None;
    }
    while let Some(&c) = p.get(*pos) {
        match c {
            ',' | '}' if depth > 0 => return Some(()),
            '*' => {
                if p.get(*pos + 1) == Some(&'*') {
                    out.push_str(".*");
                    *pos += 2;
                } else {
                    out.push_str("[^/]*");
                    *pos += 1;
                }
            }
            '?' => {
                out.push_str("[^/]");
                *pos += 1;
            }
            '[' => {
                *pos += 1;
                range(p, pos, out)?;
            }
            '{' => {
                *pos += 1;
                out.push_str("(?:");
                loop {
                    translate(p, pos, depth + 1, out)?;
                    match p.get(*pos) {
                        Some(',') => {
                            out.push('|');
                            *pos += 1;
                        }
                        Some('}') => {
                            out.push(')');
                            *pos += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
            }
            '\\' => {
                *pos += 1;
                // A trailing backslash escapes nothing and is dropped, as gobwas' lexer does.
                if let Some(&e) = p.get(*pos) {
                    push_literal(out, e);
                    *pos += 1;
                }
            }
            other => {
                push_literal(out, other);
                *pos += 1;
            }
        }
    }
    Some(())
}

/// A `[...]` class, after the `[`.
fn range(p: &[char], pos: &mut usize, out: &mut String) -> Option<()> {
    let mut not = false;
    if p.get(*pos) == Some(&'!') {
        not = true;
        *pos += 1;
    }
    let first = *p.get(*pos)?;
    if p.get(*pos + 1) == Some(&'-') {
        let hi = *p.get(*pos + 2)?;
        if p.get(*pos + 3) != Some(&']') || hi < first {
            return None;
        }
        *pos += 4;
        out.push_str(if not { "[^" } else { "[" });
        push_class(out, first);
        out.push('-');
        push_class(out, hi);
        out.push(']');
        return Some(());
    }
    let mut chars = Vec::new();
    let mut escaped = false;
    loop {
        let c = *p.get(*pos)?;
        if !escaped && c == '\\' {
            escaped = true;
            *pos += 1;
            continue;
        }
        if !escaped && c == ']' {
            break;
        }
        escaped = false;
        chars.push(c);
        *pos += 1;
    }
    *pos += 1;
    if chars.is_empty() {
        return None;
    }
    out.push_str(if not { "[^" } else { "[" });
    for c in chars {
        push_class(out, c);
    }
    out.push(']');
    Some(())
}

fn push_literal(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    out.push_str(&regex::escape(c.encode_utf8(&mut buf)));
}

fn push_class(out: &mut String, c: char) {
    if matches!(c, '\\' | ']' | '[' | '^' | '-' | '&' | '~') {
        out.push('\\');
    }
    out.push(c);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        compile(p).is_some_and(|r| r.is_match(s))
    }

    #[test]
    fn gobwas_semantics() {
        assert!(m("*.txt", "a.txt"));
        assert!(!m("*.txt", "d/a.txt"));
        assert!(m("**.txt", "d/a.txt"));
        assert!(m("files/**", "files/a/b"));
        assert!(m("files/*", "files/a"));
        assert!(!m("files/*", "files/a/b"));
        assert!(m("{a,b}/*.yaml", "b/x.yaml"));
        assert!(m("f[0-9].txt", "f7.txt"));
        assert!(!m("f[!0-9].txt", "f7.txt"));
        assert!(m("f[ab].txt", "fb.txt"));
        assert!(m("?.md", "a.md"));
        assert!(!m("?", "/"));
        assert!(m("a\\*", "a*"));
        assert!(m("a}b", "a}b"));
        assert!(compile("{a,b").is_none());
        assert!(compile("[a").is_none());
        assert!(compile("[]").is_none());
    }
}
