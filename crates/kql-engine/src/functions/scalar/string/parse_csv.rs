//! `parse_csv()`: one record of comma-separated values as a dynamic array of strings.
//!
//! <https://learn.microsoft.com/en-us/kusto/query/parse-csv-function>: fields are separated by
//! commas; a field may be enclosed in double quotes, and inside the quotes commas and line feeds
//! are part of the value and a doubled quote (`""`) stands for one quote. Only the first record
//! is taken: the text stops at the first line feed outside quotes (so a trailing newline adds
//! nothing). The page's examples are this module's tests.
//!
//! Where the page is silent, Quarry:
//! - treats `\r\n` outside quotes as the end of the record like `\n` (a lone `\r` is text);
//! - keeps spaces around values (`a, b` gives `"a"` and `" b"`);
//! - reads a quote that does not open a field (`a"b`) as text, and text after a closing quote
//!   and before the next comma (`"a"b`) as part of the value (`ab`);
//! - ends an unterminated quoted field at the end of the text;
//! - gives one empty field, `[""]`, for empty text (a null string reads as empty), as a record
//!   with nothing in it has one empty field (`split("", ",")` is `[""]` too).

use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{KqlFunction, Param, finish_dynamic, json_str_array, result_len, strs};

/// The fields of the first CSV record of `text`.
fn parse_record(text: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    loop {
        if at_field_start && chars.peek() == Some(&'"') {
            chars.next();
            // A quoted value, up to the closing quote; `""` is one quote.
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return fields;
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
        }
        at_field_start = false;
        match chars.next() {
            None | Some('\n') => break,
            Some('\r') if chars.peek() == Some(&'\n') => break,
            Some(',') => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            Some(c) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// `parse_csv(csv_text)`: a dynamic array of the fields of the text's first record.
fn parse_csv(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_dynamic(
        (0..len).map(|i| {
            let fields = parse_record(text.get(i));
            Some(json_str_array(fields.iter().map(String::as_str)))
        }),
        scalar,
    )
}

pub(crate) fn functions() -> Vec<ScalarUDF> {
    // https://learn.microsoft.com/en-us/kusto/query/parse-csv-function
    vec![KqlFunction::new("kql_parse_csv", &[Param::Str], 1, DataType::LargeUtf8, parse_csv).udf()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn csv(text: &str) -> String {
        let f = functions().remove(0);
        call_str(&f, vec![s(text)]).expect("never null")
    }

    #[test]
    fn follows_the_reference() {
        // "Use escaping quotes" example.
        assert_eq!(
            csv("aa,\"b,b,b\",cc,\"Escaping quotes: \"\"Title\"\"\",\"line1\nline2\""),
            r#"["aa","b,b,b","cc","Escaping quotes: \"Title\"","line1\nline2"]"#
        );
        // "CSV with multiple records" example: only the first record is taken.
        assert_eq!(csv("record1,a,b,c\nrecord2,x,y,z"), r#"["record1","a","b","c"]"#);
        // "Filter by count of values in record" example's participants.
        assert_eq!(
            csv("Guy Reginiano, Guy Yehudy, Pankaj Suri, Saeed Copty"),
            r#"["Guy Reginiano"," Guy Yehudy"," Pankaj Suri"," Saeed Copty"]"#
        );
    }

    #[test]
    fn edge_cases() {
        assert_eq!(csv("a,b\n"), r#"["a","b"]"#);
        assert_eq!(csv("a,b\r\nc,d"), r#"["a","b"]"#);
        assert_eq!(csv("\"a\"\r\n"), r#"["a"]"#);
        assert_eq!(csv("a\rb"), r#"["a\rb"]"#);
        assert_eq!(csv("a,,c,"), r#"["a","","c",""]"#);
        assert_eq!(csv(""), r#"[""]"#);
        assert_eq!(csv("\nb"), r#"[""]"#);
        assert_eq!(csv("\"\""), r#"[""]"#);
        assert_eq!(csv("\"\"\"\""), r#"["\""]"#);
        assert_eq!(csv("a\"b,c"), r#"["a\"b","c"]"#);
        assert_eq!(csv("\"a\"b,c"), r#"["ab","c"]"#);
        assert_eq!(csv("\"open,x\ny"), r#"["open,x\ny"]"#);
        assert_eq!(csv("é,\u{1F600}"), r#"["é","😀"]"#);
        let f = functions().remove(0);
        assert_eq!(call_str(&f, vec![null_str()]).unwrap(), r#"[""]"#);
        // A dynamic string is read as its text.
        assert_eq!(call_str(&f, vec![dynamic(r#""x,\"y\"""#)]).unwrap(), r#"["x","y"]"#);
        let r = invoke(&f, vec![str_col(&[Some("1,2"), None, Some("\"a,b\"")])]).unwrap();
        assert_eq!(strings_of(r), vec![Some(r#"["1","2"]"#.into()), Some(r#"[""]"#.into()), Some(r#"["a,b"]"#.into())]);
    }
}
