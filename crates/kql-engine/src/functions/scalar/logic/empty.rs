//! Null and emptiness tests. Kusto strings are never null: a null `Utf8` is the empty string.
//!
//! - `isempty(value)`: true for null and for the empty string; for dynamic, true for null and
//!   for an empty JSON string, false for `[]` and `{}`:
//!   <https://learn.microsoft.com/en-us/kusto/query/isempty-function>
//! - `isnotempty(value)`: the negation: <https://learn.microsoft.com/en-us/kusto/query/isnotempty-function>
//! - `isnull(value)`: true for null numbers, datetimes, timespans, bools and dynamic nulls;
//!   always false for strings (`isnull("")` is false): <https://learn.microsoft.com/en-us/kusto/query/isnull-function>
//! - `isnotnull(value)`: the negation: <https://learn.microsoft.com/en-us/kusto/query/isnotnull-function>
//!
//! All four return a non-null bool.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use crate::functions::scalar::conversion::udf::{Args, ret, strs, udf};

/// True when dynamic JSON text is null, `null`, empty, or the empty JSON string.
fn dynamic_is_empty(text: Option<&str>) -> bool {
    match text.map(str::trim) {
        None | Some("") | Some("null") | Some("\"\"") => true,
        Some(_) => false,
    }
}

/// True when dynamic JSON text is null or `null`.
fn dynamic_is_null(text: Option<&str>) -> bool {
    matches!(text.map(str::trim), None | Some("null"))
}

/// `isempty` over an array.
pub(crate) fn is_empty_array(a: &ArrayRef) -> Result<BooleanArray> {
    let n = a.len();
    Ok(match a.data_type() {
        DataType::Null => BooleanArray::from(vec![true; n]),
        DataType::Utf8 | DataType::Utf8View => {
            let s = strs(a, "isempty")?;
            (0..n).map(|i| Some(s.str(i).is_empty())).collect()
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            (0..n).map(|i| Some(dynamic_is_empty((!s.is_null(i)).then(|| s.value(i))))).collect()
        }
        _ => (0..n).map(|i| Some(a.is_null(i))).collect(),
    })
}

/// `isnull` over an array.
pub(crate) fn is_null_array(a: &ArrayRef) -> Result<BooleanArray> {
    let n = a.len();
    Ok(match a.data_type() {
        DataType::Null => BooleanArray::from(vec![true; n]),
        DataType::Utf8 | DataType::Utf8View => BooleanArray::from(vec![false; n]),
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            (0..n).map(|i| Some(dynamic_is_null((!s.is_null(i)).then(|| s.value(i))))).collect()
        }
        _ => (0..n).map(|i| Some(a.is_null(i))).collect(),
    })
}

fn negate(b: BooleanArray) -> ArrayRef {
    Arc::new(datafusion::arrow::compute::not(&b).expect("not of a bool array"))
}

/// `kql_isempty(any) -> Boolean`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/isempty-function>
pub fn kql_isempty() -> ScalarUDF {
    udf("kql_isempty", 1..=1, ret::boolean, |a: &Args| Ok(Arc::new(is_empty_array(a.arg(0))?) as ArrayRef)).build()
}

/// `kql_isnotempty(any) -> Boolean`, also as `kql_notempty` (deprecated alias).
///
/// <https://learn.microsoft.com/en-us/kusto/query/isnotempty-function>
pub fn kql_isnotempty() -> Vec<ScalarUDF> {
    udf("kql_isnotempty", 1..=1, ret::boolean, |a: &Args| Ok(negate(is_empty_array(a.arg(0))?)))
        .build_with_aliases(&["kql_notempty"])
}

/// `kql_isnull(any) -> Boolean`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/isnull-function>
pub fn kql_isnull() -> ScalarUDF {
    udf("kql_isnull", 1..=1, ret::boolean, |a: &Args| Ok(Arc::new(is_null_array(a.arg(0))?) as ArrayRef)).build()
}

/// `kql_isnotnull(any) -> Boolean`, also as `kql_notnull` (deprecated alias).
///
/// <https://learn.microsoft.com/en-us/kusto/query/isnotnull-function>
pub fn kql_isnotnull() -> Vec<ScalarUDF> {
    udf("kql_isnotnull", 1..=1, ret::boolean, |a: &Args| Ok(negate(is_null_array(a.arg(0))?)))
        .build_with_aliases(&["kql_notnull"])
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Int64Array, LargeStringArray, StringArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, dy, s};

    fn b(v: bool) -> ScalarValue {
        ScalarValue::Boolean(Some(v))
    }

    #[test]
    fn isempty_follows_the_reference() {
        let f = kql_isempty();
        let g = &kql_isnotempty()[0];
        // https://learn.microsoft.com/en-us/kusto/query/isempty-function example table.
        for (v, want) in [
            (s(""), true),
            (s("x"), false),
            (ScalarValue::LargeUtf8(None), true), // parsejson("")
            (dy("[]"), false),
            (dy("{}"), false),
            (ScalarValue::Utf8(None), true),
            (dy("\"\""), true),
            (dy("0"), false),
            (ScalarValue::Int64(None), true),
            (ScalarValue::Int64(Some(0)), false),
            (ScalarValue::TimestampNanosecond(None, None), true),
            (dt(0), false),
            (ScalarValue::Null, true),
        ] {
            assert_eq!(call_scalars(&f, vec![v.clone()]), b(want), "isempty({v:?})");
            assert_eq!(call_scalars(g, vec![v.clone()]), b(!want), "isnotempty({v:?})");
        }
    }

    #[test]
    fn isnull_follows_the_reference() {
        let f = kql_isnull();
        let g = &kql_isnotnull()[0];
        // https://learn.microsoft.com/en-us/kusto/query/isnull-function example table.
        for (v, want) in [
            (s(""), false),
            (s("x"), false),
            (ScalarValue::LargeUtf8(None), true), // parse_json("")
            (dy("[]"), false),
            (dy("{}"), false),
            (ScalarValue::Utf8(None), false),
            (dy("null"), true),
            (ScalarValue::Int32(None), true),
            (ScalarValue::Float64(Some(f64::NAN)), false),
            (ScalarValue::Boolean(None), true),
            (ScalarValue::Null, true),
        ] {
            assert_eq!(call_scalars(&f, vec![v.clone()]), b(want), "isnull({v:?})");
            assert_eq!(call_scalars(g, vec![v.clone()]), b(!want), "isnotnull({v:?})");
        }
    }

    #[test]
    fn arrays() {
        let out = call_arrays(&kql_isempty(), vec![col(StringArray::from(vec![Some(""), None, Some("a")]))]);
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(true), Some(true), Some(false)]);
        let out = call_arrays(&kql_isnull(), vec![col(Int64Array::from(vec![Some(1), None]))]);
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(false), Some(true)]);
        let out =
            call_arrays(&kql_isnotnull()[1], vec![col(LargeStringArray::from(vec![Some("1"), None, Some(" null ")]))]);
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(true), Some(false), Some(false)]);
    }
}
