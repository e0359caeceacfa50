//! Scalar resolution, following go-yaml v2's `resolve.go` (YAML 1.1 with Go's number parsing).

/// A resolved scalar, before the JSON conversion rejects NaN and infinities.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
}

const TAG_PREFIX: &str = "tag:yaml.org,2002:";
pub(crate) const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

/// The short form of a standard tag (`!!int`), the tag itself otherwise.
fn short(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Int,
    Float,
    Str,
    Timestamp,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::Null => "tag:yaml.org,2002:null",
            Kind::Bool => "tag:yaml.org,2002:bool",
            Kind::Int => "tag:yaml.org,2002:int",
            Kind::Float => "tag:yaml.org,2002:float",
            Kind::Str => "tag:yaml.org,2002:str",
            Kind::Timestamp => "tag:yaml.org,2002:timestamp",
        }
    }

    fn of_tag(tag: &str) -> Option<Kind> {
        [
            Kind::Str,
            Kind::Bool,
            Kind::Int,
            Kind::Float,
            Kind::Null,
            Kind::Timestamp,
        ]
        .into_iter()
        .find(|k| k.tag() == tag)
    }
}

/// Resolves one scalar event the way go-yaml v2 decodes it into `interface{}`.
///
/// `tag` is the event's tag (long form), `implicit` its plain-implicit flag.
pub(crate) fn resolve(tag: Option<&str>, value: String, implicit: bool) -> Result<Scalar, String> {
    let tag = tag.unwrap_or("");
    if tag.is_empty() && !implicit {
        // Quoted or block scalar without a tag.
        return Ok(Scalar::Str(value));
    }
    if tag == "tag:yaml.org,2002:binary" {
        return decode_base64(&value)
            .map(|bytes| Scalar::Str(String::from_utf8_lossy(&bytes).into_owned()))
            .ok_or_else(|| "!!binary value contains invalid base64 data".to_string());
    }
    let wanted = if tag.is_empty() {
        None
    } else {
        match Kind::of_tag(tag) {
            Some(kind) => Some(kind),
            // Unknown (and non-resolvable standard) tags keep the text.
            None => return Ok(Scalar::Str(value)),
        }
    };
    let (kind, resolved) = resolve_plain(&value, wanted);
    let matches = match wanted {
        None | Some(Kind::Str) => true,
        Some(w) => w == kind,
    };
    if matches {
        return Ok(resolved.unwrap_or(Scalar::Str(value)));
    }
    match (wanted, resolved) {
        #[allow(clippy::cast_precision_loss)]
        (Some(Kind::Float), Some(Scalar::Int(i))) => Ok(Scalar::Float(i as f64)),
        (Some(w), _) => Err(mismatch(kind, &value, w)),
        (None, _) => Ok(Scalar::Str(value)),
    }
}

fn mismatch(got: Kind, value: &str, wanted: Kind) -> String {
    format!(
        "cannot decode {} `{value}` as a {}",
        short(got.tag()),
        short(wanted.tag())
    )
}

/// The kind a plain scalar resolves to and its value; `None` for a string (the caller
/// keeps its text, so strings are never copied).
fn resolve_plain(value: &str, wanted: Option<Kind>) -> (Kind, Option<Scalar>) {
    let string = (Kind::Str, None);
    if wanted == Some(Kind::Str) {
        return string;
    }
    let hint = match value.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return string,
    };
    if let Some((kind, scalar)) = lookup(value) {
        return (kind, Some(scalar));
    }
    match hint {
        b'.' => {
            if let Some(f) = go_parse_float(value) {
                return (Kind::Float, Some(Scalar::Float(f)));
            }
        }
        b'D' | b'S' => {
            if (wanted.is_none() || wanted == Some(Kind::Timestamp)) && looks_like_timestamp(value)
            {
                return (Kind::Timestamp, None);
            }
            let plain: String = value.chars().filter(|&c| c != '_').collect();
            if let Some(n) = parse_go_int(&plain) {
                return (Kind::Int, Some(n));
            }
            if is_yaml_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return (Kind::Float, Some(Scalar::Float(f)));
                }
            }
            if let Some(digits) = plain.strip_prefix("0b") {
                if let Some(n) = parse_radix_signed(digits, 2) {
                    return (Kind::Int, Some(n));
                }
            } else if let Some(digits) = plain.strip_prefix("-0b") {
                if let Some(n) = parse_radix_signed(&format!("-{digits}"), 2) {
                    return (Kind::Int, Some(n));
                }
            }
        }
        _ => {}
    }
    string
}

fn lookup(value: &str) -> Option<(Kind, Scalar)> {
    let bool_ = |b| Some((Kind::Bool, Scalar::Bool(b)));
    match value {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            bool_(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            bool_(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Some((Kind::Null, Scalar::Null)),
        ".nan" | ".NaN" | ".NAN" => Some((Kind::Float, Scalar::Float(f64::NAN))),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            Some((Kind::Float, Scalar::Float(f64::INFINITY)))
        }
        "-.inf" | "-.Inf" | "-.INF" => Some((Kind::Float, Scalar::Float(f64::NEG_INFINITY))),
        _ => None,
    }
}

/// go-yaml's quick timestamp test: four digits and a dash, then one of its layouts. Values
/// that pass are kept as their text (the `interface{}` decoding path keeps timestamps as
/// strings), so only the fact matters, and only for explicit `!!timestamp` tags.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// Whether `s` has go-yaml v2's float syntax,
/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (Helm's `toYaml` quotes strings
/// that would read back as floats).
#[must_use]
pub fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input: `None` on syntax errors and on
/// overflow (Go reports `ErrRange` there). Hex floats, `inf` and `nan` words are not
/// reachable from the callers.
fn go_parse_float(s: &str) -> Option<f64> {
    if !is_yaml_float(s) {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    f.is_finite().then_some(f)
}

/// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)`.
fn parse_go_int(s: &str) -> Option<Scalar> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = split_radix(body)?;
    let magnitude = parse_digits(digits, radix)?;
    if neg {
        if magnitude <= i64::MAX as u64 + 1 {
            // Two's complement: -(2^63) fits.
            #[allow(clippy::cast_possible_wrap)]
            return Some(Scalar::Int((magnitude as i64).wrapping_neg()));
        }
        return None;
    }
    if s.starts_with('+') {
        // ParseUint rejects signs, so only the int64 range is accepted.
        return i64::try_from(magnitude).ok().map(Scalar::Int);
    }
    Some(match i64::try_from(magnitude) {
        Ok(i) => Scalar::Int(i),
        Err(_) => Scalar::UInt(magnitude),
    })
}

fn split_radix(body: &str) -> Option<(u32, &str)> {
    let b = body.as_bytes();
    if b.first() != Some(&b'0') || b.len() == 1 {
        return Some((10, body));
    }
    match b[1] {
        b'x' | b'X' => Some((16, &body[2..])),
        b'o' | b'O' => Some((8, &body[2..])),
        b'b' | b'B' => Some((2, &body[2..])),
        _ => Some((8, &body[1..])),
    }
}

fn parse_digits(digits: &str, radix: u32) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// `strconv.ParseInt(s, radix, 64)` then `ParseUint(s, radix, 64)` with an explicit radix.
fn parse_radix_signed(s: &str, radix: u32) -> Option<Scalar> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_digits(digits, radix)?;
    if neg {
        #[allow(clippy::cast_possible_wrap)]
        return (magnitude <= i64::MAX as u64 + 1)
            .then(|| Scalar::Int((magnitude as i64).wrapping_neg()));
    }
    Some(match i64::try_from(magnitude) {
        Ok(i) => Scalar::Int(i),
        Err(_) if !s.starts_with('+') => Scalar::UInt(magnitude),
        Err(_) => return None,
    })
}

/// Standard base64 with padding, as Go's `base64.StdEncoding` (line breaks inside the
/// scalar were already folded by the YAML parser; Go ignores `\r` and `\n`).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text.bytes().filter(|&b| b != b'\n' && b != b'\r').collect();
    if clean.len() % 4 != 0 {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let chunks = clean.chunks(4);
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i != last) {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * pad;
        // Go's non-strict decoder drops the bits left over in a padded group.
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..=3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Scalar {
        resolve(None, s.to_string(), true).unwrap_or(Scalar::Str("<error>".into()))
    }

    #[test]
    fn yaml11_scalars() {
        assert_eq!(plain("yes"), Scalar::Bool(true));
        assert_eq!(plain("yEs"), Scalar::Str("yEs".into()));
        assert_eq!(plain("OFF"), Scalar::Bool(false));
        assert_eq!(plain("0777"), Scalar::Int(511));
        assert_eq!(plain("0o17"), Scalar::Int(15));
        assert_eq!(plain("0x1F"), Scalar::Int(31));
        assert_eq!(plain("-0x1F"), Scalar::Int(-31));
        assert_eq!(plain("0b101"), Scalar::Int(5));
        assert_eq!(plain("8_080"), Scalar::Int(8080));
        assert_eq!(plain("08"), Scalar::Float(8.0));
        assert_eq!(plain("1:00"), Scalar::Str("1:00".into()));
        assert_eq!(
            plain("9223372036854775808"),
            Scalar::UInt(9_223_372_036_854_775_808)
        );
        assert_eq!(plain("-9223372036854775808"), Scalar::Int(i64::MIN));
        assert_eq!(plain("1e400"), Scalar::Str("1e400".into()));
        assert_eq!(plain("0b-1"), Scalar::Int(-1));
        assert_eq!(plain("2001-12-14"), Scalar::Str("2001-12-14".into()));
    }

    #[test]
    fn tags() {
        assert_eq!(
            resolve(Some("tag:yaml.org,2002:bool"), "yes".into(), false),
            Ok(Scalar::Bool(true))
        );
        assert_eq!(
            resolve(Some("tag:yaml.org,2002:str"), "true".into(), false),
            Ok(Scalar::Str("true".into()))
        );
        assert_eq!(
            resolve(Some("tag:yaml.org,2002:float"), "1".into(), false),
            Ok(Scalar::Float(1.0))
        );
        assert!(resolve(Some("tag:yaml.org,2002:int"), "abc".into(), false).is_err());
        assert_eq!(
            resolve(Some("!foo"), "true".into(), false),
            Ok(Scalar::Str("true".into()))
        );
        assert_eq!(
            resolve(Some("tag:yaml.org,2002:binary"), "Lw==".into(), false),
            Ok(Scalar::Str("/".into()))
        );
        assert!(resolve(Some("tag:yaml.org,2002:binary"), "Lw=".into(), false).is_err());
        assert_eq!(
            resolve(None, "true".into(), false),
            Ok(Scalar::Str("true".into()))
        );
    }
}
