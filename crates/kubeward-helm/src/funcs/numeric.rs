//! Numbers and conversions: atoi, int, int64, float64, toDecimal, add, sub, mul, div, mod,
//! max, min, the float variants, ceil, floor, round, until, untilStep, randInt.
//!
//! Conversions follow `spf13/cast` v1.7.0 (every error becomes 0), integer arithmetic is
//! Go's wrapping `int64` arithmetic, and the `*f` functions compute exactly in decimal as
//! `shopspring/decimal` does before rounding back to a `float64`.

use super::strings::{arg, arg_int, arg_str, until_step};
use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::{ElemType, List, Value};
use num_bigint::BigInt;
use std::cell::RefCell;
use std::rc::Rc;

const A: Ty = Ty::Any;
const I: Ty = Ty::Int;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("atoi", Sig::fixed(&[Ty::String]), atoi),
    FuncDef::new("int", Sig::fixed(&[A]), to_int),
    FuncDef::new("int64", Sig::fixed(&[A]), to_int64),
    FuncDef::new("float64", Sig::fixed(&[A]), to_float64),
    FuncDef::new("toDecimal", Sig::fixed(&[A]), to_decimal),
    FuncDef::new("add", Sig::variadic(&[], A), add),
    FuncDef::new("add1", Sig::fixed(&[A]), add1),
    FuncDef::new("sub", Sig::fixed(&[A, A]), sub),
    FuncDef::new("div", Sig::fixed(&[A, A]), div),
    FuncDef::new("mod", Sig::fixed(&[A, A]), modulo),
    FuncDef::new("mul", Sig::variadic(&[A], A), mul),
    FuncDef::new("max", Sig::variadic(&[A], A), max),
    FuncDef::new("biggest", Sig::variadic(&[A], A), max),
    FuncDef::new("min", Sig::variadic(&[A], A), min),
    FuncDef::new("randInt", Sig::fixed(&[I, I]), rand_int),
    FuncDef::new("add1f", Sig::fixed(&[A]), add1f),
    FuncDef::new("addf", Sig::variadic(&[], A), addf),
    FuncDef::new("subf", Sig::variadic(&[A], A), subf),
    FuncDef::new("divf", Sig::variadic(&[A], A), divf),
    FuncDef::new("mulf", Sig::variadic(&[A], A), mulf),
    FuncDef::new("maxf", Sig::variadic(&[A], A), maxf),
    FuncDef::new("minf", Sig::variadic(&[A], A), minf),
    FuncDef::new("ceil", Sig::fixed(&[A]), ceil),
    FuncDef::new("floor", Sig::fixed(&[A]), floor),
    FuncDef::new("round", Sig::variadic(&[A, I], Ty::Float64), round),
    FuncDef::new("until", Sig::fixed(&[I]), until),
    FuncDef::new("untilStep", Sig::fixed(&[I, I, I]), until_step_fn),
];

// ---------------------------------------------------------------------------------------
// Go's strconv parsing, as cast uses it.

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let b = match b.first() {
        Some(b'+' | b'-') => b.get(1..).unwrap_or_default(),
        _ => b,
    };
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b.first() == Some(&b'0') {
        let p = b.get(1).map_or(0, u8::to_ascii_lowercase);
        if matches!(p, b'b' | b'o' | b'x') {
            i = 2;
            saw = b'0';
            hex = p == b'x';
        }
    }
    for &c in b.get(i..).unwrap_or_default() {
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// Go's `strconv.ParseInt(s, base, 64)`; `base` 0 reads a prefix (`0x`, `0o`, `0b`, `0`)
/// and allows underscores. On a range error Go returns the clamped value with the error:
/// `Err(Some(clamped))`; a syntax error is `Err(None)`.
fn parse_int(s: &str, base: u32) -> Result<i64, Option<i64>> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    if body.is_empty() {
        return Err(None);
    }
    let base0 = base == 0;
    let (radix, digits) = if base0 && body.starts_with('0') {
        let prefix = body.as_bytes().get(1).map(u8::to_ascii_lowercase);
        let rest = body.get(2..).unwrap_or("");
        match prefix {
            Some(b'b') if body.len() >= 3 => (2, rest),
            Some(b'o') if body.len() >= 3 => (8, rest),
            Some(b'x') if body.len() >= 3 => (16, rest),
            _ => (8, body.get(1..).unwrap_or("")),
        }
    } else if base0 {
        (10, body)
    } else {
        (base, body)
    };
    let mut underscores = false;
    let mut value: u64 = 0;
    let mut overflow = false;
    for c in digits.chars() {
        if c == '_' && base0 {
            underscores = true;
            continue;
        }
        let d = c.to_digit(radix).ok_or(None)?;
        match value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    if underscores && !underscore_ok(s) {
        return Err(None);
    }
    let limit: u64 = 1 << 63;
    if neg {
        if overflow || value > limit {
            return Err(Some(i64::MIN));
        }
        Ok(0i64.wrapping_sub_unsigned(value))
    } else {
        if overflow || value >= limit {
            return Err(Some(i64::MAX));
        }
        i64::try_from(value).map_err(|_| Some(i64::MAX))
    }
}

/// Go's `strconv.ParseFloat(s, 64)`; `None` on any error (cast then gives 0).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" {
        return (body.len() == s.len()).then_some(f64::NAN);
    }
    let value = if lower.starts_with("0x") {
        parse_hex_float(lower.get(2..).unwrap_or(""))?
    } else {
        let mut saw_digit = false;
        let mut seen_dot = false;
        let mut seen_exp = false;
        let mut exp_digits = false;
        let mut prev = b' ';
        for &c in lower.as_bytes() {
            match c {
                b'0'..=b'9' if seen_exp => exp_digits = true,
                b'0'..=b'9' => saw_digit = true,
                b'_' if !seen_exp => {}
                b'.' if !seen_dot && !seen_exp => seen_dot = true,
                b'e' if saw_digit && !seen_exp => seen_exp = true,
                b'+' | b'-' if prev == b'e' => {}
                _ => return None,
            }
            prev = c;
        }
        if !saw_digit || (seen_exp && !exp_digits) {
            return None;
        }
        if lower.contains('_') && !underscore_ok(s) {
            return None;
        }
        lower.replace('_', "").parse::<f64>().ok()?
    };
    if value.is_infinite() {
        return None;
    }
    Some(if neg { -value } else { value })
}

/// A hexadecimal float mantissa and its mandatory `p` exponent (after `0x`).
fn parse_hex_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(&format!("0x{s}")) {
        return None;
    }
    let (mant, exp) = s.split_once('p')?;
    let exp: i32 = match exp.as_bytes().first() {
        Some(b'+') => exp.get(1..)?.replace('_', "").parse().ok()?,
        _ => exp.replace('_', "").parse().ok()?,
    };
    let mut value = 0f64;
    let mut frac_digits = 0i32;
    let mut seen_dot = false;
    let mut any = false;
    for c in mant.chars() {
        match c {
            '_' => {}
            '.' if !seen_dot => seen_dot = true,
            _ => {
                let d = c.to_digit(16)?;
                any = true;
                value = value * 16.0 + f64::from(d);
                if seen_dot {
                    frac_digits += 1;
                }
            }
        }
    }
    if !any {
        return None;
    }
    Some(value * 2f64.powi(exp - 4 * frac_digits))
}

/// Go's `strings.TrimRight`-like helper of cast: `"1.0"` → `"1"`, `"1.00"` → `"1"`.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b.get(i - 1) {
            Some(b'.') => {
                if found_zero {
                    return s.get(..i - 1).unwrap_or(s);
                }
            }
            Some(b'0') => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's `int64(f)` on amd64: truncation, and `math.MinInt64` for NaN and out-of-range
/// values (the result of the CVTTSD2SI instruction).
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn go_f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        return i64::MIN;
    }
    f as i64
}

/// `cast.ToInt64` (also `cast.ToInt`: Go's `int` has 64 bits): errors give 0.
pub(crate) fn cast_to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Float(f) => go_f64_to_i64(*f),
        Value::String(s) => parse_int(trim_zero_decimal(s.as_str()), 0).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// `cast.ToFloat64`: errors give 0.
#[allow(clippy::cast_precision_loss)]
pub(crate) fn cast_to_f64(v: &Value) -> f64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_float(s.as_str()).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

fn atoi(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    // strconv.Atoi: decimal only; a range error still returns the clamped value.
    let n = match parse_int(arg_str(&args, 0), 10) {
        Ok(n) | Err(Some(n)) => n,
        Err(None) => 0,
    };
    Ok(Value::Int(n))
}

fn to_int(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Int(cast_to_int64(arg(&args, 0))))
}

fn to_int64(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Int64(cast_to_int64(arg(&args, 0))))
}

fn to_float64(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Float(cast_to_f64(arg(&args, 0))))
}

fn to_decimal(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    // strconv.ParseInt(fmt.Sprint(v), 8, 64), errors give 0.
    let v = arg(&args, 0);
    let text = if v.is_nil() {
        "<nil>".to_string()
    } else {
        v.to_go_string()
    };
    Ok(Value::Int64(parse_int(&text, 8).unwrap_or(0)))
}

fn add(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let sum = args
        .iter()
        .fold(0i64, |a, b| a.wrapping_add(cast_to_int64(b)));
    Ok(Value::Int64(sum))
}

fn add1(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Int64(cast_to_int64(arg(&args, 0)).wrapping_add(1)))
}

fn sub(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (a, b) = (cast_to_int64(arg(&args, 0)), cast_to_int64(arg(&args, 1)));
    Ok(Value::Int64(a.wrapping_sub(b)))
}

const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

fn div(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (a, b) = (cast_to_int64(arg(&args, 0)), cast_to_int64(arg(&args, 1)));
    if b == 0 {
        return Err(DIVIDE_BY_ZERO.to_string());
    }
    Ok(Value::Int64(a.wrapping_div(b)))
}

fn modulo(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (a, b) = (cast_to_int64(arg(&args, 0)), cast_to_int64(arg(&args, 1)));
    if b == 0 {
        return Err(DIVIDE_BY_ZERO.to_string());
    }
    Ok(Value::Int64(a.wrapping_rem(b)))
}

fn mul(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let first = cast_to_int64(arg(&args, 0));
    let product = args
        .iter()
        .skip(1)
        .fold(first, |a, b| a.wrapping_mul(cast_to_int64(b)));
    Ok(Value::Int64(product))
}

fn max(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let first = cast_to_int64(arg(&args, 0));
    let m = args.iter().skip(1).map(cast_to_int64).fold(first, i64::max);
    Ok(Value::Int64(m))
}

fn min(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let first = cast_to_int64(arg(&args, 0));
    let m = args.iter().skip(1).map(cast_to_int64).fold(first, i64::min);
    Ok(Value::Int64(m))
}

fn rand_int(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (lo, hi) = (arg_int(&args, 0), arg_int(&args, 1));
    let n = hi.wrapping_sub(lo);
    if n <= 0 {
        return Err("invalid argument to Intn".to_string());
    }
    let r = ctx.next_u64() % n.unsigned_abs();
    Ok(Value::Int(lo.wrapping_add_unsigned(r)))
}

// ---------------------------------------------------------------------------------------
// shopspring/decimal, as far as Sprig's float functions use it.

/// An exact decimal `value × 10^exp`.
#[derive(Clone, Debug)]
struct Decimal {
    value: BigInt,
    exp: i64,
}

/// `decimal.DivisionPrecision`: digits after the point kept by `Div`.
const DIVISION_PRECISION: i64 = 16;

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`.
    fn from_f64(f: f64) -> Result<Decimal, String> {
        if f.is_nan() || f.is_infinite() {
            return Err(format!(
                "Cannot create a Decimal from {}",
                crate::value::format_float(f)
            ));
        }
        if f == 0.0 {
            return Ok(Decimal {
                value: BigInt::from(0),
                exp: 0,
            });
        }
        let e = format!("{f:e}");
        let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let negative = mantissa.starts_with('-');
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let frac = i64::try_from(digits.len()).unwrap_or(1) - 1;
        let mut value: BigInt = digits.parse().unwrap_or_default();
        if negative {
            value = -value;
        }
        Ok(Decimal {
            value,
            exp: exp - frac,
        })
    }

    fn rescaled(&self, exp: i64) -> BigInt {
        let shift = u32::try_from(self.exp - exp).unwrap_or(0);
        &self.value * BigInt::from(10).pow(shift)
    }

    fn add(&self, other: &Decimal) -> Decimal {
        let exp = self.exp.min(other.exp);
        Decimal {
            value: self.rescaled(exp) + other.rescaled(exp),
            exp,
        }
    }

    fn sub(&self, other: &Decimal) -> Decimal {
        let exp = self.exp.min(other.exp);
        Decimal {
            value: self.rescaled(exp) - other.rescaled(exp),
            exp,
        }
    }

    fn mul(&self, other: &Decimal) -> Result<Decimal, String> {
        let exp = self.exp + other.exp;
        if i32::try_from(exp).is_err() {
            return Err(format!("exponent {exp} overflows an int32!"));
        }
        Ok(Decimal {
            value: &self.value * &other.value,
            exp,
        })
    }

    /// `Div`: the quotient rounded half away from zero to 16 places after the point.
    fn div(&self, other: &Decimal) -> Result<Decimal, String> {
        let zero = BigInt::from(0);
        if other.value == zero {
            return Err("decimal division by 0".to_string());
        }
        let e = self.exp - other.exp + DIVISION_PRECISION;
        let ten = BigInt::from(10);
        let pow = |n: i64| ten.pow(u32::try_from(n).unwrap_or(0));
        let (a, b) = if e < 0 {
            (self.value.clone(), &other.value * pow(-e))
        } else {
            (&self.value * pow(e), other.value.clone())
        };
        let mut q = &a / &b;
        let r = &a - &q * &b;
        let twice = r.magnitude() * 2u32;
        if twice >= *b.magnitude() {
            let negative = (self.value < zero) != (other.value < zero);
            if negative {
                q -= 1;
            } else {
                q += 1;
            }
        }
        Ok(Decimal {
            value: q,
            exp: -DIVISION_PRECISION,
        })
    }

    /// `Float64`: the nearest `float64` to the exact value.
    fn to_f64(&self) -> f64 {
        format!("{}e{}", self.value, self.exp)
            .parse()
            .unwrap_or(0.0)
    }
}

/// Sprig's `execDecimalOp`.
fn decimal_op(
    first: &Value,
    rest: &[Value],
    op: fn(&Decimal, &Decimal) -> Result<Decimal, String>,
) -> Result<Value, String> {
    let mut acc = Decimal::from_f64(cast_to_f64(first))?;
    for x in rest {
        acc = op(&acc, &Decimal::from_f64(cast_to_f64(x))?)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

fn add1f(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    decimal_op(arg(&args, 0), &[Value::Int(1)], |a, b| Ok(a.add(b)))
}

fn addf(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    decimal_op(&Value::Float(0.0), &args, |a, b| Ok(a.add(b)))
}

fn subf(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    decimal_op(arg(&args, 0), args.get(1..).unwrap_or_default(), |a, b| {
        Ok(a.sub(b))
    })
}

fn divf(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    decimal_op(
        arg(&args, 0),
        args.get(1..).unwrap_or_default(),
        Decimal::div,
    )
}

fn mulf(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    decimal_op(
        arg(&args, 0),
        args.get(1..).unwrap_or_default(),
        Decimal::mul,
    )
}

/// Go's `math.Max`.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && y == 0.0 {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && y == 0.0 {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y {
        x
    } else {
        y
    }
}

fn maxf(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let first = cast_to_f64(arg(&args, 0));
    let m = args.iter().skip(1).map(cast_to_f64).fold(first, go_max);
    Ok(Value::Float(m))
}

fn minf(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let first = cast_to_f64(arg(&args, 0));
    let m = args.iter().skip(1).map(cast_to_f64).fold(first, go_min);
    Ok(Value::Float(m))
}

fn ceil(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Float(cast_to_f64(arg(&args, 0)).ceil()))
}

fn floor(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Float(cast_to_f64(arg(&args, 0)).floor()))
}

/// Go's `math.Pow(10, p)` for an integer `p`: exact up to 10^22, and the correctly rounded
/// reciprocal of that for negative `p` (Go inverts the product it builds).
fn pow10(p: i64) -> f64 {
    let exact = |n: i64| -> f64 {
        let n = i32::try_from(n).unwrap_or(i32::MAX);
        10f64.powi(n)
    };
    if (0..=22).contains(&p) {
        exact(p)
    } else if (-22..0).contains(&p) {
        1.0 / exact(-p)
    } else {
        #[allow(clippy::cast_precision_loss)]
        10f64.powf(p as f64)
    }
}

fn round(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let val = cast_to_f64(arg(&args, 0));
    let places = arg_int(&args, 1);
    let round_on = match args.get(2) {
        Some(Value::Float(f)) => *f,
        _ => 0.5,
    };
    let pow = pow10(places);
    let digit = pow * val;
    let frac = if digit.is_infinite() {
        0.0
    } else {
        digit - digit.trunc()
    };
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::Float(r / pow))
}

/// A `[]int` value.
fn int_list(items: Vec<i64>) -> Value {
    Value::List(List {
        items: Rc::new(RefCell::new(items.into_iter().map(Value::Int).collect())),
        elem: ElemType::Int,
    })
}

fn until(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let count = arg_int(&args, 0);
    let step = if count < 0 { -1 } else { 1 };
    Ok(int_list(until_step(ctx, 0, count, step)?))
}

fn until_step_fn(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let (start, stop, step) = (arg_int(&args, 0), arg_int(&args, 1), arg_int(&args, 2));
    Ok(int_list(until_step(ctx, start, stop, step)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: super::super::NativeFn, args: Vec<Value>) -> String {
        let mut ctx = FuncCtx::default();
        match f(&mut ctx, args) {
            Ok(v) => format!("{} {}", v.type_name(), v.to_go_string()),
            Err(e) => format!("ERR {e}"),
        }
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    // Expected values: Go (Sprig v3.3.0, cast v1.7.0, decimal v1.4.0) on the same inputs.
    #[test]
    fn cast_conversions() {
        let cases = [
            (s("0x10"), "int 16"),
            (s("010"), "int 8"),
            (s("08"), "int 0"),
            (s("1.0"), "int 1"),
            (s("1.5"), "int 0"),
            (s("1_000"), "int 1000"),
            (s(" 1"), "int 0"),
            (Value::Float(-2.9), "int -2"),
            (Value::Float(1e30), "int -9223372036854775808"),
            (Value::Bool(true), "int 1"),
            (Value::Nil, "int 0"),
        ];
        for (v, want) in cases {
            assert_eq!(call(to_int, vec![v.clone()]), want, "{v:?}");
        }
        assert_eq!(call(to_float64, vec![s("1e3")]), "float64 1000");
        assert_eq!(call(to_float64, vec![s("0x1p4")]), "float64 16");
        assert_eq!(call(to_float64, vec![s("1e400")]), "float64 0");
        assert_eq!(call(to_float64, vec![s("+nan")]), "float64 0");
        assert_eq!(
            call(atoi, vec![s("99999999999999999999")]),
            "int 9223372036854775807"
        );
        assert_eq!(call(atoi, vec![s("0x10")]), "int 0");
        assert_eq!(call(to_decimal, vec![s("0777")]), "int64 511");
        assert_eq!(call(to_decimal, vec![Value::Int(777)]), "int64 511");
        assert_eq!(call(to_decimal, vec![s("8")]), "int64 0");
    }

    #[test]
    fn integer_arithmetic() {
        assert_eq!(
            call(add, vec![Value::Int(1), Value::Float(2.7), s("3")]),
            "int64 6"
        );
        assert_eq!(
            call(div, vec![Value::Int(7), Value::Int(0)]),
            "ERR runtime error: integer divide by zero"
        );
        assert_eq!(
            call(modulo, vec![Value::Int(-7), Value::Int(3)]),
            "int64 -1"
        );
        assert_eq!(call(div, vec![Value::Int(-7), Value::Int(2)]), "int64 -3");
        assert_eq!(
            call(max, vec![Value::Int(1), s("5"), Value::Float(3.0)]),
            "int64 5"
        );
        assert_eq!(call(until, vec![Value::Int(-3)]), "[]int [0 -1 -2]");
        assert_eq!(
            call(
                until_step_fn,
                vec![Value::Int(0), Value::Int(10), Value::Int(4)]
            ),
            "[]int [0 4 8]"
        );
    }

    #[test]
    fn decimal_floats() {
        assert_eq!(
            call(addf, vec![Value::Float(0.1), Value::Float(0.2)]),
            "float64 0.3"
        );
        assert_eq!(
            call(subf, vec![Value::Float(1.1), Value::Float(0.9)]),
            "float64 0.2"
        );
        assert_eq!(
            call(mulf, vec![Value::Float(1.1), Value::Int(3)]),
            "float64 3.3"
        );
        assert_eq!(
            call(divf, vec![Value::Int(1), Value::Int(3)]),
            "float64 0.3333333333333333"
        );
        assert_eq!(
            call(divf, vec![Value::Int(2), Value::Int(3)]),
            "float64 0.6666666666666667"
        );
        assert_eq!(
            call(divf, vec![Value::Int(1), Value::Int(0)]),
            "ERR decimal division by 0"
        );
        assert_eq!(call(add1f, vec![Value::Float(1.5)]), "float64 2.5");
        assert_eq!(
            call(round, vec![Value::Float(2.71928), Value::Int(2)]),
            "float64 2.72"
        );
        assert_eq!(
            call(round, vec![Value::Float(-1.5), Value::Int(0)]),
            "float64 -2"
        );
        assert_eq!(
            call(maxf, vec![Value::Float(1.5), Value::Int(3)]),
            "float64 3"
        );
    }
}
