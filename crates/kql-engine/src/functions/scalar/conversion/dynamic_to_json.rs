//! `dynamic_to_json(expr)`: <https://learn.microsoft.com/en-us/kusto/query/dynamic-to-json-function>
//!
//! The canonical string form of a value, as the page defines it: a scalar of a type other than
//! `dynamic` gives `tostring()` of it; an array gives `[`, the canonical forms of its elements
//! separated by `,`, and `]`; a property bag gives `{`, its `"name":value` pairs sorted by name,
//! and `}`. Two bags with the same properties written in different orders therefore give the
//! same text. Values inside a dynamic are written as compact JSON, numbers as Kusto prints them
//! (`118.0` is `118`).
//!
//! Where the page is silent, Quarry:
//! - sorts names ordinally (by Unicode code point, case-sensitively), which orders the page's
//!   example (`A1`, `A14`, `B1`, ..., `X8`, `Y10`) as shown;
//! - writes a dynamic that holds a single string, number or bool as JSON (a string keeps its
//!   quotes), as an array element is written, so that the result is always JSON text;
//! - returns `""` for a null dynamic, as `tostring()` does (Kusto strings are never null).

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::tostring::to_string_array;
use super::udf::{Args, ret, udf};
use crate::functions::scalar::dynamic::json::{Json, dynamic_at};

/// `kql_dynamic_to_json(any) -> Utf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/dynamic-to-json-function>
pub fn kql_dynamic_to_json() -> ScalarUDF {
    udf("kql_dynamic_to_json", 1..=1, ret::utf8, eval).build()
}

fn eval(args: &Args) -> Result<ArrayRef> {
    let a = args.arg(0);
    if a.data_type() != &DataType::LargeUtf8 {
        // Not a dynamic: tostring() of the value.
        return to_string_array(a);
    }
    let out: StringArray = (0..args.rows)
        .map(|i| {
            let value = dynamic_at(a, i);
            Some(if value.is_null() { String::new() } else { canonical(value).to_text() })
        })
        .collect();
    Ok(Arc::new(out))
}

/// `value` with the properties of every bag in it sorted by name.
fn canonical(value: Json) -> Json {
    match value {
        Json::Arr(items) => Json::Arr(items.into_iter().map(canonical).collect()),
        Json::Obj(entries) => {
            let mut entries: Vec<(String, Json)> = entries.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            entries.sort_by(|(a, _), (b, _)| a.cmp(b));
            Json::Obj(entries)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Array, AsArray, LargeStringArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, dy, s};

    fn text(v: &str) -> ScalarValue {
        ScalarValue::Utf8(Some(v.to_string()))
    }

    #[test]
    fn follows_the_reference() {
        let f = kql_dynamic_to_json();
        let j = |v| call_scalars(&f, vec![v]);
        // https://learn.microsoft.com/en-us/kusto/query/dynamic-to-json-function example: the two
        // bags hold the same properties in different orders and give the same text.
        let bag1 = r#"{"Y10":{},"X8":{"c3":1,"d8":5,"a4":6},"D1":114,"A1":12,"B1":2,"C1":3,"A14":[15,13,18]}"#;
        let bag2 = r#"{"X8":{"a4":6,"c3":1,"d8":5},"A14":[15,13,18],"C1":3,"B1":2,"Y10":{},"A1":12,"D1":114}"#;
        let expected =
            text(r#"{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}"#);
        assert_eq!(j(dy(bag1)), expected);
        assert_eq!(j(dy(bag2)), expected);
        // Bags inside arrays are sorted too; array order is kept.
        assert_eq!(
            j(dy(r#"[3, {"b":1,"a":[{"z":0,"y":1}]}, "s", null, 1.50]"#)),
            text(r#"[3,{"a":[{"y":1,"z":0}],"b":1},"s",null,1.5]"#)
        );
        assert_eq!(j(dy(r#"{"b":"x\"y","B":2}"#)), text(r#"{"B":2,"b":"x\"y"}"#));
        assert_eq!(j(dy("[]")), text("[]"));
        assert_eq!(j(dy("{}")), text("{}"));
        // A dynamic string stays JSON; a null dynamic is the empty string.
        assert_eq!(j(dy(r#""abc""#)), text(r#""abc""#));
        assert_eq!(j(ScalarValue::LargeUtf8(None)), text(""));
        // Other types: tostring().
        assert_eq!(j(s("abc")), text("abc"));
        assert_eq!(j(ScalarValue::Int64(Some(5))), text("5"));
        assert_eq!(j(ScalarValue::Int64(None)), text(""));
        assert_eq!(j(ScalarValue::Boolean(Some(true))), text("true"));
        assert_eq!(j(dt(0)), text("1970-01-01T00:00:00.0000000Z"));
    }

    #[test]
    fn arrays() {
        let out = call_arrays(
            &kql_dynamic_to_json(),
            vec![col(LargeStringArray::from(vec![Some(r#"{"b":1,"a":2}"#), None, Some("[1]")]))],
        );
        let out = out.as_string::<i32>();
        assert_eq!(out.value(0), r#"{"a":2,"b":1}"#);
        assert_eq!(out.value(1), "");
        assert_eq!(out.value(2), "[1]");
        assert_eq!(out.null_count(), 0);
    }
}
