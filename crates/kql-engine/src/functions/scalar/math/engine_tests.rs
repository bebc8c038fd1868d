//! End-to-end checks of the functions added with the math group and their siblings in the other
//! groups: each runs through the binder, the planner and DataFusion, as a query would.

use crate::Engine;
use crate::functions::scalar::string::format::write_value;

/// The KQL string form of `print x = <expr>`'s single cell, and its Arrow type.
async fn eval(expr: &str) -> (String, String) {
    let engine = Engine::new(0);
    let result = engine.query(&format!("print x = {expr}")).await.unwrap_or_else(|e| panic!("{expr}: {e}"));
    let batch = result.batches.iter().find(|b| b.num_rows() > 0).expect("a row");
    let mut out = String::new();
    write_value(batch.column(0).as_ref(), 0, &mut out).expect("printable");
    (out, batch.column(0).data_type().to_string())
}

async fn text(expr: &str) -> String {
    eval(expr).await.0
}

#[tokio::test]
async fn new_functions_run_in_queries() {
    assert_eq!(text("extract_json('$.name', '{\"name\": \"John\", \"age\": 30}')").await, "John");
    assert_eq!(text("extractjson('$.a[1]', '{\"a\": [1, 2]}')").await, "2");
    assert_eq!(text("string_size('⒦⒰⒮⒯⒪')").await, "15");
    assert_eq!(text("replace(@'is (\\d+)', @'was: \\1', 'Number is 1')").await, "Number was: 1");
    assert_eq!(text("pack_dictionary('a', 1)").await, "{\"a\":1}");
    assert_eq!(text("hash('World')").await, "1846988464401551951");
    assert_eq!(text("hash('World', 100)").await, "51");
    assert_eq!(text("hash(datetime(2015-01-01))").await, "1380966698541616202");
    assert_eq!(text("base64_decodestring('S3VzdG8=')").await, "Kusto");
    assert_eq!(text("base64_decode_toarray('S3VzdG8=')").await, "[75,117,115,116,111]");
    assert_eq!(text("base64_encode_fromarray(dynamic([75,117,115,116,111]))").await, "S3VzdG8=");
    assert_eq!(text("extractall(@'(\\d)', '1a2')").await, "[\"1\",\"2\"]");
    assert_eq!(text("gettype(parse_json('[1]'))").await, "array");
    assert_eq!(text("gettype(1.5)").await, "real");
    assert_eq!(text("unicode_codepoints_from_string('Kusto')").await, "[75,117,115,116,111]");
    assert_eq!(text("unicode_codepoints_to_string(dynamic([75,117,115]), 116, 111)").await, "Kusto");
    assert_eq!(text("range(1, 8, 3)").await, "[1,4,7]");
    assert_eq!(text("repeat('a', 2)").await, "[\"a\",\"a\"]");
    assert_eq!(text("max_of(10, 1, -3, 17)").await, "17");
    assert_eq!(text("min_of(10, 1, -3, 17)").await, "-3");
    assert_eq!(text("round(degrees(pi() / 4), 6)").await, "45");
    assert_eq!(text("isnan(real(nan))").await, "true");
    assert_eq!(text("ceiling(1.1)").await, "2");
    assert_eq!(text("datetime_utc_to_local(datetime(2020-01-01), 'Etc/GMT-2')").await, "2020-01-01T02:00:00.0000000Z");
    assert_eq!(text("geo_info_from_ip_address('20.53.203.50')").await, "{}");
    assert!(text("parse_user_agent('curl/8.4.0', 'browser')").await.contains("\"curl\""));
    assert_eq!(text("bag_set_key(dynamic({'a':1}), 'b', 2)").await, "{\"a\":1,\"b\":2}");
    assert_eq!(text("bag_zip(dynamic(['a','b']), dynamic([1,2]))").await, "{\"a\":1,\"b\":2}");
    assert_eq!(text("strrep('ab', 3, '-')").await, "ab-ab-ab");
    assert_eq!(text("strcmp('a', 'b')").await, "-1");
    assert_eq!(text("translate('krasp', 'otsku', 'spark')").await, "kusto");
    assert_eq!(text("tohex(-256)").await, "ffffffffffffff00");
    assert_eq!(text("url_encode_component('a b')").await, "a%20b");
}

#[tokio::test]
async fn extract_json_converts_with_typeof() {
    let (value, ty) = eval("extract_json('$.age', '{\"age\": 30}', typeof(long)) + 1").await;
    assert_eq!((value.as_str(), ty.as_str()), ("31", "Int64"));
}
