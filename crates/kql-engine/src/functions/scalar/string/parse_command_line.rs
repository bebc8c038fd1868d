//! `parse_command_line(command_line, "windows")`: the arguments of a command line as a dynamic
//! array, split as Windows' `CommandLineToArgvW` splits them.
//!
//! <https://learn.microsoft.com/kusto/query/parse-command-line-function>: `"windows"` is the
//! only parser type; `parse_command_line("echo \"hello world!\"", "windows")` is
//! `["echo","hello world!"]`.
//!
//! The rules of `CommandLineToArgvW`:
//! - the first argument (the program) ends at the next space or tab, or, when it starts with a
//!   quote, at the next quote, with no escapes;
//! - later arguments are separated by spaces and tabs outside quotes;
//! - `2n` backslashes before a quote give `n` backslashes and the quote opens or closes a
//!   quoted part; `2n + 1` backslashes before a quote give `n` backslashes and a literal quote;
//!   backslashes not before a quote are literal;
//! - inside a quoted part, a doubled quote gives a literal quote (three quotes in a row give one
//!   literal quote and leave the quoted part).

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{KqlFunction, Param, finish_dynamic, json_str_array, result_len, strs};

fn command_line_to_argv(line: &str) -> Vec<String> {
    let c: Vec<char> = line.chars().collect();
    let mut args = Vec::new();
    if c.is_empty() {
        return args;
    }
    let mut i = 0;
    let mut arg = String::new();
    if c[0] == '"' {
        i = 1;
        while i < c.len() && c[i] != '"' {
            arg.push(c[i]);
            i += 1;
        }
        i += 1;
    } else {
        while i < c.len() && c[i] != ' ' && c[i] != '\t' {
            arg.push(c[i]);
            i += 1;
        }
    }
    args.push(std::mem::take(&mut arg));
    while i < c.len() && (c[i] == ' ' || c[i] == '\t') {
        i += 1;
    }
    if i >= c.len() {
        return args;
    }
    let (mut quotes, mut backslashes) = (0u32, 0usize);
    // Whether an argument has started and is not yet pushed.
    let mut started = true;
    while i < c.len() {
        let ch = c[i];
        if (ch == ' ' || ch == '\t') && quotes == 0 {
            args.push(std::mem::take(&mut arg));
            while i < c.len() && (c[i] == ' ' || c[i] == '\t') {
                i += 1;
            }
            started = i < c.len();
            backslashes = 0;
            continue;
        }
        match ch {
            '\\' => {
                arg.push('\\');
                backslashes += 1;
                i += 1;
            }
            '"' => {
                // Half the backslashes before the quote stay.
                arg.truncate(arg.len() - backslashes.div_ceil(2));
                if backslashes % 2 == 0 {
                    quotes += 1;
                } else {
                    arg.push('"');
                }
                i += 1;
                backslashes = 0;
                while i < c.len() && c[i] == '"' {
                    quotes += 1;
                    if quotes == 3 {
                        arg.push('"');
                        quotes = 0;
                    }
                    i += 1;
                }
                if quotes == 2 {
                    quotes = 0;
                }
            }
            other => {
                arg.push(other);
                backslashes = 0;
                i += 1;
            }
        }
    }
    if started {
        args.push(arg);
    }
    args
}

fn parse_command_line(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let line = strs(&args[0])?;
    let parser = strs(&args[1])?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let kind = parser.get(i);
        if !kind.eq_ignore_ascii_case("windows") {
            return exec_err!(
                "parse_command_line(): unsupported parser type {kind:?}; the only supported value is \"windows\""
            );
        }
        let argv = command_line_to_argv(line.get(i));
        out.push(Some(json_str_array(argv.iter().map(String::as_str))));
    }
    finish_dynamic(out.into_iter(), scalar)
}

pub(crate) fn functions() -> Vec<ScalarUDF> {
    // https://learn.microsoft.com/kusto/query/parse-command-line-function
    vec![
        KqlFunction::new(
            "kql_parse_command_line",
            &[Param::Str, Param::Str],
            2,
            DataType::LargeUtf8,
            parse_command_line,
        )
        .udf(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn argv(line: &str) -> Vec<String> {
        command_line_to_argv(line)
    }

    #[test]
    fn documented_example() {
        let f = functions().remove(0);
        assert_eq!(call_str(&f, vec![s("echo \"hello world!\""), s("windows")]).unwrap(), r#"["echo","hello world!"]"#);
        assert!(invoke(&f, vec![s("ls -l"), s("posix")]).is_err());
        assert_eq!(call_str(&f, vec![null_str(), s("windows")]).unwrap(), "[]");
        let r = invoke(&f, vec![str_col(&[Some("a b"), None, Some(r#""C:\Program Files\x.exe" /s"#)]), s("windows")])
            .unwrap();
        assert_eq!(
            strings_of(r),
            vec![Some(r#"["a","b"]"#.into()), Some("[]".into()), Some(r#"["C:\\Program Files\\x.exe","/s"]"#.into())]
        );
    }

    #[test]
    fn backslashes_and_quotes() {
        // The cases of the CommandLineToArgvW documentation.
        assert_eq!(argv(r#"prog "abc" d e"#), ["prog", "abc", "d", "e"]);
        assert_eq!(argv(r#"prog a\\\b d"e f"g h"#), ["prog", r"a\\\b", "de fg", "h"]);
        assert_eq!(argv(r#"prog a\\\"b c d"#), ["prog", r#"a\"b"#, "c", "d"]);
        assert_eq!(argv(r#"prog a\\\\"b c" d e"#), ["prog", r"a\\b c", "d", "e"]);
        // Doubled quotes inside a quoted part.
        assert_eq!(argv(r#"prog "a""b""#), ["prog", r#"a"b"#]);
        assert_eq!(argv(r#"prog """a""#), ["prog", r#""a"#]);
        // The program name has no escapes.
        assert_eq!(argv(r#""C:\dir\"x y"#), [r"C:\dir\", "x", "y"]);
        assert_eq!(argv(r"C:\Windows\system32\cmd.exe /c whoami"), [r"C:\Windows\system32\cmd.exe", "/c", "whoami"]);
        // Whitespace.
        assert_eq!(argv("a  \t b   "), ["a", "b"]);
        assert_eq!(argv("a \"\""), ["a", ""]);
        assert_eq!(argv(" a"), ["", "a"]);
        assert_eq!(argv("powershell.exe -enc SQBFAFgA"), ["powershell.exe", "-enc", "SQBFAFgA"]);
        assert!(argv("").is_empty());
    }
}
