//! Helpers shared by the hunt integration tests.

use arrow::array::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};

/// Every row of `batches` as `Column=value ...`, list items sorted (a set's order is not
/// defined), rows sorted.
pub fn rows_of(batches: &[RecordBatch]) -> Vec<String> {
    let mut out = Vec::new();
    for batch in batches {
        let options = FormatOptions::default();
        let formatters: Vec<_> =
            batch.columns().iter().map(|c| ArrayFormatter::try_new(c.as_ref(), &options).unwrap()).collect();
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = batch
                .schema()
                .fields()
                .iter()
                .zip(&formatters)
                .map(|(f, fmt)| {
                    let value = fmt.value(row).to_string();
                    let value = match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                        Some(inner) => {
                            let mut items: Vec<&str> = inner.split(',').collect();
                            items.sort_unstable();
                            format!("[{}]", items.join(","))
                        }
                        None => value,
                    };
                    format!("{}={value}", f.name())
                })
                .collect();
            out.push(cells.join(" "));
        }
    }
    out.sort();
    out
}
