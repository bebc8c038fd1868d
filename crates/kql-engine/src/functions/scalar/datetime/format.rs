//! Formatting datetimes and timespans with a pattern. A null value gives the empty string.
//!
//! - `format_datetime(date, format)`: <https://learn.microsoft.com/en-us/kusto/query/format-datetime-function>.
//!   Specifiers: `d` `dd` (day), `f`..`fffffff` (fraction digits), `F`..`FFFFFFF` (fraction
//!   digits without trailing zeros, nothing when zero), `h` `hh` (12-hour clock), `H` `HH`,
//!   `m` `mm`, `M` `MM` (month), `s` `ss`, `y` `yy` (year modulo 100), `yyyy`, `tt` (AM/PM);
//!   also, as in .NET, `ddd`/`dddd` (day name), `MMM`/`MMMM` (month name) and `t`.
//! - `format_timespan(timespan, format)`: <https://learn.microsoft.com/en-us/kusto/query/format-timespan-function>.
//!   Specifiers: `d`..`dddddddd` (whole days, zero-padded to the count), `f`.. and `F`.. (as
//!   above), `h`/`H` `hh`/`HH` (hours 0 to 23), `m` `mm`, `s` `ss`. A negative span is formatted
//!   by its magnitude.
//!
//! Any other character is copied as it is (the documented delimiters are `space / - : , . _ [ ]`);
//! text between single or double quotes, or after a backslash, is copied literally.

use std::fmt::Write as _;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::logical_expr::ScalarUDF;

use super::calendar::{Civil, NS_PER_DAY, NS_PER_HOUR, NS_PER_MIN, NS_PER_SEC, NS_PER_TICK};
use crate::functions::scalar::conversion::udf::{Args, ret, spans, strs, times, udf};

const MONTHS: [&str; 12] = [
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
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// The fields a pattern can print.
struct Fields {
    days: i64,
    year: i64,
    month: u32,
    day: u32,
    weekday: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// Ticks (100 ns) within the second.
    ticks: u32,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Datetime,
    Timespan,
}

/// Appends the first `count` (at most 7) digits of the seven-digit tick fraction; for `F`,
/// trailing zeros are dropped and, when nothing is left, a preceding `.` is removed too.
fn push_fraction(out: &mut String, ticks: u32, count: usize, trim: bool) {
    let digits = format!("{ticks:07}");
    let part = &digits[..count.min(7)];
    if !trim {
        out.push_str(part);
        return;
    }
    let trimmed = part.trim_end_matches('0');
    if trimmed.is_empty() {
        if out.ends_with('.') {
            out.pop();
        }
    } else {
        out.push_str(trimmed);
    }
}

fn pad(out: &mut String, v: i64, width: usize) {
    let _ = write!(out, "{v:0width$}");
}

/// Formats `f` with `pattern`.
fn render(pattern: &str, f: &Fields, kind: Kind) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        let mut run = 1;
        while k + run < chars.len() && chars[k + run] == c {
            run += 1;
        }
        let n = run;
        match (c, kind) {
            ('\'' | '"', _) => {
                // Quoted literal.
                let mut j = k + 1;
                while j < chars.len() && chars[j] != c {
                    out.push(chars[j]);
                    j += 1;
                }
                k = j + 1;
                continue;
            }
            ('\\', _) => {
                if let Some(next) = chars.get(k + 1) {
                    out.push(*next);
                }
                k += 2;
                continue;
            }
            ('d', Kind::Datetime) => match n {
                1 => pad(&mut out, i64::from(f.day), 1),
                2 => pad(&mut out, i64::from(f.day), 2),
                3 => out.push_str(&DAYS[f.weekday as usize][..3]),
                _ => out.push_str(DAYS[f.weekday as usize]),
            },
            ('d', Kind::Timespan) => pad(&mut out, f.days, n.min(8)),
            ('f', _) => push_fraction(&mut out, f.ticks, n, false),
            ('F', _) => push_fraction(&mut out, f.ticks, n, true),
            ('h', Kind::Datetime) => {
                let h12 = match f.hour % 12 {
                    0 => 12,
                    h => h,
                };
                pad(&mut out, i64::from(h12), n.min(2));
            }
            ('h' | 'H', _) => pad(&mut out, i64::from(f.hour), n.min(2)),
            ('m', _) => pad(&mut out, i64::from(f.minute), n.min(2)),
            ('s', _) => pad(&mut out, i64::from(f.second), n.min(2)),
            ('M', Kind::Datetime) => match n {
                1 | 2 => pad(&mut out, i64::from(f.month), n),
                3 => out.push_str(&MONTHS[f.month as usize - 1][..3]),
                _ => out.push_str(MONTHS[f.month as usize - 1]),
            },
            ('y', Kind::Datetime) => match n {
                1 => pad(&mut out, f.year % 100, 1),
                2 => pad(&mut out, f.year % 100, 2),
                _ => pad(&mut out, f.year, n),
            },
            ('t', Kind::Datetime) => {
                let ampm = if f.hour < 12 { "AM" } else { "PM" };
                out.push_str(if n == 1 { &ampm[..1] } else { ampm });
            }
            _ => {
                for _ in 0..n {
                    out.push(c);
                }
            }
        }
        k += n;
    }
    out
}

/// `kql_format_datetime(datetime, format) -> Utf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/format-datetime-function>
pub fn kql_format_datetime() -> ScalarUDF {
    udf("kql_format_datetime", 2..=2, ret::utf8, |args: &Args| {
        let dates = times(args.arg(0), "format_datetime date")?;
        let formats = strs(args.arg(1), "format_datetime format")?;
        let out: StringArray = (0..args.rows)
            .map(|i| {
                Some(match dates.get(i) {
                    None => String::new(),
                    Some(ns) => {
                        let c = Civil::from_ns(ns);
                        let fields = Fields {
                            days: c.days,
                            year: c.year,
                            month: c.month,
                            day: c.day,
                            weekday: c.weekday(),
                            hour: c.hour,
                            minute: c.minute,
                            second: c.second,
                            ticks: c.nanos / NS_PER_TICK as u32,
                        };
                        render(formats.str(i), &fields, Kind::Datetime)
                    }
                })
            })
            .collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_format_timespan(timespan, format) -> Utf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/format-timespan-function>
pub fn kql_format_timespan() -> ScalarUDF {
    udf("kql_format_timespan", 2..=2, ret::utf8, |args: &Args| {
        let values = spans(args.arg(0), "format_timespan timespan")?;
        let formats = strs(args.arg(1), "format_timespan format")?;
        let out: StringArray = (0..args.rows)
            .map(|i| {
                Some(match values.get(i) {
                    None => String::new(),
                    Some(ns) => {
                        let abs = i128::from(ns).unsigned_abs();
                        let in_day = (abs % NS_PER_DAY as u128) as i64;
                        let fields = Fields {
                            days: (abs / NS_PER_DAY as u128) as i64,
                            year: 0,
                            month: 1,
                            day: 0,
                            weekday: 0,
                            hour: (in_day / NS_PER_HOUR) as u32,
                            minute: (in_day / NS_PER_MIN % 60) as u32,
                            second: (in_day / NS_PER_SEC % 60) as u32,
                            ticks: ((in_day % NS_PER_SEC) / NS_PER_TICK) as u32,
                        };
                        render(formats.str(i), &fields, Kind::Timespan)
                    }
                })
            })
            .collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Array, AsArray, TimestampNanosecondArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::text::parse_timespan;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, s, ts};
    use crate::functions::scalar::datetime::calendar::ns_from_parts;

    fn fdt(ns: i64, fmt: &str) -> String {
        match call_scalars(&kql_format_datetime(), vec![dt(ns), s(fmt)]) {
            ScalarValue::Utf8(Some(v)) => v,
            other => panic!("{other:?}"),
        }
    }

    fn fts(text: &str, fmt: &str) -> String {
        match call_scalars(&kql_format_timespan(), vec![ts(parse_timespan(text).unwrap()), s(fmt)]) {
            ScalarValue::Utf8(Some(v)) => v,
            other => panic!("{other:?}"),
        }
    }

    fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32, sec: u32, ns: u32) -> i64 {
        ns_from_parts(y, mo, d, h, mi, sec, ns).unwrap()
    }

    #[test]
    fn format_datetime_follows_the_reference() {
        // https://learn.microsoft.com/en-us/kusto/query/format-datetime-function examples.
        let d = at(2017, 1, 29, 9, 0, 5, 0);
        assert_eq!(fdt(d, "yy-MM-dd [HH:mm:ss]"), "17-01-29 [09:00:05]");
        assert_eq!(fdt(d, "yyyy-M-dd [H:mm:ss]"), "2017-1-29 [9:00:05]");
        assert_eq!(fdt(d, "yy-MM-dd [hh:mm:ss tt]"), "17-01-29 [09:00:05 AM]");
        // Specifier table.
        let t = at(2009, 6, 15, 13, 45, 30, 617_542_500);
        assert_eq!(fdt(at(2009, 6, 1, 13, 45, 30, 0), "d"), "1");
        assert_eq!(fdt(at(2009, 6, 1, 13, 45, 30, 0), "dd"), "01");
        assert_eq!(fdt(t, "f"), "6");
        assert_eq!(fdt(t, "ff"), "61");
        assert_eq!(fdt(t, "fffffff"), "6175425");
        assert_eq!(fdt(at(2009, 6, 15, 13, 45, 30, 115_000), "fffffff"), "0001150");
        assert_eq!(fdt(at(2009, 6, 15, 13, 45, 30, 115_000), "FFFFFFF"), "000115");
        assert_eq!(fdt(at(2009, 6, 15, 13, 45, 30, 50_000_000), "F"), "");
        assert_eq!(fdt(at(2009, 6, 15, 13, 45, 30, 0), "HH:mm:ss.FFF"), "13:45:30");
        assert_eq!(fdt(t, "h hh H HH"), "1 01 13 13");
        assert_eq!(fdt(at(2009, 6, 15, 1, 9, 9, 0), "m mm s ss M MM"), "9 09 9 09 6 06");
        assert_eq!(fdt(at(2009, 6, 15, 0, 0, 0, 0), "hh tt"), "12 AM");
        assert_eq!(fdt(at(1900, 1, 1, 0, 0, 0, 0), "y yy yyyy"), "0 00 1900");
        assert_eq!(fdt(t, "y"), "9");
        assert_eq!(fdt(t, "yyyy-MM-ddTHH:mm:ss.fffZ"), "2009-06-15T13:45:30.617Z");
        assert_eq!(fdt(t, "ddd dddd MMM MMMM"), "Mon Monday Jun June");
        assert_eq!(fdt(t, "'day' d"), "day 15");
    }

    #[test]
    fn format_timespan_follows_the_reference() {
        // https://learn.microsoft.com/en-us/kusto/query/format-timespan-function example.
        assert_eq!(fts("29.09:00:05.12345", "dd.hh:mm:ss:FF"), "29.09:00:05:12");
        assert_eq!(fts("29.09:00:05.12345", "ddd.h:mm:ss [fffffff]"), "029.9:00:05 [1234500]");
        // Specifier table.
        assert_eq!(fts("15.13:45:30", "d dd ddd"), "15 15 015");
        assert_eq!(fts("15.13:45:30.6170000", "f ff fff"), "6 61 617");
        assert_eq!(fts("15.13:45:30.0500000", "ss.F"), "30");
        assert_eq!(fts("15.01:09:09", "H HH m mm s ss"), "1 01 9 09 9 09");
        assert_eq!(fts("-01:02:03", "hh:mm:ss"), "01:02:03");
    }

    #[test]
    fn nulls_and_arrays() {
        assert_eq!(
            call_scalars(&kql_format_datetime(), vec![ScalarValue::TimestampNanosecond(None, None), s("yyyy")]),
            s("")
        );
        assert_eq!(call_scalars(&kql_format_timespan(), vec![ScalarValue::DurationNanosecond(None), s("hh")]), s(""));
        let out = call_arrays(
            &kql_format_datetime(),
            vec![col(TimestampNanosecondArray::from(vec![Some(0), None])), s("yyyy-MM-dd").into()],
        );
        let out = out.as_string::<i32>();
        assert_eq!(out.null_count(), 0);
        assert_eq!((out.value(0), out.value(1)), ("1970-01-01", ""));
    }
}
