//! `.helmignore` rules, as Helm's `pkg/ignore` reads and applies them, and Go's
//! `path.Match` they rely on.

/// One rule of a `.helmignore` file.
#[derive(Debug, Clone)]
struct Pattern {
    /// The glob, without `!`, trailing `/` or leading `/`, as characters.
    rule: Vec<char>,
    negate: bool,
    must_dir: bool,
    /// How the rule is matched: against the whole path or the base name only.
    whole_path: bool,
}

/// Parsed `.helmignore` rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// Parses a `.helmignore` file (Helm's `ignore.Parse`).
    pub(crate) fn parse(text: &[u8]) -> Result<Rules, String> {
        let text = text.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(text);
        let text = String::from_utf8_lossy(text);
        let mut rules = Rules::default();
        // bufio.Scanner's ScanLines: split on '\n', drop a trailing '\r'.
        for line in text.split('\n') {
            rules.add(line.strip_suffix('\r').unwrap_or(line))?;
        }
        Ok(rules)
    }

    /// Adds Helm's default rule (`templates/.?*`).
    pub(crate) fn add_defaults(&mut self) {
        let _ = self.add("templates/.?*");
    }

    fn add(&mut self, rule: &str) -> Result<(), String> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        if go_match(rule, "abc").is_err() {
            return Err("syntax error in pattern".into());
        }
        let mut rule = rule;
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule = &rule[..rule.len() - 1];
        }
        let (rule, whole_path) = if let Some(r) = rule.strip_prefix('/') {
            (r, true)
        } else {
            (rule, rule.contains('/'))
        };
        self.patterns.push(Pattern {
            rule: rule.chars().collect(),
            negate,
            must_dir,
            whole_path,
        });
        Ok(())
    }

    /// Whether `path` (relative, `/`-separated) is ignored (Helm's `Rules.Ignore`, including
    /// its reading of negated rules: a `!rule` ignores every path it does not match).
    pub(crate) fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        let whole: Vec<char> = path.chars().collect();
        let base_start = whole.iter().rposition(|&c| c == '/').map_or(0, |i| i + 1);
        let base = whole.get(base_start..).unwrap_or(&[]);
        for p in &self.patterns {
            let name = if p.whole_path { &whole[..] } else { base };
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !match_from(&p.rule, name).unwrap_or(false) {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if match_from(&p.rule, name).unwrap_or(false) {
                return true;
            }
        }
        false
    }

    /// Keeps the files a directory walk with these rules would read: a file is dropped when
    /// it or one of its folders is ignored.
    pub(crate) fn filter<T>(&self, files: Vec<(String, T)>) -> Vec<(String, T)> {
        files
            .into_iter()
            .filter(|(name, _)| {
                let mut dir = String::new();
                let parts: Vec<&str> = name.split('/').collect();
                for part in parts.iter().take(parts.len().saturating_sub(1)) {
                    if !dir.is_empty() {
                        dir.push('/');
                    }
                    dir.push_str(part);
                    if self.ignore(&dir, true) {
                        return false;
                    }
                }
                !self.ignore(name, false)
            })
            .collect()
    }
}

/// Go's `path.Match` (which `filepath.Match` is on `/` systems): `*` and `?` do not match
/// `/`, `[...]` classes with `^` negation and ranges, `\` escapes. `Err` is Go's
/// `ErrBadPattern`.
pub(crate) fn go_match(pattern: &str, name: &str) -> Result<bool, ()> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> Result<bool, ()> {
    // Iterative backtracking over the last `*` (enough for path.Match's semantics, with
    // a full syntax check of the rest of the pattern as Go does).
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            match p.get(pi) {
                Some('*') => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                Some(_) if ni < n.len() => {
                    if let Some((ok, next)) = match_one(p, pi, n.get(ni).copied())? {
                        if ok {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    }
                }
                _ => {}
            }
        } else if ni == n.len() {
            return Ok(true);
        }
        // Mismatch: backtrack to the last star, which may not cross '/'.
        if let Some((sp, sn)) = star {
            if sn < n.len() && n.get(sn) != Some(&'/') {
                star = Some((sp, sn + 1));
                pi = sp + 1;
                ni = sn + 1;
                continue;
            }
        }
        check_rest(p, pi)?;
        return Ok(false);
    }
}

/// Validates the syntax of the pattern from `pi` on (Go reports a bad pattern even when
/// the name has already failed to match).
fn check_rest(p: &[char], mut pi: usize) -> Result<(), ()> {
    while pi < p.len() {
        if p.get(pi) == Some(&'*') {
            pi += 1;
            continue;
        }
        match match_one(p, pi, None)? {
            Some((_, next)) => pi = next,
            None => return Ok(()),
        }
    }
    Ok(())
}

/// Matches one pattern element at `pi` against `c` (None: syntax check only). Returns
/// whether it matched and the index after the element.
fn match_one(p: &[char], pi: usize, c: Option<char>) -> Result<Option<(bool, usize)>, ()> {
    match p.get(pi) {
        None => Ok(None),
        Some('?') => Ok(Some((c.is_some_and(|c| c != '/'), pi + 1))),
        Some('\\') => {
            let e = p.get(pi + 1).ok_or(())?;
            Ok(Some((c == Some(*e), pi + 2)))
        }
        Some('[') => {
            let mut i = pi + 1;
            let negated = p.get(i) == Some(&'^');
            if negated {
                i += 1;
            }
            let mut matched = false;
            let mut first = true;
            loop {
                match p.get(i) {
                    None => return Err(()),
                    Some(']') if !first => {
                        i += 1;
                        break;
                    }
                    _ => {}
                }
                first = false;
                let (lo, next) = class_char(p, i)?;
                i = next;
                let mut hi = lo;
                if p.get(i) == Some(&'-') {
                    let (h, next) = class_char(p, i + 1)?;
                    hi = h;
                    i = next;
                }
                if let Some(c) = c {
                    if lo <= c && c <= hi {
                        matched = true;
                    }
                }
            }
            let ok = c.is_some_and(|c| c != '/' && matched != negated);
            Ok(Some((ok, i)))
        }
        Some(&ch) => Ok(Some((c == Some(ch), pi + 1))),
    }
}

fn class_char(p: &[char], i: usize) -> Result<(char, usize), ()> {
    match p.get(i) {
        None | Some('-' | ']') => Err(()),
        Some('\\') => p.get(i + 1).map(|c| (*c, i + 2)).ok_or(()),
        Some(c) => Ok((*c, i + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_basics() {
        assert_eq!(go_match("*.txt", "a.txt"), Ok(true));
        assert_eq!(go_match("*.txt", "d/a.txt"), Ok(false));
        assert_eq!(go_match("templates/.?*", "templates/.x"), Ok(true));
        assert_eq!(go_match("templates/.?*", "templates/."), Ok(false));
        assert_eq!(go_match("a[b-d]c", "acc"), Ok(true));
        assert_eq!(go_match("a[^b-d]c", "acc"), Ok(false));
        assert_eq!(go_match("a\\*", "a*"), Ok(true));
        assert!(go_match("a[", "a").is_err());
        assert!(go_match("[]a]", "a").is_err() || go_match("[]a]", "a") == Ok(true));
    }

    #[test]
    fn helmignore_rules() {
        let r = Rules::parse(b"# c\n*.swp\n/secret.txt\ndocs/\ntemp?/x\n").unwrap_or_default();
        assert!(r.ignore("a/b.swp", false));
        assert!(r.ignore("secret.txt", false));
        assert!(!r.ignore("sub/secret.txt", false));
        assert!(r.ignore("docs", true));
        assert!(!r.ignore("docs", false));
        assert!(r.ignore("temp1/x", false));
        let files = vec![("docs/a.md".to_string(), ()), ("b.md".to_string(), ())];
        assert_eq!(r.filter(files).len(), 1);
        assert!(Rules::parse(b"a/**/b").is_err());
        let neg = Rules::parse(b"!keep.txt").unwrap_or_default();
        assert!(neg.ignore("other.txt", false));
        assert!(!neg.ignore("keep.txt", false));
    }
}
