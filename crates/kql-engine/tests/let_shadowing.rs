//! A `let` that shadows a table of the same name: the hunt runner applies false-positive
//! exclusions by prepending `let T = T | where not(<predicate>);` to a rule. The let's body
//! reads the real table; every later reference reads the filtered one
//! (<https://learn.microsoft.com/en-us/kusto/query/let-statement>: "the innermost let
//! statement applies"). Kusto rejects a second `let` of the same name in one scope (KS201 in
//! Kusto.Language), so exclusions for one table must be combined into one `let`.

use std::sync::Arc;

use arrow::array::{AsArray, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Int64Type, Schema};
use kql_engine::{Engine, QueryError};

fn engine() -> Engine {
    let mut engine = Engine::new(0);
    let schema = Arc::new(Schema::new(vec![
        Field::new("DeviceName", DataType::Utf8, true),
        Field::new("FileName", DataType::Utf8, true),
        Field::new("ReportId", DataType::Int64, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec!["pc1", "pc2", "build01", "pc3"])),
            Arc::new(StringArray::from(vec!["AnyDesk.exe", "AnyDesk.exe", "AnyDesk.exe", "notepad.exe"])),
            Arc::new(Int64Array::from(vec![1, 2, 3, 4])),
        ],
    )
    .expect("batch");
    engine.register_batches("DeviceProcessEvents", schema, vec![batch]).expect("register");
    engine
}

async fn report_ids(engine: &Engine, query: &str) -> Vec<i64> {
    let result = engine.query(query).await.unwrap_or_else(|e| panic!("{query}: {e:?}"));
    let mut ids: Vec<i64> = result
        .batches
        .iter()
        .flat_map(|b| {
            let i = b.schema().index_of("ReportId").expect("ReportId column");
            b.column(i).as_primitive::<Int64Type>().values().to_vec()
        })
        .collect();
    ids.sort();
    ids
}

const RULE: &str = "DeviceProcessEvents | where FileName =~ \"anydesk.exe\" | project DeviceName, ReportId";

#[tokio::test]
async fn the_rule_alone_finds_every_anydesk_start() {
    assert_eq!(report_ids(&engine(), RULE).await, vec![1, 2, 3]);
}

#[tokio::test]
async fn a_shadowing_let_filters_what_the_rule_reads() {
    let query =
        format!("let DeviceProcessEvents = DeviceProcessEvents | where not(DeviceName startswith \"build\");\n{RULE}");
    assert_eq!(report_ids(&engine(), &query).await, vec![1, 2]);
}

#[tokio::test]
async fn the_shadowing_let_reads_the_real_table_in_its_own_body() {
    // If the body read the let itself this would recurse or fail; it reads the table.
    let query = "let DeviceProcessEvents = DeviceProcessEvents | where ReportId > 1;\nDeviceProcessEvents | count";
    let result = engine().query(query).await.expect("runs");
    assert_eq!(result.batches[0].column(0).as_primitive::<Int64Type>().value(0), 3);
}

#[tokio::test]
async fn the_filtered_table_is_seen_inside_joins_and_later_lets() {
    let query = concat!(
        "let DeviceProcessEvents = DeviceProcessEvents | where ReportId != 2;\n",
        "let Devices = DeviceProcessEvents | distinct DeviceName;\n",
        "DeviceProcessEvents | join kind=inner Devices on DeviceName | where FileName =~ \"anydesk.exe\" | project ReportId"
    );
    assert_eq!(report_ids(&engine(), query).await, vec![1, 3]);
}

#[tokio::test]
async fn exclusions_combine_into_one_let_for_one_table() {
    let query = format!(
        "let DeviceProcessEvents = DeviceProcessEvents | where not(DeviceName startswith \"build\") | where not(DeviceName == \"pc2\");\n{RULE}"
    );
    assert_eq!(report_ids(&engine(), &query).await, vec![1]);
}

#[tokio::test]
async fn a_second_let_of_the_same_name_is_rejected_as_kusto_does() {
    let query = format!(
        "let DeviceProcessEvents = DeviceProcessEvents | where ReportId != 1;\n\
         let DeviceProcessEvents = DeviceProcessEvents | where ReportId != 2;\n{RULE}"
    );
    assert!(matches!(engine().query(&query).await, Err(QueryError::Invalid(_))));
}
