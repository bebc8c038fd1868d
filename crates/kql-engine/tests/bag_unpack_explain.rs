//! `evaluate bag_unpack` learns its columns by running its input first. `Engine::explain` and
//! `Engine::query_counted` resolve it the same way `Engine::query` does.

use datafusion::arrow::util::pretty::pretty_format_batches;
use kql_engine::{Engine, Explain};

const QUERY: &str = r#"datatable(d:dynamic)[dynamic({"a":1,"b":"x"})] | evaluate bag_unpack(d)"#;

#[tokio::test]
async fn explain_shows_the_plan_with_the_unpacked_columns() {
    let engine = Engine::new(0);
    let text = engine.explain(QUERY, Explain::Plan).await.expect("explain a bag_unpack query");
    assert!(text.contains("== logical_plan ==") && text.contains("== physical_plan =="), "{text}");
    assert!(text.contains("AS a") && text.contains("AS b"), "{text}");
    assert!(!text.contains("output_rows"), "{text}");
}

#[tokio::test]
async fn analyze_runs_the_final_query() {
    let engine = Engine::new(0);
    let text = engine.explain(QUERY, Explain::Analyze).await.expect("analyze a bag_unpack query");
    assert!(text.contains("output_rows=1,") || text.contains("output_rows=1]"), "{text}");
}

#[tokio::test]
async fn query_counted_returns_the_rows_query_returns() {
    let engine = Engine::new(0);
    let expected = engine.query(QUERY).await.expect("query");
    let (counted, _) = engine.query_counted(QUERY).await.expect("query_counted a bag_unpack query");
    let names = |schema: &datafusion::arrow::datatypes::SchemaRef| {
        schema.fields().iter().map(|f| f.name().clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&counted.schema), ["a", "b"]);
    assert_eq!(counted.schema, expected.schema);
    let table = |batches| pretty_format_batches(batches).unwrap().to_string();
    assert_eq!(table(&counted.batches), table(&expected.batches));
    assert_eq!(counted.batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
}
