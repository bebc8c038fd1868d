//! `extract_json(jsonPath, dataSource [, type])`, old name `extractjson()`: the element a JSONPath
//! names in a JSON document, as a string
//! (<https://learn.microsoft.com/en-us/kusto/query/extract-json-function>).
//!
//! The path is the JSONPath subset Kusto's pages use: `$` followed by steps `.name`,
//! `['name']` or `["name"]`, and `[index]` (a negative index counts from the end). Wildcards,
//! slices, filters and recursive descent are refused. The document is a string holding JSON, or
//! a dynamic value (a dynamic string is read as the JSON text it holds, as `tostring()` would
//! give it).
//!
//! The result is the element's text: a string's own characters, a number or bool as written,
//! an array or bag as compact JSON; `""` (a null string) when the document is not JSON, a step is
//! missing, or the element is JSON `null`. The optional third argument, `typeof(T)`, converts the
//! result; that conversion is the planner's to apply (as for `extract()`), and the argument is
//! ignored here.

use std::borrow::Cow;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::ScalarUDF;

use super::json::{Json, Shape, Step, dynamic_text_at, lookup, shape, value_at};
use crate::functions::scalar::conversion::udf::{Args, ret, strs, udf};

/// One parsed step of a JSONPath.
#[derive(Debug, Clone, PartialEq)]
enum PathStep {
    Key(String),
    Index(i64),
}

/// Parses a JSONPath of the supported subset; `None` when it is not one.
fn parse_path(path: &str) -> Option<Vec<PathStep>> {
    let mut rest = path.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() || name == "*" {
                return None;
            }
            steps.push(PathStep::Key(name.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let after = after.trim_start();
            match after.chars().next()? {
                q @ ('\'' | '"') => {
                    let close = after[1..].find(q)? + 1;
                    steps.push(PathStep::Key(after[1..close].to_string()));
                    rest = after[close + 1..].trim_start().strip_prefix(']')?;
                }
                _ => {
                    let close = after.find(']')?;
                    steps.push(PathStep::Index(after[..close].trim().parse().ok()?));
                    rest = &after[close + 1..];
                }
            }
        } else {
            return None;
        }
    }
    Some(steps)
}

/// The JSON document text of row `i` of the data source.
fn document_at(a: &ArrayRef, i: usize) -> Option<Cow<'_, str>> {
    let text = dynamic_text_at(a, i)?;
    if a.data_type() == &datafusion::arrow::datatypes::DataType::LargeUtf8 && shape(&text) == Shape::String {
        // A dynamic string: the JSON text it holds.
        return match Json::parse(&text)? {
            Json::Str(inner) => Some(Cow::Owned(inner)),
            _ => None,
        };
    }
    match text {
        // Strings are JSON documents as they stand; anything that is not valid JSON fails at the
        // first step.
        Cow::Borrowed(t) => Some(Cow::Borrowed(t)),
        Cow::Owned(t) => match value_at(a, i) {
            Json::Str(s) => Some(Cow::Owned(s)),
            _ => Some(Cow::Owned(t)),
        },
    }
}

/// The text of the element at `steps` in `doc`, `None` when absent or null.
fn extract(doc: &str, steps: &[PathStep]) -> Option<String> {
    let mut cur: &str = doc;
    for step in steps {
        cur = lookup(
            cur,
            match step {
                PathStep::Key(k) => Step::Key(k),
                PathStep::Index(ix) => Step::Index(*ix),
            },
        )?;
    }
    match Json::parse(cur)? {
        Json::Null => None,
        v => Some(v.to_kusto_string()),
    }
}

fn eval(args: &Args) -> Result<ArrayRef> {
    let paths = strs(args.arg(0), "extract_json path")?;
    let source = args.arg(1);
    let mut parsed: Option<(String, Vec<PathStep>)> = None;
    let mut out = Vec::with_capacity(args.rows);
    for i in 0..args.rows {
        let path = paths.str(i);
        if parsed.as_ref().is_none_or(|(p, _)| p != path) {
            match parse_path(path) {
                Some(steps) => parsed = Some((path.to_string(), steps)),
                None => return exec_err!("extract_json(): unsupported JSONPath {path:?}"),
            }
        }
        let steps = &parsed.as_ref().expect("parsed above").1;
        let value = document_at(source, i).and_then(|doc| extract(&doc, steps));
        out.push(Some(value.unwrap_or_default()));
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// `kql_extract_json(path, source [, type]) -> Utf8`, also as `kql_extractjson`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/extract-json-function>
pub fn kql_extract_json() -> Vec<ScalarUDF> {
    udf("kql_extract_json", 2..=3, ret::utf8, eval).build_with_aliases(&["kql_extractjson"])
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Array, AsArray, Int64Array, LargeStringArray, StringArray};
    use datafusion::common::ScalarValue;
    use datafusion::logical_expr::ColumnarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call, call_arrays, call_scalars, col, dy, s};

    fn ej(path: &str, source: ScalarValue) -> String {
        match call_scalars(&kql_extract_json()[0], vec![s(path), source]) {
            ScalarValue::Utf8(Some(v)) => v,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn parses_the_supported_paths() {
        use PathStep::*;
        assert_eq!(parse_path("$"), Some(vec![]));
        assert_eq!(parse_path("$.a.b"), Some(vec![Key("a".into()), Key("b".into())]));
        assert_eq!(parse_path("$.a[0]"), Some(vec![Key("a".into()), Index(0)]));
        assert_eq!(parse_path("$['a b'][\"c\"][-1]"), Some(vec![Key("a b".into()), Key("c".into()), Index(-1)]));
        assert_eq!(
            parse_path("$.hosts[1].AvailableMB"),
            Some(vec![Key("hosts".into()), Index(1), Key("AvailableMB".into())])
        );
        for bad in ["", "a.b", "$.", "$..a", "$.*", "$[*]", "$[0:2]", "$['a'", "$[x]", "$a"] {
            assert_eq!(parse_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn documented_example_and_value_kinds() {
        // extract_json page example.
        let json = || s(r#"{"name": "John", "age": 30, "city": "New York"}"#);
        assert_eq!(ej("$.name", json()), "John");
        assert_eq!(ej("$.age", json()), "30");
        assert_eq!(ej("$['city']", json()), "New York");
        assert_eq!(ej("$.missing", json()), "");
        let doc = || s(r#"{"hosts": [{"AvailableMB": 5}, {"AvailableMB": 7.5, "tags": ["a", null], "ok": true}]}"#);
        assert_eq!(ej("$.hosts[1].AvailableMB", doc()), "7.5");
        assert_eq!(ej("$['hosts'][1]['AvailableMB']", doc()), "7.5");
        assert_eq!(ej("$.hosts[-1].tags", doc()), r#"["a",null]"#);
        assert_eq!(ej("$.hosts[1].tags[1]", doc()), "");
        assert_eq!(ej("$.hosts[1].ok", doc()), "true");
        assert_eq!(ej("$.hosts[0]", doc()), r#"{"AvailableMB":5}"#);
        assert_eq!(ej("$.hosts[2]", doc()), "");
        assert_eq!(ej("$.hosts.x", doc()), "");
        assert_eq!(ej("$", s("[1, 2]")), "[1,2]");
    }

    #[test]
    fn sources_of_every_kind() {
        // Dynamic bags, and dynamic strings holding JSON.
        assert_eq!(ej("$.a.b", dy(r#"{"a":{"b":"x"}}"#)), "x");
        assert_eq!(ej("$.a", dy(r#""{\"a\":1}""#)), "1");
        // Not JSON, empty, null: "".
        assert_eq!(ej("$.a", s("not json")), "");
        assert_eq!(ej("$.a", s("")), "");
        assert_eq!(ej("$.a", ScalarValue::Utf8(None)), "");
        assert_eq!(ej("$.a", ScalarValue::LargeUtf8(None)), "");
        assert_eq!(ej("$.a", s(r#"{"a":1"#)), "");
        // The optional typeof argument is ignored (the planner converts).
        let f = &kql_extract_json()[1];
        assert_eq!(f.name(), "kql_extractjson");
        assert_eq!(call_scalars(f, vec![s("$.a"), s(r#"{"a":2}"#), ScalarValue::Null]), s("2"));
        assert!(call(f, vec![s("$[*]").into(), s("{}").into()]).is_err());
    }

    #[test]
    fn arrays_of_documents_and_paths() {
        let docs = col(StringArray::from(vec![Some(r#"{"a":1}"#), None, Some(r#"{"a":"z"}"#), Some("[]")]));
        let out = call_arrays(&kql_extract_json()[0], vec![ColumnarValue::Scalar(s("$.a")), docs]);
        let out = out.as_string::<i32>();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some("1"), Some(""), Some("z"), Some("")]);
        assert_eq!(out.null_count(), 0);
        let docs = col(LargeStringArray::from(vec![Some(r#"{"a":[1,2]}"#), Some(r#"{"b":3}"#)]));
        let paths = col(StringArray::from(vec!["$.a[1]", "$.b"]));
        let out = call_arrays(&kql_extract_json()[0], vec![paths, docs]);
        assert_eq!(out.as_string::<i32>().iter().collect::<Vec<_>>(), vec![Some("2"), Some("3")]);
        // A number as the source is its text, which is JSON too.
        let out = call_arrays(
            &kql_extract_json()[0],
            vec![ColumnarValue::Scalar(s("$")), col(Int64Array::from(vec![Some(5), None]))],
        );
        assert_eq!(out.as_string::<i32>().iter().collect::<Vec<_>>(), vec![Some("5"), Some("")]);
    }
}
