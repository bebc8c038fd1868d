//! Time filters prune Parquet files and row groups, and `Engine::query_counted` counts what a
//! query's scans read. A comparison is planned as `coalesce(a < b, false)` (Kusto: a comparison
//! with null is false); DataFusion simplifies that in a filter to `a < b IS NOT NULL AND a < b`,
//! which its pruning reads, so `where Timestamp > ago(..)` and `between` skip files and row
//! groups. The results stay Kusto's, null times included.

use std::path::PathBuf;
use std::sync::Arc;

use datafusion::arrow::array::{Array, Int64Array, RecordBatch, StringArray, TimestampNanosecondArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use kql_engine::Engine;
use tempfile::TempDir;

const DAY: i64 = 86_400_000_000_000;
/// 2024-05-01T00:00:00Z.
const MAY_1: i64 = 1_714_521_600_000_000_000;

/// A store-like folder: one file per day, `rows` events a day in row groups of `group`, the
/// first event of the first day with a null time. The folder is removed when `dir` drops.
fn store(dir: &TempDir, days: i64, rows: i64, group: usize) -> Vec<PathBuf> {
    let dir = dir.path();
    let schema = Arc::new(Schema::new(vec![
        Field::new("Timestamp", DataType::Timestamp(TimeUnit::Nanosecond, None), true),
        Field::new("FileName", DataType::Utf8, true),
    ]));
    let mut files = Vec::new();
    for day in 0..days {
        let folder = dir.join(format!("day=2024-05-{:02}", day + 1));
        std::fs::create_dir_all(&folder).unwrap();
        let times: Vec<Option<i64>> =
            (0..rows).map(|i| (day > 0 || i > 0).then_some(MAY_1 + day * DAY + i * (DAY / rows))).collect();
        let names: Vec<String> = (0..rows).map(|i| format!("f{day}-{i}.exe")).collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(TimestampNanosecondArray::from(times)), Arc::new(StringArray::from(names))],
        )
        .unwrap();
        let path = folder.join("part-0.parquet");
        let props = WriterProperties::builder().set_max_row_group_row_count(Some(group)).build();
        let mut writer =
            ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema.clone(), Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        files.push(path);
    }
    files
}

async fn count(engine: &Engine, query: &str) -> (i64, kql_engine::ScanCounts) {
    let (result, counts) = engine.query_counted(query).await.unwrap();
    let column = result.batches[0].column(0).as_any().downcast_ref::<Int64Array>().unwrap();
    (column.value(0), counts)
}

#[tokio::test]
async fn time_windows_skip_files_and_row_groups() {
    let dir = TempDir::new().unwrap();
    let files = store(&dir, 10, 40, 10);
    // now() is the end of the last day: ago(2d) falls at the start of day 9 (2024-05-09).
    let mut engine = Engine::new(MAY_1 + 10 * DAY);
    engine.register_parquet("DeviceProcessEvents", &files).await.unwrap();

    let (n, counts) = count(&engine, "DeviceProcessEvents | where FileName endswith '.exe' | count").await;
    assert_eq!(n, 400);
    assert_eq!((counts.files, counts.files_read, counts.rows), (10, 10, 400));
    assert_eq!((counts.row_groups, counts.row_groups_read), (40, 40));

    for window in [
        "Timestamp > ago(2d)",
        "Timestamp >= ago(2d)",
        "Timestamp between (ago(2d) .. now())",
        "Timestamp >= datetime(2024-05-09) and Timestamp <= datetime(2024-05-11)",
        "ago(2d) <= Timestamp",
    ] {
        let (n, counts) = count(&engine, &format!("DeviceProcessEvents | where {window} | count")).await;
        let expected = if window.starts_with("Timestamp > ") { 79 } else { 80 };
        assert_eq!(n, expected, "{window}");
        assert_eq!((counts.files, counts.files_read), (10, 2), "{window}: {counts:?}");
        assert_eq!(counts.rows, 80, "{window}: {counts:?}");
    }
    // Half a day: the row groups of the first day after it are skipped too.
    let (n, counts) =
        count(&engine, "DeviceProcessEvents | where Timestamp >= datetime(2024-05-10T12:00:00Z) | count").await;
    assert_eq!(n, 20);
    assert_eq!((counts.files_read, counts.row_groups_read, counts.rows), (1, 2, 20), "{counts:?}");

    // Under `not`, a null time keeps the row (Kusto: the comparison is false): nothing is
    // pruned that should not be.
    let (n, _) = count(&engine, "DeviceProcessEvents | where not(Timestamp > ago(2d)) | count").await;
    assert_eq!(n, 321);
    let (n, _) =
        count(&engine, "DeviceProcessEvents | where Timestamp > ago(2d) or FileName == 'f0-0.exe' | count").await;
    assert_eq!(n, 80);
    let (n, _) = count(&engine, "DeviceProcessEvents | where isnull(Timestamp) or Timestamp > ago(2d) | count").await;
    assert_eq!(n, 80);
    let (n, _) =
        count(&engine, "DeviceProcessEvents | extend Recent = Timestamp > ago(2d) | where not(Recent) | count").await;
    assert_eq!(n, 321);
}
