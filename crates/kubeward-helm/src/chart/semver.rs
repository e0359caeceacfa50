//! The part of Masterminds/semver v3.3 that chart loading needs: parsing versions
//! (`NewVersion`) and checking constraints (`NewConstraint(...).Check`), used for the chart
//! `version` field, dependency version ranges and the `kubeVersion` constraint.
//!
//! The template functions `semver`/`semverCompare` live in `crate::funcs::semver`; this
//! module is the chart layer's own minimal copy of the same rules so that loading does not
//! depend on the function table.

use std::cmp::Ordering;
use std::sync::OnceLock;

use regex::Regex;

/// A parsed version (`v?MAJOR[.MINOR[.PATCH]][-PRE][+META]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    pub(crate) major: u64,
    pub(crate) minor: u64,
    pub(crate) patch: u64,
    pub(crate) pre: String,
    pub(crate) metadata: String,
}

const SEMVER: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

struct Regexes {
    version: Regex,
    constraint: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

fn regexes() -> Option<&'static Regexes> {
    static R: OnceLock<Option<Regexes>> = OnceLock::new();
    R.get_or_init(|| {
        Some(Regexes {
            version: Regex::new(&format!("^{SEMVER}$")).ok()?,
            constraint: Regex::new(&format!(r"^\s*({OPS})\s*({CV})\s*$")).ok()?,
            range: Regex::new(&format!(r"\s*({CV})\s+-\s+({CV})\s*")).ok()?,
            find: Regex::new(&format!(r"({OPS})\s*({CV})")).ok()?,
            valid: Regex::new(&format!(
                r"^(\s*({OPS})\s*({CV})\s*)((?:\s+|,\s*)({OPS})\s*({CV})\s*)*$"
            ))
            .ok()?,
        })
    })
    .as_ref()
}

impl Version {
    /// Masterminds' `NewVersion` (lenient: `v` prefix, missing minor/patch).
    pub(crate) fn parse(v: &str) -> Result<Version, String> {
        let re = regexes().ok_or_else(|| "Invalid Semantic Version".to_string())?;
        let m = re
            .version
            .captures(v)
            .ok_or_else(|| "Invalid Semantic Version".to_string())?;
        let seg = |i: usize| -> Result<u64, String> {
            match m.get(i) {
                None => Ok(0),
                Some(s) => s.as_str().trim_start_matches('.').parse::<u64>().map_err(|_| {
                    format!(
                        "Error parsing version segment: strconv.ParseUint: parsing {:?}: value out of range",
                        s.as_str().trim_start_matches('.')
                    )
                }),
            }
        };
        let pre = m.get(5).map_or("", |s| s.as_str()).to_string();
        for part in pre.split('.') {
            if !pre.is_empty()
                && part.len() > 1
                && part.starts_with('0')
                && part.bytes().all(|b| b.is_ascii_digit())
            {
                return Err("Version segment starts with 0".into());
            }
        }
        Ok(Version {
            major: seg(1)?,
            minor: seg(2)?,
            patch: seg(3)?,
            pre,
            metadata: m.get(8).map_or("", |s| s.as_str()).to_string(),
        })
    }

    fn compare(&self, o: &Version) -> Ordering {
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
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let ap: Vec<&str> = a.split('.').collect();
    let bp: Vec<&str> = b.split('.').collect();
    for i in 0..ap.len().max(bp.len()) {
        let s = ap.get(i).copied().unwrap_or("");
        let o = bp.get(i).copied().unwrap_or("");
        let d = compare_pre_part(s, o);
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

struct Constraint {
    op: String,
    con: Version,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(re: &Regexes, c: &str) -> Option<Constraint> {
    let m = re.constraint.captures(c)?;
    let g = |i: usize| m.get(i).map_or("", |s| s.as_str());
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_string()
    };
    Some(Constraint {
        op: g(1).to_string(),
        con: Version::parse(&ver).ok()?,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

/// Masterminds' `NewConstraint(c).Check(v)`; an unparsable constraint or version is not
/// compatible (Helm's `chartutil.IsCompatibleRange`).
pub(crate) fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Ok(v) = Version::parse(version) else {
        return false;
    };
    let Some(re) = regexes() else {
        return false;
    };
    let mut rewritten = constraint.to_string();
    for m in re.range.captures_iter(constraint) {
        let whole = m.get(0).map_or("", |s| s.as_str());
        let from = m.get(1).map_or("", |s| s.as_str());
        let to = m.get(11).map_or("", |s| s.as_str());
        rewritten = rewritten.replacen(whole, &format!(">= {from}, <= {to} "), 1);
    }
    let mut groups = Vec::new();
    for or in rewritten.split("||") {
        if !re.valid.is_match(or) {
            return false;
        }
        let found: Vec<&str> = re.find.find_iter(or).map(|m| m.as_str()).collect();
        let parts = if found.is_empty() { vec![or] } else { found };
        let mut cs = Vec::new();
        for p in parts {
            match parse_constraint(re, p) {
                Some(c) => cs.push(c),
                None => return false,
            }
        }
        groups.push(cs);
    }
    groups.iter().any(|g| g.iter().all(|c| check(c, &v)))
}

fn check(c: &Constraint, v: &Version) -> bool {
    let pre_blocked = !v.pre.is_empty() && c.con.pre.is_empty();
    let con = &c.con;
    match c.op.as_str() {
        "" | "=" => {
            if pre_blocked {
                return false;
            }
            if c.dirty {
                return tilde(c, v);
            }
            v.compare(con) == Ordering::Equal
        }
        "!=" => {
            if c.dirty {
                if pre_blocked {
                    return false;
                }
                if con.major != v.major {
                    return true;
                }
                if con.minor != v.minor && !c.minor_dirty {
                    return true;
                } else if c.minor_dirty {
                    return false;
                } else if con.patch != v.patch && !c.patch_dirty {
                    return true;
                } else if c.patch_dirty {
                    if !v.pre.is_empty() || !con.pre.is_empty() {
                        return compare_prerelease(&v.pre, &con.pre) != Ordering::Equal;
                    }
                    return false;
                }
            }
            v.compare(con) != Ordering::Equal
        }
        ">" => {
            if pre_blocked {
                return false;
            }
            if !c.dirty {
                return v.compare(con) == Ordering::Greater;
            }
            if v.major > con.major {
                true
            } else if v.major < con.major || c.minor_dirty {
                false
            } else if c.patch_dirty {
                v.minor > con.minor
            } else {
                v.compare(con) == Ordering::Greater
            }
        }
        "<" => !pre_blocked && v.compare(con) == Ordering::Less,
        ">=" | "=>" => !pre_blocked && v.compare(con) != Ordering::Less,
        "<=" | "=<" => {
            if pre_blocked {
                return false;
            }
            if !c.dirty {
                return v.compare(con) != Ordering::Greater;
            }
            !(v.major > con.major
                || (v.major == con.major && v.minor > con.minor && !c.minor_dirty))
        }
        "~" | "~>" => !pre_blocked && tilde(c, v),
        "^" => {
            if pre_blocked || v.compare(con) == Ordering::Less {
                return false;
            }
            if con.major > 0 || c.minor_dirty {
                return v.major == con.major;
            }
            if v.major > 0 {
                return false;
            }
            if con.minor > 0 || c.patch_dirty {
                return v.minor == con.minor;
            }
            if v.minor > 0 {
                return false;
            }
            con.patch == v.patch
        }
        _ => false,
    }
}

fn tilde(c: &Constraint, v: &Version) -> bool {
    let con = &c.con;
    if (!v.pre.is_empty() && con.pre.is_empty()) || v.compare(con) == Ordering::Less {
        return false;
    }
    if con.major == 0 && con.minor == 0 && con.patch == 0 && !c.minor_dirty && !c.patch_dirty {
        return true;
    }
    if v.major != con.major {
        return false;
    }
    v.minor == con.minor || c.minor_dirty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_leniently() {
        assert_eq!(
            Version::parse("v1.28").map(|v| v.to_string()),
            Ok("1.28.0".into())
        );
        assert_eq!(
            Version::parse("1.2.3-rc.1+b").map(|v| v.to_string()),
            Ok("1.2.3-rc.1+b".into())
        );
        assert!(Version::parse("1.2.3.4").is_err());
        assert!(Version::parse("1.2.3-01").is_err());
        assert!(Version::parse("").is_err());
    }

    #[test]
    fn constraints_follow_masterminds() {
        let cases = [
            (">= 1.20.0", "v1.32.0", true),
            (">=1.20.0-0", "v1.32.0", true),
            ("<1.19", "v1.32.0", false),
            (">= 1.20.0", "v1.32.0-rc.1", false),
            (">= 1.20.0-0", "v1.32.0-rc.1", true),
            ("^1.2.0", "1.9.9", true),
            ("^1.2.0", "2.0.0", false),
            ("~1.2.0", "1.2.9", true),
            ("~1.2.0", "1.3.0", false),
            ("1.2.x", "1.2.7", true),
            ("1.x", "2.0.0", false),
            ("*", "3.0.0", true),
            ("1.1 - 1.3", "1.2.0", true),
            ("1.1 - 1.3", "1.4.0", false),
            (">1.0 <2.0 || >3", "4.1.0", true),
            (">3", "3.1.0", false),
            (">1.0, <2.0", "2.1.0", false),
            ("!=1.2.3", "1.2.3", false),
            ("garbage", "1.2.3", false),
            ("", "1.2.3", false),
        ];
        for (c, v, want) in cases {
            assert_eq!(is_compatible_range(c, v), want, "{c} {v}");
        }
    }
}
