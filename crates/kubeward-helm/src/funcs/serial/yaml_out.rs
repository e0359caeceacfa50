//! `toYaml`: Go's JSON text read back by go-yaml v2 and written by its encoder
//! (`sigs.k8s.io/yaml.Marshal`).

use super::data::Data;
use super::emitter::{emit, Node, Settings, Style};
use super::resolve::{is_base60_float, resolves_to_str};
use crate::value::format_float;

/// go-yaml v2's emitter settings: 80 columns, sequences not indented under their key.
const V2: Settings = Settings {
    width: 80,
    indentless_sequences: true,
    tabs_in_blocks: false,
};

/// `sigs.k8s.io/yaml.Marshal` of already-marshalled JSON data, or `None` where go-yaml's
/// reader rejects the JSON text (characters YAML forbids, which JSON leaves unescaped).
pub(crate) fn marshal_v2(data: &Data) -> Option<String> {
    let node = to_node(data)?;
    Some(emit(&node, V2))
}

/// Whether go-yaml's reader accepts `c` unescaped in its input (`yaml_parser_update_buffer`).
/// JSON escapes the control characters below U+0020 itself.
fn readable(c: char) -> bool {
    let v = u32::from(c);
    !(v == 0x7F || (0x80..=0x9F).contains(&v) && v != 0x85 || v == 0xFFFE || v == 0xFFFF)
}

fn to_node(data: &Data) -> Option<Node> {
    Some(match data {
        Data::Null => Node::Scalar("null".into(), Style::Plain),
        Data::Bool(b) => Node::Scalar(if *b { "true" } else { "false" }.into(), Style::Plain),
        Data::Num(text) => Node::Scalar(resolve_number(text), Style::Plain),
        Data::Str(s) => string_node(&fold_nel(s))?,
        Data::List(items) => Node::Seq(items.iter().map(to_node).collect::<Option<_>>()?),
        Data::Map(entries) => {
            let mut order: Vec<usize> = (0..entries.len()).collect();
            merge_sort(
                &mut order,
                &|a, b| match (entries.get(*a), entries.get(*b)) {
                    (Some((ka, _)), Some((kb, _))) => natural_less(ka, kb),
                    _ => false,
                },
            );
            let mut out = Vec::with_capacity(entries.len());
            for i in order {
                let (k, v) = entries.get(i)?;
                if k.contains('\u{85}') {
                    // A key spanning lines is not a valid flow-mapping key.
                    return None;
                }
                out.push((string_node(k)?, to_node(v)?));
            }
            Node::Map(out)
        }
    })
}

/// go-yaml v2's `stringv`: a literal block when the string has a line feed, plain when it
/// reads back as the same string, double-quoted otherwise.
fn string_node(s: &str) -> Option<Node> {
    if !s.chars().all(readable) {
        return None;
    }
    let style = if s.contains('\n') {
        Style::Literal
    } else if resolves_to_str(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    };
    Some(Node::Scalar(s.to_string(), style))
}

/// What go-yaml's scanner makes of a JSON string holding U+0085 (NEL), which JSON leaves
/// unescaped and YAML 1.1 reads as a line break inside the double-quoted scalar: blanks
/// around the break are dropped, a single break becomes a space, and each further break in
/// a run becomes a line feed.
fn fold_nel(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\u{85}') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut blanks = String::new();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => blanks.push(c),
            '\u{85}' => {
                blanks.clear();
                let mut breaks = 1;
                while let Some(&n) = chars.peek() {
                    match n {
                        ' ' | '\t' => {}
                        '\u{85}' => breaks += 1,
                        _ => break,
                    }
                    chars.next();
                }
                if breaks == 1 {
                    out.push(' ');
                } else {
                    for _ in 1..breaks {
                        out.push('\n');
                    }
                }
            }
            c => {
                out.push_str(&blanks);
                blanks.clear();
                out.push(c);
            }
        }
    }
    out.push_str(&blanks);
    std::borrow::Cow::Owned(out)
}

/// A JSON number as go-yaml v2 decodes it (`int`, then `uint64`, then `float64`) and
/// re-encodes it.
fn resolve_number(text: &str) -> String {
    if let Ok(i) = text.parse::<i64>() {
        return i.to_string();
    }
    if let Ok(u) = text.parse::<u64>() {
        return u.to_string();
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => format_float(f),
        _ => text.to_string(),
    }
}

/// go-yaml's key order (`keyList.Less` for two strings): letters sort by code point and
/// before everything else, runs of digits compare as numbers.
pub(crate) fn natural_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for i in 0..ar.len().min(br.len()) {
        let (ca, cb) = (ar[i], br[i]);
        if ca == cb {
            continue;
        }
        let al = is_letter(ca);
        let bl = is_letter(cb);
        if al && bl {
            return ca < cb;
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ca == '0' || cb == '0' {
            let mut j = i;
            while j > 0 {
                j -= 1;
                if !is_digit(ar[j]) {
                    break;
                }
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(ar[ai]));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(br[bi]));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ca < cb;
    }
    ar.len() < br.len()
}

/// Go's `unicode.IsLetter` (exact for ASCII; Rust's alphabetic property elsewhere).
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic()
    }
}

/// Go's `unicode.IsDigit` (exact for ASCII; Rust's numeric property elsewhere).
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.is_numeric()
    }
}

/// `int64(r - '0')` as Go computes it for any digit rune.
fn digit_value(c: char) -> i64 {
    i64::from(u32::from(c)) - i64::from(u32::from('0'))
}

/// A stable merge sort driven by a `less` function that need not be a total order (Go's
/// `sort.Sort` never panics on such input, and neither may this).
pub(crate) fn merge_sort<T: Clone>(items: &mut [T], less: &dyn Fn(&T, &T) -> bool) {
    if items.len() <= 1 {
        return;
    }
    if items.len() <= 12 {
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 && less(&items[j], &items[j - 1]) {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = items.len() / 2;
    merge_sort(&mut items[..mid], less);
    merge_sort(&mut items[mid..], less);
    let mut merged = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < items.len() {
        if less(&items[j], &items[i]) {
            merged.push(items[j].clone());
            j += 1;
        } else {
            merged.push(items[i].clone());
            i += 1;
        }
    }
    merged.extend_from_slice(&items[i..mid]);
    merged.extend_from_slice(&items[j..]);
    items.clone_from_slice(&merged);
}

/// go-yaml v3's emitter settings as Helm's `toYamlPretty` uses them: no folding, sequences
/// indented under their key.
const V3: Settings = Settings {
    width: usize::MAX,
    indentless_sequences: false,
    tabs_in_blocks: true,
};

/// go-yaml v3's `Encoder.Encode` of the Go value itself (no JSON round trip: floats print
/// as `%v`, `1e+06`), or `None` where it fails.
pub(crate) fn marshal_v3(value: &crate::value::Value) -> Option<String> {
    let node = v3_node(value, 0)?;
    Some(emit(&node, V3))
}

fn v3_node(value: &crate::value::Value, depth: usize) -> Option<Node> {
    use crate::value::Value;
    if depth > 1000 {
        return None;
    }
    Some(match value {
        Value::Invalid | Value::Nil => Node::Scalar("null".into(), Style::Plain),
        Value::Bool(b) => Node::Scalar(if *b { "true" } else { "false" }.into(), Style::Plain),
        Value::Int(i) | Value::Int64(i) => Node::Scalar(i.to_string(), Style::Plain),
        Value::Float(f) => {
            let text = match format_float(*f).as_str() {
                "+Inf" => ".inf".to_string(),
                "-Inf" => "-.inf".to_string(),
                "NaN" => ".nan".to_string(),
                other => other.to_string(),
            };
            Node::Scalar(text, Style::Plain)
        }
        Value::String(s) => v3_string(s.as_str()),
        Value::Bytes(b) => Node::Seq(
            b.iter()
                .map(|x| Node::Scalar(x.to_string(), Style::Plain))
                .collect(),
        ),
        Value::List(l) => Node::Seq(
            l.items
                .borrow()
                .iter()
                .map(|v| v3_node(v, depth + 1))
                .collect::<Option<_>>()?,
        ),
        Value::Map(m) => {
            let entries = m.entries.borrow();
            let mut keys: Vec<&String> = entries.keys().collect();
            merge_sort(&mut keys, &|a, b| natural_less(a, b));
            let mut out = Vec::with_capacity(keys.len());
            for k in keys {
                let v = entries.get(k)?;
                out.push((v3_string(k), v3_node(v, depth + 1)?));
            }
            Node::Map(out)
        }
        Value::Object(o) => {
            if o.is_nil() {
                Node::Scalar("null".into(), Style::Plain)
            } else {
                v3_node(&o.to_data(), depth + 1)?
            }
        }
    })
}

/// go-yaml v3's `stringv`: like v2's, and the YAML 1.1 booleans are quoted too.
fn v3_string(s: &str) -> Node {
    let old_bool = matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    );
    let style = if s.contains('\n') {
        Style::Literal
    } else if resolves_to_str(s) && !is_base60_float(s) && !old_bool {
        Style::Plain
    } else {
        Style::Double
    };
    Node::Scalar(s.to_string(), style)
}
