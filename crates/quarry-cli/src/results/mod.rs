//! Query results (Arrow record batches) in the formats of `quarry query --format`
//! (DESIGN.md, "Command-line contract"). [`value`] spells one cell; the other modules write a
//! whole result, streaming, to any `Write`.

pub mod csv;
pub mod json;
pub mod jsonl;
pub mod table;
pub mod value;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;

pub use table::TableOptions;

/// The output formats of `quarry query`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultFormat {
    /// A table for a person, cut to the terminal's width, then `(N rows)`.
    Table,
    /// One object `{"columns":[{"name","type"}],"rows":[[..],..]}`.
    Json,
    /// One object `{"column": value, ..}` per row.
    Jsonl,
    /// RFC 4180 CSV with a header row.
    Csv,
}

impl ResultFormat {
    /// Every format, in the order the help lists them.
    pub const ALL: [ResultFormat; 4] =
        [ResultFormat::Table, ResultFormat::Json, ResultFormat::Jsonl, ResultFormat::Csv];

    /// The `--format` spelling.
    pub fn name(self) -> &'static str {
        match self {
            ResultFormat::Table => "table",
            ResultFormat::Json => "json",
            ResultFormat::Jsonl => "jsonl",
            ResultFormat::Csv => "csv",
        }
    }
}

impl fmt::Display for ResultFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ResultFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResultFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| format!("unknown format `{s}`: expected one of table, json, jsonl, csv"))
    }
}

/// Writes a query result in `format`. `schema` is the result's schema; every batch must have
/// its columns in that order. `table_width` is the terminal's width for [`ResultFormat::Table`]
/// (`None`: not a terminal, nothing is cut); the table is never coloured here (see
/// [`write_results_with`]). The other formats ignore it. Does not flush `out`.
pub fn write_results(
    format: ResultFormat,
    schema: &Schema,
    batches: &[RecordBatch],
    out: &mut dyn Write,
    table_width: Option<u16>,
) -> io::Result<()> {
    write_results_with(format, schema, batches, out, TableOptions { width: table_width, colour: false })
}

/// [`write_results`] with every table option, colour included.
pub fn write_results_with(
    format: ResultFormat,
    schema: &Schema,
    batches: &[RecordBatch],
    out: &mut dyn Write,
    table: TableOptions,
) -> io::Result<()> {
    match format {
        ResultFormat::Table => table::write(schema, batches, out, table),
        ResultFormat::Json => json::write(schema, batches, out),
        ResultFormat::Jsonl => jsonl::write(schema, batches, out),
        ResultFormat::Csv => csv::write(schema, batches, out),
    }
}

/// A batch must have as many columns as the schema (the writers zip them).
fn check_columns(schema: &Schema, batch: &RecordBatch) -> io::Result<()> {
    if batch.num_columns() == schema.fields().len() {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "result batch has {} columns but the result schema has {}",
                batch.num_columns(),
                schema.fields().len()
            ),
        ))
    }
}

/// serde_json's write errors as I/O errors (they are I/O errors underneath).
fn json_error(error: serde_json::Error) -> io::Error {
    match error.io_error_kind() {
        Some(kind) => io::Error::new(kind, error),
        None => io::Error::new(io::ErrorKind::InvalidData, error),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int64Array};
    use arrow::datatypes::{DataType, Field};

    use super::*;
    use crate::results::value::tests::every_type_batch;

    fn render(format: ResultFormat, schema: &Schema, batches: &[RecordBatch]) -> String {
        let mut out = Vec::new();
        write_results(format, schema, batches, &mut out, Some(100)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn format_names_round_trip() {
        for format in ResultFormat::ALL {
            assert_eq!(format.name().parse::<ResultFormat>(), Ok(format));
            assert_eq!(format.to_string(), format.name());
        }
        assert!("sarif".parse::<ResultFormat>().unwrap_err().contains("table, json, jsonl, csv"));
    }

    #[test]
    fn dispatches_to_each_writer() {
        let batch = every_type_batch();
        let schema = batch.schema();
        let batches = [batch.clone()];
        assert!(render(ResultFormat::Json, &schema, &batches).starts_with("{\"columns\":"));
        assert!(render(ResultFormat::Jsonl, &schema, &batches).starts_with("{\"b\":true,"));
        assert!(render(ResultFormat::Csv, &schema, &batches).starts_with("b,i,l,"));
        assert!(render(ResultFormat::Table, &schema, &batches).ends_with("(2 rows)\n"));
    }

    #[test]
    fn empty_result_in_every_format() {
        let schema = Schema::new(vec![
            Field::new("Timestamp", DataType::Timestamp(arrow::datatypes::TimeUnit::Nanosecond, None), true),
            Field::new("Count", DataType::Int64, true),
        ]);
        let outputs: Vec<String> = ResultFormat::ALL.iter().map(|f| render(*f, &schema, &[])).collect();
        assert_eq!(
            outputs[1],
            "{\"columns\":[{\"name\":\"Timestamp\",\"type\":\"datetime\"},{\"name\":\"Count\",\"type\":\"long\"}],\"rows\":[]}\n"
        );
        assert_eq!(outputs[2], "");
        assert_eq!(outputs[3], "Timestamp,Count\n");
        assert!(outputs[0].contains("Timestamp") && outputs[0].ends_with("(0 rows)\n"));
    }

    #[test]
    fn a_batch_that_does_not_match_the_schema_is_an_error() {
        let schema = Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("b", DataType::Int64, true)]);
        let batch = RecordBatch::try_from_iter([("a", Arc::new(Int64Array::from(vec![1])) as ArrayRef)]).unwrap();
        for format in ResultFormat::ALL {
            let mut out = Vec::new();
            let error = write_results(format, &schema, std::slice::from_ref(&batch), &mut out, None).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{format}");
        }
    }

    #[test]
    fn write_errors_surface() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let batch = every_type_batch();
        for format in ResultFormat::ALL {
            let error =
                write_results(format, &batch.schema(), std::slice::from_ref(&batch), &mut Broken, None).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::BrokenPipe, "{format}");
        }
    }
}
