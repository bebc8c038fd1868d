//! `parse_path()`: the parts of a file path as a dynamic property bag.
//!
//! <https://learn.microsoft.com/kusto/query/parse-path-function>: the bag has `Scheme`,
//! `RootPath`, `DirectoryPath`, `DirectoryName`, `Filename`, `Extension` and
//! `AlternateDataStreamName`, in that order. Both kinds of slash separate components; schemes
//! (`file://`), shares (`\\server\share`), long paths (`\\?\C:\...`) and alternate data streams
//! (`file.txt:stream`) are recognised. The page's five examples are this module's tests.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{KqlFunction, Param, finish_dynamic, push_json_str, result_len, strs};

#[derive(Debug, Default, PartialEq)]
struct PathParts<'a> {
    scheme: &'a str,
    root: &'a str,
    directory_path: &'a str,
    directory_name: &'a str,
    filename: &'a str,
    extension: &'a str,
    stream: &'a str,
}

fn is_sep(c: char) -> bool {
    c == '/' || c == '\\'
}

fn split_path(path: &str) -> PathParts<'_> {
    let mut parts = PathParts::default();
    // A scheme has two characters or more, so that "C://x" is a drive and not a scheme.
    let mut rest = path;
    if let Some((scheme, after)) = path.split_once("://") {
        let valid = scheme.len() >= 2
            && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if valid {
            parts.scheme = scheme;
            rest = after;
        }
    }
    // The long-path prefix `\\?\` stays in the directory path but is skipped to find the root.
    let prefix = if rest.starts_with(r"\\?\") || rest.starts_with("//?/") { 4 } else { 0 };
    let after_prefix = &rest[prefix..];
    let mut ac = after_prefix.chars();
    if let (Some(letter), Some(':')) = (ac.next(), ac.next())
        && letter.is_ascii_alphabetic()
    {
        parts.root = &rest[prefix..prefix + 2];
    }
    let file_part = match rest.rfind(is_sep) {
        Some(k) => {
            let dir = &rest[..k];
            // A file in a root directory: the directory is the root with its separator.
            parts.directory_path =
                if dir.is_empty() || dir == &rest[..prefix + parts.root.len()] { &rest[..=k] } else { dir };
            &rest[k + 1..]
        }
        None if !parts.root.is_empty() => {
            parts.directory_path = &rest[..prefix + 2];
            &rest[prefix + 2..]
        }
        None => rest,
    };
    let dir = parts.directory_path.trim_end_matches(is_sep);
    let last = dir.rfind(is_sep).map_or(dir, |k| &dir[k + 1..]);
    parts.directory_name = if last == parts.root || last == "?" { "" } else { last };
    let (filename, stream) = file_part.split_once(':').unwrap_or((file_part, ""));
    parts.filename = filename;
    parts.stream = stream;
    parts.extension = match filename.rfind('.') {
        Some(k) => &filename[k + 1..],
        None => "",
    };
    parts
}

fn to_json(p: &PathParts<'_>) -> String {
    let fields = [
        ("Scheme", p.scheme),
        ("RootPath", p.root),
        ("DirectoryPath", p.directory_path),
        ("DirectoryName", p.directory_name),
        ("Filename", p.filename),
        ("Extension", p.extension),
        ("AlternateDataStreamName", p.stream),
    ];
    let mut out = String::with_capacity(160);
    out.push('{');
    for (i, (name, value)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(&mut out, name);
        out.push(':');
        push_json_str(&mut out, value);
    }
    out.push('}');
    out
}

fn parse_path(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_dynamic((0..len).map(|i| Some(to_json(&split_path(text.get(i))))), scalar)
}

pub(crate) fn functions() -> Vec<ScalarUDF> {
    // https://learn.microsoft.com/kusto/query/parse-path-function
    vec![KqlFunction::new("kql_parse_path", &[Param::Str], 1, DataType::LargeUtf8, parse_path).udf()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn parse(path: &str) -> String {
        let f = functions().remove(0);
        call_str(&f, vec![s(path)]).unwrap()
    }

    #[test]
    fn documented_examples() {
        // The five examples of the parse_path page, verbatim.
        assert_eq!(
            parse(r"C:\temp\file.txt"),
            r#"{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}"#
        );
        assert_eq!(
            parse(r"temp\file.txt"),
            r#"{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}"#
        );
        assert_eq!(
            parse("file://C:/temp/file.txt:some.exe"),
            r#"{"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}"#
        );
        assert_eq!(
            parse(r"\\shared\users\temp\file.txt.gz"),
            r#"{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}"#
        );
        assert_eq!(
            parse("/usr/lib/temp/file.txt"),
            r#"{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}"#
        );
    }

    #[test]
    fn other_paths() {
        let p = split_path(r"C:\Windows\System32\cmd.exe");
        assert_eq!(
            (p.root, p.directory_path, p.directory_name, p.filename, p.extension),
            ("C:", r"C:\Windows\System32", "System32", "cmd.exe", "exe")
        );
        let p = split_path(r"C:\boot.ini");
        assert_eq!((p.directory_path, p.directory_name, p.filename), (r"C:\", "", "boot.ini"));
        let p = split_path("/vmlinuz");
        assert_eq!((p.directory_path, p.directory_name, p.filename), ("/", "", "vmlinuz"));
        let p = split_path(r"\\?\C:\very\long\name.dll");
        assert_eq!(
            (p.root, p.directory_path, p.directory_name, p.filename),
            ("C:", r"\\?\C:\very\long", "long", "name.dll")
        );
        let p = split_path("README");
        assert_eq!((p.directory_path, p.filename, p.extension), ("", "README", ""));
        let p = split_path("");
        assert_eq!(p, PathParts::default());
        let p = split_path(r"D:\dir\");
        assert_eq!((p.directory_path, p.directory_name, p.filename), (r"D:\dir", "dir", ""));
        let f = functions().remove(0);
        let r = invoke(&f, vec![str_col(&[Some("a/b.c"), None])]).unwrap();
        let out = strings_of(r);
        assert!(out[0].as_deref().unwrap().contains(r#""Filename":"b.c""#));
        assert!(out[1].as_deref().unwrap().contains(r#""Filename":"""#));
    }
}
