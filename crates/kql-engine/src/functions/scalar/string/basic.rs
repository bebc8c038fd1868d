//! Character-level functions: `strlen()`, `substring()`, `tolower()`, `toupper()`, `reverse()`,
//! `indexof()`, `replace_string()`, `countof()`, `split()`.
//!
//! Positions and lengths count Unicode code points, as `strlen()` is documented to
//! (<https://learn.microsoft.com/kusto/query/strlen-function>).

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{
    Ints, KqlFunction, Param, finish_dynamic, finish_longs, finish_strings, ints, json_str_array, result_len, strs,
};
use super::regex_cache::Memo;

fn strlen(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_longs((0..len).map(|i| Some(text.get(i).chars().count() as i64)), scalar)
}

/// Byte offset of the character at `char_index` (or the end).
fn byte_at(s: &str, char_index: usize) -> usize {
    if s.is_ascii() {
        return char_index.min(s.len());
    }
    s.char_indices().nth(char_index).map_or(s.len(), |(b, _)| b)
}

/// `substring(source, startingIndex [, length])`: zero-based; a negative start counts from the
/// end; out-of-range positions are clamped.
fn substring_of(s: &str, start: i64, length: Option<i64>) -> &str {
    let n = if s.is_ascii() { s.len() } else { s.chars().count() } as i64;
    let start = if start < 0 { (n + start).max(0) } else { start.min(n) };
    let end = match length {
        None => n,
        Some(l) if l < 0 => return "",
        Some(l) => start.saturating_add(l).min(n),
    };
    let b0 = byte_at(s, start as usize);
    let b1 = b0 + byte_at(&s[b0..], (end - start) as usize);
    &s[b0..b1]
}

fn substring(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    let start = ints(&args[1])?;
    let length = args.get(2).map(ints).transpose()?;
    finish_strings(
        (0..len).map(|i| {
            let Some(st) = start.get(i) else { return "" };
            match &length {
                None => substring_of(text.get(i), st, None),
                Some(l) => match l.get(i) {
                    Some(l) => substring_of(text.get(i), st, Some(l)),
                    None => "",
                },
            }
        }),
        scalar,
    )
}

/// One-to-one case mapping (a character whose mapping is several characters is kept).
fn map_case(s: &str, upper: bool) -> String {
    if s.is_ascii() {
        return if upper { s.to_ascii_uppercase() } else { s.to_ascii_lowercase() };
    }
    fn single(mut mapped: impl Iterator<Item = char>, c: char) -> char {
        match (mapped.next(), mapped.next()) {
            (Some(x), None) => x,
            _ => c,
        }
    }
    s.chars().map(|c| if upper { single(c.to_uppercase(), c) } else { single(c.to_lowercase(), c) }).collect()
}

fn tolower(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_strings((0..len).map(|i| map_case(text.get(i), false)), scalar)
}

fn toupper(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_strings((0..len).map(|i| map_case(text.get(i), true)), scalar)
}

fn reverse(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_strings((0..len).map(|i| text.get(i).chars().rev().collect::<String>()), scalar)
}

/// `indexof(string, match [, start [, length [, occurrence]]])`. Each further occurrence is
/// searched from one character after the previous one, over `length` characters again: this
/// is what the documented `indexof("abcdefgabcdefg", "cde", 1, 10, 2) == 9` requires.
fn index_of(s: &str, m: &str, start: i64, length: i64, occurrence: i64) -> Option<i64> {
    if length < -1 || occurrence < 0 {
        return None;
    }
    if occurrence == 0 {
        return Some(-1);
    }
    let ascii = s.is_ascii();
    let bounds: Vec<usize> =
        if ascii { Vec::new() } else { s.char_indices().map(|(b, _)| b).chain([s.len()]).collect() };
    let n = if ascii { s.len() } else { bounds.len() - 1 };
    let byte = |c: usize| if ascii { c } else { bounds[c] };
    let char_of = |b: usize| if ascii { b } else { bounds.partition_point(|&x| x < b) };
    let mut pos = if start < 0 { (n as i64 + start).max(0) as usize } else { start as usize };
    for k in 1..=occurrence {
        if pos > n {
            return Some(-1);
        }
        let end = if length == -1 { n } else { pos.saturating_add(length as usize).min(n) };
        let (b0, b1) = (byte(pos), byte(end));
        match s[b0..b1].find(m) {
            None => return Some(-1),
            Some(found) => {
                let at = char_of(b0 + found);
                if k == occurrence {
                    return Some(at as i64);
                }
                pos = at + 1;
            }
        }
    }
    Some(-1)
}

fn indexof(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    let lookup = strs(&args[1])?;
    let opt = |k: usize, default: i64| -> Result<Ints> {
        match args.get(k) {
            Some(a) => ints(a),
            None => Ok(Ints::Scalar(Some(default))),
        }
    };
    let (start, length, occurrence) = (opt(2, 0)?, opt(3, -1)?, opt(4, 1)?);
    finish_longs(
        (0..len).map(|i| index_of(text.get(i), lookup.get(i), start.get(i)?, length.get(i)?, occurrence.get(i)?)),
        scalar,
    )
}

fn replace_string(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    let lookup = strs(&args[1])?;
    let rewrite = strs(&args[2])?;
    finish_strings(
        (0..len).map(|i| {
            let (t, l) = (text.get(i), lookup.get(i));
            if l.is_empty() { t.to_string() } else { t.replace(l, rewrite.get(i)) }
        }),
        scalar,
    )
}

/// Overlapping occurrences of `search` in `text`.
fn count_plain(text: &str, search: &str) -> i64 {
    let Some(first) = search.chars().next() else { return 0 };
    let step = first.len_utf8();
    let finder = memchr::memmem::Finder::new(search.as_bytes());
    let (hay, mut from, mut count) = (text.as_bytes(), 0, 0);
    while let Some(p) = finder.find(&hay[from..]) {
        count += 1;
        from += p + step;
    }
    count
}

/// `countof(source, search [, kind])`: plain matches may overlap, regex matches do not.
fn countof(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    let search = strs(&args[1])?;
    let kind = args.get(2).map(strs).transpose()?;
    let mut memo = Memo::default();
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let (t, s) = (text.get(i), search.get(i));
        let n = match kind.as_ref().map_or("normal", |k| k.get(i)) {
            "normal" | "" => count_plain(t, s),
            "regex" => memo.get(s)?.find_iter(t).count() as i64,
            other => return exec_err!("countof(): kind must be \"normal\" or \"regex\", got {other:?}"),
        };
        out.push(Some(n));
    }
    finish_longs(out.into_iter(), scalar)
}

/// `split(source, delimiter [, requestedIndex])`: a dynamic array of the parts, or of the one
/// part at `requestedIndex` (empty when out of range).
fn split(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    let delimiter = strs(&args[1])?;
    let index = args.get(2).map(ints).transpose()?;
    finish_dynamic(
        (0..len).map(|i| {
            let (t, d) = (text.get(i), delimiter.get(i));
            let parts: Vec<&str> = if d.is_empty() { vec![t] } else { t.split(d).collect() };
            Some(match &index {
                None => json_str_array(parts),
                Some(index) => match index.get(i) {
                    Some(k) if k >= 0 && (k as usize) < parts.len() => json_str_array([parts[k as usize]]),
                    _ => "[]".to_string(),
                },
            })
        }),
        scalar,
    )
}

const STR: &[Param] = &[Param::Str];

pub(crate) fn functions() -> Vec<ScalarUDF> {
    vec![
        // https://learn.microsoft.com/kusto/query/strlen-function
        KqlFunction::new("kql_strlen", STR, 1, DataType::Int64, strlen).udf(),
        // https://learn.microsoft.com/kusto/query/substring-function
        KqlFunction::new("kql_substring", &[Param::Str, Param::Int, Param::Int], 2, DataType::Utf8, substring).udf(),
        // https://learn.microsoft.com/kusto/query/tolower-function
        KqlFunction::new("kql_tolower", STR, 1, DataType::Utf8, tolower).udf(),
        // https://learn.microsoft.com/kusto/query/toupper-function
        KqlFunction::new("kql_toupper", STR, 1, DataType::Utf8, toupper).udf(),
        // https://learn.microsoft.com/kusto/query/reverse-function
        KqlFunction::new("kql_reverse", STR, 1, DataType::Utf8, reverse).udf(),
        // https://learn.microsoft.com/kusto/query/indexof-function
        KqlFunction::new(
            "kql_indexof",
            &[Param::Str, Param::Str, Param::Int, Param::Int, Param::Int],
            2,
            DataType::Int64,
            indexof,
        )
        .udf(),
        // https://learn.microsoft.com/kusto/query/replace-string-function
        KqlFunction::new(
            "kql_replace_string",
            &[Param::Str, Param::Str, Param::Str],
            3,
            DataType::Utf8,
            replace_string,
        )
        .udf(),
        // https://learn.microsoft.com/kusto/query/countof-function
        KqlFunction::new("kql_countof", &[Param::Str, Param::Str, Param::Str], 2, DataType::Int64, countof).udf(),
        // https://learn.microsoft.com/kusto/query/split-function
        KqlFunction::new("kql_split", &[Param::Str, Param::Str, Param::Int], 2, DataType::LargeUtf8, split).udf(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn udf(name: &str) -> ScalarUDF {
        functions().into_iter().find(|f| f.name() == name).unwrap()
    }

    fn str1(name: &str, args: Vec<ColumnarValue>) -> String {
        call_str(&udf(name), args).unwrap()
    }

    #[test]
    fn strlen_counts_code_points() {
        let f = udf("kql_strlen");
        // strlen page examples.
        assert_eq!(call_long(&f, vec![s("hello")]), Some(5));
        assert_eq!(call_long(&f, vec![s("⒦⒰⒮⒯⒪")]), Some(5));
        assert_eq!(call_long(&f, vec![s("C\u{327}edilla")]), Some(8));
        assert_eq!(call_long(&f, vec![null_str()]), Some(0));
        let r = invoke(&f, vec![str_col(&[Some("ab"), None, Some("é")])]).unwrap();
        assert_eq!(longs_of(r), vec![Some(2), Some(0), Some(1)]);
    }

    #[test]
    fn substring_examples() {
        // substring page examples.
        assert_eq!(str1("kql_substring", vec![s("123456"), long(1)]), "23456");
        assert_eq!(str1("kql_substring", vec![s("123456"), long(2), long(2)]), "34");
        assert_eq!(str1("kql_substring", vec![s("ABCD"), long(0), long(2)]), "AB");
        assert_eq!(str1("kql_substring", vec![s("123456"), long(-2), long(2)]), "56");
        // Clamping.
        assert_eq!(str1("kql_substring", vec![s("123456"), long(4), long(10)]), "56");
        assert_eq!(str1("kql_substring", vec![s("123456"), long(10)]), "");
        assert_eq!(str1("kql_substring", vec![s("123456"), long(-10), long(2)]), "12");
        assert_eq!(str1("kql_substring", vec![s("123456"), long(1), long(-1)]), "");
        assert_eq!(str1("kql_substring", vec![s("héllo"), int(1), int(3)]), "éll");
        assert_eq!(str1("kql_substring", vec![null_str(), long(0)]), "");
        assert_eq!(
            str1("kql_substring", vec![s("abc"), ColumnarValue::Scalar(datafusion::common::ScalarValue::Int64(None))]),
            ""
        );
        let r = invoke(
            &udf("kql_substring"),
            vec![str_col(&[Some("abcdef"), None, Some("xy")]), long_col(&[Some(1), Some(0), Some(-1)]), long(2)],
        )
        .unwrap();
        assert_eq!(strings_of(r), vec![Some("bc".into()), Some("".into()), Some("y".into())]);
    }

    #[test]
    fn case_and_reverse() {
        assert_eq!(str1("kql_tolower", vec![s("Hello ÉCOLE")]), "hello école");
        assert_eq!(str1("kql_toupper", vec![s("hello école")]), "HELLO ÉCOLE");
        // One-to-one: ß has no single-character uppercase.
        assert_eq!(str1("kql_toupper", vec![s("straße")]), "STRAßE");
        assert_eq!(str1("kql_tolower", vec![null_str()]), "");
        // reverse page examples.
        assert_eq!(str1("kql_reverse", vec![s("ABCDEFGHIJKLMNOPQRSTUVWXYZ")]), "ZYXWVUTSRQPONMLKJIHGFEDCBA");
        assert_eq!(str1("kql_reverse", vec![long(12345)]), "54321");
        assert_eq!(
            str1("kql_reverse", vec![ColumnarValue::Scalar(datafusion::common::ScalarValue::Float64(Some(123.45)))]),
            "54.321"
        );
        let dt = ColumnarValue::Scalar(datafusion::common::ScalarValue::TimestampNanosecond(
            Some(1_508_068_800_000_000_000),
            None,
        ));
        assert_eq!(str1("kql_reverse", vec![dt]), "Z0000000.00:00:21T51-01-7102");
        let ts =
            ColumnarValue::Scalar(datafusion::common::ScalarValue::DurationNanosecond(Some(3 * 3_600_000_000_000)));
        assert_eq!(str1("kql_reverse", vec![ts]), "00:00:30");
        assert_eq!(str1("kql_reverse", vec![s("añb")]), "bña");
        let r = invoke(&udf("kql_toupper"), vec![str_col(&[Some("a"), None])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("A".into()), Some("".into())]);
    }

    #[test]
    fn indexof_examples() {
        let f = udf("kql_indexof");
        let idx = |args: Vec<ColumnarValue>| call_long(&f, args);
        // indexof page examples.
        assert_eq!(idx(vec![s("abcdefg"), s("cde")]), Some(2));
        assert_eq!(idx(vec![s("abcdefg"), s("cde"), long(1), long(4)]), Some(2));
        assert_eq!(idx(vec![s("abcdefg"), s("cde"), long(1), long(2)]), Some(-1));
        assert_eq!(idx(vec![s("abcdefg"), s("cde"), long(3), long(4)]), Some(-1));
        assert_eq!(idx(vec![s("abcdefg"), s("cde"), long(-5)]), Some(2));
        assert_eq!(idx(vec![long(1234567), long(5), long(1), long(4)]), Some(4));
        assert_eq!(idx(vec![s("abcdefg"), s("cde"), long(2), long(-1)]), Some(2));
        assert_eq!(idx(vec![s("abcdefgabcdefg"), s("cde"), long(1), long(10), long(2)]), Some(9));
        assert_eq!(idx(vec![s("abcdefgabcdefg"), s("cde"), long(1), long(-1), long(3)]), Some(-1));
        // Invalid arguments give null.
        assert_eq!(idx(vec![s("abc"), s("b"), long(0), long(-2)]), None);
        assert_eq!(idx(vec![s("abc"), s("b"), long(0), long(-1), long(-1)]), None);
        // Character positions, nulls, empty lookups.
        assert_eq!(idx(vec![s("héllo"), s("l")]), Some(2));
        assert_eq!(idx(vec![s("ééé"), s("é"), long(0), long(-1), long(3)]), Some(2));
        assert_eq!(idx(vec![null_str(), s("a")]), Some(-1));
        assert_eq!(idx(vec![s("abc"), s("")]), Some(0));
        assert_eq!(idx(vec![s("abc"), s("c"), long(5)]), Some(-1));
        let r = invoke(&f, vec![str_col(&[Some("abc"), Some("cab"), None]), s("a")]).unwrap();
        assert_eq!(longs_of(r), vec![Some(0), Some(1), Some(-1)]);
    }

    #[test]
    fn replace_string_and_countof() {
        // replace_string page example.
        assert_eq!(
            str1("kql_replace_string", vec![s("A magic trick can turn a cat into a dog"), s("cat"), s("hamster")]),
            "A magic trick can turn a hamster into a dog"
        );
        assert_eq!(str1("kql_replace_string", vec![s("aaa"), s(""), s("b")]), "aaa");
        assert_eq!(str1("kql_replace_string", vec![s("aXa"), s("x"), s("b")]), "aXa");
        assert_eq!(str1("kql_replace_string", vec![null_str(), s("a"), s("b")]), "");
        let f = udf("kql_countof");
        // countof page examples.
        assert_eq!(call_long(&f, vec![s("aaa"), s("a")]), Some(3));
        assert_eq!(call_long(&f, vec![s("aaaa"), s("aa")]), Some(3));
        assert_eq!(call_long(&f, vec![s("ababa"), s("ab"), s("normal")]), Some(2));
        assert_eq!(call_long(&f, vec![s("ababa"), s("aba")]), Some(2));
        assert_eq!(call_long(&f, vec![s("ababa"), s("aba"), s("regex")]), Some(1));
        assert_eq!(call_long(&f, vec![s("abcabc"), s("a.c"), s("regex")]), Some(2));
        assert_eq!(call_long(&f, vec![s("ééé"), s("éé")]), Some(2));
        assert_eq!(call_long(&f, vec![s("abc"), s("")]), Some(0));
        assert_eq!(call_long(&f, vec![null_str(), s("a")]), Some(0));
        assert!(invoke(&f, vec![s("a"), s("a"), s("fuzzy")]).is_err());
        let r = invoke(&f, vec![str_col(&[Some("a,b,c"), None]), s(",")]).unwrap();
        assert_eq!(longs_of(r), vec![Some(2), Some(0)]);
    }

    #[test]
    fn split_examples() {
        // split page examples.
        assert_eq!(str1("kql_split", vec![s("aa_bb"), s("_")]), r#"["aa","bb"]"#);
        assert_eq!(str1("kql_split", vec![s("aaa_bbb_ccc"), s("_"), long(1)]), r#"["bbb"]"#);
        assert_eq!(str1("kql_split", vec![s(""), s("_")]), r#"[""]"#);
        assert_eq!(str1("kql_split", vec![s("a__b"), s("_")]), r#"["a","","b"]"#);
        assert_eq!(str1("kql_split", vec![s("aabbcc"), s("bb")]), r#"["aa","cc"]"#);
        assert_eq!(str1("kql_split", vec![s("a_b"), s("_"), long(5)]), "[]");
        assert_eq!(str1("kql_split", vec![s("a_b"), s("_"), long(-1)]), "[]");
        assert_eq!(str1("kql_split", vec![null_str(), s("_")]), r#"[""]"#);
        assert_eq!(str1("kql_split", vec![s(r#"a"b\c"#), s("x")]), r#"["a\"b\\c"]"#);
        let r = invoke(&udf("kql_split"), vec![str_col(&[Some("a/b"), None]), s("/")]).unwrap();
        assert_eq!(strings_of(r), vec![Some(r#"["a","b"]"#.into()), Some(r#"[""]"#.into())]);
    }
}
