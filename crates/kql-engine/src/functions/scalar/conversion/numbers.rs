//! Numeric conversions; each gives null when the input cannot be converted.
//!
//! - `toint(value)`: <https://learn.microsoft.com/en-us/kusto/query/toint-function>
//! - `tolong(value)`: <https://learn.microsoft.com/en-us/kusto/query/tolong-function>
//! - `toreal(value)`, alias `todouble`: <https://learn.microsoft.com/en-us/kusto/query/toreal-function>
//! - `todecimal(value)`: <https://learn.microsoft.com/en-us/kusto/query/todecimal-function>
//!
//! Reals are truncated toward zero (`toint(2.3) == 2`); text is parsed (`"123"`; text holding a
//! real is read as that real, truncated); bools give 1 or 0; datetimes give their Kusto ticks
//! (100 ns units since 0001-01-01) and timespans their ticks; dynamic values convert their
//! number, bool or string. A value out of the target's range gives null.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int32Array, Int64Array};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int32Type, Int64Type, TimeUnit};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::ScalarUDF;

use super::text::{parse_decimal, parse_long, parse_real, real_to_decimal, real_to_long};
use super::udf::{Args, decimal_array, ret, spans, strs, times, udf};
use crate::functions::scalar::datetime::calendar::{DAYS_0001_TO_1970, NS_PER_DAY, NS_PER_TICK};
use crate::functions::scalar::dynamic::json::{Json, parse_dynamic_text};

/// `kql_toint(any) -> Int32`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/toint-function>
pub fn kql_toint() -> ScalarUDF {
    udf("kql_toint", 1..=1, ret::int, |a| to_int_array(a.arg(0))).build()
}

/// `kql_tolong(any) -> Int64`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/tolong-function>
pub fn kql_tolong() -> ScalarUDF {
    udf("kql_tolong", 1..=1, ret::long, |a| to_long_array(a.arg(0))).build()
}

/// `kql_toreal(any) -> Float64`, also as `kql_todouble`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/toreal-function>
pub fn kql_toreal() -> Vec<ScalarUDF> {
    udf("kql_toreal", 1..=1, ret::real, |a: &Args| to_real_array(a.arg(0))).build_with_aliases(&["kql_todouble"])
}

/// `kql_todecimal(any) -> Decimal128(38, 18)`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/todecimal-function>
pub fn kql_todecimal() -> ScalarUDF {
    udf("kql_todecimal", 1..=1, ret::decimal, |a| to_decimal_array(a.arg(0))).build()
}

/// Kusto ticks (100 ns since 0001-01-01) of a datetime given in Unix nanoseconds.
pub(crate) fn datetime_ticks(ns: i64) -> i64 {
    ns.div_euclid(NS_PER_TICK) + DAYS_0001_TO_1970 * (NS_PER_DAY / NS_PER_TICK)
}

/// Unix nanoseconds of a datetime given in Kusto ticks, `None` when out of range.
pub(crate) fn ticks_to_datetime(ticks: i64) -> Option<i64> {
    ticks.checked_sub(DAYS_0001_TO_1970 * (NS_PER_DAY / NS_PER_TICK))?.checked_mul(NS_PER_TICK)
}

/// A number read from dynamic JSON, as the long `tolong` gives.
fn json_to_long(v: &Json) -> Option<i64> {
    match v {
        Json::Int(i) => Some(*i),
        Json::Real(r) => real_to_long(*r),
        Json::Bool(b) => Some(i64::from(*b)),
        Json::Str(s) => parse_long(s),
        _ => None,
    }
}

fn json_to_real(v: &Json) -> Option<f64> {
    match v {
        Json::Int(i) => Some(*i as f64),
        Json::Real(r) => Some(*r),
        Json::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Json::Str(s) => parse_real(s),
        _ => None,
    }
}

fn json_to_decimal(v: &Json) -> Option<i128> {
    match v {
        Json::Int(i) => i128::from(*i).checked_mul(DEC_ONE),
        Json::Real(r) => real_to_decimal(*r),
        Json::Bool(b) => Some(if *b { DEC_ONE } else { 0 }),
        Json::Str(s) => parse_decimal(s),
        _ => None,
    }
}

/// 1 in decimal(38, 18).
const DEC_ONE: i128 = 1_000_000_000_000_000_000;

/// Rescales a decimal of scale `scale` to scale 18, `None` on overflow.
fn rescale(v: i128, scale: i8) -> Option<i128> {
    let diff = 18 - i32::from(scale);
    if diff >= 0 {
        v.checked_mul(10i128.checked_pow(diff as u32)?)
    } else {
        Some(v / 10i128.checked_pow((-diff) as u32)?)
    }
}

/// The integer part of a decimal of scale `scale`.
fn decimal_trunc(v: i128, scale: i8) -> Option<i64> {
    let int = if scale >= 0 {
        v / 10i128.checked_pow(scale as u32)?
    } else {
        v.checked_mul(10i128.checked_pow((-scale) as u32)?)?
    };
    i64::try_from(int).ok()
}

/// `tolong` over an array.
pub(crate) fn to_long_array(a: &ArrayRef) -> Result<ArrayRef> {
    let n = a.len();
    let out: Int64Array = match a.data_type() {
        DataType::Int64 => return Ok(Arc::clone(a)),
        DataType::Null => Int64Array::new_null(n),
        DataType::Int32 => a.as_primitive::<Int32Type>().iter().map(|v| v.map(i64::from)).collect(),
        DataType::Float64 => a.as_primitive::<Float64Type>().iter().map(|v| v.and_then(real_to_long)).collect(),
        DataType::Decimal128(_, s) => {
            a.as_primitive::<Decimal128Type>().iter().map(|v| v.and_then(|v| decimal_trunc(v, *s))).collect()
        }
        DataType::Boolean => a.as_boolean().iter().map(|v| v.map(i64::from)).collect(),
        DataType::Utf8 | DataType::Utf8View => {
            let s = strs(a, "tolong")?;
            (0..n).map(|i| s.get(i).and_then(parse_long)).collect()
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            (0..n).map(|i| if s.is_null(i) { None } else { json_to_long(&parse_dynamic_text(s.value(i))) }).collect()
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            let t = times(a, "tolong")?;
            (0..n).map(|i| t.get(i).map(datetime_ticks)).collect()
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            let d = spans(a, "tolong")?;
            (0..n).map(|i| d.get(i).map(|v| v / NS_PER_TICK)).collect()
        }
        _ => (0..n).map(|i| scalar_fallback(a, i).and_then(|t| parse_long(&t))).collect(),
    };
    Ok(Arc::new(out))
}

/// Other Arrow types: through their text.
fn scalar_fallback(a: &ArrayRef, i: usize) -> Option<String> {
    match ScalarValue::try_from_array(a, i) {
        Ok(v) if !v.is_null() => Some(v.to_string()),
        _ => None,
    }
}

/// `toint` over an array: `tolong`, then null when out of the 32-bit range.
pub(crate) fn to_int_array(a: &ArrayRef) -> Result<ArrayRef> {
    if a.data_type() == &DataType::Int32 {
        return Ok(Arc::clone(a));
    }
    let longs = to_long_array(a)?;
    let out: Int32Array =
        longs.as_primitive::<Int64Type>().iter().map(|v| v.and_then(|v| i32::try_from(v).ok())).collect();
    Ok(Arc::new(out))
}

/// `toreal` over an array.
pub(crate) fn to_real_array(a: &ArrayRef) -> Result<ArrayRef> {
    let n = a.len();
    let out: Float64Array = match a.data_type() {
        DataType::Float64 => return Ok(Arc::clone(a)),
        DataType::Null => Float64Array::new_null(n),
        DataType::Int32 => a.as_primitive::<Int32Type>().iter().map(|v| v.map(f64::from)).collect(),
        DataType::Int64 => a.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| v as f64)).collect(),
        DataType::Decimal128(_, s) => {
            let s = *s;
            a.as_primitive::<Decimal128Type>()
                .iter()
                .map(|v| v.and_then(|v| super::text::fmt_decimal(v, s).parse::<f64>().ok()))
                .collect()
        }
        DataType::Boolean => a.as_boolean().iter().map(|v| v.map(|b| if b { 1.0 } else { 0.0 })).collect(),
        DataType::Utf8 | DataType::Utf8View => {
            let s = strs(a, "toreal")?;
            (0..n).map(|i| s.get(i).and_then(parse_real)).collect()
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            (0..n).map(|i| if s.is_null(i) { None } else { json_to_real(&parse_dynamic_text(s.value(i))) }).collect()
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            let t = times(a, "toreal")?;
            (0..n).map(|i| t.get(i).map(|v| datetime_ticks(v) as f64)).collect()
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            let d = spans(a, "toreal")?;
            (0..n).map(|i| d.get(i).map(|v| (v / NS_PER_TICK) as f64)).collect()
        }
        _ => (0..n).map(|i| scalar_fallback(a, i).and_then(|t| parse_real(&t))).collect(),
    };
    Ok(Arc::new(out))
}

/// `todecimal` over an array.
pub(crate) fn to_decimal_array(a: &ArrayRef) -> Result<ArrayRef> {
    let n = a.len();
    let values: Vec<Option<i128>> = match a.data_type() {
        DataType::Null => vec![None; n],
        DataType::Int32 => a.as_primitive::<Int32Type>().iter().map(|v| v.map(|v| i128::from(v) * DEC_ONE)).collect(),
        DataType::Int64 => a.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| i128::from(v) * DEC_ONE)).collect(),
        DataType::Float64 => a.as_primitive::<Float64Type>().iter().map(|v| v.and_then(real_to_decimal)).collect(),
        DataType::Decimal128(_, s) => {
            a.as_primitive::<Decimal128Type>().iter().map(|v| v.and_then(|v| rescale(v, *s))).collect()
        }
        DataType::Boolean => a.as_boolean().iter().map(|v| v.map(|b| if b { DEC_ONE } else { 0 })).collect(),
        DataType::Utf8 | DataType::Utf8View => {
            let s = strs(a, "todecimal")?;
            (0..n).map(|i| s.get(i).and_then(parse_decimal)).collect()
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            (0..n).map(|i| if s.is_null(i) { None } else { json_to_decimal(&parse_dynamic_text(s.value(i))) }).collect()
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            let t = times(a, "todecimal")?;
            (0..n).map(|i| t.get(i).map(|v| i128::from(datetime_ticks(v)) * DEC_ONE)).collect()
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            let d = spans(a, "todecimal")?;
            (0..n).map(|i| d.get(i).map(|v| i128::from(v / NS_PER_TICK) * DEC_ONE)).collect()
        }
        _ => (0..n).map(|i| scalar_fallback(a, i).and_then(|t| parse_decimal(&t))).collect(),
    };
    decimal_array(values)
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{LargeStringArray, StringArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, dy, s, ts};
    use crate::functions::scalar::datetime::calendar::NS_PER_SEC;

    fn one(f: &ScalarUDF, v: ScalarValue) -> ScalarValue {
        call_scalars(f, vec![v])
    }

    #[test]
    fn toint_follows_the_reference() {
        let f = kql_toint();
        // https://learn.microsoft.com/en-us/kusto/query/toint-function examples.
        assert_eq!(one(&f, s("123")), ScalarValue::Int32(Some(123)));
        assert_eq!(one(&f, ScalarValue::Float64(Some(2.3))), ScalarValue::Int32(Some(2)));
        assert_eq!(one(&f, ScalarValue::Float64(Some(-2.7))), ScalarValue::Int32(Some(-2)));
        assert_eq!(one(&f, s("abc")), ScalarValue::Int32(None));
        assert_eq!(one(&f, s("")), ScalarValue::Int32(None));
        assert_eq!(one(&f, ScalarValue::Int64(Some(1 << 40))), ScalarValue::Int32(None));
        assert_eq!(one(&f, ScalarValue::Int64(None)), ScalarValue::Int32(None));
        assert_eq!(one(&f, ScalarValue::Boolean(Some(true))), ScalarValue::Int32(Some(1)));
        assert_eq!(one(&f, dy("42")), ScalarValue::Int32(Some(42)));
        assert_eq!(one(&f, dy("\"42\"")), ScalarValue::Int32(Some(42)));
    }

    #[test]
    fn tolong_of_text_numbers_and_time() {
        let f = kql_tolong();
        // https://learn.microsoft.com/en-us/kusto/query/coalesce-function: tolong("not a number") is null.
        assert_eq!(one(&f, s("not a number")), ScalarValue::Int64(None));
        assert_eq!(one(&f, s("42")), ScalarValue::Int64(Some(42)));
        assert_eq!(one(&f, s(" -17 ")), ScalarValue::Int64(Some(-17)));
        assert_eq!(one(&f, ScalarValue::Float64(Some(f64::NAN))), ScalarValue::Int64(None));
        assert_eq!(one(&f, ScalarValue::Float64(Some(1e300))), ScalarValue::Int64(None));
        // datetime(1970-01-01) is 621355968000000000 ticks.
        assert_eq!(one(&f, dt(0)), ScalarValue::Int64(Some(621_355_968_000_000_000)));
        assert_eq!(one(&f, ts(NS_PER_SEC)), ScalarValue::Int64(Some(10_000_000)));
        assert_eq!(
            one(&f, ScalarValue::Decimal128(Some(-2_500_000_000_000_000_000), 38, 18)),
            ScalarValue::Int64(Some(-2))
        );
        assert_eq!(one(&f, dy("{}")), ScalarValue::Int64(None));
        assert_eq!(one(&f, ScalarValue::LargeUtf8(None)), ScalarValue::Int64(None));
    }

    #[test]
    fn toreal_and_todouble() {
        let fs = kql_toreal();
        assert_eq!(fs.iter().map(|f| f.name().to_string()).collect::<Vec<_>>(), ["kql_toreal", "kql_todouble"]);
        for f in &fs {
            // https://learn.microsoft.com/en-us/kusto/query/toreal-function: todouble("123.4") == 123.4.
            assert_eq!(one(f, s("123.4")), ScalarValue::Float64(Some(123.4)));
            assert_eq!(one(f, s("x")), ScalarValue::Float64(None));
            assert_eq!(one(f, ScalarValue::Int32(Some(3))), ScalarValue::Float64(Some(3.0)));
            assert_eq!(one(f, dy("1.5")), ScalarValue::Float64(Some(1.5)));
            assert_eq!(one(f, ScalarValue::Utf8(None)), ScalarValue::Float64(None));
        }
    }

    #[test]
    fn todecimal_is_exact() {
        let f = kql_todecimal();
        // https://learn.microsoft.com/en-us/kusto/query/todecimal-function: "123.45678".
        assert_eq!(one(&f, s("123.45678")), ScalarValue::Decimal128(Some(123_456_780_000_000_000_000), 38, 18));
        assert_eq!(
            one(&f, ScalarValue::Float64(Some(0.1))),
            ScalarValue::Decimal128(Some(100_000_000_000_000_000), 38, 18)
        );
        assert_eq!(one(&f, ScalarValue::Int64(Some(-3))), ScalarValue::Decimal128(Some(-3 * DEC_ONE), 38, 18));
        assert_eq!(one(&f, s("bad")), ScalarValue::Decimal128(None, 38, 18));
        assert_eq!(one(&f, s("")), ScalarValue::Decimal128(None, 38, 18));
    }

    #[test]
    fn arrays_with_nulls() {
        let out = call_arrays(&kql_tolong(), vec![col(StringArray::from(vec![Some("1"), None, Some("x"), Some("9")]))]);
        let out = out.as_primitive::<Int64Type>();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(1), None, None, Some(9)]);
        let out = call_arrays(&kql_toint(), vec![col(LargeStringArray::from(vec![Some("7"), Some("null"), None]))]);
        assert_eq!(out.as_primitive::<Int32Type>().iter().collect::<Vec<_>>(), vec![Some(7), None, None]);
    }

    #[test]
    fn ticks_round_trip() {
        assert_eq!(ticks_to_datetime(datetime_ticks(123_456_700)), Some(123_456_700));
        assert_eq!(ticks_to_datetime(i64::MAX), None);
    }
}
