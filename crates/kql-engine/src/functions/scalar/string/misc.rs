//! `string_size()`, `strcmp()`, `strrep()`, `translate()`, `unicode_codepoints_from_string()`
//! (old name `to_utf8()`) and `unicode_codepoints_to_string()` (old name `make_string()`).
//!
//! - `string_size(s)`: the number of bytes of the UTF-8 form
//!   (<https://learn.microsoft.com/kusto/query/string-size-function>: `string_size("⒦⒰⒮⒯⒪")` is 15).
//! - `strcmp(a, b)`: -1, 0 or 1 by ordinal comparison (UTF-16 code units, as .NET's ordinal
//!   comparison does) (<https://learn.microsoft.com/kusto/query/strcmp-function>).
//! - `strrep(value, multiplier [, delimiter])`: `value` repeated with `delimiter` between the
//!   copies; both are converted to their string form
//!   (<https://learn.microsoft.com/kusto/query/strrep-function>). The page says a multiplier above
//!   1024 repeats 1024 times, and we cap there; a multiplier below 1 or null gives `""`.
//! - `translate(searchList, replacementList, source)`: each character of `source` found in
//!   `searchList` is replaced by the character at the same position of `replacementList`, or by
//!   its last character when it is shorter, or removed when it is empty
//!   (<https://learn.microsoft.com/kusto/query/translate-function>).
//! - `unicode_codepoints_from_string(s)`: a dynamic array of the code points
//!   (<https://learn.microsoft.com/kusto/query/unicode-codepoints-from-string-function>).
//! - `unicode_codepoints_to_string(values, ...)`: up to 64 arguments, each an int or long code
//!   point or a dynamic array of them; `""` (a null string) when any value is not a valid code
//!   point or is null (<https://learn.microsoft.com/kusto/query/unicode-codepoints-to-string-function>).

use std::cmp::Ordering;
use std::sync::Arc;

use datafusion::arrow::array::Int32Array;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{KqlFunction, Param, finish, finish_dynamic, finish_longs, finish_strings, ints, result_len, strs};
use crate::functions::scalar::dynamic::json::{Json, value_at};

/// The largest multiplier `strrep` honours.
const STRREP_MAX: i64 = 1024;

fn string_size(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_longs((0..len).map(|i| Some(text.get(i).len() as i64)), scalar)
}

fn strcmp(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let (a, b) = (strs(&args[0])?, strs(&args[1])?);
    let out: Int32Array = (0..len)
        .map(|i| {
            let (x, y) = (a.get(i), b.get(i));
            let ord = if x.is_ascii() && y.is_ascii() { x.cmp(y) } else { x.encode_utf16().cmp(y.encode_utf16()) };
            Some(match ord {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            })
        })
        .collect();
    finish(Arc::new(out), scalar)
}

fn strrep(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let value = strs(&args[0])?;
    let times = ints(&args[1])?;
    let delimiter = args.get(2).map(strs).transpose()?;
    finish_strings(
        (0..len).map(|i| {
            let n = match times.get(i) {
                Some(n) if n >= 1 => n.min(STRREP_MAX) as usize,
                _ => return String::new(),
            };
            let v = value.get(i);
            let d = delimiter.as_ref().map_or("", |d| d.get(i));
            let mut out = String::with_capacity(n * (v.len() + d.len()));
            for k in 0..n {
                if k > 0 {
                    out.push_str(d);
                }
                out.push_str(v);
            }
            out
        }),
        scalar,
    )
}

fn translate_one(search: &str, replacement: &str, source: &str) -> String {
    let search: Vec<char> = search.chars().collect();
    let replacement: Vec<char> = replacement.chars().collect();
    source
        .chars()
        .filter_map(|c| match search.iter().position(|&s| s == c) {
            None => Some(c),
            Some(_) if replacement.is_empty() => None,
            Some(k) => Some(replacement[k.min(replacement.len() - 1)]),
        })
        .collect()
}

fn translate(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let (search, replacement, source) = (strs(&args[0])?, strs(&args[1])?, strs(&args[2])?);
    finish_strings((0..len).map(|i| translate_one(search.get(i), replacement.get(i), source.get(i))), scalar)
}

fn codepoints_from_string(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_dynamic(
        (0..len).map(|i| {
            Some(Json::Arr(text.get(i).chars().map(|c| Json::Int(i64::from(u32::from(c)))).collect()).to_text())
        }),
        scalar,
    )
}

/// Appends the character of code point `v`, `None` when it is not one.
fn push_codepoint(out: &mut String, v: &Json) -> Option<()> {
    match v {
        Json::Int(n) => {
            out.push(char::from_u32(u32::try_from(*n).ok()?)?);
            Some(())
        }
        _ => None,
    }
}

fn codepoints_to_string(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let arrays = args.iter().map(|a| a.to_array(len)).collect::<Result<Vec<_>>>()?;
    finish_strings(
        (0..len).map(|i| {
            let mut out = String::new();
            for a in &arrays {
                let ok = match value_at(a, i) {
                    Json::Arr(items) => items.iter().try_for_each(|v| push_codepoint(&mut out, v)),
                    v => push_codepoint(&mut out, &v),
                };
                if ok.is_none() {
                    return String::new();
                }
            }
            out
        }),
        scalar,
    )
}

pub(crate) fn functions() -> Vec<ScalarUDF> {
    const STR: &[Param] = &[Param::Str];
    vec![
        // https://learn.microsoft.com/kusto/query/string-size-function
        KqlFunction::new("kql_string_size", STR, 1, DataType::Int64, string_size).udf(),
        // https://learn.microsoft.com/kusto/query/strcmp-function
        KqlFunction::new("kql_strcmp", &[Param::Str, Param::Str], 2, DataType::Int32, strcmp).udf(),
        // https://learn.microsoft.com/kusto/query/strrep-function
        KqlFunction::new("kql_strrep", &[Param::Any, Param::Int, Param::Any], 2, DataType::Utf8, strrep).udf(),
        // https://learn.microsoft.com/kusto/query/translate-function
        KqlFunction::new("kql_translate", &[Param::Str, Param::Str, Param::Str], 3, DataType::Utf8, translate).udf(),
        // https://learn.microsoft.com/kusto/query/unicode-codepoints-from-string-function
        KqlFunction::new("kql_unicode_codepoints_from_string", STR, 1, DataType::LargeUtf8, codepoints_from_string)
            .udf(),
        KqlFunction::new("kql_to_utf8", STR, 1, DataType::LargeUtf8, codepoints_from_string).udf(),
        // https://learn.microsoft.com/kusto/query/unicode-codepoints-to-string-function
        KqlFunction::new("kql_unicode_codepoints_to_string", &[Param::Any], 1, DataType::Utf8, codepoints_to_string)
            .variadic(64)
            .udf(),
        KqlFunction::new("kql_make_string", &[Param::Any], 1, DataType::Utf8, codepoints_to_string).variadic(64).udf(),
    ]
}

#[cfg(test)]
mod tests {
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn udf(name: &str) -> ScalarUDF {
        functions().into_iter().find(|f| f.name() == name).unwrap()
    }

    fn int_of(v: ColumnarValue) -> Vec<Option<i32>> {
        let a = match v {
            ColumnarValue::Array(a) => a,
            ColumnarValue::Scalar(s) => s.to_array().unwrap(),
        };
        a.as_any().downcast_ref::<Int32Array>().unwrap().iter().collect()
    }

    #[test]
    fn string_size_counts_utf8_bytes() {
        let f = udf("kql_string_size");
        // string_size page examples.
        assert_eq!(call_long(&f, vec![s("hello")]), Some(5));
        assert_eq!(call_long(&f, vec![s("⒦⒰⒮⒯⒪")]), Some(15));
        assert_eq!(call_long(&f, vec![null_str()]), Some(0));
        let r = invoke(&f, vec![str_col(&[Some("é"), None, Some("")])]).unwrap();
        assert_eq!(longs_of(r), vec![Some(2), Some(0), Some(0)]);
    }

    #[test]
    fn strcmp_is_ordinal() {
        let f = udf("kql_strcmp");
        // strcmp page example.
        let r = invoke(
            &f,
            vec![
                str_col(&[Some("ABC"), Some("ABC"), Some("ABC"), Some("abc")]),
                str_col(&[Some("ABC"), Some("abc"), Some("AB"), Some("ABC")]),
            ],
        )
        .unwrap();
        assert_eq!(int_of(r), vec![Some(0), Some(-1), Some(1), Some(1)]);
        assert_eq!(int_of(invoke(&f, vec![null_str(), s("")]).unwrap()), vec![Some(0)]);
        // UTF-16 order: U+FF5E sorts before a surrogate pair.
        assert_eq!(int_of(invoke(&f, vec![s("\u{FF5E}"), s("\u{1F600}")]).unwrap()), vec![Some(1)]);
    }

    #[test]
    fn strrep_examples() {
        let f = udf("kql_strrep");
        // strrep page example.
        assert_eq!(call_str(&f, vec![s("ABC"), int(2)]).as_deref(), Some("ABCABC"));
        assert_eq!(call_str(&f, vec![long(123), int(3), s(".")]).as_deref(), Some("123.123.123"));
        let three_s = ColumnarValue::Scalar(ScalarValue::DurationNanosecond(Some(3_000_000_000)));
        assert_eq!(call_str(&f, vec![three_s, int(2), s(" ")]).as_deref(), Some("00:00:03 00:00:03"));
        assert_eq!(call_str(&f, vec![s("x"), int(0)]).as_deref(), Some(""));
        assert_eq!(call_str(&f, vec![s("x"), ColumnarValue::Scalar(ScalarValue::Int64(None))]).as_deref(), Some(""));
        assert_eq!(call_str(&f, vec![s("x"), long(1 << 40)]).map(|v| v.len()), Some(1024));
        assert_eq!(call_str(&f, vec![null_str(), int(3), s("-")]).as_deref(), Some("--"));
        let r = invoke(&f, vec![str_col(&[Some("a"), None]), long_col(&[Some(2), Some(2)])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("aa".into()), Some("".into())]);
    }

    #[test]
    fn translate_examples() {
        let f = udf("kql_translate");
        // translate page examples.
        assert_eq!(call_str(&f, vec![s("abc"), s("x"), s("abc")]).as_deref(), Some("xxx"));
        assert_eq!(call_str(&f, vec![s("abc"), s(""), s("ab")]).as_deref(), Some(""));
        assert_eq!(call_str(&f, vec![s("krasp"), s("otsku"), s("spark")]).as_deref(), Some("kusto"));
        assert_eq!(call_str(&f, vec![s("é"), s("e"), s("café")]).as_deref(), Some("cafe"));
        assert_eq!(call_str(&f, vec![null_str(), s("x"), s("abc")]).as_deref(), Some("abc"));
        let r = invoke(&f, vec![s("a"), s("b"), str_col(&[Some("aa"), None])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("bb".into()), Some("".into())]);
    }

    #[test]
    fn codepoints_round_trip() {
        let from = udf("kql_unicode_codepoints_from_string");
        let to = udf("kql_unicode_codepoints_to_string");
        // unicode_codepoints_from_string / _to_string page examples.
        assert_eq!(call_str(&from, vec![s("⒦⒰⒮⒯⒪")]).as_deref(), Some("[9382,9392,9390,9391,9386]"));
        assert_eq!(call_str(&from, vec![s("")]).as_deref(), Some("[]"));
        assert_eq!(call_str(&from, vec![null_str()]).as_deref(), Some("[]"));
        assert_eq!(call_str(&udf("kql_to_utf8"), vec![s("K")]).as_deref(), Some("[75]"));
        assert_eq!(call_str(&to, vec![long(75), long(117), long(115), long(116), long(111)]).as_deref(), Some("Kusto"));
        assert_eq!(call_str(&to, vec![dynamic("[75,117,115,116,111]")]).as_deref(), Some("Kusto"));
        assert_eq!(call_str(&to, vec![dynamic("[75,117,115]"), int(116), int(111)]).as_deref(), Some("Kusto"));
        assert_eq!(call_str(&to, vec![long(0xD800)]).as_deref(), Some(""));
        assert_eq!(call_str(&to, vec![long(-1)]).as_deref(), Some(""));
        assert_eq!(call_str(&to, vec![dynamic("[\"a\"]")]).as_deref(), Some(""));
        assert_eq!(call_str(&udf("kql_make_string"), vec![long(0x1F600)]).as_deref(), Some("\u{1F600}"));
        let r = invoke(&to, vec![long_col(&[Some(65), None])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("A".into()), Some("".into())]);
        let r = invoke(&from, vec![str_col(&[Some("ab"), None])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("[97,98]".into()), Some("[]".into())]);
    }
}
