//! Dates: now, date, dateInZone/date_in_zone, dateModify/date_modify and the must forms,
//! ago, duration, durationRound, htmlDate, htmlDateInZone, toDate/mustToDate, unixEpoch
//! (Sprig v3.3.0 `date.go` over Go's `time` package).
//!
//! Rendering must be reproducible, so `now` is fixed: it returns [`FuncCtx::now_unix`]
//! (whole seconds, no monotonic reading), and every function that Go bases on the wall
//! clock (`ago`, `date` of a non-time value) uses that instant. The local time zone is UTC.
//! Time zones by name: UTC and its aliases, `Etc/GMT±N`, and a few zones without daylight
//! saving (`Asia/Tokyo`, `Asia/Kolkata`…); any other name falls back to UTC, which is what
//! Sprig does when Go cannot load the zone.
//!
//! Layouts are Go's reference-time layouts (`2006-01-02 15:04:05`), for formatting and for
//! parsing (`toDate`), with Go's error messages; durations use Go's syntax (`1h30m`, `-2.5s`).

use super::{FuncCtx, FuncDef, Sig, Ty};
use crate::value::{Object, Value};
use std::fmt::Write as _;
use std::rc::Rc;

/// The functions of this module.
pub(crate) const FUNCS: &[FuncDef] = &[
    FuncDef::new("now", Sig::fixed(&[]), now),
    FuncDef::new("date", Sig::fixed(&[Ty::String, Ty::Any]), date),
    FuncDef::new(
        "dateInZone",
        Sig::fixed(&[Ty::String, Ty::Any, Ty::String]),
        date_in_zone,
    ),
    FuncDef::new(
        "date_in_zone",
        Sig::fixed(&[Ty::String, Ty::Any, Ty::String]),
        date_in_zone,
    ),
    FuncDef::new("htmlDate", Sig::fixed(&[Ty::Any]), html_date),
    FuncDef::new(
        "htmlDateInZone",
        Sig::fixed(&[Ty::Any, Ty::String]),
        html_date_in_zone,
    ),
    FuncDef::new(
        "dateModify",
        Sig::fixed(&[Ty::String, Ty::Any]),
        date_modify,
    ),
    FuncDef::new(
        "date_modify",
        Sig::fixed(&[Ty::String, Ty::Any]),
        date_modify,
    ),
    FuncDef::new(
        "mustDateModify",
        Sig::fixed(&[Ty::String, Ty::Any]),
        must_date_modify,
    ),
    FuncDef::new(
        "must_date_modify",
        Sig::fixed(&[Ty::String, Ty::Any]),
        must_date_modify,
    ),
    FuncDef::new("ago", Sig::fixed(&[Ty::Any]), ago),
    FuncDef::new("duration", Sig::fixed(&[Ty::Any]), duration),
    FuncDef::new("durationRound", Sig::fixed(&[Ty::Any]), duration_round),
    FuncDef::new("toDate", Sig::fixed(&[Ty::String, Ty::String]), to_date),
    FuncDef::new(
        "mustToDate",
        Sig::fixed(&[Ty::String, Ty::String]),
        must_to_date,
    ),
    FuncDef::new("unixEpoch", Sig::fixed(&[Ty::Any]), unix_epoch),
];

const NANOS_PER_SEC: i64 = 1_000_000_000;
/// Seconds from 0001-01-01 to 1970-01-01 (Go's zero `time.Time` is year 1).
const ZERO_TIME_UNIX: i64 = -62_135_596_800;

/// A time zone: an abbreviation and a fixed offset east of UTC, in seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    /// What `MST` prints (`UTC`, `JST`, `+05`…); empty for an unnamed offset.
    pub name: String,
    /// Seconds east of UTC.
    pub offset: i32,
}

impl Zone {
    fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            offset: 0,
        }
    }
}

/// A Go `time.Time`: an instant and the zone it is shown in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Time {
    /// Seconds since the Unix epoch.
    pub unix: i64,
    /// Nanoseconds within the second, `0..1e9`.
    pub nsec: u32,
    /// The zone used for printing.
    pub zone: Zone,
}

/// The broken-down fields of a [`Time`] in its zone.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    weekday: u32,
    yday: u32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Time {
    /// The instant `unix` seconds after the epoch, in UTC.
    #[must_use]
    pub fn from_unix(unix: i64) -> Time {
        Time {
            unix,
            nsec: 0,
            zone: Zone::utc(),
        }
    }

    /// Go's zero `time.Time` (`0001-01-01 00:00:00 +0000 UTC`).
    #[must_use]
    pub fn zero() -> Time {
        Time::from_unix(ZERO_TIME_UNIX)
    }

    /// Go's `time.Date` (fields may overflow and are normalised), in `zone`.
    #[allow(clippy::too_many_arguments)]
    fn date(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, ns: i64, zone: Zone) -> Time {
        let mo0 = mo - 1;
        let y = y + mo0.div_euclid(12);
        let mo = mo0.rem_euclid(12) + 1;
        let days = days_from_civil(y, mo, 1) + d - 1;
        let secs = s + ns.div_euclid(NANOS_PER_SEC);
        let ns = ns.rem_euclid(NANOS_PER_SEC);
        let local = days
            .saturating_mul(86_400)
            .saturating_add(h.saturating_mul(3600))
            .saturating_add(mi.saturating_mul(60))
            .saturating_add(secs);
        Time {
            unix: local.saturating_sub(i64::from(zone.offset)),
            nsec: u32::try_from(ns).unwrap_or(0),
            zone,
        }
    }

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn civil(&self) -> Civil {
        let local = self.unix.saturating_add(i64::from(self.zone.offset));
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        let yday = (days - days_from_civil(year, 1, 1) + 1) as u32;
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            weekday: (days + 4).rem_euclid(7) as u32,
            yday,
        }
    }

    /// Nanoseconds since the epoch (saturating; Go's `UnixNano` overflows silently).
    #[must_use]
    pub fn unix_nano(&self) -> i64 {
        self.unix
            .saturating_mul(NANOS_PER_SEC)
            .saturating_add(i64::from(self.nsec))
    }

    /// The same instant shown in `zone`.
    #[must_use]
    pub fn in_zone(&self, zone: Zone) -> Time {
        Time {
            zone,
            ..self.clone()
        }
    }

    /// `t.Add(d)` for a duration in nanoseconds.
    #[must_use]
    pub fn add(&self, d: i64) -> Time {
        let total = i128::from(self.nsec) + i128::from(d);
        let secs = i64::try_from(total.div_euclid(1_000_000_000)).unwrap_or(0);
        let nsec = u32::try_from(total.rem_euclid(1_000_000_000)).unwrap_or(0);
        Time {
            unix: self.unix.saturating_add(secs),
            nsec,
            zone: self.zone.clone(),
        }
    }

    /// `t.Sub(u)` in nanoseconds, saturating like Go.
    #[must_use]
    pub fn sub(&self, u: &Time) -> i64 {
        let d = (i128::from(self.unix) - i128::from(u.unix)) * 1_000_000_000
            + i128::from(self.nsec)
            - i128::from(u.nsec);
        i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
    }

    /// Go's `Time.Format(layout)`.
    #[must_use]
    pub fn format(&self, layout: &str) -> String {
        let c = self.civil();
        let mut out = String::new();
        let mut rest = layout;
        loop {
            let (prefix, chunk, suffix) = next_chunk(rest);
            out.push_str(prefix);
            let Some(chunk) = chunk else { break };
            rest = suffix;
            self.write_chunk(&mut out, chunk, &c);
        }
        out
    }

    fn write_chunk(&self, out: &mut String, chunk: Chunk, c: &Civil) {
        let idx = |n: u32| usize::try_from(n).unwrap_or(0);
        match chunk {
            Chunk::Year => {
                let _ = write!(out, "{:02}", c.year.rem_euclid(100));
            }
            Chunk::LongYear => push_int(out, c.year, 4),
            Chunk::Month => out.push_str(
                LONG_MONTHS
                    .get(idx(c.month).wrapping_sub(1))
                    .map_or("", |m| m.get(..3).unwrap_or(m)),
            ),
            Chunk::LongMonth => {
                out.push_str(LONG_MONTHS.get(idx(c.month).wrapping_sub(1)).unwrap_or(&""))
            }
            Chunk::NumMonth => {
                let _ = write!(out, "{}", c.month);
            }
            Chunk::ZeroMonth => {
                let _ = write!(out, "{:02}", c.month);
            }
            Chunk::WeekDay => out.push_str(
                LONG_DAYS
                    .get(idx(c.weekday))
                    .map_or("", |d| d.get(..3).unwrap_or(d)),
            ),
            Chunk::LongWeekDay => out.push_str(LONG_DAYS.get(idx(c.weekday)).unwrap_or(&"")),
            Chunk::Day => {
                let _ = write!(out, "{}", c.day);
            }
            Chunk::UnderDay => {
                let _ = write!(out, "{:>2}", c.day);
            }
            Chunk::ZeroDay => {
                let _ = write!(out, "{:02}", c.day);
            }
            Chunk::UnderYearDay => {
                let _ = write!(out, "{:>3}", c.yday);
            }
            Chunk::ZeroYearDay => {
                let _ = write!(out, "{:03}", c.yday);
            }
            Chunk::Hour => {
                let _ = write!(out, "{:02}", c.hour);
            }
            Chunk::Hour12 | Chunk::ZeroHour12 => {
                let h = match c.hour % 12 {
                    0 => 12,
                    h => h,
                };
                if chunk == Chunk::Hour12 {
                    let _ = write!(out, "{h}");
                } else {
                    let _ = write!(out, "{h:02}");
                }
            }
            Chunk::Minute => {
                let _ = write!(out, "{}", c.minute);
            }
            Chunk::ZeroMinute => {
                let _ = write!(out, "{:02}", c.minute);
            }
            Chunk::Second => {
                let _ = write!(out, "{}", c.second);
            }
            Chunk::ZeroSecond => {
                let _ = write!(out, "{:02}", c.second);
            }
            Chunk::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Chunk::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Chunk::Tz(style) => self.write_zone(out, style),
            Chunk::Frac { nines, digits, sep } => {
                let all = format!("{:09}", self.nsec);
                let mut frac = all.get(..digits.min(9)).unwrap_or_default().to_string();
                if nines {
                    frac = frac.trim_end_matches('0').to_string();
                    if frac.is_empty() {
                        return;
                    }
                }
                out.push(sep);
                out.push_str(&frac);
            }
        }
    }

    fn write_zone(&self, out: &mut String, style: TzStyle) {
        let offset = self.zone.offset;
        if style == TzStyle::Name {
            if self.zone.name.is_empty() {
                let m = offset / 60;
                out.push(if m < 0 { '-' } else { '+' });
                let m = m.abs();
                let _ = write!(out, "{:02}{:02}", m / 60, m % 60);
            } else {
                out.push_str(&self.zone.name);
            }
            return;
        }
        let TzStyle::Num {
            iso,
            colon,
            minutes,
            seconds,
        } = style
        else {
            return;
        };
        if iso && offset == 0 {
            out.push('Z');
            return;
        }
        let zone = offset / 60;
        let abs = offset.abs();
        out.push(if zone < 0 { '-' } else { '+' });
        let zone = zone.abs();
        let _ = write!(out, "{:02}", zone / 60);
        if minutes {
            if colon {
                out.push(':');
            }
            let _ = write!(out, "{:02}", zone % 60);
        }
        if seconds {
            if colon {
                out.push(':');
            }
            let _ = write!(out, "{:02}", abs % 60);
        }
    }

    /// Go's `Time.String()` (without the monotonic clock reading).
    #[must_use]
    pub fn to_go_string(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }
}

/// Go's `appendInt(b, x, width)`: zero-padded to `width`, sign first.
fn push_int(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:0width$}", x.unsigned_abs());
}

const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TzStyle {
    /// `MST`.
    Name,
    /// `Z07:00`, `-0700`…: `iso` prints `Z` for UTC.
    Num {
        iso: bool,
        colon: bool,
        minutes: bool,
        seconds: bool,
    },
}

/// One element of a Go layout (`std*` constants of `time/format.go`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Chunk {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz(TzStyle),
    Frac {
        nines: bool,
        digits: usize,
        sep: char,
    },
}

fn is_digit_at(s: &str, i: usize) -> bool {
    s.as_bytes().get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `nextStdChunk`: the literal text before the first layout element, the element, and
/// the rest.
fn next_chunk(layout: &str) -> (&str, Option<Chunk>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..).is_some_and(|r| r.starts_with(s));
    let split = |i: usize, len: usize, c: Chunk| {
        (
            layout.get(..i).unwrap_or_default(),
            Some(c),
            layout.get(i + len..).unwrap_or_default(),
        )
    };
    let num = |iso, colon, minutes, seconds| {
        Chunk::Tz(TzStyle::Num {
            iso,
            colon,
            minutes,
            seconds,
        })
    };
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'J' if at(i, "Jan") => {
                return if at(i, "January") {
                    split(i, 7, Chunk::LongMonth)
                } else {
                    split(i, 3, Chunk::Month)
                };
            }
            b'M' if at(i, "Mon") => {
                return if at(i, "Monday") {
                    split(i, 6, Chunk::LongWeekDay)
                } else {
                    split(i, 3, Chunk::WeekDay)
                };
            }
            b'M' if at(i, "MST") => return split(i, 3, Chunk::Tz(TzStyle::Name)),
            b'0' => {
                if let Some(&n) = b.get(i + 1) {
                    let chunk = match n {
                        b'1' => Some(Chunk::ZeroMonth),
                        b'2' => Some(Chunk::ZeroDay),
                        b'3' => Some(Chunk::ZeroHour12),
                        b'4' => Some(Chunk::ZeroMinute),
                        b'5' => Some(Chunk::ZeroSecond),
                        b'6' => Some(Chunk::Year),
                        _ => None,
                    };
                    if let Some(chunk) = chunk {
                        return split(i, 2, chunk);
                    }
                    if n == b'0' && b.get(i + 2) == Some(&b'2') {
                        return split(i, 3, Chunk::ZeroYearDay);
                    }
                }
            }
            b'1' => {
                return if b.get(i + 1) == Some(&b'5') {
                    split(i, 2, Chunk::Hour)
                } else {
                    split(i, 1, Chunk::NumMonth)
                };
            }
            b'2' => {
                return if at(i, "2006") {
                    split(i, 4, Chunk::LongYear)
                } else {
                    split(i, 1, Chunk::Day)
                };
            }
            b'_' => {
                if b.get(i + 1) == Some(&b'2') {
                    if at(i + 1, "2006") {
                        return split(i + 1, 4, Chunk::LongYear);
                    }
                    return split(i, 2, Chunk::UnderDay);
                }
                if at(i, "__2") {
                    return split(i, 3, Chunk::UnderYearDay);
                }
            }
            b'3' => return split(i, 1, Chunk::Hour12),
            b'4' => return split(i, 1, Chunk::Minute),
            b'5' => return split(i, 1, Chunk::Second),
            b'P' if b.get(i + 1) == Some(&b'M') => return split(i, 2, Chunk::PM),
            b'p' if b.get(i + 1) == Some(&b'm') => return split(i, 2, Chunk::Pm),
            b'-' => {
                if at(i, "-070000") {
                    return split(i, 7, num(false, false, true, true));
                }
                if at(i, "-07:00:00") {
                    return split(i, 9, num(false, true, true, true));
                }
                if at(i, "-0700") {
                    return split(i, 5, num(false, false, true, false));
                }
                if at(i, "-07:00") {
                    return split(i, 6, num(false, true, true, false));
                }
                if at(i, "-07") {
                    return split(i, 3, num(false, false, false, false));
                }
            }
            b'Z' => {
                if at(i, "Z070000") {
                    return split(i, 7, num(true, false, true, true));
                }
                if at(i, "Z07:00:00") {
                    return split(i, 9, num(true, true, true, true));
                }
                if at(i, "Z0700") {
                    return split(i, 5, num(true, false, true, false));
                }
                if at(i, "Z07:00") {
                    return split(i, 6, num(true, true, true, false));
                }
                if at(i, "Z07") {
                    return split(i, 3, num(true, false, false, false));
                }
            }
            b'.' | b',' => {
                if let Some(&ch) = b.get(i + 1) {
                    if ch == b'0' || ch == b'9' {
                        let mut j = i + 1;
                        while b.get(j) == Some(&ch) {
                            j += 1;
                        }
                        if !is_digit_at(layout, j) {
                            let chunk = Chunk::Frac {
                                nines: ch == b'9',
                                digits: j - (i + 1),
                                sep: char::from(c),
                            };
                            return split(i, j - i, chunk);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (layout, None, "")
}

/// The zone for a name given to `dateInZone`, or `None` when Go could not load it.
fn load_zone(name: &str) -> Option<Zone> {
    let fixed = |n: &str, h: i32, m: i32| {
        Some(Zone {
            name: n.into(),
            offset: h * 3600 + m * 60,
        })
    };
    match name {
        "" | "UTC" | "Local" | "Etc/UTC" | "Etc/UCT" | "UCT" | "Etc/Universal" | "Universal"
        | "Etc/Zulu" | "Zulu" => fixed("UTC", 0, 0),
        "GMT" | "Etc/GMT" | "Etc/GMT0" | "Etc/GMT+0" | "Etc/GMT-0" | "GMT0" | "GMT+0" | "GMT-0"
        | "Greenwich" | "Etc/Greenwich" => fixed("GMT", 0, 0),
        "Asia/Tokyo" | "Japan" => fixed("JST", 9, 0),
        "Asia/Seoul" | "ROK" => fixed("KST", 9, 0),
        "Asia/Shanghai" | "PRC" | "Asia/Taipei" => fixed("CST", 8, 0),
        "Asia/Hong_Kong" | "Hongkong" => fixed("HKT", 8, 0),
        "Asia/Singapore" | "Singapore" => fixed("+08", 8, 0),
        "Asia/Kolkata" | "Asia/Calcutta" => fixed("IST", 5, 30),
        "Asia/Dubai" => fixed("+04", 4, 0),
        _ => {
            let rest = name.strip_prefix("Etc/GMT")?;
            let (sign, digits) = match rest.as_bytes().first() {
                Some(b'+') => (-1, rest.get(1..)?),
                Some(b'-') => (1, rest.get(1..)?),
                _ => return None,
            };
            if digits.is_empty()
                || digits.starts_with('0')
                || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let h: i32 = digits.parse().ok()?;
            if (sign < 0 && h > 12) || (sign > 0 && h > 14) {
                return None;
            }
            let label = format!("{}{:02}", if sign < 0 { '-' } else { '+' }, h);
            fixed(&label, sign * h, 0)
        }
    }
}

/// The time object templates see.
#[derive(Debug)]
pub struct TimeObject(pub Time);

static FORMAT_SIG: Sig = Sig::fixed(&[Ty::String]);
static ADD_SIG: Sig = Sig::fixed(&[Ty::Int64]);
static ADD_DATE_SIG: Sig = Sig::fixed(&[Ty::Int, Ty::Int, Ty::Int]);
static TIME_SIG: Sig = Sig::fixed(&[Ty::Any]);

fn time_value(t: Time) -> Value {
    Value::Object(Rc::new(TimeObject(t)))
}

/// The [`Time`] inside a value, when it is a `time.Time`.
#[must_use]
pub fn as_time(v: &Value) -> Option<Time> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<TimeObject>().map(|t| t.0.clone()),
        _ => None,
    }
}

impl Object for TimeObject {
    fn type_name(&self) -> String {
        "time.Time".into()
    }

    fn field(&self, name: &str) -> Option<Value> {
        let t = &self.0;
        let c = t.civil();
        Some(match name {
            "Unix" => Value::Int64(t.unix),
            "UnixNano" => Value::Int64(t.unix_nano()),
            "UnixMilli" => Value::Int64(
                t.unix
                    .saturating_mul(1000)
                    .saturating_add(i64::from(t.nsec / 1_000_000)),
            ),
            "Year" => Value::Int(c.year),
            "Month" => Value::str(
                LONG_MONTHS
                    .get(usize::try_from(c.month).unwrap_or(1).wrapping_sub(1))
                    .copied()
                    .unwrap_or(""),
            ),
            "Day" => Value::Int(i64::from(c.day)),
            "Hour" => Value::Int(i64::from(c.hour)),
            "Minute" => Value::Int(i64::from(c.minute)),
            "Second" => Value::Int(i64::from(c.second)),
            "Nanosecond" => Value::Int(i64::from(t.nsec)),
            "YearDay" => Value::Int(i64::from(c.yday)),
            "Weekday" => Value::str(
                LONG_DAYS
                    .get(usize::try_from(c.weekday).unwrap_or(0))
                    .copied()
                    .unwrap_or(""),
            ),
            "IsZero" => Value::Bool(t.unix == ZERO_TIME_UNIX && t.nsec == 0),
            "UTC" | "Local" => time_value(t.in_zone(Zone::utc())),
            "String" => Value::str(t.to_go_string()),
            _ => return None,
        })
    }

    fn method(&self, name: &str) -> Option<&'static Sig> {
        match name {
            "Format" => Some(&FORMAT_SIG),
            "Add" => Some(&ADD_SIG),
            "AddDate" => Some(&ADD_DATE_SIG),
            "Before" | "After" | "Equal" | "Sub" => Some(&TIME_SIG),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, String> {
        let t = &self.0;
        let int = |i: usize| match args.get(i) {
            Some(Value::Int(n) | Value::Int64(n)) => *n,
            _ => 0,
        };
        match name {
            "Format" => Ok(Value::str(
                t.format(args.first().and_then(Value::as_str).unwrap_or_default()),
            )),
            "Add" => Ok(time_value(t.add(int(0)))),
            "AddDate" => {
                let c = t.civil();
                Ok(time_value(Time::date(
                    c.year.saturating_add(int(0)),
                    i64::from(c.month).saturating_add(int(1)),
                    i64::from(c.day).saturating_add(int(2)),
                    i64::from(c.hour),
                    i64::from(c.minute),
                    i64::from(c.second),
                    i64::from(t.nsec),
                    t.zone.clone(),
                )))
            }
            _ => {
                let other = args.first().and_then(as_time).ok_or_else(|| {
                    let got = args.first().map_or("<nil>".into(), Value::type_name);
                    format!("wrong type for value; expected time.Time; got {got}")
                })?;
                let d = t.sub(&other);
                Ok(match name {
                    "Before" => Value::Bool(d < 0),
                    "After" => Value::Bool(d > 0),
                    "Equal" => Value::Bool(d == 0),
                    _ => Value::Int64(d),
                })
            }
        }
    }

    fn format(&self) -> String {
        self.0.to_go_string()
    }

    fn to_data(&self) -> Value {
        Value::str(self.0.format("2006-01-02T15:04:05.999999999Z07:00"))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

fn now_time(ctx: &FuncCtx) -> Time {
    Time::from_unix(ctx.now_unix)
}

/// `now`: the fixed instant of [`FuncCtx::now_unix`], in UTC.
fn now(ctx: &mut FuncCtx, _: Vec<Value>) -> Result<Value, String> {
    Ok(time_value(now_time(ctx)))
}

/// Sprig's `dateInZone` input rule: a `time.Time`, or seconds as `int`/`int64`; anything
/// else means now.
fn time_arg(ctx: &FuncCtx, v: Option<&Value>) -> Time {
    match v {
        Some(Value::Int(n) | Value::Int64(n)) => Time::from_unix(*n),
        Some(v) => as_time(v).unwrap_or_else(|| now_time(ctx)),
        None => now_time(ctx),
    }
}

fn format_in_zone(ctx: &FuncCtx, layout: &str, date: Option<&Value>, zone: &str) -> Value {
    let t = time_arg(ctx, date);
    let zone = load_zone(zone).unwrap_or_else(Zone::utc);
    Value::str(t.in_zone(zone).format(layout))
}

fn date(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(format_in_zone(ctx, str_arg(&args, 0), args.get(1), "Local"))
}

fn date_in_zone(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(format_in_zone(
        ctx,
        str_arg(&args, 0),
        args.get(1),
        str_arg(&args, 2),
    ))
}

fn html_date(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(format_in_zone(ctx, "2006-01-02", args.first(), "Local"))
}

fn html_date_in_zone(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(format_in_zone(
        ctx,
        "2006-01-02",
        args.first(),
        str_arg(&args, 1),
    ))
}

/// The `time.Time` parameter of `dateModify`/`unixEpoch` (the executor passes any value).
fn time_param(v: Option<&Value>) -> Result<Time, String> {
    v.and_then(as_time).ok_or_else(|| {
        let got = v.map_or("<nil>".into(), |v| match v {
            Value::Nil | Value::Invalid => "<nil>".into(),
            other => other.type_name(),
        });
        format!("wrong type for value; expected time.Time; got {got}")
    })
}

/// `dateModify "-1.5h" t`: `t` moved by a Go duration; an invalid duration leaves `t`.
fn date_modify(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let t = time_param(args.get(1))?;
    Ok(time_value(match parse_duration(str_arg(&args, 0)) {
        Ok(d) => t.add(d),
        Err(_) => t,
    }))
}

fn must_date_modify(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let t = time_param(args.get(1))?;
    Ok(time_value(t.add(parse_duration(str_arg(&args, 0))?)))
}

/// `ago t`: the time from `t` to now, rounded to seconds.
fn ago(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let t = match args.first() {
        Some(Value::Int(n) | Value::Int64(n)) => Time::from_unix(*n),
        Some(v) => as_time(v).unwrap_or_else(|| now_time(ctx)),
        None => now_time(ctx),
    };
    let d = round_duration(now_time(ctx).sub(&t), NANOS_PER_SEC);
    Ok(Value::str(format_duration(d)))
}

/// `duration secs`: only a string or an `int64` counts (an `int` literal gives `0s`, as in
/// Sprig).
fn duration(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let n = match args.first() {
        Some(Value::String(s)) => s.as_str().parse::<i64>().unwrap_or(0),
        Some(Value::Int64(n)) => *n,
        _ => 0,
    };
    Ok(Value::str(format_duration(n.wrapping_mul(NANOS_PER_SEC))))
}

/// `durationRound d`: the largest whole unit (`y` = 365 days, `mo` = 30 days, `d`, `h`, `m`,
/// `s`) of a duration string, `int64` nanoseconds, or the time since a `time.Time`.
fn duration_round(ctx: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    let d = match args.first() {
        Some(Value::String(s)) => parse_duration(s.as_str()).unwrap_or(0),
        Some(Value::Int64(n)) => *n,
        Some(v) => as_time(v).map_or(0, |t| now_time(ctx).sub(&t)),
        None => 0,
    };
    let u = d.unsigned_abs();
    const SECOND: u64 = 1_000_000_000;
    const MINUTE: u64 = 60 * SECOND;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const MONTH: u64 = 30 * DAY;
    const YEAR: u64 = 365 * DAY;
    let out = [
        (YEAR, "y"),
        (MONTH, "mo"),
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "m"),
        (SECOND, "s"),
    ]
    .iter()
    .find(|(unit, _)| u > *unit)
    .map_or_else(
        || "0s".to_string(),
        |(unit, name)| format!("{}{name}", u / unit),
    );
    Ok(Value::str(out))
}

fn to_date(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(time_value(
        parse_time(str_arg(&args, 0), str_arg(&args, 1)).unwrap_or_else(|_| Time::zero()),
    ))
}

fn must_to_date(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(time_value(parse_time(
        str_arg(&args, 0),
        str_arg(&args, 1),
    )?))
}

fn unix_epoch(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(time_param(args.first())?.unix.to_string()))
}

/// Go's `time` package `quote`.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        if !(b' '..0x80).contains(&b) {
            let _ = write!(out, "\\x{b:02x}");
        } else {
            if b == b'"' || b == b'\\' {
                out.push('\\');
            }
            out.push(char::from(b));
        }
    }
    out.push('"');
    out
}

/// Go's `Duration.Round(m)`: halves away from zero, saturating.
fn round_duration(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if r + r < m {
            return d + r;
        }
        return d.checked_sub(m).map_or(i64::MIN, |d1| d1 + r);
    }
    if r + r < m {
        return d - r;
    }
    d.checked_add(m - r).unwrap_or(i64::MAX)
}

/// Go's `Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
#[must_use]
pub fn format_duration(d: i64) -> String {
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        if u == 0 {
            return "0s".into();
        }
        let (prec, unit) = if u < 1_000 {
            (0, "ns")
        } else if u < 1_000_000 {
            (3, "µs")
        } else {
            (6, "ms")
        };
        let (frac, int) = fmt_frac(u, prec);
        let _ = write!(out, "{int}{frac}{unit}");
    } else {
        let (frac, secs) = fmt_frac(u, 9);
        u = secs;
        let s = u % 60;
        u /= 60;
        let body = if u > 0 {
            let m = u % 60;
            let h = u / 60;
            if h > 0 {
                format!("{h}h{m}m{s}{frac}s")
            } else {
                format!("{m}m{s}{frac}s")
            }
        } else {
            format!("{s}{frac}s")
        };
        out.push_str(&body);
    }
    if d < 0 {
        out.insert(0, '-');
    }
    out
}

/// Go's `fmtFrac`: the fraction of `v / 10^prec` without trailing zeros (and without the
/// dot when zero), and the integer part.
fn fmt_frac(v: u64, prec: u32) -> (String, u64) {
    let mut digits = String::new();
    let mut v = v;
    let mut print = false;
    for _ in 0..prec {
        let digit = v % 10;
        print = print || digit != 0;
        if print {
            digits.insert(0, char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
        }
        v /= 10;
    }
    if print {
        digits.insert(0, '.');
    }
    (digits, v)
}

/// Go's `time.ParseDuration`, with its error messages.
///
/// # Errors
///
/// `time: invalid duration "x"`, `time: missing unit in duration "1"`,
/// `time: unknown unit "d" in duration "1d"`.
pub fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            s = s.get(1..).unwrap_or_default();
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut d: u64 = 0;
    while !s.is_empty() {
        let first = s.as_bytes().first().copied().unwrap_or(0);
        if !(first == b'.' || first.is_ascii_digit()) {
            return Err(invalid());
        }
        let before = s.len();
        let (v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = before != s.len();
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            let before = rest.len();
            let (ff, sc, rest) = leading_fraction(rest);
            f = ff;
            scale = sc;
            s = rest;
            post = before != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        let end = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if end == 0 {
            return Err(format!("time: missing unit in duration {}", quote(orig)));
        }
        let unit_name = s.get(..end).unwrap_or_default();
        s = s.get(end..).unwrap_or_default();
        let unit: u64 = match unit_name {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(unit_name),
                    quote(orig)
                ))
            }
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        let mut v = v * unit;
        if f > 0 {
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let add = (f as f64 * (unit as f64 / scale)) as u64;
            v = v.saturating_add(add);
            if v > LIMIT {
                return Err(invalid());
            }
        }
        d = d.saturating_add(v);
        if d > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok(0i64.wrapping_sub_unsigned(d));
    }
    i64::try_from(d).map_err(|_| invalid())
}

/// Go's `leadingInt` for durations: digits up to 2^63.
fn leading_int(s: &str) -> Option<(u64, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let mut x: u64 = 0;
    for b in s.get(..end).unwrap_or_default().bytes() {
        if x > (1 << 63) / 10 {
            return None;
        }
        x = x * 10 + u64::from(b - b'0');
        if x > 1 << 63 {
            return None;
        }
    }
    Some((x, s.get(end..).unwrap_or_default()))
}

/// Go's `leadingFraction`: digits, their value and scale (stops growing on overflow).
fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (mut x, mut scale, mut overflow) = (0u64, 1f64, false);
    for b in s.get(..end).unwrap_or_default().bytes() {
        if overflow {
            continue;
        }
        if x > ((1u64 << 63) - 1) / 10 {
            overflow = true;
            continue;
        }
        let y = x * 10 + u64::from(b - b'0');
        if y > 1 << 63 {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale, s.get(end..).unwrap_or_default())
}

/// A failed parse: Go's `ParseError` text.
fn parse_error(
    layout: &str,
    value: &str,
    layout_elem: &str,
    value_elem: &str,
    message: &str,
) -> String {
    if message.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout),
            quote(value_elem),
            quote(layout_elem)
        )
    } else {
        format!("parsing time {}{message}", quote(value))
    }
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let d0 = i64::from(*b.first().filter(|c| c.is_ascii_digit())? - b'0');
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        None if fixed => None,
        None => Some((d0, s.get(1..)?)),
        Some(d1) => Some((d0 * 10 + i64::from(d1 - b'0'), s.get(2..)?)),
    }
}

/// Go's `getnum3`: one to three digits (exactly three when `fixed`).
fn getnum3(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let mut n = 0;
    let mut i = 0;
    while i < 3 && is_digit_at(s, i) {
        n = n * 10 + i64::from(s.as_bytes().get(i).copied().unwrap_or(b'0') - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, s.get(i..)?))
}

/// Go's `lookup`: a case-insensitive prefix among `names`.
fn lookup<'a>(names: &[&str], value: &'a str, short: bool) -> Option<(usize, &'a str)> {
    for (i, name) in names.iter().enumerate() {
        let name = if short {
            name.get(..3).unwrap_or(name)
        } else {
            name
        };
        if let Some(head) = value.get(..name.len()) {
            if head.eq_ignore_ascii_case(name) {
                return Some((i, value.get(name.len()..)?));
            }
        }
    }
    None
}

/// Go's `skip`: matches the literal layout text (a space matches any run of spaces).
fn skip<'a>(mut value: &'a str, mut prefix: &str) -> Result<&'a str, &'a str> {
    while let Some(p) = prefix.as_bytes().first() {
        if *p == b' ' {
            if value.as_bytes().first().is_some_and(|c| *c != b' ') {
                return Err(value);
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        if value.as_bytes().first() != Some(p) {
            return Err(value);
        }
        prefix = prefix.get(1..).unwrap_or_default();
        value = value.get(1..).unwrap_or_default();
    }
    Ok(value)
}

/// Go's `parseNanoseconds` of `value[..nbytes]` (separator included).
fn parse_nanos(value: &str, nbytes: usize) -> Result<i64, ()> {
    if !matches!(value.as_bytes().first(), Some(b'.' | b',')) {
        return Err(());
    }
    let nbytes = nbytes.min(10);
    let digits = value.get(1..nbytes).ok_or(())?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    let mut ns: i64 = digits.parse().map_err(|_| ())?;
    for _ in 0..(10 - nbytes) {
        ns *= 10;
    }
    Ok(ns)
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start of `value`.
fn parse_time_zone(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    if let Some(rest) = value.strip_prefix("GMT") {
        return Some(3 + parse_signed_offset(rest));
    }
    if matches!(b.first(), Some(b'+' | b'-')) {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let upper = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        5 if b.get(4) == Some(&b'T') => Some(5),
        4 if b.get(3) == Some(&b'T') || value.starts_with("WITA") => Some(4),
        3 => Some(3),
        _ => None,
    }
}

/// Go's `parseSignedOffset`: `+5`, `-10` (hours up to 12).
fn parse_signed_offset(value: &str) -> usize {
    if !matches!(value.as_bytes().first(), Some(b'+' | b'-')) {
        return 0;
    }
    let rest = value.get(1..).unwrap_or_default();
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if end == 0 {
        return 0;
    }
    match rest.get(..end).and_then(|d| d.parse::<u64>().ok()) {
        Some(x) if x <= 12 => 1 + end,
        _ => 0,
    }
}

/// Go's `time.ParseInLocation(layout, value, time.Local)` with Local = UTC.
///
/// # Errors
///
/// Go's `ParseError` text (`parsing time "x" as "2006-01-02": cannot parse "x" as "2006"`).
#[allow(clippy::too_many_lines)]
pub fn parse_time(layout_in: &str, value_in: &str) -> Result<Time, String> {
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let (mut utc, mut zone_offset, mut zone_name) = (false, None::<i64>, String::new());
    let (mut pm_set, mut am_set) = (false, false);
    let mut layout = layout_in;
    let mut value = value_in;
    let err = |le: &str, ve: &str| parse_error(layout_in, value_in, le, ve, "");
    loop {
        let (prefix, chunk, suffix) = next_chunk(layout);
        let std_str = layout
            .get(prefix.len()..layout.len() - suffix.len())
            .unwrap_or_default();
        value = skip(value, prefix).map_err(|v| err(prefix, v))?;
        let Some(chunk) = chunk else {
            if !value.is_empty() {
                return Err(parse_error(
                    layout_in,
                    value_in,
                    "",
                    value,
                    &format!(": extra text: {}", quote(value)),
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut range_err = "";
        let mut bad = false;
        match chunk {
            Chunk::Year => match value.get(..2).and_then(|p| {
                p.parse::<i64>()
                    .ok()
                    .filter(|_| p.bytes().all(|b| b.is_ascii_digit()))
            }) {
                Some(y) => {
                    year = if y >= 69 { y + 1900 } else { y + 2000 };
                    value = value.get(2..).unwrap_or_default();
                }
                None => bad = true,
            },
            Chunk::LongYear => match value
                .get(..4)
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            {
                Some(p) => {
                    year = p.parse().unwrap_or(0);
                    value = value.get(4..).unwrap_or_default();
                }
                None => bad = true,
            },
            Chunk::Month | Chunk::LongMonth => {
                match lookup(&LONG_MONTHS, value, chunk == Chunk::Month) {
                    Some((i, rest)) => {
                        month = i64::try_from(i).unwrap_or(0) + 1;
                        value = rest;
                    }
                    None => bad = true,
                }
            }
            Chunk::NumMonth | Chunk::ZeroMonth => match getnum(value, chunk == Chunk::ZeroMonth) {
                Some((m, rest)) => {
                    month = m;
                    value = rest;
                    if !(1..=12).contains(&m) {
                        range_err = "month";
                    }
                }
                None => bad = true,
            },
            Chunk::WeekDay | Chunk::LongWeekDay => {
                match lookup(&LONG_DAYS, value, chunk == Chunk::WeekDay) {
                    Some((_, rest)) => value = rest,
                    None => bad = true,
                }
            }
            Chunk::Day | Chunk::UnderDay | Chunk::ZeroDay => {
                if chunk == Chunk::UnderDay {
                    value = value.strip_prefix(' ').unwrap_or(value);
                }
                match getnum(value, chunk == Chunk::ZeroDay) {
                    Some((d, rest)) => {
                        day = d;
                        value = rest;
                    }
                    None => bad = true,
                }
            }
            Chunk::UnderYearDay | Chunk::ZeroYearDay => {
                for _ in 0..2 {
                    if chunk == Chunk::UnderYearDay {
                        value = value.strip_prefix(' ').unwrap_or(value);
                    }
                }
                match getnum3(value, chunk == Chunk::ZeroYearDay) {
                    Some((d, rest)) => {
                        yday = d;
                        value = rest;
                    }
                    None => bad = true,
                }
            }
            Chunk::Hour => match getnum(value, false) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..24).contains(&h) {
                        range_err = "hour";
                    }
                }
                None => bad = true,
            },
            Chunk::Hour12 | Chunk::ZeroHour12 => match getnum(value, chunk == Chunk::ZeroHour12) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..=12).contains(&h) {
                        range_err = "hour";
                    }
                }
                None => bad = true,
            },
            Chunk::Minute | Chunk::ZeroMinute => match getnum(value, chunk == Chunk::ZeroMinute) {
                Some((m, rest)) => {
                    min = m;
                    value = rest;
                    if !(0..60).contains(&m) {
                        range_err = "minute";
                    }
                }
                None => bad = true,
            },
            Chunk::Second | Chunk::ZeroSecond => match getnum(value, chunk == Chunk::ZeroSecond) {
                Some((s, rest)) => {
                    sec = s;
                    value = rest;
                    if !(0..60).contains(&s) {
                        range_err = "second";
                    } else if value.len() >= 2
                        && matches!(value.as_bytes().first(), Some(b'.' | b','))
                        && is_digit_at(value, 1)
                    {
                        let (_, next, _) = next_chunk(layout);
                        if !matches!(next, Some(Chunk::Frac { .. })) {
                            let mut n = 2;
                            while is_digit_at(value, n) {
                                n += 1;
                            }
                            match parse_nanos(value, n) {
                                Ok(ns) => nsec = ns,
                                Err(()) => bad = true,
                            }
                            value = value.get(n..).unwrap_or_default();
                        }
                    }
                }
                None => bad = true,
            },
            Chunk::PM | Chunk::Pm => match value.get(..2) {
                Some(p) => {
                    let (pm, am) = if chunk == Chunk::PM {
                        ("PM", "AM")
                    } else {
                        ("pm", "am")
                    };
                    if p == pm {
                        pm_set = true;
                    } else if p == am {
                        am_set = true;
                    } else {
                        bad = true;
                    }
                    value = value.get(2..).unwrap_or_default();
                }
                None => bad = true,
            },
            Chunk::Tz(TzStyle::Num {
                iso,
                colon,
                minutes,
                seconds,
            }) => {
                if iso && value.starts_with('Z') {
                    value = value.get(1..).unwrap_or_default();
                    utc = true;
                } else {
                    let b = value.as_bytes();
                    let parts = if colon && minutes && !seconds {
                        (b.len() >= 6 && b.get(3) == Some(&b':'))
                            .then(|| (value.get(1..3), value.get(4..6), Some("00"), 6))
                    } else if !minutes {
                        (b.len() >= 3).then(|| (value.get(1..3), Some("00"), Some("00"), 3))
                    } else if colon && seconds {
                        (b.len() >= 9 && b.get(3) == Some(&b':') && b.get(6) == Some(&b':'))
                            .then(|| (value.get(1..3), value.get(4..6), value.get(7..9), 9))
                    } else if seconds {
                        (b.len() >= 7)
                            .then(|| (value.get(1..3), value.get(3..5), value.get(5..7), 7))
                    } else {
                        (b.len() >= 5).then(|| (value.get(1..3), value.get(3..5), Some("00"), 5))
                    };
                    match parts {
                        Some((Some(h), Some(m), Some(s), len)) => {
                            let num = |x: &str| getnum(x, true).map(|(n, _)| n);
                            match (num(h), num(m), num(s)) {
                                (Some(hr), Some(mm), Some(ss)) => {
                                    if hr > 24 {
                                        range_err = "time zone offset hour";
                                    }
                                    if mm > 60 {
                                        range_err = "time zone offset minute";
                                    }
                                    if ss > 60 {
                                        range_err = "time zone offset second";
                                    }
                                    let off = (hr * 60 + mm) * 60 + ss;
                                    match b.first() {
                                        Some(b'+') => zone_offset = Some(off),
                                        Some(b'-') => zone_offset = Some(-off),
                                        _ => bad = true,
                                    }
                                }
                                _ => bad = true,
                            }
                            value = value.get(len..).unwrap_or_default();
                        }
                        _ => bad = true,
                    }
                }
            }
            Chunk::Tz(TzStyle::Name) => {
                if let Some(rest) = value.strip_prefix("UTC") {
                    utc = true;
                    value = rest;
                } else if let Some(n) = parse_time_zone(value) {
                    zone_name = value.get(..n).unwrap_or_default().to_string();
                    value = value.get(n..).unwrap_or_default();
                } else {
                    bad = true;
                }
            }
            Chunk::Frac {
                nines: false,
                digits,
                ..
            } => {
                let n = 1 + digits;
                if value.len() < n {
                    bad = true;
                } else {
                    match parse_nanos(value, n) {
                        Ok(ns) => nsec = ns,
                        Err(()) => bad = true,
                    }
                    value = value.get(n..).unwrap_or_default();
                }
            }
            Chunk::Frac { nines: true, .. } => {
                if value.len() >= 2
                    && matches!(value.as_bytes().first(), Some(b'.' | b','))
                    && is_digit_at(value, 1)
                {
                    let mut i = 0;
                    while is_digit_at(value, i + 1) {
                        i += 1;
                    }
                    match parse_nanos(value, 1 + i) {
                        Ok(ns) => nsec = ns,
                        Err(()) => bad = true,
                    }
                    value = value.get(1 + i..).unwrap_or_default();
                }
            }
        }
        if !range_err.is_empty() {
            return Err(parse_error(
                layout_in,
                value_in,
                std_str,
                value,
                &format!(": {range_err} out of range"),
            ));
        }
        if bad {
            return Err(err(std_str, hold));
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let leap = is_leap(year);
        if yday < 1 || yday > 365 + i64::from(leap) {
            return Err(parse_error(
                layout_in,
                value_in,
                "",
                value,
                ": day-of-year out of range",
            ));
        }
        let mut d = yday;
        let mut m = 1;
        while m < 12 && d > days_in(m, year) {
            d -= days_in(m, year);
            m += 1;
        }
        if month >= 0 && month != m {
            return Err(parse_error(
                layout_in,
                value_in,
                "",
                value,
                ": day-of-year does not match month",
            ));
        }
        if day >= 0 && day != d {
            return Err(parse_error(
                layout_in,
                value_in,
                "",
                value,
                ": day-of-year does not match day",
            ));
        }
        month = m;
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_error(
            layout_in,
            value_in,
            "",
            value,
            ": day out of range",
        ));
    }
    let zone = if utc {
        Zone::utc()
    } else if let Some(off) = zone_offset {
        if off == 0 {
            // Local (UTC) has this offset, so Go uses the local zone.
            Zone::utc()
        } else {
            Zone {
                name: zone_name,
                offset: i32::try_from(off).unwrap_or(0),
            }
        }
    } else if !zone_name.is_empty() {
        let offset = zone_name
            .strip_prefix("GMT")
            .filter(|r| !r.is_empty())
            .and_then(|r| r.parse::<i32>().ok())
            .map_or(0, |h| h * 3600);
        // Go keeps the wall clock read as UTC and only labels it with the zone.
        let t = Time::date(year, month, day, hour, min, sec, nsec, Zone::utc());
        return Ok(t.in_zone(Zone {
            name: zone_name,
            offset,
        }));
    } else {
        Zone::utc()
    };
    Ok(Time::date(year, month, day, hour, min, sec, nsec, zone))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: super::super::NativeFn, args: Vec<Value>) -> Result<String, String> {
        f(&mut FuncCtx::default(), args).map(|v| v.to_go_string())
    }

    fn s(v: &str) -> Value {
        Value::str(v)
    }

    // Expected values below come from Helm 3.17.3 (tests/helm-cases/sprig-b.json).
    #[test]
    fn formats_like_go() {
        let t = Time::from_unix(1_700_000_000);
        assert_eq!(t.format("2006-01-02 15:04:05"), "2023-11-14 22:13:20");
        assert_eq!(t.to_go_string(), "2023-11-14 22:13:20 +0000 UTC");
        assert_eq!(
            t.format("Mon Jan _2 3:4:5 PM MST 2006 -07:00 Z07:00 .000 .999 002"),
            "Tue Nov 14 10:13:20 PM UTC 2023 +00:00 Z .000  318"
        );
        let tokyo = t.in_zone(load_zone("Asia/Tokyo").unwrap_or_else(Zone::utc));
        assert_eq!(
            tokyo.format(time_layout_rfc3339()),
            "2023-11-15T07:13:20+09:00"
        );
        assert_eq!(Time::zero().to_go_string(), "0001-01-01 00:00:00 +0000 UTC");
    }

    fn time_layout_rfc3339() -> &'static str {
        "2006-01-02T15:04:05Z07:00"
    }

    #[test]
    fn date_functions() {
        let t = Value::Int(1_700_000_000);
        assert_eq!(
            call(date, vec![s("2006-01-02"), t.clone()]).as_deref(),
            Ok("2023-11-14")
        );
        assert_eq!(
            call(
                date_in_zone,
                vec![s("15:04 MST"), t.clone(), s("Etc/GMT+5")]
            )
            .as_deref(),
            Ok("17:13 -05")
        );
        assert_eq!(
            call(
                date_in_zone,
                vec![s("15:04 MST"), t.clone(), s("Nowhere/City")]
            )
            .as_deref(),
            Ok("22:13 UTC")
        );
        assert_eq!(
            call(html_date, vec![Value::Float(1.0)]).as_deref(),
            Ok("1970-01-01")
        );
        assert_eq!(call(duration, vec![s("95")]).as_deref(), Ok("1m35s"));
        assert_eq!(call(duration, vec![Value::Int(95)]).as_deref(), Ok("0s"));
        assert_eq!(
            call(duration, vec![Value::Int64(3700)]).as_deref(),
            Ok("1h1m40s")
        );
        assert_eq!(call(duration_round, vec![s("2h10m")]).as_deref(), Ok("2h"));
        assert_eq!(call(duration_round, vec![s("-400h")]).as_deref(), Ok("16d"));
        assert_eq!(
            call(duration_round, vec![Value::Int64(5)]).as_deref(),
            Ok("0s")
        );
    }

    #[test]
    fn durations_like_go() {
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(parse_duration("-1.5h"), Ok(-5_400_000_000_000));
        assert_eq!(
            parse_duration("1d"),
            Err("time: unknown unit \"d\" in duration \"1d\"".into())
        );
        assert_eq!(
            parse_duration("1"),
            Err("time: missing unit in duration \"1\"".into())
        );
        assert_eq!(
            parse_duration(""),
            Err("time: invalid duration \"\"".into())
        );
        assert_eq!(
            parse_duration(".s"),
            Err("time: invalid duration \".s\"".into())
        );
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(1_500), "1.5µs");
        assert_eq!(format_duration(1_500_000), "1.5ms");
        assert_eq!(format_duration(-90_000_000_000), "-1m30s");
        assert_eq!(format_duration(3_600_000_000_001), "1h0m0.000000001s");
    }

    #[test]
    fn oracle_outputs() {
        let t = Value::Int(1_700_000_000);
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            (
                "Monday January 2 06 03:04:05pm -0700 Z0700 -07 Z07 __2 ,000 .9",
                vec![],
                "Tuesday November 14 23 10:13:20pm +0000 Z +00 Z 318 ,000 ",
            ),
            (
                "year: 2006, _2006 day 02, Jan.000x",
                vec![],
                "year: 2023, _2023 day 14, Nov.000x",
            ),
            (
                "2006-01-02T15:04:05Z07:00 MST",
                vec![s("Asia/Kolkata")],
                "2023-11-15T03:43:20+05:30 IST",
            ),
            ("15:04 MST -0700", vec![s("Etc/GMT+5")], "17:13 -05 -0500"),
            ("15:04 MST", vec![s("Etc/GMT-14")], "12:13 +14"),
            ("15:04 MST", vec![s("GMT")], "22:13 GMT"),
            ("15:04 MST", vec![s("")], "22:13 UTC"),
        ];
        for (layout, zone, want) in cases {
            let got = if zone.is_empty() {
                call(date, vec![s(layout), t.clone()])
            } else {
                let mut args = vec![s(layout), t.clone()];
                args.extend(zone);
                call(date_in_zone, args)
            };
            assert_eq!(got.as_deref(), Ok(want), "{layout}");
        }
        let parse = |l: &str, v: &str| parse_time(l, v).map(|t| t.to_go_string());
        assert_eq!(
            parse("2006-01-02 15:04 MST", "2023-11-14 10:00 PST").as_deref(),
            Ok("2023-11-14 10:00:00 +0000 PST")
        );
        assert_eq!(
            parse("2006-01-02 15:04 MST", "2023-11-14 10:00 GMT+3").as_deref(),
            Ok("2023-11-14 13:00:00 +0300 GMT+3")
        );
        assert_eq!(
            parse("2006-01-02 15:04:05", "2023-11-14 10:00:00.123").as_deref(),
            Ok("2023-11-14 10:00:00.123 +0000 UTC")
        );
        assert_eq!(
            parse("2006-01-02 15:04:05.000", "2023-11-14 10:00:00.120").as_deref(),
            Ok("2023-11-14 10:00:00.12 +0000 UTC")
        );
        assert_eq!(
            parse("Jan 2 2006 3:04PM", "nov 14 2023 12:30AM").as_deref(),
            Ok("2023-11-14 00:30:00 +0000 UTC")
        );
        assert_eq!(
            parse("Jan 2 2006 3:04PM", "Nov 14 2023 1:30PM").as_deref(),
            Ok("2023-11-14 13:30:00 +0000 UTC")
        );
        assert_eq!(
            parse("2006 002", "2024 060").as_deref(),
            Ok("2024-02-29 00:00:00 +0000 UTC")
        );
        assert_eq!(
            parse("2006-01-02T15:04:05Z07:00", "2023-11-14T10:00:00Z").as_deref(),
            Ok("2023-11-14 10:00:00 +0000 UTC")
        );
        assert_eq!(
            parse("2006-01-02", "2023/01/01").err().as_deref(),
            Some("parsing time \"2023/01/01\" as \"2006-01-02\": cannot parse \"/01/01\" as \"-\"")
        );
        assert_eq!(
            parse("15:04", "25:00").err().as_deref(),
            Some("parsing time \"25:00\": hour out of range")
        );
        let rounds = [
            ("9000h", "1y"),
            ("800h", "1mo"),
            ("59s", "59s"),
            ("1m", "60s"),
            ("61s", "1m"),
            ("bad", "0s"),
            ("0.5s", "0s"),
        ];
        for (d, want) in rounds {
            assert_eq!(call(duration_round, vec![s(d)]).as_deref(), Ok(want), "{d}");
        }
        assert_eq!(
            call(duration, vec![Value::Int64(90_061)]).as_deref(),
            Ok("25h1m1s")
        );
        assert_eq!(call(duration, vec![s("-5")]).as_deref(), Ok("-5s"));
        let t = TimeObject(Time::from_unix(1_700_000_000).add(450_000_000));
        assert_eq!(t.to_data().to_go_string(), "2023-11-14T22:13:20.45Z");
        assert_eq!(
            t.field("Weekday").map(|v| v.to_go_string()).as_deref(),
            Some("Tuesday")
        );
        assert_eq!(
            t.field("YearDay").map(|v| v.to_go_string()).as_deref(),
            Some("318")
        );
        let modified = date_modify(
            &mut FuncCtx::default(),
            vec![s("-1.5h"), time_value(Time::from_unix(1_699_920_000))],
        );
        assert_eq!(
            modified.map(|v| v.to_go_string()).as_deref(),
            Ok("2023-11-13 22:30:00 +0000 UTC")
        );
    }

    #[test]
    fn parses_like_go() {
        let t = parse_time("2006-01-02", "2023-11-14").map(|t| t.unix);
        assert_eq!(t, Ok(1_699_920_000));
        let t = parse_time("2006-01-02T15:04:05Z07:00", "2023-11-14T10:00:00+02:00");
        assert_eq!(
            t.map(|t| t.to_go_string()).as_deref(),
            Ok("2023-11-14 10:00:00 +0200 +0200")
        );
        assert_eq!(
            parse_time("2006-01-02", "2023-13-01").err().as_deref(),
            Some("parsing time \"2023-13-01\": month out of range")
        );
        assert_eq!(
            parse_time("2006-01-02", "x").err().as_deref(),
            Some("parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\"")
        );
        assert_eq!(
            parse_time("2006-01-02", "2023-02-30").err().as_deref(),
            Some("parsing time \"2023-02-30\": day out of range")
        );
        assert_eq!(
            parse_time("2006-01-02", "2023-01-01x").err().as_deref(),
            Some("parsing time \"2023-01-01x\": extra text: \"x\"")
        );
    }
}
