//! Regular-expression functions: `matches regex`, `extract()`, `extract_all()` (old name
//! `extractall()`), `replace_regex()`, the deprecated `replace()`, `trim()`, `trim_start()`,
//! `trim_end()`.
//!
//! Patterns use RE2 syntax (see [`super::regex_cache`]). A constant pattern is compiled once
//! and shared across batches; a pattern that varies by row is compiled when it changes.

use std::borrow::Cow;
use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};
use regex::Regex;

use super::common::{
    KqlFunction, Param, Strs, finish_bool, finish_dynamic, finish_strings, ints, push_json_str, result_len, strs,
};
use super::regex_cache::{Memo, compile};

/// A pattern argument: compiled once when constant, per distinct value otherwise.
struct Patterns {
    constant: Option<Arc<Regex>>,
    values: Strs,
    memo: Memo,
    wrap: fn(&str) -> Cow<'_, str>,
}

impl Patterns {
    fn new(arg: &ColumnarValue, wrap: fn(&str) -> Cow<'_, str>) -> Result<Patterns> {
        let values = strs(arg)?;
        let constant = match values.scalar() {
            Some(p) => Some(compile(&wrap(p))?),
            None => None,
        };
        Ok(Patterns { constant, values, memo: Memo::default(), wrap })
    }

    fn get(&mut self, i: usize) -> Result<Arc<Regex>> {
        match &self.constant {
            Some(re) => Ok(Arc::clone(re)),
            None => {
                let p = (self.wrap)(self.values.get(i));
                self.memo.get(&p)
            }
        }
    }
}

fn as_is(p: &str) -> Cow<'_, str> {
    Cow::Borrowed(p)
}

/// `text matches regex pattern`: whether `text` contains a match.
fn matches_regex(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    let mut patterns = Patterns::new(&args[1], as_is)?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        out.push(patterns.get(i)?.is_match(text.get(i)));
    }
    finish_bool(len, scalar, |i| out[i])
}

/// `extract(regex, captureGroup, source)`: the text of the capture group in the first match,
/// `""` when there is no match or the group did not take part in it.
fn extract(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(&args[..3], rows);
    let mut patterns = Patterns::new(&args[0], as_is)?;
    let groups = ints(&args[1])?;
    let text = strs(&args[2])?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let re = patterns.get(i)?;
        let t = text.get(i);
        let value = match groups.get(i) {
            Some(0) => re.find(t).map(|m| m.as_str()),
            Some(g) if g > 0 && (g as usize) < re.captures_len() => {
                re.captures(t).and_then(|c| c.get(g as usize)).map(|m| m.as_str())
            }
            _ => None,
        };
        out.push(value.unwrap_or(""));
    }
    finish_strings(out.into_iter(), scalar)
}

/// Which capture groups `extract_all` returns: numbers (1-based) or names.
fn selected_groups(re: &Regex, spec: Option<&str>) -> Result<Vec<usize>> {
    let count = re.captures_len() - 1;
    if count == 0 {
        return exec_err!("extract_all(): the regular expression must contain between 1 and 16 capture groups");
    }
    let Some(spec) = spec else {
        return Ok((1..=count).collect());
    };
    let items: Vec<serde_json::Value> = match serde_json::from_str(spec) {
        Ok(serde_json::Value::Array(items)) => items,
        Ok(other) => vec![other],
        Err(_) => return exec_err!("extract_all(): captureGroups must be a dynamic array, got {spec}"),
    };
    items
        .iter()
        .map(|item| match item {
            serde_json::Value::Number(n) => match n.as_u64() {
                Some(g) if g >= 1 && g as usize <= count => Ok(g as usize),
                _ => exec_err!("extract_all(): capture group {n} is out of range 1..{count}"),
            },
            serde_json::Value::String(name) => match re.capture_names().position(|n| n == Some(name.as_str())) {
                Some(g) => Ok(g),
                None => exec_err!("extract_all(): the regular expression has no capture group named {name:?}"),
            },
            other => exec_err!("extract_all(): invalid capture group {other}"),
        })
        .collect()
}

/// `extract_all(regex, [captureGroups,] source)`: every match, as a dynamic array of the
/// single selected group's values, or of arrays of the selected groups' values; null when
/// nothing matches.
fn extract_all(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let mut patterns = Patterns::new(&args[0], as_is)?;
    let (spec, text) = if args.len() == 3 { (Some(strs(&args[1])?), strs(&args[2])?) } else { (None, strs(&args[1])?) };
    let mut out = Vec::with_capacity(len);
    let mut constant_groups: Option<Vec<usize>> = None;
    for i in 0..len {
        let re = patterns.get(i)?;
        let groups = match (&constant_groups, &spec, patterns.constant.is_some()) {
            (Some(g), _, _) => g.clone(),
            (None, Some(spec), true) if spec.scalar().is_some() => {
                let g = selected_groups(&re, spec.scalar())?;
                constant_groups = Some(g.clone());
                g
            }
            (None, None, true) => {
                let g = selected_groups(&re, None)?;
                constant_groups = Some(g.clone());
                g
            }
            (None, spec, _) => selected_groups(&re, spec.as_ref().map(|s| s.get(i)))?,
        };
        let mut json = String::from("[");
        let mut any = false;
        for caps in re.captures_iter(text.get(i)) {
            if any {
                json.push(',');
            }
            any = true;
            if groups.len() == 1 {
                push_json_str(&mut json, caps.get(groups[0]).map_or("", |m| m.as_str()));
            } else {
                json.push('[');
                for (k, g) in groups.iter().enumerate() {
                    if k > 0 {
                        json.push(',');
                    }
                    push_json_str(&mut json, caps.get(*g).map_or("", |m| m.as_str()));
                }
                json.push(']');
            }
        }
        json.push(']');
        out.push(any.then_some(json));
    }
    finish_dynamic(out.into_iter(), scalar)
}

/// Kusto's rewrite pattern (`\0` the whole match, `\1`..`\9` groups) in the `regex` crate's
/// replacement syntax, where `$` must be escaped.
fn rewrite_pattern(rewrite: &str) -> String {
    let mut out = String::with_capacity(rewrite.len() + 8);
    let mut chars = rewrite.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => out.push_str("$$"),
            '\\' => match chars.peek() {
                Some(d) if d.is_ascii_digit() => {
                    out.push_str("${");
                    out.push(*d);
                    out.push('}');
                    chars.next();
                }
                Some('\\') => {
                    out.push('\\');
                    chars.next();
                }
                _ => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

/// `replace_regex(source, lookup_regex, rewrite_pattern)`: every non-overlapping match
/// replaced.
fn replace_regex(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    let mut patterns = Patterns::new(&args[1], as_is)?;
    let rewrite = strs(&args[2])?;
    let constant_rewrite = rewrite.scalar().map(rewrite_pattern);
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let re = patterns.get(i)?;
        let rw = match &constant_rewrite {
            Some(r) => Cow::Borrowed(r.as_str()),
            None => Cow::Owned(rewrite_pattern(rewrite.get(i))),
        };
        out.push(re.replace_all(text.get(i), rw.as_ref()).into_owned());
    }
    finish_strings(out.into_iter(), scalar)
}

/// `replace(regex, rewrite, text)`: the deprecated form of `replace_regex`, whose arguments come
/// in a different order (the pattern first, the text last).
fn replace(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    replace_regex(&[args[2].clone(), args[0].clone(), args[1].clone()], rows)
}

fn leading(p: &str) -> Cow<'_, str> {
    Cow::Owned(format!("^(?:{p})+"))
}

fn trailing(p: &str) -> Cow<'_, str> {
    Cow::Owned(format!("(?:{p})+$"))
}

/// `trim`, `trim_start`, `trim_end`: removes the matches of the regex repeated at the start
/// and/or the end of the source.
fn trim_kernel(args: &[ColumnarValue], rows: usize, start: bool, end: bool) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let mut heads = if start { Some(Patterns::new(&args[0], leading)?) } else { None };
    let mut tails = if end { Some(Patterns::new(&args[0], trailing)?) } else { None };
    let text = strs(&args[1])?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let mut t = text.get(i);
        if let Some(heads) = &mut heads
            && let Some(m) = heads.get(i)?.find(t)
        {
            t = &t[m.end()..];
        }
        if let Some(tails) = &mut tails
            && let Some(m) = tails.get(i)?.find(t)
        {
            t = &t[..m.start()];
        }
        out.push(t.to_string());
    }
    finish_strings(out.into_iter(), scalar)
}

fn trim(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    trim_kernel(args, rows, true, true)
}
fn trim_start(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    trim_kernel(args, rows, true, false)
}
fn trim_end(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    trim_kernel(args, rows, false, true)
}

const TWO_STRINGS: &[Param] = &[Param::Str, Param::Str];
const THREE_STRINGS: &[Param] = &[Param::Str, Param::Str, Param::Str];

pub(crate) fn functions() -> Vec<ScalarUDF> {
    vec![
        // https://learn.microsoft.com/kusto/query/matches-regex-operator
        KqlFunction::new("kql_matches_regex", TWO_STRINGS, 2, DataType::Boolean, matches_regex).udf(),
        // https://learn.microsoft.com/kusto/query/extract-function; the optional typeLiteral
        // (fourth argument) is applied by the planner and ignored here.
        KqlFunction::new("kql_extract", &[Param::Str, Param::Int, Param::Str, Param::Any], 3, DataType::Utf8, extract)
            .udf(),
        // https://learn.microsoft.com/kusto/query/extract-all-function
        KqlFunction::new("kql_extract_all", THREE_STRINGS, 2, DataType::LargeUtf8, extract_all).udf(),
        KqlFunction::new("kql_extractall", THREE_STRINGS, 2, DataType::LargeUtf8, extract_all).udf(),
        // https://learn.microsoft.com/kusto/query/replace-regex-function
        KqlFunction::new("kql_replace_regex", THREE_STRINGS, 3, DataType::Utf8, replace_regex).udf(),
        // The same page lists `replace()` as a deprecated alias. Its argument order is the one
        // of Kusto's former `replace()` page (its address, .../kusto/query/replacefunction, now
        // leads to replace_regex): `replace(regex, rewrite, text)`, which other KQL engines
        // (Axiom's APL) also keep.
        KqlFunction::new("kql_replace", THREE_STRINGS, 3, DataType::Utf8, replace).udf(),
        // https://learn.microsoft.com/kusto/query/trim-function
        KqlFunction::new("kql_trim", TWO_STRINGS, 2, DataType::Utf8, trim).udf(),
        // https://learn.microsoft.com/kusto/query/trim-start-function
        KqlFunction::new("kql_trim_start", TWO_STRINGS, 2, DataType::Utf8, trim_start).udf(),
        // https://learn.microsoft.com/kusto/query/trim-end-function
        KqlFunction::new("kql_trim_end", TWO_STRINGS, 2, DataType::Utf8, trim_end).udf(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn udf(name: &str) -> ScalarUDF {
        functions().into_iter().find(|f| f.name() == name).unwrap()
    }

    #[test]
    fn matches_regex_operator() {
        let f = udf("kql_matches_regex");
        // String operators page: "Fabrikam" matches regex "b.*k".
        assert!(call_bool(&f, vec![s("Fabrikam"), s("b.*k")]));
        assert!(!call_bool(&f, vec![s("Fabrikam"), s("^b")]));
        assert!(call_bool(&f, vec![null_str(), s("^$")]));
        assert!(call_bool(&f, vec![s("AnyDesk.EXE"), s(r"(?i)anydesk\.exe$")]));
        let r = invoke(&f, vec![str_col(&[Some("a1"), None, Some("bb")]), s(r"\d")]).unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(false)]);
        let r = invoke(
            &f,
            vec![str_col(&[Some("a1"), Some("x"), Some("bb")]), str_col(&[Some("a"), Some("a"), Some("^b+$")])],
        )
        .unwrap();
        assert_eq!(bools_of(r), vec![Some(true), Some(false), Some(true)]);
        assert!(invoke(&f, vec![s("a"), s("(")]).is_err());
    }

    #[test]
    fn extract_examples() {
        let f = udf("kql_extract");
        // extract page examples.
        let james = "User: James, Email: James@example.com, Age: 29";
        let david = "User: David, Age: 35";
        assert_eq!(call_str(&f, vec![s("User: ([^,]+)"), long(1), s(james)]).unwrap(), "James");
        assert_eq!(call_str(&f, vec![s(r"Email: (\S+),"), long(1), s(james)]).unwrap(), "James@example.com");
        assert_eq!(call_str(&f, vec![s(r"Email: (\S+),"), long(1), s(david)]).unwrap(), "");
        assert_eq!(call_str(&f, vec![s(r"\d+"), long(0), s(david)]).unwrap(), "35");
        assert_eq!(call_str(&f, vec![s(r"-(\d{2})-"), int(1), s("15-12-2024")]).unwrap(), "12");
        assert_eq!(
            call_str(&f, vec![s("Duration=([0-9.]+)"), long(1), s("A=1, B=2, Duration=123.45, ...")]).unwrap(),
            "123.45"
        );
        // Same as substring(Text, 2, 4).
        assert_eq!(call_str(&f, vec![s("^.{2,2}(.{4,4})"), long(1), s("abcdefgh")]).unwrap(), "cdef");
        // Out of range groups and nulls give "".
        assert_eq!(call_str(&f, vec![s("(a)"), long(2), s("a")]).unwrap(), "");
        assert_eq!(call_str(&f, vec![s("(a)|(b)"), long(2), s("a")]).unwrap(), "");
        assert_eq!(call_str(&f, vec![s("(a)"), long(1), null_str()]).unwrap(), "");
        let r = invoke(&f, vec![s(r"(\d+)"), long(1), str_col(&[Some("x12"), None, Some("y")])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("12".into()), Some("".into()), Some("".into())]);
    }

    #[test]
    fn extract_all_examples() {
        let f = udf("kql_extract_all");
        // extract_all page examples.
        assert_eq!(
            call_str(&f, vec![s(r"(\d+)"), s("a set of numbers: 123, 567 and 789")]).unwrap(),
            r#"["123","567","789"]"#
        );
        let id = "82b8be2d-dfa7-4bd1-8f63-24ad26d31449";
        assert_eq!(
            call_str(&f, vec![s(r"([\da-f]{2})"), s(id)]).unwrap(),
            r#"["82","b8","be","2d","df","a7","4b","d1","8f","63","24","ad","26","d3","14","49"]"#
        );
        assert_eq!(
            call_str(&f, vec![s(r"(\w)(\w+)(\w)"), s(id)]).unwrap(),
            r#"[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]"#
        );
        assert_eq!(
            call_str(&f, vec![s(r"(\w)(\w+)(\w)"), dynamic("[1,3]"), s(id)]).unwrap(),
            r#"[["8","d"],["d","7"],["4","1"],["8","3"],["2","9"]]"#
        );
        assert_eq!(
            call_str(&f, vec![s(r"(?P<first>\w)(?P<middle>\w+)(?P<last>\w)"), dynamic(r#"["first","last"]"#), s(id)])
                .unwrap(),
            r#"[["8","d"],["d","7"],["4","1"],["8","3"],["2","9"]]"#
        );
        assert_eq!(call_str(&f, vec![s(r"(\w)(\w+)(\w)"), dynamic("[2]"), s("abcd")]).unwrap(), r#"["bc"]"#);
        // No match: null.
        assert_eq!(call_str(&f, vec![s(r"(\d+)"), s("none")]), None);
        assert_eq!(call_str(&f, vec![s(r"(\d+)"), null_str()]), None);
        assert!(invoke(&f, vec![s(r"\d+"), s("1")]).is_err());
        assert!(invoke(&f, vec![s(r"(\d+)"), dynamic("[2]"), s("1")]).is_err());
        let r = invoke(&f, vec![s(r"(\d)"), str_col(&[Some("1a2"), Some("x")])]).unwrap();
        assert_eq!(strings_of(r), vec![Some(r#"["1","2"]"#.into()), None]);
    }

    #[test]
    fn replace_regex_examples() {
        let f = udf("kql_replace_regex");
        // replace_regex page example.
        assert_eq!(
            call_str(&f, vec![s("Number is 1.000000"), s(r"is (\d+)"), s(r"was: \1")]).unwrap(),
            "Number was: 1.000000"
        );
        assert_eq!(call_str(&f, vec![s("abc"), s("b"), s(r"[\0]")]).unwrap(), "a[b]c");
        assert_eq!(call_str(&f, vec![s("a.b.c"), s(r"\."), s("$1")]).unwrap(), "a$1b$1c");
        assert_eq!(call_str(&f, vec![s(r"C:\x"), s(r"\\"), s(r"\\\\")]).unwrap(), r"C:\\x");
        assert_eq!(call_str(&f, vec![null_str(), s("a"), s("b")]).unwrap(), "");
        let r = invoke(&f, vec![str_col(&[Some("aXa"), None]), s("(?i)x"), s("-")]).unwrap();
        assert_eq!(strings_of(r), vec![Some("a-a".into()), Some("".into())]);
    }

    #[test]
    fn deprecated_replace_and_extractall() {
        let f = udf("kql_replace");
        assert_eq!(
            call_str(&f, vec![s(r"is (\d+)"), s(r"was: \1"), s("Number is 1.000000")]).unwrap(),
            "Number was: 1.000000"
        );
        assert_eq!(call_str(&f, vec![s("a"), s("b"), null_str()]).unwrap(), "");
        let r = invoke(&f, vec![s("x"), s("-"), str_col(&[Some("axa"), None, Some("")])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("a-a".into()), Some("".into()), Some("".into())]);
        let f = udf("kql_extractall");
        assert_eq!(call_str(&f, vec![s(r"(\d)"), s("1a2")]).as_deref(), Some(r#"["1","2"]"#));
        assert_eq!(call_str(&f, vec![s(r"(\d)"), s("x")]), None);
    }

    #[test]
    fn trim_examples() {
        let trim = udf("kql_trim");
        let start = udf("kql_trim_start");
        let end = udf("kql_trim_end");
        // trim page examples.
        assert_eq!(call_str(&trim, vec![s("--"), s("--https://bing.com--")]).unwrap(), "https://bing.com");
        assert_eq!(call_str(&trim, vec![s(r"[^\w]+"), s("- Te st1// $")]).unwrap(), "Te st1");
        assert_eq!(call_str(&trim, vec![s(r"\s+"), s("    Hello, world!   ")]).unwrap(), "Hello, world!");
        // trim_start page examples.
        assert_eq!(call_str(&start, vec![s("https://"), s("https://bing.com")]).unwrap(), "bing.com");
        assert_eq!(call_str(&start, vec![s(r"[^\w]+"), s("- Te st1// $")]).unwrap(), "Te st1// $");
        // trim_end, the same kinds of cases.
        assert_eq!(call_str(&end, vec![s(r"\.com"), s("bing.com")]).unwrap(), "bing");
        assert_eq!(call_str(&end, vec![s(r"[^\w]+"), s("- Te st1// $")]).unwrap(), "- Te st1");
        // Repeated matches are all removed.
        assert_eq!(call_str(&trim, vec![s("-"), s("---x---")]).unwrap(), "x");
        assert_eq!(call_str(&trim, vec![s("a|b"), s("abxba")]).unwrap(), "x");
        assert_eq!(call_str(&trim, vec![s("x"), null_str()]).unwrap(), "");
        let r = invoke(&trim, vec![str_col(&[Some(" "), Some("x")]), str_col(&[Some("  a "), None])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("a".into()), Some("".into())]);
    }
}
