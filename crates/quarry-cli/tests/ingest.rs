//! `quarry ingest` and `-d` over every export format: what is kept, what is rejected (and
//! reported), exit codes, idempotence, appending, and queries over a store.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn formats() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data-formats")
}

fn quarry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quarry")).args(args).current_dir(formats()).output().expect("run quarry")
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("quarry-ingest").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a query and returns its rows (`--format json`).
fn query(data: &[&str], text: &str) -> Vec<Value> {
    let mut args = vec!["query", text, "--format", "json"];
    for d in data {
        args.push("-d");
        args.push(d);
    }
    let out = quarry(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    v["rows"].as_array().unwrap().clone()
}

fn count(data: &[&str], table: &str) -> i64 {
    query(data, &format!("{table} | count"))[0][0].as_i64().unwrap()
}

/// The summary table `ingest` prints: table -> (rows, rejected, warnings).
fn summary(out: &Output) -> Vec<(String, u64, u64, u64)> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0].to_string(), f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap())
        })
        .collect()
}

#[test]
fn streaming_api_storage_folders_name_tables_by_category_and_keep_values_exact() {
    let rows = query(
        &["storage"],
        "DeviceProcessEvents | sort by Timestamp asc | project Timestamp, ReportId, AdditionalFields, ProcessUniqueId, DeviceName",
    );
    assert_eq!(
        rows,
        [
            json!([
                "2024-05-01T10:00:01.1234567Z",
                912345678901234567i64,
                "{\"ProcessUniqueId\":\"17\"}",
                "0",
                "alpha.contoso.test"
            ]),
            json!(["2024-05-01T10:00:02Z", 3, null, "", "beta.contoso.test"]),
            json!(["2024-05-02T23:59:59.5Z", 5, null, "", "alpha.contoso.test"]),
        ]
    );
    // A column newer than the catalog (HardwareUuid) is kept; JSON inside a string stays text.
    let rows = query(&["storage"], "DeviceInfo | project ReportId, LoggedOnUsers, HardwareUuid, IsAzureADJoined");
    assert_eq!(
        rows,
        [json!([639199803770463703i64, "[{\"UserName\":\"carol\",\"DomainName\":\"CONTOSO\"}]", "abcd-ef", true])]
    );
}

#[test]
fn event_hub_captures_plain_and_gzip() {
    let rows =
        query(&["eventhub"], "DeviceNetworkEvents | sort by ReportId asc | project ReportId, RemoteIP, RemotePort");
    assert_eq!(rows, [json!([11, "203.0.113.7", 443]), json!([12, "", 80]), json!([13, "203.0.113.7", 443])]);
}

#[test]
fn api_responses_use_the_catalog_or_the_declared_schema() {
    let rows = query(&["api"], "DeviceLogonEvents | sort by Timestamp asc | project Timestamp, LogonId");
    assert_eq!(
        rows,
        [json!(["2024-05-04T01:02:03.456789Z", 123456789012345678i64]), json!(["2024-05-04T01:02:04Z", null])]
    );
    // Graph runHuntingQuery: a table the catalog does not know, typed by its schema.
    let rows = query(&["api"], "graph_hunting | sort by Timestamp asc | project Tool, Hits, Extra, ht = gettype(Hits)");
    assert_eq!(
        rows,
        [
            json!(["ScreenConnect", 4, {"k": [1, 2]}, "long"]),
            json!(["Pulseway", 5, null, "long"]),
            json!(["Action1", null, null, "long"]),
        ]
    );
}

#[test]
fn portal_csv_and_log_analytics_responses() {
    let rows = query(
        &["csv"],
        "portal_export | sort by Timestamp asc | project ProcessCommandLine, AdditionalFields, ReportId, ProcessId",
    );
    assert_eq!(
        rows,
        [
            json!(["\"C:\\Program Files\\Atera\\AteraAgent.exe\" /s", {"a": 1}, 912345678901234568i64, 100]),
            json!(["", null, 7, null]),
        ]
    );
    let rows =
        query(&["la"], "DeviceFileEvents | sort by Timestamp asc | project TimeGenerated, AdditionalFields.Size");
    assert_eq!(rows, [json!(["2024-05-07T00:00:05Z", 10]), json!(["2024-05-07T00:00:06Z", null])]);
}

#[test]
fn malformed_files_keep_every_good_record_and_report_every_bad_one() {
    let store = scratch("bad");
    let out = quarry(&["ingest", "bad", "--store", store.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        [
            ("DeviceEvents".to_string(), 3, 5, 0),
            ("DeviceFileEvents".to_string(), 985, 0, 0),
            ("DeviceImageLoadEvents".to_string(), 2, 1, 0),
            ("PT1H".to_string(), 0, 1, 0),
        ]
    );
    let err = stderr(&out);
    for expected in [
        "DeviceEvents.jsonl:3: (QD001)",
        "DeviceEvents.jsonl:5: (QD002) invalid UTF-8",
        "DeviceEvents.jsonl:6: (QD001) not a JSON object",
        "DeviceEvents.jsonl:8: (QD001)",
        "DeviceImageLoadEvents.csv:3: (QD005) a row has 2 fields; the header has 3",
        "PT1H.json.gz:986: (QD004) the file ends early",
        "DeviceEvents.jsonl:4: (QD101) column 'ReportId'",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in {err}");
    }
    // The rejects file lists the seven rejected records (one for a value of the wrong type).
    let rejects = std::fs::read_dir(store.join("_rejects")).unwrap().next().unwrap().unwrap().path();
    let lines: Vec<Value> =
        std::fs::read_to_string(rejects).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines.iter().filter(|l| l.get("column").is_some()).count(), 0);
    // The store holds exactly the good records.
    let s = store.to_str().unwrap();
    assert_eq!(count(&[s], "DeviceEvents"), 3);
    assert_eq!(count(&[s], "DeviceFileEvents"), 985);
    // -d over the same folder keeps the same records.
    assert_eq!(count(&["bad"], "DeviceEvents"), 3);
    assert_eq!(count(&["bad"], "DeviceImageLoadEvents"), 2);
}

#[test]
fn a_huge_field_and_a_bom_do_not_cost_records() {
    let dir = scratch("huge-input");
    let big = "x".repeat(5 << 20);
    let text = format!(
        "\u{feff}{{\"Timestamp\":\"2024-06-01T00:00:00Z\",\"DeviceName\":\"a\"}}\n{{\"Timestamp\":\"2024-06-01T00:00:01Z\",\"DeviceName\":\"b\",\"ProcessCommandLine\":\"{big}\"}}\n{{\"Timestamp\":\"2024-06-01T00:00:02Z\",\"DeviceName\":\"c\"}}\n"
    );
    std::fs::write(dir.join("DeviceProcessEvents.jsonl"), text).unwrap();
    let d = dir.to_str().unwrap();
    let rows = query(
        &[d],
        "DeviceProcessEvents | project DeviceName, n = strlen(ProcessCommandLine) | sort by DeviceName asc",
    );
    assert_eq!(rows, [json!(["a", 0]), json!(["b", 5 << 20]), json!(["c", 0])]);
}

#[test]
fn ingest_is_idempotent_appends_and_the_store_answers_queries() {
    let store = scratch("store");
    let s = store.to_str().unwrap();
    let out = quarry(&["ingest", "storage", "--store", s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(summary(&out), [("DeviceInfo".to_string(), 1, 0, 0), ("DeviceProcessEvents".to_string(), 3, 0, 0)]);
    // Day partitions, sorted by time.
    assert!(store.join("DeviceProcessEvents/day=2024-05-01").is_dir());
    assert!(store.join("DeviceProcessEvents/day=2024-05-02").is_dir());
    assert!(store.join("manifest.json").is_file());

    // The same input again adds nothing.
    let out = quarry(&["ingest", "storage", "--store", s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 skipped as already ingested"), "{}", stderr(&out));
    assert_eq!(count(&[s], "DeviceProcessEvents"), 3);

    // New input is appended; the earlier input again is still skipped.
    let out = quarry(&["ingest", "eventhub", "storage", "--store", s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(count(&[s], "DeviceProcessEvents"), 3);
    assert_eq!(count(&[s], "DeviceNetworkEvents"), 3);

    // Values survive the round trip through Parquet, and a time filter works over the store.
    let rows = query(
        &[s],
        "DeviceProcessEvents | where Timestamp between (datetime(2024-05-01) .. datetime(2024-05-01T23:59:59Z)) | sort by Timestamp asc | project Timestamp, ReportId, DeviceName",
    );
    assert_eq!(
        rows,
        [
            json!(["2024-05-01T10:00:01.1234567Z", 912345678901234567i64, "alpha.contoso.test"]),
            json!(["2024-05-01T10:00:02Z", 3, "beta.contoso.test"]),
        ]
    );
    // A store and a folder of exports can be queried together.
    assert_eq!(count(&[s, "api"], "DeviceLogonEvents"), 2);
}

#[test]
fn every_format_ingests_into_one_store() {
    let store = scratch("all");
    let s = store.to_str().unwrap();
    let out = quarry(&["ingest", "storage", "eventhub", "api", "csv", "la", "ndjson", "--store", s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tables: Vec<(String, u64)> = summary(&out).into_iter().map(|(t, n, _, _)| (t, n)).collect();
    assert_eq!(
        tables,
        [
            ("DeviceFileEvents".to_string(), 2),
            ("DeviceInfo".to_string(), 1),
            ("DeviceLogonEvents".to_string(), 2),
            ("DeviceNetworkEvents".to_string(), 3),
            ("DeviceProcessEvents".to_string(), 3),
            ("RmmWatchlist".to_string(), 2),
            ("graph_hunting".to_string(), 3),
            ("portal_export".to_string(), 2),
        ]
    );
    let rows = query(&[s], "RmmWatchlist | sort by Tool asc | project Tool, Risk, Since");
    assert_eq!(rows, [json!(["AnyDesk", 3, null]), json!(["Atera", 2, "2024-01-01T00:00:00Z"])]);
}

#[test]
fn a_missing_input_fails_the_ingest() {
    let store = scratch("missing");
    let out = quarry(&["ingest", "no-such-folder", "--store", store.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("no-such-folder"), "{}", stderr(&out));
}

#[test]
fn files_of_unknown_format_inside_a_folder_are_skipped_and_reported() {
    let dir = scratch("unknown-format");
    std::fs::create_dir_all(dir.join("export")).unwrap();
    std::fs::write(dir.join("export/README.txt"), "not telemetry\n").unwrap();
    std::fs::write(dir.join("export/DeviceEvents.jsonl"), "{\"Timestamp\":\"2024-06-01T00:00:00Z\"}\n").unwrap();
    let store = dir.join("store");
    let out = quarry(&["ingest", dir.join("export").to_str().unwrap(), "--store", store.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("README.txt"), "{}", stderr(&out));
    assert_eq!(summary(&out), [("DeviceEvents".to_string(), 1, 0, 0)]);
}
