//! The value model of the template engine.
//!
//! Helm's behaviour depends on Go's types, so a [`Value`] keeps the distinctions a chart can
//! observe: `int` (template literals, `len`, `atoi`) versus `int64` (`--set`, `add`) versus
//! `float64` (every number of a values file or `fromYaml`); a missing value
//! ([`Value::Invalid`], printed `<no value>`) versus a nil interface ([`Value::Nil`], printed
//! `<nil>`); `[]interface {}` versus `[]string`; `map[string]interface {}` versus
//! `chartutil.Values`. Maps and lists are shared and mutable, like Go's: `set` on a map
//! changes it for every holder, which charts rely on (`$_ := set .Values "x" 1`).
//!
//! Structs with methods (`.Files`, `.Capabilities`, `.Chart`, certificates…) are
//! [`Object`]s.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;

/// A budget on the work of traversing values (printing, serialising, copying, comparing),
/// per thread. Values can share structure (`$l = list $l $l` doubles a list in one step
/// without copying it), so a traversal could otherwise take exponential time and memory;
/// the executor sets the budget for each execution and turns an exhausted budget into an
/// error naming the limit.
pub mod budget {
    use std::cell::Cell;

    thread_local! {
        static LEFT: Cell<u64> = const { Cell::new(u64::MAX) };
    }

    /// Sets the number of value nodes traversals may still visit on this thread.
    pub fn reset(nodes: u64) {
        LEFT.with(|l| l.set(nodes));
    }

    /// Spends one node; false when the budget is exhausted (the traversal must stop).
    #[must_use]
    pub fn spend() -> bool {
        spend_n(1)
    }

    /// Spends `n` nodes' worth (for traversals whose work per node grows, such as one that
    /// copies the path to each node); false when the budget is exhausted.
    #[must_use]
    pub fn spend_n(n: u64) -> bool {
        LEFT.with(|l| {
            let left = l.get();
            if left < n {
                l.set(0);
                false
            } else {
                l.set(left - n);
                true
            }
        })
    }

    /// Whether a traversal ran out of budget since the last [`reset`].
    #[must_use]
    pub fn exhausted() -> bool {
        LEFT.with(Cell::get) == 0
    }
}

/// A Go value as the template engine sees it.
#[derive(Clone, Default)]
pub enum Value {
    /// No value at all (Go's invalid `reflect.Value`): a missing map key after a pipeline.
    /// Prints as `<no value>`, which Helm then deletes from the output.
    #[default]
    Invalid,
    /// A nil `interface {}`: `nil`, a `null` from YAML, a missing key passed as an argument.
    Nil,
    /// `bool`.
    Bool(bool),
    /// Go `int` (64 bits on every platform Helm ships for).
    Int(i64),
    /// Go `int64`.
    Int64(i64),
    /// Go `float64`.
    Float(f64),
    /// Go `string`, with where its lines came from when it was produced by a template.
    String(Str),
    /// Go `[]byte`.
    Bytes(Rc<[u8]>),
    /// A Go slice.
    List(List),
    /// A Go map with string keys.
    Map(Map),
    /// A Go struct or pointer with fields and methods.
    Object(Rc<dyn Object>),
}

/// Go's element type of a [`List`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElemType {
    /// `[]interface {}`.
    Any,
    /// `[]string`.
    String,
    /// `[]int`.
    Int,
}

/// A shared, mutable Go slice.
#[derive(Clone)]
pub struct List {
    /// The elements (shared: cloning a `List` aliases it, as Go slices alias).
    pub items: Rc<RefCell<Vec<Value>>>,
    /// The element type.
    pub elem: ElemType,
}

/// Go's type of a [`Map`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapType {
    /// `map[string]interface {}`.
    Any,
    /// `chartutil.Values` (the type of `.Values` in Helm 3; a `map[string]interface {}`
    /// underneath, so every function taking a map accepts it).
    Values,
    /// `map[string]string` (what Sprig's `split` returns).
    String,
}

/// A shared, mutable Go map with string keys, iterated in sorted key order (as Go's
/// `text/template` and `fmt` iterate maps).
#[derive(Clone)]
pub struct Map {
    /// The entries (shared: cloning a `Map` aliases it, as Go maps alias).
    pub entries: Rc<RefCell<BTreeMap<String, Value>>>,
    /// The map's Go type.
    pub ty: MapType,
}

/// Where one line of a rendered string was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The template name, e.g. `mychart/templates/_helpers.tpl`.
    pub template: Arc<str>,
    /// 1-based line in that template.
    pub line: u32,
    /// 1-based column (in characters) in that template.
    pub column: u32,
    /// The values path when the text printed a value read from `.Values`
    /// (e.g. `securityContext.runAsUser`).
    pub values_path: Option<Arc<str>>,
}

/// A Go string. Strings produced by executing a template (`include`, `tpl`) carry, for each
/// of their lines, the template position that produced the line, so findings in a chart can
/// point into `_helpers.tpl`. Functions that only re-indent text (`indent`, `nindent`,
/// `trim`…) keep the origins; others drop them.
#[derive(Clone)]
pub struct Str {
    text: Rc<str>,
    /// One entry per line of `text` (`None` for a line of unknown origin), or `None`.
    origins: Option<Rc<[Option<Origin>]>>,
}

impl Str {
    /// A string with no origin.
    pub fn new(text: impl Into<Rc<str>>) -> Self {
        Str {
            text: text.into(),
            origins: None,
        }
    }

    /// A string with one origin per line (`origins.len()` should be the number of lines,
    /// i.e. the number of `\n` plus one; extra entries are ignored, missing ones unknown).
    pub fn with_origins(text: impl Into<Rc<str>>, origins: Vec<Option<Origin>>) -> Self {
        Str {
            text: text.into(),
            origins: Some(origins.into()),
        }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The shared text.
    #[must_use]
    pub fn rc(&self) -> &Rc<str> {
        &self.text
    }

    /// The per-line origins, when known.
    #[must_use]
    pub fn origins(&self) -> Option<&[Option<Origin>]> {
        self.origins.as_deref()
    }
}

impl std::fmt::Debug for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.text, f)
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Str::new(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Str::new(s)
    }
}

/// A Go struct or pointer with fields and methods (`.Files`, `.Capabilities`, `.Chart`,
/// `.Release` is a plain map; certificates returned by `genCA`; `semver` versions…).
pub trait Object {
    /// Go's `%T`, e.g. `*chart.Metadata`, `engine.files`, `sprig.certificate`.
    fn type_name(&self) -> String;

    /// Go's `reflect.Kind` name: `struct`, `ptr` or `map`.
    fn kind(&self) -> &'static str {
        "struct"
    }

    /// The value of an exported field, a niladic method, or (for map types with methods,
    /// such as `.Files`) a key. `None` when there is none: the executor reports Go's error.
    fn field(&self, name: &str) -> Option<Value>;

    /// The Go signature of method `name` when it takes arguments (`Files.Get`,
    /// `APIVersions.Has`), so the executor can check arguments as Go does.
    fn method(&self, name: &str) -> Option<&'static crate::funcs::Sig> {
        let _ = name;
        None
    }

    /// Calls method `name` with arguments already checked against [`Object::method`].
    ///
    /// # Errors
    ///
    /// The method's own error, as Go's method would return it.
    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, String> {
        let _ = args;
        Err(format!("can't call method/function {name:?}"))
    }

    /// What `fmt.Sprint` prints (`{…}`, `&{…}`, `map[…]`).
    fn format(&self) -> String;

    /// Appends [`Object::format`] to `out`.
    fn write_format(&self, out: &mut String) {
        out.push_str(&self.format());
    }

    /// The value `encoding/json` marshals (for `toYaml`, `toJson`), as maps and lists.
    fn to_data(&self) -> Value;

    /// The object as `Any` for downcasting by functions that take a specific Go type.
    fn as_any(&self) -> &dyn std::any::Any;

    /// Whether the object is a nil pointer (for `empty` and truthiness).
    fn is_nil(&self) -> bool {
        false
    }
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::String(Str::new(s))
    }

    /// A new `[]interface {}`.
    #[must_use]
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List {
            items: Rc::new(RefCell::new(items)),
            elem: ElemType::Any,
        })
    }

    /// A new `[]string`.
    #[must_use]
    pub fn str_list(items: Vec<String>) -> Value {
        Value::List(List {
            items: Rc::new(RefCell::new(items.into_iter().map(Value::str).collect())),
            elem: ElemType::String,
        })
    }

    /// A new `map[string]interface {}`.
    #[must_use]
    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Map {
            entries: Rc::new(RefCell::new(entries)),
            ty: MapType::Any,
        })
    }

    /// A new empty `map[string]interface {}`.
    #[must_use]
    pub fn empty_map() -> Value {
        Value::map(BTreeMap::new())
    }

    /// The string, when this is a Go string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The map, when this is a Go map.
    #[must_use]
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list, when this is a Go slice.
    #[must_use]
    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Whether this is no value or a nil interface.
    #[must_use]
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Invalid | Value::Nil)
    }

    /// Go's `%T` (Sprig's `typeOf`): `int`, `int64`, `float64`, `string`, `bool`,
    /// `[]uint8`, `[]interface {}`, `[]string`, `[]int`, `map[string]interface {}`,
    /// `chartutil.Values`, `map[string]string`, `<nil>`.
    #[must_use]
    pub fn type_name(&self) -> String {
        match self {
            Value::Invalid | Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Float(_) => "float64".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(l) => match l.elem {
                ElemType::Any => "[]interface {}".into(),
                ElemType::String => "[]string".into(),
                ElemType::Int => "[]int".into(),
            },
            Value::Map(m) => match m.ty {
                MapType::Any => "map[string]interface {}".into(),
                MapType::Values => "chartutil.Values".into(),
                MapType::String => "map[string]string".into(),
            },
            Value::Object(o) => o.type_name(),
        }
    }

    /// Go's `reflect.Kind` name (Sprig's `kindOf`): `invalid`, `bool`, `int`, `int64`,
    /// `float64`, `string`, `slice`, `map`, `struct`, `ptr`.
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Invalid | Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind(),
        }
    }

    /// Go `text/template`'s truthiness (`if`, `with`, `and`, `or`, `not`): false for no
    /// value, nil, `false`, zero numbers, and empty strings, slices and maps; structs are
    /// always true.
    #[must_use]
    pub fn is_true(&self) -> bool {
        match self {
            Value::Invalid | Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.as_str().is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.borrow().is_empty(),
            Value::Map(m) => !m.entries.borrow().is_empty(),
            // A map- or slice-kinded named type (`.Files`, `.Files.Glob`) is true when its
            // underlying map or slice is non-empty.
            Value::Object(o) if matches!(o.kind(), "map" | "slice") => o.to_data().is_true(),
            Value::Object(o) => !o.is_nil(),
        }
    }

    /// Sprig's `empty` (used by `default`, `coalesce`, `compact`, `all`, `any`): the
    /// opposite of [`Value::is_true`] (structs are never empty).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self.is_true()
    }

    /// What `fmt.Sprint(v)` prints (Go's `%v`): `<no value>` for no value, `<nil>`,
    /// `1e+06`, `[a b]`, `map[a:1 b:2]`, `[104 105]` for bytes.
    #[must_use]
    pub fn to_go_string(&self) -> String {
        let mut out = String::new();
        self.write_go(&mut out, true);
        out
    }

    /// Appends Go's `%v` of the value; `top` is false inside lists and maps.
    fn write_go(&self, out: &mut String, top: bool) {
        if !budget::spend() {
            return;
        }
        match self {
            Value::Invalid => out.push_str(if top { "<no value>" } else { "<nil>" }),
            Value::Nil => out.push_str("<nil>"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => out.push_str(&format_float(*f)),
            Value::String(s) => out.push_str(s.as_str()),
            Value::Bytes(b) => write_go_bytes(out, b),
            Value::List(l) => {
                out.push('[');
                for (i, item) in l.items.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    item.write_go(out, false);
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push_str("map[");
                for (i, (k, v)) in m.entries.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.write_go(out, false);
                }
                out.push(']');
            }
            Value::Object(o) => o.write_format(out),
        }
    }

    /// A deep copy (Sprig's `deepCopy`): maps and lists are copied, not shared.
    #[must_use]
    pub fn deep_copy(&self) -> Value {
        if !budget::spend() {
            return Value::Nil;
        }
        match self {
            Value::List(l) => Value::List(List {
                items: Rc::new(RefCell::new(
                    l.items.borrow().iter().map(Value::deep_copy).collect(),
                )),
                elem: l.elem,
            }),
            Value::Map(m) => Value::Map(Map {
                entries: Rc::new(RefCell::new(
                    m.entries
                        .borrow()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.deep_copy()))
                        .collect(),
                )),
                ty: m.ty,
            }),
            other => other.clone(),
        }
    }

    /// Go's `reflect.DeepEqual` (used by Sprig's `has`, `uniq`, `without`, `deepEqual`):
    /// types must match exactly, so `int 1` differs from `float64 1`.
    #[must_use]
    pub fn deep_equal(&self, other: &Value) -> bool {
        if !budget::spend() {
            return false;
        }
        match (self, other) {
            (Value::Invalid | Value::Nil, Value::Invalid | Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            // DeepEqual compares floats with ==, so NaN is unequal to itself.
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a.as_str() == b.as_str(),
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                if a.elem != b.elem {
                    return false;
                }
                if Rc::ptr_eq(&a.items, &b.items) {
                    return true;
                }
                let (a, b) = (a.items.borrow(), b.items.borrow());
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.deep_equal(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                if a.ty != b.ty {
                    return false;
                }
                if Rc::ptr_eq(&a.entries, &b.entries) {
                    return true;
                }
                let (a, b) = (a.entries.borrow(), b.entries.borrow());
                a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|((ka, va), (kb, vb))| ka == kb && va.deep_equal(vb))
            }
            (Value::Object(a), Value::Object(b)) => {
                Rc::ptr_eq(a, b)
                    || (a.type_name() == b.type_name() && a.to_data().deep_equal(&b.to_data()))
            }
            _ => false,
        }
    }

    /// The value Go gets from `sigs.k8s.io/yaml.Unmarshal` into `interface {}` (values
    /// files, `fromYaml`, `--set-json`): every number is a `float64`, maps are
    /// `map[string]interface {}`, lists `[]interface {}`.
    #[must_use]
    pub fn from_yaml(node: &kubeward_yaml::Node) -> Value {
        use kubeward_yaml::Value as Y;
        match &node.value {
            Y::Null => Value::Nil,
            Y::Bool(b) => Value::Bool(*b),
            #[allow(clippy::cast_precision_loss)]
            Y::Int(i) => Value::Float(*i as f64),
            #[allow(clippy::cast_precision_loss)]
            Y::UInt(u) => Value::Float(*u as f64),
            Y::Float(f) => Value::Float(*f),
            Y::String(s) => Value::str(s.as_str()),
            Y::Seq(items) => Value::list(items.iter().map(Value::from_yaml).collect()),
            Y::Map(m) => Value::map(
                m.iter()
                    .map(|e| (e.key.clone(), Value::from_yaml(&e.value)))
                    .collect(),
            ),
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Invalid => f.write_str("Invalid"),
            Value::Nil => f.write_str("Nil"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Int64(i) => write!(f, "Int64({i})"),
            Value::Float(x) => write!(f, "Float({x:?})"),
            Value::String(s) => write!(f, "String({:?})", s.as_str()),
            Value::Bytes(b) => write!(f, "Bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.items.borrow().iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.entries.borrow().iter()).finish(),
            Value::Object(o) => write!(f, "Object({})", o.type_name()),
        }
    }
}

/// Appends Go's `%v` of a byte slice, a list of decimal numbers (`[104 105]`). Charts
/// print whole files this way (a `.Files` map as a `dict` key), so this avoids the
/// formatter and writes the digits in blocks.
pub(crate) fn write_go_bytes(out: &mut String, bytes: &[u8]) {
    let mut buf: Vec<u8> = Vec::with_capacity(bytes.len() * 4 + 2);
    buf.push(b'[');
    for (i, &byte) in bytes.iter().enumerate() {
        if i > 0 {
            buf.push(b' ');
        }
        if byte >= 100 {
            buf.extend_from_slice(&[b'0' + byte / 100, b'0' + (byte / 10) % 10, b'0' + byte % 10]);
        } else if byte >= 10 {
            buf.extend_from_slice(&[b'0' + byte / 10, b'0' + byte % 10]);
        } else {
            buf.push(b'0' + byte);
        }
    }
    buf.push(b']');
    // Only ASCII digits, spaces and brackets were written.
    out.push_str(&String::from_utf8_lossy(&buf));
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which is what `%v` prints for a `float64`:
/// the shortest digits that read back as `f`, in exponent form when the decimal exponent is
/// below -4 or at least 6 (`1e+06`, `1.234567e+06`, `100000`, `1e-05`).
#[must_use]
pub fn format_float(f: f64) -> String {
    format_float_prec(f, 6)
}

/// Like [`format_float`] for a `float32` (`FormatFloat(f, 'g', -1, 32)`), used where Go
/// formats a YAML float key or `Chart.yaml` version.
#[must_use]
#[allow(clippy::cast_possible_truncation)]
pub fn format_float32(f: f64) -> String {
    let f = f as f32;
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let (digits, exp) = shortest_digits(&format!("{f:e}"));
    layout_g(f.is_sign_negative(), &digits, exp, 6)
}

/// Shortest `'g'` formatting with Go's rule: `%e` when `exp < -4 || exp >= eprec`.
fn format_float_prec(f: f64, eprec: i32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let (digits, exp) = shortest_digits(&format!("{f:e}"));
    layout_g(f.is_sign_negative(), &digits, exp, eprec)
}

/// Splits Rust's shortest `{:e}` output (`-1.2345e6`) into its digits and decimal exponent.
fn shortest_digits(e: &str) -> (String, i32) {
    let e = e.trim_start_matches('-');
    let (mantissa, exp) = e.split_once('e').unwrap_or((e, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

fn layout_g(negative: bool, digits: &str, exp: i32, eprec: i32) -> String {
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    let digits = if digits.chars().all(|c| c == '0') {
        "0"
    } else {
        digits.trim_end_matches('0')
    };
    // Go (strconv/ftoa.go): %e is used when the exponent is below -4 or at least the
    // precision, and the shortest formatting decides with precision 6.
    if digits == "0" {
        out.push('0');
        return out;
    }
    if exp < -4 || exp >= eprec {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let int_len = usize::try_from(exp + 1).unwrap_or(0);
        if digits.len() <= int_len {
            out.push_str(digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        // Expected values: Go's fmt.Sprint on the same float64 values.
        let cases = [
            (1_000_000.0, "1e+06"),
            (1_234_567.0, "1.234567e+06"),
            (1_048_576.0, "1.048576e+06"),
            (100_000.0, "100000"),
            (3.0, "3"),
            (0.5, "0.5"),
            (0.000_01, "1e-05"),
            (0.0001, "0.0001"),
            (-2.5, "-2.5"),
            (0.0, "0"),
            (123_456_789.0, "1.23456789e+08"),
            (1e21, "1e+21"),
            (1_234_567.5, "1.2345675e+06"),
            (f64::INFINITY, "+Inf"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float(f), want, "{f}");
        }
    }

    #[test]
    fn printing_matches_fmt() {
        let mut m = BTreeMap::new();
        m.insert(
            "b".to_string(),
            Value::list(vec![Value::Int(1), Value::Nil]),
        );
        m.insert("a".to_string(), Value::str("x"));
        assert_eq!(Value::map(m).to_go_string(), "map[a:x b:[1 <nil>]]");
        assert_eq!(Value::Invalid.to_go_string(), "<no value>");
        assert_eq!(
            Value::Bytes(Rc::from(&b"hi"[..])).to_go_string(),
            "[104 105]"
        );
    }

    #[test]
    fn maps_alias_like_go() {
        let a = Value::empty_map();
        let b = a.clone();
        if let Value::Map(m) = &b {
            m.entries.borrow_mut().insert("k".into(), Value::Bool(true));
        }
        assert_eq!(a.to_go_string(), "map[k:true]");
        let c = a.deep_copy();
        if let Value::Map(m) = &c {
            m.entries.borrow_mut().clear();
        }
        assert_eq!(a.to_go_string(), "map[k:true]");
    }
}
