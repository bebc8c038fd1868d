//! `--format json`: one object `{"columns":[{"name":..,"type":..}],"rows":[[..],..]}`.
//!
//! Written as it goes, one row at a time, so a large result never exists as one JSON value.
//! Each row sits on a line of its own (the whole is still one JSON object), which keeps the
//! output readable and diffable.

use std::io::{self, Write};

use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;

use super::value::{kql_type_name, to_json};
use super::{check_columns, json_error};

/// Writes `batches` (whose columns are `schema`'s) as one JSON object, then a newline.
pub fn write(schema: &Schema, batches: &[RecordBatch], out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"{\"columns\":[")?;
    for (i, field) in schema.fields().iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"{\"name\":")?;
        serde_json::to_writer(&mut *out, field.name()).map_err(json_error)?;
        out.write_all(b",\"type\":")?;
        serde_json::to_writer(&mut *out, kql_type_name(field.data_type())).map_err(json_error)?;
        out.write_all(b"}")?;
    }
    out.write_all(b"],\"rows\":[")?;
    let mut first_row = true;
    for batch in batches {
        check_columns(schema, batch)?;
        for row in 0..batch.num_rows() {
            out.write_all(if first_row { b"\n[" } else { b",\n[" })?;
            first_row = false;
            for (i, column) in batch.columns().iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, &to_json(column.as_ref(), row)).map_err(json_error)?;
            }
            out.write_all(b"]")?;
        }
    }
    out.write_all(if first_row { b"]}\n" } else { b"\n]}\n" })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field};
    use serde_json::{Value, json};

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
        let text = render(&batch.schema(), std::slice::from_ref(&batch));
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed,
            json!({
                "columns": [
                    {"name": "b", "type": "bool"}, {"name": "i", "type": "int"},
                    {"name": "l", "type": "long"}, {"name": "r", "type": "real"},
                    {"name": "d", "type": "decimal"}, {"name": "s", "type": "string"},
                    {"name": "t", "type": "datetime"}, {"name": "ts", "type": "timespan"},
                    {"name": "g", "type": "string"}, {"name": "dyn", "type": "dynamic"}
                ],
                "rows": [
                    [true, -7, 123_456_789_012_345_678_i64, 2.5, "1.25", "a, \"b\"",
                     "2024-01-02T03:04:05.12Z", "1.02:03:04.5",
                     "0f8fad5b-d9cb-469f-a165-70867728950e", {"k": [1, "x"]}],
                    [null, null, null, null, null, "", null, null, "", null]
                ]
            })
        );
        // The long is written exactly, not through an f64.
        assert!(text.contains(",123456789012345678,"), "{text}");
    }

    #[test]
    fn layout_across_batches() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("n", DataType::Int64, true),
            Field::new("we\"ird", DataType::Utf8, true),
        ]));
        let batch = |n: Vec<i64>, s: Vec<&str>| {
            RecordBatch::try_new(
                schema.clone(),
                vec![Arc::new(Int64Array::from(n)) as ArrayRef, Arc::new(StringArray::from(s)) as ArrayRef],
            )
            .unwrap()
        };
        let text =
            render(&schema, &[batch(vec![1], vec!["a"]), batch(vec![], vec![]), batch(vec![2, 3], vec!["b", "c"])]);
        assert_eq!(
            text,
            "{\"columns\":[{\"name\":\"n\",\"type\":\"long\"},{\"name\":\"we\\\"ird\",\"type\":\"string\"}],\"rows\":[\n\
             [1,\"a\"],\n\
             [2,\"b\"],\n\
             [3,\"c\"]\n\
             ]}\n"
        );
    }

    #[test]
    fn empty_result() {
        let schema = Schema::new(vec![Field::new("n", DataType::Int64, true)]);
        assert_eq!(render(&schema, &[]), "{\"columns\":[{\"name\":\"n\",\"type\":\"long\"}],\"rows\":[]}\n");
        let empty = RecordBatch::new_empty(Arc::new(schema.clone()));
        assert_eq!(render(&schema, &[empty]), render(&schema, &[]));
        assert_eq!(render(&Schema::empty(), &[]), "{\"columns\":[],\"rows\":[]}\n");
    }
}
