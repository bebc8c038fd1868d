//! Each export shape, read from memory: which table each record lands in, and what is kept.

use std::collections::BTreeMap;
use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::datatypes::Int64Type;
use kql_semantics::SchemaCatalog;
use quarry_data::{NoProgress, ReadOptions, RejectLog, SourceKind, TableSet, read_from};

/// Reads `text` as a file named `name` whose table is `table`; returns rows per table and the
/// rejected records as (line, code).
fn read(text: &str, kind: SourceKind, table: &str) -> (BTreeMap<String, u64>, Vec<(u64, &'static str)>) {
    let catalog = SchemaCatalog::defender();
    let mut set = TableSet::new(&catalog, &ReadOptions::default(), RejectLog::default(), &NoProgress);
    read_from(text.as_bytes(), Path::new("input"), kind, table, &mut set);
    let rejected = set.rejects.details.iter().map(|r| (r.line, r.code)).collect();
    (set.row_counts.clone(), rejected)
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn event_hub_bodies_one_per_line_and_pretty_printed() {
    let body = |n: u64| {
        format!(
            "{{\"records\":[{{\"category\":\"AdvancedHunting-DeviceEvents\",\"properties\":{{\"ReportId\":{n}}}}},{{\"category\":\"AdvancedHunting-DeviceInfo\",\"properties\":{{\"ReportId\":{n}}}}}]}}"
        )
    };
    let (rows, rejected) = read(&format!("{}\n{}\n", body(1), body(2)), SourceKind::NdJson, "x");
    assert_eq!(rows, counts(&[("DeviceEvents", 2), ("DeviceInfo", 2)]));
    assert!(rejected.is_empty());
    let pretty = "{\n  \"records\": [\n    {\"category\": \"AdvancedHunting-DeviceEvents\", \"properties\": {}},\n    {\"oops\": \n";
    let (rows, rejected) = read(pretty, SourceKind::NdJson, "x");
    assert_eq!(rows, counts(&[("DeviceEvents", 1)]));
    assert_eq!(rejected.len(), 1, "the cut-off document is reported once");
}

#[test]
fn api_responses_in_either_casing() {
    let legacy = r#"{"Stats":{},"Schema":[{"Name":"N","Type":"Int64"}],"Results":[{"N":1},{"N":"2"}]}"#;
    let (rows, _) = read(legacy, SourceKind::NdJson, "Legacy");
    assert_eq!(rows, counts(&[("Legacy", 2)]));
    let graph = "{\"@odata.context\": \"x\",\n \"schema\": [{\"name\": \"N\", \"type\": \"Int64\"}],\n \"results\": [{\"N\": 3}]\n}";
    let (rows, _) = read(graph, SourceKind::NdJson, "Graph");
    assert_eq!(rows, counts(&[("Graph", 1)]));
}

#[test]
fn log_analytics_rows_are_routed_by_their_type_column() {
    let la = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"Type","type":"string"},{"name":"ReportId","type":"long"}],
        "rows":[["DeviceEvents",1],["DeviceInfo",2],["DeviceEvents"]]}]}"#;
    let (rows, rejected) = read(la, SourceKind::NdJson, "query");
    assert_eq!(rows, counts(&[("DeviceEvents", 1), ("DeviceInfo", 1)]));
    assert_eq!(rejected.iter().map(|r| r.1).collect::<Vec<_>>(), ["QD005"]);
}

#[test]
fn csv_rows_with_quotes_newlines_and_bad_rows() {
    let csv = "\u{feff}Timestamp,DeviceName,ReportId\n2024-01-01T00:00:00Z,\"multi\nline\",639199803770463703\n2024-01-01T00:00:01Z,b\n2024-01-01T00:00:02Z,c,3\n";
    let catalog = SchemaCatalog::defender();
    let mut set = TableSet::new(&catalog, &ReadOptions::default(), RejectLog::default(), &NoProgress);
    read_from(csv.as_bytes(), Path::new("x.csv"), SourceKind::Csv, "DeviceInfo", &mut set);
    assert_eq!(set.rejects.details.iter().map(|r| (r.line, r.code)).collect::<Vec<_>>(), [(4, "QD005")]);
    let data = set.builders.remove("DeviceInfo").unwrap().finish().unwrap();
    assert_eq!(data.rows, 2);
    let ids = data.batches[0].column_by_name("ReportId").unwrap().as_primitive::<Int64Type>().clone();
    assert_eq!((ids.value(0), ids.value(1)), (639_199_803_770_463_703, 3));
    assert_eq!(data.batches[0].column_by_name("DeviceName").unwrap().as_string::<i32>().value(0), "multi\nline");
    assert!(!ids.is_null(0));
}
