//! The element lists the planner feeds to `unnest` to implement `mv-expand`:
//! <https://learn.microsoft.com/en-us/kusto/query/mv-expand-operator>
//!
//! `kql_json_array_elements(value, [kind])` returns a `List<LargeUtf8>` per row, following the
//! operator's rules:
//!
//! - an array: one entry per element, in order (an element that is JSON `null` is a null entry);
//! - a property bag: one entry per member, as a one-key bag `{"key": value}` (`kind='bag'`, the
//!   default) or as a two-element array `["key", value]` (`kind='array'`);
//! - an empty array or bag: an empty list (no output row);
//! - null (or an empty string): a list holding one null entry, so the row is kept with a null;
//! - any other value (a number, a string): a list holding that value, so it expands to itself.
//!
//! `kql_bag_entries(value)` is the same with `kind='bag'`. Entries are compact JSON text.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, LargeStringBuilder, ListBuilder};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::ScalarUDF;

use super::json::{Json, Shape, array_elements, dynamic_text_at, normalize_text, object_members, quote, shape};
use crate::functions::scalar::conversion::udf::{Args, strs, udf};

fn list_type(_: &[DataType]) -> Result<DataType> {
    Ok(DataType::List(Arc::new(Field::new_list_field(DataType::LargeUtf8, true))))
}

/// `kql_json_array_elements(dynamic | string, [kind: 'bag' | 'array']) -> List<LargeUtf8>`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/mv-expand-operator>
pub fn kql_json_array_elements() -> ScalarUDF {
    udf("kql_json_array_elements", 1..=2, list_type, |args: &Args| {
        let kinds = args.arrays.get(1).map(|a| strs(a, "mv-expand kind")).transpose()?;
        let mut builder = ListBuilder::new(LargeStringBuilder::new());
        for i in 0..args.rows {
            let as_array = match kinds.as_ref().map(|k| k.str(i).to_ascii_lowercase()) {
                None => false,
                Some(k) if k.is_empty() || k == "bag" => false,
                Some(k) if k == "array" => true,
                Some(k) => return exec_err!("mv-expand: unknown kind '{k}', expected 'bag' or 'array'"),
            };
            expand_row(args.arg(0), i, as_array, &mut builder);
        }
        Ok(Arc::new(builder.finish()) as ArrayRef)
    })
    .build()
}

/// `kql_bag_entries(dynamic | string) -> List<LargeUtf8>`: `kql_json_array_elements` with
/// `kind='bag'`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/mv-expand-operator>
pub fn kql_bag_entries() -> ScalarUDF {
    udf("kql_bag_entries", 1..=1, list_type, |args: &Args| {
        let mut builder = ListBuilder::new(LargeStringBuilder::new());
        for i in 0..args.rows {
            expand_row(args.arg(0), i, false, &mut builder);
        }
        Ok(Arc::new(builder.finish()) as ArrayRef)
    })
    .build()
}

fn expand_row(a: &ArrayRef, i: usize, bag_as_array: bool, out: &mut ListBuilder<LargeStringBuilder>) {
    let Some(text) = dynamic_text_at(a, i) else {
        out.values().append_null();
        out.append(true);
        return;
    };
    match shape(&text) {
        Shape::Array => {
            if let Some(items) = array_elements(&text) {
                for item in items {
                    out.values().append_option(normalize_text(item));
                }
                out.append(true);
                return;
            }
        }
        Shape::Object => {
            if let Some(members) = object_members(&text) {
                for (key, value) in members {
                    let value = normalize_text(value).unwrap_or_else(|| "null".to_string());
                    let key = quote(&key);
                    let entry = if bag_as_array { format!("[{key},{value}]") } else { format!("{{{key}:{value}}}") };
                    out.values().append_value(entry);
                }
                out.append(true);
                return;
            }
        }
        _ => {}
    }
    // A scalar (or text that is not valid JSON, kept as a string): expands to itself.
    let value = normalize_text(&text).unwrap_or_else(|| Json::Str(text.to_string()).to_text());
    out.values().append_value(value);
    out.append(true);
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Array, AsArray, LargeStringArray, StringArray};
    use datafusion::logical_expr::ColumnarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, col, s};

    fn rows(out: &ArrayRef) -> Vec<Vec<Option<String>>> {
        let list = out.as_list::<i32>();
        (0..list.len())
            .map(|r| {
                let v = list.value(r);
                let v = v.as_string::<i64>();
                (0..v.len()).map(|k| (!v.is_null(k)).then(|| v.value(k).to_string())).collect()
            })
            .collect()
    }

    fn some(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn follows_mv_expand_rules() {
        // https://learn.microsoft.com/en-us/kusto/query/mv-expand-operator examples and rules.
        let input = col(LargeStringArray::from(vec![
            Some("[10, 20]"),
            Some(r#"["a", "b"]"#),
            Some(r#"{"prop1": "a1", "prop2": "b1"}"#),
            Some("[]"),
            Some("{}"),
            None,
            Some("5"),
            Some("[1, null, {\"x\": 1.0}]"),
        ]));
        let out = call_arrays(&kql_json_array_elements(), vec![input.clone()]);
        assert_eq!(
            rows(&out),
            vec![
                vec![some("10"), some("20")],
                vec![some("\"a\""), some("\"b\"")],
                vec![some(r#"{"prop1":"a1"}"#), some(r#"{"prop2":"b1"}"#)],
                vec![],
                vec![],
                vec![None],
                vec![some("5")],
                vec![some("1"), None, some(r#"{"x":1}"#)],
            ]
        );
        let out = call_arrays(&kql_json_array_elements(), vec![input.clone(), ColumnarValue::Scalar(s("array"))]);
        assert_eq!(rows(&out)[2], vec![some(r#"["prop1","a1"]"#), some(r#"["prop2","b1"]"#)]);
        let out = call_arrays(&kql_bag_entries(), vec![input]);
        assert_eq!(rows(&out)[2], vec![some(r#"{"prop1":"a1"}"#), some(r#"{"prop2":"b1"}"#)]);
        assert!(
            crate::functions::scalar::conversion::udf::testing::call(
                &kql_json_array_elements(),
                vec![ColumnarValue::Scalar(s("[1]")), ColumnarValue::Scalar(s("rows"))]
            )
            .is_err()
        );
    }

    #[test]
    fn strings_are_parsed() {
        let input = col(StringArray::from(vec![Some("[1,2]"), Some("plain"), Some(""), None]));
        let out = call_arrays(&kql_json_array_elements(), vec![input]);
        assert_eq!(rows(&out), vec![vec![some("1"), some("2")], vec![some("\"plain\"")], vec![None], vec![None]]);
    }
}
