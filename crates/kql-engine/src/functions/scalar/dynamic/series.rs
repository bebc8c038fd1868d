//! Dynamic arrays generated from scalars.
//!
//! - `range(start, stop [, step])`: <https://learn.microsoft.com/en-us/kusto/query/range-function>.
//!   `start`, `start + step`, ... up to and including `stop`, at most 1,048,576 (2^20) values
//!   (longer series are truncated, as the page says). Numbers (longs when every argument is an
//!   integer, reals otherwise; the default step is 1), datetimes with a timespan step, or
//!   timespans (the default step is `1h` for both; the elements are written as Kusto writes
//!   those values: datetimes with all seven fractional digits, as on the page). A step that moves away from `stop` gives an empty array; a zero step or a
//!   null argument gives null.
//! - `repeat(value, count)`: <https://learn.microsoft.com/en-us/kusto/query/repeat-function>.
//!   An array of `count` copies of `value`; empty for 0 and null for a negative or null count.
//!   The page sets no limit; Quarry caps the count at the same 1,048,576 as `range`.

use std::fmt::Write as _;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, LargeStringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, TimeUnit};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::ScalarUDF;

use super::json::{Json, value_at, write_str};
use crate::functions::scalar::conversion::text::fmt_timespan;
use crate::functions::scalar::conversion::udf::{Args, ints, normalize, ret, spans, times, udf};
use crate::functions::scalar::string::format::write_datetime;

/// The most elements `range` and `repeat` produce.
const MAX_ELEMENTS: i128 = 1 << 20;

/// Nanoseconds in an hour, the default step for datetimes and timespans.
const HOUR_NS: i64 = 3_600_000_000_000;

/// How many terms `start + k * step` stay within `stop`, capped; `None` for a zero step.
fn term_count(start: i128, stop: i128, step: i128) -> Option<i128> {
    if step == 0 {
        return None;
    }
    let span = stop - start;
    if span != 0 && (span > 0) != (step > 0) {
        return Some(0);
    }
    Some((span / step + 1).min(MAX_ELEMENTS))
}

/// Writes the elements of a series as a JSON array, each by `item`.
fn write_array(n: usize, mut item: impl FnMut(usize, &mut String)) -> String {
    let mut out = String::with_capacity(2 + n * 4);
    out.push('[');
    for k in 0..n {
        if k > 0 {
            out.push(',');
        }
        item(k, &mut out);
    }
    out.push(']');
    out
}

/// An integer series (longs, datetimes or timespans in nanoseconds) as JSON text, each term
/// written by `item`.
fn int_series(start: i64, stop: i64, step: i64, item: impl Fn(i64, &mut String)) -> Option<String> {
    let n = term_count(i128::from(start), i128::from(stop), i128::from(step))?;
    Some(write_array(n as usize, |k, out| item((i128::from(start) + k as i128 * i128::from(step)) as i64, out)))
}

fn real_series(start: f64, stop: f64, step: f64) -> Option<String> {
    if !(start.is_finite() && stop.is_finite() && step.is_finite()) || step == 0.0 {
        return None;
    }
    let span = stop - start;
    if span != 0.0 && (span > 0.0) != (step > 0.0) {
        return Some("[]".to_string());
    }
    let n = ((span / step).floor() + 1.0).min(MAX_ELEMENTS as f64) as usize;
    Some(write_array(n, |k, out| Json::Real(start + k as f64 * step).write(out)))
}

/// A dynamic column from JSON texts (`None` is null).
fn text_out(values: impl Iterator<Item = Option<String>>) -> ArrayRef {
    Arc::new(values.collect::<LargeStringArray>())
}

fn range_coerce(types: &[DataType]) -> Result<Vec<DataType>> {
    let types: Vec<DataType> = types.iter().map(normalize).collect();
    let real = types.iter().any(|t| matches!(t, DataType::Float64 | DataType::Decimal128(..)));
    types
        .iter()
        .map(|t| match t {
            DataType::Int32 | DataType::Int64 | DataType::Null if real => Ok(DataType::Float64),
            DataType::Int32 => Ok(DataType::Int64),
            DataType::Float64 | DataType::Decimal128(..) => Ok(DataType::Float64),
            DataType::Int64 | DataType::Null | DataType::Timestamp(..) | DataType::Duration(_) => Ok(t.clone()),
            other => exec_err!("range(): expected numbers, datetimes or timespans, got {other}"),
        })
        .collect()
}

fn range_eval(args: &Args) -> Result<ArrayRef> {
    let step_arg = args.arrays.get(2);
    let kind = args.arrays.iter().map(|a| a.data_type().clone()).find(|t| t != &DataType::Null);
    Ok(match kind {
        None => text_out((0..args.rows).map(|_| None)),
        Some(DataType::Float64) => {
            let as_real = |a: &ArrayRef| cast(a, &DataType::Float64);
            let (start, stop) = (as_real(args.arg(0))?, as_real(args.arg(1))?);
            let step = step_arg.map(as_real).transpose()?;
            let (start, stop) = (start.as_primitive::<Float64Type>(), stop.as_primitive::<Float64Type>());
            let step = step.as_ref().map(|s| s.as_primitive::<Float64Type>());
            let get = |a: &datafusion::arrow::array::Float64Array, i: usize| a.is_valid(i).then(|| a.value(i));
            text_out((0..args.rows).map(|i| {
                let step = match step {
                    Some(s) => get(s, i)?,
                    None => 1.0,
                };
                real_series(get(start, i)?, get(stop, i)?, step)
            }))
        }
        Some(DataType::Timestamp(..)) => {
            let (start, stop) = (times(args.arg(0), "range() start")?, times(args.arg(1), "range() stop")?);
            let step = step_arg.map(|a| spans(a, "range() step")).transpose()?;
            text_out((0..args.rows).map(|i| {
                let step = match &step {
                    Some(s) => s.get(i)?,
                    None => HOUR_NS,
                };
                int_series(start.get(i)?, stop.get(i)?, step, |ns, out| {
                    // The page prints the elements with all seven fractional digits.
                    out.push('"');
                    write_datetime(out, ns);
                    out.push('"');
                })
            }))
        }
        Some(DataType::Duration(TimeUnit::Nanosecond)) => {
            let (start, stop) = (spans(args.arg(0), "range() start")?, spans(args.arg(1), "range() stop")?);
            let step = step_arg.map(|a| spans(a, "range() step")).transpose()?;
            text_out((0..args.rows).map(|i| {
                let step = match &step {
                    Some(s) => s.get(i)?,
                    None => HOUR_NS,
                };
                int_series(start.get(i)?, stop.get(i)?, step, |ns, out| write_str(&fmt_timespan(ns), out))
            }))
        }
        Some(_) => {
            let (start, stop) = (ints(args.arg(0), "range() start")?, ints(args.arg(1), "range() stop")?);
            let step = step_arg.map(|a| ints(a, "range() step")).transpose()?;
            text_out((0..args.rows).map(|i| {
                let step = match &step {
                    Some(s) => s.get(i)?,
                    None => 1,
                };
                int_series(start.get(i)?, stop.get(i)?, step, |v, out| {
                    let _ = write!(out, "{v}");
                })
            }))
        }
    })
}

/// `kql_range(start, stop [, step]) -> LargeUtf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/range-function>
pub fn kql_range() -> ScalarUDF {
    udf("kql_range", 2..=3, ret::dynamic, range_eval).coerce(range_coerce).build()
}

/// `kql_repeat(value, count) -> LargeUtf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/repeat-function>
pub fn kql_repeat() -> ScalarUDF {
    udf("kql_repeat", 2..=2, ret::dynamic, |args: &Args| {
        let count = ints(args.arg(1), "repeat() count")?;
        Ok(text_out((0..args.rows).map(|i| {
            let n = count.get(i)?;
            if n < 0 {
                return None;
            }
            let item = value_at(args.arg(0), i).to_text();
            Some(write_array(i128::from(n).min(MAX_ELEMENTS) as usize, |_, out| out.push_str(&item)))
        })))
    })
    .build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{AsArray, Int64Array, StringArray};
    use datafusion::common::ScalarValue;
    use datafusion::logical_expr::ColumnarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call, call_arrays, call_scalars, col, dt, dy, s, ts};

    fn long(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    fn null_dyn() -> ScalarValue {
        ScalarValue::LargeUtf8(None)
    }

    #[test]
    fn numeric_ranges() {
        let f = kql_range();
        // range page examples.
        assert_eq!(call_scalars(&f, vec![long(1), long(8), long(3)]), dy("[1,4,7]"));
        assert_eq!(call_scalars(&f, vec![long(1), long(3)]), dy("[1,2,3]"));
        assert_eq!(call_scalars(&f, vec![ScalarValue::Int32(Some(5)), long(1), long(-2)]), dy("[5,3,1]"));
        assert_eq!(call_scalars(&f, vec![long(1), long(8), long(-1)]), dy("[]"));
        assert_eq!(call_scalars(&f, vec![long(3), long(3)]), dy("[3]"));
        assert_eq!(call_scalars(&f, vec![long(1), long(8), long(0)]), null_dyn());
        assert_eq!(call_scalars(&f, vec![long(1), ScalarValue::Int64(None)]), null_dyn());
        assert_eq!(call_scalars(&f, vec![ScalarValue::Float64(Some(0.5)), long(2)]), dy("[0.5,1.5]"));
        assert_eq!(
            call_scalars(&f, vec![long(0), ScalarValue::Float64(Some(1.0)), ScalarValue::Float64(Some(0.25))]),
            dy("[0,0.25,0.5,0.75,1]")
        );
        assert_eq!(call_scalars(&f, vec![ScalarValue::Float64(Some(f64::NAN)), long(1)]), null_dyn());
        // Truncated at 2^20 elements; no overflow at the extremes.
        let big = call_scalars(&f, vec![long(1), long(1_000_000_000)]);
        let ScalarValue::LargeUtf8(Some(text)) = big else { panic!() };
        assert_eq!(text.matches(',').count() + 1, 1 << 20);
        let ScalarValue::LargeUtf8(Some(text)) =
            call_scalars(&f, vec![long(i64::MAX - 1), long(i64::MAX), long(i64::MAX)])
        else {
            panic!()
        };
        assert_eq!(text, format!("[{}]", i64::MAX - 1));
        assert!(call(&f, vec![s("a").into(), long(1).into()]).is_err());
    }

    #[test]
    fn datetime_and_timespan_ranges() {
        let f = kql_range();
        let day = 86_400_000_000_000;
        // range(datetime(2007-01-01), datetime(2007-12-31), 1d) has 365 days.
        let jan1 = 1_167_609_600_000_000_000;
        let ScalarValue::LargeUtf8(Some(text)) = call_scalars(&f, vec![dt(jan1), dt(jan1 + 364 * day), ts(day)]) else {
            panic!()
        };
        assert!(text.starts_with(r#"["2007-01-01T00:00:00.0000000Z","2007-01-02T00:00:00.0000000Z","#), "{text}");
        assert_eq!(text.matches(',').count() + 1, 365);
        // range(1h, 5h) with the default 1h step.
        assert_eq!(
            call_scalars(&f, vec![ts(HOUR_NS), ts(5 * HOUR_NS)]),
            dy(r#"["01:00:00","02:00:00","03:00:00","04:00:00","05:00:00"]"#)
        );
        assert_eq!(call_scalars(&f, vec![dt(0), dt(2 * HOUR_NS)]).to_string().matches('T').count(), 3);
    }

    #[test]
    fn range_over_arrays() {
        let out = call_arrays(
            &kql_range(),
            vec![col(Int64Array::from(vec![Some(1), None, Some(3)])), ColumnarValue::Scalar(long(3))],
        );
        let out = out.as_string::<i64>();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some("[1,2,3]"), None, Some("[3]")]);
    }

    #[test]
    fn repeat_examples() {
        let f = kql_repeat();
        // repeat page example.
        assert_eq!(call_scalars(&f, vec![long(1), long(3)]), dy("[1,1,1]"));
        assert_eq!(call_scalars(&f, vec![s("a"), ScalarValue::Int32(Some(2))]), dy(r#"["a","a"]"#));
        assert_eq!(call_scalars(&f, vec![dt(0), long(1)]), dy(r#"["1970-01-01T00:00:00Z"]"#));
        assert_eq!(call_scalars(&f, vec![long(1), long(0)]), dy("[]"));
        assert_eq!(call_scalars(&f, vec![long(1), long(-1)]), null_dyn());
        assert_eq!(call_scalars(&f, vec![long(1), ScalarValue::Int64(None)]), null_dyn());
        assert_eq!(call_scalars(&f, vec![ScalarValue::Int64(None), long(2)]), dy("[null,null]"));
        let out = call_arrays(
            &f,
            vec![col(StringArray::from(vec![Some("x"), None])), col(Int64Array::from(vec![Some(1), Some(2)]))],
        );
        let out = out.as_string::<i64>();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(r#"["x"]"#), Some(r#"["",""]"#)]);
        let ScalarValue::LargeUtf8(Some(text)) = call_scalars(&f, vec![long(0), long(i64::MAX)]) else { panic!() };
        assert_eq!(text.len(), 2 * (1 << 20) + 1);
    }
}
