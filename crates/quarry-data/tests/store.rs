//! The Parquet store: day partitions sorted by time, bounded buffers spilling to more parts,
//! idempotence, and reading what was written.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::{Int64Type, TimestampNanosecondType};
use common::scratch_dir;
use kql_semantics::SchemaCatalog;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use quarry_data::store::{read_manifest, store_tables};
use quarry_data::{IngestOptions, NoProgress, ReadOptions, ingest, load};

/// `n` streaming-API DeviceProcessEvents records spread over three days, newest first, so the
/// store has to sort them.
fn streaming_file(dir: &Path, n: usize) -> PathBuf {
    let container = dir.join("insights-logs-advancedhunting-deviceprocessevents/y=2024/m=05/d=01/h=00/m=00");
    std::fs::create_dir_all(&container).unwrap();
    let mut text = String::new();
    for i in (0..n).rev() {
        let secs = i as u64 * 3 * 86_400 / n as u64;
        let (d, h, m, s) = (1 + secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
        text.push_str(&format!(
            "{{\"time\":\"2024-05-04T00:00:00Z\",\"category\":\"AdvancedHunting-DeviceProcessEvents\",\"properties\":{{\"Timestamp\":\"2024-05-{d:02}T{h:02}:{m:02}:{s:02}.{i:07}Z\",\"DeviceId\":\"dev-{}\",\"ReportId\":{}}}}}\r\n",
            i % 7,
            900_000_000_000_000_000u64 + i as u64
        ));
    }
    let path = container.join("PT1H.json");
    std::fs::write(&path, text).unwrap();
    path
}

fn read_parquet(path: &Path) -> Vec<RecordBatch> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap().build().unwrap();
    reader.map(|b| b.unwrap()).collect()
}

#[test]
fn parts_are_per_day_sorted_by_time_and_spill_when_the_buffer_is_full() {
    let dir = scratch_dir("store-spill");
    streaming_file(&dir.join("in"), 30_000);
    let store = dir.join("store");
    let options = IngestOptions {
        read: ReadOptions { batch_rows: 1000, ..ReadOptions::default() },
        threads: 1,
        buffer_bytes: 1 << 20, // forces several parts per day
        row_group_rows: 4096,
    };
    let catalog = SchemaCatalog::defender();
    let report = ingest(&[dir.join("in")], &store, &catalog, &options, &NoProgress).unwrap();
    assert_eq!(report.rejects.count, 0);
    let summary = &report.tables["DeviceProcessEvents"];
    assert_eq!((summary.rows, summary.devices), (30_000, 7));

    let manifest = read_manifest(&store).unwrap().unwrap();
    let days: std::collections::BTreeSet<&str> = manifest.parts.iter().map(|p| p.day.as_str()).collect();
    assert_eq!(days.into_iter().collect::<Vec<_>>(), ["2024-05-01", "2024-05-02", "2024-05-03"]);
    assert!(manifest.parts.len() > 3, "a 1 MB buffer should spill: {} parts", manifest.parts.len());
    assert_eq!(manifest.parts.iter().map(|p| p.rows).sum::<u64>(), 30_000);

    let mut report_ids = Vec::new();
    for part in &manifest.parts {
        let batches = read_parquet(&store.join(&part.path));
        let mut last = i64::MIN;
        for b in &batches {
            let ts = b.column_by_name("Timestamp").unwrap().as_primitive::<TimestampNanosecondType>();
            for t in ts.iter().map(|t| t.unwrap()) {
                assert!(t >= last, "part {} is not sorted by Timestamp", part.path);
                last = t;
                let day = t.div_euclid(86_400_000_000_000);
                let (y, m, d) = (2024, 5, 1 + day - 19_844);
                assert_eq!(format!("{y}-{m:02}-{d:02}"), part.day);
            }
            let ids = b.column_by_name("ReportId").unwrap().as_primitive::<Int64Type>();
            report_ids.extend(ids.iter().map(|v| v.unwrap()));
        }
        // Row groups carry min/max statistics for time pruning.
        let meta = ParquetRecordBatchReaderBuilder::try_new(File::open(store.join(&part.path)).unwrap()).unwrap();
        let rg = meta.metadata().row_group(0);
        let ts_col = rg.columns().iter().find(|c| c.column_path().string() == "Timestamp").unwrap();
        assert!(ts_col.statistics().is_some_and(|s| s.min_bytes_opt().is_some()));
    }
    report_ids.sort();
    let expected: Vec<i64> = (0..30_000).map(|i| 900_000_000_000_000_000 + i).collect();
    assert_eq!(report_ids, expected, "every 18-digit ReportId exactly once");
}

#[test]
fn ingesting_twice_adds_nothing_and_the_store_loads_as_parquet() {
    let dir = scratch_dir("store-twice");
    let input = streaming_file(&dir.join("in"), 2500);
    let store = dir.join("store");
    let catalog = SchemaCatalog::defender();
    let options = IngestOptions { threads: 2, ..IngestOptions::default() };
    let first = ingest(&[&input], &store, &catalog, &options, &NoProgress).unwrap();
    assert_eq!(first.tables["DeviceProcessEvents"].rows, 2500);
    // A copy under another name has the same content: skipped too.
    let copy = dir.join("copy.json");
    std::fs::copy(&input, &copy).unwrap();
    let second = ingest(&[&input, &copy], &store, &catalog, &options, &NoProgress).unwrap();
    assert_eq!(second.files_read, 0);
    assert_eq!(second.skipped.len(), 2);
    let tables = store_tables(&store).unwrap();
    assert_eq!(tables.len(), 1);
    let rows: usize = tables[0].1.iter().flat_map(|p| read_parquet(p)).map(|b| b.num_rows()).sum();
    assert_eq!(rows, 2500);
    // -d STORE: the tables come back as Parquet for the engine to register.
    let loaded = load(&[&store], &catalog, &ReadOptions::default(), &NoProgress).unwrap();
    assert_eq!(loaded.parquet.len(), 1);
    assert!(loaded.tables.is_empty());
}

#[test]
fn leftovers_of_a_crash_are_not_part_of_the_store() {
    let dir = scratch_dir("store-crash");
    let input = streaming_file(&dir.join("in"), 100);
    let store = dir.join("store");
    let catalog = SchemaCatalog::defender();
    ingest(&[&input], &store, &catalog, &IngestOptions::default(), &NoProgress).unwrap();
    // A part written by a run that never got to its manifest.
    let day = store.join("DeviceProcessEvents/day=2024-05-01");
    let first_part = std::fs::read_dir(&day).unwrap().next().unwrap().unwrap().path();
    let orphan = day.join("part-crashed-0-1.parquet");
    std::fs::copy(&first_part, &orphan).unwrap();
    std::fs::write(day.join(".part-crashed-0-2.parquet.tmp"), b"half").unwrap();
    let listed: usize = store_tables(&store).unwrap()[0].1.len();
    assert!(!store_tables(&store).unwrap()[0].1.contains(&orphan));
    // The next ingest cleans them up.
    let other = dir.join("other/DeviceEvents.jsonl");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::write(&other, "{\"Timestamp\":\"2024-05-01T00:00:00Z\"}\n").unwrap();
    ingest(&[&other], &store, &catalog, &IngestOptions::default(), &NoProgress).unwrap();
    assert!(!orphan.exists());
    assert!(!day.join(".part-crashed-0-2.parquet.tmp").exists());
    assert_eq!(store_tables(&store).unwrap().iter().find(|t| t.0 == "DeviceProcessEvents").unwrap().1.len(), listed);
}

/// Inputs are hashed while they are read (not read twice): the manifest's content hash and quick
/// fingerprint are those of the whole file for every size (under 1 MB, 1–2 MB, over 2 MB, where
/// the fingerprint takes both ends), for gzip, and for a document whose syntax error stops the
/// reader early; so ingesting the same files again skips them all.
#[test]
fn hashes_taken_while_reading_are_those_of_the_whole_file() {
    use quarry_data::input::{hash_file, quick_fingerprint};
    use std::io::Write;
    let dir = scratch_dir("store-hashes");
    let mut inputs = Vec::new();
    for (i, n) in [2500, 8000, 20_000].into_iter().enumerate() {
        let made = streaming_file(&dir.join(format!("in{i}")), n);
        inputs.push(made);
    }
    let big = std::fs::read(&inputs[2]).unwrap();
    let gz = dir.join("big.json.gz");
    let mut enc = flate2::write::GzEncoder::new(File::create(&gz).unwrap(), flate2::Compression::fast());
    enc.write_all(&big).unwrap();
    enc.finish().unwrap();
    inputs.push(gz);
    let broken = dir.join("broken.json");
    let mut doc = String::from("{\"records\": [\n");
    for i in 0..30_000 {
        if i == 2000 {
            doc.push_str("oops,\n"); // the reader stops here, 2.5 MB before the end
        }
        doc.push_str(&format!(
            "{{\"category\":\"AdvancedHunting-DeviceInfo\",\"properties\":{{\"DeviceName\":\"d{i}\"}}}},\n"
        ));
    }
    doc.push_str("{}]}\n");
    std::fs::write(&broken, doc).unwrap();
    inputs.push(broken);
    assert!(std::fs::metadata(&inputs[1]).unwrap().len() > 1 << 20);
    assert!(std::fs::metadata(&inputs[2]).unwrap().len() > 2 << 20);
    assert!(std::fs::metadata(&inputs[4]).unwrap().len() > 2 << 20);

    let store = dir.join("store");
    let catalog = SchemaCatalog::defender();
    let options = IngestOptions { threads: 2, ..IngestOptions::default() };
    let first = ingest(&inputs, &store, &catalog, &options, &NoProgress).unwrap();
    assert_eq!(first.files_read, inputs.len());
    let manifest = read_manifest(&store).unwrap().unwrap();
    for input in &inputs {
        let entry = manifest.inputs.iter().find(|e| Path::new(&e.path) == input).unwrap();
        assert_eq!(entry.hash, format!("{:016x}", hash_file(input).unwrap()), "{}", input.display());
        let (size, quick) = quick_fingerprint(input).unwrap();
        assert_eq!(entry.quick, format!("{quick:016x}"), "{}", input.display());
        assert_eq!(entry.size, size);
    }
    let second = ingest(&inputs, &store, &catalog, &options, &NoProgress).unwrap();
    assert_eq!((second.files_read, second.skipped.len()), (0, inputs.len()));
}
