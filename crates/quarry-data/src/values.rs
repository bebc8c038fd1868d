//! Parsers for the text forms of KQL scalar values, shared by every reader.
//!
//! Everything here works on text and never goes through `f64` unless the target is `real`, so
//! 18-digit longs (Defender `ReportId`) and decimals stay exact. The way back, the text forms of
//! datetimes and timespans every writer prints, is here too ([`write_datetime`],
//! [`write_timespan`]), to the tick or, with [`Fraction::Nanos`], to the nanosecond.

use std::fmt::Write as _;

/// Nanoseconds per second.
const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Parses an ISO-8601 datetime into nanoseconds since the Unix epoch, UTC.
///
/// Accepts `YYYY-MM-DD`, optionally followed by `T` (or `t`, or a space) and `hh:mm[:ss[.f…]]`,
/// optionally followed by `Z` or an offset `±hh[:mm]`/`±hhmm`; no zone means UTC. Fractions
/// beyond 9 digits are truncated (Kusto keeps 7). Surrounding whitespace is ignored.
pub fn parse_datetime(text: &str) -> Result<i64, &'static str> {
    const NOT_DATETIME: &str = "not an ISO-8601 datetime";
    let b = text.trim().as_bytes();
    let mut p = Cursor { b, pos: 0 };
    let year = p.digits(4).ok_or(NOT_DATETIME)?;
    p.expect(b'-').ok_or(NOT_DATETIME)?;
    let month = p.digits(2).ok_or(NOT_DATETIME)?;
    p.expect(b'-').ok_or(NOT_DATETIME)?;
    let day = p.digits(2).ok_or(NOT_DATETIME)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err("not a valid calendar date");
    }
    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0);
    let mut offset_secs = 0i64;
    if let Some(&sep) = p.peek()
        && matches!(sep, b'T' | b't' | b' ')
    {
        p.pos += 1;
        hour = p.digits(2).ok_or(NOT_DATETIME)?;
        p.expect(b':').ok_or(NOT_DATETIME)?;
        minute = p.digits(2).ok_or(NOT_DATETIME)?;
        if p.eat(b':') {
            second = p.digits(2).ok_or(NOT_DATETIME)?;
            if p.eat(b'.') {
                nanos = p.fraction_nanos().ok_or(NOT_DATETIME)?;
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err("not a valid time of day");
        }
        match p.peek() {
            None => {}
            Some(b'Z' | b'z') => p.pos += 1,
            Some(&sign @ (b'+' | b'-')) => {
                p.pos += 1;
                let oh = p.digits(2).ok_or(NOT_DATETIME)?;
                // `+02:00`, `+0200` or `+02`.
                let has_minutes = p.eat(b':') || p.peek().is_some();
                let om = if has_minutes { p.digits(2).ok_or(NOT_DATETIME)? } else { 0 };
                if oh > 23 || om > 59 {
                    return Err("not a valid UTC offset");
                }
                let off = oh * 3600 + om * 60;
                offset_secs = if sign == b'+' { off } else { -off };
            }
            Some(_) => return Err(NOT_DATETIME),
        }
    }
    if p.peek().is_some() {
        return Err(NOT_DATETIME);
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    secs.checked_mul(NANOS_PER_SEC)
        .and_then(|n| n.checked_add(nanos))
        .ok_or("datetime out of range (years 1678 to 2261 are supported)")
}

/// Parses a Kusto timespan `[-][d.]hh:mm[:ss[.f…]]` into nanoseconds.
pub fn parse_timespan(text: &str) -> Result<i64, &'static str> {
    const NOT_TIMESPAN: &str = "not a timespan ([-][d.]hh:mm:ss[.fffffff])";
    const OUT_OF_RANGE: &str = "timespan out of range";
    let b = text.trim().as_bytes();
    let mut p = Cursor { b, pos: 0 };
    let negative = p.eat(b'-');
    let first = p.number().ok_or(NOT_TIMESPAN)?;
    let (days, hours) = if p.eat(b'.') {
        let hours = p.number().ok_or(NOT_TIMESPAN)?;
        if hours > 23 {
            return Err(NOT_TIMESPAN);
        }
        (first, hours)
    } else {
        (0, first)
    };
    p.expect(b':').ok_or(NOT_TIMESPAN)?;
    let minutes = p.digits(2).ok_or(NOT_TIMESPAN)?;
    let mut seconds = 0;
    let mut nanos = 0;
    if p.eat(b':') {
        seconds = p.digits(2).ok_or(NOT_TIMESPAN)?;
        if p.eat(b'.') {
            nanos = p.fraction_nanos().ok_or(NOT_TIMESPAN)?;
        }
    }
    if p.peek().is_some() || minutes > 59 || seconds > 59 {
        return Err(NOT_TIMESPAN);
    }
    let total_secs = days
        .checked_mul(86_400)
        .and_then(|d| d.checked_add(hours.checked_mul(3600)?))
        .and_then(|s| s.checked_add(minutes * 60 + seconds))
        .ok_or(OUT_OF_RANGE)?;
    let total = total_secs.checked_mul(NANOS_PER_SEC).and_then(|n| n.checked_add(nanos)).ok_or(OUT_OF_RANGE)?;
    Ok(if negative { -total } else { total })
}

/// Parses a JSON number or a numeric string into an integer scaled by `10^scale`, exactly.
///
/// Accepts `[-+]digits[.digits][e[-+]digits]` with surrounding whitespace. Returns the scaled
/// value and whether it is exact (`false` when digits beyond the scale were rounded away, half
/// away from zero). Fails when the magnitude reaches `10^38`.
pub fn parse_scaled(text: &str, scale: u32) -> Result<(i128, bool), &'static str> {
    const NOT_NUMBER: &str = "not a number";
    const TOO_LARGE: &str = "number out of range";
    let b = text.trim().as_bytes();
    let mut p = Cursor { b, pos: 0 };
    let negative = if p.eat(b'-') {
        true
    } else {
        p.eat(b'+');
        false
    };
    let int_start = p.pos;
    while p.peek().is_some_and(u8::is_ascii_digit) {
        p.pos += 1;
    }
    let int_digits = &b[int_start..p.pos];
    let mut frac_digits: &[u8] = &[];
    if p.eat(b'.') {
        let start = p.pos;
        while p.peek().is_some_and(u8::is_ascii_digit) {
            p.pos += 1;
        }
        frac_digits = &b[start..p.pos];
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(NOT_NUMBER);
    }
    let mut exponent: i64 = 0;
    if matches!(p.peek(), Some(b'e' | b'E')) {
        p.pos += 1;
        let exp_negative = if p.eat(b'-') {
            true
        } else {
            p.eat(b'+');
            false
        };
        let start = p.pos;
        while let Some(d) = p.peek().filter(|d| d.is_ascii_digit()) {
            // Saturate: an exponent this large is out of range (or zero) either way.
            exponent = (exponent * 10 + i64::from(d - b'0')).min(1_000_000);
            p.pos += 1;
        }
        if p.pos == start {
            return Err(NOT_NUMBER);
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if p.peek().is_some() {
        return Err(NOT_NUMBER);
    }
    // value = digits * 10^(exponent - frac_len + scale)
    let digits = int_digits.iter().chain(frac_digits).copied().skip_while(|&d| d == b'0').collect::<Vec<u8>>();
    let shift = exponent - frac_digits.len() as i64 + i64::from(scale);
    let limit: i128 = 10i128.pow(38);
    let mut value: i128 = 0;
    let mut exact = true;
    let keep = if shift >= 0 { digits.len() } else { digits.len().saturating_sub((-shift) as usize) };
    for &d in &digits[..keep] {
        value = value.checked_mul(10).and_then(|v| v.checked_add(i128::from(d - b'0'))).ok_or(TOO_LARGE)?;
        if value >= limit {
            return Err(TOO_LARGE);
        }
    }
    if shift >= 0 {
        if value != 0 {
            for _ in 0..shift {
                value = value.checked_mul(10).filter(|v| *v < limit).ok_or(TOO_LARGE)?;
            }
        }
    } else {
        let dropped_len = digits.len() - keep;
        // Digits dropped, plus leading zeros implied by a shift longer than the digits.
        let implied_zeros = (-shift) as usize > digits.len();
        let dropped = &digits[keep..];
        exact = dropped.iter().all(|&d| d == b'0');
        if dropped_len > 0 && !implied_zeros && dropped[0] >= b'5' {
            value += 1;
            if value >= limit {
                return Err(TOO_LARGE);
            }
        }
    }
    Ok((if negative { -value } else { value }, exact))
}

/// Parses an integer from a JSON number or numeric string; `1.0` and `1e3` are accepted when
/// integral, `1.5` is not.
pub fn parse_integer(text: &str) -> Result<i128, &'static str> {
    // Fast path for the common case: plain digits.
    if let Ok(v) = text.parse::<i64>() {
        return Ok(i128::from(v));
    }
    match parse_scaled(text, 0)? {
        (v, true) => Ok(v),
        (_, false) => Err("not an integer"),
    }
}

/// Appends `json` (valid JSON text) to `out` without the whitespace outside strings.
pub fn minify_json(json: &str, out: &mut String) {
    let bytes = json.as_bytes();
    if !bytes.iter().any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        out.push_str(json);
        return;
    }
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0;
    for (i, &c) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
        } else if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            // Whitespace is ASCII, so these are char boundaries.
            out.push_str(&json[start..i]);
            start = i + 1;
        }
    }
    out.push_str(&json[start..]);
}

/// Days in `month` of `year` (proleptic Gregorian).
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a day count since 1970-01-01 (Howard
/// Hinnant's algorithm), the inverse of the day count used by [`parse_datetime`]. The one copy
/// for the engine's calendar functions, the store's day partitions, the hunt's datetime literals
/// and the generator.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // doy - (153 * mp + 2) / 5 + 1 is in 1..=31 and mp in 0..=11, so the casts are lossless.
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// 100-nanosecond ticks per second: the resolution of KQL's `datetime` and `timespan`.
pub const TICKS_PER_SECOND: u32 = 10_000_000;

/// Nanoseconds per tick.
const NANOS_PER_TICK: i64 = 100;

/// How the fraction of a second of a datetime or timespan is written: in 100 ns ticks (seven
/// digits, KQL's resolution), or with [`Fraction::Nanos`] in nanoseconds (nine digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fraction {
    /// Always `.fffffff`, seven digits even when zero: how `tostring()` and `strcat()` write a
    /// datetime (`2017-10-15T12:00:00.0000000Z`).
    Always,
    /// `.fffffff`, seven digits, when the fraction is not zero, else nothing: .NET's constant
    /// `c` format, how Kusto writes a timespan (`00:00:01.5000000`).
    IfAny,
    /// Up to seven digits with trailing zeros trimmed, nothing when zero (`…:05.5Z`).
    Trimmed,
    /// Always `.fffffffff`, nine digits even when zero, exact to the nanosecond: how Quarry
    /// writes an instant it hands back to the engine as a literal
    /// (`datetime(2024-05-03T00:00:00.500000000Z)`). Meant for [`write_datetime_nanos`] and
    /// [`write_timespan_nanos`], which then keep the nanoseconds below a tick. The tick-based
    /// [`write_datetime`] and [`write_timespan`] accept it too and write their ticks the same
    /// way, exactly, so the last two digits are `00`.
    Nanos,
}

/// Appends a datetime as ISO 8601 UTC, `yyyy-MM-ddTHH:mm:ss[.fffffff]Z` (`.fffffffff` with
/// [`Fraction::Nanos`]), given as whole
/// `seconds` since the Unix epoch (negative before 1970) and `ticks` (0 to 9,999,999, 100 ns
/// each) into that second. Years before 1 are written `-0005`; years past 9999 with all
/// their digits. Works for every `i64` of seconds, far beyond what nanoseconds can hold.
pub fn write_datetime(out: &mut String, seconds: i64, ticks: u32, fraction: Fraction) {
    debug_assert!(ticks < TICKS_PER_SECOND, "{ticks} ticks is a second or more");
    write_instant(out, seconds, ticks, 0, fraction);
}

/// [`write_datetime`] of `nanos` since the Unix epoch. Nanoseconds below a tick are dropped
/// (towards the past, so `-1` is `1969-12-31T23:59:59.9999999Z`), except by
/// [`Fraction::Nanos`], which keeps them (`1969-12-31T23:59:59.999999999Z`).
pub fn write_datetime_nanos(out: &mut String, nanos: i64, fraction: Fraction) {
    // In 0..1e9, so the tick count is below 1e7 and both casts are lossless.
    let nanos_of_second = nanos.rem_euclid(NANOS_PER_SEC);
    let (ticks, below_tick) = (nanos_of_second / NANOS_PER_TICK, nanos_of_second % NANOS_PER_TICK);
    write_instant(out, nanos.div_euclid(NANOS_PER_SEC), ticks as u32, below_tick as u32, fraction);
}

/// [`write_datetime`] with `below_tick` nanoseconds (0 to 99) after `ticks`, which only
/// [`Fraction::Nanos`] writes.
fn write_instant(out: &mut String, seconds: i64, ticks: u32, below_tick: u32, fraction: Fraction) {
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let second_of_day = seconds.rem_euclid(86_400);
    if year < 0 {
        out.push('-');
    }
    let _ = write!(
        out,
        "{:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        year.unsigned_abs(),
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    );
    write_fraction(out, ticks, below_tick, fraction);
    out.push('Z');
}

/// Appends a timespan of `ticks` (100 ns each) in Kusto's form `[-][d.]hh:mm:ss[.fffffff]`
/// (`.fffffffff` with [`Fraction::Nanos`]):
/// a day count only when there are whole days, `-` before everything when negative.
pub fn write_timespan(out: &mut String, ticks: i128, fraction: Fraction) {
    let magnitude = ticks.unsigned_abs();
    let per_second = u128::from(TICKS_PER_SECOND);
    // Below TICKS_PER_SECOND, so the cast is lossless.
    write_span(out, ticks < 0, magnitude / per_second, (magnitude % per_second) as u32, 0, fraction);
}

/// [`write_timespan`] of `nanos`. Nanoseconds below a tick are dropped (towards zero, so a
/// span of -99 ns is `00:00:00`), except by [`Fraction::Nanos`], which keeps them (and so
/// writes -99 ns as `-00:00:00.000000099`).
pub fn write_timespan_nanos(out: &mut String, nanos: i64, fraction: Fraction) {
    if fraction != Fraction::Nanos {
        return write_timespan(out, i128::from(nanos / NANOS_PER_TICK), fraction);
    }
    let magnitude = nanos.unsigned_abs();
    let (per_second, per_tick) = (NANOS_PER_SEC.unsigned_abs(), NANOS_PER_TICK.unsigned_abs());
    let nanos_of_second = magnitude % per_second;
    // Below 1e9 nanoseconds, so below 1e7 ticks: both casts are lossless.
    let (ticks, below_tick) = (nanos_of_second / per_tick, nanos_of_second % per_tick);
    let seconds = u128::from(magnitude / per_second);
    write_span(out, nanos < 0, seconds, ticks as u32, below_tick as u32, fraction);
}

/// [`write_timespan`] of whole `seconds`, `ticks` and `below_tick` nanoseconds (0 to 99, only
/// written by [`Fraction::Nanos`]), `-` first when `negative`.
fn write_span(out: &mut String, negative: bool, seconds: u128, ticks: u32, below_tick: u32, fraction: Fraction) {
    let days = seconds / 86_400;
    let second_of_day = seconds % 86_400;
    if negative {
        out.push('-');
    }
    if days > 0 {
        let _ = write!(out, "{days}.");
    }
    let _ = write!(out, "{:02}:{:02}:{:02}", second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
    write_fraction(out, ticks, below_tick, fraction);
}

/// Appends the fraction of a second, `ticks` in 0..TICKS_PER_SECOND plus `below_tick`
/// nanoseconds in 0..100, as `fraction` says; all but [`Fraction::Nanos`] ignore `below_tick`.
fn write_fraction(out: &mut String, ticks: u32, below_tick: u32, fraction: Fraction) {
    match fraction {
        Fraction::Nanos => {
            let _ = write!(out, ".{ticks:07}{below_tick:02}");
        }
        Fraction::Always => {
            let _ = write!(out, ".{ticks:07}");
        }
        Fraction::IfAny if ticks != 0 => {
            let _ = write!(out, ".{ticks:07}");
        }
        Fraction::Trimmed if ticks != 0 => {
            let (mut digits, mut width) = (ticks, 7);
            while digits % 10 == 0 {
                digits /= 10;
                width -= 1;
            }
            let _ = write!(out, ".{digits:0width$}");
        }
        Fraction::IfAny | Fraction::Trimmed => {}
    }
}

/// A position in ASCII text.
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<&u8> {
        self.b.get(self.pos)
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(&c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        self.eat(c).then_some(())
    }

    /// Exactly `n` digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let s = self.b.get(self.pos..self.pos + n)?;
        let mut v = 0i64;
        for &d in s {
            if !d.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(d - b'0');
        }
        self.pos += n;
        Some(v)
    }

    /// One or more digits, at most 18 (so the value fits).
    fn number(&mut self) -> Option<i64> {
        let start = self.pos;
        let mut v = 0i64;
        while let Some(&d) = self.peek().filter(|d| d.is_ascii_digit()) {
            if self.pos - start == 18 {
                return None;
            }
            v = v * 10 + i64::from(d - b'0');
            self.pos += 1;
        }
        (self.pos > start).then_some(v)
    }

    /// One or more fraction digits as nanoseconds; digits past the ninth are ignored.
    fn fraction_nanos(&mut self) -> Option<i64> {
        let start = self.pos;
        let mut v = 0i64;
        while let Some(&d) = self.peek().filter(|d| d.is_ascii_digit()) {
            if self.pos - start < 9 {
                v = v * 10 + i64::from(d - b'0');
            }
            self.pos += 1;
        }
        let len = self.pos - start;
        if len == 0 {
            return None;
        }
        for _ in len..9 {
            v *= 10;
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: i64 = NANOS_PER_SEC;

    #[test]
    fn datetimes_in_every_export_spelling() {
        let base = 1_784_383_736 * SEC; // 2026-07-18T14:08:56Z
        assert_eq!(parse_datetime("2026-07-18T14:08:56Z"), Ok(base));
        assert_eq!(parse_datetime("2026-07-18T14:08:56.322571Z"), Ok(base + 322_571_000));
        assert_eq!(parse_datetime("2026-07-18T14:08:56.2576124Z"), Ok(base + 257_612_400));
        assert_eq!(parse_datetime("2026-07-18 14:08:56"), Ok(base));
        assert_eq!(parse_datetime("2026-07-18T16:08:56+02:00"), Ok(base));
        assert_eq!(parse_datetime("2026-07-18T13:08:56-0100"), Ok(base));
        assert_eq!(parse_datetime("2026-07-18T14:08:56.Z"), Err("not an ISO-8601 datetime"));
        assert_eq!(parse_datetime("2026-07-18"), Ok(base - (14 * 3600 + 8 * 60 + 56) * SEC));
        assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_datetime("1969-12-31T23:59:59.9999999Z"), Ok(-100));
        assert!(parse_datetime("2024-02-29T00:00:00Z").is_ok());
        assert_eq!(parse_datetime("2023-02-29T00:00:00Z"), Err("not a valid calendar date"));
        assert_eq!(parse_datetime("2023-01-01T24:00:00Z"), Err("not a valid time of day"));
        assert!(parse_datetime("0001-01-01T00:00:00Z").unwrap_err().contains("out of range"));
        for bad in ["", "yesterday", "2023-1-01", "2023-01-01T", "2023-01-01T10", "2023-01-01Tx", "1700000000"] {
            assert!(parse_datetime(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn timespans_in_kusto_form() {
        assert_eq!(parse_timespan("00:00:01"), Ok(SEC));
        assert_eq!(parse_timespan("1.02:03:04.5"), Ok(((26 * 60 + 3) * 60 + 4) * SEC + SEC / 2));
        assert_eq!(parse_timespan("-00:01:00"), Ok(-60 * SEC));
        assert_eq!(parse_timespan("00:00:00.0000001"), Ok(100));
        assert_eq!(parse_timespan("36:00"), Ok(36 * 3600 * SEC));
        for bad in ["", "1.5", "1d", "00:60:00", "1.24:00:00", "00:00:00.", "PT1H"] {
            assert!(parse_timespan(bad).is_err(), "{bad:?}");
        }
    }

    fn datetime(seconds: i64, ticks: u32, fraction: Fraction) -> String {
        let mut out = String::new();
        write_datetime(&mut out, seconds, ticks, fraction);
        out
    }

    fn datetime_nanos(nanos: i64, fraction: Fraction) -> String {
        let mut out = String::new();
        write_datetime_nanos(&mut out, nanos, fraction);
        out
    }

    fn timespan(ticks: i128, fraction: Fraction) -> String {
        let mut out = String::new();
        write_timespan(&mut out, ticks, fraction);
        out
    }

    fn timespan_nanos(nanos: i64, fraction: Fraction) -> String {
        let mut out = String::new();
        write_timespan_nanos(&mut out, nanos, fraction);
        out
    }

    #[test]
    fn datetimes_print_in_every_fraction_mode() {
        use Fraction::*;
        let base = 1_704_164_645; // 2024-01-02T03:04:05Z
        for (ticks, always, if_any, trimmed) in [
            (0, "2024-01-02T03:04:05.0000000Z", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
            (5_000_000, "2024-01-02T03:04:05.5000000Z", "2024-01-02T03:04:05.5000000Z", "2024-01-02T03:04:05.5Z"),
            (1_234_567, "2024-01-02T03:04:05.1234567Z", "2024-01-02T03:04:05.1234567Z", "2024-01-02T03:04:05.1234567Z"),
            (1, "2024-01-02T03:04:05.0000001Z", "2024-01-02T03:04:05.0000001Z", "2024-01-02T03:04:05.0000001Z"),
            (1_230_000, "2024-01-02T03:04:05.1230000Z", "2024-01-02T03:04:05.1230000Z", "2024-01-02T03:04:05.123Z"),
        ] {
            assert_eq!(datetime(base, ticks, Always), always);
            assert_eq!(datetime(base, ticks, IfAny), if_any);
            assert_eq!(datetime(base, ticks, Trimmed), trimmed);
        }
        // Nanoseconds: below a tick is dropped, towards the past.
        assert_eq!(datetime_nanos(base * SEC + 123_456_789, Trimmed), "2024-01-02T03:04:05.1234567Z");
        assert_eq!(datetime_nanos(base * SEC + 99, Trimmed), "2024-01-02T03:04:05Z");
        assert_eq!(datetime_nanos(0, Trimmed), "1970-01-01T00:00:00Z");
        assert_eq!(datetime_nanos(0, Always), "1970-01-01T00:00:00.0000000Z");
        assert_eq!(datetime_nanos(-1, Trimmed), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(datetime_nanos(-1, Always), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(datetime_nanos(-100, IfAny), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(
            datetime_nanos(parse_datetime("1969-12-31T23:59:59.9999999Z").unwrap(), Trimmed),
            "1969-12-31T23:59:59.9999999Z"
        );
        assert_eq!(datetime_nanos(951_782_400 * SEC, Trimmed), "2000-02-29T00:00:00Z");
        assert_eq!(datetime_nanos(i64::MIN, Trimmed), "1677-09-21T00:12:43.1452241Z");
        assert_eq!(datetime_nanos(i64::MAX, Trimmed), "2262-04-11T23:47:16.8547758Z");
    }

    #[test]
    fn datetimes_print_at_the_calendar_edges() {
        use Fraction::*;
        // 0001-01-01 and 9999-12-31, the ends of Kusto's range, in seconds since 1970.
        let first = -62_135_596_800;
        let last = 253_402_300_799;
        assert_eq!(datetime(first, 0, Trimmed), "0001-01-01T00:00:00Z");
        assert_eq!(datetime(first, 0, Always), "0001-01-01T00:00:00.0000000Z");
        assert_eq!(datetime(last, 9_999_999, Trimmed), "9999-12-31T23:59:59.9999999Z");
        assert_eq!(datetime(last + 1, 0, Trimmed), "10000-01-01T00:00:00Z");
        // Before year 1: year 0, then negative years with four digits.
        assert_eq!(datetime(first - 1, 0, Trimmed), "0000-12-31T23:59:59Z");
        assert_eq!(datetime(days_from_civil(0, 2, 29) * 86_400, 0, Trimmed), "0000-02-29T00:00:00Z");
        assert_eq!(datetime(days_from_civil(-5, 3, 1) * 86_400 + 1, 1, IfAny), "-0005-03-01T00:00:01.0000001Z");
        // Every i64 of seconds has a text form.
        assert!(datetime(i64::MIN, 0, Trimmed).starts_with('-'));
        assert!(datetime(i64::MAX, 9_999_999, Trimmed).ends_with(":07.9999999Z"));
    }

    #[test]
    fn timespans_print_in_every_fraction_mode() {
        use Fraction::*;
        const T: i128 = TICKS_PER_SECOND as i128;
        assert_eq!(timespan(0, Always), "00:00:00.0000000");
        assert_eq!(timespan(0, IfAny), "00:00:00");
        assert_eq!(timespan(0, Trimmed), "00:00:00");
        assert_eq!(timespan(T * 3 / 2, Always), "00:00:01.5000000");
        assert_eq!(timespan(T * 3 / 2, IfAny), "00:00:01.5000000");
        assert_eq!(timespan(T * 3 / 2, Trimmed), "00:00:01.5");
        assert_eq!(timespan(1, Trimmed), "00:00:00.0000001");
        assert_eq!(timespan(-1, IfAny), "-00:00:00.0000001");
        assert_eq!(timespan(-(86_400 + 2 * 3600 + 3 * 60 + 4) * T, IfAny), "-1.02:03:04");
        assert_eq!(timespan(-(86_400 + 2 * 3600 + 3 * 60 + 4) * T - T / 2, Trimmed), "-1.02:03:04.5");
        assert_eq!(timespan(14 * 86_400 * T, IfAny), "14.00:00:00");
        assert_eq!(timespan(36 * 3600 * T, IfAny), "1.12:00:00");
        assert_eq!(timespan(-3 * 86_400 * T - 1, IfAny), "-3.00:00:00.0000001");
        // Nanoseconds: below a tick is dropped, towards zero.
        assert_eq!(timespan_nanos(99, IfAny), "00:00:00");
        assert_eq!(timespan_nanos(-99, IfAny), "00:00:00");
        assert_eq!(timespan_nanos(-150, IfAny), "-00:00:00.0000001");
        assert_eq!(timespan_nanos(i64::MIN, IfAny), "-106751.23:47:16.8547758");
        assert_eq!(timespan_nanos(i64::MAX, Trimmed), "106751.23:47:16.8547758");
        // Spans in seconds beyond nanoseconds' range still print.
        assert_eq!(timespan(i128::from(i64::MIN) * T, IfAny), "-106751991167300.15:30:08");
    }

    #[test]
    fn datetimes_print_to_the_nanosecond() {
        use Fraction::*;
        let base = 1_704_164_645; // 2024-01-02T03:04:05Z
        // Nine digits, every nanosecond kept, where the tick modes drop those below a tick.
        assert_eq!(datetime_nanos(base * SEC + 123_456_789, Nanos), "2024-01-02T03:04:05.123456789Z");
        assert_eq!(datetime_nanos(base * SEC + 99, Nanos), "2024-01-02T03:04:05.000000099Z");
        assert_eq!(datetime_nanos(base * SEC + 1, Nanos), "2024-01-02T03:04:05.000000001Z");
        assert_eq!(datetime_nanos(base * SEC + SEC / 2, Nanos), "2024-01-02T03:04:05.500000000Z");
        // A zero fraction still has its nine digits.
        assert_eq!(datetime_nanos(0, Nanos), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(datetime_nanos(base * SEC, Nanos), "2024-01-02T03:04:05.000000000Z");
        // Before 1970: the fraction counts forward from the second before, like the date.
        assert_eq!(datetime_nanos(-1, Nanos), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(datetime_nanos(-SEC + 7, Nanos), "1969-12-31T23:59:59.000000007Z");
        assert_eq!(datetime_nanos(-86_400 * SEC, Nanos), "1969-12-31T00:00:00.000000000Z");
        assert_eq!(datetime_nanos(-86_400 * SEC - 150, Nanos), "1969-12-30T23:59:59.999999850Z");
        // The whole range of nanoseconds, where the tick modes stop at ...1452241 and ...8547758.
        assert_eq!(datetime_nanos(i64::MIN, Nanos), "1677-09-21T00:12:43.145224192Z");
        assert_eq!(datetime_nanos(i64::MAX, Nanos), "2262-04-11T23:47:16.854775807Z");
        // Nine digits round-trip through the parser exactly (which cannot hold the first, partial,
        // second of the range).
        for nanos in [i64::MIN + SEC, -SEC - 1, -1, 0, 99, base * SEC + 123_456_789, i64::MAX] {
            assert_eq!(parse_datetime(&datetime_nanos(nanos, Nanos)), Ok(nanos), "{nanos}");
        }
        // From ticks there is nothing below a tick: the last two digits are zeros.
        assert_eq!(datetime(base, 1_234_567, Nanos), "2024-01-02T03:04:05.123456700Z");
        assert_eq!(datetime(base, 0, Nanos), "2024-01-02T03:04:05.000000000Z");
        assert_eq!(datetime(-1, 9_999_999, Nanos), "1969-12-31T23:59:59.999999900Z");
    }

    #[test]
    fn timespans_print_to_the_nanosecond() {
        use Fraction::*;
        const T: i128 = TICKS_PER_SECOND as i128;
        assert_eq!(timespan_nanos(0, Nanos), "00:00:00.000000000");
        assert_eq!(timespan_nanos(SEC, Nanos), "00:00:01.000000000");
        assert_eq!(timespan_nanos(1, Nanos), "00:00:00.000000001");
        assert_eq!(timespan_nanos(SEC * 3 / 2 + 42, Nanos), "00:00:01.500000042");
        // Below a tick keeps its sign, where the tick modes drop both (see above).
        assert_eq!(timespan_nanos(-99, Nanos), "-00:00:00.000000099");
        assert_eq!(timespan_nanos(-((86_400 + 2 * 3600 + 3 * 60 + 4) * SEC) - 5, Nanos), "-1.02:03:04.000000005");
        assert_eq!(timespan_nanos(i64::MIN, Nanos), "-106751.23:47:16.854775808");
        assert_eq!(timespan_nanos(i64::MAX, Nanos), "106751.23:47:16.854775807");
        for nanos in [i64::MIN + 1, -SEC - 1, -99, 0, 1, 36 * 3600 * SEC + 7, i64::MAX] {
            assert_eq!(parse_timespan(&timespan_nanos(nanos, Nanos)), Ok(nanos), "{nanos}");
        }
        // From ticks: the last two digits are zeros.
        assert_eq!(timespan(1, Nanos), "00:00:00.000000100");
        assert_eq!(timespan(-T * 3 / 2, Nanos), "-00:00:01.500000000");
        assert_eq!(timespan(14 * 86_400 * T, Nanos), "14.00:00:00.000000000");
    }

    #[test]
    fn integers_stay_exact() {
        assert_eq!(parse_integer("123456789012345678"), Ok(123_456_789_012_345_678));
        assert_eq!(parse_integer("639199803770463703"), Ok(639_199_803_770_463_703));
        assert_eq!(parse_integer(" -42 "), Ok(-42));
        assert_eq!(parse_integer("1e3"), Ok(1000));
        assert_eq!(parse_integer("7.000"), Ok(7));
        assert_eq!(parse_integer("1.5"), Err("not an integer"));
        assert_eq!(parse_integer("abc"), Err("not a number"));
        assert_eq!(parse_integer("1e999"), Err("number out of range"));
        assert_eq!(parse_integer("1e-999"), Err("not an integer"));
    }

    #[test]
    fn decimals_scale_and_round() {
        let e18 = 10i128.pow(18);
        assert_eq!(parse_scaled("1.5", 18), Ok((15 * e18 / 10, true)));
        assert_eq!(parse_scaled("-0.000000000000000001", 18), Ok((-1, true)));
        assert_eq!(parse_scaled("0.0000000000000000015", 18), Ok((2, false)));
        assert_eq!(parse_scaled("0.0000000000000000001", 18), Ok((0, false)));
        assert_eq!(parse_scaled("12e-1", 18), Ok((12 * e18 / 10, true)));
        assert_eq!(parse_scaled("99999999999999999999", 18), Ok((99_999_999_999_999_999_999 * e18, true)));
        assert_eq!(parse_scaled("100000000000000000000", 18), Err("number out of range"));
        assert_eq!(parse_scaled("0e999999999", 18), Ok((0, true)));
        assert_eq!(parse_scaled(".", 18), Err("not a number"));
        assert_eq!(parse_scaled("1e", 18), Err("not a number"));
    }

    #[test]
    fn minify_keeps_strings() {
        let mut out = String::new();
        minify_json("{ \"a b\" : [1, 2],\n \"c\": \"x \\\" y\" }", &mut out);
        assert_eq!(out, r#"{"a b":[1,2],"c":"x \" y"}"#);
    }
}
