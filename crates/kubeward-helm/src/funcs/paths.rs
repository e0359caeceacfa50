//! Paths and URLs: base, dir, clean, ext, isAbs, their `os*` twins (Go's `path/filepath` on
//! Linux behaves as `path`), urlParse and urlJoin (Go's `net/url`).

use super::strings::{arg, arg_str, go_quote};
use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::Value;
use std::collections::BTreeMap;

const S: Ty = Ty::String;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("base", Sig::fixed(&[S]), base),
    FuncDef::new("dir", Sig::fixed(&[S]), dir),
    FuncDef::new("clean", Sig::fixed(&[S]), clean),
    FuncDef::new("ext", Sig::fixed(&[S]), ext),
    FuncDef::new("isAbs", Sig::fixed(&[S]), is_abs),
    FuncDef::new("osBase", Sig::fixed(&[S]), base),
    FuncDef::new("osClean", Sig::fixed(&[S]), clean),
    FuncDef::new("osDir", Sig::fixed(&[S]), dir),
    FuncDef::new("osExt", Sig::fixed(&[S]), ext),
    FuncDef::new("osIsAbs", Sig::fixed(&[S]), is_abs),
    FuncDef::new("urlParse", Sig::fixed(&[S]), url_parse),
    FuncDef::new("urlJoin", Sig::fixed(&[Ty::Map]), url_join),
];

/// Go's `path.Clean`: the shortest lexically equivalent path.
#[must_use]
pub fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Go's `path.Base`.
#[must_use]
pub fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `path.Dir`.
#[must_use]
pub fn path_dir(p: &str) -> String {
    let dir = p.rfind('/').map_or("", |i| p.get(..=i).unwrap_or(""));
    path_clean(dir)
}

/// Go's `path.Ext`.
#[must_use]
pub fn path_ext(p: &str) -> &str {
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => return "",
            '.' => return p.get(i..).unwrap_or(""),
            _ => {}
        }
    }
    ""
}

fn base(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(path_base(arg_str(&args, 0))))
}

fn dir(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(path_dir(arg_str(&args, 0))))
}

fn clean(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(path_clean(arg_str(&args, 0))))
}

fn ext(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(path_ext(arg_str(&args, 0))))
}

fn is_abs(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(&args, 0).starts_with('/')))
}

// ---------------------------------------------------------------------------------------
// net/url

/// The escaping contexts of `net/url` used here.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    UserPassword,
    Host,
    Zone,
    Fragment,
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::Fragment => return false,
            Mode::Host | Mode::Zone => {}
        },
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

/// Go's `escape` (no query modes needed here).
fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(char::from(c));
        }
    }
    out
}

/// Go's `unescape`; errors are the texts of `EscapeError` and `InvalidHostError`.
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    let hexval = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    while let Some(&c) = b.get(i) {
        match c {
            b'%' => {
                let (h, l) = (b.get(i + 1).copied(), b.get(i + 2).copied());
                let (Some(hv), Some(lv)) = (h.and_then(hexval), l.and_then(hexval)) else {
                    let frag: String = s.get(i..).unwrap_or("").chars().take(3).collect();
                    return Err(format!("invalid URL escape {}", go_quote(&frag)));
                };
                let seq = s.get(i..i + 3).unwrap_or("");
                if mode == Mode::Host && hv < 8 && seq != "%25" {
                    return Err(format!("invalid URL escape {}", go_quote(seq)));
                }
                let v = hv << 4 | lv;
                if mode == Mode::Zone && seq != "%25" && v != b' ' && should_escape(v, Mode::Host) {
                    return Err(format!("invalid URL escape {}", go_quote(seq)));
                }
                out.push(v);
                i += 3;
            }
            _ => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        go_quote(&char::from(c).to_string())
                    ));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(super::strings::string_from_go_bytes(&out))
}

/// The parts of a URL that Sprig reads or builds.
#[derive(Default, Debug)]
struct Url {
    scheme: String,
    opaque: String,
    /// `(username, password)`.
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_path: String,
    omit_host: bool,
    force_query: bool,
    raw_query: String,
    fragment: String,
    raw_fragment: String,
}

/// Go's `validOptionalPort`.
fn valid_optional_port(port: &str) -> bool {
    port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Go's `parseHost`.
fn parse_host(host: &str) -> Result<String, String> {
    if let Some(open) = host.rfind('[') {
        if open > 0 {
            return Err("invalid IP-literal".to_string());
        }
        let close = host.rfind(']').ok_or("missing ']' in host")?;
        let colon_port = host.get(close + 1..).unwrap_or("");
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
        let colon_port = unescape(colon_port, Mode::Host)?;
        let hostname = host.get(1..close).unwrap_or("");
        let unescaped = match hostname.find("%25") {
            Some(z) => {
                unescape(hostname.get(..z).unwrap_or(""), Mode::Host)?
                    + &unescape(hostname.get(z..).unwrap_or(""), Mode::Zone)?
            }
            None => unescape(hostname, Mode::Host)?,
        };
        let addr_part = unescaped.split('%').next().unwrap_or("");
        if addr_part.parse::<std::net::Ipv6Addr>().is_err() {
            if addr_part.parse::<std::net::Ipv4Addr>().is_ok() {
                return Err("invalid IP-literal".to_string());
            }
            return Err(format!(
                "invalid host: ParseAddr({}): unable to parse IP",
                go_quote(&unescaped)
            ));
        }
        return Ok(format!("[{unescaped}]{colon_port}"));
    }
    if let Some(first) = host.find(':') {
        // The Go releases Helm 3.17 is built with take the last colon for every scheme
        // (Go 1.26 made http and https hosts strict under a GODEBUG setting).
        let i = host.rfind(':').unwrap_or(first);
        let colon_port = host.get(i..).unwrap_or("");
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    }
    unescape(host, Mode::Host)
}

/// Go's `validUserinfo`.
fn valid_userinfo(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    })
}

/// Go's `getScheme`.
fn get_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok(("", raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".to_string());
                }
                return Ok((raw.get(..i).unwrap_or(""), raw.get(i + 1..).unwrap_or("")));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// Go's `url.Parse`; the error is `parse "URL": reason`.
fn parse_url(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw
        .split_once('#')
        .map_or((raw, None), |(a, b)| (a, Some(b)));
    let mut url = parse_no_fragment(u).map_err(|e| format!("parse {}: {e}", go_quote(u)))?;
    if let Some(frag) = frag.filter(|f| !f.is_empty()) {
        let unescaped =
            unescape(frag, Mode::Fragment).map_err(|e| format!("parse {}: {e}", go_quote(raw)))?;
        url.raw_fragment = if escape(&unescaped, Mode::Fragment) == frag {
            String::new()
        } else {
            frag.to_string()
        };
        url.fragment = unescaped;
    }
    Ok(url)
}

fn parse_no_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_string());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".to_string();
        return Ok(url);
    }
    let (scheme, rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest.to_string();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest.pop();
    } else if let Some((r, q)) = rest.clone().split_once('?') {
        url.raw_query = q.to_string();
        rest = r.to_string();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest;
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_string());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = rest.get(2..).unwrap_or("").to_string();
        let (authority, path) = match after.find('/') {
            Some(i) => (
                after.get(..i).unwrap_or("").to_string(),
                after.get(i..).unwrap_or("").to_string(),
            ),
            None => (after, String::new()),
        };
        rest = path;
        let (user_part, host_part) = match authority.rfind('@') {
            Some(i) => (
                Some(authority.get(..i).unwrap_or("")),
                authority.get(i + 1..).unwrap_or(""),
            ),
            None => (None, authority.as_str()),
        };
        url.host = parse_host(host_part)?;
        if let Some(info) = user_part {
            if !valid_userinfo(info) {
                return Err("net/url: invalid userinfo".to_string());
            }
            url.user = Some(match info.split_once(':') {
                None => (unescape(info, Mode::UserPassword)?, None),
                Some((name, pass)) => (
                    unescape(name, Mode::UserPassword)?,
                    Some(unescape(pass, Mode::UserPassword)?),
                ),
            });
        }
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    let path = unescape(&rest, Mode::Path)?;
    url.raw_path = if escape(&path, Mode::Path) == rest {
        String::new()
    } else {
        rest
    };
    url.path = path;
    Ok(url)
}

/// Go's `Userinfo.String`.
fn userinfo_string(user: &(String, Option<String>)) -> String {
    let mut s = escape(&user.0, Mode::UserPassword);
    if let Some(p) = &user.1 {
        s.push(':');
        s.push_str(&escape(p, Mode::UserPassword));
    }
    s
}

/// Go's `validEncoded`.
fn valid_encoded(s: &str, mode: Mode) -> bool {
    s.bytes().all(|c| {
        matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'['
                | b']'
                | b'%'
        ) || !should_escape(c, mode)
    })
}

impl Url {
    fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty()
            && valid_encoded(&self.raw_path, Mode::Path)
            && unescape(&self.raw_path, Mode::Path).is_ok_and(|p| p == self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == "*" {
            return "*".to_string();
        }
        escape(&self.path, Mode::Path)
    }

    fn escaped_fragment(&self) -> String {
        if !self.raw_fragment.is_empty()
            && valid_encoded(&self.raw_fragment, Mode::Fragment)
            && unescape(&self.raw_fragment, Mode::Fragment).is_ok_and(|f| f == self.fragment)
        {
            return self.raw_fragment.clone();
        }
        escape(&self.fragment, Mode::Fragment)
    }

    /// Go's `URL.String`.
    fn to_go_string(&self) -> String {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if self.opaque.is_empty() {
            let no_authority = self.host.is_empty() && self.user.is_none();
            if !(no_authority && (self.scheme.is_empty() || self.omit_host)) {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    buf.push_str("//");
                }
                if let Some(user) = &self.user {
                    buf.push_str(&userinfo_string(user));
                    buf.push('@');
                }
                if !self.host.is_empty() {
                    buf.push_str(&escape(&self.host, Mode::Host));
                }
            }
            let path = self.escaped_path();
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() && path.split('/').next().unwrap_or("").contains(':') {
                buf.push_str("./");
            }
            buf.push_str(&path);
        } else {
            buf.push_str(&self.opaque);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push('#');
            buf.push_str(&self.escaped_fragment());
        }
        buf
    }

    /// Go's `URL.Hostname`.
    fn hostname(&self) -> String {
        let mut host = self.host.as_str();
        if let Some(colon) = host.rfind(':') {
            if valid_optional_port(host.get(colon..).unwrap_or("")) {
                host = host.get(..colon).unwrap_or("");
            }
        }
        if host.starts_with('[') && host.ends_with(']') && host.len() >= 2 {
            host = host.get(1..host.len() - 1).unwrap_or("");
        }
        host.to_string()
    }
}

fn url_parse(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let url = parse_url(arg_str(&args, 0)).map_err(|e| format!("unable to parse url: {e}"))?;
    let mut m = BTreeMap::new();
    m.insert("scheme".to_string(), Value::str(url.scheme.as_str()));
    m.insert("host".to_string(), Value::str(url.host.as_str()));
    m.insert("hostname".to_string(), Value::str(url.hostname()));
    m.insert("path".to_string(), Value::str(url.path.as_str()));
    m.insert("query".to_string(), Value::str(url.raw_query.as_str()));
    m.insert("opaque".to_string(), Value::str(url.opaque.as_str()));
    m.insert("fragment".to_string(), Value::str(url.fragment.as_str()));
    let userinfo = url.user.as_ref().map(userinfo_string).unwrap_or_default();
    m.insert("userinfo".to_string(), Value::str(userinfo));
    Ok(Value::map(m))
}

/// Sprig's `dictGetOrEmpty`: a string entry, `""` when absent, a panic otherwise.
fn dict_string(d: &BTreeMap<String, Value>, key: &str) -> Result<String, String> {
    match d.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.as_str().to_string()),
        Some(Value::Nil | Value::Invalid) => {
            Err("runtime error: invalid memory address or nil pointer dereference".to_string())
        }
        Some(other) => Err(format!(
            "unable to parse {key} key, must be of type string, but {} found",
            other.kind_name()
        )),
    }
}

fn url_join(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let entries = match arg(&args, 0) {
        Value::Map(m) => m.entries.borrow().clone(),
        _ => BTreeMap::new(),
    };
    let mut url = Url {
        scheme: dict_string(&entries, "scheme")?,
        host: dict_string(&entries, "host")?,
        path: dict_string(&entries, "path")?,
        raw_query: dict_string(&entries, "query")?,
        opaque: dict_string(&entries, "opaque")?,
        fragment: dict_string(&entries, "fragment")?,
        ..Url::default()
    };
    let userinfo = dict_string(&entries, "userinfo")?;
    if !userinfo.is_empty() {
        let temp = parse_url(&format!("proto://{userinfo}@host"))
            .map_err(|e| format!("unable to parse userinfo in dict: {e}"))?;
        url.user = temp.user;
    }
    Ok(Value::str(url.to_go_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values: Go's path package and Sprig's urlParse/urlJoin.
    #[test]
    fn paths_like_go() {
        assert_eq!(path_clean("a//b/../c/."), "a/c");
        assert_eq!(path_clean("/../a"), "/a");
        assert_eq!(path_clean("../../a/.."), "../..");
        assert_eq!(path_clean(""), ".");
        assert_eq!(path_base("/a/b/"), "b");
        assert_eq!(path_base("///"), "/");
        assert_eq!(path_dir("/a/b"), "/a");
        assert_eq!(path_dir("b"), ".");
        assert_eq!(path_ext("a/b.tar.gz"), ".gz");
        assert_eq!(path_ext("a.b/c"), "");
    }

    #[test]
    fn urls_like_go() {
        let mut ctx = FuncCtx::default();
        let parsed = url_parse(
            &mut ctx,
            vec![Value::str("https://u:p%40@example.com:8443/a%20b?x=1#frag")],
        )
        .map(|v| v.to_go_string());
        assert_eq!(
            parsed.as_deref(),
            Ok("map[fragment:frag host:example.com:8443 hostname:example.com opaque: path:/a b query:x=1 scheme:https userinfo:u:p%40]")
        );
        let mut m = BTreeMap::new();
        m.insert("scheme".to_string(), Value::str("http"));
        m.insert("host".to_string(), Value::str("h:80"));
        m.insert("path".to_string(), Value::str("/a b"));
        m.insert("userinfo".to_string(), Value::str("me"));
        let joined = url_join(&mut ctx, vec![Value::map(m)]).map(|v| v.to_go_string());
        assert_eq!(joined.as_deref(), Ok("http://me@h:80/a%20b"));
        let join_one = |k: &str, v: Value| {
            let mut m = BTreeMap::new();
            m.insert(k.to_string(), v);
            url_join(&mut FuncCtx::default(), vec![Value::map(m)]).map(|v| v.to_go_string())
        };
        assert_eq!(
            join_one("host", Value::Int(3)),
            Err("unable to parse host key, must be of type string, but int found".to_string())
        );
        assert_eq!(
            join_one("host", Value::Nil),
            Err("runtime error: invalid memory address or nil pointer dereference".to_string())
        );
        assert_eq!(
            join_one("userinfo", Value::str("a b")),
            Err("unable to parse userinfo in dict: parse \"proto://a b@host\": net/url: invalid userinfo".to_string())
        );
    }
}
