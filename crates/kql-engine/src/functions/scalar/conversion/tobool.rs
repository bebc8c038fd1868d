//! `tobool(value)`, alias `toboolean`: <https://learn.microsoft.com/en-us/kusto/query/tobool-function>
//!
//! Text `true`/`false` in any case (or an integer, non-zero being true), numbers (non-zero is
//! true), and dynamic bools, numbers or strings convert; anything else gives null.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int32Type, Int64Type};
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::text::parse_bool;
use super::udf::{Args, ret, strs, udf};
use crate::functions::scalar::dynamic::json::{Json, parse_dynamic_text};

/// `kql_tobool(any) -> Boolean`, also as `kql_toboolean`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/tobool-function>
pub fn kql_tobool() -> Vec<ScalarUDF> {
    udf("kql_tobool", 1..=1, ret::boolean, |a: &Args| to_bool_array(a.arg(0))).build_with_aliases(&["kql_toboolean"])
}

fn real_to_bool(r: f64) -> Option<bool> {
    (!r.is_nan()).then_some(r != 0.0)
}

/// `tobool` over an array.
pub(crate) fn to_bool_array(a: &ArrayRef) -> Result<ArrayRef> {
    let n = a.len();
    let out: BooleanArray = match a.data_type() {
        DataType::Boolean => return Ok(Arc::clone(a)),
        DataType::Null => BooleanArray::new_null(n),
        DataType::Int32 => a.as_primitive::<Int32Type>().iter().map(|v| v.map(|v| v != 0)).collect(),
        DataType::Int64 => a.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| v != 0)).collect(),
        DataType::Float64 => a.as_primitive::<Float64Type>().iter().map(|v| v.and_then(real_to_bool)).collect(),
        DataType::Decimal128(..) => a.as_primitive::<Decimal128Type>().iter().map(|v| v.map(|v| v != 0)).collect(),
        DataType::Utf8 | DataType::Utf8View => {
            let s = strs(a, "tobool")?;
            (0..n).map(|i| s.get(i).and_then(parse_bool)).collect()
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            (0..n)
                .map(|i| {
                    if s.is_null(i) {
                        return None;
                    }
                    match parse_dynamic_text(s.value(i)) {
                        Json::Bool(b) => Some(b),
                        Json::Int(v) => Some(v != 0),
                        Json::Real(r) => real_to_bool(r),
                        Json::Str(t) => parse_bool(&t),
                        _ => None,
                    }
                })
                .collect()
        }
        _ => BooleanArray::new_null(n),
    };
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::StringArray;
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dy, s};

    #[test]
    fn follows_the_reference() {
        for f in kql_tobool() {
            let b = |v| call_scalars(&f, vec![v]);
            // https://learn.microsoft.com/en-us/kusto/query/tobool-function examples.
            assert_eq!(b(s("true")), ScalarValue::Boolean(Some(true)));
            assert_eq!(b(s("false")), ScalarValue::Boolean(Some(false)));
            assert_eq!(b(ScalarValue::Int64(Some(1))), ScalarValue::Boolean(Some(true)));
            assert_eq!(b(ScalarValue::Int64(Some(123))), ScalarValue::Boolean(Some(true)));
            assert_eq!(b(ScalarValue::Int32(Some(0))), ScalarValue::Boolean(Some(false)));
            assert_eq!(b(s("TRUE")), ScalarValue::Boolean(Some(true)));
            assert_eq!(b(s("maybe")), ScalarValue::Boolean(None));
            assert_eq!(b(s("")), ScalarValue::Boolean(None));
            assert_eq!(b(ScalarValue::Utf8(None)), ScalarValue::Boolean(None));
            assert_eq!(b(ScalarValue::Float64(Some(f64::NAN))), ScalarValue::Boolean(None));
            assert_eq!(b(dy("true")), ScalarValue::Boolean(Some(true)));
            assert_eq!(b(dy("\"false\"")), ScalarValue::Boolean(Some(false)));
            assert_eq!(b(dy("[]")), ScalarValue::Boolean(None));
        }
    }

    #[test]
    fn arrays() {
        let f = &kql_tobool()[0];
        let out = call_arrays(f, vec![col(StringArray::from(vec![Some("true"), None, Some("x"), Some("False")]))]);
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(true), None, None, Some(false)]);
    }
}
