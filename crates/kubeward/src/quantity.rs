//! Kubernetes resource quantities (`500m`, `1Gi`, `1e3`), read as Kubernetes reads them.
//!
//! The grammar and the rounding follow `ParseQuantity` of `k8s.io/apimachinery`
//! (`pkg/api/resource`): an optional sign, digits with an optional fraction, and one suffix:
//! none, the decimal SI suffixes `n u m k M G T P E`, the binary ones `Ki Mi Gi Ti Pi Ei`, or
//! a decimal exponent `e<int>`/`E<int>`. A value is rounded up (away from zero) to a whole
//! number of nano units, and a binary-suffixed magnitude is capped at 2⁶³−1. A manifest's
//! value is read as Kubernetes reads JSON: a number by its text, a string with its
//! surrounding white space trimmed.

use serde_json::Value as Json;

/// Nano units in one unit.
const NANOS: i128 = 1_000_000_000;

/// A parsed quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Quantity {
    /// The exact value, in nano units.
    Nanos(i128),
    /// A value too large for [`Quantity::Nanos`] (beyond about 10²⁹ units), approximated.
    Approx(f64),
}

impl Quantity {
    /// The value in units as a JSON number: an integer when it is whole and fits 64 bits,
    /// a float otherwise (equal quantities give equal numbers). `None` for an infinite
    /// approximation.
    pub(crate) fn to_json(self) -> Option<Json> {
        match self {
            Quantity::Nanos(n) => {
                if n % NANOS == 0 {
                    if let Ok(units) = i64::try_from(n / NANOS) {
                        return Some(Json::from(units));
                    }
                }
                // Integer part and fraction separately, so that small fractions stay exact
                // to the float's precision.
                let whole = (n / NANOS) as f64;
                let frac = (n % NANOS) as f64 / NANOS as f64;
                serde_json::Number::from_f64(whole + frac).map(Json::Number)
            }
            Quantity::Approx(f) => serde_json::Number::from_f64(f).map(Json::Number),
        }
    }
}

/// Parses a quantity as `k8s.io/apimachinery`'s `ParseQuantity` does after JSON decoding
/// (surrounding white space trimmed); `None` when Kubernetes rejects it.
pub(crate) fn parse(text: &str) -> Option<Quantity> {
    let s = text.trim().as_bytes();
    if s.is_empty() {
        return None;
    }
    let mut pos = 0;
    let mut negative = false;
    match s.first() {
        Some(b'-') => {
            negative = true;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    while s.get(pos) == Some(&b'0') {
        pos += 1;
    }
    if pos >= s.len() {
        // Only a sign and zeros: zero, whatever follows in Kubernetes' reading.
        return Some(Quantity::Nanos(0));
    }
    let num_start = pos;
    while s.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    let num = &s[num_start..pos];
    let mut denom: &[u8] = &[];
    if s.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while s.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        denom = &s[start..pos];
    }
    let suffix_start = pos;
    while s.get(pos).is_some_and(|c| b"eEinumkKMGTP".contains(c)) {
        pos += 1;
    }
    if matches!(s.get(pos), Some(b'-' | b'+')) {
        pos += 1;
    }
    while s.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    if pos != s.len() {
        return None;
    }
    let suffix = std::str::from_utf8(&s[suffix_start..]).ok()?;
    let (base, exponent) = interpret(suffix)?;
    let digits: Vec<u8> = num.iter().chain(denom).map(|d| d - b'0').collect();
    let magnitude = if base == 2 {
        binary(&digits, denom.len(), exponent)
    } else {
        decimal(&digits, denom.len(), exponent)
    };
    Some(match magnitude {
        Quantity::Nanos(n) if negative => Quantity::Nanos(-n),
        Quantity::Approx(f) if negative => Quantity::Approx(-f),
        q => q,
    })
}

/// The base and exponent a suffix stands for.
fn interpret(suffix: &str) -> Option<(u32, i64)> {
    Some(match suffix {
        "" => (10, 0),
        "n" => (10, -9),
        "u" => (10, -6),
        "m" => (10, -3),
        "k" => (10, 3),
        "M" => (10, 6),
        "G" => (10, 9),
        "T" => (10, 12),
        "P" => (10, 15),
        "E" => (10, 18),
        "Ki" => (2, 10),
        "Mi" => (2, 20),
        "Gi" => (2, 30),
        "Ti" => (2, 40),
        "Pi" => (2, 50),
        "Ei" => (2, 60),
        _ => {
            let rest = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))
                .filter(|r| !r.is_empty())?;
            // Go parses the exponent as a 64-bit integer and keeps its low 32 bits.
            let parsed: i64 = rest.parse().ok()?;
            (10, i64::from(parsed as i32))
        }
    })
}

/// The digits as an integer, `None` when it does not fit.
fn integer(digits: &[u8]) -> Option<i128> {
    digits.iter().try_fold(0i128, |acc, d| {
        acc.checked_mul(10)?.checked_add(i128::from(*d))
    })
}

fn pow10(exp: u32) -> Option<i128> {
    10i128.checked_pow(exp)
}

/// `value / divisor` rounded up (both positive).
fn div_ceil(value: i128, divisor: i128) -> i128 {
    let q = value / divisor;
    if value % divisor == 0 {
        q
    } else {
        q + 1
    }
}

/// The magnitude `digits × 10^(exponent − fraction_len)` in nano units, rounded up.
fn decimal(digits: &[u8], fraction_len: usize, exponent: i64) -> Quantity {
    let shift = exponent - fraction_len as i64 + 9;
    let exact = integer(digits).and_then(|d| {
        if d == 0 {
            return Some(0);
        }
        if shift >= 0 {
            d.checked_mul(pow10(u32::try_from(shift).ok()?)?)
        } else {
            match u32::try_from(-shift).ok().and_then(pow10) {
                Some(p) => Some(div_ceil(d, p)),
                // Below one nano unit: rounded up to one.
                None => Some(1),
            }
        }
    });
    match exact {
        Some(n) => Quantity::Nanos(n),
        None => {
            let d: f64 = digits.iter().fold(0.0, |acc, d| acc * 10.0 + f64::from(*d));
            let e = (exponent - fraction_len as i64).clamp(-400, 400) as i32;
            Quantity::Approx(d * 10f64.powi(e))
        }
    }
}

/// The magnitude `digits × 2^exponent / 10^fraction_len` in nano units, rounded up and
/// capped at 2⁶³−1 units.
fn binary(digits: &[u8], fraction_len: usize, exponent: i64) -> Quantity {
    let cap = i128::from(i64::MAX) * NANOS;
    let exact = integer(digits).and_then(|d| {
        if d == 0 {
            return Some(0);
        }
        let scaled = d
            .checked_mul(1i128.checked_shl(u32::try_from(exponent).ok()?)?)?
            .checked_mul(NANOS)?;
        let divisor = pow10(u32::try_from(fraction_len).ok()?)?;
        Some(div_ceil(scaled, divisor))
    });
    match exact {
        Some(n) => Quantity::Nanos(n.min(cap)),
        // Too large to compute exactly: above the cap unless the fraction is very long.
        None if fraction_len < 20 => Quantity::Nanos(cap),
        None => {
            let d: f64 = digits.iter().fold(0.0, |acc, d| acc * 10.0 + f64::from(*d));
            let v = d * 2f64.powi(exponent as i32) / 10f64.powi(fraction_len.min(400) as i32);
            Quantity::Approx(v.min(i64::MAX as f64))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values printed by `resource.ParseQuantity(s).AsDec().String()` of
    /// `k8s.io/apimachinery` v0.36.3 (`pkg/api/resource`); `None` where it returns an error.
    const REFERENCE: &[(&str, Option<&str>)] = &[
        ("1", Some("1")),
        ("1000m", Some("1.000")),
        ("0.5", Some("0.5")),
        ("500m", Some("0.500")),
        ("1Gi", Some("1073741824")),
        ("1024Mi", Some("1073741824")),
        ("1G", Some("1000000000")),
        ("1e3", Some("1000")),
        ("1E", Some("1000000000000000000")),
        ("1Ei", Some("1152921504606846976")),
        ("1.5Gi", Some("1610612736")),
        ("0.1", Some("0.1")),
        ("100m", Some("0.100")),
        ("1n", Some("0.000000001")),
        ("0.0000000001", Some("0.000000001")),
        ("-0.0000000001", Some("-0.000000001")),
        ("1.23456789012", Some("1.234567891")),
        ("-1.5", Some("-1.5")),
        ("+2k", Some("2000")),
        ("-", Some("0")),
        (".5", Some("0.5")),
        ("1.", Some("1")),
        ("012", Some("12")),
        ("1e-3", Some("0.001")),
        ("1E3", Some("1000")),
        ("2Ki", Some("2048")),
        ("10Ei", Some("9223372036854775807")),
        ("9223372036854775807", Some("9223372036854775807")),
        ("99999999999999999999", Some("99999999999999999999")),
        ("1ki", None),
        ("1K", None),
        ("abc", None),
        ("", None),
        ("1m5", None),
        ("0.5Mi", Some("524288")),
        ("0x10", None),
        ("1Mi", Some("1048576")),
        ("3.7", Some("3.7")),
        ("1e", None),
        ("1i", None),
        ("5u", Some("0.000005")),
        ("7P", Some("7000000000000000")),
        ("2T", Some("2000000000000")),
        ("1Pi", Some("1125899906842624")),
        ("1Ti", Some("1099511627776")),
        ("100000000000000000000Ki", Some("9223372036854775807")),
        ("1.000000001", Some("1.000000001")),
        ("0", Some("0")),
    ];

    /// A decimal string in nano units.
    fn nanos(text: &str) -> i128 {
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let mut frac = frac.to_string();
        while frac.len() < 9 {
            frac.push('0');
        }
        let whole: i128 = whole.parse().unwrap_or(-1);
        let frac: i128 = frac.parse().unwrap_or(-1);
        let n = whole * NANOS + frac;
        if negative {
            -n
        } else {
            n
        }
    }

    #[test]
    fn matches_apimachinery() {
        for (input, expected) in REFERENCE {
            let got = parse(input);
            match expected {
                None => assert_eq!(got, None, "{input:?}"),
                Some(text) => assert_eq!(got, Some(Quantity::Nanos(nanos(text))), "{input:?}"),
            }
        }
    }

    #[test]
    fn trims_like_json_decoding_and_compares_equal_spellings() {
        // Quantity.UnmarshalJSON trims white space before parsing.
        assert_eq!(parse(" 1 "), parse("1"));
        let json = |s: &str| parse(s).and_then(Quantity::to_json);
        assert_eq!(json("1"), Some(Json::from(1)));
        assert_eq!(json("1000m"), json("1"));
        assert_eq!(json("1Gi"), json("1024Mi"));
        assert_eq!(json("0.5"), json("500m"));
        assert_eq!(json("0.1"), json("100m"));
        assert_ne!(json("0.1"), json("101m"));
        // 1e30 is accepted by Kubernetes (no cap on decimal quantities).
        assert!(matches!(parse("1e30"), Some(Quantity::Approx(f)) if f > 9.9e29));
    }
}
