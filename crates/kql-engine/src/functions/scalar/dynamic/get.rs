//! `kql_dynamic_get(value, step, ...)`: member access and indexing on dynamic values, what the
//! planner lowers `x.a`, `x['a']`, `x[0]` and chains such as `x.a.b[-1]` to.
//! <https://learn.microsoft.com/en-us/kusto/query/scalar-data-types/dynamic#dynamic-object-accessors>
//!
//! `value` is dynamic (`LargeUtf8` JSON) or a string (`Utf8`, parsed as JSON; text that is not
//! JSON is a string value, whose members are all absent). Each step is a key (`Utf8`) or an
//! index (`Int64`/`Int32`; a negative index counts from the end). The result is dynamic: the
//! value found, compact, or null when any step is absent, or applied to the wrong kind of value
//! (a key on an array, an index on a bag, anything on a scalar). Values are found by scanning
//! the JSON text, without building the parts that are not on the path.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, LargeStringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::ScalarUDF;

use super::json::{Json, Step, dynamic_at, dynamic_text_at, lookup, normalize_text};
use crate::functions::scalar::conversion::udf::{Args, Ints, Strs, ints, normalize, ret, strs, udf};

/// `kql_dynamic_get(dynamic | string, (Utf8 | Int64)...) -> LargeUtf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/scalar-data-types/dynamic>
pub fn kql_dynamic_get() -> ScalarUDF {
    udf("kql_dynamic_get", 2..=usize::MAX, ret::dynamic, eval).coerce(coerce).build()
}

fn coerce(types: &[DataType]) -> Result<Vec<DataType>> {
    let mut out = Vec::with_capacity(types.len());
    for (k, t) in types.iter().enumerate() {
        let t = normalize(t);
        if k > 0
            && !matches!(
                t,
                DataType::Utf8
                    | DataType::Utf8View
                    | DataType::LargeUtf8
                    | DataType::Int32
                    | DataType::Int64
                    | DataType::Null
            )
        {
            return exec_err!("dynamic member access: a key must be a string or an integer, got {t}");
        }
        out.push(t);
    }
    Ok(out)
}

/// One step argument.
enum StepArg<'a> {
    Key(Strs<'a>),
    Index(Ints<'a>),
    Dynamic(&'a ArrayRef),
}

fn eval(args: &Args) -> Result<ArrayRef> {
    let base = args.arg(0);
    let steps: Vec<StepArg> = args.arrays[1..]
        .iter()
        .map(|a| {
            Ok(match a.data_type() {
                DataType::LargeUtf8 => StepArg::Dynamic(a),
                DataType::Utf8 | DataType::Utf8View => StepArg::Key(strs(a, "dynamic member access")?),
                _ => StepArg::Index(ints(a, "dynamic index")?),
            })
        })
        .collect::<Result<_>>()?;
    let out: LargeStringArray = (0..args.rows).map(|i| get_row(base, &steps, i)).collect();
    Ok(Arc::new(out))
}

fn get_row(base: &ArrayRef, steps: &[StepArg], i: usize) -> Option<String> {
    let text = dynamic_text_at(base, i)?;
    let mut cur: &str = &text;
    for step in steps {
        let owned_key;
        let step = match step {
            StepArg::Key(k) => Step::Key(k.str(i)),
            StepArg::Index(ix) => Step::Index(ix.get(i)?),
            StepArg::Dynamic(a) => match dynamic_at(a, i) {
                Json::Str(k) => {
                    owned_key = k;
                    Step::Key(&owned_key)
                }
                Json::Int(ix) => Step::Index(ix),
                _ => return None,
            },
        };
        cur = lookup(cur, step)?;
    }
    normalize_text(cur)
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{AsArray, Int64Array, LargeStringArray, StringArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dy, s};

    fn get(base: ScalarValue, steps: Vec<ScalarValue>) -> ScalarValue {
        let mut args = vec![base];
        args.extend(steps);
        call_scalars(&kql_dynamic_get(), args)
    }

    fn i(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    #[test]
    fn members_and_indexes() {
        // https://learn.microsoft.com/en-us/kusto/query/parse-json-function: d.duration.value.
        let d = dy(r#"{"duration":{"value":118.0,"count":5.0,"min":100.0}}"#);
        assert_eq!(get(d.clone(), vec![s("duration"), s("value")]), dy("118"));
        assert_eq!(get(d.clone(), vec![s("duration"), s("min")]), dy("100"));
        assert_eq!(get(d.clone(), vec![s("duration")]), dy(r#"{"value":118,"count":5,"min":100}"#));
        assert_eq!(get(d, vec![s("nope")]), ScalarValue::LargeUtf8(None));
        let arr = dy(r#"[10, "b", {"c": [1, 2]}]"#);
        assert_eq!(get(arr.clone(), vec![i(0)]), dy("10"));
        assert_eq!(get(arr.clone(), vec![i(-1), s("c"), i(1)]), dy("2"));
        assert_eq!(get(arr.clone(), vec![i(1)]), dy("\"b\""));
        assert_eq!(get(arr.clone(), vec![i(3)]), ScalarValue::LargeUtf8(None));
        assert_eq!(get(arr.clone(), vec![i(-4)]), ScalarValue::LargeUtf8(None));
        assert_eq!(get(arr, vec![s("a")]), ScalarValue::LargeUtf8(None));
        assert_eq!(get(dy(r#"{"a":1}"#), vec![i(0)]), ScalarValue::LargeUtf8(None));
        assert_eq!(get(dy(r#"{"a":null}"#), vec![s("a")]), ScalarValue::LargeUtf8(None));
        assert_eq!(get(dy(r#"{"a":1}"#), vec![ScalarValue::Int32(Some(0))]), ScalarValue::LargeUtf8(None));
    }

    #[test]
    fn nulls_scalars_and_strings() {
        assert_eq!(get(ScalarValue::LargeUtf8(None), vec![s("a")]), ScalarValue::LargeUtf8(None));
        assert_eq!(get(dy("5"), vec![s("a")]), ScalarValue::LargeUtf8(None));
        assert_eq!(get(dy("\"text\""), vec![i(0)]), ScalarValue::LargeUtf8(None));
        // A string column is parsed as JSON.
        assert_eq!(get(s(r#"{"a": {"b": true}}"#), vec![s("a"), s("b")]), dy("true"));
        assert_eq!(get(s("not json"), vec![s("a")]), ScalarValue::LargeUtf8(None));
        assert_eq!(get(s(""), vec![s("a")]), ScalarValue::LargeUtf8(None));
        // Invalid dynamic text gives null rather than an error.
        assert_eq!(get(dy(r#"{"a": 1,"#), vec![s("a")]), ScalarValue::LargeUtf8(None));
        // Null index: null.
        assert_eq!(get(dy("[1]"), vec![ScalarValue::Int64(None)]), ScalarValue::LargeUtf8(None));
        // A key held in a dynamic string.
        assert_eq!(get(dy(r#"{"a":2}"#), vec![dy("\"a\"")]), dy("2"));
    }

    #[test]
    fn arrays() {
        let base = col(LargeStringArray::from(vec![Some(r#"{"a":[1,2]}"#), None, Some(r#"{"a":"x"}"#), Some("[]")]));
        let out = call_arrays(
            &kql_dynamic_get(),
            vec![base.clone(), datafusion::logical_expr::ColumnarValue::Scalar(s("a"))],
        );
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), "[1,2]");
        assert!(out.is_null(1));
        assert_eq!(out.value(2), "\"x\"");
        assert!(out.is_null(3));

        let idx = col(Int64Array::from(vec![Some(1), Some(0), Some(-1)]));
        let base = col(StringArray::from(vec![Some("[5,6]"), Some("[7]"), None]));
        let out = call_arrays(&kql_dynamic_get(), vec![base, idx]);
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), "6");
        assert_eq!(out.value(1), "7");
        assert!(out.is_null(2));
    }
}
