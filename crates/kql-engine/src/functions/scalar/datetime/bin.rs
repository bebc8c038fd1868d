//! Rounding down to bins.
//!
//! - `bin(value, roundTo)`: <https://learn.microsoft.com/en-us/kusto/query/bin-function>
//! - `bin_at(value, bin_size, fixed_point)`: <https://learn.microsoft.com/en-us/kusto/query/bin-at-function>
//!
//! Values round toward minus infinity to a multiple of the bin size (`bin(-1, 10) == -10`).
//! Numbers give the widest numeric argument type, `int` widened to `long`; timespans give a
//! timespan; datetimes give a datetime, with `bin` aligned to the Unix epoch (1970-01-01) and
//! `bin_at` aligned to its fixed point. For timespans and datetimes a numeric bin size counts
//! ticks (100 ns). A null value, a null bin size, or a bin size that is zero or negative gives
//! null.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type, TimeUnit};
use datafusion::common::{Result, exec_err, plan_err};
use datafusion::logical_expr::ScalarUDF;

use crate::functions::scalar::conversion::udf::{
    Args, decimal_array, duration_array, is_numeric, normalize, spans, times, timestamp_array, udf, wider_number,
};
use crate::functions::scalar::datetime::calendar::NS_PER_TICK;

/// `kql_bin(value, roundTo) -> long | real | decimal | timespan | datetime`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/bin-function>
pub fn kql_bin() -> ScalarUDF {
    udf("kql_bin", 2..=2, return_type, |args: &Args| binned(args, None)).coerce(coerce).build()
}

/// `kql_bin_at(value, bin_size, fixed_point) -> long | real | decimal | timespan | datetime`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/bin-at-function>
pub fn kql_bin_at() -> ScalarUDF {
    udf("kql_bin_at", 3..=3, return_type, |args: &Args| binned(args, Some(args.arg(2)))).coerce(coerce).build()
}

fn is_time(t: &DataType) -> bool {
    matches!(normalize(t), DataType::Timestamp(..) | DataType::Duration(_))
}

/// Numbers are widened to one type; time values keep theirs.
fn coerce(types: &[DataType]) -> Result<Vec<DataType>> {
    let value = normalize(&types[0]);
    if is_time(&value) {
        let size = normalize(&types[1]);
        if !(is_numeric(&size) || matches!(size, DataType::Duration(_) | DataType::Null)) {
            return plan_err!("bin(): the bin size of a {value} must be a timespan, got {size}");
        }
        let size = if is_numeric(&size) { DataType::Int64 } else { size };
        let mut out = vec![value.clone(), size];
        if let Some(fixed) = types.get(2) {
            let fixed = normalize(fixed);
            if fixed != value && fixed != DataType::Null {
                return plan_err!("bin_at(): the fixed point must be a {value} like the value, got {fixed}");
            }
            out.push(value);
        }
        return Ok(out);
    }
    let mut widest = DataType::Int64;
    for t in types {
        match wider_number(&widest, t) {
            Some(w) => widest = w,
            None => return plan_err!("bin(): expected numbers, timespans or datetimes, got {t}"),
        }
    }
    Ok(vec![widest; types.len()])
}

fn return_type(types: &[DataType]) -> Result<DataType> {
    Ok(coerce(types)?.swap_remove(0))
}

fn binned(args: &Args, fixed: Option<&ArrayRef>) -> Result<ArrayRef> {
    let (value, size, n) = (args.arg(0), args.arg(1), args.rows);
    match value.data_type() {
        DataType::Int64 => {
            let (v, s) = (value.as_primitive::<Int64Type>(), size.as_primitive::<Int64Type>());
            let f = fixed.map(|f| f.as_primitive::<Int64Type>());
            let out: Int64Array = (0..n)
                .map(|i| {
                    let origin = match f {
                        Some(f) => f.is_valid(i).then(|| f.value(i))?,
                        None => 0,
                    };
                    (v.is_valid(i) && s.is_valid(i)).then(|| bin_i64(v.value(i), s.value(i), origin))?
                })
                .collect();
            Ok(Arc::new(out))
        }
        DataType::Float64 => {
            let (v, s) = (value.as_primitive::<Float64Type>(), size.as_primitive::<Float64Type>());
            let f = fixed.map(|f| f.as_primitive::<Float64Type>());
            let out: Float64Array = (0..n)
                .map(|i| {
                    let origin = match f {
                        Some(f) => f.is_valid(i).then(|| f.value(i))?,
                        None => 0.0,
                    };
                    let (v, s) = (v.is_valid(i).then(|| v.value(i))?, s.is_valid(i).then(|| s.value(i))?);
                    (s > 0.0).then(|| ((v - origin) / s).floor() * s + origin)
                })
                .collect();
            Ok(Arc::new(out))
        }
        DataType::Decimal128(..) => {
            let (v, s) = (value.as_primitive::<Decimal128Type>(), size.as_primitive::<Decimal128Type>());
            let f = fixed.map(|f| f.as_primitive::<Decimal128Type>());
            decimal_array((0..n).map(|i| {
                let origin = match f {
                    Some(f) => f.is_valid(i).then(|| f.value(i))?,
                    None => 0,
                };
                let (v, s) = (v.is_valid(i).then(|| v.value(i))?, s.is_valid(i).then(|| s.value(i))?);
                if s <= 0 {
                    return None;
                }
                v.checked_sub(origin)?.div_euclid(s).checked_mul(s)?.checked_add(origin)
            }))
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            let v = times(value, "bin")?;
            let f = fixed.map(|f| times(f, "bin_at")).transpose()?;
            let sizes = size_ns(size)?;
            Ok(timestamp_array((0..n).map(|i| {
                let origin = match &f {
                    Some(f) => f.get(i)?,
                    None => 0,
                };
                bin_i64(v.get(i)?, sizes[i]?, origin)
            })))
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            let v = spans(value, "bin")?;
            let f = fixed.map(|f| spans(f, "bin_at")).transpose()?;
            let sizes = size_ns(size)?;
            Ok(duration_array((0..n).map(|i| {
                let origin = match &f {
                    Some(f) => f.get(i)?,
                    None => 0,
                };
                bin_i64(v.get(i)?, sizes[i]?, origin)
            })))
        }
        DataType::Null => Ok(datafusion::arrow::array::new_null_array(args.return_type, n)),
        other => exec_err!("bin(): cannot bin a {other}"),
    }
}

/// Bin sizes of a time value in nanoseconds: a timespan, or a number of ticks.
fn size_ns(size: &ArrayRef) -> Result<Vec<Option<i64>>> {
    Ok(match size.data_type() {
        DataType::Int64 => {
            size.as_primitive::<Int64Type>().iter().map(|t| t.and_then(|t| t.checked_mul(NS_PER_TICK))).collect()
        }
        _ => {
            let s = spans(size, "bin size")?;
            (0..size.len()).map(|i| s.get(i)).collect()
        }
    })
}

/// `origin + floor((v - origin) / size) * size`, `None` for a non-positive size or on overflow.
fn bin_i64(v: i64, size: i64, origin: i64) -> Option<i64> {
    if size <= 0 {
        return None;
    }
    let d = i128::from(v) - i128::from(origin);
    let binned = d.div_euclid(i128::from(size)) * i128::from(size) + i128::from(origin);
    i64::try_from(binned).ok()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Int32Array, TimestampNanosecondArray};
    use datafusion::arrow::datatypes::TimestampNanosecondType;
    use datafusion::common::ScalarValue;
    use datafusion::logical_expr::ColumnarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, ts};
    use crate::functions::scalar::datetime::calendar::{NS_PER_DAY, NS_PER_HOUR, NS_PER_MIN, ns_from_parts};

    fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        ns_from_parts(y, mo, d, h, mi, s, 0).unwrap()
    }

    #[test]
    fn bin_follows_the_reference() {
        let f = kql_bin();
        // https://learn.microsoft.com/en-us/kusto/query/bin-function examples.
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Float64(Some(4.5)), ScalarValue::Int64(Some(1))]),
            ScalarValue::Float64(Some(4.0))
        );
        assert_eq!(call_scalars(&f, vec![ts(16 * NS_PER_DAY), ts(7 * NS_PER_DAY)]), ts(14 * NS_PER_DAY));
        assert_eq!(
            call_scalars(&f, vec![dt(at(1970, 5, 11, 13, 45, 7)), ts(NS_PER_DAY)]),
            dt(at(1970, 5, 11, 0, 0, 0))
        );
        // Nulls and bad sizes.
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int64(None), ScalarValue::Int64(Some(1))]),
            ScalarValue::Int64(None)
        );
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int64(Some(5)), ScalarValue::Int64(Some(0))]),
            ScalarValue::Int64(None)
        );
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int64(Some(5)), ScalarValue::Int64(Some(-2))]),
            ScalarValue::Int64(None)
        );
        assert_eq!(
            call_scalars(&f, vec![dt(0), ScalarValue::DurationNanosecond(None)]),
            ScalarValue::TimestampNanosecond(None, None)
        );
        // Floors toward minus infinity.
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int64(Some(-1)), ScalarValue::Int64(Some(10))]),
            ScalarValue::Int64(Some(-10))
        );
        assert_eq!(call_scalars(&f, vec![dt(-1), ts(NS_PER_HOUR)]), dt(-NS_PER_HOUR));
        // int is widened to long; a real size makes a real.
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int32(Some(17)), ScalarValue::Int32(Some(5))]),
            ScalarValue::Int64(Some(15))
        );
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int64(Some(17)), ScalarValue::Float64(Some(2.5))]),
            ScalarValue::Float64(Some(15.0))
        );
        assert_eq!(
            call_scalars(
                &f,
                vec![ScalarValue::Decimal128(Some(4_500_000_000_000_000_000), 38, 18), ScalarValue::Int64(Some(2))]
            ),
            ScalarValue::Decimal128(Some(4_000_000_000_000_000_000), 38, 18)
        );
        // Datetime bins are aligned to the Unix epoch.
        assert_eq!(
            call_scalars(&f, vec![dt(at(1970, 1, 10, 0, 0, 0)), ts(7 * NS_PER_DAY)]),
            dt(at(1970, 1, 8, 0, 0, 0))
        );
        // A numeric size for a datetime counts ticks.
        assert_eq!(call_scalars(&f, vec![dt(150), ScalarValue::Int64(Some(1))]), dt(100));
    }

    #[test]
    fn bin_over_arrays() {
        let f = kql_bin();
        let out = call_arrays(
            &f,
            vec![
                col(TimestampNanosecondArray::from(vec![
                    Some(at(2024, 1, 1, 10, 31, 0)),
                    None,
                    Some(at(2024, 1, 1, 10, 59, 59)),
                ])),
                ColumnarValue::Scalar(ts(30 * NS_PER_MIN)),
            ],
        );
        assert_eq!(
            out.as_primitive::<TimestampNanosecondType>().iter().collect::<Vec<_>>(),
            vec![Some(at(2024, 1, 1, 10, 30, 0)), None, Some(at(2024, 1, 1, 10, 30, 0))]
        );
        let out = call_arrays(
            &f,
            vec![
                col(Int32Array::from(vec![Some(7), Some(-7), None])),
                ColumnarValue::Scalar(ScalarValue::Int32(Some(5))),
            ],
        );
        assert_eq!(out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), vec![Some(5), Some(-10), None]);
    }

    #[test]
    fn bin_at_follows_the_reference() {
        let f = kql_bin_at();
        // https://learn.microsoft.com/en-us/kusto/query/bin-at-function examples.
        assert_eq!(
            call_scalars(
                &f,
                vec![ScalarValue::Float64(Some(6.5)), ScalarValue::Float64(Some(2.5)), ScalarValue::Int64(Some(7))]
            ),
            ScalarValue::Float64(Some(4.5))
        );
        assert_eq!(
            call_scalars(&f, vec![ts(NS_PER_HOUR), ts(NS_PER_DAY), ts(12 * NS_PER_HOUR)]),
            ts(-12 * NS_PER_HOUR)
        );
        assert_eq!(
            call_scalars(&f, vec![dt(at(2017, 5, 15, 10, 20, 0)), ts(NS_PER_DAY), dt(at(1970, 1, 1, 12, 0, 0))]),
            dt(at(2017, 5, 14, 12, 0, 0))
        );
        assert_eq!(
            call_scalars(&f, vec![dt(at(2017, 5, 17, 10, 20, 0)), ts(7 * NS_PER_DAY), dt(at(2017, 6, 4, 0, 0, 0))]),
            dt(at(2017, 5, 14, 0, 0, 0))
        );
        let fixed = dt(at(2018, 2, 24, 15, 14, 0));
        for (input, want) in [
            (at(2018, 2, 24, 15, 14, 0), at(2018, 2, 24, 15, 14, 0)),
            (at(2018, 2, 24, 15, 24, 0), at(2018, 2, 24, 15, 14, 0)),
            (at(2018, 2, 23, 16, 14, 0), at(2018, 2, 23, 15, 14, 0)),
            (at(2018, 2, 23, 17, 29, 0), at(2018, 2, 23, 15, 14, 0)),
            (at(2018, 2, 26, 15, 14, 0), at(2018, 2, 26, 15, 14, 0)),
        ] {
            assert_eq!(call_scalars(&f, vec![dt(input), ts(NS_PER_DAY), fixed.clone()]), dt(want));
        }
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int64(Some(5)), ScalarValue::Int64(Some(2)), ScalarValue::Int64(None)]),
            ScalarValue::Int64(None)
        );
    }

    #[test]
    fn rejects_bad_types() {
        assert!(kql_bin().coerce_types(&[DataType::Utf8, DataType::Int64]).is_err());
        assert!(kql_bin().coerce_types(&[DataType::Timestamp(TimeUnit::Nanosecond, None), DataType::Utf8]).is_err());
        assert!(kql_bin().return_type(&[DataType::Int64]).is_err());
    }
}
