//! Datetime and timespan conversions; each gives null when the input cannot be converted.
//!
//! - `todatetime(value)`: <https://learn.microsoft.com/en-us/kusto/query/todatetime-function>,
//!   formats from <https://learn.microsoft.com/en-us/kusto/query/scalar-data-types/datetime>:
//!   ISO 8601, RFC 822, RFC 850 and the sortable form; numbers are Kusto ticks.
//! - `totimespan(value)`: <https://learn.microsoft.com/en-us/kusto/query/totimespan-function>:
//!   `[-][d.]hh:mm[:ss[.fffffff]]`, whole days (`"2"`), and literal forms such as `5d`, `1.5h`,
//!   `100ms`, `1tick` (<https://learn.microsoft.com/en-us/kusto/query/scalar-data-types/timespan>);
//!   numbers are ticks.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type, TimeUnit};
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::numbers::ticks_to_datetime;
use super::text::{parse_datetime, parse_timespan, real_to_long};
use super::udf::{duration_array, ret, strs, timestamp_array, udf};
use crate::functions::scalar::datetime::calendar::NS_PER_TICK;
use crate::functions::scalar::dynamic::json::{Json, parse_dynamic_text};

/// `kql_todatetime(any) -> Timestamp(ns)`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/todatetime-function>
pub fn kql_todatetime() -> ScalarUDF {
    udf("kql_todatetime", 1..=1, ret::datetime, |a| to_datetime_array(a.arg(0))).build()
}

/// `kql_totimespan(any) -> Duration(ns)`, also as `kql_totime` (deprecated alias).
///
/// <https://learn.microsoft.com/en-us/kusto/query/totimespan-function>
pub fn kql_totimespan() -> Vec<ScalarUDF> {
    udf("kql_totimespan", 1..=1, ret::timespan, |a| to_timespan_array(a.arg(0))).build_with_aliases(&["kql_totime"])
}

/// Integer-valued input of any numeric carrier, as ticks.
fn ticks_of(a: &ArrayRef) -> Option<Vec<Option<i64>>> {
    Some(match a.data_type() {
        DataType::Int32 => a.as_primitive::<Int32Type>().iter().map(|v| v.map(i64::from)).collect(),
        DataType::Int64 => a.as_primitive::<Int64Type>().iter().collect(),
        DataType::Float64 => a.as_primitive::<Float64Type>().iter().map(|v| v.and_then(real_to_long)).collect(),
        _ => return None,
    })
}

/// `todatetime` over an array.
pub(crate) fn to_datetime_array(a: &ArrayRef) -> Result<ArrayRef> {
    let n = a.len();
    if let DataType::Timestamp(TimeUnit::Nanosecond, None) = a.data_type() {
        return Ok(Arc::clone(a));
    }
    if let DataType::Timestamp(..) = a.data_type() {
        return Ok(datafusion::arrow::compute::cast(a, &DataType::Timestamp(TimeUnit::Nanosecond, None))?);
    }
    if let Some(ticks) = ticks_of(a) {
        return Ok(timestamp_array(ticks.into_iter().map(|t| t.and_then(ticks_to_datetime))));
    }
    Ok(match a.data_type() {
        DataType::Utf8 | DataType::Utf8View => {
            let s = strs(a, "todatetime")?;
            timestamp_array((0..n).map(|i| s.get(i).and_then(parse_datetime)))
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            timestamp_array((0..n).map(|i| {
                if s.is_null(i) {
                    return None;
                }
                match parse_dynamic_text(s.value(i)) {
                    Json::Str(t) => parse_datetime(&t),
                    Json::Int(t) => ticks_to_datetime(t),
                    _ => None,
                }
            }))
        }
        _ => timestamp_array((0..n).map(|_| None)),
    })
}

/// `totimespan` over an array.
pub(crate) fn to_timespan_array(a: &ArrayRef) -> Result<ArrayRef> {
    let n = a.len();
    if let DataType::Duration(TimeUnit::Nanosecond) = a.data_type() {
        return Ok(Arc::clone(a));
    }
    if let Some(ticks) = ticks_of(a) {
        return Ok(duration_array(ticks.into_iter().map(|t| t.and_then(|t| t.checked_mul(NS_PER_TICK)))));
    }
    Ok(match a.data_type() {
        DataType::Utf8 | DataType::Utf8View => {
            let s = strs(a, "totimespan")?;
            duration_array((0..n).map(|i| s.get(i).and_then(parse_timespan)))
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            duration_array((0..n).map(|i| {
                if s.is_null(i) {
                    return None;
                }
                match parse_dynamic_text(s.value(i)) {
                    Json::Str(t) => parse_timespan(&t),
                    Json::Int(t) => t.checked_mul(NS_PER_TICK),
                    Json::Real(r) => real_to_long(r).and_then(|t| t.checked_mul(NS_PER_TICK)),
                    _ => None,
                }
            }))
        }
        _ => duration_array((0..n).map(|_| None)),
    })
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::StringArray;
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, dy, s, ts};
    use crate::functions::scalar::datetime::calendar::{NS_PER_MIN, NS_PER_SEC, ns_from_parts};

    #[test]
    fn todatetime_reads_documented_text() {
        let f = kql_todatetime();
        let d = |v| call_scalars(&f, vec![v]);
        // https://learn.microsoft.com/en-us/kusto/query/todatetime-function examples.
        let want = ns_from_parts(2015, 12, 31, 23, 59, 59, 900_000_000).unwrap();
        assert_eq!(d(s("2015-12-31 23:59:59.9")), dt(want));
        assert_eq!(d(s("12-02-2022")), dt(ns_from_parts(2022, 12, 2, 0, 0, 0, 0).unwrap()));
        assert_eq!(d(s("2014-05-25T08:20:03.123456Z")), dt(ns_from_parts(2014, 5, 25, 8, 20, 3, 123_456_000).unwrap()));
        assert_eq!(d(dy("\"2014-11-08\"")), dt(ns_from_parts(2014, 11, 8, 0, 0, 0, 0).unwrap()));
        assert_eq!(d(s("garbage")), ScalarValue::TimestampNanosecond(None, None));
        assert_eq!(d(s("")), ScalarValue::TimestampNanosecond(None, None));
        assert_eq!(d(ScalarValue::Utf8(None)), ScalarValue::TimestampNanosecond(None, None));
        assert_eq!(d(dt(5)), dt(5));
        assert_eq!(d(ScalarValue::Int64(Some(621_355_968_000_000_000))), dt(0));
    }

    #[test]
    fn totimespan_reads_documented_text() {
        for f in kql_totimespan() {
            let t = |v| call_scalars(&f, vec![v]);
            // https://learn.microsoft.com/en-us/kusto/query/totimespan-function example.
            assert_eq!(t(s("0.00:01:00")), ts(NS_PER_MIN));
            assert_eq!(t(s("5d")), ts(5 * 24 * 60 * NS_PER_MIN));
            assert_eq!(t(dy("\"00:00:02\"")), ts(2 * NS_PER_SEC));
            assert_eq!(t(ScalarValue::Int64(Some(10_000_000))), ts(NS_PER_SEC));
            assert_eq!(t(s("nope")), ScalarValue::DurationNanosecond(None));
            assert_eq!(t(s("")), ScalarValue::DurationNanosecond(None));
            assert_eq!(t(ScalarValue::Int64(None)), ScalarValue::DurationNanosecond(None));
        }
    }

    #[test]
    fn arrays() {
        let out = call_arrays(
            &kql_todatetime(),
            vec![col(StringArray::from(vec![Some("1970-01-01T00:00:01Z"), None, Some("x")]))],
        );
        let out = out.as_primitive::<datafusion::arrow::datatypes::TimestampNanosecondType>();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(NS_PER_SEC), None, None]);
    }
}
