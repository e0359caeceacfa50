//! Semantic versions: `semver` and `semverCompare`, a port of
//! `github.com/Masterminds/semver/v3` v3.3.0 (the version Helm 3.17.3 resolves).
//!
//! Constraints follow Masterminds' grammar, not Cargo's: `,` or spaces for AND, `||` for OR,
//! the operators `= != > < >= <= => =< ~ ~> ^`, hyphen ranges (`1.2 - 1.4.5`), `x`/`X`/`*`
//! wildcards, partial versions, an optional `v`, and the prerelease rule: a constraint
//! without a prerelease part never matches a prerelease version, which is why charts write
//! `semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion`. The parsing uses the
//! same regular expressions as the Go package (Go's `\s` spelled out as ASCII whitespace),
//! so partial matches and error messages agree.

use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::Value;
use regex::Regex;
use std::cmp::Ordering;
use std::rc::Rc;
use std::sync::OnceLock;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("semver", Sig::fixed(&[Ty::String]), semver),
    FuncDef::new(
        "semverCompare",
        Sig::fixed(&[Ty::String, Ty::String]),
        semver_compare,
    ),
];

/// Masterminds' `versionRegex` (read by hand in [`split_version`]; the tests check both agree).
#[cfg(test)]
const SEMVER_RE: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const CV_RE: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
/// Go's `\s` (ASCII whitespace; Rust's `\s` would also take Unicode spaces).
const WS: &str = r"[\t\n\f\r ]";

/// Masterminds' regular expressions, each compiled on first use (compiling them all costs
/// more than a typical render spends on versions).
struct Regexes {
    constraint: OnceLock<Option<Regex>>,
    range: OnceLock<Option<Regex>>,
    find: OnceLock<Option<Regex>>,
    valid: OnceLock<Option<Regex>>,
}

static REGEXES: Regexes = Regexes {
    constraint: OnceLock::new(),
    range: OnceLock::new(),
    find: OnceLock::new(),
    valid: OnceLock::new(),
};

impl Regexes {
    fn get(
        cell: &'static OnceLock<Option<Regex>>,
        pattern: impl FnOnce() -> String,
    ) -> Option<&'static Regex> {
        cell.get_or_init(|| Regex::new(&pattern()).ok()).as_ref()
    }

    fn constraint(&self) -> Option<&'static Regex> {
        Self::get(&REGEXES.constraint, || {
            format!("^{WS}*({OPS}){WS}*({CV_RE}){WS}*$")
        })
    }

    fn range(&self) -> Option<&'static Regex> {
        Self::get(&REGEXES.range, || {
            format!("{WS}*({CV_RE}){WS}+-{WS}+({CV_RE}){WS}*")
        })
    }

    fn find(&self) -> Option<&'static Regex> {
        Self::get(&REGEXES.find, || format!("({OPS}){WS}*({CV_RE})"))
    }

    fn valid(&self) -> Option<&'static Regex> {
        Self::get(&REGEXES.valid, || {
            format!(
                "^({WS}*({OPS}){WS}*({CV_RE}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV_RE}){WS}*)*$"
            )
        })
    }
}

/// A byte of `[0-9A-Za-z\-]`, the characters of prerelease and metadata identifiers.
fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// The length of the longest prefix of `b` matching `[0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*`
/// (0 when none).
fn ident_list_len(b: &[u8]) -> usize {
    let mut i = b.iter().take_while(|&&c| is_ident_byte(c)).count();
    if i == 0 {
        return 0;
    }
    while b.get(i) == Some(&b'.') {
        let n = b
            .get(i + 1..)
            .map_or(0, |r| r.iter().take_while(|&&c| is_ident_byte(c)).count());
        if n == 0 {
            break;
        }
        i += 1 + n;
    }
    i
}

/// The parts of a version-like text, as the groups of `SEMVER_RE` (`digit` matching the
/// number characters) or `CV_RE` give them: (major, `.minor`, `.patch`, `-prerelease`,
/// `+metadata`); `None` unless the whole text matches. The grammar
/// has a single way to match any text (each part starts with a distinct character that no
/// earlier part can take), so reading greedily gives the regular expression's groups.
fn split_version(v: &str, digit: fn(u8) -> bool) -> Option<[&str; 5]> {
    let b = v.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'v'));
    let run = |from: usize| {
        b.get(from..)
            .map_or(0, |r| r.iter().take_while(|&&c| digit(c)).count())
    };
    let n = run(i);
    if n == 0 {
        return None;
    }
    let major = v.get(i..i + n)?;
    i += n;
    let mut dotted = ["", ""];
    for part in &mut dotted {
        if b.get(i) != Some(&b'.') {
            break;
        }
        let n = run(i + 1);
        if n == 0 {
            break;
        }
        *part = v.get(i..i + 1 + n)?;
        i += 1 + n;
    }
    let mut tail = ["", ""];
    for (part, lead) in tail.iter_mut().zip([b'-', b'+']) {
        if b.get(i) != Some(&lead) {
            continue;
        }
        let n = ident_list_len(b.get(i + 1..).unwrap_or(&[]));
        if n == 0 {
            break;
        }
        *part = v.get(i..i + 1 + n)?;
        i += 1 + n;
    }
    (i == b.len()).then_some([major, dotted[0], dotted[1], tail[0], tail[1]])
}

/// A parsed version (`*semver.Version`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

const NUM: &str = "0123456789";
const ALLOWED: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

fn contains_only(s: &str, set: &str) -> bool {
    s.chars().all(|c| set.contains(c))
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if contains_only(part, NUM) {
            if part.len() > 1 && part.starts_with('0') {
                return Err("Version segment starts with 0".into());
            }
        } else if !contains_only(part, ALLOWED) {
            return Err("Invalid Prerelease string".into());
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), String> {
    if m.split('.').all(|p| contains_only(p, ALLOWED)) {
        Ok(())
    } else {
        Err("Invalid Metadata string".into())
    }
}

/// Go's `strconv.ParseUint(s, 10, 64)` inside `NewVersion`, with its error text.
fn parse_segment(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!(
            "Error parsing version segment: strconv.ParseUint: parsing {s:?}: value out of range"
        )
    })
}

impl Version {
    /// Masterminds' `NewVersion`: lenient (optional `v`, missing minor/patch are 0).
    ///
    /// # Errors
    ///
    /// Go's messages: `Invalid Semantic Version`, `Version segment starts with 0`…
    pub fn parse(v: &str) -> Result<Version, String> {
        let [major, minor, patch, pre, metadata] =
            split_version(v, |c| c.is_ascii_digit()).ok_or("Invalid Semantic Version")?;
        let major = parse_segment(major)?;
        let minor = match minor {
            "" => 0,
            m => parse_segment(m.trim_start_matches('.'))?,
        };
        let patch = match patch {
            "" => 0,
            p => parse_segment(p.trim_start_matches('.'))?,
        };
        let version = Version {
            major,
            minor,
            patch,
            pre: pre.get(1..).unwrap_or("").to_string(),
            metadata: metadata.get(1..).unwrap_or("").to_string(),
            original: v.to_string(),
        };
        if !version.pre.is_empty() {
            validate_prerelease(&version.pre)?;
        }
        if !version.metadata.is_empty() {
            validate_metadata(&version.metadata)?;
        }
        Ok(version)
    }

    /// The major version.
    #[must_use]
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor version.
    #[must_use]
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// `major.minor.patch[-pre][+metadata]`.
    #[must_use]
    pub fn to_go_string(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.metadata.is_empty() {
            s.push('+');
            s.push_str(&self.metadata);
        }
        s
    }

    /// Precedence as in semver 2.0 (metadata ignored).
    #[must_use]
    pub fn compare(&self, o: &Version) -> Ordering {
        self.major
            .cmp(&o.major)
            .then(self.minor.cmp(&o.minor))
            .then(self.patch.cmp(&o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }

    fn v_prefix(&self) -> &'static str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    fn with_original(mut self, prefix: &str) -> Version {
        self.original = format!("{prefix}{}", self.to_go_string());
        self
    }

    fn inc_patch(&self) -> Version {
        let mut next = self.clone();
        next.metadata.clear();
        if self.pre.is_empty() {
            next.patch = self.patch.wrapping_add(1);
        }
        next.pre.clear();
        next.with_original(self.v_prefix())
    }

    fn inc_minor(&self) -> Version {
        let mut next = self.clone();
        next.metadata.clear();
        next.pre.clear();
        next.patch = 0;
        next.minor = self.minor.wrapping_add(1);
        next.with_original(self.v_prefix())
    }

    fn inc_major(&self) -> Version {
        let mut next = self.clone();
        next.metadata.clear();
        next.pre.clear();
        next.patch = 0;
        next.minor = 0;
        next.major = self.major.wrapping_add(1);
        next.with_original(self.v_prefix())
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let (ap, bp): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..ap.len().max(bp.len()) {
        let d = compare_pre_part(
            ap.get(i).copied().unwrap_or(""),
            bp.get(i).copied().unwrap_or(""),
        );
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(si), Ok(oi)) => {
            if si > oi {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug)]
struct Constraint {
    con: Version,
    op: Op,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(c: &str, re: &Regexes) -> Result<Constraint, String> {
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::parse("0.0.0")?,
            op: Op::TildeOrEqual,
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let caps = re
        .constraint()
        .ok_or("constraint Parser Error")?
        .captures(c)
        .ok_or_else(|| format!("improper constraint: {c}"))?;
    let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
    build_constraint(group(1), group(2), [group(3), group(4), group(5), group(6)])
}

/// The operators of `OPS`.
const OPERATORS: [&str; 11] = ["=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"];

/// A single constraint `OP WS* VERSION` (what charts write: `>=1.19-0`, `>= 1.21.0-0`,
/// `^1.2.3`, `2.x.x`) read without the regular expressions: the operator (maximal, as the
/// operator characters cannot start a version), optional ASCII spaces, then a version-like
/// text matching `CV_RE` to the end. `None` for anything else (several constraints, hyphen
/// ranges, `||`, surrounding spaces), which the regular expressions handle. For the texts
/// it accepts, `rewrite_range` changes nothing, the `valid` expression matches, `find`
/// matches the whole text once, and the `constraint` expression's groups are the ones
/// returned here.
fn simple_constraint(c: &str) -> Option<Result<Constraint, String>> {
    let op_len = c
        .bytes()
        .take_while(|b| matches!(b, b'=' | b'!' | b'>' | b'<' | b'~' | b'^'))
        .count();
    let op = c.get(..op_len)?;
    if !op.is_empty() && !OPERATORS.contains(&op) {
        return None;
    }
    let rest = c.get(op_len..)?;
    let cv = rest.trim_start_matches(['\t', '\n', '\x0C', '\r', ' ']);
    let [major, minor, patch, pre, _] = split_version(cv, |b| {
        b.is_ascii_digit() || matches!(b, b'x' | b'X' | b'*')
    })?;
    Some(build_constraint(op, cv, [major, minor, patch, pre]))
}

/// Masterminds' `parseConstraint` from the groups of its constraint expression: the
/// operator, the version text, and its major, `.minor`, `.patch` and `-prerelease` parts.
fn build_constraint(op: &str, whole: &str, parts: [&str; 4]) -> Result<Constraint, String> {
    let op = match op {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    let [major, minor, patch, pre] = parts;
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let ver = if is_x(major) || major.is_empty() {
        dirty = true;
        format!("0.0.0{pre}")
    } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
        dirty = true;
        minor_dirty = true;
        format!("{major}.0.0{pre}")
    } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{major}{minor}.0{pre}")
    } else {
        whole.to_string()
    };
    let con = Version::parse(&ver).map_err(|_| "constraint Parser Error".to_string())?;
    Ok(Constraint {
        con,
        op,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

impl Constraint {
    /// Whether `v` satisfies the constraint (Masterminds' `constraint.check`, without the
    /// explanatory errors, which `Check` drops).
    fn check(&self, v: &Version) -> bool {
        let c = &self.con;
        let pre_blocked = !v.pre.is_empty() && c.pre.is_empty();
        match self.op {
            Op::NotEqual => {
                if self.dirty {
                    if pre_blocked {
                        return false;
                    }
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            Op::Greater => {
                if pre_blocked {
                    return false;
                }
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major > c.major {
                    return true;
                } else if v.major < c.major || self.minor_dirty {
                    return false;
                } else if self.patch_dirty {
                    return v.minor > c.minor;
                }
                v.compare(c) == Ordering::Greater
            }
            Op::Less => !pre_blocked && v.compare(c) == Ordering::Less,
            Op::GreaterEqual => !pre_blocked && v.compare(c) != Ordering::Less,
            Op::LessEqual => {
                if pre_blocked {
                    return false;
                }
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                if v.major > c.major {
                    return false;
                }
                !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            Op::Tilde => !pre_blocked && self.tilde(v),
            Op::TildeOrEqual => {
                if pre_blocked {
                    return false;
                }
                if self.dirty {
                    return self.tilde(v);
                }
                v.compare(c) == Ordering::Equal
            }
            Op::Caret => !pre_blocked && self.caret(v),
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }
}

/// A parsed constraint: OR of ANDs.
#[derive(Debug)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
}

impl Constraints {
    /// Masterminds' `NewConstraint`.
    ///
    /// # Errors
    ///
    /// `improper constraint: …` or `constraint Parser Error`, as Go reports them.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        if let Some(one) = simple_constraint(c) {
            return Ok(Constraints {
                groups: vec![vec![one?]],
            });
        }
        Self::parse_general(c)
    }

    /// [`Constraints::parse`] with Masterminds' regular expressions, for every text.
    fn parse_general(c: &str) -> Result<Constraints, String> {
        let re = &REGEXES;
        let c = rewrite_range(c, re)?;
        let (valid, find) = match (re.valid(), re.find()) {
            (Some(valid), Some(find)) => (valid, find),
            _ => return Err("constraint Parser Error".into()),
        };
        let mut groups = Vec::new();
        for part in c.split("||") {
            if !valid.is_match(part) {
                return Err(format!("improper constraint: {part}"));
            }
            let found: Vec<&str> = find.find_iter(part).map(|m| m.as_str()).collect();
            let found = if found.is_empty() { vec![part] } else { found };
            let group = found
                .into_iter()
                .map(|s| parse_constraint(s, re))
                .collect::<Result<Vec<_>, _>>()?;
            groups.push(group);
        }
        Ok(Constraints { groups })
    }

    /// Whether `v` satisfies any OR group.
    #[must_use]
    pub fn check(&self, v: &Version) -> bool {
        self.groups.iter().any(|g| g.iter().all(|c| c.check(v)))
    }
}

/// Rewrites hyphen ranges `a - b` to `>= a, <= b `.
fn rewrite_range(input: &str, re: &Regexes) -> Result<String, String> {
    let mut out = input.to_string();
    let range = re.range().ok_or("constraint Parser Error")?;
    for caps in range.captures_iter(input) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let from = caps.get(1).map_or("", |m| m.as_str());
        let to = caps.get(11).map_or("", |m| m.as_str());
        out = out.replacen(whole, &format!(">= {from}, <= {to} "), 1);
    }
    Ok(out)
}

fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

fn semver(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let v = Version::parse(str_arg(&args, 0))?;
    Ok(Value::Object(Rc::new(SemverObject { v, pointer: true })))
}

fn semver_compare(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let c = Constraints::parse(str_arg(&args, 0))?;
    let v = Version::parse(str_arg(&args, 1))?;
    Ok(Value::Bool(c.check(&v)))
}

/// A version as a template sees it: `*semver.Version` from `semver`, or the
/// `semver.Version` value that `IncPatch`/`IncMinor`/`IncMajor` return (which lacks the
/// pointer methods `Original`, `Compare`, `LessThan`…). Numbers are `uint64` in Go; here
/// they are `int64` values, which print the same.
#[derive(Debug)]
pub struct SemverObject {
    /// The version.
    pub v: Version,
    /// Whether this is the pointer type.
    pub pointer: bool,
}

static VERSION_ARG: Sig = Sig::fixed(&[Ty::Any]);
static STRING_ARG: Sig = Sig::fixed(&[Ty::String]);

impl SemverObject {
    fn value(v: Version) -> Value {
        Value::Object(Rc::new(SemverObject { v, pointer: false }))
    }
}

impl crate::value::Object for SemverObject {
    fn type_name(&self) -> String {
        if self.pointer {
            "*semver.Version".into()
        } else {
            "semver.Version".into()
        }
    }

    fn kind(&self) -> &'static str {
        if self.pointer {
            "ptr"
        } else {
            "struct"
        }
    }

    fn field(&self, name: &str) -> Option<Value> {
        let v = &self.v;
        let num = |n: u64| Value::Int64(i64::try_from(n).unwrap_or(i64::MAX));
        Some(match name {
            "Major" => num(v.major),
            "Minor" => num(v.minor),
            "Patch" => num(v.patch),
            "Prerelease" => Value::str(v.pre.as_str()),
            "Metadata" => Value::str(v.metadata.as_str()),
            "String" => Value::str(v.to_go_string()),
            "Original" if self.pointer => Value::str(v.original.as_str()),
            "IncPatch" => SemverObject::value(v.inc_patch()),
            "IncMinor" => SemverObject::value(v.inc_minor()),
            "IncMajor" => SemverObject::value(v.inc_major()),
            _ => return None,
        })
    }

    fn method(&self, name: &str) -> Option<&'static Sig> {
        match name {
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal"
                if self.pointer =>
            {
                Some(&VERSION_ARG)
            }
            "SetPrerelease" | "SetMetadata" => Some(&STRING_ARG),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, String> {
        if let "SetPrerelease" | "SetMetadata" = name {
            let s = str_arg(&args, 0);
            let mut next = self.v.clone();
            if name == "SetPrerelease" {
                if !s.is_empty() {
                    validate_prerelease(s)?;
                }
                next.pre = s.to_string();
            } else {
                if !s.is_empty() {
                    validate_metadata(s)?;
                }
                next.metadata = s.to_string();
            }
            return Ok(SemverObject::value(next.with_original(self.v.v_prefix())));
        }
        let other = match args.first() {
            Some(Value::Object(o)) => o
                .as_any()
                .downcast_ref::<SemverObject>()
                .filter(|o| o.pointer)
                .map(|o| o.v.clone()),
            _ => None,
        };
        let Some(other) = other else {
            let got = args.first().map_or("<nil>".into(), Value::type_name);
            return Err(format!(
                "wrong type for value; expected *semver.Version; got {got}"
            ));
        };
        let ord = self.v.compare(&other);
        Ok(match name {
            "Compare" => Value::Int(match ord {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
            "LessThan" => Value::Bool(ord == Ordering::Less),
            "LessThanEqual" => Value::Bool(ord != Ordering::Greater),
            "GreaterThan" => Value::Bool(ord == Ordering::Greater),
            "GreaterThanEqual" => Value::Bool(ord != Ordering::Less),
            "Equal" => Value::Bool(ord == Ordering::Equal),
            _ => return Err(format!("can't call method/function {name:?}")),
        })
    }

    fn format(&self) -> String {
        self.v.to_go_string()
    }

    fn to_data(&self) -> Value {
        Value::str(self.v.to_go_string())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str, v: &str) -> Result<bool, String> {
        let c = Constraints::parse(c)?;
        let v = Version::parse(v)?;
        Ok(c.check(&v))
    }

    /// Every `semverCompare` case of tests/helm-cases/sprig-b.json, with Helm 3.17.3's answer.
    #[test]
    fn constraints_match_go() {
        let cases: &[(&str, &str, bool)] = &[
            (">=1.19-0", "v1.20.0", true),
            (">=1.19-0", "1.19.0-rc.1", true),
            (">=1.19-0", "1.18.9", false),
            (">=1.19", "1.19.0-rc.1", false),
            (">=1.19-0", "v1.31.4-gke.1000", true),
            (">= 1.19-0", "1.20.0", true),
            (">=1.14.0-0", "v1.20.0", true),
            ("<9.9.9-9", "1.20.0", true),
            ("<1.25-0", "1.24.9", true),
            ("<1.25-0", "1.25.0-alpha", false),
            ("<1.25", "1.25.0-alpha", false),
            ("<1.25", "1.24.0-alpha", false),
            ("^1.2.3", "1.8.0", true),
            ("^1.2.3", "2.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0", "0.5.0", true),
            ("^0.0", "0.0.5", true),
            ("^0.0", "0.1.0", false),
            ("^1.x", "1.9.9", true),
            ("^0.x", "0.9.0", true),
            ("^0.x", "1.0.0", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1", "1.9.0", true),
            ("~1", "2.0.0", false),
            ("~1.2", "1.2.7", true),
            ("~1.2", "1.3.0", false),
            ("~0", "0.9.9", true),
            ("~>1.2", "1.2.5", true),
            ("1.2.3", "1.2.3", true),
            ("=1.2.3", "1.2.4", false),
            ("1.2", "1.2.9", true),
            ("1.2", "1.3.0", false),
            ("1", "1.9.9", true),
            ("1.x", "1.5.0", true),
            ("1.2.x", "1.2.8", true),
            ("1.2.x", "1.3.0", false),
            ("*", "1.2.3", true),
            ("*", "1.2.3-alpha", false),
            ("x", "0.0.0", true),
            ("1.2.*", "1.2.0", true),
            ("1.X", "1.0.0", true),
            ("!=1.2.3", "1.2.3", false),
            ("!=1.2.3", "1.2.4", true),
            ("!=1.2", "1.2.9", false),
            ("!=1.2", "1.3.0", true),
            ("!=1.2.x", "1.2.0", false),
            ("!=1", "1.2.0", false),
            ("!=1", "2.0.0", true),
            ("!=1.2.3", "1.2.3-beta", true),
            (">1.2", "1.2.5", false),
            (">1.2", "1.3.0", true),
            (">1", "1.9.9", false),
            (">1", "2.0.0", true),
            (">1.2.3", "1.2.4", true),
            (">1.2.3", "1.2.3", false),
            (">1.x", "2.0.0", true),
            (">1.2.x", "1.3.0", true),
            ("<=1.2", "1.2.9", true),
            ("<=1.2", "1.3.0", false),
            ("<=1", "1.9.9", true),
            ("<=1", "2.0.0", false),
            ("<=1.2.3", "1.2.3", true),
            ("<=1.2.3", "1.2.4", false),
            ("=<1.2.3", "1.2.3", true),
            ("=>1.2.3", "1.2.3", true),
            (">= 1.2, < 1.4", "1.3.0", true),
            (">= 1.2, < 1.4", "1.4.0", false),
            (">= 1.2 < 1.4", "1.3.0", true),
            (">=1.2,<1.4", "1.3.0", true),
            (">=1.2 <1.4 || >=2.0", "2.1.0", true),
            (">=1.2 <1.4 || >=2.0", "1.5.0", false),
            ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false),
            ("1.2.3 - 1.4", "1.4.9", true),
            ("1.2.3 - 1.4", "1.5.0", false),
            ("1.2.3 - 1.4", "1.2.2", false),
            ("1 - 2", "2.5.0", true),
            (">=1.0.0-alpha", "1.0.0-beta", true),
            (">=1.0.0-beta", "1.0.0-alpha", false),
            (">=1.0.0-alpha.2", "1.0.0-alpha.10", true),
            (">1.0.0-alpha", "1.0.0", true),
            ("<1.0.0-rc.1", "1.0.0-beta.11", true),
            (">=1.0.0-0", "1.0.0-0", true),
            (">=1.19.0-0", "1.19.0", true),
            (">= 1.19.0-0", "v1.19.4+k3s1", true),
            ("1.2.3+meta", "1.2.3", true),
            (">=v1.2.3", "1.2.4", true),
            ("=v1.2", "v1.2.7", true),
            ("~1.2.3-beta", "1.2.3-beta.2", true),
            ("~1.2.3-beta", "1.2.4-beta", true),
            ("^1.2.3-beta", "1.3.0-alpha", true),
            ("^1.2.3-beta", "1.2.3", true),
            ("  >= 1.19-0  ", "1.20.0", true),
            (">=1.19-0||<1.0", "0.5.0", true),
            (">=1.19-0 || <1.0", "0.5.0", true),
        ];
        for (c, v, want) in cases {
            assert_eq!(check(c, v), Ok(*want), "{c} {v}");
        }
    }

    #[test]
    fn errors_match_go() {
        let cases: &[(&str, &str, &str)] = &[
            ("", "1.2.3", "improper constraint: "),
            ("foo", "1.2.3", "improper constraint: foo"),
            (">=1.2", "foo", "Invalid Semantic Version"),
            (">=1.2", "", "Invalid Semantic Version"),
            (">=1.2", "1.2.3-01", "Version segment starts with 0"),
            (">=1.2", "1.2.3+a_b", "Invalid Semantic Version"),
            (">=a.b", "1.2.3", "improper constraint: >=a.b"),
            (">=1.2.3-01", "1.2.3", "constraint Parser Error"),
            ("1.2.3.4", "1.2.3", "improper constraint: 1.2.3.4"),
            (">=1.2 ||", "1.2.3", "improper constraint: "),
            (">=1.2, ,<2", "1.5.0", "improper constraint: >=1.2, ,<2"),
            (
                ">=1.2",
                "99999999999999999999.0.0",
                "Error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
            ),
            (">=99999999999999999999", "1.0.0", "constraint Parser Error"),
            (">=1.2", " 1.2.3", "Invalid Semantic Version"),
            ("~>=1.2", "1.2.3", "improper constraint: ~>=1.2"),
        ];
        for (c, v, want) in cases {
            assert_eq!(check(c, v).err().as_deref(), Some(*want), "{c} {v}");
        }
        assert_eq!(check(">=1.2", "01.2.3"), Ok(true));
    }

    #[test]
    fn version_object() {
        use crate::value::Object as _;
        let v = Version::parse("v1.2.3-beta.1+build.5").map(|v| SemverObject { v, pointer: true });
        let Ok(obj) = v else {
            unreachable!("valid version")
        };
        let field = |n: &str| obj.field(n).map(|v| v.to_go_string()).unwrap_or_default();
        assert_eq!(field("Major"), "1");
        assert_eq!(field("Prerelease"), "beta.1");
        assert_eq!(field("Metadata"), "build.5");
        assert_eq!(field("Original"), "v1.2.3-beta.1+build.5");
        assert_eq!(obj.format(), "1.2.3-beta.1+build.5");
        assert_eq!(field("IncPatch"), "1.2.3");
        assert_eq!(field("IncMajor"), "2.0.0");
        let other = Value::Object(Rc::new(SemverObject {
            v: Version::parse("1.2.3").unwrap_or_else(|_| unreachable!()),
            pointer: true,
        }));
        let cmp = obj.call("Compare", vec![other]).map(|v| v.to_go_string());
        assert_eq!(cmp.as_deref(), Ok("-1"));
        let ord = |a: &str, b: &str| {
            let (a, b) = (Version::parse(a), Version::parse(b));
            match (a, b) {
                (Ok(a), Ok(b)) => Some(a.compare(&b)),
                _ => None,
            }
        };
        assert_eq!(ord("1.0.0-alpha", "1.0.0-alpha.1"), Some(Ordering::Less));
        assert_eq!(
            ord("1.0.0-beta.11", "1.0.0-beta.2"),
            Some(Ordering::Greater)
        );
        assert_eq!(ord("1.0.0-rc.1", "1.0.0-rc.1+x"), Some(Ordering::Equal));
        assert_eq!(ord("1.0.0-1", "1.0.0-a"), Some(Ordering::Less));
    }

    /// Texts over the characters the grammars care about, from a fixed pseudo-random
    /// sequence, plus the forms charts write.
    fn grammar_texts() -> Vec<String> {
        const WIDE: &[u8] = b"v10.9-+ax*X|>=<~^!, \t";
        const NARROW: &[u8] = b"v10.-+ax>=";
        let mut texts: Vec<String> = [
            ">=1.19-0",
            "<1.25-0",
            ">= 1.21.0-0",
            "^1.2.3",
            "~1.2",
            "2.x.x",
            "*",
            "v1.2.3",
            "1.2.3-alpha.1+build.5",
            "=>1.0",
            "=<2",
            "~>1.2.3",
            "!=1.0.0",
            "<v3.7.0-rc.1",
            "1.2.3-",
            "1.2.3+",
            "1.2.3-a..b",
            "1.2.3.4",
            "v",
            "",
            "1.2.3-01",
            "01.2.3",
            ">=\t1.2",
            "1|2",
            "1.2 - 1.4",
            ">=1.2,<2",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for round in 0..12000 {
            let alphabet = if round % 2 == 0 { WIDE } else { NARROW };
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let len = (state >> 60) as usize;
            let mut t = String::new();
            for _ in 0..len {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                t.push(char::from(
                    alphabet[(state >> 33) as usize % alphabet.len()],
                ));
            }
            texts.push(t);
        }
        texts
    }

    /// The hand-written version reader gives the groups of Masterminds' expression.
    #[test]
    fn version_reader_agrees_with_the_expression() {
        let Ok(re) = Regex::new(&format!("^{SEMVER_RE}$")) else {
            unreachable!("the expression compiles")
        };
        let mut matched = 0;
        for t in grammar_texts() {
            let by_re = re.captures(&t).map(|c| {
                let g = |i: usize| c.get(i).map_or("", |m| m.as_str()).to_string();
                [g(1), g(2), g(3), g(5), g(8)]
            });
            let by_hand = split_version(&t, |c| c.is_ascii_digit()).map(|p| {
                [
                    p[0].to_string(),
                    p[1].to_string(),
                    p[2].to_string(),
                    p[3].get(1..).unwrap_or("").to_string(),
                    p[4].get(1..).unwrap_or("").to_string(),
                ]
            });
            matched += usize::from(by_re.is_some());
            assert_eq!(by_hand, by_re, "{t:?}");
        }
        assert!(matched > 200, "{matched}");
    }

    /// Single constraints read without the expressions parse as with them.
    #[test]
    fn simple_constraints_agree_with_the_expressions() {
        let mut simple = 0;
        for t in grammar_texts() {
            let Some(fast) = simple_constraint(&t) else {
                continue;
            };
            simple += 1;
            let general = Constraints::parse_general(&t).map(|c| format!("{c:?}"));
            let fast = fast.map(|c| {
                format!(
                    "{:?}",
                    Constraints {
                        groups: vec![vec![c]]
                    }
                )
            });
            assert_eq!(fast, general, "{t:?}");
        }
        assert!(simple > 100, "{simple}");
    }
}
