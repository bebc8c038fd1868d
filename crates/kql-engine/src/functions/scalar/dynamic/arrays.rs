//! Dynamic-array functions. An argument that is not an array (a bag, a scalar, null) makes the
//! result null unless a function's page says otherwise.
//!
//! - `array_length(a)`: <https://learn.microsoft.com/en-us/kusto/query/array-length-function>
//! - `array_concat(a1, ...)`: <https://learn.microsoft.com/en-us/kusto/query/array-concat-function>
//! - `array_slice(a, start, end)`: <https://learn.microsoft.com/en-us/kusto/query/array-slice-function>
//! - `array_reverse(a)`: <https://learn.microsoft.com/en-us/kusto/query/array-reverse-function>
//! - `array_sort_asc(a1, ..., [nulls_last])`, `array_sort_desc(...)`:
//!   <https://learn.microsoft.com/en-us/kusto/query/array-sort-asc-function>,
//!   <https://learn.microsoft.com/en-us/kusto/query/array-sort-desc-function>
//! - `zip(a1, a2, ...)`: <https://learn.microsoft.com/en-us/kusto/query/zip-function>
//! - `strcat_array(a, delimiter)`: <https://learn.microsoft.com/en-us/kusto/query/strcat-array-function>

use std::cmp::Ordering;
use std::sync::Arc;

use std::fmt::Write;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, LargeStringArray, StringBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::json::{Json, array_elements, dynamic_at, dynamic_text_at};
use crate::functions::scalar::conversion::tostring::to_string_array;
use crate::functions::scalar::conversion::udf::{Args, bools, ints, ret, udf};

/// A dynamic output column from optional JSON values (`None` and JSON null are null).
pub(crate) fn dynamic_out(values: impl IntoIterator<Item = Option<Json>>) -> ArrayRef {
    let out: LargeStringArray =
        values.into_iter().map(|v| v.and_then(|v| (!v.is_null()).then(|| v.to_text()))).collect();
    Arc::new(out)
}

/// The elements of the dynamic array at row `i` of `a`, `None` when it is not an array.
pub(crate) fn array_at(a: &ArrayRef, i: usize) -> Option<Vec<Json>> {
    match dynamic_at(a, i) {
        Json::Arr(items) => Some(items),
        _ => None,
    }
}

/// `kql_array_length(dynamic) -> Int64`: the number of elements, null when not an array.
///
/// <https://learn.microsoft.com/en-us/kusto/query/array-length-function>
pub fn kql_array_length() -> ScalarUDF {
    udf("kql_array_length", 1..=1, ret::long, |args: &Args| {
        let a = args.arg(0);
        let out: Int64Array = (0..args.rows)
            .map(|i| {
                let text = dynamic_text_at(a, i)?;
                array_elements(&text).map(|e| e.len() as i64)
            })
            .collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_array_sum(dynamic) -> real`: the sum of a numeric array; null when it is not an array
/// or holds a value that is not a number.
///
/// <https://learn.microsoft.com/en-us/kusto/query/array-sum-function>
pub fn kql_array_sum() -> ScalarUDF {
    udf("kql_array_sum", 1..=1, ret::real, |args: &Args| {
        let a = args.arg(0);
        let out: datafusion::arrow::array::Float64Array = (0..args.rows)
            .map(|i| {
                let items = array_at(a, i)?;
                items.iter().map(|item| item.as_f64()).sum::<Option<f64>>()
            })
            .collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_array_concat(dynamic, ...) -> LargeUtf8`: the arrays one after the other.
///
/// <https://learn.microsoft.com/en-us/kusto/query/array-concat-function>
pub fn kql_array_concat() -> ScalarUDF {
    udf("kql_array_concat", 1..=usize::MAX, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let mut all = Vec::new();
            for a in &args.arrays {
                all.extend(array_at(a, i)?);
            }
            Some(Json::Arr(all))
        })))
    })
    .build()
}

/// `kql_array_slice(dynamic, start, end) -> LargeUtf8`: elements `start..=end`; negative indexes
/// count from the end; out-of-range bounds are clamped.
///
/// <https://learn.microsoft.com/en-us/kusto/query/array-slice-function>
pub fn kql_array_slice() -> ScalarUDF {
    udf("kql_array_slice", 3..=3, ret::dynamic, |args: &Args| {
        let (start, end) = (ints(args.arg(1), "array_slice start")?, ints(args.arg(2), "array_slice end")?);
        Ok(dynamic_out((0..args.rows).map(|i| {
            let items = array_at(args.arg(0), i)?;
            let len = items.len() as i64;
            let fix = |v: i64| if v < 0 { len + v } else { v };
            let (s, e) = (fix(start.get(i)?).max(0), fix(end.get(i)?).min(len - 1));
            if s > e {
                return Some(Json::Arr(Vec::new()));
            }
            Some(Json::Arr(items.into_iter().skip(s as usize).take((e - s + 1) as usize).collect()))
        })))
    })
    .build()
}

/// `kql_array_reverse(dynamic) -> LargeUtf8`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/array-reverse-function>
pub fn kql_array_reverse() -> ScalarUDF {
    udf("kql_array_reverse", 1..=1, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let mut items = array_at(args.arg(0), i)?;
            items.reverse();
            Some(Json::Arr(items))
        })))
    })
    .build()
}

/// `kql_zip(dynamic, dynamic, ...) -> LargeUtf8`: an array of arrays, the k-th holding the k-th
/// element of every input; shorter inputs are padded with null.
///
/// <https://learn.microsoft.com/en-us/kusto/query/zip-function>
pub fn kql_zip() -> ScalarUDF {
    udf("kql_zip", 2..=usize::MAX, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let inputs = args.arrays.iter().map(|a| array_at(a, i)).collect::<Option<Vec<_>>>()?;
            let len = inputs.iter().map(Vec::len).max().unwrap_or(0);
            let mut iters: Vec<_> = inputs.into_iter().map(|v| v.into_iter()).collect();
            let rows =
                (0..len).map(|_| Json::Arr(iters.iter_mut().map(|it| it.next().unwrap_or(Json::Null)).collect()));
            Some(Json::Arr(rows.collect()))
        })))
    })
    .build()
}

/// `kql_strcat_array(dynamic, delimiter) -> Utf8`: the elements of the array, each in its
/// `tostring()` form (a string's own text, numbers and bools as Kusto prints them, arrays and
/// bags as JSON text), joined with the delimiter (any scalar, in its string form).
///
/// The page documents only arrays of values. Where it is silent, Quarry follows Kusto's rule
/// that strings are never null: a null element reads as `""` (as `tostring(null)` does), and an
/// argument that is not an array (null, a bag, a scalar) gives `""`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/strcat-array-function>
pub fn kql_strcat_array() -> ScalarUDF {
    udf("kql_strcat_array", 2..=2, ret::utf8, |args: &Args| {
        let delimiters = to_string_array(args.arg(1))?;
        let delimiters = delimiters.as_string::<i32>();
        // Each row is written into the array's own buffer (a row that is not an array is "").
        let mut out = StringBuilder::with_capacity(args.rows, 0);
        for i in 0..args.rows {
            if let Some(items) = array_at(args.arg(0), i) {
                let delimiter = if delimiters.is_null(i) { "" } else { delimiters.value(i) };
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.write_str(delimiter)?;
                    }
                    out.write_str(&item.to_kusto_string())?;
                }
            }
            out.append_value("");
        }
        Ok(Arc::new(out.finish()) as ArrayRef)
    })
    .build()
}

/// `kql_array_sort_asc(dynamic, ..., [nulls_last: bool]) -> LargeUtf8`.
///
/// With one array, the sorted array. With several, the first is sorted and the others are
/// reordered to match; Kusto returns them as separate columns, Quarry as one dynamic array of
/// the arrays (`[sorted1, reordered2, ...]`), an array whose length differs from the first's
/// being null.
///
/// <https://learn.microsoft.com/en-us/kusto/query/array-sort-asc-function>
pub fn kql_array_sort_asc() -> ScalarUDF {
    udf("kql_array_sort_asc", 1..=usize::MAX, ret::dynamic, |args: &Args| sort(args, false)).build()
}

/// `kql_array_sort_desc(dynamic, ..., [nulls_last: bool]) -> LargeUtf8`; see
/// [`kql_array_sort_asc`].
///
/// <https://learn.microsoft.com/en-us/kusto/query/array-sort-desc-function>
pub fn kql_array_sort_desc() -> ScalarUDF {
    udf("kql_array_sort_desc", 1..=usize::MAX, ret::dynamic, |args: &Args| sort(args, true)).build()
}

/// The sort rank of an element's type: numbers first, then strings, then everything else.
fn type_rank(v: &Json) -> u8 {
    match v {
        Json::Int(_) | Json::Real(_) => 0,
        Json::Str(_) => 1,
        _ => 2,
    }
}

/// Kusto's order for array elements of mixed types (nulls handled by the caller).
pub(crate) fn compare(a: &Json, b: &Json) -> Ordering {
    match (a, b) {
        (Json::Int(x), Json::Int(y)) => x.cmp(y),
        (Json::Int(_) | Json::Real(_), Json::Int(_) | Json::Real(_)) => {
            a.as_f64().unwrap_or(0.0).total_cmp(&b.as_f64().unwrap_or(0.0))
        }
        (Json::Str(x), Json::Str(y)) => x.cmp(y),
        (Json::Bool(x), Json::Bool(y)) => x.cmp(y),
        _ => type_rank(a).cmp(&type_rank(b)).then_with(|| a.to_text().cmp(&b.to_text())),
    }
}

fn sort(args: &Args, desc: bool) -> Result<ArrayRef> {
    let mut arrays: &[ArrayRef] = &args.arrays;
    let mut nulls_last = None;
    if arrays.len() > 1 && arrays[arrays.len() - 1].data_type() == &DataType::Boolean {
        nulls_last = Some(bools(&arrays[arrays.len() - 1], "array_sort nulls_last")?);
        arrays = &arrays[..arrays.len() - 1];
    }
    Ok(dynamic_out((0..args.rows).map(|i| {
        let nulls_last = nulls_last.as_ref().map_or(Some(true), |b| b.get(i)).unwrap_or(true);
        let first = array_at(&arrays[0], i)?;
        let mut order: Vec<usize> = (0..first.len()).collect();
        order.sort_by(|&x, &y| {
            let (a, b) = (&first[x], &first[y]);
            match (a.is_null(), b.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) => {
                    if nulls_last {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }
                }
                (false, true) => {
                    if nulls_last {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
                }
                (false, false) => {
                    let o = compare(a, b);
                    if desc { o.reverse() } else { o }
                }
            }
        });
        let reorder = |items: Vec<Json>| -> Json {
            if items.len() != order.len() {
                return Json::Null;
            }
            let mut slots: Vec<Option<Json>> = items.into_iter().map(Some).collect();
            Json::Arr(order.iter().map(|&k| slots[k].take().unwrap_or(Json::Null)).collect())
        };
        if arrays.len() == 1 {
            return Some(reorder(first));
        }
        let mut out = vec![reorder(first)];
        for a in &arrays[1..] {
            out.push(array_at(a, i).map_or(Json::Null, reorder));
        }
        Some(Json::Arr(out))
    })))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Array, AsArray, LargeStringArray};
    use datafusion::arrow::datatypes::Int64Type;
    use datafusion::common::ScalarValue;
    use datafusion::logical_expr::ColumnarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dy, s};

    fn null() -> ScalarValue {
        ScalarValue::LargeUtf8(None)
    }

    fn i(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    #[test]
    fn array_length() {
        let f = kql_array_length();
        assert_eq!(call_scalars(&f, vec![dy("[1, 2, [3]]")]), i(3));
        assert_eq!(call_scalars(&f, vec![dy("[]")]), i(0));
        assert_eq!(call_scalars(&f, vec![dy(r#"{"a":1}"#)]), ScalarValue::Int64(None));
        assert_eq!(call_scalars(&f, vec![dy("5")]), ScalarValue::Int64(None));
        assert_eq!(call_scalars(&f, vec![null()]), ScalarValue::Int64(None));
        assert_eq!(call_scalars(&f, vec![s("[1,2]")]), i(2));
        assert_eq!(call_scalars(&f, vec![s("")]), ScalarValue::Int64(None));
        let out = call_arrays(&f, vec![col(LargeStringArray::from(vec![Some("[1]"), None, Some("[1,2,3]")]))]);
        assert_eq!(out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), vec![Some(1), None, Some(3)]);
    }

    #[test]
    fn array_concat_and_reverse() {
        let f = kql_array_concat();
        assert_eq!(call_scalars(&f, vec![dy("[1,2]"), dy("[\"a\"]"), dy("[]")]), dy(r#"[1,2,"a"]"#));
        assert_eq!(call_scalars(&f, vec![dy("[1,2]"), dy("5")]), null());
        assert_eq!(call_scalars(&f, vec![dy("[1,2]"), null()]), null());
        assert_eq!(call_scalars(&kql_array_reverse(), vec![dy("[1,[2],3]")]), dy("[3,[2],1]"));
        assert_eq!(call_scalars(&kql_array_reverse(), vec![dy("{}")]), null());
    }

    #[test]
    fn array_slice_follows_the_reference() {
        let f = kql_array_slice();
        // https://learn.microsoft.com/en-us/kusto/query/array-slice-function examples.
        assert_eq!(call_scalars(&f, vec![dy("[1,2,3]"), i(1), i(2)]), dy("[2,3]"));
        assert_eq!(call_scalars(&f, vec![dy("[1,2,3,4,5]"), i(2), i(-1)]), dy("[3,4,5]"));
        assert_eq!(call_scalars(&f, vec![dy("[1,2,3,4,5]"), i(-3), i(-2)]), dy("[3,4]"));
        // Out-of-range bounds are ignored.
        assert_eq!(call_scalars(&f, vec![dy("[1,2,3]"), i(-10), i(10)]), dy("[1,2,3]"));
        assert_eq!(call_scalars(&f, vec![dy("[1,2,3]"), i(2), i(1)]), dy("[]"));
        assert_eq!(call_scalars(&f, vec![dy("[]"), i(0), i(0)]), dy("[]"));
        assert_eq!(call_scalars(&f, vec![null(), i(0), i(1)]), null());
        assert_eq!(call_scalars(&f, vec![dy("[1]"), ScalarValue::Int64(None), i(1)]), null());
    }

    #[test]
    fn zip_follows_the_reference() {
        let f = kql_zip();
        // https://learn.microsoft.com/en-us/kusto/query/zip-function examples.
        assert_eq!(call_scalars(&f, vec![dy("[1,3,5]"), dy("[2,4,6]")]), dy("[[1,2],[3,4],[5,6]]"));
        assert_eq!(
            call_scalars(&f, vec![dy(r#"["A", 1, 1.5]"#), dy(r#"[{}, "B"]"#)]),
            dy(r#"[["A",{}],[1,"B"],[1.5,null]]"#)
        );
        assert_eq!(call_scalars(&f, vec![dy("[1]"), dy("7")]), null());
    }

    #[test]
    fn sort_follows_the_reference() {
        let asc = kql_array_sort_asc();
        let desc = kql_array_sort_desc();
        // https://learn.microsoft.com/en-us/kusto/query/array-sort-asc-function examples.
        assert_eq!(
            call_scalars(&asc, vec![dy("[1,3,4,5,2]"), dy(r#"["a","b","c","d","e"]"#)]),
            dy(r#"[[1,2,3,4,5],["a","e","b","c","d"]]"#)
        );
        assert_eq!(
            call_scalars(&asc, vec![dy(r#"[null,"blue","yellow","green",null]"#)]),
            dy(r#"["blue","green","yellow",null,null]"#)
        );
        assert_eq!(
            call_scalars(&asc, vec![dy(r#"[null,"blue","yellow","green",null]"#), ScalarValue::Boolean(Some(false))]),
            dy(r#"[null,null,"blue","green","yellow"]"#)
        );
        assert_eq!(
            call_scalars(&asc, vec![dy(r#"["John","Paul","George","Ringo"]"#)]),
            dy(r#"["George","John","Paul","Ringo"]"#)
        );
        assert_eq!(call_scalars(&asc, vec![dy(r#"["b", 2, true, 1.5, "a"]"#)]), dy(r#"[1.5,2,"a","b",true]"#));
        assert_eq!(call_scalars(&desc, vec![dy("[1,3,null,2]")]), dy("[3,2,1,null]"));
        assert_eq!(call_scalars(&asc, vec![dy("[2,1]"), dy("[1,2,3]")]), dy("[[1,2],null]"));
        assert_eq!(call_scalars(&asc, vec![dy("{}")]), null());
    }

    #[test]
    fn strcat_array_follows_the_reference() {
        let f = kql_strcat_array();
        let utf8 = |v: &str| ScalarValue::Utf8(Some(v.to_string()));
        // https://learn.microsoft.com/en-us/kusto/query/strcat-array-function examples.
        assert_eq!(call_scalars(&f, vec![dy("[1, 2, 3]"), s("->")]), utf8("1->2->3"));
        assert_eq!(call_scalars(&f, vec![dy("[1, 2, 3]"), s("\"")]), utf8("1\"2\"3"));
        // Elements in their tostring() form; null elements are empty.
        assert_eq!(
            call_scalars(&f, vec![dy(r#"["a", 1.5, true, null, [1,"x"], {"k":2}]"#), s(",")]),
            utf8(r#"a,1.5,true,,[1,"x"],{"k":2}"#)
        );
        assert_eq!(call_scalars(&f, vec![dy("[]"), s(",")]), utf8(""));
        assert_eq!(call_scalars(&f, vec![dy(r#"["a","b"]"#), ScalarValue::Utf8(None)]), utf8("ab"));
        assert_eq!(call_scalars(&f, vec![dy(r#"["a","b"]"#), i(0)]), utf8("a0b"));
        // Not an array: the empty string, never null.
        assert_eq!(call_scalars(&f, vec![null(), s(",")]), utf8(""));
        assert_eq!(call_scalars(&f, vec![dy(r#"{"a":1}"#), s(",")]), utf8(""));
        let out = call_arrays(
            &f,
            vec![col(LargeStringArray::from(vec![Some(r#"["x","y"]"#), None])), ColumnarValue::Scalar(s("|"))],
        );
        let out = out.as_string::<i32>();
        assert_eq!((out.value(0), out.value(1), out.null_count()), ("x|y", "", 0));
    }

    #[test]
    fn arrays_of_rows() {
        let out = call_arrays(
            &kql_array_concat(),
            vec![
                col(LargeStringArray::from(vec![Some("[1]"), None])),
                col(LargeStringArray::from(vec![Some("[2]"), Some("[3]")])),
            ],
        );
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), "[1,2]");
        assert!(out.is_null(1));
    }
}
