//! go-yaml v2's plain-scalar resolution, as far as the encoder needs it: whether a string
//! written without quotes would read back as a string (`resolve.go`), and the YAML 1.1
//! base-60 floats it quotes for other parsers' sake (`encode.go` `isBase60Float`).

/// Whether go-yaml v2 reads `s`, written plain, back as the same string.
pub(crate) fn resolves_to_str(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        // The empty plain scalar is null.
        return false;
    };
    let hint = match first {
        b'+' | b'-' => b'S',
        b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        _ => return true,
    };
    if in_resolve_map(s) {
        return false;
    }
    match hint {
        b'.' => !is_go_float(s),
        b'D' | b'S' => {
            if is_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if parse_go_int(&plain) || parse_go_uint(&plain) {
                return false;
            }
            if kubeward_yaml::is_yaml_float(&plain) && go_float_in_range(&plain) {
                return false;
            }
            // `0b…` and `-0b…` retries of resolve.go accept nothing ParseInt/ParseUint did
            // not already accept.
            true
        }
        _ => true,
    }
}

/// The fixed words of go-yaml v2's resolve table (booleans, nulls, infinities, NaN, merge).
fn in_resolve_map(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | "<<"
    )
}

/// Digits with single underscores between them, as Go's number syntax allows.
fn digits_with_underscores(b: &[u8]) -> bool {
    !b.is_empty()
        && b.first().is_some_and(u8::is_ascii_digit)
        && b.last().is_some_and(u8::is_ascii_digit)
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'_')
        && !b.windows(2).any(|w| w == b"__")
}

/// `strconv.ParseFloat(s, 64)` succeeds for a string that starts with `.` (the only case
/// resolve.go gives it unfiltered): `.5`, `.5e3`, `.5_0`; overflow is an error.
fn is_go_float(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(rest) = b.strip_prefix(b".") else {
        return false;
    };
    let (frac, exp) = match rest.iter().position(|c| *c == b'e' || *c == b'E') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if !digits_with_underscores(frac) {
        return false;
    }
    if let Some(exp) = exp {
        let exp = exp
            .strip_prefix(b"+")
            .or_else(|| exp.strip_prefix(b"-"))
            .unwrap_or(exp);
        if !digits_with_underscores(exp) {
            return false;
        }
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    go_float_in_range(&clean)
}

/// Whether the (syntactically valid) decimal float text is within `float64` range: Go's
/// ParseFloat fails on overflow but not on underflow.
fn go_float_in_range(s: &str) -> bool {
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Magnitude of a Go base-0 unsigned integer literal (`0x1F`, `0o17`, `017`, `0b101`, `42`),
/// or `None` when it is not one or overflows `u64`.
fn go_uint_base0(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (base, digits): (u32, &[u8]) = if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = char::from(c).to_digit(base)?;
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// `strconv.ParseInt(s, 0, 64)` succeeds.
fn parse_go_int(s: &str) -> bool {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    match go_uint_base0(rest) {
        Some(n) if neg => n <= 1 << 63,
        Some(n) => n < 1 << 63,
        None => false,
    }
}

/// `strconv.ParseUint(s, 0, 64)` succeeds.
fn parse_go_uint(s: &str) -> bool {
    go_uint_base0(s).is_some()
}

/// `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // `[0-5]?[0-9]`: one digit, or a 0-5 digit followed by a digit.
        match (b.get(i), b.get(i + 1)) {
            (Some(c0), Some(c1)) if (b'0'..=b'5').contains(c0) && c1.is_ascii_digit() => i += 2,
            (Some(c0), _) if c0.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml v2's `parseTimestamp`: `YYYY-M-D`, optionally followed by a time (`T`, `t` or
/// spaces, `h:m:s`, a fraction) and, after `T`/`t`, a `Z` or `±hh:mm` zone; fields are range
/// checked as `time.Parse` checks them.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year = b[..4]
        .iter()
        .fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
    let mut rest = &b[5..];
    let Some(month) = getnum(&mut rest, false) else {
        return false;
    };
    let Some(r) = rest.strip_prefix(b"-") else {
        return false;
    };
    rest = r;
    let Some(day) = getnum(&mut rest, false) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    // "2006-1-2T15:4:5.999999999Z07:00", the same with `t`, or "2006-1-2 15:4:5.999999999".
    let zoned = match rest.first() {
        Some(b'T' | b't') => {
            rest = &rest[1..];
            true
        }
        Some(b' ') => {
            while rest.first() == Some(&b' ') {
                rest = &rest[1..];
            }
            false
        }
        _ => return false,
    };
    let Some(hour) = getnum(&mut rest, false) else {
        return false;
    };
    let Some(r) = rest.strip_prefix(b":") else {
        return false;
    };
    rest = r;
    let Some(min) = getnum(&mut rest, false) else {
        return false;
    };
    let Some(r) = rest.strip_prefix(b":") else {
        return false;
    };
    rest = r;
    let Some(sec) = getnum(&mut rest, false) else {
        return false;
    };
    if hour >= 24 || min >= 60 || sec >= 60 {
        return false;
    }
    if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && rest[1].is_ascii_digit() {
        rest = &rest[1..];
        while rest.first().is_some_and(u8::is_ascii_digit) {
            rest = &rest[1..];
        }
    }
    if !zoned {
        return rest.is_empty();
    }
    if rest == b"Z" {
        return true;
    }
    if rest.len() != 6 || rest[3] != b':' || !matches!(rest[0], b'+' | b'-') {
        return false;
    }
    let (mut h, mut m) = (&rest[1..3], &rest[4..6]);
    match (getnum(&mut h, true), getnum(&mut m, true)) {
        (Some(h), Some(m)) => h <= 24 && m <= 60,
        _ => false,
    }
}

/// Go's `time.getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &mut &[u8], fixed: bool) -> Option<u32> {
    let d0 = s.first().filter(|c| c.is_ascii_digit())?;
    match s.get(1).filter(|c| c.is_ascii_digit()) {
        Some(d1) => {
            let n = u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0');
            *s = &s[2..];
            Some(n)
        }
        None if fixed => None,
        None => {
            let n = u32::from(d0 - b'0');
            *s = &s[1..];
            Some(n)
        }
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_that_need_quotes() {
        for s in [
            "",
            "yes",
            "Y",
            "on",
            "OFF",
            "null",
            "~",
            "0755",
            "1_000",
            "0x1F",
            "1.0",
            ".5",
            "1e3",
            "-1",
            "+1",
            "2021-01-01",
            "2021-1-2",
            "2021-01-01T10:00:00Z",
            "2021-01-01 10:00:00",
            "2021-01-01t10:00:00.5+02:00",
            "08",
            ".inf",
            "18446744073709551615",
            "99999999999999999999",
            "1_",
            ".5e3",
        ] {
            assert!(!resolves_to_str(s), "{s:?} should not be a string");
        }
        for s in [
            "abc",
            "0xZZ",
            "1e400",
            "2021-13-01",
            "2021-02-30",
            "1.2.3",
            "yess",
            "0x",
            "0xFFFFFFFFFFFFFFFFFF",
            "._5",
            "-",
            "+",
            "1:20",
            "2021-01-01T10:00:00",
            "12:30",
            "v1",
            "1e",
            "<<",
        ] {
            assert!(resolves_to_str(s), "{s:?} should be a string");
        }
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("-190:20:30.15"));
        assert!(!is_base60_float("1:70"));
        assert!(!is_base60_float("12:30:"));
    }
}
