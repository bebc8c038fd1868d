//! KQL string functions and operators, with Kusto's semantics: strings are never null (a null
//! string reads as `""` and no function returns a null string), `has` matches whole terms,
//! comparisons are case-insensitive unless `_cs`, regular expressions use RE2 syntax, positions
//! count Unicode code points.
//!
//! Each function is a `ScalarUDF` named `kql_<name>`; operators are `kql_has`, `kql_contains`,
//! `kql_equals_ci` (`=~`), `kql_in_ci` (`in~`), `kql_matches_regex` and so on. Arguments that
//! are not strings are converted to their KQL string form where Kusto does so (see
//! [`format`]); dynamic arguments (`LargeUtf8` JSON) read as `tostring()` reads them; dynamic
//! results are JSON text, and a null dynamic is an Arrow null.

mod basic;
mod common;
mod compare;
mod concat;
mod encoding;
pub(crate) mod format;
mod hash;
mod misc;
mod parse_command_line;
mod parse_csv;
mod parse_path;
mod parse_url;
mod parse_user_agent;
mod regex_cache;
mod regex_fns;
mod terms;

use datafusion::logical_expr::ScalarUDF;

/// Every function of this group.
pub fn all() -> Vec<ScalarUDF> {
    let mut all = Vec::new();
    all.extend(terms::functions());
    all.extend(compare::functions());
    all.extend(regex_fns::functions());
    all.extend(concat::functions());
    all.extend(basic::functions());
    all.extend(parse_url::functions());
    all.extend(parse_user_agent::functions());
    all.extend(parse_path::functions());
    all.extend(parse_command_line::functions());
    all.extend(parse_csv::functions());
    all.extend(encoding::functions());
    all.extend(hash::functions());
    all.extend(misc::functions());
    all
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn names_are_unique_and_prefixed() {
        let names: Vec<String> = all().iter().map(|f| f.name().to_string()).collect();
        let unique: HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(names.iter().all(|n| n.starts_with("kql_")), "{names:?}");
    }

    #[test]
    fn string_arguments_accept_every_string_type() {
        use datafusion::arrow::datatypes::DataType;
        for f in all() {
            let name = f.name().to_string();
            if name.starts_with("kql_hash") || name.starts_with("kql_strcat") {
                continue;
            }
            let coerced = f
                .coerce_types(&[DataType::Utf8View, DataType::Utf8])
                .or_else(|_| f.coerce_types(&[DataType::Utf8View]));
            if let Ok(types) = coerced {
                assert_eq!(types[0], DataType::Utf8, "{name}");
            }
            let coerced = f
                .coerce_types(&[DataType::LargeUtf8, DataType::Utf8])
                .or_else(|_| f.coerce_types(&[DataType::LargeUtf8]));
            if let Ok(types) = coerced {
                assert_eq!(types[0], DataType::LargeUtf8, "{name}: dynamic stays dynamic and is read with tostring()");
            }
        }
    }

    /// Through DataFusion's planner: argument coercion (views, dictionaries, dynamic), constant
    /// folding of all-scalar calls, and execution over a batch.
    #[tokio::test]
    async fn runs_in_a_datafusion_plan() {
        use std::sync::Arc;

        use datafusion::arrow::array::{Array, AsArray, DictionaryArray, LargeStringArray, StringViewArray};
        use datafusion::arrow::datatypes::{DataType, Field, Int32Type, Schema};
        use datafusion::arrow::record_batch::RecordBatch;
        use datafusion::prelude::{SessionContext, col, lit};

        let ctx = SessionContext::new();
        let udfs = all();
        let udf = |name: &str| udfs.iter().find(|f| f.name() == name).unwrap().clone();
        let schema = Schema::new(vec![
            Field::new("view", DataType::Utf8View, true),
            Field::new("dict", DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)), true),
            Field::new("dyn", DataType::LargeUtf8, true),
        ]);
        let dict: DictionaryArray<Int32Type> = vec![Some("CMD.exe"), None, Some("x")].into_iter().collect();
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(StringViewArray::from(vec![Some(r"C:\Windows\cmd.exe"), None, Some("notcmd")])),
                Arc::new(dict),
                Arc::new(LargeStringArray::from(vec![Some(r#""cmd.exe""#), Some(r#"{"a":"cmd"}"#), None])),
            ],
        )
        .unwrap();
        let df = ctx
            .read_batch(batch)
            .unwrap()
            .select(vec![
                udf("kql_has").call(vec![col("view"), lit("cmd.exe")]).alias("a"),
                udf("kql_has").call(vec![col("dict"), lit("cmd")]).alias("b"),
                udf("kql_has").call(vec![col("dyn"), lit("cmd")]).alias("c"),
                udf("kql_strcat").call(vec![col("view"), lit("|"), col("dyn"), lit(1_i64)]).alias("d"),
                udf("kql_toupper").call(vec![lit("abc")]).alias("e"),
            ])
            .unwrap();
        let batches = df.collect().await.unwrap();
        let b = &batches[0];
        let bools = |i: usize| b.column(i).as_boolean().iter().collect::<Vec<_>>();
        assert_eq!(bools(0), vec![Some(true), Some(false), Some(false)]);
        assert_eq!(bools(1), vec![Some(true), Some(false), Some(false)]);
        assert_eq!(bools(2), vec![Some(true), Some(true), Some(false)]);
        let d: Vec<_> = b.column(3).as_string::<i32>().iter().collect();
        assert_eq!(d, vec![Some(r"C:\Windows\cmd.exe|cmd.exe1"), Some(r#"|{"a":"cmd"}1"#), Some("notcmd|1")]);
        assert_eq!(b.column(4).as_string::<i32>().value(0), "ABC");
        assert_eq!(b.column(4).null_count(), 0);
    }
}
