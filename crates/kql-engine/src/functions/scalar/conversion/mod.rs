//! KQL conversion functions (`tostring`, `toint`, `tolong`, `toreal`, `todecimal`, `tobool`,
//! `todatetime`, `totimespan`, `toguid`, `new_guid`, `parse_json`, `dynamic_to_json`, `tohex`,
//! `gettype`), and the scaffolding and text forms shared by the conversion, dynamic, datetime,
//! logic, network and math groups.

pub(crate) mod convert;
pub(crate) mod dynamic_to_json;
pub(crate) mod gettype;
pub(crate) mod numbers;
pub(crate) mod parse_json;
pub(crate) mod temporal;
pub(crate) mod text;
pub(crate) mod tobool;
pub(crate) mod toguid;
pub(crate) mod tohex;
pub(crate) mod tostring;
pub(crate) mod udf;

use datafusion::logical_expr::ScalarUDF;

/// Every function of this group.
pub fn all() -> Vec<ScalarUDF> {
    let mut all = vec![
        tostring::kql_tostring(),
        numbers::kql_toint(),
        numbers::kql_tolong(),
        numbers::kql_todecimal(),
        temporal::kql_todatetime(),
        toguid::kql_toguid(),
        toguid::kql_new_guid(),
        dynamic_to_json::kql_dynamic_to_json(),
        gettype::kql_gettype(),
        tohex::kql_tohex(),
    ];
    all.extend(numbers::kql_toreal());
    all.extend(tobool::kql_tobool());
    all.extend(temporal::kql_totimespan());
    all.extend(parse_json::kql_parse_json());
    all
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use datafusion::arrow::array::{Array, AsArray, DictionaryArray, StringViewArray};
    use datafusion::arrow::datatypes::{DataType, Int32Type};
    use datafusion::common::ScalarValue;
    use datafusion::logical_expr::ColumnarValue;

    use super::udf::testing::{call_arrays, find};
    use crate::functions::scalar::{datetime, dynamic, logic, math, network};

    fn mine() -> Vec<datafusion::logical_expr::ScalarUDF> {
        let mut fns = super::all();
        fns.extend(dynamic::all());
        fns.extend(datetime::all());
        fns.extend(logic::all());
        fns.extend(network::all());
        fns.extend(math::all());
        fns
    }

    #[test]
    fn names_are_prefixed_and_unique() {
        let fns = mine();
        let mut seen = HashSet::new();
        for f in &fns {
            assert!(f.name().starts_with("kql_"), "{}", f.name());
            assert!(seen.insert(f.name().to_string()), "duplicate {}", f.name());
        }
        for name in [
            "kql_tostring",
            "kql_todouble",
            "kql_todynamic",
            "kql_dynamic_get",
            "kql_bin",
            "kql_iff",
            "kql_iif",
            "kql_pack",
            "kql_weekofyear",
            "kql_parse_ipv4",
        ] {
            find(&fns, name);
        }
    }

    #[test]
    fn arity_errors_name_the_kql_function() {
        let f = find(&mine(), "kql_tostring");
        let err = f.return_type(&[]).unwrap_err().to_string();
        assert!(err.contains("tostring(): expected 1 arguments, got 0"), "{err}");
    }

    #[test]
    fn dictionary_and_view_strings_are_accepted() {
        let fns = mine();
        let dict: DictionaryArray<Int32Type> = vec!["a", "b", "a"].into_iter().collect();
        let out = call_arrays(&find(&fns, "kql_isempty"), vec![ColumnarValue::Array(Arc::new(dict))]);
        assert_eq!(out.as_boolean().true_count(), 0);

        let view = StringViewArray::from(vec![Some(r#"{"k":1}"#), None]);
        let out = call_arrays(
            &find(&fns, "kql_dynamic_get"),
            vec![ColumnarValue::Array(Arc::new(view)), ScalarValue::from("k").into()],
        );
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), "1");
        assert!(out.is_null(1));

        let view = StringViewArray::from(vec![Some("42"), None]);
        let out = call_arrays(&find(&fns, "kql_tolong"), vec![ColumnarValue::Array(Arc::new(view))]);
        assert_eq!(out.data_type(), &DataType::Int64);
    }

    /// Every function, over awkward values of every carrier type in every argument position up
    /// to three arguments: errors are fine, panics are not.
    #[test]
    fn no_panics_on_awkward_input() {
        use datafusion::arrow::array::{
            ArrayRef, BooleanArray, DurationNanosecondArray, Float64Array, Int32Array, Int64Array, LargeStringArray,
            StringArray, TimestampNanosecondArray,
        };
        let texts = vec![
            Some(""),
            None,
            Some("null"),
            Some("[1,[2,{\"a\":[]}]]"),
            Some("{\"a\":{\"b\":1},\"a\":2}"),
            Some("{\"k\\u0041\":\"\\ud83d\"}"),
            Some("[1,"),
            Some("\u{1F600}é/99:99"),
            Some("-"),
            Some("9999-12-31T23:59:59.9999999Z"),
            Some("255.255.255.255/32"),
            Some("$['a'"),
            Some("year"),
            Some("FFFFFFF dddd MMMM"),
        ];
        fn cycle<T: Clone>(v: &[T]) -> Vec<T> {
            (0..14).map(|k| v[k % v.len()].clone()).collect()
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(texts.clone())),
            Arc::new(LargeStringArray::from(texts.clone())),
            Arc::new(Int64Array::from(cycle(&[Some(i64::MIN), Some(i64::MAX), None, Some(0), Some(-1), Some(1)]))),
            Arc::new(Int32Array::from(cycle(&[Some(i32::MIN), Some(i32::MAX), None, Some(0), Some(-1), Some(33)]))),
            Arc::new(Float64Array::from(cycle(&[
                Some(f64::NAN),
                Some(f64::INFINITY),
                Some(-0.0),
                None,
                Some(1e300),
                Some(-1e-300),
                Some(0.5),
            ]))),
            Arc::new(TimestampNanosecondArray::from(cycle(&[Some(i64::MIN), Some(i64::MAX), None, Some(0), Some(-1)]))),
            Arc::new(DurationNanosecondArray::from(cycle(&[Some(i64::MIN), Some(i64::MAX), None, Some(0), Some(-1)]))),
            Arc::new(BooleanArray::from(cycle(&[Some(true), None, Some(false)]))),
        ];
        for f in mine() {
            // range() and repeat() turn the extreme integers into arrays of 2^20 elements, which
            // makes the cross product slow; their own tests cover those extremes.
            if matches!(f.name(), "kql_range" | "kql_repeat") {
                for a in &columns {
                    let _ = super::udf::testing::call(&f, vec![a.clone().into(), a.clone().into()]);
                }
                continue;
            }
            for a in &columns {
                let _ = super::udf::testing::call(&f, vec![ColumnarValue::Array(a.clone())]);
                for b in &columns {
                    let _ = super::udf::testing::call(&f, vec![a.clone().into(), b.clone().into()]);
                    for c in &columns {
                        let _ =
                            super::udf::testing::call(&f, vec![a.clone().into(), b.clone().into(), c.clone().into()]);
                    }
                }
            }
        }
    }
}
