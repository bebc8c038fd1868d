//! `quarry_gen::generate` end to end at small scale: determinism, schemas against the catalog,
//! planting and ground truth.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use arrow::array::{Array, Int64Array, RecordBatch, StringArray, TimestampNanosecondArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use quarry_gen::{Format, GenOptions, PlantSpec, Table, TableSpec};

const DAY: i64 = 86_400 * 1_000_000_000;
// 2024-06-01T00:00:00Z
const END: i64 = 1_717_200_000 * 1_000_000_000;

fn options(out: &Path, format: Format, seed: u64) -> GenOptions {
    GenOptions {
        out: out.to_path_buf(),
        events: 5_000,
        devices: 20,
        seed,
        start: END - 10 * DAY,
        end: END,
        format,
        plant: PlantSpec { device_fraction: 0.2, ..PlantSpec::default() },
        tools: quarry_hunt::catalog::builtin().tools().to_vec(),
        threads: 0,
    }
}

/// The record batches of `table` in the store at `dir`, day by day.
fn store_batches(dir: &Path, table: Table) -> Vec<RecordBatch> {
    let mut days: Vec<PathBuf> = fs::read_dir(dir.join(table.name())).unwrap().map(|e| e.unwrap().path()).collect();
    days.sort();
    days.iter()
        .flat_map(|day| {
            let file = fs::File::open(day.join("part-gen-0-0.parquet")).unwrap();
            ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap().map(|b| b.unwrap())
        })
        .collect()
}

/// Column `name` of `batch`, as an array of type `T`.
fn column<'b, T: 'static>(batch: &'b RecordBatch, name: &str) -> &'b T {
    batch.column_by_name(name).unwrap().as_any().downcast_ref::<T>().unwrap()
}

/// Every file under `dir`, relative path -> bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    quarry_gen::files(dir).unwrap()
}

#[test]
fn same_options_give_the_same_bytes_and_another_seed_differs() {
    for format in [Format::Store, Format::Ndjson, Format::Streaming] {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
        quarry_gen::generate(&options(&a, format, 7)).unwrap();
        quarry_gen::generate(&options(&b, format, 7)).unwrap();
        quarry_gen::generate(&options(&c, format, 8)).unwrap();
        let (ta, tb, tc) = (tree(&a), tree(&b), tree(&c));
        assert!(ta.len() > 7, "{format:?}: {} files", ta.len());
        assert!(ta == tb, "{format:?}: two runs with the same seed differ");
        assert!(ta != tc, "{format:?}: another seed gives the same output");
    }
}

#[test]
fn the_number_of_threads_does_not_change_the_bytes() {
    for format in [Format::Store, Format::Streaming] {
        let tmp = tempfile::tempdir().unwrap();
        let mut trees = Vec::new();
        for threads in [1, 2, 7] {
            let dir = tmp.path().join(threads.to_string());
            let summary = quarry_gen::generate(&GenOptions { threads, ..options(&dir, format, 11) }).unwrap();
            assert_eq!(summary.rows.iter().sum::<u64>(), 5_000);
            trees.push(tree(&dir));
        }
        assert!(trees[0].len() > 7, "{format:?}: {} files", trees[0].len());
        assert!(trees[0] == trees[1], "{format:?}: 1 and 2 threads differ");
        assert!(trees[0] == trees[2], "{format:?}: 1 and 7 threads differ");
    }
}

#[test]
fn parquet_tables_have_the_catalog_schema_and_every_requested_row() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = quarry_gen::generate(&options(tmp.path(), Format::Store, 3)).unwrap();
    assert_eq!(summary.rows.iter().sum::<u64>(), 5_000);
    for table in Table::ALL {
        let spec = TableSpec::new(table).unwrap();
        let mut rows = 0;
        let mut last = i64::MIN;
        let batches = store_batches(tmp.path(), table);
        assert!(!batches.is_empty(), "{}: no rows", table.name());
        for batch in batches {
            assert_eq!(batch.schema().fields(), spec.schema.fields(), "{}", table.name());
            let ts = column::<TimestampNanosecondArray>(&batch, "Timestamp");
            for i in 0..ts.len() {
                assert!(ts.value(i) >= last, "{}: not sorted by Timestamp", table.name());
                assert!(ts.value(i) < END && ts.value(i) >= END - 10 * DAY);
                last = ts.value(i);
            }
            let ids = column::<StringArray>(&batch, "DeviceId");
            assert!(ids.iter().all(|v| v.is_some_and(|v| v.len() == 40)), "{}: DeviceId", table.name());
            assert_eq!(batch.column_by_name("ReportId").unwrap().null_count(), 0);
            rows += batch.num_rows();
        }
        assert_eq!(rows as u64, summary.rows[table.index()], "{}", table.name());
    }
}

#[test]
fn report_ids_are_unique_per_device() {
    let tmp = tempfile::tempdir().unwrap();
    quarry_gen::generate(&options(tmp.path(), Format::Store, 5)).unwrap();
    let mut seen = std::collections::HashSet::new();
    for table in Table::ALL {
        for batch in store_batches(tmp.path(), table) {
            let (dev, rid) = (column::<StringArray>(&batch, "DeviceId"), column::<Int64Array>(&batch, "ReportId"));
            for i in 0..batch.num_rows() {
                assert!(
                    seen.insert((dev.value(i).to_string(), rid.value(i))),
                    "{}: ReportId {} repeats",
                    table.name(),
                    rid.value(i)
                );
            }
        }
    }
}

/// A process instance is one process: every row with its unique id has the same process id,
/// creation time and command line. Services run for days, so some service instance initiates
/// events on several days; a user's applications do not outlive a day.
#[test]
fn initiating_process_instances_are_consistent_and_services_outlive_a_day() {
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = options(tmp.path(), Format::Store, 11);
    opts.events = 20_000;
    opts.devices = 5;
    quarry_gen::generate(&opts).unwrap();
    // unique id -> (pid, created, command line, account, days seen)
    let mut instances: BTreeMap<String, (i64, i64, String, String, std::collections::BTreeSet<i64>)> = BTreeMap::new();
    for table in [Table::Network, Table::File] {
        for batch in store_batches(tmp.path(), table) {
            let text = |name: &str| column::<StringArray>(&batch, name);
            let (uid, line, account) = (
                text("InitiatingProcessUniqueId"),
                text("InitiatingProcessCommandLine"),
                text("InitiatingProcessAccountName"),
            );
            let pid = column::<Int64Array>(&batch, "InitiatingProcessId");
            let created = column::<TimestampNanosecondArray>(&batch, "InitiatingProcessCreationTime");
            let ts = column::<TimestampNanosecondArray>(&batch, "Timestamp");
            for i in 0..batch.num_rows() {
                let entry = instances.entry(uid.value(i).to_string()).or_insert_with(|| {
                    (
                        pid.value(i),
                        created.value(i),
                        line.value(i).to_string(),
                        account.value(i).to_string(),
                        Default::default(),
                    )
                });
                assert_eq!(
                    (entry.0, entry.1, entry.2.as_str()),
                    (pid.value(i), created.value(i), line.value(i)),
                    "instance {} differs between its rows",
                    uid.value(i)
                );
                assert!(created.value(i) <= ts.value(i), "a process acts before it starts");
                entry.4.insert(ts.value(i).div_euclid(DAY));
            }
        }
    }
    let service = |account: &str| matches!(account, "system" | "local service" | "network service");
    let longest =
        |services: bool| instances.values().filter(|i| service(&i.3) == services).map(|i| i.4.len()).max().unwrap_or(0);
    assert!(longest(true) >= 3, "a service instance should be seen on several days");
    assert!(longest(false) <= 2, "a user's application instance lives at most a day (two calendar days)");
}

/// DeviceFileEvents' SHA256 "is usually not populated" (its schema reference): about one
/// file row in ten with a SHA1 has it.
#[test]
fn file_events_mostly_leave_sha256_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = options(tmp.path(), Format::Store, 13);
    opts.events = 20_000;
    quarry_gen::generate(&opts).unwrap();
    let (mut with_sha1, mut with_sha256) = (0, 0);
    for batch in store_batches(tmp.path(), Table::File) {
        let (sha1, sha256) = (column::<StringArray>(&batch, "SHA1"), column::<StringArray>(&batch, "SHA256"));
        for i in 0..batch.num_rows() {
            let (has1, has256) = (!sha1.value(i).is_empty(), !sha256.value(i).is_empty());
            assert!(has1 || !has256, "a row with a SHA256 but no SHA1");
            with_sha1 += usize::from(has1);
            with_sha256 += usize::from(has256);
        }
    }
    assert!(with_sha1 > 1_000, "{with_sha1} file rows with a SHA1");
    let share = with_sha256 as f64 / with_sha1 as f64;
    assert!((0.05..0.2).contains(&share), "SHA256 on {share:.3} of the rows with a SHA1");
}

#[test]
fn ground_truth_lists_planted_tools_decoys_and_stale_plantings() {
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = options(tmp.path(), Format::Ndjson, 11);
    opts.devices = 60;
    opts.events = 20_000;
    opts.plant.stale_fraction = 0.3;
    let summary = quarry_gen::generate(&opts).unwrap();
    assert!(summary.planted_devices >= 3, "{summary:?}");
    let truth: serde_json::Value = serde_json::from_str(&fs::read_to_string(&summary.ground_truth).unwrap()).unwrap();
    let findings = truth["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(!truth["decoy_devices"].as_array().unwrap().is_empty());
    assert!(truth["decoy_rows"].as_u64().unwrap() > 0);
    for f in findings {
        for (table, t) in f["tables"].as_object().unwrap() {
            let count = t["Count"].as_u64().unwrap();
            assert!(count > 0, "{table}");
            assert!(t["FirstSeen"].as_str().unwrap() <= t["LastSeen"].as_str().unwrap());
            assert!(t["FirstSeen"].as_str().unwrap() >= truth["window"]["start"].as_str().unwrap());
            assert!(t["ReportIds"].as_array().unwrap().len() as u64 <= count);
        }
    }
    // Decoy devices never appear among the findings.
    let decoys: Vec<&str> =
        truth["decoy_devices"].as_array().unwrap().iter().map(|d| d["DeviceId"].as_str().unwrap()).collect();
    assert!(findings.iter().all(|f| !decoys.contains(&f["DeviceId"].as_str().unwrap())));
}

#[test]
fn a_plant_file_with_an_unknown_field_is_rejected_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plant.json");
    fs::write(&file, "{\n  \"device_fraction\": 0.1,\n  \"tool\": [\"AnyDesk\"]\n}\n").unwrap();
    let err = PlantSpec::load(&file).unwrap_err().to_string();
    assert!(err.contains("plant.json:3:"), "{err}");
    assert!(err.contains("unknown field `tool`"), "{err}");
}

#[test]
fn a_non_empty_output_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    let err = quarry_gen::generate(&options(tmp.path(), Format::Store, 1)).unwrap_err().to_string();
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(fs::read_to_string(tmp.path().join("keep.txt")).unwrap(), "mine");
}

#[test]
fn streaming_records_follow_the_storage_layout() {
    let tmp = tempfile::tempdir().unwrap();
    quarry_gen::generate(&options(tmp.path(), Format::Streaming, 2)).unwrap();
    let files = tree(tmp.path());
    let mut records = 0;
    for (path, bytes) in &files {
        if path.file_name().unwrap() == "ground-truth.json" {
            continue;
        }
        // insights-logs-advancedhunting-<table>/tenantId=<guid>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json
        let parts: Vec<String> = path.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        assert_eq!(parts.len(), 8, "{}", path.display());
        let table = parts[0].strip_prefix("insights-logs-advancedhunting-").unwrap();
        assert!(parts[1].starts_with("tenantId=") && parts[1].len() == 9 + 36);
        assert!(
            parts[2].starts_with("y=") && parts[5].starts_with("h=") && parts[6] == "m=00" && parts[7] == "PT1H.json"
        );
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.ends_with("\r\n"));
        for line in text.split_terminator("\r\n") {
            assert!(!line.contains('\n'));
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            let keys: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                ["time", "tenantId", "operationName", "category", "_TimeReceivedBySvc", "properties", "Tenant"]
            );
            let category = record["category"].as_str().unwrap();
            assert_eq!(category.strip_prefix("AdvancedHunting-").unwrap().to_ascii_lowercase(), table);
            let props = record["properties"].as_object().unwrap();
            let ts = props["Timestamp"].as_str().unwrap();
            // ISO-8601 strings of one format compare in time order.
            assert!(record["_TimeReceivedBySvc"].as_str().unwrap() > ts);
            assert!(record["time"].as_str().unwrap() > record["_TimeReceivedBySvc"].as_str().unwrap());
            // The blob is the hour the record was published (`time`).
            let time = record["time"].as_str().unwrap();
            let blob_hour = format!("{}-{}-{}T{}", &parts[2][2..], &parts[3][2..], &parts[4][2..], &parts[5][2..]);
            assert_eq!(&time[..13], blob_hour);
            assert!(!props.contains_key("TimeGenerated") && !props.contains_key("TenantId"));
            assert!(props.contains_key("MachineGroup"));
            if let Some(v) = props.get("AdditionalFields").filter(|v| !v.is_null()) {
                assert!(v.is_string(), "AdditionalFields is JSON text in the stream");
            }
            records += 1;
        }
    }
    assert_eq!(records, 5_000);
}
