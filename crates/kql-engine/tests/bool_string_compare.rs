//! Comparing a bool with a string (`IsLocalAdmin == "True"`) is refused by name: Kusto.Language
//! accepts it, but the reference does not say what Kusto does at run time.

use kql_engine::Engine;

#[tokio::test]
async fn a_bool_compared_with_a_string_is_refused_by_name() {
    let engine = Engine::new(0);
    let query = r#"datatable(IsLocalAdmin:bool)[true] | where IsLocalAdmin == "True""#;
    let err = engine.query(query).await.expect_err("a bool == string comparison is refused");
    let text = err.to_string();
    assert!(text.contains("comparing a bool with a string"), "{text}");
}

#[tokio::test]
async fn a_dynamic_value_compares_as_the_other_sides_type() {
    let engine = Engine::new(0);
    let query = r#"datatable(d:dynamic)[dynamic({"Name":"x","Count":10,"Local":true})]
        | where d.Name == "x" and d.Count > 9 and d.Local == true | count"#;
    let result = engine.query(query).await.expect("dynamic comparisons run");
    let batch = &result.batches[0];
    let count = batch.column(0).as_any().downcast_ref::<datafusion::arrow::array::Int64Array>().unwrap().value(0);
    assert_eq!(count, 1);
}
