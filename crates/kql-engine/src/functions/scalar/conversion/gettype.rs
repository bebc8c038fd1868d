//! `gettype(value)`: the runtime type of a value, as a string
//! (<https://learn.microsoft.com/en-us/kusto/query/gettype-function>).
//!
//! For the scalar carriers the name is the KQL type: `string`, `int`, `long`, `real`, `decimal`,
//! `bool`, `datetime`, `timespan` (a typed null still has its type; an untyped null is `null`).
//! Quarry carries guids as strings, so a guid reports `string`. For a dynamic value the name is
//! that of the JSON value inside, as on the page: `array`, `dictionary`, `string`, `bool`,
//! `real`, `null`, and for integers `int` when the value fits in 32 bits (the page's
//! `gettype(parse_json('1'))` is `int`) and `long` otherwise.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::udf::{Args, ret, udf};
use crate::functions::scalar::dynamic::json::{Json, dynamic_at};

/// The KQL name of a dynamic value's type.
fn json_type(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Int(n) if i32::try_from(*n).is_ok() => "int",
        Json::Int(_) => "long",
        Json::Real(_) => "real",
        Json::Str(_) => "string",
        Json::Arr(_) => "array",
        Json::Obj(_) => "dictionary",
    }
}

/// The KQL name of a (normalised) carrier type; `None` for dynamic, which depends on the value.
fn carrier_type(t: &DataType) -> Option<&'static str> {
    Some(match t {
        DataType::LargeUtf8 => return None,
        DataType::Utf8 | DataType::Utf8View => "string",
        DataType::Int32 => "int",
        DataType::Int64 => "long",
        DataType::Float64 => "real",
        DataType::Decimal128(..) => "decimal",
        DataType::Boolean => "bool",
        DataType::Timestamp(..) => "datetime",
        DataType::Duration(_) => "timespan",
        DataType::Null => "null",
        _ => "unknown",
    })
}

fn eval(args: &Args) -> Result<ArrayRef> {
    let a = args.arg(0);
    let out: StringArray = match carrier_type(a.data_type()) {
        Some(name) => (0..args.rows).map(|_| Some(name)).collect(),
        None => (0..args.rows).map(|i| Some(json_type(&dynamic_at(a, i)))).collect(),
    };
    Ok(Arc::new(out))
}

/// `kql_gettype(any) -> Utf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/gettype-function>
pub fn kql_gettype() -> ScalarUDF {
    udf("kql_gettype", 1..=1, ret::utf8, eval).build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{AsArray, LargeStringArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, dy, s, ts};

    fn ty(v: ScalarValue) -> String {
        match call_scalars(&kql_gettype(), vec![v]) {
            ScalarValue::Utf8(Some(t)) => t,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn documented_types() {
        // gettype page examples.
        assert_eq!(ty(s("a")), "string");
        assert_eq!(ty(ScalarValue::Int64(Some(111))), "long");
        assert_eq!(ty(ScalarValue::Boolean(Some(true))), "bool");
        assert_eq!(ty(dt(0)), "datetime");
        assert_eq!(ty(ts(1_000_000_000)), "timespan");
        assert_eq!(ty(dy("1")), "int");
        assert_eq!(ty(dy(r#""abc""#)), "string");
        assert_eq!(ty(dy(r#"{"abc":1}"#)), "dictionary");
        assert_eq!(ty(dy("[1, 2, 3]")), "array");
        assert_eq!(ty(ScalarValue::Float64(Some(123.45))), "real");
        assert_eq!(ty(ScalarValue::LargeUtf8(None)), "null");
        // And the rest.
        assert_eq!(ty(ScalarValue::Int32(Some(1))), "int");
        assert_eq!(ty(ScalarValue::Int8(Some(1))), "int");
        assert_eq!(ty(ScalarValue::Decimal128(Some(1), 38, 18)), "decimal");
        assert_eq!(ty(dy("5000000000")), "long");
        assert_eq!(ty(dy("1.5")), "real");
        assert_eq!(ty(dy("false")), "bool");
        assert_eq!(ty(ScalarValue::Int64(None)), "long");
        assert_eq!(ty(ScalarValue::Utf8(None)), "string");
        assert_eq!(ty(ScalarValue::Null), "null");
    }

    #[test]
    fn dynamic_columns_vary_by_row() {
        let out = call_arrays(
            &kql_gettype(),
            vec![col(LargeStringArray::from(vec![Some("[1]"), None, Some("\"x\""), Some("{}")]))],
        );
        assert_eq!(
            out.as_string::<i32>().iter().collect::<Vec<_>>(),
            vec![Some("array"), Some("null"), Some("string"), Some("dictionary")]
        );
    }
}
