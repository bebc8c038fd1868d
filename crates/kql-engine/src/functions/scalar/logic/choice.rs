//! Choosing between values.
//!
//! - `iff(if, then, else)`, alias `iif`: <https://learn.microsoft.com/en-us/kusto/query/iff-function>.
//!   `then` when the condition is true, `else` when it is false or null.
//! - `coalesce(arg, arg_2, ...)`: <https://learn.microsoft.com/en-us/kusto/query/coalesce-function>.
//!   The first argument that is not null, or for strings not empty; for strings, `""` when all
//!   are empty.
//! - `not(expr)`: <https://learn.microsoft.com/en-us/kusto/query/not-function>; null stays null.
//!
//! The result type of `iff` and `coalesce` is the common type of the value arguments: their type
//! when they agree, the widest number (`int` < `long` < `real` < `decimal`) for numbers, the
//! non-dynamic type when the others are dynamic (dynamic values are converted to it as the
//! `to*()` functions do), and dynamic when types conflict.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::compute::interleave;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, plan_err};
use datafusion::logical_expr::ScalarUDF;

use crate::functions::scalar::conversion::convert::convert;
use crate::functions::scalar::conversion::tobool::to_bool_array;
use crate::functions::scalar::conversion::tostring::to_string_array;
use crate::functions::scalar::conversion::udf::{Args, bools, normalize, normalize_all, ret, udf, wider_number};

/// The common type of value arguments (see the module documentation).
pub(crate) fn common_type(types: &[DataType]) -> DataType {
    let mut dynamic = false;
    let mut common: Option<DataType> = None;
    for t in types {
        let t = match normalize(t) {
            DataType::Utf8View => DataType::Utf8,
            t => t,
        };
        match t {
            DataType::Null => {}
            DataType::LargeUtf8 => dynamic = true,
            t => {
                common = Some(match common {
                    None => t,
                    Some(c) if c == t => c,
                    Some(c) => match wider_number(&c, &t) {
                        Some(w) => w,
                        None => return DataType::LargeUtf8,
                    },
                })
            }
        }
    }
    match common {
        Some(t) => t,
        None if dynamic => DataType::LargeUtf8,
        None => DataType::Null,
    }
}

/// Strings are never null: nulls in a `Utf8` result become `""`.
fn no_null_strings(a: ArrayRef) -> Result<ArrayRef> {
    if a.data_type() == &DataType::Utf8 && a.null_count() > 0 { to_string_array(&a) } else { Ok(a) }
}

/// `kql_iff(bool, then, else) -> common type`, also as `kql_iif`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/iff-function>
pub fn kql_iff() -> Vec<ScalarUDF> {
    udf(
        "kql_iff",
        3..=3,
        |t| Ok(common_type(&t[1..])),
        |args: &Args| {
            let ty = args.return_type;
            let cond = match args.arg(0).data_type() {
                DataType::Boolean | DataType::Null => Arc::clone(args.arg(0)),
                _ => to_bool_array(args.arg(0))?,
            };
            let cond = bools(&cond, "iff condition")?;
            let (then, els) = (convert(args.arg(1), ty)?, convert(args.arg(2), ty)?);
            let picks: Vec<(usize, usize)> =
                (0..args.rows).map(|i| if cond.get(i) == Some(true) { (0, i) } else { (1, i) }).collect();
            no_null_strings(interleave(&[then.as_ref(), els.as_ref()], &picks)?)
        },
    )
    .coerce(|types| {
        if !matches!(normalize(&types[0]), DataType::Boolean | DataType::Null) {
            return plan_err!("iff(): the condition must be a bool, got {}", types[0]);
        }
        normalize_all(types)
    })
    .build_with_aliases(&["kql_iif"])
}

/// True when row `i` of `a` counts as present for `coalesce`.
fn present(a: &ArrayRef, i: usize) -> bool {
    match a.data_type() {
        DataType::Utf8 => a.is_valid(i) && !a.as_string::<i32>().value(i).is_empty(),
        DataType::LargeUtf8 => a.is_valid(i) && a.as_string::<i64>().value(i).trim() != "null",
        _ => a.is_valid(i),
    }
}

/// `kql_coalesce(arg, arg, ...) -> common type`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/coalesce-function>
pub fn kql_coalesce() -> ScalarUDF {
    udf(
        "kql_coalesce",
        1..=64,
        |t| Ok(common_type(t)),
        |args: &Args| {
            let ty = args.return_type;
            let mut values = args.arrays.iter().map(|a| convert(a, ty)).collect::<Result<Vec<_>>>()?;
            // A last resort: `""` for strings, null otherwise.
            let fallback: ArrayRef = if ty == &DataType::Utf8 {
                Arc::new(StringArray::from(vec![""]))
            } else {
                datafusion::arrow::array::new_null_array(ty, 1)
            };
            values.push(fallback);
            let last = values.len() - 1;
            let picks: Vec<(usize, usize)> = (0..args.rows)
                .map(|i| values[..last].iter().position(|a| present(a, i)).map_or((last, 0), |k| (k, i)))
                .collect();
            let refs: Vec<&dyn Array> = values.iter().map(|a| a.as_ref()).collect();
            no_null_strings(interleave(&refs, &picks)?)
        },
    )
    .build()
}

/// `kql_not(bool) -> Boolean`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/not-function>
pub fn kql_not() -> ScalarUDF {
    udf("kql_not", 1..=1, ret::boolean, |args: &Args| {
        let b = to_bool_array(args.arg(0))?;
        Ok(Arc::new(datafusion::arrow::compute::not(b.as_boolean())?) as ArrayRef)
    })
    .build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{BooleanArray, Int32Array, Int64Array, LargeStringArray, StringArray};
    use datafusion::arrow::datatypes::Int64Type;
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call, call_arrays, call_scalars, col, dy, s};

    fn i(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    fn b(v: Option<bool>) -> ScalarValue {
        ScalarValue::Boolean(v)
    }

    #[test]
    fn common_types() {
        use DataType::*;
        assert_eq!(common_type(&[Int32, Int64]), Int64);
        assert_eq!(common_type(&[Int64, Float64, Null]), Float64);
        assert_eq!(common_type(&[Utf8, LargeUtf8]), Utf8);
        assert_eq!(common_type(&[Utf8View, Utf8]), Utf8);
        assert_eq!(common_type(&[LargeUtf8, Null]), LargeUtf8);
        assert_eq!(common_type(&[Int64, Utf8]), LargeUtf8);
        assert_eq!(common_type(&[Null, Null]), Null);
    }

    #[test]
    fn iff_picks_then_or_else() {
        for f in kql_iff() {
            // https://learn.microsoft.com/en-us/kusto/query/iff-function examples.
            assert_eq!(call_scalars(&f, vec![b(Some(true)), s("Rain event"), s("Not rain event")]), s("Rain event"));
            assert_eq!(
                call_scalars(&f, vec![b(Some(false)), s("Rain event"), s("Not rain event")]),
                s("Not rain event")
            );
            // A null condition takes the else branch.
            assert_eq!(call_scalars(&f, vec![b(None), i(1), i(2)]), i(2));
            // Numbers widen; dynamic converts to the other branch's type.
            assert_eq!(call_scalars(&f, vec![b(Some(true)), ScalarValue::Int32(Some(1)), i(2)]), i(1));
            assert_eq!(call_scalars(&f, vec![b(Some(true)), dy("5"), i(2)]), i(5));
            assert_eq!(call_scalars(&f, vec![b(Some(true)), dy("\"x\""), s("y")]), s("x"));
            assert_eq!(call_scalars(&f, vec![b(Some(true)), ScalarValue::Utf8(None), s("y")]), s(""));
            assert_eq!(
                call_scalars(&f, vec![b(Some(false)), i(1), ScalarValue::Int64(None)]),
                ScalarValue::Int64(None)
            );
            assert!(call(&f, vec![s("x").into(), i(1).into(), i(2).into()]).is_err());
        }
        let out = call_arrays(
            &kql_iff()[0],
            vec![
                col(BooleanArray::from(vec![Some(true), Some(false), None])),
                col(Int64Array::from(vec![1, 2, 3])),
                ScalarValue::Int64(Some(0)).into(),
            ],
        );
        assert_eq!(out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), vec![Some(1), Some(0), Some(0)]);
    }

    #[test]
    fn coalesce_follows_the_reference() {
        let f = kql_coalesce();
        // https://learn.microsoft.com/en-us/kusto/query/coalesce-function example: coalesce(tolong("not a
        // number"), tolong("42"), 33) == 42.
        assert_eq!(call_scalars(&f, vec![ScalarValue::Int64(None), i(42), ScalarValue::Int32(Some(33))]), i(42));
        assert_eq!(call_scalars(&f, vec![s(""), s("b"), s("c")]), s("b"));
        assert_eq!(call_scalars(&f, vec![ScalarValue::Utf8(None), s("")]), s(""));
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int64(None), ScalarValue::Int64(None)]),
            ScalarValue::Int64(None)
        );
        assert_eq!(call_scalars(&f, vec![dy("null"), dy("[1]")]), dy("[1]"));
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int32(None), ScalarValue::Float64(Some(1.5))]),
            ScalarValue::Float64(Some(1.5))
        );

        let out = call_arrays(
            &f,
            vec![
                col(StringArray::from(vec![Some(""), Some("a"), None])),
                col(LargeStringArray::from(vec![Some("\"d\""), None, None])),
            ],
        );
        let out = out.as_string::<i32>();
        assert_eq!((out.value(0), out.value(1), out.value(2)), ("d", "a", ""));
        assert_eq!(out.null_count(), 0);
        let out = call_arrays(&f, vec![col(Int32Array::from(vec![None, Some(3)])), ScalarValue::Int64(Some(7)).into()]);
        assert_eq!(out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), vec![Some(7), Some(3)]);
    }

    #[test]
    fn not_negates() {
        let f = kql_not();
        assert_eq!(call_scalars(&f, vec![b(Some(true))]), b(Some(false)));
        assert_eq!(call_scalars(&f, vec![b(Some(false))]), b(Some(true)));
        assert_eq!(call_scalars(&f, vec![b(None)]), b(None));
        let out = call_arrays(&f, vec![col(BooleanArray::from(vec![Some(true), None]))]);
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(false), None]);
    }
}
