//! Kusto's text forms of scalar values, both ways: how `tostring()` prints a datetime, timespan,
//! real or decimal, and how `todatetime()`, `totimespan()`, `toguid()`, `tobool()`, `tolong()`,
//! `toreal()` and `todecimal()` read text.

use std::fmt::Write as _;

use quarry_data::values::{Fraction, write_datetime_nanos, write_timespan_nanos};

use crate::functions::scalar::datetime::calendar::{
    NS_PER_DAY, NS_PER_HOUR, NS_PER_MICRO, NS_PER_MILLI, NS_PER_MIN, NS_PER_SEC, NS_PER_TICK, ns_from_parts,
};

// ---------------------------------------------------------------------------------------------
// Printing

/// A datetime as ISO 8601 UTC, `2024-01-02T03:04:05.5Z`: up to seven fractional digits (whole
/// ticks), trailing zeros trimmed, no fraction when it is zero.
pub(crate) fn fmt_datetime(ns: i64) -> String {
    let mut out = String::with_capacity(28);
    write_datetime_nanos(&mut out, ns, Fraction::Trimmed);
    out
}

/// A timespan in Kusto's constant form `[-][d.]hh:mm:ss[.fffffff]` (seven fractional digits when
/// the span has a sub-second part, as .NET's `c` format).
pub(crate) fn fmt_timespan(ns: i64) -> String {
    let mut out = String::with_capacity(20);
    write_timespan_nanos(&mut out, ns, Fraction::IfAny);
    out
}

/// A real as Kusto prints it (.NET's shortest round-trip form): `1`, `0.1`, `1E+20`, `1E-07`,
/// `NaN`, `Infinity`, `-Infinity`. Scientific notation is used from 1E+15 up and below 0.0001.
pub(crate) fn fmt_real(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity".to_string() } else { "-Infinity".to_string() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".to_string() } else { "0".to_string() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `1.2345e-5`.
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::from(sign);
    if !(-4..15).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "E{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
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

/// A decimal with `scale` fractional digits, trailing fractional zeros trimmed.
pub(crate) fn fmt_decimal(v: i128, scale: i8) -> String {
    if scale <= 0 {
        let mut s = v.to_string();
        for _ in 0..(-i32::from(scale)) {
            s.push('0');
        }
        return s;
    }
    let scale = scale as u32;
    let abs = v.unsigned_abs();
    let pow = 10u128.pow(scale);
    let (int, frac) = (abs / pow, abs % pow);
    let mut out = String::new();
    if v < 0 {
        out.push('-');
    }
    let _ = write!(out, "{int}");
    if frac > 0 {
        let f = format!("{frac:0width$}", width = scale as usize);
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Parsing: numbers and bools

/// A `long` from text: an optional sign and decimal digits, surrounding whitespace allowed. Text
/// holding a real (`"12.7"`, `"1e3"`) is read as that real truncated toward zero.
pub(crate) fn parse_long(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Ok(v) = t.parse::<i64>() {
        return Some(v);
    }
    let r = parse_real(t)?;
    real_to_long(r)
}

/// A real truncated toward zero to a `long`, `None` when not finite or out of range.
pub(crate) fn real_to_long(r: f64) -> Option<i64> {
    if !r.is_finite() {
        return None;
    }
    let t = r.trunc();
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&t) {
        return None;
    }
    Some(t as i64)
}

/// A `real` from text, accepting `NaN`, `Infinity`, `inf` and their signed forms.
pub(crate) fn parse_real(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "nan" | "+nan" | "-nan" => return Some(f64::NAN),
        "inf" | "+inf" | "infinity" | "+infinity" => return Some(f64::INFINITY),
        "-inf" | "-infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    // Rust accepts forms .NET does not ("1." is fine in both; "infinity" handled above).
    if !t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')) {
        return None;
    }
    t.parse::<f64>().ok()
}

/// A `decimal(38, 18)` (the value times 10^18) from text: optional sign, digits, optional
/// fraction, optional exponent. Digits beyond the 18th fractional place are truncated; `None`
/// when out of range.
pub(crate) fn parse_decimal(s: &str) -> Option<i128> {
    let t = s.trim();
    let (neg, body) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(p) => (&body[..p], body[p + 1..].parse::<i32>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    // All digits, and the power of ten of the last one.
    let digits: String = int.chars().chain(frac.chars()).collect();
    let shift = 18 + exp - frac.len() as i32;
    let digits = digits.trim_start_matches('0');
    let mut v: i128 = 0;
    let keep = if shift >= 0 { digits.len() } else { digits.len().saturating_sub((-shift) as usize) };
    for b in digits.bytes().take(keep) {
        v = v.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    if shift > 0 {
        v = v.checked_mul(10i128.checked_pow(shift as u32)?)?;
    }
    if v >= 10i128.pow(38) {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// A decimal(38, 18) from a real, through the real's shortest text so that `0.1` stays `0.1`.
pub(crate) fn real_to_decimal(r: f64) -> Option<i128> {
    if !r.is_finite() {
        return None;
    }
    parse_decimal(&format!("{r:e}"))
}

/// A `bool` from text: `true`/`false` in any case, or an integer (non-zero is true).
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        t.parse::<i64>().ok().map(|v| v != 0)
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing: guid

/// A guid from text, as `toguid()` reads it: the first 32 hexadecimal digits, with hyphens
/// allowed only where the 8-4-4-4-12 form puts them; the rest of the text is ignored. Returns the
/// canonical lower-case form.
pub(crate) fn parse_guid(s: &str) -> Option<String> {
    let mut hex = String::with_capacity(32);
    for c in s.trim().chars() {
        if hex.len() == 32 {
            break;
        }
        if c.is_ascii_hexdigit() {
            hex.push(c.to_ascii_lowercase());
        } else if c == '-' && matches!(hex.len(), 8 | 12 | 16 | 20) && !hex.ends_with('-') {
            // A hyphen in a proper place: skip it (but only one per place).
            continue;
        } else {
            return None;
        }
    }
    if hex.len() != 32 {
        return None;
    }
    Some(format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]))
}

// ---------------------------------------------------------------------------------------------
// Parsing: timespan

/// A timespan from text, in nanoseconds. Accepts the constant form `[-][d.]hh:mm[:ss[.f…]]`,
/// a bare whole number of days (`"2"`), and literal forms with units: `2d`, `1.5h`, `30m`,
/// `10s`, `100ms`, `10microseconds`, `1tick`, `15 seconds`.
pub(crate) fn parse_timespan(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if body.is_empty() {
        return None;
    }
    let v = if body.contains(':') { parse_clock_span(body)? } else { parse_unit_span(body)? };
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// `[d.]hh:mm[:ss[.fffffff]]`, also `d:hh:mm:ss`.
fn parse_clock_span(s: &str) -> Option<i128> {
    let parts: Vec<&str> = s.split(':').collect();
    let (days, hours, minutes, seconds) = match parts.as_slice() {
        [h, m] => {
            let (d, h) = split_days(h)?;
            (d, h, *m, None)
        }
        [h, m, sec] => {
            let (d, h) = split_days(h)?;
            (d, h, *m, Some(*sec))
        }
        [d, h, m, sec] => (parse_digits(d)?, *h, *m, Some(*sec)),
        _ => return None,
    };
    let hours = parse_digits(hours)?;
    let minutes = parse_digits(minutes)?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    let mut total = i128::from(days) * i128::from(NS_PER_DAY)
        + i128::from(hours) * i128::from(NS_PER_HOUR)
        + i128::from(minutes) * i128::from(NS_PER_MIN);
    if let Some(sec) = seconds {
        let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
        let whole = parse_digits(whole)?;
        if whole > 59 {
            return None;
        }
        total += i128::from(whole) * i128::from(NS_PER_SEC) + fraction_ns(frac)?;
    }
    Some(total)
}

/// Splits `d.hh` into days and hours text.
fn split_days(s: &str) -> Option<(i64, &str)> {
    match s.split_once('.') {
        Some((d, h)) => Some((parse_digits(d)?, h)),
        None => Some((0, s)),
    }
}

/// Decimal digits only (1 to 18 of them).
fn parse_digits(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Nanoseconds of a fractional-seconds digit string (up to 9 digits are used).
fn fraction_ns(frac: &str) -> Option<i128> {
    if frac.is_empty() {
        return Some(0);
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut v: i128 = 0;
    for i in 0..9 {
        let d = frac.as_bytes().get(i).map_or(0, |b| b - b'0');
        v = v * 10 + i128::from(d);
    }
    Some(v)
}

/// A number followed by an optional unit (no unit means days).
fn parse_unit_span(s: &str) -> Option<i128> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = (&s[..split], s[split..].trim());
    let unit_ns: i128 = match unit.to_ascii_lowercase().as_str() {
        "" | "d" | "day" | "days" => i128::from(NS_PER_DAY),
        "h" | "hr" | "hrs" | "hour" | "hours" => i128::from(NS_PER_HOUR),
        "m" | "min" | "mins" | "minute" | "minutes" => i128::from(NS_PER_MIN),
        "s" | "sec" | "secs" | "second" | "seconds" => i128::from(NS_PER_SEC),
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => i128::from(NS_PER_MILLI),
        "microsecond" | "microseconds" => i128::from(NS_PER_MICRO),
        "tick" | "ticks" => i128::from(NS_PER_TICK),
        _ => return None,
    };
    if unit.is_empty() && num.contains('.') {
        // `1.5` alone is neither a day count nor a clock form.
        return None;
    }
    let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let whole = if whole.is_empty() { 0 } else { parse_digits(whole)? };
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Exact: fraction digits times the unit, truncated to whole nanoseconds.
    let mut frac_ns: i128 = 0;
    let mut scale: i128 = 1;
    for b in frac.bytes().take(18) {
        frac_ns = frac_ns * 10 + i128::from(b - b'0');
        scale *= 10;
    }
    Some(i128::from(whole) * unit_ns + frac_ns * unit_ns / scale)
}

// ---------------------------------------------------------------------------------------------
// Parsing: datetime

/// A datetime from text, in nanoseconds since the Unix epoch, in the formats the KQL reference
/// lists for `datetime()` literals and `todatetime()`: ISO 8601 (`2014-05-25T08:20:03.123456Z`,
/// `2014-11-08 15:55`, `2014-11-08`, with a `Z`, ` GMT` or `±hh:mm` zone), RFC 822
/// (`Sat, 8 Nov 14 15:05:02 GMT`), RFC 850 (`Saturday, 08-Nov-14 15:05:02 GMT`), the sortable
/// form (`2014-11-08 15:05:25 GMT`), and `MM-dd-yyyy` / `MM/dd/yyyy` dates (optionally with a time,
/// on a 12-hour clock with `AM`/`PM`).
pub(crate) fn parse_datetime(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let first = t.as_bytes()[0];
    if first.is_ascii_alphabetic() {
        return parse_rfc(t);
    }
    // `yyyy-...` (ISO / sortable) or `d Mon yy` / `dd-Mon-yy` (RFC without weekday) or US dates.
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits >= 4 {
        return parse_iso(t);
    }
    let rest = &t[digits..];
    if rest.len() > 1
        && (rest.as_bytes()[0] == b' ' || rest.as_bytes()[0] == b'-')
        && rest.as_bytes()[1].is_ascii_alphabetic()
    {
        return parse_rfc(t);
    }
    parse_us_date(t)
}

/// A small cursor over ASCII text.
struct Cur<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cur<'a> {
    fn new(s: &'a str) -> Self {
        Cur { s: s.as_bytes(), i: 0 }
    }
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn spaces(&mut self) -> usize {
        let start = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i - start
    }
    /// `min..=max` decimal digits as a number.
    fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i - start < max && self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.i]).ok()?.parse().ok()
    }
    /// A run of ASCII letters.
    fn word(&mut self) -> &'a str {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i]).unwrap_or("")
    }
    fn rest(&self) -> &'a str {
        std::str::from_utf8(&self.s[self.i.min(self.s.len())..]).unwrap_or("")
    }
}

/// `HH:MM[:SS[.fraction]]`: (hour, minute, second, nanos).
fn parse_clock(c: &mut Cur) -> Option<(u32, u32, u32, u32)> {
    let hh = c.num(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let mm = c.num(2, 2)?;
    let (mut ss, mut nanos) = (0, 0);
    if c.eat(b':') {
        ss = c.num(2, 2)?;
        if c.eat(b'.') {
            let start = c.i;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.i += 1;
            }
            let frac = std::str::from_utf8(&c.s[start..c.i]).ok()?;
            if frac.is_empty() {
                return None;
            }
            nanos = fraction_ns(frac)? as u32;
        }
    }
    Some((hh, mm, ss, nanos))
}

/// A zone suffix: nothing, `Z`, `GMT`/`UTC`/`UT`, US zone names, or `±hh[:]mm`. Returns the
/// offset from UTC in minutes (local = UTC + offset).
fn parse_zone(c: &mut Cur) -> Option<i64> {
    c.spaces();
    if c.done() {
        return Some(0);
    }
    match c.peek()? {
        b'+' | b'-' => {
            let sign = if c.eat(b'-') {
                -1
            } else {
                c.i += 1;
                1
            };
            let hh = c.num(2, 2)?;
            c.eat(b':');
            let mm = c.num(2, 2)?;
            if hh > 14 || mm > 59 {
                return None;
            }
            Some(sign * i64::from(hh * 60 + mm))
        }
        _ => {
            let w = c.word().to_ascii_uppercase();
            let hours = match w.as_str() {
                "Z" | "GMT" | "UTC" | "UT" => 0,
                "EST" => -5,
                "EDT" => -4,
                "CST" => -6,
                "CDT" => -5,
                "MST" => -7,
                "MDT" => -6,
                "PST" => -8,
                "PDT" => -7,
                _ => return None,
            };
            Some(hours * 60)
        }
    }
}

/// Combines parsed fields and a zone offset (minutes) into UTC nanoseconds.
fn finish(y: i64, mo: u32, d: u32, clock: (u32, u32, u32, u32), offset_min: i64) -> Option<i64> {
    let (hh, mm, ss, nanos) = clock;
    let local = ns_from_parts(y, mo, d, hh, mm, ss, nanos)?;
    local.checked_sub(offset_min.checked_mul(NS_PER_MIN)?)
}

/// ISO 8601 and the sortable form: `yyyy-M-d[(T| )H:mm[:ss[.f]]][zone]`.
fn parse_iso(t: &str) -> Option<i64> {
    let mut c = Cur::new(t);
    let y = c.num(4, 4)?;
    if !c.eat(b'-') {
        return None;
    }
    let mo = c.num(1, 2)?;
    if !c.eat(b'-') {
        return None;
    }
    let d = c.num(1, 2)?;
    let mut clock = (0, 0, 0, 0);
    if !c.done() {
        if c.eat(b'T') || c.eat(b't') {
            clock = parse_clock(&mut c)?;
        } else if c.peek() == Some(b' ') {
            c.spaces();
            if c.done() {
                return finish(i64::from(y), mo, d, clock, 0);
            }
            clock = parse_clock(&mut c)?;
        } else if c.peek() != Some(b'Z') && c.peek() != Some(b'z') {
            return None;
        }
    }
    let zone = parse_zone(&mut c)?;
    if !c.done() {
        return None;
    }
    finish(i64::from(y), mo, d, clock, zone)
}

/// Month number of an English month name or abbreviation.
fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = name.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == lower).or_else(|| FULL.iter().position(|m| *m == lower)).map(|p| p as u32 + 1)
}

/// True for an English weekday name or abbreviation.
fn is_weekday(name: &str) -> bool {
    const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    const FULL: [&str; 7] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    let lower = name.to_ascii_lowercase();
    DAYS.contains(&lower.as_str()) || FULL.contains(&lower.as_str())
}

/// A two-digit year as .NET reads it: 00-29 in the 2000s, 30-99 in the 1900s.
fn full_year(y: u32, digits: usize) -> i64 {
    if digits <= 2 { if y < 30 { 2000 + i64::from(y) } else { 1900 + i64::from(y) } } else { i64::from(y) }
}

/// RFC 822 (`[Sat, ]8 Nov 14 15:05[:02] [GMT]`) and RFC 850 (`[Saturday, ]08-Nov-14 15:05[:02]
/// [GMT]`); four-digit years are accepted too.
fn parse_rfc(t: &str) -> Option<i64> {
    let mut c = Cur::new(t);
    if c.peek()?.is_ascii_alphabetic() {
        let w = c.word();
        if !is_weekday(w) || !c.eat(b',') {
            return None;
        }
        c.spaces();
    }
    let d = c.num(1, 2)?;
    let dash = c.eat(b'-');
    if !dash && c.spaces() == 0 {
        return None;
    }
    let mo = month_number(c.word())?;
    if !(if dash { c.eat(b'-') } else { c.spaces() > 0 }) {
        return None;
    }
    let start = c.i;
    let y = c.num(2, 4)?;
    let y = full_year(y, c.i - start);
    if c.spaces() == 0 {
        return None;
    }
    let clock = parse_clock(&mut c)?;
    let zone = parse_zone(&mut c)?;
    if !c.rest().trim().is_empty() {
        return None;
    }
    finish(y, mo, d, clock, zone)
}

/// `MM-dd-yyyy` or `MM/dd/yyyy`, optionally followed by a time (invariant-culture order).
fn parse_us_date(t: &str) -> Option<i64> {
    let mut c = Cur::new(t);
    let mo = c.num(1, 2)?;
    let sep = c.peek()?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    c.i += 1;
    let d = c.num(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let y = c.num(4, 4)?;
    let mut clock = (0, 0, 0, 0);
    if c.spaces() > 0 && !c.done() {
        clock = parse_clock(&mut c)?;
        // An optional 12-hour clock suffix, as in `12/02/2022 3:04:05 PM`.
        let save = c.i;
        c.spaces();
        match c.word().to_ascii_uppercase().as_str() {
            "AM" if (1..=12).contains(&clock.0) => clock.0 %= 12,
            "PM" if (1..=12).contains(&clock.0) => clock.0 = clock.0 % 12 + 12,
            "" => c.i = save,
            _ => return None,
        }
    }
    let zone = parse_zone(&mut c)?;
    if !c.done() {
        return None;
    }
    finish(i64::from(y), mo, d, clock, zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, ns: u32) -> Option<i64> {
        ns_from_parts(y, mo, d, h, mi, s, ns)
    }

    #[test]
    fn datetimes_print_as_iso_with_trimmed_fraction() {
        assert_eq!(fmt_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(fmt_datetime(at(2015, 12, 31, 23, 59, 59, 900_000_000).unwrap()), "2015-12-31T23:59:59.9Z");
        assert_eq!(fmt_datetime(at(2024, 1, 2, 3, 4, 5, 123_456_700).unwrap()), "2024-01-02T03:04:05.1234567Z");
        // Sub-tick nanoseconds are not printed.
        assert_eq!(fmt_datetime(at(2024, 1, 2, 3, 4, 5, 99).unwrap()), "2024-01-02T03:04:05Z");
        assert_eq!(fmt_datetime(-1), "1969-12-31T23:59:59.9999999Z");
    }

    #[test]
    fn timespans_print_in_constant_form() {
        assert_eq!(fmt_timespan(0), "00:00:00");
        assert_eq!(fmt_timespan(NS_PER_DAY), "1.00:00:00");
        assert_eq!(fmt_timespan(NS_PER_SEC * 3 / 2), "00:00:01.5000000");
        assert_eq!(fmt_timespan(-(NS_PER_DAY + 2 * NS_PER_HOUR + 3 * NS_PER_MIN + 4 * NS_PER_SEC)), "-1.02:03:04");
        assert_eq!(fmt_timespan(14 * NS_PER_DAY), "14.00:00:00");
        assert_eq!(fmt_timespan(i64::MIN).chars().next(), Some('-'));
    }

    #[test]
    fn reals_print_like_dotnet() {
        assert_eq!(fmt_real(1.0), "1");
        assert_eq!(fmt_real(0.1), "0.1");
        assert_eq!(fmt_real(-2.5), "-2.5");
        assert_eq!(fmt_real(123456789012.0), "123456789012");
        assert_eq!(fmt_real(1e15), "1E+15");
        assert_eq!(fmt_real(1e14), "100000000000000");
        assert_eq!(fmt_real(1.5e300), "1.5E+300");
        assert_eq!(fmt_real(0.0001), "0.0001");
        assert_eq!(fmt_real(0.00001), "1E-05");
        assert_eq!(fmt_real(1e-7), "1E-07");
        assert_eq!(fmt_real(f64::NAN), "NaN");
        assert_eq!(fmt_real(f64::INFINITY), "Infinity");
        assert_eq!(fmt_real(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(fmt_real(0.0), "0");
    }

    #[test]
    fn decimals_print_trimmed() {
        assert_eq!(fmt_decimal(1_500_000_000_000_000_000, 18), "1.5");
        assert_eq!(fmt_decimal(-2_000_000_000_000_000_000, 18), "-2");
        assert_eq!(fmt_decimal(5, 18), "0.000000000000000005");
        assert_eq!(fmt_decimal(12, 0), "12");
    }

    #[test]
    fn numbers_and_bools_parse() {
        assert_eq!(parse_long(" 123 "), Some(123));
        assert_eq!(parse_long("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_long("12.7"), Some(12));
        assert_eq!(parse_long("abc"), None);
        assert_eq!(parse_long(""), None);
        assert_eq!(parse_real("123.4"), Some(123.4));
        assert_eq!(parse_real("1e3"), Some(1000.0));
        assert!(parse_real("NaN").unwrap().is_nan());
        assert_eq!(parse_real("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_real("0x10"), None);
        assert_eq!(parse_decimal("123.45678"), Some(123_456_780_000_000_000_000));
        assert_eq!(parse_decimal("-1.5e2"), Some(-150_000_000_000_000_000_000));
        assert_eq!(parse_decimal("0.1234567890123456789"), Some(123_456_789_012_345_678));
        assert_eq!(parse_decimal("1e30"), None);
        assert_eq!(parse_decimal("."), None);
        assert_eq!(real_to_decimal(0.1), Some(100_000_000_000_000_000));
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("false"), Some(false));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("yes"), None);
    }

    #[test]
    fn guids_parse_like_toguid() {
        // https://learn.microsoft.com/en-us/kusto/query/toguid-function examples.
        let want = Some("01234567-89ab-cdef-0123-456789abcdef".to_string());
        assert_eq!(parse_guid("0123456789abcdef0123456789abcdef"), want);
        assert_eq!(parse_guid("0123456789ab-cdef-0123-456789abcdef"), want);
        assert_eq!(parse_guid("01234567-89AB-CDEF-0123-456789ABCDEF"), want);
        assert_eq!(parse_guid("0123456789abcdef0123456789abcdefXYZ"), want);
        assert_eq!(parse_guid("a string that is not a guid"), None);
        assert_eq!(parse_guid("0123-4567"), None);
        assert_eq!(parse_guid(""), None);
    }

    #[test]
    fn timespans_parse() {
        // https://learn.microsoft.com/en-us/kusto/query/totimespan-function example.
        assert_eq!(parse_timespan("0.00:01:00"), Some(NS_PER_MIN));
        assert_eq!(parse_timespan("1.02:03:04.5"), Some(NS_PER_DAY + 2 * NS_PER_HOUR + 3 * NS_PER_MIN + 4_500_000_000));
        assert_eq!(parse_timespan("02:03:04"), Some(2 * NS_PER_HOUR + 3 * NS_PER_MIN + 4 * NS_PER_SEC));
        assert_eq!(parse_timespan("02:03"), Some(2 * NS_PER_HOUR + 3 * NS_PER_MIN));
        assert_eq!(parse_timespan("-00:00:01"), Some(-NS_PER_SEC));
        assert_eq!(parse_timespan("2"), Some(2 * NS_PER_DAY));
        // https://learn.microsoft.com/en-us/kusto/query/scalar-data-types/timespan literals.
        assert_eq!(parse_timespan("2d"), Some(2 * NS_PER_DAY));
        assert_eq!(parse_timespan("1.5h"), Some(90 * NS_PER_MIN));
        assert_eq!(parse_timespan("30m"), Some(30 * NS_PER_MIN));
        assert_eq!(parse_timespan("0.1s"), Some(100 * NS_PER_MILLI));
        assert_eq!(parse_timespan("100ms"), Some(100 * NS_PER_MILLI));
        assert_eq!(parse_timespan("10microsecond"), Some(10 * NS_PER_MICRO));
        assert_eq!(parse_timespan("1tick"), Some(100));
        assert_eq!(parse_timespan("15 seconds"), Some(15 * NS_PER_SEC));
        assert_eq!(parse_timespan("25:00:00"), None);
        assert_eq!(parse_timespan("1.5"), None);
        assert_eq!(parse_timespan("abc"), None);
        assert_eq!(parse_timespan(""), None);
        assert_eq!(parse_timespan("5x"), None);
    }

    #[test]
    fn datetimes_parse_in_documented_formats() {
        // https://learn.microsoft.com/en-us/kusto/query/scalar-data-types/datetime formats.
        assert_eq!(parse_datetime("2014-05-25T08:20:03.123456Z"), at(2014, 5, 25, 8, 20, 3, 123_456_000));
        assert_eq!(parse_datetime("2014-05-25T08:20:03.123456"), at(2014, 5, 25, 8, 20, 3, 123_456_000));
        assert_eq!(parse_datetime("2014-05-25T08:20"), at(2014, 5, 25, 8, 20, 0, 0));
        assert_eq!(parse_datetime("2014-11-08 15:55:55.123456Z"), at(2014, 11, 8, 15, 55, 55, 123_456_000));
        assert_eq!(parse_datetime("2014-11-08 15:55:55"), at(2014, 11, 8, 15, 55, 55, 0));
        assert_eq!(parse_datetime("2014-11-08 15:55"), at(2014, 11, 8, 15, 55, 0, 0));
        assert_eq!(parse_datetime("2014-11-08"), at(2014, 11, 8, 0, 0, 0, 0));
        assert_eq!(parse_datetime("Sat, 8 Nov 14 15:05:02 GMT"), at(2014, 11, 8, 15, 5, 2, 0));
        assert_eq!(parse_datetime("Sat, 8 Nov 14 15:05"), at(2014, 11, 8, 15, 5, 0, 0));
        assert_eq!(parse_datetime("8 Nov 14 15:05 GMT"), at(2014, 11, 8, 15, 5, 0, 0));
        assert_eq!(parse_datetime("Saturday, 08-Nov-14 15:05:02 GMT"), at(2014, 11, 8, 15, 5, 2, 0));
        assert_eq!(parse_datetime("08-Nov-14 15:05"), at(2014, 11, 8, 15, 5, 0, 0));
        assert_eq!(parse_datetime("2014-11-08 15:05:25 GMT"), at(2014, 11, 8, 15, 5, 25, 0));
        assert_eq!(parse_datetime("2014-11-08T15:05 GMT"), at(2014, 11, 8, 15, 5, 0, 0));
        assert_eq!(parse_datetime("2014-1-8 15:05"), at(2014, 1, 8, 15, 5, 0, 0));
        // https://learn.microsoft.com/en-us/kusto/query/todatetime-function examples.
        assert_eq!(parse_datetime("2015-12-31 23:59:59.9"), at(2015, 12, 31, 23, 59, 59, 900_000_000));
        assert_eq!(parse_datetime("12-02-2022"), at(2022, 12, 2, 0, 0, 0, 0));
        assert_eq!(parse_datetime("12/02/2022 3:04:05 PM"), at(2022, 12, 2, 15, 4, 5, 0));
        assert_eq!(parse_datetime("12/02/2022 12:04 AM"), at(2022, 12, 2, 0, 4, 0, 0));
        assert_eq!(parse_datetime("12/02/2022 13:04 PM"), None);
        // Zones and fractions.
        assert_eq!(parse_datetime("2024-01-02T03:04:05+02:00"), at(2024, 1, 2, 1, 4, 5, 0));
        assert_eq!(parse_datetime("2024-01-02T03:04:05.1234567Z"), at(2024, 1, 2, 3, 4, 5, 123_456_700));
        assert_eq!(parse_datetime("2024-01-02T03:04:05.123456789Z"), at(2024, 1, 2, 3, 4, 5, 123_456_789));
        assert_eq!(parse_datetime("Sat, 8 Nov 2014 15:05:02 -0500"), at(2014, 11, 8, 20, 5, 2, 0));
        // Invalid.
        assert_eq!(parse_datetime(""), None);
        assert_eq!(parse_datetime("not a date"), None);
        assert_eq!(parse_datetime("2024-02-30"), None);
        assert_eq!(parse_datetime("2024-01-02X"), None);
        assert_eq!(parse_datetime("2024-01-02T25:00"), None);
        assert_eq!(parse_datetime("Foo, 8 Nov 14 15:05"), None);
    }
}
