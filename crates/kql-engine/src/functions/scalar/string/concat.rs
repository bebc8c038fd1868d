//! `strcat()` and `strcat_delim()`: arguments of any type, each converted to its KQL string
//! form (see [`super::format`]); nulls convert to `""`.

use std::sync::Arc;

use datafusion::arrow::array::StringBuilder;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{KqlFunction, Param, Strs, finish, result_len, strs};

fn concat(parts: &[Strs], delimiter: Option<&Strs>, len: usize, scalar: bool) -> Result<ColumnarValue> {
    let mut builder = StringBuilder::with_capacity(len, len * 16);
    let mut row = String::new();
    for i in 0..len {
        row.clear();
        for (k, part) in parts.iter().enumerate() {
            if k > 0
                && let Some(d) = delimiter
            {
                row.push_str(d.get(i));
            }
            row.push_str(part.get(i));
        }
        builder.append_value(&row);
    }
    finish(Arc::new(builder.finish()), scalar)
}

fn strcat(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let parts = args.iter().map(strs).collect::<Result<Vec<_>>>()?;
    concat(&parts, None, len, scalar)
}

fn strcat_delim(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let delimiter = strs(&args[0])?;
    let parts = args[1..].iter().map(strs).collect::<Result<Vec<_>>>()?;
    concat(&parts, Some(&delimiter), len, scalar)
}

pub(crate) fn functions() -> Vec<ScalarUDF> {
    vec![
        // https://learn.microsoft.com/kusto/query/strcat-function: 1 to 64 arguments.
        KqlFunction::new("kql_strcat", &[Param::Any], 1, DataType::Utf8, strcat).variadic(64).udf(),
        // https://learn.microsoft.com/kusto/query/strcat-delim-function: a delimiter and 2 to 64
        // arguments.
        KqlFunction::new("kql_strcat_delim", &[Param::Str, Param::Any, Param::Any], 3, DataType::Utf8, strcat_delim)
            .variadic(65)
            .udf(),
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

    #[test]
    fn strcat_examples() {
        let f = udf("kql_strcat");
        // strcat page examples.
        assert_eq!(call_str(&f, vec![s("hello"), s(" "), s("world")]).unwrap(), "hello world");
        assert_eq!(call_str(&f, vec![s("Line 1\n"), s("Line 2\n"), s("Line 3")]).unwrap(), "Line 1\nLine 2\nLine 3");
        // Conversions of other types; nulls are "".
        let args = vec![
            long(1),
            ColumnarValue::Scalar(ScalarValue::Boolean(Some(true))),
            ColumnarValue::Scalar(ScalarValue::Float64(Some(2.5))),
            ColumnarValue::Scalar(ScalarValue::Int64(None)),
            null_str(),
            dynamic(r#""x""#),
            dynamic(r#"{"a":[1,2]}"#),
            ColumnarValue::Scalar(ScalarValue::DurationNanosecond(Some(90_000_000_000))),
            ColumnarValue::Scalar(ScalarValue::TimestampNanosecond(Some(0), None)),
        ];
        assert_eq!(call_str(&f, args).unwrap(), r#"1true2.5x{"a":[1,2]}00:01:301970-01-01T00:00:00.0000000Z"#);
        assert_eq!(call_str(&f, vec![null_str()]).unwrap(), "");
        let r = invoke(&f, vec![str_col(&[Some("a"), None, Some("é")]), s("-"), long_col(&[Some(1), Some(2), None])])
            .unwrap();
        assert_eq!(strings_of(r), vec![Some("a-1".into()), Some("-2".into()), Some("é-".into())]);
        assert!(invoke(&f, vec![s("x"); 65]).is_err());
        assert!(invoke(&f, vec![]).is_err());
    }

    #[test]
    fn strcat_delim_examples() {
        let f = udf("kql_strcat_delim");
        // strcat_delim page example: strcat_delim('-', 1, '2', 'A', 1s) == "1-2-A-00:00:01".
        let one_second = ColumnarValue::Scalar(ScalarValue::DurationNanosecond(Some(1_000_000_000)));
        assert_eq!(call_str(&f, vec![s("-"), long(1), s("2"), s("A"), one_second]).unwrap(), "1-2-A-00:00:01");
        assert_eq!(call_str(&f, vec![null_str(), s("a"), s("b")]).unwrap(), "ab");
        assert_eq!(call_str(&f, vec![s(","), null_str(), s("b")]).unwrap(), ",b");
        let r = invoke(&f, vec![s("/"), str_col(&[Some("a"), None]), s("z")]).unwrap();
        assert_eq!(strings_of(r), vec![Some("a/z".into()), Some("/z".into())]);
        assert!(invoke(&f, vec![s("-"), s("a")]).is_err());
    }
}
