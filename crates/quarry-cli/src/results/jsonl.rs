//! `--format jsonl`: one JSON object per row, `{"column": value, ...}`, keys in column order.
//!
//! Written by hand rather than through a `serde_json::Map`, so the key order holds whatever
//! serde_json's features are, and every row is streamed.

use std::io::{self, Write};

use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;

use super::value::to_json;
use super::{check_columns, json_error};

/// Writes one line per row of `batches` (whose columns are `schema`'s). No rows, no output.
pub fn write(schema: &Schema, batches: &[RecordBatch], out: &mut dyn Write) -> io::Result<()> {
    // Each key, already encoded as a JSON string.
    let keys = schema
        .fields()
        .iter()
        .map(|field| serde_json::to_string(field.name()).map_err(json_error))
        .collect::<io::Result<Vec<_>>>()?;
    for batch in batches {
        check_columns(schema, batch)?;
        for row in 0..batch.num_rows() {
            out.write_all(b"{")?;
            for (i, (key, column)) in keys.iter().zip(batch.columns()).enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(key.as_bytes())?;
                out.write_all(b":")?;
                serde_json::to_writer(&mut *out, &to_json(column.as_ref(), row)).map_err(json_error)?;
            }
            out.write_all(b"}\n")?;
        }
    }
    Ok(())
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
            concat!(
                r#"{"b":true,"i":-7,"l":123456789012345678,"r":2.5,"d":"1.25","s":"a, \"b\"","#,
                r#""t":"2024-01-02T03:04:05.12Z","ts":"1.02:03:04.5","#,
                r#""g":"0f8fad5b-d9cb-469f-a165-70867728950e","dyn":{"k":[1,"x"]}}"#,
                "\n",
                r#"{"b":null,"i":null,"l":null,"r":null,"d":null,"s":"","t":null,"ts":null,"g":"","dyn":null}"#,
                "\n"
            )
        );
    }

    #[test]
    fn keys_keep_column_order_and_escape() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("z", DataType::Int64, true),
            Field::new("a\nb", DataType::Utf8, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef,
                Arc::new(StringArray::from(vec!["x", "line\nbreak"])) as ArrayRef,
            ],
        )
        .unwrap();
        assert_eq!(render(&schema, &[batch]), "{\"z\":1,\"a\\nb\":\"x\"}\n{\"z\":2,\"a\\nb\":\"line\\nbreak\"}\n");
    }

    #[test]
    fn empty_result() {
        let schema = Schema::new(vec![Field::new("n", DataType::Int64, true)]);
        assert_eq!(render(&schema, &[]), "");
        assert_eq!(render(&schema, &[RecordBatch::new_empty(Arc::new(schema.clone()))]), "");
    }
}
