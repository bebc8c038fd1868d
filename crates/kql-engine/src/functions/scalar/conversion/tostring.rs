//! `tostring(value)`: <https://learn.microsoft.com/en-us/kusto/query/tostring-function>
//!
//! The string form of any scalar; null becomes the empty string (Kusto strings are never null).
//! Datetimes print as ISO 8601 UTC with up to seven trimmed fractional digits, timespans as
//! `[-][d.]hh:mm:ss[.fffffff]`, reals as Kusto prints them (`1`, `0.5`, `1E+20`), bools as
//! `true`/`false`, and dynamic values as their JSON text, except that a JSON string gives its
//! own text without quotes.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int32Type, Int64Type, TimeUnit};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::ScalarUDF;

use super::text::{fmt_decimal, fmt_real, fmt_timespan};
use super::udf::{Args, Spans, Times, ret, spans, strs, times, udf};
use crate::functions::scalar::dynamic::json::Json;

/// `kql_tostring(any) -> Utf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/tostring-function>
pub fn kql_tostring() -> ScalarUDF {
    udf("kql_tostring", 1..=1, ret::utf8, eval).build()
}

fn eval(args: &Args) -> Result<ArrayRef> {
    to_string_array(args.arg(0))
}

/// `strings` with each null read as `""`, sharing the text buffers: the array itself when it
/// has no null, or the same offsets and bytes without the null mask when every null slot is
/// empty (as Arrow's builders and readers leave them). Only otherwise is the text copied.
fn nulls_as_empty(strings: &StringArray) -> ArrayRef {
    let Some(nulls) = strings.nulls().filter(|n| n.null_count() > 0) else {
        return Arc::new(strings.clone());
    };
    let offsets = strings.offsets();
    if (0..strings.len()).all(|i| nulls.is_valid(i) || offsets[i] == offsets[i + 1]) {
        return Arc::new(StringArray::new(offsets.clone(), strings.values().clone(), None));
    }
    Arc::new(
        (0..strings.len())
            .map(|i| Some(if strings.is_null(i) { "" } else { strings.value(i) }))
            .collect::<StringArray>(),
    )
}

/// Every value of `a` in its Kusto string form; never null.
pub(crate) fn to_string_array(a: &ArrayRef) -> Result<ArrayRef> {
    let n = a.len();
    let out: StringArray = match a.data_type() {
        DataType::Null => (0..n).map(|_| Some("")).collect(),
        DataType::Utf8 => return Ok(nulls_as_empty(a.as_string::<i32>())),
        DataType::Utf8View => {
            let s = strs(a, "tostring")?;
            (0..n).map(|i| Some(s.str(i))).collect()
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            (0..n).map(|i| Some(if s.is_null(i) { String::new() } else { dynamic_to_string(s.value(i)) })).collect()
        }
        DataType::Boolean => {
            let b = a.as_boolean();
            (0..n)
                .map(|i| {
                    Some(if b.is_null(i) {
                        ""
                    } else if b.value(i) {
                        "true"
                    } else {
                        "false"
                    })
                })
                .collect()
        }
        DataType::Int32 => map_prim(a.as_primitive::<Int32Type>(), |v| v.to_string()),
        DataType::Int64 => map_prim(a.as_primitive::<Int64Type>(), |v| v.to_string()),
        DataType::Float64 => map_prim(a.as_primitive::<Float64Type>(), fmt_real),
        DataType::Decimal128(_, scale) => {
            let scale = *scale;
            map_prim(a.as_primitive::<Decimal128Type>(), |v| fmt_decimal(v, scale))
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            let t: Times = times(a, "tostring")?;
            // Kusto's string form of a datetime always has seven fractional digits
            // (`2017-10-15T12:00:00.0000000Z`, as the reverse() and hash_sha256() pages show),
            // the same form strcat() writes.
            let full = |ns: i64| {
                let mut text = String::with_capacity(28);
                crate::functions::scalar::string::format::write_datetime(&mut text, ns);
                text
            };
            (0..n).map(|i| Some(t.get(i).map(full).unwrap_or_default())).collect()
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            let d: Spans = spans(a, "tostring")?;
            (0..n).map(|i| Some(d.get(i).map(fmt_timespan).unwrap_or_default())).collect()
        }
        _ => (0..n)
            .map(|i| {
                Some(match ScalarValue::try_from_array(a, i) {
                    Ok(v) if !v.is_null() => v.to_string(),
                    _ => String::new(),
                })
            })
            .collect(),
    };
    Ok(Arc::new(out))
}

fn map_prim<T: datafusion::arrow::datatypes::ArrowPrimitiveType>(
    a: &datafusion::arrow::array::PrimitiveArray<T>,
    f: impl Fn(T::Native) -> String,
) -> StringArray {
    (0..a.len()).map(|i| Some(if a.is_null(i) { String::new() } else { f(a.value(i)) })).collect()
}

/// The string form of dynamic JSON text: a JSON string's own text, `""` for null, compact JSON
/// for anything else. Text that is not valid JSON is returned as it is.
pub(crate) fn dynamic_to_string(text: &str) -> String {
    match Json::parse(text) {
        Some(v) => v.to_kusto_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{BooleanArray, Float64Array, Int64Array, LargeStringArray, StringArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, dy, s, ts};
    use crate::functions::scalar::datetime::calendar::{NS_PER_DAY, NS_PER_SEC, ns_from_parts};

    fn tostring(v: ScalarValue) -> String {
        match call_scalars(&kql_tostring(), vec![v]) {
            ScalarValue::Utf8(Some(s)) => s,
            other => panic!("not a non-null string: {other:?}"),
        }
    }

    #[test]
    fn scalars_of_every_type() {
        // https://learn.microsoft.com/en-us/kusto/query/tostring-function: tostring(123) == "123".
        assert_eq!(tostring(ScalarValue::Int64(Some(123))), "123");
        assert_eq!(tostring(ScalarValue::Int32(Some(-7))), "-7");
        assert_eq!(tostring(ScalarValue::Float64(Some(1.0))), "1");
        assert_eq!(tostring(ScalarValue::Float64(Some(2.5))), "2.5");
        assert_eq!(tostring(ScalarValue::Boolean(Some(true))), "true");
        assert_eq!(tostring(s("abc")), "abc");
        let when = ns_from_parts(2015, 12, 31, 23, 59, 59, 900_000_000).unwrap();
        // Seven fractional digits, the same text strcat() gives (see the reverse() docs example).
        assert_eq!(tostring(dt(when)), "2015-12-31T23:59:59.9000000Z");
        assert_eq!(tostring(ts(NS_PER_DAY + NS_PER_SEC / 2)), "1.00:00:00.5000000");
        assert_eq!(tostring(ScalarValue::Decimal128(Some(1_500_000_000_000_000_000), 38, 18)), "1.5");
    }

    #[test]
    fn nulls_become_empty_strings() {
        assert_eq!(tostring(ScalarValue::Int64(None)), "");
        assert_eq!(tostring(ScalarValue::Null), "");
        assert_eq!(tostring(ScalarValue::Utf8(None)), "");
        assert_eq!(tostring(ScalarValue::LargeUtf8(None)), "");
        assert_eq!(tostring(ScalarValue::TimestampNanosecond(None, None)), "");
        assert_eq!(tostring(dy("null")), "");
        assert_eq!(tostring(s("")), "");
    }

    #[test]
    fn dynamic_values() {
        assert_eq!(tostring(dy(r#""text""#)), "text");
        assert_eq!(tostring(dy(r#""a\"b""#)), "a\"b");
        assert_eq!(tostring(dy("118.0")), "118");
        assert_eq!(tostring(dy(r#"{ "a" : [1, 2.0] }"#)), r#"{"a":[1,2]}"#);
        assert_eq!(tostring(dy("true")), "true");
        // https://learn.microsoft.com/en-us/kusto/query/parse-json-function nested JSON example.
        assert_eq!(tostring(dy(r#""{\"c\":456}""#)), r#"{"c":456}"#);
    }

    #[test]
    fn arrays() {
        let out = call_arrays(&kql_tostring(), vec![col(Int64Array::from(vec![Some(1), None, Some(-3)]))]);
        let out = out.as_string::<i32>();
        assert_eq!(out.null_count(), 0);
        assert_eq!((out.value(0), out.value(1), out.value(2)), ("1", "", "-3"));

        let out = call_arrays(&kql_tostring(), vec![col(Float64Array::from(vec![Some(0.1), Some(f64::NAN), None]))]);
        let out = out.as_string::<i32>();
        assert_eq!((out.value(0), out.value(1), out.value(2)), ("0.1", "NaN", ""));

        let out = call_arrays(&kql_tostring(), vec![col(BooleanArray::from(vec![Some(false), None]))]);
        assert_eq!(out.as_string::<i32>().value(0), "false");

        let out = call_arrays(&kql_tostring(), vec![col(StringArray::from(vec![Some("x"), None]))]);
        assert_eq!((out.as_string::<i32>().value(0), out.as_string::<i32>().value(1)), ("x", ""));

        let out = call_arrays(&kql_tostring(), vec![col(LargeStringArray::from(vec![Some("[1,\"a\"]"), None]))]);
        assert_eq!(out.as_string::<i32>().value(0), "[1,\"a\"]");
        assert_eq!(out.as_string::<i32>().value(1), "");
    }
}
