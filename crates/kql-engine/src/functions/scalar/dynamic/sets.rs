//! Membership and set functions on dynamic arrays. Elements compare as Kusto compares dynamic
//! values: numbers by value (`1` equals `1.0`), strings case-sensitively; a datetime or timespan
//! probe matches an element holding its text in any accepted format.
//!
//! - `set_has_element(a, v)`: <https://learn.microsoft.com/en-us/kusto/query/set-has-element-function>
//! - `array_index_of(a, v, [start, [length, [occurrence]]])`:
//!   <https://learn.microsoft.com/en-us/kusto/query/array-index-of-function>
//! - `set_union(a1, a2, ...)`: <https://learn.microsoft.com/en-us/kusto/query/set-union-function>
//! - `set_intersect(a1, a2, ...)`: <https://learn.microsoft.com/en-us/kusto/query/set-intersect-function>
//! - `set_difference(a1, a2, ...)`: <https://learn.microsoft.com/en-us/kusto/query/set-difference-function>
//! - `jaccard_index(a1, a2)`: <https://learn.microsoft.com/en-us/kusto/query/jaccard-index-function>
//!
//! A first argument that is not an array gives null.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Int64Array};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::arrays::{array_at, dynamic_out};
use super::json::{Json, value_at};
use crate::functions::scalar::conversion::text::{parse_datetime, parse_timespan};
use crate::functions::scalar::conversion::udf::{Args, Ints, ints, ret, spans, times, udf};

/// A value looked for in an array.
enum Probe {
    Json(Json),
    Time(i64),
    Span(i64),
    Null,
}

impl Probe {
    fn at(a: &ArrayRef, i: usize) -> Result<Probe> {
        Ok(match a.data_type() {
            DataType::Timestamp(TimeUnit::Nanosecond, _) => times(a, "value")?.get(i).map_or(Probe::Null, Probe::Time),
            DataType::Duration(TimeUnit::Nanosecond) => spans(a, "value")?.get(i).map_or(Probe::Null, Probe::Span),
            _ if a.is_null(i) && a.data_type() != &DataType::Utf8 && a.data_type() != &DataType::Utf8View => {
                Probe::Null
            }
            _ => Probe::Json(value_at(a, i)),
        })
    }

    fn matches(&self, elem: &Json) -> bool {
        match (self, elem) {
            (Probe::Json(v), e) => !v.is_null() && v.kusto_eq(e),
            (Probe::Time(t), Json::Str(s)) => parse_datetime(s) == Some(*t),
            (Probe::Span(t), Json::Str(s)) => parse_timespan(s) == Some(*t),
            _ => false,
        }
    }
}

/// `kql_set_has_element(dynamic, any) -> Boolean`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/set-has-element-function>
pub fn kql_set_has_element() -> ScalarUDF {
    udf("kql_set_has_element", 2..=2, ret::boolean, |args: &Args| {
        let out = (0..args.rows)
            .map(|i| {
                let items = array_at(args.arg(0), i);
                let probe = Probe::at(args.arg(1), i)?;
                Ok(items.map(|items| items.iter().any(|e| probe.matches(e))))
            })
            .collect::<Result<BooleanArray>>()?;
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_array_index_of(dynamic, any, [start, [length, [occurrence]]]) -> Int64`: the 0-based
/// position of the `occurrence`-th match among `length` elements from `start` (a negative
/// start counts from the end; length -1 means all), -1 when not found, null for a non-array or
/// for `length < -1` or `occurrence < 0`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/array-index-of-function>
pub fn kql_array_index_of() -> ScalarUDF {
    udf("kql_array_index_of", 2..=5, ret::long, |args: &Args| {
        let opt =
            |k: usize| -> Result<Option<Ints>> { args.arrays.get(k).map(|a| ints(a, "array_index_of")).transpose() };
        let (start, length, occurrence) = (opt(2)?, opt(3)?, opt(4)?);
        let out = (0..args.rows)
            .map(|i| {
                let Some(items) = array_at(args.arg(0), i) else { return Ok(None) };
                let probe = Probe::at(args.arg(1), i)?;
                let get = |o: &Option<Ints>, default: i64| o.as_ref().map_or(Some(default), |v| v.get(i));
                let (Some(start), Some(length), Some(occurrence)) =
                    (get(&start, 0), get(&length, -1), get(&occurrence, 1))
                else {
                    return Ok(None);
                };
                Ok(index_of(&items, &probe, start, length, occurrence))
            })
            .collect::<Result<Int64Array>>()?;
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

fn index_of(items: &[Json], probe: &Probe, start: i64, length: i64, occurrence: i64) -> Option<i64> {
    if length < -1 || occurrence < 0 {
        return None;
    }
    let len = items.len() as i64;
    let start = if start < 0 { (len + start).max(0) } else { start };
    if start >= len || occurrence == 0 {
        return Some(-1);
    }
    let end = if length == -1 { len } else { (start + length).min(len) };
    let mut seen = 0;
    for (k, item) in items.iter().enumerate().take(end as usize).skip(start as usize) {
        if probe.matches(item) {
            seen += 1;
            if seen == occurrence {
                return Some(k as i64);
            }
        }
    }
    Some(-1)
}

/// `kql_set_union(dynamic, dynamic, ...) -> LargeUtf8`: the distinct values of all the arrays,
/// in order of first appearance.
///
/// <https://learn.microsoft.com/en-us/kusto/query/set-union-function>
pub fn kql_set_union() -> ScalarUDF {
    udf("kql_set_union", 2..=usize::MAX, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let inputs = args.arrays.iter().map(|a| array_at(a, i)).collect::<Option<Vec<_>>>()?;
            let mut seen = HashSet::new();
            let out = inputs.into_iter().flatten().filter(|v| seen.insert(v.key())).collect();
            Some(Json::Arr(out))
        })))
    })
    .build()
}

/// `kql_set_intersect(dynamic, dynamic, ...) -> LargeUtf8`: the distinct values of the first
/// array found in every other.
///
/// <https://learn.microsoft.com/en-us/kusto/query/set-intersect-function>
pub fn kql_set_intersect() -> ScalarUDF {
    udf("kql_set_intersect", 2..=usize::MAX, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| filter_first(args, i, true))))
    })
    .build()
}

/// `kql_set_difference(dynamic, dynamic, ...) -> LargeUtf8`: the distinct values of the first
/// array found in none of the others.
///
/// <https://learn.microsoft.com/en-us/kusto/query/set-difference-function>
pub fn kql_set_difference() -> ScalarUDF {
    udf("kql_set_difference", 2..=usize::MAX, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| filter_first(args, i, false))))
    })
    .build()
}

/// `kql_jaccard_index(dynamic, dynamic) -> LargeUtf8`: |a1 ∩ a2| / |a1 ∪ a2| over the distinct
/// values of the two arrays (duplicates are ignored, as the page says; values compare as in the
/// other set functions, so `1` and `1.0` are one value). Null when either argument is not an
/// array.
///
/// The page shows the index as a number (`0.75`) without naming its type; Kusto.Language
/// declares the result `dynamic` (`scripts/oracle --result-schema`), so it is a dynamic real
/// here too, which compares and converts as a number (`jaccard_index(a, b) > 0.5`,
/// `toreal(...)`).
///
/// The page does not say what two empty arrays give: Quarry divides 0 by 0 and returns NaN (the
/// index is undefined there) rather than inventing 0 or 1; JSON has no NaN, so the dynamic holds
/// Kusto's spelling `"NaN"`, which `toreal()` reads back as NaN.
///
/// <https://learn.microsoft.com/en-us/kusto/query/jaccard-index-function>
pub fn kql_jaccard_index() -> ScalarUDF {
    udf("kql_jaccard_index", 2..=2, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let first: HashSet<String> = array_at(args.arg(0), i)?.iter().map(Json::key).collect();
            let second: HashSet<String> = array_at(args.arg(1), i)?.iter().map(Json::key).collect();
            let both = first.intersection(&second).count();
            let either = first.len() + second.len() - both;
            Some(Json::Real(both as f64 / either as f64))
        })))
    })
    .build()
}

fn filter_first(args: &Args, i: usize, keep_if_everywhere: bool) -> Option<Json> {
    let mut inputs = args.arrays.iter().map(|a| array_at(a, i)).collect::<Option<Vec<_>>>()?.into_iter();
    let first = inputs.next()?;
    let others: Vec<HashSet<String>> = inputs.map(|v| v.iter().map(Json::key).collect()).collect();
    let mut seen = HashSet::new();
    let out = first
        .into_iter()
        .filter(|v| {
            let key = v.key();
            let keep = if keep_if_everywhere {
                others.iter().all(|o| o.contains(&key))
            } else {
                !others.iter().any(|o| o.contains(&key))
            };
            keep && seen.insert(key)
        })
        .collect();
    Some(Json::Arr(out))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{AsArray, LargeStringArray, StringArray};
    use datafusion::arrow::datatypes::Int64Type;
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt, dy, s};
    use crate::functions::scalar::datetime::calendar::ns_from_parts;

    fn i(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    #[test]
    fn set_has_element() {
        let f = kql_set_has_element();
        let b = |a, v| call_scalars(&f, vec![a, v]);
        assert_eq!(b(dy(r#"["a","b"]"#), s("b")), ScalarValue::Boolean(Some(true)));
        assert_eq!(b(dy(r#"["a","b"]"#), s("B")), ScalarValue::Boolean(Some(false)));
        assert_eq!(b(dy("[1,2.0]"), i(2)), ScalarValue::Boolean(Some(true)));
        assert_eq!(b(dy("[1,2]"), ScalarValue::Float64(Some(1.0))), ScalarValue::Boolean(Some(true)));
        assert_eq!(b(dy("[\"1\"]"), i(1)), ScalarValue::Boolean(Some(false)));
        assert_eq!(b(dy("[null]"), ScalarValue::Int64(None)), ScalarValue::Boolean(Some(false)));
        assert_eq!(b(dy("[]"), s("")), ScalarValue::Boolean(Some(false)));
        assert_eq!(b(dy("[\"\"]"), ScalarValue::Utf8(None)), ScalarValue::Boolean(Some(true)));
        assert_eq!(b(ScalarValue::LargeUtf8(None), s("a")), ScalarValue::Boolean(None));
        let when = ns_from_parts(2024, 1, 2, 3, 4, 5, 0).unwrap();
        assert_eq!(b(dy(r#"["2024-01-02T03:04:05.0000000Z"]"#), dt(when)), ScalarValue::Boolean(Some(true)));
        assert_eq!(b(dy(r#"[[1,2]]"#), dy("[1,2]")), ScalarValue::Boolean(Some(true)));

        let out = call_arrays(
            &f,
            vec![
                col(LargeStringArray::from(vec![Some(r#"["x"]"#), Some(r#"["y"]"#), None])),
                col(StringArray::from(vec![Some("x"), Some("x"), Some("x")])),
            ],
        );
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(true), Some(false), None]);
    }

    #[test]
    fn array_index_of_follows_the_reference() {
        let f = kql_array_index_of();
        let arr = || dy(r#"["this", "is", "an", "example", "an", "example"]"#);
        let idx = |mut extra: Vec<ScalarValue>| {
            let mut args = vec![arr()];
            args.append(&mut extra);
            call_scalars(&f, args)
        };
        // https://learn.microsoft.com/en-us/kusto/query/array-index-of-function examples idx1..idx9.
        assert_eq!(idx(vec![s("an")]), i(2));
        assert_eq!(idx(vec![s("example"), i(1), i(3)]), i(3));
        assert_eq!(idx(vec![s("example"), i(1), i(2)]), i(-1));
        assert_eq!(idx(vec![s("is"), i(2), i(4)]), i(-1));
        assert_eq!(idx(vec![s("example"), i(2), i(-1)]), i(3));
        assert_eq!(idx(vec![s("an"), i(1), i(-1), i(2)]), i(4));
        assert_eq!(idx(vec![s("an"), i(1), i(-1), i(3)]), i(-1));
        assert_eq!(idx(vec![s("an"), i(-3)]), i(4));
        assert_eq!(idx(vec![s("is"), i(-4)]), i(-1));
        // Irrelevant inputs: null.
        assert_eq!(idx(vec![s("an"), i(0), i(-2)]), ScalarValue::Int64(None));
        assert_eq!(idx(vec![s("an"), i(0), i(-1), i(-1)]), ScalarValue::Int64(None));
        assert_eq!(call_scalars(&f, vec![dy("{}"), s("a")]), ScalarValue::Int64(None));
        assert_eq!(idx(vec![s("missing")]), i(-1));
        assert_eq!(idx(vec![s("an"), i(99)]), i(-1));

        let out = call_arrays(
            &f,
            vec![
                col(LargeStringArray::from(vec![Some("[1,2,3]"), Some("[3]")])),
                datafusion::logical_expr::ColumnarValue::Scalar(ScalarValue::Int64(Some(3))),
            ],
        );
        assert_eq!(out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), vec![Some(2), Some(0)]);
    }

    #[test]
    fn jaccard_index_follows_the_reference() {
        let f = kql_jaccard_index();
        // https://learn.microsoft.com/en-us/kusto/query/jaccard-index-function example.
        assert_eq!(call_scalars(&f, vec![dy("[1,2,3]"), dy("[1,2,3,4]")]), dy("0.75"));
        // Duplicates are ignored: {1,2} and {2,4}.
        assert_eq!(call_scalars(&f, vec![dy("[1,1,2,2]"), dy("[2,4,4]")]), dy(&(1.0f64 / 3.0).to_string()));
        assert_eq!(call_scalars(&f, vec![dy(r#"["a","b"]"#), dy(r#"["c"]"#)]), dy("0"));
        assert_eq!(call_scalars(&f, vec![dy("[1,2]"), dy("[2.0,1]")]), dy("1"));
        assert_eq!(call_scalars(&f, vec![dy("[1]"), dy("[]")]), dy("0"));
        assert_eq!(call_scalars(&f, vec![dy("[]"), dy("[]")]), dy(r#""NaN""#));
        // Not arrays: null.
        assert_eq!(call_scalars(&f, vec![ScalarValue::LargeUtf8(None), dy("[1]")]), ScalarValue::LargeUtf8(None));
        assert_eq!(call_scalars(&f, vec![dy("[1]"), dy(r#"{"a":1}"#)]), ScalarValue::LargeUtf8(None));
    }

    #[test]
    fn set_operations_follow_the_reference() {
        // https://learn.microsoft.com/en-us/kusto/query/set-union-function examples.
        let u = kql_set_union();
        assert_eq!(call_scalars(&u, vec![dy("[1,2,1,4]"), dy("[1,2]"), dy("[8]")]), dy("[1,2,4,8]"));
        assert_eq!(
            call_scalars(&u, vec![dy(r#"["A4","A2","A7","A2"]"#), dy(r#"["A4","A2","A7","A2"]"#)]),
            dy(r#"["A4","A2","A7"]"#)
        );
        assert_eq!(call_scalars(&u, vec![dy("[1]"), dy("5")]), ScalarValue::LargeUtf8(None));
        // https://learn.microsoft.com/en-us/kusto/query/set-intersect-function example.
        let n = kql_set_intersect();
        assert_eq!(call_scalars(&n, vec![dy("[1,2,1,4]"), dy("[1,2]"), dy("[1,4]")]), dy("[1]"));
        assert_eq!(call_scalars(&n, vec![dy("[1,2]"), dy("[3]")]), dy("[]"));
        // https://learn.microsoft.com/en-us/kusto/query/set-difference-function example.
        let d = kql_set_difference();
        assert_eq!(call_scalars(&d, vec![dy("[1,2,1,4,8]"), dy("[1,2]"), dy("[8]")]), dy("[4]"));
        assert_eq!(call_scalars(&d, vec![dy(r#"["a","b","a"]"#), dy("[]")]), dy(r#"["a","b"]"#));
        assert_eq!(call_scalars(&d, vec![ScalarValue::LargeUtf8(None), dy("[]")]), ScalarValue::LargeUtf8(None));
    }
}
