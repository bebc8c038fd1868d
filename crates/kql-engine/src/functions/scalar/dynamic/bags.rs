//! Property-bag functions, and the constructors of dynamic values. Bags keep their keys in the
//! order they were written.
//!
//! - `bag_pack(key, value, ...)`, old names `pack` and `pack_dictionary`: <https://learn.microsoft.com/en-us/kusto/query/bag-pack-function>
//! - `pack_array(value, ...)`: <https://learn.microsoft.com/en-us/kusto/query/pack-array-function>
//! - `bag_keys(bag)`: <https://learn.microsoft.com/en-us/kusto/query/bag-keys-function>
//! - `bag_has_key(bag, key)`: <https://learn.microsoft.com/en-us/kusto/query/bag-has-key-function>
//! - `bag_merge(bag, bag, ...)`: <https://learn.microsoft.com/en-us/kusto/query/bag-merge-function>
//! - `bag_remove_keys(bag, keys)`: <https://learn.microsoft.com/en-us/kusto/query/bag-remove-keys-function>
//! - `bag_set_key(bag, key, value)`: <https://learn.microsoft.com/en-us/kusto/query/bag-set-key-function>
//! - `bag_zip(keys, values)`: <https://learn.microsoft.com/en-us/kusto/query/bag-zip>
//!
//! Values are embedded as JSON: numbers as numbers, strings as strings, bools, datetimes and
//! timespans as their Kusto text, dynamic values as their JSON. A bag argument that is not a
//! property bag gives null.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray};
use datafusion::common::plan_err;
use datafusion::logical_expr::ScalarUDF;

use super::arrays::{array_at, dynamic_out};
use super::json::{Json, dynamic_at, value_at};
use crate::functions::scalar::conversion::udf::{Args, ret, udf};

/// The entries of the bag at row `i` of `a`, `None` when it is not a bag.
fn bag_at(a: &ArrayRef, i: usize) -> Option<Vec<(String, Json)>> {
    match dynamic_at(a, i) {
        Json::Obj(entries) => Some(entries),
        _ => None,
    }
}

/// Inserts or replaces `key` keeping the first position.
fn set_entry(entries: &mut Vec<(String, Json)>, key: String, value: Json) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => entries.push((key, value)),
    }
}

/// `kql_bag_pack(key, value, ...) -> LargeUtf8`, also as `kql_pack` and `kql_pack_dictionary`
/// (the page's deprecated aliases): a bag of the pairs; a later
/// duplicate key replaces the value of an earlier one.
///
/// <https://learn.microsoft.com/en-us/kusto/query/bag-pack-function>
pub fn kql_bag_pack() -> Vec<ScalarUDF> {
    udf("kql_bag_pack", 0..=usize::MAX, ret::dynamic, |args: &Args| {
        if args.len() % 2 == 1 {
            return plan_err!("bag_pack(): expected key and value pairs, got {} arguments", args.len());
        }
        Ok(dynamic_out((0..args.rows).map(|i| {
            let mut entries = Vec::with_capacity(args.len() / 2);
            for pair in args.arrays.chunks(2) {
                let key = value_at(&pair[0], i).to_kusto_string();
                set_entry(&mut entries, key, value_at(&pair[1], i));
            }
            Some(Json::Obj(entries))
        })))
    })
    .build_with_aliases(&["kql_pack", "kql_pack_dictionary"])
}

/// `kql_pack_array(value, ...) -> LargeUtf8`: an array of the values.
///
/// <https://learn.microsoft.com/en-us/kusto/query/pack-array-function>
pub fn kql_pack_array() -> ScalarUDF {
    udf("kql_pack_array", 1..=usize::MAX, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| Some(Json::Arr(args.arrays.iter().map(|a| value_at(a, i)).collect())))))
    })
    .build()
}

/// `kql_bag_keys(dynamic) -> LargeUtf8`: the bag's keys as an array, null when not a bag.
///
/// <https://learn.microsoft.com/en-us/kusto/query/bag-keys-function>
pub fn kql_bag_keys() -> ScalarUDF {
    udf("kql_bag_keys", 1..=1, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let entries = bag_at(args.arg(0), i)?;
            Some(Json::Arr(entries.into_iter().map(|(k, _)| Json::Str(k)).collect()))
        })))
    })
    .build()
}

/// The keys of a JSONPath (`$.a.b`, `$['a']["b"]`), or the text itself as one key when it does
/// not start with `$`. Array indexing is not supported (as in `bag_remove_keys`).
fn path_keys(key: &str) -> Option<Vec<String>> {
    let Some(rest) = key.strip_prefix('$') else { return Some(vec![key.to_string()]) };
    let mut keys = Vec::new();
    let mut r = rest;
    while !r.is_empty() {
        if let Some(after) = r.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            keys.push(after[..end].to_string());
            r = &after[end..];
        } else if let Some(after) = r.strip_prefix('[') {
            let quote = after.chars().next()?;
            if quote != '\'' && quote != '"' {
                return None;
            }
            let close = after[1..].find(quote)? + 1;
            keys.push(after[1..close].to_string());
            r = after[close + 1..].strip_prefix(']')?;
        } else {
            return None;
        }
    }
    (!keys.is_empty()).then_some(keys)
}

/// `kql_bag_has_key(dynamic, key) -> Boolean`: whether the bag has the key (or JSONPath `$.a.b`);
/// null when the first argument is not a bag.
///
/// <https://learn.microsoft.com/en-us/kusto/query/bag-has-key-function>
pub fn kql_bag_has_key() -> ScalarUDF {
    udf("kql_bag_has_key", 2..=2, ret::boolean, |args: &Args| {
        let out: BooleanArray = (0..args.rows)
            .map(|i| {
                let bag = Json::Obj(bag_at(args.arg(0), i)?);
                let key = value_at(args.arg(1), i).to_kusto_string();
                let Some(path) = path_keys(&key) else { return Some(false) };
                let mut cur = &bag;
                for k in &path {
                    match cur.get(k) {
                        Some(next) => cur = next,
                        None => return Some(false),
                    }
                }
                Some(true)
            })
            .collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_bag_merge(dynamic, dynamic, ...) -> LargeUtf8`: one bag with the keys of all; when a key
/// is in several, the first bag's value is kept. Arguments that are not bags are ignored; null
/// when none is a bag.
///
/// <https://learn.microsoft.com/en-us/kusto/query/bag-merge-function>
pub fn kql_bag_merge() -> ScalarUDF {
    udf("kql_bag_merge", 2..=usize::MAX, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let mut merged: Option<Vec<(String, Json)>> = None;
            for a in &args.arrays {
                let Some(entries) = bag_at(a, i) else { continue };
                let out = merged.get_or_insert_with(Vec::new);
                for (k, v) in entries {
                    if !out.iter().any(|(have, _)| *have == k) {
                        out.push((k, v));
                    }
                }
            }
            merged.map(Json::Obj)
        })))
    })
    .build()
}

/// Removes the member at `path` from `v`.
fn remove_path(v: &mut Json, path: &[String]) {
    let Json::Obj(entries) = v else { return };
    match path {
        [] => {}
        [last] => entries.retain(|(k, _)| k != last),
        [first, rest @ ..] => {
            if let Some((_, child)) = entries.iter_mut().find(|(k, _)| k == first) {
                remove_path(child, rest);
            }
        }
    }
}

/// `kql_bag_remove_keys(dynamic, dynamic) -> LargeUtf8`: the bag without the keys listed in the
/// array (JSONPath `$.a.b` reaches nested bags). Null when the first argument is not a bag or the
/// second not an array.
///
/// <https://learn.microsoft.com/en-us/kusto/query/bag-remove-keys-function>
pub fn kql_bag_remove_keys() -> ScalarUDF {
    udf("kql_bag_remove_keys", 2..=2, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let mut bag = Json::Obj(bag_at(args.arg(0), i)?);
            for key in array_at(args.arg(1), i)? {
                let Json::Str(key) = key else { continue };
                if let Some(path) = path_keys(&key) {
                    remove_path(&mut bag, &path);
                }
            }
            Some(bag)
        })))
    })
    .build()
}

/// Sets `path` in the bag `v` to `value`, creating (or replacing with) bags on the way.
fn set_path(v: &mut Vec<(String, Json)>, path: &[String], value: Json) {
    match path {
        [] => {}
        [last] => set_entry(v, last.clone(), value),
        [first, rest @ ..] => {
            let slot = match v.iter().position(|(k, _)| k == first) {
                Some(p) => p,
                None => {
                    v.push((first.clone(), Json::Obj(Vec::new())));
                    v.len() - 1
                }
            };
            if !matches!(v[slot].1, Json::Obj(_)) {
                v[slot].1 = Json::Obj(Vec::new());
            }
            if let Json::Obj(child) = &mut v[slot].1 {
                set_path(child, rest, value);
            }
        }
    }
}

/// `kql_bag_set_key(bag, key, value) -> LargeUtf8`: the bag with `key` (or the JSONPath
/// `$.a.b`, which creates the bags on its way) set to `value`, replacing an existing value.
/// Null when the first argument is not a bag or the key is not a valid path.
///
/// <https://learn.microsoft.com/en-us/kusto/query/bag-set-key-function>
pub fn kql_bag_set_key() -> ScalarUDF {
    udf("kql_bag_set_key", 3..=3, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let mut bag = bag_at(args.arg(0), i)?;
            let key = value_at(args.arg(1), i).to_kusto_string();
            let path = path_keys(&key)?;
            set_path(&mut bag, &path, value_at(args.arg(2), i));
            Some(Json::Obj(bag))
        })))
    })
    .build()
}

/// `kql_bag_zip(keys, values) -> LargeUtf8`: a bag pairing the k-th key with the k-th value.
/// Keys that are not strings are skipped, missing values are null, extra values are ignored;
/// null when either argument is not an array.
///
/// <https://learn.microsoft.com/en-us/kusto/query/bag-zip>
pub fn kql_bag_zip() -> ScalarUDF {
    udf("kql_bag_zip", 2..=2, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let keys = array_at(args.arg(0), i)?;
            let mut values = array_at(args.arg(1), i)?.into_iter();
            let mut bag = Vec::with_capacity(keys.len());
            for key in keys {
                let value = values.next().unwrap_or(Json::Null);
                if let Json::Str(key) = key {
                    set_entry(&mut bag, key, value);
                }
            }
            Some(Json::Obj(bag))
        })))
    })
    .build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Array, AsArray, Int64Array, LargeStringArray, StringArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call, call_arrays, call_scalars, col, dt, dy, s, ts};

    fn null() -> ScalarValue {
        ScalarValue::LargeUtf8(None)
    }

    #[test]
    fn bag_pack_and_pack() {
        for f in kql_bag_pack() {
            // https://learn.microsoft.com/en-us/kusto/query/bag-pack-function example.
            assert_eq!(
                call_scalars(&f, vec![s("Level"), s("Information"), s("ProcessID"), ScalarValue::Int64(Some(1234))]),
                dy(r#"{"Level":"Information","ProcessID":1234}"#)
            );
            assert_eq!(
                call_scalars(
                    &f,
                    vec![
                        s("z"),
                        dt(0),
                        s("a"),
                        ts(1_000_000_000),
                        s("d"),
                        dy(r#"{"x":[1]}"#),
                        s("n"),
                        ScalarValue::Int64(None),
                        s("e"),
                        ScalarValue::Utf8(None),
                        s("b"),
                        ScalarValue::Boolean(Some(true)),
                        s("r"),
                        ScalarValue::Float64(Some(2.5)),
                    ]
                ),
                dy(r#"{"z":"1970-01-01T00:00:00Z","a":"00:00:01","d":{"x":[1]},"n":null,"e":"","b":true,"r":2.5}"#)
            );
            assert_eq!(call_scalars(&f, vec![s("k"), s("1"), s("k"), s("2")]), dy(r#"{"k":"2"}"#));
            assert!(call(&f, vec![datafusion::logical_expr::ColumnarValue::Scalar(s("k"))]).is_err());
        }
        let out = call_arrays(
            &kql_bag_pack()[0],
            vec![
                datafusion::logical_expr::ColumnarValue::Scalar(s("id")),
                col(Int64Array::from(vec![Some(1), None])),
                datafusion::logical_expr::ColumnarValue::Scalar(s("name")),
                col(StringArray::from(vec![Some("x"), None])),
            ],
        );
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), r#"{"id":1,"name":"x"}"#);
        assert_eq!(out.value(1), r#"{"id":null,"name":""}"#);
    }

    #[test]
    fn pack_array() {
        let f = kql_pack_array();
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::Int64(Some(1)), s("a"), dy("[2]"), null()]),
            dy(r#"[1,"a",[2],null]"#)
        );
        let out = call_arrays(
            &f,
            vec![col(Int64Array::from(vec![Some(1), None])), col(StringArray::from(vec![Some("x"), Some("y")]))],
        );
        let out = out.as_string::<i64>();
        assert_eq!((out.value(0), out.value(1)), (r#"[1,"x"]"#, r#"[null,"y"]"#));
    }

    #[test]
    fn bag_keys_and_has_key() {
        let k = kql_bag_keys();
        assert_eq!(call_scalars(&k, vec![dy(r#"{"b":1,"a":{"c":2}}"#)]), dy(r#"["b","a"]"#));
        assert_eq!(call_scalars(&k, vec![dy("{}")]), dy("[]"));
        assert_eq!(call_scalars(&k, vec![dy("[1]")]), null());
        assert_eq!(call_scalars(&k, vec![null()]), null());
        let h = kql_bag_has_key();
        let bag = || dy(r#"{"a":{"b":1},"c":null}"#);
        assert_eq!(call_scalars(&h, vec![bag(), s("a")]), ScalarValue::Boolean(Some(true)));
        assert_eq!(call_scalars(&h, vec![bag(), s("c")]), ScalarValue::Boolean(Some(true)));
        assert_eq!(call_scalars(&h, vec![bag(), s("b")]), ScalarValue::Boolean(Some(false)));
        assert_eq!(call_scalars(&h, vec![bag(), s("$.a.b")]), ScalarValue::Boolean(Some(true)));
        assert_eq!(call_scalars(&h, vec![bag(), s("$['a'].x")]), ScalarValue::Boolean(Some(false)));
        assert_eq!(call_scalars(&h, vec![dy("[1]"), s("a")]), ScalarValue::Boolean(None));
    }

    #[test]
    fn bag_merge_keeps_the_first_value() {
        let f = kql_bag_merge();
        // https://learn.microsoft.com/en-us/kusto/query/bag-merge-function example.
        assert_eq!(
            call_scalars(&f, vec![dy(r#"{"A1":12,"B1":2,"C1":3}"#), dy(r#"{"A2":81,"B2":82,"A1":1}"#)]),
            dy(r#"{"A1":12,"B1":2,"C1":3,"A2":81,"B2":82}"#)
        );
        assert_eq!(call_scalars(&f, vec![dy(r#"{"a":1}"#), null()]), dy(r#"{"a":1}"#));
        assert_eq!(call_scalars(&f, vec![null(), dy("[1]")]), null());
        let out = call_arrays(
            &f,
            vec![
                col(LargeStringArray::from(vec![Some(r#"{"a":1}"#), None])),
                col(LargeStringArray::from(vec![Some(r#"{"b":2}"#), None])),
            ],
        );
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), r#"{"a":1,"b":2}"#);
        assert!(out.is_null(1));
    }

    #[test]
    fn bag_remove_keys_follows_the_reference() {
        let f = kql_bag_remove_keys();
        // https://learn.microsoft.com/en-us/kusto/query/bag-remove-keys-function examples.
        assert_eq!(
            call_scalars(&f, vec![dy(r#"{"key1":123,"key2":"abc"}"#), dy(r#"["key2","key4"]"#)]),
            dy(r#"{"key1":123}"#)
        );
        assert_eq!(
            call_scalars(&f, vec![dy(r#"{"key1":"value","key3":42.0}"#), dy(r#"["key2","key4"]"#)]),
            dy(r#"{"key1":"value","key3":42}"#)
        );
        assert_eq!(
            call_scalars(
                &f,
                vec![
                    dy(r#"{"key1":123,"key2":{"prop1":"abc","prop2":"xyz"},"key3":[100,200]}"#),
                    dy(r#"["$.key2.prop1","key3"]"#)
                ]
            ),
            dy(r#"{"key1":123,"key2":{"prop2":"xyz"}}"#)
        );
        assert_eq!(call_scalars(&f, vec![dy("[1]"), dy(r#"["a"]"#)]), null());
        assert_eq!(call_scalars(&f, vec![dy(r#"{"a":1}"#), null()]), null());
    }

    #[test]
    fn bag_set_key_examples() {
        let f = kql_bag_set_key();
        // bag_set_key page examples.
        let three = || ScalarValue::Int64(Some(3));
        assert_eq!(
            call_scalars(&f, vec![dy(r#"{"key1":1,"key2":2}"#), s("key3"), three()]),
            dy(r#"{"key1":1,"key2":2,"key3":3}"#)
        );
        assert_eq!(
            call_scalars(&f, vec![dy(r#"{"key1":1,"key3":"abc"}"#), s("key3"), three()]),
            dy(r#"{"key1":1,"key3":3}"#)
        );
        assert_eq!(
            call_scalars(
                &f,
                vec![dy(r#"{"key1":123,"key2":{"prop1":123,"prop2":"xyz"}}"#), s("$.key2.prop1"), s("abc")]
            ),
            dy(r#"{"key1":123,"key2":{"prop1":"abc","prop2":"xyz"}}"#)
        );
        assert_eq!(
            call_scalars(&f, vec![dy(r#"{"key1":123}"#), s("$.key2.prop1"), s("abc")]),
            dy(r#"{"key1":123,"key2":{"prop1":"abc"}}"#)
        );
        assert_eq!(call_scalars(&f, vec![dy(r#"{"a":1}"#), s("a"), ScalarValue::Int64(Some(2))]), dy(r#"{"a":2}"#));
        assert_eq!(call_scalars(&f, vec![dy(r#"{"a":1}"#), s("$.a.b"), s("x")]), dy(r#"{"a":{"b":"x"}}"#));
        assert_eq!(call_scalars(&f, vec![dy("{}"), s("$['x y']"), null()]), dy(r#"{"x y":null}"#));
        assert_eq!(call_scalars(&f, vec![dy("[1]"), s("a"), s("x")]), null());
        assert_eq!(call_scalars(&f, vec![null(), s("a"), s("x")]), null());
        assert_eq!(call_scalars(&f, vec![dy("{}"), s("$[0]"), s("x")]), null());
        let out = call_arrays(
            &f,
            vec![
                col(LargeStringArray::from(vec![Some("{}"), None])),
                datafusion::logical_expr::ColumnarValue::Scalar(s("k")),
                col(Int64Array::from(vec![Some(1), Some(2)])),
            ],
        );
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), r#"{"k":1}"#);
        assert!(out.is_null(1));
    }

    #[test]
    fn bag_zip_examples() {
        let f = kql_bag_zip();
        // bag_zip page examples.
        assert_eq!(
            call_scalars(&f, vec![dy(r#"["a","b","c"]"#), dy(r#"[1,"2",3.4]"#)]),
            dy(r#"{"a":1,"b":"2","c":3.4}"#)
        );
        assert_eq!(call_scalars(&f, vec![dy(r#"["a","b","c"]"#), dy(r#"[1,"2"]"#)]), dy(r#"{"a":1,"b":"2","c":null}"#));
        assert_eq!(call_scalars(&f, vec![dy(r#"["a","b"]"#), dy(r#"[1,"2",2.5]"#)]), dy(r#"{"a":1,"b":"2"}"#));
        assert_eq!(call_scalars(&f, vec![dy(r#"["a",8,"b"]"#), dy("[1,2,3]")]), dy(r#"{"a":1,"b":3}"#));
        assert_eq!(call_scalars(&f, vec![dy("[]"), dy("[]")]), dy("{}"));
        assert_eq!(call_scalars(&f, vec![dy(r#"{"a":1}"#), dy("[1]")]), null());
        assert_eq!(call_scalars(&f, vec![null(), dy("[1]")]), null());
    }

    #[test]
    fn pack_dictionary_is_bag_pack() {
        let f = kql_bag_pack().into_iter().find(|f| f.name() == "kql_pack_dictionary").unwrap();
        assert_eq!(call_scalars(&f, vec![s("a"), ScalarValue::Int64(Some(1))]), dy(r#"{"a":1}"#));
    }

    #[test]
    fn json_paths() {
        assert_eq!(path_keys("a"), Some(vec!["a".to_string()]));
        assert_eq!(path_keys("$.a.b"), Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(path_keys(r#"$['a b']["c"]"#), Some(vec!["a b".to_string(), "c".to_string()]));
        assert_eq!(path_keys("$"), None);
        assert_eq!(path_keys("$[0]"), None);
        assert_eq!(path_keys("$..a"), None);
    }
}
