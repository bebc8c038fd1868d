//! Building datetimes and timespans from numbers. Invalid or null parts give null.
//!
//! - `make_datetime(year, month, day, [hour, [minute, [second]]])`:
//!   <https://learn.microsoft.com/en-us/kusto/query/make-datetime-function>; `second` may be a
//!   real (`0.1234567`); with one argument it converts like `todatetime()`.
//! - `make_timespan(hour, minute)`, `make_timespan(hour, minute, second)`,
//!   `make_timespan(day, hour, minute, second)`:
//!   <https://learn.microsoft.com/en-us/kusto/query/make-timespan-function>; hours 0 to 23,
//!   minutes 0 to 59, seconds 0 to below 60 (a real); with one argument it converts like
//!   `totimespan()`.
//! - `unixtime_seconds_todatetime(n)`, `unixtime_milliseconds_todatetime(n)`,
//!   `unixtime_microseconds_todatetime(n)`, `unixtime_nanoseconds_todatetime(n)`:
//!   <https://learn.microsoft.com/en-us/kusto/query/unixtime-seconds-todatetime-function> and
//!   its siblings; `n` may be a real; results are rounded to whole ticks (100 ns).

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int32Type, Int64Type};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::ScalarUDF;

use super::calendar::{
    NS_PER_DAY, NS_PER_HOUR, NS_PER_MICRO, NS_PER_MILLI, NS_PER_MIN, NS_PER_SEC, NS_PER_TICK, ns_from_parts,
};
use crate::functions::scalar::conversion::temporal::{to_datetime_array, to_timespan_array};
use crate::functions::scalar::conversion::udf::{Args, duration_array, ret, timestamp_array, udf};

/// Read access to a numeric argument as a real.
fn reals(a: &ArrayRef) -> Result<Vec<Option<f64>>> {
    Ok(match a.data_type() {
        DataType::Int32 => a.as_primitive::<Int32Type>().iter().map(|v| v.map(f64::from)).collect(),
        DataType::Int64 => a.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| v as f64)).collect(),
        DataType::Float64 => a.as_primitive::<Float64Type>().iter().collect(),
        DataType::Decimal128(_, s) => {
            let scale = 10f64.powi(i32::from(*s));
            a.as_primitive::<Decimal128Type>().iter().map(|v| v.map(|v| v as f64 / scale)).collect()
        }
        DataType::Null => vec![None; a.len()],
        other => return exec_err!("expected a number, got {other}"),
    })
}

/// A whole, finite number as `i64`.
fn whole(v: f64) -> Option<i64> {
    (v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

/// Seconds (a real, 0 to below 60) as whole ticks in nanoseconds.
fn seconds_ns(v: f64) -> Option<i64> {
    if !(0.0..60.0).contains(&v) {
        return None;
    }
    let ticks = (v * 1e7).round() as i64;
    Some(ticks * NS_PER_TICK)
}

/// `kql_make_datetime(year, month, day, [hour, [minute, [second]]]) -> Timestamp`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/make-datetime-function>
pub fn kql_make_datetime() -> ScalarUDF {
    udf("kql_make_datetime", 1..=6, ret::datetime, |args: &Args| {
        if args.len() == 1 {
            return to_datetime_array(args.arg(0));
        }
        if args.len() == 2 {
            return exec_err!("make_datetime(): expected year, month and day");
        }
        let cols = args.arrays.iter().map(reals).collect::<Result<Vec<_>>>()?;
        Ok(timestamp_array((0..args.rows).map(|i| {
            let get = |k: usize, default: f64| cols.get(k).map_or(Some(default), |c| c[i]);
            let (y, mo, d) = (whole(get(0, 0.0)?)?, whole(get(1, 0.0)?)?, whole(get(2, 0.0)?)?);
            let (h, mi) = (whole(get(3, 0.0)?)?, whole(get(4, 0.0)?)?);
            let sec = seconds_ns(get(5, 0.0)?)?;
            if !(0..=9999).contains(&y) || !(0..24).contains(&h) || !(0..60).contains(&mi) {
                return None;
            }
            let (mo, d) = (u32::try_from(mo).ok()?, u32::try_from(d).ok()?);
            ns_from_parts(y, mo, d, h as u32, mi as u32, 0, 0)?.checked_add(sec)
        })))
    })
    .build()
}

/// `kql_make_timespan(...) -> Duration`; see the module documentation for the forms.
///
/// <https://learn.microsoft.com/en-us/kusto/query/make-timespan-function>
pub fn kql_make_timespan() -> ScalarUDF {
    udf("kql_make_timespan", 1..=4, ret::timespan, |args: &Args| {
        if args.len() == 1 {
            return to_timespan_array(args.arg(0));
        }
        let cols = args.arrays.iter().map(reals).collect::<Result<Vec<_>>>()?;
        let with_days = args.len() == 4;
        Ok(duration_array((0..args.rows).map(|i| {
            let mut vals = cols.iter().map(|c| c[i]);
            let days = if with_days { whole(vals.next()??)? } else { 0 };
            let hours = whole(vals.next()??)?;
            let minutes = whole(vals.next()??)?;
            let seconds = match vals.next() {
                Some(v) => seconds_ns(v?)?,
                None => 0,
            };
            if days < 0 || !(0..24).contains(&hours) || !(0..60).contains(&minutes) {
                return None;
            }
            days.checked_mul(NS_PER_DAY)?.checked_add(hours * NS_PER_HOUR + minutes * NS_PER_MIN + seconds)
        })))
    })
    .build()
}

/// Epoch units to nanoseconds, rounded to whole ticks.
fn epoch(args: &Args, unit_ns: i64) -> Result<ArrayRef> {
    let a = args.arg(0);
    let to_ns = |v: i64| -> Option<i64> {
        let ns = i128::from(v) * i128::from(unit_ns);
        let ticks = ns.div_euclid(i128::from(NS_PER_TICK));
        i64::try_from(ticks * i128::from(NS_PER_TICK)).ok()
    };
    Ok(match a.data_type() {
        DataType::Int64 => timestamp_array(a.as_primitive::<Int64Type>().iter().map(|v| v.and_then(to_ns))),
        DataType::Int32 => {
            timestamp_array(a.as_primitive::<Int32Type>().iter().map(|v| v.and_then(|v| to_ns(i64::from(v)))))
        }
        _ => timestamp_array(reals(a)?.into_iter().map(|v| {
            let ticks = (v? * (unit_ns as f64 / NS_PER_TICK as f64)).round();
            (ticks.is_finite() && ticks.abs() < 9.2e16).then(|| ticks as i64 * NS_PER_TICK)
        })),
    })
}

/// `kql_unixtime_seconds_todatetime(number) -> Timestamp`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/unixtime-seconds-todatetime-function>
pub fn kql_unixtime_seconds_todatetime() -> ScalarUDF {
    udf("kql_unixtime_seconds_todatetime", 1..=1, ret::datetime, |a: &Args| epoch(a, NS_PER_SEC)).build()
}

/// `kql_unixtime_milliseconds_todatetime(number) -> Timestamp`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/unixtime-milliseconds-todatetime-function>
pub fn kql_unixtime_milliseconds_todatetime() -> ScalarUDF {
    udf("kql_unixtime_milliseconds_todatetime", 1..=1, ret::datetime, |a: &Args| epoch(a, NS_PER_MILLI)).build()
}

/// `kql_unixtime_microseconds_todatetime(number) -> Timestamp`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/unixtime-microseconds-todatetime-function>
pub fn kql_unixtime_microseconds_todatetime() -> ScalarUDF {
    udf("kql_unixtime_microseconds_todatetime", 1..=1, ret::datetime, |a: &Args| epoch(a, NS_PER_MICRO)).build()
}

/// `kql_unixtime_nanoseconds_todatetime(number) -> Timestamp`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/unixtime-nanoseconds-todatetime-function>
pub fn kql_unixtime_nanoseconds_todatetime() -> ScalarUDF {
    udf("kql_unixtime_nanoseconds_todatetime", 1..=1, ret::datetime, |a: &Args| epoch(a, 1)).build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Float64Array, Int64Array};
    use datafusion::arrow::datatypes::TimestampNanosecondType;
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, s, ts};

    fn i(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32, sec: u32, ns: u32) -> i64 {
        ns_from_parts(y, mo, d, h, mi, sec, ns).unwrap()
    }

    const NULL_DT: ScalarValue = ScalarValue::TimestampNanosecond(None, None);

    #[test]
    fn make_datetime_follows_the_reference() {
        let f = kql_make_datetime();
        // https://learn.microsoft.com/en-us/kusto/query/make-datetime-function examples.
        assert_eq!(call_scalars(&f, vec![i(2017), i(10), i(1)]), dt(at(2017, 10, 1, 0, 0, 0, 0)));
        assert_eq!(call_scalars(&f, vec![i(2017), i(10), i(1), i(12), i(10)]), dt(at(2017, 10, 1, 12, 10, 0, 0)));
        assert_eq!(
            call_scalars(&f, vec![i(2017), i(10), i(1), i(12), i(11), ScalarValue::Float64(Some(0.1234567))]),
            dt(at(2017, 10, 1, 12, 11, 0, 123_456_700))
        );
        assert_eq!(call_scalars(&f, vec![i(2017), i(13), i(1)]), NULL_DT);
        assert_eq!(call_scalars(&f, vec![i(2017), i(2), i(29)]), NULL_DT);
        assert_eq!(call_scalars(&f, vec![i(2017), i(1), i(1), i(24), i(0)]), NULL_DT);
        assert_eq!(call_scalars(&f, vec![i(2017), i(1), i(1), i(0), i(0), ScalarValue::Float64(Some(60.0))]), NULL_DT);
        assert_eq!(call_scalars(&f, vec![i(2017), ScalarValue::Int64(None), i(1)]), NULL_DT);
        assert_eq!(call_scalars(&f, vec![s("2017-10-01")]), dt(at(2017, 10, 1, 0, 0, 0, 0)));
    }

    #[test]
    fn make_timespan_follows_the_reference() {
        let f = kql_make_timespan();
        // https://learn.microsoft.com/en-us/kusto/query/make-timespan-function example.
        assert_eq!(
            call_scalars(&f, vec![i(1), i(12), i(30), ScalarValue::Float64(Some(55.123))]),
            ts(NS_PER_DAY + 12 * NS_PER_HOUR + 30 * NS_PER_MIN + 55_123_000_000)
        );
        assert_eq!(call_scalars(&f, vec![i(2), i(30)]), ts(2 * NS_PER_HOUR + 30 * NS_PER_MIN));
        assert_eq!(call_scalars(&f, vec![i(2), i(30), i(15)]), ts(2 * NS_PER_HOUR + 30 * NS_PER_MIN + 15 * NS_PER_SEC));
        assert_eq!(call_scalars(&f, vec![i(25), i(0)]), ScalarValue::DurationNanosecond(None));
        assert_eq!(call_scalars(&f, vec![i(1), ScalarValue::Int64(None)]), ScalarValue::DurationNanosecond(None));
        assert_eq!(call_scalars(&f, vec![s("1.00:00:00")]), ts(NS_PER_DAY));
    }

    #[test]
    fn unixtime_conversions() {
        // https://learn.microsoft.com/en-us/kusto/query/unixtime-seconds-todatetime-function example.
        assert_eq!(
            call_scalars(&kql_unixtime_seconds_todatetime(), vec![i(1_546_300_800)]),
            dt(at(2019, 1, 1, 0, 0, 0, 0))
        );
        assert_eq!(
            call_scalars(&kql_unixtime_seconds_todatetime(), vec![ScalarValue::Float64(Some(1.5))]),
            dt(1_500_000_000)
        );
        assert_eq!(
            call_scalars(&kql_unixtime_milliseconds_todatetime(), vec![i(1_546_300_800_000)]),
            dt(at(2019, 1, 1, 0, 0, 0, 0))
        );
        assert_eq!(call_scalars(&kql_unixtime_microseconds_todatetime(), vec![i(-1)]), dt(-1000));
        assert_eq!(
            call_scalars(&kql_unixtime_nanoseconds_todatetime(), vec![i(1_546_300_800_000_000_123)]),
            dt(at(2019, 1, 1, 0, 0, 0, 100))
        );
        assert_eq!(call_scalars(&kql_unixtime_seconds_todatetime(), vec![ScalarValue::Int64(None)]), NULL_DT);
        assert_eq!(call_scalars(&kql_unixtime_seconds_todatetime(), vec![i(i64::MAX)]), NULL_DT);
        assert_eq!(
            call_scalars(&kql_unixtime_seconds_todatetime(), vec![ScalarValue::Float64(Some(f64::NAN))]),
            NULL_DT
        );

        let out =
            call_arrays(&kql_unixtime_seconds_todatetime(), vec![col(Int64Array::from(vec![Some(0), None, Some(60)]))]);
        assert_eq!(
            out.as_primitive::<TimestampNanosecondType>().iter().collect::<Vec<_>>(),
            vec![Some(0), None, Some(60 * NS_PER_SEC)]
        );
        let out =
            call_arrays(&kql_unixtime_milliseconds_todatetime(), vec![col(Float64Array::from(vec![Some(1.5), None]))]);
        assert_eq!(
            out.as_primitive::<TimestampNanosecondType>().iter().collect::<Vec<_>>(),
            vec![Some(1_500_000), None]
        );
    }
}
