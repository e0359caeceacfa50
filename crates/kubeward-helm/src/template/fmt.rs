//! Go's `fmt` as templates reach it: `print`, `printf`, `println` and the printing of
//! action results (`fmt.Fprint`), with Go's verbs, flags, width/precision, argument
//! indexes and mismatch markers (`%!d(float64=8080)`, `%!v(MISSING)`, `%!(EXTRA …)`).

use std::fmt::Write as _;

use crate::value::Value;

/// Go's `strconv.Quote`.
#[must_use]
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        quote_rune_into(&mut out, c, '"');
    }
    out.push('"');
    out
}

fn is_go_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    // Format characters (Cf) and other non-graphic code points Go's IsPrint rejects.
    !matches!(c as u32, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xFFFE | 0xFFFF)
}

fn quote_rune_into(out: &mut String, c: char, quote: char) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_go_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

/// Go's `strconv.QuoteRune`.
fn quote_rune(c: char) -> String {
    let mut out = String::from("'");
    quote_rune_into(&mut out, c, '\'');
    out.push('\'');
    out
}

#[derive(Default, Clone, Copy)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

struct Printer {
    buf: String,
    f: Flags,
}

const MAX_WIDTH: usize = 1_000_000;

impl Printer {
    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero && !self.f.minus {
            '0'
        } else {
            ' '
        };
        for _ in 0..n.min(MAX_WIDTH) {
            self.buf.push(c);
        }
    }

    fn pad(&mut self, s: &str) {
        let Some(w) = self.f.wid.filter(|&w| w > 0) else {
            self.buf.push_str(s);
            return;
        };
        let n = w.saturating_sub(s.chars().count());
        if self.f.minus {
            self.buf.push_str(s);
            self.write_padding(n);
        } else {
            self.write_padding(n);
            self.buf.push_str(s);
        }
    }

    fn fmt_s(&mut self, s: &str) {
        let s = match self.f.prec {
            Some(p) => match s.char_indices().nth(p) {
                Some((i, _)) => &s[..i],
                None => s,
            },
            None => s,
        };
        self.pad(s);
    }

    fn bad_verb(&mut self, verb: char, v: &Value) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if v.is_nil() {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(&v.type_name());
            self.buf.push('=');
            let saved = self.f;
            self.f = Flags::default();
            self.print_value(v, 'v', 0);
            self.f = saved;
        }
        self.buf.push(')');
    }

    fn print_arg(&mut self, v: &Value, verb: char) {
        if v.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, v),
            }
            return;
        }
        if verb == 'T' {
            let t = v.type_name();
            self.fmt_s(&t);
            return;
        }
        self.print_value(v, verb, 0);
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if !crate::value::budget::spend() {
            return;
        }
        match v {
            Value::Invalid | Value::Nil => {
                if depth == 0 {
                    self.buf.push_str("<invalid reflect.Value>");
                } else {
                    self.pad("<nil>");
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, v),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i, verb, v),
            Value::Float(x) => match verb {
                'v' => self.fmt_float(*x, 'g', -1),
                'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(*x, verb, -1),
                'f' | 'e' | 'E' => self.fmt_float(*x, verb, 6),
                'F' => self.fmt_float(*x, 'f', 6),
                _ => self.bad_verb(verb, v),
            },
            Value::String(s) => self.fmt_string(s.as_str(), verb, v),
            Value::Bytes(b) => match verb {
                'v' | 'd' => {
                    self.buf.push('[');
                    for (i, c) in b.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.fmt_integer(i64::from(*c), verb, v);
                    }
                    self.buf.push(']');
                }
                's' => {
                    let s = String::from_utf8_lossy(b).into_owned();
                    self.fmt_s(&s);
                }
                'x' | 'X' => self.fmt_hex_bytes(b, verb == 'X'),
                'q' => {
                    let s = String::from_utf8_lossy(b).into_owned();
                    self.fmt_q(&s);
                }
                _ => self.bad_verb(verb, v),
            },
            Value::List(l) => {
                if self.f.sharp_v {
                    self.buf.push_str(&v.type_name());
                    self.buf.push('{');
                    for (i, item) in l.items.borrow().iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_value(item, verb, depth + 1);
                    }
                    self.buf.push('}');
                    return;
                }
                self.buf.push('[');
                for (i, item) in l.items.borrow().iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    self.print_value(item, verb, depth + 1);
                }
                self.buf.push(']');
            }
            Value::Map(m) => {
                if self.f.sharp_v {
                    self.buf.push_str(&v.type_name());
                    self.buf.push('{');
                    for (i, (k, item)) in m.entries.borrow().iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.buf.push_str(&go_quote(k));
                        self.buf.push(':');
                        self.print_value(item, verb, depth + 1);
                    }
                    self.buf.push('}');
                    return;
                }
                self.buf.push_str("map[");
                for (i, (k, item)) in m.entries.borrow().iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    self.fmt_string(k, verb, &Value::str(k.as_str()));
                    self.buf.push(':');
                    self.print_value(item, verb, depth + 1);
                }
                self.buf.push(']');
            }
            Value::Object(o) => match verb {
                'v' | 's' => {
                    let s = o.format();
                    self.pad(&s);
                }
                _ => self.bad_verb(verb, v),
            },
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' | 'X' => self.fmt_hex_bytes(s.as_bytes(), verb == 'X'),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, v),
        }
    }

    fn fmt_q(&mut self, s: &str) {
        let s = match self.f.prec {
            Some(p) => match s.char_indices().nth(p) {
                Some((i, _)) => &s[..i],
                None => s,
            },
            None => s,
        };
        if self.f.sharp && !s.contains('`') && s.chars().all(|c| c == '\t' || is_go_print(c)) {
            let q = format!("`{s}`");
            self.pad(&q);
            return;
        }
        let q = if self.f.plus {
            let mut out = String::from("\"");
            for c in s.chars() {
                if c.is_ascii() {
                    quote_rune_into(&mut out, c, '"');
                } else if (c as u32) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            out.push('"');
            out
        } else {
            go_quote(s)
        };
        self.pad(&q);
    }

    fn fmt_hex_bytes(&mut self, b: &[u8], upper: bool) {
        let b = match self.f.prec {
            Some(p) if p < b.len() => &b[..p],
            _ => b,
        };
        let mut s = String::with_capacity(b.len() * 2);
        for (i, c) in b.iter().enumerate() {
            if self.f.space && i > 0 {
                s.push(' ');
            }
            if self.f.sharp && (self.f.space || i == 0) {
                s.push_str(if upper { "0X" } else { "0x" });
            }
            if upper {
                let _ = write!(s, "{c:02X}");
            } else {
                let _ = write!(s, "{c:02x}");
            }
        }
        self.pad(&s);
    }

    fn fmt_integer(&mut self, i: i64, verb: char, v: &Value) {
        let (base, upper) = match verb {
            'v' | 'd' => (10, false),
            'b' => (2, false),
            'o' | 'O' => (8, false),
            'x' => (16, false),
            'X' => (16, true),
            'c' => {
                let c = u32::try_from(i)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}');
                let mut s = String::new();
                s.push(c);
                self.pad(&s);
                return;
            }
            'q' => {
                let c = u32::try_from(i)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}');
                let q = quote_rune(c);
                self.pad(&q);
                return;
            }
            'U' => {
                let u = i as u64;
                let mut s = format!("U+{u:04X}");
                if let Some(p) = self.f.prec {
                    let digits = format!("{u:X}");
                    if p > digits.len() {
                        s = format!(
                            "U+{}{digits}",
                            "0".repeat((p - digits.len()).min(MAX_WIDTH))
                        );
                    }
                }
                if self.f.sharp {
                    if let Some(c) = u32::try_from(i).ok().and_then(char::from_u32) {
                        if is_go_print(c) {
                            let _ = write!(s, " '{c}'");
                        }
                    }
                }
                let saved = self.f.zero;
                self.f.zero = false;
                self.pad(&s);
                self.f.zero = saved;
                return;
            }
            _ => {
                self.bad_verb(verb, v);
                return;
            }
        };
        let negative = i < 0;
        let u = i.unsigned_abs();
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if p == 0 && u == 0 {
                let saved = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid.unwrap_or(0);
                self.write_padding(w);
                self.f.zero = saved;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid.is_some() {
            prec = self.f.wid.unwrap_or(0);
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut digits = match base {
            2 => format!("{u:b}"),
            8 => format!("{u:o}"),
            16 if upper => format!("{u:X}"),
            16 => format!("{u:x}"),
            _ => u.to_string(),
        };
        if digits.len() < prec {
            let zeros = "0".repeat((prec - digits.len()).min(MAX_WIDTH));
            digits = zeros + &digits;
        }
        if self.f.sharp {
            match base {
                2 => digits.insert_str(0, "0b"),
                8 if !digits.starts_with('0') => digits.insert(0, '0'),
                16 => digits.insert_str(0, if upper { "0X" } else { "0x" }),
                _ => {}
            }
        }
        if verb == 'O' {
            digits.insert_str(0, "0o");
        }
        if negative {
            digits.insert(0, '-');
        } else if self.f.plus {
            digits.insert(0, '+');
        } else if self.f.space {
            digits.insert(0, ' ');
        }
        let saved = self.f.zero;
        self.f.zero = false;
        self.pad(&digits);
        self.f.zero = saved;
    }

    fn fmt_float(&mut self, x: f64, verb: char, prec: i32) {
        let prec = match self.f.prec {
            Some(p) => i32::try_from(p).unwrap_or(i32::MAX),
            None => prec,
        };
        let body = format_float(x.abs(), verb, prec);
        let mut num = String::with_capacity(body.len() + 1);
        num.push(if x.is_sign_negative() && !x.is_nan() {
            '-'
        } else {
            '+'
        });
        num.push_str(&body);
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        if x.is_infinite() || x.is_nan() {
            let saved = self.f.zero;
            self.f.zero = false;
            if x.is_nan() && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&num);
            self.f.zero = saved;
            return;
        }
        if self.f.sharp && verb != 'b' {
            num = sharp_float(&num, verb, prec);
        }
        if self.f.plus || !num.starts_with('+') {
            let w = self.f.wid.unwrap_or(0);
            if self.f.zero && !self.f.minus && self.f.wid.is_some() && w > num.len() {
                let (sign, rest) = num.split_at(1);
                self.buf.push_str(sign);
                self.write_padding(w - num.len());
                self.buf.push_str(rest);
                return;
            }
            self.pad(&num);
            return;
        }
        let rest = num[1..].to_string();
        self.pad(&rest);
    }
}

/// The `#` flag on floats: keep a decimal point (and, for `%g`, trailing zeros).
fn sharp_float(num: &str, verb: char, prec: i32) -> String {
    let digits_wanted = match verb {
        'v' => -1,
        'g' | 'G' => {
            if prec == -1 {
                6
            } else if prec == 0 {
                1
            } else {
                prec
            }
        }
        _ => -1,
    };
    let (mant, exp) = match num.find(['e', 'E']) {
        Some(i) => (&num[..i], &num[i..]),
        None => (num, ""),
    };
    let mut mant = mant.to_string();
    if !mant.contains('.') {
        mant.push('.');
    }
    if digits_wanted > 0 {
        let have = i32::try_from(
            mant.chars()
                .skip(1)
                .filter(char::is_ascii_digit)
                .skip_while(|&c| c == '0')
                .count(),
        )
        .unwrap_or(0);
        let have = if have == 0 {
            i32::try_from(mant.chars().skip(1).filter(char::is_ascii_digit).count()).unwrap_or(0)
        } else {
            have
        };
        for _ in have..digits_wanted {
            mant.push('0');
        }
    }
    mant + exp
}

/// Digits and decimal point position of `x` (`x >= 0`): shortest when `sig` is `None`,
/// else rounded to `sig` significant digits. Trailing zeros are trimmed.
fn decimal_digits(x: f64, sig: Option<usize>) -> (String, i32) {
    if x == 0.0 {
        return (String::new(), 0);
    }
    let e = match sig {
        None => format!("{x:e}"),
        Some(n) => format!("{:.*e}", n.saturating_sub(1), x),
    };
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    while digits.ends_with('0') {
        digits.pop();
    }
    (digits, exp + 1)
}

fn fmt_e(digits: &str, dp: i32, prec: i32, upper: bool) -> String {
    let mut out = String::new();
    let first = digits.chars().next().unwrap_or('0');
    out.push(first);
    if prec > 0 {
        out.push('.');
        let rest: Vec<char> = digits.chars().skip(1).collect();
        for i in 0..usize::try_from(prec).unwrap_or(0) {
            out.push(rest.get(i).copied().unwrap_or('0'));
        }
    }
    out.push(if upper { 'E' } else { 'e' });
    let exp = if digits.is_empty() { 0 } else { dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    let _ = write!(out, "{a}");
    out
}

fn fmt_f(digits: &str, dp: i32, prec: i32) -> String {
    let mut out = String::new();
    let d: Vec<char> = digits.chars().collect();
    if dp > 0 {
        for i in 0..usize::try_from(dp).unwrap_or(0) {
            out.push(d.get(i).copied().unwrap_or('0'));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let j = dp + i;
            let c = usize::try_from(j)
                .ok()
                .and_then(|j| d.get(j).copied())
                .unwrap_or('0');
            out.push(c);
        }
    }
    out
}

/// Go's `strconv.FormatFloat(x, verb, prec, 64)` for `x >= 0` (the sign is the caller's).
pub(crate) fn format_float(x: f64, verb: char, prec: i32) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return "Inf".into();
    }
    match verb {
        'e' | 'E' => {
            if prec < 0 {
                let (d, dp) = decimal_digits(x, None);
                let p = i32::try_from(d.len()).unwrap_or(1).saturating_sub(1).max(0);
                fmt_e(&d, dp, p, verb == 'E')
            } else {
                let (d, dp) = decimal_digits(x, Some(usize::try_from(prec).unwrap_or(0) + 1));
                fmt_e(&d, dp, prec, verb == 'E')
            }
        }
        'f' | 'F' => {
            if prec < 0 {
                let (d, dp) = decimal_digits(x, None);
                let p = (i32::try_from(d.len()).unwrap_or(0) - dp).max(0);
                fmt_f(&d, dp, p)
            } else {
                format!("{:.*}", usize::try_from(prec).unwrap_or(0), x)
            }
        }
        'g' | 'G' => {
            let shortest = prec < 0;
            let (d, dp) = if shortest {
                decimal_digits(x, None)
            } else {
                decimal_digits(x, Some(usize::try_from(prec.max(1)).unwrap_or(1)))
            };
            let nd = i32::try_from(d.len()).unwrap_or(0);
            let mut prec = if shortest { nd } else { prec.max(1) };
            let mut eprec = prec;
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = dp - 1;
            if d.is_empty() {
                // Zero.
                return "0".into();
            }
            if exp < -4 || exp >= eprec {
                if prec > nd {
                    prec = nd;
                }
                return fmt_e(&d, dp, prec - 1, verb == 'G');
            }
            if prec > dp {
                prec = nd;
            }
            fmt_f(&d, dp, (prec - dp).max(0))
        }
        _ => {
            // %b, %x on floats: rare in charts; print Go's %e shortest form instead.
            format_float(x, 'e', -1)
        }
    }
}

fn parse_num(s: &[u8], mut i: usize) -> (Option<usize>, usize) {
    let start = i;
    let mut n: usize = 0;
    let mut too_large = false;
    while i < s.len() && s[i].is_ascii_digit() {
        if n > MAX_WIDTH {
            too_large = true;
        }
        n = n
            .saturating_mul(10)
            .saturating_add(usize::from(s[i] - b'0'));
        i += 1;
    }
    if i == start || too_large {
        return (None, i);
    }
    (Some(n), i)
}

/// Go's `fmt.Sprintf`.
#[must_use]
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer {
        buf: String::with_capacity(format.len() + 16),
        f: Flags::default(),
    };
    let s = format.as_bytes();
    let end = s.len();
    let mut arg_num = 0usize;
    let mut reordered = false;
    let mut i = 0;
    'outer: while i < end {
        let mut good_arg_num = true;
        let last = i;
        while i < end && s[i] != b'%' {
            i += 1;
        }
        if i > last {
            p.buf.push_str(&format[last..i]);
        }
        if i >= end {
            break;
        }
        i += 1;
        p.f = Flags::default();
        while i < end {
            match s[i] {
                b'#' => p.f.sharp = true,
                b'0' => p.f.zero = true,
                b'+' => p.f.plus = true,
                b'-' => p.f.minus = true,
                b' ' => p.f.space = true,
                c => {
                    if c.is_ascii_lowercase() && arg_num < args.len() {
                        let verb = char::from(c);
                        if verb == 'v' || verb == 'w' {
                            p.f.sharp_v = p.f.sharp;
                            p.f.sharp = false;
                            p.f.plus_v = p.f.plus;
                            p.f.plus = false;
                        }
                        print_verb(&mut p, &args[arg_num], verb);
                        arg_num += 1;
                        i += 1;
                        continue 'outer;
                    }
                    break;
                }
            }
            i += 1;
        }
        // Argument index, width.
        let mut after_index;
        (arg_num, i, after_index) =
            arg_number(&mut reordered, &mut good_arg_num, arg_num, s, i, args.len());
        if i < end && s[i] == b'*' {
            i += 1;
            let (w, ok, n) = int_from_arg(args, arg_num);
            arg_num = n;
            if !ok {
                p.buf.push_str("%!(BADWIDTH)");
            }
            if w < 0 {
                p.f.wid = Some(usize::try_from(w.unsigned_abs()).unwrap_or(0));
                p.f.minus = true;
                p.f.zero = false;
            } else {
                p.f.wid = if ok { usize::try_from(w).ok() } else { None };
            }
            after_index = false;
        } else {
            let (w, ni) = parse_num(s, i);
            p.f.wid = w;
            i = ni;
            if after_index && w.is_some() {
                good_arg_num = false;
            }
        }
        if i + 1 < end && s[i] == b'.' {
            i += 1;
            if after_index {
                good_arg_num = false;
            }
            (arg_num, i, after_index) =
                arg_number(&mut reordered, &mut good_arg_num, arg_num, s, i, args.len());
            if i < end && s[i] == b'*' {
                i += 1;
                let (pr, ok, n) = int_from_arg(args, arg_num);
                arg_num = n;
                if pr < 0 || !ok {
                    p.f.prec = None;
                } else {
                    p.f.prec = usize::try_from(pr).ok();
                }
                if !ok {
                    p.buf.push_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                let (pr, ni) = parse_num(s, i);
                i = ni;
                p.f.prec = Some(pr.unwrap_or(0));
            }
        }
        if !after_index {
            (arg_num, i, after_index) =
                arg_number(&mut reordered, &mut good_arg_num, arg_num, s, i, args.len());
        }
        let _ = after_index;
        if i >= end {
            p.buf.push_str("%!(NOVERB)");
            break;
        }
        let verb = format[i..].chars().next().unwrap_or('?');
        i += verb.len_utf8();
        if verb == '%' {
            p.buf.push('%');
        } else if !good_arg_num {
            p.buf.push_str("%!");
            p.buf.push(verb);
            p.buf.push_str("(BADINDEX)");
        } else if arg_num >= args.len() {
            p.buf.push_str("%!");
            p.buf.push(verb);
            p.buf.push_str("(MISSING)");
        } else {
            if verb == 'v' || verb == 'w' {
                p.f.sharp_v = p.f.sharp;
                p.f.sharp = false;
                p.f.plus_v = p.f.plus;
                p.f.plus = false;
            }
            print_verb(&mut p, &args[arg_num], verb);
            arg_num += 1;
        }
    }
    if !reordered && arg_num < args.len() {
        p.f = Flags::default();
        p.buf.push_str("%!(EXTRA ");
        for (i, a) in args[arg_num..].iter().enumerate() {
            if i > 0 {
                p.buf.push_str(", ");
            }
            if a.is_nil() {
                p.buf.push_str("<nil>");
            } else {
                p.buf.push_str(&a.type_name());
                p.buf.push('=');
                p.print_arg(a, 'v');
            }
        }
        p.buf.push(')');
    }
    p.buf
}

fn print_verb(p: &mut Printer, v: &Value, verb: char) {
    if verb == 'w' {
        // Sprintf has no error wrapping: %w is a bad verb.
        p.bad_verb('w', v);
        return;
    }
    p.print_arg(v, verb);
}

fn arg_number(
    reordered: &mut bool,
    good: &mut bool,
    arg_num: usize,
    s: &[u8],
    i: usize,
    num_args: usize,
) -> (usize, usize, bool) {
    if s.len() <= i || s[i] != b'[' {
        return (arg_num, i, false);
    }
    *reordered = true;
    let rest = &s[i..];
    let (index, wid, ok) = {
        if rest.len() < 3 {
            (0usize, 1usize, false)
        } else {
            let mut r = (0, 1, false);
            for j in 1..rest.len() {
                if rest[j] == b']' {
                    let (n, ni) = parse_num(rest, 1);
                    r = match n {
                        Some(n) if ni == j && n >= 1 => (n - 1, j + 1, true),
                        Some(0) if ni == j => (usize::MAX, j + 1, true),
                        _ => (0, j + 1, false),
                    };
                    break;
                }
            }
            r
        }
    };
    if ok && index < num_args {
        return (index, i + wid, true);
    }
    *good = false;
    (arg_num, i + wid, ok)
}

fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let mut new = arg_num;
    let mut num = 0;
    let mut ok = false;
    if let Some(a) = args.get(arg_num) {
        if let Value::Int(i) | Value::Int64(i) = a {
            num = *i;
            ok = true;
        }
        new += 1;
        if num.unsigned_abs() > 1_000_000 {
            num = 0;
            ok = false;
        }
    }
    (num, ok, new)
}

/// Go's `fmt.Sprint`: spaces between operands when neither side is a string.
#[must_use]
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer {
        buf: String::new(),
        f: Flags::default(),
    };
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// Go's `fmt.Sprintln`: spaces between all operands and a final newline.
#[must_use]
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer {
        buf: String::new(),
        f: Flags::default(),
    };
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// What `fmt.Fprint` writes for one value (an action's result): `<no value>` for no
/// value.
pub(crate) fn print_value_into(out: &mut String, v: &Value) {
    match v {
        Value::Invalid => out.push_str("<no value>"),
        Value::String(s) => out.push_str(s.as_str()),
        other => {
            let mut p = Printer {
                buf: std::mem::take(out),
                f: Flags::default(),
            };
            p.print_arg(other, 'v');
            *out = p.buf;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings: Go's fmt.Sprintf on the same arguments.
    #[test]
    fn printf_matches_go() {
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("%d", vec![Value::Float(8080.0)], "%!d(float64=8080)"),
            ("%s", vec![Value::Int(5)], "%!s(int=5)"),
            ("%v %v", vec![Value::Int(1)], "1 %!v(MISSING)"),
            (
                "%v",
                vec![Value::Int(1), Value::str("a")],
                "1%!(EXTRA string=a)",
            ),
            (
                "%05.1f|%-6d|%+d",
                vec![Value::Float(2.718_59), Value::Int(42), Value::Int(7)],
                "002.7|42    |+7",
            ),
            (
                "%.2f %e %g",
                vec![
                    Value::Float(2.5),
                    Value::Float(1234.5678),
                    Value::Float(1e21),
                ],
                "2.50 1.234568e+03 1e+21",
            ),
            (
                "%x %X %o %b %c %q %U",
                vec![
                    Value::Int(255),
                    Value::Int(255),
                    Value::Int(8),
                    Value::Int(5),
                    Value::Int(65),
                    Value::str("a\"b"),
                    Value::Int(0x1F600),
                ],
                "ff FF 10 101 A \"a\\\"b\" U+1F600",
            ),
            ("%[2]d %[1]d", vec![Value::Int(1), Value::Int(2)], "2 1"),
            ("%*d", vec![Value::Int(4), Value::Int(7)], "   7"),
            (
                "%.3g|%g|%g",
                vec![
                    Value::Float(1234.5678),
                    Value::Float(100000.0),
                    Value::Float(1_000_000.0),
                ],
                "1.23e+03|100000|1e+06",
            ),
            ("%s", vec![Value::Nil], "%!s(<nil>)"),
            ("%t %v", vec![Value::Bool(true), Value::Nil], "true <nil>"),
            ("%6.2f%%", vec![Value::Float(99.5)], " 99.50%"),
        ];
        for (f, args, want) in cases {
            assert_eq!(sprintf(f, &args), want, "{f}");
        }
    }

    #[test]
    fn sprint_spacing() {
        assert_eq!(sprint(&[Value::Int(1), Value::Int(2)]), "1 2");
        assert_eq!(
            sprint(&[Value::str("a"), Value::Int(2), Value::str("b")]),
            "a2b"
        );
        assert_eq!(sprintln(&[Value::str("a"), Value::str("b")]), "a b\n");
    }
}
