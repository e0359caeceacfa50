//! Regular expressions: regexMatch, regexFind, regexFindAll, regexReplaceAll,
//! regexReplaceAllLiteral, regexSplit, regexQuoteMeta and the `must` variants.
//!
//! Patterns are Go RE2 syntax run on the `regex` crate. The two dialects agree on almost
//! everything; the differences are translated before compiling:
//! - `\d \D \w \W \s \S \b \B` are ASCII-only in Go (Unicode in `regex`);
//! - `\Q…\E` quotes a literal in Go;
//! - inside a class Go reads `[`, `&&`, `--` and `~~` literally (set operations in `regex`);
//! - the `x` flag does not exist in Go.
//!
//! Matching iterates with Go's rules (an empty match right after a match is skipped), and
//! replacement templates are expanded as Go's `Regexp.Expand` does (`$1a` names the group
//! `1a`). Error texts follow Go's `regexp/syntax` for the common mistakes.

use super::strings::{arg_int, arg_str, go_quote, is_digit, is_letter, string_list};
use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::Value;
use regex::{Regex, RegexBuilder};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

const S: Ty = Ty::String;
const I: Ty = Ty::Int;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("regexMatch", Sig::fixed(&[S, S]), regex_match),
    FuncDef::new("mustRegexMatch", Sig::fixed(&[S, S]), must_regex_match),
    FuncDef::new("regexFindAll", Sig::fixed(&[S, S, I]), regex_find_all),
    FuncDef::new(
        "mustRegexFindAll",
        Sig::fixed(&[S, S, I]),
        must_regex_find_all,
    ),
    FuncDef::new("regexFind", Sig::fixed(&[S, S]), regex_find),
    FuncDef::new("mustRegexFind", Sig::fixed(&[S, S]), must_regex_find),
    FuncDef::new("regexReplaceAll", Sig::fixed(&[S, S, S]), regex_replace_all),
    FuncDef::new(
        "mustRegexReplaceAll",
        Sig::fixed(&[S, S, S]),
        must_regex_replace_all,
    ),
    FuncDef::new(
        "regexReplaceAllLiteral",
        Sig::fixed(&[S, S, S]),
        regex_replace_literal,
    ),
    FuncDef::new(
        "mustRegexReplaceAllLiteral",
        Sig::fixed(&[S, S, S]),
        must_regex_replace_literal,
    ),
    FuncDef::new("regexSplit", Sig::fixed(&[S, S, I]), regex_split),
    FuncDef::new("mustRegexSplit", Sig::fixed(&[S, S, I]), must_regex_split),
    FuncDef::new("regexQuoteMeta", Sig::fixed(&[S]), regex_quote_meta),
];

/// The longest pattern accepted (Go has no such limit, but a pattern this long is abuse).
const MAX_PATTERN_BYTES: usize = 64 * 1024;

/// Compiled size limit handed to the `regex` crate.
const COMPILED_SIZE_LIMIT: usize = 16 << 20;

/// Patterns compiled by this thread, so a `range` over many values compiles once.
const CACHE_CAPACITY: usize = 128;

thread_local! {
    static CACHE: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
}

/// Go's `regexp.Compile`: the compiled pattern, or Go's error text
/// (`error parsing regexp: missing closing ): ` + "`(a`").
fn compile(pattern: &str) -> Result<Rc<Regex>, String> {
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    if pattern.len() > MAX_PATTERN_BYTES {
        return Err(syntax_error("expression too large", pattern));
    }
    check_syntax(pattern)?;
    let translated = translate(pattern)?;
    let re = RegexBuilder::new(&translated)
        .size_limit(COMPILED_SIZE_LIMIT)
        .nest_limit(1000)
        .build()
        .map_err(|e| rust_error_to_go(pattern, &e))?;
    let re = Rc::new(re);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_CAPACITY {
            c.clear();
        }
        c.insert(pattern.to_string(), Rc::clone(&re));
    });
    Ok(re)
}

fn syntax_error(code: &str, fragment: &str) -> String {
    format!("error parsing regexp: {code}: `{fragment}`")
}

/// The panic text of Go's `regexp.MustCompile`.
fn must_compile_panic(pattern: &str, err: &str) -> String {
    let quoted = if can_backquote(pattern) {
        format!("`{pattern}`")
    } else {
        go_quote(pattern)
    };
    format!("regexp: Compile({quoted}): {err}")
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !(c < ' ' || c == '\u{7f}')))
}

/// Best-effort translation of a `regex` crate error into Go's wording.
fn rust_error_to_go(pattern: &str, err: &regex::Error) -> String {
    let text = err.to_string();
    if text.contains("unclosed group") {
        syntax_error("missing closing )", pattern)
    } else if text.contains("unopened group") {
        syntax_error("unexpected )", pattern)
    } else if text.contains("unclosed character class") {
        let from = pattern.rfind('[').unwrap_or(0);
        syntax_error("missing closing ]", pattern.get(from..).unwrap_or(pattern))
    } else if text.contains("repetition operator missing expression") {
        syntax_error("missing argument to repetition operator", pattern)
    } else if text.contains("invalid range") || text.contains("character class range") {
        syntax_error("invalid character class range", pattern)
    } else if text.contains("unrecognized escape") || text.contains("escape sequence") {
        syntax_error("invalid escape sequence", pattern)
    } else if text.contains("exceeds size limit") {
        syntax_error("expression too large", pattern)
    } else if text.contains("nest limit") {
        syntax_error("expression nests too deeply", pattern)
    } else if text.contains("repetition quantifier") || text.contains("decimal") {
        syntax_error("invalid repeat count", pattern)
    } else if text.contains("incomplete escape") {
        "error parsing regexp: trailing backslash at end of expression: ``".to_string()
    } else if text.contains("capture group name") || text.contains("duplicate capture") {
        syntax_error("invalid named capture", pattern)
    } else {
        syntax_error("invalid or unsupported Perl syntax", pattern)
    }
}

/// What precedes a repetition operator while scanning a pattern.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Nothing to repeat: the start, `(` or `|`.
    Nothing,
    /// An atom, group or class.
    Atom,
    /// A repetition operator starting at this byte offset; `lazy` once its `?` was read.
    Repeat { start: usize, lazy: bool },
}

/// A counted repetition `{n}`, `{n,}` or `{n,m}` starting at char index `k`: the index
/// after it, `n` and `m` (`None` for no upper bound or `{n}`'s `n`).
fn counted_repeat(chars: &[(usize, char)], k: usize) -> Option<(usize, u64, Option<u64>)> {
    let mut j = k + 1;
    let number = |j: &mut usize| -> Option<u64> {
        let start = *j;
        let mut v: u64 = 0;
        while let Some(&(_, d)) = chars.get(*j) {
            let Some(x) = d.to_digit(10) else { break };
            v = v.saturating_mul(10).saturating_add(u64::from(x));
            *j += 1;
        }
        (*j > start).then_some(v)
    };
    let min = number(&mut j)?;
    let max = match chars.get(j).map(|x| x.1) {
        Some('}') => Some(min),
        Some(',') => {
            j += 1;
            if chars.get(j).map(|x| x.1) == Some('}') {
                None
            } else {
                Some(number(&mut j)?)
            }
        }
        _ => return None,
    };
    (chars.get(j).map(|x| x.1) == Some('}')).then_some((j + 1, min, max))
}

/// The checks Go's parser makes that the `regex` crate does not make, or makes with other
/// words: repetition operators without an argument, nested repetitions (`a**`), repeat
/// counts above 1000, and reversed class ranges.
fn check_syntax(pattern: &str) -> Result<(), String> {
    let chars: Vec<(usize, char)> = pattern.char_indices().collect();
    let at = |k: usize| chars.get(k).map(|x| x.1);
    let offset = |k: usize| chars.get(k).map_or(pattern.len(), |x| x.0);
    let mut last = Last::Nothing;
    let mut k = 0;
    while let Some(c) = at(k) {
        let pos = offset(k);
        match c {
            '\\' => {
                if at(k + 1) == Some('Q') {
                    k += 2;
                    while at(k).is_some() && !(at(k) == Some('\\') && at(k + 1) == Some('E')) {
                        k += 1;
                    }
                }
                k += 2;
                last = Last::Atom;
                continue;
            }
            '[' => {
                k += 1;
                if at(k) == Some('^') {
                    k += 1;
                }
                let mut first = true;
                while let Some(cc) = at(k) {
                    if cc == ']' && !first {
                        break;
                    }
                    first = false;
                    if cc == '\\' {
                        k += 2;
                        continue;
                    }
                    if cc == '[' && at(k + 1) == Some(':') {
                        if let Some(end) = pattern.get(offset(k)..).and_then(|r| r.find(":]")) {
                            let end = offset(k) + end + 2;
                            while offset(k) < end {
                                k += 1;
                            }
                            continue;
                        }
                    }
                    if at(k + 1) == Some('-') {
                        if let Some(hi) = at(k + 2).filter(|&h| h != ']' && h != '\\') {
                            if hi < cc {
                                let frag = pattern.get(offset(k)..offset(k + 3)).unwrap_or("");
                                return Err(syntax_error("invalid character class range", frag));
                            }
                            k += 3;
                            continue;
                        }
                    }
                    k += 1;
                }
                k += 1;
                last = Last::Atom;
                continue;
            }
            '(' => {
                let before = last;
                last = Last::Nothing;
                if at(k + 1) == Some('?') {
                    let mut j = k + 2;
                    if matches!(at(j), Some('P' | '<')) {
                        while at(j).is_some_and(|ch| ch != '>') {
                            j += 1;
                        }
                        k = j + 1;
                        continue;
                    }
                    while let Some(f) = at(j) {
                        if !matches!(f, 'i' | 'm' | 's' | 'U' | '-') {
                            break;
                        }
                        j += 1;
                    }
                    if at(j) == Some(')') {
                        // A flags-only group `(?i)` leaves the previous atom in place.
                        last = before;
                        k = j + 1;
                        continue;
                    }
                    // `(?i:` or an unsupported group, which `translate` reports.
                    k = j + 1;
                    continue;
                }
            }
            '|' => last = Last::Nothing,
            ')' => last = Last::Atom,
            '*' | '+' | '?' | '{' => {
                let (end, counts) = if c == '{' {
                    match counted_repeat(&chars, k) {
                        Some((end, min, max)) => (end, Some((min, max))),
                        None => {
                            last = Last::Atom;
                            k += 1;
                            continue;
                        }
                    }
                } else {
                    (k + 1, None)
                };
                if let Some((min, max)) = counts {
                    if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
                        let frag = pattern.get(pos..offset(end)).unwrap_or("");
                        return Err(syntax_error("invalid repeat count", frag));
                    }
                }
                let lazy_end = if at(end) == Some('?') { end + 1 } else { end };
                match last {
                    Last::Nothing => {
                        let frag = pattern.get(pos..offset(lazy_end)).unwrap_or("");
                        return Err(syntax_error(
                            "missing argument to repetition operator",
                            frag,
                        ));
                    }
                    Last::Repeat { start, lazy } if c != '?' || lazy => {
                        let frag = pattern.get(start..offset(lazy_end)).unwrap_or("");
                        return Err(syntax_error("invalid nested repetition operator", frag));
                    }
                    Last::Repeat { start, .. } => {
                        last = Last::Repeat { start, lazy: true };
                        k += 1;
                        continue;
                    }
                    Last::Atom => {
                        last = Last::Repeat {
                            start: pos,
                            lazy: lazy_end > end,
                        };
                        k = lazy_end;
                        continue;
                    }
                }
            }
            _ => last = Last::Atom,
        }
        k += 1;
    }
    Ok(())
}

/// Rewrites a Go pattern into the `regex` crate's dialect (see the module docs).
fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    let indexed: Vec<(usize, char)> = pattern.char_indices().collect();
    let mut in_class = false;
    let mut class_start = 0;
    let mut names: Vec<String> = Vec::new();
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err(
                        "error parsing regexp: trailing backslash at end of expression: ``"
                            .to_string(),
                    );
                };
                i += 2;
                match (next, in_class) {
                    ('d', false) => out.push_str("[0-9]"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', false) => out.push_str("[\\t\\n\\f\\r ]"),
                    ('S', false) => out.push_str("[^\\t\\n\\f\\r ]"),
                    ('b', false) => out.push_str("(?-u:\\b)"),
                    ('B', false) => out.push_str("(?-u:\\B)"),
                    ('d', true) => out.push_str("0-9"),
                    ('D', true) => out.push_str("\\x00-/:-\\x{10FFFF}"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('W', true) => out.push_str("\\x00-/:-@\\[-\\^`{-\\x{10FFFF}"),
                    ('s', true) => out.push_str("\\t\\n\\f\\r "),
                    ('S', true) => out.push_str("\\x00-\\x08\\x0B\\x0E-\\x1F!-\\x{10FFFF}"),
                    ('Q', _) => {
                        // A literal up to `\E` (or the end).
                        while let Some(&q) = chars.get(i) {
                            if q == '\\' && chars.get(i + 1) == Some(&'E') {
                                i += 2;
                                break;
                            }
                            if in_class && matches!(q, '[' | ']' | '&' | '-' | '~' | '^') {
                                out.push('\\');
                                out.push(q);
                            } else if in_class {
                                out.push(q);
                            } else {
                                out.push_str(&regex::escape(&q.to_string()));
                            }
                            i += 1;
                        }
                    }
                    ('E', _) => {}
                    (n, _) if n.is_ascii_alphanumeric() && !GO_ESCAPES.contains(n) => {
                        let fragment: String = chars
                            .get(i - 2..i)
                            .map(|s| s.iter().collect())
                            .unwrap_or_default();
                        return Err(syntax_error("invalid escape sequence", &fragment));
                    }
                    (n, _) => {
                        out.push('\\');
                        out.push(n);
                    }
                }
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = out.len();
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` first in a class is a literal.
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                continue;
            }
            '[' if in_class => {
                if chars.get(i + 1) == Some(&':') {
                    // A POSIX class `[:alpha:]`: copy it whole.
                    let rest: String = chars.get(i..).unwrap_or_default().iter().collect();
                    if let Some(end) = rest.find(":]") {
                        out.push_str(rest.get(..end + 2).unwrap_or(""));
                        i += rest.get(..end + 2).unwrap_or("").chars().count();
                        continue;
                    }
                }
                out.push_str("\\[");
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '-' if in_class && chars.get(i + 1) == Some(&'-') => out.push_str("\\-"),
            '{' if !in_class && counted_repeat(&indexed, i).is_none() => out.push_str("\\{"),
            '(' if !in_class
                && chars.get(i + 1) == Some(&'?')
                && (chars.get(i + 2) == Some(&'<') || chars.get(i + 2) == Some(&'P')) =>
            {
                // A named group: Go allows a name twice, `regex` does not, so a repeated
                // name gets a suffix that `expand` ignores.
                let open = if chars.get(i + 2) == Some(&'P') { 4 } else { 3 };
                let name: String = chars
                    .get(i + open..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|&&ch| ch != '>')
                    .collect();
                let count = names.iter().filter(|n| **n == name).count();
                names.push(name.clone());
                out.push_str("(?P<");
                out.push_str(&name);
                if count > 0 {
                    out.push_str(&format!("{DUP_SUFFIX}{count}"));
                }
                out.push('>');
                i += open + name.chars().count() + 1;
                continue;
            }
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => {
                // Flags groups: Go knows only i, m, s and U.
                let mut j = i + 2;
                while let Some(&f) = chars.get(j) {
                    if f == ':' || f == ')' {
                        break;
                    }
                    if !matches!(f, 'i' | 'm' | 's' | 'U' | '-') {
                        if f == 'P' || f == '<' {
                            break;
                        }
                        let fragment: String = chars
                            .get(i..=j)
                            .map(|s| s.iter().collect())
                            .unwrap_or_default();
                        return Err(syntax_error(
                            "invalid or unsupported Perl syntax",
                            &fragment,
                        ));
                    }
                    j += 1;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if in_class {
        let fragment = pattern
            .char_indices()
            .filter(|&(_, ch)| ch == '[')
            .map(|(p, _)| p)
            .next_back()
            .and_then(|p| pattern.get(p..))
            .unwrap_or(pattern);
        let _ = class_start;
        return Err(syntax_error("missing closing ]", fragment));
    }
    Ok(out)
}

/// Suffix given to the second and later groups of the same name.
const DUP_SUFFIX: &str = "__kwdup";

/// Letters Go accepts after a backslash.
const GO_ESCAPES: &str = "aftnrvbBdDsSwWpPxAzQE";

/// Go's match loop (`allMatches`): up to `n` matches (`n < 0`: all), skipping an empty
/// match that abuts the previous match. Yields the capture locations of each match.
fn all_matches(re: &Regex, s: &str, n: i64) -> Vec<regex::CaptureLocations> {
    let limit = usize::try_from(n).unwrap_or(usize::MAX);
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut prev_end: Option<usize> = None;
    let mut locs = re.capture_locations();
    while out.len() < limit && pos <= s.len() {
        if re.captures_read_at(&mut locs, s, pos).is_none() {
            break;
        }
        let Some((start, end)) = locs.get(0) else {
            break;
        };
        let mut accept = true;
        if end == pos {
            if Some(start) == prev_end {
                accept = false;
            }
            pos += s
                .get(pos..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
        } else {
            pos = end;
        }
        prev_end = Some(end);
        if accept {
            out.push(locs.clone());
        }
    }
    out
}

/// Go's `Regexp.Expand` of a `$` template for one match.
fn expand(re: &Regex, template: &str, src: &str, locs: &regex::CaptureLocations, out: &mut String) {
    let names: Vec<Option<&str>> = re.capture_names().collect();
    let group = |i: usize| locs.get(i).and_then(|(a, b)| src.get(a..b));
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(rest.get(..at).unwrap_or(""));
        rest = rest.get(at + 1..).unwrap_or("");
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some((name, num, after)) = extract(rest) else {
            out.push('$');
            continue;
        };
        rest = after;
        match num {
            Some(n) => out.push_str(group(n).unwrap_or("")),
            None => {
                // The first group of that name that took part in the match.
                let same = |x: &Option<&str>| {
                    x.is_some_and(|x| {
                        x == name
                            || x.strip_prefix(name)
                                .is_some_and(|r| r.starts_with(DUP_SUFFIX))
                    })
                };
                let hit = names
                    .iter()
                    .enumerate()
                    .find(|(i, x)| same(x) && group(*i).is_some());
                if let Some((i, _)) = hit {
                    out.push_str(group(i).unwrap_or(""));
                }
            }
        }
    }
    out.push_str(rest);
}

/// Go's `extract`: the name after `$` (`name` or `{name}`), its number when it is one, and
/// the rest of the template.
fn extract(s: &str) -> Option<(&str, Option<usize>, &str)> {
    let (brace, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let len: usize = body
        .chars()
        .take_while(|&c| is_letter(c) || is_digit(c) || c == '_')
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = body.get(..len)?;
    let mut rest = body.get(len..)?;
    if brace {
        rest = rest.strip_prefix('}')?;
    }
    let mut num: Option<usize> = Some(0);
    for b in name.bytes() {
        num = match num {
            Some(n) if b.is_ascii_digit() && n < 100_000_000 => {
                Some(n * 10 + usize::from(b - b'0'))
            }
            _ => None,
        };
        if num.is_none() {
            break;
        }
    }
    if name.starts_with('0') && name.len() > 1 {
        num = None;
    }
    Some((name, num, rest))
}

/// Go's `replaceAll` loop, with `repl` producing each replacement.
fn replace_all(
    ctx: &FuncCtx,
    re: &Regex,
    src: &str,
    mut repl: impl FnMut(&regex::CaptureLocations, &mut String),
) -> Result<String, String> {
    let mut out = String::with_capacity(src.len());
    let mut last_end = 0usize;
    let mut search = 0usize;
    let mut locs = re.capture_locations();
    while search <= src.len() {
        if re.captures_read_at(&mut locs, src, search).is_none() {
            break;
        }
        let Some((start, end)) = locs.get(0) else {
            break;
        };
        out.push_str(src.get(last_end..start).unwrap_or(""));
        if end > last_end || start == 0 {
            repl(&locs, &mut out);
            ctx.check_string_len(out.len())?;
        }
        last_end = end;
        let width = src
            .get(search..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8);
        if search + width > end {
            search += width;
        } else if search + 1 > end {
            search += 1;
        } else {
            search = end;
        }
    }
    out.push_str(src.get(last_end..).unwrap_or(""));
    ctx.check_string_len(out.len())?;
    Ok(out)
}

/// Go's `Regexp.Split`.
fn split(re: &Regex, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !re.as_str().is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let matches = all_matches(re, s, n);
    let mut out = Vec::with_capacity(matches.len() + 1);
    let (mut beg, mut end) = (0usize, 0usize);
    for m in &matches {
        if n > 0 && i64::try_from(out.len()).unwrap_or(i64::MAX) == n - 1 {
            break;
        }
        let Some((a, b)) = m.get(0) else { continue };
        end = a;
        if b != 0 {
            out.push(s.get(beg..end).unwrap_or("").to_string());
        }
        beg = b;
    }
    if end != s.len() {
        out.push(s.get(beg..).unwrap_or("").to_string());
    }
    out
}

/// Compiles for a non-`must` function: a bad pattern is Go's `MustCompile` panic.
fn compile_or_panic(pattern: &str) -> Result<Rc<Regex>, String> {
    compile(pattern).map_err(|e| must_compile_panic(pattern, &e))
}

fn find_all(ctx: &FuncCtx, re: &Regex, s: &str, n: i64) -> Result<Value, String> {
    let found: Vec<String> = all_matches(re, s, n)
        .iter()
        .filter_map(|l| l.get(0).and_then(|(a, b)| s.get(a..b)).map(str::to_string))
        .collect();
    ctx.check_list_len(found.len())?;
    Ok(string_list(found))
}

fn regex_match(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    // regexp.MatchString: a bad pattern is false.
    let ok = compile(arg_str(&args, 0)).is_ok_and(|re| re.is_match(arg_str(&args, 1)));
    Ok(Value::Bool(ok))
}

fn must_regex_match(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile(arg_str(&args, 0))?;
    Ok(Value::Bool(re.is_match(arg_str(&args, 1))))
}

fn regex_find_all(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile_or_panic(arg_str(&args, 0))?;
    find_all(ctx, &re, arg_str(&args, 1), arg_int(&args, 2))
}

fn must_regex_find_all(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile(arg_str(&args, 0))?;
    find_all(ctx, &re, arg_str(&args, 1), arg_int(&args, 2))
}

fn find_first(re: &Regex, s: &str) -> Value {
    Value::str(re.find(s).map_or("", |m| m.as_str()))
}

fn regex_find(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile_or_panic(arg_str(&args, 0))?;
    Ok(find_first(&re, arg_str(&args, 1)))
}

fn must_regex_find(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile(arg_str(&args, 0))?;
    Ok(find_first(&re, arg_str(&args, 1)))
}

fn replace_expand(ctx: &FuncCtx, re: &Regex, src: &str, template: &str) -> Result<Value, String> {
    let out = replace_all(ctx, re, src, |locs, out| {
        expand(re, template, src, locs, out)
    })?;
    Ok(Value::str(out))
}

fn replace_literal(ctx: &FuncCtx, re: &Regex, src: &str, lit: &str) -> Result<Value, String> {
    let out = replace_all(ctx, re, src, |_, out| out.push_str(lit))?;
    Ok(Value::str(out))
}

fn regex_replace_all(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile_or_panic(arg_str(&args, 0))?;
    replace_expand(ctx, &re, arg_str(&args, 1), arg_str(&args, 2))
}

fn must_regex_replace_all(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile(arg_str(&args, 0))?;
    replace_expand(ctx, &re, arg_str(&args, 1), arg_str(&args, 2))
}

fn regex_replace_literal(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile_or_panic(arg_str(&args, 0))?;
    replace_literal(ctx, &re, arg_str(&args, 1), arg_str(&args, 2))
}

fn must_regex_replace_literal(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile(arg_str(&args, 0))?;
    replace_literal(ctx, &re, arg_str(&args, 1), arg_str(&args, 2))
}

fn regex_split(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile_or_panic(arg_str(&args, 0))?;
    let parts = split(&re, arg_str(&args, 1), arg_int(&args, 2));
    ctx.check_list_len(parts.len())?;
    Ok(string_list(parts))
}

fn must_regex_split(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let re = compile(arg_str(&args, 0))?;
    let parts = split(&re, arg_str(&args, 1), arg_int(&args, 2));
    ctx.check_list_len(parts.len())?;
    Ok(string_list(parts))
}

/// Go's `regexp.QuoteMeta`: a backslash before each of `\.+*?()|[]{}^$`.
fn regex_quote_meta(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let s = arg_str(&args, 0);
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::str(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: super::super::NativeFn, args: &[&str], n: Option<i64>) -> String {
        let mut ctx = FuncCtx::default();
        let mut v: Vec<Value> = args.iter().map(|s| Value::str(*s)).collect();
        if let Some(n) = n {
            v.push(Value::Int(n));
        }
        f(&mut ctx, v).map_or_else(|e| format!("ERR {e}"), |v| v.to_go_string())
    }

    // Expected values: Go's regexp (via Sprig v3.3.0) on the same inputs.
    #[test]
    fn go_semantics() {
        assert_eq!(call(regex_match, &["^\\d+$", "١٢"], None), "false");
        assert_eq!(call(regex_match, &["\\bé", "aé"], None), "true");
        assert_eq!(call(regex_find_all, &["a*", "baaac"], Some(-1)), "[ aaa ]");
        assert_eq!(
            call(regex_replace_all, &["a(x*)b", "-ab-axxb-", "${1}W"], None),
            "-W-xxW-"
        );
        assert_eq!(
            call(regex_replace_all, &["a(x*)b", "-ab-axxb-", "$1W"], None),
            "---"
        );
        assert_eq!(
            call(regex_replace_all, &["a*", "baaac", "X"], None),
            "XbXcX"
        );
        assert_eq!(
            call(regex_replace_literal, &["a(x*)b", "-ab-", "$1"], None),
            "-$1-"
        );
        assert_eq!(call(regex_split, &["a", "banana"], Some(-1)), "[b n n ]");
        assert_eq!(call(regex_split, &["a", "banana"], Some(2)), "[b nana]");
        assert_eq!(call(regex_split, &["", "abc"], Some(-1)), "[a b c]");
        assert_eq!(
            call(regex_quote_meta, &["1.5*[x]"], None),
            "1\\.5\\*\\[x\\]"
        );
        assert_eq!(call(regex_find, &["[[]x", "a[x"], None), "[x");
        assert_eq!(call(regex_find, &["\\Qa.b\\E", "xa.b"], None), "a.b");
        assert_eq!(
            call(must_regex_find, &["(a", "x"], None),
            "ERR error parsing regexp: missing closing ): `(a`"
        );
        assert_eq!(
            call(regex_find, &["(a", "x"], None),
            "ERR regexp: Compile(`(a`): error parsing regexp: missing closing ): `(a`"
        );
        assert_eq!(call(regex_match, &["(a", "x"], None), "false");
        assert_eq!(
            call(
                regex_replace_all,
                &["(?P<n>a)|(?P<n>b)", "ab", "<$n>"],
                None
            ),
            "<a><b>"
        );
        assert_eq!(
            call(must_regex_match, &["a{2}{3}", "x"], None),
            "ERR error parsing regexp: invalid nested repetition operator: `{2}{3}`"
        );
        assert_eq!(call(must_regex_match, &["x{", "x{"], None), "true");
        assert_eq!(call(regex_find, &["a{,3}", "a{,3}"], None), "a{,3}");
        assert_eq!(
            call(must_regex_match, &["(?i)*", ""], None),
            "ERR error parsing regexp: missing argument to repetition operator: `*`"
        );
    }
}
