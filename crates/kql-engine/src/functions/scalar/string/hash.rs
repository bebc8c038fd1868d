//! `hash_sha256()` and `hash_md5()`: the lowercase hex digest of a value's KQL string form
//! (UTF-8).
//!
//! The digests themselves come from DataFusion's `sha256` and `md5` functions (its
//! `crypto_expressions` feature), called directly: no digest crate is a dependency of ours.
//! The documented examples fix what is hashed: `hash_sha256("World")` is
//! `78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524` and
//! `hash_sha256(datetime(2020-01-01))` is the digest of `2020-01-01T00:00:00.0000000Z`
//! (<https://learn.microsoft.com/kusto/query/hash-sha256-function>,
//! <https://learn.microsoft.com/kusto/query/hash-md5-function>).

use std::fmt::Write as _;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::config::ConfigOptions;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF};

use super::common::{KqlFunction, Param, finish_strings, result_len, strs};

fn digest_kernel(args: &[ColumnarValue], rows: usize, digest: Arc<ScalarUDF>) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    // A null of a non-string type hashes to "" (strings are never null: a null string is "").
    let nulls: Option<ArrayRef> = match &args[0] {
        ColumnarValue::Array(a) if !matches!(a.data_type(), DataType::Utf8 | DataType::Utf8View) => Some(Arc::clone(a)),
        _ => None,
    };
    let scalar_null = matches!(&args[0], ColumnarValue::Scalar(v) if v.is_null() && !matches!(v.data_type(), DataType::Utf8 | DataType::Utf8View | DataType::Null));
    let input: StringArray = (0..len).map(|i| Some(text.get(i))).collect();
    let ret = digest.return_type(&[DataType::Utf8])?;
    let output = digest.invoke_with_args(ScalarFunctionArgs {
        args: vec![ColumnarValue::Array(Arc::new(input))],
        arg_fields: vec![Arc::new(Field::new("value", DataType::Utf8, false))],
        number_rows: len,
        return_field: Arc::new(Field::new(digest.name(), ret, true)),
        config_options: Arc::new(ConfigOptions::default()),
    })?;
    let ColumnarValue::Array(output) = output else {
        return exec_err!("{}: expected an array of digests", digest.name());
    };
    let hex: Vec<String> = match output.data_type() {
        DataType::Binary => output.as_binary::<i32>().iter().map(|b| b.map(to_hex).unwrap_or_default()).collect(),
        DataType::Utf8View => output.as_string_view().iter().map(|s| s.unwrap_or_default().to_string()).collect(),
        DataType::Utf8 => output.as_string::<i32>().iter().map(|s| s.unwrap_or_default().to_string()).collect(),
        other => return exec_err!("{}: unexpected digest type {other}", digest.name()),
    };
    let is_null = |i: usize| scalar_null || nulls.as_ref().is_some_and(|a| a.is_null(i));
    finish_strings(hex.into_iter().enumerate().map(|(i, h)| if is_null(i) { String::new() } else { h }), scalar)
}

fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn hash_sha256(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    digest_kernel(args, rows, datafusion::functions::crypto::sha256())
}

fn hash_md5(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    digest_kernel(args, rows, datafusion::functions::crypto::md5())
}

pub(crate) fn functions() -> Vec<ScalarUDF> {
    vec![
        // https://learn.microsoft.com/kusto/query/hash-sha256-function
        KqlFunction::new("kql_hash_sha256", &[Param::Any], 1, DataType::Utf8, hash_sha256).udf(),
        // https://learn.microsoft.com/kusto/query/hash-md5-function
        KqlFunction::new("kql_hash_md5", &[Param::Any], 1, DataType::Utf8, hash_md5).udf(),
    ]
}

#[cfg(test)]
mod tests {
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn udf(name: &str) -> ScalarUDF {
        functions().into_iter().find(|f| f.name() == name).unwrap()
    }

    fn jan_1_2020() -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::TimestampNanosecond(Some(1_577_836_800_000_000_000), None))
    }

    #[test]
    fn documented_digests() {
        let sha = udf("kql_hash_sha256");
        let md5 = udf("kql_hash_md5");
        // hash_sha256 page examples.
        assert_eq!(
            call_str(&sha, vec![s("World")]).unwrap(),
            "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524"
        );
        assert_eq!(
            call_str(&sha, vec![jan_1_2020()]).unwrap(),
            "ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d"
        );
        assert_eq!(
            call_str(&sha, vec![s("TEXAS")]).unwrap(),
            "9087f20f23f91b5a77e8406846117049029e6798ebbd0d38aea68da73a00ca37"
        );
        // hash_md5 page examples.
        assert_eq!(call_str(&md5, vec![s("World")]).unwrap(), "f5a7924e621e84c9280a9a27e1bcb7f6");
        assert_eq!(call_str(&md5, vec![jan_1_2020()]).unwrap(), "786c530672d1f8db31fee25ea8a9390b");
        assert_eq!(call_str(&md5, vec![s("TEXAS")]).unwrap(), "3b00dbe6e07e7485a1c12d36c8e9910a");
    }

    #[test]
    fn nulls_and_arrays() {
        let md5 = udf("kql_hash_md5");
        // A null string is "": its digest is that of "".
        assert_eq!(call_str(&md5, vec![null_str()]).unwrap(), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(call_str(&md5, vec![ColumnarValue::Scalar(ScalarValue::Int64(None))]).unwrap(), "");
        let r = invoke(&md5, vec![str_col(&[Some("World"), None])]).unwrap();
        assert_eq!(
            strings_of(r),
            vec![Some("f5a7924e621e84c9280a9a27e1bcb7f6".into()), Some("d41d8cd98f00b204e9800998ecf8427e".into())]
        );
        let r = invoke(&udf("kql_hash_sha256"), vec![long_col(&[Some(1), None])]).unwrap();
        assert_eq!(
            strings_of(r),
            vec![Some("6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b".into()), Some("".into())]
        );
    }
}
