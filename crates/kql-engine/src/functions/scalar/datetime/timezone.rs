//! Time-zone conversion without a time-zone database.
//!
//! - `datetime_utc_to_local(from, timezone)`: <https://learn.microsoft.com/en-us/kusto/query/datetime-utc-to-local-function>
//! - `datetime_local_to_utc(from, timezone)`: <https://learn.microsoft.com/en-us/kusto/query/datetime-local-to-utc-function>
//!
//! Kusto accepts the IANA zone names. Quarry ships no zone database (and takes no dependency for
//! one), so it accepts only the zones whose offset never changes: `UTC`, `Etc/UTC`, `GMT`,
//! `Etc/GMT`, `Etc/UCT`, `Etc/Universal`, `Etc/Zulu`, `Z`, the `Etc/GMT+N` / `Etc/GMT-N` zones
//! (POSIX signs: `Etc/GMT+5` is five hours *behind* UTC), and fixed offsets written `+05:30`,
//! `-08:00`, `+0530`, `UTC+3` or `UTC-04:30`. Any other name is an error that names the zone.
//! Null datetimes give null.

use datafusion::arrow::array::ArrayRef;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::ScalarUDF;

use super::calendar::{NS_PER_HOUR, NS_PER_MIN};
use crate::functions::scalar::conversion::udf::{Args, ret, strs, times, timestamp_array, udf};

/// The fixed UTC offset of `zone` in nanoseconds (east positive), `None` when the zone's offset
/// is not fixed or the name is unknown.
fn fixed_offset(zone: &str) -> Option<i64> {
    let z = zone.trim();
    let lower = z.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "utc"
            | "etc/utc"
            | "gmt"
            | "etc/gmt"
            | "etc/uct"
            | "uct"
            | "etc/universal"
            | "universal"
            | "etc/zulu"
            | "zulu"
            | "z"
            | "etc/gmt0"
            | "etc/gmt+0"
            | "etc/gmt-0"
            | "gmt0"
    ) {
        return Some(0);
    }
    if let Some(rest) = lower.strip_prefix("etc/gmt") {
        // POSIX style: the sign is inverted, whole hours only, -14..=+12.
        let (sign, digits) = match rest.as_bytes().first()? {
            b'+' => (-1, &rest[1..]),
            b'-' => (1, &rest[1..]),
            _ => return None,
        };
        let hours: i64 = digits.parse().ok()?;
        return (hours <= 14 && digits.len() <= 2).then_some(sign * hours * NS_PER_HOUR);
    }
    let rest = lower.strip_prefix("utc").or_else(|| lower.strip_prefix("gmt")).unwrap_or(&lower);
    let (sign, body) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h, m),
        None if body.len() == 4 => body.split_at(2),
        None => (body, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * NS_PER_HOUR + m * NS_PER_MIN))
}

/// Shifts each datetime by the zone's offset times `direction` (+1 from UTC to local, -1 back).
fn shift(args: &Args, func: &str, direction: i64) -> Result<ArrayRef> {
    let from = times(args.arg(0), func)?;
    let zones = strs(args.arg(1), func)?;
    let mut memo: Option<(String, i64)> = None;
    let mut out = Vec::with_capacity(args.rows);
    for i in 0..args.rows {
        let Some(ns) = from.get(i) else {
            out.push(None);
            continue;
        };
        let zone = zones.str(i);
        let offset = match &memo {
            Some((z, off)) if z == zone => *off,
            _ => match fixed_offset(zone) {
                Some(off) => {
                    memo = Some((zone.to_string(), off));
                    off
                }
                None => {
                    return exec_err!(
                        "{func}(): time zone '{zone}' is not supported: Quarry has no time-zone database and \
                         accepts only UTC, Etc/GMT±N and fixed offsets such as '+05:30'"
                    );
                }
            },
        };
        out.push(ns.checked_add(direction * offset));
    }
    Ok(timestamp_array(out))
}

/// `kql_datetime_utc_to_local(datetime, timezone) -> datetime`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/datetime-utc-to-local-function>
pub fn kql_datetime_utc_to_local() -> ScalarUDF {
    udf("kql_datetime_utc_to_local", 2..=2, ret::datetime, |args: &Args| shift(args, "datetime_utc_to_local", 1))
        .build()
}

/// `kql_datetime_local_to_utc(datetime, timezone) -> datetime`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/datetime-local-to-utc-function>
pub fn kql_datetime_local_to_utc() -> ScalarUDF {
    udf("kql_datetime_local_to_utc", 2..=2, ret::datetime, |args: &Args| shift(args, "datetime_local_to_utc", -1))
        .build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Array, StringArray, TimestampNanosecondArray};
    use datafusion::common::ScalarValue;
    use datafusion::logical_expr::ColumnarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call, call_arrays, call_scalars, col, dt, s};

    const H: i64 = NS_PER_HOUR;

    #[test]
    fn fixed_offsets() {
        assert_eq!(fixed_offset("UTC"), Some(0));
        assert_eq!(fixed_offset("Etc/UTC"), Some(0));
        assert_eq!(fixed_offset("etc/gmt"), Some(0));
        assert_eq!(fixed_offset("Etc/GMT+5"), Some(-5 * H));
        assert_eq!(fixed_offset("Etc/GMT-14"), Some(14 * H));
        assert_eq!(fixed_offset("+05:30"), Some(5 * H + 30 * NS_PER_MIN));
        assert_eq!(fixed_offset("-0800"), Some(-8 * H));
        assert_eq!(fixed_offset("UTC+3"), Some(3 * H));
        assert_eq!(fixed_offset("UTC-04:30"), Some(-4 * H - 30 * NS_PER_MIN));
        for bad in ["US/Pacific", "Europe/Paris", "", "+25:00", "+05:60", "Etc/GMT+15", "UTC+", "+1:2:3", "+x"] {
            assert_eq!(fixed_offset(bad), None, "{bad}");
        }
    }

    #[test]
    fn converts_both_ways() {
        let noon = 1_580_644_800_000_000_000; // 2020-02-02 12:00:00
        let to_local = kql_datetime_utc_to_local();
        let to_utc = kql_datetime_local_to_utc();
        assert_eq!(call_scalars(&to_local, vec![dt(noon), s("UTC")]), dt(noon));
        assert_eq!(call_scalars(&to_local, vec![dt(noon), s("Etc/GMT+8")]), dt(noon - 8 * H));
        assert_eq!(call_scalars(&to_utc, vec![dt(noon - 8 * H), s("Etc/GMT+8")]), dt(noon));
        assert_eq!(call_scalars(&to_utc, vec![dt(noon), s("+01:00")]), dt(noon - H));
        assert_eq!(
            call_scalars(&to_local, vec![ScalarValue::TimestampNanosecond(None, None), s("UTC")]),
            ScalarValue::TimestampNanosecond(None, None)
        );
        // A zone that needs the database: a clear error naming it.
        let err = call(&to_local, vec![dt(noon).into(), s("US/Pacific").into()]).unwrap_err().to_string();
        assert!(err.contains("'US/Pacific' is not supported"), "{err}");
        // A null datetime needs no zone.
        assert!(
            call(&to_utc, vec![ScalarValue::TimestampNanosecond(None, None).into(), s("Mars/Base").into()]).is_ok()
        );
    }

    #[test]
    fn arrays() {
        let out = call_arrays(
            &kql_datetime_utc_to_local(),
            vec![
                col(TimestampNanosecondArray::from(vec![Some(0), None, Some(i64::MAX)])),
                ColumnarValue::Scalar(s("+01:00")),
            ],
        );
        let out = out.as_any().downcast_ref::<TimestampNanosecondArray>().unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(H), None, None]);
        let out = call_arrays(
            &kql_datetime_local_to_utc(),
            vec![ColumnarValue::Scalar(dt(0)), col(StringArray::from(vec!["UTC", "+02:00"]))],
        );
        let out = out.as_any().downcast_ref::<TimestampNanosecondArray>().unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(0), Some(-2 * H)]);
    }
}
