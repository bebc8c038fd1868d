//! Datetime and timespan literals as nanoseconds.
//!
//! Hand-written because the accepted forms are Kusto's own (`1.02:03:04.5`, `5d`, `100ms`,
//! `2024-01-02 03:04:05`), not those of a general date library.

use crate::types::NANOS_PER_TICK;

const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// A timespan literal in nanoseconds: `5d`, `1.5h`, `30m`, `10s`, `100ms`, `10microsecond`,
/// `3tick`, or the `[-][d.]hh:mm[:ss[.fffffff]]` form used inside `time(...)`/`timespan(...)`.
pub fn parse_timespan(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, text),
    };
    let nanos = if body.contains(':') { parse_clock(body)? } else { parse_with_unit(body)? };
    Some(if negative { -nanos } else { nanos })
}

fn parse_with_unit(body: &str) -> Option<i64> {
    let split = body.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(body.len());
    let (number, unit) = body.split_at(split);
    let value: f64 = number.parse().ok()?;
    let unit_nanos: f64 = match unit.to_ascii_lowercase().as_str() {
        "d" | "day" | "days" => 86_400e9,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600e9,
        "m" | "min" | "mins" | "minute" | "minutes" => 60e9,
        "s" | "sec" | "secs" | "second" | "seconds" => 1e9,
        "ms" | "milli" | "millis" | "millisec" | "millisecond" | "milliseconds" => 1e6,
        "micro" | "micros" | "microsec" | "microsecond" | "microseconds" => 1e3,
        "tick" | "ticks" => NANOS_PER_TICK as f64,
        // A bare number inside timespan(...) counts days.
        "" => 86_400e9,
        _ => return None,
    };
    Some((value * unit_nanos).round() as i64)
}

/// `[d.]hh:mm[:ss[.fffffff]]`.
fn parse_clock(body: &str) -> Option<i64> {
    let mut parts = body.split(':');
    let first = parts.next()?;
    let (days, hours) = match first.split_once('.') {
        Some((d, h)) => (d.parse::<i64>().ok()?, h.parse::<i64>().ok()?),
        None => (0, first.parse::<i64>().ok()?),
    };
    let minutes: i64 = parts.next()?.parse().ok()?;
    let (seconds, fraction) = match parts.next() {
        Some(s) => match s.split_once('.') {
            Some((whole, frac)) => (whole.parse::<i64>().ok()?, fraction_nanos(frac)?),
            None => (s.parse::<i64>().ok()?, 0),
        },
        None => (0, 0),
    };
    if parts.next().is_some() || minutes >= 60 || seconds >= 60 {
        return None;
    }
    Some(((days * 24 + hours) * 60 + minutes) * 60 * NANOS_PER_SECOND + seconds * NANOS_PER_SECOND + fraction)
}

/// Up to 9 fractional digits as nanoseconds.
fn fraction_nanos(digits: &str) -> Option<i64> {
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = digits.parse().ok()?;
    Some(value * 10i64.pow(9 - digits.len() as u32))
}

/// A datetime literal as nanoseconds since the Unix epoch (UTC): `2024-01-02`,
/// `2024-01-02T03:04:05.1234567Z`, `2024-01-02 03:04`, with an optional `Z` or `+hh:mm` offset.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.find(['T', ' ']) {
        Some(i) => (&text[..i], text[i + 1..].trim()),
        None => (text, ""),
    };
    let mut ymd = date.split('-');
    let year: i64 = ymd.next()?.parse().ok()?;
    let month: u32 = ymd.next()?.parse().ok()?;
    let day: u32 = ymd.next()?.parse().ok()?;
    if ymd.next().is_some() || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let (clock, offset_nanos) = split_offset(time)?;
    let time_nanos = if clock.is_empty() { 0 } else { parse_time_of_day(clock)? };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 * NANOS_PER_SECOND + time_nanos - offset_nanos)
}

fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    if let Some(i) = time.rfind(['+', '-']).filter(|&i| i > 0) {
        let (clock, offset) = time.split_at(i);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (h, m) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
        let nanos = (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?) * 60 * NANOS_PER_SECOND;
        return Some((clock, sign * nanos));
    }
    Some((time, 0))
}

fn parse_time_of_day(clock: &str) -> Option<i64> {
    let mut parts = clock.split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next().unwrap_or("0").parse().ok()?;
    let (seconds, fraction) = match parts.next() {
        Some(s) => match s.split_once('.') {
            Some((whole, frac)) => (whole.parse::<i64>().ok()?, fraction_nanos(frac)?),
            None => (s.parse::<i64>().ok()?, 0),
        },
        None => (0, 0),
    };
    if hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    Some(((hours * 60 + minutes) * 60 + seconds) * NANOS_PER_SECOND + fraction)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespans_in_every_form() {
        assert_eq!(parse_timespan("5d"), Some(5 * 86_400 * NANOS_PER_SECOND));
        assert_eq!(parse_timespan("1.5h"), Some(5_400 * NANOS_PER_SECOND));
        assert_eq!(parse_timespan("100ms"), Some(100_000_000));
        assert_eq!(parse_timespan("3tick"), Some(300));
        assert_eq!(parse_timespan("1.02:03:04.5"), Some(((26 * 60 + 3) * 60 + 4) * NANOS_PER_SECOND + 500_000_000));
        assert_eq!(parse_timespan("00:05:00"), Some(300 * NANOS_PER_SECOND));
        assert_eq!(parse_timespan("-00:00:01"), Some(-NANOS_PER_SECOND));
        assert_eq!(parse_timespan("2"), Some(2 * 86_400 * NANOS_PER_SECOND));
        assert_eq!(parse_timespan("5x"), None);
    }

    #[test]
    fn datetimes_in_every_form() {
        assert_eq!(parse_datetime("1970-01-01"), Some(0));
        assert_eq!(parse_datetime("2024-01-02T03:04:05Z"), Some(1_704_164_645 * NANOS_PER_SECOND));
        assert_eq!(parse_datetime("2024-01-02 03:04:05"), Some(1_704_164_645 * NANOS_PER_SECOND));
        assert_eq!(
            parse_datetime("2024-01-02T03:04:05.1234567Z"),
            Some(1_704_164_645 * NANOS_PER_SECOND + 123_456_700)
        );
        assert_eq!(parse_datetime("2024-01-02T05:04:05+02:00"), Some(1_704_164_645 * NANOS_PER_SECOND));
        assert_eq!(parse_datetime("2024-02-30"), None);
        assert_eq!(parse_datetime("2024-13-01"), None);
    }
}
