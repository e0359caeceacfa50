//! Strings: trunc, trim, upper, lower, title, substr, repeat, replace, quote, squote, indent,
//! nindent, split, join, contains, the case conversions, random strings and the rest of
//! Sprig's string functions.
//!
//! # Go strings that are not UTF-8
//!
//! A Go string is a sequence of bytes; `trunc`, `substr`, `abbrev`, `wrapWith` and `b64dec`
//! can produce byte sequences that are not valid UTF-8 (half of a `é`). A [`Str`] holds UTF-8
//! text, so such bytes are carried losslessly: each byte that is not part of a valid UTF-8
//! sequence is stored as the character `U+10FF00 + byte` (the last 128 code points of the
//! supplementary private use area B, `U+10FF80..=U+10FFFF`, which real charts do not use).
//! [`go_bytes`] turns the text back into Go's bytes, [`string_from_go_bytes`] does the
//! reverse, so `trunc` followed by a concatenation that restores the character, `quote`
//! (`"\xc3"`), `b64enc`, the hashes and byte counts all see exactly Go's bytes. Functions
//! that iterate runes see such a byte as `U+FFFD`, as Go's decoder does. The writer of the
//! final output should convert with [`go_bytes`] too.

use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::{ElemType, List, Map, MapType, Str, Value};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use unicode_general_category::{get_general_category, GeneralCategory as Gc};

// ---------------------------------------------------------------------------------------
// Go string helpers shared by the other function modules.

/// First code point used for a byte that is not valid UTF-8 (see the module docs).
const RAW_BYTE_BASE: u32 = 0x10_FF00;

/// The raw byte a carrier character stands for, if it is one.
fn raw_byte(c: char) -> Option<u8> {
    let v = u32::from(c);
    if (RAW_BYTE_BASE + 0x80..=RAW_BYTE_BASE + 0xFF).contains(&v) {
        u8::try_from(v - RAW_BYTE_BASE).ok()
    } else {
        None
    }
}

/// Go's bytes of a string (carrier characters become the raw bytes they stand for).
#[must_use]
pub fn go_bytes(s: &str) -> Cow<'_, [u8]> {
    if !s.chars().any(|c| raw_byte(c).is_some()) {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut out = Vec::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for c in s.chars() {
        match raw_byte(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        }
    }
    Cow::Owned(out)
}

/// A string holding Go's `bytes` (bytes outside valid UTF-8 become carrier characters).
#[must_use]
pub fn string_from_go_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            out.push(char::from_u32(RAW_BYTE_BASE + u32::from(b)).unwrap_or('\u{FFFD}'));
        }
    }
    out
}

/// The rune Go's decoder sees for a character (a carrier character is `U+FFFD`).
pub(crate) fn go_rune(c: char) -> char {
    if raw_byte(c).is_some() {
        '\u{FFFD}'
    } else {
        c
    }
}

/// Go's `utf8.DecodeRune`: the rune at the start of `b` and its width; an invalid byte is
/// `U+FFFD` of width 1, an empty slice width 0.
pub(crate) fn decode_rune(b: &[u8]) -> (char, usize) {
    let Some(&first) = b.first() else {
        return ('\u{FFFD}', 0);
    };
    if first < 0x80 {
        return (char::from(first), 1);
    }
    let width = match first {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return ('\u{FFFD}', 1),
    };
    match b.get(..width).and_then(|p| std::str::from_utf8(p).ok()) {
        Some(s) => (s.chars().next().unwrap_or('\u{FFFD}'), width),
        None => ('\u{FFFD}', 1),
    }
}

/// The runes of a Go string, as `[]rune(s)` gives them.
pub(crate) fn go_runes(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().map(go_rune)
}

/// Sprig's `strval`: strings as they are, `[]byte` as a string, anything else as `%v`
/// (a nil interface is `<nil>`; objects print as `fmt` prints them, which calls `String()`).
#[must_use]
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.as_str().to_string(),
        Value::Bytes(b) => string_from_go_bytes(b),
        Value::Invalid | Value::Nil => "<nil>".to_string(),
        other => other.to_go_string(),
    }
}

/// Go's `strconv.Quote` (what `%q` prints for a string).
#[must_use]
pub fn go_quote(s: &str) -> String {
    let bytes = go_bytes(s);
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    let mut rest: &[u8] = &bytes;
    while !rest.is_empty() {
        let (c, width) = decode_rune(rest);
        if width == 1 && c == '\u{FFFD}' {
            out.push_str(&format!("\\x{:02x}", rest.first().copied().unwrap_or(0)));
        } else {
            push_quoted_rune(&mut out, c);
        }
        rest = rest.get(width.max(1)..).unwrap_or_default();
    }
    out.push('"');
    out
}

/// One rune of `strconv.Quote`'s output.
fn push_quoted_rune(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if is_print(c) => out.push(c),
        c if u32::from(c) < 0x20 || c == '\u{7f}' => {
            out.push_str(&format!("\\x{:02x}", u32::from(c)));
        }
        c if u32::from(c) < 0x1_0000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
    }
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and U+0020.
pub(crate) fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    matches!(
        get_general_category(c),
        Gc::UppercaseLetter
            | Gc::LowercaseLetter
            | Gc::TitlecaseLetter
            | Gc::ModifierLetter
            | Gc::OtherLetter
            | Gc::NonspacingMark
            | Gc::SpacingMark
            | Gc::EnclosingMark
            | Gc::DecimalNumber
            | Gc::LetterNumber
            | Gc::OtherNumber
            | Gc::ConnectorPunctuation
            | Gc::DashPunctuation
            | Gc::OpenPunctuation
            | Gc::ClosePunctuation
            | Gc::InitialPunctuation
            | Gc::FinalPunctuation
            | Gc::OtherPunctuation
            | Gc::MathSymbol
            | Gc::CurrencySymbol
            | Gc::ModifierSymbol
            | Gc::OtherSymbol
    )
}

/// Go's `unicode.IsSpace`.
pub(crate) fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (u32::from(c) > 0xff && c.is_whitespace())
}

/// Go's `unicode.IsUpper` (category Lu).
pub(crate) fn is_upper(c: char) -> bool {
    get_general_category(c) == Gc::UppercaseLetter
}

/// Go's `unicode.IsLower` (category Ll).
pub(crate) fn is_lower(c: char) -> bool {
    get_general_category(c) == Gc::LowercaseLetter
}

/// Go's `unicode.IsTitle` (category Lt).
pub(crate) fn is_title(c: char) -> bool {
    get_general_category(c) == Gc::TitlecaseLetter
}

/// Go's `unicode.IsLetter` (categories L*).
pub(crate) fn is_letter(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::UppercaseLetter
            | Gc::LowercaseLetter
            | Gc::TitlecaseLetter
            | Gc::ModifierLetter
            | Gc::OtherLetter
    )
}

/// Go's `unicode.IsDigit` (category Nd).
pub(crate) fn is_digit(c: char) -> bool {
    get_general_category(c) == Gc::DecimalNumber
}

/// Go's `unicode.IsNumber` (categories N*).
pub(crate) fn is_number(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::DecimalNumber | Gc::LetterNumber | Gc::OtherNumber
    )
}

/// Go's `unicode.IsPunct` (categories P*).
pub(crate) fn is_punct(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::ConnectorPunctuation
            | Gc::DashPunctuation
            | Gc::OpenPunctuation
            | Gc::ClosePunctuation
            | Gc::InitialPunctuation
            | Gc::FinalPunctuation
            | Gc::OtherPunctuation
    )
}

/// Go's `unicode.ToUpper`: the simple (one-rune) uppercase mapping.
pub(crate) fn to_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        // Full mappings of several runes: the simple mapping is the rune itself, except for
        // the Greek letters with ypogegrammeni, whose simple uppercase is the titlecase form.
        _ => match u32::from(c) {
            0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => {
                char::from_u32(u32::from(c) + 8).unwrap_or(c)
            }
            0x1FB3 => '\u{1FBC}',
            0x1FC3 => '\u{1FCC}',
            0x1FF3 => '\u{1FFC}',
            _ => c,
        },
    }
}

/// Go's `unicode.ToLower`: the simple lowercase mapping.
pub(crate) fn to_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `unicode.ToTitle`: like [`to_upper`] except for the Latin digraphs and Georgian.
pub(crate) fn to_title(c: char) -> char {
    match u32::from(c) {
        0x01C4..=0x01C6 => '\u{1C5}',
        0x01C7..=0x01C9 => '\u{1C8}',
        0x01CA..=0x01CC => '\u{1CB}',
        0x01F1..=0x01F3 => '\u{1F2}',
        0x10D0..=0x10FA | 0x10FD..=0x10FF => c,
        _ => to_upper(c),
    }
}

/// Go's `strings.Map` of a rune function (invalid bytes become `U+FFFD`).
fn map_runes(s: &str, f: impl Fn(char) -> char) -> String {
    go_runes(s).map(f).collect()
}

// ---------------------------------------------------------------------------------------
// Argument access (arguments arrive already checked against the signature).

/// The string argument at `i` (empty when absent or of another type).
pub(crate) fn arg_str(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

/// The `int`/`int64` argument at `i` (0 when absent or of another type).
pub(crate) fn arg_int(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

/// The argument at `i`, or a nil interface.
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Nil)
}

/// The first argument as a [`Str`], keeping its line origins.
fn arg_rich(args: &[Value], i: usize) -> Str {
    match args.get(i) {
        Some(Value::String(s)) => s.clone(),
        _ => Str::new(""),
    }
}

/// A string value from Go bytes.
pub(crate) fn bytes_value(bytes: &[u8]) -> Value {
    Value::str(string_from_go_bytes(bytes))
}

/// A `[]string` value.
pub(crate) fn string_list(items: Vec<String>) -> Value {
    Value::str_list(items)
}

/// The part `start..end` (byte offsets into `s`'s text) of `s`, keeping the origins of the
/// lines that remain.
fn keep_lines(s: &Str, start: usize, end: usize) -> Value {
    let text = s.as_str();
    let Some(kept) = text.get(start..end) else {
        return Value::str(text);
    };
    match s.origins() {
        None => Value::str(kept),
        Some(origins) => {
            let first = text.get(..start).unwrap_or("").matches('\n').count();
            let lines = kept.matches('\n').count() + 1;
            let kept_origins = (first..first + lines)
                .map(|i| origins.get(i).cloned().flatten())
                .collect();
            Value::String(Str::with_origins(kept, kept_origins))
        }
    }
}

// ---------------------------------------------------------------------------------------
// The functions.

const S: Ty = Ty::String;
const I: Ty = Ty::Int;
const A: Ty = Ty::Any;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("abbrev", Sig::fixed(&[I, S]), abbrev),
    FuncDef::new("abbrevboth", Sig::fixed(&[I, I, S]), abbrevboth),
    FuncDef::new("trunc", Sig::fixed(&[I, S]), trunc),
    FuncDef::new("trim", Sig::fixed(&[S]), trim),
    FuncDef::new("upper", Sig::fixed(&[S]), upper),
    FuncDef::new("lower", Sig::fixed(&[S]), lower),
    FuncDef::new("title", Sig::fixed(&[S]), title),
    FuncDef::new("untitle", Sig::fixed(&[S]), untitle),
    FuncDef::new("substr", Sig::fixed(&[I, I, S]), substr),
    FuncDef::new("repeat", Sig::fixed(&[I, S]), repeat),
    FuncDef::new("trimall", Sig::fixed(&[S, S]), trim_all),
    FuncDef::new("trimAll", Sig::fixed(&[S, S]), trim_all),
    FuncDef::new("trimSuffix", Sig::fixed(&[S, S]), trim_suffix),
    FuncDef::new("trimPrefix", Sig::fixed(&[S, S]), trim_prefix),
    FuncDef::new("nospace", Sig::fixed(&[S]), nospace),
    FuncDef::new("initials", Sig::fixed(&[S]), initials),
    FuncDef::new("randAlphaNum", Sig::fixed(&[I]), rand_alpha_num),
    FuncDef::new("randAlpha", Sig::fixed(&[I]), rand_alpha),
    FuncDef::new("randAscii", Sig::fixed(&[I]), rand_ascii),
    FuncDef::new("randNumeric", Sig::fixed(&[I]), rand_numeric),
    FuncDef::new("swapcase", Sig::fixed(&[S]), swapcase),
    FuncDef::new("shuffle", Sig::fixed(&[S]), shuffle),
    FuncDef::new("snakecase", Sig::fixed(&[S]), snakecase),
    FuncDef::new("camelcase", Sig::fixed(&[S]), camelcase),
    FuncDef::new("kebabcase", Sig::fixed(&[S]), kebabcase),
    FuncDef::new("wrap", Sig::fixed(&[I, S]), wrap),
    FuncDef::new("wrapWith", Sig::fixed(&[I, S, S]), wrap_with),
    FuncDef::new("contains", Sig::fixed(&[S, S]), contains),
    FuncDef::new("hasPrefix", Sig::fixed(&[S, S]), has_prefix),
    FuncDef::new("hasSuffix", Sig::fixed(&[S, S]), has_suffix),
    FuncDef::new("quote", Sig::variadic(&[], A), quote),
    FuncDef::new("squote", Sig::variadic(&[], A), squote),
    FuncDef::new("cat", Sig::variadic(&[], A), cat),
    FuncDef::new("indent", Sig::fixed(&[I, S]), indent),
    FuncDef::new("nindent", Sig::fixed(&[I, S]), nindent),
    FuncDef::new("replace", Sig::fixed(&[S, S, S]), replace),
    FuncDef::new("plural", Sig::fixed(&[S, S, I]), plural),
    FuncDef::new("toString", Sig::fixed(&[A]), to_string),
    FuncDef::new("splitList", Sig::fixed(&[S, S]), split_list),
    FuncDef::new("split", Sig::fixed(&[S, S]), split),
    FuncDef::new("splitn", Sig::fixed(&[S, I, S]), splitn),
    FuncDef::new("toStrings", Sig::fixed(&[A]), to_strings),
    FuncDef::new("join", Sig::fixed(&[S, A]), join),
    FuncDef::new("sortAlpha", Sig::fixed(&[A]), sort_alpha),
    FuncDef::new("seq", Sig::variadic(&[], I), seq),
];

/// The result of goutils' `AbbreviateFull` on bytes (`None` for its errors, which Sprig
/// turns into `""`).
fn abbreviate_full(s: &[u8], offset: i64, width: i64) -> Option<Vec<u8>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    if width < 4 {
        return None;
    }
    let len = i64::try_from(s.len()).unwrap_or(i64::MAX);
    if len <= width {
        return Some(s.to_vec());
    }
    let mut offset = offset.min(len);
    if len - offset < width - 3 {
        offset = len - (width - 3);
    }
    let cut = |a: i64, b: i64| -> Vec<u8> {
        let a = usize::try_from(a).unwrap_or(0);
        let b = usize::try_from(b).unwrap_or(0);
        s.get(a..b).unwrap_or_default().to_vec()
    };
    if offset <= 4 {
        let mut out = cut(0, width - 3);
        out.extend_from_slice(b"...");
        return Some(out);
    }
    if width < 7 {
        return None;
    }
    let mut out = b"...".to_vec();
    if offset + width - 3 < len {
        let tail = cut(offset, len);
        out.extend(abbreviate_full(&tail, 0, width - 3).unwrap_or_default());
    } else {
        out.extend(cut(len - (width - 3), len));
    }
    Some(out)
}

fn abbrev(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let width = arg_int(&args, 0);
    let s = arg_str(&args, 1);
    if width < 4 {
        return Ok(Value::str(s));
    }
    let out = abbreviate_full(&go_bytes(s), 0, width).unwrap_or_default();
    Ok(bytes_value(&out))
}

fn abbrevboth(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (left, right) = (arg_int(&args, 0), arg_int(&args, 1));
    let s = arg_str(&args, 2);
    if right < 4 || left > 0 && right < 7 {
        return Ok(Value::str(s));
    }
    let out = abbreviate_full(&go_bytes(s), left, right).unwrap_or_default();
    Ok(bytes_value(&out))
}

fn trunc(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let c = arg_int(&args, 0);
    let s = arg_str(&args, 1);
    let b = go_bytes(s);
    let len = i64::try_from(b.len()).unwrap_or(i64::MAX);
    let range = if c < 0 && len + c > 0 {
        usize::try_from(len + c).unwrap_or(0)..b.len()
    } else if c >= 0 && len > c {
        0..usize::try_from(c).unwrap_or(0)
    } else {
        return Ok(Value::str(s));
    };
    Ok(bytes_value(b.get(range).unwrap_or_default()))
}

/// Go's `unicode.IsSpace` on a character of our text (carriers are never space).
fn space_char(c: char) -> bool {
    is_space(go_rune(c))
}

fn trim(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let s = arg_rich(&args, 0);
    let text = s.as_str();
    let start = text.len() - text.trim_start_matches(space_char).len();
    let end = text.trim_end_matches(space_char).len().max(start);
    Ok(keep_lines(&s, start, end))
}

/// `strings.ToUpper`.
pub(crate) fn go_upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    map_runes(s, to_upper)
}

/// `strings.ToLower`.
pub(crate) fn go_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    map_runes(s, to_lower)
}

fn upper(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(go_upper(arg_str(&args, 0))))
}

fn lower(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(go_lower(arg_str(&args, 0))))
}

/// `strings.Title`'s word separators.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if is_letter(c) || is_digit(c) {
        return false;
    }
    is_space(c)
}

fn title(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut prev = ' ';
    let out = go_runes(arg_str(&args, 0))
        .map(|c| {
            let sep = is_separator(prev);
            prev = c;
            if sep {
                to_title(c)
            } else {
                c
            }
        })
        .collect::<String>();
    Ok(Value::str(out))
}

fn untitle(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let s = arg_str(&args, 0);
    let mut next = true;
    let out = go_runes(s)
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                to_lower(c)
            } else {
                c
            }
        })
        .collect::<String>();
    Ok(Value::str(out))
}

/// The message of Go's runtime panic for `s[low:high]` (`None` for an omitted bound).
fn slice_panic(low: Option<i64>, high: Option<i64>, len: usize) -> String {
    let msg = match (low, high) {
        (None, Some(h)) if h < 0 => format!("[:{h}]"),
        (None, Some(h)) => format!("[:{h}] with length {len}"),
        (Some(l), None) => format!("[{l}:{len}]"),
        (Some(l), Some(h)) => format!("[{l}:{h}]"),
        (None, None) => String::new(),
    };
    format!("runtime error: slice bounds out of range {msg}")
}

fn substr(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (start, end) = (arg_int(&args, 0), arg_int(&args, 1));
    let b = go_bytes(arg_str(&args, 2));
    let len = i64::try_from(b.len()).unwrap_or(i64::MAX);
    let idx = |n: i64| usize::try_from(n).unwrap_or(0);
    let out = if start < 0 {
        if end < 0 || end > len {
            return Err(slice_panic(None, Some(end), b.len()));
        }
        b.get(..idx(end))
    } else if end < 0 || end > len {
        if start > len {
            return Err(slice_panic(Some(start), None, b.len()));
        }
        b.get(idx(start)..)
    } else {
        if start > end {
            return Err(slice_panic(Some(start), Some(end), b.len()));
        }
        b.get(idx(start)..idx(end))
    };
    Ok(bytes_value(out.unwrap_or_default()))
}

fn repeat(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let count = arg_int(&args, 0);
    let s = arg_str(&args, 1);
    if count < 0 {
        return Err("strings: negative Repeat count".to_string());
    }
    let count = usize::try_from(count).map_err(|_| "strings: Repeat output length overflow")?;
    let len = s
        .len()
        .checked_mul(count)
        .ok_or("strings: Repeat output length overflow")?;
    ctx.check_string_len(len)?;
    Ok(Value::str(s.repeat(count)))
}

/// `strings.Trim(s, cutset)`.
fn go_trim<'a>(s: &'a str, cutset: &str) -> &'a str {
    if s.is_empty() || cutset.is_empty() {
        return s;
    }
    let set: Vec<char> = go_runes(cutset).collect();
    s.trim_matches(|c: char| set.contains(&go_rune(c)))
}

fn trim_all(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(go_trim(arg_str(&args, 1), arg_str(&args, 0))))
}

fn trim_suffix(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let suffix = arg_str(&args, 0);
    let s = arg_rich(&args, 1);
    let text = s.as_str();
    let end = if text.ends_with(suffix) {
        text.len() - suffix.len()
    } else {
        text.len()
    };
    Ok(keep_lines(&s, 0, end))
}

fn trim_prefix(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let prefix = arg_str(&args, 0);
    let s = arg_rich(&args, 1);
    let text = s.as_str();
    let start = if text.starts_with(prefix) {
        prefix.len()
    } else {
        0
    };
    Ok(keep_lines(&s, start, text.len()))
}

/// The Latin-1 character goutils sees when it reads one byte as a rune.
fn latin1(b: u8) -> char {
    char::from(b)
}

fn nospace(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let s = arg_str(&args, 0);
    let b = go_bytes(s);
    if !b.iter().any(|&c| is_space(latin1(c))) {
        return Ok(Value::str(s));
    }
    let out: String = b
        .iter()
        .map(|&c| latin1(c))
        .filter(|&c| !is_space(c))
        .collect();
    Ok(Value::str(out))
}

fn initials(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut gap = true;
    let mut out = String::new();
    for &byte in go_bytes(arg_str(&args, 0)).iter() {
        let c = latin1(byte);
        if is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    Ok(Value::str(out))
}

/// A deterministic stand-in for goutils' random strings: `count` characters of `alphabet`.
fn random_string(ctx: &mut FuncCtx, count: i64, alphabet: &[u8]) -> Result<Value, String> {
    if count <= 0 {
        // goutils reports an error for a negative length, which Sprig drops.
        return Ok(Value::str(""));
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    ctx.check_string_len(count)?;
    let n = u64::try_from(alphabet.len()).unwrap_or(1).max(1);
    let out: String = (0..count)
        .map(|_| {
            let i = usize::try_from(ctx.next_u64() % n).unwrap_or(0);
            char::from(alphabet.get(i).copied().unwrap_or(b'a'))
        })
        .collect();
    Ok(Value::str(out))
}

const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGITS: &[u8] = b"0123456789";

fn rand_alpha_num(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    random_string(ctx, arg_int(&args, 0), ALNUM)
}

fn rand_alpha(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    random_string(ctx, arg_int(&args, 0), ALPHA)
}

fn rand_ascii(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    // goutils draws from the printable ASCII range 32..=126.
    let printable: Vec<u8> = (32u8..=126).collect();
    random_string(ctx, arg_int(&args, 0), &printable)
}

fn rand_numeric(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    random_string(ctx, arg_int(&args, 0), DIGITS)
}

fn swapcase(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut whitespace = true;
    let out: String = go_runes(arg_str(&args, 0))
        .map(|c| {
            if is_upper(c) || is_title(c) {
                whitespace = false;
                to_lower(c)
            } else if is_lower(c) {
                if whitespace {
                    whitespace = false;
                    to_title(c)
                } else {
                    to_upper(c)
                }
            } else {
                whitespace = is_space(c);
                c
            }
        })
        .collect();
    Ok(Value::str(out))
}

fn shuffle(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let mut runes: Vec<char> = go_runes(arg_str(&args, 0)).collect();
    for i in (1..runes.len()).rev() {
        let bound = u64::try_from(i + 1).unwrap_or(1);
        let j = usize::try_from(ctx.next_u64() % bound).unwrap_or(0);
        runes.swap(i, j);
    }
    Ok(Value::str(runes.into_iter().collect::<String>()))
}

// xstrings v1.5.0 word splitting (snakecase, kebabcase) and camel casing.

/// xstrings' connectors: `-`, `_` and Unicode spaces.
fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// xstrings' `isAlphabet`: letters, except CJK ideographs and some other scripts.
fn is_alphabet(c: char) -> bool {
    if !is_letter(c) {
        return false;
    }
    let v = u32::from(c);
    // The ranges xstrings treats as non-alphabetic CJK characters.
    !matches!(
        v,
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2B73F
            | 0x2B740..=0x2B81F
            | 0x2B820..=0x2CEAF
            | 0xF900..=0xFAFF
            | 0x2F800..=0x2FA1F
    )
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextValidRune`: the first decodable rune (skipping invalid bytes) and the
/// bytes consumed; `prev` when there is none.
fn next_valid_rune(s: &[u8], prev: char) -> (char, usize) {
    let mut size = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let (r, sz) = decode_rune(rest);
        size += sz;
        if r != '\u{FFFD}' {
            return (r, size);
        }
        rest = rest.get(sz..).unwrap_or_default();
    }
    (prev, size)
}

/// xstrings' `nextWord`: the type of the next word, the word and the rest.
fn next_word(s: &[u8]) -> (Word, &[u8], &[u8]) {
    if s.is_empty() {
        return (Word::Invalid, s, s);
    }
    let tail = |n: usize| s.get(n..).unwrap_or_default();
    let (mut r, size) = next_valid_rune(s, '\u{FFFD}');
    let mut offset = size;
    if r == '\u{FFFD}' {
        return (Word::Invalid, s.get(..offset).unwrap_or(s), tail(offset));
    }
    let mut remaining = tail(size);
    let same_class =
        |remaining: &mut &[u8], offset: &mut usize, r: &mut char, ok: &dyn Fn(char) -> bool| {
            while !remaining.is_empty() {
                let (nr, sz) = next_valid_rune(remaining, *r);
                *r = nr;
                if !ok(nr) {
                    break;
                }
                *offset += sz;
                *remaining = remaining.get(sz..).unwrap_or_default();
            }
        };
    let wt;
    if is_connector(r) {
        wt = Word::Connector;
        same_class(&mut remaining, &mut offset, &mut r, &is_connector);
    } else if is_punct(r) {
        wt = Word::Punct;
        same_class(&mut remaining, &mut offset, &mut r, &is_punct);
    } else if is_upper(r) {
        wt = Word::Upper;
        if !remaining.is_empty() {
            let (nr, sz) = next_valid_rune(remaining, r);
            r = nr;
            if is_upper(r) {
                let mut prev_size = sz;
                offset += sz;
                remaining = remaining.get(sz..).unwrap_or_default();
                while !remaining.is_empty() {
                    let (nr, sz) = next_valid_rune(remaining, r);
                    r = nr;
                    if !is_upper(r) {
                        break;
                    }
                    prev_size = sz;
                    offset += sz;
                    remaining = remaining.get(sz..).unwrap_or_default();
                }
                // "HTTPStatus" splits into "HTTP" and "Status".
                if !remaining.is_empty() && is_alphabet(r) {
                    offset -= prev_size;
                    remaining = tail(offset);
                }
            } else if is_alphabet(r) {
                offset += sz;
                remaining = remaining.get(sz..).unwrap_or_default();
                same_class(&mut remaining, &mut offset, &mut r, &|c| {
                    is_alphabet(c) && !is_upper(c)
                });
            }
        }
    } else if is_alphabet(r) {
        wt = Word::Alphabet;
        same_class(&mut remaining, &mut offset, &mut r, &|c| {
            is_alphabet(c) && !is_upper(c)
        });
    } else if is_number(r) {
        wt = Word::Number;
        same_class(&mut remaining, &mut offset, &mut r, &is_number);
    } else {
        wt = Word::Other;
        while !remaining.is_empty() {
            let (nr, sz) = next_valid_rune(remaining, r);
            r = nr;
            if sz == 0 || is_connector(r) || is_alphabet(r) || is_number(r) || is_punct(r) {
                break;
            }
            offset += sz;
            remaining = remaining.get(sz..).unwrap_or_default();
        }
    }
    (wt, s.get(..offset).unwrap_or(s), remaining)
}

fn push_rune(buf: &mut Vec<u8>, c: char) {
    let mut tmp = [0u8; 4];
    buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
}

/// xstrings' `toLower` of one word.
fn word_to_lower(buf: &mut Vec<u8>, wt: Word, word: &[u8], connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        buf.extend_from_slice(word);
        return;
    }
    let mut rest = word;
    while !rest.is_empty() {
        let (r, size) = decode_rune(rest);
        rest = rest.get(size..).unwrap_or_default();
        if is_connector(r) {
            push_rune(buf, connector);
        } else if is_upper(r) {
            push_rune(buf, to_lower(r));
        } else {
            push_rune(buf, r);
        }
    }
}

/// xstrings' `camelCaseToLowerCase` (snake and kebab case).
fn camel_to_lower(s: &[u8], connector: char) -> Vec<u8> {
    let mut buf = Vec::with_capacity(s.len() + 8);
    if s.is_empty() {
        return buf;
    }
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != Word::Connector {
            word_to_lower(&mut buf, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    word_to_lower(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && wt != Word::Punct && wt != Word::Connector {
                    push_rune(&mut buf, connector);
                }
            }
            Word::Connector => word_to_lower(&mut buf, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        push_rune(&mut buf, connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                if wt != Word::Alphabet {
                    word_to_lower(&mut buf, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        push_rune(&mut buf, connector);
                    }
                    continue;
                }
                push_rune(&mut buf, connector);
                word_to_lower(&mut buf, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    word_to_lower(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                    push_rune(&mut buf, connector);
                }
            }
        }
    }
    word_to_lower(&mut buf, wt, word, connector);
    buf
}

fn snakecase(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(bytes_value(&camel_to_lower(
        &go_bytes(arg_str(&args, 0)),
        '_',
    )))
}

fn kebabcase(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(bytes_value(&camel_to_lower(
        &go_bytes(arg_str(&args, 0)),
        '-',
    )))
}

/// xstrings' `ToPascalCase` (`toCamelCase(s, true)`).
fn pascal_case(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_empty() {
        return out;
    }
    let mut rest = s;
    let mut first_upper = false;
    let mut r0 = '\u{FFFD}';
    let mut size = 0;
    while !rest.is_empty() {
        (r0, size) = decode_rune(rest);
        rest = rest.get(size..).unwrap_or_default();
        if !is_connector(r0) {
            first_upper = is_upper(r0);
            r0 = to_upper(r0);
            break;
        }
        out.push(r0);
    }
    if rest.is_empty() {
        // Go writes the last rune again when the string is only connectors ("__" -> "___").
        if size != 0 {
            out.push(r0);
        }
        return out;
    }
    while !rest.is_empty() {
        let r1 = r0;
        (r0, size) = decode_rune(rest);
        rest = rest.get(size..).unwrap_or_default();
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = is_upper(r0);
            r0 = to_upper(r0);
        } else {
            if first_upper {
                if is_upper(r0) {
                    r0 = to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

fn camelcase(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(pascal_case(&go_bytes(arg_str(&args, 0)))))
}

/// goutils' `WrapCustom` on bytes.
fn wrap_custom(s: &[u8], width: i64, sep: &[u8], long_words: bool) -> Vec<u8> {
    if s.is_empty() {
        return Vec::new();
    }
    let sep: &[u8] = if sep.is_empty() { b"\n" } else { sep };
    let width = usize::try_from(width.max(1)).unwrap_or(usize::MAX);
    let len = s.len();
    let mut offset = 0usize;
    let mut out = Vec::with_capacity(len + len / width.max(1) * sep.len());
    let get = |a: usize, b: usize| s.get(a..b).unwrap_or_default();
    while len - offset > width {
        if s.get(offset) == Some(&b' ') {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        let space = get(offset, end).iter().rposition(|&c| c == b' ');
        if let Some(space) = space {
            let at = space + offset;
            out.extend_from_slice(get(offset, at));
            out.extend_from_slice(sep);
            offset = at + 1;
        } else if long_words {
            let end = width + offset;
            out.extend_from_slice(get(offset, end));
            out.extend_from_slice(sep);
            offset += width;
        } else {
            let end = width + offset;
            match get(end, len).iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(get(offset, len));
                    offset = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(get(offset, at));
                    out.extend_from_slice(sep);
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(get(offset, len));
    out
}

fn wrap(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let out = wrap_custom(&go_bytes(arg_str(&args, 1)), arg_int(&args, 0), b"", false);
    ctx.check_string_len(out.len())?;
    Ok(bytes_value(&out))
}

fn wrap_with(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let sep = go_bytes(arg_str(&args, 1)).into_owned();
    let s = go_bytes(arg_str(&args, 2)).into_owned();
    let width = arg_int(&args, 0);
    // Each cut adds one separator: bound the result before building it.
    let cuts = s.len() / usize::try_from(width.max(1)).unwrap_or(1);
    ctx.check_string_len(
        s.len()
            .saturating_add(cuts.saturating_mul(sep.len().max(1))),
    )?;
    Ok(bytes_value(&wrap_custom(&s, width, &sep, true)))
}

fn contains(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(&args, 1).contains(arg_str(&args, 0))))
}

fn has_prefix(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(
        arg_str(&args, 1).starts_with(arg_str(&args, 0)),
    ))
}

fn has_suffix(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(&args, 1).ends_with(arg_str(&args, 0))))
}

fn quote(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let parts: Vec<String> = args
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| go_quote(&strval(v)))
        .collect();
    let out = parts.join(" ");
    ctx.check_string_len(out.len())?;
    Ok(Value::str(out))
}

fn squote(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let parts: Vec<String> = args
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| format!("'{}'", v.to_go_string()))
        .collect();
    let out = parts.join(" ");
    ctx.check_string_len(out.len())?;
    Ok(Value::str(out))
}

fn cat(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let parts: Vec<String> = args
        .iter()
        .filter(|v| !v.is_nil())
        .map(Value::to_go_string)
        .collect();
    let out = parts.join(" ");
    ctx.check_string_len(out.len())?;
    Ok(Value::str(out))
}

/// `indent`'s text and origins; `leading_newline` gives `nindent`.
fn indent_impl(ctx: &FuncCtx, args: &[Value], leading_newline: bool) -> Result<Value, String> {
    let n = arg_int(args, 0);
    let s = arg_rich(args, 1);
    let text = s.as_str();
    let pad = " ".repeat(usize::try_from(n).unwrap_or(0));
    let lines = text.matches('\n').count() + 1;
    let len = pad
        .len()
        .checked_mul(lines)
        .and_then(|p| p.checked_add(text.len()))
        .and_then(|p| p.checked_add(usize::from(leading_newline)))
        .ok_or("strings: Repeat output length overflow")?;
    ctx.check_string_len(len)?;
    let mut out = String::with_capacity(len);
    if leading_newline {
        out.push('\n');
    }
    out.push_str(&pad);
    out.push_str(&text.replace('\n', &format!("\n{pad}")));
    let Some(origins) = s.origins() else {
        return Ok(Value::str(out));
    };
    let mut kept: Vec<_> = Vec::with_capacity(lines + 1);
    if leading_newline {
        kept.push(None);
    }
    kept.extend((0..lines).map(|i| origins.get(i).cloned().flatten()));
    Ok(Value::String(Str::with_origins(out, kept)))
}

fn indent(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    if arg_int(&args, 0) < 0 {
        return Err("strings: negative Repeat count".to_string());
    }
    indent_impl(ctx, &args, false)
}

fn nindent(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    if arg_int(&args, 0) < 0 {
        return Err("strings: negative Repeat count".to_string());
    }
    indent_impl(ctx, &args, true)
}

/// `strings.Replace(s, old, new, -1)`: an empty `old` matches before every rune and at the
/// end.
fn go_replace(s: &str, old: &str, new: &str) -> String {
    if !old.is_empty() {
        return s.replace(old, new);
    }
    let mut out = String::with_capacity(s.len() + (s.len() + 1) * new.len());
    out.push_str(new);
    for c in s.chars() {
        out.push(c);
        out.push_str(new);
    }
    out
}

fn replace(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (old, new, src) = (arg_str(&args, 0), arg_str(&args, 1), arg_str(&args, 2));
    let matches = if old.is_empty() {
        src.chars().count() + 1
    } else {
        src.matches(old).count()
    };
    let len = matches
        .checked_mul(new.len())
        .and_then(|n| n.checked_add(src.len()))
        .ok_or("strings: Replace output length overflow")?;
    ctx.check_string_len(len)?;
    Ok(Value::str(go_replace(src, old, new)))
}

fn plural(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let i = if arg_int(&args, 2) == 1 { 0 } else { 1 };
    Ok(Value::str(arg_str(&args, i)))
}

fn to_string(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    match args.into_iter().next() {
        Some(Value::String(s)) => Ok(Value::String(s)),
        Some(v) => Ok(Value::str(strval(&v))),
        None => Ok(Value::str("<nil>")),
    }
}

/// `strings.Split(s, sep)` (an empty separator splits into runes; an invalid byte is a part
/// of its own).
fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = usize::try_from(n).unwrap_or(usize::MAX);
    if sep.is_empty() {
        let chars: Vec<char> = s.chars().collect();
        let count = chars.len().min(limit);
        let mut out: Vec<String> = chars
            .iter()
            .take(count.saturating_sub(1))
            .map(char::to_string)
            .collect();
        if count > 0 {
            out.push(chars.get(count - 1..).unwrap_or_default().iter().collect());
        }
        return out;
    }
    s.splitn(limit, sep).map(str::to_string).collect()
}

fn split_list(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let parts = go_split(arg_str(&args, 1), arg_str(&args, 0), -1);
    ctx.check_list_len(parts.len())?;
    Ok(string_list(parts))
}

/// Sprig's `split`/`splitn` result: `map[string]string` with keys `_0`, `_1`…
fn parts_map(parts: Vec<String>) -> Value {
    let entries: BTreeMap<String, Value> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::str(p)))
        .collect();
    Value::Map(Map {
        entries: Rc::new(RefCell::new(entries)),
        ty: MapType::String,
    })
}

fn split(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let parts = go_split(arg_str(&args, 1), arg_str(&args, 0), -1);
    ctx.check_list_len(parts.len())?;
    Ok(parts_map(parts))
}

fn splitn(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let parts = go_split(arg_str(&args, 2), arg_str(&args, 0), arg_int(&args, 1));
    ctx.check_list_len(parts.len())?;
    Ok(parts_map(parts))
}

/// Sprig's `strslice`: the strings of a list (nil elements skipped), or of one value.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l
            .items
            .borrow()
            .iter()
            .filter(|x| l.elem == ElemType::String || !x.is_nil())
            .map(strval)
            .collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Invalid | Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

fn to_strings(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    match args.first() {
        // A `[]string` is returned as it is (the same slice).
        Some(v @ Value::List(l)) if l.elem == ElemType::String => Ok(v.clone()),
        Some(v) => Ok(string_list(strslice(v))),
        None => Ok(string_list(Vec::new())),
    }
}

fn join(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let parts = strslice(arg(&args, 1));
    let sep = arg_str(&args, 0);
    let len = parts.iter().map(String::len).sum::<usize>()
        + sep.len().saturating_mul(parts.len().saturating_sub(1));
    ctx.check_string_len(len)?;
    Ok(Value::str(parts.join(sep)))
}

/// Byte order of Go strings.
#[allow(clippy::ptr_arg)] // used with `sort_by` on `Vec<String>`
fn go_cmp(a: &String, b: &String) -> std::cmp::Ordering {
    go_bytes(a).cmp(&go_bytes(b))
}

fn sort_alpha(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let v = arg(&args, 0);
    match v {
        // `strslice` returns a `[]string` itself, so Go sorts the caller's slice in place.
        Value::List(l) if l.elem == ElemType::String => {
            let mut items: Vec<String> = l.items.borrow().iter().map(strval).collect();
            items.sort_by(go_cmp);
            let sorted: Vec<Value> = items.into_iter().map(Value::str).collect();
            *l.items.borrow_mut() = sorted;
            Ok(Value::List(List {
                items: Rc::clone(&l.items),
                elem: ElemType::String,
            }))
        }
        Value::List(_) | Value::Bytes(_) => {
            let mut items = strslice(v);
            items.sort_by(go_cmp);
            Ok(string_list(items))
        }
        other => Ok(string_list(vec![strval(other)])),
    }
}

/// Sprig's `untilStep` as a count-checked vector.
pub(crate) fn until_step(
    ctx: &FuncCtx,
    start: i64,
    stop: i64,
    step: i64,
) -> Result<Vec<i64>, String> {
    let (s, e, st) = (i128::from(start), i128::from(stop), i128::from(step));
    let count: i128 = if e < s {
        if st >= 0 {
            0
        } else {
            (s - e + (-st) - 1) / (-st)
        }
    } else if st <= 0 {
        0
    } else {
        (e - s + st - 1) / st
    };
    ctx.check_list_len(usize::try_from(count).unwrap_or(usize::MAX))?;
    let count = usize::try_from(count).unwrap_or(0);
    let mut out = Vec::with_capacity(count);
    let mut i = start;
    for _ in 0..count {
        out.push(i);
        i = i.wrapping_add(step);
    }
    Ok(out)
}

fn seq(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let p: Vec<i64> = (0..args.len()).map(|i| arg_int(&args, i)).collect();
    let items = match p.as_slice() {
        [end] => {
            let (start, inc) = if *end < 1 { (1, -1) } else { (1, 1) };
            until_step(ctx, start, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(ctx, *start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if *step > 0 {
                    return Ok(Value::str(""));
                }
            }
            until_step(ctx, *start, end.wrapping_add(inc), *step)?
        }
        _ => Vec::new(),
    };
    let parts: Vec<String> = items.iter().map(i64::to_string).collect();
    let out = parts.join(" ");
    ctx.check_string_len(out.len())?;
    Ok(Value::str(out))
}

#[cfg(test)]
mod go_table {
    use crate::funcs::{lookup, FuncCtx};
    use crate::value::Value;

    /// Calls a function of the table and prints the result as a template would (errors as
    /// `ERR message`, bytes that are not UTF-8 as `HEX:…`).
    fn run(name: &str, args: Vec<Value>) -> String {
        let Some(call) = lookup(name).and_then(|d| d.call) else {
            return format!("no function {name}");
        };
        let mut ctx = FuncCtx::default();
        match call(&mut ctx, args) {
            Err(e) => format!("ERR {e}"),
            Ok(v) => {
                let text = v.to_go_string();
                let bytes = super::go_bytes(&text);
                match std::str::from_utf8(&bytes) {
                    Ok(s) => s.to_string(),
                    Err(_) => format!(
                        "HEX:{}",
                        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
                    ),
                }
            }
        }
    }

    /// Results of Sprig v3.3.0's functions, obtained by executing `{{ fn args… }}` with Go's
    /// text/template and Sprig's function map (error texts are what follows
    /// `error calling fn: `).
    #[allow(clippy::too_many_lines, clippy::approx_constant)]
    fn cases() -> Vec<(&'static str, Vec<Value>, &'static str)> {
        vec![
        ("abbrev", vec![Value::Int(5), Value::str("hello world")], "he..."),
        ("abbrev", vec![Value::Int(3), Value::str("hello world")], "hello world"),
        ("abbrev", vec![Value::Int(20), Value::str("hello")], "hello"),
        ("abbrevboth", vec![Value::Int(5), Value::Int(10), Value::str("1234 5678 9123 4567")], "...5678..."),
        ("abbrevboth", vec![Value::Int(0), Value::Int(10), Value::str("1234 5678 9123 4567")], "1234 56..."),
        ("abbrevboth", vec![Value::Int(1), Value::Int(5), Value::str("abcdefghijkl")], "abcdefghijkl"),
        ("trunc", vec![Value::Int(3), Value::str("h\u{e9}llo")], "h\u{e9}"),
        ("trunc", vec![Value::Int(2), Value::str("h\u{e9}llo")], "HEX:68c3"),
        ("trunc", vec![Value::Int(-2), Value::str("h\u{e9}llo")], "lo"),
        ("trunc", vec![Value::Int(-10), Value::str("abc")], "abc"),
        ("trunc", vec![Value::Int(0), Value::str("abc")], ""),
        ("trim", vec![Value::str("  a b \u{a}\u{9}")], "a b"),
        ("upper", vec![Value::str("stra\u{df}e \u{1c6} \u{fb00} \u{1fb3}")], "STRA\u{df}E \u{1c4} \u{fb00} \u{1fbc}"),
        ("lower", vec![Value::str("\u{130}STANBUL \u{1c5}")], "istanbul \u{1c6}"),
        ("title", vec![Value::str("hello wOrld-foo_bar x.y \u{f1}and\u{fa} 1a")], "Hello WOrld-Foo_bar X.Y \u{d1}and\u{fa} 1a"),
        ("title", vec![Value::str("\u{1c6}emal \u{1c9}")], "\u{1c5}emal \u{1c8}"),
        ("untitle", vec![Value::str("Hello World \u{c9}T\u{c9}")], "hello world \u{e9}T\u{c9}"),
        ("substr", vec![Value::Int(1), Value::Int(3), Value::str("abcdef")], "bc"),
        ("substr", vec![Value::Int(-1), Value::Int(3), Value::str("abcdef")], "abc"),
        ("substr", vec![Value::Int(2), Value::Int(-1), Value::str("abcdef")], "cdef"),
        ("substr", vec![Value::Int(2), Value::Int(99), Value::str("abcdef")], "cdef"),
        ("substr", vec![Value::Int(-1), Value::Int(99), Value::str("abc")], "ERR runtime error: slice bounds out of range [:99] with length 3"),
        ("substr", vec![Value::Int(9), Value::Int(-1), Value::str("abc")], "ERR runtime error: slice bounds out of range [9:3]"),
        ("substr", vec![Value::Int(3), Value::Int(1), Value::str("abcdef")], "ERR runtime error: slice bounds out of range [3:1]"),
        ("substr", vec![Value::Int(-1), Value::Int(-2), Value::str("abc")], "ERR runtime error: slice bounds out of range [:-2]"),
        ("substr", vec![Value::Int(0), Value::Int(2), Value::str("\u{e9}")], "\u{e9}"),
        ("repeat", vec![Value::Int(3), Value::str("ab")], "ababab"),
        ("repeat", vec![Value::Int(-1), Value::str("ab")], "ERR strings: negative Repeat count"),
        ("repeat", vec![Value::Int(0), Value::str("ab")], ""),
        ("trimAll", vec![Value::str("$-"), Value::str("$-a$b-$")], "a$b"),
        ("trimall", vec![Value::str("ab"), Value::str("abcba")], "c"),
        ("trimSuffix", vec![Value::str("-"), Value::str("a--")], "a-"),
        ("trimPrefix", vec![Value::str("-"), Value::str("--a")], "-a"),
        ("nospace", vec![Value::str(" a b\u{9}c\u{a0}d \u{fc}")], "abc\u{c2}d\u{c3}\u{bc}"),
        ("nospace", vec![Value::str("\u{e0}b")], "\u{c3}b"),
        ("initials", vec![Value::str("hello big world")], "hbw"),
        ("initials", vec![Value::str("\u{e9}lan vital")], "\u{c3}v"),
        ("swapcase", vec![Value::str("This Is A Test \u{1c5}x")], "tHIS iS a tEST \u{1c6}X"),
        ("swapcase", vec![Value::str("hello WORLD  mixed \u{1c6}")], "HELLO world  MIXED \u{1c5}"),
        ("snakecase", vec![Value::str("HTTPServer")], "http_server"),
        ("snakecase", vec![Value::str("FirstName")], "first_name"),
        ("snakecase", vec![Value::str("version2Beta")], "version2_beta"),
        ("snakecase", vec![Value::str("foo123bar")], "foo_123bar"),
        ("snakecase", vec![Value::str("ALL_CAPS")], "all_caps"),
        ("snakecase", vec![Value::str("hello world-foo_bar")], "hello_world_foo_bar"),
        ("snakecase", vec![Value::str("__a")], "__a"),
        ("snakecase", vec![Value::str("a.b,c")], "a.b,c"),
        ("snakecase", vec![Value::str("ID2Go")], "id2_go"),
        ("snakecase", vec![Value::str("abc123DEF")], "abc123_def"),
        ("snakecase", vec![Value::str("123abc")], "123abc"),
        ("snakecase", vec![Value::str("\u{dc}n\u{ef}code W\u{f6}rld")], "\u{fc}n\u{ef}code_w\u{f6}rld"),
        ("snakecase", vec![Value::str("a  b")], "a__b"),
        ("snakecase", vec![Value::str("\u{597d}\u{7684}Good")], "\u{597d}\u{7684}_good"),
        ("kebabcase", vec![Value::str("HTTPServer")], "http-server"),
        ("kebabcase", vec![Value::str("myVarName2x")], "my-var-name-2x"),
        ("kebabcase", vec![Value::str("some_mixed-Thing Here")], "some-mixed-thing-here"),
        ("camelcase", vec![Value::str("HTTPServer")], "Httpserver"),
        ("camelcase", vec![Value::str("hello world-foo_bar")], "HelloWorldFooBar"),
        ("camelcase", vec![Value::str("__a")], "__A"),
        ("camelcase", vec![Value::str("__")], "___"),
        ("camelcase", vec![Value::str("_")], "__"),
        ("camelcase", vec![Value::str("ALL_CAPS")], "AllCaps"),
        ("camelcase", vec![Value::str("version2Beta")], "Version2Beta"),
        ("camelcase", vec![Value::str("foo123bar")], "Foo123bar"),
        ("camelcase", vec![Value::str("a-b--c")], "AB-C"),
        ("camelcase", vec![Value::str("x")], "X"),
        ("camelcase", vec![Value::str("AbcDef")], "AbcDef"),
        ("wrap", vec![Value::Int(5), Value::str("hello world again")], "hello\u{a}world\u{a}again"),
        ("wrap", vec![Value::Int(3), Value::str("abcdefgh ij")], "abcdefgh\u{a}ij"),
        ("wrap", vec![Value::Int(0), Value::str("a b c")], "a\u{a}b\u{a}c"),
        ("wrapWith", vec![Value::Int(3), Value::str("|"), Value::str("abcdefg")], "abc|def|g"),
        ("wrapWith", vec![Value::Int(5), Value::str("<br>"), Value::str("hello world again friend")], "hello<br>world<br>again<br>frien<br>d"),
        ("contains", vec![Value::str("ll"), Value::str("hello")], "true"),
        ("hasPrefix", vec![Value::str("he"), Value::str("hello")], "true"),
        ("hasSuffix", vec![Value::str("lo"), Value::str("hello")], "true"),
        ("quote", vec![Value::str("a\"b\\\u{a}\u{9}\u{a0}\u{1}\u{e9}\u{2028}")], "\"a\\\"b\\\\\\n\\t\\u00a0\\x01\u{e9}\\u2028\""),
        ("quote", vec![Value::Nil, Value::str("x"), Value::Int(3), Value::Float(1000000.0)], "\"x\" \"3\" \"1e+06\""),
        ("quote", vec![], ""),
        ("squote", vec![Value::str("x"), Value::Int(3), Value::Nil, Value::Float(2.5)], "'x' '3' '2.5'"),
        ("cat", vec![Value::str("a"), Value::Nil, Value::Int(2), Value::Float(1e6), Value::Bool(true)], "a 2 1e+06 true"),
        ("indent", vec![Value::Int(2), Value::str("a\u{a}\u{a}b")], "  a\u{a}  \u{a}  b"),
        ("indent", vec![Value::Int(0), Value::str("a")], "a"),
        ("indent", vec![Value::Int(-1), Value::str("a")], "ERR strings: negative Repeat count"),
        ("nindent", vec![Value::Int(3), Value::str("x\u{a}y")], "\u{a}   x\u{a}   y"),
        ("replace", vec![Value::str("a"), Value::str("b"), Value::str("banana")], "bbnbnb"),
        ("replace", vec![Value::str(""), Value::str("-"), Value::str("h\u{e9}llo")], "-h-\u{e9}-l-l-o-"),
        ("plural", vec![Value::str("one"), Value::str("many"), Value::Int(1)], "one"),
        ("plural", vec![Value::str("one"), Value::str("many"), Value::Int(2)], "many"),
        ("toString", vec![Value::Int(3)], "3"),
        ("toString", vec![Value::Float(1000000.0)], "1e+06"),
        ("toString", vec![Value::Nil], "<nil>"),
        ("toString", vec![Value::Bool(false)], "false"),
        ("splitList", vec![Value::str(","), Value::str("a,b,,c")], "[a b  c]"),
        ("splitList", vec![Value::str(""), Value::str("h\u{e9}llo")], "[h \u{e9} l l o]"),
        ("splitList", vec![Value::str("x"), Value::str("")], "[]"),
        ("split", vec![Value::str(","), Value::str("a,b,,c")], "map[_0:a _1:b _2: _3:c]"),
        ("splitn", vec![Value::str(","), Value::Int(2), Value::str("a,b,c")], "map[_0:a _1:b,c]"),
        ("splitn", vec![Value::str(","), Value::Int(0), Value::str("a,b,c")], "map[]"),
        ("splitn", vec![Value::str(","), Value::Int(-1), Value::str("a,b,c")], "map[_0:a _1:b _2:c]"),
        ("seq", vec![Value::Int(5)], "1 2 3 4 5"),
        ("seq", vec![Value::Int(0)], "1 0"),
        ("seq", vec![Value::Int(-3)], "1 0 -1 -2 -3"),
        ("seq", vec![Value::Int(2), Value::Int(5)], "2 3 4 5"),
        ("seq", vec![Value::Int(5), Value::Int(2)], "5 4 3 2"),
        ("seq", vec![Value::Int(1), Value::Int(3), Value::Int(10)], "1 4 7 10"),
        ("seq", vec![Value::Int(10), Value::Int(-3), Value::Int(1)], "10 7 4 1"),
        ("seq", vec![Value::Int(10), Value::Int(3), Value::Int(1)], ""),
        ("seq", vec![Value::Int(1), Value::Int(0), Value::Int(5)], ""),
        ("seq", vec![], ""),
        ("seq", vec![Value::Int(1), Value::Int(2), Value::Int(3), Value::Int(4)], ""),
        ("b64enc", vec![Value::str("hello w\u{f6}rld")], "aGVsbG8gd8O2cmxk"),
        ("b64dec", vec![Value::str("aGVsbG8gd8O2cmxk")], "hello w\u{f6}rld"),
        ("b64dec", vec![Value::str("aGVsbG8")], "illegal base64 data at input byte 4"),
        ("b64dec", vec![Value::str("aGVs\u{a}bG8=")], "hello"),
        ("b64dec", vec![Value::str("a!")], "illegal base64 data at input byte 1"),
        ("b64dec", vec![Value::str("aGVsbG8=x")], "illegal base64 data at input byte 8"),
        ("b64dec", vec![Value::str("aGVsbA==")], "hell"),
        ("b64dec", vec![Value::str("aGVsbA=")], "illegal base64 data at input byte 7"),
        ("b64dec", vec![Value::str("aGVsbA=x")], "illegal base64 data at input byte 6"),
        ("b64dec", vec![Value::str("=")], "illegal base64 data at input byte 0"),
        ("b64dec", vec![Value::str("")], ""),
        ("b32enc", vec![Value::str("hello")], "NBSWY3DP"),
        ("b32enc", vec![Value::str("a")], "ME======"),
        ("b32dec", vec![Value::str("NBSWY3DP")], "hello"),
        ("b32dec", vec![Value::str("NBSWY3D")], "illegal base32 data at input byte 0"),
        ("b32dec", vec![Value::str("ME======")], "a"),
        ("b32dec", vec![Value::str("ME=====")], "illegal base32 data at input byte 7"),
        ("b32dec", vec![Value::str("ME======x")], "a"),
        ("b32dec", vec![Value::str("M1======")], "illegal base32 data at input byte 1"),
        ("b32dec", vec![Value::str("MFRA====")], "ab"),
        ("sha1sum", vec![Value::str("abc")], "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("sha256sum", vec![Value::str("abc")], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("sha512sum", vec![Value::str("abc")], "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        ("adler32sum", vec![Value::str("Wikipedia")], "300286872"),
        ("adler32sum", vec![Value::str("")], "1"),
        ("atoi", vec![Value::str("42")], "42"),
        ("atoi", vec![Value::str(" 42")], "0"),
        ("atoi", vec![Value::str("0x10")], "0"),
        ("atoi", vec![Value::str("99999999999999999999")], "9223372036854775807"),
        ("atoi", vec![Value::str("-99999999999999999999")], "-9223372036854775808"),
        ("atoi", vec![Value::str("+7")], "7"),
        ("atoi", vec![Value::str("1_000")], "0"),
        ("int", vec![Value::str("0x10")], "16"),
        ("int", vec![Value::str("010")], "8"),
        ("int", vec![Value::str("08")], "0"),
        ("int", vec![Value::str("1.0")], "1"),
        ("int", vec![Value::str("1.00")], "1"),
        ("int", vec![Value::str("1.5")], "0"),
        ("int", vec![Value::str(".0")], "0"),
        ("int", vec![Value::str("1_000")], "1000"),
        ("int", vec![Value::str(" 1")], "0"),
        ("int", vec![Value::Float(-2.9)], "-2"),
        ("int", vec![Value::Float(1e30)], "-9223372036854775808"),
        ("int", vec![Value::Bool(true)], "1"),
        ("int", vec![Value::Nil], "0"),
        ("int", vec![Value::str("-0b101")], "-5"),
        ("int", vec![Value::str("0o17")], "15"),
        ("int", vec![Value::str("9223372036854775808")], "0"),
        ("int64", vec![Value::str("12")], "12"),
        ("int64", vec![Value::Float(3.99)], "3"),
        ("float64", vec![Value::str("1e3")], "1000"),
        ("float64", vec![Value::str("0x1p4")], "16"),
        ("float64", vec![Value::str("1e400")], "0"),
        ("float64", vec![Value::str("+nan")], "0"),
        ("float64", vec![Value::str("inf")], "+Inf"),
        ("float64", vec![Value::str("-Infinity")], "-Inf"),
        ("float64", vec![Value::str("1_000.5")], "1000.5"),
        ("float64", vec![Value::str(".5")], "0.5"),
        ("float64", vec![Value::str("abc")], "0"),
        ("float64", vec![Value::Int(3)], "3"),
        ("float64", vec![Value::Bool(true)], "1"),
        ("toDecimal", vec![Value::str("0777")], "511"),
        ("toDecimal", vec![Value::Int(777)], "511"),
        ("toDecimal", vec![Value::str("8")], "0"),
        ("toDecimal", vec![Value::Float(10.0)], "8"),
        ("toDecimal", vec![Value::str("-17")], "-15"),
        ("add", vec![Value::Int(1), Value::Float(2.7), Value::str("3")], "6"),
        ("add", vec![], "0"),
        ("add1", vec![Value::str("41")], "42"),
        ("sub", vec![Value::Int(5), Value::Float(7.9)], "-2"),
        ("div", vec![Value::Int(7), Value::Int(0)], "ERR runtime error: integer divide by zero"),
        ("div", vec![Value::Int(-7), Value::Int(2)], "-3"),
        ("div", vec![Value::Int(7), Value::str("x")], "ERR runtime error: integer divide by zero"),
        ("mod", vec![Value::Int(-7), Value::Int(3)], "-1"),
        ("mod", vec![Value::Int(7), Value::Int(0)], "ERR runtime error: integer divide by zero"),
        ("mul", vec![Value::Int(2), Value::Int(3), Value::str("4")], "24"),
        ("mul", vec![Value::Int(5)], "5"),
        ("max", vec![Value::Int(1), Value::str("5"), Value::Float(3.0)], "5"),
        ("max", vec![Value::Int(1)], "1"),
        ("min", vec![Value::Int(1), Value::str("-5"), Value::Float(3.0)], "-5"),
        ("biggest", vec![Value::Int(1), Value::Int(9)], "9"),
        ("add1f", vec![Value::Float(1.5)], "2.5"),
        ("add1f", vec![Value::str("x")], "1"),
        ("addf", vec![Value::Float(0.1), Value::Float(0.2)], "0.3"),
        ("addf", vec![Value::Float(1.1), Value::Float(2.2), Value::Float(3.3)], "6.6"),
        ("addf", vec![], "0"),
        ("subf", vec![Value::Float(1.1), Value::Float(0.9)], "0.2"),
        ("subf", vec![Value::Float(1.0)], "1"),
        ("mulf", vec![Value::Float(1.1), Value::Int(3)], "3.3"),
        ("mulf", vec![Value::Float(0.1), Value::Float(0.1), Value::Float(0.1)], "0.001"),
        ("divf", vec![Value::Int(1), Value::Int(3)], "0.3333333333333333"),
        ("divf", vec![Value::Int(2), Value::Int(3)], "0.6666666666666667"),
        ("divf", vec![Value::Int(1), Value::Int(0)], "ERR decimal division by 0"),
        ("divf", vec![Value::Float(10.0), Value::Float(4.0)], "2.5"),
        ("divf", vec![Value::Int(-2), Value::Int(3)], "-0.6666666666666667"),
        ("divf", vec![Value::Float(1e-20), Value::Int(3)], "0"),
        ("divf", vec![Value::Float(1e300), Value::Float(1e-10)], "+Inf"),
        ("maxf", vec![Value::Float(1.5), Value::Int(3), Value::str("2")], "3"),
        ("minf", vec![Value::Float(1.5), Value::Int(3), Value::str("-2")], "-2"),
        ("ceil", vec![Value::Float(1.2)], "2"),
        ("ceil", vec![Value::str("-1.5")], "-1"),
        ("floor", vec![Value::Float(1.8)], "1"),
        ("floor", vec![Value::str("x")], "0"),
        ("round", vec![Value::Float(3.14159), Value::Int(2)], "3.14"),
        ("round", vec![Value::Float(-1.5), Value::Int(0)], "-2"),
        ("round", vec![Value::Float(2.5), Value::Int(0)], "3"),
        ("round", vec![Value::Float(1.005), Value::Int(2)], "1"),
        ("round", vec![Value::Float(123.456), Value::Int(-1)], "120"),
        ("round", vec![Value::Float(0.45), Value::Int(1), Value::Float(0.4)], "0.5"),
        ("until", vec![Value::Int(5)], "[0 1 2 3 4]"),
        ("until", vec![Value::Int(-3)], "[0 -1 -2]"),
        ("until", vec![Value::Int(0)], "[]"),
        ("untilStep", vec![Value::Int(0), Value::Int(10), Value::Int(3)], "[0 3 6 9]"),
        ("untilStep", vec![Value::Int(10), Value::Int(0), Value::Int(-3)], "[10 7 4 1]"),
        ("untilStep", vec![Value::Int(0), Value::Int(10), Value::Int(0)], "[]"),
        ("untilStep", vec![Value::Int(0), Value::Int(10), Value::Int(-1)], "[]"),
        ("regexMatch", vec![Value::str("^\\d+$"), Value::str("123")], "true"),
        ("regexMatch", vec![Value::str("^\\d+$"), Value::str("\u{661}\u{662}")], "false"),
        ("regexMatch", vec![Value::str("\\b\u{e9}"), Value::str("a\u{e9}")], "true"),
        ("regexMatch", vec![Value::str("(a"), Value::str("x")], "false"),
        ("regexMatch", vec![Value::str("^\\w+$"), Value::str("h\u{e9}llo")], "false"),
        ("regexMatch", vec![Value::str("^\\s$"), Value::str("\u{b}")], "false"),
        ("regexMatch", vec![Value::str("^[\\d]+$"), Value::str("\u{661}")], "false"),
        ("regexMatch", vec![Value::str("^[\\D]$"), Value::str("\u{661}")], "true"),
        ("regexMatch", vec![Value::str("(?i)STRASSE"), Value::str("strasse")], "true"),
        ("mustRegexMatch", vec![Value::str("(a"), Value::str("x")], "ERR error parsing regexp: missing closing ): `(a`"),
        ("mustRegexMatch", vec![Value::str("a)"), Value::str("x")], "ERR error parsing regexp: unexpected ): `a)`"),
        ("mustRegexMatch", vec![Value::str("[a"), Value::str("x")], "ERR error parsing regexp: missing closing ]: `[a`"),
        ("mustRegexMatch", vec![Value::str("*a"), Value::str("x")], "ERR error parsing regexp: missing argument to repetition operator: `*`"),
        ("mustRegexMatch", vec![Value::str("a**"), Value::str("x")], "ERR error parsing regexp: invalid nested repetition operator: `**`"),
        ("mustRegexMatch", vec![Value::str("\\q"), Value::str("x")], "ERR error parsing regexp: invalid escape sequence: `\\q`"),
        ("mustRegexMatch", vec![Value::str("a\\"), Value::str("x")], "ERR error parsing regexp: trailing backslash at end of expression: ``"),
        ("mustRegexMatch", vec![Value::str("[z-a]"), Value::str("x")], "ERR error parsing regexp: invalid character class range: `z-a`"),
        ("mustRegexMatch", vec![Value::str("(?x)a"), Value::str("x")], "ERR error parsing regexp: invalid or unsupported Perl syntax: `(?x`"),
        ("mustRegexMatch", vec![Value::str("a{1001}"), Value::str("x")], "ERR error parsing regexp: invalid repeat count: `{1001}`"),
        ("mustRegexMatch", vec![Value::str("(?P<n>a)(?P<n>b)"), Value::str("x")], "false"),
        ("regexFindAll", vec![Value::str("a*"), Value::str("baaac"), Value::Int(-1)], "[ aaa ]"),
        ("regexFindAll", vec![Value::str("[0-9]+"), Value::str("a1b22c333"), Value::Int(2)], "[1 22]"),
        ("regexFindAll", vec![Value::str("[0-9]+"), Value::str("a1b22c333"), Value::Int(0)], "[]"),
        ("regexFindAll", vec![Value::str(""), Value::str("abc"), Value::Int(-1)], "[   ]"),
        ("regexFind", vec![Value::str("[[]x"), Value::str("a[x")], "[x"),
        ("regexFind", vec![Value::str("\\Qa.b\\E"), Value::str("xa.b")], "a.b"),
        ("regexFind", vec![Value::str("b+"), Value::str("abbbc")], "bbb"),
        ("regexFind", vec![Value::str("z"), Value::str("abc")], ""),
        ("regexFind", vec![Value::str("(a"), Value::str("abc")], "ERR regexp: Compile(`(a`): error parsing regexp: missing closing ): `(a`"),
        ("mustRegexFind", vec![Value::str("(a"), Value::str("abc")], "ERR error parsing regexp: missing closing ): `(a`"),
        ("regexReplaceAll", vec![Value::str("a(x*)b"), Value::str("-ab-axxb-"), Value::str("${1}W")], "-W-xxW-"),
        ("regexReplaceAll", vec![Value::str("a(x*)b"), Value::str("-ab-axxb-"), Value::str("$1W")], "---"),
        ("regexReplaceAll", vec![Value::str("a(x*)b"), Value::str("-ab-axxb-"), Value::str("$$1")], "-$1-$1-"),
        ("regexReplaceAll", vec![Value::str("a(?P<mid>x*)b"), Value::str("-ab-axxb-"), Value::str("[$mid]")], "-[]-[xx]-"),
        ("regexReplaceAll", vec![Value::str("a(x*)b"), Value::str("-ab-axxb-"), Value::str("$")], "-$-$-"),
        ("regexReplaceAll", vec![Value::str("a(x*)b"), Value::str("-ab-axxb-"), Value::str("${1")], "-${1-${1-"),
        ("regexReplaceAll", vec![Value::str("a(x*)b"), Value::str("-axb-"), Value::str("$01|$2|$1")], "-||x-"),
        ("regexReplaceAll", vec![Value::str("a*"), Value::str("baaac"), Value::str("X")], "XbXcX"),
        ("regexReplaceAll", vec![Value::str(""), Value::str("abc"), Value::str("-")], "-a-b-c-"),
        ("regexReplaceAll", vec![Value::str("\\s+"), Value::str("a  b \u{9} c"), Value::str("_")], "a_b_c"),
        ("regexReplaceAllLiteral", vec![Value::str("a(x*)b"), Value::str("-ab-"), Value::str("$1")], "-$1-"),
        ("mustRegexReplaceAll", vec![Value::str("("), Value::str("x"), Value::str("y")], "ERR error parsing regexp: missing closing ): `(`"),
        ("mustRegexReplaceAllLiteral", vec![Value::str("a"), Value::str("banana"), Value::str("o")], "bonono"),
        ("regexSplit", vec![Value::str("a"), Value::str("banana"), Value::Int(-1)], "[b n n ]"),
        ("regexSplit", vec![Value::str("a"), Value::str("banana"), Value::Int(2)], "[b nana]"),
        ("regexSplit", vec![Value::str("a"), Value::str("banana"), Value::Int(0)], "[]"),
        ("regexSplit", vec![Value::str(""), Value::str("abc"), Value::Int(-1)], "[a b c]"),
        ("regexSplit", vec![Value::str("x*"), Value::str("axbxc"), Value::Int(-1)], "[a b c]"),
        ("regexSplit", vec![Value::str("a"), Value::str(""), Value::Int(-1)], "[]"),
        ("mustRegexSplit", vec![Value::str(","), Value::str("a,b"), Value::Int(-1)], "[a b]"),
        ("regexQuoteMeta", vec![Value::str("1.5*[x]{a}|b$^\\")], "1\\.5\\*\\[x\\]\\{a\\}\\|b\\$\\^\\\\"),
        ("base", vec![Value::str("/a/b/")], "b"),
        ("base", vec![Value::str("")], "."),
        ("base", vec![Value::str("///")], "/"),
        ("dir", vec![Value::str("/a/b")], "/a"),
        ("dir", vec![Value::str("b")], "."),
        ("dir", vec![Value::str("/")], "/"),
        ("clean", vec![Value::str("a//b/../c/.")], "a/c"),
        ("clean", vec![Value::str("/../a")], "/a"),
        ("clean", vec![Value::str("../../a/..")], "../.."),
        ("ext", vec![Value::str("a/b.tar.gz")], ".gz"),
        ("ext", vec![Value::str("a.b/c")], ""),
        ("isAbs", vec![Value::str("/x")], "true"),
        ("isAbs", vec![Value::str("x")], "false"),
        ("osBase", vec![Value::str("/a/b.txt")], "b.txt"),
        ("osDir", vec![Value::str("a/b/c")], "a/b"),
        ("osClean", vec![Value::str("./a/./b/")], "a/b"),
        ("osExt", vec![Value::str("x.yaml")], ".yaml"),
        ("osIsAbs", vec![Value::str("/")], "true"),
        ("urlParse", vec![Value::str("https://u:p%40@example.com:8443/a%20b?x=1#frag")], "map[fragment:frag host:example.com:8443 hostname:example.com opaque: path:/a b query:x=1 scheme:https userinfo:u:p%40]"),
        ("urlParse", vec![Value::str("mailto:joe@example.com")], "map[fragment: host: hostname: opaque:joe@example.com path: query: scheme:mailto userinfo:]"),
        ("urlParse", vec![Value::str("/relative/path?q")], "map[fragment: host: hostname: opaque: path:/relative/path query:q scheme: userinfo:]"),
        ("urlParse", vec![Value::str("http://[::1]:80/x")], "map[fragment: host:[::1]:80 hostname:::1 opaque: path:/x query: scheme:http userinfo:]"),
        ("urlParse", vec![Value::str("http://a b.com/")], "ERR unable to parse url: parse \"http://a b.com/\": invalid character \" \" in host name"),
        ("urlParse", vec![Value::str("%zz")], "ERR unable to parse url: parse \"%zz\": invalid URL escape \"%zz\""),
        ("urlParse", vec![Value::str("http://x/%zz")], "ERR unable to parse url: parse \"http://x/%zz\": invalid URL escape \"%zz\""),
        ("urlParse", vec![Value::str("1http://x")], "ERR unable to parse url: parse \"1http://x\": first path segment in URL cannot contain colon"),
        ("urlParse", vec![Value::str(":foo")], "ERR unable to parse url: parse \":foo\": missing protocol scheme"),
        ("urlParse", vec![Value::str("a:b/c")], "map[fragment: host: hostname: opaque:b/c path: query: scheme:a userinfo:]"),
        ("urlParse", vec![Value::str("postgres://h1:5432,h2:5433/db")], "map[fragment: host:h1:5432,h2:5433 hostname:h1:5432,h2 opaque: path:/db query: scheme:postgres userinfo:]"),
        ("urlParse", vec![Value::str("http://h1:5432,h2:5433/db")], "map[fragment: host:h1:5432,h2:5433 hostname:h1:5432,h2 opaque: path:/db query: scheme:http userinfo:]"),
        ("urlParse", vec![Value::str("HTTP://Example.COM/#a%20b")], "map[fragment:a b host:Example.COM hostname:Example.COM opaque: path:/ query: scheme:http userinfo:]"),
        ("urlParse", vec![Value::str("file:///etc/hosts")], "map[fragment: host: hostname: opaque: path:/etc/hosts query: scheme:file userinfo:]"),
        ("urlParse", vec![Value::str("http://x?")], "map[fragment: host:x hostname:x opaque: path: query: scheme:http userinfo:]"),
        ("typeOf", vec![Value::Int(1)], "int"),
        ("typeOf", vec![Value::Float(1.0)], "float64"),
        ("typeOf", vec![Value::str("x")], "string"),
        ("typeOf", vec![Value::Nil], "<nil>"),
        ("typeOf", vec![Value::Bool(true)], "bool"),
        ("typeIs", vec![Value::str("int"), Value::Int(1)], "true"),
        ("typeIsLike", vec![Value::str("int"), Value::Int(1)], "true"),
        ("kindOf", vec![Value::Nil], "invalid"),
        ("kindOf", vec![Value::str("x")], "string"),
        ("kindIs", vec![Value::str("int"), Value::Int(3)], "true"),
        ("kindIs", vec![Value::str("float64"), Value::Float(3.0)], "true"),
        ("deepEqual", vec![Value::Int(1), Value::Float(1.0)], "false"),
        ("deepEqual", vec![Value::Int(1), Value::Int(1)], "true"),
        ("deepEqual", vec![Value::Nil, Value::Nil], "true"),
        ("deepEqual", vec![Value::str("a"), Value::str("a")], "true"),
        ("randAlphaNum", vec![Value::Int(-1)], ""),
        ("randAlphaNum", vec![Value::Int(0)], ""),
        ("randInt", vec![Value::Int(5), Value::Int(5)], "ERR invalid argument to Intn"),
        ]
    }

    #[test]
    fn matches_go() {
        let mut failures = Vec::new();
        for (name, args, want) in cases() {
            let shown = format!("{name} {args:?}");
            let got = run(name, args);
            if got != want {
                failures.push(format!("{shown}\n   got: {got:?}\n  want: {want:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Origin;

    fn call(f: super::super::NativeFn, args: Vec<Value>) -> Value {
        let mut ctx = FuncCtx::default();
        match f(&mut ctx, args) {
            Ok(v) => v,
            Err(e) => Value::str(format!("ERR {e}")),
        }
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    fn text(v: &Value) -> String {
        v.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_go_string())
    }

    // Expected values follow Go's definitions (byte slicing, strconv.Quote); `go_table`
    // holds the results recorded from Go itself.
    #[test]
    fn byte_slicing_keeps_go_bytes() {
        let half = call(trunc, vec![Value::Int(1), s("é")]);
        assert_eq!(go_bytes(&text(&half)).as_ref(), &[0xC3]);
        assert_eq!(go_quote(&text(&half)), "\"\\xc3\"");
        let joined = format!(
            "{}{}",
            text(&half),
            text(&call(substr, vec![Value::Int(1), Value::Int(2), s("é")]))
        );
        assert_eq!(string_from_go_bytes(&go_bytes(&joined)), "é");
        assert_eq!(text(&call(trunc, vec![Value::Int(-3), s("abcdef")])), "def");
        assert_eq!(text(&call(trunc, vec![Value::Int(-9), s("abc")])), "abc");
        assert_eq!(
            text(&call(substr, vec![Value::Int(1), Value::Int(9), s("abc")])),
            "bc"
        );
        assert_eq!(
            text(&call(substr, vec![Value::Int(-1), Value::Int(9), s("abc")])),
            "ERR runtime error: slice bounds out of range [:9] with length 3"
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(
            text(&call(
                quote,
                vec![s("a\"b\\\n\té\u{a0}\u{1}"), Value::Nil, Value::Float(1e6)]
            )),
            "\"a\\\"b\\\\\\n\\té\\u00a0\\x01\" \"1e+06\""
        );
        assert_eq!(text(&call(squote, vec![s("x"), Value::Int(3)])), "'x' '3'");
        assert_eq!(
            text(&call(cat, vec![s("a"), Value::Nil, Value::Int(2)])),
            "a 2"
        );
    }

    #[test]
    fn indent_keeps_origins() {
        let o = |line| {
            Some(Origin {
                template: std::sync::Arc::from("t"),
                line,
                column: 1,
                values_path: None,
            })
        };
        let input = Value::String(Str::with_origins("a\n\nb", vec![o(1), o(2), o(3)]));
        let out = call(nindent, vec![Value::Int(2), input.clone()]);
        let Value::String(out) = out else { return };
        assert_eq!(out.as_str(), "\n  a\n  \n  b");
        assert_eq!(out.origins().map(<[_]>::len), Some(4));
        assert_eq!(out.origins().and_then(|o| o.first().cloned()), Some(None));
        let trimmed = call(
            trim,
            vec![Value::String(Str::with_origins(
                "\n x\n\n",
                vec![o(1), o(2), o(3), o(4)],
            ))],
        );
        let Value::String(trimmed) = trimmed else {
            return;
        };
        assert_eq!(trimmed.as_str(), "x");
        assert_eq!(trimmed.origins().map(<[_]>::to_vec), Some(vec![o(2)]));
    }

    #[test]
    fn lists_and_misc() {
        assert_eq!(text(&call(seq, vec![Value::Int(5)])), "1 2 3 4 5");
        assert_eq!(text(&call(seq, vec![Value::Int(0)])), "1 0");
        assert_eq!(
            text(&call(seq, vec![Value::Int(2), Value::Int(-2)])),
            "2 1 0 -1 -2"
        );
        assert_eq!(
            text(&call(
                seq,
                vec![Value::Int(0), Value::Int(3), Value::Int(9)]
            )),
            "0 3 6 9"
        );
        assert_eq!(
            text(&call(
                seq,
                vec![Value::Int(9), Value::Int(3), Value::Int(0)]
            )),
            ""
        );
        let m = call(split, vec![s(","), s("a,b")]);
        assert_eq!(m.type_name(), "map[string]string");
        assert_eq!(m.to_go_string(), "map[_0:a _1:b]");
        assert_eq!(
            call(splitn, vec![s(","), Value::Int(2), s("a,b,c")]).to_go_string(),
            "map[_0:a _1:b,c]"
        );
        let l = Value::list(vec![Value::Int(3), Value::Nil, s("a"), Value::Float(1.5)]);
        assert_eq!(text(&call(join, vec![s("-"), l.clone()])), "3-a-1.5");
        assert_eq!(call(sort_alpha, vec![l]).to_go_string(), "[1.5 3 a]");
        // Go sorts a `[]string` argument in place.
        let sl = Value::str_list(vec!["b".into(), "a".into(), "c".into()]);
        let _ = call(sort_alpha, vec![sl.clone()]);
        assert_eq!(sl.to_go_string(), "[a b c]");
        assert_eq!(text(&call(nospace, vec![s(" a b\tc ")])), "abc");
        assert_eq!(text(&call(initials, vec![s("foo bar  baz")])), "fbb");
        assert_eq!(
            text(&call(wrap, vec![Value::Int(5), s("hello world again")])),
            "hello\nworld\nagain"
        );
        assert_eq!(
            text(&call(wrap_with, vec![Value::Int(3), s("|"), s("abcdefg")])),
            "abc|def|g"
        );
        assert_eq!(
            text(&call(abbrev, vec![Value::Int(5), s("hello world")])),
            "he..."
        );
        assert_eq!(
            text(&call(
                abbrevboth,
                vec![Value::Int(5), Value::Int(10), s("1234 5678 9123")]
            )),
            "...5678..."
        );
        assert_eq!(text(&call(replace, vec![s(""), s("-"), s("ab")])), "-a-b-");
        assert_eq!(text(&call(trim_all, vec![s("$"), s("$$5.00$")])), "5.00");
        assert_eq!(
            text(&call(repeat, vec![Value::Int(-1), s("a")])),
            "ERR strings: negative Repeat count"
        );
        assert_eq!(text(&call(rand_alpha_num, vec![Value::Int(12)])).len(), 12);
    }
}
