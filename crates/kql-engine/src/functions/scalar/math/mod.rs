//! KQL math functions that DataFusion's planner path does not already cover: trigonometry,
//! angle conversion, `exp2`/`exp10`, `ceiling`, the NaN and infinity tests, and `max_of`/`min_of`.
//! (`abs`, `sqrt`, `exp`, `log*`, `pow`, `round` and `sign` are planned onto DataFusion's own math
//! functions; `floor(x, roundTo)` is `bin`.)
//!
//! Every numeric argument is read as a `real` (`Float64`), as Kusto does for these functions; a
//! null argument gives null. Each function cites its page:
//!
//! - `sin`, `cos`, `tan`, `asin`, `acos`, `atan`, `atan2(y, x)`, `cot`:
//!   <https://learn.microsoft.com/en-us/kusto/query/sin-function> and the sibling pages
//!   (`cos-function`, `tan-function`, `asin-function`, `acos-function`, `atan-function`,
//!   `atan2-function`, `cot-function`). Outside a function's domain the result is NaN.
//! - `pi()`: <https://learn.microsoft.com/en-us/kusto/query/pi-function>
//! - `degrees(radians)`, `radians(degrees)`:
//!   <https://learn.microsoft.com/en-us/kusto/query/degrees-function>,
//!   <https://learn.microsoft.com/en-us/kusto/query/radians-function>
//! - `exp2(x)`, `exp10(x)`: <https://learn.microsoft.com/en-us/kusto/query/exp2-function>,
//!   <https://learn.microsoft.com/en-us/kusto/query/exp10-function>
//! - `ceiling(x)`: <https://learn.microsoft.com/en-us/kusto/query/ceiling-function>; the
//!   smallest integer not below `x`, keeping the argument's type (`int`, `long` or `real`).
//! - `isnan(x)`, `isinf(x)`, `isfinite(x)`:
//!   <https://learn.microsoft.com/en-us/kusto/query/isnan-function>,
//!   <https://learn.microsoft.com/en-us/kusto/query/isinf-function>,
//!   <https://learn.microsoft.com/en-us/kusto/query/isfinite-function>. Integers are always finite.
//! - `max_of(a, b, ...)`, `min_of(a, b, ...)`:
//!   <https://learn.microsoft.com/en-us/kusto/query/max-of-function>,
//!   <https://learn.microsoft.com/en-us/kusto/query/min-of-function>. Up to 64 arguments of one
//!   type (numbers are widened to the widest of them); null arguments are skipped ("non-null
//!   values take precedence"), and the result is null only when every argument is null.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array};
use datafusion::arrow::compute::kernels::cmp;
use datafusion::arrow::compute::kernels::zip::zip;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type};
use datafusion::common::{Result, exec_err, plan_err};
use datafusion::logical_expr::ScalarUDF;

use crate::functions::scalar::conversion::udf::{Args, normalize, ret, udf};
use crate::functions::scalar::logic::choice::common_type;

/// A `real -> real` function named `$name` computing `$op`.
macro_rules! unary {
    ($name:literal, $op:expr) => {
        udf($name, 1..=1, ret::real, |args: &Args| {
            let out: Float64Array = reals(args.arg(0))?.unary::<_, Float64Type>($op);
            Ok(Arc::new(out) as ArrayRef)
        })
        .coerce(all_real)
        .build()
    };
}

/// A `real -> bool` test named `$name`; null stays null.
macro_rules! test {
    ($name:literal, $op:expr) => {
        udf($name, 1..=1, ret::boolean, |args: &Args| {
            let out: BooleanArray = reals(args.arg(0))?.iter().map(|v| v.map($op)).collect();
            Ok(Arc::new(out) as ArrayRef)
        })
        .coerce(all_real)
        .build()
    };
}

/// `binary_and(a, b)` and its siblings: bitwise operations on longs; null gives null.
///
/// <https://learn.microsoft.com/en-us/kusto/query/binary-and-function> (and `binary-or-function`,
/// `binary-xor-function`, `binary-not-function`, `binary-shift-left-function`,
/// `binary-shift-right-function`, `bitset-count-ones-function`).
macro_rules! bitwise {
    ($name:literal, $op:expr) => {
        udf($name, 2..=2, ret::long, |args: &Args| {
            let op: fn(i64, i64) -> i64 = $op;
            let a = crate::functions::scalar::conversion::udf::ints(args.arg(0), "a bitwise operand")?;
            let b = crate::functions::scalar::conversion::udf::ints(args.arg(1), "a bitwise operand")?;
            let out: Int64Array = (0..args.rows).map(|i| Some(op(a.get(i)?, b.get(i)?))).collect();
            Ok(Arc::new(out) as ArrayRef)
        })
        .coerce(all_long)
        .build()
    };
}

/// Every function of this group.
pub fn all() -> Vec<ScalarUDF> {
    let mut all = vec![
        unary!("kql_sin", f64::sin),
        unary!("kql_cos", f64::cos),
        unary!("kql_tan", f64::tan),
        unary!("kql_cot", |x: f64| 1.0 / x.tan()),
        unary!("kql_asin", f64::asin),
        unary!("kql_acos", f64::acos),
        unary!("kql_atan", f64::atan),
        unary!("kql_degrees", f64::to_degrees),
        unary!("kql_radians", f64::to_radians),
        unary!("kql_exp2", f64::exp2),
        unary!("kql_exp10", |x: f64| 10f64.powf(x)),
        kql_atan2(),
        kql_pi(),
        kql_ceiling(),
        test!("kql_isnan", f64::is_nan),
        test!("kql_isinf", f64::is_infinite),
        test!("kql_isfinite", f64::is_finite),
    ];
    all.extend(kql_max_min());
    all.extend([
        bitwise!("kql_binary_and", |a, b| a & b),
        bitwise!("kql_binary_or", |a, b| a | b),
        bitwise!("kql_binary_xor", |a, b| a ^ b),
        bitwise!("kql_binary_shift_left", |a, b| if (0..64).contains(&b) { a << b } else { 0 }),
        bitwise!("kql_binary_shift_right", |a, b| if (0..64).contains(&b) { a >> b } else { 0 }),
    ]);
    all.push(
        udf("kql_binary_not", 1..=1, ret::long, |args: &Args| {
            let a = crate::functions::scalar::conversion::udf::ints(args.arg(0), "binary_not")?;
            let out: Int64Array = (0..args.rows).map(|i| a.get(i).map(|v| !v)).collect();
            Ok(Arc::new(out) as ArrayRef)
        })
        .coerce(all_long)
        .build(),
    );
    all.push(
        udf("kql_bitset_count_ones", 1..=1, ret::long, |args: &Args| {
            let a = crate::functions::scalar::conversion::udf::ints(args.arg(0), "bitset_count_ones")?;
            let out: Int64Array = (0..args.rows).map(|i| a.get(i).map(|v| i64::from(v.count_ones()))).collect();
            Ok(Arc::new(out) as ArrayRef)
        })
        .coerce(all_long)
        .build(),
    );
    all
}

/// Integer arguments are read as longs; anything else is refused at planning.
fn all_long(types: &[DataType]) -> Result<Vec<DataType>> {
    types
        .iter()
        .map(|t| match normalize(t) {
            DataType::Int32 | DataType::Int64 | DataType::Null => Ok(DataType::Int64),
            other => plan_err!("expected an integer, got {other}"),
        })
        .collect()
}

/// Numeric arguments are read as reals; anything else is refused at planning.
fn all_real(types: &[DataType]) -> Result<Vec<DataType>> {
    types
        .iter()
        .map(|t| match normalize(t) {
            DataType::Int32 | DataType::Int64 | DataType::Float64 | DataType::Decimal128(..) | DataType::Null => {
                Ok(DataType::Float64)
            }
            other => plan_err!("expected a number, got {other}"),
        })
        .collect()
}

fn reals(a: &ArrayRef) -> Result<&Float64Array> {
    match a.data_type() {
        DataType::Float64 => Ok(a.as_primitive::<Float64Type>()),
        other => exec_err!("expected a real, got {other}"),
    }
}

/// `kql_atan2(y, x) -> real`: the angle of the point `(x, y)` from the positive x axis.
///
/// <https://learn.microsoft.com/en-us/kusto/query/atan2-function>
fn kql_atan2() -> ScalarUDF {
    udf("kql_atan2", 2..=2, ret::real, |args: &Args| {
        let (y, x) = (reals(args.arg(0))?, reals(args.arg(1))?);
        let out: Float64Array = y.iter().zip(x.iter()).map(|(y, x)| Some(y?.atan2(x?))).collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .coerce(all_real)
    .build()
}

/// `kql_pi() -> real`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/pi-function>
fn kql_pi() -> ScalarUDF {
    udf("kql_pi", 0..=0, ret::real, |args: &Args| {
        Ok(Arc::new(Float64Array::from(vec![std::f64::consts::PI; args.rows])) as ArrayRef)
    })
    .build()
}

/// `kql_ceiling(number) -> same type`: integers are their own ceiling.
///
/// <https://learn.microsoft.com/en-us/kusto/query/ceiling-function>
fn kql_ceiling() -> ScalarUDF {
    fn coerce(types: &[DataType]) -> Result<Vec<DataType>> {
        match normalize(&types[0]) {
            t @ (DataType::Int32 | DataType::Int64 | DataType::Float64) => Ok(vec![t]),
            DataType::Decimal128(..) | DataType::Null => Ok(vec![DataType::Float64]),
            other => plan_err!("ceiling(): expected a number, got {other}"),
        }
    }
    udf(
        "kql_ceiling",
        1..=1,
        |t| Ok(coerce(t)?.remove(0)),
        |args: &Args| {
            let a = args.arg(0);
            Ok(match a.data_type() {
                DataType::Int32 => Arc::new(a.as_primitive::<Int32Type>().clone()) as ArrayRef,
                DataType::Int64 => Arc::new(a.as_primitive::<Int64Type>().clone()) as ArrayRef,
                _ => Arc::new(reals(a)?.unary::<_, Float64Type>(f64::ceil)) as ArrayRef,
            })
        },
    )
    .coerce(coerce)
    .build()
}

/// The type `max_of`/`min_of` compare in: the common type of the arguments (numbers widened),
/// refusing a mix that has none.
fn extreme_type(types: &[DataType]) -> Result<DataType> {
    let t = common_type(types);
    if t == DataType::LargeUtf8 && !types.iter().all(|t| matches!(t, DataType::LargeUtf8 | DataType::Null)) {
        return plan_err!("max_of()/min_of(): all arguments must be of the same type, got {types:?}");
    }
    Ok(t)
}

fn extreme_coerce(types: &[DataType]) -> Result<Vec<DataType>> {
    let t = extreme_type(types)?;
    let t = if t == DataType::Null { DataType::Float64 } else { t };
    Ok(vec![t; types.len()])
}

/// Row-wise extreme of the (same-typed) arguments, nulls skipped. `greater` picks the maximum.
fn extreme(args: &Args, greater: bool) -> Result<ArrayRef> {
    let mut acc = Arc::clone(args.arg(0));
    for b in &args.arrays[1..] {
        let better = if greater { cmp::gt(b, &acc)? } else { cmp::lt(b, &acc)? };
        let take: BooleanArray = (0..args.rows)
            .map(|i| Some(b.is_valid(i) && (acc.is_null(i) || (better.is_valid(i) && better.value(i)))))
            .collect();
        acc = zip(&take, b, &acc)?;
    }
    Ok(acc)
}

/// `kql_max_of(a, b, ...)` and `kql_min_of(a, b, ...)`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/max-of-function>,
/// <https://learn.microsoft.com/en-us/kusto/query/min-of-function>
fn kql_max_min() -> Vec<ScalarUDF> {
    let ret_fn = |t: &[DataType]| -> Result<DataType> { Ok(extreme_coerce(t)?.remove(0)) };
    vec![
        udf("kql_max_of", 2..=64, ret_fn, |args: &Args| extreme(args, true)).coerce(extreme_coerce).build(),
        udf("kql_min_of", 2..=64, ret_fn, |args: &Args| extreme(args, false)).coerce(extreme_coerce).build(),
    ]
}

#[cfg(test)]
mod engine_tests;

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Float64Array, Int32Array, Int64Array, StringArray, TimestampNanosecondArray};
    use datafusion::common::ScalarValue;
    use datafusion::logical_expr::ColumnarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call, call_arrays, call_scalars, col, dt, find, s};

    fn f(name: &str) -> ScalarUDF {
        find(&all(), name)
    }

    fn real(v: f64) -> ScalarValue {
        ScalarValue::Float64(Some(v))
    }

    fn long(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    fn as_real(v: ScalarValue) -> f64 {
        match v {
            ScalarValue::Float64(Some(v)) => v,
            other => panic!("not a real: {other:?}"),
        }
    }

    #[test]
    fn trigonometry_and_angles() {
        // sin/cos/tan/asin/acos/atan/atan2 page examples.
        assert!((as_real(call_scalars(&f("kql_sin"), vec![long(1)])) - 0.841_470_984_807_896_5).abs() < 1e-15);
        assert!((as_real(call_scalars(&f("kql_cos"), vec![long(1)])) - 0.540_302_305_868_139_8).abs() < 1e-15);
        assert!((as_real(call_scalars(&f("kql_tan"), vec![real(0.5)])) - 0.546_302_489_843_790_5).abs() < 1e-15);
        assert!((as_real(call_scalars(&f("kql_asin"), vec![real(0.5)])) - 0.523_598_775_598_298_8).abs() < 1e-15);
        assert!((as_real(call_scalars(&f("kql_acos"), vec![real(0.5)])) - std::f64::consts::FRAC_PI_3).abs() < 1e-15);
        assert!((as_real(call_scalars(&f("kql_atan"), vec![real(0.5)])) - 0.463_647_609_000_806_1).abs() < 1e-15);
        let a = as_real(call_scalars(&f("kql_atan2"), vec![long(1), long(1)]));
        assert!((a - std::f64::consts::FRAC_PI_4).abs() < 1e-15);
        assert!(as_real(call_scalars(&f("kql_asin"), vec![real(2.0)])).is_nan());
        assert_eq!(as_real(call_scalars(&f("kql_pi"), vec![])), std::f64::consts::PI);
        // degrees(pi()/4) == 45, radians(90) == pi/2.
        assert_eq!(as_real(call_scalars(&f("kql_degrees"), vec![real(std::f64::consts::FRAC_PI_4)])), 45.0);
        assert_eq!(as_real(call_scalars(&f("kql_radians"), vec![long(90)])), std::f64::consts::FRAC_PI_2);
        assert_eq!(as_real(call_scalars(&f("kql_exp2"), vec![long(10)])), 1024.0);
        assert_eq!(as_real(call_scalars(&f("kql_exp10"), vec![long(3)])), 1000.0);
        assert_eq!(call_scalars(&f("kql_sin"), vec![ScalarValue::Int64(None)]), ScalarValue::Float64(None));
        assert_eq!(call_scalars(&f("kql_atan2"), vec![ScalarValue::Null, real(1.0)]), ScalarValue::Float64(None));
        assert!(call(&f("kql_sin"), vec![s("x").into()]).is_err());
    }

    #[test]
    fn ceiling_keeps_the_type() {
        // ceiling page: ceiling(-1.1) == -1, ceiling(0) == 0, ceiling(0.1) == 1, ceiling(1.1) == 2.
        let c = f("kql_ceiling");
        assert_eq!(call_scalars(&c, vec![real(-1.1)]), real(-1.0));
        assert_eq!(call_scalars(&c, vec![real(0.1)]), real(1.0));
        assert_eq!(call_scalars(&c, vec![real(1.1)]), real(2.0));
        assert_eq!(call_scalars(&c, vec![long(0)]), long(0));
        assert_eq!(call_scalars(&c, vec![ScalarValue::Int32(Some(7))]), ScalarValue::Int32(Some(7)));
        assert_eq!(call_scalars(&c, vec![ScalarValue::Null]), ScalarValue::Float64(None));
    }

    #[test]
    fn nan_and_infinity_tests() {
        let div = col(Float64Array::from(vec![Some(-1.0), Some(f64::NAN), Some(f64::INFINITY), None]));
        let out = call_arrays(&f("kql_isnan"), vec![div.clone()]);
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(false), Some(true), Some(false), None]);
        let out = call_arrays(&f("kql_isinf"), vec![div.clone()]);
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(false), Some(false), Some(true), None]);
        let out = call_arrays(&f("kql_isfinite"), vec![div]);
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(true), Some(false), Some(false), None]);
        assert_eq!(call_scalars(&f("kql_isfinite"), vec![long(5)]), ScalarValue::Boolean(Some(true)));
    }

    #[test]
    fn max_of_and_min_of_skip_nulls() {
        // max_of page: max_of(10, 1, -3, 17) == 17, and the datatable example with nulls.
        let max = f("kql_max_of");
        let min = f("kql_min_of");
        assert_eq!(call_scalars(&max, vec![long(10), long(1), long(-3), long(17)]), long(17));
        assert_eq!(call_scalars(&min, vec![long(10), long(1), long(-3), long(17)]), long(-3));
        let a = col(Int32Array::from(vec![Some(1), Some(8), None, Some(1), None]));
        let b = col(Int32Array::from(vec![Some(6), Some(1), Some(2), None, None]));
        let out = call_arrays(&max, vec![a.clone(), b.clone()]);
        assert_eq!(
            out.as_primitive::<Int32Type>().iter().collect::<Vec<_>>(),
            vec![Some(6), Some(8), Some(2), Some(1), None]
        );
        let out = call_arrays(&min, vec![a, b]);
        assert_eq!(
            out.as_primitive::<Int32Type>().iter().collect::<Vec<_>>(),
            vec![Some(1), Some(1), Some(2), Some(1), None]
        );
        // Numbers are widened: int and real compare as reals.
        assert_eq!(call_scalars(&max, vec![ScalarValue::Int32(Some(3)), real(2.5)]), real(3.0));
        // Datetimes and strings.
        assert_eq!(call_scalars(&max, vec![dt(5), dt(9), ScalarValue::TimestampNanosecond(None, None)]), dt(9));
        assert_eq!(call_scalars(&min, vec![s("b"), s("a"), s("c")]), s("a"));
        let out = call_arrays(&max, vec![col(StringArray::from(vec!["a", "z"])), ColumnarValue::Scalar(s("m"))]);
        assert_eq!(out.as_string::<i32>().iter().collect::<Vec<_>>(), vec![Some("m"), Some("z")]);
        let out = call_arrays(
            &min,
            vec![
                col(TimestampNanosecondArray::from(vec![Some(1), None])),
                col(TimestampNanosecondArray::from(vec![None, None])),
            ],
        );
        assert_eq!(out.null_count(), 1);
        assert_eq!(call_scalars(&max, vec![ScalarValue::Null, ScalarValue::Null]), ScalarValue::Float64(None));
        assert!(call(&max, vec![s("a").into(), long(1).into()]).is_err());
        let out = call_arrays(&max, vec![col(Int64Array::from(vec![Some(1)])), ColumnarValue::Scalar(long(2))]);
        assert_eq!(out.as_primitive::<Int64Type>().value(0), 2);
    }
}
