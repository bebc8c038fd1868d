//! `--format csv`: RFC 4180 CSV, a header row of column names, then one record per row with
//! each value as [`to_display`] spells it (null as an empty field).
//!
//! Written by hand rather than with the `csv` crate: the whole job is the quoting rule below,
//! which is a few lines and keeps a dependency out. A field is quoted when it holds a comma, a
//! double quote, CR or LF (quotes doubled inside), or when it is the only field of a record and
//! empty, so the record is not a blank line that readers skip. Records end with LF rather than
//! RFC 4180's CRLF, as Unix tools expect; CSV readers (Excel, pandas, Python's csv) take both.

use std::io::{self, Write};

use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;

use super::check_columns;
use super::value::to_display;

/// Writes `batches` (whose columns are `schema`'s) as CSV. No columns, no output.
pub fn write(schema: &Schema, batches: &[RecordBatch], out: &mut dyn Write) -> io::Result<()> {
    let fields = schema.fields();
    if fields.is_empty() {
        return Ok(());
    }
    let single = fields.len() == 1;
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_field(out, field.name(), single)?;
    }
    out.write_all(b"\n")?;
    for batch in batches {
        check_columns(schema, batch)?;
        for row in 0..batch.num_rows() {
            for (i, column) in batch.columns().iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_field(out, &to_display(column.as_ref(), row), single)?;
            }
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// One field, quoted when RFC 4180 needs it (or when it would leave a blank line: `only`).
pub(crate) fn write_field(out: &mut dyn Write, text: &str, only: bool) -> io::Result<()> {
    let needs_quotes = (only && text.is_empty()) || text.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
    if !needs_quotes {
        return out.write_all(text.as_bytes());
    }
    out.write_all(b"\"")?;
    for (i, part) in text.split('"').enumerate() {
        if i > 0 {
            out.write_all(b"\"\"")?;
        }
        out.write_all(part.as_bytes())?;
    }
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field};

    use super::*;
    use crate::results::value::tests::every_type_batch;

    fn render(schema: &Schema, batches: &[RecordBatch]) -> String {
        let mut out = Vec::new();
        write(schema, batches, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_type() {
        let batch = every_type_batch();
        assert_eq!(
            render(&batch.schema(), std::slice::from_ref(&batch)),
            "b,i,l,r,d,s,t,ts,g,dyn\n\
             true,-7,123456789012345678,2.5,1.25,\"a, \"\"b\"\"\",2024-01-02T03:04:05.12Z,\
             1.02:03:04.5,0f8fad5b-d9cb-469f-a165-70867728950e,\"{\"\"k\"\":[1,\"\"x\"\"]}\"\n\
             ,,,,,,,,,\n"
        );
    }

    #[test]
    fn quoting() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("text", DataType::Utf8, true),
            Field::new("n,1", DataType::Int64, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(vec![
                    "plain",
                    "a,b",
                    "say \"hi\"",
                    "two\nlines",
                    "cr\rhere",
                    "",
                    " spaced ",
                    "\"",
                ])) as ArrayRef,
                Arc::new(Int64Array::from(vec![1, 2, 3, 4, 5, 6, 7, 8])) as ArrayRef,
            ],
        )
        .unwrap();
        assert_eq!(
            render(&schema, &[batch]),
            "text,\"n,1\"\n\
             plain,1\n\
             \"a,b\",2\n\
             \"say \"\"hi\"\"\",3\n\
             \"two\nlines\",4\n\
             \"cr\rhere\",5\n\
             ,6\n\
             \x20spaced ,7\n\
             \"\"\"\",8\n"
        );
    }

    #[test]
    fn a_single_empty_field_is_quoted() {
        let schema = Arc::new(Schema::new(vec![Field::new("s", DataType::Utf8, true)]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(StringArray::from(vec![Some(""), None, Some("x")])) as ArrayRef],
        )
        .unwrap();
        assert_eq!(render(&schema, &[batch]), "s\n\"\"\n\"\"\nx\n");
    }

    #[test]
    fn empty_result() {
        let schema = Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("b", DataType::Utf8, true)]);
        assert_eq!(render(&schema, &[]), "a,b\n");
        assert_eq!(render(&schema, &[RecordBatch::new_empty(Arc::new(schema.clone()))]), "a,b\n");
        assert_eq!(render(&Schema::empty(), &[]), "");
    }
}
