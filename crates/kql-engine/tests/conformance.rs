//! Conformance suite: KQL queries with their input built inside the query (`datatable`, `print`,
//! `range`) and the table Kusto returns, each taken from a page of the KQL reference on
//! learn.microsoft.com (named per case). The cases live in `tests/conformance/*.txt`:
//!
//! ```text
//! === a short name
//! # page: https://learn.microsoft.com/en-us/kusto/query/...
//! # known-failure: why Quarry does not pass it yet   (optional; the case must then fail)
//! print x = 1
//! ----
//! columns: x:long
//! [1]
//! ```
//!
//! Rows are JSON arrays in the spellings of `quarry query --format json` (datetime as ISO 8601
//! with `Z`, timespan as `[-][d.]hh:mm:ss[.fffffff]`, decimal as a string, dynamic as a JSON
//! value). Row order is compared only when the query sorts (`sort`, `order`, `top`, or a
//! `# ordered` line); otherwise the rows are compared as a multiset.

use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray};
use arrow::datatypes::TimestampNanosecondType;
use arrow::datatypes::{DataType, Decimal128Type, DurationNanosecondType, Float64Type, Int32Type, Int64Type, TimeUnit};
use kql_engine::Engine;
use serde_json::Value;

/// `now()` of every case: 2024-01-02T03:04:05Z (no documented example depends on it).
const NOW: i64 = 1_704_164_645_000_000_000;

struct Case {
    file: String,
    line: usize,
    name: String,
    page: Option<String>,
    known_failure: Option<String>,
    ordered: bool,
    query: String,
    columns: Vec<(String, String)>,
    rows: Vec<Vec<Value>>,
}

fn parse_file(path: &Path) -> Result<Vec<Case>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let mut cases = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() || (line.starts_with("//") && cases.is_empty()) {
            i += 1;
            continue;
        }
        let Some(name) = line.strip_prefix("=== ") else {
            return Err(format!("{file}:{}: expected `=== case name`, found {line:?}", i + 1));
        };
        let start = i + 1;
        let mut case = Case {
            file: file.clone(),
            line: start,
            name: name.trim().to_string(),
            page: None,
            known_failure: None,
            ordered: false,
            query: String::new(),
            columns: Vec::new(),
            rows: Vec::new(),
        };
        i += 1;
        // Header comments and the query, up to `----`.
        while i < lines.len() && lines[i] != "----" {
            let l = lines[i];
            if let Some(page) = l.strip_prefix("# page:") {
                case.page = Some(page.trim().to_string());
            } else if let Some(reason) = l.strip_prefix("# known-failure:") {
                case.known_failure = Some(reason.trim().to_string());
            } else if l.trim() == "# ordered" {
                case.ordered = true;
            } else if l.starts_with("# ") {
                // A note.
            } else {
                case.query.push_str(l);
                case.query.push('\n');
            }
            i += 1;
        }
        if i >= lines.len() {
            return Err(format!("{file}:{start}: case {:?} has no `----` line", case.name));
        }
        i += 1;
        let Some(columns) = lines.get(i).and_then(|l| l.strip_prefix("columns:")) else {
            return Err(format!("{file}:{}: expected `columns: name:type, ...`", i + 1));
        };
        for column in columns.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let Some((name, ty)) = column.rsplit_once(':') else {
                return Err(format!("{file}:{}: column {column:?} needs name:type", i + 1));
            };
            case.columns.push((name.trim().to_string(), ty.trim().to_string()));
        }
        i += 1;
        while i < lines.len() && !lines[i].starts_with("=== ") {
            let l = lines[i].trim();
            i += 1;
            if l.is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(l) {
                Ok(Value::Array(row)) if row.len() == case.columns.len() => case.rows.push(row),
                Ok(_) => {
                    return Err(format!("{file}:{i}: a row must be a JSON array of {} values", case.columns.len()));
                }
                Err(e) => return Err(format!("{file}:{i}: bad JSON row: {e}")),
            }
        }
        case.ordered |= sorts_its_output(&case.query);
        cases.push(case);
    }
    Ok(cases)
}

/// Whether the query's output order is defined: a top-level `sort`, `order` or `top` not
/// followed by an operator that regroups rows (a sort inside a subquery does not count).
fn sorts_its_output(query: &str) -> bool {
    let mut segments = vec![String::new()];
    let mut depth = 0i32;
    for c in query.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '|' if depth == 0 => {
                segments.push(String::new());
                continue;
            }
            _ => {}
        }
        segments.last_mut().expect("a segment").push(c);
    }
    let mut ordered = false;
    for segment in segments.iter().skip(1) {
        let word = segment.split_whitespace().next().unwrap_or("").to_lowercase();
        match word.as_str() {
            "sort" | "order" | "top" => ordered = true,
            "summarize" | "join" | "lookup" | "distinct" | "union" | "count" | "mv-apply" | "mv-expand" => {
                ordered = false
            }
            _ => {}
        }
    }
    ordered
}

fn type_name(data_type: &DataType) -> &'static str {
    match data_type {
        DataType::Boolean => "bool",
        DataType::Int32 => "int",
        DataType::Int64 => "long",
        DataType::Float64 => "real",
        DataType::Decimal128(..) => "decimal",
        DataType::Utf8 | DataType::Utf8View => "string",
        DataType::LargeUtf8 => "dynamic",
        DataType::Timestamp(..) => "datetime",
        DataType::Duration(_) => "timespan",
        _ => "unknown",
    }
}

fn fraction(ticks: i64) -> String {
    if ticks == 0 { String::new() } else { format!(".{}", format!("{ticks:07}").trim_end_matches('0')) }
}

fn cell(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return match array.data_type() {
            DataType::Utf8 | DataType::Utf8View => Value::String(String::new()),
            _ => Value::Null,
        };
    }
    match array.data_type() {
        DataType::Boolean => Value::Bool(array.as_boolean().value(row)),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(row).into(),
        DataType::Float64 => {
            let v = array.as_primitive::<Float64Type>().value(row);
            if v.is_nan() {
                Value::String("NaN".into())
            } else if v.is_infinite() {
                Value::String(if v > 0.0 { "Infinity" } else { "-Infinity" }.into())
            } else {
                serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
            }
        }
        DataType::Decimal128(_, scale) => {
            let v = array.as_primitive::<Decimal128Type>().value(row);
            let scale = *scale as u32;
            let sign = if v < 0 { "-" } else { "" };
            let m = v.unsigned_abs();
            let p = 10u128.pow(scale);
            let frac = format!("{:0width$}", m % p, width = scale as usize);
            let frac = frac.trim_end_matches('0');
            Value::String(if frac.is_empty() { format!("{sign}{}", m / p) } else { format!("{sign}{}.{frac}", m / p) })
        }
        DataType::Utf8 => Value::String(array.as_string::<i32>().value(row).to_owned()),
        DataType::LargeUtf8 => {
            let text = array.as_string::<i64>().value(row);
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            let ns = array.as_primitive::<TimestampNanosecondType>().value(row);
            let dt = arrow::temporal_conversions::timestamp_ns_to_datetime(ns).expect("datetime in range");
            let ticks = ns.rem_euclid(1_000_000_000) / 100;
            Value::String(format!("{}{}Z", dt.format("%Y-%m-%dT%H:%M:%S"), fraction(ticks)))
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            let ns = array.as_primitive::<DurationNanosecondType>().value(row);
            let ticks = (ns / 100).unsigned_abs();
            let secs = ticks / 10_000_000;
            let (days, rest) = (secs / 86_400, secs % 86_400);
            let mut text = String::new();
            if ns < 0 {
                text.push('-');
            }
            if days > 0 {
                text.push_str(&format!("{days}."));
            }
            text.push_str(&format!("{:02}:{:02}:{:02}", rest / 3600, rest / 60 % 60, rest % 60));
            text.push_str(&fraction((ticks % 10_000_000) as i64));
            Value::String(text)
        }
        other => Value::String(format!("<unexpected Arrow type {other}>")),
    }
}

fn same_value(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => match (a.as_i64(), e.as_i64()) {
            (Some(a), Some(e)) => a == e,
            _ => {
                let (a, e) = (a.as_f64().unwrap_or(f64::NAN), e.as_f64().unwrap_or(f64::NAN));
                a == e || (a - e).abs() <= 1e-9 * e.abs().max(1.0)
            }
        },
        (Value::Array(a), Value::Array(e)) => a.len() == e.len() && a.iter().zip(e).all(|(a, e)| same_value(a, e)),
        (Value::Object(a), Value::Object(e)) => {
            a.len() == e.len() && e.iter().all(|(k, v)| a.get(k).is_some_and(|av| same_value(av, v)))
        }
        _ => actual == expected,
    }
}

fn same_row(actual: &[Value], expected: &[Value]) -> bool {
    actual.len() == expected.len() && actual.iter().zip(expected).all(|(a, e)| same_value(a, e))
}

/// Runs one case; `Err` says how the result differs.
async fn run(case: &Case) -> Result<(), String> {
    let engine = Engine::new(NOW);
    let result = engine.query(&case.query).await.map_err(|e| match e {
        kql_engine::QueryError::Invalid(diags) => {
            format!("query rejected: {}", diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; "))
        }
        other => format!("query failed: {other}"),
    })?;
    let columns: Vec<(String, String)> =
        result.schema.fields().iter().map(|f| (f.name().clone(), type_name(f.data_type()).to_string())).collect();
    if columns != case.columns {
        let show = |c: &[(String, String)]| c.iter().map(|(n, t)| format!("{n}:{t}")).collect::<Vec<_>>().join(", ");
        return Err(format!("columns: expected {}\n           got      {}", show(&case.columns), show(&columns)));
    }
    let mut rows = Vec::new();
    for batch in &result.batches {
        for r in 0..batch.num_rows() {
            rows.push(batch.columns().iter().map(|c| cell(c.as_ref(), r)).collect::<Vec<_>>());
        }
    }
    let show = |rows: &[Vec<Value>]| {
        rows.iter().map(|r| serde_json::to_string(r).unwrap_or_default()).collect::<Vec<_>>().join("\n    ")
    };
    let matches = if case.ordered {
        rows.len() == case.rows.len() && rows.iter().zip(&case.rows).all(|(a, e)| same_row(a, e))
    } else {
        let mut unmatched: Vec<&Vec<Value>> = case.rows.iter().collect();
        rows.len() == case.rows.len()
            && rows.iter().all(|a| match unmatched.iter().position(|e| same_row(a, e)) {
                Some(p) => {
                    unmatched.swap_remove(p);
                    true
                }
                None => false,
            })
    };
    if matches { Ok(()) } else { Err(format!("rows: expected\n    {}\n  got\n    {}", show(&case.rows), show(&rows))) }
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/conformance exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_cases_match_the_kql_reference() {
    let filter = std::env::var("CONFORMANCE_FILTER").ok();
    let mut failures = Vec::new();
    let (mut passed, mut known, mut total) = (0, 0, 0);
    for path in case_files() {
        let cases = match parse_file(&path) {
            Ok(c) => c,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        for case in cases {
            if filter.as_ref().is_some_and(|f| !case.name.contains(f.as_str()) && !case.file.contains(f.as_str())) {
                continue;
            }
            total += 1;
            let at = format!("{}:{} {:?}", case.file, case.line, case.name);
            match &case.page {
                Some(p) if p.starts_with("https://learn.microsoft.com/") => {}
                _ => failures.push(format!("{at}: needs a `# page: https://learn.microsoft.com/...` line")),
            }
            let outcome = run(&case).await;
            match (outcome, &case.known_failure) {
                (Ok(()), None) => passed += 1,
                (Err(_), Some(_)) => known += 1,
                (Ok(()), Some(reason)) => {
                    failures.push(format!("{at}: passes now; remove its known-failure mark ({reason})"))
                }
                (Err(why), None) => failures.push(format!("{at}\n{}  {why}", case.query)),
            }
        }
    }
    eprintln!("conformance: {total} cases, {passed} pass, {known} known failures, {} unexpected", failures.len());
    assert!(failures.is_empty(), "{} conformance failures:\n\n{}", failures.len(), failures.join("\n\n"));
}
