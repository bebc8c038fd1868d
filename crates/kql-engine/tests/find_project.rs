//! `find ... project` of a column whose type differs between the tables needs a type after it
//! (https://learn.microsoft.com/en-us/kusto/query/find-operator, Notes); without one, or for a
//! column that no table has, the query is refused with a message that says how to write it.

use kql_engine::Engine;

#[tokio::test]
async fn a_column_with_several_types_needs_a_type() {
    let engine = Engine::new(0);
    let query = r#"let A = datatable(Msg:string, Code:string)['disk error', 'E1'];
        let B = datatable(Msg:string, Code:long)['error again', 42];
        find in (A, B) where Msg has "error" project Msg, Code"#;
    let err = engine.query(query).await.expect_err("Code is string in A and long in B");
    let text = err.to_string();
    assert!(text.contains("`Code` is string in A but long in B") && text.contains("`Code:string`"), "{text}");
}

#[tokio::test]
async fn a_column_no_table_has_needs_a_type() {
    let engine = Engine::new(0);
    let query = r#"let A = datatable(Msg:string)['disk error'];
        find in (A) where Msg has "disk" project Msg, Level"#;
    let err = engine.query(query).await.expect_err("no table has Level");
    let text = err.to_string();
    assert!(text.contains("no table that find searches has a column `Level`"), "{text}");
}

#[tokio::test]
async fn project_keeps_its_columns_when_no_row_matches() {
    let engine = Engine::new(0);
    let query = r#"let A = datatable(Msg:string, Level:long)['ok', 1];
        find in (A) where Msg has "error" project Msg, Level"#;
    let result = engine.query(query).await.expect("an empty result");
    let names: Vec<String> = result.schema.fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(names, ["source_", "Msg", "Level"]);
    assert_eq!(result.batches.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
}

/// Quarry's reading: a table without the predicate's columns takes no part in `find`, so its
/// type for a projected column does not count.
#[tokio::test]
async fn a_table_left_out_does_not_type_the_projected_columns() {
    let engine = Engine::new(0);
    let query = r#"let A = datatable(Msg:string, Code:string)['disk error', 'E1'];
        let B = datatable(Code:long)[42];
        find in (A, B) where Msg has "error" project Msg, Code"#;
    let result = engine.query(query).await.expect("B is left out");
    let code = result.schema.field_with_name("Code").expect("a Code column");
    assert_eq!(code.data_type(), &datafusion::arrow::datatypes::DataType::Utf8);
    assert_eq!(result.batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
}
