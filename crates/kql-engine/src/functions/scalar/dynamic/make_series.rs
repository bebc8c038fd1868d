//! `kql_series_fill(pairs, count, default)`: the dense array `make-series` returns for one
//! group, from the `{"i": bin, "v": value}` pairs of the bins that had rows; the other bins get
//! `default` (JSON text). <https://learn.microsoft.com/en-us/kusto/query/make-series-operator>

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, LargeStringBuilder};
use datafusion::logical_expr::ScalarUDF;
use serde_json::Value;

use crate::functions::scalar::conversion::udf::{Args, ints, ret, strs, udf};

/// `kql_series_fill(pairs: dynamic, count: long, default: string) -> dynamic`.
pub fn kql_series_fill() -> ScalarUDF {
    udf("kql_series_fill", 3..=3, ret::dynamic, |args: &Args| {
        let pairs = strs(args.arg(0), "make-series values")?;
        let counts = ints(args.arg(1), "make-series bin count")?;
        let defaults = strs(args.arg(2), "make-series default")?;
        let mut out = LargeStringBuilder::new();
        for row in 0..args.rows {
            let count = counts.get(row).unwrap_or(0).clamp(0, 1_000_000) as usize;
            let default: Value = serde_json::from_str(defaults.str(row)).unwrap_or(Value::Null);
            let mut series = vec![default; count];
            if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(pairs.str(row)) {
                for item in items {
                    if let (Some(i), Some(v)) = (item.get("i").and_then(Value::as_i64), item.get("v"))
                        && i >= 0
                        && (i as usize) < count
                        && !v.is_null()
                    {
                        series[i as usize] = v.clone();
                    }
                }
            }
            out.append_value(Value::Array(series).to_string());
        }
        Ok(Arc::new(out.finish()) as ArrayRef)
    })
    .build()
}
