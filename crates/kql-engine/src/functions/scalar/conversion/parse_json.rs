//! `parse_json(json)`, aliases `todynamic`, `parsejson`, `toobject`:
//! <https://learn.microsoft.com/en-us/kusto/query/parse-json-function>
//!
//! A dynamic value is returned as it is. A string holding valid JSON is parsed and returned as
//! compact JSON (numbers as Kusto prints them: `118.0` becomes `118`); a string that is not
//! valid JSON becomes a dynamic string holding the original text; the empty string gives a null
//! dynamic (`isnull(parse_json(""))` is true). Other scalars become their dynamic value.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, LargeStringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::udf::{ret, strs, udf};
use crate::functions::scalar::dynamic::json::{Json, parse_dynamic_text, value_at};

/// `kql_parse_json(string | dynamic | any) -> LargeUtf8`, also as `kql_todynamic`,
/// `kql_parsejson` and `kql_toobject`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/parse-json-function>
pub fn kql_parse_json() -> Vec<ScalarUDF> {
    udf("kql_parse_json", 1..=1, ret::dynamic, |a| to_dynamic_array(a.arg(0))).build_with_aliases(&[
        "kql_todynamic",
        "kql_parsejson",
        "kql_toobject",
    ])
}

fn text_of(v: Json) -> Option<String> {
    (!v.is_null()).then(|| v.to_text())
}

/// `parse_json` over an array.
pub(crate) fn to_dynamic_array(a: &ArrayRef) -> Result<ArrayRef> {
    let n = a.len();
    let out: LargeStringArray = match a.data_type() {
        DataType::LargeUtf8 => return Ok(Arc::clone(a)),
        DataType::Null => LargeStringArray::new_null(n),
        DataType::Utf8 | DataType::Utf8View => {
            let s = strs(a, "parse_json")?;
            (0..n).map(|i| s.get(i).and_then(|t| text_of(parse_dynamic_text(t)))).collect()
        }
        _ => (0..n).map(|i| text_of(value_at(a, i))).collect(),
    };
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{AsArray, Int64Array, StringArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dy, s};

    #[test]
    fn follows_the_reference() {
        for f in kql_parse_json() {
            let p = |v| call_scalars(&f, vec![v]);
            // https://learn.microsoft.com/en-us/kusto/query/parse-json-function examples.
            assert_eq!(
                p(s(r#"{"duration":{"value":118.0,"count":5.0,"min":100.0,"max":150.0,"stdDev":0.0}}"#)),
                dy(r#"{"duration":{"value":118,"count":5,"min":100,"max":150,"stdDev":0}}"#)
            );
            assert_eq!(p(s(r#"{"a":123, "b":"{\"c\":456}"}"#)), dy(r#"{"a":123,"b":"{\"c\":456}"}"#));
            // Dynamic input is used as is.
            assert_eq!(p(dy(r#"{ "a" : 1 }"#)), dy(r#"{ "a" : 1 }"#));
            // Invalid JSON: a dynamic string holding the text.
            assert_eq!(p(s("not json")), dy(r#""not json""#));
            // https://learn.microsoft.com/en-us/kusto/query/isnull-function: parse_json("") is null.
            assert_eq!(p(s("")), ScalarValue::LargeUtf8(None));
            assert_eq!(p(ScalarValue::Utf8(None)), ScalarValue::LargeUtf8(None));
            assert_eq!(p(s("null")), ScalarValue::LargeUtf8(None));
            assert_eq!(p(s("[]")), dy("[]"));
            assert_eq!(p(ScalarValue::Int64(Some(5))), dy("5"));
        }
    }

    #[test]
    fn arrays() {
        let f = &kql_parse_json()[0];
        let out = call_arrays(f, vec![col(StringArray::from(vec![Some("[1, 2]"), None, Some("x")]))]);
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), "[1,2]");
        assert!(out.is_null(1));
        assert_eq!(out.value(2), "\"x\"");
        let out = call_arrays(f, vec![col(Int64Array::from(vec![Some(1), None]))]);
        assert_eq!(out.as_string::<i64>().value(0), "1");
        assert!(out.is_null(1));
    }
}
