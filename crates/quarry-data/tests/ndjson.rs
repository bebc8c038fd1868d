//! Reading NDJSON tables: schema from the catalog, inference, bad records, BOMs, empty files.

mod common;

use arrow::array::{
    Array, BooleanArray, DurationNanosecondArray, Int64Array, LargeStringArray, RecordBatch, StringArray,
    TimestampNanosecondArray,
};
use arrow::compute::concat_batches;
use arrow::datatypes::{DataType, TimeUnit};
use common::{fixture, scratch_dir};
use kql_semantics::{Catalog, SchemaCatalog, Type};
use quarry_data::{ReadOptions, SourceKind, TableData, TableSource, codes, discover, read_ndjson};

fn read_with(rel: &str, catalog: &dyn Catalog, options: &ReadOptions) -> TableData {
    let tables = discover(&fixture(rel)).unwrap();
    assert_eq!(tables.len(), 1, "{tables:?}");
    read_ndjson(&tables[0], catalog, options).unwrap()
}

fn read(rel: &str) -> TableData {
    read_with(rel, SchemaCatalog::defender_ref(), &ReadOptions::default())
}

fn all_rows(t: &TableData) -> RecordBatch {
    concat_batches(&t.schema, &t.batches).unwrap()
}

fn strings(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let col = b.column_by_name(name).unwrap_or_else(|| panic!("no column {name}"));
    let col = col.as_any().downcast_ref::<StringArray>().unwrap_or_else(|| panic!("{name} is not Utf8"));
    col.iter().map(|v| v.map(str::to_string)).collect()
}

fn dynamics(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let col = b.column_by_name(name).unwrap();
    let col = col.as_any().downcast_ref::<LargeStringArray>().unwrap_or_else(|| panic!("{name} is not LargeUtf8"));
    col.iter().map(|v| v.map(str::to_string)).collect()
}

fn longs(b: &RecordBatch, name: &str) -> Vec<Option<i64>> {
    let col = b.column_by_name(name).unwrap();
    col.as_any().downcast_ref::<Int64Array>().unwrap_or_else(|| panic!("{name} is not Int64")).iter().collect()
}

fn times(b: &RecordBatch, name: &str) -> Vec<Option<i64>> {
    let col = b.column_by_name(name).unwrap();
    col.as_any().downcast_ref::<TimestampNanosecondArray>().unwrap().iter().collect()
}

fn bools(b: &RecordBatch, name: &str) -> Vec<Option<bool>> {
    let col = b.column_by_name(name).unwrap();
    col.as_any().downcast_ref::<BooleanArray>().unwrap().iter().collect()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// 2026-07-18T14:08:56Z in nanoseconds since the epoch.
const T0: i64 = 1_784_383_736_000_000_000;

#[test]
fn a_known_table_gets_the_catalog_schema_then_new_columns() {
    let t = read("known");
    let catalog = SchemaCatalog::defender_ref().table("DeviceProcessEvents").unwrap();
    let names: Vec<&str> = t.schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mut expected: Vec<&str> = catalog.column_names().collect();
    expected.push("NewColumn");
    assert_eq!(names, expected);
    assert_eq!(t.kql_schema.column("NewColumn").unwrap().ty, Type::String);
    assert_eq!(t.kql_schema.column("ReportId").unwrap().ty, Type::Long);

    let field = |n: &str| t.schema.field_with_name(n).unwrap().data_type().clone();
    assert_eq!(field("Timestamp"), DataType::Timestamp(TimeUnit::Nanosecond, None));
    assert_eq!(field("ReportId"), DataType::Int64);
    assert_eq!(field("AdditionalFields"), DataType::LargeUtf8);
    assert_eq!(field("IsProcessRemoteSession"), DataType::Boolean);
    assert_eq!(field("DeviceName"), DataType::Utf8);

    assert_eq!((t.rows, t.rejected_count), (3, 1));
    let b = all_rows(&t);
    assert_eq!(times(&b, "Timestamp"), [Some(T0 + 257_612_400), Some(T0 + 4 * 1_000_000_000), None]);
    assert_eq!(times(&b, "ProcessCreationTime"), [Some(T0 - 1_000_000_000), None, None]);
    // Longs beyond 2^53, from numbers and from strings, are exact.
    assert_eq!(
        longs(&b, "ReportId"),
        [Some(123_456_789_012_345_678), Some(639_199_803_770_463_703), Some(9_007_199_254_740_993)]
    );
    assert_eq!(longs(&b, "ProcessId"), [Some(4242), Some(4243), None]);
    assert_eq!(longs(&b, "FileSize"), [None, None, None]);
    // Objects are compact JSON; a JSON string stays a quoted JSON string; null stays null.
    assert_eq!(
        dynamics(&b, "AdditionalFields"),
        [s(r#"{"Command":"x","Nested":[1,2.50,{"k":null}]}"#), s(r#""{\"a\":1}""#), None]
    );
    assert_eq!(bools(&b, "IsProcessRemoteSession"), [Some(false), Some(true), None]);
    // Strings are never null: missing keys and JSON null are "".
    assert_eq!(strings(&b, "DeviceName"), [s("ws-01"), s(""), s("ws-02")]);
    assert_eq!(strings(&b, "ProcessCommandLine"), [s(""), s(""), s("")]);
    assert_eq!(strings(&b, "InitiatingProcessUniqueId"), [s("0"), s(""), s("")]);
    assert_eq!(strings(&b, "NewColumn"), [s("extra"), s(""), s("")]);

    // A value that does not fit its column rejects its record (line 4), with the first bad
    // column named; the good records around it are kept.
    let rejected: Vec<(u64, &str)> = t.rejected.iter().map(|r| (r.line, r.code)).collect();
    assert_eq!(rejected, [(4, codes::BAD_VALUE)]);
    assert_eq!(t.rejected[0].reason, r#"column 'Timestamp': "yesterday": not an ISO-8601 datetime"#);
    assert!(t.rejected[0].file.ends_with("known/DeviceProcessEvents.jsonl"));
    assert_eq!(t.warning_count, 0);
}

#[test]
fn an_unknown_table_is_typed_by_inference() {
    let t = read("unknown");
    let types: Vec<(&str, Type)> = t.kql_schema.columns.iter().map(|c| (c.name.as_str(), c.ty)).collect();
    assert_eq!(
        types,
        [
            ("Domain", Type::String),
            ("Added", Type::DateTime),
            ("Count", Type::Long),
            ("Score", Type::Real),
            ("Enabled", Type::Bool),
            ("Tags", Type::Dynamic),
            ("Mixed", Type::Dynamic),
            ("OnlyNull", Type::String),
            ("Big", Type::Long),
            ("Late", Type::String),
        ]
    );
    let b = all_rows(&t);
    assert_eq!(times(&b, "Added"), [Some(1_714_557_600_000_000_000), None, Some(1_714_725_000_123_000_000)]);
    assert_eq!(longs(&b, "Big"), [Some(123_456_789_012_345_678), Some(-5), None]);
    assert_eq!(dynamics(&b, "Mixed"), [s("1"), s(r#""x""#), s(r#"{"a":1}"#)]);
    assert_eq!(dynamics(&b, "Tags"), [s(r#"["rmm","remote"]"#), s("[]"), None]);
    assert_eq!(strings(&b, "OnlyNull"), [s(""), s(""), s("")]);
    assert_eq!(strings(&b, "Late"), [s(""), s(""), s("x")]);
    assert_eq!((t.rejected_count, t.warning_count), (0, 0));
}

#[test]
fn columns_first_seen_after_inference_are_added_and_back_filled() {
    // Infer from the first record only: later keys are typed from their first value, and rows
    // before them get missing values, across batch boundaries.
    let options = ReadOptions { batch_rows: 2, infer_rows: 1, ..ReadOptions::default() };
    let t = read_with("unknown", &SchemaCatalog::empty(), &options);
    assert_eq!(t.batches.iter().map(|b| b.num_rows()).collect::<Vec<_>>(), [2, 1]);
    assert!(t.batches.iter().all(|b| b.schema() == t.schema));
    assert_eq!(t.kql_schema.column("Late").unwrap().ty, Type::String);
    // With one record seen, Score and Mixed are longs: 2.5 and "x" do not fit, nor does {"a":1}.
    assert_eq!(t.kql_schema.column("Score").unwrap().ty, Type::Long);
    assert_eq!(
        t.warnings.iter().map(|w| (w.line, w.column.as_str())).collect::<Vec<_>>(),
        [(2, "Score"), (2, "Mixed"), (3, "Mixed")]
    );
    let b = all_rows(&t);
    assert_eq!(strings(&b, "Late"), [s(""), s(""), s("x")]);
}

#[test]
fn bad_lines_are_rejected_and_good_ones_kept() {
    let t = read("bad");
    assert_eq!(t.rows, 4);
    assert_eq!(t.rejected_count, 6);
    let rejected: Vec<(u64, &str)> = t.rejected.iter().map(|r| (r.line, r.code)).collect();
    assert_eq!(
        rejected,
        [
            (2, codes::INVALID_RECORD),
            (3, codes::INVALID_RECORD),
            (5, codes::INVALID_RECORD),
            (7, codes::INVALID_RECORD),
            (9, codes::INVALID_UTF8),
            (11, codes::INVALID_RECORD),
        ]
    );
    assert_eq!(t.rejected[1].reason, "not a JSON object (found an array)");
    assert_eq!(t.rejected[2].reason, "not a JSON object (found a number)");
    assert_eq!(t.rejected[4].reason, "invalid UTF-8 at byte 19");
    assert_eq!(t.rejected[0].reason, "invalid JSON at column 22: EOF while parsing an object");
    assert!(t.rejected[5].reason.ends_with("trailing characters"), "{}", t.rejected[5].reason);
    assert!(t.rejected.iter().all(|r| r.file.ends_with("bad/DeviceEvents.jsonl")));
    let b = all_rows(&t);
    assert_eq!(strings(&b, "DeviceName"), [s("good-1"), s("good-2"), s("good-3"), s("good-4")]);
}

#[test]
fn a_byte_order_mark_and_crlf_are_skipped() {
    let t = read("bom");
    assert_eq!(t.name, "DeviceInfo");
    assert_eq!((t.rows, t.rejected_count), (2, 0));
    let b = all_rows(&t);
    assert_eq!(strings(&b, "DeviceName"), [s("bom-1"), s("bom-2")]);
    assert_eq!(strings(&b, "OSPlatform"), [s("Windows11"), s("")]);
}

#[test]
fn empty_files_give_empty_tables() {
    let tables = discover(&fixture("empty")).unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["DeviceLogonEvents", "Nothing"]);
    // A known table keeps its schema; an unknown one has no columns.
    let known = read_ndjson(&tables[0], SchemaCatalog::defender_ref(), &ReadOptions::default()).unwrap();
    assert_eq!((known.rows, known.batches.len(), known.rejected_count), (0, 0, 0));
    assert_eq!(
        known.schema.fields().len(),
        SchemaCatalog::defender_ref().table("DeviceLogonEvents").unwrap().columns.len()
    );
    let unknown = read_ndjson(&tables[1], SchemaCatalog::defender_ref(), &ReadOptions::default()).unwrap();
    assert_eq!((unknown.rows, unknown.schema.fields().len()), (0, 0));
}

#[test]
fn batches_hold_at_most_batch_rows() {
    let options = ReadOptions { batch_rows: 2, ..ReadOptions::default() };
    let t = read_with("bad", SchemaCatalog::defender_ref(), &options);
    assert_eq!(t.batches.iter().map(|b| b.num_rows()).collect::<Vec<_>>(), [2, 2]);
}

#[test]
fn every_file_of_a_table_is_read_in_order() {
    let tables = discover(&fixture("folder")).unwrap();
    let net = tables.iter().find(|t| t.name == "DeviceNetworkEvents").unwrap();
    let t = read_ndjson(net, SchemaCatalog::defender_ref(), &ReadOptions::default()).unwrap();
    let b = all_rows(&t);
    assert_eq!(strings(&b, "RemoteUrl"), [s("relay.anydesk.com"), s("relay.rustdesk.com"), s("x.screenconnect.com")]);
}

#[test]
fn values_are_decoded_by_column_type() {
    let dir = scratch_dir("types");
    let catalog = SchemaCatalog::from_json(
        r#"{"T": [["b","bool"],["i","int"],["l","long"],["r","real"],["d","decimal"],["s","string"],
                  ["g","guid"],["t","datetime"],["ts","timespan"],["dy","dynamic"]]}"#,
    )
    .unwrap();
    let path = dir.join("T.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"b":"TRUE","i":"12","l":1e3,"r":"2.5","d":"0.1","s":12.50,"g":"6F9619FF-8B86-D011-B42D-00C04FC964FF","t":"2024-01-01T00:00:00.1234567Z","ts":"1.02:03:04.5","dy":"text"}"#,
            "\n",
            r#"{"b":1,"d":"1e-19","s":{"a": [1, 2]},"g":null,"ts":"","dy":12345678901234567890}"#,
            "\n",
            // Each of these has one value its column's type cannot hold: the record is rejected.
            r#"{"b":true,"i":3000000000}"#,
            "\n",
            r#"{"b":true,"l":"x"}"#,
            "\n",
            r#"{"b":true,"r":true}"#,
            "\n",
            r#"{"b":true,"t":1700000000}"#,
            "\n"
        ),
    )
    .unwrap();
    let source = TableSource { name: "T".into(), kind: SourceKind::NdJson, paths: vec![path] };
    let t = read_ndjson(&source, &catalog, &ReadOptions::default()).unwrap();
    let b = all_rows(&t);
    let show = |name: &str| {
        let col = b.column_by_name(name).unwrap();
        (0..col.len())
            .map(|i| {
                if col.is_null(i) {
                    "null".to_string()
                } else {
                    arrow::util::display::array_value_to_string(col, i).unwrap()
                }
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(show("b"), ["true", "true"]);
    assert_eq!(show("i"), ["12", "null"]);
    assert_eq!(show("l"), ["1000", "null"]);
    assert_eq!(show("r"), ["2.5", "null"]);
    assert_eq!(show("d"), ["0.100000000000000000", "0.000000000000000000"]);
    assert_eq!(show("s"), ["12.50", r#"{"a":[1,2]}"#]);
    assert_eq!(show("g"), ["6F9619FF-8B86-D011-B42D-00C04FC964FF", ""]);
    assert_eq!(show("t"), ["2024-01-01T00:00:00.123456700", "null"]);
    let ts = b.column_by_name("ts").unwrap();
    let ts: Vec<Option<i64>> = ts.as_any().downcast_ref::<DurationNanosecondArray>().unwrap().iter().collect();
    assert_eq!(ts, [Some(((26 * 60 + 3) * 60 + 4) * 1_000_000_000 + 500_000_000), None]);
    assert_eq!(show("dy"), [r#""text""#, "12345678901234567890"]);
    let rejected: Vec<(u64, &str)> = t.rejected.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(
        rejected,
        [
            (3, "column 'i': 3000000000 is out of range for int"),
            (4, r#"column 'l': "x": not a number"#),
            (5, "column 'r': true is not a real"),
            (6, "column 't': 1700000000 is not a datetime"),
        ]
    );
    assert_eq!((t.rows, t.rejected_count, t.warning_count), (2, 4, 0));
}
